//! The same start-up, import, reads and rebuild-from-git on a real PostgreSQL server. `.ci/run`
//! installs and starts PostgreSQL and sets QMS_TEST_POSTGRES_URL; in CI a missing server fails.

mod common;

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use common::*;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

fn admin_url() -> Option<String> {
    match std::env::var("QMS_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("QMS_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests (.ci/run starts the server)")
        }
        Err(_) => {
            eprintln!("PostgreSQL tests not run: set QMS_TEST_POSTGRES_URL=postgres://user:pass@host/db");
            None
        }
    }
}

/// A new, empty database on the server; its URL.
fn fresh_database(admin: &str) -> String {
    let name = format!("qms_test_{}_{}", std::process::id(), rand_suffix());
    let mut conn = PgConnection::establish(admin).expect("connect to PostgreSQL");
    conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
    let (base, _) = admin.rsplit_once('/').expect("URL with a database");
    format!("{base}/{name}")
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64
}

const CODES: [&str; 3] = ["QT-HT-05", "QT-HTI-09", "QT-KNTC-01"];

#[actix_web::test]
async fn the_service_runs_on_postgresql_and_rebuilds_from_git() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin);
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    let config = || qms::config::Settings { database_url: Some(url.clone()), ..settings(data.path(), tree.path()) };

    let started = start(config());
    assert_eq!(started.imported.as_ref().unwrap().procedures.len(), 3);
    let app = service(&started).await;
    let req = TestRequest::post()
        .uri("/api/v1/auth/login")
        .set_json(serde_json::json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .to_request();
    let token = body_json(test::call_service(&app, req).await).await["token"].as_str().unwrap().to_owned();
    let auth = ("Authorization", format!("Bearer {token}"));
    let res = test::call_service(
        &app,
        TestRequest::get().uri("/api/v1/procedures/QT-KNTC-01").insert_header(auth.clone()).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_json(res).await["front_matter"]["field"], "KNTC");
    let res = test::call_service(&app, TestRequest::get().uri("/api/v1/fields").insert_header(auth).to_request()).await;
    let fields = body_json(res).await;
    let kntc = fields["items"].as_array().unwrap().iter().find(|f| f["code"] == "KNTC").unwrap().clone();
    assert_eq!(kntc["procedure_count"], 1);
    publish_a_revision(&started);
    let before: Vec<_> = CODES.iter().flat_map(|c| started.state.services.index.revisions(c).unwrap()).collect();
    assert_eq!(before.len(), 4);
    drop(app);
    drop(started);

    // Lose every table, as after a failed restore: the index comes back from git.
    let mut conn = PgConnection::establish(&url).unwrap();
    conn.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;").unwrap();
    let rebuilt = start(config());
    assert!(rebuilt.imported.is_none());
    let after: Vec<_> = CODES.iter().flat_map(|c| rebuilt.state.services.index.revisions(c).unwrap()).collect();
    assert_eq!(after, before);
}

/// Change control on PostgreSQL: a revision of QT-HTI-09 from draft to published.
fn publish_a_revision(started: &qms::app::Startup) {
    use qms::domain::Role;
    use qms::service::change_control::{create, edit, publish, workflow};
    let s = &started.state.services;
    add_user(started, "thuky", &[Role::Secretary], &[]);
    add_user(started, "xemxet", &[Role::Reviewer], &[]);
    add_user(started, "lanhdao", &[Role::Approver], &[]);
    let actor = |name: &str| {
        qms::service::auth::authenticate(
            s,
            &qms::service::auth::issue(s, s.users.user(name).unwrap().unwrap()).unwrap().token,
        )
        .unwrap()
    };
    let (thuky, xemxet, lanhdao) = (actor("thuky"), actor("xemxet"), actor("lanhdao"));
    let new = create::NewChange {
        code: "QT-HTI-09".into(),
        reason: "Cập nhật".into(),
        kind: qms::domain::change_request::ChangeKind::Revise,
        markdown: None,
    };
    let cr = create::create(s, &thuky, new).unwrap();
    let text = read_corpus_file("QT-HTI-09").replacen("## 2. Phạm vi", "Bổ sung.\n\n## 2. Phạm vi", 1);
    edit::save_content(s, &thuky, cr.id, &text).unwrap();
    workflow::submit(s, &thuky, cr.id, vec!["xemxet".into()], "lanhdao".into()).unwrap();
    workflow::review(s, &xemxet, cr.id, true, "").unwrap();
    workflow::approve(s, &lanhdao, cr.id, &password_of("lanhdao"), "").unwrap();
    let input = publish::PublishInput { effective_date: None, summary: "Bổ sung".into() };
    let view = publish::publish(s, &thuky, cr.id, input).unwrap();
    assert_eq!(view.revision.revision, 2);
    assert!(qms::service::audit_log::verify(s).unwrap().broken.is_none());
}
