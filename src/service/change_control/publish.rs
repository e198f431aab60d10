//! Publishing: one commit on the published branch (compare-and-swap on the ref) carrying the new
//! revision, its effective date and the signatures in trailers; then the index in one database
//! transaction. If the process dies between the two, the reconcile step at start-up replays the
//! commit, so git and the database always end up agreeing.

use chrono::NaiveDate;

use super::{code_of, draft_markdown, load, refused, require_text, signature, validate};
use crate::domain::ErrorCode;
use crate::domain::change_request::{ChangeKind, Decision, Step, check_effective_date, next};
use crate::domain::event::NewEvent;
use crate::domain::{Action, Actor, ProcedureStatus, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::markdown::set_front_matter_values;
use crate::service::ports::{ChangeRequestRecord, CommitRequest, PortError, SignoffKind};
use crate::service::reconcile::index_new_commit;
use crate::service::trailers as t;
use crate::service::{Services, catalog};

/// What the secretary gives when publishing.
#[derive(Debug, Clone)]
pub struct PublishInput {
    pub effective_date: Option<NaiveDate>,
    pub summary: String,
}

fn stale(message: String) -> AppError {
    AppError::conflict(ErrorCode::StaleRevision, message)
}

/// Publishes an approved change. 409 `approval_stale` when the approval does not cover the
/// current content, 409 `stale_revision` when the procedure moved on since the request was made.
pub fn publish(services: &Services, actor: &Actor, id: i32, input: PublishInput) -> AppResult<catalog::ProcedureView> {
    authorize(actor, Action::ManageDocuments, Resource::None)?;
    let summary = require_text(
        &input.summary,
        ErrorCode::MissingSummary,
        "Cần tóm tắt nội dung sửa đổi (dòng trong bảng theo dõi sửa đổi).",
    )?;
    let _one_at_a_time = services.publishing.hold();
    let cr = load(services, id)?;
    next(cr.status, Step::Publish).map_err(|r| {
        if cr.status.is_closed() {
            refused(r)
        } else {
            AppError::conflict(ErrorCode::ApprovalStale, approval_missing_message(&cr))
        }
    })?;
    let signoffs = services.changes.signoffs(id)?;
    let approval = signoffs
        .iter()
        .rev()
        .find(|s| {
            s.kind == SignoffKind::Approval
                && !s.voided
                && s.decision == Decision::Approved
                && s.content_hash == cr.content_hash
        })
        .ok_or_else(|| AppError::conflict(ErrorCode::ApprovalStale, approval_missing_message(&cr)))?;
    let code = code_of(&cr)?;
    let current = services.index.procedure(code.as_str())?;
    let new_revision = match (cr.kind, &current) {
        (ChangeKind::Create, None) => 1,
        (ChangeKind::Create, Some(_)) => {
            return Err(stale(format!("Quy trình {code} đã được tạo bởi một yêu cầu khác.")));
        }
        (_, Some(p)) if p.status == ProcedureStatus::Effective && Some(p.revision) == cr.base_revision => {
            if cr.kind == ChangeKind::Retire { p.revision } else { p.revision + 1 }
        }
        (_, Some(p)) => {
            return Err(stale(format!(
                "Quy trình {code} đã thay đổi (hiện là lần ban hành {}) kể từ khi lập yêu cầu; hãy lập yêu cầu mới trên phiên bản hiện hành.",
                p.revision
            )));
        }
        (_, None) => return Err(AppError::procedure_not_found(code.as_str())),
    };
    let today = chrono::Utc::now().date_naive();
    let previous_effective = current.as_ref().map(|p| p.effective_date);
    let effective = input.effective_date.unwrap_or_else(|| today.max(previous_effective.unwrap_or(today)));
    check_effective_date(effective, approval.signed_at.date(), previous_effective, today)
        .map_err(|r| AppError::unprocessable(r.code, r.message))?;
    let draft = draft_markdown(services, &cr)?;
    let head = services.store.head()?;
    let (files, deletions) = match cr.kind {
        ChangeKind::Retire => (vec![(code.obsolete_path(), draft)], vec![code.path()]),
        _ => {
            let values = [("revision", new_revision.to_string()), ("effective_date", effective.to_string())];
            let published = set_front_matter_values(&draft, &values)
                .map_err(|e| AppError::unprocessable(ErrorCode::InvalidDocument, e.message))?;
            validate(services, &code, &published)?;
            (vec![(code.path(), published)], vec![])
        }
    };
    let reviewers: Vec<String> = signoffs
        .iter()
        .filter(|s| {
            s.kind == SignoffKind::Review
                && !s.voided
                && s.decision == Decision::Approve
                && s.content_hash == cr.content_hash
        })
        .map(|s| format!("{} ({})", s.display_name, s.signed_at.date()))
        .collect();
    let author = services.users.user(&cr.author)?.map_or(cr.author.clone(), |u| u.display_name);
    let subject = match cr.kind {
        ChangeKind::Retire => format!("{code}: thu hồi, hết hiệu lực từ {effective}"),
        _ => format!("{code} lần ban hành {new_revision}: {summary}"),
    };
    let message = t::message(
        &subject,
        &cr.reason,
        &[
            (t::PROCEDURE, code.to_string()),
            (t::REVISION, new_revision.to_string()),
            (t::EFFECTIVE_DATE, effective.to_string()),
            (t::CHANGE, cr.kind.as_str().into()),
            (t::CHANGE_REQUEST, cr.id.to_string()),
            (t::SUMMARY, summary.clone()),
            (t::PREPARED_BY, author),
            (t::REVIEWED_BY, reviewers.join("; ")),
            (t::APPROVED_BY, format!("{} ({})", approval.display_name, approval.signed_at.date())),
            (t::CONTENT_HASH, cr.content_hash.clone()),
            (t::PUBLISHED_BY, actor.display_name.clone()),
        ],
    );
    let request =
        CommitRequest { files, deletions, ..CommitRequest::published(head.clone(), vec![], message, signature(actor)) };
    crate::fault::point("publish.before_git");
    let stored = services.store.commit(&request).map_err(|e| match e {
        PortError::Conflict(_) => {
            stale("Kho tài liệu vừa được cập nhật bởi một lần ban hành khác; hãy thử lại.".into())
        }
        other => other.into(),
    })?;
    crate::fault::point("publish.after_git");
    let event = NewEvent::now(&actor.username, "procedure.publish", "procedure", code.as_str())
        .detail(format!("change request {}; revision {new_revision}; commit {}", cr.id, stored.commit));
    index_new_commit(services, head.as_deref(), &stored, Some(&event))?;
    crate::service::search::reindex(services, &[code.as_str()])?;
    match cr.kind {
        ChangeKind::Retire => catalog::current(services, code.as_str()),
        _ => catalog::at_revision(services, code.as_str(), new_revision),
    }
}

fn approval_missing_message(cr: &ChangeRequestRecord) -> String {
    format!(
        "Yêu cầu số {} chưa được phê duyệt cho nội dung hiện tại (trạng thái: {}); cần phê duyệt lại trước khi ban hành.",
        cr.id,
        cr.status.as_str()
    )
}
