//! Hostile inputs: files that are empty, binary, badly encoded, enormous, or not speeches.
//! Each has one specific expected outcome.

use std::fmt::Write as _;

use lectern_core::decode::DecodeError;
use lectern_core::document::WarningKind;
use lectern_core::import::MAX_FILE_BYTES;
use lectern_core::{Document, ImportError, ImportOptions, InlineKind, import};

use crate::support::{assert_well_formed, preview};

/// What importing an input must give.
enum Expect<'a> {
    /// Refused with exactly this error.
    Refused(ImportError),
    /// Refused as not a speech, with a reason containing this fragment.
    NotASpeech(&'a str),
    /// Imported; the canonical text is exactly this and the warnings are of exactly these kinds.
    Text(&'a str, &'a [WarningKind]),
    /// Imported into the same document as these bytes (read under the same path).
    SameAs(&'a [u8]),
    /// Imported with exactly this many numbered paragraphs.
    Paragraphs(usize),
    /// Imported with exactly these speakers in its metadata.
    Speakers(&'a [&'a str]),
}

fn run(path: &str, input: &[u8]) -> Result<Document, ImportError> {
    import(
        input,
        &ImportOptions {
            path,
            ..ImportOptions::default()
        },
    )
}

fn show(input: &[u8]) -> String {
    preview(&String::from_utf8_lossy(input), 80)
}

/// Imports `input` read from `path` and checks the outcome; returns the document when the
/// input was imported.
#[track_caller]
fn check(path: &str, input: &[u8], expect: Expect<'_>) -> Option<Document> {
    let got = run(path, input);
    let imported = |got: Result<Document, ImportError>| {
        let doc = got.unwrap_or_else(|e| panic!("{path} {:?} was refused: {e:?}", show(input)));
        assert_well_formed(&doc);
        doc
    };
    match expect {
        Expect::Refused(error) => {
            let got = got.as_ref().map(|d| preview(&d.text, 80));
            assert_eq!(got, Err(&error), "{path} {:?}", show(input));
            None
        }
        Expect::NotASpeech(fragment) => {
            match &got {
                Err(ImportError::NotASpeech(reason)) => assert!(
                    reason.contains(fragment),
                    "{path}: reason {reason:?} does not mention {fragment:?}"
                ),
                other => panic!(
                    "{path} {:?}: expected NotASpeech, got {:?}",
                    show(input),
                    other.as_ref().map(|d| preview(&d.text, 80))
                ),
            }
            None
        }
        Expect::Text(text, kinds) => {
            let doc = imported(got);
            assert_eq!(doc.text, text, "{path} {:?}", show(input));
            let got_kinds: Vec<WarningKind> = doc.warnings.iter().map(|w| w.kind).collect();
            assert_eq!(got_kinds, kinds, "{path}: warnings {:?}", doc.warnings);
            Some(doc)
        }
        Expect::SameAs(other) => {
            let doc = imported(got);
            let other_doc = run(path, other)
                .unwrap_or_else(|e| panic!("{path} {:?} was refused: {e:?}", show(other)));
            assert_eq!(
                doc,
                other_doc,
                "{path}: {:?} vs {:?}",
                show(input),
                show(other)
            );
            Some(doc)
        }
        Expect::Paragraphs(n) => {
            let doc = imported(got);
            assert_eq!(doc.paragraphs().count(), n, "{path} {:?}", show(input));
            Some(doc)
        }
        Expect::Speakers(speakers) => {
            let doc = imported(got);
            assert_eq!(
                doc.metadata.speakers(),
                speakers,
                "{path} {:?}",
                show(input)
            );
            Some(doc)
        }
    }
}

/// `marked` with its `␀` marker replaced by a NUL byte, and the byte offset of that NUL.
fn nul_at(marked: &str) -> (Vec<u8>, usize) {
    let (before, after) = marked.split_once('␀').expect("a ␀ marker");
    nul_between(before.as_bytes(), after.as_bytes())
}

/// `before`, a NUL byte, `after`; and the byte offset of the NUL.
fn nul_between(before: &[u8], after: &[u8]) -> (Vec<u8>, usize) {
    ([before, b"\0", after].concat(), before.len())
}

fn utf16le(s: &str, bom: bool) -> Vec<u8> {
    let bom: &[u8] = if bom { b"\xFF\xFE" } else { b"" };
    let units = s.encode_utf16().flat_map(u16::to_le_bytes);
    bom.iter().copied().chain(units).collect()
}

fn utf16be(s: &str, bom: bool) -> Vec<u8> {
    let bom: &[u8] = if bom { b"\xFE\xFF" } else { b"" };
    let units = s.encode_utf16().flat_map(u16::to_be_bytes);
    bom.iter().copied().chain(units).collect()
}

/// An index page of speeches: `items` list entries that are nothing but links.
fn listing_page(items: usize) -> String {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html><head><title>All speeches</title></head><body>\n<h1>All speeches</h1>\n<ul>\n",
    );
    for i in 0..items {
        writeln!(
            page,
            "<li><a href=\"/speeches/{i}\">Remarks on the state of the economy, number {i}</a></li>"
        )
        .expect("writing to a String");
    }
    page.push_str("</ul>\n</body></html>\n");
    page
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const ZIP: &[u8] = b"PK\x03\x04\x14\0\0\0\x08\0\xa1\x5c\x4e\x58speech.txt";
const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";

#[test]
fn refusals() {
    use DecodeError::{Binary, NulByte};
    use Expect::Refused;
    use ImportError::{Empty, NoText, NotText};

    check("x.txt", b"", Refused(Empty));
    check("x.md", b"", Refused(Empty));
    check("x.html", b"", Refused(Empty));
    // Binary files, whatever their name says.
    check("picture.txt", PNG, Refused(NotText(Binary("a PNG image"))));
    check(
        "speech.txt",
        ZIP,
        Refused(NotText(Binary("a ZIP archive (or an Office document)"))),
    );
    check("speech.md", PDF, Refused(NotText(Binary("a PDF document"))));
    let (input, offset) = nul_at("Fellow-Citizens of the Senate␀ and House of Representatives:");
    check("x.txt", &input, Refused(NotText(NulByte(offset))));
    let (input, offset) = nul_between(b"Caf\xe9 society", b" and its manners");
    check("x.txt", &input, Refused(NotText(NulByte(offset))));
    // Nothing to read.
    check("x.txt", b" \n\t\n   \n\n", Refused(NoText));
    check(
        "x.txt",
        "\u{00A0}\u{200B}\n\u{FEFF}\n".as_bytes(),
        Refused(NoText),
    );
    check(
        "x.md",
        b"---\ntitle: Only front matter\n---\n",
        Refused(NoText),
    );
    check(
        "x.html",
        b"<html><body>  \n </body></html>",
        Refused(NoText),
    );
    check(
        "x.html",
        b"<html><head><script>var x = 1;</script><style>p { margin: 0 }</style></head><body></body></html>",
        Refused(NoText),
    );
}

#[test]
fn text_that_only_looks_binary_is_read() {
    // "MZ" opens Windows executables, and also this sentence.
    check(
        "x.txt",
        b"MZ is how this essay starts.",
        Expect::Text("MZ is how this essay starts.", &[]),
    );
}

#[test]
fn encodings() {
    use Expect::Text;
    use WarningKind::Encoding;

    let text = "Another year of health — “abundant” harvests, café.";
    check("x.txt", &utf16le(text, true), Text(text, &[]));
    check("x.txt", &utf16be(text, true), Text(text, &[]));
    let ascii = "Another year of health and of sufficiently abundant harvests.";
    check("x.txt", &utf16le(ascii, false), Text(ascii, &[Encoding]));
    check("x.txt", &utf16be(ascii, false), Text(ascii, &[Encoding]));
    // A UTF-16 file cut off mid code unit.
    let mut cut = utf16le("Fellow citizens", true);
    cut.push(b'!');
    check("x.txt", &cut, Text("Fellow citizens\u{FFFD}", &[Encoding]));
    // Windows-1252, with its curly quotes in 0x80..0x9F.
    check(
        "x.txt",
        b"Caf\xe9 \x93quote\x94",
        Text("Café “quote”", &[Encoding]),
    );
    // Mojibake that is valid UTF-8 is a source's own text: kept verbatim, no warning.
    check(
        "x.txt",
        "CafÃ© society".as_bytes(),
        Text("CafÃ© society", &[]),
    );
    // A UTF-8 byte-order mark is not text.
    check(
        "x.txt",
        "\u{FEFF}Fellow citizens.".as_bytes(),
        Text("Fellow citizens.", &[]),
    );
    for path in ["x.txt", "x.md", "x.html"] {
        let plain = b"Fellow citizens of the Senate.\n\nAnother year has passed.\n";
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), plain].concat();
        check(path, &with_bom, Expect::SameAs(plain));
    }
}

#[test]
fn line_endings() {
    use Expect::{SameAs, Text};

    let lf = b"Four score and seven years ago\nour fathers brought forth.\n\nNow we are engaged\nin a great civil war.\n";
    let crlf = b"Four score and seven years ago\r\nour fathers brought forth.\r\n\r\nNow we are engaged\r\nin a great civil war.\r\n";
    let cr = b"Four score and seven years ago\rour fathers brought forth.\r\rNow we are engaged\rin a great civil war.\r";
    let mixed = b"Four score and seven years ago\r\nour fathers brought forth.\r\n\nNow we are engaged\rin a great civil war.\n";
    let no_final_newline = b"Four score and seven years ago\nour fathers brought forth.\n\nNow we are engaged\nin a great civil war.";
    for path in ["x.txt", "x.md", "x.html"] {
        for input in [&crlf[..], cr, mixed, no_final_newline] {
            check(path, input, SameAs(lf));
        }
    }
    check(
        "x.txt",
        no_final_newline,
        Text(
            "Four score and seven years ago our fathers brought forth.\n\nNow we are engaged in a great civil war.",
            &[],
        ),
    );
}

#[test]
fn invisible_characters_leave_no_trace() {
    use Expect::Text;

    // Soft hyphen, zero-width space, word joiner and BOM inside words; no-break spaces
    // between them. Search for "government" must find it.
    let input = "gov\u{00AD}ern\u{200B}ment of the\u{00A0}people, by\u{2060} the peo\u{FEFF}ple";
    for path in ["x.txt", "x.md", "x.html"] {
        let doc = check(
            path,
            input.as_bytes(),
            Text("government of the people, by the people", &[]),
        )
        .expect("imported");
        assert!(
            !doc.text
                .contains(['\u{00AD}', '\u{200B}', '\u{2060}', '\u{FEFF}', '\u{00A0}']),
            "{path}: {:?}",
            doc.text
        );
    }
    // Stray control characters, in ASCII and in non-ASCII text.
    check(
        "x.txt",
        b"Fellow\x7f citi\x1bzens\x01",
        Text("Fellow citizens", &[]),
    );
    check(
        "x.txt",
        "Café\x7f au lait".as_bytes(),
        Text("Café au lait", &[]),
    );
    // Decomposed accents are composed (NFC), so "café" finds "cafe\u{301}".
    check("x.txt", "cafe\u{301}".as_bytes(), Text("café", &[]));
}

#[test]
fn ten_megabyte_single_line() {
    let sentence = "We are met on a great battle-field of that war, and we have come to dedicate a portion of it. ";
    let input = sentence.repeat(10 * 1024 * 1024 / sentence.len() + 1);
    assert!(input.len() >= 10 * 1024 * 1024 && !input.contains('\n'));
    let doc = check("x.txt", input.as_bytes(), Expect::Paragraphs(1)).expect("imported");
    assert_eq!(
        doc.text,
        input.trim_end(),
        "the one line is the one paragraph"
    );
}

#[test]
fn larger_than_the_limit_is_refused_unread() {
    let limit = usize::try_from(MAX_FILE_BYTES).expect("the limit fits in memory");
    let input = vec![b'a'; limit + 1];
    check(
        "x.txt",
        &input,
        Expect::Refused(ImportError::TooLarge {
            bytes: MAX_FILE_BYTES + 1,
        }),
    );
}

#[test]
fn listing_pages_are_not_speeches() {
    let page = listing_page(300);
    check(
        "index.html",
        page.as_bytes(),
        Expect::NotASpeech("page of links"),
    );
    // Saved as text, a page is still recognised by its doctype.
    check(
        "index.txt",
        page.as_bytes(),
        Expect::NotASpeech("page of links"),
    );
    let big = listing_page(15_000);
    assert!(big.len() >= 1024 * 1024, "{} bytes", big.len());
    check(
        "index.html",
        big.as_bytes(),
        Expect::NotASpeech("page of links"),
    );
}

#[test]
fn a_speech_with_many_links_is_still_a_speech() {
    let prose = "Another year of health and of sufficiently abundant harvests has passed, and for \
                 these our renewed and profoundest gratitude to God is due.";
    let mut page = format!("<html><body><p>{prose}</p><p>{prose}</p><p>{prose}</p><ul>");
    for i in 0..100 {
        write!(
            page,
            "<li><a href=\"/s/{i}\">Another speech, number {i}</a></li>"
        )
        .expect("writing to a String");
    }
    page.push_str("</ul></body></html>");
    check("speech.html", page.as_bytes(), Expect::Paragraphs(103));
}

// Known bugs. Each test states the behaviour the importer promises and is ignored until the
// library is fixed.

#[test]
fn nul_after_utf8_bom_is_refused() {
    let (input, offset) = nul_at("\u{FEFF}Fellow-Citizens of the Senate␀ and House");
    check(
        "x.txt",
        &input,
        Expect::Refused(ImportError::NotText(DecodeError::NulByte(offset))),
    );
}

#[test]
fn nul_offset_counts_the_bom() {
    let (input, offset) = nul_between(b"\xEF\xBB\xBFCaf\xe9", b" society");
    check(
        "x.txt",
        &input,
        Expect::Refused(ImportError::NotText(DecodeError::NulByte(offset))),
    );
}

#[test]
fn character_references_leave_no_invisible_characters() {
    use Expect::Text;
    check(
        "x.html",
        b"<p>gov&shy;ern&#8203;ment &#xFEFF;of the people</p>",
        Text("government of the people", &[]),
    );
    check(
        "x.md",
        b"gov&shy;ern&#8203;ment &#xFEFF;of the people",
        Text("government of the people", &[]),
    );
    check(
        "x.txt",
        b"gov&#173;ern&#8203;ment &#xFEFF;of the people",
        Text("government of the people", &[]),
    );
    check("x.html", b"<p>a&#1;b&#x7f;c</p>", Text("abc", &[]));
    check("x.md", b"a&#1;b&#8;c", Text("abc", &[]));
}

#[test]
fn character_references_are_composed() {
    use Expect::Text;
    check("x.txt", b"cafe&#x301;", Text("café", &[]));
    check("x.md", b"cafe&#x301;", Text("café", &[]));
    check("x.html", b"<p>cafe&#x301;</p>", Text("café", &[]));
}

#[test]
fn remarks_by_title_with_letters_that_change_length_in_lower_case() {
    // U+023A lower-cases to U+2C65, one byte longer in UTF-8: the offsets drift.
    check(
        "x.md",
        "# Ⱥ Remarks by the President\n\nSome text here.\n".as_bytes(),
        Expect::Speakers(&["the President"]),
    );
    check(
        "x.md",
        "# ȺȺȺȺ Remarks by X\n\nSome text here.\n".as_bytes(),
        Expect::Speakers(&["X"]),
    );
    // The page title of an HTML file is enough.
    check(
        "x.html",
        "<html><head><title>ȺȺȺȺ Remarks by X</title></head><body><p>Some text here.</p></body></html>"
            .as_bytes(),
        Expect::Speakers(&["X"]),
    );
}

#[test]
fn space_after_an_opening_mark_is_folded() {
    use Expect::Text;
    check("x.txt", b"a <em> b</em> c", Text("a b c", &[]));
    check(
        "x.html",
        b"<p>a <a href=\"https://example.org/\"> b</a> c</p>",
        Text("a b c", &[]),
    );
    check("x.html", b"<p>a <em>\n b</em> c</p>", Text("a b c", &[]));
    check(
        "x.md",
        b"a [ b](https://example.org/) c",
        Text("a b c", &[]),
    );
    // A forced line break stays one, without the space before it.
    check("x.md", b"a **<br>b** c", Text("a\nb c", &[]));
}

#[test]
fn markdown_inline_html_links_become_links() {
    let doc = check(
        "x.md",
        b"We met <a href=\"https://example.org/\">in the park</a> today.",
        Expect::Text("We met in the park today.", &[]),
    )
    .expect("imported");
    let links: Vec<(&str, &InlineKind)> = doc
        .inlines
        .iter()
        .map(|i| (doc.slice(i.span), &i.kind))
        .collect();
    assert_eq!(
        links,
        [(
            "in the park",
            &InlineKind::Link {
                url: "https://example.org/".to_owned()
            }
        )]
    );
}
