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
use crate::import::{stage_directions, structure};
use crate::text::{CharIndex, CharSpan, char_count};

/// Lays the blocks out as a canonical text and derives the document's structure.
/// `ascii_source`: the text the blocks were read from is ASCII, so a block borrowed from it
/// has as many characters as bytes.
pub(crate) fn assemble(
    raw_blocks: Vec<RawBlock<'_>>,
    metadata: Metadata,
    format: SourceFormat,
    warnings: Vec<Warning>,
    ascii_source: bool,
) -> Document {
    let speaker_labels = structure::SpeakerLabels::collect(&raw_blocks);
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
        let block_chars = match &raw.text {
            Cow::Borrowed(borrowed) if ascii_source => {
                debug_assert!(borrowed.is_ascii(), "borrowed from the ASCII source");
                borrowed.len()
            }
            _ => char_count(&raw.text),
        };
        let mut kind = match raw.kind {
            RawKind::Heading(level) => BlockKind::Heading { level },
            RawKind::Paragraph => BlockKind::Paragraph,
            RawKind::Quote => BlockKind::Quote,
            RawKind::ListItem => BlockKind::ListItem,
        };
        let (directions, label) = if raw.is_heading() {
            (Vec::new(), None)
        } else {
            let directions = stage_directions::stage_directions(&raw.text);
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
