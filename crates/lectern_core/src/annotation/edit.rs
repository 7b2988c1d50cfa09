//! Every change to a notebook is a value: an [`Edit`] that applies to the state it was made
//! on and has an exact inverse. Undo applies the inverse; redo applies the edit again.
//!
//! Edits check what they replace: removing an annotation names the annotation as it was,
//! replacing one names both versions. An edit that no longer fits the state (the annotation
//! changed meanwhile) is refused with an error instead of clobbering anything, which is what
//! makes multi-level undo exact.
//!
//! The tag operations that build such edits (rename, merge, delete) live in
//! [`tag_edits`](crate::annotation::tag_edits) and are re-exported here, next to the edits
//! they return.

pub use crate::annotation::tag_edits::{delete_tag, merge_tags, rename_tag};
use crate::annotation::{Annotation, AnnotationId, Notebook, SpeechNotes, TagDef, TagName};
use crate::metadata::Overrides;

/// One change to a [`Notebook`].
// Edits are few and short-lived; boxing the annotations would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    AddAnnotation {
        speech: String,
        annotation: Annotation,
    },
    RemoveAnnotation {
        speech: String,
        annotation: Annotation,
    },
    ReplaceAnnotation {
        speech: String,
        before: Annotation,
        after: Annotation,
    },
    SetMemo {
        speech: String,
        before: String,
        after: String,
    },
    SetSpeechTags {
        speech: String,
        before: Vec<TagName>,
        after: Vec<TagName>,
    },
    SetOverrides {
        speech: String,
        before: Overrides,
        after: Overrides,
    },
    DefineTag {
        name: TagName,
        def: TagDef,
    },
    UndefineTag {
        name: TagName,
        def: TagDef,
    },
    UpdateTag {
        name: TagName,
        before: TagDef,
        after: TagDef,
    },
    /// Several edits as one undoable step, applied in order.
    Batch(Vec<Edit>),
}

/// What an [`Edit`] changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched<'a> {
    /// Paths of the speeches whose notes change.
    pub speeches: std::collections::BTreeSet<&'a str>,
    pub vocabulary: bool,
}

/// Why an edit does not fit the notebook it is applied to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("annotation {0} already exists")]
    DuplicateAnnotation(AnnotationId),
    #[error("annotation {0} is not there as the edit expects")]
    AnnotationChanged(AnnotationId),
    #[error("the {field} of {speech} changed since the edit was made")]
    SpeechChanged { speech: String, field: &'static str },
    #[error("tag {0:?} already exists")]
    DuplicateTag(String),
    #[error("tag {0:?} is not there as the edit expects")]
    TagChanged(String),
}

impl Edit {
    /// The edit that undoes this one.
    #[must_use]
    pub fn inverse(&self) -> Edit {
        match self.clone() {
            Self::AddAnnotation { speech, annotation } => {
                Self::RemoveAnnotation { speech, annotation }
            }
            Self::RemoveAnnotation { speech, annotation } => {
                Self::AddAnnotation { speech, annotation }
            }
            Self::ReplaceAnnotation {
                speech,
                before,
                after,
            } => Self::ReplaceAnnotation {
                speech,
                before: after,
                after: before,
            },
            Self::SetMemo {
                speech,
                before,
                after,
            } => Self::SetMemo {
                speech,
                before: after,
                after: before,
            },
            Self::SetSpeechTags {
                speech,
                before,
                after,
            } => Self::SetSpeechTags {
                speech,
                before: after,
                after: before,
            },
            Self::SetOverrides {
                speech,
                before,
                after,
            } => Self::SetOverrides {
                speech,
                before: after,
                after: before,
            },
            Self::DefineTag { name, def } => Self::UndefineTag { name, def },
            Self::UndefineTag { name, def } => Self::DefineTag { name, def },
            Self::UpdateTag {
                name,
                before,
                after,
            } => Self::UpdateTag {
                name,
                before: after,
                after: before,
            },
            Self::Batch(edits) => Self::Batch(edits.iter().rev().map(Edit::inverse).collect()),
        }
    }

    /// The speeches whose notes the edit changes, and whether it changes the vocabulary:
    /// what has to be saved after it.
    pub fn touches(&self) -> Touched<'_> {
        let mut touched = Touched::default();
        self.collect_touched(&mut touched);
        touched
    }

    fn collect_touched<'a>(&'a self, touched: &mut Touched<'a>) {
        match self {
            Self::AddAnnotation { speech, .. }
            | Self::RemoveAnnotation { speech, .. }
            | Self::ReplaceAnnotation { speech, .. }
            | Self::SetMemo { speech, .. }
            | Self::SetSpeechTags { speech, .. }
            | Self::SetOverrides { speech, .. } => {
                touched.speeches.insert(speech.as_str());
            }
            Self::DefineTag { .. } | Self::UndefineTag { .. } | Self::UpdateTag { .. } => {
                touched.vocabulary = true;
            }
            Self::Batch(edits) => {
                for edit in edits {
                    edit.collect_touched(touched);
                }
            }
        }
    }

    /// Applies the edit, or changes nothing and says why it does not fit.
    pub fn apply(&self, notebook: &mut Notebook) -> Result<(), EditError> {
        if let Self::Batch(edits) = self {
            // All or nothing: undo what was applied when a later edit does not fit.
            for (i, edit) in edits.iter().enumerate() {
                if let Err(err) = edit.apply(notebook) {
                    for done in edits[..i].iter().rev() {
                        let _ = done.inverse().apply(notebook);
                    }
                    return Err(err);
                }
            }
            return Ok(());
        }
        self.apply_one(notebook)
    }

    fn apply_one(&self, notebook: &mut Notebook) -> Result<(), EditError> {
        match self {
            Self::AddAnnotation { speech, annotation } => {
                let notes = notebook.speeches.entry(speech.clone()).or_default();
                if notes.annotation(&annotation.id).is_some() {
                    return Err(EditError::DuplicateAnnotation(annotation.id.clone()));
                }
                notes.annotations.push(annotation.clone());
                notes.sort();
            }
            Self::RemoveAnnotation { speech, annotation } => {
                let notes = existing_notes(notebook, speech, annotation)?;
                let i = position_of(notes, annotation)?;
                notes.annotations.remove(i);
                prune(notebook, speech);
            }
            Self::ReplaceAnnotation {
                speech,
                before,
                after,
            } => {
                let notes = notes_mut(notebook, speech);
                let i = position_of(notes, before)?;
                notes.annotations[i] = after.clone();
                notes.sort();
            }
            Self::SetMemo {
                speech,
                before,
                after,
            } => {
                set_field(notebook, speech, "memo", |n| &mut n.memo, before, after)?;
            }
            Self::SetSpeechTags {
                speech,
                before,
                after,
            } => {
                set_field(notebook, speech, "tags", |n| &mut n.tags, before, after)?;
            }
            Self::SetOverrides {
                speech,
                before,
                after,
            } => {
                set_field(
                    notebook,
                    speech,
                    "metadata",
                    |n| &mut n.overrides,
                    before,
                    after,
                )?;
            }
            Self::DefineTag { name, def } => {
                if notebook.vocabulary.tags.contains_key(name) {
                    return Err(EditError::DuplicateTag(name.0.clone()));
                }
                notebook.vocabulary.tags.insert(name.clone(), def.clone());
            }
            Self::UndefineTag { name, def } => {
                if notebook.vocabulary.tags.get(name) != Some(def) {
                    return Err(EditError::TagChanged(name.0.clone()));
                }
                notebook.vocabulary.tags.remove(name);
            }
            Self::UpdateTag {
                name,
                before,
                after,
            } => {
                let Some(current) = notebook
                    .vocabulary
                    .tags
                    .get_mut(name)
                    .filter(|d| *d == before)
                else {
                    return Err(EditError::TagChanged(name.0.clone()));
                };
                *current = after.clone();
            }
            Self::Batch(_) => self.apply(notebook)?,
        }
        Ok(())
    }
}

/// The notes of `speech`, created empty if there are none yet.
fn notes_mut<'a>(notebook: &'a mut Notebook, speech: &str) -> &'a mut SpeechNotes {
    notebook.speeches.entry(speech.to_owned()).or_default()
}

/// The notes of `speech`, which must exist for an edit of `expected` to fit.
fn existing_notes<'a>(
    notebook: &'a mut Notebook,
    speech: &str,
    expected: &Annotation,
) -> Result<&'a mut SpeechNotes, EditError> {
    notebook
        .speeches
        .get_mut(speech)
        .ok_or_else(|| EditError::AnnotationChanged(expected.id.clone()))
}

/// Drops a speech's entry once nothing is left in it, so no empty sidecar is written.
fn prune(notebook: &mut Notebook, speech: &str) {
    if notebook
        .speeches
        .get(speech)
        .is_some_and(SpeechNotes::is_empty)
    {
        notebook.speeches.remove(speech);
    }
}

fn position_of(notes: &SpeechNotes, expected: &Annotation) -> Result<usize, EditError> {
    notes
        .annotations
        .iter()
        .position(|a| a.id == expected.id)
        .filter(|&i| notes.annotations[i] == *expected)
        .ok_or_else(|| EditError::AnnotationChanged(expected.id.clone()))
}

fn set_field<T: PartialEq + Clone>(
    notebook: &mut Notebook,
    speech: &str,
    field: &'static str,
    get: impl Fn(&mut SpeechNotes) -> &mut T,
    before: &T,
    after: &T,
) -> Result<(), EditError> {
    let slot = get(notes_mut(notebook, speech));
    if slot != before {
        prune(notebook, speech);
        return Err(EditError::SpeechChanged {
            speech: speech.to_owned(),
            field,
        });
    }
    *slot = after.clone();
    prune(notebook, speech);
    Ok(())
}

/// Undo and redo stacks over a notebook. Any new edit clears the redo stack.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
}

impl History {
    /// Applies `edit` and remembers it.
    pub fn apply(&mut self, notebook: &mut Notebook, edit: Edit) -> Result<(), EditError> {
        edit.apply(notebook)?;
        self.undo.push(edit);
        self.redo.clear();
        Ok(())
    }

    /// Undoes the last edit; `Ok(false)` when there is nothing to undo.
    pub fn undo(&mut self, notebook: &mut Notebook) -> Result<bool, EditError> {
        let Some(edit) = self.undo.pop() else {
            return Ok(false);
        };
        if let Err(err) = edit.inverse().apply(notebook) {
            self.undo.push(edit);
            return Err(err);
        }
        self.redo.push(edit);
        Ok(true)
    }

    /// Redoes the last undone edit; `Ok(false)` when there is nothing to redo.
    pub fn redo(&mut self, notebook: &mut Notebook) -> Result<bool, EditError> {
        let Some(edit) = self.redo.pop() else {
            return Ok(false);
        };
        if let Err(err) = edit.apply(notebook) {
            self.redo.push(edit);
            return Err(err);
        }
        self.undo.push(edit);
        Ok(true)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// The edit the next undo would revert.
    pub fn last_undo(&self) -> Option<&Edit> {
        self.undo.last()
    }

    /// The edit the next redo would apply again.
    pub fn last_redo(&self) -> Option<&Edit> {
        self.redo.last()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::annotation::{AnchorStatus, Target, TextQuote, Timestamp};
    use crate::document::ContentHash;
    use crate::text::CharSpan;

    fn annotation(id: &str, start: usize, tags: &[&str]) -> Annotation {
        Annotation {
            id: AnnotationId(id.to_owned()),
            target: Target {
                span: CharSpan::new(start, start + 5),
                quote: TextQuote {
                    exact: "words".into(),
                    ..TextQuote::default()
                },
                text_hash: ContentHash(7),
            },
            note: String::new(),
            tags: tags.iter().map(|t| TagName::new(t)).collect(),
            created: Timestamp::from_millis(1),
            modified: Timestamp::from_millis(1),
            author: None,
            conflict_with: None,
            status: AnchorStatus::Exact,
        }
    }

    /// A notebook with three tags (`terrorism` under `security`) and one speech whose
    /// annotations and speech tags use them, for tests here and in `tag_edits`.
    pub(crate) fn notebook() -> Notebook {
        let mut nb = Notebook::default();
        for tag in ["security", "terrorism", "economy"] {
            nb.vocabulary
                .tags
                .insert(TagName::new(tag), TagDef::default());
        }
        nb.vocabulary
            .tags
            .get_mut(&TagName::new("terrorism"))
            .unwrap()
            .parent = Some(TagName::new("security"));
        let notes = nb.speeches.entry("a.txt".into()).or_default();
        notes.annotations = vec![
            annotation("A", 0, &["security"]),
            annotation("B", 10, &["economy", "security"]),
        ];
        notes.tags = vec![TagName::new("security")];
        nb
    }

    #[test]
    fn every_edit_undoes_exactly() {
        let original = notebook();
        let mut nb = original.clone();
        let mut history = History::default();
        let added = Edit::AddAnnotation {
            speech: "b.txt".into(),
            annotation: annotation("C", 3, &["economy"]),
        };
        history.apply(&mut nb, added).unwrap();
        let renamed = rename_tag(&nb, &TagName::new("security"), &TagName::new("safety")).unwrap();
        history.apply(&mut nb, renamed).unwrap();
        let merged = merge_tags(&nb, &TagName::new("economy"), &TagName::new("safety")).unwrap();
        history.apply(&mut nb, merged).unwrap();
        let deleted = delete_tag(&nb, &TagName::new("safety")).unwrap();
        history.apply(&mut nb, deleted).unwrap();
        let after_all = nb.clone();
        assert_eq!(
            nb.speeches["a.txt"].annotations.len(),
            2,
            "deleting a tag keeps its annotations"
        );
        assert!(
            nb.speeches["a.txt"]
                .annotations
                .iter()
                .all(|a| a.tags.is_empty())
        );
        while history.undo(&mut nb).unwrap() {}
        assert_eq!(nb, original);
        while history.redo(&mut nb).unwrap() {}
        assert_eq!(nb, after_all);
    }

    #[test]
    fn an_edit_names_what_it_touches() {
        let nb = notebook();
        let renamed = rename_tag(&nb, &TagName::new("security"), &TagName::new("safety")).unwrap();
        let touched = renamed.touches();
        assert!(touched.vocabulary);
        assert_eq!(touched.speeches.into_iter().collect::<Vec<_>>(), ["a.txt"]);
        let memo = Edit::SetMemo {
            speech: "b.txt".into(),
            before: String::new(),
            after: "memo".into(),
        };
        let touched = memo.touches();
        assert!(!touched.vocabulary);
        assert_eq!(touched.speeches.into_iter().collect::<Vec<_>>(), ["b.txt"]);
    }

    #[test]
    fn stale_edits_are_refused_and_change_nothing() {
        let mut nb = notebook();
        let before = nb.speeches["a.txt"].annotations[0].clone();
        let mut after = before.clone();
        after.note = "changed".into();
        let mut stale = before.clone();
        stale.note = "something else".into();
        let edit = Edit::ReplaceAnnotation {
            speech: "a.txt".into(),
            before: stale,
            after,
        };
        let snapshot = nb.clone();
        assert!(matches!(
            edit.apply(&mut nb),
            Err(EditError::AnnotationChanged(_))
        ));
        assert_eq!(nb, snapshot);
        let batch = Edit::Batch(vec![
            Edit::SetMemo {
                speech: "a.txt".into(),
                before: String::new(),
                after: "memo".into(),
            },
            Edit::AddAnnotation {
                speech: "a.txt".into(),
                annotation: before,
            },
        ]);
        assert!(batch.apply(&mut nb).is_err(), "duplicate id");
        assert_eq!(nb, snapshot, "a failed batch leaves no trace");
    }

    #[test]
    fn an_edit_of_a_missing_speech_changes_nothing() {
        let mut nb = Notebook::default();
        let edit = Edit::RemoveAnnotation {
            speech: "nope.txt".into(),
            annotation: annotation("A", 0, &[]),
        };
        assert!(edit.apply(&mut nb).is_err());
        assert!(nb.speeches.is_empty());
    }

    #[test]
    fn removing_the_last_note_removes_the_speech_entry() {
        let mut nb = Notebook::default();
        let a = annotation("A", 0, &[]);
        Edit::AddAnnotation {
            speech: "x.txt".into(),
            annotation: a.clone(),
        }
        .apply(&mut nb)
        .unwrap();
        Edit::RemoveAnnotation {
            speech: "x.txt".into(),
            annotation: a,
        }
        .apply(&mut nb)
        .unwrap();
        assert!(nb.speeches.is_empty());
    }
}
