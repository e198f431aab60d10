//! User accounts.

use chrono::NaiveDateTime;

use super::PortResult;
use crate::domain::Role;
use crate::domain::event::NewEvent;

/// A user account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub fields: Vec<String>,
    pub active: bool,
    /// Bumped to revoke every token issued before (on disable, role change, password change).
    pub token_version: i32,
    /// Wrong passwords in a row since the last successful sign-in.
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
}

/// User accounts. Every change is recorded in the event log in the same transaction.
pub trait Users: Send + Sync {
    fn user(&self, username: &str) -> PortResult<Option<UserRecord>>;
    fn users(&self) -> PortResult<Vec<UserRecord>>;
    fn count_users(&self) -> PortResult<i64>;
    /// Fails with `Conflict` when the username is taken.
    fn insert_user(&self, user: &UserRecord, event: &NewEvent) -> PortResult<()>;
    /// Replaces the stored account of `user.username`.
    fn update_user(&self, user: &UserRecord, event: &NewEvent) -> PortResult<()>;
    /// Revokes one token until it would have expired anyway.
    fn revoke_token(&self, jti: &str, expires_at: NaiveDateTime, event: &NewEvent) -> PortResult<()>;
    fn is_revoked(&self, jti: &str) -> PortResult<bool>;
}
