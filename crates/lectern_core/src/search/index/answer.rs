//! Answering an expression from a segment's posting lists, set by set, and ranking what is
//! found (BM25) with figures summed over every segment searched.

use super::read::{Segment, TermList};
use super::{Blob, IndexError};
use crate::search::query::{Expr, Pattern, Word};

/// The hits of one speech: `(first word, number of words)` pairs, sorted.
#[derive(Clone, Debug, PartialEq)]
pub struct DocMatch {
    pub doc: u32,
    pub hits: Vec<(u32, u32)>,
    pub score: f32,
}

/// Per speech, its hits tagged with the pattern that found them.
type Matches = Vec<(u32, Vec<Hit>)>;

/// What a segment found for an expression, not yet scored.
pub struct Found {
    matches: Matches,
    /// Per pattern of the expression, in order: how many speeches it was found in.
    patterns: Vec<u32>,
}

/// The figures BM25 weighs a match by, over every segment searched: how many speeches, their
/// mean length in words, and per pattern how many speeches it was found in.
pub struct Stats {
    docs: f32,
    mean_words: f32,
    patterns: Vec<u32>,
}

#[allow(clippy::cast_precision_loss)] // Ranking is approximate by nature.
impl Stats {
    /// The figures of `segments`, given what each found for the same expression.
    pub fn of<B>(segments: &[&Segment<B>], found: &[&Found]) -> Self {
        let docs: usize = segments.iter().map(|s| s.docs.len()).sum();
        let words: f64 = segments
            .iter()
            .flat_map(|s| &s.docs)
            .map(|d| f64::from(d.words))
            .sum();
        let mean_words = if docs == 0 {
            1.0
        } else {
            (words / docs as f64) as f32
        };
        let mut patterns: Vec<u32> = Vec::new();
        for f in found {
            if patterns.len() < f.patterns.len() {
                patterns.resize(f.patterns.len(), 0);
            }
            for (sum, &df) in patterns.iter_mut().zip(&f.patterns) {
                *sum += df;
            }
        }
        Self {
            docs: docs as f32,
            mean_words: mean_words.max(1.0),
            patterns,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    first: u32,
    len: u32,
    pattern: u32,
}

// Ranking is approximate by nature: counts beyond f32's 24 bits of precision do not matter.
#[allow(clippy::cast_precision_loss)]
impl<B: Blob> Segment<B> {
    /// The speeches matching `expr` among those `live` keeps, by speech, with their hits
    /// and a relevance score (BM25) weighed by this segment's own figures.
    pub fn search(
        &self,
        expr: &Expr,
        live: &dyn Fn(u32) -> bool,
    ) -> Result<Vec<DocMatch>, IndexError> {
        let found = self.evaluate(expr, live)?;
        let stats = Stats::of(&[self], &[&found]);
        Ok(self.score(found, &stats))
    }

    /// The speeches matching `expr` among those `live` keeps, with their hits, before they
    /// are scored: an index of several segments sums their [`Stats`] first, so a speech
    /// ranks the same whichever segment holds it.
    pub fn evaluate(&self, expr: &Expr, live: &dyn Fn(u32) -> bool) -> Result<Found, IndexError> {
        let mut patterns = Vec::new();
        let matches = self
            .eval(expr, live, &mut patterns)?
            .into_iter()
            .filter(|(doc, _)| live(*doc))
            .collect();
        Ok(Found { matches, patterns })
    }

    /// Scores what [`Segment::evaluate`] found (BM25) with `stats`.
    pub fn score(&self, found: Found, stats: &Stats) -> Vec<DocMatch> {
        let idf: Vec<f32> = stats
            .patterns
            .iter()
            .map(|&df| (1.0 + (stats.docs - df as f32 + 0.5) / (df as f32 + 0.5)).ln())
            .collect();
        found
            .matches
            .into_iter()
            .map(|(doc, hits)| {
                let words = self.docs[doc as usize].words as f32;
                let norm = 1.2 * (0.25 + 0.75 * words / stats.mean_words);
                let mut score = 0.0;
                let mut counts = vec![0u32; idf.len()];
                for h in &hits {
                    if let Some(c) = counts.get_mut(h.pattern as usize) {
                        *c += 1;
                    }
                }
                for (p, &tf) in counts.iter().enumerate() {
                    let tf = tf as f32;
                    score += idf[p] * tf * 2.2 / (tf + norm);
                }
                let mut spans: Vec<(u32, u32)> = hits.iter().map(|h| (h.first, h.len)).collect();
                spans.sort_unstable();
                spans.dedup();
                DocMatch {
                    doc,
                    hits: spans,
                    score,
                }
            })
            .collect()
    }

    /// `patterns` collects, per pattern met, how many speeches it was found in.
    fn eval(
        &self,
        expr: &Expr,
        live: &dyn Fn(u32) -> bool,
        patterns: &mut Vec<u32>,
    ) -> Result<Matches, IndexError> {
        match expr {
            Expr::Match(Pattern::Phrase(words)) => {
                let id = patterns.len() as u32;
                let found = self.phrase(words, id)?;
                patterns.push(found.len() as u32);
                Ok(found)
            }
            Expr::Match(Pattern::Regex(_)) => Err(IndexError::NeedsText),
            Expr::And(parts) => {
                let mut result: Option<Matches> = None;
                let mut excluded: Vec<Matches> = Vec::new();
                for part in parts {
                    if let Expr::Not(inner) = part {
                        excluded.push(self.eval(inner, live, &mut Vec::new())?);
                        continue;
                    }
                    let found = self.eval(part, live, patterns)?;
                    result = Some(match result {
                        None => found,
                        Some(acc) => intersect(acc, found),
                    });
                }
                let mut result = match result {
                    Some(r) => r,
                    None => self.universe(live),
                };
                for ex in excluded {
                    result = subtract(result, &ex);
                }
                Ok(result)
            }
            Expr::Or(parts) => {
                let mut result = Vec::new();
                for part in parts {
                    let found = self.eval(part, live, patterns)?;
                    result = union(result, found);
                }
                Ok(result)
            }
            Expr::Not(inner) => {
                let ex = self.eval(inner, live, &mut Vec::new())?;
                Ok(subtract(self.universe(live), &ex))
            }
        }
    }

    fn universe(&self, live: &dyn Fn(u32) -> bool) -> Matches {
        (0..self.docs.len() as u32)
            .filter(|&d| live(d))
            .map(|d| (d, Vec::new()))
            .collect()
    }

    /// Where the words occur in a row.
    fn phrase(&self, words: &[Word], pattern: u32) -> Result<Matches, IndexError> {
        let mut lists: Vec<Vec<TermList>> = Vec::with_capacity(words.len());
        for w in words {
            let range = self.lookup(w);
            if range.is_empty() {
                return Ok(Vec::new());
            }
            lists.push(range.map(|i| self.postings(i)).collect::<Result<_, _>>()?);
        }
        // Speeches holding every word, then the positions where they follow one another.
        let mut candidates: Option<Vec<u32>> = None;
        for word_lists in &lists {
            let mut docs: Vec<u32> = word_lists
                .iter()
                .flat_map(|l| l.docs.iter().copied())
                .collect();
            if word_lists.len() > 1 {
                docs.sort_unstable();
                docs.dedup();
            }
            candidates = Some(match candidates {
                None => docs,
                Some(c) => intersect_sorted(&c, &docs),
            });
        }
        let n = words.len() as u32;
        let mut out = Vec::new();
        // Per word and list: how far its speeches have been passed (candidates come in order),
        // and the entry of the speech at hand, if the list has it.
        let mut cursors: Vec<Vec<usize>> = lists.iter().map(|l| vec![0; l.len()]).collect();
        let mut here: Vec<Vec<Option<usize>>> = lists.iter().map(|l| vec![None; l.len()]).collect();
        let mut order: Vec<(u32, usize)> = Vec::with_capacity(lists.len());
        let mut starts: Vec<u32> = Vec::new();
        let mut positions: Vec<u32> = Vec::new();
        for doc in candidates.unwrap_or_default() {
            order.clear();
            for (k, word_lists) in lists.iter().enumerate() {
                let mut count = 0;
                for (j, list) in word_lists.iter().enumerate() {
                    let entry = list.seek(doc, &mut cursors[k][j]);
                    count += entry.map_or(0, |e| list.slices[e].2);
                    here[k][j] = entry;
                }
                order.push((count, k));
            }
            // The word with the fewest places here leads; the others are read only while
            // some of its places remain, and only as far as the last of them.
            order.sort_unstable();
            starts.clear();
            for (step, &(_, k)) in order.iter().enumerate() {
                let offset = k as u32;
                let limit = if step == 0 {
                    u32::MAX
                } else {
                    match starts.last() {
                        Some(&last) => last.saturating_add(offset),
                        None => break,
                    }
                };
                positions.clear();
                for (list, entry) in lists[k].iter().zip(&here[k]) {
                    if let Some(entry) = *entry {
                        list.positions(entry, limit, &mut positions)?;
                    }
                }
                if lists[k].len() > 1 {
                    positions.sort_unstable();
                }
                if step == 0 {
                    starts.extend(positions.iter().filter_map(|&p| p.checked_sub(offset)));
                } else {
                    starts.retain(|&first| positions.binary_search(&(first + offset)).is_ok());
                }
            }
            if !starts.is_empty() {
                let hits = starts
                    .iter()
                    .map(|&first| Hit {
                        first,
                        len: n,
                        pattern,
                    })
                    .collect();
                out.push((doc, hits));
            }
        }
        Ok(out)
    }
}

fn intersect_sorted(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

fn intersect(a: Matches, b: Matches) -> Matches {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let mut b = b.into_iter().peekable();
    for (doc, mut hits) in a {
        while b.next_if(|(d, _)| *d < doc).is_some() {}
        if let Some((_, more)) = b.next_if(|(d, _)| *d == doc) {
            hits.extend(more);
            out.push((doc, hits));
        }
    }
    out
}

fn union(a: Matches, b: Matches) -> Matches {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                let (doc, mut hits) = a.next().unwrap_or_default();
                hits.extend(b.next().unwrap_or_default().1);
                out.push((doc, hits));
            }
            (Some(x), Some(y)) if x.0 < y.0 => out.extend(a.next()),
            (Some(_) | None, Some(_)) => out.extend(b.next()),
            (Some(_), None) => out.extend(a.next()),
            (None, None) => break,
        }
    }
    out
}

fn subtract(a: Matches, b: &Matches) -> Matches {
    let mut j = 0;
    a.into_iter()
        .filter(|(doc, _)| {
            while j < b.len() && b[j].0 < *doc {
                j += 1;
            }
            !(j < b.len() && b[j].0 == *doc)
        })
        .collect()
}
