//! A procedure's lifecycle: one current revision while effective, readable forever once obsolete.

use serde::Serialize;

/// "Lần ban hành": 1 for the first issue, incremented by each publish.
pub type RevisionNumber = i32;

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureStatus {
    /// In use; its current revision is the one staff must follow.
    Effective,
    /// Retired; still readable, under a banner.
    Obsolete,
}

impl ProcedureStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Effective => "effective",
            Self::Obsolete => "obsolete",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "effective" => Some(Self::Effective),
            "obsolete" => Some(Self::Obsolete),
            _ => None,
        }
    }
}

/// How a revision relates to the procedure's current one, which decides the banner a reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionStanding {
    Current,
    Superseded,
    Obsolete,
}

impl RevisionStanding {
    pub fn of(revision: RevisionNumber, current: RevisionNumber, status: ProcedureStatus) -> Self {
        match (status, revision == current) {
            (ProcedureStatus::Obsolete, _) => Self::Obsolete,
            (ProcedureStatus::Effective, true) => Self::Current,
            (ProcedureStatus::Effective, false) => Self::Superseded,
        }
    }
}

/// The date a procedure is next due for periodic review.
pub fn review_due(effective: chrono::NaiveDate, interval_months: u32) -> Option<chrono::NaiveDate> {
    effective.checked_add_months(chrono::Months::new(interval_months))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn older_revisions_are_superseded_and_retired_ones_obsolete() {
        use RevisionStanding::*;
        assert_eq!(RevisionStanding::of(2, 2, ProcedureStatus::Effective), Current);
        assert_eq!(RevisionStanding::of(1, 2, ProcedureStatus::Effective), Superseded);
        assert_eq!(RevisionStanding::of(2, 2, ProcedureStatus::Obsolete), Obsolete);
    }

    #[test]
    fn review_is_due_one_interval_after_the_effective_date() {
        let d = NaiveDate::from_ymd_opt(2019, 8, 31).unwrap();
        assert_eq!(review_due(d, 6), NaiveDate::from_ymd_opt(2020, 2, 29));
    }
}
