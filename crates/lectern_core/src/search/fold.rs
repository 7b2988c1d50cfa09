//! Words as search sees them: folded to lower case without diacritics.
//!
//! A word is a run of letters and digits (`char::is_alphanumeric`, with the combining marks
//! that follow them). Everything else separates words, so "nation's" is the two words
//! `nation` and `s`, and "U.S." is `u` and `s`; a query is split the same way, so it finds what
//! it says. Han, kana and other scripts written without spaces give one word per character,
//! so a phrase of characters finds those characters in a row.
//!
//! Folding lowercases, decomposes (NFD) and drops the combining marks, and maps the few
//! letters whose diacritic is not a combining mark (`ø`, `ł`, `đ`, `ß`…): `Café`, `CAFE` and
//! `café` are one word. Offsets are code points into the text as given.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use wide::{CmpGt, i8x16};

/// Calls `f(term, start, end)` for every word of `text`: the folded word and its code-point
/// span. `scratch` holds the folded word between calls; pass the same one to avoid allocation.
pub fn for_each_word(text: &str, scratch: &mut String, mut f: impl FnMut(&str, u32, u32)) {
    let mut ascii = String::new();
    scan_words(text, scratch, |word, start, end| match word {
        Raw::Ascii(raw) => {
            ascii.clear();
            ascii.extend(raw.iter().map(|b| char::from(b.to_ascii_lowercase())));
            f(&ascii, start, end);
        }
        Raw::Folded(folded) => f(folded, start, end),
    });
}

/// A word as [`scan_words`] finds it.
pub enum Raw<'a> {
    /// ASCII letters and digits as written: folded, it is their lower case.
    Ascii(&'a [u8]),
    /// Any other word, folded.
    Folded(&'a str),
}

/// Calls `f` with every word of `text` in order and its code-point span; only words beyond
/// ASCII are folded here, so a caller may fold ASCII its own faster way.
#[inline]
pub fn scan_words(text: &str, scratch: &mut String, f: impl FnMut(Raw<'_>, u32, u32)) {
    scan(text, scratch, true, f);
}

/// [`scan_words`], with the block path for runs of ASCII (`blocks`) or without it (to test
/// one against the other).
#[inline]
fn scan(text: &str, scratch: &mut String, blocks: bool, mut f: impl FnMut(Raw<'_>, u32, u32)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut chars: u32 = 0;
    // Where the block path may be tried again after it found little ASCII to read.
    let mut blocks_from = 0;
    while i < bytes.len() {
        if blocks
            && i >= blocks_from
            && let Some(block) = bytes.get(i..i + BLOCK)
            && block[0].is_ascii()
        {
            // The words that end inside the block, up to its first byte beyond ASCII; a word
            // that reaches the block's end or such a byte may go on, so it is left for the
            // next turn, and so is the rest of the block.
            let (mut words, limit) = ascii_words(block);
            let mut done = limit;
            while words != 0 {
                let s = words.trailing_zeros() as usize;
                let e = s + (!(words >> s)).trailing_zeros() as usize;
                if e >= limit {
                    done = s;
                    break;
                }
                f(Raw::Ascii(&block[s..e]), chars + s as u32, chars + e as u32);
                words &= !((1u64 << e) - 1);
            }
            if done < BLOCK / 4 {
                blocks_from = i + BLOCK;
            }
            if done > 0 {
                i += done;
                chars += done as u32;
                continue;
            }
        }
        let b = bytes[i];
        if b.is_ascii() {
            if !b.is_ascii_alphanumeric() {
                i += 1;
                chars += 1;
                continue;
            }
            let (start_byte, start) = (i, chars);
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            chars += (i - start_byte) as u32;
            if i < bytes.len() && !bytes[i].is_ascii() {
                // The word may go on in letters beyond ASCII (`Café`).
                scratch.clear();
                scratch.extend(
                    bytes[start_byte..i]
                        .iter()
                        .map(|b| char::from(b.to_ascii_lowercase())),
                );
                let (end_byte, end_chars) = fold_rest(text, i, chars, scratch);
                if end_byte > i {
                    i = end_byte;
                    chars = end_chars;
                    f(Raw::Folded(scratch), start, chars);
                    continue;
                }
            }
            f(Raw::Ascii(&bytes[start_byte..i]), start, chars);
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        if is_single_char_word(c) {
            scratch.clear();
            fold_char(c, scratch);
            f(Raw::Folded(scratch), chars, chars + 1);
            i += c.len_utf8();
            chars += 1;
        } else if c.is_alphanumeric() {
            let start = chars;
            scratch.clear();
            let (end_byte, end_chars) = fold_rest(text, i, chars, scratch);
            i = end_byte;
            chars = end_chars;
            if !scratch.is_empty() {
                f(Raw::Folded(scratch), start, chars);
            }
        } else {
            i += c.len_utf8();
            chars += 1;
        }
    }
}

/// Bytes read at once by [`ascii_words`].
const BLOCK: usize = 64;

/// For a block of text that starts with an ASCII byte, without a branch per byte: a bit per
/// ASCII letter or digit before its first byte beyond ASCII, and how many bytes come before
/// that byte (the whole block when there is none).
#[inline]
fn ascii_words(block: &[u8]) -> (u64, usize) {
    let (alnum, high) = classify(block);
    let limit = high.trailing_zeros() as usize;
    let words = if limit == 64 {
        alnum
    } else {
        alnum & ((1 << limit) - 1)
    };
    (words, limit)
}

/// For a block of [`BLOCK`] bytes: a bit per ASCII letter or digit, and a bit per byte beyond
/// ASCII (byte k to bit k). Sixteen bytes are tested at once (SSE2 on x86-64): each range
/// test moves its range to the bottom of the signed bytes, where one comparison finds it.
fn classify(block: &[u8]) -> (u64, u64) {
    let (mut alnum, mut high) = (0u64, 0u64);
    for (k, chunk) in block.chunks_exact(16).enumerate() {
        let bytes: [u8; 16] = chunk.try_into().unwrap_or_default();
        let v = i8x16::new(bytes.map(u8::cast_signed));
        // `b - lo` is under `n` (unsigned) when `b - lo + 0x80` is under `n - 0x80` (signed).
        let digit = i8x16::splat(i8::MIN + 10).cmp_gt(v + i8x16::splat((0x80 - 0x30) as i8));
        let lower = v | i8x16::splat(0x20);
        let letter = i8x16::splat(i8::MIN + 26).cmp_gt(lower + i8x16::splat((0x80 - 0x61) as i8));
        // A mask holds sixteen bits, one per byte.
        alnum |= u64::from((digit | letter).move_mask().cast_unsigned()) << (16 * k);
        high |= u64::from(v.move_mask().cast_unsigned()) << (16 * k);
    }
    (alnum, high)
}

/// Folds the word going on at byte `i` (code point `chars`) into `out`; returns where it ends.
fn fold_rest(text: &str, mut i: usize, mut chars: u32, out: &mut String) -> (usize, u32) {
    for c in text[i..].chars() {
        let in_word = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            (c.is_alphanumeric() && !is_single_char_word(c)) || is_combining_mark(c)
        };
        if !in_word {
            break;
        }
        fold_char(c, out);
        i += c.len_utf8();
        chars += 1;
    }
    (i, chars)
}

/// Appends `c` lowercased, without diacritics.
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for lower in c.to_lowercase() {
        match lower {
            'ß' => out.push_str("ss"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'ħ' => out.push('h'),
            'ı' => out.push('i'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            _ => decompose_canonical(lower, |d| {
                if !is_combining_mark(d) {
                    out.push(d);
                }
            }),
        }
    }
}

/// Scripts written without spaces between words: each character is a word of its own.
fn is_single_char_word(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK Extension A
        | 0x4E00..=0x9FFF   // CJK Unified Ideographs
        | 0xF900..=0xFAFF   // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F // CJK Extensions B–F and supplements
        | 0x0E00..=0x0E7F   // Thai
    )
}

/// The folded words of `text`, in order (for queries and tests).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut scratch = String::new();
    for_each_word(text, &mut scratch, |w, _, _| out.push(w.to_owned()));
    out
}

/// The code-point span of every word of `text`, in order: word `i` of the index is `spans[i]`.
pub fn word_spans(text: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut scratch = String::new();
    // The spans alone: ASCII words are not lowercased on the way.
    scan_words(text, &mut scratch, |_, s, e| out.push((s, e)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    fn spans(text: &str) -> Vec<(String, u32, u32)> {
        let mut out = Vec::new();
        let mut scratch = String::new();
        for_each_word(text, &mut scratch, |w, s, e| out.push((w.to_owned(), s, e)));
        out
    }

    #[test]
    fn folds_case_and_diacritics() {
        let cases: &[(&str, &[&str])] = &[
            ("National SECURITY", &["national", "security"]),
            ("Café crème", &["cafe", "creme"]),
            ("CAFÉ", &["cafe"]),
            ("nation's", &["nation", "s"]),
            ("U.S.", &["u", "s"]),
            ("Straße Øresund Łódź", &["strasse", "oresund", "lodz"]),
            ("e\u{301}te\u{301}", &["ete"]),
            ("1,000 men", &["1", "000", "men"]),
            ("国家安全", &["国", "家", "安", "全"]),
            ("Ελλάδα", &["ελλαδα"]),
            ("well-being", &["well", "being"]),
            ("", &[]),
            ("— … ¶", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(words(text), *expected, "{text:?}");
        }
    }

    fn scanned(text: &str, blocks: bool) -> Vec<(String, u32, u32)> {
        let mut out = Vec::new();
        scan(text, &mut String::new(), blocks, |word, s, e| {
            let word = match word {
                Raw::Ascii(raw) => String::from_utf8_lossy(raw).into_owned(),
                Raw::Folded(folded) => format!("~{folded}"),
            };
            out.push((word, s, e));
        });
        out
    }

    proptest::proptest! {
        /// The block path finds the same words, spans and kinds as the path a byte at a time,
        /// whatever falls at a block's edge.
        #[test]
        fn blocks_read_as_bytes_do(pieces in proptest::collection::vec(
            proptest::prop_oneof![
                "[a-zA-Z0-9]{1,12}",
                "[ .,;:'\"()\n\t-]{1,3}",
                "[a-z]{0,70}",
                proptest::sample::select(vec![
                    "é", "Café", "e\u{301}", "国家", "ß", "\u{ad}", "\u{a0}", "—", "Ελλάδα", "\0", "\u{1f}", "@[`{",
                ]).prop_map(str::to_owned),
            ],
            0..80,
        )) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(scanned(&text, true), scanned(&text, false));
        }
    }

    #[test]
    fn classify_marks_ascii_letters_and_digits_only() {
        for at in [0, 3, 15, 16, 40, 63] {
            for b in 0..=255u8 {
                let mut block = [b' '; BLOCK];
                block[at] = b;
                let (alnum, high) = classify(&block);
                assert_eq!(
                    alnum,
                    u64::from(b.is_ascii_alphanumeric()) << at,
                    "{b:#x} at {at}"
                );
                assert_eq!(high, u64::from(!b.is_ascii()) << at, "{b:#x} at {at}");
            }
        }
    }

    #[test]
    fn spans_are_code_points_into_the_text_as_given() {
        assert_eq!(
            spans("Le café, déjà"),
            vec![
                ("le".to_owned(), 0, 2),
                ("cafe".to_owned(), 3, 7),
                ("deja".to_owned(), 9, 13)
            ]
        );
        assert_eq!(
            spans("é日x"),
            vec![
                ("e".to_owned(), 0, 1),
                ("日".to_owned(), 1, 2),
                ("x".to_owned(), 2, 3)
            ]
        );
    }
}
