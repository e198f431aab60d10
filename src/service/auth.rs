//! Passwords (argon2id), sign-in, and signed tokens (HS256 JWT) that can be revoked by bumping the
//! user's token version.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::Services;
use super::deployment::Deployment;
use super::ports::UserRecord;
use crate::domain::Actor;
use crate::domain::ErrorCode;
use crate::domain::event::NewEvent;
use crate::domain::organisation::{FIRST_ORG, Standing};
use crate::domain::password::username_problem;
use crate::domain::throttle::lock_after;
use crate::error::{AppError, AppResult};
use std::net::IpAddr;

const ISSUER: &str = "qms";
const AUDIENCE: &str = "qms";

/// The signing keys and token lifetime.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    lifetime: Duration,
}

impl TokenKeys {
    pub fn new(secret: &[u8], lifetime_minutes: i64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            lifetime: Duration::minutes(lifetime_minutes.max(1)),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    aud: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    /// The user's token version when issued; bumping it revokes every earlier token.
    ver: i32,
    /// This token's id, for revoking it alone on sign-out.
    jti: String,
}

/// A freshly issued token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserRecord,
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(AppError::internal)
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

fn bad_credentials() -> AppError {
    AppError::unauthorized(ErrorCode::InvalidCredentials, "Tên đăng nhập hoặc mật khẩu không đúng.")
}

fn too_many(code: ErrorCode, message: String) -> AppError {
    AppError::new(crate::error::ErrorKind::TooManyRequests, code, message)
}

/// Checks a username and password and issues a token.
///
/// Throttling (documented in README): after 5 wrong passwords in a row an account is locked for
/// 1 minute, doubling with each further wrong password up to 30 minutes. While locked, every
/// attempt, even with the right password, gets 429 `account_locked`; the first right password after
/// the lock ends signs in and resets the count. 20 failures from one address within 15 minutes
/// block that address (429 `too_many_attempts`) for the rest of the window.
///
/// Usernames are unique across the deployment: the account is found whatever its organisation,
/// and what happens to it is recorded in its organisation's event log (a refusal for an unknown
/// name, in the first organisation's).
pub fn login(
    deployment: &Deployment,
    username: &str,
    password: &str,
    address: Option<IpAddr>,
) -> AppResult<IssuedToken> {
    let services = &deployment.services(FIRST_ORG)?;
    if let Some(ip) = address
        && !services.address_throttle.allowed(ip)
    {
        return Err(too_many(
            ErrorCode::TooManyAttempts,
            "Quá nhiều lần đăng nhập sai từ máy này; vui lòng thử lại sau 15 phút.".into(),
        ));
    }
    // Only a well-formed username can name an account; anything else is looked up nowhere and
    // written to the event log shortened, so an anonymous caller cannot fill the log.
    let username = logged_username(username);
    let user = if username_problem(&username).is_none() { services.users.user(&username)? } else { None };
    let now = Utc::now().naive_utc();
    let from = address.map(|a| format!("from {a}")).unwrap_or_default();
    let locked_until = match &user {
        Some(u) => u.locked_until,
        None => services.address_throttle.unknown_locked_until(&username, now),
    };
    if let Some(until) = locked_until.filter(|until| *until > now) {
        if let Some(ip) = address {
            services.address_throttle.failed(ip);
        }
        let services = &match &user {
            Some(u) => deployment.services(u.org)?,
            None => services.clone(),
        };
        let event = NewEvent::now(&username, "auth.login_locked", "user", &username).detail(from);
        services.events.append_event(&event)?;
        let local = until.and_utc().format("%H:%M UTC");
        return Err(too_many(
            ErrorCode::AccountLocked,
            format!("Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; hãy thử lại sau {local}."),
        ));
    }
    // Verify against a fixed hash when the user is unknown, so timing does not reveal accounts.
    let hash = user.as_ref().map_or(DUMMY_HASH.as_str(), |u| u.password_hash.as_str());
    let ok = password_matches(hash, password);
    if !ok && let Some(ip) = address {
        services.address_throttle.failed(ip);
    }
    let Some(mut user) = user else {
        services.address_throttle.unknown_failed(&username, now);
        let event =
            NewEvent::now(&username, "auth.login_failed", "user", &username).detail(format!("unknown account {from}"));
        services.events.append_event(&event)?;
        return Err(bad_credentials());
    };
    let services = &deployment.services(user.org)?;
    if !ok {
        user.failed_logins += 1;
        user.locked_until = lock_after(user.failed_logins).map(|d| now + d);
        let detail = format!("failure {} {from}", user.failed_logins);
        let event = NewEvent::now(&username, "auth.login_failed", "user", &username).detail(detail);
        services.users.update_user(&user, &event)?;
        return Err(bad_credentials());
    }
    if !user.active {
        let event = NewEvent::now(&username, "auth.login_disabled", "user", &username).detail(from);
        services.events.append_event(&event)?;
        return Err(AppError::unauthorized(ErrorCode::AccountDisabled, "Tài khoản đã bị khóa."));
    }
    user.failed_logins = 0;
    user.locked_until = None;
    services.users.update_user(&user, &NewEvent::now(&username, "auth.login", "user", &username).detail(from))?;
    issue(services, user)
}

/// Longest username kept in the event log for a refused sign-in (valid ones have at most 32).
const LOGGED_USERNAME_CHARS: usize = 40;

/// The username as the event log keeps it: at most `LOGGED_USERNAME_CHARS` characters, without
/// control characters, with the length of what was cut off.
fn logged_username(username: &str) -> String {
    let total = username.chars().count();
    let mut kept: String = username.chars().filter(|c| !c.is_control()).take(LOGGED_USERNAME_CHARS).collect();
    if total > LOGGED_USERNAME_CHARS {
        kept.push_str(&format!("…(+{} ký tự)", total - LOGGED_USERNAME_CHARS));
    }
    kept
}

/// Checks a signed-in user's password again, as an electronic signature. Wrong passwords count
/// toward the account lock exactly like failed sign-ins.
pub fn confirm_password(services: &Services, username: &str, password: &str) -> AppResult<()> {
    let mut user = services.users.user(username)?.ok_or_else(invalid_token)?;
    let now = Utc::now().naive_utc();
    if user.locked_until.is_some_and(|until| until > now) {
        return Err(too_many(ErrorCode::AccountLocked, "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần.".into()));
    }
    if password_matches(&user.password_hash, password) {
        return Ok(());
    }
    user.failed_logins += 1;
    user.locked_until = lock_after(user.failed_logins).map(|d| now + d);
    let event = NewEvent::now(username, "auth.signature_failed", "user", username);
    services.users.update_user(&user, &event)?;
    Err(AppError::forbidden(ErrorCode::SignatureRefused, "Mật khẩu xác nhận không đúng; chưa ký phê duyệt."))
}

// The hash of a random password nobody knows, made once.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&generate_password()).unwrap_or_default());

/// Issues a token for `user`.
pub fn issue(services: &Services, user: UserRecord) -> AppResult<IssuedToken> {
    let now = Utc::now();
    let expires_at = now + services.tokens.lifetime;
    let claims = Claims {
        sub: user.username.clone(),
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        iat: now.timestamp(),
        nbf: now.timestamp(),
        exp: expires_at.timestamp(),
        ver: user.token_version,
        jti: generate_password(),
    };
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &services.tokens.encoding)
        .map_err(AppError::internal)?;
    Ok(IssuedToken { token, expires_at, user })
}

fn invalid_token() -> AppError {
    AppError::unauthorized(
        ErrorCode::InvalidToken,
        "Phiên đăng nhập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.",
    )
}

fn verified_claims(services: &Services, token: &str) -> AppResult<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.validate_nbf = true;
    validation.leeway = 5;
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    jsonwebtoken::decode::<Claims>(token, &services.tokens.decoding, &validation)
        .map(|d| d.claims)
        .map_err(|_| invalid_token())
}

/// Verifies a token (signature, algorithm, issuer, audience, expiry, not-before), that it was not
/// revoked, and that its user is still active with the same token version. Returns who is acting.
pub fn authenticate(services: &Services, token: &str) -> AppResult<Actor> {
    if let Some(actor) = cached_session(services, token) {
        return Ok(actor);
    }
    let claims = verified_claims(services, token)?;
    let actor = authenticate_in_database(services, &claims)?;
    services.sessions.remember(token, &actor, claims.exp);
    Ok(actor)
}

/// The actor of a token verified in the last few seconds, without touching the database (so a
/// request can skip the blocking pool).
pub fn cached_session(services: &Services, token: &str) -> Option<Actor> {
    services.sessions.get(token, Utc::now().timestamp())
}

fn authenticate_in_database(services: &Services, claims: &Claims) -> AppResult<Actor> {
    if services.users.is_revoked(&claims.jti)? {
        return Err(invalid_token());
    }
    let user = services.users.user(&claims.sub)?.ok_or_else(invalid_token)?;
    if !user.active || user.token_version != claims.ver {
        return Err(invalid_token());
    }
    Ok(Actor {
        username: user.username,
        display_name: user.display_name,
        roles: user.roles,
        fields: user.fields,
        org: user.org,
        standing: Standing::Member,
    })
}

/// Signs out: the token is refused from now on (recorded in the account's organisation's log).
pub fn logout(deployment: &Deployment, token: &str) -> AppResult<()> {
    let entry = deployment.services(FIRST_ORG)?;
    let claims = verified_claims(&entry, token)?;
    let user = entry.users.user(&claims.sub)?.ok_or_else(invalid_token)?;
    let services = deployment.services(user.org)?;
    let expires = chrono::DateTime::from_timestamp(claims.exp, 0).unwrap_or_default().naive_utc();
    let event = NewEvent::now(&claims.sub, "auth.logout", "user", &claims.sub);
    services.users.revoke_token(&claims.jti, expires, &event)?;
    services.sessions.forget_all();
    Ok(())
}

/// A random password for the first admin: 20 characters from an unambiguous alphabet.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}
