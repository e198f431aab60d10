//! Document change control: change requests to revise, create or retire a procedure, their
//! drafts on their own git refs, review, electronic approval bound to the content hash, and
//! publishing as one atomic commit on the published branch.

pub mod create;
pub mod edit;
pub mod publish;
pub mod view;
pub mod workflow;

use sha2::{Digest, Sha256};

use super::ports::{ChangeRequestRecord, Signature};
use super::{Services, catalog};
use crate::check::{Problem, SourceFile, check_document};
use crate::domain::ErrorCode;
use crate::domain::change_request::Refused;
use crate::domain::{Actor, ProcedureCode};
use crate::error::{AppError, AppResult};

/// The largest procedure file accepted, in bytes.
pub const MAX_MARKDOWN: usize = 512 * 1024;

/// What reviews and approvals are bound to: the SHA-256 of the exact Markdown.
pub fn content_hash(markdown: &str) -> String {
    hex::encode(Sha256::digest(markdown.as_bytes()))
}

/// How a user appears as the author of git commits.
pub fn signature(actor: &Actor) -> Signature {
    Signature { name: actor.display_name.clone(), email: format!("{}@qms", actor.username) }
}

pub fn load(services: &Services, id: i32) -> AppResult<ChangeRequestRecord> {
    services.changes.change_request(id)?.ok_or_else(|| {
        AppError::not_found(ErrorCode::ChangeRequestNotFound, format!("Không có yêu cầu thay đổi số {id}."))
    })
}

pub fn refused(r: Refused) -> AppError {
    AppError::conflict(r.code, r.message)
}

/// The draft's Markdown as stored on its git ref.
pub fn draft_markdown(services: &Services, cr: &ChangeRequestRecord) -> AppResult<String> {
    // A retirement's draft is the procedure as it stood, in its field folder.
    Ok(services.store.read_file(&cr.draft_commit, &code_of(cr)?.path())?.0)
}

pub fn code_of(cr: &ChangeRequestRecord) -> AppResult<ProcedureCode> {
    ProcedureCode::parse(&cr.code)
        .ok_or_else(|| AppError::internal(format!("stored change request {} has a bad code", cr.id)))
}

/// Every rule of `qms check` that `markdown` breaks as the file of procedure `code`.
pub fn problems(services: &Services, code: &ProcedureCode, markdown: &str) -> AppResult<Vec<Problem>> {
    let file = SourceFile { path: code.path().into(), text: markdown.to_owned() };
    Ok(check_document(&file, &catalog::reference(services)?.data).1)
}

/// 413 `document_too_large` for a file over `MAX_MARKDOWN`: the bound on what checking and
/// rendering one document may cost.
pub fn require_size(markdown: &str) -> AppResult<()> {
    if markdown.len() > MAX_MARKDOWN {
        return Err(AppError::new(
            crate::error::ErrorKind::PayloadTooLarge,
            ErrorCode::DocumentTooLarge,
            "Tài liệu quá lớn (tối đa 512 KB).",
        ));
    }
    Ok(())
}

/// 422 `invalid_document` listing every problem, or nothing.
pub fn validate(services: &Services, code: &ProcedureCode, markdown: &str) -> AppResult<()> {
    require_size(markdown)?;
    let found = problems(services, code, markdown)?;
    if found.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = found.iter().map(|p| format!("dòng {}: {}", p.line, p.message)).collect();
    Err(AppError::unprocessable(
        ErrorCode::InvalidDocument,
        format!("Tài liệu chưa đúng quy định: {}", list.join("; ")),
    ))
}

pub fn require_text(value: &str, code: ErrorCode, message: &'static str) -> AppResult<String> {
    let trimmed = value.trim();
    // A NUL byte would end the text early wherever it is stored as a C string (git's messages).
    if trimmed.is_empty() || trimmed.chars().count() > 4000 || trimmed.contains('\0') {
        return Err(AppError::unprocessable(code, message));
    }
    Ok(trimmed.to_owned())
}
