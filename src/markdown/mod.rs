//! Procedure files: front matter split and parsed into typed metadata, the body's outline (headings
//! and the step table) for checks and diffs, and the body rendered to sanitised HTML.

mod document;
mod outline;
mod render;

pub use document::{ParseError, ProcedureDocument, parse_document, split_front_matter};
pub use outline::{Block, Heading, Outline, StepTable, TableRow, outline};
pub use render::{render_html, slugify};
