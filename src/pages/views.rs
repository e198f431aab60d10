//! Template data: one struct per page, all sharing `Chrome` (language, user, CSRF, location).

use askama::Template;

use super::i18n::Tr;
use crate::check::Problem;
use crate::domain::Role;
use crate::domain::change_request::ChangeStatus;
use crate::domain::event::Event;
use crate::markdown::DocumentDiff;
use crate::service::catalog::ProcedureView;
use crate::service::change_control::view::ChangeView;
use crate::service::ports::ChangeRequestRecord;
use crate::service::ports::{FieldCount, ProcedureRecord, RevisionRecord, UserRecord};

pub use super::quality_views::*;

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
    /// What every link of this site on the page starts with: "" in the reader's own
    /// organisation, `/o/{slug}` in one they oversee (assets, sign-in and out and the language
    /// switch belong to no organisation and never take it).
    pub base: &'a str,
    /// The API the page's scripts call: `/api/v1`, or `/api/v1/orgs/{slug}` under a prefix.
    pub api: String,
    /// The name of the organisation the page shows (none on the sign-in and error pages).
    pub org: Option<&'a str>,
    /// The reader is looking at an organisation below their own, which they read only.
    pub overseeing: bool,
    /// Where the reader may switch to when they see more than one organisation: (address, name,
    /// whether it is the one shown). Empty otherwise.
    pub orgs: Vec<(String, String, bool)>,
}

impl<'a> Chrome<'a> {
    /// The layout of a page shown before or outside any organisation (sign-in, errors).
    pub fn bare(t: Tr<'a>, csrf: &'a str, here: &'a str, other_lang: &'static str) -> Self {
        Chrome {
            t,
            user: None,
            csrf,
            here,
            other_lang,
            nav: vec![],
            base: "",
            api: "/api/v1".into(),
            org: None,
            overseeing: false,
            orgs: vec![],
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage<'a> {
    pub c: Chrome<'a>,
    pub d: crate::service::dashboard::Dashboard,
    pub secretary: bool,
    /// The reader's username, for links to their own work.
    pub me: String,
    pub system: Vec<ProcedureRecord>,
    pub fields: Vec<FieldCount>,
    /// Charts of the quality system, for those who manage it (not for staff who only read).
    pub overview: Option<super::charts::Overview>,
    /// The units below the organisation shown, for its admin and auditor, with where each stands.
    pub units: Vec<crate::service::organisations::Unit>,
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
    pub v: &'a ProcedureView,
    pub field_name: &'a str,
    pub revisions: &'a [RevisionRecord],
    /// Soạn thảo, Xem xét, Phê duyệt.
    pub signoffs: [Option<String>; 3],
    pub superseded: bool,
    pub obsolete: bool,
    /// The reader may run document control (propose changes, periodic review, who has read).
    pub secretary: bool,
    pub acknowledged: bool,
    /// The reader may record reading it (not a reader from a parent organisation).
    pub may_acknowledge: bool,
    /// Superseded legal bases this revision cites.
    pub flagged: Vec<String>,
}

#[derive(Template)]
#[template(path = "print.html")]
pub struct PrintPage<'a> {
    pub c: Chrome<'a>,
    pub v: &'a ProcedureView,
    pub revisions: &'a [RevisionRecord],
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
    /// Shown when the organisation was just created, its accounts still to make.
    pub notice: Option<&'a str>,
}

/// The form that creates a unit below the organisation shown, filled in.
pub struct OrgForm {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub corpus: String,
    pub slug_error: Option<String>,
    pub name_error: Option<String>,
    /// A refusal no one field caused.
    pub error: Option<String>,
}

impl OrgForm {
    /// A new form: a commune starting from the shipped procedures, the common case.
    pub fn empty() -> Self {
        OrgForm {
            slug: String::new(),
            name: String::new(),
            kind: "commune".into(),
            corpus: "shipped".into(),
            slug_error: None,
            name_error: None,
            error: None,
        }
    }

    /// Every kind, and whether it is the one chosen.
    pub fn kinds(&self) -> Vec<(&'static str, bool)> {
        crate::domain::organisation::OrgKind::ALL.iter().map(|k| (k.as_str(), k.as_str() == self.kind)).collect()
    }

    /// The corpora a unit can start from here, and whether it is the one chosen.
    pub fn corpora(&self) -> Vec<(&'static str, bool)> {
        super::organisations::CORPORA.into_iter().map(|c| (c, c == self.corpus)).collect()
    }
}

#[derive(Template)]
#[template(path = "admin_organisations.html")]
pub struct AdminOrganisationsPage<'a> {
    pub c: Chrome<'a>,
    /// Every unit below the organisation shown, with its parent's name.
    pub units: Vec<(crate::domain::organisation::Organisation, String)>,
    pub form: OrgForm,
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

#[derive(Template)]
#[template(path = "change_list.html")]
pub struct ChangeListPage<'a> {
    pub c: Chrome<'a>,
    pub items: Vec<ChangeRequestRecord>,
    pub status: String,
    pub statuses: Vec<ChangeStatus>,
    pub can_create: bool,
}

#[derive(Template)]
#[template(path = "change_new.html")]
pub struct ChangeNewPage<'a> {
    pub c: Chrome<'a>,
    pub procedures: Vec<ProcedureRecord>,
    /// (value, label key, chosen)
    pub kinds: Vec<(&'static str, &'static str, bool)>,
    pub code: String,
    pub reason: String,
    pub markdown: String,
    pub error: Option<String>,
}

/// What the reader may do with a change request now.
pub struct ChangeActions {
    pub edit: bool,
    pub submit: bool,
    pub review: bool,
    pub approve: bool,
    pub publish: bool,
    pub withdraw: bool,
}

#[derive(Template)]
#[template(path = "change.html")]
pub struct ChangePage<'a> {
    pub c: Chrome<'a>,
    pub v: ChangeView,
    pub diff: DocumentDiff,
    pub title: String,
    pub can: ChangeActions,
    pub reviews_complete: bool,
    /// (username, display name, chosen)
    pub reviewer_options: Vec<(String, String, bool)>,
    pub approver_options: Vec<(String, String, bool)>,
    /// The form a refused action came from, the field at fault if one is, and why.
    pub error: Option<(&'static str, Option<&'static str>, String)>,
    pub notice: Option<&'a str>,
    pub today: String,
}

impl ChangePage<'_> {
    /// The error to show at the top of form `form`, if that form caused it and no one field did.
    pub fn error_for(&self, form: &str) -> Option<&str> {
        self.error.as_ref().filter(|(f, field, _)| *f == form && field.is_none()).map(|(_, _, m)| m.as_str())
    }

    /// The error to show beside the field with this id, if that field caused it.
    pub fn error_beside(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|(_, f, _)| *f == Some(field)).map(|(_, _, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "change_edit.html")]
pub struct ChangeEditPage<'a> {
    pub c: Chrome<'a>,
    pub cr: ChangeRequestRecord,
    pub markdown: String,
    pub preview: String,
    pub problems: Vec<Problem>,
}

#[derive(Template)]
#[template(path = "procedure_diff.html")]
pub struct ProcedureDiffPage<'a> {
    pub c: Chrome<'a>,
    pub code: String,
    pub from: i32,
    pub to: i32,
    pub diff: DocumentDiff,
}

#[derive(Template)]
#[template(path = "acknowledgements.html")]
pub struct AcknowledgementsPage<'a> {
    pub c: Chrome<'a>,
    pub s: crate::service::acknowledgements::AcknowledgementStatus,
}

#[derive(Template)]
#[template(path = "review_due.html")]
pub struct ReviewDuePage<'a> {
    pub c: Chrome<'a>,
    pub due: Vec<ProcedureRecord>,
    /// (procedure code, superseded legal basis key)
    pub flagged: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "legal_bases.html")]
pub struct LegalBasesPage<'a> {
    pub c: Chrome<'a>,
    pub items: Vec<crate::domain::legal_basis::LegalBasis>,
    pub secretary: bool,
    pub types: &'static [&'static str],
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage<'a> {
    pub c: Chrome<'a>,
    pub query: String,
    pub hits: Vec<crate::service::ports::SearchHit>,
    /// (code, name, chosen)
    pub fields: Vec<(String, String, bool)>,
}
