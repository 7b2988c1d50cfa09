//! `lectern search` as scripts use it: the JSON shape, offsets that cut the hit out of the
//! canonical text, filters, the index kept in the cache folder and never in the archive.

mod cache;
mod filters;
mod output;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

use serde_json::Value;

pub(super) const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample_archive");
pub(super) const PHRASE: &str = "\"national security\"";
pub(super) const BIDEN: &str = "sotu/2024-Biden-1.txt";
pub(super) const MI5: &str = "mi5/000_dd9ed34a99eb1f64.txt";

/// Runs `lectern` with its cache folder at `cache`.
pub(super) fn lectern(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(args)
        .env("LECTERN_CACHE_DIR", cache)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run lectern")
}

pub(super) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `lectern search ARCHIVE QUERY --json` with `more` arguments; it must succeed.
#[track_caller]
pub(super) fn search(cache: &Path, archive: &Path, query: &str, more: &[&str]) -> Value {
    let archive = archive.to_str().expect("a UTF-8 path");
    let mut args = vec!["search", archive, query, "--json"];
    args.extend(more);
    let output = lectern(cache, &args);
    assert!(
        output.status.success(),
        "search {query:?} {more:?} failed: {}",
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).expect("search prints JSON")
}

pub(super) fn hits(result: &Value) -> &[Value] {
    result["hits"].as_array().expect("hits")
}

pub(super) fn total(result: &Value) -> usize {
    usize::try_from(result["total"].as_u64().expect("total")).expect("fits")
}

pub(super) fn offset(hit: &Value, key: &str) -> usize {
    usize::try_from(hit[key].as_u64().expect("an offset")).expect("fits")
}

/// Each hit as `(path, start, end)`.
pub(super) fn places(result: &Value) -> Vec<(String, usize, usize)> {
    hits(result)
        .iter()
        .map(|h| {
            (
                h["path"].as_str().expect("path").to_owned(),
                offset(h, "start"),
                offset(h, "end"),
            )
        })
        .collect()
}

/// The canonical text of each speech, as `lectern inspect --json --text` prints it.
pub(super) struct Texts {
    root: PathBuf,
    cache: BTreeMap<String, Vec<char>>,
}

impl Texts {
    pub(super) fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            cache: BTreeMap::new(),
        }
    }

    /// Code points `start..end` of the speech at `path`.
    pub(super) fn slice(&mut self, path: &str, start: usize, end: usize) -> String {
        let root = &self.root;
        let chars = self.cache.entry(path.to_owned()).or_insert_with(|| {
            let file = root.join(path);
            let output = Command::new(env!("CARGO_BIN_EXE_lectern"))
                .args(["inspect", "--json", "--text", file.to_str().expect("UTF-8")])
                .output()
                .expect("run lectern inspect");
            assert!(
                output.status.success(),
                "inspect {path}: {}",
                stderr(&output)
            );
            let doc: Value = serde_json::from_slice(&output.stdout).expect("inspect JSON");
            doc["text"].as_str().expect("text").chars().collect()
        });
        assert!(
            start < end && end <= chars.len(),
            "{path}: {start}..{end} outside its {} code points",
            chars.len()
        );
        chars[start..end].iter().collect()
    }
}

/// The words of `text`, lower case, without punctuation.
pub(super) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A copy of the whole sample archive in a temporary folder.
pub(super) fn copy_archive() -> (tempfile::TempDir, PathBuf) {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).expect("folders");
        for entry in fs::read_dir(from).expect("list") {
            let entry = entry.expect("an entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("a type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), target).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("archive");
    copy(Path::new(SAMPLE), &root);
    (dir, root)
}

/// Every file under `root` with its size and modification time.
pub(super) fn listing(root: &Path) -> BTreeMap<String, (u64, SystemTime)> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, (u64, SystemTime)>) {
        for entry in fs::read_dir(dir).expect("list") {
            let path = entry.expect("an entry").path();
            let meta = fs::metadata(&path).expect("metadata");
            if meta.is_dir() {
                walk(&path, root, out);
            } else {
                let relative = path.strip_prefix(root).expect("inside").to_string_lossy();
                out.insert(
                    relative.replace('\\', "/"),
                    (meta.len(), meta.modified().expect("a time")),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}
