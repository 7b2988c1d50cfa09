//! From hits to what a researcher reads: filters, the passage around a hit, and a snippet.

use super::fold;
use super::query::{Filters, StatusFilter};
use crate::annotation::{AnchorStatus, SpeechNotes, TagName};
use crate::{CharSpan, Document, PartialDate};

/// One hit, placed in its speech.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub span: CharSpan,
    /// Title of the innermost section around the hit; empty outside sections.
    pub section: String,
    /// The ¶ number of the paragraph holding the hit.
    pub paragraph: Option<u32>,
    pub snippet: Snippet,
}

/// The words around a hit, cut at word boundaries within its paragraph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snippet {
    /// Starts with `…` when the paragraph goes on before it.
    pub before: String,
    pub hit: String,
    /// Ends with `…` when the paragraph goes on after it.
    pub after: String,
}

impl Snippet {
    /// The snippet as one line, the hit marked with `[` and `]` or any other pair.
    pub fn marked(&self, open: &str, close: &str) -> String {
        format!("{}{open}{}{close}{}", self.before, self.hit, self.after)
    }
}

/// Whether a speech with these speakers and date passes the speaker and date filters.
pub fn keep_speech(filters: &Filters, speakers: &[String], date: Option<PartialDate>) -> bool {
    if let Some(from) = filters.from
        && date.is_none_or(|d| d < from && !from.contains(d))
    {
        return false;
    }
    if let Some(to) = filters.to
        && date.is_none_or(|d| d > to && !to.contains(d))
    {
        return false;
    }
    if !filters.speakers.is_empty() {
        let words: Vec<String> = speakers.iter().flat_map(|s| fold::words(s)).collect();
        if !filters.speakers.iter().all(|w| words.contains(w)) {
            return false;
        }
    }
    true
}

/// Whether the filters need the speech itself (its sections) or its notes to judge a hit.
pub fn needs_document(filters: &Filters) -> bool {
    !filters.sections.is_empty() || !filters.tags.is_empty() || filters.status.is_some()
}

/// Whether a hit at `span` passes the section, tag and status filters. `lineage` gives a tag
/// and its ancestors, so a passage tagged with a sub-tag counts for its parent.
pub fn keep_hit(
    filters: &Filters,
    doc: &Document,
    notes: Option<&SpeechNotes>,
    span: CharSpan,
    lineage: &dyn Fn(&TagName) -> Vec<TagName>,
) -> bool {
    if !filters.sections.is_empty() {
        let title = doc
            .section_at(span.start)
            .map(|s| fold::words(&s.title))
            .unwrap_or_default();
        if !filters.sections.iter().all(|w| title.contains(w)) {
            return false;
        }
    }
    let around = || {
        notes
            .into_iter()
            .flat_map(|n| &n.annotations)
            .filter(move |a| {
                a.status != AnchorStatus::Orphaned
                    && a.target.span.start < span.end.max(span.start + 1)
                    && span.start < a.target.span.end
            })
    };
    if !filters.tags.is_empty() {
        let wanted = |t: &TagName| lineage(t).iter().any(|l| filters.tags.contains(l));
        let speech_tagged = notes.is_some_and(|n| n.tags.iter().any(wanted));
        if !speech_tagged && !around().any(|a| a.tags.iter().any(wanted)) {
            return false;
        }
    }
    match filters.status {
        None => true,
        Some(StatusFilter::Annotated) => around().next().is_some(),
        Some(StatusFilter::Unannotated) => around().next().is_none(),
        Some(StatusFilter::Review) => around().any(|a| a.status == AnchorStatus::Fuzzy),
    }
}

/// Places a hit: its section, paragraph and a snippet of about `context` code points on
/// each side.
pub fn place(doc: &Document, span: CharSpan, context: usize) -> Placed {
    Placed {
        span,
        section: doc
            .section_at(span.start)
            .map(|s| s.title.clone())
            .unwrap_or_default(),
        paragraph: doc.block_at(span.start).and_then(|b| b.number),
        snippet: snippet(doc, span, context),
    }
}

/// The words around `span` within its block (or the whole text outside blocks).
pub fn snippet(doc: &Document, span: CharSpan, context: usize) -> Snippet {
    let block = doc
        .block_at(span.start)
        .map_or(CharSpan::new(0, doc.char_len()), |b| b.span);
    let end = span.end.min(block.end.max(span.end)).min(doc.char_len());
    let start = span.start.min(end);
    let before_start = start.saturating_sub(context).max(block.start.min(start));
    let after_end = (end + context).min(block.end.max(end));
    let before = doc.slice(CharSpan::new(before_start, start));
    let after = doc.slice(CharSpan::new(end, after_end));
    // Cut at the first (last) space so no word is shown in part.
    let before = if before_start > block.start {
        format!("…{}", before.split_once(' ').map_or("", |(_, rest)| rest))
    } else {
        before.to_owned()
    };
    let after = if after_end < block.end {
        format!("{}…", after.rsplit_once(' ').map_or("", |(head, _)| head))
    } else {
        after.to_owned()
    };
    Snippet {
        before: before.replace('\n', " "),
        hit: doc.slice(CharSpan::new(start, end)).replace('\n', " "),
        after: after.replace('\n', " "),
    }
}

/// The code-point spans of index hits — `(first word, number of words)` — in `text`.
pub fn word_hits_to_spans(text: &str, hits: &[(u32, u32)]) -> Vec<CharSpan> {
    let spans = fold::word_spans(text);
    hits.iter()
        .filter_map(|&(first, len)| {
            let a = spans.get(first as usize)?;
            let b = spans.get((first + len.max(1) - 1) as usize)?;
            Some(CharSpan::new(a.0 as usize, b.1 as usize))
        })
        .collect()
}

/// A snippet of a short text such as a note: the words around `span`, on one line.
pub fn text_snippet(text: &str, span: CharSpan, context: usize) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    let end = span.end.min(chars.len());
    let start = span.start.min(end);
    let from = start.saturating_sub(context);
    let to = (end + context).min(chars.len());
    let collect = |a: usize, b: usize| chars[a..b].iter().collect::<String>().replace('\n', " ");
    let mut before = collect(from, start);
    if from > 0 {
        before = format!("…{}", before.split_once(' ').map_or("", |(_, r)| r));
    }
    let mut after = collect(end, to);
    if to < chars.len() {
        after = format!("{}…", after.rsplit_once(' ').map_or("", |(h, _)| h));
    }
    Snippet {
        before,
        hit: collect(start, end),
        after,
    }
}

/// Relevance of a speech matched by reading it (no index statistics at hand): hits per
/// thousand words, damped like BM25's term frequency so a long speech does not win by size.
#[allow(clippy::cast_precision_loss)] // Ranking is approximate by nature.
pub fn scan_score(hits: usize, words: usize) -> f32 {
    let tf = hits as f32;
    let norm = 1.2 * (0.25 + 0.75 * words as f32 / 4000.0);
    tf * 2.2 / (tf + norm)
}
