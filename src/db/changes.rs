//! `ChangeRequests` on the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::connection::{DbConn, OrgDb};
use super::events::append;
use super::rows::join_list;
use super::rows::stored;
use super::schema::{change_requests, signoffs};
use crate::domain::change_request::Decision;
use crate::domain::change_request::{ChangeKind, ChangeStatus};
use crate::domain::event::NewEvent;
use crate::service::ports::{
    ChangeFilter, ChangeGuard, ChangeRequestRecord, ChangeRequests, PortError, PortResult, SignoffKind, SignoffRecord,
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = change_requests)]
struct ChangeRow {
    id: i32,
    procedure_code: String,
    kind: String,
    status: String,
    reason: String,
    author: String,
    base_revision: Option<i32>,
    base_commit: Option<String>,
    draft_commit: String,
    content_hash: String,
    reviewers: String,
    approver: Option<String>,
    published_revision: Option<i32>,
    published_commit: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = change_requests, treat_none_as_null = true)]
struct ChangeValues<'a> {
    procedure_code: &'a str,
    kind: &'a str,
    status: &'a str,
    reason: &'a str,
    author: &'a str,
    base_revision: Option<i32>,
    base_commit: Option<&'a str>,
    draft_commit: &'a str,
    content_hash: &'a str,
    reviewers: String,
    approver: Option<&'a str>,
    published_revision: Option<i32>,
    published_commit: Option<&'a str>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl<'a> From<&'a ChangeRequestRecord> for ChangeValues<'a> {
    fn from(c: &'a ChangeRequestRecord) -> Self {
        Self {
            procedure_code: &c.code,
            kind: c.kind.as_str(),
            status: c.status.as_str(),
            reason: &c.reason,
            author: &c.author,
            base_revision: c.base_revision,
            base_commit: c.base_commit.as_deref(),
            draft_commit: &c.draft_commit,
            content_hash: &c.content_hash,
            reviewers: join_list(c.reviewers.iter().map(String::as_str)),
            approver: c.approver.as_deref(),
            published_revision: c.published_revision,
            published_commit: c.published_commit.as_deref(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

impl ChangeRow {
    fn into_record(self) -> QueryResult<ChangeRequestRecord> {
        Ok(ChangeRequestRecord {
            id: self.id,
            code: self.procedure_code,
            kind: stored(&self.kind, ChangeKind::parse, "change kind")?,
            status: stored(&self.status, ChangeStatus::parse, "change status")?,
            reason: self.reason,
            author: self.author,
            base_revision: self.base_revision,
            base_commit: self.base_commit,
            draft_commit: self.draft_commit,
            content_hash: self.content_hash,
            reviewers: self.reviewers.split(',').filter(|r| !r.is_empty()).map(str::to_owned).collect(),
            approver: self.approver,
            published_revision: self.published_revision,
            published_commit: self.published_commit,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = signoffs)]
struct SignoffRow {
    kind: String,
    username: String,
    display_name: String,
    decision: String,
    comment: String,
    content_hash: String,
    signed_at: NaiveDateTime,
    voided: bool,
}

fn filtered<'a>(org: i32, f: &'a ChangeFilter) -> change_requests::BoxedQuery<'a, <DbConn as Connection>::Backend> {
    let mut q = change_requests::table.filter(change_requests::org_id.eq(org)).into_boxed();
    if let Some(status) = f.status {
        q = q.filter(change_requests::status.eq(status.as_str()));
    }
    if let Some(code) = &f.code {
        q = q.filter(change_requests::procedure_code.eq(code));
    }
    if let Some(user) = &f.involving {
        let listed = format!("%{user}%");
        q = q.filter(
            change_requests::author
                .eq(user)
                .or(change_requests::approver.eq(user))
                .or(change_requests::reviewers.like(listed)),
        );
    }
    q
}

impl ChangeRequests for OrgDb {
    fn insert_change_request(&self, cr: &ChangeRequestRecord, event: &NewEvent) -> PortResult<i32> {
        self.write(|c| {
            // The insert's own id (RETURNING), never "the newest row": another writer may have
            // inserted after this one by the time a second query runs.
            let id: i32 = diesel::insert_into(change_requests::table)
                .values((ChangeValues::from(cr), change_requests::org_id.eq(self.org)))
                .returning(change_requests::id)
                .get_result(c)?;
            let event = NewEvent { entity_id: id.to_string(), ..event.clone() };
            append(c, self.org, &event)?;
            Ok(id)
        })
    }

    fn change_request(&self, id: i32) -> PortResult<Option<ChangeRequestRecord>> {
        self.read(|c| {
            let row: Option<ChangeRow> = change_requests::table
                .find(id)
                .filter(change_requests::org_id.eq(self.org))
                .select(ChangeRow::as_select())
                .get_result(c)
                .optional()?;
            row.map(ChangeRow::into_record).transpose()
        })
    }

    fn change_requests(&self, filter: &ChangeFilter) -> PortResult<(Vec<ChangeRequestRecord>, i64)> {
        self.read(|c| {
            let total = filtered(self.org, filter).count().get_result(c)?;
            let rows: Vec<ChangeRow> = filtered(self.org, filter)
                .order(change_requests::id.desc())
                .limit(filter.limit)
                .offset(filter.offset)
                .select(ChangeRow::as_select())
                .load(c)?;
            let mut items: Vec<_> = rows.into_iter().map(ChangeRow::into_record).collect::<QueryResult<_>>()?;
            // The LIKE above may match a longer name containing this one.
            if let Some(user) = &filter.involving {
                items.retain(|cr| {
                    &cr.author == user || cr.approver.as_ref() == Some(user) || cr.reviewers.contains(user)
                });
            }
            Ok((items, total))
        })
    }

    fn signoffs(&self, id: i32) -> PortResult<Vec<SignoffRecord>> {
        self.read(|c| {
            let rows: Vec<SignoffRow> = signoffs::table
                .filter(signoffs::org_id.eq(self.org))
                .filter(signoffs::change_request_id.eq(id))
                .order(signoffs::id)
                .select(SignoffRow::as_select())
                .load(c)?;
            rows.into_iter()
                .map(|r| {
                    Ok(SignoffRecord {
                        kind: stored(&r.kind, SignoffKind::parse, "sign-off kind")?,
                        username: r.username,
                        display_name: r.display_name,
                        decision: stored(&r.decision, Decision::parse, "decision")?,
                        comment: r.comment,
                        content_hash: r.content_hash,
                        signed_at: r.signed_at,
                        voided: r.voided,
                    })
                })
                .collect()
        })
    }

    fn update_change_request(
        &self,
        cr: &ChangeRequestRecord,
        guard: ChangeGuard<'_>,
        void_signoffs: bool,
        signoff: Option<&SignoffRecord>,
        event: &NewEvent,
    ) -> PortResult<()> {
        let applied = self.write(|c| {
            let n = diesel::update(
                change_requests::table
                    .find(cr.id)
                    .filter(change_requests::org_id.eq(self.org))
                    .filter(change_requests::status.eq(guard.status.as_str()))
                    .filter(change_requests::content_hash.eq(guard.content_hash)),
            )
            .set(ChangeValues::from(cr))
            .execute(c)?;
            if n == 0 {
                return Ok(false);
            }
            if void_signoffs {
                diesel::update(
                    signoffs::table.filter(signoffs::org_id.eq(self.org)).filter(signoffs::change_request_id.eq(cr.id)),
                )
                .set(signoffs::voided.eq(true))
                .execute(c)?;
            }
            if let Some(s) = signoff {
                diesel::insert_into(signoffs::table)
                    .values((
                        signoffs::org_id.eq(self.org),
                        signoffs::change_request_id.eq(cr.id),
                        signoffs::kind.eq(s.kind.as_str()),
                        signoffs::username.eq(&s.username),
                        signoffs::display_name.eq(&s.display_name),
                        signoffs::decision.eq(s.decision.as_str()),
                        signoffs::comment.eq(&s.comment),
                        signoffs::content_hash.eq(&s.content_hash),
                        signoffs::signed_at.eq(s.signed_at),
                        signoffs::voided.eq(s.voided),
                    ))
                    .execute(c)?;
            }
            append(c, self.org, event)?;
            Ok(true)
        })?;
        if applied { Ok(()) } else { Err(PortError::Conflict("the change request changed meanwhile".into())) }
    }
}
