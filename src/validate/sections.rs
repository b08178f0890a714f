//! N010: sections 一, 五, 六 present and non-empty; sections in order; no numeral twice.

use super::{Detail, Sink};
use crate::diagnostic::{Code, Pos};
use crate::format::{SectionKind, SECTION_NUMERALS};
use crate::markdown::is_blank;
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
