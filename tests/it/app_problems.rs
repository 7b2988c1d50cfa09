//! The window with bad input: a load shows its progress and can be cancelled; a file that
//! is not a speech and a hand-broken sidecar are listed among the problems; an edit to the
//! speech with the broken sidecar is kept in memory and never written over the file.

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use lectern::app::{LecternApp, SaveState};

use super::app::{copy_sample, harness};

const SPEECH: &str = "markdown/gettysburg-address.md";

#[test]
fn loading_shows_progress_and_cancel_stops_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Enough speeches that the load is still running when the first frames are drawn.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_archive/sotu/1946-Truman-1.txt"),
    )
    .expect("read");
    for i in 0..1500 {
        std::fs::write(dir.path().join(format!("speech-{i:04}.txt")), &text).expect("write");
    }
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 820.0))
        .build_ui_state(
            |ui, app: &mut LecternApp| {
                app.update(&ui.ctx().clone());
                app.show(ui);
            },
            {
                let mut app = LecternApp::new(Some(dir.path()));
                app.set_cache_dir(&std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache"));
                app
            },
        );
    harness.step();
    assert!(harness.state().is_loading());
    // The bar counts files as they are read.
    let started = Instant::now();
    while harness.query_by_label_contains("of 1500 files").is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no progress shown"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    // The window says what it is reading, not how to open a folder.
    harness.get_by_label(&format!("Reading {}", dir.path().display()));
    assert!(
        harness
            .query_by_label("Open a folder of speeches")
            .is_none()
    );
    harness.get_by_label("Cancel").click();
    // The click is seen in one frame and applied as the next begins.
    harness.step();
    harness.step();
    assert!(!harness.state().is_loading());
    assert!(
        harness.state().archive().is_none(),
        "a cancelled load opens nothing"
    );
    harness.get_by_label("Open a folder of speeches");
}

#[test]
fn bad_files_are_listed_and_a_broken_sidecar_is_never_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let _source = root.join(SPEECH);
    copy_sample(root, &[SPEECH]);
    let sidecar = root.join(format!("{SPEECH}.notes.ron"));
    let broken = "(\n    version: 1,\n    annotations: [\n        (id: \"X\", start: oops\n";
    std::fs::write(&sidecar, broken).expect("write");
    std::fs::write(root.join("scan.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");

    let mut harness = harness(root);
    assert_eq!(harness.state().archive().expect("loaded").speeches.len(), 1);
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "2 problems")
        .click();
    harness.run();
    // The broken sidecar, by name and line; the PNG, with what it is.
    let notes = harness
        .get_by_label_contains("gettysburg-address.md.notes.ron")
        .accesskit_node()
        .value()
        .unwrap_or_default();
    assert!(notes.contains("line 4"), "{notes}");
    harness.get_by_label_contains("PNG");
    harness.key_press(egui::Key::Escape);
    harness.run();

    // Annotate the speech: the save is refused, the notes stay in memory, and the file is
    // exactly as it was.
    harness.key_press(egui::Key::J);
    harness.run();
    harness.key_press(egui::Key::ArrowDown);
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowDown);
    harness.run();
    harness.key_press(egui::Key::H);
    harness.run();
    harness.state_mut().flush();
    harness.run();
    assert!(matches!(
        harness.state().save_state(),
        Some(SaveState::Failed(_))
    ));
    harness.get_by_label("Not saved");
    assert_eq!(
        std::fs::read_to_string(&sidecar).expect("still there"),
        broken
    );
    let kept = harness
        .state()
        .archive()
        .and_then(|a| a.notes_of(SPEECH))
        .map_or(0, |n| n.annotations.len());
    assert_eq!(kept, 1, "the annotation is kept in memory");

    // Closing the window now would lose it: the close is cancelled and the app asks.
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.run();
    harness.get_by_label("Your notes are not saved");
    harness.get_by_label("Keep working").click();
    harness.run();
    assert!(harness.query_by_label("Your notes are not saved").is_none());
}

#[test]
fn notes_that_cannot_be_saved_go_to_a_folder_the_researcher_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("archive");
    let _source = root.join(SPEECH);
    copy_sample(&root, &[SPEECH]);
    // Where the sidecar would go, something that is not a file: every save there fails, as
    // on a read-only folder (which the tests, run as any user, cannot rely on).
    std::fs::create_dir_all(root.join(format!("{SPEECH}.notes.ron"))).expect("blocker");

    let mut harness = harness(&root);
    harness.key_press(egui::Key::J);
    harness.run();
    harness.key_press(egui::Key::ArrowDown);
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowDown);
    harness.run();
    harness.key_press(egui::Key::H);
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
    harness.state_mut().flush();
    harness.run();
    harness.get_by_label("Not saved");

    harness.get_by_label("Save elsewhere…").click();
    harness.run();
    let mirror = dir.path().join("my notes");
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Folder for the notes")
        .click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.event(egui::Event::Text(mirror.display().to_string()));
    harness.run();
    harness.get_by_label("Use this folder").click();
    harness.run();
    harness.state_mut().flush();
    harness.run();
    assert_eq!(harness.state().save_state(), Some(&SaveState::Saved));
    let written = std::fs::read_to_string(mirror.join(format!("{SPEECH}.notes.ron")))
        .expect("the notes are in the chosen folder, laid out like the archive");
    assert!(written.contains("Four score and seven years ago"));

    // Loading the archive with that folder finds the notes again.
    let progress = |_: lectern_store::Progress<'_>| {};
    let loaded = lectern_store::load_archive(
        &root,
        Some(&mirror),
        &progress,
        &std::sync::atomic::AtomicBool::new(false),
    );
    assert_eq!(loaded.notes[SPEECH].annotations.len(), 1);
}

#[test]
fn notes_on_cleaning_are_not_counted_as_problems_but_a_guessed_encoding_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    // The seed: page chrome removed and a paragraph re-joined, two notes on its reading.
    copy_sample(root, &["mi5/000_dd9ed34a99eb1f64.txt"]);
    let cleaned = harness(root);
    cleaned.get_by_role_and_label(egui::accesskit::Role::Button, "2 import notes");
    drop(cleaned);
    // A speech in Windows-1252 is read with a guessed encoding: a problem to check.
    std::fs::write(
        root.join("latin.txt"),
        b"Mesdames et messieurs, l'\xe9t\xe9 dernier fut long.\n",
    )
    .expect("write");
    let mut harness = harness(root);
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "1 problem")
        .click();
    harness.run();
    assert_eq!(harness.query_all_by_label("Import note").count(), 3);
}
