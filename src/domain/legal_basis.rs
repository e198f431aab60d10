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
    #[serde(default, deserialize_with = "one_or_many")]
    pub superseded_by: Vec<String>,
    /// The texts that amended this one while it stays in force (được sửa đổi, bổ sung bởi).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amended_by: Vec<String>,
    /// What is known about the entry and what must still be verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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

/// What is wrong with the register as a whole, per entry key: successors and amenders must be
/// other entries of the register, and a superseded text must name what replaced it.
pub fn register_problems(list: &[LegalBasis]) -> Vec<(String, String)> {
    let known: std::collections::HashSet<&str> = list.iter().map(|l| l.key.as_str()).collect();
    let mut out = Vec::new();
    for l in list {
        let mut bad = |m: String| out.push((l.key.clone(), m));
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
# type: luat | phap_lenh | nghi_dinh | nghi_quyet_lien_tich | thong_tu | thong_tu_lien_tich | quyet_dinh | tieu_chuan
";

fn quoted(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("\"{}\"", one_line.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `null`, one key, or `[A, B]`: one key is written as before lists were allowed.
fn keys(list: &[String]) -> String {
    match list {
        [] => "null".into(),
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// `legal-bases.yaml` as the system writes it when the list changes: the same layout as the
/// corpus file, one key per line, every text quoted, optional keys only when set.
pub fn to_yaml(list: &[LegalBasis]) -> String {
    let mut out = String::from(HEADER);
    for l in list {
        out.push('\n');
        out.push_str(&format!("- key: {}\n", l.key));
        out.push_str(&format!("  type: {}\n", l.kind));
        out.push_str(&format!("  number: {}\n", quoted(&l.number)));
        out.push_str(&format!("  date: {}\n", l.date.map_or("null".into(), |d| d.to_string())));
        if let Some(d) = l.effective_from {
            out.push_str(&format!("  effective_from: {d}\n"));
        }
        if let Some(d) = l.effective_to {
            out.push_str(&format!("  effective_to: {d}\n"));
        }
        out.push_str(&format!("  issuer: {}\n", quoted(&l.issuer)));
        out.push_str(&format!("  title: {}\n", quoted(&l.title)));
        out.push_str(&format!("  status: {}\n", l.status.as_str()));
        out.push_str(&format!("  superseded_by: {}\n", keys(&l.superseded_by)));
        if !l.amended_by.is_empty() {
            out.push_str(&format!("  amended_by: [{}]\n", l.amended_by.join(", ")));
        }
        if let Some(note) = &l.note {
            out.push_str(&format!("  note: {}\n", quoted(note)));
        }
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
        let back: Vec<LegalBasis> = serde_saphyr::from_str(&to_yaml(&list)).unwrap();
        assert_eq!(back[0].title, "Quy định \"chi tiết\" Luật Hộ tịch");
        assert_eq!(back[0], LegalBasis { title: back[0].title.clone(), ..list[0].clone() });
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
        assert!(to_yaml(&back).contains("  superseded_by: B-2\n"), "one successor is written as before");
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
