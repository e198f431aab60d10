//! The event log.

use super::PortResult;
use crate::domain::event::{Event, NewEvent};

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
    /// The newest event, if any (without counting the log, as `events` does).
    fn newest_event(&self) -> PortResult<Option<Event>>;
    /// Oldest first, ids greater than `after_id`, at most `limit`: for verifying the chain.
    fn events_after(&self, after_id: i32, limit: i64) -> PortResult<Vec<Event>>;
}
