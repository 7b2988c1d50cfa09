//! Re-anchoring on a real speech: passages spread over the 1946 address are found again
//! after common edits, and a wrong place is never reported as exact.

use lectern_core::annotation::anchor::{reanchor, target};
use lectern_core::annotation::{AnchorStatus, Target};
use lectern_core::{CharSpan, Document, ImportOptions, import};

const SPEECH: &str = include_str!("../../../../sample_archive/sotu/1946-Truman-1.txt");

fn load(text: &str) -> Document {
    import(
        text.as_bytes(),
        &ImportOptions {
            path: "1946-Truman-1.txt",
            ..ImportOptions::default()
        },
    )
    .expect("imports")
}

/// `count` targets of 5 to 40 words, spread evenly over the speech.
fn targets(doc: &Document, count: usize) -> Vec<Target> {
    let words: Vec<(usize, usize)> = doc
        .text
        .split_whitespace()
        .map(|w| {
            let start = w.as_ptr() as usize - doc.text.as_ptr() as usize;
            (start, start + w.len())
        })
        .collect();
    (0..count)
        .map(|i| {
            let first = i * (words.len() - 50) / count;
            let last = first + 5 + (i * 7) % 35;
            target(
                doc,
                CharSpan::new(
                    doc.char_offset(words[first].0),
                    doc.char_offset(words[last].1),
                ),
            )
        })
        .collect()
}

/// Re-anchors every target in `changed` and checks each found span holds the quote.
fn anchor_all(targets: &[Target], changed: &str) -> Vec<AnchorStatus> {
    let doc = load(changed);
    targets
        .iter()
        .map(|t| {
            let anchored = reanchor(&doc, t);
            if matches!(
                anchored.status,
                AnchorStatus::Exact | AnchorStatus::Relocated
            ) {
                assert_eq!(
                    doc.slice(anchored.span),
                    t.quote.exact,
                    "{:?} at the wrong place",
                    anchored.status
                );
            }
            anchored.status
        })
        .collect()
}

#[test]
fn an_inserted_paragraph_moves_every_passage_after_it() {
    let old = load(SPEECH);
    let targets = targets(&old, 500);
    let changed = SPEECH.replacen(
        "\n\n",
        "\n\nA paragraph inserted near the top of the address.\n\n",
        1,
    );
    let statuses = anchor_all(&targets, &changed);
    let relocated = statuses
        .iter()
        .filter(|s| **s == AnchorStatus::Relocated)
        .count();
    let exact = statuses
        .iter()
        .filter(|s| **s == AnchorStatus::Exact)
        .count();
    assert_eq!(exact + relocated, 500, "{statuses:?}");
    assert!(
        relocated > 490,
        "passages after the insertion moved: {relocated}"
    );
}

#[test]
fn unchanged_text_keeps_every_passage_exact() {
    let old = load(SPEECH);
    let targets = targets(&old, 200);
    assert!(
        anchor_all(&targets, SPEECH)
            .iter()
            .all(|s| *s == AnchorStatus::Exact)
    );
}

#[test]
fn a_deleted_paragraph_orphans_only_its_own_passages() {
    let old = load(SPEECH);
    let targets = targets(&old, 300);
    // Delete the tenth paragraph.
    let paragraphs: Vec<&str> = SPEECH.split("\n\n").collect();
    let removed = paragraphs[10];
    let changed = paragraphs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 10)
        .map(|(_, p)| *p)
        .collect::<Vec<_>>()
        .join("\n\n");
    let statuses = anchor_all(&targets, &changed);
    for (t, status) in targets.iter().zip(&statuses) {
        let was_inside =
            removed.contains(t.quote.exact.as_str()) && !changed.contains(t.quote.exact.as_str());
        if was_inside {
            assert_eq!(*status, AnchorStatus::Orphaned, "{:?}", t.quote.exact);
        } else {
            assert_ne!(*status, AnchorStatus::Orphaned, "{:?}", t.quote.exact);
        }
    }
}
