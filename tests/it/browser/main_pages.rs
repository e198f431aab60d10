//! Every main page, for the role that uses it, at desktop and phone widths: screenshots as the
//! run's artefacts, no console errors, nothing wider than the window, a heading on every page.

use qms::domain::Role;
use serde_json::{Value, json};

use super::harness::{Browser, Site};
use crate::common;

/// Calls the JSON API as `user`, as an external client would.
fn api(site: &Site, user: &str, path: &str, body: Value) -> Value {
    let password = if user == "admin" { common::ADMIN_PASSWORD.to_owned() } else { common::password_of(user) };
    let mut login = ureq::post(&format!("{}/api/v1/auth/login", site.base))
        .send_json(json!({"username": user, "password": password}))
        .unwrap();
    let token: Value = login.body_mut().read_json().unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let mut res = ureq::post(&format!("{}{path}", site.base))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(body)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    res.body_mut().read_json().unwrap()
}

async fn tour(b: &Browser, pages: &[(&str, &str)]) {
    for (name, path) in pages {
        b.visit(path).await;
        let heading = b.text_of("h1").await;
        assert!(!heading.trim().is_empty(), "{path} has a heading");
        assert!(!b.page_text().await.trim_start().starts_with('{'), "{path} is a page, not JSON");
        b.screenshots(name).await;
    }
}

#[actix_web::test]
async fn every_main_page_renders_cleanly_at_desktop_and_phone_widths() {
    let site = Site::start(&["QT-HT-01", "QT-HT-03", "QT-HTI-01", "QT-HTI-02", "QT-CT-01"]);
    common::add_user(&site.started, "thuky", &[Role::Secretary], &[]);
    common::add_user(&site.started, "dgv", &[Role::Auditor], &["CT"]);
    common::add_user(&site.started, "canbo", &[Role::Staff], &["HTI"]);
    let change = api(
        &site,
        "thuky",
        "/api/v1/change-requests",
        json!({"code": "QT-HTI-01", "kind": "revise", "reason": "Cập nhật theo Nghị định mới"}),
    );
    let audit = api(
        &site,
        "dgv",
        "/api/v1/audits",
        json!({"title": "Đánh giá Hộ tịch", "year": 2026, "scope": {"fields": ["HTI"], "procedures": []},
               "criteria": "TCVN ISO 9001:2015", "planned_start": "2026-12-07", "planned_end": "2026-12-08",
               "lead_auditor": "dgv", "auditors": ["dgv"]}),
    );
    let nc = api(
        &site,
        "thuky",
        "/api/v1/nonconformities",
        json!({"source": "complaint", "procedure_codes": ["QT-HTI-02"], "severity": "minor",
               "description": "Trả kết quả kết hôn chậm 2 ngày"}),
    );
    api(
        &site,
        "thuky",
        "/api/v1/corrective-actions",
        json!({"nonconformity_ids": [nc["id"]], "action": "Nhắc lịch trả kết quả", "owner": "canbo", "due_date": "2026-12-31"}),
    );
    let (change, audit, nc) =
        (change["id"].as_i64().unwrap(), audit["id"].as_i64().unwrap(), nc["id"].as_i64().unwrap());
    let Some(b) = Browser::open("pages", &site).await else { return };

    b.visit("/login").await;
    b.screenshots("login").await;
    b.sign_in("thuky").await;
    let pages = [
        ("home-secretary", "/".to_owned()),
        ("master-list", "/master-list".to_owned()),
        ("field", "/fields/HTI".to_owned()),
        ("procedure", "/procedures/QT-HTI-01".to_owned()),
        ("revision", "/procedures/QT-HTI-01/revisions/1".to_owned()),
        ("acknowledgements", "/procedures/QT-HTI-01/acknowledgements".to_owned()),
        ("search", "/search?q=ket+hon".to_owned()),
        ("changes", "/change-requests".to_owned()),
        ("change-new", "/change-requests/new".to_owned()),
        ("change", format!("/change-requests/{change}")),
        ("change-edit", format!("/change-requests/{change}/edit")),
        ("review-due", "/review-due".to_owned()),
        ("legal-bases", "/legal-bases".to_owned()),
        ("audits", "/audits".to_owned()),
        ("audit", format!("/audits/{audit}")),
        ("audit-report", format!("/audits/{audit}/report")),
        ("nonconformities", "/nonconformities".to_owned()),
        ("nc-new", "/nonconformities/new".to_owned()),
        ("nc", format!("/nonconformities/{nc}")),
        ("nc-print", format!("/nonconformities/{nc}/print")),
        ("corrective-actions", "/corrective-actions".to_owned()),
        ("print", "/procedures/QT-HTI-01/print".to_owned()),
    ];
    let pages: Vec<(&str, &str)> = pages.iter().map(|(n, p)| (*n, p.as_str())).collect();
    tour(&b, &pages).await;

    b.sign_in("admin").await;
    tour(
        &b,
        &[("admin-users", "/admin/users"), ("admin-user", "/admin/users/thuky"), ("admin-events", "/admin/events")],
    )
    .await;
    b.sign_in("dgv").await;
    tour(&b, &[("home-auditor", "/"), ("audit-new", "/audits/new")]).await;
    b.sign_in("canbo").await;
    tour(&b, &[("home-staff", "/")]).await;

    // English, then back to Vietnamese.
    b.visit("/lang/en?next=/").await;
    assert!(b.text_of("nav.mainnav").await.contains("Home"), "the menu is in English");
    b.screenshots("home-staff-en").await;
    b.visit("/lang/vi?next=/").await;
    assert!(b.text_of("nav.mainnav").await.contains("Trang chủ"));

    // An address that does not exist: a page in the user's language, not an error dump.
    b.visit_refused("/procedures/QT-KHONG-99").await;
    assert!(b.page_text().await.contains("404"));
    b.screenshots("not-found").await;
    b.close().await;
}
