//! The change-control journey in the web UI, through the same forms a browser submits.

use crate::common::*;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use qms::domain::Role;

fn textarea(page: &str) -> String {
    let start = page.find("name=\"markdown\"").unwrap();
    let open = page[start..].find('>').unwrap() + start + 1;
    let close = page[open..].find("</textarea>").unwrap() + open;
    page[open..close]
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[actix_web::test]
async fn a_secretary_revises_a_procedure_through_the_pages() {
    let tree = small_corpus(&["QT-HT-01", "QT-HTI-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    add_user(&started, "thuky", &[Role::Secretary], &[]);
    add_user(&started, "xemxet", &[Role::Reviewer], &[]);
    add_user(&started, "lanhdao", &[Role::Approver], &[]);
    add_user(&started, "canbo", &[Role::Staff], &["HTI"]);
    let app = service(&started).await;
    let get = |uri: &str, token: &str| page(uri, token);
    let call = |req| test::call_service(&app, req);
    let thuky = sign_in(&app, "thuky", &password_of("thuky")).await;

    let procedure = body_text(call(get("/procedures/QT-HTI-01", &thuky)).await).await;
    assert!(procedure.contains("/change-requests/new?code=QT-HTI-01&amp;kind=revise"));
    let form = body_text(call(get("/change-requests/new?code=QT-HTI-01&kind=revise", &thuky)).await).await;
    let csrf = csrf_of(&form);
    let res = call(form_post(
        "/change-requests",
        &thuky,
        &[("csrf", &csrf), ("kind", "revise"), ("code", "QT-HTI-01"), ("reason", "Bổ sung đăng ký trực tuyến")],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let id = location.trim_start_matches("/change-requests/").to_owned();

    // The editor: a broken document comes back with its problems; a good one is saved.
    let editor = body_text(call(get(&format!("/change-requests/{id}/edit"), &thuky)).await).await;
    let markdown = textarea(&editor);
    assert!(markdown.starts_with("---\ncode: QT-HTI-01"), "{markdown:.80}");
    let broken = markdown.replace("### 5.3 Số lượng hồ sơ", "### 5.3 Số bộ");
    let res =
        call(form_post(&format!("/change-requests/{id}/edit"), &thuky, &[("csrf", &csrf), ("markdown", &broken)]))
            .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = body_text(res).await;
    assert!(again.contains("thiếu mục") && again.contains("5.3 Số lượng hồ sơ"), "problems beside the editor");
    let edited = markdown.replacen("## 2. Phạm vi", "Tiếp nhận cả hồ sơ nộp trực tuyến.\r\n\r\n## 2. Phạm vi", 1);
    let res =
        call(form_post(&format!("/change-requests/{id}/edit"), &thuky, &[("csrf", &csrf), ("markdown", &edited)]))
            .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let detail = body_text(call(get(&format!("/change-requests/{id}"), &thuky)).await).await;
    assert!(
        detail.contains("1. Mục đích") && detail.contains("change-tag changed"),
        "the structured view names the section"
    );
    let res = call(form_post(
        &format!("/change-requests/{id}/submit"),
        &thuky,
        &[("csrf", &csrf), ("reviewers", "xemxet"), ("approver", "lanhdao")],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let xemxet = sign_in(&app, "xemxet", &password_of("xemxet")).await;
    let detail = body_text(call(get(&format!("/change-requests/{id}"), &xemxet)).await).await;
    assert!(detail.contains("action=\"/change-requests/") && detail.contains("/reviews\""));
    let res = call(form_post(
        &format!("/change-requests/{id}/reviews"),
        &xemxet,
        &[
            ("csrf", &csrf_of(&detail)),
            ("decision", "approve"),
            ("comment", "Đồng ý"),
            ("content_hash", &hidden_value(&detail, "content_hash")),
        ],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let lanhdao = sign_in(&app, "lanhdao", &password_of("lanhdao")).await;
    let detail = body_text(call(get(&format!("/change-requests/{id}"), &lanhdao)).await).await;
    let lcsrf = csrf_of(&detail);
    let seen = hidden_value(&detail, "content_hash");
    let res = call(form_post(
        &format!("/change-requests/{id}/approve"),
        &lanhdao,
        &[("csrf", &lcsrf), ("password", "sai"), ("comment", ""), ("content_hash", &seen)],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = body_text(res).await;
    let approve_form = &refused[refused.find("id=\"approve\"").unwrap()..];
    assert!(
        approve_form[..approve_form.find("</form>").unwrap()].contains("Mật khẩu xác nhận không đúng"),
        "the error sits in the approval form"
    );
    // In English the same refusal reads in English.
    let mut english = form_post(
        &format!("/change-requests/{id}/approve"),
        &lanhdao,
        &[("csrf", &lcsrf), ("password", "sai"), ("comment", ""), ("content_hash", &seen)],
    );
    english.headers_mut().insert(
        actix_web::http::header::COOKIE,
        actix_web::http::header::HeaderValue::from_str(&format!("qms_token={lanhdao}; qms_lang=en")).unwrap(),
    );
    let res = call(english).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(res).await.contains("The confirmation password is wrong; nothing was signed."));
    let res = call(form_post(
        &format!("/change-requests/{id}/approve"),
        &lanhdao,
        &[("csrf", &lcsrf), ("password", &password_of("lanhdao")), ("comment", "Ký"), ("content_hash", &seen)],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let res = call(form_post(
        &format!("/change-requests/{id}/publish"),
        &thuky,
        &[("csrf", &csrf), ("summary", "Bổ sung hồ sơ trực tuyến"), ("effective_date", &today().to_string())],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let canbo = sign_in(&app, "canbo", &password_of("canbo")).await;
    let current = body_text(call(get("/procedures/QT-HTI-01", &canbo)).await).await;
    assert!(
        current.contains("Tiếp nhận cả hồ sơ nộp trực tuyến.")
            && current.contains(&today().format("%d/%m/%Y").to_string())
    );
    assert!(current.contains("Bổ sung hồ sơ trực tuyến"), "the revision table row");
    let old = body_text(call(get("/procedures/QT-HTI-01/revisions/1", &canbo)).await).await;
    assert!(old.contains("banner superseded") && old.contains("Phiên bản này đã được thay thế"));
    let compare = body_text(call(get("/procedures/QT-HTI-01/diff?from=1&to=2", &canbo)).await).await;
    assert!(compare.contains("Tiếp nhận cả hồ sơ nộp trực tuyến."));

    let res = call(form_post(
        "/procedures/QT-HTI-01/acknowledge",
        &canbo,
        &[("csrf", &csrf_of(&current)), ("revision", "2")],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let current = body_text(call(get("/procedures/QT-HTI-01", &canbo)).await).await;
    assert!(current.contains("Bạn đã xác nhận đọc phiên bản này."));
    let who = body_text(call(get("/procedures/QT-HTI-01/acknowledgements", &thuky)).await).await;
    let read = &who[who.find("Đã xác nhận").unwrap()..];
    assert!(read.contains("canbo"));
    let res = call(get("/procedures/QT-HTI-01/acknowledgements", &canbo)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn preview_needs_the_page_csrf_and_legal_supersession_flags_procedures() {
    let tree = small_corpus(&["QT-HT-01", "QT-HTI-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    add_user(&started, "thuky", &[Role::Secretary], &[]);
    let app = service(&started).await;
    let thuky = sign_in(&app, "thuky", &password_of("thuky")).await;
    let home = body_text(test::call_service(&app, page("/", &thuky)).await).await;
    let csrf = csrf_of(&home);

    let markdown = read_corpus_file("QT-HTI-01").replace("## 6. Biểu mẫu", "## 6. Mẫu");
    let preview = |header: Option<&str>| {
        let mut req = TestRequest::post()
            .uri("/api/v1/preview")
            .cookie(Cookie::new("qms_token", thuky.clone()))
            .set_json(serde_json::json!({"code": "QT-HTI-01", "markdown": markdown}));
        if let Some(h) = header {
            req = req.insert_header(("x-csrf-token", h.to_owned()));
        }
        req.to_request()
    };
    let res = test::call_service(&app, preview(None)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a cookie alone cannot call the API from another site");
    let res = test::call_service(&app, preview(Some(&csrf))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = body_json(res).await;
    assert!(body["html"].as_str().unwrap().contains("<h2 id=\"1-muc-dich\">"));
    assert!(body["problems"].as_array().unwrap().iter().any(|p| p["rule"] == "missing-section"));

    let res = test::call_service(
        &app,
        form_post(
            "/legal-bases/LUAT-HOTICH-2014/supersede",
            &thuky,
            &[("csrf", &csrf), ("superseded_by", "ND-123-2015")],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers().get("location").unwrap().to_str().unwrap();
    assert!(location.contains("QT-HTI-01"), "{location}");
    let due = body_text(test::call_service(&app, page("/review-due", &thuky)).await).await;
    let flagged = &due[due.find("Tài liệu viện dẫn văn bản đã hết hiệu lực").unwrap()..];
    assert!(flagged.contains("QT-HTI-01") && flagged.contains("LUAT-HOTICH-2014"));
    assert!(git_log(data.path(), "%s")[0].contains("hết hiệu lực, thay thế bởi ND-123-2015"));

    let res = test::call_service(
        &app,
        form_post(
            "/legal-bases/LUAT-HOTICH-2014/supersede",
            &thuky,
            &[("csrf", &csrf), ("superseded_by", "ND-123-2015")],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "already superseded: shown on the page");
    assert!(body_text(res).await.contains("đã được đánh dấu hết hiệu lực"));
}
