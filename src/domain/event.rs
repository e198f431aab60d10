//! The append-only event log: who did what, when, to which entity, with digests of the state
//! before and after. Each entry's hash covers the previous entry's hash, so editing or deleting a
//! row breaks the chain at that row.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash the first entry chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an event records; appending it gives it an id, the previous hash and its own hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewEvent {
    /// UTC, RFC 3339 with microseconds: the same text on every database.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub detail: String,
}

impl NewEvent {
    /// An event happening now.
    pub fn now(actor: &str, action: &str, entity_type: &str, entity_id: &str) -> Self {
        Self {
            at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            entity_type: entity_type.to_owned(),
            entity_id: entity_id.to_owned(),
            before_digest: None,
            after_digest: None,
            detail: String::new(),
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// Records digests of the entity's state before and after the change.
    pub fn states(mut self, before: Option<&impl Serialize>, after: Option<&impl Serialize>) -> Self {
        self.before_digest = before.map(digest_of);
        self.after_digest = after.map(digest_of);
        self
    }

    /// The hash of this event chained after `prev_hash`.
    pub fn chained_hash(&self, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        for part in [
            prev_hash,
            &self.at,
            &self.actor,
            &self.action,
            &self.entity_type,
            &self.entity_id,
            self.before_digest.as_deref().unwrap_or(""),
            self.after_digest.as_deref().unwrap_or(""),
            &self.detail,
        ] {
            // Length-prefixed, so moving text from one field to the next changes the hash.
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// The SHA-256 of a value's JSON form.
pub fn digest_of(value: &impl Serialize) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: i32,
    #[serde(flatten)]
    pub event: NewEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// Where and why the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub id: i32,
    pub reason: &'static str,
}

/// Checks one link: that `event` chains to `prev_hash` and hashes to its stored hash.
pub fn check_link(event: &Event, prev_hash: &str) -> Result<(), BrokenLink> {
    if event.prev_hash != prev_hash {
        return Err(BrokenLink {
            id: event.id,
            reason: "does not chain to the previous entry (a row was removed, inserted or reordered)",
        });
    }
    if event.event.chained_hash(&event.prev_hash) != event.hash {
        return Err(BrokenLink { id: event.id, reason: "its content does not match its hash (the row was edited)" });
    }
    Ok(())
}

/// Checks events in id order; the number checked, or the first broken link.
pub fn verify_chain<'a>(events: impl IntoIterator<Item = &'a Event>) -> Result<usize, BrokenLink> {
    let mut prev = GENESIS;
    let mut count = 0;
    for e in events {
        check_link(e, prev)?;
        prev = &e.hash;
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<Event> {
        let mut prev = GENESIS.to_owned();
        (0..n)
            .map(|i| {
                let new = NewEvent::now("admin", "user.create", "user", &format!("u{i}"));
                let hash = new.chained_hash(&prev);
                let e = Event { id: i as i32 + 1, event: new, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(5));
    }

    #[test]
    fn an_edited_row_is_named() {
        let mut events = chain(5);
        events[2].event.actor = "mallory".into();
        assert_eq!(verify_chain(&events).unwrap_err().id, 3);
    }

    #[test]
    fn a_removed_row_is_named() {
        let mut events = chain(5);
        events.remove(1);
        assert_eq!(verify_chain(&events).unwrap_err().id, 3);
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let mut a = NewEvent::now("ab", "c", "t", "i");
        let h1 = a.chained_hash(GENESIS);
        a.actor = "a".into();
        a.action = "bc".into();
        assert_ne!(a.chained_hash(GENESIS), h1);
    }
}
