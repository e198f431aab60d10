//! Opening a change request.

use chrono::Utc;

use super::{content_hash, draft_markdown, require_text, validate};
use crate::domain::ErrorCode;
use crate::domain::change_request::{ChangeKind, ChangeStatus};
use crate::domain::event::NewEvent;
use crate::domain::{Action, Actor, ProcedureCode, ProcedureStatus, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::service::Services;
use crate::service::ports::ChangeRequestRecord;

/// What the secretary asks for.
#[derive(Debug, Clone)]
pub struct NewChange {
    pub code: String,
    pub reason: String,
    pub kind: ChangeKind,
    /// The proposed file; for a revision it defaults to the current file, a creation needs it.
    pub markdown: Option<String>,
}

/// Opens a change request in `draft`. 404 for an unknown procedure, 409 when it is obsolete or
/// (creating) already exists, 422 for a missing reason or an invalid document.
pub fn create(services: &Services, actor: &Actor, new: NewChange) -> AppResult<ChangeRequestRecord> {
    authorize(actor, Action::ManageDocuments, Resource::None)?;
    let reason = require_text(&new.reason, ErrorCode::MissingReason, "Cần ghi lý do thay đổi.")?;
    let code = ProcedureCode::parse(&new.code).ok_or_else(|| {
        AppError::unprocessable(ErrorCode::InvalidCode, "Mã quy trình phải có dạng QT-<LĨNH VỰC>-<NN>.")
    })?;
    let existing = services.index.procedure(code.as_str())?;
    let (base_revision, base_commit) = match (new.kind, &existing) {
        (ChangeKind::Create, Some(_)) => {
            return Err(AppError::conflict(ErrorCode::ProcedureExists, format!("Quy trình {code} đã có.")));
        }
        (ChangeKind::Create, None) => (None, None),
        (_, None) => return Err(AppError::procedure_not_found(code.as_str())),
        (_, Some(p)) if p.status == ProcedureStatus::Obsolete => {
            return Err(AppError::conflict(ErrorCode::ProcedureObsolete, format!("Quy trình {code} đã hết hiệu lực.")));
        }
        (_, Some(p)) => {
            let revision = services
                .index
                .revision(&p.code, p.revision)?
                .ok_or_else(|| AppError::internal("current revision missing"))?;
            (Some(p.revision), Some(revision.commit))
        }
    };
    let markdown = match (new.kind, new.markdown) {
        (ChangeKind::Retire, Some(_)) => {
            return Err(AppError::unprocessable(
                ErrorCode::UnexpectedMarkdown,
                "Yêu cầu thu hồi không kèm nội dung mới.",
            ));
        }
        (ChangeKind::Create, None) => {
            return Err(AppError::unprocessable(ErrorCode::MissingMarkdown, "Cần nội dung quy trình mới (markdown)."));
        }
        (_, given) => given,
    };
    if let Some(markdown) = &markdown {
        validate(services, &code, markdown)?;
    }
    let head = services.store.head()?.ok_or_else(|| AppError::internal("the store has no published branch"))?;
    let now = Utc::now().naive_utc();
    let mut record = ChangeRequestRecord {
        id: 0,
        code: code.to_string(),
        kind: new.kind,
        status: ChangeStatus::Draft,
        reason,
        author: actor.username.clone(),
        base_revision,
        base_commit,
        draft_commit: head,
        content_hash: String::new(),
        reviewers: vec![],
        approver: None,
        published_revision: None,
        published_commit: None,
        created_at: now,
        updated_at: now,
    };
    // A revision or retirement starts from the current file; a creation from the given one.
    if new.kind != ChangeKind::Create {
        record.content_hash = content_hash(&draft_markdown(services, &record)?);
    } else if let Some(markdown) = &markdown {
        record.content_hash = content_hash(markdown);
    }
    let event = NewEvent::now(&actor.username, "change_request.create", "change_request", "").detail(format!(
        "{} {}: {}",
        new.kind.as_str(),
        code,
        record.reason
    ));
    record.id = services.changes.insert_change_request(&record, &event)?;
    match markdown {
        Some(markdown) => super::edit::commit_draft(services, actor, record, &markdown, true),
        None => Ok(record),
    }
}
