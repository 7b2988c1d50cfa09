//! Integration tests of the importers on hostile inputs, arbitrary inputs, and the real
//! files of the sample archive.

mod anchoring;
mod export;
mod hostile;
mod outline;
mod props;
mod reanchor_harness;
mod sample;
mod search;
mod search_generated;
mod sidecar;
mod support;
