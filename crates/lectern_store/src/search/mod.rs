//! The search index of an archive, kept in the user's cache folder.
//!
//! One folder per archive under `<cache>/lectern/index/`, named by a hash of the archive's
//! absolute path, holds segment files ([`lectern_core::search::index`]) and a manifest:
//! which segments make the index, which of their speeches have since been replaced, the
//! size and modification time of every source the index has seen (so a later run can tell
//! what changed without reading anything), and the same of the archive's catalogues.
//!
//! Opening compares the manifest with the archive as it is now: unchanged, the index is used
//! as it is; a few speeches changed, added or deleted, they are indexed into one more small
//! segment and their old entries are marked deleted; many changed, a damaged or stale file,
//! or another format version, and the index is built again. Nothing is trusted that cannot
//! be checked: the manifest and every segment are verified as they are read, and a segment
//! that fails a check mid-query makes the caller rebuild ([`SearchIndex::rebuild`]).
//!
//! Nothing here writes inside the archive.

mod files;
mod write;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use lectern_core::search::Expr;
use lectern_core::search::index::{DocInfo, Found, IndexError, Segment, Stats};
use lectern_core::{Catalogue, Document};
use rayon::prelude::*;

use crate::load::read_catalogue;
use crate::scan::{EntryKind, ScanEntry, scan};
use files::{
    FileBlob, MANIFEST, Manifest, SegmentEntry, catalogue_fingerprints, open_new, open_parts,
    read_manifest, remove_orphans, remove_unused, write_manifest,
};
pub use files::{Fingerprint, cache_root, index_dir};
use write::write_segments;

/// Version of the manifest and of what the index holds; another version is rebuilt.
const VERSION: u32 = 2;

/// A segment of the index, opened, and which of its speeches were replaced since.
struct Part {
    segment: Segment<FileBlob>,
    deleted: Vec<bool>,
}

/// Which speech of the index: its segment and its number there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocRef {
    pub segment: u32,
    pub doc: u32,
}

/// The hits of one speech: `(first word, number of words)`, and a relevance score.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexMatch {
    pub doc: DocRef,
    pub hits: Vec<(u32, u32)>,
    pub score: f32,
}

/// How the index was brought up to date when opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Used as it was: nothing had changed.
    Reused,
    /// Speeches changed, added or deleted since were indexed into a new segment.
    Updated { indexed: usize, removed: usize },
    /// Built from nothing, and why.
    Built { reason: String },
}

/// Why the index could not be opened or built at all (no cache folder, a full disk).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot write the search index in {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// The opened index of one archive.
pub struct SearchIndex {
    dir: PathBuf,
    parts: Vec<Part>,
    /// Live speeches by path.
    by_path: HashMap<String, DocRef>,
    /// The sidecars met while scanning the archive (source → sidecar), when opened from files.
    sidecars: Vec<(String, PathBuf)>,
}

/// Where the text of each speech to index comes from.
enum Texts<'a> {
    /// Read and import the files (the command line).
    Files {
        root: &'a Path,
        catalogue: &'a Catalogue,
        entries: HashMap<&'a str, &'a ScanEntry>,
    },
    /// Speeches already loaded (the app): path → document.
    Loaded(HashMap<&'a str, &'a Document>),
}

impl SearchIndex {
    /// Opens the index of the archive at `root`, kept under the cache folder `cache`, and
    /// brings it up to date with the files (read and imported where they changed).
    pub fn open(root: &Path, cache: &Path) -> Result<(Self, Freshness), SearchError> {
        let dir = index_dir(cache, root);
        let (catalogue, _) = read_catalogue(root);
        let scanned = scan(root);
        let speeches: Vec<&ScanEntry> = scanned
            .iter()
            .filter(|e| e.kind == EntryKind::Speech)
            .collect();
        let now: Vec<Fingerprint> = speeches
            .par_iter()
            .map(|e| Fingerprint::of(&e.path, &e.relative))
            .collect();
        let texts = Texts::Files {
            root,
            catalogue: &catalogue,
            entries: speeches.iter().map(|e| (e.relative.as_str(), *e)).collect(),
        };
        let sidecars = scanned
            .iter()
            .filter_map(|e| match &e.kind {
                EntryKind::Sidecar(source) => Some((source.clone(), e.path.clone())),
                _ => None,
            })
            .collect();
        let (mut index, freshness) =
            Self::bring_up_to_date(root, &dir, &now, &texts, |info, fp| {
                info.size == fp.size && info.modified == fp.modified && fp.known()
            })?;
        index.sidecars = sidecars;
        Ok((index, freshness))
    }

    /// Opens the index of the archive at `root` for speeches already loaded, comparing their
    /// content rather than their files. Files modified after `loaded_at` are recorded with an
    /// unknown time, so a later run reads them again.
    pub fn sync(
        root: &Path,
        cache: &Path,
        documents: &[(String, Document)],
        loaded_at: SystemTime,
    ) -> Result<(Self, Freshness), SearchError> {
        let dir = index_dir(cache, root);
        let hashes: HashMap<&str, u128> = documents
            .par_iter()
            .map(|(path, doc)| (path.as_str(), doc.content_hash().0))
            .collect();
        let loaded_at = loaded_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let now: Vec<Fingerprint> = documents
            .par_iter()
            .map(|(path, _)| {
                let mut fp = Fingerprint::of(&root.join(path), path);
                if fp.modified >= loaded_at.saturating_sub(2_000_000_000) {
                    fp.modified = 0;
                }
                fp
            })
            .collect();
        let texts = Texts::Loaded(documents.iter().map(|(p, d)| (p.as_str(), d)).collect());
        Self::bring_up_to_date(root, &dir, &now, &texts, |info, fp| {
            hashes.get(fp.path.as_str()) == Some(&info.hash)
        })
    }

    /// Builds the index of `root` again from the files, whatever the cache holds.
    pub fn rebuild(root: &Path, cache: &Path) -> Result<(Self, Freshness), SearchError> {
        let _ = fs::remove_file(index_dir(cache, root).join(MANIFEST));
        Self::open(root, cache)
    }

    fn bring_up_to_date(
        root: &Path,
        dir: &Path,
        now: &[Fingerprint],
        texts: &Texts<'_>,
        unchanged: impl Fn(&DocInfo, &Fingerprint) -> bool + Sync,
    ) -> Result<(Self, Freshness), SearchError> {
        let root_name = fs::canonicalize(root)
            .unwrap_or_else(|_| root.to_path_buf())
            .to_string_lossy()
            .into_owned();
        let catalogues = catalogue_fingerprints(root);
        let previous = match read_manifest(dir) {
            Ok(m) if m.version != VERSION => Err(format!("it was built by format {}", m.version)),
            Ok(m) if m.root != root_name => Err("it belongs to another folder".to_owned()),
            Ok(m) if m.catalogues != catalogues => Err("the catalogue changed".to_owned()),
            Ok(m) => open_parts(dir, &m).map(|parts| (m, parts)),
            Err(e) => Err(e),
        };
        let (manifest, parts) = match previous {
            Ok(found) => found,
            Err(reason) => {
                return Self::build_all(root_name, catalogues, dir, now, texts, reason);
            }
        };
        // What changed: speeches to index, and old entries to mark deleted.
        let live: HashMap<&str, DocRef> = live_docs(&parts).collect();
        let unindexed: HashSet<&Fingerprint> =
            manifest.unindexed.iter().filter(|f| f.known()).collect();
        let mut to_index = Vec::new();
        let mut removed: Vec<DocRef> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for fp in now {
            seen.insert(fp.path.as_str());
            match live.get(fp.path.as_str()) {
                Some(&r) => {
                    let info = &parts[r.segment as usize].segment.docs[r.doc as usize];
                    if !unchanged(info, fp) {
                        removed.push(r);
                        to_index.push(fp.clone());
                    }
                }
                None if unindexed.contains(fp) => {}
                None => to_index.push(fp.clone()),
            }
        }
        for (path, &r) in &live {
            if !seen.contains(path) {
                removed.push(r);
            }
        }
        let live_count = live.len();
        if to_index.is_empty() && removed.is_empty() {
            let index = Self::assemble(dir, parts);
            return Ok((index, Freshness::Reused));
        }
        if parts.len() >= manifest.built + 3
            || (to_index.len() + removed.len()) * 4 > live_count.max(16)
        {
            let reason = format!(
                "{} speeches changed, were added or deleted",
                to_index.len() + removed.len() - to_index.len().min(removed.len())
            );
            return Self::build_all(root_name, catalogues, dir, now, texts, reason);
        }
        let mut manifest = manifest;
        let mut parts = parts;
        for r in &removed {
            parts[r.segment as usize].deleted[r.doc as usize] = true;
        }
        for (entry, part) in manifest.segments.iter_mut().zip(&parts) {
            entry.deleted = (0..part.deleted.len() as u32)
                .filter(|&d| part.deleted[d as usize])
                .collect();
        }
        let (files, unindexed_now) = write_segments(dir, &to_index, texts)?;
        let still_unindexed: Vec<Fingerprint> = manifest
            .unindexed
            .iter()
            .filter(|f| {
                seen.contains(f.path.as_str()) && !to_index.iter().any(|t| t.path == f.path)
            })
            .cloned()
            .chain(unindexed_now)
            .collect();
        manifest.unindexed = still_unindexed;
        manifest
            .segments
            .extend(files.iter().map(|file| SegmentEntry {
                file: file.clone(),
                deleted: Vec::new(),
            }));
        write_manifest(dir, &manifest)?;
        parts.extend(open_new(dir, &files)?);
        let indexed = to_index.len();
        let removed = removed.len();
        Ok((
            Self::assemble(dir, parts),
            Freshness::Updated { indexed, removed },
        ))
    }

    fn build_all(
        root: String,
        catalogues: Vec<Fingerprint>,
        dir: &Path,
        now: &[Fingerprint],
        texts: &Texts<'_>,
        reason: String,
    ) -> Result<(Self, Freshness), SearchError> {
        let (files, unindexed) = write_segments(dir, now, texts)?;
        let manifest = Manifest {
            version: VERSION,
            root,
            catalogues,
            built: files.len(),
            segments: files
                .iter()
                .map(|file| SegmentEntry {
                    file: file.clone(),
                    deleted: Vec::new(),
                })
                .collect(),
            unindexed,
        };
        write_manifest(dir, &manifest)?;
        remove_unused(dir, &manifest);
        if let Some(all) = dir.parent() {
            remove_orphans(all);
        }
        let parts = open_new(dir, &files)?;
        Ok((Self::assemble(dir, parts), Freshness::Built { reason }))
    }

    fn assemble(dir: &Path, parts: Vec<Part>) -> Self {
        let by_path = live_docs(&parts)
            .map(|(path, r)| (path.to_owned(), r))
            .collect();
        Self {
            dir: dir.to_path_buf(),
            parts,
            by_path,
            sidecars: Vec::new(),
        }
    }

    /// The sidecars found next to the sources when the index was opened from files: the
    /// source's relative path and the sidecar's path, sorted by source.
    pub fn sidecars(&self) -> &[(String, PathBuf)] {
        &self.sidecars
    }

    /// The folder the index lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of speeches indexed.
    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    pub fn doc(&self, r: DocRef) -> &DocInfo {
        &self.parts[r.segment as usize].segment.docs[r.doc as usize]
    }

    /// The speech indexed under `path`.
    pub fn find(&self, path: &str) -> Option<DocRef> {
        self.by_path.get(path).copied()
    }

    /// Every speech matching `expr`, with its hits, in no particular order.
    pub fn search(&self, expr: &Expr) -> Result<Vec<IndexMatch>, IndexError> {
        // Every segment's matches first, then scored with the figures of all of them.
        let found = self
            .parts
            .iter()
            .map(|part| {
                let live = |d: u32| !part.deleted.get(d as usize).copied().unwrap_or(true);
                part.segment.evaluate(expr, &live)
            })
            .collect::<Result<Vec<Found>, IndexError>>()?;
        let segments: Vec<&Segment<FileBlob>> = self.parts.iter().map(|p| &p.segment).collect();
        let stats = Stats::of(&segments, &found.iter().collect::<Vec<_>>());
        let mut out = Vec::new();
        for (s, (part, found)) in self.parts.iter().zip(found).enumerate() {
            for m in part.segment.score(found, &stats) {
                out.push(IndexMatch {
                    doc: DocRef {
                        segment: s as u32,
                        doc: m.doc,
                    },
                    hits: m.hits,
                    score: m.score,
                });
            }
        }
        Ok(out)
    }
}

/// Every speech of the segments not marked deleted, by path.
fn live_docs(parts: &[Part]) -> impl Iterator<Item = (&str, DocRef)> {
    parts.iter().enumerate().flat_map(|(s, part)| {
        part.segment
            .docs
            .iter()
            .enumerate()
            .filter(|&(d, _)| !part.deleted[d])
            .map(move |(d, info)| {
                let r = DocRef {
                    segment: s as u32,
                    doc: d as u32,
                };
                (info.path.as_str(), r)
            })
    })
}

/// The notes in `sidecar`, each annotation anchored in `doc` as it reads now; `None` when the
/// sidecar holds nothing.
pub fn anchored_notes(
    sidecar: &Path,
    doc: &Document,
) -> Result<Option<lectern_core::annotation::SpeechNotes>, crate::notes::NotesError> {
    let base = crate::notes::read_sidecar(sidecar)?;
    if base.notes.is_empty() {
        return Ok(None);
    }
    let mut notes = base.notes;
    for annotation in &mut notes.annotations {
        let anchored = lectern_core::annotation::anchor::reanchor(doc, &annotation.target);
        annotation.target.span = anchored.span;
        annotation.status = anchored.status;
    }
    notes.sort();
    Ok(Some(notes))
}
