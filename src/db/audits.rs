//! `Audits` on the database.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::connection::{DbConn, OrgDb};
use super::events::append;
use super::nonconformities::insert_nc_in;
use super::rows::join_list;
use super::rows::stored;
use super::schema::{audits, checklist_items, findings};
use crate::domain::audit::{AuditStatus, CheckResult, FindingType};
use crate::domain::event::NewEvent;
use crate::service::ports::{AuditRecord, Audits, ChecklistItem, FindingRecord, NcRecord, PortError, PortResult};

#[derive(Queryable, Selectable)]
#[diesel(table_name = audits)]
struct AuditRow {
    id: i32,
    title: String,
    year: i32,
    scope_fields: String,
    scope_procedures: String,
    criteria: String,
    planned_start: NaiveDate,
    planned_end: NaiveDate,
    lead_auditor: String,
    auditors: String,
    independence_override: Option<String>,
    status: String,
    strong_points: String,
    to_improve: String,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn split(s: &str) -> Vec<String> {
    s.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

impl AuditRow {
    fn into_record(self) -> QueryResult<AuditRecord> {
        Ok(AuditRecord {
            id: self.id,
            title: self.title,
            year: self.year,
            scope_fields: split(&self.scope_fields),
            scope_procedures: split(&self.scope_procedures),
            criteria: self.criteria,
            planned_start: self.planned_start,
            planned_end: self.planned_end,
            lead_auditor: self.lead_auditor,
            auditors: split(&self.auditors),
            independence_override: self.independence_override,
            status: stored(&self.status, AuditStatus::parse, "audit status")?,
            strong_points: self.strong_points,
            to_improve: self.to_improve,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = findings)]
struct FindingRow {
    id: i32,
    audit_id: i32,
    procedure_code: String,
    procedure_revision: i32,
    procedure_commit: String,
    clause: String,
    kind: String,
    description: String,
    evidence: String,
    nonconformity_id: Option<i32>,
    recorded_by: String,
    recorded_at: NaiveDateTime,
}

impl FindingRow {
    fn into_record(self) -> QueryResult<FindingRecord> {
        Ok(FindingRecord {
            id: self.id,
            audit_id: self.audit_id,
            procedure_code: self.procedure_code,
            procedure_revision: self.procedure_revision,
            procedure_commit: self.procedure_commit,
            clause: self.clause,
            kind: stored(&self.kind, FindingType::parse, "finding type")?,
            description: self.description,
            evidence: self.evidence,
            nonconformity_id: self.nonconformity_id,
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = checklist_items)]
struct ItemRow {
    id: i32,
    procedure_code: String,
    revision: i32,
    position: i32,
    kind: String,
    text: String,
    result: String,
    note: String,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = audits, treat_none_as_null = true)]
struct AuditValues<'a> {
    title: &'a str,
    year: i32,
    scope_fields: String,
    scope_procedures: String,
    criteria: &'a str,
    planned_start: NaiveDate,
    planned_end: NaiveDate,
    lead_auditor: &'a str,
    auditors: String,
    independence_override: Option<&'a str>,
    status: &'a str,
    strong_points: &'a str,
    to_improve: &'a str,
    created_by: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn audit_values(a: &AuditRecord) -> AuditValues<'_> {
    AuditValues {
        title: &a.title,
        year: a.year,
        scope_fields: join_list(a.scope_fields.iter().map(String::as_str)),
        scope_procedures: join_list(a.scope_procedures.iter().map(String::as_str)),
        criteria: &a.criteria,
        planned_start: a.planned_start,
        planned_end: a.planned_end,
        lead_auditor: &a.lead_auditor,
        auditors: join_list(a.auditors.iter().map(String::as_str)),
        independence_override: a.independence_override.as_deref(),
        status: a.status.as_str(),
        strong_points: &a.strong_points,
        to_improve: &a.to_improve,
        created_by: &a.created_by,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

fn insert_items(c: &mut DbConn, org: i32, audit: i32, items: &[ChecklistItem]) -> QueryResult<()> {
    for item in items {
        use checklist_items::*;
        diesel::insert_into(table)
            .values((
                org_id.eq(org),
                audit_id.eq(audit),
                procedure_code.eq(&item.procedure_code),
                revision.eq(item.revision),
                position.eq(item.position),
                kind.eq(&item.kind),
                text.eq(&item.text),
                result.eq(item.result.as_str()),
                note.eq(&item.note),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// Whether audit `id` exists in organisation `org`.
fn audit_in(c: &mut DbConn, org: i32, id: i32) -> QueryResult<bool> {
    let n: i64 = audits::table.filter(audits::id.eq(id)).filter(audits::org_id.eq(org)).count().get_result(c)?;
    Ok(n > 0)
}

impl Audits for OrgDb {
    fn insert_audit(&self, audit: &AuditRecord, checklist: &[ChecklistItem], event: &NewEvent) -> PortResult<i32> {
        self.write(|c| {
            let id: i32 = diesel::insert_into(audits::table)
                .values((audit_values(audit), audits::org_id.eq(self.org)))
                .returning(audits::id)
                .get_result(c)?;
            insert_items(c, self.org, id, checklist)?;
            append(c, self.org, &NewEvent { entity_id: id.to_string(), ..event.clone() })?;
            Ok(id)
        })
    }

    fn audit(&self, id: i32) -> PortResult<Option<AuditRecord>> {
        self.read(|c| {
            let row: Option<AuditRow> = audits::table
                .filter(audits::id.eq(id))
                .filter(audits::org_id.eq(self.org))
                .select(AuditRow::as_select())
                .get_result(c)
                .optional()?;
            row.map(AuditRow::into_record).transpose()
        })
    }

    fn audits(&self, year: Option<i32>) -> PortResult<Vec<AuditRecord>> {
        self.read(|c| {
            let mut q = audits::table.filter(audits::org_id.eq(self.org)).into_boxed();
            if let Some(y) = year {
                q = q.filter(audits::year.eq(y));
            }
            let rows: Vec<AuditRow> =
                q.order((audits::planned_start, audits::id)).select(AuditRow::as_select()).load(c)?;
            rows.into_iter().map(AuditRow::into_record).collect()
        })
    }

    fn update_audit(&self, audit: &AuditRecord, expected: AuditStatus, event: &NewEvent) -> PortResult<()> {
        let applied = self.write(|c| {
            let n = diesel::update(
                audits::table
                    .filter(audits::id.eq(audit.id))
                    .filter(audits::org_id.eq(self.org))
                    .filter(audits::status.eq(expected.as_str())),
            )
            .set(audit_values(audit))
            .execute(c)?;
            if n == 1 {
                append(c, self.org, event)?;
            }
            Ok(n == 1)
        })?;
        if applied { Ok(()) } else { Err(PortError::Conflict("the audit changed meanwhile".into())) }
    }

    fn checklist(&self, audit_id: i32) -> PortResult<Vec<ChecklistItem>> {
        self.read(|c| {
            let rows: Vec<ItemRow> = checklist_items::table
                .filter(checklist_items::audit_id.eq(audit_id))
                .filter(checklist_items::org_id.eq(self.org))
                .order((checklist_items::procedure_code, checklist_items::position))
                .select(ItemRow::as_select())
                .load(c)?;
            rows.into_iter()
                .map(|r| {
                    Ok(ChecklistItem {
                        id: r.id,
                        procedure_code: r.procedure_code,
                        revision: r.revision,
                        position: r.position,
                        kind: r.kind,
                        text: r.text,
                        result: stored(&r.result, CheckResult::parse, "checklist result")?,
                        note: r.note,
                    })
                })
                .collect()
        })
    }

    fn update_checklist_item(&self, audit_id: i32, item: &ChecklistItem, event: &NewEvent) -> PortResult<()> {
        let n = self.write(|c| {
            let n = diesel::update(
                checklist_items::table
                    .filter(checklist_items::id.eq(item.id))
                    .filter(checklist_items::audit_id.eq(audit_id))
                    .filter(checklist_items::org_id.eq(self.org)),
            )
            .set((checklist_items::result.eq(item.result.as_str()), checklist_items::note.eq(&item.note)))
            .execute(c)?;
            if n == 1 {
                append(c, self.org, event)?;
            }
            Ok(n)
        })?;
        if n == 1 { Ok(()) } else { Err(PortError::NotFound(format!("checklist item {}", item.id))) }
    }

    fn insert_finding(
        &self,
        finding: &FindingRecord,
        opens: Option<&NcRecord>,
        event: &NewEvent,
    ) -> PortResult<(i32, Option<i32>)> {
        let inserted = self.write(|c| {
            use findings::*;
            // An audit of another organisation is as missing as one never created.
            if !audit_in(c, self.org, finding.audit_id)? {
                return Ok(None);
            }
            let new_id: i32 = diesel::insert_into(table)
                .values((
                    org_id.eq(self.org),
                    audit_id.eq(finding.audit_id),
                    procedure_code.eq(&finding.procedure_code),
                    procedure_revision.eq(finding.procedure_revision),
                    procedure_commit.eq(&finding.procedure_commit),
                    clause.eq(&finding.clause),
                    kind.eq(finding.kind.as_str()),
                    description.eq(&finding.description),
                    evidence.eq(&finding.evidence),
                    recorded_by.eq(&finding.recorded_by),
                    recorded_at.eq(finding.recorded_at),
                ))
                .returning(id)
                .get_result(c)?;
            let nc_id = match opens {
                Some(nc) => {
                    let nc = NcRecord { finding_id: Some(new_id), ..nc.clone() };
                    let nc_id = insert_nc_in(c, self.org, &nc)?;
                    diesel::update(table.filter(id.eq(new_id)).filter(org_id.eq(self.org)))
                        .set(nonconformity_id.eq(nc_id))
                        .execute(c)?;
                    Some(nc_id)
                }
                None => None,
            };
            let detail =
                format!("{}{}", event.detail, nc_id.map(|n| format!("; opened nonconformity {n}")).unwrap_or_default());
            append(c, self.org, &NewEvent { entity_id: new_id.to_string(), detail, ..event.clone() })?;
            Ok(Some((new_id, nc_id)))
        })?;
        inserted.ok_or_else(|| PortError::NotFound(format!("audit {}", finding.audit_id)))
    }

    fn findings(&self, audit_id: i32) -> PortResult<Vec<FindingRecord>> {
        self.read(|c| {
            let rows: Vec<FindingRow> = findings::table
                .filter(findings::audit_id.eq(audit_id))
                .filter(findings::org_id.eq(self.org))
                .order(findings::id)
                .select(FindingRow::as_select())
                .load(c)?;
            rows.into_iter().map(FindingRow::into_record).collect()
        })
    }

    fn finding_counts_since(&self, since: NaiveDateTime) -> PortResult<Vec<(String, i64)>> {
        self.read(|c| {
            findings::table
                .filter(findings::org_id.eq(self.org))
                .filter(findings::recorded_at.ge(since))
                .group_by(findings::kind)
                .select((findings::kind, diesel::dsl::count_star()))
                .load(c)
        })
    }

    fn finding(&self, id: i32) -> PortResult<Option<FindingRecord>> {
        self.read(|c| {
            let row: Option<FindingRow> = findings::table
                .filter(findings::id.eq(id))
                .filter(findings::org_id.eq(self.org))
                .select(FindingRow::as_select())
                .get_result(c)
                .optional()?;
            row.map(FindingRow::into_record).transpose()
        })
    }
}
