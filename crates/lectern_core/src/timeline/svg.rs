//! The timeline as an SVG picture for papers: the lanes of speeches on their date axis, the
//! undated ones counted, and under them a bar chart of coded passages per year for each
//! chosen tag (a parent's passages through its children drawn lighter). Written from the
//! model alone, so the app and `lectern timeline` draw the same picture.

use std::fmt::Write as _;

use super::{Step, TagCounts, Timeline, choose_step, density, ticks};

/// A tag's passages to chart.
pub struct SvgTag<'a> {
    pub name: &'a str,
    /// `#rrggbb`.
    pub colour: String,
    pub counts: &'a TagCounts,
}

impl<'a> SvgTag<'a> {
    /// The charts of `counts`, each tag in its colour from `vocabulary`.
    pub fn charts(
        counts: &'a [(crate::annotation::TagName, TagCounts)],
        vocabulary: &crate::annotation::Vocabulary,
    ) -> Vec<SvgTag<'a>> {
        counts
            .iter()
            .map(|(tag, counts)| SvgTag {
                name: &tag.0,
                colour: vocabulary.colour(tag).to_string(),
                counts,
            })
            .collect()
    }
}

/// What to draw.
pub struct SvgView<'a> {
    pub timeline: &'a Timeline,
    /// The visible range, in years.
    pub from: f64,
    pub to: f64,
    pub title: &'a str,
    pub tags: &'a [SvgTag<'a>],
    /// The picture's width in pixels.
    pub width: f64,
}

const LABELS: f64 = 190.0;
const LANE: f64 = 22.0;
const CHART: f64 = 70.0;
/// Marks closer than this many pixels on average turn into a density strip.
const CROWDED: f64 = 3.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The SVG document.
pub fn svg(view: &SvgView<'_>) -> String {
    let (from, to) = (view.from, view.to.max(view.from + 1e-6));
    let plot = (view.width - LABELS - 20.0).max(100.0);
    let x = |t: f64| LABELS + (t - from) / (to - from) * plot;
    let lanes = view.timeline.lanes.len();
    let lanes_height = LANE * f64::from(u32::try_from(lanes).unwrap_or(u32::MAX));
    let axis_y = 50.0 + lanes_height;
    let tags_top = axis_y + 50.0;
    let count = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX));
    let height = tags_top + count(view.tags.len()) * (CHART + 24.0) + 20.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{height:.0}" viewBox="0 0 {w:.0} {height:.0}" font-family="Noto Sans, Helvetica, Arial, sans-serif" font-size="12">"#,
        w = view.width
    );
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        out,
        r##"<text x="10" y="24" font-size="16" font-weight="bold" fill="#222">{}</text>"##,
        escape(view.title)
    );
    for (i, lane) in view.timeline.lanes.iter().enumerate() {
        let top = 40.0 + count(i) * LANE;
        if i % 2 == 1 {
            let _ = writeln!(
                out,
                r##"<rect x="0" y="{top:.1}" width="{w:.0}" height="{LANE}" fill="#f3f3f3"/>"##,
                w = view.width
            );
        }
        let name = if lane.name.is_empty() {
            "Unknown"
        } else {
            &lane.name
        };
        let _ = writeln!(
            out,
            r##"<text x="{lx:.1}" y="{y:.1}" text-anchor="end" fill="#333">{}</text>"##,
            escape(name),
            lx = LABELS - 8.0,
            y = top + 15.0
        );
        let visible: Vec<_> = lane
            .marks
            .iter()
            .filter(|m| m.end >= from && m.start <= to)
            .collect();
        if count(visible.len()) * CROWDED > plot {
            // Too many to tell apart: a strip whose darkness is the count per bin.
            let bins = (plot / 4.0).max(1.0);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let n = bins as usize;
            let counts = density(&lane.marks, from, to, n);
            let peak = counts.iter().copied().max().unwrap_or(1).max(1);
            for (b, c) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
                let opacity = 0.2 + 0.8 * count(*c) / count(peak);
                let _ = writeln!(
                    out,
                    r##"<rect x="{:.1}" y="{:.1}" width="4" height="14" fill="#1f4e79" fill-opacity="{opacity:.2}"/>"##,
                    LABELS + count(b) * 4.0,
                    top + 4.0
                );
            }
            continue;
        }
        for mark in visible {
            let (a, b) = (x(mark.start.max(from)), x(mark.end.min(to)));
            if mark.exact || b - a < 3.0 {
                let _ = writeln!(
                    out,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="#1f4e79"/>"##,
                    f64::midpoint(a, b),
                    top + 11.0
                );
            } else {
                // A date known only to the year or month: a span over all of it.
                let _ = writeln!(
                    out,
                    r##"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="8" rx="2" fill="#1f4e79" fill-opacity="0.45"/>"##,
                    top + 7.0,
                    b - a
                );
            }
        }
    }
    axis(&mut out, from, to, plot, axis_y, &x);
    if !view.timeline.undated.is_empty() {
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" fill="#666">{} undated speeches (not on the axis)</text>"##,
            LABELS,
            axis_y + 36.0,
            view.timeline.undated.len()
        );
    }
    for (i, tag) in view.tags.iter().enumerate() {
        let top = tags_top + count(i) * (CHART + 24.0);
        chart(&mut out, tag, top, from, to, &x);
    }
    out.push_str("</svg>\n");
    out
}

fn axis(out: &mut String, from: f64, to: f64, plot: f64, y: f64, x: &dyn Fn(f64) -> f64) {
    let _ = writeln!(
        out,
        r##"<line x1="{LABELS}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#444"/>"##,
        LABELS + plot
    );
    let step: Step = choose_step(to - from, plot, 70.0);
    for tick in ticks(from, to, step) {
        let tx = x(tick.at);
        let _ = writeln!(
            out,
            r##"<line x1="{tx:.1}" y1="{y:.1}" x2="{tx:.1}" y2="{:.1}" stroke="#444"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle" fill="#333">{}</text>"##,
            y + 5.0,
            y + 18.0,
            escape(&tick.label)
        );
    }
}

fn chart(out: &mut String, tag: &SvgTag<'_>, top: f64, from: f64, to: f64, x: &dyn Fn(f64) -> f64) {
    let count = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX));
    let _ = writeln!(
        out,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">#{} ({})</text>"##,
        LABELS - 8.0,
        top + CHART / 2.0,
        escape(tag.name),
        tag.counts.total()
    );
    let peak = count(tag.counts.peak().max(1));
    let years: std::collections::BTreeSet<&i32> = tag
        .counts
        .own
        .keys()
        .chain(tag.counts.through_children.keys())
        .collect();
    for &year in years {
        let (start, end) = (f64::from(year), f64::from(year) + 1.0);
        if end < from || start > to {
            continue;
        }
        let (a, b) = (x(start.max(from)), x(end.min(to)));
        let width = (b - a - 1.0).max(1.0);
        let own = count(tag.counts.own.get(&year).copied().unwrap_or(0));
        let inherited = count(tag.counts.through_children.get(&year).copied().unwrap_or(0));
        let own_h = own / peak * CHART;
        let inherited_h = inherited / peak * CHART;
        let base = top + CHART;
        if own > 0.0 {
            let _ = writeln!(
                out,
                r#"<rect x="{a:.1}" y="{:.1}" width="{width:.1}" height="{own_h:.1}" fill="{}"><title>{year}: {own} passages</title></rect>"#,
                base - own_h,
                tag.colour
            );
        }
        if inherited > 0.0 {
            let _ = writeln!(
                out,
                r#"<rect x="{a:.1}" y="{:.1}" width="{width:.1}" height="{inherited_h:.1}" fill="{}" fill-opacity="0.4"><title>{year}: {inherited} passages through sub-tags</title></rect>"#,
                base - own_h - inherited_h,
                tag.colour
            );
        }
    }
    let _ = writeln!(
        out,
        r##"<line x1="{LABELS}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#999"/>"##,
        x(to),
        y = top + CHART
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::PartialDate;
    use crate::timeline::{Entry, build, tag_counts};

    #[test]
    fn the_picture_has_every_lane_tick_and_bar() {
        let entries: Vec<Entry> = [
            ("1790-01-08", "George Washington"),
            ("1863-11-19", "Abraham Lincoln <& co>"),
            ("1941", "Franklin D. Roosevelt"),
        ]
        .iter()
        .enumerate()
        .map(|(item, (date, speaker))| Entry {
            item,
            date: PartialDate::parse_iso(date),
            lanes: vec![(*speaker).to_owned()],
        })
        .chain(std::iter::once(Entry {
            item: 9,
            date: None,
            lanes: Vec::new(),
        }))
        .collect();
        let timeline = build(&entries);
        let passages = [
            (1863, vec![vec!["freedom"]]),
            (1941, vec![vec!["war", "freedom"]]),
        ];
        let counts = tag_counts("freedom", passages.iter().map(|(y, l)| (*y, l.as_slice())));
        let tags = [SvgTag {
            name: "freedom",
            colour: "#56b4e9".to_owned(),
            counts: &counts,
        }];
        let picture = svg(&SvgView {
            timeline: &timeline,
            from: 1790.0,
            to: 1950.0,
            title: "State of the Union",
            tags: &tags,
            width: 1000.0,
        });
        assert!(picture.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(picture.trim_end().ends_with("</svg>"));
        assert!(
            picture.contains("Abraham Lincoln &lt;&amp; co&gt;"),
            "text is escaped"
        );
        assert!(picture.contains(">1800<") && picture.contains(">1900<"));
        assert_eq!(
            picture.matches("<circle").count(),
            2,
            "two speeches known to the day"
        );
        assert!(picture.contains("1 undated speeches"));
        assert!(picture.contains("#freedom (2)"));
        assert!(picture.contains("1941: 1 passages through sub-tags"));
    }
}
