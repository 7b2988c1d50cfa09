//! Tags on a passage or a speech: chips to take one off, and a box with type-ahead over the
//! vocabulary that creates a tag on the fly.

use egui::{Color32, RichText};
use lectern_core::annotation::edit::Edit;
use lectern_core::annotation::{TagDef, TagName, Vocabulary};

use super::colour32;

/// A tag box with type-ahead over the vocabulary.
#[derive(Default)]
pub struct TagInput {
    pub text: String,
    /// The suggestion chosen with the arrow keys.
    highlighted: usize,
    pub request_focus: bool,
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
pub(super) fn tag_input(
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

pub(super) fn swatch(ui: &mut egui::Ui, colour: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, colour);
}

/// The edit that adds `tag` to the vocabulary (with a colour of its own) when it is new,
/// followed by `then`.
pub(crate) fn with_tag_defined(vocabulary: &Vocabulary, tag: &TagName, then: Edit) -> Edit {
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
pub(super) fn chips(
    ui: &mut egui::Ui,
    vocabulary: &Vocabulary,
    tags: &[TagName],
) -> Option<TagName> {
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
