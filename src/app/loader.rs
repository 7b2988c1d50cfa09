//! Loading an archive on a named background thread, with progress the UI can poll.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};

use lectern_store::Loaded;
use lectern_store::notes::{ArchiveBase, read_archive_file};

/// An archive as the loading thread hands it over: its speeches with their re-anchored
/// notes (read by `load_archive`), and the archive file with the tag vocabulary.
pub struct LoadedArchive {
    pub loaded: Loaded,
    pub archive_file: ArchiveBase,
    /// An archive file that could not be read: the message names the file and the reason.
    pub problems: Vec<String>,
}

fn with_vocabulary(root: &Path, mirror: Option<&Path>, loaded: Loaded) -> LoadedArchive {
    let (mut archive_file, problems) = match read_archive_file(mirror.unwrap_or(root)) {
        Ok(archive) => (archive, Vec::new()),
        Err(err) => (ArchiveBase::default(), vec![err.to_string()]),
    };
    // A mirror folder without its own lectern.ron starts from the archive's tags; its first
    // save of the vocabulary writes them there.
    if mirror.is_some()
        && archive_file == ArchiveBase::default()
        && let Ok(own) = read_archive_file(root)
    {
        archive_file.vocabulary = own.vocabulary;
    }
    LoadedArchive {
        loaded,
        archive_file,
        problems,
    }
}

/// What the loading thread reports.
pub enum LoadMessage {
    Progress {
        done: usize,
        total: usize,
        current: String,
    },
    Done(Box<LoadedArchive>),
}

/// A load in progress.
pub struct LoadJob {
    pub archive: PathBuf,
    /// Where the archive's notes are kept, when not next to the sources.
    pub mirror: Option<PathBuf>,
    pub done: usize,
    pub total: usize,
    pub current: String,
    /// When loading began: files changed after it may have been read in either version.
    pub started: std::time::SystemTime,
    receiver: Receiver<LoadMessage>,
    cancelled: Arc<AtomicBool>,
}

impl LoadJob {
    /// Starts loading `archive`; `wake` is called after each message so the UI repaints.
    pub fn start(
        archive: &Path,
        mirror: Option<&Path>,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let mirror = mirror.map(Path::to_path_buf);
        let job_mirror = mirror.clone();
        let (sender, receiver) = mpsc::channel();
        let cancelled = Arc::new(AtomicBool::new(false));
        let thread_cancelled = Arc::clone(&cancelled);
        let root = archive.to_path_buf();
        std::thread::Builder::new()
            .name("lectern-load".to_owned())
            .spawn(move || {
                let progress_sender = sender.clone();
                let wake = Arc::new(wake);
                let wake_done = {
                    let wake = Arc::clone(&wake);
                    move || wake()
                };
                let on_progress = move |p: lectern_store::Progress<'_>| {
                    // Every file would flood the channel at 10,000 speeches; a few hundred
                    // updates are plenty for a progress bar.
                    if p.done == p.total || p.done.is_multiple_of(32) {
                        let _ = progress_sender.send(LoadMessage::Progress {
                            done: p.done,
                            total: p.total,
                            current: p.current.to_owned(),
                        });
                        wake();
                    }
                };
                let loaded = lectern_store::load_archive(
                    &root,
                    mirror.as_deref(),
                    &on_progress,
                    &thread_cancelled,
                );
                if !thread_cancelled.load(Ordering::Relaxed) {
                    let archive = with_vocabulary(&root, mirror.as_deref(), loaded);
                    let _ = sender.send(LoadMessage::Done(Box::new(archive)));
                }
                wake_done();
            })?;
        Ok(Self {
            archive: archive.to_path_buf(),
            mirror: job_mirror,
            done: 0,
            total: 0,
            current: String::new(),
            started: std::time::SystemTime::now(),
            receiver,
            cancelled,
        })
    }

    /// Takes what arrived since the last poll; returns the loaded archive once done.
    pub fn poll(&mut self) -> Option<LoadedArchive> {
        loop {
            match self.receiver.try_recv() {
                Ok(LoadMessage::Progress {
                    done,
                    total,
                    current,
                }) => {
                    self.done = done;
                    self.total = total;
                    self.current = current;
                }
                Ok(LoadMessage::Done(loaded)) => return Some(*loaded),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return None,
            }
        }
    }

    /// Stops the load: the files not yet read are skipped, and what was read is dropped.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}
