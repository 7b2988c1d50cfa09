//! Words as keys: a word of up to 16 bytes packed into one number, the table of slots that
//! numbers the words a [`super::build::Builder`] meets, and the hasher of maps keyed by word.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use xxhash_rust::xxh3::xxh3_64;

/// Hashes word keys with xxh3: several times faster than `SipHash` on short strings.
#[derive(Default)]
pub(super) struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxh3_64(bytes) ^ self.0.rotate_left(5);
    }
}

pub(super) type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// A folded word's bytes as one number, little-endian; words hold no NUL, so the zero
/// padding keeps them apart. `None` past 16 bytes.
pub(super) fn pack(bytes: impl ExactSizeIterator<Item = u8>) -> Option<u128> {
    (bytes.len() <= 16).then(|| {
        bytes
            .enumerate()
            .fold(0u128, |key, (i, b)| key | u128::from(b) << (8 * i))
    })
}

/// Per length up to 16: a mask of that many low bytes.
const MASKS: [u128; 17] = {
    let mut masks = [0; 17];
    let mut n = 1;
    while n <= 16 {
        masks[n] = u128::MAX >> (128 - 8 * n);
        n += 1;
    }
    masks
};

/// [`pack`] of `word`, ASCII letters and digits found in `text`, lowercased: setting bit 5 of
/// each byte lowercases a letter and leaves a digit as it is. The word is read in one load
/// of sixteen bytes and the bytes past it masked off, so its length costs no branch.
pub(super) fn pack_ascii(text: &[u8], word: &[u8]) -> Option<u128> {
    let n = word.len();
    if n > 16 || n == 0 {
        return None;
    }
    let mask = MASKS[n];
    let at = word.as_ptr() as usize - text.as_ptr() as usize;
    let bytes = match text.get(at..at + 16) {
        Some(sixteen) => u128::from_le_bytes(sixteen.try_into().unwrap_or_default()),
        // Near the end of the text: a byte at a time.
        None => word
            .iter()
            .rev()
            .fold(0u128, |key, &b| key << 8 | u128::from(b)),
    };
    Some((bytes | 0x2020_2020_2020_2020_2020_2020_2020_2020) & mask)
}

/// The word packed by [`pack`].
pub(super) fn unpack(key: u128) -> Box<str> {
    let bytes = key.to_le_bytes();
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(16);
    String::from_utf8_lossy(&bytes[..len]).into()
}

/// Marks a key that is a word's id (a word over 16 bytes) rather than its packed bytes.
/// Packed words never have this bit: their 16th byte would have to be 0xFF, which UTF-8
/// never holds.
pub(super) const LONG: u128 =
    1 << 127 | 1 << 126 | 1 << 125 | 1 << 124 | 1 << 123 | 1 << 122 | 1 << 121 | 1 << 120;

/// A word's place in [`Slots`]: its key and id, and where it was last met, in one read of
/// memory, so numbering a word met before touches nothing else.
#[derive(Clone, Copy, Default)]
#[repr(align(32))]
pub(super) struct Slot {
    /// 0 for a free slot: no word packs to 0.
    pub(super) key: u128,
    pub(super) id: u32,
    /// The speech being added when the word was last met (numbered from 1) and the word's
    /// number there.
    pub(super) stamp: u32,
    pub(super) local: u32,
}

/// Words by key, open-addressed and kept at most half full.
pub(super) struct Slots {
    pub(super) table: Vec<Slot>,
    pub(super) bits: u32,
    pub(super) len: usize,
}

impl Slots {
    pub(super) fn new() -> Self {
        let bits = 12;
        Self {
            table: vec![Slot::default(); 1 << bits],
            bits,
            len: 0,
        }
    }

    /// Empties the table, keeping its size.
    pub(super) fn clear(&mut self) {
        self.table.fill(Slot::default());
        self.len = 0;
    }

    pub(super) fn home(&self, key: u128) -> usize {
        let h = ((key as u64) ^ ((key >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .wrapping_mul(0xbf58_476d_1ce4_e5b9);
        (h >> (64 - self.bits)) as usize
    }

    /// Starts fetching the home slot of `key` into the processor's caches, without waiting
    /// for it: a word's slot is asked for as the word is read, and has arrived by the time
    /// [`super::build::Builder::number`] looks at it, a batch of words later.
    #[inline]
    pub(super) fn prefetch(&self, key: u128) {
        if let Some(slot) = self.table.get(self.home(key)) {
            prefetch(slot);
        }
    }

    /// The slot holding `key`, or the free slot where it goes.
    pub(super) fn find(&self, key: u128) -> Result<usize, usize> {
        let mask = (1 << self.bits) - 1;
        let mut at = self.home(key);
        loop {
            let slot = &self.table[at];
            if slot.key == key {
                return Ok(at);
            }
            if slot.key == 0 {
                return Err(at);
            }
            at = (at + 1) & mask;
        }
    }

    /// Puts `key` with `id` in the free slot `at`; returns where it is once the table has
    /// grown to make room.
    pub(super) fn insert(&mut self, at: usize, key: u128, id: u32) -> usize {
        self.table[at] = Slot {
            key,
            id,
            ..Slot::default()
        };
        self.len += 1;
        if self.len * 2 <= self.table.len() {
            return at;
        }
        self.bits += 1;
        let old = std::mem::replace(&mut self.table, vec![Slot::default(); 1 << self.bits]);
        for slot in old.into_iter().filter(|s| s.key != 0) {
            if let Err(to) = self.find(slot.key) {
                self.table[to] = slot;
            }
        }
        self.find(key).unwrap_or(at)
    }
}

/// The number of the word of `seen` within the speech `stamp`, given it (the next in `ids`,
/// with how many speeches back it was met before) if the speech had not met it yet.
#[inline]
pub(super) fn meet(seen: &mut Slot, stamp: u32, ids: &mut Vec<(u32, u32)>) -> u32 {
    if seen.stamp != stamp {
        // How many speeches back the word was last met; never, and the speech's own number
        // (the first speech's stamp is 1).
        let delta = if seen.stamp == 0 {
            stamp - 1
        } else {
            stamp - seen.stamp
        };
        seen.stamp = stamp;
        seen.local = ids.len() as u32;
        ids.push((seen.id, delta));
    }
    seen.local
}

/// Asks the processor to bring the cache line of `item` close, and goes on at once.
#[inline]
pub(super) fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    // SAFETY: a prefetch is a hint: it reads nothing into the program and cannot fault, and
    // the address comes from a reference anyway. (`_mm_prefetch` is SSE, which every
    // x86_64 processor has.)
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(item).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}
