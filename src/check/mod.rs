//! `qms check`: validates a procedure tree and reports every problem with its file and line.
//! The importer runs the same rules, so nothing enters the store that `qms check` would refuse.

mod document_rules;
pub mod reference;
mod sections;
mod step_time;

use std::fmt;
use std::path::{Path, PathBuf};

pub use document_rules::check_document;
pub use reference::{Reference, load_reference};
pub use step_time::parse_duration_minutes;

/// Which rule a problem breaks; shown in the report so a user can look the rule up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    ReferenceData,
    FrontMatter,
    Schema,
    DuplicateCode,
    CodeMismatch,
    UnknownField,
    UnknownLegalBasis,
    MissingSection,
    SectionOrder,
    EmptySection,
    StepTable,
    StepTimes,
    Markup,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReferenceData => "reference-data",
            Self::FrontMatter => "front-matter",
            Self::Schema => "schema",
            Self::DuplicateCode => "duplicate-code",
            Self::CodeMismatch => "code-mismatch",
            Self::UnknownField => "unknown-field",
            Self::UnknownLegalBasis => "unknown-legal-basis",
            Self::MissingSection => "missing-section",
            Self::SectionOrder => "section-order",
            Self::EmptySection => "empty-section",
            Self::StepTable => "step-table",
            Self::StepTimes => "step-times",
            Self::Markup => "markup",
        }
    }
}

/// One broken rule, where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub rule: Rule,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}: {}", self.file.display(), self.line, self.rule.as_str(), self.message)
    }
}

/// A procedure file read from a tree, with the path it was found at (relative to the tree).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// The outcome of checking a tree: the files read and every problem found.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<SourceFile>,
    pub problems: Vec<Problem>,
}

impl Report {
    /// The files that broke no rule (what the importer may take in).
    pub fn clean_files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter().filter(|f| !self.problems.iter().any(|p| p.file == f.path))
    }
}

/// Reads every `*.md` under `dir` and checks the whole tree.
pub fn check_tree(dir: &Path) -> std::io::Result<Report> {
    let reference = load_reference(dir);
    let mut files = Vec::new();
    collect_markdown(dir, dir, &mut files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut problems = reference.problems.clone();
    let mut seen: std::collections::HashMap<String, PathBuf> = Default::default();
    for file in &files {
        let (code, mut found) = check_document(file, &reference);
        if let Some((code, line)) = code {
            if let Some(first) = seen.get(&code) {
                found.push(Problem {
                    file: file.path.clone(),
                    line,
                    rule: Rule::DuplicateCode,
                    message: format!("mã {code} đã dùng ở {}", first.display()),
                });
            } else {
                seen.insert(code, file.path.clone());
            }
        }
        problems.extend(found);
    }
    Ok(Report { files, problems })
}

fn collect_markdown(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if entry.file_type()?.is_dir() {
            collect_markdown(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path)?;
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            out.push(SourceFile { path: rel, text });
        }
    }
    Ok(())
}
