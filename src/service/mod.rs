//! Use cases. Each public function does one thing a user or the start-up asks for, talks to the
//! adapters only through `ports`, and returns the one application error type.

pub mod acknowledgements;
pub mod address_throttle;
pub mod audit_log;
pub mod auth;
pub mod caches;
pub mod catalog;
pub mod change_control;
pub mod dashboard;
pub mod deployment;
mod documents;
pub mod import;
pub mod legal;
pub mod organisations;
pub mod periodic_review;
pub mod ports;
pub mod quality;
pub mod reading;
pub mod reconcile;
pub mod search;
pub mod sessions;
pub mod trailers;
pub mod users;

use std::sync::Arc;

pub use documents::{DocumentCache, RenderedDocument};
use ports::{Audits, ChangeRequests, ContentStore, Events, Index, Nonconformities, SearchIndex, Users};

/// Reference data read at one head of the published branch. The fields' procedure counts are
/// read only when a page shows them: counting walks every procedure, which a publish (checking
/// its draft against the fields) must not pay for.
#[derive(Clone)]
pub struct ReferenceSnapshot {
    pub head: String,
    /// `REFERENCE_VERSION` when the fields and legal bases were read.
    pub version: Option<String>,
    /// The fields and legal bases, with the sets of their codes that drafts are checked against.
    pub data: Arc<crate::check::Reference>,
    pub counts: Arc<std::sync::OnceLock<Vec<ports::FieldCount>>>,
}

/// The adapters and caches every use case of one organisation works with, shared by all workers
/// (the caches and their rules: `caches`). The adapters are bound to `org`; the token keys, the
/// sign-in throttle, the session cache and the rendered-document cache (keyed by git blob, the
/// same text in any store) are the deployment's, shared by every organisation's services.
#[derive(Clone)]
pub struct Services {
    pub org: Arc<crate::domain::organisation::Organisation>,
    pub index: Arc<dyn Index>,
    pub users: Arc<dyn Users>,
    pub events: Arc<dyn Events>,
    pub changes: Arc<dyn ChangeRequests>,
    pub nonconformities: Arc<dyn Nonconformities>,
    pub audits: Arc<dyn Audits>,
    pub search: Arc<dyn SearchIndex>,
    /// Fields and legal bases as of a head of the published branch (see `catalog::fields`).
    pub reference: Arc<std::sync::Mutex<Option<ReferenceSnapshot>>>,
    pub store: Arc<dyn ContentStore>,
    pub documents: DocumentCache,
    pub tokens: Arc<auth::TokenKeys>,
    pub address_throttle: Arc<address_throttle::AddressThrottle>,
    pub sessions: sessions::SessionCache,
    pub reading: reading::ReadingCache,
    /// Publishes of this process, one at a time (see `caches::PublishLock`).
    pub publishing: Arc<caches::PublishLock>,
}
