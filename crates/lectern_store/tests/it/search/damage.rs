//! A damaged or stale index is never trusted: a truncated segment, damaged bytes in a
//! segment's catalogue of speeches, and a manifest that is garbage, of another version or
//! folder, or out of step with its segments each make the next open build the index again,
//! which then answers like a clean build; damaged postings fail the search that reads them
//! rather than answer it, and a rebuild answers again.

use std::fs;

use lectern_core::search::index::IndexError;
use lectern_store::Freshness;
use serde_json::Value;

use super::{Archive, assert_built, assert_same_answers, found, try_found};

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
