//! Importing a procedure tree into the store: reference data first, then one commit per
//! procedure as its first published revision. Files `qms check` refuses are reported, not imported.

use std::path::Path;

use super::Services;
use super::ports::{CommitRequest, Signature};
use super::reconcile::index_new_commit;
use super::trailers as t;
use crate::check::reference::{CALENDAR_FILE, FIELDS_FILE, LEGAL_BASES_FILE};
use crate::check::{Problem, check_tree};
use crate::domain::ErrorCode;
use crate::domain::ProcedureCode;
use crate::domain::event::NewEvent;
use crate::error::{AppError, AppResult};
use crate::markdown::parse_document;

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    pub procedures: Vec<String>,
    pub already_present: usize,
    /// Problems of the files left out.
    pub refused: Vec<Problem>,
}

fn system_signature() -> Signature {
    Signature { name: "qms".into(), email: "qms@localhost".into() }
}

/// Imports every valid procedure of `dir` that the store does not hold yet. `published_by` is the
/// account recorded as publisher.
pub fn import_tree(services: &Services, dir: &Path, published_by: &str) -> AppResult<Imported> {
    let report = check_tree(dir).map_err(|e| {
        AppError::bad_request(ErrorCode::ProceduresUnreadable, format!("không đọc được {}: {e}", dir.display()))
    })?;
    let mut outcome = Imported { refused: report.problems.clone(), ..Default::default() };
    let reference_ok = !report.problems.iter().any(|p| p.rule == crate::check::Rule::ReferenceData);
    if reference_ok && let Some(files) = changed_reference(services, dir)? {
        let message = t::message(
            "Danh mục lĩnh vực và văn bản pháp lý",
            "Dữ liệu tham chiếu của hệ thống tài liệu.",
            &[(t::CHANGE, "reference-data".into()), (t::PUBLISHED_BY, published_by.into())],
        );
        commit_and_index(services, files, message, None, None)?;
    }
    for file in report.clean_files() {
        let Ok(doc) = parse_document(&file.text) else {
            continue;
        };
        let Some(code) = ProcedureCode::parse(&doc.front.code) else {
            continue;
        };
        if services.index.procedure(code.as_str())?.is_some() {
            outcome.already_present += 1;
            continue;
        }
        let subject = format!("{} lần ban hành {}: {}", code, doc.front.revision, doc.front.title);
        let message = t::message(
            &subject,
            "Nhập từ bộ tài liệu hiện hành khi đưa hệ thống vào sử dụng.",
            &[
                (t::PROCEDURE, code.to_string()),
                (t::REVISION, doc.front.revision.to_string()),
                (t::EFFECTIVE_DATE, doc.front.effective_date.to_string()),
                (t::CHANGE, "import".into()),
                (t::SUMMARY, "Ban hành lần đầu".into()),
                (t::PREPARED_BY, doc.front.owner.clone()),
                (t::PUBLISHED_BY, published_by.into()),
            ],
        );
        let event = NewEvent::now(published_by, "procedure.import", "procedure", code.as_str())
            .detail(format!("revision {}", doc.front.revision));
        // Dated at its effective date: the revision was issued then, not on the day of import.
        let issued = doc.front.effective_date.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
        commit_and_index(services, vec![(code.path(), file.text.clone())], message, Some(&event), issued)?;
        outcome.procedures.push(code.to_string());
    }
    Ok(outcome)
}

/// The reference files of `dir` when they differ from the store's (always on first import).
fn changed_reference(services: &Services, dir: &Path) -> AppResult<Option<Vec<(String, String)>>> {
    let head = services.store.head()?;
    let mut files = Vec::new();
    let mut changed = false;
    // The calendar is optional: it travels with the corpus when the corpus has one.
    let calendar = dir.join(CALENDAR_FILE).exists().then_some(CALENDAR_FILE);
    for name in [Some(FIELDS_FILE), Some(LEGAL_BASES_FILE), calendar].into_iter().flatten() {
        let text = std::fs::read_to_string(dir.join(name)).map_err(|e| AppError::internal(format!("{name}: {e}")))?;
        let stored = head.as_deref().and_then(|h| services.store.read_file(h, name).ok()).map(|(s, _)| s);
        changed |= stored.as_deref() != Some(text.as_str());
        files.push((name.to_owned(), text));
    }
    Ok(changed.then_some(files))
}

fn commit_and_index(
    services: &Services,
    files: Vec<(String, String)>,
    message: String,
    event: Option<&NewEvent>,
    when: Option<i64>,
) -> AppResult<()> {
    let head = services.store.head()?;
    let request = CommitRequest { when, ..CommitRequest::published(head.clone(), files, message, system_signature()) };
    let stored = services.store.commit(&request)?;
    index_new_commit(services, head.as_deref(), &stored, event)
}
