//! Reading fields and procedures: any signed-in user.

use actix_web::{HttpResponse, web};

use super::blocking;
use super::dto::{FieldDto, List, Page, ProcedureDto, ProcedureQuery, ProcedureSummary, RevisionDto};
use crate::domain::ErrorCode;
use crate::domain::{Action, Resource, authorize};
use crate::error::AppResult;
use crate::service::{catalog, reading};
use crate::web_common::CurrentUser;

fn may_read(user: &CurrentUser) -> AppResult<()> {
    Ok(authorize(&user.actor, Action::ReadProcedures, Resource::None)?)
}

pub async fn fields(user: CurrentUser) -> AppResult<HttpResponse> {
    may_read(&user)?;
    let fields = blocking(move || catalog::fields(&user.org)).await?;
    let items: Vec<FieldDto> = fields.into_iter().map(FieldDto::from).collect();
    let total = items.len() as i64;
    Ok(HttpResponse::Ok().json(List { items, total }))
}

pub async fn procedures(user: CurrentUser, query: web::Query<ProcedureQuery>) -> AppResult<HttpResponse> {
    may_read(&user)?;
    let filter = query.filter()?;
    let (rows, total) = blocking(move || catalog::procedures(&user.org, &filter)).await?;
    let items: Vec<ProcedureSummary> = rows.into_iter().map(ProcedureSummary::from).collect();
    Ok(HttpResponse::Ok().json(List { items, total }))
}

pub async fn procedure(user: CurrentUser, code: web::Path<String>) -> AppResult<HttpResponse> {
    may_read(&user)?;
    let code = code.into_inner();
    // The same per-revision entries as the procedure's page: from memory without the blocking
    // pool while nothing was written since.
    let reading = match reading::cached_procedure(&user.org, &code, None) {
        Some(reading) => reading,
        None => blocking(move || reading::load_procedure(&user.org, &code, None)).await?,
    };
    Ok(HttpResponse::Ok().json(ProcedureDto::from(&reading.view)))
}

pub async fn revisions(user: CurrentUser, code: web::Path<String>, page: web::Query<Page>) -> AppResult<HttpResponse> {
    may_read(&user)?;
    let (limit, offset) = page.bounds()?;
    let code = code.into_inner();
    let (rows, total) = blocking(move || catalog::revisions(&user.org, &code, limit, offset)).await?;
    let items: Vec<RevisionDto> = rows.into_iter().map(RevisionDto::from).collect();
    Ok(HttpResponse::Ok().json(List { items, total }))
}

pub async fn revision(user: CurrentUser, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    may_read(&user)?;
    let (code, revision) = path.into_inner();
    let number = super::positive_id(&revision, ErrorCode::RevisionNotFound, "Lần ban hành không hợp lệ.")?;
    let view = blocking(move || catalog::at_revision(&user.org, &code, number)).await?;
    Ok(HttpResponse::Ok().json(ProcedureDto::from(view)))
}
