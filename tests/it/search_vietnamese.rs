//! Vietnamese search over the whole corpus, with and without diacritics.

use crate::common::*;
use actix_web::http::StatusCode;
use qms::domain::Role;

fn all_codes() -> Vec<String> {
    let report = qms::check::check_tree(&corpus_dir()).unwrap();
    report.files.iter().map(|f| f.path.file_stem().unwrap().to_string_lossy().into_owned()).collect()
}

async fn codes_for<S: TestApp<B>, B: actix_web::body::MessageBody>(c: &Client<S>, q: &str) -> Vec<String> {
    let uri = format!("/api/v1/search?q={}&limit=50", urlencode(q));
    let (status, body) = c.call("canbo", "GET", &uri, None).await;
    assert_eq!(status, StatusCode::OK, "{q}: {body}");
    body["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect()
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[actix_web::test]
async fn queries_with_and_without_diacritics_find_and_rank_the_right_procedures() {
    let codes = all_codes();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let tree = small_corpus(&refs);
    let data = tempfile::tempdir().unwrap();
    let started = start(settings(data.path(), tree.path()));
    add_user(&started, "canbo", &[Role::Staff], &[]);
    let c = Client::new(service(&started).await);

    // (query, the procedure ranked first — or one of them when two titles fit equally — and
    // procedures that must be among the results)
    let cases: [(&str, &str, &[&str]); 16] = [
        ("đăng ký khai sinh", "QT-HTI-01", &["QT-HTI-04", "QT-HTI-10"]),
        ("dang ky khai sinh", "QT-HTI-01", &["QT-HTI-04", "QT-HTI-10"]),
        ("đăng ký kết hôn", "QT-HTI-02", &["QT-HTI-12"]),
        ("dang ky ket hon", "QT-HTI-02", &["QT-HTI-12"]),
        ("đất đai", "QT-DD-01", &["QT-DD-02"]),
        ("dat dai", "QT-DD-01", &["QT-DD-02"]),
        ("chứng thực bản sao", "QT-CT-01", &["QT-CT-06"]),
        ("chung thuc ban sao", "QT-CT-01", &["QT-CT-06"]),
        ("nuôi con nuôi", "QT-NCN-01", &["QT-NCN-02"]),
        ("nuoi con nuoi", "QT-NCN-01", &["QT-NCN-02"]),
        ("hòa giải viên", "QT-HGCS-01|QT-HGCS-03", &["QT-HGCS-01", "QT-HGCS-03"]),
        ("hoa giai vien", "QT-HGCS-01|QT-HGCS-03", &["QT-HGCS-01", "QT-HGCS-03"]),
        ("khiếu nại lần đầu", "QT-KNTC-01", &[]),
        ("khieu nai lan dau", "QT-KNTC-01", &[]),
        ("đánh giá nội bộ", "QT-HT-03", &[]),
        ("danh gia noi bo", "QT-HT-03", &[]),
    ];
    for (query, first, among) in cases {
        let found = codes_for(&c, query).await;
        let top = found.first().map(String::as_str).unwrap_or_default();
        assert!(first.split('|').any(|f| f == top), "{query}: expected {first} first, got {found:?}");
        for code in among {
            assert!(found.iter().any(|f| f == code), "{query} should find {code}: {found:?}");
        }
    }

    let (_, body) = c.call("canbo", "GET", "/api/v1/search?q=khai%20sinh&field=HTI&limit=5", None).await;
    let items = body["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|i| i["field"] == "HTI"));
    assert!(items[0]["snippet"].as_str().unwrap().contains("<b>"), "highlighted snippet");
    assert!(items[0]["score"].as_f64().unwrap() > 0.0);
    let (status, body) = c.call("canbo", "GET", "/api/v1/search?q=", None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("missing_query")));
    let (status, _) = c.call("canbo", "GET", "/api/v1/search?q=%22%3A%28%29*%5B", None).await;
    assert_eq!(status, StatusCode::OK, "query syntax characters are just text");
}
