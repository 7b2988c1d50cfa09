//! `lectern tags ARCHIVE [list|rename OLD NEW|merge FROM INTO|delete NAME]`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::bail;
use lectern_core::annotation::edit::{self, Edit};
use lectern_core::annotation::{Notebook, TagDef, TagName};
use lectern_store::notes::{
    ArchiveBase, Base, RealFs, clean_leftovers, find_sidecars, read_archive_file, read_sidecar,
    save_archive_file, save_sidecar,
};

/// What to do with the vocabulary.
#[derive(Debug, clap::Subcommand)]
pub enum TagsCommand {
    /// List the tags with their use counts (the default)
    List,
    /// Rename a tag everywhere it is used
    Rename { old: String, new: String },
    /// Merge one tag into another: everything tagged FROM is tagged INTO
    Merge { from: String, into: String },
    /// Delete a tag: it is taken off every annotation, which all stay
    Delete { name: String },
}

struct Loaded {
    notebook: Notebook,
    archive: ArchiveBase,
    sidecars: BTreeMap<String, (PathBuf, Base)>,
}

fn load(root: &Path) -> anyhow::Result<Loaded> {
    let archive = read_archive_file(root)?;
    let mut notebook = Notebook {
        vocabulary: archive.vocabulary.clone(),
        ..Notebook::default()
    };
    let mut sidecars = BTreeMap::new();
    for (source, path) in find_sidecars(root) {
        let base = read_sidecar(&path)?;
        notebook.speeches.insert(source.clone(), base.notes.clone());
        sidecars.insert(source, (path, base));
    }
    // Tags used in sidecars but missing from the vocabulary (a hand edit, a merge) join it.
    let used: Vec<TagName> = notebook
        .speeches
        .values()
        .flat_map(|n| {
            n.annotations
                .iter()
                .flat_map(|a| a.tags.iter())
                .chain(&n.tags)
        })
        .filter(|t| !notebook.vocabulary.tags.contains_key(*t))
        .cloned()
        .collect();
    for tag in used {
        notebook.vocabulary.tags.insert(tag, TagDef::default());
    }
    Ok(Loaded {
        notebook,
        archive,
        sidecars,
    })
}

pub(super) fn run(
    archive: &Path,
    mirror: Option<&Path>,
    command: Option<TagsCommand>,
) -> anyhow::Result<bool> {
    if !archive.is_dir() {
        bail!("not a folder: {}", archive.display());
    }
    // The notes live next to the sources, or in the mirror folder with the same layout.
    let root = mirror.unwrap_or(archive);
    let command = command.unwrap_or(TagsCommand::List);
    if let TagsCommand::List = command {
        return list(&load(root)?);
    }
    // About to write: first clear what crashed saves left behind.
    clean_leftovers(root);
    let loaded = load(root)?;
    let nb = &loaded.notebook;
    let name = |s: &str| TagName::new(s);
    let edit: Option<Edit> = match &command {
        TagsCommand::Rename { old, new } => {
            if name(new).0.is_empty() {
                bail!("a tag needs a name");
            }
            if nb.vocabulary.tags.contains_key(&name(new)) {
                bail!("there is already a tag {new:?}; use `merge` to combine them");
            }
            edit::rename_tag(nb, &name(old), &name(new))
        }
        TagsCommand::Merge { from, into } => {
            if name(from) == name(into) {
                bail!("a tag cannot be merged into itself");
            }
            if !nb.vocabulary.tags.contains_key(&name(into)) {
                bail!("no tag named {into:?}");
            }
            edit::merge_tags(nb, &name(from), &name(into))
        }
        TagsCommand::Delete { name: n } => edit::delete_tag(nb, &name(n)),
        TagsCommand::List => None,
    };
    let Some(edit) = edit else {
        let missing = match &command {
            TagsCommand::Rename { old, .. } => old,
            TagsCommand::Merge { from, .. } => from,
            TagsCommand::Delete { name } => name,
            TagsCommand::List => unreachable!("handled above"),
        };
        bail!("no tag named {missing:?}");
    };
    let mut changed = loaded.notebook.clone();
    edit.apply(&mut changed)?;
    save(root, &loaded, &changed)?;
    let touched = touched_annotations(&edit);
    println!(
        "{} annotation{} updated",
        touched,
        if touched == 1 { "" } else { "s" }
    );
    Ok(true)
}

fn save(root: &Path, loaded: &Loaded, changed: &Notebook) -> anyhow::Result<()> {
    for (source, (path, base)) in &loaded.sidecars {
        let after = changed.speeches.get(source).cloned().unwrap_or_default();
        if after != base.notes {
            save_sidecar(path, base, &after, &RealFs)?;
        }
    }
    let mut ours = loaded.archive.clone();
    ours.vocabulary = changed.vocabulary.clone();
    save_archive_file(root, &loaded.archive, &ours, &RealFs)?;
    Ok(())
}

fn touched_annotations(edit: &Edit) -> usize {
    match edit {
        Edit::ReplaceAnnotation { .. } => 1,
        Edit::Batch(edits) => edits.iter().map(touched_annotations).sum(),
        _ => 0,
    }
}

fn list(loaded: &Loaded) -> anyhow::Result<bool> {
    let counts = loaded.notebook.tag_counts();
    let vocabulary = &loaded.notebook.vocabulary;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // Roots first, children indented under their parents.
    for (tag, def) in &vocabulary.tags {
        let has_parent = def
            .parent
            .as_ref()
            .is_some_and(|p| vocabulary.tags.contains_key(p) && p != tag);
        if !has_parent {
            show(&mut out, loaded, &counts, tag, 0)?;
        }
    }
    out.flush()?;
    Ok(true)
}

/// One tag and, indented below it, its children.
fn show(
    out: &mut impl std::io::Write,
    loaded: &Loaded,
    counts: &BTreeMap<&TagName, usize>,
    tag: &TagName,
    depth: usize,
) -> std::io::Result<()> {
    let vocabulary = &loaded.notebook.vocabulary;
    let count = counts.get(tag).copied().unwrap_or(0);
    let colour = vocabulary.colour(tag);
    writeln!(out, "{}{tag}  {count}  {colour}", "  ".repeat(depth))?;
    for child in vocabulary.children(tag) {
        if depth < 16 {
            show(out, loaded, counts, child, depth + 1)?;
        }
    }
    Ok(())
}
