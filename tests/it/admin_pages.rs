//! The administration pages: accounts through forms, errors beside the field, the event log.

use crate::common::*;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

fn post(uri: &str, token: &str, body: &str) -> actix_http::Request {
    TestRequest::post()
        .uri(uri)
        .cookie(Cookie::new("qms_token", token.to_owned()))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(body.to_owned())
        .to_request()
}

#[actix_web::test]
async fn an_admin_manages_accounts_through_the_pages() {
    let tree = small_corpus(&["QT-HT-01", "QT-HTI-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let app = service(&started).await;
    let token = sign_in(&app, "admin", ADMIN_PASSWORD).await;

    let list = body_text(test::call_service(&app, page("/admin/users", &token)).await).await;
    assert!(list.contains("Tài khoản người dùng") && list.contains("/admin/users/admin"));
    let csrf = csrf_of(&list);

    // A weak password: the form comes back with the message next to the password field.
    let body = format!(
        "csrf={csrf}&username=lan&display_name=Nguy%E1%BB%85n+Th%E1%BB%8B+Lan&password=ngan&roles=staff&roles=reviewer&fields=HTI"
    );
    let res = test::call_service(&app, post("/admin/users", &token, &body)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = body_text(res).await;
    assert!(again.contains("id=\"password-error\"") && again.contains("ít nhất 10 ký tự"), "{again}");
    assert!(again.contains("value=\"Nguyễn Thị Lan\""), "typed values are kept");
    assert!(again.contains("value=\"reviewer\" checked"), "checked roles are kept");

    let body = format!(
        "csrf={csrf}&username=lan&display_name=Nguy%E1%BB%85n+Th%E1%BB%8B+Lan&password=hoa-sen-2026&roles=staff&roles=reviewer&fields=HTI"
    );
    let res = test::call_service(&app, post("/admin/users", &token, &body)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers().get("location").unwrap(), "/admin/users/lan?saved=1");
    let lan = started.state.first_org().users.user("lan").unwrap().unwrap();
    assert_eq!(lan.fields, ["HTI"]);
    assert_eq!(lan.roles.len(), 2);

    // The same username again: 409, message beside the username.
    let res = test::call_service(&app, post("/admin/users", &token, &body)).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(body_text(res).await.contains("id=\"username-error\""));

    // A forged form changes nothing.
    let forged = body.replace(&csrf, "00000000000000000000000000000000").replace("username=lan", "username=mallory");
    let res = test::call_service(&app, post("/admin/users", &token, &forged)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(started.state.first_org().users.user("mallory").unwrap().is_none());

    // Disable lan (the "active" box unticked).
    let edit = body_text(test::call_service(&app, page("/admin/users/lan?saved=1", &token)).await).await;
    assert!(edit.contains("Đã lưu thay đổi."));
    let body = format!("csrf={}&display_name=Lan&roles=staff", csrf_of(&edit));
    let res = test::call_service(&app, post("/admin/users/lan", &token, &body)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!started.state.first_org().users.user("lan").unwrap().unwrap().active);

    let log = body_text(test::call_service(&app, page("/admin/events?entity=user:lan", &token)).await).await;
    assert!(log.contains("user.disable") && log.contains("user.create"), "{log}");
}

#[actix_web::test]
async fn staff_cannot_open_administration() {
    let tree = small_corpus(&["QT-HT-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let services = &started.state.first_org();
    let new = qms::service::users::NewUser {
        username: "lan".into(),
        display_name: "Lan".into(),
        password: "hoa-sen-2026".into(),
        roles: vec![qms::domain::Role::Staff],
        fields: vec![],
    };
    qms::service::users::create(services, qms::service::users::Operator::CommandLine, new).unwrap();
    let app = service(&started).await;
    let token = sign_in(&app, "lan", "hoa-sen-2026").await;
    let home = body_text(test::call_service(&app, page("/", &token)).await).await;
    assert!(!home.contains("/admin/users"), "no administration link for staff");
    for uri in ["/admin/users", "/admin/events", "/admin/users/admin"] {
        let res = test::call_service(&app, page(uri, &token)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{uri}");
        assert!(body_text(res).await.contains("<!doctype html>"));
    }
    let req = TestRequest::post()
        .uri("/admin/users")
        .cookie(Cookie::new("qms_token", token))
        .set_payload("csrf=x&display_name=x")
        .to_request();
    assert_eq!(test::call_service(&app, req).await.status(), StatusCode::FORBIDDEN);
}
