//! `/api/v1/legal-bases`: external documents.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::blocking;
use super::dto::List;
use crate::domain::legal_basis::{LegalBasis, LegalStatus};
use crate::domain::{Action, Resource, authorize};
use crate::error::AppResult;
use crate::service::legal;
use crate::web_common::CurrentUser;

/// A legal basis as the API shows it. `superseded_by` stays one key (or null), as the contract has
/// always given it: the first successor. A text split between several successors lists them all
/// in `successors`.
#[derive(Serialize)]
pub struct LegalBasisDto {
    key: String,
    #[serde(rename = "type")]
    kind: String,
    number: String,
    date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    effective_from: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    effective_to: Option<NaiveDate>,
    issuer: String,
    title: String,
    status: LegalStatus,
    superseded_by: Option<String>,
    successors: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    amended_by: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

impl From<LegalBasis> for LegalBasisDto {
    fn from(b: LegalBasis) -> Self {
        Self {
            superseded_by: b.superseded_by.first().cloned(),
            successors: b.superseded_by,
            key: b.key,
            kind: b.kind,
            number: b.number,
            date: b.date,
            effective_from: b.effective_from,
            effective_to: b.effective_to,
            issuer: b.issuer,
            title: b.title,
            status: b.status,
            amended_by: b.amended_by,
            note: b.note,
        }
    }
}

pub async fn list(user: CurrentUser) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let items: Vec<LegalBasisDto> =
        blocking(move || legal::list(&user.org)).await?.into_iter().map(Into::into).collect();
    let total = items.len() as i64;
    Ok(HttpResponse::Ok().json(List { items, total }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLegalBasis {
    key: String,
    #[serde(rename = "type")]
    kind: String,
    number: String,
    date: Option<NaiveDate>,
    issuer: String,
    title: String,
}

pub async fn create(user: CurrentUser, body: web::Json<NewLegalBasis>) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let new = LegalBasis {
        key: b.key,
        kind: b.kind,
        number: b.number,
        date: b.date,
        issuer: b.issuer,
        title: b.title,
        status: LegalStatus::InForce,
        superseded_by: vec![],
        effective_from: None,
        effective_to: None,
        amended_by: vec![],
        note: None,
    };
    let added = blocking(move || legal::add(&user.org, &user.actor, new)).await?;
    Ok(HttpResponse::Created().json(LegalBasisDto::from(added)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Supersede {
    superseded_by: String,
}

pub async fn supersede(
    user: CurrentUser,
    key: web::Path<String>,
    body: web::Json<Supersede>,
) -> AppResult<HttpResponse> {
    let key = key.into_inner();
    let by = body.into_inner().superseded_by;
    let (basis, flagged) = blocking(move || legal::supersede(&user.org, &user.actor, &key, &by)).await?;
    let mut body = serde_json::to_value(LegalBasisDto::from(basis)).map_err(crate::error::AppError::internal)?;
    body["flagged_procedures"] = flagged.into();
    Ok(HttpResponse::Ok().json(body))
}
