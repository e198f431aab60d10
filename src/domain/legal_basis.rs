//! External documents (laws, decrees, circulars, decisions, standards) that procedures cite.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LegalStatus {
    InForce,
    Superseded,
}

impl LegalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InForce => "in_force",
            Self::Superseded => "superseded",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "in_force" => Some(Self::InForce),
            "superseded" => Some(Self::Superseded),
            _ => None,
        }
    }
}

/// One entry of `legal-bases.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
    /// Unknown dates stay empty rather than guessed.
    pub date: Option<NaiveDate>,
    pub issuer: String,
    pub title: String,
    pub status: LegalStatus,
    pub superseded_by: Option<String>,
}
