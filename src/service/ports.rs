//! The ports the use cases talk to. `db` and `store` implement them; tests can use fakes.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::event::{Event, NewEvent};
use crate::domain::field::Field;
use crate::domain::legal_basis::LegalBasis;
use crate::domain::{ProcedureKind, ProcedureStatus, RevisionNumber, Role};

/// A failure of an adapter. `Conflict` means a concurrent writer won (compare-and-swap lost);
/// everything else is an infrastructure failure the caller cannot fix by changing its request.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    Failure(String),
}

pub type PortResult<T> = Result<T, PortError>;

/// Who made a commit, as git records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub email: String,
}

/// A commit to write: files (path, content) on top of `expected_head`.
#[derive(Debug, Clone)]
pub struct CommitRequest {
    pub files: Vec<(String, String)>,
    pub message: String,
    pub author: Signature,
    /// The head the change was prepared against; the write fails with `Conflict` if it moved.
    pub expected_head: Option<String>,
}

/// A commit on the published branch, with the trailers that name the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCommit {
    pub commit: String,
    pub time: NaiveDateTime,
    pub trailers: Vec<(String, String)>,
}

impl StoredCommit {
    pub fn trailer(&self, key: &str) -> Option<&str> {
        self.trailers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// The git store of record for procedure content.
pub trait ContentStore: Send + Sync {
    /// The commit the published branch points at, if any.
    fn head(&self) -> PortResult<Option<String>>;
    /// Writes one commit on the published branch, atomically (compare-and-swap on the ref).
    fn commit(&self, request: &CommitRequest) -> PortResult<StoredCommit>;
    /// Commits of the published branch, oldest first, after `since` (all when `None`).
    fn history_since(&self, since: Option<&str>) -> PortResult<Vec<StoredCommit>>;
    /// A file as it is in `commit`, with the id of its blob.
    fn read_file(&self, commit: &str, path: &str) -> PortResult<(String, String)>;
    /// A blob's text by id.
    fn read_blob(&self, blob: &str) -> PortResult<String>;
}

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
    pub limit: i64,
    pub offset: i64,
}

/// A field with how many procedures it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCount {
    pub field: Field,
    pub procedures: i64,
}

/// The revision index and catalogue, kept in the database and rebuilt from git.
pub trait Index: Send + Sync {
    fn meta(&self, key: &str) -> PortResult<Option<String>>;
    fn set_meta(&self, key: &str, value: &str) -> PortResult<()>;
    /// Replaces the fields and legal bases with the given lists.
    fn replace_reference(&self, fields: &[Field], legal: &[LegalBasis]) -> PortResult<()>;
    /// Records a revision and makes it the procedure's current one if it is the newest, in one
    /// transaction. Recording a commit already known is a no-op.
    fn record_revision(
        &self,
        procedure: &ProcedureRecord,
        revision: &RevisionRecord,
        event: Option<&NewEvent>,
    ) -> PortResult<()>;
    fn fields(&self) -> PortResult<Vec<FieldCount>>;
    fn procedures(&self, filter: &ProcedureFilter) -> PortResult<(Vec<ProcedureRecord>, i64)>;
    fn procedure(&self, code: &str) -> PortResult<Option<ProcedureRecord>>;
    fn revisions(&self, code: &str) -> PortResult<Vec<RevisionRecord>>;
    fn revision(&self, code: &str, revision: RevisionNumber) -> PortResult<Option<RevisionRecord>>;
    fn legal_bases(&self) -> PortResult<Vec<LegalBasis>>;
}

/// A user account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub fields: Vec<String>,
    pub active: bool,
    /// Bumped to revoke every token issued before (on disable, role change, password change).
    pub token_version: i32,
    /// Wrong passwords in a row since the last successful sign-in.
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
}

/// User accounts. Every change is recorded in the event log in the same transaction.
pub trait Users: Send + Sync {
    fn user(&self, username: &str) -> PortResult<Option<UserRecord>>;
    fn users(&self) -> PortResult<Vec<UserRecord>>;
    fn count_users(&self) -> PortResult<i64>;
    /// Fails with `Conflict` when the username is taken.
    fn insert_user(&self, user: &UserRecord, event: &NewEvent) -> PortResult<()>;
    /// Replaces the stored account of `user.username`.
    fn update_user(&self, user: &UserRecord, event: &NewEvent) -> PortResult<()>;
    /// Revokes one token until it would have expired anyway.
    fn revoke_token(
        &self,
        jti: &str,
        expires_at: NaiveDateTime,
        event: &NewEvent,
    ) -> PortResult<()>;
    fn is_revoked(&self, jti: &str) -> PortResult<bool>;
}

/// Filters of the event log.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// The append-only event log.
pub trait Events: Send + Sync {
    /// Appends an event on its own (when no other state changes with it).
    fn append_event(&self, event: &NewEvent) -> PortResult<()>;
    /// Newest first.
    fn events(&self, filter: &EventFilter) -> PortResult<(Vec<Event>, i64)>;
    /// Oldest first, ids greater than `after_id`, at most `limit`: for verifying the chain.
    fn events_after(&self, after_id: i32, limit: i64) -> PortResult<Vec<Event>>;
}
