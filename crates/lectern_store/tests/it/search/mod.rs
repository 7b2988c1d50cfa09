//! The search index in the cache folder: built once, reused while nothing changes, brought
//! up to date when speeches change, and never trusted when damaged or stale. Each test works
//! on a copy of part of the sample archive, with its own cache folder beside it.

mod building;
mod damage;
mod freshness;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lectern_core::search::Query;
use lectern_core::search::index::IndexError;
use lectern_store::{Freshness, SearchIndex, index_dir};
use serde_json::Value;

pub(super) const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample_archive");

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
pub(super) const SPEECHES: usize = 8;

pub(super) const GETTYSBURG: &str = "markdown/gettysburg-address.md";
pub(super) const BUSH: &str = "sotu/2002-Bush-1.txt";

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
pub(super) struct Archive {
    _dir: tempfile::TempDir,
    pub(super) root: PathBuf,
    pub(super) cache: tempfile::TempDir,
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

    pub(super) fn open(&self) -> (SearchIndex, Freshness) {
        SearchIndex::open(&self.root, self.cache.path()).expect("the index opens")
    }

    pub(super) fn rebuild(&self) -> (SearchIndex, Freshness) {
        SearchIndex::rebuild(&self.root, self.cache.path()).expect("the index is rebuilt")
    }

    /// The index as a clean build in a fresh cache folder sees the archive now.
    pub(super) fn clean(&self) -> SearchIndex {
        let cache = tempfile::tempdir().expect("cache dir");
        let (index, freshness) =
            SearchIndex::open(&self.root, cache.path()).expect("a clean build");
        assert_built(&freshness);
        index
    }

    /// The folder holding this archive's index.
    pub(super) fn index_dir(&self) -> PathBuf {
        index_dir(self.cache.path(), &self.root)
    }

    /// The segment files of the index, sorted.
    pub(super) fn segments(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = fs::read_dir(self.index_dir())
            .expect("the index folder")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "seg"))
            .collect();
        out.sort();
        out
    }

    pub(super) fn manifest_path(&self) -> PathBuf {
        self.index_dir().join("manifest.json")
    }

    pub(super) fn manifest(&self) -> Value {
        serde_json::from_slice(&fs::read(self.manifest_path()).expect("a manifest"))
            .expect("the manifest is JSON")
    }

    pub(super) fn write_manifest(&self, manifest: &Value) {
        fs::write(
            self.manifest_path(),
            serde_json::to_vec(manifest).expect("JSON"),
        )
        .expect("write the manifest");
    }

    /// Writes `text` to `relative` and sets its modification time to `seconds` after 1970, so
    /// the change is seen whatever the clock's resolution.
    pub(super) fn write(&self, relative: &str, text: &str, seconds: u64) {
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
    pub(super) fn listing(&self) -> Vec<(String, u64, SystemTime)> {
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
pub(super) fn assert_built(freshness: &Freshness) -> &str {
    match freshness {
        Freshness::Built { reason } => reason,
        other => panic!("expected the index to be built, it was {other:?}"),
    }
}

/// Per speech found by `query`, its path and hits; a search that fails panics.
#[track_caller]
pub(super) fn found(index: &SearchIndex, query: &str) -> BTreeMap<String, Vec<(u32, u32)>> {
    try_found(index, query).unwrap_or_else(|e| panic!("{query:?}: {e}"))
}

pub(super) fn try_found(
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
pub(super) fn assert_same_answers(a: &SearchIndex, b: &SearchIndex) {
    assert_eq!(a.len(), b.len(), "number of speeches");
    for query in QUERIES {
        assert_eq!(found(a, query), found(b, query), "{query:?}");
    }
}

/// The paths `query` finds.
pub(super) fn paths(index: &SearchIndex, query: &str) -> Vec<String> {
    found(index, query).into_keys().collect()
}
