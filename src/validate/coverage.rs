//! W105: agencies that published a report for a year and none for the next.
//!
//! In: every report's agency, year and draft flag, and every agency's name and agency file.
//! Out: W105 for the newest year any agency has published. (The 未发布 lists of every year's
//! pages are the roll-ups' and the index's, `across.rs`.)

use crate::diagnostic::{Code, Detail, Diagnostic, Pos};

use crate::fast::HashMap;

/// A report as coverage sees it.
#[derive(Debug, Clone, Copy)]
pub struct Publication<'a> {
    pub slug: &'a str,
    pub year: u16,
    /// A draft counts as no report (across.md).
    pub draft: bool,
    /// Path relative to the site root.
    pub file: &'a str,
}

/// An agency as coverage sees it.
#[derive(Debug, Clone, Copy)]
pub struct AgencyHome<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    /// `content/<slug>/_index.md`, when there is one: W105 stands there.
    pub index_file: Option<&'a str>,
}

/// W105: for the newest year N any agency has published, each agency that published N − 1 and
/// has no published report for N, located at its agency file, else its newest report (line 1).
/// Each agency's reports are read as one run: serve runs this after every save.
pub fn missing_reports(reports: &[Publication], agencies: &[AgencyHome]) -> Vec<Diagnostic> {
    let sorted: Vec<Publication>;
    let reports = if reports.is_sorted_by(|a, b| a.slug <= b.slug) {
        reports
    } else {
        sorted = {
            let mut v = reports.to_vec();
            v.sort_by(|a, b| a.slug.cmp(b.slug));
            v
        };
        &sorted
    };
    let Some(newest) = reports.iter().filter(|r| !r.draft).map(|r| r.year).max() else {
        return Vec::new();
    };
    let Some(before) = newest.checked_sub(1) else {
        return Vec::new();
    };
    let mut homes: Option<HashMap<&str, &AgencyHome>> = None;
    let mut out = Vec::new();
    for run in reports.chunk_by(|a, b| a.slug == b.slug) {
        let published = |y: u16| run.iter().any(|r| !r.draft && r.year == y);
        if !published(before) || published(newest) {
            continue;
        }
        let slug = run[0].slug;
        let home = homes
            .get_or_insert_with(|| agencies.iter().map(|a| (a.slug, a)).collect())
            .get(slug)
            .copied();
        let name = home.map_or(slug, |a| a.name);
        let draft = run.iter().any(|r| r.draft && r.year == newest);
        let file = match home.and_then(|a| a.index_file) {
            Some(f) => f,
            // Its newest report (of any kind).
            None => match run.iter().map(|r| (r.year, r.file)).max() {
                Some((_, f)) => f,
                None => continue,
            },
        };
        let mut m = format!(
            "{name}发布了 {before} 年度报告，但还没有发布 {newest} 年度报告（本站已有机关发布 {newest} 年度报告）"
        );
        if draft {
            m.push_str(&format!("：{newest} 年度报告仍是草稿"));
        }
        let mut d = Diagnostic::new(Code::W105, file, Pos::line(1), m);
        d.label(format!("缺少 {newest} 年度报告"))
            .note("政府信息公开工作年度报告应于每年 1 月 31 日前公布（人民政府 3 月 31 日前，条例第四十九条）");
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p<'a>(slug: &'a str, year: u16, draft: bool, file: &'a str) -> Publication<'a> {
        Publication {
            slug,
            year,
            draft,
            file,
        }
    }

    #[test]
    fn w105_for_the_newest_year_only_at_the_agency_file_else_the_newest_report() {
        let reports = [
            p("a", 2022, false, "content/a/2022.md"),
            p("a", 2023, false, "content/a/2023.md"),
            p("b", 2022, false, "content/b/2022.md"),
            p("c", 2022, false, "content/c/2022.md"),
            p("c", 2023, true, "content/c/2023.md"),
            p("d", 2021, false, "content/d/2021.md"),
        ];
        let agencies = [
            AgencyHome {
                slug: "b",
                name: "乙局",
                index_file: Some("content/b/_index.md"),
            },
            AgencyHome {
                slug: "c",
                name: "丙局",
                index_file: None,
            },
        ];
        let d = missing_reports(&reports, &agencies);
        let got: Vec<_> = d.iter().map(|d| (d.file.as_str(), d.line)).collect();
        // d stopped in 2021: that is 2022's 未发布, not the newest year's.
        assert_eq!(got, [("content/b/_index.md", 1), ("content/c/2023.md", 1)]);
        assert!(d[0].message.contains("乙局") && d[0].message.contains("2023"));
        assert!(d[1].message.contains("草稿"), "{}", d[1].message);
    }

    #[test]
    fn without_another_agency_publishing_the_newest_year_there_is_no_w105() {
        // Nobody has published 2024: 2023 is the newest year, and everyone has it.
        let reports = [
            p("a", 2023, false, "content/a/2023.md"),
            p("b", 2023, false, "content/b/2023.md"),
            p("b", 2024, true, "content/b/2024.md"),
        ];
        assert!(missing_reports(&reports, &[]).is_empty());
        assert!(missing_reports(&[], &[]).is_empty());
    }
}
