//! Recording what a published commit did in one organisation: procedure row, revision, citations,
//! the change request it published, and the event, in the caller's transaction. Idempotent, so
//! the reconcile step can replay any commit to complete a publish interrupted between git and the
//! database.

use std::collections::BTreeSet;

use diesel::prelude::*;

use super::connection::DbConn;
use super::events::append;
use super::rows::{ProcedureRow, RevisionInsert};
use super::schema::{change_requests, procedure_legal_bases, procedures, revisions};
use crate::domain::change_request::ChangeStatus;
use crate::domain::event::NewEvent;
use crate::service::ports::{IndexedCommit, ProcedureRecord, Publication};

/// Makes `p` organisation `org`'s row of the procedure unless the index already holds a newer
/// revision. Returns whether the row changed.
fn upsert_procedure(conn: &mut DbConn, org: i32, p: &ProcedureRecord, cites: &[String]) -> QueryResult<bool> {
    let current: Option<(i32, String)> = procedures::table
        .find((org, &p.code))
        .select((procedures::current_revision, procedures::status))
        .get_result(conn)
        .optional()?;
    let row = ProcedureRow::from(p);
    match current {
        None => {
            diesel::insert_into(procedures::table).values((&row, procedures::org_id.eq(org))).execute(conn)?;
        }
        // An older revision found while reconciling never replaces the current one.
        Some((revision, _)) if revision > p.revision => return Ok(false),
        Some((revision, status)) if revision == p.revision && status == row.status => return Ok(false),
        Some(_) => {
            diesel::update(procedures::table.find((org, &p.code))).set(&row).execute(conn)?;
        }
    }
    record_citations(conn, org, &p.code, cites)?;
    Ok(true)
}

/// Makes the procedure's citations `cites`, touching only the rows that change: most revisions
/// cite what the one before cited, and rewriting the rows anyway cost a publish page writes in
/// the table and its index, wherever in them that procedure's rows happen to be.
fn record_citations(conn: &mut DbConn, org: i32, code: &str, cites: &[String]) -> QueryResult<()> {
    let by_code = procedure_legal_bases::table
        .filter(procedure_legal_bases::org_id.eq(org))
        .filter(procedure_legal_bases::procedure_code.eq(code));
    let cited: BTreeSet<String> =
        by_code.select(procedure_legal_bases::legal_key).load::<String>(conn)?.into_iter().collect();
    let wanted: BTreeSet<&str> = cites.iter().map(String::as_str).collect();
    let dropped: Vec<&str> = cited.iter().map(String::as_str).filter(|key| !wanted.contains(key)).collect();
    if !dropped.is_empty() {
        diesel::delete(by_code.filter(procedure_legal_bases::legal_key.eq_any(&dropped))).execute(conn)?;
    }
    for key in wanted.into_iter().filter(|key| !cited.contains(*key)) {
        diesel::insert_into(procedure_legal_bases::table)
            .values((
                procedure_legal_bases::org_id.eq(org),
                procedure_legal_bases::procedure_code.eq(code),
                procedure_legal_bases::legal_key.eq(key),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn record(
    conn: &mut DbConn,
    org: i32,
    indexed: &IndexedCommit,
    publication: Option<&Publication>,
    event: Option<&NewEvent>,
) -> QueryResult<()> {
    let mut changed = match &indexed.revision {
        Some(revision) => {
            let known: i64 = revisions::table
                .filter(revisions::org_id.eq(org))
                .filter(revisions::commit_id.eq(&revision.commit))
                .count()
                .get_result(conn)?;
            if known == 0 {
                upsert_procedure(conn, org, &indexed.procedure, &indexed.cites)?;
                diesel::insert_into(revisions::table)
                    .values((RevisionInsert::from(revision), revisions::org_id.eq(org)))
                    .execute(conn)?;
            }
            known == 0
        }
        None => upsert_procedure(conn, org, &indexed.procedure, &indexed.cites)?,
    };
    if let Some(p) = publication {
        let now = chrono::Utc::now().naive_utc();
        let updated = diesel::update(
            change_requests::table
                .find(p.change_request)
                .filter(change_requests::org_id.eq(org))
                .filter(change_requests::status.ne(ChangeStatus::Published.as_str())),
        )
        .set((
            change_requests::status.eq(ChangeStatus::Published.as_str()),
            change_requests::published_revision.eq(p.revision),
            change_requests::published_commit.eq(&p.commit),
            change_requests::updated_at.eq(now),
        ))
        .execute(conn)?;
        changed |= updated > 0;
    }
    match event {
        Some(event) if changed => append(conn, org, event),
        _ => Ok(()),
    }
}
