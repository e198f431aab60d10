//! What changed between two versions of a procedure: a unified diff, and a section-aware view
//! (front matter keys, sections added, removed or changed, and steps of the step table) that a
//! reviewer can read without knowing diff syntax.

use std::collections::BTreeMap;

use serde::Serialize;
use similar::TextDiff;

use super::outline::{Block, outline};
use super::{parse_document, split_front_matter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// A front matter key whose value changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub key: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A step of the step table that changed (by its "Bước" cell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepChange {
    pub step: String,
    pub change: Change,
    pub from: Option<Vec<String>>,
    pub to: Option<Vec<String>>,
}

/// A section (by its heading) that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionChange {
    pub heading: String,
    pub change: Change,
    pub steps: Vec<StepChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentDiff {
    pub unified: String,
    pub front_matter: Vec<FieldChange>,
    pub sections: Vec<SectionChange>,
}

impl DocumentDiff {
    pub fn is_empty(&self) -> bool {
        self.unified.is_empty()
    }
}

/// How long a line diff may search for the smallest set of changes.
const DIFF_DEADLINE: std::time::Duration = std::time::Duration::from_millis(200);

/// Compares two procedure files.
pub fn diff_documents(old: &str, new: &str, old_label: &str, new_label: &str) -> DocumentDiff {
    // A deadline keeps a hostile draft (tens of thousands of changed lines) from holding a
    // worker for seconds on every view: past it, the diff is coarser but still correct.
    let unified = TextDiff::configure()
        .timeout(DIFF_DEADLINE)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_label, new_label)
        .to_string();
    DocumentDiff { unified, front_matter: front_matter_changes(old, new), sections: section_changes(old, new) }
}

fn front_matter_values(text: &str) -> BTreeMap<String, String> {
    let Ok(doc) = parse_document(text) else { return BTreeMap::new() };
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&doc.front) else { return BTreeMap::new() };
    map.into_iter()
        .map(|(k, v)| {
            let shown = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, shown)
        })
        .collect()
}

fn front_matter_changes(old: &str, new: &str) -> Vec<FieldChange> {
    let (a, b) = (front_matter_values(old), front_matter_values(new));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| FieldChange { key: k.clone(), from: a.get(k).cloned(), to: b.get(k).cloned() })
        .collect()
}

/// Each heading's own text (up to the next heading of any level), in order.
fn sections(text: &str) -> Vec<(String, String)> {
    let body = split_front_matter(text).map(|(_, b, _)| b).unwrap_or(text);
    let lines: Vec<&str> = body.lines().collect();
    let heading_lines: Vec<(usize, String)> = outline(body)
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) => Some((h.line, h.text.clone())),
            _ => None,
        })
        .collect();
    heading_lines
        .iter()
        .enumerate()
        .map(|(i, (line, heading))| {
            let end = heading_lines.get(i + 1).map_or(lines.len(), |(next, _)| next - 1);
            let content = lines.get(*line..end).unwrap_or_default().join("\n");
            (heading.clone(), content.trim().to_owned())
        })
        .collect()
}

fn step_rows(section_text: &str) -> Vec<Vec<String>> {
    outline(section_text)
        .blocks
        .into_iter()
        .find_map(|b| match b {
            Block::Table(t) if t.header.cells.first().is_some_and(|c| c.trim() == "Bước") => Some(t),
            _ => None,
        })
        .map(|t| t.rows.into_iter().map(|r| r.cells).collect())
        .unwrap_or_default()
}

fn step_changes(old: &str, new: &str) -> Vec<StepChange> {
    let key = |row: &Vec<String>| row.first().cloned().unwrap_or_default();
    let (a, b) = (step_rows(old), step_rows(new));
    let mut out = Vec::new();
    for row in &b {
        match a.iter().find(|r| key(r) == key(row)) {
            None => out.push(StepChange { step: key(row), change: Change::Added, from: None, to: Some(row.clone()) }),
            Some(old) if old != row => out.push(StepChange {
                step: key(row),
                change: Change::Changed,
                from: Some(old.clone()),
                to: Some(row.clone()),
            }),
            Some(_) => {}
        }
    }
    for row in a.iter().filter(|r| !b.iter().any(|n| key(n) == key(r))) {
        out.push(StepChange { step: key(row), change: Change::Removed, from: Some(row.clone()), to: None });
    }
    out
}

fn section_changes(old: &str, new: &str) -> Vec<SectionChange> {
    let (a, b) = (sections(old), sections(new));
    let mut out = Vec::new();
    for (heading, content) in &b {
        match a.iter().find(|(h, _)| h == heading) {
            None => out.push(SectionChange { heading: heading.clone(), change: Change::Added, steps: vec![] }),
            Some((_, before)) if before != content => out.push(SectionChange {
                heading: heading.clone(),
                change: Change::Changed,
                steps: step_changes(before, content),
            }),
            Some(_) => {}
        }
    }
    for (heading, _) in a.iter().filter(|(h, _)| !b.iter().any(|(n, _)| n == h)) {
        out.push(SectionChange { heading: heading.clone(), change: Change::Removed, steps: vec![] });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "---\ncode: QT-HTI-01\ntitle: A\nfield: HTI\nkind: operational\nrevision: 1\neffective_date: 2019-08-01\nowner: O\nreview_interval_months: 12\nprocessing_time: { working_days: 1 }\nfee: Miễn phí\nlegal_basis: [X]\niso_clauses: [\"8.1\"]\n---\n## 1. Mục đích\n\nCũ.\n\n### 5.7 Quy trình xử lý công việc\n\n| Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả |\n|---|---|---|---|---|\n| B1 | Tiếp nhận | A | 4 giờ | - |\n| B2 | Giải quyết | B | 4 giờ | - |\n\n## 6. Biểu mẫu\n\nMẫu 1.\n";

    #[test]
    fn names_what_changed() {
        let new = OLD
            .replace("fee: Miễn phí", "fee: 8.000 đồng")
            .replace(
                "| B2 | Giải quyết | B | 4 giờ | - |",
                "| B2 | Giải quyết | B | 2 giờ | - |\n| B3 | Trả kết quả | A | 2 giờ | - |",
            )
            .replace("## 6. Biểu mẫu\n\nMẫu 1.\n", "## 7. Hồ sơ cần lưu\n\nSổ.\n");
        let d = diff_documents(OLD, &new, "lần 1", "dự thảo");
        assert!(d.unified.starts_with("--- lần 1\n+++ dự thảo\n"), "{}", d.unified);
        assert_eq!(
            d.front_matter,
            [FieldChange { key: "fee".into(), from: Some("Miễn phí".into()), to: Some("8.000 đồng".into()) }]
        );
        let summary: Vec<(&str, Change)> = d.sections.iter().map(|s| (s.heading.as_str(), s.change)).collect();
        assert_eq!(
            summary,
            [
                ("5.7 Quy trình xử lý công việc", Change::Changed),
                ("7. Hồ sơ cần lưu", Change::Added),
                ("6. Biểu mẫu", Change::Removed)
            ]
        );
        let steps: Vec<(&str, Change)> = d.sections[0].steps.iter().map(|s| (s.step.as_str(), s.change)).collect();
        assert_eq!(steps, [("B2", Change::Changed), ("B3", Change::Added)]);
    }

    #[test]
    fn identical_documents_have_an_empty_diff() {
        let d = diff_documents(OLD, OLD, "a", "b");
        assert!(d.is_empty() && d.sections.is_empty() && d.front_matter.is_empty());
    }
}
