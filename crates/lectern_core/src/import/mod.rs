//! Importers: any bytes in, a [`Document`] plus warnings out — or a typed error saying why
//! the bytes are not a speech.
//!
//! Every importer is total: it never panics and never fails on content it merely dislikes;
//! odd content becomes a warning. The pipeline is the same for every format:
//! decode → clean (line ends, invisible characters, NFC) → format reader → blocks →
//! [`assemble::assemble`] (speaker turns, ¶ numbers, outline) → metadata resolution.

mod assemble;
mod builder;
mod frontmatter;
mod headings;
mod html;
mod inline;
mod markdown;
mod para;
mod plain;
mod scrape;
mod stage_directions;
mod structure;

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::catalogue::CatalogueEntry;
use crate::decode::{DecodeError, decode};
use crate::document::{Document, Provenance, SourceFormat};
use crate::metadata::{self, Candidates, Overrides};

/// Files larger than this are refused before they are read: no speech is 64 MiB of text, and
/// reading one would stall the whole archive.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What the importer knows about a file besides its bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions<'a> {
    /// The path relative to the archive root, `/`-separated; gives the format and file-name
    /// metadata.
    pub path: &'a str,
    /// The archive catalogue's row for this file.
    pub catalogue: Option<&'a CatalogueEntry>,
    /// The researcher's metadata edits.
    pub overrides: Option<&'a Overrides>,
}

/// Why a file could not be imported as a speech.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    NotText(#[from] DecodeError),
    #[error("the file is empty")]
    Empty,
    #[error("the file has no text, only markup or white space")]
    NoText,
    #[error("not a speech: {0}")]
    NotASpeech(String),
    #[error("the file is too large ({} MiB; the limit is {} MiB)", .bytes / (1024 * 1024), MAX_FILE_BYTES / (1024 * 1024))]
    TooLarge { bytes: u64 },
}

impl ImportError {
    /// Whether the file is simply not a speech (skipped) rather than a speech that could not
    /// be read (failed).
    pub fn is_skip(&self) -> bool {
        matches!(self, Self::Empty | Self::NoText | Self::NotASpeech(_))
    }
}

/// The formats a file name suggests.
pub fn format_for_path(path: &str) -> Option<SourceFormat> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let (_, ext) = name.rsplit_once('.')?;
    let is = |candidates: &[&str]| candidates.iter().any(|c| c.eq_ignore_ascii_case(ext));
    if is(&["md", "markdown", "mdown", "mkd"]) {
        Some(SourceFormat::Markdown)
    } else if is(&["html", "htm", "xhtml"]) {
        Some(SourceFormat::Html)
    } else if is(&["txt", "text"]) {
        Some(SourceFormat::PlainText)
    } else {
        None
    }
}

/// Imports one file's bytes.
pub fn import(bytes: &[u8], options: &ImportOptions<'_>) -> Result<Document, ImportError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            bytes: bytes.len() as u64,
        });
    }
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    let decoded = decode(bytes)?;
    let mut warnings = decoded.warnings;
    let (text, width) = clean(&decoded.text);

    let mut candidates = Candidates::default();
    let looks_like_html = {
        let head = text.trim_start().as_bytes();
        let opens = |tag: &[u8]| {
            head.get(..tag.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(tag))
        };
        opens(b"<!doctype html") || opens(b"<html")
    };
    let format = if looks_like_html {
        Some(SourceFormat::Html)
    } else {
        format_for_path(options.path)
    };
    // Plain text finds its brackets as it screens the text; the others leave them to
    // `assemble`.
    let mut brackets = None;
    let (blocks, format) = match format {
        Some(SourceFormat::Html) => (
            html::read(&text, &mut candidates, &mut warnings)?,
            SourceFormat::Html,
        ),
        Some(SourceFormat::Markdown) => (
            markdown::read(&text, &mut candidates, &mut warnings),
            SourceFormat::Markdown,
        ),
        _ => plain::read(
            &text,
            &mut candidates,
            &mut warnings,
            brackets.insert(Vec::new()),
        ),
    };
    if blocks.is_empty() {
        return Err(ImportError::NoText);
    }

    if let Some(entry) = options.catalogue {
        candidates.add_catalogue(entry);
    }
    if let Some(overrides) = options.overrides {
        candidates.add_overrides(overrides);
    }
    metadata::from_filename(options.path, &mut candidates);
    if let Some(title) = candidates
        .title
        .iter()
        .find(|t| t.provenance <= Provenance::InText)
    {
        if let Some(speaker) = metadata::speaker_from_title(&title.value) {
            candidates.add_speakers(vec![speaker], Provenance::InText);
        } else if let Some(speaker) = metadata::speaker_from_headline(&title.value) {
            candidates.add_speakers(vec![speaker], Provenance::Guessed);
        }
    }
    let source = assemble::Source {
        text: &text,
        width: &width,
        brackets: brackets.as_deref(),
    };
    let mut document = assemble::assemble(
        blocks,
        &source,
        crate::document::Metadata::default(),
        format,
        Vec::new(),
    );
    if candidates.language.is_empty()
        && let Some(language) = metadata::guess_language(&document.text)
    {
        candidates.add_language(language, Provenance::Guessed);
    }
    document.metadata = candidates.resolve(&mut warnings);
    warnings.sort();
    warnings.dedup();
    document.warnings = warnings;
    Ok(document)
}

/// Normalises line ends to `\n`, removes invisible characters that would break search and
/// anchoring (soft hyphen, zero-width space, BOMs inside the text, stray control characters),
/// turns every kind of space into a plain space, and composes to NFC. Text that needs none of
/// this is borrowed as is.
///
/// This runs over every byte of every file, so it scans bytes and only decodes characters
/// outside ASCII; the common text with a few dashes and curly quotes is copied in runs.
pub fn clean_source(text: &str) -> Cow<'_, str> {
    clean(text).0
}

/// [`clean_source`], and what cleaning learned of the width of the text's characters.
fn clean(text: &str) -> (Cow<'_, str>, Width) {
    let bytes = text.as_bytes();
    let Some(first) = next_attention(bytes, 0) else {
        return (Cow::Borrowed(text), Width::Ascii);
    };
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut maybe_denormal = false;
    let mut wide = Vec::new();
    let mut extra = 0;
    let mut copied_to = 0;
    let mut i = first;
    while i < bytes.len() {
        let b = bytes[i];
        if !needs_attention(b) {
            match next_attention(bytes, i) {
                Some(next) => i = next,
                None => break,
            }
            continue;
        }
        let (replacement, len): (Option<char>, usize) = if b < 0x80 {
            match b {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => (None, 1),
                b'\r' => (Some('\n'), 1),
                _ => (None, 1),
            }
        } else {
            let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
                break;
            };
            let len = c.len_utf8();
            match c {
                '\u{2028}' | '\u{2029}' | '\u{0085}' => (Some('\n'), len),
                c if builder::is_invisible(c) => (None, len),
                c if c.is_whitespace() => (Some(' '), len),
                c if c.is_control() => (None, len),
                c => {
                    maybe_denormal |= may_need_composition(c);
                    i += len;
                    // Files are far smaller than 4 GiB (`MAX_FILE_BYTES`).
                    extra += len as u32 - 1;
                    wide.push((i as u32, extra));
                    continue;
                }
            }
        };
        out.push_str(&text[copied_to..i]);
        if let Some(r) = replacement {
            out.push(r);
        }
        changed = true;
        i += len;
        copied_to = i;
    }
    if !changed && (!maybe_denormal || is_nfc_quick(text.chars()) == IsNormalized::Yes) {
        return (Cow::Borrowed(text), Width::Wide(wide));
    }
    out.push_str(&text[copied_to.min(text.len())..]);
    if maybe_denormal && is_nfc_quick(out.chars()) != IsNormalized::Yes {
        return (Cow::Owned(out.nfc().collect()), Width::Unknown);
    }
    (Cow::Owned(out), Width::Unknown)
}

/// What cleaning learned of the width of the characters of the text it returned, so that
/// character counts of slices of it need not count.
#[derive(Debug)]
pub(crate) enum Width {
    /// Printable ASCII, line feeds and tabs only: every character is one byte.
    Ascii,
    /// The text as given, with its characters beyond ASCII: for each, the byte just past
    /// it and the bytes beyond one that it and those before it take up.
    Wide(Vec<(u32, u32)>),
    /// Not known: cleaning changed the text.
    Unknown,
}

impl Width {
    /// How many characters the bytes `range` of the text hold, if that is known without
    /// counting. `range` lies on character boundaries.
    pub(crate) fn chars(&self, range: std::ops::Range<usize>) -> Option<usize> {
        match self {
            Self::Ascii => Some(range.len()),
            Self::Wide(wide) => {
                // The extra bytes of the characters that end at or before `at`.
                let extra_before = |at: usize| {
                    let n = wide.partition_point(|&(end, _)| end as usize <= at);
                    n.checked_sub(1).map_or(0, |last| wide[last].1 as usize)
                };
                Some(range.len() - (extra_before(range.end) - extra_before(range.start)))
            }
            Self::Unknown => None,
        }
    }
}

/// Position of the next byte at or after `from` that needs attention. Whole 64-byte blocks
/// are tested at once (the compiler turns the fold into vector instructions), so ASCII prose
/// flows through at memory speed.
fn next_attention(bytes: &[u8], from: usize) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut i = from;
    while i + BLOCK <= bytes.len() {
        let block = &bytes[i..i + BLOCK];
        // Most blocks are printable ASCII throughout, which one comparison a byte tells;
        // only a block with something else (a line break, mostly) is tested exactly.
        if block.iter().fold(0u8, |any, &b| any | unprintable_bit(b)) != 0
            && block.iter().fold(0u8, |any, &b| any | attention_bit(b)) != 0
        {
            break;
        }
        i += BLOCK;
    }
    bytes[i..]
        .iter()
        .position(|&b| needs_attention(b))
        .map(|p| i + p)
}

/// Bytes the cleaner must look at: anything outside ASCII, and ASCII control characters
/// other than line feed and tab.
fn needs_attention(b: u8) -> bool {
    attention_bit(b) != 0
}

/// [`needs_attention`] without branches, so whole blocks test in vector instructions.
fn attention_bit(b: u8) -> u8 {
    // Outside printable ASCII (0x20..=0x7E), and not a line feed or a tab.
    unprintable_bit(b) & u8::from(b != b'\n') & u8::from(b != b'\t')
}

/// Outside printable ASCII (0x20..=0x7E), in one signed comparison: adding one takes the
/// printable bytes to 0x21..=0x7F and every other byte below 0x21 or past 0x7F, where the
/// sign bit is set.
fn unprintable_bit(b: u8) -> u8 {
    u8::from(b.wrapping_add(1).cast_signed() < 0x21)
}

/// Characters that can take part in canonical composition. Latin-1, general punctuation and
/// most symbols never do, so texts with only dashes and curly quotes skip the NFC pass.
pub(crate) fn may_need_composition(c: char) -> bool {
    !matches!(c, '\u{80}'..='\u{2FF}' | '\u{2000}'..='\u{20CF}' | '\u{2100}'..='\u{2FFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning() {
        assert_eq!(clean_source("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(
            clean_source("soft\u{00AD}hyphen zero\u{200B}width no\u{00A0}break"),
            "softhyphen zerowidth no break"
        );
        assert_eq!(clean_source("e\u{0301}"), "é");
        assert!(matches!(clean_source("plain ascii\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn widths_count_the_characters_of_every_slice() {
        let texts = [
            "plain ascii\nlines",
            "em\u{2014}dash and “quotes” in a café, 日本語 and 🎉 at the end",
            "é\u{2014}",
            "\u{2014}",
            "tabs\tand\u{00A0}a no-break space, which cleaning changes",
        ];
        for text in texts {
            let (clean, width) = clean(text);
            let boundaries: Vec<usize> = clean
                .char_indices()
                .map(|(i, _)| i)
                .chain([clean.len()])
                .collect();
            for (a, &start) in boundaries.iter().enumerate() {
                for &end in &boundaries[a..] {
                    let expected = clean[start..end].chars().count();
                    match width.chars(start..end) {
                        Some(chars) => assert_eq!(chars, expected, "{text:?} {start}..{end}"),
                        None => assert!(matches!(width, Width::Unknown), "{text:?}"),
                    }
                }
            }
        }
        assert!(matches!(clean("plain").1, Width::Ascii));
        assert!(matches!(clean("caf\u{e9}").1, Width::Wide(_)));
        assert!(matches!(clean("no\u{00A0}break").1, Width::Unknown));
    }

    #[test]
    fn blocks_find_the_byte_a_byte_by_byte_search_finds() {
        // Every byte value at every place of a block, in front of and past the last whole
        // block, after printable text and after line feeds and tabs.
        for len in [63, 64, 65, 130] {
            for filler in [b'a', b'\n', b'\t'] {
                for at in (0..len).step_by(7).chain([len - 1]) {
                    for b in 0..=u8::MAX {
                        let mut bytes = vec![filler; len];
                        bytes[at] = b;
                        for from in [0, at.saturating_sub(3), at] {
                            let expected = bytes[from..]
                                .iter()
                                .position(|&b| needs_attention(b))
                                .map(|p| from + p);
                            assert_eq!(next_attention(&bytes, from), expected, "{len} {at} {b}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn attention_is_every_byte_outside_printable_ascii_but_line_feed_and_tab() {
        for b in 0..=u8::MAX {
            let expected = !(0x20..=0x7E).contains(&b) && b != b'\n' && b != b'\t';
            assert_eq!(needs_attention(b), expected, "byte {b:#04x}");
        }
    }
}
