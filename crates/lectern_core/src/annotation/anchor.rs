//! Anchoring: making a target from a selection, and finding it again after the text changed.
//!
//! A source file gets re-scraped, a typo fixed, the importer improved: the canonical text
//! changes and stored spans may point at the wrong words. [`reanchor`] tries, in order,
//!
//! 1. the old position, if the exact quote is still there with its context (exact);
//! 2. the exact quote elsewhere — the only occurrence, or the one whose context matches
//!    best (relocated);
//! 3. a close match found through the surrounding context or the quote's own ends, scored
//!    by word overlap (fuzzy: the researcher should review it);
//! 4. nothing: the annotation is orphaned, kept with its quote, never dropped.
//!
//! The rule that matters most: a wrong place is never reported as exact, and an ambiguous
//! one is never guessed.

use memchr::memmem;

use crate::annotation::{AnchorStatus, Target, TextQuote};
use crate::document::Document;
use crate::text::CharSpan;

/// Code points of context kept on each side of a quote.
pub const CONTEXT_CHARS: usize = 32;

/// How much of the context must agree for a repeated quote to be told apart, in bytes.
const MIN_CONTEXT_AGREEMENT: usize = 4;

/// Word overlap (Dice coefficient, in thousandths) a fuzzy candidate needs.
const FUZZY_THRESHOLD: usize = 750;

/// Word overlap asked of a region held on both sides by the old context and about as long as
/// the quote (in thousandths): one corrected word in three still passes.
const HELD_THRESHOLD: usize = 500;

/// Length of the anchors cut from the ends of a context or a quote, in code points.
const ANCHOR_CHARS: usize = 16;

/// The target for `span` (code points) of `doc`, clamped to the text.
pub fn target(doc: &Document, span: CharSpan) -> Target {
    let end = span.end.min(doc.char_len());
    let start = span.start.min(end);
    let span = CharSpan::new(start, end);
    Target {
        span,
        quote: quote(doc, span),
        text_hash: doc.content_hash(),
    }
}

/// The quote selector for `span` (code points) of `doc`.
pub fn quote(doc: &Document, span: CharSpan) -> TextQuote {
    let before = CharSpan::new(span.start.saturating_sub(CONTEXT_CHARS), span.start);
    let after = CharSpan::new(span.end, (span.end + CONTEXT_CHARS).min(doc.char_len()));
    TextQuote {
        exact: doc.slice(span).to_owned(),
        prefix: doc.slice(before).to_owned(),
        suffix: doc.slice(after).to_owned(),
    }
}

/// Where a target is in `doc` now, and how sure that is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchored {
    pub span: CharSpan,
    pub status: AnchorStatus,
}

/// Finds `target` in `doc`.
pub fn reanchor(doc: &Document, target: &Target) -> Anchored {
    let text = doc.text.as_str();
    let exact = target.quote.exact.as_str();
    let old_start = doc.byte_offset(target.span.start.min(doc.char_len()));
    let old_end = doc.byte_offset(target.span.end.min(doc.char_len()));
    let at_old = text.get(old_start..old_end) == Some(exact);

    // The same text: the span is right by construction.
    if target.text_hash == doc.content_hash() && at_old {
        return found(doc, old_start, old_end, AnchorStatus::Exact);
    }
    if exact.is_empty() {
        return orphaned(doc, target);
    }
    // 1. Where it was, with its context.
    if at_old
        && context_agreement(text, old_start, old_end, &target.quote)
            >= context_needed(&target.quote)
    {
        return found(doc, old_start, old_end, AnchorStatus::Exact);
    }
    // 2. The same words elsewhere. A short quote found without its context may be other
    // words that happen to match: it is offered for review instead.
    if let Some((start, agreement)) = best_exact(text, &target.quote, old_start) {
        let status = if is_short(exact) && agreement < context_needed(&target.quote) {
            AnchorStatus::Fuzzy
        } else {
            AnchorStatus::Relocated
        };
        return found(doc, start, start + exact.len(), status);
    }
    // 3. A close match.
    if let Some((start, end)) = best_fuzzy(text, &target.quote, old_start) {
        return found(doc, start, end, AnchorStatus::Fuzzy);
    }
    orphaned(doc, target)
}

fn found(doc: &Document, start: usize, end: usize, status: AnchorStatus) -> Anchored {
    Anchored {
        span: CharSpan::new(doc.char_offset(start), doc.char_offset(end)),
        status,
    }
}

fn orphaned(doc: &Document, target: &Target) -> Anchored {
    let end = target.span.end.min(doc.char_len());
    Anchored {
        span: CharSpan::new(target.span.start.min(end), end),
        status: AnchorStatus::Orphaned,
    }
}

/// Context (in bytes) that must agree for a passage to count as found where it stands: a few
/// characters, or all there is when the quote had less around it.
fn context_needed(quote: &TextQuote) -> usize {
    MIN_CONTEXT_AGREEMENT.min(quote.prefix.len() + quote.suffix.len())
}

/// A quote of a few words, which could stand anywhere.
fn is_short(exact: &str) -> bool {
    exact.len() < 24 || exact.split_whitespace().nth(3).is_none()
}

/// Bytes of context that agree around `start..end`: the common tail of the text before and
/// the prefix, plus the common head of the text after and the suffix.
fn context_agreement(text: &str, start: usize, end: usize, quote: &TextQuote) -> usize {
    let before = text.get(..start).unwrap_or("").as_bytes();
    let after = text.get(end..).unwrap_or("").as_bytes();
    let tail = before
        .iter()
        .rev()
        .zip(quote.prefix.as_bytes().iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let head = after
        .iter()
        .zip(quote.suffix.as_bytes())
        .take_while(|(a, b)| a == b)
        .count();
    tail + head
}

/// The occurrence of the exact quote to relocate to — the only one, or the one whose context
/// agrees clearly best (nearest the old position among equals is never enough on its own) —
/// and how much of its context agrees.
fn best_exact(text: &str, quote: &TextQuote, old_start: usize) -> Option<(usize, usize)> {
    let finder = memmem::Finder::new(quote.exact.as_bytes());
    let mut best: Option<(usize, usize)> = None;
    let mut runner_up = 0;
    let mut count = 0;
    for start in finder.find_iter(text.as_bytes()) {
        if !text.is_char_boundary(start) {
            continue;
        }
        count += 1;
        let score = context_agreement(text, start, start + quote.exact.len(), quote);
        match best {
            Some((best_score, best_start))
                if score < best_score
                    || (score == best_score
                        && start.abs_diff(old_start) >= best_start.abs_diff(old_start)) =>
            {
                runner_up = runner_up.max(score);
            }
            _ => {
                if let Some((previous, _)) = best {
                    runner_up = runner_up.max(previous);
                }
                best = Some((score, start));
            }
        }
    }
    let (score, start) = best?;
    let unique = count == 1;
    let clearly_best = score >= MIN_CONTEXT_AGREEMENT && score > runner_up;
    (unique || clearly_best).then_some((start, score))
}

/// The best close match above the threshold, as a byte range.
fn best_fuzzy(text: &str, quote: &TextQuote, old_start: usize) -> Option<(usize, usize)> {
    let wanted = words(&quote.exact);
    if wanted.is_empty() {
        return None;
    }
    let mut best = Candidate {
        wanted,
        exact_len: quote.exact.len(),
        old_start,
        best: None,
    };
    for anchor_chars in [ANCHOR_CHARS, ANCHOR_CHARS / 2] {
        fuzzy_candidates(text, quote, anchor_chars, &mut |start, end, threshold| {
            best.consider(text, start, end, threshold);
        });
        if best.best.is_some() {
            break;
        }
    }
    best.best.map(|(_, start, end)| (start, end))
}

/// The best fuzzy region so far.
struct Candidate {
    wanted: Vec<String>,
    exact_len: usize,
    old_start: usize,
    /// Score (thousandths), start and end in bytes.
    best: Option<(usize, usize, usize)>,
}

impl Candidate {
    /// Keeps `start..end` if it scores at least `threshold` (in thousandths) and better than
    /// what was kept, or as well and nearer the old position.
    fn consider(&mut self, text: &str, start: usize, end: usize, threshold: usize) {
        let Some(region) = text.get(start..end) else {
            return;
        };
        // Within half to twice the quote's length.
        if 2 * region.len() < self.exact_len || region.len() > 2 * self.exact_len {
            return;
        }
        let score = dice(&self.wanted, &words(region));
        let old_start = self.old_start;
        let better = self.best.is_none_or(|(s, b, _)| {
            score > s || (score == s && start.abs_diff(old_start) < b.abs_diff(old_start))
        });
        if score >= threshold && better {
            self.best = Some((score, start, end));
        }
    }
}

/// Feeds `consider` the regions a quote may have become: between surviving context on both
/// sides (held), after or before one side's context, or between the quote's own ends.
fn fuzzy_candidates(
    text: &str,
    quote: &TextQuote,
    anchor_chars: usize,
    consider: &mut impl FnMut(usize, usize, usize),
) {
    let exact_len = quote.exact.len();
    let prefix_anchor = tail(&quote.prefix, anchor_chars);
    let suffix_anchor = head(&quote.suffix, anchor_chars);
    let prefix_ends: Vec<usize> = occurrences(text, prefix_anchor)
        .map(|p| p + prefix_anchor.len())
        .collect();
    let suffix_starts: Vec<usize> = occurrences(text, suffix_anchor).collect();
    for &start in &prefix_ends {
        if let Some(&end) = suffix_starts
            .iter()
            .find(|&&s| s >= start && s - start <= 2 * exact_len)
        {
            // Held on both sides by the old context, and about as long as the quote.
            let similar_length =
                4 * (end - start) >= 3 * exact_len && 3 * (end - start) <= 4 * exact_len;
            let threshold = if similar_length {
                HELD_THRESHOLD
            } else {
                FUZZY_THRESHOLD
            };
            consider(start, end, threshold);
        }
        // Only the context before survived: take the quote's length.
        consider(
            start,
            ceil_boundary(text, start + exact_len),
            FUZZY_THRESHOLD,
        );
    }
    for &end in &suffix_starts {
        consider(
            floor_boundary(text, end.saturating_sub(exact_len)),
            end,
            FUZZY_THRESHOLD,
        );
    }
    // Between the quote's own first and last words.
    let first = head(&quote.exact, anchor_chars);
    let last = tail(&quote.exact, anchor_chars);
    if first.len() < exact_len {
        let ends: Vec<usize> = occurrences(text, last).map(|p| p + last.len()).collect();
        for start in occurrences(text, first) {
            if let Some(&end) = ends
                .iter()
                .find(|&&e| e > start && e - start <= 2 * exact_len)
            {
                consider(start, end, FUZZY_THRESHOLD);
            }
        }
    }
}

/// Byte positions of `needle` in `text` on char boundaries; none for an empty needle.
fn occurrences<'t>(text: &'t str, needle: &'t str) -> impl Iterator<Item = usize> + 't {
    let finder = (!needle.is_empty()).then(|| memmem::Finder::new(needle.as_bytes()));
    finder
        .into_iter()
        .flat_map(move |f| f.find_iter(text.as_bytes()).collect::<Vec<_>>())
        .filter(move |&p| text.is_char_boundary(p))
}

/// The last `n` code points of `s`.
fn tail(s: &str, n: usize) -> &str {
    let start = s
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &s[start..]
}

/// The first `n` code points of `s`.
fn head(s: &str, n: usize) -> &str {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Lower-cased words, sorted (a multiset).
fn words(s: &str) -> Vec<String> {
    let mut words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort_unstable();
    words
}

/// Dice coefficient of two sorted word multisets, in thousandths.
fn dice(a: &[String], b: &[String]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2000 * common / (a.len() + b.len()).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportOptions, import};

    fn doc(text: &str) -> Document {
        import(
            text.as_bytes(),
            &ImportOptions {
                path: "t.txt",
                ..ImportOptions::default()
            },
        )
        .expect("imports")
    }

    /// The span of `«…»` in `marked`, and the document without the marks.
    fn marked(marked: &str) -> (Document, CharSpan) {
        let start = marked.chars().position(|c| c == '«').expect("«");
        let end = marked.chars().position(|c| c == '»').expect("»") - 1;
        (
            doc(&marked.replace(['«', '»'], "")),
            CharSpan::new(start, end),
        )
    }

    #[track_caller]
    fn check(before: &str, after: &str, expect: AnchorStatus) {
        let (old, span) = marked(before);
        let target = target(&old, span);
        let new = doc(&after.replace(['«', '»'], ""));
        let anchored = reanchor(&new, &target);
        assert_eq!(anchored.status, expect, "{before:?} → {after:?}");
        if expect != AnchorStatus::Orphaned {
            let (_, want) = marked(after);
            assert_eq!(
                anchored.span,
                want,
                "{after:?}: found {:?}",
                new.slice(anchored.span)
            );
        }
    }

    const P1: &str = "We meet in a time of trial, and the work before us is great and urgent.";
    const P2: &str = "The economy grew by four per cent, and wages rose faster than prices.";

    #[test]
    fn unchanged_text_is_exact() {
        let text = format!(
            "{P1}\n\nThe «economy grew» by four per cent, and wages rose faster than prices."
        );
        check(&text, &text, AnchorStatus::Exact);
    }

    #[test]
    fn a_paragraph_inserted_before_relocates() {
        check(
            &format!("{P1}\n\nThe «economy grew» by four per cent."),
            &format!(
                "A new opening paragraph of several words.\n\n{P1}\n\nThe «economy grew» by four per cent."
            ),
            AnchorStatus::Relocated,
        );
    }

    #[test]
    fn a_repeated_quote_is_told_apart_by_context() {
        check(
            "First: the «work» goes on.\n\nSecond: our work is done.",
            "Added.\n\nFirst: the «work» goes on.\n\nSecond: our work is done.",
            AnchorStatus::Relocated,
        );
    }

    #[test]
    fn an_ambiguous_quote_is_not_guessed() {
        check(
            "Yes «no» yes.",
            "Changed. No, no, no and no.",
            AnchorStatus::Orphaned,
        );
    }

    #[test]
    fn a_typo_fixed_inside_the_quote_is_fuzzy() {
        check(
            &format!(
                "{P1}\n\n«The econmy grew by four per cent, and wages rose faster than prices.»\n\n{P1}"
            ),
            &format!(
                "{P1}\n\n«The economy grew by four per cent, and wages rose faster than prices.»\n\n{P1}"
            ),
            AnchorStatus::Fuzzy,
        );
    }

    #[test]
    fn a_coincidental_match_at_the_old_place_is_not_exact() {
        check(
            "We seek «peace» with honour, and we shall find it.",
            "I am no «peace» maker: we seek war with honour, and we shall find it.",
            AnchorStatus::Fuzzy,
        );
    }

    #[test]
    fn a_short_quote_found_without_context_is_offered_for_review() {
        check(
            "The «nation» is strong.",
            "Another «nation» spoke.",
            AnchorStatus::Fuzzy,
        );
    }

    #[test]
    fn a_deleted_passage_is_orphaned() {
        check(&format!("{P1}\n\n«{P2}»"), P1, AnchorStatus::Orphaned);
    }

    #[test]
    fn quotes_keep_their_context() {
        let (d, span) = marked("Before the «quoted words» after.");
        let q = quote(&d, span);
        assert_eq!(
            (q.prefix.as_str(), q.exact.as_str(), q.suffix.as_str()),
            ("Before the ", "quoted words", " after.")
        );
    }
}
