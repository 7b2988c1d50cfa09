//! `lectern search` as scripts use it: the JSON shape, offsets that cut the hit out of the
//! canonical text, filters, the index kept in the cache folder and never in the archive.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

use serde_json::Value;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample_archive");
const PHRASE: &str = "\"national security\"";
const BIDEN: &str = "sotu/2024-Biden-1.txt";
const MI5: &str = "mi5/000_dd9ed34a99eb1f64.txt";

/// Runs `lectern` with its cache folder at `cache`.
fn lectern(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(args)
        .env("LECTERN_CACHE_DIR", cache)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run lectern")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `lectern search ARCHIVE QUERY --json` with `more` arguments; it must succeed.
#[track_caller]
fn search(cache: &Path, archive: &Path, query: &str, more: &[&str]) -> Value {
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

fn hits(result: &Value) -> &[Value] {
    result["hits"].as_array().expect("hits")
}

fn total(result: &Value) -> usize {
    usize::try_from(result["total"].as_u64().expect("total")).expect("fits")
}

fn offset(hit: &Value, key: &str) -> usize {
    usize::try_from(hit[key].as_u64().expect("an offset")).expect("fits")
}

/// Each hit as `(path, start, end)`.
fn places(result: &Value) -> Vec<(String, usize, usize)> {
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
struct Texts {
    root: PathBuf,
    cache: BTreeMap<String, Vec<char>>,
}

impl Texts {
    fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            cache: BTreeMap::new(),
        }
    }

    /// Code points `start..end` of the speech at `path`.
    fn slice(&mut self, path: &str, start: usize, end: usize) -> String {
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
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A copy of the whole sample archive in a temporary folder.
fn copy_archive() -> (tempfile::TempDir, PathBuf) {
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
fn listing(root: &Path) -> BTreeMap<String, (u64, SystemTime)> {
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

#[test]
fn phrase_hits_in_json_cut_the_phrase_out_of_the_text() {
    let cache = tempfile::tempdir().expect("cache dir");
    let archive = Path::new(SAMPLE);
    let before = listing(archive);
    let all = search(cache.path(), archive, PHRASE, &["--limit", "0"]);
    let found = hits(&all);
    assert!(found.len() >= 5, "{all}");
    assert_eq!(total(&all), found.len(), "--limit 0 prints every hit");
    let paths: BTreeSet<&str> = found
        .iter()
        .map(|h| h["path"].as_str().expect("path"))
        .collect();
    assert_eq!(all["speeches"].as_u64(), Some(paths.len() as u64));
    let per_year: u64 = all["per_year"]
        .as_object()
        .expect("per_year")
        .values()
        .map(|n| n.as_u64().expect("a count"))
        .sum();
    assert_eq!(
        per_year,
        total(&all) as u64,
        "per_year adds up to the total"
    );
    assert!(paths.contains(BIDEN), "{paths:?}");

    let mut texts = Texts::new(archive);
    let keys = [
        "path",
        "title",
        "date",
        "speaker",
        "section",
        "paragraph",
        "start",
        "end",
        "snippet",
    ];
    for hit in found {
        for key in keys {
            assert!(hit.get(key).is_some(), "a hit without {key}: {hit}");
        }
        assert_eq!(hit["in"], "text");
        let path = hit["path"].as_str().expect("path");
        let (start, end) = (offset(hit, "start"), offset(hit, "end"));
        let text = texts.slice(path, start, end);
        assert_eq!(
            words(&text),
            ["national", "security"],
            "{path} {start}..{end}: {text:?}"
        );
        let snippet = hit["snippet"].as_str().expect("snippet");
        assert!(
            snippet.contains(&format!("«{}»", text.replace('\n', " "))),
            "{path}: the snippet marks the hit: {snippet}"
        );
        assert!(hit["paragraph"].as_u64().is_some_and(|p| p >= 1), "{hit}");
        assert!(
            hit["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{hit}"
        );
    }
    // Oldest speech first, undated last; hits of a speech in reading order.
    let order: Vec<(bool, &str, &str, usize)> = found
        .iter()
        .map(|h| {
            let date = h["date"].as_str();
            (
                date.is_none(),
                date.unwrap_or(""),
                h["path"].as_str().expect("path"),
                offset(h, "start"),
            )
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "not in date order: {order:?}"
    );

    // The default limit and a small one print fewer hits, in the same order, and the same
    // total.
    let default = search(cache.path(), archive, PHRASE, &[]);
    assert_eq!(total(&default), total(&all));
    let three = search(cache.path(), archive, PHRASE, &["--limit", "3"]);
    assert_eq!(total(&three), total(&all));
    assert_eq!(places(&three), places(&all)[..3]);
    assert_eq!(listing(archive), before, "the archive is untouched");
}

#[test]
fn the_second_run_reuses_the_index_and_prints_the_same() {
    let cache = tempfile::tempdir().expect("cache dir");
    let archive = SAMPLE;
    let first = lectern(cache.path(), &["search", archive, PHRASE, "--json"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("search index built for"),
        "{}",
        stderr(&first)
    );
    // Another spelling of the same folder finds the same index.
    let second = lectern(
        cache.path(),
        &["search", "sample_archive/./", PHRASE, "--json"],
    );
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        !stderr(&second).contains("built") && !stderr(&second).contains("updated"),
        "the index is reused: {}",
        stderr(&second)
    );
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        String::from_utf8_lossy(&first.stdout)
    );
    // The human form tells the same total.
    let human = lectern(cache.path(), &["search", archive, PHRASE, "--limit", "2"]);
    assert!(human.status.success(), "{}", stderr(&human));
    let result: Value = serde_json::from_slice(&first.stdout).expect("JSON");
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(
        stdout.contains(&format!(
            "{} hits in {} speeches (showing 2; --limit 0 shows all)",
            total(&result),
            result["speeches"]
        )),
        "{stdout}"
    );
}

#[test]
fn speaker_and_date_filters_narrow_the_results() {
    let cache = tempfile::tempdir().expect("cache dir");
    let archive = Path::new(SAMPLE);
    let all = search(cache.path(), archive, PHRASE, &["--limit", "0"]);

    let biden = search(
        cache.path(),
        archive,
        PHRASE,
        &["--limit", "0", "--speaker", "Biden"],
    );
    let expected: Vec<_> = hits(&all)
        .iter()
        .filter(|h| h["speaker"].as_str().is_some_and(|s| s.contains("Biden")))
        .cloned()
        .collect();
    assert!(!expected.is_empty() && expected.len() < hits(&all).len());
    assert_eq!(hits(&biden), expected.as_slice());
    assert_eq!(total(&biden), expected.len());
    // The same filter written in the query.
    let in_query = search(
        cache.path(),
        archive,
        &format!("{PHRASE} speaker:biden"),
        &["--limit", "0"],
    );
    assert_eq!(in_query, biden);

    let range = search(
        cache.path(),
        archive,
        PHRASE,
        &["--limit", "0", "--from", "2001", "--to", "2020"],
    );
    let expected: Vec<_> = hits(&all)
        .iter()
        .filter(|h| {
            h["date"]
                .as_str()
                .is_some_and(|d| ("2001".."2021").contains(&d))
        })
        .cloned()
        .collect();
    assert!(!expected.is_empty() && expected.len() < hits(&all).len());
    assert_eq!(hits(&range), expected.as_slice());
    let in_query = search(
        cache.path(),
        archive,
        &format!("from:2001 {PHRASE} to:2020"),
        &["--limit", "0"],
    );
    assert_eq!(in_query, range);

    let none = search(cache.path(), archive, PHRASE, &["--speaker", "Washington"]);
    assert_eq!(total(&none), 0);
    assert!(hits(&none).is_empty());
}

#[test]
fn a_regular_expression_finds_what_the_phrase_finds_and_more() {
    let cache = tempfile::tempdir().expect("cache dir");
    let archive = Path::new(SAMPLE);
    let phrase = search(cache.path(), archive, PHRASE, &["--limit", "0"]);
    let regex = search(
        cache.path(),
        archive,
        r"/\bnational securit(y|ies)\b/",
        &["--limit", "0"],
    );
    assert_eq!(total(&regex), hits(&regex).len());
    let mut texts = Texts::new(archive);
    let mut exact = BTreeSet::new();
    for (path, start, end) in places(&regex) {
        let text = texts.slice(&path, start, end).to_lowercase();
        assert!(
            text == "national security" || text == "national securities",
            "{path} {start}..{end}: {text:?}"
        );
        if text == "national security" {
            exact.insert((path, start, end));
        }
    }
    // Every phrase hit written with one space is found by the expression, and the expression
    // finds no other whole words "national security".
    let mut spaced = BTreeSet::new();
    for (path, start, end) in places(&phrase) {
        if texts.slice(&path, start, end).to_lowercase() == "national security" {
            spaced.insert((path, start, end));
        }
    }
    assert!(!spaced.is_empty());
    assert_eq!(exact, spaced);
}

#[test]
fn with_case_heeded_only_the_words_as_typed_are_found() {
    let cache = tempfile::tempdir().expect("cache dir");
    let archive = Path::new(SAMPLE);
    let mut texts = Texts::new(archive);
    let any = search(cache.path(), archive, "US", &["--limit", "0"]);
    let exact = search(
        cache.path(),
        archive,
        "US",
        &["--limit", "0", "--case-sensitive"],
    );
    let filter = search(
        cache.path(),
        archive,
        "case:sensitive US",
        &["--limit", "0"],
    );
    assert_eq!(
        places(&exact),
        places(&filter),
        "the flag and the filter agree"
    );
    assert!(total(&exact) >= 1 && total(&exact) < total(&any));
    // Every hit heeding case is written "US", and every "US" among all hits is one.
    let written = |result: &Value, texts: &mut Texts| -> BTreeSet<(String, usize, usize)> {
        places(result)
            .into_iter()
            .filter(|(path, start, end)| texts.slice(path, *start, *end) == "US")
            .collect()
    };
    let all_us = written(&any, &mut texts);
    assert_eq!(written(&exact, &mut texts), all_us);
    assert_eq!(places(&exact).len(), all_us.len());
    // A phrase and a prefix heed case word by word; a regular expression heeds it too.
    // (query, how every hit is written, whether only its start is)
    let written_as: &[(&str, &str, bool)] = &[
        ("\"State of the Union\"", "State of the Union", false),
        ("/the Union/", "the Union", false),
        ("Terror*", "Terror", true),
    ];
    for &(query, written, prefix) in written_as {
        let found = search(
            cache.path(),
            archive,
            query,
            &["--limit", "0", "--case-sensitive"],
        );
        assert!(total(&found) >= 1, "{query}");
        for (path, start, end) in places(&found) {
            let text = texts.slice(&path, start, end);
            let holds = if prefix {
                text.starts_with(written)
            } else {
                text == written
            };
            assert!(holds, "{query}: {path} {start}..{end} reads {text:?}");
        }
    }
    // Written otherwise, it is not found at all.
    let lower = search(
        cache.path(),
        archive,
        "/the union/",
        &["--limit", "0", "--case-sensitive"],
    );
    assert_eq!(total(&lower), 0);
}

#[test]
fn a_bad_query_fails_with_a_message() {
    let cache = tempfile::tempdir().expect("cache dir");
    for (query, more, message) in [
        ("\"national security", &[][..], "no closing quote"),
        ("(war OR peace", &[], "never closed"),
        ("/(unclosed/", &[], "not a regular expression"),
        ("war OR", &[], "OR needs something"),
        ("NOT war", &[], "NOT needs something"),
        ("status:done war", &[], "status:"),
        ("speaker:lincoln", &[], "nothing to search for"),
        ("war", &["--from", "yesterday"][..], "--from"),
    ] {
        let mut args = vec!["search", SAMPLE, query];
        args.extend(more);
        let output = lectern(cache.path(), &args);
        assert!(!output.status.success(), "{query:?} {more:?} succeeded");
        let err = stderr(&output);
        assert!(err.contains(message), "{query:?}: {err}");
        assert!(output.stdout.is_empty(), "{query:?}: printed something");
    }
    let missing = lectern(cache.path(), &["search", "no/such/folder", "war"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("not a folder"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn tag_status_and_notes_filters_follow_an_annotation() {
    let (_dir, root) = copy_archive();
    let cache = tempfile::tempdir().expect("cache dir");
    let before = listing(&root);
    let root_arg = root.to_str().expect("UTF-8");
    let all = search(cache.path(), &root, PHRASE, &["--limit", "0"]);
    let everywhere = places(&all);
    let in_mi5: Vec<_> = everywhere.iter().filter(|(p, _, _)| p == MI5).collect();
    assert!(in_mi5.len() >= 3, "{in_mi5:?}");
    assert_eq!(listing(&root), before, "searching writes nothing");

    let annotated = lectern(
        cache.path(),
        &[
            "annotate",
            root_arg,
            MI5,
            "--quote",
            "national security",
            "--occurrence",
            "2",
            "--tag",
            "security",
            "--note",
            "A quokkafest remark",
        ],
    );
    assert!(annotated.status.success(), "{}", stderr(&annotated));
    let annotated_listing = listing(&root);
    let added: Vec<&String> = annotated_listing
        .keys()
        .filter(|k| !before.contains_key(*k))
        .collect();
    let sidecar = format!("{MI5}.notes.ron");
    assert!(added.contains(&&sidecar), "{added:?}");
    // Beside the sidecar, annotate keeps the tag in `lectern.ron` and leaves the lock files
    // its saves meet at.
    assert!(
        added
            .iter()
            .all(|f| **f == sidecar || f.as_str() == "lectern.ron" || f.ends_with(".lectern.lock")),
        "annotate adds only its own files: {added:?}"
    );

    // One of the speech's hits is in the tagged passage.
    let tagged = search(cache.path(), &root, PHRASE, &["--tag", "security"]);
    assert_eq!(total(&tagged), 1, "{tagged}");
    let passage = places(&tagged).remove(0);
    assert!(
        in_mi5.contains(&&passage),
        "{passage:?} not among {in_mi5:?}"
    );
    let mut texts = Texts::new(&root);
    assert_eq!(
        texts.slice(MI5, passage.1, passage.2),
        "national security",
        "the quote as written"
    );
    let in_query = search(cache.path(), &root, &format!("{PHRASE} tag:security"), &[]);
    assert_eq!(in_query, tagged);
    let other = search(cache.path(), &root, PHRASE, &["--tag", "economy"]);
    assert_eq!(total(&other), 0);
    assert!(hits(&other).is_empty());

    // Status: the annotated hit, or every other one.
    let annotated = search(
        cache.path(),
        &root,
        &format!("{PHRASE} status:annotated"),
        &["--limit", "0"],
    );
    assert_eq!(places(&annotated), std::slice::from_ref(&passage));
    let unannotated = search(
        cache.path(),
        &root,
        &format!("{PHRASE} status:unannotated"),
        &["--limit", "0"],
    );
    let rest: Vec<_> = everywhere
        .iter()
        .filter(|p| **p != passage)
        .cloned()
        .collect();
    assert_eq!(places(&unannotated), rest);

    // The note is searched in notes, placed at its passage, and not in the text.
    let note = search(cache.path(), &root, "quokkafest in:notes", &[]);
    assert_eq!(places(&note), std::slice::from_ref(&passage));
    assert_eq!(hits(&note)[0]["in"], "note");
    assert!(
        hits(&note)[0]["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("«quokkafest»")),
        "{note}"
    );
    assert_eq!(search(cache.path(), &root, "quokkafest in:all", &[]), note);
    assert_eq!(total(&search(cache.path(), &root, "quokkafest", &[])), 0);

    // The annotation does not change what the text holds.
    let again = search(cache.path(), &root, PHRASE, &["--limit", "0"]);
    assert_eq!(places(&again), everywhere);
    assert_eq!(
        listing(&root),
        annotated_listing,
        "searching adds nothing beside the notes"
    );
}

#[test]
fn a_changed_speech_is_searched_as_it_reads_now() {
    let (_dir, root) = copy_archive();
    let cache = tempfile::tempdir().expect("cache dir");
    let root_arg = root.to_str().expect("UTF-8");
    let first = lectern(cache.path(), &["search", root_arg, "zebracorn", "--json"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let result: Value = serde_json::from_slice(&first.stdout).expect("JSON");
    assert_eq!(total(&result), 0);

    let source = root.join(BIDEN);
    let text = fs::read_to_string(&source).expect("read");
    fs::write(&source, format!("A zebracorn spoke first.\n\n{text}")).expect("write");
    let file = fs::File::options().write(true).open(&source).expect("open");
    file.set_modified(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000))
        .expect("set the time");

    let output = lectern(cache.path(), &["search", root_arg, "zebracorn", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("search index updated"),
        "{}",
        stderr(&output)
    );
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(places(&result), [(BIDEN.to_owned(), 2, 11)]);
    let mut texts = Texts::new(&root);
    assert_eq!(texts.slice(BIDEN, 2, 11), "zebracorn");
}

#[test]
fn a_section_filter_keeps_the_hits_placed_in_that_section() {
    let cache = tempfile::tempdir().expect("cache dir");
    let archive = Path::new(SAMPLE);
    let all = search(cache.path(), archive, "threat*", &["--limit", "0"]);
    for (filter, words_of_title) in [
        ("section:threats", &["threats"][..]),
        (
            "section:\"Counter Terrorism\"",
            &["counter", "terrorism"][..],
        ),
    ] {
        let filtered = search(
            cache.path(),
            archive,
            &format!("threat* {filter}"),
            &["--limit", "0"],
        );
        let expected: Vec<_> = hits(&all)
            .iter()
            .filter(|h| {
                let title = words(h["section"].as_str().expect("section"));
                words_of_title.iter().all(|w| title.iter().any(|t| t == w))
            })
            .cloned()
            .collect();
        assert!(!expected.is_empty(), "{filter}");
        assert_eq!(hits(&filtered), expected.as_slice(), "{filter}");
        assert_eq!(total(&filtered), expected.len(), "{filter}");
    }
}

#[test]
fn a_damaged_index_is_built_again_and_answers_the_same() {
    let cache = tempfile::tempdir().expect("cache dir");
    let query = "0* OR 1* OR 2* OR 3* OR 4* OR 5* OR 6* OR 7* OR 8* OR 9*";
    let first = lectern(cache.path(), &["search", SAMPLE, query, "--json"]);
    assert!(first.status.success(), "{}", stderr(&first));
    // Flip the first byte of every segment: the postings of the first word, a number.
    let mut damaged = 0;
    let mut stack = vec![cache.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("list") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "seg") {
                let mut bytes = fs::read(&path).expect("read");
                bytes[0] ^= 0x5a;
                fs::write(&path, bytes).expect("damage");
                damaged += 1;
            }
        }
    }
    assert_eq!(damaged, 1, "one segment in the cache");
    let second = lectern(cache.path(), &["search", SAMPLE, query, "--json"]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("damaged") && stderr(&second).contains("building it again"),
        "{}",
        stderr(&second)
    );
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        String::from_utf8_lossy(&first.stdout)
    );
    let third = lectern(cache.path(), &["search", SAMPLE, query, "--json"]);
    assert!(stderr(&third).is_empty(), "{}", stderr(&third));
    assert_eq!(third.stdout, first.stdout);
}

#[test]
fn an_empty_archive_has_no_hits() {
    let cache = tempfile::tempdir().expect("cache dir");
    let empty = tempfile::tempdir().expect("an empty archive");
    for query in [PHRASE, "/national/"] {
        let result = search(cache.path(), empty.path(), query, &[]);
        assert_eq!(total(&result), 0, "{query}");
        assert!(hits(&result).is_empty(), "{query}");
        assert_eq!(result["speeches"], 0, "{query}");
    }
    assert_eq!(
        fs::read_dir(empty.path()).expect("list").count(),
        0,
        "nothing written in the archive"
    );
}

#[test]
fn relevance_order_prints_the_same_hits_speech_by_speech() {
    let cache = tempfile::tempdir().expect("cache dir");
    let archive = Path::new(SAMPLE);
    let by_date = search(cache.path(), archive, "freedom", &["--limit", "0"]);
    let by_relevance = search(
        cache.path(),
        archive,
        "freedom",
        &["--limit", "0", "--sort", "relevance"],
    );
    assert_eq!(total(&by_relevance), total(&by_date));
    let mut a = places(&by_date);
    let mut b = places(&by_relevance);
    assert_ne!(a, b, "another order");
    a.sort();
    b.sort();
    assert_eq!(a, b, "the same hits");
    // Each speech's hits stay together and in reading order.
    let order = places(&by_relevance);
    let mut seen = BTreeSet::new();
    for pair in order.windows(2) {
        if pair[0].0 == pair[1].0 {
            assert!(pair[0].1 < pair[1].1, "{pair:?}");
        } else {
            assert!(seen.insert(pair[0].0.clone()), "{} split", pair[0].0);
        }
    }
}
