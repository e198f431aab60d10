//! Internal audits (ISO 9001 9.2): planned → in_progress → reported → closed; findings by type;
//! auditors independent of the fields they audit unless an override with a reason is recorded.

use super::nonconformity::{Refused, Severity, text_enum};
use crate::domain::ErrorCode;

text_enum!(AuditStatus { Planned = "planned", InProgress = "in_progress", Reported = "reported", Closed = "closed" });

text_enum!(
    /// major_nc | minor_nc | observation | ofi (opportunity for improvement).
    FindingType { MajorNc = "major_nc", MinorNc = "minor_nc", Observation = "observation", Ofi = "ofi" }
);

impl AuditStatus {
    /// Whether `step` may be taken now (`next_audit` decides; pages ask before offering it).
    pub fn allows(self, step: AuditStep) -> bool {
        next_audit(self, step).is_ok()
    }
    pub fn can_start(self) -> bool {
        self.allows(AuditStep::Start)
    }
    pub fn can_close(self) -> bool {
        self.allows(AuditStep::Close)
    }
}

impl FindingType {
    /// Whether the finding is a nonconformity (it opens one in the register).
    pub fn is_nonconformity(self) -> bool {
        self.opens_nonconformity().is_some()
    }

    /// The severity of the nonconformity a finding opens, if it opens one.
    pub fn opens_nonconformity(self) -> Option<Severity> {
        match self {
            Self::MajorNc => Some(Severity::Major),
            Self::MinorNc => Some(Severity::Minor),
            Self::Observation | Self::Ofi => None,
        }
    }
}

text_enum!(
    /// The outcome of one checklist item.
    CheckResult { NotChecked = "not_checked", Conform = "conform", Nonconform = "nonconform", Observation = "observation" }
);

/// A step of an audit's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditStep {
    Start,
    /// Logging findings and filling checklists.
    Record,
    Report,
    Close,
}

pub fn next_audit(status: AuditStatus, step: AuditStep) -> Result<AuditStatus, Refused> {
    use AuditStatus::*;
    match (status, step) {
        (Planned, AuditStep::Start) => Ok(InProgress),
        (InProgress, AuditStep::Record) => Ok(InProgress),
        (InProgress | Reported, AuditStep::Report) => Ok(Reported),
        (Reported, AuditStep::Close) => Ok(Closed),
        _ => Err(Refused {
            code: ErrorCode::InvalidTransition,
            message: format!("Cuộc đánh giá đang ở trạng thái \"{}\", không thể thực hiện bước này.", status.as_str()),
        }),
    }
}

/// Auditors who belong to one of the audited fields (nobody audits their own work).
pub fn not_independent<'a>(auditors: &'a [(String, Vec<String>)], audited_fields: &[String]) -> Vec<&'a str> {
    auditors
        .iter()
        .filter(|(_, fields)| fields.iter().any(|f| audited_fields.contains(f)))
        .map(|(name, _)| name.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use AuditStatus::*;

    #[test]
    fn every_audit_state_and_step() {
        let steps = [AuditStep::Start, AuditStep::Record, AuditStep::Report, AuditStep::Close];
        let table: [(AuditStatus, [Option<AuditStatus>; 4]); 4] = [
            (Planned, [Some(InProgress), None, None, None]),
            (InProgress, [None, Some(InProgress), Some(Reported), None]),
            (Reported, [None, None, Some(Reported), Some(Closed)]),
            (Closed, [None, None, None, None]),
        ];
        for (from, expected) in table {
            for (step, to) in steps.into_iter().zip(expected) {
                assert_eq!(next_audit(from, step).ok(), to, "{from:?} + {step:?}");
            }
        }
    }

    #[test]
    fn auditors_of_their_own_field_are_named() {
        let team = vec![("an".to_owned(), vec!["HTI".to_owned()]), ("binh".to_owned(), vec!["CT".to_owned()])];
        assert_eq!(not_independent(&team, &["HTI".to_owned()]), ["an"]);
        assert!(not_independent(&team, &["DD".to_owned()]).is_empty());
    }

    #[test]
    fn only_nonconformities_open_one() {
        assert_eq!(FindingType::MajorNc.opens_nonconformity(), Some(Severity::Major));
        assert_eq!(FindingType::Ofi.opens_nonconformity(), None);
    }
}
