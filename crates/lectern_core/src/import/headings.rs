//! Headings and titles in plain text, and the formulas that only look like them.
//!
//! A false heading breaks the outline and every ¶ citation after it; a missed one only costs
//! a jump target. So a line becomes a heading only when its shape leaves little doubt: short,
//! title-like, between prose paragraphs — and, unless it is in capitals or numbered, only
//! when the document has several such lines. Greetings and closings ("Ladies and
//! Gentlemen", "Thank You") are speech, never headings or titles.

use std::borrow::Cow;

use crate::date::find_date_in_text;
use crate::document::Provenance;
use crate::import::builder::{BlockBuilder, RawKind};
use crate::import::inline::push_inline;
use crate::import::para::{Para, ends_sentence, is_prose, more_words_than, starts_turn};
use crate::metadata::Candidates;

/// The first level-1 heading, before any prose, is the document's title.
pub(crate) fn take_title(paragraphs: &mut Vec<Para>, candidates: &mut Candidates) {
    let position = paragraphs
        .iter()
        .take(4)
        .take_while(|p| p.kind != RawKind::Paragraph || !is_prose(&p.text))
        .position(|p| p.kind == RawKind::Heading(1));
    if let Some(i) = position {
        let title = paragraphs.remove(i);
        candidates.add_title(strip_markup(&title.text), Provenance::InText);
    }
}

fn strip_markup(text: &str) -> String {
    let mut builder = BlockBuilder::new();
    push_inline(&mut builder, text, true);
    builder.text().to_owned()
}

/// Scraped pages nest headings by visual accident (`###`, `####`, `### **bold**`, `##`); the
/// sections of a speech are siblings.
pub(crate) fn flatten_headings(paragraphs: &mut [Para]) {
    for p in paragraphs.iter_mut() {
        if let RawKind::Heading(_) = p.kind {
            p.kind = RawKind::Heading(1);
        }
    }
}

/// Shape-based headings in plain text: a short title-like line between prose paragraphs.
/// Accepted only when the document has several, or the line is in capitals or numbered. A
/// title-like first line is the document's title instead.
pub(crate) fn detect_headings(paragraphs: &mut Vec<Para>, candidates: &mut Candidates) {
    // Whether each paragraph is shaped like a heading, asked once: both tests below need it,
    // and nearly every paragraph of a speech fails it at once.
    let mut shaped: Vec<bool> = paragraphs
        .iter()
        .map(|p| {
            p.text.len() <= MAX_HEADING_BYTES
                && heading_shape(&p.text)
                && (matches!(p.text, Cow::Borrowed(_)) || !p.text.contains('\n'))
        })
        .collect();
    if !shaped.contains(&true) {
        return;
    }
    // A stack of headings ("II. THE FEDERAL PROGRAM", "INTERNATIONAL AFFAIRS", "I. FOREIGN
    // POLICY") between a closed paragraph and prose: each line in capitals or numbered.
    let stackable = |shaped: &[bool], i: usize, p: &Para| {
        shaped[i]
            && (p.kind == RawKind::Paragraph
                || (p.kind == RawKind::ListItem && is_numbered(&p.text)))
            && is_capitals(&p.text)
    };
    let mut stacked = Vec::new();
    let mut start = 0;
    while start < paragraphs.len() {
        if !stackable(&shaped, start, &paragraphs[start]) {
            start += 1;
            continue;
        }
        let end = (start..paragraphs.len())
            .find(|&i| !stackable(&shaped, i, &paragraphs[i]))
            .unwrap_or(paragraphs.len());
        let closed_before = start == 0 || ends_sentence(&paragraphs[start - 1].text);
        let prose_after = paragraphs
            .get(end)
            .is_some_and(|n| n.kind == RawKind::Paragraph && is_long_prose(&n.text));
        let mut end = end;
        if (2..=5).contains(&(end - start)) && start > 0 && closed_before && prose_after {
            // A heading wrapped over two lines ("2. GENERAL POLICIES--IMMEDIATE AND" /
            // "LONG-RANGE") is one heading.
            let mut k = start + 1;
            while k < end {
                let (prev, cur) = (paragraphs[k - 1].text.trim(), paragraphs[k].text.trim());
                let last_word = prev.rsplit(' ').next().unwrap_or("");
                let first_word = cur.split(' ').next().unwrap_or("");
                let minor = |w: &str| MINOR.iter().any(|m| m.eq_ignore_ascii_case(w));
                let continues = !is_numbered(cur)
                    && (minor(first_word) || minor(last_word) || prev.ends_with('-'));
                if continues {
                    let joined = format!("{prev} {cur}");
                    shaped[k - 1] = heading_shape(&joined);
                    paragraphs[k - 1].text = Cow::Owned(joined);
                    paragraphs.remove(k);
                    shaped.remove(k);
                    end -= 1;
                } else {
                    k += 1;
                }
            }
            stacked.extend(start..end);
        }
        start = end;
    }
    let is_candidate = |i: usize, p: &Para| -> bool {
        // "2. FOREIGN ECONOMIC POLICY" reads as a list item but is a numbered heading.
        let kind_fits = || {
            p.kind == RawKind::Paragraph
                || (p.kind == RawKind::ListItem && is_numbered(&p.text) && is_capitals(&p.text))
        };
        let shaped = shaped[i] && kind_fits();
        let next_is_prose = || {
            paragraphs
                .get(i + 1)
                .is_some_and(|n| n.kind == RawKind::Paragraph && is_long_prose(&n.text))
        };
        let prev_closed = || {
            i == 0
                || paragraphs
                    .get(i - 1)
                    .is_some_and(|p| ends_sentence(&p.text))
        };
        shaped && next_is_prose() && prev_closed()
    };
    let mut candidates_at: Vec<usize> = (0..paragraphs.len())
        .filter(|&i| is_candidate(i, &paragraphs[i]))
        .collect();
    candidates_at.extend(stacked);
    candidates_at.sort_unstable();
    candidates_at.dedup();
    let mut title_taken = false;
    if candidates_at.first() == Some(&0) && paragraphs.len() > 1 {
        candidates.add_title(paragraphs[0].text.trim(), Provenance::InText);
        title_taken = true;
    }
    let body: Vec<usize> = candidates_at
        .into_iter()
        .filter(|&i| !(title_taken && i == 0))
        .collect();
    let strong = |text: &str| is_capitals(text) || is_numbered(text);
    let accept_all = body.len() >= 2;
    for &i in &body {
        if accept_all || strong(&paragraphs[i].text) {
            paragraphs[i].kind = RawKind::Heading(1);
        }
    }
    if title_taken {
        paragraphs.remove(0);
    }
}

/// Prose of more than fourteen words, as follows a heading.
fn is_long_prose(text: &str) -> bool {
    // More than fourteen words is more than seven: `is_prose` with the longer count.
    ends_sentence(text) && more_words_than(text, 14)
}

/// Longer lines are never headings (80 chars of up to four bytes).
const MAX_HEADING_BYTES: usize = 320;

const MINOR: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "in", "on", "to", "for", "at", "by", "with", "from", "de",
    "la", "le", "et", "du", "des",
];

fn heading_shape(text: &str) -> bool {
    // Most lines of a speech end a sentence, which `ends_sentence` tells from the last byte
    // before any work on characters.
    if ends_sentence(text) {
        return false;
    }
    let t = text.trim();
    // The cheapest tests first: most lines of a speech fail one of them.
    let Some(first) = t.chars().next() else {
        return false;
    };
    if t.len() > MAX_HEADING_BYTES
        || !(first.is_uppercase() || first.is_ascii_digit())
        || t.ends_with(',')
    {
        return false;
    }
    // Counted no further than the limit.
    let word_count = t.split_ascii_whitespace().take(11).count();
    if word_count == 0 || word_count > 10 || t.chars().count() > 80 {
        return false;
    }
    if is_formula(t) || starts_turn(t) || t.starts_with(['[', '(']) {
        return false;
    }
    let titled = is_capitals(t)
        || t.split_ascii_whitespace().all(|w| {
            let first = w.chars().next();
            first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || !c.is_alphabetic())
                || MINOR.iter().any(|minor| minor.eq_ignore_ascii_case(w))
        });
    // A dateline ("January 8, 1790") is shaped like a title but is not one.
    titled && !(word_count <= 4 && find_date_in_text(t).is_some())
}

/// Greetings and closings that speeches open and end with: speech, never a title or a
/// heading, however title-like they look.
fn is_formula(text: &str) -> bool {
    const FORMULAS: &[&str] = &[
        "ladies and gentlemen",
        "thank you",
        "god bless",
        "good evening",
        "good morning",
        "good afternoon",
        "my fellow",
        "fellow citizens",
        "fellow-citizens",
        "mr. speaker",
        "madam speaker",
        "mr. president",
        "madam president",
        "dear friends",
        "friends",
        "applause",
        "long live",
        "vive la",
    ];
    let text = text.trim();
    // Every formula is ASCII and shorter than this: an ASCII start is compared as it is.
    let head = &text.as_bytes()[..text.len().min(32)];
    if head.is_ascii() {
        return FORMULAS.iter().any(|f| {
            head.get(..f.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(f.as_bytes()))
        });
    }
    let lower = text.to_lowercase();
    FORMULAS.iter().any(|f| lower.starts_with(f))
}

fn is_capitals(text: &str) -> bool {
    // A lowercase letter, met early in most lines, settles it before any counting. ASCII
    // text (most) is read byte by byte.
    if text.is_ascii() {
        let bytes = text.as_bytes();
        return !bytes.iter().any(u8::is_ascii_lowercase)
            && bytes.iter().filter(|b| b.is_ascii_alphabetic()).count() >= 3;
    }
    !text.chars().any(char::is_lowercase) && text.chars().filter(|c| c.is_alphabetic()).count() >= 3
}

fn is_numbered(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    let stem = first.trim_end_matches(['.', ')']);
    first.len() > stem.len()
        && !stem.is_empty()
        && (stem.chars().all(|c| c.is_ascii_digit()) || stem.chars().all(|c| "IVXLC".contains(c)))
}

#[cfg(test)]
mod tests {
    use crate::import::builder::RawKind;
    use crate::import::plain::tests::read_text;

    #[test]
    fn stacked_and_wrapped_headings_are_headings() {
        // As in the 1946 State of the Union message: a part, its first section and its
        // first subsection stacked, and a numbered heading wrapped over two lines.
        let prose =
            "This is a long paragraph of prose that goes on for quite a while and ends properly.";
        let text = format!(
            "{prose}\n\nII. THE FEDERAL PROGRAM\n\nINTERNATIONAL AFFAIRS\n\nI. FOREIGN POLICY\n\n\
             {prose}\n\n2. GENERAL POLICIES--IMMEDIATE AND\n\nLONG-RANGE\n\n{prose}"
        );
        let (blocks, _, _) = read_text(&text);
        let headings: Vec<&str> = blocks
            .iter()
            .filter(|(k, _)| *k == RawKind::Heading(1))
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(
            headings,
            [
                "II. THE FEDERAL PROGRAM",
                "INTERNATIONAL AFFAIRS",
                "I. FOREIGN POLICY",
                "2. GENERAL POLICIES--IMMEDIATE AND LONG-RANGE",
            ]
        );
        // Capitals between paragraphs that do not close are not a stack of headings.
        let open = format!("{prose} and then\n\nNATO\n\nAND THE UN\n\n{prose}");
        let (blocks, _, _) = read_text(&open);
        assert!(
            blocks.iter().all(|(k, _)| *k == RawKind::Paragraph),
            "{blocks:?}"
        );
    }

    #[test]
    fn plain_headings_are_conservative() {
        let prose =
            "This is a long paragraph of prose that goes on for quite a while and ends properly.";
        let one = format!("{prose}\n\nForeign Relations\n\n{prose}");
        let (blocks, _, _) = read_text(&one);
        assert!(
            blocks.iter().all(|(k, _)| *k == RawKind::Paragraph),
            "{blocks:?}"
        );
        let two = format!("{prose}\n\nForeign Relations\n\n{prose}\n\nThe Economy\n\n{prose}");
        let (blocks, _, _) = read_text(&two);
        assert_eq!(
            blocks
                .iter()
                .filter(|(k, _)| *k == RawKind::Heading(1))
                .count(),
            2
        );
        let caps = format!("{prose}\n\nFOREIGN RELATIONS\n\n{prose}");
        let (blocks, _, _) = read_text(&caps);
        assert_eq!(blocks[1].0, RawKind::Heading(1));
    }

    #[test]
    fn title_line_in_plain_text() {
        let prose =
            "This is a long paragraph of prose that goes on for quite a while and ends properly.";
        let (blocks, c, _) = read_text(&format!("Address on the State of the Nation\n\n{prose}"));
        assert_eq!(blocks.len(), 1);
        assert_eq!(c.title[0].value, "Address on the State of the Nation");
    }
}
