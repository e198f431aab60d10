//! `qms check` against deliberately broken files: each file breaks one rule and is reported for
//! that rule, with its file and line, and the command exits 1.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use qms::check::{Rule, check_tree};

fn fixtures(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

#[test]
fn each_broken_file_is_reported_for_its_rule() {
    let report = check_tree(&fixtures("broken")).unwrap();
    let expected: [(&str, &[Rule], usize); 12] = [
        ("HTI/QT-HTI-01.md", &[], 0),
        ("HTI/QT-HTI-02.md", &[Rule::FrontMatter], 3),
        ("HTI/QT-HTI-03.md", &[Rule::Schema], 9),
        ("HTI/QT-HTI-04.md", &[Rule::CodeMismatch], 2),
        ("HTI/QT-HTI-05.md", &[Rule::CodeMismatch, Rule::DuplicateCode], 2),
        ("XX/QT-XX-01.md", &[Rule::UnknownField], 4),
        ("HTI/QT-HTI-07.md", &[Rule::UnknownLegalBasis], 12),
        ("HTI/QT-HTI-08.md", &[Rule::MissingSection], 44),
        ("HTI/QT-HTI-09.md", &[Rule::SectionOrder], 52),
        ("HTI/QT-HTI-10.md", &[Rule::EmptySection], 73),
        ("HTI/QT-HTI-11.md", &[Rule::StepTable], 67),
        ("HTI/QT-HTI-12.md", &[Rule::StepTimes], 62),
    ];
    assert_eq!(report.files.len(), expected.len());
    for (file, rules, line) in expected {
        let found: Vec<_> = report.problems.iter().filter(|p| p.file == Path::new(file)).collect();
        let got: BTreeSet<&str> = found.iter().map(|p| p.rule.as_str()).collect();
        let want: BTreeSet<&str> = rules.iter().map(|r| r.as_str()).collect();
        assert_eq!(got, want, "{file}: {found:?}");
        if let Some(first) = found.first() {
            assert_eq!(first.line, line, "{file}: {}", first);
        }
    }
    let clean: Vec<_> = report.clean_files().map(|f| f.path.display().to_string()).collect();
    assert_eq!(clean, ["HTI/QT-HTI-01.md"]);
}

#[test]
fn broken_reference_data_is_reported() {
    let report = check_tree(&fixtures("broken-reference")).unwrap();
    let messages: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(
        messages.iter().any(|m| m.starts_with("fields.yaml:1: reference-data:") && m.contains("HTI")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("legal-bases.yaml:1: reference-data:") && m.contains("LUAT-HOTICH-2099")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("calendar.yaml:8: reference-data:") && m.contains("2024-02-10")),
        "{messages:?}"
    );
}

#[test]
fn the_command_prints_file_and_line_and_exits_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_qms")).arg("check").arg(fixtures("broken")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .contains("HTI/QT-HTI-12.md:62: step-times: tổng thời gian các bước là 12 giờ, khác thời gian xử lý 8 giờ"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("12 tệp, 12 lỗi."), "{stdout}");

    let missing = Command::new(env!("CARGO_BIN_EXE_qms")).arg("check").arg(fixtures("no-such-dir")).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
}
