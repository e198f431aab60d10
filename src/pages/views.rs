//! Template data: one struct per page, all sharing `Chrome` (language, user, CSRF, location).

use askama::Template;

use super::i18n::Tr;
use crate::domain::Role;
use crate::domain::event::Event;
use crate::service::catalog::ProcedureView;
use crate::service::ports::{FieldCount, ProcedureRecord, RevisionRecord, UserRecord};

/// What the layout needs on every page.
pub struct Chrome<'a> {
    pub t: Tr<'a>,
    /// The signed-in user's display name.
    pub user: Option<&'a str>,
    pub csrf: &'a str,
    /// This page's path, for the language switch to come back to.
    pub here: &'a str,
    pub other_lang: &'static str,
    /// Links the user's roles allow beyond reading: (address, label key).
    pub nav: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage<'a> {
    pub c: Chrome<'a>,
    pub system: Vec<ProcedureRecord>,
    pub fields: Vec<FieldCount>,
}

#[derive(Template)]
#[template(path = "procedure_list.html")]
pub struct ProcedureListPage<'a> {
    pub c: Chrome<'a>,
    pub heading: String,
    pub query: Option<String>,
    pub total: i64,
    pub items: Vec<ProcedureRecord>,
    pub empty: &'a str,
}

#[derive(Template)]
#[template(path = "procedure.html")]
pub struct ProcedurePage<'a> {
    pub c: Chrome<'a>,
    pub v: ProcedureView,
    pub field_name: String,
    pub revisions: Vec<RevisionRecord>,
    /// Soạn thảo, Xem xét, Phê duyệt.
    pub signoffs: [Option<String>; 3],
    pub superseded: bool,
    pub obsolete: bool,
}

#[derive(Template)]
#[template(path = "print.html")]
pub struct PrintPage<'a> {
    pub c: Chrome<'a>,
    pub v: ProcedureView,
    pub revisions: Vec<RevisionRecord>,
    pub signoffs: [Option<String>; 3],
    pub superseded: bool,
    pub obsolete: bool,
    pub printed_on: String,
}

#[derive(Template)]
#[template(path = "master_list.html")]
pub struct MasterListPage<'a> {
    pub c: Chrome<'a>,
    /// The procedure, its field's name, and the label key of its status.
    pub rows: Vec<(ProcedureRecord, String, &'static str)>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage<'a> {
    pub c: Chrome<'a>,
    pub error: Option<&'a str>,
    pub next: String,
    pub username: String,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub c: Chrome<'a>,
    pub status: u16,
    pub message: String,
}

/// Messages shown next to the fields of a form.
#[derive(Default)]
pub struct FormErrors {
    pub general: Option<String>,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub password: Option<String>,
    pub fields: Option<String>,
}

/// The account form, for creating or editing.
pub struct UserForm {
    pub action: String,
    pub creating: bool,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<(Role, bool)>,
    /// (code, name, checked)
    pub fields: Vec<(String, String, bool)>,
    pub active: bool,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
pub struct AdminUsersPage<'a> {
    pub c: Chrome<'a>,
    pub users: Vec<UserRecord>,
    pub form: UserForm,
}

#[derive(Template)]
#[template(path = "admin_user.html")]
pub struct AdminUserPage<'a> {
    pub c: Chrome<'a>,
    pub form: UserForm,
    pub notice: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "admin_events.html")]
pub struct AdminEventsPage<'a> {
    pub c: Chrome<'a>,
    pub events: Vec<Event>,
    pub total: i64,
    pub entity: String,
    pub actor: String,
}
