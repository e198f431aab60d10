//! Running work off the actix workers, and ids taken from paths.

use actix_web::web;

use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult};

/// A positive integer id or revision number from a path segment; anything else is the given 404,
/// since no such resource can exist.
pub fn positive_id(raw: &str, code: ErrorCode, message: &'static str) -> AppResult<i32> {
    raw.parse().ok().filter(|n: &i32| *n > 0).ok_or_else(|| AppError::not_found(code, message))
}

/// Runs blocking work (database, git, argon2) off the actix worker threads.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> AppResult<T> + Send + 'static) -> AppResult<T> {
    web::block(f).await.map_err(AppError::internal)?
}
