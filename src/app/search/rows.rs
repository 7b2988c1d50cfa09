//! The search panel's list of speeches and their hits: only the rows in view are laid
//! out; each hit shows its paragraph number and a snippet with the words found marked, and
//! opens the speech at the hit when clicked.

use std::ops::Range;

use egui::{Color32, RichText, text::LayoutJob};
use lectern_core::CharSpan;
use lectern_core::search::collect::{self, Place};
use lectern_core::search::results::{self, Snippet};

use super::{CONTEXT, Row, RowSnippet, SearchState};
use crate::app::{Archive, Command};

pub(super) fn result_list(
    ui: &mut egui::Ui,
    archive: &Archive,
    state: &mut SearchState,
    commands: &mut Vec<Command>,
) {
    let row_height = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 10.0;
    // Taken out while the rows in view borrow the state, and put back after.
    let rows = std::mem::take(&mut state.rows);
    let mut expand = None;
    egui::ScrollArea::vertical()
        .id_salt("search results")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, rows.len(), |ui, range| {
            for &row in &rows[range] {
                let (rect, _) = ui.allocate_exact_size(
                    egui::vec2(ui.available_width(), row_height),
                    egui::Sense::hover(),
                );
                let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect));
                match row {
                    Row::Speech(g) => speech_row(&mut child, archive, state, g, commands),
                    Row::Hits(g, first, last) => {
                        hit_row(&mut child, archive, state, (g, first, last), commands);
                    }
                    Row::More(g, n) => {
                        child.add_space(4.0);
                        if child.link(format!("{n} more in this speech")).clicked() {
                            expand = Some(g);
                        }
                    }
                }
            }
        });
    state.rows = rows;
    if let Some(g) = expand {
        state.expanded.insert(g);
        state.rebuild_rows(archive);
    }
}

fn speech_row(
    ui: &mut egui::Ui,
    archive: &Archive,
    state: &SearchState,
    g: usize,
    commands: &mut Vec<Command>,
) {
    let Some(group) = state.results.as_ref().and_then(|r| r.groups.get(g)) else {
        return;
    };
    let Some((path, doc)) = archive.speeches.get(group.speech) else {
        return;
    };
    let metadata = match archive.notes_of(path) {
        Some(n) => doc.metadata.with_overrides(&n.overrides),
        None => doc.metadata.clone(),
    };
    ui.add_space(4.0);
    let title = metadata.title().unwrap_or(path).to_owned();
    let clicked = ui
        .add(
            egui::Button::new(RichText::new(title).strong())
                .frame(false)
                .truncate(),
        )
        .on_hover_text(path)
        .clicked();
    let date = metadata
        .date()
        .map_or_else(|| "undated".to_owned(), |d| d.to_string());
    let hits = if group.count == 1 { "hit" } else { "hits" };
    ui.label(
        RichText::new(format!(
            "{date} · {} · {} {hits}",
            metadata.speakers().join(", "),
            group.count
        ))
        .weak()
        .small(),
    );
    if clicked {
        let first = group
            .hits
            .first()
            .filter(|h| h.place == Place::Text)
            .map(|h| h.span);
        commands.push(Command::OpenHit(group.speech, first));
    }
}

fn hit_row(
    ui: &mut egui::Ui,
    archive: &Archive,
    state: &mut SearchState,
    (g, first, last): (usize, usize, usize),
    commands: &mut Vec<Command>,
) {
    let Some(group) = state.results.as_ref().and_then(|r| r.groups.get(g)) else {
        return;
    };
    let Some(hits) = group.hits.get(first..=last).map(<[_]>::to_vec) else {
        return;
    };
    let hit = hits[0].clone();
    let speech = group.speech;
    let Some((path, doc)) = archive.speeches.get(speech) else {
        return;
    };
    let notes = archive.notes_of(path);
    let (snippet, marks) = state
        .snippets
        .entry((g, first))
        .or_insert_with(|| row_snippet(doc, notes, &hits))
        .clone();
    let members = || (first..=last).map(|h| (g, h));
    ui.horizontal_top(|ui| {
        let mut chosen = members().all(|m| state.chosen.contains(&m));
        let what = if hits.len() == 1 {
            "Choose this hit for tagging".to_owned()
        } else {
            format!("Choose these {} hits for tagging", hits.len())
        };
        let tick = (hit.place == Place::Text).then(|| {
            let response = ui.checkbox(&mut chosen, "");
            response.widget_info(|| {
                egui::WidgetInfo::selected(egui::accesskit::Role::CheckBox, true, chosen, &what)
            });
            response.on_hover_text(&what)
        });
        if tick.is_some_and(|r| r.changed()) {
            for m in members() {
                if chosen {
                    state.chosen.insert(m);
                } else {
                    state.chosen.remove(&m);
                }
            }
        }
        let margin = match (
            &hit.place,
            doc.block_at(hit.span.start).and_then(|b| b.number),
        ) {
            (Place::Memo, _) => "memo".to_owned(),
            (Place::Note(_), Some(n)) => format!("note ¶{n}"),
            (Place::Note(_), None) => "note".to_owned(),
            (Place::Text, Some(n)) => format!("¶{n}"),
            (Place::Text, None) => String::new(),
        };
        ui.add_sized(
            egui::vec2(44.0, 14.0),
            egui::Label::new(RichText::new(margin).weak().small()),
        );
        let job = snippet_job(ui, &snippet, &marks);
        let response = ui
            .add(egui::Label::new(job).wrap().sense(egui::Sense::click()))
            .on_hover_cursor(egui::CursorIcon::PointingHand);
        if response.clicked() {
            let span = (hit.place != Place::Memo).then_some(hit.span);
            commands.push(Command::OpenHit(speech, span));
        }
    });
}

/// The snippet of a row of hits and where each hit lies in its middle part, in code points:
/// one hit's own snippet, or the stretch from the first hit to the last of several in one
/// paragraph.
fn row_snippet(
    doc: &lectern_core::Document,
    notes: Option<&lectern_core::annotation::SpeechNotes>,
    hits: &[collect::Hit],
) -> RowSnippet {
    let [first, .., last] = hits else {
        let snippet = hits
            .first()
            .and_then(|hit| collect::snippet(doc, notes, hit, CONTEXT))
            .unwrap_or_default();
        let marked = 0..snippet.hit.len();
        return (snippet, vec![marked]);
    };
    let start = first.span.start;
    let snippet = results::snippet(doc, CharSpan::new(start, last.span.end), CONTEXT);
    // Code points of the middle part to bytes, with its end: worked out once per row here,
    // not on every frame the row is drawn.
    let bytes: Vec<usize> = snippet
        .hit
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(snippet.hit.len()))
        .collect();
    let byte = |c: usize| bytes[c.min(bytes.len() - 1)];
    let marks = hits
        .iter()
        .map(|h| byte(h.span.start - start)..byte(h.span.end - start))
        .collect();
    (snippet, marks)
}

/// A snippet on at most two lines, its hits (`marks`, byte ranges of its middle part)
/// marked like hits in the reader.
fn snippet_job(ui: &egui::Ui, snippet: &Snippet, marks: &[Range<usize>]) -> LayoutJob {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let text = ui.visuals().text_color();
    let strong = ui.visuals().strong_text_color();
    let mut job = LayoutJob::default();
    job.wrap.max_width = ui.available_width();
    job.wrap.max_rows = 2;
    job.wrap.break_anywhere = false;
    let plain = egui::TextFormat::simple(font.clone(), text);
    job.append(&snippet.before, 0.0, plain.clone());
    let mut marked = egui::TextFormat::simple(font, strong);
    marked.background = hit_colour(ui.visuals().dark_mode, false);
    let mut at = 0;
    for mark in marks {
        let (start, end) = (mark.start.max(at), mark.end.min(snippet.hit.len()));
        if start >= end {
            continue;
        }
        job.append(&snippet.hit[at..start], 0.0, plain.clone());
        job.append(&snippet.hit[start..end], 0.0, marked.clone());
        at = end;
    }
    job.append(&snippet.hit[at..], 0.0, plain.clone());
    job.append(&snippet.after, 0.0, plain);
    job
}

/// The wash behind a search hit (the current one deeper): amber, apart from the tag palette.
pub fn hit_colour(dark: bool, current: bool) -> Color32 {
    match (dark, current) {
        (false, false) => Color32::from_rgb(255, 226, 140),
        (false, true) => Color32::from_rgb(255, 170, 60),
        (true, false) => Color32::from_rgb(110, 84, 20),
        (true, true) => Color32::from_rgb(170, 100, 20),
    }
}
