//! Assembling a [`Document`] from the blocks an importer found.
//!
//! Every importer ends here: [`assemble`] recognises speaker turns and stage directions,
//! numbers paragraphs, builds the outline, and lays everything out as one canonical text
//! with code-point spans. Importers only find blocks, so these are worked out once, the same
//! way for every format.

use std::borrow::Cow;

use crate::document::{Block, BlockKind, Document, Inline, InlineKind, Metadata, Section};
use crate::document::{SourceFormat, Warning};
use crate::import::builder::{RawBlock, RawKind};
use crate::import::{Width, stage_directions, structure};
use crate::text::{CharIndex, CharSpan, char_count};

/// The text an importer read the blocks from, and what is known of it as a whole. Most
/// blocks are slices of it, and what a search of the whole source found need not be looked
/// for again in each of them.
pub(crate) struct Source<'a> {
    pub text: &'a str,
    /// The width of its characters, as cleaning found it.
    pub width: &'a Width,
    /// Where its `(` and `[` are, in order, when the importer found them already.
    pub brackets: Option<&'a [usize]>,
}

impl Source<'_> {
    /// Where `block` lies in the source, if it is a slice of it (and not text of its own).
    fn range_of(&self, block: &str) -> Option<std::ops::Range<usize>> {
        let start = (block.as_ptr() as usize).checked_sub(self.text.as_ptr() as usize)?;
        let end = start.checked_add(block.len())?;
        (end <= self.text.len()).then_some(start..end)
    }
}

/// Lays the blocks out as a canonical text and derives the document's structure.
pub(crate) fn assemble(
    raw_blocks: Vec<RawBlock<'_>>,
    source: &Source<'_>,
    metadata: Metadata,
    format: SourceFormat,
    warnings: Vec<Warning>,
) -> Document {
    let speaker_labels = structure::SpeakerLabels::collect(&raw_blocks);
    // Stage directions open with a bracket: one search of the source finds every bracket
    // (the importer's, when it made one), and a block of the source without one is not
    // searched again.
    let found;
    let brackets = if let Some(brackets) = source.brackets {
        brackets
    } else {
        found = memchr::memchr2_iter(b'[', b'(', source.text.as_bytes()).collect::<Vec<_>>();
        &found
    };
    let may_hold_directions = |in_source: &Option<std::ops::Range<usize>>| match in_source {
        Some(range) => {
            let next = brackets.partition_point(|&at| at < range.start);
            brackets.get(next).is_some_and(|&at| at < range.end)
        }
        None => true,
    };
    let total_len: usize = raw_blocks.iter().map(|b| b.text.len() + 2).sum();
    let mut text = String::with_capacity(total_len);
    let mut blocks = Vec::with_capacity(raw_blocks.len());
    let mut inlines = Vec::new();
    let mut char_pos = 0;
    let mut paragraph_number = 0;
    let mut heading_titles = Vec::new();
    let mut line_breaks = 0;

    for (block_index, raw) in raw_blocks.into_iter().enumerate() {
        if !text.is_empty() {
            text.push_str("\n\n");
            char_pos += 2;
        }
        let block_start = char_pos;
        let in_source = source.range_of(&raw.text);
        let block_chars = in_source
            .clone()
            .and_then(|range| source.width.chars(range))
            .unwrap_or_else(|| char_count(&raw.text));
        let mut kind = match raw.kind {
            RawKind::Heading(level) => BlockKind::Heading { level },
            RawKind::Paragraph => BlockKind::Paragraph,
            RawKind::Quote => BlockKind::Quote,
            RawKind::ListItem => BlockKind::ListItem,
        };
        let (directions, label) = if raw.is_heading() {
            (Vec::new(), None)
        } else {
            let directions = if may_hold_directions(&in_source) {
                stage_directions::stage_directions(&raw.text)
            } else {
                Vec::new()
            };
            let whole = stage_directions::is_stage_direction_block(&raw.text, &directions);
            let label = (!whole && raw.kind == RawKind::Paragraph)
                .then(|| speaker_labels.label_at_start(block_index, &raw))
                .flatten();
            if whole {
                kind = BlockKind::StageDirection;
            }
            (directions, label)
        };
        if raw.is_heading() {
            heading_titles.push(raw.text.to_string());
        }
        if !directions.is_empty() || label.is_some() || !raw.marks.is_empty() {
            // Byte → char conversion within the block; blocks are small enough for a local index.
            let local = CharIndex::new(&raw.text);
            let to_span = |start: usize, end: usize| {
                CharSpan::new(
                    block_start + local.char_offset(&raw.text, start),
                    block_start + local.char_offset(&raw.text, end),
                )
            };
            for direction in directions {
                inlines.push(Inline {
                    span: to_span(direction.start, direction.end),
                    kind: InlineKind::StageDirection,
                });
            }
            if let Some(label) = label {
                let span = to_span(label.range.start, label.range.end);
                inlines.push(Inline {
                    span,
                    kind: InlineKind::SpeakerLabel,
                });
                kind = BlockKind::SpeakerTurn {
                    speaker: label.speaker,
                    label: span,
                };
            }
            for mark in &raw.marks {
                inlines.push(Inline {
                    span: to_span(mark.start, mark.end),
                    kind: mark.kind.clone(),
                });
            }
        }
        let number = if matches!(kind, BlockKind::Heading { .. }) {
            None
        } else {
            paragraph_number += 1;
            Some(paragraph_number)
        };
        // A borrowed block is one source line; only built blocks can hold line breaks.
        if let Cow::Owned(owned) = &raw.text {
            line_breaks += bytecount::count(owned.as_bytes(), b'\n');
        }
        text.push_str(&raw.text);
        char_pos += block_chars;
        blocks.push(Block {
            kind,
            span: CharSpan::new(block_start, char_pos),
            number,
        });
    }

    inlines.sort_by_key(|i| (i.span.start, std::cmp::Reverse(i.span.end)));
    let sections = outline(&blocks, heading_titles, char_pos);
    let content_hash = std::sync::OnceLock::new();
    let words = count_words(&text, blocks.len(), line_breaks);
    let index = std::sync::OnceLock::new();
    Document {
        text,
        metadata,
        blocks,
        sections,
        inlines,
        warnings,
        format,
        content_hash,
        words,
        char_len: char_pos,
        index,
    }
}

/// Sections from heading blocks: each runs to the end of the last block before the next
/// heading of the same or a lower level.
fn outline(blocks: &[Block], titles: Vec<String>, text_chars: usize) -> Vec<Section> {
    let headings: Vec<(usize, u8)> = blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b.kind {
            BlockKind::Heading { level } => Some((i, level)),
            _ => None,
        })
        .collect();
    let mut sections = Vec::with_capacity(headings.len());
    for (n, (&(block_index, level), title)) in headings.iter().zip(titles).enumerate() {
        let heading = blocks[block_index].span;
        let next = headings[n + 1..]
            .iter()
            .find(|&&(_, l)| l <= level)
            .map(|&(i, _)| i);
        let end = match next {
            Some(i) if i > 0 => blocks[i - 1].span.end,
            _ => blocks.last().map_or(text_chars, |b| b.span.end),
        };
        sections.push(Section {
            title,
            level,
            heading,
            span: CharSpan::new(heading.start, end.max(heading.end)),
        });
    }
    sections
}

/// Words in a canonical text laid out from `blocks` blocks holding `line_breaks` line breaks
/// among them: whitespace-separated tokens, as `wc -w` counts them. The text's only
/// separators are single spaces, those line breaks, and the blank line between blocks, so
/// counting spaces is enough.
pub(crate) fn count_words(text: &str, blocks: usize, line_breaks: usize) -> usize {
    if text.is_empty() {
        return 0;
    }
    let words = bytecount::count(text.as_bytes(), b' ') + line_breaks + blocks;
    debug_assert_eq!(
        words,
        text.split_whitespace().count(),
        "separators are single"
    );
    words
}
