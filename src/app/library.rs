//! The library: every speech of the archive in a sortable, filterable, virtualised table.

use egui_extras::{Column, TableBuilder};
use lectern_core::Document;

use super::{Archive, Command};

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
    sort: SortBy,
    descending: bool,
    /// Indices into the archive's speeches, in display order; `None` until computed.
    rows: Option<Vec<usize>>,
    /// Set when the keyboard moved the selection, so the table scrolls to it.
    scroll_to_selected: bool,
}

fn title_of<'a>(path: &'a str, doc: &'a Document) -> &'a str {
    doc.metadata
        .title()
        .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path))
}

fn annotation_count(archive: &Archive, path: &str) -> usize {
    archive.notes_of(path).map_or(0, |n| n.annotations.len())
}

fn speaker_of(doc: &Document) -> String {
    doc.metadata.speakers().join(", ")
}

/// Whether every word of the filter occurs in the title, speaker, date or path.
fn matches(filter_words: &[String], path: &str, doc: &Document) -> bool {
    if filter_words.is_empty() {
        return true;
    }
    let haystack = format!(
        "{} {} {} {}",
        title_of(path, doc),
        speaker_of(doc),
        doc.metadata
            .date()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        path
    )
    .to_lowercase();
    filter_words.iter().all(|w| haystack.contains(w.as_str()))
}

impl LibraryState {
    fn rows(&mut self, archive: &Archive) -> &[usize] {
        self.rows.get_or_insert_with(|| {
            let words: Vec<String> = self
                .filter
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
            let mut rows: Vec<usize> = archive
                .speeches
                .iter()
                .enumerate()
                .filter(|(_, (path, doc))| matches(&words, path, doc))
                .map(|(i, _)| i)
                .collect();
            let speeches = &archive.speeches;
            match self.sort {
                SortBy::Date => rows.sort_by_key(|&i| (speeches[i].1.metadata.date(), i)),
                SortBy::Title => rows.sort_by_cached_key(|&i| {
                    (title_of(&speeches[i].0, &speeches[i].1).to_lowercase(), i)
                }),
                SortBy::Notes => rows.sort_by_key(|&i| {
                    (
                        std::cmp::Reverse(annotation_count(archive, &speeches[i].0)),
                        i,
                    )
                }),
                SortBy::Speaker => {
                    rows.sort_by_cached_key(|&i| (speaker_of(&speeches[i].1).to_lowercase(), i));
                }
            }
            if self.descending {
                rows.reverse();
            }
            rows
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
        let rows = self.rows(archive);
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
        self.rows = None;
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
    ui.horizontal(|ui| {
        let response = ui.add(
            egui::TextEdit::singleline(&mut state.filter)
                .hint_text("Filter by title, speaker, date or path")
                .desired_width(f32::INFINITY),
        );
        if focus_filter {
            response.request_focus();
        }
        if response.changed() {
            state.rows = None;
        }
    });
    ui.add_space(4.0);
    let sort = state.sort;
    let descending = state.descending;
    let rows = state.rows(archive).to_vec();
    ui.label(
        egui::RichText::new(format!(
            "{} of {} speeches",
            rows.len(),
            archive.speeches.len()
        ))
        .weak(),
    );
    let mut clicked_sort = None;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let mut table = TableBuilder::new(ui);
    if std::mem::take(&mut state.scroll_to_selected)
        && let Some(row) = selected.and_then(|s| rows.iter().position(|&r| r == s))
    {
        table = table.scroll_to_row(row, None);
    }
    table
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::auto_with_initial_suggestion(90.0).resizable(true))
        .column(Column::initial(220.0).resizable(true).clip(true))
        .column(Column::initial(150.0).resizable(true).clip(true))
        .column(Column::remainder().at_least(40.0))
        .header(row_height, |mut header| {
            for (label, key) in [
                ("Date", SortBy::Date),
                ("Title", SortBy::Title),
                ("Speaker", SortBy::Speaker),
                ("Notes", SortBy::Notes),
            ] {
                header.col(|ui| {
                    let text = egui::RichText::new(label).strong();
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
            body.rows(row_height, rows.len(), |mut row| {
                let index = rows[row.index()];
                let (path, doc) = &archive.speeches[index];
                row.set_selected(selected == Some(index));
                row.col(|ui| {
                    let date = doc.metadata.date().map(|d| d.to_string());
                    ui.add(egui::Label::new(date.unwrap_or_default()).selectable(false));
                });
                row.col(|ui| {
                    ui.add(
                        egui::Label::new(title_of(path, doc))
                            .truncate()
                            .selectable(false),
                    );
                });
                row.col(|ui| {
                    ui.add(
                        egui::Label::new(speaker_of(doc))
                            .truncate()
                            .selectable(false),
                    );
                });
                row.col(|ui| {
                    let count = annotation_count(archive, path);
                    if count > 0 {
                        ui.add(egui::Label::new(count.to_string()).selectable(false));
                    }
                });
                if row.response().clicked() {
                    commands.push(Command::Select(index));
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
