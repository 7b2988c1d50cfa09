//! Building the index and finding it again: the first open builds it and the next reuses
//! it, whether opened from the files or synced with loaded speeches; each archive has a
//! folder of its own in the cache, found again whatever the spelling of its path; nothing is
//! written inside the archive; the index of a deleted archive is cleared; and a large archive
//! is built by several threads into segments that answer as one.

use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lectern_core::search::Query;
use lectern_core::search::index::IndexError;
use lectern_store::{Freshness, SearchIndex, index_dir, load_archive};
use serde_json::Value;

use super::{
    Archive, GETTYSBURG, SAMPLE, SPEECHES, assert_built, assert_same_answers, found, paths,
};

#[test]
fn the_first_open_builds_and_the_second_reuses() {
    let archive = Archive::new();
    let before = archive.listing();
    let (first, freshness) = archive.open();
    assert_eq!(assert_built(&freshness), "there was no index yet");
    assert_eq!(first.len(), SPEECHES);
    assert!(first.dir().starts_with(archive.cache.path()));
    assert_eq!(archive.segments().len(), 1);
    assert!(archive.manifest_path().is_file());
    assert_eq!(
        paths(&first, "\"new birth of freedom\""),
        [GETTYSBURG],
        "the phrase is in one speech"
    );
    assert!(found(&first, "\"national security\"").len() >= 2);
    assert!(found(&first, "qqxyzzy").is_empty());
    // A regular expression is not the index's to answer.
    let regex = Query::parse("/free.om/").expect("a regex");
    assert!(matches!(
        first.search(regex.expr.as_ref().expect("an expression")),
        Err(IndexError::NeedsText)
    ));

    let (second, freshness) = archive.open();
    assert_eq!(freshness, Freshness::Reused);
    assert_eq!(archive.segments().len(), 1, "nothing written again");
    assert_same_answers(&first, &second);
    assert!(first.sidecars().is_empty(), "{:?}", first.sidecars());
    assert_eq!(archive.listing(), before, "the archive is untouched");
}

#[test]
fn another_spelling_of_the_archive_path_uses_the_same_index() {
    let archive = Archive::new();
    let (first, _) = archive.open();
    let other = archive.root.join("sotu").join("..");
    assert_eq!(index_dir(archive.cache.path(), &other), archive.index_dir());
    let (second, freshness) =
        SearchIndex::open(&other, archive.cache.path()).expect("the index opens");
    assert_eq!(freshness, Freshness::Reused);
    assert_same_answers(&first, &second);
    // Another archive gets a folder of its own.
    let elsewhere = Archive::new();
    assert_ne!(
        index_dir(archive.cache.path(), &elsewhere.root),
        archive.index_dir()
    );
}

#[test]
fn nothing_is_ever_written_inside_the_archive() {
    let archive = Archive::new();
    let before = archive.listing();
    archive.open();
    archive.open();
    archive.rebuild();
    fs::write(archive.manifest_path(), "garbage").expect("damage");
    archive.open();
    let loaded = load_archive(&archive.root, None, &|_| {}, &AtomicBool::new(false));
    SearchIndex::sync(
        &archive.root,
        archive.cache.path(),
        &loaded.documents,
        SystemTime::now(),
    )
    .expect("sync");
    assert_eq!(archive.listing(), before);
    assert!(!archive.index_dir().starts_with(&archive.root));
}

#[test]
fn sync_builds_then_reuses_and_agrees_with_open() {
    let archive = Archive::new();
    let loaded = load_archive(&archive.root, None, &|_| {}, &AtomicBool::new(false));
    assert_eq!(loaded.documents.len(), SPEECHES);
    let loaded_at = SystemTime::now();
    let (synced, freshness) = SearchIndex::sync(
        &archive.root,
        archive.cache.path(),
        &loaded.documents,
        loaded_at,
    )
    .expect("sync");
    assert_built(&freshness);
    // Each speech is indexed under its path with the hash of the text it was loaded with.
    for (path, doc) in &loaded.documents {
        let r = synced
            .find(path)
            .unwrap_or_else(|| panic!("{path} not indexed"));
        assert_eq!(synced.doc(r).hash, doc.content_hash().0, "{path}");
    }
    let (again, freshness) = SearchIndex::sync(
        &archive.root,
        archive.cache.path(),
        &loaded.documents,
        loaded_at,
    )
    .expect("sync");
    assert_eq!(freshness, Freshness::Reused);
    assert_same_answers(&synced, &again);
    assert_same_answers(&synced, &archive.clean());
    // Opened from the files the same cache answers alike, whatever it had to read again.
    let (opened, _) = archive.open();
    assert_same_answers(&synced, &opened);
}

#[test]
fn the_index_of_a_deleted_archive_is_cleared_from_the_cache() {
    let archive = Archive::new();
    // Two more archives indexed into the same cache folder: one then deleted from a folder
    // that stays, one on a "drive" that goes away with the folder holding it.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let index_of = |folder: &Path| {
        fs::create_dir_all(folder).expect("folder");
        fs::copy(
            Path::new(SAMPLE).join("sotu/1790-Washington-1.txt"),
            folder.join("1790-Washington-1.txt"),
        )
        .expect("copy");
        SearchIndex::open(folder, archive.cache.path()).expect("indexes");
        let index = index_dir(archive.cache.path(), folder);
        assert!(index.join("manifest.json").is_file());
        index
    };
    let deleted = elsewhere.path().join("deleted");
    let deleted_index = index_of(&deleted);
    let drive = elsewhere.path().join("drive");
    let away_index = index_of(&drive.join("speeches"));
    fs::remove_dir_all(&deleted).expect("delete the archive");
    fs::remove_dir_all(&drive).expect("unplug the drive");
    // The next build in that cache folder clears the deleted archive's index, keeps the one
    // of the archive that may come back, and keeps its own.
    let (index, freshness) = archive.open();
    assert_built(&freshness);
    assert!(
        !deleted_index.exists(),
        "the deleted archive's index is removed"
    );
    assert!(
        away_index.join("manifest.json").is_file(),
        "the index of an archive on a drive that is away is kept"
    );
    assert!(index.dir().join("manifest.json").is_file());
}

#[test]
fn a_large_archive_is_built_by_threads_in_segments_that_answer_as_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("archive");
    fs::create_dir_all(root.join("speeches")).expect("folders");
    let speeches = 1200;
    for i in 0..speeches {
        fs::write(
            root.join(format!("speeches/{i:04}.txt")),
            format!(
                "Speech number {i} of many.\n\nThe zebracorn{} met the quokka, and the quokka stayed.\n",
                i % 7
            ),
        )
        .expect("write a speech");
    }
    let cache = tempfile::tempdir().expect("cache dir");
    let (index, freshness) = SearchIndex::open(&root, cache.path()).expect("the index opens");
    assert_built(&freshness);
    assert_eq!(index.len(), speeches);
    let manifest: Value = serde_json::from_slice(
        &fs::read(index_dir(cache.path(), &root).join("manifest.json")).expect("a manifest"),
    )
    .expect("JSON");
    let built = manifest["built"].as_u64().expect("built");
    let segments = manifest["segments"].as_array().expect("segments").len() as u64;
    assert_eq!(built, segments);
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if threads > 1 && std::env::var_os("RAYON_NUM_THREADS").is_none() {
        assert!(segments > 1, "one thread wrote it all");
    }
    let expected = |k: usize| -> Vec<String> {
        (0..speeches)
            .filter(|i| i % 7 == k)
            .map(|i| format!("speeches/{i:04}.txt"))
            .collect()
    };
    assert_eq!(paths(&index, "zebracorn3"), expected(3));
    assert_eq!(paths(&index, "\"number 517\""), ["speeches/0517.txt"]);
    // Every speech once, with both places of the phrase, whichever segment holds it.
    let quokka = found(&index, "\"the quokka\"");
    assert_eq!(quokka.len(), speeches);
    assert!(quokka.values().all(|hits| hits.len() == 2), "{quokka:?}");
    // One change goes into one more segment; the others stay.
    fs::write(
        root.join("speeches/0003.txt"),
        "Speech number 3, rewritten for the zebracorn9.\n",
    )
    .expect("rewrite");
    let file = fs::File::options()
        .write(true)
        .open(root.join("speeches/0003.txt"))
        .expect("open");
    file.set_modified(UNIX_EPOCH + Duration::from_secs(1_000_000_000))
        .expect("set the time");
    let (index, freshness) = SearchIndex::open(&root, cache.path()).expect("the index opens");
    assert_eq!(
        freshness,
        Freshness::Updated {
            indexed: 1,
            removed: 1
        }
    );
    assert_eq!(paths(&index, "zebracorn9"), ["speeches/0003.txt"]);
    assert_eq!(paths(&index, "zebracorn3").len(), expected(3).len() - 1);
}
