//! The codebook report: every tag with its description and all its passages across the
//! collection, sorted by date — the Markdown a researcher pastes into a paper's appendix.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Passage, citation};
use crate::annotation::{TagName, Vocabulary};

/// The passages grouped by tag: tags in the vocabulary's order (then tags used but not
/// defined), each with its description, count and passages by date.
pub fn markdown_codebook(passages: &[Passage<'_>], vocabulary: &Vocabulary, title: &str) -> String {
    let mut by_tag: BTreeMap<&TagName, Vec<&Passage<'_>>> = BTreeMap::new();
    for passage in passages {
        for tag in &passage.annotation.tags {
            by_tag.entry(tag).or_default().push(passage);
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "---\ntitle: \"{}\"\n---\n", title.replace('"', "\\\""));
    let _ = writeln!(out, "# {title}\n");
    let _ = writeln!(
        out,
        "{} passages under {} tags.\n",
        passages.len(),
        by_tag.len()
    );
    for (tag, mut list) in by_tag {
        list.sort_by(|a, b| (&a.date, a.path).cmp(&(&b.date, b.path)));
        let def = vocabulary.tags.get(tag);
        let _ = writeln!(out, "## #{} ({})\n", tag.0.replace(' ', "-"), list.len());
        if let Some(parent) = def.and_then(|d| d.parent.as_ref()) {
            let _ = writeln!(out, "Under #{}.\n", parent.0.replace(' ', "-"));
        }
        if let Some(description) = def.map(|d| d.description.trim()).filter(|d| !d.is_empty()) {
            let _ = writeln!(out, "{description}\n");
        }
        for p in list {
            for line in p.annotation.target.quote.exact.lines() {
                let _ = writeln!(out, "> {line}");
            }
            let _ = writeln!(out, "\n— {}\n", citation(p));
            if !p.annotation.note.is_empty() {
                let _ = writeln!(out, "{}\n", p.annotation.note.trim());
            }
        }
    }
    out
}
