//! `qms import [DIR]`: imports procedures the store does not hold yet, as their first revision.

use std::path::Path;
use std::process::ExitCode;

use crate::app;
use crate::config::Settings;
use crate::domain::organisation::FIRST_ORG;
use crate::service::import::import_tree;

pub fn run(settings: Settings, dir: &Path) -> ExitCode {
    let started = match app::start(Settings { procedures_dir: dir.to_path_buf(), ..settings }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("qms import: {}", e.message);
            return ExitCode::FAILURE;
        }
    };
    // On a first start `app::start` has already imported the tree; importing again adds nothing.
    let imported = match started.imported {
        Some(done) => Ok(done),
        None => started.state.deployment.services(FIRST_ORG).and_then(|first| import_tree(&first, dir, "admin")),
    };
    match imported {
        Ok(done) => {
            for p in &done.refused {
                println!("bỏ qua / skipped: {p}");
            }
            println!(
                "Đã nhập {} quy trình mới, {} đã có sẵn / imported {} new, {} already present.",
                done.procedures.len(),
                done.already_present,
                done.procedures.len(),
                done.already_present
            );
            if done.refused.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(e) => {
            eprintln!("qms import: {}", e.message);
            ExitCode::FAILURE
        }
    }
}
