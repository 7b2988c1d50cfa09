//! A paragraph on its way to becoming a block, and the tests of a paragraph's text that
//! the plain-text reader, heading detection and chrome removal share: whether it ends a
//! sentence, reads as prose, is a Markdown-like heading or opens a speaker's turn.

use std::borrow::Cow;

use crate::import::builder::{BlockBuilder, RawBlock, RawKind};
use crate::import::inline::push_inline;

/// What a whole document holds, found with one search each, so that paragraphs of a
/// document without them skip the per-paragraph searches.
#[derive(Clone, Copy, Debug)]
// Independent yes/no facts about one text, each answered by the same searches.
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct Screen {
    /// `<` or `&`: inline HTML or character references may be present.
    pub markup: bool,
    /// Tabs or double spaces: white space needs folding. (The text is cleaned: it has no
    /// carriage returns.)
    pub irregular_space: bool,
    /// `(/…`, `(http…` or `(#…`: lines of navigation links may be present.
    pub link_target: bool,
    /// `<a `: an HTML link, the mark of a page saved as text.
    pub anchor: bool,
    /// `#`: a Markdown-like heading may be present.
    pub hash: bool,
}

impl Screen {
    /// One search for `(`, `[` and `<` and one for `&`, `#` and tab (plus one for a double
    /// space when needed) answer every question asked of the whole cleaned text. The first
    /// also finds where stage directions may open: the positions of `(` and `[` are put in
    /// `brackets`, in order, for [`assemble`](super::assemble::assemble).
    pub(crate) fn of(text: &str, brackets: &mut Vec<usize>) -> Self {
        let bytes = text.as_bytes();
        let mut screen = Self {
            markup: false,
            irregular_space: false,
            link_target: false,
            anchor: false,
            hash: false,
        };
        for i in memchr::memchr3_iter(b'(', b'[', b'<', bytes) {
            let rest = &bytes[i + 1..];
            match bytes[i] {
                b'(' => {
                    brackets.push(i);
                    screen.link_target |= rest.starts_with(b"/")
                        || rest.starts_with(b"http")
                        || rest.starts_with(b"#");
                }
                b'[' => brackets.push(i),
                _ => {
                    screen.markup = true;
                    screen.anchor |= rest.get(..2).is_some_and(|b| b.eq_ignore_ascii_case(b"a "));
                }
            }
        }
        // Cleaning turned every carriage return into a line feed: a tab is the one
        // irregular space left to look for byte by byte.
        for i in memchr::memchr3_iter(b'&', b'#', b'\t', bytes) {
            match bytes[i] {
                b'&' => screen.markup = true,
                b'#' => screen.hash = true,
                _ => screen.irregular_space = true,
            }
            if screen.markup && screen.hash && screen.irregular_space {
                break;
            }
        }
        if !screen.irregular_space {
            screen.irregular_space = memchr::memmem::find(bytes, b"  ").is_some();
        }
        screen
    }
}

/// A paragraph (or heading) on its way to becoming a block.
#[derive(Debug)]
pub(crate) struct Para<'a> {
    pub kind: RawKind,
    /// Borrowed from the source when the paragraph is one line, as most are.
    pub text: Cow<'a, str>,
    pub blank_before: usize,
    /// Which run of lines between blank lines the paragraph came from.
    pub chunk: usize,
    /// Whether that run was this one line.
    pub one_line: bool,
}

impl<'a> Para<'a> {
    pub(crate) fn into_block(self, markdown: bool, screen: Screen) -> Option<RawBlock<'a>> {
        let has_markup = (screen.markup
            && memchr::memchr2(b'<', b'&', self.text.as_bytes()).is_some())
            || (markdown && self.text.bytes().any(|b| matches!(b, b'*' | b'_' | b'[')));
        // A borrowed paragraph is one source line, so it holds no line break.
        let one_line = matches!(self.text, Cow::Borrowed(_)) || !self.text.contains('\n');
        let white = |c: Option<char>| c.is_some_and(char::is_whitespace);
        let trimmed = match (self.text.as_bytes().first(), self.text.as_bytes().last()) {
            (Some(&first), Some(&last)) if first.is_ascii() && last.is_ascii() => {
                !is_white_byte(first) && !is_white_byte(last)
            }
            _ => !white(self.text.chars().next()) && !white(self.text.chars().next_back()),
        };
        if !has_markup && !screen.irregular_space && one_line && trimmed {
            // A trimmed line of a document without tabs or double spaces is already folded.
            let text = self.text;
            return (!text.is_empty()).then_some(RawBlock {
                kind: self.kind,
                text,
                marks: Vec::new(),
            });
        }
        let mut builder = BlockBuilder::with_capacity(self.text.len());
        if has_markup {
            push_inline(&mut builder, &self.text, markdown);
        } else {
            // Plain text was cleaned as a whole before it was split into paragraphs.
            builder.push_clean_str(&self.text);
        }
        let kind = self.kind;
        let mut block = builder.finish(kind)?;
        if block.is_heading() {
            // Emphasis on a whole heading (`### **State Threats**`) is decoration.
            block
                .marks
                .retain(|m| !(m.start == 0 && m.end == block.text.len()));
        }
        Some(block)
    }
}

pub(crate) fn heading_marker(line: &str) -> Option<(u8, &str)> {
    let trimmed = line.trim_start();
    let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &trimmed[hashes..];
    if !rest.starts_with([' ', '\t']) || rest.trim().is_empty() {
        return None;
    }
    let title = rest.trim().trim_end_matches('#').trim();
    Some((hashes as u8, title))
}

pub(crate) fn is_prose(text: &str) -> bool {
    ends_sentence(text) && more_words_than(text, 7)
}

/// An ASCII byte that [`char::is_whitespace`] holds to be white space (vertical tab
/// included, unlike [`u8::is_ascii_whitespace`]).
fn is_white_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

/// Whether `text`, plain text as cleaned, has more than `n` words. Cleaning leaves no white
/// space outside ASCII (every other kind became a space or a line feed), so words are
/// split byte by byte; stops at the word that decides.
pub(crate) fn more_words_than(text: &str, n: usize) -> bool {
    let mut words = 0;
    let mut after_space = true;
    for &b in text.as_bytes() {
        let space = b.is_ascii_whitespace();
        if after_space && !space {
            words += 1;
            if words > n {
                return true;
            }
        }
        after_space = space;
    }
    false
}

/// Ends with punctuation that closes a sentence, a clause or a quotation.
pub(crate) fn ends_sentence(text: &str) -> bool {
    // Most texts end in an ASCII character that is neither white space nor emphasis: it
    // decides alone.
    if let Some(&b) = text.as_bytes().last()
        && b.is_ascii()
        && !is_white_byte(b)
        && b != b'*'
        && b != b'_'
    {
        return matches!(
            b,
            b'.' | b'!' | b'?' | b':' | b';' | b'"' | b'\'' | b')' | b']' | b'-'
        );
    }
    let last = text
        .trim_end()
        .trim_end_matches(['*', '_'])
        .chars()
        .next_back();
    matches!(
        last,
        Some(
            '.' | '!'
                | '?'
                | ':'
                | ';'
                | '…'
                | '"'
                | '”'
                | '’'
                | '\''
                | ')'
                | ']'
                | '—'
                | '–'
                | '-'
        )
    )
}

/// `THE PRESIDENT: …`, `Q: …` at the start of a line: a new turn even without a blank line.
pub(crate) fn starts_turn(line: &str) -> bool {
    let t = line.trim_start();
    let head = &t.as_bytes()[..t.len().min(40)];
    let Some(colon) = memchr::memchr(b':', head) else {
        return false;
    };
    let label = &t[..colon];
    matches!(label, "Q" | "A")
        || (label.chars().any(char::is_alphabetic)
            && !label.chars().any(char::is_lowercase)
            && label
                .chars()
                .all(|c| c.is_alphabetic() || " .'-".contains(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_as_split_at_white_space() {
        let texts = [
            "",
            " ",
            "one",
            "  one  two\tthree\nfour ",
            "a b c d e f g h",
            "a b c d e f g h i",
            "naïve café — déjà vu",
        ];
        for text in texts {
            for n in 0..10 {
                assert_eq!(
                    more_words_than(text, n),
                    text.split_whitespace().count() > n,
                    "{text:?} {n}"
                );
            }
        }
    }

    #[test]
    fn sentence_ends_from_bytes_and_characters() {
        for (text, ends) in [
            ("It ended.", true),
            ("It ended.**", true),
            ("It ended. ", true),
            ("Heading", false),
            ("A clause —", true),
            ("“Quoted.”", true),
            ("a list,", false),
            ("", false),
        ] {
            assert_eq!(ends_sentence(text), ends, "{text:?}");
        }
    }
}
