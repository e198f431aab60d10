//! Verified sessions kept in memory for a few seconds, so that reading pages does not look the
//! account up in the database on every request.
//!
//! Whatever changes who may act in this process (an account edited, disabled or given a new
//! password, a sign-out) forgets every cached session at once, so this process refuses a revoked
//! token immediately. Other processes (`qms user`, or another instance sharing a PostgreSQL
//! database) are noticed within [`SessionCache::TTL`].

use std::time::Duration;

use moka::sync::Cache;

use crate::domain::Actor;

#[derive(Clone)]
pub struct SessionCache {
    /// Token → the actor and when the token expires (seconds since the epoch).
    cache: Cache<String, (Actor, i64)>,
}

impl Default for SessionCache {
    fn default() -> Self {
        Self { cache: Cache::builder().max_capacity(10_000).time_to_live(Self::TTL).build() }
    }
}

impl SessionCache {
    /// How long a verified session is trusted without looking at the database again.
    pub const TTL: Duration = Duration::from_secs(10);

    /// The actor of a session verified lately, unless its token has expired since.
    pub fn get(&self, token: &str, now: i64) -> Option<Actor> {
        self.cache.get(token).filter(|(_, expires)| *expires > now).map(|(actor, _)| actor)
    }

    pub fn remember(&self, token: &str, actor: &Actor, expires: i64) {
        self.cache.insert(token.to_owned(), (actor.clone(), expires));
    }

    /// An account or a session changed: verify every token against the database again.
    pub fn forget_all(&self) {
        self.cache.invalidate_all();
    }
}
