//! Corrective actions: planned for one or more nonconformities, started and completed by their
//! owner, verified by someone else. An action that requires a procedure change cannot be completed
//! before a revision of that procedure is published through a change request.

use chrono::{NaiveDate, Utc};

use super::nonconformities::{known_procedures, load as load_nc};
use super::refused;
use crate::domain::ErrorCode;
use crate::domain::change_request::ChangeStatus;
use crate::domain::event::NewEvent;
use crate::domain::nonconformity::{CaStatus, CaStep, NcStatus, next_action};
use crate::domain::{Action, Actor, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::service::Services;
use crate::service::change_control::require_text;
use crate::service::ports::{CaFilter, CaRecord, ChangeFilter, ChangeRequestRecord, PortError};

/// A new corrective action.
#[derive(Debug, Clone)]
pub struct NewCa {
    pub nonconformity_ids: Vec<i32>,
    pub action: String,
    pub owner: String,
    pub due_date: NaiveDate,
    pub verify_after: Option<NaiveDate>,
    pub requires_change_of: Option<String>,
}

pub fn load(services: &Services, id: i32) -> AppResult<CaRecord> {
    services.nonconformities.ca(id)?.ok_or_else(|| {
        AppError::not_found(ErrorCode::CorrectiveActionNotFound, format!("Không có hành động khắc phục số {id}."))
    })
}

/// Plans an action for open nonconformities. 422 for an unknown owner or procedure or a missing
/// description; 409 when a nonconformity is already closed.
pub fn create(services: &Services, actor: &Actor, new: NewCa) -> AppResult<CaRecord> {
    authorize(actor, Action::ManageNonconformities, Resource::None)?;
    let action = require_text(&new.action, ErrorCode::MissingAction, "Cần mô tả hành động khắc phục.")?;
    if new.nonconformity_ids.is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::MissingNonconformity,
            "Hành động khắc phục phải gắn với ít nhất một sự không phù hợp.",
        ));
    }
    for id in &new.nonconformity_ids {
        if load_nc(services, *id)?.status == NcStatus::Closed {
            return Err(AppError::conflict(
                ErrorCode::NonconformityClosed,
                format!("Sự không phù hợp số {id} đã đóng."),
            ));
        }
    }
    if crate::service::users::get(services, &new.owner)?.filter(|u| u.active).is_none() {
        return Err(AppError::unprocessable(
            ErrorCode::UnknownOwner,
            format!("Không có người thực hiện {}.", new.owner),
        ));
    }
    let requires_change_of = match new.requires_change_of.filter(|c| !c.trim().is_empty()) {
        Some(code) => Some(known_procedures(services, &[code.trim().to_owned()])?.remove(0)),
        None => None,
    };
    let mut ca = CaRecord {
        id: 0,
        action,
        owner: new.owner,
        due_date: new.due_date,
        verify_after: new.verify_after,
        requires_change_of,
        change_request_id: None,
        status: CaStatus::Planned,
        evidence: String::new(),
        verification_comment: String::new(),
        verified_by: None,
        verified_at: None,
        created_by: actor.username.clone(),
        created_at: Utc::now().naive_utc(),
        completed_at: None,
        nonconformities: new.nonconformity_ids,
    };
    let nc_list: Vec<String> = ca.nonconformities.iter().map(|n| n.to_string()).collect();
    let event = NewEvent::now(&actor.username, "corrective_action.create", "corrective_action", "")
        .detail(format!("for nonconformities {}", nc_list.join(",")));
    ca.id = services.nonconformities.insert_ca(&ca, &event)?;
    Ok(ca)
}

/// The owner or a document controller moves an action along.
fn may_work_on(actor: &Actor, ca: &CaRecord) -> AppResult<()> {
    if ca.owner == actor.username || authorize(actor, Action::ManageNonconformities, Resource::None).is_ok() {
        Ok(())
    } else {
        Err(AppError::forbidden(ErrorCode::Forbidden, "Chỉ người thực hiện hoặc Thư ký ISO cập nhật hành động này."))
    }
}

fn save(services: &Services, before: CaStatus, ca: CaRecord, event: NewEvent) -> AppResult<CaRecord> {
    services.nonconformities.update_ca(&ca, before, &event).map_err(|e| match e {
        PortError::Conflict(_) => {
            AppError::conflict(ErrorCode::CorrectiveActionChanged, "Hành động vừa được cập nhật; hãy tải lại.")
        }
        other => other.into(),
    })?;
    Ok(ca)
}

pub fn start(services: &Services, actor: &Actor, id: i32) -> AppResult<CaRecord> {
    let mut ca = load(services, id)?;
    may_work_on(actor, &ca)?;
    let before = ca.status;
    ca.status = next_action(ca.status, CaStep::Start).map_err(refused)?;
    save(
        services,
        before,
        ca,
        NewEvent::now(&actor.username, "corrective_action.start", "corrective_action", &id.to_string()),
    )
}

/// Whether linked change request `cr` is published and counts for this action: published after
/// the action was planned. A revision published before then cannot be the correction of a
/// problem found later.
fn published_for(ca: &CaRecord, cr: &ChangeRequestRecord) -> bool {
    cr.status == ChangeStatus::Published && cr.updated_at >= ca.created_at
}

/// Whether an unlinked published change request of the procedure was made for this action:
/// opened after the action was planned (a change already under way, or someone else's fix of
/// the same procedure, is linked explicitly if it is meant to count).
fn opened_for(ca: &CaRecord, cr: &ChangeRequestRecord) -> bool {
    cr.status == ChangeStatus::Published && cr.created_at >= ca.created_at
}

/// The published change request that carries the required procedure change, if there is one:
/// the linked request, or else a request for that procedure published after the action was planned.
fn published_change(services: &Services, ca: &CaRecord, code: &str) -> AppResult<Option<i32>> {
    if let Some(cr_id) = ca.change_request_id {
        let cr = services.changes.change_request(cr_id)?;
        return Ok(cr.filter(|c| published_for(ca, c)).map(|c| c.id));
    }
    let filter = ChangeFilter {
        status: Some(ChangeStatus::Published),
        code: Some(code.to_owned()),
        limit: 100,
        ..Default::default()
    };
    let found = services.changes.change_requests(&filter)?.0.into_iter().find(|c| opened_for(ca, c));
    Ok(found.map(|c| c.id))
}

/// Completes an action with its evidence. 409 `change_not_published` while the procedure change
/// it requires is not published.
pub fn complete(services: &Services, actor: &Actor, id: i32, evidence: &str) -> AppResult<CaRecord> {
    let mut ca = load(services, id)?;
    may_work_on(actor, &ca)?;
    let before = ca.status;
    ca.status = next_action(ca.status, CaStep::Complete).map_err(refused)?;
    ca.evidence = require_text(evidence, ErrorCode::MissingEvidence, "Cần ghi bằng chứng đã thực hiện.")?;
    if let Some(code) = ca.requires_change_of.clone() {
        match published_change(services, &ca, &code)? {
            Some(cr_id) => ca.change_request_id = Some(cr_id),
            None => {
                return Err(AppError::conflict(
                    ErrorCode::ChangeNotPublished,
                    format!(
                        "Hành động này yêu cầu sửa đổi {code}; chỉ hoàn thành được sau khi bản sửa đổi được ban hành."
                    ),
                ));
            }
        }
    }
    ca.completed_at = Some(Utc::now().naive_utc());
    save(
        services,
        before,
        ca,
        NewEvent::now(&actor.username, "corrective_action.complete", "corrective_action", &id.to_string()),
    )
}

/// Verifies effectiveness: not by the owner (403), not before `verify_after` (409 `too_early`).
/// "Not effective" reopens the action.
pub fn verify(services: &Services, actor: &Actor, id: i32, effective: bool, comment: &str) -> AppResult<CaRecord> {
    let mut ca = load(services, id)?;
    authorize(actor, Action::VerifyCorrectiveAction, Resource::CorrectiveAction { owner: &ca.owner })?;
    let before = ca.status;
    ca.status = next_action(ca.status, CaStep::Verify { effective }).map_err(refused)?;
    let today = Utc::now().date_naive();
    if let Some(after) = ca.verify_after.filter(|d| *d > today) {
        return Err(AppError::conflict(ErrorCode::TooEarly, format!("Chỉ xác nhận hiệu lực từ ngày {after}.")));
    }
    ca.verification_comment = if effective {
        comment.trim().to_owned()
    } else {
        require_text(comment, ErrorCode::MissingComment, "Cần ghi lý do hành động chưa hiệu quả.")?
    };
    ca.verified_by = Some(actor.username.clone());
    ca.verified_at = Some(Utc::now().naive_utc());
    let action = if effective { "corrective_action.verified_effective" } else { "corrective_action.not_effective" };
    save(services, before, ca, NewEvent::now(&actor.username, action, "corrective_action", &id.to_string()))
}

/// Links the change request that carries the action's procedure change.
pub fn link_change(services: &Services, actor: &Actor, id: i32, change_request_id: i32) -> AppResult<CaRecord> {
    let mut ca = load(services, id)?;
    may_work_on(actor, &ca)?;
    let cr = services.changes.change_request(change_request_id)?.ok_or_else(|| {
        AppError::unprocessable(
            ErrorCode::UnknownChangeRequest,
            format!("Không có yêu cầu thay đổi số {change_request_id}."),
        )
    })?;
    if ca.requires_change_of.as_deref().is_some_and(|code| code != cr.code) {
        return Err(AppError::unprocessable(
            ErrorCode::WrongProcedure,
            "Yêu cầu thay đổi không thuộc quy trình cần sửa.",
        ));
    }
    if cr.status == ChangeStatus::Published && !published_for(&ca, &cr) {
        return Err(AppError::unprocessable(
            ErrorCode::ChangePublishedBeforeAction,
            format!("Yêu cầu thay đổi số {} đã ban hành trước khi lập hành động này; cần một bản sửa đổi mới.", cr.id),
        ));
    }
    ca.requires_change_of.get_or_insert(cr.code.clone());
    ca.change_request_id = Some(cr.id);
    let status = ca.status;
    let event = NewEvent::now(&actor.username, "corrective_action.link_change", "corrective_action", &id.to_string())
        .detail(format!("change request {}", cr.id));
    save(services, status, ca, event)
}

pub fn list(services: &Services, filter: &CaFilter) -> AppResult<(Vec<CaRecord>, i64)> {
    Ok(services.nonconformities.cas(filter)?)
}
