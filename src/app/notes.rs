//! The researcher's notes while the app runs: the notebook, its undo history, and saving.
//!
//! Every change is an [`Edit`] applied through the history, so undo and redo cover all of
//! them. A change marks what it touched (speeches, the vocabulary) as unsaved; a short
//! while after the last change, the unsaved parts go to the saving thread
//! (`lectern-save`), which writes them atomically through `lectern_store`, merging with
//! whatever changed on disk meanwhile. The UI thread never touches a file.
//!
//! Nothing is lost when a save fails (a read-only folder, a corrupt sidecar that must not
//! be overwritten): the notes stay in memory, marked unsaved, and the failure is shown.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use lectern_core::Document;
use lectern_core::annotation::anchor::reanchor;
use lectern_core::annotation::edit::{Edit, EditError, History};
use lectern_core::annotation::merge::{merge, merge_vocabulary};
use lectern_core::annotation::{Notebook, SpeechNotes, Vocabulary};
use lectern_store::notes::{
    ArchiveBase, Base, NotesError, NotesPlace, RealFs, Saved, save_archive_file, save_sidecar,
};

/// How long after the last change the notes are saved.
pub const SAVE_DELAY: Duration = Duration::from_millis(800);

/// What the top bar shows about saving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// Everything is on disk.
    Saved,
    /// Changes wait for the save delay.
    Pending,
    Saving,
    /// The last save failed; the notes are kept in memory.
    Failed(String),
}

/// One speech's notes to save.
struct SpeechSave {
    path: String,
    sidecar: PathBuf,
    base: Base,
    ours: SpeechNotes,
}

struct SaveJob {
    root: PathBuf,
    speeches: Vec<SpeechSave>,
    /// The archive file's base and our version of it.
    archive: Option<(ArchiveBase, ArchiveBase)>,
}

struct SaveResult {
    speeches: Vec<(SpeechSave, Result<Saved, NotesError>)>,
    archive: Option<Result<ArchiveBase, NotesError>>,
    /// The count of saves written, this one included (see [`Notes::writes`]).
    written: u64,
}

/// The notebook of the open archive, its history and its saving.
pub struct Notes {
    pub notebook: Notebook,
    history: History,
    place: NotesPlace,
    /// Whether `place` is a mirror folder rather than the archive itself.
    mirrored: bool,
    /// Each sidecar as last read or written: the base of its next save.
    bases: HashMap<String, Base>,
    archive_base: ArchiveBase,
    /// Speeches whose notes changed since their last save started.
    unsaved: BTreeSet<String>,
    vocabulary_unsaved: bool,
    last_change: Option<Instant>,
    jobs: Sender<SaveJob>,
    results: Receiver<SaveResult>,
    in_flight: bool,
    pub state: SaveState,
    /// A message about the last save worth showing (a merge with changes made on disk).
    pub notice: Option<String>,
    /// Counts every change, so views can cache what they derive from the notes.
    pub revision: u64,
    /// The revision at which each speech's notes last changed.
    speech_revisions: HashMap<String, u64>,
    /// Saves written so far, counted by the saving thread once each is on disk.
    writes: Arc<AtomicU64>,
    /// Per sidecar, and for the archive file, the count of saves written when it was last
    /// written here: a file read again before then is older than its base.
    written_at: HashMap<String, u64>,
    archive_written_at: u64,
}

impl Notes {
    /// The notes of the archive at `root`, as loaded; `wake` asks the UI to repaint when a
    /// save finishes.
    pub fn new(
        (root, mirror): (&Path, Option<&Path>),
        notes: HashMap<String, SpeechNotes>,
        bases: HashMap<String, Base>,
        archive_base: ArchiveBase,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (jobs, job_receiver) = mpsc::channel::<SaveJob>();
        let (result_sender, results) = mpsc::channel();
        let writes = Arc::new(AtomicU64::new(0));
        let written = Arc::clone(&writes);
        // Without a thread nothing could be saved: the app would be useless, so say so.
        std::thread::Builder::new()
            .name("lectern-save".to_owned())
            .spawn(move || {
                for job in job_receiver {
                    let mut result = run(job);
                    result.written = written.fetch_add(1, Ordering::SeqCst) + 1;
                    let _ = result_sender.send(result);
                    wake();
                }
            })
            .expect("cannot start the thread that saves notes");
        Self {
            notebook: Notebook {
                vocabulary: archive_base.vocabulary.clone(),
                speeches: notes.into_iter().collect(),
            },
            history: History::default(),
            place: NotesPlace::new(root, mirror),
            mirrored: mirror.is_some(),
            bases,
            archive_base,
            unsaved: BTreeSet::new(),
            vocabulary_unsaved: false,
            last_change: None,
            jobs,
            results,
            in_flight: false,
            state: SaveState::Saved,
            notice: None,
            revision: 0,
            speech_revisions: HashMap::new(),
            writes,
            written_at: HashMap::new(),
            archive_written_at: 0,
        }
    }

    /// The count of saves written so far, shared with whoever reads the notes' files again
    /// when they change on disk: taken before reading, it tells [`Self::is_stale`] whether
    /// the reading may predate one of this app's own saves.
    pub fn writes(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.writes)
    }

    /// Whether the sidecar of `path` (the archive file for `None`), read again when the count
    /// of saves written was `seen`, was written here since: what was read may be older
    /// than what this app wrote, and taking it in would undo the save (deleting annotations
    /// just added). The save read the file under its lock and merged anything new on disk,
    /// so nothing is lost by dropping the reading.
    pub fn is_stale(&self, path: Option<&str>, seen: u64) -> bool {
        let written = match path {
            Some(path) => self.written_at.get(path).copied().unwrap_or(0),
            None => self.archive_written_at,
        };
        written > seen
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.notebook.vocabulary
    }

    pub fn of(&self, path: &str) -> Option<&SpeechNotes> {
        self.notebook.speeches.get(path)
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Applies `edit` as one undoable step.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        self.mark(&edit);
        self.history.apply(&mut self.notebook, edit)
    }

    /// Undoes the last step; `Ok(false)` when there is none.
    pub fn undo(&mut self) -> Result<bool, EditError> {
        let undone = self.history.undo(&mut self.notebook)?;
        if undone && let Some(edit) = self.history.last_redo() {
            let edit = edit.clone();
            self.mark(&edit);
        }
        Ok(undone)
    }

    /// Redoes the last undone step; `Ok(false)` when there is none.
    pub fn redo(&mut self) -> Result<bool, EditError> {
        let redone = self.history.redo(&mut self.notebook)?;
        if redone && let Some(edit) = self.history.last_undo() {
            let edit = edit.clone();
            self.mark(&edit);
        }
        Ok(redone)
    }

    /// Notes that the notes of the speech at `path` changed.
    fn touch(&mut self, path: &str) {
        self.revision += 1;
        self.speech_revisions.insert(path.to_owned(), self.revision);
    }

    /// The speeches whose notes changed after `revision`.
    pub fn changed_since(&self, revision: u64) -> impl Iterator<Item = &str> {
        self.speech_revisions
            .iter()
            .filter(move |(_, r)| **r > revision)
            .map(|(path, _)| path.as_str())
    }

    fn mark(&mut self, edit: &Edit) {
        let touched = edit.touches();
        for speech in &touched.speeches {
            self.touch(speech);
        }
        self.unsaved
            .extend(touched.speeches.into_iter().map(str::to_owned));
        self.vocabulary_unsaved |= touched.vocabulary;
        self.last_change = Some(Instant::now());
        self.revision += 1;
        if !matches!(self.state, SaveState::Failed(_)) {
            self.state = SaveState::Pending;
        }
    }

    pub fn has_unsaved(&self) -> bool {
        !self.unsaved.is_empty() || self.vocabulary_unsaved || self.in_flight
    }

    /// Takes in finished saves and starts the next once the save delay has passed. Returns
    /// how long until it should be called again, when something waits.
    pub fn poll(&mut self, documents: &[(String, Document)]) -> Option<Duration> {
        while let Ok(result) = self.results.try_recv() {
            self.take_result(result, documents);
        }
        if self.in_flight {
            return Some(Duration::from_millis(100));
        }
        if self.unsaved.is_empty() && !self.vocabulary_unsaved {
            return None;
        }
        if matches!(self.state, SaveState::Failed(_)) && self.last_change.is_none() {
            // A failed save waits for the next change or an explicit retry.
            return None;
        }
        let waited = self.last_change.map_or(SAVE_DELAY, |t| t.elapsed());
        if waited < SAVE_DELAY {
            return Some(SAVE_DELAY.saturating_sub(waited));
        }
        self.start_save();
        Some(Duration::from_millis(100))
    }

    /// Keeps the notes in `mirror` from now on (the archive folder cannot be written): every
    /// speech's notes and the vocabulary are saved there, merged with what the folder may
    /// already hold.
    pub fn use_mirror(&mut self, root: &Path, mirror: &Path) {
        self.place = NotesPlace::new(root, Some(mirror));
        self.bases.clear();
        // From an empty base, a save merges with whatever the folder holds as a union.
        self.archive_base = ArchiveBase::default();
        self.mirrored = true;
        self.unsaved.extend(self.notebook.speeches.keys().cloned());
        self.vocabulary_unsaved = true;
        self.retry();
    }

    /// The folder the notes are kept in, when not next to the sources.
    pub fn mirror(&self) -> Option<&Path> {
        Some(self.place.root()).filter(|_| self.mirrored)
    }

    /// Saves again what a failed save left unsaved.
    pub fn retry(&mut self) {
        self.last_change = Instant::now().checked_sub(SAVE_DELAY);
        self.state = SaveState::Pending;
    }

    /// Saves everything unsaved and waits until it is on disk (or failed): for quitting,
    /// and for tests.
    pub fn flush(&mut self, documents: &[(String, Document)]) {
        let mut attempts = 0;
        loop {
            while self.in_flight {
                match self.results.recv() {
                    Ok(result) => self.take_result(result, documents),
                    Err(_) => self.in_flight = false,
                }
            }
            let failed = attempts > 0 && matches!(self.state, SaveState::Failed(_));
            if (self.unsaved.is_empty() && !self.vocabulary_unsaved) || failed || attempts == 2 {
                return;
            }
            self.start_save();
            attempts += 1;
        }
    }

    fn start_save(&mut self) {
        let speeches = std::mem::take(&mut self.unsaved)
            .into_iter()
            .map(|path| {
                let base = self.bases.get(&path).cloned().unwrap_or_default();
                let ours = self
                    .notebook
                    .speeches
                    .get(&path)
                    .map(|notes| notes.stored_form(&base.notes))
                    .unwrap_or_default();
                SpeechSave {
                    sidecar: self.place.sidecar(&path),
                    path,
                    base,
                    ours,
                }
            })
            .collect();
        let archive = std::mem::take(&mut self.vocabulary_unsaved).then(|| {
            let mut ours = self.archive_base.clone();
            ours.vocabulary = self.notebook.vocabulary.clone();
            (self.archive_base.clone(), ours)
        });
        let job = SaveJob {
            root: self.place.root().to_path_buf(),
            speeches,
            archive,
        };
        self.last_change = None;
        if self.jobs.send(job).is_ok() {
            self.in_flight = true;
            self.state = SaveState::Saving;
        } else {
            self.state = SaveState::Failed("the saving thread has stopped".to_owned());
        }
    }

    fn take_result(&mut self, result: SaveResult, documents: &[(String, Document)]) {
        self.in_flight = false;
        let mut failures = Vec::new();
        let mut conflicts = 0;
        for (sent, outcome) in result.speeches {
            match outcome {
                Ok(saved) => {
                    if saved.merged {
                        conflicts += saved.conflicts.len();
                        self.take_merged(&sent, &saved.base.notes, documents);
                        self.touch(&sent.path);
                    }
                    self.written_at.insert(sent.path.clone(), result.written);
                    self.bases.insert(sent.path, saved.base);
                }
                Err(err) => {
                    failures.push(err.to_string());
                    self.unsaved.insert(sent.path);
                }
            }
        }
        match result.archive {
            Some(Ok(saved)) => {
                self.archive_written_at = result.written;
                // Tags another writer added meanwhile come in; ours were kept in the merge.
                for (name, def) in &saved.vocabulary.tags {
                    if !self.archive_base.vocabulary.tags.contains_key(name) {
                        self.notebook
                            .vocabulary
                            .tags
                            .entry(name.clone())
                            .or_insert_with(|| def.clone());
                    }
                }
                self.archive_base = saved;
            }
            Some(Err(err)) => {
                failures.push(err.to_string());
                self.vocabulary_unsaved = true;
            }
            None => {}
        }
        self.notice = (conflicts > 0).then(|| {
            format!(
                "{conflicts} annotations were changed both here and on disk; both versions are kept"
            )
        });
        self.state = if failures.is_empty() {
            if self.has_unsaved() {
                SaveState::Pending
            } else {
                SaveState::Saved
            }
        } else {
            self.last_change = None;
            SaveState::Failed(format!(
                "{}. The notes are kept in memory and nothing was overwritten.",
                failures.join("; ")
            ))
        };
        self.revision += 1;
    }

    /// The sidecar had changed on disk and the save merged with it: bring what the other
    /// writer added into the notebook, keeping any change made here since the save began.
    fn take_merged(
        &mut self,
        sent: &SpeechSave,
        on_disk: &SpeechNotes,
        documents: &[(String, Document)],
    ) {
        let base = self.bases.get(&sent.path).cloned().unwrap_or_default();
        let current = self
            .notebook
            .speeches
            .get(&sent.path)
            .map(|n| n.stored_form(&base.notes))
            .unwrap_or_default();
        let mut notes = merge(&sent.ours, &current, on_disk).notes;
        if let Ok(i) = documents.binary_search_by(|(path, _)| path.as_str().cmp(&sent.path)) {
            reanchor_all(&mut notes, &documents[i].1);
        }
        if notes.is_empty() {
            self.notebook.speeches.remove(&sent.path);
        } else {
            self.notebook.speeches.insert(sent.path.clone(), notes);
        }
    }
}

impl Notes {
    /// The speech's source changed on disk: finds its annotations again in the new text.
    pub fn reanchor_speech(&mut self, path: &str, doc: &Document) {
        let base = self.bases.get(path).cloned().unwrap_or_default();
        if let Some(current) = self.notebook.speeches.get_mut(path) {
            let mut notes = current.stored_form(&base.notes);
            reanchor_all(&mut notes, doc);
            *current = notes;
        }
        self.touch(path);
    }

    /// The speech's sidecar changed on disk (a `git pull`, a sync tool, another window):
    /// takes in what changed there, keeping every change made here and not yet saved.
    /// `disk` equal to what was last read or written here is no change at all.
    pub fn take_disk_sidecar(&mut self, path: &str, disk: Base, doc: Option<&Document>) {
        let base = self.bases.get(path).cloned().unwrap_or_default();
        if disk == base {
            return;
        }
        let ours = self
            .notebook
            .speeches
            .get(path)
            .map(|n| n.stored_form(&base.notes))
            .unwrap_or_default();
        let merged = merge(&base.notes, &ours, &disk.notes);
        let mut notes = merged.notes;
        if let Some(doc) = doc {
            reanchor_all(&mut notes, doc);
        }
        if notes.is_empty() {
            self.notebook.speeches.remove(path);
        } else {
            self.notebook.speeches.insert(path.to_owned(), notes);
        }
        self.bases.insert(path.to_owned(), disk);
        if !merged.conflicts.is_empty() {
            self.notice = Some(format!(
                "{} annotations of {path} were changed both here and on disk; both versions are kept",
                merged.conflicts.len()
            ));
        }
        self.touch(path);
    }

    /// The archive file changed on disk: its tags join ours, tag by tag.
    pub fn take_disk_archive_file(&mut self, disk: ArchiveBase) {
        if disk == self.archive_base {
            return;
        }
        self.notebook.vocabulary = merge_vocabulary(
            &self.archive_base.vocabulary,
            &self.notebook.vocabulary,
            &disk.vocabulary,
        );
        self.archive_base = disk;
        self.revision += 1;
    }
}

/// Finds every annotation of `notes` in `doc` again.
fn reanchor_all(notes: &mut SpeechNotes, doc: &Document) {
    for annotation in &mut notes.annotations {
        let anchored = reanchor(doc, &annotation.target);
        annotation.target.span = anchored.span;
        annotation.status = anchored.status;
    }
    notes.sort();
}

/// Runs on the saving thread.
fn run(job: SaveJob) -> SaveResult {
    let speeches = job
        .speeches
        .into_iter()
        .map(|save| {
            let outcome = save_sidecar(&save.sidecar, &save.base, &save.ours, &RealFs);
            (save, outcome)
        })
        .collect();
    let archive = job
        .archive
        .map(|(base, ours)| save_archive_file(&job.root, &base, &ours, &RealFs));
    SaveResult {
        speeches,
        archive,
        written: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sidecar read again before the app's own save of it was written is older than that
    /// save: taken in, it would look like a deletion made on disk and undo the save.
    #[test]
    fn a_sidecar_read_before_the_apps_own_save_is_stale() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut notes = Notes::new(
            (dir.path(), None),
            HashMap::new(),
            HashMap::new(),
            ArchiveBase::default(),
            || {},
        );
        let writes = notes.writes();
        // The watcher reads the (absent) sidecar, then the app saves a memo.
        let seen_before = writes.load(Ordering::SeqCst);
        let read_before = Base::default();
        notes
            .apply(Edit::SetMemo {
                speech: "a.txt".to_owned(),
                before: String::new(),
                after: "Read this twice.".to_owned(),
            })
            .expect("applies");
        notes.flush(&[]);
        assert_eq!(notes.state, SaveState::Saved);
        assert!(dir.path().join("a.txt.notes.ron").exists());
        assert!(notes.is_stale(Some("a.txt"), seen_before));
        // Other files, and readings made after the save, are not.
        assert!(!notes.is_stale(Some("b.txt"), seen_before));
        assert!(!notes.is_stale(Some("a.txt"), writes.load(Ordering::SeqCst)));
        // What taking the stale reading in would have done: the memo gone.
        notes.take_disk_sidecar("a.txt", read_before, None);
        assert!(!notes.notebook.speeches.contains_key("a.txt"));
    }
}
