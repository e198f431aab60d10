//! Server-rendered pages (askama templates and embedded assets under `web/`), Vietnamese by default
//! with an English switch. Every page requires signing in except the sign-in page itself.

mod admin;
mod assets;
mod audits;
mod auth;
mod catalog;
mod changes;
mod charts;
mod document_control;
pub mod errors;
mod forms;
pub mod i18n;
mod master_list;
mod organisations;
mod procedure;
mod quality;
mod quality_views;
mod search;
pub mod session;
mod views;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult};
use session::Reader;
use views::Chrome;

/// Registers the page routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(catalog::home))
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/lang/{lang}", web::get().to(auth::switch_language))
        .route("/search", web::get().to(search::page))
        .route("/fields/{code}", web::get().to(catalog::field))
        .route("/procedures/{code}", web::get().to(procedure::current))
        .route("/procedures/{code}/revisions/{revision}", web::get().to(procedure::revision))
        .route("/procedures/{code}/print", web::get().to(procedure::print))
        .route("/master-list", web::get().to(master_list::page))
        .route("/master-list.csv", web::get().to(master_list::csv))
        .route("/admin/users", web::get().to(admin::users))
        .route("/admin/users", web::post().to(admin::create_user))
        .route("/admin/users/{username}", web::get().to(admin::user))
        .route("/admin/users/{username}", web::post().to(admin::update_user))
        .route("/admin/events", web::get().to(admin::events))
        .route("/admin/organisations", web::get().to(organisations::page))
        .route("/admin/organisations", web::post().to(organisations::create))
        .route("/change-requests", web::get().to(changes::list))
        .route("/change-requests", web::post().to(changes::create))
        .route("/change-requests/new", web::get().to(changes::new_form))
        .route("/change-requests/{id}", web::get().to(changes::detail))
        .route("/change-requests/{id}/edit", web::get().to(changes::edit_form))
        .route("/change-requests/{id}/edit", web::post().to(changes::save_edit))
        .route("/change-requests/{id}/{action}", web::post().to(changes::act))
        .route("/procedures/{code}/acknowledge", web::post().to(document_control::acknowledge))
        .route("/procedures/{code}/acknowledgements", web::get().to(document_control::who_read))
        .route("/procedures/{code}/periodic-review", web::post().to(document_control::periodic))
        .route("/procedures/{code}/diff", web::get().to(document_control::diff))
        .route("/review-due", web::get().to(document_control::review_due))
        .route("/legal-bases", web::get().to(document_control::legal_bases))
        .route("/legal-bases", web::post().to(document_control::add_legal))
        .route("/legal-bases/{key}/supersede", web::post().to(document_control::supersede))
        .route("/audits", web::get().to(audits::list))
        .route("/audits", web::post().to(audits::plan))
        .route("/audits/new", web::get().to(audits::new_form))
        .route("/audits/{id}", web::get().to(audits::detail))
        .route("/audits/{id}/report", web::get().to(audits::report))
        .route("/audits/{id}/{action}", web::post().to(audits::act))
        .route("/nonconformities", web::get().to(quality::register))
        .route("/nonconformities", web::post().to(quality::open))
        .route("/nonconformities/new", web::get().to(quality::new_form))
        .route("/nonconformities/{id}", web::get().to(quality::detail))
        .route("/nonconformities/{id}/print", web::get().to(quality::print))
        .route("/nonconformities/{id}/{action}", web::post().to(quality::nc_act))
        .route("/corrective-actions", web::get().to(quality::action_list))
        .route("/corrective-actions", web::post().to(quality::create_action))
        .route("/corrective-actions/{id}/{action}", web::post().to(quality::ca_act))
        .route("/static/{path:.*}", web::get().to(assets::serve))
        // Browsers ask for this on their own, whatever the page says.
        .service(web::redirect("/favicon.ico", "/static/favicon.svg").permanent());
}

/// Unknown addresses: 404 (rendered as a page or JSON by the error handlers).
pub async fn not_found(_req: HttpRequest) -> AppResult<HttpResponse> {
    Err(AppError::not_found(ErrorCode::NotFound, "Không tìm thấy trang này."))
}

impl Reader {
    /// The layout data for this reader.
    pub fn chrome(&self) -> Chrome<'_> {
        let shown = &self.org.org;
        Chrome {
            t: self.tr(),
            user: Some(self.actor.display_name.as_str()),
            csrf: &self.csrf,
            here: &self.path,
            other_lang: self.lang.other().code(),
            nav: self.nav(),
            base: &self.base,
            api: if self.base.is_empty() { "/api/v1".into() } else { format!("/api/v1/orgs/{}", shown.slug) },
            org: Some(shown.name.as_str()),
            overseeing: !crate::service::deployment::is_member(&self.actor),
            orgs: self.switcher(),
        }
    }

    /// The organisations this reader may switch between, when they see more than one: their own
    /// at its usual addresses, the others under their prefix.
    fn switcher(&self) -> Vec<(String, String, bool)> {
        let visible = self.state.deployment.visible_to(&self.actor);
        if visible.len() < 2 {
            return vec![];
        }
        visible
            .into_iter()
            .map(|o| {
                let href = if o.id == self.actor.org { "/".to_owned() } else { format!("/o/{}/", o.slug) };
                (href, o.name, o.id == self.org.org.id)
            })
            .collect()
    }

    /// Whether the organisation shown has, or is meant to have, units below it: the pages about
    /// units appear there only, so that a commune's admin never meets them.
    fn has_units(&self) -> bool {
        use crate::domain::organisation::OrgKind;
        let shown = &self.org.org;
        matches!(shown.kind, OrgKind::Province | OrgKind::Other) || self.state.deployment.has_units(shown.id)
    }

    /// The links this reader's roles allow, decided by the one permission function: in an
    /// organisation they oversee, what an overseer may do there (read, and for its admin, accounts).
    fn nav(&self) -> Vec<(&'static str, &'static str)> {
        use crate::domain::{Action, Resource, Role, authorize};
        let allowed = |action| authorize(&self.actor, action, Resource::None).is_ok();
        let member = crate::service::deployment::is_member(&self.actor);
        let mut nav = Vec::new();
        let involved_in_changes = allowed(Action::ManageDocuments)
            || (member && (self.actor.has(Role::Reviewer) || self.actor.has(Role::Approver)));
        if involved_in_changes {
            nav.push(("/change-requests", "nav_extra.changes"));
        }
        if allowed(Action::ManageDocuments) {
            nav.push(("/review-due", "nav_extra.review_due"));
        }
        nav.push(("/audits", "nav_extra.audits"));
        nav.push(("/nonconformities", "nav_extra.nonconformities"));
        nav.push(("/legal-bases", "nav_extra.legal"));
        if allowed(Action::ManageOrganisations) && self.has_units() {
            nav.push(("/admin/organisations", "nav_extra.organisations"));
        }
        if allowed(Action::ManageUsers) {
            nav.push(("/admin/users", "nav_extra.admin"));
        }
        if allowed(Action::ReadEvents) {
            nav.push(("/admin/events", "nav_extra.events"));
        }
        nav
    }
}

/// Renders a template into a 200 HTML response.
pub fn html(page: &impl Template) -> AppResult<HttpResponse> {
    html_with(actix_web::http::StatusCode::OK, page)
}

/// Renders a template with another status (a form shown again with its errors).
pub fn html_with(status: actix_web::http::StatusCode, page: &impl Template) -> AppResult<HttpResponse> {
    let body = page.render().map_err(AppError::internal)?;
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body))
}

/// Renders a page that embeds `embedded` bytes of prepared HTML (a procedure's body) into a
/// buffer sized for it up front, instead of growing one from the template's own estimate.
pub fn html_embedding(page: &impl Template, embedded: usize) -> AppResult<HttpResponse> {
    let mut body = String::with_capacity(embedded + 16 * 1024);
    page.render_into(&mut body).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body))
}
