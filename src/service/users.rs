//! Managing accounts: creating, changing roles, fields and status, setting passwords. Every change
//! is an event; a change of roles, a disabled account or a new password revokes earlier tokens.

use serde::Serialize;

use super::auth::hash_password;
use super::ports::UserRecord;
use super::{Services, catalog};
use crate::domain::ErrorCode;
use crate::domain::event::NewEvent;
use crate::domain::password::{policy_problem, username_problem};
use crate::domain::{Action, Actor, Resource, Role, authorize};
use crate::error::{AppError, AppResult};
use crate::service::ports::PortError;

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<Role>,
    pub fields: Vec<String>,
}

/// A change to an account; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub roles: Option<Vec<Role>>,
    pub fields: Option<Vec<String>>,
    pub active: Option<bool>,
}

/// The part of an account the event log digests (never the password hash).
#[derive(Serialize)]
struct Visible<'a> {
    username: &'a str,
    display_name: &'a str,
    roles: &'a [Role],
    fields: &'a [String],
    active: bool,
}

fn visible(u: &UserRecord) -> Visible<'_> {
    Visible {
        username: &u.username,
        display_name: &u.display_name,
        roles: &u.roles,
        fields: &u.fields,
        active: u.active,
    }
}

fn check_display_name(name: &str) -> AppResult<()> {
    let n = name.trim().chars().count();
    if n == 0 || n > 100 {
        return Err(AppError::unprocessable(ErrorCode::InvalidDisplayName, "Họ tên phải có từ 1 đến 100 ký tự."));
    }
    Ok(())
}

/// Who may manage accounts: an admin (or the system itself, acting from the command line).
pub enum Operator<'a> {
    Admin(&'a Actor),
    CommandLine,
}

impl Operator<'_> {
    /// Who the event log names.
    pub fn name(&self) -> &str {
        match self {
            Operator::Admin(a) => &a.username,
            Operator::CommandLine => "qms-cli",
        }
    }
    fn check(&self) -> AppResult<()> {
        match self {
            Operator::Admin(a) => Ok(authorize(a, Action::ManageUsers, Resource::None)?),
            Operator::CommandLine => Ok(()),
        }
    }
}

/// Creates an account. 422 for an invalid username, display name, weak password or unknown field;
/// 409 when the username is taken.
pub fn create(services: &Services, by: Operator<'_>, new: NewUser) -> AppResult<UserRecord> {
    by.check()?;
    if let Some(problem) = username_problem(&new.username) {
        return Err(AppError::unprocessable(ErrorCode::InvalidUsername, problem));
    }
    check_display_name(&new.display_name)?;
    if let Some(problem) = policy_problem(&new.username, &new.password) {
        return Err(AppError::unprocessable(ErrorCode::WeakPassword, problem));
    }
    catalog::require_known_fields(services, &new.fields)?;
    insert(services, by.name(), new)
}

/// Inserts without the password policy (the first admin, whose password the operator chose).
pub fn insert(services: &Services, by: &str, new: NewUser) -> AppResult<UserRecord> {
    let mut roles = if new.roles.is_empty() { vec![Role::Staff] } else { new.roles };
    roles.sort();
    roles.dedup();
    let user = UserRecord {
        username: new.username,
        display_name: new.display_name.trim().to_owned(),
        password_hash: hash_password(&new.password)?,
        roles,
        fields: new.fields,
        active: true,
        token_version: 0,
        failed_logins: 0,
        locked_until: None,
        org: services.org.id,
    };
    let event = NewEvent::now(by, "user.create", "user", &user.username).states(None::<&()>, Some(&visible(&user)));
    services.users.insert_user(&user, &event).map_err(|e| match e {
        PortError::Conflict(_) => {
            AppError::conflict(ErrorCode::UsernameTaken, format!("Tên đăng nhập {} đã có người dùng.", user.username))
        }
        other => other.into(),
    })?;
    Ok(user)
}

fn existing(services: &Services, username: &str) -> AppResult<UserRecord> {
    get(services, username)?
        .ok_or_else(|| AppError::not_found(ErrorCode::UserNotFound, format!("Không có tài khoản {username}.")))
}

/// Changes an account. Changing roles or disabling it signs the user out everywhere.
pub fn update(services: &Services, by: Operator<'_>, username: &str, change: UserChange) -> AppResult<UserRecord> {
    by.check()?;
    let before = existing(services, username)?;
    let mut after = before.clone();
    if let Some(name) = change.display_name {
        check_display_name(&name)?;
        after.display_name = name.trim().to_owned();
    }
    if let Some(mut roles) = change.roles {
        roles.sort();
        roles.dedup();
        after.roles = roles;
    }
    if let Some(fields) = change.fields {
        catalog::require_known_fields(services, &fields)?;
        after.fields = fields;
    }
    if let Some(active) = change.active {
        after.active = active;
    }
    if let Operator::Admin(admin) = &by
        && admin.username == username
        && (!after.active || !after.roles.contains(&Role::Admin))
    {
        return Err(AppError::conflict(
            ErrorCode::CannotLockOutSelf,
            "Bạn không thể tự khóa hoặc tự bỏ quyền quản trị của mình.",
        ));
    }
    if after.roles != before.roles || (before.active && !after.active) {
        after.token_version += 1;
    }
    if after == before {
        return Ok(after);
    }
    let action = if before.active && !after.active { "user.disable" } else { "user.update" };
    let event =
        NewEvent::now(by.name(), action, "user", username).states(Some(&visible(&before)), Some(&visible(&after)));
    services.users.update_user(&after, &event)?;
    services.sessions.forget_all();
    Ok(after)
}

/// Sets a new password (policy applies), unlocks the account and revokes earlier tokens.
pub fn set_password(services: &Services, by: Operator<'_>, username: &str, password: &str) -> AppResult<()> {
    by.check()?;
    let mut user = existing(services, username)?;
    if let Some(problem) = policy_problem(username, password) {
        return Err(AppError::unprocessable(ErrorCode::WeakPassword, problem));
    }
    user.password_hash = hash_password(password)?;
    user.token_version += 1;
    user.failed_logins = 0;
    user.locked_until = None;
    let event = NewEvent::now(by.name(), "user.password", "user", username);
    services.users.update_user(&user, &event)?;
    services.sessions.forget_all();
    Ok(())
}

/// Every account, for the admin pages and the reviewer and approver pickers.
pub fn all(services: &Services) -> AppResult<Vec<UserRecord>> {
    Ok(services.users.users()?)
}

/// One account of this organisation by username, if it exists (an account of another
/// organisation does not, here).
pub fn get(services: &Services, username: &str) -> AppResult<Option<UserRecord>> {
    Ok(services.users.user(username)?.filter(|u| u.org == services.org.id))
}
