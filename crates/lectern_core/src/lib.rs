//! Lectern's pure core.
//!
//! Everything here takes bytes, `&str` and plain values and returns values: the document
//! model, the importers that turn a researcher's messy files into documents, and metadata
//! resolution. Nothing in this crate touches the file system, spawns threads, or reads the
//! clock; `lectern_store` does the I/O and hands us bytes. That keeps every rule testable with
//! a string literal and makes importing deterministic: the same bytes always give the same
//! document.
//!
//! Offsets into a document's canonical text are Unicode code points, end exclusive
//! ([`CharSpan`]). Conversions to byte offsets happen inside ([`text::CharIndex`]).

pub mod annotation;
pub mod catalogue;
pub mod date;
pub mod decode;
pub mod document;
pub mod export;
pub mod import;
mod language;
pub mod metadata;
pub mod search;
pub mod text;
pub mod timeline;

pub use catalogue::Catalogue;
pub use date::PartialDate;
pub use document::{
    Block, BlockKind, ContentHash, Document, Inline, InlineKind, Metadata, Provenance, Section,
    SourceFormat, Warning,
};
pub use import::{ImportError, ImportOptions, import};
pub use text::CharSpan;
