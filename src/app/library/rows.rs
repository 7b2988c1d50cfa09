//! The library's rows and what narrows them: a row per speech (with the researcher's
//! overrides, counts and tags, and the text the quick filter searches), the status and
//! filter choices, and the matching rules.

use lectern_core::PartialDate;
use lectern_core::annotation::{AnchorStatus, TagName};

use crate::app::Archive;

/// Which speeches the status filter keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    Any,
    Annotated,
    NotAnnotated,
    /// Annotations whose place changed with the source: to review.
    ToReview,
    /// Import notes (warnings).
    ImportNotes,
}

impl Status {
    pub(super) const ALL: [Status; 5] = [
        Status::Any,
        Status::Annotated,
        Status::NotAnnotated,
        Status::ToReview,
        Status::ImportNotes,
    ];

    pub(super) fn label(self) -> &'static str {
        match self {
            Status::Any => "Any status",
            Status::Annotated => "Annotated",
            Status::NotAnnotated => "Not annotated",
            Status::ToReview => "Annotations to review",
            Status::ImportNotes => "With import notes",
        }
    }
}

/// One speech as the table shows it.
pub(super) struct Row {
    pub(super) index: usize,
    pub(super) date: Option<PartialDate>,
    pub(super) date_text: String,
    pub(super) title: String,
    pub(super) speaker: String,
    pub(super) speakers: Vec<String>,
    pub(super) annotations: usize,
    /// Tags of the speech and of its annotations, sorted.
    pub(super) tags: Vec<TagName>,
    pub(super) tags_text: String,
    pub(super) to_review: bool,
    pub(super) import_notes: bool,
    /// Everything the quick filter looks at, in lower case.
    pub(super) haystack: String,
}

/// The filters beside the quick filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {
    pub speaker: Option<String>,
    pub tag: Option<TagName>,
    pub status: Status,
    /// Typed years or dates (`1900`, `1941-12`, `1941-12-08`); empty for open.
    pub from: String,
    pub to: String,
}

pub(super) fn row(archive: &Archive, index: usize) -> Row {
    let (path, doc) = &archive.speeches[index];
    let notes = archive.notes_of(path);
    let metadata = match notes {
        Some(n) => std::borrow::Cow::Owned(doc.metadata.with_overrides(&n.overrides)),
        None => std::borrow::Cow::Borrowed(&doc.metadata),
    };
    let title = metadata
        .title()
        .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path))
        .to_owned();
    let speakers = metadata.speakers().to_vec();
    let speaker = speakers.join(", ");
    let date = metadata.date();
    let date_text = date.map(|d| d.to_string()).unwrap_or_default();
    let mut tags: Vec<TagName> = notes
        .map(|n| {
            n.tags
                .iter()
                .chain(n.annotations.iter().flat_map(|a| &a.tags))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    tags.sort();
    tags.dedup();
    let tags_text = tags
        .iter()
        .map(|t| t.0.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let haystack = format!("{title} {speaker} {date_text} {path} {tags_text}").to_lowercase();
    Row {
        index,
        date,
        date_text,
        title,
        speaker,
        speakers,
        annotations: notes.map_or(0, |n| n.annotations.len()),
        to_review: notes.is_some_and(|n| {
            n.annotations
                .iter()
                .any(|a| matches!(a.status, AnchorStatus::Fuzzy | AnchorStatus::Orphaned))
        }),
        import_notes: !doc.warnings.is_empty(),
        tags,
        tags_text,
        haystack,
    }
}

/// Whether a word of the quick filter matches: found as typed, or (four letters or more)
/// with its letters in order within one word of the row, so `mcalum` finds `McCallum`.
pub(super) fn word_matches(word: &str, haystack: &str) -> bool {
    if haystack.contains(word) {
        return true;
    }
    if word.chars().count() < 4 {
        return false;
    }
    let first = word.chars().next();
    haystack.split_whitespace().any(|token| {
        token.chars().next() == first && {
            let mut rest = token.chars();
            word.chars().all(|c| rest.any(|t| t == c))
        }
    })
}

/// A typed bound of the date range: the earliest (`end` false) or latest date it means.
pub(super) fn bound(text: &str, end: bool) -> Option<PartialDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let date = PartialDate::parse_iso(text)?;
    if !end {
        return Some(date);
    }
    // "1941" as an upper bound means up to its last day.
    Some(match date.precision() {
        1 => PartialDate::ymd(date.year, 12, 31).unwrap_or(date),
        2 => PartialDate::ymd(date.year, date.month.unwrap_or(12), 31)
            .or_else(|| PartialDate::ymd(date.year, date.month.unwrap_or(12), 30))
            .or_else(|| PartialDate::ymd(date.year, date.month.unwrap_or(12), 29))
            .or_else(|| PartialDate::ymd(date.year, date.month.unwrap_or(12), 28))
            .unwrap_or(date),
        _ => date,
    })
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_filter_words_forgive_missing_letters() {
        let row = "director general ken mccallum gives latest threat update";
        assert!(word_matches("mccallum", row));
        assert!(
            word_matches("mcalum", row),
            "letters in order within a word"
        );
        assert!(!word_matches("mcx", row), "short words must match as typed");
        assert!(!word_matches("kallum", row), "the first letter must agree");
    }

    #[test]
    fn date_bounds_cover_whole_years_and_months() {
        assert_eq!(bound("1941", false), PartialDate::parse_iso("1941"));
        assert_eq!(bound("1941", true), PartialDate::ymd(1941, 12, 31));
        assert_eq!(bound("1900-02", true), PartialDate::ymd(1900, 2, 28));
        assert_eq!(bound(" ", true), None);
        assert_eq!(bound("last year", false), None);
    }
}
