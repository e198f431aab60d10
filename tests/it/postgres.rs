//! The same start-up, import, reads and rebuild-from-git on a real PostgreSQL server. `.ci/run`
//! installs and starts PostgreSQL and sets QMS_TEST_POSTGRES_URL; in CI a missing server fails.

use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

fn admin_url() -> Option<String> {
    match std::env::var("QMS_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("QMS_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests (.ci/run starts the server)")
        }
        Err(_) => {
            say_skipped("PostgreSQL test", "set QMS_TEST_POSTGRES_URL=postgres://user:pass@host/db to run it");
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
    // The first organisation took id 1 explicitly; the sequence moved past it, so the next
    // organisation gets an id of its own and its own empty catalogue.
    let bearer = || ("Authorization", format!("Bearer {token}"));
    let new = serde_json::json!({"slug": "xa-pg", "name": "Xã trên PostgreSQL", "corpus": "empty"});
    let req = TestRequest::post().uri("/api/v1/orgs").insert_header(bearer()).set_json(new).to_request();
    assert_eq!(test::call_service(&app, req).await.status(), StatusCode::CREATED);
    let req = TestRequest::get().uri("/api/v1/orgs/xa-pg/procedures").insert_header(bearer()).to_request();
    assert_eq!(body_json(test::call_service(&app, req).await).await["total"], 0);
    publish_a_revision(&started);
    audit_to_nonconformity(&started);
    let before: Vec<_> = CODES.iter().flat_map(|c| started.state.first_org().index.revisions(c).unwrap()).collect();
    assert_eq!(before.len(), 4);
    drop(app);
    drop(started);
    // The publish moved the reconcile marker past its commit: a restart reads no commit again.
    let restarted = start(config());
    assert_eq!(restarted.reconciled.commits_read, 0);
    drop(restarted);

    // Lose every table, as after a failed restore: the index comes back from git.
    let mut conn = PgConnection::establish(&url).unwrap();
    conn.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;").unwrap();
    let rebuilt = start(config());
    assert!(rebuilt.imported.is_none());
    let after: Vec<_> = CODES.iter().flat_map(|c| rebuilt.state.first_org().index.revisions(c).unwrap()).collect();
    assert_eq!(after, before);
}

/// Change control on PostgreSQL: a revision of QT-HTI-09 from draft to published.
fn publish_a_revision(started: &qms::app::Startup) {
    use qms::domain::Role;
    use qms::service::change_control::{create, edit, publish, workflow};
    let s = &started.state.first_org();
    add_user(started, "thuky", &[Role::Secretary], &[]);
    add_user(started, "xemxet", &[Role::Reviewer], &[]);
    add_user(started, "lanhdao", &[Role::Approver], &[]);
    let actor = |name: &str| actor_of(started, name);
    let (thuky, xemxet, lanhdao) = (actor("thuky"), actor("xemxet"), actor("lanhdao"));
    let new = create::NewChange {
        code: "QT-HTI-09".into(),
        reason: "Cập nhật".into(),
        kind: qms::domain::change_request::ChangeKind::Revise,
        markdown: None,
    };
    let cr = create::create(s, &thuky, new).unwrap();
    let text = read_corpus_file("QT-HTI-09").replacen("## 2. Phạm vi", "Bổ sung.\n\n## 2. Phạm vi", 1);
    let cr = edit::save_content(s, &thuky, cr.id, &text).unwrap();
    workflow::submit(s, &thuky, cr.id, vec!["xemxet".into()], "lanhdao".into()).unwrap();
    workflow::review(s, &xemxet, cr.id, true, "", Some(&cr.content_hash)).unwrap();
    workflow::approve(s, &lanhdao, cr.id, &password_of("lanhdao"), "", Some(&cr.content_hash)).unwrap();
    let input = publish::PublishInput { effective_date: None, summary: "Bổ sung".into() };
    let view = publish::publish(s, &thuky, cr.id, input).unwrap();
    assert_eq!(view.revision.revision, 2);
    assert!(qms::service::audit_log::verify(s).unwrap().broken.is_none());
}

/// Audits, findings and nonconformities on PostgreSQL.
fn audit_to_nonconformity(started: &qms::app::Startup) {
    use qms::domain::Role;
    use qms::domain::audit::FindingType;
    use qms::service::quality::{actions, audits, nonconformities, programme};
    let s = &started.state.first_org();
    add_user(started, "danhgia", &[Role::Auditor], &["CT"]);
    add_user(started, "nguoilam", &[Role::Staff], &[]);
    let actor = |name: &str| actor_of(started, name);
    let (auditor, secretary) = (actor("danhgia"), actor("thuky"));
    let new = audits::NewAudit {
        title: "Đánh giá Khiếu nại, tố cáo".into(),
        year: 2026,
        fields: vec!["KNTC".into()],
        procedures: vec![],
        criteria: "TCVN ISO 9001:2015".into(),
        planned_start: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        planned_end: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        lead_auditor: "danhgia".into(),
        auditors: vec![],
        independence_override: None,
    };
    let audit = audits::plan(s, &secretary, new).unwrap();
    audits::start(s, &auditor, audit.id).unwrap();
    assert!(!s.audits.checklist(audit.id).unwrap().is_empty());
    let finding = audits::NewFinding {
        procedure_code: "QT-KNTC-01".into(),
        clause: "8.5".into(),
        kind: FindingType::MajorNc,
        description: "Quá hạn giải quyết".into(),
        evidence: "Sổ".into(),
    };
    let f = audits::add_finding(s, &auditor, audit.id, finding).unwrap();
    let nc = nonconformities::load(s, f.nonconformity_id.unwrap()).unwrap();
    assert_eq!(nc.procedures, ["QT-KNTC-01"]);
    let ca = actions::NewCa {
        nonconformity_ids: vec![nc.id],
        action: "Nhắc hạn".into(),
        owner: "nguoilam".into(),
        due_date: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        verify_after: None,
        requires_change_of: None,
    };
    actions::create(s, &secretary, ca).unwrap();
    let overdue = qms::service::ports::CaFilter {
        overdue_on: Some(chrono::Utc::now().date_naive()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(actions::list(s, &overdue).unwrap().1, 1);
    let rows = programme::programme(s, 2026, "vi").unwrap();
    assert_eq!(rows[0].field, "KNTC", "the field with an open nonconformity comes first");
    assert!(nonconformities::similar(s, &nc).unwrap().is_empty());
    let d = qms::service::dashboard::dashboard(s, &auditor).unwrap();
    assert!(d.findings_by_type.contains(&(FindingType::MajorNc, 1)), "{:?}", d.findings_by_type);
    assert_eq!(d.my_audits.len(), 1);
    assert_eq!(d.reissues_per_month.len(), 12);
}
