//! Re-anchoring cost: 500 annotations spread over a long State of the Union address, found
//! again after a paragraph was inserted near the top (so none is at its old position).

use lectern_core::annotation::Target;
use lectern_core::annotation::anchor::{reanchor, target};
use lectern_core::{CharSpan, Document, ImportOptions, import};

fn main() {
    divan::main();
}

const SPEECH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../sample_archive/sotu/1946-Truman-1.txt"
);

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

/// 500 targets of 5 to 40 words, spread evenly over the speech.
fn targets(doc: &Document) -> Vec<Target> {
    let words: Vec<(usize, usize)> = doc
        .text
        .split_whitespace()
        .map(|w| {
            let start = w.as_ptr() as usize - doc.text.as_ptr() as usize;
            (start, start + w.len())
        })
        .collect();
    (0..500)
        .map(|i| {
            let first = i * (words.len() - 50) / 500;
            let last = first + 5 + (i * 7) % 35;
            let span = CharSpan::new(
                doc.char_offset(words[first].0),
                doc.char_offset(words[last].1),
            );
            target(doc, span)
        })
        .collect()
}

#[divan::bench]
fn reanchor_500_after_an_insertion(bencher: divan::Bencher) {
    let text = std::fs::read_to_string(SPEECH).expect("sample speech");
    let old = load(&text);
    let targets = targets(&old);
    let changed = text.replacen(
        "\n\n",
        "\n\nA paragraph inserted near the top of the address.\n\n",
        1,
    );
    bencher
        .with_inputs(|| load(&changed))
        .bench_local_refs(|doc| {
            targets
                .iter()
                .map(|t| reanchor(doc, t).span.start)
                .sum::<usize>()
        });
}
