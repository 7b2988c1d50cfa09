//! Search hits in the reader, and auto-coding: the app's side of the search panel.

use lectern_core::CharSpan;
use lectern_core::annotation::edit::Edit;
use lectern_core::annotation::{AnchorStatus, Annotation, TagName};

use super::LecternApp;
use super::search::panel::thousands;

/// More passages than this in one auto-coding is almost surely a search too wide.
pub(super) const MAX_CODED: usize = 10_000;

impl LecternApp {
    /// Works out the search's hits in the open speech when the search, the speech or the
    /// notes changed since.
    pub(super) fn update_reader_hits(&mut self) {
        let Some(archive) = &self.archive else {
            return;
        };
        let Some(index) = self.selected else {
            return;
        };
        let generation = if self.search.shown {
            self.search
                .query
                .as_ref()
                .map_or(0, |q| std::sync::Arc::as_ptr(q) as usize)
        } else {
            0
        };
        let key = (generation, archive.notes.revision);
        if self.reader.hits_key == Some(key) {
            return;
        }
        let hits = if generation == 0 {
            Vec::new()
        } else {
            self.search.hits_in(archive, index)
        };
        if let Some((_, doc)) = archive.speeches.get(index) {
            self.reader.set_hits(doc, hits, key);
        }
    }

    /// Tags each of `targets` (speech, span), widened to `extent`, as a new annotation —
    /// once per passage, skipping passages already annotated with the tag — all in one
    /// undoable step.
    pub(super) fn auto_code(
        &mut self,
        tag: &TagName,
        extent: super::reader::Extent,
        targets: &[(usize, CharSpan)],
    ) {
        let Some(archive) = &self.archive else {
            return;
        };
        if targets.len() > MAX_CODED {
            self.search.message = Some(format!(
                "{} passages is more than {}: narrow the search first",
                thousands(targets.len()),
                thousands(MAX_CODED)
            ));
            return;
        }
        let now = crate::clock::now();
        let mut edits = Vec::new();
        let mut skipped = 0;
        let mut coded = std::collections::HashSet::new();
        for &(speech, span) in targets {
            let Some((path, doc)) = archive.speeches.get(speech) else {
                continue;
            };
            let span = extent.around(doc, span);
            let already = archive.notes_of(path).is_some_and(|n| {
                n.annotations
                    .iter()
                    .any(|a| a.target.span == span && a.tags.contains(tag))
            });
            if already || span.is_empty() || !coded.insert((speech, span)) {
                skipped += 1;
                continue;
            }
            let annotation = Annotation {
                id: crate::clock::new_id(now),
                target: lectern_core::annotation::anchor::target(doc, span),
                note: String::new(),
                tags: vec![tag.clone()],
                created: now,
                modified: now,
                author: None,
                conflict_with: None,
                status: AnchorStatus::Exact,
            };
            edits.push(Edit::AddAnnotation {
                speech: path.clone(),
                annotation,
            });
        }
        let added = coded.len();
        let already = if skipped > 0 {
            format!(" ({} already were)", thousands(skipped))
        } else {
            String::new()
        };
        self.search.message = Some(if added == 0 {
            format!("Nothing to tag{already}")
        } else {
            let passages = if added == 1 {
                "1 passage".to_owned()
            } else {
                format!("{} passages", thousands(added))
            };
            format!("Tagged {passages} #{tag}{already}. Ctrl+Z undoes it.")
        });
        if added > 0 {
            let edit = super::reader::with_tag_defined(
                archive.notes.vocabulary(),
                tag,
                Edit::Batch(edits),
            );
            self.apply(super::Command::edit(edit));
        }
    }
}
