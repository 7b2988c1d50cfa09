//! The problems list: every file that could not be read, every speech the importer has
//! notes about, every notes file that could not be read, and — apart — the files that were
//! skipped as not being speeches. Nothing is hidden.

use egui::RichText;
use lectern_store::{CheckEntry, CheckStatus};

use super::{Archive, Command};

fn has_problem(doc: &CheckEntry) -> bool {
    doc.status == CheckStatus::Failed
        || !doc.warnings.is_empty()
        || doc.sidecar_error.is_some()
        || !doc.conflict_copies.is_empty()
}

/// How many entries the list has above the skipped files: the problems (files not read,
/// notes not read, conflict copies, import notes that ask for a check such as a guessed
/// encoding), and the import notes that only say how a text was cleaned (chrome removed,
/// paragraphs re-joined). Skipped files, which are usually not speeches at all (a README,
/// the catalogue), are listed but not counted.
pub fn count(archive: &Archive) -> (usize, usize) {
    let per_file = |d: &CheckEntry| {
        usize::from(d.status == CheckStatus::Failed)
            + (d.warnings.len() - d.cleaning_notes.min(d.warnings.len()))
            + usize::from(d.sidecar_error.is_some())
            + usize::from(!d.conflict_copies.is_empty())
    };
    let documents = &archive.report.documents;
    let problems = documents.iter().map(per_file).sum::<usize>() + archive.problems.len();
    let notes = documents.iter().map(|d| d.cleaning_notes).sum();
    (problems, notes)
}

pub fn show(ui: &mut egui::Ui, archive: &Archive, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            for problem in &archive.problems {
                entry(ui, "Notes", "", problem);
            }
            for doc in archive.report.documents.iter().filter(|d| has_problem(d)) {
                if doc.status == CheckStatus::Failed {
                    entry(
                        ui,
                        "Not read",
                        &doc.path,
                        doc.reason.as_deref().unwrap_or_default(),
                    );
                }
                if let Some(error) = &doc.sidecar_error {
                    entry(ui, "Notes", &doc.path, error);
                }
                if !doc.conflict_copies.is_empty() {
                    let copies = doc.conflict_copies.join(", ");
                    let text = format!("sync-tool copies to merge: {copies}");
                    entry(ui, "Conflict copy", &doc.path, &text);
                    if ui
                        .button("Merge into the notes")
                        .on_hover_text(
                            "Keeps every annotation of both; the same annotation changed on \
                             both sides is kept twice and marked. The copy is set aside as \
                             .merged.",
                        )
                        .clicked()
                    {
                        commands.push(Command::MergeConflictCopies(doc.path.clone()));
                    }
                }
                for warning in &doc.warnings {
                    entry(ui, "Import note", &doc.path, warning);
                }
            }
            let skipped: Vec<&CheckEntry> = archive
                .report
                .documents
                .iter()
                .filter(|d| d.status == CheckStatus::Skipped)
                .collect();
            if !skipped.is_empty() {
                ui.separator();
                let title = format!("Files that are not speeches ({})", skipped.len());
                ui.collapsing(title, |ui| {
                    for doc in skipped {
                        let reason = doc.reason.as_deref().unwrap_or_default();
                        entry(ui, "Skipped", &doc.path, reason);
                    }
                });
            }
        });
}

fn entry(ui: &mut egui::Ui, kind: &str, path: &str, text: &str) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(kind).strong());
        if !path.is_empty() {
            ui.label(RichText::new(path).monospace());
        }
    });
    ui.add(egui::Label::new(RichText::new(text).weak()).wrap_mode(egui::TextWrapMode::Wrap));
    ui.add_space(6.0);
}
