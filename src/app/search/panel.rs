//! Drawing the search panel: the query and its options, the answer's counts and hits per
//! year, and auto-coding, above the list of speeches and hits ([`super::rows`]).

use egui::RichText;
use lectern_core::annotation::TagName;
use lectern_core::search::Scope;

use super::rows::result_list;
use super::worker::{Results, Sort};
use super::{IndexStatus, SearchState};
use crate::app::hits::MAX_CODED;
use crate::app::{Archive, Command};

/// What the panel shows of the rest of the window.
pub struct Around<'a> {
    /// The library's date range, when one is set.
    pub range: Option<&'a (String, String)>,
    /// The hits in the open speech, and which is current.
    pub open_hits: usize,
    pub current: Option<usize>,
}

/// The panel.
pub fn show(
    ui: &mut egui::Ui,
    archive: &Archive,
    state: &mut SearchState,
    around: &Around<'_>,
    commands: &mut Vec<Command>,
) {
    let has_range = around.range;
    ui.add_space(4.0);
    let mut response = None;
    ui.horizontal(|ui| {
        if ui
            .button("◀ Library")
            .on_hover_text("Back to the library (Ctrl+F); the search is kept")
            .clicked()
        {
            state.shown = false;
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            index_status(ui, &state.index);
            response = Some(
                ui.add(
                    egui::TextEdit::singleline(&mut state.text)
                        .hint_text("words \"a phrase\" prefix* -not speaker:… from:1900")
                        .desired_width(f32::INFINITY),
                ),
            );
        });
    });
    let Some(response) = response else {
        return;
    };
    if std::mem::take(&mut state.focus) {
        response.request_focus();
    }
    response.on_hover_text(
        "Words (all of them), \"exact phrases\", prefix*, AND / OR / NOT (or -word), ( ), \
         /regular expression/.\nFilters: speaker:NAME from:1900 to:1950-06 tag:TAG \
         section:WORDS status:annotated|unannotated|review in:notes|all case:sensitive.\n\
         Case and accents are ignored unless Match case is ticked.",
    );
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(RichText::new("In").weak());
        egui::ComboBox::from_id_salt("search scope")
            .selected_text(scope_label(state.scope))
            .show_ui(ui, |ui| {
                for scope in [Scope::Text, Scope::Notes, Scope::Both] {
                    ui.selectable_value(&mut state.scope, scope, scope_label(scope));
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(RichText::new("order").weak());
        egui::ComboBox::from_id_salt("search sort")
            .selected_text(match state.sort {
                Sort::Date => "by date",
                Sort::Relevance => "by relevance",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.sort, Sort::Date, "by date");
                ui.selectable_value(&mut state.sort, Sort::Relevance, "by relevance");
            })
            .response
            .labelled_by(label.id);
        ui.checkbox(&mut state.match_case, "Match case")
            .on_hover_text(
                "Each word letter for letter as typed: \"US\" and not \"us\"; accents count too. \
             The index finds the speeches with the words; those are then read, so it is slower \
             on a large archive",
            );
        if let Some((from, to)) = has_range {
            let text = format!(
                "{}–{}",
                if from.is_empty() { "…" } else { from },
                if to.is_empty() { "…" } else { to }
            );
            ui.checkbox(&mut state.within_range, format!("Only {text}"))
                .on_hover_text("Keep to the library's date range, brushed on the timeline");
        }
    });
    if let Some(error) = &state.error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    let Some(results) = &state.results else {
        if state.searching() {
            ui.label(RichText::new("Searching…").weak());
        } else if state.text.trim().is_empty() {
            ui.add_space(8.0);
            ui.label(
                RichText::new(
                    "Type words to find them in every speech. Hover the box for the syntax.",
                )
                .weak(),
            );
        }
        return;
    };
    ui.horizontal(|ui| {
        let hits = if results.total == 1 { "hit" } else { "hits" };
        let speeches = if results.groups.len() == 1 {
            "speech"
        } else {
            "speeches"
        };
        ui.label(format!(
            "{} {hits} in {} {speeches}",
            thousands(results.total),
            thousands(results.groups.len())
        ));
        let how = if results.indexed {
            "index".to_owned()
        } else {
            let speeches = if results.read == 1 {
                "speech"
            } else {
                "speeches"
            };
            format!("{} {speeches} read", thousands(results.read))
        };
        ui.label(
            RichText::new(format!(
                "{:.0} ms, {how}",
                results.elapsed.as_secs_f64() * 1000.0
            ))
            .weak()
            .small(),
        );
        if state.searching() {
            ui.spinner();
        }
    });
    if around.open_hits > 0 {
        let (open_hits, current) = (around.open_hits, around.current);
        let text = match current {
            Some(c) => format!(
                "In the open speech: hit {} of {} (N / P, F3)",
                thousands(c + 1),
                thousands(open_hits)
            ),
            None if open_hits == 1 => "In the open speech: 1 hit (N or F3 to go to it)".to_owned(),
            None => format!(
                "In the open speech: {} hits (N or F3 for the first)",
                thousands(open_hits)
            ),
        };
        ui.label(RichText::new(text).weak().small());
    }
    per_year_chart(ui, results);
    ui.separator();
    auto_coding(ui, archive, state, commands);
    ui.separator();
    result_list(ui, archive, state, commands);
}

fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::Text => "the text",
        Scope::Notes => "notes and memos",
        Scope::Both => "text, notes and memos",
    }
}

fn index_status(ui: &mut egui::Ui, status: &IndexStatus) {
    match status {
        IndexStatus::None => {}
        IndexStatus::Building => {
            ui.spinner().on_hover_text(
                "Indexing the archive; until it is ready, searches read every speech",
            );
        }
        IndexStatus::Ready { speeches, how } => {
            ui.label(
                RichText::new(format!("{} indexed", thousands(*speeches)))
                    .weak()
                    .small(),
            )
            .on_hover_text(format!(
                "The search index ({how}), kept in the cache folder"
            ));
        }
        IndexStatus::Failed(e) => {
            ui.label(RichText::new("no index").weak().small())
                .on_hover_text(format!("Searches read every speech: {e}"));
        }
    }
}

/// `n` with its digits grouped by thousands: 13,573.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Hits per year as bars, the oldest year on the left.
#[allow(clippy::cast_precision_loss)] // Years and counts become pixels.
fn per_year_chart(ui: &mut egui::Ui, results: &Results) {
    let (Some(first), Some(last)) = (results.per_year.first(), results.per_year.last()) else {
        return;
    };
    let (first, last) = (first.0, last.0);
    let height = 36.0;
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), height),
        egui::Sense::hover(),
    );
    let years = (last - first + 1).max(1) as f32;
    let max = results
        .per_year
        .iter()
        .map(|&(_, n)| n)
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    let painter = ui.painter_at(rect);
    let colour = ui.visuals().selection.bg_fill;
    let width = (rect.width() / years).max(1.0);
    for &(year, n) in &results.per_year {
        let x = rect.left() + (year - first) as f32 / years * rect.width();
        let h = (n as f32 / max).sqrt() * (height - 12.0) + 1.0;
        painter.rect_filled(
            egui::Rect::from_min_max(
                egui::pos2(x, rect.bottom() - 12.0 - h),
                egui::pos2(x + width.max(1.5), rect.bottom() - 12.0),
            ),
            0.0,
            colour,
        );
    }
    let weak = ui.visuals().weak_text_color();
    let font = egui::FontId::proportional(10.0);
    painter.text(
        rect.left_bottom(),
        egui::Align2::LEFT_BOTTOM,
        first.to_string(),
        font.clone(),
        weak,
    );
    painter.text(
        rect.right_bottom(),
        egui::Align2::RIGHT_BOTTOM,
        last.to_string(),
        font,
        weak,
    );
    if results.undated > 0 {
        painter.text(
            rect.center_bottom(),
            egui::Align2::CENTER_BOTTOM,
            format!("and {} undated", results.undated),
            egui::FontId::proportional(10.0),
            weak,
        );
    }
    if let Some(pos) = response.hover_pos() {
        let year = first + ((pos.x - rect.left()) / rect.width() * years) as i32;
        let n = results
            .per_year
            .iter()
            .find(|&&(y, _)| y == year)
            .map_or(0, |&(_, n)| n);
        response.on_hover_text(format!("{year}: {n} hits"));
    }
}

fn auto_coding(
    ui: &mut egui::Ui,
    archive: &Archive,
    state: &mut SearchState,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Tag");
        ui.add(
            egui::TextEdit::singleline(&mut state.tag)
                .hint_text("tag name")
                .desired_width(110.0),
        )
        .labelled_by(label.id);
        let label = ui.label("as");
        egui::ComboBox::from_id_salt("auto-code extent")
            .selected_text(state.extent.label())
            .show_ui(ui, |ui| {
                for extent in crate::app::reader::Extent::ALL {
                    ui.selectable_value(&mut state.extent, extent, extent.label());
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("How much text each new annotation takes around its hit");
        let tag = TagName::new(&state.tag);
        let ready = !tag.0.is_empty();
        let total = state.results.as_ref().map_or(0, |r| r.total);
        // A search this wide is almost surely a mistake, and its hits are not all placed:
        // refused before any is worked out, so the window never stalls on it.
        let too_many = total > MAX_CODED;
        let all = ui
            .add_enabled(
                ready && total > 0 && !too_many,
                egui::Button::new(if total == 1 {
                    "the 1 hit".to_owned()
                } else {
                    format!("all {} hits", thousands(total))
                }),
            )
            .on_hover_text("Tag every hit in the text as a new annotation, in one undoable step")
            .on_disabled_hover_text(if too_many {
                format!(
                    "More than {} hits: narrow the search to tag them all",
                    thousands(MAX_CODED)
                )
            } else if ready {
                "Nothing found to tag".to_owned()
            } else {
                "Type a tag name first".to_owned()
            });
        let chosen = state.chosen_count();
        let some = ui
            .add_enabled(
                ready && chosen > 0,
                egui::Button::new(format!("{chosen} chosen")),
            )
            .on_hover_text("Tag the hits ticked in the list");
        if all.clicked() || some.clicked() {
            let targets = state.coding_targets(archive, some.clicked());
            commands.push(Command::AutoCode(tag, state.extent, targets));
            state.chosen.clear();
        }
    });
    if let Some(message) = &state.message {
        ui.label(RichText::new(message).weak().small());
    }
    let _ = archive;
}
