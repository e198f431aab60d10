//! Change requests, their reviews and approvals.

use chrono::NaiveDateTime;

use super::PortResult;
use crate::domain::change_request::{ChangeKind, ChangeStatus, Decision};
use crate::domain::event::NewEvent;

/// A change request as stored. Its content is the file at `draft_commit` in the git store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequestRecord {
    pub id: i32,
    pub code: String,
    pub kind: ChangeKind,
    pub status: ChangeStatus,
    pub reason: String,
    pub author: String,
    /// The revision the change was prepared against (`None` when creating a procedure).
    pub base_revision: Option<i32>,
    pub base_commit: Option<String>,
    pub draft_commit: String,
    /// SHA-256 of the draft's Markdown: what reviews and the approval are bound to.
    pub content_hash: String,
    pub reviewers: Vec<String>,
    pub approver: Option<String>,
    pub published_revision: Option<i32>,
    pub published_commit: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A review or the approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignoffKind {
    Review,
    Approval,
}

impl SignoffKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Review => "review",
            Self::Approval => "approval",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Review, Self::Approval].into_iter().find(|k| k.as_str() == s)
    }
}

/// One review or approval, bound to the content hash it was given on. Voided by a later edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignoffRecord {
    pub kind: SignoffKind,
    pub username: String,
    pub display_name: String,
    /// `approve` or `request_changes` for reviews; `approved` or `rejected` for the approver.
    pub decision: Decision,
    pub comment: String,
    pub content_hash: String,
    pub signed_at: NaiveDateTime,
    pub voided: bool,
}

/// What the stored request must still be for an update to apply (optimistic concurrency).
#[derive(Debug, Clone, Copy)]
pub struct ChangeGuard<'a> {
    pub status: ChangeStatus,
    pub content_hash: &'a str,
}

/// A page of change requests.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    pub status: Option<ChangeStatus>,
    pub code: Option<String>,
    /// Requests this user is named on (as reviewer or approver) or wrote.
    pub involving: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Change requests.
pub trait ChangeRequests: Send + Sync {
    /// Inserts a new request (its `id` is ignored) with its event; returns the id.
    fn insert_change_request(&self, cr: &ChangeRequestRecord, event: &NewEvent) -> PortResult<i32>;
    fn change_request(&self, id: i32) -> PortResult<Option<ChangeRequestRecord>>;
    fn change_requests(&self, filter: &ChangeFilter) -> PortResult<(Vec<ChangeRequestRecord>, i64)>;
    /// Every sign-off of a request, oldest first, voided ones included.
    fn signoffs(&self, id: i32) -> PortResult<Vec<SignoffRecord>>;
    /// Saves `cr` in one transaction, if the stored request still matches `guard` (else
    /// `Conflict`): voids earlier sign-offs when `void_signoffs`, adds `signoff`, appends `event`.
    fn update_change_request(
        &self,
        cr: &ChangeRequestRecord,
        guard: ChangeGuard<'_>,
        void_signoffs: bool,
        signoff: Option<&SignoffRecord>,
        event: &NewEvent,
    ) -> PortResult<()>;
}
