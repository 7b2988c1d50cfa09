//! The `lectern` binary: the desktop app by default, subcommands for headless work.

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = lectern::cli::Cli::parse();
    lectern::cli::run(cli)
}
