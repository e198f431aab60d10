//! The rules one procedure file must follow on its own and against the reference data.

use std::path::Path;

use super::sections::{STEPS_SECTION, normalize, section_problems};
use super::{Problem, Reference, Rule, SourceFile, parse_duration_minutes};
use crate::domain::processing_time::StepBudget;
use crate::domain::{FrontMatter, ProcedureKind};
use crate::markdown::{Block, Outline, limits, outline, parse_document, split_front_matter};

const STEP_HEADER: [&str; 5] = ["Bước", "Nội dung công việc", "Trách nhiệm", "Thời gian", "Biểu mẫu/Kết quả"];

/// Checks one file. Returns its code with the line it is declared on (for the duplicate check
/// across files) and the problems found.
pub fn check_document(file: &SourceFile, reference: &Reference) -> (Option<(String, usize)>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut report = |line: usize, rule: Rule, message: String| {
        problems.push(Problem { file: file.path.clone(), line, rule, message })
    };
    let doc = match parse_document(&file.text) {
        Ok(doc) => doc,
        Err(e) => {
            report(e.line, Rule::FrontMatter, e.message);
            return (None, problems);
        }
    };
    let to_file_line = |body_line: usize| body_line + doc.body_line - 1;
    let yaml = split_front_matter(&file.text).map(|(y, _, _)| y).unwrap_or_default();
    let key_line = |key: &str| yaml.lines().position(|l| l.starts_with(&format!("{key}:"))).map_or(2, |i| i + 2);
    let front = &doc.front;
    for p in front.problems() {
        report(key_line(p.key), Rule::Schema, p.message);
    }
    if let Some(message) = path_mismatch(&file.path, front) {
        report(key_line("code"), Rule::CodeMismatch, message);
    }
    if !reference.field_codes.is_empty() && !reference.field_codes.contains(&front.field) {
        report(key_line("field"), Rule::UnknownField, format!("lĩnh vực {} không có trong fields.yaml", front.field));
    }
    for key in &front.legal_basis {
        if !reference.legal_keys.contains(key) {
            let message = format!("căn cứ pháp lý {key} không có trong legal-bases.yaml");
            report(key_line("legal_basis"), Rule::UnknownLegalBasis, message);
        }
    }
    for (line, message) in markup_problems(&doc.body) {
        report(to_file_line(line), Rule::Markup, message);
    }
    let body = outline(&doc.body);
    let operational = front.kind == ProcedureKind::Operational;
    for (line, rule, message) in section_problems(&body, operational) {
        report(to_file_line(line), rule, message);
    }
    if operational && let Some(budget) = front.processing_time.as_ref().map(|t| t.step_budget()) {
        for (line, rule, message) in step_table_problems(&body, budget) {
            report(to_file_line(line), rule, message);
        }
    }
    (Some((front.code.clone(), key_line("code"))), problems)
}

/// Markup the format does not allow (see `markdown::limits`): what would not render whole.
fn markup_problems(body: &str) -> Vec<(usize, String)> {
    if let Some(line) = limits::too_deep(body) {
        let message = format!("trích dẫn hoặc danh sách lồng quá {} cấp", limits::MAX_NESTING);
        return vec![(line, message)];
    }
    if limits::too_many_ampersands(body) {
        return vec![(1, format!("quá nhiều ký tự & (tối đa {})", limits::MAX_AMPERSANDS))];
    }
    let message = || "không dùng thẻ HTML trong quy trình (chỉ cho phép <br> để xuống dòng trong ô bảng)".to_owned();
    limits::raw_html_lines(body).into_iter().map(|line| (line, message())).collect()
}

fn path_mismatch(path: &Path, front: &FrontMatter) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy();
    let folder = path.parent().and_then(|p| p.file_name()).map(|f| f.to_string_lossy());
    let in_field_folder = path.components().count() == 2;
    if stem != front.code {
        Some(format!("mã {} khác tên tệp {stem}.md", front.code))
    } else if !in_field_folder || folder.as_deref() != Some(front.field.as_str()) {
        Some(format!("tệp phải nằm ở {}/{}.md", front.field, front.code))
    } else {
        None
    }
}

fn step_table_problems(body: &Outline, budget: StepBudget) -> Vec<(usize, Rule, String)> {
    let wanted = normalize(STEPS_SECTION);
    let Some(index) = body.blocks.iter().position(|b| matches!(b, Block::Heading(h) if normalize(&h.text) == wanted))
    else {
        return vec![]; // reported as a missing section
    };
    let heading_line = match &body.blocks[index] {
        Block::Heading(h) => h.line,
        _ => 1,
    };
    let Some(table) = body.section(index).iter().find_map(|b| match b {
        Block::Table(t) => Some(t),
        _ => None,
    }) else {
        return vec![(heading_line, Rule::StepTable, "mục 5.7 không có bảng các bước".into())];
    };
    let header: Vec<String> = table.header.cells.iter().map(|c| normalize(c)).collect();
    let expected: Vec<String> = STEP_HEADER.iter().map(|c| normalize(c)).collect();
    if header != expected {
        let message = format!("tiêu đề bảng phải là | {} |", STEP_HEADER.join(" | "));
        return vec![(table.line, Rule::StepTable, message)];
    }
    let mut out = Vec::new();
    if table.rows.is_empty() {
        out.push((table.line, Rule::StepTable, "bảng các bước không có bước nào".into()));
    }
    let mut total = 0u32;
    for row in &table.rows {
        match row.cells.get(3).and_then(|c| parse_duration_minutes(c)) {
            Some(minutes) => total += minutes,
            None => out.push((
                row.line,
                Rule::StepTable,
                format!("ô Thời gian \"{}\" phải bắt đầu bằng số giờ/ngày/phút", row.cells.get(3).map_or("", |c| c)),
            )),
        }
    }
    if out.is_empty()
        && let Some(message) = budget_problem(total, budget)
    {
        out.push((table.line, Rule::StepTimes, message));
    }
    out
}

/// A working-day budget is filled exactly; a calendar-day one may not be exceeded (see
/// `StepBudget`).
fn budget_problem(total: u32, budget: StepBudget) -> Option<String> {
    match budget {
        StepBudget::Exactly(budget) if total != budget => {
            Some(format!("tổng thời gian các bước là {} giờ, khác thời gian xử lý {} giờ", hours(total), hours(budget)))
        }
        StepBudget::AtMost(budget) if total > budget => Some(format!(
            "tổng thời gian các bước là {} ngày, vượt thời hạn {} ngày theo lịch (calendar_days)",
            days(total),
            days(budget)
        )),
        _ => None,
    }
}

fn days(minutes: u32) -> String {
    let d = f64::from(minutes) / 480.0;
    format!("{d}").replace('.', ",")
}

fn hours(minutes: u32) -> String {
    let h = f64::from(minutes) / 60.0;
    format!("{h}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_working_day_budget_is_filled_exactly() {
        assert_eq!(budget_problem(960, StepBudget::Exactly(960)), None);
        let short = budget_problem(720, StepBudget::Exactly(960)).unwrap();
        assert_eq!(short, "tổng thời gian các bước là 12 giờ, khác thời gian xử lý 16 giờ");
    }

    #[test]
    fn a_calendar_day_budget_may_not_be_exceeded_but_may_keep_a_margin() {
        assert_eq!(budget_problem(30 * 480, StepBudget::AtMost(30 * 480)), None);
        assert_eq!(budget_problem(25 * 480, StepBudget::AtMost(30 * 480)), None);
        let over = budget_problem(31 * 480 + 240, StepBudget::AtMost(30 * 480)).unwrap();
        assert_eq!(over, "tổng thời gian các bước là 31,5 ngày, vượt thời hạn 30 ngày theo lịch (calendar_days)");
    }
}
