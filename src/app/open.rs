//! Choosing an archive: the system's folder dialog (on its own thread, so the window keeps
//! drawing), the recent archives, and folders dropped on the window. The path box in the
//! top bar is the fallback when the system has no dialog to offer.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// How many archives the Recent list keeps.
const RECENT: usize = 8;

const RECENT_KEY: &str = "lectern.recent_archives";

/// Where a dialog may show ([`super::dialog::possible`]), one that answers faster than this
/// did not: nobody picks a folder that fast.
const NO_DIALOG: Duration = Duration::from_millis(300);

/// What came of asking for a folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Picked {
    Folder(PathBuf),
    Cancelled,
    /// The system showed no dialog (no desktop portal): type the path instead.
    NoDialog,
}

#[derive(Default)]
pub struct Opener {
    dialog: Option<Receiver<Picked>>,
    /// What the folder being asked for is for.
    pub asking_for: Purpose,
    pub recent: Vec<PathBuf>,
    /// Archives whose notes are kept in another folder (the archive cannot be written).
    pub mirrors: std::collections::BTreeMap<PathBuf, PathBuf>,
}

/// Why a folder is asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Purpose {
    #[default]
    Archive,
    /// A folder to keep the open archive's notes in.
    Mirror,
}

const MIRRORS_KEY: &str = "lectern.note_folders";

impl Opener {
    pub fn load(storage: &dyn eframe::Storage) -> Self {
        let recent = storage
            .get_string(RECENT_KEY)
            .map(|s| s.lines().map(PathBuf::from).collect())
            .unwrap_or_default();
        let mirrors = storage
            .get_string(MIRRORS_KEY)
            .map(|s| {
                s.lines()
                    .filter_map(|l| l.split_once('\t'))
                    .map(|(a, m)| (PathBuf::from(a), PathBuf::from(m)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            dialog: None,
            asking_for: Purpose::Archive,
            recent,
            mirrors,
        }
    }

    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        let lines: Vec<String> = self
            .recent
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        storage.set_string(RECENT_KEY, lines.join("\n"));
        let mirrors: Vec<String> = self
            .mirrors
            .iter()
            .map(|(a, m)| format!("{}\t{}", a.display(), m.display()))
            .collect();
        storage.set_string(MIRRORS_KEY, mirrors.join("\n"));
    }

    /// Puts `archive` first in the recent list.
    pub fn opened(&mut self, archive: &Path) {
        self.recent.retain(|p| p != archive);
        self.recent.insert(0, archive.to_path_buf());
        self.recent.truncate(RECENT);
    }

    pub fn is_asking(&self) -> bool {
        self.dialog.is_some()
    }

    /// Shows the system's folder dialog on the `lectern-dialog` thread, starting in `from`.
    pub fn ask(&mut self, purpose: Purpose, from: Option<&Path>, wake: impl Fn() + Send + 'static) {
        if self.dialog.is_some() {
            return;
        }
        self.asking_for = purpose;
        let (sender, receiver) = mpsc::channel();
        let from = from.map(Path::to_path_buf);
        let spawned = std::thread::Builder::new()
            .name("lectern-dialog".to_owned())
            .spawn(move || {
                if !super::dialog::possible() {
                    let _ = sender.send(Picked::NoDialog);
                    wake();
                    return;
                }
                let started = Instant::now();
                let mut dialog = rfd::FileDialog::new().set_title("Open an archive folder");
                if let Some(from) = &from {
                    dialog = dialog.set_directory(from);
                }
                let picked = match dialog.pick_folder() {
                    Some(folder) => Picked::Folder(folder),
                    None if started.elapsed() < NO_DIALOG => Picked::NoDialog,
                    None => Picked::Cancelled,
                };
                let _ = sender.send(picked);
                wake();
            });
        if spawned.is_ok() {
            self.dialog = Some(receiver);
        }
    }

    /// The dialog's answer, once there is one.
    pub fn poll(&mut self) -> Option<Picked> {
        let receiver = self.dialog.as_ref()?;
        match receiver.try_recv() {
            Ok(picked) => {
                self.dialog = None;
                Some(picked)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.dialog = None;
                Some(Picked::NoDialog)
            }
        }
    }
}

/// The folder to open from what was dropped on the window: a folder, or the folder of a
/// dropped file.
pub fn dropped_folder(paths: &[PathBuf]) -> Option<PathBuf> {
    let path = paths.first()?;
    if path.is_dir() {
        Some(path.clone())
    } else {
        path.parent().filter(|p| p.is_dir()).map(Path::to_path_buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_archives_are_unique_newest_first_and_few() {
        let mut opener = Opener::default();
        for i in 0..10 {
            opener.opened(Path::new(&format!("/a/{i}")));
        }
        opener.opened(Path::new("/a/5"));
        assert_eq!(opener.recent.len(), RECENT);
        assert_eq!(opener.recent[0], Path::new("/a/5"));
        assert_eq!(
            opener
                .recent
                .iter()
                .filter(|p| *p == Path::new("/a/5"))
                .count(),
            1
        );
    }
}
