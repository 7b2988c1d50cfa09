//! Files changed outside the running app: a source re-scraped and a sidecar written by
//! another program are picked up, the annotations found again, and nothing unsaved is lost.

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use lectern::app::LecternApp;
use lectern_core::annotation::AnchorStatus;

use super::app::{copy_sample, harness};

const SPEECH: &str = "markdown/gettysburg-address.md";

fn annotate(root: &Path, quote: &str, tag: &str) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_lectern"))
        .arg("annotate")
        .arg(root)
        .args([SPEECH, "--quote", quote, "--tag", tag])
        .output()
        .expect("run lectern");
    assert!(status.status.success(), "{status:?}");
}

/// Steps the app until `done` holds, for up to ten seconds of real time (the watcher waits
/// for the folder to be quiet before it reports).
fn until(harness: &mut Harness<'_, LecternApp>, what: &str, done: impl Fn(&LecternApp) -> bool) {
    let started = Instant::now();
    while !done(harness.state()) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "timed out waiting: {what}"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run();
}

fn annotations(app: &LecternApp) -> Vec<(String, usize, AnchorStatus)> {
    app.archive()
        .and_then(|a| a.notes_of(SPEECH))
        .map(|n| {
            n.annotations
                .iter()
                .map(|a| (a.target.quote.exact.clone(), a.target.span.start, a.status))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn changes_on_disk_are_taken_in_without_losing_unsaved_edits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let source = root.join(SPEECH);
    copy_sample(root, &[SPEECH]);
    annotate(root, "a new birth of freedom", "freedom");

    let mut harness = harness(root);
    harness.state_mut().flush();
    let before = annotations(harness.state());
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].2, AnchorStatus::Exact);

    // The source is re-scraped with a new opening paragraph: the passage moves and is
    // found again in its new place.
    let text = std::fs::read_to_string(&source).expect("read");
    let changed = text.replacen(
        "Four score",
        "An editor's note on the text.\n\nFour score",
        1,
    );
    std::fs::write(&source, changed).expect("write");
    until(&mut harness, "the passage found again", |app| {
        annotations(app)
            .first()
            .is_some_and(|a| a.1 > before[0].1 && a.2 == AnchorStatus::Relocated)
    });

    // Another program adds an annotation to the sidecar while an edit made here (a memo)
    // is not saved yet: both are kept.
    let edit = lectern_core::annotation::edit::Edit::SetMemo {
        speech: SPEECH.to_owned(),
        before: String::new(),
        after: "Compare with the Second Inaugural.".to_owned(),
    };
    harness
        .state_mut()
        .archive_mut()
        .expect("archive")
        .notes
        .apply(edit)
        .expect("edit");
    annotate(root, "Four score and seven years ago", "founding");
    until(&mut harness, "the other program's annotation", |app| {
        annotations(app).len() == 2
    });
    let memo = |app: &LecternApp| {
        app.archive()
            .and_then(|a| a.notes_of(SPEECH))
            .map(|n| n.memo.clone())
    };
    assert_eq!(
        memo(harness.state()).as_deref(),
        Some("Compare with the Second Inaugural.")
    );
    harness.state_mut().flush();
    let written =
        std::fs::read_to_string(root.join(format!("{SPEECH}.notes.ron"))).expect("sidecar");
    assert!(written.contains("Compare with the Second Inaugural."));
    assert!(written.contains("\"founding\"") && written.contains("\"freedom\""));
}

#[test]
fn a_sync_tools_conflict_copy_is_merged_from_the_problems_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let _source = root.join(SPEECH);
    copy_sample(root, &[SPEECH]);
    // One machine annotated one passage, another machine another; the sync tool kept the
    // second machine's file as a conflict copy.
    let sidecar = root.join(format!("{SPEECH}.notes.ron"));
    let copy = root.join(format!("{SPEECH}.notes (conflicted copy 2026-11-27).ron"));
    annotate(root, "a new birth of freedom", "freedom");
    std::fs::rename(&sidecar, &copy).expect("set aside");
    annotate(root, "Four score and seven years ago", "founding");

    let mut harness = harness(root);
    assert_eq!(annotations(harness.state()).len(), 1);
    harness.get_by_label("1 problem").click();
    harness.run();
    harness.get_by_label("Merge into the notes").click();
    until(&mut harness, "both machines' annotations", |app| {
        annotations(app).len() == 2
    });
    assert!(!copy.exists(), "the copy is set aside");
    let written = std::fs::read_to_string(&sidecar).expect("sidecar");
    assert!(written.contains("\"freedom\"") && written.contains("\"founding\""));
}
