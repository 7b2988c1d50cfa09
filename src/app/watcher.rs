//! Files changed outside the app while it runs: the store's watcher reports them, a
//! `lectern-reload` thread reads them again, and the UI thread takes the results in (a
//! source's new text with its annotations found again; a sidecar or the archive file merged
//! with what is unsaved here).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};

use lectern_core::Document;
use lectern_store::notes::{ArchiveBase, Base, NotesPlace, read_archive_file, read_sidecar};
use lectern_store::watch::{ArchiveWatcher, Change, watch};

/// A changed file as read again.
pub enum Reread {
    Source(String, Result<Box<Document>, String>),
    Sidecar(String, Result<Base, String>),
    ArchiveFile(Result<ArchiveBase, String>),
}

/// Watches the open archive and rereads what changes.
pub struct Watching {
    _watcher: ArchiveWatcher,
    results: Receiver<Vec<Reread>>,
}

impl Watching {
    /// Starts watching `root`; `wake` asks the UI to repaint when something was reread.
    pub fn start(root: &Path, wake: impl Fn() + Send + Sync + 'static) -> Result<Self, String> {
        let (sender, results) = mpsc::channel();
        let reread_root = root.to_path_buf();
        let wake = std::sync::Arc::new(wake);
        let watcher = watch(root, move |changes| {
            let sender: Sender<Vec<Reread>> = sender.clone();
            let root: PathBuf = reread_root.clone();
            let wake = std::sync::Arc::clone(&wake);
            let _ = std::thread::Builder::new()
                .name("lectern-reload".to_owned())
                .spawn(move || {
                    let _ = sender.send(reread(&root, changes));
                    wake();
                });
        })
        .map_err(|e| format!("cannot watch the archive for changes: {e}"))?;
        Ok(Self {
            _watcher: watcher,
            results,
        })
    }

    /// What was reread since the last call.
    pub fn poll(&self) -> Vec<Reread> {
        self.results.try_iter().flatten().collect()
    }
}

/// Reads every changed file again (on the reload thread).
fn reread(root: &Path, changes: Vec<Change>) -> Vec<Reread> {
    let (catalogue, _) = lectern_store::read_catalogue(root);
    let place = NotesPlace::new(root, None);
    changes
        .into_iter()
        .map(|change| match change {
            Change::Source(path) => {
                let doc = lectern_store::load_file(&root.join(&path), &path, &catalogue)
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                Reread::Source(path, doc)
            }
            Change::Sidecar(path) => {
                let base = read_sidecar(&place.sidecar(&path)).map_err(|e| e.to_string());
                Reread::Sidecar(path, base)
            }
            Change::ArchiveFile => {
                Reread::ArchiveFile(read_archive_file(root).map_err(|e| e.to_string()))
            }
        })
        .collect()
}
