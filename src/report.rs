//! Report: the checked model of one report and of one agency.
//!
//! In: what `validate::structure` read from the front matter and body. Out: typed values with
//! computed totals, used by the arithmetic rules, the renderer and the data downloads.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// File line and column (in characters, 1-based) where `markdown` starts, so that a place
    /// found in it can be told as a place in the file.
    pub text_line: u32,
    pub text_column: u32,
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

/// The keys of a report's front matter.
pub const TOP_KEYS: &[&str] = &[
    "agency",
    "year",
    "published",
    "format",
    "title",
    "draft",
    "active",
    "applications",
    "appeals",
    "processing_fees",
    "acknowledge",
    "revisions",
];

/// The key path under which the body's first line is kept (for sections reported missing).
pub const BODY_PATH: &str = "$body";

/// Every key path an edition knows, numbered: the top keys, then `active.<row>`,
/// `applications.<row path>`, `appeals.<group>`, `processing_fees.<notices|amount>` and
/// [`BODY_PATH`]. Derived once per edition from its definition, so that reading a report
/// records a row's positions under its number rather than building and storing its path.
#[derive(Debug)]
pub struct PathTable {
    /// Full paths, by number.
    paths: Vec<String>,
    /// Numbers ordered by path, for lookups by path.
    by_path: Vec<u16>,
    /// First number of each part.
    pub active: u16,
    pub applications: u16,
    pub appeals: u16,
    pub fees: u16,
    pub body: u16,
}

impl PathTable {
    /// The table of an edition, built once.
    pub fn of(f: &FormatDef) -> &'static PathTable {
        static CACHE: OnceLock<Vec<PathTable>> = OnceLock::new();
        let all = CACHE.get_or_init(|| {
            crate::format::EDITIONS
                .iter()
                .map(|f| Self::build(f))
                .collect()
        });
        let i = crate::format::EDITIONS
            .iter()
            .position(|e| e.id == f.id)
            .unwrap_or(0);
        &all[i]
    }

    fn build(f: &FormatDef) -> PathTable {
        let mut paths: Vec<String> = TOP_KEYS.iter().map(|k| k.to_string()).collect();
        let active = paths.len();
        paths.extend(f.active_rows().map(|(_, r)| format!("active.{}", r.key)));
        let applications = paths.len();
        paths.extend(
            f.applications
                .rows
                .iter()
                .map(|r| format!("applications.{}", r.path)),
        );
        let appeals = paths.len();
        paths.extend(
            f.appeals
                .groups
                .iter()
                .map(|g| format!("appeals.{}", g.key)),
        );
        let fees = paths.len();
        paths.extend(FEE_KEYS.iter().map(|k| format!("processing_fees.{k}")));
        let body = paths.len();
        paths.push(BODY_PATH.to_string());
        let mut by_path: Vec<u16> = (0..paths.len() as u16).collect();
        by_path.sort_by(|a, b| paths[usize::from(*a)].cmp(&paths[usize::from(*b)]));
        let n = |x: usize| x as u16;
        PathTable {
            paths,
            by_path,
            active: n(active),
            applications: n(applications),
            appeals: n(appeals),
            fees: n(fees),
            body: n(body),
        }
    }

    /// The number of a path, if the edition knows it.
    pub fn number(&self, path: &str) -> Option<u16> {
        self.by_path
            .binary_search_by(|n| self.paths[usize::from(*n)].as_str().cmp(path))
            .ok()
            .map(|i| self.by_path[i])
    }

    pub fn path(&self, number: u16) -> &str {
        &self.paths[usize::from(number)]
    }
}

/// The keys of `processing_fees`, in the order of their numbers in a [`PathTable`].
pub const FEE_KEYS: [&str; 2] = ["notices", "amount"];

/// A key path to record positions under: one its edition knows, by number, or any other.
#[derive(Debug, Clone, Copy)]
pub enum KeyPath<'a> {
    Known(u16),
    Other(&'a str),
}

/// What is recorded for one key path.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Located {
    key: Option<Pos>,
    /// Range in `Locations::cells`.
    cells: Option<(u32, u32)>,
}

/// Where things stand in the file, by key path (`applications.new`, `published`, …).
///
/// Paths the report's edition knows are stored by their number in its [`PathTable`]; any other
/// path (an unknown top-level key) by its text. Every path has one place either way, so this is
/// a map from path to positions.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    table: Option<&'static PathTable>,
    /// Known paths, in the order first recorded.
    known: Vec<(u16, Located)>,
    /// Which numbers `known` holds (numbers from 128 on are looked for in `known`).
    present: u128,
    other: Vec<(String, Located)>,
    /// The positions of every row's cells, one after the other.
    cells: Vec<Pos>,
}

impl Locations {
    /// Empty locations for a report of edition `f`.
    pub fn new(f: &FormatDef) -> Self {
        let table = PathTable::of(f);
        // Room for a complete report of the edition (five cells a path on average), no more:
        // `load` keeps every report whole.
        let rows = usize::from(table.body) + 1;
        Locations {
            table: Some(table),
            known: Vec::with_capacity(rows),
            cells: Vec::with_capacity(rows * 5),
            ..Default::default()
        }
    }

    /// How `path` is stored.
    pub fn key_path<'p>(&self, path: &'p str) -> KeyPath<'p> {
        match self.table.and_then(|t| t.number(path)) {
            Some(n) => KeyPath::Known(n),
            None => KeyPath::Other(path),
        }
    }

    fn find(&self, path: KeyPath) -> Option<&Located> {
        match path {
            KeyPath::Known(n) => {
                if n < 128 && self.present & (1 << n) == 0 {
                    return None;
                }
                self.known.iter().find(|(k, _)| *k == n).map(|(_, l)| l)
            }
            KeyPath::Other(p) => self.other.iter().find(|(k, _)| k == p).map(|(_, l)| l),
        }
    }

    fn entry(&mut self, path: KeyPath) -> &mut Located {
        let at = match path {
            KeyPath::Known(n) => {
                let seen = if n < 128 {
                    self.present & (1 << n) != 0
                } else {
                    true
                };
                match seen
                    .then(|| self.known.iter().position(|(k, _)| *k == n))
                    .flatten()
                {
                    Some(i) => i,
                    None => {
                        if n < 128 {
                            self.present |= 1 << n;
                        }
                        self.known.push((n, Located::default()));
                        self.known.len() - 1
                    }
                }
            }
            KeyPath::Other(p) => {
                let i = match self.other.iter().position(|(k, _)| k == p) {
                    Some(i) => i,
                    None => {
                        self.other.push((p.to_string(), Located::default()));
                        self.other.len() - 1
                    }
                };
                return &mut self.other[i].1;
            }
        };
        &mut self.known[at].1
    }

    /// Records the position of a key.
    pub fn set_key(&mut self, path: KeyPath, pos: Pos) {
        self.entry(path).key = Some(pos);
    }

    /// Records the positions of a row's cells (or of a single value).
    pub fn set_cells(&mut self, path: KeyPath, cells: impl IntoIterator<Item = Pos>) {
        let start = self.cells.len();
        self.cells.extend(cells);
        let range = (start as u32, (self.cells.len() - start) as u32);
        self.entry(path).cells = Some(range);
    }

    /// The position of exactly this key, if recorded.
    pub fn get_key(&self, path: &str) -> Option<Pos> {
        self.find(self.key_path(path))?.key
    }

    /// The positions of the cells of exactly this row, if recorded.
    pub fn get_cells(&self, path: &str) -> Option<&[Pos]> {
        let (start, len) = self.find(self.key_path(path))?.cells?;
        self.cells.get(start as usize..(start + len) as usize)
    }

    /// Position of a key, falling back to its nearest ancestor, then the top of the file.
    pub fn key(&self, path: &str) -> Pos {
        let mut p = path;
        loop {
            if let Some(pos) = self.get_key(p) {
                return pos;
            }
            match p.rsplit_once('.') {
                Some((parent, _)) => p = parent,
                None => return Pos::START,
            }
        }
    }

    /// Position of one cell of a row, falling back to the row's key.
    pub fn cell(&self, path: &str, index: usize) -> Pos {
        self.get_cells(path)
            .and_then(|c| c.get(index))
            .copied()
            .unwrap_or_else(|| self.key(path))
    }

    /// Keeps only the paths `wanted` accepts, and only the memory they need.
    pub fn retain(&mut self, wanted: impl Fn(&str) -> bool) {
        let mut cells = Vec::new();
        let mut keep = |l: &mut Located| {
            if let Some((start, len)) = l.cells {
                let new_start = cells.len() as u32;
                cells.extend_from_slice(&self.cells[start as usize..(start + len) as usize]);
                l.cells = Some((new_start, len));
            }
        };
        let table = self.table;
        self.present = 0;
        self.known.retain_mut(|(n, l)| {
            let ok = table.is_some_and(|t| wanted(t.path(*n)));
            if ok {
                keep(l);
            }
            ok
        });
        self.other.retain_mut(|(p, l)| {
            let ok = wanted(p);
            if ok {
                keep(l);
            }
            ok
        });
        for (n, _) in &self.known {
            if *n < 128 {
                self.present |= 1 << n;
            }
        }
        self.known.shrink_to_fit();
        self.other.shrink_to_fit();
        cells.shrink_to_fit();
        self.cells = cells;
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
    /// Warnings the author explains (`acknowledge`), in the order written.
    pub acknowledge: Vec<Acknowledgement>,
    /// Corrections after publication (`revisions`), oldest first.
    pub revisions: Vec<Revision>,
    pub body: Body,
    pub locations: Locations,
}

/// One entry of `acknowledge`: a warning code the file knowingly keeps, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub code: crate::diagnostic::Code,
    pub text: String,
    /// Where the code stands in the file (W106 points there).
    pub pos: Pos,
}

/// One entry of `revisions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub date: NaiveDate,
    pub note: String,
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
        let wanted = |k: &str| {
            matches!(k, "year" | "published" | "agency")
                || k.strip_prefix("active.") == Some(first_active)
                || keep
                    .iter()
                    .any(|p| k.strip_prefix("applications.") == Some(*p))
        };
        self.locations.retain(wanted);
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
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

    /// The Chinese words `kind` accepts as well (content.md).
    pub const CHINESE: [(&'static str, AgencyKind); 6] = [
        ("人民政府", AgencyKind::Government),
        ("政府", AgencyKind::Government),
        ("部门", AgencyKind::Department),
        ("乡镇", AgencyKind::Township),
        ("街道", AgencyKind::Township),
        ("其他", AgencyKind::Other),
    ];

    pub fn parse(s: &str) -> Option<AgencyKind> {
        Self::ALL
            .iter()
            .chain(&Self::CHINESE)
            .find(|(k, _)| *k == s)
            .map(|(_, v)| *v)
    }

    /// The Chinese words for this kind, joined by 或: `乡镇 或 街道`.
    pub fn chinese(self) -> String {
        let words: Vec<&str> = Self::CHINESE
            .iter()
            .filter(|(_, k)| *k == self)
            .map(|(w, _)| *w)
            .collect();
        words.join(" 或 ")
    }

    /// What an agency of this kind is, and what choosing it changes.
    pub fn effect(self) -> String {
        use chrono::Datelike;
        let what = match self {
            AgencyKind::Government => "人民政府自身的年度报告",
            AgencyKind::Department => "政府部门（不填时默认）",
            AgencyKind::Township => "乡镇人民政府、街道办事处",
            AgencyKind::Other => "其他机关",
        };
        let due = self
            .deadline(2000)
            .map(|d| format!("，发布截止日期为次年 {} 月 {} 日", d.month(), d.day()))
            .unwrap_or_default();
        let extra = if self == AgencyKind::Township {
            "；“规章”一行不为 0 时提醒（W006，乡镇、街道没有制定规章的权限）"
        } else {
            ""
        };
        format!("{what}{due}{extra}")
    }

    /// The kind a name suggests, and the word to write for it: a township's or a street
    /// office's name, a people's government's own, else a department.
    pub fn guess(name: &str) -> (AgencyKind, &'static str) {
        let ends = |tails: &[&str]| tails.iter().any(|t| name.ends_with(t));
        if ends(&["街道办事处", "街道办"]) {
            (AgencyKind::Township, "街道")
        } else if ends(&["乡人民政府", "镇人民政府", "乡政府", "镇政府"]) {
            (AgencyKind::Township, "乡镇")
        } else if ends(&["人民政府"]) {
            (AgencyKind::Government, "人民政府")
        } else {
            (AgencyKind::Department, "部门")
        }
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
    /// `covers`: the region (or `site`) whose roll-up this agency's reports are (across.md).
    pub covers: Option<String>,
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
    fn every_path_of_an_edition_has_a_number() {
        for f in crate::format::EDITIONS {
            let t = PathTable::of(f);
            for n in 0..=t.body {
                assert_eq!(t.number(t.path(n)), Some(n), "{}", t.path(n));
            }
            assert!(t
                .number("applications.results.withheld.state_secret")
                .is_some());
            assert_eq!(t.path(t.body), BODY_PATH);
            assert_eq!(t.number("applications.results.nope"), None);
            assert_eq!(t.number("applications."), None);
        }
    }

    #[test]
    fn locations_are_a_map_by_path() {
        let mut loc = Locations::new(&crate::format::F2021);
        let p = |l| Pos::new(l, 1, 1);
        for path in ["applications.results", "zz", "applications.results.granted"] {
            let at = loc.key_path(path);
            loc.set_key(at, p(1));
        }
        let at = loc.key_path("applications.results.granted");
        loc.set_cells(at, [p(2), p(3)]);
        // An unknown top-level key spelled like a known path is that path.
        let at = loc.key_path("applications.results");
        loc.set_cells(at, [p(4)]);
        let at = loc.key_path("zz");
        loc.set_key(at, p(5));
        assert_eq!(loc.get_key("zz"), Some(p(5)));
        assert_eq!(loc.cell("applications.results.granted", 1), p(3));
        assert_eq!(loc.cell("applications.results.granted", 6), p(1));
        assert_eq!(loc.cell("applications.results", 0), p(4));
        assert_eq!(loc.key("applications.results.partial"), p(1));
        assert_eq!(loc.key("applications.new"), Pos::START);
        assert_eq!(loc.key("zz.a.b"), p(5));
        assert_eq!(loc.get_cells("zz"), None);

        loc.retain(|k| k == "zz" || k.ends_with("granted"));
        assert_eq!(loc.get_key("applications.results"), None);
        assert_eq!(
            loc.get_cells("applications.results.granted"),
            Some(&[p(2), p(3)][..])
        );
        assert_eq!(loc.get_key("zz"), Some(p(5)));
        assert_eq!(loc.cells.len(), 2);
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
