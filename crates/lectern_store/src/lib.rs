//! Lectern's file-system boundary: the only code that touches files.
//!
//! It scans an archive folder, reads the catalogue, and loads each file through
//! `lectern_core`'s importers, in parallel. A file that cannot be read is reported and the
//! load goes on: one bad file never stops an archive. Everything this crate returns is sorted
//! by relative path so output never depends on the order the file system lists things.

mod archive_file;
mod load;
pub mod notes;
mod report;
mod scan;
mod search;
pub mod watch;

pub use load::{
    LoadError, Loaded, Progress, check, check_with_sidecars_in, find_catalogue_for, load_archive,
    load_file, read_catalogue,
};
pub use report::{AnchorCounts, CheckEntry, CheckReport, CheckStatus, Summary};
pub use scan::{EntryKind, ScanEntry, scan, walk};
pub use search::{
    DocRef, Fingerprint, Freshness, IndexMatch, SearchError, SearchIndex, anchored_notes,
    cache_root, index_dir,
};
