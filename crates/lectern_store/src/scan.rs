//! Walking an archive folder: which files are speeches, which is the catalogue, which are
//! skipped and why.

use std::path::{Path, PathBuf};

use lectern_core::annotation::sidecar::SIDECAR_SUFFIX;
use lectern_core::import::format_for_path;

/// What a scanned path is to Lectern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A file in a format Lectern imports.
    Speech,
    /// A CSV at the archive root, read as a catalogue when its header names a file column.
    CatalogueCandidate,
    /// Not imported, with the reason.
    Skipped(String),
    /// Could not be visited (permissions, a symlink loop), with the reason.
    Failed(String),
    /// A sidecar: the notes of the source at this relative path.
    Sidecar(String),
    /// A copy of a sidecar a sync tool made when two machines changed it at once
    /// (`speech.txt.notes (conflicted copy …).ron`, `….notes.sync-conflict-….ron`): the
    /// source's relative path. It should be merged into the sidecar.
    SidecarConflict(String),
}

/// One path found under the archive root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanEntry {
    pub path: PathBuf,
    /// Relative to the archive root, `/`-separated.
    pub relative: String,
    pub kind: EntryKind,
}

/// Lectern's own files, which never count as sources.
pub(crate) fn is_lectern_file(name: &str) -> bool {
    name == "lectern.ron"
        || name == "lectern.ron.bak"
        || name.ends_with(".notes.ron")
        || name.ends_with(".notes.ron.bak")
        || (name.contains(".notes") && name.ends_with(".ron.merged"))
        || name.contains(".lectern-tmp")
}

/// The source whose sidecar `relative` is a sync tool's conflict copy of: a `.ron` file named
/// after a sidecar with something between `.notes` and `.ron`.
pub(crate) fn conflict_copy_source(relative: &str) -> Option<String> {
    let stem = relative.strip_suffix(".ron")?;
    let at = stem.rfind(".notes")?;
    let (source, rest) = stem.split_at(at);
    let rest = &rest[".notes".len()..];
    let sync_mark = rest.starts_with(" (")
        || rest.starts_with(".sync-conflict")
        || rest.starts_with('(')
        || rest.starts_with('-');
    (!source.is_empty() && !rest.is_empty() && sync_mark && !rest.contains('/'))
        .then(|| source.to_owned())
}

/// Files that document an archive rather than belong to it.
fn is_archive_documentation(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "README",
        "LICENSE",
        "LICENCE",
        "COPYING",
        "SOURCES",
        "CHANGELOG",
        "NOTICE",
        "AUTHORS",
    ];
    let stem = name.split('.').next().unwrap_or(name);
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(stem))
}

/// Scans `root` recursively, following symbolic links (loops are reported, not followed).
/// Hidden files and folders and Lectern's own files are left out entirely. Sorted by path.
pub fn scan(root: &Path) -> Vec<ScanEntry> {
    let mut entries: Vec<ScanEntry> = walk(root).collect();
    entries.sort_unstable_by(|a, b| a.relative.cmp(&b.relative));
    entries
}

/// The entries of [`scan`] as the walk finds them, unsorted, so loading can start before the
/// walk ends.
pub fn walk(root: &Path) -> impl Iterator<Item = ScanEntry> + Send + '_ {
    walkdir::WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(move |item| entry(root, item))
}

fn entry(root: &Path, item: walkdir::Result<walkdir::DirEntry>) -> Option<ScanEntry> {
    match item {
        Ok(entry) => {
            if entry.file_type().is_dir() {
                return None;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = relative_path(root, entry.path());
            if let Some(source) = relative.strip_suffix(SIDECAR_SUFFIX) {
                let kind = EntryKind::Sidecar(source.to_owned());
                return Some(ScanEntry {
                    path: entry.into_path(),
                    relative,
                    kind,
                });
            }
            if let Some(source) = conflict_copy_source(&relative) {
                let kind = EntryKind::SidecarConflict(source);
                return Some(ScanEntry {
                    path: entry.into_path(),
                    relative,
                    kind,
                });
            }
            if is_lectern_file(&name) {
                return None;
            }
            let kind = classify(&name, &relative, entry.depth(), entry.file_type().is_file());
            Some(ScanEntry {
                path: entry.into_path(),
                relative,
                kind,
            })
        }
        Err(err) => {
            let path = err
                .path()
                .map_or_else(|| root.to_path_buf(), Path::to_path_buf);
            let reason = if let Some(ancestor) = err.loop_ancestor() {
                format!(
                    "symbolic link loop back to {}",
                    relative_path(root, ancestor)
                )
            } else if let Some(io) = err.io_error() {
                format!("cannot read: {}", io_reason(io))
            } else {
                err.to_string()
            };
            let relative = relative_path(root, &path);
            Some(ScanEntry {
                path,
                relative,
                kind: EntryKind::Failed(reason),
            })
        }
    }
}

fn classify(name: &str, relative: &str, depth: usize, is_file: bool) -> EntryKind {
    if !is_file {
        return EntryKind::Skipped("not a regular file".to_owned());
    }
    let is_csv = std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if depth == 1 && is_csv {
        return EntryKind::CatalogueCandidate;
    }
    if is_archive_documentation(name) {
        return EntryKind::Skipped("archive documentation (README, LICENSE, SOURCES…)".to_owned());
    }
    if format_for_path(relative).is_some() {
        return EntryKind::Speech;
    }
    let reason = match name.rsplit_once('.') {
        Some((_, ext)) => format!("not a speech format (.{ext})"),
        None => "not a speech format (no file extension)".to_owned(),
    };
    EntryKind::Skipped(reason)
}

pub(crate) fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    if relative.as_os_str().is_empty() {
        return path.to_string_lossy().into_owned();
    }
    let text = relative.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// A short reason for an I/O error, without the OS error number.
pub(crate) fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::IsADirectory => "is a folder".to_owned(),
        _ => {
            let text = err.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::conflict_copy_source;

    #[test]
    fn conflict_copies_of_sync_tools() {
        for name in [
            "a/speech.txt.notes (conflicted copy 2024-10-08).ron",
            "a/speech.txt.notes.sync-conflict-20241008-101010-ABC1234.ron",
            "a/speech.txt.notes (1).ron",
            "a/speech.txt.notes-DESKTOP-7K3.ron",
        ] {
            assert_eq!(
                conflict_copy_source(name).as_deref(),
                Some("a/speech.txt"),
                "{name}"
            );
        }
        for name in [
            "a/speech.txt.notes.ron",
            "a/speech.txt.notes.ron.bak",
            "a/notes.ron",
            "a/x.ron",
        ] {
            assert_eq!(conflict_copy_source(name), None, "{name}");
        }
    }
}
