//! Loading an archive: the catalogue, then every speech in parallel, each reported as
//! imported, skipped or failed (the report's types are in [`crate::report`]).

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use lectern_core::annotation::SpeechNotes;
use lectern_core::catalogue::CatalogueError;
use lectern_core::import::{ImportOptions, MAX_FILE_BYTES};
use lectern_core::{Catalogue, Document, ImportError, import};
use rayon::prelude::*;

use crate::notes::{Base, NotesError, find_sidecars, read_sidecar};
use crate::report::{CheckEntry, CheckReport, CheckStatus};
use crate::scan::{EntryKind, ScanEntry, io_reason, relative_path, scan, walk};

/// Why a file could not be loaded. Messages name the reason; callers add the path.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read: {0}")]
    Io(String),
    #[error(transparent)]
    Import(#[from] ImportError),
}

impl LoadError {
    /// A file that is not a speech (empty, a page of links) rather than a broken one.
    pub fn is_skip(&self) -> bool {
        matches!(self, Self::Import(e) if e.is_skip())
    }
}

fn read_source(path: &Path) -> Result<Vec<u8>, LoadError> {
    Ok(read_source_into(path, &mut Vec::new())?.to_vec())
}

/// Where in memory a file is read to: the kernel copies a file out of its cache several times
/// faster to an address on a 64-byte boundary (2.7 times on AMD Zen 3, where an allocation
/// starts 16 bytes past one), so the file goes in at the buffer's first such boundary.
const READ_ALIGN: usize = 64;

/// Reads the file at `path` into `bytes` and returns what it held, refusing files over the
/// size limit before reading them. Reusing one buffer across files spares an allocation per
/// file; the buffer only grows, so a file costs no zeroing of it.
fn read_source_into<'b>(path: &Path, bytes: &'b mut Vec<u8>) -> Result<&'b [u8], LoadError> {
    let io = |e: std::io::Error| LoadError::Io(io_reason(&e));
    let mut file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge { bytes: len }.into());
    }
    let len = len as usize;
    if bytes.len() < len + READ_ALIGN {
        bytes.resize(len + READ_ALIGN, 0);
    }
    let start = bytes.as_ptr().align_offset(READ_ALIGN).min(READ_ALIGN);
    let target = &mut bytes[start..start + len];
    // Read what the file held when it was opened, asking for all of it at once (one call
    // for most files, where reading to the end asks for 8 KB, then 16, then 32): a file
    // growing meanwhile is never read without bound, and one shrinking reads short.
    let mut filled = 0;
    while filled < len {
        match file.read(&mut target[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    }
    Ok(&target[..filled])
}

/// Loads one file. `relative` is its path relative to the archive root (for the catalogue
/// and file-name metadata).
pub fn load_file(
    path: &Path,
    relative: &str,
    catalogue: &Catalogue,
) -> Result<Document, LoadError> {
    load_file_with(path, relative, catalogue, &mut Vec::new())
}

/// [`load_file`] reading through a caller's buffer, reused across files.
pub(crate) fn load_file_with(
    path: &Path,
    relative: &str,
    catalogue: &Catalogue,
    buffer: &mut Vec<u8>,
) -> Result<Document, LoadError> {
    let bytes = read_source_into(path, buffer)?;
    let options = ImportOptions {
        path: relative,
        catalogue: catalogue.lookup(relative),
        overrides: None,
    };
    Ok(import(bytes, &options)?)
}

/// Reads every catalogue CSV at the archive root; the result merges them (the first by name
/// wins a clash). Also returns what became of each CSV.
pub fn read_catalogue(root: &Path) -> (Catalogue, Vec<CheckEntry>) {
    let mut catalogue = Catalogue::default();
    let mut entries = Vec::new();
    let Ok(dir) = std::fs::read_dir(root) else {
        return (catalogue, entries);
    };
    let mut csvs: Vec<PathBuf> = dir
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) && p.is_file())
        .collect();
    csvs.sort();
    for path in csvs {
        let relative = relative_path(root, &path);
        let entry = match read_source(&path).map(|bytes| Catalogue::parse(&bytes)) {
            Ok(Ok((parsed, warnings))) => {
                let rows = parsed.len();
                catalogue.merge(parsed);
                let mut e = CheckEntry::new(
                    relative,
                    CheckStatus::Skipped,
                    Some(format!("archive catalogue ({rows} rows)")),
                );
                e.warnings = warnings.into_iter().map(|w| w.message).collect();
                e
            }
            Ok(Err(CatalogueError::NoFileColumn)) => CheckEntry::new(
                relative,
                CheckStatus::Skipped,
                Some("a CSV table that is not a catalogue (no file column)".to_owned()),
            ),
            Ok(Err(err)) => CheckEntry::new(
                relative,
                CheckStatus::Failed,
                Some(format!("unreadable catalogue: {err}")),
            ),
            Err(err) => CheckEntry::new(relative, CheckStatus::Failed, Some(err.to_string())),
        };
        entries.push(entry);
    }
    (catalogue, entries)
}

/// Walks up from `file` (at most four folders) to the nearest folder whose catalogue lists
/// it; returns the catalogue and the file's path relative to that folder.
pub fn find_catalogue_for(file: &Path) -> Option<(Catalogue, String)> {
    let absolute = std::path::absolute(file).ok()?;
    let mut dir = absolute.parent();
    for _ in 0..4 {
        let current = dir?;
        let (catalogue, _) = read_catalogue(current);
        let relative = relative_path(current, &absolute);
        if catalogue.lookup(&relative).is_some() {
            return Some((catalogue, relative));
        }
        dir = current.parent();
    }
    None
}

/// Loaded documents (sorted by relative path) and the report of the whole load.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<(String, Document)>,
    pub report: CheckReport,
    /// The notes of every speech with a readable sidecar, by path, each annotation
    /// re-anchored in the speech as it reads now. Unreadable sidecars are in the report.
    pub notes: HashMap<String, SpeechNotes>,
    /// The same sidecars as read, before re-anchoring: the base of the next save of each.
    pub bases: HashMap<String, Base>,
}

/// Progress of a load: `done` of `total` files.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub current: &'a str,
}

thread_local! {
    /// One read buffer per worker thread, reused for every file it reads.
    pub(crate) static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Checks every file of the archive at `root` without keeping the documents.
pub fn check(root: &Path) -> CheckReport {
    check_with_sidecars_in(root, None)
}

/// [`check`], with the sidecars kept in `mirror` (the same relative paths) instead of next
/// to the sources — for archives on read-only media.
pub fn check_with_sidecars_in(root: &Path, mirror: Option<&Path>) -> CheckReport {
    let (catalogue, catalogue_lines) = read_catalogue(root);
    // Files are read while the walk goes on; sidecars met on the way (few) are set aside and
    // anchored afterwards, against a second reading of their speeches. The report lines are
    // collected as they are made: each is large, and moved no more than it must be.
    let met = std::sync::Mutex::new(Sidecars::default());
    let set_aside = || {
        met.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    let mut lines: Vec<CheckEntry> = walk(root)
        .par_bridge()
        .filter_map(|entry| match entry.kind {
            EntryKind::Sidecar(source) => {
                set_aside().present.insert(source, entry.path);
                None
            }
            EntryKind::SidecarConflict(source) => {
                let mut met = set_aside();
                met.conflicts
                    .entry(source)
                    .or_default()
                    .push(entry.relative);
                None
            }
            _ => READ_BUFFER
                .with_borrow_mut(|buffer| process(entry, &catalogue, buffer, false, None))
                .map(|(line, _)| line),
        })
        .collect();
    let mut sidecars = met
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(mirror) = mirror {
        sidecars.present = find_sidecars(mirror).into_iter().collect();
    }
    // Sidecars and conflict copies go with their speech when it was imported; those left
    // over are reported alone. Most archives have few or none: then no line is looked up.
    if !sidecars.present.is_empty() || !sidecars.conflicts.is_empty() {
        for line in lines
            .iter_mut()
            .filter(|l| l.status == CheckStatus::Imported)
        {
            if let Some(mut copies) = sidecars.conflicts.remove(&line.path) {
                copies.sort();
                line.conflict_copies = copies;
            }
            if let Some(sidecar) = sidecars.present.remove(&line.path)
                && let Ok(doc) = load_file(&root.join(&line.path), &line.path, &catalogue)
            {
                line.attach_sidecar(&sidecar, &doc);
            }
        }
    }
    for (source, sidecar) in &sidecars.present {
        lines.push(unattached_sidecar(root, source, sidecar));
    }
    for (source, mut copies) in sidecars.conflicts {
        copies.sort();
        let reason = format!(
            "sync conflict copies of the notes of {source}, which is not an imported speech"
        );
        let mut entry = CheckEntry::new(copies.join(", "), CheckStatus::Skipped, Some(reason));
        entry.conflict_copies = copies;
        lines.push(entry);
    }
    lines.extend(catalogue_lines);
    CheckReport::from_entries(lines)
}

/// A sidecar whose speech is missing or was not imported: reported, never silently ignored.
fn unattached_sidecar(root: &Path, source: &str, sidecar: &Path) -> CheckEntry {
    let relative = relative_path(root, sidecar);
    let mut entry = CheckEntry::new(relative, CheckStatus::Skipped, None);
    match read_sidecar(sidecar) {
        Ok(base) => {
            entry.sidecar = Some("ok");
            let n = base.notes.annotations.len();
            let annotations = if n == 1 {
                "1 annotation".to_owned()
            } else {
                format!("{n} annotations")
            };
            entry.reason = Some(format!(
                "notes ({annotations}) for {source}, which is missing or was not imported; they are kept"
            ));
        }
        Err(err) => {
            entry.sidecar = Some(if matches!(err, NotesError::Corrupt { .. }) {
                "corrupt"
            } else {
                "unreadable"
            });
            entry.reason = Some(format!(
                "notes for {source}, which is missing or was not imported"
            ));
            entry.sidecar_error = Some(err.to_string());
        }
    }
    entry
}

/// The scanned entries without the sidecars, and which sources have one (or conflict copies). Knowing them
/// from the walk spares a failed open per source without notes.
fn split_sidecars(scanned: Vec<ScanEntry>) -> (Vec<ScanEntry>, Sidecars) {
    let mut sidecars = Sidecars::default();
    let entries = scanned
        .into_iter()
        .filter_map(|entry| match entry.kind {
            EntryKind::Sidecar(source) => {
                sidecars.present.insert(source, entry.path);
                None
            }
            EntryKind::SidecarConflict(source) => {
                sidecars
                    .conflicts
                    .entry(source)
                    .or_default()
                    .push(entry.relative);
                None
            }
            _ => Some(entry),
        })
        .collect();
    (entries, sidecars)
}

/// What the scan found of sidecars, by source.
#[derive(Debug, Default)]
struct Sidecars {
    /// Source → its sidecar.
    present: HashMap<String, PathBuf>,
    conflicts: std::collections::BTreeMap<String, Vec<String>>,
}

impl Sidecars {
    /// The sync-tool conflict copies of the notes of `source`, sorted.
    fn conflict_copies_of(&self, source: &str) -> Vec<String> {
        let mut copies = self.conflicts.get(source).cloned().unwrap_or_default();
        copies.sort();
        copies
    }
}

/// Loads every speech of the archive at `root` (with the notes in `mirror` instead of next
/// to the sources, when given), reporting progress as files finish.
/// Once `cancelled` is set, files not yet read are skipped and the load returns soon; what
/// it returns then is incomplete and meant to be dropped.
pub fn load_archive(
    root: &Path,
    mirror: Option<&Path>,
    on_progress: &(dyn Fn(Progress<'_>) + Sync),
    cancelled: &std::sync::atomic::AtomicBool,
) -> Loaded {
    let (catalogue, mut entries) = read_catalogue(root);
    let (scanned, mut sidecars) = split_sidecars(scan(root));
    // Notes kept in a mirror folder (the archive cannot be written) are read from there.
    if let Some(mirror) = mirror {
        sidecars.present = find_sidecars(mirror).into_iter().collect();
    }
    let total = scanned
        .iter()
        .filter(|e| e.kind == EntryKind::Speech)
        .count();
    let done = AtomicUsize::new(0);
    let results: Vec<(CheckEntry, Option<Kept>)> = scanned
        .into_par_iter()
        .map(|entry| {
            if cancelled.load(Ordering::Relaxed) {
                return None;
            }
            let is_speech = entry.kind == EntryKind::Speech;
            let relative = entry.relative.clone();
            let sidecar = sidecars.present.get(&entry.relative);
            let outcome = READ_BUFFER.with_borrow_mut(|buffer| {
                process(
                    entry,
                    &catalogue,
                    buffer,
                    true,
                    sidecar.map(PathBuf::as_path),
                )
            });
            if is_speech {
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                on_progress(Progress {
                    done,
                    total,
                    current: &relative,
                });
            }
            outcome
        })
        .flatten()
        .collect();
    let mut documents = Vec::new();
    let mut notes = HashMap::new();
    let mut bases = HashMap::new();
    for (mut line, kept) in results {
        if line.status == CheckStatus::Imported {
            line.conflict_copies = sidecars.conflict_copies_of(&line.path);
        }
        entries.push(line);
        if let Some((path, doc, speech_notes)) = kept {
            if let Some((speech_notes, base)) = speech_notes {
                notes.insert(path.clone(), speech_notes);
                bases.insert(path.clone(), base);
            }
            documents.push((path, doc));
        }
    }
    documents.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Loaded {
        documents,
        notes,
        bases,
        report: CheckReport::from_entries(entries),
    }
}

/// A loaded speech: its path, the document, and its re-anchored notes with the sidecar as
/// read.
type Kept = (String, Document, Option<(SpeechNotes, Base)>);

/// What became of one scanned entry: its report line and, when `keep` is set, the document.
/// `None` for catalogue candidates, which [`read_catalogue`] reports.
fn process(
    entry: ScanEntry,
    catalogue: &Catalogue,
    buffer: &mut Vec<u8>,
    keep: bool,
    sidecar: Option<&Path>,
) -> Option<(CheckEntry, Option<Kept>)> {
    let outcome = match entry.kind {
        EntryKind::CatalogueCandidate | EntryKind::Sidecar(_) | EntryKind::SidecarConflict(_) => {
            return None;
        }
        EntryKind::Skipped(reason) => (
            CheckEntry::new(entry.relative, CheckStatus::Skipped, Some(reason)),
            None,
        ),
        EntryKind::Failed(reason) => (
            CheckEntry::new(entry.relative, CheckStatus::Failed, Some(reason)),
            None,
        ),
        EntryKind::Speech => {
            match load_file_with(&entry.path, &entry.relative, catalogue, buffer) {
                Ok(doc) => {
                    let mut line = CheckEntry::imported(entry.relative.clone(), &doc);
                    let notes = sidecar.and_then(|sidecar| line.attach_sidecar(sidecar, &doc));
                    (line, keep.then_some((entry.relative, doc, notes)))
                }
                Err(err) => {
                    let status = if err.is_skip() {
                        CheckStatus::Skipped
                    } else {
                        CheckStatus::Failed
                    };
                    (
                        CheckEntry::new(entry.relative, status, Some(err.to_string())),
                        None,
                    )
                }
            }
        }
    };
    Some(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files read one after another through one buffer: each read whole, at a 64-byte
    /// boundary, whatever the buffer held before.
    #[test]
    fn reads_through_one_buffer_land_aligned_and_whole() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let sizes = [5000, 17, 0, 70_001, 64];
        let mut buffer = Vec::new();
        for (i, size) in sizes.into_iter().enumerate() {
            let bytes: Vec<u8> = (0..size).map(|k| (k * 7 + i) as u8).collect();
            let path = dir.path().join(format!("{i}.txt"));
            std::fs::write(&path, &bytes).expect("writes");
            let read = read_source_into(&path, &mut buffer).expect("reads");
            assert_eq!(read, bytes.as_slice(), "file {i}");
            assert_eq!(read.as_ptr() as usize % READ_ALIGN, 0, "file {i}");
        }
    }
}
