//! The database is an index of git: restarts keep every revision, a second start imports nothing,
//! and a deleted database is rebuilt from the store with the same revisions and commits.

mod common;

use common::*;
use qms::service::ports::RevisionRecord;

const CODES: [&str; 3] = ["QT-HT-02", "QT-HTI-02", "QT-CT-03"];

fn all_revisions(startup: &qms::app::Startup) -> Vec<RevisionRecord> {
    let services = &startup.state.services;
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
    let fields_before = first.state.services.index.fields().unwrap();
    drop(first);

    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(data.path().join(format!("qms.sqlite3{suffix}")));
    }
    let rebuilt = start(settings(data.path(), tree.path()));
    assert!(rebuilt.imported.is_none(), "the store is not empty, so nothing is imported again");
    assert_eq!(rebuilt.reconciled.commits_read, CODES.len() + 1);
    let after = all_revisions(&rebuilt);
    assert_eq!(after, before, "same revisions, same commits, same dates");
    assert_eq!(rebuilt.state.services.index.fields().unwrap(), fields_before);
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
