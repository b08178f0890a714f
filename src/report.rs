//! Report: the checked model of one report and of one agency.
//!
//! In: what `validate::structure` read from the front matter and body. Out: typed values with
//! computed totals, used by the arithmetic rules, the renderer and the data downloads.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

use crate::diagnostic::Pos;
use crate::format::{AppRole, AppRowKind, FormatDef};

/// A number as written in a table: an integer, or a decimal amount kept exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Num {
    Int(i64),
    /// Ten-thousandths (the forms allow at most 4 decimal places).
    Dec(i64),
}

impl Num {
    pub const SCALE: i64 = 10_000;

    /// The value as a float, for JSON.
    pub fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Dec(d) => d as f64 / Self::SCALE as f64,
        }
    }

    pub fn to_json(self) -> serde_json::Value {
        match self {
            Num::Int(i) => i.into(),
            Num::Dec(d) if d % Self::SCALE == 0 => (d / Self::SCALE).into(),
            Num::Dec(_) => serde_json::Number::from_f64(self.as_f64())
                .map_or(serde_json::Value::Null, Into::into),
        }
    }

    pub fn is_positive(self) -> bool {
        match self {
            Num::Int(i) | Num::Dec(i) => i > 0,
        }
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Num::Int(i) => write!(f, "{i}"),
            Num::Dec(d) => {
                let sign = if d < 0 { "-" } else { "" };
                let (int, frac) = (d.abs() / Self::SCALE, d.abs() % Self::SCALE);
                if frac == 0 {
                    write!(f, "{sign}{int}")
                } else {
                    let frac = format!("{frac:04}");
                    write!(f, "{sign}{int}.{}", frac.trim_end_matches('0'))
                }
            }
        }
    }
}

/// One row of table 三: the six applicant cells and the 总计 if the author wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AppCells {
    pub cells: [u64; 6],
    pub total: Option<u64>,
}

impl AppCells {
    pub fn sum(&self) -> u64 {
        self.cells.iter().sum()
    }
    /// All seven columns, 总计 computed when not given.
    pub fn with_total(&self) -> [u64; 7] {
        let mut all = [0; 7];
        all[..6].copy_from_slice(&self.cells);
        all[6] = self.total.unwrap_or_else(|| self.sum());
        all
    }
}

/// One group of table 四: 结果维持 · 结果纠正 · 其他结果 · 尚未审结, and 总计 if written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AppealCells {
    pub cells: [u64; 4],
    pub total: Option<u64>,
}

impl AppealCells {
    pub fn sum(&self) -> u64 {
        self.cells.iter().sum()
    }
    pub fn with_total(&self) -> [u64; 5] {
        let [a, b, c, d] = self.cells;
        [a, b, c, d, self.total.unwrap_or_else(|| self.sum())]
    }
}

/// 信息处理费 (2021 edition, section 六).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessingFees {
    pub notices: u64,
    /// 元
    pub amount: Num,
}

/// A level-2 section of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodySection {
    /// 一 … 六
    pub numeral: &'static str,
    /// The heading as the author wrote it.
    pub heading: String,
    /// File line of the heading.
    pub line: u32,
    /// Markdown under the heading, up to the next section.
    pub markdown: String,
}

/// The Markdown body, cut into sections.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// Text before the first section heading (e.g. 编制说明).
    pub preamble: String,
    pub sections: Vec<BodySection>,
}

impl Body {
    pub fn section(&self, numeral: &str) -> Option<&BodySection> {
        self.sections.iter().find(|s| s.numeral == numeral)
    }
}

/// Where things stand in the file, by key path (`applications.new`, `published`, …).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Locations {
    /// Key path → position of the key.
    pub keys: BTreeMap<String, Pos>,
    /// Key path → position of each cell of the row's list (or of the single value).
    pub cells: BTreeMap<String, Vec<Pos>>,
}

impl Locations {
    /// Position of a key, falling back to its nearest ancestor, then the top of the file.
    pub fn key(&self, path: &str) -> Pos {
        let mut p = path;
        loop {
            if let Some(pos) = self.keys.get(p) {
                return *pos;
            }
            match p.rsplit_once('.') {
                Some((parent, _)) => p = parent,
                None => return Pos::START,
            }
        }
    }

    /// Position of one cell of a row, falling back to the row's key.
    pub fn cell(&self, path: &str, index: usize) -> Pos {
        self.cells
            .get(path)
            .and_then(|c| c.get(index))
            .copied()
            .unwrap_or_else(|| self.key(path))
    }
}

/// One report, checked.
#[derive(Debug, Clone)]
pub struct Report {
    /// Path relative to the site root, e.g. `content/shequ-ban/2020.md`.
    pub file: String,
    pub slug: String,
    pub year: u16,
    /// 机关名称 as it stood that year.
    pub agency: String,
    pub published: Option<NaiveDate>,
    pub format: &'static FormatDef,
    /// Whether `format:` was written (rather than taken from the year).
    pub format_explicit: bool,
    pub title: String,
    pub draft: bool,
    /// Table 二, by row key; values in the block's column order.
    pub active: BTreeMap<&'static str, Vec<Num>>,
    /// Table 三, by row path (data rows, and `results.total` when written).
    pub applications: BTreeMap<&'static str, AppCells>,
    /// Table 四, by group key.
    pub appeals: BTreeMap<&'static str, AppealCells>,
    pub processing_fees: Option<ProcessingFees>,
    pub body: Body,
    pub locations: Locations,
}

impl Report {
    /// （七）总计 computed from the result rows, per column (7 columns, 总计 last). The 总计
    /// column sums the cells, not the rows' written totals: a wrong one is R003's to report.
    pub fn computed_results_total(&self) -> [u64; 7] {
        let mut sum = [0u64; 7];
        for row in self.format.applications.rows {
            if row.role == AppRole::Result {
                if let Some(c) = self.applications.get(row.path) {
                    for (s, v) in sum.iter_mut().zip(c.cells) {
                        *s += v;
                    }
                }
            }
        }
        sum[6] = sum[..6].iter().sum();
        sum
    }

    /// The seven values of a table 三 row as rendered: 总计 computed when absent; for
    /// （七）总计 the written row, or the computed one. `None` for groups or missing rows.
    pub fn application_row(&self, path: &str) -> Option<[u64; 7]> {
        let def = self.format.app_row(path)?;
        match def.kind {
            AppRowKind::Group => None,
            AppRowKind::Total => Some(
                self.applications
                    .get(path)
                    .map_or_else(|| self.computed_results_total(), AppCells::with_total),
            ),
            AppRowKind::Data => self.applications.get(path).map(AppCells::with_total),
        }
    }

    /// The values of every row of table 三 in the edition's row order, as [`application_row`]
    /// gives them one by one (`None` for groups and missing rows), in one pass: the page, the
    /// JSON and the CSV each need all of them.
    ///
    /// [`application_row`]: Report::application_row
    pub fn application_rows(&self) -> Vec<Option<[u64; 7]>> {
        let rows = self.format.applications.rows;
        let mut out = Vec::with_capacity(rows.len());
        let mut sum = [0u64; 7];
        for row in rows {
            let cells = match row.kind {
                AppRowKind::Group => None,
                _ => self.applications.get(row.path),
            };
            if row.role == AppRole::Result {
                if let Some(c) = cells {
                    for (s, v) in sum.iter_mut().zip(c.cells) {
                        *s += v;
                    }
                }
            }
            out.push(cells.map(AppCells::with_total));
        }
        sum[6] = sum[..6].iter().sum();
        for (row, v) in rows.iter().zip(&mut out) {
            if row.kind == AppRowKind::Total && v.is_none() {
                *v = Some(sum);
            }
        }
        out
    }

    /// Values of the row with a given role (一, 二, 四), 总计 computed.
    pub fn row_by_role(&self, role: AppRole) -> Option<[u64; 7]> {
        let def = self
            .format
            .applications
            .rows
            .iter()
            .find(|r| r.role == role)?;
        self.application_row(def.path)
    }

    /// The path of the row with a given role.
    pub fn role_path(&self, role: AppRole) -> &'static str {
        self.format
            .applications
            .rows
            .iter()
            .find(|r| r.role == role)
            .map_or("", |r| r.path)
    }

    /// Drops what only the report's own page needs — its text, most table rows and positions —
    /// keeping what the cross-report rules (`validate::check_site`) read: names, year, dates,
    /// table 二, the carry-over rows and their positions. A build keeps every report this way.
    pub fn strip_for_site_rules(&mut self) {
        let keep = [
            self.role_path(AppRole::CarriedOver),
            self.role_path(AppRole::CarriedForward),
        ];
        // W006 reads only the first row of table 二 (规章).
        let first_active = self.format.active_rows().next().map_or("", |(_, r)| r.key);
        self.body = Body::default();
        self.title = String::new();
        self.appeals.clear();
        self.active.retain(|k, _| *k == first_active);
        self.applications.retain(|k, _| keep.contains(k));
        let wanted = |k: &String| {
            matches!(k.as_str(), "year" | "published" | "agency")
                || k.strip_prefix("active.") == Some(first_active)
                || keep
                    .iter()
                    .any(|p| k.strip_prefix("applications.") == Some(*p))
        };
        self.locations.keys.retain(|k, _| wanted(k));
        self.locations.cells.retain(|k, _| wanted(k));
    }

    /// Key figures shown on index pages.
    pub fn key_figures(&self) -> KeyFigures {
        let total = |role| self.row_by_role(role).map_or(0, |r| r[6]);
        let appeals = |key: &str| self.appeals.get(key).map_or(0, |a| a.with_total()[4]);
        let litigation: u64 = self
            .format
            .appeals
            .groups
            .iter()
            .skip(1)
            .map(|g| appeals(g.key))
            .sum();
        KeyFigures {
            received: total(AppRole::New),
            closed: self.application_row("results.total").map_or(0, |r| r[6]),
            granted: self.application_row("results.granted").map_or(0, |r| r[6]),
            carried_forward: total(AppRole::CarriedForward),
            reconsiderations: appeals(self.format.appeals.groups[0].key),
            lawsuits: litigation,
        }
    }
}

/// The figures index pages compare across reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct KeyFigures {
    /// 一、本年新收 · 总计
    pub received: u64,
    /// （七）总计 · 总计
    pub closed: u64,
    /// （一）予以公开 · 总计
    pub granted: u64,
    /// 四、结转下年度继续办理 · 总计
    pub carried_forward: u64,
    /// 行政复议 · 总计
    pub reconsiderations: u64,
    /// 行政诉讼 · 总计 (both kinds)
    pub lawsuits: u64,
}

impl std::ops::AddAssign for KeyFigures {
    fn add_assign(&mut self, o: Self) {
        self.received += o.received;
        self.closed += o.closed;
        self.granted += o.granted;
        self.carried_forward += o.carried_forward;
        self.reconsiderations += o.reconsiderations;
        self.lawsuits += o.lawsuits;
    }
}

/// What kind of body an agency is (`kind` in `_index.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AgencyKind {
    /// A people's government's own report: due by 31 March.
    Government,
    #[default]
    Department,
    /// 乡镇、街道
    Township,
    Other,
}

impl AgencyKind {
    pub const ALL: [(&'static str, AgencyKind); 4] = [
        ("government", AgencyKind::Government),
        ("department", AgencyKind::Department),
        ("township", AgencyKind::Township),
        ("other", AgencyKind::Other),
    ];

    pub fn parse(s: &str) -> Option<AgencyKind> {
        Self::ALL.iter().find(|(k, _)| *k == s).map(|(_, v)| *v)
    }

    /// The deadline of the report for `year` (条例第四十九条).
    pub fn deadline(self, year: u16) -> Option<NaiveDate> {
        // Both deadlines fall on the 31st: 31 January, or 31 March for a government.
        let month = if self == AgencyKind::Government { 3 } else { 1 };
        NaiveDate::from_ymd_opt(i32::from(year) + 1, month, 31)
    }
}

/// An agency: its folder and optional `_index.md`.
#[derive(Debug, Clone, Default)]
pub struct Agency {
    pub slug: String,
    /// Current name: `name` of `_index.md`, else the `agency` of its newest report.
    pub name: String,
    pub region: Option<String>,
    pub kind: AgencyKind,
    pub order: Option<i64>,
    /// Markdown introduction from the body of `_index.md`.
    pub intro: String,
    pub index_file: Option<String>,
    /// Files copied beside the reports, relative to the agency folder.
    pub attachments: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_print_as_written() {
        assert_eq!(Num::Dec(123_500).to_string(), "12.35");
        assert_eq!(Num::Dec(120_000).to_string(), "12");
        assert_eq!(Num::Dec(5).to_string(), "0.0005");
        assert_eq!(Num::Int(-3).to_string(), "-3");
        assert_eq!(Num::Dec(123_500).to_json(), serde_json::json!(12.35));
        assert_eq!(Num::Dec(120_000).to_json(), serde_json::json!(12));
    }

    /// Every report of the sample site, as read from its file.
    fn sample_reports() -> Vec<Report> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for dir in std::fs::read_dir(root.join("content")).unwrap() {
            let dir = dir.unwrap().path();
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().path();
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                if name.starts_with('_') || !name.ends_with(".md") {
                    continue;
                }
                let text = std::fs::read_to_string(&f).unwrap();
                let slug = dir.file_name().unwrap().to_string_lossy().into_owned();
                let file = format!("content/{slug}/{name}");
                let ctx = crate::validate::FileContext {
                    file: &file,
                    slug: &slug,
                    this_year: 2026,
                };
                out.extend(crate::validate::read_report(&ctx, &text).0);
            }
        }
        out
    }

    #[test]
    fn application_rows_match_row_by_row() {
        let reports = sample_reports();
        assert!(reports.len() > 30);
        for mut r in reports {
            for pass in 0..2 {
                let all = r.application_rows();
                assert_eq!(all.len(), r.format.applications.rows.len());
                for (row, v) in r.format.applications.rows.iter().zip(&all) {
                    assert_eq!(*v, r.application_row(row.path), "{} {}", r.file, row.path);
                }
                // Second pass: （七）总计 left for the tool to compute.
                if pass == 0 {
                    r.applications.remove("results.total");
                }
            }
        }
    }

    #[test]
    fn deadlines() {
        assert_eq!(
            AgencyKind::Department.deadline(2020),
            NaiveDate::from_ymd_opt(2021, 1, 31)
        );
        assert_eq!(
            AgencyKind::Government.deadline(2020),
            NaiveDate::from_ymd_opt(2021, 3, 31)
        );
    }
}
