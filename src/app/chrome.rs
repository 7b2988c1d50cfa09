//! The window around the library and the reader: the top bar (archive, save state, undo),
//! the loading bar, the floating windows (shortcuts, problems, tags, the question before
//! quitting with unsaved notes) and the welcome screen.

use std::path::PathBuf;

use egui::RichText;

use super::{
    Command, Focus, LecternApp, Notes, QUIT_ANYWAY, SHORTCUTS, SaveState, library, problems,
    reader, search, timeline,
};

/// The library's date range (brushed on the timeline or typed), when one is set.
pub(super) fn library_range(library: &library::LibraryState) -> Option<(String, String)> {
    let f = &library.filters;
    (!f.from.trim().is_empty() || !f.to.trim().is_empty())
        .then(|| (f.from.trim().to_owned(), f.to.trim().to_owned()))
}

impl LecternApp {
    /// Draws the window's contents.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.show_panels(ui);
        self.was_typing = ui.ctx().egui_wants_keyboard_input();
    }

    fn show_panels(&mut self, ui: &mut egui::Ui) {
        self.windows(ui.ctx());
        if ui.input(|i| !i.raw.hovered_files.is_empty()) {
            let rect = ui.ctx().content_rect();
            let painter = ui.ctx().layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("drop overlay"),
            ));
            painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(160));
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "Drop a folder to open it",
                egui::FontId::proportional(24.0),
                egui::Color32::WHITE,
            );
        }
        egui::Panel::top("top_bar").show(ui, |ui| self.top_bar(ui));
        // A message of its own line, under the bar, until it is dismissed or replaced.
        if let Some(error) = self.error.clone() {
            egui::Panel::top("message").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                    if ui.small_button("Dismiss").clicked() {
                        self.error = None;
                        self.show_open_path();
                    }
                });
            });
        }
        if let Some(job) = &self.loading {
            egui::Panel::bottom("loading").show(ui, |ui| {
                ui.horizontal(|ui| {
                    // Counts of files fit an f64 exactly.
                    let fraction = if job.total == 0 {
                        0.0
                    } else {
                        (f64::from(u32::try_from(job.done).unwrap_or(u32::MAX))
                            / f64::from(u32::try_from(job.total).unwrap_or(u32::MAX)))
                            as f32
                    };
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .desired_width(240.0)
                            .text(format!("{} of {} files", job.done, job.total)),
                    );
                    ui.label(egui::RichText::new(&job.current).weak());
                    if ui.button("Cancel").clicked() {
                        self.commands.push(Command::CancelLoad);
                    }
                });
            });
        }
        match &self.archive {
            Some(archive) => {
                if self.timeline.shown {
                    egui::Panel::bottom("timeline")
                        .resizable(true)
                        .default_size(260.0)
                        .show(ui, |ui| {
                            let brushed = timeline::show(
                                ui,
                                archive,
                                self.selected,
                                &mut self.timeline,
                                &mut self.commands,
                            );
                            if let Some((from, to)) = brushed {
                                self.library.set_date_range(from, to);
                            }
                        });
                }
                egui::Panel::left("library")
                    .resizable(true)
                    .default_size(460.0)
                    .show(ui, |ui| {
                        // The library and the search share the left side: the reader keeps
                        // the most room.
                        if self.search.shown {
                            let range = library_range(&self.library);
                            let around = search::Around {
                                range: range.as_ref(),
                                open_hits: self.reader.hits.len(),
                                current: self.reader.current_hit,
                            };
                            search::show(
                                ui,
                                archive,
                                &mut self.search,
                                &around,
                                &mut self.commands,
                            );
                        } else {
                            let focus_filter = self.focus.take_if(|f| *f == Focus::LibraryFilter);
                            library::show(
                                ui,
                                archive,
                                self.selected,
                                &mut self.library,
                                focus_filter.is_some(),
                                &mut self.commands,
                            );
                        }
                    });
                egui::CentralPanel::default_margins().show(ui, |ui| {
                    match self.selected.and_then(|i| archive.speeches.get(i)) {
                        Some((path, doc)) => {
                            reader::show(
                                ui,
                                (&mut self.look, archive.notes.revision),
                                (path, doc),
                                archive.notes_of(path),
                                archive.notes.vocabulary(),
                                &mut self.reader,
                                &mut self.commands,
                            );
                        }
                        None => {
                            ui.centered_and_justified(|ui| {
                                ui.label(
                                    egui::RichText::new(
                                        "Choose a speech in the library to read it.",
                                    )
                                    .weak(),
                                );
                            });
                        }
                    }
                });
            }
            None => {
                egui::CentralPanel::default_margins().show(ui, |ui| {
                    Self::welcome(ui, self.loading.as_ref().map(|j| &*j.archive));
                });
            }
        }
    }

    fn windows(&mut self, ctx: &egui::Context) {
        self.notes_folder_window(ctx);
        if self.export_notes.open
            && let Some(archive) = &self.archive
        {
            let open = self
                .selected
                .and_then(|i| archive.speeches.get(i))
                .map(|(p, _)| p.as_str());
            self.export_notes.show(ctx, archive, open);
        }
        if let Some(reason) = self.closing_unsaved.clone()
            && reason != QUIT_ANYWAY
        {
            egui::Modal::new(egui::Id::unique("unsaved notes")).show(ctx, |ui| {
                ui.set_max_width(460.0);
                ui.heading("Your notes are not saved");
                ui.add(egui::Label::new(reason).wrap_mode(egui::TextWrapMode::Wrap));
                ui.label(
                    "They are still here. Make the folder writable (or free some space) and \
                     try again; quitting now loses them.",
                );
                ui.horizontal(|ui| {
                    if ui.button("Try again").clicked() {
                        if let Some(archive) = &mut self.archive {
                            archive.notes.retry();
                        }
                        self.flush();
                        self.closing_unsaved = match self.save_state() {
                            Some(SaveState::Failed(reason)) => Some(reason.clone()),
                            _ => None,
                        };
                    }
                    if ui.button("Keep notes elsewhere…").clicked() {
                        self.commands.push(Command::ChooseNotesFolder);
                    }
                    if ui.button("Keep working").clicked() {
                        self.closing_unsaved = None;
                    }
                    if ui.button("Quit without saving").clicked() {
                        self.closing_unsaved = Some(QUIT_ANYWAY.to_owned());
                        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                });
            });
        }
        egui::Window::new("Keyboard shortcuts")
            .open(&mut self.open_windows.shortcuts)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts")
                    .num_columns(2)
                    .spacing([24.0, 6.0])
                    .show(ui, |ui| {
                        for (keys, action) in SHORTCUTS {
                            ui.label(egui::RichText::new(*keys).strong());
                            ui.label(*action);
                            ui.end_row();
                        }
                    });
            });
        if let Some(archive) = &self.archive {
            egui::Window::new("Tags")
                .open(&mut self.open_windows.tags)
                .pivot(egui::Align2::CENTER_CENTER)
                .default_pos(ctx.content_rect().center())
                .default_size([640.0, 420.0])
                .show(ctx, |ui| {
                    self.tag_manager
                        .show(ui, &archive.notes.notebook, &mut self.commands);
                });
            egui::Window::new("Import report")
                .open(&mut self.open_windows.problems)
                .pivot(egui::Align2::CENTER_CENTER)
                .default_pos(ctx.content_rect().center())
                .default_size([560.0, 420.0])
                .show(ctx, |ui| problems::show(ui, archive, &mut self.commands));
        }
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("Lectern");
            ui.separator();
            ui.menu_button("Archive", |ui| {
                if ui
                    .add_enabled(!self.opener.is_asking(), egui::Button::new("Open folder…"))
                    .on_hover_text("Ctrl+O")
                    .clicked()
                {
                    self.commands.push(Command::AskFolder);
                    ui.close();
                }
                if ui
                    .add_enabled(self.archive.is_some(), egui::Button::new("Export notes…"))
                    .on_hover_text("Markdown, CSV, JSON-LD, HTML or a REFI-QDA project")
                    .clicked()
                {
                    self.export_notes.open = true;
                    ui.close();
                }
                ui.separator();
                ui.label(RichText::new("Recent").small().weak());
                if self.opener.recent.is_empty() {
                    ui.label(RichText::new("None yet").weak());
                }
                for path in &self.opener.recent {
                    if ui.button(path.display().to_string()).clicked() {
                        self.commands.push(Command::Open(path.clone()));
                        ui.close();
                    }
                }
            });
            let response = ui.add(
                egui::TextEdit::singleline(&mut self.path_input)
                    .hint_text("Archive folder")
                    .desired_width(220.0),
            );
            if self.focus == Some(Focus::ArchivePath) {
                response.request_focus();
                self.focus = None;
            }
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                // Escape gives up the path being typed, as in a browser's address bar.
                self.show_open_path();
            }
            if ui.button("Open").clicked() || entered {
                self.commands
                    .push(Command::Open(PathBuf::from(self.path_input.trim())));
            }
            if let Some(archive) = &self.archive {
                ui.separator();
                let summary = &archive.report.summary;
                ui.label(match summary.imported {
                    1 => "1 speech".to_owned(),
                    n => format!("{n} speeches"),
                });
                let warn = ui.visuals().warn_fg_color;
                let label = match (archive.problem_count, archive.note_count) {
                    (0, 0) => egui::RichText::new("Import report"),
                    (0, 1) => egui::RichText::new("1 import note"),
                    (0, n) => egui::RichText::new(format!("{n} import notes")),
                    (1, _) => egui::RichText::new("1 problem").color(warn),
                    (n, _) => egui::RichText::new(format!("{n} problems")).color(warn),
                };
                if ui
                    .button(label)
                    .on_hover_text("Files not read, import notes, unreadable notes, skipped files")
                    .clicked()
                {
                    self.open_windows.problems = !self.open_windows.problems;
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Shortcuts").on_hover_text("F1").clicked() {
                    self.open_windows.shortcuts = !self.open_windows.shortcuts;
                }
                if self.archive.is_some()
                    && ui
                        .add(egui::Button::selectable(self.search.shown, "Search"))
                        .on_hover_text("Ctrl+Shift+F: find passages in every speech")
                        .clicked()
                {
                    self.search.shown = !self.search.shown;
                    self.search.focus = self.search.shown;
                }
                if self.archive.is_some()
                    && ui
                        .add(egui::Button::selectable(self.timeline.shown, "Timeline"))
                        .on_hover_text("Ctrl+L: the speeches and coded passages over time")
                        .clicked()
                {
                    self.timeline.shown = !self.timeline.shown;
                }
                if self.archive.is_some()
                    && ui
                        .button("Tags")
                        .on_hover_text("Ctrl+T: colours, hierarchy, rename, merge, delete")
                        .clicked()
                {
                    self.open_windows.tags = !self.open_windows.tags;
                }
                ui.menu_button("View", |ui| self.look.menu(ui));
                if let Some(archive) = &self.archive {
                    save_indicator(ui, &archive.notes, &mut self.commands);
                }
            });
        });
    }

    /// The window before an archive is open: the folder being read while a load is under
    /// way (the bar below counts its files), else how to open one.
    fn welcome(ui: &mut egui::Ui, loading: Option<&std::path::Path>) {
        ui.vertical_centered(|ui| {
            ui.add_space(80.0);
            if let Some(folder) = loading {
                ui.heading(format!("Reading {}", folder.display()));
                ui.label("Lectern never changes your files.");
            } else {
                ui.heading("Open a folder of speeches");
                ui.label("Type its path above and press Enter. Lectern never changes your files.");
            }
        });
    }
}

/// Whether the notes are on disk, and undo and redo.
fn save_indicator(ui: &mut egui::Ui, notes: &Notes, commands: &mut Vec<Command>) {
    match &notes.state {
        SaveState::Saved => {
            ui.label(RichText::new("Saved").weak())
                .on_hover_text("Every note is on disk, next to its speech");
        }
        SaveState::Pending | SaveState::Saving => {
            ui.label(RichText::new("Saving…").weak());
        }
        SaveState::Failed(message) => {
            if ui
                .button("Save elsewhere…")
                .on_hover_text(
                    "Save the notes in a folder you choose, for an archive that cannot be written",
                )
                .clicked()
            {
                commands.push(Command::ChooseNotesFolder);
            }
            if ui.button("Retry").clicked() {
                commands.push(Command::RetrySave);
            }
            ui.colored_label(ui.visuals().error_fg_color, "Not saved")
                .on_hover_text(message);
        }
    }
    if let Some(notice) = &notes.notice {
        ui.label(
            RichText::new(notice)
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
    ui.separator();
    if ui
        .add_enabled(notes.can_redo(), egui::Button::new("Redo"))
        .on_hover_text("Ctrl+Shift+Z")
        .clicked()
    {
        commands.push(Command::Redo);
    }
    if ui
        .add_enabled(notes.can_undo(), egui::Button::new("Undo"))
        .on_hover_text("Ctrl+Z")
        .clicked()
    {
        commands.push(Command::Undo);
    }
}

impl LecternApp {
    /// Where to keep the notes of an archive that cannot be written: a typed folder, or one
    /// chosen with the system's dialog.
    fn notes_folder_window(&mut self, ctx: &egui::Context) {
        let Some(path) = &mut self.notes_folder else {
            return;
        };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("notes folder")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.heading("Keep the notes in another folder");
            ui.label(
                "The archive folder cannot be written. Lectern can keep its notes in a folder \
                 of your choice instead, laid out like the archive; the sources stay where \
                 they are, and this archive opens with those notes from now on.",
            );
            let label = ui.label(RichText::new("Folder for the notes").small().weak());
            ui.add(egui::TextEdit::singleline(path).desired_width(480.0))
                .labelled_by(label.id);
            ui.horizontal(|ui| {
                if ui.button("Use this folder").clicked() && !path.trim().is_empty() {
                    self.commands
                        .push(Command::UseNotesFolder(PathBuf::from(path.trim())));
                }
                if ui.button("Choose…").clicked() {
                    self.commands.push(Command::AskNotesFolder);
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.notes_folder = None;
        }
    }
}
