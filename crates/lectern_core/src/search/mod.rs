//! Search: the query language, matching a text directly, and a positional index over an
//! archive.
//!
//! [`Query::parse`] reads what the researcher typed. [`index::Segment`] answers words,
//! prefixes and phrases from an index file; [`matcher::match_text`] answers anything,
//! regular expressions included, by reading one text. Both give the same hits: the index is
//! tested against the matcher. Everything here is pure; building the index in parallel,
//! storing it and telling whether it is stale is `lectern_store`'s work.

pub mod collect;
pub mod fold;
pub mod index;
pub mod matcher;
pub mod query;
pub mod results;

pub use query::{Expr, Filters, ParseError, Pattern, Query, Scope, StatusFilter, Word};
