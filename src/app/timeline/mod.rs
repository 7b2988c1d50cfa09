//! The timeline panel: the archive's speeches on their date axis in lanes, and under them
//! the coded passages of chosen tags per year. The wheel zooms around the pointer, dragging
//! pans, Shift+drag brushes a date range that filters the library; hovering a mark names the
//! speech and clicking opens it. The model comes from `lectern_core::timeline` and is
//! rebuilt only when the notes, the archive or the grouping change.

use std::fmt::Write as _;

use egui::{Color32, RichText, Sense};
use lectern_core::annotation::TagName;
use lectern_core::timeline::{self, Grouping, TagCounts, Timeline};

mod controls;

use controls::{export_status, export_svg, picked_passages, range_bounds, toolbar};

use super::{Archive, Command};

/// Lane labels' width, in points.
const LABELS: f32 = 160.0;
const LANE: f32 = 18.0;
const CHART: f32 = 44.0;

#[derive(Default)]
pub struct TimelineState {
    /// Whether the panel is open.
    pub shown: bool,
    pub grouping: Grouping,
    /// Tags whose passages are charted.
    pub tags: Vec<TagName>,
    /// The visible range in years; `None` for the whole archive.
    pub view: Option<(f64, f64)>,
    /// The model, for (notes revision, speech count, grouping).
    built: Option<((u64, usize, Grouping), Timeline)>,
    counts: Vec<(TagName, TagCounts)>,
    counts_for: Option<(u64, Vec<TagName>)>,
    /// Each speech's passages of each chosen tag, for speeches that have some.
    per_speech: std::collections::HashMap<usize, Vec<usize>>,
    /// The most passages of one tag in one speech: the lanes' bar scale.
    per_speech_peak: usize,
    /// Each crowded lane's counts per bin, by lane, with the model, range and bins they are
    /// for.
    density: std::collections::HashMap<usize, (DensityKey, Vec<usize>)>,
    /// Whether the chosen tags' passages are also drawn in the lanes, per speech.
    pub in_lanes: bool,
    /// Where a Shift+drag began, in years.
    brush_from: Option<f64>,
    /// A bar of the passage chart that was clicked: its tag and year.
    picked: Option<(TagName, i32)>,
    /// The picture being exported, and what became of the last export.
    export: Option<super::export::Export>,
    /// With no save dialog on the system: the picture and the path typed for it.
    export_path: Option<(Vec<u8>, String)>,
    export_message: Option<String>,
}

impl TimelineState {
    /// Another archive was opened: start from its whole range, keeping the panel's choices
    /// that still make sense.
    pub fn archive_changed(&mut self) {
        *self = Self {
            shown: self.shown,
            grouping: self.grouping,
            ..Self::default()
        };
    }

    fn model(&mut self, archive: &Archive) -> &Timeline {
        let key = (
            archive.notes.revision,
            archive.speeches.len(),
            self.grouping,
        );
        if self.built.as_ref().is_none_or(|(k, _)| *k != key) {
            let notes = |path: &str| archive.notes_of(path);
            let entries = timeline::entries(&archive.speeches, &notes, self.grouping);
            self.built = Some((key, timeline::build(&entries)));
        }
        &self.built.as_ref().expect("just built").1
    }

    fn tag_counts(&mut self, archive: &Archive) {
        let key = (archive.notes.revision, self.tags.clone());
        if self.counts_for.as_ref() != Some(&key) {
            let notes = |path: &str| archive.notes_of(path);
            self.counts = self
                .tags
                .iter()
                .map(|tag| {
                    let counts = timeline::passages(
                        tag,
                        &archive.speeches,
                        &notes,
                        archive.notes.vocabulary(),
                    );
                    (tag.clone(), counts)
                })
                .collect();
            // Per speech too, for the passages drawn in the lanes: how many passages of
            // each chosen tag (or its sub-tags) each speech holds.
            let vocabulary = archive.notes.vocabulary();
            self.per_speech = archive
                .speeches
                .iter()
                .enumerate()
                .filter_map(|(item, (path, _))| {
                    let notes = archive.notes_of(path)?;
                    let counts: Vec<usize> = self
                        .tags
                        .iter()
                        .map(|tag| {
                            notes
                                .annotations
                                .iter()
                                .filter(|a| {
                                    a.tags.iter().any(|t| vocabulary.lineage(t).contains(&tag))
                                })
                                .count()
                        })
                        .collect();
                    counts.iter().any(|c| *c > 0).then_some((item, counts))
                })
                .collect();
            self.per_speech_peak = self
                .per_speech
                .values()
                .flatten()
                .copied()
                .max()
                .unwrap_or(0);
            self.counts_for = Some(key);
        }
    }
}

/// What a lane's bins depend on: the model (notes revision, speeches, grouping), the range
/// and the number of bins.
type DensityKey = ((u64, usize, Grouping), u64, u64, usize);

/// A count as a drawing quantity (saturating: beyond 65,535 the drawing cannot tell).
fn n(count: usize) -> f32 {
    f32::from(u16::try_from(count).unwrap_or(u16::MAX))
}

fn colour32(colour: lectern_core::annotation::Colour) -> Color32 {
    let [r, g, b] = colour.0;
    Color32::from_rgb(r, g, b)
}

/// The panel. Returns a date range brushed this frame (as typed bounds for the library's
/// filter), or `Some((None, None))` when the brush was cleared.
pub fn show(
    ui: &mut egui::Ui,
    archive: &Archive,
    selected: Option<usize>,
    state: &mut TimelineState,
    commands: &mut Vec<Command>,
) -> Option<(String, String)> {
    let mut brushed = None;
    if toolbar(ui, archive, state) {
        export_svg(ui.ctx(), archive, state);
    }
    export_status(ui, state);
    state.tag_counts(archive);
    let counts = std::mem::take(&mut state.counts);
    state.model(archive);
    // Taken out for the frame (and put back at its end) rather than copied.
    let Some((model_key, model)) = state.built.take() else {
        state.counts = counts;
        return None;
    };
    let Some((first, last)) = model.range else {
        ui.label(RichText::new("No speech has a date to place on the timeline.").weak());
        state.counts = counts;
        state.built = Some((model_key, model));
        return None;
    };
    let (from, to) = state.view.unwrap_or((first.floor(), last.ceil()));
    let lanes = u16::try_from(model.lanes.len()).unwrap_or(u16::MAX);
    let charts = u16::try_from(counts.len()).unwrap_or(u16::MAX);
    let height = f32::from(lanes) * LANE + 26.0 + f32::from(charts) * (CHART + 6.0);
    egui::ScrollArea::vertical()
        .id_salt("timeline")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            let (rect, response) = ui.allocate_exact_size(
                egui::vec2(ui.available_width(), height),
                Sense::click_and_drag(),
            );
            // Screen readers (and the UI tests) get what the picture shows.
            let dated: usize = model.lanes.iter().map(|l| l.marks.len()).sum();
            let mut summary = format!(
                "Timeline from {:.1} to {:.1}: {dated} marks in {} lanes, {} undated",
                from,
                to,
                model.lanes.len(),
                model.undated.len()
            );
            for (tag, c) in &counts {
                let _ = write!(summary, "; #{tag}: {} passages", c.total());
            }
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &summary));
            let plot = egui::Rect::from_min_max(
                egui::pos2(rect.left() + LABELS, rect.top()),
                egui::pos2(rect.right() - 10.0, rect.bottom()),
            );
            // Years to points and back.
            let span = (to - from).max(1e-6);
            let x = |t: f64| plot.left() + ((t - from) / span) as f32 * plot.width();
            let t_at = |px: f32| from + f64::from((px - plot.left()) / plot.width()) * span;
            let painter = ui.painter_at(rect);
            let visuals = ui.visuals().clone();
            let mark_colour = visuals.hyperlink_color;
            // The coded-passage charts first, where they are seen without scrolling; then
            // the lanes and their axis.
            let lanes_top = rect.top() + f32::from(charts) * (CHART + 6.0);
            let mut hovered = None;
            let hover = response.hover_pos();
            for (i, lane) in model.lanes.iter().enumerate() {
                let top = lanes_top + f32::from(u16::try_from(i).unwrap_or(u16::MAX)) * LANE;
                if i % 2 == 1 {
                    painter.rect_filled(
                        egui::Rect::from_min_size(
                            egui::pos2(rect.left(), top),
                            egui::vec2(rect.width(), LANE),
                        ),
                        0.0,
                        visuals.faint_bg_color,
                    );
                }
                let name = if lane.name.is_empty() {
                    "Unknown"
                } else {
                    &lane.name
                };
                painter.text(
                    egui::pos2(rect.left() + LABELS - 8.0, top + LANE / 2.0),
                    egui::Align2::RIGHT_CENTER,
                    name,
                    egui::FontId::proportional(11.0),
                    visuals.text_color(),
                );
                let visible: Vec<_> = lane
                    .marks
                    .iter()
                    .filter(|m| m.end >= from && m.start <= to)
                    .collect();
                let crowded = n(visible.len()) * 3.0 > plot.width();
                if crowded {
                    // Marks would smear: a strip whose strength is the count per bin.
                    // A positive width in points: a small whole number of bins.
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let bins = (plot.width() / 3.0).max(1.0) as usize;
                    // Binned once per model, range and width, not every frame.
                    let key = (model_key, from.to_bits(), to.to_bits(), bins);
                    let cached = state.density.get(&i).filter(|(k, _)| *k == key);
                    let counts = if let Some((_, counts)) = cached {
                        counts.clone()
                    } else {
                        let counts = timeline::density(&lane.marks, from, to, bins);
                        state.density.insert(i, (key, counts.clone()));
                        counts
                    };
                    let peak = counts.iter().copied().max().unwrap_or(1).max(1);
                    for (b, c) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
                        let strength = 0.25 + 0.75 * (n(*c) / n(peak));
                        let left = plot.left() + n(b) * 3.0;
                        painter.rect_filled(
                            egui::Rect::from_min_size(
                                egui::pos2(left, top + 4.0),
                                egui::vec2(3.0, LANE - 8.0),
                            ),
                            0.0,
                            mark_colour.gamma_multiply(strength),
                        );
                    }
                    continue;
                }
                for mark in visible {
                    let (a, b) = (x(mark.start.max(from)), x(mark.end.min(to)));
                    let centre = egui::pos2(f32::midpoint(a, b), top + LANE / 2.0);
                    let is_selected = selected == Some(mark.item);
                    let colour = if is_selected {
                        visuals.selection.stroke.color
                    } else {
                        mark_colour
                    };
                    if mark.exact || b - a < 4.0 {
                        painter.circle_filled(centre, if is_selected { 5.0 } else { 3.5 }, colour);
                    } else {
                        painter.rect_filled(
                            egui::Rect::from_min_max(
                                egui::pos2(a, top + 5.0),
                                egui::pos2(b, top + LANE - 5.0),
                            ),
                            2.0,
                            colour.gamma_multiply(0.5),
                        );
                    }
                    // The chosen tags' passages in this speech: a small bar per tag above the
                    // mark, as high as the count (the lane's own scale), in the tag's colour.
                    if state.in_lanes
                        && let Some(per_tag) = state.per_speech.get(&mark.item)
                    {
                        let peak = state.per_speech_peak.max(1);
                        let mut bx = centre.x + 5.0;
                        for ((tag, _), count) in counts.iter().zip(per_tag) {
                            if *count == 0 {
                                continue;
                            }
                            let h = (LANE - 4.0) * n(*count) / n(peak);
                            painter.rect_filled(
                                egui::Rect::from_min_size(
                                    egui::pos2(bx, top + LANE - 2.0 - h),
                                    egui::vec2(3.0, h),
                                ),
                                0.0,
                                colour32(archive.notes.vocabulary().colour(tag)),
                            );
                            bx += 4.0;
                        }
                    }
                    if let Some(p) = hover
                        && (p.y - centre.y).abs() < LANE / 2.0
                        && p.x >= a.min(centre.x - 4.0)
                        && p.x <= b.max(centre.x + 4.0)
                    {
                        hovered = Some(mark.item);
                    }
                }
            }
            // The axis, under the lanes, or kept at the bottom of the view when the lanes
            // go on below it, so the years are always in sight.
            let lanes_bottom = lanes_top + f32::from(lanes) * LANE + 2.0;
            let axis_y = lanes_bottom
                .min(ui.clip_rect().bottom() - 20.0)
                .max(lanes_top);
            if axis_y < lanes_bottom {
                painter.rect_filled(
                    egui::Rect::from_x_y_ranges(rect.x_range(), axis_y - 1.0..=axis_y + 20.0),
                    0.0,
                    visuals.panel_fill,
                );
            }
            painter.hline(
                plot.x_range(),
                axis_y,
                visuals.widgets.noninteractive.fg_stroke,
            );
            let step = timeline::choose_step(span, f64::from(plot.width()), 70.0);
            for tick in timeline::ticks(from, to, step) {
                let tx = x(tick.at);
                painter.vline(
                    tx,
                    egui::Rangef::new(axis_y, axis_y + 4.0),
                    visuals.widgets.noninteractive.fg_stroke,
                );
                painter.text(
                    egui::pos2(tx, axis_y + 5.0),
                    egui::Align2::CENTER_TOP,
                    &tick.label,
                    egui::FontId::proportional(10.0),
                    visuals.weak_text_color(),
                );
            }
            if !model.undated.is_empty() {
                painter.text(
                    egui::pos2(rect.left() + 4.0, axis_y + 5.0),
                    egui::Align2::LEFT_TOP,
                    format!("{} undated", model.undated.len()),
                    egui::FontId::proportional(10.0),
                    visuals.warn_fg_color,
                );
            }
            // Coded passages per year, one chart per chosen tag, above the lanes.
            for (i, (tag, counts)) in counts.iter().enumerate() {
                let top =
                    rect.top() + f32::from(u16::try_from(i).unwrap_or(u16::MAX)) * (CHART + 6.0);
                let colour = colour32(archive.notes.vocabulary().colour(tag));
                painter.text(
                    egui::pos2(rect.left() + LABELS - 8.0, top + CHART / 2.0),
                    egui::Align2::RIGHT_CENTER,
                    format!("#{tag} ({})", counts.total()),
                    egui::FontId::proportional(11.0),
                    colour,
                );
                let peak = n(counts.peak().max(1));
                let years: std::collections::BTreeSet<&i32> = counts
                    .own
                    .keys()
                    .chain(counts.through_children.keys())
                    .collect();
                for &year in years {
                    let (a, b) = (f64::from(year), f64::from(year) + 1.0);
                    if b < from || a > to {
                        continue;
                    }
                    let (xa, xb) = (x(a.max(from)), x(b.min(to)));
                    let own = n(counts.own.get(&year).copied().unwrap_or(0));
                    let inherited = n(counts.through_children.get(&year).copied().unwrap_or(0));
                    let base = top + CHART;
                    let own_h = own / peak * CHART;
                    let inherited_h = inherited / peak * CHART;
                    let width = (xb - xa - 1.0).max(1.5);
                    painter.rect_filled(
                        egui::Rect::from_min_size(
                            egui::pos2(xa, base - own_h),
                            egui::vec2(width, own_h),
                        ),
                        0.0,
                        colour,
                    );
                    painter.rect_filled(
                        egui::Rect::from_min_size(
                            egui::pos2(xa, base - own_h - inherited_h),
                            egui::vec2(width, inherited_h),
                        ),
                        0.0,
                        colour.gamma_multiply(0.4),
                    );
                    let bar = egui::Rect::from_min_max(
                        egui::pos2(xa, top),
                        egui::pos2(xa + width.max(4.0), base),
                    );
                    if response.clicked() && hover.is_some_and(|p| bar.contains(p)) {
                        state.picked = Some((tag.clone(), year));
                    }
                }
                painter.hline(
                    plot.x_range(),
                    top + CHART,
                    visuals.widgets.noninteractive.bg_stroke,
                );
            }
            // The brush, while Shift+drag goes on.
            let shift = ui.input(|i| i.modifiers.shift);
            // The brush starts where the button went down, not where the drag was noticed.
            if response.drag_started()
                && shift
                && let Some(p) = ui.input(|i| i.pointer.press_origin())
            {
                state.brush_from = Some(t_at(p.x));
            }
            if let (Some(a), Some(p)) = (state.brush_from, response.interact_pointer_pos()) {
                let b = t_at(p.x);
                painter.rect_filled(
                    egui::Rect::from_x_y_ranges(
                        egui::Rangef::new(x(a.min(b)), x(a.max(b))),
                        rect.y_range(),
                    ),
                    0.0,
                    visuals.selection.bg_fill.gamma_multiply(0.3),
                );
                if response.drag_stopped() {
                    state.brush_from = None;
                    brushed = Some(range_bounds(a.min(b), a.max(b)));
                }
            } else if response.dragged() && !shift {
                // Pan.
                let dx = f64::from(response.drag_delta().x / plot.width()) * span;
                state.view = Some((from - dx, to - dx));
            }
            // The keys, while the pointer is over the timeline: Left/Right pan, +/- zoom,
            // 0 shows the whole archive.
            if response.hovered() {
                let (left, right, zoom_in, zoom_out, whole) = ui.input_mut(|i| {
                    use egui::{Key, Modifiers};
                    (
                        i.consume_key(Modifiers::NONE, Key::ArrowLeft),
                        i.consume_key(Modifiers::NONE, Key::ArrowRight),
                        i.consume_key(Modifiers::NONE, Key::Plus)
                            || i.consume_key(Modifiers::NONE, Key::Equals),
                        i.consume_key(Modifiers::NONE, Key::Minus),
                        i.consume_key(Modifiers::NONE, Key::Num0),
                    )
                });
                let shift = span * 0.1 * (f64::from(u8::from(right)) - f64::from(u8::from(left)));
                if shift != 0.0 {
                    state.view = Some((from + shift, to + shift));
                }
                if zoom_in || zoom_out {
                    let factor = if zoom_in { 0.8 } else { 1.25 };
                    let mid = f64::midpoint(from, to);
                    state.view = Some((mid - span * factor / 2.0, mid + span * factor / 2.0));
                }
                if whole {
                    state.view = None;
                }
            }
            // Zoom around the pointer.
            if response.hovered() {
                // The wheel (or a pinch) zooms here rather than scrolling the lanes.
                let (scroll, pinch) = ui.input_mut(|i| {
                    let scroll = i.smooth_scroll_delta.y;
                    i.smooth_scroll_delta = egui::Vec2::ZERO;
                    (scroll, i.zoom_delta())
                });
                if (scroll.abs() > 0.0 || (pinch - 1.0).abs() > 1e-3)
                    && let Some(p) = hover
                {
                    let factor = f64::from((-scroll / 200.0).exp() / pinch);
                    let at = t_at(p.x);
                    let (a, b) = (at - (at - from) * factor, at + (to - at) * factor);
                    // Never finer than a few days across (nor wider than the archive's
                    // years: see `keep_in_view` below).
                    if b - a > 0.02 {
                        state.view = Some((a, b));
                    }
                }
            }
            if let Some((a, b)) = state.view {
                state.view = timeline::keep_in_view(a, b, (first.floor(), last.ceil()));
            }
            if let Some(item) = hovered {
                let (path, doc) = &archive.speeches[item];
                let notes = archive.notes_of(path);
                let metadata = notes.map_or_else(
                    || doc.metadata.clone(),
                    |n| doc.metadata.with_overrides(&n.overrides),
                );
                let title = metadata.title().unwrap_or(path).to_owned();
                let facts = format!(
                    "{} · {}",
                    metadata.date().map(|d| d.to_string()).unwrap_or_default(),
                    metadata.speakers().join(", ")
                );
                response.clone().on_hover_ui_at_pointer(|ui| {
                    ui.label(RichText::new(title).strong());
                    ui.label(facts);
                    ui.label(RichText::new("Click to read").small().weak());
                });
                if response.clicked() {
                    commands.push(Command::Select(item));
                }
            }
        });
    state.counts = counts;
    state.built = Some((model_key, model));
    picked_passages(ui, archive, state, commands);
    brushed
}
