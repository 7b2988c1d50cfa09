//! Snapshots of a compact outline of real documents: metadata with provenance, every block
//! as `¶N kind: opening words`, every section as `# title [start..end]`.

use std::fmt::Write as _;

use lectern_core::document::Sourced;
use lectern_core::{BlockKind, Document};

use crate::support::{catalogue, import_sample, preview};

fn field<T>(out: &mut String, name: &str, value: Option<&Sourced<T>>, show: impl Fn(&T) -> String) {
    let line = value.map_or_else(
        || "—".to_owned(),
        |s| format!("{} ({})", show(&s.value), s.provenance.as_str()),
    );
    writeln!(out, "{name}: {line}").expect("writing to a String");
}

fn kind(kind: &BlockKind) -> String {
    match kind {
        BlockKind::Heading { level } => format!("heading {level}"),
        BlockKind::Paragraph => "paragraph".to_owned(),
        BlockKind::SpeakerTurn { speaker, .. } => format!("turn of {speaker}"),
        BlockKind::StageDirection => "stage direction".to_owned(),
        BlockKind::Quote => "quote".to_owned(),
        BlockKind::ListItem => "list item".to_owned(),
    }
}

/// The outline of `doc`, one line per field, block and section.
fn render(doc: &Document) -> String {
    let mut out = String::new();
    let m = &doc.metadata;
    writeln!(out, "format: {}", doc.format.as_str()).expect("writing to a String");
    field(&mut out, "title", m.title.as_ref(), Clone::clone);
    field(&mut out, "date", m.date.as_ref(), ToString::to_string);
    field(&mut out, "speakers", m.speakers.as_ref(), |s| s.join("; "));
    field(&mut out, "place", m.place.as_ref(), Clone::clone);
    field(&mut out, "language", m.language.as_ref(), Clone::clone);
    for warning in &doc.warnings {
        writeln!(out, "warning {:?}: {}", warning.kind, warning.message).expect("writing");
    }
    writeln!(out).expect("writing to a String");
    for block in &doc.blocks {
        if let Some(section) = doc.sections.iter().find(|s| s.heading == block.span) {
            writeln!(
                out,
                "{} {} [{}..{}]",
                "#".repeat(usize::from(section.level)),
                section.title,
                section.span.start,
                section.span.end
            )
            .expect("writing to a String");
            continue;
        }
        let number = block
            .number
            .map_or_else(|| "¶?".to_owned(), |n| format!("¶{n}"));
        let text = preview(doc.slice(block.span), 60).replace('\n', "⏎");
        writeln!(out, "{number} {}: {text}", kind(&block.kind)).expect("writing to a String");
    }
    out
}

#[track_caller]
fn check(relative: &str, name: &str) {
    let doc = import_sample(relative, &catalogue())
        .unwrap_or_else(|e| panic!("{relative} was not imported: {e:?}"));
    insta::assert_snapshot!(name, render(&doc));
}

#[test]
fn mi5_seed() {
    check("mi5/000_dd9ed34a99eb1f64.txt", "mi5_seed");
}

#[test]
fn gettysburg_address() {
    check("markdown/gettysburg-address.md", "gettysburg_address");
}

#[test]
fn lincoln_annual_message_page() {
    check(
        "html/1863-lincoln-annual-message.html",
        "lincoln_annual_message_page",
    );
}
