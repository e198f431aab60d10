//! `qms user …` and `qms audit-log verify` as an operator runs them, on a real data directory.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use diesel::connection::SimpleConnection;
use diesel::{Connection, ExpressionMethods, QueryDsl, RunQueryDsl, SqliteConnection};

fn qms(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qms"))
        .args(args)
        .env("QMS_DATA_DIR", data)
        .env("QMS_PROCEDURES_DIR", data.join("no-corpus"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn accounts_are_managed_from_the_console() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let out =
        qms(d, &["user", "add", "lan", "--name", "Nguyễn Thị Lan", "--roles", "staff,reviewer"], "hoa-sen-2026\n");
    assert!(out.status.success(), "{}", text(&out));

    let out = qms(d, &["user", "add", "lan", "--name", "Lan khác"], "hoa-sen-2026\n");
    assert!(!out.status.success());
    assert!(text(&out).contains("đã có người dùng"), "{}", text(&out));

    let out = qms(d, &["user", "add", "thu", "--name", "Thu", "--roles", "emperor"], "hoa-sen-2026\n");
    assert!(!out.status.success());
    assert!(text(&out).contains("unknown role: emperor"), "{}", text(&out));

    let out = qms(d, &["user", "passwd", "lan"], "yeu\n");
    assert!(!out.status.success());
    assert!(text(&out).contains("ít nhất 10 ký tự"), "{}", text(&out));
    assert!(qms(d, &["user", "passwd", "lan"], "song-huong-2027\n").status.success());

    assert!(qms(d, &["user", "roles", "lan", "--roles", "auditor,staff"], "").status.success());
    assert!(qms(d, &["user", "disable", "lan"], "").status.success());
    let list = text(&qms(d, &["user", "list"], ""));
    let line = list.lines().find(|l| l.starts_with("lan ")).expect("lan listed");
    assert!(line.contains("staff,auditor") && line.contains("disabled"), "{line}");
    assert!(qms(d, &["user", "enable", "lan"], "").status.success());
    assert!(text(&qms(d, &["user", "list"], "")).lines().any(|l| l.starts_with("lan ") && l.ends_with("active")));
}

#[test]
fn audit_log_verify_names_the_edited_row() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    for name in ["anh", "binh", "chi"] {
        let out = qms(d, &["user", "add", name, "--name", name], "hoa-sen-2026\n");
        assert!(out.status.success(), "{}", text(&out));
    }
    // The first entry is the organisation's creation on the first start, then one per account.
    let out = qms(d, &["audit-log", "verify"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("4 entries verified"), "{}", text(&out));

    // Someone edits the third entry directly in the database.
    let mut db = SqliteConnection::establish(d.join("qms.sqlite3").to_str().unwrap()).unwrap();
    db.batch_execute("UPDATE events SET actor = 'mallory' WHERE id = 3").unwrap();
    let out = qms(d, &["audit-log", "verify"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("BROKEN at event id 3"), "{}", text(&out));
    assert!(text(&out).contains("edited"), "{}", text(&out));

    // Deleting a row instead breaks the link of the row after it.
    db.batch_execute("UPDATE events SET actor = 'qms-cli' WHERE id = 3; DELETE FROM events WHERE id = 3").unwrap();
    let out = qms(d, &["audit-log", "verify"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("BROKEN at event id 4"), "{}", text(&out));
}

/// The migration that drops the unique index on the events' hash rebuilds the table in SQLite: a
/// log written before it keeps every row, its ids and its chain, and new events continue both.
#[test]
fn the_event_log_survives_the_rebuild_that_drops_its_hash_index() {
    use diesel::sql_types::{Nullable, Text};
    use diesel_migrations::{FileBasedMigrations, MigrationHarness};
    use qms::domain::event::{GENESIS, NewEvent};

    // The schema an earlier release left: the migrations before 000005 only.
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let mut db = SqliteConnection::establish(d.join("qms.sqlite3").to_str().unwrap()).unwrap();
    let migrations =
        FileBasedMigrations::from_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite")).unwrap();
    for expected in ["20261126000001", "20261126000002", "20261126000003", "20261126000004"] {
        let ran = db.run_next_migration(migrations.clone()).unwrap().to_string();
        assert_eq!(ran, expected);
    }
    let unique_hash = |db: &mut SqliteConnection| {
        diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "SELECT count(*) FROM pragma_index_list('events') AS i, pragma_index_info(i.name) AS c \
             WHERE i.\"unique\" AND c.name = 'hash'",
        )
        .get_result::<i64>(db)
        .unwrap()
    };
    assert_eq!(unique_hash(&mut db), 1, "the earlier schema, with the unique index");

    // A log written by that release: three accounts created, each event chained to the one before.
    let mut prev = GENESIS.to_owned();
    for name in ["anh", "binh", "chi"] {
        let event = NewEvent::now("qms-cli", "user.create", "user", name).detail(r#"{"roles":["staff"]}"#);
        let hash = event.chained_hash(&prev);
        diesel::sql_query(
            "INSERT INTO events (at, actor, action, entity_type, entity_id, before_digest, after_digest, detail, \
             prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind::<Text, _>(&event.at)
        .bind::<Text, _>(&event.actor)
        .bind::<Text, _>(&event.action)
        .bind::<Text, _>(&event.entity_type)
        .bind::<Text, _>(&event.entity_id)
        .bind::<Nullable<Text>, _>(&event.before_digest)
        .bind::<Nullable<Text>, _>(&event.after_digest)
        .bind::<Text, _>(&event.detail)
        .bind::<Text, _>(&prev)
        .bind::<Text, _>(&hash)
        .execute(&mut db)
        .unwrap();
        prev = hash;
    }

    // The next start runs the remaining migrations on the populated log, creates the first
    // organisation (an event on its chain, which the old rows now belong to) and adds an account.
    assert!(qms(d, &["user", "add", "dung", "--name", "dung"], "hoa-sen-2026\n").status.success());
    assert_eq!(unique_hash(&mut db), 0, "the index is gone");
    let rows: Vec<(i32, String, String)> = diesel::dsl::sql::<(diesel::sql_types::Integer, Text, Text)>(
        "SELECT id, action, entity_id FROM events ORDER BY id",
    )
    .load(&mut db)
    .unwrap();
    let rows: Vec<(i32, &str, &str)> = rows.iter().map(|(id, a, e)| (*id, a.as_str(), e.as_str())).collect();
    assert_eq!(
        rows,
        [
            (1, "user.create", "anh"),
            (2, "user.create", "binh"),
            (3, "user.create", "chi"),
            (4, "organisation.create", "default"),
            (5, "user.create", "dung"),
        ],
        "every row kept with its id, the next ones numbered after them"
    );
    let orgs: Vec<i32> =
        diesel::dsl::sql::<diesel::sql_types::Integer>("SELECT DISTINCT org_id FROM events").load(&mut db).unwrap();
    assert_eq!(orgs, [1], "the old rows belong to the first organisation");
    let out = qms(d, &["audit-log", "verify"], "");
    assert!(out.status.success() && text(&out).contains("5 entries verified"), "{}", text(&out));
}

/// The chain alone cannot show the newest entries removed, nor an entry edited with every later
/// hash recomputed: the anchors in the git store do.
#[test]
fn audit_log_verify_compares_the_log_with_its_anchors_in_git() {
    use qms::db::schema::events::dsl as e;
    use qms::domain::event::NewEvent;
    for attack in ["remove the newest", "edit and recompute the chain"] {
        let data = tempfile::tempdir().unwrap();
        let d = data.path();
        for name in ["anh", "binh", "chi"] {
            assert!(qms(d, &["user", "add", name, "--name", name], "hoa-sen-2026\n").status.success());
        }
        let out = qms(d, &["audit-log", "verify"], "");
        assert!(text(&out).contains("4 entries verified, 1 anchors"), "{}", text(&out));
        let mut db = SqliteConnection::establish(d.join("qms.sqlite3").to_str().unwrap()).unwrap();
        if attack == "remove the newest" {
            db.batch_execute("DELETE FROM events WHERE id = 4").unwrap();
        } else {
            type Row = (i32, String, String, String, String, String, Option<String>, Option<String>, String);
            let rows: Vec<Row> = e::events
                .select((
                    e::id,
                    e::at,
                    e::actor,
                    e::action,
                    e::entity_type,
                    e::entity_id,
                    e::before_digest,
                    e::after_digest,
                    e::detail,
                ))
                .order(e::id.asc())
                .load(&mut db)
                .unwrap();
            let mut prev = qms::domain::event::GENESIS.to_owned();
            for (id, at, actor, action, entity_type, entity_id, before_digest, after_digest, detail) in rows {
                let actor = if id == 2 { "mallory".to_owned() } else { actor };
                let event = NewEvent {
                    at,
                    actor: actor.clone(),
                    action,
                    entity_type,
                    entity_id,
                    before_digest,
                    after_digest,
                    detail,
                };
                let hash = event.chained_hash(&prev);
                diesel::update(e::events.filter(e::id.eq(id)))
                    .set((e::actor.eq(actor), e::prev_hash.eq(&prev), e::hash.eq(&hash)))
                    .execute(&mut db)
                    .unwrap();
                prev = hash;
            }
        }
        let out = qms(d, &["audit-log", "verify"], "");
        assert_eq!(out.status.code(), Some(1), "{attack}: {}", text(&out));
        assert!(text(&out).contains("BROKEN at event id 4"), "{attack}: {}", text(&out));
        assert!(text(&out).contains("anchor"), "{attack}: {}", text(&out));
    }
}

/// A province set up from the console: units below the first organisation, an account in one of
/// them, the list, a new name; refusals change nothing.
#[test]
fn organisations_are_managed_from_the_console() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let out = qms(d, &["org", "add", "phu-vang", "--name", "UBND xã Phú Vang"], "");
    assert!(out.status.success(), "{}", text(&out));
    let out = qms(d, &["org", "add", "thon-1", "--name", "Thôn 1", "--kind", "other", "--parent", "phu-vang"], "");
    assert!(out.status.success(), "{}", text(&out));
    for bad in [
        &["org", "add", "Phu Vang", "--name", "x"][..],
        &["org", "add", "phu-vang", "--name", "Trùng mã"],
        &["org", "add", "xa-moi", "--name", "x", "--parent", "khong-co"],
        &["org", "add", "xa-moi", "--name", "x", "--corpus", "parent"],
    ] {
        let out = qms(d, bad, "");
        assert!(!out.status.success(), "{bad:?} is refused: {}", text(&out));
    }
    let out = qms(
        d,
        &["user", "add", "thuky-pv", "--name", "Thư ký", "--roles", "secretary", "--org", "phu-vang"],
        "hoa-sen-2026\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    let listed = text(&qms(d, &["user", "list", "--org", "phu-vang"], ""));
    assert!(listed.contains("thuky-pv") && !listed.contains("admin"), "{listed}");
    assert!(!text(&qms(d, &["user", "list"], "")).contains("thuky-pv"), "the first organisation's list");

    let out = qms(d, &["org", "rename", "default", "--name", "UBND xã Quảng Ngạn"], "");
    assert!(out.status.success(), "{}", text(&out));
    let list = String::from_utf8_lossy(&qms(d, &["org", "list"], "").stdout).into_owned();
    let lines: Vec<&str> = list.lines().skip(1).collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert!(lines[0].starts_with("default") && lines[0].ends_with("UBND xã Quảng Ngạn"), "{list}");
    assert!(lines[1].starts_with("phu-vang") && lines[1].contains("default"), "{list}");
    assert!(lines[2].starts_with("thon-1") && lines[2].contains(" other ") && lines[2].contains("phu-vang"), "{list}");
    assert!(!list.contains("xa-moi"), "{list}");
    assert!(d.join("orgs/phu-vang/procedures.git").is_dir(), "each organisation has its own store");
}
