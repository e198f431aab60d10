//! Document-control pages around a procedure: read-and-understood, periodic review, comparing
//! revisions, the due-for-review list, and the external legal documents.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;

use super::forms::{form_error_status, parse_form, see_other};
use super::session::Reader;
use super::views::{AcknowledgementsPage, LegalBasesPage, ProcedureDiffPage, ReviewDuePage};
use crate::domain::ErrorCode;
use crate::domain::legal_basis::{LegalBasis, LegalStatus};
use crate::domain::{Action, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::service::{acknowledgements, catalog, legal, periodic_review};
use crate::web_common::blocking;

#[derive(Deserialize)]
struct AckForm {
    csrf: String,
    revision: i32,
}

pub async fn acknowledge(reader: Reader, code: web::Path<String>, body: web::Bytes) -> AppResult<HttpResponse> {
    let form: AckForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let code = code.into_inner();
    let (state, actor, c) = (reader.org.clone(), reader.actor.clone(), code.clone());
    blocking(move || acknowledgements::acknowledge(&state, &actor, &c, form.revision)).await?;
    Ok(see_other(&format!("/procedures/{code}")))
}

pub async fn who_read(reader: Reader, code: web::Path<String>) -> AppResult<HttpResponse> {
    let (state, actor, code) = (reader.org.clone(), reader.actor.clone(), code.into_inner());
    let s = blocking(move || acknowledgements::status(&state, &actor, &code, None)).await?;
    super::html(&AcknowledgementsPage { c: reader.chrome(), s })
}

#[derive(Deserialize)]
struct PeriodicForm {
    csrf: String,
    outcome: String,
    #[serde(default)]
    comment: String,
}

pub async fn periodic(reader: Reader, code: web::Path<String>, body: web::Bytes) -> AppResult<HttpResponse> {
    let form: PeriodicForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let code = code.into_inner();
    let (state, actor, c) = (reader.org.clone(), reader.actor.clone(), code.clone());
    blocking(move || periodic_review::record(&state, &actor, &c, &form.outcome, &form.comment)).await?;
    Ok(see_other(&format!("/procedures/{code}#periodic")))
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: i32,
    to: i32,
}

pub async fn diff(reader: Reader, code: web::Path<String>, query: web::Query<DiffQuery>) -> AppResult<HttpResponse> {
    let DiffQuery { from, to } = query.into_inner();
    let (state, code) = (reader.org.clone(), code.into_inner());
    let c = code.clone();
    let diff = blocking(move || catalog::diff(&state, &c, from, to)).await?;
    super::html(&ProcedureDiffPage { c: reader.chrome(), code, from, to, diff })
}

pub async fn review_due(reader: Reader) -> AppResult<HttpResponse> {
    let state = reader.org.clone();
    let (due, flagged) =
        blocking(move || Ok((periodic_review::due(&state)?, crate::service::catalog::citing_superseded(&state)?)))
            .await?;
    super::html(&ReviewDuePage { c: reader.chrome(), due, flagged })
}

#[derive(Deserialize)]
pub struct LegalQuery {
    flagged: Option<String>,
}

async fn legal_page(
    reader: &Reader,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> AppResult<HttpResponse> {
    let state = reader.org.clone();
    let items = blocking(move || legal::list(&state)).await?;
    let secretary = authorize(&reader.actor, Action::ManageDocuments, Resource::None).is_ok();
    let types = &crate::domain::legal_basis::DOCUMENT_TYPES[..];
    super::html_with(status, &LegalBasesPage { c: reader.chrome(), items, secretary, types, error, notice })
}

pub async fn legal_bases(reader: Reader, query: web::Query<LegalQuery>) -> AppResult<HttpResponse> {
    let notice = query.into_inner().flagged.map(|codes| format!("{}: {codes}", reader.tr().get("control.flagged")));
    legal_page(&reader, StatusCode::OK, None, notice).await
}

#[derive(Deserialize)]
struct LegalForm {
    csrf: String,
    key: String,
    #[serde(rename = "type")]
    kind: String,
    number: String,
    #[serde(default)]
    date: String,
    issuer: String,
    title: String,
}

pub async fn add_legal(reader: Reader, body: web::Bytes) -> AppResult<HttpResponse> {
    let form: LegalForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let date = match form.date.trim() {
        "" => None,
        d => Some(
            d.parse::<NaiveDate>()
                .map_err(|_| AppError::bad_request(ErrorCode::MalformedForm, "Ngày không hợp lệ."))?,
        ),
    };
    let new = LegalBasis {
        key: form.key.trim().to_owned(),
        kind: form.kind,
        number: form.number,
        date,
        issuer: form.issuer,
        title: form.title,
        status: LegalStatus::InForce,
        superseded_by: vec![],
        effective_from: None,
        effective_to: None,
        amended_by: vec![],
        note: None,
    };
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    match blocking(move || legal::add(&state, &actor, new)).await {
        Ok(added) => Ok(see_other(&format!("/legal-bases#{}", added.key))),
        Err(e) => match form_error_status(&e) {
            Some(status) => legal_page(&reader, status, Some(reader.tr().error(&e)), None).await,
            None => Err(e),
        },
    }
}

#[derive(Deserialize)]
struct SupersedeForm {
    csrf: String,
    superseded_by: String,
}

pub async fn supersede(reader: Reader, key: web::Path<String>, body: web::Bytes) -> AppResult<HttpResponse> {
    let form: SupersedeForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let (state, actor, key) = (reader.org.clone(), reader.actor.clone(), key.into_inner());
    let by = form.superseded_by.trim().to_owned();
    match blocking(move || legal::supersede(&state, &actor, &key, &by)).await {
        Ok((basis, flagged)) => {
            let codes = if flagged.is_empty() { "—".to_owned() } else { flagged.join(", ") };
            Ok(see_other(&format!("/legal-bases?flagged={}#{}", super::errors::urlencoding(&codes), basis.key)))
        }
        Err(e) => match form_error_status(&e) {
            Some(status) => legal_page(&reader, status, Some(reader.tr().error(&e)), None).await,
            None => Err(e),
        },
    }
}
