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

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::is_nfc_quick;

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
    let (text, ascii) = clean(&decoded.text);

    let mut candidates = Candidates::default();
    let looks_like_html = {
        let head = text
            .trim_start()
            .get(..64)
            .unwrap_or(text.trim_start())
            .to_ascii_lowercase();
        head.starts_with("<!doctype html") || head.starts_with("<html")
    };
    let format = if looks_like_html {
        Some(SourceFormat::Html)
    } else {
        format_for_path(options.path)
    };
    let (blocks, format) = match format {
        Some(SourceFormat::Html) => (
            html::read(&text, &mut candidates, &mut warnings)?,
            SourceFormat::Html,
        ),
        Some(SourceFormat::Markdown) => (
            markdown::read(&text, &mut candidates, &mut warnings),
            SourceFormat::Markdown,
        ),
        _ => plain::read(&text, &mut candidates, &mut warnings),
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
    let source = assemble::Source { text: &text, ascii };
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

/// [`clean_source`], and whether the text is ASCII (printable, line feeds and tabs): then it
/// needed no cleaning, and every character is one byte.
fn clean(text: &str) -> (Cow<'_, str>, bool) {
    let bytes = text.as_bytes();
    let Some(first) = next_attention(bytes, 0) else {
        return (Cow::Borrowed(text), true);
    };
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut maybe_denormal = false;
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
    if !changed && !maybe_denormal {
        return (Cow::Borrowed(text), false);
    }
    out.push_str(&text[copied_to.min(text.len())..]);
    if maybe_denormal && is_nfc_quick(out.chars()) != unicode_normalization::IsNormalized::Yes {
        return (Cow::Owned(out.nfc().collect()), false);
    }
    (Cow::Owned(out), false)
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
    fn attention_is_every_byte_outside_printable_ascii_but_line_feed_and_tab() {
        for b in 0..=u8::MAX {
            let expected = !(0x20..=0x7E).contains(&b) && b != b'\n' && b != b'\t';
            assert_eq!(needs_attention(b), expected, "byte {b:#04x}");
        }
    }
}
