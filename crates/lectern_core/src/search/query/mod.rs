//! The query language, the same in the app and on the command line.
//!
//! ```text
//! national security          both words, anywhere in the speech (AND is implied)
//! "national security"        the phrase, word for word (punctuation between words is ignored)
//! terror*                    words starting with "terror"
//! iran OR iraq               either; AND, OR and NOT are upper case, NOT binds tightest,
//! terror NOT iran            then AND, then OR; parentheses group; `-iran` is NOT iran
//! /weapons? of mass/         a regular expression over the text (case-insensitive)
//! speaker:lincoln            filters: speaker:, from:, to:, tag:, section:, status:, in:,
//! case:sensitive             and case:
//! ```
//!
//! Matching is case- and diacritic-insensitive ([`super::fold`]) unless `case:sensitive`
//! (or [`Query::match_case`]) asks for each word letter for letter as typed: `US` then
//! finds "US" and not "us", and a regular expression heeds case. A speech matches when the
//! whole expression holds for it; its hits are the places where the words, phrases and
//! expressions that are not negated were found. Filters apply to the whole query, so they may
//! not stand under OR or NOT. `status:` is `annotated`, `unannotated` or `review`; `in:` is
//! `text` (the default), `notes` (notes and memos only) or `all`.

use std::fmt;

use regex::Regex;

use crate::PartialDate;
use crate::annotation::TagName;

mod parse;

/// A parsed query: an optional expression over the text, and filters.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// `None` when the query holds only filters.
    pub expr: Option<Expr>,
    pub filters: Filters,
}

#[derive(Clone, Debug)]
pub enum Expr {
    Match(Pattern),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

/// What one leaf of the expression looks for.
#[derive(Clone, Debug)]
pub enum Pattern {
    /// Words in a row; a single word is a phrase of one.
    Phrase(Vec<Word>),
    Regex(Regex),
}

/// One folded word of a phrase, or a prefix (`terror*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub prefix: bool,
    /// The word as typed, before folding.
    pub typed: String,
    /// Whether the text's word must be `typed` letter for letter (`case:sensitive`).
    pub exact: bool,
}

impl Word {
    /// Whether the folded word `term` is this word.
    pub fn matches(&self, term: &str) -> bool {
        if self.prefix {
            term.starts_with(&self.text)
        } else {
            term == self.text
        }
    }

    /// Whether `written`, a word as the text has it, is this word as typed, when case
    /// matters; always true when it does not.
    pub fn matches_written(&self, written: &str) -> bool {
        if !self.exact {
            true
        } else if self.prefix {
            written.starts_with(&self.typed)
        } else {
            written == self.typed
        }
    }
}

/// Where a hit must be, beside its words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// Folded words each speech's speaker must contain (all of them), from `speaker:`.
    pub speakers: Vec<String>,
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
    /// A hit must lie in a passage with one of these tags (or a sub-tag), or in a speech
    /// tagged with one.
    pub tags: Vec<TagName>,
    /// Folded words the title of a hit's section must contain.
    pub sections: Vec<String>,
    pub status: Option<StatusFilter>,
    pub scope: Scope,
    /// Words must match letter for letter as typed (`case:sensitive`).
    pub match_case: bool,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Which hits to keep by the annotations around them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    /// Inside an annotated passage.
    Annotated,
    /// Outside every annotated passage: what is left to code.
    Unannotated,
    /// Inside a passage whose annotation needs review: found only by a close match (an
    /// orphaned annotation has no place in the text for a hit to be in).
    Review,
}

/// What the words are looked for in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    Text,
    /// Annotation notes and speech memos only.
    Notes,
    Both,
}

impl Scope {
    pub fn text(self) -> bool {
        self != Self::Notes
    }

    pub fn notes(self) -> bool {
        self != Self::Text
    }
}

/// A query that cannot be read, with where and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {at})")]
pub struct ParseError {
    /// Code-point offset into the query.
    pub at: usize,
    pub message: String,
}

impl Query {
    /// Reads `input`. Words that fold to nothing (punctuation) are dropped.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let (expr, filters) = parse::expression(input)?;
        let expr = expr.and_then(simplify);
        if let Some(e) = &expr
            && !has_positive(e)
        {
            return Err(ParseError {
                at: 0,
                message: "NOT needs something to search for beside it".to_owned(),
            });
        }
        let query = Self { expr, filters };
        Ok(if query.filters.match_case {
            query.match_case()
        } else {
            query
        })
    }

    /// The query with case heeded: every word letter for letter as typed, and regular
    /// expressions case-sensitive.
    #[must_use]
    pub fn match_case(mut self) -> Self {
        fn heed(e: &mut Expr) {
            match e {
                Expr::Match(Pattern::Phrase(words)) => {
                    for w in words {
                        w.exact = true;
                    }
                }
                Expr::Match(Pattern::Regex(r)) => {
                    if let Ok(sensitive) = regex::RegexBuilder::new(r.as_str())
                        .size_limit(1 << 22)
                        .build()
                    {
                        *r = sensitive;
                    }
                }
                Expr::And(v) | Expr::Or(v) => v.iter_mut().for_each(heed),
                Expr::Not(e) => heed(e),
            }
        }
        self.filters.match_case = true;
        if let Some(e) = &mut self.expr {
            heed(e);
        }
        self
    }

    /// Whether answering needs the text itself (a regular expression, or words whose case
    /// matters), not only the index, which holds words folded.
    pub fn needs_text_scan(&self) -> bool {
        self.expr.as_ref().is_some_and(|e| any_leaf(e, needs_text))
    }

    /// An expression the index can answer that finds every speech this query can match,
    /// for a query the index cannot answer itself (words whose case matters): only the
    /// speeches it finds then need reading. A word as typed is found only where its folded
    /// form is, so the index's answer is wider; a NOT of such words is left out ("Congress
    /// NOT congress" read folded would drop every speech). `None` when nothing narrows the
    /// search: a regular expression, or a query left with no words to look up.
    pub fn index_superset(&self) -> Option<Expr> {
        /// `None` stands for "every speech".
        fn widen(e: &Expr) -> Option<Expr> {
            match e {
                Expr::Match(Pattern::Regex(_)) => None,
                Expr::Not(inner) if any_leaf(inner, needs_text) => None,
                Expr::Match(Pattern::Phrase(_)) | Expr::Not(_) => Some(e.clone()),
                Expr::And(v) => {
                    let mut kept: Vec<Expr> = v.iter().filter_map(widen).collect();
                    // A NOT alone narrows nothing the index can read.
                    if kept.iter().all(|k| matches!(k, Expr::Not(_))) {
                        return None;
                    }
                    if kept.len() == 1 {
                        kept.pop()
                    } else {
                        Some(Expr::And(kept))
                    }
                }
                Expr::Or(v) => v
                    .iter()
                    .map(widen)
                    .collect::<Option<Vec<_>>>()
                    .map(Expr::Or),
            }
        }
        let expr = self.expr.as_ref()?;
        match widen(expr)? {
            Expr::Not(_) => None,
            wide => Some(wide),
        }
    }

    /// Whether the query names passages: words to find, or — with no words — a tag or an
    /// annotation status, which name the annotated passages themselves (`tag:threat
    /// from:2000`).
    pub fn has_target(&self) -> bool {
        self.expr.is_some()
            || !self.filters.tags.is_empty()
            || matches!(
                self.filters.status,
                Some(StatusFilter::Annotated | StatusFilter::Review)
            )
    }

    /// Whether there is nothing to look for and nothing to filter by.
    pub fn is_empty(&self) -> bool {
        self.expr.is_none() && self.filters.is_empty()
    }
}

/// Whether a leaf of `e` passes `test`.
fn any_leaf(e: &Expr, test: fn(&Pattern) -> bool) -> bool {
    match e {
        Expr::Match(p) => test(p),
        Expr::And(v) | Expr::Or(v) => v.iter().any(|e| any_leaf(e, test)),
        Expr::Not(e) => any_leaf(e, test),
    }
}

/// A leaf the index cannot answer: a regular expression, or words whose case matters.
fn needs_text(p: &Pattern) -> bool {
    match p {
        Pattern::Regex(_) => true,
        Pattern::Phrase(words) => words.iter().any(|w| w.exact),
    }
}

fn has_positive(e: &Expr) -> bool {
    match e {
        Expr::Match(_) => true,
        Expr::And(v) => v.iter().any(has_positive),
        Expr::Or(v) => v.iter().all(has_positive),
        Expr::Not(_) => false,
    }
}

/// Flattens nested ANDs and ORs and drops one-element groups.
fn simplify(e: Expr) -> Option<Expr> {
    match e {
        Expr::And(v) => flatten(v, Expr::And, |e| match e {
            Expr::And(inner) => Ok(inner),
            e => Err(e),
        }),
        Expr::Or(v) => flatten(v, Expr::Or, |e| match e {
            Expr::Or(inner) => Ok(inner),
            e => Err(e),
        }),
        Expr::Not(e) => simplify(*e).map(|e| Expr::Not(Box::new(e))),
        e @ Expr::Match(_) => Some(e),
    }
}

/// The simplified `parts` of a group made by `make`, a nested group of the same kind
/// (`same` gives its parts) spliced in.
fn flatten(
    parts: Vec<Expr>,
    make: fn(Vec<Expr>) -> Expr,
    same: fn(Expr) -> Result<Vec<Expr>, Expr>,
) -> Option<Expr> {
    let mut out = Vec::new();
    for e in parts.into_iter().filter_map(simplify) {
        match same(e) {
            Ok(inner) => out.extend(inner),
            Err(e) => out.push(e),
        }
    }
    match out.len() {
        0 => None,
        1 => out.pop(),
        _ => Some(make(out)),
    }
}

/// A compact form for tests and messages: `AND("national security", terror*, NOT(iran))`.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, name: &str, v: &[Expr]| {
            write!(f, "{name}(")?;
            for (i, e) in v.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{e}")?;
            }
            f.write_str(")")
        };
        match self {
            Self::Match(Pattern::Phrase(words)) => {
                let text: Vec<String> = words
                    .iter()
                    .map(|w| format!("{}{}", w.text, if w.prefix { "*" } else { "" }))
                    .collect();
                if text.len() == 1 {
                    f.write_str(&text[0])
                } else {
                    write!(f, "\"{}\"", text.join(" "))
                }
            }
            Self::Match(Pattern::Regex(r)) => write!(f, "/{}/", r.as_str()),
            Self::And(v) => list(f, "AND", v),
            Self::Or(v) => list(f, "OR", v),
            Self::Not(e) => write!(f, "NOT({e})"),
        }
    }
}
