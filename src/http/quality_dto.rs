//! JSON shapes of audits, findings, nonconformities and corrective actions.

use serde_json::{Value, json};

use crate::service::ports::{AuditRecord, CaRecord, ChecklistItem, FindingRecord, NcRecord};

pub fn audit(a: &AuditRecord) -> Value {
    json!({
        "id": a.id,
        "title": a.title,
        "year": a.year,
        "scope": {"fields": a.scope_fields, "procedures": a.scope_procedures},
        "criteria": a.criteria,
        "planned_start": a.planned_start,
        "planned_end": a.planned_end,
        "lead_auditor": a.lead_auditor,
        "auditors": a.auditors,
        "independence_override": a.independence_override.as_ref().map(|r| json!({"reason": r})),
        "status": a.status,
        "strong_points": a.strong_points,
        "to_improve": a.to_improve,
        "created_by": a.created_by,
        "created_at": a.created_at,
    })
}

pub fn finding(f: &FindingRecord) -> Value {
    json!({
        "id": f.id,
        "audit_id": f.audit_id,
        "procedure_code": f.procedure_code,
        "procedure_revision": f.procedure_revision,
        "procedure_commit": f.procedure_commit,
        "clause": f.clause,
        "type": f.kind,
        "description": f.description,
        "evidence": f.evidence,
        "nonconformity_id": f.nonconformity_id,
        "recorded_by": f.recorded_by,
        "recorded_at": f.recorded_at,
    })
}

pub fn checklist_item(i: &ChecklistItem) -> Value {
    json!({
        "id": i.id, "procedure_code": i.procedure_code, "revision": i.revision, "position": i.position,
        "kind": i.kind, "text": i.text, "result": i.result, "note": i.note,
    })
}

pub fn nonconformity(n: &NcRecord) -> Value {
    json!({
        "id": n.id,
        "source": n.source,
        "finding_id": n.finding_id,
        "procedure_codes": n.procedures,
        "description": n.description,
        "severity": n.severity,
        "correction": n.correction,
        "status": n.status,
        "why": n.why,
        "root_cause": n.root_cause,
        "similar_checked": n.similar_checked,
        "corrective_action_ids": n.actions,
        "created_by": n.created_by,
        "created_at": n.created_at,
        "closed_at": n.closed_at,
    })
}

pub fn corrective_action(c: &CaRecord, today: chrono::NaiveDate) -> Value {
    let open = c.status.is_open();
    json!({
        "id": c.id,
        "nonconformity_ids": c.nonconformities,
        "action": c.action,
        "owner": c.owner,
        "due_date": c.due_date,
        "overdue": open && c.due_date < today,
        "verify_after": c.verify_after,
        "requires_change_of": c.requires_change_of,
        "change_request_id": c.change_request_id,
        "status": c.status,
        "evidence": c.evidence,
        "verification_comment": c.verification_comment,
        "verified_by": c.verified_by,
        "verified_at": c.verified_at,
        "created_by": c.created_by,
        "created_at": c.created_at,
        "completed_at": c.completed_at,
    })
}
