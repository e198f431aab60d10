//! Organisations on the pages: `/o/{org}/…` shows organisation {org} to whoever may see it and
//! answers 404 to anyone else; every link, form and redirect of such a page stays in it; the
//! header, prints and exports name the organisation; a province's home lists its units; its
//! admin creates a commune and its accounts from the pages; an overseer reads and never acts.

use actix_web::http::StatusCode;
use actix_web::test;
use qms::domain::Role;
use serde_json::json;

use crate::common::*;
use crate::organisations::{commune, province};

/// The province `hue` (its admin, auditor `kiemtra-tinh` and staff `nhanvien-tinh`) with commune
/// `xa-a` (the shipped corpus; a secretary, an auditor, a staff member and an account with every
/// role) and commune `xa-b` (empty; a secretary).
async fn communes<S, B>(c: &Client<S>)
where
    S: TestApp<B>,
    B: actix_web::body::MessageBody,
{
    let a = [
        ("thuky-a", vec![Role::Secretary]),
        ("dgv-a", vec![Role::Auditor]),
        ("canbo-a", vec![Role::Staff]),
        ("sep-a", Role::ALL.to_vec()),
    ];
    commune(c, "xa-a", "shipped", &a).await;
    commune(c, "xa-b", "empty", &[("thuky-b", vec![Role::Secretary])]).await;
}

/// Every address a page links to or posts to (`href`, `action` and the scripts' data addresses).
fn addresses(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in ["href=\"", "action=\"", "data-api=\"", "data-preview=\""] {
        for (at, _) in page.match_indices(attribute) {
            let rest = &page[at + attribute.len()..];
            out.push(rest[..rest.find('"').unwrap()].to_owned());
        }
    }
    out
}

/// `page` without the parts that lead out of the organisation shown on purpose: the switcher, the
/// overseer's way back, and the province's list of its units.
fn without_ways_out(page: &str) -> String {
    let mut page = page.to_owned();
    for (open, close) in [
        ("<details class=\"orgswitch\">", "</details>"),
        ("<p class=\"overseeing\"", "</p>"),
        ("<table class=\"grid units\">", "</table>"),
    ] {
        while let Some(start) = page.find(open) {
            let end = start + page[start..].find(close).unwrap() + close.len();
            page.replace_range(start..end, "");
        }
    }
    page
}

/// Asserts that every link, form and script address of `page` stays in organisation `slug`:
/// under its prefix, or one of the addresses that belong to no organisation.
fn assert_stays_in(page: &str, slug: &str, context: &str) {
    let prefix = format!("/o/{slug}/");
    let api = format!("/api/v1/orgs/{slug}/");
    let shared = ["/static/", "/lang/", "/logout", "#"];
    for address in addresses(&without_ways_out(page)) {
        let stays = address.starts_with(&prefix)
            || address.starts_with(&api)
            || shared.iter().any(|s| address.starts_with(s))
            || !address.starts_with('/');
        assert!(stays, "{context}: {address} leaves {slug}");
    }
}

/// A page's body and status as `token`'s browser gets it.
async fn get<S, B>(app: &S, uri: &str, token: &str) -> (StatusCode, String)
where
    S: TestApp<B>,
    B: actix_web::body::MessageBody,
{
    let res = test::call_service(app, page(uri, token)).await;
    (res.status(), body_text(res).await)
}

#[actix_web::test]
async fn a_commune_user_sees_their_commune_and_nothing_else() {
    let world = province();
    let c = Client::new(service(&world.started).await);
    communes(&c).await;
    let token = sign_in(&c.app, "canbo-a", &password_of("canbo-a")).await;

    let (status, home) = get(&c.app, "/", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("<span class=\"org-name\">Ủy ban nhân dân xa-a</span>"), "the header names the commune");
    assert!(!home.contains("orgswitch"), "one organisation to see: no switcher");
    assert!(!home.contains("/o/"), "their own organisation needs no prefix");
    assert!(!home.contains("Thành phố Huế") && !home.contains("xa-b"));

    // Their own commune under its prefix is their own commune.
    assert_eq!(get(&c.app, "/o/xa-a/procedures/QT-HTI-01", &token).await.0, StatusCode::OK);
    // Up, sideways and nowhere: all the same 404, naming nothing.
    for path in [
        "/o/hue/",
        "/o/hue/master-list",
        "/o/hue/admin/users",
        "/o/xa-b/",
        "/o/xa-b/procedures/QT-HTI-01",
        "/o/xa-b/nonconformities",
        "/o/khong-co/",
    ] {
        let (status, body) = get(&c.app, path, &token).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains("Thành phố Huế") && !body.contains("Ủy ban nhân dân xa-b"), "{path}: {body}");
    }
    // Posting there changes nothing either.
    let csrf = csrf_of(&home);
    let nc = [("csrf", csrf.as_str()), ("source", "complaint"), ("description", "Lén"), ("severity", "minor")];
    let res = test::call_service(&c.app, form_post("/o/xa-b/nonconformities", &token, &nc)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(c.call("thuky-b", "GET", "/api/v1/nonconformities", None).await.1["total"], 0);

    // The province's staff sees the province only.
    let token = sign_in(&c.app, "nhanvien-tinh", &password_of("nhanvien-tinh")).await;
    let (_, home) = get(&c.app, "/", &token).await;
    assert!(home.contains("<span class=\"org-name\">Thành phố Huế</span>"));
    assert!(!home.contains("orgswitch") && !home.contains("class=\"grid units\""), "staff oversee nothing");
    assert_eq!(get(&c.app, "/o/xa-a/", &token).await.0, StatusCode::NOT_FOUND);
}

/// Ids of commune A's records, made by its own people through the API.
struct Records {
    nonconformity: i64,
    corrective_action: i64,
    audit: i64,
    change_request: i64,
}

async fn records_of_a<S, B>(c: &Client<S>) -> Records
where
    S: TestApp<B>,
    B: actix_web::body::MessageBody,
{
    let nc = json!({"source": "complaint", "description": "Trả kết quả trễ hạn", "severity": "minor",
        "procedure_codes": ["QT-HTI-01"]});
    let (status, nc) = c.call("thuky-a", "POST", "/api/v1/nonconformities", Some(nc)).await;
    assert_eq!(status, StatusCode::CREATED, "{nc}");
    // Due ten days ago and not done: overdue.
    let due = (today() - chrono::Days::new(10)).to_string();
    let ca = json!({"nonconformity_ids": [nc["id"]], "action": "Nhắc việc bộ phận một cửa", "owner": "canbo-a",
        "due_date": due});
    let (status, ca) = c.call("thuky-a", "POST", "/api/v1/corrective-actions", Some(ca)).await;
    assert_eq!(status, StatusCode::CREATED, "{ca}");
    let start = (today() - chrono::Days::new(20)).to_string();
    let end = (today() - chrono::Days::new(18)).to_string();
    let plan = json!({"title": "Đánh giá nội bộ đợt 1", "year": 2026, "scope": {"fields": ["HTI"], "procedures": []},
        "criteria": "TCVN ISO 9001:2015", "planned_start": start, "planned_end": end,
        "lead_auditor": "dgv-a", "auditors": []});
    let (status, audit) = c.call("thuky-a", "POST", "/api/v1/audits", Some(plan)).await;
    assert_eq!(status, StatusCode::CREATED, "{audit}");
    let started = c.call("dgv-a", "POST", &format!("/api/v1/audits/{}/start", audit["id"]), None).await;
    assert_eq!(started.0, StatusCode::OK, "{}", started.1);
    let new = json!({"code": "QT-HTI-01", "reason": "Cập nhật", "kind": "revise"});
    let (status, cr) = c.call("thuky-a", "POST", "/api/v1/change-requests", Some(new)).await;
    assert_eq!(status, StatusCode::CREATED, "{cr}");
    Records {
        nonconformity: nc["id"].as_i64().unwrap(),
        corrective_action: ca["id"].as_i64().unwrap(),
        audit: audit["id"].as_i64().unwrap(),
        change_request: cr["id"].as_i64().unwrap(),
    }
}

#[actix_web::test]
async fn the_province_reads_a_commune_under_its_prefix_and_every_link_stays_there() {
    let world = province();
    let c = Client::new(service(&world.started).await);
    communes(&c).await;
    let r = records_of_a(&c).await;
    let token = sign_in(&c.app, "admin", ADMIN_PASSWORD).await;

    let pages = [
        "/o/xa-a/".to_owned(),
        "/o/xa-a/master-list".into(),
        "/o/xa-a/fields/HTI".into(),
        "/o/xa-a/procedures/QT-HTI-01".into(),
        "/o/xa-a/procedures/QT-HTI-01/revisions/1".into(),
        "/o/xa-a/procedures/QT-HTI-01/print".into(),
        "/o/xa-a/search?q=khai+sinh".into(),
        "/o/xa-a/review-due".into(),
        "/o/xa-a/legal-bases".into(),
        "/o/xa-a/audits".into(),
        format!("/o/xa-a/audits/{}", r.audit),
        format!("/o/xa-a/audits/{}/report", r.audit),
        "/o/xa-a/nonconformities".into(),
        format!("/o/xa-a/nonconformities/{}", r.nonconformity),
        format!("/o/xa-a/nonconformities/{}/print", r.nonconformity),
        "/o/xa-a/corrective-actions?overdue=true".into(),
        "/o/xa-a/admin/users".into(),
        "/o/xa-a/admin/users/thuky-a".into(),
        "/o/xa-a/admin/events".into(),
    ];
    for path in &pages {
        let (status, body) = get(&c.app, path, &token).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body:.400}");
        assert!(body.contains("Ủy ban nhân dân xa-a"), "{path} names the commune");
        assert_stays_in(&body, "xa-a", path);
        // An overseer is offered no form but signing out, except on the account pages.
        if !path.contains("/admin/users") {
            assert!(body.matches("method=\"post\"").count() <= 1, "{path} offers the province a form");
        }
    }

    let (_, home) = get(&c.app, "/o/xa-a/", &token).await;
    // The language switch comes back to the page as the browser sees it.
    assert!(home.contains("/lang/en?next=/o/xa-a/\""), "{home:.2000}");
    // The switcher: the province at its own addresses, each commune under its prefix.
    let switcher = &home[home.find("<details class=\"orgswitch\">").expect("a switcher")..];
    let switcher = &switcher[..switcher.find("</details>").unwrap()];
    assert_eq!(addresses(switcher), ["/", "/o/xa-a/", "/o/xa-b/"]);
    assert!(switcher.contains("<a href=\"/o/xa-a/\" aria-current=\"true\">Ủy ban nhân dân xa-a</a>"));
    // An overseer is told so, and offered only what they may do: no change requests, no "to read".
    assert!(home.contains("class=\"overseeing\""));
    assert!(!home.contains("/o/xa-a/change-requests") && !home.contains("id=\"to-read\""));
    assert!(home.contains("href=\"/o/xa-a/admin/users\"") && home.contains("href=\"/o/xa-a/admin/events\""));
    let (_, procedure) = get(&c.app, "/o/xa-a/procedures/QT-HTI-01", &token).await;
    assert!(!procedure.contains("/acknowledge\""), "an overseer does not acknowledge for the commune");

    // Prints and exports name the commune.
    let (_, print) = get(&c.app, "/o/xa-a/procedures/QT-HTI-01/print", &token).await;
    assert!(print.contains("<div class=\"org\">Ủy ban nhân dân xa-a<br>"), "{print:.1500}");
    let (_, nc_print) = get(&c.app, &format!("/o/xa-a/nonconformities/{}/print", r.nonconformity), &token).await;
    assert!(nc_print.contains("<p class=\"org-line\">Ủy ban nhân dân xa-a</p>"));
    let (_, report) = get(&c.app, &format!("/o/xa-a/audits/{}/report", r.audit), &token).await;
    assert!(report.contains("<p class=\"org-line\">Ủy ban nhân dân xa-a</p>"));
    let res = test::call_service(&c.app, page("/o/xa-a/master-list.csv", &token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers().get("content-disposition").unwrap().to_str().unwrap().to_owned();
    assert!(disposition.contains("danh-muc-tai-lieu-xa-a.csv"), "{disposition}");
    let csv = body_text(res).await;
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "Danh mục tài liệu nội bộ — Ủy ban nhân dân xa-a");
    assert!(lines[1].starts_with("STT,Mã hiệu"), "{csv}");
    assert_eq!(lines.len(), 4, "title, header and the commune's two procedures: {csv}");

    // A signed-out visit comes back to the same page after signing in.
    let res = test::call_service(&c.app, test::TestRequest::get().uri("/o/xa-a/audits").to_request()).await;
    assert_eq!(location(&res), "/login?next=/o/xa-a/audits");

    // What the province's admin may do there (accounts), a redirect keeps the prefix for.
    let csrf = csrf_of(&home);
    let body = [
        ("csrf", csrf.as_str()),
        ("username", "lan-a"),
        ("display_name", "Nguyễn Thị Lan"),
        ("password", "hoa-sen-2026-xa"),
        ("roles", "staff"),
    ];
    let res = test::call_service(&c.app, form_post("/o/xa-a/admin/users", &token, &body)).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/o/xa-a/admin/users/lan-a?saved=1".into()));
    let lan = world.started.state.first_org().users.user("lan-a").unwrap().expect("the account");
    assert_eq!(
        Some(lan.org),
        world.started.state.deployment.by_slug("xa-a").map(|o| o.id),
        "it belongs to the commune"
    );
    // A form refused with its errors shown again keeps the prefix in its action.
    let res = test::call_service(&c.app, form_post("/o/xa-a/admin/users", &token, &body)).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_stays_in(&body_text(res).await, "xa-a", "the account form shown again");
}

/// Every form of the pages, posted into commune A by the province's admin and auditor with a
/// valid CSRF token and a body the commune's own people could send: 403 every time and nothing
/// changed, but for the accounts and units the admin administers. A page route that takes a
/// form must be listed here.
#[actix_web::test]
async fn an_overseer_posting_a_commune_form_is_refused_and_changes_nothing() {
    let world = province();
    let c = Client::new(service(&world.started).await);
    communes(&c).await;
    let r = records_of_a(&c).await;
    let (cr, audit, nc, ca) = (r.change_request, r.audit, r.nonconformity, r.corrective_action);
    let (_, cr_json) = c.call("thuky-a", "GET", &format!("/api/v1/change-requests/{cr}"), None).await;
    let markdown = cr_json["markdown"].as_str().unwrap().to_owned();
    let (_, checklist) = c.call("dgv-a", "GET", &format!("/api/v1/audits/{audit}/checklist"), None).await;
    let item = format!("result_{}", checklist["items"][0]["id"]);
    let nc_id = nc.to_string();
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/change-requests".into(), vec![("kind", "revise"), ("code", "QT-HTI-01"), ("reason", "Tỉnh sửa hộ")]),
        (format!("/change-requests/{cr}/edit"), vec![("markdown", markdown.as_str())]),
        (format!("/change-requests/{cr}/submit"), vec![("reviewers", "dgv-a"), ("approver", "sep-a")]),
        (format!("/change-requests/{cr}/reviews"), vec![("decision", "approve"), ("content_hash", "x")]),
        (format!("/change-requests/{cr}/approve"), vec![("password", ADMIN_PASSWORD), ("content_hash", "x")]),
        (format!("/change-requests/{cr}/reject"), vec![("comment", "Không")]),
        (format!("/change-requests/{cr}/publish"), vec![("summary", "Sửa")]),
        (format!("/change-requests/{cr}/withdraw"), vec![("comment", "Rút")]),
        ("/procedures/QT-HTI-01/acknowledge".into(), vec![("revision", "1")]),
        ("/procedures/QT-HTI-01/periodic-review".into(), vec![("outcome", "no_change"), ("comment", "Còn phù hợp")]),
        (
            "/legal-bases".into(),
            vec![
                ("key", "ND-99-2026"),
                ("type", "Nghị định"),
                ("number", "99/2026/NĐ-CP"),
                ("issuer", "Chính phủ"),
                ("title", "Thử"),
            ],
        ),
        ("/legal-bases/LUAT-HOTICH-2014/supersede".into(), vec![("superseded_by", "LUAT-HOTICH-2014")]),
        (
            "/audits".into(),
            vec![
                ("title", "Đánh giá của tỉnh"),
                ("year", "2026"),
                ("fields", "HTI"),
                ("criteria", "TCVN ISO 9001:2015"),
                ("planned_start", "2026-12-01"),
                ("planned_end", "2026-12-02"),
                ("lead_auditor", "dgv-a"),
            ],
        ),
        (format!("/audits/{audit}/start"), vec![]),
        (
            format!("/audits/{audit}/findings"),
            vec![("procedure_code", "QT-HTI-01"), ("type", "observation"), ("description", "x")],
        ),
        (format!("/audits/{audit}/checklist"), vec![(item.as_str(), "nonconform")]),
        (format!("/audits/{audit}/report"), vec![("strong_points", "x"), ("to_improve", "y")]),
        (format!("/audits/{audit}/close"), vec![]),
        (
            "/nonconformities".into(),
            vec![("source", "complaint"), ("description", "Tỉnh ghi hộ"), ("severity", "minor")],
        ),
        (
            format!("/nonconformities/{nc}/root-cause"),
            vec![("why", "x"), ("root_cause", "y"), ("similar_checked", "on")],
        ),
        (format!("/nonconformities/{nc}/close"), vec![]),
        (
            "/corrective-actions".into(),
            vec![
                ("nonconformity_id", nc_id.as_str()),
                ("action", "Tỉnh làm hộ"),
                ("owner", "canbo-a"),
                ("due_date", "2026-12-31"),
            ],
        ),
        (format!("/corrective-actions/{ca}/start"), vec![]),
        (format!("/corrective-actions/{ca}/complete"), vec![("evidence", "Đã làm")]),
        (format!("/corrective-actions/{ca}/verify"), vec![("effective", "true"), ("comment", "Tốt")]),
    ];
    let administration: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/admin/users".into(),
            vec![("username", "lenlut"), ("display_name", "Lén lút"), ("password", "mat-khau-2026")],
        ),
        ("/admin/users/thuky-a".into(), vec![("display_name", "Đổi tên"), ("roles", "staff")]),
        (
            "/admin/organisations".into(),
            vec![("slug", "thon-1"), ("name", "Thôn 1"), ("kind", "other"), ("corpus", "empty")],
        ),
    ];
    let xa_a = {
        let org = world.started.state.deployment.by_slug("xa-a").unwrap();
        world.started.state.deployment.services(org.id).unwrap()
    };
    let events = || xa_a.events.events(&qms::service::ports::EventFilter { limit: 1, ..Default::default() }).unwrap().1;
    let before = events();
    for overseer in ["admin", "kiemtra-tinh"] {
        let token =
            sign_in(&c.app, overseer, &if overseer == "admin" { ADMIN_PASSWORD.into() } else { password_of(overseer) })
                .await;
        let (_, home) = get(&c.app, "/o/xa-a/", &token).await;
        let csrf = csrf_of(&home);
        let walked = forms.iter().chain(administration.iter().filter(|_| overseer != "admin"));
        for (path, fields) in walked {
            let mut body = vec![("csrf", csrf.as_str())];
            body.extend(fields.iter().copied());
            let uri = format!("/o/xa-a{path}");
            let res = test::call_service(&c.app, form_post(&uri, &token, &body)).await;
            let status = res.status();
            assert_eq!(status, StatusCode::FORBIDDEN, "{overseer}: POST {uri} → {}", body_text(res).await);
        }
    }
    assert_eq!(events(), before, "nothing was recorded in the commune");
    assert!(world.started.state.deployment.by_slug("thon-1").is_none());
}

#[actix_web::test]
async fn the_province_home_lists_its_units_with_where_each_stands() {
    let world = province();
    let c = Client::new(service(&world.started).await);
    communes(&c).await;
    let r = records_of_a(&c).await;
    let audit_day = {
        let (_, audit) = c.call("thuky-a", "GET", &format!("/api/v1/audits/{}", r.audit), None).await;
        chrono::NaiveDate::parse_from_str(audit["planned_start"].as_str().unwrap(), "%Y-%m-%d").unwrap()
    };

    for overseer in ["admin", "kiemtra-tinh"] {
        let password = if overseer == "admin" { ADMIN_PASSWORD.to_owned() } else { password_of(overseer) };
        let token = sign_in(&c.app, overseer, &password).await;
        let (status, home) = get(&c.app, "/", &token).await;
        assert_eq!(status, StatusCode::OK);
        assert!(home.contains("<span class=\"org-name\">Thành phố Huế</span>"));
        assert!(home.contains("<h2 id=\"units\">Đơn vị trực thuộc</h2>"), "{overseer}");
        let row = |slug: &str| {
            let at = home.find(&format!("<th scope=\"row\"><a href=\"/o/{slug}/\">")).expect("a row per unit");
            let row = &home[at..];
            row[..row.find("</tr>").unwrap()].to_owned()
        };
        let cells = |row: &str| -> Vec<String> {
            row.split("<td")
                .skip(1)
                .map(|cell| cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()].to_owned())
                .collect()
        };
        let a = row("xa-a");
        assert!(a.contains(">Ủy ban nhân dân xa-a</a>"));
        // Procedures in force, overdue reviews, citations of superseded texts, open
        // nonconformities, overdue actions, the last internal audit: as the API reads them.
        let (_, units) = c.call(overseer, "GET", "/api/v1/units", None).await;
        let figures = |slug: &str| -> Vec<String> {
            let unit = units["items"].as_array().unwrap().iter().find(|u| u["slug"] == slug).unwrap();
            let mut out: Vec<String> =
                ["procedures", "overdue_reviews", "citing_superseded", "open_nonconformities", "overdue_actions"]
                    .iter()
                    .map(|k| unit[k].as_i64().unwrap().to_string())
                    .collect();
            out.push(match unit["last_audit"].as_str() {
                Some(day) => chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().format("%d/%m/%Y").to_string(),
                None => "Chưa đánh giá".into(),
            });
            out
        };
        assert_eq!(cells(&a), figures("xa-a"), "{a}");
        let last = audit_day.format("%d/%m/%Y").to_string();
        assert_eq!([&cells(&a)[0], &cells(&a)[3], &cells(&a)[4], &cells(&a)[5]], ["2", "1", "1", last.as_str()]);
        assert!(a.contains("class=\"num overdue\""), "the overdue action stands out");
        assert_eq!(cells(&row("xa-b")), figures("xa-b"));
        assert_eq!(cells(&row("xa-b")), ["0", "0", "0", "0", "0", "Chưa đánh giá"]);
    }

    // The commune's own people have no units to see.
    let token = sign_in(&c.app, "sep-a", &password_of("sep-a")).await;
    let (_, home) = get(&c.app, "/", &token).await;
    assert!(!home.contains("class=\"grid units\"") && !home.contains("orgswitch") && !home.contains("/o/"));
    assert!(!home.contains("/admin/organisations"), "a commune's admin is not offered units");
}

#[actix_web::test]
async fn the_province_admin_creates_a_commune_and_its_accounts_from_the_pages() {
    let world = province();
    let c = Client::new(service(&world.started).await);
    let token = sign_in(&c.app, "admin", ADMIN_PASSWORD).await;
    let (_, home) = get(&c.app, "/", &token).await;
    assert!(home.contains("href=\"/admin/organisations\""), "a province's admin is offered its units");
    let (status, form) = get(&c.app, "/admin/organisations", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Chưa có đơn vị trực thuộc.") && form.contains("action=\"/admin/organisations\""));
    let csrf = csrf_of(&form);
    let create = |slug: &'static str, csrf: String| {
        let body = [
            ("csrf", csrf),
            ("slug", slug.into()),
            ("name", "Ủy ban nhân dân xã An Bình".into()),
            ("kind", "commune".into()),
            ("corpus", "shipped".into()),
        ];
        let body: Vec<(&str, &str)> = body.iter().map(|(k, v)| (*k, v.as_str())).collect();
        form_post("/admin/organisations", &token, &body)
    };

    // A slug that cannot be part of an address: the form again, the message beside the field.
    let res = test::call_service(&c.app, create("Xã An Bình", csrf.clone())).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = body_text(res).await;
    assert!(
        again.contains("id=\"org-slug-error\"") && again.contains("value=\"Ủy ban nhân dân xã An Bình\""),
        "{again}"
    );
    // A forged form creates nothing.
    let res = test::call_service(&c.app, create("xa-an-binh", "0".repeat(32))).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(world.started.state.deployment.by_slug("xa-an-binh").is_none());

    let res = test::call_service(&c.app, create("xa-an-binh", csrf.clone())).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/o/xa-an-binh/admin/users?created=1".into()));
    let created = world.started.state.deployment.by_slug("xa-an-binh").expect("the commune");
    assert_eq!(created.parent, world.started.state.deployment.by_slug("hue").map(|o| o.id));
    let res = test::call_service(&c.app, create("xa-an-binh", csrf.clone())).await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "the same slug twice");

    let (status, accounts) = get(&c.app, "/o/xa-an-binh/admin/users?created=1", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(accounts.contains("Đã tạo đơn vị") && accounts.contains("action=\"/o/xa-an-binh/admin/users\""));
    let password = password_of("thuky-ab");
    let body = [
        ("csrf", csrf.as_str()),
        ("username", "thuky-ab"),
        ("display_name", "Trần Văn Bình"),
        ("password", password.as_str()),
        ("roles", "secretary"),
    ];
    let res = test::call_service(&c.app, form_post("/o/xa-an-binh/admin/users", &token, &body)).await;
    assert_eq!(location(&res), "/o/xa-an-binh/admin/users/thuky-ab?saved=1");
    let services = world.started.state.deployment.services(created.id).unwrap();
    assert_eq!(services.users.user("thuky-ab").unwrap().unwrap().roles, [Role::Secretary]);
    let (_, listed) = get(&c.app, "/admin/organisations", &token).await;
    assert!(listed.contains("<a href=\"/o/xa-an-binh/\">Ủy ban nhân dân xã An Bình</a>"));

    // The new commune's secretary works in it, on the shipped procedures, at the usual addresses.
    let secretary = sign_in(&c.app, "thuky-ab", &password_of("thuky-ab")).await;
    let (_, home) = get(&c.app, "/", &secretary).await;
    assert!(home.contains("<span class=\"org-name\">Ủy ban nhân dân xã An Bình</span>"));
    assert!(home.contains("href=\"/procedures/QT-HT-01\""), "the shipped corpus was imported");
    assert_eq!(get(&c.app, "/admin/organisations", &secretary).await.0, StatusCode::FORBIDDEN);

    // The province's auditor reads units but does not make them.
    let auditor = sign_in(&c.app, "kiemtra-tinh", &password_of("kiemtra-tinh")).await;
    assert_eq!(get(&c.app, "/admin/organisations", &auditor).await.0, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn a_single_organisation_deployment_looks_as_it_always_did() {
    let world = World::with(&["QT-HT-01", "QT-HTI-01"]).start();
    let app = service(&world.started).await;
    let token = sign_in(&app, "admin", ADMIN_PASSWORD).await;
    for path in ["/", "/master-list", "/procedures/QT-HTI-01", "/admin/users"] {
        let (status, body) = get(&app, path, &token).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains("/o/") && !body.contains("orgswitch") && !body.contains("overseeing"), "{path}");
        assert!(!body.contains("Đơn vị trực thuộc") && !body.contains("/api/v1/orgs"), "{path}");
        assert!(body.contains("<span class=\"org-name\">Ủy ban nhân dân xã</span>"), "{path} names the organisation");
    }
    let res = test::call_service(&app, page("/master-list.csv", &token)).await;
    let disposition = res.headers().get("content-disposition").unwrap().to_str().unwrap().to_owned();
    assert_eq!(disposition, "attachment; filename=\"danh-muc-tai-lieu.csv\"");
    let csv = body_text(res).await;
    assert!(csv.starts_with("\u{feff}Danh mục tài liệu nội bộ — Ủy ban nhân dân xã\n"), "{csv}");
}

/// Usernames are unique across the deployment, but a commune's forms only ever name its own
/// people: another organisation's account is unknown there, on its account pages and as an
/// auditor, a reviewer or the owner of an action.
#[actix_web::test]
async fn a_commune_names_only_its_own_people() {
    let world = province();
    let c = Client::new(service(&world.started).await);
    communes(&c).await;
    let r = records_of_a(&c).await;

    let admin_a = sign_in(&c.app, "sep-a", &password_of("sep-a")).await;
    assert_eq!(get(&c.app, "/admin/users/thuky-a", &admin_a).await.0, StatusCode::OK);
    for other in ["thuky-b", "nhanvien-tinh", "admin"] {
        let (status, body) = get(&c.app, &format!("/admin/users/{other}"), &admin_a).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{other}: {body:.300}");
    }

    let secretary = sign_in(&c.app, "thuky-a", &password_of("thuky-a")).await;
    let csrf = csrf_of(&get(&c.app, "/", &secretary).await.1);
    let plan = |lead: &'static str| {
        let body = [
            ("csrf", csrf.as_str()),
            ("title", "Đánh giá nội bộ đợt 2"),
            ("year", "2026"),
            ("fields", "HTI"),
            ("criteria", "TCVN ISO 9001:2015"),
            ("planned_start", "2026-12-01"),
            ("planned_end", "2026-12-02"),
            ("lead_auditor", lead),
        ];
        form_post("/audits", &secretary, &body)
    };
    let res = test::call_service(&c.app, plan("kiemtra-tinh")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "the province's auditor is not the commune's");
    assert_eq!(test::call_service(&c.app, plan("dgv-a")).await.status(), StatusCode::SEE_OTHER);

    let nc = r.nonconformity.to_string();
    let action = |owner: &'static str| {
        let body = [
            ("csrf", csrf.as_str()),
            ("nonconformity_id", nc.as_str()),
            ("action", "Rà soát hồ sơ"),
            ("owner", owner),
            ("due_date", "2026-12-31"),
        ];
        form_post("/corrective-actions", &secretary, &body)
    };
    assert_eq!(test::call_service(&c.app, action("thuky-b")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(test::call_service(&c.app, action("canbo-a")).await.status(), StatusCode::SEE_OTHER);

    let submit = |reviewer: &'static str, approver: &'static str| {
        let body = [("csrf", csrf.as_str()), ("reviewers", reviewer), ("approver", approver)];
        form_post(&format!("/change-requests/{}/submit", r.change_request), &secretary, &body)
    };
    for (reviewer, approver) in [("thuky-b", "sep-a"), ("dgv-a", "admin"), ("nhanvien-tinh", "sep-a")] {
        let res = test::call_service(&c.app, submit(reviewer, approver)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{reviewer}, {approver}");
    }
    assert_eq!(test::call_service(&c.app, submit("dgv-a", "sep-a")).await.status(), StatusCode::SEE_OTHER);
}

/// (METHOD, path) of every page route registered in `src/pages/mod.rs`, as the OpenAPI test reads
/// the API's: a page added later is walked without being listed here.
fn page_routes() -> Vec<(String, String)> {
    let source = include_str!("../../src/pages/mod.rs");
    let mut routes = Vec::new();
    for line in source.lines() {
        let Some(at) = line.find("route(\"") else { continue };
        let rest = &line[at + 7..];
        let path = &rest[..rest.find('"').unwrap()];
        let method = rest.split("web::").nth(1).and_then(|m| m.split("()").next()).unwrap().to_uppercase();
        routes.push((method, path.to_owned()));
    }
    routes
}

/// Every page route, under commune A's prefix, for accounts that may not see it (commune B's
/// account holding every role, the province's staff member): 404, and every page route naming
/// commune A's records without a prefix, for that account of commune B: 404 or, for a form, a
/// refusal that changes nothing. Sign-in, sign-out, the language switch and static files name no organisation.
#[actix_web::test]
async fn every_page_route_answers_404_for_what_another_organisation_holds() {
    let world = province();
    let c = Client::new(service(&world.started).await);
    communes(&c).await;
    let all_roles = json!({"username": "sep-b", "display_name": "Sếp B", "password": password_of("sep-b"),
        "roles": Role::ALL, "org": "xa-b"});
    assert_eq!(c.call("admin", "POST", "/api/v1/users", Some(all_roles)).await.0, StatusCode::CREATED);
    let records = records_of_a(&c).await;
    let (_, events_before) = c.call("sep-a", "GET", "/api/v1/events?limit=1", None).await;
    let routes = page_routes();
    assert!(routes.len() > 40, "the route scan found the pages: {}", routes.len());
    let public = ["/login", "/logout", "/lang/{lang}", "/static/{path:.*}"];
    let mut walked = 0;
    for (method, path) in routes.iter().filter(|(_, p)| !public.contains(&p.as_str())) {
        let id = if path.starts_with("/change-requests") {
            records.change_request
        } else if path.starts_with("/audits") {
            records.audit
        } else if path.starts_with("/nonconformities") {
            records.nonconformity
        } else {
            records.corrective_action
        };
        let concrete = path
            .replace("{code}", "QT-HTI-01")
            .replace("{revision}", "1")
            .replace("{username}", "thuky-a")
            .replace("{key}", "LUAT-HOTICH-2014")
            .replace("{action}", "close")
            .replace("{id}", &id.to_string());
        // Queries a page requires, so that a 400 for a missing one cannot hide a leak.
        let concrete = if path.ends_with("/diff") { format!("{concrete}?from=1&to=1") } else { concrete };
        let prefixed = format!("/o/xa-a{}", if concrete == "/" { "" } else { &concrete });
        for outsider in ["sep-b", "nhanvien-tinh"] {
            let token = c.token(outsider).await;
            let req = match method.as_str() {
                "GET" => page(&prefixed, &token),
                _ => form_post(&prefixed, &token, &[("csrf", "x")]),
            };
            let status = test::call_service(&c.app, req).await.status();
            assert_eq!(status, StatusCode::NOT_FOUND, "{outsider}: {method} {prefixed}");
            walked += 1;
        }
        if path.contains('{') {
            let token = c.token("sep-b").await;
            let req = match method.as_str() {
                "GET" => page(&concrete, &token),
                _ => form_post(&concrete, &token, &[("csrf", &csrf_for(&token))]),
            };
            let status = test::call_service(&c.app, req).await.status();
            assert!(
                status == StatusCode::NOT_FOUND || (method != "GET" && status.is_client_error()),
                "sep-b: {method} {concrete} → {status}"
            );
            walked += 1;
        }
    }
    assert!(walked > 90, "{walked} calls");
    let (_, events_after) = c.call("sep-a", "GET", "/api/v1/events?limit=1", None).await;
    assert_eq!(events_after["total"], events_before["total"], "nothing was recorded in commune A");
}

/// The CSRF field a page of this session carries.
fn csrf_for(token: &str) -> String {
    qms::web_common::csrf_for_session(token)
}
