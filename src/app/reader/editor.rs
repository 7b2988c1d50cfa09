//! The selected annotation's editor: its tags, note and span, and its place after a changed
//! source (accept the closest match, or set it to other words).
//!
//! Every change leaves as a [`Command::Edit`]; nothing here changes the notes directly.

use egui::RichText;
use lectern_core::Document;
use lectern_core::annotation::anchor::target;
use lectern_core::annotation::edit::Edit;
use lectern_core::annotation::{AnchorStatus, Annotation, AnnotationId, Vocabulary};

use super::tags::{TagInput, chips, tag_input, with_tag_defined};
use super::{ReaderState, excerpt};
use crate::app::Command;

/// Drafts of the text boxes, committed as one edit when the box loses focus.
#[derive(Default)]
pub struct EditorState {
    pub tags: TagInput,
    pub speech_tags: TagInput,
    /// The note being written, for this annotation.
    note: Option<(AnnotationId, String)>,
    pub focus_note: bool,
    pub(super) memo: Option<(String, String)>,
    /// The details being edited: the speech's path and the four boxes.
    pub(super) details: Option<(String, [String; 4])>,
}

/// The panel for the selected annotation.
pub fn annotation_editor(
    ui: &mut egui::Ui,
    (path, doc): (&str, &Document),
    annotation: &Annotation,
    vocabulary: &Vocabulary,
    state: &mut ReaderState,
    commands: &mut Vec<Command>,
) {
    let now = crate::clock::now();
    let replace = |after: Annotation| Edit::ReplaceAnnotation {
        speech: path.to_owned(),
        before: annotation.clone(),
        after,
    };
    ui.horizontal(|ui| {
        ui.label(RichText::new("Passage").strong());
        if let Some(block) = doc.block_at(annotation.target.span.start)
            && let Some(number) = block.number
            && annotation.status != AnchorStatus::Orphaned
        {
            ui.label(RichText::new(format!("¶ {number}")).weak());
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("Close")
                .on_hover_text("Esc: leave the passage")
                .clicked()
            {
                commands.extend(note_edit(path, Some(annotation), &mut state.editor));
                state.selected = None;
            }
        });
    });
    ui.add(
        egui::Label::new(
            RichText::new(format!(
                "“{}”",
                excerpt(&annotation.target.quote.exact, 300)
            ))
            .italics(),
        )
        .wrap_mode(egui::TextWrapMode::Wrap),
    );
    match annotation.status {
        AnchorStatus::Exact => {}
        AnchorStatus::Relocated => {
            ui.label(
                RichText::new("The source changed; these words were found elsewhere.")
                    .small()
                    .weak(),
            );
        }
        AnchorStatus::Fuzzy => {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "The source changed; this is the closest match. Accept it, or select the \
                 right words and set the passage to them.",
            );
            if ui.button("Accept this place").clicked() {
                let mut after = annotation.clone();
                after.target = target(doc, annotation.target.span);
                after.status = AnchorStatus::Exact;
                after.modified = now;
                commands.push(Command::edit(replace(after)));
            }
        }
        AnchorStatus::Orphaned => {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "The source changed and these words are gone. The annotation is kept: select \
                 the right words and set the passage to them, or delete it.",
            );
        }
    }
    ui.add_space(6.0);
    if let Some(tag) = chips(ui, vocabulary, &annotation.tags) {
        let mut after = annotation.clone();
        after.tags.retain(|t| t != &tag);
        after.modified = now;
        commands.push(Command::edit(replace(after)));
    }
    let id = egui::Id::unique("annotation tags");
    if let Some(tag) = tag_input(ui, id, vocabulary, &annotation.tags, &mut state.editor.tags) {
        let mut after = annotation.clone();
        after.tags.push(tag.clone());
        after.normalise_tags();
        after.modified = now;
        commands.push(Command::edit(with_tag_defined(
            vocabulary,
            &tag,
            replace(after),
        )));
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Note").small().weak());
    let editor = &mut state.editor;
    if editor
        .note
        .as_ref()
        .is_none_or(|(id, _)| *id != annotation.id)
    {
        editor.note = Some((annotation.id.clone(), annotation.note.clone()));
    }
    let Some((_, draft)) = editor.note.as_mut() else {
        return;
    };
    let response = ui.add(
        egui::TextEdit::multiline(draft)
            .hint_text("Write a note (Markdown)…")
            .desired_rows(4)
            .desired_width(f32::INFINITY),
    );
    if editor.focus_note {
        response.request_focus();
        editor.focus_note = false;
    }
    if response.lost_focus() {
        commands.extend(note_edit(path, Some(annotation), &mut state.editor));
    } else if !response.has_focus() {
        // Not being written: follow the annotation (an undo may have changed it).
        state.editor.note = None;
    }
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let selection = state.selection_span().filter(|s| !s.is_empty());
        if ui
            .add_enabled(selection.is_some(), egui::Button::new("Set to selection"))
            .on_hover_text("Make the selected words this annotation's passage")
            .on_disabled_hover_text("Select words in the text first")
            .clicked()
            && let Some(span) = selection
        {
            let mut after = annotation.clone();
            after.target = target(doc, span);
            after.status = AnchorStatus::Exact;
            after.modified = now;
            commands.push(Command::edit(replace(after)));
            state.selection = None;
        }
        if ui
            .button("Delete")
            .on_hover_text("Delete: remove this annotation (Ctrl+Z brings it back)")
            .clicked()
        {
            commands.push(Command::edit(Edit::RemoveAnnotation {
                speech: path.to_owned(),
                annotation: annotation.clone(),
            }));
            state.selected = None;
        }
    });
}

/// The edit that saves the note being written, if it changed. `annotation` is the note's
/// annotation as it is now (found by the caller by the draft's id).
pub fn note_edit(
    path: &str,
    annotation: Option<&Annotation>,
    editor: &mut EditorState,
) -> Option<Command> {
    let (id, text) = editor.note.take()?;
    let annotation = annotation.filter(|a| a.id == id && a.note != text)?;
    let mut after = annotation.clone();
    after.note = text;
    after.modified = crate::clock::now();
    Some(Command::edit(Edit::ReplaceAnnotation {
        speech: path.to_owned(),
        before: annotation.clone(),
        after,
    }))
}

/// The id of the annotation whose note is being written.
pub fn note_draft_of(editor: &EditorState) -> Option<&AnnotationId> {
    editor.note.as_ref().map(|(id, _)| id)
}
