//! Renaming, merging and deleting tags across a whole notebook.
//!
//! A tag is used in many places at once: its definition in the vocabulary, every annotation
//! and speech that carries it, and the definitions of its children. Each operation here
//! builds one [`Edit::Batch`] that changes all of them, so the researcher undoes a rename
//! or a merge in one step and the batch's exact inverse restores every place it touched.
//! The operations only build edits; applying them goes through the history like any other.

use crate::annotation::edit::Edit;
use crate::annotation::{Notebook, TagDef, TagName};

/// Renames a tag everywhere: its definition, every annotation and speech that uses it, and
/// its children's parent. `None` when `from` does not exist or `to` already does.
pub fn rename_tag(notebook: &Notebook, from: &TagName, to: &TagName) -> Option<Edit> {
    let def = notebook.vocabulary.tags.get(from)?;
    if notebook.vocabulary.tags.contains_key(to) {
        return None;
    }
    let mut edits = vec![Edit::DefineTag {
        name: to.clone(),
        def: def.clone(),
    }];
    edits.extend(retag(notebook, from, Some(to)));
    edits.push(Edit::UndefineTag {
        name: from.clone(),
        def: def.clone(),
    });
    Some(Edit::Batch(edits))
}

/// Merges `from` into `into`: everything tagged `from` is tagged `into`, and `from` goes.
pub fn merge_tags(notebook: &Notebook, from: &TagName, into: &TagName) -> Option<Edit> {
    let def = notebook.vocabulary.tags.get(from)?;
    if from == into || !notebook.vocabulary.tags.contains_key(into) {
        return None;
    }
    let mut edits = retag(notebook, from, Some(into));
    edits.push(Edit::UndefineTag {
        name: from.clone(),
        def: def.clone(),
    });
    Some(Edit::Batch(edits))
}

/// Deletes a tag: it is taken off every annotation and speech (the annotations stay), and
/// its children move up to its parent.
pub fn delete_tag(notebook: &Notebook, name: &TagName) -> Option<Edit> {
    let def = notebook.vocabulary.tags.get(name)?;
    let mut edits = retag(notebook, name, def.parent.as_ref());
    // Annotations keep their other tags; the tag itself is not moved to the parent.
    for edit in &mut edits {
        if let Edit::ReplaceAnnotation { before, after, .. } = edit {
            after.tags.clone_from(&before.tags);
            after.tags.retain(|t| t != name);
        }
        if let Edit::SetSpeechTags { before, after, .. } = edit {
            after.clone_from(before);
            after.retain(|t| t != name);
        }
    }
    edits.push(Edit::UndefineTag {
        name: name.clone(),
        def: def.clone(),
    });
    Some(Edit::Batch(edits))
}

/// Edits that replace `from` by `to` (or drop it) on annotations and speeches, and re-parent
/// `from`'s children to `to`.
fn retag(notebook: &Notebook, from: &TagName, to: Option<&TagName>) -> Vec<Edit> {
    let replace = |tags: &[TagName]| -> Vec<TagName> {
        let mut tags: Vec<TagName> = tags
            .iter()
            .filter(|t| *t != from)
            .cloned()
            .chain(to.cloned())
            .collect();
        tags.sort();
        tags.dedup();
        tags
    };
    let mut edits = Vec::new();
    for (speech, notes) in &notebook.speeches {
        for annotation in notes.annotations.iter().filter(|a| a.has_tag(from)) {
            let mut after = annotation.clone();
            after.tags = replace(&annotation.tags);
            edits.push(Edit::ReplaceAnnotation {
                speech: speech.clone(),
                before: annotation.clone(),
                after,
            });
        }
        if notes.tags.contains(from) {
            edits.push(Edit::SetSpeechTags {
                speech: speech.clone(),
                before: notes.tags.clone(),
                after: replace(&notes.tags),
            });
        }
    }
    for child in notebook.vocabulary.children(from) {
        let before = notebook.vocabulary.tags[child].clone();
        // A tag merged into its own child: that child takes the merged tag's place.
        let parent = if to == Some(child) {
            notebook.vocabulary.tags[from].parent.clone()
        } else {
            to.cloned()
        };
        let after = TagDef {
            parent,
            ..before.clone()
        };
        edits.push(Edit::UpdateTag {
            name: child.clone(),
            before,
            after,
        });
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::edit::tests::notebook;

    #[test]
    fn rename_moves_children_and_speech_tags() {
        let mut nb = notebook();
        rename_tag(&nb, &TagName::new("security"), &TagName::new("safety"))
            .unwrap()
            .apply(&mut nb)
            .unwrap();
        assert_eq!(
            nb.vocabulary.tags[&TagName::new("terrorism")].parent,
            Some(TagName::new("safety"))
        );
        assert_eq!(nb.speeches["a.txt"].tags, [TagName::new("safety")]);
        assert_eq!(
            nb.speeches["a.txt"].annotations[1].tags,
            [TagName::new("economy"), TagName::new("safety")]
        );
    }

    #[test]
    fn merging_a_tag_into_its_child_moves_the_child_up() {
        let mut nb = notebook();
        merge_tags(&nb, &TagName::new("security"), &TagName::new("terrorism"))
            .unwrap()
            .apply(&mut nb)
            .unwrap();
        assert_eq!(nb.vocabulary.tags[&TagName::new("terrorism")].parent, None);
    }
}
