//! The ISO secretary revises a procedure; a reviewer approves it, the approver signs with a
//! password, and the secretary publishes. Staff then read the new revision.

use qms::domain::Role;

use super::harness::{Browser, Site};
use crate::common;

const ADDED: &str = "Tiếp nhận cả hồ sơ nộp trực tuyến qua Cổng dịch vụ công.";

#[actix_web::test]
async fn a_revision_goes_from_draft_through_review_and_approval_to_publication() {
    let site = Site::start(&["QT-HT-01", "QT-HTI-01"]);
    common::add_user(&site.started, "thuky", &[Role::Secretary], &[]);
    common::add_user(&site.started, "xemxet", &[Role::Reviewer], &[]);
    common::add_user(&site.started, "lanhdao", &[Role::Approver], &[]);
    common::add_user(&site.started, "canbo", &[Role::Staff], &["HTI"]);
    let Some(b) = Browser::open("secretary", &site).await else { return };

    b.sign_in("thuky").await;
    b.visit("/procedures/QT-HTI-01").await;
    b.click("a[href='/change-requests/new?code=QT-HTI-01&kind=revise']").await;
    b.screenshots("change-new").await;
    // Submitting without a reason is stopped by the browser, beside the field.
    b.press("form button[type=submit].primary").await;
    let invalid = b.client.execute("return document.querySelector('#reason').matches(':invalid')", vec![]).await;
    assert_eq!(invalid.unwrap(), serde_json::Value::Bool(true), "the reason is required");
    b.fill("#reason", "Bổ sung tiếp nhận hồ sơ trực tuyến theo quy định mới").await;
    b.click("form button[type=submit].primary").await;
    let change = b.path().await;
    assert!(change.starts_with("/change-requests/"), "{change}");
    b.wait_for_text("Bổ sung tiếp nhận hồ sơ trực tuyến").await;

    // The editor: what is typed shows in the preview before saving.
    b.click(&format!("a[href='{change}/edit']")).await;
    let editor = b.find("#markdown").await;
    editor.send_keys(&format!("\n\n{ADDED}\n")).await.unwrap();
    b.wait_for_text(ADDED).await;
    assert!(b.text_of("#preview").await.contains(ADDED), "the live preview shows the new text");
    assert!(b.find("#problems .ok").await.is_displayed().await.unwrap(), "the format check passes");
    b.screenshots("editor").await;
    b.click("form.editor button[type=submit]").await;
    assert!(b.path().await.starts_with(&change), "saved, back on the change request");

    // Route it: one reviewer, one approver.
    b.find("#submit input[name=reviewers][value=xemxet]").await.click().await.unwrap();
    b.choose("#approver", "lanhdao").await;
    b.screenshots("change-draft").await;
    b.click("#submit button[type=submit]").await;
    b.wait_for_text("xemxet").await;

    // The reviewer finds it on the home page.
    b.sign_in("xemxet").await;
    b.click("a[href='/change-requests?status=in_review']").await;
    b.click(&format!("a[href='{change}']")).await;
    b.fill("#review textarea[name=comment]", "Đồng ý, đúng quy định").await;
    b.click("#review button[type=submit]").await;
    b.wait_for_text("Đồng ý, đúng quy định").await;

    // The approver signs: a wrong password is refused inside the approval form.
    b.sign_in("lanhdao").await;
    b.visit(&change).await;
    b.fill("#approve-password", "khong-dung").await;
    b.click_refused("#approve button[type=submit]").await;
    let beside = b.text_of("#approve-password-error").await;
    assert!(beside.contains("Mật khẩu xác nhận không đúng"), "the error sits under the password: {beside}");
    let marked = b.find("#approve-password").await.attr("aria-invalid").await.unwrap();
    assert_eq!(marked.as_deref(), Some("true"));
    b.screenshots("approve-refused").await;
    b.fill("#approve-password", &common::password_of("lanhdao")).await;
    b.click("#approve button[type=submit]").await;
    b.wait_for_text("Đã phê duyệt").await;

    // The secretary publishes.
    b.sign_in("thuky").await;
    b.visit(&change).await;
    b.fill("#summary", "Bổ sung hồ sơ trực tuyến").await;
    b.screenshots("change-approved").await;
    b.click("#publish button[type=submit]").await;
    b.wait_for_text("Đã ban hành").await;

    b.sign_in("canbo").await;
    b.visit("/procedures/QT-HTI-01").await;
    let page = b.page_text().await;
    assert!(page.contains(ADDED), "staff read the new text");
    assert!(page.contains("Bổ sung hồ sơ trực tuyến"), "the revision table names the change");
    assert!(b.text_of(".control").await.contains('2'), "revision 2 is current");
    b.screenshots("procedure-revised").await;
    b.close().await;
}
