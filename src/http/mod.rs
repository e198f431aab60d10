//! The JSON API (`/api/v1`, see API.md) and `/healthz`. One small handler per action: extract,
//! authorise, call the service in a blocking thread, map to a DTO.

pub(crate) use crate::web_common::{blocking, positive_id};

mod audits;
mod auth;
mod catalog;
mod changes;
mod changes_dto;
mod document_control;
pub mod dto;
pub mod error;
mod events;
mod legal;
mod nonconformities;
mod openapi;
mod orgs;
mod quality_dto;
mod search;
mod users;

use actix_web::{HttpResponse, web};

use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult};

/// Registers the API routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz)).service(
        web::scope("/api/v1")
            .route("/openapi.json", web::get().to(openapi::serve))
            .route("/auth/login", web::post().to(auth::login))
            .route("/auth/logout", web::post().to(auth::logout))
            .route("/me", web::get().to(auth::me))
            .route("/orgs", web::get().to(orgs::list))
            .route("/orgs", web::post().to(orgs::create))
            .route("/orgs/{org}", web::get().to(orgs::get))
            .route("/units", web::get().to(orgs::units))
            .route("/users", web::get().to(users::list))
            .route("/users", web::post().to(users::create))
            .route("/users/{username}", web::put().to(users::update))
            .route("/events", web::get().to(events::list))
            .route("/fields", web::get().to(catalog::fields))
            .route("/procedures", web::get().to(catalog::procedures))
            .route("/procedures/{code}", web::get().to(catalog::procedure))
            .route("/procedures/{code}/revisions", web::get().to(catalog::revisions))
            .route("/procedures/{code}/revisions/{revision}", web::get().to(catalog::revision))
            .route("/procedures/{code}/diff", web::get().to(document_control::diff))
            .route("/procedures/{code}/acknowledge", web::post().to(document_control::acknowledge))
            .route("/procedures/{code}/acknowledgements", web::get().to(document_control::acknowledgements))
            .route("/procedures/{code}/periodic-review", web::post().to(document_control::periodic_review))
            .route("/review-due", web::get().to(document_control::review_due))
            .route("/dashboard", web::get().to(document_control::dashboard))
            .route("/search", web::get().to(search::search))
            .route("/preview", web::post().to(document_control::preview))
            .route("/flagged-for-review", web::get().to(document_control::flagged))
            .route("/legal-bases", web::get().to(legal::list))
            .route("/legal-bases", web::post().to(legal::create))
            .route("/legal-bases/{key}/supersede", web::post().to(legal::supersede))
            .route("/change-requests", web::get().to(changes::list))
            .route("/change-requests", web::post().to(changes::create))
            .route("/change-requests/{id}", web::get().to(changes::get))
            .route("/change-requests/{id}/content", web::put().to(changes::content))
            .route("/change-requests/{id}/submit", web::post().to(changes::submit))
            .route("/change-requests/{id}/reviews", web::post().to(changes::review))
            .route("/change-requests/{id}/approve", web::post().to(changes::approve))
            .route("/change-requests/{id}/reject", web::post().to(changes::reject))
            .route("/change-requests/{id}/withdraw", web::post().to(changes::withdraw))
            .route("/change-requests/{id}/publish", web::post().to(changes::publish))
            .route("/audit-programme", web::get().to(audits::programme))
            .route("/audits", web::get().to(audits::list))
            .route("/audits", web::post().to(audits::plan))
            .route("/audits/{id}", web::get().to(audits::get))
            .route("/audits/{id}/start", web::post().to(audits::start))
            .route("/audits/{id}/close", web::post().to(audits::close))
            .route("/audits/{id}/findings", web::post().to(audits::add_finding))
            .route("/audits/{id}/report", web::get().to(audits::report))
            .route("/audits/{id}/report", web::put().to(audits::write_report))
            .route("/audits/{id}/checklist", web::get().to(audits::checklist))
            .route("/audits/{id}/checklist/{item}", web::put().to(audits::check))
            .route("/nonconformities", web::get().to(nonconformities::list))
            .route("/nonconformities", web::post().to(nonconformities::open))
            .route("/nonconformities/{id}", web::get().to(nonconformities::get))
            .route("/nonconformities/{id}/root-cause", web::put().to(nonconformities::root_cause))
            .route("/nonconformities/{id}/close", web::post().to(nonconformities::close))
            .route("/corrective-actions", web::get().to(nonconformities::list_ca))
            .route("/corrective-actions", web::post().to(nonconformities::create_ca))
            .route("/corrective-actions/{id}", web::get().to(nonconformities::get_ca))
            .route("/corrective-actions/{id}/start", web::post().to(nonconformities::start_ca))
            .route("/corrective-actions/{id}/complete", web::post().to(nonconformities::complete_ca))
            .route("/corrective-actions/{id}/verify", web::post().to(nonconformities::verify_ca))
            .route("/corrective-actions/{id}/link-change", web::post().to(nonconformities::link_change))
            .default_service(web::to(not_found)),
    );
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

pub async fn not_found() -> AppResult<HttpResponse> {
    Err(AppError::not_found(ErrorCode::NotFound, "Không tìm thấy địa chỉ này."))
}
