//! Metadata resolution: every source proposes values, the strongest wins.
//!
//! Precedence, strongest first: user edits (from the sidecar) > front matter > the archive
//! catalogue > cues in the text > the file name > guesses. A weaker source that contradicts
//! the winner is reported as a warning, never silently merged.

use crate::catalogue::CatalogueEntry;
use crate::date::PartialDate;
use crate::document::{Metadata, Provenance, Sourced, Warning, WarningKind};
pub use crate::language::guess_language;

/// Values proposed for each field, in any order.
#[derive(Clone, Debug, Default)]
pub struct Candidates {
    pub title: Vec<Sourced<String>>,
    pub date: Vec<Sourced<PartialDate>>,
    pub speakers: Vec<Sourced<Vec<String>>>,
    pub place: Vec<Sourced<String>>,
    pub source_url: Vec<Sourced<String>>,
    pub language: Vec<Sourced<String>>,
}

/// Values the researcher set by hand; they override every other source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    pub title: Option<String>,
    pub date: Option<PartialDate>,
    pub speakers: Option<Vec<String>>,
    pub place: Option<String>,
}

fn sourced<T>(value: T, provenance: Provenance) -> Sourced<T> {
    Sourced { value, provenance }
}

impl Candidates {
    pub fn add_title(&mut self, value: impl Into<String>, p: Provenance) {
        let value = value.into().trim().to_owned();
        if !value.is_empty() {
            self.title.push(sourced(value, p));
        }
    }

    pub fn add_date(&mut self, value: PartialDate, p: Provenance) {
        self.date.push(sourced(value, p));
    }

    pub fn add_speakers(&mut self, value: Vec<String>, p: Provenance) {
        let value: Vec<String> = value
            .into_iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        if !value.is_empty() {
            self.speakers.push(sourced(value, p));
        }
    }

    pub fn add_place(&mut self, value: impl Into<String>, p: Provenance) {
        let value = value.into().trim().to_owned();
        if !value.is_empty() {
            self.place.push(sourced(value, p));
        }
    }

    pub fn add_source_url(&mut self, value: impl Into<String>, p: Provenance) {
        let value = value.into().trim().to_owned();
        if !value.is_empty() {
            self.source_url.push(sourced(value, p));
        }
    }

    pub fn add_language(&mut self, value: impl Into<String>, p: Provenance) {
        let value = value.into().trim().to_lowercase();
        if !value.is_empty() {
            self.language.push(sourced(value, p));
        }
    }

    pub fn add_catalogue(&mut self, entry: &CatalogueEntry) {
        let p = Provenance::Catalogue;
        if let Some(title) = &entry.title {
            self.add_title(title.clone(), p);
        }
        if let Some(date) = entry.date {
            self.add_date(date, p);
        }
        self.add_speakers(entry.speakers.clone(), p);
        if let Some(place) = &entry.place {
            self.add_place(place.clone(), p);
        }
        if let Some(url) = &entry.source_url {
            self.add_source_url(url.clone(), p);
        }
        if let Some(language) = &entry.language {
            self.add_language(language.clone(), p);
        }
    }

    pub fn add_overrides(&mut self, overrides: &Overrides) {
        let p = Provenance::User;
        if let Some(title) = &overrides.title {
            self.add_title(title.clone(), p);
        }
        if let Some(date) = overrides.date {
            self.add_date(date, p);
        }
        if let Some(speakers) = &overrides.speakers {
            self.add_speakers(speakers.clone(), p);
        }
        if let Some(place) = &overrides.place {
            self.add_place(place.clone(), p);
        }
    }

    /// Picks the strongest value of every field; warns when a weaker date disagrees.
    pub fn resolve(self, warnings: &mut Vec<Warning>) -> Metadata {
        let date = strongest(self.date.clone());
        if let Some(winner) = &date {
            for other in &self.date {
                let agrees =
                    winner.value.contains(other.value) || other.value.contains(winner.value);
                if !agrees && other.provenance > winner.provenance {
                    warnings.push(Warning::new(
                        WarningKind::MetadataConflict,
                        format!(
                            "the {} says the date is {} but the {} says {}; using {}",
                            describe(other.provenance),
                            other.value,
                            describe(winner.provenance),
                            winner.value,
                            winner.value
                        ),
                    ));
                }
            }
        }
        Metadata {
            title: strongest(self.title),
            date,
            speakers: strongest(self.speakers),
            place: strongest(self.place),
            source_url: strongest(self.source_url),
            language: strongest(self.language),
        }
    }
}

/// The strongest candidate; among equals, the first proposed.
fn strongest<T>(candidates: Vec<Sourced<T>>) -> Option<Sourced<T>> {
    let mut best: Option<Sourced<T>> = None;
    for candidate in candidates {
        if best
            .as_ref()
            .is_none_or(|b| candidate.provenance < b.provenance)
        {
            best = Some(candidate);
        }
    }
    best
}

fn describe(p: Provenance) -> &'static str {
    match p {
        Provenance::User => "user",
        Provenance::FrontMatter => "front matter",
        Provenance::Catalogue => "catalogue",
        Provenance::InText => "text",
        Provenance::Filename => "file name",
        Provenance::Guessed => "guess",
    }
}

/// What a file name says: `1790-Washington-1.txt` → 1790, "Washington";
/// `2024-10-08-threat-update.md` → 2024-10-08, title "Threat update".
pub fn from_filename(relative_path: &str, candidates: &mut Candidates) {
    let name = relative_path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(relative_path);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let parts: Vec<&str> = stem
        .split(['-', '_', '.', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    let mut rest_from = 0;
    if let Some(year) = parts
        .first()
        .filter(|p| p.len() == 4)
        .and_then(|p| PartialDate::parse_iso(p))
    {
        let month = parts
            .get(1)
            .filter(|p| p.len() == 2)
            .and_then(|p| p.parse::<u8>().ok());
        let day = parts
            .get(2)
            .filter(|p| p.len() == 2)
            .and_then(|p| p.parse::<u8>().ok());
        let date = match (month, day) {
            (Some(m), Some(d)) => PartialDate::ymd(year.year, m, d).map(|date| (date, 3)),
            (Some(m), None) => PartialDate::year_month(year.year, m).map(|date| (date, 2)),
            _ => None,
        };
        let (date, used) = date.unwrap_or((year, 1));
        candidates.add_date(date, Provenance::Filename);
        rest_from = used;
    }
    let rest: Vec<&str> = parts.get(rest_from..).unwrap_or_default().to_vec();
    let rest: Vec<&str> = rest
        .into_iter()
        .filter(|p| !p.chars().all(|c| c.is_ascii_digit()))
        .collect();
    // `YEAR-Name-N`: one capitalised word after the date is a speaker's name.
    if rest_from > 0 && rest.len() == 1 && rest[0].chars().next().is_some_and(char::is_uppercase) {
        candidates.add_speakers(vec![rest[0].to_owned()], Provenance::Filename);
    } else if rest_from > 0 && rest.len() > 1 {
        let mut title = rest.join(" ");
        if let Some(first) = title.get(..1) {
            title = first.to_uppercase() + &title[1..];
        }
        candidates.add_title(title, Provenance::Filename);
    }
    if !stem.is_empty() {
        // The file's own name is the title of last resort.
        candidates.add_title(stem.to_owned(), Provenance::Guessed);
    }
}

/// "Remarks by the President at …" as a title gives a speaker: "the President".
pub fn speaker_from_title(title: &str) -> Option<String> {
    const LEADS: &[&str] = &[
        "remarks by ",
        "remarks of ",
        "address by ",
        "speech by ",
        "statement by ",
        "lecture by ",
    ];
    const STOPS: &[&str] = &[
        " at ", " on ", " in ", " to ", " before ", " for ", ",", ":", " —", " -",
    ];
    for lead in LEADS {
        // The leads are ASCII, so a match starts on a char boundary of `title` itself.
        let Some(pos) = find_ascii_case_insensitive(title, lead) else {
            continue;
        };
        let after = &title[pos + lead.len()..];
        let end = STOPS
            .iter()
            .filter_map(|stop| after.find(stop))
            .min()
            .unwrap_or(after.len());
        let speaker = after[..end].trim();
        if !speaker.is_empty() && speaker.split_whitespace().count() <= 8 {
            return Some(speaker.to_owned());
        }
    }
    None
}

/// Byte position of the ASCII `needle` in `haystack`, ignoring ASCII case.
fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// "Director General Ken `McCallum` gives latest threat update" gives a speaker:
/// "Ken `McCallum`". Titles and roles before the name are dropped.
pub fn speaker_from_headline(title: &str) -> Option<String> {
    const VERBS: &[&str] = &[
        " gives ",
        " delivers ",
        " makes ",
        " addresses ",
        " speaks ",
        " outlines ",
        " sets out ",
        " announces ",
    ];
    const ROLES: &[&str] = &[
        "Director",
        "General",
        "President",
        "Vice",
        "Prime",
        "Minister",
        "Foreign",
        "Home",
        "Secretary",
        "Chancellor",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "Dr",
        "Dr.",
        "Mr",
        "Mr.",
        "Mrs",
        "Mrs.",
        "Ms",
        "Ms.",
        "The",
        "Senator",
        "Governor",
        "Deputy",
        "Chief",
        "Executive",
        "Commissioner",
        "Chair",
        "Chairman",
        "Ambassador",
        "Mayor",
        "Queen",
        "King",
    ];
    let end = VERBS.iter().filter_map(|v| title.find(v)).min()?;
    let words: Vec<&str> = title[..end].split_whitespace().collect();
    let name_start = words.iter().position(|w| !ROLES.contains(w))?;
    let name = &words[name_start..];
    let looks_like_name = (2..=4).contains(&name.len())
        && name
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    looks_like_name.then(|| name.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_filename(path: &str) -> Metadata {
        let mut c = Candidates::default();
        from_filename(path, &mut c);
        c.resolve(&mut Vec::new())
    }

    #[test]
    fn filenames() {
        let m = resolve_filename("sotu/1790-Washington-1.txt");
        assert_eq!(m.date().unwrap().to_string(), "1790");
        assert_eq!(m.speakers(), ["Washington"]);
        assert_eq!(m.title(), Some("1790-Washington-1"));
        let m = resolve_filename("2024-10-08-threat-update.md");
        assert_eq!(m.date().unwrap().to_string(), "2024-10-08");
        assert_eq!(m.title(), Some("Threat update"));
        let m = resolve_filename("000_dd9ed34a99eb1f64.txt");
        assert_eq!(m.date(), None);
    }

    #[test]
    fn stronger_source_wins_and_conflicts_are_reported() {
        let mut c = Candidates::default();
        c.add_date(PartialDate::year(1791), Provenance::Filename);
        c.add_date(
            PartialDate::ymd(1790, 12, 8).unwrap(),
            Provenance::Catalogue,
        );
        let mut warnings = Vec::new();
        let m = c.resolve(&mut warnings);
        assert_eq!(m.date().unwrap().to_string(), "1790-12-08");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0]
                .message
                .contains("file name says the date is 1791"),
            "{}",
            warnings[0]
        );
    }

    #[test]
    fn headline_speaker() {
        assert_eq!(
            speaker_from_headline("Director General Ken McCallum gives latest threat update")
                .as_deref(),
            Some("Ken McCallum")
        );
        assert_eq!(speaker_from_headline("The economy gives way"), None);
    }

    #[test]
    fn remarks_by() {
        assert_eq!(
            speaker_from_title("Remarks by President Biden on the Economy").as_deref(),
            Some("President Biden")
        );
        assert_eq!(speaker_from_title("Annual Message"), None);
    }
}
