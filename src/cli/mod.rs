//! The `qms` command line: one subcommand per task, each documented in `qms --help`.

mod audit_log;
mod check;
mod import;
mod org;
mod serve;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Settings;

#[derive(Parser)]
#[command(
    name = "qms",
    version,
    about = "ISO 9001:2015 document control: procedures in git, review, approval, publishing, audits and corrective actions",
    after_help = "Settings come from an optional TOML file (--config, default ./qms.toml) and QMS_* environment \
variables: QMS_DATA_DIR, QMS_LISTEN, QMS_DATABASE_URL, QMS_PROCEDURES_DIR, QMS_ADMIN_PASSWORD, QMS_JWT_SECRET, \
QMS_TOKEN_MINUTES, QMS_MAX_BODY_BYTES, QMS_WORKERS, QMS_ORG_SLUG, QMS_ORG_NAME, QMS_ORG_KIND."
)]
struct Cli {
    /// A TOML settings file (keys as the QMS_* variables, lower case, without the prefix).
    #[arg(long, global = true, env = "QMS_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service: reconciles the index with git, imports the corpus on first start,
    /// creates the first admin account, then serves pages and the API.
    Serve,
    /// Validate a procedure tree (front matter, codes, sections, step tables) and print every problem.
    Check {
        /// The tree to check.
        #[arg(default_value = "procedures")]
        dir: PathBuf,
    },
    /// Import the procedures of a tree that the store does not hold yet, as their first revision.
    Import {
        /// The tree to import.
        #[arg(default_value = "procedures")]
        dir: PathBuf,
    },
    /// Manage accounts: add, list, passwd, roles, disable, enable.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage the organisations of a province deployment: add, list.
    #[command(subcommand)]
    Org(org::OrgCommand),
    /// The append-only event log.
    #[command(subcommand, name = "audit-log")]
    AuditLog(AuditLogCommand),
}

#[derive(Subcommand)]
enum AuditLogCommand {
    /// Recompute the hash chain of the event log; exit 1 and name the first broken entry if any.
    Verify,
}

fn settings(config: Option<&std::path::Path>) -> Result<Settings, ExitCode> {
    Settings::load(config).map_err(|e| {
        eprintln!("qms: {e}");
        ExitCode::from(2)
    })
}

/// Parses the command line and runs the subcommand.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info,actix_server=warn"))
        .format_timestamp_secs()
        .init();
    let config = cli.config;
    let with_settings = |run: &dyn Fn(Settings) -> ExitCode| match settings(config.as_deref()) {
        Ok(s) => run(s),
        Err(code) => code,
    };
    match cli.command {
        Command::Check { dir } => check::run(&dir),
        Command::Serve => with_settings(&serve::run),
        Command::Import { dir } => with_settings(&|s| import::run(s, &dir)),
        Command::User(command) => match settings(config.as_deref()) {
            Ok(s) => user::run(s, command),
            Err(code) => code,
        },
        Command::Org(command) => match settings(config.as_deref()) {
            Ok(s) => org::run(s, command),
            Err(code) => code,
        },
        Command::AuditLog(AuditLogCommand::Verify) => with_settings(&audit_log::run),
    }
}
