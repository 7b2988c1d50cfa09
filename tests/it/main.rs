//! End-to-end tests of the `lectern` binary on the sample archive.

mod annotate;
mod app;
mod app_annotate;
mod app_export;
mod app_problems;
mod app_search;
mod app_timeline;
mod app_watch;
mod cli;
mod search_cli;
mod seed;
