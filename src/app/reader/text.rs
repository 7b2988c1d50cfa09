//! Drawing a speech's text: only the blocks in view, each laid out once per frame with its
//! inline marks, highlights and the selection; and the pointer over it (select by dragging,
//! a word by double click, an annotation by clicking its highlight).

use std::sync::Arc;

use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::text_selection::CCursorRange;
use egui::{Color32, FontId, Galley};
use lectern_core::annotation::{AnchorStatus, Annotation, Vocabulary};
use lectern_core::document::{Block, BlockKind, InlineKind};
use lectern_core::{CharSpan, Document};

use super::{ReaderState, tag_colour};
use crate::app::look;

fn family(name: &str) -> egui::FontFamily {
    egui::FontFamily::Name(name.into())
}
pub const MARGIN_WIDTH: f32 = 44.0;
pub const MEASURE: f32 = 720.0;

/// What a block's cached layout depends on besides its text.
#[derive(Clone, PartialEq, Eq)]
pub struct GalleyKey {
    revision: u64,
    selected: Option<lectern_core::annotation::AnnotationId>,
    width: u32,
    size: u32,
    dark: bool,
    /// The current search hit: stepping to another draws it anew.
    current_hit: Option<CharSpan>,
}

/// What a block is drawn with: the speech, its annotations, the tag colours and the theme.
pub struct Style<'a> {
    pub doc: &'a Document,
    pub annotations: &'a [Annotation],
    pub vocabulary: &'a Vocabulary,
    pub text: Color32,
    pub strong: Color32,
    pub weak: Color32,
    pub dark: bool,
    /// The body text size, in points.
    pub size: f32,
    /// The notes' revision: a cached layout of an older one is stale.
    pub revision: u64,
    /// The annotation being edited: drawn stronger than the rest.
    pub selected: Option<&'a lectern_core::annotation::AnnotationId>,
    /// The search's hits in the speech, sorted, and the current one.
    pub hits: &'a [CharSpan],
    pub current_hit: Option<CharSpan>,
}

/// A block as drawn this frame: where, its laid-out text, and its span.
pub struct Drawn {
    pub(super) rect: egui::Rect,
    pub(super) galley: Arc<Galley>,
    pub(super) span: CharSpan,
}

impl Drawn {
    /// The text offset under `pos`.
    pub(super) fn offset_at(&self, pos: egui::Pos2) -> usize {
        let cursor = self.galley.cursor_from_pos(pos - self.rect.min);
        (self.span.start + cursor.index.0).min(self.span.end)
    }
}

/// Lays out the blocks that are in view (and a screen's worth around them); the others
/// take the space of their last measured, or estimated, height. A long speech costs a
/// frame what its visible part costs. Returns whether the selection's Highlight button was
/// clicked.
pub fn blocks_in_view(
    ui: &mut egui::Ui,
    viewport: egui::Rect,
    style: &Style<'_>,
    state: &mut ReaderState,
) -> bool {
    let blocks = &style.doc.blocks;
    let width = ui.available_width();
    if state.heights.len() != blocks.len()
        || (state.heights_width - width).abs() > 0.5
        || (state.heights_size - style.size).abs() > 0.1
    {
        // The same speech re-flowed (a panel opened or closed, the window or the text
        // resized): the paragraph at the top of the view stays there, rather than the
        // scroll's offset in points, which now falls elsewhere in the speech.
        if state.heights.len() == blocks.len() && viewport.top() > 0.0 {
            state.reflow_anchor = state.reflow_anchor.or(state.first_visible);
            state.jump_to = state.jump_to.or(state.reflow_anchor);
        }
        state.heights = blocks
            .iter()
            .map(|b| estimated_height(b, width, style.size))
            .collect();
        state.heights_width = width;
        state.heights_size = style.size;
    } else if state.jump_to.is_none() {
        state.reflow_anchor = None;
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
    state.drawn.clear();
    state.first_visible = None;
    let mut responses = Vec::new();
    while index < blocks.len() && y < to {
        let before = ui.cursor().top();
        let (response, drawn) = block_row(ui, style, index, state);
        if state.jump_to == Some(index) {
            response.scroll_to_me(Some(egui::Align::TOP));
            state.jump_to = None;
        }
        if state.reveal == Some(index) {
            response.scroll_to_me(None);
            state.reveal = None;
        }
        if state.first_visible.is_none() && y >= viewport.top() - 1.0 {
            state.first_visible = Some(index);
        }
        let height = ui.cursor().top() - before;
        state.heights[index] = height;
        y += height;
        index += 1;
        state.drawn.push(drawn);
        responses.push(response);
    }
    ui.add_space(state.heights[index..].iter().sum());
    super::pointer::pointer(ui, style, state, &responses);
    super::pointer::adder(ui, state)
}

/// A block's height before it has been laid out: its length in average lines.
fn estimated_height(block: &Block, width: f32, body: f32) -> f32 {
    let (size, gap) = match block.kind {
        BlockKind::Heading { .. } => (body * 1.25, 6.0),
        _ => (body, 10.0),
    };
    let chars_per_line = (width.min(measure(body)) / (size * 0.5)).max(10.0);
    let chars = f64::from(u32::try_from(block.span.len()).unwrap_or(u32::MAX)) as f32;
    let lines = (chars / chars_per_line).ceil().max(1.0);
    lines * size * 1.4 + gap
}

/// A comfortable line length for text of `size` points: about 75 characters.
pub fn measure(size: f32) -> f32 {
    MEASURE * size / 17.0
}

fn overlaps(a: CharSpan, b: CharSpan) -> bool {
    a.start < b.end && b.start < a.end
}

/// One block: its ¶ number in the margin (with a bar in the tag's colour when a highlight
/// touches it, so highlights show without relying on colour alone), then its text with the
/// selection and the caret.
fn block_row(
    ui: &mut egui::Ui,
    style: &Style<'_>,
    index: usize,
    state: &mut ReaderState,
) -> (egui::Response, Drawn) {
    let block = &style.doc.blocks[index];
    let first = style
        .annotations
        .iter()
        .find(|a| a.status != AnchorStatus::Orphaned && overlaps(a.target.span, block.span));
    let inner = ui.horizontal_top(|ui| {
        let (margin, _) =
            ui.allocate_exact_size(egui::vec2(MARGIN_WIDTH, style.size), egui::Sense::hover());
        if let Some(number) = block.number {
            ui.painter().text(
                margin.right_top() + egui::vec2(-10.0, style.size * 0.3),
                egui::Align2::RIGHT_TOP,
                number.to_string(),
                FontId::proportional(11.0),
                style.weak,
            );
        }
        let body = style.size;
        let base = match &block.kind {
            BlockKind::Heading { level } => {
                let size = match level {
                    1 => body * 1.35,
                    2 => body * 1.2,
                    _ => body * 1.05,
                };
                TextFormat::simple(FontId::new(size, family(look::READING_BOLD)), style.strong)
            }
            BlockKind::StageDirection => {
                TextFormat::simple(FontId::new(body, family(look::READING_ITALIC)), style.weak)
            }
            _ => TextFormat::simple(FontId::new(body, family(look::READING)), style.text),
        };
        // A comfortable reading measure, narrower when the window is.
        // Room is left for the scroll bar, which floats over the content's right edge.
        let width = (ui.available_width() - 14.0).min(measure(body));
        // The laid-out block is kept until the notes, the annotation being edited, the
        // width, the text size or the theme change.
        let key = GalleyKey {
            revision: style.revision,
            selected: style.selected.cloned(),
            width: width.to_bits(),
            size: body.to_bits(),
            dark: style.dark,
            current_hit: style.current_hit.filter(|h| overlaps(*h, block.span)),
        };
        let mut galley = match state.galleys.get(&index) {
            Some((cached, galley)) if *cached == key => Arc::clone(galley),
            _ => {
                let mut job = block_job(style, block.span, &base);
                job.wrap.max_width = width;
                let galley = ui.painter().layout_job(job);
                state.galleys.insert(index, (key, Arc::clone(&galley)));
                galley
            }
        };
        let (rect, response) = ui.allocate_exact_size(
            egui::vec2(width, galley.size().y),
            egui::Sense::click_and_drag(),
        );
        let response = response.on_hover_cursor(egui::CursorIcon::Text);
        // Screen readers (and the UI tests) read the block as a label.
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, galley.text()));
        let selection = state.selection_span();
        if let Some(sel) = selection.filter(|s| !s.is_empty() && overlaps(*s, block.span)) {
            let from = sel.start.max(block.span.start) - block.span.start;
            let to = sel.end.min(block.span.end) - block.span.start;
            let range = CCursorRange::two(CCursor::new(from), CCursor::new(to));
            egui::text_selection::visuals::paint_text_selection(
                &mut galley,
                ui.visuals(),
                &range,
                None,
            );
        }
        ui.painter()
            .galley(rect.min, Arc::clone(&galley), style.text);
        if let Some(caret) = state.caret()
            && selection.is_some_and(CharSpan::is_empty)
            && block.span.start <= caret
            && caret <= block.span.end
        {
            let at = galley
                .pos_from_cursor(CCursor::new(caret - block.span.start))
                .translate(rect.min.to_vec2());
            ui.painter().vline(
                at.left(),
                at.y_range(),
                egui::Stroke::new(2.0, ui.visuals().text_cursor.stroke.color),
            );
        }
        if let Some(annotation) = first {
            let bar = egui::Rect::from_min_max(
                egui::pos2(margin.right() - 5.0, rect.top()),
                egui::pos2(margin.right() - 2.0, rect.bottom()),
            );
            ui.painter()
                .rect_filled(bar, 1.0, tag_colour(style.vocabulary, annotation));
        }
        (
            response,
            Drawn {
                rect,
                galley,
                span: block.span,
            },
        )
    });
    if matches!(block.kind, BlockKind::Heading { .. }) {
        ui.add_space(6.0);
    } else {
        ui.add_space(10.0);
    }
    inner.inner
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
    let first_hit = style.hits.partition_point(|h| h.end <= span.start);
    let hits: Vec<CharSpan> = style.hits[first_hit..]
        .iter()
        .take_while(|h| h.start < span.end)
        .copied()
        .collect();
    let mut cuts = vec![span.start, span.end];
    for s in inlines
        .iter()
        .map(|i| i.span)
        .chain(highlights.iter().map(|a| a.target.span))
        .chain(hits.iter().copied())
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
        let size = base.font_id.size;
        for inline in inlines
            .iter()
            .filter(|i| i.span.start <= from && to <= i.span.end)
        {
            match &inline.kind {
                InlineKind::Emphasis => {
                    format.font_id = FontId::new(size, family(look::READING_ITALIC));
                }
                InlineKind::Strong | InlineKind::SpeakerLabel => {
                    format.font_id = FontId::new(size, family(look::READING_BOLD));
                    format.color = style.strong;
                }
                InlineKind::Link { .. } => format.underline = egui::Stroke::new(1.0, style.weak),
                InlineKind::StageDirection => {
                    format.font_id = FontId::new(size, family(look::READING_ITALIC));
                    format.color = style.weak;
                }
            }
        }
        let covering: Vec<&&Annotation> = highlights
            .iter()
            .filter(|a| a.target.span.start <= from && to <= a.target.span.end)
            .collect();
        if let Some(top) = covering.first() {
            let selected = covering.iter().find(|a| Some(&a.id) == style.selected);
            let shown = selected.unwrap_or(top);
            let colour = tag_colour(style.vocabulary, shown);
            // Overlaps deepen the wash; the underline marks highlights without colour; the
            // annotation being edited has the deepest wash and a heavier line.
            let mut alpha = if style.dark { 70 } else { 90 } + 40 * (covering.len().min(3) - 1);
            if selected.is_some() {
                alpha = 140;
                format.color = style.strong;
            }
            format.background = colour.gamma_multiply_u8(alpha as u8);
            format.underline =
                egui::Stroke::new(if selected.is_some() { 3.0 } else { 1.5 }, colour);
        }
        // A search hit shows over any highlight, amber like a browser's find, the current
        // one deeper; the highlight's underline stays.
        if let Some(hit) = hits.iter().find(|h| h.start <= from && to <= h.end) {
            let current = style.current_hit == Some(*hit);
            format.background = crate::app::search::hit_colour(style.dark, current);
            format.color = style.strong;
        }
        let bytes = doc.byte_offset(from) - start_byte..doc.byte_offset(to) - start_byte;
        job.append(&block_text[bytes], 0.0, format);
    }
    job
}
