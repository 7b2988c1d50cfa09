//! Plain text, including web pages saved as text.
//!
//! Plain text is blank-line paragraphs with hard-wrapped lines re-joined. A page saved from
//! the web as text (the seed document is one) shows its origin: Markdown-like `#` headings,
//! a breadcrumb, lines of `Label (/link)` navigation, a footer of related links and cookie
//! notices, a lead broken one word per line, a paragraph split across blank lines. Such text
//! is read as [`SourceFormat::ScrapedText`]: the chrome is removed (and counted in a
//! warning), heading levels are normalised to siblings, and inline HTML links become links.
//!
//! Heading detection in plain text is conservative: a false heading breaks the outline and
//! citations, a missed one only costs a jump target.

use std::borrow::Cow;

use smallvec::SmallVec;

use crate::document::{Provenance, SourceFormat, Warning, WarningKind};
use crate::import::builder::{RawBlock, RawKind};
use crate::import::headings::{detect_headings, flatten_headings, take_title};
use crate::import::para::{
    Para, Screen, ends_sentence, heading_marker, more_words_than, starts_turn,
};
use crate::import::scrape::{lines, looks_scraped, remove_chrome};
use crate::metadata::Candidates;

/// Reads plain or scraped text into blocks, proposing in-text metadata. The positions of
/// the text's brackets, found on the way, are put in `brackets`.
pub(crate) fn read<'a>(
    text: &'a str,
    candidates: &mut Candidates,
    warnings: &mut Vec<Warning>,
    brackets: &mut Vec<usize>,
) -> (Vec<RawBlock<'a>>, SourceFormat) {
    let screen = Screen::of(text, brackets);
    let scraped = looks_scraped(text, screen);
    let mut removed_lines = 0;
    let mut paragraphs = if scraped {
        let mut chunks = chunks(text);
        removed_lines += remove_chrome(&mut chunks);
        let mut paragraphs = to_paragraphs(&chunks, true);
        take_date_lines(&mut paragraphs, candidates);
        take_title(&mut paragraphs, candidates);
        flatten_headings(&mut paragraphs);
        paragraphs
    } else {
        let mut paragraphs = plain_paragraphs(text);
        take_date_lines(&mut paragraphs, candidates);
        detect_headings(&mut paragraphs, candidates);
        paragraphs
    };
    let rejoined = rejoin_splits(&mut paragraphs);
    if removed_lines > 0 {
        warnings.push(Warning::new(
            WarningKind::ChromeRemoved,
            format!("removed {removed_lines} lines of web-page navigation, footer and link lists"),
        ));
    }
    if rejoined > 0 {
        warnings.push(Warning::new(
            WarningKind::Rejoined,
            if rejoined == 1 {
                "re-joined 1 paragraph that was split mid-sentence".to_owned()
            } else {
                format!("re-joined {rejoined} paragraphs that were split mid-sentence")
            },
        ));
    }
    let blocks = paragraphs
        .into_iter()
        .filter_map(|p| p.into_block(scraped, screen))
        .collect();
    let format = if scraped {
        SourceFormat::ScrapedText
    } else {
        SourceFormat::PlainText
    };
    (blocks, format)
}

/// Consecutive non-blank lines.
#[derive(Debug)]
pub(crate) struct Chunk<'a> {
    /// Most chunks are one line (a paragraph per line): stored inline, no allocation.
    pub lines: SmallVec<[&'a str; 1]>,
    /// Blank lines between this chunk and the previous one.
    pub blank_before: usize,
}

fn chunks(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    for_each_chunk(text, |lines, blank_before| {
        chunks.push(Chunk {
            lines: SmallVec::from_slice(lines),
            blank_before,
        });
    });
    chunks
}

/// Paragraphs of plain text straight from its lines, as [`to_paragraphs`] makes them from
/// [`chunks`] but without building the chunks: this is the path most files take.
fn plain_paragraphs(text: &str) -> Vec<Para<'_>> {
    let mut paragraphs = Vec::with_capacity(text.len() / 256);
    let mut chunk = 0;
    for_each_chunk(text, |lines, blank_before| {
        chunk_paragraphs(lines, blank_before, chunk, false, &mut paragraphs);
        chunk += 1;
    });
    paragraphs
}

/// Calls `f` with each run of non-blank lines and the number of blank lines before it.
fn for_each_chunk<'a>(text: &'a str, mut f: impl FnMut(&[&'a str], usize)) {
    let mut current: SmallVec<[&str; 4]> = SmallVec::new();
    let mut blank = 0;
    let mut blank_before = 0;
    for line in lines(text) {
        if is_blank(line) {
            if !current.is_empty() {
                f(&current, blank_before);
                current.clear();
                blank = 0;
            }
            blank += 1;
        } else {
            if current.is_empty() {
                blank_before = blank;
            }
            current.push(line);
        }
    }
    if !current.is_empty() {
        f(&current, blank_before);
    }
}

/// Cleaning left only ASCII white space, so a blank line is ASCII white space throughout.
fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b.is_ascii_whitespace())
}

/// "Published date: 08 Oct 2024" or a dateline such as "December 8, 1863" near the top
/// becomes the date and leaves the text, so ¶ numbers count the speech alone.
fn take_date_lines(paragraphs: &mut Vec<Para<'_>>, candidates: &mut Candidates) {
    const LEADS: &[&str] = &[
        "published date",
        "date published",
        "first published",
        "published on",
        "published",
        "posted on",
        "posted",
        "delivered on",
        "delivered",
        "date",
        "updated",
        "last updated",
    ];
    let mut remove = None;
    for (i, paragraph) in paragraphs
        .iter()
        .enumerate()
        .take_while(|(_, p)| p.chunk < 8)
    {
        if !paragraph.one_line || paragraph.kind != RawKind::Paragraph {
            continue;
        }
        let line = paragraph.text.trim();
        if line.len() > 200 {
            continue;
        }
        let lead = LEADS.iter().find(|lead| {
            line.get(..lead.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(lead))
                && line[lead.len()..]
                    .trim_start()
                    .starts_with([':', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
        });
        // Only a line that is the date alone: "Delivered on 4 March 1933, when …" is speech.
        if let Some(lead) = lead
            && let Some(date) = crate::date::dateline(&line[lead.len()..])
        {
            candidates.add_date(date, Provenance::InText);
            remove = Some(i);
            break;
        }
        if let Some(date) = crate::date::dateline(line) {
            candidates.add_date(date, Provenance::InText);
            remove = Some(i);
            break;
        }
    }
    if let Some(i) = remove {
        paragraphs.remove(i);
    }
}

fn is_list_marker(line: &str) -> bool {
    let t = line.trim_start();
    // Most lines open with a letter or a quotation mark, which no marker does ('•' and '–'
    // open with the byte 0xE2).
    if !matches!(t.as_bytes().first(), Some(b'-' | b'*' | b'0'..=b'9' | 0xE2)) {
        return false;
    }
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") || t.starts_with("– ")
    {
        return true;
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits) && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
}

fn to_paragraphs<'a>(chunks: &[Chunk<'a>], scraped: bool) -> Vec<Para<'a>> {
    let mut paragraphs = Vec::with_capacity(chunks.len());
    for (index, chunk) in chunks.iter().enumerate() {
        chunk_paragraphs(
            &chunk.lines,
            chunk.blank_before,
            index,
            scraped,
            &mut paragraphs,
        );
    }
    paragraphs
}

/// The paragraphs of one chunk of lines (a run between blank lines), appended to `out`.
fn chunk_paragraphs<'a>(
    lines: &[&'a str],
    blank_before: usize,
    chunk: usize,
    scraped: bool,
    out: &mut Vec<Para<'a>>,
) {
    let mut blank_before = blank_before;
    if let [line] = lines
        && !is_list_marker(line)
        && !(scraped && heading_marker(line).is_some())
        && !(line.starts_with("    ") || line.starts_with('\t'))
    {
        out.push(Para {
            kind: RawKind::Paragraph,
            // Cleaned text has no white space outside ASCII.
            text: Cow::Borrowed(line.trim_ascii()),
            blank_before,
            chunk,
            one_line: true,
        });
        return;
    }
    let indented = !scraped
        && lines
            .iter()
            .all(|l| l.starts_with("    ") || l.starts_with('\t'));
    let mut current = String::new();
    let mut current_kind = if indented {
        RawKind::Quote
    } else {
        RawKind::Paragraph
    };
    let flush =
        |current: &mut String, kind: RawKind, blank_before: &mut usize, out: &mut Vec<Para<'a>>| {
            if !current.trim().is_empty() {
                out.push(Para {
                    kind,
                    text: Cow::Owned(std::mem::take(current)),
                    blank_before: *blank_before,
                    chunk,
                    one_line: false,
                });
                *blank_before = 0;
            }
            current.clear();
        };
    for &line in lines {
        if let Some((level, title)) = heading_marker(line).filter(|_| scraped) {
            flush(&mut current, current_kind, &mut blank_before, out);
            out.push(Para {
                kind: RawKind::Heading(level),
                text: Cow::Borrowed(title),
                blank_before,
                chunk,
                one_line: lines.len() == 1,
            });
            blank_before = 0;
            continue;
        }
        // A numbered line after an unfinished sentence continues it ("…grew from twelve to
        // / 30. That is…"); it opens a list item only after a sentence or another item.
        let list = is_list_marker(line)
            && (current.is_empty() || current_kind == RawKind::ListItem || ends_sentence(&current));
        if (list || starts_turn(line)) && !current.is_empty() {
            flush(&mut current, current_kind, &mut blank_before, out);
        }
        if list {
            current_kind = RawKind::ListItem;
            let t = line.trim_start();
            let body = t.split_once(' ').map_or(t, |(marker, body)| {
                if marker.ends_with(['.', ')']) {
                    t
                } else {
                    body
                }
            });
            current.push_str(body);
            continue;
        }
        if current.is_empty() && current_kind == RawKind::ListItem {
            current_kind = RawKind::Paragraph;
        }
        if !current.is_empty() {
            // A word broken at a hyphen stays joined; other line ends are spaces.
            let joins_hyphen = current.ends_with('-')
                && !current.ends_with(" -")
                && line.trim_start().starts_with(char::is_lowercase);
            if !joins_hyphen {
                current.push('\n');
            }
        }
        current.push_str(line.trim());
    }
    flush(&mut current, current_kind, &mut blank_before, out);
}

/// Joins paragraphs a scraper split mid-sentence: the first does not end a sentence and the
/// second starts in lower case, or follows after several blank lines.
fn rejoin_splits(paragraphs: &mut Vec<Para>) -> usize {
    // Most texts have no split paragraph: found out before anything is moved.
    if !paragraphs.windows(2).any(|pair| joins(&pair[0], &pair[1])) {
        return 0;
    }
    let mut joined = 0;
    let mut out: Vec<Para> = Vec::with_capacity(paragraphs.len());
    for p in paragraphs.drain(..) {
        if let Some(prev) = out.last_mut()
            && joins(prev, &p)
        {
            let text = prev.text.to_mut();
            text.push('\n');
            text.push_str(&p.text);
            joined += 1;
            continue;
        }
        out.push(p);
    }
    *paragraphs = out;
    joined
}

/// Whether `next` continues the sentence `prev` leaves unfinished.
fn joins(prev: &Para, next: &Para) -> bool {
    prev.kind == RawKind::Paragraph
        && next.kind == RawKind::Paragraph
        && !ends_sentence(&prev.text)
        && more_words_than(&prev.text, 2)
        && continues(next)
}

fn continues(next: &Para) -> bool {
    let first = next.text.trim_start().chars().next();
    let lower_start = first.is_some_and(char::is_lowercase);
    // Eight words or more: counted only when it matters, and no further than the eighth.
    let long = || more_words_than(&next.text, 7);
    lower_start || (next.blank_before >= 2 && first.is_some_and(char::is_alphabetic) && long())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The blocks, candidates and warnings of a plain text, for tests here and in
    /// `headings`.
    pub(crate) fn read_text(text: &str) -> (Vec<(RawKind, String)>, Candidates, Vec<Warning>) {
        let mut c = Candidates::default();
        let mut w = Vec::new();
        let (blocks, _) = read(text, &mut c, &mut w, &mut Vec::new());
        (
            blocks
                .into_iter()
                .map(|b| (b.kind, b.text.into_owned()))
                .collect(),
            c,
            w,
        )
    }

    #[test]
    fn hard_wrapped_lines_rejoin() {
        let (blocks, _, _) = read_text("First line\nof a paragraph.\n\nSecond para-\ngraph here.");
        assert_eq!(
            blocks,
            [
                (RawKind::Paragraph, "First line of a paragraph.".into()),
                (RawKind::Paragraph, "Second para-graph here.".into())
            ]
        );
    }

    #[test]
    fn speech_that_looks_like_structure_stays_speech() {
        let prose =
            "This is a long paragraph of prose that goes on for quite a while and ends properly.";
        // A wrapped line starting with a number continues its sentence.
        let (blocks, _, _) =
            read_text("The number grew from twelve to\n30. That is the measure of it.");
        assert_eq!(
            blocks,
            [(
                RawKind::Paragraph,
                "The number grew from twelve to 30. That is the measure of it.".into()
            )]
        );
        // A spaced dash at a line end is not a broken word.
        let (blocks, _, _) = read_text("We will not stop now -\nand we will go on.");
        assert_eq!(blocks[0].1, "We will not stop now - and we will go on.");
        // A sentence that starts like a date line is speech.
        let line = "Delivered on 4 March 1933, when a quarter of the workforce had no work, this address set the tone.";
        let (blocks, c, _) = read_text(&format!("{line}\n\n{prose}"));
        assert_eq!((blocks.len(), c.date.len()), (2, 0));
        // Greetings and closings are neither titles nor headings.
        let (blocks, c, _) = read_text(&format!(
            "Ladies and Gentlemen\n\n{prose}\n\nThank You\n\n{prose}\n\nGod Bless America\n\n{prose}"
        ));
        assert!(c.title.is_empty(), "{:?}", c.title);
        assert!(
            blocks.iter().all(|(k, _)| *k == RawKind::Paragraph),
            "{blocks:?}"
        );
    }

    #[test]
    fn turns_split_lines() {
        let (blocks, _, _) = read_text("THE PRESIDENT: Thank you.\nQ: A question?\nA: An answer.");
        assert_eq!(blocks.len(), 3);
    }
}
