//! Fault points for crash testing: when `QMS_FAULT` names a point, the process aborts there, as
//! a power cut or `kill -9` would. Unset (always, in normal use) they do nothing.

/// Aborts the process if `QMS_FAULT` equals `point`.
pub fn point(point: &str) {
    if std::env::var("QMS_FAULT").is_ok_and(|wanted| wanted == point) {
        eprintln!("qms: fault injected at {point}; aborting");
        std::process::abort();
    }
}
