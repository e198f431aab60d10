//! The organisations of the deployment.

use super::PortResult;
use crate::domain::event::NewEvent;
use crate::domain::organisation::{OrgId, OrgKind, Organisation};

/// An organisation to create; its id comes from the database.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<crate::domain::organisation::OrgId>,
}

/// Where one organisation's quality system stands, for its parent's home page (and, as it is,
/// the figures of `GET /api/v1/units`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct UnitSummary {
    /// Procedures in force.
    pub procedures: i64,
    /// Procedures in force whose periodic review is past due.
    pub overdue_reviews: i64,
    /// Procedures in force citing a superseded legal text.
    pub citing_superseded: i64,
    /// Nonconformities not closed.
    pub open_nonconformities: i64,
    /// Corrective actions with work left past their due date.
    pub overdue_actions: i64,
    /// When the latest internal audit that has begun started.
    pub last_audit: Option<chrono::NaiveDate>,
}

/// The deployment's tree of organisations. Not scoped: it is what scoping is decided from.
pub trait Organisations: Send + Sync {
    /// Every organisation, oldest first (a deployment holds hundreds, not millions).
    fn organisations(&self) -> PortResult<Vec<Organisation>>;
    /// Creates an organisation and records `event` in its own event log, in one transaction.
    /// Fails with `Conflict` when the slug is taken.
    fn insert_organisation(&self, new: &NewOrganisation, event: &NewEvent) -> PortResult<Organisation>;
    /// Gives organisation `org` a new name and records `event` in its log, in one transaction.
    fn rename_organisation(&self, org: OrgId, name: &str, event: &NewEvent) -> PortResult<()>;
    /// The id of each of `orgs`' newest event: every change to an organisation's quality system
    /// appends one, so an unchanged id means an unchanged organisation.
    fn newest_events(&self, orgs: &[OrgId]) -> PortResult<std::collections::HashMap<OrgId, i32>>;
    /// The summary of each organisation in `orgs` as of `today`: a few grouped queries for all of
    /// them, however many (a province page lists 150 units).
    fn unit_summaries(
        &self,
        orgs: &[OrgId],
        today: chrono::NaiveDate,
    ) -> PortResult<std::collections::HashMap<OrgId, UnitSummary>>;
}
