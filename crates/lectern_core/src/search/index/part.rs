//! A finished part of a segment, and merging parts in order into a segment file.

use std::io::Write;

use xxhash_rust::xxh3::xxh3_64;

use super::build::place;
use super::codec::{put_str, put_varint, split_varint};
use super::keys::{WordMap, prefetch};
use super::{DocInfo, MAGIC};

/// The postings of consecutive speeches, built by a [`super::Builder`], ready to merge.
pub struct Part {
    pub(super) docs: Vec<DocInfo>,
    /// Per id: the word, how many speeches have it and the last of them.
    pub(super) words: Vec<Box<str>>,
    pub(super) postings: Vec<u8>,
    /// Where the records of each word lie in `postings`, by the word's place in the
    /// builder's buckets (see [`Self::records`]).
    pub(super) starts: Vec<usize>,
    /// Words per bucket.
    pub(super) per: usize,
    pub(super) doc_counts: Vec<u32>,
    pub(super) last_doc: Vec<u32>,
}

impl Part {
    /// The memory of the part's records, for [`super::Builder::finish_reusing`] to build
    /// the next part in.
    pub fn into_postings(self) -> Vec<u8> {
        self.postings
    }

    /// The records of the word `id`: the builder lays a bucket's words out together, the
    /// bucket of `id` its low bits.
    fn records(&self, id: usize) -> &[u8] {
        let at = place(id, self.per);
        &self.postings[self.starts[at]..self.starts[at + 1]]
    }

    /// Writes the segment made of `parts`, in order, to `out`: the speeches of each part
    /// follow those of the part before.
    pub fn merge(parts: &[Self], out: &mut impl Write) -> std::io::Result<()> {
        let mut first_docs = Vec::with_capacity(parts.len());
        let mut n = 0u32;
        for part in parts {
            first_docs.push(n);
            n += part.docs.len() as u32;
        }
        // Every word with, per part, its id there; sorted by word.
        let mut all: WordMap<&str, Vec<(u32, u32)>> = WordMap::default();
        for (p, part) in parts.iter().enumerate() {
            for (id, word) in part.words.iter().enumerate() {
                all.entry(&**word).or_default().push((p as u32, id as u32));
            }
        }
        let mut words: Vec<WordParts<'_>> = all.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut out = Counting {
            inner: out,
            written: 0,
        };
        let mut dictionary = Vec::with_capacity(words.len() * 16);
        put_varint(&mut dictionary, words.len() as u64);
        let mut head = Vec::new();
        for (i, (word, ids)) in words.iter().enumerate() {
            // The records of the word after next are asked for now, so they have arrived
            // from memory when their turn comes: the words go in the order of their text,
            // their records anywhere in the parts.
            if let Some((_, ids)) = words.get(i + 2) {
                for &(p, id) in ids {
                    if let Some(first) = parts[p as usize].records(id as usize).first() {
                        prefetch(first);
                    }
                }
            }
            // One list per word: the parts' lists end to end, the first speech of each part
            // made relative to the last speech of the part before.
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            let mut len = 0u64;
            let mut docs = 0u64;
            let mut last_doc: Option<u32> = None;
            for &(p, id) in ids {
                let (part, offset) = (&parts[p as usize], first_docs[p as usize]);
                let id = id as usize;
                let (first, rest) = split_varint(part.records(id));
                head.clear();
                let first = first as u32 + offset;
                put_varint(&mut head, u64::from(first - last_doc.unwrap_or(0)));
                out.write_all(&head)?;
                out.write_all(rest)?;
                hasher.update(&head);
                hasher.update(rest);
                len += (head.len() + rest.len()) as u64;
                docs += u64::from(part.doc_counts[id]);
                last_doc = Some(part.last_doc[id] + offset);
            }
            put_str(&mut dictionary, word);
            put_varint(&mut dictionary, len);
            put_varint(&mut dictionary, docs);
            dictionary.extend_from_slice(&(hasher.digest() as u32).to_le_bytes());
        }
        let meta_offset = out.written;
        let mut meta = Vec::new();
        let docs: Vec<&DocInfo> = parts.iter().flat_map(|p| &p.docs).collect();
        put_varint(&mut meta, docs.len() as u64);
        for doc in docs {
            put_doc(&mut meta, doc);
        }
        meta.extend_from_slice(&dictionary);
        out.write_all(&meta)?;
        out.write_all(&meta_offset.to_le_bytes())?;
        out.write_all(&(meta.len() as u64).to_le_bytes())?;
        out.write_all(&xxh3_64(&meta).to_le_bytes())?;
        out.write_all(MAGIC)?;
        out.flush()
    }
}

/// A word and, per part holding it, the part and the word's id there.
type WordParts<'a> = (&'a str, Vec<(u32, u32)>);

struct Counting<'w, W> {
    inner: &'w mut W,
    written: u64,
}

impl<W: Write> Counting<'_, W> {
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.written += bytes.len() as u64;
        self.inner.write_all(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn put_doc(out: &mut Vec<u8>, doc: &DocInfo) {
    put_str(out, &doc.path);
    put_varint(out, doc.size);
    put_varint(out, doc.modified);
    out.extend_from_slice(&doc.hash.to_le_bytes());
    put_str(out, &doc.title);
    put_str(out, &doc.date);
    put_varint(out, doc.speakers.len() as u64);
    for s in &doc.speakers {
        put_str(out, s);
    }
    put_varint(out, u64::from(doc.words));
}
