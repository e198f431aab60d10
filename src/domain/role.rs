//! The roles a user can hold (several at once).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ, công chức: reads procedures, acknowledges new revisions.
    Staff,
    /// Thư ký ISO: document controller.
    Secretary,
    /// Người xem xét.
    Reviewer,
    /// Lãnh đạo phê duyệt.
    Approver,
    /// Đánh giá viên nội bộ.
    Auditor,
    /// Quản trị.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Staff, Role::Secretary, Role::Reviewer, Role::Approver, Role::Auditor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Secretary => "secretary",
            Self::Reviewer => "reviewer",
            Self::Approver => "approver",
            Self::Auditor => "auditor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}
