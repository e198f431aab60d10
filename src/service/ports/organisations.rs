//! The organisations of the deployment.

use super::PortResult;
use crate::domain::event::NewEvent;
use crate::domain::organisation::{OrgKind, Organisation};

/// An organisation to create; its id comes from the database.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<crate::domain::organisation::OrgId>,
}

/// The deployment's tree of organisations. Not scoped: it is what scoping is decided from.
pub trait Organisations: Send + Sync {
    /// Every organisation, oldest first (a deployment holds hundreds, not millions).
    fn organisations(&self) -> PortResult<Vec<Organisation>>;
    /// Creates an organisation and records `event` in its own event log, in one transaction.
    /// Fails with `Conflict` when the slug is taken.
    fn insert_organisation(&self, new: &NewOrganisation, event: &NewEvent) -> PortResult<Organisation>;
}
