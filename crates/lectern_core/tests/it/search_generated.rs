//! Generated queries: words, phrases and prefixes taken from the speeches, in random case
//! and accents, nested in AND, OR and NOT, checked against the matcher reading every speech.

use lectern_core::search::Query;
use proptest::prelude::*;

use crate::search::{CORPUS, Corpus, check_index_agrees, index_found, matcher_found};

/// One leaf of a generated query: a word, two or three words in a row as a phrase, or the
/// first letters of a word as a prefix, each taken from a speech; or a word found nowhere.
#[derive(Clone, Debug)]
enum Leaf {
    Word {
        doc: usize,
        at: usize,
    },
    Phrase {
        doc: usize,
        at: usize,
        len: usize,
    },
    Prefix {
        doc: usize,
        at: usize,
        letters: usize,
    },
    Missing,
}

/// A generated query: leaves with a style of case and accents, grouped by AND (with at
/// most one NOT beside the other parts, so the group still has something to find) and OR.
#[derive(Clone, Debug)]
enum Tree {
    Leaf(Leaf, u8),
    And(Vec<Tree>, Option<Box<Tree>>),
    Or(Vec<Tree>),
}

/// The word `i` of speech `doc` as written there, with its case and accents changed by
/// `style`.
fn styled_word(corpus: &Corpus, doc: usize, i: usize, style: u8) -> String {
    let words = &corpus.words[doc];
    let (s, e) = words.spans[i];
    let raw: String = corpus.chars[doc][s as usize..e as usize].iter().collect();
    let mut out: String = raw
        .chars()
        .enumerate()
        .map(|(k, c)| match style % 4 {
            0 => c.to_string(),
            1 => c.to_uppercase().collect(),
            2 if k % 2 == 0 => c.to_uppercase().collect(),
            _ => c.to_lowercase().collect(),
        })
        .collect();
    // An accent or two on ASCII vowels: folded away again.
    if style >= 4 {
        let accented = |c: char| match c {
            'a' => 'á',
            'e' => 'é',
            'i' => 'î',
            'o' => 'ö',
            'u' => 'ù',
            'A' => 'À',
            'E' => 'Ë',
            c => c,
        };
        let mut left = style / 4;
        out = out
            .chars()
            .map(|c| {
                let a = accented(c);
                if a != c && left > 0 {
                    left -= 1;
                    a
                } else {
                    c
                }
            })
            .collect();
    }
    // Upper-cased, a word may turn into an operator.
    if ["AND", "OR", "NOT"].contains(&out.as_str()) {
        out = out.to_lowercase();
    }
    out
}

fn render_leaf(corpus: &Corpus, leaf: &Leaf, style: u8) -> String {
    let n = |doc: usize| corpus.words[doc].len();
    match *leaf {
        Leaf::Word { doc, at } => styled_word(corpus, doc, at % n(doc), style),
        Leaf::Phrase { doc, at, len } => {
            let first = at % (n(doc) - len + 1);
            let words: Vec<String> = (first..first + len)
                .map(|i| styled_word(corpus, doc, i, style))
                .collect();
            format!("\"{}\"", words.join(" "))
        }
        Leaf::Prefix { doc, at, letters } => {
            let word = styled_word(corpus, doc, at % n(doc), style);
            let stem: String = word.chars().take(letters).collect();
            format!("{stem}*")
        }
        Leaf::Missing => "qqxyzzy".to_owned(),
    }
}

fn render_tree(corpus: &Corpus, tree: &Tree) -> String {
    match tree {
        Tree::Leaf(leaf, style) => render_leaf(corpus, leaf, *style),
        Tree::And(parts, not) => {
            let mut items: Vec<String> = parts.iter().map(|t| render_tree(corpus, t)).collect();
            if let Some(not) = not {
                items.push(format!("NOT ({})", render_tree(corpus, not)));
            }
            format!("({})", items.join(" "))
        }
        Tree::Or(parts) => {
            let items: Vec<String> = parts.iter().map(|t| render_tree(corpus, t)).collect();
            format!("({})", items.join(" OR "))
        }
    }
}

fn leaf() -> impl Strategy<Value = Leaf> {
    // `at` picks a word of the speech, modulo its number of words.
    let doc = 0..CORPUS.texts.len();
    prop_oneof![
        4 => (doc.clone(), any::<usize>()).prop_map(|(doc, at)| Leaf::Word { doc, at }),
        3 => (doc.clone(), any::<usize>(), 2..=3_usize)
            .prop_map(|(doc, at, len)| Leaf::Phrase { doc, at, len }),
        3 => (doc, any::<usize>(), 2..=5_usize)
            .prop_map(|(doc, at, letters)| Leaf::Prefix { doc, at, letters }),
        1 => Just(Leaf::Missing),
    ]
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = (leaf(), 0..12_u8).prop_map(|(l, style)| Tree::Leaf(l, style));
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (
                proptest::collection::vec(inner.clone(), 1..3),
                proptest::option::of(inner.clone().prop_map(Box::new))
            )
                .prop_map(|(parts, not)| Tree::And(parts, not)),
            proptest::collection::vec(inner, 2..4).prop_map(Tree::Or),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// For any query of words, phrases and prefixes found in the speeches, the index finds
    /// exactly the speeches and passages that reading each speech finds.
    #[test]
    fn index_hits_are_the_matchers(tree in tree()) {
        check_index_agrees(&render_tree(&CORPUS, &tree));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Where case matters, the index's answer for the query's words folded
    /// ([`Query::index_superset`]) holds every speech that reading finds, so only those need
    /// reading.
    #[test]
    fn the_index_finds_every_speech_a_case_sensitive_query_matches(tree in tree()) {
        let query = format!("case:sensitive {}", render_tree(&CORPUS, &as_written(&tree)));
        let parsed = Query::parse(&query).unwrap_or_else(|e| panic!("{query:?}: {e}"));
        let expr = parsed.expr.as_ref().expect("something to search for");
        let read = matcher_found(&CORPUS, expr);
        if let Some(wide) = parsed.index_superset() {
            let found: Vec<usize> = index_found(&CORPUS.whole, &wide, &|_| true)
                .into_iter()
                .map(|(doc, _)| doc)
                .collect();
            for (doc, _) in &read {
                prop_assert!(
                    found.contains(doc),
                    "{query:?}: speech {doc} matches, but the index's {wide} does not find it"
                );
            }
        }
    }
}

/// `tree` with each word either as the speech writes it or lower-cased: so a query heeding
/// case finds speeches, and a NOT can name a word a speech has only capitalised.
fn as_written(tree: &Tree) -> Tree {
    match tree {
        Tree::Leaf(leaf, style) => Tree::Leaf(leaf.clone(), if style % 2 == 0 { 0 } else { 3 }),
        Tree::And(parts, not) => Tree::And(
            parts.iter().map(as_written).collect(),
            not.as_ref().map(|n| Box::new(as_written(n))),
        ),
        Tree::Or(parts) => Tree::Or(parts.iter().map(as_written).collect()),
    }
}
