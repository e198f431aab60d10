//! Procedure and field codes. A code is validated before it is used anywhere (a path in git, a
//! database key, a URL), so a hostile value such as `../../etc` never reaches a lookup.

use std::fmt;

/// A field code: 2–6 ASCII uppercase letters, e.g. `HTI`, `CT`, `HT`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldCode(String);

impl FieldCode {
    pub fn parse(s: &str) -> Option<Self> {
        let ok = (2..=6).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase());
        ok.then(|| Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The field of the mandatory system procedures.
    pub fn is_system(&self) -> bool {
        self.0 == "HT"
    }
}

impl fmt::Display for FieldCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A procedure code `QT-<FIELD>-<NN>` (two or three digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcedureCode(String);

impl ProcedureCode {
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split('-');
        let (Some("QT"), Some(field), Some(num), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        FieldCode::parse(field)?;
        let num_ok = (2..=3).contains(&num.len()) && num.bytes().all(|b| b.is_ascii_digit());
        num_ok.then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The field named inside the code.
    pub fn field(&self) -> FieldCode {
        let field = self.0.split('-').nth(1).unwrap_or_default();
        FieldCode(field.to_owned())
    }

    /// Where the procedure's file lives, in the corpus folder and in the git store.
    pub fn path(&self) -> String {
        format!("{}/{}.md", self.field(), self.0)
    }

    /// Where a retired procedure's file is kept in the git store.
    pub fn obsolete_path(&self) -> String {
        format!("obsolete/{}", self.path())
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_well_formed_codes() {
        let code = ProcedureCode::parse("QT-HTI-01").unwrap();
        assert_eq!(code.field().as_str(), "HTI");
        assert_eq!(code.path(), "HTI/QT-HTI-01.md");
        assert!(ProcedureCode::parse("QT-HT-07").is_some());
    }

    #[test]
    fn refuses_hostile_or_malformed_codes() {
        for bad in [
            "../../etc",
            "QT-HTI-01/../x",
            "QT-hti-01",
            "QT-HTI-1",
            "QT-HTI-0001",
            "QT--01",
            "QT-HTI-01-02",
            "XX-HTI-01",
            "",
            "QT-HTI-0%2e",
        ] {
            assert!(ProcedureCode::parse(bad).is_none(), "{bad} accepted");
        }
    }

    #[test]
    fn field_codes_are_short_uppercase_words() {
        assert!(FieldCode::parse("HTI").is_some());
        assert!(FieldCode::parse("H").is_none());
        assert!(FieldCode::parse("hti").is_none());
        assert!(FieldCode::parse("../").is_none());
    }
}
