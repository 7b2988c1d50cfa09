//! Archive → Export notes…: the format, which passages (a tag, a date range, the open
//! speech only), and where to. The export runs on the `lectern-export` thread over a shared
//! copy of the speeches and the notes, reporting its progress, so a large archive never
//! freezes the window.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

use egui::RichText;
use lectern_core::annotation::{Notebook, TagName};
use lectern_core::export::{self, Filter};
use lectern_core::{Document, PartialDate};
use lectern_store::notes::{RealFs, write_atomic};

use super::Archive;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    MarkdownNotes,
    Codebook,
    Csv,
    JsonLd,
    Html,
    Qdpx,
}

impl Format {
    const ALL: [Format; 6] = [
        Format::MarkdownNotes,
        Format::Codebook,
        Format::Csv,
        Format::JsonLd,
        Format::Html,
        Format::Qdpx,
    ];

    fn label(self) -> &'static str {
        match self {
            Format::MarkdownNotes => "Markdown notes, one per speech",
            Format::Codebook => "Markdown codebook, by tag",
            Format::Csv => "CSV, one row per annotation",
            Format::JsonLd => "W3C Web Annotations (JSON-LD)",
            Format::Html => "HTML pages, one per speech",
            Format::Qdpx => "REFI-QDA project (.qdpx)",
        }
    }

    /// Whether the export is a folder of files rather than one file.
    fn is_folder(self) -> bool {
        matches!(self, Format::MarkdownNotes | Format::Html)
    }

    fn file_name(self) -> &'static str {
        match self {
            Format::MarkdownNotes => "lectern-notes",
            Format::Html => "lectern-pages",
            Format::Codebook => "codebook.md",
            Format::Csv => "annotations.csv",
            Format::JsonLd => "annotations.jsonld",
            Format::Qdpx => "project.qdpx",
        }
    }
}

/// What the export thread reports.
enum Progress {
    Step(String),
    Done(Result<String, String>),
}

#[derive(Default)]
pub struct ExportWindow {
    pub open: bool,
    format: Format,
    tag: Option<TagName>,
    from: String,
    to: String,
    only_open_speech: bool,
    destination: String,
    running: Option<Receiver<Progress>>,
    status: Option<String>,
    /// The folder or file the system's dialog chose, when it answers.
    dialog: Option<Receiver<Option<PathBuf>>>,
}

impl ExportWindow {
    pub fn show(&mut self, ctx: &egui::Context, archive: &Archive, open_speech: Option<&str>) {
        self.poll();
        if self.destination.is_empty() {
            self.destination = std::env::home_dir()
                .unwrap_or_default()
                .join(self.format.file_name())
                .display()
                .to_string();
        }
        let mut open = self.open;
        egui::Window::new("Export notes")
            .open(&mut open)
            .collapsible(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                ui.label(RichText::new("Format").strong());
                for format in Format::ALL {
                    if ui
                        .radio_value(&mut self.format, format, format.label())
                        .changed()
                    {
                        // Keep the folder, change the name.
                        let folder = Path::new(&self.destination)
                            .parent()
                            .map(Path::to_path_buf)
                            .unwrap_or_default();
                        self.destination = folder.join(format.file_name()).display().to_string();
                    }
                }
                ui.add_space(6.0);
                ui.label(RichText::new("Which annotations").strong());
                ui.horizontal(|ui| {
                    let label = ui.label("Tag");
                    egui::ComboBox::from_id_salt("export tag")
                        .selected_text(
                            self.tag
                                .as_ref()
                                .map_or("Any".to_owned(), |t| format!("#{t}")),
                        )
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut self.tag, None, "Any");
                            for tag in archive.notes.vocabulary().tags.keys() {
                                ui.selectable_value(
                                    &mut self.tag,
                                    Some(tag.clone()),
                                    format!("#{tag}"),
                                );
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    let from = ui.label("From");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.from)
                            .desired_width(70.0)
                            .hint_text("1900"),
                    )
                    .labelled_by(from.id);
                    let to = ui.label("to");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.to)
                            .desired_width(70.0)
                            .hint_text("1945"),
                    )
                    .labelled_by(to.id);
                });
                ui.add_enabled(
                    open_speech.is_some(),
                    egui::Checkbox::new(&mut self.only_open_speech, "Only the speech being read"),
                );
                ui.label(
                    RichText::new(
                        "Annotations whose passage is no longer found are exported too, marked.",
                    )
                    .small()
                    .weak(),
                );
                ui.add_space(6.0);
                let what = if self.format.is_folder() {
                    "Folder"
                } else {
                    "File"
                };
                ui.horizontal(|ui| {
                    let label = ui.label(what);
                    ui.add(egui::TextEdit::singleline(&mut self.destination).desired_width(300.0))
                        .labelled_by(label.id);
                    if ui
                        .add_enabled(self.dialog.is_none(), egui::Button::new("Choose…"))
                        .clicked()
                    {
                        self.choose(ctx);
                    }
                });
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    let running = self.running.is_some();
                    if ui
                        .add_enabled(!running, egui::Button::new("Export"))
                        .clicked()
                    {
                        self.start(ctx, archive, open_speech);
                    }
                    if running {
                        ui.spinner();
                    }
                    if let Some(status) = &self.status {
                        ui.label(status);
                    }
                });
            });
        self.open = open;
    }

    fn poll(&mut self) {
        if let Some(receiver) = &self.dialog
            && let Ok(picked) = receiver.try_recv()
        {
            self.dialog = None;
            if let Some(path) = picked {
                self.destination = path.display().to_string();
            }
        }
        let Some(receiver) = &self.running else {
            return;
        };
        while let Ok(progress) = receiver.try_recv() {
            match progress {
                Progress::Step(step) => self.status = Some(step),
                Progress::Done(result) => {
                    self.status = Some(match result {
                        Ok(done) => done,
                        Err(err) => format!("Not exported: {err}"),
                    });
                    self.running = None;
                    return;
                }
            }
        }
    }

    /// The system's dialog, on a thread, to fill the destination.
    fn choose(&mut self, ctx: &egui::Context) {
        let (sender, receiver) = mpsc::channel();
        let folder = self.format.is_folder();
        let name = self.format.file_name().to_owned();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("lectern-dialog".to_owned())
            .spawn(move || {
                let dialog = || rfd::FileDialog::new().set_title("Export notes");
                let picked = if !super::dialog::possible() {
                    None
                } else if folder {
                    dialog().pick_folder()
                } else {
                    dialog().set_file_name(&name).save_file()
                };
                // No dialog on this system, or cancelled: the typed path stays.
                let _ = sender.send(picked);
                ctx.request_repaint();
            });
        if spawned.is_ok() {
            self.dialog = Some(receiver);
        }
    }

    fn start(&mut self, ctx: &egui::Context, archive: &Archive, open_speech: Option<&str>) {
        let date = |text: &str| {
            let text = text.trim();
            if text.is_empty() {
                Ok(None)
            } else {
                PartialDate::parse_iso(text)
                    .map(Some)
                    .ok_or_else(|| format!("{text:?} is not a date (a year, year-month or date)"))
            }
        };
        let (from, to) = match (date(&self.from), date(&self.to)) {
            (Ok(from), Ok(to)) => (from, to),
            (Err(err), _) | (_, Err(err)) => {
                self.status = Some(err);
                return;
            }
        };
        let destination = PathBuf::from(self.destination.trim());
        if destination.as_os_str().is_empty() {
            self.status = Some("Say where to save the export".to_owned());
            return;
        }
        let job = Job {
            format: self.format,
            filter: Filter {
                tags: self.tag.iter().cloned().collect(),
                from,
                to,
                ..Filter::default()
            },
            only: open_speech
                .filter(|_| self.only_open_speech)
                .map(str::to_owned),
            destination,
            name: crate::archive_name(&archive.root),
            speeches: Arc::clone(&archive.speeches),
            notebook: archive.notes.notebook.clone(),
        };
        let (sender, receiver) = mpsc::channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("lectern-export".to_owned())
            .spawn(move || {
                let report = |p: Progress| {
                    let _ = sender.send(p);
                    ctx.request_repaint();
                };
                let result = job.run(&report);
                report(Progress::Done(result));
            });
        if spawned.is_ok() {
            self.running = Some(receiver);
            self.status = Some("Gathering the annotations…".to_owned());
        }
    }
}

/// An export, with everything it needs, owned by its thread.
struct Job {
    format: Format,
    filter: Filter,
    only: Option<String>,
    destination: PathBuf,
    name: String,
    speeches: Arc<Vec<(String, Document)>>,
    notebook: Notebook,
}

impl Job {
    fn run(&self, report: &dyn Fn(Progress)) -> Result<String, String> {
        let vocabulary = &self.notebook.vocabulary;
        let lineage = |t: &TagName| vocabulary.lineage(t).into_iter().cloned().collect();
        let speeches: Vec<(&str, &Document, &lectern_core::annotation::SpeechNotes)> = self
            .speeches
            .iter()
            .filter(|(path, _)| self.only.as_ref().is_none_or(|o| o == path))
            .filter_map(|(path, doc)| Some((path.as_str(), doc, self.notebook.speeches.get(path)?)))
            .collect();
        let passages = export::passages(speeches.iter().copied(), &self.filter, &lineage);
        let write = |path: &Path, bytes: &[u8]| {
            write_atomic(path, bytes, false, &RealFs).map_err(|e| e.to_string())
        };
        let single = |bytes: Vec<u8>| -> Result<String, String> {
            write(&self.destination, &bytes)?;
            Ok(format!(
                "Exported {} annotations to {}",
                passages.len(),
                self.destination.display()
            ))
        };
        match self.format {
            Format::Csv => single(export::csv(&passages).into_bytes()),
            Format::JsonLd => {
                let json = serde_json::to_string_pretty(&export::jsonld(&passages))
                    .map_err(|e| e.to_string())?;
                single(json.into_bytes())
            }
            Format::Codebook => {
                single(export::markdown_codebook(&passages, vocabulary, &self.name).into_bytes())
            }
            Format::Qdpx => {
                let documents = |path: &str| {
                    self.speeches
                        .binary_search_by(|(p, _)| p.as_str().cmp(path))
                        .ok()
                        .map(|i| &self.speeches[i].1)
                };
                single(export::qdpx(
                    &self.name,
                    &passages,
                    &documents,
                    vocabulary,
                    crate::clock::now(),
                ))
            }
            Format::MarkdownNotes | Format::Html => {
                let with_passages: Vec<_> = speeches
                    .iter()
                    .filter(|(path, _, _)| passages.iter().any(|p| p.path == *path))
                    .collect();
                let total = with_passages.len();
                for (done, (path, doc, notes)) in with_passages.into_iter().enumerate() {
                    if done % 50 == 0 {
                        report(Progress::Step(format!(
                            "Writing {} of {total} files…",
                            done + 1
                        )));
                    }
                    let own: Vec<_> = passages
                        .iter()
                        .filter(|p| p.path == *path)
                        .cloned()
                        .collect();
                    let (file, bytes) = if self.format == Format::Html {
                        let mut kept = (*notes).clone();
                        kept.annotations
                            .retain(|a| own.iter().any(|p| p.annotation.id == a.id));
                        let page = export::html_speech(path, doc, &kept, &|t| vocabulary.colour(t));
                        (format!("{path}.html"), page)
                    } else {
                        (
                            format!("{path}.md"),
                            export::markdown_speech(&own, &notes.memo),
                        )
                    };
                    write(&self.destination.join(file), bytes.as_bytes())?;
                }
                Ok(format!(
                    "Exported {} annotations in {total} files to {}",
                    passages.len(),
                    self.destination.display()
                ))
            }
        }
    }
}
