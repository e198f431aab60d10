//! The search page: results for `?q=` rendered on the server, refreshed as you type by
//! `search.js` through the API.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::session::Reader;
use super::views::SearchPage;
use crate::error::AppResult;
use crate::service::ports::SearchQuery;
use crate::service::search;
use crate::web_common::blocking;

#[derive(Deserialize)]
pub struct Query {
    q: Option<String>,
    field: Option<String>,
}

pub async fn page(reader: Reader, query: web::Query<Query>) -> AppResult<HttpResponse> {
    let Query { q, field } = query.into_inner();
    let text: String = q.unwrap_or_default().chars().take(200).collect();
    let field = field.unwrap_or_default();
    let query = SearchQuery {
        text: text.clone(),
        field: Some(field.clone()).filter(|f| !f.is_empty()),
        limit: 50,
        ..Default::default()
    };
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let (hits, fields) = blocking(move || {
        let hits = if query.text.trim().is_empty() { vec![] } else { search::search(&state, &actor, &query)? };
        Ok((hits, crate::service::catalog::fields(&state)?))
    })
    .await?;
    let lang = reader.lang.code();
    let fields = fields
        .into_iter()
        .map(|f| (f.field.code.clone(), f.field.name(lang).to_owned(), f.field.code == field))
        .collect();
    super::html(&SearchPage { c: reader.chrome(), query: text, hits, fields })
}
