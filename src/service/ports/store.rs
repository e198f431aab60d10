//! The git store of procedure content.

use chrono::NaiveDateTime;

use super::PortResult;

/// Who made a commit, as git records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub email: String,
}

/// The published branch: every published revision is one commit on it.
pub const PUBLISHED_REF: &str = "refs/heads/main";

/// The ref whose commits anchor the event log: each names the newest event's id and hash at that
/// moment (see `service::audit_log`).
pub const EVENT_ANCHOR_REF: &str = "refs/qms/event-anchors";

/// The ref holding the work in progress of change request `id`.
pub fn draft_ref(id: i32) -> String {
    format!("refs/drafts/{id}")
}

/// A commit to write on `reference`, built on `parent`'s tree, moving the ref by compare-and-swap.
#[derive(Debug, Clone)]
pub struct CommitRequest {
    pub reference: String,
    /// The commit the new one builds on; `None` only for the first commit of the store.
    pub parent: Option<String>,
    /// What `reference` must point at now; `None` when it must not exist yet. Otherwise the write
    /// fails with `Conflict` and nothing moves.
    pub expected: Option<String>,
    pub files: Vec<(String, String)>,
    pub deletions: Vec<String>,
    pub message: String,
    pub author: Signature,
    /// The commit's date (Unix seconds); now when `None`. An import dates each revision at its
    /// effective date, so the history reads as the documents were issued.
    pub when: Option<i64>,
}

impl CommitRequest {
    /// A commit on the published branch on top of `head`.
    pub fn published(head: Option<String>, files: Vec<(String, String)>, message: String, author: Signature) -> Self {
        Self {
            reference: PUBLISHED_REF.into(),
            parent: head.clone(),
            expected: head,
            files,
            deletions: vec![],
            message,
            author,
            when: None,
        }
    }
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
        self.trailers.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }
}

/// The git store of record for procedure content.
pub trait ContentStore: Send + Sync {
    /// The commit the published branch points at, if any.
    fn head(&self) -> PortResult<Option<String>> {
        self.ref_target(PUBLISHED_REF)
    }
    /// The commit a ref points at, if the ref exists.
    fn ref_target(&self, reference: &str) -> PortResult<Option<String>>;
    /// Writes one commit and moves its ref atomically (compare-and-swap). A commit that changes
    /// nothing is refused with `Conflict`.
    fn commit(&self, request: &CommitRequest) -> PortResult<StoredCommit>;
    /// Commits of the published branch, oldest first, after `since` (all when `None`).
    fn history_since(&self, since: Option<&str>) -> PortResult<Vec<StoredCommit>>;
    /// Every commit of `reference` (first parents), oldest first; empty when the ref is absent.
    fn history_of(&self, reference: &str) -> PortResult<Vec<StoredCommit>>;
    /// A file as it is in `commit`, with the id of its blob.
    fn read_file(&self, commit: &str, path: &str) -> PortResult<(String, String)>;
    /// A blob's text by id.
    fn read_blob(&self, blob: &str) -> PortResult<String>;
}
