//! Accounts (admin): `GET/POST /api/v1/users`, `PUT /api/v1/users/{username}`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::blocking;
use super::dto::{List, UserDto};
use crate::app::AppState;
use crate::domain::{Action, Resource, Role, authorize};
use crate::error::AppResult;
use crate::service::deployment::Scope;
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
    /// The organisation (slug) the account belongs to: the caller's own (or the one the path
    /// names) by default, or a descendant the caller administers.
    org: Option<String>,
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

pub async fn list(user: CurrentUser) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ManageUsers, Resource::None)?;
    let slug = user.org.org.slug.clone();
    let all = blocking(move || crate::service::users::all(&user.org)).await?;
    let items: Vec<UserDto> = all.into_iter().map(|u| UserDto::of(u, &slug)).collect();
    let total = items.len() as i64;
    Ok(HttpResponse::Ok().json(List { items, total }))
}

pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<CreateUser>,
) -> AppResult<HttpResponse> {
    let CreateUser { username, display_name, password, roles, fields, org } = body.into_inner();
    let new = NewUser { username, display_name, password, roles, fields };
    let target = match org {
        None => Scope { actor: user.actor, services: user.org },
        Some(slug) => state.deployment.scope(user.actor, Some(&slug))?,
    };
    let slug = target.services.org.slug.clone();
    let created = blocking(move || users::create(&target.services, Operator::Admin(&target.actor), new)).await?;
    Ok(HttpResponse::Created().json(UserDto::of(created, &slug)))
}

pub async fn update(
    user: CurrentUser,
    username: web::Path<String>,
    body: web::Json<UpdateUser>,
) -> AppResult<HttpResponse> {
    let UpdateUser { display_name, roles, fields, active, password } = body.into_inner();
    let change = UserChange { display_name, roles, fields, active };
    let slug = user.org.org.slug.clone();
    let username = username.into_inner();
    let updated = blocking(move || {
        let s = &user.org;
        if let Some(password) = password {
            users::set_password(s, Operator::Admin(&user.actor), &username, &password)?;
        }
        users::update(s, Operator::Admin(&user.actor), &username, change)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserDto::of(updated, &slug)))
}
