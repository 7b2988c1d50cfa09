//! A speech as one self-contained, printable HTML page: its text with the highlights in
//! their tags' colours (and underlined, for print and for colour-blind readers), each
//! paragraph's annotations in the margin beside it, numbered.

use std::fmt::Write as _;

use crate::annotation::{AnchorStatus, Annotation, Colour, SpeechNotes, TagName};
use crate::document::{BlockKind, Document};
use crate::text::CharSpan;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:'Noto Serif',Georgia,serif;max-width:64rem;margin:2rem auto;\
padding:0 1rem;color:#222;line-height:1.55}h1{font-size:1.8rem;margin-bottom:.2rem}\
.meta{color:#555;margin-bottom:2rem}.row{display:flex;gap:2rem}.text{flex:0 0 38rem}\
.margin{flex:1;font-family:'Noto Sans',Helvetica,sans-serif;font-size:.85rem;color:#333}\
.margin p{margin:.2rem 0 .6rem}.n{color:#888;font-size:.75rem;margin-right:.4rem}\
mark{color:inherit;padding:0 .05em}sup{font-size:.65rem;color:#555}.tag{font-weight:600}\
.orphans{border-top:1px solid #ccc;margin-top:2rem;padding-top:1rem}\
@media print{body{margin:0}.row{break-inside:avoid}}";

/// The page for the speech at `path`.
pub fn html_speech(
    path: &str,
    doc: &Document,
    notes: &SpeechNotes,
    colour: &dyn Fn(&TagName) -> Colour,
) -> String {
    let metadata = doc.metadata.with_overrides(&notes.overrides);
    let title = metadata.title().unwrap_or(path).to_owned();
    let language = metadata
        .language
        .as_ref()
        .map_or("en", |l| l.value.as_str());
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(language),
        escape(&title)
    );
    out.push_str(&speech_body(path, doc, notes, colour));
    out.push_str("</body></html>\n");
    out
}

/// The whole collection as one page: a table of contents, then every speech as
/// [`html_speech`] draws it, each starting on a new printed page.
pub fn html_collection(
    name: &str,
    speeches: &[(&str, &Document, &SpeechNotes)],
    colour: &dyn Fn(&TagName) -> Colour,
) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}section{{break-before:page}}</style></head><body>\n<h1>{}</h1>\n<ol>\n",
        escape(name),
        escape(name)
    );
    for (i, (path, doc, notes)) in speeches.iter().enumerate() {
        let metadata = doc.metadata.with_overrides(&notes.overrides);
        let _ = writeln!(
            out,
            "<li><a href=\"#s{i}\">{}</a> {} ({} annotations)</li>",
            escape(metadata.title().unwrap_or(path)),
            escape(&metadata.date().map(|d| d.to_string()).unwrap_or_default()),
            notes.annotations.len()
        );
    }
    out.push_str("</ol>\n");
    for (i, (path, doc, notes)) in speeches.iter().enumerate() {
        let _ = writeln!(out, "<section id=\"s{i}\">");
        out.push_str(&speech_body(path, doc, notes, colour));
        out.push_str("</section>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// A speech's heading and facts, its text with highlights and margin notes, and the
/// annotations whose passage is gone.
fn speech_body(
    path: &str,
    doc: &Document,
    notes: &SpeechNotes,
    colour: &dyn Fn(&TagName) -> Colour,
) -> String {
    let metadata = doc.metadata.with_overrides(&notes.overrides);
    let title = metadata.title().unwrap_or(path).to_owned();
    let mut out = String::new();
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    let mut facts = Vec::new();
    if let Some(date) = metadata.date() {
        facts.push(date.to_string());
    }
    if !metadata.speakers().is_empty() {
        facts.push(metadata.speakers().join(", "));
    }
    if let Some(place) = &metadata.place {
        facts.push(place.value.clone());
    }
    facts.push(path.to_owned());
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&facts.join(" · ")));
    if !notes.memo.trim().is_empty() {
        let _ = writeln!(out, "<p><em>{}</em></p>", escape(notes.memo.trim()));
    }
    let placed: Vec<(usize, &Annotation)> = notes
        .annotations
        .iter()
        .filter(|a| a.status != AnchorStatus::Orphaned)
        .enumerate()
        .map(|(i, a)| (i + 1, a))
        .collect();
    let rgb = |a: &Annotation| {
        let c = a
            .tags
            .first()
            .map_or(crate::annotation::DEFAULT_TAG_COLOUR, colour);
        c.0
    };
    for block in &doc.blocks {
        let span = block.span;
        let here: Vec<&(usize, &Annotation)> = placed
            .iter()
            .filter(|(_, a)| a.target.span.start < span.end && span.start < a.target.span.end)
            .collect();
        // The block's text cut where highlights begin and end.
        let mut cuts = vec![span.start, span.end];
        for (_, a) in &here {
            cuts.push(a.target.span.start.clamp(span.start, span.end));
            cuts.push(a.target.span.end.clamp(span.start, span.end));
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut text = String::new();
        for run in cuts.windows(2) {
            let piece = escape(doc.slice(CharSpan::new(run[0], run[1])));
            let over: Vec<&&(usize, &Annotation)> = here
                .iter()
                .filter(|(_, a)| a.target.span.start <= run[0] && run[1] <= a.target.span.end)
                .collect();
            match over.first() {
                Some((_, a)) => {
                    let [r, g, b] = rgb(a);
                    let _ = write!(
                        text,
                        "<mark style=\"background:rgba({r},{g},{b},{:.2});border-bottom:2px solid rgb({r},{g},{b})\">{piece}</mark>",
                        0.25 + 0.15 * f32::from(u8::try_from(over.len().min(3)).unwrap_or(3) - 1)
                    );
                }
                None => text.push_str(&piece),
            }
            // The number of each highlight where it ends.
            for (n, a) in &here {
                if a.target.span.end == run[1] {
                    let _ = write!(text, "<sup>{n}</sup>");
                }
            }
        }
        let tag = match block.kind {
            BlockKind::Heading { level } => format!("h{}", (level + 1).min(6)),
            _ => "p".to_owned(),
        };
        let number = block
            .number
            .map(|n| format!("<span class=\"n\">¶ {n}</span>"))
            .unwrap_or_default();
        let mut margin = String::new();
        for (n, a) in here
            .iter()
            .filter(|(_, a)| a.target.span.start >= span.start)
        {
            let tags: Vec<String> = a
                .tags
                .iter()
                .map(|t| format!("<span class=\"tag\">#{}</span>", escape(&t.0)))
                .collect();
            let _ = write!(
                margin,
                "<p><sup>{n}</sup> {} {}</p>",
                tags.join(" "),
                escape(a.note.trim())
            );
        }
        let _ = writeln!(
            out,
            "<div class=\"row\"><div class=\"text\"><{tag}>{number}{text}</{tag}></div><div class=\"margin\">{margin}</div></div>"
        );
    }
    let orphans: Vec<&Annotation> = notes
        .annotations
        .iter()
        .filter(|a| a.status == AnchorStatus::Orphaned)
        .collect();
    if !orphans.is_empty() {
        let _ = writeln!(
            out,
            "<div class=\"orphans\"><h2>Not found in the current text</h2>"
        );
        for a in orphans {
            let _ = writeln!(
                out,
                "<blockquote>{}</blockquote><p>{}</p>",
                escape(&a.target.quote.exact),
                escape(a.note.trim())
            );
        }
        let _ = writeln!(out, "</div>");
    }
    out
}
