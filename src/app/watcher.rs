//! Files changed outside the app while it runs: the store's watcher reports them, a
//! `lectern-reload` thread reads them again, and the UI thread takes the results in (a
//! source's new text with its annotations found again; a sidecar or the archive file merged
//! with what is unsaved here).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};

use lectern_core::Document;

use super::{LecternApp, problems};
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
    /// What was read again, with the count of the app's own saves written before reading.
    results: Receiver<(u64, Vec<Reread>)>,
}

impl Watching {
    /// Starts watching `root`; `wake` asks the UI to repaint when something was reread.
    /// `writes` counts the notes' saves written ([`super::notes::Notes::writes`]).
    pub fn start(
        root: &Path,
        writes: Arc<AtomicU64>,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> Result<Self, String> {
        let (sender, results) = mpsc::channel();
        let reread_root = root.to_path_buf();
        let wake = std::sync::Arc::new(wake);
        let watcher = watch(root, move |changes| {
            let sender: Sender<(u64, Vec<Reread>)> = sender.clone();
            let root: PathBuf = reread_root.clone();
            let wake = std::sync::Arc::clone(&wake);
            let writes = Arc::clone(&writes);
            let _ = std::thread::Builder::new()
                .name("lectern-reload".to_owned())
                .spawn(move || {
                    let seen = writes.load(Ordering::SeqCst);
                    let _ = sender.send((seen, reread(&root, changes)));
                    wake();
                });
        })
        .map_err(|e| format!("cannot watch the archive for changes: {e}"))?;
        Ok(Self {
            _watcher: watcher,
            results,
        })
    }

    /// What was reread since the last call, each with the count of saves written before
    /// it was read.
    pub fn poll(&self) -> Vec<(u64, Reread)> {
        self.results
            .try_iter()
            .flat_map(|(seen, rereads)| rereads.into_iter().map(move |r| (seen, r)))
            .collect()
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

impl LecternApp {
    /// Takes in a file changed outside the app and read again, when `seen` saves of the
    /// app's own had been written.
    pub(super) fn take_reread(&mut self, seen: u64, reread: Reread) {
        let Some(archive) = &mut self.archive else {
            return;
        };
        let stale = match &reread {
            Reread::Sidecar(path, _) => archive.notes.is_stale(Some(path), seen),
            Reread::ArchiveFile(_) => archive.notes.is_stale(None, seen),
            Reread::Source(..) => false,
        };
        if stale {
            // Read before one of this app's saves of the same file was written: older than
            // what the app knows to be there. A change made on disk since then is read again
            // when it lands, and the save merged anything it found.
            return;
        }
        let find = |speeches: &[(String, Document)], path: &str| {
            speeches.binary_search_by(|(p, _)| p.as_str().cmp(path))
        };
        let problem = match reread {
            Reread::Source(path, Ok(doc)) => {
                let i = match find(&archive.speeches, &path) {
                    Ok(i) => {
                        std::sync::Arc::make_mut(&mut archive.speeches)[i].1 = *doc;
                        i
                    }
                    Err(i) => {
                        std::sync::Arc::make_mut(&mut archive.speeches)
                            .insert(i, (path.clone(), *doc));
                        if let Some(selected) = &mut self.selected
                            && *selected >= i
                        {
                            *selected += 1;
                        }
                        i
                    }
                };
                archive.notes.reanchor_speech(&path, &archive.speeches[i].1);
                if self.selected == Some(i) {
                    self.reader.source_changed();
                }
                None
            }
            Reread::Sidecar(path, Ok(base)) => {
                let doc = find(&archive.speeches, &path)
                    .ok()
                    .map(|i| &archive.speeches[i].1);
                archive.notes.take_disk_sidecar(&path, base, doc);
                None
            }
            Reread::ArchiveFile(Ok(base)) => {
                archive.notes.take_disk_archive_file(base);
                None
            }
            Reread::Source(path, Err(err)) => Some(format!(
                "{path} changed on disk and could not be read again ({err}); the text read \
                 before is kept"
            )),
            Reread::Sidecar(_, Err(err)) | Reread::ArchiveFile(Err(err)) => Some(format!(
                "{err}; the notes read before are kept, and nothing is overwritten"
            )),
        };
        if let Some(problem) = problem {
            archive.problems.push(problem);
            (archive.problem_count, archive.note_count) = problems::count(archive);
        }
    }

    /// Merges the conflict copies of `path`'s sidecar on the `lectern-merge` thread. The
    /// watcher then sees the sidecar change and brings the result into the notes.
    pub(super) fn merge_conflict_copies(&mut self, path: &str) {
        let Some(archive) = &mut self.archive else {
            return;
        };
        let Some(entry) = archive.report.documents.iter_mut().find(|d| d.path == path) else {
            return;
        };
        let copies = std::mem::take(&mut entry.conflict_copies);
        let root = archive.root.clone();
        let sidecar = lectern_store::notes::NotesPlace::new(&root, None).sidecar(path);
        let (sender, receiver) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("lectern-merge".to_owned())
            .spawn(move || {
                for copy in copies {
                    let merged = lectern_store::notes::merge_conflict_copy(
                        &sidecar,
                        &root.join(&copy),
                        &lectern_store::notes::RealFs,
                    );
                    let _ = sender.send(merged.err().map(|e| e.to_string()));
                }
            });
        if spawned.is_ok() {
            self.merges.push(receiver);
        }
        (archive.problem_count, archive.note_count) = problems::count(archive);
    }
}
