//! From an archive's speeches and notes to what the timeline draws: each speech's date (with
//! the researcher's own date where there is one) and lanes, and a tag's passages per year.

use std::collections::BTreeSet;

use super::{Entry, TagCounts, tag_counts};
use crate::annotation::{SpeechNotes, TagName, Vocabulary};
use crate::document::Document;

/// What the lanes are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grouping {
    #[default]
    Speaker,
    Place,
    Language,
    /// The source format (plain text, Markdown, HTML…).
    Format,
    /// The tags of the speech and of its passages.
    Tag,
    /// One lane for everything.
    None,
}

impl Grouping {
    /// The grouping named on a command line or in a menu.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "speaker" | "speakers" => Grouping::Speaker,
            "place" => Grouping::Place,
            "language" => Grouping::Language,
            "format" => Grouping::Format,
            "tag" | "tags" => Grouping::Tag,
            "none" | "all" => Grouping::None,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Grouping::Speaker => "Speaker",
            Grouping::Place => "Place",
            Grouping::Language => "Language",
            Grouping::Format => "Format",
            Grouping::Tag => "Tag",
            Grouping::None => "One lane",
        }
    }

    pub const ALL: [Grouping; 6] = [
        Grouping::Speaker,
        Grouping::Place,
        Grouping::Language,
        Grouping::Format,
        Grouping::Tag,
        Grouping::None,
    ];
}

/// The timeline entries of `speeches` (index = position in the slice). `notes` gives a
/// speech's notes by path.
pub fn entries<'a>(
    speeches: &[(String, Document)],
    notes: &dyn Fn(&str) -> Option<&'a SpeechNotes>,
    grouping: Grouping,
) -> Vec<Entry> {
    speeches
        .iter()
        .enumerate()
        .map(|(item, (path, doc))| {
            let notes = notes(path);
            let metadata = match notes {
                Some(n) => doc.metadata.with_overrides(&n.overrides),
                None => doc.metadata.clone(),
            };
            let lanes = match grouping {
                Grouping::Speaker => metadata.speakers().to_vec(),
                Grouping::Place => metadata.place.iter().map(|p| p.value.clone()).collect(),
                Grouping::Language => metadata.language.iter().map(|l| l.value.clone()).collect(),
                Grouping::Format => vec![doc.format.as_str().to_owned()],
                Grouping::Tag => notes
                    .map(|n| {
                        n.tags
                            .iter()
                            .chain(n.annotations.iter().flat_map(|a| &a.tags))
                            .map(|t| t.0.clone())
                            .collect::<BTreeSet<_>>()
                            .into_iter()
                            .collect()
                    })
                    .unwrap_or_default(),
                Grouping::None => vec!["All speeches".to_owned()],
            };
            Entry {
                item,
                date: metadata.date(),
                lanes,
            }
        })
        .collect()
}

/// The coded passages of `tag` per year over `speeches` (undated speeches have no year and
/// are left out of the chart).
pub fn passages<'a>(
    tag: &TagName,
    speeches: &[(String, Document)],
    notes: &dyn Fn(&str) -> Option<&'a SpeechNotes>,
    vocabulary: &Vocabulary,
) -> TagCounts {
    let mut per_passage: Vec<(i32, Vec<Vec<&str>>)> = Vec::new();
    for (path, doc) in speeches {
        let Some(n) = notes(path) else { continue };
        let Some(date) = doc.metadata.with_overrides(&n.overrides).date() else {
            continue;
        };
        for annotation in &n.annotations {
            let lineages: Vec<Vec<&str>> = annotation
                .tags
                .iter()
                .map(|t| {
                    vocabulary
                        .lineage(t)
                        .into_iter()
                        .map(|l| l.0.as_str())
                        .collect()
                })
                .collect();
            if !lineages.is_empty() {
                per_passage.push((date.year, lineages));
            }
        }
    }
    tag_counts(&tag.0, per_passage.iter().map(|(y, l)| (*y, l.as_slice())))
}
