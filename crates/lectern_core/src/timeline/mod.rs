//! The timeline model: speeches as marks on a date axis, grouped into lanes; the ticks of an
//! axis at any zoom; counts per bin where marks crowd; and coded passages counted per year.
//!
//! Time is measured in years as a real number: 1790.0 is the start of 1790. Every month is a
//! twelfth of a year and every day a thirty-first of its month, so a month or a day always
//! has the same width on the axis — a drawing scale, not a calendar. A date known only to the
//! year (or the month) is a span over all of it, never a guessed point.
//!
//! Everything here is data in, data out; the app's panel and the SVG writer only draw it.

use std::collections::BTreeMap;

mod archive;
mod svg;

pub use archive::{Grouping, entries, passages};
pub use svg::{SvgTag, SvgView, svg};

use crate::date::PartialDate;

/// Where a date lies on the axis: `(start, end)` in years.
pub fn date_span(date: PartialDate) -> (f64, f64) {
    let year = f64::from(date.year);
    match (date.month, date.day) {
        (None, _) => (year, year + 1.0),
        (Some(m), None) => {
            let start = year + f64::from(m - 1) / 12.0;
            (start, start + 1.0 / 12.0)
        }
        (Some(m), Some(d)) => {
            let start = year + f64::from(m - 1) / 12.0 + f64::from(d - 1) / (12.0 * 31.0);
            (start, start + 1.0 / (12.0 * 31.0))
        }
    }
}

/// One speech on the axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// The caller's index of the speech.
    pub item: usize,
    pub start: f64,
    pub end: f64,
    /// Whether the date is known to the day (drawn as a point; otherwise as a span).
    pub exact: bool,
}

/// A row of the timeline: the speeches of one speaker (or one value of another field).
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub name: String,
    /// Sorted by start.
    pub marks: Vec<Mark>,
}

/// Speeches grouped into lanes, and those without a date.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    /// Ordered by their first speech, then by name.
    pub lanes: Vec<Lane>,
    /// Speeches with no date, by the caller's index; they are counted, never dropped.
    pub undated: Vec<usize>,
    /// From the start of the earliest speech to the end of the latest; `None` when no speech
    /// has a date.
    pub range: Option<(f64, f64)>,
}

/// What the timeline is built from: a speech's index, date and lanes. A speech with two
/// speakers is in both lanes; one with none is in the lane named `""` (shown as "Unknown").
#[derive(Clone, Debug)]
pub struct Entry {
    pub item: usize,
    pub date: Option<PartialDate>,
    pub lanes: Vec<String>,
}

/// Builds the timeline from `entries`.
pub fn build(entries: &[Entry]) -> Timeline {
    let mut lanes: BTreeMap<&str, Vec<Mark>> = BTreeMap::new();
    let mut undated = Vec::new();
    let mut range: Option<(f64, f64)> = None;
    for entry in entries {
        let Some(date) = entry.date else {
            undated.push(entry.item);
            continue;
        };
        let (start, end) = date_span(date);
        range = Some(range.map_or((start, end), |(a, b)| (a.min(start), b.max(end))));
        let mark = Mark {
            item: entry.item,
            start,
            end,
            exact: date.day.is_some(),
        };
        if entry.lanes.is_empty() {
            lanes.entry("").or_default().push(mark);
        } else {
            for lane in &entry.lanes {
                lanes.entry(lane.as_str()).or_default().push(mark.clone());
            }
        }
    }
    let mut lanes: Vec<Lane> = lanes
        .into_iter()
        .map(|(name, mut marks)| {
            marks.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.item.cmp(&b.item)));
            Lane {
                name: name.to_owned(),
                marks,
            }
        })
        .collect();
    lanes.sort_by(|a, b| {
        let first = |l: &Lane| l.marks.first().map_or(f64::INFINITY, |m| m.start);
        first(a)
            .total_cmp(&first(b))
            .then_with(|| a.name.cmp(&b.name))
    });
    undated.sort_unstable();
    Timeline {
        lanes,
        undated,
        range,
    }
}

/// A labelled position on the axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

/// The spacing of ticks, from centuries down to days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Years(u32),
    Months(u32),
    Days(u32),
}

impl Step {
    const ALL: [Step; 14] = [
        Step::Years(100),
        Step::Years(50),
        Step::Years(25),
        Step::Years(10),
        Step::Years(5),
        Step::Years(2),
        Step::Years(1),
        Step::Months(6),
        Step::Months(3),
        Step::Months(1),
        Step::Days(14),
        Step::Days(7),
        Step::Days(2),
        Step::Days(1),
    ];

    /// The step's length in years.
    pub fn years(self) -> f64 {
        match self {
            Step::Years(n) => f64::from(n),
            Step::Months(n) => f64::from(n) / 12.0,
            Step::Days(n) => f64::from(n) / (12.0 * 31.0),
        }
    }
}

/// A view of `from..to` (years) kept on the archive's own years `whole`: no wider than
/// them (`None`, the whole archive, when it would be) and moved back inside them when it
/// strays past either end, so zooming out or panning never leaves the speeches behind.
pub fn keep_in_view(from: f64, to: f64, whole: (f64, f64)) -> Option<(f64, f64)> {
    let span = to - from;
    if span.is_nan() || span <= 0.0 || span >= whole.1 - whole.0 {
        return None;
    }
    let shift = if from < whole.0 {
        whole.0 - from
    } else if to > whole.1 {
        whole.1 - to
    } else {
        0.0
    };
    Some((from + shift, to + shift))
}

/// The finest step whose ticks stay at least `min_gap` pixels apart when `years` years take
/// `pixels` pixels.
pub fn choose_step(years: f64, pixels: f64, min_gap: f64) -> Step {
    let per_year = pixels / years.max(f64::EPSILON);
    Step::ALL
        .iter()
        .rev()
        .copied()
        .find(|s| s.years() * per_year >= min_gap)
        .unwrap_or(Step::Years(100))
}

/// The ticks of the axis from `from` to `to` (years) at `step`, labelled as the step asks:
/// `1800`, `1941-12`, `1941-12-08`.
pub fn ticks(from: f64, to: f64, step: Step) -> Vec<Tick> {
    // Counted in whole units from year 0: years, months or days fit an i32 for any date.
    let unit = |per_year: f64, t: f64| -> i32 {
        let v = (t * per_year).floor();
        if v >= f64::from(i32::MAX) {
            i32::MAX
        } else if v <= f64::from(i32::MIN) {
            i32::MIN
        } else {
            // In range, checked just above.
            #[allow(clippy::cast_possible_truncation)]
            let v = v as i32;
            v
        }
    };
    let mut out = Vec::new();
    match step {
        Step::Years(n) => {
            let n = i32::try_from(n).unwrap_or(i32::MAX);
            let mut year = unit(1.0, from).div_euclid(n) * n;
            while f64::from(year) <= to {
                if f64::from(year) >= from {
                    out.push(Tick {
                        at: f64::from(year),
                        label: year.to_string(),
                    });
                }
                let Some(next) = year.checked_add(n) else {
                    break;
                };
                year = next;
            }
        }
        Step::Months(n) => {
            let n = i32::try_from(n).unwrap_or(i32::MAX);
            let mut month = unit(12.0, from).div_euclid(n) * n;
            while f64::from(month) / 12.0 <= to {
                let at = f64::from(month) / 12.0;
                if at >= from {
                    let (year, m) = (month.div_euclid(12), month.rem_euclid(12) + 1);
                    out.push(Tick {
                        at,
                        label: format!("{year}-{m:02}"),
                    });
                }
                let Some(next) = month.checked_add(n) else {
                    break;
                };
                month = next;
            }
        }
        Step::Days(n) => {
            let n = i32::try_from(n).unwrap_or(i32::MAX);
            let per_year = 12.0 * 31.0;
            let mut day = unit(per_year, from);
            while f64::from(day) / per_year <= to {
                let at = f64::from(day) / per_year;
                let (month, d) = (day.div_euclid(31), day.rem_euclid(31) + 1);
                let (year, m) = (month.div_euclid(12), month.rem_euclid(12) + 1);
                // Days run from the first of each month; the 29th to 31st of short months
                // are places on the axis, not labels.
                if at >= from && (d - 1) % n == 0 && d <= 28 {
                    out.push(Tick {
                        at,
                        label: format!("{year}-{m:02}-{d:02}"),
                    });
                }
                let Some(next) = day.checked_add(1) else {
                    break;
                };
                day = next;
            }
        }
    }
    out
}

/// How many marks fall in each of `bins` equal bins from `from` to `to`, by their start:
/// what a lane shows when its marks would crowd into a smear.
pub fn density(marks: &[Mark], from: f64, to: f64, bins: usize) -> Vec<usize> {
    let mut counts = vec![0; bins];
    if bins == 0 || to <= from {
        return counts;
    }
    let n = u32::try_from(bins).unwrap_or(u32::MAX);
    let width = (to - from) / f64::from(n);
    for mark in marks {
        if mark.start < from || mark.start >= to {
            continue;
        }
        // Non-negative and below `bins` (start is within the range): the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let bin = ((mark.start - from) / width) as usize;
        counts[bin.min(bins - 1)] += 1;
    }
    counts
}

/// Coded passages of one tag over time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagCounts {
    /// Passages tagged with the tag itself, by year.
    pub own: BTreeMap<i32, usize>,
    /// Passages tagged with one of its descendants (and not the tag itself), by year: a
    /// parent counts its children's passages, shown apart.
    pub through_children: BTreeMap<i32, usize>,
}

impl TagCounts {
    pub fn total(&self) -> usize {
        self.own.values().sum::<usize>() + self.through_children.values().sum::<usize>()
    }

    /// The largest count in one year, both kinds together.
    pub fn peak(&self) -> usize {
        let years: std::collections::BTreeSet<&i32> = self
            .own
            .keys()
            .chain(self.through_children.keys())
            .collect();
        years
            .into_iter()
            .map(|y| {
                self.own.get(y).copied().unwrap_or(0)
                    + self.through_children.get(y).copied().unwrap_or(0)
            })
            .max()
            .unwrap_or(0)
    }
}

/// Counts the passages of `tag` per year. `passages` gives each annotated passage's year and
/// its tags with every ancestor of each (as `Vocabulary::lineage` gives them, nearest first).
pub fn tag_counts<'a>(
    tag: &str,
    passages: impl IntoIterator<Item = (i32, &'a [Vec<&'a str>])>,
) -> TagCounts {
    let mut counts = TagCounts::default();
    for (year, lineages) in passages {
        let own = lineages.iter().any(|l| l.first() == Some(&tag));
        let inherited = lineages.iter().any(|l| l.iter().skip(1).any(|t| *t == tag));
        if own {
            *counts.own.entry(year).or_default() += 1;
        } else if inherited {
            *counts.through_children.entry(year).or_default() += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_view_stays_on_the_archives_years() {
        let whole = (1790.0, 2026.0);
        for (view, kept, why) in [
            ((1900.0, 1950.0), Some((1900.0, 1950.0)), "inside: as it is"),
            (
                (1700.0, 1750.0),
                Some((1790.0, 1840.0)),
                "before the first: moved on",
            ),
            (
                (2000.0, 2100.0),
                Some((1926.0, 2026.0)),
                "after the last: moved back",
            ),
            (
                (1500.0, 2800.0),
                None,
                "wider than the archive: the whole archive",
            ),
            (
                (1790.0, 2026.0),
                None,
                "the archive exactly: the whole archive",
            ),
            ((1950.0, 1950.0), None, "empty: the whole archive"),
        ] {
            assert_eq!(super::keep_in_view(view.0, view.1, whole), kept, "{why}");
        }
    }

    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse_iso(s).expect("a date")
    }

    #[test]
    fn partial_dates_are_spans_and_days_are_points() {
        assert_eq!(date_span(d("1790")), (1790.0, 1791.0));
        let (start, end) = date_span(d("1941-12"));
        assert!((start - (1941.0 + 11.0 / 12.0)).abs() < 1e-9);
        assert!((end - 1942.0).abs() < 1e-9);
        let (start, end) = date_span(d("1941-12-08"));
        assert!(start > 1941.9 && end - start < 0.003);
    }

    #[test]
    fn lanes_follow_speakers_and_undated_speeches_are_kept() {
        let entry = |item, date: Option<&str>, lanes: &[&str]| Entry {
            item,
            date: date.map(d),
            lanes: lanes.iter().map(|s| (*s).to_owned()).collect(),
        };
        let timeline = build(&[
            entry(0, Some("1863-11-19"), &["Abraham Lincoln"]),
            entry(1, Some("1790-01-08"), &["George Washington"]),
            entry(2, None, &["Nobody"]),
            entry(3, Some("1862"), &["Abraham Lincoln"]),
            entry(4, Some("1801-12-08"), &[]),
        ]);
        let names: Vec<&str> = timeline.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["George Washington", "", "Abraham Lincoln"]);
        let lincoln: Vec<usize> = timeline.lanes[2].marks.iter().map(|m| m.item).collect();
        assert_eq!(lincoln, [3, 0], "by date within a lane");
        assert!(!timeline.lanes[2].marks[0].exact, "a year is a span");
        assert_eq!(timeline.undated, [2]);
        let (from, to) = timeline.range.expect("dated speeches");
        assert!((1790.0..1790.03).contains(&from), "8 January 1790: {from}");
        assert!((1863.8..1864.0).contains(&to), "19 November 1863: {to}");
    }

    #[test]
    fn ticks_adapt_from_centuries_to_days() {
        // 236 years over 1000 pixels with 60-pixel gaps: every 25 years.
        let step = choose_step(236.0, 1000.0, 60.0);
        assert_eq!(step, Step::Years(25));
        let labels: Vec<String> = ticks(1790.0, 2026.0, step)
            .into_iter()
            .map(|t| t.label)
            .collect();
        assert_eq!(labels.first().map(String::as_str), Some("1800"));
        assert_eq!(labels.last().map(String::as_str), Some("2025"));
        // Two years: quarters. A month: every other day.
        assert_eq!(choose_step(2.0, 1000.0, 60.0), Step::Months(3));
        let months = ticks(1941.0, 1942.0, Step::Months(3));
        let labels: Vec<&str> = months.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            ["1941-01", "1941-04", "1941-07", "1941-10", "1942-01"]
        );
        assert_eq!(choose_step(1.0 / 12.0, 1000.0, 60.0), Step::Days(2));
        let days = ticks(1941.0 + 11.0 / 12.0, 1942.0, Step::Days(7));
        let labels: Vec<&str> = days.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "1941-12-01",
                "1941-12-08",
                "1941-12-15",
                "1941-12-22",
                "1942-01-01"
            ]
        );
    }

    #[test]
    fn density_counts_marks_per_bin() {
        let marks: Vec<Mark> = [1790.5, 1791.2, 1799.9, 1850.0]
            .iter()
            .enumerate()
            .map(|(item, &start)| Mark {
                item,
                start,
                end: start + 1.0,
                exact: false,
            })
            .collect();
        assert_eq!(density(&marks, 1790.0, 1800.0, 2), [2, 1]);
        assert_eq!(density(&marks, 1790.0, 1860.0, 7), [3, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn a_parent_counts_its_childrens_passages_apart() {
        let passages: Vec<(i32, Vec<Vec<&str>>)> = vec![
            (1941, vec![vec!["security"]]),
            (1941, vec![vec!["terrorism", "security"]]),
            (1942, vec![vec!["terrorism", "security"], vec!["security"]]),
            (1943, vec![vec!["economy"]]),
        ];
        let counts = tag_counts("security", passages.iter().map(|(y, l)| (*y, l.as_slice())));
        assert_eq!(counts.own, BTreeMap::from([(1941, 1), (1942, 1)]));
        assert_eq!(counts.through_children, BTreeMap::from([(1941, 1)]));
        assert_eq!(counts.total(), 3);
        assert_eq!(counts.peak(), 2);
        let child = tag_counts(
            "terrorism",
            passages.iter().map(|(y, l)| (*y, l.as_slice())),
        );
        assert_eq!(child.own, BTreeMap::from([(1941, 1), (1942, 1)]));
        assert!(child.through_children.is_empty());
    }
}
