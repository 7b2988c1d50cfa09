//! The encodings of a segment: LEB128 varints, strings, and bounds-checked reading of them;
//! position lists with a fast path for runs of one-byte deltas.

use super::{IndexError, corrupt};

pub(super) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Writes `v` as [`put_varint`] does at the start of `out`, which has room for it (ten bytes
/// hold any); returns how many bytes it took.
pub(super) fn put_varint_at(out: &mut [u8], mut v: u64) -> usize {
    let mut n = 0;
    while v >= 0x80 {
        out[n] = (v as u8) | 0x80;
        v >>= 7;
        n += 1;
    }
    out[n] = v as u8;
    n + 1
}

/// The first varint of `bytes` (written by this module) and the bytes after it.
pub(super) fn split_varint(bytes: &[u8]) -> (u64, &[u8]) {
    let mut cursor = Cursor { bytes, at: 0 };
    let v = cursor.varint().unwrap_or(0);
    (v, &bytes[cursor.at..])
}

pub(super) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Bounds-checked reading of the encoded bytes.
pub(super) struct Cursor<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn varint(&mut self) -> Result<u64, IndexError> {
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

    pub(super) fn u32(&mut self) -> Result<u32, IndexError> {
        u32::try_from(self.varint()?).map_err(|_| corrupt("a number is out of range"))
    }

    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], IndexError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| corrupt("a field runs past the end"))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    pub(super) fn str(&mut self) -> Result<&'a str, IndexError> {
        let n = usize::try_from(self.varint()?).map_err(|_| corrupt("a length is out of range"))?;
        std::str::from_utf8(self.take(n)?).map_err(|_| corrupt("a string is not UTF-8"))
    }

    pub(super) fn is_done(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

/// Appends `count` positions decoded from their deltas in `bytes`, or stops soon after one
/// past `limit` (the rest is not wanted); most deltas take one byte, so eight such bytes at a
/// time are taken first.
pub(super) fn decode_positions(
    bytes: &[u8],
    count: u32,
    limit: u32,
    out: &mut Vec<u32>,
) -> Result<(), IndexError> {
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
        if p > u64::from(limit) {
            return Ok(());
        }
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
        if p > u64::from(limit) && u32::try_from(p).is_ok() {
            return Ok(());
        }
    }
    if p > u64::from(u32::MAX) {
        return Err(corrupt("a position is out of range"));
    }
    if i != bytes.len() {
        return Err(corrupt("positions do not fill their bytes"));
    }
    Ok(())
}
