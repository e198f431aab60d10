//! Periodic review: each procedure is reviewed every `review_interval_months`; "reviewed, no
//! change" moves its due date without a new revision, "change needed" is recorded for a change
//! request to follow.

use chrono::{Months, Utc};

use super::Services;
use super::catalog::procedure_record;
use super::change_control::require_text;
use super::ports::{PeriodicReview, ProcedureFilter, ProcedureRecord};
use crate::domain::ErrorCode;
use crate::domain::event::NewEvent;
use crate::domain::{Action, Actor, ProcedureStatus, Resource, authorize};
use crate::error::{AppError, AppResult};

/// Records a periodic review of the current revision. 422 for an unknown outcome or a missing
/// comment when a change is needed; 409 for an obsolete procedure.
pub fn record(
    services: &Services,
    actor: &Actor,
    code: &str,
    outcome: &str,
    comment: &str,
) -> AppResult<ProcedureRecord> {
    authorize(actor, Action::ManageDocuments, Resource::None)?;
    let procedure = procedure_record(services, code)?;
    if procedure.status != ProcedureStatus::Effective {
        return Err(AppError::conflict(
            ErrorCode::ProcedureObsolete,
            "Quy trình đã hết hiệu lực, không cần xem xét định kỳ.",
        ));
    }
    let today = Utc::now().date_naive();
    let (comment, next_due) = match outcome {
        "no_change" => {
            (comment.trim().to_owned(), today.checked_add_months(Months::new(procedure.review_interval_months as u32)))
        }
        "change_needed" => (require_text(comment, ErrorCode::MissingComment, "Cần ghi nội dung cần thay đổi.")?, None),
        _ => {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidOutcome,
                "Kết quả xem xét phải là no_change hoặc change_needed.",
            ));
        }
    };
    let review = PeriodicReview {
        code: procedure.code.clone(),
        revision: procedure.revision,
        outcome: outcome.to_owned(),
        comment,
        reviewer: actor.username.clone(),
        reviewed_at: Utc::now().naive_utc(),
    };
    let event = NewEvent::now(&actor.username, "procedure.periodic_review", "procedure", &procedure.code)
        .detail(outcome.to_owned());
    services.index.record_periodic_review(&review, next_due, &event)?;
    procedure_record(services, code)
}

/// Effective procedures whose review is due by today, soonest first.
pub fn due(services: &Services) -> AppResult<Vec<ProcedureRecord>> {
    let filter = ProcedureFilter {
        status: Some(ProcedureStatus::Effective),
        review_due_by: Some(Utc::now().date_naive()),
        limit: 500,
        ..Default::default()
    };
    let mut items = services.index.procedures(&filter)?.0;
    items.sort_by_key(|p| p.review_due);
    Ok(items)
}
