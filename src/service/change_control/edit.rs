//! Editing a draft: each save is a commit on the request's own ref, and voids every review and
//! the approval given on earlier content.

use chrono::Utc;

use super::{code_of, content_hash, load, refused, signature, validate};
use crate::domain::ErrorCode;
use crate::domain::change_request::{Step, next};
use crate::domain::event::NewEvent;
use crate::domain::{Action, Actor, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::service::Services;
use crate::service::ports::{ChangeGuard, ChangeRequestRecord, CommitRequest, PortError, draft_ref};

/// Replaces the draft's content. 409 when the request is closed or the draft moved meanwhile,
/// 422 when the document breaks a rule of `qms check`.
pub fn save_content(services: &Services, actor: &Actor, id: i32, markdown: &str) -> AppResult<ChangeRequestRecord> {
    authorize(actor, Action::ManageDocuments, Resource::None)?;
    let cr = load(services, id)?;
    next(cr.status, Step::EditContent).map_err(refused)?;
    if !cr.kind.has_content() {
        return Err(AppError::conflict(ErrorCode::RetireHasNoContent, "Yêu cầu thu hồi không có nội dung để sửa."));
    }
    validate(services, &code_of(&cr)?, markdown)?;
    commit_draft(services, actor, cr, markdown, false)
}

/// Commits `markdown` on the draft ref and records it, voiding earlier sign-offs. `first` marks
/// the content given when the request was opened (not an edit).
pub fn commit_draft(
    services: &Services,
    actor: &Actor,
    cr: ChangeRequestRecord,
    markdown: &str,
    first: bool,
) -> AppResult<ChangeRequestRecord> {
    let hash = content_hash(markdown);
    if hash == cr.content_hash && !first {
        return Ok(cr);
    }
    let unchanged = super::draft_markdown(services, &cr).is_ok_and(|current| current == markdown);
    let draft_commit = if unchanged { cr.draft_commit.clone() } else { commit_on_ref(services, actor, &cr, markdown)? };
    let status = if first { cr.status } else { next(cr.status, Step::EditContent).map_err(refused)? };
    let updated = ChangeRequestRecord {
        draft_commit,
        content_hash: hash,
        status,
        updated_at: Utc::now().naive_utc(),
        ..cr.clone()
    };
    let event = NewEvent::now(&actor.username, "change_request.edit", "change_request", &cr.id.to_string())
        .detail(format!("content {}", &updated.content_hash[..12]));
    let guard = ChangeGuard { status: cr.status, content_hash: &cr.content_hash };
    services.changes.update_change_request(&updated, guard, true, None, &event).map_err(|e| match e {
        PortError::Conflict(_) => {
            AppError::conflict(ErrorCode::DraftChanged, "Yêu cầu vừa được cập nhật bởi người khác; hãy tải lại trang.")
        }
        other => other.into(),
    })?;
    Ok(updated)
}

/// One commit of the draft on the request's own ref; 409 if another save moved the ref meanwhile.
fn commit_on_ref(services: &Services, actor: &Actor, cr: &ChangeRequestRecord, markdown: &str) -> AppResult<String> {
    let reference = draft_ref(cr.id);
    let request = CommitRequest {
        reference: reference.clone(),
        parent: Some(cr.draft_commit.clone()),
        // The ref, once created, always holds the draft the database knows: anything else means
        // another save won the race.
        expected: services.store.ref_target(&reference)?.map(|_| cr.draft_commit.clone()),
        files: vec![(code_of(cr)?.path(), markdown.to_owned())],
        deletions: vec![],
        message: format!("Dự thảo yêu cầu thay đổi số {} ({})\n\nChange-request: {}\n", cr.id, cr.code, cr.id),
        author: signature(actor),
        when: None,
    };
    match services.store.commit(&request) {
        Ok(stored) => Ok(stored.commit),
        Err(PortError::Conflict(_)) => {
            Err(AppError::conflict(ErrorCode::DraftChanged, "Dự thảo vừa được người khác sửa; hãy tải lại trang."))
        }
        Err(e) => Err(e.into()),
    }
}
