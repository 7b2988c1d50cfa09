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
//! built apart, each finished ([`Builder::finish`]) and merged ([`Part::merge`]), so the caller
//! may build them in parallel.

mod answer;
mod build;
mod codec;
mod keys;
mod part;
mod read;

pub use answer::{DocMatch, Found, Stats};
pub use build::Builder;
pub use part::Part;
pub use read::Segment;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Query;

    fn segment(texts: &[&str], parts: usize) -> Segment<Vec<u8>> {
        let mut builders: Vec<Part> = Vec::new();
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
            builders.push(b.finish());
        }
        let mut bytes = Vec::new();
        Part::merge(&builders, &mut bytes).unwrap();
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

    /// Words of every length around the packed sizes (8, 16, 17 bytes), in any case, at the
    /// very end of a text, and more of them than the builder's first table holds: each is in
    /// the dictionary as folded, found where it is and nowhere else.
    #[test]
    fn every_word_is_kept_whole_and_found_where_it_is() {
        let letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        let word = |n: usize| -> String {
            let len = 1 + n % 20;
            (0..len)
                .map(|k| letters.as_bytes()[(n * 7 + k * 13) % letters.len()] as char)
                .collect::<String>()
                + &format!("{n}")
        };
        let texts: Vec<String> = (0..4)
            .map(|t| {
                (0..1500)
                    .map(|k| {
                        let w = word((t * 1100 + k) % 5000);
                        if k % 3 == 0 { w.to_uppercase() } else { w }
                    })
                    .collect::<Vec<_>>()
                    .join(if t % 2 == 0 { " " } else { ", " })
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        for parts in [1, 3] {
            let seg = segment(&refs, parts);
            let mut expected: std::collections::BTreeMap<String, Vec<(u32, u32)>> =
                std::collections::BTreeMap::new();
            for (d, text) in refs.iter().enumerate() {
                for (p, w) in crate::search::fold::words(text).into_iter().enumerate() {
                    expected.entry(w).or_default().push((d as u32, p as u32));
                }
            }
            let dictionary: Vec<String> = (0..seg.word_count())
                .map(|i| seg.word(i).to_owned())
                .collect();
            assert_eq!(
                dictionary,
                expected.keys().cloned().collect::<Vec<_>>(),
                "{parts} parts"
            );
            for (w, places) in &expected {
                let got: Vec<(u32, u32)> = found(&seg, w)
                    .into_iter()
                    .flat_map(|(d, hits)| hits.into_iter().map(move |(p, _)| (d, p)))
                    .collect();
                assert_eq!(&got, places, "{w}");
            }
        }
    }

    /// A word met once to four times in a speech, its places close together or far apart,
    /// first met many speeches in: records of every size the builder writes read back whole.
    #[test]
    fn records_of_every_size_read_back() {
        let mut expected = Vec::new();
        let texts: Vec<String> = (0..150u32)
            .map(|d| {
                let mut words = vec!["filler"; 8];
                if d >= 130 {
                    let gap = [1, 150, 17_000][d as usize % 3];
                    let places: Vec<u32> = (0..=d % 4).map(|k| 5 + k * gap).collect();
                    words.resize(*places.last().unwrap_or(&0) as usize + 3, "filler");
                    for &p in &places {
                        words[p as usize] = "needle";
                    }
                    expected.push((d, places.into_iter().map(|p| (p, 1)).collect::<Vec<_>>()));
                }
                words.join(" ")
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        for parts in [1, 2] {
            assert_eq!(
                found(&segment(&refs, parts), "needle"),
                expected,
                "{parts} parts"
            );
        }
    }

    /// A builder finishing part after part in kept memory (its slot table, its buckets, a
    /// merged part's postings holding other bytes) writes what fresh builders write.
    #[test]
    fn a_builder_reused_part_after_part_writes_what_fresh_ones_do() {
        let parts: [&[&str]; 3] = [
            &[
                "National security first.",
                "Incomprehensibilities of security.",
            ],
            &["Liberty and union, now and forever.", "Security? Union."],
            &["Internationalisation everywhere; liberty."],
        ];
        let add = |b: &mut Builder, p: usize, texts: &[&str]| {
            for (k, t) in texts.iter().enumerate() {
                let info = DocInfo {
                    path: format!("{p}-{k}.txt"),
                    ..DocInfo::default()
                };
                b.add(info, t);
            }
        };
        let mut fresh = Vec::new();
        for (p, texts) in parts.iter().enumerate() {
            let mut b = Builder::new();
            add(&mut b, p, texts);
            fresh.push(b.finish());
        }
        let mut expected = Vec::new();
        Part::merge(&fresh, &mut expected).unwrap();

        let mut b = Builder::new();
        let mut reused = Vec::new();
        let mut spare = vec![0xAA; 4096];
        for (p, texts) in parts.iter().enumerate() {
            add(&mut b, p, texts);
            reused.push(b.finish_reusing(std::mem::take(&mut spare)));
        }
        let mut written = Vec::new();
        Part::merge(&reused, &mut written).unwrap();
        assert_eq!(written, expected);
        // And once more, in the memory of the parts just merged.
        let mut spares: Vec<Vec<u8>> = reused.into_iter().map(Part::into_postings).collect();
        let mut again = Vec::new();
        for (p, texts) in parts.iter().enumerate() {
            add(&mut b, p, texts);
            again.push(b.finish_reusing(spares.pop().unwrap_or_default()));
        }
        let mut written = Vec::new();
        Part::merge(&again, &mut written).unwrap();
        assert_eq!(written, expected);
    }

    /// Split into segments, the speeches score as they do in one: the figures BM25 weighs by
    /// are summed over the segments.
    #[test]
    fn segments_score_as_one() {
        let texts = [
            "National security is the first duty of the nation.",
            "The security of the nation; national pride and national security.",
            "Nothing here at all, nothing.",
            "NATIONAL SECURITY, national security! Security first.",
            "A long speech about the economy, the budget, and the security of jobs at home.",
        ];
        let whole = segment(&texts, 1);
        let (a, b) = (segment(&texts[..2], 1), segment(&texts[2..], 1));
        for query in [
            "security",
            "\"national security\"",
            "nation* OR economy",
            "nothing",
        ] {
            let q = Query::parse(query).unwrap();
            let expr = q.expr.as_ref().unwrap();
            let expected: Vec<(u32, f32)> = whole
                .search(expr, &|_| true)
                .unwrap()
                .into_iter()
                .map(|m| (m.doc, m.score))
                .collect();
            let found = [
                a.evaluate(expr, &|_| true).unwrap(),
                b.evaluate(expr, &|_| true).unwrap(),
            ];
            let stats = Stats::of(&[&a, &b], &[&found[0], &found[1]]);
            let [fa, fb] = found;
            let got: Vec<(u32, f32)> = a
                .score(fa, &stats)
                .into_iter()
                .map(|m| (m.doc, m.score))
                .chain(
                    b.score(fb, &stats)
                        .into_iter()
                        .map(|m| (m.doc + 2, m.score)),
                )
                .collect();
            assert_eq!(got.len(), expected.len(), "{query}");
            for ((d1, s1), (d2, s2)) in got.iter().zip(&expected) {
                assert_eq!(d1, d2, "{query}");
                assert!((s1 - s2).abs() < 1e-5, "{query}: {s1} against {s2}");
            }
            assert!(expected.iter().all(|&(_, s)| s > 0.0), "{query}");
        }
    }

    /// Read up to a limit, a word's positions are those of the whole list as far as the
    /// limit at least, in order, and never others.
    #[test]
    fn positions_read_up_to_a_limit_hold_every_one_up_to_it() {
        // Deltas of one byte and of several, so both ways of reading are taken.
        let positions: Vec<u32> = (0..300u32).map(|i| i * i / 7 + i).collect();
        let mut bytes = Vec::new();
        let mut last = 0;
        for &p in &positions {
            codec::put_varint(&mut bytes, u64::from(p - last));
            last = p;
        }
        for limit in [0, 1, 5, 8, 100, 1000, 12_000, positions[299], u32::MAX] {
            let mut out = Vec::new();
            codec::decode_positions(&bytes, 300, limit, &mut out).unwrap();
            let wanted = positions.iter().filter(|&&p| p <= limit).count();
            assert!(out.len() >= wanted, "{limit}");
            assert_eq!(out, positions[..out.len()], "{limit}");
        }
    }

    #[test]
    fn varints_written_in_place_match_those_pushed() {
        for v in [
            0u64,
            1,
            127,
            128,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            1 << 28,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut pushed = Vec::new();
            codec::put_varint(&mut pushed, v);
            let mut in_place = [0u8; 10];
            let n = codec::put_varint_at(&mut in_place, v);
            assert_eq!(in_place[..n], pushed, "{v}");
        }
    }

    #[test]
    fn damage_is_detected_not_trusted() {
        let mut bytes = Vec::new();
        let mut b = Builder::new();
        for t in TEXTS {
            b.add(DocInfo::default(), t);
        }
        Part::merge(&[b.finish()], &mut bytes).unwrap();
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
