//! The RON files Lectern keeps next to the sources.
//!
//! `speech.txt.notes.ron` holds one speech's memo, tags, metadata edits and annotations;
//! `lectern.ron` at the archive root holds the tag vocabulary and archive settings. Both
//! open with `version`, write fields in a fixed order, annotations in reading order one block
//! each, and strings with real line breaks — so two researchers' changes merge line by line
//! in git. Every released version keeps loading: [`read_speech`] accepts version 1 and
//! refuses newer versions with a clear message instead of guessing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::annotation::{
    AnchorStatus, Annotation, AnnotationId, SpeechNotes, TagDef, TagName, Target, TextQuote,
    Timestamp, Vocabulary,
};
use crate::date::PartialDate;
use crate::document::ContentHash;
use crate::metadata::Overrides;
use crate::text::CharSpan;

/// The version this code writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// Appended to a source's file name to name its sidecar.
pub const SIDECAR_SUFFIX: &str = ".notes.ron";

/// The archive-level file at the archive root.
pub const ARCHIVE_FILE: &str = "lectern.ron";

/// Why a sidecar or archive file could not be read. Positions are 1-based.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SidecarError {
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "written by a newer Lectern (format version {found}; this one reads up to {FORMAT_VERSION})"
    )]
    NewerVersion { found: u32 },
    #[error("line {line}: annotation {id}: {message}")]
    Invalid {
        line: usize,
        id: String,
        message: String,
    },
    #[error("line {line}: not UTF-8 (byte {byte}); was the file saved in another encoding?")]
    NotUtf8 { line: usize, byte: usize },
}

/// The text of a sidecar's bytes, refusing anything that is not UTF-8: replacing bad bytes
/// would silently change the notes on the next save.
pub fn utf8(bytes: &[u8]) -> Result<&str, SidecarError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let byte = e.valid_up_to();
        SidecarError::NotUtf8 {
            line: bytecount::count(&bytes[..byte], b'\n') + 1,
            byte,
        }
    })
}

#[derive(Serialize, Deserialize)]
struct SpeechFile {
    version: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    memo: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<TagName>,
    #[serde(default, skip_serializing_if = "MetadataFile::is_empty")]
    metadata: MetadataFile,
    #[serde(default)]
    annotations: Vec<AnnotationFile>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
struct MetadataFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<PartialDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speakers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<String>,
}

impl MetadataFile {
    fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.date.is_none()
            && self.speakers.is_none()
            && self.place.is_none()
    }
}

/// One annotation as stored. `start` and `end` are code points, end exclusive.
#[derive(Serialize, Deserialize)]
struct AnnotationFile {
    id: AnnotationId,
    start: usize,
    end: usize,
    quote: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    prefix: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    suffix: String,
    text_hash: ContentHash,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<TagName>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
    created: Timestamp,
    modified: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    conflict_with: Option<AnnotationId>,
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

fn pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .indentor("    ")
        .new_line("\n")
        .struct_names(false)
        .separate_tuple_members(false)
        .escape_strings(false)
}

/// The sidecar text for a speech's notes.
pub fn write_speech(notes: &SpeechNotes) -> String {
    let mut annotations: Vec<&Annotation> = notes.annotations.iter().collect();
    annotations.sort_by(|a, b| {
        (a.target.span.start, a.target.span.end, &a.id).cmp(&(
            b.target.span.start,
            b.target.span.end,
            &b.id,
        ))
    });
    let mut tags = notes.tags.clone();
    tags.sort();
    tags.dedup();
    let file = SpeechFile {
        version: FORMAT_VERSION,
        memo: notes.memo.clone(),
        tags,
        metadata: MetadataFile {
            title: notes.overrides.title.clone(),
            date: notes.overrides.date,
            speakers: notes.overrides.speakers.clone(),
            place: notes.overrides.place.clone(),
        },
        annotations: annotations.into_iter().map(annotation_file).collect(),
    };
    to_ron(&file)
}

fn annotation_file(a: &Annotation) -> AnnotationFile {
    let mut tags = a.tags.clone();
    tags.sort();
    tags.dedup();
    AnnotationFile {
        id: a.id.clone(),
        start: a.target.span.start,
        end: a.target.span.end,
        quote: a.target.quote.exact.clone(),
        prefix: a.target.quote.prefix.clone(),
        suffix: a.target.quote.suffix.clone(),
        text_hash: a.target.text_hash,
        tags,
        note: a.note.clone(),
        created: a.created,
        modified: a.modified,
        author: a.author.clone(),
        conflict_with: a.conflict_with.clone(),
    }
}

fn to_ron<T: Serialize>(value: &T) -> String {
    // These values are plain strings, numbers, lists and maps with string keys, which RON
    // always serialises; an empty text here would be written over a sidecar.
    let mut text = ron::ser::to_string_pretty(value, pretty()).expect("notes serialise to RON");
    text.push('\n');
    text
}

/// Reads a speech's sidecar. Statuses start as exact; anchoring against the current text
/// decides them.
pub fn read_speech(text: &str) -> Result<SpeechNotes, SidecarError> {
    check_version(text)?;
    let file: SpeechFile = ron::from_str(text).map_err(syntax)?;
    let mut annotations = Vec::with_capacity(file.annotations.len());
    let mut seen = std::collections::BTreeSet::new();
    for a in file.annotations {
        if !seen.insert(a.id.clone()) {
            return Err(SidecarError::Invalid {
                line: line_of(text, &format!("\"{}\"", a.id.0)),
                id: a.id.0,
                message: "the id is used twice".into(),
            });
        }
        if a.end < a.start {
            return Err(SidecarError::Invalid {
                line: line_of(text, &a.id.0),
                id: a.id.0,
                message: format!("end {} is before start {}", a.end, a.start),
            });
        }
        let mut annotation = Annotation {
            id: a.id,
            target: Target {
                span: CharSpan::new(a.start, a.end),
                quote: TextQuote {
                    exact: a.quote,
                    prefix: a.prefix,
                    suffix: a.suffix,
                },
                text_hash: a.text_hash,
            },
            note: a.note,
            tags: a.tags,
            created: a.created,
            modified: a.modified,
            author: a.author,
            conflict_with: a.conflict_with,
            status: AnchorStatus::Exact,
        };
        annotation.normalise_tags();
        annotations.push(annotation);
    }
    let mut notes = SpeechNotes {
        memo: file.memo,
        tags: file.tags,
        overrides: Overrides {
            title: file.metadata.title,
            date: file.metadata.date,
            speakers: file.metadata.speakers,
            place: file.metadata.place,
        },
        annotations,
    };
    notes.tags.sort();
    notes.tags.dedup();
    notes.sort();
    Ok(notes)
}

/// Settings kept for the whole archive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArchiveSettings {
    /// Written into new annotations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Where sidecars go when the archive folder cannot be written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ArchiveFile {
    version: u32,
    #[serde(default)]
    tags: BTreeMap<TagName, TagDef>,
    #[serde(default)]
    settings: ArchiveSettings,
}

/// The `lectern.ron` text for a vocabulary and settings.
pub fn write_archive(vocabulary: &Vocabulary, settings: &ArchiveSettings) -> String {
    to_ron(&ArchiveFile {
        version: FORMAT_VERSION,
        tags: vocabulary.tags.clone(),
        settings: settings.clone(),
    })
}

/// Reads `lectern.ron`.
pub fn read_archive(text: &str) -> Result<(Vocabulary, ArchiveSettings), SidecarError> {
    check_version(text)?;
    let file: ArchiveFile = ron::from_str(text).map_err(syntax)?;
    Ok((Vocabulary { tags: file.tags }, file.settings))
}

fn check_version(text: &str) -> Result<(), SidecarError> {
    // Read the version alone first, so a newer file is refused for what it is rather than
    // for a field this version does not know.
    let options = ron::Options::default();
    match options.from_str::<VersionOnly>(text) {
        Ok(v) if v.version > FORMAT_VERSION => Err(SidecarError::NewerVersion { found: v.version }),
        _ => Ok(()),
    }
}

#[allow(clippy::needless_pass_by_value)] // the signature `map_err` wants
fn syntax(err: ron::error::SpannedError) -> SidecarError {
    SidecarError::Syntax {
        line: err.span.start.line,
        column: err.span.start.col,
        message: err.code.to_string(),
    }
}

/// The line where `needle` first occurs (1-based), for messages.
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(1, |i| text[..i].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Colour, TagDef};

    fn sample() -> SpeechNotes {
        SpeechNotes {
            memo: "A memo\nover two lines, with \"quotes\" and ünïcödé.".into(),
            tags: vec![TagName::new("security")],
            overrides: Overrides {
                title: Some("Threat update".into()),
                ..Overrides::default()
            },
            annotations: vec![Annotation {
                id: AnnotationId("01JAB3C4D5E6F7G8H9J0KMNPQR".into()),
                target: Target {
                    span: CharSpan::new(406, 451),
                    quote: TextQuote {
                        exact: "43 late-stage attack plots".into(),
                        prefix: "the police have together disrupted ".into(),
                        suffix: ". Some of those plotters".into(),
                    },
                    text_hash: ContentHash(0xbde8_b143_faa8_de8d_c953_1c56_ad02_3dc3),
                },
                note: "**Key figure**\n\nCompare with 2023.".into(),
                tags: vec![TagName::new("terrorism"), TagName::new("figures")],
                created: Timestamp::parse("2026-11-27T13:27:00.000Z").unwrap(),
                modified: Timestamp::parse("2026-11-27T13:30:00.000Z").unwrap(),
                author: Some("A. Researcher".into()),
                conflict_with: None,
                status: AnchorStatus::Exact,
            }],
        }
    }

    #[test]
    fn round_trip_and_determinism() {
        let mut notes = sample();
        notes.annotations[0].normalise_tags();
        let text = write_speech(&notes);
        assert!(text.starts_with("(\n    version: 1,\n"), "{text}");
        assert_eq!(read_speech(&text).unwrap(), notes);
        assert_eq!(
            write_speech(&read_speech(&text).unwrap()),
            text,
            "writing is deterministic"
        );
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let text = write_speech(&sample()).replace("start: 406,", "start: 406");
        let err = read_speech(&text).unwrap_err();
        assert!(
            matches!(err, SidecarError::Syntax { line, .. } if line > 5),
            "{err}"
        );
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let mut notes = sample();
        notes.annotations.push(notes.annotations[0].clone());
        let err = read_speech(&write_speech(&notes)).unwrap_err();
        assert!(
            matches!(err, SidecarError::Invalid { ref message, .. } if message.contains("twice")),
            "{err}"
        );
    }

    #[test]
    fn newer_versions_are_refused() {
        let text =
            write_speech(&sample()).replace("version: 1,", "version: 9,\n    future_field: 3,");
        assert_eq!(
            read_speech(&text).unwrap_err(),
            SidecarError::NewerVersion { found: 9 }
        );
    }

    #[test]
    fn archive_file_round_trips() {
        let mut vocabulary = Vocabulary::default();
        vocabulary.tags.insert(
            TagName::new("terrorism"),
            TagDef {
                colour: Colour::parse("#d94f4f"),
                description: "Plots and attacks".into(),
                parent: Some(TagName::new("security")),
            },
        );
        vocabulary
            .tags
            .insert(TagName::new("security"), TagDef::default());
        let settings = ArchiveSettings {
            author: Some("A. Researcher".into()),
            mirror: None,
        };
        let text = write_archive(&vocabulary, &settings);
        assert_eq!(read_archive(&text).unwrap(), (vocabulary, settings));
    }
}
