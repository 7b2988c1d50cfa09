//! The report of a check or a load: one line per file saying what became of it, and the
//! counts over all of them.
//!
//! The report is what `lectern check` prints (as text, or as the JSON the README documents)
//! and what the app's problems list shows, so the serialised shape of these types is part of
//! Lectern's output. Lines are sorted by path, so a report never depends on the order the
//! files were read in.

use std::path::Path;

use lectern_core::Document;
use lectern_core::annotation::anchor::reanchor;
use lectern_core::annotation::{AnchorStatus, SpeechNotes};
use rayon::prelude::*;
use serde::Serialize;

use crate::notes::{Base, NotesError, read_sidecar};

/// Every file of an archive and what became of it, sorted by path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub documents: Vec<CheckEntry>,
    pub summary: Summary,
}

impl CheckReport {
    /// The report over `documents`: sorted by path, with the counts taken.
    pub(crate) fn from_entries(documents: Vec<CheckEntry>) -> Self {
        // By path. Lines are large: the sort orders their numbers (on every core), and each
        // line then moves once, rather than at every swap. Paths are unique, so an unstable
        // sort gives the same order, faster.
        let mut order: Vec<usize> = (0..documents.len()).collect();
        order.par_sort_unstable_by(|&a, &b| documents[a].path.cmp(&documents[b].path));
        let mut lines: Vec<Option<CheckEntry>> = documents.into_iter().map(Some).collect();
        let documents: Vec<CheckEntry> = order.iter().filter_map(|&i| lines[i].take()).collect();
        let mut summary = Summary {
            files: documents.len(),
            ..Summary::default()
        };
        for d in &documents {
            match d.status {
                CheckStatus::Imported => {
                    summary.imported += 1;
                    summary.with_warnings += usize::from(!d.warnings.is_empty());
                    summary.bad_sidecars += usize::from(d.sidecar_error.is_some());
                }
                CheckStatus::Skipped => {
                    summary.skipped += 1;
                    summary.bad_sidecars += usize::from(d.sidecar_error.is_some());
                }
                CheckStatus::Failed => summary.failed += 1,
            }
        }
        Self { documents, summary }
    }
}

/// Counts over a check report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub imported: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Imported documents that carry warnings.
    pub with_warnings: usize,
    /// Sidecars that could not be read (left untouched).
    pub bad_sidecars: usize,
}

/// One line of a check report. Details are filled in for imported documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckEntry {
    pub path: String,
    pub status: CheckStatus,
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub speakers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraphs: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<usize>,
    pub warnings: Vec<String>,
    /// How many of `warnings` only say how the text was cleaned
    /// ([`lectern_core::document::WarningKind::is_cleaning`]).
    #[serde(skip)]
    pub cleaning_notes: usize,
    /// `"ok"`, `"corrupt"` or `"unreadable"` for a speech with a sidecar; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sidecar: Option<&'static str>,
    /// Why the sidecar could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sidecar_error: Option<String>,
    /// How the sidecar's annotations anchor in the current text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<AnchorCounts>,
    /// Copies of the sidecar left by a sync tool, to be merged (relative paths).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflict_copies: Vec<String>,
}

impl CheckEntry {
    /// A line with no details: what a skipped or failed file gets.
    pub(crate) fn new(path: String, status: CheckStatus, reason: Option<String>) -> Self {
        Self {
            path,
            status,
            reason,
            title: None,
            date: None,
            speakers: Vec::new(),
            format: None,
            words: None,
            paragraphs: None,
            sections: None,
            warnings: Vec::new(),
            cleaning_notes: 0,
            sidecar: None,
            sidecar_error: None,
            annotations: None,
            conflict_copies: Vec::new(),
        }
    }

    /// The line of an imported document, with its details filled in.
    pub(crate) fn imported(path: String, doc: &Document) -> Self {
        let mut entry = Self::new(path, CheckStatus::Imported, None);
        entry.title = doc.metadata.title().map(str::to_owned);
        entry.date = doc.metadata.date().map(|d| d.to_string());
        entry.speakers = doc.metadata.speakers().to_vec();
        entry.format = Some(doc.format.as_str());
        entry.words = Some(doc.word_count());
        entry.paragraphs = Some(doc.paragraphs().count());
        entry.sections = Some(doc.sections.len());
        entry.warnings = doc.warnings.iter().map(|w| w.message.clone()).collect();
        entry.cleaning_notes = doc.warnings.iter().filter(|w| w.kind.is_cleaning()).count();
        entry
    }

    /// Reads the sidecar at `sidecar`, re-anchors its annotations in `doc`, records the
    /// sidecar's state and the anchoring counts, and returns the re-anchored notes with the
    /// sidecar as read.
    pub(crate) fn attach_sidecar(
        &mut self,
        sidecar: &Path,
        doc: &Document,
    ) -> Option<(SpeechNotes, Base)> {
        match read_sidecar(sidecar) {
            Ok(base) if base.notes.is_empty() => None,
            Ok(base) => {
                let mut notes = base.notes.clone();
                let mut counts = AnchorCounts::default();
                for annotation in &mut notes.annotations {
                    let anchored = reanchor(doc, &annotation.target);
                    annotation.target.span = anchored.span;
                    annotation.status = anchored.status;
                    match anchored.status {
                        AnchorStatus::Exact => counts.exact += 1,
                        AnchorStatus::Relocated => counts.relocated += 1,
                        AnchorStatus::Fuzzy => counts.fuzzy += 1,
                        AnchorStatus::Orphaned => counts.orphaned += 1,
                    }
                }
                self.sidecar = Some("ok");
                self.annotations = Some(counts);
                notes.sort();
                Some((notes, base))
            }
            Err(err) => {
                self.sidecar = Some(if matches!(err, NotesError::Corrupt { .. }) {
                    "corrupt"
                } else {
                    "unreadable"
                });
                self.sidecar_error = Some(err.to_string());
                None
            }
        }
    }
}

/// What happened to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Imported,
    Skipped,
    Failed,
}

/// Annotations of one speech by how they anchor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AnchorCounts {
    pub exact: usize,
    pub relocated: usize,
    pub fuzzy: usize,
    pub orphaned: usize,
}
