//! Exporting 100,000 annotations across the 10,000-speech benchmark corpus: ten on each
//! speech, made in memory, then written as CSV, JSON-LD, Markdown notes, the codebook and
//! HTML pages (into memory: the time is the exporter's, not the disk's).
//!
//! `cargo bench --bench export` (after `scripts/bench-corpus.sh`).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use lectern_core::annotation::anchor::target;
use lectern_core::annotation::{
    AnchorStatus, Annotation, AnnotationId, SpeechNotes, TagName, Timestamp, Vocabulary,
};
use lectern_core::export::{self, Filter};
use lectern_core::{CharSpan, Document};

fn corpus() -> PathBuf {
    std::env::var_os("LECTERN_BENCH_CORPUS").map_or_else(
        || std::env::temp_dir().join("lectern-bench-corpus"),
        PathBuf::from,
    )
}

fn annotations(doc: &Document, n: usize, seed: usize) -> SpeechNotes {
    let len = doc.char_len();
    let step = (len / n).max(1);
    let annotations = (0..n)
        .map(|i| {
            let start = (i * step).min(len);
            // About a sentence each, as researchers highlight.
            let span = CharSpan::new(start, (start + (step / 2).min(200)).min(len));
            let time = Timestamp::from_millis(1_700_000_000_000);
            Annotation {
                id: AnnotationId::ulid(time, (seed * n + i) as u128),
                target: target(doc, span),
                note: if i % 3 == 0 {
                    "A passage to compare across the decades.".to_owned()
                } else {
                    String::new()
                },
                tags: vec![TagName::new(&format!("code-{}", (seed + i) % 12))],
                created: time,
                modified: time,
                author: None,
                conflict_with: None,
                status: AnchorStatus::Exact,
            }
        })
        .collect();
    SpeechNotes {
        annotations,
        ..SpeechNotes::default()
    }
}

fn main() {
    let root = corpus();
    if !root.join("copy-01").is_dir() {
        eprintln!(
            "export: no corpus at {} — run scripts/bench-corpus.sh first",
            root.display()
        );
        return;
    }
    let loaded = lectern_store::load_archive(&root, None, &|_| {}, &AtomicBool::new(false));
    let notes: Vec<SpeechNotes> = loaded
        .documents
        .iter()
        .enumerate()
        .map(|(i, (_, doc))| annotations(doc, 10, i))
        .collect();
    let total: usize = notes.iter().map(|n| n.annotations.len()).sum();
    let vocabulary = Vocabulary::default();
    let lineage = |t: &TagName| vocabulary.lineage(t).into_iter().cloned().collect();
    let speeches = || {
        loaded
            .documents
            .iter()
            .zip(&notes)
            .map(|((path, doc), notes)| (path.as_str(), doc, notes))
    };
    let timed = |name: &str, f: &mut dyn FnMut() -> usize| {
        let start = Instant::now();
        let bytes = f();
        println!(
            "export: {name}: {:.2} s, {:.1} MB",
            start.elapsed().as_secs_f64(),
            f64::from(u32::try_from(bytes / 1000).unwrap_or(u32::MAX)) / 1000.0
        );
    };
    println!(
        "export: {total} annotations over {} speeches",
        loaded.documents.len()
    );
    let start = Instant::now();
    let passages = export::passages(speeches(), &Filter::default(), &lineage);
    println!(
        "export: gathering the passages: {:.2} s",
        start.elapsed().as_secs_f64()
    );
    timed("CSV", &mut || export::csv(&passages).len());
    timed("JSON-LD", &mut || {
        serde_json::to_string(&export::jsonld(&passages)).map_or(0, |s| s.len())
    });
    timed("Markdown codebook", &mut || {
        export::markdown_codebook(&passages, &vocabulary, "Codebook").len()
    });
    timed("Markdown notes, one per speech", &mut || {
        let mut bytes = 0;
        let mut at = 0;
        while at < passages.len() {
            let path = passages[at].path;
            let end = at + passages[at..].iter().take_while(|p| p.path == path).count();
            bytes += export::markdown_speech(&passages[at..end], "").len();
            at = end;
        }
        bytes
    });
    timed("HTML pages, one per speech", &mut || {
        speeches()
            .map(|(path, doc, notes)| {
                export::html_speech(path, doc, notes, &|t| vocabulary.colour(t)).len()
            })
            .sum()
    });
}
