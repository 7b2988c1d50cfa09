//! `check` over folders full of trouble: every file is reported, none stops the others.

use std::fs;
use std::path::Path;

use lectern_store::{CheckReport, CheckStatus, check};

const SPEECH: &str =
    "Fellow citizens:\n\nWe meet in a time of trial, and the work before us is great.\n";

fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().expect("a parent folder")).expect("create folders");
    fs::write(path, bytes).expect("write fixture");
}

/// Status and reason of `relative` in the report, or a panic naming what is there.
#[track_caller]
fn entry<'r>(report: &'r CheckReport, relative: &str) -> (CheckStatus, &'r str) {
    let found = report.documents.iter().find(|d| d.path == relative);
    let Some(entry) = found else {
        let paths: Vec<&str> = report.documents.iter().map(|d| d.path.as_str()).collect();
        panic!("{relative} not in report; it has {paths:?}");
    };
    (entry.status, entry.reason.as_deref().unwrap_or(""))
}

#[test]
fn every_file_is_reported_and_one_bad_file_stops_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "a.txt", SPEECH.as_bytes());
    write(
        root,
        "nested/deeper/b.md",
        b"---\ntitle: B\n---\nSome words of a speech.\n",
    );
    write(root, "empty.txt", b"");
    write(root, "picture.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write(root, "nul.txt", b"text with a \0 inside");
    write(root, "photo.png", b"\x89PNG\r\n\x1a\n");
    write(root, ".git/hidden.txt", SPEECH.as_bytes());
    write(root, ".hidden.txt", SPEECH.as_bytes());
    write(root, "lectern.ron", b"(version: 1)");
    write(root, "a.txt.notes.ron", b"(version: 1)");
    write(root, "README.md", b"# About this archive\n\nNotes.");
    write(root, "table.csv", b"a,b\n1,2\n");

    let report = check(root);
    assert_eq!(entry(&report, "a.txt").0, CheckStatus::Imported);
    assert_eq!(
        entry(&report, "nested/deeper/b.md").0,
        CheckStatus::Imported
    );
    assert_eq!(
        entry(&report, "empty.txt"),
        (CheckStatus::Skipped, "the file is empty")
    );
    assert_eq!(
        entry(&report, "picture.txt"),
        (
            CheckStatus::Failed,
            "not a text file: looks like a PNG image"
        )
    );
    assert_eq!(
        entry(&report, "nul.txt"),
        (
            CheckStatus::Failed,
            "not a text file: contains a NUL byte at byte 12"
        )
    );
    assert_eq!(
        entry(&report, "photo.png"),
        (CheckStatus::Skipped, "not a speech format (.png)")
    );
    assert_eq!(entry(&report, "README.md").0, CheckStatus::Skipped);
    assert_eq!(
        entry(&report, "table.csv"),
        (
            CheckStatus::Skipped,
            "a CSV table that is not a catalogue (no file column)"
        )
    );
    for hidden in [
        ".git/hidden.txt",
        ".hidden.txt",
        "lectern.ron",
        "a.txt.notes.ron",
    ] {
        assert!(
            report.documents.iter().all(|d| d.path != hidden),
            "{hidden} should not be scanned"
        );
    }
    let s = report.summary;
    assert_eq!(
        (s.files, s.imported, s.skipped, s.failed),
        (8, 2, 4, 2),
        "{report:#?}"
    );
    let paths: Vec<&str> = report.documents.iter().map(|d| d.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted, "report is sorted by path");
}

#[test]
fn catalogue_at_the_root_dates_the_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "metadata.csv",
        b"fileid,date,president_full\n1790-Washington-1,1790-01-08,George Washington\n",
    );
    write(root, "speeches/1790-Washington-1.txt", SPEECH.as_bytes());
    write(root, "speeches/1791-Washington-1.txt", SPEECH.as_bytes());
    let report = check(root);
    let listed = report
        .documents
        .iter()
        .find(|d| d.path == "speeches/1790-Washington-1.txt")
        .expect("listed");
    assert_eq!(listed.date.as_deref(), Some("1790-01-08"));
    assert_eq!(listed.speakers, ["George Washington"]);
    let unlisted = report
        .documents
        .iter()
        .find(|d| d.path == "speeches/1791-Washington-1.txt")
        .expect("listed");
    assert_eq!(
        unlisted.date.as_deref(),
        Some("1791"),
        "falls back to the file name"
    );
    assert_eq!(
        entry(&report, "metadata.csv"),
        (CheckStatus::Skipped, "archive catalogue (1 rows)")
    );
}

#[test]
fn a_huge_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "ok.txt", SPEECH.as_bytes());
    // A sparse 200 MB file: refused from its size alone, so the check stays instant.
    let big = fs::File::create(root.join("huge.txt")).expect("create");
    big.set_len(200 * 1024 * 1024).expect("grow");
    let report = check(root);
    assert_eq!(
        entry(&report, "huge.txt"),
        (
            CheckStatus::Failed,
            "the file is too large (200 MiB; the limit is 64 MiB)"
        )
    );
    assert_eq!(entry(&report, "ok.txt").0, CheckStatus::Imported);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "inner/ok.txt", SPEECH.as_bytes());
    std::os::unix::fs::symlink(root.join("inner"), root.join("inner/loop")).expect("symlink");
    std::os::unix::fs::symlink(root.join("inner/ok.txt"), root.join("alias.txt")).expect("symlink");
    let report = check(root);
    let (status, reason) = entry(&report, "inner/loop");
    assert_eq!(status, CheckStatus::Failed);
    assert!(reason.starts_with("symbolic link loop"), "{reason}");
    assert_eq!(entry(&report, "inner/ok.txt").0, CheckStatus::Imported);
    assert_eq!(
        entry(&report, "alias.txt").0,
        CheckStatus::Imported,
        "a link to a file is followed"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_reported() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "ok.txt", SPEECH.as_bytes());
    write(root, "locked.txt", SPEECH.as_bytes());
    write(root, "closed/inside.txt", SPEECH.as_bytes());
    fs::set_permissions(root.join("locked.txt"), fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::set_permissions(root.join("closed"), fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads through permissions; then the files simply import.
    let privileged = fs::read(root.join("locked.txt")).is_ok();
    let report = check(root);
    fs::set_permissions(root.join("closed"), fs::Permissions::from_mode(0o755))
        .expect("chmod back");
    if privileged {
        assert_eq!(entry(&report, "locked.txt").0, CheckStatus::Imported);
        assert_eq!(entry(&report, "closed/inside.txt").0, CheckStatus::Imported);
    } else {
        assert_eq!(
            entry(&report, "locked.txt"),
            (CheckStatus::Failed, "cannot read: permission denied")
        );
        assert_eq!(entry(&report, "closed").0, CheckStatus::Failed);
    }
    assert_eq!(entry(&report, "ok.txt").0, CheckStatus::Imported);
}

#[test]
fn the_sample_archive_checks_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_archive");
    let report = check(&root);
    assert_eq!(report.summary.failed, 0, "{report:#?}");
    assert!(report.summary.imported >= 25, "{:?}", report.summary);
    for doc in report
        .documents
        .iter()
        .filter(|d| d.status == CheckStatus::Imported)
    {
        assert!(doc.date.is_some(), "{} has no date", doc.path);
        assert!(!doc.speakers.is_empty(), "{} has no speaker", doc.path);
    }
}

#[test]
fn a_cancelled_load_stops_reading_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_archive");
    let progress = |_: lectern_store::Progress<'_>| {};
    let go_on = std::sync::atomic::AtomicBool::new(false);
    let loaded = lectern_store::load_archive(&root, None, &progress, &go_on);
    assert_eq!(loaded.documents.len(), 26);

    // Cancelled after the fourth file: the rest are not read.
    let done = std::sync::atomic::AtomicUsize::new(0);
    let cancelled = std::sync::atomic::AtomicBool::new(false);
    let progress = |_: lectern_store::Progress<'_>| {
        if done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == 4 {
            cancelled.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    };
    let loaded = lectern_store::load_archive(&root, None, &progress, &cancelled);
    assert!(
        loaded.documents.len() < 26,
        "{} documents read after the cancel",
        loaded.documents.len()
    );
}
