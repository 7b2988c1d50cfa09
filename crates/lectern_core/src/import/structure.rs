//! Speaker turns: who speaks, named by a label at the start of a paragraph.
//!
//! Transcripts mark who speaks with a label at the start of a paragraph (`The President.`,
//! `THE PRESIDENT:`, `**Macron :**`, `Mr. Speaker:`). Labels are recognised here so the
//! reader can style them and so they never turn into headings; what happens in the room
//! (`[Applause]`) is found by [`stage_directions`](super::stage_directions). The rules are
//! deliberately narrow: a salutation such as "Mr. Speaker, Members of Congress:" is prose,
//! not a label.

use std::collections::BTreeMap;
use std::ops::Range;

use wide::{CmpEq, CmpGt, i8x16};

use crate::document::InlineKind;
use crate::import::builder::{RawBlock, RawKind};

/// Roles that, written as `The Role.`, open a speaker turn.
const ROLES: &[&str] = &[
    "president",
    "vice president",
    "speaker",
    "chairman",
    "chairwoman",
    "chair",
    "moderator",
    "prime minister",
    "chancellor",
    "queen",
    "king",
    "secretary",
    "first lady",
    "clerk",
    "presiding officer",
    "interviewer",
    "reporter",
];

const HONORIFICS: &[&str] = &[
    "Mr.",
    "Mrs.",
    "Ms.",
    "Miss",
    "Dr.",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Senator",
    "Representative",
    "Governor",
    "General",
    "Admiral",
    "Secretary",
    "Ambassador",
    "President",
    "Prime",
    "Minister",
    "Chancellor",
    "Speaker",
    "M.",
    "Mme",
    "Madame",
    "Monsieur",
    "Herr",
    "Frau",
    "Sr.",
    "Sra.",
];

/// The honorifics that end in a period, the only ones a period can close.
const DOTTED_HONORIFICS: &[&str] = &["Mr.", "Mrs.", "Ms.", "Dr.", "M.", "Sr.", "Sra."];

/// A `Name.` label is no longer than this, in bytes.
const MAX_LABEL_BYTES: usize = 48;

/// A speaker label found at the start of a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Label {
    /// Byte range of the label, punctuation included.
    pub range: Range<usize>,
    pub speaker: String,
}

/// Speaker-label candidates across a document: a title-case `Name.` label only counts when
/// it opens at least two paragraphs, which separates `Audience members.` from a sentence.
#[derive(Debug, Default)]
pub(crate) struct SpeakerLabels {
    /// How each block opens, by block index.
    openings: Vec<Opening>,
    /// How many paragraphs each candidate name opens.
    repeated: BTreeMap<String, usize>,
}

/// What the label tests found at the start of a paragraph.
#[derive(Debug, Default)]
struct Opening {
    /// The `Name.` candidate.
    candidate: Option<Label>,
    /// The first colon in the paragraph's head.
    colon: Option<usize>,
}

impl SpeakerLabels {
    pub fn collect(blocks: &[RawBlock<'_>]) -> Self {
        let mut repeated = BTreeMap::new();
        let openings: Vec<Opening> = blocks
            .iter()
            .map(|block| {
                if block.kind != RawKind::Paragraph {
                    return Opening::default();
                }
                let head = Head::of(&block.text);
                let candidate = period_label_candidate(&block.text, &head);
                if let Some(label) = &candidate {
                    *repeated.entry(label.speaker.clone()).or_insert(0) += 1;
                }
                Opening {
                    candidate,
                    colon: head.first_colon(),
                }
            })
            .collect();
        Self { openings, repeated }
    }

    /// The speaker label opening `block`, the block at `index` of those collected.
    pub fn label_at_start(&self, index: usize, block: &RawBlock<'_>) -> Option<Label> {
        if let Some(label) = strong_label(block) {
            return Some(label);
        }
        let opening = self.openings.get(index)?;
        if let Some(label) = opening
            .colon
            .and_then(|colon| colon_label(&block.text, colon))
        {
            return Some(label);
        }
        let label = opening.candidate.clone()?;
        let known_role = label
            .speaker
            .strip_prefix("The ")
            .is_some_and(|role| ROLES.contains(&role.to_lowercase().as_str()));
        let audience = label.speaker.starts_with("Audience");
        let honorific = HONORIFICS.iter().any(|h| {
            label
                .speaker
                .strip_prefix(h)
                .is_some_and(|rest| rest.starts_with(' '))
        });
        // A name in capitals opens a turn only when it does so more than once: a lone
        // "TOTAL." is a table row, a lone "HARRY S. TRUMAN" a signature.
        let repeated = self.repeated.get(&label.speaker).copied().unwrap_or(0) >= 2;
        (known_role || audience || ((honorific || is_all_caps(&label.speaker)) && repeated))
            .then_some(label)
    }
}

/// `**Macron :**` — a strong run at the very start that ends in a colon.
fn strong_label(block: &RawBlock<'_>) -> Option<Label> {
    let mark = block
        .marks
        .iter()
        .find(|m| m.start == 0 && m.kind == InlineKind::Strong)?;
    let inner = block.text.get(..mark.end)?.trim_end();
    let name = inner.strip_suffix(':')?.trim_end();
    let has_text_after = block.text[mark.end..].chars().any(char::is_alphanumeric);
    (looks_like_name(name) && has_text_after).then(|| Label {
        range: 0..mark.end,
        speaker: name.to_owned(),
    })
}

/// The periods and colons of a paragraph's head, its first [`Head::BYTES`] bytes cut back to
/// a character boundary: a bit per byte (byte k to bit k), sixteen bytes tested at once
/// (SSE2 on x86-64). One pass over the head serves both label tests, where each searched it
/// on its own before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Head {
    /// Periods followed by a space.
    periods: u64,
    colons: u64,
}

impl Head {
    /// Labels are short: no test looks further than this.
    const BYTES: usize = 64;

    /// Calls `f` with each sixteen bytes of the head of `text` and their place (0 to 3), the
    /// head padded with zero bytes when it is shorter (a zero byte is none that a test
    /// looks for).
    fn for_each_vector(text: &str, mut f: impl FnMut(usize, i8x16)) {
        let len = text.floor_char_boundary(Self::BYTES);
        let mut short = [0u8; Self::BYTES];
        let block = if len == Self::BYTES {
            &text.as_bytes()[..Self::BYTES]
        } else {
            short[..len].copy_from_slice(&text.as_bytes()[..len]);
            &short
        };
        for (k, chunk) in block.chunks_exact(16).enumerate() {
            let bytes: [u8; 16] = chunk.try_into().unwrap_or_default();
            f(k, i8x16::new(bytes.map(u8::cast_signed)));
        }
    }

    /// A mask's sixteen bits at the place of the `k`th sixteen bytes.
    fn bits(mask: i8x16, k: usize) -> u64 {
        u64::from(mask.move_mask().cast_unsigned()) << (16 * k)
    }

    fn of(text: &str) -> Self {
        let (mut periods, mut colons, mut spaces) = (0u64, 0u64, 0u64);
        Self::for_each_vector(text, |k, v| {
            let is = |b: u8| Self::bits(v.cmp_eq(i8x16::splat(b.cast_signed())), k);
            periods |= is(b'.');
            colons |= is(b':');
            spaces |= is(b' ');
        });
        Self {
            periods: periods & (spaces >> 1),
            colons,
        }
    }

    /// A bit for each ASCII byte of the head that no name holds: all but letters, space,
    /// `.`, `'` and `-`. (Asked only of the few paragraphs with a period early on.)
    fn not_name(text: &str) -> u64 {
        let mut name = 0u64;
        Self::for_each_vector(text, |k, v| {
            let is = |b: u8| v.cmp_eq(i8x16::splat(b.cast_signed()));
            // `b - lo` is under `n` (unsigned) when `b - lo + 0x80` is under `n - 0x80`
            // (signed); `| 0x20` lowers ASCII capitals.
            let lower = v | i8x16::splat(0x20);
            let letter =
                i8x16::splat(i8::MIN + 26).cmp_gt(lower + i8x16::splat((0x80 - 0x61) as i8));
            // A byte beyond ASCII has its sign bit set: it may be part of a letter.
            name |= Self::bits(letter | is(b' ') | is(b'.') | is(b'\'') | is(b'-') | v, k);
        });
        !name
    }

    fn first_colon(self) -> Option<usize> {
        (self.colons != 0).then(|| self.colons.trailing_zeros() as usize)
    }
}

/// `THE PRESIDENT: …`, `Mr. Speaker: …`, `Q: …` — a short name followed by a colon and
/// more text; `colon` is the first in the paragraph's head.
fn colon_label(text: &str, colon: usize) -> Option<Label> {
    let name = text[..colon].trim_end();
    let after = &text[colon + 1..];
    if !after.starts_with(' ') || !after.chars().any(char::is_alphanumeric) {
        return None;
    }
    let single_letter = matches!(name, "Q" | "A");
    if !(single_letter || (looks_like_name(name) && !name.contains(',') && plausible_name(name))) {
        return None;
    }
    // "Expenditures: $65 billion" and "TOTAL: GROSS NATIONAL PRODUCT" are lines of a
    // table, not a speaker and what they said.
    if opens_figures(after) || !after.chars().any(char::is_lowercase) {
        return None;
    }
    // A colon after a long title-case run is usually a salutation or a heading-like lead-in
    // ("Fellow-Citizens of the Senate:"); names are short.
    if name.split_whitespace().count() > 4 {
        return None;
    }
    Some(Label {
        range: 0..colon + 1,
        speaker: name.to_owned(),
    })
}

/// `The President. …`, `Audience members. …`, `MR. SMITH. …` as a candidate; the caller
/// decides whether it counts.
fn period_label_candidate(text: &str, head: &Head) -> Option<Label> {
    // Names start with a capital (or a non-ASCII letter); most paragraphs fail here.
    let first = *text.as_bytes().first()?;
    if !(first.is_ascii_uppercase() || first >= 0x80) {
        return None;
    }
    // A label ends within its first 48 bytes; honorific periods ("Mr.") before it are
    // skipped.
    let mut periods = head.periods & ((1 << (MAX_LABEL_BYTES + 1)) - 1);
    if periods == 0 {
        return None;
    }
    // Most first sentences hold a character no name does (a comma, a digit, a line break)
    // before their first period: settled before the tests word by word. (`looks_like_name`
    // refuses the same.)
    let not_name = Head::not_name(text);
    let end = loop {
        if periods == 0 {
            return None;
        }
        let dot = periods.trailing_zeros() as usize;
        if not_name & ((1 << dot) - 1) != 0 {
            return None;
        }
        let word_start = text[..dot].rfind(' ').map_or(0, |i| i + 1);
        if DOTTED_HONORIFICS.contains(&&text[word_start..=dot]) {
            periods &= periods - 1;
            continue;
        }
        break dot;
    };
    label_ending_at(text, end)
}

/// The `Name.` label of `text` if the period at `end` closes one: a short name of one to four
/// words, not followed by figures.
fn label_ending_at(text: &str, end: usize) -> Option<Label> {
    let name = &text[..end];
    let words = name.split_whitespace().count();
    let audience = name == "Audience members" || name == "Audience member";
    if !(1..=4).contains(&words) || !(audience || looks_like_name(name)) || !plausible_name(name) {
        return None;
    }
    if opens_figures(&text[end + 1..]) {
        return None;
    }
    Some(Label {
        range: 0..end + 1,
        speaker: name.to_owned(),
    })
}

/// Rules out label-shaped text that is not a name: roman numerals ("II."), a trailing
/// initial ("HARRY S."), punctuation at the end ("ART.--").
fn plausible_name(name: &str) -> bool {
    let last_word = name.split_whitespace().last().unwrap_or("");
    let roman = name.chars().all(|c| "IVXLCDM".contains(c));
    let ends_in_letter = name.chars().last().is_some_and(char::is_alphabetic);
    let initial = last_word.chars().count() == 1;
    ends_in_letter && !roman && !initial
}

/// Text that starts with a number or an amount.
fn opens_figures(after: &str) -> bool {
    after
        .trim_start()
        .starts_with(|c: char| c.is_ascii_digit() || "$£€¥%".contains(c))
}

/// Capitalised words (connectives allowed), letters, periods, apostrophes and hyphens only.
fn looks_like_name(name: &str) -> bool {
    const CONNECTIVES: &[&str] = &[
        "of", "the", "de", "du", "van", "von", "la", "le", "der", "and", "da",
    ];
    let mut words = name.split_whitespace().peekable();
    if words.peek().is_none() || name.len() > MAX_LABEL_BYTES {
        return false;
    }
    name.chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '\'' | '’' | '-'))
        && name.split_whitespace().enumerate().all(|(i, word)| {
            word.chars().next().is_some_and(char::is_uppercase)
                || (i > 0 && CONNECTIVES.contains(&word))
        })
}

fn is_all_caps(s: &str) -> bool {
    s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::import::builder::RawMark;

    /// The label tests' searches as written before [`Head`]: each searched the head alone,
    /// and the `Name.` test compared the word before each period with every honorific.
    mod searched {
        use super::super::{HONORIFICS, Label, label_ending_at};

        fn head(text: &str) -> &[u8] {
            &text.as_bytes()[..text.floor_char_boundary(64)]
        }

        pub fn first_colon(text: &str) -> Option<usize> {
            memchr::memchr(b':', head(text))
        }

        pub fn period_label_candidate(text: &str) -> Option<Label> {
            let first = *text.as_bytes().first()?;
            if !(first.is_ascii_uppercase() || first >= 0x80) {
                return None;
            }
            let head = head(text);
            let mut search_from = 0;
            let end = loop {
                let dot = search_from
                    + memchr::memchr_iter(b'.', &head[search_from..])
                        .find(|&d| head.get(search_from + d + 1) == Some(&b' '))?;
                if head[search_from..dot].iter().any(|&b| {
                    b.is_ascii()
                        && !b.is_ascii_alphabetic()
                        && !matches!(b, b' ' | b'.' | b'\'' | b'-')
                }) {
                    return None;
                }
                let word_start = text[..dot].rfind(' ').map_or(0, |i| i + 1);
                if HONORIFICS.contains(&&text[word_start..=dot]) {
                    search_from = dot + 1;
                    continue;
                }
                break dot;
            };
            if end > 48 {
                return None;
            }
            label_ending_at(text, end)
        }
    }

    #[test]
    fn dotted_honorifics_are_those_that_end_in_a_period() {
        let dotted: Vec<&str> = HONORIFICS
            .iter()
            .copied()
            .filter(|h| h.ends_with('.'))
            .collect();
        assert_eq!(dotted, DOTTED_HONORIFICS);
    }

    #[test]
    fn head_bits_find_the_labels_searching_found() {
        let openings = [
            "The President. Your bedtime reading.",
            "Mr. Smith. Yes.",
            "Dr. M. Dupont. Merci.",
            "Audience members. Boo!",
            "THE PRESIDENT: Thank you all.",
            "Mr. Speaker: I rise today.",
            "Q: What about taxes?",
            "Señora Núñez Ortíz de la Peña y Bermúdez Ferrández. Gracias, on and on.",
            "Tonight I come to this Chamber. It is late.",
        ];
        let mut labels = 0;
        for text in openings {
            let head = Head::of(text);
            let candidate = period_label_candidate(text, &head);
            assert_eq!(
                candidate,
                searched::period_label_candidate(text),
                "{text:?}"
            );
            assert_eq!(head.first_colon(), searched::first_colon(text), "{text:?}");
            labels += usize::from(candidate.is_some()) + usize::from(head.first_colon().is_some());
        }
        assert_eq!(labels, 7);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Openings built of names, honorifics, punctuation and letters beyond ASCII (some of
        /// them straddling the head's end) give the labels that searching the head gave.
        #[test]
        fn head_bits_find_what_searching_the_head_found(
            text in "((Mr\\.|Dr\\.|M\\.|Sr\\.|The|THE|Audience|President|Smith|[A-Z][a-z]{0,7}|[a-z]{1,6}|é|’|[.:,;'\\- 0-9\n]) ?){0,16}"
        ) {
            let head = Head::of(&text);
            prop_assert_eq!(head.first_colon(), searched::first_colon(&text));
            prop_assert_eq!(
                period_label_candidate(&text, &head),
                searched::period_label_candidate(&text)
            );
        }
    }

    fn para(text: &str) -> RawBlock<'_> {
        RawBlock {
            kind: RawKind::Paragraph,
            text: text.into(),
            marks: Vec::new(),
        }
    }

    #[track_caller]
    fn check_label(doc: &[&str], index: usize, expect: Option<&str>) {
        let blocks: Vec<RawBlock> = doc.iter().map(|t| para(t)).collect();
        let labels = SpeakerLabels::collect(&blocks);
        let found = labels
            .label_at_start(index, &blocks[index])
            .map(|l| blocks[index].text[l.range].to_owned());
        assert_eq!(found.as_deref(), expect, "in {:?}", doc[index]);
    }

    #[test]
    fn speaker_labels() {
        check_label(
            &["The President. Your bedtime reading."],
            0,
            Some("The President."),
        );
        check_label(
            &["THE PRESIDENT: Thank you all."],
            0,
            Some("THE PRESIDENT:"),
        );
        check_label(&["Mr. Speaker: I rise today."], 0, Some("Mr. Speaker:"));
        check_label(&["Q: What about taxes?"], 0, Some("Q:"));
        check_label(&["Audience members. Boo!"], 0, Some("Audience members."));
        check_label(
            &["Mr. Speaker, Madam Vice President, my fellow Americans: tonight"],
            0,
            None,
        );
        check_label(
            &["Fellow-Citizens of the Senate and House of Representatives:"],
            0,
            None,
        );
        check_label(&["Thank you. Looking for Jill."], 0, None);
        check_label(&["Tonight I come to this Chamber. It is late."], 0, None);
        check_label(
            &["Mr. Smith. Yes.", "Mr. Smith. No."],
            1,
            Some("Mr. Smith."),
        );
        check_label(&["Mr. Smith. Yes."], 0, None);
        check_label(&["ART.--. Every State shall be bound."], 0, None);
        check_label(&["II. The economy has grown.", "II. Again."], 0, None);
        check_label(&["HARRY S. TRUMAN"], 0, None);
        check_label(&["TOTAL. 4,000 5,000", "TOTAL. 7,000"], 0, None);
        check_label(&["Expenditures: $65 billion in all."], 0, None);
        check_label(
            &["THE PRESIDENT. Thank you.", "THE PRESIDENT. Go on."],
            1,
            Some("THE PRESIDENT."),
        );
        check_label(&["MR. SMITH. One thing."], 0, None);
    }

    #[test]
    fn strong_label_with_space_before_colon() {
        let block = RawBlock {
            kind: RawKind::Paragraph,
            text: "Macron : Mesdames et messieurs.".into(),
            marks: vec![RawMark {
                start: 0,
                end: 8,
                kind: InlineKind::Strong,
            }],
        };
        let label = SpeakerLabels::collect(std::slice::from_ref(&block))
            .label_at_start(0, &block)
            .unwrap();
        assert_eq!(label.speaker, "Macron");
    }
}
