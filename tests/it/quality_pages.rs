//! Audits and nonconformities in the web UI: plan (with the independence check), run, log a
//! finding, analyse, act, verify, close, print.

use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::test;
use qms::domain::Role;

async fn home_of<S: TestApp<B>, B: actix_web::body::MessageBody>(app: &S, token: &str) -> String {
    body_text(test::call_service(app, page("/", token)).await).await
}

#[actix_web::test]
async fn an_auditor_plans_audits_and_the_nonconformity_is_closed_in_the_pages() {
    let tree = small_corpus(&["QT-HT-03", "QT-CT-01", "QT-HTI-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    add_user(&started, "thuky", &[Role::Secretary], &[]);
    add_user(&started, "dgvct", &[Role::Auditor], &["CT"]);
    add_user(&started, "dgvhti", &[Role::Auditor], &["HTI"]);
    add_user(&started, "thuchien", &[Role::Staff], &["CT"]);
    let app = service(&started).await;
    let call = |req| test::call_service(&app, req);
    let dgv = sign_in(&app, "dgvhti", &password_of("dgvhti")).await;

    let form = body_text(call(page("/audits/new", &dgv)).await).await;
    let csrf = csrf_of(&form);
    let plan = |override_reason: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", "Đánh giá lĩnh vực Chứng thực".to_owned()),
            ("year", "2026".to_owned()),
            ("fields", "CT".to_owned()),
            ("criteria", "TCVN ISO 9001:2015".to_owned()),
            ("planned_start", "2026-12-07".to_owned()),
            ("planned_end", "2026-12-08".to_owned()),
            ("lead_auditor", "dgvct".to_owned()),
            ("independence_override", override_reason.to_owned()),
        ]
    };
    let pairs = plan("");
    let fields: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = call(form_post("/audits", &dgv, &fields)).await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "dgvct belongs to CT");
    let refused = body_text(res).await;
    assert!(refused.contains("không ai tự đánh giá công việc của mình") && refused.contains("aria-invalid=\"true\""));
    assert!(refused.contains("value=\"Đánh giá lĩnh vực Chứng thực\""), "what was typed is kept");
    let pairs = plan("Chỉ có một đánh giá viên được đào tạo");
    let fields: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = call(form_post("/audits", &dgv, &fields)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let audit = location(&res);

    let lead = sign_in(&app, "dgvct", &password_of("dgvct")).await;
    let res = call(form_post(
        &format!("{audit}/start"),
        &lead,
        &[("csrf", &csrf_of(&body_text(call(page(&audit, &lead)).await).await))],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let detail = body_text(call(page(&audit, &lead)).await).await;
    assert!(detail.contains("Chỉ có một đánh giá viên được đào tạo"), "the override is shown");
    let lcsrf = csrf_of(&detail);
    let item = {
        let at = detail.find("name=\"result_").unwrap() + 13;
        detail[at..at + detail[at..].find('"').unwrap()].to_owned()
    };
    let res = call(form_post(
        &format!("{audit}/checklist"),
        &lead,
        &[("csrf", &lcsrf), (&format!("result_{item}"), "nonconform"), (&format!("note_{item}"), "Thiếu sổ")],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(body_text(call(page(&audit, &lead)).await).await.contains("value=\"Thiếu sổ\""));
    let res = call(form_post(
        &format!("{audit}/findings"),
        &lead,
        &[
            ("csrf", &lcsrf),
            ("procedure_code", "QT-CT-01"),
            ("type", "major_nc"),
            ("clause", "8.5.1"),
            ("description", "Chứng thực không ghi sổ"),
            ("evidence", "Sổ chứng thực tháng 11"),
        ],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let detail = body_text(call(page(&audit, &lead)).await).await;
    assert!(detail.contains("tại lần ban hành 1"));
    let nc = {
        let at = detail.find("href=\"/nonconformities/").unwrap() + 6;
        detail[at..at + detail[at..].find('"').unwrap()].to_owned()
    };

    // The secretary analyses the cause and plans an action; the owner does it; someone else verifies.
    let thuky = sign_in(&app, "thuky", &password_of("thuky")).await;
    let page_nc = body_text(call(page(&nc, &thuky)).await).await;
    let tcsrf = csrf_of(&page_nc);
    let res = call(form_post(
        &format!("{nc}/root-cause"),
        &thuky,
        &[
            ("csrf", &tcsrf),
            ("why", "Quên ghi sổ"),
            ("why", "Không có mẫu sổ"),
            ("why", ""),
            ("root_cause", "Chưa ban hành mẫu sổ"),
            ("similar_checked", "true"),
        ],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = call(form_post(&format!("{nc}/close"), &thuky, &[("csrf", &tcsrf)])).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(body_text(res).await.contains("Chỉ đóng được khi mọi hành động khắc phục đã được xác nhận có hiệu lực"));
    let nc_id = nc.trim_start_matches("/nonconformities/");
    let res = call(form_post(
        "/corrective-actions",
        &thuky,
        &[
            ("csrf", &tcsrf),
            ("nonconformity_id", nc_id),
            ("action", "Bổ sung bước ghi sổ vào quy trình"),
            ("owner", "thuchien"),
            ("due_date", "2026-12-20"),
            ("requires_change_of", "QT-CT-01"),
        ],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", location(&res));
    let ca = {
        let loc = location(&res);
        loc[loc.find("#ca-").unwrap() + 4..].to_owned()
    };
    let owner = sign_in(&app, "thuchien", &password_of("thuchien")).await;
    let ocsrf = csrf_of(&body_text(call(page(&nc, &owner)).await).await);
    assert_eq!(
        call(form_post(&format!("/corrective-actions/{ca}/start"), &owner, &[("csrf", &ocsrf)])).await.status(),
        StatusCode::SEE_OTHER
    );
    let res = call(form_post(
        &format!("/corrective-actions/{ca}/complete"),
        &owner,
        &[("csrf", &ocsrf), ("evidence", "Quy trình đã sửa")],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "not before the procedure change is published");
    let refused = body_text(res).await;
    assert!(
        refused.contains("chỉ hoàn thành được sau khi bản sửa đổi được ban hành")
            && refused.contains("/change-requests/new?code=QT-CT-01")
    );

    // The procedure revision, through the change-control pages.
    add_user(&started, "xemxet", &[Role::Reviewer], &[]);
    add_user(&started, "lanhdao", &[Role::Approver], &[]);
    let res = call(form_post(
        "/change-requests",
        &thuky,
        &[("csrf", &tcsrf), ("kind", "revise"), ("code", "QT-CT-01"), ("reason", "Khắc phục NC: ghi sổ")],
    ))
    .await;
    let cr = location(&res);
    let editor = body_text(call(page(&format!("{cr}/edit"), &thuky)).await).await;
    let start_md = editor.find("name=\"markdown\"").unwrap();
    let open_md = editor[start_md..].find('>').unwrap() + start_md + 1;
    let markdown = editor[open_md..open_md + editor[open_md..].find("</textarea>").unwrap()]
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let edited = markdown.replacen("## 2. Phạm vi", "Mọi việc chứng thực được ghi Sổ chứng thực.\n\n## 2. Phạm vi", 1);
    assert_eq!(
        call(form_post(&format!("{cr}/edit"), &thuky, &[("csrf", &tcsrf), ("markdown", &edited)])).await.status(),
        StatusCode::SEE_OTHER
    );
    let submit = [("csrf", tcsrf.as_str()), ("reviewers", "xemxet"), ("approver", "lanhdao")];
    assert_eq!(call(form_post(&format!("{cr}/submit"), &thuky, &submit)).await.status(), StatusCode::SEE_OTHER);
    let xemxet = sign_in(&app, "xemxet", &password_of("xemxet")).await;
    let xcsrf = csrf_of(&home_of(&app, &xemxet).await);
    let shown = body_text(call(page(&cr, &xemxet)).await).await;
    let seen = hidden_value(&shown, "content_hash");
    let review = [("csrf", xcsrf.as_str()), ("decision", "approve"), ("content_hash", &seen)];
    assert_eq!(call(form_post(&format!("{cr}/reviews"), &xemxet, &review)).await.status(), StatusCode::SEE_OTHER);
    let lanhdao = sign_in(&app, "lanhdao", &password_of("lanhdao")).await;
    let lh = csrf_of(&home_of(&app, &lanhdao).await);
    let sign = [("csrf", lh.as_str()), ("password", &password_of("lanhdao")), ("content_hash", &seen)];
    assert_eq!(call(form_post(&format!("{cr}/approve"), &lanhdao, &sign)).await.status(), StatusCode::SEE_OTHER);
    let publish = [("csrf", tcsrf.as_str()), ("summary", "Bổ sung ghi sổ chứng thực")];
    assert_eq!(call(form_post(&format!("{cr}/publish"), &thuky, &publish)).await.status(), StatusCode::SEE_OTHER);
    let done = [("csrf", ocsrf.as_str()), ("evidence", "Quy trình lần 2 đã ban hành")];
    assert_eq!(
        call(form_post(&format!("/corrective-actions/{ca}/complete"), &owner, &done)).await.status(),
        StatusCode::SEE_OTHER
    );
    let res = call(form_post(
        &format!("/corrective-actions/{ca}/verify"),
        &owner,
        &[("csrf", &ocsrf), ("effective", "true")],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the owner does not verify their own action");
    let res = call(form_post(
        &format!("/corrective-actions/{ca}/verify"),
        &lead,
        &[("csrf", &lcsrf), ("effective", "true"), ("comment", "Đã kiểm tra sổ")],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = call(form_post(&format!("{nc}/close"), &thuky, &[("csrf", &tcsrf)])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let closed = body_text(call(page(&nc, &thuky)).await).await;
    assert!(closed.contains("badge closed"));
    assert!(closed.contains("/procedures/QT-CT-01/revisions/2"), "the nonconformity shows the revision that fixed it");

    let printed = body_text(call(page(&format!("{nc}/print"), &thuky)).await).await;
    for part in [
        "PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC",
        "1. Mô tả sự không phù hợp",
        "2. Phân tích nguyên nhân",
        "3. Phê duyệt",
        "4. Thực hiện",
        "5. Kiểm tra hiệu lực",
        "Chưa ban hành mẫu sổ",
        "Đã kiểm tra sổ",
    ] {
        assert!(printed.contains(part), "the printed request lacks {part}");
    }
    let register = body_text(call(page("/nonconformities?status=closed", &thuky)).await).await;
    assert!(register.contains("Chứng thực không ghi sổ"));

    let res = call(form_post(
        &format!("{audit}/report"),
        &lead,
        &[("csrf", &lcsrf), ("strong_points", "Tiếp dân tốt"), ("to_improve", "Sổ sách")],
    ))
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = call(form_post(&format!("{audit}/close"), &lead, &[("csrf", &lcsrf)])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let report = body_text(call(page(&format!("{audit}/report"), &thuky)).await).await;
    assert!(
        report.contains("Báo cáo đánh giá nội bộ") && report.contains("Tiếp dân tốt") && report.contains("Đã kết thúc")
    );
    let list = body_text(call(page("/audits?year=2026", &thuky)).await).await;
    assert!(list.contains("Chương trình đánh giá năm 2026"));
}

#[actix_web::test]
async fn overdue_actions_are_highlighted() {
    let tree = small_corpus(&["QT-CT-01"]);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    add_user(&started, "thuky", &[Role::Secretary], &[]);
    let app = service(&started).await;
    let thuky = sign_in(&app, "thuky", &password_of("thuky")).await;
    let home = body_text(test::call_service(&app, page("/", &thuky)).await).await;
    let csrf = csrf_of(&home);
    let res = test::call_service(
        &app,
        form_post(
            "/nonconformities",
            &thuky,
            &[
                ("csrf", &csrf),
                ("source", "process"),
                ("procedures", "QT-CT-01"),
                ("description", "Hồ sơ trễ hạn"),
                ("severity", "minor"),
            ],
        ),
    )
    .await;
    let nc = location(&res);
    let nc_id = nc.trim_start_matches("/nonconformities/").to_owned();
    test::call_service(
        &app,
        form_post(
            "/corrective-actions",
            &thuky,
            &[
                ("csrf", &csrf),
                ("nonconformity_id", &nc_id),
                ("action", "Nhắc hạn"),
                ("owner", "thuky"),
                ("due_date", "2020-01-01"),
            ],
        ),
    )
    .await;
    let list = body_text(test::call_service(&app, page("/corrective-actions?overdue=true", &thuky)).await).await;
    assert!(list.contains("class=\"overdue\"") && list.contains("Quá hạn") && list.contains("Nhắc hạn"));
    let res = test::call_service(
        &app,
        form_post(
            "/nonconformities",
            &thuky,
            &[
                ("csrf", &csrf),
                ("source", "process"),
                ("procedures", "QT-ZZ-01"),
                ("description", "x"),
                ("severity", "minor"),
            ],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(res).await.contains("Không có quy trình QT-ZZ-01"));
}
