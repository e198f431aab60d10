//! The revision index and catalogue.

use chrono::{NaiveDate, NaiveDateTime};

use super::PortResult;
use crate::domain::event::NewEvent;
use crate::domain::field::Field;
use crate::domain::legal_basis::LegalBasis;
use crate::domain::{ProcedureKind, ProcedureStatus, RevisionNumber};

/// One procedure as the index knows it: the row behind lists and the master list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureRecord {
    pub code: String,
    pub title: String,
    pub field: String,
    pub kind: ProcedureKind,
    pub status: ProcedureStatus,
    pub revision: RevisionNumber,
    pub effective_date: NaiveDate,
    pub review_interval_months: i32,
    pub review_due: Option<NaiveDate>,
    pub owner: String,
}

/// One published revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRecord {
    pub code: String,
    pub revision: RevisionNumber,
    pub commit: String,
    pub blob: String,
    pub title: String,
    pub effective_date: NaiveDate,
    pub summary: String,
    pub prepared_by: Option<String>,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    pub published_by: String,
    pub published_at: NaiveDateTime,
}

/// Filters of the procedure list.
#[derive(Debug, Clone, Default)]
pub struct ProcedureFilter {
    pub field: Option<String>,
    pub kind: Option<ProcedureKind>,
    /// `None` means every status.
    pub status: Option<ProcedureStatus>,
    pub text: Option<String>,
    /// Only procedures whose periodic review is due on or before this date.
    pub review_due_by: Option<NaiveDate>,
    pub limit: i64,
    pub offset: i64,
}

/// A field with how many procedures it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCount {
    pub field: Field,
    pub procedures: i64,
}

/// The meta key counting the replacements of the reference data: whoever keeps the fields and
/// legal bases in memory reads them again only when it changes.
pub const REFERENCE_VERSION: &str = "reference_version";

/// The revision index and catalogue, kept in the database and rebuilt from git.
pub trait Index: Send + Sync {
    fn meta(&self, key: &str) -> PortResult<Option<String>>;
    fn set_meta(&self, key: &str, value: &str) -> PortResult<()>;
    /// Sets `key` to `to` only if it holds `from` (is absent, for `None`), in one transaction;
    /// whether it did.
    fn advance_meta(&self, key: &str, from: Option<&str>, to: &str) -> PortResult<bool>;
    /// Replaces the fields and legal bases with the given lists, and counts one more
    /// `REFERENCE_VERSION`, in one transaction.
    fn replace_reference(&self, fields: &[Field], legal: &[LegalBasis]) -> PortResult<()>;
    /// Records what a published commit did, in one transaction: the procedure row (its newest
    /// state), the revision (none for a retirement), the change request it published, and the
    /// event (none when rebuilding the index from git). Recording a known commit again only
    /// completes what is missing.
    fn record_revision(
        &self,
        indexed: &IndexedCommit,
        publication: Option<&Publication>,
        event: Option<&NewEvent>,
    ) -> PortResult<()>;
    /// A number that grows with every write this process makes to the index (or to any other
    /// table behind it): a cached read taken at one value is stale once it has grown.
    fn writes(&self) -> u64;
    /// The fields, in their order.
    fn field_list(&self) -> PortResult<Vec<Field>>;
    /// How many effective procedures each field holds, by field code (fields without any absent).
    fn field_counts(&self) -> PortResult<std::collections::HashMap<String, i64>>;
    fn procedures(&self, filter: &ProcedureFilter) -> PortResult<(Vec<ProcedureRecord>, i64)>;
    fn procedure(&self, code: &str) -> PortResult<Option<ProcedureRecord>>;
    /// Every revision of a procedure, newest first.
    fn revisions(&self, code: &str) -> PortResult<Vec<RevisionRecord>>;
    /// `limit` revisions of a procedure from `offset` on, newest first, and how many it has.
    fn revisions_page(&self, code: &str, limit: i64, offset: i64) -> PortResult<(Vec<RevisionRecord>, i64)>;
    /// When each re-issue (a revision after the first) was published, from `since` on.
    fn reissued_since(&self, since: NaiveDateTime) -> PortResult<Vec<NaiveDateTime>>;
    fn revision(&self, code: &str, revision: RevisionNumber) -> PortResult<Option<RevisionRecord>>;
    fn legal_bases(&self) -> PortResult<Vec<LegalBasis>>;
    /// Codes of procedures whose current revision cites `key`.
    fn procedures_citing(&self, key: &str) -> PortResult<Vec<String>>;
    /// Procedures whose current revision cites a superseded legal basis: (code, key), by code.
    fn citing_superseded(&self) -> PortResult<Vec<(String, String)>>;
    /// Records "read and understood"; `false` when it was already recorded.
    fn acknowledge(&self, code: &str, revision: RevisionNumber, username: &str, event: &NewEvent) -> PortResult<bool>;
    /// Who acknowledged a revision, and when.
    fn acknowledgements(&self, code: &str, revision: RevisionNumber) -> PortResult<Vec<(String, NaiveDateTime)>>;
    /// Whether `username` acknowledged this revision.
    fn has_acknowledged(&self, code: &str, revision: RevisionNumber, username: &str) -> PortResult<bool>;
    /// Records a periodic review and moves the procedure's review date to `next_due`.
    fn record_periodic_review(
        &self,
        review: &PeriodicReview,
        next_due: Option<NaiveDate>,
        event: &NewEvent,
    ) -> PortResult<()>;
    fn periodic_reviews(&self, code: &str) -> PortResult<Vec<PeriodicReview>>;
    /// Effective procedures whose current revision `username` has not acknowledged, among those
    /// of `fields` and the system procedures (all of them when `fields` is empty): (code, revision, title).
    fn unacknowledged(&self, username: &str, fields: &[String]) -> PortResult<Vec<(String, RevisionNumber, String)>>;
}

/// What one commit of the published branch did to the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedCommit {
    /// The procedure's state after the commit.
    pub procedure: ProcedureRecord,
    /// The new revision; `None` when the commit retired the procedure.
    pub revision: Option<RevisionRecord>,
    /// The legal bases the procedure's current revision cites.
    pub cites: Vec<String>,
}

/// The change request a published commit came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub change_request: i32,
    pub revision: RevisionNumber,
    pub commit: String,
}

/// "Reviewed, no change" (or "change needed") recorded without a new revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodicReview {
    pub code: String,
    pub revision: RevisionNumber,
    /// `no_change` or `change_needed`.
    pub outcome: String,
    pub comment: String,
    pub reviewer: String,
    pub reviewed_at: NaiveDateTime,
}
