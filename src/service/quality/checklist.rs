//! The audit checklist (Danh mục kiểm tra) of a procedure, generated from the revision being
//! audited: its steps, the records it keeps, and the ISO clauses it serves.

use crate::domain::audit::CheckResult;
use crate::markdown::{Block, ProcedureDocument, outline};
use crate::service::ports::ChecklistItem;

fn normalized(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The lines of the section whose heading starts with `prefix` (e.g. "7."), without the heading.
fn section_lines<'a>(body: &'a str, prefix: &str) -> Vec<&'a str> {
    let lines: Vec<&str> = body.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("## ") && l[3..].trim_start().starts_with(prefix)) else {
        return vec![];
    };
    lines[start + 1..].iter().take_while(|l| !l.starts_with("## ")).copied().collect()
}

fn cells(row: &str) -> Vec<String> {
    row.trim().trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect()
}

/// Records to keep: table rows (first two cells) or list items of section 7.
fn records(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut header_seen = false;
    for line in section_lines(body, "7.") {
        let t = line.trim();
        if t.starts_with('|') {
            let c = cells(t);
            if c.iter().all(|x| x.chars().all(|ch| ch == '-' || ch == ':')) {
                continue;
            }
            if !header_seen {
                header_seen = true;
                continue;
            }
            let text: Vec<&str> = c.iter().take(2).map(String::as_str).filter(|s| !s.is_empty()).collect();
            if !text.is_empty() {
                out.push(text.join(" — "));
            }
        } else if let Some(item) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            out.push(item.trim().to_owned());
        }
    }
    out
}

/// Steps: the rows of the step table, or for system procedures the subsections of section 5.
fn steps(doc: &ProcedureDocument) -> Vec<String> {
    let o = outline(&doc.body);
    let table = o.blocks.iter().find_map(|b| match b {
        Block::Table(t) if t.header.cells.first().is_some_and(|c| normalized(c) == "bước") => Some(t),
        _ => None,
    });
    if let Some(t) = table {
        return t
            .rows
            .iter()
            .map(|r| {
                let get = |i: usize| r.cells.get(i).map(String::as_str).unwrap_or("");
                format!("{}: {} ({}; {})", get(0), get(1), get(2), get(3))
            })
            .collect();
    }
    o.headings().filter(|h| h.level == 3 && h.text.starts_with("5.")).map(|h| h.text.clone()).collect()
}

/// The checklist of one procedure revision.
pub fn generate(code: &str, revision: i32, doc: &ProcedureDocument) -> Vec<ChecklistItem> {
    let mut items = Vec::new();
    let mut push = |kind: &str, text: String| {
        items.push(ChecklistItem {
            id: 0,
            procedure_code: code.to_owned(),
            revision,
            position: items.len() as i32 + 1,
            kind: kind.to_owned(),
            text,
            result: CheckResult::NotChecked,
            note: String::new(),
        })
    };
    for step in steps(doc) {
        push("step", format!("Thực hiện đúng bước {step}"));
    }
    for record in records(&doc.body) {
        push("record", format!("Có hồ sơ lưu: {record}"));
    }
    for clause in &doc.front.iso_clauses {
        push("clause", format!("Đáp ứng điều khoản {clause} TCVN ISO 9001:2015"));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checklist_covers_steps_records_and_clauses() {
        let text = include_str!("../../../tests/fixtures/broken/HTI/QT-HTI-01.md");
        let doc = crate::markdown::parse_document(text).unwrap();
        let items = generate("QT-HTI-01", 1, &doc);
        let kinds: Vec<&str> = items.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["step", "step", "step", "step", "record", "clause", "clause"]);
        assert_eq!(items[0].text, "Thực hiện đúng bước B1: Tiếp nhận hồ sơ (Công chức TN&TKQ; 2 giờ)");
        assert_eq!(items[4].text, "Có hồ sơ lưu: Sổ đăng ký khai sinh — Tư pháp - Hộ tịch");
        assert_eq!(items[6].position, 7);
    }
}
