//! Partial calendar dates: a year, a year and month, or a full day.
//!
//! Speeches are dated as precisely as their sources allow: a catalogue may know the day, a
//! file name only the year. Historical dates (1790) are ordinary values. Dates are proleptic
//! Gregorian and carry no time zone: a speech happens on a calendar day, not an instant.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date known to the year, the month, or the day. Ordered chronologically, with a less
/// precise date sorting before the more precise dates it contains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    /// Only ever set together with `month`.
    pub day: Option<u8>,
}

impl PartialDate {
    pub fn year(year: i32) -> Self {
        Self {
            year,
            month: None,
            day: None,
        }
    }

    /// A year and month, or `None` when the month is out of range.
    pub fn year_month(year: i32, month: u8) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self {
            year,
            month: Some(month),
            day: None,
        })
    }

    /// A full date, or `None` when it does not exist in the calendar.
    pub fn ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Self {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    /// Parses ISO 8601 calendar forms: `1790`, `1790-01`, `1790-01-08`, and a full date
    /// followed by a time (`2024-10-08T10:00:00Z`, whose time is ignored).
    pub fn parse_iso(s: &str) -> Option<Self> {
        let s = s.trim();
        let date_part = s.split(['T', ' ']).next().unwrap_or(s);
        let mut parts = date_part.split('-');
        let year = parse_year(parts.next()?)?;
        let Some(month) = parts.next() else {
            return Some(Self::year(year));
        };
        let month = parse_small(month, 2)?;
        let Some(day) = parts.next() else {
            return Self::year_month(year, month);
        };
        let day = parse_small(day, 2)?;
        if parts.next().is_some() {
            return None;
        }
        Self::ymd(year, month, day)
    }

    /// How precise the date is, for provenance comparisons: 1 year, 2 month, 3 day.
    pub fn precision(self) -> u8 {
        1 + u8::from(self.month.is_some()) + u8::from(self.day.is_some())
    }

    /// Whether `other` falls within this date (a year contains its days).
    pub fn contains(self, other: Self) -> bool {
        self.year == other.year
            && self.month.is_none_or(|m| other.month == Some(m))
            && self.day.is_none_or(|d| other.day == Some(d))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if (0..=9999).contains(&self.year) {
            write!(f, "{:04}", self.year)?;
        } else {
            write!(f, "{}", self.year)?;
        }
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
            if let Some(day) = self.day {
                write!(f, "-{day:02}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = InvalidDate;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_iso(s).ok_or_else(|| InvalidDate(s.to_owned()))
    }
}

/// A string that is not an ISO 8601 (partial) calendar date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a date (expected YYYY, YYYY-MM or YYYY-MM-DD): {0:?}")]
pub struct InvalidDate(pub String);

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn parse_year(s: &str) -> Option<i32> {
    let digits = s.len();
    if !(3..=4).contains(&digits) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_small(s: &str, max_digits: usize) -> Option<u8> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Month number for an English, French, German or Spanish month name or common
/// abbreviation (`Jan`, `Sept.`, `octobre`, `März`), case-insensitive.
pub fn month_from_name(word: &str) -> Option<u8> {
    let word = word.trim_end_matches('.').to_lowercase();
    let month = match word.as_str() {
        "january" | "jan" | "janvier" | "janv" | "januar" | "enero" | "ene" => 1,
        "february" | "feb" | "février" | "fevrier" | "févr" | "fevr" | "februar" | "febrero" => 2,
        "march" | "mar" | "mars" | "märz" | "marz" | "marzo" => 3,
        "april" | "apr" | "avril" | "avr" | "abril" | "abr" => 4,
        "may" | "mai" | "mayo" => 5,
        "june" | "jun" | "juin" | "juni" | "junio" => 6,
        "july" | "jul" | "juillet" | "juil" | "juli" | "julio" => 7,
        "august" | "aug" | "août" | "aout" | "agosto" | "ago" => 8,
        "september" | "sep" | "sept" | "septembre" | "septiembre" => 9,
        "october" | "oct" | "octobre" | "oktober" | "okt" | "octubre" => 10,
        "november" | "nov" | "novembre" | "noviembre" => 11,
        "december" | "dec" | "décembre" | "decembre" | "déc" | "dezember" | "dez" | "diciembre"
        | "dic" => 12,
        _ => return None,
    };
    Some(month)
}

/// Finds the first date written out in prose in `text`: `January 22, 2014`, `22 January 2014`,
/// `08 Oct 2024`, `le 8 octobre 2024`, `8. Oktober 2024`, `2024年10月8日`, or ISO `2024-10-08`.
/// Returns the date and the byte range it was found at.
pub fn find_date_in_text(text: &str) -> Option<(PartialDate, std::ops::Range<usize>)> {
    // Every form below has a year of three or four ASCII digits: most text has none, and
    // is passed over without splitting it into words.
    if text.bytes().filter(u8::is_ascii_digit).count() < 3 {
        return None;
    }
    let words = word_spans(text);
    for (i, &(start, end)) in words.iter().enumerate() {
        let word = &text[start..end];
        // ISO form.
        if let Some(head) = word.get(..10)
            && let Some(date) = PartialDate::parse_iso(head)
            && date.day.is_some()
        {
            return Some((date, start..start + 10));
        }
        // Month first: "January 22, 2014".
        if let Some(month) = month_from_name(word)
            && let (Some(&(ds, de)), Some(&(ys, ye))) = (words.get(i + 1), words.get(i + 2))
            && let Some(day) = parse_small(text[ds..de].trim_end_matches([',', '.']), 2)
            && let Some(year) = parse_year(text[ys..ye].trim_end_matches([',', '.']))
            && let Some(date) = PartialDate::ymd(year, month, day)
        {
            return Some((date, start..ye));
        }
        // Day first: "22 January 2014", "8. Oktober 2024", "1er mai 1968".
        let day_word = word.trim_end_matches('.').trim_end_matches("er");
        if let Some(day) = parse_small(day_word, 2)
            && let (Some(&(ms, me)), Some(&(ys, ye))) = (words.get(i + 1), words.get(i + 2))
            && let Some(month) = month_from_name(&text[ms..me])
            && let Some(year) = parse_year(text[ys..ye].trim_end_matches([',', '.']))
            && let Some(date) = PartialDate::ymd(year, month, day)
        {
            return Some((date, start..ye));
        }
        if let Some(found) = parse_cjk_date(text, start, end) {
            return Some(found);
        }
    }
    None
}

/// A line that is only a date, perhaps with a place: "December 8, 1863",
/// "Paris, le 8 octobre 2024". Such a dateline is metadata, not speech.
pub fn dateline(line: &str) -> Option<PartialDate> {
    if line.len() > 80 || line.split_whitespace().nth(7).is_some() {
        return None;
    }
    let (date, range) = find_date_in_text(line)?;
    let rest = format!("{} {}", &line[..range.start], &line[range.end..]);
    let rest_words = rest
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    let sentence = rest.trim_end().ends_with(['.', '!', '?']) && rest_words > 0;
    (rest_words <= 3 && !sentence).then_some(date)
}

/// `2024年10月8日` within the word at `start..end`.
fn parse_cjk_date(
    text: &str,
    start: usize,
    end: usize,
) -> Option<(PartialDate, std::ops::Range<usize>)> {
    let word = &text[start..end];
    let year_end = word.find('年')?;
    let year_start = word[..year_end]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i)?;
    let year = parse_year(&word[year_start..year_end])?;
    let rest = &word[year_end + '年'.len_utf8()..];
    let month_end = rest.find('月')?;
    let month = parse_small(&rest[..month_end], 2)?;
    let rest2 = &rest[month_end + '月'.len_utf8()..];
    let day_end = rest2.find('日')?;
    let day = parse_small(&rest2[..day_end], 2)?;
    let date = PartialDate::ymd(year, month, day)?;
    let consumed =
        year_end + '年'.len_utf8() + month_end + '月'.len_utf8() + day_end + '日'.len_utf8();
    Some((date, start + year_start..start + consumed))
}

/// Byte ranges of whitespace-separated words, with surrounding brackets trimmed.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
        .into_iter()
        .filter_map(|(s, e)| {
            let word = &text[s..e];
            let trimmed_start = word.len() - word.trim_start_matches(['(', '[', '"', '“']).len();
            let trimmed = word
                .trim_start_matches(['(', '[', '"', '“'])
                .trim_end_matches([')', ']', '"', '”', ';', ':']);
            (!trimmed.is_empty()).then(|| (s + trimmed_start, s + trimmed_start + trimmed.len()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_text(text: &str, expect: Option<&str>) {
        let found = find_date_in_text(text).map(|(d, _)| d.to_string());
        assert_eq!(found.as_deref(), expect, "in {text:?}");
    }

    #[test]
    fn iso_forms() {
        assert_eq!(PartialDate::parse_iso("1790").unwrap().to_string(), "1790");
        assert_eq!(
            PartialDate::parse_iso("1790-01").unwrap().to_string(),
            "1790-01"
        );
        assert_eq!(
            PartialDate::parse_iso("1790-01-08").unwrap().to_string(),
            "1790-01-08"
        );
        assert_eq!(
            PartialDate::parse_iso("2024-10-08T09:30:00Z")
                .unwrap()
                .to_string(),
            "2024-10-08"
        );
        assert_eq!(PartialDate::parse_iso("2023-02-29"), None);
        assert_eq!(
            PartialDate::parse_iso("2024-02-29").unwrap().to_string(),
            "2024-02-29"
        );
        assert_eq!(PartialDate::parse_iso("1790-13"), None);
        assert_eq!(PartialDate::parse_iso("17900"), None);
        assert_eq!(PartialDate::parse_iso(""), None);
    }

    #[test]
    fn datelines() {
        assert_eq!(
            dateline("December 8, 1863")
                .map(|d| d.to_string())
                .as_deref(),
            Some("1863-12-08")
        );
        assert_eq!(
            dateline("Paris, le 8 octobre 2024")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2024-10-08")
        );
        assert_eq!(dateline("On December 8, 1863 we met and talked."), None);
        assert_eq!(dateline("Fellow citizens"), None);
    }

    #[test]
    fn ordering_puts_coarse_dates_first() {
        let year = PartialDate::year(1790);
        let day = PartialDate::ymd(1790, 1, 8).unwrap();
        assert!(year < day);
        assert!(year.contains(day));
        assert!(!day.contains(year));
    }

    #[test]
    fn dates_in_prose() {
        check_text("Published date: 08 Oct 2024", Some("2024-10-08"));
        check_text(
            "WASHINGTON, January 22, 2014 — The President",
            Some("2014-01-22"),
        );
        check_text("Delivered 22 January 2014.", Some("2014-01-22"));
        check_text("Paris, le 8 octobre 2024", Some("2024-10-08"));
        check_text("Berlin, 8. Oktober 2024", Some("2024-10-08"));
        check_text("发布时间：2024年10月8日", Some("2024-10-08"));
        check_text("on (2019-05-04) we met", Some("2019-05-04"));
        check_text("May I say, 12 of the 2000 delegates", None);
        check_text("February 30, 2020", None);
        check_text("", None);
    }
}
