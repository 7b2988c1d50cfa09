//! The tag manager: the archive's tags as a tree with how often each is used; a tag's
//! colour, description and parent; rename, merge and delete, each acting on every
//! annotation that uses the tag and each one undoable step.

use egui::RichText;
use lectern_core::annotation::edit::{Edit, delete_tag, merge_tags, rename_tag};
use lectern_core::annotation::{Colour, Notebook, TagDef, TagName};

use super::Command;

#[derive(Default)]
pub struct TagManager {
    selected: Option<TagName>,
    rename: String,
    merge_into: Option<TagName>,
    new_tag: String,
    description: Option<(TagName, String)>,
}

/// The tags in tree order: each parent followed by its children, with their depth.
fn tree(notebook: &Notebook) -> Vec<(usize, &TagName)> {
    let vocabulary = &notebook.vocabulary;
    let mut out = Vec::new();
    let is_root = |name: &TagName| {
        vocabulary.tags[name]
            .parent
            .as_ref()
            .is_none_or(|p| !vocabulary.tags.contains_key(p))
    };
    let mut stack: Vec<(usize, &TagName)> = vocabulary
        .tags
        .keys()
        .filter(|n| is_root(n))
        .rev()
        .map(|n| (0, n))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    while let Some((depth, name)) = stack.pop() {
        if !seen.insert(name) {
            continue;
        }
        out.push((depth, name));
        for child in vocabulary.children(name).into_iter().rev() {
            stack.push((depth + 1, child));
        }
    }
    // Tags caught in a parent cycle are listed at the top level rather than lost.
    for name in vocabulary.tags.keys() {
        if !seen.contains(name) {
            out.push((0, name));
        }
    }
    out
}

fn annotations(count: usize) -> String {
    match count {
        1 => "1 annotation".to_owned(),
        n => format!("{n} annotations"),
    }
}

fn colour32(colour: Colour) -> egui::Color32 {
    let [r, g, b] = colour.0;
    egui::Color32::from_rgb(r, g, b)
}

impl TagManager {
    pub fn show(&mut self, ui: &mut egui::Ui, notebook: &Notebook, commands: &mut Vec<Command>) {
        // Room for the details of a tag, so the window does not jump when one is chosen.
        ui.set_min_size(egui::vec2(600.0, 360.0));
        let counts = notebook.tag_counts();
        let vocabulary = &notebook.vocabulary;
        if self
            .selected
            .as_ref()
            .is_some_and(|s| !vocabulary.tags.contains_key(s))
        {
            self.selected = None;
        }
        ui.horizontal(|ui| {
            let response = ui.add(
                egui::TextEdit::singleline(&mut self.new_tag)
                    .hint_text("New tag")
                    .desired_width(200.0),
            );
            let name = TagName::new(&self.new_tag);
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let can_add = !name.0.is_empty() && !vocabulary.tags.contains_key(&name);
            if (ui.add_enabled(can_add, egui::Button::new("Add")).clicked() || entered) && can_add {
                commands.push(Command::edit(Edit::DefineTag {
                    name: name.clone(),
                    def: TagDef {
                        colour: Some(vocabulary.next_colour()),
                        ..TagDef::default()
                    },
                }));
                self.selected = Some(name);
                self.new_tag.clear();
            }
        });
        ui.separator();
        ui.columns(2, |columns| {
            egui::ScrollArea::vertical()
                .id_salt("tag tree")
                .show(&mut columns[0], |ui| {
                    if vocabulary.tags.is_empty() {
                        ui.label(
                            RichText::new("No tags yet: add one above, or tag a passage.").weak(),
                        );
                    }
                    for (depth, name) in tree(notebook) {
                        ui.horizontal(|ui| {
                            ui.add_space(16.0 * f32::from(u8::try_from(depth).unwrap_or(u8::MAX)));
                            let (rect, _) = ui
                                .allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                            ui.painter()
                                .rect_filled(rect, 2.0, colour32(vocabulary.colour(name)));
                            let count = counts.get(name).copied().unwrap_or(0);
                            let selected = self.selected.as_ref() == Some(name);
                            if ui
                                .add(egui::Button::selectable(selected, name.0.as_str()))
                                .clicked()
                            {
                                self.selected = Some(name.clone());
                                self.rename.clone_from(&name.0);
                                self.merge_into = None;
                            }
                            ui.label(RichText::new(count.to_string()).weak())
                                .on_hover_text(annotations(count));
                        });
                    }
                });
            let ui = &mut columns[1];
            let Some(name) = self.selected.clone() else {
                ui.label(RichText::new("Choose a tag to change it.").weak());
                return;
            };
            let Some(def) = vocabulary.tags.get(&name).cloned() else {
                return;
            };
            let count = counts.get(&name).copied().unwrap_or(0);
            ui.heading(name.0.as_str());
            ui.label(RichText::new(annotations(count)).weak());
            ui.add_space(6.0);
            let update = |after: TagDef| {
                Command::edit(Edit::UpdateTag {
                    name: name.clone(),
                    before: def.clone(),
                    after,
                })
            };
            ui.horizontal(|ui| {
                ui.label("Colour");
                let mut rgb = vocabulary.colour(&name).0;
                if ui.color_edit_button_srgb(&mut rgb).changed() {
                    commands.push(update(TagDef {
                        colour: Some(Colour(rgb)),
                        ..def.clone()
                    }));
                }
                if def.colour.is_some()
                    && def.parent.is_some()
                    && ui
                        .small_button("Parent's")
                        .on_hover_text("Take the parent's colour")
                        .clicked()
                {
                    commands.push(update(TagDef {
                        colour: None,
                        ..def.clone()
                    }));
                }
            });
            ui.horizontal(|ui| {
                let label = ui.label("Parent");
                egui::ComboBox::from_id_salt("tag parent")
                    .selected_text(def.parent.as_ref().map_or("None", |p| p.0.as_str()))
                    .show_ui(ui, |ui| {
                        let mut parent = def.parent.clone();
                        ui.selectable_value(&mut parent, None, "None");
                        for other in vocabulary.tags.keys() {
                            // A tag cannot sit under itself or its own descendants.
                            if other != &name && !vocabulary.lineage(other).contains(&&name) {
                                ui.selectable_value(
                                    &mut parent,
                                    Some(other.clone()),
                                    other.0.as_str(),
                                );
                            }
                        }
                        if parent != def.parent {
                            commands.push(update(TagDef {
                                parent,
                                ..def.clone()
                            }));
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
            let description_label = ui.label("Description");
            if self.description.as_ref().is_none_or(|(n, _)| n != &name) {
                self.description = Some((name.clone(), def.description.clone()));
            }
            if let Some((_, text)) = &mut self.description {
                let response = ui
                    .add(
                        egui::TextEdit::multiline(text)
                            .hint_text("What this code means, when to use it")
                            .desired_rows(2)
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(description_label.id);
                if response.lost_focus() && *text != def.description {
                    commands.push(update(TagDef {
                        description: text.clone(),
                        ..def.clone()
                    }));
                } else if !response.has_focus() {
                    self.description = None;
                }
            }
            ui.separator();
            ui.horizontal(|ui| {
                let label = ui.label("Name");
                ui.add(egui::TextEdit::singleline(&mut self.rename).desired_width(140.0))
                    .labelled_by(label.id);
                let to = TagName::new(&self.rename);
                if ui
                    .add_enabled(to != name && !to.0.is_empty(), egui::Button::new("Rename"))
                    .on_hover_text("Renames it on every annotation and speech")
                    .clicked()
                    && let Some(edit) = rename_tag(notebook, &name, &to)
                {
                    commands.push(Command::edit(edit));
                    self.selected = Some(to);
                }
            });
            if vocabulary.tags.contains_key(&TagName::new(&self.rename))
                && TagName::new(&self.rename) != name
            {
                ui.label(
                    RichText::new("A tag of that name exists: merge into it instead.")
                        .small()
                        .color(ui.visuals().warn_fg_color),
                );
            }
            ui.horizontal(|ui| {
                let label = ui.label("Merge into");
                egui::ComboBox::from_id_salt("tag merge")
                    .selected_text(self.merge_into.as_ref().map_or("…", |t| t.0.as_str()))
                    .show_ui(ui, |ui| {
                        for other in vocabulary.tags.keys().filter(|t| **t != name) {
                            ui.selectable_value(
                                &mut self.merge_into,
                                Some(other.clone()),
                                other.0.as_str(),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if let Some(into) = self.merge_into.clone()
                    && ui
                        .button("Merge")
                        .on_hover_text(format!("Every {name} passage becomes {into}; {name} goes"))
                        .clicked()
                    && let Some(edit) = merge_tags(notebook, &name, &into)
                {
                    commands.push(Command::edit(edit));
                    self.selected = Some(into);
                    self.merge_into = None;
                }
            });
            ui.add_space(6.0);
            let label = if count == 0 {
                "Delete tag".to_owned()
            } else {
                format!("Delete tag (keeps its {})", annotations(count))
            };
            if ui
                .button(label)
                .on_hover_text("Takes the tag off every annotation and speech; Ctrl+Z undoes it")
                .clicked()
                && let Some(edit) = delete_tag(notebook, &name)
            {
                commands.push(Command::edit(edit));
                self.selected = None;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_lists_children_under_their_parents() {
        let mut nb = Notebook::default();
        let def = |parent: Option<&str>| TagDef {
            parent: parent.map(TagName::new),
            ..TagDef::default()
        };
        for (name, parent) in [
            ("security", None),
            ("terrorism", Some("security")),
            ("economy", None),
            ("russia", Some("state threats")),
            ("state threats", Some("security")),
        ] {
            nb.vocabulary.tags.insert(TagName::new(name), def(parent));
        }
        let listed: Vec<(usize, &str)> = tree(&nb)
            .into_iter()
            .map(|(d, n)| (d, n.0.as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                (0, "economy"),
                (0, "security"),
                (1, "state threats"),
                (2, "russia"),
                (1, "terrorism"),
            ]
        );
    }
}
