//! The search index of an archive, kept in the user's cache folder.
//!
//! One folder per archive under `<cache>/lectern/index/`, named by a hash of the archive's
//! absolute path, holds segment files ([`lectern_core::search::index`]) and a manifest:
//! which segments make the index, which of their speeches have since been replaced, the
//! size and modification time of every source the index has seen (so a later run can tell
//! what changed without reading anything), and the same of the archive's catalogues.
//!
//! Opening compares the manifest with the archive as it is now: unchanged, the index is used
//! as it is; a few speeches changed, added or deleted, they are indexed into one more small
//! segment and their old entries are marked deleted; many changed, a damaged or stale file,
//! or another format version, and the index is built again. Nothing is trusted that cannot
//! be checked: the manifest and every segment are verified as they are read, and a segment
//! that fails a check mid-query makes the caller rebuild ([`SearchIndex::rebuild`]).
//!
//! Nothing here writes inside the archive.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{BufWriter, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use lectern_core::search::Expr;
use lectern_core::search::index::{Blob, Builder, DocInfo, Found, IndexError, Segment, Stats};
use lectern_core::{Catalogue, Document};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::load::{READ_BUFFER, load_file_with, read_catalogue};
use crate::scan::{EntryKind, ScanEntry, scan};

/// Version of the manifest and of what the index holds; another version is rebuilt.
const VERSION: u32 = 2;
const MANIFEST: &str = "manifest.json";

/// Lectern's cache folder: `$LECTERN_CACHE_DIR`, else `$XDG_CACHE_HOME/lectern`, else
/// `~/.cache/lectern` (`%LOCALAPPDATA%\lectern` on Windows).
pub fn cache_root() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("LECTERN_CACHE_DIR") {
        return Some(dir);
    }
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(|d| d.join("lectern"));
    }
    var("XDG_CACHE_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .map(|d| d.join("lectern"))
}

/// The folder under the cache folder `cache` holding the index of the archive at `root`.
pub fn index_dir(cache: &Path, root: &Path) -> PathBuf {
    let absolute = fs::canonicalize(root)
        .or_else(|_| std::path::absolute(root))
        .unwrap_or_else(|_| root.to_path_buf());
    let key = xxhash_rust::xxh3::xxh3_64(absolute.to_string_lossy().as_bytes());
    cache.join("index").join(format!("{key:016x}"))
}

/// A file's size and modification time, to tell that it changed without reading it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fingerprint {
    pub path: String,
    pub size: u64,
    /// Nanoseconds since 1970; 0 when unknown (then the file always counts as changed).
    pub modified: u64,
}

impl Fingerprint {
    fn of(path: &Path, relative: &str) -> Self {
        let meta = fs::metadata(path).ok();
        Self {
            path: relative.to_owned(),
            size: meta.as_ref().map_or(0, fs::Metadata::len),
            modified: meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64),
        }
    }

    fn known(&self) -> bool {
        self.modified != 0
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    /// The archive's absolute path, to catch a hash collision between two archives.
    root: String,
    catalogues: Vec<Fingerprint>,
    segments: Vec<SegmentEntry>,
    /// How many of the segments the last full build wrote; three more and the index is
    /// built again.
    built: usize,
    /// Files seen but not indexed (not speeches, or unreadable): not read again until they
    /// change.
    unindexed: Vec<Fingerprint>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct SegmentEntry {
    file: String,
    /// Speeches of the segment replaced since (changed or deleted).
    deleted: Vec<u32>,
}

/// A segment file, read through positioned reads.
struct FileBlob {
    file: Mutex<File>,
    len: u64,
}

impl Blob for FileBlob {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_vec(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("a reader panicked"))?;
        file.seek(SeekFrom::Start(offset))?;
        let mut buf = Vec::new();
        buf.try_reserve_exact(len).map_err(std::io::Error::other)?;
        (&mut *file).take(len as u64).read_to_end(&mut buf)?;
        if buf.len() != len {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(buf)
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("a reader panicked"))?;
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(buf)
    }
}

struct Part {
    segment: Segment<FileBlob>,
    deleted: Vec<bool>,
}

/// Which speech of the index: its segment and its number there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocRef {
    pub segment: u32,
    pub doc: u32,
}

/// The hits of one speech: `(first word, number of words)`, and a relevance score.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexMatch {
    pub doc: DocRef,
    pub hits: Vec<(u32, u32)>,
    pub score: f32,
}

/// How the index was brought up to date when opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Used as it was: nothing had changed.
    Reused,
    /// Speeches changed, added or deleted since were indexed into a new segment.
    Updated { indexed: usize, removed: usize },
    /// Built from nothing, and why.
    Built { reason: String },
}

/// Why the index could not be opened or built at all (no cache folder, a full disk).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot write the search index in {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// The opened index of one archive.
pub struct SearchIndex {
    dir: PathBuf,
    parts: Vec<Part>,
    /// Live speeches by path.
    by_path: HashMap<String, DocRef>,
    /// The sidecars met while scanning the archive (source → sidecar), when opened from files.
    sidecars: Vec<(String, PathBuf)>,
}

/// Where the text of each speech to index comes from.
enum Texts<'a> {
    /// Read and import the files (the command line).
    Files {
        root: &'a Path,
        catalogue: &'a Catalogue,
        entries: HashMap<&'a str, &'a ScanEntry>,
    },
    /// Speeches already loaded (the app): path → document.
    Loaded(HashMap<&'a str, &'a Document>),
}

impl SearchIndex {
    /// Opens the index of the archive at `root`, kept under the cache folder `cache`, and
    /// brings it up to date with the files (read and imported where they changed).
    pub fn open(root: &Path, cache: &Path) -> Result<(Self, Freshness), SearchError> {
        let dir = index_dir(cache, root);
        let (catalogue, _) = read_catalogue(root);
        let scanned = scan(root);
        let speeches: Vec<&ScanEntry> = scanned
            .iter()
            .filter(|e| e.kind == EntryKind::Speech)
            .collect();
        let now: Vec<Fingerprint> = speeches
            .par_iter()
            .map(|e| Fingerprint::of(&e.path, &e.relative))
            .collect();
        let texts = Texts::Files {
            root,
            catalogue: &catalogue,
            entries: speeches.iter().map(|e| (e.relative.as_str(), *e)).collect(),
        };
        let sidecars = scanned
            .iter()
            .filter_map(|e| match &e.kind {
                EntryKind::Sidecar(source) => Some((source.clone(), e.path.clone())),
                _ => None,
            })
            .collect();
        let (mut index, freshness) =
            Self::bring_up_to_date(root, &dir, &now, &texts, |info, fp| {
                info.size == fp.size && info.modified == fp.modified && fp.known()
            })?;
        index.sidecars = sidecars;
        Ok((index, freshness))
    }

    /// Opens the index of the archive at `root` for speeches already loaded, comparing their
    /// content rather than their files. Files modified after `loaded_at` are recorded with an
    /// unknown time, so a later run reads them again.
    pub fn sync(
        root: &Path,
        cache: &Path,
        documents: &[(String, Document)],
        loaded_at: SystemTime,
    ) -> Result<(Self, Freshness), SearchError> {
        let dir = index_dir(cache, root);
        let hashes: HashMap<&str, u128> = documents
            .par_iter()
            .map(|(path, doc)| (path.as_str(), doc.content_hash().0))
            .collect();
        let loaded_at = loaded_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let now: Vec<Fingerprint> = documents
            .par_iter()
            .map(|(path, _)| {
                let mut fp = Fingerprint::of(&root.join(path), path);
                if fp.modified >= loaded_at.saturating_sub(2_000_000_000) {
                    fp.modified = 0;
                }
                fp
            })
            .collect();
        let texts = Texts::Loaded(documents.iter().map(|(p, d)| (p.as_str(), d)).collect());
        Self::bring_up_to_date(root, &dir, &now, &texts, |info, fp| {
            hashes.get(fp.path.as_str()) == Some(&info.hash)
        })
    }

    /// Builds the index of `root` again from the files, whatever the cache holds.
    pub fn rebuild(root: &Path, cache: &Path) -> Result<(Self, Freshness), SearchError> {
        let _ = fs::remove_file(index_dir(cache, root).join(MANIFEST));
        Self::open(root, cache)
    }

    fn bring_up_to_date(
        root: &Path,
        dir: &Path,
        now: &[Fingerprint],
        texts: &Texts<'_>,
        unchanged: impl Fn(&DocInfo, &Fingerprint) -> bool + Sync,
    ) -> Result<(Self, Freshness), SearchError> {
        let root_name = fs::canonicalize(root)
            .unwrap_or_else(|_| root.to_path_buf())
            .to_string_lossy()
            .into_owned();
        let catalogues = catalogue_fingerprints(root);
        let previous = match read_manifest(dir) {
            Ok(m) if m.version != VERSION => Err(format!("it was built by format {}", m.version)),
            Ok(m) if m.root != root_name => Err("it belongs to another folder".to_owned()),
            Ok(m) if m.catalogues != catalogues => Err("the catalogue changed".to_owned()),
            Ok(m) => open_parts(dir, &m).map(|parts| (m, parts)),
            Err(e) => Err(e),
        };
        let (manifest, parts) = match previous {
            Ok(found) => found,
            Err(reason) => {
                return Self::build_all(root_name, catalogues, dir, now, texts, reason);
            }
        };
        // What changed: speeches to index, and old entries to mark deleted.
        let live: HashMap<&str, DocRef> = live_docs(&parts).collect();
        let unindexed: HashSet<&Fingerprint> =
            manifest.unindexed.iter().filter(|f| f.known()).collect();
        let mut to_index = Vec::new();
        let mut removed: Vec<DocRef> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for fp in now {
            seen.insert(fp.path.as_str());
            match live.get(fp.path.as_str()) {
                Some(&r) => {
                    let info = &parts[r.segment as usize].segment.docs[r.doc as usize];
                    if !unchanged(info, fp) {
                        removed.push(r);
                        to_index.push(fp.clone());
                    }
                }
                None if unindexed.contains(fp) => {}
                None => to_index.push(fp.clone()),
            }
        }
        for (path, &r) in &live {
            if !seen.contains(path) {
                removed.push(r);
            }
        }
        let live_count = live.len();
        if to_index.is_empty() && removed.is_empty() {
            let index = Self::assemble(dir, parts);
            return Ok((index, Freshness::Reused));
        }
        if parts.len() >= manifest.built + 3
            || (to_index.len() + removed.len()) * 4 > live_count.max(16)
        {
            let reason = format!(
                "{} speeches changed, were added or deleted",
                to_index.len() + removed.len() - to_index.len().min(removed.len())
            );
            return Self::build_all(root_name, catalogues, dir, now, texts, reason);
        }
        let mut manifest = manifest;
        let mut parts = parts;
        for r in &removed {
            parts[r.segment as usize].deleted[r.doc as usize] = true;
        }
        for (entry, part) in manifest.segments.iter_mut().zip(&parts) {
            entry.deleted = (0..part.deleted.len() as u32)
                .filter(|&d| part.deleted[d as usize])
                .collect();
        }
        let (files, unindexed_now) = write_segments(dir, &to_index, texts)?;
        let still_unindexed: Vec<Fingerprint> = manifest
            .unindexed
            .iter()
            .filter(|f| {
                seen.contains(f.path.as_str()) && !to_index.iter().any(|t| t.path == f.path)
            })
            .cloned()
            .chain(unindexed_now)
            .collect();
        manifest.unindexed = still_unindexed;
        manifest
            .segments
            .extend(files.iter().map(|file| SegmentEntry {
                file: file.clone(),
                deleted: Vec::new(),
            }));
        write_manifest(dir, &manifest)?;
        parts.extend(open_new(dir, &files)?);
        let indexed = to_index.len();
        let removed = removed.len();
        Ok((
            Self::assemble(dir, parts),
            Freshness::Updated { indexed, removed },
        ))
    }

    fn build_all(
        root: String,
        catalogues: Vec<Fingerprint>,
        dir: &Path,
        now: &[Fingerprint],
        texts: &Texts<'_>,
        reason: String,
    ) -> Result<(Self, Freshness), SearchError> {
        let (files, unindexed) = write_segments(dir, now, texts)?;
        let manifest = Manifest {
            version: VERSION,
            root,
            catalogues,
            built: files.len(),
            segments: files
                .iter()
                .map(|file| SegmentEntry {
                    file: file.clone(),
                    deleted: Vec::new(),
                })
                .collect(),
            unindexed,
        };
        write_manifest(dir, &manifest)?;
        remove_unused(dir, &manifest);
        if let Some(all) = dir.parent() {
            remove_orphans(all);
        }
        let parts = open_new(dir, &files)?;
        Ok((Self::assemble(dir, parts), Freshness::Built { reason }))
    }

    fn assemble(dir: &Path, parts: Vec<Part>) -> Self {
        let by_path = live_docs(&parts)
            .map(|(path, r)| (path.to_owned(), r))
            .collect();
        Self {
            dir: dir.to_path_buf(),
            parts,
            by_path,
            sidecars: Vec::new(),
        }
    }

    /// The sidecars found next to the sources when the index was opened from files: the
    /// source's relative path and the sidecar's path, sorted by source.
    pub fn sidecars(&self) -> &[(String, PathBuf)] {
        &self.sidecars
    }

    /// The folder the index lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of speeches indexed.
    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    pub fn doc(&self, r: DocRef) -> &DocInfo {
        &self.parts[r.segment as usize].segment.docs[r.doc as usize]
    }

    /// The speech indexed under `path`.
    pub fn find(&self, path: &str) -> Option<DocRef> {
        self.by_path.get(path).copied()
    }

    /// Every speech matching `expr`, with its hits, in no particular order.
    pub fn search(&self, expr: &Expr) -> Result<Vec<IndexMatch>, IndexError> {
        // Every segment's matches first, then scored with the figures of all of them.
        let found = self
            .parts
            .iter()
            .map(|part| {
                let live = |d: u32| !part.deleted.get(d as usize).copied().unwrap_or(true);
                part.segment.evaluate(expr, &live)
            })
            .collect::<Result<Vec<Found>, IndexError>>()?;
        let segments: Vec<&Segment<FileBlob>> = self.parts.iter().map(|p| &p.segment).collect();
        let stats = Stats::of(&segments, &found.iter().collect::<Vec<_>>());
        let mut out = Vec::new();
        for (s, (part, found)) in self.parts.iter().zip(found).enumerate() {
            for m in part.segment.score(found, &stats) {
                out.push(IndexMatch {
                    doc: DocRef {
                        segment: s as u32,
                        doc: m.doc,
                    },
                    hits: m.hits,
                    score: m.score,
                });
            }
        }
        Ok(out)
    }
}

/// Every speech of the segments not marked deleted, by path.
fn live_docs(parts: &[Part]) -> impl Iterator<Item = (&str, DocRef)> {
    parts.iter().enumerate().flat_map(|(s, part)| {
        part.segment
            .docs
            .iter()
            .enumerate()
            .filter(|&(d, _)| !part.deleted[d])
            .map(move |(d, info)| {
                let r = DocRef {
                    segment: s as u32,
                    doc: d as u32,
                };
                (info.path.as_str(), r)
            })
    })
}

fn catalogue_fingerprints(root: &Path) -> Vec<Fingerprint> {
    let mut out: Vec<Fingerprint> = fs::read_dir(root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            Fingerprint::of(&p, &name.unwrap_or_default())
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn read_manifest(dir: &Path) -> Result<Manifest, String> {
    let bytes = match fs::read(dir.join(MANIFEST)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("there was no index yet".to_owned());
        }
        Err(e) => return Err(format!("its manifest cannot be read ({e})")),
    };
    serde_json::from_slice(&bytes).map_err(|e| format!("its manifest is damaged ({e})"))
}

fn open_parts(dir: &Path, manifest: &Manifest) -> Result<Vec<Part>, String> {
    if manifest.segments.is_empty() {
        return Err("its manifest lists no segment".to_owned());
    }
    manifest
        .segments
        .iter()
        .map(|s| open_part(dir, &s.file, &s.deleted))
        .collect()
}

fn open_part(dir: &Path, file: &str, deleted: &[u32]) -> Result<Part, String> {
    if file.contains(['/', '\\']) || file.starts_with('.') {
        return Err("its manifest names a file outside the index".to_owned());
    }
    let path = dir.join(file);
    let handle = File::open(&path).map_err(|e| format!("{file} cannot be read ({e})"))?;
    let len = handle
        .metadata()
        .map_err(|e| format!("{file} cannot be read ({e})"))?
        .len();
    let segment = Segment::open(FileBlob {
        file: Mutex::new(handle),
        len,
    })
    .map_err(|e| format!("{file}: {e}"))?;
    let mut flags = vec![false; segment.docs.len()];
    for &d in deleted {
        *flags
            .get_mut(d as usize)
            .ok_or_else(|| "its manifest deletes a speech the segment lacks".to_owned())? = true;
    }
    Ok(Part {
        segment,
        deleted: flags,
    })
}

/// Opens segments just written.
fn open_new(dir: &Path, files: &[String]) -> Result<Vec<Part>, SearchError> {
    files
        .iter()
        .map(|file| {
            open_part(dir, file, &[]).map_err(|reason| SearchError::Write {
                path: dir.join(file),
                reason,
            })
        })
        .collect()
}

/// Speeches at least this many are indexed by several threads, each writing a segment of its
/// own.
const SPLIT_FROM: usize = 1000;

/// Indexes the speeches of `fingerprints` (in parallel, in order) into new segment files;
/// returns their names, in order, and the files that could not be indexed.
///
/// A large set is split into one group of consecutive speeches per thread, and each group is
/// merged and written as a segment of its own as soon as it is built: the writing is shared
/// between the threads rather than left to one at the end. Each group is built in two parts
/// a thread can take, so a thread held up does not hold the other back.
fn write_segments(
    dir: &Path,
    fingerprints: &[Fingerprint],
    texts: &Texts<'_>,
) -> Result<(Vec<String>, Vec<Fingerprint>), SearchError> {
    fs::create_dir_all(dir).map_err(|e| SearchError::Write {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let threads = rayon::current_num_threads();
    let groups = if fingerprints.len() >= SPLIT_FROM {
        threads
    } else {
        1
    };
    let per_group = fingerprints.len().div_ceil(groups).max(1);
    let written: Vec<Result<(String, Vec<Fingerprint>), SearchError>> = fingerprints
        .par_chunks(per_group)
        .enumerate()
        .map(|(group, chunk)| {
            let parts = if groups == 1 { threads * 2 } else { 2 };
            write_segment(dir, group, chunk, parts, texts)
        })
        .collect();
    let mut files = Vec::new();
    let mut unindexed = Vec::new();
    for w in written {
        let (file, u) = w?;
        files.push(file);
        unindexed.extend(u);
    }
    Ok((files, unindexed))
}

/// Builds the speeches of `fingerprints` in `parts` parts (in parallel) and writes them as one
/// segment file; returns its name and the files that could not be indexed.
fn write_segment(
    dir: &Path,
    group: usize,
    fingerprints: &[Fingerprint],
    parts: usize,
    texts: &Texts<'_>,
) -> Result<(String, Vec<Fingerprint>), SearchError> {
    let write_error = |path: &Path, e: &dyn std::fmt::Display| SearchError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let per_part = fingerprints.len().div_ceil(parts).max(1);
    let built: Vec<(Builder, Vec<Fingerprint>)> = fingerprints
        .par_chunks(per_part)
        .map(|chunk| {
            let mut builder = Builder::new();
            let mut unindexed = Vec::new();
            for fp in chunk {
                if !index_one(&mut builder, fp, texts) {
                    unindexed.push(fp.clone());
                }
            }
            (builder, unindexed)
        })
        .collect();
    let (builders, unindexed): (Vec<Builder>, Vec<Vec<Fingerprint>>) = built.into_iter().unzip();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!(
        "{:016x}.seg",
        xxhash_rust::xxh3::xxh3_64(format!("{nanos}-{}-{group}", std::process::id()).as_bytes())
    );
    let tmp = dir.join(format!("{name}.tmp"));
    let file = File::create(&tmp).map_err(|e| write_error(&tmp, &e))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    Builder::merge(&builders, &mut out).map_err(|e| write_error(&tmp, &e))?;
    let file = out.into_inner().map_err(|e| write_error(&tmp, &e))?;
    drop(file);
    fs::rename(&tmp, dir.join(&name)).map_err(|e| write_error(&tmp, &e))?;
    Ok((name, unindexed.into_iter().flatten().collect()))
}

/// Adds one speech to `builder`; false when it is not a speech or cannot be read.
fn index_one(builder: &mut Builder, fp: &Fingerprint, texts: &Texts<'_>) -> bool {
    let index = |builder: &mut Builder, doc: &Document| {
        let metadata = &doc.metadata;
        let info = DocInfo {
            path: fp.path.clone(),
            size: fp.size,
            modified: fp.modified,
            hash: doc.content_hash().0,
            title: metadata.title().unwrap_or_default().to_owned(),
            date: metadata.date().map(|d| d.to_string()).unwrap_or_default(),
            speakers: metadata.speakers().to_vec(),
            words: 0,
        };
        builder.add(info, &doc.text);
    };
    match texts {
        Texts::Loaded(docs) => match docs.get(fp.path.as_str()) {
            Some(doc) => {
                index(builder, doc);
                true
            }
            None => false,
        },
        Texts::Files {
            root,
            catalogue,
            entries,
        } => {
            let path = entries
                .get(fp.path.as_str())
                .map_or_else(|| root.join(&fp.path), |e| e.path.clone());
            let loaded = READ_BUFFER
                .with_borrow_mut(|buffer| load_file_with(&path, &fp.path, catalogue, buffer));
            match loaded {
                Ok(doc) => {
                    index(builder, &doc);
                    true
                }
                Err(_) => false,
            }
        }
    }
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), SearchError> {
    let path = dir.join(MANIFEST);
    let tmp = dir.join(format!("{MANIFEST}.{}.tmp", std::process::id()));
    let bytes = serde_json::to_vec(manifest).map_err(|e| SearchError::Write {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    fs::write(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, &path))
        .map_err(|e| SearchError::Write {
            path,
            reason: e.to_string(),
        })
}

/// Removes the indexes of archives that are gone, so the cache does not keep growing with
/// archives moved, renamed or deleted long ago (an index of 10,000 speeches is nearly 200 MB).
/// Indexes whose manifest cannot be read are left to the archive that owns them, which
/// rebuilds them.
fn remove_orphans(all: &Path) {
    let Ok(entries) = fs::read_dir(all) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let Ok(manifest) = read_manifest(&entry.path()) else {
            continue;
        };
        let built = fs::metadata(entry.path().join(MANIFEST))
            .and_then(|m| m.modified())
            .ok();
        if !manifest.root.is_empty() && is_gone(Path::new(&manifest.root), built, SystemTime::now())
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// How long the index of an archive on a drive that is away is kept.
const AWAY_FOR: std::time::Duration = std::time::Duration::from_hours(30 * 24);

/// Whether the archive at `root`, whose index was last written at `built`, is gone for good:
/// its folder is missing while the folder that held it is there (moved, renamed or deleted).
/// When both are missing the archive may be on a drive that is unplugged or not mounted, so
/// it counts as gone only once its index has gone unwritten for [`AWAY_FOR`].
fn is_gone(root: &Path, built: Option<SystemTime>, now: SystemTime) -> bool {
    if !matches!(root.try_exists(), Ok(false)) {
        return false;
    }
    if root
        .parent()
        .is_some_and(|parent| matches!(parent.try_exists(), Ok(true)))
    {
        return true;
    }
    built
        .and_then(|built| now.duration_since(built).ok())
        .is_some_and(|age| age > AWAY_FOR)
}

/// Removes segment files the manifest no longer names (leaving files younger than a minute:
/// another process may be writing them).
fn remove_unused(dir: &Path, manifest: &Manifest) {
    let keep: HashSet<&str> = manifest.segments.iter().map(|s| s.file.as_str()).collect();
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = Path::new(&name)
            .extension()
            .is_some_and(|e| e == "seg" || e == "tmp");
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 60);
        if ours && old && !keep.contains(name.as_str()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The notes in `sidecar`, each annotation anchored in `doc` as it reads now; `None` when the
/// sidecar holds nothing.
pub fn anchored_notes(
    sidecar: &Path,
    doc: &Document,
) -> Result<Option<lectern_core::annotation::SpeechNotes>, crate::notes::NotesError> {
    let base = crate::notes::read_sidecar(sidecar)?;
    if base.notes.is_empty() {
        return Ok(None);
    }
    let mut notes = base.notes;
    for annotation in &mut notes.annotations {
        let anchored = lectern_core::annotation::anchor::reanchor(doc, &annotation.target);
        annotation.target.span = anchored.span;
        annotation.status = anchored.status;
    }
    notes.sort();
    Ok(Some(notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_is_gone_when_its_folder_is_missing_but_not_its_parent_or_for_long() {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let now = SystemTime::now();
        let here = tmp.path().join("archive");
        fs::create_dir(&here).expect("archive folder");
        assert!(!is_gone(&here, Some(now), now), "an archive still there");
        let deleted = tmp.path().join("deleted");
        assert!(
            is_gone(&deleted, Some(now), now),
            "moved, renamed or deleted"
        );
        let away = tmp.path().join("drive").join("archive");
        assert!(!is_gone(&away, Some(now), now), "a drive away since today");
        let long_ago = now - AWAY_FOR - std::time::Duration::from_mins(1);
        assert!(
            is_gone(&away, Some(long_ago), now),
            "a drive away for months"
        );
        assert!(
            !is_gone(&away, None, now),
            "a drive away, for how long unknown"
        );
    }
}
