//! The reading pages, signed in through the login form as a browser would.

use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

const CODES: [&str; 4] = ["QT-HT-01", "QT-HT-03", "QT-HTI-01", "QT-CT-01"];

#[actix_web::test]
async fn the_login_form_checks_csrf_and_credentials() {
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let app = service(&started).await;
    let csrf = login_csrf(&app).await;
    let post = |password: &'static str, csrf_field: String| {
        let form = [
            ("csrf", csrf_field),
            ("next", "/master-list".into()),
            ("username", "admin".into()),
            ("password", password.into()),
        ];
        TestRequest::post()
            .uri("/login")
            .cookie(actix_web::cookie::Cookie::new("qms_login_csrf", csrf.clone()))
            .set_form(form)
            .to_request()
    };
    let res = test::call_service(&app, post("sai mật khẩu", csrf.clone())).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(body_text(res).await.contains("Tên đăng nhập hoặc mật khẩu không đúng"));

    let res = test::call_service(&app, post(ADMIN_PASSWORD, "forged".into())).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.response().cookies().all(|c| c.name() != "qms_token"));

    let res = test::call_service(&app, post(ADMIN_PASSWORD, csrf.clone())).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers().get("location").unwrap(), "/master-list");
    let session = res.response().cookies().find(|c| c.name() == "qms_token").expect("session cookie");
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(session.same_site(), Some(actix_web::cookie::SameSite::Strict));
}

#[actix_web::test]
async fn a_reader_browses_reads_and_prints() {
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let app = service(&started).await;
    let token = sign_in(&app, "admin", ADMIN_PASSWORD).await;

    let home = body_text(test::call_service(&app, page("/", &token)).await).await;
    assert!(home.contains("Quy trình bắt buộc của hệ thống"));
    assert!(home.contains("QT-HT-03") && home.contains("Đánh giá nội bộ"));
    assert!(home.contains("Hộ tịch") && home.contains("1 quy trình"));
    assert!(home.contains("name=\"q\""), "search box");

    let field = body_text(test::call_service(&app, page("/fields/HTI", &token)).await).await;
    assert!(field.contains("/procedures/QT-HTI-01"));

    let text = body_text(test::call_service(&app, page("/procedures/QT-HTI-01", &token)).await).await;
    for label in [
        "Mã hiệu",
        "Lần ban hành",
        "Ngày hiệu lực",
        "Soạn thảo",
        "Xem xét",
        "Phê duyệt",
        "Theo dõi sửa đổi tài liệu",
        "Ban hành lần đầu",
    ] {
        assert!(text.contains(label), "procedure page lacks {label}");
    }
    assert!(!text.contains("banner superseded"), "the current revision has no superseded banner");

    // The print date is the day the page was made: today, or yesterday if midnight passed between.
    let before = today();
    let res = test::call_service(&app, page("/procedures/QT-HTI-01/print", &token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let print = body_text(res).await;
    assert!(print.contains("TÀI LIỆU KHÔNG KIỂM SOÁT KHI IN"));
    let printed_on = |d: chrono::NaiveDate| format!("In ngày {}", d.format("%d/%m/%Y"));
    assert!(print.contains(&printed_on(before)) || print.contains(&printed_on(today())), "the print date");
    assert!(print.contains("/static/print.css"));

    let css = test::call_service(&app, TestRequest::get().uri("/static/print.css").to_request()).await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(body_text(css).await.contains("size: A4"));

    let list = body_text(test::call_service(&app, page("/master-list", &token)).await).await;
    assert!(list.contains("Danh mục tài liệu nội bộ"));
    assert_eq!(list.matches("/procedures/QT-").count(), CODES.len());

    let res = test::call_service(&app, page("/master-list.csv", &token)).await;
    assert!(res.headers().get("content-type").unwrap().to_str().unwrap().starts_with("text/csv"));
    let csv = body_text(res).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), CODES.len() + 2, "a title naming the organisation, the header, a line a procedure");
    assert_eq!(lines[0], "\u{feff}Danh mục tài liệu nội bộ — Ủy ban nhân dân xã");
    assert!(lines[1].contains("Mã hiệu") && lines[1].contains("Ngày hiệu lực"));
    assert!(csv.contains("QT-HTI-01,Đăng ký khai sinh,Hộ tịch,1,2019-08-01,Đang hiệu lực"));
}

#[actix_web::test]
async fn english_on_request_and_friendly_errors() {
    let tree = small_corpus(&CODES);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let app = service(&started).await;
    let token = sign_in(&app, "admin", ADMIN_PASSWORD).await;

    let res = test::call_service(&app, TestRequest::get().uri("/lang/en?next=/procedures/QT-HT-01").to_request()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers().get("location").unwrap(), "/procedures/QT-HT-01");
    let lang = res.response().cookies().find(|c| c.name() == "qms_lang").unwrap().value().to_owned();
    let req = TestRequest::get()
        .uri("/procedures/QT-HT-01")
        .cookie(actix_web::cookie::Cookie::new("qms_token", token.clone()))
        .cookie(actix_web::cookie::Cookie::new("qms_lang", lang.clone()))
        .to_request();
    let text = body_text(test::call_service(&app, req).await).await;
    assert!(text.contains("Revision history") && text.contains("Effective date"));

    let res = test::call_service(&app, TestRequest::get().uri("/lang/en?next=https://evil.example").to_request()).await;
    assert_eq!(res.headers().get("location").unwrap(), "/");

    let res = test::call_service(&app, page("/procedures/QT-HTI-77", &token)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let text = body_text(res).await;
    assert!(text.contains("<!doctype html>") && text.contains("Không tìm thấy quy trình này"), "{text}");
    assert!(!text.contains("\"error\""), "no raw JSON on a page");

    let res = test::call_service(&app, page("/procedures/QT-HTI-01/revisions/9", &token)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
