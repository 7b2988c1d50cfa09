//! Saving sidecars: atomic, backed up, merged when stale, never over a corrupt file, and
//! intact whichever step of a save fails.

use std::cell::Cell;
use std::fs;
use std::io;
use std::path::Path;

use lectern_core::annotation::sidecar::{read_speech, write_speech};
use lectern_core::annotation::{
    AnchorStatus, Annotation, AnnotationId, SpeechNotes, TagName, Target, TextQuote, Timestamp,
};
use lectern_core::{CharSpan, ContentHash};
use lectern_store::notes::{
    Base, FileOps, NotesError, RealFs, backup_path, clean_leftovers, read_sidecar, save_sidecar,
};

fn annotation(id: &str, note: &str) -> Annotation {
    Annotation {
        id: AnnotationId(id.to_owned()),
        target: Target {
            span: CharSpan::new(10, 20),
            quote: TextQuote {
                exact: "quoted bit".into(),
                prefix: "before ".into(),
                suffix: " after".into(),
            },
            text_hash: ContentHash(42),
        },
        note: note.to_owned(),
        tags: vec![TagName::new("economy")],
        created: Timestamp::from_millis(1_700_000_000_000),
        modified: Timestamp::from_millis(1_700_000_000_000),
        author: None,
        conflict_with: None,
        status: AnchorStatus::Exact,
    }
}

fn notes(annotations: Vec<Annotation>) -> SpeechNotes {
    SpeechNotes {
        annotations,
        ..SpeechNotes::default()
    }
}

#[test]
fn save_writes_backs_up_and_removes_when_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.txt.notes.ron");
    let base = read_sidecar(&path).expect("missing is empty");
    let first = notes(vec![annotation("A", "one")]);
    let saved = save_sidecar(&path, &base, &first, &RealFs).expect("saved");
    assert_eq!(
        read_speech(&fs::read_to_string(&path).expect("written")).expect("parses"),
        first
    );
    assert!(
        !backup_path(&path).exists(),
        "nothing to back up the first time"
    );

    let second = notes(vec![annotation("A", "two")]);
    let saved = save_sidecar(&path, &saved.base, &second, &RealFs).expect("saved");
    let backup = fs::read_to_string(backup_path(&path)).expect("backup kept");
    assert_eq!(read_speech(&backup).expect("backup parses"), first);

    save_sidecar(&path, &saved.base, &SpeechNotes::default(), &RealFs).expect("saved");
    assert!(!path.exists(), "no sidecar for a speech without notes");
    assert!(
        backup_path(&path).exists(),
        "the last version stays as a backup"
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert!(
        leftovers
            .iter()
            .all(|n| !n.to_string_lossy().contains("lectern-tmp")),
        "{leftovers:?}"
    );
}

#[test]
fn a_stale_save_merges_instead_of_overwriting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.txt.notes.ron");
    let start = save_sidecar(
        &path,
        &read_sidecar(&path).expect("read"),
        &notes(vec![annotation("A", "base")]),
        &RealFs,
    )
    .expect("saved")
    .base;
    // Another window adds an annotation meanwhile.
    let other = notes(vec![annotation("A", "base"), annotation("B", "theirs")]);
    save_sidecar(&path, &start, &other, &RealFs).expect("other window saves");
    // This window, still on the old base, edits A.
    let saved = save_sidecar(
        &path,
        &start,
        &notes(vec![annotation("A", "ours")]),
        &RealFs,
    )
    .expect("saved");
    assert!(saved.merged);
    let on_disk = read_speech(&fs::read_to_string(&path).expect("read")).expect("parses");
    let got: Vec<(&str, &str)> = on_disk
        .annotations
        .iter()
        .map(|a| (a.id.0.as_str(), a.note.as_str()))
        .collect();
    assert_eq!(got, [("A", "ours"), ("B", "theirs")]);
}

#[test]
fn a_corrupt_sidecar_is_never_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.txt.notes.ron");
    let broken = "(\n    version: 1,\n    annotations: [ (id: \"A\", start: 1,, ) ],\n)\n";
    fs::write(&path, broken).expect("write");
    let err = read_sidecar(&path).expect_err("does not parse");
    let message = err.to_string();
    assert!(
        message.contains("line 3") && message.contains("a.txt.notes.ron"),
        "{message}"
    );
    let result = save_sidecar(
        &path,
        &Base::default(),
        &notes(vec![annotation("B", "new")]),
        &RealFs,
    );
    assert!(matches!(result, Err(NotesError::Corrupt { .. })));
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        broken,
        "untouched"
    );
}

#[test]
fn a_truncated_sidecar_is_an_error_never_a_partial_load() {
    let text = write_speech(&notes(vec![
        annotation("A", "first\nnote"),
        annotation("B", "second"),
    ]));
    let complete = text.trim_end();
    for cut in 0..complete.len() {
        if !complete.is_char_boundary(cut) {
            continue;
        }
        assert!(
            read_speech(&complete[..cut]).is_err(),
            "a cut at byte {cut} loaded"
        );
    }
    assert!(read_speech(complete).is_ok());
}

/// File operations that fail at the `fail_at`-th call; a failing write first writes half
/// its bytes, as a full disk does.
struct Faulty {
    calls: Cell<usize>,
    fail_at: usize,
    kind: io::ErrorKind,
}

impl Faulty {
    fn fails_now(&self) -> bool {
        let n = self.calls.get();
        self.calls.set(n + 1);
        n == self.fail_at
    }

    fn error(&self) -> io::Error {
        io::Error::new(self.kind, "injected failure")
    }
}

impl FileOps for Faulty {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if self.fails_now() {
            return Err(self.error());
        }
        RealFs.read(path)
    }
    fn write_synced(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        if self.fails_now() {
            let _ = fs::write(path, &bytes[..bytes.len() / 2]);
            return Err(self.error());
        }
        RealFs.write_synced(path, bytes)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        if self.fails_now() {
            return Err(self.error());
        }
        RealFs.rename(from, to)
    }
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        if self.fails_now() {
            return Err(self.error());
        }
        RealFs.sync_dir(dir)
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        RealFs.remove(path)
    }
}

/// A save with a backup takes six steps: read the previous version, write the backup, keep
/// it, write the new text, replace the sidecar, flush the folder. Whichever fails, the error reaches the caller and
/// the sidecar on disk is whole: the old version before the replace, the new one after.
#[test]
fn a_failure_at_any_step_keeps_a_whole_version_and_reports_it() {
    for kind in [
        io::ErrorKind::StorageFull,
        io::ErrorKind::PermissionDenied,
        io::ErrorKind::WriteZero,
        io::ErrorKind::Other,
    ] {
        for fail_at in 0..6 {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("a.txt.notes.ron");
            let old = notes(vec![annotation("A", "old")]);
            let new = notes(vec![annotation("A", "new")]);
            let base = save_sidecar(&path, &Base::default(), &old, &RealFs)
                .expect("saved")
                .base;
            let ops = Faulty {
                calls: Cell::new(0),
                fail_at,
                kind,
            };
            let err = save_sidecar(&path, &base, &new, &ops).expect_err("the failure is reported");
            assert!(matches!(err, NotesError::Io { .. }), "{err}");
            assert!(
                err.to_string().contains(&*dir.path().to_string_lossy()),
                "the message names the file: {err}"
            );
            let on_disk = read_speech(&fs::read_to_string(&path).expect("still there"))
                .expect("still parses");
            let expected = if fail_at < 5 { &old } else { &new };
            assert_eq!(&on_disk, expected, "{kind:?} at step {fail_at}");
            clean_leftovers(dir.path());
            let names: Vec<String> = fs::read_dir(dir.path())
                .expect("list")
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            assert!(
                names.iter().all(|n| !n.contains("lectern-tmp")),
                "leftovers cleaned: {names:?}"
            );
        }
    }
}

#[test]
fn a_sync_conflict_copy_merges_and_is_set_aside() {
    use lectern_store::notes::merge_conflict_copy;
    let dir = tempfile::tempdir().expect("temp dir");
    let sidecar = dir.path().join("a.txt.notes.ron");
    let copy = dir
        .path()
        .join("a.txt.notes (conflicted copy 2026-11-27).ron");
    fs::write(
        &sidecar,
        write_speech(&notes(vec![
            annotation("A", "here"),
            annotation("B", "same"),
        ])),
    )
    .expect("write");
    fs::write(
        &copy,
        write_speech(&notes(vec![
            annotation("B", "same"),
            annotation("C", "there"),
            annotation("A", "changed there"),
        ])),
    )
    .expect("write");
    let saved = merge_conflict_copy(&sidecar, &copy, &RealFs).expect("merged");
    let on_disk = read_speech(&fs::read_to_string(&sidecar).expect("read")).expect("parses");
    let ids: Vec<&str> = on_disk
        .annotations
        .iter()
        .map(|a| a.id.0.as_str())
        .collect();
    assert_eq!(ids, ["A", "A-theirs", "B", "C"]);
    assert_eq!(saved.conflicts, [AnnotationId("A".into())]);
    assert!(!copy.exists());
    assert!(
        dir.path()
            .join("a.txt.notes (conflicted copy 2026-11-27).ron.merged")
            .exists(),
        "the copy is kept aside"
    );
}

#[test]
fn a_corrupt_sidecar_points_to_its_backup() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.txt.notes.ron");
    let first = save_sidecar(
        &path,
        &Base::default(),
        &notes(vec![annotation("A", "one")]),
        &RealFs,
    )
    .expect("saved");
    save_sidecar(
        &path,
        &first.base,
        &notes(vec![annotation("A", "two")]),
        &RealFs,
    )
    .expect("saved");
    fs::write(&path, "(version: 1, annotations: [").expect("break it");
    let message = read_sidecar(&path).expect_err("corrupt").to_string();
    assert!(
        message.contains("previous version is at") && message.contains(".notes.ron.bak"),
        "{message}"
    );
}

#[test]
fn a_sidecar_in_another_encoding_is_refused_not_rewritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.txt.notes.ron");
    let text = write_speech(&notes(vec![annotation("A", "café")]));
    // The note's "é" as a Latin-1 editor would save it: one byte, 0xE9.
    let latin1 = text.replace("caf\u{e9}", "caf\u{1}").into_bytes();
    let latin1: Vec<u8> = latin1
        .into_iter()
        .map(|b| if b == 1 { 0xe9 } else { b })
        .collect();
    fs::write(&path, &latin1).expect("write");
    let err = read_sidecar(&path).expect_err("refused");
    assert!(err.to_string().contains("not UTF-8"), "{err}");
    let result = save_sidecar(
        &path,
        &Base::default(),
        &notes(vec![annotation("B", "x")]),
        &RealFs,
    );
    assert!(matches!(result, Err(NotesError::Corrupt { .. })));
    assert_eq!(fs::read(&path).expect("read"), latin1, "untouched");
}

#[cfg(unix)]
#[test]
fn a_sidecar_that_is_a_link_is_saved_where_it_points() {
    let dir = tempfile::tempdir().expect("temp dir");
    let real = dir.path().join("kept").join("a.ron");
    fs::create_dir_all(real.parent().expect("parent")).expect("folder");
    let link = dir.path().join("a.txt.notes.ron");
    let base = save_sidecar(
        &real,
        &Base::default(),
        &notes(vec![annotation("A", "one")]),
        &RealFs,
    )
    .expect("saved")
    .base;
    std::os::unix::fs::symlink(&real, &link).expect("link");
    save_sidecar(&link, &base, &notes(vec![annotation("A", "two")]), &RealFs)
        .expect("saved through the link");
    assert!(
        fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink(),
        "still a link"
    );
    let on_disk = read_speech(&fs::read_to_string(&real).expect("read")).expect("parses");
    assert_eq!(on_disk.annotations[0].note, "two");
}

#[test]
fn a_second_conflict_copy_of_the_same_name_never_replaces_the_first() {
    use lectern_store::notes::merge_conflict_copy;
    let dir = tempfile::tempdir().expect("temp dir");
    let sidecar = dir.path().join("a.txt.notes.ron");
    let copy = dir.path().join("a.txt.notes-conflict.ron");
    fs::write(
        &sidecar,
        write_speech(&notes(vec![annotation("A", "here")])),
    )
    .expect("write");
    for (round, id) in ["B", "C"].into_iter().enumerate() {
        fs::write(&copy, write_speech(&notes(vec![annotation(id, "there")]))).expect("write");
        merge_conflict_copy(&sidecar, &copy, &RealFs).expect("merged");
        let expected = if round == 0 {
            "a.txt.notes-conflict.ron.merged"
        } else {
            "a.txt.notes-conflict.ron.merged-2"
        };
        let kept = read_speech(&fs::read_to_string(dir.path().join(expected)).expect("kept aside"))
            .expect("parses");
        assert_eq!(kept.annotations[0].id.0, id, "round {round}");
    }
    let on_disk = read_speech(&fs::read_to_string(&sidecar).expect("read")).expect("parses");
    let ids: Vec<&str> = on_disk
        .annotations
        .iter()
        .map(|a| a.id.0.as_str())
        .collect();
    assert_eq!(ids, ["A", "B", "C"]);
}

#[test]
fn leftovers_of_crashed_saves_are_removed_in_every_folder_and_nothing_else() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nested = dir.path().join("1990s/speeches");
    fs::create_dir_all(&nested).expect("folders");
    let leftovers = [
        dir.path().join(".lectern.ron.77-0.lectern-tmp"),
        nested.join(".a.txt.notes.ron.77-1.lectern-tmp"),
        nested.join(".a.txt.notes.ron.bak.77-2.lectern-tmp"),
    ];
    let kept = [
        nested.join("a.txt"),
        nested.join("a.txt.notes.ron"),
        nested.join("notes.lectern-tmp"),
    ];
    for path in leftovers.iter().chain(&kept) {
        fs::write(path, "x").expect("write");
    }
    let mut removed = clean_leftovers(dir.path());
    removed.sort();
    let mut expected = leftovers.to_vec();
    expected.sort();
    assert_eq!(removed, expected);
    assert!(kept.iter().all(|p| p.exists()), "only leftovers go");
    assert!(leftovers.iter().all(|p| !p.exists()));
}

#[test]
fn a_vocabulary_changed_elsewhere_is_merged_tag_by_tag_on_save() {
    use lectern_core::annotation::TagDef;
    use lectern_store::notes::{read_archive_file, save_archive_file};
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let mut first = read_archive_file(root).expect("empty");
    for name in ["economy", "security"] {
        first
            .vocabulary
            .tags
            .insert(TagName::new(name), TagDef::default());
    }
    let base = save_archive_file(
        root,
        &read_archive_file(root).expect("empty"),
        &first,
        &RealFs,
    )
    .expect("saved");
    // Another window deletes `economy` and adds `trade`; this one, from the same base,
    // adds `war` and describes `security`.
    let mut theirs = base.clone();
    theirs.vocabulary.tags.remove(&TagName::new("economy"));
    theirs
        .vocabulary
        .tags
        .insert(TagName::new("trade"), TagDef::default());
    save_archive_file(root, &base, &theirs, &RealFs).expect("saved");
    let mut ours = base.clone();
    ours.vocabulary
        .tags
        .insert(TagName::new("war"), TagDef::default());
    ours.vocabulary
        .tags
        .get_mut(&TagName::new("security"))
        .expect("there")
        .description = "Intelligence and policing".into();
    let merged = save_archive_file(root, &base, &ours, &RealFs).expect("saved");
    let on_disk = read_archive_file(root).expect("reads");
    assert_eq!(on_disk.vocabulary, merged.vocabulary);
    let names: Vec<&str> = on_disk
        .vocabulary
        .tags
        .keys()
        .map(|t| t.0.as_str())
        .collect();
    assert_eq!(names, ["security", "trade", "war"]);
    assert_eq!(
        on_disk.vocabulary.tags[&TagName::new("security")].description,
        "Intelligence and policing"
    );
}
