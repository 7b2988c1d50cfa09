//! Search timings on a warm index: words, prefixes and phrases answered from the index file,
//! and opening the index (the scan and checks every `lectern search` process pays). Run with
//! `cargo bench -p lectern_store --bench search`.
//!
//! The corpus is `$LECTERN_BENCH_CORPUS`, else the 10,000-speech corpus that
//! `scripts/bench-corpus.sh` writes to `${TMPDIR:-/tmp}/lectern-bench-corpus`, else (with a
//! note) the repository's sample archive. The index is built once, before timing, in the
//! build's scratch folder. `scripts/bench-search.sh` times whole processes beside ripgrep.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use divan::Bencher;
use lectern_core::search::Query;
use lectern_store::SearchIndex;

fn main() {
    divan::main();
}

fn corpus() -> PathBuf {
    if let Some(dir) = std::env::var_os("LECTERN_BENCH_CORPUS") {
        return PathBuf::from(dir);
    }
    let generated = std::env::temp_dir().join("lectern-bench-corpus");
    if generated.join("copy-40").is_dir() {
        return generated;
    }
    eprintln!(
        "note: no benchmark corpus at {}; timing the sample archive (run scripts/bench-corpus.sh)",
        generated.display()
    );
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_archive")
}

fn cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-bench-cache")
}

static INDEX: LazyLock<(PathBuf, SearchIndex)> = LazyLock::new(|| {
    let root = corpus();
    let (index, _) = SearchIndex::open(&root, &cache()).expect("the index builds");
    (root, index)
});

fn bench_query(bencher: Bencher<'_, '_>, query: &str) {
    let index = &INDEX.1;
    let query = Query::parse(query).expect("a valid query");
    let expr = query.expr.expect("words to search for");
    bencher.bench(|| {
        index
            .search(divan::black_box(&expr))
            .expect("answers")
            .len()
    });
}

#[divan::bench(args = ["\"national security\"", "\"state of the union\"", "\"the people\""])]
fn phrase(bencher: Bencher<'_, '_>, query: &str) {
    bench_query(bencher, query);
}

#[divan::bench(args = ["war", "terror*", "iran OR iraq", "security NOT national"])]
fn words(bencher: Bencher<'_, '_>, query: &str) {
    bench_query(bencher, query);
}

/// Opening the warm index: scanning the folder, checking every file's size and time against
/// the manifest, reading the segments' catalogues and dictionaries.
#[divan::bench(sample_count = 20)]
fn open_warm(bencher: Bencher<'_, '_>) {
    let root = &INDEX.0;
    bencher.bench(|| SearchIndex::open(root, &cache()).expect("opens").0.len());
}
