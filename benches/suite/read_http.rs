//! Reading a current procedure over HTTP, side by side with nginx serving the same HTML as a
//! static file; both loaded by wrk on loopback.

use std::process::{Command, Stdio};
use std::time::Duration;

use actix_web::HttpServer;
use qms::app::Startup;
use serde_json::json;

struct Load {
    requests_per_second: f64,
    p50: String,
    p99: String,
}

fn wrk(url: &str, cookie: Option<&str>) -> Option<Load> {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "-c32", "-d5s", "--latency"]);
    if let Some(c) = cookie {
        cmd.args(["-H", &format!("Cookie: qms_token={c}")]);
    }
    let out = cmd.arg(url).output().ok().filter(|o| o.status.success())?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let field = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_owned)
    };
    Some(Load { requests_per_second: field("Requests/sec:")?.parse().ok()?, p50: field("50%")?, p99: field("99%")? })
}

/// Serves `started` in this process with two workers; its address and a handle to stop it.
pub fn serve(started: &Startup) -> (String, actix_web::dev::ServerHandle) {
    let state = started.state.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server =
                HttpServer::new(move || qms::app::build(state.clone())).workers(2).bind("127.0.0.1:0").unwrap();
            let port = server.addrs()[0].port();
            let running = server.run();
            tx.send((port, running.handle())).unwrap();
            let _ = running.await;
        })
    });
    let (port, handle) = rx.recv().unwrap();
    (format!("http://127.0.0.1:{port}"), handle)
}

/// Signs in through the API; the token.
pub fn sign_in(base: &str, username: &str, password: &str) -> String {
    let login: serde_json::Value = ureq::post(&format!("{base}/api/v1/auth/login"))
        .send_json(json!({"username": username, "password": password}))
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    login["token"].as_str().unwrap().to_owned()
}

pub fn current_procedure_vs_nginx(started: &Startup) {
    let (base, handle) = serve(started);
    let token = sign_in(&base, "canbo", &format!("canbo{}", crate::setup::PASSWORD_SUFFIX));
    let page = format!("{base}/procedures/QT-HTI-01");
    let html = ureq::get(&page)
        .header("Cookie", &format!("qms_token={token}"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let www = dir.path().join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("index.html"), &html).unwrap();
    let nginx_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let conf = format!(
        "worker_processes 2;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 1024; }}\nhttp {{ access_log off; server {{ listen 127.0.0.1:{nginx_port}; root {w}; location / {{ }} }} }}\n",
        d = dir.path().display(),
        w = www.display()
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
    let nginx = Command::new("nginx")
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(dir.path().join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    std::thread::sleep(Duration::from_millis(500));
    let ours = wrk(&page, Some(&token));
    let theirs = if nginx.is_ok() { wrk(&format!("http://127.0.0.1:{nginx_port}/index.html"), None) } else { None };
    if let Ok(mut child) = nginx {
        // TERM lets the master stop its workers; KILL would leave them running.
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let _ = child.wait();
    }
    actix_web::rt::System::new().block_on(handle.stop(true));
    match (ours, theirs) {
        (Some(q), Some(n)) => println!(
            "read a current procedure page ({} bytes, signed in): qms {:.0} req/s (p50 {}, p99 {}); nginx static file {:.0} req/s (p50 {}, p99 {}) → qms at {} of nginx (target ≥ 0.50×)",
            html.len(),
            q.requests_per_second,
            q.p50,
            q.p99,
            n.requests_per_second,
            n.p50,
            n.p99,
            crate::stats::ratio(q.requests_per_second, n.requests_per_second)
        ),
        (Some(q), None) => println!(
            "read a current procedure page: qms {:.0} req/s; nginx not available (apt install nginx)",
            q.requests_per_second
        ),
        _ => println!("read a current procedure page: wrk not available (apt install wrk)"),
    }
}

/// The resident memory of `qms serve` itself (the release binary, on a data directory of its own)
/// after importing the real corpus and serving its procedure page under the same load as above:
/// the service as deployed, without this suite's own threads and corpora in the figure.
pub fn server_memory(real: &std::path::Path) {
    let data = tempfile::tempdir().unwrap();
    let password = "quan-tri-do-kiem-1";
    let env = [("QMS_PROCEDURES_DIR", real.display().to_string()), ("QMS_ADMIN_PASSWORD", password.to_owned())];
    match served_memory(data.path(), &env, "admin", password) {
        Ok((rps, rss)) => println!(
            "memory of `qms serve` serving the real corpus ({rps:.0} req/s for 5 s): {rss} MB resident (target < 100 MB)"
        ),
        Err(why) => println!("memory of `qms serve`: not measured, {why}"),
    }
}

/// Runs the release binary on `data` (with `env` added), loads `QT-HTI-01`'s page as `user` for
/// 5 s, and reads its resident set: requests per second and MB.
pub fn served_memory(
    data: &std::path::Path,
    env: &[(&str, String)],
    user: &str,
    password: &str,
) -> Result<(f64, u64), String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_qms"));
    server
        .arg("serve")
        .env("QMS_DATA_DIR", data)
        .env("QMS_LISTEN", format!("127.0.0.1:{port}"))
        .env("QMS_WORKERS", "2")
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut server = server.spawn().map_err(|e| format!("qms serve: {e}"))?;
    let base = format!("http://127.0.0.1:{port}");
    let up = (0..600).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        ureq::get(&format!("{base}/healthz")).call().is_ok()
    });
    let login = up.then(|| {
        ureq::post(&format!("{base}/api/v1/auth/login"))
            .send_json(json!({"username": user, "password": password}))
            .map_err(|e| e.to_string())
            .and_then(|mut r| r.body_mut().read_json::<serde_json::Value>().map_err(|e| e.to_string()))
    });
    let load = match &login {
        None => Err("it did not answer /healthz within 60 s".to_owned()),
        Some(Err(e)) => Err(format!("signing in failed: {e}")),
        Some(Ok(body)) => body["token"]
            .as_str()
            .and_then(|t| wrk(&format!("{base}/procedures/QT-HTI-01"), Some(t)))
            .ok_or_else(|| "wrk failed (is it installed?)".to_owned()),
    };
    let rss = crate::measures::resident_mb(&server.id().to_string());
    let _ = server.kill();
    let _ = server.wait();
    load.map(|load| (load.requests_per_second, rss))
}
