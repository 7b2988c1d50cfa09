//! The archive-level file, `lectern.ron`: the tag vocabulary and the archive's settings.
//!
//! It is saved like a sidecar (atomically, with a backup, under the folder's lock) and for
//! the same reason never from a stale base: when another writer changed it since it was read,
//! the two versions are merged tag by tag and setting by setting before anything is written.
//! Callers reach these items through [`crate::notes`], next to the sidecars they go with.

use std::fs;
use std::io;
use std::path::Path;

use lectern_core::annotation::merge::merge_vocabulary;
use lectern_core::annotation::sidecar;

use crate::notes::{FileOps, FolderLock, NotesError, backup_path, fingerprint, write_atomic};

/// The archive-level file as read, with a fingerprint to notice later changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArchiveBase {
    pub vocabulary: lectern_core::annotation::Vocabulary,
    pub settings: sidecar::ArchiveSettings,
    fingerprint: Option<u128>,
}

/// Reads `lectern.ron` at `root`; a missing one is an empty vocabulary.
pub fn read_archive_file(root: &Path) -> Result<ArchiveBase, NotesError> {
    let path = root.join(sidecar::ARCHIVE_FILE);
    match fs::read(&path) {
        Ok(bytes) => {
            let (vocabulary, settings) = sidecar::utf8(&bytes)
                .and_then(sidecar::read_archive)
                .map_err(|error| {
                    let backup = Some(backup_path(&path)).filter(|b| b.exists());
                    NotesError::Corrupt {
                        error,
                        path: path.clone(),
                        backup,
                    }
                })?;
            Ok(ArchiveBase {
                vocabulary,
                settings,
                fingerprint: Some(fingerprint(&bytes)),
            })
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(ArchiveBase::default()),
        Err(err) => Err(NotesError::io("read", &path, &err)),
    }
}

/// Saves the vocabulary and settings. If the file changed since `base` was read, the two
/// versions are merged tag by tag and setting by setting (see
/// [`merge_vocabulary`]); ours win where both changed the same thing.
pub fn save_archive_file(
    root: &Path,
    base: &ArchiveBase,
    ours: &ArchiveBase,
    ops: &dyn FileOps,
) -> Result<ArchiveBase, NotesError> {
    let path = root.join(sidecar::ARCHIVE_FILE);
    let _lock = FolderLock::acquire(root)?;
    let current = read_archive_file(root)?;
    let mut merged = ours.clone();
    if current.fingerprint != base.fingerprint {
        merged.vocabulary =
            merge_vocabulary(&base.vocabulary, &ours.vocabulary, &current.vocabulary);
        // Settings field by field: ours where we changed one, theirs otherwise.
        let (b, o, t) = (&base.settings, &ours.settings, &current.settings);
        merged.settings = sidecar::ArchiveSettings {
            author: if o.author == b.author {
                &t.author
            } else {
                &o.author
            }
            .clone(),
            mirror: if o.mirror == b.mirror {
                &t.mirror
            } else {
                &o.mirror
            }
            .clone(),
        };
    }
    let text = sidecar::write_archive(&merged.vocabulary, &merged.settings);
    write_atomic(&path, text.as_bytes(), current.fingerprint.is_some(), ops)?;
    merged.fingerprint = Some(fingerprint(text.as_bytes()));
    Ok(merged)
}
