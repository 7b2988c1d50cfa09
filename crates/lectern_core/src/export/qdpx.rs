//! A REFI-QDA project (`.qdpx`), the exchange format of QDA tools (ATLAS.ti, MAXQDA,
//! `NVivo`, `QualCoder`…): a zip holding `project.qde` and `sources/*.txt`, the exact canonical text
//! the positions refer to (UTF-8, LF, no BOM).
//!
//! What real tools need, beyond the schema: the file is named exactly `project.qde`; every
//! code has a colour; sources are plain text through `plainTextPath` (never a
//! `richTextPath` to a .txt); positions are code points. GUIDs are derived from what they
//! name, so exporting the same archive twice gives the same GUIDs and a tool can match them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;

use super::Passage;
use crate::annotation::{TagName, Timestamp, Vocabulary};
use crate::document::Document;

/// A GUID that stands for `key` of `kind`, the same in every export.
fn guid(kind: &str, key: &str) -> String {
    let h = xxhash_rust::xxh3::xxh3_128(format!("lectern:{kind}:{key}").as_bytes());
    let hex = format!("{h:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// At most `max` characters of `text`, with an ellipsis when cut: a selection's name.
fn short(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        line
    } else {
        let cut: String = line.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The project's `project.qde` text and its sources, as `(file name, text)`.
pub fn project<'d>(
    name: &str,
    passages: &[Passage<'_>],
    documents: &dyn Fn(&str) -> Option<&'d Document>,
    vocabulary: &Vocabulary,
    now: Timestamp,
) -> (String, Vec<(String, String)>) {
    let lectern_user = guid("user", "lectern");
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" \
         name=\"{}\" origin=\"Lectern\" creatingUserGUID=\"{lectern_user}\" creationDateTime=\"{now}\">\n",
        xml(name)
    );
    let _ = writeln!(
        out,
        "<Users><User guid=\"{lectern_user}\" name=\"Lectern\" id=\"LECTERN\"/></Users>"
    );
    // The codebook: the vocabulary's tree, then tags used without a definition.
    let mut used: BTreeSet<&TagName> = passages.iter().flat_map(|p| &p.annotation.tags).collect();
    used.extend(vocabulary.tags.keys());
    if !used.is_empty() {
        out.push_str("<CodeBook><Codes>\n");
        let roots: Vec<&TagName> = used
            .iter()
            .copied()
            .filter(|t| {
                vocabulary
                    .tags
                    .get(*t)
                    .and_then(|d| d.parent.as_ref())
                    .is_none_or(|p| !used.contains(p))
            })
            .collect();
        let mut written = BTreeSet::new();
        for root in roots {
            code(&mut out, root, vocabulary, &used, &mut written);
        }
        // Tags caught in a parent cycle are written at the top level.
        for tag in used.iter().copied() {
            if !written.contains(tag) {
                code(&mut out, tag, vocabulary, &used, &mut written);
            }
        }
        out.push_str("</Codes></CodeBook>\n");
    }
    // Date and speaker as variables; each speaker a case holding their speeches.
    let (date_var, speaker_var) = (guid("variable", "date"), guid("variable", "speaker"));
    let _ = writeln!(
        out,
        "<Variables><Variable guid=\"{date_var}\" name=\"Date\" typeOfVariable=\"Text\"/>\
         <Variable guid=\"{speaker_var}\" name=\"Speaker\" typeOfVariable=\"Text\"/></Variables>"
    );
    let mut by_source: BTreeMap<&str, Vec<&Passage<'_>>> = BTreeMap::new();
    for p in passages {
        by_source.entry(p.path).or_default().push(p);
    }
    let mut cases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, list) in &by_source {
        for speaker in list[0].speaker.split("; ").filter(|s| !s.is_empty()) {
            cases
                .entry(speaker.to_owned())
                .or_default()
                .push(guid("source", path));
        }
    }
    if !cases.is_empty() {
        out.push_str("<Cases>\n");
        for (speaker, sources) in &cases {
            let _ = write!(
                out,
                "<Case guid=\"{}\" name=\"{}\">",
                guid("case", speaker),
                xml(speaker)
            );
            for source in sources {
                let _ = write!(out, "<SourceRef targetGUID=\"{source}\"/>");
            }
            out.push_str("</Case>\n");
        }
        out.push_str("</Cases>\n");
    }
    let mut files = Vec::new();
    if !by_source.is_empty() {
        out.push_str("<Sources>\n");
        for (path, list) in &by_source {
            let Some(doc) = documents(path) else { continue };
            let source = guid("source", path);
            let _ = writeln!(
                out,
                "<TextSource guid=\"{source}\" name=\"{}\" plainTextPath=\"internal://{source}.txt\" \
                 creatingUser=\"{lectern_user}\" creationDateTime=\"{now}\">",
                xml(&list[0].title)
            );
            for p in list {
                let a = p.annotation;
                let _ = write!(
                    out,
                    "<PlainTextSelection guid=\"{}\" name=\"{}\" startPosition=\"{}\" endPosition=\"{}\" \
                     creatingUser=\"{lectern_user}\" creationDateTime=\"{}\" modifiedDateTime=\"{}\">",
                    guid("selection", &a.id.0),
                    xml(&short(&a.target.quote.exact, 60)),
                    a.target.span.start,
                    a.target.span.end,
                    a.created,
                    a.modified
                );
                if !a.note.is_empty() {
                    let _ = write!(out, "<Description>{}</Description>", xml(&a.note));
                }
                for tag in &a.tags {
                    let _ = write!(
                        out,
                        "<Coding guid=\"{}\" creatingUser=\"{lectern_user}\" creationDateTime=\"{}\">\
                         <CodeRef targetGUID=\"{}\"/></Coding>",
                        guid("coding", &format!("{}:{}", a.id, tag.0)),
                        a.created,
                        guid("code", &tag.0)
                    );
                }
                out.push_str("</PlainTextSelection>\n");
            }
            let _ = writeln!(
                out,
                "<VariableValue><VariableRef targetGUID=\"{date_var}\"/><TextValue>{}</TextValue></VariableValue>\
                 <VariableValue><VariableRef targetGUID=\"{speaker_var}\"/><TextValue>{}</TextValue></VariableValue>",
                xml(&list[0].date),
                xml(&list[0].speaker)
            );
            out.push_str("</TextSource>\n");
            files.push((format!("sources/{source}.txt"), doc.text.clone()));
        }
        out.push_str("</Sources>\n");
    }
    out.push_str("</Project>\n");
    (out, files)
}

fn code(
    out: &mut String,
    tag: &TagName,
    vocabulary: &Vocabulary,
    used: &BTreeSet<&TagName>,
    written: &mut BTreeSet<TagName>,
) {
    if !written.insert(tag.clone()) {
        return;
    }
    let def = vocabulary.tags.get(tag);
    // A colour always: tools drop codes without one.
    let _ = write!(
        out,
        "<Code guid=\"{}\" name=\"{}\" isCodable=\"true\" color=\"{}\">",
        guid("code", &tag.0),
        xml(&tag.0),
        vocabulary.colour(tag)
    );
    if let Some(description) = def.map(|d| d.description.trim()).filter(|d| !d.is_empty()) {
        let _ = write!(out, "<Description>{}</Description>", xml(description));
    }
    for child in vocabulary.children(tag) {
        if used.contains(child) {
            code(out, child, vocabulary, used, written);
        }
    }
    out.push_str("</Code>\n");
}

/// The `.qdpx` file: the project and its sources, zipped.
pub fn qdpx<'d>(
    name: &str,
    passages: &[Passage<'_>],
    documents: &dyn Fn(&str) -> Option<&'d Document>,
    vocabulary: &Vocabulary,
    now: Timestamp,
) -> Vec<u8> {
    let (project, sources) = project(name, passages, documents, vocabulary, now);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    // Writing into memory cannot fail.
    let _ = zip.start_file("project.qde", options);
    let _ = zip.write_all(project.as_bytes());
    for (file, text) in sources {
        let _ = zip.start_file(file, options);
        let _ = zip.write_all(text.as_bytes());
    }
    zip.finish()
        .map(std::io::Cursor::into_inner)
        .unwrap_or_default()
}
