//! The filters of `lectern search`: speaker and date range, tags, annotation status and
//! notes, and section.

use super::*;

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
