//! A procedure's page at its current or an older revision, and its print view.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::session::Reader;
use super::views::{PrintPage, ProcedurePage};
use crate::domain::procedure::RevisionStanding;
use crate::domain::{Action, Resource, authorize};
use crate::error::AppResult;
use crate::http::blocking;
use crate::service::catalog::{self, ProcedureView};
use crate::service::ports::RevisionRecord;

struct Loaded {
    view: ProcedureView,
    revisions: Vec<RevisionRecord>,
    field_name: String,
    acknowledged: bool,
    flagged: Vec<String>,
}

async fn load(reader: &Reader, code: String, revision: Option<i32>) -> AppResult<Loaded> {
    let state = reader.state.clone();
    let lang = reader.lang.code();
    let username = reader.actor.username.clone();
    blocking(move || {
        let s = &state.services;
        let view = match revision {
            Some(n) => catalog::at_revision(s, &code, n)?,
            None => catalog::current(s, &code)?,
        };
        let revisions = s.index.revisions(&view.procedure.code)?;
        let reference = catalog::reference(s)?;
        let field_name = reference
            .fields
            .iter()
            .find(|f| f.code == view.procedure.field)
            .map_or_else(|| view.procedure.field.clone(), |f| f.name(lang).to_owned());
        let acknowledged = s.index.has_acknowledged(&view.procedure.code, view.revision.revision, &username)?;
        let superseded = |key: &String| {
            reference
                .legal_bases
                .iter()
                .any(|l| l.key == *key && l.status == crate::domain::legal_basis::LegalStatus::Superseded)
        };
        let flagged = view.document.front.legal_basis.iter().filter(|k| superseded(k)).cloned().collect();
        Ok(Loaded { view, revisions, field_name, acknowledged, flagged })
    })
    .await
}

fn signoffs(r: &RevisionRecord) -> [Option<String>; 3] {
    [r.prepared_by.clone(), r.reviewed_by.clone(), r.approved_by.clone()]
}

fn parse_revision(raw: &str) -> AppResult<i32> {
    crate::http::positive_id(raw, "revision_not_found", "Lần ban hành không hợp lệ.")
}

async fn page(reader: Reader, code: String, revision: Option<i32>) -> AppResult<HttpResponse> {
    let Loaded { view, revisions, field_name, acknowledged, flagged } = load(&reader, code, revision).await?;
    let secretary = authorize(&reader.actor, Action::ManageDocuments, Resource::None).is_ok();
    super::html(&ProcedurePage {
        c: reader.chrome(),
        secretary,
        acknowledged,
        flagged,
        signoffs: signoffs(&view.revision),
        superseded: view.standing == RevisionStanding::Superseded,
        obsolete: view.standing == RevisionStanding::Obsolete,
        v: view,
        field_name,
        revisions,
    })
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
    let Loaded { view, revisions, .. } = load(&reader, code.into_inner(), revision).await?;
    let printed_on = reader.tr().date(chrono::Utc::now().date_naive());
    super::html(&PrintPage {
        c: reader.chrome(),
        signoffs: signoffs(&view.revision),
        superseded: view.standing == RevisionStanding::Superseded,
        obsolete: view.standing == RevisionStanding::Obsolete,
        v: view,
        revisions,
        printed_on,
    })
}
