//! A procedure's page at its current or an older revision, and its print view.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::session::Reader;
use super::views::{PrintPage, ProcedurePage};
use crate::domain::ErrorCode;
use crate::domain::procedure::RevisionStanding;
use crate::domain::{Action, Resource, authorize};
use crate::error::AppResult;
use crate::service::ports::RevisionRecord;
use crate::service::reading::{self, Reading};
use crate::web_common::blocking;

/// The page's data: from memory when nothing changed since it was read, so that the common
/// case does not wait for the blocking pool.
async fn load(reader: &Reader, code: String, revision: Option<i32>) -> AppResult<Reading> {
    let username = &reader.actor.username;
    if let Some(hit) = reading::cached(&reader.org, &code, revision, username) {
        return Ok(hit);
    }
    let state = reader.org.clone();
    let username = username.clone();
    blocking(move || reading::load(&state, &code, revision, &username)).await
}

fn signoffs(r: &RevisionRecord) -> [Option<String>; 3] {
    [r.prepared_by.clone(), r.reviewed_by.clone(), r.approved_by.clone()]
}

fn parse_revision(raw: &str) -> AppResult<i32> {
    crate::web_common::positive_id(raw, ErrorCode::RevisionNotFound, "Lần ban hành không hợp lệ.")
}

async fn page(reader: Reader, code: String, revision: Option<i32>) -> AppResult<HttpResponse> {
    let Reading { procedure, acknowledged } = load(&reader, code, revision).await?;
    let view = &procedure.view;
    let secretary = authorize(&reader.actor, Action::ManageDocuments, Resource::None).is_ok();
    let embedded = view.document.html.len();
    super::html_embedding(
        &ProcedurePage {
            c: reader.chrome(),
            secretary,
            acknowledged,
            may_acknowledge: authorize(&reader.actor, Action::Acknowledge, Resource::None).is_ok(),
            flagged: procedure.flagged(),
            signoffs: signoffs(&view.revision),
            superseded: view.standing == RevisionStanding::Superseded,
            obsolete: view.standing == RevisionStanding::Obsolete,
            v: view,
            field_name: procedure.field_name(reader.lang.code()),
            revisions: &procedure.revisions,
        },
        embedded,
    )
}

pub async fn current(reader: Reader, code: web::Path<String>) -> AppResult<HttpResponse> {
    page(reader, code.into_inner(), None).await
}

pub async fn revision(reader: Reader, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    let (code, raw) = path.into_inner();
    page(reader, code, Some(parse_revision(&raw)?)).await
}

#[derive(Deserialize)]
pub struct PrintQuery {
    revision: Option<String>,
}

pub async fn print(reader: Reader, code: web::Path<String>, query: web::Query<PrintQuery>) -> AppResult<HttpResponse> {
    let revision = query.revision.as_deref().map(parse_revision).transpose()?;
    let Reading { procedure, .. } = load(&reader, code.into_inner(), revision).await?;
    let view = &procedure.view;
    let printed_on = reader.tr().date(chrono::Utc::now().date_naive());
    super::html(&PrintPage {
        c: reader.chrome(),
        signoffs: signoffs(&view.revision),
        superseded: view.standing == RevisionStanding::Superseded,
        obsolete: view.standing == RevisionStanding::Obsolete,
        v: view,
        revisions: &procedure.revisions,
        printed_on,
    })
}
