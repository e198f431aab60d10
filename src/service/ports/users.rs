//! User accounts.

use chrono::NaiveDateTime;

use super::PortResult;
use crate::domain::Role;
use crate::domain::event::NewEvent;
use crate::domain::organisation::OrgId;

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
    /// The organisation the account belongs to (set by the adapter that stores it).
    pub org: OrgId,
}

/// User accounts. Every change is recorded in the event log in the same transaction.
pub trait Users: Send + Sync {
    /// The account of that name in any organisation (usernames are unique across the deployment).
    fn user(&self, username: &str) -> PortResult<Option<UserRecord>>;
    /// The accounts of this organisation.
    fn users(&self) -> PortResult<Vec<UserRecord>>;
    /// Accounts in the whole deployment (none before the first start made one).
    fn count_users(&self) -> PortResult<i64>;
    /// Stores an account in this organisation. Fails with `Conflict` when the username is taken.
    fn insert_user(&self, user: &UserRecord, event: &NewEvent) -> PortResult<()>;
    /// Replaces the stored account of `user.username`.
    fn update_user(&self, user: &UserRecord, event: &NewEvent) -> PortResult<()>;
    /// Revokes one token until it would have expired anyway.
    fn revoke_token(&self, jti: &str, expires_at: NaiveDateTime, event: &NewEvent) -> PortResult<()>;
    fn is_revoked(&self, jti: &str) -> PortResult<bool>;
}
