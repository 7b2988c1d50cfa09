//! Search: the query language read from tables, matching one text with hits marked in the
//! text itself, and the positional index checked against the matcher on the sample archive.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::LazyLock;

use lectern_core::CharSpan;
use lectern_core::search::index::{Builder, DocInfo, Part, Segment};
use lectern_core::search::matcher::{Words, match_text};
use lectern_core::search::{Expr, Query, results};

use crate::support::{catalogue, import_sample, sample_files};

// ---------------------------------------------------------------------------------------
// Parsing

/// The parsed query in one line: the expression (`-` when there is none), then each filter
/// that is set, as `name=value`.
fn render(query: &Query) -> String {
    let mut out = query
        .expr
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string);
    let f = &query.filters;
    if !f.speakers.is_empty() {
        let _ = write!(out, " speaker={}", f.speakers.join(","));
    }
    if let Some(from) = f.from {
        let _ = write!(out, " from={from}");
    }
    if let Some(to) = f.to {
        let _ = write!(out, " to={to}");
    }
    if !f.tags.is_empty() {
        let tags: Vec<&str> = f.tags.iter().map(|t| t.0.as_str()).collect();
        let _ = write!(out, " tag={}", tags.join(","));
    }
    if !f.sections.is_empty() {
        let _ = write!(out, " section={}", f.sections.join(","));
    }
    if let Some(status) = f.status {
        let _ = write!(out, " status={status:?}");
    }
    if f.scope != lectern_core::search::Scope::Text {
        let _ = write!(out, " in={:?}", f.scope);
    }
    out
}

/// What parsing a query must give.
enum Parsed<'a> {
    /// The query read, as [`render`] shows it.
    Ok(&'a str),
    /// Refused, with a message containing this fragment.
    Err(&'a str),
}

#[track_caller]
fn check_parse(input: &str, expect: &Parsed<'_>) {
    let got = Query::parse(input);
    match (expect, got) {
        (Parsed::Ok(expected), Ok(query)) => {
            assert_eq!(render(&query), *expected, "query {input:?}");
        }
        (Parsed::Ok(expected), Err(e)) => {
            panic!("query {input:?} was refused ({e}), expected {expected:?}")
        }
        (Parsed::Err(fragment), Ok(query)) => panic!(
            "query {input:?} was read as {:?}, expected an error with {fragment:?}",
            render(&query)
        ),
        (Parsed::Err(fragment), Err(e)) => {
            let message = e.to_string();
            assert!(
                message.contains(fragment),
                "query {input:?}: error {message:?} lacks {fragment:?}"
            );
            assert!(
                e.at <= input.chars().count(),
                "query {input:?}: error at {} is past the end",
                e.at
            );
        }
    }
}

#[test]
fn query_language_reads_words_phrases_and_operators() {
    use Parsed::Ok;
    let cases: &[(&str, Parsed<'_>)] = &[
        // Words, implicit AND, folding.
        ("national", Ok("national")),
        ("national security", Ok("AND(national, security)")),
        ("  National   SECURITY  ", Ok("AND(national, security)")),
        ("Café CRÈME brûlée", Ok("AND(cafe, creme, brulee)")),
        ("cafe\u{301}", Ok("cafe")),
        ("Straße Øresund Łódź", Ok("AND(strasse, oresund, lodz)")),
        ("İstanbul", Ok("istanbul")),
        ("Ελλάδα", Ok("ελλαδα")),
        ("国家", Ok("\"国 家\"")),
        ("nation's", Ok("\"nation s\"")),
        ("U.S.", Ok("\"u s\"")),
        ("well-being", Ok("\"well being\"")),
        ("1,000", Ok("\"1 000\"")),
        // Lower-case operators are words.
        ("war and peace", Ok("AND(war, and, peace)")),
        ("war or not", Ok("AND(war, or, not)")),
        // Phrases, straight and curly.
        ("\"national security\"", Ok("\"national security\"")),
        ("“national security”", Ok("\"national security\"")),
        ("”national security“", Ok("\"national security\"")),
        ("\"National, security!\"", Ok("\"national security\"")),
        ("\"security\"", Ok("security")),
        ("\"a b\" \"c d\"", Ok("AND(\"a b\", \"c d\")")),
        ("x\"a b\"y", Ok("AND(x, \"a b\", y)")),
        // Prefixes, alone and ending a phrase.
        ("terror*", Ok("terror*")),
        ("Éta*", Ok("eta*")),
        ("\"national sec*\"", Ok("\"national sec*\"")),
        ("U.S*", Ok("\"u s*\"")),
        ("\"nat* sec*\"", Ok("\"nat* sec*\"")),
        ("\"speaker:x OR y\"", Ok("\"speaker x or y\"")),
        ("ter*ror", Ok("\"ter ror\"")),
        // Precedence: NOT, then AND, then OR.
        ("a OR b c", Ok("OR(a, AND(b, c))")),
        ("a b OR c", Ok("OR(AND(a, b), c)")),
        ("a OR b OR c", Ok("OR(a, b, c)")),
        ("a AND b OR c AND d", Ok("OR(AND(a, b), AND(c, d))")),
        ("NOT a b", Ok("AND(NOT(a), b)")),
        ("a NOT b c", Ok("AND(a, NOT(b), c)")),
        ("a AND NOT b OR c", Ok("OR(AND(a, NOT(b)), c)")),
        ("a && b || c | d", Ok("OR(AND(a, b), c, d)")),
        ("a NOT (b OR c)", Ok("AND(a, NOT(OR(b, c)))")),
        ("a AND OR b", Ok("OR(a, b)")),
        // Parentheses group, and nested groups flatten.
        ("(a OR b) c", Ok("AND(OR(a, b), c)")),
        ("a (b OR (c OR d))", Ok("AND(a, OR(b, c, d))")),
        ("((a))", Ok("a")),
        ("(a b) (c d)", Ok("AND(a, b, c, d)")),
        ("a ()", Ok("a")),
        ("(a OR b)(c)", Ok("AND(OR(a, b), c)")),
        // `-word` is NOT word; a dash inside a word or after one is not.
        ("a -b", Ok("AND(a, NOT(b))")),
        ("-b a", Ok("AND(NOT(b), a)")),
        ("a -\"b c\"", Ok("AND(a, NOT(\"b c\"))")),
        ("a -(b OR c)", Ok("AND(a, NOT(OR(b, c)))")),
        ("a --b", Ok("AND(a, NOT(NOT(b)))")),
        ("a-b", Ok("\"a b\"")),
        ("\"a\"-b", Ok("AND(a, b)")),
        ("a - b", Ok("AND(a, b)")),
        // Regular expressions, `\/` standing for a slash.
        ("/weapons? of mass/", Ok("/weapons? of mass/")),
        ("/and\\/or/", Ok("/and/or/")),
        ("/a\\.b/ c", Ok("AND(/a\\.b/, c)")),
        ("x /y/ OR z", Ok("OR(AND(x, /y/), z)")),
        ("-/secret/ war", Ok("AND(NOT(/secret/), war)")),
        ("and/or", Ok("\"and or\"")),
        // Punctuation folds to nothing and is dropped.
        ("— national …", Ok("national")),
        ("?!", Ok("-")),
        ("\"…\" a", Ok("a")),
        ("a (?)", Ok("a")),
        ("", Ok("-")),
        // A colon that does not name a filter is punctuation.
        ("re:election", Ok("\"re election\"")),
        ("http://example", Ok("\"http example\"")),
    ];
    for (input, expect) in cases {
        check_parse(input, expect);
    }
}

#[test]
fn query_language_reads_filters() {
    use Parsed::Ok;
    let cases: &[(&str, Parsed<'_>)] = &[
        ("speaker:Lincoln", Ok("- speaker=lincoln")),
        (
            "speaker:\"Abraham Lincoln\" union",
            Ok("union speaker=abraham,lincoln"),
        ),
        (
            "speaker:“Abraham Lincoln” union",
            Ok("union speaker=abraham,lincoln"),
        ),
        ("Speaker:LINCOLN", Ok("- speaker=lincoln")),
        (
            "speaker:abraham speaker:lincoln",
            Ok("- speaker=abraham,lincoln"),
        ),
        ("war from:1861 to:1865-03", Ok("war from=1861 to=1865-03")),
        ("from:1945-05-08", Ok("- from=1945-05-08")),
        ("tag:economy", Ok("- tag=economy")),
        ("tag:economy/taxes tag:war", Ok("- tag=economy/taxes,war")),
        ("tag:\"civil rights\"", Ok("- tag=civil rights")),
        ("section:\"State Threats\"", Ok("- section=state,threats")),
        ("section:Conclusión", Ok("- section=conclusion")),
        ("status:annotated", Ok("- status=Annotated")),
        ("status:coded", Ok("- status=Annotated")),
        ("status:UNANNOTATED", Ok("- status=Unannotated")),
        ("status:uncoded", Ok("- status=Unannotated")),
        ("status:review", Ok("- status=Review")),
        ("status:fuzzy", Ok("- status=Review")),
        ("in:text", Ok("-")),
        ("in:notes x", Ok("x in=Notes")),
        ("in:memos x", Ok("x in=Notes")),
        ("in:all x", Ok("x in=Both")),
        ("in:Both x", Ok("x in=Both")),
        // Filters stand anywhere at the top level, beside AND and groups.
        ("a speaker:x b", Ok("AND(a, b) speaker=x")),
        ("a AND speaker:x", Ok("a speaker=x")),
        ("speaker:x (a OR b)", Ok("OR(a, b) speaker=x")),
        ("(a OR b) speaker:x", Ok("OR(a, b) speaker=x")),
        ("a -b tag:t", Ok("AND(a, NOT(b)) tag=t")),
    ];
    for (input, expect) in cases {
        check_parse(input, expect);
    }
}

#[test]
fn query_language_refuses_what_it_cannot_read() {
    use Parsed::Err;
    let deep_parens = format!("{}a{}", "(".repeat(65), ")".repeat(65));
    let deep_nots = format!("a {}b", "-".repeat(65));
    let cases: Vec<(&str, Parsed<'_>)> = vec![
        ("\"national security", Err("no closing quote")),
        ("“national security", Err("no closing quote")),
        ("a \"b", Err("no closing quote")),
        ("speaker:\"Abraham", Err("no closing quote")),
        ("(a b", Err("never closed")),
        ("((a) b", Err("never closed")),
        ("a b)", Err("unexpected closing parenthesis")),
        (")", Err("unexpected closing parenthesis")),
        ("/(unclosed/", Err("not a regular expression")),
        ("/a{2,1}/", Err("not a regular expression")),
        ("/abc", Err("no closing /")),
        ("a / b", Err("no closing /")),
        ("NOT", Err("NOT needs something after it")),
        ("a NOT", Err("NOT needs something after it")),
        ("a -?", Err("NOT needs something after it")),
        ("NOT a", Err("NOT needs something to search for beside it")),
        ("-a", Err("NOT needs something to search for beside it")),
        ("-a -b", Err("NOT needs something to search for beside it")),
        (
            "NOT NOT a",
            Err("NOT needs something to search for beside it"),
        ),
        (
            "a OR NOT b",
            Err("NOT needs something to search for beside it"),
        ),
        ("a NOT OR b", Err("unexpected OR")),
        (
            "a OR",
            Err("OR needs something to search for on both sides"),
        ),
        (
            "OR a",
            Err("OR needs something to search for on both sides"),
        ),
        (
            "a OR ?",
            Err("OR needs something to search for on both sides"),
        ),
        ("a OR speaker:x", Err("applies to the whole query")),
        ("speaker:x OR a", Err("applies to the whole query")),
        ("a b OR c tag:t", Err("applies to the whole query")),
        ("(a speaker:x)", Err("applies to the whole query")),
        ("a -speaker:x", Err("applies to the whole query")),
        ("a NOT tag:t", Err("applies to the whole query")),
        ("speaker:", Err("speaker: needs a value")),
        ("tag:\"  \"", Err("tag: needs a value")),
        ("from:yesterday", Err("from: takes a date")),
        ("from:1945-13", Err("from: takes a date")),
        ("to:1945-02-30", Err("to: takes a date")),
        (
            "status:done",
            Err("status: is annotated, unannotated or review"),
        ),
        ("in:title", Err("in: is text, notes or all")),
        (&deep_parens, Err("nests too deeply")),
        (&deep_nots, Err("nests too deeply")),
    ];
    for (input, expect) in &cases {
        check_parse(input, expect);
    }
}

/// A quoted filter value may open with `”`, as a phrase may: Swedish and Finnish typography
/// open and close quotations with the same `”`, and `”national security”` is read as a
/// phrase.
#[test]
fn a_filter_value_in_closing_curly_quotes_is_read_like_a_phrase() {
    use Parsed::Ok;
    check_parse("”national security”", &Ok("\"national security\""));
    check_parse(
        "union speaker:”Abraham Lincoln”",
        &Ok("union speaker=abraham,lincoln"),
    );
    check_parse("tag:”civil rights”", &Ok("- tag=civil rights"));
}

#[test]
fn nesting_up_to_the_limit_is_read() {
    let parens = format!("{}a{}", "(".repeat(64), ")".repeat(64));
    check_parse(&parens, &Parsed::Ok("a"));
    let nots = format!("a {}b", "-".repeat(64));
    let query = Query::parse(&nots).expect("64 NOTs are allowed");
    assert_eq!(
        render(&query),
        format!("AND(a, {}b{})", "NOT(".repeat(64), ")".repeat(64))
    );
    // Far past the limit, the parser refuses rather than overflowing its stack.
    let very_deep = format!("{}a", "(".repeat(100_000));
    assert!(Query::parse(&very_deep).is_err());
}

#[test]
fn errors_point_at_the_offending_code_point() {
    let cases: &[(&str, usize)] = &[
        ("é \"unclosed", 2),
        ("é (a b", 2),
        ("ééé /abc", 4),
        ("a OR é speaker:x", 7),
        ("é from:someday", 2),
        ("é case:maybe", 2),
    ];
    for (input, at) in cases {
        let e = Query::parse(input).expect_err(input);
        assert_eq!(e.at, *at, "{input:?}: {e}");
    }
}

#[test]
fn the_index_narrows_a_search_where_case_matters_to_a_wider_set() {
    let show = |input: &str| {
        let q = Query::parse(input).expect(input);
        q.index_superset().map(|e| e.to_string())
    };
    // The index's expression shows its words folded, as the index looks them up.
    let cases: &[(&str, Option<&str>)] = &[
        ("case:sensitive US", Some("us")),
        (
            "case:sensitive \"Soviet Union\" terror*",
            Some("AND(\"soviet union\", terror*)"),
        ),
        ("case:sensitive (Iraq OR Iran)", Some("OR(iraq, iran)")),
        // A NOT of words whose case matters is left out.
        ("case:sensitive Congress NOT congress", Some("congress")),
        (
            "case:sensitive (Iraq OR (security NOT Congress))",
            Some("OR(iraq, security)"),
        ),
        // A regular expression is read everywhere; so is an OR with one.
        ("/weapons?/", None),
        ("case:sensitive (Iraq OR /Ira[nq]/)", None),
        ("case:sensitive Iraq /Ira[nq]/", Some("iraq")),
        ("speaker:x", None),
    ];
    for (input, expected) in cases {
        assert_eq!(show(input).as_deref(), *expected, "{input:?}");
    }
}

#[test]
fn needs_text_scan_for_regular_expressions_and_case() {
    let cases: &[(&str, bool)] = &[
        ("national security", false),
        ("\"national security\" terror*", false),
        ("/weapons?/", true),
        ("a OR /b/", true),
        ("a -/b/", true),
        ("speaker:x", false),
        ("case:sensitive US", true),
        ("case:insensitive US", false),
    ];
    for (input, expected) in cases {
        let q = Query::parse(input).expect(input);
        assert_eq!(q.needs_text_scan(), *expected, "{input:?}");
    }
    assert!(Query::parse("").expect("empty").is_empty());
    assert!(Query::parse("?!").expect("punctuation").is_empty());
    assert!(!Query::parse("speaker:x").expect("filter").is_empty());
}

// ---------------------------------------------------------------------------------------
// Matching one text

/// `marked` without its `«` and `»`, and the code-point span of every marked passage (marks
/// may nest), sorted.
fn unmark(marked: &str) -> (String, Vec<CharSpan>) {
    let mut text = String::new();
    let mut open = Vec::new();
    let mut spans = Vec::new();
    let mut at = 0;
    for c in marked.chars() {
        match c {
            '«' => open.push(at),
            '»' => spans.push(CharSpan::new(open.pop().expect("balanced marks"), at)),
            c => {
                text.push(c);
                at += 1;
            }
        }
    }
    assert!(open.is_empty(), "unbalanced marks in {marked:?}");
    spans.sort_unstable();
    (text, spans)
}

/// Matches `query` against the text of `marked`: the hits must be exactly the marked
/// passages, and a text without marks must not match at all.
#[track_caller]
fn check_match(marked: &str, query: &str) {
    let (text, expected) = unmark(marked);
    let q = Query::parse(query).unwrap_or_else(|e| panic!("{query:?}: {e}"));
    let expr = q.expr.as_ref().expect("something to search for");
    let got = match_text(expr, &text, &Words::new(&text));
    let expected = (!expected.is_empty()).then_some(expected);
    let show = |spans: &Option<Vec<CharSpan>>| {
        spans.as_ref().map(|spans| {
            spans
                .iter()
                .map(|s| text.chars().skip(s.start).take(s.len()).collect::<String>())
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(
        got,
        expected,
        "{query:?} in {text:?}: got {:?}, expected {:?}",
        show(&got),
        show(&expected)
    );
}

#[test]
fn matcher_finds_the_marked_passages() {
    let cases: &[(&str, &str)] = &[
        // Words and phrases, whatever the case, punctuation and line breaks between words.
        (
            "«National security» is «national SECURITY», not security alone",
            "\"national security\"",
        ),
        (
            "«Fellow-Citizens\nof the Senate» and fellow citizens",
            "\"fellow citizens of the senate\"",
        ),
        ("«well-being» and «well being»", "\"well being\""),
        (
            "The «Nation»'s «national» pride, internationally",
            "nation*",
        ),
        ("«terror» «terrorism» «Terrorists» err", "terror*"),
        (
            "«national security» and national secrets",
            "\"national secu*\"",
        ),
        ("«1,000» men and 1000 women", "\"1 000\""),
        ("«U.S». and «U. S». and US", "\"u s\""),
        // Folding: diacritics, composed or not, and letters without a combining mark.
        ("Le «café», le «CAFÉ», le «cafe\u{301}» et le cafés", "cafe"),
        ("«Straße» und «STRASSE» und Strase", "strasse"),
        ("«Łódź» and «lodz»", "LÓDŹ"),
        ("«İstanbul» and «istanbul»", "istanbul"),
        ("«Ελλάδα» και «ΕΛΛΆΔΑ»", "ελλαδα"),
        // Scripts without spaces: a phrase of characters.
        ("«国家»安全と«国家»", "国家"),
        ("国安家", "国家"),
        // AND holds all its hits; a failed branch of OR leaves none behind.
        ("«iran» and «iraq»", "iran iraq"),
        ("iran and syria", "iran iraq"),
        ("«iran» and syria", "iran OR iraq"),
        ("a «b» c", "(a x) OR b"),
        ("«a» «b» x", "(a b) OR (x y)"),
        ("««a» b»", "a OR \"a b\""),
        // NOT: the text must lack it, and it gives no hits.
        ("«iran» and syria", "iran -iraq"),
        ("iran and iraq", "iran -iraq"),
        ("«security» here, secure there", "security NOT missing"),
        ("security here, secure there", "security NOT secure"),
        ("«security» here", "security NOT (secure OR safe)"),
        ("security here, safe there", "security NOT (secure OR safe)"),
        ("«a» and b", "(a NOT x) OR (b NOT a)"),
        ("«a» and «b»", "(a NOT x) OR (b NOT x)"),
        // Regular expressions: case-insensitive, offsets in code points after wide characters.
        (
            "é日 «weapons of mass» destruction, «Weapon of mass» effect",
            "/weapons? of mass/",
        ),
        ("«and/or» but not and or", "/and\\/or/"),
        ("«Nation's» nation", "/nation'?s/"),
        ("«WMD» «wmd»", "/wmd/"),
        ("nothing", "/x*/"),
        ("«war» and «peace»", "/war/ peace"),
        // Nothing found.
        ("internationally", "nation"),
        ("", "anything"),
    ];
    for (marked, query) in cases {
        check_match(marked, query);
    }
}

#[test]
fn words_are_folded_with_their_spans() {
    let words = Words::new("Le café, DÉJÀ vu; 日本");
    let got: Vec<(&str, (u32, u32))> = (0..words.len())
        .map(|i| (words.get(i), words.spans[i]))
        .collect();
    assert_eq!(
        got,
        [
            ("le", (0, 2)),
            ("cafe", (3, 7)),
            ("deja", (9, 13)),
            ("vu", (14, 16)),
            ("日", (18, 19)),
            ("本", (19, 20)),
        ]
    );
    assert_eq!(words.span(1, 3), CharSpan::new(3, 16));
    assert!(Words::new("— … ¶").is_empty());
}

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

#[test]
fn index_agrees_with_the_matcher_on_chosen_queries() {
    // The speech written for these tests is the last: the queries for it must find it.
    let unicode = CORPUS.texts.len() - 1;
    for (query, finds_it) in [
        ("\"national security\"", true),
        ("nation*", true),
        ("security NOT terror*", false),
        ("(iran OR iraq) -nuclear", false),
        ("\"we the people\" OR liberty", false),
        ("cafe strasse", true),
        ("\"cafe du cafe\"", true),
        ("ete OR oeuvre", true),
        ("intergovernmentalisation OR intergovernmental*", true),
        ("supercalifragilistic*", true),
        ("\"1 000\"", true),
        ("国家", true),
        ("ελλαδα istanbul", true),
        ("the (NOT zzzz)", true),
        ("a*", true),
        ("zzzz* OR war", false),
        ("\"of the\" union -slavery", false),
        ("\"nat* sec*\"", true),
    ] {
        let found = check_index_agrees(query);
        assert!(found > 0, "{query:?} finds nothing");
        if finds_it {
            let parsed = Query::parse(query).expect("a query");
            let expr = parsed.expr.as_ref().expect("an expression");
            let text = &CORPUS.texts[unicode];
            assert!(
                match_text(expr, text, &CORPUS.words[unicode]).is_some(),
                "{query:?} does not find the written speech"
            );
        }
    }
    assert_eq!(check_index_agrees("\"the* *\" zzzz*"), 0);
}
