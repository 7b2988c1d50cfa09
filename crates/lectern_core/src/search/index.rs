//! A positional inverted index over folded words, in one file per segment.
//!
//! For every word, the speeches it occurs in and the word positions within each: enough to
//! answer words, prefixes and phrases without reading the speeches. The file is written in
//! one pass and read in pieces — its catalogue of speeches and its dictionary when opened,
//! then only the posting lists a query needs — so a query on a large archive reads a few
//! hundred kilobytes.
//!
//! Layout (integers are LEB128 varints unless noted):
//!
//! ```text
//! postings   per word, sorted by word: per speech with the word, in speech order:
//!            speech delta, count, byte length of the positions, position deltas
//! meta       speeches (path, size, modified, content hash, title, date, speakers, words),
//!            then words (text, byte length of its postings, speeches, checksum u32 LE)
//! footer     meta offset u64 LE, meta length u64 LE, meta checksum u64 LE, MAGIC
//! ```
//!
//! Every piece is checked as it is read (the meta block and each posting list carry an xxh3
//! checksum) and decoding is bounds-checked: a damaged file gives [`IndexError::Corrupt`],
//! never a wrong answer or a panic. Building takes documents in order, in parts that can be
//! built apart and merged ([`Builder::merge`]), so the caller may build them in parallel.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;

use xxhash_rust::xxh3::xxh3_64;

use super::fold;
use super::query::{Expr, Pattern, Word};

/// The last eight bytes of every segment file; the last byte is the format version.
pub const MAGIC: &[u8; 8] = b"LECTIDX\x01";
const FOOTER_LEN: u64 = 32;

/// What the index knows of one speech without reading it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocInfo {
    /// Relative to the archive root, `/`-separated.
    pub path: String,
    /// The source file's size and modification time (nanoseconds since 1970), to tell whether
    /// it changed without reading it; 0 when unknown.
    pub size: u64,
    pub modified: u64,
    /// [`crate::ContentHash`] of the canonical text the postings were built from.
    pub hash: u128,
    pub title: String,
    /// ISO 8601, partial allowed; empty when undated.
    pub date: String,
    pub speakers: Vec<String>,
    /// Number of folded words (for ranking).
    pub words: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("the search index is damaged: {0}")]
    Corrupt(String),
    #[error("cannot read the search index: {0}")]
    Io(#[from] std::io::Error),
    /// A regular expression: answered by reading the speeches, not the index.
    #[error("this query needs the speeches' text")]
    NeedsText,
}

fn corrupt(what: &str) -> IndexError {
    IndexError::Corrupt(what.to_owned())
}

/// Random access to a segment's bytes: a file, or bytes in memory.
pub trait Blob {
    fn len(&self) -> u64;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()>;

    /// `len` bytes from `offset`, in a new buffer (readers that can fill one without zeroing
    /// it first do so).
    fn read_vec(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        self.read_at(offset, &mut buf)?;
        Ok(buf)
    }
}

impl Blob for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let start = usize::try_from(offset).map_err(std::io::Error::other)?;
        let src = self
            .get(start..start + buf.len())
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::UnexpectedEof))?;
        buf.copy_from_slice(src);
        Ok(())
    }
}

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

/// Writes `v` (at most 32 bits) as a varint into `buf` at `at`; returns where it ends.
fn varint_into(buf: &mut [u8; 15], mut at: usize, mut v: u64) -> usize {
    while v >= 0x80 {
        buf[at] = (v as u8) | 0x80;
        v >>= 7;
        at += 1;
    }
    buf[at] = v as u8;
    at + 1
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The first varint of `bytes` (written by this module) and the bytes after it.
fn split_varint(bytes: &[u8]) -> (u64, &[u8]) {
    let mut cursor = Cursor { bytes, at: 0 };
    let v = cursor.varint().unwrap_or(0);
    (v, &bytes[cursor.at..])
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
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

/// Bounds-checked reading of the encoded bytes.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn varint(&mut self) -> Result<u64, IndexError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self
                .bytes
                .get(self.at)
                .ok_or_else(|| corrupt("a number runs past the end"))?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(corrupt("a number is too long"))
    }

    fn u32(&mut self) -> Result<u32, IndexError> {
        u32::try_from(self.varint()?).map_err(|_| corrupt("a number is out of range"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], IndexError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| corrupt("a field runs past the end"))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn str(&mut self) -> Result<&'a str, IndexError> {
        let n = usize::try_from(self.varint()?).map_err(|_| corrupt("a length is out of range"))?;
        std::str::from_utf8(self.take(n)?).map_err(|_| corrupt("a string is not UTF-8"))
    }

    fn is_done(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

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
    /// Mean words per speech, for ranking.
    mean_words: f32,
}

/// The hits of one speech: `(first word, number of words)` pairs, sorted.
#[derive(Clone, Debug, PartialEq)]
pub struct DocMatch {
    pub doc: u32,
    pub hits: Vec<(u32, u32)>,
    pub score: f32,
}

/// Per speech, its hits tagged with the pattern that found them.
type Matches = Vec<(u32, Vec<Hit>)>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    first: u32,
    len: u32,
    pattern: u32,
}

// Ranking is approximate by nature: counts beyond f32's 24 bits of precision do not matter.
#[allow(clippy::cast_precision_loss)]
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
        let mean_words = if docs.is_empty() {
            1.0
        } else {
            docs.iter().map(|d| f64::from(d.words)).sum::<f64>() as f32 / docs.len() as f32
        };
        Ok(Self {
            blob,
            docs,
            words,
            terms,
            mean_words: mean_words.max(1.0),
        })
    }

    /// Number of distinct words.
    pub fn word_count(&self) -> usize {
        self.terms.len()
    }

    fn word(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.terms[i - 1].end as usize
        };
        &self.words[start..self.terms[i].end as usize]
    }

    /// The dictionary entries `w` stands for: one word, or every word with the prefix.
    fn lookup(&self, w: &Word) -> std::ops::Range<usize> {
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
    fn postings(&self, i: usize) -> Result<TermList, IndexError> {
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

    /// The speeches matching `expr` among those `live` keeps, by speech, with their hits
    /// and a relevance score (BM25).
    pub fn search(
        &self,
        expr: &Expr,
        live: &dyn Fn(u32) -> bool,
    ) -> Result<Vec<DocMatch>, IndexError> {
        let mut patterns = Vec::new();
        let matches = self.eval(expr, live, &mut patterns)?;
        let n = self.docs.len() as f32;
        let idf: Vec<f32> = patterns
            .iter()
            .map(|&df| (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln())
            .collect();
        Ok(matches
            .into_iter()
            .filter(|(doc, _)| live(*doc))
            .map(|(doc, hits)| {
                let words = self.docs[doc as usize].words as f32;
                let norm = 1.2 * (0.25 + 0.75 * words / self.mean_words);
                let mut score = 0.0;
                let mut counts = vec![0u32; patterns.len()];
                for h in &hits {
                    counts[h.pattern as usize] += 1;
                }
                for (p, &tf) in counts.iter().enumerate() {
                    let tf = tf as f32;
                    score += idf[p] * tf * 2.2 / (tf + norm);
                }
                let mut spans: Vec<(u32, u32)> = hits.iter().map(|h| (h.first, h.len)).collect();
                spans.sort_unstable();
                spans.dedup();
                DocMatch {
                    doc,
                    hits: spans,
                    score,
                }
            })
            .collect())
    }

    /// `patterns` collects, per pattern met, how many speeches it was found in.
    fn eval(
        &self,
        expr: &Expr,
        live: &dyn Fn(u32) -> bool,
        patterns: &mut Vec<u32>,
    ) -> Result<Matches, IndexError> {
        match expr {
            Expr::Match(Pattern::Phrase(words)) => {
                let id = patterns.len() as u32;
                let found = self.phrase(words, id)?;
                patterns.push(found.len() as u32);
                Ok(found)
            }
            Expr::Match(Pattern::Regex(_)) => Err(IndexError::NeedsText),
            Expr::And(parts) => {
                let mut result: Option<Matches> = None;
                let mut excluded: Vec<Matches> = Vec::new();
                for part in parts {
                    if let Expr::Not(inner) = part {
                        excluded.push(self.eval(inner, live, &mut Vec::new())?);
                        continue;
                    }
                    let found = self.eval(part, live, patterns)?;
                    result = Some(match result {
                        None => found,
                        Some(acc) => intersect(acc, found),
                    });
                }
                let mut result = match result {
                    Some(r) => r,
                    None => self.universe(live),
                };
                for ex in excluded {
                    result = subtract(result, &ex);
                }
                Ok(result)
            }
            Expr::Or(parts) => {
                let mut result = Vec::new();
                for part in parts {
                    let found = self.eval(part, live, patterns)?;
                    result = union(result, found);
                }
                Ok(result)
            }
            Expr::Not(inner) => {
                let ex = self.eval(inner, live, &mut Vec::new())?;
                Ok(subtract(self.universe(live), &ex))
            }
        }
    }

    fn universe(&self, live: &dyn Fn(u32) -> bool) -> Matches {
        (0..self.docs.len() as u32)
            .filter(|&d| live(d))
            .map(|d| (d, Vec::new()))
            .collect()
    }

    /// Where the words occur in a row.
    fn phrase(&self, words: &[Word], pattern: u32) -> Result<Matches, IndexError> {
        let mut lists: Vec<Vec<TermList>> = Vec::with_capacity(words.len());
        for w in words {
            let range = self.lookup(w);
            if range.is_empty() {
                return Ok(Vec::new());
            }
            lists.push(range.map(|i| self.postings(i)).collect::<Result<_, _>>()?);
        }
        // Speeches holding every word, then the positions where they follow one another.
        let mut candidates: Option<Vec<u32>> = None;
        for word_lists in &lists {
            let mut docs: Vec<u32> = word_lists
                .iter()
                .flat_map(|l| l.docs.iter().copied())
                .collect();
            if word_lists.len() > 1 {
                docs.sort_unstable();
                docs.dedup();
            }
            candidates = Some(match candidates {
                None => docs,
                Some(c) => intersect_sorted(&c, &docs),
            });
        }
        let n = words.len() as u32;
        let mut out = Vec::new();
        let mut positions: Vec<Vec<u32>> = vec![Vec::new(); lists.len()];
        for doc in candidates.unwrap_or_default() {
            for (k, word_lists) in lists.iter().enumerate() {
                positions[k].clear();
                for list in word_lists {
                    list.positions(doc, &mut positions[k])?;
                }
                if word_lists.len() > 1 {
                    positions[k].sort_unstable();
                }
            }
            // The word with the fewest places here leads; the others are looked up.
            let lead = (0..positions.len())
                .min_by_key(|&k| positions[k].len())
                .unwrap_or(0);
            let lead_offset = lead as u32;
            let hits: Vec<Hit> = positions[lead]
                .iter()
                .filter_map(|&p| p.checked_sub(lead_offset))
                .filter(|&first| {
                    (0..positions.len()).all(|k| {
                        k == lead || positions[k].binary_search(&(first + k as u32)).is_ok()
                    })
                })
                .map(|first| Hit {
                    first,
                    len: n,
                    pattern,
                })
                .collect();
            if !hits.is_empty() {
                out.push((doc, hits));
            }
        }
        Ok(out)
    }
}

/// One word's posting list, read: its speeches and where each one's positions lie.
struct TermList {
    bytes: Vec<u8>,
    docs: Vec<u32>,
    /// Per speech: start and length of its positions in `bytes`, and their count.
    slices: Vec<(usize, usize, u32)>,
}

impl TermList {
    /// Appends the positions of the word in `doc`, if it occurs there.
    fn positions(&self, doc: u32, out: &mut Vec<u32>) -> Result<(), IndexError> {
        let Ok(i) = self.docs.binary_search(&doc) else {
            return Ok(());
        };
        let (start, len, count) = self.slices[i];
        decode_positions(&self.bytes[start..start + len], count, out)
    }
}

/// Appends `count` positions decoded from their deltas in `bytes`; most deltas take one
/// byte, so eight such bytes at a time are taken first.
fn decode_positions(bytes: &[u8], count: u32, out: &mut Vec<u32>) -> Result<(), IndexError> {
    let short = || corrupt("positions run past their end");
    let count = count as usize;
    if count > bytes.len() {
        return Err(short());
    }
    out.reserve(count);
    let mut i = 0;
    // Sums in 64 bits: no delta can wrap them; the last is checked against u32 at the end.
    let mut p = 0u64;
    let mut k = 0;
    while k + 8 <= count
        && let Some(chunk) = bytes.get(i..i + 8)
    {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0x80; 8]));
        // No byte with its high bit set (a longer delta), and none zero but a first position.
        let zero_byte = word.wrapping_sub(0x0101_0101_0101_0101) & !word & 0x8080_8080_8080_8080;
        let zero_allowed = if k == 0 { 0x80 } else { 0 };
        if word & 0x8080_8080_8080_8080 != 0 || zero_byte & !zero_allowed != 0 {
            break;
        }
        let mut eight = [0u32; 8];
        for (slot, b) in eight.iter_mut().zip(chunk) {
            p += u64::from(*b);
            *slot = p as u32;
        }
        out.extend_from_slice(&eight);
        i += 8;
        k += 8;
    }
    while k < count {
        let b = *bytes.get(i).ok_or_else(short)?;
        i += 1;
        let mut delta = u64::from(b & 0x7f);
        if b >= 0x80 {
            let mut shift = 7;
            loop {
                let b = *bytes.get(i).ok_or_else(short)?;
                i += 1;
                if shift > 28 {
                    return Err(corrupt("a position is out of range"));
                }
                delta |= u64::from(b & 0x7f) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
            }
        }
        if k > 0 && delta == 0 {
            return Err(corrupt("positions out of order"));
        }
        p += delta;
        out.push(p as u32);
        k += 1;
    }
    if p > u64::from(u32::MAX) {
        return Err(corrupt("a position is out of range"));
    }
    if i != bytes.len() {
        return Err(corrupt("positions do not fill their bytes"));
    }
    Ok(())
}

fn intersect_sorted(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

fn intersect(a: Matches, b: Matches) -> Matches {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let mut b = b.into_iter().peekable();
    for (doc, mut hits) in a {
        while b.next_if(|(d, _)| *d < doc).is_some() {}
        if let Some((_, more)) = b.next_if(|(d, _)| *d == doc) {
            hits.extend(more);
            out.push((doc, hits));
        }
    }
    out
}

fn union(a: Matches, b: Matches) -> Matches {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                let (doc, mut hits) = a.next().unwrap_or_default();
                hits.extend(b.next().unwrap_or_default().1);
                out.push((doc, hits));
            }
            (Some(x), Some(y)) if x.0 < y.0 => out.extend(a.next()),
            (Some(_) | None, Some(_)) => out.extend(b.next()),
            (Some(_), None) => out.extend(a.next()),
            (None, None) => break,
        }
    }
    out
}

fn subtract(a: Matches, b: &Matches) -> Matches {
    let mut j = 0;
    a.into_iter()
        .filter(|(doc, _)| {
            while j < b.len() && b[j].0 < *doc {
                j += 1;
            }
            !(j < b.len() && b[j].0 == *doc)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Query;

    fn segment(texts: &[&str], parts: usize) -> Segment<Vec<u8>> {
        let mut builders: Vec<Builder> = Vec::new();
        let per = texts.len().div_ceil(parts);
        for (i, chunk) in texts.chunks(per.max(1)).enumerate() {
            let mut b = Builder::new();
            for (k, t) in chunk.iter().enumerate() {
                let info = DocInfo {
                    path: format!("{}.txt", i * per + k),
                    ..DocInfo::default()
                };
                b.add(info, t);
            }
            builders.push(b);
        }
        let mut bytes = Vec::new();
        Builder::merge(&builders, &mut bytes).unwrap();
        Segment::open(bytes).unwrap()
    }

    fn found(seg: &Segment<Vec<u8>>, query: &str) -> Vec<(u32, Vec<(u32, u32)>)> {
        let q = Query::parse(query).unwrap();
        seg.search(q.expr.as_ref().unwrap(), &|_| true)
            .unwrap()
            .into_iter()
            .map(|m| (m.doc, m.hits))
            .collect()
    }

    const TEXTS: &[&str] = &[
        "National security is the first duty.",
        "The security of the nation; national pride.",
        "Nothing here at all.",
        "NATIONAL SECURITY, national security!",
    ];

    #[test]
    fn answers_words_phrases_prefixes_and_operators() {
        for parts in [1, 2, 4] {
            let seg = segment(TEXTS, parts);
            assert_eq!(seg.docs.len(), 4);
            assert_eq!(
                found(&seg, "\"national security\""),
                vec![(0, vec![(0, 2)]), (3, vec![(0, 2), (2, 2)])],
                "{parts} parts"
            );
            assert_eq!(
                found(&seg, "nation*"),
                vec![
                    (0, vec![(0, 1)]),
                    (1, vec![(4, 1), (5, 1)]),
                    (3, vec![(0, 1), (2, 1)])
                ]
            );
            assert_eq!(found(&seg, "security NOT pride").len(), 2);
            assert_eq!(found(&seg, "nothing OR duty").len(), 2);
            assert_eq!(found(&seg, "missing").len(), 0);
            assert_eq!(found(&seg, "security (NOT national)").len(), 0);
            assert_eq!(found(&seg, "here (pride OR NOT duty)").len(), 1);
        }
    }

    #[test]
    fn damage_is_detected_not_trusted() {
        let mut bytes = Vec::new();
        let mut b = Builder::new();
        for t in TEXTS {
            b.add(DocInfo::default(), t);
        }
        Builder::merge(&[b], &mut bytes).unwrap();
        let good = Segment::open(bytes.clone()).unwrap();
        let q = Query::parse("security").unwrap();
        assert_eq!(
            good.search(q.expr.as_ref().unwrap(), &|_| true)
                .unwrap()
                .len(),
            3
        );
        // Flipping any byte of the postings makes a query on them fail, not answer wrongly;
        // flipping any byte of the rest makes opening fail.
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x5a;
            match Segment::open(bad) {
                Err(_) => {}
                Ok(seg) => {
                    let every_word = (0..seg.word_count())
                        .map(|i| seg.word(i).to_owned())
                        .collect::<Vec<_>>()
                        .join(" OR ");
                    let q = Query::parse(&every_word).unwrap();
                    let r = seg.search(q.expr.as_ref().unwrap(), &|_| true);
                    assert!(r.is_err(), "byte {i} flipped went unnoticed");
                }
            }
        }
        for len in 0..bytes.len() {
            assert!(Segment::open(bytes[..len].to_vec()).is_err());
        }
    }
}
