//! An internal auditor plans an audit, the lead auditor logs a finding against the revision in force,
//! the secretary analyses the nonconformity and plans a corrective action, its owner carries it out,
//! the auditor verifies it, and the nonconformity is closed.

use qms::domain::Role;

use super::harness::{Browser, Site};
use crate::common;

#[actix_web::test]
async fn an_audit_finding_becomes_a_nonconformity_closed_through_its_corrective_action() {
    let site = Site::start(&["QT-HT-03", "QT-CT-01", "QT-HTI-01"]);
    common::add_user(&site.started, "thuky", &[Role::Secretary], &[]);
    common::add_user(&site.started, "dgvct", &[Role::Auditor], &["CT"]);
    common::add_user(&site.started, "dgvhti", &[Role::Auditor], &["HTI"]);
    common::add_user(&site.started, "thuchien", &[Role::Staff], &["CT"]);
    let Some(b) = Browser::open("audit", &site).await else { return };

    // Planning: an auditor may not audit their own field, and the form says so beside the field.
    b.sign_in("dgvhti").await;
    b.visit("/audits").await;
    b.click("a[href='/audits/new']").await;
    b.fill("#title", "Đánh giá lĩnh vực Chứng thực").await;
    b.find("input[name=fields][value=CT]").await.click().await.unwrap();
    b.fill("#criteria", "TCVN ISO 9001:2015, QT-CT-01").await;
    b.set_date("#planned_start", "2026-12-07").await;
    b.set_date("#planned_end", "2026-12-08").await;
    b.choose("#lead_auditor", "dgvct").await;
    b.find("input[name=auditors][value=dgvct]").await.click().await.unwrap();
    b.click_refused("form button[type=submit].primary").await;
    let reason = b.find("#override").await;
    assert_eq!(reason.attr("aria-invalid").await.unwrap().as_deref(), Some("true"), "the field is marked");
    let beside = b.text_of("#override-error").await;
    assert!(beside.contains("không ai tự đánh giá công việc của mình"), "{beside}");
    assert_eq!(b.find("#title").await.prop("value").await.unwrap().as_deref(), Some("Đánh giá lĩnh vực Chứng thực"));
    b.screenshots("audit-new-refused").await;
    b.fill("#override", "Chỉ có một đánh giá viên được đào tạo về chứng thực").await;
    b.click("form button[type=submit].primary").await;
    let audit = b.path().await;
    assert!(audit.starts_with("/audits/") && audit[8..].parse::<i64>().is_ok(), "planned: {audit}");
    b.screenshots("audit-planned").await;

    // The lead auditor starts it and logs a finding.
    b.sign_in("dgvct").await;
    b.visit(&audit).await;
    b.click(&format!("form[action='{audit}/start'] button")).await;
    b.choose("#fp", "QT-CT-01").await;
    b.choose("#ft", "major_nc").await;
    b.fill("#fc", "8.5.1").await;
    b.fill("#fd", "Chứng thực không ghi sổ chứng thực").await;
    b.fill("#fe", "Sổ chứng thực tháng 11 bỏ trống").await;
    b.click("#add-finding button[type=submit]").await;
    b.wait_for_text("tại lần ban hành 1").await;
    b.screenshots("audit-finding").await;
    let nc = b.find("a[href^='/nonconformities/']").await.attr("href").await.unwrap().expect("the finding's NC");

    // The secretary finds the cause and plans the action.
    b.sign_in("thuky").await;
    b.visit(&nc).await;
    b.fill("#why1", "Cán bộ quên ghi sổ").await;
    b.fill("#why2", "Quy trình không có bước ghi sổ").await;
    b.fill("#root", "Quy trình thiếu bước ghi sổ chứng thực").await;
    b.find("input[name=similar_checked]").await.click().await.unwrap();
    b.click(&format!("form[action='{nc}/root-cause'] button")).await;
    b.fill("#action", "Tập huấn và kiểm tra sổ hằng tuần").await;
    b.choose("#owner", "thuchien").await;
    b.set_date("#due", "2026-12-20").await;
    b.fill("#rchange", "").await;
    b.click("#add-action button[type=submit]").await;
    b.wait_for_text("Tập huấn và kiểm tra sổ hằng tuần").await;
    b.screenshots("nc-action-planned").await;

    // Its owner sees it on the home page, starts and completes it.
    b.sign_in("thuchien").await;
    b.click("a[href='/corrective-actions?owner=thuchien']").await;
    b.screenshots("my-actions").await;
    b.visit(&nc).await;
    b.click("form[action$='/start'] button").await;
    b.fill("input[name=evidence]", "Biên bản tập huấn ngày 10/12").await;
    b.click("form[action$='/complete'] button").await;
    b.wait_for_text("Biên bản tập huấn ngày 10/12").await;

    // The auditor verifies it; the secretary closes the nonconformity.
    b.sign_in("dgvct").await;
    b.visit(&nc).await;
    b.choose("select[name=effective]", "true").await;
    b.fill("form[action$='/verify'] input[name=comment]", "Sổ đã ghi đủ").await;
    b.click("form[action$='/verify'] button").await;
    b.wait_for_text("Sổ đã ghi đủ").await;
    b.sign_in("thuky").await;
    b.visit(&nc).await;
    b.click(&format!("form[action='{nc}/close'] button")).await;
    assert!(b.find(".badge.closed").await.is_displayed().await.unwrap(), "the nonconformity is closed");
    b.screenshots("nc-closed").await;
    b.click(&format!("a[href='{nc}/print']")).await;
    let printed = b.page_text().await;
    assert!(printed.contains("PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC") && printed.contains("Sổ đã ghi đủ"));
    b.screenshots("ca-request-print").await;
    b.visit(&format!("{audit}/report")).await;
    assert!(b.page_text().await.contains("Chứng thực không ghi sổ chứng thực"));
    b.screenshots("audit-report").await;
    b.close().await;
}
