//! Accounts, tokens, sign-in throttling and the event log, through the API as clients use it.

use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Value, json};

const SECRET: &str = "a-test-signing-secret-of-at-least-32-chars";

fn app_settings(data: &std::path::Path, tree: &std::path::Path) -> qms::config::Settings {
    qms::config::Settings { jwt_secret: Some(SECRET.into()), ..settings(data, tree) }
}

macro_rules! call {
    ($app:expr, $req:expr) => {
        test::call_service($app, $req.to_request()).await
    };
}

async fn login_as(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    user: &str,
    password: &str,
) -> (StatusCode, Value) {
    let res = call!(
        app,
        TestRequest::post().uri("/api/v1/auth/login").set_json(json!({"username": user, "password": password}))
    );
    let status = res.status();
    (status, body_json(res).await)
}

fn bearer(token: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {token}"))
}

fn forged(claims: Value, key: &[u8]) -> String {
    jsonwebtoken::encode(&Header::default(), &claims, &EncodingKey::from_secret(key)).unwrap()
}

fn claims(sub: &str, exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "iss": "qms", "aud": "qms", "iat": now, "nbf": now - 10, "exp": now + exp_offset, "ver": 0, "jti": "x1"})
}

#[actix_web::test]
async fn tokens_that_must_not_work_get_401_and_roles_get_403() {
    let tree = small_corpus(&["QT-HT-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(app_settings(data.path(), tree.path()));
    let app = service(&started).await;
    let (_, admin) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    let admin_token = admin["token"].as_str().unwrap().to_owned();

    let res = call!(&app, TestRequest::post().uri("/api/v1/users").insert_header(bearer(&admin_token)).set_json(
        json!({"username": "lan", "display_name": "Nguyễn Thị Lan", "password": "hoa-sen-2026", "roles": ["staff"], "fields": ["HTI"]})
    ));
    assert_eq!(res.status(), StatusCode::CREATED);
    let created = body_json(res).await;
    assert_eq!(created["roles"], json!(["staff"]));
    assert_eq!(created["fields"], json!(["HTI"]));
    assert!(created.get("password_hash").is_none());

    let (status, lan) = login_as(&app, "lan", "hoa-sen-2026").await;
    assert_eq!(status, StatusCode::OK);
    let lan_token = lan["token"].as_str().unwrap().to_owned();

    let none_header = base64url(r#"{"alg":"none","typ":"JWT"}"#);
    let none_payload = base64url(&claims("admin", 600).to_string());
    let cases: Vec<(&str, Option<String>)> = vec![
        ("no token", None),
        ("expired", Some(forged(claims("admin", -3600), SECRET.as_bytes()))),
        ("another key", Some(forged(claims("admin", 600), b"some-other-secret-of-enough-length-000"))),
        ("alg none", Some(format!("{none_header}.{none_payload}."))),
        ("wrong audience", Some(forged(json!({"aud": "other"}).pipe_merge(claims("admin", 600)), SECRET.as_bytes()))),
        ("garbage", Some("not.a.token".into())),
    ];
    for (what, token) in cases {
        let mut req = TestRequest::get().uri("/api/v1/me");
        if let Some(token) = &token {
            req = req.insert_header(bearer(token));
        }
        let res = call!(&app, req);
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{what}");
        let body = body_json(res).await;
        assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{what}: {body}");
    }

    // A staff token calling an administrator's action.
    let res = call!(&app, TestRequest::get().uri("/api/v1/users").insert_header(bearer(&lan_token)));
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(body_json(res).await["error"]["code"], "forbidden");
    let res = call!(&app, TestRequest::get().uri("/api/v1/events").insert_header(bearer(&lan_token)));
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Disabling the user revokes their token at once.
    let res = call!(
        &app,
        TestRequest::put()
            .uri("/api/v1/users/lan")
            .insert_header(bearer(&admin_token))
            .set_json(json!({"active": false}))
    );
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_json(res).await["active"], false);
    let res = call!(&app, TestRequest::get().uri("/api/v1/me").insert_header(bearer(&lan_token)));
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = login_as(&app, "lan", "hoa-sen-2026").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "account_disabled");
}

trait PipeMerge {
    fn pipe_merge(self, base: Value) -> Value;
}

impl PipeMerge for Value {
    fn pipe_merge(self, mut base: Value) -> Value {
        for (k, v) in self.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    }
}

fn base64url(s: &str) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &x)| acc | (x as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[actix_web::test]
async fn sign_out_and_role_changes_revoke_tokens() {
    let tree = small_corpus(&["QT-HT-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(app_settings(data.path(), tree.path()));
    let app = service(&started).await;
    let (_, admin) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    let admin_token = admin["token"].as_str().unwrap().to_owned();
    let res = call!(&app, TestRequest::post().uri("/api/v1/users").insert_header(bearer(&admin_token)).set_json(
        json!({"username": "binh", "display_name": "Trần Văn Bình", "password": "song-huong-9", "roles": ["auditor"]})
    ));
    assert_eq!(res.status(), StatusCode::CREATED);

    let (_, first) = login_as(&app, "binh", "song-huong-9").await;
    let (_, second) = login_as(&app, "binh", "song-huong-9").await;
    let (t1, t2) = (first["token"].as_str().unwrap().to_owned(), second["token"].as_str().unwrap().to_owned());
    let res = call!(&app, TestRequest::get().uri("/api/v1/events").insert_header(bearer(&t1)));
    assert_eq!(res.status(), StatusCode::OK, "auditors read the event log");

    let res = call!(&app, TestRequest::post().uri("/api/v1/auth/logout").insert_header(bearer(&t1)));
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        call!(&app, TestRequest::get().uri("/api/v1/me").insert_header(bearer(&t1))).status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call!(&app, TestRequest::get().uri("/api/v1/me").insert_header(bearer(&t2))).status(),
        StatusCode::OK,
        "other sessions stay"
    );

    let res = call!(
        &app,
        TestRequest::put()
            .uri("/api/v1/users/binh")
            .insert_header(bearer(&admin_token))
            .set_json(json!({"roles": ["staff"]}))
    );
    assert_eq!(body_json(res).await["roles"], json!(["staff"]));
    assert_eq!(
        call!(&app, TestRequest::get().uri("/api/v1/me").insert_header(bearer(&t2))).status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn account_rules_are_enforced_with_clear_errors() {
    let tree = small_corpus(&["QT-HT-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(app_settings(data.path(), tree.path()));
    let app = service(&started).await;
    let (_, admin) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    let token = admin["token"].as_str().unwrap().to_owned();
    let create = |body: Value| TestRequest::post().uri("/api/v1/users").insert_header(bearer(&token)).set_json(body);
    let cases = [
        (
            json!({"username": "Ha Noi", "display_name": "X", "password": "hoa-sen-2026"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_username",
        ),
        (
            json!({"username": "thu", "display_name": "Thu", "password": "ngan"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "weak_password",
        ),
        (
            json!({"username": "thu", "display_name": "Thu", "password": "hoa-sen-2026", "fields": ["XYZ"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
        ),
        (
            json!({"username": "thu", "display_name": "Thu", "password": "hoa-sen-2026", "roles": ["king"]}),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            json!({"username": "admin", "display_name": "Ai đó", "password": "hoa-sen-2026"}),
            StatusCode::CONFLICT,
            "username_taken",
        ),
    ];
    for (body, status, code) in cases {
        let res = call!(&app, create(body.clone()));
        assert_eq!(res.status(), status, "{body}");
        assert_eq!(body_json(res).await["error"]["code"], code, "{body}");
    }
    let res = call!(&app, TestRequest::get().uri("/api/v1/users").insert_header(bearer(&token)));
    assert_eq!(body_json(res).await["total"], 1, "nothing was created by refused requests");

    let res = call!(
        &app,
        TestRequest::put().uri("/api/v1/users/admin").insert_header(bearer(&token)).set_json(json!({"active": false}))
    );
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = call!(
        &app,
        TestRequest::put().uri("/api/v1/users/nobody").insert_header(bearer(&token)).set_json(json!({"active": false}))
    );
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn ten_wrong_passwords_lock_the_account_until_the_lock_ends() {
    let tree = small_corpus(&["QT-HT-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(app_settings(data.path(), tree.path()));
    let app = service(&started).await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let (status, body) = login_as(&app, "admin", "sai-mat-khau-1").await;
        statuses.push((status.as_u16(), body["error"]["code"].as_str().unwrap().to_owned()));
    }
    let expected: Vec<(u16, String)> = (0..10)
        .map(|i| if i < 5 { (401, "invalid_credentials".into()) } else { (429, "account_locked".into()) })
        .collect();
    assert_eq!(statuses, expected);

    // While locked, even the right password is refused.
    let (status, body) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body["error"]["message"].as_str().unwrap().contains("thử lại sau"));

    // When the lock has ended, the right password signs in and clears the count.
    let users = &started.state.first_org().users;
    let mut admin = users.user("admin").unwrap().unwrap();
    assert_eq!(admin.failed_logins, 5);
    admin.locked_until = Some(chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1));
    users.update_user(&admin, &qms::domain::event::NewEvent::now("test", "test.clock", "user", "admin")).unwrap();
    let (status, _) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(users.user("admin").unwrap().unwrap().failed_logins, 0);
}

#[actix_web::test]
async fn the_event_log_records_who_did_what_and_can_be_filtered() {
    let tree = small_corpus(&["QT-HT-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(app_settings(data.path(), tree.path()));
    let app = service(&started).await;
    login_as(&app, "admin", "sai-mat-khau-1").await;
    let (_, admin) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    let token = admin["token"].as_str().unwrap().to_owned();

    let res = call!(&app, TestRequest::get().uri("/api/v1/events?limit=500").insert_header(bearer(&token)));
    let body = body_json(res).await;
    let actions: Vec<&str> = body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(&actions[..2], ["auth.login", "auth.login_failed"], "newest first");
    assert!(actions.contains(&"user.create") && actions.contains(&"procedure.import"));
    let first = body["items"].as_array().unwrap().last().unwrap();
    assert_eq!(first["prev_hash"], qms::domain::event::GENESIS);
    assert_eq!(first["hash"].as_str().unwrap().len(), 64);

    let res =
        call!(&app, TestRequest::get().uri("/api/v1/events?entity=procedure:QT-HT-01").insert_header(bearer(&token)));
    let body = body_json(res).await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["action"], "procedure.import");
    let res = call!(&app, TestRequest::get().uri("/api/v1/events?actor=qms&entity=user").insert_header(bearer(&token)));
    assert_eq!(body_json(res).await["items"][0]["action"], "user.create");
}
