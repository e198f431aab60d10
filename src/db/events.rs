//! The event log on the database: one hash chain per organisation (each row's hash covers the row
//! before it in the same organisation). One chain each, rather than one chain for the deployment,
//! because an organisation's log is what its own auditors verify and what its store anchors: it
//! must verify from its own rows alone, and a busy province must not make every commune's appends
//! wait on one lock. Appends of one organisation are serialised (SQLite: the write lock taken by
//! `BEGIN IMMEDIATE`; PostgreSQL: a transaction-scoped advisory lock on the organisation) so its
//! chain never forks.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::connection::{DbConn, OrgDb};
use super::schema::events;
use crate::domain::event::{Event, GENESIS, NewEvent};
use crate::service::ports::{EventFilter, Events, PortResult};

#[derive(Queryable, Selectable)]
#[diesel(table_name = events)]
struct EventRow {
    id: i32,
    at: String,
    actor: String,
    action: String,
    entity_type: String,
    entity_id: String,
    before_digest: Option<String>,
    after_digest: Option<String>,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl EventRow {
    fn into_event(self) -> Event {
        Event {
            id: self.id,
            event: NewEvent {
                at: self.at,
                actor: self.actor,
                action: self.action,
                entity_type: self.entity_type,
                entity_id: self.entity_id,
                before_digest: self.before_digest,
                after_digest: self.after_digest,
                detail: self.detail,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

/// The first key of the advisory locks that serialise each organisation's appends on PostgreSQL
/// (the second is the organisation's id).
const EVENT_CHAIN_LOCK: i32 = 0x0e7e_0001;

/// Appends `event` to organisation `org`'s chain inside the caller's write transaction.
pub fn append(conn: &mut DbConn, org: i32, event: &NewEvent) -> QueryResult<()> {
    if let DbConn::Postgres(_) = conn {
        // The id is a number, never text from a request.
        conn.batch_execute(&format!("SELECT pg_advisory_xact_lock({EVENT_CHAIN_LOCK}, {org})"))?;
    }
    let prev: Option<String> = events::table
        .filter(events::org_id.eq(org))
        .order(events::id.desc())
        .select(events::hash)
        .first(conn)
        .optional()?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_owned());
    let hash = event.chained_hash(&prev);
    diesel::insert_into(events::table)
        .values((
            events::at.eq(&event.at),
            events::actor.eq(&event.actor),
            events::action.eq(&event.action),
            events::entity_type.eq(&event.entity_type),
            events::entity_id.eq(&event.entity_id),
            events::before_digest.eq(&event.before_digest),
            events::after_digest.eq(&event.after_digest),
            events::detail.eq(&event.detail),
            events::prev_hash.eq(&prev),
            events::hash.eq(&hash),
            events::org_id.eq(org),
        ))
        .execute(conn)
        .map(|_| ())
}

fn filtered<'a>(org: i32, f: &'a EventFilter) -> events::BoxedQuery<'a, <DbConn as Connection>::Backend> {
    let mut q = events::table.filter(events::org_id.eq(org)).into_boxed();
    if let Some(t) = &f.entity_type {
        q = q.filter(events::entity_type.eq(t));
    }
    if let Some(id) = &f.entity_id {
        q = q.filter(events::entity_id.eq(id));
    }
    if let Some(actor) = &f.actor {
        q = q.filter(events::actor.eq(actor));
    }
    q
}

impl Events for OrgDb {
    fn append_event(&self, event: &NewEvent) -> PortResult<()> {
        self.write(|c| append(c, self.org, event))
    }

    fn events(&self, filter: &EventFilter) -> PortResult<(Vec<Event>, i64)> {
        self.read(|c| {
            let total = filtered(self.org, filter).count().get_result(c)?;
            let rows: Vec<EventRow> = filtered(self.org, filter)
                .order(events::id.desc())
                .limit(filter.limit)
                .offset(filter.offset)
                .select(EventRow::as_select())
                .load(c)?;
            Ok((rows.into_iter().map(EventRow::into_event).collect(), total))
        })
    }

    fn newest_event(&self) -> PortResult<Option<Event>> {
        self.read(|c| {
            let row: Option<EventRow> = events::table
                .filter(events::org_id.eq(self.org))
                .order(events::id.desc())
                .select(EventRow::as_select())
                .first(c)
                .optional()?;
            Ok(row.map(EventRow::into_event))
        })
    }

    fn events_after(&self, after_id: i32, limit: i64) -> PortResult<Vec<Event>> {
        self.read(|c| {
            let rows: Vec<EventRow> = events::table
                .filter(events::org_id.eq(self.org))
                .filter(events::id.gt(after_id))
                .order(events::id.asc())
                .limit(limit)
                .select(EventRow::as_select())
                .load(c)?;
            Ok(rows.into_iter().map(EventRow::into_event).collect())
        })
    }
}
