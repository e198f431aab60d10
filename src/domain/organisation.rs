//! Organisations: a deployment holds a tree of them (a province, or its ISO steering committee,
//! above communes and wards). Everything of a quality system belongs to one. Seen from a user,
//! another organisation is either their own, a descendant they oversee (as `admin`, who
//! administers it, or `auditor`, who reads it), or invisible: the last is answered as "not found",
//! never "forbidden", so its existence does not leak.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::role::Role;

/// An organisation's id in the database. Rows of one organisation carry it; a query of one
/// organisation's data is always given one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgId(pub i32);

/// The organisation every row written before organisations existed belongs to: the first one a
/// deployment creates.
pub const FIRST_ORG: OrgId = OrgId(1);

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What kind of unit an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Province,
    Commune,
    Ward,
    Other,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [OrgKind::Province, OrgKind::Commune, OrgKind::Ward, OrgKind::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Commune => "commune",
            Self::Ward => "ward",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrgId,
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<OrgId>,
}

/// Longest name kept for an organisation.
pub const MAX_NAME_CHARS: usize = 200;

/// `[a-z0-9-]{2,40}`: the slug appears in URLs and directory names, so nothing else is allowed.
pub fn valid_slug(slug: &str) -> bool {
    (2..=40).contains(&slug.len()) && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A name with something in it, on one line, of reasonable length.
pub fn valid_name(name: &str) -> bool {
    !name.trim().is_empty() && name.chars().count() <= MAX_NAME_CHARS && !name.chars().any(char::is_control)
}

/// How a user stands towards the organisation a request acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Their own organisation: their roles apply as they are.
    Member,
    /// A descendant of their organisation, seen as its `admin` or `auditor`: the admin
    /// administers it (accounts, sub-organisations), both read it; nothing else.
    Overseer,
}

/// Whether a user of `own` holding `roles` may see `target`, given the target's ancestors from
/// its parent up to the root (`ancestors`). `None` means invisible: the caller answers 404.
pub fn standing(own: OrgId, roles: &[Role], target: OrgId, ancestors: &[OrgId]) -> Option<Standing> {
    if own == target {
        return Some(Standing::Member);
    }
    let oversees = roles.iter().any(|r| matches!(r, Role::Admin | Role::Auditor));
    (oversees && ancestors.contains(&own)).then_some(Standing::Overseer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_lower_case_words() {
        for good in ["hue", "phu-vang", "xa-1", "ab"] {
            assert!(valid_slug(good), "{good}");
        }
        for bad in ["", "a", "Hue", "xã", "a b", "../x", "a_b", &"x".repeat(41), "a/b", "a.b"] {
            assert!(!valid_slug(bad), "{bad}");
        }
    }

    #[test]
    fn names_are_one_nonempty_line() {
        assert!(valid_name("Ủy ban nhân dân xã Phú Vang"));
        assert!(!valid_name("  "));
        assert!(!valid_name("a\nb"));
        assert!(!valid_name(&"x".repeat(MAX_NAME_CHARS + 1)));
    }

    /// Every role, towards its own organisation, a descendant, a sibling and an ancestor.
    #[test]
    fn only_an_ancestors_admin_or_auditor_sees_a_descendant() {
        let (province, commune, sibling) = (OrgId(1), OrgId(2), OrgId(3));
        for role in Role::ALL {
            let roles = [role];
            assert_eq!(standing(commune, &roles, commune, &[province]), Some(Standing::Member));
            let down = standing(province, &roles, commune, &[province]);
            let expected = matches!(role, Role::Admin | Role::Auditor).then_some(Standing::Overseer);
            assert_eq!(down, expected, "{role:?} of the province looking at a commune");
            assert_eq!(standing(commune, &roles, sibling, &[province]), None, "{role:?} looking at a sibling");
            assert_eq!(standing(commune, &roles, province, &[]), None, "{role:?} looking up");
        }
    }
}
