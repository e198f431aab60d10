//! The structure of a procedure body: headings, content and tables, each with its line. `qms check`
//! uses it to verify sections and the step table; diffs use it to name what changed.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// 1-based line in the body.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub cells: Vec<String>,
    pub line: usize,
}

/// A table: its header row and body rows, as plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepTable {
    pub header: TableRow,
    pub rows: Vec<TableRow>,
    pub line: usize,
}

/// One top-level piece of the body, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(Heading),
    Table(StepTable),
    /// Any other content (paragraph, list, code, quote, …) starting on this line.
    Content(usize),
}

/// The body as a flat list of blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outline {
    pub blocks: Vec<Block>,
}

impl Outline {
    pub fn headings(&self) -> impl Iterator<Item = &Heading> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Heading(h) => Some(h),
            _ => None,
        })
    }

    /// The blocks under heading number `index` (in `blocks`), up to the next heading of the same
    /// or a higher level.
    pub fn section(&self, index: usize) -> &[Block] {
        let Some(Block::Heading(h)) = self.blocks.get(index) else {
            return &[];
        };
        let end = self.blocks[index + 1..]
            .iter()
            .position(|b| matches!(b, Block::Heading(n) if n.level <= h.level))
            .map_or(self.blocks.len(), |p| index + 1 + p);
        &self.blocks[index + 1..end]
    }
}

fn line_of(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset)
}

/// Builds the outline of a Markdown body.
pub fn outline(markdown: &str) -> Outline {
    if super::limits::too_deep(markdown).is_some() {
        return Outline::default(); // not parsed at all; `qms check` names the line
    }
    let starts: Vec<usize> = std::iter::once(0).chain(markdown.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut heading: Option<Heading> = None;
    let mut table: Option<StepTable> = None;
    let mut row: Option<TableRow> = None;
    let mut cell: Option<String> = None;
    let parser = Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES);
    for (event, range) in parser.into_offset_iter() {
        let line = line_of(&starts, range.start);
        match event {
            Event::Start(Tag::Heading { level, .. }) if depth == 0 => {
                heading = Some(Heading { level: level as u8, text: String::new(), line });
            }
            Event::End(TagEnd::Heading(_)) if depth == 0 => {
                if let Some(h) = heading.take() {
                    blocks.push(Block::Heading(Heading { text: h.text.trim().to_owned(), ..h }));
                }
            }
            Event::Start(Tag::Table(_)) if depth == 0 => {
                let empty = TableRow { cells: vec![], line };
                table = Some(StepTable { header: empty, rows: vec![], line });
                depth += 1;
            }
            Event::End(TagEnd::Table) if depth == 1 && table.is_some() => {
                depth -= 1;
                blocks.extend(table.take().map(Block::Table));
            }
            Event::Start(Tag::TableHead | Tag::TableRow) if table.is_some() => {
                row = Some(TableRow { cells: vec![], line });
            }
            Event::End(TagEnd::TableHead) if table.is_some() => {
                if let (Some(t), Some(r)) = (table.as_mut(), row.take()) {
                    t.header = r;
                }
            }
            Event::End(TagEnd::TableRow) if table.is_some() => {
                if let (Some(t), Some(r)) = (table.as_mut(), row.take()) {
                    t.rows.push(r);
                }
            }
            Event::Start(Tag::TableCell) if table.is_some() => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) if table.is_some() => {
                if let (Some(r), Some(c)) = (row.as_mut(), cell.take()) {
                    r.cells.push(c.trim().to_owned());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                } else if let Some(h) = heading.as_mut() {
                    h.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(c) = cell.as_mut() {
                    c.push(' ');
                }
            }
            Event::Start(_) => {
                if depth == 0 && heading.is_none() {
                    blocks.push(Block::Content(line));
                }
                if heading.is_none() {
                    depth += 1;
                }
            }
            Event::End(_) if heading.is_none() => depth = depth.saturating_sub(1),
            Event::Html(_) | Event::Rule if depth == 0 => blocks.push(Block::Content(line)),
            _ => {}
        }
    }
    Outline { blocks }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "## 1. Mục đích\n\nQuy định cách làm.\n\n## 5. Nội dung\n### 5.7 Quy trình\n\n| Bước | Thời gian |\n|---|---|\n| B1 | 4 giờ |\n| B2 | 0,5 ngày |\n\n## 6. Biểu mẫu\n";

    #[test]
    fn finds_headings_with_lines() {
        let o = outline(BODY);
        let hs: Vec<_> = o.headings().map(|h| (h.level, h.text.as_str(), h.line)).collect();
        assert_eq!(hs, [(2, "1. Mục đích", 1), (2, "5. Nội dung", 5), (3, "5.7 Quy trình", 6), (2, "6. Biểu mẫu", 13)]);
    }

    #[test]
    fn reads_tables_cell_by_cell() {
        let o = outline(BODY);
        let Some(Block::Table(t)) = o.blocks.iter().find(|b| matches!(b, Block::Table(_))) else {
            panic!("no table");
        };
        assert_eq!(t.header.cells, ["Bước", "Thời gian"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].cells, ["B2", "0,5 ngày"]);
        assert_eq!(t.rows[1].line, 11);
    }

    #[test]
    fn sections_end_at_the_next_heading_of_the_same_level() {
        let o = outline(BODY);
        assert_eq!(o.section(0), [Block::Content(3)]);
        // "5. Nội dung" holds its subsection and the table.
        assert_eq!(o.section(2).len(), 2);
        // The last section is empty.
        assert!(o.section(o.blocks.len() - 1).is_empty());
    }
}
