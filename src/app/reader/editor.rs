//! Editing what the researcher adds to a speech: the selected annotation (its tags, note,
//! span, and its place after a changed source) and the speech's own memo and tags.
//!
//! Every change leaves as a [`Command::Edit`]; nothing here changes the notes directly.

use egui::{Color32, RichText};
use lectern_core::Document;
use lectern_core::annotation::anchor::target;
use lectern_core::annotation::edit::Edit;
use lectern_core::annotation::{
    AnchorStatus, Annotation, AnnotationId, SpeechNotes, TagDef, TagName, Vocabulary,
};

use super::{ReaderState, colour32, excerpt};
use crate::app::Command;

/// A tag box with type-ahead over the vocabulary.
#[derive(Default)]
pub struct TagInput {
    pub text: String,
    /// The suggestion chosen with the arrow keys.
    highlighted: usize,
    pub request_focus: bool,
}

/// Drafts of the text boxes, committed as one edit when the box loses focus.
#[derive(Default)]
pub struct EditorState {
    pub tags: TagInput,
    pub speech_tags: TagInput,
    /// The note being written, for this annotation.
    note: Option<(AnnotationId, String)>,
    pub focus_note: bool,
    memo: Option<(String, String)>,
    /// The details being edited: the speech's path and the four boxes.
    details: Option<(String, [String; 4])>,
}

/// How many suggestions the tag box lists.
const SUGGESTIONS: usize = 8;

/// The tags matching `query`: those starting with it first, then those containing it,
/// then those holding its letters in order; each group by name.
pub fn suggestions<'a>(vocabulary: &'a Vocabulary, query: &str) -> Vec<&'a TagName> {
    let query = query.trim().to_lowercase();
    let mut ranked: Vec<(u8, &TagName)> = vocabulary
        .tags
        .keys()
        .filter_map(|name| {
            let lower = name.0.to_lowercase();
            let rank = if lower.starts_with(&query) {
                0
            } else if lower.contains(&query) {
                1
            } else if is_subsequence(&query, &lower) {
                2
            } else {
                return None;
            };
            Some((rank, name))
        })
        .collect();
    ranked.sort();
    ranked.into_iter().map(|(_, name)| name).collect()
}

fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut rest = haystack.chars();
    needle.chars().all(|c| rest.any(|h| h == c))
}

/// A tag box: returns the tag chosen (an existing one or a new name) when Enter is pressed.
fn tag_input(
    ui: &mut egui::Ui,
    id: egui::Id,
    vocabulary: &Vocabulary,
    exclude: &[TagName],
    input: &mut TagInput,
) -> Option<TagName> {
    let focused = ui.memory(|m| m.has_focus(id));
    let found: Vec<&TagName> = suggestions(vocabulary, &input.text)
        .into_iter()
        .filter(|t| !exclude.contains(t))
        .take(SUGGESTIONS)
        .collect();
    let typed = TagName::new(&input.text);
    let creates = !typed.0.is_empty() && !vocabulary.tags.contains_key(&typed);
    let options = found.len() + usize::from(creates);
    if focused && options > 0 {
        // The arrow keys move through the suggestions, not the text cursor.
        ui.input_mut(|i| {
            if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown) {
                input.highlighted = (input.highlighted + 1) % options;
            }
            if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp) {
                input.highlighted = (input.highlighted + options - 1) % options;
            }
        });
    }
    input.highlighted = input.highlighted.min(options.saturating_sub(1));
    let response = ui.add(
        egui::TextEdit::singleline(&mut input.text)
            .id(id)
            .hint_text("Add a tag…")
            .desired_width(f32::INFINITY),
    );
    if input.request_focus {
        response.request_focus();
        input.request_focus = false;
    }
    if response.changed() {
        input.highlighted = 0;
    }
    let mut chosen = None;
    if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
        chosen = if input.highlighted < found.len() && !input.text.trim().is_empty() {
            Some(found[input.highlighted].clone())
        } else if creates {
            Some(typed.clone())
        } else {
            found.first().map(|t| (*t).clone())
        };
        // Stay in the box to add another tag.
        input.request_focus = chosen.is_some();
    } else if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        // Left with Esc: what was typed is dropped.
        input.text.clear();
    }
    // The list stays while something is typed, so a click on it lands after the box lost
    // the keyboard.
    if focused || response.has_focus() || !input.text.is_empty() {
        for (i, name) in found.iter().enumerate() {
            let selected = i == input.highlighted;
            let row = ui.horizontal(|ui| {
                swatch(ui, colour32(vocabulary.colour(name)));
                ui.add(egui::Button::selectable(selected, name.0.as_str()))
            });
            if row.inner.clicked() {
                chosen = Some((*name).clone());
            }
        }
        if creates {
            let selected = input.highlighted == found.len();
            let label = format!("Create tag “{}”", typed.0);
            if ui.add(egui::Button::selectable(selected, label)).clicked() {
                chosen = Some(typed);
            }
        }
    }
    if chosen.is_some() {
        input.text.clear();
        input.highlighted = 0;
    }
    chosen
}

fn swatch(ui: &mut egui::Ui, colour: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, colour);
}

/// The edit that adds `tag` to the vocabulary (with a colour of its own) when it is new,
/// followed by `then`.
fn with_tag_defined(vocabulary: &Vocabulary, tag: &TagName, then: Edit) -> Edit {
    if vocabulary.tags.contains_key(tag) {
        return then;
    }
    let def = TagDef {
        colour: Some(vocabulary.next_colour()),
        ..TagDef::default()
    };
    Edit::Batch(vec![
        Edit::DefineTag {
            name: tag.clone(),
            def,
        },
        then,
    ])
}

/// Tag chips with a button each to take the tag off; returns the tag to remove.
fn chips(ui: &mut egui::Ui, vocabulary: &Vocabulary, tags: &[TagName]) -> Option<TagName> {
    let mut removed = None;
    ui.horizontal_wrapped(|ui| {
        for tag in tags {
            let colour = colour32(vocabulary.colour(tag));
            egui::Frame::new()
                .fill(colour.gamma_multiply(0.35))
                .stroke(egui::Stroke::new(1.0, colour))
                .corner_radius(8.0)
                .inner_margin(egui::Margin::symmetric(6, 1))
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.spacing_mut().item_spacing.x = 4.0;
                        ui.label(tag.0.as_str());
                        if ui
                            .add(egui::Button::new(RichText::new("×").small()).frame(false))
                            .on_hover_text(format!("Take off the tag {tag}"))
                            .clicked()
                        {
                            removed = Some(tag.clone());
                        }
                    });
                });
        }
    });
    removed
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

/// The edit that saves the memo being written, if it changed.
pub fn memo_edit(
    path: &str,
    notes: Option<&SpeechNotes>,
    editor: &mut EditorState,
) -> Option<Command> {
    let (p, text) = editor.memo.take()?;
    let before = notes.map(|n| n.memo.clone()).unwrap_or_default();
    (p == path && text != before).then(|| {
        Command::edit(Edit::SetMemo {
            speech: path.to_owned(),
            before,
            after: text,
        })
    })
}

/// The speech's memo and its own tags.
pub fn speech_editor(
    ui: &mut egui::Ui,
    (path, doc): (&str, &Document),
    notes: Option<&SpeechNotes>,
    vocabulary: &Vocabulary,
    state: &mut EditorState,
    commands: &mut Vec<Command>,
) {
    let empty = SpeechNotes::default();
    let notes = notes.unwrap_or(&empty);
    let title = if notes.memo.is_empty() && notes.tags.is_empty() {
        "About this speech".to_owned()
    } else {
        format!("About this speech ({} tags)", notes.tags.len())
    };
    egui::CollapsingHeader::new(RichText::new(title).strong())
        .id_salt("speech notes")
        .default_open(!notes.memo.is_empty() || !notes.tags.is_empty())
        .show(ui, |ui| {
            details_editor(ui, (path, doc), notes, state, commands);
            ui.add_space(6.0);
            ui.label(RichText::new("Tags of the speech").small().weak());
            if let Some(tag) = chips(ui, vocabulary, &notes.tags) {
                let mut after = notes.tags.clone();
                after.retain(|t| t != &tag);
                commands.push(Command::edit(Edit::SetSpeechTags {
                    speech: path.to_owned(),
                    before: notes.tags.clone(),
                    after,
                }));
            }
            let id = egui::Id::unique("speech tags");
            if let Some(tag) = tag_input(ui, id, vocabulary, &notes.tags, &mut state.speech_tags) {
                let mut after = notes.tags.clone();
                after.push(tag.clone());
                after.sort();
                after.dedup();
                let edit = Edit::SetSpeechTags {
                    speech: path.to_owned(),
                    before: notes.tags.clone(),
                    after,
                };
                commands.push(Command::edit(with_tag_defined(vocabulary, &tag, edit)));
            }
            ui.label(RichText::new("Memo").small().weak());
            if state.memo.as_ref().is_none_or(|(p, _)| p != path) {
                state.memo = Some((path.to_owned(), notes.memo.clone()));
            }
            let Some((_, draft)) = state.memo.as_mut() else {
                return;
            };
            let response = ui.add(
                egui::TextEdit::multiline(draft)
                    .hint_text("A memo on the whole speech (Markdown)…")
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            );
            if response.lost_focus() {
                commands.extend(memo_edit(path, Some(notes), state));
            } else if !response.has_focus() {
                state.memo = None;
            }
        });
}

/// What the four detail boxes show: the value in effect, the researcher's or the source's.
fn details_text(metadata: &lectern_core::Metadata) -> [String; 4] {
    [
        metadata.title().unwrap_or_default().to_owned(),
        metadata.date().map(|d| d.to_string()).unwrap_or_default(),
        metadata.speakers().join("; "),
        metadata
            .place
            .as_ref()
            .map(|p| p.value.clone())
            .unwrap_or_default(),
    ]
}

/// Title, date, speakers and place, editable; an edit is kept as the researcher's own
/// value (provenance "user") and an emptied box goes back to what the source says.
fn details_editor(
    ui: &mut egui::Ui,
    (path, doc): (&str, &Document),
    notes: &SpeechNotes,
    state: &mut EditorState,
    commands: &mut Vec<Command>,
) {
    let effective = doc.metadata.with_overrides(&notes.overrides);
    if state.details.as_ref().is_none_or(|(p, _)| p != path) {
        state.details = Some((path.to_owned(), details_text(&effective)));
    }
    let Some((_, boxes)) = state.details.as_mut() else {
        return;
    };
    let o = &notes.overrides;
    let edited = [
        o.title.is_some(),
        o.date.is_some(),
        o.speakers.is_some(),
        o.place.is_some(),
    ];
    let mut any_focus = false;
    let mut commit = false;
    let mut reset = None;
    for (i, (label, hint)) in [
        ("Title", ""),
        ("Date", "1941-12-08"),
        ("Speaker", "names; separated; by semicolons"),
        ("Place", ""),
    ]
    .into_iter()
    .enumerate()
    {
        ui.horizontal(|ui| {
            let label = ui.add_sized(
                [52.0, 18.0],
                egui::Label::new(RichText::new(label).small().weak()),
            );
            // The box takes the row but for the reset button's room, so the panel's width
            // never follows its content.
            let width = (ui.available_width() - 32.0).max(60.0);
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut boxes[i])
                        .hint_text(hint)
                        .desired_width(width),
                )
                .labelled_by(label.id);
            any_focus |= response.has_focus();
            commit |= response.lost_focus();
            if edited[i]
                && ui
                    .small_button("×")
                    .on_hover_text("Your edit; click to go back to what the source says")
                    .clicked()
            {
                reset = Some(i);
            }
        });
    }
    let date_text = boxes[1].trim();
    let date = lectern_core::PartialDate::parse_iso(date_text);
    if !date_text.is_empty() && date.is_none() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "Type the date as a year, year-month or year-month-day",
        );
    }
    let source = details_text(&doc.metadata);
    let mut after = o.clone();
    if commit {
        // A box that says what the source says is no edit; an empty box is none either.
        let field = |i: usize, text: &str| {
            let text = text.trim();
            (!text.is_empty() && text != source[i].trim()).then(|| text.to_owned())
        };
        after.title = field(0, &boxes[0]);
        if date_text.is_empty() || date.is_some() {
            after.date = field(1, &boxes[1]).and(date);
        }
        after.speakers = field(2, &boxes[2]).map(|s| {
            s.split(';')
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect()
        });
        after.place = field(3, &boxes[3]);
    }
    match reset {
        Some(0) => after.title = None,
        Some(1) => after.date = None,
        Some(2) => after.speakers = None,
        Some(3) => after.place = None,
        _ => {}
    }
    if after != *o {
        commands.push(Command::edit(Edit::SetOverrides {
            speech: path.to_owned(),
            before: o.clone(),
            after,
        }));
    }
    if !any_focus {
        // Not being edited: follow the notes (an undo may have changed them).
        state.details = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_rank_prefix_then_substring_then_letters() {
        let mut v = Vocabulary::default();
        for name in [
            "economy",
            "security",
            "cyber security",
            "secrecy",
            "sanctions",
        ] {
            v.tags.insert(TagName::new(name), TagDef::default());
        }
        let names = |q: &str| -> Vec<String> {
            suggestions(&v, q)
                .into_iter()
                .map(|t| t.0.clone())
                .collect()
        };
        assert_eq!(names("sec"), ["secrecy", "security", "cyber security"]);
        assert_eq!(names("SCT"), ["cyber security", "sanctions", "security"]);
        assert_eq!(names("xyz"), Vec::<String>::new());
        assert_eq!(names("").len(), 5);
    }
}
