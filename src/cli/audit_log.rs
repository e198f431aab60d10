//! `qms audit-log verify`: recomputes the event log's hash chain and names the first broken row.

use std::process::ExitCode;

use crate::app;
use crate::config::Settings;
use crate::error::AppResult;
use crate::service::Services;
use crate::service::audit_log::verify;

pub fn run(settings: Settings) -> ExitCode {
    // Anchor what is there first: verification then also covers the newest entries, and a
    // later removal of them is caught by the next verification.
    let deployment = match app::open(&settings) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("qms audit-log: {}", e.message);
            return ExitCode::from(2);
        }
    };
    // Each organisation's log is a chain of its own, anchored in its own store.
    let orgs = deployment.all();
    let mut worst = ExitCode::SUCCESS;
    for org in &orgs {
        if orgs.len() > 1 {
            println!("{} ({}):", org.name, org.slug);
        }
        let code = verify_one(deployment.services(org.id));
        if code != ExitCode::SUCCESS && worst != ExitCode::from(2) {
            worst = code;
        }
    }
    worst
}

fn verify_one(services: AppResult<std::sync::Arc<Services>>) -> ExitCode {
    let outcome = services.and_then(|services| {
        // A read-only copy of the data cannot take a new anchor; it is still verified.
        if let Err(e) = crate::service::audit_log::anchor(&services) {
            eprintln!("qms audit-log: không ghi được mốc mới / could not write a new anchor: {}", e.message);
        }
        verify(&services)
    });
    match outcome {
        Ok(v) => match v.broken {
            None => {
                println!(
                    "Nhật ký sự kiện toàn vẹn / event log intact: {} entries verified, {} anchors in the git store match.",
                    v.checked, v.anchors
                );
                ExitCode::SUCCESS
            }
            Some(link) => {
                println!(
                    "Nhật ký sự kiện bị sửa đổi / event log BROKEN at event id {}: {} ({} earlier entries are intact).",
                    link.id, link.reason, v.checked
                );
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("qms audit-log: {}", e.message);
            ExitCode::from(2)
        }
    }
}
