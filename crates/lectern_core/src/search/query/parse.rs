//! Reading the query's text: tokens (words, phrases, expressions, filters, operators) with
//! their positions, then a recursive descent with NOT over AND over OR.

use super::{Expr, Filters, ParseError, Pattern, Scope, StatusFilter, Word, simplify};
use crate::PartialDate;
use crate::annotation::TagName;
use crate::search::fold;

/// The expression and the filters of `input`, before simplifying.
pub(super) fn expression(input: &str) -> Result<(Option<Expr>, Filters), ParseError> {
    let tokens = lex(input)?;
    let mut parser = Parser {
        tokens,
        next: 0,
        filters: Filters::default(),
        depth: 0,
    };
    let expr = parser.or()?;
    if let Some((at, token)) = parser.tokens.get(parser.next) {
        return Err(ParseError {
            at: *at,
            message: format!("unexpected {}", token.describe()),
        });
    }
    Ok((expr, parser.filters))
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Phrase(String),
    Regex(String),
    Field(String, String),
    And,
    Or,
    Not,
    Minus,
    Open,
    Close,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Self::Word(w) => format!("word {w:?}"),
            Self::Phrase(p) => format!("phrase \"{p}\""),
            Self::Regex(r) => format!("expression /{r}/"),
            Self::Field(f, v) => format!("filter {f}:{v}"),
            Self::And => "AND".to_owned(),
            Self::Or => "OR".to_owned(),
            Self::Not => "NOT".to_owned(),
            Self::Minus => "-".to_owned(),
            Self::Open => "(".to_owned(),
            Self::Close => "closing parenthesis".to_owned(),
        }
    }
}

const FIELDS: &[&str] = &[
    "speaker", "from", "to", "tag", "section", "status", "in", "case",
];

/// Splits the query into tokens, each with its code-point offset.
fn lex(input: &str) -> Result<Vec<(usize, Token)>, ParseError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                out.push((at, Token::Open));
                i += 1;
            }
            ')' => {
                out.push((at, Token::Close));
                i += 1;
            }
            '"' | '“' | '”' => {
                let (text, next) = quoted(&chars, i)?;
                out.push((at, Token::Phrase(text)));
                i = next;
            }
            '/' => {
                let mut text = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => {
                            return Err(ParseError {
                                at,
                                message: "the regular expression has no closing /".to_owned(),
                            });
                        }
                        Some('/') => break,
                        Some('\\') if chars.get(j + 1) == Some(&'/') => {
                            text.push('/');
                            j += 2;
                        }
                        Some(&c) => {
                            text.push(c);
                            j += 1;
                        }
                    }
                }
                out.push((at, Token::Regex(text)));
                i = j + 1;
            }
            '-' if chars.get(i + 1).is_some_and(|n| !n.is_whitespace())
                && out.last().is_none_or(|(_, t)| {
                    !matches!(t, Token::Word(_) | Token::Phrase(_) | Token::Close)
                        || chars
                            .get(i.wrapping_sub(1))
                            .is_some_and(|p| p.is_whitespace())
                }) =>
            {
                out.push((at, Token::Minus));
                i += 1;
            }
            _ => {
                let mut j = i;
                while j < chars.len() && !chars[j].is_whitespace() && !"()\"“”".contains(chars[j])
                {
                    j += 1;
                }
                let word: String = chars[i..j].iter().collect();
                if let Some((name, rest)) = word.split_once(':')
                    && FIELDS.contains(&name.to_lowercase().as_str())
                {
                    let name = name.to_lowercase();
                    let value = if rest.is_empty() && matches!(chars.get(j), Some('"' | '“' | '”'))
                    {
                        let (text, next) = quoted(&chars, j)?;
                        j = next;
                        text
                    } else {
                        rest.to_owned()
                    };
                    if value.trim().is_empty() {
                        return Err(ParseError {
                            at,
                            message: format!("{name}: needs a value"),
                        });
                    }
                    out.push((at, Token::Field(name, value)));
                } else {
                    out.push((
                        at,
                        match word.as_str() {
                            "AND" | "&&" => Token::And,
                            "OR" | "||" | "|" => Token::Or,
                            "NOT" => Token::Not,
                            _ => Token::Word(word),
                        },
                    ));
                }
                i = j;
            }
        }
    }
    Ok(out)
}

/// The text between the quote at `start` and its closing quote; returns it and the index
/// after the closing quote.
fn quoted(chars: &[char], start: usize) -> Result<(String, usize), ParseError> {
    let mut j = start + 1;
    let mut text = String::new();
    while let Some(&c) = chars.get(j) {
        if c == '"' || c == '”' || c == '“' {
            return Ok((text, j + 1));
        }
        text.push(c);
        j += 1;
    }
    Err(ParseError {
        at: start,
        message: "the phrase has no closing quote".to_owned(),
    })
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    next: usize,
    filters: Filters,
    /// How many ORs and NOTs enclose the current token: filters are refused there.
    depth: usize,
}

/// How deep parentheses and NOTs may nest before the query is refused.
const MAX_NESTING: usize = 64;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.tokens
            .get(self.next)
            .or(self.tokens.last())
            .map_or(0, |(at, _)| *at)
    }

    fn or(&mut self) -> Result<Option<Expr>, ParseError> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            let at = self.at();
            self.next += 1;
            parts.push(self.and()?);
            if parts.iter().any(Option::is_none) {
                return Err(ParseError {
                    at,
                    message: "OR needs something to search for on both sides".to_owned(),
                });
            }
        }
        if parts.len() == 1 {
            return Ok(parts.pop().flatten());
        }
        Ok(Some(Expr::Or(parts.into_iter().flatten().collect())))
    }

    fn and(&mut self) -> Result<Option<Expr>, ParseError> {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                None | Some(Token::Or | Token::Close) => break,
                Some(Token::And) => {
                    self.next += 1;
                }
                Some(_) => {
                    if let Some(e) = self.unary()? {
                        parts.push(e);
                    }
                }
            }
        }
        Ok(simplify(Expr::And(parts)))
    }

    fn unary(&mut self) -> Result<Option<Expr>, ParseError> {
        let at = self.at();
        match self.peek() {
            Some(Token::Not | Token::Minus) => {
                self.next += 1;
                self.nest(at)?;
                let inner = self.unary();
                self.depth -= 1;
                match inner? {
                    Some(e) => Ok(Some(Expr::Not(Box::new(e)))),
                    None => Err(ParseError {
                        at,
                        message: "NOT needs something after it".to_owned(),
                    }),
                }
            }
            _ => self.atom(),
        }
    }

    fn nest(&mut self, at: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(ParseError {
                at,
                message: "the query nests too deeply".to_owned(),
            });
        }
        Ok(())
    }

    fn atom(&mut self) -> Result<Option<Expr>, ParseError> {
        let Some((at, token)) = self.tokens.get(self.next).cloned() else {
            return Ok(None);
        };
        self.next += 1;
        match token {
            Token::Open => {
                self.nest(at)?;
                let inner = self.or();
                self.depth -= 1;
                let inner = inner?;
                if self.peek() != Some(&Token::Close) {
                    return Err(ParseError {
                        at,
                        message: "this parenthesis is never closed".to_owned(),
                    });
                }
                self.next += 1;
                Ok(inner)
            }
            Token::Word(w) => Ok(phrase(&w, true)),
            Token::Phrase(p) => Ok(phrase(&p, true)),
            Token::Regex(r) => {
                let regex = regex::RegexBuilder::new(&r)
                    .case_insensitive(true)
                    .size_limit(1 << 22)
                    .build()
                    .map_err(|e| ParseError {
                        at,
                        message: format!(
                            "not a regular expression: {}",
                            first_line(&e.to_string())
                        ),
                    })?;
                Ok(Some(Expr::Match(Pattern::Regex(regex))))
            }
            Token::Field(name, value) => {
                if self.depth > 0 || self.in_or() {
                    return Err(ParseError {
                        at,
                        message: format!(
                            "{name}: applies to the whole query; put it outside OR, NOT and parentheses"
                        ),
                    });
                }
                self.filter(at, &name, &value)?;
                Ok(None)
            }
            Token::Close | Token::And | Token::Or | Token::Not | Token::Minus => Err(ParseError {
                at,
                message: format!("unexpected {}", token.describe()),
            }),
        }
    }

    /// Whether an OR stands beside the token just read, at the same depth.
    fn in_or(&self) -> bool {
        let mut depth = 0usize;
        let ors_at_top = |tokens: &[(usize, Token)], depth: &mut usize| {
            tokens.iter().any(|(_, t)| {
                match t {
                    Token::Open => *depth += 1,
                    Token::Close => *depth = depth.saturating_sub(1),
                    _ => {}
                }
                *depth == 0 && *t == Token::Or
            })
        };
        ors_at_top(&self.tokens, &mut depth)
    }

    fn filter(&mut self, at: usize, name: &str, value: &str) -> Result<(), ParseError> {
        let bad = |message: String| ParseError { at, message };
        let f = &mut self.filters;
        match name {
            "speaker" => f.speakers.extend(fold::words(value)),
            "section" => f.sections.extend(fold::words(value)),
            "tag" => f.tags.push(TagName::new(value)),
            "from" | "to" => {
                let date: PartialDate = value.trim().parse().map_err(|_| {
                    bad(format!(
                        "{name}: takes a date like 1945, 1945-05 or 1945-05-08, not {value:?}"
                    ))
                })?;
                if name == "from" {
                    f.from = Some(date);
                } else {
                    f.to = Some(date);
                }
            }
            "status" => {
                f.status = Some(match value.trim().to_lowercase().as_str() {
                    "annotated" | "coded" => StatusFilter::Annotated,
                    "unannotated" | "uncoded" => StatusFilter::Unannotated,
                    "review" | "fuzzy" => StatusFilter::Review,
                    _ => {
                        return Err(bad(format!(
                            "status: is annotated, unannotated or review, not {value:?}"
                        )));
                    }
                });
            }
            "in" => {
                f.scope = match value.trim().to_lowercase().as_str() {
                    "text" => Scope::Text,
                    "notes" | "memos" => Scope::Notes,
                    "all" | "both" => Scope::Both,
                    _ => return Err(bad(format!("in: is text, notes or all, not {value:?}"))),
                };
            }
            "case" => {
                f.match_case = match value.trim().to_lowercase().as_str() {
                    "sensitive" | "yes" | "on" => true,
                    "insensitive" | "no" | "off" => false,
                    _ => {
                        return Err(bad(format!(
                            "case: is sensitive or insensitive, not {value:?}"
                        )));
                    }
                };
            }
            _ => unreachable!("lex only makes fields of FIELDS"),
        }
        Ok(())
    }
}

fn first_line(s: &str) -> &str {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
}

/// The phrase of the words of `text`; a word ending in `*` is a prefix.
fn phrase(text: &str, allow_prefix: bool) -> Option<Expr> {
    let mut words = Vec::new();
    for raw in text.split_whitespace() {
        let (raw, prefix) = match raw.strip_suffix('*') {
            Some(stem) if allow_prefix => (stem, true),
            _ => (raw, false),
        };
        let mut found: Vec<(String, String)> = Vec::new();
        let mut scratch = String::new();
        fold::for_each_word(raw, &mut scratch, |w, start, end| {
            let typed = raw
                .chars()
                .skip(start as usize)
                .take((end - start) as usize)
                .collect();
            found.push((w.to_owned(), typed));
        });
        let n = found.len();
        for (i, (text, typed)) in found.into_iter().enumerate() {
            words.push(Word {
                text,
                prefix: prefix && i + 1 == n,
                typed,
                exact: false,
            });
        }
    }
    (!words.is_empty()).then(|| Expr::Match(Pattern::Phrase(words)))
}
