//! `qms org add|list`: the organisations of a deployment, from the console.

use std::process::ExitCode;

use clap::Subcommand;

use crate::app;
use crate::config::Settings;
use crate::domain::organisation::OrgKind;
use crate::service::organisations::{self, Corpus};
use crate::service::ports::NewOrganisation;
use crate::service::users::Operator;

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Create an organisation below another (by default below the first organisation).
    Add {
        /// Short name used in URLs: 2–40 of a-z, 0-9 and '-'.
        slug: String,
        /// Full name, shown in page headers, print views and exports.
        #[arg(long)]
        name: String,
        /// province, commune, ward or other.
        #[arg(long, default_value = "commune")]
        kind: String,
        /// The parent organisation's slug (default: the first organisation).
        #[arg(long)]
        parent: Option<String>,
        /// What its store starts with: empty or shipped (the procedures of QMS_PROCEDURES_DIR).
        #[arg(long, default_value = "empty")]
        corpus: String,
    },
    /// List every organisation with its kind and parent.
    List,
    /// Give an organisation a new name (its slug, store and records stay).
    Rename {
        slug: String,
        #[arg(long)]
        name: String,
    },
}

fn execute(settings: &Settings, command: OrgCommand) -> Result<String, String> {
    let deployment = app::open(settings).map_err(|e| e.message)?;
    match command {
        OrgCommand::Add { slug, name, kind, parent, corpus } => {
            let kind = OrgKind::parse(&kind).ok_or("--kind: province, commune, ward, other")?;
            let corpus = Corpus::parse(&corpus).ok_or("--corpus: empty, shipped")?;
            let parent = match parent {
                None => deployment.first().ok_or("no first organisation")?.id,
                Some(p) => deployment.by_slug(&p).ok_or(format!("Không có đơn vị / no organisation: {p}"))?.id,
            };
            let new = NewOrganisation { slug, name, kind, parent: Some(parent) };
            let created =
                organisations::create(&deployment, Operator::CommandLine, new, corpus, &settings.procedures_dir)
                    .map_err(|e| e.message)?;
            Ok(format!("Đã tạo đơn vị / created: {} ({})", created.slug, created.name))
        }
        OrgCommand::Rename { slug, name } => {
            let renamed = deployment.rename(&slug, &name).map_err(|e| e.message)?;
            Ok(format!("Đã đổi tên / renamed: {} ({})", renamed.slug, renamed.name))
        }
        OrgCommand::List => {
            let all = deployment.all();
            let mut out = format!("{:<24} {:<10} {:<24} {}\n", "slug", "kind", "parent", "name");
            for org in &all {
                let parent = org.parent.and_then(|p| deployment.get(p)).map(|p| p.slug).unwrap_or_default();
                out.push_str(&format!("{:<24} {:<10} {:<24} {}\n", org.slug, org.kind.as_str(), parent, org.name));
            }
            Ok(out.trim_end().to_owned())
        }
    }
}

pub fn run(settings: Settings, command: OrgCommand) -> ExitCode {
    match execute(&settings, command) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("qms org: {e}");
            ExitCode::FAILURE
        }
    }
}
