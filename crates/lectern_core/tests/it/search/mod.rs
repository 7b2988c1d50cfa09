//! Search: the query language read from tables, matching one text with hits marked in the
//! text itself, and the positional index checked against the matcher on the sample archive.

use std::path::Path;
use std::sync::LazyLock;

use lectern_core::CharSpan;
use lectern_core::search::index::{Builder, DocInfo, Part, Segment};
use lectern_core::search::matcher::{Words, match_text};
use lectern_core::search::{Expr, Query, results};

use crate::support::{catalogue, import_sample, sample_files};

mod matching;
mod parse;

// ---------------------------------------------------------------------------------------
// The index against the matcher

/// A speech written for the property test: the folding edge cases the sample archive lacks.
const UNICODE_SPEECH: &str = "Le café du CAFÉ, cafe\u{301} crème. Straße, STRASSE, Øresund, Łódź. \
    İstanbul ıstanbul. Ελλάδα ΕΛΛΆΔΑ. 国家安全と国家. Intergovernmentalisation and \
    intergovernmental internationalisation; supercalifragilistic 1,000 000 2024. \
    e\u{301}te\u{301} été ÉTÉ. Œuvre œuvre oeuvre. The nation's security, national security!";

pub(crate) struct Corpus {
    pub(crate) texts: Vec<String>,
    pub(crate) chars: Vec<Vec<char>>,
    pub(crate) words: Vec<Words>,
    /// The same speeches indexed in one part, and in uneven parts (an empty one among them).
    pub(crate) whole: Segment<Vec<u8>>,
    pub(crate) parted: Segment<Vec<u8>>,
}

fn segment(texts: &[String], cuts: &[usize]) -> Segment<Vec<u8>> {
    let mut parts = Vec::new();
    let mut from = 0;
    for &to in cuts.iter().chain([&texts.len()]) {
        let mut builder = Builder::new();
        for (i, text) in texts.iter().enumerate().take(to).skip(from) {
            let info = DocInfo {
                path: format!("{i}.txt"),
                ..DocInfo::default()
            };
            builder.add(info, text);
        }
        parts.push(builder.finish());
        from = to;
    }
    let mut bytes = Vec::new();
    Part::merge(&parts, &mut bytes).expect("merge into memory");
    Segment::open(bytes).expect("a segment just written opens")
}

pub(crate) static CORPUS: LazyLock<Corpus> = LazyLock::new(|| {
    let catalogue = catalogue();
    let mut texts: Vec<String> = sample_files("")
        .iter()
        .filter(|f| {
            Path::new(f)
                .extension()
                .is_some_and(|e| ["txt", "md", "html"].contains(&e.to_string_lossy().as_ref()))
        })
        .map(|f| {
            import_sample(f, &catalogue)
                .unwrap_or_else(|e| panic!("{f}: {e:?}"))
                .text
        })
        .collect();
    assert!(texts.len() >= 26, "the sample speeches: {}", texts.len());
    texts.push(UNICODE_SPEECH.to_owned());
    let words = texts.iter().map(|t| Words::new(t)).collect();
    let chars = texts.iter().map(|t| t.chars().collect()).collect();
    let whole = segment(&texts, &[]);
    let parted = segment(&texts, &[1, 1, 9, 20]);
    Corpus {
        texts,
        chars,
        words,
        whole,
        parted,
    }
});

/// Per speech the index finds for `expr`, its hits as `(first word, words)`. Checks on the
/// way that speeches come in order and each one's hits are sorted, distinct and within its
/// words.
pub(crate) fn index_found(
    segment: &Segment<Vec<u8>>,
    expr: &Expr,
    live: &dyn Fn(u32) -> bool,
) -> Vec<(usize, Vec<(u32, u32)>)> {
    let found = segment.search(expr, live).expect("the index answers");
    assert!(
        found.windows(2).all(|w| w[0].doc < w[1].doc),
        "{expr}: speeches out of order"
    );
    found
        .into_iter()
        .map(|m| {
            let words = segment.docs[m.doc as usize].words;
            assert!(
                m.hits.windows(2).all(|w| w[0] < w[1]),
                "{expr}: hits of {} not sorted and distinct: {:?}",
                m.doc,
                m.hits
            );
            assert!(
                m.hits
                    .iter()
                    .all(|&(first, len)| len >= 1 && first + len <= words),
                "{expr}: hits of {} beyond its {words} words: {:?}",
                m.doc,
                m.hits
            );
            (m.doc as usize, m.hits)
        })
        .collect()
}

/// The index's hits of speech `doc` as code-point spans, each checked to be whole words
/// inside the text.
fn spans_of(corpus: &Corpus, expr: &Expr, doc: usize, hits: &[(u32, u32)]) -> Vec<CharSpan> {
    let spans = results::word_hits_to_spans(&corpus.texts[doc], hits);
    assert_eq!(spans.len(), hits.len(), "{expr}: a hit of {doc} was lost");
    let chars = &corpus.chars[doc];
    let word_char = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(char::is_ascii_alphanumeric)
    };
    for s in &spans {
        assert!(
            s.start < s.end && s.end <= chars.len(),
            "{expr}: span {s:?} outside {doc}'s {} code points",
            chars.len()
        );
        let (first, last) = (chars[s.start], chars[s.end - 1]);
        let shown: String = chars[s.start..s.end].iter().collect();
        assert!(
            first.is_alphanumeric() && !last.is_whitespace() && !last.is_ascii_punctuation(),
            "{expr}: span {s:?} of {doc} is not whole words: {shown:?}"
        );
        // No ASCII word goes on past either end.
        let cut_before = first.is_ascii() && word_char(s.start.checked_sub(1));
        let cut_after = last.is_ascii() && word_char(Some(s.end));
        assert!(
            !cut_before && !cut_after,
            "{expr}: span {s:?} of {doc} cuts a word: {shown:?}"
        );
    }
    spans
}

/// What the matcher finds for `expr`, reading every speech.
pub(crate) fn matcher_found(corpus: &Corpus, expr: &Expr) -> Vec<(usize, Vec<CharSpan>)> {
    corpus
        .texts
        .iter()
        .zip(&corpus.words)
        .enumerate()
        .filter_map(|(doc, (text, words))| match_text(expr, text, words).map(|h| (doc, h)))
        .collect()
}

/// The index, built in one part or in several, finds what the matcher finds for `query`,
/// and leaves out the speeches it is told are not live. Returns how many speeches it found.
#[track_caller]
pub(crate) fn check_index_agrees(query: &str) -> usize {
    let corpus = &*CORPUS;
    let parsed = Query::parse(query).unwrap_or_else(|e| panic!("{query:?}: {e}"));
    let expr = parsed.expr.as_ref().expect("something to search for");
    let whole = index_found(&corpus.whole, expr, &|_| true);
    assert_eq!(
        index_found(&corpus.parted, expr, &|_| true),
        whole,
        "{query:?} ({expr}): several parts against one"
    );
    let odd: Vec<_> = whole.iter().filter(|(d, _)| d % 2 == 1).cloned().collect();
    assert_eq!(
        index_found(&corpus.parted, expr, &|d| d % 2 == 1),
        odd,
        "{query:?} ({expr}): odd speeches only"
    );
    let spans: Vec<(usize, Vec<CharSpan>)> = whole
        .iter()
        .map(|(doc, hits)| (*doc, spans_of(corpus, expr, *doc, hits)))
        .collect();
    assert_eq!(
        spans,
        matcher_found(corpus, expr),
        "{query:?} ({expr}): index against matcher"
    );
    spans.len()
}
