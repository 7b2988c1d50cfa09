//! `lectern export ARCHIVE --format markdown|csv|jsonld [--out PATH] [--tag T]... [--from
//! DATE] [--to DATE]`: the archive's annotations in a format for papers and other tools.
//! CSV and JSON-LD go to one file (or standard output); Markdown writes one note per
//! annotated speech into the folder `--out`, laid out like the archive.

use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::{anyhow, bail};
use lectern_core::PartialDate;
use lectern_core::annotation::TagName;
use lectern_core::export::{self, Filter};
use lectern_store::notes::{RealFs, read_archive_file, write_atomic};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One note per speech, for Obsidian, Zotero and the like
    Markdown,
    /// One row per annotation (RFC 4180)
    Csv,
    /// W3C Web Annotation Data Model
    Jsonld,
    /// One printable page per speech, highlights in colour and notes in the margin
    Html,
    /// A REFI-QDA project, the exchange format of qualitative analysis tools
    Qdpx,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// A note (or page) per speech
    #[default]
    Speech,
    /// One codebook report: every tag with its passages by date (Markdown)
    Tag,
    /// One report of the whole collection, every speech in it (HTML)
    Collection,
}

pub(super) struct Request<'a> {
    pub archive: &'a Path,
    pub format: Format,
    pub by: By,
    pub out: Option<&'a Path>,
    pub tags: &'a [String],
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub speeches: &'a [String],
    pub statuses: &'a [Status],
}

/// How an annotation was found in the current text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Status {
    Exact,
    Relocated,
    Fuzzy,
    Orphaned,
}

impl Status {
    fn anchor(self) -> lectern_core::annotation::AnchorStatus {
        use lectern_core::annotation::AnchorStatus;
        match self {
            Status::Exact => AnchorStatus::Exact,
            Status::Relocated => AnchorStatus::Relocated,
            Status::Fuzzy => AnchorStatus::Fuzzy,
            Status::Orphaned => AnchorStatus::Orphaned,
        }
    }
}

fn date(text: &str, what: &str) -> anyhow::Result<PartialDate> {
    PartialDate::parse_iso(text.trim()).ok_or_else(|| {
        anyhow!("--{what} {text:?} is not a date: give a year, year-month or year-month-day")
    })
}

pub(super) fn run(request: &Request<'_>) -> anyhow::Result<bool> {
    if !request.archive.is_dir() {
        bail!("not a folder: {}", request.archive.display());
    }
    let filter = Filter {
        tags: request.tags.iter().map(|t| TagName::new(t)).collect(),
        from: request.from.map(|d| date(d, "from")).transpose()?,
        to: request.to.map(|d| date(d, "to")).transpose()?,
        speeches: request.speeches.to_vec(),
        statuses: request.statuses.iter().map(|s| s.anchor()).collect(),
    };
    let loaded =
        lectern_store::load_archive(request.archive, None, &|_| {}, &AtomicBool::new(false));
    let vocabulary = read_archive_file(request.archive)
        .map(|a| a.vocabulary)
        .unwrap_or_default();
    let lineage = |tag: &TagName| vocabulary.lineage(tag).into_iter().cloned().collect();
    let speeches: Vec<_> = loaded
        .documents
        .iter()
        .filter_map(|(path, doc)| Some((path.as_str(), doc, loaded.notes.get(path)?)))
        .collect();
    let passages = export::passages(speeches.iter().copied(), &filter, &lineage);
    if request.by == By::Tag && request.format != Format::Markdown {
        bail!("--by tag is the Markdown codebook: use it with --format markdown");
    }
    if request.by == By::Collection && request.format != Format::Html {
        bail!("--by collection is the HTML report: use it with --format html");
    }
    match request.format {
        Format::Markdown if request.by == By::Tag => {
            let name = format!("Codebook: {}", crate::archive_name(request.archive));
            let text = export::markdown_codebook(&passages, &vocabulary, &name);
            match request.out {
                Some(out) => {
                    write_atomic(out, text.as_bytes(), false, &RealFs)?;
                    eprintln!("{}: {} passages", out.display(), passages.len());
                }
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
        }
        Format::Qdpx => {
            let Some(out) = request.out else {
                bail!("a REFI-QDA project is a file: give it with --out PROJECT.qdpx");
            };
            let name = crate::archive_name(request.archive);
            let documents = |path: &str| {
                loaded
                    .documents
                    .binary_search_by(|(p, _)| p.as_str().cmp(path))
                    .ok()
                    .map(|i| &loaded.documents[i].1)
            };
            let bytes = export::qdpx(
                &name,
                &passages,
                &documents,
                &vocabulary,
                crate::clock::now(),
            );
            write_atomic(out, &bytes, false, &RealFs)?;
            eprintln!("{}: {} annotations", out.display(), passages.len());
        }
        Format::Html if request.by == By::Collection => {
            let colour = |tag: &TagName| vocabulary.colour(tag);
            let kept: Vec<_> = speeches
                .iter()
                .filter(|(path, _, _)| passages.iter().any(|p| p.path == *path))
                .map(|(path, doc, notes)| {
                    let mut notes = (*notes).clone();
                    notes.annotations.retain(|a| {
                        passages
                            .iter()
                            .any(|p| p.path == *path && p.annotation.id == a.id)
                    });
                    (*path, *doc, notes)
                })
                .collect();
            let refs: Vec<_> = kept.iter().map(|(p, d, n)| (*p, *d, n)).collect();
            let name = crate::archive_name(request.archive);
            let page = export::html_collection(&name, &refs, &colour);
            match request.out {
                Some(out) => {
                    write_atomic(out, page.as_bytes(), false, &RealFs)?;
                    eprintln!("{}: {} speeches", out.display(), refs.len());
                }
                None => std::io::stdout().write_all(page.as_bytes())?,
            }
        }
        Format::Html => {
            let Some(folder) = request.out else {
                bail!("HTML pages are one file per speech: give the folder with --out DIR");
            };
            let colour = |tag: &TagName| vocabulary.colour(tag);
            let mut files = 0;
            for (path, doc, notes) in &speeches {
                if !passages.iter().any(|p| p.path == *path) {
                    continue;
                }
                // Only the annotations the filter kept are drawn.
                let mut kept = (*notes).clone();
                kept.annotations.retain(|a| {
                    passages
                        .iter()
                        .any(|p| p.path == *path && p.annotation.id == a.id)
                });
                let page = export::html_speech(path, doc, &kept, &colour);
                write_atomic(
                    &folder.join(format!("{path}.html")),
                    page.as_bytes(),
                    false,
                    &RealFs,
                )?;
                files += 1;
            }
            eprintln!("{}: {files} pages", folder.display());
        }
        Format::Csv | Format::Jsonld => {
            let text = if request.format == Format::Csv {
                export::csv(&passages)
            } else {
                let mut json = serde_json::to_string_pretty(&export::jsonld(&passages))?;
                json.push('\n');
                json
            };
            match request.out {
                Some(out) => {
                    write_atomic(out, text.as_bytes(), false, &RealFs)?;
                    eprintln!("{}: {} annotations", out.display(), passages.len());
                }
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
        }
        Format::Markdown => {
            let Some(folder) = request.out else {
                bail!("Markdown notes are one file per speech: give the folder with --out DIR");
            };
            let mut files = 0;
            for (path, _, notes) in &speeches {
                let own: Vec<_> = passages
                    .iter()
                    .filter(|p| p.path == *path)
                    .cloned()
                    .collect();
                if own.is_empty() {
                    continue;
                }
                let note = export::markdown_speech(&own, &notes.memo);
                let file = folder.join(format!("{path}.md"));
                write_atomic(&file, note.as_bytes(), false, &RealFs)?;
                files += 1;
            }
            eprintln!(
                "{}: {} annotations in {files} notes",
                folder.display(),
                passages.len()
            );
        }
    }
    Ok(true)
}
