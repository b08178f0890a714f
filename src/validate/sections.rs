//! N010: sections 一, 五, 六 present and non-empty; sections in order; no numeral twice. Also
//! under N010, as the body's structure: HTML nested deeper than the page can show (an error) and
//! an HTML comment left open, which hides the rest of the body (a warning).

use super::{Detail, Sink};
use crate::diagnostic::{Code, Pos, Severity};
use crate::format::{SectionKind, SECTION_NUMERALS};
use crate::markdown::{is_blank, too_deep, MAX_HTML_DEPTH};
use crate::report::Report;

pub fn check(report: &Report, sink: &mut Sink) {
    let f = report.format;
    let index = |n: &str| SECTION_NUMERALS.iter().position(|x| *x == n).unwrap_or(0);
    let mut last: Option<(usize, &str)> = None;
    let mut seen: Vec<&str> = Vec::new();
    for s in &report.body.sections {
        let pos = Pos::new(s.line, 1, s.heading.chars().count() as u32 + 3);
        if seen.contains(&s.numeral) {
            sink.add(Code::N010, pos, format!("章节“{}”重复出现", s.numeral))
                .found(s.heading.clone())
                .label("重复的章节");
            continue;
        }
        seen.push(s.numeral);
        let i = index(s.numeral);
        if let Some((li, ln)) = last {
            if i < li {
                sink.add(
                    Code::N010,
                    pos,
                    format!("章节顺序错误：“{}”不应在“{ln}”之后", s.heading),
                )
                .label("顺序错误");
            }
        }
        if last.is_none_or(|(li, _)| i > li) {
            last = Some((i, s.heading.as_str()));
        }
    }
    let body_pos = report
        .locations
        .get_key(crate::report::BODY_PATH)
        .unwrap_or(Pos::START);
    html(report, body_pos.line, sink);
    for def in &f.sections {
        if def.kind != SectionKind::Narrative {
            continue;
        }
        match report.body.section(def.numeral) {
            None => {
                sink.add(
                    Code::N010,
                    body_pos,
                    format!(
                        "缺少章节“{}”：正文中应有二级标题 ## {}",
                        def.heading(),
                        def.heading()
                    ),
                )
                .row(def.heading())
                .expected(format!("## {}", def.heading()))
                .label("正文从这里开始");
            }
            Some(s) if may_be_blank(&s.markdown) && is_blank(&s.markdown) => {
                let pos = Pos::new(s.line, 1, s.heading.chars().count() as u32 + 3);
                sink.add(Code::N010, pos, format!("章节“{}”没有内容", s.heading))
                    .row(def.heading())
                    .label("此章节下没有正文（HTML 注释不算内容）");
            }
            Some(_) => {}
        }
    }
}

/// Whether a section could be blank: a section whose first visible character is not the start
/// of an HTML comment is not, and is spared `is_blank`, which copies the visible text.
fn may_be_blank(markdown: &str) -> bool {
    let t = markdown.trim_start();
    t.is_empty() || t.starts_with("<!--")
}

/// The body's raw HTML, each part (preamble, sections) as it is rendered, on its own: nesting
/// beyond [`MAX_HTML_DEPTH`] (an error: the page would show the deeper tags as text) and a
/// comment never closed (a warning: it hides everything after it).
fn html(report: &Report, body_line: u32, sink: &mut Sink) {
    let parts = std::iter::once((body_line, report.body.preamble.as_str())).chain(
        report
            .body
            .sections
            .iter()
            .map(|s| (s.line + 1, s.markdown.as_str())),
    );
    for (first_line, text) in parts {
        if !text.contains('<') {
            continue;
        }
        let pos = |at: usize, width: u32| {
            let before = &text[..at];
            let line = first_line + before.matches('\n').count() as u32;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            Pos::new(line, before[line_start..].chars().count() as u32 + 1, width)
        };
        if let Some(at) = too_deep(text) {
            sink.add(
                Code::N010,
                pos(at, 1),
                format!(
                    "正文中的 HTML 嵌套超过 {MAX_HTML_DEPTH} 层，页面无法按原样显示：请简化这段 HTML（例如删去多余的 <div>）"
                ),
            )
            .expected(MAX_HTML_DEPTH as u64)
            .label(format!("从这里起超过 {MAX_HTML_DEPTH} 层"));
        }
        if let Some(at) = unclosed_comment(text) {
            let d = sink.add(
                Code::N010,
                pos(at, 4),
                "HTML 注释“<!--”没有闭合：它之后的全部正文（包括后面的章节标题）都不会显示；请在注释结束处加上“-->”",
            );
            d.severity = Severity::Warning;
            d.label("注释从这里开始，没有结束");
        }
    }
}

/// Where an HTML comment opens a block and runs to the end of the text, never closed.
fn unclosed_comment(text: &str) -> Option<usize> {
    // Most texts close every comment they open (the scaffold's guidance): only the others are
    // parsed, to tell a comment opening a block from text or code.
    let mut rest = text;
    loop {
        let open = rest.find("<!--")?;
        match rest[open + 4..].find("-->") {
            Some(close) => rest = &rest[open + 4 + close + 3..],
            None => break,
        }
    }
    let parser = pulldown_cmark::Parser::new_ext(text, crate::markdown::options());
    parser
        .into_offset_iter()
        .find_map(|(event, range)| match event {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::HtmlBlock) => {
                let block = &text[range.clone()];
                (block.trim_start().starts_with("<!--") && !block.contains("-->"))
                    .then(|| range.start + block.find("<!--").unwrap_or(0))
            }
            _ => None,
        })
}
