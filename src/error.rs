//! The one application error type. Every layer returns it; `http` maps it to the JSON error shape
//! and status code, `pages` to a friendly page in the reader's language.

use crate::domain::ErrorCode;
use crate::service::ports::PortError;

/// What kind of failure, which decides the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    Unprocessable,
    TooManyRequests,
    Internal,
}

/// An error with a stable `code` (for programs and translations) and a message for people.
/// Internal details are logged, never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    pub kind: ErrorKind,
    pub code: ErrorCode,
    pub message: String,
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AppError {}

impl AppError {
    pub fn new(kind: ErrorKind, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { kind, code, message: message.into() }
    }
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, code, message)
    }
    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthorized, code, message)
    }
    pub fn forbidden(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, code, message)
    }
    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, code, message)
    }
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }
    pub fn unprocessable(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unprocessable, code, message)
    }
    /// Logs the detail and returns an error that reveals nothing of it.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        log::error!("internal error: {detail}");
        Self::new(ErrorKind::Internal, ErrorCode::InternalError, "Lỗi hệ thống, vui lòng thử lại sau.")
    }
    pub fn procedure_not_found(code: &str) -> Self {
        let shown: String = code.chars().take(40).collect();
        Self::not_found(ErrorCode::ProcedureNotFound, format!("Không tìm thấy quy trình {shown}."))
    }
}

impl From<crate::domain::permission::Denied> for AppError {
    fn from(d: crate::domain::permission::Denied) -> Self {
        AppError::forbidden(d.code, d.message)
    }
}

impl From<PortError> for AppError {
    fn from(e: PortError) -> Self {
        match e {
            PortError::Conflict(m) => AppError::conflict(ErrorCode::Conflict, m),
            PortError::NotFound(m) => AppError::not_found(ErrorCode::NotFound, m),
            PortError::Failure(m) => AppError::internal(m),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
