//! Helpers shared by the pages that take forms.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult, ErrorKind};

/// Parses a urlencoded form body, repeated keys (checkboxes) included.
pub fn parse_form<T: DeserializeOwned>(body: &[u8]) -> AppResult<T> {
    serde_html_form::from_bytes(body)
        .map_err(|e| AppError::bad_request(ErrorCode::MalformedForm, format!("Biểu mẫu không hợp lệ: {e}")))
}

/// The status to show a form again with, for errors the user can fix in the form.
pub fn form_error_status(e: &AppError) -> Option<StatusCode> {
    matches!(e.kind, ErrorKind::Unprocessable | ErrorKind::Conflict).then(|| actix_web::ResponseError::status_code(e))
}

/// A redirect to a path of this site built from values the service produced.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", super::session::header_safe(location))).finish()
}
