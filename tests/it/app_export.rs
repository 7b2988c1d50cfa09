//! Archive → Export notes… in the window: a format, a filter and a destination, written on
//! a background thread.

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable as _;

use super::app::{copy_sample, harness};

#[test]
fn notes_are_exported_from_the_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("archive");
    copy_sample(
        &root,
        &[
            "markdown/gettysburg-address.md",
            "mi5/000_dd9ed34a99eb1f64.txt",
        ],
    );
    for (file, quote, tag) in [
        (
            "markdown/gettysburg-address.md",
            "a new birth of freedom",
            "freedom",
        ),
        (
            "mi5/000_dd9ed34a99eb1f64.txt",
            "43 late-stage attack plots",
            "terrorism",
        ),
    ] {
        let added = std::process::Command::new(env!("CARGO_BIN_EXE_lectern"))
            .arg("annotate")
            .arg(&root)
            .args([file, "--quote", quote, "--tag", tag])
            .output()
            .expect("run lectern");
        assert!(added.status.success());
    }
    let mut harness = harness(&root);
    harness.get_by_label("Archive").click();
    harness.run();
    harness.get_by_label("Export notes…").click();
    harness.run();
    harness.get_by_label("CSV, one row per annotation").click();
    harness.run();
    let out = dir.path().join("exports").join("annotations.csv");
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "File")
        .click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.event(egui::Event::Text(out.display().to_string()));
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Export")
        .click();
    let started = Instant::now();
    while harness
        .query_by_label_contains("Exported 2 annotations")
        .is_none()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the export did not finish"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let csv = std::fs::read_to_string(&out).expect("written");
    assert_eq!(csv.lines().count(), 3, "a header and two rows:\n{csv}");
    assert!(csv.contains("a new birth of freedom") && csv.contains("43 late-stage attack plots"));
}
