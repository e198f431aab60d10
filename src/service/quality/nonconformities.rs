//! The nonconformity register (Sổ theo dõi sự không phù hợp): opening, root-cause analysis with
//! "5 whys", similar nonconformities, closing.

use chrono::{Duration, Utc};

use super::refused;
use crate::domain::ErrorCode;
use crate::domain::event::NewEvent;
use crate::domain::nonconformity::{NcSource, NcStatus, Severity, may_close};
use crate::domain::{Action, Actor, ProcedureCode, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::service::Services;
use crate::service::change_control::require_text;
use crate::service::ports::{CaFilter, CaRecord, NcFilter, NcRecord, PortError};

/// What is known when a nonconformity is opened.
#[derive(Debug, Clone)]
pub struct NewNc {
    pub source: NcSource,
    pub finding_id: Option<i32>,
    pub procedure_codes: Vec<String>,
    pub description: String,
    pub severity: Severity,
    pub correction: Option<String>,
}

pub fn load(services: &Services, id: i32) -> AppResult<NcRecord> {
    services.nonconformities.nc(id)?.ok_or_else(|| {
        AppError::not_found(ErrorCode::NonconformityNotFound, format!("Không có sự không phù hợp số {id}."))
    })
}

/// Checks that every code names an existing procedure; the codes, deduplicated.
pub fn known_procedures(services: &Services, codes: &[String]) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    for code in codes {
        let known = ProcedureCode::parse(code).map(|c| services.index.procedure(c.as_str())).transpose()?.flatten();
        if known.is_none() {
            return Err(AppError::unprocessable(ErrorCode::UnknownProcedure, format!("Không có quy trình {code}.")));
        }
        if !out.contains(code) {
            out.push(code.clone());
        }
    }
    Ok(out)
}

/// Opens a nonconformity. 422 for a missing description, unknown procedure or finding.
pub fn open(services: &Services, actor: &Actor, new: NewNc) -> AppResult<NcRecord> {
    authorize(actor, Action::ManageNonconformities, Resource::None)?;
    let description = require_text(&new.description, ErrorCode::MissingDescription, "Cần mô tả sự không phù hợp.")?;
    let procedures = known_procedures(services, &new.procedure_codes)?;
    if let Some(f) = new.finding_id
        && services.audits.finding(f)?.is_none()
    {
        return Err(AppError::unprocessable(ErrorCode::UnknownFinding, format!("Không có phát hiện số {f}.")));
    }
    let mut nc = NcRecord {
        id: 0,
        source: new.source,
        finding_id: new.finding_id,
        description,
        severity: new.severity,
        correction: new.correction.unwrap_or_default().trim().to_owned(),
        status: NcStatus::Open,
        why: vec![],
        root_cause: String::new(),
        similar_checked: false,
        procedures,
        actions: vec![],
        created_by: actor.username.clone(),
        created_at: Utc::now().naive_utc(),
        closed_at: None,
    };
    let event = NewEvent::now(&actor.username, "nonconformity.open", "nonconformity", "").detail(nc.source.as_str());
    nc.id = services.nonconformities.insert_nc(&nc, &event)?;
    Ok(nc)
}

/// Records the root-cause analysis: the "why" chain (at most 5), the root cause, and whether
/// similar nonconformities were looked for.
pub fn record_root_cause(
    services: &Services,
    actor: &Actor,
    id: i32,
    why: Vec<String>,
    root_cause: &str,
    similar_checked: bool,
) -> AppResult<NcRecord> {
    authorize(actor, Action::ManageNonconformities, Resource::None)?;
    let mut nc = load(services, id)?;
    if nc.status == NcStatus::Closed {
        return Err(AppError::conflict(
            ErrorCode::InvalidTransition,
            "Sự không phù hợp đã đóng, không sửa phân tích nguyên nhân.",
        ));
    }
    let why: Vec<String> = why.into_iter().map(|w| w.trim().to_owned()).filter(|w| !w.is_empty()).collect();
    if why.len() > 5 {
        return Err(AppError::unprocessable(ErrorCode::TooManyWhys, "Phân tích \"5 tại sao\" có tối đa 5 câu hỏi."));
    }
    nc.root_cause = require_text(root_cause, ErrorCode::MissingRootCause, "Cần ghi nguyên nhân gốc rễ.")?;
    nc.why = why;
    nc.similar_checked = similar_checked;
    let event = NewEvent::now(&actor.username, "nonconformity.root_cause", "nonconformity", &id.to_string());
    save(services, &nc, nc.status, &event)?;
    Ok(nc)
}

/// Other nonconformities on the same procedures or fields, open or opened within a year.
pub fn similar(services: &Services, nc: &NcRecord) -> AppResult<Vec<NcRecord>> {
    let since = Utc::now().naive_utc() - Duration::days(365);
    let mut fields = Vec::new();
    for code in &nc.procedures {
        if let Some(p) = services.index.procedure(code)?
            && !fields.contains(&p.field)
        {
            fields.push(p.field);
        }
    }
    let mut out: Vec<NcRecord> = Vec::new();
    for field in fields {
        let filter = NcFilter { field: Some(field), limit: 200, ..Default::default() };
        for other in services.nonconformities.ncs(&filter)?.0 {
            let relevant = other.status != NcStatus::Closed || other.created_at >= since;
            if other.id != nc.id && relevant && !out.iter().any(|o| o.id == other.id) {
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// Closes a nonconformity: 409 `actions_not_verified` until every linked action is verified effective.
pub fn close(services: &Services, actor: &Actor, id: i32) -> AppResult<NcRecord> {
    authorize(actor, Action::ManageNonconformities, Resource::None)?;
    let mut nc = load(services, id)?;
    let actions = actions_of(services, &nc)?;
    may_close(nc.status, &actions.iter().map(|a| a.status).collect::<Vec<_>>()).map_err(refused)?;
    let before = nc.status;
    nc.status = NcStatus::Closed;
    nc.closed_at = Some(Utc::now().naive_utc());
    let event = NewEvent::now(&actor.username, "nonconformity.close", "nonconformity", &id.to_string());
    save(services, &nc, before, &event)?;
    Ok(nc)
}

/// The register, filtered.
pub fn list(services: &Services, filter: &NcFilter) -> AppResult<(Vec<NcRecord>, i64)> {
    Ok(services.nonconformities.ncs(filter)?)
}

/// A nonconformity's actions.
pub fn actions_of(services: &Services, nc: &NcRecord) -> AppResult<Vec<CaRecord>> {
    // Far more actions than one nonconformity ever has; bounded so one query stays one query.
    let filter = CaFilter { nonconformity: Some(nc.id), limit: 10_000, ..Default::default() };
    Ok(services.nonconformities.cas(&filter)?.0)
}

/// A procedure revision published by the change request of one of a nonconformity's actions.
#[derive(Debug, Clone)]
pub struct Fix {
    pub code: String,
    pub revision: i32,
    pub change_request_id: i32,
    pub commit: Option<String>,
}

/// Everything a nonconformity's detail shows (the API's answer and the page read this one query).
#[derive(Debug, Clone)]
pub struct NcDetail {
    pub nc: NcRecord,
    pub actions: Vec<CaRecord>,
    /// Other nonconformities on the same procedures or fields (see `similar`).
    pub similar: Vec<NcRecord>,
    /// The revisions that fixed it, through its actions' change requests.
    pub fixed_by: Vec<Fix>,
    /// The audit of the finding that opened it, if one did.
    pub finding_audit: Option<i32>,
}

/// A nonconformity with its actions, similar ones, the revisions that fixed it and its audit.
pub fn detail(services: &Services, id: i32) -> AppResult<NcDetail> {
    let nc = load(services, id)?;
    let actions = actions_of(services, &nc)?;
    let similar = similar(services, &nc)?;
    let mut fixed_by = Vec::new();
    for cr_id in actions.iter().filter_map(|a| a.change_request_id) {
        if let Some(cr) = services.changes.change_request(cr_id)?
            && let Some(revision) = cr.published_revision
        {
            fixed_by.push(Fix { code: cr.code, revision, change_request_id: cr.id, commit: cr.published_commit });
        }
    }
    let finding_audit = match nc.finding_id {
        Some(f) => services.audits.finding(f)?.map(|f| f.audit_id),
        None => None,
    };
    Ok(NcDetail { nc, actions, similar, fixed_by, finding_audit })
}

/// Saves a nonconformity that was `expected` when loaded; 409 if another writer moved it since
/// (a root cause saved after a concurrent close must not reopen it).
fn save(services: &Services, nc: &NcRecord, expected: NcStatus, event: &NewEvent) -> AppResult<()> {
    services.nonconformities.update_nc(nc, expected, event).map_err(|e| match e {
        PortError::Conflict(_) => AppError::conflict(
            ErrorCode::NonconformityChanged,
            "Sự không phù hợp vừa được cập nhật bởi người khác; hãy tải lại.",
        ),
        other => other.into(),
    })
}
