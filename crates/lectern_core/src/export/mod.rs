//! Exports of the researcher's annotations, all from one flat list of [`Passage`]s so that
//! every format gives the same positions: code points into the canonical text, end
//! exclusive, the unit of W3C selectors and REFI-QDA.
//!
//! - [`csv`]: one row per annotation (RFC 4180).
//! - [`jsonld`]: the W3C Web Annotation Data Model, with a `TextQuoteSelector` and a
//!   `TextPositionSelector` on every target.
//! - [`markdown_speech`]: a speech's notes for a notes app: front matter, then each passage
//!   as a quotation with its tags, note and a citation line.
//! - [`markdown_codebook`]: every tag with its description and its passages by date.
//! - [`html_speech`]: a printable page of a speech with its highlights and margin notes.
//! - [`qdpx`]: a REFI-QDA project for QDA tools, with the sources the positions refer to.
//!
//! Orphaned annotations are exported too, marked by their status, never dropped.

use std::fmt::Write as _;

mod codebook;
mod html;
mod qdpx;

pub use codebook::markdown_codebook;
pub use html::{html_collection, html_speech};
pub use qdpx::{project as qde_project, qdpx};

use crate::annotation::{AnchorStatus, Annotation, SpeechNotes, TagName};
use crate::document::Document;

/// One annotation with what the exports say about its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Passage<'a> {
    /// The speech's path relative to the archive root.
    pub path: &'a str,
    pub title: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; empty when undated.
    pub date: String,
    pub speaker: String,
    /// The title of the innermost section holding the passage; empty when none.
    pub section: String,
    /// The ¶ number of the paragraph where the passage starts, when it has one.
    pub paragraph: Option<u32>,
    pub annotation: &'a Annotation,
}

/// Which passages an export takes.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only passages with one of these tags (or a sub-tag of one); all when empty.
    pub tags: Vec<TagName>,
    /// Only speeches dated within (inclusive); typed like the date filters elsewhere.
    pub from: Option<crate::PartialDate>,
    pub to: Option<crate::PartialDate>,
    /// Only these speeches (paths relative to the archive root); all when empty.
    pub speeches: Vec<String>,
    /// Only annotations anchored with one of these statuses; all when empty.
    pub statuses: Vec<AnchorStatus>,
}

/// The passages of `speeches` (each a path, its document and its notes) that `filter`
/// keeps, sorted by path and then reading order. `lineage` gives a tag and its ancestors.
pub fn passages<'a>(
    speeches: impl IntoIterator<Item = (&'a str, &'a Document, &'a SpeechNotes)>,
    filter: &Filter,
    lineage: &dyn Fn(&TagName) -> Vec<TagName>,
) -> Vec<Passage<'a>> {
    let mut out = Vec::new();
    for (path, doc, notes) in speeches {
        if !filter.speeches.is_empty() && !filter.speeches.iter().any(|s| s == path) {
            continue;
        }
        let metadata = doc.metadata.with_overrides(&notes.overrides);
        let date = metadata.date();
        if let Some(from) = filter.from
            && date.is_none_or(|d| d < from)
        {
            continue;
        }
        if let Some(to) = filter.to
            && date.is_none_or(|d| d > to && !to.contains(d))
        {
            continue;
        }
        for annotation in &notes.annotations {
            let wanted = filter.tags.is_empty()
                || annotation
                    .tags
                    .iter()
                    .any(|t| lineage(t).iter().any(|l| filter.tags.contains(l)));
            let status_wanted =
                filter.statuses.is_empty() || filter.statuses.contains(&annotation.status);
            if !wanted || !status_wanted {
                continue;
            }
            let placed = annotation.status != AnchorStatus::Orphaned;
            let start = annotation.target.span.start;
            out.push(Passage {
                path,
                title: metadata.title().unwrap_or(path).to_owned(),
                date: date.map(|d| d.to_string()).unwrap_or_default(),
                speaker: metadata.speakers().join("; "),
                section: doc
                    .section_at(start)
                    .filter(|_| placed)
                    .map(|s| s.title.clone())
                    .unwrap_or_default(),
                paragraph: doc
                    .block_at(start)
                    .filter(|_| placed)
                    .and_then(|b| b.number),
                annotation,
            });
        }
    }
    out.sort_by(|a, b| {
        (a.path, a.annotation.target.span.start, &a.annotation.id).cmp(&(
            b.path,
            b.annotation.target.span.start,
            &b.annotation.id,
        ))
    });
    out
}

/// The line that cites a passage: speaker, “title”, date, ¶.
fn citation(p: &Passage<'_>) -> String {
    let mut parts = Vec::new();
    if !p.speaker.is_empty() {
        parts.push(p.speaker.clone());
    }
    parts.push(format!("“{}”", p.title));
    if !p.date.is_empty() {
        parts.push(p.date.clone());
    }
    if let Some(n) = p.paragraph {
        parts.push(format!("¶ {n}"));
    }
    parts.join(", ")
}

fn tags_of(annotation: &Annotation) -> String {
    annotation
        .tags
        .iter()
        .map(|t| t.0.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// One row per annotation: path, title, date, speaker, section, paragraph, start, end,
/// quote, tags, note, status, created, modified.
pub fn csv(passages: &[Passage<'_>]) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = writer.write_record([
        "path",
        "title",
        "date",
        "speaker",
        "section",
        "paragraph",
        "start",
        "end",
        "quote",
        "tags",
        "note",
        "status",
        "created",
        "modified",
    ]);
    for p in passages {
        let a = p.annotation;
        let _ = writer.write_record([
            p.path,
            &p.title,
            &p.date,
            &p.speaker,
            &p.section,
            &p.paragraph.map(|n| n.to_string()).unwrap_or_default(),
            &a.target.span.start.to_string(),
            &a.target.span.end.to_string(),
            &a.target.quote.exact,
            &tags_of(a),
            &a.note,
            a.status.as_str(),
            &a.created.to_string(),
            &a.modified.to_string(),
        ]);
    }
    // Writing into memory cannot fail.
    writer
        .into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

/// The passages as a W3C Web Annotation collection (JSON-LD).
pub fn jsonld(passages: &[Passage<'_>]) -> serde_json::Value {
    let items: Vec<serde_json::Value> = passages
        .iter()
        .map(|p| {
            let a = p.annotation;
            let mut body: Vec<serde_json::Value> = a
                .tags
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "type": "TextualBody",
                        "purpose": "tagging",
                        "value": t.0,
                    })
                })
                .collect();
            if !a.note.is_empty() {
                body.push(serde_json::json!({
                    "type": "TextualBody",
                    "purpose": "commenting",
                    "format": "text/markdown",
                    "value": a.note,
                }));
            }
            let mut annotation = serde_json::json!({
                "id": format!("urn:lectern:annotation:{}", a.id),
                "type": "Annotation",
                "created": a.created.to_string(),
                "modified": a.modified.to_string(),
                "body": body,
                "target": {
                    "source": p.path,
                    "selector": [
                        {
                            "type": "TextQuoteSelector",
                            "exact": a.target.quote.exact,
                            "prefix": a.target.quote.prefix,
                            "suffix": a.target.quote.suffix,
                        },
                        {
                            "type": "TextPositionSelector",
                            "start": a.target.span.start,
                            "end": a.target.span.end,
                        }
                    ]
                },
                "lectern:status": a.status.as_str(),
            });
            if let Some(author) = &a.author {
                annotation["creator"] = serde_json::json!({ "type": "Person", "name": author });
            }
            annotation
        })
        .collect();
    serde_json::json!({
        "@context": [
            "http://www.w3.org/ns/anno.jsonld",
            { "lectern": "urn:lectern:" }
        ],
        "type": "AnnotationCollection",
        "label": "Lectern annotations",
        "total": items.len(),
        "first": {
            "type": "AnnotationPage",
            "items": items,
        }
    })
}

/// A speech's annotated passages as Markdown notes: front matter (title, date, speakers,
/// source), then each passage in reading order with its section, ¶, the quotation, its
/// tags as `#tags`, its note and a citation line.
pub fn markdown_speech(passages: &[Passage<'_>], memo: &str) -> String {
    let Some(first) = passages.first() else {
        return String::new();
    };
    let mut out = String::new();
    let yaml = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "title: {}", yaml(&first.title));
    if !first.date.is_empty() {
        let _ = writeln!(out, "date: {}", first.date);
    }
    if !first.speaker.is_empty() {
        let _ = writeln!(out, "speaker: {}", yaml(&first.speaker));
    }
    let _ = writeln!(out, "source: {}", yaml(first.path));
    let _ = writeln!(out, "---\n");
    let _ = writeln!(out, "# {}\n", first.title);
    if !memo.is_empty() {
        let _ = writeln!(out, "{}\n", memo.trim());
    }
    for p in passages {
        let a = p.annotation;
        let mut heading = Vec::new();
        if !p.section.is_empty() {
            heading.push(p.section.clone());
        }
        if let Some(n) = p.paragraph {
            heading.push(format!("¶ {n}"));
        }
        if a.status == AnchorStatus::Orphaned {
            heading.push("not found in the current text".to_owned());
        }
        if heading.is_empty() {
            heading.push("Passage".to_owned());
        }
        let _ = writeln!(out, "## {}\n", heading.join(" · "));
        for line in a.target.quote.exact.lines() {
            let _ = writeln!(out, "> {line}");
        }
        out.push('\n');
        if !a.tags.is_empty() {
            let tags: Vec<String> = a
                .tags
                .iter()
                .map(|t| format!("#{}", t.0.replace(' ', "-")))
                .collect();
            let _ = writeln!(out, "{}\n", tags.join(" "));
        }
        if !a.note.is_empty() {
            let _ = writeln!(out, "{}\n", a.note.trim());
        }
        let _ = writeln!(out, "— {}\n", citation(p));
    }
    out
}

#[cfg(test)]
mod tests;
