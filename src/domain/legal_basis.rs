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

const HEADER: &str = "# External documents (laws, decrees, circulars, decisions, standards) cited by procedures.
# Each entry is controlled (ISO 9001:2015 clause 7.5.3): a key cited by procedures'
# `legal_basis`, its number, date, issuer, title, and whether it is still in force.
# A superseded text names the key of the text that replaced it.
# type: luat | phap_lenh | nghi_dinh | nghi_quyet_lien_tich | thong_tu | thong_tu_lien_tich | quyet_dinh | tieu_chuan
";

fn quoted(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("\"{}\"", one_line.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `legal-bases.yaml` as the system writes it when the list changes: the same layout as the
/// corpus file, one key per line, every text quoted.
pub fn to_yaml(list: &[LegalBasis]) -> String {
    let mut out = String::from(HEADER);
    for l in list {
        out.push('\n');
        out.push_str(&format!("- key: {}\n", l.key));
        out.push_str(&format!("  type: {}\n", l.kind));
        out.push_str(&format!("  number: {}\n", quoted(&l.number)));
        out.push_str(&format!("  date: {}\n", l.date.map_or("null".into(), |d| d.to_string())));
        out.push_str(&format!("  issuer: {}\n", quoted(&l.issuer)));
        out.push_str(&format!("  title: {}\n", quoted(&l.title)));
        out.push_str(&format!("  status: {}\n", l.status.as_str()));
        out.push_str(&format!("  superseded_by: {}\n", l.superseded_by.as_deref().unwrap_or("null")));
    }
    out
}

/// Keys are upper-case words of letters and digits joined by `-`, e.g. `ND-123-2015`.
pub fn valid_key(key: &str) -> bool {
    (3..=64).contains(&key.len())
        && key
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_yaml_reads_back_the_same() {
        let list = vec![LegalBasis {
            key: "ND-123-2015".into(),
            kind: "nghi_dinh".into(),
            number: "123/2015/NĐ-CP".into(),
            date: chrono::NaiveDate::from_ymd_opt(2015, 11, 15),
            issuer: "Chính phủ".into(),
            title: "Quy định \"chi tiết\"\nLuật Hộ tịch".into(),
            status: LegalStatus::Superseded,
            superseded_by: Some("ND-999-2030".into()),
        }];
        let back: Vec<LegalBasis> = serde_saphyr::from_str(&to_yaml(&list)).unwrap();
        assert_eq!(back[0].title, "Quy định \"chi tiết\" Luật Hộ tịch");
        assert_eq!(back[0].superseded_by.as_deref(), Some("ND-999-2030"));
        assert_eq!(back[0].date, list[0].date);
    }

    #[test]
    fn keys_are_plain() {
        assert!(valid_key("LUAT-HOTICH-2014"));
        for bad in ["nd-1", "ND--1", "ND 1", "../X", "A"] {
            assert!(!valid_key(bad), "{bad}");
        }
    }
}
