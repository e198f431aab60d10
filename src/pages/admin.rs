//! Administration pages: accounts (list, create, edit) and the event log.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::forms::{form_error_status, parse_form, see_other};
use super::session::Reader;
use super::views::{AdminEventsPage, AdminUserPage, AdminUsersPage, FormErrors, UserForm};
use crate::domain::ErrorCode;
use crate::domain::{Action, Resource, Role, authorize};
use crate::error::{AppError, AppResult};
use crate::service::ports::{EventFilter, UserRecord};
use crate::service::users::{self, NewUser, Operator, UserChange};
use crate::web_common::blocking;

#[derive(Deserialize)]
struct UserFormBody {
    csrf: String,
    username: Option<String>,
    display_name: String,
    password: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    fields: Vec<String>,
    active: Option<String>,
}

fn parse_roles(names: &[String]) -> AppResult<Vec<Role>> {
    names
        .iter()
        .map(|n| {
            Role::parse(n)
                .ok_or_else(|| AppError::unprocessable(ErrorCode::InvalidRole, format!("Vai trò {n} không hợp lệ.")))
        })
        .collect()
}

/// An empty or filled account form, with the fields known to the system.
async fn form(reader: &Reader, user: Option<&UserRecord>) -> AppResult<UserForm> {
    let state = reader.org.clone();
    let all_fields = blocking(move || crate::service::catalog::fields(&state)).await?;
    let lang = reader.lang.code();
    let roles = user.map(|u| u.roles.clone()).unwrap_or_else(|| vec![Role::Staff]);
    let fields = user.map(|u| u.fields.clone()).unwrap_or_default();
    Ok(UserForm {
        action: user.map_or("/admin/users".into(), |u| format!("/admin/users/{}", u.username)),
        creating: user.is_none(),
        username: user.map(|u| u.username.clone()).unwrap_or_default(),
        display_name: user.map(|u| u.display_name.clone()).unwrap_or_default(),
        roles: Role::ALL.into_iter().map(|r| (r, roles.contains(&r))).collect(),
        fields: all_fields
            .into_iter()
            .map(|f| {
                let checked = fields.contains(&f.field.code);
                (f.field.code.clone(), f.field.name(lang).to_owned(), checked)
            })
            .collect(),
        active: user.is_none_or(|u| u.active),
        errors: FormErrors::default(),
    })
}

/// Puts a refused change's message next to the form field it concerns.
fn errors_for(reader: &Reader, e: &AppError) -> FormErrors {
    let message = reader.tr().error(e);
    let mut errors = FormErrors::default();
    let slot = match e.code {
        ErrorCode::InvalidUsername | ErrorCode::UsernameTaken => &mut errors.username,
        ErrorCode::InvalidDisplayName => &mut errors.display_name,
        ErrorCode::WeakPassword => &mut errors.password,
        ErrorCode::UnknownField => &mut errors.fields,
        _ => &mut errors.general,
    };
    *slot = Some(message);
    errors
}

fn refill(form: &mut UserForm, body: &UserFormBody) {
    if let Some(username) = &body.username {
        form.username = username.clone();
    }
    form.display_name = body.display_name.clone();
    for (role, checked) in &mut form.roles {
        *checked = body.roles.iter().any(|r| r == role.as_str());
    }
    for (code, _, checked) in &mut form.fields {
        *checked = body.fields.contains(code);
    }
    form.active = body.active.is_some();
}

#[derive(Deserialize)]
pub struct UsersQuery {
    created: Option<String>,
}

pub async fn users(reader: Reader, query: web::Query<UsersQuery>) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::ManageUsers, Resource::None)?;
    let state = reader.org.clone();
    let all = blocking(move || crate::service::users::all(&state)).await?;
    let form = form(&reader, None).await?;
    let notice = query.created.as_ref().map(|_| reader.tr().get("units.created"));
    super::html(&AdminUsersPage { c: reader.chrome(), users: all, form, notice })
}

pub async fn create_user(reader: Reader, body: web::Bytes) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::ManageUsers, Resource::None)?;
    let body: UserFormBody = parse_form(&body)?;
    reader.check_csrf(&body.csrf)?;
    let new = NewUser {
        username: body.username.clone().unwrap_or_default().trim().to_owned(),
        display_name: body.display_name.clone(),
        password: body.password.clone().unwrap_or_default(),
        roles: parse_roles(&body.roles)?,
        fields: body.fields.clone(),
    };
    let state = reader.org.clone();
    let actor = reader.actor.clone();
    match blocking(move || users::create(&state, Operator::Admin(&actor), new)).await {
        Ok(created) => Ok(see_other(&format!("/admin/users/{}?saved=1", created.username))),
        Err(e) => {
            let Some(status) = form_error_status(&e) else {
                return Err(e);
            };
            let mut form = form(&reader, None).await?;
            refill(&mut form, &body);
            form.errors = errors_for(&reader, &e);
            let state = reader.org.clone();
            let all = blocking(move || crate::service::users::all(&state)).await?;
            super::html_with(status, &AdminUsersPage { c: reader.chrome(), users: all, form, notice: None })
        }
    }
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

async fn load_user(reader: &Reader, username: String) -> AppResult<UserRecord> {
    let state = reader.org.clone();
    blocking(move || {
        users::get(&state, &username)?
            .ok_or_else(|| AppError::not_found(ErrorCode::UserNotFound, "Không có tài khoản này."))
    })
    .await
}

pub async fn user(
    reader: Reader,
    username: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::ManageUsers, Resource::None)?;
    let record = load_user(&reader, username.into_inner()).await?;
    let form = form(&reader, Some(&record)).await?;
    let notice = query.saved.as_ref().map(|_| reader.tr().get("admin.saved"));
    super::html(&AdminUserPage { c: reader.chrome(), form, notice })
}

pub async fn update_user(reader: Reader, username: web::Path<String>, body: web::Bytes) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::ManageUsers, Resource::None)?;
    let body: UserFormBody = parse_form(&body)?;
    reader.check_csrf(&body.csrf)?;
    let username = username.into_inner();
    let record = load_user(&reader, username.clone()).await?;
    let change = UserChange {
        display_name: Some(body.display_name.clone()),
        roles: Some(parse_roles(&body.roles)?),
        fields: Some(body.fields.clone()),
        active: Some(body.active.is_some()),
    };
    let password = body.password.clone().filter(|p| !p.is_empty());
    let (state, actor, name) = (reader.org.clone(), reader.actor.clone(), username.clone());
    let outcome = blocking(move || {
        let s = &state;
        if let Some(password) = password {
            users::set_password(s, Operator::Admin(&actor), &name, &password)?;
        }
        users::update(s, Operator::Admin(&actor), &name, change)
    })
    .await;
    match outcome {
        Ok(_) => Ok(see_other(&format!("/admin/users/{username}?saved=1"))),
        Err(e) => {
            let Some(status) = form_error_status(&e) else {
                return Err(e);
            };
            let mut form = form(&reader, Some(&record)).await?;
            refill(&mut form, &body);
            form.errors = errors_for(&reader, &e);
            super::html_with(status, &AdminUserPage { c: reader.chrome(), form, notice: None })
        }
    }
}

#[derive(Deserialize)]
pub struct EventsQuery {
    entity: Option<String>,
    actor: Option<String>,
}

pub async fn events(reader: Reader, query: web::Query<EventsQuery>) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::ReadEvents, Resource::None)?;
    let EventsQuery { entity, actor } = query.into_inner();
    let (entity, actor) = (entity.unwrap_or_default(), actor.unwrap_or_default());
    let filter: EventFilter = crate::service::audit_log::filter_by(Some(entity.clone()), Some(actor.clone()), 200, 0);
    let state = reader.org.clone();
    let (events, total) = blocking(move || crate::service::audit_log::events(&state, &filter)).await?;
    super::html(&AdminEventsPage { c: reader.chrome(), events, total, entity, actor })
}
