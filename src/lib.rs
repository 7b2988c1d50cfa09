//! The `lectern` application: the desktop app ([`app`]) and the command line interface
//! ([`cli`]) over `lectern_core` and `lectern_store`. `main.rs` only parses arguments and
//! calls [`cli::run`].

pub mod app;
pub mod cli;
pub mod clock;

/// An archive's name as titles show it: its folder's name.
pub fn archive_name(root: &std::path::Path) -> String {
    root.file_name().map_or_else(
        || root.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
