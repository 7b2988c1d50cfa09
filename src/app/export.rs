//! Saving what the user asks to export (the timeline as SVG): where to, through the system's
//! save dialog on the `lectern-export` thread, or a typed path when the system has none; the
//! file is written there atomically, never on the UI thread.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use lectern_store::notes::{RealFs, write_atomic};

/// Where a dialog may show ([`super::dialog::possible`]), one that answers faster than this
/// did not (a portal missing on the session bus, say).
const NO_DIALOG: Duration = Duration::from_millis(300);

/// How an export ended.
pub enum Outcome {
    Saved(PathBuf),
    Cancelled,
    Failed(String),
    /// No save dialog on this system: the bytes wait for a typed path.
    NoDialog(Vec<u8>),
}

/// An export in progress.
pub struct Export {
    receiver: Receiver<Outcome>,
}

impl Export {
    /// Asks where to save `bytes` (suggesting `name`) and saves them there.
    pub fn ask(name: &str, bytes: Vec<u8>, wake: impl Fn() + Send + 'static) -> Option<Self> {
        let (sender, receiver) = mpsc::channel();
        let name = name.to_owned();
        std::thread::Builder::new()
            .name("lectern-export".to_owned())
            .spawn(move || {
                if !super::dialog::possible() {
                    let _ = sender.send(Outcome::NoDialog(bytes));
                    wake();
                    return;
                }
                let started = Instant::now();
                let picked = rfd::FileDialog::new()
                    .set_title("Export")
                    .set_file_name(&name)
                    .save_file();
                let outcome = match picked {
                    Some(path) => write(path, &bytes),
                    None if started.elapsed() < NO_DIALOG => Outcome::NoDialog(bytes),
                    None => Outcome::Cancelled,
                };
                let _ = sender.send(outcome);
                wake();
            })
            .ok()?;
        Some(Self { receiver })
    }

    /// Saves `bytes` at a typed `path`.
    pub fn to(path: PathBuf, bytes: Vec<u8>, wake: impl Fn() + Send + 'static) -> Option<Self> {
        let (sender, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("lectern-export".to_owned())
            .spawn(move || {
                let _ = sender.send(write(path, &bytes));
                wake();
            })
            .ok()?;
        Some(Self { receiver })
    }

    /// The outcome, once there is one.
    pub fn poll(&self) -> Option<Outcome> {
        self.receiver.try_recv().ok()
    }
}

fn write(path: PathBuf, bytes: &[u8]) -> Outcome {
    match write_atomic(&path, bytes, false, &RealFs) {
        Ok(()) => Outcome::Saved(path),
        Err(err) => Outcome::Failed(err.to_string()),
    }
}
