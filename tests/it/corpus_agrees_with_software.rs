//! The system procedures describe what the software does: QT-HT-03's finding types are the
//! domain's `FindingType`, and the corrective-action transitions QT-HT-05 states are ones the
//! domain allows (an ineffective action is reopened, not replaced by a new ticket). Editing the
//! procedure or the domain alone fails here, so staff are never audited against a procedure the
//! tool does not implement.

use std::collections::BTreeSet;

use qms::domain::audit::FindingType;
use qms::domain::nonconformity::{CaStatus, CaStep, next_action};

/// The words between backticks in `text`.
fn codes(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn qt_ht_03_lists_exactly_the_finding_types_of_the_software() {
    let text = crate::common::read_corpus_file("QT-HT-03");
    // The definition of "Phát hiện đánh giá" runs from its bullet to the next top-level bullet.
    let start = text.find("- **Phát hiện đánh giá**").expect("QT-HT-03 defines the finding types");
    let rest = &text[start + 1..];
    let end = rest.find("\n- ").unwrap_or(rest.len());
    let written: BTreeSet<&str> = codes(&rest[..end]).into_iter().collect();
    let software: BTreeSet<&str> = FindingType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(written, software, "QT-HT-03 §4 and src/domain/audit.rs disagree on the finding types");
    // Both nonconformity grades open a nonconformity, as the procedure says.
    assert!(FindingType::ALL.iter().filter(|t| t.opens_nonconformity().is_some()).count() == 2);
}

#[test]
fn qt_ht_05_states_only_transitions_the_software_allows_and_reopens_an_ineffective_action() {
    let text = crate::common::read_corpus_file("QT-HT-05");
    assert!(
        !text.contains("mở phiếu mới tham chiếu"),
        "QT-HT-05 must not say an ineffective action opens a new ticket"
    );
    let mut stated = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let found = codes(line);
        for pair in found.windows(2) {
            let between = line.split(&format!("`{}`", pair[0])).nth(1).unwrap_or_default();
            if !between.trim_start().starts_with('→') {
                continue;
            }
            let (from, to) = (CaStatus::parse(pair[0]), CaStatus::parse(pair[1]));
            let (Some(from), Some(to)) = (from, to) else {
                panic!("QT-HT-05:{}: `{}` → `{}` is not a corrective-action status", i + 1, pair[0], pair[1]);
            };
            let steps = [
                CaStep::Start,
                CaStep::Complete,
                CaStep::Verify { effective: true },
                CaStep::Verify { effective: false },
            ];
            assert!(
                steps.iter().any(|s| next_action(from, *s) == Ok(to)),
                "QT-HT-05:{}: the software does not allow {} → {}",
                i + 1,
                from.as_str(),
                to.as_str()
            );
            stated.push((from, to));
        }
    }
    assert!(
        stated.contains(&(CaStatus::NotEffective, CaStatus::InProgress)),
        "QT-HT-05 states how an ineffective action is reopened (`not_effective` → `in_progress`)"
    );
    for word in codes(&text) {
        assert!(CaStatus::parse(word).is_some(), "QT-HT-05 names `{word}`, which is not a corrective-action status");
    }
}
