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
    pub(crate) fn from_entries(mut documents: Vec<CheckEntry>) -> Self {
        // By path. Lines are large: the sort orders their numbers (on every core), and the
        // lines are then put in that order where they are, each moved about once, rather
        // than at every swap of the sort. Paths are unique, so an unstable sort gives the
        // same order, faster.
        let mut order: Vec<usize> = (0..documents.len()).collect();
        order.par_sort_unstable_by(|&a, &b| documents[a].path.cmp(&documents[b].path));
        permute(&mut documents, &mut order);
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

/// Puts `items` in the order `order` gives, where the item at position `k` is the one that
/// was at `order[k]`, following each cycle of the permutation with swaps. `order` is used
/// up (every entry is set to `usize::MAX`).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    debug_assert_eq!(items.len(), order.len());
    for start in 0..order.len() {
        let mut at = start;
        // Each swap settles the item at `at`; the cycle closes when the item `start` held,
        // carried along the cycle, has arrived where it belongs.
        while order[at] != usize::MAX {
            let from = order[at];
            order[at] = usize::MAX;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        // Fixed points, a 2-cycle, a long cycle and several cycles together.
        let orders: [&[usize]; 6] = [
            &[],
            &[0],
            &[1, 0],
            &[0, 1, 2],
            &[3, 0, 4, 1, 2],
            &[5, 2, 1, 0, 4, 3, 7, 6],
        ];
        for order in orders {
            let items: Vec<String> = (0..order.len()).map(|i| format!("item {i}")).collect();
            let expected: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            let mut permuted = items.clone();
            permute(&mut permuted, &mut order.to_vec());
            assert_eq!(permuted, expected, "{order:?}");
        }
    }

    #[test]
    fn lines_are_sorted_by_path_and_counted() {
        let paths = ["b/2.txt", "a.txt", "c.md", "b/1.txt", "a/z.txt"];
        let entries = paths
            .iter()
            .map(|p| CheckEntry::new((*p).to_owned(), CheckStatus::Skipped, None))
            .collect();
        let report = CheckReport::from_entries(entries);
        let sorted: Vec<&str> = report.documents.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(sorted, ["a.txt", "a/z.txt", "b/1.txt", "b/2.txt", "c.md"]);
        assert_eq!((report.summary.files, report.summary.skipped), (5, 5));
    }
}
