//! The timeline panel driven headless: zoom and pan change the visible range, clicking a
//! mark opens that speech, brushing filters the library, and a chosen tag's passages are
//! counted.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use lectern::app::LecternApp;

use super::app::{copy_sample, harness};

/// The timeline's accessible summary: "Timeline from A to B: …".
fn summary(harness: &Harness<'_, LecternApp>) -> String {
    harness
        .get_by_role(egui::accesskit::Role::Image)
        .accesskit_node()
        .label()
        .unwrap_or_default()
}

fn range(harness: &Harness<'_, LecternApp>) -> (f64, f64) {
    let text = summary(harness);
    let rest = text.strip_prefix("Timeline from ").expect("summary");
    let (from, rest) = rest.split_once(" to ").expect("to");
    let (to, _) = rest.split_once(':').expect("colon");
    (from.parse().expect("from"), to.parse().expect("to"))
}

#[test]
fn the_timeline_zooms_opens_speeches_filters_and_counts_passages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    copy_sample(
        root,
        &[
            "markdown/gettysburg-address.md",
            "sotu/1790-Washington-1.txt",
            "sotu/1946-Truman-1.txt",
            "sotu/2024-Biden-1.txt",
            "metadata.csv",
        ],
    );
    let annotated = std::process::Command::new(env!("CARGO_BIN_EXE_lectern"))
        .arg("annotate")
        .arg(root)
        .args([
            "markdown/gettysburg-address.md",
            "--quote",
            "a new birth of freedom",
            "--tag",
            "freedom",
        ])
        .output()
        .expect("run lectern");
    assert!(annotated.status.success());

    let mut harness = harness(root);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::L);
    harness.run();
    let (from, to) = range(&harness);
    assert_eq!((from, to), (1790.0, 2025.0), "the whole archive at first");
    assert!(summary(&harness).contains("4 marks in 4 lanes"));

    // The wheel over the plot zooms in around the pointer.
    let plot = harness.get_by_role(egui::accesskit::Role::Image).rect();
    let centre = egui::pos2(
        ((plot.left() + 160.0 + plot.right() - 10.0) / 2.0) as f32,
        (plot.top() + 10.0) as f32,
    );
    harness.hover_at(centre);
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, 120.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    harness.run();
    let (zoomed_from, zoomed_to) = range(&harness);
    assert!(
        zoomed_to - zoomed_from < (to - from) * 0.8,
        "zoomed in: {zoomed_from}..{zoomed_to}"
    );
    // Dragging pans: the same span, earlier years.
    harness.drag_at(centre);
    harness.run();
    for step in 1..=5_u8 {
        harness.hover_at(centre + egui::vec2(20.0 * f32::from(step), 0.0));
        harness.run();
    }
    harness.drop_at(centre + egui::vec2(100.0, 0.0));
    harness.run();
    let (panned_from, panned_to) = range(&harness);
    assert!(
        panned_from < zoomed_from - 1.0,
        "panned: {panned_from}..{panned_to}"
    );
    assert!(((panned_to - panned_from) - (zoomed_to - zoomed_from)).abs() < 0.2);
    harness.get_by_label("Whole archive").click();
    harness.run();
    assert_eq!(range(&harness), (from, to));

    // Washington's mark: the first lane, at 8 January 1790, the left end of the axis.
    let plot = harness.get_by_role(egui::accesskit::Role::Image).rect();
    let x = plot.left() as f32 + 160.0 + 1.0;
    harness.get_by_role(egui::accesskit::Role::Image).hover();
    harness.hover_at(egui::pos2(x, plot.top() as f32 + 9.0));
    harness.run();
    harness.drag_at(egui::pos2(x, plot.top() as f32 + 9.0));
    harness.drop_at(egui::pos2(x, plot.top() as f32 + 9.0));
    harness.run();
    let open = harness.state().selected().map(|(p, _)| p.clone());
    assert_eq!(open.as_deref(), Some("sotu/1790-Washington-1.txt"));

    // Shift+drag over the first half brushes a range: the library keeps what lies in it.
    let width = (plot.right() - 10.0 - (plot.left() + 160.0)) as f32;
    let left = plot.left() as f32 + 160.0;
    let y = plot.top() as f32 + 30.0;
    harness.event_modifiers(
        egui::Event::PointerMoved(egui::pos2(left + 2.0, y)),
        egui::Modifiers::SHIFT,
    );
    harness.event_modifiers(
        egui::Event::PointerButton {
            pos: egui::pos2(left + 2.0, y),
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: egui::Modifiers::SHIFT,
        },
        egui::Modifiers::SHIFT,
    );
    for step in 1..=10_u8 {
        let px = left + 2.0 + width * 0.5 * f32::from(step) / 10.0;
        harness.event_modifiers(
            egui::Event::PointerMoved(egui::pos2(px, y)),
            egui::Modifiers::SHIFT,
        );
    }
    harness.event_modifiers(
        egui::Event::PointerButton {
            pos: egui::pos2(left + 2.0 + width * 0.5, y),
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: egui::Modifiers::SHIFT,
        },
        egui::Modifiers::SHIFT,
    );
    harness.run();
    // 1790 to about 1907: Washington and Lincoln, not Truman or Biden.
    harness.get_by_label("2 of 4 speeches");

    // Choosing a tag charts its passages.
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Passages of")
        .click();
    harness.run();
    harness.get_by_label("#freedom").click();
    harness.run();
    assert!(
        summary(&harness).contains("#freedom: 1 passages"),
        "{}",
        summary(&harness)
    );
    harness.key_press(egui::Key::Escape);
    harness.run();

    // Export: without a save dialog on the system, a path is typed instead.
    harness.get_by_label("Export SVG…").click();
    let started = std::time::Instant::now();
    while harness.query_by_label("Save the picture as").is_none() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no path box"
        );
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = dir.path().join("exports").join("timeline.svg");
    let path_box =
        harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Save the picture as");
    path_box.click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.event(egui::Event::Text(out.display().to_string()));
    harness.run();
    harness.get_by_label("Save").click();
    // The status line tells the save is done; the file showing up may come a moment before
    // the message reaches the window.
    let started = std::time::Instant::now();
    while harness.query_by_label_contains("Saved ").is_none() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "not saved"
        );
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let svg = std::fs::read_to_string(&out).expect("saved");
    assert!(svg.starts_with("<svg") && svg.contains("#freedom (1)"));
}
