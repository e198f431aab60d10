//! `/api/v1/audits` and `/api/v1/audit-programme`.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::blocking;
use super::quality_dto as dto;
use crate::domain::ErrorCode;
use crate::domain::audit::{CheckResult, FindingType};
use crate::domain::{Action, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::service::quality::{audits, programme};
use crate::web_common::CurrentUser;

fn id_of(raw: &str) -> AppResult<i32> {
    super::positive_id(raw, ErrorCode::AuditNotFound, "Không có cuộc đánh giá này.")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    procedures: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanAudit {
    title: String,
    year: i32,
    scope: Scope,
    criteria: String,
    planned_start: NaiveDate,
    planned_end: NaiveDate,
    lead_auditor: String,
    #[serde(default)]
    auditors: Vec<String>,
    independence_override: Option<Override>,
}

pub async fn plan(user: CurrentUser, body: web::Json<PlanAudit>) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let new = audits::NewAudit {
        title: b.title,
        year: b.year,
        fields: b.scope.fields,
        procedures: b.scope.procedures,
        criteria: b.criteria,
        planned_start: b.planned_start,
        planned_end: b.planned_end,
        lead_auditor: b.lead_auditor,
        auditors: b.auditors,
        independence_override: b.independence_override.map(|o| o.reason),
    };
    let audit = blocking(move || audits::plan(&user.org, &user.actor, new)).await?;
    Ok(HttpResponse::Created().json(dto::audit(&audit)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    year: Option<i32>,
}

pub async fn list(user: CurrentUser, query: web::Query<YearQuery>) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let year = query.year;
    let all = blocking(move || crate::service::quality::audits::list(&user.org, year)).await?;
    let items: Vec<_> = all.iter().map(dto::audit).collect();
    Ok(HttpResponse::Ok().json(json!({"total": items.len(), "items": items})))
}

pub async fn get(user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id_of(&id)?;
    let r = blocking(move || audits::report_of(&user.org, &user.actor, id)).await?;
    let mut body = dto::audit(&r.audit);
    body["findings"] = r.findings.iter().map(dto::finding).collect();
    body["checklist"] = r.checklist.iter().map(dto::checklist_item).collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn step(
    user: CurrentUser,
    id: String,
    act: impl FnOnce(&crate::service::Services, &crate::domain::Actor, i32) -> AppResult<crate::service::ports::AuditRecord>
    + Send
    + 'static,
) -> AppResult<HttpResponse> {
    let id = id_of(&id)?;
    let audit = blocking(move || act(&user.org, &user.actor, id)).await?;
    Ok(HttpResponse::Ok().json(dto::audit(&audit)))
}

pub async fn start(user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    step(user, id.into_inner(), audits::start).await
}

pub async fn close(user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    step(user, id.into_inner(), audits::close).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteReport {
    #[serde(default)]
    strong_points: String,
    #[serde(default)]
    to_improve: String,
}

pub async fn write_report(
    user: CurrentUser,
    id: web::Path<String>,
    body: web::Json<WriteReport>,
) -> AppResult<HttpResponse> {
    let WriteReport { strong_points, to_improve } = body.into_inner();
    step(user, id.into_inner(), move |s, a, id| audits::report(s, a, id, &strong_points, &to_improve)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddFinding {
    procedure_code: String,
    #[serde(default)]
    clause: String,
    #[serde(rename = "type")]
    kind: FindingType,
    description: String,
    #[serde(default)]
    evidence: String,
}

pub async fn add_finding(
    user: CurrentUser,
    id: web::Path<String>,
    body: web::Json<AddFinding>,
) -> AppResult<HttpResponse> {
    let id = id_of(&id)?;
    let b = body.into_inner();
    let new = audits::NewFinding {
        procedure_code: b.procedure_code,
        clause: b.clause,
        kind: b.kind,
        description: b.description,
        evidence: b.evidence,
    };
    let finding = blocking(move || audits::add_finding(&user.org, &user.actor, id, new)).await?;
    Ok(HttpResponse::Created().json(dto::finding(&finding)))
}

pub async fn report(user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id_of(&id)?;
    let r = blocking(move || audits::report_of(&user.org, &user.actor, id)).await?;
    let counts: serde_json::Map<String, serde_json::Value> =
        r.counts.iter().map(|(t, n)| (t.as_str().to_owned(), json!(n))).collect();
    Ok(HttpResponse::Ok().json(json!({
        "audit": dto::audit(&r.audit),
        "counts_by_type": counts,
        "findings": r.findings.iter().map(dto::finding).collect::<Vec<_>>(),
        "strong_points": r.audit.strong_points,
        "to_improve": r.audit.to_improve,
        "independence_override": r.audit.independence_override,
    })))
}

pub async fn checklist(user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id_of(&id)?;
    let r = blocking(move || audits::report_of(&user.org, &user.actor, id)).await?;
    let items: Vec<_> = r.checklist.iter().map(dto::checklist_item).collect();
    Ok(HttpResponse::Ok().json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    result: CheckResult,
    #[serde(default)]
    note: String,
}

pub async fn check(
    user: CurrentUser,
    path: web::Path<(String, String)>,
    body: web::Json<Check>,
) -> AppResult<HttpResponse> {
    let (id, item) = path.into_inner();
    let (id, item) = (
        id_of(&id)?,
        item.parse::<i32>()
            .map_err(|_| AppError::not_found(ErrorCode::ChecklistItemNotFound, "Không có dòng kiểm tra này."))?,
    );
    let Check { result, note } = body.into_inner();
    let updated = blocking(move || audits::check(&user.org, &user.actor, id, item, result, &note)).await?;
    Ok(HttpResponse::Ok().json(dto::checklist_item(&updated)))
}

pub async fn programme(user: CurrentUser, query: web::Query<YearQuery>) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let year = query.year.unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now().date_naive()));
    let rows = blocking(move || programme::programme(&user.org, year, "vi")).await?;
    Ok(HttpResponse::Ok().json(json!({"year": year, "total": rows.len(), "items": rows})))
}
