//! Page chrome in web pages saved as text.
//!
//! A page saved from the web carries its site around the speech: a breadcrumb, navigation
//! written as `Label (/link)` lines, cookie and copyright notices, and a footer of related
//! links. These rules recognise that chrome line by line; the footer is cut from its first
//! marker ("Back to …", "Related …") once the speech has begun. Everything removed is counted
//! so the importer can say so in a warning.

use crate::import::para::{Screen, heading_marker, is_prose};
use crate::import::plain::Chunk;

/// Quick test for `(/`, `(http` or `(#` anywhere in the line.
fn has_link_target(line: &str) -> bool {
    let bytes = line.as_bytes();
    memchr::memchr_iter(b'(', bytes).any(|i| {
        let rest = &bytes[i + 1..];
        rest.starts_with(b"/") || rest.starts_with(b"http") || rest.starts_with(b"#")
    })
}

/// Counts `(…)` groups that hold a link target: `(/news)`, `(https://…)`.
fn link_targets(line: &str) -> (usize, String) {
    let mut count = 0;
    let mut rest_text = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('(') {
        rest_text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find(')');
        let target = close.map(|c| &after[..c]);
        let is_link = target.is_some_and(|t| {
            (t.starts_with('/')
                || t.starts_with("http://")
                || t.starts_with("https://")
                || t.starts_with('#'))
                && !t.contains(' ')
        });
        if let (true, Some(c)) = (is_link, close) {
            count += 1;
            rest = &after[c + 1..];
        } else {
            rest_text.push('(');
            rest = after;
        }
    }
    rest_text.push_str(rest);
    (count, rest_text)
}

/// `Label (/link)`, `(https://…)`, `About Us (/about) Careers (/careers)` — a navigation line.
fn is_link_line(line: &str) -> bool {
    if !has_link_target(line) {
        return false;
    }
    let (links, rest) = link_targets(line);
    if links == 0 {
        return false;
    }
    let words = rest.split_whitespace().count();
    let sentence = rest.trim_end().ends_with(['.', '!', '?']) && words > 8;
    words <= 9 * links && !sentence
}

fn is_breadcrumb(line: &str) -> bool {
    // One search for the bytes that end `>`, `›` (E2 80 BA) and `»` (C2 BB) rules out most
    // lines; a line with one of those bytes is asked for the characters.
    if line.len() > 1000
        || memchr::memchr3(b'>', 0xBA, 0xBB, line.as_bytes()).is_none()
        || !(line.contains('>') || line.contains('›') || line.contains('»'))
    {
        return false;
    }
    let trimmed = line.trim();
    let separators = trimmed.matches(" > ").count()
        + trimmed.matches(" › ").count()
        + trimmed.matches(" » ").count();
    separators >= 1
        && (trimmed.contains("(/") || trimmed.starts_with("Home"))
        && trimmed.split_whitespace().count() <= 40
}

fn is_chrome_line(line: &str) -> bool {
    const CHROME: &[&str] = &[
        "crown copyright",
        "all rights reserved",
        "cookie policy",
        "cookie preferences",
        "cookie settings",
        "we use cookies",
        "accept all cookies",
        "accept cookies",
        "reject cookies",
        "skip to main content",
        "skip to content",
        "share this page",
        "print this page",
        "back to top",
        "subscribe to our newsletter",
        "sign up to our newsletter",
        "follow us on",
        "privacy notice",
        "privacy policy",
        "terms and conditions",
        "accessibility statement",
    ];
    let trimmed = line.trim();
    let short = trimmed.split_whitespace().nth(12).is_none();
    // "© Crown Copyright", "(c) 2024 Example Ltd" — not "(c) to hand over those responsible".
    let copyright = trimmed.starts_with('©')
        || trimmed
            .strip_prefix("(c) ")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    if copyright && short {
        return true;
    }
    // Chrome lines are short; prose that mentions cookies is not chrome.
    if trimmed.len() > 160 || trimmed.split_whitespace().nth(15).is_some() {
        return false;
    }
    let lower = trimmed.to_lowercase();
    CHROME.iter().any(|c| lower.contains(c))
}

fn is_footer_marker(line: &str) -> bool {
    const MARKERS: &[&str] = &[
        "back to ",
        "related ",
        "related:",
        "see also",
        "more news",
        "more from",
        "read more",
        "view all",
        "share this",
        "you may also",
        "further reading",
        "tags:",
        "topics:",
        "latest news",
        "more speeches",
        "explore more",
        "recommended",
    ];
    let trimmed = line.trim();
    trimmed.split_whitespace().nth(10).is_none()
        && MARKERS.iter().any(|m| {
            trimmed
                .get(..m.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(m))
        })
}

pub(crate) fn looks_scraped(text: &str, screen: Screen) -> bool {
    // The whole-text screen answers first: most plain prose has no link targets, anchors or
    // `#`, and then only the breadcrumb near the top is left to look for.
    if screen.anchor {
        return true;
    }
    let (may_link, may_head) = (screen.link_target, screen.hash);
    let mut link_lines = 0;
    let mut chunk = 0;
    let mut in_chunk = false;
    for line in lines(text) {
        if line.bytes().all(|b| b.is_ascii_whitespace()) {
            chunk += usize::from(in_chunk);
            in_chunk = false;
            continue;
        }
        in_chunk = true;
        if chunk >= 5 && !may_head && !may_link {
            break;
        }
        if (may_head && heading_marker(line).is_some()) || (chunk < 5 && is_breadcrumb(line)) {
            return true;
        }
        if may_link && is_link_line(line) {
            link_lines += 1;
            if link_lines >= 2 {
                return true;
            }
        }
    }
    false
}

/// The lines of `text`, without their line feeds.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut finished = false;
    std::iter::from_fn(move || {
        if finished {
            return None;
        }
        // An empty line, as every blank line between paragraphs is, needs no search.
        let end = if bytes.get(start) == Some(&b'\n') {
            start
        } else if let Some(length) = memchr::memchr(b'\n', &bytes[start..]) {
            start + length
        } else {
            finished = true;
            bytes.len()
        };
        let line = &text[start..end];
        start = end + 1;
        Some(line)
    })
}

/// Whether a footer marker really opens the page's footer: the marker is a link or a label,
/// not a sentence ("Back to basics."), and what follows is mostly links and short lines, not
/// more of the speech.
fn footer_follows(marker: &str, rest: &[Chunk<'_>]) -> bool {
    let marker = marker.trim();
    if marker.ends_with(['.', '!', '?']) && !is_link_line(marker) {
        return false;
    }
    let lines: Vec<&str> = rest.iter().flat_map(|c| c.lines.iter().copied()).collect();
    let prose = lines
        .iter()
        .filter(|l| !is_link_line(l) && !l.contains('\t') && l.split_whitespace().nth(8).is_some())
        .count();
    prose * 2 <= lines.len()
}

/// Removes breadcrumbs, navigation and link lines, chrome lines, and everything from the
/// footer on. Returns how many lines were removed.
pub(crate) fn remove_chrome(chunks: &mut Vec<Chunk<'_>>) -> usize {
    let mut removed = 0;
    let mut prose_seen = 0;
    let mut cut_at = None;
    for (i, chunk) in chunks.iter().enumerate() {
        let first = chunk.lines[0];
        if prose_seen >= 3 && is_footer_marker(first) && footer_follows(first, &chunks[i..]) {
            cut_at = Some(i);
            break;
        }
        if is_prose(&chunk.lines.join(" ")) {
            prose_seen += 1;
        }
    }
    if let Some(cut) = cut_at {
        removed += chunks[cut..].iter().map(|c| c.lines.len()).sum::<usize>();
        chunks.truncate(cut);
    }
    for (i, chunk) in chunks.iter_mut().enumerate() {
        let before = chunk.lines.len();
        chunk.lines.retain(|line| {
            !(is_link_line(line) || is_chrome_line(line) || (i < 5 && is_breadcrumb(line)))
        });
        removed += before - chunk.lines.len();
    }
    chunks.retain(|chunk| !chunk.lines.is_empty());
    removed
}

#[cfg(test)]
mod tests {
    use crate::document::Warning;
    use crate::import::plain::read;
    use crate::metadata::Candidates;

    use super::lines;

    #[test]
    fn lines_are_those_split_at_line_feeds() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\n\nb",
            "\na\n\n\nb\n",
            "a\nb\nc",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.split('\n').collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    fn text_of(page: &str) -> String {
        let (blocks, _) = read(
            page,
            &mut Candidates::default(),
            &mut Vec::<Warning>::new(),
            &mut Vec::new(),
        );
        blocks
            .iter()
            .map(|b| b.text.as_ref())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    const PROSE: &str =
        "This is a long paragraph of prose that goes on for quite a while and ends properly.";

    #[test]
    fn a_sentence_like_a_footer_marker_is_speech() {
        let page = format!(
            "## Part\n\n{PROSE}\n\n{PROSE}\n\n{PROSE}\n\nBack to basics.\n\n{PROSE}\n\nThe last words of the speech are these."
        );
        assert!(
            text_of(&page).ends_with("The last words of the speech are these."),
            "{}",
            text_of(&page)
        );
    }

    #[test]
    fn a_clause_marked_c_is_speech_but_a_copyright_line_is_not() {
        let page = format!(
            "## Part\n\n{PROSE}\n\n(c) to hand over those responsible for the attack.\n\n(c) 2024 Example Ltd"
        );
        let text = text_of(&page);
        assert!(text.contains("(c) to hand over"), "{text}");
        assert!(!text.contains("Example Ltd"), "{text}");
    }
}
