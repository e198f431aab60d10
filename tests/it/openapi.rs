//! `GET /api/v1/openapi.json` describes the API as it is: every route the service registers is in
//! the description, and every operation described answers (none falls through to "no such
//! address").

use std::collections::BTreeSet;

use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

/// (METHOD, /path) for every `.route(...)` registered in `src/http/mod.rs`, `/api/v1` applied
/// inside its scope.
fn registered_routes() -> BTreeSet<(String, String)> {
    let source = include_str!("../../src/http/mod.rs");
    let mut routes = BTreeSet::new();
    for line in source.lines() {
        let Some(at) = line.find(".route(\"") else { continue };
        let rest = &line[at + 8..];
        let path = &rest[..rest.find('"').unwrap()];
        let method = rest.split("web::").nth(1).and_then(|m| m.split("()").next()).unwrap().to_uppercase();
        let full = if path == "/healthz" { path.to_owned() } else { format!("/api/v1{path}") };
        routes.insert((method, full));
    }
    routes
}

#[actix_web::test]
async fn the_description_lists_every_route_and_every_described_operation_answers() {
    let tree = small_corpus(&["QT-HT-01", "QT-HTI-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    let app = service(&started).await;
    let res = test::call_service(&app, TestRequest::get().uri("/api/v1/openapi.json").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK, "readable without signing in");
    let spec = body_json(res).await;
    assert_eq!(spec["openapi"], "3.1.0");

    let mut described = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys().filter(|k| !k.starts_with("parameters")) {
            described.insert((method.to_uppercase(), path.clone()));
        }
    }
    let registered = registered_routes();
    assert!(registered.len() > 50, "the route scan found the routes: {}", registered.len());
    let missing: Vec<_> = registered.difference(&described).collect();
    let extra: Vec<_> = described.difference(&registered).collect();
    assert!(missing.is_empty(), "routes missing from web/openapi.yaml: {missing:?}");
    assert!(extra.is_empty(), "described but not served: {extra:?}");

    // Each described operation reaches its handler: whatever it answers to an empty request, it is
    // not the fallback for unknown addresses.
    let c = Client::new(app);
    let token = c.token("admin").await;
    // Signing out ends the session the other calls use: last.
    let mut operations: Vec<_> = described.iter().collect();
    operations.sort_by_key(|(_, path)| path.ends_with("/logout"));
    for (method, path) in operations {
        let concrete = path
            .replace("{code}", "QT-HTI-01")
            .replace("{revision}", "1")
            .replace("{username}", "admin")
            .replace("{key}", "LUAT-HOTICH-2014")
            .replace("{item}", "1")
            .replace("{id}", "1")
            .replace("{org}", "default");
        let req = match method.as_str() {
            "GET" => TestRequest::get(),
            "PUT" => TestRequest::put(),
            _ => TestRequest::post(),
        }
        .uri(&concrete)
        .insert_header(("Authorization", format!("Bearer {token}")))
        .set_json(serde_json::json!({}))
        .to_request();
        let res = test::call_service(&c.app, req).await;
        let status = res.status();
        let body = String::from_utf8_lossy(&test::read_body(res).await).into_owned();
        assert!(
            !(status == StatusCode::NOT_FOUND && body.contains("Không tìm thấy địa chỉ này")),
            "{method} {concrete} is described but not routed"
        );
        assert!(status.as_u16() < 500, "{method} {concrete}: {status} {body}");
    }
}
