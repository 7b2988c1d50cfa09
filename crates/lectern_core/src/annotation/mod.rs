//! Annotations: anchored highlights with notes and tags, a speech's memo and metadata edits,
//! and the archive's tag vocabulary.
//!
//! An annotation's target is a span of a speech's canonical text (code points, end
//! exclusive) together with a W3C-style quote selector — the exact quote and about 32
//! characters on either side — and the hash of the text it was made on. The span says where;
//! the quote says what; the hash says whether the text has changed since, in which case
//! [`anchor::reanchor`] finds the passage again or reports honestly that it cannot.
//!
//! Times and identifiers come from outside: this crate has no clock and no randomness.

pub mod anchor;
pub mod edit;
pub mod merge;
pub mod sidecar;
pub mod tag_edits;
pub mod time;
mod vocabulary;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use self::time::Timestamp;
pub use self::vocabulary::{Colour, DEFAULT_TAG_COLOUR, TAG_PALETTE, TagDef, Vocabulary};
use crate::document::ContentHash;
use crate::metadata::Overrides;
use crate::text::CharSpan;

/// A stable annotation identifier: a ULID (26 characters, Crockford base32), which sorts by
/// creation time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnnotationId(pub String);

impl AnnotationId {
    /// A ULID from a creation time and 80 random bits supplied by the caller.
    pub fn ulid(time: Timestamp, random: u128) -> Self {
        const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let millis = u128::from(time.millis().max(0).cast_unsigned()) & ((1 << 48) - 1);
        let value = (millis << 80) | (random & ((1 << 80) - 1));
        let id: String = (0..26)
            .rev()
            .map(|i| char::from(ALPHABET[((value >> (i * 5)) & 31) as usize]))
            .collect();
        Self(id)
    }
}

impl fmt::Display for AnnotationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tag's name, as the researcher typed it (trimmed). Tags are compared by name exactly.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TagName(pub String);

impl TagName {
    pub fn new(name: &str) -> Self {
        Self(name.trim().to_owned())
    }
}

impl fmt::Display for TagName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The W3C `TextQuoteSelector`: the exact passage and the text around it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextQuote {
    pub exact: String,
    /// Up to [`anchor::CONTEXT_CHARS`] code points before the passage.
    pub prefix: String,
    /// Up to [`anchor::CONTEXT_CHARS`] code points after the passage.
    pub suffix: String,
}

/// Where an annotation points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Code points into the canonical text, end exclusive.
    pub span: CharSpan,
    pub quote: TextQuote,
    /// The canonical text the span was measured in.
    pub text_hash: ContentHash,
}

/// How an annotation's target was found in the current text.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum AnchorStatus {
    /// The passage is where it was, word for word.
    #[default]
    Exact,
    /// The same words, found elsewhere in a changed text.
    Relocated,
    /// A close match found through its context: the researcher should look at it.
    Fuzzy,
    /// Not found; kept with its quote so nothing is lost, waiting to be re-attached.
    Orphaned,
}

impl AnchorStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Relocated => "relocated",
            Self::Fuzzy => "fuzzy",
            Self::Orphaned => "orphaned",
        }
    }
}

/// A highlight with its note and tags. Two annotations are equal when everything stored is
/// equal; the anchoring status is worked out again on every load and does not count.
#[derive(Clone, Debug)]
pub struct Annotation {
    pub id: AnnotationId,
    pub target: Target,
    /// Markdown.
    pub note: String,
    /// Sorted, without duplicates.
    pub tags: Vec<TagName>,
    pub created: Timestamp,
    pub modified: Timestamp,
    pub author: Option<String>,
    /// Set on a copy made when two saves changed this annotation differently: the id of the
    /// annotation it conflicts with. The researcher keeps one and deletes the other.
    pub conflict_with: Option<AnnotationId>,
    /// How the target was found when the annotation was last anchored (not stored: it is
    /// worked out again on every load).
    pub status: AnchorStatus,
}

impl PartialEq for Annotation {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.target == other.target
            && self.note == other.note
            && self.tags == other.tags
            && self.created == other.created
            && self.modified == other.modified
            && self.author == other.author
            && self.conflict_with == other.conflict_with
    }
}

impl Eq for Annotation {}

impl Annotation {
    /// Sorts and deduplicates the tags, as stored.
    pub fn normalise_tags(&mut self) {
        self.tags.sort();
        self.tags.dedup();
    }

    pub fn has_tag(&self, tag: &TagName) -> bool {
        self.tags.binary_search(tag).is_ok()
    }
}

/// Everything the researcher has added to one speech.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpeechNotes {
    pub memo: String,
    /// Tags for the speech as a whole; sorted.
    pub tags: Vec<TagName>,
    pub overrides: Overrides,
    /// In reading order: by start, then end, then id.
    pub annotations: Vec<Annotation>,
}

impl SpeechNotes {
    /// Whether there is nothing to store (no sidecar file is written then).
    pub fn is_empty(&self) -> bool {
        self.memo.is_empty()
            && self.tags.is_empty()
            && self.overrides == Overrides::default()
            && self.annotations.is_empty()
    }

    pub fn annotation(&self, id: &AnnotationId) -> Option<&Annotation> {
        self.annotations.iter().find(|a| &a.id == id)
    }

    /// The notes as they are to be stored, given `stored`, the notes as they were read. An
    /// annotation whose new place the researcher has not confirmed (fuzzy or orphaned) keeps
    /// the target it was stored with, so a guess is never written over the original.
    #[must_use]
    pub fn stored_form(&self, stored: &SpeechNotes) -> SpeechNotes {
        let mut notes = self.clone();
        for annotation in &mut notes.annotations {
            if matches!(
                annotation.status,
                AnchorStatus::Fuzzy | AnchorStatus::Orphaned
            ) && let Some(original) = stored.annotation(&annotation.id)
            {
                annotation.target = original.target.clone();
            }
        }
        notes.sort();
        notes
    }

    /// Restores reading order after annotations were added or moved.
    pub fn sort(&mut self) {
        self.annotations.sort_by(|a, b| {
            (a.target.span.start, a.target.span.end, &a.id).cmp(&(
                b.target.span.start,
                b.target.span.end,
                &b.id,
            ))
        });
    }
}

/// All annotations of an archive: the vocabulary and each speech's notes, by the speech's
/// path relative to the archive root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notebook {
    pub vocabulary: Vocabulary,
    pub speeches: BTreeMap<String, SpeechNotes>,
}

impl Notebook {
    /// How many annotations use each tag (speech-level tags not counted), sorted by name.
    pub fn tag_counts(&self) -> BTreeMap<&TagName, usize> {
        let mut counts: BTreeMap<&TagName, usize> =
            self.vocabulary.tags.keys().map(|t| (t, 0)).collect();
        for notes in self.speeches.values() {
            for annotation in &notes.annotations {
                for tag in &annotation.tags {
                    *counts.entry(tag).or_insert(0) += 1;
                }
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_tags_take_unused_palette_colours_in_turn() {
        let mut v = Vocabulary::default();
        let mut given = Vec::new();
        for i in 0..TAG_PALETTE.len() + 2 {
            let colour = v.next_colour();
            given.push(colour);
            v.tags.insert(
                TagName::new(&format!("t{i}")),
                TagDef {
                    colour: Some(colour),
                    ..TagDef::default()
                },
            );
        }
        assert_eq!(given[..TAG_PALETTE.len()], TAG_PALETTE);
        // A colour freed by a deleted tag is the next one given.
        v.tags.remove(&TagName::new("t3"));
        assert_eq!(v.next_colour(), TAG_PALETTE[3]);
    }

    #[test]
    fn unconfirmed_places_are_stored_as_they_were() {
        let stored_target = Target {
            span: CharSpan::new(10, 15),
            quote: TextQuote {
                exact: "words".into(),
                ..TextQuote::default()
            },
            text_hash: crate::document::ContentHash(1),
        };
        let annotation = |id: &str, start: usize, status| Annotation {
            id: AnnotationId(id.into()),
            target: Target {
                span: CharSpan::new(start, start + 5),
                ..stored_target.clone()
            },
            note: String::new(),
            tags: Vec::new(),
            created: Timestamp::from_millis(0),
            modified: Timestamp::from_millis(0),
            author: None,
            conflict_with: None,
            status,
        };
        let stored = SpeechNotes {
            annotations: ["a", "b", "c"]
                .map(|id| annotation(id, 10, AnchorStatus::Exact))
                .to_vec(),
            ..SpeechNotes::default()
        };
        let current = SpeechNotes {
            annotations: vec![
                annotation("a", 20, AnchorStatus::Relocated),
                annotation("b", 30, AnchorStatus::Fuzzy),
                annotation("c", 40, AnchorStatus::Orphaned),
                annotation("d", 0, AnchorStatus::Fuzzy),
            ],
            ..SpeechNotes::default()
        };
        let starts: Vec<(String, usize)> = current
            .stored_form(&stored)
            .annotations
            .iter()
            .map(|a| (a.id.0.clone(), a.target.span.start))
            .collect();
        // A relocated place is certain and is stored; fuzzy and orphaned ones keep theirs;
        // one never stored has only the place it has.
        assert_eq!(
            starts,
            [
                ("d".into(), 0),
                ("b".into(), 10),
                ("c".into(), 10),
                ("a".into(), 20)
            ]
        );
    }

    #[test]
    fn ulid_shape_and_order() {
        let a = AnnotationId::ulid(Timestamp::from_millis(1_700_000_000_000), 1);
        let b = AnnotationId::ulid(Timestamp::from_millis(1_700_000_000_001), 0);
        assert_eq!(a.0.len(), 26);
        assert!(a < b, "ULIDs sort by time");
        assert!(
            a.0.chars()
                .all(|c| c.is_ascii_alphanumeric() && !"ILOU".contains(c))
        );
    }

    #[test]
    fn colours_inherit_and_cycles_end() {
        let mut v = Vocabulary::default();
        let (parent, child, orphan) = (
            TagName::new("security"),
            TagName::new("terrorism"),
            TagName::new("x"),
        );
        v.tags.insert(
            parent.clone(),
            TagDef {
                colour: Colour::parse("#112233"),
                ..TagDef::default()
            },
        );
        v.tags.insert(
            child.clone(),
            TagDef {
                parent: Some(parent.clone()),
                ..TagDef::default()
            },
        );
        assert_eq!(v.colour(&child).to_string(), "#112233");
        assert_eq!(v.colour(&orphan), DEFAULT_TAG_COLOUR);
        v.tags.insert(
            parent.clone(),
            TagDef {
                parent: Some(child.clone()),
                ..TagDef::default()
            },
        );
        assert_eq!(
            v.colour(&child),
            DEFAULT_TAG_COLOUR,
            "a cycle ends the walk"
        );
        assert_eq!(v.lineage(&child), [&child, &parent]);
    }
}
