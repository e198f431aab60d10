//! Required sections of a procedure body, in order, and the empty-section rule.

use unicode_normalization::UnicodeNormalization;

use super::Rule;
use crate::markdown::{Block, Outline};

const MAIN: [&str; 7] = [
    "1. Mục đích",
    "2. Phạm vi",
    "3. Tài liệu viện dẫn",
    "4. Định nghĩa và chữ viết tắt",
    "5. Nội dung quy trình",
    "6. Biểu mẫu",
    "7. Hồ sơ cần lưu",
];

const OPERATIONAL: [&str; 8] = [
    "5.1 Điều kiện thực hiện",
    "5.2 Thành phần hồ sơ",
    "5.3 Số lượng hồ sơ",
    "5.4 Thời gian xử lý",
    "5.5 Nơi tiếp nhận và trả kết quả",
    "5.6 Lệ phí",
    "5.7 Quy trình xử lý công việc",
    "5.8 Cơ sở pháp lý",
];

/// The heading of the step table's section.
pub const STEPS_SECTION: &str = OPERATIONAL[6];

/// Headings compare without regard to case, spacing or Unicode composition (NFC vs NFD).
pub fn normalize(text: &str) -> String {
    text.nfc().collect::<String>().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The required headings, as (level, text), for an operational or a system procedure.
pub fn required(operational: bool) -> Vec<(u8, &'static str)> {
    let mut out: Vec<(u8, &str)> = MAIN[..5].iter().map(|t| (2, *t)).collect();
    if operational {
        out.extend(OPERATIONAL.iter().map(|t| (3, *t)));
    }
    out.extend(MAIN[5..].iter().map(|t| (2, *t)));
    out
}

/// Section problems as (body line, rule, message).
pub fn section_problems(outline: &Outline, operational: bool) -> Vec<(usize, Rule, String)> {
    let required = required(operational);
    let wanted: Vec<(u8, String)> = required.iter().map(|(l, t)| (*l, normalize(t))).collect();
    let mut out = Vec::new();
    let mut found = vec![None; required.len()];
    let mut highest = None::<usize>;
    for h in outline.headings() {
        let key = (h.level, normalize(&h.text));
        let Some(index) = wanted.iter().position(|w| *w == key) else {
            continue;
        };
        if found[index].is_some() || highest.is_some_and(|top| index < top) {
            out.push((h.line, Rule::SectionOrder, format!("mục \"{}\" lặp lại hoặc sai thứ tự", h.text)));
        }
        found[index].get_or_insert(h.line);
        highest = highest.max(Some(index));
    }
    let end = outline.headings().last().map_or(1, |h| h.line);
    for (index, (level, text)) in required.iter().enumerate() {
        if found[index].is_none() {
            let line = found[index + 1..].iter().flatten().next().copied().unwrap_or(end);
            let hashes = "#".repeat(*level as usize);
            out.push((line, Rule::MissingSection, format!("thiếu mục \"{hashes} {text}\"")));
        }
    }
    for (index, block) in outline.blocks.iter().enumerate() {
        if let Block::Heading(h) = block
            && outline.section(index).is_empty()
        {
            out.push((h.line, Rule::EmptySection, format!("mục \"{}\" không có nội dung", h.text)));
        }
    }
    out
}
