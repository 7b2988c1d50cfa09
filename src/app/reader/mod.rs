//! The reader: a speech's metadata, its outline and annotations, and its text section by
//! section with paragraph numbers in the margin and highlights in their tags' colours.
//! Text is selected with the pointer or the keyboard and turned into an annotation, which
//! the editor beside the text tags and annotates.

mod editor;
mod keys;
mod motion;
mod pointer;
mod side;
mod speech;
mod tags;
mod text;

pub use keys::keys;
pub(crate) use tags::with_tag_defined;

use egui::{Color32, RichText};
use lectern_core::annotation::edit::Edit;
use lectern_core::annotation::{
    AnchorStatus, Annotation, AnnotationId, Colour, SpeechNotes, Vocabulary,
};
use lectern_core::{CharSpan, Document};

use super::Command;
use super::look::Look;

/// The reader's own state for the open speech.
#[derive(Default)]
pub struct ReaderState {
    /// A block to bring into view at the top on the next frame.
    pub jump_to: Option<usize>,
    /// A block to scroll into view (as little as needed) on the next frame.
    reveal: Option<usize>,
    /// The annotation being looked at or edited.
    pub selected: Option<AnnotationId>,
    /// The text selection: where it started and where it ends now, in code points. Both
    /// the same when there is only a caret.
    pub selection: Option<(usize, usize)>,
    dragging: bool,
    /// The blocks drawn this frame, for the pointer.
    drawn: Vec<text::Drawn>,
    /// The first block whose top is in view: where the keyboard starts without a caret.
    first_visible: Option<usize>,
    /// The section the outline marks as the one being read, by index.
    outline_current: Option<usize>,
    /// The height of each block, spacing included: measured once drawn, estimated before.
    /// Only the blocks in view are laid out; the others are space of this height.
    heights: Vec<f32>,
    /// The width and text size the heights are for; another estimates again.
    heights_width: f32,
    heights_size: f32,
    /// The block kept at the top of the view while the text re-flows (a panel sliding open
    /// or shut takes several frames), until the width holds still.
    reflow_anchor: Option<usize>,
    editor: editor::EditorState,
    /// Only annotations with this tag are listed.
    tag_filter: Option<lectern_core::annotation::TagName>,
    /// Scroll the annotation list to this annotation on the next frame.
    reveal_in_list: Option<AnnotationId>,
    /// The characters of the speech no font can draw, worked out once.
    missing_glyphs: Option<Vec<char>>,
    /// The search's hits in this speech, in reading order, and the one stepped to.
    pub hits: Vec<CharSpan>,
    pub current_hit: Option<usize>,
    /// What `hits` were worked out for: the search's generation and the notes' revision.
    pub hits_key: Option<(usize, u64)>,
    /// A hit to make current once the hits are worked out (opened from the results).
    pub pending_hit: Option<CharSpan>,
    /// Each block's layout, by block index, with what it was laid out for.
    galleys: std::collections::HashMap<usize, (text::GalleyKey, std::sync::Arc<egui::Galley>)>,
}

impl ReaderState {
    /// The selected text, start before end.
    pub fn selection_span(&self) -> Option<CharSpan> {
        self.selection
            .map(|(a, b)| CharSpan::new(a.min(b), a.max(b)))
    }

    /// Where the selection's moving end is.
    pub fn caret(&self) -> Option<usize> {
        self.selection.map(|(_, head)| head)
    }

    /// Selects an annotation, saving first the note being written on another.
    pub fn select_annotation(&mut self, id: AnnotationId) {
        self.reveal_in_list = Some(id.clone());
        self.selected = Some(id);
    }

    /// Moves to the next (`delta` > 0) or previous annotation that has a place in the text,
    /// selects it and brings it into view.
    pub fn step_annotation(&mut self, doc: &Document, notes: &SpeechNotes, delta: isize) {
        let placed: Vec<&Annotation> = notes
            .annotations
            .iter()
            .filter(|a| a.status != AnchorStatus::Orphaned)
            .collect();
        let position = self
            .selected
            .as_ref()
            .and_then(|id| placed.iter().position(|a| &a.id == id));
        // With none selected, the first after (or the last before) the top of the view.
        let here = self
            .first_visible
            .and_then(|i| doc.blocks.get(i))
            .map_or(0, |b| b.span.start);
        let next = match position {
            Some(at) => at.checked_add_signed(delta).filter(|&n| n < placed.len()),
            None if delta < 0 => placed
                .iter()
                .rposition(|a| a.target.span.start < here)
                .or_else(|| placed.len().checked_sub(1)),
            None => placed
                .iter()
                .position(|a| a.target.span.start >= here)
                .or_else(|| (!placed.is_empty()).then_some(0)),
        };
        if let Some(next) = next {
            let annotation = placed[next];
            self.selected = Some(annotation.id.clone());
            self.reveal_in_list = Some(annotation.id.clone());
            self.jump_to = Some(block_index(doc, annotation.target.span.start));
        }
    }

    /// Moves to the next (`delta` > 0) or previous search hit, from the current one or else
    /// from the top of the view, and brings it into view.
    pub fn step_hit(&mut self, doc: &Document, delta: isize) {
        if self.hits.is_empty() {
            return;
        }
        let here = self
            .first_visible
            .and_then(|i| doc.blocks.get(i))
            .map_or(0, |b| b.span.start);
        let next = match self.current_hit {
            Some(at) => at
                .checked_add_signed(delta)
                .filter(|&n| n < self.hits.len())
                .unwrap_or(if delta > 0 { 0 } else { self.hits.len() - 1 }),
            None if delta < 0 => self
                .hits
                .iter()
                .rposition(|h| h.start < here)
                .unwrap_or(self.hits.len() - 1),
            None => self.hits.iter().position(|h| h.start >= here).unwrap_or(0),
        };
        self.current_hit = Some(next);
        self.jump_to = Some(block_index(doc, self.hits[next].start));
    }

    /// Takes the hits of the search in this speech; makes the pending one current.
    pub fn set_hits(&mut self, doc: &Document, hits: Vec<CharSpan>, key: (usize, u64)) {
        let current = self.current_hit.and_then(|i| self.hits.get(i)).copied();
        self.hits = hits;
        self.hits_key = Some(key);
        self.current_hit = current.and_then(|c| self.hits.iter().position(|h| *h == c));
        if let Some(span) = self.pending_hit.take() {
            self.current_hit = self
                .hits
                .iter()
                .position(|h| h.start >= span.start)
                .or(self.current_hit);
            self.jump_to = Some(block_index(doc, span.start));
        }
        self.galleys.clear();
    }

    /// Edits typed but not yet committed (a note or memo being written), for saving before
    /// the window closes or another speech opens.
    pub fn pending_edits(&mut self, path: &str, notes: Option<&SpeechNotes>) -> Vec<Command> {
        let note_of = editor::note_draft_of(&self.editor)
            .and_then(|id| notes.and_then(|n| n.annotation(id)))
            .cloned();
        let mut commands: Vec<Command> =
            editor::note_edit(path, note_of.as_ref(), &mut self.editor)
                .into_iter()
                .collect();
        commands.extend(speech::memo_edit(path, notes, &mut self.editor));
        commands
    }

    /// The open speech's text changed on disk: offsets into the old text mean nothing now.
    pub fn source_changed(&mut self) {
        self.selection = None;
        self.dragging = false;
        self.heights.clear();
        self.galleys.clear();
    }

    /// Clears the selection, or else leaves the selected annotation; false when there was
    /// neither.
    pub fn escape(&mut self) -> bool {
        if self.selection.is_some() {
            self.selection = None;
            true
        } else {
            self.selected.take().is_some()
        }
    }

    /// Where keyboard selection starts: the caret, else the first block in view.
    fn start(&self, doc: &Document) -> usize {
        self.caret()
            .or_else(|| {
                self.first_visible
                    .and_then(|i| doc.blocks.get(i))
                    .map(|b| b.span.start)
            })
            .unwrap_or(0)
    }
}

/// How much of the text around a search hit auto-coding tags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Extent {
    /// The words found.
    #[default]
    Hit,
    Sentence,
    Paragraph,
}

impl Extent {
    pub const ALL: [Extent; 3] = [Extent::Hit, Extent::Sentence, Extent::Paragraph];

    pub fn label(self) -> &'static str {
        match self {
            Extent::Hit => "the words found",
            Extent::Sentence => "their sentence",
            Extent::Paragraph => "their paragraph",
        }
    }

    /// The passage to tag for a hit at `span`.
    pub fn around(self, doc: &Document, span: CharSpan) -> CharSpan {
        match self {
            Extent::Hit => span,
            Extent::Sentence => motion::sentence_around(doc, span),
            Extent::Paragraph => doc.block_at(span.start).map_or(span, |b| {
                CharSpan::new(b.span.start.min(span.start), b.span.end.max(span.end))
            }),
        }
    }
}

/// Turns the selection into an annotation, selects it and puts the keyboard in its tag box.
pub(super) fn highlight(
    path: &str,
    doc: &Document,
    state: &mut ReaderState,
    commands: &mut Vec<Command>,
) {
    let Some(span) = state.selection_span().filter(|s| !s.is_empty()) else {
        return;
    };
    // White space at the ends of a selection is never meant.
    let text = doc.slice(span);
    let lead = text.chars().take_while(|c| c.is_whitespace()).count();
    let trail = text.chars().rev().take_while(|c| c.is_whitespace()).count();
    if lead + trail >= span.len() {
        return;
    }
    let span = CharSpan::new(span.start + lead, span.end - trail);
    // A selection that cuts into a word at either end takes the whole word: a hurried drag
    // should not leave "veillance" in a quote.
    let span = CharSpan::new(
        motion::word_start_if_inside(doc, span.start),
        motion::word_end_if_inside(doc, span.end),
    );
    let now = crate::clock::now();
    let annotation = Annotation {
        id: crate::clock::new_id(now),
        target: lectern_core::annotation::anchor::target(doc, span),
        note: String::new(),
        tags: Vec::new(),
        created: now,
        modified: now,
        author: None,
        conflict_with: None,
        status: AnchorStatus::Exact,
    };
    state.selected = Some(annotation.id.clone());
    state.selection = Some((span.end, span.end));
    state.editor.tags.request_focus = true;
    commands.push(Command::edit(Edit::AddAnnotation {
        speech: path.to_owned(),
        annotation,
    }));
}

pub fn show(
    ui: &mut egui::Ui,
    (look, revision): (&mut Look, u64),
    (path, doc): (&str, &Document),
    notes: Option<&SpeechNotes>,
    vocabulary: &Vocabulary,
    state: &mut ReaderState,
    commands: &mut Vec<Command>,
) {
    let annotations = notes.map_or(&[][..], |n| n.annotations.as_slice());
    // A note written on an annotation no longer shown is saved before anything else.
    if editor::note_draft_of(&state.editor).is_some_and(|id| state.selected.as_ref() != Some(id)) {
        let note_of = editor::note_draft_of(&state.editor)
            .and_then(|id| notes.and_then(|n| n.annotation(id)))
            .cloned();
        commands.extend(editor::note_edit(path, note_of.as_ref(), &mut state.editor));
    }
    let selected = state
        .selected
        .as_ref()
        .and_then(|id| notes.and_then(|n| n.annotation(id)))
        .cloned();
    // The section being read, marked in the outline; scrolled into the outline's view when
    // reading moves on to it, and otherwise left where the researcher scrolled the outline.
    let current = current_section(doc, state.first_visible);
    let outline_mark = (current, current != state.outline_current);
    state.outline_current = current;
    let text_size = look.text_size;
    // Hidden (Ctrl+\, the View menu, or dragged shut), the side panel still opens for an
    // annotation chosen, whose editor it holds.
    let shown = look.side_panel || selected.is_some();
    let mut expanded = shown;
    egui::Panel::right("outline")
        .resizable(true)
        .default_size(320.0)
        .size_range(260.0..=640.0)
        .show_collapsible(ui, &mut expanded, |ui| {
            // The editor and the outline above, the annotations below with a scroll of their
            // own, so a long list never pushes the editor out of reach.
            let top = if annotations.is_empty() {
                f32::INFINITY
            } else {
                ui.available_height() * 0.55
            };
            egui::ScrollArea::vertical()
                .id_salt("outline")
                .max_height(top)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    ui.add_space(8.0);
                    if let Some(annotation) = &selected {
                        egui::Frame::group(ui.style()).show(ui, |ui| {
                            editor::annotation_editor(
                                ui,
                                (path, doc),
                                annotation,
                                vocabulary,
                                state,
                                commands,
                            );
                        });
                        ui.add_space(8.0);
                    } else if state.selection_span().is_some_and(|s| !s.is_empty()) {
                        if ui
                            .button("Highlight the selection")
                            .on_hover_text("H: highlight the selected words and tag them")
                            .clicked()
                        {
                            highlight(path, doc, state, commands);
                        }
                        ui.add_space(8.0);
                    }
                    speech::speech_editor(
                        ui,
                        (path, doc),
                        notes,
                        vocabulary,
                        &mut state.editor,
                        commands,
                    );
                    ui.add_space(8.0);
                    side::outline(ui, doc, outline_mark, commands);
                });
            side::annotation_list(ui, doc, annotations, vocabulary, state);
        });
    if expanded != shown {
        look.side_panel = expanded;
    }
    let selected_id = state.selected.clone();
    let visuals = ui.visuals();
    // Copied out of the state, which the drawing below borrows mutably.
    let hits = std::mem::take(&mut state.hits);
    let current_hit = state.current_hit;
    let style = text::Style {
        doc,
        annotations,
        vocabulary,
        text: visuals.text_color(),
        strong: visuals.strong_text_color(),
        weak: visuals.weak_text_color(),
        dark: visuals.dark_mode,
        size: text_size,
        revision,
        selected: selected_id.as_ref(),
        hits: &hits,
        current_hit: current_hit.and_then(|i| hits.get(i)).copied(),
    };
    egui::CentralPanel::no_frame().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt(("reader", path))
            .auto_shrink(false)
            .show_viewport(ui, |ui, viewport| {
                ui.set_max_width(
                    ui.available_width()
                        .min(text::measure(text_size) + text::MARGIN_WIDTH + 24.0),
                );
                let metadata = match notes {
                    Some(n) => doc.metadata.with_overrides(&n.overrides),
                    None => doc.metadata.clone(),
                };
                header(ui, path, doc, &metadata);
                let missing = state
                    .missing_glyphs
                    .get_or_insert_with(|| missing_glyphs(ui.ctx(), doc));
                if !missing.is_empty() {
                    // Their code points: the characters themselves would be boxes too.
                    let sample: Vec<String> = missing
                        .iter()
                        .take(4)
                        .map(|c| format!("U+{:04X}", u32::from(*c)))
                        .collect();
                    let sample = sample.join(", ");
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!(
                            "{} characters of this speech ({sample}…) have no font on this \
                             system and show as boxes; installing a font for their script \
                             (fonts-noto-cjk for Chinese, Japanese and Korean) shows them.",
                            missing.len()
                        ),
                    );
                }
                ui.add_space(12.0);
                if text::blocks_in_view(ui, viewport, &style, state) {
                    highlight(path, doc, state, commands);
                }
                ui.add_space(40.0);
            });
    });
    state.hits = hits;
    // The outline, drawn before the text, marks the section where the text was; when the
    // text has moved on to another, one more frame marks it, even once scrolling stops.
    if current_section(doc, state.first_visible) != state.outline_current {
        ui.ctx().request_repaint();
    }
}

/// The distinct characters of `doc` that neither the bundled fonts nor any system font
/// found for them can draw.
fn missing_glyphs(ctx: &egui::Context, doc: &Document) -> Vec<char> {
    let distinct: std::collections::BTreeSet<char> = doc
        .text
        .chars()
        .filter(|c| !c.is_ascii() && !c.is_whitespace() && !c.is_control())
        .collect();
    let font = egui::FontId::new(16.0, egui::FontFamily::Name(super::look::READING.into()));
    ctx.fonts_mut(|fonts| {
        distinct
            .into_iter()
            .filter(|&c| !fonts.has_glyph(&font, c))
            .collect()
    })
}

fn header(ui: &mut egui::Ui, path: &str, doc: &Document, meta: &lectern_core::Metadata) {
    ui.add_space(8.0);
    ui.add(
        egui::Label::new(
            RichText::new(meta.title().unwrap_or(path))
                .size(24.0)
                .family(egui::FontFamily::Name(super::look::READING_BOLD.into())),
        )
        .wrap_mode(egui::TextWrapMode::Wrap),
    );
    let mut facts = Vec::new();
    if let Some(date) = meta.date() {
        facts.push(date.to_string());
    }
    if !meta.speakers().is_empty() {
        facts.push(meta.speakers().join(", "));
    }
    if let Some(place) = &meta.place {
        facts.push(place.value.clone());
    }
    if !facts.is_empty() {
        ui.label(RichText::new(facts.join(" · ")).size(15.0));
    }
    ui.label(RichText::new(path).weak().small());
    if !doc.warnings.is_empty() {
        ui.collapsing(format!("{} import notes", doc.warnings.len()), |ui| {
            for warning in &doc.warnings {
                ui.label(RichText::new(&warning.message).small());
            }
        });
    }
}

/// The innermost section holding the block at `first_visible`: where the reader is.
fn current_section(doc: &Document, first_visible: Option<usize>) -> Option<usize> {
    let start = doc.blocks.get(first_visible?)?.span.start;
    doc.sections.iter().rposition(|s| s.span.contains(start))
}

/// The block holding `offset` (the first block after it, past the end).
pub fn block_index(doc: &Document, offset: usize) -> usize {
    doc.blocks
        .partition_point(|b| b.span.end <= offset)
        .min(doc.blocks.len().saturating_sub(1))
}

/// At most `max` characters of `text` on one line, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        line
    } else {
        let cut: String = line.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The colour an annotation is drawn in: its first tag's, or the default.
fn tag_colour(vocabulary: &Vocabulary, annotation: &Annotation) -> Color32 {
    colour32(
        annotation
            .tags
            .first()
            .map_or(lectern_core::annotation::DEFAULT_TAG_COLOUR, |tag| {
                vocabulary.colour(tag)
            }),
    )
}

fn colour32(colour: Colour) -> Color32 {
    let [r, g, b] = colour.0;
    Color32::from_rgb(r, g, b)
}
