//! Bytes to text: encoding detection and the refusal of binary files.
//!
//! Researchers' folders hold UTF-8 (with or without a BOM), UTF-16 from Windows tools, and old
//! Windows-1252 files. Anything that decodes is kept verbatim — mojibake included, because
//! "fixing" it would silently change a source — and anything that is not text at all (images,
//! archives, NUL bytes) is refused with a reason.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::document::{Warning, WarningKind};

/// The text encodings Lectern reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 with BOM",
            Self::Utf16Le => "UTF-16LE",
            Self::Utf16Be => "UTF-16BE",
            Self::Windows1252 => "Windows-1252",
        }
    }
}

/// Why bytes are not a text file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("not a text file: looks like {0}")]
    Binary(&'static str),
    #[error("not a text file: contains a NUL byte at byte {0}")]
    NulByte(usize),
}

/// A decoded text with the encoding it was read in.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: TextEncoding,
    pub warnings: Vec<Warning>,
}

/// Decodes `bytes` as text, or says why they are not text.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    if let Some(kind) = sniff_binary(bytes) {
        return Err(DecodeError::Binary(kind));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        if let Some(offset) = memchr::memchr(0, rest) {
            return Err(DecodeError::NulByte(offset + 3));
        }
        return decode_utf8_or_fallback(rest, TextEncoding::Utf8Bom);
    }
    if bytes.starts_with(b"\xFF\xFE") {
        return Ok(decode_utf16(bytes, UTF_16LE, TextEncoding::Utf16Le));
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return Ok(decode_utf16(bytes, UTF_16BE, TextEncoding::Utf16Be));
    }
    let first_nul = memchr::memchr(0, bytes);
    if let Some(encoding) = first_nul.and_then(|_| sniff_bomless_utf16(bytes)) {
        let (label, enc) = match encoding {
            TextEncoding::Utf16Le => ("UTF-16LE", UTF_16LE),
            _ => ("UTF-16BE", UTF_16BE),
        };
        let mut decoded = decode_utf16(bytes, enc, encoding);
        decoded.warnings.push(Warning::new(
            WarningKind::Encoding,
            format!("no byte-order mark; read as {label} from its pattern of NUL bytes"),
        ));
        return Ok(decoded);
    }
    if let Some(offset) = first_nul {
        return Err(DecodeError::NulByte(offset));
    }
    decode_utf8_or_fallback(bytes, TextEncoding::Utf8)
}

fn decode_utf8_or_fallback(
    bytes: &[u8],
    encoding: TextEncoding,
) -> Result<Decoded<'_>, DecodeError> {
    // The fast validator answers for the common case; std's says where invalid input breaks.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding,
            warnings: Vec::new(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding,
            warnings: Vec::new(),
        }),
        Err(err) => {
            if let Some(offset) = memchr::memchr(0, bytes) {
                return Err(DecodeError::NulByte(offset));
            }
            let (text, _, _) = WINDOWS_1252.decode(bytes);
            let warning = Warning::new(
                WarningKind::Encoding,
                format!(
                    "not valid UTF-8 (first bad byte at {}); decoded as Windows-1252 — check accented letters",
                    err.valid_up_to()
                ),
            );
            Ok(Decoded {
                text: Cow::Owned(text.into_owned()),
                encoding: TextEncoding::Windows1252,
                warnings: vec![warning],
            })
        }
    }
}

fn decode_utf16(bytes: &[u8], enc: &'static Encoding, encoding: TextEncoding) -> Decoded<'static> {
    let (text, _, had_errors) = enc.decode(bytes);
    let mut warnings = Vec::new();
    if had_errors {
        warnings.push(Warning::new(
            WarningKind::Encoding,
            format!(
                "invalid {} sequences replaced with U+FFFD",
                encoding.as_str()
            ),
        ));
    }
    Decoded {
        text: Cow::Owned(text.into_owned()),
        encoding,
        warnings,
    }
}

/// Recognises common binary formats by their magic numbers.
fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
        (b"PK\x05\x06", "an empty ZIP archive"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"Rar!\x1A\x07", "a RAR archive"),
        (b"\x7FELF", "an executable"),
        (b"MZ", "a Windows executable"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an old Office document",
        ),
        (b"ID3", "an MP3 file"),
        (b"OggS", "an Ogg audio file"),
        (b"fLaC", "a FLAC audio file"),
        (b"RIFF", "a RIFF media file"),
        (b"SQLite format 3\0", "an SQLite database"),
    ];
    // "MZ" is also how some prose starts; demand a NUL soon after for executables.
    MAGIC.iter().find_map(|(magic, kind)| {
        let matches =
            bytes.starts_with(magic) && (*magic != b"MZ" || bytes.iter().take(64).any(|&b| b == 0));
        matches.then_some(*kind)
    })
}

/// UTF-16 without a BOM shows as a NUL in every other byte of ASCII-range text.
fn sniff_bomless_utf16(bytes: &[u8]) -> Option<TextEncoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    // Nearly all code units in the ASCII range, NULs only on one side.
    if odd_nul * 10 >= pairs * 9 && even_nul == 0 {
        Some(TextEncoding::Utf16Le)
    } else if even_nul * 10 >= pairs * 9 && odd_nul == 0 {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let d = decode(b"\xEF\xBB\xBFhello").unwrap();
        assert_eq!(
            (d.text.as_ref(), d.encoding),
            ("hello", TextEncoding::Utf8Bom)
        );
        let d = decode(b"\xFF\xFEh\0i\0").unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), ("hi", TextEncoding::Utf16Le));
        let d = decode(b"\xFE\xFF\0h\0i").unwrap();
        assert_eq!(d.text, "hi");
        let d = decode(b"caf\xE9 \x93quoted\x94").unwrap();
        assert_eq!(
            (d.text.as_ref(), d.encoding),
            ("café “quoted”", TextEncoding::Windows1252)
        );
        assert_eq!(d.warnings.len(), 1);
        let d = decode("already mojibake: CafÃ©".as_bytes()).unwrap();
        assert_eq!(d.text, "already mojibake: CafÃ©");
        let le: Vec<u8> = "Fellow citizens"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&le).unwrap().text, "Fellow citizens");
    }

    #[test]
    fn refusals() {
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err(),
            DecodeError::Binary("a PNG image")
        );
        assert_eq!(
            decode(b"PK\x03\x04rest").unwrap_err(),
            DecodeError::Binary("a ZIP archive (or an Office document)")
        );
        assert_eq!(
            decode(b"text\0more text here and more").unwrap_err(),
            DecodeError::NulByte(4)
        );
        assert!(decode(b"MZ is how this essay starts").is_ok());
    }
}
