//! `lectern annotate ARCHIVE FILE --quote TEXT [--occurrence N] [--tag T]... [--note TEXT]`.
//!
//! Adds one annotation and returns only once it is durably saved.

use std::path::Path;

use anyhow::bail;
use lectern_core::annotation::anchor::target;
use lectern_core::annotation::{AnchorStatus, Annotation, TagDef, TagName};
use lectern_core::{CharSpan, Document};
use lectern_store::notes::{
    NotesPlace, RealFs, clean_leftovers_in, is_unwritable, read_archive_file, read_sidecar,
    save_archive_file, save_sidecar,
};

pub(super) struct Request<'a> {
    pub archive: &'a Path,
    pub file: &'a str,
    pub quote: &'a str,
    pub occurrence: Option<usize>,
    pub tags: &'a [String],
    pub note: Option<&'a str>,
    pub author: Option<&'a str>,
    /// Keep the notes in this folder instead of next to the sources.
    pub mirror: Option<&'a Path>,
}

pub(super) fn run(request: &Request<'_>) -> anyhow::Result<bool> {
    // FILE names a speech inside the archive; anything else would put notes where no other
    // command looks for them.
    let inside = Path::new(request.file).components().all(|c| {
        matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    });
    if !inside {
        bail!(
            "the speech must be a path inside the archive folder: {}",
            request.file
        );
    }
    let source = request.archive.join(request.file);
    let (catalogue, _) = lectern_store::read_catalogue(request.archive);
    let doc = lectern_store::load_file(&source, request.file, &catalogue)
        .map_err(|e| anyhow::anyhow!("{e}: {}", source.display()))?;
    let span = find_quote(&doc, request.quote, request.occurrence)
        .map_err(|e| anyhow::anyhow!("{e}: {}", source.display()))?;

    let now = crate::clock::now();
    let mut tags: Vec<TagName> = request
        .tags
        .iter()
        .map(|t| TagName::new(t))
        .filter(|t| !t.0.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    let annotation = Annotation {
        id: crate::clock::new_id(now),
        target: target(&doc, span),
        note: request.note.unwrap_or_default().to_owned(),
        tags: tags.clone(),
        created: now,
        modified: now,
        author: request.author.map(str::to_owned),
        conflict_with: None,
        status: AnchorStatus::Exact,
    };

    // The save re-reads the sidecar under its folder's lock and merges with any writer that
    // came in between, so nothing another instance saved meanwhile is lost.
    let place = NotesPlace::new(request.archive, request.mirror);
    if let Some(mirror) = request.mirror {
        std::fs::create_dir_all(mirror).map_err(|e| {
            anyhow::anyhow!("cannot create the notes folder: {e}: {}", mirror.display())
        })?;
    }
    // Clear what crashed saves left in the two folders this command writes to.
    let sidecar = place.sidecar(request.file);
    clean_leftovers_in(place.root());
    if let Some(folder) = sidecar.parent() {
        clean_leftovers_in(folder);
    }
    let base = read_sidecar(&sidecar)?;
    let mut ours = base.notes.clone();
    ours.annotations.push(annotation.clone());
    ours.sort();
    let saved = save_sidecar(&sidecar, &base, &ours, &RealFs).map_err(|err| {
        if is_unwritable(&err) {
            anyhow::anyhow!("{err}\nthe archive folder cannot be written; keep the notes in another folder with --sidecars DIR")
        } else {
            err.into()
        }
    })?;

    let archive = read_archive_file(place.root())?;
    let missing: Vec<&TagName> = tags
        .iter()
        .filter(|t| !archive.vocabulary.tags.contains_key(*t))
        .collect();
    if !missing.is_empty() {
        let mut updated = archive.clone();
        for tag in missing {
            // Each new tag gets a colour of its own, so highlights can be told apart.
            let colour = updated.vocabulary.next_colour();
            let def = TagDef {
                colour: Some(colour),
                ..TagDef::default()
            };
            updated.vocabulary.tags.insert(tag.clone(), def);
        }
        save_archive_file(place.root(), &archive, &updated, &RealFs)?;
    }
    if !saved.conflicts.is_empty() {
        eprintln!(
            "lectern: the sidecar had changed on disk; kept both versions of {} annotations",
            saved.conflicts.len()
        );
    }
    println!("{}", annotation.id);
    Ok(true)
}

/// The span of the `occurrence`-th (1-based) occurrence of `quote`, white space folded as
/// in the canonical text; overlapping occurrences count.
fn find_quote(doc: &Document, quote: &str, occurrence: Option<usize>) -> anyhow::Result<CharSpan> {
    // Cleaned as the text was (NFC, invisible characters), so a quote pasted from a source
    // in decomposed form or with a soft hyphen still matches.
    let quote = lectern_core::import::clean_source(quote);
    let quote = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    let quote = quote.as_str();
    if quote.is_empty() {
        bail!("the quote is empty");
    }
    let starts: Vec<usize> = doc
        .text
        .char_indices()
        .filter(|&(i, _)| doc.text[i..].starts_with(quote))
        .map(|(i, _)| i)
        .collect();
    let start = match (starts.len(), occurrence) {
        (0, _) => bail!(
            "the quote does not occur in the text (quotes are matched exactly, after cleaning)"
        ),
        (1, None | Some(1)) => starts[0],
        (n, None) => bail!("the quote occurs {n} times; choose one with --occurrence 1..{n}"),
        (n, Some(k)) if k == 0 || k > n => {
            bail!("--occurrence {k} is out of range: the quote occurs {n} times")
        }
        (_, Some(k)) => starts[k - 1],
    };
    Ok(CharSpan::new(
        doc.char_offset(start),
        doc.char_offset(start + quote.len()),
    ))
}
