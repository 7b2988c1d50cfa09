//! The desktop app: a library of the archive's speeches and a reader.
//!
//! Panels read the model and push [`Command`]s; commands are applied after the UI pass, so
//! no panel changes state another panel is still drawing. Loading runs on a named
//! background thread ([`loader`]); the UI thread never reads files.

mod library;
mod loader;
mod look;
mod notes;
mod open;
mod problems;
mod reader;
mod tags;
mod watcher;

use std::path::{Path, PathBuf};

use egui::RichText;
use lectern_core::Document;
use lectern_core::annotation::SpeechNotes;
use lectern_core::annotation::edit::Edit;
use lectern_store::CheckReport;

use loader::LoadJob;
pub use notes::{Notes, SaveState};

/// Marks the researcher's choice to quit with notes unsaved.
const QUIT_ANYWAY: &str = "quit anyway";

/// The key under which the last archive is remembered between runs.
const LAST_ARCHIVE: &str = "lectern.last_archive";

/// What the panels ask for; applied after the UI pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Open the archive folder at this path.
    Open(PathBuf),
    /// Ask for an archive folder with the system's dialog.
    AskFolder,
    /// Stop loading the archive.
    CancelLoad,
    /// Show the speech at this index of the library.
    Select(usize),
    /// Scroll the reader to this block of the open speech.
    JumpToBlock(usize),
    /// Open the next (+1) or previous (-1) speech in the library's order.
    StepSpeech(isize),
    /// Bring the next (+1) or previous (-1) annotation of the open speech into view.
    StepAnnotation(isize),
    /// Change the notes (one undoable step).
    Edit(Box<Edit>),
    Undo,
    Redo,
    /// Save again after a failed save.
    RetrySave,
    /// Merge the sync-tool conflict copies of this speech's sidecar into it.
    MergeConflictCopies(String),
}

impl Command {
    pub fn edit(edit: Edit) -> Self {
        Self::Edit(Box::new(edit))
    }
}

/// A text box the keyboard asked to focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Focus {
    ArchivePath,
    LibraryFilter,
}

/// The keyboard map, as the shortcuts window lists it.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+O", "Open an archive folder"),
    ("Ctrl+F", "Filter the library"),
    ("J / K", "Next / previous speech"),
    ("Down / Up", "Caret to the next / previous paragraph"),
    ("Shift+Right / Left", "Select word by word"),
    ("Shift+Down / Up", "Select sentence by sentence"),
    ("Ctrl+Shift+Down", "Select to the end of the paragraph"),
    ("H", "Highlight the selection and tag it"),
    ("T / E", "Tag / write a note on the selected annotation"),
    (
        "Enter",
        "In the tag box: add the tag (new names create a tag)",
    ),
    ("Delete", "Delete the selected annotation"),
    ("N / P", "Next / previous annotation in the speech"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo"),
    (
        "Ctrl+= / Ctrl+- / Ctrl+0",
        "Larger / smaller / default reading text",
    ),
    ("Ctrl+T", "The tag manager"),
    ("F1 or ?", "This list of shortcuts"),
    (
        "Esc",
        "Clear the selection, leave the annotation, close a window",
    ),
];

/// An archive once loaded.
pub struct Archive {
    pub root: PathBuf,
    /// Speeches by path relative to the root, sorted by path.
    pub speeches: Vec<(String, Document)>,
    pub report: CheckReport,
    /// The researcher's notes, their history and their saving.
    pub notes: Notes,
    /// The archive file, when it could not be read.
    pub problems: Vec<String>,
    /// Entries of the problems list, counted once at load rather than every frame.
    pub problem_count: usize,
    /// Changes made to the folder outside the app; `None` when it cannot be watched.
    watching: Option<watcher::Watching>,
}

impl Archive {
    pub fn notes_of(&self, path: &str) -> Option<&SpeechNotes> {
        self.notes.of(path)
    }
}

/// The whole window's state.
pub struct LecternApp {
    archive: Option<Archive>,
    loading: Option<LoadJob>,
    /// Index into `archive.speeches`.
    selected: Option<usize>,
    library: library::LibraryState,
    reader: reader::ReaderState,
    /// The path typed into the open box (the fallback when no folder dialog is at hand).
    path_input: String,
    error: Option<String>,
    commands: Vec<Command>,
    focus: Option<Focus>,
    /// Which of the floating windows are open.
    open_windows: OpenWindows,
    /// Set by the loading thread's wake-ups so the UI repaints while loading.
    ctx: Option<egui::Context>,
    look: look::Look,
    fonts_installed: bool,
    opener: open::Opener,
    tag_manager: tags::TagManager,
    startup_probe: Option<StartupProbe>,
    /// Whether a text box had the keyboard at the end of the last frame.
    was_typing: bool,
    /// The window was asked to close while notes could not be saved: the question shown.
    closing_unsaved: Option<String>,
    /// Conflict copies being merged: an error message per copy that failed.
    merges: Vec<std::sync::mpsc::Receiver<Option<String>>>,
}

#[derive(Clone, Copy, Default)]
struct OpenWindows {
    shortcuts: bool,
    problems: bool,
    tags: bool,
}

impl LecternApp {
    /// An app that starts loading `archive` (if any) at once.
    pub fn new(archive: Option<&Path>) -> Self {
        let mut app = Self {
            archive: None,
            loading: None,
            selected: None,
            library: library::LibraryState::default(),
            reader: reader::ReaderState::default(),
            path_input: archive.map(|p| p.display().to_string()).unwrap_or_default(),
            error: None,
            commands: Vec::new(),
            focus: None,
            open_windows: OpenWindows::default(),
            ctx: None,
            look: look::Look::default(),
            fonts_installed: false,
            opener: open::Opener::default(),
            tag_manager: tags::TagManager::default(),
            startup_probe: None,
            was_typing: false,
            closing_unsaved: None,
            merges: Vec::new(),
        };
        if let Some(archive) = archive {
            app.commands.push(Command::Open(archive.to_path_buf()));
        }
        app
    }

    /// For eframe: remembers the context (to wake the UI from the loading thread) and, with
    /// no archive given, reopens the last one used.
    pub fn from_creation(cc: &eframe::CreationContext<'_>, archive: Option<&Path>) -> Self {
        let remembered = cc
            .storage
            .and_then(|s| s.get_string(LAST_ARCHIVE))
            .map(PathBuf::from)
            .filter(|p| p.is_dir());
        // The sample archive next to the program's working folder, on a first run.
        let sample = Some(PathBuf::from("sample_archive")).filter(|p| p.is_dir());
        let mut app = Self::new(archive.or(remembered.as_deref()).or(sample.as_deref()));
        app.ctx = Some(cc.egui_ctx.clone());
        if std::env::var_os("LECTERN_STARTUP_PROBE").is_some() {
            app.startup_probe = Some(StartupProbe::default());
        }
        if let Some(storage) = cc.storage {
            app.look = look::Look::load(storage);
            app.opener = open::Opener::load(storage);
        }
        app
    }

    pub fn archive(&self) -> Option<&Archive> {
        self.archive.as_ref()
    }

    pub fn archive_mut(&mut self) -> Option<&mut Archive> {
        self.archive.as_mut()
    }

    /// Queues a command as a panel would; it is applied on the next update.
    pub fn queue(&mut self, command: Command) {
        self.commands.push(command);
    }

    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    pub fn selected(&self) -> Option<&(String, Document)> {
        let archive = self.archive.as_ref()?;
        archive.speeches.get(self.selected?)
    }

    /// Applies the queued commands and takes in a finished load. Called once per frame,
    /// before the UI is drawn.
    pub fn update(&mut self, ctx: &egui::Context) {
        if self.ctx.is_none() {
            self.ctx = Some(ctx.clone());
        }
        if !self.fonts_installed {
            ctx.set_fonts(look::fonts());
            // Ctrl with + and - sizes the reading text instead of zooming the whole window.
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
            self.fonts_installed = true;
        }
        if ctx.options(|o| o.theme_preference) != self.look.theme {
            ctx.set_theme(self.look.theme);
        }
        if let Some(job) = &mut self.loading {
            if let Some(loaded) = job.poll() {
                let root = job.archive.clone();
                self.loading = None;
                self.close_archive();
                let wake = {
                    let ctx = ctx.clone();
                    move || ctx.request_repaint()
                };
                let notes = Notes::new(
                    &root,
                    loaded.loaded.notes,
                    loaded.loaded.bases,
                    loaded.archive_file,
                    wake,
                );
                let mut archive = Archive {
                    root,
                    speeches: loaded.loaded.documents,
                    report: loaded.loaded.report,
                    notes,
                    problems: loaded.problems,
                    problem_count: 0,
                    watching: None,
                };
                let wake = {
                    let ctx = ctx.clone();
                    move || ctx.request_repaint()
                };
                match watcher::Watching::start(&archive.root, wake) {
                    Ok(watching) => archive.watching = Some(watching),
                    Err(err) => archive.problems.push(err),
                }
                archive.problem_count = problems::count(&archive);
                self.opener.opened(&archive.root);
                self.archive = Some(archive);
                self.selected = None;
                self.library = library::LibraryState::default();
                self.reader = reader::ReaderState::default();
            } else {
                // The loading thread wakes us per batch; this is the fallback.
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
        }
        match self.opener.poll() {
            Some(open::Picked::Folder(folder)) => self.commands.push(Command::Open(folder)),
            Some(open::Picked::NoDialog) => {
                self.error = Some(
                    "no folder dialog is available here: type the folder's path and press Enter"
                        .to_owned(),
                );
                self.focus = Some(Focus::ArchivePath);
            }
            Some(open::Picked::Cancelled) | None => {}
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if !dropped.is_empty() {
            match open::dropped_folder(&dropped) {
                Some(folder) => self.commands.push(Command::Open(folder)),
                None => self.error = Some("drop a folder of speeches to open it".to_owned()),
            }
        }
        let failed: Vec<String> = self
            .merges
            .iter()
            .flat_map(|r| r.try_iter().flatten().collect::<Vec<_>>())
            .collect();
        if let Some(archive) = &mut self.archive
            && !failed.is_empty()
        {
            archive.problems.extend(failed);
            archive.problem_count = problems::count(archive);
        }
        if ctx.input(|i| i.viewport().close_requested()) {
            self.close_requested(ctx);
        }
        self.keyboard(ctx);
        for command in std::mem::take(&mut self.commands) {
            self.apply(command);
        }
        let reread = self
            .archive
            .as_ref()
            .and_then(|a| a.watching.as_ref())
            .map(watcher::Watching::poll)
            .unwrap_or_default();
        for reread in reread {
            self.take_reread(reread);
        }
        if let Some(archive) = &mut self.archive
            && let Some(after) = archive.notes.poll(&archive.speeches)
        {
            ctx.request_repaint_after(after);
        }
    }

    /// Takes in a file changed outside the app and read again.
    fn take_reread(&mut self, reread: watcher::Reread) {
        use watcher::Reread;
        let Some(archive) = &mut self.archive else {
            return;
        };
        let find = |speeches: &[(String, Document)], path: &str| {
            speeches.binary_search_by(|(p, _)| p.as_str().cmp(path))
        };
        let problem = match reread {
            Reread::Source(path, Ok(doc)) => {
                let i = match find(&archive.speeches, &path) {
                    Ok(i) => {
                        archive.speeches[i].1 = *doc;
                        i
                    }
                    Err(i) => {
                        archive.speeches.insert(i, (path.clone(), *doc));
                        if let Some(selected) = &mut self.selected
                            && *selected >= i
                        {
                            *selected += 1;
                        }
                        i
                    }
                };
                archive.notes.reanchor_speech(&path, &archive.speeches[i].1);
                if self.selected == Some(i) {
                    self.reader.source_changed();
                }
                None
            }
            Reread::Sidecar(path, Ok(base)) => {
                let doc = find(&archive.speeches, &path)
                    .ok()
                    .map(|i| &archive.speeches[i].1);
                archive.notes.take_disk_sidecar(&path, base, doc);
                None
            }
            Reread::ArchiveFile(Ok(base)) => {
                archive.notes.take_disk_archive_file(base);
                None
            }
            Reread::Source(path, Err(err)) => Some(format!(
                "{path} changed on disk and could not be read again ({err}); the text read \
                 before is kept"
            )),
            Reread::Sidecar(_, Err(err)) | Reread::ArchiveFile(Err(err)) => Some(format!(
                "{err}; the notes read before are kept, and nothing is overwritten"
            )),
        };
        if let Some(problem) = problem {
            archive.problems.push(problem);
            archive.problem_count = problems::count(archive);
        }
    }

    /// Commits what is being typed and writes every unsaved change, waiting until it is on
    /// disk: before the window closes or another archive opens.
    pub fn flush(&mut self) {
        self.take_pending_edits();
        for command in std::mem::take(&mut self.commands) {
            self.apply(command);
        }
        if let Some(archive) = &mut self.archive {
            archive.notes.flush(&archive.speeches);
        }
    }

    /// Merges the conflict copies of `path`'s sidecar on the `lectern-merge` thread. The
    /// watcher then sees the sidecar change and brings the result into the notes.
    fn merge_conflict_copies(&mut self, path: &str) {
        let Some(archive) = &mut self.archive else {
            return;
        };
        let Some(entry) = archive.report.documents.iter_mut().find(|d| d.path == path) else {
            return;
        };
        let copies = std::mem::take(&mut entry.conflict_copies);
        let root = archive.root.clone();
        let sidecar = lectern_store::notes::NotesPlace::new(&root, None).sidecar(path);
        let (sender, receiver) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("lectern-merge".to_owned())
            .spawn(move || {
                for copy in copies {
                    let merged = lectern_store::notes::merge_conflict_copy(
                        &sidecar,
                        &root.join(&copy),
                        &lectern_store::notes::RealFs,
                    );
                    let _ = sender.send(merged.err().map(|e| e.to_string()));
                }
            });
        if spawned.is_ok() {
            self.merges.push(receiver);
        }
        archive.problem_count = problems::count(archive);
    }

    /// Quitting never loses an edit: what is typed is committed and saved; if the notes
    /// cannot be written, the window stays open and asks.
    fn close_requested(&mut self, ctx: &egui::Context) {
        if self.closing_unsaved.as_deref() == Some(QUIT_ANYWAY) {
            return;
        }
        self.flush();
        if let Some(SaveState::Failed(reason)) = self.save_state() {
            self.closing_unsaved = Some(reason.clone());
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
    }

    fn close_archive(&mut self) {
        self.flush();
        self.archive = None;
    }

    /// Turns a note or memo being typed into an edit.
    fn take_pending_edits(&mut self) {
        if let Some(archive) = &self.archive
            && let Some((path, _)) = self.selected.and_then(|i| archive.speeches.get(i))
        {
            let pending = self.reader.pending_edits(path, archive.notes_of(path));
            self.commands.extend(pending);
        }
    }

    /// Opens the speech at `index` (a new reader), committing what was typed in the last.
    fn open_speech(&mut self, index: usize) {
        self.take_pending_edits();
        self.selected = Some(index);
        self.reader = reader::ReaderState::default();
    }

    pub fn save_state(&self) -> Option<&SaveState> {
        self.archive.as_ref().map(|a| &a.notes.state)
    }

    /// Turns key presses into commands. Letter keys act only while no text box has focus.
    fn keyboard(&mut self, ctx: &egui::Context) {
        use egui::{Key, Modifiers};
        // A text box that had the keyboard last frame counts too: Esc takes the focus away
        // as the frame begins, and that Esc is the text box's, not the reader's.
        let typing = ctx.egui_wants_keyboard_input() || self.was_typing;
        ctx.input_mut(|input| {
            if input.consume_key(Modifiers::COMMAND, Key::T) {
                self.open_windows.tags = !self.open_windows.tags;
            }
            if input.consume_key(Modifiers::COMMAND, Key::O) {
                self.commands.push(Command::AskFolder);
            }
            if input.consume_key(Modifiers::COMMAND, Key::F) {
                self.focus = Some(Focus::LibraryFilter);
            }
            if input.consume_key(Modifiers::NONE, Key::F1) {
                self.open_windows.shortcuts = !self.open_windows.shortcuts;
            }
            if input.consume_key(Modifiers::COMMAND, Key::Equals)
                || input.consume_key(Modifiers::COMMAND, Key::Plus)
                || input.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::Equals)
            {
                self.look.step_text_size(1);
            }
            if input.consume_key(Modifiers::COMMAND, Key::Minus) {
                self.look.step_text_size(-1);
            }
            if input.consume_key(Modifiers::COMMAND, Key::Num0) {
                self.look.step_text_size(0);
            }
            if typing {
                // Esc and the arrows belong to the text box.
                return;
            }
            if input.consume_key(Modifiers::NONE, Key::Escape) {
                if self.open_windows.shortcuts
                    || self.open_windows.problems
                    || self.open_windows.tags
                {
                    self.open_windows.shortcuts = false;
                    self.open_windows.problems = false;
                    self.open_windows.tags = false;
                } else {
                    self.reader.escape();
                }
            }
            if input.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z)
                || input.consume_key(Modifiers::COMMAND, Key::Y)
            {
                self.commands.push(Command::Redo);
            }
            if input.consume_key(Modifiers::COMMAND, Key::Z) {
                self.commands.push(Command::Undo);
            }
            if let Some(archive) = &self.archive
                && let Some((path, doc)) = self.selected.and_then(|i| archive.speeches.get(i))
            {
                reader::keys(
                    input,
                    (path, doc),
                    archive.notes_of(path),
                    &mut self.reader,
                    &mut self.commands,
                );
            }
            if input.consume_key(Modifiers::NONE, Key::Questionmark)
                || input.consume_key(Modifiers::SHIFT, Key::Questionmark)
            {
                self.open_windows.shortcuts = !self.open_windows.shortcuts;
            }
            for (key, command) in [
                (Key::J, Command::StepSpeech(1)),
                (Key::K, Command::StepSpeech(-1)),
                (Key::N, Command::StepAnnotation(1)),
                (Key::P, Command::StepAnnotation(-1)),
            ] {
                if input.consume_key(Modifiers::NONE, key) {
                    self.commands.push(command);
                }
            }
        });
    }

    fn apply(&mut self, command: Command) {
        match command {
            Command::Open(path) => {
                if !path.is_dir() {
                    self.error = Some(format!("not a folder: {}", path.display()));
                    return;
                }
                if let Some(job) = self.loading.take() {
                    job.cancel();
                }
                let ctx = self.ctx.clone();
                let wake = move || {
                    if let Some(ctx) = &ctx {
                        ctx.request_repaint();
                    }
                };
                match LoadJob::start(&path, wake) {
                    Ok(job) => {
                        self.error = None;
                        self.path_input = path.display().to_string();
                        self.loading = Some(job);
                    }
                    Err(err) => self.error = Some(format!("cannot start loading: {err}")),
                }
            }
            Command::AskFolder => {
                let ctx = self.ctx.clone();
                let from = self.archive.as_ref().map(|a| a.root.clone());
                self.opener.ask(from.as_deref(), move || {
                    if let Some(ctx) = &ctx {
                        ctx.request_repaint();
                    }
                });
            }
            Command::CancelLoad => {
                if let Some(job) = self.loading.take() {
                    job.cancel();
                }
            }
            Command::Select(index) => {
                if self
                    .archive
                    .as_ref()
                    .is_some_and(|a| index < a.speeches.len())
                {
                    self.open_speech(index);
                }
            }
            Command::JumpToBlock(block) => self.reader.jump_to = Some(block),
            Command::StepSpeech(delta) => {
                if let Some(archive) = &self.archive
                    && let Some(next) = self.library.step(archive, self.selected, delta)
                {
                    self.open_speech(next);
                }
            }
            Command::StepAnnotation(delta) => {
                if let Some(archive) = &self.archive
                    && let Some((path, doc)) = self.selected.and_then(|i| archive.speeches.get(i))
                    && let Some(notes) = archive.notes_of(path)
                {
                    self.reader.step_annotation(doc, notes, delta);
                }
            }
            Command::Edit(edit) => {
                if let Some(archive) = &mut self.archive
                    && let Err(err) = archive.notes.apply(*edit)
                {
                    self.error = Some(format!("could not change the notes: {err}"));
                }
            }
            Command::Undo | Command::Redo => {
                if let Some(archive) = &mut self.archive {
                    let result = if command == Command::Undo {
                        archive.notes.undo()
                    } else {
                        archive.notes.redo()
                    };
                    if let Err(err) = result {
                        self.error = Some(format!("cannot undo or redo: {err}"));
                    }
                }
            }
            Command::MergeConflictCopies(path) => self.merge_conflict_copies(&path),
            Command::RetrySave => {
                if let Some(archive) = &mut self.archive {
                    archive.notes.retry();
                }
            }
        }
    }

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
                egui::Panel::left("library")
                    .resizable(true)
                    .default_size(460.0)
                    .show(ui, |ui| {
                        let focus_filter = self.focus.take_if(|f| *f == Focus::LibraryFilter);
                        library::show(
                            ui,
                            archive,
                            self.selected,
                            &mut self.library,
                            focus_filter.is_some(),
                            &mut self.commands,
                        );
                    });
                egui::CentralPanel::default_margins().show(ui, |ui| {
                    match self.selected.and_then(|i| archive.speeches.get(i)) {
                        Some((path, doc)) => {
                            reader::show(
                                ui,
                                (self.look.text_size, archive.notes.revision),
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
                egui::CentralPanel::default_margins().show(ui, Self::welcome);
            }
        }
    }

    fn windows(&mut self, ctx: &egui::Context) {
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
            egui::Window::new("Problems")
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
                    .desired_width(320.0),
            );
            if self.focus == Some(Focus::ArchivePath) {
                response.request_focus();
                self.focus = None;
            }
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
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
                let count = archive.problem_count;
                let label = match count {
                    0 => egui::RichText::new("Import report"),
                    1 => egui::RichText::new("1 problem").color(ui.visuals().warn_fg_color),
                    n => egui::RichText::new(format!("{n} problems"))
                        .color(ui.visuals().warn_fg_color),
                };
                if ui
                    .button(label)
                    .on_hover_text("Files not read, import notes, unreadable notes, skipped files")
                    .clicked()
                {
                    self.open_windows.problems = !self.open_windows.problems;
                }
            }
            if let Some(error) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Shortcuts").on_hover_text("F1").clicked() {
                    self.open_windows.shortcuts = !self.open_windows.shortcuts;
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

    fn welcome(ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.add_space(80.0);
            ui.heading("Open a folder of speeches");
            ui.label("Type its path above and press Enter. Lectern never changes your files.");
        });
    }

    /// Remembers the open archive for the next run.
    pub fn remember(&self, storage: &mut dyn eframe::Storage) {
        let root = self
            .archive
            .as_ref()
            .map(|a| &a.root)
            .or(self.loading.as_ref().map(|j| &j.archive));
        if let Some(root) = root {
            storage.set_string(LAST_ARCHIVE, root.display().to_string());
        }
    }
}

/// For the startup benchmark (`scripts/bench-startup.sh`): with `LECTERN_STARTUP_PROBE`
/// set, the app prints when its first frame and its first frame with the archive's library
/// were on screen (milliseconds since the Unix epoch), then closes.
#[derive(Default)]
struct StartupProbe {
    frames: u32,
    first: Option<u128>,
    /// Set once a frame with the archive loaded has been drawn.
    archive_drawn: bool,
    reported: bool,
}

fn epoch_millis() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

impl StartupProbe {
    /// Called as each frame starts: the frame before it is on screen by now.
    fn frame_starts(&mut self, ctx: &egui::Context, archive_loaded: bool) {
        if self.frames == 1 {
            self.first = Some(epoch_millis());
        }
        if self.archive_drawn && !self.reported {
            self.reported = true;
            println!(
                "startup: first frame {} library {}",
                self.first.unwrap_or_default(),
                epoch_millis()
            );
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        self.archive_drawn = archive_loaded && self.frames > 0;
        self.frames += 1;
        ctx.request_repaint();
    }
}

impl eframe::App for LecternApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.update(ctx);
        if let Some(probe) = &mut self.startup_probe {
            probe.frame_starts(ctx, self.archive.is_some());
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.remember(storage);
        self.look.store(storage);
        self.opener.store(storage);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Quitting never loses an edit: what is typed is committed and everything written.
        self.flush();
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

/// Runs the desktop app on `archive` (or the last archive used).
pub fn run(archive: Option<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Lectern")
            .with_app_id("lectern")
            .with_icon(
                // Rendered from assets/icon.svg (rsvg-convert -w 256); a broken file would be
                // a build mistake, so fall back to no icon rather than fail.
                eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png"))
                    .unwrap_or_default(),
            )
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([640.0, 400.0]),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "Lectern",
        options,
        Box::new(move |cc| Ok(Box::new(LecternApp::from_creation(cc, archive.as_deref())))),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
