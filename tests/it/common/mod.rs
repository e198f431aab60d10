//! Shared fixtures: temporary data directories, small procedure trees copied from the real corpus,
//! and the application built by the same factory as `qms serve`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use qms::app::{self, Startup};
use qms::config::Settings;
use serde_json::Value;
use tempfile::TempDir;

pub const ADMIN_PASSWORD: &str = "mat-khau-quan-tri-2026";

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("procedures")
}

/// A procedure tree holding the reference files and the given procedures of the real corpus.
pub fn small_corpus(codes: &[&str]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["fields.yaml", "legal-bases.yaml", "calendar.yaml"] {
        std::fs::copy(corpus_dir().join(name), dir.path().join(name)).expect("copy reference");
    }
    for code in codes {
        add_procedure(dir.path(), code, &read_corpus_file(code));
    }
    dir
}

pub fn read_corpus_file(code: &str) -> String {
    let field = code.split('-').nth(1).expect("field");
    std::fs::read_to_string(corpus_dir().join(field).join(format!("{code}.md"))).expect("corpus file")
}

pub fn add_procedure(tree: &Path, code: &str, text: &str) {
    let field = code.split('-').nth(1).expect("field");
    std::fs::create_dir_all(tree.join(field)).expect("field dir");
    std::fs::write(tree.join(field).join(format!("{code}.md")), text).expect("write procedure");
}

/// Settings for a test instance: everything under `data`, the given tree as the corpus.
pub fn settings(data: &Path, procedures: &Path) -> Settings {
    Settings {
        data_dir: data.to_path_buf(),
        procedures_dir: procedures.to_path_buf(),
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..Settings::default()
    }
}

pub fn start(settings: Settings) -> Startup {
    app::start(settings).unwrap_or_else(|e| panic!("start-up failed: {e}"))
}

/// The application as `qms serve` builds it.
pub async fn service(
    startup: &Startup,
) -> impl Service<actix_http::Request, Response = ServiceResponse<impl actix_web::body::MessageBody>, Error = actix_web::Error>
{
    test::init_service(app::build(startup.state.clone())).await
}

pub async fn body_json<B: actix_web::body::MessageBody>(res: ServiceResponse<B>) -> Value {
    let bytes = test::read_body(res).await;
    serde_json::from_slice(&bytes).unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
}

pub async fn body_text<B: actix_web::body::MessageBody>(res: ServiceResponse<B>) -> String {
    String::from_utf8(test::read_body(res).await.to_vec()).expect("UTF-8 body")
}

/// Commits on the store's published branch, as the git command line sees them.
pub fn git_log(data: &Path, format: &str) -> Vec<String> {
    let out = std::process::Command::new("git")
        .args(["--git-dir"])
        .arg(data.join("procedures.git"))
        .args(["log", "--first-parent", &format!("--format={format}"), "main"])
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git log failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

/// Signs in through the form: fetch the page (CSRF cookie), post it back, keep the session cookie.
/// The login form's CSRF token, as a browser gets it (cookie and hidden field).
pub async fn login_csrf<S, B>(app: &S) -> String
where
    S: actix_web::dev::Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let res = test::call_service(app, test::TestRequest::get().uri("/login").to_request()).await;
    assert_eq!(res.status(), actix_web::http::StatusCode::OK);
    res.response().cookies().find(|c| c.name() == "qms_login_csrf").expect("csrf cookie").value().to_owned()
}

/// Signs in through the login form; the session cookie's token.
pub async fn sign_in<S, B>(app: &S, username: &str, password: &str) -> String
where
    S: actix_web::dev::Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let csrf = login_csrf(app).await;
    let form = [("csrf", csrf.as_str()), ("next", "/"), ("username", username), ("password", password)];
    let req = test::TestRequest::post()
        .uri("/login")
        .cookie(actix_web::cookie::Cookie::new("qms_login_csrf", csrf.clone()))
        .set_form(form)
        .to_request();
    let res = test::call_service(app, req).await;
    assert_eq!(res.status(), actix_web::http::StatusCode::SEE_OTHER, "sign-in of {username} failed");
    res.response().cookies().find(|c| c.name() == "qms_token").expect("session cookie").value().to_owned()
}

/// A GET as a signed-in browser.
pub fn page(uri: &str, token: &str) -> actix_http::Request {
    test::TestRequest::get().uri(uri).cookie(actix_web::cookie::Cookie::new("qms_token", token.to_owned())).to_request()
}

/// Creates an account directly through the service, as `qms user add` does.
pub fn add_user(startup: &Startup, username: &str, roles: &[qms::domain::Role], fields: &[&str]) {
    let new = qms::service::users::NewUser {
        username: username.into(),
        display_name: format!("Ông/Bà {username}"),
        password: password_of(username),
        roles: roles.to_vec(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
    };
    qms::service::users::create(&startup.state.first_org(), qms::service::users::Operator::CommandLine, new)
        .unwrap_or_else(|e| panic!("cannot add {username}: {e}"));
}

/// Who `name` is to the services, as a verified token makes them (without an argon2 sign-in).
pub fn actor_of(startup: &Startup, name: &str) -> qms::domain::Actor {
    let s = &startup.state.first_org();
    let user = s.users.user(name).expect("read the account").unwrap_or_else(|| panic!("no account {name}"));
    let token = qms::service::auth::issue(s, user).expect("issue a token").token;
    qms::service::auth::authenticate(s, &token).expect("a fresh token authenticates")
}

/// Where a redirect points (empty when there is none).
pub fn location<B>(res: &ServiceResponse<B>) -> String {
    res.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// The password `add_user` gives.
pub fn password_of(username: &str) -> String {
    format!("{}-mat-khau-1", username.chars().rev().collect::<String>())
}

/// The in-process application as the tests call it (a name for the long service bound).
pub trait TestApp<B>:
    actix_web::dev::Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>
{
}

impl<S, B> TestApp<B> for S where
    S: actix_web::dev::Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>
{
}

/// A JSON API client over the in-process app. Each user signs in once (argon2 is slow on
/// purpose); the token is kept for the client's later calls.
pub struct Client<S> {
    pub app: S,
    tokens: std::cell::RefCell<std::collections::HashMap<String, String>>,
}

impl<S> Client<S> {
    pub fn new(app: S) -> Self {
        Self { app, tokens: Default::default() }
    }
}

impl<S, B> Client<S>
where
    S: actix_web::dev::Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    /// The user's token, signing in the first time.
    pub async fn token(&self, user: &str) -> String {
        if let Some(token) = self.tokens.borrow().get(user) {
            return token.clone();
        }
        let token = self.sign_in(user).await;
        self.tokens.borrow_mut().insert(user.to_owned(), token.clone());
        token
    }

    /// Signs in through the API (a fresh token every time).
    pub async fn sign_in(&self, user: &str) -> String {
        let password = if user == "admin" { ADMIN_PASSWORD.to_owned() } else { password_of(user) };
        let req = test::TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(serde_json::json!({"username": user, "password": password}));
        let body = body_json(test::call_service(&self.app, req.to_request()).await).await;
        body["token"].as_str().unwrap_or_else(|| panic!("login {user}: {body}")).to_owned()
    }

    pub async fn call(
        &self,
        user: &str,
        method: &str,
        uri: &str,
        body: Option<serde_json::Value>,
    ) -> (actix_web::http::StatusCode, serde_json::Value) {
        let token = self.token(user).await;
        let req = match method {
            "GET" => test::TestRequest::get(),
            "PUT" => test::TestRequest::put(),
            "POST" => test::TestRequest::post(),
            "DELETE" => test::TestRequest::delete(),
            other => panic!("the test client has no method {other}"),
        }
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {token}")));
        let req = match body {
            Some(b) => req.set_json(b),
            None => req,
        };
        let res = test::call_service(&self.app, req.to_request()).await;
        let status = res.status();
        (status, body_json(res).await)
    }
}

/// Says that a test did not run, past the test harness's capture of `eprintln!` (which shows
/// output only for failing tests): a skipped test must be seen in the run's output.
pub fn say_skipped(what: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {what}: {why}");
}

/// Today's date in UTC, as the service dates things (tests date relative to it, never to a fixed day).
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The value of the first hidden field `name` on a page.
pub fn hidden_value(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.find(&marker).unwrap_or_else(|| panic!("no hidden field {name}")) + marker.len();
    page[at..].split('"').next().unwrap_or_default().to_owned()
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form with a CSRF field") + 19;
    page[at..at + 32].to_owned()
}

/// A form post as a signed-in browser sends it (repeated keys for checkboxes).
pub fn form_post(uri: &str, token: &str, fields: &[(&str, &str)]) -> actix_http::Request {
    test::TestRequest::post()
        .uri(uri)
        .cookie(actix_web::cookie::Cookie::new("qms_token", token.to_owned()))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(serde_html_form::to_string(fields).expect("form fields"))
        .to_request()
}

/// A running instance for a test, in the manner of crates.io's `TestApp`: a small corpus, the
/// accounts the test needs, and the directories kept alive as long as the instance.
pub struct World {
    pub tree: TempDir,
    pub data: TempDir,
    pub started: Startup,
}

/// A change to the settings of a `World` before it starts.
type SettingsTweak = Box<dyn FnOnce(&mut Settings)>;

/// Builds a `World`: `World::with(&["QT-HTI-01"]).user("thuky", &[Role::Secretary], &[]).start()`.
pub struct WorldBuilder {
    codes: Vec<String>,
    users: Vec<(String, Vec<qms::domain::Role>, Vec<String>)>,
    tweak: Option<SettingsTweak>,
}

impl World {
    pub fn with(codes: &[&str]) -> WorldBuilder {
        WorldBuilder { codes: codes.iter().map(|c| c.to_string()).collect(), users: vec![], tweak: None }
    }

    /// The usual cast: a secretary, a reviewer of HTI, an approver, a staff member of HTI.
    pub fn with_cast(codes: &[&str]) -> WorldBuilder {
        use qms::domain::Role;
        Self::with(codes)
            .user("thuky", &[Role::Secretary], &[])
            .user("xemxet", &[Role::Reviewer], &["HTI"])
            .user("lanhdao", &[Role::Approver], &[])
            .user("canbo", &[Role::Staff], &["HTI"])
    }
}

impl WorldBuilder {
    pub fn user(mut self, name: &str, roles: &[qms::domain::Role], fields: &[&str]) -> Self {
        self.users.push((name.into(), roles.to_vec(), fields.iter().map(|f| f.to_string()).collect()));
        self
    }

    pub fn settings(mut self, tweak: impl FnOnce(&mut Settings) + 'static) -> Self {
        self.tweak = Some(Box::new(tweak));
        self
    }

    pub fn start(self) -> World {
        let codes: Vec<&str> = self.codes.iter().map(String::as_str).collect();
        let tree = small_corpus(&codes);
        let data = tempfile::tempdir().expect("temp dir");
        let mut s = settings(data.path(), tree.path());
        if let Some(tweak) = self.tweak {
            tweak(&mut s);
        }
        let started = start(s);
        for (name, roles, fields) in &self.users {
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            add_user(&started, name, roles, &fields);
        }
        World { tree, data, started }
    }
}

/// Takes a revision of `code` with `edit` applied from draft to published through the API (the
/// cast of `World::with_cast`); the published procedure.
pub async fn publish_edit<S, B>(c: &Client<S>, code: &str, edit: impl FnOnce(&str) -> String) -> serde_json::Value
where
    S: actix_web::dev::Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    use actix_web::http::StatusCode;
    use serde_json::json;
    let new = json!({"code": code, "reason": "Cập nhật", "kind": "revise"});
    let (status, cr) = c.call("thuky", "POST", "/api/v1/change-requests", Some(new)).await;
    assert_eq!(status, StatusCode::CREATED, "{cr}");
    let path = format!("/api/v1/change-requests/{}", cr["id"]);
    let markdown = edit(cr["markdown"].as_str().expect("markdown"));
    let (status, cr) = c.call("thuky", "PUT", &format!("{path}/content"), Some(json!({"markdown": markdown}))).await;
    assert_eq!(status, StatusCode::OK, "{cr}");
    let seen = cr["content_hash"].clone();
    let route = json!({"reviewers": ["xemxet"], "approver": "lanhdao"});
    assert_eq!(c.call("thuky", "POST", &format!("{path}/submit"), Some(route)).await.0, StatusCode::OK);
    let review = json!({"decision": "approve", "content_hash": seen});
    assert_eq!(c.call("xemxet", "POST", &format!("{path}/reviews"), Some(review)).await.0, StatusCode::OK);
    let sign = json!({"password": password_of("lanhdao"), "content_hash": seen});
    assert_eq!(c.call("lanhdao", "POST", &format!("{path}/approve"), Some(sign)).await.0, StatusCode::OK);
    let (status, published) =
        c.call("thuky", "POST", &format!("{path}/publish"), Some(json!({"summary": "Cập nhật"}))).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    published
}
