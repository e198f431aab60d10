//! What needs attention, for the signed-in user: the counts of `GET /api/v1/dashboard` and the
//! home page's "my work" panel.

use chrono::{Datelike, Months, NaiveDate, Utc};
use serde::Serialize;

use super::Services;
use super::ports::{CaFilter, ChangeFilter, NcFilter, ProcedureFilter};
use crate::domain::audit::{AuditStatus, FindingType};
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
    /// Change requests waiting for this user's review or approval, newest first.
    pub waiting_for_me: Vec<Waiting>,
    /// Audits this user leads or belongs to that are not closed: (id, title, status).
    pub my_audits: Vec<(i32, String, AuditStatus)>,
    /// Findings recorded over the last twelve months, by type.
    pub findings_by_type: Vec<(FindingType, i64)>,
    /// Every corrective-action state, with its count.
    pub actions_by_status: Vec<(CaStatus, i64)>,
    /// Re-issued procedures (revisions after the first) per month, the last twelve months, oldest
    /// first: ("2026-11", count).
    pub reissues_per_month: Vec<(String, i64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    pub id: i32,
    pub code: String,
    pub reason: String,
    /// `true` when this user is asked to approve, `false` to review.
    pub to_approve: bool,
}

/// The first day of each of the twelve months ending with `today`'s, oldest first.
fn last_twelve_months(today: NaiveDate) -> Vec<NaiveDate> {
    let this_month = today.with_day(1).unwrap_or(today);
    (0..12).rev().filter_map(|back| this_month.checked_sub_months(Months::new(back))).collect()
}

fn month_key(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
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
    let mut waiting_for_me = Vec::new();
    for cr in services.changes.change_requests(&in_review)?.0 {
        let waiting = |to_approve| Waiting { id: cr.id, code: cr.code.clone(), reason: cr.reason.clone(), to_approve };
        if cr.approver.as_deref() == Some(actor.username.as_str()) {
            to_approve += 1;
            waiting_for_me.push(waiting(true));
        }
        if cr.reviewers.contains(&actor.username) {
            let reviewed = services
                .changes
                .signoffs(cr.id)?
                .iter()
                .any(|s| !s.voided && s.username == actor.username && s.content_hash == cr.content_hash);
            if !reviewed {
                to_review += 1;
                waiting_for_me.push(waiting(false));
            }
        }
    }
    let mine = services
        .nonconformities
        .cas(&CaFilter { owner: Some(actor.username.clone()), limit: 500, ..Default::default() })?
        .0;
    let my_open_actions = mine.iter().filter(|a| a.status.is_open()).count() as i64;
    let my_audits = services
        .audits
        .audits(None)?
        .into_iter()
        .filter(|a| a.status != AuditStatus::Closed && a.auditors.contains(&actor.username))
        .map(|a| (a.id, a.title, a.status))
        .collect();
    let months = last_twelve_months(today);
    let since = months[0].and_hms_opt(0, 0, 0).unwrap_or_default();
    let mut reissues_per_month: Vec<(String, i64)> = months.iter().map(|m| (month_key(*m), 0)).collect();
    for published in services.index.reissued_since(since)? {
        let key = month_key(published.date());
        if let Some(slot) = reissues_per_month.iter_mut().find(|(k, _)| *k == key) {
            slot.1 += 1;
        }
    }
    let counted = services.audits.finding_counts_since(since)?;
    let findings_by_type = FindingType::ALL
        .iter()
        .map(|t| (*t, counted.iter().find(|(k, _)| k == t.as_str()).map_or(0, |(_, n)| *n)))
        .collect();
    let mut actions_by_status = Vec::new();
    for status in CaStatus::ALL {
        let filter = CaFilter { status: Some(*status), limit: 1, ..Default::default() };
        actions_by_status.push((*status, services.nonconformities.cas(&filter)?.1));
    }
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
        waiting_for_me,
        my_audits,
        findings_by_type,
        actions_by_status,
        reissues_per_month,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_end_with_this_one_across_a_new_year() {
        let months = last_twelve_months(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
        assert_eq!(months.len(), 12);
        assert_eq!((month_key(months[0]), month_key(months[11])), ("2025-02".to_owned(), "2026-01".to_owned()));
    }
}
