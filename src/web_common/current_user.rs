//! The current user, from a bearer token or the session cookie; 401 without a valid one.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use super::blocking;
use super::org_path::OrgInPath;
use crate::app::AppState;
use crate::domain::Actor;
use crate::domain::ErrorCode;
use crate::domain::organisation::FIRST_ORG;
use crate::error::AppError;
use crate::service::Services;
use crate::service::auth;
use crate::service::deployment::Scope;
use std::sync::Arc;

/// The cookie the web UI keeps its token in (HttpOnly, SameSite=Strict).
pub const TOKEN_COOKIE: &str = "qms_token";

/// A signed-in user and the organisation the request acts on: their own, or the one its path
/// names (`OrgInPath`) if they may see it; any other answers 404 before a handler runs.
pub struct CurrentUser {
    /// Who acts, standing as they do towards the organisation.
    pub actor: Actor,
    /// The organisation's services: every use case of the request runs on these.
    pub org: Arc<Services>,
}

/// Where a request's token came from: a browser's cookie needs CSRF protection, a header does not.
fn from_cookie(req: &HttpRequest) -> bool {
    req.headers().get(actix_web::http::header::AUTHORIZATION).is_none() && req.cookie(TOKEN_COOKIE).is_some()
}

pub fn token_of(req: &HttpRequest) -> Option<String> {
    let header = req.headers().get(actix_web::http::header::AUTHORIZATION);
    if let Some(value) = header.and_then(|h| h.to_str().ok()) {
        return value.strip_prefix("Bearer ").map(|t| t.trim().to_owned());
    }
    req.cookie(TOKEN_COOKIE).map(|c| c.value().to_owned())
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = token_of(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let named = req.extensions().get::<OrgInPath>().map(|o| o.0.clone());
        // A script on a page calling the API with the session cookie must prove it came from one
        // of our pages, like a form does.
        let unsafe_method = !matches!(*req.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD);
        let csrf_missing = unsafe_method && req.path().starts_with("/api/") && from_cookie(req) && {
            let sent = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
            let expected = super::csrf_for_session(token.as_deref().unwrap_or_default());
            !super::constant_time_eq(sent.as_bytes(), expected.as_bytes())
        };
        Box::pin(async move {
            let token = token
                .filter(|t| !t.is_empty())
                .ok_or_else(|| AppError::unauthorized(ErrorCode::MissingToken, "Bạn cần đăng nhập để tiếp tục."))?;
            let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
            let entry = state.deployment.services(FIRST_ORG)?;
            let actor = match auth::cached_session(&entry, &token) {
                Some(actor) => actor,
                None => blocking(move || auth::authenticate(&entry, &token)).await?,
            };
            if csrf_missing {
                return Err(AppError::forbidden(
                    ErrorCode::CsrfFailed,
                    "Thiếu mã chống giả mạo (CSRF) cho yêu cầu này.",
                ));
            }
            let Scope { actor, services } = state.deployment.scope(actor, named.as_deref())?;
            Ok(CurrentUser { actor, org: services })
        })
    }
}
