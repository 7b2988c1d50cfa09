//! Importers: any bytes in, a [`Document`] plus warnings out — or a typed error saying why
//! the bytes are not a speech.
//!
//! Every importer is total: it never panics and never fails on content it merely dislikes;
//! odd content becomes a warning. The pipeline is the same for every format:
//! decode → clean (line ends, invisible characters, NFC) → format reader → blocks →
//! [`builder::assemble`] (speaker turns, ¶ numbers, outline) → metadata resolution.

mod builder;
mod frontmatter;
mod html;
mod inline;
mod markdown;
mod plain;
mod scrape;
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
    let ext = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match ext.as_deref() {
        Some("md" | "markdown" | "mdown" | "mkd") => Some(SourceFormat::Markdown),
        Some("html" | "htm" | "xhtml") => Some(SourceFormat::Html),
        Some("txt" | "text") => Some(SourceFormat::PlainText),
        _ => None,
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
    let text = clean_source(&decoded.text);

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
    let mut document = builder::assemble(
        blocks,
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
/// turns no-break spaces into spaces, and composes to NFC. Text that needs none of this is
/// borrowed as is.
pub(crate) fn clean_source(text: &str) -> Cow<'_, str> {
    let needs_char_pass =
        !text.is_ascii() || text.bytes().any(|b| b < 0x20 && b != b'\n' && b != b'\t');
    if !needs_char_pass {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\u{00A0}' | '\u{202F}' | '\u{2007}' | '\u{3000}' => out.push(' '),
            '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' => {}
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if is_nfc_quick(out.chars()) == unicode_normalization::IsNormalized::Yes {
        Cow::Owned(out)
    } else {
        Cow::Owned(out.nfc().collect())
    }
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
}
