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
    /// The `Name.` candidate at the start of each block, by block index.
    candidates: Vec<Option<Label>>,
    /// How many paragraphs each candidate name opens.
    repeated: BTreeMap<String, usize>,
}

impl SpeakerLabels {
    pub fn collect(blocks: &[RawBlock<'_>]) -> Self {
        let mut repeated = BTreeMap::new();
        let candidates: Vec<Option<Label>> = blocks
            .iter()
            .map(|block| {
                let label = (block.kind == RawKind::Paragraph)
                    .then(|| period_label_candidate(&block.text))
                    .flatten();
                if let Some(label) = &label {
                    *repeated.entry(label.speaker.clone()).or_insert(0) += 1;
                }
                label
            })
            .collect();
        Self {
            candidates,
            repeated,
        }
    }

    /// The speaker label opening `block`, the block at `index` of those collected.
    pub fn label_at_start(&self, index: usize, block: &RawBlock<'_>) -> Option<Label> {
        if let Some(label) = strong_label(block) {
            return Some(label);
        }
        if let Some(label) = colon_label(&block.text) {
            return Some(label);
        }
        let label = self.candidates.get(index)?.clone()?;
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

/// `THE PRESIDENT: …`, `Mr. Speaker: …`, `Q: …` — a short name followed by a colon and
/// more text.
fn colon_label(text: &str) -> Option<Label> {
    let head = head(text, 64);
    let colon = memchr::memchr(b':', head.as_bytes())?;
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
fn period_label_candidate(text: &str) -> Option<Label> {
    // Names start with a capital (or a non-ASCII letter); most paragraphs fail here.
    let first = *text.as_bytes().first()?;
    if !(first.is_ascii_uppercase() || first >= 0x80) {
        return None;
    }
    // Skip honorific periods ("Mr.") when looking for the label's end. Labels are short:
    // look no further than the first 64 bytes.
    let head = head(text, 64).as_bytes();
    let mut search_from = 0;
    let end = loop {
        let dot = search_from
            + memchr::memchr_iter(b'.', &head[search_from..])
                .find(|&d| head.get(search_from + d + 1) == Some(&b' '))?;
        // Most first sentences hold a character no name does (a comma, a digit, a line
        // break) before their first period: settled before the tests word by word.
        // (`looks_like_name` refuses the same.)
        if head[search_from..dot].iter().any(|&b| {
            b.is_ascii() && !b.is_ascii_alphabetic() && !matches!(b, b' ' | b'.' | b'\'' | b'-')
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

/// The longest prefix of `text` of at most `max_bytes` bytes that ends on a char boundary.
fn head(text: &str, max_bytes: usize) -> &str {
    &text[..text.floor_char_boundary(max_bytes)]
}

/// Capitalised words (connectives allowed), letters, periods, apostrophes and hyphens only.
fn looks_like_name(name: &str) -> bool {
    const CONNECTIVES: &[&str] = &[
        "of", "the", "de", "du", "van", "von", "la", "le", "der", "and", "da",
    ];
    let mut words = name.split_whitespace().peekable();
    if words.peek().is_none() || name.len() > 48 {
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
    use super::*;
    use crate::import::builder::RawMark;

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
