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
    let end = (0..=SAMPLE_BYTES.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let sample = &text[..end];
    let (mut cjk, mut kana, mut hangul, mut cyrillic, mut letters) = (0, 0, 0, 0, 0);
    let ascii = sample.is_ascii();
    if ascii {
        letters = sample.bytes().filter(u8::is_ascii_alphabetic).count();
    }
    for c in if ascii { "" } else { sample }.chars() {
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
    let mut scores = [0usize; LANGUAGES.len()];
    let mut words = 0;
    let mut count = |word: &str| {
        words += 1;
        let languages = stopword_languages(word);
        for (bit, score) in scores.iter_mut().enumerate() {
            *score += usize::from(languages >> bit & 1);
        }
    };
    if ascii {
        // Words of ASCII letters, lower-cased on the stack: this runs for every file.
        let mut buffer = [0u8; 6];
        for word in sample
            .as_bytes()
            .split(|b| !b.is_ascii_alphabetic())
            .filter(|w| (1..=6).contains(&w.len()))
        {
            for (to, from) in buffer.iter_mut().zip(word) {
                *to = from.to_ascii_lowercase();
            }
            count(std::str::from_utf8(&buffer[..word.len()]).unwrap_or(""));
        }
    } else {
        for word in sample
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty() && w.len() <= 6)
        {
            count(&word.to_lowercase());
        }
    }
    let (best, score) = LANGUAGES
        .iter()
        .zip(scores)
        .map(|(lang, score)| (*lang, score))
        .max_by_key(|&(_, s)| s)?;
    (score * 20 >= words.max(1)).then_some(best)
}

/// The languages a guess can give, in the order of the bits of [`stopword_languages`].
const LANGUAGES: [&str; 7] = ["en", "fr", "de", "es", "it", "nl", "pt"];

/// Which languages count `word` (lower case) among their commonest words, as bits over
/// [`LANGUAGES`].
fn stopword_languages(word: &str) -> u8 {
    const EN: u8 = 1;
    const FR: u8 = 1 << 1;
    const DE: u8 = 1 << 2;
    const ES: u8 = 1 << 3;
    const IT: u8 = 1 << 4;
    const NL: u8 = 1 << 5;
    const PT: u8 = 1 << 6;
    match word {
        "the" | "and" | "of" | "to" | "is" | "that" | "we" | "our" | "in" => EN,
        "le" | "les" | "et" | "est" | "nous" | "une" | "du" | "des" => FR,
        "la" => FR | ES,
        "que" => FR | ES | PT,
        "der" | "die" | "und" | "das" | "ist" | "nicht" | "wir" | "ein" | "zu" | "den" => DE,
        "el" | "los" | "y" | "es" | "las" | "por" | "del" => ES,
        "en" => ES | NL,
        "il" | "di" | "che" | "non" | "per" | "sono" | "della" | "gli" => IT,
        "una" => IT | PT,
        "de" | "het" | "een" | "van" | "dat" | "niet" | "wij" | "zijn" => NL,
        "o" | "os" | "não" | "para" | "com" | "dos" | "nós" => PT,
        _ => 0,
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
    }
}
