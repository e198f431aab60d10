//! `Nonconformities` on the database.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::connection::{DbConn, OrgDb};
use super::events::append;
use super::rows::stored;
use super::schema::{
    corrective_actions, findings, nonconformities, nonconformity_actions, nonconformity_procedures, procedures,
};
use crate::domain::event::NewEvent;
use crate::domain::nonconformity::{CaStatus, NcSource, NcStatus, Severity};
use crate::service::ports::{CaFilter, CaRecord, NcFilter, NcRecord, Nonconformities, PortError, PortResult};

type NcRow = (
    i32,
    String,
    Option<i32>,
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

macro_rules! nc_select {
    () => {{
        use nonconformities::*;
        (
            id,
            source,
            finding_id,
            description,
            severity,
            correction,
            status,
            why,
            root_cause,
            similar_checked,
            created_by,
            created_at,
            closed_at,
        )
    }};
}

/// Pairs read in key order, grouped by key.
fn grouped<T>(pairs: Vec<(i32, T)>) -> HashMap<i32, Vec<T>> {
    let mut by_key: HashMap<i32, Vec<T>> = HashMap::new();
    for (key, value) in pairs {
        by_key.entry(key).or_default().push(value);
    }
    by_key
}

/// Records of nonconformity rows of organisation `org`, with their procedures and actions read in
/// two queries for all of them (not two per row).
fn ncs_from(c: &mut DbConn, org: i32, rows: Vec<NcRow>) -> QueryResult<Vec<NcRecord>> {
    let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
    let mut procedures = grouped::<String>(
        nonconformity_procedures::table
            .filter(nonconformity_procedures::nonconformity_id.eq_any(&ids))
            .filter(nonconformity_procedures::org_id.eq(org))
            .select((nonconformity_procedures::nonconformity_id, nonconformity_procedures::procedure_code))
            .order((nonconformity_procedures::nonconformity_id, nonconformity_procedures::procedure_code))
            .load(c)?,
    );
    let mut actions = grouped::<i32>(
        nonconformity_actions::table
            .filter(nonconformity_actions::nonconformity_id.eq_any(&ids))
            .filter(nonconformity_actions::org_id.eq(org))
            .select((nonconformity_actions::nonconformity_id, nonconformity_actions::corrective_action_id))
            .order((nonconformity_actions::nonconformity_id, nonconformity_actions::corrective_action_id))
            .load(c)?,
    );
    rows.into_iter()
        .map(|r| {
            Ok(NcRecord {
                id: r.0,
                source: stored(&r.1, NcSource::parse, "nonconformity source")?,
                finding_id: r.2,
                description: r.3,
                severity: stored(&r.4, Severity::parse, "severity")?,
                correction: r.5,
                status: stored(&r.6, NcStatus::parse, "nonconformity status")?,
                why: serde_json::from_str(&r.7).map_err(|e| diesel::result::Error::DeserializationError(e.into()))?,
                root_cause: r.8,
                similar_checked: r.9,
                procedures: procedures.remove(&r.0).unwrap_or_default(),
                actions: actions.remove(&r.0).unwrap_or_default(),
                created_by: r.10,
                created_at: r.11,
                closed_at: r.12,
            })
        })
        .collect()
}

/// Inserts a nonconformity of organisation `org` and its procedures inside the caller's
/// transaction; its id. The caller vouches that `nc.finding_id`, if any, is a finding of `org`.
pub fn insert_nc_in(c: &mut DbConn, org: i32, nc: &NcRecord) -> QueryResult<i32> {
    use nonconformities::*;
    let new_id: i32 = diesel::insert_into(table)
        .values((
            org_id.eq(org),
            source.eq(nc.source.as_str()),
            finding_id.eq(nc.finding_id),
            description.eq(&nc.description),
            severity.eq(nc.severity.as_str()),
            correction.eq(&nc.correction),
            status.eq(nc.status.as_str()),
            why.eq(serde_json::to_string(&nc.why).unwrap_or_else(|_| "[]".into())),
            root_cause.eq(&nc.root_cause),
            similar_checked.eq(nc.similar_checked),
            created_by.eq(&nc.created_by),
            created_at.eq(nc.created_at),
            closed_at.eq(nc.closed_at),
        ))
        .returning(id)
        .get_result(c)?;
    for code in &nc.procedures {
        diesel::insert_into(nonconformity_procedures::table)
            .values((
                nonconformity_procedures::org_id.eq(org),
                nonconformity_procedures::nonconformity_id.eq(new_id),
                nonconformity_procedures::procedure_code.eq(code),
            ))
            .execute(c)?;
    }
    Ok(new_id)
}

type CaRow = (
    i32,
    String,
    String,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
    Option<i32>,
    String,
    String,
    String,
    Option<String>,
    Option<NaiveDateTime>,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// Records of corrective-action rows of organisation `org`, with their nonconformities read in one
/// query for all of them.
fn cas_from(c: &mut DbConn, org: i32, rows: Vec<CaRow>) -> QueryResult<Vec<CaRecord>> {
    let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
    let mut ncs = grouped::<i32>(
        nonconformity_actions::table
            .filter(nonconformity_actions::corrective_action_id.eq_any(&ids))
            .filter(nonconformity_actions::org_id.eq(org))
            .select((nonconformity_actions::corrective_action_id, nonconformity_actions::nonconformity_id))
            .order((nonconformity_actions::corrective_action_id, nonconformity_actions::nonconformity_id))
            .load(c)?,
    );
    rows.into_iter()
        .map(|r| {
            Ok(CaRecord {
                id: r.0,
                action: r.1,
                owner: r.2,
                due_date: r.3,
                verify_after: r.4,
                requires_change_of: r.5,
                change_request_id: r.6,
                status: stored(&r.7, CaStatus::parse, "corrective action status")?,
                evidence: r.8,
                verification_comment: r.9,
                verified_by: r.10,
                verified_at: r.11,
                created_by: r.12,
                created_at: r.13,
                completed_at: r.14,
                nonconformities: ncs.remove(&r.0).unwrap_or_default(),
            })
        })
        .collect()
}

macro_rules! ca_select {
    () => {{
        use corrective_actions::*;
        (
            id,
            action,
            owner,
            due_date,
            verify_after,
            requires_change_of,
            change_request_id,
            status,
            evidence,
            verification_comment,
            verified_by,
            verified_at,
            created_by,
            created_at,
            completed_at,
        )
    }};
}

/// The nonconformities of organisation `org` that pass `f`; every subquery stays inside `org` too
/// (procedure codes, in particular, are only unique within an organisation).
fn nc_filtered<'a>(org: i32, f: &'a NcFilter) -> nonconformities::BoxedQuery<'a, <DbConn as Connection>::Backend> {
    let mut q = nonconformities::table.filter(nonconformities::org_id.eq(org)).into_boxed();
    if let Some(s) = f.status {
        q = q.filter(nonconformities::status.eq(s.as_str()));
    }
    if let Some(s) = f.source {
        q = q.filter(nonconformities::source.eq(s.as_str()));
    }
    if let Some(code) = &f.procedure {
        let ids = nonconformity_procedures::table
            .filter(nonconformity_procedures::org_id.eq(org))
            .filter(nonconformity_procedures::procedure_code.eq(code))
            .select(nonconformity_procedures::nonconformity_id);
        q = q.filter(nonconformities::id.eq_any(ids));
    }
    if let Some(owner) = &f.owner {
        let actions = corrective_actions::table
            .filter(corrective_actions::org_id.eq(org))
            .filter(corrective_actions::owner.eq(owner))
            .select(corrective_actions::id);
        let ids = nonconformity_actions::table
            .filter(nonconformity_actions::org_id.eq(org))
            .filter(nonconformity_actions::corrective_action_id.eq_any(actions))
            .select(nonconformity_actions::nonconformity_id);
        q = q.filter(nonconformities::id.eq_any(ids));
    }
    if let Some(field) = &f.field {
        let codes = procedures::table
            .filter(procedures::org_id.eq(org))
            .filter(procedures::field.eq(field))
            .select(procedures::code);
        let ids = nonconformity_procedures::table
            .filter(nonconformity_procedures::org_id.eq(org))
            .filter(nonconformity_procedures::procedure_code.eq_any(codes))
            .select(nonconformity_procedures::nonconformity_id);
        q = q.filter(nonconformities::id.eq_any(ids));
    }
    q
}

/// The corrective actions of organisation `org` that pass `f`.
fn ca_filtered<'a>(org: i32, f: &'a CaFilter) -> corrective_actions::BoxedQuery<'a, <DbConn as Connection>::Backend> {
    let mut q = corrective_actions::table.filter(corrective_actions::org_id.eq(org)).into_boxed();
    if let Some(s) = f.status {
        q = q.filter(corrective_actions::status.eq(s.as_str()));
    }
    if let Some(owner) = &f.owner {
        q = q.filter(corrective_actions::owner.eq(owner));
    }
    if let Some(nc) = f.nonconformity {
        let linked = nonconformity_actions::table
            .filter(nonconformity_actions::org_id.eq(org))
            .filter(nonconformity_actions::nonconformity_id.eq(nc))
            .select(nonconformity_actions::corrective_action_id);
        q = q.filter(corrective_actions::id.eq_any(linked));
    }
    if let Some(day) = f.overdue_on {
        let open = CaStatus::OPEN.map(CaStatus::as_str);
        q = q.filter(corrective_actions::due_date.lt(day)).filter(corrective_actions::status.eq_any(open));
    }
    q
}

/// Whether finding `id` exists in organisation `org`.
fn finding_in(c: &mut DbConn, org: i32, id: i32) -> QueryResult<bool> {
    let n: i64 = findings::table.filter(findings::id.eq(id)).filter(findings::org_id.eq(org)).count().get_result(c)?;
    Ok(n > 0)
}

/// The first of `ids` that is not a nonconformity of organisation `org`, if any.
fn missing_nc(c: &mut DbConn, org: i32, ids: &[i32]) -> QueryResult<Option<i32>> {
    let found: Vec<i32> = nonconformities::table
        .filter(nonconformities::org_id.eq(org))
        .filter(nonconformities::id.eq_any(ids))
        .select(nonconformities::id)
        .load(c)?;
    Ok(ids.iter().copied().find(|id| !found.contains(id)))
}

impl Nonconformities for OrgDb {
    /// `NotFound` if the finding it names is not one of this organisation.
    fn insert_nc(&self, nc: &NcRecord, event: &NewEvent) -> PortResult<i32> {
        let inserted = self.write(|c| {
            if let Some(f) = nc.finding_id
                && !finding_in(c, self.org, f)?
            {
                return Ok(None);
            }
            let id = insert_nc_in(c, self.org, nc)?;
            append(c, self.org, &NewEvent { entity_id: id.to_string(), ..event.clone() })?;
            Ok(Some(id))
        })?;
        inserted.ok_or_else(|| PortError::NotFound(format!("finding {}", nc.finding_id.unwrap_or_default())))
    }

    fn nc(&self, id: i32) -> PortResult<Option<NcRecord>> {
        self.read(|c| {
            let row: Option<NcRow> = nonconformities::table
                .filter(nonconformities::id.eq(id))
                .filter(nonconformities::org_id.eq(self.org))
                .select(nc_select!())
                .get_result(c)
                .optional()?;
            Ok(ncs_from(c, self.org, row.into_iter().collect())?.pop())
        })
    }

    fn ncs(&self, filter: &NcFilter) -> PortResult<(Vec<NcRecord>, i64)> {
        self.read(|c| {
            let total = nc_filtered(self.org, filter).count().get_result(c)?;
            let rows: Vec<NcRow> = nc_filtered(self.org, filter)
                .order(nonconformities::id.desc())
                .limit(filter.limit)
                .offset(filter.offset)
                .select(nc_select!())
                .load(c)?;
            let items = ncs_from(c, self.org, rows)?;
            Ok((items, total))
        })
    }

    fn update_nc(&self, nc: &NcRecord, expected: NcStatus, event: &NewEvent) -> PortResult<()> {
        let updated = self.write(|c| {
            use nonconformities::*;
            let n = diesel::update(
                table.filter(id.eq(nc.id)).filter(org_id.eq(self.org)).filter(status.eq(expected.as_str())),
            )
            .set((
                status.eq(nc.status.as_str()),
                correction.eq(&nc.correction),
                why.eq(serde_json::to_string(&nc.why).unwrap_or_else(|_| "[]".into())),
                root_cause.eq(&nc.root_cause),
                similar_checked.eq(nc.similar_checked),
                closed_at.eq(nc.closed_at),
            ))
            .execute(c)?;
            if n == 1 {
                append(c, self.org, event)?;
            }
            Ok(n)
        })?;
        match updated {
            1 => Ok(()),
            _ => Err(PortError::Conflict(format!("nonconformity {} is no longer {}", nc.id, expected.as_str()))),
        }
    }

    /// `NotFound` if a nonconformity it names is not one of this organisation; nothing is written.
    fn insert_ca(&self, ca: &CaRecord, event: &NewEvent) -> PortResult<i32> {
        let inserted = self.write(|c| {
            use corrective_actions::*;
            if let Some(missing) = missing_nc(c, self.org, &ca.nonconformities)? {
                return Ok(Err(missing));
            }
            let new_id: i32 = diesel::insert_into(table)
                .values((
                    org_id.eq(self.org),
                    action.eq(&ca.action),
                    owner.eq(&ca.owner),
                    due_date.eq(ca.due_date),
                    verify_after.eq(ca.verify_after),
                    requires_change_of.eq(&ca.requires_change_of),
                    change_request_id.eq(ca.change_request_id),
                    status.eq(ca.status.as_str()),
                    evidence.eq(&ca.evidence),
                    verification_comment.eq(&ca.verification_comment),
                    created_by.eq(&ca.created_by),
                    created_at.eq(ca.created_at),
                ))
                .returning(id)
                .get_result(c)?;
            for nc in &ca.nonconformities {
                diesel::insert_into(nonconformity_actions::table)
                    .values((
                        nonconformity_actions::org_id.eq(self.org),
                        nonconformity_actions::nonconformity_id.eq(nc),
                        nonconformity_actions::corrective_action_id.eq(new_id),
                    ))
                    .execute(c)?;
                // An action planned for an open nonconformity moves it on (domain: open → action_planned).
                diesel::update(
                    nonconformities::table
                        .filter(nonconformities::id.eq(nc))
                        .filter(nonconformities::org_id.eq(self.org))
                        .filter(nonconformities::status.eq(NcStatus::Open.as_str())),
                )
                .set(nonconformities::status.eq(NcStatus::ActionPlanned.as_str()))
                .execute(c)?;
            }
            append(c, self.org, &NewEvent { entity_id: new_id.to_string(), ..event.clone() })?;
            Ok(Ok(new_id))
        })?;
        inserted.map_err(|nc| PortError::NotFound(format!("nonconformity {nc}")))
    }

    fn ca(&self, id: i32) -> PortResult<Option<CaRecord>> {
        self.read(|c| {
            let row: Option<CaRow> = corrective_actions::table
                .filter(corrective_actions::id.eq(id))
                .filter(corrective_actions::org_id.eq(self.org))
                .select(ca_select!())
                .get_result(c)
                .optional()?;
            Ok(cas_from(c, self.org, row.into_iter().collect())?.pop())
        })
    }

    fn cas(&self, filter: &CaFilter) -> PortResult<(Vec<CaRecord>, i64)> {
        self.read(|c| {
            let total = ca_filtered(self.org, filter).count().get_result(c)?;
            let rows: Vec<CaRow> = ca_filtered(self.org, filter)
                .order(corrective_actions::due_date)
                .limit(filter.limit)
                .offset(filter.offset)
                .select(ca_select!())
                .load(c)?;
            let items = cas_from(c, self.org, rows)?;
            Ok((items, total))
        })
    }

    fn update_ca(&self, ca: &CaRecord, expected: CaStatus, event: &NewEvent) -> PortResult<()> {
        let applied = self.write(|c| {
            use corrective_actions::*;
            let n = diesel::update(
                table.filter(id.eq(ca.id)).filter(org_id.eq(self.org)).filter(status.eq(expected.as_str())),
            )
            .set((
                status.eq(ca.status.as_str()),
                requires_change_of.eq(&ca.requires_change_of),
                change_request_id.eq(ca.change_request_id),
                evidence.eq(&ca.evidence),
                verification_comment.eq(&ca.verification_comment),
                verified_by.eq(&ca.verified_by),
                verified_at.eq(ca.verified_at),
                completed_at.eq(ca.completed_at),
            ))
            .execute(c)?;
            if n == 1 {
                append(c, self.org, event)?;
            }
            Ok(n == 1)
        })?;
        if applied { Ok(()) } else { Err(PortError::Conflict("the corrective action changed meanwhile".into())) }
    }
}
