//! The real corpus: 7 system procedures, 85 operational ones over all 20 fields, every rule of
//! `qms check` holding, and no procedure a copy of another with the names swapped.

use std::collections::{BTreeMap, HashSet};
use std::process::Command;

use qms::check::check_tree;
use qms::domain::ProcedureKind;
use qms::markdown::parse_document;

#[test]
fn qms_check_passes_on_the_corpus() {
    let out = Command::new(env!("CARGO_BIN_EXE_qms")).arg("check").arg(crate::common::corpus_dir()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "qms check procedures failed:\n{stdout}");
    assert!(stdout.contains("92 tệp, không có lỗi."), "{stdout}");
}

#[test]
fn seven_system_and_eighty_five_operational_procedures_cover_every_field() {
    let report = check_tree(&crate::common::corpus_dir()).unwrap();
    assert_eq!(report.problems, vec![]);
    let reference = qms::check::load_reference(&crate::common::corpus_dir());
    let mut per_field: BTreeMap<String, usize> = BTreeMap::new();
    let mut kinds = (0, 0);
    for file in &report.files {
        let doc = parse_document(&file.text).unwrap();
        *per_field.entry(doc.front.field.clone()).or_default() += 1;
        match doc.front.kind {
            ProcedureKind::Mandatory => kinds.0 += 1,
            ProcedureKind::Operational => kinds.1 += 1,
        }
    }
    assert_eq!(kinds, (7, 85));
    assert_eq!(per_field.get("HT"), Some(&7));
    let operational_fields: Vec<_> = reference.fields.iter().filter(|f| !f.system).map(|f| f.code.clone()).collect();
    assert_eq!(operational_fields.len(), 20);
    for field in &operational_fields {
        assert!(per_field.get(field).is_some_and(|n| *n >= 1), "field {field} has no procedure");
    }
    let ht: Vec<_> = std::fs::read_dir(crate::common::corpus_dir().join("HT")).unwrap().collect();
    assert_eq!(ht.len(), 7, "exactly 7 files in procedures/HT");
}

fn shingles(text: &str) -> HashSet<Vec<String>> {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words.windows(5).map(<[String]>::to_vec).collect()
}

#[test]
fn no_procedure_is_another_with_names_swapped() {
    let report = check_tree(&crate::common::corpus_dir()).unwrap();
    let bodies: Vec<_> = report
        .files
        .iter()
        .map(|f| (f.path.display().to_string(), shingles(&parse_document(&f.text).unwrap().body)))
        .collect();
    // A copy with a few names swapped shares well over 80% of its five-word runs; distinct
    // procedures of one field share their legal boilerplate, well under half.
    for (i, (a, sa)) in bodies.iter().enumerate() {
        for (b, sb) in &bodies[i + 1..] {
            let shared = sa.intersection(sb).count() as f64;
            let jaccard = shared / ((sa.len() + sb.len()) as f64 - shared);
            assert!(jaccard < 0.5, "{a} and {b} are {:.0}% the same text", jaccard * 100.0);
        }
    }
}

#[test]
fn a_name_swapped_copy_would_be_caught() {
    let original = crate::common::read_corpus_file("QT-HTI-05");
    let copy = original.replace("khai tử", "kết hôn").replace("QT-HTI-05", "QT-HTI-99");
    let (a, b) = (shingles(&original), shingles(&copy));
    let shared = a.intersection(&b).count() as f64;
    let jaccard = shared / a.union(&b).count() as f64;
    assert!(jaccard >= 0.5, "the similarity measure misses a swapped copy ({jaccard})");
}

/// The text of the section that starts with `heading` (a line of the body) up to the next
/// heading of the same or a higher level.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text.find(&format!("\n{heading}")).unwrap_or_else(|| panic!("no section {heading}")) + 1;
    let level = heading.split(' ').next().unwrap();
    let rest = &text[start + heading.len()..];
    let end = rest
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| {
            let hashes = rest[i..].chars().take_while(|c| *c == '#').count();
            hashes > 0 && hashes <= level.len() && rest[i..][hashes..].starts_with(' ')
        })
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The cells of the table rows of `text` (header and separator rows included).
fn table_rows(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.trim().trim_matches('|').split('|').map(str::trim).collect())
        .collect()
}

/// Whether `code` is `BM-<FIELD>-NN-xx`: a field code, the procedure number and the form
/// number, two digits each (QT-HT-01 §5.1).
fn is_form_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    parts.len() == 4
        && parts[0] == "BM"
        && !parts[1].is_empty()
        && parts[1].chars().all(|c| c.is_ascii_uppercase())
        && parts[2..].iter().all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_digit()))
}

/// Every `BM-…` token of `text`, as written (letters, digits and hyphens after "BM-").
fn form_codes(text: &str) -> Vec<&str> {
    text.match_indices("BM-")
        .filter(|(i, _)| *i == 0 || !text[..*i].ends_with(|c: char| c.is_alphanumeric()))
        .map(|(i, _)| {
            let rest = &text[i..];
            let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(rest.len());
            rest[..len].trim_end_matches('-')
        })
        .filter(|code| *code != "BM")
        .collect()
}

#[test]
fn form_code_rule_accepts_the_rule_and_refuses_the_old_spellings() {
    assert!(is_form_code("BM-TDKT-04-01"));
    assert!(is_form_code("BM-HT-01-05"));
    for bad in ["BM-TDKT-04a", "BM-TNTG-01", "BM-VH-03-1", "BM-tdkt-04-01", "BM-TDKT-04-01-01"] {
        assert!(!is_form_code(bad), "{bad}");
    }
    assert_eq!(form_codes("Phiếu (BM-HTI-01-01), xem BM-HT-05-02."), ["BM-HTI-01-01", "BM-HT-05-02"]);
    assert!(form_codes("Mã BM-(mã lĩnh vực)-NN-xx").is_empty(), "the rule itself is not a code");
}

const ONE_STOP_HOURS: &str = "Thời gian tiếp nhận và trả kết quả: trong giờ hành chính các ngày làm việc, \
                              từ thứ Hai đến thứ Sáu (trừ ngày nghỉ lễ, Tết theo quy định).";

/// One template (docs/PROCEDURE-FORMAT.md, "Một mẫu trình bày"): the same layout of sections 4,
/// 5.5, 5.7, 6 and 7 in all 92 files, form codes by QT-HT-01's rule and listed by the procedure
/// that owns them, and the process-control slip wherever a dossier stays open a day or more.
#[test]
fn every_procedure_follows_one_template() {
    let report = check_tree(&crate::common::corpus_dir()).unwrap();
    assert_eq!(report.files.len(), 92);
    let mut owned = HashSet::new();
    let mut used = Vec::new();
    for file in &report.files {
        let doc = parse_document(&file.text).unwrap();
        let code = doc.front.code.clone();
        let body = format!("\n{}", doc.body);
        let operational = doc.front.kind == ProcedureKind::Operational;

        let definitions = section(&body, "## 4. Định nghĩa và chữ viết tắt");
        assert!(!definitions.contains('|'), "{code} §4: definitions are a bullet list, not a table");
        for line in definitions.lines().filter(|l| !l.is_empty() && !l.starts_with("  ")) {
            assert!(line.starts_with("- **"), "{code} §4: `{line}` is not a `- **thuật ngữ**: …` bullet");
        }

        let forms = table_rows(section(&body, "## 6. Biểu mẫu"));
        assert_eq!(forms[0], ["TT", "Mã/Số hiệu", "Tên biểu mẫu"], "{code} §6 header");
        let records = table_rows(section(&body, "## 7. Hồ sơ cần lưu"));
        assert_eq!(records[0], ["TT", "Tên hồ sơ", "Người lưu", "Nơi lưu", "Thời gian lưu"], "{code} §7 header");
        for (rows, what) in [(&forms, "§6"), (&records, "§7")] {
            for (i, row) in rows[2..].iter().enumerate() {
                assert_eq!(row[0], (i + 1).to_string(), "{code} {what}: rows are numbered 1, 2, 3…");
            }
        }
        for row in &forms[2..] {
            for bm in form_codes(row[1]) {
                if bm.starts_with(&format!("BM-{}-", &code[3..])) {
                    owned.insert(bm.to_string());
                }
            }
        }
        for bm in form_codes(&body) {
            assert!(is_form_code(bm), "{code}: form code {bm} is not BM-<LĨNH VỰC>-NN-xx");
            used.push((code.clone(), bm.to_string()));
        }

        if !operational {
            continue;
        }
        let steps = table_rows(section(&body, "### 5.7 Quy trình xử lý công việc"));
        for (i, row) in steps[2..].iter().enumerate() {
            assert_eq!(row[0], (i + 1).to_string(), "{code} §5.7: steps are numbered 1, 2, 3…");
        }
        assert!(
            section(&body, "### 5.5 Nơi tiếp nhận và trả kết quả").contains(ONE_STOP_HOURS),
            "{code} §5.5 states the opening hours of the set"
        );
        let time = file.text.lines().find(|l| l.starts_with("processing_time:")).unwrap();
        let working_days: u32 = time
            .split("working_days:")
            .nth(1)
            .map(|r| r.trim_start().split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap())
            .unwrap_or(0);
        // A dossier kept a day or more travels with Mẫu số 05; QT-TCD-02 (a reception session)
        // and same-day procedures keep no dossier open.
        if (time.contains("calendar_days") || working_days >= 1) && code != "QT-TCD-02" {
            assert!(
                forms.iter().any(|r| r[1] == "Mẫu số 05 (TT 01/2018/TT-VPCP)"),
                "{code} §6 lists Phiếu kiểm soát quá trình (Mẫu số 05)"
            );
            let first_step = steps[2].last().unwrap();
            assert!(
                first_step.contains("Mẫu số 05") || first_step.contains("kiểm soát quá trình"),
                "{code} §5.7 opens the Phiếu kiểm soát quá trình at step 1"
            );
        }
    }
    for (code, bm) in used {
        assert!(owned.contains(&bm), "{code} uses {bm}, which no procedure lists in its section 6");
    }
}

/// docs/TTHC-MAP.md has one row per operational procedure, with the procedure's title, field and
/// `tthc_code` ("chưa xác minh" where the front matter has none).
#[test]
fn tthc_map_lists_every_operational_procedure() {
    let map = std::fs::read_to_string(crate::common::corpus_dir().join("../docs/TTHC-MAP.md")).unwrap();
    let rows: BTreeMap<String, Vec<String>> = table_rows(&map)
        .into_iter()
        .filter(|r| r[0].starts_with("QT-"))
        .map(|r| (r[0].to_string(), r.iter().map(|c| c.to_string()).collect()))
        .collect();
    let report = check_tree(&crate::common::corpus_dir()).unwrap();
    let mut operational = 0;
    for file in &report.files {
        let front = parse_document(&file.text).unwrap().front;
        if front.kind != ProcedureKind::Operational {
            assert!(!rows.contains_key(&front.code), "{} is not operational", front.code);
            continue;
        }
        operational += 1;
        let row = rows.get(&front.code).unwrap_or_else(|| panic!("{} missing from docs/TTHC-MAP.md", front.code));
        assert_eq!(row[1], front.title, "{} title", front.code);
        assert_eq!(row[2].split(' ').next(), Some(front.field.as_str()), "{} field", front.code);
        assert_eq!(row[3], front.tthc_code.as_deref().unwrap_or("chưa xác minh"), "{} tthc_code", front.code);
    }
    assert_eq!(rows.len(), operational);
}

/// The home page's count of procedures citing superseded texts is what a reader of the files
/// finds: every procedure whose front matter cites a key the register marks superseded. And the
/// register marks the texts the consultant's table says were replaced by late 2026.
#[actix_web::test]
async fn the_count_of_procedures_citing_superseded_texts_tells_the_truth() {
    use qms::domain::legal_basis::{LegalBasis, LegalStatus};
    let dir = crate::common::corpus_dir();
    let register: Vec<LegalBasis> =
        serde_saphyr::from_str(&std::fs::read_to_string(dir.join("legal-bases.yaml")).unwrap()).unwrap();
    let superseded: HashSet<&str> =
        register.iter().filter(|l| l.status == LegalStatus::Superseded).map(|l| l.key.as_str()).collect();
    for (key, by) in [
        ("ND-61-2018", "ND-118-2025"),
        ("LUAT-LUUTRU-2011", "LUAT-LUUTRU-2024"),
        ("TT-09-2011-BNV", "TT-10-2022-BNV"),
        ("ND-18-2015", "ND-08-2022"),
        ("ND-122-2018", "ND-86-2023"),
        ("ND-43-2014", "ND-101-2024"),
        ("ND-02-2017", "ND-09-2025"),
        ("TT-07-2014-TTCP", "TT-05-2021-TTCP"),
    ] {
        let entry = register.iter().find(|l| l.key == key).unwrap_or_else(|| panic!("{key} in the register"));
        assert!(superseded.contains(key) && entry.superseded_by.iter().any(|s| s == by), "{key} → {by}");
    }
    let mut citing = 0;
    for entry in walk(&dir) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let doc = parse_document(&text).unwrap();
        if doc.front.legal_basis.iter().any(|k| superseded.contains(k.as_str())) {
            citing += 1;
        }
        // A body that works under the one-stop decree lists it, so its replacement flags the file.
        if doc.body.contains("61/2018/NĐ-CP") {
            assert!(doc.front.legal_basis.iter().any(|k| k == "ND-61-2018"), "{} cites NĐ 61/2018", entry.display());
        }
    }

    let data = tempfile::tempdir().unwrap();
    let started = crate::common::start(crate::common::settings(data.path(), &dir));
    let c = crate::common::Client::new(crate::common::service(&started).await);
    let (_, dashboard) = c.call("admin", "GET", "/api/v1/dashboard", None).await;
    assert_eq!(dashboard["procedures"]["citing_superseded_law"], citing);
}

/// Every procedure file under `dir` (the field folders; not the obsolete ones).
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for field in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        for file in std::fs::read_dir(&field).unwrap().map(|e| e.unwrap().path()) {
            if file.extension().is_some_and(|e| e == "md") {
                files.push(file);
            }
        }
    }
    files
}
