//! The nonconformity register, one nonconformity with its cause analysis and corrective actions,
//! the printable corrective action request, and the list of actions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::forms::{form_error_status, parse_form, see_other};
use super::session::Reader;
use super::views::{CasPage, NcNewPage, NcPage, NcPrintPage, NcsPage};
use crate::domain::ErrorCode;
use crate::domain::nonconformity::{CaStatus, NcSource, NcStatus, Severity};
use crate::domain::{Action, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::service::ports::{CaFilter, CaRecord, NcFilter};
use crate::service::quality::nonconformities::NcDetail;
use crate::service::quality::{actions, nonconformities};
use crate::web_common::blocking;

fn id_of(raw: &str) -> AppResult<i32> {
    crate::web_common::positive_id(raw, ErrorCode::NotFound, "Không tìm thấy.")
}

fn overdue(a: &CaRecord, today: NaiveDate) -> bool {
    a.status.is_open() && a.due_date < today
}

#[derive(Deserialize)]
pub struct RegisterQuery {
    status: Option<String>,
    source: Option<String>,
    field: Option<String>,
    owner: Option<String>,
}

pub async fn register(reader: Reader, query: web::Query<RegisterQuery>) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let (status, source, field) =
        (q.status.unwrap_or_default(), q.source.unwrap_or_default(), q.field.unwrap_or_default());
    let owner = q.owner.unwrap_or_default();
    let filter = NcFilter {
        owner: Some(owner.trim().to_owned()).filter(|o| !o.is_empty()),
        status: NcStatus::parse(&status),
        source: NcSource::parse(&source),
        field: Some(field.trim().to_uppercase()).filter(|f| !f.is_empty()),
        limit: 500,
        ..Default::default()
    };
    let state = reader.org.clone();
    let (items, _) = blocking(move || nonconformities::list(&state, &filter)).await?;
    let can_manage = authorize(&reader.actor, Action::ManageNonconformities, Resource::None).is_ok();
    super::html(&NcsPage {
        c: reader.chrome(),
        items,
        statuses: NcStatus::ALL.iter().map(|s| s.as_str()).collect(),
        sources: NcSource::ALL.iter().map(|s| s.as_str()).collect(),
        status,
        source,
        field,
        owner,
        can_manage,
    })
}

pub async fn new_form(reader: Reader) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::ManageNonconformities, Resource::None)?;
    let sources = NcSource::ALL.iter().map(|s| s.as_str()).collect();
    super::html(&NcNewPage {
        c: reader.chrome(),
        sources,
        procedures: String::new(),
        description: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct NewForm {
    csrf: String,
    source: String,
    #[serde(default)]
    procedures: String,
    description: String,
    severity: String,
    #[serde(default)]
    correction: String,
}

pub async fn open(reader: Reader, body: web::Bytes) -> AppResult<HttpResponse> {
    let form: NewForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let bad = || AppError::bad_request(ErrorCode::MalformedForm, "Biểu mẫu không hợp lệ.");
    let new = nonconformities::NewNc {
        source: NcSource::parse(&form.source).ok_or_else(bad)?,
        finding_id: None,
        procedure_codes: form
            .procedures
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        description: form.description.clone(),
        severity: Severity::parse(&form.severity).ok_or_else(bad)?,
        correction: Some(form.correction),
    };
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    match blocking(move || nonconformities::open(&state, &actor, new)).await {
        Ok(nc) => Ok(see_other(&format!("/nonconformities/{}", nc.id))),
        Err(e) => match form_error_status(&e) {
            Some(status) => {
                let sources = NcSource::ALL.iter().map(|s| s.as_str()).collect();
                let page = NcNewPage {
                    c: reader.chrome(),
                    sources,
                    procedures: form.procedures,
                    description: form.description,
                    error: Some(reader.tr().error(&e)),
                };
                super::html_with(status, &page)
            }
            None => Err(e),
        },
    }
}

async fn load(reader: &Reader, id: i32) -> AppResult<NcDetail> {
    let state = reader.org.clone();
    blocking(move || nonconformities::detail(&state, id)).await
}

async fn nc_page(reader: &Reader, id: i32, status: StatusCode, error: Option<String>) -> AppResult<HttpResponse> {
    let NcDetail { nc, actions, similar, fixed_by, finding_audit } = load(reader, id).await?;
    let state = reader.org.clone();
    let users = blocking(move || crate::service::users::all(&state)).await?;
    let me = &reader.actor;
    let can_manage = authorize(me, Action::ManageNonconformities, Resource::None).is_ok();
    let today = Utc::now().date_naive();
    let rows = actions
        .into_iter()
        .map(|a| {
            let late = overdue(&a, today);
            let works = a.owner == me.username || can_manage;
            let verifies =
                authorize(me, Action::VerifyCorrectiveAction, Resource::CorrectiveAction { owner: &a.owner }).is_ok();
            (a, late, works, verifies)
        })
        .collect();
    let whys = (1..=5).map(|i| (i, nc.why.get(i - 1).cloned().unwrap_or_default())).collect();
    let owners = users.into_iter().filter(|u| u.active).map(|u| (u.username, u.display_name)).collect();
    let page = NcPage {
        c: reader.chrome(),
        n: nc,
        actions: rows,
        similar,
        fixed_by,
        finding_audit,
        whys,
        owners,
        can_manage,
        error,
    };
    super::html_with(status, &page)
}

pub async fn detail(reader: Reader, id: web::Path<String>) -> AppResult<HttpResponse> {
    nc_page(&reader, id_of(&id)?, StatusCode::OK, None).await
}

pub async fn print(reader: Reader, id: web::Path<String>) -> AppResult<HttpResponse> {
    let NcDetail { nc, actions, fixed_by, .. } = load(&reader, id_of(&id)?).await?;
    let today = Utc::now().date_naive();
    let actions = actions.into_iter().map(|a| (a.clone(), overdue(&a, today))).collect();
    let printed_on = reader.tr().date(today);
    super::html(&NcPrintPage { c: reader.chrome(), n: nc, actions, fixed_by, printed_on })
}

#[derive(Deserialize)]
struct NcForm {
    csrf: String,
    #[serde(default)]
    why: Vec<String>,
    #[serde(default)]
    root_cause: String,
    similar_checked: Option<String>,
}

pub async fn nc_act(reader: Reader, path: web::Path<(String, String)>, body: web::Bytes) -> AppResult<HttpResponse> {
    let (raw, action) = path.into_inner();
    let id = id_of(&raw)?;
    let form: NcForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let outcome = blocking(move || {
        let s = &state;
        match action.as_str() {
            "root-cause" => nonconformities::record_root_cause(
                s,
                &actor,
                id,
                form.why,
                &form.root_cause,
                form.similar_checked.is_some(),
            )
            .map(|_| ()),
            "close" => nonconformities::close(s, &actor, id).map(|_| ()),
            _ => Err(AppError::not_found(ErrorCode::NotFound, "Không có thao tác này.")),
        }
    })
    .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/nonconformities/{id}"))),
        Err(e) => match form_error_status(&e) {
            Some(status) => nc_page(&reader, id, status, Some(reader.tr().error(&e))).await,
            None => Err(e),
        },
    }
}

#[derive(Deserialize)]
struct CaForm {
    csrf: String,
    #[serde(default)]
    nonconformity_id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due_date: String,
    #[serde(default)]
    verify_after: String,
    #[serde(default)]
    requires_change_of: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    effective: String,
    #[serde(default)]
    comment: String,
}

fn optional_date(raw: &str) -> AppResult<Option<NaiveDate>> {
    match raw.trim() {
        "" => Ok(None),
        d => d.parse().map(Some).map_err(|_| AppError::unprocessable(ErrorCode::InvalidDate, "Ngày không hợp lệ.")),
    }
}

pub async fn create_action(reader: Reader, body: web::Bytes) -> AppResult<HttpResponse> {
    let form: CaForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let nc_id = id_of(&form.nonconformity_id)?;
    let parsed = (|| {
        Ok::<_, AppError>(actions::NewCa {
            nonconformity_ids: vec![nc_id],
            action: form.action.clone(),
            owner: form.owner.clone(),
            due_date: optional_date(&form.due_date)?
                .ok_or_else(|| AppError::unprocessable(ErrorCode::InvalidDate, "Cần thời hạn."))?,
            verify_after: optional_date(&form.verify_after)?,
            requires_change_of: Some(form.requires_change_of.clone()),
        })
    })();
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let outcome = match parsed {
        Ok(new) => blocking(move || actions::create(&state, &actor, new)).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(ca) => Ok(see_other(&format!("/nonconformities/{nc_id}#ca-{}", ca.id))),
        Err(e) => match form_error_status(&e) {
            Some(status) => nc_page(&reader, nc_id, status, Some(reader.tr().error(&e))).await,
            None => Err(e),
        },
    }
}

pub async fn ca_act(reader: Reader, path: web::Path<(String, String)>, body: web::Bytes) -> AppResult<HttpResponse> {
    let (raw, action) = path.into_inner();
    let id = id_of(&raw)?;
    let form: CaForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let outcome = blocking(move || {
        let s = &state;
        match action.as_str() {
            "start" => actions::start(s, &actor, id),
            "complete" => actions::complete(s, &actor, id, &form.evidence),
            "verify" => actions::verify(s, &actor, id, form.effective == "true", &form.comment),
            _ => Err(AppError::not_found(ErrorCode::NotFound, "Không có thao tác này.")),
        }
    })
    .await;
    let state = reader.org.clone();
    let ca = blocking(move || actions::load(&state, id)).await?;
    let nc_id = ca.nonconformities.first().copied().unwrap_or_default();
    match outcome {
        Ok(_) => Ok(see_other(&format!("/nonconformities/{nc_id}#ca-{id}"))),
        Err(e) => match form_error_status(&e) {
            Some(status) => nc_page(&reader, nc_id, status, Some(reader.tr().error(&e))).await,
            None => Err(e),
        },
    }
}

#[derive(Deserialize)]
pub struct CaQuery {
    status: Option<String>,
    owner: Option<String>,
    overdue: Option<String>,
}

pub async fn action_list(reader: Reader, query: web::Query<CaQuery>) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let (status, owner, overdue_only) =
        (q.status.unwrap_or_default(), q.owner.unwrap_or_default(), q.overdue.is_some());
    let today = Utc::now().date_naive();
    let filter = CaFilter {
        status: CaStatus::parse(&status),
        owner: Some(owner.trim().to_owned()).filter(|o| !o.is_empty()),
        overdue_on: overdue_only.then_some(today),
        nonconformity: None,
        limit: 500,
        offset: 0,
    };
    let state = reader.org.clone();
    let (items, _) = blocking(move || actions::list(&state, &filter)).await?;
    let items = items.into_iter().map(|a| (a.clone(), overdue(&a, today))).collect();
    let statuses = CaStatus::ALL.iter().map(|s| s.as_str()).collect();
    super::html(&CasPage { c: reader.chrome(), items, statuses, status, owner, overdue: overdue_only })
}
