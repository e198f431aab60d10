//! Change control through the API: draft → submit → review → approve → publish, the rules that
//! guard each step, and two publishes racing on one procedure.

use crate::common::*;
use actix_web::http::StatusCode;
use qms::domain::Role;
use serde_json::{Value, json};

fn setup() -> (tempfile::TempDir, tempfile::TempDir, qms::app::Startup) {
    let tree = small_corpus(&["QT-HT-01", "QT-HTI-01", "QT-CT-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    add_user(&started, "thuky", &[Role::Secretary], &[]);
    add_user(&started, "xemxet", &[Role::Reviewer], &["HTI"]);
    add_user(&started, "lanhdao", &[Role::Approver], &[]);
    add_user(&started, "canbo", &[Role::Staff], &["HTI"]);
    (tree, data, started)
}

fn revised(original: &str, sentence: &str) -> String {
    original.replacen("## 2. Phạm vi", &format!("{sentence}\n\n## 2. Phạm vi"), 1)
}

/// Opens a revision of QT-HTI-01 and takes it to `approved`; its id.
async fn approved_change<S: TestApp<B>, B: actix_web::body::MessageBody>(c: &Client<S>, sentence: &str) -> i64 {
    approved_edit(c, |markdown| revised(markdown, sentence)).await
}

/// Opens a revision of QT-HTI-01, edits its Markdown with `edit` and takes it to `approved`; its id.
async fn approved_edit<S: TestApp<B>, B: actix_web::body::MessageBody>(
    c: &Client<S>,
    edit: impl FnOnce(&str) -> String,
) -> i64 {
    let (status, cr) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-HTI-01", "reason": "Cập nhật theo văn bản mới", "kind": "revise"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cr}");
    let id = cr["id"].as_i64().unwrap();
    let markdown = edit(cr["markdown"].as_str().unwrap());
    let (status, _) = c
        .call("thuky", "PUT", &format!("/api/v1/change-requests/{id}/content"), Some(json!({"markdown": markdown})))
        .await;
    assert_eq!(status, StatusCode::OK);
    route(c, id).await;
    id
}

#[actix_web::test]
async fn a_revision_goes_from_draft_to_published() {
    let (_tree, data, started) = setup();
    let c = Client::new(service(&started).await);

    let (status, err) = c
        .call(
            "canbo",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-HTI-01", "reason": "x", "kind": "revise"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff calling a secretary action: {err}");

    let (status, cr) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-HTI-01", "reason": "Bổ sung hướng dẫn", "kind": "revise"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!((cr["status"].as_str(), cr["base_revision"].as_i64()), (Some("draft"), Some(1)));
    let id = cr["id"].as_i64().unwrap();
    let path = format!("/api/v1/change-requests/{id}");

    // A document that breaks the format is refused with every problem, and nothing changes.
    let broken = cr["markdown"].as_str().unwrap().replace("## 6. Biểu mẫu", "## 6. Mẫu biểu");
    let (status, err) = c.call("thuky", "PUT", &format!("{path}/content"), Some(json!({"markdown": broken}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["code"], "invalid_document");
    assert!(err["error"]["message"].as_str().unwrap().contains("6. Biểu mẫu"));

    let markdown = revised(cr["markdown"].as_str().unwrap(), "Áp dụng cả việc đăng ký khai sinh trực tuyến.");
    let (status, cr) = c.call("thuky", "PUT", &format!("{path}/content"), Some(json!({"markdown": markdown}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cr["diff"]["sections"][0]["heading"], "1. Mục đích");
    assert_eq!(cr["diff"]["sections"][0]["change"], "changed");
    assert!(cr["diff"]["unified"].as_str().unwrap().contains("+Áp dụng cả việc đăng ký khai sinh trực tuyến."));

    let (status, err) = c
        .call("thuky", "POST", &format!("{path}/submit"), Some(json!({"reviewers": ["xemxet"], "approver": "canbo"})))
        .await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_approver")));
    let (status, cr) = c
        .call("thuky", "POST", &format!("{path}/submit"), Some(json!({"reviewers": ["xemxet"], "approver": "lanhdao"})))
        .await;
    assert_eq!((status, cr["status"].as_str()), (StatusCode::OK, Some("in_review")));

    let (status, err) =
        c.call("lanhdao", "POST", &format!("{path}/approve"), Some(json!({"password": password_of("lanhdao")}))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("reviews_pending")));
    let (status, _) = c.call("canbo", "POST", &format!("{path}/reviews"), Some(json!({"decision": "approve"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only named reviewers review");
    let (status, cr) = c
        .call("xemxet", "POST", &format!("{path}/reviews"), Some(json!({"decision": "approve", "comment": "Đồng ý"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cr["reviews"][0]["current"], true);

    let (status, err) =
        c.call("lanhdao", "POST", &format!("{path}/approve"), Some(json!({"password": "sai-mat-khau"}))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("signature_refused")));
    let (status, err) = c.call("thuky", "POST", &format!("{path}/publish"), Some(json!({"summary": "x"}))).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("approval_stale")),
        "not approved yet"
    );
    let (status, cr) = c
        .call(
            "lanhdao",
            "POST",
            &format!("{path}/approve"),
            Some(json!({"password": password_of("lanhdao"), "comment": "Ký duyệt"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cr["approval"]["content_hash"], cr["content_hash"], "the signature covers this exact content");

    // A NUL byte would cut git's copy of the summary short: refused, nothing published.
    let (status, err) =
        c.call("thuky", "POST", &format!("{path}/publish"), Some(json!({"summary": "Bổ sung\u{0} ẩn"}))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("missing_summary")));
    let (_, current) = c.call("canbo", "GET", "/api/v1/procedures/QT-HTI-01", None).await;
    assert_eq!(current["revision"], 1);

    // A revision takes effect after its approval and within a year, never dated before revision 1.
    for bad in ["1900-01-01", "9999-12-31", &(today() - chrono::Duration::days(1)).to_string()] {
        let body = json!({"summary": "Bổ sung", "effective_date": bad});
        let (status, err) = c.call("thuky", "POST", &format!("{path}/publish"), Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {err}");
        assert_eq!(err["error"]["code"], "invalid_effective_date");
    }
    let (_, unchanged) = c.call("canbo", "GET", "/api/v1/procedures/QT-HTI-01", None).await;
    assert_eq!(unchanged["revision"], 1, "a refused date publishes nothing");
    let effective = (today() + chrono::Duration::days(7)).to_string();
    let (status, published) = c
        .call(
            "thuky",
            "POST",
            &format!("{path}/publish"),
            Some(json!({"summary": "Bổ sung đăng ký trực tuyến", "effective_date": effective})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["revision"], 2);
    assert_eq!(published["effective_date"], effective.as_str());
    assert_eq!(published["front_matter"]["revision"], 2);
    assert!(published["markdown"].as_str().unwrap().contains("trực tuyến"));

    // Staff see the new revision; the old one stays readable, marked superseded.
    let (_, current) = c.call("canbo", "GET", "/api/v1/procedures/QT-HTI-01", None).await;
    assert_eq!((current["revision"].as_i64(), current["standing"].as_str()), (Some(2), Some("current")));
    assert!(
        current["approvals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["step"] == "approved" && a["by"].as_str().unwrap().contains("lanhdao"))
    );
    let (_, old) = c.call("canbo", "GET", "/api/v1/procedures/QT-HTI-01/revisions/1", None).await;
    assert_eq!(old["standing"], "superseded");
    let (_, history) = c.call("canbo", "GET", "/api/v1/procedures/QT-HTI-01/revisions", None).await;
    assert_eq!(history["items"][0]["summary"], "Bổ sung đăng ký trực tuyến");
    let (_, diff) = c.call("canbo", "GET", "/api/v1/procedures/QT-HTI-01/diff?from=1&to=2", None).await;
    assert!(diff["front_matter"].as_array().unwrap().iter().any(|f| f["key"] == "revision"));
    let (_, cr) = c.call("thuky", "GET", &path, None).await;
    assert_eq!((cr["status"].as_str(), cr["published_revision"].as_i64()), (Some("published"), Some(2)));

    // git log: one commit per revision, with its trailers.
    let log = git_log(
        data.path(),
        "%(trailers:key=Procedure,key=Revision,key=Change-request,key=Approved-by,valueonly,separator=|)",
    );
    assert!(log[0].starts_with(&format!("QT-HTI-01|2|{id}|Ông/Bà lanhdao")), "{log:?}");
    assert_eq!(log.iter().filter(|l| l.starts_with("QT-HTI-01|")).count(), 2);

    // Read and understood.
    let (status, _) =
        c.call("canbo", "POST", "/api/v1/procedures/QT-HTI-01/acknowledge", Some(json!({"revision": 1}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "only the current revision");
    let (status, ack) =
        c.call("canbo", "POST", "/api/v1/procedures/QT-HTI-01/acknowledge", Some(json!({"revision": 2}))).await;
    assert_eq!((status, ack["newly_recorded"].as_bool()), (StatusCode::OK, Some(true)));
    let (_, who) = c.call("thuky", "GET", "/api/v1/procedures/QT-HTI-01/acknowledgements", None).await;
    let names = |list: &Value| {
        list.as_array().unwrap().iter().map(|r| r["username"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(names(&who["acknowledged"]), ["canbo"]);
    assert!(names(&who["pending"]).contains(&"xemxet".to_owned()));
    assert!(!names(&who["pending"]).contains(&"canbo".to_owned()));
}

#[actix_web::test]
async fn editing_after_approval_blocks_publishing_until_approved_again() {
    let (_tree, _data, started) = setup();
    let c = Client::new(service(&started).await);
    let id = approved_change(&c, "Câu bổ sung thứ nhất.").await;
    let path = format!("/api/v1/change-requests/{id}");
    let (_, cr) = c.call("thuky", "GET", &path, None).await;
    let edited = cr["markdown"].as_str().unwrap().replace("Câu bổ sung thứ nhất.", "Câu bổ sung đã sửa.");
    let (status, cr) = c.call("thuky", "PUT", &format!("{path}/content"), Some(json!({"markdown": edited}))).await;
    assert_eq!((status, cr["status"].as_str()), (StatusCode::OK, Some("in_review")));
    assert_eq!(cr["approval"]["voided"], true);
    assert_eq!(cr["reviews"][0]["current"], false);

    let (status, err) = c.call("thuky", "POST", &format!("{path}/publish"), Some(json!({"summary": "Sửa"}))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("approval_stale")));
    let (status, err) =
        c.call("lanhdao", "POST", &format!("{path}/approve"), Some(json!({"password": password_of("lanhdao")}))).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("reviews_pending")),
        "old reviews do not count"
    );

    c.call("xemxet", "POST", &format!("{path}/reviews"), Some(json!({"decision": "approve"}))).await;
    let (status, _) =
        c.call("lanhdao", "POST", &format!("{path}/approve"), Some(json!({"password": password_of("lanhdao")}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, published) =
        c.call("thuky", "POST", &format!("{path}/publish"), Some(json!({"summary": "Sửa"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(published["markdown"].as_str().unwrap().contains("Câu bổ sung đã sửa."));
}

#[actix_web::test]
async fn authors_cannot_approve_and_closed_requests_stay_closed() {
    let (_tree, _data, started) = setup();
    add_user(&started, "kiemnhiem", &[Role::Secretary, Role::Approver], &[]);
    let c = Client::new(service(&started).await);
    let (_, cr) = c
        .call(
            "kiemnhiem",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-CT-01", "reason": "Sửa lệ phí", "kind": "revise"})),
        )
        .await;
    let path = format!("/api/v1/change-requests/{}", cr["id"]);
    let (status, err) = c
        .call(
            "kiemnhiem",
            "POST",
            &format!("{path}/submit"),
            Some(json!({"reviewers": ["xemxet"], "approver": "kiemnhiem"})),
        )
        .await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_approver")));
    c.call(
        "kiemnhiem",
        "POST",
        &format!("{path}/submit"),
        Some(json!({"reviewers": ["xemxet"], "approver": "lanhdao"})),
    )
    .await;
    c.call("xemxet", "POST", &format!("{path}/reviews"), Some(json!({"decision": "approve"}))).await;
    let (status, err) = c
        .call("kiemnhiem", "POST", &format!("{path}/approve"), Some(json!({"password": password_of("kiemnhiem")})))
        .await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("author_cannot_approve")));

    let (status, _) =
        c.call("lanhdao", "POST", &format!("{path}/reject"), Some(json!({"comment": "Chưa đủ căn cứ"}))).await;
    assert_eq!(status, StatusCode::OK);
    for (user, action, body) in [
        ("kiemnhiem", "submit", json!({"reviewers": ["xemxet"], "approver": "lanhdao"})),
        ("xemxet", "reviews", json!({"decision": "approve"})),
        ("kiemnhiem", "publish", json!({"summary": "x"})),
    ] {
        let (status, err) = c.call(user, "POST", &format!("{path}/{action}"), Some(body)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{action}: {err}");
    }
    let (status, err) = c.call("kiemnhiem", "PUT", &format!("{path}/content"), Some(json!({"markdown": "x"}))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
    let (status, _) = c.call("thuky", "GET", "/api/v1/change-requests/99999", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn two_publishes_racing_on_one_procedure_one_wins() {
    let (_tree, data, started) = setup();
    let c = Client::new(service(&started).await);
    let first = approved_change(&c, "Phương án thứ nhất.").await;
    let second = approved_change(&c, "Phương án thứ hai.").await;
    let c = &c;
    let publish = |id: i64| async move {
        let uri = format!("/api/v1/change-requests/{id}/publish");
        c.call("thuky", "POST", &uri, Some(json!({"summary": format!("Yêu cầu {id}")}))).await
    };
    let ((s1, b1), (s2, b2)) = futures_util::future::join(publish(first), publish(second)).await;
    let mut statuses = [s1, s2];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{b1} {b2}");
    let (loser_body, loser_id) = if s1 == StatusCode::CONFLICT { (&b1, first) } else { (&b2, second) };
    assert_eq!(loser_body["error"]["code"], "stale_revision");
    // Nothing is lost: the losing request keeps its approved draft.
    let (_, cr) = c.call("thuky", "GET", &format!("/api/v1/change-requests/{loser_id}"), None).await;
    assert_eq!(cr["status"], "approved");
    assert!(cr["markdown"].as_str().unwrap().contains("Phương án thứ"));
    assert_eq!(git_log(data.path(), "%s").iter().filter(|s| s.starts_with("QT-HTI-01 lần ban hành 2")).count(), 1);
    let (_, current) = c.call("canbo", "GET", "/api/v1/procedures/QT-HTI-01", None).await;
    assert_eq!(current["revision"], 2);
}

#[actix_web::test]
async fn the_dashboard_counts_what_needs_attention() {
    let (_tree, _data, started) = setup();
    let c = Client::new(service(&started).await);
    let (status, before) = c.call("canbo", "GET", "/api/v1/dashboard", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(before["procedures"]["effective"], 3);
    // canbo belongs to HTI: the HTI procedure and the system procedure concern them.
    assert_eq!(before["unacknowledged_revisions"], 2);
    c.call("canbo", "POST", "/api/v1/procedures/QT-HTI-01/acknowledge", Some(json!({"revision": 1}))).await;
    let (_, after) = c.call("canbo", "GET", "/api/v1/dashboard", None).await;
    assert_eq!(after["unacknowledged_revisions"], 1);
    assert_eq!(after["to_read"][0]["code"], "QT-HT-01");

    let (_, cr) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-CT-01", "reason": "x", "kind": "revise"})),
        )
        .await;
    let id = cr["id"].as_i64().unwrap();
    c.call(
        "thuky",
        "POST",
        &format!("/api/v1/change-requests/{id}/submit"),
        Some(json!({"reviewers": ["xemxet"], "approver": "lanhdao"})),
    )
    .await;
    let (_, reviewer) = c.call("xemxet", "GET", "/api/v1/dashboard", None).await;
    assert_eq!((reviewer["to_review"].as_i64(), reviewer["change_requests"]["in_review"].as_i64()), (Some(1), Some(1)));
    assert_eq!(reviewer["waiting_for_me"][0]["id"], id);
    assert_eq!(reviewer["waiting_for_me"][0]["to_approve"], false);
    let (_, approver) = c.call("lanhdao", "GET", "/api/v1/dashboard", None).await;
    assert_eq!(approver["to_approve"], 1);
    assert_eq!(approver["waiting_for_me"][0]["to_approve"], true);
    c.call("xemxet", "POST", &format!("/api/v1/change-requests/{id}/reviews"), Some(json!({"decision": "approve"})))
        .await;
    let (_, reviewer) = c.call("xemxet", "GET", "/api/v1/dashboard", None).await;
    assert_eq!(reviewer["to_review"], 0);
    assert_eq!(reviewer["waiting_for_me"], json!([]));

    // The charts' numbers: a re-issue this month, in the last of twelve months.
    c.call(
        "lanhdao",
        "POST",
        &format!("/api/v1/change-requests/{id}/approve"),
        Some(json!({"password": password_of("lanhdao")})),
    )
    .await;
    let (status, _) = c
        .call("thuky", "POST", &format!("/api/v1/change-requests/{id}/publish"), Some(json!({"summary": "Ban hành"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    let month_of_publish = chrono::Utc::now().format("%Y-%m").to_string();
    let (_, d) = c.call("thuky", "GET", "/api/v1/dashboard", None).await;
    let months = d["reissues_per_month"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    if months[11]["month"] != month_of_publish.as_str() {
        // The month ended between the publish and the dashboard: the count sits one month back.
        return;
    }
    assert_eq!((months[11]["count"].as_i64(), months[10]["count"].as_i64()), (Some(1), Some(0)));
    assert_eq!(d["corrective_actions"]["planned"], 0);
    assert_eq!(d["findings_last_12_months"]["major_nc"], 0);
}

/// Takes change request `id` from draft to published; the publish response.
async fn route_and_publish<S: TestApp<B>, B: actix_web::body::MessageBody>(
    c: &Client<S>,
    id: i64,
) -> serde_json::Value {
    route(c, id).await;
    publish(c, id).await
}

/// Publishes approved change request `id`; the publish response.
async fn publish<S: TestApp<B>, B: actix_web::body::MessageBody>(c: &Client<S>, id: i64) -> serde_json::Value {
    let (status, published) = c
        .call("thuky", "POST", &format!("/api/v1/change-requests/{id}/publish"), Some(json!({"summary": "Ban hành"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    published
}

#[actix_web::test]
async fn new_procedures_are_created_and_old_ones_retired() {
    let (_tree, data, started) = setup();
    let c = Client::new(service(&started).await);

    // Create: a new procedure, revision 1.
    let markdown = read_corpus_file("QT-HTI-05")
        .replace("QT-HTI-05", "QT-HTI-17")
        .replace("title: Đăng ký khai tử", "title: Đăng ký khai tử (thí điểm trực tuyến)");
    let (status, err) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-HTI-01", "reason": "x", "kind": "create", "markdown": markdown})),
        )
        .await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("procedure_exists")));
    let (status, err) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-HTI-17", "reason": "x", "kind": "create"})),
        )
        .await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("missing_markdown")));
    let (status, cr) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-HTI-17", "reason": "Thí điểm", "kind": "create", "markdown": markdown})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cr}");
    assert_eq!(cr["base_revision"], serde_json::Value::Null);
    assert_eq!(cr["diff"]["sections"][0]["change"], "added");
    let published = route_and_publish(&c, cr["id"].as_i64().unwrap()).await;
    assert_eq!((published["code"].as_str(), published["revision"].as_i64()), (Some("QT-HTI-17"), Some(1)));
    let (_, list) = c.call("canbo", "GET", "/api/v1/procedures?field=HTI", None).await;
    assert_eq!(list["total"], 2);

    // Retire: obsolete, still readable, out of the default lists.
    let (status, err) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-CT-01", "reason": "x", "kind": "retire", "markdown": "x"})),
        )
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unexpected_markdown"))
    );
    let (_, cr) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-CT-01", "reason": "Thủ tục bị bãi bỏ", "kind": "retire"})),
        )
        .await;
    let retired = route_and_publish(&c, cr["id"].as_i64().unwrap()).await;
    assert_eq!((retired["status"].as_str(), retired["standing"].as_str()), (Some("obsolete"), Some("obsolete")));
    let (_, effective) = c.call("canbo", "GET", "/api/v1/procedures?limit=500", None).await;
    assert!(effective["items"].as_array().unwrap().iter().all(|p| p["code"] != "QT-CT-01"));
    let (_, all) = c.call("canbo", "GET", "/api/v1/procedures?status=all&limit=500", None).await;
    assert!(all["items"].as_array().unwrap().iter().any(|p| p["code"] == "QT-CT-01" && p["status"] == "obsolete"));
    let (status, _) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-CT-01", "reason": "x", "kind": "revise"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "an obsolete procedure is not revised");
    let token = c.token("canbo").await;
    let page = actix_web::test::call_service(&c.app, page("/procedures/QT-CT-01", &token)).await;
    assert!(body_text(page).await.contains("banner obsolete"));
    assert!(git_log(data.path(), "%s")[0].contains("QT-CT-01: thu hồi"));
    let out = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(data.path().join("procedures.git"))
        .args(["ls-tree", "-r", "--name-only", "main"])
        .output()
        .unwrap();
    let files = String::from_utf8_lossy(&out.stdout);
    assert!(files.contains("obsolete/CT/QT-CT-01.md") && !files.lines().any(|l| l == "CT/QT-CT-01.md"));
}

/// Submits change request `id` to xemxet and lanhdao, who review and approve it.
async fn route<S: TestApp<B>, B: actix_web::body::MessageBody>(c: &Client<S>, id: i64) {
    for (user, action, body) in [
        ("thuky", "submit", json!({"reviewers": ["xemxet"], "approver": "lanhdao"})),
        ("xemxet", "reviews", json!({"decision": "approve", "comment": "Đồng ý"})),
        ("lanhdao", "approve", json!({"password": password_of("lanhdao"), "comment": "Ký duyệt"})),
    ] {
        let (status, body) = c.call(user, "POST", &format!("/api/v1/change-requests/{id}/{action}"), Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let (_, cr) = c.call("thuky", "GET", &format!("/api/v1/change-requests/{id}"), None).await;
    assert_eq!(cr["status"], "approved");
}

/// The procedure page is kept in memory between writes (see `service::reading`): every change
/// this instance makes shows on the next view, and a change written by another process sharing
/// the database shows once the cache's time is up.
#[actix_web::test]
async fn the_procedure_page_shows_every_change_at_once() {
    use diesel::{Connection, RunQueryDsl, SqliteConnection};
    let (_tree, data, started) = setup();
    let c = Client::new(service(&started).await);
    let staff = sign_in(&c.app, "canbo", &password_of("canbo")).await;
    let read = || async {
        body_text(actix_web::test::call_service(&c.app, page("/procedures/QT-HTI-01", &staff)).await).await
    };
    let acknowledged = "Bạn đã xác nhận đọc phiên bản này.";

    let first = read().await;
    assert_eq!(read().await, first, "a second view in the same state");
    assert!(!first.contains(acknowledged) && first.contains("name=\"revision\" value=\"1\""));

    let form = [("csrf", csrf_of(&first)), ("revision", "1".to_owned())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res =
        actix_web::test::call_service(&c.app, form_post("/procedures/QT-HTI-01/acknowledge", &staff, &form)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(read().await.contains(acknowledged), "the acknowledgement shows on the next view");

    let sentence = "Hồ sơ nộp trực tuyến được tiếp nhận cả ngày thứ Bảy.";
    let id = approved_change(&c, sentence).await;
    publish(&c, id).await;
    let revised = read().await;
    assert!(revised.contains(sentence), "the published revision shows on the next view");
    assert!(revised.contains("name=\"revision\" value=\"2\"") && !revised.contains(acknowledged));

    // Another process (a second instance, a `qms` command) records the acknowledgement.
    let mut other = SqliteConnection::establish(&data.path().join("qms.sqlite3").to_string_lossy()).unwrap();
    diesel::sql_query(
        "INSERT INTO acknowledgements (org_id, procedure_code, revision, username, acknowledged_at) \
         VALUES (1, 'QT-HTI-01', 2, 'canbo', CURRENT_TIMESTAMP)",
    )
    .execute(&mut other)
    .unwrap();
    actix_web::rt::time::sleep(qms::service::reading::ReadingCache::TTL + std::time::Duration::from_millis(300)).await;
    assert!(read().await.contains(acknowledged), "another process's change shows within the cache's time");
}

/// A revision's citations replace the ones before: dropped ones stop counting, added ones start,
/// and a revision that keeps them keeps them all.
#[actix_web::test]
async fn a_revision_cites_what_its_front_matter_lists() {
    let (_tree, _data, started) = setup();
    let c = Client::new(service(&started).await);
    let citing =
        |key: &str| started.state.first_org().index.procedures_citing(key).unwrap().contains(&"QT-HTI-01".to_owned());
    assert!(citing("BLDS-2015") && !citing("TT-04-2020-BTP"));

    for (front, sentence) in [
        (Some(("BLDS-2015, ", "TT-04-2020-BTP, ")), "Bỏ viện dẫn Bộ luật Dân sự, thêm Thông tư 04/2020."),
        (None, "Sửa câu chữ, giữ nguyên căn cứ."),
    ] {
        let id = approved_edit(&c, |markdown| {
            let markdown = revised(markdown, sentence);
            match front {
                Some((dropped, added)) => markdown.replacen(dropped, added, 1),
                None => markdown,
            }
        })
        .await;
        publish(&c, id).await;
        assert!(!citing("BLDS-2015"), "the dropped citation no longer counts");
        assert!(citing("TT-04-2020-BTP"), "the added citation counts");
        for kept in ["LUAT-HOTICH-2014", "ND-123-2015", "QD-1462-2019-UBND-TTH"] {
            assert!(citing(kept), "{kept} is still cited");
        }
    }
}

/// The revision history is a list like the others: a page at a time, newest first, with the
/// total, and bad paging refused.
#[actix_web::test]
async fn the_history_comes_a_page_at_a_time() {
    let (_tree, _data, started) = setup();
    let c = Client::new(service(&started).await);
    for sentence in ["Lần sửa thứ nhất.", "Lần sửa thứ hai."] {
        let id = approved_change(&c, sentence).await;
        publish(&c, id).await;
    }
    let page = |query: &'static str| {
        let c = &c;
        async move {
            let (status, body) =
                c.call("canbo", "GET", &format!("/api/v1/procedures/QT-HTI-01/revisions{query}"), None).await;
            let revisions: Vec<i64> = body["items"]
                .as_array()
                .map(|a| a.iter().filter_map(|r| r["revision"].as_i64()).collect())
                .unwrap_or_default();
            (status, revisions, body)
        }
    };
    for (query, expected) in [
        ("", vec![3, 2, 1]),
        ("?limit=2", vec![3, 2]),
        ("?limit=2&offset=2", vec![1]),
        ("?offset=3", vec![]),
        ("?limit=100000", vec![3, 2, 1]),
    ] {
        let (status, revisions, body) = page(query).await;
        assert_eq!((status, revisions), (StatusCode::OK, expected), "{query}: {body}");
        assert_eq!(body["total"], 3, "{query}");
    }
    for query in ["?limit=0", "?offset=-1", "?limit=abc", "?page=2"] {
        let (status, _, body) = page(query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{query}: {body}");
    }
}
