//! End-to-end tests of the `lectern` binary on the sample archive.

mod cli;
mod seed;
