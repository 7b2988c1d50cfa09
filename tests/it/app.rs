//! The desktop app driven headless: open the sample archive, filter the library, read a
//! speech and jump through its outline.

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use lectern::app::LecternApp;

pub fn harness(archive: &Path) -> Harness<'static, LecternApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 820.0))
        // A jump to a passage not yet laid out settles over a few frames: the estimated
        // place first, then the measured one.
        .with_max_steps(16)
        .build_ui_state(
            |ui, app: &mut LecternApp| {
                app.update(&ui.ctx().clone());
                app.show(ui);
            },
            {
                let mut app = LecternApp::new(Some(archive));
                // The search index goes to the build's scratch folder, not the user's cache.
                app.set_cache_dir(&Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache"));
                app
            },
        );
    // Loading runs on its own thread; step until it has finished.
    let started = Instant::now();
    while harness.state().archive().is_none() {
        assert!(
            started.elapsed() < Duration::from_mins(1),
            "the archive did not finish loading"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run();
    harness
}

/// Copies `files` of the sample archive into `root`, keeping their folders.
pub fn copy_sample(root: &Path, files: &[&str]) {
    for file in files {
        let to = root.join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("folders");
        std::fs::copy(sample().join(file), to).expect("copy");
    }
}

/// Where the seed's "State Threats" heading is in the text (not the outline's button), when
/// it is laid out.
fn state_threats_top(harness: &Harness<'_, LecternApp>) -> Option<f32> {
    harness
        .get_all_by_label("State Threats")
        .find(|n| n.accesskit_node().role() != egui::accesskit::Role::Button)
        .map(|n| n.rect().top())
}

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_archive")
}

#[test]
fn the_library_lists_the_sample_archive_and_opens_a_speech() {
    let mut harness = harness(&sample());
    let archive = harness.state().archive().expect("loaded");
    assert_eq!(archive.speeches.len(), 26);
    harness.get_by_label("26 of 26 speeches");
    // Reading order is by date: Washington's first address heads the list.
    harness.get_by_label("1790-01-08");

    harness.get_by_label("The Gettysburg Address").click();
    harness.run();
    let (path, _) = harness.state().selected().expect("a speech is open");
    assert_eq!(path, "markdown/gettysburg-address.md");
    assert!(
        harness
            .query_by_label_contains("Four score and seven years ago")
            .is_some(),
        "the reader shows the text"
    );
    harness.get_by_label("1863-11-19 · Abraham Lincoln · Gettysburg, Pennsylvania");
}

#[test]
fn about_this_speech_says_where_each_detail_comes_from() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    copy_sample(root, &["sotu/1790-Washington-1.txt", "metadata.csv"]);
    let mut harness = harness(root);
    harness.get_by_label("1790-Washington-1").click();
    harness.run();
    harness.get_by_label("About this speech").click();
    harness.run();
    harness.get_by_label("Date and speaker from the catalogue; title from the file name.");

    // A title typed in is the researcher's own, and the line says so.
    let title = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Title");
    title.click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.event(egui::Event::Text("First Annual Address".to_owned()));
    harness.key_press(egui::Key::Enter);
    harness.run();
    harness.get_by_label("Title edited by you; date and speaker from the catalogue.");
}

#[test]
fn a_path_that_is_not_a_folder_is_refused_and_the_box_shows_the_archive_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    copy_sample(root, &["markdown/gettysburg-address.md"]);
    let mut harness = harness(root);
    let path_box = |harness: &Harness<'_, LecternApp>| {
        harness
            .query_all_by_role(egui::accesskit::Role::TextInput)
            .next()
            .expect("the archive path box")
            .accesskit_node()
            .value()
            .unwrap_or_default()
    };
    assert_eq!(path_box(&harness), root.display().to_string());
    for leave in [egui::Key::Enter, egui::Key::Escape] {
        harness
            .query_all_by_role(egui::accesskit::Role::TextInput)
            .next()
            .expect("the archive path box")
            .click();
        harness.run();
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        harness.event(egui::Event::Text("/no/such/folder".to_owned()));
        harness.run();
        harness.key_press(leave);
        harness.run();
        if leave == egui::Key::Enter {
            // Refused, with the path kept to correct; dismissing the message puts it back.
            harness.get_by_label("not a folder: /no/such/folder");
            assert_eq!(path_box(&harness), "/no/such/folder");
            harness.get_by_label("Dismiss").click();
            harness.run();
        }
        assert_eq!(path_box(&harness), root.display().to_string(), "{leave:?}");
        assert_eq!(harness.state().archive().expect("still open").root, root);
    }
}

#[test]
fn the_filter_narrows_the_library_and_the_outline_jumps() {
    let mut harness = harness(&sample());
    // The first text box is the archive path; the filter has its own hint.
    let filter = harness
        .query_all_by_role(egui::accesskit::Role::TextInput)
        .nth(1)
        .expect("the library filter");
    filter.click();
    filter.type_text("mccallum");
    harness.run();
    harness.get_by_label("1 of 26 speeches");
    harness
        .get_by_label("Director General Ken McCallum gives latest threat update")
        .click();
    harness.run();
    // Blocks far out of view are not laid out at all.
    assert!(
        state_threats_top(&harness).is_none_or(|top| top > 820.0),
        "the section starts below the fold"
    );
    // The outline marks the section being read; the lead comes before any section.
    let marked = |harness: &Harness<'_, LecternApp>| -> Vec<String> {
        harness
            .query_all_by_role(egui::accesskit::Role::Button)
            .filter(|n| n.accesskit_node().toggled() == Some(egui::accesskit::Toggled::True))
            .filter_map(|n| n.accesskit_node().label())
            .filter(|l| {
                [
                    "Introduction",
                    "Counter Terrorism",
                    "State Threats",
                    "Conclusion",
                ]
                .contains(&&**l)
            })
            .collect()
    };
    assert!(marked(&harness).is_empty(), "{:?}", marked(&harness));
    // The outline's entry, not the heading in the text.
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "State Threats")
        .click();
    harness.run();
    let top = state_threats_top(&harness).expect("laid out once in view");
    assert!(
        (0.0..200.0).contains(&top),
        "the heading is brought to the top: {top}"
    );
    assert_eq!(marked(&harness), ["State Threats"]);
    // ] goes on to the next section's heading, [ back to the heading above.
    harness.key_press(egui::Key::CloseBracket);
    harness.run();
    assert_eq!(marked(&harness), ["Conclusion"]);
    harness.key_press(egui::Key::OpenBracket);
    harness.run();
    assert_eq!(marked(&harness), ["State Threats"]);
}

#[test]
fn the_text_keeps_its_place_when_the_side_panel_hides_and_comes_back() {
    let mut harness = harness(&sample());
    harness
        .get_by_label("Director General Ken McCallum gives latest threat update")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "State Threats")
        .click();
    harness.run();
    let on_top = (0.0..200.0).contains(&state_threats_top(&harness).expect("laid out"));
    assert!(on_top, "{:?}", state_threats_top(&harness));
    // The text re-flows wider, then narrower again; the section being read stays in view.
    for shown in [false, true] {
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Backslash);
        harness.run();
        let outline = harness.query_by_role_and_label(egui::accesskit::Role::Button, "Conclusion");
        assert_eq!(outline.is_some(), shown);
        let top = state_threats_top(&harness);
        assert!(
            top.is_some_and(|top| (0.0..200.0).contains(&top)),
            "side panel shown: {shown}, heading at {top:?}"
        );
    }
}

#[test]
fn annotations_made_on_the_command_line_show_in_the_reader() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    copy_sample(root, &["mi5/000_dd9ed34a99eb1f64.txt", "metadata.csv"]);
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(["annotate"])
        .arg(root)
        .args([
            "mi5/000_dd9ed34a99eb1f64.txt",
            "--quote",
            "Over 750 Russian diplomats have been expelled",
            "--tag",
            "russia",
            "--note",
            "Expulsions as disruption",
        ])
        .output()
        .expect("run lectern");
    assert!(status.status.success(), "{status:?}");

    let mut harness = harness(root);
    harness
        .get_by_label("Director General Ken McCallum gives latest threat update")
        .click();
    harness.run();
    harness.get_by_label("Annotations (1)");
    harness.get_by_label("#russia");
    harness.get_by_label("Expulsions as disruption");
    // The library counts it.
    harness.get_by_label("1");
    // Clicking the quote brings its paragraph into view.
    // Blocks far out of view are not laid out at all.
    let paragraph_top = |harness: &Harness<'_, LecternApp>| {
        harness
            .query_by_label_contains(
                "Over 750 Russian diplomats have been expelled from Europe since",
            )
            .map(|n| n.rect().top())
    };
    assert!(paragraph_top(&harness).is_none_or(|top| top > 820.0));
    harness
        .get_by_label("“Over 750 Russian diplomats have been expelled”")
        .click();
    harness.run();
    let top = paragraph_top(&harness).expect("laid out once in view");
    assert!(
        (0.0..200.0).contains(&top),
        "the passage is brought to the top: {top}"
    );
}

#[test]
fn the_keyboard_moves_through_speeches_and_opens_the_lists() {
    let mut harness = harness(&sample());
    let open = |harness: &Harness<'_, LecternApp>| {
        harness
            .state()
            .selected()
            .map(|(path, _)| path.clone())
            .unwrap_or_default()
    };
    // J opens the first speech in the library's order (by date), then the next.
    harness.key_press(egui::Key::J);
    harness.run();
    assert_eq!(open(&harness), "sotu/1790-Washington-1.txt");
    harness.key_press(egui::Key::J);
    harness.run();
    assert_eq!(open(&harness), "sotu/1801-Jefferson-1.txt");
    harness.key_press(egui::Key::K);
    harness.run();
    assert_eq!(open(&harness), "sotu/1790-Washington-1.txt");

    // Ctrl+F puts the cursor in the filter; letters then type instead of moving.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    harness
        .query_all_by_role(egui::accesskit::Role::TextInput)
        .nth(1)
        .expect("the library filter")
        .type_text("jk");
    harness.run();
    assert_eq!(open(&harness), "sotu/1790-Washington-1.txt");
    harness.get_by_label("0 of 26 speeches");

    // The seed's import notes are listed; files that are not speeches in their own section.
    harness.get_by_label("2 import notes").click();
    harness.run();
    harness.get_by_label("Import report");
    assert_eq!(harness.query_all_by_label("Import note").count(), 2);
    harness
        .get_by_label("Files that are not speeches (3)")
        .click();
    harness.run();
    assert_eq!(harness.query_all_by_label("Skipped").count(), 3);

    harness.key_press(egui::Key::F1);
    harness.run();
    harness.get_by_label("Keyboard shortcuts");
    harness.get_by_label("Next / previous search hit in the speech, else annotation");
}
