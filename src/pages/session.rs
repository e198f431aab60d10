//! What every page needs from the request: the reader's language, who is signed in, and the CSRF
//! token for forms. Signed-in forms carry a token derived from the HttpOnly session cookie (which
//! another site can neither read nor compute); the sign-in form uses a double-submit cookie.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::i18n::{Lang, Tr};
use crate::app::AppState;
use crate::domain::Actor;
use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult};
use crate::service::Services;
use crate::web_common::{CurrentUser, TOKEN_COOKIE, constant_time_eq, csrf_for_session};

pub const LANG_COOKIE: &str = "qms_lang";
pub const LOGIN_CSRF_COOKIE: &str = "qms_login_csrf";

/// The reader's language: the `qms_lang` cookie, Vietnamese by default.
pub fn lang_of(req: &HttpRequest) -> Lang {
    req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())).unwrap_or(Lang::Vi)
}

/// A signed-in reader of a page: who, in which language, and the CSRF token for their forms.
pub struct Reader {
    pub actor: Actor,
    pub lang: Lang,
    pub csrf: String,
    pub state: web::Data<AppState>,
    /// The services of the organisation the page shows (see `CurrentUser`).
    pub org: std::sync::Arc<Services>,
    /// The page's path and query as the browser sees it (with its organisation prefix).
    pub path: String,
    /// What every link of the page starts with: "" in the reader's own organisation,
    /// `/o/{slug}` in one they oversee.
    pub base: String,
}

impl Reader {
    pub fn tr(&self) -> Tr<'_> {
        self.state.i18n.tr(self.lang)
    }

    /// Refuses a state-changing form whose CSRF field does not match the session.
    pub fn check_csrf(&self, submitted: &str) -> AppResult<()> {
        if constant_time_eq(submitted.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::forbidden(ErrorCode::CsrfFailed, "Biểu mẫu đã hết hạn, vui lòng tải lại trang."))
        }
    }
}

impl FromRequest for Reader {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = CurrentUser::from_request(req, payload);
        let lang = lang_of(req);
        // The same token the extractor authenticates, so the CSRF token derives from it.
        let token = crate::web_common::token_of(req).unwrap_or_default();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let path = crate::web_common::browser_path(req);
        Box::pin(async move {
            let CurrentUser { actor, org } = user.await?;
            let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
            let base = if org.org.id == actor.org { String::new() } else { format!("/o/{}", org.org.slug) };
            Ok(Reader { actor, lang, csrf: csrf_for_session(&token), state, org, path, base })
        })
    }
}

/// The session cookie carrying the token: HttpOnly, SameSite=Strict, for the whole site.
/// The session cookie: `Secure` when the browser reached the service over HTTPS (see
/// `web_common::is_https`), so it never travels in clear text afterwards.
pub fn session_cookie(token: &str, minutes: i64, secure: bool) -> Cookie<'static> {
    Cookie::build(TOKEN_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::minutes(minutes))
        .finish()
}

pub fn expired_cookie(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie =
        Cookie::build(name, "").path("/").http_only(true).secure(secure).same_site(SameSite::Strict).finish();
    cookie.make_removal();
    cookie
}

/// Keeps a redirect target inside the site: a local absolute path, never `//host`, `/\\host` or a
/// scheme. Browsers drop tabs and newlines from a URL before following it (`/\t/evil.example` becomes
/// `//evil.example`), so any control character or white space sends the user home instead; bytes
/// outside ASCII are percent-encoded so the `Location` header is always valid.
pub fn local_path(next: Option<&str>) -> String {
    let Some(path) = next else { return "/".into() };
    let mut rest = path.chars();
    let first_two = (rest.next(), rest.next());
    let off_site = !matches!(first_two, (Some('/'), second) if !matches!(second, Some('/' | '\\')));
    if off_site || path.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\') || path.contains("://") {
        return "/".into();
    }
    header_safe(path)
}

/// A site path as a valid `Location` value: control characters, white space and bytes outside
/// ASCII percent-encoded (a header value holding them would fail the response).
pub fn header_safe(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_the_site() {
        assert_eq!(local_path(Some("/procedures/QT-HTI-01")), "/procedures/QT-HTI-01");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/x?u=http://e",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil",
            "/ /evil",
            "/\u{0}x",
            "/\u{7f}/evil",
            "/\u{85}/evil",
            "/\u{2028}/evil",
            "",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(local_path(None), "/");
        assert_eq!(local_path(Some("/search?q=hộ")), "/search?q=h%E1%BB%99");
        assert_eq!(local_path(Some("/")), "/");
    }
}
