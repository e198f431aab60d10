//! Passwords (argon2id), sign-in, and signed tokens (HS256 JWT) that can be revoked by bumping the
//! user's token version.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::Services;
use super::ports::UserRecord;
use crate::domain::Actor;
use crate::error::{AppError, AppResult};

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
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

fn bad_credentials() -> AppError {
    AppError::unauthorized(
        "invalid_credentials",
        "Tên đăng nhập hoặc mật khẩu không đúng.",
    )
}

/// Checks a username and password and issues a token.
pub fn login(services: &Services, username: &str, password: &str) -> AppResult<IssuedToken> {
    let user = services.users.user(username)?;
    // Verify against a fixed hash when the user is unknown, so timing does not reveal accounts.
    let hash = user
        .as_ref()
        .map_or(DUMMY_HASH.as_str(), |u| u.password_hash.as_str());
    let ok = password_matches(hash, password);
    match user {
        Some(user) if ok && user.active => issue(services, user),
        Some(user) if ok && !user.active => Err(AppError::unauthorized(
            "account_disabled",
            "Tài khoản đã bị khóa.",
        )),
        _ => Err(bad_credentials()),
    }
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
    };
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &services.tokens.encoding,
    )
    .map_err(AppError::internal)?;
    Ok(IssuedToken {
        token,
        expires_at,
        user,
    })
}

fn invalid_token() -> AppError {
    AppError::unauthorized(
        "invalid_token",
        "Phiên đăng nhập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.",
    )
}

/// Verifies a token (signature, algorithm, issuer, audience, expiry, not-before) and that its user
/// is still active with the same token version. Returns who is acting.
pub fn authenticate(services: &Services, token: &str) -> AppResult<Actor> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.validate_nbf = true;
    validation.leeway = 5;
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    let data = jsonwebtoken::decode::<Claims>(token, &services.tokens.decoding, &validation)
        .map_err(|_| invalid_token())?;
    let user = services
        .users
        .user(&data.claims.sub)?
        .ok_or_else(invalid_token)?;
    if !user.active || user.token_version != data.claims.ver {
        return Err(invalid_token());
    }
    Ok(Actor {
        username: user.username,
        display_name: user.display_name,
        roles: user.roles,
        fields: user.fields,
    })
}

/// A random password for the first admin: 20 characters from an unambiguous alphabet.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}
