//! Rules that look across files: N008 (folders, duplicates), W001 (carry-over from the previous
//! year), W003 (on time, by agency kind), W006 (规章 from a township); and agency files.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Detail, Sink};
use crate::config::suggest;
use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::facts::Facts;
use crate::format::AppRole;
use crate::frontmatter::{self, SplitError};
use crate::report::{Agency, AgencyKind};
use crate::source::{is_valid_slug, slug_problem};

/// What an agency's `_index.md` says.
#[derive(Debug, Clone, Default)]
pub struct AgencyFile {
    pub name: Option<String>,
    pub region: Option<String>,
    /// Where the value of `region` stands (N012 points there).
    pub region_at: Option<Pos>,
    /// `covers`: a region name, or `site`.
    pub covers: Option<String>,
    pub covers_at: Option<Pos>,
    pub kind: Option<AgencyKind>,
    pub order: Option<i64>,
    /// Explained warnings located in this file (W105).
    pub acknowledge: Vec<crate::report::Acknowledgement>,
    pub intro: String,
}

const AGENCY_KEYS: &[&str] = &["name", "region", "kind", "order", "covers", "acknowledge"];

/// Reads `content/<agency>/_index.md`; its front matter is optional.
pub fn check_agency_file(file: &str, text: &str) -> (AgencyFile, Vec<Diagnostic>) {
    let mut sink = Sink::new(file);
    let mut out = AgencyFile::default();
    let split = match frontmatter::split(text) {
        Ok(s) => s,
        Err(SplitError::NoOpening) => {
            out.intro = text.to_string();
            return (out, sink.diags);
        }
        Err(SplitError::NotClosed) => {
            sink.add(
                Code::N001,
                Pos::new(1, 1, 3),
                "前置数据没有结束：需要一行 --- 把它与正文分开",
            );
            return (out, sink.diags);
        }
    };
    out.intro = split.body.to_string();
    let root = match frontmatter::parse(split.yaml, split.yaml_line) {
        Ok(r) => r,
        Err(e) => {
            sink.add(Code::N002, e.pos, e.message);
            let mut diags = sink.diags;
            crate::fullwidth::explain_file(file, text, &mut diags);
            return (out, diags);
        }
    };
    if root.is_null() {
        return (out, sink.diags);
    }
    let Some(map) = root.as_map() else {
        sink.add(
            Code::N002,
            root.pos,
            format!("前置数据必须是“键: 值”的映射，实为{}", root.describe()),
        );
        return (out, sink.diags);
    };
    for e in map {
        let text = e
            .value
            .scalar()
            .filter(|_| !e.value.is_null())
            .map(|(s, _)| s.trim().to_string());
        match &*e.key {
            "name" | "region" | "covers" => match text {
                Some(s) if s.contains(super::is_bidi_control) => {
                    let c = s
                        .chars()
                        .find(|c| super::is_bidi_control(*c))
                        .unwrap_or_default();
                    let what = match &*e.key {
                        "name" => "机关名称",
                        "region" => "地区",
                        _ => "汇总范围",
                    };
                    sink.add(
                        Code::N006,
                        e.value.pos,
                        super::bidi_message(what, &e.key, c),
                    );
                }
                Some(s) if !s.is_empty() => match &*e.key {
                    "name" => out.name = Some(s),
                    "region" => {
                        out.region = Some(s);
                        out.region_at = Some(e.value.pos);
                    }
                    _ => {
                        out.covers = Some(s);
                        out.covers_at = Some(e.value.pos);
                    }
                },
                _ if e.value.is_null() => {}
                _ => {
                    sink.add(Code::N006, e.value.pos, format!("{} 应为文字", e.key));
                }
            },
            "kind" => match text.as_deref().and_then(AgencyKind::parse) {
                Some(k) => out.kind = Some(k),
                None if e.value.is_null() => {}
                None => {
                    let english: Vec<_> = AgencyKind::ALL.iter().map(|(n, _)| *n).collect();
                    let chinese: Vec<_> = AgencyKind::CHINESE.iter().map(|(n, _)| *n).collect();
                    let found = text.unwrap_or_default();
                    let mut m = format!(
                        "机关类型 kind 只能是 {}（也可写 {}），实为“{found}”",
                        chinese.join("、"),
                        english.join("、")
                    );
                    let words = chinese.iter().chain(&english).copied();
                    // `乡政府` is a township, though its nearest word is 政府.
                    let township = match AgencyKind::guess(&found) {
                        (AgencyKind::Township, word) => Some(word),
                        _ => None,
                    };
                    if let Some(s) = township.or_else(|| suggest(&found, words)) {
                        m.push_str(&format!("，是否应为“{s}”？"));
                    }
                    sink.add(Code::N006, e.value.pos, m)
                        .found(found)
                        .label("机关类型");
                }
            },
            "acknowledge" => {
                out.acknowledge =
                    super::acknowledge::read(e, super::acknowledge::Place::AgencyFile, &mut sink)
            }
            "order" => match super::numbers::read(&e.value, crate::format::ValueKind::Signed) {
                Ok(crate::report::Num::Int(i)) => out.order = Some(i),
                _ if e.value.is_null() => {}
                Ok(_) | Err(_) => {
                    sink.add(Code::N006, e.value.pos, "order 应为整数（排序用）");
                }
            },
            other => {
                let mut m = format!("机关文件中有未知的键“{other}”");
                if let Some(s) = suggest(other, AGENCY_KEYS.iter().copied()) {
                    m.push_str(&format!("，是否应为“{s}”？"));
                }
                sink.add(
                    Code::N003,
                    Pos {
                        width: other.chars().count() as u32,
                        ..e.key_pos
                    },
                    m,
                )
                .found(other)
                .label("未知的键");
            }
        }
    }
    let mut diags = sink.diags;
    crate::fullwidth::explain_file(file, text, &mut diags);
    (out, diags)
}

/// N008: the folder name is a slug, and not one the site's own pages take.
fn check_slug(sink: &mut Sink, slug: &str) {
    let Some(message) = slug_problem(slug) else {
        return;
    };
    let d = sink.add(Code::N008, Pos::START, message).found(slug);
    if !is_valid_slug(slug) {
        d.expected("[a-z0-9][a-z0-9-]*");
    }
}

/// The cross-report rules, over every report that could be read (sorted by agency, year and
/// file) and the agencies by slug.
pub fn check_site(
    reports: &[Arc<Facts>],
    agencies: &BTreeMap<String, Arc<Agency>>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // The reports are sorted by agency, as the agencies are: each agency's reports are one run,
    // found by walking both in step (serve runs this after every save).
    let mut runs: Vec<&[Arc<Facts>]> = Vec::new();
    let mut start = 0;
    while start < reports.len() {
        let slug = reports[start].slug.as_str();
        let len = reports[start..]
            .iter()
            .take_while(|r| r.slug == slug)
            .count();
        runs.push(&reports[start..start + len]);
        start += len;
    }
    let mut next = runs.iter().peekable();
    for a in agencies.values() {
        while next.next_if(|run| run[0].slug < a.slug).is_some() {}
        // A folder's name is checked on each of its reports, or on its agency file (or the
        // folder itself) when it holds none.
        if next.peek().is_none_or(|run| run[0].slug != a.slug) {
            let file = a
                .index_file
                .clone()
                .unwrap_or_else(|| format!("content/{}/", a.slug));
            let mut sink = Sink::new(&file);
            check_slug(&mut sink, &a.slug);
            diags.extend(sink.diags);
        }
    }
    // The rules look at one agency's reports at a time.
    let mut kinds = agencies.values().peekable();
    for run in runs {
        let slug = run[0].slug.as_str();
        while kinds.next_if(|a| a.slug.as_str() < slug).is_some() {}
        let kind = kinds
            .peek()
            .filter(|a| a.slug == slug)
            .map(|a| a.kind)
            .unwrap_or_default();
        check_agency(run, kind, &mut diags);
    }
    diags
}

/// The cross-report rules on the reports of one agency (sorted by year and file).
fn check_agency(reports: &[Arc<Facts>], kind: AgencyKind, diags: &mut Vec<Diagnostic>) {
    // The report of each year; any other is a duplicate. Where two claim the same year, the one
    // whose file name is that year wins, so that the stray copy is flagged.
    let named_for_year = |r: &Facts| {
        r.file
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".md"))
            .and_then(|stem| stem.parse::<u16>().ok())
            == Some(r.year)
    };
    let mut first: Vec<&Facts> = Vec::with_capacity(reports.len());
    for r in reports {
        match first.iter_mut().find(|f| f.year == r.year) {
            Some(kept) if !named_for_year(kept) && named_for_year(r) => *kept = r,
            Some(_) => {}
            None => first.push(r),
        }
    }
    let of_year = |y: u16| first.iter().find(|f| f.year == y).copied();
    for r in reports {
        if let Some(message) = slug_problem(&r.slug) {
            let mut d = r.diagnostic(Code::N008, Pos::START, message);
            d.found(r.slug.clone());
            if !is_valid_slug(&r.slug) {
                d.expected("[a-z0-9][a-z0-9-]*");
            }
            diags.push(d);
        }
        if r.year != 0 {
            match of_year(r.year) {
                Some(f) if !std::ptr::eq(f, &**r) => {
                    let mut d = r.diagnostic(
                        Code::N008,
                        r.year_at,
                        format!(
                            "{} 年的报告重复：{} 已是该机关的 {} 年报告",
                            r.year, f.file, r.year
                        ),
                    );
                    d.found(r.file.clone()).label("重复的报告");
                    diags.push(d);
                }
                _ => {}
            }
        }

        // W001: carried over = last year's carried forward.
        let prev = r.year.checked_sub(1).and_then(of_year);
        if let (Some(prev), Some(now)) = (prev, r.carried_over) {
            if let Some(before) = prev.carried_forward {
                let t = &r.format.applications;
                let label = |role| {
                    t.rows
                        .iter()
                        .find(|x| x.role == role)
                        .map_or("", |x| x.label)
                };
                let (co, cf) = (label(AppRole::CarriedOver), label(AppRole::CarriedForward));
                for i in 0..6 {
                    if now[i] != before[i] {
                        let col = t.columns[i];
                        let mut d = r.diagnostic(
                            Code::W001,
                            r.carried_over_at[i],
                            format!(
                                "“{co}”的“{col}” = {}，但 {} 年报告的“{cf}” = {}",
                                now[i], prev.year, before[i]
                            ),
                        );
                        d.row(co)
                            .col(col)
                            .expected(before[i])
                            .found(now[i])
                            .label(format!("{} 年结转为 {}", prev.year, before[i]))
                            .note(format!("上一年度报告：{}", prev.file));
                        diags.push(d);
                    }
                }
            }
        }

        // W003: published on time.
        if let (Some(date), Some(deadline)) = (
            r.published,
            (r.year != 0).then(|| kind.deadline(r.year)).flatten(),
        ) {
            if date > deadline {
                let rule = if kind == AgencyKind::Government {
                    "人民政府的年度报告应于次年 3 月 31 日前公布"
                } else {
                    "政府部门的年度报告应于次年 1 月 31 日前公布"
                };
                let mut d = r.diagnostic(
                    Code::W003,
                    r.published_at,
                    format!("发布日期 {date} 晚于截止日期 {deadline}（{rule}，条例第四十九条）"),
                );
                d.expected(deadline.to_string())
                    .found(date.to_string())
                    .label("逾期发布");
                diags.push(d);
            }
        }

        // W006: a township makes no 规章.
        if kind == AgencyKind::Township && r.makes_rules {
            if let Some((_, row)) = r.format.active_rows().next() {
                let mut d = r.diagnostic(
                    Code::W006,
                    r.rules_at,
                    format!(
                        "乡镇、街道没有制定{}的权限，但“{}”一行不为 0",
                        row.label, row.label
                    ),
                );
                d.row(row.label).label(row.label);
                diags.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_files_read_covers_and_acknowledge_with_positions() {
        let text = "---\nname: 示例县人民政府\nregion: 示例省示例市示例县\ncovers: 示例省示例市示例县\nacknowledge:\n  W105: 本机关已于2024年撤销。\n  W001: x\n---\n";
        let (a, d) = check_agency_file("content/x/_index.md", text);
        assert_eq!(a.covers.as_deref(), Some("示例省示例市示例县"));
        assert_eq!(a.covers_at.map(|p| (p.line, p.column)), Some((4, 9)));
        assert_eq!(a.region_at.map(|p| p.line), Some(3));
        assert_eq!(a.acknowledge.len(), 1);
        assert_eq!(a.acknowledge[0].code, Code::W105);
        let got: Vec<_> = d.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(got, [(Code::N003, 7)]);
    }
}
