//! The reference data a procedure tree is checked against: `fields.yaml`, `legal-bases.yaml` and,
//! when the tree has one, `calendar.yaml` (weekends and public holidays, for due dates).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{Problem, Rule};
use crate::domain::calendar::{CalendarFile, WorkCalendar};
use crate::domain::field::Field;
use crate::domain::legal_basis::{LegalBasis, register_problems};

pub const FIELDS_FILE: &str = "fields.yaml";
pub const LEGAL_BASES_FILE: &str = "legal-bases.yaml";
/// Optional: a tree without it has no due dates, nothing else depends on it.
pub const CALENDAR_FILE: &str = "calendar.yaml";

/// Fields and legal bases as loaded, plus the problems found in those files.
#[derive(Debug, Default, Clone)]
pub struct Reference {
    pub fields: Vec<Field>,
    pub legal_bases: Vec<LegalBasis>,
    pub field_codes: HashSet<String>,
    pub legal_keys: HashSet<String>,
    pub calendar: Option<WorkCalendar>,
    pub problems: Vec<Problem>,
}

impl Reference {
    /// The reference of fields and legal bases already checked (as the index holds them).
    pub fn of(fields: Vec<Field>, legal_bases: Vec<LegalBasis>) -> Self {
        Reference {
            field_codes: fields.iter().map(|f| f.code.clone()).collect(),
            legal_keys: legal_bases.iter().map(|l| l.key.clone()).collect(),
            fields,
            legal_bases,
            calendar: None,
            problems: vec![],
        }
    }
}

fn load_list<T: serde::de::DeserializeOwned>(dir: &Path, name: &str, problems: &mut Vec<Problem>) -> Vec<T> {
    load(dir, name, problems).unwrap_or_default()
}

/// Reads and parses one reference file; `None` (with the problem recorded) when it cannot be.
fn load<T: serde::de::DeserializeOwned>(dir: &Path, name: &str, problems: &mut Vec<Problem>) -> Option<T> {
    let path = dir.join(name);
    let problem = |line, message| Problem { file: PathBuf::from(name), line, rule: Rule::ReferenceData, message };
    match std::fs::read_to_string(&path) {
        Err(e) => {
            problems.push(problem(1, format!("không đọc được {name}: {e}")));
            None
        }
        Ok(text) => serde_saphyr::from_str(&text)
            .map_err(|e| {
                let line = e.location().map_or(1, |l| l.line() as usize);
                let msg = e.to_string();
                problems.push(problem(line, msg.lines().next().unwrap_or_default().to_owned()));
            })
            .ok(),
    }
}

/// Loads and cross-checks the reference files of the tree at `dir`.
pub fn load_reference(dir: &Path) -> Reference {
    let mut problems = Vec::new();
    let fields: Vec<Field> = load_list(dir, FIELDS_FILE, &mut problems);
    let legal_bases: Vec<LegalBasis> = load_list(dir, LEGAL_BASES_FILE, &mut problems);
    let mut dup = |file: &str, what: &str, key: &str| {
        problems.push(Problem {
            file: PathBuf::from(file),
            line: 1,
            rule: Rule::ReferenceData,
            message: format!("{what} {key} bị trùng"),
        })
    };
    let mut field_codes = HashSet::new();
    for f in &fields {
        if !field_codes.insert(f.code.clone()) {
            dup(FIELDS_FILE, "lĩnh vực", &f.code);
        }
    }
    let mut legal_keys = HashSet::new();
    for l in &legal_bases {
        if !legal_keys.insert(l.key.clone()) {
            dup(LEGAL_BASES_FILE, "khóa", &l.key);
        }
    }
    let text = std::fs::read_to_string(dir.join(LEGAL_BASES_FILE)).unwrap_or_default();
    for (key, message) in register_problems(&legal_bases) {
        let entry = format!("- key: {key}");
        let line = text.lines().position(|l| l.trim_end() == entry).map_or(1, |i| i + 1);
        problems.push(Problem { file: PathBuf::from(LEGAL_BASES_FILE), line, rule: Rule::ReferenceData, message });
    }
    let calendar = load_calendar(dir, &mut problems);
    Reference { fields, legal_bases, field_codes, legal_keys, calendar, problems }
}

/// Reads `calendar.yaml` when present; each broken rule is reported on the line of the date it
/// concerns.
fn load_calendar(dir: &Path, problems: &mut Vec<Problem>) -> Option<WorkCalendar> {
    let text = std::fs::read_to_string(dir.join(CALENDAR_FILE)).ok()?;
    let file: CalendarFile = load(dir, CALENDAR_FILE, problems)?;
    let found = file.problems();
    for (at, message) in &found {
        let line = text.lines().position(|l| l.contains(at.as_str())).map_or(1, |i| i + 1);
        let message = message.clone();
        problems.push(Problem { file: PathBuf::from(CALENDAR_FILE), line, rule: Rule::ReferenceData, message });
    }
    found.is_empty().then(|| WorkCalendar::from(&file))
}
