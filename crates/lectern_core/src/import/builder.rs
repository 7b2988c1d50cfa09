//! The blocks an importer finds, and the builder that writes them.
//!
//! Importers emit [`RawBlock`]s — text with inline marks at byte offsets — through
//! [`BlockBuilder`], which folds whitespace as text arrives so marks never need remapping.
//! [`assemble`](crate::import::assemble) then turns the blocks into a document.

use std::borrow::Cow;

use crate::document::InlineKind;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// What kind of block an importer found, before speaker turns are recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RawKind {
    Heading(u8),
    Paragraph,
    Quote,
    ListItem,
}

/// A block of text with inline marks at byte offsets into `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawBlock<'a> {
    pub kind: RawKind,
    /// Borrowed from the source when a line needed no change, as most do.
    pub text: Cow<'a, str>,
    pub marks: Vec<RawMark>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawMark {
    pub start: usize,
    pub end: usize,
    pub kind: InlineKind,
}

impl RawBlock<'_> {
    pub fn is_heading(&self) -> bool {
        matches!(self.kind, RawKind::Heading(_))
    }
}

/// Searching for a double space is done for every paragraph; build the searcher once.
static DOUBLE_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));

/// Builds one block's text, folding every run of whitespace into one space and trimming the
/// ends, while inline marks are opened and closed at the current position.
#[derive(Debug, Default)]
pub(crate) struct BlockBuilder {
    text: String,
    marks: Vec<RawMark>,
    open: Vec<(usize, InlineKind)>,
    pending_space: bool,
    /// Whether text arrived that `clean_source` has not composed to NFC.
    check_composition: bool,
}

impl BlockBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            ..Self::default()
        }
    }

    pub fn push_str(&mut self, s: &str) {
        // Text from a reader may hold decomposed characters made by character references.
        self.check_composition = true;
        if has_unusual_chars(s) {
            self.push_filtered(s);
        } else {
            self.push_spaced(s);
        }
    }

    /// Appends text that already went through `clean_source` (no control characters, no
    /// invisible characters, no exotic spaces), skipping the test for them.
    pub fn push_clean_str(&mut self, s: &str) {
        debug_assert!(!has_unusual_chars(s), "not clean: {s:?}");
        self.push_spaced(s);
    }

    /// Text that did not pass through `clean_source` (character references decoded by a
    /// reader) may hold invisible characters and exotic spaces: drop or replace them.
    fn push_filtered(&mut self, s: &str) {
        let plain: String = s
            .chars()
            .filter_map(|c| match c {
                c if is_invisible(c) => None,
                c if c.is_whitespace() => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
        self.push_spaced(&plain);
    }

    /// Appends `s`, whose only white space is ASCII space, tab, line feed or carriage return.
    /// Runs of text with single spaces are copied whole; only irregular white space (line
    /// breaks, tabs, double spaces, spaces at either end) is looked at.
    fn push_spaced(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut next_break = None::<usize>;
        let mut next_double = None::<usize>;
        while i < bytes.len() {
            let run_start = i;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\n' | b'\t' | b'\r') {
                i += 1;
            }
            if i > run_start {
                self.pending_space = true;
            }
            if i >= bytes.len() {
                break;
            }
            if next_break.is_none_or(|p| p < i) {
                next_break = Some(
                    memchr::memchr3(b'\n', b'\t', b'\r', &bytes[i..])
                        .map_or(bytes.len(), |p| i + p),
                );
            }
            if next_double.is_none_or(|p| p < i) {
                next_double = Some(
                    DOUBLE_SPACE
                        .find(&bytes[i..])
                        .map_or(bytes.len(), |p| i + p),
                );
            }
            let end = next_break
                .unwrap_or(bytes.len())
                .min(next_double.unwrap_or(bytes.len()));
            let segment = &s[i..end];
            let trimmed = segment.trim_end_matches(' ');
            self.flush_space();
            self.text.push_str(trimmed);
            if trimmed.len() < segment.len() {
                self.pending_space = true;
            }
            i = end;
        }
    }

    pub fn push_char(&mut self, c: char) {
        self.check_composition = true;
        if c.is_whitespace() {
            self.pending_space = true;
        } else if is_invisible(c) || c.is_control() {
            // Nothing to show and nothing to search for.
        } else {
            self.flush_space();
            self.text.push(c);
        }
    }

    /// A forced line break inside the block (a `<br>`, a hard break); kept as a single `\n`.
    pub fn push_line_break(&mut self) {
        // A block never holds a blank line (that is what separates blocks) nor a space
        // before a line break; marks opened at that space start after the break instead.
        let trimmed = self.text.trim_end_matches(' ').len();
        self.text.truncate(trimmed);
        for (start, _) in &mut self.open {
            *start = (*start).min(trimmed);
        }
        for mark in &mut self.marks {
            mark.end = mark.end.min(trimmed);
        }
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.pending_space = false;
    }

    fn flush_space(&mut self) {
        if self.pending_space && !self.text.is_empty() && !self.text.ends_with(['\n', ' ']) {
            self.text.push(' ');
        }
        self.pending_space = false;
    }

    pub fn open_mark(&mut self, kind: InlineKind) {
        // A mark opened before a pending space starts after it.
        self.flush_space_if_nonempty();
        self.open.push((self.text.len(), kind));
    }

    fn flush_space_if_nonempty(&mut self) {
        if self.pending_space && !self.text.is_empty() {
            self.flush_space();
        }
    }

    /// Closes the most recent open mark of the same variant (marks may be mis-nested in
    /// the source).
    pub fn close_mark(&mut self, kind: &InlineKind) {
        let same = |k: &InlineKind| std::mem::discriminant(k) == std::mem::discriminant(kind);
        if let Some(i) = self.open.iter().rposition(|(_, k)| same(k)) {
            let (start, kind) = self.open.remove(i);
            self.push_mark(start, self.text.len(), kind);
        }
    }

    /// Closes any open mark at the current position; used when a block ends.
    fn close_all(&mut self) {
        while let Some((start, kind)) = self.open.pop() {
            self.push_mark(start, self.text.len(), kind);
        }
    }

    fn push_mark(&mut self, start: usize, end: usize, kind: InlineKind) {
        if end > start {
            self.marks.push(RawMark { start, end, kind });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Finishes the block, or `None` when it holds no text.
    pub fn finish(mut self, kind: RawKind) -> Option<RawBlock<'static>> {
        self.close_all();
        self.compose();
        let trimmed_len = self.text.trim_end().len();
        self.text.truncate(trimmed_len);
        if self.text.is_empty() {
            return None;
        }
        for mark in &mut self.marks {
            mark.end = mark.end.min(trimmed_len);
        }
        self.marks.retain(|m| m.start < m.end);
        self.marks
            .sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        Some(RawBlock {
            kind,
            text: Cow::Owned(self.text),
            marks: self.marks,
        })
    }

    /// Composes the text to NFC when a reader's decoded characters left it decomposed
    /// (`cafe&#x301;`). Each run between mark boundaries is composed on its own, so marks
    /// keep their places.
    fn compose(&mut self) {
        if !self.check_composition
            || self.text.is_ascii()
            || !self.text.chars().any(crate::import::may_need_composition)
            || is_nfc_quick(self.text.chars()) == IsNormalized::Yes
        {
            return;
        }
        let mut boundaries: Vec<usize> = self.marks.iter().flat_map(|m| [m.start, m.end]).collect();
        boundaries.extend([0, self.text.len()]);
        boundaries.sort_unstable();
        boundaries.dedup();
        let mut composed = String::with_capacity(self.text.len());
        let mut moved = Vec::with_capacity(boundaries.len());
        for pair in boundaries.windows(2) {
            moved.push((pair[0], composed.len()));
            composed.extend(self.text[pair[0]..pair[1]].nfc());
        }
        moved.push((self.text.len(), composed.len()));
        let to_new = |old: usize| {
            moved
                .iter()
                .find(|(o, _)| *o == old)
                .map_or(old, |(_, n)| *n)
        };
        for mark in &mut self.marks {
            mark.start = to_new(mark.start);
            mark.end = to_new(mark.end);
        }
        self.text = composed;
    }

    /// Takes the finished block and leaves an empty builder behind.
    pub fn take(&mut self, kind: RawKind) -> Option<RawBlock<'static>> {
        std::mem::take(self).finish(kind)
    }
}

/// Whether `s` holds characters the canonical text must not: control characters, invisible
/// characters, or white space other than ASCII space, tab, line feed and carriage return
/// (no-break spaces, ideographic spaces…). Only the lead bytes such characters can start
/// with are decoded.
fn has_unusual_chars(s: &str) -> bool {
    let bytes = s.as_bytes();
    // Branch-free per byte, whole blocks at a time, so the compiler vectorises the test.
    let is_control = |b: u8| {
        u8::from(b < 0x20) & u8::from(b != b'\t') & u8::from(b != b'\n') & u8::from(b != b'\r')
            | u8::from(b == 0x7F)
    };
    let blocks = bytes.chunks_exact(32);
    let in_tail = blocks.remainder().iter().any(|&b| is_control(b) != 0);
    let in_blocks = || {
        blocks
            .clone()
            .any(|block| block.iter().fold(0u8, |any, &b| any | is_control(b)) != 0)
    };
    if in_tail || in_blocks() {
        return true;
    }
    if s.is_ascii() {
        return false;
    }
    let unusual = |i: usize| {
        s.get(i..)
            .and_then(|t| t.chars().next())
            .is_some_and(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
    };
    memchr::memchr3_iter(0xC2, 0xE2, 0xE1, bytes).any(unusual)
        || memchr::memchr2_iter(0xE3, 0xEF, bytes).any(unusual)
}

/// Characters with no width that would split words for search and anchoring.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}'
    )
}

/// Shifts heading levels so the shallowest is 1, and closes gaps (`##` then `####`).
pub(crate) fn normalise_levels(blocks: &mut [RawBlock<'_>]) {
    let Some(min) = blocks
        .iter()
        .filter_map(|b| match b.kind {
            RawKind::Heading(level) => Some(level),
            _ => None,
        })
        .min()
    else {
        return;
    };
    let mut previous = 0;
    for block in blocks.iter_mut() {
        if let RawKind::Heading(level) = block.kind {
            let level = (level - min + 1).min(previous + 1);
            block.kind = RawKind::Heading(level);
            previous = level;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_folds_whitespace_and_keeps_marks() {
        let mut b = BlockBuilder::new();
        b.push_str("  Hello \n  ");
        b.open_mark(InlineKind::Strong);
        b.push_str("big\tworld");
        b.close_mark(&InlineKind::Strong);
        b.push_str("  ");
        let block = b.finish(RawKind::Paragraph).unwrap();
        assert_eq!(block.text, "Hello big world");
        assert_eq!(
            &block.text[block.marks[0].start..block.marks[0].end],
            "big world"
        );
    }

    #[test]
    fn empty_builder_gives_no_block() {
        let mut b = BlockBuilder::new();
        b.push_str(" \n\t ");
        assert!(b.finish(RawKind::Paragraph).is_none());
    }
}
