//! The sidecar format: every released version keeps loading (golden files), and any set of
//! notes survives a round trip through RON unchanged.

use lectern_core::annotation::sidecar::{read_speech, write_speech};
use lectern_core::annotation::{
    AnchorStatus, Annotation, AnnotationId, SpeechNotes, TagName, Target, TextQuote, Timestamp,
};
use lectern_core::document::ContentHash;
use lectern_core::metadata::Overrides;
use lectern_core::{CharSpan, PartialDate};
use proptest::prelude::*;

#[test]
fn version_1_golden_file_loads() {
    let text = include_str!("golden/v1.notes.ron");
    let notes = read_speech(text).expect("version 1 loads");
    assert_eq!(
        notes.memo,
        "A memo\nover two lines, with \"quotes\" and ünïcödé."
    );
    assert_eq!(notes.tags, [TagName::new("security")]);
    assert_eq!(notes.overrides.date, PartialDate::parse_iso("2024-10-08"));
    assert_eq!(notes.annotations.len(), 2);
    let first = &notes.annotations[0];
    assert_eq!(first.target.span, CharSpan::new(1210, 1236));
    assert_eq!(first.target.quote.exact, "43 late-stage attack plots");
    assert_eq!(
        first.tags,
        [TagName::new("figures"), TagName::new("terrorism")]
    );
    assert_eq!(first.created.to_string(), "2026-11-27T13:27:00.000Z");
    let second = &notes.annotations[1];
    assert_eq!(
        (
            second.note.as_str(),
            second.tags.len(),
            second.author.as_ref()
        ),
        ("", 0, None)
    );
    // Loading and writing again gives the same file: the format is stable.
    assert_eq!(write_speech(&notes), text);
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z \n\"#\\\\()]{0,40}",
        Just("r#\"raw\"# and \"## quote".to_owned()),
        Just("x".repeat(20_000)),
    ]
}

prop_compose! {
    fn annotation()(
        id in "[0-9A-HJKMNP-TV-Z]{26}",
        start in 0usize..100_000,
        len in 0usize..5_000,
        exact in text(),
        prefix in text(),
        suffix in text(),
        note in text(),
        tags in proptest::collection::vec("[\\PC]{1,12}", 0..4),
        created in 0i64..4_000_000_000_000,
        author in proptest::option::of(text()),
        hash in any::<u128>(),
    ) -> Annotation {
        let mut a = Annotation {
            id: AnnotationId(id),
            target: Target {
                span: CharSpan::new(start, start + len),
                quote: TextQuote { exact, prefix, suffix },
                text_hash: ContentHash(hash),
            },
            note,
            tags: tags.into_iter().map(TagName).collect(),
            created: Timestamp::from_millis(created),
            modified: Timestamp::from_millis(created + 1),
            author,
            conflict_with: None,
            status: AnchorStatus::Exact,
        };
        a.normalise_tags();
        a
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_notes_round_trip(
        memo in text(),
        tags in proptest::collection::vec("[\\PC]{1,12}", 0..4),
        title in proptest::option::of(text()),
        annotations in proptest::collection::vec(annotation(), 0..6),
    ) {
        let mut notes = SpeechNotes {
            memo,
            tags: tags.into_iter().map(TagName).collect(),
            overrides: Overrides { title, ..Overrides::default() },
            annotations,
        };
        notes.tags.sort();
        notes.tags.dedup();
        notes.annotations.dedup_by(|a, b| a.id == b.id);
        notes.sort();
        let written = write_speech(&notes);
        let read = read_speech(&written).map_err(|e| TestCaseError::fail(format!("{e}\n{written}")))?;
        prop_assert_eq!(&read, &notes);
        prop_assert_eq!(write_speech(&read), written);
    }
}
