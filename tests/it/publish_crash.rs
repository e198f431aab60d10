//! Killing the process during a publish: the `qms` binary is aborted at fault points just before
//! and just after the git commit; after a restart, git and the database agree and nothing is lost.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn qms(data: &Path, corpus: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qms"));
    cmd.env("QMS_DATA_DIR", data)
        .env("QMS_PROCEDURES_DIR", corpus)
        .env("QMS_ADMIN_PASSWORD", crate::common::ADMIN_PASSWORD)
        .env_remove("QMS_FAULT")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn serve(data: &Path, corpus: &Path, fault: Option<&str>) -> Server {
    let port = free_port();
    let mut cmd = qms(data, corpus);
    cmd.arg("serve").env("QMS_LISTEN", format!("127.0.0.1:{port}")).env("QMS_WORKERS", "2");
    if let Some(point) = fault {
        cmd.env("QMS_FAULT", point);
    }
    let server = Server { child: cmd.spawn().unwrap(), base: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(60);
    while ureq::get(&format!("{}/healthz", server.base)).call().is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

fn add_user(data: &Path, corpus: &Path, name: &str, roles: &str) {
    let mut child = qms(data, corpus).args(["user", "add", name, "--name", name, "--roles", roles]).spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(format!("{}\n", crate::common::password_of(name)).as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

fn call(server: &Server, user: &str, method: &str, path: &str, body: Value) -> Result<(u16, Value), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let login = agent
        .post(&format!("{}/api/v1/auth/login", server.base))
        .send_json(json!({"username": user, "password": crate::common::password_of(user)}))
        .map_err(|e| e.to_string())?
        .body_mut()
        .read_json::<Value>()
        .map_err(|e| e.to_string())?;
    let token = login["token"].as_str().ok_or("no token")?.to_owned();
    let url = format!("{}{path}", server.base);
    let auth = format!("Bearer {token}");
    let mut res = match method {
        "GET" => agent.get(&url).header("Authorization", &auth).call(),
        "PUT" => agent.put(&url).header("Authorization", &auth).send_json(body),
        _ => agent.post(&url).header("Authorization", &auth).send_json(body),
    }
    .map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    Ok((status, res.body_mut().read_json().map_err(|e| e.to_string())?))
}

/// Takes a revision of QT-HTI-01 to `approved`; its id.
fn approved_change(server: &Server) -> i64 {
    let (status, cr) = call(
        server,
        "thuky",
        "POST",
        "/api/v1/change-requests",
        json!({"code": "QT-HTI-01", "reason": "Thử sự cố", "kind": "revise"}),
    )
    .unwrap();
    assert_eq!(status, 201, "{cr}");
    let id = cr["id"].as_i64().unwrap();
    let markdown = cr["markdown"].as_str().unwrap().replacen("## 2. Phạm vi", "Đoạn bổ sung.\n\n## 2. Phạm vi", 1);
    let steps = [
        ("thuky", "PUT", "content", json!({"markdown": markdown})),
        ("thuky", "POST", "submit", json!({"reviewers": ["xemxet"], "approver": "lanhdao"})),
        ("xemxet", "POST", "reviews", json!({"decision": "approve"})),
        ("lanhdao", "POST", "approve", json!({"password": crate::common::password_of("lanhdao")})),
    ];
    for (user, method, action, body) in steps {
        let (status, body) =
            call(server, user, method, &format!("/api/v1/change-requests/{id}/{action}"), body).unwrap();
        assert_eq!(status, 200, "{action}: {body}");
    }
    id
}

fn publish(server: &Server, id: i64) -> Result<(u16, Value), String> {
    call(server, "thuky", "POST", &format!("/api/v1/change-requests/{id}/publish"), json!({"summary": "Sau sự cố"}))
}

fn wait_for_exit(server: &mut Server) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the server did not abort");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn state(server: &Server, id: i64) -> (i64, String) {
    let (_, procedure) = call(server, "xemxet", "GET", "/api/v1/procedures/QT-HTI-01", Value::Null).unwrap();
    let (_, cr) = call(server, "thuky", "GET", &format!("/api/v1/change-requests/{id}"), Value::Null).unwrap();
    (procedure["revision"].as_i64().unwrap(), cr["status"].as_str().unwrap().to_owned())
}

#[test]
fn a_crash_at_any_point_of_publishing_leaves_git_and_the_database_consistent() {
    let corpus = crate::common::small_corpus(&["QT-HT-01", "QT-HTI-01"]);
    let data = tempfile::tempdir().unwrap();
    let (d, c) = (data.path(), corpus.path());
    add_user(d, c, "thuky", "secretary");
    add_user(d, c, "xemxet", "reviewer");
    add_user(d, c, "lanhdao", "approver");

    // Killed before the git commit: nothing was published, the request can still be published.
    let mut server = serve(d, c, Some("publish.before_git"));
    let id = approved_change(&server);
    assert!(publish(&server, id).is_err(), "the process died during the request");
    wait_for_exit(&mut server);
    let commits_before = crate::common::git_log(d, "%H").len();
    let server = serve(d, c, None);
    assert_eq!(state(&server, id), (1, "approved".into()));
    drop(server);

    // Killed right after the git commit, before the database: the restart completes the publish.
    let mut server = serve(d, c, Some("publish.after_git"));
    assert!(publish(&server, id).is_err());
    wait_for_exit(&mut server);
    assert_eq!(crate::common::git_log(d, "%H").len(), commits_before + 1, "the commit reached git");
    let server = serve(d, c, None);
    assert_eq!(state(&server, id), (2, "published".into()), "reconciled from git at start-up");
    let (status, body) = publish(&server, id).unwrap();
    assert_eq!(status, 409, "published once, never twice: {body}");
    assert_eq!(crate::common::git_log(d, "%H").len(), commits_before + 1);
    let (_, history) = call(&server, "xemxet", "GET", "/api/v1/procedures/QT-HTI-01/revisions", Value::Null).unwrap();
    assert_eq!(history["total"], 2);
}
