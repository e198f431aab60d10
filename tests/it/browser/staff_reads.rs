//! Staff: sign in, find a procedure by typing without diacritics, read it, print it.

use fantoccini::wd::PrintConfiguration;
use qms::domain::Role;

use super::harness::{Browser, Site};
use crate::common;

#[actix_web::test]
async fn staff_find_a_procedure_without_diacritics_read_and_print_it() {
    let site = Site::start(&["QT-HT-01", "QT-HTI-01", "QT-HTI-02", "QT-CT-01"]);
    common::add_user(&site.started, "canbo", &[Role::Staff], &["HTI"]);
    let Some(b) = Browser::open("staff", &site).await else { return };

    b.sign_in("canbo").await;
    b.screenshots("home").await;

    // The search box in the header leads to the search page; results then follow what is typed.
    b.fill("header form.search input[name=q]", "khai sinh").await;
    b.click("header form.search button[type=submit]").await;
    assert!(b.path().await.starts_with("/search?q=khai+sinh"), "{}", b.path().await);
    // The server's results for "khai sinh" are on the page already; wait for the answer to what
    // was typed last, which replaces them.
    b.fill("form.live-search input[name=q]", "dang ky khai sinh").await;
    let first_hit = "#search-results[data-query='dang ky khai sinh']:not([aria-busy]) ol.results li:first-child";
    let first = b.text_of(&format!("{first_hit} a")).await;
    assert!(first.starts_with("QT-HTI-01"), "the birth registration procedure comes first: {first}");
    let snippet = b.text_of(&format!("{first_hit} .snippet b")).await;
    assert!(!snippet.is_empty(), "the words found are highlighted");
    b.screenshots("search").await;

    b.click(&format!("{first_hit} a")).await;
    assert_eq!(b.path().await, "/procedures/QT-HTI-01");
    let title = b.text_of("main h1").await;
    assert!(title.contains("khai sinh"), "{title}");
    let body = b.page_text().await;
    assert!(body.contains("1. Mục đích") && body.contains("5. Nội dung quy trình"), "the procedure is readable");
    b.screenshots("procedure").await;

    // Reading is acknowledged from the page.
    b.click("form[action$='/acknowledge'] button[type=submit]").await;
    b.wait_for_text("Bạn đã xác nhận đọc phiên bản này.").await;

    b.click("a[href^='/procedures/QT-HTI-01/print']").await;
    let printed = b.page_text().await;
    assert!(printed.contains("QT-HTI-01") && printed.contains("1. Mục đích"), "{printed:.300}");
    b.screenshots("print").await;
    let pdf = b.client.print(PrintConfiguration::default()).await.unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.len() > 10_000, "the print stylesheet gives a real PDF");
    b.save("procedure-QT-HTI-01.pdf", &pdf);
    b.close().await;
}
