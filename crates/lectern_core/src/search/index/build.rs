//! Building a segment: each speech's words grouped by word through a table of its own, the
//! positions encoded into per-word buffers, parts merged in order and written out.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;

use xxhash_rust::xxh3::xxh3_64;

use super::codec::{put_str, put_varint, split_varint, varint_into};
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

type WordMap<V> = HashMap<Box<str>, V, BuildHasherDefault<WordHasher>>;

/// Hashes short words packed into integers: a few multiplications, no string compared.
#[derive(Default)]
struct PackedHasher(u64);

impl Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxh3_64(bytes);
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = mix(v);
    }

    fn write_u128(&mut self, v: u128) {
        self.0 = mix((v as u64) ^ ((v >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    }
}

/// Murmur3's finaliser: every input bit reaches every output bit.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

type PackedMap<K> = HashMap<K, u32, BuildHasherDefault<PackedHasher>>;

/// A folded word's bytes as one number, little-endian; words hold no NUL, so the zero
/// padding keeps them apart. `None` past 16 bytes.
fn pack(bytes: impl ExactSizeIterator<Item = u8>) -> Option<u128> {
    (bytes.len() <= 16).then(|| {
        bytes
            .enumerate()
            .fold(0u128, |key, (i, b)| key | u128::from(b) << (8 * i))
    })
}

/// [`pack`] of ASCII letters and digits, lowercased: setting bit 5 of each byte lowercases a
/// letter and leaves a digit as it is.
fn pack_ascii(raw: &[u8]) -> Option<u128> {
    let n = raw.len();
    let key = if n <= 8 {
        u128::from(load_le(raw))
    } else if n <= 16 {
        let (lo, hi) = raw.split_at(8);
        u128::from(load_le(lo)) | u128::from(load_le(hi)) << 64
    } else {
        return None;
    };
    let lower = if n == 16 {
        u128::MAX
    } else {
        (1u128 << (8 * n)) - 1
    };
    Some(key | (0x2020_2020_2020_2020_2020_2020_2020_2020 & lower))
}

/// Up to eight bytes as a little-endian number, read in at most two loads (overlapping
/// loads read the same bytes twice, which OR leaves unchanged).
fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    let u32_at = |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    let u16_at = |i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    match n {
        8.. => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        4..=7 => u32_at(0) | u32_at(n - 4) << (8 * (n - 4)),
        2..=3 => u16_at(0) | u16_at(n - 2) << (8 * (n - 2)),
        1 => u64::from(b[0]),
        0 => 0,
    }
}

/// The word packed by [`pack`].
fn unpack(key: u128) -> Box<str> {
    let bytes = key.to_le_bytes();
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(16);
    String::from_utf8_lossy(&bytes[..len]).into()
}

/// The postings of one word within a [`Builder`].
#[derive(Default)]
struct TermBuf {
    bytes: Vec<u8>,
    /// The last speech written, and how many speeches have the word.
    last_doc: u32,
    docs: u32,
}

/// A speech's own small table of the words met in it: most words of a speech come again
/// and again, and a table this size stays in the processor's near caches, where the
/// archive-wide map would not. Keys are packed words ([`pack`]); longer words are kept by
/// their archive-wide id, marked by [`LONG`].
struct LocalWords {
    /// Slots: the packed word and its number in this speech (`u32::MAX` when free).
    keys: Vec<u128>,
    locals: Vec<u32>,
    /// Slots in use, to clear them for the next speech.
    used: Vec<u32>,
    bits: u32,
    /// Per local number: the packed word (or `LONG | id`).
    words: Vec<u128>,
}

/// Marks a local word kept by its archive-wide id (a word over 16 bytes). Packed words never
/// have this bit: their 16th byte would have to be 0xFF, which UTF-8 never holds.
const LONG: u128 =
    1 << 127 | 1 << 126 | 1 << 125 | 1 << 124 | 1 << 123 | 1 << 122 | 1 << 121 | 1 << 120;

impl LocalWords {
    fn new() -> Self {
        let bits = 12;
        Self {
            keys: vec![0; 1 << bits],
            locals: vec![u32::MAX; 1 << bits],
            used: Vec::new(),
            bits,
            words: Vec::new(),
        }
    }

    fn slot_of(&self, key: u128) -> usize {
        let h = ((key as u64) ^ ((key >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .wrapping_mul(0xbf58_476d_1ce4_e5b9);
        (h >> (64 - self.bits)) as usize
    }

    /// The local number of `key`, given it if new.
    fn local(&mut self, key: u128) -> u32 {
        let mask = (1 << self.bits) - 1;
        let mut slot = self.slot_of(key);
        loop {
            let local = self.locals[slot];
            if local == u32::MAX {
                break;
            }
            if self.keys[slot] == key {
                return local;
            }
            slot = (slot + 1) & mask;
        }
        let local = self.words.len() as u32;
        self.keys[slot] = key;
        self.locals[slot] = local;
        self.used.push(slot as u32);
        self.words.push(key);
        // Kept at most half full; a speech with many words gets a bigger table.
        if self.used.len() * 2 > self.keys.len() {
            self.grow();
        }
        local
    }

    fn grow(&mut self) {
        self.bits += 1;
        self.keys = vec![0; 1 << self.bits];
        self.locals = vec![u32::MAX; 1 << self.bits];
        self.used.clear();
        let mask = (1 << self.bits) - 1;
        for (local, &key) in self.words.iter().enumerate() {
            let mut slot = self.slot_of(key);
            while self.locals[slot] != u32::MAX {
                slot = (slot + 1) & mask;
            }
            self.keys[slot] = key;
            self.locals[slot] = local as u32;
            self.used.push(slot as u32);
        }
    }

    fn clear(&mut self) {
        for &slot in &self.used {
            self.locals[slot as usize] = u32::MAX;
        }
        self.used.clear();
        self.words.clear();
    }
}

/// Builds the postings of consecutive speeches. Parts built apart (say one per thread) are
/// put together with [`Builder::merge`].
pub struct Builder {
    docs: Vec<DocInfo>,
    /// Word ids: words of up to 8 and 16 bytes by their packed bytes, longer ones by text.
    short: PackedMap<u64>,
    medium: PackedMap<u128>,
    long: WordMap<u32>,
    /// Word of each id.
    words: Vec<Box<str>>,
    terms: Vec<TermBuf>,
    local: LocalWords,
    /// The speech being added: its words as local numbers, in order.
    sequence: Vec<u32>,
    /// Per local number: how many times, then where its positions go.
    counts: Vec<u32>,
    positions: Vec<u32>,
    /// Per local number: the archive-wide id.
    ids: Vec<u32>,
    /// One word's postings in one speech, being encoded.
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
            short: PackedMap::default(),
            medium: PackedMap::default(),
            long: WordMap::default(),
            words: Vec::new(),
            terms: Vec::new(),
            local: LocalWords::new(),
            sequence: Vec::new(),
            counts: Vec::new(),
            positions: Vec::new(),
            ids: Vec::new(),
            record: Vec::new(),
            scratch: String::new(),
        }
    }

    /// The archive-wide id of a packed word, given it if new.
    fn id_of_packed(&mut self, key: u128) -> u32 {
        let next = self.words.len() as u32;
        let id = if key >> 64 == 0 {
            *self.short.entry(key as u64).or_insert(next)
        } else {
            *self.medium.entry(key).or_insert(next)
        };
        if id == next {
            self.words.push(unpack(key));
            self.terms.push(TermBuf::default());
        }
        id
    }

    /// The archive-wide id of a word over 16 bytes, given it if new.
    fn id_of_long(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.long.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.long.insert(word.into(), id);
        self.words.push(word.into());
        self.terms.push(TermBuf::default());
        id
    }

    /// Adds the next speech; `text` is its canonical text. Sets `info.words`.
    pub fn add(&mut self, mut info: DocInfo, text: &str) {
        let doc = self.docs.len() as u32;
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut sequence = std::mem::take(&mut self.sequence);
        sequence.clear();
        self.local.clear();
        fold::scan_words(text, &mut scratch, |word, _, _| {
            let key = match &word {
                fold::Raw::Ascii(raw) => pack_ascii(raw),
                fold::Raw::Folded(folded) => pack(folded.bytes()),
            };
            let key = key.unwrap_or_else(|| {
                let long = match &word {
                    fold::Raw::Ascii(raw) => {
                        self.id_of_long(&String::from_utf8_lossy(raw).to_ascii_lowercase())
                    }
                    fold::Raw::Folded(folded) => self.id_of_long(folded),
                };
                LONG | u128::from(long)
            });
            sequence.push(self.local.local(key));
        });
        // Group the positions by word: count, then place (a counting sort).
        let distinct = self.local.words.len();
        self.counts.clear();
        self.counts.resize(distinct, 0);
        for &local in &sequence {
            self.counts[local as usize] += 1;
        }
        let mut start = 0;
        for c in &mut self.counts {
            let n = *c;
            *c = start;
            start += n;
        }
        self.positions.clear();
        self.positions.resize(sequence.len(), 0);
        for (position, &local) in sequence.iter().enumerate() {
            let at = &mut self.counts[local as usize];
            self.positions[*at as usize] = position as u32;
            *at += 1;
        }
        // The archive-wide ids first, then one pass that only reads each word's postings
        // buffer (its end): those reads do not wait on one another, so the processor fetches
        // them all at once, and the writes after find them in its cache.
        let mut ids = std::mem::take(&mut self.ids);
        ids.clear();
        for local in 0..distinct {
            let key = self.local.words[local];
            ids.push(if key & LONG == LONG {
                (key & u128::from(u32::MAX)) as u32
            } else {
                self.id_of_packed(key)
            });
        }
        let mut warm = 0u32;
        for &id in &ids {
            let term = &self.terms[id as usize];
            warm = warm.wrapping_add(u32::from(term.bytes.last().copied().unwrap_or(0)));
        }
        std::hint::black_box(warm);
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
            // Encoded where the cache is warm, then copied to the word's buffer at once.
            record.clear();
            let mut last = 0;
            for &p in positions {
                put_varint(&mut record, u64::from(p - last));
                last = p;
            }
            let mut head = [0u8; 15];
            let mut n = varint_into(&mut head, 0, u64::from(delta));
            n = varint_into(&mut head, n, positions.len() as u64);
            n = varint_into(&mut head, n, record.len() as u64);
            term.bytes.reserve(n + record.len());
            term.bytes.extend_from_slice(&head[..n]);
            term.bytes.extend_from_slice(&record);
            term.last_doc = doc;
            term.docs += 1;
        }
        info.words = sequence.len() as u32;
        self.ids = ids;
        self.record = record;
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
        let mut all: WordMap<Vec<(u32, u32)>> = WordMap::default();
        for (p, part) in parts.iter().enumerate() {
            for (id, word) in part.words.iter().enumerate() {
                all.entry(word.clone())
                    .or_default()
                    .push((p as u32, id as u32));
            }
        }
        let mut words: Vec<WordParts> = all.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
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
type WordParts = (Box<str>, Vec<(u32, u32)>);

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
