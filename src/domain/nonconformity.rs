//! Nonconformities and corrective actions (ISO 9001 10.2). A nonconformity closes only when every
//! linked action is verified effective; an action is verified by someone other than its owner,
//! not before its verification date; "not effective" reopens it.

use crate::domain::ErrorCode;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

pub(crate) use text_enum;

text_enum!(
    /// Where a nonconformity was found.
    NcSource { AuditFinding = "audit_finding", Complaint = "complaint", Process = "process", ManagementReview = "management_review", Other = "other" }
);

text_enum!(Severity { Major = "major", Minor = "minor" });

text_enum!(
    /// open → action_planned → closed.
    NcStatus { Open = "open", ActionPlanned = "action_planned", Closed = "closed" }
);

text_enum!(
    /// planned → in_progress → done → verified_effective | not_effective (which reopens it).
    CaStatus { Planned = "planned", InProgress = "in_progress", Done = "done", VerifiedEffective = "verified_effective", NotEffective = "not_effective" }
);

impl NcStatus {
    /// A closed nonconformity is a record: nothing more is planned or changed on it.
    pub fn is_closed(self) -> bool {
        self == NcStatus::Closed
    }
}

impl CaStatus {
    /// The states with work still to do: what counts as overdue past the due date.
    pub const OPEN: [CaStatus; 3] = [CaStatus::Planned, CaStatus::InProgress, CaStatus::NotEffective];

    /// Whether the action still has work to do (see `OPEN`).
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }
    /// Whether it may be started now (`next_action` decides; pages ask before offering the button).
    pub fn can_start(self) -> bool {
        next_action(self, CaStep::Start).is_ok()
    }
    /// Whether it may be completed now.
    pub fn can_complete(self) -> bool {
        next_action(self, CaStep::Complete).is_ok()
    }
    /// Whether its effectiveness may be verified now.
    pub fn can_verify(self) -> bool {
        next_action(self, CaStep::Verify { effective: true }).is_ok()
    }
}

/// A step of a corrective action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaStep {
    Start,
    Complete,
    Verify { effective: bool },
}

/// A refused step: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: ErrorCode,
    pub message: String,
}

/// The action's state after `step`.
pub fn next_action(status: CaStatus, step: CaStep) -> Result<CaStatus, Refused> {
    use CaStatus::*;
    match (status, step) {
        (Planned | NotEffective, CaStep::Start) => Ok(InProgress),
        (InProgress, CaStep::Complete) => Ok(Done),
        (Done, CaStep::Verify { effective: true }) => Ok(VerifiedEffective),
        (Done, CaStep::Verify { effective: false }) => Ok(NotEffective),
        _ => Err(Refused {
            code: ErrorCode::InvalidTransition,
            message: format!(
                "Hành động khắc phục đang ở trạng thái \"{}\", không thể thực hiện bước này.",
                status.as_str()
            ),
        }),
    }
}

/// A nonconformity closes only when it has actions and every one is verified effective.
pub fn may_close(status: NcStatus, actions: &[CaStatus]) -> Result<(), Refused> {
    if status == NcStatus::Closed {
        return Err(Refused {
            code: ErrorCode::InvalidTransition, message: "Sự không phù hợp đã được đóng.".into()
        });
    }
    if actions.is_empty() || actions.iter().any(|a| *a != CaStatus::VerifiedEffective) {
        return Err(Refused {
            code: ErrorCode::ActionsNotVerified,
            message: "Chỉ đóng được khi mọi hành động khắc phục đã được xác nhận có hiệu lực.".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaStatus::*;

    #[test]
    fn every_action_state_and_step() {
        let steps =
            [CaStep::Start, CaStep::Complete, CaStep::Verify { effective: true }, CaStep::Verify { effective: false }];
        let table: [(CaStatus, [Option<CaStatus>; 4]); 5] = [
            (Planned, [Some(InProgress), None, None, None]),
            (InProgress, [None, Some(Done), None, None]),
            (Done, [None, None, Some(VerifiedEffective), Some(NotEffective)]),
            (VerifiedEffective, [None, None, None, None]),
            (NotEffective, [Some(InProgress), None, None, None]),
        ];
        for (from, expected) in table {
            for (step, to) in steps.into_iter().zip(expected) {
                assert_eq!(next_action(from, step).ok(), to, "{from:?} + {step:?}");
            }
        }
    }

    #[test]
    fn closing_needs_every_action_verified() {
        assert_eq!(
            may_close(NcStatus::ActionPlanned, &[]).unwrap_err().code,
            crate::domain::ErrorCode::ActionsNotVerified
        );
        assert_eq!(
            may_close(NcStatus::ActionPlanned, &[VerifiedEffective, Done]).unwrap_err().code,
            crate::domain::ErrorCode::ActionsNotVerified
        );
        assert!(may_close(NcStatus::ActionPlanned, &[VerifiedEffective, VerifiedEffective]).is_ok());
        assert_eq!(
            may_close(NcStatus::Closed, &[VerifiedEffective]).unwrap_err().code,
            crate::domain::ErrorCode::InvalidTransition
        );
    }

    #[test]
    fn texts_round_trip() {
        for s in NcSource::ALL {
            assert_eq!(NcSource::parse(s.as_str()), Some(*s));
        }
        assert_eq!(CaStatus::parse("verified_effective"), Some(VerifiedEffective));
        assert_eq!(Severity::parse("critical"), None);
    }

    #[test]
    fn open_actions_are_those_with_a_next_step_of_work() {
        for status in CaStatus::ALL.iter().copied() {
            let work_left = status.can_start() || status.can_complete();
            assert_eq!(status.is_open(), work_left, "{status:?}");
        }
    }
}
