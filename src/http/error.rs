//! `AppError` as an HTTP response: the status of its kind and the JSON error shape of API.md.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::domain::ErrorCode;
use crate::error::{AppError, ErrorKind};

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self.kind {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(serde_json::json!({
            "error": {"code": self.code, "message": self.message}
        }))
    }
}

/// Body, path and query extraction failures become 400/413 in the same shape, never actix's
/// plain-text defaults.
pub fn json_error(err: actix_web::error::JsonPayloadError) -> AppError {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => {
            AppError::new(ErrorKind::PayloadTooLarge, ErrorCode::PayloadTooLarge, "Nội dung gửi lên quá lớn.")
        }
        E::ContentType => {
            AppError::bad_request(ErrorCode::UnsupportedContentType, "Nội dung phải là JSON (application/json).")
        }
        E::Deserialize(e) => AppError::bad_request(ErrorCode::MalformedJson, format!("JSON không hợp lệ: {e}")),
        other => AppError::bad_request(ErrorCode::MalformedJson, format!("JSON không hợp lệ: {other}")),
    }
}

pub fn query_error(err: actix_web::error::QueryPayloadError) -> AppError {
    AppError::bad_request(ErrorCode::InvalidQuery, format!("Tham số truy vấn không hợp lệ: {err}"))
}

pub fn path_error(err: actix_web::error::PathError) -> AppError {
    AppError::bad_request(ErrorCode::InvalidPath, format!("Đường dẫn không hợp lệ: {err}"))
}

pub fn form_error(err: actix_web::error::UrlencodedError) -> AppError {
    use actix_web::error::UrlencodedError as E;
    match err {
        E::Overflow { .. } => {
            AppError::new(ErrorKind::PayloadTooLarge, ErrorCode::PayloadTooLarge, "Nội dung gửi lên quá lớn.")
        }
        other => AppError::bad_request(ErrorCode::MalformedForm, format!("Biểu mẫu không hợp lệ: {other}")),
    }
}
