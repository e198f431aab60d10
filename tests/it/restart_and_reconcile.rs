//! The database is an index of git: restarts keep every revision, a second start imports nothing,
//! and a deleted database is rebuilt from the store with the same revisions and commits.

use crate::common::*;
use qms::service::ports::RevisionRecord;

const CODES: [&str; 3] = ["QT-HT-02", "QT-HTI-02", "QT-CT-03"];

fn all_revisions(startup: &qms::app::Startup) -> Vec<RevisionRecord> {
    let services = &startup.state.first_org();
    let mut out = Vec::new();
    for code in CODES {
        out.extend(services.index.revisions(code).expect("revisions"));
    }
    out
}

#[test]
fn restarts_keep_revisions_and_import_nothing_twice() {
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    let first = start(settings(data.path(), tree.path()));
    assert_eq!(first.imported.as_ref().unwrap().procedures.len(), CODES.len());
    assert!(first.first_admin.is_some());
    let before = all_revisions(&first);
    assert_eq!(before.len(), CODES.len());
    drop(first);
    // Reference data, then one commit per procedure.
    assert_eq!(git_log(data.path(), "%H").len(), CODES.len() + 1);

    let second = start(settings(data.path(), tree.path()));
    assert!(second.imported.is_none(), "a second start imports nothing");
    assert!(second.first_admin.is_none(), "the admin is created once");
    assert_eq!(second.reconciled.commits_read, 0, "nothing new to reconcile");
    assert_eq!(all_revisions(&second), before);
    assert_eq!(git_log(data.path(), "%H").len(), CODES.len() + 1);
}

#[test]
fn a_deleted_database_is_rebuilt_from_git() {
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    let first = start(settings(data.path(), tree.path()));
    let before = all_revisions(&first);
    let fields_before = qms::service::catalog::fields(&first.state.first_org()).unwrap();
    drop(first);

    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(data.path().join(format!("qms.sqlite3{suffix}")));
    }
    let rebuilt = start(settings(data.path(), tree.path()));
    assert!(rebuilt.imported.is_none(), "the store is not empty, so nothing is imported again");
    assert_eq!(rebuilt.reconciled.commits_read, CODES.len() + 1);
    let after = all_revisions(&rebuilt);
    assert_eq!(after, before, "same revisions, same commits, same dates");
    assert_eq!(qms::service::catalog::fields(&rebuilt.state.first_org()).unwrap(), fields_before);
}

/// The marker of the last commit the index has seen moves from the commit it stands at only: a
/// commit made on top of another one that is not indexed yet leaves it behind.
#[test]
fn the_reconcile_marker_moves_only_from_where_it_stands() {
    let tree = small_corpus(&CODES[..1]);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let (index, store) = (&started.state.first_org().index, &started.state.first_org().store);
    let head = store.head().unwrap().unwrap();
    assert_eq!(index.meta("reconciled_head").unwrap().as_deref(), Some(head.as_str()), "the import's last commit");
    assert!(!index.advance_meta("reconciled_head", Some("0a1b2c"), "d3e4f5").unwrap(), "not from another commit");
    assert!(!index.advance_meta("reconciled_head", None, "d3e4f5").unwrap(), "not as if it were unset");
    assert_eq!(index.meta("reconciled_head").unwrap().as_deref(), Some(head.as_str()));
    assert!(index.advance_meta("reconciled_head", Some(&head), "d3e4f5").unwrap());
    assert_eq!(index.meta("reconciled_head").unwrap().as_deref(), Some("d3e4f5"));
}

#[test]
fn the_store_is_a_readable_controlled_copy() {
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    drop(start(settings(data.path(), tree.path())));
    let subjects = git_log(data.path(), "%s");
    assert!(subjects.iter().any(|s| s == "QT-HTI-02 lần ban hành 1: Đăng ký kết hôn"), "{subjects:?}");
    let trailers = git_log(data.path(), "%(trailers:key=Procedure,key=Revision,valueonly,separator=%x20)");
    assert!(trailers.iter().any(|t| t == "QT-HTI-02 1"), "{trailers:?}");

    let clone = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("git")
        .args(["clone", "--quiet"])
        .arg(data.path().join("procedures.git"))
        .arg(clone.path().join("copy"))
        .status()
        .unwrap();
    assert!(status.success());
    let copy = clone.path().join("copy");
    assert_eq!(std::fs::read_to_string(copy.join("HTI/QT-HTI-02.md")).unwrap(), read_corpus_file("QT-HTI-02"));
    assert!(copy.join("fields.yaml").exists() && copy.join("legal-bases.yaml").exists());
}

/// The search index commits in the background. If the service stops after a publish but before
/// that commit, the next start finds the publish after the index's last marker and indexes it.
#[actix_web::test]
async fn a_publish_the_search_index_missed_is_indexed_on_the_next_start() {
    use actix_web::http::StatusCode;
    use qms::domain::Role;
    use serde_json::json;

    let tree = small_corpus(&["QT-HT-01", "QT-HTI-01"]);
    let data = tempfile::tempdir().unwrap();
    let first = start(settings(data.path(), tree.path()));
    for (name, role) in [("thuky", Role::Secretary), ("xemxet", Role::Reviewer), ("lanhdao", Role::Approver)] {
        add_user(&first, name, &[role], &[]);
    }
    let before_publish = first.state.first_org().store.head().unwrap();
    let c = Client::new(service(&first).await);
    let markdown = read_corpus_file("QT-HTI-01").replacen(
        "## 2. Phạm vi",
        "Tiếp nhận qua Cổng dịch vụ công quốc gia.\n\n## 2. Phạm vi",
        1,
    );
    let (status, cr) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-HTI-01", "kind": "revise", "reason": "Dịch vụ công", "markdown": markdown})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cr}");
    let id = cr["id"].as_i64().unwrap();
    for (user, action, body) in [
        ("thuky", "submit", json!({"reviewers": ["xemxet"], "approver": "lanhdao"})),
        ("xemxet", "reviews", json!({"decision": "approve"})),
        ("lanhdao", "approve", json!({"password": password_of("lanhdao")})),
        ("thuky", "publish", json!({"summary": "Dịch vụ công"})),
    ] {
        let (status, body) = c.call(user, "POST", &format!("/api/v1/change-requests/{id}/{action}"), Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    assert!(found(&c).await, "a search right after the publish sees it");

    // What the index would hold had the service stopped before committing the publish: the first
    // revision, marked as up to date with the commit before the publish.
    let search = first.state.first_org().search.clone();
    let stale = qms::service::ports::SearchDoc {
        code: "QT-HTI-01".into(),
        title: "Đăng ký khai sinh".into(),
        field: "HTI".into(),
        kind: "operational".into(),
        status: "effective".into(),
        revision: 1,
        headings: String::new(),
        body: "Đăng ký khai sinh".into(),
    };
    search.upsert(&[stale], before_publish.as_deref()).unwrap();
    assert!(!found(&c).await);
    drop(search);
    drop(c);
    drop(first);

    let second = start(settings(data.path(), tree.path()));
    // The database recorded the publish and moved the reconcile marker past it, so the start
    // reads no commit again and does not rebuild the search index: the missed publish is found
    // through the search index's own marker.
    assert_eq!(second.reconciled.commits_read, 0, "nothing to reconcile after a clean publish");
    let c = Client::new(service(&second).await);
    assert!(found(&c).await, "the next start indexed the missed publish");
    assert_eq!(second.state.first_org().search.marker().unwrap(), second.state.first_org().store.head().unwrap());
}

/// Whether searching without diacritics finds revision 2 of QT-HTI-01.
async fn found<S: TestApp<B>, B: actix_web::body::MessageBody>(c: &Client<S>) -> bool {
    let (_, hits) = c.call("thuky", "GET", "/api/v1/search?q=cong+dich+vu+cong+quoc+gia", None).await;
    hits["items"].as_array().unwrap().iter().any(|h| h["code"] == "QT-HTI-01" && h["revision"] == 2)
}
