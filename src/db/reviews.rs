//! Acknowledgements, periodic reviews and legal-basis citations, each of one organisation (`org`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::connection::DbConn;
use super::events::append;
use super::schema::{acknowledgements, legal_bases, periodic_reviews, procedure_legal_bases, procedures};
use crate::domain::ProcedureStatus;
use crate::domain::event::NewEvent;
use crate::domain::legal_basis::LegalStatus;
use crate::service::ports::PeriodicReview;

pub fn citing(c: &mut DbConn, org: i32, key: &str) -> QueryResult<Vec<String>> {
    procedure_legal_bases::table
        .filter(procedure_legal_bases::org_id.eq(org))
        .filter(procedure_legal_bases::legal_key.eq(key))
        .select(procedure_legal_bases::procedure_code)
        .order(procedure_legal_bases::procedure_code)
        .load(c)
}

pub fn citing_superseded(c: &mut DbConn, org: i32) -> QueryResult<Vec<(String, String)>> {
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
        .filter(procedure_legal_bases::org_id.eq(org))
        .filter(legal_bases::status.eq(LegalStatus::Superseded.as_str()))
        .filter(procedures::status.eq(ProcedureStatus::Effective.as_str()))
        .select((procedure_legal_bases::procedure_code, procedure_legal_bases::legal_key))
        .order((procedure_legal_bases::procedure_code, procedure_legal_bases::legal_key))
        .load(c)
}

pub fn acknowledge(
    c: &mut DbConn,
    org: i32,
    code: &str,
    revision: i32,
    username: &str,
    event: &NewEvent,
) -> QueryResult<bool> {
    let known: i64 = acknowledgements::table
        .filter(acknowledgements::org_id.eq(org))
        .filter(acknowledgements::procedure_code.eq(code))
        .filter(acknowledgements::revision.eq(revision))
        .filter(acknowledgements::username.eq(username))
        .count()
        .get_result(c)?;
    if known > 0 {
        return Ok(false);
    }
    diesel::insert_into(acknowledgements::table)
        .values((
            acknowledgements::org_id.eq(org),
            acknowledgements::procedure_code.eq(code),
            acknowledgements::revision.eq(revision),
            acknowledgements::username.eq(username),
            acknowledgements::acknowledged_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(c)?;
    append(c, org, event)?;
    Ok(true)
}

pub fn acknowledgements(
    c: &mut DbConn,
    org: i32,
    code: &str,
    revision: i32,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    acknowledgements::table
        .filter(acknowledgements::org_id.eq(org))
        .filter(acknowledgements::procedure_code.eq(code))
        .filter(acknowledgements::revision.eq(revision))
        .select((acknowledgements::username, acknowledgements::acknowledged_at))
        .order(acknowledgements::acknowledged_at)
        .load(c)
}

pub fn has_acknowledged(c: &mut DbConn, org: i32, code: &str, revision: i32, username: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        acknowledgements::table
            .filter(acknowledgements::org_id.eq(org))
            .filter(acknowledgements::procedure_code.eq(code))
            .filter(acknowledgements::revision.eq(revision))
            .filter(acknowledgements::username.eq(username)),
    ))
    .get_result(c)
}

pub fn record_periodic_review(
    c: &mut DbConn,
    org: i32,
    review: &PeriodicReview,
    next_due: Option<NaiveDate>,
    event: &NewEvent,
) -> QueryResult<()> {
    diesel::insert_into(periodic_reviews::table)
        .values((
            periodic_reviews::org_id.eq(org),
            periodic_reviews::procedure_code.eq(&review.code),
            periodic_reviews::revision.eq(review.revision),
            periodic_reviews::outcome.eq(&review.outcome),
            periodic_reviews::comment.eq(&review.comment),
            periodic_reviews::reviewer.eq(&review.reviewer),
            periodic_reviews::reviewed_at.eq(review.reviewed_at),
        ))
        .execute(c)?;
    if let Some(due) = next_due {
        diesel::update(procedures::table.find((org, &review.code))).set(procedures::review_due.eq(due)).execute(c)?;
    }
    append(c, org, event)
}

pub fn periodic_reviews(c: &mut DbConn, org: i32, code: &str) -> QueryResult<Vec<PeriodicReview>> {
    let rows: Vec<(String, i32, String, String, String, NaiveDateTime)> = periodic_reviews::table
        .filter(periodic_reviews::org_id.eq(org))
        .filter(periodic_reviews::procedure_code.eq(code))
        .order(periodic_reviews::id.desc())
        .select((
            periodic_reviews::procedure_code,
            periodic_reviews::revision,
            periodic_reviews::outcome,
            periodic_reviews::comment,
            periodic_reviews::reviewer,
            periodic_reviews::reviewed_at,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(code, revision, outcome, comment, reviewer, reviewed_at)| PeriodicReview {
            code,
            revision,
            outcome,
            comment,
            reviewer,
            reviewed_at,
        })
        .collect())
}

pub fn unacknowledged(
    c: &mut DbConn,
    org: i32,
    username: &str,
    fields: &[String],
) -> QueryResult<Vec<(String, i32, String)>> {
    use diesel::dsl::{exists, not};
    let acknowledged = acknowledgements::table
        .filter(acknowledgements::org_id.eq(procedures::org_id))
        .filter(acknowledgements::procedure_code.eq(procedures::code))
        .filter(acknowledgements::revision.eq(procedures::current_revision))
        .filter(acknowledgements::username.eq(username));
    let mut q = procedures::table
        .filter(procedures::org_id.eq(org))
        .filter(procedures::status.eq(ProcedureStatus::Effective.as_str()))
        .filter(not(exists(acknowledged)))
        .select((procedures::code, procedures::current_revision, procedures::title))
        .order(procedures::code)
        .into_boxed();
    if !fields.is_empty() {
        q = q.filter(procedures::field.eq_any(fields.to_vec()).or(procedures::field.eq("HT")));
    }
    q.load(c)
}
