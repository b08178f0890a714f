//! The audit page (`check --format html`): one self-contained, accessible page for the office that
//! supervises the agencies.
//!
//! In: an [`Audit`] — the agencies, the facts of each report, every diagnostic with its source
//! line. Out: HTML (no outside resources): counts by rule, a grid of agencies × years with one
//! state per cell, and every diagnostic grouped by agency and year.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::markdown::escape;

/// Everything the page shows.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    /// The site's title.
    pub title: String,
    /// How many report files were checked.
    pub files: usize,
    /// In display order.
    pub agencies: Vec<AuditAgency>,
    /// Every diagnostic shown, with its source line.
    pub diagnostics: Vec<AuditDiagnostic>,
}

/// One agency: its name and its reports by year.
#[derive(Debug, Clone, Default)]
pub struct AuditAgency {
    pub slug: String,
    pub name: String,
    /// `content/<slug>/_index.md`, if any: its diagnostics are shown with the agency's.
    pub index_file: Option<String>,
    pub reports: BTreeMap<u16, ReportFacts>,
}

/// What the grid needs of one report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFacts {
    pub file: String,
    pub draft: bool,
    /// Published after its deadline (W003).
    pub late: bool,
}

/// A diagnostic and the line of the file it points at (when it could be read).
#[derive(Debug, Clone)]
pub struct AuditDiagnostic {
    pub diagnostic: Diagnostic,
    pub source: Option<String>,
}

/// The state of one agency × year cell, the first that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CellState {
    Errors,
    Draft,
    Late,
    Warnings,
    OnTime,
    /// No report, and the agency published the year before.
    Unpublished,
    /// No report, none expected.
    None,
}

impl CellState {
    pub fn word(self) -> &'static str {
        match self {
            CellState::Errors => "有错误",
            CellState::Draft => "草稿",
            CellState::Late => "逾期",
            CellState::Warnings => "有警告",
            CellState::OnTime => "按时",
            CellState::Unpublished => "未发布",
            CellState::None => "无",
        }
    }

    fn class(self) -> &'static str {
        match self {
            CellState::Errors => "s-err",
            CellState::Draft => "s-draft",
            CellState::Late => "s-late",
            CellState::Warnings => "s-warn",
            CellState::OnTime => "s-ok",
            CellState::Unpublished => "s-missing",
            CellState::None => "s-none",
        }
    }

    /// A mark beside the word (hidden from screen readers, which read the word).
    fn mark(self) -> &'static str {
        match self {
            CellState::Errors => "✕",
            CellState::Draft => "✎",
            CellState::Late => "◷",
            CellState::Warnings => "!",
            CellState::OnTime => "✓",
            CellState::Unpublished => "○",
            CellState::None => "",
        }
    }

    const SHOWN: [CellState; 6] = [
        CellState::Errors,
        CellState::Draft,
        CellState::Late,
        CellState::Warnings,
        CellState::OnTime,
        CellState::Unpublished,
    ];
}

/// Counts of one file's diagnostics: errors, and warnings that count.
fn file_counts(diags: &[AuditDiagnostic]) -> BTreeMap<&str, (usize, usize)> {
    let mut out: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for d in diags {
        let e = out.entry(d.diagnostic.file.as_str()).or_default();
        if d.diagnostic.is_error() {
            e.0 += 1;
        } else if d.diagnostic.is_warning() {
            e.1 += 1;
        }
    }
    out
}

impl Audit {
    /// The years of the grid: every year any agency has a report for.
    pub fn years(&self) -> Vec<u16> {
        let years: BTreeSet<u16> = self
            .agencies
            .iter()
            .flat_map(|a| a.reports.keys().copied())
            .collect();
        years.into_iter().collect()
    }

    /// The state of an agency's cell for `year`.
    pub fn state(&self, a: &AuditAgency, year: u16) -> CellState {
        self.state_with(a, year, &file_counts(&self.diagnostics))
    }

    fn state_with(
        &self,
        a: &AuditAgency,
        year: u16,
        counts: &BTreeMap<&str, (usize, usize)>,
    ) -> CellState {
        let Some(r) = a.reports.get(&year) else {
            let before = year
                .checked_sub(1)
                .and_then(|y| a.reports.get(&y))
                .is_some_and(|r| !r.draft);
            return if before {
                CellState::Unpublished
            } else {
                CellState::None
            };
        };
        let (errors, warnings) = counts.get(r.file.as_str()).copied().unwrap_or_default();
        if errors > 0 {
            CellState::Errors
        } else if r.draft {
            CellState::Draft
        } else if r.late {
            CellState::Late
        } else if warnings > 0 {
            CellState::Warnings
        } else {
            CellState::OnTime
        }
    }

    /// The whole page.
    pub fn to_html(&self) -> String {
        let mut o = String::with_capacity(64 * 1024 + self.diagnostics.len() * 600);
        let counts = file_counts(&self.diagnostics);
        let years = self.years();
        let (errors, warnings) = crate::diagnostic::counts(
            &self
                .diagnostics
                .iter()
                .map(|d| d.diagnostic.clone())
                .collect::<Vec<_>>(),
        );
        let explained = self
            .diagnostics
            .iter()
            .filter(|d| d.diagnostic.acknowledged.is_some())
            .count();
        let title = format!("年度报告检查结果 · {}", self.title);
        let _ = write!(
            o,
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
             <a class=\"skip\" href=\"#main\">跳到主要内容</a>\n\
             <header class=\"band\"><p class=\"site\">{}</p></header>\n\
             <nav aria-label=\"本页目录\"><ul>\
             <li><a href=\"#by-rule\">按规则统计</a></li>\
             <li><a href=\"#grid\">各机关各年度状态</a></li>\
             <li><a href=\"#details\">问题明细</a></li></ul></nav>\n\
             <main id=\"main\">\n<h1>政府信息公开工作年度报告检查结果</h1>\n",
            escape(&title),
            escape(&self.title)
        );
        let _ = writeln!(
            o,
            "<p class=\"lead\">检查了 {} 份报告：{errors} 个错误，{warnings} 个警告{}。</p>",
            self.files,
            if explained > 0 {
                format!("，{explained} 个已说明")
            } else {
                String::new()
            }
        );
        self.by_rule(&mut o);
        self.grid(&mut o, &years, &counts);
        self.details(&mut o);
        o.push_str("</main>\n<footer class=\"band\"><p>由 nianbao check --format html 生成。错误须改正后才能发布；警告请核实，确需保留的可在报告的 acknowledge 中说明。</p></footer>\n</body>\n</html>\n");
        o
    }

    fn by_rule(&self, o: &mut String) {
        o.push_str("<section aria-labelledby=\"by-rule\">\n<h2 id=\"by-rule\">按规则统计</h2>\n");
        let mut by: BTreeMap<Code, [usize; 3]> = BTreeMap::new();
        for d in &self.diagnostics {
            let d = &d.diagnostic;
            let slot = if d.is_error() {
                0
            } else if d.acknowledged.is_some() {
                2
            } else {
                1
            };
            by.entry(d.code).or_default()[slot] += 1;
        }
        if by.is_empty() {
            o.push_str("<p>没有发现问题。</p>\n</section>\n");
            return;
        }
        o.push_str(
            "<div class=\"scroll\" role=\"region\" aria-labelledby=\"by-rule-caption\" tabindex=\"0\">\n\
             <table class=\"counts\">\n<caption id=\"by-rule-caption\">各规则发现的问题数</caption>\n\
             <thead><tr><th scope=\"col\">代码</th><th scope=\"col\">检查内容</th>\
             <th scope=\"col\">错误</th><th scope=\"col\">警告</th><th scope=\"col\">已说明</th></tr></thead>\n<tbody>\n",
        );
        for (code, [e, w, x]) in &by {
            let _ = writeln!(
                o,
                "<tr><th scope=\"row\"><code>{code}</code></th><td>{}</td><td class=\"n\">{e}</td><td class=\"n\">{w}</td><td class=\"n\">{x}</td></tr>",
                escape(code.summary())
            );
        }
        o.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    }

    fn grid(&self, o: &mut String, years: &[u16], counts: &BTreeMap<&str, (usize, usize)>) {
        o.push_str(
            "<section aria-labelledby=\"grid\">\n<h2 id=\"grid\">各机关各年度报告状态</h2>\n",
        );
        if self.agencies.is_empty() || years.is_empty() {
            o.push_str("<p>没有报告。</p>\n</section>\n");
            return;
        }
        o.push_str("<p>每格显示一种状态，按以下顺序取第一个适用的：</p>\n<ul class=\"legend\">\n");
        for (s, what) in CellState::SHOWN.iter().zip([
            "报告有错误，须改正",
            "报告仍是草稿，未发布",
            "晚于法定期限发布（条例第四十九条）",
            "有未说明的警告，请核实",
            "按时发布，没有问题",
            "上一年度发布了报告，本年度没有",
        ]) {
            let _ = writeln!(
                o,
                "<li><span class=\"state {}\"><span aria-hidden=\"true\">{}</span> {}</span>：{what}</li>",
                s.class(),
                s.mark(),
                s.word()
            );
        }
        o.push_str("</ul>\n");
        o.push_str(
            "<div class=\"scroll\" role=\"region\" aria-labelledby=\"grid-caption\" tabindex=\"0\">\n\
             <table class=\"grid\">\n<caption id=\"grid-caption\">各机关各年度报告状态（点击状态查看问题明细）</caption>\n<thead><tr><th scope=\"col\">机关</th>",
        );
        for y in years {
            let _ = write!(o, "<th scope=\"col\">{y} 年度</th>");
        }
        o.push_str("</tr></thead>\n<tbody>\n");
        let with_diags: BTreeSet<&str> = self
            .diagnostics
            .iter()
            .map(|d| d.diagnostic.file.as_str())
            .collect();
        for a in &self.agencies {
            let _ = write!(o, "<tr><th scope=\"row\">{}</th>", escape(&a.name));
            for &y in years {
                let s = self.state_with(a, y, counts);
                let word = format!(
                    "<span aria-hidden=\"true\">{}</span> {}",
                    s.mark(),
                    s.word()
                );
                let linked = a
                    .reports
                    .get(&y)
                    .is_some_and(|r| with_diags.contains(r.file.as_str()));
                if linked {
                    let _ = write!(
                        o,
                        "<td class=\"state {}\"><a href=\"#{}\">{word}</a></td>",
                        s.class(),
                        anchor(&a.slug, Some(y))
                    );
                } else if s == CellState::None {
                    o.push_str("<td class=\"state s-none\"><span aria-hidden=\"true\">—</span><span class=\"vh\">无报告</span></td>");
                } else {
                    let _ = write!(o, "<td class=\"state {}\">{word}</td>", s.class());
                }
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    }

    fn details(&self, o: &mut String) {
        o.push_str("<section aria-labelledby=\"details\">\n<h2 id=\"details\">问题明细</h2>\n");
        if self.diagnostics.is_empty() {
            o.push_str("<p>没有发现问题。</p>\n</section>\n");
            return;
        }
        // Group: agency (by its place in the list), then year; files of no agency last. Only the
        // three top sections are named landmarks: one per report would flood the landmark list.
        let mut file_place: BTreeMap<&str, (usize, Option<u16>)> = BTreeMap::new();
        for (i, a) in self.agencies.iter().enumerate() {
            if let Some(f) = &a.index_file {
                file_place.insert(f, (i, None));
            }
            for (y, r) in &a.reports {
                file_place.insert(&r.file, (i, Some(*y)));
            }
        }
        let slug_of_file = |f: &str| {
            let mut parts = f.split('/');
            (parts.next() == Some("content"))
                .then(|| parts.next())
                .flatten()
                .and_then(|s| self.agencies.iter().position(|a| a.slug == s))
        };
        let mut groups: BTreeMap<(usize, Option<u16>, &str), Vec<&AuditDiagnostic>> =
            BTreeMap::new();
        for d in &self.diagnostics {
            let f = d.diagnostic.file.as_str();
            let (agency, year) = file_place
                .get(f)
                .copied()
                .or_else(|| slug_of_file(f).map(|i| (i, None)))
                .unwrap_or((usize::MAX, None));
            groups.entry((agency, year, f)).or_default().push(d);
        }
        let mut open_agency: Option<usize> = None;
        for ((agency, year, file), diags) in &groups {
            if open_agency != Some(*agency) {
                if open_agency.is_some() {
                    o.push_str("</section>\n");
                }
                open_agency = Some(*agency);
                let (id, name) = match self.agencies.get(*agency) {
                    Some(a) => (anchor(&a.slug, None), a.name.as_str()),
                    None => ("site-files".to_string(), "站点配置及其他文件"),
                };
                let _ = writeln!(
                    o,
                    "<section class=\"agency\">\n<h3 id=\"{id}\">{}</h3>",
                    escape(name)
                );
            }
            let (id, what) = match (self.agencies.get(*agency), year) {
                (Some(a), Some(y)) => (anchor(&a.slug, Some(*y)), format!("{y} 年度报告")),
                (Some(a), None) => (format!("{}-file", anchor(&a.slug, None)), "机关文件".into()),
                _ => (format!("f-{}", anchor_text(file)), "文件".into()),
            };
            let _ = writeln!(
                o,
                "<section class=\"report\">\n<h4 id=\"{id}\">{what} <span class=\"file\">{}</span></h4>\n<ol class=\"diags\">",
                escape(file)
            );
            for d in diags {
                diagnostic(o, d);
            }
            o.push_str("</ol>\n</section>\n");
        }
        if open_agency.is_some() {
            o.push_str("</section>\n");
        }
        o.push_str("</section>\n");
    }
}

/// One diagnostic: its kind in words, code, message, place, and the source line with a marker.
fn diagnostic(o: &mut String, a: &AuditDiagnostic) {
    let d = &a.diagnostic;
    let (class, word) = match (d.severity, &d.acknowledged) {
        (_, Some(_)) => ("note", "已说明"),
        (Severity::Error, _) => ("error", "错误"),
        (Severity::Warning, _) => ("warning", "警告"),
    };
    let _ = write!(
        o,
        "<li class=\"diag {class}\"><p class=\"head\"><span class=\"kind\">{word}</span> <code>{}</code> {}</p>",
        d.code,
        escape(&d.message)
    );
    if let Some(why) = &d.acknowledged {
        let _ = write!(o, "<p class=\"why\">说明：{}</p>", escape(why));
    }
    let _ = write!(
        o,
        "<p class=\"where\">{}:{}:{}</p>",
        escape(&d.file),
        d.line,
        d.column
    );
    if let Some(line) = &a.source {
        // The line as written, and a marker under the columns it points at (in characters).
        let line: String = line
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let col = d.column.max(1) as usize - 1;
        let width = d.width.max(1) as usize;
        let chars: Vec<char> = line.chars().collect();
        let split = |from: usize, to: usize| -> String {
            chars[from.min(chars.len())..to.min(chars.len())]
                .iter()
                .collect()
        };
        let mut marker = String::new();
        let _ = write!(
            o,
            "<pre class=\"src\"><span class=\"ln\">{:>5} │ </span>{}<mark>{}</mark>{}",
            d.line,
            escape(&split(0, col)),
            escape(&split(col, col + width)),
            escape(&split(col + width, chars.len()))
        );
        if let Some(label) = &d.label {
            // Wide characters take two columns in a monospace font: the marker follows them.
            for c in chars.iter().take(col) {
                marker.push(if is_wide(*c) { '　' } else { ' ' });
            }
            for k in col..col + width.min(40) {
                marker.push(if chars.get(k).is_some_and(|c| is_wide(*c)) {
                    '＾'
                } else {
                    '^'
                });
            }
            let _ = write!(
                o,
                "\n<span class=\"ln\" aria-hidden=\"true\">      │ </span><span aria-hidden=\"true\">{marker}</span> <span class=\"label\">{}</span>",
                escape(label)
            );
        }
        o.push_str("</pre>");
    }
    if let Some(note) = &d.note {
        let _ = write!(o, "<p class=\"note\">{}</p>", escape(note));
    }
    o.push_str("</li>\n");
}

/// Whether a character takes two columns in a monospace font (CJK and full-width forms).
fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115f}'
        | '\u{2e80}'..='\u{a4cf}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ff60}'
        | '\u{ffe0}'..='\u{ffe6}')
}

/// An id for an agency (and year): slugs are ASCII already; others are hex-encoded.
fn anchor(slug: &str, year: Option<u16>) -> String {
    match year {
        Some(y) => format!("r-{}-{y}", anchor_text(slug)),
        None => format!("a-{}", anchor_text(slug)),
    }
}

fn anchor_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_string()
            } else {
                format!("_{:x}", c as u32)
            }
        })
        .collect()
}

/// The page's style: the theme's colours; every state has a word and a mark, never colour alone.
const CSS: &str = "\
:root{--ink:#1b1b1b;--muted:#4a4a4a;--paper:#fff;--band:#0d3c6e;--rule:#b8c2cc;--shade:#f1f4f7;--head:#e3e9f0;--focus:#ffbf47;--link:#0a4f9e}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-family:\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",system-ui,sans-serif;font-size:1rem;line-height:1.6;color:var(--ink);background:var(--paper)}
a{color:var(--link)}
a:focus,[tabindex]:focus{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-10000px}
.skip:focus{left:1rem;top:1rem;background:var(--paper);padding:.5rem 1rem;z-index:1}
.band{background:var(--band);color:#fff;padding:.5rem 1rem}
.band p{margin:0}
.site{font-weight:bold;font-size:1.2rem}
nav ul{display:flex;flex-wrap:wrap;gap:1.5rem;list-style:none;margin:0;padding:.75rem 1rem;background:var(--shade)}
main{max-width:80rem;margin:0 auto;padding:1rem}
h1{font-size:1.75rem;margin:.5rem 0}
h2{font-size:1.4rem;border-bottom:2px solid var(--rule);margin-top:2rem}
h3{font-size:1.2rem;margin-top:1.5rem}
h4{font-size:1.05rem;margin:1rem 0 .25rem}
.lead{font-size:1.1rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid var(--rule);padding:.3rem .6rem;text-align:left;vertical-align:top}
thead th{background:var(--head)}
tbody th{font-weight:normal;background:var(--shade)}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid td{white-space:nowrap}
.state{font-weight:bold}
.state a{color:inherit}
.s-err{background:#fde2e1;color:#7a0c0c}
.s-draft{background:#e8eaf0;color:#1b1b1b}
.s-late{background:#ffe9c7;color:#5c3300}
.s-warn{background:#fff6bf;color:#4a3b00}
.s-ok{background:#e0f2e4;color:#0c4a1b}
.s-missing{background:#fff;color:#7a0c0c;outline:2px dashed #a4161a;outline-offset:-4px}
.s-none{color:var(--muted);font-weight:normal}
.legend{list-style:none;padding:0}
.legend li{margin:.25rem 0}
.legend .state{display:inline-block;min-width:5.5em;padding:0 .4rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.file{font-weight:normal;color:var(--muted);font-family:ui-monospace,monospace;font-size:.9em}
.diags{list-style:none;padding:0;margin:0}
.diag{border-left:6px solid var(--rule);padding:.25rem .75rem;margin:.5rem 0;background:var(--paper)}
.diag.error{border-left-color:#a4161a}
.diag.warning{border-left-color:#8a6d00}
.diag.note{border-left-color:#0d3c6e}
.diag p{margin:.2rem 0}
.kind{display:inline-block;padding:0 .4rem;font-weight:bold;border:1px solid currentColor}
.error .kind{color:#7a0c0c}
.warning .kind{color:#4a3b00}
.note .kind{color:#0d3c6e}
.where{font-family:ui-monospace,monospace;color:var(--muted)}
.src{background:var(--shade);padding:.5rem;overflow-x:auto;font-family:ui-monospace,\"Noto Sans Mono CJK SC\",monospace;font-size:.95rem;line-height:1.5;margin:.25rem 0}
.src mark{background:#ffe08a;color:var(--ink);text-decoration:underline}
.ln{color:var(--muted)}
.label{color:#7a0c0c}
.note,.why{color:var(--muted)}
footer{margin-top:2rem}
@media print{.skip,nav{display:none}.scroll{overflow:visible}}
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pos;

    fn facts(file: &str, draft: bool, late: bool) -> ReportFacts {
        ReportFacts {
            file: file.into(),
            draft,
            late,
        }
    }

    fn audit() -> Audit {
        let mut a = AuditAgency {
            slug: "jiaoyuju".into(),
            name: "示例县<教育局>".into(),
            index_file: Some("content/jiaoyuju/_index.md".into()),
            reports: BTreeMap::new(),
        };
        a.reports
            .insert(2019, facts("content/jiaoyuju/2019.md", false, false));
        a.reports
            .insert(2020, facts("content/jiaoyuju/2020.md", false, true));
        a.reports
            .insert(2021, facts("content/jiaoyuju/2021.md", false, true));
        a.reports
            .insert(2022, facts("content/jiaoyuju/2022.md", true, false));
        a.reports
            .insert(2023, facts("content/jiaoyuju/2023.md", false, false));
        let mut b = AuditAgency {
            slug: "zhen".into(),
            name: "示例镇".into(),
            index_file: None,
            reports: BTreeMap::new(),
        };
        b.reports
            .insert(2022, facts("content/zhen/2022.md", false, false));
        let d = |code, file: &str, line| AuditDiagnostic {
            diagnostic: {
                let mut d = Diagnostic::new(code, file, Pos::new(line, 3, 2), "消息 <b>");
                d.label = Some("标记".into());
                d
            },
            source: Some("  new: [12, 0]".into()),
        };
        let mut explained = d(Code::W001, "content/jiaoyuju/2023.md", 9);
        explained.diagnostic.acknowledged = Some("机构改革。".into());
        Audit {
            title: "示例站点".into(),
            files: 6,
            agencies: vec![a, b],
            diagnostics: vec![
                d(Code::R001, "content/jiaoyuju/2021.md", 14),
                d(Code::W003, "content/jiaoyuju/2020.md", 4),
                d(Code::W101, "content/jiaoyuju/2019.md", 40),
                explained,
                d(Code::N003, "site.toml", 2),
                d(Code::W105, "content/jiaoyuju/_index.md", 1),
            ],
        }
    }

    #[test]
    fn each_cell_has_the_first_state_that_applies() {
        let a = audit();
        let j = &a.agencies[0];
        let got: Vec<_> = (2019..=2023).map(|y| a.state(j, y)).collect();
        assert_eq!(
            got,
            [
                CellState::Warnings,
                CellState::Late,
                CellState::Errors,
                CellState::Draft,
                CellState::OnTime,
            ]
        );
        let z = &a.agencies[1];
        assert_eq!(a.state(z, 2021), CellState::None);
        assert_eq!(a.state(z, 2023), CellState::Unpublished);
    }

    #[test]
    fn the_page_is_self_contained_and_structured() {
        let html = audit().to_html();
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
        for outside in ["http://", "https://", "<script", "<link", "src=", "url("] {
            assert!(!html.contains(outside), "{outside}");
        }
        assert_eq!(html.matches("<h1").count(), 1);
        for landmark in ["<header", "<nav aria-label", "<main id=\"main\"", "<footer"] {
            assert!(html.contains(landmark), "{landmark}");
        }
        assert!(html.contains("<th scope=\"col\">2019 年度</th>"));
        assert!(html.contains("<th scope=\"row\">示例县&lt;教育局&gt;</th>"));
        assert!(html.contains("<caption"));
        // Cells link to the details of their report.
        assert!(html.contains("<a href=\"#r-jiaoyuju-2021\">"));
        assert!(html.contains("id=\"r-jiaoyuju-2021\""));
        assert!(html.contains("未发布"));
        assert!(html.contains("消息 &lt;b&gt;"));
        assert!(html.contains("<mark>ne</mark>"));
        assert!(html.contains("说明：机构改革。"));
        assert!(html.contains("检查了 6 份报告：2 个错误，3 个警告，1 个已说明。"));
        // Ids are unique.
        let ids: Vec<&str> = html
            .match_indices(" id=\"")
            .map(|(i, _)| html[i + 5..].split('"').next().unwrap())
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "{ids:?}");
        // Headings do not skip a level.
        let levels: Vec<u8> = html
            .match_indices("<h")
            .filter_map(|(i, _)| html.as_bytes().get(i + 2).copied())
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        for w in levels.windows(2) {
            assert!(w[1] <= w[0] + 1, "{levels:?}");
        }
    }

    #[test]
    fn an_empty_site_still_makes_a_page() {
        let html = Audit::default().to_html();
        assert!(html.contains("没有报告") && html.contains("没有发现问题"));
    }
}
