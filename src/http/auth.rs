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
    let deployment = state.deployment.clone();
    let issued = blocking(move || auth::login(&deployment, &username, &password, address)).await?;
    let org = state.deployment.get(issued.user.org).map(|o| o.slug).unwrap_or_default();
    Ok(HttpResponse::Ok().json(LoginResponse {
        token: issued.token,
        expires_at: issued.expires_at,
        user: UserDto::of(issued.user, &org),
    }))
}

/// Revokes the token the request carries.
pub async fn logout(req: HttpRequest, state: web::Data<AppState>, _user: CurrentUser) -> AppResult<HttpResponse> {
    let token = token_of(&req).unwrap_or_default();
    blocking(move || auth::logout(&state.deployment, &token)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "signed_out"})))
}

/// The caller's own account (in their own organisation, whichever the path names).
pub async fn me(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let home = state.deployment.services(user.actor.org)?;
    let slug = home.org.slug.clone();
    let username = user.actor.username;
    let record = blocking(move || crate::service::users::get(&home, &username)).await?;
    let record =
        record.ok_or_else(|| AppError::unauthorized(ErrorCode::InvalidToken, "Tài khoản không còn tồn tại."))?;
    Ok(HttpResponse::Ok().json(UserDto::of(record, &slug)))
}
