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
    let headings =
        plain_headings(body, first_line).unwrap_or_else(|| parsed_headings(body, first_line));
    cut(body, headings)
}

/// The level-2 headings of a body in the plain shape, found line by line (a full parse costs
/// ten times as much). `None` where anything could make a line mean something else to a
/// Markdown parser: code, HTML, tables, links and footnotes, escapes, tabs, control characters,
/// setext underlines, headings indented or inside lists and quotes, inline markup in a heading.
fn plain_headings(body: &str, first_line: u32) -> Option<Vec<Heading>> {
    // One branch-free pass over the bytes, which the compiler vectorises.
    let odd = body.bytes().fold(false, |odd, b| {
        odd | (b == b'`')
            | (b == b'~')
            | (b == b'<')
            | (b == b'|')
            | (b == b'\\')
            | (b == b'[')
            | (b == 0x7f)
            | ((b < 0x20) & (b != b'\n'))
    });
    if odd {
        return None;
    }
    let mut headings = Vec::new();
    let mut start = 0;
    for (line, raw) in (first_line..).zip(body.split_inclusive('\n')) {
        let end = start + raw.len();
        let l = raw.strip_suffix('\n').unwrap_or(raw);
        match l.strip_prefix("##") {
            Some(rest) if rest.is_empty() || rest.starts_with(' ') => {
                if rest.contains(['*', '_', '&', '!', '#']) {
                    return None;
                }
                headings.push(Heading {
                    numeral: None,
                    text: rest.to_string(),
                    line,
                    start,
                    end,
                });
            }
            // `###…` or `##x`: no level-2 heading.
            Some(_) => {}
            None => {
                let t = l.trim_start_matches([' ', '>']);
                if !t.is_empty() && t.bytes().all(|b| matches!(b, b'-' | b'=' | b' ')) {
                    return None;
                }
                let after_markers =
                    l.trim_start_matches(|c: char| " >-*+.)".contains(c) || c.is_ascii_digit());
                if after_markers.starts_with('#') {
                    return None;
                }
            }
        }
        start = end;
    }
    Some(headings)
}

/// The level-2 headings of any body, from a full parse.
fn parsed_headings(body: &str, first_line: u32) -> Vec<Heading> {
    let mut headings: Vec<Heading> = Vec::new();
    let mut current: Option<Heading> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => {
                let line = first_line + body[..range.start].matches('\n').count() as u32;
                current = Some(Heading {
                    numeral: None,
                    text: String::new(),
                    line,
                    start: range.start,
                    end: range.end,
                });
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                if let Some(h) = current.take() {
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
    headings
}

/// Cuts the body at the headings that carry a section numeral.
fn cut(body: &str, headings: Vec<Heading>) -> Body {
    let headings: Vec<Heading> = headings
        .into_iter()
        .filter_map(|mut h| {
            h.text = h.text.trim().to_string();
            h.numeral = heading_numeral(&h.text);
            h.numeral.is_some().then_some(h)
        })
        .collect();
    let preamble_end = headings.first().map_or(body.len(), |h| h.start);
    let mut out = Body {
        preamble: body[..preamble_end].to_string(),
        sections: Vec::new(),
    };
    for (i, h) in headings.iter().enumerate() {
        let next = headings.get(i + 1).map_or(body.len(), |n| n.start);
        let content_start = h.end.min(next);
        let heading = &body[h.start..content_start];
        let last_line = heading.rfind('\n').map_or(heading, |i| &heading[i + 1..]);
        out.sections.push(BodySection {
            numeral: h.numeral.unwrap_or("一"),
            heading: h.text.clone(),
            line: h.line,
            markdown: body[content_start..next].to_string(),
            text_line: h.line + heading.matches('\n').count() as u32,
            text_column: last_line.chars().count() as u32 + 1,
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
    fn escape_replaces_exactly_the_five_characters() {
        assert_eq!(escape(""), "");
        assert_eq!(escape("政府信息"), "政府信息");
        assert_eq!(
            escape("<a href=\"x\">A&B's</a>"),
            "&lt;a href=&quot;x&quot;&gt;A&amp;B&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("机关<名称>&"), "机关&lt;名称&gt;&amp;");
        assert_eq!(escape("&&"), "&amp;&amp;");
    }

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
    fn section_text_knows_where_it_starts_in_the_file() {
        // Plain, parsed (HTML forces the full parse), setext and a heading at the very end.
        for body in [
            "## 一、总体情况\n甲乙\n## 五、问题\n丙\n",
            "<b>x</b>\n## 一、总体情况\n甲乙\n## 五、问题 ##\n丙\n",
            "一、总体情况\n------\n甲乙\n\n五、问题\n---\n丙",
            "## 一、总体情况",
        ] {
            let b = sections(body, 7);
            for s in &b.sections {
                let Some(at) = s.markdown.find(['甲', '丙']) else {
                    continue;
                };
                let before = &s.markdown[..at];
                let line = s.text_line + before.matches('\n').count() as u32;
                let col = match before.rfind('\n') {
                    Some(i) => before[i + 1..].chars().count() as u32 + 1,
                    None => s.text_column + before.chars().count() as u32,
                };
                let want_line = body
                    .lines()
                    .position(|l| l.starts_with(&s.markdown[at..at + 3]))
                    .unwrap() as u32
                    + 7;
                assert_eq!((line, col), (want_line, 1), "{body:?}");
            }
        }
    }

    /// Where the line scan answers, it cuts exactly as the full parse. True if it answered.
    fn scan_agrees(body: &str) -> bool {
        let Some(plain) = plain_headings(body, 3) else {
            return false;
        };
        assert_eq!(
            cut(body, plain),
            cut(body, parsed_headings(body, 3)),
            "line scan differs for {body:?}"
        );
        true
    }

    #[test]
    fn line_scan_reads_the_usual_bodies() {
        for body in [
            "编制说明。\n\n## 一、总体情况\n\n正文\n\n### 小标题\n\n## 附录\n\n## 五、问题\n## 六、其他\n无。\n",
            "## 一、总体情况\n- 措施一\n- 措施二\n> 引文\n\n1. 第一\n## 五、存在的主要问题\n\n**加粗** 文字\n## 六、其他\n无。",
            "##  一、总体情况  \n\n##\n## \n##五、x\n###\n## 五\u{3000}\n## 六、其他",
            "",
            "正文\n## 一、x",
        ] {
            assert!(scan_agrees(body), "not read by the line scan: {body:?}");
        }
        let scaffold = crate::format::scaffold::scaffold(&crate::format::F2021, "测试局", 2021);
        let body = crate::frontmatter::split(&scaffold).unwrap().body;
        assert!(!scan_agrees(body), "the scaffold has HTML comments");
    }

    #[test]
    fn line_scan_declines_what_could_read_otherwise() {
        for body in [
            "一、总体情况\n------\n",
            "x\n-\n",
            "> 五\n> ---\n",
            "```\n## 一、总体情况\n```\n",
            "~~~\n## 一、x\n~~~\n",
            "<div>\n\n## 六、x\n</div>\n",
            "<!--\n## 六、假\n-->\n",
            "   ## 一、x\n",
            "    ## 一、x\n",
            "> ## 五、x\n",
            "- ## 五、x\n",
            "1) ## 五、x\n",
            "## 五、 ##\n",
            "## `五`、x\n",
            "## 五、*强调*\n",
            "## 五、&amp;\n",
            "## 五、\\\n",
            "[^1]: 注\n## 五、x\n",
            "| a | b |\n|---|---|\n## 五、x\n",
            "\tx\n## 五、x\n",
            "## 五、x\r\n",
            "# 一级\n## 五、x\n",
            "a\u{0}b\n## 五、x\n",
        ] {
            assert!(!scan_agrees(body), "line scan took {body:?}");
        }
    }

    /// Lines near the edge of the plain shape, for the property test below.
    const LINES: &[&str] = &[
        "## 一、总体情况",
        "## 五、问题",
        "## 六、其他",
        "##  二、x  ",
        "## 七、附件",
        "##",
        "## ",
        "##五、x",
        "### 五、x",
        "# 一级",
        "正文",
        "",
        " ",
        "- 措施",
        "-",
        "---",
        "- - -",
        "***",
        "> 引文",
        "> ## 五、x",
        ">",
        "1. 第一",
        "1) ## 六",
        "    缩进",
        "   ## 一、x",
        "=",
        "==",
        "x ##",
        "## 五、 #",
        "## 五 ##",
        "## 五、*x*",
        "## 五、_x_",
        "## 五、&amp;",
        "<!-- c -->",
        "```",
        "~~~",
        "| a |",
        "[x]: /u",
        "\t- x",
        "a  ",
        "  - 嵌套",
        "  ---",
        "+ x",
        "* x",
        "## 六、\u{3000}",
        "\u{3000}## 一、x",
        "## 一、x\u{a0}",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 2000, failure_persistence: None, ..Default::default()
        })]

        /// Random bodies: the line scan never disagrees with the full parse.
        #[test]
        fn line_scan_agrees_on_random_bodies(
            lines in proptest::collection::vec(0usize..LINES.len(), 0..12),
            newline_at_end: bool,
        ) {
            let mut body = lines.iter().map(|&i| LINES[i]).collect::<Vec<_>>().join("\n");
            if newline_at_end {
                body.push('\n');
            }
            scan_agrees(&body);
        }
    }

    #[test]
    fn setext_and_code_are_not_sections() {
        let b = sections("```\n## 一、总体情况\n```\n", 1);
        assert!(b.sections.is_empty());
    }
}

/// Renders Markdown to sanitised HTML.
///
/// `link_base` is prefixed to relative links and images (so that `签章版.pdf` in a report file
/// points at the agency folder the attachment is copied to). Raw HTML is sanitised: scripts,
/// event handlers and `javascript:` URLs never reach the output. Tables get `th scope="col"`,
/// a caption taken from a short paragraph starting with 表 right before them, and a scroll
/// container.
///
/// `note_ids` prefixes the ids of footnotes, so that the sections of one page, each rendered on
/// its own, never share an id.
pub fn to_html(markdown: &str, link_base: &str, note_ids: &str) -> String {
    use pulldown_cmark::{html, CowStr};

    // Footnote names become ids: prefixed, and without the whitespace an id may not hold.
    let note = |name: &str| -> CowStr<'static> {
        CowStr::from(format!(
            "{FOOTNOTE_ID}{note_ids}{}",
            name.split_whitespace().collect::<Vec<_>>().join("-")
        ))
    };
    let mut events: Vec<Event> = Vec::new();
    let mut table_no = 0;
    // Raw HTML from the author is the only thing that needs the (slow) sanitiser; links are
    // checked here for every document.
    let mut raw_html = false;
    // Whether each open link or image was kept (a `javascript:` one is dropped, its text kept).
    let mut kept: Vec<bool> = Vec::new();
    // Source offsets only where an escaped `*` needs them: they cost on every document.
    let escaped_stars = markdown.contains("\\*");
    let parser = Parser::new_ext(markdown, options());
    let parsed: Box<dyn Iterator<Item = (Event, std::ops::Range<usize>)>> = if escaped_stars {
        Box::new(parser.into_offset_iter())
    } else {
        Box::new(parser.map(|e| (e, 0..0)))
    };
    for (event, range) in parsed {
        let event = match event {
            // The page's title is its only `h1`.
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                Event::End(TagEnd::Heading(HeadingLevel::H2))
            }
            Event::FootnoteReference(name) => Event::FootnoteReference(note(&name)),
            Event::Start(Tag::FootnoteDefinition(name)) => {
                Event::Start(Tag::FootnoteDefinition(note(&name)))
            }
            // Asterisks the author escaped (`\*`) stay text, out of reach of `cjk_strong`.
            Event::Text(t)
                if escaped_stars
                    && t.contains('*')
                    && (markdown[range.clone()].contains("\\*")
                        || markdown[..range.start].ends_with('\\')) =>
            {
                Event::Text(CowStr::from(t.replace('*', ESCAPED_STAR)))
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                raw_html = true;
                event
            }
            Event::Start(mut tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                let (Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &mut tag else {
                    continue;
                };
                let ok = safe_url(dest_url);
                kept.push(ok);
                if !ok {
                    continue;
                }
                let url = std::mem::replace(dest_url, CowStr::Borrowed(""));
                *dest_url = rebase(url, link_base);
                Event::Start(tag)
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if !kept.pop().unwrap_or(true) {
                    continue;
                }
                event
            }
            Event::Start(Tag::Table(align)) => {
                table_no += 1;
                let caption = take_caption(&mut events);
                let label = caption
                    .clone()
                    .unwrap_or_else(|| format!("表格 {table_no}"));
                events.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-scroll\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">",
                    escape(&label)
                ))));
                events.push(Event::Start(Tag::Table(align)));
                if let Some(c) = caption {
                    events.push(Event::Html(CowStr::from(format!(
                        "<caption>{}</caption>",
                        escape(&c)
                    ))));
                }
                continue;
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html(CowStr::from("</div>")));
                continue;
            }
            other => other,
        };
        events.push(event);
    }
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, cjk_strong(events).into_iter());
    if raw.contains(ESCAPED_STAR) {
        raw = raw.replace(ESCAPED_STAR, "*");
    }
    let raw = if table_no > 0 || raw_html {
        raw.replace("<th>", "<th scope=\"col\">")
            .replace("<th style=", "<th scope=\"col\" style=")
    } else {
        raw
    };
    if raw_html {
        sanitizer().clean(&bounded(&raw)).to_string()
    } else {
        raw
    }
}

/// Deepest nesting of HTML elements the sanitiser is given. Its tree builder walks the stack of
/// open elements for most tags, so its time grows with tags × depth: with the depth bounded, a
/// report of any size is cleaned in linear time (100 000 nested `<div>` took 35 s). Browsers
/// stop nesting at 512; reports, even pasted from Word, stay far below 100.
pub const MAX_HTML_DEPTH: usize = 100;

/// Where HTML in `text` first nests deeper than [`MAX_HTML_DEPTH`]: the byte offset of the tag
/// (N010 reports it).
pub fn too_deep(text: &str) -> Option<usize> {
    let mut first = None;
    nesting(text, |at| {
        first = Some(at);
        false
    });
    first
}

/// `html` with each start tag that would nest deeper than [`MAX_HTML_DEPTH`] turned into text.
fn bounded(html: &str) -> std::borrow::Cow<'_, str> {
    let mut cuts = Vec::new();
    nesting(html, |at| {
        cuts.push(at);
        true
    });
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 3 * cuts.len());
    let mut last = 0;
    for at in cuts {
        out.push_str(&html[last..at]);
        out.push_str("&lt;");
        last = at + 1;
    }
    out.push_str(&html[last..]);
    std::borrow::Cow::Owned(out)
}

/// Elements without content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame", "image",
];
/// Elements a parser closes by itself when the next of their kind comes (or that only live in
/// a table or a list, whose element is counted): they never nest without one that counts.
const SELF_CLOSING: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rb",
    "rt", "rtc", "rp", "colgroup", "caption", "html", "head", "body",
];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// Follows the nesting of elements in HTML, closely enough to bound what a browser's tree
/// builder makes of it (tags in comments and raw text do not count; void and self-closing
/// elements do not nest; an end tag closes up to the nearest open element of its name, a stray
/// one nothing). Calls `deep` with the offset of each start tag that would nest deeper than
/// [`MAX_HTML_DEPTH`] (not counted then); stops when `deep` returns false. Linear: an end tag
/// looks at most [`MAX_HTML_DEPTH`] elements back.
fn nesting(text: &str, mut deep: impl FnMut(usize) -> bool) {
    let bytes = text.as_bytes();
    let mut open: Vec<&[u8]> = Vec::new();
    // Open `svg` and `math`, in which `<x/>` is an empty element.
    let mut foreign = 0usize;
    let is_foreign = |n: &[u8]| n.eq_ignore_ascii_case(b"svg") || n.eq_ignore_ascii_case(b"math");
    let is_in = |list: &[&str], n: &[u8]| list.iter().any(|x| n.eq_ignore_ascii_case(x.as_bytes()));
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + found;
        let rest = &bytes[at + 1..];
        if rest.starts_with(b"!--") {
            match memchr::memmem::find(&rest[3..], b"-->") {
                Some(end) => {
                    i = at + 4 + end + 3;
                    continue;
                }
                // An unclosed comment hides the rest.
                None => return,
            }
        }
        let end_tag = rest.first() == Some(&b'/');
        let name_at = usize::from(end_tag);
        if !rest.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            i = at + 1;
            continue;
        }
        let name_len = rest[name_at..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        let name = &rest[name_at..name_at + name_len];
        let after = at + 1 + name_at + name_len;
        // An unfinished tag at the end is no element.
        let Some(close) = memchr::memchr(b'>', &bytes[after..]).map(|p| after + p) else {
            return;
        };
        i = close + 1;
        if end_tag {
            if let Some(pos) = open.iter().rposition(|n| n.eq_ignore_ascii_case(name)) {
                foreign -= open[pos..].iter().filter(|n| is_foreign(n)).count();
                open.truncate(pos);
            }
            continue;
        }
        if is_in(VOID, name) || is_in(SELF_CLOSING, name) {
            continue;
        }
        if foreign > 0 && bytes[close - 1] == b'/' {
            continue;
        }
        if is_in(RAW_TEXT, name) {
            // Its text runs to `</name`, or to the end.
            let mut j = i;
            loop {
                let Some(p) = memchr::memmem::find(&bytes[j..], b"</") else {
                    return;
                };
                let candidate = &bytes[j + p + 2..];
                if candidate.len() >= name.len()
                    && candidate[..name.len()].eq_ignore_ascii_case(name)
                {
                    i = j + p;
                    break;
                }
                j += p + 2;
            }
            continue;
        }
        if open.len() >= MAX_HTML_DEPTH {
            if !deep(at) {
                return;
            }
            continue;
        }
        if is_foreign(name) {
            foreign += 1;
        }
        open.push(name);
    }
}

/// Stands for an escaped `*` between parsing and output (a noncharacter: never in a
/// document's text that matters).
const ESCAPED_STAR: &str = "\u{FDD0}";

/// The start of every footnote id; the only ids raw HTML may keep.
const FOOTNOTE_ID: &str = "fn-";

/// Whether a link target may be followed: relative, or one of a few schemes.
fn safe_url(url: &str) -> bool {
    // Browsers ignore whitespace and control characters inside a scheme (`java\tscript:`).
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let Some(colon) = cleaned.find(':') else {
        return true;
    };
    if cleaned[..colon].contains(['/', '?', '#']) {
        return true; // the colon is in the path, not a scheme
    }
    let scheme = cleaned[..colon].to_ascii_lowercase();
    matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel" | "ftp")
}

/// CommonMark does not close `**` between CJK punctuation and a CJK letter (`**一是。**全面`),
/// which Chinese reports write all the time. Pairs of `**` left as text within one run of text
/// become bold.
fn cjk_strong(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    use pulldown_cmark::CowStr;
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut run = String::new();
    let mut in_code = false;
    let flush = |run: &mut String, out: &mut Vec<Event>| {
        if run.is_empty() {
            return;
        }
        let parts: Vec<&str> = run.split("**").collect();
        if parts.len() < 3 {
            out.push(Event::Text(CowStr::from(std::mem::take(run))));
            return;
        }
        // An odd count of `**` leaves the last one as text.
        let pairs = (parts.len() - 1) / 2;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                if i <= pairs * 2 {
                    out.push(if i % 2 == 1 {
                        Event::Start(Tag::Strong)
                    } else {
                        Event::End(TagEnd::Strong)
                    });
                } else {
                    out.push(Event::Text(CowStr::from("**")));
                }
            }
            if !part.is_empty() {
                out.push(Event::Text(CowStr::from(part.to_string())));
            }
        }
        run.clear();
    };
    for e in events {
        match e {
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut run, &mut out);
                in_code = true;
                out.push(e);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out.push(e);
            }
            Event::Text(t) if !in_code => run.push_str(&t),
            other => {
                flush(&mut run, &mut out);
                out.push(other);
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A paragraph of one short line starting with 表 just before a table becomes its caption.
fn take_caption(events: &mut Vec<Event>) -> Option<String> {
    let n = events.len();
    if n < 3 || !matches!(events[n - 1], Event::End(TagEnd::Paragraph)) {
        return None;
    }
    let start = events[..n - 1]
        .iter()
        .rposition(|e| matches!(e, Event::Start(Tag::Paragraph)))?;
    let mut text = String::new();
    for e in &events[start + 1..n - 1] {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::Start(Tag::Strong | Tag::Emphasis)
            | Event::End(TagEnd::Strong | TagEnd::Emphasis) => {}
            _ => return None,
        }
    }
    let text = text.trim().to_string();
    if text.starts_with('表') && text.chars().count() <= 80 {
        events.truncate(start);
        Some(text)
    } else {
        None
    }
}

/// Prefixes a relative link with `base`. Anything with a scheme, an absolute path, and a
/// protocol-relative `//host/…` (another host: external, like `https:`) is left as written.
fn rebase<'a>(url: pulldown_cmark::CowStr<'a>, base: &str) -> pulldown_cmark::CowStr<'a> {
    let u = url.as_ref();
    let is_relative = !u.is_empty()
        && !u.starts_with('/')
        && !u.starts_with('#')
        && !u.starts_with('?')
        && !u.contains("://")
        && !u.split(['/', '?', '#']).next().unwrap_or("").contains(':');
    if is_relative && !base.is_empty() {
        pulldown_cmark::CowStr::from(format!("{base}{u}"))
    } else {
        url
    }
}

/// Whether any byte of `bytes` is one `hit` picks. Looked at 32 bytes at a time without stopping
/// early inside a block, so that the compiler can compare a whole block at once (a byte at a
/// time, text was scanned at a nanosecond a byte).
#[inline]
pub fn any_byte(bytes: &[u8], hit: impl Fn(u8) -> bool) -> bool {
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        if block.iter().fold(false, |acc, &b| acc | hit(b)) {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| hit(b))
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + s.len() / 16);
    escape_into(&mut o, s);
    o
}

/// [`escape`] of `s`, pushed onto `o`.
pub fn escape_into(o: &mut String, s: &str) {
    if !any_byte(s.as_bytes(), |b| {
        (b == b'&') | (b == b'<') | (b == b'>') | (b == b'"') | (b == b'\'')
    }) {
        o.push_str(s);
        return;
    }
    // Runs without a special character are copied whole (most text is CJK, no ASCII markup).
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        o.push_str(&s[start..i]);
        o.push_str(rep);
        start = i + 1;
    }
    o.push_str(&s[start..]);
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["caption", "div"])
            .add_tag_attributes("th", ["scope", "colspan", "rowspan", "style"])
            .add_tag_attributes("td", ["colspan", "rowspan", "style"])
            .add_tag_attributes("div", ["class", "role", "aria-label", "tabindex"])
            .add_tag_attributes("li", ["id"])
            .add_tag_attributes("sup", ["id"])
            .add_tag_attributes("a", ["id"])
            .add_tag_attributes("div", ["id"])
            .link_rel(Some("noopener noreferrer"))
            .id_prefix(None);
        b.attribute_filter(|element, attribute, value| {
            // Only alignment from Markdown tables; no author CSS.
            if attribute == "style" {
                let ok = matches!(element, "th" | "td")
                    && matches!(
                        value,
                        "text-align: left" | "text-align: center" | "text-align: right"
                    );
                return ok.then(|| value.into());
            }
            // An author's own ids could take the skip link's target or a section's id.
            if attribute == "id" {
                return value.starts_with(FOOTNOTE_ID).then(|| value.into());
            }
            if attribute == "class" && element == "div" {
                return (value == "table-scroll" || value == "footnote-definition")
                    .then(|| value.into());
            }
            Some(value.into())
        });
        b
    })
}

#[cfg(test)]
mod html_tests {
    use super::*;

    #[test]
    fn hostile_html_is_inert() {
        let h = to_html("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n<a href=\"JaVaScRiPt:alert(1)\">y</a>\n", "/a/", "");
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("onerror"), "{h}");
        assert!(!h.to_lowercase().contains("javascript:"), "{h}");
    }

    #[test]
    fn tables_get_scope_caption_and_a_scroll_container() {
        let h = to_html(
            "表1 收费情况\n\n| 项目 | 金额 |\n|---|--:|\n| 甲 | 1 |\n",
            "",
            "",
        );
        assert!(h.contains("<caption>表1 收费情况</caption>"), "{h}");
        assert!(h.contains("<th scope=\"col\">项目</th>"), "{h}");
        assert!(h.contains("role=\"region\""), "{h}");
        assert!(h.contains("tabindex=\"0\""), "{h}");
        assert!(h.contains("text-align: right"), "{h}");
    }

    #[test]
    fn unsafe_links_are_dropped_without_raw_html_too() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JAVASCRIPT:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "![x](data:text/html,hi)",
            "<javascript:alert(1)>",
        ] {
            let h = to_html(md, "", "");
            assert!(!h.contains("href") && !h.contains("src="), "{md} → {h}");
        }
        let h = to_html(
            "[a](https://e.gov.cn/) [b](mailto:a@b.cn) [c](x:y/z)",
            "",
            "",
        );
        assert!(
            h.contains("href=\"https://e.gov.cn/\"") && h.contains("mailto:"),
            "{h}"
        );
    }

    #[test]
    fn bold_closes_after_cjk_punctuation() {
        let h = to_html("**一是完善集约化平台。**全面推进，**二是**加强。", "", "");
        assert_eq!(
            h.trim(),
            "<p><strong>一是完善集约化平台。</strong>全面推进，<strong>二是</strong>加强。</p>"
        );
        let code = to_html("```\n**a。**b\n```\n", "", "");
        assert!(code.contains("**a。**b"), "{code}");
        let odd = to_html("a ** b", "", "");
        assert!(odd.contains("a ** b"), "{odd}");
    }

    #[test]
    fn relative_links_point_at_the_agency_folder() {
        let h = to_html(
            "[签章版](签章版.pdf) [站内](/x/) [外](https://e.gov.cn/) [锚](#s1)",
            "/ndbg/a/",
            "",
        );
        assert!(
            h.contains("href=\"/ndbg/a/%E7%AD%BE") || h.contains("href=\"/ndbg/a/签章版.pdf\""),
            "{h}"
        );
        assert!(h.contains("href=\"/x/\""));
        assert!(h.contains("href=\"#s1\""));
    }

    /// `//host/…` links to another host with the page's scheme: an external link like `https:`,
    /// never taken for a path of the site and prefixed with its sub-path.
    #[test]
    fn protocol_relative_links_are_external() {
        let h = to_html(
            "[a](//e.gov.cn/x) <a href=\"//e.gov.cn/y\">b</a>",
            "/ndbg/a/",
            "",
        );
        assert!(h.contains("href=\"//e.gov.cn/x\""), "{h}");
        assert!(h.contains("href=\"//e.gov.cn/y\""), "{h}");
        // A backslash is no slash in a Markdown link: a path of the site.
        let h = to_html("[b](/\\evil.example/)", "/ndbg/a/", "");
        assert!(h.contains("href=\"/%5Cevil.example/\""), "{h}");
    }

    #[test]
    fn escaped_asterisks_stay_text() {
        let h = to_html("\\*\\*不加粗\\*\\*，**加粗。**其后", "", "");
        assert!(h.contains("**不加粗**"), "{h}");
        assert!(h.contains("<strong>加粗。</strong>其后"), "{h}");
    }

    #[test]
    fn html_nesting_is_bounded() {
        let deep = |n: usize| format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(too_deep(&deep(MAX_HTML_DEPTH)), None);
        assert_eq!(
            too_deep(&deep(MAX_HTML_DEPTH + 1)),
            Some(5 * MAX_HTML_DEPTH)
        );
        // Closed as it goes, or not nesting at all: no bound reached.
        assert_eq!(too_deep(&"<div>a</div>".repeat(1000)), None);
        for not_nesting in [
            "<p>a",
            "<li>a",
            "<br>",
            "<td>",
            "<!-- <div> -->",
            "<script><div></script>",
        ] {
            assert_eq!(too_deep(&not_nesting.repeat(1000)), None, "{not_nesting}");
        }
        assert_eq!(too_deep(&"<svg><path/></svg>".repeat(500)), None);
        // A stray end tag closes nothing, so it does not hide the nesting.
        assert!(too_deep(&"<div></span>".repeat(200)).is_some());
        assert!(too_deep(&"<div/>".repeat(200)).is_some());
        assert!(too_deep(&"<b a=1>".repeat(200)).is_some());
        // Deeper tags are shown as text, and the page keeps the first hundred levels.
        let h = to_html(&deep(150), "", "");
        assert_eq!(h.matches("<div>").count(), MAX_HTML_DEPTH, "{h}");
        assert_eq!(h.matches("&lt;div&gt;").count(), 50, "{h}");
    }

    #[test]
    fn the_body_has_no_second_h1() {
        let h = to_html("# 某局2023年报告\n\n正文\n", "", "");
        assert!(h.contains("<h2>某局2023年报告</h2>"), "{h}");
        assert!(!h.contains("<h1"), "{h}");
    }

    #[test]
    fn ids_never_clash_between_sections_or_with_the_page() {
        let md = "注[^1]\n\n[^1]: 说明\n\n<div id=\"main\">x</div>\n";
        let a = to_html(md, "", "s1-");
        let b = to_html(md, "", "s5-");
        assert!(
            a.contains("id=\"fn-s1-1\"") && a.contains("href=\"#fn-s1-1\""),
            "{a}"
        );
        assert!(b.contains("id=\"fn-s5-1\""), "{b}");
        assert!(!a.contains("id=\"main\""), "{a}");
        let spaced = to_html("注[^a b]\n\n[^a b]: 说明\n", "", "");
        assert!(spaced.contains("id=\"fn-a-b\""), "{spaced}");
    }
}
