//! `POST /api/v1/auth/login`, `GET /api/v1/me`.

use actix_web::{HttpResponse, web};

use super::blocking;
use super::dto::{LoginRequest, LoginResponse, UserDto};
use super::extract::CurrentUser;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::service::auth;

pub async fn login(
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let LoginRequest { username, password } = body.into_inner();
    let issued = blocking(move || auth::login(&state.services, &username, &password)).await?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token: issued.token,
        expires_at: issued.expires_at,
        user: issued.user.into(),
    }))
}

pub async fn me(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let username = user.0.username;
    let record = blocking(move || Ok(state.services.users.user(&username)?)).await?;
    let record = record
        .ok_or_else(|| AppError::unauthorized("invalid_token", "Tài khoản không còn tồn tại."))?;
    Ok(HttpResponse::Ok().json(UserDto::from(record)))
}
