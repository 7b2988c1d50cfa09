//! `lectern inspect PATH... [--json] [--text]`.

use std::io::Write as _;

use lectern_core::{Catalogue, Document};
use serde::Serialize;

/// The JSON shape of one inspected document (stable; documented in the README).
#[derive(Serialize)]
struct InspectJson<'a> {
    path: String,
    title: Option<&'a str>,
    date: Option<String>,
    speakers: &'a [String],
    place: Option<&'a str>,
    source_url: Option<&'a str>,
    language: Option<&'a str>,
    format: &'static str,
    provenance: std::collections::BTreeMap<&'static str, &'static str>,
    sections: Vec<SectionJson<'a>>,
    paragraphs: usize,
    words: usize,
    content_hash: String,
    warnings: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

#[derive(Serialize)]
struct SectionJson<'a> {
    title: &'a str,
    level: u8,
    /// Code points, end exclusive.
    start: usize,
    end: usize,
}

pub(super) fn run(
    paths: &[std::path::PathBuf],
    json: bool,
    with_text: bool,
) -> anyhow::Result<bool> {
    let mut all_ok = true;
    // Standard output flushes at every line end; reports are written in large blocks.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    for path in paths {
        let (catalogue, relative) = lectern_store::find_catalogue_for(path)
            .unwrap_or_else(|| (Catalogue::default(), path.to_string_lossy().into_owned()));
        match lectern_store::load_file(path, &relative, &catalogue) {
            Ok(doc) => {
                let shown = path.to_string_lossy();
                if json {
                    serde_json::to_writer(&mut out, &to_json(&shown, &doc, with_text))?;
                    writeln!(out)?;
                } else {
                    write_human(&mut out, &shown, &doc, with_text)?;
                }
            }
            Err(err) => {
                all_ok = false;
                eprintln!("lectern: {err}: {}", path.display());
            }
        }
    }
    out.flush()?;
    Ok(all_ok)
}

fn to_json<'a>(path: &str, doc: &'a Document, with_text: bool) -> InspectJson<'a> {
    let m = &doc.metadata;
    InspectJson {
        path: path.to_owned(),
        title: m.title(),
        date: m.date().map(|d| d.to_string()),
        speakers: m.speakers(),
        place: m.place.as_ref().map(|s| s.value.as_str()),
        source_url: m.source_url.as_ref().map(|s| s.value.as_str()),
        language: m.language.as_ref().map(|s| s.value.as_str()),
        format: doc.format.as_str(),
        provenance: m
            .provenance()
            .into_iter()
            .map(|(k, p)| (k, p.as_str()))
            .collect(),
        sections: doc
            .sections
            .iter()
            .map(|s| SectionJson {
                title: &s.title,
                level: s.level,
                start: s.span.start,
                end: s.span.end,
            })
            .collect(),
        paragraphs: doc.paragraphs().count(),
        words: doc.word_count(),
        content_hash: doc.content_hash().to_string(),
        warnings: doc.warnings.iter().map(|w| w.message.as_str()).collect(),
        text: with_text.then_some(doc.text.as_str()),
    }
}

fn write_human(
    out: &mut impl std::io::Write,
    path: &str,
    doc: &Document,
    with_text: bool,
) -> std::io::Result<()> {
    let m = &doc.metadata;
    let provenance = m.provenance();
    let source = |field: &str| {
        provenance.get(field).map_or(String::new(), |p| {
            format!("  ({})", p.as_str().replace('_', " "))
        })
    };
    writeln!(out, "{path}")?;
    let mut field = |name: &str, value: Option<String>, key: &str| -> std::io::Result<()> {
        let value = value.unwrap_or_else(|| "—".to_owned());
        writeln!(
            out,
            "  {name:<10} {value}{}",
            if value == "—" {
                String::new()
            } else {
                source(key)
            }
        )
    };
    field("title", m.title().map(str::to_owned), "title")?;
    field("date", m.date().map(|d| d.to_string()), "date")?;
    field(
        "speakers",
        (!m.speakers().is_empty()).then(|| m.speakers().join("; ")),
        "speakers",
    )?;
    field("place", m.place.as_ref().map(|s| s.value.clone()), "place")?;
    field(
        "source",
        m.source_url.as_ref().map(|s| s.value.clone()),
        "source_url",
    )?;
    field(
        "language",
        m.language.as_ref().map(|s| s.value.clone()),
        "language",
    )?;
    writeln!(
        out,
        "  {:<10} {} · {} words · {} paragraphs · {}",
        "format",
        doc.format.as_str().replace('_', " "),
        doc.word_count(),
        doc.paragraphs().count(),
        doc.content_hash()
    )?;
    if !doc.sections.is_empty() {
        writeln!(out, "  sections")?;
        for section in &doc.sections {
            let first = doc
                .paragraphs()
                .find(|p| p.span.start >= section.span.start)
                .and_then(|p| p.number);
            let indent = "  ".repeat(usize::from(section.level));
            let at = first.map_or(String::new(), |n| format!("  ¶{n}"));
            writeln!(
                out,
                "  {indent}{}{at}  [{}..{}]",
                section.title, section.span.start, section.span.end
            )?;
        }
    }
    if !doc.warnings.is_empty() {
        writeln!(out, "  warnings")?;
        for w in &doc.warnings {
            writeln!(out, "    {w}")?;
        }
    }
    if with_text {
        writeln!(out, "\n{}\n", doc.text)?;
    }
    Ok(())
}
