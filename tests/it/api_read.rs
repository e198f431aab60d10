//! Reading procedures through the API and the pages, on a real SQLite database and git store.

use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

const CODES: [&str; 3] = ["QT-HT-01", "QT-HTI-01", "QT-CT-01"];

/// A procedure whose Markdown (not raw HTML, which the format refuses) carries script URLs.
fn hostile_procedure() -> String {
    let text = read_corpus_file("QT-CT-02");
    let hostile = "\n[bấm](javascript:alert(1)) ![ảnh](javascript:alert(2))\n\n";
    text.replacen("## 2. Phạm vi", &format!("{hostile}## 2. Phạm vi"), 1)
}

#[actix_web::test]
async fn raw_html_never_enters_the_store() {
    let tree = small_corpus(&CODES);
    let text = read_corpus_file("QT-CT-02");
    let hostile = "\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n";
    add_procedure(tree.path(), "QT-CT-02", &text.replacen("## 2. Phạm vi", &format!("{hostile}## 2. Phạm vi"), 1));
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let refused = &started.imported.as_ref().unwrap().refused;
    assert!(!refused.is_empty());
    for problem in refused {
        assert_eq!(problem.file, std::path::Path::new("CT/QT-CT-02.md"));
        assert_eq!(problem.rule, qms::check::Rule::Markup, "{problem:?}");
    }
}

async fn login(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
) -> String {
    let req = TestRequest::post()
        .uri("/api/v1/auth/login")
        .set_json(serde_json::json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .to_request();
    let res = test::call_service(app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = body_json(res).await;
    assert_eq!(body["user"]["username"], "admin");
    assert!(body["expires_at"].is_string());
    body["token"].as_str().expect("token").to_owned()
}

#[actix_web::test]
async fn lists_fields_and_every_imported_procedure() {
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let app = service(&started).await;
    let token = login(&app).await;
    let auth = ("Authorization", format!("Bearer {token}"));

    let res = test::call_service(
        &app,
        TestRequest::get().uri("/api/v1/procedures?limit=500").insert_header(auth.clone()).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = body_json(res).await;
    assert_eq!(body["total"], 3);
    let codes: Vec<&str> = body["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["QT-CT-01", "QT-HT-01", "QT-HTI-01"]);
    assert_eq!(body["items"][0]["revision"], 1);
    assert_eq!(body["items"][0]["status"], "effective");

    let res =
        test::call_service(&app, TestRequest::get().uri("/api/v1/fields").insert_header(auth.clone()).to_request())
            .await;
    let body = body_json(res).await;
    assert_eq!(body["total"], 21);
    let hti = body["items"].as_array().unwrap().iter().find(|f| f["code"] == "HTI").unwrap();
    assert_eq!(hti["name"], "Hộ tịch");
    assert_eq!(hti["procedure_count"], 1);

    let res = test::call_service(
        &app,
        TestRequest::get().uri("/api/v1/procedures?field=HT").insert_header(auth.clone()).to_request(),
    )
    .await;
    assert_eq!(body_json(res).await["total"], 1);
}

#[actix_web::test]
async fn a_procedure_comes_with_front_matter_markdown_and_sanitised_html() {
    let tree = small_corpus(&CODES);
    add_procedure(tree.path(), "QT-CT-02", &hostile_procedure());
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    assert!(started.imported.as_ref().unwrap().refused.is_empty());
    let app = service(&started).await;
    let token = login(&app).await;
    let auth = ("Authorization", format!("Bearer {token}"));

    let res = test::call_service(
        &app,
        TestRequest::get().uri("/api/v1/procedures/QT-HTI-01").insert_header(auth.clone()).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = body_json(res).await;
    assert_eq!(body["front_matter"]["code"], "QT-HTI-01");
    assert_eq!(body["front_matter"]["field"], "HTI");
    assert_eq!(body["markdown"], read_corpus_file("QT-HTI-01"));
    assert!(body["html"].as_str().unwrap().contains("<h2 id=\"1-muc-dich\">1. Mục đích</h2>"));
    assert_eq!(body["commit"].as_str().unwrap().len(), 40);
    assert_eq!(body["standing"], "current");

    let res = test::call_service(
        &app,
        TestRequest::get().uri("/api/v1/procedures/QT-CT-02").insert_header(auth.clone()).to_request(),
    )
    .await;
    let body = body_json(res).await;
    assert!(body["markdown"].as_str().unwrap().contains("javascript:alert(1)"), "the stored file is kept as written");
    let html = body["html"].as_str().unwrap().to_lowercase();
    for bad in ["<script", "onerror", "javascript:"] {
        assert!(!html.contains(bad), "{bad} reached the API html");
    }
    let res = test::call_service(
        &app,
        TestRequest::get().uri("/procedures/QT-CT-02").insert_header(auth.clone()).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = body_text(res).await.to_lowercase();
    for bad in ["<script>alert", "onerror", "javascript:"] {
        assert!(!page.contains(bad), "{bad} reached the page");
    }
}

#[actix_web::test]
async fn hostile_codes_never_reach_a_file() {
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let app = service(&started).await;
    let token = login(&app).await;
    for code in ["..%2F..%2Fetc%2Fpasswd", "..", "QT-HTI-01%2F..%2F..", "QT-HTI-99", "qt-hti-01", "%00", "QT-HTI-01.md"]
    {
        for prefix in ["/api/v1/procedures/", "/procedures/"] {
            let req = TestRequest::get()
                .uri(&format!("{prefix}{code}"))
                .insert_header(("Authorization", format!("Bearer {token}")))
                .to_request();
            let res = test::call_service(&app, req).await;
            assert!(
                matches!(res.status(), StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST),
                "{prefix}{code} -> {}",
                res.status()
            );
            let text = body_text(res).await;
            assert!(!text.contains("root:"), "{prefix}{code} leaked a file");
        }
    }
    let req = TestRequest::get()
        .uri("/api/v1/procedures/../../etc")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .to_request();
    assert!(test::call_service(&app, req).await.status().is_client_error());
}

#[actix_web::test]
async fn reading_requires_signing_in() {
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let app = service(&started).await;

    let res = test::call_service(&app, TestRequest::get().uri("/api/v1/procedures").to_request()).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body = body_json(res).await;
    assert_eq!(body["error"]["code"], "missing_token");
    assert!(body["error"]["message"].is_string());

    let res = test::call_service(
        &app,
        TestRequest::get().uri("/api/v1/fields").insert_header(("Authorization", "Bearer abc.def.ghi")).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_json(res).await["error"]["code"], "invalid_token");

    let res = test::call_service(&app, TestRequest::get().uri("/procedures/QT-HT-01").to_request()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers().get("location").unwrap(), "/login?next=/procedures/QT-HT-01");

    let req = TestRequest::post()
        .uri("/api/v1/auth/login")
        .set_json(serde_json::json!({"username": "admin", "password": "sai"}))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_json(res).await["error"]["code"], "invalid_credentials");

    let res = test::call_service(&app, TestRequest::get().uri("/healthz").to_request()).await;
    assert_eq!(body_json(res).await, serde_json::json!({"status": "ok"}));
}

#[actix_web::test]
async fn malformed_requests_get_json_4xx() {
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let app = service(&started).await;
    let token = login(&app).await;

    let req = TestRequest::post()
        .uri("/api/v1/auth/login")
        .insert_header(("content-type", "application/json"))
        .set_payload("{not json")
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(body_json(res).await["error"]["code"], "malformed_json");

    let huge = format!("{{\"username\":\"{}\",\"password\":\"x\"}}", "a".repeat(2 * 1024 * 1024));
    let req = TestRequest::post()
        .uri("/api/v1/auth/login")
        .insert_header(("content-type", "application/json"))
        .set_payload(huge)
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    for uri in [
        "/api/v1/procedures?limit=abc",
        "/api/v1/procedures?limit=0",
        "/api/v1/procedures?status=nope",
        "/api/v1/procedures?kind=x",
    ] {
        let req = TestRequest::get().uri(uri).insert_header(("Authorization", format!("Bearer {token}"))).to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{uri}");
        assert!(body_json(res).await["error"]["code"].is_string());
    }
    let req = TestRequest::get()
        .uri("/api/v1/nothing-here")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(body_json(res).await["error"]["code"], "not_found");
}
