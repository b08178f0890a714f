//! Rules that look across files: N008 (folders, duplicates), W001 (carry-over from the previous
//! year), W003 (on time, by agency kind), W006 (规章 from a township); and agency files.

use std::collections::BTreeMap;

use super::{Detail, Sink};
use crate::config::suggest;
use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::format::AppRole;
use crate::frontmatter::{self, SplitError};
use crate::report::{Agency, AgencyKind, Report};
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
            return (out, sink.diags);
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
                    let names: Vec<_> = AgencyKind::ALL.iter().map(|(n, _)| *n).collect();
                    let found = text.unwrap_or_default();
                    let mut m = format!("kind 只能是 {}，实为“{found}”", names.join("、"));
                    if let Some(s) = suggest(&found, names.iter().copied()) {
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
    (out, sink.diags)
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

/// Cross-report rules. `agencies` by slug; `reports` every report that could be read.
pub fn check_site(reports: &[Report], agencies: &BTreeMap<String, Agency>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // The report of each agency and year; any other is a duplicate. Where two claim the same
    // year, the one whose file name is that year wins, so that the stray copy is flagged.
    let named_for_year = |r: &Report| r.file.ends_with(&format!("/{}.md", r.year));
    let mut first: std::collections::HashMap<(&str, u16), &Report> = Default::default();
    for r in reports {
        let kept = first.entry((r.slug.as_str(), r.year)).or_insert(r);
        if !named_for_year(kept) && named_for_year(r) {
            *kept = r;
        }
    }
    // A folder's name is checked on each of its reports, or on its agency file (or the folder
    // itself) when it holds none.
    let with_reports: std::collections::HashSet<&str> =
        reports.iter().map(|r| r.slug.as_str()).collect();
    for a in agencies.values() {
        if !with_reports.contains(a.slug.as_str()) {
            let file = a
                .index_file
                .clone()
                .unwrap_or_else(|| format!("content/{}/", a.slug));
            let mut sink = Sink::new(&file);
            check_slug(&mut sink, &a.slug);
            diags.extend(sink.diags);
        }
    }
    for r in reports {
        let mut sink = Sink::new(&r.file);
        check_slug(&mut sink, &r.slug);
        if r.year != 0 {
            match first.get(&(r.slug.as_str(), r.year)) {
                Some(f) if !std::ptr::eq(*f, r) => {
                    sink.add(
                        Code::N008,
                        r.locations.key("year"),
                        format!(
                            "{} 年的报告重复：{} 已是该机关的 {} 年报告",
                            r.year, f.file, r.year
                        ),
                    )
                    .found(r.file.clone())
                    .label("重复的报告");
                }
                _ => {}
            }
        }
        let agency = agencies.get(&r.slug);
        let kind = agency.map(|a| a.kind).unwrap_or_default();

        // W001: carried over = last year's carried forward.
        if let Some(prev) = r
            .year
            .checked_sub(1)
            .and_then(|y| first.get(&(r.slug.as_str(), y)))
        {
            if let (Some(now), Some(before)) = (
                r.row_by_role(AppRole::CarriedOver),
                prev.row_by_role(AppRole::CarriedForward),
            ) {
                let t = &r.format.applications;
                let co = t
                    .rows
                    .iter()
                    .find(|x| x.role == AppRole::CarriedOver)
                    .map_or("", |x| x.label);
                let cf = t
                    .rows
                    .iter()
                    .find(|x| x.role == AppRole::CarriedForward)
                    .map_or("", |x| x.label);
                let path = format!("applications.{}", r.role_path(AppRole::CarriedOver));
                for i in 0..6 {
                    if now[i] != before[i] {
                        let col = t.columns[i];
                        sink.add(
                            Code::W001,
                            r.locations.cell(&path, i),
                            format!(
                                "“{co}”的“{col}” = {}，但 {} 年报告的“{cf}” = {}",
                                now[i], prev.year, before[i]
                            ),
                        )
                        .row(co)
                        .col(col)
                        .expected(before[i])
                        .found(now[i])
                        .label(format!("{} 年结转为 {}", prev.year, before[i]))
                        .note(format!("上一年度报告：{}", prev.file));
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
                sink.add(
                    Code::W003,
                    r.locations.cell("published", 0),
                    format!("发布日期 {date} 晚于截止日期 {deadline}（{rule}，条例第四十九条）"),
                )
                .expected(deadline.to_string())
                .found(date.to_string())
                .label("逾期发布");
            }
        }

        // W006: a township makes no 规章.
        if kind == AgencyKind::Township {
            if let Some((_, row)) = r.format.active_rows().next() {
                if r.active
                    .get(row.key)
                    .is_some_and(|v| v.iter().any(|n| n.is_positive()))
                {
                    sink.add(
                        Code::W006,
                        r.locations.key(&format!("active.{}", row.key)),
                        format!(
                            "乡镇、街道没有制定{}的权限，但“{}”一行不为 0",
                            row.label, row.label
                        ),
                    )
                    .row(row.label)
                    .label(row.label);
                }
            }
        }
        diags.extend(sink.diags);
    }
    diags
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
