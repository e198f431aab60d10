//! Verifying the event log: its hash chain from the first entry to the last, and the anchors the
//! git store keeps of it.
//!
//! The chain alone shows that no row was edited or removed *without recomputing every later
//! hash*. Someone able to write the database can recompute them, or delete the newest rows,
//! and the chain still verifies. So the service anchors the chain outside the database: every
//! few seconds while events are appended it writes the newest event's id and hash as a commit on
//! `refs/qms/event-anchors` in the git store (`anchor`). Verification then requires that every
//! anchored event is still in the log with the anchored hash. What this proves, and what not,
//! is in the README ("Event log").

use super::Services;
use super::ports::{CommitRequest, EVENT_ANCHOR_REF, EventFilter, PortError, Signature, StoredCommit};
use super::trailers;
use crate::domain::event::{BrokenLink, GENESIS, check_link};
use crate::error::{AppError, AppResult};

/// The outcome of a verification: how many entries were checked, how many anchors matched, and
/// the first broken link or anchor.
#[derive(Debug, PartialEq, Eq)]
pub struct Verification {
    pub checked: usize,
    pub anchors: usize,
    pub broken: Option<BrokenLink>,
}

/// One anchor: the event log's newest entry when it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub event_id: i32,
    pub hash: String,
}

const EVENT_ID: &str = "Event-id";
const EVENT_HASH: &str = "Event-hash";

fn anchor_of(commit: &StoredCommit) -> Option<Anchor> {
    let event_id = commit.trailer(EVENT_ID)?.parse().ok()?;
    Some(Anchor { event_id, hash: commit.trailer(EVENT_HASH)?.to_owned() })
}

/// Writes an anchor of the newest event unless the last anchor already names it. Returns the
/// anchor written. Another process writing at the same moment wins; this one then writes nothing.
pub fn anchor(services: &Services) -> AppResult<Option<Anchor>> {
    // Every few seconds while serving: one indexed read of the newest row, no count of the log.
    let Some(newest) = services.events.newest_event()? else { return Ok(None) };
    let tip = services.store.ref_target(EVENT_ANCHOR_REF)?;
    if let Some(tip) = &tip {
        let (last, _) = services.store.read_file(tip, "anchor")?;
        if last.lines().next() == Some(&format!("{} {}", newest.id, newest.hash)) {
            return Ok(None);
        }
    }
    let message = trailers::message(
        &format!("Nhật ký sự kiện đến mục {}", newest.id),
        "",
        &[(EVENT_ID, newest.id.to_string()), (EVENT_HASH, newest.hash.clone())],
    );
    let request = CommitRequest {
        reference: EVENT_ANCHOR_REF.into(),
        parent: tip.clone(),
        expected: tip,
        files: vec![("anchor".into(), format!("{} {}\n", newest.id, newest.hash))],
        deletions: vec![],
        message,
        author: Signature { name: "qms".into(), email: "qms@qms".into() },
        when: None,
    };
    match services.store.commit(&request) {
        Ok(_) => Ok(Some(Anchor { event_id: newest.id, hash: newest.hash })),
        Err(PortError::Conflict(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Walks the whole log in id order, in batches, recomputing every hash and comparing each
/// anchored entry with its anchor.
pub fn verify(services: &Services) -> AppResult<Verification> {
    let history = services.store.history_of(EVENT_ANCHOR_REF)?;
    let mut anchors: Vec<Anchor> = history.iter().filter_map(anchor_of).collect();
    if anchors.len() != history.len() {
        return Err(AppError::internal("an anchor of the event log cannot be read"));
    }
    anchors.sort_by_key(|a| a.event_id);
    let mut pending = anchors.iter().peekable();
    let mut prev_hash = GENESIS.to_owned();
    let (mut after, mut checked, mut matched) = (0, 0, 0);
    loop {
        let batch = services.events.events_after(after, 1000)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for e in &batch {
            if let Err(broken) = check_link(e, &prev_hash) {
                return Ok(Verification { checked, anchors: matched, broken: Some(broken) });
            }
            while let Some(a) = pending.next_if(|a| a.event_id <= e.id) {
                if a.event_id < e.id || a.hash != e.hash {
                    let reason =
                        "differs from its anchor in the git store (removed, or edited with the chain recomputed)";
                    return Ok(Verification {
                        checked,
                        anchors: matched,
                        broken: Some(BrokenLink { id: a.event_id, reason }),
                    });
                }
                matched += 1;
            }
            prev_hash = e.hash.clone();
            checked += 1;
        }
    }
    let broken = pending.next().map(|a| BrokenLink {
        id: a.event_id,
        reason: "is anchored in the git store but missing from the log (the newest entries were removed)",
    });
    Ok(Verification { checked, anchors: matched, broken })
}

/// A filter of the event log by entity (`type` or `type:id`, e.g. `user:admin`,
/// `procedure:QT-HTI-01`; empty means any) and actor (empty means any).
pub fn filter_by(entity: Option<String>, actor: Option<String>, limit: i64, offset: i64) -> EventFilter {
    let (mut entity_type, mut entity_id) = (None, None);
    if let Some(entity) = entity.filter(|e| !e.is_empty()) {
        match entity.split_once(':') {
            Some((t, id)) => (entity_type, entity_id) = (Some(t.to_owned()), Some(id.to_owned())),
            None => entity_type = Some(entity),
        }
    }
    EventFilter { entity_type, entity_id, actor: actor.filter(|a| !a.is_empty()), limit, offset }
}

/// The event log, newest first, filtered; with the total the filter matches.
pub fn events(services: &Services, filter: &EventFilter) -> AppResult<(Vec<crate::domain::event::Event>, i64)> {
    Ok(services.events.events(filter)?)
}
