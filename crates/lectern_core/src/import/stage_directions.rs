//! Stage directions: what happens in the room, written into a transcript in brackets.
//!
//! `[Applause]`, `(Laughter.)`, `[Crosstalk]`: the reader styles these apart from the speech
//! and they never become headings. A bracket counts when it is short and names something the
//! room does; square brackets, an editor's voice, also count when they hold a whole
//! paragraph. Parentheses hold asides of every kind, so theirs must be shorter still. The
//! rules are narrow on purpose: "(see the appendix)" and "(the 1990 law)" are the speaker's
//! own words.

use std::ops::Range;

/// Byte ranges of the stage directions inside a paragraph.
pub(crate) fn stage_directions(text: &str) -> Vec<Range<usize>> {
    /// Directions are short; a bracket that does not close within this many bytes is prose.
    const MAX_INNER: usize = 80;
    /// Parentheses hold asides of every kind; the room's are a few words: "(Laughter.)".
    const MAX_INNER_PAREN: usize = 40;
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    for start in memchr::memchr2_iter(b'[', b'(', bytes) {
        if start < from {
            continue;
        }
        let (open, close) = if bytes[start] == b'[' {
            (b'[', b']')
        } else {
            (b'(', b')')
        };
        let max_inner = if open == b'(' {
            MAX_INNER_PAREN
        } else {
            MAX_INNER
        };
        let window = &bytes[start + 1..bytes.len().min(start + 2 + max_inner)];
        let end = match memchr::memchr(close, window) {
            Some(rel) => start + 1 + rel + 1,
            // Square brackets around a whole paragraph are an editor's note about the room.
            None if open == b'[' && start == 0 && bytes.last() == Some(&b']') => {
                found.push(0..bytes.len());
                break;
            }
            None => continue,
        };
        let inner = &text[start + 1..end - 1];
        let whole_paragraph = start == 0 && end == bytes.len();
        if (open == b'[' && whole_paragraph && inner.len() > 1) || mentions_stage_word(inner) {
            found.push(start..end);
            from = end;
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

/// A paragraph that consists of stage directions only.
pub(crate) fn is_stage_direction_block(text: &str, directions: &[Range<usize>]) -> bool {
    if directions.is_empty() {
        return false;
    }
    let mut last = 0;
    for d in directions {
        if text[last..d.start.max(last)]
            .chars()
            .any(char::is_alphanumeric)
        {
            return false;
        }
        last = last.max(d.end);
    }
    !text[last..].chars().any(char::is_alphanumeric)
}

fn mentions_stage_word(inner: &str) -> bool {
    if inner.len() > 80 {
        return false;
    }
    let mut buffer = [0u8; 16];
    let ascii_hit = inner
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .any(|word| {
            // Lower-case on the stack; stage words are short.
            if !word.is_ascii() || word.len() > buffer.len() || word.len() < 3 {
                return false;
            }
            for (to, from) in buffer.iter_mut().zip(word.bytes()) {
                *to = from.to_ascii_lowercase();
            }
            is_stage_word(&buffer[..word.len()])
        });
    ascii_hit
        || (!inner.is_ascii()
            && STAGE_WORDS
                .iter()
                .any(|w| !w.is_ascii() && inner.to_lowercase().contains(w)))
}

/// Whether a lower-case ASCII word is one of the ASCII [`STAGE_WORDS`] (a `match` compiles
/// to a length switch, which matters: this runs for every word in every parenthesis).
fn is_stage_word(lower: &[u8]) -> bool {
    matches!(
        lower,
        b"applause"
            | b"laughter"
            | b"laughs"
            | b"laughing"
            | b"cheers"
            | b"cheering"
            | b"booing"
            | b"boos"
            | b"boo"
            | b"inaudible"
            | b"crosstalk"
            | b"cross-talk"
            | b"audience"
            | b"silence"
            | b"pause"
            | b"music"
            | b"chanting"
            | b"chants"
            | b"interruption"
            | b"interrupted"
            | b"ovation"
            | b"sighs"
            | b"groans"
            | b"shouts"
            | b"noise"
            | b"applaudissements"
            | b"rires"
            | b"beifall"
            | b"heiterkeit"
            | b"aplausos"
            | b"risas"
    )
}

/// Words that make a bracketed aside a stage direction.
const STAGE_WORDS: &[&str] = &[
    "applause",
    "laughter",
    "laughs",
    "laughing",
    "cheers",
    "cheering",
    "booing",
    "boos",
    "boo",
    "inaudible",
    "crosstalk",
    "cross-talk",
    "audience",
    "silence",
    "pause",
    "music",
    "chanting",
    "chants",
    "interruption",
    "interrupted",
    "ovation",
    "sighs",
    "groans",
    "shouts",
    "noise",
    "applaudissements",
    "rires",
    "beifall",
    "heiterkeit",
    "aplausos",
    "risas",
    "掌声",
    "笑声",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_word_match_agrees_with_the_list() {
        for word in STAGE_WORDS.iter().filter(|w| w.is_ascii()) {
            assert!(is_stage_word(word.as_bytes()), "{word}");
        }
        assert!(!is_stage_word(b"appendix"));
    }

    #[test]
    fn directions() {
        let text = "But Ukraine—[applause]. Ukraine can stop Putin. (Laughter.) (the 1990 law)";
        let found: Vec<&str> = stage_directions(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, ["[applause]", "(Laughter.)"]);
        let block = |t: &str| is_stage_direction_block(t, &stage_directions(t));
        assert!(block("[Applause]"));
        assert!(block(
            "[Before speaking, the President presented his remarks.]"
        ));
        assert!(block("(Applause.) (Laughter.)"));
        assert!(!block("Good evening. [Laughter]"));
        assert!(!block("(see the appendix)"));
    }
}
