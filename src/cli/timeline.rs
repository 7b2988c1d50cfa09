//! `lectern timeline ARCHIVE --svg OUT [--by speaker|place|language|format|tag|none]
//! [--tag T]... [--from DATE] [--to DATE]`: the archive's timeline as an SVG picture, the
//! same one the app draws, with a chart of coded passages per year for each tag asked for.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::{anyhow, bail};
use lectern_core::PartialDate;
use lectern_core::annotation::TagName;
use lectern_core::timeline::{self, Grouping, SvgTag, SvgView};
use lectern_store::notes::{RealFs, read_archive_file, write_atomic};

pub(super) struct Request<'a> {
    pub archive: &'a Path,
    pub svg: &'a Path,
    pub by: &'a str,
    pub tags: &'a [String],
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

fn date(text: &str, what: &str) -> anyhow::Result<PartialDate> {
    PartialDate::parse_iso(text.trim()).ok_or_else(|| {
        anyhow!("--{what} {text:?} is not a date: give a year, year-month or year-month-day")
    })
}

pub(super) fn run(request: &Request<'_>) -> anyhow::Result<bool> {
    let grouping = Grouping::parse(request.by).ok_or_else(|| {
        anyhow!(
            "--by {:?}: lanes can be by speaker, place, language, format, tag or none",
            request.by
        )
    })?;
    if !request.archive.is_dir() {
        bail!("not a folder: {}", request.archive.display());
    }
    let loaded =
        lectern_store::load_archive(request.archive, None, &|_| {}, &AtomicBool::new(false));
    let vocabulary = read_archive_file(request.archive)
        .map(|a| a.vocabulary)
        .unwrap_or_default();
    let notes = |path: &str| loaded.notes.get(path);
    let entries = timeline::entries(&loaded.documents, &notes, grouping);
    let model = timeline::build(&entries);
    let Some((first, last)) = model.range else {
        bail!(
            "no speech of {} has a date to place on a timeline",
            request.archive.display()
        );
    };
    let from = match request.from {
        Some(text) => timeline::date_span(date(text, "from")?).0,
        None => first.floor(),
    };
    let to = match request.to {
        Some(text) => timeline::date_span(date(text, "to")?).1,
        None => last.ceil(),
    };
    if to <= from {
        bail!("--to must come after --from");
    }
    let counts: Vec<(TagName, timeline::TagCounts)> = request
        .tags
        .iter()
        .map(|t| {
            let tag = TagName::new(t);
            let counts = timeline::passages(&tag, &loaded.documents, &notes, &vocabulary);
            (tag, counts)
        })
        .collect();
    for (tag, counts) in &counts {
        if counts.total() == 0 && !vocabulary.tags.contains_key(tag) {
            eprintln!("lectern: no tag {tag} in this archive; its chart is empty");
        }
    }
    let tags = SvgTag::charts(&counts, &vocabulary);
    let title = format!(
        "{} — {} speeches by {}",
        crate::archive_name(request.archive),
        loaded.documents.len(),
        grouping.label().to_lowercase()
    );
    let picture = timeline::svg(&SvgView {
        timeline: &model,
        from,
        to,
        title: &title,
        tags: &tags,
        width: 1200.0,
    });
    write_atomic(request.svg, picture.as_bytes(), false, &RealFs)?;
    println!(
        "{}: {} speeches in {} lanes, {} undated",
        request.svg.display(),
        loaded.documents.len() - model.undated.len(),
        model.lanes.len(),
        model.undated.len()
    );
    Ok(true)
}
