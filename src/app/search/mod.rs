//! The search panel: a query in the same language as `lectern search`, results grouped by
//! speech with their snippets, hits per year, and auto-coding (tag every hit, or the hits
//! chosen, in one undoable step). The index and the searching live on the `lectern-search`
//! thread ([`worker`]); the panel only sends requests and draws answers.

pub(super) mod panel;
mod rows;
mod worker;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use lectern_core::annotation::TagName;
use lectern_core::search::collect::{self, Place};
use lectern_core::search::results::{self, Snippet};
use lectern_core::search::{Query, Scope};
use lectern_core::{CharSpan, PartialDate};
pub use panel::{Around, show};
pub use rows::hit_colour;
pub use worker::Sort;
use worker::{Event, Request, Results, Worker};

use super::Archive;
use lectern_store::Freshness;

/// A row's snippet, and where its hits lie in the snippet's middle part, as byte ranges.
type RowSnippet = (Snippet, Vec<std::ops::Range<usize>>);

/// Rows of hits shown under a speech before "more".
const FIRST_HITS: usize = 3;
/// Code points of context on each side of a hit in a snippet.
const CONTEXT: usize = 70;
/// Hits of one paragraph starting within this many code points of a row's first hit share
/// its row and snippet, so common words ("the OR of") do not list one sentence many times.
const ROW_SPAN: usize = 2 * CONTEXT;

/// Where the index stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum IndexStatus {
    #[default]
    None,
    Building,
    Ready {
        speeches: usize,
        how: String,
    },
    Failed(String),
}

/// What a set of results answers: a change asks again.
#[derive(Clone, Debug, PartialEq)]
struct Asked {
    text: String,
    scope: Scope,
    sort: Sort,
    match_case: bool,
    range: Option<(String, String)>,
    /// The speeches' identity: a file changed on disk replaces them.
    speeches: usize,
    /// The notes' revision, when the query looks at notes.
    notes: Option<u64>,
    index: u64,
}

/// One line of the results list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Row {
    Speech(usize),
    /// Hits `first..=last` of a speech, close together in one paragraph.
    Hits(usize, usize, usize),
    /// "N more hits" under a speech.
    More(usize, usize),
}

// Shown, focus, the date range and case are independent switches, not one state spelled
// in bools.
#[allow(clippy::struct_excessive_bools)]
#[derive(Default)]
pub struct SearchState {
    pub shown: bool,
    pub text: String,
    pub scope: Scope,
    pub sort: Sort,
    /// Keep to the library's date range (brushed on the timeline).
    pub within_range: bool,
    /// Words letter for letter as typed (as `case:sensitive`).
    pub match_case: bool,
    /// Put the keyboard in the query box on the next frame.
    pub focus: bool,
    worker: Option<Worker>,
    pub index: IndexStatus,
    /// Bumped whenever the index changes, so searches are asked again.
    index_revision: u64,
    generation: u64,
    asked: Option<Asked>,
    /// The text last parsed, and what it gave.
    parsed: Option<(String, Result<Query, lectern_core::search::ParseError>)>,
    /// The query of the newest request, parsed: the reader highlights its hits.
    pub query: Option<Arc<Query>>,
    pub results: Option<Results>,
    /// Why the query cannot be read.
    pub error: Option<String>,
    /// The generation the shown results (or their absence) answer.
    answered: u64,
    rows: Vec<Row>,
    expanded: HashSet<usize>,
    /// Hits chosen for auto-coding: (group, hit).
    chosen: HashSet<(usize, usize)>,
    /// The tag auto-coding applies, and to how much text around each hit.
    pub tag: String,
    pub extent: super::reader::Extent,
    /// By (speech, first hit): the row's snippet.
    snippets: HashMap<(usize, usize), RowSnippet>,
    /// What the last auto-coding did.
    pub message: Option<String>,
    /// Where the index is kept; the user's cache folder when not set.
    pub cache: Option<std::path::PathBuf>,
}

impl SearchState {
    /// A loaded (or reloaded) archive: brings its index up to date in the background.
    pub fn index(
        &mut self,
        root: &std::path::Path,
        speeches: &worker::Speeches,
        loaded_at: std::time::SystemTime,
        ctx: Option<&egui::Context>,
    ) {
        let Some(cache) = self.cache.clone().or_else(lectern_store::cache_root) else {
            self.index = IndexStatus::Failed("no cache folder (set LECTERN_CACHE_DIR)".to_owned());
            return;
        };
        if self.worker.is_none() {
            let ctx = ctx.cloned();
            match Worker::start(move || {
                if let Some(ctx) = &ctx {
                    ctx.request_repaint();
                }
            }) {
                Ok(w) => self.worker = Some(w),
                Err(e) => {
                    self.index = IndexStatus::Failed(format!("cannot start searching: {e}"));
                    return;
                }
            }
        }
        if let Some(worker) = &self.worker {
            if self.index == IndexStatus::None || matches!(self.index, IndexStatus::Failed(_)) {
                self.index = IndexStatus::Building;
            }
            worker.index(root.to_path_buf(), cache, Arc::clone(speeches), loaded_at);
        }
    }

    /// Another archive: results and index status start over.
    pub fn archive_changed(&mut self) {
        self.results = None;
        self.asked = None;
        self.rows.clear();
        self.snippets.clear();
        self.chosen.clear();
        self.expanded.clear();
        self.index = IndexStatus::None;
    }

    /// Takes what the thread sent; asks again when the query, its options or what it looks
    /// at changed.
    pub fn update(&mut self, archive: &Archive, range: Option<(String, String)>) {
        if let Some(worker) = &self.worker {
            for event in worker.poll() {
                match event {
                    Event::Indexed(Ok((speeches, freshness))) => {
                        let how = match freshness {
                            Freshness::Reused => "reused from the cache".to_owned(),
                            Freshness::Updated { indexed, .. } => {
                                format!("{indexed} updated")
                            }
                            Freshness::Built { .. } => "built".to_owned(),
                        };
                        self.index = IndexStatus::Ready { speeches, how };
                        self.index_revision += 1;
                    }
                    Event::Indexed(Err(e)) => {
                        self.index = IndexStatus::Failed(e);
                        self.index_revision += 1;
                    }
                    Event::Results(results) if results.generation == self.generation => {
                        self.answered = results.generation;
                        self.snippets.clear();
                        self.chosen.clear();
                        self.expanded.clear();
                        self.results = Some(*results);
                        self.rebuild_rows(archive);
                    }
                    Event::Results(_) => {}
                }
            }
        }
        if !self.shown {
            return;
        }
        let range = range.filter(|_| self.within_range);
        let mut asked = Asked {
            text: self.text.clone(),
            scope: self.scope,
            sort: self.sort,
            match_case: self.match_case,
            range: range.clone(),
            speeches: Arc::as_ptr(&archive.speeches) as usize,
            notes: None,
            index: self.index_revision,
        };
        // Parsed once per text typed, not per frame: a regular expression is compiled there.
        if self
            .parsed
            .as_ref()
            .is_none_or(|(text, _)| *text != self.text)
        {
            self.parsed = Some((self.text.clone(), Query::parse(&self.text)));
        }
        let Some((_, parsed)) = &self.parsed else {
            return;
        };
        let needs_notes = parsed.as_ref().is_ok_and(|q| {
            results::needs_document(&q.filters)
                || self.scope != Scope::Text
                || q.filters.scope != Scope::Text
        });
        if needs_notes {
            asked.notes = Some(archive.notes.revision);
        }
        if self.asked.as_ref() == Some(&asked) {
            return;
        }
        self.asked = Some(asked);
        let mut query = match parsed.clone() {
            Ok(q) => q,
            Err(e) => {
                self.error = Some(e.to_string());
                return;
            }
        };
        self.error = None;
        if !query.has_target() {
            self.answered = self.generation;
            self.results = None;
            self.query = None;
            self.rows.clear();
            return;
        }
        if self.scope != Scope::Text {
            query.filters.scope = self.scope;
        }
        if self.match_case {
            query = query.match_case();
        }
        if let Some((from, to)) = &range {
            query.filters.from = query.filters.from.or(from.parse::<PartialDate>().ok());
            query.filters.to = query.filters.to.or(to.parse::<PartialDate>().ok());
        }
        let notebook = needs_notes.then(|| Arc::new(archive.notes.notebook.clone()));
        let overrides = archive
            .notes
            .notebook
            .speeches
            .iter()
            .filter(|(_, n)| n.overrides != lectern_core::metadata::Overrides::default())
            .map(|(p, n)| (p.clone(), n.overrides.clone()))
            .collect();
        self.generation += 1;
        self.query = Some(Arc::new(query.clone()));
        if let Some(worker) = &self.worker {
            worker.search(Request {
                generation: self.generation,
                query,
                speeches: Arc::clone(&archive.speeches),
                notebook,
                overrides: Arc::new(overrides),
                sort: self.sort,
            });
        }
    }

    fn rebuild_rows(&mut self, archive: &Archive) {
        self.rows.clear();
        let Some(results) = &self.results else {
            return;
        };
        for (g, group) in results.groups.iter().enumerate() {
            self.rows.push(Row::Speech(g));
            let doc = archive.speeches.get(group.speech).map(|(_, doc)| doc);
            let rows = hit_rows(&group.hits, doc);
            let shown = if self.expanded.contains(&g) {
                rows.len()
            } else {
                rows.len().min(FIRST_HITS)
            };
            self.rows.extend(
                rows[..shown]
                    .iter()
                    .map(|&(first, last)| Row::Hits(g, first, last)),
            );
            let hidden = rows
                .get(shown)
                .map_or(0, |&(first, _)| group.hits.len() - first);
            if hidden > 0 {
                self.rows.push(Row::More(g, hidden));
            }
        }
    }

    /// The hits of the current query in one speech, as spans of its text, in reading order.
    pub fn hits_in(&self, archive: &Archive, speech: usize) -> Vec<CharSpan> {
        let (Some(query), Some((path, doc))) = (&self.query, archive.speeches.get(speech)) else {
            return Vec::new();
        };
        if !query.filters.scope.text() {
            return Vec::new();
        }
        let vocabulary = archive.notes.vocabulary();
        let lineage = |t: &TagName| vocabulary.lineage(t).into_iter().cloned().collect();
        let mut spans: Vec<CharSpan> =
            collect::speech_hits(query, doc, archive.notes_of(path), None, &lineage)
                .into_iter()
                .filter(|h| h.place == Place::Text)
                .map(|h| h.span)
                .collect();
        spans.sort_unstable();
        spans.dedup();
        spans
    }

    /// The passages auto-coding would tag: the chosen hits, or every hit in the text.
    pub fn coding_targets(&self, archive: &Archive, only_chosen: bool) -> Vec<(usize, CharSpan)> {
        let Some(results) = &self.results else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (g, group) in results.groups.iter().enumerate() {
            if only_chosen {
                out.extend(
                    group
                        .hits
                        .iter()
                        .enumerate()
                        .filter(|(h, hit)| {
                            self.chosen.contains(&(g, *h)) && hit.place == Place::Text
                        })
                        .map(|(_, hit)| (group.speech, hit.span)),
                );
            } else if group.hits.len() == group.count {
                out.extend(
                    group
                        .hits
                        .iter()
                        .filter(|h| h.place == Place::Text)
                        .map(|h| (group.speech, h.span)),
                );
            } else {
                // Beyond the placing budget: placed now.
                out.extend(
                    self.hits_in(archive, group.speech)
                        .into_iter()
                        .map(|s| (group.speech, s)),
                );
            }
        }
        out
    }

    /// Whether a search is running whose answer is not shown yet.
    pub fn searching(&self) -> bool {
        self.answered != self.generation
    }

    pub fn chosen_count(&self) -> usize {
        self.chosen.len()
    }
}

/// The rows of a speech's hits, as (first, last) hit: text hits in one paragraph starting
/// within [`ROW_SPAN`] of the row's first share a row; hits in notes and memos have one each.
fn hit_rows(hits: &[collect::Hit], doc: Option<&lectern_core::Document>) -> Vec<(usize, usize)> {
    let block = |hit: &collect::Hit| doc.and_then(|d| d.block_at(hit.span.start)).map(|b| b.span);
    let mut rows: Vec<(usize, usize)> = Vec::new();
    // The paragraph of the row being filled, found once per row.
    let mut row_block = None;
    for (h, hit) in hits.iter().enumerate() {
        if let Some(row) = rows.last_mut() {
            let first = &hits[row.0];
            let joins = hit.place == Place::Text
                && first.place == Place::Text
                && hit.span.start <= first.span.start + ROW_SPAN
                && hit.span.start >= hits[row.1].span.end
                && row_block.is_some()
                && block(hit) == row_block;
            if joins {
                row.1 = h;
                continue;
            }
        }
        rows.push((h, h));
        row_block = if hit.place == Place::Text {
            block(hit)
        } else {
            None
        };
    }
    rows
}
