//! The pointer over the text: press and drag to select across blocks, double click for a
//! word, click a highlight to open its annotation or a link to open it in the browser; hover
//! cards; the Highlight button by a selection.

use egui::RichText;
use egui::text::CCursor;
use lectern_core::Document;
use lectern_core::annotation::{AnchorStatus, Annotation, Vocabulary};
use lectern_core::document::InlineKind;

use super::text::{Drawn, Style};
use super::{ReaderState, excerpt, motion};

/// A small button by the end of a selection made with the pointer, to highlight it.
pub(super) fn adder(ui: &egui::Ui, state: &ReaderState) -> bool {
    let Some(sel) = state.selection_span().filter(|s| !s.is_empty()) else {
        return false;
    };
    if state.dragging {
        return false;
    }
    let Some(drawn) = state
        .drawn
        .iter()
        .rev()
        .find(|d| d.span.start < sel.end && sel.start < d.span.end)
    else {
        return false;
    };
    let end = sel.end.min(drawn.span.end) - drawn.span.start;
    let at = drawn
        .galley
        .pos_from_cursor(CCursor::new(end))
        .translate(drawn.rect.min.to_vec2());
    let mut clicked = false;
    egui::Area::new(egui::Id::unique("highlight adder"))
        .order(egui::Order::Foreground)
        .fixed_pos(at.left_bottom() + egui::vec2(-8.0, 6.0))
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                clicked = ui
                    .button("Highlight")
                    .on_hover_text("H: highlight the selected words and tag them")
                    .clicked();
            });
        });
    clicked
}

/// Selection by the pointer: press and drag across blocks; double click for a word; a
/// click on a highlight selects its annotation, elsewhere places the caret.
pub(super) fn pointer(
    ui: &egui::Ui,
    style: &Style<'_>,
    state: &mut ReaderState,
    responses: &[egui::Response],
) {
    let (press, pos, down) = ui.input(|i| {
        (
            i.pointer.primary_pressed(),
            i.pointer.interact_pos(),
            i.pointer.primary_down(),
        )
    });
    let drawn_blocks = std::mem::take(&mut state.drawn);
    for (drawn, response) in drawn_blocks.iter().zip(responses) {
        let Some(pos) = pos.filter(|p| drawn.rect.contains(*p)) else {
            continue;
        };
        let offset = drawn.offset_at(pos);
        if press && response.hovered() {
            state.selection = Some((offset, offset));
            state.dragging = true;
        }
        let link = link_at(style.doc, offset);
        if response.double_clicked() {
            let (start, end) = motion::word_at(style.doc, offset);
            state.selection = Some((start, end));
            state.dragging = false;
        } else if response.clicked() && state.selection.is_none_or(|(a, b)| a == b) {
            // A link opens in the browser only when clicked; a click on a highlight opens
            // its annotation.
            if let Some(url) = link {
                ui.ctx().open_url(egui::OpenUrl::new_tab(url));
            } else if let Some(annotation) = innermost_at(style.annotations, offset) {
                state.select_annotation(annotation.id.clone());
            }
        }
        if let Some(url) = link
            && response.hovered()
            && !state.dragging
        {
            ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
            response.clone().on_hover_text_at_pointer(url);
        }
        if response.hovered()
            && !state.dragging
            && let Some(annotation) = innermost_at(style.annotations, offset)
        {
            response.clone().on_hover_ui_at_pointer(|ui| {
                hover_card(ui, style.vocabulary, annotation);
            });
        }
    }
    state.drawn = drawn_blocks;
    if state.dragging {
        if down {
            if let (Some(pos), Some((anchor, _))) = (pos, state.selection)
                && let Some(drawn) = nearest_block(&state.drawn, pos)
            {
                state.selection = Some((anchor, drawn.offset_at(pos)));
            }
        } else {
            state.dragging = false;
        }
    }
}

/// The address of the link over `offset`, if any.
fn link_at(doc: &Document, offset: usize) -> Option<&str> {
    let first = doc.inlines.partition_point(|i| i.span.end <= offset);
    doc.inlines[first..]
        .iter()
        .take_while(|i| i.span.start <= offset)
        .find_map(|i| match &i.kind {
            InlineKind::Link { url } if i.span.start <= offset && offset < i.span.end => {
                Some(url.as_str())
            }
            _ => None,
        })
}

/// The block under `pos`, or the closest one above or below it.
fn nearest_block(drawn: &[Drawn], pos: egui::Pos2) -> Option<&Drawn> {
    drawn
        .iter()
        .find(|d| pos.y <= d.rect.bottom())
        .or_else(|| drawn.last())
}

/// The shortest annotation over `offset`: the one a click most likely means.
fn innermost_at(annotations: &[Annotation], offset: usize) -> Option<&Annotation> {
    annotations
        .iter()
        .filter(|a| {
            a.status != AnchorStatus::Orphaned
                && a.target.span.start <= offset
                && offset < a.target.span.end
        })
        .min_by_key(|a| a.target.span.len())
}

fn hover_card(ui: &mut egui::Ui, vocabulary: &Vocabulary, annotation: &Annotation) {
    ui.set_max_width(320.0);
    if annotation.tags.is_empty() {
        ui.label(RichText::new("No tags").weak());
    } else {
        ui.horizontal_wrapped(|ui| {
            for tag in &annotation.tags {
                ui.label(
                    RichText::new(format!("#{tag}")).color(super::colour32(vocabulary.colour(tag))),
                );
            }
        });
    }
    if !annotation.note.is_empty() {
        ui.label(excerpt(&annotation.note, 400));
    }
    ui.label(RichText::new("Click to edit").small().weak());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_found_under_its_text_only() {
        let options = lectern_core::ImportOptions {
            path: "t.md",
            catalogue: None,
            overrides: None,
        };
        let doc = lectern_core::import(
            b"Read the [Trusted Research](https://www.npsa.gov.uk/trusted-research) guidance.\n",
            &options,
        )
        .expect("imports");
        let at = |needle: &str| doc.char_offset(doc.text.find(needle).expect("in text"));
        assert_eq!(
            link_at(&doc, at("Trusted") + 2),
            Some("https://www.npsa.gov.uk/trusted-research")
        );
        assert_eq!(link_at(&doc, at("Read")), None);
        assert_eq!(link_at(&doc, at(" guidance")), None, "the end is exclusive");
    }
}
