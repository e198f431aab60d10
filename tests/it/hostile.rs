//! Requests an attacker sends, and damage an operator finds: each a class of defect found by
//! attacking a running service, with payloads of the class rather than one string.

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use qms::domain::Role;
use serde_json::{Value, json};

use crate::common::*;

#[actix_web::test]
async fn redirects_never_leave_the_site() {
    let world = World::with(&["QT-HTI-01"]).start();
    let app = service(&world.started).await;
    let off_site =
        ["/%09/evil.example", "/%0A/evil.example", "/%0D%0A/evil", "%2F%2Fevil.example", "/%01x", "/%5Cevil"];
    for next in off_site {
        let res = test::call_service(&app, TestRequest::get().uri(&format!("/lang/en?next={next}")).to_request()).await;
        assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/".to_owned()), "{next}");
    }
    for next in ["/\t/evil.example", "/\u{1}", "/\r\n/evil", "//evil.example"] {
        let csrf = login_csrf(&app).await;
        let form = [("csrf", csrf.as_str()), ("next", next), ("username", "admin"), ("password", ADMIN_PASSWORD)];
        let req = TestRequest::post()
            .uri("/login")
            .cookie(actix_web::cookie::Cookie::new("qms_login_csrf", csrf.clone()))
            .set_form(form)
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/".to_owned()), "{next:?}");
        assert!(res.response().cookies().any(|c| c.name() == "qms_token"), "signed in despite {next:?}");
    }
}

async fn preview<S: TestApp<B>, B: actix_web::body::MessageBody>(c: &Client<S>, markdown: &str) -> (StatusCode, Value) {
    c.call("canbo", "POST", "/api/v1/preview", Some(json!({"code": "QT-HTI-01", "markdown": markdown}))).await
}

fn has_rule(body: &Value, rule: &str) -> bool {
    body["problems"].as_array().is_some_and(|ps| ps.iter().any(|p| p["rule"] == rule))
}

#[actix_web::test]
async fn rendering_costs_what_the_text_weighs() {
    let world = World::with_cast(&["QT-HTI-01"]).start();
    let c = Client::new(service(&world.started).await);
    let original = read_corpus_file("QT-HTI-01");
    for hostile in [">".repeat(100_000), "- ".repeat(50_000), "1. ".repeat(30_000), format!("{}- x", " ".repeat(5000))]
    {
        let (status, body) = preview(&c, &format!("{original}\n{hostile}\n")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["html"].as_str().unwrap().starts_with("<pre class=\"unrendered\">"), "shown as text, not parsed");
        assert!(has_rule(&body, "markup"), "qms check names the nesting: {}", body["problems"]);
    }
    let (status, body) = preview(&c, &"a".repeat(600 * 1024)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("document_too_large")));
}

#[actix_web::test]
async fn markup_that_would_swallow_the_page_is_refused_and_never_rendered() {
    let world = World::with_cast(&["QT-HTI-01"]).start();
    let c = Client::new(service(&world.started).await);
    let original = read_corpus_file("QT-HTI-01");
    for hostile in [
        "<math><mtext><table><mglyph><style>",
        "<svg><style><img src=x onerror=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<textarea>",
        "<!--",
    ] {
        let markdown = original.replacen("## 2. Phạm vi", &format!("{hostile}\n\n## 2. Phạm vi"), 1);
        let (status, body) = preview(&c, &markdown).await;
        assert_eq!(status, StatusCode::OK);
        assert!(has_rule(&body, "markup"), "{hostile}: {}", body["problems"]);
        let html = body["html"].as_str().unwrap();
        assert!(html.contains("7. Hồ sơ cần lưu"), "{hostile}: the page must show every section");
        for tag in ["<math", "<svg", "<style", "<noscript", "<textarea", "<!--", "<img"] {
            assert!(!html.contains(tag), "{hostile}: {tag} reached the page");
        }
        let (status, cr) = c
            .call(
                "thuky",
                "POST",
                "/api/v1/change-requests",
                Some(json!({"code": "QT-HTI-01", "reason": "x", "kind": "revise"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let path = format!("/api/v1/change-requests/{}/content", cr["id"]);
        let (status, err) = c.call("thuky", "PUT", &path, Some(json!({"markdown": markdown}))).await;
        assert_eq!(
            (status, err["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_document"))
        );
    }
}

#[actix_web::test]
async fn a_change_published_before_the_action_was_planned_does_not_complete_it() {
    let world = World::with_cast(&["QT-HTI-01"]).user("thuchien", &[Role::Staff], &["HTI"]).start();
    let c = Client::new(service(&world.started).await);
    publish_edit(&c, "QT-HTI-01", |m| m.replacen("## 2. Phạm vi", "Bổ sung trước.\n\n## 2. Phạm vi", 1)).await;
    let (_, list) = c.call("thuky", "GET", "/api/v1/change-requests?status=published", None).await;
    let earlier = list["items"][0]["id"].clone();
    let nc = json!({"source": "other", "procedure_codes": ["QT-HTI-01"], "description": "Sổ theo dõi thiếu", "severity": "minor"});
    let (status, nc) = c.call("thuky", "POST", "/api/v1/nonconformities", Some(nc)).await;
    assert_eq!(status, StatusCode::CREATED, "{nc}");
    let due = (today() + chrono::Duration::days(30)).to_string();
    let ca = json!({"nonconformity_ids": [nc["id"]], "action": "Sửa quy trình", "owner": "thuchien", "due_date": due, "requires_change_of": "QT-HTI-01"});
    let (status, ca) = c.call("thuky", "POST", "/api/v1/corrective-actions", Some(ca)).await;
    assert_eq!(status, StatusCode::CREATED, "{ca}");
    let ca_path = format!("/api/v1/corrective-actions/{}", ca["id"]);
    c.call("thuchien", "POST", &format!("{ca_path}/start"), None).await;

    let (status, err) = c
        .call("thuchien", "POST", &format!("{ca_path}/link-change"), Some(json!({"change_request_id": earlier})))
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("change_published_before_action")),
        "{err}"
    );
    let (status, err) =
        c.call("thuchien", "POST", &format!("{ca_path}/complete"), Some(json!({"evidence": "Đã sửa"}))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("change_not_published")));

    publish_edit(&c, "QT-HTI-01", |m| m.replacen("## 2. Phạm vi", "Bổ sung sau.\n\n## 2. Phạm vi", 1)).await;
    let (status, done) =
        c.call("thuchien", "POST", &format!("{ca_path}/complete"), Some(json!({"evidence": "Đã sửa"}))).await;
    assert_eq!(status, StatusCode::OK, "a revision published for the action completes it: {done}");
    assert_ne!(done["change_request_id"], earlier);
}

async fn sign_in_from<S: TestApp<B>, B: actix_web::body::MessageBody>(
    app: &S,
    address: &str,
    username: &str,
    password: &str,
) -> (StatusCode, Value) {
    let req = TestRequest::post()
        .uri("/api/v1/auth/login")
        .peer_addr(format!("{address}:40000").parse().unwrap())
        .set_json(json!({"username": username, "password": password}));
    let res = test::call_service(app, req.to_request()).await;
    (res.status(), body_json(res).await)
}

#[actix_web::test]
async fn sign_in_answers_never_tell_which_accounts_exist() {
    let world = World::with_cast(&["QT-HTI-01"]).start();
    let app = service(&world.started).await;
    let mut answers = Vec::new();
    for (i, username) in ["thuky", "khong-ton-tai"].into_iter().enumerate() {
        let mut seen = Vec::new();
        for _ in 0..7 {
            let (status, body) = sign_in_from(&app, &format!("10.0.0.{}", i + 1), username, "sai-mat-khau").await;
            seen.push((status, body["error"]["code"].as_str().unwrap_or_default().to_owned()));
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1], "a real and an unknown account answer alike");
    assert_eq!(answers[0].last().unwrap().1, "account_locked");
}

#[actix_web::test]
async fn a_successful_sign_in_does_not_reset_the_address_throttle() {
    let world = World::with_cast(&["QT-HTI-01"]).start();
    let app = service(&world.started).await;
    for i in 0..19 {
        let (status, _) = sign_in_from(&app, "10.0.0.9", &format!("doan-{i}"), "sai").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = sign_in_from(&app, "10.0.0.9", "canbo", &password_of("canbo")).await;
    assert_eq!(status, StatusCode::OK, "the attacker's own account signs in");
    let (status, _) = sign_in_from(&app, "10.0.0.9", "doan-19", "sai").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = sign_in_from(&app, "10.0.0.9", "thuky", &password_of("thuky")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")));
}

#[actix_web::test]
async fn an_anonymous_caller_writes_little_to_the_event_log() {
    let world = World::with_cast(&["QT-HTI-01"]).start();
    let c = Client::new(service(&world.started).await);
    let long = "x".repeat(500_000);
    let (status, _) = sign_in_from(&c.app, "10.0.0.5", &long, "sai").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, events) = c.call("admin", "GET", "/api/v1/events?limit=5", None).await;
    let failed = events["items"].as_array().unwrap().iter().find(|e| e["action"] == "auth.login_failed").unwrap();
    let stored = failed.to_string().len();
    assert!(stored < 1_000, "a refused sign-in wrote {stored} bytes: {failed}");
    assert!(failed["actor"].as_str().unwrap().contains("(+499960 ký tự)"), "{failed}");
}

#[actix_web::test]
async fn signers_sign_the_content_they_were_shown() {
    let world = World::with_cast(&["QT-HTI-01"]).start();
    let c = Client::new(service(&world.started).await);
    let new = json!({"code": "QT-HTI-01", "reason": "Cập nhật", "kind": "revise"});
    let (_, cr) = c.call("thuky", "POST", "/api/v1/change-requests", Some(new)).await;
    let path = format!("/api/v1/change-requests/{}", cr["id"]);
    let first = cr["markdown"].as_str().unwrap().replacen("## 2. Phạm vi", "Bản thứ nhất.\n\n## 2. Phạm vi", 1);
    c.call("thuky", "PUT", &format!("{path}/content"), Some(json!({"markdown": first}))).await;
    c.call("thuky", "POST", &format!("{path}/submit"), Some(json!({"reviewers": ["xemxet"], "approver": "lanhdao"})))
        .await;
    let (_, shown) = c.call("xemxet", "GET", &path, None).await;
    let shown_hash = shown["content_hash"].clone();

    let swapped = first.replace("Bản thứ nhất.", "Bản đã tráo.");
    c.call("thuky", "PUT", &format!("{path}/content"), Some(json!({"markdown": swapped}))).await;
    let review = json!({"decision": "approve", "content_hash": shown_hash});
    let (status, err) = c.call("xemxet", "POST", &format!("{path}/reviews"), Some(review)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("content_changed")));

    let (_, current) = c.call("xemxet", "GET", &path, None).await;
    let review = json!({"decision": "approve", "content_hash": current["content_hash"]});
    assert_eq!(c.call("xemxet", "POST", &format!("{path}/reviews"), Some(review)).await.0, StatusCode::OK);
    let sign = json!({"password": password_of("lanhdao"), "content_hash": shown_hash});
    let (status, err) = c.call("lanhdao", "POST", &format!("{path}/approve"), Some(sign)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("content_changed")));
    let (_, after) = c.call("lanhdao", "GET", &path, None).await;
    assert_eq!(after["status"], "in_review", "nothing was signed");
}

#[actix_web::test]
async fn the_master_list_never_hands_a_spreadsheet_a_formula() {
    let world = World::with_cast(&["QT-HTI-01"]).start();
    let app = service(&world.started).await;
    let c = Client::new(app);
    publish_edit(&c, "QT-HTI-01", |m| {
        m.replacen("title: Đăng ký khai sinh", "title: \"=HYPERLINK(\\\"http://e.example\\\")\"", 1)
    })
    .await;
    let token = sign_in(&c.app, "thuky", &password_of("thuky")).await;
    let csv = body_text(test::call_service(&c.app, page("/master-list.csv", &token)).await).await;
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    for line in csv.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@']), "formula cell {cell} in {line}");
        }
    }
}

#[actix_web::test]
async fn answers_are_not_cached_and_cookies_follow_tls_from_a_trusted_proxy() {
    let world = World::with(&["QT-HTI-01"]).settings(|s| s.trusted_proxies = "10.9.9.9".into()).start();
    let app = service(&world.started).await;
    let c = Client::new(app);
    for uri in ["/api/v1/me", "/"] {
        let token = c.token("admin").await;
        let res = test::call_service(&c.app, page(uri, &token)).await;
        assert_eq!(res.headers().get("cache-control").unwrap(), "no-store", "{uri}");
    }
    let res = test::call_service(&c.app, TestRequest::get().uri("/static/qms.css").to_request()).await;
    assert_ne!(res.headers().get("cache-control").unwrap(), "no-store", "assets stay cacheable");

    for (peer, proto, secure) in
        [("10.9.9.9", "https", true), ("10.9.9.9", "http", false), ("10.1.1.1", "https", false)]
    {
        let csrf = login_csrf(&c.app).await;
        let form = [("csrf", csrf.as_str()), ("next", "/"), ("username", "admin"), ("password", ADMIN_PASSWORD)];
        let req = TestRequest::post()
            .uri("/login")
            .peer_addr(format!("{peer}:443").parse().unwrap())
            .insert_header(("x-forwarded-proto", proto))
            .cookie(actix_web::cookie::Cookie::new("qms_login_csrf", csrf.clone()))
            .set_form(form)
            .to_request();
        let res = test::call_service(&c.app, req).await;
        let cookie = res.response().cookies().find(|c| c.name() == "qms_token").expect("signed in");
        assert_eq!(cookie.secure().unwrap_or(false), secure, "{peer} {proto}");
    }
}

#[test]
fn the_data_directory_the_service_creates_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let tree = small_corpus(&["QT-HTI-01"]);
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("du-lieu");
    let _started = start(settings(&data, tree.path()));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("qms.sqlite3")), 0o600);
}

/// The search index is a cache: damage to it is discarded and rebuilt at start, never a refusal
/// to start nor a failed search afterwards.
#[actix_web::test]
async fn a_damaged_search_index_is_rebuilt_at_start() {
    let kinds = segment_file_kinds();
    assert!(kinds.len() >= 5, "the index has segment files of several kinds: {kinds:?}");
    let mut damages: Vec<String> = kinds.iter().map(|k| format!("remove the .{k} file")).collect();
    damages.extend(["truncate every file".to_owned(), "garble meta.json".to_owned()]);
    for damage in damages {
        let world = World::with_cast(&["QT-HTI-01", "QT-CT-01"]).start();
        let (tree, data) = (world.tree, world.data);
        drop(world.started);
        let index = data.path().join("search");
        let segments = segment_files(&index);
        match damage.strip_prefix("remove the .").and_then(|d| d.strip_suffix(" file")) {
            Some(kind) => {
                for f in segments.iter().filter(|f| f.extension().is_some_and(|e| e == kind)) {
                    std::fs::remove_file(f).unwrap();
                }
            }
            None if damage == "truncate every file" => {
                for f in &segments {
                    let len = std::fs::metadata(f).unwrap().len();
                    std::fs::OpenOptions::new().write(true).open(f).unwrap().set_len(len / 2).unwrap();
                }
            }
            None => std::fs::write(index.join("meta.json"), "{ not json").unwrap(),
        }
        let started = start(settings(data.path(), tree.path()));
        let c = Client::new(service(&started).await);
        for q in ["khai%20sinh", "%22khai%20sinh%22", "chung%20thuc"] {
            let (status, found) = c.call("canbo", "GET", &format!("/api/v1/search?q={q}"), None).await;
            assert_eq!(status, StatusCode::OK, "{damage}, {q}: {found}");
            assert!(
                found["total"].as_i64().unwrap_or(0) >= 1 || !found["items"].as_array().unwrap().is_empty(),
                "{damage}, {q}: {found}"
            );
        }
    }
}

/// The files of the index's segments (not its meta files or lock).
fn segment_files(index: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "json" && e != "lock"))
        .collect();
    files.sort();
    files
}

/// The kinds (extensions) of segment files an index of the corpus has.
fn segment_file_kinds() -> std::collections::BTreeSet<String> {
    let world = World::with(&["QT-HTI-01"]).start();
    drop(world.started);
    segment_files(&world.data.path().join("search"))
        .iter()
        .filter_map(|p| p.extension().map(|e| e.to_string_lossy().into_owned()))
        .collect()
}

/// Text a secretary types into the legal register is data, never YAML: quotes, colons, dashes and
/// line breaks are kept as written, and an unknown document type is refused.
#[actix_web::test]
async fn the_legal_register_keeps_any_text_as_written() {
    let world = World::with_cast(&["QT-HTI-01"]).start();
    let c = Client::new(service(&world.started).await);
    let odd = "Quy định \"chi tiết\": - # {x} 'y'\nLuật Hộ tịch";
    let new = json!({"key": "ND-1-2099", "type": "nghi_dinh", "number": "1/2099/NĐ-CP", "issuer": odd, "title": odd});
    let (status, added) = c.call("thuky", "POST", "/api/v1/legal-bases", Some(new)).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let (status, list) = c.call("thuky", "GET", "/api/v1/legal-bases", None).await;
    assert_eq!(status, StatusCode::OK);
    let kept = list["items"].as_array().unwrap().iter().find(|l| l["key"] == "ND-1-2099").unwrap().clone();
    assert_eq!((kept["title"].as_str(), kept["issuer"].as_str()), (Some(odd), Some(odd)));
    for kind in ["\"", "luat\nx: y", "nghị định"] {
        let new = json!({"key": "ND-2-2099", "type": kind, "number": "2", "issuer": "i", "title": "t"});
        let (status, err) = c.call("thuky", "POST", "/api/v1/legal-bases", Some(new)).await;
        assert_eq!(
            (status, err["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_legal_type"))
        );
    }
    let (status, _) = c.call("canbo", "GET", "/api/v1/procedures/QT-HTI-01", None).await;
    assert_eq!(status, StatusCode::OK, "the register still reads");
}
