//! Building a segment: every word met gets a slot in one table that stays in the processor's
//! caches; each speech's positions are grouped by word and encoded as one record per word,
//! appended to one of [`BUCKETS`] streams by the word's id; a finished part puts each word's
//! records together, a bucket at a time; parts built apart are merged in order and written
//! out.

use super::DocInfo;
use super::codec::put_varint_at;
use super::keys::{LONG, Slots, WordMap, meet, pack, pack_ascii, unpack};
use super::part::Part;
use crate::search::fold;

/// Streams a [`Builder`] appends records to, by the low bits of the word's id. Few enough
/// that the ends of all of them stay in the processor's nearest caches: a speech's records
/// are written there rather than each to a buffer of its word's, far away in memory.
const BUCKET_BITS: u32 = 6;
const BUCKETS: usize = 1 << BUCKET_BITS;

/// Where the word `id` stands when a part's words are laid out bucket by bucket, `per` words
/// to a bucket: its tally, and its records in the part's postings.
pub(super) fn place(id: usize, per: usize) -> usize {
    id % BUCKETS * per + id / BUCKETS
}

/// Records of words met at most this many times in a speech are written by
/// [`Builder::add`]'s quick path.
const SMALL: usize = 3;

/// How many bytes [`put_varint_at`] takes for `v`.
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
/// finished ([`Builder::finish`]) and put together with [`Part::merge`].
pub struct Builder {
    docs: Vec<DocInfo>,
    /// Words met so far: by key, and words over 16 bytes by text.
    slots: Slots,
    long: WordMap<Box<str>, u32>,
    /// Per id: the word.
    words: Vec<Box<str>>,
    /// Per id modulo [`BUCKETS`]: the records of the speeches added so far, in order, each
    /// led by its length and the rest of the word's id.
    buckets: Vec<Vec<u8>>,
    /// The speech being added: its words as numbers of its own, in order.
    sequence: Vec<u32>,
    /// Per number of the speech's own: the word's id, and how many speeches back it was last
    /// met (the speech's own number when never).
    ids: Vec<(u32, u32)>,
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
            buckets: vec![Vec::new(); BUCKETS],
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
    fn number(
        &mut self,
        keys: &[u128],
        stamp: u32,
        ids: &mut Vec<(u32, u32)>,
        sequence: &mut Vec<u32>,
    ) {
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
            self.slots.prefetch(key);
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
        let mut record = std::mem::take(&mut self.record);
        let mut from = 0;
        for (local, &(id, delta)) in ids.iter().enumerate() {
            let to = self.counts[local] as usize;
            let positions = &self.positions[from..to];
            from = to;
            let count = positions.len() as u32;
            let bucket = &mut self.buckets[id as usize % BUCKETS];
            let high = id >> BUCKET_BITS;
            // A record: its length and the rest of the word's id, then as the segment has
            // it: how many speeches on, how many positions, their length and the positions,
            // each after the one before.
            if positions.len() <= SMALL {
                // Most records: a word met a few times, its record written straight to the
                // bucket, whose end stays in cache.
                let mut deltas = [0u32; SMALL];
                let (mut last, mut len) = (0, 0);
                for (d, &p) in deltas.iter_mut().zip(positions) {
                    *d = p - last;
                    last = p;
                    len += varint_len(*d);
                }
                let n = varint_len(delta) + varint_len(count) + varint_len(len as u32) + len;
                // The record put together in registers and appended whole, the bytes past it
                // taken off again (setting the length), rather than a byte at a time with a
                // check of room for each. 32 bytes hold any: its length one byte (at most 22),
                // the rest of the id four, the speeches on five, the count and the length one
                // each, three positions five each.
                let mut whole = [0u8; 32];
                let mut at = 0;
                for v in [n as u32, high, delta, count, len as u32] {
                    at += put_varint_at(&mut whole[at..], u64::from(v));
                }
                for &d in &deltas[..positions.len()] {
                    at += put_varint_at(&mut whole[at..], u64::from(d));
                }
                let end = bucket.len() + at;
                bucket.extend_from_slice(&whole);
                bucket.truncate(end);
                continue;
            }
            // The positions are encoded apart first (in a buffer that stays in cache), so the
            // record's length can go before them.
            record.clear();
            let mut last = 0;
            // A chunk at a time, for the same reason.
            let mut chunk = [0u8; 64];
            let mut at = 0;
            for &p in positions {
                if at > chunk.len() - 5 {
                    record.extend_from_slice(&chunk[..at]);
                    at = 0;
                }
                at += put_varint_at(&mut chunk[at..], u64::from(p - last));
                last = p;
            }
            record.extend_from_slice(&chunk[..at]);
            let mut head = [0u8; 25];
            let mut h = 0;
            let n = varint_len(delta)
                + varint_len(count)
                + varint_len(record.len() as u32)
                + record.len();
            for v in [n as u32, high, delta, count, record.len() as u32] {
                h += put_varint_at(&mut head[h..], u64::from(v));
            }
            bucket.extend_from_slice(&head[..h]);
            bucket.extend_from_slice(&record);
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

    /// Puts each word's records together, in order: what [`Part::merge`] writes out.
    pub fn finish(mut self) -> Part {
        self.finish_part(Vec::new(), false)
    }

    /// [`Self::finish`], the records put together in the memory of `postings` (a merged
    /// part's, from [`Part::into_postings`]), and the builder left empty for the next part
    /// with the memory it grew kept: its slot table and bucket streams. Building part after
    /// part, the memory is then allocated once, rather than fresh pages faulted in and
    /// zeroed by the kernel for every part.
    pub fn finish_reusing(&mut self, postings: Vec<u8>) -> Part {
        self.finish_part(postings, true)
    }

    fn finish_part(&mut self, mut postings: Vec<u8>, keep: bool) -> Part {
        let n = self.words.len();
        // How many bytes each word's records take and how many speeches have it, tallied a
        // bucket at a time: a bucket's words, one in `BUCKETS`, have their tallies close
        // together (at `low * per + high`), where they stay in cache. Tallying while adding
        // cost a read from memory per record.
        let per = n.div_ceil(BUCKETS);
        let mut tallies = vec![(0usize, 0u32); per * BUCKETS];
        for (low, bucket) in self.buckets.iter().enumerate() {
            let tallies = &mut tallies[low * per..(low + 1) * per];
            for (high, record) in Records::new(bucket) {
                let tally = &mut tallies[high];
                *tally = (tally.0 + record.len(), tally.1 + 1);
            }
        }
        // Where each word's records go: the words of a bucket together, in the order of
        // their tallies, so the records of a bucket are written to one stretch of the
        // postings (a 64th of them, which stays in cache) rather than all over.
        let mut starts = Vec::with_capacity(per * BUCKETS + 1);
        let mut total = 0;
        starts.push(0);
        for &(len, _) in &tallies {
            total += len;
            starts.push(total);
        }
        if postings.capacity() < total {
            postings = vec![0u8; total];
        } else {
            postings.clear();
            postings.resize(total, 0);
        }
        let mut at = starts.clone();
        for (low, bucket) in self.buckets.iter_mut().enumerate() {
            let records = bucket.len();
            bucket.resize(records + 16, 0);
            for (high, record) in Records::new(&bucket[..records]) {
                let slot = low * per + high;
                let (to, len) = (at[slot], record.len());
                // Sixteen bytes at once when they stay within the word's own room: the bytes
                // past the record are written over by its next record.
                if len <= 16 && to + 16 <= starts[slot + 1] {
                    let from = record.as_ptr() as usize - bucket.as_ptr() as usize;
                    postings[to..to + 16].copy_from_slice(&bucket[from..from + 16]);
                } else {
                    postings[to..to + len].copy_from_slice(record);
                }
                at[slot] = to + len;
            }
            if keep {
                bucket.clear();
            } else {
                // Freed as soon as it is read: the part's peak memory is its postings and
                // the buckets not yet read.
                *bucket = Vec::new();
            }
        }
        // The last speech each word was met in: its slot's stamp.
        let mut last_doc = vec![0u32; n];
        for slot in self.slots.table.iter().filter(|s| s.key != 0) {
            last_doc[slot.id as usize] = slot.stamp.saturating_sub(1);
        }
        let part = Part {
            docs: std::mem::take(&mut self.docs),
            words: std::mem::take(&mut self.words),
            postings,
            starts,
            per,
            doc_counts: (0..n).map(|id| tallies[place(id, per)].1).collect(),
            last_doc,
        };
        if keep {
            self.slots.clear();
            self.long.clear();
        }
        part
    }
}

/// The records of a bucket of [`Builder`], each with the rest of its word's id.
struct Records<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Records<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    /// The varint at `at`, which [`Builder::add`] wrote.
    fn varint(&mut self) -> usize {
        let mut v = 0;
        let mut shift = 0;
        loop {
            let b = self.bytes[self.at];
            self.at += 1;
            v |= usize::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.bytes.len() {
            return None;
        }
        let len = self.varint();
        let high = self.varint();
        let record = &self.bytes[self.at..self.at + len];
        self.at += len;
        Some((high, record))
    }
}
