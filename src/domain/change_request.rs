//! A change request's lifecycle: draft → in_review → approved → published, or rejected /
//! withdrawn. Reviews and the approval are bound to the content hash they were given on; any
//! edit voids them. Every transition is checked here, in one place.

use crate::domain::ErrorCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the change does to the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Revise,
    Create,
    Retire,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revise => "revise",
            Self::Create => "create",
            Self::Retire => "retire",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Revise, Self::Create, Self::Retire].into_iter().find(|k| k.as_str() == s)
    }
    /// Whether the request carries content to edit: a retirement only moves the file.
    pub fn has_content(self) -> bool {
        self != Self::Retire
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    Draft,
    InReview,
    Approved,
    Published,
    Rejected,
    Withdrawn,
}

impl ChangeStatus {
    pub const ALL: [ChangeStatus; 6] =
        [Self::Draft, Self::InReview, Self::Approved, Self::Published, Self::Rejected, Self::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Approved => "approved",
            Self::Published => "published",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Whether `step` may be taken now (`next` decides; pages ask before offering it).
    pub fn allows(self, step: Step) -> bool {
        next(self, step).is_ok()
    }
    /// Published, rejected and withdrawn requests never change again.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Published | Self::Rejected | Self::Withdrawn)
    }
}

/// Something that happens to a change request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    EditContent,
    Submit,
    ApproveReview,
    RequestChanges,
    Approve,
    Reject,
    Withdraw,
    Publish,
}

/// A step refused in the current state: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: ErrorCode,
    pub message: String,
}

/// The state after `step` from `status`, or why the step is refused.
pub fn next(status: ChangeStatus, step: Step) -> Result<ChangeStatus, Refused> {
    use ChangeStatus::*;
    let to = match (status, step) {
        // An edit sends an approved change back to review: its approval no longer applies.
        (Draft, Step::EditContent) => Draft,
        (InReview | Approved, Step::EditContent) => InReview,
        (Draft, Step::Submit) => InReview,
        (InReview, Step::ApproveReview) => InReview,
        (InReview, Step::RequestChanges) => Draft,
        (InReview, Step::Approve) => Approved,
        (InReview | Approved, Step::Reject) => Rejected,
        (Draft | InReview | Approved, Step::Withdraw) => Withdrawn,
        (Approved, Step::Publish) => Published,
        _ => {
            let message =
                format!("Yêu cầu thay đổi đang ở trạng thái \"{}\", không thể {}.", status.as_str(), describe(step));
            return Err(Refused { code: ErrorCode::InvalidTransition, message });
        }
    };
    Ok(to)
}

fn describe(step: Step) -> &'static str {
    match step {
        Step::EditContent => "sửa nội dung",
        Step::Submit => "gửi xem xét",
        Step::ApproveReview | Step::RequestChanges => "ghi ý kiến xem xét",
        Step::Approve => "phê duyệt",
        Step::Reject => "từ chối",
        Step::Withdraw => "rút lại",
        Step::Publish => "ban hành",
    }
}

/// What a signer decided: a reviewer approves or requests changes; the approver approved (signed)
/// or rejected. Stored and shown as the snake_case word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    RequestChanges,
    Approved,
    Rejected,
}

impl Decision {
    pub const ALL: [Decision; 4] = [Self::Approve, Self::RequestChanges, Self::Approved, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::RequestChanges => "request_changes",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
    /// Whether the signer agreed with the content (a review's approval or the approver's signature).
    pub fn agrees(self) -> bool {
        matches!(self, Self::Approve | Self::Approved)
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A review or approval given on some content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<'a> {
    pub by: &'a str,
    pub content_hash: &'a str,
    pub approves: bool,
}

/// Whether every named reviewer has approved exactly `content_hash` (the latest review of each
/// reviewer counts).
pub fn reviews_complete(reviewers: &[String], reviews: &[Signed<'_>], content_hash: &str) -> bool {
    reviewers
        .iter()
        .all(|r| reviews.iter().rev().find(|s| s.by == r).is_some_and(|s| s.approves && s.content_hash == content_hash))
}

/// How far ahead a revision may take effect: a year covers a text announced now that applies
/// from next year; anything later is a typing error.
pub const MAX_DAYS_AHEAD: i64 = 366;

/// Whether a revision may take effect on `chosen`. Nothing takes effect before it was approved
/// (ISO 9001 7.5.2), nor before the revision it replaces took effect (the revision table would
/// then date revision 2 before revision 1), nor more than `MAX_DAYS_AHEAD` after `today`.
pub fn check_effective_date(
    chosen: NaiveDate,
    approved_on: NaiveDate,
    previous: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), Refused> {
    let earliest = previous.map_or(approved_on, |p| p.max(approved_on));
    let latest = today + chrono::Duration::days(MAX_DAYS_AHEAD);
    if chosen < earliest || chosen > latest {
        let why = match previous {
            Some(p) if p >= approved_on => format!("lần ban hành trước có hiệu lực từ {p}"),
            _ => format!("bản sửa đổi được phê duyệt ngày {approved_on}"),
        };
        let message = format!(
            "Ngày hiệu lực {chosen} không hợp lệ: phải từ {earliest} ({why}) đến {latest} (tối đa một năm kể từ hôm nay)."
        );
        return Err(Refused { code: ErrorCode::InvalidEffectiveDate, message });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeStatus::*;

    #[test]
    fn the_happy_path() {
        let s = next(Draft, Step::EditContent).unwrap();
        let s = next(s, Step::Submit).unwrap();
        let s = next(s, Step::ApproveReview).unwrap();
        let s = next(s, Step::Approve).unwrap();
        assert_eq!(next(s, Step::Publish), Ok(Published));
    }

    #[test]
    fn every_state_and_step() {
        use Step::*;
        let steps = [EditContent, Submit, ApproveReview, RequestChanges, Approve, Reject, Withdraw, Publish];
        // Columns follow `steps`; None means refused.
        let table: [(ChangeStatus, [Option<ChangeStatus>; 8]); 6] = [
            (Draft, [Some(Draft), Some(InReview), None, None, None, None, Some(Withdrawn), None]),
            (
                InReview,
                [
                    Some(InReview),
                    None,
                    Some(InReview),
                    Some(Draft),
                    Some(Approved),
                    Some(Rejected),
                    Some(Withdrawn),
                    None,
                ],
            ),
            (Approved, [Some(InReview), None, None, None, None, Some(Rejected), Some(Withdrawn), Some(Published)]),
            (Published, [None; 8]),
            (Rejected, [None; 8]),
            (Withdrawn, [None; 8]),
        ];
        for (from, expected) in table {
            for (step, to) in steps.into_iter().zip(expected) {
                let got = next(from, step).ok();
                assert_eq!(got, to, "{from:?} + {step:?}");
                if to.is_none() {
                    assert_eq!(next(from, step).unwrap_err().code, crate::domain::ErrorCode::InvalidTransition);
                }
            }
        }
    }

    #[test]
    fn reviews_count_only_on_the_current_content() {
        let reviewers = vec!["an".to_owned(), "binh".to_owned()];
        let on = |by, hash, approves| Signed { by, content_hash: hash, approves };
        assert!(!reviews_complete(&reviewers, &[on("an", "h1", true)], "h1"));
        assert!(reviews_complete(&reviewers, &[on("an", "h1", true), on("binh", "h1", true)], "h1"));
        assert!(
            !reviews_complete(&reviewers, &[on("an", "h0", true), on("binh", "h1", true)], "h1"),
            "a review of older content does not count"
        );
        assert!(
            !reviews_complete(&reviewers, &[on("an", "h1", true), on("binh", "h1", true), on("an", "h1", false)], "h1"),
            "the latest review of each reviewer counts"
        );
    }

    #[test]
    fn a_revision_takes_effect_after_approval_and_its_predecessor_within_a_year() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (approved, today) = (d("2026-12-01"), d("2026-12-06"));
        assert!(check_effective_date(d("2026-12-01"), approved, None, today).is_ok());
        assert!(check_effective_date(d("2027-12-07"), approved, Some(d("2019-08-01")), today).is_ok());
        for bad in ["1900-01-01", "2026-11-30", "2027-12-08", "9999-12-31"] {
            let refused = check_effective_date(d(bad), approved, None, today).unwrap_err();
            assert_eq!(refused.code, crate::domain::ErrorCode::InvalidEffectiveDate, "{bad}");
        }
        let after_previous = check_effective_date(d("2026-12-10"), approved, Some(d("2027-01-01")), today);
        assert!(after_previous.unwrap_err().message.contains("lần ban hành trước"));
    }
}
