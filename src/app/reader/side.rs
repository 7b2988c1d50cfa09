//! Beside the text: the speech's outline and its list of annotations.

use egui::{Color32, RichText};
use lectern_core::Document;
use lectern_core::annotation::{AnchorStatus, Annotation, Vocabulary};

use super::{ReaderState, block_index, excerpt, tag_colour};
use crate::app::Command;

/// The speech's sections, each a jump to its heading; `current` (the section being read) is
/// marked, and scrolled into view when `reveal`.
pub fn outline(
    ui: &mut egui::Ui,
    doc: &Document,
    (current, reveal): (Option<usize>, bool),
    commands: &mut Vec<Command>,
) {
    if doc.sections.is_empty() {
        return;
    }
    ui.add_space(8.0);
    ui.label(RichText::new("Outline").strong());
    ui.separator();
    for (i, section) in doc.sections.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.add_space(f32::from(section.level.saturating_sub(1)) * 12.0);
            let title = if section.title.is_empty() {
                "(untitled)"
            } else {
                &section.title
            };
            let is_current = current == Some(i);
            let button = egui::Button::selectable(is_current, title).truncate();
            let response = ui.add(button);
            if is_current && reveal {
                response.scroll_to_me(None);
            }
            if response.clicked() {
                commands.push(Command::JumpToBlock(block_index(
                    doc,
                    section.heading.start,
                )));
            }
        });
    }
    ui.add_space(12.0);
}

/// The speech's annotations: those whose place needs the researcher's eye first (the review
/// queue), then the rest in reading order under their sections' titles; a tag filter on
/// top. A click selects one and brings its passage into view.
pub fn annotation_list(
    ui: &mut egui::Ui,
    doc: &Document,
    annotations: &[Annotation],
    vocabulary: &Vocabulary,
    state: &mut ReaderState,
) {
    if annotations.is_empty() {
        return;
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Annotations ({})", annotations.len())).strong());
        let mut used: Vec<&lectern_core::annotation::TagName> =
            annotations.iter().flat_map(|a| &a.tags).collect();
        used.sort();
        used.dedup();
        if !used.is_empty() {
            let shown = state
                .tag_filter
                .as_ref()
                .map_or("All tags".to_owned(), |t| format!("#{t}"));
            let label = ui.label(RichText::new("Show").small().weak());
            let combo = egui::ComboBox::from_id_salt("annotation tag filter")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut state.tag_filter, None, "All tags");
                    for tag in used {
                        ui.selectable_value(
                            &mut state.tag_filter,
                            Some(tag.clone()),
                            format!("#{tag}"),
                        );
                    }
                });
            combo.response.labelled_by(label.id);
        }
    });
    ui.separator();
    let shown: Vec<&Annotation> = annotations
        .iter()
        .filter(|a| state.tag_filter.as_ref().is_none_or(|t| a.has_tag(t)))
        .collect();
    // The list as rows of two kinds: headings (the review queue, then section titles) and
    // annotations. Only the rows in view are drawn, so a speech with a thousand
    // annotations costs a frame what a dozen do.
    let needs_review =
        |a: &Annotation| matches!(a.status, AnchorStatus::Fuzzy | AnchorStatus::Orphaned);
    let mut items: Vec<Item<'_>> = Vec::new();
    let review: Vec<&Annotation> = shown.iter().copied().filter(|a| needs_review(a)).collect();
    if !review.is_empty() {
        items.push(Item::Review(review.len()));
        items.extend(review.into_iter().map(Item::Annotation));
    }
    let mut section: Option<&str> = None;
    for annotation in shown.iter().copied().filter(|a| !needs_review(a)) {
        let title = doc
            .section_at(annotation.target.span.start)
            .map(|s| s.title.as_str());
        if title != section
            && let Some(title) = title
        {
            items.push(Item::Section(title));
        }
        section = title;
        items.push(Item::Annotation(annotation));
    }
    let reveal = state.reveal_in_list.take();
    egui::ScrollArea::vertical()
        .id_salt("annotations")
        .auto_shrink([false, false])
        .show_viewport(ui, |ui, viewport| {
            let width = ui.available_width();
            let origin = ui.min_rect().top();
            let mut y = 0.0;
            for item in &items {
                let height = item.height();
                let rect = egui::Rect::from_min_size(
                    egui::pos2(ui.min_rect().left(), origin + y),
                    egui::vec2(width, height),
                );
                if let Item::Annotation(a) = item
                    && reveal.as_ref() == Some(&a.id)
                {
                    ui.scroll_to_rect(rect, None);
                }
                if y + height >= viewport.top() && y <= viewport.bottom() {
                    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| match item {
                        Item::Review(n) => {
                            ui.label(
                                RichText::new(format!("To review ({n})"))
                                    .color(ui.visuals().warn_fg_color),
                            )
                            .on_hover_text(
                                "The source changed under these annotations: check the place \
                                 found, or re-attach them to the right words",
                            );
                        }
                        Item::Section(title) => {
                            ui.add(
                                egui::Label::new(RichText::new(*title).small().strong()).truncate(),
                            );
                        }
                        Item::Annotation(annotation) => {
                            annotation_row(ui, doc, annotation, vocabulary, state);
                        }
                    });
                }
                y += height;
            }
            ui.allocate_space(egui::vec2(width, y));
        });
}

/// A row of the annotation list.
enum Item<'a> {
    Review(usize),
    Section(&'a str),
    Annotation(&'a Annotation),
}

/// The height of an annotation's row: its quote, its tags and status, its note, on a line
/// each.
const ROW_HEIGHT: f32 = 58.0;

impl Item<'_> {
    fn height(&self) -> f32 {
        match self {
            Item::Review(_) | Item::Section(_) => 20.0,
            Item::Annotation(a) if a.note.is_empty() => ROW_HEIGHT - 16.0,
            Item::Annotation(_) => ROW_HEIGHT,
        }
    }
}

fn annotation_row(
    ui: &mut egui::Ui,
    doc: &Document,
    annotation: &Annotation,
    vocabulary: &Vocabulary,
    state: &mut ReaderState,
) {
    let colour = tag_colour(vocabulary, annotation);
    let selected = state.selected.as_ref() == Some(&annotation.id);
    let frame = egui::Frame::new()
        .inner_margin(egui::Margin::symmetric(2, 2))
        .corner_radius(3.0)
        .fill(if selected {
            ui.visuals().selection.bg_fill.gamma_multiply(0.35)
        } else {
            Color32::TRANSPARENT
        });
    let bar_height = Item::Annotation(annotation).height() - 12.0;
    let clicked = frame
        .show(ui, |ui| {
            ui.horizontal_top(|ui| {
                let (bar, _) =
                    ui.allocate_exact_size(egui::vec2(4.0, bar_height), egui::Sense::hover());
                ui.painter().rect_filled(bar, 1.0, colour);
                ui.vertical(|ui| {
                    // One line each for the quote, the tags and status, and the note: rows of
                    // known height are what lets the list draw only those in view.
                    let quote = excerpt(&annotation.target.quote.exact, 120);
                    let clicked = ui
                        .add(
                            egui::Label::new(RichText::new(format!("“{quote}”")).italics())
                                .truncate()
                                .sense(egui::Sense::click()),
                        )
                        .on_hover_cursor(egui::CursorIcon::PointingHand)
                        .clicked();
                    let mut facts: Vec<String> =
                        annotation.tags.iter().map(|t| format!("#{t}")).collect();
                    match annotation.status {
                        AnchorStatus::Exact => {}
                        AnchorStatus::Relocated => facts.push("moved".to_owned()),
                        AnchorStatus::Fuzzy => facts.push("closest match".to_owned()),
                        AnchorStatus::Orphaned => facts.push("not found".to_owned()),
                    }
                    if annotation.conflict_with.is_some() {
                        facts.push("conflicting copy".to_owned());
                    }
                    if facts.is_empty() {
                        facts.push("no tags".to_owned());
                    }
                    ui.add(
                        egui::Label::new(RichText::new(facts.join("  ")).small().weak()).truncate(),
                    );
                    if !annotation.note.is_empty() {
                        ui.add(
                            egui::Label::new(RichText::new(excerpt(&annotation.note, 160)).small())
                                .truncate(),
                        );
                    }
                    clicked
                })
                .inner
            })
            .inner
        })
        .inner;
    if clicked {
        state.select_annotation(annotation.id.clone());
        if annotation.status != AnchorStatus::Orphaned {
            state.jump_to = Some(block_index(doc, annotation.target.span.start));
        }
    }
}
