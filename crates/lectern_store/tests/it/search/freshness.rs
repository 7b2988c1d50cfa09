//! Keeping the index up to date with the archive: speeches changed, added and deleted are
//! indexed again on the next open or sync, in a small segment of their own while changes
//! are few and in a new build once they pile up or the catalogue changes; a file that is not
//! a speech is remembered, not read again, until it changes; and every update answers like
//! a clean build and is reused as it is by the next open.

use std::collections::BTreeMap;
use std::fs;
use std::sync::atomic::AtomicBool;
use std::time::SystemTime;

use lectern_store::{Freshness, SearchIndex, load_archive};

use super::{Archive, BUSH, GETTYSBURG, SPEECHES, assert_built, assert_same_answers, found, paths};

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
