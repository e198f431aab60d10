//! The one permission function every handler and page calls: `authorize(actor, action, resource)`.

use super::role::Role;

/// Who is acting: their username and roles, as established by a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub fields: Vec<String>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Something a user asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read procedures, fields, revisions and the master list.
    ReadProcedures,
    /// Create, change and disable accounts.
    ManageUsers,
    /// Read the event log.
    ReadEvents,
}

/// What the action is done to, when the decision depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    None,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub reason: &'static str,
}

/// Decides whether `actor` may do `action` to `resource`.
pub fn authorize(actor: &Actor, action: Action, _resource: Resource) -> Result<(), Denied> {
    let allowed = match action {
        // Every signed-in user reads the current procedures (ISO 9001 7.5.3: available where needed).
        Action::ReadProcedures => true,
        Action::ManageUsers => actor.has(Role::Admin),
        Action::ReadEvents => actor.has(Role::Admin) || actor.has(Role::Auditor),
    };
    if allowed {
        Ok(())
    } else {
        Err(Denied {
            reason: "role_not_allowed",
        })
    }
}
