//! Splitting a procedure file into its YAML front matter and Markdown body.

use crate::domain::FrontMatter;

/// A problem that stops a file from being read at all, with the 1-based line it was found on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// A parsed procedure file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureDocument {
    pub front: FrontMatter,
    /// The Markdown after the closing `---`.
    pub body: String,
    /// The 1-based line of the file on which the body starts.
    pub body_line: usize,
}

/// Splits `text` into (front matter YAML, body, line on which the body starts).
pub fn split_front_matter(text: &str) -> Result<(&str, &str, usize), ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let missing = || ParseError {
        line: 1,
        message: "thiếu phần thông tin đầu tệp (front matter) giữa hai dòng ---".into(),
    };
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")).ok_or_else(missing)?;
    let mut offset = 0;
    for (index, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            // Line 1 is the opening `---`, the YAML starts on line 2, the closing fence follows it.
            return Ok((yaml, body, index + 3));
        }
        offset += line.len();
    }
    Err(ParseError { line: 1, message: "phần front matter không có dòng --- đóng".into() })
}

/// Parses a whole procedure file. YAML errors carry the line in the file, not in the YAML block.
pub fn parse_document(text: &str) -> Result<ProcedureDocument, ParseError> {
    let (yaml, body, body_line) = split_front_matter(text)?;
    let front: FrontMatter = serde_saphyr::from_str(yaml).map_err(|e| ParseError {
        line: e.location().map_or(2, |l| l.line() as usize + 1),
        message: format!("front matter không hợp lệ: {}", first_line(&e.to_string())),
    })?;
    Ok(ProcedureDocument { front, body: body.to_owned(), body_line })
}

/// Sets top-level front matter keys to the given YAML scalars, keeping every other line as it
/// was (comments, order, formatting): the system writes `revision` and `effective_date` on publish.
pub fn set_front_matter_values(text: &str, values: &[(&str, String)]) -> Result<String, ParseError> {
    let (yaml, body, _) = split_front_matter(text)?;
    let mut lines: Vec<String> = yaml.lines().map(str::to_owned).collect();
    for (key, value) in values {
        let prefix = format!("{key}:");
        let line = format!("{key}: {value}");
        match lines.iter_mut().find(|l| l.starts_with(&prefix)) {
            Some(existing) => *existing = line,
            None => lines.push(line),
        }
    }
    Ok(format!("---\n{}\n---\n{body}", lines.join("\n")))
}

/// The first line of a YAML error, without the parser's own "error: line L column C:" prefix (the
/// report already gives the file line).
fn first_line(s: &str) -> &str {
    let line = s.lines().next().unwrap_or(s);
    match line.strip_prefix("error: line ").and_then(|rest| rest.split_once(": ")) {
        Some((position, message)) if position.contains("column") => message,
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "---\ncode: QT-HTI-01\ntitle: Đăng ký khai sinh\nfield: HTI\nkind: operational\nrevision: 1\neffective_date: 2019-08-01\nowner: Công chức Tư pháp - Hộ tịch\nreview_interval_months: 12\nprocessing_time: { working_days: 0, note: \"Trong ngày\" }\nfee: Miễn phí\nlegal_basis: [LUAT-HOTICH-2014]\niso_clauses: [\"8.1\"]\n---\n## 1. Mục đích\n";

    #[test]
    fn splits_and_types_the_front_matter() {
        let doc = parse_document(FILE).unwrap();
        assert_eq!(doc.front.code, "QT-HTI-01");
        assert_eq!(doc.front.processing_time.unwrap().note.as_deref(), Some("Trong ngày"));
        assert_eq!(doc.body, "## 1. Mục đích\n");
        assert_eq!(doc.body_line, 15);
    }

    #[test]
    fn refuses_a_file_without_front_matter() {
        let err = parse_document("# Tiêu đề\n").unwrap_err();
        assert_eq!(err.line, 1);
        let err = parse_document("---\ncode: x\n").unwrap_err();
        assert!(err.message.contains("đóng"), "{}", err.message);
    }

    #[test]
    fn names_the_file_line_of_a_yaml_error() {
        let text = FILE.replace("revision: 1", "revision: một");
        let err = parse_document(&text).unwrap_err();
        assert_eq!(err.line, 6, "{}", err.message);
    }

    #[test]
    fn sets_system_keys_and_keeps_the_rest() {
        let text = FILE.replace("revision: 1\n", "revision: 1 # lần ban hành\n");
        let out = set_front_matter_values(&text, &[("revision", "2".into()), ("effective_date", "2026-12-01".into())])
            .unwrap();
        let doc = parse_document(&out).unwrap();
        assert_eq!(doc.front.revision, 2);
        assert_eq!(doc.front.effective_date.to_string(), "2026-12-01");
        assert_eq!(doc.body, "## 1. Mục đích\n");
        assert!(out.contains("owner: Công chức Tư pháp - Hộ tịch\n"));
    }

    #[test]
    fn refuses_unknown_keys() {
        let text = FILE.replace("revision: 1\n", "revision: 1\nrevison: 2\n");
        let err = parse_document(&text).unwrap_err();
        assert!(err.message.contains("revison"), "{}", err.message);
    }
}
