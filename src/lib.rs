//! The `lectern` application: the command line interface over `lectern_core` and
//! `lectern_store`. `main.rs` only parses arguments and calls [`cli::run`].

pub mod cli;
