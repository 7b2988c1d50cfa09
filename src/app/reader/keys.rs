//! The reader's keyboard, while no text box has it: selecting by word and sentence, moving
//! the caret by paragraph, jumping between sections, and highlighting, tagging, annotating
//! and deleting with single letters.

use lectern_core::Document;
use lectern_core::annotation::SpeechNotes;
use lectern_core::annotation::edit::Edit;

use super::{ReaderState, block_index, highlight, motion};
use crate::app::Command;

/// The reader's keys, while no text box has the keyboard. Shift with the arrows selects (by
/// word across, by sentence down and up); the arrows alone move the caret by paragraph.
pub fn keys(
    input: &mut egui::InputState,
    (path, doc): (&str, &Document),
    notes: Option<&SpeechNotes>,
    state: &mut ReaderState,
    commands: &mut Vec<Command>,
) {
    use egui::{Key, Modifiers};
    let shift = Modifiers::SHIFT;
    let start = state.start(doc);
    let anchor = state.selection.map_or(start, |(a, _)| a);
    let extend = |state: &mut ReaderState, head: usize| {
        state.selection = Some((anchor, head));
        state.reveal = motion::block_at(doc, head.saturating_sub(1));
    };
    if input.consume_key(shift, Key::ArrowRight) {
        extend(state, motion::word_end(doc, start));
    }
    if input.consume_key(shift, Key::ArrowLeft) {
        extend(state, motion::word_start(doc, start));
    }
    if input.consume_key(Modifiers::SHIFT | Modifiers::COMMAND, Key::ArrowDown) {
        let end = motion::block_at(doc, start).map_or(doc.char_len(), |i| doc.blocks[i].span.end);
        let end = if end == start {
            motion::sentence_end(doc, start)
        } else {
            end
        };
        extend(state, end);
    }
    if input.consume_key(shift, Key::ArrowDown) {
        extend(state, motion::sentence_end(doc, start));
    }
    if input.consume_key(shift, Key::ArrowUp) {
        extend(state, motion::previous_sentence_end(doc, start, anchor));
    }
    for (key, forward) in [(Key::ArrowDown, true), (Key::ArrowUp, false)] {
        if input.consume_key(Modifiers::NONE, key) {
            let here = state.caret().and_then(|c| motion::block_at(doc, c));
            let next = match (here, state.caret()) {
                (Some(i), Some(_)) if forward => (i + 1).min(doc.blocks.len().saturating_sub(1)),
                (Some(i), Some(_)) => i.saturating_sub(1),
                _ => state.first_visible.unwrap_or(0),
            };
            if let Some(block) = doc.blocks.get(next) {
                state.selection = Some((block.span.start, block.span.start));
                state.reveal = Some(next);
            }
        }
    }
    // ] and [: the next section's heading, and the heading above the top of the view.
    for (key, forward) in [(Key::CloseBracket, true), (Key::OpenBracket, false)] {
        if input.consume_key(Modifiers::NONE, key)
            && let Some(block) = section_step(doc, state.first_visible.unwrap_or(0), forward)
        {
            commands.push(Command::JumpToBlock(block));
        }
    }
    if input.consume_key(Modifiers::NONE, Key::H) {
        highlight(path, doc, state, commands);
    }
    if input.consume_key(Modifiers::NONE, Key::T) && state.selected.is_some() {
        state.editor.tags.request_focus = true;
    }
    if input.consume_key(Modifiers::NONE, Key::E) && state.selected.is_some() {
        state.editor.focus_note = true;
    }
    if (input.consume_key(Modifiers::NONE, Key::Delete)
        || input.consume_key(Modifiers::NONE, Key::Backspace))
        && let Some(id) = state.selected.take()
        && let Some(annotation) = notes.and_then(|n| n.annotation(&id))
    {
        commands.push(Command::edit(Edit::RemoveAnnotation {
            speech: path.to_owned(),
            annotation: annotation.clone(),
        }));
    }
}

/// The heading block of the next section after the block `from` (`forward`), or of the
/// last section whose heading is above it.
fn section_step(doc: &Document, from: usize, forward: bool) -> Option<usize> {
    let mut headings = doc
        .sections
        .iter()
        .map(|s| block_index(doc, s.heading.start));
    if forward {
        headings.find(|&b| b > from)
    } else {
        headings.rfind(|&b| b < from)
    }
}
