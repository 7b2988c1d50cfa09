//! Matching and answering: the matcher on one text, with the passages it must find marked in
//! the text itself, the words it folds with their spans, and the positional index checked
//! against the matcher on chosen queries over the sample archive.

use lectern_core::CharSpan;
use lectern_core::search::Query;
use lectern_core::search::matcher::{Words, match_text};

use super::{CORPUS, check_index_agrees};

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
