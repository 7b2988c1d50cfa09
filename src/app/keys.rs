//! The keyboard: the map the shortcuts window lists, and key presses turned into commands.

use super::{Command, Focus, LecternApp, reader};

/// The keyboard map, as the shortcuts window lists it.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+O", "Open an archive folder"),
    ("Ctrl+F", "Filter the library"),
    ("J / K", "Next / previous speech"),
    ("Down / Up", "Caret to the next / previous paragraph"),
    ("] / [", "Next section / back to the section's heading"),
    ("Shift+Right / Left", "Select word by word"),
    ("Shift+Down / Up", "Select sentence by sentence"),
    ("Ctrl+Shift+Down", "Select to the end of the paragraph"),
    ("H", "Highlight the selection and tag it"),
    ("T / E", "Tag / write a note on the selected annotation"),
    (
        "Enter",
        "In the tag box: add the tag (new names create a tag)",
    ),
    ("Delete", "Delete the selected annotation"),
    (
        "N / P",
        "Next / previous search hit in the speech, else annotation",
    ),
    ("F3 / Shift+F3", "Next / previous search hit"),
    ("Ctrl+Shift+F", "Search every speech"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo"),
    (
        "Ctrl+= / Ctrl+- / Ctrl+0",
        "Larger / smaller / default reading text",
    ),
    ("Ctrl+\\", "Hide / show the side panel beside the text"),
    ("Ctrl+T", "The tag manager"),
    ("Ctrl+L", "The timeline"),
    ("F1 or ?", "This list of shortcuts"),
    (
        "Esc",
        "Clear the selection, leave the annotation, close a window",
    ),
];

impl LecternApp {
    /// Turns key presses into commands. Letter keys act only while no text box has focus.
    pub(super) fn keyboard(&mut self, ctx: &egui::Context) {
        use egui::{Key, Modifiers};
        // A text box that had the keyboard last frame counts too: Esc takes the focus away
        // as the frame begins, and that Esc is the text box's, not the reader's.
        let typing = ctx.egui_wants_keyboard_input() || self.was_typing;
        ctx.input_mut(|input| {
            if input.consume_key(Modifiers::COMMAND, Key::L) {
                self.timeline.shown = !self.timeline.shown;
            }
            if input.consume_key(Modifiers::COMMAND, Key::T) {
                self.open_windows.tags = !self.open_windows.tags;
            }
            if input.consume_key(Modifiers::COMMAND, Key::O) {
                self.commands.push(Command::AskFolder);
            }
            if input.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::F) {
                self.search.shown = true;
                self.search.focus = true;
            }
            if input.consume_key(Modifiers::SHIFT, Key::F3) {
                self.commands.push(Command::StepHit(-1));
            }
            if input.consume_key(Modifiers::NONE, Key::F3) {
                self.commands.push(Command::StepHit(1));
            }
            if input.consume_key(Modifiers::COMMAND, Key::F) {
                self.search.shown = false;
                self.focus = Some(Focus::LibraryFilter);
            }
            if input.consume_key(Modifiers::NONE, Key::F1) {
                self.open_windows.shortcuts = !self.open_windows.shortcuts;
            }
            if input.consume_key(Modifiers::COMMAND, Key::Equals)
                || input.consume_key(Modifiers::COMMAND, Key::Plus)
                || input.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::Equals)
            {
                self.look.step_text_size(1);
            }
            if input.consume_key(Modifiers::COMMAND, Key::Minus) {
                self.look.step_text_size(-1);
            }
            if input.consume_key(Modifiers::COMMAND, Key::Num0) {
                self.look.step_text_size(0);
            }
            if input.consume_key(Modifiers::COMMAND, Key::Backslash) {
                self.look.side_panel = !self.look.side_panel;
            }
            if typing {
                // Esc and the arrows belong to the text box.
                return;
            }
            if input.consume_key(Modifiers::NONE, Key::Escape) {
                if self.open_windows.shortcuts
                    || self.open_windows.problems
                    || self.open_windows.tags
                {
                    self.open_windows.shortcuts = false;
                    self.open_windows.problems = false;
                    self.open_windows.tags = false;
                } else {
                    self.reader.escape();
                }
            }
            if input.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z)
                || input.consume_key(Modifiers::COMMAND, Key::Y)
            {
                self.commands.push(Command::Redo);
            }
            if input.consume_key(Modifiers::COMMAND, Key::Z) {
                self.commands.push(Command::Undo);
            }
            if let Some(archive) = &self.archive
                && let Some((path, doc)) = self.selected.and_then(|i| archive.speeches.get(i))
            {
                reader::keys(
                    input,
                    (path, doc),
                    archive.notes_of(path),
                    &mut self.reader,
                    &mut self.commands,
                );
            }
            if input.consume_key(Modifiers::NONE, Key::Questionmark)
                || input.consume_key(Modifiers::SHIFT, Key::Questionmark)
            {
                self.open_windows.shortcuts = !self.open_windows.shortcuts;
            }
            // With search hits in the open speech, N and P go through them.
            let (next, previous) = if self.reader.hits.is_empty() {
                (Command::StepAnnotation(1), Command::StepAnnotation(-1))
            } else {
                (Command::StepHit(1), Command::StepHit(-1))
            };
            for (key, command) in [
                (Key::J, Command::StepSpeech(1)),
                (Key::K, Command::StepSpeech(-1)),
                (Key::N, next),
                (Key::P, previous),
            ] {
                if input.consume_key(Modifiers::NONE, key) {
                    self.commands.push(command);
                }
            }
        });
    }
}
