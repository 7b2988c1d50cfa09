//! `lectern check ARCHIVE [--json]`.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::bail;
use lectern_store::{CheckReport, CheckStatus};
use rayon::prelude::*;

pub(super) fn run(
    archive: &Path,
    json: bool,
    quiet: bool,
    mirror: Option<&Path>,
) -> anyhow::Result<bool> {
    if !archive.is_dir() {
        bail!("not a folder: {}", archive.display());
    }
    let started = Instant::now();
    let report = lectern_store::check_with_sidecars_in(archive, mirror);
    let elapsed = started.elapsed();
    // Standard output flushes at every line end; reports are written in large blocks.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    if json {
        write_json(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write_human(&mut out, &report, quiet)?;
        let s = &report.summary;
        writeln!(
            out,
            "{} files: {} imported, {} skipped, {} failed; {} with warnings; {} unreadable sidecars ({:.2} s)",
            s.files,
            s.imported,
            s.skipped,
            s.failed,
            s.with_warnings,
            s.bad_sidecars,
            elapsed.as_secs_f64()
        )?;
    }
    out.flush()?;
    let ok = report.summary.failed == 0 && report.summary.bad_sidecars == 0;
    // The process ends now: freeing the report line by line would only delay it.
    std::mem::forget(report);
    Ok(ok)
}

/// Writes `report` as `serde_json` writes it, its lines serialised in parallel, a chunk per
/// task, and put together in order.
fn write_json(out: &mut impl std::io::Write, report: &CheckReport) -> anyhow::Result<()> {
    let chunks: Vec<Vec<u8>> = report
        .documents
        .par_chunks(512)
        .map(|chunk| -> serde_json::Result<Vec<u8>> {
            let mut json = Vec::with_capacity(chunk.len() * 256);
            for (i, entry) in chunk.iter().enumerate() {
                if i > 0 {
                    json.push(b',');
                }
                serde_json::to_writer(&mut json, entry)?;
            }
            Ok(json)
        })
        .collect::<serde_json::Result<_>>()?;
    out.write_all(b"{\"documents\":[")?;
    for (i, chunk) in chunks.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(chunk)?;
    }
    out.write_all(b"],\"summary\":")?;
    serde_json::to_writer(&mut *out, &report.summary)?;
    out.write_all(b"}")?;
    Ok(())
}

fn write_human(
    out: &mut impl std::io::Write,
    report: &CheckReport,
    quiet: bool,
) -> std::io::Result<()> {
    for entry in &report.documents {
        let noteworthy = entry.status != CheckStatus::Imported
            || !entry.warnings.is_empty()
            || entry.sidecar_error.is_some()
            || !entry.conflict_copies.is_empty()
            || entry.annotations.is_some_and(|c| c.fuzzy + c.orphaned > 0);
        if quiet && !noteworthy {
            continue;
        }
        let status = match entry.status {
            CheckStatus::Imported => "imported",
            CheckStatus::Skipped => "skipped ",
            CheckStatus::Failed => "FAILED  ",
        };
        match entry.status {
            CheckStatus::Imported => {
                let date = entry.date.as_deref().unwrap_or("undated");
                let title = entry.title.as_deref().unwrap_or("untitled");
                let words = entry.words.unwrap_or(0);
                writeln!(
                    out,
                    "{status}  {}  ({date}, {title:?}, {words} words)",
                    entry.path
                )?;
            }
            _ => writeln!(
                out,
                "{status}  {}: {}",
                entry.path,
                entry.reason.as_deref().unwrap_or("")
            )?,
        }
        for w in &entry.warnings {
            writeln!(out, "            warning: {w}")?;
        }
        if let Some(counts) = entry.annotations {
            writeln!(
                out,
                "            annotations: {} exact, {} relocated, {} fuzzy, {} orphaned",
                counts.exact, counts.relocated, counts.fuzzy, counts.orphaned
            )?;
        }
        for copy in &entry.conflict_copies {
            writeln!(out, "            sync conflict copy to merge: {copy}")?;
        }
        if let Some(error) = &entry.sidecar_error {
            writeln!(out, "            SIDECAR: {error}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_written_as_serde_json_writes_it() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_archive");
        let report = lectern_store::check(&sample);
        assert!(report.documents.len() > 20, "the sample archive is checked");
        // Lines enough for several chunks, and a report with none.
        let mut large = report.clone();
        while large.documents.len() < 1500 {
            large.documents.extend(report.documents.iter().cloned());
        }
        for report in [report, large, CheckReport::default()] {
            let mut written = Vec::new();
            write_json(&mut written, &report).unwrap();
            assert!(written == serde_json::to_vec(&report).unwrap());
        }
    }
}
