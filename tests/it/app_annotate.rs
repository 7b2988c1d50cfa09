//! Coding a speech in the window, headless: select a passage with the keyboard or the
//! mouse, highlight and tag it, find the sidecar on disk, undo and redo.

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use lectern::app::{LecternApp, SaveState};

use super::app::harness;

const SPEECH: &str = "markdown/gettysburg-address.md";

/// An archive of one speech, in a temporary folder.
fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_archive")
        .join(SPEECH);
    let to = dir.path().join(SPEECH);
    std::fs::create_dir_all(to.parent().expect("parent")).expect("folders");
    std::fs::copy(from, to).expect("copy");
    dir
}

fn sidecar(root: &Path) -> std::path::PathBuf {
    root.join(format!("{SPEECH}.notes.ron"))
}

fn type_text(harness: &mut Harness<'_, LecternApp>, text: &str) {
    harness.event(egui::Event::Text(text.to_owned()));
    harness.run();
}

fn press(harness: &mut Harness<'_, LecternApp>, modifiers: egui::Modifiers, key: egui::Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run();
}

/// Writes what is unsaved and waits for it.
fn save(harness: &mut Harness<'_, LecternApp>) {
    harness.state_mut().flush();
    harness.run();
    assert_eq!(harness.state().save_state(), Some(&SaveState::Saved));
}

#[test]
fn a_passage_is_coded_with_the_keyboard_alone_and_undone() {
    let dir = archive();
    let root = dir.path();
    let mut harness = harness(root);
    let none = egui::Modifiers::NONE;
    let shift = egui::Modifiers::SHIFT;

    // Open the speech, put the caret on its first paragraph, select its first sentence.
    press(&mut harness, none, egui::Key::J);
    press(&mut harness, none, egui::Key::ArrowDown);
    press(&mut harness, shift, egui::Key::ArrowDown);
    // H highlights it and puts the keyboard in the tag box: a new tag is made on the fly.
    press(&mut harness, none, egui::Key::H);
    type_text(&mut harness, "liberty");
    press(&mut harness, none, egui::Key::Enter);
    // The box keeps the keyboard for a second tag.
    type_text(&mut harness, "equality");
    press(&mut harness, none, egui::Key::Enter);
    press(&mut harness, none, egui::Key::Escape);
    harness.get_by_label("Annotations (1)");
    save(&mut harness);

    let written = std::fs::read_to_string(sidecar(root)).expect("the sidecar is written");
    assert!(
        written.contains(
            "Four score and seven years ago our fathers brought forth on this continent, a new \
             nation, conceived in Liberty, and dedicated to the proposition that all men are \
             created equal."
        ),
        "the whole first sentence is the quote:\n{written}"
    );
    assert!(written.contains("\"equality\"") && written.contains("\"liberty\""));
    let archive_file = std::fs::read_to_string(root.join("lectern.ron")).expect("vocabulary");
    assert!(archive_file.contains("\"liberty\"") && archive_file.contains("colour"));

    // Ctrl+Z takes off the second tag, then the first, then the highlight: the sidecar
    // goes (it becomes the backup, as every replaced version does).
    let command = egui::Modifiers::COMMAND;
    for _ in 0..3 {
        press(&mut harness, command, egui::Key::Z);
    }
    save(&mut harness);
    assert!(!sidecar(root).exists(), "no annotations, no sidecar");
    assert!(harness.query_by_label("Annotations (1)").is_none());

    // Redo brings all of it back.
    for _ in 0..3 {
        press(&mut harness, command | egui::Modifiers::SHIFT, egui::Key::Z);
    }
    save(&mut harness);
    let again = std::fs::read_to_string(sidecar(root)).expect("written again");
    assert_eq!(again, written, "redo restores exactly what undo took away");
}

#[test]
fn a_passage_selected_with_the_mouse_is_highlighted_noted_and_deleted() {
    let dir = archive();
    let root = dir.path();
    let mut harness = harness(root);
    harness.get_by_label("The Gettysburg Address").click();
    harness.run();

    // Drag across the start of the second paragraph.
    let paragraph = harness
        .get_by_label_contains("Now we are engaged in a great civil war")
        .rect();
    let from = egui::pos2(paragraph.left() + 1.0, paragraph.top() + 8.0);
    let to = egui::pos2(paragraph.left() + 200.0, paragraph.top() + 8.0);
    harness.drag_at(from);
    harness.run();
    harness.hover_at(to);
    harness.run();
    harness.drop_at(to);
    harness.run();
    harness.get_by_label("Highlight the selection").click();
    harness.run();
    harness.event(egui::Event::Text("war".to_owned()));
    harness.run();
    press(&mut harness, egui::Modifiers::NONE, egui::Key::Enter);

    let (path, _) = harness.state().selected().expect("open").clone();
    let annotation = {
        let notes = harness
            .state()
            .archive()
            .and_then(|a| a.notes_of(&path))
            .expect("notes");
        assert_eq!(notes.annotations.len(), 1);
        notes.annotations[0].clone()
    };
    assert!(
        annotation.target.quote.exact.starts_with("Now we are"),
        "the selection starts where the drag did: {:?}",
        annotation.target.quote.exact
    );
    assert_eq!(annotation.tags.len(), 1);

    // A note, typed into the note box and kept when the box is left.
    harness
        .get_all_by_role(egui::accesskit::Role::MultilineTextInput)
        .next()
        .expect("the note box")
        .click();
    harness.run();
    type_text(&mut harness, "The war as a test of the nation.");
    press(&mut harness, egui::Modifiers::NONE, egui::Key::Escape);
    save(&mut harness);
    let written = std::fs::read_to_string(sidecar(root)).expect("sidecar");
    assert!(
        written.contains("The war as a test of the nation."),
        "{written}"
    );

    // Delete removes it; undo brings it back with its note.
    harness.get_by_label("Delete").click();
    harness.run();
    save(&mut harness);
    assert!(!sidecar(root).exists());
    press(&mut harness, egui::Modifiers::COMMAND, egui::Key::Z);
    save(&mut harness);
    assert_eq!(
        std::fs::read_to_string(sidecar(root)).expect("back"),
        written
    );
}

#[test]
fn the_tag_manager_renames_a_tag_everywhere_and_undo_brings_it_back() {
    let dir = archive();
    let root = dir.path();
    let mut harness = harness(root);
    let none = egui::Modifiers::NONE;
    press(&mut harness, none, egui::Key::J);
    press(&mut harness, none, egui::Key::ArrowDown);
    press(&mut harness, egui::Modifiers::SHIFT, egui::Key::ArrowDown);
    press(&mut harness, none, egui::Key::H);
    type_text(&mut harness, "liberty");
    press(&mut harness, none, egui::Key::Enter);
    press(&mut harness, none, egui::Key::Escape);

    press(&mut harness, egui::Modifiers::COMMAND, egui::Key::T);
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "liberty")
        .click();
    harness.run();
    harness.get_by_label("1 annotation");
    // The rename box holds the tag's name; select it all and type the new one.
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Name")
        .click();
    harness.run();
    press(&mut harness, egui::Modifiers::COMMAND, egui::Key::A);
    type_text(&mut harness, "freedom");
    harness.get_by_label("Rename").click();
    harness.run();
    save(&mut harness);
    let sidecar_text = std::fs::read_to_string(sidecar(root)).expect("sidecar");
    let vocabulary = std::fs::read_to_string(root.join("lectern.ron")).expect("vocabulary");
    assert!(sidecar_text.contains("\"freedom\"") && !sidecar_text.contains("\"liberty\""));
    assert!(vocabulary.contains("\"freedom\"") && !vocabulary.contains("\"liberty\""));

    // One undo reverts the whole rename, in the sidecar and the vocabulary alike.
    harness.get_by_label("Undo").click();
    harness.run();
    save(&mut harness);
    let sidecar_text = std::fs::read_to_string(sidecar(root)).expect("sidecar");
    let vocabulary = std::fs::read_to_string(root.join("lectern.ron")).expect("vocabulary");
    assert!(sidecar_text.contains("\"liberty\"") && !sidecar_text.contains("\"freedom\""));
    assert!(vocabulary.contains("\"liberty\"") && !vocabulary.contains("\"freedom\""));
}

#[test]
fn the_side_panel_hides_for_reading_and_opens_for_a_highlight() {
    let dir = archive();
    let mut harness = harness(dir.path());
    let none = egui::Modifiers::NONE;
    let command = egui::Modifiers::COMMAND;
    let side_panel_shown =
        |harness: &Harness<'_, LecternApp>| harness.query_by_label("About this speech").is_some();

    press(&mut harness, none, egui::Key::J);
    assert!(side_panel_shown(&harness));
    // Ctrl+\ gives the text the whole width.
    press(&mut harness, command, egui::Key::Backslash);
    assert!(!side_panel_shown(&harness));
    // A highlight opens the panel for its tags and note, and it goes again with the
    // annotation.
    press(&mut harness, none, egui::Key::ArrowDown);
    press(&mut harness, egui::Modifiers::SHIFT, egui::Key::ArrowDown);
    press(&mut harness, none, egui::Key::H);
    assert!(
        side_panel_shown(&harness),
        "the new annotation's editor is shown"
    );
    type_text(&mut harness, "liberty");
    press(&mut harness, none, egui::Key::Enter);
    // Esc leaves the tag box, then the selected words, then the annotation.
    for _ in 0..2 {
        press(&mut harness, none, egui::Key::Escape);
    }
    assert!(side_panel_shown(&harness), "still on the annotation");
    press(&mut harness, none, egui::Key::Escape);
    assert!(!side_panel_shown(&harness));
    // Ctrl+\ again brings it back, with the annotation listed.
    press(&mut harness, command, egui::Key::Backslash);
    assert!(side_panel_shown(&harness));
    harness.get_by_label("Annotations (1)");
}
