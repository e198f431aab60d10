//! The `qms` command line: one subcommand per task, each documented in `qms --help`.

mod check;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "qms",
    version,
    about = "ISO 9001:2015 document control: procedures in git, review, approval, publishing, audits and corrective actions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a procedure tree (front matter, codes, sections, step tables) and print every problem.
    Check {
        /// The tree to check.
        #[arg(default_value = "procedures")]
        dir: PathBuf,
    },
}

/// Parses the command line and runs the subcommand.
pub fn run() -> ExitCode {
    match Cli::parse().command {
        Command::Check { dir } => check::run(&dir),
    }
}
