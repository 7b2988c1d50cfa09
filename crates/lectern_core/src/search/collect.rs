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

impl Place {
    /// `text`, `note` or `memo`, as the command line prints it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Note(_) => "note",
            Self::Memo => "memo",
        }
    }
}

/// The words around `hit`, about `context` code points on each side, from the text, the
/// annotation's note or the memo it was found in; `None` when that note is gone.
pub fn snippet(
    doc: &Document,
    notes: Option<&SpeechNotes>,
    hit: &Hit,
    context: usize,
) -> Option<super::results::Snippet> {
    let found = hit.found.unwrap_or_default();
    Some(match &hit.place {
        Place::Text => super::results::snippet(doc, hit.span, context),
        Place::Note(id) => {
            super::results::text_snippet(&notes?.annotation(id)?.note, found, context)
        }
        Place::Memo => super::results::text_snippet(&notes?.memo, found, context),
    })
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
    let filters = &query.filters;
    let Some(expr) = &query.expr else {
        // No words: the annotated passages the filters name are the hits.
        if !query.has_target() {
            return Vec::new();
        }
        return notes
            .into_iter()
            .flat_map(|n| &n.annotations)
            .filter(|a| a.status != crate::annotation::AnchorStatus::Orphaned)
            .map(|a| a.target.span)
            .filter(|&span| keep_hit(filters, doc, notes, span, lineage))
            .map(|span| Hit {
                span,
                place: Place::Text,
                found: None,
            })
            .collect();
    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::anchor::target;
    use crate::annotation::{AnchorStatus, Annotation, AnnotationId, Timestamp};

    fn doc(text: &str) -> Document {
        let options = crate::ImportOptions {
            path: "t.txt",
            catalogue: None,
            overrides: None,
        };
        crate::import(text.as_bytes(), &options).expect("imports")
    }

    fn annotation(doc: &Document, quote: &str, tag: &str, note: &str) -> Annotation {
        let start = doc.char_offset(doc.text.find(quote).expect("quote"));
        let time = Timestamp::from_millis(0);
        Annotation {
            id: AnnotationId::ulid(time, start as u128),
            target: target(doc, CharSpan::new(start, start + quote.chars().count())),
            note: note.to_owned(),
            tags: vec![TagName::new(tag)],
            created: time,
            modified: time,
            author: None,
            conflict_with: None,
            status: AnchorStatus::Exact,
        }
    }

    fn quotes(query: &str, doc: &Document, notes: &SpeechNotes) -> Vec<(String, Place)> {
        let q = Query::parse(query).expect("parses");
        speech_hits(&q, doc, Some(notes), None, &|t| vec![t.clone()])
            .into_iter()
            .map(|h| (doc.slice(h.span).to_owned(), h.place))
            .collect()
    }

    #[test]
    fn words_notes_memos_and_tags_alone() {
        let d = doc("War came. Peace followed the war.\n\nThen trade grew.\n");
        let war = annotation(&d, "Peace followed the war", "peace", "the armistice");
        let trade = annotation(&d, "trade grew", "economy", "");
        let notes = SpeechNotes {
            memo: "A speech about war and trade.".to_owned(),
            annotations: vec![war.clone(), trade],
            ..SpeechNotes::default()
        };
        let text = |s: &str| (s.to_owned(), Place::Text);
        assert_eq!(quotes("war", &d, &notes), [text("War"), text("war")]);
        assert_eq!(quotes("war tag:peace", &d, &notes), [text("war")]);
        assert_eq!(quotes("war status:unannotated", &d, &notes), [text("War")]);
        assert_eq!(
            quotes("armistice in:notes", &d, &notes),
            [("Peace followed the war".to_owned(), Place::Note(war.id))]
        );
        assert_eq!(
            quotes("trade in:all", &d, &notes),
            [text("trade"), (String::new(), Place::Memo)]
        );
        // No words: the passages the tag names.
        assert_eq!(quotes("tag:economy", &d, &notes), [text("trade grew")]);
        assert_eq!(quotes("status:annotated", &d, &notes).len(), 2);
        assert!(quotes("section:anything", &d, &notes).is_empty());
    }
}
