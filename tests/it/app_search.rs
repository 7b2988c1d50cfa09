//! The search panel driven headless: a phrase found across the archive, a hit opened in the
//! reader and stepped through with the keyboard, and every hit tagged in one undoable step.

use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use lectern::app::LecternApp;

use crate::app::{copy_sample, harness};

/// Steps until the search has answered.
fn answered(harness: &mut Harness<'_, LecternApp>) -> (usize, usize) {
    let started = Instant::now();
    loop {
        harness.step();
        if let Some(counts) = harness.state().search_counts() {
            harness.run();
            return counts;
        }
        assert!(
            started.elapsed() < Duration::from_mins(1),
            "the search did not answer"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The app open on a copy of `files` from the sample archive, and the folder holding it.
fn open_copy(files: &[&str]) -> (tempfile::TempDir, Harness<'static, LecternApp>) {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_sample(dir.path(), files);
    let harness = harness(dir.path());
    (dir, harness)
}

fn press(harness: &mut Harness<'_, LecternApp>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run();
}

#[test]
fn a_phrase_is_found_opened_stepped_through_and_tagged() {
    let (_dir, mut harness) = open_copy(&[
        "mi5/000_dd9ed34a99eb1f64.txt",
        "sotu/1946-Truman-1.txt",
        "sotu/2000-Clinton-1.txt",
        "sotu/1790-Washington-1.txt",
        "metadata.csv",
    ]);
    harness.state_mut().search_for("\"national security\"");
    let (hits, speeches) = answered(&mut harness);
    // Truman once, Clinton twice, McCallum's speech four times; Washington never.
    assert_eq!((hits, speeches), (7, 3));
    harness.get_by_label("7 hits in 3 speeches");

    // Clinton's speech, opened from its title, shows its two hits; F3 steps between them.
    harness.get_by_label("2000-Clinton-1").click();
    harness.run();
    let (path, doc) = harness
        .state()
        .selected()
        .expect("a speech is open")
        .clone();
    assert_eq!(path, "sotu/2000-Clinton-1.txt");
    let (spans, current) = harness.state().reader_hits();
    assert_eq!(spans.len(), 2);
    assert_eq!(current, Some(0), "the first hit is current");
    for span in spans {
        assert_eq!(doc.slice(*span).to_lowercase(), "national security");
    }
    harness.get_by_label("In the open speech: hit 1 of 2 (N / P, F3)");
    press(&mut harness, Modifiers::NONE, Key::F3);
    assert_eq!(harness.state().reader_hits().1, Some(1));
    harness.get_by_label("In the open speech: hit 2 of 2 (N / P, F3)");
    press(&mut harness, Modifiers::NONE, Key::N);
    assert_eq!(
        harness.state().reader_hits().1,
        Some(0),
        "N wraps to the first"
    );
    press(&mut harness, Modifiers::SHIFT, Key::F3);
    assert_eq!(harness.state().reader_hits().1, Some(1));

    // Tag every hit's sentence #security, then undo it all at once.
    let tag_box = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Tag");
    tag_box.click();
    tag_box.type_text("security");
    harness.run();
    harness.get_by_label("all 7 hits").click();
    harness.run();
    let archive = harness.state().archive().expect("loaded");
    let coded: usize = archive
        .notes
        .notebook
        .speeches
        .values()
        .flat_map(|n| &n.annotations)
        .filter(|a| a.tags.iter().any(|t| t.0 == "security"))
        .count();
    assert_eq!(coded, 7);
    let clinton = archive.notes_of("sotu/2000-Clinton-1.txt").expect("notes");
    for a in &clinton.annotations {
        assert_eq!(a.target.quote.exact.to_lowercase(), "national security");
    }
    harness.get_by_label_contains("Tagged 7 passages #security");
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    let archive = harness.state().archive().expect("loaded");
    assert!(
        archive
            .notes
            .notebook
            .speeches
            .values()
            .all(|n| n.annotations.is_empty()),
        "one undo takes every new annotation away"
    );
}

#[test]
fn filters_and_errors_in_the_query() {
    let (_dir, mut harness) = open_copy(&[
        "sotu/1946-Truman-1.txt",
        "sotu/2000-Clinton-1.txt",
        "sotu/2002-Bush-1.txt",
        "metadata.csv",
    ]);
    harness
        .state_mut()
        .search_for("security from:2000 speaker:clinton");
    let (_, speeches) = answered(&mut harness);
    assert_eq!(speeches, 1, "only Clinton's address passes both filters");
    harness
        .state_mut()
        .search_for("/weapons? of mass destruction/");
    let (hits, speeches) = answered(&mut harness);
    assert_eq!(speeches, 1);
    assert!(
        hits >= 2,
        "{hits} hits of the expression in Bush's 2002 address"
    );
    // A range brushed on the timeline can hold the search to it.
    harness.state_mut().search_for("security");
    let (_, all) = answered(&mut harness);
    assert_eq!(all, 3);
    harness.state_mut().set_date_range("1940", "2000-12");
    harness.run();
    harness.get_by_label("Only 1940–2000-12").click();
    harness.run();
    let (_, within) = answered(&mut harness);
    assert_eq!(within, 2, "Bush's 2002 address lies outside the range");
    harness.state_mut().search_for("\"unclosed");
    harness.run();
    harness.get_by_label_contains("the phrase has no closing quote");
}

#[test]
fn match_case_keeps_only_the_words_as_typed() {
    let (_dir, mut harness) = open_copy(&[
        "mi5/000_dd9ed34a99eb1f64.txt",
        "sotu/1946-Truman-1.txt",
        "sotu/2000-Clinton-1.txt",
        "metadata.csv",
    ]);
    harness.state_mut().search_for("US");
    let (hits, speeches) = answered(&mut harness);
    assert_eq!(speeches, 3, "\"us\" is in every speech");
    assert!(hits > 1);
    // Ticked, the box keeps the one "US" (McCallum's "in the US") and drops every "us".
    harness.get_by_label("Match case").click();
    harness.run();
    assert_eq!(answered(&mut harness), (1, 1));
    harness.get_by_label("1 hit in 1 speech");
    harness
        .get_by_label("Director General Ken McCallum gives latest threat update")
        .click();
    harness.run();
    let (_, doc) = harness
        .state()
        .selected()
        .expect("a speech is open")
        .clone();
    let (spans, _) = harness.state().reader_hits();
    assert_eq!(spans.len(), 1);
    assert_eq!(doc.slice(spans[0]), "US");
    // Unticked, every "us" is back.
    harness.get_by_label("Match case").click();
    harness.run();
    assert_eq!(answered(&mut harness), (hits, speeches));
}

#[test]
fn a_search_too_wide_to_tag_is_refused_and_a_narrower_one_is_tagged() {
    let (_dir, mut harness) = open_copy(&[
        "sotu/1946-Truman-1.txt",
        "sotu/1901-Roosevelt-1.txt",
        "sotu/1862-Lincoln-1.txt",
        "sotu/2000-Clinton-1.txt",
        "sotu/1918-Wilson-1.txt",
        "metadata.csv",
    ]);
    harness.state_mut().search_for("the OR of OR and OR to");
    let (hits, _) = answered(&mut harness);
    assert!(hits > 10_000, "{hits} hits");
    let tag_box = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Tag");
    tag_box.click();
    tag_box.type_text("everything");
    harness.run();
    // The button names every hit ("all 13,573 hits"), with the count grouped by thousands.
    let all = harness
        .query_all_by_label_contains(" hits")
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with("all ") && l.contains(','))
        })
        .expect("the button that tags every hit");
    assert!(
        all.accesskit_node().is_disabled(),
        "tagging every hit is refused"
    );

    // Narrowed to one common word, its three thousand or so hits are tagged in one step,
    // and the message counts them as the button does.
    harness.state_mut().search_for("of");
    let (hits, _) = answered(&mut harness);
    assert!((1_000..10_000).contains(&hits), "{hits} hits");
    let grouped = format!("{},{:03}", hits / 1000, hits % 1000);
    harness.get_by_label(&format!("all {grouped} hits")).click();
    harness.run();
    harness.get_by_label_contains(&format!("Tagged {grouped} passages #everything"));
}

#[test]
fn hits_close_together_in_a_paragraph_share_one_row() {
    let (_dir, mut harness) = open_copy(&["sotu/1790-Washington-1.txt", "metadata.csv"]);
    harness.state_mut().search_for("the OR of OR and");
    answered(&mut harness);
    // "Fellow-Citizens of the Senate and House of Representatives:" is one row of four hits,
    // each marked, rather than four rows repeating the line.
    let row = harness.get_by_label("Choose these 4 hits for tagging");
    row.click();
    harness.run();
    harness.get_by_label("4 chosen");
    let rows = harness.query_all_by_label_contains("for tagging").count();
    assert_eq!(
        rows, 3,
        "three rows before \"more\", however many hits they hold"
    );
    let hits = harness.state().search_counts().expect("answered").0;
    let shown: usize = harness
        .query_all_by_label_contains("for tagging")
        .map(|n| {
            let label = n.accesskit_node().label().unwrap_or_default();
            label
                .split_whitespace()
                .find_map(|w| w.parse::<usize>().ok())
                .unwrap_or(1)
        })
        .sum();
    harness.get_by_label(&format!("{} more in this speech", hits - shown));
}
