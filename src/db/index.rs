//! `Index` on the database: the revision index and the catalogue behind lists and pages.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::connection::{DbConn, OrgDb};
use super::publication;
use super::reviews;
use super::rows::{FieldRow, LegalBasisRow, ProcedureRow, RevisionRow};
use super::schema::{fields, legal_bases, meta, procedures, revisions};
use crate::domain::ProcedureStatus;
use crate::domain::RevisionNumber;
use crate::domain::event::NewEvent;
use crate::domain::field::Field;
use crate::domain::legal_basis::LegalBasis;
use crate::service::ports::{
    Index, IndexedCommit, PeriodicReview, PortError, PortResult, ProcedureFilter, ProcedureRecord, Publication,
    REFERENCE_VERSION, RevisionRecord,
};

/// `limit` revisions of organisation `org`'s procedure from `offset` on, newest first.
fn newest_revisions(c: &mut DbConn, org: i32, code: &str, limit: i64, offset: i64) -> QueryResult<Vec<RevisionRecord>> {
    let rows: Vec<RevisionRow> = revisions::table
        .filter(revisions::org_id.eq(org))
        .filter(revisions::procedure_code.eq(code))
        .order(revisions::revision.desc())
        .limit(limit)
        .offset(offset)
        .select(RevisionRow::as_select())
        .load(c)?;
    rows.into_iter().map(RevisionRow::into_record).collect()
}

fn filtered<'a>(org: i32, f: &'a ProcedureFilter) -> procedures::BoxedQuery<'a, <DbConn as Connection>::Backend> {
    let mut q = procedures::table.filter(procedures::org_id.eq(org)).into_boxed();
    if let Some(field) = &f.field {
        q = q.filter(procedures::field.eq(field));
    }
    if let Some(kind) = f.kind {
        q = q.filter(procedures::kind.eq(kind.as_str()));
    }
    if let Some(status) = f.status {
        q = q.filter(procedures::status.eq(status.as_str()));
    }
    if let Some(due) = f.review_due_by {
        q = q.filter(procedures::review_due.le(due));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = format!("%{}%", text.trim().replace(['%', '_'], ""));
        q = q.filter(procedures::title.like(pattern.clone()).or(procedures::code.like(pattern)));
    }
    q
}

fn read_meta(c: &mut DbConn, org: i32, key: &str) -> QueryResult<Option<String>> {
    meta::table.find((org, key)).select(meta::value).get_result(c).optional()
}

fn write_meta(c: &mut DbConn, org: i32, key: &str, value: &str) -> QueryResult<()> {
    diesel::delete(meta::table.find((org, key))).execute(c)?;
    diesel::insert_into(meta::table)
        .values((meta::org_id.eq(org), meta::key.eq(key), meta::value.eq(value)))
        .execute(c)
        .map(|_| ())
}

impl Index for OrgDb {
    fn writes(&self) -> u64 {
        self.write_count()
    }

    fn meta(&self, key: &str) -> PortResult<Option<String>> {
        self.read(|c| read_meta(c, self.org, key))
    }

    fn set_meta(&self, key: &str, value: &str) -> PortResult<()> {
        self.write(|c| write_meta(c, self.org, key, value))
    }

    fn advance_meta(&self, key: &str, from: Option<&str>, to: &str) -> PortResult<bool> {
        let moved = self.write(|c| match from {
            Some(from) => diesel::update(meta::table.find((self.org, key)).filter(meta::value.eq(from)))
                .set(meta::value.eq(to))
                .execute(c),
            None if read_meta(c, self.org, key)?.is_some() => Ok(0),
            None => diesel::insert_into(meta::table)
                .values((meta::org_id.eq(self.org), meta::key.eq(key), meta::value.eq(to)))
                .execute(c),
        });
        match moved {
            Ok(rows) => Ok(rows == 1),
            // Another process set the key first (PostgreSQL runs the two transactions side by side).
            Err(PortError::Conflict(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn replace_reference(&self, fields: &[Field], legal: &[LegalBasis]) -> PortResult<()> {
        let field_rows: Vec<FieldRow> = fields.iter().enumerate().map(|(i, f)| FieldRow::new(f, i)).collect();
        let legal_rows: Vec<LegalBasisRow> = legal.iter().map(LegalBasisRow::from).collect();
        let org = self.org;
        self.write(|c| {
            // Only this organisation's reference data: the others keep theirs.
            diesel::delete(fields::table.filter(fields::org_id.eq(org))).execute(c)?;
            diesel::delete(legal_bases::table.filter(legal_bases::org_id.eq(org))).execute(c)?;
            for row in &field_rows {
                diesel::insert_into(fields::table).values((row, fields::org_id.eq(org))).execute(c)?;
            }
            for row in &legal_rows {
                diesel::insert_into(legal_bases::table).values((row, legal_bases::org_id.eq(org))).execute(c)?;
            }
            let version = read_meta(c, org, REFERENCE_VERSION)?.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            write_meta(c, org, REFERENCE_VERSION, &(version + 1).to_string())
        })
    }

    fn record_revision(
        &self,
        indexed: &IndexedCommit,
        publication: Option<&Publication>,
        event: Option<&NewEvent>,
    ) -> PortResult<()> {
        self.write(|c| publication::record(c, self.org, indexed, publication, event))
    }

    fn field_counts(&self) -> PortResult<HashMap<String, i64>> {
        self.read(|c| {
            Ok(procedures::table
                .filter(procedures::org_id.eq(self.org))
                .filter(procedures::status.eq(ProcedureStatus::Effective.as_str()))
                .group_by(procedures::field)
                .select((procedures::field, diesel::dsl::count_star()))
                .load::<(String, i64)>(c)?
                .into_iter()
                .collect())
        })
    }

    fn field_list(&self) -> PortResult<Vec<Field>> {
        self.read(|c| {
            let rows: Vec<FieldRow> = fields::table
                .filter(fields::org_id.eq(self.org))
                .order(fields::position)
                .select(FieldRow::as_select())
                .load(c)?;
            Ok(rows.into_iter().map(FieldRow::into_field).collect())
        })
    }

    fn procedures(&self, filter: &ProcedureFilter) -> PortResult<(Vec<ProcedureRecord>, i64)> {
        self.read(|c| {
            let total: i64 = filtered(self.org, filter).count().get_result(c)?;
            let rows: Vec<ProcedureRow> = filtered(self.org, filter)
                .order(procedures::code)
                .limit(filter.limit)
                .offset(filter.offset)
                .select(ProcedureRow::as_select())
                .load(c)?;
            Ok((rows.into_iter().map(ProcedureRow::into_record).collect::<QueryResult<_>>()?, total))
        })
    }

    fn procedure(&self, code: &str) -> PortResult<Option<ProcedureRecord>> {
        self.read(|c| {
            let row: Option<ProcedureRow> =
                procedures::table.find((self.org, code)).select(ProcedureRow::as_select()).get_result(c).optional()?;
            row.map(ProcedureRow::into_record).transpose()
        })
    }

    fn revisions(&self, code: &str) -> PortResult<Vec<RevisionRecord>> {
        self.read(|c| newest_revisions(c, self.org, code, i64::MAX, 0))
    }

    fn revisions_page(&self, code: &str, limit: i64, offset: i64) -> PortResult<(Vec<RevisionRecord>, i64)> {
        self.read(|c| {
            let page = newest_revisions(c, self.org, code, limit, offset)?;
            let total: i64 = revisions::table
                .filter(revisions::org_id.eq(self.org))
                .filter(revisions::procedure_code.eq(code))
                .count()
                .get_result(c)?;
            Ok((page, total))
        })
    }

    fn reissued_since(&self, since: NaiveDateTime) -> PortResult<Vec<NaiveDateTime>> {
        self.read(|c| {
            revisions::table
                .filter(revisions::org_id.eq(self.org))
                .filter(revisions::revision.gt(1))
                .filter(revisions::published_at.ge(since))
                .select(revisions::published_at)
                .load(c)
        })
    }

    fn revision(&self, code: &str, revision: RevisionNumber) -> PortResult<Option<RevisionRecord>> {
        self.read(|c| {
            let row: Option<RevisionRow> = revisions::table
                .filter(revisions::org_id.eq(self.org))
                .filter(revisions::procedure_code.eq(code))
                .filter(revisions::revision.eq(revision))
                .select(RevisionRow::as_select())
                .get_result(c)
                .optional()?;
            row.map(RevisionRow::into_record).transpose()
        })
    }

    fn legal_bases(&self) -> PortResult<Vec<LegalBasis>> {
        self.read(|c| {
            let rows: Vec<LegalBasisRow> = legal_bases::table
                .filter(legal_bases::org_id.eq(self.org))
                .order(legal_bases::key)
                .select(LegalBasisRow::as_select())
                .load(c)?;
            rows.into_iter().map(LegalBasisRow::into_legal_basis).collect()
        })
    }

    fn procedures_citing(&self, key: &str) -> PortResult<Vec<String>> {
        self.read(|c| reviews::citing(c, self.org, key))
    }

    fn citing_superseded(&self) -> PortResult<Vec<(String, String)>> {
        self.read(|c| reviews::citing_superseded(c, self.org))
    }

    fn acknowledge(&self, code: &str, revision: RevisionNumber, username: &str, event: &NewEvent) -> PortResult<bool> {
        self.write(|c| reviews::acknowledge(c, self.org, code, revision, username, event))
    }

    fn acknowledgements(
        &self,
        code: &str,
        revision: RevisionNumber,
    ) -> PortResult<Vec<(String, chrono::NaiveDateTime)>> {
        self.read(|c| reviews::acknowledgements(c, self.org, code, revision))
    }

    fn has_acknowledged(&self, code: &str, revision: RevisionNumber, username: &str) -> PortResult<bool> {
        self.read(|c| reviews::has_acknowledged(c, self.org, code, revision, username))
    }

    fn record_periodic_review(
        &self,
        review: &PeriodicReview,
        next_due: Option<chrono::NaiveDate>,
        event: &NewEvent,
    ) -> PortResult<()> {
        self.write(|c| reviews::record_periodic_review(c, self.org, review, next_due, event))
    }

    fn periodic_reviews(&self, code: &str) -> PortResult<Vec<PeriodicReview>> {
        self.read(|c| reviews::periodic_reviews(c, self.org, code))
    }

    fn unacknowledged(&self, username: &str, fields: &[String]) -> PortResult<Vec<(String, RevisionNumber, String)>> {
        self.read(|c| reviews::unacknowledged(c, self.org, username, fields))
    }
}
