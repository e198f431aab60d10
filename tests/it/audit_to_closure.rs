//! From an audit plan to a closed nonconformity, through a finding pinned to its revision, a
//! corrective action that needs a procedure change, and the revision that fixes it.

use crate::common::*;
use actix_web::http::StatusCode;
use qms::domain::Role;
use serde_json::{Value, json};

fn setup() -> (tempfile::TempDir, tempfile::TempDir, qms::app::Startup) {
    let tree = small_corpus(&["QT-HT-03", "QT-HTI-01", "QT-CT-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    add_user(&started, "thuky", &[Role::Secretary], &[]);
    add_user(&started, "dgvct", &[Role::Auditor], &["CT"]);
    add_user(&started, "dgvhti", &[Role::Auditor], &["HTI"]);
    add_user(&started, "xemxet", &[Role::Reviewer], &[]);
    add_user(&started, "lanhdao", &[Role::Approver], &[]);
    add_user(&started, "thuchien", &[Role::Staff], &["HTI"]);
    (tree, data, started)
}

fn plan(lead: &str, reason: Option<&str>) -> Value {
    let mut body = json!({
        "title": "Đánh giá nội bộ lĩnh vực Hộ tịch năm 2026",
        "year": 2026,
        "scope": {"fields": ["HTI"], "procedures": []},
        "criteria": "TCVN ISO 9001:2015; quy trình QT-HTI-01",
        "planned_start": "2026-12-01",
        "planned_end": "2026-12-03",
        "lead_auditor": lead,
        "auditors": []
    });
    if let Some(r) = reason {
        body["independence_override"] = json!({"reason": r});
    }
    body
}

#[actix_web::test]
async fn a_finding_leads_to_a_revision_and_a_closed_nonconformity() {
    let (_tree, _data, started) = setup();
    let c = Client::new(service(&started).await);

    // A scope names fields the QMS has.
    let mut unknown = plan("dgvct", None);
    unknown["scope"]["fields"] = json!(["HTI", "KHONG-CO"]);
    let (status, err) = c.call("thuky", "POST", "/api/v1/audits", Some(unknown)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_field")));
    assert!(err["error"]["message"].as_str().unwrap().contains("KHONG-CO"));

    // Independence: nobody audits their own field, unless the reason is recorded.
    let (status, err) = c.call("thuky", "POST", "/api/v1/audits", Some(plan("dgvhti", None))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("auditor_not_independent")));
    assert!(err["error"]["message"].as_str().unwrap().contains("dgvhti"));
    let (status, excepted) =
        c.call("thuky", "POST", "/api/v1/audits", Some(plan("dgvhti", Some("Xã chỉ có một đánh giá viên")))).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(excepted["independence_override"]["reason"], "Xã chỉ có một đánh giá viên");
    let (status, audit) = c.call("thuky", "POST", "/api/v1/audits", Some(plan("dgvct", None))).await;
    assert_eq!(status, StatusCode::CREATED, "{audit}");
    assert_eq!(audit["independence_override"], Value::Null);
    let id = audit["id"].as_i64().unwrap();
    let path = format!("/api/v1/audits/{id}");

    let (_, programme) = c.call("thuky", "GET", "/api/v1/audit-programme?year=2026", None).await;
    let hti = programme["items"].as_array().unwrap().iter().find(|r| r["field"] == "HTI").unwrap().clone();
    assert_eq!(hti["planned"].as_array().unwrap().len(), 2);

    let (status, _) = c.call("thuchien", "POST", &format!("{path}/start"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = c
        .call(
            "dgvct",
            "POST",
            &format!("{path}/findings"),
            Some(json!({"procedure_code": "QT-HTI-01", "type": "minor_nc", "description": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "no findings before the audit starts");
    let (status, started_audit) = c.call("dgvct", "POST", &format!("{path}/start"), None).await;
    assert_eq!((status, started_audit["status"].as_str()), (StatusCode::OK, Some("in_progress")));

    // The checklist comes from the current revision.
    let (_, checklist) = c.call("dgvct", "GET", &format!("{path}/checklist"), None).await;
    let items = checklist["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["kind"] == "step" && i["text"].as_str().unwrap().contains("Thực hiện đúng bước")));
    assert!(items.iter().all(|i| i["procedure_code"] == "QT-HTI-01" && i["revision"] == 1));
    let item = items[0]["id"].as_i64().unwrap();
    let (status, checked) = c
        .call(
            "dgvct",
            "PUT",
            &format!("{path}/checklist/{item}"),
            Some(json!({"result": "nonconform", "note": "Thiếu phiếu hẹn"})),
        )
        .await;
    assert_eq!((status, checked["result"].as_str()), (StatusCode::OK, Some("nonconform")));

    let (status, err) = c
        .call(
            "dgvct",
            "POST",
            &format!("{path}/findings"),
            Some(json!({"procedure_code": "QT-CT-01", "type": "observation", "description": "x"})),
        )
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("procedure_not_in_scope"))
    );
    let (status, finding) = c
        .call("dgvct", "POST", &format!("{path}/findings"), Some(json!({"procedure_code": "QT-HTI-01", "clause": "8.5.1", "type": "minor_nc", "description": "Không ghi sổ theo dõi hồ sơ", "evidence": "Sổ tháng 11"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{finding}");
    assert_eq!(finding["procedure_revision"], 1);
    let commit_at_finding = finding["procedure_commit"].as_str().unwrap().to_owned();
    let nc_id = finding["nonconformity_id"].as_i64().expect("an NC finding opens a nonconformity");
    let (_, observation) = c
        .call(
            "dgvct",
            "POST",
            &format!("{path}/findings"),
            Some(json!({"procedure_code": "QT-HTI-01", "type": "observation", "description": "Bảng niêm yết cũ"})),
        )
        .await;
    assert_eq!(observation["nonconformity_id"], Value::Null);

    // The nonconformity and its root cause.
    let nc_path = format!("/api/v1/nonconformities/{nc_id}");
    let (_, nc) = c.call("thuky", "GET", &nc_path, None).await;
    assert_eq!(
        (nc["source"].as_str(), nc["status"].as_str(), nc["severity"].as_str()),
        (Some("audit_finding"), Some("open"), Some("minor"))
    );
    assert_eq!(nc["finding_id"], finding["id"]);
    let (status, _) = c.call("thuky", "PUT", &format!("{nc_path}/root-cause"), Some(json!({"why": ["Vì quên", "Vì quy trình không nói rõ"], "root_cause": "Bước 4 của quy trình không quy định ghi sổ", "similar_checked": true}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = c.call("thuky", "POST", &format!("{nc_path}/close"), None).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("actions_not_verified")));

    // A corrective action that needs the procedure changed.
    let (status, ca) = c
        .call("thuky", "POST", "/api/v1/corrective-actions", Some(json!({"nonconformity_ids": [nc_id], "action": "Sửa bước 4: ghi sổ theo dõi", "owner": "thuchien", "due_date": "2026-12-31", "requires_change_of": "QT-HTI-01"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ca}");
    let ca_path = format!("/api/v1/corrective-actions/{}", ca["id"]);
    let (_, nc) = c.call("thuky", "GET", &nc_path, None).await;
    assert_eq!(nc["status"], "action_planned");
    let (status, err) =
        c.call("thuchien", "POST", &format!("{ca_path}/complete"), Some(json!({"evidence": "x"}))).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition")),
        "not started yet"
    );
    c.call("thuchien", "POST", &format!("{ca_path}/start"), None).await;
    let (status, err) =
        c.call("thuchien", "POST", &format!("{ca_path}/complete"), Some(json!({"evidence": "Đã sửa"}))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("change_not_published")));

    // The fix: a revision of QT-HTI-01 through change control.
    let (_, cr) = c
        .call(
            "thuky",
            "POST",
            "/api/v1/change-requests",
            Some(json!({"code": "QT-HTI-01", "reason": "Hành động khắc phục: ghi sổ theo dõi", "kind": "revise"})),
        )
        .await;
    let cr_id = cr["id"].as_i64().unwrap();
    let markdown = cr["markdown"].as_str().unwrap().replacen(
        "## 2. Phạm vi",
        "Mọi hồ sơ được ghi Sổ theo dõi.\n\n## 2. Phạm vi",
        1,
    );
    for (user, method, action, body) in [
        ("thuky", "PUT", "content", json!({"markdown": markdown})),
        ("thuky", "POST", "submit", json!({"reviewers": ["xemxet"], "approver": "lanhdao"})),
        ("xemxet", "POST", "reviews", json!({"decision": "approve"})),
        ("lanhdao", "POST", "approve", json!({"password": password_of("lanhdao")})),
        ("thuky", "POST", "publish", json!({"summary": "Bổ sung ghi sổ theo dõi (khắc phục)"})),
    ] {
        let (status, body) =
            c.call(user, method, &format!("/api/v1/change-requests/{cr_id}/{action}"), Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let (status, done) = c
        .call(
            "thuchien",
            "POST",
            &format!("{ca_path}/complete"),
            Some(json!({"evidence": "Quy trình lần 2 đã ban hành"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["change_request_id"], cr_id);

    // Verification: not by the owner.
    let (status, err) =
        c.call("thuchien", "POST", &format!("{ca_path}/verify"), Some(json!({"effective": true}))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("owner_cannot_verify")));
    let (status, verified) = c
        .call(
            "dgvct",
            "POST",
            &format!("{ca_path}/verify"),
            Some(json!({"effective": true, "comment": "Đã kiểm tra sổ"})),
        )
        .await;
    assert_eq!((status, verified["status"].as_str()), (StatusCode::OK, Some("verified_effective")));

    let (status, closed) = c.call("thuky", "POST", &format!("{nc_path}/close"), None).await;
    assert_eq!((status, closed["status"].as_str()), (StatusCode::OK, Some("closed")));
    let (_, nc) = c.call("thuky", "GET", &nc_path, None).await;
    assert_eq!(nc["fixed_by_revisions"][0]["code"], "QT-HTI-01");
    assert_eq!(nc["fixed_by_revisions"][0]["revision"], 2);

    // The finding still points at the revision it was logged against.
    let (_, audit) = c.call("dgvct", "GET", &path, None).await;
    assert_eq!(audit["findings"][0]["procedure_revision"], 1);
    assert_eq!(audit["findings"][0]["procedure_commit"], commit_at_finding);

    // Report and closing freeze the audit.
    let (status, _) = c
        .call(
            "dgvct",
            "PUT",
            &format!("{path}/report"),
            Some(json!({"strong_points": "Tiếp dân chu đáo", "to_improve": "Ghi sổ đầy đủ"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, report) = c.call("thuchien", "GET", &format!("{path}/report"), None).await;
    assert_eq!(report["counts_by_type"], json!({"major_nc": 0, "minor_nc": 1, "observation": 1, "ofi": 0}));
    assert_eq!(report["strong_points"], "Tiếp dân chu đáo");
    let (_, dashboard) = c.call("dgvct", "GET", "/api/v1/dashboard", None).await;
    assert_eq!(dashboard["findings_last_12_months"], report["counts_by_type"], "the home page chart counts them");
    assert_eq!(dashboard["my_audits"][0]["status"], "reported");
    let (status, closed) = c.call("dgvct", "POST", &format!("{path}/close"), None).await;
    assert_eq!((status, closed["status"].as_str()), (StatusCode::OK, Some("closed")));
    let (status, _) = c
        .call(
            "dgvct",
            "POST",
            &format!("{path}/findings"),
            Some(json!({"procedure_code": "QT-HTI-01", "type": "ofi", "description": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = c.call("dgvct", "PUT", &format!("{path}/report"), Some(json!({"strong_points": "sửa"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "a closed audit is frozen");
}

#[actix_web::test]
async fn not_effective_reopens_and_out_of_order_steps_are_refused() {
    let (_tree, _data, started) = setup();
    let c = Client::new(service(&started).await);
    let (status, nc) = c
        .call("thuky", "POST", "/api/v1/nonconformities", Some(json!({"source": "complaint", "procedure_codes": ["QT-CT-01"], "description": "Công dân phản ánh trả kết quả trễ", "severity": "major", "correction": "Xin lỗi công dân, trả ngay"})))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, err) = c.call("thuky", "POST", "/api/v1/nonconformities", Some(json!({"source": "complaint", "procedure_codes": ["QT-XX-99"], "description": "x", "severity": "minor"}))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_procedure")));
    let (status, _) = c
        .call(
            "thuchien",
            "POST",
            "/api/v1/nonconformities",
            Some(json!({"source": "other", "description": "x", "severity": "minor"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, ca) = c
        .call("thuky", "POST", "/api/v1/corrective-actions", Some(json!({"nonconformity_ids": [nc["id"]], "action": "Nhắc việc tự động", "owner": "thuchien", "due_date": "2020-01-31"})))
        .await;
    let ca_path = format!("/api/v1/corrective-actions/{}", ca["id"]);
    let (_, overdue) = c.call("thuky", "GET", "/api/v1/corrective-actions?overdue=true", None).await;
    assert_eq!(overdue["total"], 1);
    assert_eq!(overdue["items"][0]["overdue"], true);
    let (status, _) = c.call("dgvct", "POST", &format!("{ca_path}/verify"), Some(json!({"effective": true}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "not completed yet");
    c.call("thuchien", "POST", &format!("{ca_path}/start"), None).await;
    c.call("thuchien", "POST", &format!("{ca_path}/complete"), Some(json!({"evidence": "Đã cài nhắc việc"}))).await;
    let (status, err) = c.call("dgvct", "POST", &format!("{ca_path}/verify"), Some(json!({"effective": false}))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("missing_comment")));
    let (status, reopened) = c
        .call(
            "dgvct",
            "POST",
            &format!("{ca_path}/verify"),
            Some(json!({"effective": false, "comment": "Vẫn trễ hạn"})),
        )
        .await;
    assert_eq!((status, reopened["status"].as_str()), (StatusCode::OK, Some("not_effective")));
    let (status, err) = c.call("thuky", "POST", &format!("/api/v1/nonconformities/{}/close", nc["id"]), None).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("actions_not_verified")));
    let (status, again) = c.call("thuchien", "POST", &format!("{ca_path}/start"), None).await;
    assert_eq!(
        (status, again["status"].as_str()),
        (StatusCode::OK, Some("in_progress")),
        "not effective reopens the action"
    );
}
