//! The full-text search index over the current revision of every procedure.

use super::PortResult;

/// What is indexed of one procedure (its current revision).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    pub code: String,
    pub title: String,
    pub field: String,
    pub kind: String,
    /// `effective` or `obsolete`.
    pub status: String,
    pub revision: i32,
    pub headings: String,
    /// The body as plain text.
    pub body: String,
}

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub field: Option<String>,
    pub kind: Option<String>,
    pub include_obsolete: bool,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub code: String,
    pub title: String,
    pub field: String,
    pub revision: i32,
    /// HTML: the matching passage, text escaped, matches in `<b>`.
    pub snippet: String,
    pub score: f32,
}

pub trait SearchIndex: Send + Sync {
    /// Adds or replaces documents (by code), in one commit.
    fn upsert(&self, docs: &[SearchDoc]) -> PortResult<()>;
    /// Removes every document, in one commit.
    fn clear(&self) -> PortResult<()>;
    fn search(&self, query: &SearchQuery) -> PortResult<Vec<SearchHit>>;
    /// How many documents the index holds.
    fn count(&self) -> PortResult<u64>;
}
