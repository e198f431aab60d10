//! Routing a change: submit to named reviewers and an approver, reviews, the approver's
//! electronic signature (password entered again), rejection and withdrawal.

use chrono::Utc;

use super::{load, refused, require_text};
use crate::domain::ErrorCode;
use crate::domain::change_request::{ChangeStatus, Decision, Signed, Step, next, reviews_complete};
use crate::domain::event::NewEvent;
use crate::domain::{Action, Actor, Resource, Role, authorize};
use crate::error::{AppError, AppResult};
use crate::service::Services;
use crate::service::auth;
use crate::service::ports::{ChangeGuard, ChangeRequestRecord, PortError, SignoffKind, SignoffRecord};

fn involved(cr: &ChangeRequestRecord) -> Resource<'_> {
    Resource::ChangeRequest { author: &cr.author, reviewers: &cr.reviewers, approver: cr.approver.as_deref() }
}

/// Saves a transition with its sign-off and event; 409 if the request changed meanwhile.
fn save(
    services: &Services,
    before: &ChangeRequestRecord,
    after: ChangeRequestRecord,
    signoff: Option<SignoffRecord>,
    event: NewEvent,
) -> AppResult<ChangeRequestRecord> {
    let guard = ChangeGuard { status: before.status, content_hash: &before.content_hash };
    services.changes.update_change_request(&after, guard, false, signoff.as_ref(), &event).map_err(|e| match e {
        PortError::Conflict(_) => {
            AppError::conflict(ErrorCode::ChangeRequestChanged, "Yêu cầu vừa thay đổi; hãy tải lại và thử lại.")
        }
        other => other.into(),
    })?;
    Ok(after)
}

fn event(actor: &Actor, action: &str, cr: &ChangeRequestRecord) -> NewEvent {
    NewEvent::now(&actor.username, action, "change_request", &cr.id.to_string())
}

fn signoff(
    actor: &Actor,
    kind: SignoffKind,
    decision: Decision,
    comment: String,
    cr: &ChangeRequestRecord,
) -> SignoffRecord {
    SignoffRecord {
        kind,
        username: actor.username.clone(),
        display_name: actor.display_name.clone(),
        decision,
        comment,
        content_hash: cr.content_hash.clone(),
        signed_at: Utc::now().naive_utc(),
        voided: false,
    }
}

/// Sends the draft to named reviewers and an approver. 422 when a reviewer or the approver is
/// unknown, disabled, the author, or (approver) lacks the approver role.
pub fn submit(
    services: &Services,
    actor: &Actor,
    id: i32,
    reviewers: Vec<String>,
    approver: String,
) -> AppResult<ChangeRequestRecord> {
    authorize(actor, Action::ManageDocuments, Resource::None)?;
    let cr = load(services, id)?;
    let status = next(cr.status, Step::Submit).map_err(refused)?;
    let mut reviewers: Vec<String> =
        reviewers.into_iter().map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
    reviewers.dedup();
    if reviewers.is_empty() {
        return Err(AppError::unprocessable(ErrorCode::MissingReviewers, "Cần chỉ định ít nhất một người xem xét."));
    }
    for name in &reviewers {
        let user = crate::service::users::get(services, name)?.filter(|u| u.active);
        if user.is_none() || *name == cr.author {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidReviewer,
                format!("Người xem xét {name} không hợp lệ (không tồn tại, đã khóa hoặc là người soạn thảo)."),
            ));
        }
    }
    let approver_user =
        crate::service::users::get(services, &approver)?.filter(|u| u.active && u.roles.contains(&Role::Approver));
    if approver_user.is_none() || approver == cr.author {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidApprover,
            "Người phê duyệt phải là tài khoản có vai trò Lãnh đạo phê duyệt và không phải người soạn thảo.",
        ));
    }
    let after = ChangeRequestRecord {
        status,
        reviewers: reviewers.clone(),
        approver: Some(approver.clone()),
        updated_at: Utc::now().naive_utc(),
        ..cr.clone()
    };
    let detail = format!("reviewers {}; approver {approver}", reviewers.join(","));
    save(services, &cr, after, None, event(actor, "change_request.submit", &cr).detail(detail))
}

/// A signer's decision applies to the content they were shown: `seen` is the content hash the page
/// or client displayed. 409 `content_changed` when the draft was edited since (the author could
/// otherwise swap the text between the signer opening it and signing).
fn require_seen(cr: &ChangeRequestRecord, seen: Option<&str>) -> AppResult<()> {
    match seen.map(str::trim) {
        Some(hash) if hash != cr.content_hash => Err(AppError::conflict(
            ErrorCode::ContentChanged,
            "Nội dung đã được sửa sau khi bạn mở yêu cầu; hãy tải lại, đọc bản hiện tại rồi ký lại.",
        )),
        _ => Ok(()),
    }
}

/// A named reviewer approves the current content or asks for changes (which sends it back to
/// draft). `seen`: the content hash the reviewer was shown (see `require_seen`).
pub fn review(
    services: &Services,
    actor: &Actor,
    id: i32,
    approve: bool,
    comment: &str,
    seen: Option<&str>,
) -> AppResult<ChangeRequestRecord> {
    let cr = load(services, id)?;
    authorize(actor, Action::ReviewChange, involved(&cr))?;
    require_seen(&cr, seen)?;
    let status = next(cr.status, if approve { Step::ApproveReview } else { Step::RequestChanges }).map_err(refused)?;
    let comment = if approve {
        comment.trim().to_owned()
    } else {
        require_text(comment, ErrorCode::MissingComment, "Khi yêu cầu sửa, hãy ghi rõ cần sửa gì.")?
    };
    let decision = if approve { Decision::Approve } else { Decision::RequestChanges };
    let after = ChangeRequestRecord { status, updated_at: Utc::now().naive_utc(), ..cr.clone() };
    let signed = signoff(actor, SignoffKind::Review, decision, comment, &cr);
    save(services, &cr, after, Some(signed), event(actor, &format!("change_request.review.{decision}"), &cr))
}

/// The named approver signs: password entered again, every reviewer's approval on this exact
/// content, and the signature bound to its content hash. `seen`: the content hash the approver
/// was shown (see `require_seen`).
pub fn approve(
    services: &Services,
    actor: &Actor,
    id: i32,
    password: &str,
    comment: &str,
    seen: Option<&str>,
) -> AppResult<ChangeRequestRecord> {
    let cr = load(services, id)?;
    authorize(actor, Action::ApproveChange, involved(&cr))?;
    require_seen(&cr, seen)?;
    let status = next(cr.status, Step::Approve).map_err(refused)?;
    let signoffs = services.changes.signoffs(id)?;
    let reviews: Vec<Signed<'_>> = signoffs
        .iter()
        .filter(|s| s.kind == SignoffKind::Review && !s.voided)
        .map(|s| Signed { by: &s.username, content_hash: &s.content_hash, approves: s.decision.agrees() })
        .collect();
    if !reviews_complete(&cr.reviewers, &reviews, &cr.content_hash) {
        return Err(AppError::conflict(
            ErrorCode::ReviewsPending,
            "Chưa đủ ý kiến đồng ý của người xem xét cho nội dung hiện tại.",
        ));
    }
    auth::confirm_password(services, &actor.username, password)?;
    let after = ChangeRequestRecord { status, updated_at: Utc::now().naive_utc(), ..cr.clone() };
    let signed = signoff(actor, SignoffKind::Approval, Decision::Approved, comment.trim().to_owned(), &cr);
    let bound = if seen.is_some() { "the hash the approver was shown" } else { "no hash given by the client" };
    let detail = format!("signed content {} ({bound})", cr.content_hash);
    save(services, &cr, after, Some(signed), event(actor, "change_request.approve", &cr).detail(detail))
}

/// The named approver rejects the change, with a reason. The request is closed.
pub fn reject(services: &Services, actor: &Actor, id: i32, comment: &str) -> AppResult<ChangeRequestRecord> {
    let cr = load(services, id)?;
    authorize(actor, Action::ApproveChange, involved(&cr))?;
    let status = next(cr.status, Step::Reject).map_err(refused)?;
    let comment = require_text(comment, ErrorCode::MissingComment, "Cần ghi lý do từ chối.")?;
    let after = ChangeRequestRecord { status, updated_at: Utc::now().naive_utc(), ..cr.clone() };
    let signed = signoff(actor, SignoffKind::Approval, Decision::Rejected, comment, &cr);
    save(services, &cr, after, Some(signed), event(actor, "change_request.reject", &cr))
}

/// The secretary withdraws a request that is not closed yet.
pub fn withdraw(services: &Services, actor: &Actor, id: i32, comment: &str) -> AppResult<ChangeRequestRecord> {
    authorize(actor, Action::ManageDocuments, Resource::None)?;
    let cr = load(services, id)?;
    let status: ChangeStatus = next(cr.status, Step::Withdraw).map_err(refused)?;
    let after = ChangeRequestRecord { status, updated_at: Utc::now().naive_utc(), ..cr.clone() };
    save(services, &cr, after, None, event(actor, "change_request.withdraw", &cr).detail(comment.trim().to_owned()))
}
