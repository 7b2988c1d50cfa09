//! The desktop app: a library of the archive's speeches and a reader.
//!
//! Panels read the model and push [`Command`]s; commands are applied after the UI pass, so
//! no panel changes state another panel is still drawing. Loading runs on a named
//! background thread ([`loader`]); the UI thread never reads files.

mod chrome;
mod commands;
mod dialog;
mod export;
mod export_notes;
mod hits;
mod keys;
mod library;
mod loader;
mod look;
mod notes;
mod open;
mod problems;
mod reader;
mod run;
mod search;
mod tags;
mod timeline;
mod watcher;

use std::path::{Path, PathBuf};

use lectern_core::Document;
use lectern_core::annotation::SpeechNotes;
use lectern_store::CheckReport;

pub use commands::Command;
pub use keys::SHORTCUTS;
use loader::LoadJob;
pub use notes::{Notes, SaveState};
use run::StartupProbe;
pub use run::run;

/// Marks the researcher's choice to quit with notes unsaved.
const QUIT_ANYWAY: &str = "quit anyway";

/// The key under which the last archive is remembered between runs.
const LAST_ARCHIVE: &str = "lectern.last_archive";

/// A text box the keyboard asked to focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Focus {
    ArchivePath,
    LibraryFilter,
}

/// An archive once loaded.
pub struct Archive {
    pub root: PathBuf,
    /// Speeches by path relative to the root, sorted by path; shared with background
    /// exports, copied only if a file changes on disk during one.
    pub speeches: std::sync::Arc<Vec<(String, Document)>>,
    pub report: CheckReport,
    /// The researcher's notes, their history and their saving.
    pub notes: Notes,
    /// The archive file, when it could not be read.
    pub problems: Vec<String>,
    /// Entries of the problems list, counted once at load rather than every frame.
    pub problem_count: usize,
    /// Import notes that only say how a text was cleaned, listed with the problems.
    pub note_count: usize,
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
    timeline: timeline::TimelineState,
    search: search::SearchState,
    export_notes: export_notes::ExportWindow,
    startup_probe: Option<StartupProbe>,
    /// Whether a text box had the keyboard at the end of the last frame.
    was_typing: bool,
    /// The window was asked to close while notes could not be saved: the question shown.
    closing_unsaved: Option<String>,
    /// The window choosing where the notes are kept is open, with the path typed.
    notes_folder: Option<String>,
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
            timeline: timeline::TimelineState::default(),
            search: search::SearchState::default(),
            export_notes: export_notes::ExportWindow::default(),
            startup_probe: None,
            was_typing: false,
            closing_unsaved: None,
            merges: Vec::new(),
            notes_folder: None,
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

    /// Keeps the search index in `dir` instead of the user's cache folder.
    pub fn set_cache_dir(&mut self, dir: &Path) {
        self.search.cache = Some(dir.to_path_buf());
    }

    /// Shows the search panel with this query typed.
    pub fn search_for(&mut self, query: &str) {
        self.search.shown = true;
        query.clone_into(&mut self.search.text);
    }

    /// Sets the library's date range, as brushing on the timeline does.
    pub fn set_date_range(&mut self, from: &str, to: &str) {
        self.library.set_date_range(from.to_owned(), to.to_owned());
    }

    /// Whether the search index is ready (built, reused or updated) or has failed.
    pub fn search_index_settled(&self) -> bool {
        matches!(
            self.search.index,
            search::IndexStatus::Ready { .. } | search::IndexStatus::Failed(_)
        )
    }

    /// The search's answer: (hits, speeches), once it has come.
    pub fn search_counts(&self) -> Option<(usize, usize)> {
        let results = self
            .search
            .results
            .as_ref()
            .filter(|_| !self.search.searching())?;
        Some((results.total, results.groups.len()))
    }

    /// The search hits highlighted in the open speech, and the current one.
    pub fn reader_hits(&self) -> (&[lectern_core::CharSpan], Option<usize>) {
        (&self.reader.hits, self.reader.current_hit)
    }

    /// Opens (or closes) the timeline panel with the passages of `tags` charted.
    pub fn set_timeline(&mut self, shown: bool, tags: &[lectern_core::annotation::TagName]) {
        self.timeline.shown = shown;
        self.timeline.tags = tags.to_vec();
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
                let mirror = job.mirror.clone();
                let started = job.started;
                self.loading = None;
                self.close_archive();
                let wake = {
                    let ctx = ctx.clone();
                    move || ctx.request_repaint()
                };
                let notes = Notes::new(
                    (&root, mirror.as_deref()),
                    loaded.loaded.notes,
                    loaded.loaded.bases,
                    loaded.archive_file,
                    wake,
                );
                let mut archive = Archive {
                    root,
                    speeches: std::sync::Arc::new(loaded.loaded.documents),
                    report: loaded.loaded.report,
                    notes,
                    problems: loaded.problems,
                    problem_count: 0,
                    note_count: 0,
                    watching: None,
                };
                let wake = {
                    let ctx = ctx.clone();
                    move || ctx.request_repaint()
                };
                match watcher::Watching::start(&archive.root, archive.notes.writes(), wake) {
                    Ok(watching) => archive.watching = Some(watching),
                    Err(err) => archive.problems.push(err),
                }
                (archive.problem_count, archive.note_count) = problems::count(&archive);
                self.opener.opened(&archive.root);
                self.archive = Some(archive);
                self.selected = None;
                self.library = library::LibraryState::default();
                self.reader = reader::ReaderState::default();
                self.timeline.archive_changed();
                self.search.archive_changed();
                if let Some(archive) = &self.archive {
                    self.search
                        .index(&archive.root, &archive.speeches, started, Some(ctx));
                }
            } else {
                // The loading thread wakes us per batch; this is the fallback.
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
        }
        match self.opener.poll() {
            Some(open::Picked::Folder(folder)) => {
                self.commands.push(match self.opener.asking_for {
                    open::Purpose::Archive => Command::Open(folder),
                    open::Purpose::Mirror => Command::UseNotesFolder(folder),
                });
            }
            Some(open::Picked::NoDialog) if self.opener.asking_for == open::Purpose::Mirror => {
                // The notes-folder window's path box stays the way to name it.
            }
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
            (archive.problem_count, archive.note_count) = problems::count(archive);
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
        let reread_any = !reread.is_empty();
        for (seen, reread) in reread {
            self.take_reread(seen, reread);
        }
        if reread_any && let Some(archive) = &self.archive {
            self.search.index(
                &archive.root,
                &archive.speeches,
                std::time::SystemTime::now(),
                Some(ctx),
            );
        }
        if let Some(archive) = &self.archive {
            let range = chrome::library_range(&self.library);
            self.search.update(archive, range);
            self.update_reader_hits();
        }
        if let Some(archive) = &mut self.archive
            && let Some(after) = archive.notes.poll(&archive.speeches)
        {
            ctx.request_repaint_after(after);
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

    /// Puts the open archive's folder back in the path box, over a path given up or refused
    /// (unless another archive is being opened).
    fn show_open_path(&mut self) {
        if let (Some(archive), None) = (&self.archive, &self.loading) {
            self.path_input = archive.root.display().to_string();
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
