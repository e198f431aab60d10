//! What a procedure body may contain so that rendering it costs time in proportion to its size
//! and the page shows all of it.
//!
//! - Nesting: CommonMark parsers, pulldown-cmark included, spend time that grows faster than the
//!   input on very deep block nesting (100 KB of `>` took minutes; so did `"- "` repeated). No
//!   procedure nests quotes or lists more than a few levels, so a body nested deeper than
//!   `MAX_NESTING` is not parsed at all: it is shown as plain text and `qms check` refuses it.
//! - `&`: the sanitiser's time grows with the square of the `&` characters in one run of text
//!   (measured on ammonia alone: 100,000 take 0.17 s, 200,000 0.64 s). A procedure holds a few
//!   dozen; a body with more than `MAX_AMPERSANDS` is shown as plain text and `qms check`
//!   refuses it.
//! - Raw HTML: the format has none (the corpus uses none). HTML that a sanitiser accepts can
//!   still be re-parsed by the browser into something else (MathML or SVG around a `<style>` swallows
//!   every later section), so raw HTML is dropped before rendering and `qms check` refuses it. A
//!   line break inside a table cell (`<br>`) is the one tag kept.

use pulldown_cmark::{Event, Parser};

/// The deepest nesting of block quotes and lists a body may have.
pub const MAX_NESTING: usize = 12;

/// Leading white space wider than this (in columns) is nesting by indentation.
const MAX_INDENT: usize = 4 * MAX_NESTING;

/// The most `&` characters a body may hold (the corpus's largest has 27).
pub const MAX_AMPERSANDS: usize = 2_000;

/// Whether a body holds more `&` than `MAX_AMPERSANDS`.
pub fn too_many_ampersands(body: &str) -> bool {
    memchr::memchr_iter(b'&', body.as_bytes()).nth(MAX_AMPERSANDS).is_some()
}

/// The first line (1-based) nested deeper than `MAX_NESTING`, if any.
pub fn too_deep(body: &str) -> Option<usize> {
    body.lines().position(|line| line_depth(line) > MAX_NESTING).map(|i| i + 1)
}

/// How many quote and list markers open at the start of `line`, counting wide indentation too.
fn line_depth(line: &str) -> usize {
    let bytes = line.as_bytes();
    let (mut i, mut depth, mut indent) = (0, 0, 0);
    loop {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            indent += if bytes[i] == b'\t' { 4 } else { 1 };
            i += 1;
        }
        if indent > MAX_INDENT {
            return MAX_NESTING + 1;
        }
        let Some(marker) = container_marker(&bytes[i..]) else { return depth };
        depth += 1;
        if depth > MAX_NESTING {
            return depth;
        }
        i += marker;
    }
}

/// The length of a block-quote or list marker at the start of `rest`, if there is one.
fn container_marker(rest: &[u8]) -> Option<usize> {
    let followed_by_space = |n: usize| rest.get(n).is_none_or(|b| matches!(b, b' ' | b'\t'));
    match rest.first()? {
        b'>' => Some(1),
        b'-' | b'*' | b'+' if followed_by_space(1) => Some(1),
        b'0'..=b'9' => {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            (digits <= 9 && matches!(rest.get(digits), Some(b'.' | b')')) && followed_by_space(digits + 1))
                .then_some(digits + 1)
        }
        _ => None,
    }
}

/// Whether a raw HTML fragment is the one tag the format allows: a line break.
pub fn is_allowed_html(html: &str) -> bool {
    let tag: String = html.trim().to_ascii_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    matches!(tag.as_str(), "<br>" | "<br/>")
}

/// The lines (1-based) holding raw HTML other than `<br>`. Only call on a body `too_deep` accepts.
pub fn raw_html_lines(body: &str) -> Vec<usize> {
    let starts: Vec<usize> = std::iter::once(0).chain(body.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let mut lines: Vec<usize> = Parser::new_ext(body, super::render::options())
        .into_offset_iter()
        .filter(|(event, _)| match event {
            Event::Html(html) | Event::InlineHtml(html) => !is_allowed_html(html),
            _ => false,
        })
        .map(|(_, range)| starts.partition_point(|&s| s <= range.start))
        .collect();
    lines.dedup();
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_from_markers_and_indentation() {
        assert_eq!(line_depth("> - 1. text"), 3);
        assert_eq!(line_depth("- a"), 1);
        assert_eq!(line_depth("-a"), 0);
        assert_eq!(line_depth("2026. năm"), 1);
        assert_eq!(line_depth("| Bước | Nội dung |"), 0);
        assert!(line_depth(&">".repeat(100_000)) > MAX_NESTING);
        assert!(line_depth(&"- ".repeat(50_000)) > MAX_NESTING);
        assert!(line_depth(&format!("{}- x", " ".repeat(200))) > MAX_NESTING);
        assert_eq!(too_deep("# a\n\n- b\n  - c\n"), None);
        assert_eq!(too_deep(&format!("a\n{}", "> ".repeat(20))), Some(2));
    }

    #[test]
    fn ampersands_are_counted() {
        assert!(!too_many_ampersands(&"&".repeat(MAX_AMPERSANDS)));
        assert!(too_many_ampersands(&"a & b ".repeat(MAX_AMPERSANDS + 1)));
    }

    #[test]
    fn only_line_breaks_are_allowed_html() {
        assert!(is_allowed_html("<br>") && is_allowed_html("<BR />") && is_allowed_html("<br/>"));
        assert!(!is_allowed_html("<b>") && !is_allowed_html("<br onclick=x>"));
        assert_eq!(raw_html_lines("a<br>b\n\n<math><mtext><table><mglyph><style>\n\nc <i>d</i>\n"), vec![3, 5]);
    }
}
