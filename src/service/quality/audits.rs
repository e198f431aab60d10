//! Internal audits: planning with the independence check, checklists, findings pinned to the
//! revision audited (a nonconformity finding opens a nonconformity), the report, and closing.

use chrono::{NaiveDate, Utc};

use super::checklist;
use super::refused;
use crate::domain::ErrorCode;
use crate::domain::audit::{AuditStatus, AuditStep, CheckResult, FindingType, next_audit, not_independent};
use crate::domain::event::NewEvent;
use crate::domain::nonconformity::{NcSource, NcStatus};
use crate::domain::{Action, Actor, ProcedureStatus, Resource, Role, authorize};
use crate::error::{AppError, AppResult};
use crate::service::Services;
use crate::service::catalog;
use crate::service::change_control::require_text;
use crate::service::ports::{AuditRecord, ChecklistItem, FindingRecord, NcRecord, PortError, ProcedureFilter};

/// An audit to plan.
#[derive(Debug, Clone)]
pub struct NewAudit {
    pub title: String,
    pub year: i32,
    pub fields: Vec<String>,
    pub procedures: Vec<String>,
    pub criteria: String,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub lead_auditor: String,
    pub auditors: Vec<String>,
    /// Why an auditor may audit their own field, when that is unavoidable.
    pub independence_override: Option<String>,
}

pub fn load(services: &Services, id: i32) -> AppResult<AuditRecord> {
    services
        .audits
        .audit(id)?
        .ok_or_else(|| AppError::not_found(ErrorCode::AuditNotFound, format!("Không có cuộc đánh giá số {id}.")))
}

/// Every procedure the audit covers: those named, and the effective ones of the named fields.
pub fn audited_procedures(services: &Services, audit: &AuditRecord) -> AppResult<Vec<String>> {
    let mut codes = audit.scope_procedures.clone();
    for field in &audit.scope_fields {
        let filter = ProcedureFilter {
            field: Some(field.clone()),
            status: Some(ProcedureStatus::Effective),
            limit: 500,
            ..Default::default()
        };
        for p in services.index.procedures(&filter)?.0 {
            if !codes.contains(&p.code) {
                codes.push(p.code);
            }
        }
    }
    codes.sort();
    Ok(codes)
}

/// The fields an audit covers: those named, and those of the procedures named.
fn audited_fields(services: &Services, fields: &[String], procedures: &[String]) -> AppResult<Vec<String>> {
    let mut out = fields.to_vec();
    for code in procedures {
        if let Some(p) = services.index.procedure(code)?
            && !out.contains(&p.field)
        {
            out.push(p.field);
        }
    }
    Ok(out)
}

/// Plans an audit. 409 `auditor_not_independent` when an auditor belongs to an audited field and
/// no override reason is given; 422 for unknown auditors, fields or procedures, or bad dates.
pub fn plan(services: &Services, actor: &Actor, new: NewAudit) -> AppResult<AuditRecord> {
    authorize(actor, Action::PlanAudit, Resource::None)?;
    let title = require_text(&new.title, ErrorCode::MissingTitle, "Cần tên cuộc đánh giá.")?;
    let criteria = require_text(
        &new.criteria,
        ErrorCode::MissingCriteria,
        "Cần chuẩn mực đánh giá (ví dụ TCVN ISO 9001:2015, các quy trình).",
    )?;
    if new.planned_end < new.planned_start {
        return Err(AppError::unprocessable(ErrorCode::InvalidDates, "Ngày kết thúc phải sau ngày bắt đầu."));
    }
    if new.fields.is_empty() && new.procedures.is_empty() {
        return Err(AppError::unprocessable(ErrorCode::MissingScope, "Cần phạm vi đánh giá: lĩnh vực hoặc quy trình."));
    }
    catalog::require_known_fields(services, &new.fields)?;
    let procedures = super::nonconformities::known_procedures(services, &new.procedures)?;
    let mut team = vec![new.lead_auditor.clone()];
    team.extend(new.auditors.iter().filter(|a| **a != new.lead_auditor).cloned());
    let mut members = Vec::new();
    for name in &team {
        let user = crate::service::users::get(services, name)?
            .filter(|u| u.active && u.roles.contains(&Role::Auditor))
            .ok_or_else(|| {
                AppError::unprocessable(
                    ErrorCode::InvalidAuditor,
                    format!("{name} không phải đánh giá viên nội bộ đang hoạt động."),
                )
            })?;
        members.push((user.username, user.fields));
    }
    let fields = audited_fields(services, &new.fields, &procedures)?;
    let own = not_independent(&members, &fields);
    let independence_override = new.independence_override.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    if !own.is_empty() && independence_override.is_none() {
        return Err(AppError::conflict(
            ErrorCode::AuditorNotIndependent,
            format!(
                "Đánh giá viên {} thuộc lĩnh vực được đánh giá; không ai tự đánh giá công việc của mình. Hãy đổi người hoặc ghi lý do ngoại lệ.",
                own.join(", ")
            ),
        ));
    }
    let now = Utc::now().naive_utc();
    let mut audit = AuditRecord {
        id: 0,
        title,
        year: new.year,
        scope_fields: new.fields,
        scope_procedures: procedures,
        criteria,
        planned_start: new.planned_start,
        planned_end: new.planned_end,
        lead_auditor: new.lead_auditor,
        auditors: team,
        independence_override: independence_override.filter(|_| !own.is_empty()),
        status: AuditStatus::Planned,
        strong_points: String::new(),
        to_improve: String::new(),
        created_by: actor.username.clone(),
        created_at: now,
        updated_at: now,
    };
    let mut items = Vec::new();
    for code in audited_procedures(services, &audit)? {
        let view = catalog::current(services, &code)?;
        let doc =
            crate::markdown::parse_document(&view.document.markdown).map_err(|e| AppError::internal(e.message))?;
        items.extend(checklist::generate(&code, view.revision.revision, &doc));
    }
    let detail = match &audit.independence_override {
        Some(reason) => format!("independence override for {}: {reason}", own.join(",")),
        None => String::new(),
    };
    let event = NewEvent::now(&actor.username, "audit.plan", "audit", "").detail(detail);
    audit.id = services.audits.insert_audit(&audit, &items, &event)?;
    Ok(audit)
}

fn on_team(actor: &Actor, audit: &AuditRecord) -> AppResult<()> {
    Ok(authorize(actor, Action::RecordFinding, Resource::Audit { team: &audit.auditors })?)
}

fn transition(
    services: &Services,
    actor: &Actor,
    id: i32,
    step: AuditStep,
    change: impl FnOnce(&mut AuditRecord),
) -> AppResult<AuditRecord> {
    let mut audit = load(services, id)?;
    let step_of =
        Resource::AuditStep { lead: &audit.lead_auditor, team: &audit.auditors, report: step == AuditStep::Report };
    authorize(actor, Action::RunAudit, step_of)?;
    let before = audit.status;
    audit.status = next_audit(audit.status, step).map_err(refused)?;
    change(&mut audit);
    audit.updated_at = Utc::now().naive_utc();
    let action = match step {
        AuditStep::Start => "audit.start",
        AuditStep::Report => "audit.report",
        AuditStep::Close => "audit.close",
        AuditStep::Record => "audit.record",
    };
    let event = NewEvent::now(&actor.username, action, "audit", &id.to_string());
    services.audits.update_audit(&audit, before, &event).map_err(|e| match e {
        PortError::Conflict(_) => {
            AppError::conflict(ErrorCode::AuditChanged, "Cuộc đánh giá vừa thay đổi; hãy tải lại.")
        }
        other => other.into(),
    })?;
    Ok(audit)
}

pub fn start(services: &Services, actor: &Actor, id: i32) -> AppResult<AuditRecord> {
    transition(services, actor, id, AuditStep::Start, |_| {})
}

/// Writes the report's strong points and points to improve; the audit becomes `reported`.
pub fn report(
    services: &Services,
    actor: &Actor,
    id: i32,
    strong_points: &str,
    to_improve: &str,
) -> AppResult<AuditRecord> {
    let (strong, improve) = (strong_points.trim().to_owned(), to_improve.trim().to_owned());
    transition(services, actor, id, AuditStep::Report, move |a| {
        a.strong_points = strong;
        a.to_improve = improve;
    })
}

/// Closes a reported audit; from then on nothing of it changes.
pub fn close(services: &Services, actor: &Actor, id: i32) -> AppResult<AuditRecord> {
    transition(services, actor, id, AuditStep::Close, |_| {})
}

/// A finding to log.
#[derive(Debug, Clone)]
pub struct NewFinding {
    pub procedure_code: String,
    pub clause: String,
    pub kind: FindingType,
    pub description: String,
    pub evidence: String,
}

/// Logs a finding against the procedure's current revision and commit; a nonconformity finding
/// opens a nonconformity linked back to it.
pub fn add_finding(services: &Services, actor: &Actor, id: i32, new: NewFinding) -> AppResult<FindingRecord> {
    let audit = load(services, id)?;
    on_team(actor, &audit)?;
    next_audit(audit.status, AuditStep::Record).map_err(refused)?;
    let description = require_text(&new.description, ErrorCode::MissingDescription, "Cần mô tả phát hiện.")?;
    let scope = audited_procedures(services, &audit)?;
    if !scope.contains(&new.procedure_code) {
        return Err(AppError::unprocessable(
            ErrorCode::ProcedureNotInScope,
            format!("{} không thuộc phạm vi cuộc đánh giá.", new.procedure_code),
        ));
    }
    let view = catalog::current(services, &new.procedure_code)?;
    let now = Utc::now().naive_utc();
    let mut finding = FindingRecord {
        id: 0,
        audit_id: id,
        procedure_code: view.procedure.code.clone(),
        procedure_revision: view.revision.revision,
        procedure_commit: view.revision.commit.clone(),
        clause: new.clause.trim().to_owned(),
        kind: new.kind,
        description: description.clone(),
        evidence: new.evidence.trim().to_owned(),
        nonconformity_id: None,
        recorded_by: actor.username.clone(),
        recorded_at: now,
    };
    let opens = new.kind.opens_nonconformity().map(|severity| NcRecord {
        id: 0,
        source: NcSource::AuditFinding,
        finding_id: None,
        description: format!("[{}] {description}", audit.title),
        severity,
        correction: String::new(),
        status: NcStatus::Open,
        why: vec![],
        root_cause: String::new(),
        similar_checked: false,
        procedures: vec![view.procedure.code.clone()],
        actions: vec![],
        created_by: actor.username.clone(),
        created_at: now,
        closed_at: None,
    });
    let event = NewEvent::now(&actor.username, "audit.finding", "finding", "").detail(format!(
        "audit {id}; {} {} revision {}",
        new.kind.as_str(),
        finding.procedure_code,
        finding.procedure_revision
    ));
    let (finding_id, nc) = services.audits.insert_finding(&finding, opens.as_ref(), &event)?;
    finding.id = finding_id;
    finding.nonconformity_id = nc;
    Ok(finding)
}

/// Fills in one checklist line during the audit.
pub fn check(
    services: &Services,
    actor: &Actor,
    id: i32,
    item_id: i32,
    result: CheckResult,
    note: &str,
) -> AppResult<ChecklistItem> {
    let audit = load(services, id)?;
    on_team(actor, &audit)?;
    next_audit(audit.status, AuditStep::Record).map_err(refused)?;
    let mut item = services
        .audits
        .checklist(id)?
        .into_iter()
        .find(|i| i.id == item_id)
        .ok_or_else(|| AppError::not_found(ErrorCode::ChecklistItemNotFound, "Không có dòng kiểm tra này."))?;
    item.result = result;
    item.note = note.trim().to_owned();
    let event = NewEvent::now(&actor.username, "audit.check", "audit", &id.to_string())
        .detail(format!("item {item_id}: {}", result.as_str()));
    services.audits.update_checklist_item(id, &item, &event)?;
    Ok(item)
}

/// The audit report (Báo cáo đánh giá nội bộ).
#[derive(Debug, Clone)]
pub struct Report {
    pub audit: AuditRecord,
    pub findings: Vec<FindingRecord>,
    /// (type, count) for every type, in order.
    pub counts: Vec<(FindingType, usize)>,
    pub checklist: Vec<ChecklistItem>,
}

pub fn report_of(services: &Services, actor: &Actor, id: i32) -> AppResult<Report> {
    authorize(actor, Action::ReadProcedures, Resource::None)?;
    let audit = load(services, id)?;
    let findings = services.audits.findings(id)?;
    let counts = FindingType::ALL.iter().map(|t| (*t, findings.iter().filter(|f| f.kind == *t).count())).collect();
    let checklist = services.audits.checklist(id)?;
    Ok(Report { audit, findings, counts, checklist })
}

/// The audits of a year (all when `None`).
pub fn list(services: &Services, year: Option<i32>) -> AppResult<Vec<AuditRecord>> {
    Ok(services.audits.audits(year)?)
}

/// An audit's checklist, in procedure and position order.
pub fn checklist_of(services: &Services, audit_id: i32) -> AppResult<Vec<ChecklistItem>> {
    Ok(services.audits.checklist(audit_id)?)
}
