//! Watching an archive folder for changes made outside Lectern: a source re-scraped, a
//! sidecar pulled from git or synced from another machine.
//!
//! Raw events from the operating system (through `notify`) come in bursts — an editor
//! writes a temporary file and renames it, git touches many files at once — so they are
//! gathered on the `lectern-watch` thread until the folder has been quiet for a moment and
//! then reported together, each path once, sorted into what they are to Lectern.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use lectern_core::annotation::sidecar::{ARCHIVE_FILE, SIDECAR_SUFFIX};
use lectern_core::import::format_for_path;
use notify::{RecursiveMode, Watcher as _};

use crate::scan::is_lectern_file;

/// How long the folder must be quiet before changes are reported.
pub const QUIET: Duration = Duration::from_millis(300);

/// A file that changed, by its path relative to the archive root.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A speech's source was written, created or removed.
    Source(String),
    /// The sidecar of the source at this path.
    Sidecar(String),
    /// The archive file (`lectern.ron`).
    ArchiveFile,
}

/// What a changed path is, or `None` for files Lectern does not read (temporary files,
/// backups, locks, hidden files, formats it does not import).
pub fn classify(relative: &str) -> Option<Change> {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    if relative.split('/').any(|part| part.starts_with('.')) {
        return None;
    }
    if name == ARCHIVE_FILE && !relative.contains('/') {
        return Some(Change::ArchiveFile);
    }
    if let Some(source) = relative.strip_suffix(SIDECAR_SUFFIX) {
        return Some(Change::Sidecar(source.to_owned()));
    }
    if is_lectern_file(name) || format_for_path(relative).is_none() {
        return None;
    }
    Some(Change::Source(relative.to_owned()))
}

/// Watches a folder while it lives; dropping it stops the watching.
pub struct ArchiveWatcher {
    _watcher: notify::RecommendedWatcher,
}

/// Starts watching `root` recursively; `on_change` gets each quiet moment's changes.
pub fn watch(
    root: &Path,
    on_change: impl Fn(Vec<Change>) + Send + 'static,
) -> Result<ArchiveWatcher, notify::Error> {
    let (sender, receiver) = mpsc::channel::<PathBuf>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !matches!(event.kind, notify::EventKind::Access(_))
        {
            for path in event.paths {
                let _ = sender.send(path);
            }
        }
    })?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    // Paths arrive as the watcher spells them: relative to the root as it was given.
    let root = root.to_path_buf();
    let canonical = root.canonicalize().unwrap_or_else(|_| root.clone());
    std::thread::Builder::new()
        .name("lectern-watch".to_owned())
        .spawn(move || {
            let mut pending = BTreeSet::new();
            loop {
                match receiver.recv_timeout(QUIET) {
                    Ok(path) => {
                        let relative = path
                            .strip_prefix(&root)
                            .or_else(|_| path.strip_prefix(&canonical))
                            .ok()
                            .map(|r| r.to_string_lossy().replace('\\', "/"));
                        if let Some(change) = relative.as_deref().and_then(classify) {
                            pending.insert(change);
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        if !pending.is_empty() {
                            on_change(std::mem::take(&mut pending).into_iter().collect());
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        })
        .map_err(notify::Error::io)?;
    Ok(ArchiveWatcher { _watcher: watcher })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_told_apart_by_name() {
        assert_eq!(
            classify("sotu/1790-Washington-1.txt"),
            Some(Change::Source("sotu/1790-Washington-1.txt".into()))
        );
        assert_eq!(
            classify("sotu/1790-Washington-1.txt.notes.ron"),
            Some(Change::Sidecar("sotu/1790-Washington-1.txt".into()))
        );
        assert_eq!(classify("lectern.ron"), Some(Change::ArchiveFile));
        for ignored in [
            "sotu/.1790-Washington-1.txt.notes.ron.lectern-tmp",
            "sotu/1790-Washington-1.txt.notes.ron.bak",
            "lectern.ron.bak",
            ".lectern.lock",
            "sotu/.lectern.lock",
            ".git/index",
            "sotu/picture.png",
        ] {
            assert_eq!(classify(ignored), None, "{ignored}");
        }
    }
}
