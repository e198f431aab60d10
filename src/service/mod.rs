//! Use cases. Each public function does one thing a user or the start-up asks for, talks to the
//! adapters only through `ports`, and returns the one application error type.

pub mod auth;
pub mod catalog;
mod documents;
pub mod import;
pub mod ports;
pub mod reconcile;
pub mod trailers;

use std::sync::Arc;

pub use documents::{DocumentCache, RenderedDocument};
use ports::{ContentStore, Index, Users};

/// The adapters and caches every use case works with, shared by all workers.
#[derive(Clone)]
pub struct Services {
    pub index: Arc<dyn Index>,
    pub users: Arc<dyn Users>,
    pub store: Arc<dyn ContentStore>,
    pub documents: DocumentCache,
    pub tokens: Arc<auth::TokenKeys>,
}
