//! Procedure files: front matter split and parsed into typed metadata, the body's outline (headings
//! and the step table) for checks and diffs, and the body rendered to sanitised HTML.

mod diff;
mod document;
pub mod limits;
mod outline;
mod render;

pub use diff::{Change, DocumentDiff, FieldChange, SectionChange, StepChange, diff_documents};
pub use document::{ParseError, ProcedureDocument, parse_document, set_front_matter_values, split_front_matter};
pub use outline::{Block, Heading, Outline, StepTable, TableRow, outline};
pub use render::{plain_text, render_html, slugify};
