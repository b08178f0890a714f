//! Markdown: the section structure of a report body, and HTML for narrative text.
//!
//! In: the body text after the front matter. Out: the preamble and the level-2 sections
//! recognised by their numeral; sanitised HTML for any Markdown fragment.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::format::SECTION_NUMERALS;
use crate::report::{Body, BodySection};

/// CommonMark plus tables, footnotes and strikethrough.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// The section numeral a heading starts with: `一、总体情况` → `一`.
pub fn heading_numeral(text: &str) -> Option<&'static str> {
    let text = text.trim_start();
    let mut chars = text.chars();
    let first = chars.next()?;
    let numeral = SECTION_NUMERALS.iter().find(|n| n.starts_with(first))?;
    match chars.next() {
        None => Some(numeral),
        Some(c) if "、.．,，:：　 ".contains(c) => Some(numeral),
        Some(_) => None,
    }
}

/// A level-2 heading in the body: its numeral (if any), text, file line and byte range.
struct Heading {
    numeral: Option<&'static str>,
    text: String,
    line: u32,
    start: usize,
    end: usize,
}

/// Cuts the body into preamble and sections. `first_line` is the file line of the body's
/// first line. Level-2 headings without a section numeral stay part of the text.
pub fn sections(body: &str, first_line: u32) -> Body {
    let mut headings: Vec<Heading> = Vec::new();
    let mut current: Option<Heading> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H2, .. }) => {
                let line = first_line + body[..range.start].matches('\n').count() as u32;
                current = Some(Heading { numeral: None, text: String::new(), line, start: range.start, end: range.end });
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                if let Some(mut h) = current.take() {
                    h.text = h.text.trim().to_string();
                    h.numeral = heading_numeral(&h.text);
                    headings.push(h);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    let headings: Vec<Heading> = headings.into_iter().filter(|h| h.numeral.is_some()).collect();
    let preamble_end = headings.first().map_or(body.len(), |h| h.start);
    let mut out = Body { preamble: body[..preamble_end].to_string(), sections: Vec::new() };
    for (i, h) in headings.iter().enumerate() {
        let next = headings.get(i + 1).map_or(body.len(), |n| n.start);
        let content_start = h.end.min(next);
        out.sections.push(BodySection {
            numeral: h.numeral.unwrap_or("一"),
            heading: h.text.clone(),
            line: h.line,
            markdown: body[content_start..next].to_string(),
        });
    }
    out
}

/// Whether Markdown has no content: only blank space and HTML comments.
pub fn is_blank(markdown: &str) -> bool {
    let mut rest = markdown;
    let mut visible = String::new();
    while let Some(start) = rest.find("<!--") {
        visible.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = "";
            }
        }
    }
    visible.push_str(rest);
    visible.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        assert_eq!(heading_numeral("一、总体情况"), Some("一"));
        assert_eq!(heading_numeral("六．其他"), Some("六"));
        assert_eq!(heading_numeral("五"), Some("五"));
        assert_eq!(heading_numeral("一年来的工作"), None);
        assert_eq!(heading_numeral("七、附件"), None);
    }

    #[test]
    fn sections_and_lines() {
        let body = "编制说明。\n\n## 一、总体情况\n\n正文\n\n### 小标题\n\n## 附录\n\n## 五、问题\n<!-- 说明 -->\n## 六、其他\n无。\n";
        let b = sections(body, 10);
        assert_eq!(b.preamble.trim(), "编制说明。");
        let got: Vec<_> = b.sections.iter().map(|s| (s.numeral, s.line)).collect();
        assert_eq!(got, vec![("一", 12), ("五", 20), ("六", 22)]);
        assert!(b.sections[0].markdown.contains("## 附录"));
        assert!(is_blank(&b.sections[1].markdown));
        assert!(!is_blank(&b.sections[2].markdown));
    }

    #[test]
    fn setext_and_code_are_not_sections() {
        let b = sections("```\n## 一、总体情况\n```\n", 1);
        assert!(b.sections.is_empty());
    }
}
