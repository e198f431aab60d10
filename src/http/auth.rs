//! `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::blocking;
use super::dto::{LoginRequest, LoginResponse, UserDto};
use crate::app::AppState;
use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult};
use crate::service::auth;
use crate::web_common::client_address;
use crate::web_common::{CurrentUser, token_of};

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let LoginRequest { username, password } = body.into_inner();
    let address = client_address(&req, &state.settings);
    let issued = blocking(move || auth::login(&state.services, &username, &password, address)).await?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token: issued.token,
        expires_at: issued.expires_at,
        user: issued.user.into(),
    }))
}

/// Revokes the token the request carries.
pub async fn logout(req: HttpRequest, state: web::Data<AppState>, _user: CurrentUser) -> AppResult<HttpResponse> {
    let token = token_of(&req).unwrap_or_default();
    blocking(move || auth::logout(&state.services, &token)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "signed_out"})))
}

pub async fn me(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let username = user.0.username;
    let record = blocking(move || crate::service::users::get(&state.services, &username)).await?;
    let record =
        record.ok_or_else(|| AppError::unauthorized(ErrorCode::InvalidToken, "Tài khoản không còn tồn tại."))?;
    Ok(HttpResponse::Ok().json(UserDto::from(record)))
}
