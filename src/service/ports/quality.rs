//! Internal audits, nonconformities and corrective actions.

use chrono::{NaiveDate, NaiveDateTime};

use super::PortResult;
use crate::domain::audit::{AuditStatus, CheckResult, FindingType};
use crate::domain::event::NewEvent;
use crate::domain::nonconformity::{CaStatus, NcSource, NcStatus, Severity};

/// A nonconformity as stored, with the procedures it concerns and the actions linked to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NcRecord {
    pub id: i32,
    pub source: NcSource,
    pub finding_id: Option<i32>,
    pub description: String,
    pub severity: Severity,
    pub correction: String,
    pub status: NcStatus,
    /// The "5 whys" chain.
    pub why: Vec<String>,
    pub root_cause: String,
    pub similar_checked: bool,
    pub procedures: Vec<String>,
    pub actions: Vec<i32>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
}

/// A corrective action as stored, with the nonconformities it addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaRecord {
    pub id: i32,
    pub action: String,
    pub owner: String,
    pub due_date: NaiveDate,
    /// Effectiveness is not verified before this date.
    pub verify_after: Option<NaiveDate>,
    pub requires_change_of: Option<String>,
    pub change_request_id: Option<i32>,
    pub status: CaStatus,
    pub evidence: String,
    pub verification_comment: String,
    pub verified_by: Option<String>,
    pub verified_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    pub nonconformities: Vec<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct NcFilter {
    pub status: Option<NcStatus>,
    pub source: Option<NcSource>,
    pub procedure: Option<String>,
    pub field: Option<String>,
    /// Nonconformities with an action owned by this user.
    pub owner: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Default)]
pub struct CaFilter {
    pub status: Option<CaStatus>,
    pub owner: Option<String>,
    /// Only actions past their due date and not done.
    pub overdue_on: Option<NaiveDate>,
    /// Only the actions planned for this nonconformity.
    pub nonconformity: Option<i32>,
    pub limit: i64,
    pub offset: i64,
}

/// The nonconformity register and corrective actions. Each write carries its event.
pub trait Nonconformities: Send + Sync {
    fn insert_nc(&self, nc: &NcRecord, event: &NewEvent) -> PortResult<i32>;
    fn nc(&self, id: i32) -> PortResult<Option<NcRecord>>;
    fn ncs(&self, filter: &NcFilter) -> PortResult<(Vec<NcRecord>, i64)>;
    /// Saves status, root cause and closure (not procedures or links), only if the stored status
    /// is still `expected`: `Conflict` otherwise (another writer moved it, e.g. closed it).
    fn update_nc(&self, nc: &NcRecord, expected: NcStatus, event: &NewEvent) -> PortResult<()>;
    /// Inserts an action linked to its nonconformities; open ones become `action_planned`.
    fn insert_ca(&self, ca: &CaRecord, event: &NewEvent) -> PortResult<i32>;
    fn ca(&self, id: i32) -> PortResult<Option<CaRecord>>;
    fn cas(&self, filter: &CaFilter) -> PortResult<(Vec<CaRecord>, i64)>;
    /// Saves the action if its stored status is still `expected` (else `Conflict`).
    fn update_ca(&self, ca: &CaRecord, expected: CaStatus, event: &NewEvent) -> PortResult<()>;
}

/// An internal audit as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i32,
    pub title: String,
    pub year: i32,
    pub scope_fields: Vec<String>,
    pub scope_procedures: Vec<String>,
    pub criteria: String,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub lead_auditor: String,
    /// The whole team, the lead included.
    pub auditors: Vec<String>,
    /// The reason recorded when an auditor audits their own field.
    pub independence_override: Option<String>,
    pub status: AuditStatus,
    pub strong_points: String,
    pub to_improve: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One line of an audit checklist, generated from a procedure's revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    pub id: i32,
    pub procedure_code: String,
    pub revision: i32,
    pub position: i32,
    /// `step`, `record` or `clause`.
    pub kind: String,
    pub text: String,
    pub result: CheckResult,
    pub note: String,
}

/// A finding, pinned to the exact revision and commit it was found against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRecord {
    pub id: i32,
    pub audit_id: i32,
    pub procedure_code: String,
    pub procedure_revision: i32,
    pub procedure_commit: String,
    pub clause: String,
    pub kind: FindingType,
    pub description: String,
    pub evidence: String,
    pub nonconformity_id: Option<i32>,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

pub trait Audits: Send + Sync {
    fn insert_audit(&self, audit: &AuditRecord, checklist: &[ChecklistItem], event: &NewEvent) -> PortResult<i32>;
    fn audit(&self, id: i32) -> PortResult<Option<AuditRecord>>;
    fn audits(&self, year: Option<i32>) -> PortResult<Vec<AuditRecord>>;
    /// Saves the audit if its stored status is still `expected` (else `Conflict`).
    fn update_audit(&self, audit: &AuditRecord, expected: AuditStatus, event: &NewEvent) -> PortResult<()>;
    fn checklist(&self, audit_id: i32) -> PortResult<Vec<ChecklistItem>>;
    fn update_checklist_item(&self, audit_id: i32, item: &ChecklistItem, event: &NewEvent) -> PortResult<()>;
    /// Records a finding and, for a nonconformity, the nonconformity it opens, in one transaction.
    fn insert_finding(
        &self,
        finding: &FindingRecord,
        opens: Option<&NcRecord>,
        event: &NewEvent,
    ) -> PortResult<(i32, Option<i32>)>;
    fn findings(&self, audit_id: i32) -> PortResult<Vec<FindingRecord>>;
    /// How many findings of each type were recorded from `since` on: (type, count).
    fn finding_counts_since(&self, since: NaiveDateTime) -> PortResult<Vec<(String, i64)>>;
    fn finding(&self, id: i32) -> PortResult<Option<FindingRecord>>;
}
