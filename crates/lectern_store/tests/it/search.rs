//! The search index in the cache folder: built once, reused while nothing changes, brought
//! up to date when speeches change, and never trusted when damaged or stale. Each test works
//! on a copy of part of the sample archive, with its own cache folder beside it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lectern_core::search::Query;
use lectern_core::search::index::IndexError;
use lectern_store::{Freshness, SearchIndex, index_dir, load_archive};
use serde_json::Value;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample_archive");

/// The part of the sample archive the tests copy: enough to search, small enough to index
/// quickly. `sotu/LICENSE` is documentation, not a speech.
const FILES: &[&str] = &[
    "metadata.csv",
    "markdown/gettysburg-address.md",
    "markdown/lincoln-second-inaugural.md",
    "markdown/pearl-harbor-address.md",
    "mi5/000_dd9ed34a99eb1f64.txt",
    "sotu/1790-Washington-1.txt",
    "sotu/1863-Lincoln-1.txt",
    "sotu/2002-Bush-1.txt",
    "sotu/2024-Biden-1.txt",
    "sotu/LICENSE",
];

/// Number of speeches among [`FILES`].
const SPEECHES: usize = 8;

const GETTYSBURG: &str = "markdown/gettysburg-address.md";
const BUSH: &str = "sotu/2002-Bush-1.txt";

/// Queries whose answers are compared between indexes.
const QUERIES: &[&str] = &[
    "\"national security\"",
    "\"new birth of freedom\"",
    "\"axis of evil\"",
    "nation*",
    "freedom OR liberty",
    "war -peace",
    "\"we have\" people",
    "terror* NOT congress",
    "god",
    "zebracorn",
    "quokkafest OR zebracorn",
    "1790 OR 2024",
];

/// A copy of [`FILES`] and an empty cache folder, in two separate temporary folders.
struct Archive {
    _dir: tempfile::TempDir,
    root: PathBuf,
    cache: tempfile::TempDir,
}

impl Archive {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("archive");
        for file in FILES {
            let to = root.join(file);
            fs::create_dir_all(to.parent().expect("a parent")).expect("folders");
            fs::copy(Path::new(SAMPLE).join(file), &to).expect("copy a sample file");
        }
        Self {
            _dir: dir,
            root,
            cache: tempfile::tempdir().expect("cache dir"),
        }
    }

    fn open(&self) -> (SearchIndex, Freshness) {
        SearchIndex::open(&self.root, self.cache.path()).expect("the index opens")
    }

    fn rebuild(&self) -> (SearchIndex, Freshness) {
        SearchIndex::rebuild(&self.root, self.cache.path()).expect("the index is rebuilt")
    }

    /// The index as a clean build in a fresh cache folder sees the archive now.
    fn clean(&self) -> SearchIndex {
        let cache = tempfile::tempdir().expect("cache dir");
        let (index, freshness) =
            SearchIndex::open(&self.root, cache.path()).expect("a clean build");
        assert_built(&freshness);
        index
    }

    /// The folder holding this archive's index.
    fn index_dir(&self) -> PathBuf {
        index_dir(self.cache.path(), &self.root)
    }

    /// The segment files of the index, sorted.
    fn segments(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = fs::read_dir(self.index_dir())
            .expect("the index folder")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "seg"))
            .collect();
        out.sort();
        out
    }

    fn manifest_path(&self) -> PathBuf {
        self.index_dir().join("manifest.json")
    }

    fn manifest(&self) -> Value {
        serde_json::from_slice(&fs::read(self.manifest_path()).expect("a manifest"))
            .expect("the manifest is JSON")
    }

    fn write_manifest(&self, manifest: &Value) {
        fs::write(
            self.manifest_path(),
            serde_json::to_vec(manifest).expect("JSON"),
        )
        .expect("write the manifest");
    }

    /// Writes `text` to `relative` and sets its modification time to `seconds` after 1970, so
    /// the change is seen whatever the clock's resolution.
    fn write(&self, relative: &str, text: &str, seconds: u64) {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        fs::write(&path, text).expect("write");
        let file = fs::File::options()
            .write(true)
            .open(&path)
            .expect("open to set its time");
        file.set_modified(UNIX_EPOCH + Duration::from_secs(seconds))
            .expect("set the modification time");
    }

    /// Every file under the archive with its size and modification time.
    fn listing(&self) -> Vec<(String, u64, SystemTime)> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, u64, SystemTime)>) {
            for entry in fs::read_dir(dir).expect("list") {
                let path = entry.expect("an entry").path();
                let meta = fs::metadata(&path).expect("metadata");
                if meta.is_dir() {
                    walk(&path, root, out);
                } else {
                    let relative = path.strip_prefix(root).expect("inside");
                    out.push((
                        relative.to_string_lossy().into_owned(),
                        meta.len(),
                        meta.modified().expect("a modification time"),
                    ));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &self.root, &mut out);
        out.sort();
        out
    }
}

#[track_caller]
fn assert_built(freshness: &Freshness) -> &str {
    match freshness {
        Freshness::Built { reason } => reason,
        other => panic!("expected the index to be built, it was {other:?}"),
    }
}

/// Per speech found by `query`, its path and hits; a search that fails panics.
#[track_caller]
fn found(index: &SearchIndex, query: &str) -> BTreeMap<String, Vec<(u32, u32)>> {
    try_found(index, query).unwrap_or_else(|e| panic!("{query:?}: {e}"))
}

fn try_found(
    index: &SearchIndex,
    query: &str,
) -> Result<BTreeMap<String, Vec<(u32, u32)>>, IndexError> {
    let parsed = Query::parse(query).unwrap_or_else(|e| panic!("{query:?}: {e}"));
    let expr = parsed.expr.as_ref().expect("something to search for");
    let mut out = BTreeMap::new();
    for m in index.search(expr)? {
        let path = index.doc(m.doc).path.clone();
        assert_eq!(index.find(&path), Some(m.doc), "{path} is not live");
        let before = out.insert(path.clone(), m.hits);
        assert!(before.is_none(), "{query:?}: {path} found twice");
    }
    Ok(out)
}

/// `a` and `b` answer every one of [`QUERIES`] alike, and hold the same speeches.
#[track_caller]
fn assert_same_answers(a: &SearchIndex, b: &SearchIndex) {
    assert_eq!(a.len(), b.len(), "number of speeches");
    for query in QUERIES {
        assert_eq!(found(a, query), found(b, query), "{query:?}");
    }
}

/// The paths `query` finds.
fn paths(index: &SearchIndex, query: &str) -> Vec<String> {
    found(index, query).into_keys().collect()
}

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
fn changed_added_and_deleted_speeches_are_brought_up_to_date() {
    let archive = Archive::new();
    let (old, _) = archive.open();
    assert_eq!(paths(&old, "\"new birth of freedom\""), [GETTYSBURG]);
    assert_eq!(paths(&old, "\"axis of evil\""), [BUSH]);

    archive.write(
        GETTYSBURG,
        "# The Gettysburg Address, revised\n\nFour zebracorn and seven years ago.\n",
        1_000_000_000,
    );
    archive.write(
        "added/quokka.txt",
        "The quokkafest speech.\n\nA quokkafest of words, and a zebracorn too.\n",
        1_000_000_000,
    );
    fs::remove_file(archive.root.join(BUSH)).expect("delete");

    let (index, freshness) = archive.open();
    assert!(
        matches!(
            freshness,
            Freshness::Updated {
                indexed: 2,
                removed: 2
            } | Freshness::Built { .. }
        ),
        "{freshness:?}"
    );
    assert_eq!(index.len(), SPEECHES);
    assert!(
        paths(&index, "\"new birth of freedom\"").is_empty(),
        "old words gone"
    );
    assert!(
        paths(&index, "\"axis of evil\"").is_empty(),
        "deleted speech gone"
    );
    assert_eq!(index.find(BUSH), None);
    assert_eq!(paths(&index, "zebracorn"), ["added/quokka.txt", GETTYSBURG]);
    assert_eq!(
        found(&index, "\"four zebracorn\""),
        BTreeMap::from([(GETTYSBURG.to_owned(), vec![(0, 2)])]),
        "hits are word positions in the new text (its title heading is not part of it)"
    );
    assert_eq!(paths(&index, "quokkafest"), ["added/quokka.txt"]);
    assert_same_answers(&index, &archive.clean());

    // The update is kept: the next open uses it as it is and still leaves out what it
    // replaced.
    let (again, freshness) = archive.open();
    assert_eq!(freshness, Freshness::Reused);
    assert_same_answers(&again, &index);
    assert_eq!(again.find(BUSH), None);
    assert!(paths(&again, "\"new birth of freedom\"").is_empty());

    let (rebuilt, freshness) = archive.rebuild();
    assert_built(&freshness);
    assert_same_answers(&rebuilt, &index);
}

#[test]
fn one_changed_speech_is_indexed_alone() {
    let archive = Archive::new();
    archive.open();
    archive.write(GETTYSBURG, "A zebracorn.\n", 1_000_000_000);
    let (index, freshness) = archive.open();
    assert_eq!(
        freshness,
        Freshness::Updated {
            indexed: 1,
            removed: 1
        }
    );
    assert_eq!(archive.segments().len(), 2, "one small segment more");
    assert_eq!(paths(&index, "zebracorn"), [GETTYSBURG]);
    assert_same_answers(&index, &archive.clean());
}

#[test]
fn successive_updates_stay_correct_and_are_built_again_when_many() {
    let archive = Archive::new();
    archive.open();
    let mut kinds = Vec::new();
    for round in 0..5_u64 {
        // The same speech again and again, then another, and one added each time.
        let file = if round < 3 { GETTYSBURG } else { BUSH };
        archive.write(
            file,
            &format!("Round {round} of the zebracorn.\n"),
            1_000_000_000 + round,
        );
        archive.write(
            &format!("added/{round}.md"),
            &format!("# Added {round}\n\nA quokkafest, round {round}.\n"),
            1_000_000_000 + round,
        );
        let (index, freshness) = archive.open();
        kinds.push(match freshness {
            Freshness::Updated { .. } => "updated",
            Freshness::Built { .. } => "built",
            Freshness::Reused => "reused",
        });
        let clean = archive.clean();
        assert_same_answers(&index, &clean);
        assert_eq!(
            found(&index, &format!("\"round {round}\"")),
            found(&clean, &format!("\"round {round}\"")),
        );
        let zebra = paths(&index, "zebracorn");
        let expected: &[&str] = if round < 3 {
            &[GETTYSBURG]
        } else {
            &[GETTYSBURG, BUSH]
        };
        assert_eq!(zebra, expected, "round {round}");
        assert_eq!(paths(&index, "quokkafest").len() as u64, round + 1);
        assert_eq!(index.len() as u64, SPEECHES as u64 + round + 1);
        let (reopened, freshness) = archive.open();
        assert_eq!(freshness, Freshness::Reused, "round {round}");
        assert_same_answers(&reopened, &index);
    }
    // Small updates add segments; past four the index is built again in one.
    assert!(kinds[..3].iter().all(|k| *k == "updated"), "{kinds:?}");
    assert!(kinds.contains(&"built"), "{kinds:?}");
    assert!(
        archive.manifest()["segments"]
            .as_array()
            .expect("segments")
            .len()
            <= 4
    );
}

#[test]
fn a_truncated_segment_is_built_again() {
    let archive = Archive::new();
    archive.open();
    let clean = archive.clean();
    let segment = archive.segments().pop().expect("a segment");
    let bytes = fs::read(&segment).expect("read");
    for len in [0, 7, 31, bytes.len() / 2, bytes.len() - 1] {
        fs::write(&segment, &bytes[..len]).expect("truncate");
        let (index, freshness) = archive.open();
        assert_built(&freshness);
        assert_same_answers(&index, &clean);
        // The rebuilt index is in a new file: point the manifest back at the damaged one.
        archive.write_manifest(&{
            let mut m = archive.manifest();
            m["segments"][0]["file"] =
                Value::from(segment.file_name().expect("a name").to_string_lossy());
            m
        });
    }
}

#[test]
fn a_damaged_catalogue_of_speeches_is_built_again() {
    let archive = Archive::new();
    archive.open();
    let clean = archive.clean();
    let segment = archive.segments().pop().expect("a segment");
    let mut bytes = fs::read(&segment).expect("read");
    // The footer names where the meta block (speeches and dictionary) starts.
    let footer = bytes.len() - 32;
    let meta = u64::from_le_bytes(bytes[footer..footer + 8].try_into().expect("8 bytes"));
    let meta = usize::try_from(meta).expect("fits");
    for at in [
        meta,
        usize::midpoint(meta, footer),
        footer - 1,
        footer + 3,
        bytes.len() - 1,
    ] {
        bytes[at] ^= 0x5a;
        fs::write(&segment, &bytes).expect("damage");
        let (index, freshness) = archive.open();
        let reason = assert_built(&freshness).to_owned();
        assert!(
            reason.contains(".seg"),
            "the reason names the file: {reason}"
        );
        assert_same_answers(&index, &clean);
        bytes[at] ^= 0x5a;
        // Back to the damaged file for the next byte.
        archive.write_manifest(&{
            let mut m = archive.manifest();
            m["segments"][0]["file"] =
                Value::from(segment.file_name().expect("a name").to_string_lossy());
            m
        });
    }
}

#[test]
fn damaged_postings_fail_the_search_and_a_rebuild_answers() {
    let archive = Archive::new();
    archive.open();
    let clean = archive.clean();
    let segment = archive.segments().pop().expect("a segment");
    let mut bytes = fs::read(&segment).expect("read");
    // The first bytes are the postings of the first word of the dictionary: it starts
    // with a digit, so a prefix of every digit reads them.
    bytes[0] ^= 0x5a;
    fs::write(&segment, &bytes).expect("damage");
    let every_digit = (0..10)
        .map(|d| format!("{d}*"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let (index, freshness) = archive.open();
    if !matches!(freshness, Freshness::Built { .. }) {
        match try_found(&index, &every_digit) {
            Err(IndexError::Corrupt(reason)) => {
                assert!(reason.contains("checksum"), "{reason}");
            }
            other => panic!("a damaged posting list was trusted: {other:?}"),
        }
    }
    let (rebuilt, freshness) = archive.rebuild();
    assert_built(&freshness);
    assert_eq!(
        found(&rebuilt, &every_digit),
        found(&clean, &every_digit),
        "the rebuilt index answers"
    );
    assert_same_answers(&rebuilt, &clean);
    let (reopened, freshness) = archive.open();
    assert_eq!(freshness, Freshness::Reused);
    assert_eq!(found(&reopened, &every_digit), found(&clean, &every_digit));
}

#[test]
fn a_damaged_manifest_is_not_trusted() {
    let archive = Archive::new();
    let (clean, _) = archive.open();
    let manifest = fs::read(archive.manifest_path()).expect("read");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"\x00\xffnot json at all{{".to_vec()),
        ("empty", Vec::new()),
        ("truncated", manifest[..manifest.len() / 2].to_vec()),
        ("another shape", b"[1, 2, 3]".to_vec()),
    ];
    for (what, bytes) in cases {
        fs::write(archive.manifest_path(), bytes).expect("damage the manifest");
        let (index, freshness) = archive.open();
        let reason = assert_built(&freshness);
        assert!(reason.contains("manifest"), "{what}: {reason}");
        assert_same_answers(&index, &clean);
        let (_, freshness) = archive.open();
        assert_eq!(
            freshness,
            Freshness::Reused,
            "{what}: the new manifest is good"
        );
    }
}

/// A change made to a manifest by hand.
type Edit = fn(&mut Value);

#[test]
fn a_stale_or_inconsistent_manifest_is_built_again() {
    let archive = Archive::new();
    let (clean, _) = archive.open();
    let cases: &[(&str, Edit, &str)] = &[
        (
            "another version",
            |m| m["version"] = Value::from(99),
            "format 99",
        ),
        (
            "another folder",
            |m| m["root"] = Value::from("/somewhere/else"),
            "another folder",
        ),
        (
            "a missing segment",
            |m| m["segments"][0]["file"] = Value::from("0123456789abcdef.seg"),
            "cannot be read",
        ),
        (
            "a file outside the index",
            |m| m["segments"][0]["file"] = Value::from("../../outside.seg"),
            "outside the index",
        ),
        (
            "a hidden file",
            |m| m["segments"][0]["file"] = Value::from(".seg"),
            "outside the index",
        ),
        (
            "no segment",
            |m| m["segments"] = Value::Array(Vec::new()),
            "no segment",
        ),
        (
            "a deleted speech beyond the segment",
            |m| m["segments"][0]["deleted"] = Value::from(vec![999]),
            "lacks",
        ),
        (
            "another catalogue",
            |m| m["catalogues"] = Value::Array(Vec::new()),
            "catalogue changed",
        ),
    ];
    for (what, edit, expected) in cases {
        let mut manifest = archive.manifest();
        edit(&mut manifest);
        archive.write_manifest(&manifest);
        let (index, freshness) = archive.open();
        let reason = assert_built(&freshness);
        assert!(reason.contains(expected), "{what}: {reason}");
        assert_same_answers(&index, &clean);
    }
}

#[test]
fn a_changed_catalogue_builds_again() {
    let archive = Archive::new();
    let (before, _) = archive.open();
    let csv = fs::read_to_string(archive.root.join("metadata.csv")).expect("read");
    archive.write("metadata.csv", &format!("{csv}\n"), 1_000_000_000);
    let (index, freshness) = archive.open();
    assert_eq!(assert_built(&freshness), "the catalogue changed");
    assert_same_answers(&index, &before);
}

#[test]
fn a_file_that_is_not_a_speech_is_remembered_until_it_changes() {
    let archive = Archive::new();
    fs::write(
        archive.root.join("scan.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .expect("write");
    let (index, freshness) = archive.open();
    assert_built(&freshness);
    assert_eq!(index.len(), SPEECHES, "not indexed");
    assert_eq!(index.find("scan.txt"), None);
    let (_, freshness) = archive.open();
    assert_eq!(freshness, Freshness::Reused, "not read again");
    archive.write("scan.txt", "Now a zebracorn speech.\n", 1_000_000_000);
    let (index, freshness) = archive.open();
    assert!(
        matches!(
            freshness,
            Freshness::Updated {
                indexed: 1,
                removed: 0
            }
        ),
        "{freshness:?}"
    );
    assert_eq!(paths(&index, "zebracorn"), ["scan.txt"]);
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
fn sync_sees_a_changed_document() {
    let archive = Archive::new();
    let loaded = load_archive(&archive.root, None, &|_| {}, &AtomicBool::new(false));
    let at = SystemTime::now();
    SearchIndex::sync(&archive.root, archive.cache.path(), &loaded.documents, at).expect("sync");
    archive.write(GETTYSBURG, "A zebracorn.\n", 1_000_000_000);
    let reloaded = load_archive(&archive.root, None, &|_| {}, &AtomicBool::new(false));
    let (index, freshness) =
        SearchIndex::sync(&archive.root, archive.cache.path(), &reloaded.documents, at)
            .expect("sync");
    assert_eq!(
        freshness,
        Freshness::Updated {
            indexed: 1,
            removed: 1
        }
    );
    assert_eq!(paths(&index, "zebracorn"), [GETTYSBURG]);
    assert!(paths(&index, "\"new birth of freedom\"").is_empty());
    assert_same_answers(&index, &archive.clean());
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
