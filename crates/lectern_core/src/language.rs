//! Guessing the language of a text nobody named a language for.
//!
//! The importer asks for a guess only when neither the file nor the catalogue names the
//! language, and records it as a guess, the weakest kind of metadata. The guess reads only
//! the start of the text (it runs for every imported file): the script settles Chinese,
//! Japanese, Korean and Russian, and for other alphabets the commonest short words of seven
//! European languages vote. No answer is better than a wrong one, so a sample too short or
//! without a clear winner gives none. It is reached as [`crate::metadata::guess_language`].

/// A guess at the language of `text` from its commonest short words and its script.
pub fn guess_language(text: &str) -> Option<&'static str> {
    // A couple of paragraphs are plenty; this runs for every imported file.
    const SAMPLE_BYTES: usize = 400;
    let sample = &text[..text.floor_char_boundary(SAMPLE_BYTES)];
    let mut scores = [0usize; LANGUAGES.len()];
    let mut words = 0;
    let mut vote = |key: u64| {
        words += 1;
        let languages = stopword_languages(key);
        if languages != 0 {
            for (bit, score) in scores.iter_mut().enumerate() {
                *score += usize::from(languages >> bit & 1);
            }
        }
    };
    if sample.is_ascii() {
        // One pass over the bytes: letters counted, and each word of up to six letters
        // lower-cased into a number as it is read.
        let (mut letters, mut key, mut len) = (0, 0u64, 0);
        for &b in sample.as_bytes() {
            let lower = b | 0x20;
            if lower.is_ascii_lowercase() {
                letters += 1;
                key |= u64::from(lower) << (8 * (len & 7));
                len += 1;
            } else if len > 0 {
                if len <= 6 {
                    vote(key);
                }
                (key, len) = (0, 0);
            }
        }
        if (1..=6).contains(&len) {
            vote(key);
        }
        if letters < 20 {
            return None;
        }
    } else {
        let (mut cjk, mut kana, mut hangul, mut cyrillic, mut letters) = (0, 0, 0, 0, 0);
        for c in sample.chars() {
            match c {
                '\u{3040}'..='\u{30ff}' => kana += 1,
                '\u{4e00}'..='\u{9fff}' => cjk += 1,
                '\u{ac00}'..='\u{d7af}' => hangul += 1,
                '\u{0400}'..='\u{04ff}' => cyrillic += 1,
                c if c.is_alphabetic() => letters += 1,
                _ => {}
            }
        }
        let total = cjk + kana + hangul + cyrillic + letters;
        if total < 20 {
            return None;
        }
        if kana * 10 > total {
            return Some("ja");
        }
        if hangul * 3 > total {
            return Some("ko");
        }
        if cjk * 3 > total {
            return Some("zh");
        }
        if cyrillic * 2 > total {
            return Some("ru");
        }
        for word in sample
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty() && w.len() <= 6)
        {
            vote(word_key(&word.to_lowercase()).unwrap_or(0));
        }
    }
    let (best, score) = LANGUAGES
        .iter()
        .zip(scores)
        .map(|(lang, score)| (*lang, score))
        .max_by_key(|&(_, s)| s)?;
    (score * 20 >= words.max(1)).then_some(best)
}

/// The languages a guess can give, in the order of the bits of [`STOPWORDS`].
const LANGUAGES: [&str; 7] = ["en", "fr", "de", "es", "it", "nl", "pt"];

const EN: u8 = 1;
const FR: u8 = 1 << 1;
const DE: u8 = 1 << 2;
const ES: u8 = 1 << 3;
const IT: u8 = 1 << 4;
const NL: u8 = 1 << 5;
const PT: u8 = 1 << 6;

/// The commonest words of each language (lower case), and which languages count them, as
/// bits over [`LANGUAGES`].
#[rustfmt::skip]
const STOPWORDS: &[(&str, u8)] = &[
    ("the", EN), ("and", EN), ("of", EN), ("to", EN), ("is", EN), ("that", EN), ("we", EN),
    ("our", EN), ("in", EN),
    ("le", FR), ("les", FR), ("et", FR), ("est", FR), ("nous", FR), ("une", FR), ("du", FR),
    ("des", FR), ("la", FR | ES), ("que", FR | ES | PT),
    ("der", DE), ("die", DE), ("und", DE), ("das", DE), ("ist", DE), ("nicht", DE),
    ("wir", DE), ("ein", DE), ("zu", DE), ("den", DE),
    ("el", ES), ("los", ES), ("y", ES), ("es", ES), ("las", ES), ("por", ES), ("del", ES),
    ("en", ES | NL),
    ("il", IT), ("di", IT), ("che", IT), ("non", IT), ("per", IT), ("sono", IT),
    ("della", IT), ("gli", IT), ("una", IT | PT),
    ("de", NL), ("het", NL), ("een", NL), ("van", NL), ("dat", NL), ("niet", NL),
    ("wij", NL), ("zijn", NL),
    ("o", PT), ("os", PT), ("não", PT), ("para", PT), ("com", PT), ("dos", PT), ("nós", PT),
];

/// A word of up to eight bytes as one number, little-endian (no word holds a NUL, so the
/// zero padding keeps them apart); `None` when longer.
const fn word_key(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    if bytes.len() > 8 {
        return None;
    }
    let mut key = 0u64;
    let mut i = 0;
    while i < bytes.len() {
        key |= (bytes[i] as u64) << (8 * i);
        i += 1;
    }
    Some(key)
}

/// Slots of [`STOPWORD_TABLE`]: a power of two, at most a quarter full.
const TABLE_BITS: u32 = 8;

const fn slot_of(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - TABLE_BITS)) as usize
}

/// [`STOPWORDS`] by key, open-addressed, built while compiling: a word is looked up with a
/// multiplication and a comparison or two.
static STOPWORD_TABLE: [(u64, u8); 1 << TABLE_BITS] = {
    let mut table = [(0u64, 0u8); 1 << TABLE_BITS];
    let mut i = 0;
    while i < STOPWORDS.len() {
        let (word, languages) = STOPWORDS[i];
        let Some(key) = word_key(word) else {
            panic!("stop words are at most eight bytes")
        };
        let mut at = slot_of(key);
        while table[at].0 != 0 {
            at = (at + 1) % (1 << TABLE_BITS);
        }
        table[at] = (key, languages);
        i += 1;
    }
    table
};

/// Which languages count the word packed by [`word_key`] among their commonest words.
fn stopword_languages(key: u64) -> u8 {
    let mut at = slot_of(key);
    loop {
        match STOPWORD_TABLE[at] {
            (0, _) => return 0,
            (k, languages) if k == key => return languages,
            _ => at = (at + 1) % STOPWORD_TABLE.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(
            guess_language(
                "We hold these truths to be self-evident, that all men are created equal and that they are endowed"
            ),
            Some("en")
        );
        assert_eq!(
            guess_language(
                "Nous sommes en guerre. Le pays est attaqué et la nation doit répondre avec les moyens que nous avons"
            ),
            Some("fr")
        );
        assert_eq!(
            guess_language("我们的国家正在经历深刻的变化，人民的生活水平不断提高，经济持续发展。"),
            Some("zh")
        );
        assert_eq!(
            guess_language(
                "Wir haben das Land nicht verlassen, und die Menschen sind zu Hause geblieben, das ist gut"
            ),
            Some("de")
        );
        assert_eq!(
            guess_language(
                "Não podemos esquecer que o povo e os trabalhadores são para nós a razão da nossa luta com"
            ),
            Some("pt")
        );
        assert_eq!(
            guess_language("1790 1791 1792 1793 1794 1795 1796 1797 1798"),
            None
        );
    }

    #[test]
    fn every_stop_word_is_found_and_no_other() {
        for &(word, languages) in STOPWORDS {
            let key = word_key(word).unwrap();
            assert_eq!(stopword_languages(key), languages, "{word}");
        }
        for word in ["thee", "an", "a", "z", "nao", "ns", "dellas"] {
            assert_eq!(stopword_languages(word_key(word).unwrap()), 0, "{word}");
        }
    }
}
