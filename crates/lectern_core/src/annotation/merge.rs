//! Three-way merge of a speech's notes, for a save that finds the sidecar changed on disk
//! since it was loaded (a second window, a `git pull`, a sync tool).
//!
//! Annotations are matched by id. A change made on one side only wins; a deletion on one
//! side wins only over an unchanged annotation; an annotation changed on both sides is kept
//! twice — ours, and theirs under a new id marked as in conflict with ours — so that no
//! annotation either side wrote is lost and the researcher decides. Metadata edits merge
//! field by field (ours wins a field both changed); tags merge element by element; a memo
//! both changed keeps both texts.

use std::collections::BTreeSet;

use crate::annotation::{Annotation, AnnotationId, SpeechNotes, TagDef, TagName, Vocabulary};
use crate::metadata::Overrides;

/// The merged notes and the ids of annotations that were changed on both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub notes: SpeechNotes,
    pub conflicts: Vec<AnnotationId>,
}

/// Merges `ours` and `theirs`, both derived from `base` (empty when there was no sidecar).
pub fn merge(base: &SpeechNotes, ours: &SpeechNotes, theirs: &SpeechNotes) -> Merged {
    let ids: BTreeSet<&AnnotationId> = base
        .annotations
        .iter()
        .chain(&ours.annotations)
        .chain(&theirs.annotations)
        .map(|a| &a.id)
        .collect();
    let mut annotations = Vec::new();
    let mut conflicts = Vec::new();
    let mut pending_copies = Vec::new();
    for &id in &ids {
        let (b, o, t) = (
            base.annotation(id),
            ours.annotation(id),
            theirs.annotation(id),
        );
        match (b, o, t) {
            (_, Some(o), Some(t)) if o == t => annotations.push(o.clone()),
            (Some(b), Some(o), Some(t)) if o == b => annotations.push(t.clone()),
            (Some(b), Some(o), Some(t)) if t == b => annotations.push(o.clone()),
            (_, Some(o), Some(t)) => {
                annotations.push(o.clone());
                conflicts.push(o.id.clone());
                pending_copies.push((t.clone(), o.id.clone()));
            }
            // Deleted on one side: gone if the other side left it alone, kept if it changed it.
            (Some(b), Some(o), None) if o == b => {}
            (Some(b), None, Some(t)) if t == b => {}
            (_, Some(kept), None) | (_, None, Some(kept)) => annotations.push(kept.clone()),
            (_, None, None) => {}
        }
    }
    // Their versions of annotations changed on both sides, under ids no other annotation has.
    let mut taken: BTreeSet<AnnotationId> = ids.iter().map(|id| (*id).clone()).collect();
    for (theirs, ours_id) in pending_copies {
        let copy = conflicting_copy(&theirs, &ours_id, &taken);
        taken.insert(copy.id.clone());
        annotations.push(copy);
    }
    let memo = merge_text(&base.memo, &ours.memo, &theirs.memo);
    let tags = merge_set(&base.tags, &ours.tags, &theirs.tags);
    let (b, o, t) = (&base.overrides, &ours.overrides, &theirs.overrides);
    let overrides = Overrides {
        title: merge_field(&b.title, &o.title, &t.title).unwrap_or_else(|| o.title.clone()),
        date: merge_field(&b.date, &o.date, &t.date).unwrap_or(o.date),
        speakers: merge_field(&b.speakers, &o.speakers, &t.speakers)
            .unwrap_or_else(|| o.speakers.clone()),
        place: merge_field(&b.place, &o.place, &t.place).unwrap_or_else(|| o.place.clone()),
    };
    let mut notes = SpeechNotes {
        memo,
        tags,
        overrides,
        annotations,
    };
    notes.sort();
    Merged { notes, conflicts }
}

/// Their version of an annotation both sides changed, under an id of its own (`X-theirs`,
/// `X-theirs-2`, … whichever is free) that names the annotation it conflicts with.
fn conflicting_copy(
    theirs: &Annotation,
    ours: &AnnotationId,
    taken: &BTreeSet<AnnotationId>,
) -> Annotation {
    let mut copy = theirs.clone();
    let mut id = AnnotationId(format!("{ours}-theirs"));
    let mut n = 1;
    // `taken` is finite, so a free id turns up within `taken.len() + 1` tries.
    while taken.contains(&id) {
        n += 1;
        id = AnnotationId(format!("{ours}-theirs-{n}"));
    }
    copy.id = id;
    copy.conflict_with = Some(ours.clone());
    copy
}

/// Merges two versions of the archive's tag vocabulary derived from `base`, tag by tag: a
/// tag added, changed or deleted on one side takes that side's version; a tag changed on
/// both sides keeps ours (their colour or description is not worth a conflict); a tag one
/// side deleted and the other changed is kept, since annotations may still use it.
pub fn merge_vocabulary(base: &Vocabulary, ours: &Vocabulary, theirs: &Vocabulary) -> Vocabulary {
    let names: BTreeSet<&TagName> = base
        .tags
        .keys()
        .chain(ours.tags.keys())
        .chain(theirs.tags.keys())
        .collect();
    let mut tags = std::collections::BTreeMap::new();
    for name in names {
        let (b, o, t) = (
            base.tags.get(name),
            ours.tags.get(name),
            theirs.tags.get(name),
        );
        let kept: Option<&TagDef> = match (b, o, t) {
            (_, Some(o), Some(t)) => {
                Some(merge_field(&b, &Some(o), &Some(t)).flatten().unwrap_or(o))
            }
            // Deleted on one side: gone if the other side left it alone.
            (Some(b), Some(o), None) if o == b => None,
            (Some(b), None, Some(t)) if t == b => None,
            (_, Some(kept), None) | (_, None, Some(kept)) => Some(kept),
            (_, None, None) => None,
        };
        if let Some(def) = kept {
            tags.insert(name.clone(), def.clone());
        }
    }
    Vocabulary { tags }
}

/// The side that changed, or `None` when both did (differently).
fn merge_field<T: PartialEq + Clone>(base: &T, ours: &T, theirs: &T) -> Option<T> {
    if ours == theirs || theirs == base {
        Some(ours.clone())
    } else if ours == base {
        Some(theirs.clone())
    } else {
        None
    }
}

/// A set merged element by element: kept if either side added it, gone if either side
/// removed it (and the other left it alone). Sorted.
fn merge_set<T: Ord + Clone>(base: &[T], ours: &[T], theirs: &[T]) -> Vec<T> {
    let all: BTreeSet<&T> = base.iter().chain(ours).chain(theirs).collect();
    all.into_iter()
        .filter(|item| {
            let (b, o, t) = (
                base.contains(item),
                ours.contains(item),
                theirs.contains(item),
            );
            // Kept by both sides when it was there before; added by either side otherwise.
            if b { o && t } else { o || t }
        })
        .cloned()
        .collect()
}

/// Text changed on both sides keeps both, ours first, with a line between.
fn merge_text(base: &str, ours: &str, theirs: &str) -> String {
    merge_field(&base.to_owned(), &ours.to_owned(), &theirs.to_owned())
        .unwrap_or_else(|| format!("{ours}\n\n— merged from another copy —\n\n{theirs}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{AnchorStatus, Target, TextQuote, Timestamp};
    use crate::document::ContentHash;
    use crate::text::CharSpan;

    fn a(id: &str, note: &str) -> Annotation {
        Annotation {
            id: AnnotationId(id.into()),
            target: Target {
                span: CharSpan::new(0, 1),
                quote: TextQuote::default(),
                text_hash: ContentHash(0),
            },
            note: note.into(),
            tags: Vec::new(),
            created: Timestamp::from_millis(0),
            modified: Timestamp::from_millis(0),
            author: None,
            conflict_with: None,
            status: AnchorStatus::Exact,
        }
    }

    fn notes(annotations: Vec<Annotation>) -> SpeechNotes {
        SpeechNotes {
            annotations,
            ..SpeechNotes::default()
        }
    }

    fn notes_of(merged: &Merged) -> Vec<(String, String)> {
        merged
            .notes
            .annotations
            .iter()
            .map(|a| (a.id.0.clone(), a.note.clone()))
            .collect()
    }

    #[test]
    fn one_sided_changes_win_and_both_sided_changes_keep_both() {
        let base = notes(vec![
            a("1", "base"),
            a("2", "base"),
            a("3", "base"),
            a("4", "base"),
        ]);
        let ours = notes(vec![
            a("1", "ours"),
            a("2", "base"),
            a("3", "ours"),
            a("5", "new ours"),
        ]);
        let theirs = notes(vec![
            a("1", "base"),
            a("2", "theirs"),
            a("3", "theirs"),
            a("4", "base"),
            a("6", "new theirs"),
        ]);
        let merged = merge(&base, &ours, &theirs);
        assert_eq!(
            notes_of(&merged),
            [
                ("1".into(), "ours".into()),
                ("2".into(), "theirs".into()),
                ("3".into(), "ours".into()),
                ("3-theirs".into(), "theirs".into()),
                ("5".into(), "new ours".into()),
                ("6".into(), "new theirs".into()),
            ]
        );
        assert_eq!(merged.conflicts, [AnnotationId("3".into())]);
        assert_eq!(
            merged.notes.annotations[3].conflict_with,
            Some(AnnotationId("3".into()))
        );
    }

    #[test]
    fn a_deletion_never_beats_a_change() {
        let base = notes(vec![a("1", "base")]);
        let ours = notes(vec![]);
        let theirs = notes(vec![a("1", "edited")]);
        assert_eq!(
            notes_of(&merge(&base, &ours, &theirs)),
            [("1".into(), "edited".into())]
        );
    }

    #[test]
    fn repeated_conflicts_never_share_an_id() {
        let base = notes(vec![a("X", "base"), a("X-theirs", "old conflict")]);
        let ours = notes(vec![a("X", "ours"), a("X-theirs", "old conflict")]);
        let theirs = notes(vec![a("X", "theirs"), a("X-theirs", "old conflict")]);
        let merged = merge(&base, &ours, &theirs);
        let ids: Vec<&str> = merged
            .notes
            .annotations
            .iter()
            .map(|a| a.id.0.as_str())
            .collect();
        assert_eq!(ids, ["X", "X-theirs", "X-theirs-2"]);
    }

    #[test]
    fn metadata_and_tags_merge_field_by_field() {
        use crate::annotation::TagName;
        let base = SpeechNotes {
            tags: vec![TagName::new("a"), TagName::new("b")],
            ..SpeechNotes::default()
        };
        let mut ours = base.clone();
        ours.overrides.title = Some("Title".into());
        ours.tags = vec![TagName::new("a"), TagName::new("c")];
        let mut theirs = base.clone();
        theirs.overrides.place = Some("Paris".into());
        theirs.tags = vec![TagName::new("b"), TagName::new("d")];
        let merged = merge(&base, &ours, &theirs).notes;
        assert_eq!(
            (
                merged.overrides.title.as_deref(),
                merged.overrides.place.as_deref()
            ),
            (Some("Title"), Some("Paris"))
        );
        assert_eq!(merged.tags, [TagName::new("c"), TagName::new("d")]);
    }

    #[test]
    fn memos_changed_on_both_sides_keep_both() {
        let base = SpeechNotes {
            memo: "m".into(),
            ..SpeechNotes::default()
        };
        let ours = SpeechNotes {
            memo: "ours".into(),
            ..SpeechNotes::default()
        };
        let theirs = SpeechNotes {
            memo: "theirs".into(),
            ..SpeechNotes::default()
        };
        let memo = merge(&base, &ours, &theirs).notes.memo;
        assert!(
            memo.starts_with("ours") && memo.ends_with("theirs"),
            "{memo}"
        );
    }

    fn vocabulary(tags: &[(&str, &str)]) -> Vocabulary {
        Vocabulary {
            tags: tags
                .iter()
                .map(|(name, description)| {
                    (
                        TagName::new(name),
                        TagDef {
                            description: (*description).to_owned(),
                            ..TagDef::default()
                        },
                    )
                })
                .collect(),
        }
    }

    fn described(v: &Vocabulary) -> Vec<(String, String)> {
        v.tags
            .iter()
            .map(|(n, d)| (n.0.clone(), d.description.clone()))
            .collect()
    }

    #[test]
    fn vocabularies_merge_tag_by_tag() {
        let base = vocabulary(&[
            ("keep", ""),
            ("gone", ""),
            ("changed", "old"),
            ("both", "b"),
        ]);
        // Ours deletes `gone`, adds `mine`, changes `both`; theirs changes `changed`, adds
        // `yours`, changes `both` differently.
        let ours = vocabulary(&[
            ("keep", ""),
            ("changed", "old"),
            ("both", "ours"),
            ("mine", ""),
        ]);
        let theirs = vocabulary(&[
            ("keep", ""),
            ("gone", ""),
            ("changed", "new"),
            ("both", "theirs"),
            ("yours", ""),
        ]);
        let merged = merge_vocabulary(&base, &ours, &theirs);
        let expected = [
            ("both", "ours"),
            ("changed", "new"),
            ("keep", ""),
            ("mine", ""),
            ("yours", ""),
        ]
        .map(|(n, d)| (n.to_owned(), d.to_owned()));
        assert_eq!(described(&merged), expected);
    }

    #[test]
    fn a_tag_deleted_on_one_side_and_changed_on_the_other_is_kept() {
        let base = vocabulary(&[("t", "old")]);
        let deleted = vocabulary(&[]);
        let changed = vocabulary(&[("t", "new")]);
        for (ours, theirs) in [(&deleted, &changed), (&changed, &deleted)] {
            let merged = merge_vocabulary(&base, ours, theirs);
            assert_eq!(described(&merged), [("t".to_owned(), "new".to_owned())]);
        }
    }
}
