//! A process saving annotations in a loop is killed with SIGKILL at random moments; after
//! every kill the sidecar parses and holds the last acknowledged save or the one after it
//! (a save may have reached the disk just before its acknowledgement was written).
//!
//! The saving child is this test binary itself, started again with `LECTERN_SAVE_LOOP` set.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use lectern_core::annotation::sidecar::read_speech;
use lectern_core::annotation::{
    AnchorStatus, Annotation, AnnotationId, SpeechNotes, TagName, Target, TextQuote, Timestamp,
};
use lectern_core::{CharSpan, ContentHash};
use lectern_store::notes::{RealFs, read_sidecar, save_sidecar};

const KILLS: usize = 1000;

/// The notes of save number `n`: the number in the memo, and between 1 and 20 annotations,
/// the last one with a long note, so that files differ in size from save to save.
fn notes_for(n: usize) -> SpeechNotes {
    let count = n % 20 + 1;
    let annotations = (0..count)
        .map(|i| Annotation {
            id: AnnotationId(format!("{i:026}")),
            target: Target {
                span: CharSpan::new(i * 10, i * 10 + 5),
                quote: TextQuote {
                    exact: format!("quote {i}"),
                    prefix: "before ".into(),
                    suffix: " after".into(),
                },
                text_hash: ContentHash(9),
            },
            note: "a note that makes the file long enough to be written in several blocks. "
                .repeat(if i + 1 == n { 40 } else { 1 }),
            tags: vec![TagName::new("t")],
            created: Timestamp::from_millis(1_700_000_000_000),
            modified: Timestamp::from_millis(1_700_000_000_000),
            author: None,
            conflict_with: None,
            status: AnchorStatus::Exact,
        })
        .collect();
    SpeechNotes {
        memo: format!("save {n}"),
        annotations,
        ..SpeechNotes::default()
    }
}

/// The save number a sidecar holds.
fn save_number(notes: &SpeechNotes) -> usize {
    notes
        .memo
        .strip_prefix("save ")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The child: save notes 1, 2, 3, … for ever, writing each number to the log once saved.
#[test]
fn save_loop_child() {
    let Ok(dir) = std::env::var("LECTERN_SAVE_LOOP") else {
        return;
    };
    let dir = Path::new(&dir);
    let sidecar = dir.join("speech.txt.notes.ron");
    let mut log = fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(dir.join("acked.log"))
        .expect("log");
    let mut base = read_sidecar(&sidecar).expect("readable");
    let mut n = save_number(&base.notes);
    // What the child found on disk is durable too: a save whose acknowledgement was lost
    // with the previous child is the base of this one.
    acknowledge(&mut log, n);
    loop {
        n += 1;
        base = save_sidecar(&sidecar, &base, &notes_for(n), &RealFs)
            .expect("saved")
            .base;
        acknowledge(&mut log, n);
    }
}

/// Logs `n` in one write, so that a kill cannot leave half a line.
fn acknowledge(log: &mut fs::File, n: usize) {
    log.write_all(format!("{n}\n").as_bytes()).expect("log");
    log.sync_data().expect("log flushed");
}

#[cfg(unix)]
#[test]
fn killed_saves_leave_a_whole_sidecar() {
    if std::env::var_os("LECTERN_SAVE_LOOP").is_some() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = std::env::current_exe().expect("test binary");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut saved = 0;
    for round in 0..KILLS {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash::save_loop_child",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("LECTERN_SAVE_LOOP", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Wait until the child is in its loop (it logs what it found on disk), then let it
        // save for a deterministic spread of moments up to 25 ms: kills land in every step.
        let log = dir.path().join("acked.log");
        let logged = fs::metadata(&log).map_or(0, |m| m.len());
        for _ in 0..2000 {
            if fs::metadata(&log).map_or(0, |m| m.len()) > logged {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_micros(seed % 25_000));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");

        let acked: usize = fs::read_to_string(dir.path().join("acked.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .max()
            .unwrap_or(0);
        let path = dir.path().join("speech.txt.notes.ron");
        let Ok(text) = fs::read_to_string(&path) else {
            assert_eq!(
                acked, 0,
                "round {round}: the sidecar vanished after save {acked}"
            );
            continue;
        };
        let notes = read_speech(&text)
            .unwrap_or_else(|e| panic!("round {round}: sidecar does not parse: {e}"));
        saved = save_number(&notes);
        assert!(
            saved == acked || saved == acked + 1,
            "round {round}: on disk {saved}, last acknowledged {acked}"
        );
        assert_eq!(
            notes,
            notes_for(saved),
            "round {round}: save {saved} is not whole"
        );
    }
    // The children did save (and were killed at every stage of it), not just start up.
    assert!(saved > KILLS / 10, "only {saved} saves in {KILLS} rounds");
}
