//! The `lectern-search` thread: it keeps the archive's search index up to date (built or
//! reused from the cache after loading, updated when files change) and answers searches, the
//! newest first, so typing never waits for the index or for a slow regular expression.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant, SystemTime};

use lectern_core::Document;
use lectern_core::annotation::{Notebook, TagName};
use lectern_core::metadata::Overrides;
use lectern_core::search::Query;
use lectern_core::search::collect::{self, Hit};
use lectern_core::search::results;
use lectern_store::{Freshness, SearchIndex};

/// Speeches in the archive's order: path, document.
pub type Speeches = Arc<Vec<(String, Document)>>;

/// How many hits are placed (their spans worked out) per search; the speeches beyond show
/// their count until opened.
const PLACED_HITS: usize = 20_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Date,
    Relevance,
}

/// A search to run.
pub struct Request {
    pub generation: u64,
    pub query: Query,
    pub speeches: Speeches,
    /// The notes, when the query's filters or scope need them.
    pub notebook: Option<Arc<Notebook>>,
    /// The researcher's title, date and speaker corrections, by path.
    pub overrides: Arc<HashMap<String, Overrides>>,
    pub sort: Sort,
}

enum Job {
    Index {
        root: PathBuf,
        cache: PathBuf,
        speeches: Speeches,
        loaded_at: SystemTime,
    },
    Search(Box<Request>),
}

/// What the thread sends back.
pub enum Event {
    Indexed(Result<(usize, Freshness), String>),
    Results(Box<Results>),
}

/// The answer to one search.
#[derive(Default)]
pub struct Results {
    pub generation: u64,
    /// Speeches with hits, in the order asked for.
    pub groups: Vec<Group>,
    pub total: usize,
    /// Hits per year, by year; undated speeches apart.
    pub per_year: Vec<(i32, usize)>,
    pub undated: usize,
    pub elapsed: Duration,
    /// Whether the index answered (else every speech was read).
    pub indexed: bool,
    /// Speeches whose text was read to find the hits: those the index lacks or has in
    /// another version, or, when the index cannot answer, those it narrowed the search to.
    pub read: usize,
}

/// One speech's hits.
pub struct Group {
    /// Index into the archive's speeches.
    pub speech: usize,
    /// Placed hits; empty when the speech lay beyond the placing budget.
    pub hits: Vec<Hit>,
    pub count: usize,
    pub score: f32,
}

/// The handle of the running thread.
pub struct Worker {
    jobs: Sender<Job>,
    events: Receiver<Event>,
}

impl Worker {
    pub fn start(wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (jobs, job_receiver) = mpsc::channel::<Job>();
        let (event_sender, events) = mpsc::channel();
        std::thread::Builder::new()
            .name("lectern-search".to_owned())
            .spawn(move || run(&job_receiver, &event_sender, &wake))?;
        Ok(Self { jobs, events })
    }

    /// Brings the index up to date with `speeches` (built, reused or updated).
    pub fn index(&self, root: PathBuf, cache: PathBuf, speeches: Speeches, loaded_at: SystemTime) {
        let _ = self.jobs.send(Job::Index {
            root,
            cache,
            speeches,
            loaded_at,
        });
    }

    pub fn search(&self, request: Request) {
        let _ = self.jobs.send(Job::Search(Box::new(request)));
    }

    pub fn poll(&self) -> Vec<Event> {
        let mut out = Vec::new();
        loop {
            match self.events.try_recv() {
                Ok(e) => out.push(e),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return out,
            }
        }
    }
}

fn run(jobs: &Receiver<Job>, events: &Sender<Event>, wake: &dyn Fn()) {
    let mut index: Option<SearchIndex> = None;
    while let Ok(first) = jobs.recv() {
        // Only the newest search matters; every index job is kept, in order.
        let mut pending = vec![first];
        pending.extend(jobs.try_iter());
        let newest_search = pending.iter().rposition(|j| matches!(j, Job::Search(_)));
        for (i, job) in pending.into_iter().enumerate() {
            match job {
                Job::Index {
                    root,
                    cache,
                    speeches,
                    loaded_at,
                } => {
                    // One core fewer than the machine has, so the window stays smooth while
                    // a large archive is indexed.
                    let threads = std::thread::available_parallelism()
                        .map_or(1, |n| n.get().saturating_sub(1).max(1));
                    let result = rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .thread_name(|i| format!("lectern-index-{i}"))
                        .build()
                        .map_err(|e| e.to_string())
                        .and_then(|pool| {
                            pool.install(|| SearchIndex::sync(&root, &cache, &speeches, loaded_at))
                                .map_err(|e| e.to_string())
                        });
                    let event = match result {
                        Ok((built, freshness)) => {
                            let n = built.len();
                            index = Some(built);
                            Ok((n, freshness))
                        }
                        Err(e) => Err(e),
                    };
                    let _ = events.send(Event::Indexed(event));
                }
                Job::Search(request) if Some(i) == newest_search => {
                    let results = search(&request, index.as_ref());
                    let _ = events.send(Event::Results(Box::new(results)));
                }
                Job::Search(_) => {}
            }
            wake();
        }
    }
}

/// A speech's hits as the index gives them — (first word, words) — and its score.
type Indexed = (Vec<(u32, u32)>, f32);

/// Answers `request`: from the index for the speeches it holds as they are, by reading the
/// rest.
pub fn search(request: &Request, index: Option<&SearchIndex>) -> Results {
    let started = Instant::now();
    let query = &request.query;
    let speeches = &request.speeches;
    let notes_of = |path: &str| request.notebook.as_ref().and_then(|n| n.speeches.get(path));
    let lineage = |tag: &TagName| match &request.notebook {
        Some(n) => n.vocabulary.lineage(tag).into_iter().cloned().collect(),
        None => vec![tag.clone()],
    };
    // Speech → its hits as (first word, words) from the index, when the index has it as it is.
    let mut from_index: HashMap<usize, Indexed> = HashMap::new();
    let mut read: Vec<usize> = (0..speeches.len()).collect();
    let mut indexed = false;
    // Whether the index lacks speech `i` or holds another version of it: then it is read.
    let stale = |index: &SearchIndex, i: usize| {
        let (path, doc) = &speeches[i];
        index
            .find(path)
            .is_none_or(|r| index.doc(r).hash != doc.content_hash().0)
    };
    if let (Some(index), Some(expr)) = (index, &query.expr)
        && query.filters.scope == lectern_core::search::Scope::Text
        && !query.needs_text_scan()
        && let Ok(matches) = index.search(expr)
    {
        indexed = true;
        let position: HashMap<&str, usize> = speeches
            .iter()
            .enumerate()
            .map(|(i, (p, _))| (p.as_str(), i))
            .collect();
        for m in matches {
            if let Some(&i) = position.get(index.doc(m.doc).path.as_str()) {
                from_index.insert(i, (m.hits, m.score));
            }
        }
        read.retain(|&i| stale(index, i));
        for i in &read {
            from_index.remove(i);
        }
    } else if let (Some(index), Some(wide)) = (index, query.index_superset())
        && query.filters.scope == lectern_core::search::Scope::Text
        && let Ok(matches) = index.search(&wide)
    {
        // Case matters, so the text is read, but only in the speeches the index finds (and
        // those it lacks or has in another version).
        let found: HashSet<&str> = matches
            .iter()
            .map(|m| index.doc(m.doc).path.as_str())
            .collect();
        read.retain(|&i| found.contains(speeches[i].0.as_str()) || stale(index, i));
    }
    let keep = |i: usize| {
        let (path, doc) = &speeches[i];
        match request.overrides.get(path) {
            Some(o) => {
                let metadata = doc.metadata.with_overrides(o);
                results::keep_speech(&query.filters, metadata.speakers(), metadata.date())
            }
            None => {
                results::keep_speech(&query.filters, doc.metadata.speakers(), doc.metadata.date())
            }
        }
    };
    let mut candidates: Vec<(usize, Option<Indexed>)> = from_index
        .into_iter()
        .map(|(i, found)| (i, Some(found)))
        .chain(read.into_iter().map(|i| (i, None)))
        .filter(|&(i, _)| keep(i))
        .collect();
    let date_of = |i: usize| {
        let (path, doc) = &speeches[i];
        request
            .overrides
            .get(path)
            .and_then(|o| o.date)
            .or_else(|| doc.metadata.date())
    };
    // Hit filters (sections, tags, status) need the hits placed: every candidate is placed.
    let must_place = results::needs_document(&query.filters);
    let mut groups = Vec::new();
    let mut placed = 0;
    let mut read_count = 0;
    // Placed in the order shown, so the speeches beyond the budget are the last ones; by
    // relevance, the index's score orders them (speeches read have none yet and go first).
    if request.sort == Sort::Date || !indexed {
        candidates.sort_by_key(|&(i, _)| (date_of(i).is_none(), date_of(i), i));
    } else {
        let score = |found: &Option<Indexed>| found.as_ref().map_or(f32::INFINITY, |f| f.1);
        candidates.sort_by(|a, b| score(&b.1).total_cmp(&score(&a.1)).then(a.0.cmp(&b.0)));
    }
    for (i, found) in candidates {
        let (path, doc) = &speeches[i];
        let notes = notes_of(path);
        let (hits, count, score) = match found {
            Some((words, score)) if !must_place && placed >= PLACED_HITS => {
                (Vec::new(), words.len(), score)
            }
            Some((words, score)) => {
                let spans = results::word_hits_to_spans(&doc.text, &words);
                let hits = collect::speech_hits(query, doc, notes, Some(spans), &lineage);
                let n = hits.len();
                (hits, n, score)
            }
            None => {
                read_count += 1;
                let hits = collect::speech_hits(query, doc, notes, None, &lineage);
                let score = results::scan_score(hits.len(), doc.word_count());
                let n = hits.len();
                (hits, n, score)
            }
        };
        if count == 0 {
            continue;
        }
        placed += hits.len();
        groups.push(Group {
            speech: i,
            hits,
            count,
            score,
        });
    }
    if request.sort == Sort::Relevance {
        groups.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.speech.cmp(&b.speech)));
    }
    let mut per_year: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    let mut undated = 0;
    for g in &groups {
        match date_of(g.speech) {
            Some(d) => *per_year.entry(d.year).or_default() += g.count,
            None => undated += g.count,
        }
    }
    Results {
        generation: request.generation,
        total: groups.iter().map(|g| g.count).sum(),
        groups,
        per_year: per_year.into_iter().collect(),
        undated,
        elapsed: started.elapsed(),
        indexed,
        read: read_count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Part of the sample archive, loaded as the app loads it.
    fn speeches(root: &std::path::Path) -> Speeches {
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_archive");
        for file in [
            "sotu/1946-Truman-1.txt",
            "sotu/2000-Clinton-1.txt",
            "sotu/2002-Bush-1.txt",
            "mi5/000_dd9ed34a99eb1f64.txt",
            "metadata.csv",
        ] {
            let to = root.join(file);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("folder");
            std::fs::copy(sample.join(file), to).expect("copy");
        }
        let loaded = lectern_store::load_archive(
            root,
            None,
            &|_| {},
            &std::sync::atomic::AtomicBool::new(false),
        );
        Arc::new(loaded.documents)
    }

    fn answer(
        speeches: &Speeches,
        index: Option<&SearchIndex>,
        query: &str,
        sort: Sort,
    ) -> Results {
        search(
            &Request {
                generation: 1,
                query: Query::parse(query).expect("a query"),
                speeches: Arc::clone(speeches),
                notebook: None,
                overrides: Arc::default(),
                sort,
            },
            index,
        )
    }

    /// Each speech's place, count and hit spans, as one line.
    fn summary(results: &Results) -> Vec<String> {
        results
            .groups
            .iter()
            .map(|g| {
                let spans: Vec<(usize, usize)> =
                    g.hits.iter().map(|h| (h.span.start, h.span.end)).collect();
                format!("{} {} {spans:?}", g.speech, g.count)
            })
            .collect()
    }

    #[test]
    fn the_index_and_reading_give_the_same_answers() {
        let archive = tempfile::tempdir().expect("temp dir");
        let cache = tempfile::tempdir().expect("temp dir");
        let speeches = speeches(archive.path());
        let (index, _) =
            SearchIndex::sync(archive.path(), cache.path(), &speeches, SystemTime::now())
                .expect("indexes");
        for query in [
            "\"national security\"",
            "terror* -iraq",
            "security OR freedom",
            "war speaker:truman",
            "security from:2000",
        ] {
            let indexed = answer(&speeches, Some(&index), query, Sort::Date);
            let read = answer(&speeches, None, query, Sort::Date);
            assert!(indexed.indexed && !read.indexed, "{query}");
            assert!(indexed.total > 0, "{query} finds something");
            assert_eq!(summary(&indexed), summary(&read), "{query}");
            assert_eq!(indexed.per_year, read.per_year, "{query}");
        }
        // Where case matters the text is read, but only in the speeches the index finds for
        // the words to find (a NOT of such words narrows nothing).
        for (query, narrowed) in [
            ("case:sensitive \"Soviet Union\"", true),
            ("case:sensitive (Internet OR atomic*)", true),
            ("case:sensitive Iraq NOT Soviet", true),
            ("case:sensitive Congress NOT congress", true),
            ("case:sensitive (Iraq OR (security NOT Congress))", false),
            ("/secur[a-z]+/", false),
        ] {
            let indexed = answer(&speeches, Some(&index), query, Sort::Date);
            let read = answer(&speeches, None, query, Sort::Date);
            assert!(!indexed.indexed, "{query}");
            assert!(indexed.total > 0, "{query} finds something");
            assert_eq!(summary(&indexed), summary(&read), "{query}");
            assert_eq!(read.read, speeches.len(), "{query}");
            assert_eq!(
                indexed.read < speeches.len(),
                narrowed,
                "{query}: {} of {} read",
                indexed.read,
                speeches.len()
            );
        }
        // By relevance, the speeches come by score, the highest first.
        let ranked = answer(&speeches, Some(&index), "security", Sort::Relevance);
        assert!(ranked.groups.len() > 1);
        assert!(
            ranked.groups.windows(2).all(|w| w[0].score >= w[1].score),
            "sorted by score"
        );
    }
}
