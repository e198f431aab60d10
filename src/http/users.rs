//! Accounts (admin): `GET/POST /api/v1/users`, `PUT /api/v1/users/{username}`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::blocking;
use super::dto::{List, UserDto};
use crate::app::AppState;
use crate::domain::{Action, Resource, Role, authorize};
use crate::error::AppResult;
use crate::service::users::{self, NewUser, Operator, UserChange};
use crate::web_common::CurrentUser;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    username: String,
    display_name: String,
    password: String,
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    fields: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    display_name: Option<String>,
    roles: Option<Vec<Role>>,
    fields: Option<Vec<String>>,
    active: Option<bool>,
    /// Sets a new password (an addition to API.md's fields).
    password: Option<String>,
}

pub async fn list(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    authorize(&user.0, Action::ManageUsers, Resource::None)?;
    let all = blocking(move || crate::service::users::all(&state.services)).await?;
    let items: Vec<UserDto> = all.into_iter().map(UserDto::from).collect();
    let total = items.len() as i64;
    Ok(HttpResponse::Ok().json(List { items, total }))
}

pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<CreateUser>,
) -> AppResult<HttpResponse> {
    let CreateUser { username, display_name, password, roles, fields } = body.into_inner();
    let new = NewUser { username, display_name, password, roles, fields };
    let created = blocking(move || users::create(&state.services, Operator::Admin(&user.0), new)).await?;
    Ok(HttpResponse::Created().json(UserDto::from(created)))
}

pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    username: web::Path<String>,
    body: web::Json<UpdateUser>,
) -> AppResult<HttpResponse> {
    let UpdateUser { display_name, roles, fields, active, password } = body.into_inner();
    let change = UserChange { display_name, roles, fields, active };
    let username = username.into_inner();
    let updated = blocking(move || {
        let s = &state.services;
        if let Some(password) = password {
            users::set_password(s, Operator::Admin(&user.0), &username, &password)?;
        }
        users::update(s, Operator::Admin(&user.0), &username, change)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserDto::from(updated)))
}
