//! `qms user add|list|passwd|roles|enable|disable`: account administration from the console.

use std::io::BufRead;
use std::process::ExitCode;

use clap::Subcommand;

use crate::app;
use crate::config::Settings;
use crate::domain::ErrorCode;
use crate::domain::Role;
use crate::domain::organisation::{FIRST_ORG, OrgId};
use crate::error::{AppError, AppResult};
use crate::service::Services;
use crate::service::deployment::Deployment;
use crate::service::users::{self, NewUser, Operator, UserChange};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is asked for (or read from standard input).
    Add {
        username: String,
        /// Full name as shown on pages and signatures.
        #[arg(long)]
        name: String,
        /// Comma-separated roles: staff, secretary, reviewer, approver, auditor, admin.
        #[arg(long, value_delimiter = ',', default_value = "staff")]
        roles: Vec<String>,
        /// Comma-separated field codes the user belongs to (for audit independence).
        #[arg(long, value_delimiter = ',')]
        fields: Vec<String>,
        /// The organisation (slug) the account belongs to; the first organisation when omitted.
        #[arg(long)]
        org: Option<String>,
    },
    /// List accounts with their roles, fields and status.
    List {
        /// The organisation (slug) whose accounts are listed; the first organisation when omitted.
        #[arg(long)]
        org: Option<String>,
    },
    /// Set a new password (asked for, or read from standard input); unlocks the account.
    Passwd { username: String },
    /// Replace an account's roles (and, with --fields, its fields).
    Roles {
        username: String,
        #[arg(long, value_delimiter = ',', required = true)]
        roles: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        fields: Option<Vec<String>>,
    },
    /// Disable an account: it can no longer sign in and its tokens stop working.
    Disable { username: String },
    /// Enable a disabled account again.
    Enable { username: String },
}

fn parse_roles(names: &[String]) -> Result<Vec<Role>, String> {
    names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| Role::parse(n.trim()).ok_or_else(|| format!("vai trò không hợp lệ / unknown role: {n}")))
        .collect()
}

fn read_password(prompt: &str) -> Result<String, String> {
    match rpassword::prompt_password(prompt) {
        Ok(p) => Ok(p),
        // No terminal (a script): take the first line of standard input.
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
            Ok(line.trim_end_matches(['\r', '\n']).to_owned())
        }
    }
}

fn execute(services: &Services, command: UserCommand) -> Result<String, String> {
    let by = || Operator::CommandLine;
    let fail = |e: crate::error::AppError| e.message;
    match command {
        UserCommand::Add { username, name, roles, fields, .. } => {
            let roles = parse_roles(&roles)?;
            let password = read_password(&format!("Mật khẩu cho {username} / password: "))?;
            let new = NewUser { username, display_name: name, password, roles, fields };
            let user = users::create(services, by(), new).map_err(fail)?;
            Ok(format!("Đã tạo tài khoản / created: {}", user.username))
        }
        UserCommand::List { .. } => {
            let all = crate::service::users::all(services).map_err(|e| e.message)?;
            let mut out =
                format!("{:<20} {:<28} {:<34} {:<16} {}\n", "username", "display name", "roles", "fields", "status");
            for u in all {
                let roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
                let status = if u.active { "active" } else { "disabled" };
                out.push_str(&format!(
                    "{:<20} {:<28} {:<34} {:<16} {status}\n",
                    u.username,
                    u.display_name,
                    roles.join(","),
                    u.fields.join(",")
                ));
            }
            Ok(out.trim_end().to_owned())
        }
        UserCommand::Passwd { username } => {
            let password = read_password(&format!("Mật khẩu mới cho {username} / new password: "))?;
            users::set_password(services, by(), &username, &password).map_err(fail)?;
            Ok(format!("Đã đổi mật khẩu / password changed: {username}"))
        }
        UserCommand::Roles { username, roles, fields } => {
            let change = UserChange { roles: Some(parse_roles(&roles)?), fields, ..Default::default() };
            users::update(services, by(), &username, change).map_err(fail)?;
            Ok(format!("Đã cập nhật vai trò / roles updated: {username}"))
        }
        UserCommand::Disable { username } => {
            users::update(services, by(), &username, UserChange { active: Some(false), ..Default::default() })
                .map_err(fail)?;
            Ok(format!("Đã khóa tài khoản / disabled: {username}"))
        }
        UserCommand::Enable { username } => {
            users::update(services, by(), &username, UserChange { active: Some(true), ..Default::default() })
                .map_err(fail)?;
            Ok(format!("Đã mở khóa tài khoản / enabled: {username}"))
        }
    }
}

impl UserCommand {
    /// The organisation named with `--org`, or the account's own for a command on one account.
    fn org(&self, deployment: &Deployment) -> AppResult<OrgId> {
        let named = |slug: &Option<String>| match slug {
            None => Ok(FIRST_ORG),
            Some(slug) => deployment.by_slug(slug).map(|o| o.id).ok_or_else(|| {
                AppError::not_found(
                    ErrorCode::OrganisationNotFound,
                    format!("Không có đơn vị / no organisation: {slug}"),
                )
            }),
        };
        match self {
            Self::Add { org, .. } | Self::List { org } => named(org),
            Self::Passwd { username }
            | Self::Roles { username, .. }
            | Self::Disable { username }
            | Self::Enable { username } => {
                let first = deployment.services(FIRST_ORG)?;
                Ok(first.users.user(username)?.map_or(FIRST_ORG, |u| u.org))
            }
        }
    }
}

pub fn run(settings: Settings, command: UserCommand) -> ExitCode {
    let services: AppResult<std::sync::Arc<Services>> =
        app::open(&settings).and_then(|deployment| deployment.services(command.org(&deployment)?));
    let services = match services {
        Ok(s) => s,
        Err(e) => {
            eprintln!("qms user: {}", e.message);
            return ExitCode::FAILURE;
        }
    };
    match execute(&services, command) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("qms user: {e}");
            ExitCode::FAILURE
        }
    }
}
