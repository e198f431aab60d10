//! `/api/v1/nonconformities` and `/api/v1/corrective-actions`.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::blocking;
use super::dto::Page;
use super::quality_dto as dto;
use crate::domain::ErrorCode;
use crate::domain::nonconformity::{CaStatus, NcSource, NcStatus, Severity};
use crate::domain::{Action, Resource, authorize};
use crate::error::AppResult;
use crate::service::ports::{CaFilter, CaRecord, NcFilter};
use crate::service::quality::{actions, nonconformities};
use crate::web_common::CurrentUser;

fn id_of(raw: &str, what: ErrorCode) -> AppResult<i32> {
    super::positive_id(raw, what, "Không tìm thấy.")
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenNc {
    source: NcSource,
    finding_id: Option<i32>,
    #[serde(default)]
    procedure_codes: Vec<String>,
    description: String,
    severity: Severity,
    correction: Option<String>,
}

pub async fn open(user: CurrentUser, body: web::Json<OpenNc>) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let new = nonconformities::NewNc {
        source: b.source,
        finding_id: b.finding_id,
        procedure_codes: b.procedure_codes,
        description: b.description,
        severity: b.severity,
        correction: b.correction,
    };
    let nc = blocking(move || nonconformities::open(&user.org, &user.actor, new)).await?;
    Ok(HttpResponse::Created().json(dto::nonconformity(&nc)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NcQuery {
    status: Option<NcStatus>,
    source: Option<NcSource>,
    field: Option<String>,
    procedure: Option<String>,
    owner: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn list(user: CurrentUser, query: web::Query<NcQuery>) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let q = query.into_inner();
    let (limit, offset) = Page { limit: q.limit, offset: q.offset }.bounds()?;
    let filter = NcFilter {
        status: q.status,
        source: q.source,
        field: q.field,
        procedure: q.procedure,
        owner: q.owner,
        limit,
        offset,
    };
    let (items, total) = blocking(move || nonconformities::list(&user.org, &filter)).await?;
    Ok(HttpResponse::Ok()
        .json(json!({"total": total, "items": items.iter().map(dto::nonconformity).collect::<Vec<_>>()})))
}

pub async fn get(user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let id = id_of(&id, ErrorCode::NonconformityNotFound)?;
    let d = blocking(move || nonconformities::detail(&user.org, id)).await?;
    let (nc, similar) = (&d.nc, &d.similar);
    let mut body = dto::nonconformity(nc);
    body["corrective_actions"] = d.actions.iter().map(|a| dto::corrective_action(a, today())).collect();
    body["similar"] = similar
        .iter()
        .map(|n| json!({"id": n.id, "status": n.status, "description": n.description, "procedure_codes": n.procedures}))
        .collect();
    body["fixed_by_revisions"] = d
        .fixed_by
        .iter()
        .map(|f| json!({"code": f.code, "revision": f.revision, "change_request_id": f.change_request_id, "commit": f.commit}))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootCause {
    #[serde(default)]
    why: Vec<String>,
    root_cause: String,
    #[serde(default)]
    similar_checked: bool,
}

pub async fn root_cause(
    user: CurrentUser,
    id: web::Path<String>,
    body: web::Json<RootCause>,
) -> AppResult<HttpResponse> {
    let id = id_of(&id, ErrorCode::NonconformityNotFound)?;
    let RootCause { why, root_cause, similar_checked } = body.into_inner();
    let nc = blocking(move || {
        nonconformities::record_root_cause(&user.org, &user.actor, id, why, &root_cause, similar_checked)
    })
    .await?;
    Ok(HttpResponse::Ok().json(dto::nonconformity(&nc)))
}

pub async fn close(user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id_of(&id, ErrorCode::NonconformityNotFound)?;
    let nc = blocking(move || nonconformities::close(&user.org, &user.actor, id)).await?;
    Ok(HttpResponse::Ok().json(dto::nonconformity(&nc)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCa {
    nonconformity_ids: Vec<i32>,
    action: String,
    owner: String,
    due_date: NaiveDate,
    verify_after: Option<NaiveDate>,
    requires_change_of: Option<String>,
}

pub async fn create_ca(user: CurrentUser, body: web::Json<NewCa>) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let new = actions::NewCa {
        nonconformity_ids: b.nonconformity_ids,
        action: b.action,
        owner: b.owner,
        due_date: b.due_date,
        verify_after: b.verify_after,
        requires_change_of: b.requires_change_of,
    };
    let ca = blocking(move || actions::create(&user.org, &user.actor, new)).await?;
    Ok(HttpResponse::Created().json(dto::corrective_action(&ca, today())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaQuery {
    status: Option<CaStatus>,
    owner: Option<String>,
    overdue: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn list_ca(user: CurrentUser, query: web::Query<CaQuery>) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let q = query.into_inner();
    let (limit, offset) = Page { limit: q.limit, offset: q.offset }.bounds()?;
    let filter = CaFilter {
        status: q.status,
        owner: q.owner,
        overdue_on: q.overdue.filter(|o| *o).map(|_| today()),
        nonconformity: None,
        limit,
        offset,
    };
    let (items, total) = blocking(move || actions::list(&user.org, &filter)).await?;
    Ok(HttpResponse::Ok().json(
        json!({"total": total, "items": items.iter().map(|a| dto::corrective_action(a, today())).collect::<Vec<_>>()}),
    ))
}

pub async fn get_ca(user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let id = id_of(&id, ErrorCode::CorrectiveActionNotFound)?;
    let ca = blocking(move || actions::load(&user.org, id)).await?;
    Ok(HttpResponse::Ok().json(dto::corrective_action(&ca, today())))
}

async fn ca_step(
    user: CurrentUser,
    id: String,
    act: impl FnOnce(&crate::service::Services, &crate::domain::Actor, i32) -> AppResult<CaRecord> + Send + 'static,
) -> AppResult<HttpResponse> {
    let id = id_of(&id, ErrorCode::CorrectiveActionNotFound)?;
    let ca = blocking(move || act(&user.org, &user.actor, id)).await?;
    Ok(HttpResponse::Ok().json(dto::corrective_action(&ca, today())))
}

pub async fn start_ca(user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    ca_step(user, id.into_inner(), actions::start).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complete {
    evidence: String,
}

pub async fn complete_ca(
    user: CurrentUser,
    id: web::Path<String>,
    body: web::Json<Complete>,
) -> AppResult<HttpResponse> {
    let evidence = body.into_inner().evidence;
    ca_step(user, id.into_inner(), move |s, a, id| actions::complete(s, a, id, &evidence)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verify {
    effective: bool,
    #[serde(default)]
    comment: String,
}

pub async fn verify_ca(user: CurrentUser, id: web::Path<String>, body: web::Json<Verify>) -> AppResult<HttpResponse> {
    let Verify { effective, comment } = body.into_inner();
    ca_step(user, id.into_inner(), move |s, a, id| actions::verify(s, a, id, effective, &comment)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    change_request_id: i32,
}

pub async fn link_change(user: CurrentUser, id: web::Path<String>, body: web::Json<Link>) -> AppResult<HttpResponse> {
    let cr = body.into_inner().change_request_id;
    ca_step(user, id.into_inner(), move |s, a, id| actions::link_change(s, a, id, cr)).await
}
