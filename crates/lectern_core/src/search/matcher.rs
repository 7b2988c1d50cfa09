//! Matching a query against one text directly, without an index: for regular expressions,
//! notes and memos, the open speech, and as the reference the index is tested against.

use super::fold;
use super::query::{Expr, Pattern};
use crate::CharSpan;

/// The folded words of one text and where each lies.
#[derive(Clone, Debug, Default)]
pub struct Words {
    /// Every word, folded, end to end.
    folded: String,
    /// End of word `i` in `folded`.
    ends: Vec<u32>,
    /// Code-point span of word `i` in the text.
    pub spans: Vec<(u32, u32)>,
}

impl Words {
    pub fn new(text: &str) -> Self {
        let mut words = Self {
            folded: String::with_capacity(text.len()),
            ends: Vec::with_capacity(text.len() / 6),
            spans: Vec::with_capacity(text.len() / 6),
        };
        let mut scratch = String::new();
        fold::for_each_word(text, &mut scratch, |w, s, e| {
            words.folded.push_str(w);
            words.ends.push(words.folded.len() as u32);
            words.spans.push((s, e));
        });
        words
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Folded word `i`.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.folded[start..self.ends[i] as usize]
    }

    /// The code-point span of `len` words from word `first`.
    pub fn span(&self, first: usize, len: usize) -> CharSpan {
        let start = self.spans[first].0 as usize;
        let end = self.spans[first + len - 1].1 as usize;
        CharSpan::new(start, end)
    }
}

/// Where `expr` matches `text`: `None` when the text as a whole does not satisfy it, else the
/// spans of its hits (the places its non-negated patterns were found), sorted and distinct.
pub fn match_text(expr: &Expr, text: &str, words: &Words) -> Option<Vec<CharSpan>> {
    let mut hits = Vec::new();
    if !eval(expr, text, words, &mut hits) {
        return None;
    }
    hits.sort_unstable();
    hits.dedup();
    Some(hits)
}

fn eval(expr: &Expr, text: &str, words: &Words, hits: &mut Vec<CharSpan>) -> bool {
    match expr {
        Expr::Match(pattern) => {
            let before = hits.len();
            find(pattern, text, words, hits);
            hits.len() > before
        }
        Expr::And(parts) => {
            let before = hits.len();
            for part in parts {
                if !eval(part, text, words, hits) {
                    hits.truncate(before);
                    return false;
                }
            }
            true
        }
        Expr::Or(parts) => {
            let mut any = false;
            for part in parts {
                any |= eval(part, text, words, hits);
            }
            any
        }
        Expr::Not(inner) => !eval(inner, text, words, &mut Vec::new()),
    }
}

/// Appends every place `pattern` is found.
fn find(pattern: &Pattern, text: &str, words: &Words, hits: &mut Vec<CharSpan>) {
    match pattern {
        Pattern::Phrase(phrase) => {
            let n = phrase.len();
            if n == 0 || words.len() < n {
                return;
            }
            // Where case matters, each word as the text writes it is compared too.
            let chars = phrase
                .iter()
                .any(|w| w.exact)
                .then(|| crate::text::CharIndex::new(text));
            let written = |i: usize| {
                let (start, end) = words.spans[i];
                chars.as_ref().map_or("", |c| {
                    c.slice(text, CharSpan::new(start as usize, end as usize))
                })
            };
            for first in 0..=words.len() - n {
                if phrase.iter().enumerate().all(|(k, w)| {
                    w.matches(words.get(first + k)) && w.matches_written(written(first + k))
                }) {
                    hits.push(words.span(first, n));
                }
            }
        }
        Pattern::Regex(regex) => {
            // Matches come in byte order: count code points as they go.
            let mut byte = 0;
            let mut chars = 0;
            for m in regex.find_iter(text) {
                if m.is_empty() {
                    continue;
                }
                chars += crate::text::char_count(&text[byte..m.start()]);
                let start = chars;
                chars += crate::text::char_count(m.as_str());
                byte = m.end();
                hits.push(CharSpan::new(start, chars));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Query;

    #[test]
    fn finds_words_phrases_and_expressions() {
        let text = "The Nation's security, and national SECURITY; internationally secure. Café!";
        let words = Words::new(text);
        let cases: &[(&str, Option<&[&str]>)] = &[
            ("\"national security\"", Some(&["national SECURITY"])),
            ("nation*", Some(&["Nation", "national"])),
            ("cafe", Some(&["Café"])),
            ("security NOT secure", None),
            ("security NOT missing", Some(&["security", "SECURITY"])),
            ("missing OR cafe", Some(&["Café"])),
            ("/nation'?s/", Some(&["Nation's"])),
            ("\"nation's security\"", Some(&["Nation's security"])),
            ("internation", None),
            ("case:sensitive SECURITY", Some(&["SECURITY"])),
            (
                "case:sensitive \"national SECURITY\"",
                Some(&["national SECURITY"]),
            ),
            ("case:sensitive \"national security\"", None),
            ("case:sensitive Nation*", Some(&["Nation"])),
            ("case:sensitive Café", Some(&["Café"])),
            ("case:sensitive cafe", None),
            ("case:sensitive /NATION/", None),
            ("case:sensitive /Nation/", Some(&["Nation"])),
            ("case:sensitive security NOT SECURITY", None),
            ("case:insensitive SECURITY", Some(&["security", "SECURITY"])),
        ];
        for (query, expected) in cases {
            let q = Query::parse(query).unwrap();
            let got = match_text(q.expr.as_ref().unwrap(), text, &words).map(|spans| {
                spans
                    .iter()
                    .map(|s| text.chars().skip(s.start).take(s.len()).collect::<String>())
                    .collect::<Vec<_>>()
            });
            let expected = expected.map(|e| e.iter().map(|s| (*s).to_owned()).collect());
            assert_eq!(got, expected, "{query}");
        }
    }
}
