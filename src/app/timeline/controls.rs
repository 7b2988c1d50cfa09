//! Around the timeline's plot: its toolbar (lanes, charted tags, whole archive, export),
//! exporting the view as SVG, and the list of passages behind a clicked bar.

use egui::RichText;
use lectern_core::timeline::{self, Grouping};

use super::TimelineState;
use crate::app::{Archive, Command};

/// The passages behind a clicked bar: each with its speech and quote; a click opens the
/// speech at the passage.
pub(super) fn picked_passages(
    ui: &egui::Ui,
    archive: &Archive,
    state: &mut TimelineState,
    commands: &mut Vec<Command>,
) {
    let Some((tag, year)) = state.picked.clone() else {
        return;
    };
    let vocabulary = archive.notes.vocabulary();
    let mut open = true;
    egui::Window::new(format!("#{tag} in {year}"))
        .id(egui::Id::unique("timeline passages"))
        .open(&mut open)
        .default_width(420.0)
        .collapsible(false)
        .show(ui.ctx(), |ui| {
            egui::ScrollArea::vertical()
                .max_height(320.0)
                .show(ui, |ui| {
                    for (index, (path, doc)) in archive.speeches.iter().enumerate() {
                        let Some(notes) = archive.notes_of(path) else {
                            continue;
                        };
                        let metadata = doc.metadata.with_overrides(&notes.overrides);
                        if metadata.date().map(|d| d.year) != Some(year) {
                            continue;
                        }
                        for annotation in &notes.annotations {
                            let tagged = annotation
                                .tags
                                .iter()
                                .any(|t| vocabulary.lineage(t).contains(&&tag));
                            if !tagged {
                                continue;
                            }
                            let title = metadata.title().unwrap_or(path);
                            let quote =
                                crate::app::reader::excerpt(&annotation.target.quote.exact, 90);
                            let text = format!("{title}: “{quote}”");
                            if ui.link(text).clicked() {
                                commands
                                    .push(Command::OpenAnnotation(index, annotation.id.clone()));
                            }
                        }
                    }
                });
        });
    if !open {
        state.picked = None;
    }
}

/// A brushed range as the library's date filter takes it: whole years when the range is
/// long, months when it is short.
pub(super) fn range_bounds(from: f64, to: f64) -> (String, String) {
    let year = |t: f64| t.floor();
    if to - from >= 2.0 {
        (format!("{}", year(from)), format!("{}", year(to)))
    } else {
        let month = |t: f64| {
            let y = t.floor();
            let m = ((t - y) * 12.0).floor() + 1.0;
            format!("{y}-{m:02}")
        };
        (month(from), month(to))
    }
}

/// The view as it is now, as an SVG picture, saved where the user says.
pub(super) fn export_svg(ctx: &egui::Context, archive: &Archive, state: &mut TimelineState) {
    state.tag_counts(archive);
    let model = state.model(archive).clone();
    let Some((first, last)) = model.range else {
        return;
    };
    let (from, to) = state.view.unwrap_or((first.floor(), last.ceil()));
    let vocabulary = archive.notes.vocabulary();
    let tags = timeline::SvgTag::charts(&state.counts, vocabulary);
    let title = format!(
        "{} — speeches by {}",
        crate::archive_name(&archive.root),
        state.grouping.label().to_lowercase()
    );
    let picture = timeline::svg(&timeline::SvgView {
        timeline: &model,
        from,
        to,
        title: &title,
        tags: &tags,
        width: 1200.0,
    });
    let ctx = ctx.clone();
    state.export =
        crate::app::export::Export::ask("timeline.svg", picture.into_bytes(), move || {
            ctx.request_repaint();
        });
    state.export_message = None;
}

/// What became of an export, and the path box when the system has no save dialog.
pub(super) fn export_status(ui: &mut egui::Ui, state: &mut TimelineState) {
    use crate::app::export::{Export, Outcome};
    if let Some(outcome) = state.export.as_ref().and_then(Export::poll) {
        state.export = None;
        match outcome {
            Outcome::Saved(path) => {
                state.export_message = Some(format!("Saved {}", path.display()));
                state.export_path = None;
            }
            Outcome::Failed(err) => state.export_message = Some(format!("Not saved: {err}")),
            Outcome::Cancelled => {}
            Outcome::NoDialog(bytes) => {
                let default = std::env::home_dir()
                    .unwrap_or_default()
                    .join("timeline.svg")
                    .display()
                    .to_string();
                state.export_path = Some((bytes, default));
            }
        }
    }
    let mut save = None;
    if let Some((bytes, path)) = &mut state.export_path {
        ui.horizontal(|ui| {
            let label = ui.label(RichText::new("Save the picture as").small().weak());
            let response = ui
                .add(egui::TextEdit::singleline(path).desired_width(360.0))
                .labelled_by(label.id);
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Save").clicked() || entered {
                save = Some((bytes.clone(), std::path::PathBuf::from(path.trim())));
            }
        });
    }
    if let Some((bytes, path)) = save {
        let ctx = ui.ctx().clone();
        state.export = Export::to(path, bytes, move || ctx.request_repaint());
    }
    if let Some(message) = &state.export_message {
        ui.label(RichText::new(message).small());
    }
}

/// The toolbar; returns whether Export SVG was clicked.
pub(super) fn toolbar(ui: &mut egui::Ui, archive: &Archive, state: &mut TimelineState) -> bool {
    let mut export = false;
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new("Lanes").small().weak());
        egui::ComboBox::from_id_salt("timeline lanes")
            .selected_text(state.grouping.label())
            .show_ui(ui, |ui| {
                for grouping in Grouping::ALL {
                    ui.selectable_value(&mut state.grouping, grouping, grouping.label());
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(RichText::new("Passages of").small().weak());
        let chosen = if state.tags.is_empty() {
            "no tag".to_owned()
        } else {
            state
                .tags
                .iter()
                .map(|t| format!("#{t}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        egui::ComboBox::from_id_salt("timeline tags")
            .selected_text(chosen)
            .width(180.0)
            .truncate()
            .show_ui(ui, |ui| {
                for tag in archive.notes.vocabulary().tags.keys() {
                    let mut on = state.tags.contains(tag);
                    if ui.checkbox(&mut on, format!("#{tag}")).changed() {
                        if on {
                            state.tags.push(tag.clone());
                        } else {
                            state.tags.retain(|t| t != tag);
                        }
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if !state.tags.is_empty() {
            ui.checkbox(&mut state.in_lanes, "in the lanes")
                .on_hover_text("Also draw each speech's passages in its lane, beside its mark");
        }
        if state.view.is_some() && ui.button("Whole archive").clicked() {
            state.view = None;
        }
        export = ui
            .add_enabled(state.export.is_none(), egui::Button::new("Export SVG…"))
            .on_hover_text("The view as it is now, for a paper")
            .clicked();
        ui.label(
            RichText::new("Wheel: zoom · drag: pan · Shift+drag: filter the library by dates")
                .small()
                .weak(),
        );
    });
    export
}
