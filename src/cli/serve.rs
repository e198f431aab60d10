//! `qms serve`: start-up (reconcile, first import, first admin) then the HTTP server.

use std::process::ExitCode;
use std::time::Duration;

use actix_web::HttpServer;

use crate::app::{self, Startup};
use crate::config::Settings;
use crate::service::audit_log;

/// Threads each HTTP worker may start for blocking work (database, git, password hashing). Work
/// past this waits in a queue, as it would for one of the few database connections anyway. The
/// default (hundreds) let a burst of requests start a thread each, every one with its own stack
/// and allocator heap, and let a burst of sign-ins hash that many passwords at once, 19 MB each.
const BLOCKING_THREADS_PER_WORKER: usize = 4;

/// How often the event log's newest entry is anchored in the git store while it grows.
const ANCHOR_EVERY: Duration = Duration::from_secs(5);

/// Anchors each organisation's event log in its own git store.
fn anchor_every_log(state: &app::AppState) {
    for org in state.deployment.all() {
        if let Err(e) = state.deployment.services(org.id).and_then(|s| audit_log::anchor(&s)) {
            log::warn!("could not anchor the event log of {}: {e}", org.slug);
        }
    }
}

/// Anchors the event log every `ANCHOR_EVERY` (writing only when new events were appended), so
/// at most the last few seconds of events are not yet protected against removal.
fn spawn_anchoring(state: actix_web::web::Data<app::AppState>) {
    std::thread::Builder::new()
        .name("event-anchor".into())
        .spawn(move || {
            loop {
                anchor_every_log(&state);
                std::thread::sleep(ANCHOR_EVERY);
            }
        })
        .map(|_| ())
        .unwrap_or_else(|e| log::error!("event anchoring not started: {e}"));
}

pub fn run(settings: Settings) -> ExitCode {
    let listen = settings.listen.clone();
    let workers = settings.workers;
    let data_dir = settings.data_dir.display().to_string();
    let procedures_dir = settings.procedures_dir.display().to_string();
    let backend = if settings.database_url().starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let Startup { state, reconciled, imported, first_admin } = match app::start(settings) {
        Ok(started) => started,
        Err(e) => {
            eprintln!("qms: không khởi động được / could not start: {}", e.message);
            return ExitCode::FAILURE;
        }
    };
    println!(
        "qms {} — dữ liệu / data: {data_dir} ({backend}), kho git / git store: {data_dir}/procedures.git",
        env!("CARGO_PKG_VERSION")
    );
    if reconciled.commits_read > 0 {
        println!(
            "Đã đối chiếu chỉ mục với kho git: {} commit / index reconciled from git: {} commits.",
            reconciled.commits_read, reconciled.commits_read
        );
    }
    if let Some(imported) = imported {
        println!(
            "Đã nhập {} quy trình từ {procedures_dir} (lần ban hành đầu tiên) / imported {} procedures.",
            imported.procedures.len(),
            imported.procedures.len()
        );
        for problem in &imported.refused {
            println!("  bỏ qua / skipped: {problem}");
        }
    }
    if let Some((username, password)) = first_admin {
        println!("Tài khoản quản trị đầu tiên / first admin account:");
        println!("  tên đăng nhập / username: {username}");
        match password {
            Some(p) => {
                println!("  mật khẩu / password:      {p}");
                println!("  (chỉ hiển thị một lần này — hãy lưu lại / shown only this once — keep it safe)");
            }
            None => println!("  mật khẩu / password: lấy từ QMS_ADMIN_PASSWORD / taken from QMS_ADMIN_PASSWORD"),
        }
    }
    spawn_anchoring(state.clone());
    let factory_state = state.clone();
    let mut server = HttpServer::new(move || app::build(factory_state.clone()))
        .worker_max_blocking_threads(BLOCKING_THREADS_PER_WORKER);
    if let Some(n) = workers {
        server = server.workers(n.max(1));
    }
    let server = match server.bind(&listen) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("qms: không mở được cổng {listen} / cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Đang phục vụ tại / serving at http://{listen}  (Ctrl+C để dừng / to stop)");
    let served = actix_web::rt::System::new().block_on(server.run());
    // The events of the last seconds before the stop are anchored too.
    anchor_every_log(&state);
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qms: {e}");
            ExitCode::FAILURE
        }
    }
}
