//! Command-line interface: argument definitions and dispatch.
//!
//! Every subcommand prints human-readable text by default and a stable JSON shape with
//! `--json` (documented in the README). Errors go to stderr as `lectern: message: path`, and
//! the exit code says whether everything asked for succeeded.

mod annotate;
mod check;
mod export;
mod inspect;
mod search;
mod tags;
mod timeline;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Lectern: a desktop archive for offline speech collections.
#[derive(Debug, Parser)]
#[command(name = "lectern", version, about, long_about = None)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// An archive folder to open in the desktop app, as `lectern open FOLDER` does (how a
    /// file manager's "Open with" starts it)
    #[arg(value_name = "FOLDER")]
    pub archive: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the desktop app on an archive folder (with no command: the last archive used)
    Open {
        /// The archive folder
        archive: PathBuf,
    },
    /// Print what Lectern reads from speech files: metadata, outline, counts, warnings
    Inspect {
        /// Files to read
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print one JSON object per file (JSON Lines)
        #[arg(long)]
        json: bool,
        /// Include the canonical text
        #[arg(long)]
        text: bool,
    },
    /// Read every file of an archive folder and report what was imported, skipped or failed
    Check {
        /// The archive folder
        archive: PathBuf,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
        /// Only list files that were skipped, failed or have warnings
        #[arg(long, short)]
        quiet: bool,
        /// Read the notes from this folder instead of next to the sources
        #[arg(long = "sidecars", value_name = "DIR")]
        mirror: Option<PathBuf>,
    },
    /// Add an annotation to a speech and save it; prints the new annotation's id
    Annotate {
        /// The archive folder
        archive: PathBuf,
        /// The speech, relative to the archive folder
        file: String,
        /// The exact passage to annotate
        #[arg(long)]
        quote: String,
        /// Which occurrence of the quote, counting from 1, when it occurs more than once
        #[arg(long)]
        occurrence: Option<usize>,
        /// A tag (repeat for several)
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// The note (Markdown)
        #[arg(long)]
        note: Option<String>,
        /// Who made the annotation
        #[arg(long)]
        author: Option<String>,
        /// Keep the notes in this folder (same layout as the archive) instead of next to
        /// the sources, for an archive that cannot be written
        #[arg(long = "sidecars", value_name = "DIR")]
        mirror: Option<PathBuf>,
    },
    /// Export the archive's annotations: Markdown notes or codebook, CSV, W3C JSON-LD, HTML,
    /// REFI-QDA
    Export {
        /// The archive folder
        archive: PathBuf,
        #[arg(long, value_enum)]
        format: export::Format,
        /// A note or page per speech; (Markdown) one codebook by tag; (HTML) one report of the
        /// whole collection
        #[arg(long, value_enum, default_value = "speech")]
        by: export::By,
        /// The file to write (CSV, JSON-LD; standard output without it) or the folder for
        /// the Markdown notes
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only passages with this tag or one of its sub-tags (repeat for several)
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Only speeches dated from (a year, year-month or date)
        #[arg(long)]
        from: Option<String>,
        /// Only speeches dated up to
        #[arg(long)]
        to: Option<String>,
        /// Only this speech, relative to the archive folder (repeat for several)
        #[arg(long = "speech", value_name = "PATH")]
        speeches: Vec<String>,
        /// Only annotations found this way in the current text (repeat for several)
        #[arg(long = "status", value_enum)]
        statuses: Vec<export::Status>,
    },
    /// Find passages by words, "phrases", prefix*, AND/OR/NOT and /regular expressions/,
    /// with filters (speaker:, from:, to:, tag:, section:, status:, in:notes, case:sensitive)
    Search {
        /// The archive folder
        archive: PathBuf,
        /// The query, in the app's syntax (phrases in double quotes)
        query: String,
        /// Only speeches by this speaker (words of the name)
        #[arg(long)]
        speaker: Option<String>,
        /// Only speeches dated from (a year, year-month or date)
        #[arg(long)]
        from: Option<String>,
        /// Only speeches dated up to
        #[arg(long)]
        to: Option<String>,
        /// Only hits in passages (or speeches) with this tag or a sub-tag (repeat: any of them)
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Match each word letter for letter as typed ("US", not "us"), and regular
        /// expressions with case; as `case:sensitive` in the query
        #[arg(long)]
        case_sensitive: bool,
        /// Print at most this many hits (0: all); the total counts them all
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Order of the speeches
        #[arg(long, value_enum, default_value = "date")]
        sort: search::Sort,
        /// Print the hits as JSON
        #[arg(long)]
        json: bool,
        /// Print only the paths of the speeches with hits, one per line (like `rg -l`)
        #[arg(long, conflicts_with = "json")]
        files: bool,
    },
    /// Draw the archive's speeches on a timeline, as an SVG picture
    Timeline {
        /// The archive folder
        archive: PathBuf,
        /// Where to write the picture
        #[arg(long, value_name = "OUT")]
        svg: PathBuf,
        /// Lanes by speaker, place, language, format, tag, or none
        #[arg(long, default_value = "speaker")]
        by: String,
        /// Chart this tag's coded passages per year under the timeline (repeat for several)
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Start of the range shown (a year, year-month or date)
        #[arg(long)]
        from: Option<String>,
        /// End of the range shown
        #[arg(long)]
        to: Option<String>,
    },
    /// List or change the archive's tags
    Tags {
        /// The archive folder
        archive: PathBuf,
        /// Keep the notes in this folder instead of next to the sources
        #[arg(long = "sidecars", value_name = "DIR")]
        mirror: Option<PathBuf>,
        #[command(subcommand)]
        command: Option<tags::TagsCommand>,
    },
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let open = |archive: PathBuf| {
        if archive.is_dir() {
            crate::app::run(Some(archive)).map(|()| true)
        } else {
            Err(anyhow::anyhow!("not a folder: {}", archive.display()))
        }
    };
    let result = match cli.command {
        Some(Command::Inspect { paths, json, text }) => inspect::run(&paths, json, text),
        Some(Command::Check {
            archive,
            json,
            quiet,
            mirror,
        }) => check::run(&archive, json, quiet, mirror.as_deref()),
        Some(Command::Annotate {
            archive,
            file,
            quote,
            occurrence,
            tags,
            note,
            author,
            mirror,
        }) => annotate::run(&annotate::Request {
            archive: &archive,
            file: &file,
            quote: &quote,
            occurrence,
            tags: &tags,
            note: note.as_deref(),
            author: author.as_deref(),
            mirror: mirror.as_deref(),
        }),
        Some(Command::Tags {
            archive,
            mirror,
            command,
        }) => tags::run(&archive, mirror.as_deref(), command),
        Some(Command::Export {
            archive,
            format,
            by,
            out,
            tags,
            from,
            to,
            speeches,
            statuses,
        }) => export::run(&export::Request {
            archive: &archive,
            format,
            by,
            out: out.as_deref(),
            tags: &tags,
            from: from.as_deref(),
            to: to.as_deref(),
            speeches: &speeches,
            statuses: &statuses,
        }),
        Some(Command::Search {
            archive,
            query,
            speaker,
            from,
            to,
            tags,
            case_sensitive,
            limit,
            sort,
            json,
            files,
        }) => search::run(&search::Request {
            archive: &archive,
            query: &query,
            speaker: speaker.as_deref(),
            from: from.as_deref(),
            to: to.as_deref(),
            tags: &tags,
            case_sensitive,
            limit,
            sort,
            json,
            files,
        }),
        Some(Command::Timeline {
            archive,
            svg,
            by,
            tags,
            from,
            to,
        }) => timeline::run(&timeline::Request {
            archive: &archive,
            svg: &svg,
            by: &by,
            tags: &tags,
            from: from.as_deref(),
            to: to.as_deref(),
        }),
        Some(Command::Open { archive }) => open(archive),
        None => match cli.archive {
            Some(archive) => open(archive),
            None => crate::app::run(None).map(|()| true),
        },
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        // A closed pipe (`lectern inspect … | head`) is the reader's choice, not an error.
        Err(err)
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("lectern: {err:#}");
            ExitCode::FAILURE
        }
    }
}
