//! Building segments: speeches read and imported (or taken as loaded) in parallel parts,
//! merged and written as one segment file per group of threads.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use lectern_core::Document;
use lectern_core::search::index::{Builder, DocInfo, Part};
use rayon::prelude::*;

use super::files::Fingerprint;
use super::{SearchError, Texts};
use crate::load::{READ_BUFFER, load_file_with};

/// Speeches at least this many are indexed by several threads, each writing a segment of its
/// own.
pub(super) const SPLIT_FROM: usize = 1000;

/// Groups (segments) a large set is written in, per thread: merging and writing a group is
/// the work of one thread, so the last group written while the other threads have nothing
/// left to do should be small.
const GROUPS_PER_THREAD: usize = 2;

/// Parts each group of a large set is built in: enough that the threads end together (a part
/// left to one thread at the end is a small share of the whole), few enough that merging
/// them stays cheap.
const PARTS_PER_GROUP: usize = 4;

/// Indexes the speeches of `fingerprints` (in parallel, in order) into new segment files;
/// returns their names, in order, and the files that could not be indexed.
///
/// A large set is split into [`GROUPS_PER_THREAD`] groups of consecutive speeches per thread,
/// and each group is merged and written as a segment of its own as soon as it is built: the
/// writing is shared between the threads rather than left to one at the end. Each group is
/// built in [`PARTS_PER_GROUP`] parts, so a thread done with its own group's parts, or done
/// writing its segment, takes parts of the other groups left to build rather than wait idle.
pub(super) fn write_segments(
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
        threads * GROUPS_PER_THREAD
    } else {
        1
    };
    let per_group = fingerprints.len().div_ceil(groups).max(1);
    let spare = Spare::default();
    let written: Vec<Result<(String, Vec<Fingerprint>), SearchError>> = fingerprints
        .par_chunks(per_group)
        .enumerate()
        .map(|(group, chunk)| {
            let parts = if groups == 1 {
                threads * 2
            } else {
                PARTS_PER_GROUP
            };
            write_segment(dir, group, chunk, parts, texts, &spare)
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

/// Builders and the memory of merged parts, kept for the next parts of one build: each part
/// built in fresh memory cost the kernel's faulting in and zeroing of its pages (38,000 of a
/// cold build's 89,000 page faults, about 4 % of its time).
#[derive(Default)]
pub(super) struct Spare {
    builders: Mutex<Vec<Builder>>,
    postings: Mutex<Vec<Vec<u8>>>,
}

impl Spare {
    fn builder(&self) -> Builder {
        self.builders
            .lock()
            .map_or(None, |mut b| b.pop())
            .unwrap_or_default()
    }

    /// Finishes `builder`'s part in spare memory and keeps the builder for the next part.
    fn finish(&self, mut builder: Builder) -> Part {
        let postings = self
            .postings
            .lock()
            .map_or(None, |mut p| p.pop())
            .unwrap_or_default();
        let part = builder.finish_reusing(postings);
        if let Ok(mut builders) = self.builders.lock() {
            builders.push(builder);
        }
        part
    }

    fn keep(&self, parts: Vec<Part>) {
        if let Ok(mut postings) = self.postings.lock() {
            postings.extend(parts.into_iter().map(Part::into_postings));
        }
    }
}

/// Builds the speeches of `fingerprints` in `parts` parts (in parallel) and writes them as one
/// segment file; returns its name and the files that could not be indexed.
pub(super) fn write_segment(
    dir: &Path,
    group: usize,
    fingerprints: &[Fingerprint],
    parts: usize,
    texts: &Texts<'_>,
    spare: &Spare,
) -> Result<(String, Vec<Fingerprint>), SearchError> {
    let write_error = |path: &Path, e: &dyn std::fmt::Display| SearchError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let per_part = fingerprints.len().div_ceil(parts).max(1);
    let built: Vec<(Part, Vec<Fingerprint>)> = fingerprints
        .par_chunks(per_part)
        .map(|chunk| {
            let mut builder = spare.builder();
            let mut unindexed = Vec::new();
            for fp in chunk {
                if !index_one(&mut builder, fp, texts) {
                    unindexed.push(fp.clone());
                }
            }
            (spare.finish(builder), unindexed)
        })
        .collect();
    let (parts, unindexed): (Vec<Part>, Vec<Vec<Fingerprint>>) = built.into_iter().unzip();
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
    Part::merge(&parts, &mut out).map_err(|e| write_error(&tmp, &e))?;
    let file = out.into_inner().map_err(|e| write_error(&tmp, &e))?;
    drop(file);
    spare.keep(parts);
    fs::rename(&tmp, dir.join(&name)).map_err(|e| write_error(&tmp, &e))?;
    Ok((name, unindexed.into_iter().flatten().collect()))
}

/// Adds one speech to `builder`; false when it is not a speech or cannot be read.
pub(super) fn index_one(builder: &mut Builder, fp: &Fingerprint, texts: &Texts<'_>) -> bool {
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
