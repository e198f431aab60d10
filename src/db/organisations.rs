//! `Organisations` on the database.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::dsl::{count, count_star, max};
use diesel::prelude::*;

use super::connection::{Db, DbConn};
use super::events::append;
use super::rows::stored;
use super::schema::{
    audits, corrective_actions, events, legal_bases, nonconformities, organisations, procedure_legal_bases, procedures,
};
use crate::domain::ProcedureStatus;
use crate::domain::audit::AuditStatus;
use crate::domain::event::NewEvent;
use crate::domain::legal_basis::LegalStatus;
use crate::domain::nonconformity::{CaStatus, NcStatus};
use crate::domain::organisation::{FIRST_ORG, OrgId, OrgKind, Organisation};
use crate::service::ports::{NewOrganisation, Organisations, PortResult, UnitSummary};
use diesel::connection::SimpleConnection;

#[derive(Queryable, Selectable)]
#[diesel(table_name = organisations)]
struct OrganisationRow {
    id: i32,
    slug: String,
    name: String,
    kind: String,
    parent_id: Option<i32>,
}

impl OrganisationRow {
    fn into_organisation(self) -> QueryResult<Organisation> {
        Ok(Organisation {
            id: OrgId(self.id),
            slug: self.slug,
            name: self.name,
            kind: stored(&self.kind, OrgKind::parse, "organisation kind")?,
            parent: self.parent_id.map(OrgId),
        })
    }
}

impl Organisations for Db {
    fn organisations(&self) -> PortResult<Vec<Organisation>> {
        self.read(|c| {
            let rows: Vec<OrganisationRow> =
                organisations::table.order(organisations::id).select(OrganisationRow::as_select()).load(c)?;
            rows.into_iter().map(OrganisationRow::into_organisation).collect()
        })
    }

    fn insert_organisation(&self, new: &NewOrganisation, event: &NewEvent) -> PortResult<Organisation> {
        let now = chrono::Utc::now().naive_utc();
        self.write(|c| {
            let values = (
                organisations::slug.eq(&new.slug),
                organisations::name.eq(&new.name),
                organisations::kind.eq(new.kind.as_str()),
                organisations::parent_id.eq(new.parent.map(|p| p.0)),
                organisations::created_at.eq(now),
            );
            // The root is the first organisation, and rows written before organisations existed
            // name it as 1: it takes that id explicitly, not whatever a PostgreSQL sequence that
            // lost numbers to a rolled-back insert would give.
            let id: i32 = if new.parent.is_none() {
                diesel::insert_into(organisations::table)
                    .values((organisations::id.eq(FIRST_ORG.0), values))
                    .returning(organisations::id)
                    .get_result(c)?
            } else {
                diesel::insert_into(organisations::table).values(values).returning(organisations::id).get_result(c)?
            };
            if let DbConn::Postgres(_) = c {
                // A sequence does not see explicit ids: move it past them.
                c.batch_execute(
                    "SELECT setval(pg_get_serial_sequence('organisations', 'id'), (SELECT MAX(id) FROM organisations))",
                )?;
            }
            append(c, id, &NewEvent { entity_id: new.slug.clone(), ..event.clone() })?;
            Ok(Organisation {
                id: OrgId(id),
                slug: new.slug.clone(),
                name: new.name.clone(),
                kind: new.kind,
                parent: new.parent,
            })
        })
    }

    fn rename_organisation(&self, org: OrgId, name: &str, event: &NewEvent) -> PortResult<()> {
        self.write(|c| {
            diesel::update(organisations::table.find(org.0)).set(organisations::name.eq(name)).execute(c)?;
            append(c, org.0, event)
        })
    }

    fn newest_events(&self, orgs: &[OrgId]) -> PortResult<HashMap<OrgId, i32>> {
        let ids: Vec<i32> = orgs.iter().map(|o| o.0).collect();
        self.read(|c| {
            // One seek per organisation in the (org_id, id) index.
            let rows: Vec<(i32, Option<i32>)> = events::table
                .filter(events::org_id.eq_any(&ids))
                .group_by(events::org_id)
                .select((events::org_id, max(events::id)))
                .load(c)?;
            Ok(rows.into_iter().filter_map(|(org, id)| Some((OrgId(org), id?))).collect())
        })
    }

    fn unit_summaries(&self, orgs: &[OrgId], today: NaiveDate) -> PortResult<HashMap<OrgId, UnitSummary>> {
        let ids: Vec<i32> = orgs.iter().map(|o| o.0).collect();
        self.read(|c| {
            let mut out: HashMap<OrgId, UnitSummary> = orgs.iter().map(|o| (*o, UnitSummary::default())).collect();
            let mut add = |rows: Vec<(i32, i64)>, set: fn(&mut UnitSummary, i64)| {
                for (org, n) in rows {
                    if let Some(summary) = out.get_mut(&OrgId(org)) {
                        set(summary, n);
                    }
                }
            };
            let in_force = || {
                procedures::table
                    .filter(procedures::org_id.eq_any(&ids))
                    .filter(procedures::status.eq(ProcedureStatus::Effective.as_str()))
            };
            add(in_force().group_by(procedures::org_id).select((procedures::org_id, count_star())).load(c)?, |s, n| {
                s.procedures = n
            });
            add(
                in_force()
                    .filter(procedures::review_due.lt(today))
                    .group_by(procedures::org_id)
                    .select((procedures::org_id, count_star()))
                    .load(c)?,
                |s, n| s.overdue_reviews = n,
            );
            // Procedures, not citations: one citing two superseded texts counts once.
            add(
                procedure_legal_bases::table
                    .inner_join(
                        legal_bases::table.on(legal_bases::org_id
                            .eq(procedure_legal_bases::org_id)
                            .and(legal_bases::key.eq(procedure_legal_bases::legal_key))),
                    )
                    .inner_join(
                        procedures::table.on(procedures::org_id
                            .eq(procedure_legal_bases::org_id)
                            .and(procedures::code.eq(procedure_legal_bases::procedure_code))),
                    )
                    .filter(procedure_legal_bases::org_id.eq_any(&ids))
                    .filter(legal_bases::status.eq(LegalStatus::Superseded.as_str()))
                    .filter(procedures::status.eq(ProcedureStatus::Effective.as_str()))
                    .group_by(procedure_legal_bases::org_id)
                    .select((
                        procedure_legal_bases::org_id,
                        count(procedure_legal_bases::procedure_code).aggregate_distinct(),
                    ))
                    .load(c)?,
                |s, n| s.citing_superseded = n,
            );
            add(
                nonconformities::table
                    .filter(nonconformities::org_id.eq_any(&ids))
                    .filter(nonconformities::status.ne(NcStatus::Closed.as_str()))
                    .group_by(nonconformities::org_id)
                    .select((nonconformities::org_id, count_star()))
                    .load(c)?,
                |s, n| s.open_nonconformities = n,
            );
            let open: Vec<&str> = CaStatus::OPEN.iter().map(|s| s.as_str()).collect();
            add(
                corrective_actions::table
                    .filter(corrective_actions::org_id.eq_any(&ids))
                    .filter(corrective_actions::status.eq_any(&open))
                    .filter(corrective_actions::due_date.lt(today))
                    .group_by(corrective_actions::org_id)
                    .select((corrective_actions::org_id, count_star()))
                    .load(c)?,
                |s, n| s.overdue_actions = n,
            );
            let begun: Vec<(i32, Option<NaiveDate>)> = audits::table
                .filter(audits::org_id.eq_any(&ids))
                .filter(audits::status.ne(AuditStatus::Planned.as_str()))
                .group_by(audits::org_id)
                .select((audits::org_id, max(audits::planned_start)))
                .load(c)?;
            for (org, last) in begun {
                if let Some(summary) = out.get_mut(&OrgId(org)) {
                    summary.last_audit = last;
                }
            }
            Ok(out)
        })
    }
}
