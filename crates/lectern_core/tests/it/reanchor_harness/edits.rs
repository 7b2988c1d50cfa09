//! The edits a speech goes through: where each paragraph of the edited text came from
//! ([`Origin`]), one edit of one speech with its ground truth ([`Case`]), the vocabulary of
//! made-up and rewritten text, page chrome, and the edit of each class (typo fixes, reflow,
//! paragraphs inserted, removed, swapped or rewritten, chrome added or removed).

use super::{Para, Pick, Rng};

/// Where a paragraph of the edited text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Origin {
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
    pub(super) fn source(self) -> Option<usize> {
        match self {
            Self::Kept(i) | Self::Edited(i) | Self::Rewritten(i) => Some(i),
            Self::New => None,
        }
    }
}

/// One edit of one speech: the text annotated, the text re-anchored in, and the ground truth
/// linking them.
pub(super) struct Case {
    pub(super) old: Vec<Para>,
    /// The old paragraph each paragraph of the speech is (passages are picked in the speech).
    pub(super) old_of_base: Vec<usize>,
    pub(super) new: Vec<Para>,
    pub(super) origin: Vec<Origin>,
    /// The new source is hard-wrapped.
    pub(super) wrapped: bool,
}

impl Case {
    /// The speech annotated as it is, then edited into `new`.
    pub(super) fn from_base(base: &[Para], new: Vec<Para>, origin: Vec<Origin>) -> Self {
        Self {
            old: base.to_vec(),
            old_of_base: (0..base.len()).collect(),
            new,
            origin,
            wrapped: false,
        }
    }

    pub(super) fn unchanged(base: &[Para]) -> (Vec<Para>, Vec<Origin>) {
        (base.to_vec(), (0..base.len()).map(Origin::Kept).collect())
    }
}

/// Words for made-up and rewritten text.
pub(super) const VOCABULARY: &str = "\
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
pub(super) struct Chrome {
    top: &'static [&'static str],
    bottom: &'static [&'static str],
}

/// Chrome of a page that looks scraped (a breadcrumb): the importer strips it.
pub(super) const SCRAPED_CHROME: Chrome = Chrome {
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
pub(super) const KEPT_CHROME: Chrome = Chrome {
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
pub(super) fn fix_typos(base: &[Para], _: &[Pick], rng: &mut Rng) -> Case {
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
pub(super) fn reflow(base: &[Para], _: &[Pick], _: &mut Rng) -> Case {
    let (new, origin) = Case::unchanged(base);
    Case {
        wrapped: true,
        ..Case::from_base(base, new, origin)
    }
}

/// Five new paragraphs at random places.
pub(super) fn insert_paragraphs(base: &[Para], _: &[Pick], rng: &mut Rng) -> Case {
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
pub(super) fn remove_free_paragraphs(base: &[Para], picks: &[Pick], rng: &mut Rng) -> Case {
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
pub(super) fn delete_annotated(base: &[Para], picks: &[Pick], rng: &mut Rng) -> Case {
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
pub(super) fn swap_paragraphs(base: &[Para], _: &[Pick], rng: &mut Rng) -> Case {
    let (mut new, mut origin) = Case::unchanged(base);
    for _ in 0..5 {
        let pair = rng.sample(new.len(), 2);
        new.swap(pair[0], pair[1]);
        origin.swap(pair[0], pair[1]);
    }
    Case::from_base(base, new, origin)
}

/// Page chrome added at the top and the bottom.
pub(super) fn add_chrome(base: &[Para], chrome: &Chrome) -> Case {
    let (new, origin) = with_chrome(base, chrome);
    Case::from_base(base, new, origin)
}

/// A speech annotated with page chrome around it, then cleaned of it.
pub(super) fn remove_chrome(base: &[Para], chrome: &Chrome) -> Case {
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
pub(super) fn rewrite(base: &[Para], _: &[Pick], rng: &mut Rng) -> Case {
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
