//! Annotating from the command line: saved durably, found again after the source changes,
//! never lost when several processes annotate at once.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SEED: &str = "mi5/000_dd9ed34a99eb1f64.txt";

fn lectern(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(args)
        .output()
        .expect("run lectern")
}

/// A fresh archive holding the seed and one State of the Union address with its catalogue.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_archive");
    for file in [SEED, "sotu/1790-Washington-1.txt", "metadata.csv"] {
        let to = root.join(file);
        fs::create_dir_all(to.parent().expect("parent")).expect("folders");
        fs::copy(sample.join(file), to).expect("copy");
    }
    (dir, root)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn annotate_saves_and_check_sees_it() {
    let (_dir, root) = archive();
    let root_arg = root.to_str().expect("utf-8");
    let output = lectern(&[
        "annotate",
        root_arg,
        SEED,
        "--quote",
        "43 late-stage attack plots",
        "--tag",
        "terrorism",
        "--note",
        "Key figure",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let id = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert_eq!(id.len(), 26, "prints the new id: {id:?}");
    let sidecar =
        fs::read_to_string(root.join(format!("{SEED}.notes.ron"))).expect("sidecar written");
    assert!(
        sidecar.contains(&id) && sidecar.contains("quote: \"43 late-stage attack plots\""),
        "{sidecar}"
    );
    let archive_file = fs::read_to_string(root.join("lectern.ron")).expect("vocabulary written");
    assert!(archive_file.contains("\"terrorism\""), "{archive_file}");

    // The page is re-scraped with a new paragraph before the passage: the annotation moves.
    let source = root.join(SEED);
    let text = fs::read_to_string(&source).expect("read");
    let changed = text.replacen(
        "### Introduction",
        "### Introduction\n\nA paragraph the site added later.",
        1,
    );
    fs::write(&source, changed).expect("write");
    let output = lectern(&["check", "--json", root_arg]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let entry = report["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["path"] == SEED)
        .expect("listed");
    assert_eq!(entry["sidecar"], "ok");
    assert_eq!(entry["annotations"]["relocated"], 1, "{entry}");
}

#[test]
fn ambiguous_or_missing_quotes_are_refused() {
    let (_dir, root) = archive();
    let root_arg = root.to_str().expect("utf-8");
    let output = lectern(&["annotate", root_arg, SEED, "--quote", "terrorism"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the quote occurs 10 times; choose one with --occurrence 1..10"),
        "{}",
        stderr(&output)
    );
    let output = lectern(&[
        "annotate",
        root_arg,
        SEED,
        "--quote",
        "terrorism",
        "--occurrence",
        "3",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = lectern(&[
        "annotate",
        root_arg,
        SEED,
        "--quote",
        "words that are not there",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("does not occur"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_corrupt_sidecar_fails_check_and_is_left_alone() {
    let (_dir, root) = archive();
    let root_arg = root.to_str().expect("utf-8");
    let sidecar = root.join("sotu/1790-Washington-1.txt.notes.ron");
    let broken = "(version: 1, annotations: [ (id: \"A\", start: 1,, ) ])\n";
    fs::write(&sidecar, broken).expect("write");
    let output = lectern(&["check", root_arg]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("unreadable sidecar (line 1, column"),
        "{stdout}"
    );
    let output = lectern(&[
        "annotate",
        root_arg,
        "sotu/1790-Washington-1.txt",
        "--quote",
        "Fellow-Citizens",
    ]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "annotating over a corrupt sidecar is refused"
    );
    assert_eq!(
        fs::read_to_string(&sidecar).expect("read"),
        broken,
        "untouched"
    );
}

#[test]
fn tags_rename_reaches_every_annotation() {
    let (_dir, root) = archive();
    let root_arg = root.to_str().expect("utf-8");
    for quote in ["43 late-stage attack plots", "Counter Terrorism Policing"] {
        let output = lectern(&[
            "annotate",
            root_arg,
            SEED,
            "--quote",
            quote,
            "--tag",
            "terrorism",
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let output = lectern(&["tags", root_arg, "rename", "terrorism", "counter-terrorism"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "2 annotations updated"
    );
    let listing = lectern(&["tags", root_arg]);
    assert_eq!(
        String::from_utf8_lossy(&listing.stdout).trim(),
        "counter-terrorism  2  #f2c14e"
    );
    let sidecar = fs::read_to_string(root.join(format!("{SEED}.notes.ron"))).expect("read");
    assert!(!sidecar.contains("\"terrorism\""), "{sidecar}");
}

#[test]
fn concurrent_annotations_are_all_kept() {
    let (_dir, root) = archive();
    let root_arg = root.to_str().expect("utf-8").to_owned();
    let quotes = [
        "43 late-stage attack plots",
        "Counter Terrorism Policing",
        "Five Eyes nations",
        "Islamic State",
        "National Security Act",
        "Mahsa Amini",
        "Trusted Research",
        "human sources",
    ];
    let children: Vec<_> = quotes
        .iter()
        .map(|quote| {
            Command::new(env!("CARGO_BIN_EXE_lectern"))
                .args([
                    "annotate",
                    &root_arg,
                    SEED,
                    "--quote",
                    quote,
                    "--occurrence",
                    "1",
                ])
                .output()
        })
        .collect();
    let mut ids = Vec::new();
    for child in children {
        let output = child.expect("ran");
        assert!(output.status.success(), "{}", stderr(&output));
        ids.push(String::from_utf8_lossy(&output.stdout).trim().to_owned());
    }
    let sidecar = fs::read_to_string(root.join(format!("{SEED}.notes.ron"))).expect("read");
    for id in ids {
        assert!(sidecar.contains(&id), "annotation {id} was lost");
    }
}

#[test]
fn notes_can_live_in_a_mirror_folder() {
    let (_dir, root) = archive();
    let mirror = tempfile::tempdir().expect("mirror");
    let (root_arg, mirror_arg) = (
        root.to_str().expect("utf-8"),
        mirror.path().to_str().expect("utf-8"),
    );
    let output = lectern(&[
        "annotate",
        root_arg,
        SEED,
        "--quote",
        "Five Eyes nations",
        "--tag",
        "partners",
        "--sidecars",
        mirror_arg,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        !root.join(format!("{SEED}.notes.ron")).exists(),
        "nothing written next to the source"
    );
    assert!(
        mirror.path().join(format!("{SEED}.notes.ron")).exists(),
        "the sidecar is in the mirror"
    );
    assert!(mirror.path().join("lectern.ron").exists());
    let output = lectern(&["check", "--json", root_arg, "--sidecars", mirror_arg]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let entry = report["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["path"] == SEED)
        .expect("listed");
    assert_eq!(entry["annotations"]["exact"], 1, "{entry}");
    let listing = lectern(&["tags", root_arg, "--sidecars", mirror_arg]);
    assert_eq!(
        String::from_utf8_lossy(&listing.stdout).trim(),
        "partners  1  #f2c14e"
    );
}

#[test]
fn speeches_outside_the_archive_and_overlapping_quotes_are_refused() {
    let (_dir, root) = archive();
    let root_arg = root.to_str().expect("utf-8");
    let output = lectern(&["annotate", root_arg, "../elsewhere.txt", "--quote", "x"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("inside the archive folder"),
        "{}",
        stderr(&output)
    );
    // A unique sentence is accepted; white space in a quote is folded like the text's.
    let output = lectern(&[
        "annotate",
        root_arg,
        SEED,
        "--quote",
        "Kick them out, keep them out.",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = lectern(&[
        "annotate",
        root_arg,
        SEED,
        "--quote",
        "Speaking   from\nCTOC",
    ]);
    assert!(
        output.status.success(),
        "white space in the quote is folded: {}",
        stderr(&output)
    );
}

#[test]
fn notes_whose_speech_is_gone_are_reported() {
    let (_dir, root) = archive();
    let root_arg = root.to_str().expect("utf-8");
    let output = lectern(&[
        "annotate",
        root_arg,
        "sotu/1790-Washington-1.txt",
        "--quote",
        "Fellow-Citizens",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    fs::remove_file(root.join("sotu/1790-Washington-1.txt")).expect("remove the speech");
    let output = lectern(&["check", "--json", root_arg]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let entry = report["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["path"] == "sotu/1790-Washington-1.txt.notes.ron")
        .expect("the notes are listed");
    assert!(
        entry["reason"]
            .as_str()
            .expect("reason")
            .contains("(1 annotation)"),
        "{entry}"
    );
}

#[test]
fn a_decomposed_quote_matches_and_crash_leftovers_are_cleared() {
    let (_dir, root) = archive();
    let root_arg = root.to_str().expect("utf-8");
    fs::write(
        root.join("paris.txt"),
        "Discours à Paris\n\nLa société française a changé. Nous sommes à un tournant.\n",
    )
    .expect("write");
    let leftover = root.join(".paris.txt.notes.ron.4242-0.lectern-tmp");
    fs::write(&leftover, "half a save").expect("write");
    // "société" with the accent as a combining mark, as macOS file names and some
    // clipboards give it; the text was composed to NFC when it was read.
    let decomposed = "La socie\u{301}te\u{301} franc\u{327}aise";
    let output = lectern(&["annotate", root_arg, "paris.txt", "--quote", decomposed]);
    assert!(output.status.success(), "{}", stderr(&output));
    let sidecar = fs::read_to_string(root.join("paris.txt.notes.ron")).expect("sidecar");
    assert!(
        sidecar.contains("quote: \"La société française\""),
        "{sidecar}"
    );
    assert!(
        !leftover.exists(),
        "the crashed save's temporary file is gone"
    );
}
