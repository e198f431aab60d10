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
    pub fn is_in_force(self) -> bool {
        self == Self::InForce
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
    /// Date of issue (ngày ban hành). Unknown dates stay empty rather than guessed.
    pub date: Option<NaiveDate>,
    /// Ngày có hiệu lực, when it differs from the date of issue or matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<NaiveDate>,
    /// Ngày hết hiệu lực.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    pub issuer: String,
    pub title: String,
    pub status: LegalStatus,
    /// The texts that replaced this one (a text can be split between several successors). Read
    /// from `null`, one key, or a list, so files written before lists were allowed still read.
    #[serde(default, deserialize_with = "one_or_many", serialize_with = "as_one_or_many")]
    pub superseded_by: Vec<String>,
    /// The texts that amended this one while it stays in force (được sửa đổi, bổ sung bởi).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amended_by: Vec<String>,
    /// What is known about the entry and what must still be verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `null`, one key, or a list: one key is written as before lists were allowed.
fn as_one_or_many<S: serde::Serializer>(keys: &[String], s: S) -> Result<S::Ok, S::Error> {
    match keys {
        [] => s.serialize_none(),
        [one] => s.serialize_str(one),
        many => serde::Serialize::serialize(many, s),
    }
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Keys;
    impl<'de> serde::de::Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("null, một khóa văn bản, hoặc danh sách khóa")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(vec![])
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(vec![])
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Keys)
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_owned()])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(key) = seq.next_element::<String>()? {
                out.push(key);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Keys)
}

/// The kinds of text the register holds (`type:`): luật, pháp lệnh, nghị định, nghị quyết (of a
/// People's Council, e.g. the province's fees), nghị quyết liên tịch, thông tư, thông tư liên
/// tịch, quyết định, tiêu chuẩn.
pub const DOCUMENT_TYPES: [&str; 9] = [
    "luat",
    "phap_lenh",
    "nghi_dinh",
    "nghi_quyet",
    "nghi_quyet_lien_tich",
    "thong_tu",
    "thong_tu_lien_tich",
    "quyet_dinh",
    "tieu_chuan",
];

/// Whether `kind` is one of `DOCUMENT_TYPES`.
pub fn known_type(kind: &str) -> bool {
    DOCUMENT_TYPES.contains(&kind)
}

/// What is wrong with the register as a whole, per entry key: successors and amenders must be
/// other entries of the register, and a superseded text must name what replaced it, and
/// every type is one of `DOCUMENT_TYPES`.
pub fn register_problems(list: &[LegalBasis]) -> Vec<(String, String)> {
    let known: std::collections::HashSet<&str> = list.iter().map(|l| l.key.as_str()).collect();
    let mut out = Vec::new();
    for l in list {
        let mut bad = |m: String| out.push((l.key.clone(), m));
        if !known_type(&l.kind) {
            bad(format!(
                "{}: loại văn bản \"{}\" không có trong danh sách ({})",
                l.key,
                l.kind,
                DOCUMENT_TYPES.join(", ")
            ));
        }
        for (keys, role) in [(&l.superseded_by, "thay thế"), (&l.amended_by, "sửa đổi")] {
            for k in keys {
                if *k == l.key {
                    bad(format!("{} không thể tự {role} chính nó", l.key));
                } else if !known.contains(k.as_str()) {
                    bad(format!("{} được {role} bởi {k}, nhưng {k} không có trong danh mục", l.key));
                }
            }
        }
        match (l.status, l.superseded_by.is_empty()) {
            (LegalStatus::Superseded, true) => {
                bad(format!("{} hết hiệu lực nhưng chưa ghi văn bản thay thế (superseded_by)", l.key))
            }
            (LegalStatus::InForce, false) => {
                bad(format!("{} còn hiệu lực nhưng lại ghi văn bản thay thế (superseded_by)", l.key))
            }
            _ => {}
        }
        if let (Some(from), Some(to)) = (l.effective_from, l.effective_to)
            && to < from
        {
            bad(format!("{}: ngày hết hiệu lực {to} trước ngày có hiệu lực {from}", l.key));
        }
    }
    out
}

const HEADER: &str = "# External documents (laws, decrees, circulars, decisions, standards) cited by procedures.
# Each entry is controlled (ISO 9001:2015 clause 7.5.3): a key cited by procedures'
# `legal_basis`, its number, date of issue, issuer, title, and whether it is still in force.
# Optional: effective_from / effective_to (ngày có / hết hiệu lực), amended_by (keys of the texts
# that amended it), note (what is known, what must still be verified).
# A superseded text names the key, or the list of keys, of the texts that replaced it.
# type: luat | phap_lenh | nghi_dinh | nghi_quyet | nghi_quyet_lien_tich | thong_tu | thong_tu_lien_tich | quyet_dinh | tieu_chuan
";

/// `legal-bases.yaml` as the system writes it when the list changes: the header, then the entries
/// as serde-saphyr writes them (optional keys only when set). Fails only if a value cannot be
/// written as YAML at all.
pub fn to_yaml(list: &[LegalBasis]) -> Result<String, String> {
    let entries = serde_saphyr::to_string(&list).map_err(|e| e.to_string())?;
    Ok(format!("{HEADER}\n{entries}"))
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

    fn entry(key: &str) -> LegalBasis {
        LegalBasis {
            key: key.into(),
            kind: "nghi_dinh".into(),
            number: "1/2020/NĐ-CP".into(),
            date: None,
            effective_from: None,
            effective_to: None,
            issuer: "Chính phủ".into(),
            title: "T".into(),
            status: LegalStatus::InForce,
            superseded_by: vec![],
            amended_by: vec![],
            note: None,
        }
    }

    #[test]
    fn the_yaml_reads_back_the_same() {
        let list = vec![LegalBasis {
            key: "ND-123-2015".into(),
            date: chrono::NaiveDate::from_ymd_opt(2015, 11, 15),
            effective_from: chrono::NaiveDate::from_ymd_opt(2016, 1, 1),
            title: "Quy định \"chi tiết\"\nLuật Hộ tịch".into(),
            status: LegalStatus::Superseded,
            superseded_by: vec!["ND-999-2030".into(), "ND-998-2030".into()],
            amended_by: vec!["ND-1-2020".into()],
            note: Some("Cần kiểm tra".into()),
            ..entry("ND-123-2015")
        }];
        let back: Vec<LegalBasis> = serde_saphyr::from_str(&to_yaml(&list).unwrap()).unwrap();
        assert_eq!(back, list, "every value, quotes and line breaks included, reads back as written");
        for hostile in ["\"", "a: b", "- x", "#c", "{x}", "'", "\n\t"] {
            let odd = vec![LegalBasis { kind: hostile.into(), issuer: hostile.into(), ..entry("A-1") }];
            let back: Vec<LegalBasis> = serde_saphyr::from_str(&to_yaml(&odd).unwrap()).unwrap();
            assert_eq!(back, odd, "{hostile:?}");
        }
    }

    #[test]
    fn a_single_successor_and_null_still_read() {
        let one = "- {key: A-1, type: luat, number: n, date: null, issuer: i, title: t, status: superseded, superseded_by: B-2}";
        let back: Vec<LegalBasis> = serde_saphyr::from_str(one).unwrap();
        assert_eq!(back[0].superseded_by, ["B-2"]);
        let none = one.replace("superseded_by: B-2", "superseded_by: null");
        assert!(serde_saphyr::from_str::<Vec<LegalBasis>>(&none).unwrap()[0].superseded_by.is_empty());
        let many = one.replace("superseded_by: B-2", "superseded_by: [B-2, C-3]");
        assert_eq!(serde_saphyr::from_str::<Vec<LegalBasis>>(&many).unwrap()[0].superseded_by, ["B-2", "C-3"]);
        assert!(to_yaml(&back).unwrap().contains("superseded_by: B-2\n"), "one successor is written as before");
    }

    #[test]
    fn the_register_rules() {
        let ok = vec![
            entry("A-1"),
            LegalBasis { status: LegalStatus::Superseded, superseded_by: vec!["A-1".into()], ..entry("B-2") },
        ];
        assert_eq!(register_problems(&ok), vec![]);
        let messages =
            |l: LegalBasis| register_problems(&[entry("A-1"), l]).into_iter().map(|(_, m)| m).collect::<Vec<_>>();
        let superseded = |by: &[&str]| LegalBasis {
            status: LegalStatus::Superseded,
            superseded_by: by.iter().map(|s| s.to_string()).collect(),
            ..entry("B-2")
        };
        assert_eq!(messages(superseded(&["B-2"])), ["B-2 không thể tự thay thế chính nó"]);
        assert_eq!(
            messages(superseded(&["A-1", "X-9"])),
            ["B-2 được thay thế bởi X-9, nhưng X-9 không có trong danh mục"]
        );
        assert_eq!(messages(superseded(&[])), ["B-2 hết hiệu lực nhưng chưa ghi văn bản thay thế (superseded_by)"]);
        let amended = |by: &str| LegalBasis { amended_by: vec![by.into()], ..entry("B-2") };
        assert_eq!(messages(amended("B-2")), ["B-2 không thể tự sửa đổi chính nó"]);
        assert_eq!(messages(amended("Y-1")), ["B-2 được sửa đổi bởi Y-1, nhưng Y-1 không có trong danh mục"]);
        assert_eq!(messages(amended("A-1")), Vec::<String>::new());
        let in_force_replaced = LegalBasis { superseded_by: vec!["A-1".into()], ..entry("B-2") };
        assert_eq!(messages(in_force_replaced), ["B-2 còn hiệu lực nhưng lại ghi văn bản thay thế (superseded_by)"]);
        let backwards = LegalBasis {
            effective_from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1),
            effective_to: chrono::NaiveDate::from_ymd_opt(2019, 1, 1),
            ..entry("B-2")
        };
        assert_eq!(messages(backwards).len(), 1);
    }

    #[test]
    fn keys_are_plain() {
        assert!(valid_key("LUAT-HOTICH-2014"));
        for bad in ["nd-1", "ND--1", "ND 1", "../X", "A"] {
            assert!(!valid_key(bad), "{bad}");
        }
    }
}
