//! The `lectern` application: the desktop app ([`app`]) and the command line interface
//! ([`cli`]) over `lectern_core` and `lectern_store`. `main.rs` only parses arguments and
//! calls [`cli::run`].

pub mod app;
pub mod cli;
pub mod clock;
