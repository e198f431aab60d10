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
