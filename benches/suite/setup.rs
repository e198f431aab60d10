//! A running instance for the benchmarks: data directory, imported corpus, accounts, and helpers
//! to act as those accounts.

use std::path::Path;

use qms::app::{self, Startup};
use qms::config::Settings;
use qms::domain::{Actor, Role};
use qms::service::Services;
use qms::service::users::{NewUser, insert};

pub const PASSWORD_SUFFIX: &str = "-do-kiem-1";

pub fn start(data: &Path, procedures: &Path) -> Startup {
    start_on(data, procedures, None)
}

/// As `start`, on the database `database_url` names (SQLite in `data` when `None`).
pub fn start_on(data: &Path, procedures: &Path, database_url: Option<String>) -> Startup {
    let settings = Settings {
        data_dir: data.to_path_buf(),
        procedures_dir: procedures.to_path_buf(),
        admin_password: Some("quan-tri-do-kiem-1".into()),
        database_url,
        ..Settings::default()
    };
    let started = app::start(settings).expect("start-up");
    accounts(&started.state.first_org());
    started
}

/// The bench accounts (secretary, reviewer, approver, auditor, staff) in `s`'s organisation.
pub fn accounts(s: &Services) {
    for (name, roles, fields) in [
        ("thuky", vec![Role::Secretary], vec![]),
        ("xemxet", vec![Role::Reviewer], vec![]),
        ("lanhdao", vec![Role::Approver], vec![]),
        ("danhgia", vec![Role::Auditor], vec![]),
        ("canbo", vec![Role::Staff], vec![]),
    ] {
        let new = NewUser {
            username: name.into(),
            display_name: name.into(),
            password: format!("{name}{PASSWORD_SUFFIX}"),
            roles,
            fields,
        };
        // Bench accounts skip the password policy (their passwords contain the name).
        insert(s, "bench", new).expect("bench account");
    }
}

pub fn actor(s: &Services, name: &str) -> Actor {
    let user = s.users.user(name).unwrap().unwrap();
    Actor {
        username: user.username,
        display_name: user.display_name,
        roles: user.roles,
        fields: user.fields,
        org: user.org,
        standing: qms::domain::organisation::Standing::Member,
    }
}
