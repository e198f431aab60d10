//! Upgrading a data directory written by the release before organisations (commit 1458820):
//! `tests/fixtures/data-1458820.tar.gz`, made by that release through its own HTTP API
//! (`tests/fixtures/make-data-1458820.sh`, which says what work it did), opened by the current
//! code. What was there is read from the unpacked database and git store before the new code
//! touches them; after the upgrade the same things must be there through the API, in the one
//! organisation the upgrade creates.

use std::path::Path;

use actix_web::http::StatusCode;
use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};
use diesel::{Connection, RunQueryDsl, SqliteConnection};
use serde_json::{Value, json};

use crate::common::*;

/// The fixture unpacked into a temporary directory: its data directory is `data/`.
fn unpack() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data-1458820.tar.gz");
    let out = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(&fixture)
        .arg("-C")
        .arg(dir.path())
        .output()
        .expect("tar runs");
    assert!(out.status.success(), "tar: {}", String::from_utf8_lossy(&out.stderr));
    dir
}

fn list(text: &str) -> Vec<String> {
    text.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}")).iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

type Procedure = (String, String, i32, String);
type Revision = (String, i32, String, String);
type User = (String, String, String, String, bool);
type Change = (i32, String, String, String, String, Option<i32>, String, String, String, Option<String>, Option<i32>);
type Signoff = (i32, String, String, String, String, bool);
type Audit = (i32, String, i32, String, String, String);
type Finding = (i32, i32, String, i32, String, String, String, Option<i32>);
type Nonconformity = (i32, String, String, String, Option<i32>, String, String);
type Action = (i32, String, String, String, String);

/// The rows of the earlier release, as it left them.
struct Before {
    procedures: Vec<Procedure>,
    revisions: Vec<Revision>,
    users: Vec<User>,
    changes: Vec<Change>,
    signoffs: Vec<Signoff>,
    audits: Vec<Audit>,
    findings: Vec<Finding>,
    nonconformities: Vec<Nonconformity>,
    nc_procedures: Vec<(i32, String)>,
    actions: Vec<Action>,
    nc_actions: Vec<(i32, i32)>,
    acknowledgements: Vec<(String, i32, String)>,
    events: Vec<(i32, String, String)>,
    anchors: usize,
}

fn read_before(data: &Path) -> Before {
    let mut db =
        SqliteConnection::establish(data.join("qms.sqlite3").to_str().unwrap()).expect("the fixture's database");
    let db = &mut db;
    let tables: Vec<String> =
        diesel::dsl::sql::<Text>("SELECT name FROM sqlite_master WHERE type = 'table'").load(db).unwrap();
    assert!(!tables.iter().any(|t| t == "organisations"), "the fixture is from before organisations: {tables:?}");
    let anchors = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(data.join("procedures.git"))
        .args(["rev-list", "--count", "refs/qms/event-anchors"])
        .output()
        .expect("git runs");
    Before {
        procedures: diesel::dsl::sql::<(Text, Text, Integer, Text)>(
            "SELECT code, title, current_revision, status FROM procedures ORDER BY code",
        )
        .load(db)
        .unwrap(),
        revisions: diesel::dsl::sql::<(Text, Integer, Text, Text)>(
            "SELECT procedure_code, revision, commit_id, summary FROM revisions ORDER BY procedure_code, revision DESC",
        )
        .load(db)
        .unwrap(),
        users: diesel::dsl::sql::<(Text, Text, Text, Text, Bool)>(
            "SELECT username, display_name, roles, fields, active FROM users ORDER BY username",
        )
        .load(db)
        .unwrap(),
        changes: diesel::dsl::sql::<(
            Integer,
            Text,
            Text,
            Text,
            Text,
            Nullable<Integer>,
            Text,
            Text,
            Text,
            Nullable<Text>,
            Nullable<Integer>,
        )>(
            "SELECT id, procedure_code, kind, status, author, base_revision, content_hash, draft_commit, reviewers, \
             approver, published_revision FROM change_requests ORDER BY id",
        )
        .load(db)
        .unwrap(),
        signoffs: diesel::dsl::sql::<(Integer, Text, Text, Text, Text, Bool)>(
            "SELECT change_request_id, kind, username, decision, content_hash, voided FROM signoffs ORDER BY id",
        )
        .load(db)
        .unwrap(),
        audits: diesel::dsl::sql::<(Integer, Text, Integer, Text, Text, Text)>(
            "SELECT id, title, year, status, lead_auditor, scope_fields FROM audits ORDER BY id",
        )
        .load(db)
        .unwrap(),
        findings: diesel::dsl::sql::<(Integer, Integer, Text, Integer, Text, Text, Text, Nullable<Integer>)>(
            "SELECT id, audit_id, procedure_code, procedure_revision, procedure_commit, clause, kind, nonconformity_id \
             FROM findings ORDER BY id",
        )
        .load(db)
        .unwrap(),
        nonconformities: diesel::dsl::sql::<(Integer, Text, Text, Text, Nullable<Integer>, Text, Text)>(
            "SELECT id, source, status, severity, finding_id, root_cause, description FROM nonconformities ORDER BY id",
        )
        .load(db)
        .unwrap(),
        nc_procedures: diesel::dsl::sql::<(Integer, Text)>(
            "SELECT nonconformity_id, procedure_code FROM nonconformity_procedures ORDER BY 1, 2",
        )
        .load(db)
        .unwrap(),
        actions: diesel::dsl::sql::<(Integer, Text, Text, Text, Text)>(
            "SELECT id, action, owner, status, due_date FROM corrective_actions ORDER BY id",
        )
        .load(db)
        .unwrap(),
        nc_actions: diesel::dsl::sql::<(Integer, Integer)>(
            "SELECT nonconformity_id, corrective_action_id FROM nonconformity_actions ORDER BY 1, 2",
        )
        .load(db)
        .unwrap(),
        acknowledgements: diesel::dsl::sql::<(Text, Integer, Text)>(
            "SELECT procedure_code, revision, username FROM acknowledgements ORDER BY 1, 2, 3",
        )
        .load(db)
        .unwrap(),
        events: diesel::dsl::sql::<(Integer, Text, Text)>("SELECT id, action, hash FROM events ORDER BY id")
            .load(db)
            .unwrap(),
        anchors: String::from_utf8_lossy(&anchors.stdout).trim().parse().expect("the fixture has anchors"),
    }
}

/// Every row of organisation 1's event log, oldest first, as the new schema holds it.
fn events_now(data: &Path) -> Vec<(i32, i32, String, String, String, String)> {
    let mut db = SqliteConnection::establish(data.join("qms.sqlite3").to_str().unwrap()).unwrap();
    diesel::dsl::sql::<(Integer, Integer, Text, Text, Text, Text)>(
        "SELECT id, org_id, action, entity_id, prev_hash, hash FROM events ORDER BY id",
    )
    .load(&mut db)
    .unwrap()
}

/// Every row of every table of the old database is in the upgraded one, unchanged in each column
/// the old table had, and belongs to organisation 1 where its table gained `org_id`; every table
/// but the event log and the migrations' record has exactly the rows it had.
fn every_old_row_kept(old: &Path, data: &Path) {
    let mut db = SqliteConnection::establish(data.join("qms.sqlite3").to_str().unwrap()).unwrap();
    db.batch_execute(&format!("ATTACH DATABASE '{}' AS old", old.display())).unwrap();
    let count =
        |db: &mut SqliteConnection, sql: String| diesel::dsl::sql::<BigInt>(&sql).get_result::<i64>(db).unwrap();
    let tables: Vec<String> = diesel::dsl::sql::<Text>(
        "SELECT name FROM old.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .load(&mut db)
    .unwrap();
    assert!(tables.len() >= 20, "{tables:?}");
    let mut lost = Vec::new();
    for table in &tables {
        let columns: Vec<String> =
            diesel::dsl::sql::<Text>(&format!("SELECT name FROM pragma_table_info('{table}', 'old')"))
                .load(&mut db)
                .unwrap();
        let now: Vec<String> =
            diesel::dsl::sql::<Text>(&format!("SELECT name FROM pragma_table_info('{table}', 'main')"))
                .load(&mut db)
                .unwrap();
        let columns = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
        let missing = count(
            &mut db,
            format!(
                "SELECT count(*) FROM (SELECT {columns} FROM old.\"{table}\" EXCEPT SELECT {columns} FROM main.\"{table}\")"
            ),
        );
        let (was, is) = (
            count(&mut db, format!("SELECT count(*) FROM old.\"{table}\"")),
            count(&mut db, format!("SELECT count(*) FROM main.\"{table}\"")),
        );
        if missing > 0 {
            lost.push(format!("{table}: {missing} of {was} rows missing or changed"));
        }
        if was != is && table != "events" && table != "__diesel_schema_migrations" {
            lost.push(format!("{table}: {was} rows before, {is} after"));
        }
        if now.iter().any(|c| c == "org_id") {
            let elsewhere = count(&mut db, format!("SELECT count(*) FROM main.\"{table}\" WHERE org_id <> 1"));
            if elsewhere > 0 {
                lost.push(format!("{table}: {elsewhere} rows not in organisation 1"));
            }
        }
    }
    assert!(lost.is_empty(), "the upgrade lost or moved rows: {lost:#?}");
}

#[actix_web::test]
async fn a_data_directory_of_the_release_before_organisations_opens_with_everything_in_it() {
    let dir = unpack();
    let data = dir.path().join("data");
    let before = read_before(&data);
    // What the fixture script did, so that a fixture made wrongly fails here and not below.
    assert!(before.procedures.len() >= 3 && before.revisions.iter().any(|r| r.1 == 2), "{:?}", before.revisions);
    assert!(before.users.len() >= 6 && !before.changes.is_empty() && !before.findings.is_empty());
    assert!(!before.nonconformities.is_empty() && !before.actions.is_empty() && !before.acknowledgements.is_empty());
    assert!(before.anchors > 0, "the old release anchored its log");

    let old = dir.path().join("old.sqlite3");
    std::fs::copy(data.join("qms.sqlite3"), &old).expect("a copy of the old database");

    // The new code on it: nothing to import (the corpus directory does not exist).
    let started = start(settings(&data, &dir.path().join("no-corpus")));
    assert!(started.imported.is_none(), "nothing imported again");
    assert!(started.first_admin.is_none(), "the old admin kept, no new one");

    // The start added exactly one event: the first organisation's creation, chained to the last
    // event of the old log; every old row is there with its id and hash, in organisation 1.
    let now = events_now(&data);
    assert_eq!(now.len(), before.events.len() + 1, "{now:?}");
    for ((id, org, action, _, _, hash), (old_id, old_action, old_hash)) in now.iter().zip(&before.events) {
        assert_eq!((id, org, action, hash), (old_id, &1, old_action, old_hash));
    }
    let (id, org, action, entity, prev, _) = now.last().unwrap();
    assert_eq!(
        (*id, *org, action.as_str(), entity.as_str()),
        (before.events.last().unwrap().0 + 1, 1, "organisation.create", "default")
    );
    assert_eq!(prev, &before.events.last().unwrap().2, "the new event continues the old chain");

    every_old_row_kept(&old, &data);

    let c = Client::new(service(&started).await);

    // One organisation, `default`, which every account belongs to.
    let (status, orgs) = c.call("admin", "GET", "/api/v1/orgs", None).await;
    assert_eq!(status, StatusCode::OK, "{orgs}");
    assert_eq!(orgs["total"], 1, "{orgs}");
    assert_eq!(orgs["items"][0]["slug"], "default", "{orgs}");
    assert_eq!(orgs["items"][0]["parent"], Value::Null, "{orgs}");

    // The accounts, their roles and fields; each signs in with its old password.
    let (_, users) = c.call("admin", "GET", "/api/v1/users?limit=500", None).await;
    let mut users_now: Vec<User> = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            assert_eq!(u["org"], "default", "{u}");
            (
                u["username"].as_str().unwrap().to_owned(),
                u["display_name"].as_str().unwrap().to_owned(),
                strings(&u["roles"]).join(","),
                strings(&u["fields"]).join(","),
                u["active"].as_bool().unwrap(),
            )
        })
        .collect();
    users_now.sort();
    assert_eq!(users_now, before.users);
    for (username, ..) in &before.users {
        let (status, me) = c.call(username, "GET", "/api/v1/me", None).await;
        assert_eq!(status, StatusCode::OK, "{username}: {me}");
        assert_eq!(me["username"], username.as_str());
    }

    // The procedures, their current revisions, and every revision with its commit.
    let (_, procedures) = c.call("thuky", "GET", "/api/v1/procedures?status=all&limit=500", None).await;
    let mut procedures_now: Vec<Procedure> = procedures["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_owned(),
                p["title"].as_str().unwrap().to_owned(),
                p["revision"].as_i64().unwrap() as i32,
                p["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    procedures_now.sort();
    assert_eq!(procedures_now, before.procedures);
    let published = git_log(&data, "%H");
    for (code, title, current, _) in &before.procedures {
        let (status, p) = c.call("thuky", "GET", &format!("/api/v1/procedures/{code}"), None).await;
        assert_eq!(status, StatusCode::OK, "{code}: {p}");
        let theirs: Vec<&Revision> = before.revisions.iter().filter(|r| &r.0 == code).collect();
        assert_eq!((p["revision"].as_i64(), p["commit"].as_str()), (Some(*current as i64), Some(theirs[0].2.as_str())));
        assert_eq!(p["title"], title.as_str());
        let (_, revisions) = c.call("thuky", "GET", &format!("/api/v1/procedures/{code}/revisions"), None).await;
        let revisions_now: Vec<Revision> = revisions["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    code.clone(),
                    r["revision"].as_i64().unwrap() as i32,
                    r["commit"].as_str().unwrap().to_owned(),
                    r["summary"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(revisions_now.iter().collect::<Vec<_>>(), theirs, "{code}");
        for r in &theirs {
            assert!(published.contains(&r.2), "{code} revision {} in the git store's history", r.1);
            let (status, old) =
                c.call("thuky", "GET", &format!("/api/v1/procedures/{code}/revisions/{}", r.1), None).await;
            assert_eq!((status, old["commit"].as_str()), (StatusCode::OK, Some(r.2.as_str())), "{old}");
        }
    }
    let second = before.revisions.iter().find(|r| r.1 == 2).unwrap();
    let (_, p) = c.call("canbo", "GET", &format!("/api/v1/procedures/{}", second.0), None).await;
    assert_eq!(
        (p["revision"].as_i64(), p["commit"].as_str()),
        (Some(2), Some(second.2.as_str())),
        "the published revision 2"
    );

    // Who acknowledged what.
    for (code, revision, username) in &before.acknowledgements {
        let uri = format!("/api/v1/procedures/{code}/acknowledgements?revision={revision}");
        let (status, acks) = c.call("thuky", "GET", &uri, None).await;
        assert_eq!(status, StatusCode::OK, "{acks}");
        assert!(acks["acknowledged"].as_array().unwrap().iter().any(|a| a["username"] == username.as_str()), "{acks}");
    }

    // The change requests, their sign-offs, and the draft each one's content is in.
    for (id, code, kind, status_, author, base, hash, draft, reviewers, approver, published) in &before.changes {
        let (status, cr) = c.call("thuky", "GET", &format!("/api/v1/change-requests/{id}"), None).await;
        assert_eq!(status, StatusCode::OK, "{cr}");
        assert_eq!(
            (&cr["code"], &cr["kind"], &cr["status"], &cr["author"], &cr["content_hash"], &cr["draft_commit"]),
            (&json!(code), &json!(kind), &json!(status_), &json!(author), &json!(hash), &json!(draft)),
            "change request {id}"
        );
        assert_eq!(
            (&cr["base_revision"], &cr["approver"], &cr["published_revision"]),
            (&json!(base), &json!(approver), &json!(published))
        );
        assert_eq!(strings(&cr["reviewers"]), list(reviewers));
        let mut signed: Vec<Signoff> = cr["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s, "review"))
            .chain(cr["approval"].is_object().then(|| (&cr["approval"], "approval")))
            .map(|(s, kind)| {
                (
                    *id,
                    kind.to_owned(),
                    s["username"].as_str().unwrap().to_owned(),
                    s["decision"].as_str().unwrap().to_owned(),
                    s["content_hash"].as_str().unwrap().to_owned(),
                    s["voided"].as_bool().unwrap(),
                )
            })
            .collect();
        signed.sort();
        let mut theirs: Vec<Signoff> = before.signoffs.iter().filter(|s| s.0 == *id).cloned().collect();
        theirs.sort();
        assert_eq!(signed, theirs, "change request {id}");
        let markdown = cr["markdown"].as_str().unwrap();
        assert!(markdown.starts_with("---\n") && markdown.contains(&format!("code: {code}")), "its draft is readable");
    }

    // The audits and their findings, pinned to the revision and commit they were made on.
    for (id, title, year, status_, lead, fields) in &before.audits {
        let (status, report) = c.call("danhgia", "GET", &format!("/api/v1/audits/{id}/report"), None).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let audit = &report["audit"];
        assert_eq!(
            (&audit["title"], &audit["year"], &audit["status"], &audit["lead_auditor"]),
            (&json!(title), &json!(year), &json!(status_), &json!(lead))
        );
        assert_eq!(strings(&audit["scope"]["fields"]), list(fields));
        let mut findings_now: Vec<Finding> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["id"].as_i64().unwrap() as i32,
                    f["audit_id"].as_i64().unwrap() as i32,
                    f["procedure_code"].as_str().unwrap().to_owned(),
                    f["procedure_revision"].as_i64().unwrap() as i32,
                    f["procedure_commit"].as_str().unwrap().to_owned(),
                    f["clause"].as_str().unwrap().to_owned(),
                    f["type"].as_str().unwrap().to_owned(),
                    f["nonconformity_id"].as_i64().map(|n| n as i32),
                )
            })
            .collect();
        findings_now.sort();
        let theirs: Vec<Finding> = before.findings.iter().filter(|f| f.1 == *id).cloned().collect();
        assert_eq!(findings_now, theirs, "audit {id}");
    }

    // The nonconformities and corrective actions.
    for (id, source, status_, severity, finding, root_cause, description) in &before.nonconformities {
        let (status, nc) = c.call("thuky", "GET", &format!("/api/v1/nonconformities/{id}"), None).await;
        assert_eq!(status, StatusCode::OK, "{nc}");
        assert_eq!(
            (&nc["source"], &nc["status"], &nc["severity"], &nc["finding_id"], &nc["root_cause"], &nc["description"]),
            (
                &json!(source),
                &json!(status_),
                &json!(severity),
                &json!(finding),
                &json!(root_cause),
                &json!(description)
            ),
            "nonconformity {id}"
        );
        let codes: Vec<String> = before.nc_procedures.iter().filter(|p| p.0 == *id).map(|p| p.1.clone()).collect();
        assert_eq!(strings(&nc["procedure_codes"]), codes, "nonconformity {id}");
        let actions: Vec<i64> = before.nc_actions.iter().filter(|a| a.0 == *id).map(|a| a.1 as i64).collect();
        assert_eq!(nc["corrective_action_ids"], json!(actions), "nonconformity {id}");
    }
    for (id, action, owner, status_, due) in &before.actions {
        let (status, ca) = c.call("canbo", "GET", &format!("/api/v1/corrective-actions/{id}"), None).await;
        assert_eq!(status, StatusCode::OK, "{ca}");
        assert_eq!(
            (&ca["action"], &ca["owner"], &ca["status"], &ca["due_date"]),
            (&json!(action), &json!(owner), &json!(status_), &json!(due)),
            "corrective action {id}"
        );
    }

    // Search finds each procedure by its whole title and by its title's last word (the old
    // release's index, of another schema, is rebuilt for the organisation at start).
    for (code, title, ..) in &before.procedures {
        let word = title.split_whitespace().last().unwrap();
        for q in [title.as_str(), word] {
            let query = serde_html_form::to_string([("q", q), ("limit", "50")]).unwrap();
            let (status, hits) = c.call("canbo", "GET", &format!("/api/v1/search?{query}"), None).await;
            assert_eq!(status, StatusCode::OK, "{hits}");
            assert!(hits["items"].as_array().unwrap().iter().any(|h| h["code"] == code.as_str()), "{q}: {hits}");
        }
    }

    // The event log through the API: the old entries, the organisation's creation, and the
    // sign-ins of this test, nothing else.
    let (_, events) = c.call("admin", "GET", "/api/v1/events?limit=500", None).await;
    let mut listed: Vec<&Value> = events["items"].as_array().unwrap().iter().collect();
    listed.reverse();
    assert_eq!(events["total"].as_u64(), Some(listed.len() as u64));
    for ((id, action, hash), e) in before.events.iter().zip(&listed) {
        assert_eq!((&e["id"], &e["action"], &e["hash"]), (&json!(id), &json!(action), &json!(hash)));
    }
    let added: Vec<&str> = listed[before.events.len()..].iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(added[0], "organisation.create", "{added:?}");
    assert!(added[1..].iter().all(|a| *a == "auth.login"), "{added:?}");
    assert_eq!(added.len(), 1 + before.users.len(), "one sign-in per account: {added:?}");

    // The chain verifies from the old release's first entry to the new ones, and the old
    // release's anchors in the git store still match.
    let verified = qms::service::audit_log::verify(&started.state.first_org()).expect("verify");
    assert_eq!(verified.broken, None);
    assert_eq!(verified.checked, listed.len());
    assert_eq!(verified.anchors, before.anchors);

    // Work under way in the old release goes on: a change request it left under review is
    // reviewed, approved and published now.
    if let Some((id, code, _, _, _, Some(base), hash, ..)) = before.changes.iter().find(|c| c.3 == "in_review") {
        let path = format!("/api/v1/change-requests/{id}");
        let (status, body) = c
            .call(
                "xemxet",
                "POST",
                &format!("{path}/reviews"),
                Some(json!({"decision": "approve", "content_hash": hash})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let sign = json!({"password": password_of("lanhdao"), "content_hash": hash});
        let (status, body) = c.call("lanhdao", "POST", &format!("{path}/approve"), Some(sign)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) =
            c.call("thuky", "POST", &format!("{path}/publish"), Some(json!({"summary": "Sau nâng cấp"}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, p) = c.call("canbo", "GET", &format!("/api/v1/procedures/{code}"), None).await;
        assert_eq!(p["revision"].as_i64(), Some(*base as i64 + 1), "{p}");
        assert_eq!(git_log(&data, "%H")[0], p["commit"].as_str().unwrap(), "published on the same git store");
        let verified = qms::service::audit_log::verify(&started.state.first_org()).expect("verify");
        assert_eq!(verified.broken, None);
        assert_eq!(verified.checked, events_now(&data).len());
    }
}
