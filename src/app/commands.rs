//! What the panels ask for, and what each request does. Panels push [`Command`]s while they
//! draw; [`LecternApp`] applies them after the UI pass, one at a time.

use std::path::PathBuf;

use lectern_core::annotation::edit::Edit;

use super::loader::LoadJob;
use super::{LecternApp, open, reader};

/// What the panels ask for; applied after the UI pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Open the archive folder at this path.
    Open(PathBuf),
    /// Ask for an archive folder with the system's dialog.
    AskFolder,
    /// Ask with the system's dialog for a folder to keep the notes in.
    AskNotesFolder,
    /// Keep the open archive's notes in this folder from now on.
    UseNotesFolder(PathBuf),
    /// Show the window that chooses where the notes are kept.
    ChooseNotesFolder,
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
    /// Open the speech at this index with this search hit (if any) current and in view.
    OpenHit(usize, Option<lectern_core::CharSpan>),
    /// Bring the next (+1) or previous (-1) search hit of the open speech into view.
    StepHit(isize),
    /// Tag these passages (speech, span) as new annotations, in one undoable step.
    AutoCode(
        lectern_core::annotation::TagName,
        reader::Extent,
        Vec<(usize, lectern_core::CharSpan)>,
    ),
    /// Open the speech at this index with this annotation selected and in view.
    OpenAnnotation(usize, lectern_core::annotation::AnnotationId),
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

impl LecternApp {
    pub(super) fn apply(&mut self, command: Command) {
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
                let mirror = self.opener.mirrors.get(&path).cloned();
                match LoadJob::start(&path, mirror.as_deref(), wake) {
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
                self.opener
                    .ask(open::Purpose::Archive, from.as_deref(), move || {
                        if let Some(ctx) = &ctx {
                            ctx.request_repaint();
                        }
                    });
            }
            Command::AskNotesFolder => {
                let ctx = self.ctx.clone();
                self.opener.ask(open::Purpose::Mirror, None, move || {
                    if let Some(ctx) = &ctx {
                        ctx.request_repaint();
                    }
                });
            }
            Command::ChooseNotesFolder => {
                if let Some(archive) = &self.archive {
                    let name = archive.root.file_name().map_or_else(
                        || "archive".to_owned(),
                        |n| n.to_string_lossy().into_owned(),
                    );
                    let suggested = std::env::home_dir()
                        .unwrap_or_default()
                        .join("Lectern notes")
                        .join(name);
                    self.notes_folder = Some(suggested.display().to_string());
                }
            }
            Command::UseNotesFolder(folder) => {
                if let Some(archive) = &mut self.archive {
                    archive.notes.use_mirror(&archive.root, &folder);
                    self.opener.mirrors.insert(archive.root.clone(), folder);
                    self.notes_folder = None;
                    if self.closing_unsaved.is_some() {
                        self.closing_unsaved = None;
                    }
                }
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
            Command::OpenAnnotation(index, id) => {
                if let Some(archive) = &self.archive
                    && let Some((path, doc)) = archive.speeches.get(index)
                    && let Some(start) = archive
                        .notes_of(path)
                        .and_then(|n| n.annotation(&id))
                        .map(|a| a.target.span.start)
                {
                    let block = reader::block_index(doc, start);
                    if self.selected != Some(index) {
                        self.open_speech(index);
                    }
                    self.reader.select_annotation(id);
                    self.reader.jump_to = Some(block);
                }
            }
            Command::OpenHit(index, span) => {
                if self
                    .archive
                    .as_ref()
                    .is_some_and(|a| index < a.speeches.len())
                {
                    if self.selected != Some(index) {
                        self.open_speech(index);
                    }
                    self.reader.hits_key = None;
                    self.reader.pending_hit = span;
                    self.update_reader_hits();
                }
            }
            Command::StepHit(delta) => {
                if let Some(archive) = &self.archive
                    && let Some((_, doc)) = self.selected.and_then(|i| archive.speeches.get(i))
                {
                    self.reader.step_hit(doc, delta);
                }
            }
            Command::AutoCode(tag, extent, targets) => self.auto_code(&tag, extent, &targets),
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
}
