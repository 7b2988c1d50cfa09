//! The reader: a speech's metadata, its outline, and its text section by section with
//! paragraph numbers in the margin.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, RichText};
use lectern_core::document::{BlockKind, InlineKind};
use lectern_core::{CharSpan, Document};

use super::Command;

/// The reader's own state for the open speech.
#[derive(Default)]
pub struct ReaderState {
    /// A block to bring into view on the next frame.
    pub jump_to: Option<usize>,
}

const BODY_SIZE: f32 = 16.0;
const MARGIN_WIDTH: f32 = 44.0;
const MEASURE: f32 = 720.0;

pub fn show(
    ui: &mut egui::Ui,
    path: &str,
    doc: &Document,
    state: &mut ReaderState,
    commands: &mut Vec<Command>,
) {
    if !doc.sections.is_empty() {
        egui::Panel::right("outline")
            .resizable(true)
            .default_size(220.0)
            .show(ui, |ui| outline(ui, doc, commands));
    }
    let jump_to = state.jump_to.take();
    egui::CentralPanel::no_frame().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt(("reader", path))
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.set_max_width(ui.available_width().min(MEASURE + MARGIN_WIDTH + 24.0));
                header(ui, path, doc);
                ui.add_space(12.0);
                for (index, block) in doc.blocks.iter().enumerate() {
                    let response = block_row(ui, doc, block);
                    if jump_to == Some(index) {
                        response.scroll_to_me(Some(egui::Align::TOP));
                    }
                }
                ui.add_space(40.0);
            });
    });
}

fn header(ui: &mut egui::Ui, path: &str, doc: &Document) {
    let meta = &doc.metadata;
    ui.add_space(8.0);
    ui.add(
        egui::Label::new(
            RichText::new(meta.title().unwrap_or(path))
                .size(24.0)
                .strong(),
        )
        .wrap_mode(egui::TextWrapMode::Wrap),
    );
    let mut facts = Vec::new();
    if let Some(date) = meta.date() {
        facts.push(date.to_string());
    }
    if !meta.speakers().is_empty() {
        facts.push(meta.speakers().join(", "));
    }
    if let Some(place) = &meta.place {
        facts.push(place.value.clone());
    }
    if !facts.is_empty() {
        ui.label(RichText::new(facts.join(" · ")).size(15.0));
    }
    ui.label(RichText::new(path).weak().small());
    if !doc.warnings.is_empty() {
        ui.collapsing(format!("{} import notes", doc.warnings.len()), |ui| {
            for warning in &doc.warnings {
                ui.label(RichText::new(&warning.message).small());
            }
        });
    }
}

fn outline(ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
    ui.add_space(8.0);
    ui.label(RichText::new("Outline").strong());
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("outline")
        .show(ui, |ui| {
            for section in &doc.sections {
                ui.horizontal(|ui| {
                    ui.add_space(f32::from(section.level.saturating_sub(1)) * 12.0);
                    let title = if section.title.is_empty() {
                        "(untitled)"
                    } else {
                        &section.title
                    };
                    if ui
                        .add(egui::Button::new(title).frame(false).truncate())
                        .clicked()
                    {
                        let block = doc
                            .blocks
                            .partition_point(|b| b.span.end <= section.heading.start);
                        commands.push(Command::JumpToBlock(block));
                    }
                });
            }
        });
}

/// One block: its ¶ number in the margin, then its text.
fn block_row(
    ui: &mut egui::Ui,
    doc: &Document,
    block: &lectern_core::document::Block,
) -> egui::Response {
    let weak = ui.visuals().weak_text_color();
    let text_color = ui.visuals().text_color();
    let inner = ui.horizontal_top(|ui| {
        let (margin, _) =
            ui.allocate_exact_size(egui::vec2(MARGIN_WIDTH, BODY_SIZE), egui::Sense::hover());
        if let Some(number) = block.number {
            ui.painter().text(
                margin.right_top() + egui::vec2(-10.0, 3.0),
                egui::Align2::RIGHT_TOP,
                number.to_string(),
                FontId::proportional(11.0),
                weak,
            );
        }
        let job = match &block.kind {
            BlockKind::Heading { level } => {
                let size = match level {
                    1 => 22.0,
                    2 => 19.0,
                    _ => 17.0,
                };
                LayoutJob::single_section(
                    doc.slice(block.span).to_owned(),
                    TextFormat::simple(FontId::proportional(size), text_color),
                )
            }
            BlockKind::StageDirection => LayoutJob::single_section(
                doc.slice(block.span).to_owned(),
                TextFormat {
                    italics: true,
                    ..TextFormat::simple(FontId::proportional(BODY_SIZE), weak)
                },
            ),
            _ => paragraph_job(
                doc,
                block.span,
                [text_color, ui.visuals().strong_text_color(), weak],
            ),
        };
        // A comfortable reading measure, narrower when the window is.
        let width = ui.available_width().min(MEASURE);
        ui.allocate_ui(egui::vec2(width, 0.0), |ui| {
            ui.add(
                egui::Label::new(job)
                    .wrap_mode(egui::TextWrapMode::Wrap)
                    .selectable(true),
            )
        })
        .inner
    });
    if matches!(block.kind, BlockKind::Heading { .. }) {
        ui.add_space(6.0);
    } else {
        ui.add_space(10.0);
    }
    inner.inner
}

/// A paragraph's text with its inline marks: emphasis, strong, links, speaker labels.
fn paragraph_job(doc: &Document, span: CharSpan, colours: [Color32; 3]) -> LayoutJob {
    let [text, strong, weak] = colours;
    let base = TextFormat::simple(FontId::proportional(BODY_SIZE), text);
    let mut job = LayoutJob::default();
    let start_byte = doc.byte_offset(span.start);
    let block_text = doc.slice(span);
    let mut at = span.start;
    let first = doc.inlines.partition_point(|i| i.span.end <= span.start);
    for inline in doc.inlines[first..]
        .iter()
        .take_while(|i| i.span.start < span.end)
    {
        let from = inline.span.start.max(at);
        let to = inline.span.end.min(span.end);
        if from >= to {
            continue;
        }
        let byte = |c: usize| doc.byte_offset(c) - start_byte;
        job.append(&block_text[byte(at)..byte(from)], 0.0, base.clone());
        let format = match &inline.kind {
            InlineKind::Emphasis => TextFormat {
                italics: true,
                ..base.clone()
            },
            // The bundled fonts have no bold face; strong runs take the strong text colour.
            InlineKind::Strong | InlineKind::SpeakerLabel => TextFormat {
                color: strong,
                ..base.clone()
            },
            InlineKind::Link { .. } => TextFormat {
                underline: egui::Stroke::new(1.0, weak),
                ..base.clone()
            },
            InlineKind::StageDirection => TextFormat {
                italics: true,
                color: weak,
                ..base.clone()
            },
        };
        job.append(&block_text[byte(from)..byte(to)], 0.0, format);
        at = to;
    }
    job.append(&block_text[doc.byte_offset(at) - start_byte..], 0.0, base);
    job
}
