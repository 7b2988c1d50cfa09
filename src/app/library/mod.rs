//! The library: every speech of the archive in a sortable, filterable, virtualised table.
//!
//! What a row shows (title, date, speaker with the researcher's edits, counts, tags) is
//! worked out once per change of the notes, not per frame; filtering and sorting work on
//! those rows and are redone only when the filter, the order or the notes change.

mod rows;

use egui::RichText;
use egui_extras::{Column, TableBuilder};
use lectern_core::PartialDate;

use super::{Archive, Command};
use rows::{Filters, Row, Status, bound, row, word_matches};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Date,
    Title,
    Speaker,
    Notes,
}

/// The table's own state: the filter, the order, and the rows they give (cached until
/// either changes, so a frame does no work proportional to the archive).
#[derive(Default)]
pub struct LibraryState {
    pub filter: String,
    pub filters: Filters,
    show_filters: bool,
    sort: SortBy,
    descending: bool,
    /// Every speech's row, for the notes revision `built`.
    all: Vec<Row>,
    built: Option<u64>,
    /// Indices into `all`, in display order; `None` until computed.
    shown: Option<Vec<usize>>,
    /// Every speaker of the archive, sorted: the speaker filter's choices, kept until a row
    /// changes.
    speakers: Option<Vec<String>>,
    /// Set when the keyboard moved the selection, so the table scrolls to it.
    scroll_to_selected: bool,
}

impl LibraryState {
    /// Builds the rows, or rebuilds those of speeches whose notes changed since.
    fn ensure_rows(&mut self, archive: &Archive) {
        let revision = archive.notes.revision;
        match self.built {
            Some(built) if self.all.len() == archive.speeches.len() => {
                if built == revision {
                    return;
                }
                for path in archive.notes.changed_since(built) {
                    if let Ok(i) = archive
                        .speeches
                        .binary_search_by(|(p, _)| p.as_str().cmp(path))
                    {
                        self.all[i] = row(archive, i);
                        self.shown = None;
                        self.speakers = None;
                    }
                }
            }
            _ => {
                self.all = (0..archive.speeches.len())
                    .map(|i| row(archive, i))
                    .collect();
                self.shown = None;
                self.speakers = None;
            }
        }
        self.built = Some(revision);
    }

    fn speakers(&mut self) -> &[String] {
        let all = &self.all;
        self.speakers.get_or_insert_with(|| {
            let mut s: Vec<String> = all.iter().flat_map(|r| r.speakers.clone()).collect();
            s.sort();
            s.dedup();
            s
        })
    }

    fn shown(&mut self, archive: &Archive) -> &[usize] {
        self.ensure_rows(archive);
        self.shown.get_or_insert_with(|| {
            let words: Vec<String> = self
                .filter
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
            let f = &self.filters;
            let (from, to) = (bound(&f.from, false), bound(&f.to, true));
            let mut shown: Vec<usize> = self
                .all
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    words.iter().all(|w| word_matches(w, &r.haystack))
                        && f.speaker.as_ref().is_none_or(|s| r.speakers.contains(s))
                        && f.tag.as_ref().is_none_or(|t| r.tags.contains(t))
                        && match f.status {
                            Status::Any => true,
                            Status::Annotated => r.annotations > 0,
                            Status::NotAnnotated => r.annotations == 0,
                            Status::ToReview => r.to_review,
                            Status::ImportNotes => r.import_notes,
                        }
                        && (from.is_none() && to.is_none()
                            || r.date.is_some_and(|d| {
                                from.is_none_or(|from| d >= from) && to.is_none_or(|to| d <= to)
                            }))
                })
                .map(|(i, _)| i)
                .collect();
            let all = &self.all;
            match self.sort {
                SortBy::Date => shown.sort_by_key(|&i| (all[i].date, i)),
                SortBy::Title => shown.sort_by_cached_key(|&i| (all[i].title.to_lowercase(), i)),
                SortBy::Notes => {
                    shown.sort_by_key(|&i| (std::cmp::Reverse(all[i].annotations), i));
                }
                SortBy::Speaker => {
                    shown.sort_by_cached_key(|&i| (all[i].speaker.to_lowercase(), i));
                }
            }
            if self.descending {
                shown.reverse();
            }
            shown
        })
    }

    /// The speech `delta` rows away from `current` in display order (the first row when
    /// nothing is selected or the selection is filtered out); `None` past either end.
    pub fn step(
        &mut self,
        archive: &Archive,
        current: Option<usize>,
        delta: isize,
    ) -> Option<usize> {
        self.shown(archive);
        let all = &self.all;
        let rows: Vec<usize> = self
            .shown
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|&i| all[i].index)
            .collect();
        let next = match current.and_then(|c| rows.iter().position(|&r| r == c)) {
            Some(at) => rows.get(at.checked_add_signed(delta)?).copied(),
            None => rows.first().copied(),
        };
        self.scroll_to_selected |= next.is_some();
        next
    }

    fn sort_by(&mut self, sort: SortBy) {
        if self.sort == sort {
            self.descending = !self.descending;
        } else {
            self.sort = sort;
            self.descending = false;
        }
        self.shown = None;
    }
}

impl LibraryState {
    /// Keeps only speeches dated within `from` to `to` (as the filter boxes take them): what
    /// brushing the timeline does.
    pub fn set_date_range(&mut self, from: String, to: String) {
        self.filters.from = from;
        self.filters.to = to;
        self.show_filters = true;
        self.shown = None;
    }
}

fn filter_bar(ui: &mut egui::Ui, archive: &Archive, state: &mut LibraryState) {
    let speakers = state.speakers().to_vec();
    let before = state.filters.clone();
    let filters = &mut state.filters;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(RichText::new("Speaker").small().weak());
        egui::ComboBox::from_id_salt("library speaker")
            .selected_text(filters.speaker.as_deref().unwrap_or("Anyone"))
            .width(140.0)
            .truncate()
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filters.speaker, None, "Anyone");
                for speaker in speakers {
                    ui.selectable_value(&mut filters.speaker, Some(speaker.clone()), speaker);
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(RichText::new("Tag").small().weak());
        egui::ComboBox::from_id_salt("library tag")
            .selected_text(
                filters
                    .tag
                    .as_ref()
                    .map_or("Any tag".to_owned(), |t| format!("#{t}")),
            )
            .width(110.0)
            .truncate()
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filters.tag, None, "Any tag");
                for tag in archive.notes.vocabulary().tags.keys() {
                    ui.selectable_value(&mut filters.tag, Some(tag.clone()), format!("#{tag}"));
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(RichText::new("Status").small().weak());
        egui::ComboBox::from_id_salt("library status")
            .selected_text(filters.status.label())
            .show_ui(ui, |ui| {
                for status in Status::ALL {
                    ui.selectable_value(&mut filters.status, status, status.label());
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
        let from_label = ui.label(RichText::new("From").small().weak());
        let from = ui.add(
            egui::TextEdit::singleline(&mut filters.from)
                .hint_text("1900")
                .desired_width(80.0),
        );
        let from = from.labelled_by(from_label.id);
        let to_label = ui.label(RichText::new("to").small().weak());
        let to = ui.add(
            egui::TextEdit::singleline(&mut filters.to)
                .hint_text("1945-12")
                .desired_width(80.0),
        );
        let to = to.labelled_by(to_label.id);
        for (text, response) in [(&filters.from, &from), (&filters.to, &to)] {
            if !text.trim().is_empty() && PartialDate::parse_iso(text.trim()).is_none() {
                response
                    .clone()
                    .on_hover_text("Type a year, year-month or date: 1941-12-08");
                ui.colored_label(ui.visuals().warn_fg_color, "not a date");
            }
        }
        if *filters != Filters::default() && ui.button("Clear filters").clicked() {
            *filters = Filters::default();
        }
    });
    if state.filters != before {
        state.shown = None;
    }
}

pub fn show(
    ui: &mut egui::Ui,
    archive: &Archive,
    selected: Option<usize>,
    state: &mut LibraryState,
    focus_filter: bool,
    commands: &mut Vec<Command>,
) {
    ui.add_space(4.0);
    state.ensure_rows(archive);
    ui.horizontal(|ui| {
        let active = state.filters != Filters::default();
        let label = if active { "Filters •" } else { "Filters" };
        let toggle = ui
            .add(egui::Button::selectable(state.show_filters, label))
            .on_hover_text("Filter by speaker, tag, status and dates");
        if toggle.clicked() {
            state.show_filters = !state.show_filters;
        }
        let response = ui.add(
            egui::TextEdit::singleline(&mut state.filter)
                .hint_text("Filter by title, speaker, date, path or tag")
                .desired_width(f32::INFINITY),
        );
        if focus_filter {
            response.request_focus();
        }
        if response.changed() {
            state.shown = None;
        }
    });
    if state.show_filters {
        filter_bar(ui, archive, state);
    }
    ui.add_space(4.0);
    let sort = state.sort;
    let descending = state.descending;
    let count = state.shown(archive).len();
    let total = archive.speeches.len();
    let noun = if total == 1 { "speech" } else { "speeches" };
    ui.label(RichText::new(format!("{count} of {total} {noun}")).weak());
    let mut clicked_sort = None;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let mut table = TableBuilder::new(ui);
    let shown = state.shown.as_deref().unwrap_or_default();
    let all = &state.all;
    if std::mem::take(&mut state.scroll_to_selected)
        && let Some(row) = selected.and_then(|s| shown.iter().position(|&r| all[r].index == s))
    {
        table = table.scroll_to_row(row, None);
    }
    table
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::auto_with_initial_suggestion(90.0).resizable(true))
        .column(Column::initial(200.0).resizable(true).clip(true))
        .column(Column::initial(130.0).resizable(true).clip(true))
        .column(Column::initial(44.0).resizable(true))
        .column(Column::remainder().at_least(40.0).clip(true))
        .header(row_height, |mut header| {
            for (label, key) in [
                ("Date", Some(SortBy::Date)),
                ("Title", Some(SortBy::Title)),
                ("Speaker", Some(SortBy::Speaker)),
                ("Notes", Some(SortBy::Notes)),
                ("Tags", None),
            ] {
                header.col(|ui| {
                    let text = RichText::new(label).strong();
                    let Some(key) = key else {
                        ui.add(
                            egui::Button::new(text)
                                .frame(false)
                                .sense(egui::Sense::hover()),
                        );
                        return;
                    };
                    let response = ui.add(egui::Button::new(text).frame(false));
                    if sort == key {
                        sort_marker(ui, response.rect, descending);
                    }
                    if response.clicked() {
                        clicked_sort = Some(key);
                    }
                });
            }
        })
        .body(|body| {
            body.rows(row_height, shown.len(), |mut table_row| {
                let row = &all[shown[table_row.index()]];
                table_row.set_selected(selected == Some(row.index));
                table_row.col(|ui| {
                    ui.add(egui::Label::new(row.date_text.as_str()).selectable(false));
                });
                table_row.col(|ui| {
                    ui.add(
                        egui::Label::new(row.title.as_str())
                            .truncate()
                            .selectable(false),
                    );
                });
                table_row.col(|ui| {
                    ui.add(
                        egui::Label::new(row.speaker.as_str())
                            .truncate()
                            .selectable(false),
                    );
                });
                table_row.col(|ui| {
                    if row.annotations > 0 {
                        let mut text = RichText::new(row.annotations.to_string());
                        if row.to_review {
                            text = text.color(ui.visuals().warn_fg_color);
                        }
                        ui.add(egui::Label::new(text).selectable(false));
                    }
                });
                table_row.col(|ui| {
                    ui.add(
                        egui::Label::new(RichText::new(row.tags_text.as_str()).small())
                            .truncate()
                            .selectable(false),
                    );
                });
                if table_row.response().clicked() {
                    commands.push(Command::Select(row.index));
                }
            });
        });
    if let Some(key) = clicked_sort {
        state.sort_by(key);
    }
}

/// A small triangle after the sorted column's name: up for ascending, down for descending.
fn sort_marker(ui: &egui::Ui, label: egui::Rect, descending: bool) {
    let centre = egui::pos2(label.right() + 8.0, label.center().y);
    let (tip, base) = if descending { (4.0, -3.0) } else { (-4.0, 3.0) };
    let points = vec![
        centre + egui::vec2(0.0, tip),
        centre + egui::vec2(-4.0, base),
        centre + egui::vec2(4.0, base),
    ];
    let colour = ui.visuals().strong_text_color();
    ui.painter().add(egui::Shape::convex_polygon(
        points,
        colour,
        egui::Stroke::NONE,
    ));
}
