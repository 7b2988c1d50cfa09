//! The document model: one speech as Lectern reads it.
//!
//! A [`Document`] is the cleaned, canonical text of a speech plus everything derived from it
//! — blocks (headings and numbered paragraphs), an outline of sections, inline marks for
//! rendering, metadata with the provenance of every field — and the warnings raised while
//! reading it. All spans are code-point offsets into [`Document::text`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::text::{CharIndex, CharSpan};

/// One speech, imported.
#[derive(Clone, Debug)]
pub struct Document {
    /// The canonical display text: blocks separated by a blank line, whitespace normalised,
    /// NFC, no invisible characters. Offsets everywhere are code points into this.
    pub text: String,
    pub metadata: Metadata,
    /// Headings and paragraphs in reading order; they never overlap.
    pub blocks: Vec<Block>,
    /// The outline, in reading order; `level` 1 is a top-level section.
    pub sections: Vec<Section>,
    /// Emphasis, links, speaker labels and stage directions, sorted by start.
    pub inlines: Vec<Inline>,
    pub warnings: Vec<Warning>,
    pub format: SourceFormat,
    /// Computed on first use, like the index.
    pub(crate) content_hash: OnceLock<ContentHash>,
    /// Words: whitespace-separated tokens.
    pub(crate) words: usize,
    /// Length of `text` in code points.
    pub(crate) char_len: usize,
    /// Built on first use: many documents are only summarised, never sliced.
    pub(crate) index: OnceLock<CharIndex>,
}

/// Equality of the document itself; whether its index has been built yet does not count.
impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
            && self.metadata == other.metadata
            && self.blocks == other.blocks
            && self.sections == other.sections
            && self.inlines == other.inlines
            && self.warnings == other.warnings
            && self.format == other.format
            && self.words == other.words
            && self.char_len == other.char_len
    }
}

impl Eq for Document {}

impl Document {
    /// Length of the canonical text in code points.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// The text covered by `span` (code points).
    pub fn slice(&self, span: CharSpan) -> &str {
        self.index().slice(&self.text, span)
    }

    /// Byte offset of a code-point offset, for callers that must index the `String`.
    pub fn byte_offset(&self, char_offset: usize) -> usize {
        self.index().byte_offset(&self.text, char_offset)
    }

    /// A hash of the canonical text, to tell whether a source changed under its annotations.
    pub fn content_hash(&self) -> ContentHash {
        *self
            .content_hash
            .get_or_init(|| ContentHash::of(&self.text))
    }

    fn index(&self) -> &CharIndex {
        self.index.get_or_init(|| CharIndex::new(&self.text))
    }

    /// Code-point offset of the character at (or containing) `byte_offset`.
    pub fn char_offset(&self, byte_offset: usize) -> usize {
        self.index().char_offset(&self.text, byte_offset)
    }

    /// Paragraphs (not headings), each with its ¶ number.
    pub fn paragraphs(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.number.is_some())
    }

    /// Number of words in the canonical text: whitespace-separated tokens, as `wc -w` counts
    /// them (and as catalogues such as the State of the Union corpus do).
    pub fn word_count(&self) -> usize {
        self.words
    }

    /// The block containing `char_offset`, if any.
    pub fn block_at(&self, char_offset: usize) -> Option<&Block> {
        let i = self.blocks.partition_point(|b| b.span.end <= char_offset);
        self.blocks.get(i).filter(|b| b.span.start <= char_offset)
    }

    /// The innermost section containing `char_offset`, if any.
    pub fn section_at(&self, char_offset: usize) -> Option<&Section> {
        self.sections
            .iter()
            .rev()
            .find(|s| s.span.contains(char_offset))
    }
}

/// A heading or a paragraph of the canonical text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    pub span: CharSpan,
    /// The ¶ number for citation, counted from 1 over every non-heading block.
    pub number: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum BlockKind {
    /// A section heading; its text is the section's title.
    Heading { level: u8 },
    /// Ordinary prose.
    Paragraph,
    /// A paragraph that opens with a speaker label (`The President.`, `THE PRESIDENT:`).
    SpeakerTurn {
        /// The speaker as written in the label, without its punctuation.
        speaker: String,
        /// The label itself, punctuation included.
        label: CharSpan,
    },
    /// A paragraph that is only a stage direction (`[Applause]`, `(Laughter.)`).
    StageDirection,
    /// A quotation set off from the speech (blockquote, indented block).
    Quote,
    /// An item of a list.
    ListItem,
}

/// A section of the outline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    /// 1 for top-level sections; a section contains the following sections of greater level.
    pub level: u8,
    /// The heading's own text.
    pub heading: CharSpan,
    /// From the heading to the next heading of the same or a lower level (or the end).
    pub span: CharSpan,
}

/// A mark on a run of text, for rendering and navigation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inline {
    pub span: CharSpan,
    pub kind: InlineKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum InlineKind {
    Emphasis,
    Strong,
    Link {
        url: String,
    },
    /// A speaker label at the start of a turn.
    SpeakerLabel,
    /// A stage direction inside or as a paragraph.
    StageDirection,
}

/// What kind of file a document was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    PlainText,
    /// Plain text with the marks of a web page saved as text (markdown-like headings, link
    /// lines, breadcrumbs).
    ScrapedText,
    Markdown,
    Html,
}

impl SourceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlainText => "plain_text",
            Self::ScrapedText => "scraped_text",
            Self::Markdown => "markdown",
            Self::Html => "html",
        }
    }
}

/// A stable hash of the canonical text, written `xxh3-128:<32 hex digits>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentHash(pub u128);

impl ContentHash {
    pub fn of(text: &str) -> Self {
        Self(xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "xxh3-128:{:032x}", self.0)
    }
}

impl Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ContentHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.strip_prefix("xxh3-128:")
            .and_then(|hex| u128::from_str_radix(hex, 16).ok())
            .map(Self)
            .ok_or_else(|| serde::de::Error::custom(format!("not a content hash: {s:?}")))
    }
}

/// Where a metadata field's value came from, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Edited by the researcher (stored in the sidecar).
    User,
    /// The file's own front matter or `<meta>` tags.
    FrontMatter,
    /// A catalogue CSV at the archive root.
    Catalogue,
    /// Read from the text itself: a title heading, a dateline, "Remarks by …".
    InText,
    /// Read from the file name.
    Filename,
    /// A guess from weak evidence.
    Guessed,
}

impl Provenance {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::FrontMatter => "front_matter",
            Self::Catalogue => "catalogue",
            Self::InText => "in_text",
            Self::Filename => "filename",
            Self::Guessed => "guessed",
        }
    }
}

/// A metadata value with its provenance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub provenance: Provenance,
}

/// A speech's metadata; every field remembers where it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub title: Option<Sourced<String>>,
    pub date: Option<Sourced<PartialDate>>,
    pub speakers: Option<Sourced<Vec<String>>>,
    pub place: Option<Sourced<String>>,
    pub source_url: Option<Sourced<String>>,
    /// BCP 47 language tag (`en`, `fr`).
    pub language: Option<Sourced<String>>,
}

impl Metadata {
    /// The metadata with the researcher's edits in place of what the sources said: each
    /// field set in `overrides` wins, with provenance [`Provenance::User`].
    #[must_use]
    pub fn with_overrides(&self, overrides: &crate::metadata::Overrides) -> Metadata {
        let user = |value| Sourced {
            value,
            provenance: Provenance::User,
        };
        Metadata {
            title: overrides
                .title
                .clone()
                .map(user)
                .or_else(|| self.title.clone()),
            date: overrides
                .date
                .map(|value| Sourced {
                    value,
                    provenance: Provenance::User,
                })
                .or(self.date.clone()),
            speakers: overrides
                .speakers
                .clone()
                .map(|value| Sourced {
                    value,
                    provenance: Provenance::User,
                })
                .or_else(|| self.speakers.clone()),
            place: overrides
                .place
                .clone()
                .map(user)
                .or_else(|| self.place.clone()),
            ..self.clone()
        }
    }

    pub fn title(&self) -> Option<&str> {
        self.title.as_ref().map(|s| s.value.as_str())
    }

    pub fn date(&self) -> Option<PartialDate> {
        self.date.as_ref().map(|s| s.value)
    }

    pub fn speakers(&self) -> &[String] {
        self.speakers.as_ref().map_or(&[], |s| s.value.as_slice())
    }

    /// Field name → provenance, for every field that has a value (sorted by name).
    pub fn provenance(&self) -> BTreeMap<&'static str, Provenance> {
        let mut map = BTreeMap::new();
        let mut put = |name, p: Option<Provenance>| {
            if let Some(p) = p {
                map.insert(name, p);
            }
        };
        put("title", self.title.as_ref().map(|s| s.provenance));
        put("date", self.date.as_ref().map(|s| s.provenance));
        put("speakers", self.speakers.as_ref().map(|s| s.provenance));
        put("place", self.place.as_ref().map(|s| s.provenance));
        put("source_url", self.source_url.as_ref().map(|s| s.provenance));
        put("language", self.language.as_ref().map(|s| s.provenance));
        map
    }
}

/// Something worth telling the researcher about a document that was still imported.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Not UTF-8; decoded with a fallback encoding.
    Encoding,
    /// Page chrome (navigation, footers, link lists) was removed.
    ChromeRemoved,
    /// Lines or paragraphs were re-joined.
    Rejoined,
    /// Malformed front matter, catalogue rows or markup.
    Markup,
    /// A metadata source disagreed with a stronger one.
    MetadataConflict,
    /// The document has no text.
    Empty,
}

impl WarningKind {
    /// Whether the warning only says how the text was cleaned (page chrome removed,
    /// paragraphs re-joined): worth a look, but not a problem with the file.
    pub fn is_cleaning(self) -> bool {
        matches!(self, Self::ChromeRemoved | Self::Rejoined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::Overrides;

    #[test]
    fn the_researchers_edits_win_and_name_themselves() {
        let metadata = Metadata {
            title: Some(Sourced {
                value: "1790-Washington-1".into(),
                provenance: Provenance::Filename,
            }),
            date: Some(Sourced {
                value: PartialDate::year(1790),
                provenance: Provenance::Catalogue,
            }),
            ..Metadata::default()
        };
        let overrides = Overrides {
            title: Some("First Annual Message".into()),
            place: Some("Federal Hall, New York".into()),
            ..Overrides::default()
        };
        let edited = metadata.with_overrides(&overrides);
        assert_eq!(edited.title(), Some("First Annual Message"));
        assert_eq!(
            edited.title.as_ref().map(|t| t.provenance),
            Some(Provenance::User)
        );
        assert_eq!(edited.date, metadata.date, "a field not edited stays");
        assert_eq!(
            edited.place.map(|p| p.value).as_deref(),
            Some("Federal Hall, New York")
        );
        assert_eq!(metadata.with_overrides(&Overrides::default()), metadata);
    }
}
