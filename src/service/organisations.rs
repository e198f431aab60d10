//! Creating organisations, with the procedures they start from.

use std::path::Path;

use super::deployment::Deployment;
use super::import::import_tree;
use super::ports::{NewOrganisation, UnitSummary};
use super::users::Operator;
use crate::domain::Actor;
use crate::domain::ErrorCode;
use crate::domain::organisation::{OrgId, Organisation};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;

/// What a new organisation's store starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Corpus {
    /// Nothing: the organisation writes or imports its own procedures.
    Empty,
    /// The procedures shipped with the deployment (`QMS_PROCEDURES_DIR`).
    Shipped,
    /// Every published procedure of the parent, adopted (the upstream capability).
    Parent,
}

impl Corpus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "empty" => Some(Self::Empty),
            "shipped" => Some(Self::Shipped),
            "parent" => Some(Self::Parent),
            _ => None,
        }
    }
}

/// Creates an organisation and fills its store. An import that refuses some files still leaves
/// the organisation created with what was accepted (each procedure is its own commit).
pub fn create(
    deployment: &Deployment,
    by: Operator<'_>,
    new: NewOrganisation,
    corpus: Corpus,
    shipped: &Path,
) -> AppResult<Organisation> {
    if corpus == Corpus::Parent {
        return Err(AppError::unprocessable(
            ErrorCode::NotSupported,
            "Nhận quy trình từ đơn vị cấp trên chưa được hỗ trợ; hãy chọn empty hoặc shipped.",
        ));
    }
    if corpus == Corpus::Shipped && !shipped.is_dir() {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidCorpus,
            format!("Không có bộ quy trình đi kèm ({}); hãy chọn empty.", shipped.display()),
        ));
    }
    let author = by.name().to_owned();
    let created = deployment.create(by, new)?;
    if corpus == Corpus::Shipped {
        let services = deployment.services(created.id)?;
        import_tree(&services, shipped, &author)?;
        // From the console while `qms serve` runs, the service holds the search index: it
        // indexes the new organisation when it first opens it (`Deployment::services`).
        if let Err(e) = super::search::ensure_complete(&services, false) {
            log::warn!(
                "{}: search index not updated here ({}); the running service completes it",
                created.slug,
                e.message
            );
        }
    }
    Ok(created)
}

/// One unit below an organisation, with where its quality system stands.
#[derive(Debug, Clone)]
pub struct Unit {
    pub org: Organisation,
    pub summary: UnitSummary,
}

/// The organisations below the one `actor` acts in that they oversee (as its admin or auditor),
/// each with its summary as of `today`, in tree order. Empty for anyone else.
pub fn units(deployment: &Deployment, actor: &Actor, acting_in: OrgId, today: NaiveDate) -> AppResult<Vec<Unit>> {
    // Who oversees what is the domain's rule (`organisation::standing`, through `visible_to`).
    let visible: std::collections::HashSet<OrgId> = deployment.visible_to(actor).iter().map(|o| o.id).collect();
    let below: Vec<Organisation> =
        deployment.subtree(acting_in).into_iter().filter(|o| o.id != acting_in && visible.contains(&o.id)).collect();
    if below.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<OrgId> = below.iter().map(|o| o.id).collect();
    let mut summaries = deployment.unit_summaries(&ids, today)?;
    Ok(below.into_iter().map(|org| Unit { summary: summaries.remove(&org.id).unwrap_or_default(), org }).collect())
}
