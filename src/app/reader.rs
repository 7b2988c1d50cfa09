//! The reader: a speech's metadata, its outline and annotations, and its text section by
//! section with paragraph numbers in the margin and highlights in their tags' colours.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, RichText};
use lectern_core::annotation::{AnchorStatus, Annotation, SpeechNotes, Vocabulary};
use lectern_core::document::{Block, BlockKind, InlineKind};
use lectern_core::{CharSpan, Document};

use super::Command;

/// The reader's own state for the open speech.
#[derive(Default)]
pub struct ReaderState {
    /// A block to bring into view on the next frame.
    pub jump_to: Option<usize>,
    /// The annotation last stepped to with the keyboard (index into the speech's notes).
    current_annotation: Option<usize>,
    /// The height of each block, spacing included: measured once drawn, estimated before.
    /// Only the blocks in view are laid out; the others are space of this height.
    heights: Vec<f32>,
    /// The width the heights are for; a different width estimates again.
    heights_width: f32,
}

impl ReaderState {
    /// Moves to the next (`delta` > 0) or previous annotation that has a place in the text,
    /// and brings it into view.
    pub fn step_annotation(&mut self, doc: &Document, notes: &SpeechNotes, delta: isize) {
        let placed: Vec<usize> = notes
            .annotations
            .iter()
            .enumerate()
            .filter(|(_, a)| a.status != AnchorStatus::Orphaned)
            .map(|(i, _)| i)
            .collect();
        let position = self
            .current_annotation
            .and_then(|c| placed.iter().position(|&i| i == c));
        let next = match position {
            Some(at) => at.checked_add_signed(delta).filter(|&n| n < placed.len()),
            None if delta < 0 => placed.len().checked_sub(1),
            None => (!placed.is_empty()).then_some(0),
        };
        if let Some(next) = next {
            let index = placed[next];
            self.current_annotation = Some(index);
            self.jump_to = Some(block_index(doc, notes.annotations[index].target.span.start));
        }
    }
}

const BODY_SIZE: f32 = 16.0;
const MARGIN_WIDTH: f32 = 44.0;
const MEASURE: f32 = 720.0;

/// What a block is drawn with: the speech, its annotations, the tag colours and the theme.
struct Style<'a> {
    doc: &'a Document,
    annotations: &'a [Annotation],
    vocabulary: &'a Vocabulary,
    text: Color32,
    strong: Color32,
    weak: Color32,
    dark: bool,
}

pub fn show(
    ui: &mut egui::Ui,
    (path, doc): (&str, &Document),
    notes: Option<&SpeechNotes>,
    vocabulary: &Vocabulary,
    state: &mut ReaderState,
    commands: &mut Vec<Command>,
) {
    let annotations = notes.map_or(&[][..], |n| n.annotations.as_slice());
    if !doc.sections.is_empty() || !annotations.is_empty() {
        egui::Panel::right("outline")
            .resizable(true)
            .default_size(240.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("outline")
                    .show(ui, |ui| {
                        outline(ui, doc, commands);
                        annotation_list(ui, doc, annotations, vocabulary, commands);
                    });
            });
    }
    let visuals = ui.visuals();
    let style = Style {
        doc,
        annotations,
        vocabulary,
        text: visuals.text_color(),
        strong: visuals.strong_text_color(),
        weak: visuals.weak_text_color(),
        dark: visuals.dark_mode,
    };
    egui::CentralPanel::no_frame().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt(("reader", path))
            .auto_shrink(false)
            .show_viewport(ui, |ui, viewport| {
                ui.set_max_width(ui.available_width().min(MEASURE + MARGIN_WIDTH + 24.0));
                header(ui, path, doc);
                ui.add_space(12.0);
                blocks_in_view(ui, viewport, &style, state);
                ui.add_space(40.0);
            });
    });
}

/// Lays out the blocks that are in view (and a screen's worth around them); the others
/// take the space of their last measured, or estimated, height. A long speech costs a
/// frame what its visible part costs.
fn blocks_in_view(
    ui: &mut egui::Ui,
    viewport: egui::Rect,
    style: &Style<'_>,
    state: &mut ReaderState,
) {
    let blocks = &style.doc.blocks;
    let width = ui.available_width();
    if state.heights.len() != blocks.len() || (state.heights_width - width).abs() > 0.5 {
        state.heights = blocks.iter().map(|b| estimated_height(b, width)).collect();
        state.heights_width = width;
    }
    // Content coordinates: 0 is the top of the scrolled content.
    let origin = ui.min_rect().top();
    let slack = viewport.height();
    let (from, to) = (viewport.top() - slack, viewport.bottom() + slack);
    let mut y = ui.cursor().top() - origin;
    let mut index = 0;
    let mut skipped = 0.0;
    while index < blocks.len() && y + state.heights[index] < from {
        y += state.heights[index];
        skipped += state.heights[index];
        index += 1;
    }
    // A jump to a block out of view scrolls to its estimated place; the next frame, when
    // it is laid out, brings it exactly to the top.
    if let Some(target) = state.jump_to
        && target < blocks.len()
        && (target < index || y + state.heights[index..target].iter().sum::<f32>() > to)
    {
        let top = y - skipped + state.heights[..target].iter().sum::<f32>();
        let rect = egui::Rect::from_min_size(
            egui::pos2(ui.min_rect().left(), origin + top),
            egui::vec2(1.0, state.heights[target]),
        );
        ui.scroll_to_rect(rect, Some(egui::Align::TOP));
    }
    ui.add_space(skipped);
    while index < blocks.len() && y < to {
        let before = ui.cursor().top();
        let response = block_row(ui, style, &blocks[index]);
        if state.jump_to == Some(index) {
            response.scroll_to_me(Some(egui::Align::TOP));
            state.jump_to = None;
        }
        let height = ui.cursor().top() - before;
        state.heights[index] = height;
        y += height;
        index += 1;
    }
    ui.add_space(state.heights[index..].iter().sum());
}

/// A block's height before it has been laid out: its length in average lines.
fn estimated_height(block: &Block, width: f32) -> f32 {
    let (size, gap) = match block.kind {
        BlockKind::Heading { .. } => (20.0, 6.0),
        _ => (BODY_SIZE, 10.0),
    };
    let chars_per_line = (width.min(MEASURE) / (size * 0.48)).max(10.0);
    let chars = f64::from(u32::try_from(block.span.len()).unwrap_or(u32::MAX)) as f32;
    let lines = (chars / chars_per_line).ceil().max(1.0);
    lines * size * 1.15 + gap + 4.0
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

/// The block holding `offset` (the first block after it, past the end).
fn block_index(doc: &Document, offset: usize) -> usize {
    doc.blocks
        .partition_point(|b| b.span.end <= offset)
        .min(doc.blocks.len().saturating_sub(1))
}

fn outline(ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
    if doc.sections.is_empty() {
        return;
    }
    ui.add_space(8.0);
    ui.label(RichText::new("Outline").strong());
    ui.separator();
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
                commands.push(Command::JumpToBlock(block_index(
                    doc,
                    section.heading.start,
                )));
            }
        });
    }
    ui.add_space(12.0);
}

/// The speech's annotations in reading order, each with its tags, its anchoring status
/// when not exact, and its note; a click brings the passage into view.
fn annotation_list(
    ui: &mut egui::Ui,
    doc: &Document,
    annotations: &[Annotation],
    vocabulary: &Vocabulary,
    commands: &mut Vec<Command>,
) {
    if annotations.is_empty() {
        return;
    }
    ui.label(RichText::new(format!("Annotations ({})", annotations.len())).strong());
    ui.separator();
    for annotation in annotations {
        let colour = tag_colour(vocabulary, annotation);
        let response = ui
            .horizontal_top(|ui| {
                let (bar, _) = ui.allocate_exact_size(egui::vec2(4.0, 34.0), egui::Sense::hover());
                ui.painter().rect_filled(bar, 1.0, colour);
                ui.vertical(|ui| {
                    let quote = excerpt(&annotation.target.quote.exact, 80);
                    let clicked = ui
                        .add(
                            egui::Label::new(RichText::new(format!("“{quote}”")).italics())
                                .wrap_mode(egui::TextWrapMode::Wrap)
                                .sense(egui::Sense::click()),
                        )
                        .on_hover_cursor(egui::CursorIcon::PointingHand)
                        .clicked();
                    let mut facts: Vec<String> =
                        annotation.tags.iter().map(|t| format!("#{t}")).collect();
                    match annotation.status {
                        AnchorStatus::Exact => {}
                        AnchorStatus::Relocated => facts.push("moved".to_owned()),
                        AnchorStatus::Fuzzy => facts.push("needs review".to_owned()),
                        AnchorStatus::Orphaned => facts.push("orphaned".to_owned()),
                    }
                    if !facts.is_empty() {
                        ui.label(RichText::new(facts.join("  ")).small().weak());
                    }
                    if !annotation.note.is_empty() {
                        ui.add(
                            egui::Label::new(RichText::new(excerpt(&annotation.note, 160)).small())
                                .wrap_mode(egui::TextWrapMode::Wrap),
                        );
                    }
                    clicked
                })
                .inner
            })
            .inner;
        if response && annotation.status != AnchorStatus::Orphaned {
            commands.push(Command::JumpToBlock(block_index(
                doc,
                annotation.target.span.start,
            )));
        }
        ui.add_space(6.0);
    }
}

/// At most `max` characters of `text` on one line, with an ellipsis when cut.
fn excerpt(text: &str, max: usize) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        line
    } else {
        let cut: String = line.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The colour an annotation is drawn in: its first tag's, or the default.
fn tag_colour(vocabulary: &Vocabulary, annotation: &Annotation) -> Color32 {
    let colour = annotation
        .tags
        .first()
        .map_or(lectern_core::annotation::DEFAULT_TAG_COLOUR, |tag| {
            vocabulary.colour(tag)
        });
    let [r, g, b] = colour.0;
    Color32::from_rgb(r, g, b)
}

/// One block: its ¶ number in the margin (with a bar in the tag's colour when a highlight
/// touches it, so highlights show without relying on colour alone), then its text.
fn block_row(ui: &mut egui::Ui, style: &Style<'_>, block: &Block) -> egui::Response {
    let first = style
        .annotations
        .iter()
        .find(|a| a.status != AnchorStatus::Orphaned && overlaps(a.target.span, block.span));
    let inner = ui.horizontal_top(|ui| {
        let (margin, _) =
            ui.allocate_exact_size(egui::vec2(MARGIN_WIDTH, BODY_SIZE), egui::Sense::hover());
        if let Some(number) = block.number {
            ui.painter().text(
                margin.right_top() + egui::vec2(-10.0, 3.0),
                egui::Align2::RIGHT_TOP,
                number.to_string(),
                FontId::proportional(11.0),
                style.weak,
            );
        }
        let base = match &block.kind {
            BlockKind::Heading { level } => {
                let size = match level {
                    1 => 22.0,
                    2 => 19.0,
                    _ => 17.0,
                };
                TextFormat::simple(FontId::proportional(size), style.text)
            }
            BlockKind::StageDirection => TextFormat {
                italics: true,
                ..TextFormat::simple(FontId::proportional(BODY_SIZE), style.weak)
            },
            _ => TextFormat::simple(FontId::proportional(BODY_SIZE), style.text),
        };
        let job = block_job(style, block.span, &base);
        // A comfortable reading measure, narrower when the window is.
        let width = ui.available_width().min(MEASURE);
        let response = ui
            .allocate_ui(egui::vec2(width, 0.0), |ui| {
                ui.add(
                    egui::Label::new(job)
                        .wrap_mode(egui::TextWrapMode::Wrap)
                        .selectable(true),
                )
            })
            .inner;
        if let Some(annotation) = first {
            let bar = egui::Rect::from_min_max(
                egui::pos2(margin.right() - 5.0, response.rect.top()),
                egui::pos2(margin.right() - 2.0, response.rect.bottom()),
            );
            ui.painter()
                .rect_filled(bar, 1.0, tag_colour(style.vocabulary, annotation));
        }
        response
    });
    if matches!(block.kind, BlockKind::Heading { .. }) {
        ui.add_space(6.0);
    } else {
        ui.add_space(10.0);
    }
    inner.inner
}

fn overlaps(a: CharSpan, b: CharSpan) -> bool {
    a.start < b.end && b.start < a.end
}

/// A block's text cut at every boundary of an inline mark or a highlight, each run with
/// the format of the marks and highlights over it.
fn block_job(style: &Style<'_>, span: CharSpan, base: &TextFormat) -> LayoutJob {
    let doc = style.doc;
    let first_inline = doc.inlines.partition_point(|i| i.span.end <= span.start);
    let inlines: Vec<_> = doc.inlines[first_inline..]
        .iter()
        .take_while(|i| i.span.start < span.end)
        .filter(|i| overlaps(i.span, span))
        .collect();
    let highlights: Vec<&Annotation> = style
        .annotations
        .iter()
        .filter(|a| a.status != AnchorStatus::Orphaned && overlaps(a.target.span, span))
        .collect();
    let mut cuts = vec![span.start, span.end];
    for s in inlines
        .iter()
        .map(|i| i.span)
        .chain(highlights.iter().map(|a| a.target.span))
    {
        cuts.extend([
            s.start.clamp(span.start, span.end),
            s.end.clamp(span.start, span.end),
        ]);
    }
    cuts.sort_unstable();
    cuts.dedup();

    let start_byte = doc.byte_offset(span.start);
    let block_text = doc.slice(span);
    let mut job = LayoutJob::default();
    for run in cuts.windows(2) {
        let (from, to) = (run[0], run[1]);
        let mut format = base.clone();
        for inline in inlines
            .iter()
            .filter(|i| i.span.start <= from && to <= i.span.end)
        {
            match &inline.kind {
                InlineKind::Emphasis => format.italics = true,
                // The bundled fonts have no bold face; strong runs take the strong colour.
                InlineKind::Strong | InlineKind::SpeakerLabel => format.color = style.strong,
                InlineKind::Link { .. } => format.underline = egui::Stroke::new(1.0, style.weak),
                InlineKind::StageDirection => {
                    format.italics = true;
                    format.color = style.weak;
                }
            }
        }
        let covering: Vec<&&Annotation> = highlights
            .iter()
            .filter(|a| a.target.span.start <= from && to <= a.target.span.end)
            .collect();
        if let Some(top) = covering.first() {
            let colour = tag_colour(style.vocabulary, top);
            // Overlaps deepen the wash; the underline marks highlights without colour.
            let alpha = if style.dark { 70 } else { 90 } + 40 * (covering.len().min(3) - 1);
            format.background = colour.gamma_multiply_u8(alpha as u8);
            format.underline = egui::Stroke::new(1.5, colour);
        }
        let bytes = doc.byte_offset(from) - start_byte..doc.byte_offset(to) - start_byte;
        job.append(&block_text[bytes], 0.0, format);
    }
    job
}
