//! What needs attention, for the signed-in user: the counts of `GET /api/v1/dashboard` and the
//! home page's "my work" panel.

use chrono::Utc;
use serde::Serialize;

use super::Services;
use super::ports::{CaFilter, ChangeFilter, NcFilter, ProcedureFilter};
use crate::domain::change_request::ChangeStatus;
use crate::domain::nonconformity::{CaStatus, NcStatus};
use crate::domain::{Action, Actor, ProcedureStatus, Resource, authorize};
use crate::error::AppResult;

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub procedures_effective: i64,
    pub procedures_overdue_for_review: i64,
    pub procedures_citing_superseded_law: i64,
    /// Every status, with its count.
    pub change_requests: Vec<(ChangeStatus, i64)>,
    pub open_nonconformities: i64,
    pub overdue_corrective_actions: i64,
    pub unacknowledged_revisions: i64,
    /// Current revisions this user has not yet acknowledged: (code, revision, title).
    pub to_read: Vec<(String, i32, String)>,
    /// Change requests waiting for this user's review.
    pub to_review: i64,
    /// Change requests waiting for this user's approval.
    pub to_approve: i64,
    /// This user's corrective actions not yet done.
    pub my_open_actions: i64,
}

pub fn dashboard(services: &Services, actor: &Actor) -> AppResult<Dashboard> {
    authorize(actor, Action::ViewDashboard, Resource::None)?;
    let today = Utc::now().date_naive();
    let count =
        |filter: ProcedureFilter| services.index.procedures(&ProcedureFilter { limit: 1, ..filter }).map(|(_, n)| n);
    let effective = Some(ProcedureStatus::Effective);
    let procedures_effective = count(ProcedureFilter { status: effective, ..Default::default() })?;
    let procedures_overdue_for_review =
        count(ProcedureFilter { status: effective, review_due_by: today.pred_opt(), ..Default::default() })?;
    let mut citing: Vec<String> = services.index.citing_superseded()?.into_iter().map(|(code, _)| code).collect();
    citing.dedup();
    let mut change_requests = Vec::new();
    for status in ChangeStatus::ALL {
        let (_, n) =
            services.changes.change_requests(&ChangeFilter { status: Some(status), limit: 1, ..Default::default() })?;
        change_requests.push((status, n));
    }
    let all_ncs = services.nonconformities.ncs(&NcFilter { limit: 1, ..Default::default() })?.1;
    let closed_ncs =
        services.nonconformities.ncs(&NcFilter { status: Some(NcStatus::Closed), limit: 1, ..Default::default() })?.1;
    let overdue =
        services.nonconformities.cas(&CaFilter { overdue_on: Some(today), limit: 1, ..Default::default() })?.1;
    let to_read = services.index.unacknowledged(&actor.username, &actor.fields)?;
    let in_review = ChangeFilter {
        status: Some(ChangeStatus::InReview),
        involving: Some(actor.username.clone()),
        limit: 500,
        ..Default::default()
    };
    let mut to_review = 0;
    let mut to_approve = 0;
    for cr in services.changes.change_requests(&in_review)?.0 {
        if cr.approver.as_deref() == Some(actor.username.as_str()) {
            to_approve += 1;
        }
        if cr.reviewers.contains(&actor.username) {
            let reviewed = services
                .changes
                .signoffs(cr.id)?
                .iter()
                .any(|s| !s.voided && s.username == actor.username && s.content_hash == cr.content_hash);
            if !reviewed {
                to_review += 1;
            }
        }
    }
    let mine = services
        .nonconformities
        .cas(&CaFilter { owner: Some(actor.username.clone()), limit: 500, ..Default::default() })?
        .0;
    let my_open_actions = mine
        .iter()
        .filter(|a| matches!(a.status, CaStatus::Planned | CaStatus::InProgress | CaStatus::NotEffective))
        .count() as i64;
    Ok(Dashboard {
        procedures_effective,
        procedures_overdue_for_review,
        procedures_citing_superseded_law: citing.len() as i64,
        change_requests,
        open_nonconformities: all_ncs - closed_ncs,
        overdue_corrective_actions: overdue,
        unacknowledged_revisions: to_read.len() as i64,
        to_read,
        to_review,
        to_approve,
        my_open_actions,
    })
}
