//! The cache folder of the indexes: where an archive's index lives, its manifest and
//! segment files, and clearing away what no archive needs any more.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use lectern_core::search::index::{Blob, Segment};
use serde::{Deserialize, Serialize};

use super::{Part, SearchError};

pub(super) const MANIFEST: &str = "manifest.json";

/// Lectern's cache folder: `$LECTERN_CACHE_DIR`, else `$XDG_CACHE_HOME/lectern`, else
/// `~/.cache/lectern` (`%LOCALAPPDATA%\lectern` on Windows).
pub fn cache_root() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("LECTERN_CACHE_DIR") {
        return Some(dir);
    }
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(|d| d.join("lectern"));
    }
    var("XDG_CACHE_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .map(|d| d.join("lectern"))
}

/// The folder under the cache folder `cache` holding the index of the archive at `root`.
pub fn index_dir(cache: &Path, root: &Path) -> PathBuf {
    let absolute = fs::canonicalize(root)
        .or_else(|_| std::path::absolute(root))
        .unwrap_or_else(|_| root.to_path_buf());
    let key = xxhash_rust::xxh3::xxh3_64(absolute.to_string_lossy().as_bytes());
    cache.join("index").join(format!("{key:016x}"))
}

/// A file's size and modification time, to tell that it changed without reading it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fingerprint {
    pub path: String,
    pub size: u64,
    /// Nanoseconds since 1970; 0 when unknown (then the file always counts as changed).
    pub modified: u64,
}

impl Fingerprint {
    pub(super) fn of(path: &Path, relative: &str) -> Self {
        let meta = fs::metadata(path).ok();
        Self {
            path: relative.to_owned(),
            size: meta.as_ref().map_or(0, fs::Metadata::len),
            modified: meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64),
        }
    }

    pub(super) fn known(&self) -> bool {
        self.modified != 0
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct Manifest {
    pub(super) version: u32,
    /// The archive's absolute path, to catch a hash collision between two archives.
    pub(super) root: String,
    pub(super) catalogues: Vec<Fingerprint>,
    pub(super) segments: Vec<SegmentEntry>,
    /// How many of the segments the last full build wrote; three more and the index is
    /// built again.
    pub(super) built: usize,
    /// Files seen but not indexed (not speeches, or unreadable): not read again until they
    /// change.
    pub(super) unindexed: Vec<Fingerprint>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct SegmentEntry {
    pub(super) file: String,
    /// Speeches of the segment replaced since (changed or deleted).
    pub(super) deleted: Vec<u32>,
}

/// A segment file, read through positioned reads.
pub(super) struct FileBlob {
    pub(super) file: Mutex<File>,
    pub(super) len: u64,
}

impl Blob for FileBlob {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_vec(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("a reader panicked"))?;
        file.seek(SeekFrom::Start(offset))?;
        let mut buf = Vec::new();
        buf.try_reserve_exact(len).map_err(std::io::Error::other)?;
        (&mut *file).take(len as u64).read_to_end(&mut buf)?;
        if buf.len() != len {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(buf)
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("a reader panicked"))?;
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(buf)
    }
}

pub(super) fn catalogue_fingerprints(root: &Path) -> Vec<Fingerprint> {
    let mut out: Vec<Fingerprint> = fs::read_dir(root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            Fingerprint::of(&p, &name.unwrap_or_default())
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

pub(super) fn read_manifest(dir: &Path) -> Result<Manifest, String> {
    let bytes = match fs::read(dir.join(MANIFEST)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("there was no index yet".to_owned());
        }
        Err(e) => return Err(format!("its manifest cannot be read ({e})")),
    };
    serde_json::from_slice(&bytes).map_err(|e| format!("its manifest is damaged ({e})"))
}

pub(super) fn open_parts(dir: &Path, manifest: &Manifest) -> Result<Vec<Part>, String> {
    if manifest.segments.is_empty() {
        return Err("its manifest lists no segment".to_owned());
    }
    manifest
        .segments
        .iter()
        .map(|s| open_part(dir, &s.file, &s.deleted))
        .collect()
}

pub(super) fn open_part(dir: &Path, file: &str, deleted: &[u32]) -> Result<Part, String> {
    if file.contains(['/', '\\']) || file.starts_with('.') {
        return Err("its manifest names a file outside the index".to_owned());
    }
    let path = dir.join(file);
    let handle = File::open(&path).map_err(|e| format!("{file} cannot be read ({e})"))?;
    let len = handle
        .metadata()
        .map_err(|e| format!("{file} cannot be read ({e})"))?
        .len();
    let segment = Segment::open(FileBlob {
        file: Mutex::new(handle),
        len,
    })
    .map_err(|e| format!("{file}: {e}"))?;
    let mut flags = vec![false; segment.docs.len()];
    for &d in deleted {
        *flags
            .get_mut(d as usize)
            .ok_or_else(|| "its manifest deletes a speech the segment lacks".to_owned())? = true;
    }
    Ok(Part {
        segment,
        deleted: flags,
    })
}

/// Opens segments just written.
pub(super) fn open_new(dir: &Path, files: &[String]) -> Result<Vec<Part>, SearchError> {
    files
        .iter()
        .map(|file| {
            open_part(dir, file, &[]).map_err(|reason| SearchError::Write {
                path: dir.join(file),
                reason,
            })
        })
        .collect()
}

pub(super) fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), SearchError> {
    let path = dir.join(MANIFEST);
    let tmp = dir.join(format!("{MANIFEST}.{}.tmp", std::process::id()));
    let bytes = serde_json::to_vec(manifest).map_err(|e| SearchError::Write {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    fs::write(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, &path))
        .map_err(|e| SearchError::Write {
            path,
            reason: e.to_string(),
        })
}

/// Removes the indexes of archives that are gone, so the cache does not keep growing with
/// archives moved, renamed or deleted long ago (an index of 10,000 speeches is nearly 200 MB).
/// Indexes whose manifest cannot be read are left to the archive that owns them, which
/// rebuilds them.
pub(super) fn remove_orphans(all: &Path) {
    let Ok(entries) = fs::read_dir(all) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let Ok(manifest) = read_manifest(&entry.path()) else {
            continue;
        };
        let built = fs::metadata(entry.path().join(MANIFEST))
            .and_then(|m| m.modified())
            .ok();
        if !manifest.root.is_empty() && is_gone(Path::new(&manifest.root), built, SystemTime::now())
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// How long the index of an archive on a drive that is away is kept.
pub(super) const AWAY_FOR: std::time::Duration = std::time::Duration::from_hours(30 * 24);

/// Whether the archive at `root`, whose index was last written at `built`, is gone for good:
/// its folder is missing while the folder that held it is there (moved, renamed or deleted).
/// When both are missing the archive may be on a drive that is unplugged or not mounted, so
/// it counts as gone only once its index has gone unwritten for [`AWAY_FOR`].
pub(super) fn is_gone(root: &Path, built: Option<SystemTime>, now: SystemTime) -> bool {
    if !matches!(root.try_exists(), Ok(false)) {
        return false;
    }
    if root
        .parent()
        .is_some_and(|parent| matches!(parent.try_exists(), Ok(true)))
    {
        return true;
    }
    built
        .and_then(|built| now.duration_since(built).ok())
        .is_some_and(|age| age > AWAY_FOR)
}

/// Removes segment files the manifest no longer names (leaving files younger than a minute:
/// another process may be writing them).
pub(super) fn remove_unused(dir: &Path, manifest: &Manifest) {
    let keep: HashSet<&str> = manifest.segments.iter().map(|s| s.file.as_str()).collect();
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = Path::new(&name)
            .extension()
            .is_some_and(|e| e == "seg" || e == "tmp");
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 60);
        if ours && old && !keep.contains(name.as_str()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_is_gone_when_its_folder_is_missing_but_not_its_parent_or_for_long() {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let now = SystemTime::now();
        let here = tmp.path().join("archive");
        fs::create_dir(&here).expect("archive folder");
        assert!(!is_gone(&here, Some(now), now), "an archive still there");
        let deleted = tmp.path().join("deleted");
        assert!(
            is_gone(&deleted, Some(now), now),
            "moved, renamed or deleted"
        );
        let away = tmp.path().join("drive").join("archive");
        assert!(!is_gone(&away, Some(now), now), "a drive away since today");
        let long_ago = now - AWAY_FOR - std::time::Duration::from_mins(1);
        assert!(
            is_gone(&away, Some(long_ago), now),
            "a drive away for months"
        );
        assert!(
            !is_gone(&away, None, now),
            "a drive away, for how long unknown"
        );
    }
}
