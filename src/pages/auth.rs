//! The sign-in page, signing out, and the language switch.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::i18n::Lang;
use super::session::{self, LANG_COOKIE, LOGIN_CSRF_COOKIE, Reader, local_path};
use super::views::{Chrome, LoginPage};
use crate::app::AppState;
use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult};
use crate::service::auth;
use crate::web_common::TOKEN_COOKIE;
use crate::web_common::blocking;
use crate::web_common::constant_time_eq;
use crate::web_common::{client_address, is_https};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_csrf(req: &HttpRequest) -> (String, bool) {
    match req.cookie(LOGIN_CSRF_COOKIE) {
        Some(c) if c.value().len() >= 20 => (c.value().to_owned(), false),
        _ => (auth::generate_password(), true),
    }
}

fn render_login(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    error: Option<&str>,
    next: String,
    username: String,
) -> AppResult<HttpResponse> {
    let lang = session::lang_of(req);
    let (csrf, fresh) = login_csrf(req);
    let here = req.uri().path_and_query().map_or("/login".into(), |p| p.to_string());
    let c = Chrome::bare(state.i18n.tr(lang), &csrf, &here, lang.other().code());
    let body = askama::Template::render(&LoginPage { c, error, next, username }).map_err(AppError::internal)?;
    let mut response = HttpResponse::build(status);
    if fresh {
        let cookie = actix_web::cookie::Cookie::build(LOGIN_CSRF_COOKIE, csrf.clone())
            .path("/")
            .http_only(true)
            .same_site(actix_web::cookie::SameSite::Strict)
            .secure(is_https(req, &state.settings))
            .finish();
        response.cookie(cookie);
    }
    Ok(response.content_type("text/html; charset=utf-8").body(body))
}

pub async fn login_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    render_login(&req, &state, StatusCode::OK, None, local_path(query.next.as_deref()), String::new())
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    next: Option<String>,
    username: String,
    password: String,
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let next = local_path(form.next.as_deref());
    let t = state.i18n.tr(session::lang_of(&req));
    let cookie = req.cookie(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if cookie.is_empty() || !constant_time_eq(cookie.as_bytes(), form.csrf.as_bytes()) {
        let message = t.get("error.csrf_failed");
        return render_login(&req, &state, StatusCode::FORBIDDEN, Some(message), next, form.username);
    }
    let deployment = state.deployment.clone();
    let (username, password) = (form.username.clone(), form.password);
    let address = client_address(&req, &state.settings);
    match blocking(move || auth::login(&deployment, &username, &password, address)).await {
        Ok(issued) => Ok(HttpResponse::SeeOther()
            .cookie(session::session_cookie(
                &issued.token,
                state.settings.token_minutes,
                is_https(&req, &state.settings),
            ))
            .insert_header(("Location", next))
            .finish()),
        Err(e)
            if matches!(e.kind, crate::error::ErrorKind::Unauthorized | crate::error::ErrorKind::TooManyRequests) =>
        {
            let message = t.error(&e);
            render_login(&req, &state, StatusCode::UNAUTHORIZED, Some(&message), next, form.username)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

pub async fn logout(req: HttpRequest, reader: Reader, form: web::Form<LogoutForm>) -> AppResult<HttpResponse> {
    reader.check_csrf(&form.csrf)?;
    if let Some(token) = req.cookie(TOKEN_COOKIE).map(|c| c.value().to_owned()) {
        let deployment = reader.state.deployment.clone();
        blocking(move || auth::logout(&deployment, &token)).await?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(session::expired_cookie(TOKEN_COOKIE, is_https(&req, &reader.state.settings)))
        .insert_header(("Location", "/login"))
        .finish())
}

pub async fn switch_language(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: web::Path<String>,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    let lang =
        Lang::parse(&lang).ok_or_else(|| AppError::not_found(ErrorCode::NotFound, "Ngôn ngữ không được hỗ trợ."))?;
    let cookie = actix_web::cookie::Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .secure(is_https(&req, &state.settings))
        .finish();
    Ok(HttpResponse::SeeOther().cookie(cookie).insert_header(("Location", local_path(query.next.as_deref()))).finish())
}
