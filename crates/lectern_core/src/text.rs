//! Code-point offsets into canonical text, and their conversion to byte offsets.
//!
//! Every offset that leaves this crate is a count of Unicode scalar values (`char`s) from the
//! start of a document's canonical text, end exclusive. That is the unit of W3C selectors and
//! REFI-QDA, and it survives re-encoding. Rust strings index by bytes, so the conversion lives
//! here and nowhere else.

use serde::{Deserialize, Serialize};

/// A half-open range `[start, end)` of code-point offsets into a canonical text.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct CharSpan {
    /// First code point, inclusive.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
}

impl CharSpan {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span {start}..{end} is reversed");
        Self { start, end }
    }

    /// Number of code points covered.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub fn contains(self, char_offset: usize) -> bool {
        self.start <= char_offset && char_offset < self.end
    }
}

/// How many code points between checkpoints of a [`CharIndex`].
const CHECKPOINT_CHARS: usize = 256;

/// Converts code-point offsets to byte offsets in `O(1)` amortised for a fixed text.
///
/// Pure ASCII text (most of any English archive) needs no table at all; otherwise the index
/// keeps the byte offset of every 256th code point and walks at most 255 chars from there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CharIndex {
    char_len: usize,
    byte_len: usize,
    /// Byte offset of code point `i * CHECKPOINT_CHARS`; empty when the text is ASCII.
    checkpoints: Vec<usize>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return Self {
                char_len: text.len(),
                byte_len: text.len(),
                checkpoints: Vec::new(),
            };
        }
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_CHARS + 1);
        let mut char_len = 0;
        let mut i = 0;
        while i < bytes.len() {
            // `char_len` is a multiple of CHECKPOINT_CHARS here, at the start of a char.
            checkpoints.push(i);
            // An ASCII run of CHECKPOINT_CHARS bytes is CHECKPOINT_CHARS chars: skip it whole.
            if bytes
                .get(i..i + CHECKPOINT_CHARS)
                .is_some_and(<[u8]>::is_ascii)
            {
                i += CHECKPOINT_CHARS;
                char_len += CHECKPOINT_CHARS;
                continue;
            }
            let mut chars = 0;
            while i < bytes.len() && chars < CHECKPOINT_CHARS {
                i += 1;
                // Continuation bytes (0b10xxxxxx) belong to the char before them.
                while i < bytes.len() && bytes[i].cast_signed() < -0x40 {
                    i += 1;
                }
                chars += 1;
            }
            char_len += chars;
        }
        Self {
            char_len,
            byte_len: text.len(),
            checkpoints,
        }
    }

    /// Length of the text in code points.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// Byte offset of code point `char_offset` in `text`, clamped to the text's end.
    ///
    /// `text` must be the string this index was built from.
    pub fn byte_offset(&self, text: &str, char_offset: usize) -> usize {
        if char_offset >= self.char_len {
            return self.byte_len;
        }
        if self.checkpoints.is_empty() {
            return char_offset;
        }
        let checkpoint = char_offset / CHECKPOINT_CHARS;
        let base = self
            .checkpoints
            .get(checkpoint)
            .copied()
            .unwrap_or(self.byte_len);
        let rest = char_offset - checkpoint * CHECKPOINT_CHARS;
        text.get(base..)
            .and_then(|tail| tail.char_indices().nth(rest))
            .map_or(self.byte_len, |(offset, _)| base + offset)
    }

    /// Code-point offset of the character starting at or containing `byte_offset`.
    pub fn char_offset(&self, text: &str, byte_offset: usize) -> usize {
        if byte_offset >= self.byte_len {
            return self.char_len;
        }
        if self.checkpoints.is_empty() {
            return byte_offset;
        }
        let checkpoint = self
            .checkpoints
            .partition_point(|&b| b <= byte_offset)
            .saturating_sub(1);
        let base = self.checkpoints.get(checkpoint).copied().unwrap_or(0);
        let mut chars = checkpoint * CHECKPOINT_CHARS;
        for (offset, _) in text.get(base..).unwrap_or("").char_indices() {
            if base + offset >= byte_offset {
                break;
            }
            chars += 1;
        }
        // A byte offset inside a multi-byte char counts as that char.
        if !text.is_char_boundary(byte_offset) {
            chars -= 1;
        }
        chars
    }

    /// The slice of `text` covered by `span`.
    pub fn slice<'t>(&self, text: &'t str, span: CharSpan) -> &'t str {
        let start = self.byte_offset(text, span.start);
        let end = self.byte_offset(text, span.end.max(span.start));
        text.get(start..end).unwrap_or("")
    }
}

/// Number of code points in `s`.
pub fn char_count(s: &str) -> usize {
    // One vectorised pass, whatever the text holds.
    bytecount::num_chars(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_offsets_in_mixed_text() {
        let text = "é".repeat(300) + "abc" + &"日本".repeat(200);
        let index = CharIndex::new(&text);
        assert_eq!(index.char_len(), text.chars().count());
        for (char_offset, (byte_offset, _)) in text.char_indices().enumerate() {
            assert_eq!(index.byte_offset(&text, char_offset), byte_offset);
            assert_eq!(index.char_offset(&text, byte_offset), char_offset);
        }
        assert_eq!(index.byte_offset(&text, index.char_len()), text.len());
        assert_eq!(index.slice(&text, CharSpan::new(300, 303)), "abc");
    }

    #[test]
    fn byte_inside_a_char_maps_to_that_char() {
        let text = "aé";
        let index = CharIndex::new(text);
        assert_eq!(index.char_offset(text, 2), 1);
    }
}
