//! Organisations: `GET/POST /api/v1/orgs`, `GET /api/v1/orgs/{org}`.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::blocking;
use super::dto::List;
use crate::app::AppState;
use crate::domain::ErrorCode;
use crate::domain::organisation::{OrgKind, Organisation};
use crate::error::{AppError, AppResult};
use crate::service::deployment::Deployment;
use crate::service::organisations::{self, Corpus};
use crate::service::ports::NewOrganisation;
use crate::service::users::Operator;
use crate::web_common::CurrentUser;

/// An organisation as the API shows it: its parent by slug.
#[derive(Serialize)]
pub struct OrgDto {
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<String>,
}

impl OrgDto {
    pub fn of(org: &Organisation, deployment: &Deployment) -> Self {
        Self {
            slug: org.slug.clone(),
            name: org.name.clone(),
            kind: org.kind,
            parent: org.parent.and_then(|p| deployment.get(p)).map(|p| p.slug),
        }
    }
}

/// The kind and corpus arrive as text so that an unknown one is a 422 naming the field, not a
/// generic malformed body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    slug: String,
    name: String,
    kind: Option<String>,
    parent: Option<String>,
    corpus: Option<String>,
}

/// The organisations the caller can see: their own and, as admin or auditor, those below it.
pub async fn list(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let s = state.clone();
    blocking(move || {
        s.deployment.reread();
        Ok(())
    })
    .await?;
    let d = &state.deployment;
    let items: Vec<OrgDto> = d.visible_to(&user.actor).iter().map(|o| OrgDto::of(o, d)).collect();
    let total = items.len() as i64;
    Ok(HttpResponse::Ok().json(List { items, total }))
}

/// One organisation the caller can see; any other is 404.
pub async fn get(state: web::Data<AppState>, user: CurrentUser, org: web::Path<String>) -> AppResult<HttpResponse> {
    let scope = state.deployment.scope(user.actor, Some(&org))?;
    Ok(HttpResponse::Ok().json(OrgDto::of(&scope.services.org, &state.deployment)))
}

pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<CreateOrg>,
) -> AppResult<HttpResponse> {
    let CreateOrg { slug, name, kind, parent, corpus } = body.into_inner();
    let kind = match kind.as_deref() {
        None => OrgKind::Commune,
        Some(k) => OrgKind::parse(k).ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::InvalidOrgKind,
                "Loại đơn vị phải là province, commune, ward hoặc other.",
            )
        })?,
    };
    let corpus = match corpus.as_deref() {
        None => Corpus::Empty,
        Some(c) => Corpus::parse(c).ok_or_else(|| {
            AppError::unprocessable(ErrorCode::InvalidCorpus, "corpus phải là empty, shipped hoặc parent.")
        })?,
    };
    // The parent defaults to the organisation the request acts on; one they cannot see is 404.
    let parent = match parent {
        None => user.org.org.id,
        Some(slug) => state.deployment.scope(user.actor.clone(), Some(&slug))?.services.org.id,
    };
    let new = NewOrganisation { slug, name: name.trim().to_owned(), kind, parent: Some(parent) };
    let s = state.clone();
    let created = blocking(move || {
        organisations::create(&s.deployment, Operator::Admin(&user.actor), new, corpus, &s.settings.procedures_dir)
    })
    .await?;
    Ok(HttpResponse::Created().json(OrgDto::of(&created, &state.deployment)))
}

/// A unit below the organisation acted in, with where its quality system stands.
#[derive(Serialize)]
pub struct UnitDto {
    #[serde(flatten)]
    pub org: OrgDto,
    #[serde(flatten)]
    pub summary: crate::service::ports::UnitSummary,
}

/// `GET /api/v1/units`: every organisation below this one, for its admin and auditor, with
/// procedures, overdue reviews, citations of superseded texts, open nonconformities, overdue
/// corrective actions and the last internal audit.
pub async fn units(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let today = chrono::Utc::now().date_naive();
    let s = state.clone();
    let acting_in = user.org.org.id;
    let units = blocking(move || organisations::units(&s.deployment, &user.actor, acting_in, today)).await?;
    let items: Vec<UnitDto> =
        units.into_iter().map(|u| UnitDto { org: OrgDto::of(&u.org, &state.deployment), summary: u.summary }).collect();
    let total = items.len() as i64;
    Ok(HttpResponse::Ok().json(List { items, total }))
}
