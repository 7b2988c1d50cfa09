//! Helpers shared by the test modules: reading the sample archive and checking the
//! structural promises every imported document makes.

use std::path::{Path, PathBuf};

use lectern_core::{BlockKind, Catalogue, CharSpan, ContentHash, Document, ImportError};

/// The sample archive at the repository root.
pub const ARCHIVE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample_archive");

/// The bytes of a file in the sample archive, by its path relative to the archive root.
pub fn read_sample(relative: &str) -> Vec<u8> {
    let path = Path::new(ARCHIVE).join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The archive catalogue, parsed the way the store parses it.
pub fn catalogue() -> Catalogue {
    let (catalogue, warnings) = Catalogue::parse(&read_sample("metadata.csv"))
        .unwrap_or_else(|e| panic!("metadata.csv is not a catalogue: {e}"));
    assert!(warnings.is_empty(), "metadata.csv warnings: {warnings:?}");
    catalogue
}

/// Imports a sample file the way the store does: relative path plus its catalogue row.
pub fn import_sample(relative: &str, catalogue: &Catalogue) -> Result<Document, ImportError> {
    let options = lectern_core::ImportOptions {
        path: relative,
        catalogue: catalogue.lookup(relative),
        overrides: None,
    };
    lectern_core::import(&read_sample(relative), &options)
}

/// Every file under `dir` (recursively), as `/`-separated paths relative to the archive root,
/// sorted.
pub fn sample_files(dir: &str) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a readable directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let root = Path::new(ARCHIVE);
    let mut paths = Vec::new();
    walk(&root.join(dir), &mut paths);
    let mut relative: Vec<String> = paths
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(root).expect("a path inside the archive");
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    relative.sort();
    relative
}

/// The first `n` characters of `s`, with `…` when it was cut.
pub fn preview(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}

/// The text of `span` computed independently of the library: code points `start..end` of
/// `text`.
fn chars_of(text: &str, span: CharSpan) -> String {
    text.chars()
        .skip(span.start)
        .take(span.end - span.start)
        .collect()
}

/// Byte offsets of every code point of `text`, plus its length.
fn char_starts(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

/// Checks that `span` lies inside the text and that `Document::slice` and
/// `Document::byte_offset` agree with an independent count of code points.
fn check_span(doc: &Document, starts: &[usize], span: CharSpan, what: &str) {
    assert!(
        span.start <= span.end && span.end <= doc.char_len(),
        "{what} {span:?} is outside 0..{}",
        doc.char_len()
    );
    let (start, end) = (starts[span.start], starts[span.end]);
    assert_eq!(
        doc.byte_offset(span.start),
        start,
        "{what} {span:?}: byte offset of its start"
    );
    assert!(doc.text.is_char_boundary(doc.byte_offset(span.end)));
    assert_eq!(
        doc.slice(span),
        &doc.text[start..end],
        "{what} {span:?}: slice disagrees with the code points of the text"
    );
}

/// The structural promises of a [`Document`]: every span inside the text and sliced on
/// code-point boundaries, blocks in order and separated by one blank line, ¶ numbers
/// `1..=n`, sections matching their headings, inlines sorted and inside one block.
pub fn assert_well_formed(doc: &Document) {
    let starts = char_starts(&doc.text);
    assert_eq!(
        doc.char_len(),
        starts.len() - 1,
        "char_len disagrees with the text"
    );
    assert_eq!(doc.content_hash(), ContentHash::of(&doc.text), "stale hash");
    assert_eq!(
        doc.word_count(),
        doc.text.split_whitespace().count(),
        "word count"
    );

    // Blocks tile the text, separated by "\n\n".
    let mut expected_start = 0;
    let mut numbers = Vec::new();
    for (i, block) in doc.blocks.iter().enumerate() {
        let what = format!("block {i} ({:?})", block.kind);
        check_span(doc, &starts, block.span, &what);
        assert_eq!(
            block.span.start, expected_start,
            "{what} does not follow the previous block"
        );
        assert!(!block.span.is_empty(), "{what} is empty");
        if i > 0 {
            let gap = CharSpan::new(block.span.start - 2, block.span.start);
            assert_eq!(
                doc.slice(gap),
                "\n\n",
                "{what} is not preceded by a blank line"
            );
        }
        expected_start = block.span.end + 2;
        // White space inside a block is folded: single spaces, single line breaks.
        let text = doc.slice(block.span);
        assert!(
            text.trim() == text
                && !["  ", "\n\n", " \n", "\n ", "\t"]
                    .iter()
                    .any(|bad| text.contains(bad)),
            "{what}: white space not folded in {text:?}"
        );
        match (&block.kind, block.number) {
            (BlockKind::Heading { level }, None) => {
                assert!((1..=6).contains(level), "{what} has heading level {level}");
            }
            (BlockKind::Heading { .. }, Some(n)) => panic!("{what} is a heading with ¶{n}"),
            (_, None) => panic!("{what} is a paragraph without a ¶ number"),
            (kind, Some(n)) => {
                numbers.push(n);
                if let BlockKind::SpeakerTurn { label, speaker } = kind {
                    check_span(doc, &starts, *label, &format!("{what} label"));
                    assert_eq!(
                        label.start, block.span.start,
                        "{what}: label not at its start"
                    );
                    assert!(
                        label.end <= block.span.end,
                        "{what}: label beyond the block"
                    );
                    assert!(!speaker.is_empty(), "{what}: empty speaker");
                }
            }
        }
    }
    if let Some(last) = doc.blocks.last() {
        assert_eq!(
            last.span.end,
            doc.char_len(),
            "text continues after the last block"
        );
    } else {
        assert!(doc.text.is_empty(), "text without blocks");
    }
    let expected: Vec<u32> = (1..).take(numbers.len()).collect();
    assert_eq!(numbers, expected, "¶ numbers are not 1..=n");

    // Sections: one per heading, in order, titled by the heading's text.
    let headings: Vec<_> = doc
        .blocks
        .iter()
        .filter_map(|b| match b.kind {
            BlockKind::Heading { level } => Some((b.span, level)),
            _ => None,
        })
        .collect();
    assert_eq!(
        doc.sections.len(),
        headings.len(),
        "sections vs heading blocks"
    );
    for (section, (heading, level)) in doc.sections.iter().zip(&headings) {
        let what = format!("section {:?}", section.title);
        check_span(doc, &starts, section.heading, &what);
        check_span(doc, &starts, section.span, &what);
        assert_eq!(section.heading, *heading, "{what}: heading span");
        assert_eq!(section.level, *level, "{what}: level");
        assert_eq!(
            section.title,
            chars_of(&doc.text, section.heading),
            "{what}: title"
        );
        assert_eq!(section.span.start, heading.start, "{what}: span start");
        assert!(
            section.span.end >= heading.end,
            "{what}: span ends inside its heading"
        );
    }

    // Inlines: sorted by start, each inside one block.
    for pair in doc.inlines.windows(2) {
        assert!(
            pair[0].span.start <= pair[1].span.start,
            "inlines out of order: {pair:?}"
        );
    }
    for inline in &doc.inlines {
        let what = format!("inline {:?}", inline.kind);
        check_span(doc, &starts, inline.span, &what);
        assert!(
            doc.blocks
                .iter()
                .any(|b| b.span.start <= inline.span.start && inline.span.end <= b.span.end),
            "{what} {:?} is not inside one block",
            inline.span
        );
    }
}
