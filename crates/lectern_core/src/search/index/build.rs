//! Building a segment: every word met gets a slot in one table that stays in the processor's
//! caches, each speech's positions are grouped by word and encoded into per-word buffers, and
//! parts built apart are merged in order and written out.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;

use xxhash_rust::xxh3::xxh3_64;

use super::codec::{put_str, put_varint, put_varint_at, split_varint};
use super::keys::{LONG, Slots, meet, pack, pack_ascii, unpack};
use super::{DocInfo, MAGIC};
use crate::search::fold;

/// Hashes word keys with xxh3: several times faster than `SipHash` on short strings.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxh3_64(bytes) ^ self.0.rotate_left(5);
    }
}

type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// A word's postings while a [`Builder`] adds speeches: two to a line of the processor's
/// cache.
#[derive(Default)]
#[repr(align(32))]
struct Term {
    /// The last speech written, and how many speeches have the word.
    last_doc: u32,
    docs: u32,
    bytes: Vec<u8>,
}

/// Records of words met at most this many times in a speech are written by
/// [`Builder::add`]'s quick path.
const SMALL: usize = 3;

/// How many bytes [`put_varint`] takes for `v`.
fn varint_len(v: u32) -> usize {
    match v {
        0..0x80 => 1,
        0x80..0x4000 => 2,
        0x4000..0x20_0000 => 3,
        0x20_0000..0x1000_0000 => 4,
        _ => 5,
    }
}

/// Words looked up together by [`Builder::number`].
const BATCH: usize = 64;

/// Builds the postings of consecutive speeches. Parts built apart (say one per thread) are
/// put together with [`Builder::merge`].
pub struct Builder {
    docs: Vec<DocInfo>,
    /// Words met so far: by key, and words over 16 bytes by text.
    slots: Slots,
    long: WordMap<Box<str>, u32>,
    /// Per id: the word and its postings.
    words: Vec<Box<str>>,
    terms: Vec<Term>,
    /// The speech being added: its words as numbers of its own, in order.
    sequence: Vec<u32>,
    /// Per number of the speech's own: the word's id.
    ids: Vec<u32>,
    /// Per number of the speech's own: how many times, then where its positions go.
    counts: Vec<u32>,
    positions: Vec<u32>,
    /// One record's encoded positions.
    record: Vec<u8>,
    scratch: String,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    pub fn new() -> Self {
        Self {
            docs: Vec::new(),
            slots: Slots::new(),
            long: WordMap::default(),
            words: Vec::new(),
            terms: Vec::new(),
            sequence: Vec::new(),
            ids: Vec::new(),
            counts: Vec::new(),
            positions: Vec::new(),
            record: Vec::new(),
            scratch: String::new(),
        }
    }

    /// Gives the next id to `word`.
    fn new_id(&mut self, word: Box<str>) -> u32 {
        let id = self.words.len() as u32;
        self.words.push(word);
        self.terms.push(Term::default());
        id
    }

    /// The id of a word over 16 bytes, given it if new.
    fn id_of_long(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.long.get(word) {
            return id;
        }
        let id = self.new_id(word.into());
        self.long.insert(word.into(), id);
        id
    }

    /// The key of a word over 16 bytes: its id, marked [`LONG`].
    #[cold]
    #[inline(never)]
    fn long_key(&mut self, word: &fold::Raw<'_>) -> u128 {
        let id = match word {
            fold::Raw::Ascii(raw) => {
                self.id_of_long(&String::from_utf8_lossy(raw).to_ascii_lowercase())
            }
            fold::Raw::Folded(folded) => self.id_of_long(folded),
        };
        LONG | u128::from(id)
    }

    /// The slot of `key`, the word given an id if new.
    fn slot(&mut self, key: u128) -> usize {
        match self.slots.find(key) {
            Ok(at) => at,
            Err(at) => {
                let id = if key & LONG == LONG {
                    (key & u128::from(u32::MAX)) as u32
                } else {
                    self.new_id(unpack(key))
                };
                self.slots.insert(at, key, id)
            }
        }
    }

    /// Appends to `sequence` the number within the speech `stamp` of each word of `keys`,
    /// numbering words new to the speech in `ids`. The home slots of a whole batch are read
    /// before any is used, so the processor fetches them all at once rather than one after
    /// another.
    fn number(&mut self, keys: &[u128], stamp: u32, ids: &mut Vec<u32>, sequence: &mut Vec<u32>) {
        let n = keys.len();
        let mut homes = [0usize; BATCH];
        let mut hits = [false; BATCH];
        let table = &self.slots.table;
        for ((home, hit), &key) in homes.iter_mut().zip(&mut hits).zip(keys) {
            *home = self.slots.home(key);
            *hit = table[*home].key == key;
        }
        let mut locals = [0u32; BATCH];
        let mut i = 0;
        while i < n {
            // Words found at home, with the table borrowed once for the run of them.
            let table = self.slots.table.as_mut_slice();
            while i < n && hits[i] {
                locals[i] = meet(&mut table[homes[i]], stamp, ids);
                i += 1;
            }
            if i < n {
                let bits = self.slots.bits;
                let at = self.slot(keys[i]);
                if self.slots.bits != bits {
                    // The table grew: the homes read before are not theirs any more.
                    hits[i..].fill(false);
                }
                locals[i] = meet(&mut self.slots.table[at], stamp, ids);
                i += 1;
            }
        }
        sequence.extend_from_slice(&locals[..n]);
    }

    /// Adds the next speech; `text` is its canonical text. Sets `info.words`.
    pub fn add(&mut self, mut info: DocInfo, text: &str) {
        let doc = self.docs.len() as u32;
        let stamp = doc + 1;
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut sequence = std::mem::take(&mut self.sequence);
        let mut ids = std::mem::take(&mut self.ids);
        sequence.clear();
        ids.clear();
        let bytes = text.as_bytes();
        let mut batch = [0u128; BATCH];
        let mut batched = 0;
        fold::scan_words(text, &mut scratch, |word, _, _| {
            let key = match &word {
                fold::Raw::Ascii(raw) => pack_ascii(bytes, raw),
                fold::Raw::Folded(folded) => pack(folded.bytes()),
            };
            let key = key.unwrap_or_else(|| self.long_key(&word));
            batch[batched] = key;
            batched += 1;
            if batched == BATCH {
                self.number(&batch, stamp, &mut ids, &mut sequence);
                batched = 0;
            }
        });
        self.number(&batch[..batched], stamp, &mut ids, &mut sequence);
        // Group the positions by word: count, then place (a counting sort).
        let distinct = ids.len();
        // (Slices rather than the vectors, so the loops keep their bounds in registers.)
        self.counts.clear();
        self.counts.resize(distinct, 0);
        let counts = self.counts.as_mut_slice();
        for &local in &sequence {
            counts[local as usize] += 1;
        }
        let mut start = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = start;
            start += n;
        }
        self.positions.clear();
        self.positions.resize(sequence.len(), 0);
        let positions = self.positions.as_mut_slice();
        for (position, &local) in sequence.iter().enumerate() {
            let at = &mut counts[local as usize];
            positions[*at as usize] = position as u32;
            *at += 1;
        }
        // Each word's buffer lies elsewhere in memory. Read the end of every one first, in a
        // loop of independent reads the processor overlaps, so the writes below find them in
        // cache rather than wait for each in turn.
        let mut touched = 0u8;
        for &id in &ids {
            touched ^= self.terms[id as usize].bytes.last().copied().unwrap_or(0);
        }
        std::hint::black_box(touched);
        let mut record = std::mem::take(&mut self.record);
        let mut from = 0;
        for (local, &id) in ids.iter().enumerate() {
            let to = self.counts[local] as usize;
            let positions = &self.positions[from..to];
            from = to;
            let term = &mut self.terms[id as usize];
            let delta = if term.docs == 0 {
                doc
            } else {
                doc - term.last_doc
            };
            // Buffers start at a size most words' postings fill, rather than grow to it.
            if term.bytes.capacity() == 0 {
                term.bytes.reserve(256);
            }
            if positions.len() <= SMALL {
                // Most records: a word met a few times. The record is put together in a
                // small array and most go to the buffer in one move of sixteen bytes (the
                // bytes past the record are cut off again), not a copy of a length known
                // only here.
                let mut deltas = [0u32; SMALL];
                let (mut last, mut len) = (0, 0);
                for (d, &p) in deltas.iter_mut().zip(positions) {
                    *d = p - last;
                    last = p;
                    len += varint_len(*d);
                }
                let mut small = [0u8; 32];
                let mut n = put_varint_at(&mut small, u64::from(delta));
                n += put_varint_at(&mut small[n..], positions.len() as u64);
                n += put_varint_at(&mut small[n..], len as u64);
                for &d in &deltas[..positions.len()] {
                    n += put_varint_at(&mut small[n..], u64::from(d));
                }
                if n <= 16 {
                    let end = term.bytes.len() + n;
                    term.bytes.extend_from_slice(&small[..16]);
                    term.bytes.truncate(end);
                } else {
                    term.bytes.extend_from_slice(&small[..n]);
                }
                term.last_doc = doc;
                term.docs += 1;
                continue;
            }
            // The positions are encoded apart first (in a buffer that stays in cache), so the
            // record's length can go before them and the word's buffer takes two copies.
            record.clear();
            let mut last = 0;
            for &p in positions {
                put_varint(&mut record, u64::from(p - last));
                last = p;
            }
            let mut head = [0u8; 15];
            let mut h = 0;
            for v in [
                u64::from(delta),
                positions.len() as u64,
                record.len() as u64,
            ] {
                h += put_varint_at(&mut head[h..], v);
            }
            term.bytes.extend_from_slice(&head[..h]);
            term.bytes.extend_from_slice(&record);
            term.last_doc = doc;
            term.docs += 1;
        }
        self.record = record;
        info.words = sequence.len() as u32;
        self.ids = ids;
        self.scratch = scratch;
        self.sequence = sequence;
        self.docs.push(info);
    }

    /// Number of speeches added so far.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
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
        for (word, ids) in &words {
            // One list per word: the parts' lists end to end, the first speech of each part
            // made relative to the last speech of the part before.
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            let mut len = 0u64;
            let mut docs = 0u64;
            let mut last_doc: Option<u32> = None;
            for &(p, id) in ids {
                let (part, offset) = (&parts[p as usize], first_docs[p as usize]);
                let term = &part.terms[id as usize];
                let (first, rest) = split_varint(&term.bytes);
                head.clear();
                let first = first as u32 + offset;
                put_varint(&mut head, u64::from(first - last_doc.unwrap_or(0)));
                out.write_all(&head)?;
                out.write_all(rest)?;
                hasher.update(&head);
                hasher.update(rest);
                len += (head.len() + rest.len()) as u64;
                docs += u64::from(term.docs);
                last_doc = Some(term.last_doc + offset);
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
