//! Errors on pages: the JSON error of an `AppError` becomes a friendly page in the reader's language,
//! and "not signed in" becomes a redirect to the sign-in page. API responses keep their JSON.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpResponse, web};

use super::session::lang_of;
use super::views::{Chrome, ErrorPage};
use crate::app::AppState;
use crate::error::{AppError, ErrorKind};

/// The middleware that turns page errors into pages.
pub fn handlers<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(to_page)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/api" || path == "/healthz"
}

fn to_page<B: MessageBody + 'static>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let path = res.request().path().to_owned();
    let app_error = res.response().error().and_then(|e| e.as_error::<AppError>()).cloned();
    let Some(error) = app_error.filter(|_| !is_api(&path)) else {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    };
    let (req, _) = res.into_parts();
    let response = if error.kind == ErrorKind::Unauthorized {
        let next = crate::web_common::browser_path(&req);
        let location = format!("/login?next={}", urlencoding(&next));
        HttpResponse::SeeOther().insert_header(("Location", location)).finish()
    } else {
        render(&req, &error)
    };
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body::<B>().map_body(|_, body: EitherBody<B, BoxBody>| body),
    ))
}

fn render(req: &actix_web::HttpRequest, error: &AppError) -> HttpResponse {
    let status = actix_web::ResponseError::status_code(error);
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return HttpResponse::build(status).body(error.message.clone());
    };
    let lang = lang_of(req);
    let t = state.i18n.tr(lang);
    let message = t.error(error);
    let here = crate::web_common::browser_path(req);
    let c = Chrome::bare(t, "", &here, lang.other().code());
    match askama::Template::render(&ErrorPage { c, status: status.as_u16(), message }) {
        Ok(body) => HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body),
        Err(_) => HttpResponse::build(status).body(error.message.clone()),
    }
}

/// Percent-encodes a value for a query string (`/` kept, for local paths).
pub fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
