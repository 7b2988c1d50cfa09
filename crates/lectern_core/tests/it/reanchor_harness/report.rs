//! Judging and tabulating: what should become of a passage ([`Expect`]), the counts of one
//! kind of passage ([`Row`]), one passage re-anchored and judged ([`judge`]), what a class
//! measured ([`Outcome`]), and the table printed for a class.

use std::fmt::Write as _;

use lectern_core::annotation::anchor::reanchor;
use lectern_core::annotation::{AnchorStatus, Target};
use lectern_core::{CharSpan, Document};

use super::{Class, speeches};
use crate::support::preview;

/// Failing passages shown per row.
const EXAMPLES: usize = 3;

/// What should become of a passage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Expect {
    /// Its words are in the new text, unchanged: found exactly there, or it is lost.
    Unchanged,
    /// Its paragraph is there with a word of the passage corrected: the right place is the
    /// corrected words.
    Edited,
    /// Its paragraph was deleted: orphaned, unless the same words stand elsewhere.
    Deleted,
    /// Its words were replaced: no right place; fuzzy or orphaned, never the same words
    /// claimed elsewhere.
    Rewritten,
}

impl Expect {
    fn label(self) -> &'static str {
        match self {
            Self::Unchanged => "unchanged passages",
            Self::Edited => "passages with a corrected word",
            Self::Deleted => "deleted passages",
            Self::Rewritten => "rewritten passages",
        }
    }
}

/// Counts for one kind of passage in one class.
#[derive(Default)]
pub(super) struct Row {
    pub(super) total: usize,
    pub(super) exact: usize,
    relocated: usize,
    fuzzy: usize,
    orphaned: usize,
    /// In the right place, or correctly orphaned, or (deleted and rewritten passages) an
    /// honest outcome.
    pub(super) right: usize,
    /// Found somewhere it should not be.
    wrong: usize,
    /// Still in the text word for word, but orphaned.
    pub(super) lost: usize,
    pub(super) wrong_exact: usize,
    /// Fuzzy matches of rewritten passages outside their paragraph (allowed, but noted).
    fuzzy_elsewhere: usize,
    examples: Vec<String>,
}

impl Row {
    fn count(&mut self, status: AnchorStatus) {
        self.total += 1;
        match status {
            AnchorStatus::Exact => self.exact += 1,
            AnchorStatus::Relocated => self.relocated += 1,
            AnchorStatus::Fuzzy => self.fuzzy += 1,
            AnchorStatus::Orphaned => self.orphaned += 1,
        }
    }

    fn add(&mut self, other: &Self) {
        self.total += other.total;
        self.exact += other.exact;
        self.relocated += other.relocated;
        self.fuzzy += other.fuzzy;
        self.orphaned += other.orphaned;
        self.right += other.right;
        self.wrong += other.wrong;
        self.lost += other.lost;
        self.wrong_exact += other.wrong_exact;
    }

    fn example(&mut self, text: String) {
        if self.examples.len() < EXAMPLES {
            self.examples.push(text);
        }
    }
}

pub(super) fn per_mille(part: usize, total: usize) -> usize {
    (part * 1000).checked_div(total).unwrap_or(1000)
}

fn percent(part: usize, total: usize) -> String {
    let pm = per_mille(part, total);
    format!("{}.{}", pm / 10, pm % 10)
}

/// One passage re-anchored and judged.
pub(super) fn judge(
    row: &mut Row,
    speech: &str,
    expect: Expect,
    want: Option<CharSpan>,
    old: &Target,
    doc: &Document,
) {
    let got = reanchor(doc, old);
    row.count(got.status);
    let found = doc.slice(got.span);
    let same_words = found == old.quote.exact;
    let (right, lost) = match expect {
        Expect::Unchanged | Expect::Edited => {
            let want = want.expect("a place to be found");
            if got.status == AnchorStatus::Orphaned {
                (false, expect == Expect::Unchanged)
            } else {
                (got.span == want, false)
            }
        }
        Expect::Deleted => (got.status == AnchorStatus::Orphaned || same_words, false),
        Expect::Rewritten => {
            let honest = matches!(got.status, AnchorStatus::Fuzzy | AnchorStatus::Orphaned);
            if got.status == AnchorStatus::Fuzzy
                && want.is_none_or(|w| got.span.end <= w.start || got.span.start >= w.end)
            {
                row.fuzzy_elsewhere += 1;
            }
            (honest || same_words, false)
        }
    };
    let wrong = !right && got.status != AnchorStatus::Orphaned;
    row.right += usize::from(right);
    row.wrong += usize::from(wrong);
    row.lost += usize::from(lost);
    row.wrong_exact += usize::from(wrong && got.status == AnchorStatus::Exact);
    if !right {
        let expected = want.map_or("—", |w| doc.slice(w));
        let found = if got.status == AnchorStatus::Orphaned {
            "—"
        } else {
            found
        };
        row.example(format!(
            "{speech}: {status} {what}\n      quote    {exact:?}\n      \
             context  {prefix:?} … {suffix:?}\n      expected {expected:?}\n      \
             found    {found:?}",
            status = got.status.as_str(),
            what = if lost {
                "(lost)"
            } else if wrong {
                "(wrong place)"
            } else {
                "(not found)"
            },
            exact = preview(&old.quote.exact, 160),
            prefix = old.quote.prefix,
            suffix = old.quote.suffix,
            expected = preview(expected, 160),
            found = preview(found, 160),
        ));
    }
}

/// What a class measured: rows by kind of passage, and passages the importer took out of
/// the way (paragraphs it read as page chrome).
#[derive(Default)]
pub(super) struct Outcome {
    pub(super) rows: Vec<(Expect, Row)>,
    /// Picked in a paragraph the importer dropped from the annotated text.
    pub(super) not_annotatable: usize,
    /// In a paragraph the importer dropped from the edited text (counted as deleted).
    pub(super) dropped: usize,
}

impl Outcome {
    pub(super) fn row(&mut self, expect: Expect) -> &mut Row {
        if let Some(i) = self.rows.iter().position(|(e, _)| *e == expect) {
            return &mut self.rows[i].1;
        }
        self.rows.push((expect, Row::default()));
        &mut self.rows.last_mut().expect("just pushed").1
    }

    pub(super) fn all(&self) -> Row {
        let mut all = Row::default();
        for (_, row) in &self.rows {
            all.add(row);
        }
        all
    }
}

pub(super) fn table(class: &Class, outcome: &Outcome) -> String {
    const COLUMNS: [&str; 10] = [
        "passages",
        "total",
        "exact",
        "reloc",
        "fuzzy",
        "orph",
        "right%",
        "wrong",
        "lost",
        "wrong-exact",
    ];
    let line = |out: &mut String, cells: [&str; 10]| {
        let _ = write!(out, "  {:<31}", cells[0]);
        for (cell, header) in cells[1..].iter().zip(&COLUMNS[1..]) {
            let _ = write!(out, " {cell:>width$}", width = header.len().max(5));
        }
        out.push('\n');
    };
    let all = outcome.all();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} — {} speeches, {} passages{}",
        class.name,
        speeches().len(),
        all.total,
        if class.light {
            " (light edit: goal ≥ 99.5 % right)"
        } else {
            ""
        }
    );
    line(&mut out, COLUMNS);
    let mut rows: Vec<(&str, &Row)> = outcome.rows.iter().map(|(e, r)| (e.label(), r)).collect();
    if rows.len() > 1 {
        rows.push(("all", &all));
    }
    for (label, row) in rows {
        let cells = [
            row.total.to_string(),
            row.exact.to_string(),
            row.relocated.to_string(),
            row.fuzzy.to_string(),
            row.orphaned.to_string(),
            percent(row.right, row.total),
            row.wrong.to_string(),
            row.lost.to_string(),
            row.wrong_exact.to_string(),
        ];
        let mut all_cells = [label; 10];
        for (slot, cell) in all_cells[1..].iter_mut().zip(&cells) {
            *slot = cell;
        }
        line(&mut out, all_cells);
    }
    for (expect, row) in &outcome.rows {
        if row.fuzzy_elsewhere > 0 {
            let _ = writeln!(
                out,
                "  {}: {} fuzzy matches outside the passage's own words (allowed)",
                expect.label(),
                row.fuzzy_elsewhere
            );
        }
    }
    if outcome.not_annotatable > 0 {
        let _ = writeln!(
            out,
            "  {} picks skipped: their paragraph was dropped by the importer before annotation",
            outcome.not_annotatable
        );
    }
    if outcome.dropped > 0 {
        let _ = writeln!(
            out,
            "  {} passages counted as deleted: the importer dropped their paragraph",
            outcome.dropped
        );
    }
    for (expect, row) in &outcome.rows {
        for example in &row.examples {
            let _ = writeln!(out, "  · {}: {example}", expect.label());
        }
    }
    out
}
