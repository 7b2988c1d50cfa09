//! Moving through a speech's text with the keyboard: by word, by sentence and by paragraph.
//! Every position is a code point offset into the canonical text.

use lectern_core::{CharSpan, Document};

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'
}

/// The end of the word at or after `pos` (the next word when `pos` is between words).
pub fn word_end(doc: &Document, pos: usize) -> usize {
    let mut chars = doc.text[doc.byte_offset(pos.min(doc.char_len()))..].chars();
    let mut at = pos;
    let mut in_word = false;
    for c in chars.by_ref() {
        if is_word_char(c) {
            in_word = true;
        } else if in_word {
            break;
        }
        at += 1;
    }
    // A word ends before trailing apostrophes and hyphens ("nations'" keeps its apostrophe,
    // "well-" at a line end does not keep its hyphen).
    trim_back(doc, pos, at)
}

fn trim_back(doc: &Document, floor: usize, mut at: usize) -> usize {
    let text = &doc.text[doc.byte_offset(floor)..doc.byte_offset(at)];
    for c in text.chars().rev() {
        if c == '-' {
            at -= 1;
        } else {
            break;
        }
    }
    at
}

/// The start of the word at or before `pos` (the previous word when `pos` is between words).
pub fn word_start(doc: &Document, pos: usize) -> usize {
    let end = pos.min(doc.char_len());
    let mut at = end;
    let mut in_word = false;
    for c in doc.text[..doc.byte_offset(end)].chars().rev() {
        if is_word_char(c) {
            in_word = true;
        } else if in_word {
            break;
        }
        at -= 1;
    }
    at
}

fn char_at(doc: &Document, pos: usize) -> Option<char> {
    doc.text
        .get(doc.byte_offset(pos.min(doc.char_len()))..)?
        .chars()
        .next()
}

fn char_before(doc: &Document, pos: usize) -> Option<char> {
    doc.text[..doc.byte_offset(pos.min(doc.char_len()))]
        .chars()
        .next_back()
}

/// `pos` moved back to the start of its word when it is inside one, else `pos`.
pub fn word_start_if_inside(doc: &Document, pos: usize) -> usize {
    let inside = char_before(doc, pos).is_some_and(char::is_alphanumeric)
        && char_at(doc, pos).is_some_and(char::is_alphanumeric);
    if inside { word_start(doc, pos) } else { pos }
}

/// `pos` moved on to the end of its word when it is inside one, else `pos`.
pub fn word_end_if_inside(doc: &Document, pos: usize) -> usize {
    let inside = char_before(doc, pos).is_some_and(char::is_alphanumeric)
        && char_at(doc, pos).is_some_and(char::is_alphanumeric);
    if inside { word_end(doc, pos) } else { pos }
}

/// The word around `pos`, for a double click: `(start, end)`; empty between words.
pub fn word_at(doc: &Document, pos: usize) -> (usize, usize) {
    let next = doc.text[doc.byte_offset(pos.min(doc.char_len()))..]
        .chars()
        .next();
    if !next.is_some_and(is_word_char) {
        return (pos, pos);
    }
    let start = word_start(doc, pos + 1);
    (start, word_end(doc, start))
}

/// The block (paragraph, heading) holding `pos`, or the next one after it.
pub fn block_at(doc: &Document, pos: usize) -> Option<usize> {
    let i = doc.blocks.partition_point(|b| b.span.end <= pos);
    (i < doc.blocks.len()).then_some(i)
}

/// Whether `c` closes a sentence after its stop: quotes and brackets.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '’' | '”' | ')' | ']' | '»')
}

/// The end of the sentence after `pos`: past its stop and any closing quote, or the end of
/// its paragraph, whichever comes first. From the end of a paragraph, the end of the first
/// sentence of the next.
pub fn sentence_end(doc: &Document, pos: usize) -> usize {
    let Some(i) = block_at(doc, pos) else {
        return doc.char_len();
    };
    let block = doc.blocks[i].span;
    let from = pos.max(block.start);
    let text = doc.slice(lectern_core::CharSpan::new(from, block.end));
    let chars: Vec<char> = text.chars().collect();
    // Skip the white space that separates the previous sentence from this one.
    let mut k = chars.iter().take_while(|c| c.is_whitespace()).count();
    let mut seen_word = false;
    while k < chars.len() {
        let c = chars[k];
        k += 1;
        if c.is_alphanumeric() {
            seen_word = true;
        }
        if seen_word && matches!(c, '.' | '!' | '?' | '…') {
            while k < chars.len() && (is_closer(chars[k]) || matches!(chars[k], '.' | '!' | '?')) {
                k += 1;
            }
            // "Mr. Smith", "U.S. policy": a stop followed by a lower-case letter, or by a
            // capital within an abbreviation, does not end the sentence.
            let ends = k == chars.len() || chars[k].is_whitespace() && !starts_lower(&chars[k..]);
            if ends && !is_abbreviation(&chars[..k]) {
                return from + k;
            }
        }
    }
    block.end
}

fn starts_lower(rest: &[char]) -> bool {
    rest.iter()
        .find(|c| !c.is_whitespace())
        .is_some_and(|c| c.is_lowercase())
}

/// Whether the text before a stop ends in a common abbreviation (Mr., Dr., St., U.S.).
fn is_abbreviation(before: &[char]) -> bool {
    let word: String = before
        .iter()
        .rev()
        .skip_while(|c| !c.is_alphanumeric())
        .take_while(|c| !c.is_whitespace())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let word = word.trim_end_matches(['.', '"', '\'', ')', '’', '”']);
    matches!(
        word,
        "Mr" | "Mrs" | "Ms" | "Dr" | "St" | "Sr" | "Jr" | "Gen" | "Gov" | "Sen" | "Rep" | "Prof"
    ) || word.len() <= 3 && word.contains('.')
        || word.chars().count() == 1 && word.chars().all(char::is_uppercase)
}

/// The sentence (or sentences) holding `span`, without the white space around it; within
/// `span`'s paragraph.
pub fn sentence_around(doc: &Document, span: CharSpan) -> CharSpan {
    let Some(i) = block_at(doc, span.start) else {
        return span;
    };
    let block = doc.blocks[i].span;
    let mut start = block.start;
    loop {
        let end = sentence_end(doc, start);
        if end > span.start || end <= start || end >= block.end {
            break;
        }
        start = end;
    }
    let mut end = sentence_end(doc, start);
    while end < span.end.min(block.end) {
        let next = sentence_end(doc, end);
        if next <= end {
            break;
        }
        end = next;
    }
    let end = end.min(block.end).max(span.end.min(block.end));
    // The white space after the previous sentence is not part of this one.
    let lead = doc
        .slice(CharSpan::new(start, end))
        .chars()
        .take_while(|c| c.is_whitespace())
        .count();
    CharSpan::new((start + lead).min(span.start), end)
}

/// The end of the sentence before the one ending at or after `pos`: where `pos` goes to take
/// one sentence back off a selection. Never before `floor`.
pub fn previous_sentence_end(doc: &Document, pos: usize, floor: usize) -> usize {
    let Some(i) = block_at(doc, floor) else {
        return floor;
    };
    // Walk the sentence ends from the floor's paragraph and keep the last one before `pos`.
    let mut best = floor;
    let mut at = floor;
    let mut block = i;
    while block < doc.blocks.len() && doc.blocks[block].span.start < pos {
        let end = sentence_end(doc, at);
        if end >= pos || end <= at {
            break;
        }
        best = end;
        at = end;
        if at >= doc.blocks[block].span.end {
            block += 1;
            if let Some(b) = doc.blocks.get(block) {
                at = b.span.start;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        let options = lectern_core::ImportOptions {
            path: "t.txt",
            catalogue: None,
            overrides: None,
        };
        lectern_core::import(text.as_bytes(), &options).expect("imports")
    }

    fn at(doc: &Document, needle: &str) -> usize {
        doc.char_offset(doc.text.find(needle).expect("needle in text"))
    }

    #[test]
    fn words() {
        let d = doc("The nations' well-being, Mr. Smith said.\n");
        let start = at(&d, "nations");
        assert_eq!(word_end(&d, 0), 3);
        assert_eq!(word_end(&d, 3), at(&d, " well"));
        assert_eq!(word_end(&d, at(&d, " well")), at(&d, ", Mr"));
        assert_eq!(word_start(&d, at(&d, " well")), start);
        assert_eq!(word_at(&d, start + 2), (start, at(&d, " well")));
        assert_eq!(word_at(&d, 3), (3, 3), "between words nothing");
        assert_eq!(word_start_if_inside(&d, start + 2), start);
        assert_eq!(word_start_if_inside(&d, start), start, "already at a start");
        assert_eq!(word_end_if_inside(&d, start + 2), at(&d, " well"));
        assert_eq!(word_end_if_inside(&d, 3), 3, "already at an end");
    }

    #[test]
    fn the_sentence_around_a_hit() {
        let d = doc(
            "Mr. Smith went to the U.S. on Monday. He said \"No!\" Then left.\n\nA second paragraph.\n",
        );
        let around = |needle: &str| {
            let start = at(&d, needle);
            let span = sentence_around(&d, CharSpan::new(start, start + needle.len()));
            d.slice(span).to_owned()
        };
        assert_eq!(around("Monday"), "Mr. Smith went to the U.S. on Monday.");
        assert_eq!(around("said"), "He said \"No!\"");
        assert_eq!(around("left"), "Then left.");
        assert_eq!(around("second"), "A second paragraph.");
        // A hit across two sentences takes both.
        let start = at(&d, "Monday");
        let end = at(&d, " said");
        let both = sentence_around(&d, CharSpan::new(start, end));
        assert_eq!(
            d.slice(both),
            "Mr. Smith went to the U.S. on Monday. He said \"No!\""
        );
    }

    #[test]
    fn sentences_end_at_stops_but_not_abbreviations() {
        let d = doc(
            "Mr. Smith went to the U.S. on Monday. He said \"No!\" Then left.\n\nA second paragraph.\n",
        );
        let first = sentence_end(&d, 0);
        assert_eq!(
            &d.text[..d.byte_offset(first)],
            "Mr. Smith went to the U.S. on Monday."
        );
        let second = sentence_end(&d, first);
        assert!(d.text[..d.byte_offset(second)].ends_with("He said \"No!\""));
        let third = sentence_end(&d, second);
        assert!(d.text[..d.byte_offset(third)].ends_with("Then left."));
        let fourth = sentence_end(&d, third);
        assert!(
            d.text[..d.byte_offset(fourth)].ends_with("A second paragraph."),
            "the next paragraph's first sentence"
        );
        assert_eq!(previous_sentence_end(&d, third, 0), second);
        assert_eq!(previous_sentence_end(&d, first, 0), 0);
    }
}
