//! Sidecar files on disk: reading them, and saving them so that nothing is ever lost.
//!
//! A save is atomic and durable: the new text goes to a temporary file in the same folder,
//! is flushed to disk, and is renamed over the sidecar, after which the folder itself is
//! flushed; the previous version is kept as `….notes.ron.bak`. At every moment the sidecar
//! is either the old complete file or the new complete file.
//!
//! A save never writes from a stale base: if the sidecar changed on disk since it was
//! loaded, the two versions are merged by annotation id (see
//! [`lectern_core::annotation::merge`]). A sidecar that does not parse is never written over.
//! An advisory lock on the archive keeps two running instances from interleaving saves.
//!
//! All writes go through [`FileOps`], so tests can make any step fail.
//!
//! The archive's own file, `lectern.ron`, is saved through the same machinery; reading and
//! saving it ([`read_archive_file`], [`save_archive_file`]) are re-exported here from their
//! own module.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use lectern_core::annotation::merge::merge;
use lectern_core::annotation::sidecar::{self, SIDECAR_SUFFIX, SidecarError};
use lectern_core::annotation::{AnnotationId, SpeechNotes};

pub use crate::archive_file::{ArchiveBase, read_archive_file, save_archive_file};
use crate::scan::io_reason;

/// The sidecar of the source at `source`.
pub fn sidecar_path(source: &Path) -> PathBuf {
    let mut name = source.as_os_str().to_owned();
    name.push(SIDECAR_SUFFIX);
    PathBuf::from(name)
}

/// Where an archive's notes live: next to the sources, or — for an archive that cannot be
/// written (read-only media, no permission) — in a mirror folder with the same layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotesPlace {
    archive: PathBuf,
    mirror: Option<PathBuf>,
}

impl NotesPlace {
    pub fn new(archive: &Path, mirror: Option<&Path>) -> Self {
        Self {
            archive: archive.to_path_buf(),
            mirror: mirror.map(Path::to_path_buf),
        }
    }

    /// The folder that holds `lectern.ron`, the lock and the sidecars.
    pub fn root(&self) -> &Path {
        self.mirror.as_deref().unwrap_or(&self.archive)
    }

    /// The sidecar of the source at `relative` (`/`-separated, relative to the archive).
    pub fn sidecar(&self, relative: &str) -> PathBuf {
        sidecar_path(&self.root().join(relative))
    }
}

/// Whether an error means the folder cannot be written at all (rather than a passing fault).
pub fn is_unwritable(err: &NotesError) -> bool {
    matches!(
        err,
        NotesError::Io {
            kind: io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem,
            ..
        }
    )
}

/// The backup kept beside a sidecar.
pub fn backup_path(sidecar: &Path) -> PathBuf {
    let mut name = sidecar.as_os_str().to_owned();
    name.push(".bak");
    PathBuf::from(name)
}

/// How the temporary files a save writes first end.
const TEMP_SUFFIX: &str = ".lectern-tmp";

/// Saves made by this process, to name their temporary files.
static SAVES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Unique per process and per save: two writers never share (and truncate) one file.
    let n = SAVES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}-{n}{TEMP_SUFFIX}", std::process::id()))
}

/// Why notes could not be read or saved. Messages give the reason, then the file.
#[derive(Debug, thiserror::Error)]
pub enum NotesError {
    #[error("cannot {action}: {reason}: {}", path.display())]
    Io {
        action: &'static str,
        reason: String,
        /// What kind of failure it was, for callers that react to it (a read-only folder).
        kind: io::ErrorKind,
        path: PathBuf,
    },
    #[error("unreadable sidecar ({error}); it is left untouched{}: {}", backup.as_ref().map_or(String::new(), |b| format!(" and its previous version is at {}", b.display())), path.display())]
    Corrupt {
        error: SidecarError,
        path: PathBuf,
        backup: Option<PathBuf>,
    },
}

impl NotesError {
    pub(crate) fn io(action: &'static str, path: &Path, err: &io::Error) -> Self {
        Self::Io {
            action,
            reason: io_reason(err),
            kind: err.kind(),
            path: path.to_path_buf(),
        }
    }
}

/// A sidecar as read: its notes and a fingerprint of its bytes, to notice later changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Base {
    pub notes: SpeechNotes,
    /// `None` when there was no sidecar.
    fingerprint: Option<u128>,
}

/// Reads the sidecar at `path`; a missing one is empty notes.
pub fn read_sidecar(path: &Path) -> Result<Base, NotesError> {
    match fs::read(path) {
        Ok(bytes) => {
            let fingerprint = Some(fingerprint(&bytes));
            let notes = sidecar::utf8(&bytes)
                .and_then(sidecar::read_speech)
                .map_err(|error| {
                    let backup = Some(backup_path(path)).filter(|b| b.exists());
                    NotesError::Corrupt {
                        error,
                        path: path.to_path_buf(),
                        backup,
                    }
                })?;
            Ok(Base { notes, fingerprint })
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(Base::default()),
        Err(err) => Err(NotesError::io("read", path, &err)),
    }
}

/// A fingerprint of a file's bytes, to notice that it changed since it was read.
pub(crate) fn fingerprint(bytes: &[u8]) -> u128 {
    // Content, not time: a sync tool that rewrites the same bytes changes nothing.
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// What a save did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The notes now on disk (and the base for the next save).
    pub base: Base,
    /// Whether the sidecar had changed on disk and was merged with.
    pub merged: bool,
    /// Annotations changed on both sides; both versions were kept.
    pub conflicts: Vec<AnnotationId>,
}

/// Saves `ours` (derived from `base`) to the sidecar at `path`, merging with whatever
/// another writer saved there meanwhile. Empty notes remove the sidecar: it becomes the
/// backup.
pub fn save_sidecar(
    path: &Path,
    base: &Base,
    ours: &SpeechNotes,
    ops: &dyn FileOps,
) -> Result<Saved, NotesError> {
    // A sidecar that is a symbolic link is saved where it points, keeping the link.
    let resolved;
    let path = if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved =
            fs::canonicalize(path).map_err(|e| NotesError::io("follow the link", path, &e))?;
        resolved.as_path()
    } else {
        path
    };
    // Read, merge and write under the lock of the sidecar's folder: however a writer spells
    // the archive's path, writers of one sidecar meet at one lock.
    let folder = folder_of(path);
    if !folder.exists() {
        // A mirror folder grows the archive's layout as notes are written.
        fs::create_dir_all(folder).map_err(|e| NotesError::io("create the folder", folder, &e))?;
    }
    let _lock = FolderLock::acquire(folder)?;
    let current = read_sidecar(path)?;
    let (notes, merged, conflicts) = if current.fingerprint == base.fingerprint {
        (ours.clone(), false, Vec::new())
    } else {
        let m = merge(&base.notes, ours, &current.notes);
        (m.notes, true, m.conflicts)
    };
    if notes.is_empty() {
        if current.fingerprint.is_some() {
            ops.rename(path, &backup_path(path))
                .map_err(|e| NotesError::io("remove the empty sidecar", path, &e))?;
            sync_parent(path, ops)?;
        }
        return Ok(Saved {
            base: Base::default(),
            merged,
            conflicts,
        });
    }
    let text = sidecar::write_speech(&notes);
    write_atomic(path, text.as_bytes(), current.fingerprint.is_some(), ops)?;
    let base = Base {
        notes,
        fingerprint: Some(fingerprint(text.as_bytes())),
    };
    Ok(Saved {
        base,
        merged,
        conflicts,
    })
}

/// Writes `bytes` to `path` so that a crash at any moment leaves either the old file or the
/// new one, complete. With `keep_backup`, the old file is copied to `….bak` first.
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    keep_backup: bool,
    ops: &dyn FileOps,
) -> Result<(), NotesError> {
    if let Some(parent) = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty() && !p.exists())
    {
        // A mirror folder grows the archive's layout as notes are written.
        fs::create_dir_all(parent).map_err(|e| NotesError::io("create the folder", parent, &e))?;
    }
    if keep_backup {
        let backup = backup_path(path);
        let old = ops
            .read(path)
            .map_err(|e| NotesError::io("read the previous version", path, &e))?;
        let backup_temp = temp_path(&backup);
        ops.write_synced(&backup_temp, &old)
            .map_err(|e| NotesError::io("write the backup", &backup_temp, &e))?;
        ops.rename(&backup_temp, &backup)
            .map_err(|e| NotesError::io("keep the backup", &backup, &e))?;
    }
    let temp = temp_path(path);
    if let Err(err) = ops.write_synced(&temp, bytes) {
        let _ = ops.remove(&temp);
        return Err(NotesError::io("write", &temp, &err));
    }
    if let Err(err) = ops.rename(&temp, path) {
        let _ = ops.remove(&temp);
        return Err(NotesError::io("replace", path, &err));
    }
    sync_parent(path, ops)
}

/// The folder holding `path` (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn sync_parent(path: &Path, ops: &dyn FileOps) -> Result<(), NotesError> {
    let dir = folder_of(path);
    ops.sync_dir(dir)
        .map_err(|e| NotesError::io("flush the folder", dir, &e))
}

/// Removes the temporary files crashed saves left in `root` and below, and returns them.
///
/// Each folder's leftovers are removed under that folder's lock: a save in progress holds
/// it from its first write to its last rename, so its temporary file is never taken for a
/// leftover. A folder whose lock cannot be taken (read-only media) is left alone.
pub fn clean_leftovers(root: &Path) -> Vec<PathBuf> {
    clean_leftovers_below(root, usize::MAX)
}

/// [`clean_leftovers`] for one folder only, not its subfolders: what a command that saves
/// into that folder clears first, without walking the whole archive.
pub fn clean_leftovers_in(folder: &Path) -> Vec<PathBuf> {
    clean_leftovers_below(folder, 1)
}

fn clean_leftovers_below(root: &Path, max_depth: usize) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .max_depth(max_depth)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.file_type().is_file() && name.starts_with('.') && name.ends_with(TEMP_SUFFIX)
        })
        .map(walkdir::DirEntry::into_path)
        .collect();
    found.sort();
    let mut removed = Vec::new();
    for group in found.chunk_by(|a, b| a.parent() == b.parent()) {
        let Ok(_lock) = FolderLock::acquire(folder_of(&group[0])) else {
            continue;
        };
        removed.extend(
            group
                .iter()
                .filter(|path| fs::remove_file(path).is_ok())
                .cloned(),
        );
    }
    removed
}

/// The file operations a save performs, one method per step that can fail.
pub trait FileOps {
    /// Reads the whole file (the previous version, before it becomes the backup).
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        fs::read(path)
    }
    /// Creates or truncates `path`, writes `bytes` and flushes them to disk.
    fn write_synced(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Flushes a folder, so a rename in it survives a power cut.
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
    fn remove(&self, path: &Path) -> io::Result<()>;
}

/// The real file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealFs;

impl FileOps for RealFs {
    fn write_synced(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        #[cfg(unix)]
        {
            File::open(dir)?.sync_all()
        }
        #[cfg(not(unix))]
        {
            // Folders cannot be opened for flushing elsewhere; renames are durable there.
            let _ = dir;
            Ok(())
        }
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }
}

/// An exclusive advisory lock on a folder of notes, held while a save reads, merges and
/// writes a file in it. Another writer waits for it; readers never need it.
#[derive(Debug)]
pub struct FolderLock {
    file: File,
}

/// The lock file in each folder that holds notes.
pub const LOCK_FILE: &str = ".lectern.lock";

impl FolderLock {
    pub fn acquire(folder: &Path) -> Result<Self, NotesError> {
        let path = folder.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| NotesError::io("open the lock", &path, &e))?;
        file.lock()
            .map_err(|e| NotesError::io("lock the folder", &path, &e))?;
        Ok(Self { file })
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// Every sidecar under `root`: the source's path relative to the root, and the sidecar's
/// path. Sorted by source.
pub fn find_sidecars(root: &Path) -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = walkdir::WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let relative = crate::scan::relative_path(root, e.path());
            let source = relative.strip_suffix(SIDECAR_SUFFIX)?.to_owned();
            Some((source, e.into_path()))
        })
        .collect();
    found.sort();
    found
}

/// Merges a sync tool's conflict copy into the sidecar at `sidecar` (annotations by id; one
/// changed differently in both is kept twice), then renames the copy to `….merged` so it
/// no longer shows as pending. Nothing is deleted.
pub fn merge_conflict_copy(
    sidecar: &Path,
    copy: &Path,
    ops: &dyn FileOps,
) -> Result<Saved, NotesError> {
    let theirs = read_sidecar(copy)?;
    let base = read_sidecar(sidecar)?;
    // Neither side is the ancestor of the other: merge from nothing, which keeps everything.
    let merged = merge(&SpeechNotes::default(), &base.notes, &theirs.notes);
    let saved = save_sidecar(sidecar, &base, &merged.notes, ops)?;
    // A name not yet taken: an earlier merged copy of the same name is never replaced.
    let mut n = 1;
    let done = loop {
        let mut name = copy.as_os_str().to_owned();
        name.push(if n == 1 {
            ".merged".to_owned()
        } else {
            format!(".merged-{n}")
        });
        let candidate = PathBuf::from(name);
        if fs::symlink_metadata(&candidate).is_err() {
            break candidate;
        }
        n += 1;
    };
    ops.rename(copy, &done)
        .map_err(|e| NotesError::io("set aside the merged copy", copy, &e))?;
    Ok(Saved {
        conflicts: merged.conflicts,
        ..saved
    })
}
