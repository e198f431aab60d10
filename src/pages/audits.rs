//! Audit pages: the list with the yearly programme, planning, one audit (checklist, findings,
//! report), and the printable report.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::forms::{form_error_status, parse_form, see_other};
use super::session::Reader;
use super::views::{AuditForm, AuditNewPage, AuditPage, AuditReportPage, AuditsPage};
use crate::domain::ErrorCode;
use crate::domain::audit::{AuditStatus, CheckResult, FindingType};
use crate::domain::{Action, Resource, Role, authorize};
use crate::error::{AppError, AppResult};
use crate::service::quality::{audits, programme};
use crate::web_common::blocking;

fn id_of(raw: &str) -> AppResult<i32> {
    crate::web_common::positive_id(raw, ErrorCode::AuditNotFound, "Không có cuộc đánh giá này.")
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

pub async fn list(reader: Reader, query: web::Query<YearQuery>) -> AppResult<HttpResponse> {
    let year = query.year.unwrap_or_else(|| Utc::now().year());
    let (state, lang) = (reader.org.clone(), reader.lang.code());
    let (audits, programme) = blocking(move || {
        Ok((crate::service::quality::audits::list(&state, None)?, programme::programme(&state, year, lang)?))
    })
    .await?;
    let can_plan = authorize(&reader.actor, Action::PlanAudit, Resource::None).is_ok();
    super::html(&AuditsPage { c: reader.chrome(), audits, programme, year, can_plan })
}

#[derive(Deserialize, Default)]
struct PlanForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    procedures: String,
    #[serde(default)]
    criteria: String,
    #[serde(default)]
    planned_start: String,
    #[serde(default)]
    planned_end: String,
    #[serde(default)]
    lead_auditor: String,
    #[serde(default)]
    auditors: Vec<String>,
    #[serde(default)]
    independence_override: String,
}

async fn plan_page(
    reader: &Reader,
    form: PlanForm,
    status: StatusCode,
    error: Option<(String, bool)>,
) -> AppResult<HttpResponse> {
    let state = reader.org.clone();
    let lang = reader.lang.code();
    let (fields, users) =
        blocking(move || Ok((crate::service::catalog::fields(&state)?, crate::service::users::all(&state)?))).await?;
    let auditors: Vec<_> = users.into_iter().filter(|u| u.active && u.roles.contains(&Role::Auditor)).collect();
    let f = AuditForm {
        title: form.title,
        year: if form.year.is_empty() { Utc::now().year().to_string() } else { form.year },
        fields: fields
            .into_iter()
            .map(|f| (f.field.code.clone(), f.field.name(lang).to_owned(), form.fields.contains(&f.field.code)))
            .collect(),
        procedures: form.procedures,
        criteria: if form.criteria.is_empty() {
            "TCVN ISO 9001:2015; các quy trình trong phạm vi".into()
        } else {
            form.criteria
        },
        planned_start: form.planned_start,
        planned_end: form.planned_end,
        leads: auditors
            .iter()
            .map(|u| (u.username.clone(), u.display_name.clone(), u.username == form.lead_auditor))
            .collect(),
        team: auditors
            .iter()
            .map(|u| (u.username.clone(), u.display_name.clone(), form.auditors.contains(&u.username)))
            .collect(),
        independence_override: form.independence_override,
    };
    let (error, independence_error) = match error {
        Some((message, independence)) => (Some(message), independence),
        None => (None, false),
    };
    super::html_with(status, &AuditNewPage { c: reader.chrome(), f, error, independence_error })
}

pub async fn new_form(reader: Reader) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::PlanAudit, Resource::None)?;
    plan_page(&reader, PlanForm::default(), StatusCode::OK, None).await
}

fn date(raw: &str) -> AppResult<NaiveDate> {
    raw.trim().parse().map_err(|_| AppError::unprocessable(ErrorCode::InvalidDates, "Ngày không hợp lệ."))
}

pub async fn plan(reader: Reader, body: web::Bytes) -> AppResult<HttpResponse> {
    let form: PlanForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let parsed = (|| {
        Ok::<_, AppError>(audits::NewAudit {
            title: form.title.clone(),
            year: form
                .year
                .trim()
                .parse()
                .map_err(|_| AppError::unprocessable(ErrorCode::InvalidYear, "Năm không hợp lệ."))?,
            fields: form.fields.clone(),
            procedures: form
                .procedures
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            criteria: form.criteria.clone(),
            planned_start: date(&form.planned_start)?,
            planned_end: date(&form.planned_end)?,
            lead_auditor: form.lead_auditor.clone(),
            auditors: form.auditors.clone(),
            independence_override: Some(form.independence_override.clone()),
        })
    })();
    let outcome = match parsed {
        Ok(new) => {
            let (state, actor) = (reader.org.clone(), reader.actor.clone());
            blocking(move || audits::plan(&state, &actor, new)).await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(audit) => Ok(see_other(&format!("/audits/{}", audit.id))),
        Err(e) => match form_error_status(&e) {
            Some(status) => {
                let independence = e.code == ErrorCode::AuditorNotIndependent;
                plan_page(&reader, form, status, Some((reader.tr().error(&e), independence))).await
            }
            None => Err(e),
        },
    }
}

async fn audit_page(
    reader: &Reader,
    id: i32,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> AppResult<HttpResponse> {
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let (report, scope) = blocking(move || {
        let r = audits::report_of(&state, &actor, id)?;
        let scope = audits::audited_procedures(&state, &r.audit)?;
        Ok((r, scope))
    })
    .await?;
    let a = &report.audit;
    let me = &reader.actor;
    let on_team = authorize(me, Action::RecordFinding, Resource::Audit { team: &a.auditors }).is_ok();
    let step = |report| Resource::AuditStep { lead: &a.lead_auditor, team: &a.auditors, report };
    let can_lead = authorize(me, Action::RunAudit, step(false)).is_ok();
    let page = AuditPage {
        c: reader.chrome(),
        can_record: on_team && a.status == AuditStatus::InProgress,
        can_report: (on_team || can_lead) && matches!(a.status, AuditStatus::InProgress | AuditStatus::Reported),
        can_lead,
        scope,
        finding_types: FindingType::ALL.iter().map(|t| t.as_str()).collect(),
        results: CheckResult::ALL.iter().map(|r| r.as_str()).collect(),
        findings: report.findings,
        checklist: report.checklist,
        a: report.audit,
        error,
        notice,
    };
    super::html_with(status, &page)
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn detail(reader: Reader, id: web::Path<String>, query: web::Query<SavedQuery>) -> AppResult<HttpResponse> {
    let notice = query.saved.as_ref().map(|_| reader.tr().get("admin.saved").to_owned());
    audit_page(&reader, id_of(&id)?, StatusCode::OK, None, notice).await
}

pub async fn report(reader: Reader, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id_of(&id)?;
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let r = blocking(move || audits::report_of(&state, &actor, id)).await?;
    let printed_on = reader.tr().date(Utc::now().date_naive());
    super::html(&AuditReportPage { c: reader.chrome(), a: r.audit, findings: r.findings, counts: r.counts, printed_on })
}

#[derive(Deserialize)]
struct ActionForm {
    csrf: String,
    #[serde(default)]
    procedure_code: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    clause: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    strong_points: String,
    #[serde(default)]
    to_improve: String,
}

/// Start, close, report and findings, from their forms.
pub async fn act(reader: Reader, path: web::Path<(String, String)>, body: web::Bytes) -> AppResult<HttpResponse> {
    let (raw, action) = path.into_inner();
    let id = id_of(&raw)?;
    if action == "checklist" {
        return save_checklist(reader, id, &body).await;
    }
    let form: ActionForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let outcome = blocking(move || {
        let s = &state;
        match action.as_str() {
            "start" => audits::start(s, &actor, id).map(|_| ()),
            "close" => audits::close(s, &actor, id).map(|_| ()),
            "report" => audits::report(s, &actor, id, &form.strong_points, &form.to_improve).map(|_| ()),
            "findings" => {
                let kind = FindingType::parse(&form.kind)
                    .ok_or_else(|| AppError::bad_request(ErrorCode::MalformedForm, "Loại phát hiện không hợp lệ."))?;
                let new = audits::NewFinding {
                    procedure_code: form.procedure_code,
                    clause: form.clause,
                    kind,
                    description: form.description,
                    evidence: form.evidence,
                };
                audits::add_finding(s, &actor, id, new).map(|_| ())
            }
            _ => Err(AppError::not_found(ErrorCode::NotFound, "Không có thao tác này.")),
        }
    })
    .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/audits/{id}?saved=1"))),
        Err(e) => match form_error_status(&e) {
            Some(status) => audit_page(&reader, id, status, Some(reader.tr().error(&e)), None).await,
            None => Err(e),
        },
    }
}

async fn save_checklist(reader: Reader, id: i32, body: &[u8]) -> AppResult<HttpResponse> {
    let pairs: Vec<(String, String)> = parse_form(body)?;
    let csrf = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    reader.check_csrf(csrf)?;
    let mut updates = Vec::new();
    for (key, value) in &pairs {
        if let Some(item) = key.strip_prefix("result_").and_then(|i| i.parse::<i32>().ok()) {
            let result = CheckResult::parse(value)
                .ok_or_else(|| AppError::bad_request(ErrorCode::MalformedForm, "Kết quả không hợp lệ."))?;
            let note =
                pairs.iter().find(|(k, _)| *k == format!("note_{item}")).map(|(_, v)| v.clone()).unwrap_or_default();
            updates.push((item, result, note));
        }
    }
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    blocking(move || {
        let current = crate::service::quality::audits::checklist_of(&state, id)?;
        for (item, result, note) in updates {
            let unchanged = current.iter().any(|c| c.id == item && c.result == result && c.note == note.trim());
            if !unchanged {
                audits::check(&state, &actor, id, item, result, &note)?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(see_other(&format!("/audits/{id}?saved=1#checklist")))
}
