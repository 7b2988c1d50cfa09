//! `lectern search ARCHIVE QUERY [--speaker S] [--from DATE] [--to DATE] [--tag T]...
//! [--case-sensitive] [--limit N] [--sort date|relevance] [--json]`: passages by words,
//! phrases, speaker, date and tag.
//!
//! Words, phrases and prefixes are answered from the archive's search index (kept in the
//! user's cache folder, brought up to date first). Words whose case matters are read in the
//! speeches the index finds for them folded; regular expressions and searches in notes read
//! every speech. Only the speeches whose hits are printed are read again, to place each hit
//! (section, ¶, code points) and cut its snippet.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{anyhow, bail};
use lectern_core::annotation::{SpeechNotes, TagName};
use lectern_core::search::index::{DocInfo, IndexError};
use lectern_core::search::matcher::{Words, match_text};
use lectern_core::search::results::{self, Snippet};
use lectern_core::search::{Expr, Query, collect};
use lectern_core::{CharSpan, Document, PartialDate};
use lectern_store::notes::read_archive_file;
use lectern_store::{Freshness, IndexMatch, SearchIndex};
use rayon::prelude::*;
use serde::Serialize;

/// How many code points of context a snippet shows on each side.
const CONTEXT: usize = 60;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    /// Oldest speech first (undated last), hits in reading order
    #[default]
    Date,
    /// Most relevant speech first (BM25)
    Relevance,
}

pub(super) struct Request<'a> {
    pub archive: &'a Path,
    pub query: &'a str,
    pub speaker: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub tags: &'a [String],
    pub case_sensitive: bool,
    /// 0 for every hit.
    pub limit: usize,
    pub sort: Sort,
    pub json: bool,
    /// Only the paths of the speeches with hits.
    pub files: bool,
}

/// One hit as printed; the JSON shape is documented in the README.
#[derive(Clone, Debug, Serialize)]
struct HitLine {
    path: String,
    title: String,
    date: Option<String>,
    speaker: String,
    section: String,
    paragraph: Option<u32>,
    start: usize,
    end: usize,
    snippet: String,
    /// `text`, `note` (an annotation's note; start and end are its passage's) or `memo`.
    #[serde(rename = "in")]
    place: &'static str,
}

#[derive(Debug, Serialize)]
struct Output {
    hits: Vec<HitLine>,
    total: usize,
    speeches: usize,
    per_year: BTreeMap<String, usize>,
}

/// A speech with hits, before its hits are placed.
struct Group {
    path: String,
    title: String,
    date: Option<PartialDate>,
    speakers: Vec<String>,
    score: f32,
    found: Found,
    count: usize,
}

enum Found {
    /// From the index: `(first word, words)` pairs, placed once the speech is read.
    Words { hits: Vec<(u32, u32)>, hash: u128 },
    /// From reading the speech: placed already.
    Placed(Vec<HitLine>),
}

pub(super) fn run(request: &Request<'_>) -> anyhow::Result<bool> {
    if !request.archive.is_dir() {
        bail!("not a folder: {}", request.archive.display());
    }
    let mut query = Query::parse(request.query).map_err(|e| anyhow!("the query: {e}"))?;
    if request.case_sensitive {
        query = query.match_case();
    }
    let filters = &mut query.filters;
    if let Some(speaker) = request.speaker {
        filters
            .speakers
            .extend(lectern_core::search::fold::words(speaker));
    }
    if let Some(from) = request.from {
        filters.from = Some(date(from, "from")?);
    }
    if let Some(to) = request.to {
        filters.to = Some(date(to, "to")?);
    }
    filters
        .tags
        .extend(request.tags.iter().map(|t| TagName::new(t)));
    if !query.has_target() {
        bail!(
            "the query has nothing to search for: give words, \"a phrase\", prefix* or /a regular expression/, or tag: or status:annotated to list annotated passages"
        );
    }
    let vocabulary = read_archive_file(request.archive)
        .map(|a| a.vocabulary)
        .unwrap_or_default();
    let lineage = |tag: &TagName| vocabulary.lineage(tag).into_iter().cloned().collect();
    let source = Source {
        root: request.archive,
        catalogue: lectern_store::read_catalogue(request.archive).0,
    };
    let mut groups = if query.expr.is_none() || query.filters.scope.notes() {
        by_reading(request.archive, &query, &lineage)
    } else if !query.needs_text_scan() {
        from_index(&source, &query, &lineage)?
    } else if let Some(wide) = query.index_superset() {
        narrowed(&source, &query, &wide, &lineage)?
    } else {
        by_reading(request.archive, &query, &lineage)
    };
    match request.sort {
        Sort::Date => groups.sort_by(|a, b| {
            (a.date.is_none(), a.date, &a.path).cmp(&(b.date.is_none(), b.date, &b.path))
        }),
        Sort::Relevance => groups.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.path.cmp(&b.path))
        }),
    }
    if request.files {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for group in &groups {
            writeln!(out, "{}", group.path)?;
        }
        out.flush()?;
        return Ok(true);
    }
    let total = groups.iter().map(|g| g.count).sum();
    let mut per_year = BTreeMap::new();
    for g in &groups {
        let year = g
            .date
            .map_or_else(|| "undated".to_owned(), |d| d.year.to_string());
        *per_year.entry(year).or_default() += g.count;
    }
    let speeches = groups.len();
    let limit = if request.limit == 0 {
        usize::MAX
    } else {
        request.limit
    };
    let mut hits = Vec::new();
    for group in groups {
        if hits.len() >= limit {
            break;
        }
        let lines = match &group.found {
            Found::Placed(lines) => lines.clone(),
            Found::Words { hits, hash } => {
                place_words(&source, &query, &group, hits, *hash, &lineage)?
            }
        };
        hits.extend(lines.into_iter().take(limit - hits.len()));
    }
    let output = Output {
        hits,
        total,
        speeches,
        per_year,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if request.json {
        serde_json::to_writer(&mut out, &output)?;
        writeln!(out)?;
    } else {
        write_human(&mut out, &output)?;
    }
    out.flush()?;
    Ok(true)
}

fn date(text: &str, what: &str) -> anyhow::Result<PartialDate> {
    PartialDate::parse_iso(text.trim()).ok_or_else(|| {
        anyhow!("--{what} {text:?} is not a date: give a year, year-month or year-month-day")
    })
}

fn write_human(out: &mut impl std::io::Write, output: &Output) -> std::io::Result<()> {
    let mut last_path = "";
    for hit in &output.hits {
        if hit.path != last_path {
            if !last_path.is_empty() {
                writeln!(out)?;
            }
            let date = hit.date.as_deref().unwrap_or("undated");
            let speaker = if hit.speaker.is_empty() {
                String::new()
            } else {
                format!("{}, ", hit.speaker)
            };
            writeln!(out, "{date}  {}  ({speaker}{})", hit.title, hit.path)?;
            last_path = &hit.path;
        }
        let mut place = String::new();
        if !hit.section.is_empty() {
            place.push_str(&hit.section);
            place.push_str(", ");
        }
        if let Some(p) = hit.paragraph {
            let _ = write!(place, "¶{p}, ");
        }
        if hit.place != "text" {
            place.push_str(hit.place);
            place.push_str(", ");
        }
        writeln!(out, "  {place}{}–{}: {}", hit.start, hit.end, hit.snippet)?;
    }
    let shown = output.hits.len();
    let more = if shown < output.total {
        format!(" (showing {shown}; --limit 0 shows all)")
    } else {
        String::new()
    };
    let hits = if output.total == 1 { "hit" } else { "hits" };
    let speeches = if output.speeches == 1 {
        "speech"
    } else {
        "speeches"
    };
    writeln!(
        out,
        "{} {hits} in {} {speeches}{more}",
        output.total, output.speeches
    )
}

/// Words, phrases and prefixes in the text: the index finds the speeches and hits.
fn from_index(
    source: &Source<'_>,
    query: &Query,
    lineage: &Lineage<'_>,
) -> anyhow::Result<Vec<Group>> {
    let Some(expr) = &query.expr else {
        return Ok(Vec::new());
    };
    let (index, matches) = search_index(source.root, expr)?;
    let sidecars: HashMap<&str, &PathBuf> = index
        .sidecars()
        .iter()
        .map(|(s, p)| (s.as_str(), p))
        .collect();
    let filters = &query.filters;
    let mut groups = Vec::new();
    for m in matches {
        let info = index.doc(m.doc);
        let sidecar = sidecars.get(info.path.as_str());
        // The researcher's own title, date and speaker, where set, count over the source's.
        let overrides = sidecar.and_then(|s| lectern_store::notes::read_sidecar(s).ok());
        let (title, date, speakers) = described(info, overrides.as_ref().map(|b| &b.notes));
        if !results::keep_speech(filters, &speakers, date) {
            continue;
        }
        let mut group = Group {
            path: info.path.clone(),
            title,
            date,
            speakers,
            score: m.score,
            count: m.hits.len(),
            found: Found::Words {
                hits: m.hits,
                hash: info.hash,
            },
        };
        if results::needs_document(filters) {
            // Sections, tags and status need the speech and its notes: read it now.
            let Found::Words { hits, hash } = &group.found else {
                unreachable!()
            };
            let lines = place_words(source, query, &group, hits, *hash, lineage)?;
            if lines.is_empty() {
                continue;
            }
            group.count = lines.len();
            group.found = Found::Placed(lines);
        }
        groups.push(group);
    }
    Ok(groups)
}

/// The archive's index, brought up to date (or built), and its answer to `expr`; a damaged
/// index is built again.
fn search_index(root: &Path, expr: &Expr) -> anyhow::Result<(SearchIndex, Vec<IndexMatch>)> {
    let cache = lectern_store::cache_root()
        .ok_or_else(|| anyhow!("no cache folder for the search index: set LECTERN_CACHE_DIR"))?;
    let (index, freshness) = SearchIndex::open(root, &cache)?;
    report(&freshness, &index);
    match index.search(expr) {
        Ok(matches) => Ok((index, matches)),
        Err(IndexError::Corrupt(reason)) => {
            eprintln!("lectern: the search index is damaged ({reason}); building it again");
            let (index, _) = SearchIndex::rebuild(root, &cache)?;
            let matches = index.search(expr)?;
            Ok((index, matches))
        }
        Err(e) => Err(e.into()),
    }
}

/// Words whose case matters: the speeches the index finds for `wide` (the query folded)
/// are read, in parallel, and matched as typed.
fn narrowed(
    source: &Source<'_>,
    query: &Query,
    wide: &Expr,
    lineage: &Lineage<'_>,
) -> anyhow::Result<Vec<Group>> {
    let (index, matches) = search_index(source.root, wide)?;
    let paths: Vec<&str> = matches
        .iter()
        .map(|m| index.doc(m.doc).path.as_str())
        .collect();
    Ok(paths
        .par_iter()
        .filter_map(|path| match read_speech(source, path) {
            Ok((doc, notes)) => read_group(path, &doc, notes.as_ref(), query, lineage),
            // Gone or changed into something unreadable since the index was brought up to
            // date: the others are still searched.
            Err(e) => {
                eprintln!("lectern: {e} (skipped)");
                None
            }
        })
        .collect())
}

fn report(freshness: &Freshness, index: &SearchIndex) {
    match freshness {
        Freshness::Reused => {}
        Freshness::Updated { indexed, removed } => eprintln!(
            "lectern: search index updated: {indexed} speeches indexed, {removed} replaced or removed"
        ),
        Freshness::Built { reason } => eprintln!(
            "lectern: search index built for {} speeches in {} ({reason})",
            index.len(),
            index.dir().display()
        ),
    }
}

/// Title, date and speakers of an indexed speech, with the researcher's overrides.
fn described(
    info: &DocInfo,
    notes: Option<&SpeechNotes>,
) -> (String, Option<PartialDate>, Vec<String>) {
    let o = notes.map(|n| &n.overrides);
    let title = o
        .and_then(|o| o.title.clone())
        .unwrap_or_else(|| info.title.clone());
    let date = o
        .and_then(|o| o.date)
        .or_else(|| PartialDate::parse_iso(&info.date));
    let speakers = o
        .and_then(|o| o.speakers.clone())
        .unwrap_or_else(|| info.speakers.clone());
    (title, date, speakers)
}

/// Reads one speech again and places its index hits; applies the section, tag and status
/// filters.
fn place_words(
    source: &Source<'_>,
    query: &Query,
    group: &Group,
    hits: &[(u32, u32)],
    hash: u128,
    lineage: &Lineage<'_>,
) -> anyhow::Result<Vec<HitLine>> {
    let (doc, notes) = read_speech(source, &group.path)?;
    let spans = if doc.content_hash().0 == hash {
        results::word_hits_to_spans(&doc.text, hits)
    } else {
        // Changed since the index was brought up to date: match the text as it is now.
        let words = Words::new(&doc.text);
        query
            .expr
            .as_ref()
            .and_then(|e| match_text(e, &doc.text, &words))
            .unwrap_or_default()
    };
    let hits = collect::speech_hits(query, &doc, notes.as_ref(), Some(spans), lineage);
    Ok(lines(group, &doc, notes.as_ref(), &hits))
}

/// A tag and its ancestors, nearest first.
type Lineage<'a> = dyn Fn(&TagName) -> Vec<TagName> + Sync + 'a;

/// The archive as hits are placed in it: its folder, and its catalogue read once.
struct Source<'a> {
    root: &'a Path,
    catalogue: lectern_core::Catalogue,
}

fn read_speech(source: &Source<'_>, path: &str) -> anyhow::Result<(Document, Option<SpeechNotes>)> {
    let file = source.root.join(path);
    let doc = lectern_store::load_file(&file, path, &source.catalogue)
        .map_err(|e| anyhow!("{e}: {}", file.display()))?;
    let sidecar = lectern_store::notes::sidecar_path(&file);
    let notes = lectern_store::anchored_notes(&sidecar, &doc).ok().flatten();
    Ok((doc, notes))
}

/// The printed lines of a speech's hits.
fn lines(
    group: &Group,
    doc: &Document,
    notes: Option<&SpeechNotes>,
    hits: &[collect::Hit],
) -> Vec<HitLine> {
    hits.iter()
        .filter_map(|hit| {
            let snippet = collect::snippet(doc, notes, hit, CONTEXT)?;
            let place = hit.place.name();
            let (section, paragraph) = if hit.place == collect::Place::Memo {
                (String::new(), None)
            } else {
                let placed = results::place(doc, hit.span, 0);
                (placed.section, placed.paragraph)
            };
            Some(line(group, hit.span, section, paragraph, &snippet, place))
        })
        .collect()
}

fn line(
    group: &Group,
    span: CharSpan,
    section: String,
    paragraph: Option<u32>,
    snippet: &Snippet,
    place: &'static str,
) -> HitLine {
    HitLine {
        path: group.path.clone(),
        title: group.title.clone(),
        date: group.date.map(|d| d.to_string()),
        speaker: group.speakers.join("; "),
        section,
        paragraph,
        start: span.start,
        end: span.end,
        snippet: snippet.marked("«", "»"),
        place,
    }
}

/// Regular expressions, and searches in notes and memos: every speech is read.
fn by_reading(root: &Path, query: &Query, lineage: &Lineage<'_>) -> Vec<Group> {
    let loaded = lectern_store::load_archive(root, None, &|_| {}, &AtomicBool::new(false));
    loaded
        .documents
        .par_iter()
        .filter_map(|(path, doc)| read_group(path, doc, loaded.notes.get(path), query, lineage))
        .collect()
}

/// A speech read whole with its hits placed; `None` when it has none.
fn read_group(
    path: &str,
    doc: &Document,
    notes: Option<&SpeechNotes>,
    query: &Query,
    lineage: &Lineage<'_>,
) -> Option<Group> {
    if !collect::keep_document(query, doc, notes) {
        return None;
    }
    let hits = collect::speech_hits(query, doc, notes, None, lineage);
    if hits.is_empty() {
        return None;
    }
    let metadata = match notes {
        Some(n) => doc.metadata.with_overrides(&n.overrides),
        None => doc.metadata.clone(),
    };
    let mut group = Group {
        path: path.to_owned(),
        title: metadata.title().unwrap_or(path).to_owned(),
        date: metadata.date(),
        speakers: metadata.speakers().to_vec(),
        score: results::scan_score(hits.len(), doc.word_count()),
        count: hits.len(),
        found: Found::Placed(Vec::new()),
    };
    group.found = Found::Placed(lines(&group, doc, notes, &hits));
    Some(group)
}
