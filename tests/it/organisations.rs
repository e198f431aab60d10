//! Organisations: a province and its communes on one deployment, each walled off from the others.
//! Isolation is the product here: a user of one organisation gets 404 (never 403, never data) for
//! anything of an organisation they may not see, through every route of the API.

use std::collections::BTreeSet;

use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use qms::domain::Role;
use serde_json::{Value, json};

/// A province (`hue`, the first organisation) with an auditor and a staff member of its own, and
/// two communes below it: `xa-a` with the shipped corpus and a full cast, `xa-b` created empty
/// with its own secretary and an account holding every role.
pub(crate) fn province() -> World {
    World::with(&["QT-HT-01", "QT-HTI-01"])
        .settings(|s| {
            s.org_slug = "hue".into();
            s.org_name = "Thành phố Huế".into();
            s.org_kind = "province".into();
        })
        .user("kiemtra-tinh", &[Role::Auditor], &[])
        .user("nhanvien-tinh", &[Role::Staff], &[])
        .user("toanquyen-tinh", &Role::ALL, &[])
        .start()
}

/// Creates a commune below the province and its accounts, as the province's admin, through the API.
pub(crate) async fn commune<S, B>(c: &Client<S>, slug: &str, corpus: &str, cast: &[(&str, Vec<Role>)])
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let new = json!({"slug": slug, "name": format!("Ủy ban nhân dân {slug}"), "kind": "commune", "corpus": corpus});
    let (status, org) = c.call("admin", "POST", "/api/v1/orgs", Some(new)).await;
    assert_eq!(status, StatusCode::CREATED, "{org}");
    assert_eq!((org["slug"].as_str(), org["parent"].as_str()), (Some(slug), Some("hue")));
    for (name, roles) in cast {
        let user = json!({"username": name, "display_name": format!("Ông/Bà {name}"), "password": password_of(name),
            "roles": roles, "fields": [], "org": slug});
        let (status, created) = c.call("admin", "POST", "/api/v1/users", Some(user)).await;
        assert_eq!((status, created["org"].as_str()), (StatusCode::CREATED, Some(slug)), "{created}");
    }
}

/// A revision of `code` from draft to published by a commune's own cast (`thuky-x`, `xemxet-x`,
/// `lanhdao-x`), adding `sentence` to the body.
async fn publish_in<S, B>(c: &Client<S>, x: &str, code: &str, sentence: &str) -> Value
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (thuky, xemxet, lanhdao) = (format!("thuky-{x}"), format!("xemxet-{x}"), format!("lanhdao-{x}"));
    let new = json!({"code": code, "reason": "Cập nhật theo văn bản mới", "kind": "revise"});
    let (status, cr) = c.call(&thuky, "POST", "/api/v1/change-requests", Some(new)).await;
    assert_eq!(status, StatusCode::CREATED, "{cr}");
    let path = format!("/api/v1/change-requests/{}", cr["id"]);
    let markdown = format!("{}\n{sentence}\n", cr["markdown"].as_str().unwrap());
    let (status, cr) = c.call(&thuky, "PUT", &format!("{path}/content"), Some(json!({"markdown": markdown}))).await;
    assert_eq!(status, StatusCode::OK, "{cr}");
    let seen = cr["content_hash"].clone();
    let route = json!({"reviewers": [xemxet], "approver": lanhdao});
    assert_eq!(c.call(&thuky, "POST", &format!("{path}/submit"), Some(route)).await.0, StatusCode::OK);
    let review = json!({"decision": "approve", "content_hash": seen});
    assert_eq!(c.call(&xemxet, "POST", &format!("{path}/reviews"), Some(review)).await.0, StatusCode::OK);
    let sign = json!({"password": password_of(&lanhdao), "content_hash": seen});
    assert_eq!(c.call(&lanhdao, "POST", &format!("{path}/approve"), Some(sign)).await.0, StatusCode::OK);
    let (status, published) = c.call(&thuky, "POST", &format!("{path}/publish"), Some(json!({"summary": "Sửa"}))).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    published
}

fn cast(x: &str) -> Vec<(String, Vec<Role>)> {
    vec![
        (format!("thuky-{x}"), vec![Role::Secretary]),
        (format!("xemxet-{x}"), vec![Role::Reviewer]),
        (format!("lanhdao-{x}"), vec![Role::Approver]),
        (format!("canbo-{x}"), vec![Role::Staff]),
        (format!("dgv-{x}"), vec![Role::Auditor]),
        (format!("sep-{x}"), Role::ALL.to_vec()),
    ]
}

async fn communes<S, B>(c: &Client<S>, b_corpus: &str)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    for (x, corpus) in [("a", "shipped"), ("b", b_corpus)] {
        let people = cast(x);
        let people: Vec<(&str, Vec<Role>)> = people.iter().map(|(n, r)| (n.as_str(), r.clone())).collect();
        commune(c, &format!("xa-{x}"), corpus, &people).await;
    }
}

fn codes(list: &Value) -> BTreeSet<String> {
    list["items"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn two_communes_under_a_province_each_see_only_their_own() {
    let world = province();
    let c = Client::new(service(&world.started).await);
    communes(&c, "shipped").await;

    // Each secretary publishes in their own commune.
    let a = publish_in(&c, "a", "QT-HTI-01", "Xã A niêm yết thêm tại nhà văn hóa thôn.").await;
    let b = publish_in(&c, "b", "QT-HTI-01", "Xã B trả kết quả qua bưu điện.").await;
    assert_eq!((a["current_revision"].as_i64(), b["current_revision"].as_i64()), (Some(2), Some(2)), "{a} {b}");

    // Each staff member reads their own revision, finds their own text, never the other's.
    let (_, mine) = c.call("canbo-a", "GET", "/api/v1/procedures/QT-HTI-01", None).await;
    let text = mine["markdown"].as_str().unwrap();
    assert!(text.contains("nhà văn hóa thôn") && !text.contains("bưu điện"), "{text}");
    let (_, found) = c.call("canbo-a", "GET", "/api/v1/search?q=nha%20van%20hoa%20thon", None).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    let (_, found) = c.call("canbo-a", "GET", "/api/v1/search?q=buu%20dien", None).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 0, "the other commune's text: {found}");
    let (_, found) = c.call("canbo-b", "GET", "/api/v1/search?q=buu%20dien", None).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    let (_, revisions) = c.call("canbo-b", "GET", "/api/v1/procedures/QT-HTI-01/revisions", None).await;
    assert_eq!(revisions["total"], 2, "{revisions}");

    // A nonconformity of commune A is not commune B's.
    let nc = json!({"source": "complaint", "description": "Trả kết quả trễ hạn", "severity": "minor", "procedure_codes": ["QT-HTI-01"]});
    let (status, nc) = c.call("thuky-a", "POST", "/api/v1/nonconformities", Some(nc)).await;
    assert_eq!(status, StatusCode::CREATED, "{nc}");
    let nc_path = format!("/api/v1/nonconformities/{}", nc["id"]);
    assert_eq!(c.call("thuky-a", "GET", &nc_path, None).await.0, StatusCode::OK);
    assert_eq!(c.call("thuky-b", "GET", &nc_path, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(c.call("thuky-b", "GET", "/api/v1/nonconformities", None).await.1["total"], 0);

    // Events: each commune's log holds its own publish.
    let (_, events_a) = c.call("dgv-a", "GET", "/api/v1/events?limit=500", None).await;
    let (_, events_b) = c.call("dgv-b", "GET", "/api/v1/events?limit=500", None).await;
    let actors = |events: &Value| -> BTreeSet<String> {
        events["items"].as_array().unwrap().iter().map(|e| e["actor"].as_str().unwrap().to_owned()).collect()
    };
    assert!(actors(&events_a).contains("thuky-a") && !actors(&events_a).contains("thuky-b"));
    assert!(actors(&events_b).contains("thuky-b") && !actors(&events_b).contains("thuky-a"));

    // The province: its admin and auditor see both communes; its staff sees only the province.
    let (_, orgs) = c.call("admin", "GET", "/api/v1/orgs", None).await;
    let slugs: Vec<&str> = orgs["items"].as_array().unwrap().iter().map(|o| o["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["hue", "xa-a", "xa-b"]);
    for overseer in ["admin", "kiemtra-tinh"] {
        for x in ["a", "b"] {
            let (status, list) = c.call(overseer, "GET", &format!("/api/v1/orgs/xa-{x}/procedures"), None).await;
            assert_eq!(status, StatusCode::OK, "{overseer} reads xa-{x}: {list}");
            assert!(codes(&list).contains("QT-HTI-01"));
        }
        let (status, _) =
            c.call(overseer, "GET", &format!("/api/v1/orgs/xa-a{nc_path}", nc_path = &nc_path[7..]), None).await;
        assert_eq!(status, StatusCode::OK, "{overseer} reads commune A's nonconformity");
    }
    // The province's view of its units, from live data.
    let (_, units) = c.call("kiemtra-tinh", "GET", "/api/v1/units", None).await;
    let units = units["items"].as_array().unwrap();
    let summary = |u: &Value| {
        (u["slug"].as_str().unwrap().to_owned(), u["procedures"].as_i64(), u["open_nonconformities"].as_i64())
    };
    assert_eq!(
        units.iter().map(summary).collect::<Vec<_>>(),
        [("xa-a".to_owned(), Some(2), Some(1)), ("xa-b".to_owned(), Some(2), Some(0))]
    );
    assert_eq!(c.call("nhanvien-tinh", "GET", "/api/v1/units", None).await.1["total"], 0, "staff oversee nothing");
    // The figures follow each unit's changes (they are kept until its next event).
    let nc = json!({"source": "process", "description": "Thiếu sổ", "severity": "major", "procedure_codes": []});
    assert_eq!(c.call("thuky-b", "POST", "/api/v1/nonconformities", Some(nc)).await.0, StatusCode::CREATED);
    let (_, units) = c.call("kiemtra-tinh", "GET", "/api/v1/units", None).await;
    assert_eq!(units["items"][1]["open_nonconformities"], 1, "{units}");
    let (_, orgs) = c.call("nhanvien-tinh", "GET", "/api/v1/orgs", None).await;
    assert_eq!(orgs["total"], 1);
    assert_eq!(c.call("nhanvien-tinh", "GET", "/api/v1/orgs/xa-a/procedures", None).await.0, StatusCode::NOT_FOUND);

    // Reading is not acting: nothing is done in a commune by anyone outside it.
    let new = json!({"code": "QT-HTI-01", "reason": "Tỉnh sửa hộ", "kind": "revise"});
    let (status, err) = c.call("admin", "POST", "/api/v1/orgs/xa-a/change-requests", Some(new)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("overseer_reads_only")));

    // Nothing looks up or sideways.
    assert_eq!(c.call("canbo-a", "GET", "/api/v1/orgs/xa-b/procedures", None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(c.call("sep-a", "GET", "/api/v1/orgs/hue/procedures", None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(c.call("sep-a", "GET", "/api/v1/orgs/hue", None).await.0, StatusCode::NOT_FOUND);
    let (_, orgs) = c.call("sep-a", "GET", "/api/v1/orgs", None).await;
    assert_eq!(orgs["items"][0]["slug"], "xa-a");
    assert_eq!(orgs["total"], 1);

    // A commune's admin cannot create a sibling under the province, nor an account elsewhere.
    let sibling = json!({"slug": "xa-c", "name": "Xã C", "parent": "hue"});
    assert_eq!(c.call("sep-a", "POST", "/api/v1/orgs", Some(sibling)).await.0, StatusCode::NOT_FOUND);
    let user =
        json!({"username": "lenlut", "display_name": "Lén lút", "password": password_of("lenlut"), "org": "xa-b"});
    assert_eq!(c.call("sep-a", "POST", "/api/v1/users", Some(user)).await.0, StatusCode::NOT_FOUND);
    let (_, users_b) = c.call("sep-b", "GET", "/api/v1/users", None).await;
    assert!(users_b["items"].as_array().unwrap().iter().all(|u| u["org"] == "xa-b"), "{users_b}");
}

/// Ids, codes and names of commune A's records, for the route walk.
struct Owned {
    change_request: i64,
    audit: i64,
    nonconformity: i64,
    corrective_action: i64,
    checklist_item: i64,
}

async fn records_of_a<S, B>(c: &Client<S>) -> Owned
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let new = json!({"code": "QT-HTI-01", "reason": "Sửa", "kind": "revise"});
    let (_, cr) = c.call("thuky-a", "POST", "/api/v1/change-requests", Some(new)).await;
    let plan = json!({"title": "Đánh giá nội bộ 2026", "year": 2026, "scope": {"fields": ["HTI"], "procedures": []},
        "criteria": "TCVN ISO 9001:2015", "planned_start": "2026-12-01", "planned_end": "2026-12-03",
        "lead_auditor": "dgv-a", "auditors": []});
    let (status, audit) = c.call("thuky-a", "POST", "/api/v1/audits", Some(plan)).await;
    assert_eq!(status, StatusCode::CREATED, "{audit}");
    let audit_path = format!("/api/v1/audits/{}", audit["id"]);
    assert_eq!(c.call("dgv-a", "POST", &format!("{audit_path}/start"), None).await.0, StatusCode::OK);
    let (_, checklist) = c.call("dgv-a", "GET", &format!("{audit_path}/checklist"), None).await;
    let nc =
        json!({"source": "complaint", "description": "Trễ hạn", "severity": "minor", "procedure_codes": ["QT-HTI-01"]});
    let (_, nc) = c.call("thuky-a", "POST", "/api/v1/nonconformities", Some(nc)).await;
    let ca =
        json!({"nonconformity_ids": [nc["id"]], "action": "Nhắc việc", "owner": "canbo-a", "due_date": "2026-12-31"});
    let (status, ca) = c.call("thuky-a", "POST", "/api/v1/corrective-actions", Some(ca)).await;
    assert_eq!(status, StatusCode::CREATED, "{ca}");
    Owned {
        change_request: cr["id"].as_i64().unwrap(),
        audit: audit["id"].as_i64().unwrap(),
        nonconformity: nc["id"].as_i64().unwrap(),
        corrective_action: ca["id"].as_i64().unwrap(),
        checklist_item: checklist["items"][0]["id"].as_i64().unwrap(),
    }
}

/// A body each operation would accept from its own organisation, so that an answer other than 404
/// cannot come from a body refused before the record is looked up.
fn plausible_body(method: &str, path: &str) -> Value {
    let last = path.rsplit('/').next().unwrap_or_default();
    match (method, last) {
        ("PUT", "content") => json!({"markdown": read_corpus_file("QT-HTI-01")}),
        ("POST", "submit") => json!({"reviewers": ["xemxet-b"], "approver": "lanhdao-b"}),
        ("POST", "reviews") => json!({"decision": "approve", "content_hash": "x"}),
        ("POST", "approve") => json!({"password": password_of("sep-b"), "content_hash": "x"}),
        ("POST", "reject") | ("POST", "withdraw") => json!({"comment": "Không"}),
        ("POST", "publish") => json!({"summary": "Sửa"}),
        ("POST", "acknowledge") => json!({"revision": 1}),
        ("POST", "periodic-review") => json!({"outcome": "no_change", "comment": "Còn phù hợp"}),
        ("POST", "supersede") => json!({"superseded_by": "LUAT-HOTICH-2014"}),
        ("POST", "findings") => json!({"procedure_code": "QT-HTI-01", "type": "observation", "description": "x"}),
        ("PUT", "report") => json!({"strong_points": "x", "to_improve": "y"}),
        ("PUT", "root-cause") => json!({"why": ["x"], "root_cause": "y", "similar_checked": true}),
        ("POST", "complete") => json!({"evidence": "Đã làm"}),
        ("POST", "verify") => json!({"effective": true, "comment": "Hiệu quả"}),
        ("POST", "link-change") => json!({"change_request_id": 1}),
        ("PUT", _) if path.contains("/checklist/") => json!({"result": "conform", "note": ""}),
        ("PUT", _) if path.contains("/users/") => json!({"display_name": "Đổi tên"}),
        _ => json!({}),
    }
}

/// Every operation of the OpenAPI document, called with an organisation prefix naming commune A
/// by accounts that may not see it (commune B's account with every role, the province's staff
/// member), and every operation with a path parameter called without a prefix, naming commune A's
/// records, by commune B's account: 404 every time. A route added later without scoping fails it.
#[actix_web::test]
async fn every_route_answers_404_for_what_another_organisation_holds() {
    let world = province();
    let c = Client::new(service(&world.started).await);
    // Commune B starts empty: no code, legal basis or account of A's exists there under the same name.
    communes(&c, "empty").await;
    let owned = records_of_a(&c).await;

    let res = test::call_service(&c.app, TestRequest::get().uri("/api/v1/openapi.json").to_request()).await;
    let spec = body_json(res).await;
    let mut walked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method = method.to_uppercase();
            let public = operation["security"].as_array().is_some_and(|s| s.is_empty());
            if public || path.ends_with("/logout") {
                continue;
            }
            let concrete = path
                .replace("{code}", "QT-HTI-01")
                .replace("{revision}", "1")
                .replace("{username}", "thuky-a")
                .replace("{key}", "LUAT-HOTICH-2014")
                .replace("{org}", "xa-a")
                .replace("{item}", &owned.checklist_item.to_string())
                .replace(
                    "{id}",
                    &if path.starts_with("/api/v1/change-requests") {
                        owned.change_request
                    } else if path.starts_with("/api/v1/audits") {
                        owned.audit
                    } else if path.starts_with("/api/v1/nonconformities") {
                        owned.nonconformity
                    } else {
                        owned.corrective_action
                    }
                    .to_string(),
                );
            let body = plausible_body(&method, path);
            // Queries an operation requires, so that a 400 for a missing one cannot hide a leak.
            let concrete = if path.ends_with("/diff") { format!("{concrete}?from=1&to=1") } else { concrete };
            // `/api/v1/orgs/{org}` names commune A itself; everything else gets the prefix.
            let prefixed = if path.starts_with("/api/v1/orgs/{org}") {
                concrete.clone()
            } else {
                concrete.replacen("/api/v1/", "/api/v1/orgs/xa-a/", 1)
            };
            for outsider in ["sep-b", "nhanvien-tinh"] {
                let (status, answer) = c.call(outsider, &method, &prefixed, Some(body.clone())).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{outsider}: {method} {prefixed} → {answer}");
                walked += 1;
            }
            if path.contains('{') && !path.starts_with("/api/v1/orgs") {
                let (status, answer) = c.call("sep-b", &method, &concrete, Some(body.clone())).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "sep-b: {method} {concrete} → {answer}");
                walked += 1;
            }
        }
    }
    assert!(walked > 100, "the walk covered the API: {walked} calls");

    // A province account holding every role reads commune A but runs nothing of it: not its
    // audit (as a secretary of its own could), not its records.
    let audit = format!("/api/v1/orgs/xa-a/audits/{}", owned.audit);
    assert_eq!(c.call("toanquyen-tinh", "GET", &audit, None).await.0, StatusCode::OK);
    for (method, path, body) in [
        ("POST", format!("{audit}/close"), json!({})),
        ("PUT", format!("{audit}/report"), json!({"strong_points": "x", "to_improve": "y"})),
        ("POST", format!("{audit}/findings"), plausible_body("POST", "/findings")),
        ("POST", format!("/api/v1/orgs/xa-a/nonconformities/{}/close", owned.nonconformity), json!({})),
        ("POST", format!("/api/v1/orgs/xa-a/corrective-actions/{}/start", owned.corrective_action), json!({})),
        ("POST", "/api/v1/orgs/xa-a/procedures/QT-HTI-01/acknowledge".to_owned(), json!({"revision": 1})),
    ] {
        let (status, answer) = c.call("toanquyen-tinh", method, &path, Some(body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path} → {answer}");
    }
    let (_, kept) = c.call("thuky-a", "GET", &format!("/api/v1/audits/{}", owned.audit), None).await;
    assert_eq!(kept["status"], "in_progress", "{kept}");

    // Commune A's own accounts still reach every record the walk named.
    let (status, _) =
        c.call("thuky-a", "GET", &format!("/api/v1/change-requests/{}", owned.change_request), None).await;
    assert_eq!(status, StatusCode::OK);
}
