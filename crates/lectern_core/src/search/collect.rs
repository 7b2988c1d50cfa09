//! The hits of a query in one speech — in its text, its annotations' notes and its memo —
//! with the filters applied: what the command line and the app both list.

use super::matcher::{Words, match_text};
use super::query::Query;
use super::results::{keep_hit, keep_speech};
use crate::annotation::{AnnotationId, SpeechNotes, TagName};
use crate::{CharSpan, Document};

/// Where a hit was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    Text,
    /// In the note of this annotation; the hit's span is the annotation's passage.
    Note(AnnotationId),
    /// In the speech's memo; the hit's span is empty.
    Memo,
}

/// One hit in a speech.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// In the speech's text (code points).
    pub span: CharSpan,
    pub place: Place,
    /// For a hit in a note or memo: where in that text the words were found.
    pub found: Option<CharSpan>,
}

/// Whether the speech passes the speaker and date filters, with the researcher's overrides.
pub fn keep_document(query: &Query, doc: &Document, notes: Option<&SpeechNotes>) -> bool {
    match notes {
        Some(n) if n.overrides != crate::metadata::Overrides::default() => {
            let metadata = doc.metadata.with_overrides(&n.overrides);
            keep_speech(&query.filters, metadata.speakers(), metadata.date())
        }
        _ => keep_speech(&query.filters, doc.metadata.speakers(), doc.metadata.date()),
    }
}

/// The hits of `query` in one speech, filtered, text hits first then notes and memo, each in
/// reading order. `text` gives the text hits when an index found them already; otherwise the
/// text is read. Empty when the speech does not match (the speaker and date filters are
/// [`keep_document`]'s).
pub fn speech_hits(
    query: &Query,
    doc: &Document,
    notes: Option<&SpeechNotes>,
    text: Option<Vec<CharSpan>>,
    lineage: &dyn Fn(&TagName) -> Vec<TagName>,
) -> Vec<Hit> {
    let Some(expr) = &query.expr else {
        return Vec::new();
    };
    let filters = &query.filters;
    let mut hits = Vec::new();
    if filters.scope.text() {
        let spans = text.or_else(|| match_text(expr, &doc.text, &Words::new(&doc.text)));
        hits.extend(
            spans
                .unwrap_or_default()
                .into_iter()
                .filter(|&span| keep_hit(filters, doc, notes, span, lineage))
                .map(|span| Hit {
                    span,
                    place: Place::Text,
                    found: None,
                }),
        );
    }
    if filters.scope.notes()
        && let Some(notes) = notes
    {
        for annotation in &notes.annotations {
            if annotation.note.is_empty() {
                continue;
            }
            let words = Words::new(&annotation.note);
            let Some(found) = match_text(expr, &annotation.note, &words) else {
                continue;
            };
            let span = annotation.target.span;
            if let Some(first) = found.first()
                && keep_hit(filters, doc, Some(notes), span, lineage)
            {
                hits.push(Hit {
                    span,
                    place: Place::Note(annotation.id.clone()),
                    found: Some(*first),
                });
            }
        }
        // A memo is about the whole speech: passage filters do not apply to it.
        let passage_filters =
            !filters.tags.is_empty() || !filters.sections.is_empty() || filters.status.is_some();
        if !notes.memo.is_empty()
            && !passage_filters
            && let Some(found) = match_text(expr, &notes.memo, &Words::new(&notes.memo))
            && let Some(first) = found.first()
        {
            hits.push(Hit {
                span: CharSpan::new(0, 0),
                place: Place::Memo,
                found: Some(*first),
            });
        }
    }
    hits
}
