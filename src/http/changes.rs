//! `/api/v1/change-requests`: drafting, review, approval and publishing.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::blocking;
use super::changes_dto::{
    Approve, ChangeDetail, ChangeSummary, Comment, Content, CreateChange, Decision, Publish, Review, Submit,
};
use super::dto::{List, Page, ProcedureDto};
use crate::domain::ErrorCode;
use crate::domain::change_request::ChangeStatus;
use crate::error::{AppError, AppResult};
use crate::service::Services;
use crate::service::change_control::{create, edit, publish, view, workflow};
use crate::service::ports::ChangeFilter;
use crate::web_common::CurrentUser;

fn id_of(raw: &str) -> AppResult<i32> {
    super::positive_id(raw, ErrorCode::ChangeRequestNotFound, "Không có yêu cầu thay đổi này.")
}

/// Runs a change and answers with the request as it now is.
async fn respond(
    user: CurrentUser,
    id: String,
    status: actix_web::http::StatusCode,
    act: impl FnOnce(&Services, &crate::domain::Actor, i32) -> AppResult<()> + Send + 'static,
) -> AppResult<HttpResponse> {
    let id = id_of(&id)?;
    let detail = blocking(move || {
        act(&user.org, &user.actor, id)?;
        view::view(&user.org, &user.actor, id)
    })
    .await?;
    Ok(HttpResponse::build(status).json(ChangeDetail::from(detail)))
}

pub async fn create(user: CurrentUser, body: web::Json<CreateChange>) -> AppResult<HttpResponse> {
    let CreateChange { code, reason, kind, markdown } = body.into_inner();
    let new = create::NewChange { code, reason, kind, markdown };
    let detail = blocking(move || {
        let cr = create::create(&user.org, &user.actor, new)?;
        view::view(&user.org, &user.actor, cr.id)
    })
    .await?;
    Ok(HttpResponse::Created().json(ChangeDetail::from(detail)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    status: Option<String>,
    code: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn list(user: CurrentUser, query: web::Query<ListQuery>) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let (limit, offset) = Page { limit: q.limit, offset: q.offset }.bounds()?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            ChangeStatus::parse(s)
                .ok_or_else(|| AppError::bad_request(ErrorCode::InvalidQuery, "Trạng thái không hợp lệ."))?,
        ),
    };
    let filter = ChangeFilter { status, code: q.code.filter(|c| !c.is_empty()), involving: None, limit, offset };
    let (rows, total) = blocking(move || view::list(&user.org, &user.actor, filter)).await?;
    let items: Vec<ChangeSummary> = rows.into_iter().map(ChangeSummary::from).collect();
    Ok(HttpResponse::Ok().json(List { items, total }))
}

pub async fn get(user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    respond(user, id.into_inner(), actix_web::http::StatusCode::OK, |_, _, _| Ok(())).await
}

const OK: actix_web::http::StatusCode = actix_web::http::StatusCode::OK;

pub async fn content(user: CurrentUser, id: web::Path<String>, body: web::Json<Content>) -> AppResult<HttpResponse> {
    let markdown = body.into_inner().markdown;
    respond(user, id.into_inner(), OK, move |s, a, id| edit::save_content(s, a, id, &markdown).map(|_| ())).await
}

pub async fn submit(user: CurrentUser, id: web::Path<String>, body: web::Json<Submit>) -> AppResult<HttpResponse> {
    let Submit { reviewers, approver } = body.into_inner();
    respond(user, id.into_inner(), OK, move |s, a, id| workflow::submit(s, a, id, reviewers, approver).map(|_| ()))
        .await
}

pub async fn review(user: CurrentUser, id: web::Path<String>, body: web::Json<Review>) -> AppResult<HttpResponse> {
    let Review { decision, comment, content_hash } = body.into_inner();
    let approve = matches!(decision, Decision::Approve);
    respond(user, id.into_inner(), OK, move |s, a, id| {
        workflow::review(s, a, id, approve, &comment, content_hash.as_deref()).map(|_| ())
    })
    .await
}

pub async fn approve(user: CurrentUser, id: web::Path<String>, body: web::Json<Approve>) -> AppResult<HttpResponse> {
    let Approve { password, comment, content_hash } = body.into_inner();
    respond(user, id.into_inner(), OK, move |s, a, id| {
        workflow::approve(s, a, id, &password, &comment, content_hash.as_deref()).map(|_| ())
    })
    .await
}

pub async fn reject(user: CurrentUser, id: web::Path<String>, body: web::Json<Comment>) -> AppResult<HttpResponse> {
    let comment = body.into_inner().comment;
    respond(user, id.into_inner(), OK, move |s, a, id| workflow::reject(s, a, id, &comment).map(|_| ())).await
}

pub async fn withdraw(
    user: CurrentUser,
    id: web::Path<String>,
    body: Option<web::Json<Comment>>,
) -> AppResult<HttpResponse> {
    let comment = body.map(|b| b.into_inner().comment).unwrap_or_default();
    respond(user, id.into_inner(), OK, move |s, a, id| workflow::withdraw(s, a, id, &comment).map(|_| ())).await
}

pub async fn publish(user: CurrentUser, id: web::Path<String>, body: web::Json<Publish>) -> AppResult<HttpResponse> {
    let id = id_of(&id)?;
    let Publish { effective_date, summary } = body.into_inner();
    let input = publish::PublishInput { effective_date, summary };
    let view = blocking(move || publish::publish(&user.org, &user.actor, id, input)).await?;
    Ok(HttpResponse::Ok().json(ProcedureDto::from(view)))
}
