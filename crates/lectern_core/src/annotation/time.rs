//! Timestamps passed in from outside, written as RFC 3339 in UTC.
//!
//! The core never reads the clock; callers pass the current time in. Dates are converted with
//! the days-from-civil algorithm (proleptic Gregorian), so no time library is needed here.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the form this type writes; UTC only).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (date, rest) = s.split_once('T')?;
        let rest = rest.strip_suffix('Z')?;
        let (clock, fraction) = rest.split_once('.').unwrap_or((rest, "0"));
        let mut d = date.split('-');
        let mut c = clock.split(':');
        let year = digits(d.next()?, 4)?;
        let (month, day) = (digits(d.next()?, 2)?, digits(d.next()?, 2)?);
        let (hour, minute, second) = (
            digits(c.next()?, 2)?,
            digits(c.next()?, 2)?,
            digits(c.next()?, 2)?,
        );
        let valid_day = (1..=12).contains(&month)
            && day >= 1
            && day
                <= i64::from(crate::date::days_in_month(
                    i32::try_from(year).ok()?,
                    u8::try_from(month).ok()?,
                ));
        if d.next().is_some()
            || c.next().is_some()
            || !valid_day
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        if fraction.is_empty()
            || fraction.len() > 9
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let millis_part: i64 = format!("{fraction:0<3}").get(..3)?.parse().ok()?;
        let days = days_from_civil(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?);
        Some(Self(
            ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis_part,
        ))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.rem_euclid(1000);
        let seconds = self.0.div_euclid(1000);
        let days = seconds.div_euclid(86_400);
        let of_day = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let (h, m, s) = (of_day / 3600, of_day / 60 % 60, of_day % 60);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z"
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not a UTC timestamp: {s:?}")))
    }
}

/// A field of exactly `width` ASCII digits (no sign), as a number.
fn digits(field: &str, width: usize) -> Option<i64> {
    (field.len() == width && field.bytes().all(|b| b.is_ascii_digit()))
        .then(|| field.parse().ok())
        .flatten()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both are small and positive by construction (1..=31, 1..=12).
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for (millis, text) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_728_381_600_123, "2024-10-08T10:00:00.123Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (-5_000, "1969-12-31T23:59:55.000Z"),
        ] {
            let t = Timestamp::from_millis(millis);
            assert_eq!(t.to_string(), text);
            assert_eq!(Timestamp::parse(text), Some(t));
        }
        assert_eq!(
            Timestamp::parse("2024-10-08T10:00:00Z").map(Timestamp::millis),
            Some(1_728_381_600_000)
        );
        assert_eq!(Timestamp::parse("2024-13-08T10:00:00Z"), None);
        assert_eq!(
            Timestamp::parse("2024-02-31T10:00:00Z"),
            None,
            "no such day"
        );
        assert_eq!(
            Timestamp::parse("99999999999999999-11-27T00:00:00Z"),
            None,
            "years have four digits"
        );
        assert_eq!(Timestamp::parse("2024-10-08T-1:00:00Z"), None, "no signs");
        assert_eq!(Timestamp::parse("+2024-10-08T01:00:00Z"), None);
        assert_eq!(Timestamp::parse("2024-10-08 10:00:00"), None);
    }
}
