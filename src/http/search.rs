//! `GET /api/v1/search`: Vietnamese full-text search, with or without diacritics.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::blocking;
use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult};
use crate::service::ports::SearchQuery;
use crate::service::search;
use crate::web_common::CurrentUser;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    q: Option<String>,
    field: Option<String>,
    kind: Option<String>,
    include_obsolete: Option<bool>,
    limit: Option<usize>,
}

pub async fn search(user: CurrentUser, query: web::Query<Query>) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let text = q.q.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(AppError::bad_request(ErrorCode::MissingQuery, "Cần từ khóa tìm kiếm (q)."));
    }
    let query = SearchQuery {
        text: text.clone(),
        field: q.field,
        kind: q.kind,
        include_obsolete: q.include_obsolete.unwrap_or(false),
        limit: q.limit.unwrap_or(20).clamp(1, 500),
    };
    let hits = blocking(move || search::search(&user.org, &user.actor, &query)).await?;
    let items: Vec<_> = hits
        .iter()
        .map(|h| json!({"code": h.code, "title": h.title, "field": h.field, "revision": h.revision, "snippet": h.snippet, "score": h.score}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"query": text, "total": items.len(), "items": items})))
}
