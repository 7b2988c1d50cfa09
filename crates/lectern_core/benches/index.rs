//! Building the search index in memory, one core: the sample archive's State of the Union
//! addresses (about 1.3 MB of text) through `search::index::Builder`, and reading them word
//! by word alone for comparison. Run with `cargo bench -p lectern_core --bench index`.
//!
//! The whole 10,000-speech build, files and all, is timed by `scripts/bench-search.sh`.

use std::path::Path;

use divan::Bencher;
use divan::counter::BytesCount;
use lectern_core::search::fold;
use lectern_core::search::index::{Builder, DocInfo, Part};

fn main() {
    divan::main();
}

fn texts() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_archive/sotu");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("the sample archive")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a UTF-8 sample"))
        .collect()
}

fn bytes(texts: &[String]) -> BytesCount {
    BytesCount::new(texts.iter().map(String::len).sum::<usize>())
}

/// Every speech added to one builder and the segment written to memory.
#[divan::bench(sample_count = 20)]
fn build(bencher: Bencher<'_, '_>) {
    let texts = texts();
    bencher.counter(bytes(&texts)).bench(|| {
        let mut builder = Builder::new();
        for text in &texts {
            builder.add(DocInfo::default(), text);
        }
        let mut out = Vec::new();
        Part::merge(&[builder.finish()], &mut out).expect("writes to memory");
        out.len()
    });
}

/// Only finding and folding the words: the floor under `build`.
#[divan::bench(sample_count = 20)]
fn words_only(bencher: Bencher<'_, '_>) {
    let texts = texts();
    bencher.counter(bytes(&texts)).bench(|| {
        let mut scratch = String::new();
        let mut n = 0usize;
        for text in &texts {
            fold::scan_words(text, &mut scratch, |_, _, _| n += 1);
        }
        n
    });
}
