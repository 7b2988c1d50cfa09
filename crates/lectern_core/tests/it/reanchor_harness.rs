//! Re-anchoring accuracy on real speeches (the seed and the State of the Union addresses):
//! random passages are annotated, the text is edited the way sources really change, and every
//! passage is anchored again and checked against where it should now be.
//!
//! The harness works on the canonical text: a speech is its list of paragraphs, an edit makes
//! a new list and remembers where each new paragraph came from, and both lists are imported
//! again as plain text. The ground truth of a passage is therefore exact: the same words of
//! the same paragraph wherever that paragraph went, "deleted" when the paragraph went, and
//! "rewritten" when its words were replaced.
//!
//! Each edit class is one test and prints its table (`cargo test -p lectern_core --test it
//! reanchor_harness -- --nocapture`). The goals: after a light edit at least 99.5 % of the
//! passages are back in the right place; in every class no passage that is still there is
//! orphaned (lost) and no wrong place is reported as exact.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::OnceLock;

use lectern_core::annotation::anchor::{reanchor, target};
use lectern_core::annotation::{AnchorStatus, Target};
use lectern_core::{CharSpan, Document, ImportOptions, import};

use crate::support::{preview, read_sample, sample_files};

/// Passages annotated per speech.
const PASSAGES: usize = 40;

/// Goal for light edits: passages back in the right place, in thousandths.
const LIGHT_GOAL_PER_MILLE: usize = 995;

/// Failing passages shown per row.
const EXAMPLES: usize = 3;

/// A paragraph as its words; the canonical text separates words by one space.
type Para = Vec<String>;

/// A tiny xorshift generator: the harness must give the same numbers on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A word of [`VOCABULARY`].
    fn word(&mut self) -> &'static str {
        let count = VOCABULARY.split_whitespace().count();
        VOCABULARY
            .split_whitespace()
            .nth(self.below(count))
            .expect("a word")
    }

    /// `count` distinct indices of `0..n`, in random order.
    fn sample(&mut self, n: usize, count: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..count.min(n) {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(count.min(n));
        all
    }
}

/// FNV-1a, to give each speech its own seed.
fn seed(name: &str, salt: u64) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325 ^ salt, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn load(source: &str, path: &str) -> Document {
    import(
        source.as_bytes(),
        &ImportOptions {
            path,
            ..ImportOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{path} does not import: {e}"))
}

/// A speech's canonical text as paragraphs of words.
struct Speech {
    name: String,
    paras: Vec<Para>,
}

fn paragraphs(text: &str) -> Vec<Para> {
    text.split("\n\n")
        .map(|p| p.split(' ').map(str::to_owned).collect::<Para>())
        .collect()
}

/// The seed and the State of the Union addresses, each checked to survive the round trip
/// the harness relies on: its paragraphs written out as plain text import to the very same
/// canonical text.
fn speeches() -> &'static [Speech] {
    static SPEECHES: OnceLock<Vec<Speech>> = OnceLock::new();
    SPEECHES.get_or_init(|| {
        let mut names = vec!["mi5/000_dd9ed34a99eb1f64.txt".to_owned()];
        names.extend(
            sample_files("sotu")
                .into_iter()
                .filter(|n| Path::new(n).extension().is_some_and(|e| e == "txt")),
        );
        assert_eq!(names.len(), 22, "the seed and 21 addresses: {names:?}");
        names
            .into_iter()
            .map(|name| {
                let bytes = read_sample(&name);
                let source = String::from_utf8(bytes).expect("UTF-8 sample");
                let doc = load(&source, &name);
                let paras = paragraphs(&doc.text);
                for p in &paras {
                    assert!(
                        p.iter()
                            .all(|w| !w.is_empty() && !w.contains(char::is_whitespace)),
                        "{name}: a paragraph that is not single-spaced words: {:?}",
                        p.join(" ")
                    );
                }
                let again = load(&render(&paras, false), "x.txt");
                assert!(
                    again.text == doc.text,
                    "{name}: re-importing the unedited paragraphs changed the canonical text"
                );
                Speech { name, paras }
            })
            .collect()
    })
}

/// Paragraphs written out as a plain-text source: one line each, or hard-wrapped at 72
/// columns the way an editor re-saves a file — except where the importer would read a line
/// break as more than a space ([`may_break`]): that is a question for the importer, not for
/// re-anchoring.
fn render(paras: &[Para], wrapped: bool) -> String {
    let mut out = String::new();
    for (i, p) in paras.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        if wrapped {
            let mut column = 0;
            for (k, word) in p.iter().enumerate() {
                let width = word.chars().count();
                if k > 0 {
                    if column + 1 + width > 72 && may_break(&p[k - 1], word) {
                        out.push('\n');
                        column = 0;
                    } else {
                        out.push(' ');
                        column += 1;
                    }
                }
                out.push_str(word);
                column += width;
            }
        } else {
            out.push_str(&p.join(" "));
        }
    }
    out.push('\n');
    out
}

/// Whether a line may end after `before` and the next begin with `after` without the importer
/// reading the break as more than a space: a line ending in a hyphen is joined to the next
/// without one, and a line starting with a list marker or a speaker label starts a new
/// block.
fn may_break(before: &str, after: &str) -> bool {
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = (1..=3).contains(&digits) && matches!(&after[digits..], "." | ")");
    let label = after.ends_with(':')
        && after.chars().any(char::is_alphabetic)
        && !after.chars().any(char::is_lowercase);
    !before.ends_with('-') && !matches!(after, "-" | "*" | "•" | "–") && !numbered && !label
}

/// Byte offset of each paragraph of `paras` in `doc`'s canonical text, found in order; `None`
/// for a paragraph the importer dropped or changed.
fn locate(paras: &[Para], doc: &Document) -> Vec<Option<usize>> {
    let mut found = Vec::new();
    let mut offset = 0;
    for p in doc.text.split("\n\n") {
        found.push((offset, p));
        offset += p.len() + 2;
    }
    let mut cursor = 0;
    paras
        .iter()
        .map(|p| {
            let text = p.join(" ");
            let at = found[cursor..].iter().position(|(_, q)| *q == text)?;
            cursor += at + 1;
            Some(found[cursor - 1].0)
        })
        .collect()
}

/// Byte range of words `first..end` inside their paragraph.
fn word_range(p: &[String], first: usize, end: usize) -> (usize, usize) {
    let start: usize = p[..first].iter().map(|w| w.len() + 1).sum();
    let len = p[first..end].iter().map(String::len).sum::<usize>() + (end - first - 1);
    (start, start + len)
}

fn char_span(doc: &Document, start: usize, end: usize) -> CharSpan {
    CharSpan::new(doc.char_offset(start), doc.char_offset(end))
}

/// An annotated passage: words `first..end` of a paragraph of the speech.
#[derive(Clone, Copy, Debug)]
struct Pick {
    para: usize,
    first: usize,
    end: usize,
}

/// `PASSAGES` random passages of 3 to 25 words, each inside one paragraph, spread over the
/// speech by word. Every class annotates the same passages.
fn picks(speech: &Speech) -> Vec<Pick> {
    let mut rng = Rng::new(seed(&speech.name, 0));
    let eligible: Vec<usize> = (0..speech.paras.len())
        .filter(|&i| speech.paras[i].len() >= 3)
        .collect();
    let total: usize = eligible.iter().map(|&i| speech.paras[i].len()).sum();
    (0..PASSAGES)
        .map(|_| {
            let mut word = rng.below(total);
            let para = *eligible
                .iter()
                .find(|&&i| {
                    let len = speech.paras[i].len();
                    if word < len {
                        true
                    } else {
                        word -= len;
                        false
                    }
                })
                .expect("a paragraph holds the word");
            let words = speech.paras[para].len();
            let len = (3 + rng.below(23)).min(words);
            let first = rng.below(words - len + 1);
            Pick {
                para,
                first,
                end: first + len,
            }
        })
        .collect()
}

/// Where a paragraph of the edited text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// The old paragraph, word for word.
    Kept(usize),
    /// The old paragraph with some words corrected (as many words as before).
    Edited(usize),
    /// The old paragraph with many words replaced (as many words as before).
    Rewritten(usize),
    /// Not in the old text.
    New,
}

impl Origin {
    fn source(self) -> Option<usize> {
        match self {
            Self::Kept(i) | Self::Edited(i) | Self::Rewritten(i) => Some(i),
            Self::New => None,
        }
    }
}

/// One edit of one speech: the text annotated, the text re-anchored in, and the ground truth
/// linking them.
struct Case {
    old: Vec<Para>,
    /// The old paragraph each paragraph of the speech is (passages are picked in the speech).
    old_of_base: Vec<usize>,
    new: Vec<Para>,
    origin: Vec<Origin>,
    /// The new source is hard-wrapped.
    wrapped: bool,
}

impl Case {
    /// The speech annotated as it is, then edited into `new`.
    fn from_base(base: &[Para], new: Vec<Para>, origin: Vec<Origin>) -> Self {
        Self {
            old: base.to_vec(),
            old_of_base: (0..base.len()).collect(),
            new,
            origin,
            wrapped: false,
        }
    }

    fn unchanged(base: &[Para]) -> (Vec<Para>, Vec<Origin>) {
        (base.to_vec(), (0..base.len()).map(Origin::Kept).collect())
    }
}

/// An edit class: a row group of the report.
struct Class {
    name: &'static str,
    /// Goal: at least 99.5 % of passages back in the right place.
    light: bool,
    /// The importer may drop paragraphs of the edited text (page chrome); otherwise its
    /// canonical text must be exactly the edited paragraphs.
    may_drop: bool,
    edit: fn(&[Para], &[Pick], &mut Rng) -> Case,
}

/// Words for made-up and rewritten text.
const VOCABULARY: &str = "\
    people country government year work nation world policy law state power peace trade \
    money health school family army court congress budget program future history freedom \
    justice labor industry farm city river road market treaty office council member \
    service record measure reform promise duty effort answer question purpose strength \
    progress security new great public national strong fair common early simple careful \
    steady modern general local build protect improve consider support provide secure \
    restore extend review carry open hold keep bring grow";

/// A made-up paragraph of prose: two or three sentences ending with a full stop.
fn made_up_paragraph(rng: &mut Rng) -> Para {
    let mut words = Vec::new();
    for _ in 0..2 + rng.below(2) {
        let len = 9 + rng.below(12);
        for k in 0..len {
            let mut word = rng.word().to_owned();
            if k == 0 {
                word = capitalised(&word);
            }
            if k + 1 == len {
                word.push('.');
            }
            words.push(word);
        }
    }
    words
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// Page chrome around a speech, top and bottom.
struct Chrome {
    top: &'static [&'static str],
    bottom: &'static [&'static str],
}

/// Chrome of a page that looks scraped (a breadcrumb): the importer strips it.
const SCRAPED_CHROME: Chrome = Chrome {
    top: &[
        "Home > Speeches > State of the Union addresses",
        "Skip to main content",
        "Share this page",
        "We use cookies to make this site work. Accept all cookies",
    ],
    bottom: &[
        "Back to top",
        "Share this page",
        "Related speeches",
        "© 2025 The Speech Archive. All rights reserved.",
    ],
};

/// Chrome of a page that does not look scraped: the importer keeps it as paragraphs.
const KEPT_CHROME: Chrome = Chrome {
    top: &[
        "Skip to main content",
        "Share this page",
        "This site uses cookies. Accept all cookies",
    ],
    bottom: &[
        "Back to top",
        "Print this page",
        "Copyright 2025 The Speech Archive. All rights reserved.",
    ],
};

fn chrome_paras(lines: &[&str]) -> Vec<Para> {
    lines
        .iter()
        .map(|l| l.split(' ').map(str::to_owned).collect())
        .collect()
}

/// The speech with the chrome around it, and where each paragraph came from.
fn with_chrome(base: &[Para], chrome: &Chrome) -> (Vec<Para>, Vec<Origin>) {
    let top = chrome_paras(chrome.top);
    let bottom = chrome_paras(chrome.bottom);
    let origin = std::iter::repeat_n(Origin::New, top.len())
        .chain((0..base.len()).map(Origin::Kept))
        .chain(std::iter::repeat_n(Origin::New, bottom.len()))
        .collect();
    let paras = top
        .into_iter()
        .chain(base.iter().cloned())
        .chain(bottom)
        .collect();
    (paras, origin)
}

/// Splits a word into leading punctuation, letters, trailing punctuation.
fn split_word(word: &str) -> (&str, &str, &str) {
    let start = word.find(char::is_alphanumeric).unwrap_or(word.len());
    let end = word.rfind(char::is_alphanumeric).map_or(start, |i| {
        i + word[i..].chars().next().map_or(1, char::len_utf8)
    });
    (&word[..start], &word[start..end], &word[end..])
}

/// The word with one lower-case letter after the first changed, if it has one.
fn typo(word: &str, rng: &mut Rng) -> Option<String> {
    let (lead, core, trail) = split_word(word);
    if core.len() < 3 || !core.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let positions: Vec<usize> = (1..core.len())
        .filter(|&i| core.as_bytes()[i].is_ascii_lowercase())
        .collect();
    if positions.is_empty() {
        return None;
    }
    let at = positions[rng.below(positions.len())];
    let old = core.as_bytes()[at];
    let mut letter = b'a' + rng.below(25) as u8;
    if letter >= old {
        letter += 1;
    }
    let mut bytes = core.as_bytes().to_vec();
    bytes[at] = letter;
    let core = String::from_utf8(bytes).expect("ASCII");
    Some(format!("{lead}{core}{trail}"))
}

/// Typo fixes: the speech is annotated with a typo (one letter changed) in one word in
/// twenty, then the typos are corrected.
fn fix_typos(base: &[Para], _: &[Pick], rng: &mut Rng) -> Case {
    let mut old = base.to_vec();
    let words: usize = base.iter().map(Vec::len).sum();
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for (i, p) in base.iter().enumerate() {
        for (k, w) in p.iter().enumerate() {
            if typo(w, &mut Rng::new(1)).is_some() {
                candidates.push((i, k));
            }
        }
    }
    for c in rng.sample(candidates.len(), words / 20) {
        let (i, k) = candidates[c];
        old[i][k] = typo(&base[i][k], rng).expect("a word that takes a typo");
    }
    Case {
        old,
        old_of_base: (0..base.len()).collect(),
        new: base.to_vec(),
        origin: (0..base.len()).map(Origin::Edited).collect(),
        wrapped: false,
    }
}

/// The source re-saved with its lines hard-wrapped at 72 columns.
fn reflow(base: &[Para], _: &[Pick], _: &mut Rng) -> Case {
    let (new, origin) = Case::unchanged(base);
    Case {
        wrapped: true,
        ..Case::from_base(base, new, origin)
    }
}

/// Five new paragraphs at random places.
fn insert_paragraphs(base: &[Para], _: &[Pick], rng: &mut Rng) -> Case {
    let (mut new, mut origin) = Case::unchanged(base);
    for _ in 0..5 {
        let at = rng.below(new.len() + 1);
        new.insert(at, made_up_paragraph(rng));
        origin.insert(at, Origin::New);
    }
    Case::from_base(base, new, origin)
}

fn remove(base: &[Para], gone: &[usize]) -> Case {
    let (new, origin): (Vec<Para>, Vec<Origin>) = base
        .iter()
        .enumerate()
        .filter(|(i, _)| !gone.contains(i))
        .map(|(i, p)| (p.clone(), Origin::Kept(i)))
        .unzip();
    Case::from_base(base, new, origin)
}

fn annotated(base: &[Para], picks: &[Pick]) -> Vec<bool> {
    let mut annotated = vec![false; base.len()];
    for p in picks {
        annotated[p.para] = true;
    }
    annotated
}

/// A tenth of the paragraphs removed, none of them annotated.
fn remove_free_paragraphs(base: &[Para], picks: &[Pick], rng: &mut Rng) -> Case {
    let annotated = annotated(base, picks);
    let free: Vec<usize> = (0..base.len()).filter(|&i| !annotated[i]).collect();
    let gone: Vec<usize> = rng
        .sample(free.len(), base.len() / 10)
        .into_iter()
        .map(|k| free[k])
        .collect();
    remove(base, &gone)
}

/// A quarter of the annotated paragraphs deleted.
fn delete_annotated(base: &[Para], picks: &[Pick], rng: &mut Rng) -> Case {
    let annotated = annotated(base, picks);
    let held: Vec<usize> = (0..base.len()).filter(|&i| annotated[i]).collect();
    let gone: Vec<usize> = rng
        .sample(held.len(), held.len().div_ceil(4))
        .into_iter()
        .map(|k| held[k])
        .collect();
    remove(base, &gone)
}

/// Five pairs of paragraphs swapped.
fn swap_paragraphs(base: &[Para], _: &[Pick], rng: &mut Rng) -> Case {
    let (mut new, mut origin) = Case::unchanged(base);
    for _ in 0..5 {
        let pair = rng.sample(new.len(), 2);
        new.swap(pair[0], pair[1]);
        origin.swap(pair[0], pair[1]);
    }
    Case::from_base(base, new, origin)
}

/// Page chrome added at the top and the bottom.
fn add_chrome(base: &[Para], chrome: &Chrome) -> Case {
    let (new, origin) = with_chrome(base, chrome);
    Case::from_base(base, new, origin)
}

/// A speech annotated with page chrome around it, then cleaned of it.
fn remove_chrome(base: &[Para], chrome: &Chrome) -> Case {
    let (old, _) = with_chrome(base, chrome);
    let top = chrome.top.len();
    Case {
        old,
        old_of_base: (top..top + base.len()).collect(),
        new: base.to_vec(),
        origin: (top..top + base.len()).map(Origin::Kept).collect(),
        wrapped: false,
    }
}

/// Three paragraphs in ten rewritten: about every third word replaced (never the first or
/// the last, so each paragraph still starts and ends as before).
fn rewrite(base: &[Para], _: &[Pick], rng: &mut Rng) -> Case {
    let (mut new, mut origin) = Case::unchanged(base);
    for i in rng.sample(base.len(), base.len() * 3 / 10) {
        let phase = rng.below(3);
        let words = new[i].len();
        for (k, word) in new[i]
            .iter_mut()
            .enumerate()
            .take(words.saturating_sub(1))
            .skip(1)
        {
            if !(k + phase).is_multiple_of(3) {
                continue;
            }
            let (lead, core, trail) = split_word(word);
            if core.is_empty() {
                continue;
            }
            let mut replacement = rng.word();
            while replacement.eq_ignore_ascii_case(core) {
                replacement = rng.word();
            }
            let replacement = if core.starts_with(char::is_uppercase) {
                capitalised(replacement)
            } else {
                replacement.to_owned()
            };
            *word = format!("{lead}{replacement}{trail}");
        }
        origin[i] = Origin::Rewritten(i);
    }
    Case::from_base(base, new, origin)
}

/// What should become of a passage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Expect {
    /// Its words are in the new text, unchanged: found exactly there, or it is lost.
    Unchanged,
    /// Its paragraph is there with a word of the passage corrected: the right place is the
    /// corrected words.
    Edited,
    /// Its paragraph was deleted: orphaned, unless the same words stand elsewhere.
    Deleted,
    /// Its words were replaced: no right place; fuzzy or orphaned, never the same words
    /// claimed elsewhere.
    Rewritten,
}

impl Expect {
    fn label(self) -> &'static str {
        match self {
            Self::Unchanged => "unchanged passages",
            Self::Edited => "passages with a corrected word",
            Self::Deleted => "deleted passages",
            Self::Rewritten => "rewritten passages",
        }
    }
}

/// Counts for one kind of passage in one class.
#[derive(Default)]
struct Row {
    total: usize,
    exact: usize,
    relocated: usize,
    fuzzy: usize,
    orphaned: usize,
    /// In the right place, or correctly orphaned, or (deleted and rewritten passages) an
    /// honest outcome.
    right: usize,
    /// Found somewhere it should not be.
    wrong: usize,
    /// Still in the text word for word, but orphaned.
    lost: usize,
    wrong_exact: usize,
    /// Fuzzy matches of rewritten passages outside their paragraph (allowed, but noted).
    fuzzy_elsewhere: usize,
    examples: Vec<String>,
}

impl Row {
    fn count(&mut self, status: AnchorStatus) {
        self.total += 1;
        match status {
            AnchorStatus::Exact => self.exact += 1,
            AnchorStatus::Relocated => self.relocated += 1,
            AnchorStatus::Fuzzy => self.fuzzy += 1,
            AnchorStatus::Orphaned => self.orphaned += 1,
        }
    }

    fn add(&mut self, other: &Self) {
        self.total += other.total;
        self.exact += other.exact;
        self.relocated += other.relocated;
        self.fuzzy += other.fuzzy;
        self.orphaned += other.orphaned;
        self.right += other.right;
        self.wrong += other.wrong;
        self.lost += other.lost;
        self.wrong_exact += other.wrong_exact;
    }

    fn example(&mut self, text: String) {
        if self.examples.len() < EXAMPLES {
            self.examples.push(text);
        }
    }
}

fn per_mille(part: usize, total: usize) -> usize {
    (part * 1000).checked_div(total).unwrap_or(1000)
}

fn percent(part: usize, total: usize) -> String {
    let pm = per_mille(part, total);
    format!("{}.{}", pm / 10, pm % 10)
}

/// One passage re-anchored and judged.
fn judge(
    row: &mut Row,
    speech: &str,
    expect: Expect,
    want: Option<CharSpan>,
    old: &Target,
    doc: &Document,
) {
    let got = reanchor(doc, old);
    row.count(got.status);
    let found = doc.slice(got.span);
    let same_words = found == old.quote.exact;
    let (right, lost) = match expect {
        Expect::Unchanged | Expect::Edited => {
            let want = want.expect("a place to be found");
            if got.status == AnchorStatus::Orphaned {
                (false, expect == Expect::Unchanged)
            } else {
                (got.span == want, false)
            }
        }
        Expect::Deleted => (got.status == AnchorStatus::Orphaned || same_words, false),
        Expect::Rewritten => {
            let honest = matches!(got.status, AnchorStatus::Fuzzy | AnchorStatus::Orphaned);
            if got.status == AnchorStatus::Fuzzy
                && want.is_none_or(|w| got.span.end <= w.start || got.span.start >= w.end)
            {
                row.fuzzy_elsewhere += 1;
            }
            (honest || same_words, false)
        }
    };
    let wrong = !right && got.status != AnchorStatus::Orphaned;
    row.right += usize::from(right);
    row.wrong += usize::from(wrong);
    row.lost += usize::from(lost);
    row.wrong_exact += usize::from(wrong && got.status == AnchorStatus::Exact);
    if !right {
        let expected = want.map_or("—", |w| doc.slice(w));
        let found = if got.status == AnchorStatus::Orphaned {
            "—"
        } else {
            found
        };
        row.example(format!(
            "{speech}: {status} {what}\n      quote    {exact:?}\n      \
             context  {prefix:?} … {suffix:?}\n      expected {expected:?}\n      \
             found    {found:?}",
            status = got.status.as_str(),
            what = if lost {
                "(lost)"
            } else if wrong {
                "(wrong place)"
            } else {
                "(not found)"
            },
            exact = preview(&old.quote.exact, 160),
            prefix = old.quote.prefix,
            suffix = old.quote.suffix,
            expected = preview(expected, 160),
            found = preview(found, 160),
        ));
    }
}

/// What a class measured: rows by kind of passage, and passages the importer took out of
/// the way (paragraphs it read as page chrome).
#[derive(Default)]
struct Outcome {
    rows: Vec<(Expect, Row)>,
    /// Picked in a paragraph the importer dropped from the annotated text.
    not_annotatable: usize,
    /// In a paragraph the importer dropped from the edited text (counted as deleted).
    dropped: usize,
}

impl Outcome {
    fn row(&mut self, expect: Expect) -> &mut Row {
        if let Some(i) = self.rows.iter().position(|(e, _)| *e == expect) {
            return &mut self.rows[i].1;
        }
        self.rows.push((expect, Row::default()));
        &mut self.rows.last_mut().expect("just pushed").1
    }

    fn all(&self) -> Row {
        let mut all = Row::default();
        for (_, row) in &self.rows {
            all.add(row);
        }
        all
    }
}

/// Runs one class over every speech.
fn run(class: &Class) -> Outcome {
    let mut outcome = Outcome::default();
    for (n, speech) in speeches().iter().enumerate() {
        let mut rng = Rng::new(seed(&speech.name, 1 + n as u64) ^ seed(class.name, 0));
        let picks = picks(speech);
        let case = (class.edit)(&speech.paras, &picks, &mut rng);
        assert_eq!(case.new.len(), case.origin.len());

        let old_doc = load(&render(&case.old, false), "x.txt");
        assert!(
            class.may_drop || old_doc.text == render(&case.old, false).trim_end(),
            "{} / {}: the importer changed the annotated paragraphs",
            class.name,
            speech.name
        );
        let old_at = locate(&case.old, &old_doc);
        let new_doc = load(&render(&case.new, case.wrapped), "x.txt");
        assert!(
            class.may_drop || new_doc.text == render(&case.new, false).trim_end(),
            "{} / {}: the importer changed the edited paragraphs: no ground truth",
            class.name,
            speech.name
        );
        let new_at = locate(&case.new, &new_doc);

        for pick in &picks {
            let op = case.old_of_base[pick.para];
            let old_para = &case.old[op];
            let Some(base) = old_at[op] else {
                assert!(
                    class.may_drop,
                    "{} / {}: an annotated paragraph did not survive import: {:?}",
                    class.name,
                    speech.name,
                    old_para.join(" ")
                );
                outcome.not_annotatable += 1;
                continue;
            };
            let (start, end) = word_range(old_para, pick.first, pick.end);
            let old = target(&old_doc, char_span(&old_doc, base + start, base + end));
            assert_eq!(old.quote.exact, old_para[pick.first..pick.end].join(" "));

            let now = case.origin.iter().position(|o| o.source() == Some(op));
            let (expect, want) = match now.map(|j| (j, new_at[j])) {
                None => (Expect::Deleted, None),
                Some((j, None)) => {
                    assert!(
                        class.may_drop,
                        "{} / {}: the importer changed a paragraph holding a passage: {:?}",
                        class.name,
                        speech.name,
                        case.new[j].join(" ")
                    );
                    outcome.dropped += 1;
                    (Expect::Deleted, None)
                }
                Some((j, Some(base))) => {
                    let new_para = &case.new[j];
                    assert_eq!(new_para.len(), old_para.len(), "edits keep word counts");
                    let (start, end) = word_range(new_para, pick.first, pick.end);
                    let want = Some(char_span(&new_doc, base + start, base + end));
                    let same = new_para[pick.first..pick.end] == old_para[pick.first..pick.end];
                    let expect = match case.origin[j] {
                        _ if same => Expect::Unchanged,
                        Origin::Rewritten(_) => Expect::Rewritten,
                        _ => Expect::Edited,
                    };
                    (expect, want)
                }
            };
            judge(
                outcome.row(expect),
                &speech.name,
                expect,
                want,
                &old,
                &new_doc,
            );
        }
    }
    outcome.rows.sort_by_key(|(e, _)| *e);
    outcome
}

fn table(class: &Class, outcome: &Outcome) -> String {
    const COLUMNS: [&str; 10] = [
        "passages",
        "total",
        "exact",
        "reloc",
        "fuzzy",
        "orph",
        "right%",
        "wrong",
        "lost",
        "wrong-exact",
    ];
    let line = |out: &mut String, cells: [&str; 10]| {
        let _ = write!(out, "  {:<31}", cells[0]);
        for (cell, header) in cells[1..].iter().zip(&COLUMNS[1..]) {
            let _ = write!(out, " {cell:>width$}", width = header.len().max(5));
        }
        out.push('\n');
    };
    let all = outcome.all();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} — {} speeches, {} passages{}",
        class.name,
        speeches().len(),
        all.total,
        if class.light {
            " (light edit: goal ≥ 99.5 % right)"
        } else {
            ""
        }
    );
    line(&mut out, COLUMNS);
    let mut rows: Vec<(&str, &Row)> = outcome.rows.iter().map(|(e, r)| (e.label(), r)).collect();
    if rows.len() > 1 {
        rows.push(("all", &all));
    }
    for (label, row) in rows {
        let cells = [
            row.total.to_string(),
            row.exact.to_string(),
            row.relocated.to_string(),
            row.fuzzy.to_string(),
            row.orphaned.to_string(),
            percent(row.right, row.total),
            row.wrong.to_string(),
            row.lost.to_string(),
            row.wrong_exact.to_string(),
        ];
        let mut all_cells = [label; 10];
        for (slot, cell) in all_cells[1..].iter_mut().zip(&cells) {
            *slot = cell;
        }
        line(&mut out, all_cells);
    }
    for (expect, row) in &outcome.rows {
        if row.fuzzy_elsewhere > 0 {
            let _ = writeln!(
                out,
                "  {}: {} fuzzy matches outside the passage's own words (allowed)",
                expect.label(),
                row.fuzzy_elsewhere
            );
        }
    }
    if outcome.not_annotatable > 0 {
        let _ = writeln!(
            out,
            "  {} picks skipped: their paragraph was dropped by the importer before annotation",
            outcome.not_annotatable
        );
    }
    if outcome.dropped > 0 {
        let _ = writeln!(
            out,
            "  {} passages counted as deleted: the importer dropped their paragraph",
            outcome.dropped
        );
    }
    for (expect, row) in &outcome.rows {
        for example in &row.examples {
            let _ = writeln!(out, "  · {}: {example}", expect.label());
        }
    }
    out
}

/// Runs a class, prints its table and checks the goals.
fn check(class: &Class) {
    check_goals(class, class.light);
}

/// Runs a class and prints its table; checks that nothing is lost and no wrong place is
/// reported as exact, and the light-edit goal when `light_goal`.
fn check_goals(class: &Class, light_goal: bool) {
    let outcome = run(class);
    let table = table(class, &outcome);
    eprintln!("{table}");
    let all = outcome.all();
    assert_eq!(
        all.lost, 0,
        "passages still in the text were orphaned:{table}"
    );
    assert_eq!(
        all.wrong_exact, 0,
        "wrong places were reported as exact:{table}"
    );
    if light_goal {
        assert!(
            per_mille(all.right, all.total) >= LIGHT_GOAL_PER_MILLE,
            "fewer than 99.5 % of the passages are back in the right place:{table}"
        );
    }
}

#[test]
fn unedited_paragraphs_import_to_the_same_text() {
    let class = Class {
        name: "no edit",
        light: true,
        may_drop: false,
        edit: |base, _, _| {
            let (new, origin) = Case::unchanged(base);
            Case::from_base(base, new, origin)
        },
    };
    let outcome = run(&class);
    let all = outcome.all();
    assert!(
        all.total == 22 * PASSAGES && all.exact == all.total && all.right == all.total,
        "{}",
        table(&class, &outcome)
    );
}

const TYPO_FIXES: Class = Class {
    name: "typo fixes (one word in twenty)",
    light: true,
    may_drop: false,
    edit: fix_typos,
};

#[test]
fn typo_fixes_lose_nothing_and_misplace_nothing() {
    check_goals(&TYPO_FIXES, false);
}

#[test]
fn typo_fixes_reach_the_light_edit_goal() {
    check(&TYPO_FIXES);
}

#[test]
fn whitespace_reflow() {
    check(&Class {
        name: "source re-wrapped at 72 columns",
        light: true,
        may_drop: false,
        edit: reflow,
    });
}

#[test]
fn paragraphs_inserted() {
    check(&Class {
        name: "five paragraphs inserted",
        light: true,
        may_drop: false,
        edit: insert_paragraphs,
    });
}

#[test]
fn unannotated_paragraphs_removed() {
    check(&Class {
        name: "a tenth of the paragraphs removed (none annotated)",
        light: true,
        may_drop: false,
        edit: remove_free_paragraphs,
    });
}

#[test]
fn paragraphs_moved() {
    check(&Class {
        name: "five pairs of paragraphs swapped",
        light: true,
        may_drop: false,
        edit: swap_paragraphs,
    });
}

#[test]
fn scraped_chrome_added() {
    check(&Class {
        name: "page chrome added (page looks scraped: stripped on import)",
        light: true,
        may_drop: true,
        edit: |base, _, _| add_chrome(base, &SCRAPED_CHROME),
    });
}

#[test]
fn scraped_chrome_removed() {
    check(&Class {
        name: "page chrome removed (page looked scraped)",
        light: true,
        may_drop: true,
        edit: |base, _, _| remove_chrome(base, &SCRAPED_CHROME),
    });
}

#[test]
fn kept_chrome_added() {
    check(&Class {
        name: "page chrome added (plain page: kept as paragraphs)",
        light: true,
        may_drop: false,
        edit: |base, _, _| add_chrome(base, &KEPT_CHROME),
    });
}

#[test]
fn kept_chrome_removed() {
    check(&Class {
        name: "page chrome removed (was kept as paragraphs)",
        light: true,
        may_drop: false,
        edit: |base, _, _| remove_chrome(base, &KEPT_CHROME),
    });
}

#[test]
fn annotated_passages_deleted() {
    check(&Class {
        name: "a quarter of the annotated paragraphs deleted",
        light: false,
        may_drop: false,
        edit: delete_annotated,
    });
}

#[test]
fn a_third_of_paragraphs_rewritten() {
    check(&Class {
        name: "three paragraphs in ten rewritten",
        light: false,
        may_drop: false,
        edit: rewrite,
    });
}
