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
    /// Adds or replaces documents (by code). The commit may finish after this returns; a search or
    /// count started afterwards sees the documents. `marker` names the store commit the index is up
    /// to date with once they are committed.
    fn upsert(&self, docs: &[SearchDoc], marker: Option<&str>) -> PortResult<()>;
    /// Removes every document.
    fn clear(&self) -> PortResult<()>;
    /// Returns once every change made so far is committed.
    fn flush(&self) -> PortResult<()>;
    /// The store commit named by the last committed `upsert` that named one.
    fn marker(&self) -> PortResult<Option<String>>;
    fn search(&self, query: &SearchQuery) -> PortResult<Vec<SearchHit>>;
    /// How many documents the index holds.
    fn count(&self) -> PortResult<u64>;
}
