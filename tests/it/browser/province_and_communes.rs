//! A province and its communes: the province's admin creates a commune from the pages, gives it
//! its ISO secretary, switches into it and reads it; the commune's secretary then sees their
//! commune alone.

use fantoccini::Locator;

use super::harness::{Browser, Site};
use crate::common;

const COMMUNE: &str = "Ủy ban nhân dân xã An Bình";

async fn count(b: &Browser, css: &str) -> usize {
    b.client.find_all(Locator::Css(css)).await.unwrap().len()
}

#[actix_web::test]
async fn a_province_creates_a_commune_switches_into_it_and_its_secretary_sees_only_it() {
    let site = Site::start_with(&["QT-HT-01", "QT-HTI-01"], |s| {
        s.org_slug = "hue".into();
        s.org_name = "Thành phố Huế".into();
        s.org_kind = "province".into();
    });
    let Some(b) = Browser::open("province", &site).await else { return };

    b.sign_in("admin").await;
    assert_eq!(b.text_of(".topbar .org-name").await, "Thành phố Huế", "the header names the province");
    assert_eq!(count(&b, "details.orgswitch").await, 0, "nothing to switch to yet");

    // A commune, from the page of units.
    b.click("nav.mainnav a[href='/admin/organisations']").await;
    assert_eq!(b.path().await, "/admin/organisations");
    b.fill("#org-name", COMMUNE).await;
    b.fill("#org-slug", "xa-an-binh").await;
    b.choose("#org-kind", "commune").await;
    b.press("input[name=corpus][value=shipped]").await;
    b.screenshots("new-unit").await;
    b.click("form[action='/admin/organisations'] button[type=submit]").await;
    assert_eq!(b.path().await, "/o/xa-an-binh/admin/users?created=1", "next: the new commune's accounts");
    b.wait_for_text("Đã tạo đơn vị").await;
    assert_eq!(b.text_of(".topbar .org-name").await, COMMUNE);
    b.screenshots("commune-accounts").await;

    // Its ISO secretary.
    b.fill("#username", "thuky-ab").await;
    b.fill("#display_name", "Trần Văn Bình").await;
    b.fill("#password", &common::password_of("thuky-ab")).await;
    b.press("input[name=roles][value=secretary]").await;
    b.click("form[action='/o/xa-an-binh/admin/users'] button[type=submit]").await;
    assert_eq!(b.path().await, "/o/xa-an-binh/admin/users/thuky-ab?saved=1");

    // The province's home lists the commune with where it stands.
    b.visit("/").await;
    assert_eq!(b.text_of("table.units th a").await, COMMUNE);
    let procedures = b.text_of("table.units td:nth-of-type(1)").await;
    assert!(procedures.ends_with('2'), "the shipped procedures are in force there: {procedures}");
    b.screenshots("province-home").await;

    // Switching into the commune: its pages under its prefix, read as an overseer.
    b.press("details.orgswitch summary").await;
    b.screenshots("switcher").await;
    b.click("details.orgswitch a[href='/o/xa-an-binh/']").await;
    assert_eq!(b.path().await, "/o/xa-an-binh/");
    assert_eq!(b.text_of(".topbar .org-name").await, COMMUNE);
    assert!(b.text_of(".overseeing").await.contains(COMMUNE));
    b.screenshots("commune-seen-by-province").await;
    b.click("a[href='/o/xa-an-binh/procedures/QT-HT-01']").await;
    assert_eq!(b.path().await, "/o/xa-an-binh/procedures/QT-HT-01", "links keep the prefix");
    assert_eq!(
        count(&b, "form[action$='/acknowledge']").await,
        0,
        "the province reads, it does not sign for the commune"
    );
    b.click("nav.mainnav a[href='/o/xa-an-binh/master-list']").await;
    assert!(b.text_of("main h1").await.contains(COMMUNE), "the master list names the commune");

    // The commune's secretary: their commune, nothing above or beside it.
    b.sign_in("thuky-ab").await;
    assert_eq!(b.text_of(".topbar .org-name").await, COMMUNE);
    assert_eq!(count(&b, "details.orgswitch").await, 0, "no switcher for one organisation");
    assert_eq!(count(&b, ".overseeing").await, 0);
    assert!(b.page_text().await.contains("QT-HT-01"), "the shipped procedures");
    b.screenshots("commune-secretary-home").await;
    for path in ["/o/hue/", "/o/hue/master-list"] {
        b.visit_refused(path).await;
        let text = b.page_text().await;
        assert!(text.contains("404") && !text.contains("Thành phố Huế"), "{path}: {text:.300}");
    }
    b.screenshots("province-refused").await;
    b.close().await;
}
