//! Per-procedure document control: diffs between revisions, read-and-understood, periodic review,
//! and the lists of procedures due for review or citing superseded legal texts.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::blocking;
use super::dto::{List, ProcedureSummary};
use crate::domain::ErrorCode;
use crate::domain::{Action, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::service::{acknowledgements, catalog, periodic_review};
use crate::web_common::CurrentUser;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    from: i32,
    to: i32,
}

pub async fn diff(user: CurrentUser, code: web::Path<String>, query: web::Query<DiffQuery>) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let DiffQuery { from, to } = query.into_inner();
    let code = code.into_inner();
    let diff = blocking(move || catalog::diff(&user.org, &code, from, to)).await?;
    let mut body = serde_json::to_value(&diff).map_err(AppError::internal)?;
    body["from"] = from.into();
    body["to"] = to.into();
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acknowledge {
    revision: i32,
}

pub async fn acknowledge(
    user: CurrentUser,
    code: web::Path<String>,
    body: web::Json<Acknowledge>,
) -> AppResult<HttpResponse> {
    let revision = body.revision;
    let code = code.into_inner();
    let username = user.actor.username.clone();
    let recorded =
        blocking(move || acknowledgements::acknowledge(&user.org, &user.actor, &code, revision).map(|new| (code, new)))
            .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "code": recorded.0, "revision": revision, "username": username, "acknowledged": true, "newly_recorded": recorded.1
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionQuery {
    revision: Option<i32>,
}

pub async fn acknowledgements(
    user: CurrentUser,
    code: web::Path<String>,
    query: web::Query<RevisionQuery>,
) -> AppResult<HttpResponse> {
    let code = code.into_inner();
    let revision = query.revision;
    let status = blocking(move || acknowledgements::status(&user.org, &user.actor, &code, revision)).await?;
    Ok(HttpResponse::Ok().json(status))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodicReview {
    outcome: String,
    #[serde(default)]
    comment: String,
}

pub async fn periodic_review(
    user: CurrentUser,
    code: web::Path<String>,
    body: web::Json<PeriodicReview>,
) -> AppResult<HttpResponse> {
    let PeriodicReview { outcome, comment } = body.into_inner();
    let code = code.into_inner();
    let procedure =
        blocking(move || periodic_review::record(&user.org, &user.actor, &code, &outcome, &comment)).await?;
    Ok(HttpResponse::Ok().json(ProcedureSummary::from(procedure)))
}

/// `GET /api/v1/review-due`: effective procedures whose periodic review is due.
pub async fn review_due(user: CurrentUser) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let items: Vec<ProcedureSummary> =
        blocking(move || periodic_review::due(&user.org)).await?.into_iter().map(Into::into).collect();
    let total = items.len() as i64;
    Ok(HttpResponse::Ok().json(List { items, total }))
}

/// `GET /api/v1/flagged-for-review`: procedures citing a superseded legal text.
pub async fn flagged(user: CurrentUser) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let rows = blocking(move || crate::service::catalog::citing_superseded(&user.org)).await?;
    let items: Vec<_> =
        rows.into_iter().map(|(code, key)| serde_json::json!({"code": code, "legal_basis": key})).collect();
    let total = items.len() as i64;
    Ok(HttpResponse::Ok().json(List { items, total }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preview {
    code: String,
    markdown: String,
}

/// `POST /api/v1/preview`: the draft rendered as readers will see it, and every rule of
/// `qms check` it breaks (the editor's live preview). Changes nothing.
pub async fn preview(user: CurrentUser, body: web::Json<Preview>) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadProcedures, Resource::None)?;
    let Preview { code, markdown } = body.into_inner();
    let code = crate::domain::ProcedureCode::parse(&code)
        .ok_or_else(|| AppError::unprocessable(ErrorCode::InvalidCode, "Mã quy trình không hợp lệ."))?;
    let markdown = markdown.replace("\r\n", "\n");
    crate::service::change_control::require_size(&markdown)?;
    let (html, problems) = blocking(move || {
        let problems = crate::service::change_control::problems(&user.org, &code, &markdown)?;
        let body = crate::markdown::split_front_matter(&markdown).map(|(_, b, _)| b.to_owned()).unwrap_or(markdown);
        Ok((crate::markdown::render_html(&body), problems))
    })
    .await?;
    let problems: Vec<_> = problems
        .iter()
        .map(|p| serde_json::json!({"line": p.line, "rule": p.rule.as_str(), "message": p.message}))
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({"html": html, "problems": problems})))
}

/// `{"value": count, …}` for counts keyed by an enumerated value.
fn counts_by<T: Copy>(counts: &[(T, i64)], name: fn(T) -> &'static str) -> serde_json::Map<String, serde_json::Value> {
    counts.iter().map(|(value, n)| (name(*value).to_owned(), (*n).into())).collect()
}

/// `GET /api/v1/dashboard`: counts for the signed-in user.
pub async fn dashboard(user: CurrentUser) -> AppResult<HttpResponse> {
    use crate::domain::{audit::FindingType, change_request::ChangeStatus, nonconformity::CaStatus};
    let d = blocking(move || crate::service::dashboard::dashboard(&user.org, &user.actor)).await?;
    let months: Vec<serde_json::Value> =
        d.reissues_per_month.iter().map(|(m, n)| serde_json::json!({"month": m, "count": n})).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "procedures": {
            "effective": d.procedures_effective,
            "overdue_for_review": d.procedures_overdue_for_review,
            "citing_superseded_law": d.procedures_citing_superseded_law,
        },
        "change_requests": counts_by(&d.change_requests, ChangeStatus::as_str),
        "open_nonconformities": d.open_nonconformities,
        "overdue_corrective_actions": d.overdue_corrective_actions,
        "unacknowledged_revisions": d.unacknowledged_revisions,
        "to_read": d.to_read.iter().map(|(code, revision, title)| serde_json::json!({"code": code, "revision": revision, "title": title})).collect::<Vec<_>>(),
        "to_review": d.to_review,
        "to_approve": d.to_approve,
        "my_open_corrective_actions": d.my_open_actions,
        "waiting_for_me": d.waiting_for_me,
        "my_audits": d.my_audits.iter().map(|(id, title, status)| serde_json::json!({"id": id, "title": title, "status": status.as_str()})).collect::<Vec<_>>(),
        "findings_last_12_months": counts_by(&d.findings_by_type, FindingType::as_str),
        "corrective_actions": counts_by(&d.actions_by_status, CaStatus::as_str),
        "reissues_per_month": months,
    })))
}
