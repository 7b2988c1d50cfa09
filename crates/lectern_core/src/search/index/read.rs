//! Reading a segment: its catalogue and dictionary when opened, and each posting list, checked,
//! when a query needs it. Answering queries with them is `answer.rs`.

use xxhash_rust::xxh3::xxh3_64;

use super::codec::{Cursor, decode_positions};
use super::{Blob, DocInfo, FOOTER_LEN, IndexError, MAGIC, corrupt};
use crate::search::query::Word;

/// One word of the dictionary.
#[derive(Clone, Copy, Debug)]
struct TermEntry {
    /// End of the word in `Segment::words`.
    end: u32,
    offset: u64,
    len: u64,
    docs: u32,
    check: u32,
}

/// An opened segment: its speeches and dictionary in memory, its postings read on demand.
pub struct Segment<B> {
    blob: B,
    pub docs: Vec<DocInfo>,
    words: String,
    terms: Vec<TermEntry>,
}

impl<B: Blob> Segment<B> {
    pub fn open(blob: B) -> Result<Self, IndexError> {
        let total = blob.len();
        if total < FOOTER_LEN {
            return Err(corrupt("the file is too short"));
        }
        let mut footer = [0u8; FOOTER_LEN as usize];
        blob.read_at(total - FOOTER_LEN, &mut footer)?;
        if &footer[24..] != MAGIC {
            return Err(corrupt("not a Lectern index of this version"));
        }
        let word = |i: usize| u64::from_le_bytes(footer[i..i + 8].try_into().unwrap_or([0; 8]));
        let (meta_offset, meta_len, check) = (word(0), word(8), word(16));
        if meta_offset
            .checked_add(meta_len)
            .is_none_or(|end| end != total - FOOTER_LEN)
        {
            return Err(corrupt("the footer points outside the file"));
        }
        let meta_len = usize::try_from(meta_len).map_err(|_| corrupt("too large"))?;
        let meta = blob.read_vec(meta_offset, meta_len)?;
        if xxh3_64(&meta) != check {
            return Err(corrupt("the catalogue of speeches fails its checksum"));
        }
        let mut c = Cursor {
            bytes: &meta,
            at: 0,
        };
        let n = c.varint()?;
        let mut docs = Vec::with_capacity(n.min(1 << 20) as usize);
        for _ in 0..n {
            let path = c.str()?.to_owned();
            let size = c.varint()?;
            let modified = c.varint()?;
            let hash = u128::from_le_bytes(c.take(16)?.try_into().unwrap_or([0; 16]));
            let title = c.str()?.to_owned();
            let date = c.str()?.to_owned();
            let speakers = (0..c.varint()?.min(1 << 16))
                .map(|_| c.str().map(str::to_owned))
                .collect::<Result<_, _>>()?;
            let words = c.u32()?;
            docs.push(DocInfo {
                path,
                size,
                modified,
                hash,
                title,
                date,
                speakers,
                words,
            });
        }
        let n = c.varint()?;
        let mut words = String::new();
        let mut terms = Vec::with_capacity(n.min(1 << 24) as usize);
        let mut offset = 0u64;
        for _ in 0..n {
            words.push_str(c.str()?);
            let len = c.varint()?;
            let docs = c.u32()?;
            let check = u32::from_le_bytes(c.take(4)?.try_into().unwrap_or([0; 4]));
            terms.push(TermEntry {
                end: u32::try_from(words.len()).map_err(|_| corrupt("too many words"))?,
                offset,
                len,
                docs,
                check,
            });
            offset += len;
        }
        if !c.is_done() || offset != meta_offset {
            return Err(corrupt("the dictionary does not match the postings"));
        }
        Ok(Self {
            blob,
            docs,
            words,
            terms,
        })
    }

    /// Number of distinct words.
    pub fn word_count(&self) -> usize {
        self.terms.len()
    }

    /// Dictionary entry `i`.
    pub(super) fn word(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.terms[i - 1].end as usize
        };
        &self.words[start..self.terms[i].end as usize]
    }

    /// The dictionary entries `w` stands for: one word, or every word with the prefix.
    pub(super) fn lookup(&self, w: &Word) -> std::ops::Range<usize> {
        let start = self.partition(|t| t < w.text.as_str());
        let end = if w.prefix {
            self.partition(|t| t < w.text.as_str() || t.starts_with(&w.text))
        } else {
            self.partition(|t| t <= w.text.as_str())
        };
        start..end.max(start)
    }

    fn partition(&self, before: impl Fn(&str) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.terms.len());
        while lo < hi {
            let mid = usize::midpoint(lo, hi);
            if before(self.word(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Reads and checks the posting list of dictionary entry `i`.
    pub(super) fn postings(&self, i: usize) -> Result<TermList, IndexError> {
        let entry = self.terms[i];
        let len = usize::try_from(entry.len).map_err(|_| corrupt("too large"))?;
        let bytes = self.blob.read_vec(entry.offset, len)?;
        if xxh3_64(&bytes) as u32 != entry.check {
            return Err(IndexError::Corrupt(format!(
                "the postings of {:?} fail their checksum",
                self.word(i)
            )));
        }
        let mut docs = Vec::with_capacity(entry.docs as usize);
        let mut slices = Vec::with_capacity(entry.docs as usize);
        let mut c = Cursor {
            bytes: &bytes,
            at: 0,
        };
        let mut doc = 0u32;
        while !c.is_done() {
            let delta = c.u32()?;
            doc = doc
                .checked_add(delta)
                .filter(|&d| (d as usize) < self.docs.len() && (docs.is_empty() || delta > 0))
                .ok_or_else(|| corrupt("a posting names a speech out of order"))?;
            let count = c.u32()?;
            let len = usize::try_from(c.varint()?).map_err(|_| corrupt("too large"))?;
            let start = c.at;
            c.take(len)?;
            docs.push(doc);
            slices.push((start, len, count));
        }
        Ok(TermList {
            bytes,
            docs,
            slices,
        })
    }
}

/// One word's posting list, read: its speeches and where each one's positions lie.
pub(super) struct TermList {
    bytes: Vec<u8>,
    pub(super) docs: Vec<u32>,
    /// Per speech: start and length of its positions in `bytes`, and their count.
    pub(super) slices: Vec<(usize, usize, u32)>,
}

impl TermList {
    /// The entry of `doc` in this list, if it has one, looked for from `*cursor` on and the
    /// cursor moved past the speeches before it: speeches asked for in increasing order cost
    /// one pass over the list in all.
    pub(super) fn seek(&self, doc: u32, cursor: &mut usize) -> Option<usize> {
        while self.docs.get(*cursor).is_some_and(|&d| d < doc) {
            *cursor += 1;
        }
        (self.docs.get(*cursor) == Some(&doc)).then_some(*cursor)
    }

    /// Appends the positions of entry `entry` (a speech), up to soon after `limit`.
    pub(super) fn positions(
        &self,
        entry: usize,
        limit: u32,
        out: &mut Vec<u32>,
    ) -> Result<(), IndexError> {
        let (start, len, count) = self.slices[entry];
        decode_positions(&self.bytes[start..start + len], count, limit, out)
    }
}
