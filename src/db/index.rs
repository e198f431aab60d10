//! `Index` on the database: the revision index and the catalogue behind lists and pages.

use std::collections::HashMap;

use diesel::prelude::*;

use super::connection::{Db, DbConn};
use super::events::append;
use super::rows::{FieldRow, LegalBasisRow, ProcedureRow, RevisionInsert, RevisionRow};
use super::schema::{fields, legal_bases, meta, procedures, revisions};
use crate::domain::RevisionNumber;
use crate::domain::event::NewEvent;
use crate::domain::field::Field;
use crate::domain::legal_basis::LegalBasis;
use crate::service::ports::{
    FieldCount, Index, PortResult, ProcedureFilter, ProcedureRecord, RevisionRecord,
};

fn filtered<'a>(
    f: &'a ProcedureFilter,
) -> procedures::BoxedQuery<'a, <DbConn as Connection>::Backend> {
    let mut q = procedures::table.into_boxed();
    if let Some(field) = &f.field {
        q = q.filter(procedures::field.eq(field));
    }
    if let Some(kind) = f.kind {
        q = q.filter(procedures::kind.eq(kind.as_str()));
    }
    if let Some(status) = f.status {
        q = q.filter(procedures::status.eq(status.as_str()));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = format!("%{}%", text.trim().replace(['%', '_'], ""));
        q = q.filter(
            procedures::title
                .like(pattern.clone())
                .or(procedures::code.like(pattern)),
        );
    }
    q
}

fn upsert_procedure(conn: &mut DbConn, p: &ProcedureRecord) -> QueryResult<()> {
    let current: Option<i32> = procedures::table
        .find(&p.code)
        .select(procedures::current_revision)
        .first(conn)
        .optional()?;
    let row = ProcedureRow::from(p);
    match current {
        None => diesel::insert_into(procedures::table)
            .values(&row)
            .execute(conn)
            .map(|_| ()),
        // An older revision found while reconciling never replaces the current one.
        Some(current) if current > p.revision => Ok(()),
        Some(_) => diesel::update(procedures::table.find(&p.code))
            .set(&row)
            .execute(conn)
            .map(|_| ()),
    }
}

impl Index for Db {
    fn meta(&self, key: &str) -> PortResult<Option<String>> {
        self.read(|c| {
            meta::table
                .find(key)
                .select(meta::value)
                .first(c)
                .optional()
        })
    }

    fn set_meta(&self, key: &str, value: &str) -> PortResult<()> {
        self.write(|c| {
            diesel::delete(meta::table.find(key)).execute(c)?;
            diesel::insert_into(meta::table)
                .values((meta::key.eq(key), meta::value.eq(value)))
                .execute(c)
                .map(|_| ())
        })
    }

    fn replace_reference(&self, fields: &[Field], legal: &[LegalBasis]) -> PortResult<()> {
        let field_rows: Vec<FieldRow> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| FieldRow::new(f, i))
            .collect();
        let legal_rows: Vec<LegalBasisRow> = legal.iter().map(LegalBasisRow::from).collect();
        self.write(|c| {
            diesel::delete(fields::table).execute(c)?;
            diesel::delete(legal_bases::table).execute(c)?;
            for row in &field_rows {
                diesel::insert_into(fields::table).values(row).execute(c)?;
            }
            for row in &legal_rows {
                diesel::insert_into(legal_bases::table)
                    .values(row)
                    .execute(c)?;
            }
            Ok(())
        })
    }

    fn record_revision(
        &self,
        procedure: &ProcedureRecord,
        revision: &RevisionRecord,
        event: Option<&NewEvent>,
    ) -> PortResult<()> {
        self.write(|c| {
            let known: i64 = revisions::table
                .filter(revisions::commit_id.eq(&revision.commit))
                .count()
                .get_result(c)?;
            if known > 0 {
                return Ok(());
            }
            upsert_procedure(c, procedure)?;
            diesel::insert_into(revisions::table)
                .values(RevisionInsert::from(revision))
                .execute(c)?;
            match event {
                Some(event) => append(c, event),
                None => Ok(()),
            }
        })
    }

    fn fields(&self) -> PortResult<Vec<FieldCount>> {
        self.read(|c| {
            let rows: Vec<FieldRow> = fields::table
                .order(fields::position)
                .select(FieldRow::as_select())
                .load(c)?;
            let counts: HashMap<String, i64> = procedures::table
                .filter(procedures::status.eq("effective"))
                .group_by(procedures::field)
                .select((procedures::field, diesel::dsl::count_star()))
                .load::<(String, i64)>(c)?
                .into_iter()
                .collect();
            Ok(rows
                .into_iter()
                .map(|r| {
                    let procedures = counts.get(&r.code).copied().unwrap_or(0);
                    FieldCount {
                        field: r.into_field(),
                        procedures,
                    }
                })
                .collect())
        })
    }

    fn procedures(&self, filter: &ProcedureFilter) -> PortResult<(Vec<ProcedureRecord>, i64)> {
        self.read(|c| {
            let total: i64 = filtered(filter).count().get_result(c)?;
            let rows: Vec<ProcedureRow> = filtered(filter)
                .order(procedures::code)
                .limit(filter.limit)
                .offset(filter.offset)
                .select(ProcedureRow::as_select())
                .load(c)?;
            Ok((
                rows.into_iter().map(ProcedureRow::into_record).collect(),
                total,
            ))
        })
    }

    fn procedure(&self, code: &str) -> PortResult<Option<ProcedureRecord>> {
        self.read(|c| {
            let row: Option<ProcedureRow> = procedures::table
                .find(code)
                .select(ProcedureRow::as_select())
                .first(c)
                .optional()?;
            Ok(row.map(ProcedureRow::into_record))
        })
    }

    fn revisions(&self, code: &str) -> PortResult<Vec<RevisionRecord>> {
        self.read(|c| {
            let rows: Vec<RevisionRow> = revisions::table
                .filter(revisions::procedure_code.eq(code))
                .order(revisions::revision.desc())
                .select(RevisionRow::as_select())
                .load(c)?;
            Ok(rows.into_iter().map(RevisionRow::into_record).collect())
        })
    }

    fn revision(&self, code: &str, revision: RevisionNumber) -> PortResult<Option<RevisionRecord>> {
        self.read(|c| {
            let row: Option<RevisionRow> = revisions::table
                .filter(revisions::procedure_code.eq(code))
                .filter(revisions::revision.eq(revision))
                .select(RevisionRow::as_select())
                .first(c)
                .optional()?;
            Ok(row.map(RevisionRow::into_record))
        })
    }

    fn legal_bases(&self) -> PortResult<Vec<LegalBasis>> {
        self.read(|c| {
            let rows: Vec<LegalBasisRow> = legal_bases::table
                .order(legal_bases::key)
                .select(LegalBasisRow::as_select())
                .load(c)?;
            Ok(rows
                .into_iter()
                .map(LegalBasisRow::into_legal_basis)
                .collect())
        })
    }
}
