//! What `lectern search --json` prints: hits whose offsets cut the words found out of the
//! canonical text, regular expressions and case, a bad query's message, an empty archive,
//! and relevance order.

use super::*;

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
