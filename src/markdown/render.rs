//! Markdown to HTML with fixed options, heading anchors, and sanitising. Raw HTML in a procedure is
//! never trusted: whatever pulldown-cmark emits passes through ammonia before any page shows it.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use super::limits;

pub(super) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A URL-safe anchor from a heading: diacritics folded to ASCII, words joined by `-`.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() { "muc".into() } else { slug }
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id"])
        .add_tag_attributes("sup", ["class"])
        .add_tag_attributes("div", ["class"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .attribute_filter(|_, attr, value| {
            // pulldown-cmark writes column alignment as a style; nothing else may carry CSS.
            if attr != "style" {
                return Some(value.into());
            }
            matches!(value, "text-align: left" | "text-align: center" | "text-align: right").then(|| value.into())
        });
    b
});

/// Renders a procedure body to sanitised HTML. Headings get stable, unique `id`s for links. Raw
/// HTML is shown as text and a body nested too deeply is shown as plain text (see `limits`).
pub fn render_html(markdown: &str) -> String {
    if limits::too_deep(markdown).is_some() || limits::too_many_ampersands(markdown) {
        return format!("<pre class=\"unrendered\">{}</pre>\n", ammonia::clean_text(markdown));
    }
    // Raw HTML other than `<br>` is shown as the text it is, never as markup: dropping it would
    // hide what an HTML block swallows (a `<textarea>` block runs to the end of the document).
    let events: Vec<Event> = Parser::new_ext(markdown, options())
        .map(|e| match e {
            Event::Html(html) | Event::InlineHtml(html) if !limits::is_allowed_html(&html) => Event::Text(html),
            other => other,
        })
        .collect();
    let events = with_heading_ids(events);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events.into_iter());
    SANITIZER.clean(&raw).to_string()
}

fn with_heading_ids(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut used = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = slugify(&text);
            let mut slug = base.clone();
            let mut n = 2;
            while !used.insert(slug.clone()) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(slug));
            }
        }
        i += 1;
    }
    events
}

/// The readable text of a Markdown body, for the search index: words only, one block per line.
pub fn plain_text(markdown: &str) -> String {
    if limits::too_deep(markdown).is_some() {
        return markdown.to_owned();
    }
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead,
            ) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push_str(" · "),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_folded_anchors() {
        assert_eq!(
            render_html("## 5.7 Quy trình xử lý công việc\n"),
            "<h2 id=\"5-7-quy-trinh-xu-ly-cong-viec\">5.7 Quy trình xử lý công việc</h2>\n"
        );
        assert_eq!(slugify("Đất đai"), "dat-dai");
    }

    #[test]
    fn duplicate_headings_get_distinct_anchors() {
        let html = render_html("### Ghi chú\n\n### Ghi chú\n");
        assert!(html.contains("id=\"ghi-chu\"") && html.contains("id=\"ghi-chu-2\""), "{html}");
    }

    #[test]
    fn tables_keep_alignment_and_nothing_else() {
        let html = render_html("| a | b |\n|:-|-:|\n| 1 | 2 |\n");
        assert!(html.contains("<th style=\"text-align: left\">a</th>"), "{html}");
        assert!(html.contains("<td style=\"text-align: right\">2</td>"), "{html}");
        let html = render_html("<td style=\"background:url(x)\">z</td>");
        assert!(!html.contains("<td style=\"background"), "{html}");
    }

    #[test]
    fn footnotes_render() {
        let html = render_html("Xem[^1].\n\n[^1]: Nghị định 123/2015/NĐ-CP.\n");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn scripts_and_event_handlers_never_survive() {
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://example.org\"></iframe>",
            "<svg onload=alert(1)>",
            "<math><mtext><table><mglyph><style>",
        ] {
            let html = render_html(hostile).to_lowercase();
            for bad in ["<script", "<img", "<iframe", "<svg", "<math", "<style", "<a href=\"javascript"] {
                assert!(!html.contains(bad), "{hostile} -> {html}");
            }
        }
    }

    #[test]
    fn raw_html_shows_as_text_and_hides_nothing_after_it() {
        let html = render_html("<textarea>\n\n## 7. Hồ sơ cần lưu\n\nSổ.\n");
        assert!(html.contains("&lt;textarea&gt;") && html.contains("7. Hồ sơ cần lưu"), "{html}");
        assert_eq!(render_html("a<br>b\n"), "<p>a<br>b</p>\n");
    }
}
