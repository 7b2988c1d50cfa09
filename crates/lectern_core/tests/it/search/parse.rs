//! The query language read from tables: each query and the parsed form it must give, the
//! queries it must refuse and where their errors point, and what a parsed query tells the
//! search about itself (the wider expression the index looks up, whether the text must be
//! scanned).

use std::fmt::Write as _;

use lectern_core::search::Query;

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
