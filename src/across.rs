//! Across reports: what is computed from several reports (across.md).
//!
//! In: the facts of the reports a build shows, the agencies and the region tree. Out: each
//! report's cells as one vector in its edition's order (packed small in its `Facts`), roll-ups
//! (汇总) of the reports of a region or of the whole site for a year — with the reports included,
//! excluded and 未发布 — the year-on-year comparison of two sets of cells, and W103 (a report of
//! an agency that `covers` a region differs from the region's roll-up).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::fast::HashMap;

use crate::diagnostic::{Code, Detail, Diagnostic};
use crate::facts::{self, Facts};
use crate::format::{AppRowKind, FormatDef, Main, ValueKind, EDITIONS};
use crate::regions::{RegionTree, COVERS_SITE};
use crate::report::{AppCells, AppealCells, KeyFigures, Num, ProcessingFees, Report};

/// Where each cell of an edition sits in a report's cell vector.
#[derive(Debug)]
pub struct Layout {
    /// Table 二: each row's key, its first cell and its columns' kinds.
    pub active: Vec<(&'static str, usize, Vec<ValueKind>)>,
    /// Table 三: each data row's path (groups and （七）总计 aside) and its first of six cells.
    pub applications: Vec<(&'static str, usize)>,
    /// Table 四: each group's key and its first of four cells.
    pub appeals: Vec<(&'static str, usize)>,
    /// 信息处理费 (2021): notices, then the amount in ten-thousandths of a yuan.
    pub fees: Option<usize>,
    pub len: usize,
}

/// The layout of an edition (built once).
pub fn layout(f: &FormatDef) -> &'static Layout {
    static CACHE: OnceLock<Vec<Layout>> = OnceLock::new();
    let all = CACHE.get_or_init(|| EDITIONS.iter().map(|f| build_layout(f)).collect());
    let i = EDITIONS.iter().position(|e| e.id == f.id).unwrap_or(0);
    &all[i]
}

fn build_layout(f: &FormatDef) -> Layout {
    let mut at = 0;
    let mut active = Vec::new();
    for (block, row) in f.active_rows() {
        let kinds: Vec<ValueKind> = block.columns.iter().map(|c| c.kind).collect();
        let n = kinds.len();
        active.push((row.key, at, kinds));
        at += n;
    }
    let mut applications = Vec::new();
    for row in f
        .applications
        .rows
        .iter()
        .filter(|r| r.kind == AppRowKind::Data)
    {
        applications.push((row.path, at));
        at += 6;
    }
    let mut appeals = Vec::new();
    for g in f.appeals.groups {
        appeals.push((g.key, at));
        at += 4;
    }
    let fees = f.processing_fees.as_ref().map(|_| {
        at += 2;
        at - 2
    });
    Layout {
        active,
        applications,
        appeals,
        fees,
        len: at,
    }
}

/// A value as a cell: integers as they are, amounts in ten-thousandths.
fn cell(n: Num, kind: ValueKind) -> i64 {
    match (n, kind) {
        (Num::Dec(d), _) => d,
        (Num::Int(i), ValueKind::Amount { .. }) => i.saturating_mul(Num::SCALE),
        (Num::Int(i), _) => i,
    }
}

/// A cell as a value of a column of this kind.
fn num(v: i64, kind: ValueKind) -> Num {
    match kind {
        ValueKind::Amount { .. } => Num::Dec(v),
        _ => Num::Int(v),
    }
}

/// Every cell a report writes, in its edition's order (a missing row counts as zeros; written
/// totals are left out: totals are computed).
pub fn cells_of(r: &Report) -> Vec<i64> {
    let l = layout(r.format);
    let mut out = vec![0i64; l.len];
    for (key, at, kinds) in &l.active {
        if let Some(values) = r.active.get(key) {
            for (i, (v, k)) in values.iter().zip(kinds).enumerate() {
                out[at + i] = cell(*v, *k);
            }
        }
    }
    for (path, at) in &l.applications {
        if let Some(c) = r.applications.get(path) {
            for (i, v) in c.cells.iter().enumerate() {
                out[at + i] = i64::try_from(*v).unwrap_or(i64::MAX);
            }
        }
    }
    for (key, at) in &l.appeals {
        if let Some(c) = r.appeals.get(key) {
            for (i, v) in c.cells.iter().enumerate() {
                out[at + i] = i64::try_from(*v).unwrap_or(i64::MAX);
            }
        }
    }
    if let (Some(at), Some(p)) = (l.fees, r.processing_fees) {
        out[at] = i64::try_from(p.notices).unwrap_or(i64::MAX);
        out[at + 1] = cell(p.amount, ValueKind::Amount { decimals: 2 });
    }
    out
}

/// Cells packed small: zigzag variable-length integers (most cells are a few digits).
pub fn pack(cells: &[i64]) -> Box<[u8]> {
    let mut out = Vec::with_capacity(cells.len() + 8);
    for &v in cells {
        let mut z = ((v << 1) ^ (v >> 63)) as u64;
        loop {
            let byte = (z & 0x7f) as u8;
            z >>= 7;
            if z == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
    out.into_boxed_slice()
}

/// The cells of [`pack`], added to `sum` (which has their length).
pub fn add_packed(bytes: &[u8], sum: &mut [i64]) {
    let mut i = 0;
    let mut z: u64 = 0;
    let mut shift = 0;
    for &b in bytes {
        z |= u64::from(b & 0x7f) << shift;
        if b & 0x80 != 0 {
            shift += 7;
            continue;
        }
        let v = ((z >> 1) as i64) ^ -((z & 1) as i64);
        if let Some(s) = sum.get_mut(i) {
            *s = s.saturating_add(v);
        }
        i += 1;
        z = 0;
        shift = 0;
    }
}

/// The cells of [`pack`].
pub fn unpack(bytes: &[u8], len: usize) -> Vec<i64> {
    let mut out = vec![0; len];
    add_packed(bytes, &mut out);
    out
}

/// A report made of cells (a roll-up), for the renderer and the data files: its tables as a
/// report's, totals computed, no text.
pub fn report_of_cells(
    f: &'static FormatDef,
    cells: &[i64],
    file: &str,
    slug: &str,
    name: &str,
    year: u16,
    title: &str,
) -> Report {
    let l = layout(f);
    let get = |i: usize| cells.get(i).copied().unwrap_or(0);
    let count = |i: usize| u64::try_from(get(i)).unwrap_or(0);
    let mut active = BTreeMap::new();
    for (key, at, kinds) in &l.active {
        let values = kinds
            .iter()
            .enumerate()
            .map(|(i, k)| num(get(at + i), *k))
            .collect();
        active.insert(*key, values);
    }
    let mut applications = BTreeMap::new();
    for (path, at) in &l.applications {
        applications.insert(
            *path,
            AppCells {
                cells: std::array::from_fn(|i| count(at + i)),
                total: None,
            },
        );
    }
    let mut appeals = BTreeMap::new();
    for (key, at) in &l.appeals {
        appeals.insert(
            *key,
            AppealCells {
                cells: std::array::from_fn(|i| count(at + i)),
                total: None,
            },
        );
    }
    let processing_fees = l.fees.map(|at| ProcessingFees {
        notices: count(at),
        amount: Num::Dec(get(at + 1)),
    });
    Report {
        file: file.to_string(),
        slug: slug.to_string(),
        year,
        agency: name.to_string(),
        published: None,
        format: f,
        format_explicit: true,
        title: title.to_string(),
        draft: false,
        active,
        applications,
        appeals,
        processing_fees,
        acknowledge: Vec::new(),
        revisions: Vec::new(),
        body: Default::default(),
        locations: crate::report::Locations::new(f),
    }
}

/// Why a report is left out of a roll-up.
pub const EXCLUDED_FORMAT: &str = "format";

/// The roll-up (汇总) of a set of reports of one year.
#[derive(Debug, Clone)]
pub struct Rollup {
    /// The region's slug; `None` for the whole site.
    pub slug: Option<String>,
    /// The region's full name, or the site's title.
    pub name: String,
    pub year: u16,
    /// The default edition of the year: the one summed.
    pub format: &'static FormatDef,
    /// The agencies whose reports are summed, by slug.
    pub reports: Vec<String>,
    /// 未发布: agencies of the set that published a report for the year before and none for
    /// this year.
    pub missing: Vec<String>,
    /// Reports left out, with the reason (`"format"`: on the other edition).
    pub excluded: Vec<(String, &'static str)>,
    /// Every cell, summed.
    pub cells: Vec<i64>,
    /// Its key figures.
    pub figures: KeyFigures,
    /// Fingerprint of what the roll-up is made of.
    pub fingerprint: u64,
    /// Its roll-up object as `data/rollups.json` holds it, with the URL it was written with:
    /// kept while serve keeps the roll-up (a build writes each once and keeps none).
    pub json: OnceLock<(String, Arc<[u8]>)>,
}

impl Rollup {
    /// The roll-up as a report: its tables rendered and its data written as a report's are.
    pub fn as_report(&self) -> Report {
        let (file, slug) = match &self.slug {
            Some(s) => (format!("regions/{s}/{}", self.year), s.as_str()),
            None => (format!("years/{}", self.year), ""),
        };
        let title = format!("{}{}年政府信息公开工作年度报告汇总", self.name, self.year);
        report_of_cells(
            self.format,
            &self.cells,
            &file,
            slug,
            &self.name,
            self.year,
            &title,
        )
    }
}

/// A set of agencies whose reports are rolled up: a region, or the whole site.
struct Set<'a> {
    slug: Option<&'a str>,
    name: &'a str,
    agencies: Vec<&'a str>,
}

/// The roll-ups of the site and of every region, for every year with something to show: a
/// report included or excluded, or an agency 未发布. `shown` says which reports count (drafts
/// count as none for `check` and `build`; `serve` and `--drafts` show them). Agencies that
/// `covers` a region are in no roll-up. `regions_only`, when given, limits the sets to those
/// regions (and `site` to the whole site). `before` gives a roll-up made earlier (serve's last
/// plan) for a set and year: it is kept when its fingerprint — of exactly what it sums and lists —
/// is the one it would have now.
#[allow(clippy::too_many_arguments)]
pub fn rollups(
    reports: &[Arc<Facts>],
    covers: &BTreeSet<&str>,
    all_agencies: &[&str],
    tree: &RegionTree,
    site_name: &str,
    shown: &dyn Fn(&Facts) -> bool,
    only: Option<&BTreeSet<&str>>,
    before: &Before,
) -> Vec<Arc<Rollup>> {
    // Each agency with a report shown, numbered, with the report it shows for each year (the
    // first of duplicates) and what a roll-up's fingerprint takes of it: sets look their
    // members up once, not once a year (serve runs this after every save).
    let mut ids: HashMap<&str, usize> = HashMap::default();
    let mut table: Vec<Vec<Shown>> = Vec::new();
    let mut years: Vec<u16> = Vec::new();
    let mut last: Option<(&str, usize)> = None;
    for r in reports.iter().filter(|r| shown(r)) {
        // Sorted by agency, a report is mostly of the agency before it: no lookup then.
        let id = match last {
            Some((slug, id)) if slug == r.slug => id,
            _ => *ids.entry(r.slug.as_str()).or_insert_with(|| {
                table.push(Vec::new());
                table.len() - 1
            }),
        };
        last = Some((r.slug.as_str(), id));
        if !years.contains(&r.year) {
            years.push(r.year);
        }
        if table[id].iter().all(|s| s.year != r.year) {
            table[id].push(Shown {
                year: r.year,
                facts: r,
                format: r.format.id,
                fingerprint: (r.data, r.listing),
            });
        }
    }
    years.sort_unstable();
    let mut sets: Vec<Set> = Vec::new();
    if only.is_none_or(|o| o.contains(COVERS_SITE)) {
        sets.push(Set {
            slug: None,
            name: site_name,
            agencies: all_agencies.to_vec(),
        });
    }
    for region in tree.regions() {
        if only.is_some_and(|o| !o.contains(region.slug.as_str())) {
            continue;
        }
        sets.push(Set {
            slug: Some(&region.slug),
            name: &region.name,
            agencies: region.agencies.iter().map(String::as_str).collect(),
        });
    }
    // Agencies with no report shown have nothing to sum, exclude or miss: left out.
    let members: Vec<Vec<(&str, usize)>> = sets
        .iter()
        .map(|set| {
            set.agencies
                .iter()
                .filter(|a| !covers.contains(*a))
                .filter_map(|a| Some((*a, *ids.get(a)?)))
                .collect()
        })
        .collect();
    // Year by year, every set in parallel.
    let mut out: Vec<(usize, Arc<Rollup>)> = Vec::new();
    for &year in &years {
        let f = FormatDef::for_year(year);
        let of_year: Vec<(usize, Arc<Rollup>)> = sets
            .par_iter()
            .zip(&members)
            .enumerate()
            .filter_map(|(k, (set, members))| {
                rollup_of(set, members, year, f, &table, before).map(|r| (k, r))
            })
            .collect();
        out.extend(of_year);
    }
    // Each set's roll-ups together, oldest first (years were taken in order).
    out.sort_by_key(|(k, _)| *k);
    out.into_iter().map(|(_, r)| r).collect()
}

/// A report as [`rollups`] keeps it: its year, edition and the fingerprints a roll-up's takes.
struct Shown<'a> {
    year: u16,
    facts: &'a Facts,
    format: u16,
    fingerprint: (u64, u64),
}

/// A roll-up made earlier for a set (`None`: the site) and a year.
pub type Before<'a> = dyn Fn(Option<&str>, u16) -> Option<Arc<Rollup>> + Sync + 'a;

/// One set's roll-up of a year, if it has anything to show. `members`: slug and number in
/// `table` of each agency summed.
fn rollup_of(
    set: &Set,
    members: &[(&str, usize)],
    year: u16,
    f: &'static FormatDef,
    table: &[Vec<Shown>],
    before: &Before,
) -> Option<Arc<Rollup>> {
    let mut included: Vec<(usize, &Shown)> = Vec::new();
    let mut excluded = Vec::new();
    let mut missing = Vec::new();
    let mut h = facts::hasher();
    for &(a, id) in members {
        let row = &table[id];
        match row.iter().find(|s| s.year == year) {
            Some(s) if s.format == f.id => included.push((id, s)),
            Some(_) => excluded.push((a.to_string(), EXCLUDED_FORMAT)),
            None if year > 0 && row.iter().any(|s| s.year == year - 1) => {
                missing.push(a.to_string())
            }
            None => {}
        }
    }
    if included.is_empty() && excluded.is_empty() && missing.is_empty() {
        return None;
    }
    for (_, s) in &included {
        // Both fingerprints cover the slug.
        std::hash::Hash::hash(&s.fingerprint, &mut h);
    }
    missing.sort();
    excluded.sort();
    std::hash::Hash::hash(&(set.slug, set.name, year, &missing, &excluded), &mut h);
    let fingerprint = std::hash::Hasher::finish(&h);
    if let Some(kept) = before(set.slug, year).filter(|b| b.fingerprint == fingerprint) {
        return Some(kept);
    }
    // Summed from the packed cells: serve sums only the sets a save changed (an unpacked copy
    // of every report of the year, made for them, was most of a figure edit's roll-ups).
    let mut cells = vec![0i64; layout(f).len];
    let mut slugs: Vec<String> = Vec::with_capacity(included.len());
    for (_, s) in &included {
        add_packed(&s.facts.cells, &mut cells);
        slugs.push(s.facts.slug.clone());
    }
    slugs.sort();
    let mut rollup = Rollup {
        slug: set.slug.map(str::to_string),
        name: set.name.to_string(),
        year,
        format: f,
        reports: slugs,
        missing,
        excluded,
        cells,
        figures: KeyFigures::default(),
        fingerprint,
        json: OnceLock::new(),
    };
    rollup.figures = rollup.as_report().key_figures();
    Some(Arc::new(rollup))
}

/// One row of the year-on-year comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    /// The row as the form names it (the current edition's label where both have it).
    pub label: String,
    pub now: Option<Num>,
    pub before: Option<Num>,
}

impl CompareRow {
    /// 增减: signed, with U+2212 for minus.
    pub fn change(&self) -> String {
        match (self.now, self.before) {
            (Some(a), Some(b)) => signed(sub(a, b)),
            _ => "—".into(),
        }
    }

    /// 增减幅度: one decimal with the sign of 增减, rounded half away from zero; `—` when 上年 is 0.
    pub fn rate(&self) -> String {
        let (Some(a), Some(b)) = (self.now, self.before) else {
            return "—".into();
        };
        let (a, b) = (scaled(a), scaled(b));
        if b == 0 {
            return "—".into();
        }
        let diff = a - b;
        if diff == 0 {
            return "0.0%".into();
        }
        // Tenths of a percent, exactly: diff · 1000 / |b|, rounded half away from zero.
        let num = i128::from(diff) * 1000;
        let den = i128::from(b.abs());
        let q = (num.abs() * 2 + den) / (2 * den);
        let mut out = String::with_capacity(16);
        out.push_str(if diff < 0 { "\u{2212}" } else { "+" });
        out.push_str(itoa::Buffer::new().format(q / 10));
        out.push('.');
        out.push_str(itoa::Buffer::new().format(q % 10));
        out.push('%');
        out
    }
}

fn scaled(n: Num) -> i64 {
    match n {
        Num::Int(i) => i.saturating_mul(Num::SCALE),
        Num::Dec(d) => d,
    }
}

fn sub(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Num::Int(x - y),
        _ => Num::Dec(scaled(a) - scaled(b)),
    }
}

/// A value as printed (integers the fast way: a comparison is on every report page).
pub fn text(n: Num) -> String {
    match n {
        Num::Int(i) => itoa::Buffer::new().format(i).to_string(),
        n => n.to_string(),
    }
}

fn signed(n: Num) -> String {
    let text = text(n);
    match text.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None if scaled(n) == 0 => "0".into(),
        None => format!("+{text}"),
    }
}

/// How a row of the comparison is computed from an edition's cells.
#[derive(Debug)]
enum Measure {
    /// The sum of these cells (a count).
    Sum(Vec<usize>),
    /// One cell of a column of this kind.
    Cell(usize, ValueKind),
}

/// A row of the comparison in one edition.
#[derive(Debug)]
struct CompareDef {
    /// Stable across editions where the row means the same.
    key: String,
    label: String,
    measure: Measure,
}

/// The rows the comparison shows in an edition (across.md: table 三's 一, 二, （一）…（六）,
/// （七）总计, 四; table 四's groups; table 二's rows by their main figure), built once.
fn comparison_defs(f: &'static FormatDef) -> &'static [CompareDef] {
    static CACHE: OnceLock<Vec<Vec<CompareDef>>> = OnceLock::new();
    let all = CACHE.get_or_init(|| EDITIONS.iter().map(|f| build_comparison_defs(f)).collect());
    let i = EDITIONS.iter().position(|e| e.id == f.id).unwrap_or(0);
    &all[i]
}

fn build_comparison_defs(f: &'static FormatDef) -> Vec<CompareDef> {
    let l = layout(f);
    let t = &f.applications;
    let mut out = Vec::new();
    // Table 三: each top row and each result group, by its 总计 (every cell of the rows under it).
    let cells_under = |prefix: &str| -> Vec<usize> {
        let dotted = format!("{prefix}.");
        l.applications
            .iter()
            .filter(|(p, _)| *p == prefix || p.starts_with(&dotted))
            .flat_map(|(_, at)| *at..at + 6)
            .collect()
    };
    for row in t.rows {
        let shown = row.depth() == 0 || (row.depth() == 1 && row.path.starts_with("results."));
        if !shown || row.path == "results" {
            continue;
        }
        let cells = if row.kind == AppRowKind::Total {
            cells_under("results")
        } else {
            cells_under(row.path)
        };
        out.push(CompareDef {
            key: format!("applications.{}", row.path),
            label: row.label.to_string(),
            measure: Measure::Sum(cells),
        });
    }
    for (g, (_, at)) in f.appeals.groups.iter().zip(&l.appeals) {
        out.push(CompareDef {
            key: format!("appeals.{}", g.key),
            label: format!("{}（{}）", g.label(), f.appeals.total_label),
            measure: Measure::Sum((*at..at + 4).collect()),
        });
    }
    for (block, row) in f.active_rows() {
        let Some((_, at, kinds)) = l.active.iter().find(|(k, _, _)| *k == row.key) else {
            continue;
        };
        let (measure, what) = match block.main {
            Main::Col(c) => (Measure::Cell(at + c, kinds[c]), block.columns[c].header()),
            Main::Sum(a, b) => (
                Measure::Sum(vec![at + a, at + b]),
                format!("{} + {}", block.columns[a].label, block.columns[b].label),
            ),
        };
        // The fees row is an item count in 2019 and an amount in 2021: not comparable.
        let key = if row.key == "fees" {
            format!("active.fees.{}", f.id)
        } else {
            format!("active.{}", row.key)
        };
        out.push(CompareDef {
            key,
            label: format!("{}（{what}）", row.label),
            measure,
        });
    }
    out
}

impl CompareDef {
    fn value(&self, cells: &[i64]) -> Num {
        let get = |i: usize| cells.get(i).copied().unwrap_or(0);
        match &self.measure {
            Measure::Sum(v) => Num::Int(v.iter().map(|&i| get(i)).sum()),
            Measure::Cell(i, kind) => num(get(*i), *kind),
        }
    }
}

/// The year-on-year comparison: the rows of the current edition (and those only the previous
/// one has), this year's value and last year's (`None` where an edition has no such row).
pub fn compare(
    now: (&'static FormatDef, &[i64]),
    before: (&'static FormatDef, &[i64]),
) -> Vec<CompareRow> {
    let a = comparison_defs(now.0);
    let b = comparison_defs(before.0);
    let (matches, only_before) = pairing(now.0, before.0);
    let mut out: Vec<CompareRow> = a
        .iter()
        .zip(matches)
        .map(|(d, m)| CompareRow {
            label: d.label.clone(),
            now: Some(d.value(now.1)),
            before: m.map(|j| b[j].value(before.1)),
        })
        .collect();
    out.extend(only_before.iter().map(|&j| CompareRow {
        label: b[j].label.clone(),
        now: None,
        before: Some(b[j].value(before.1)),
    }));
    out
}

/// For two editions (this year's, the year before's): the row of the second matching each row
/// of the first, and the rows only the second has; worked out once per pair.
fn pairing(now: &FormatDef, before: &FormatDef) -> &'static (Vec<Option<usize>>, Vec<usize>) {
    type Pairs = Vec<((u16, u16), (Vec<Option<usize>>, Vec<usize>))>;
    static CACHE: OnceLock<Pairs> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        let mut out = Vec::new();
        for x in EDITIONS {
            for y in EDITIONS {
                let (a, b) = (comparison_defs(x), comparison_defs(y));
                let matches = a
                    .iter()
                    .map(|d| b.iter().position(|e| e.key == d.key))
                    .collect();
                let only = (0..b.len())
                    .filter(|&j| !a.iter().any(|d| d.key == b[j].key))
                    .collect();
                out.push(((x.id, y.id), (matches, only)));
            }
        }
        out
    });
    all.iter()
        .find(|(k, _)| *k == (now.id, before.id))
        .map(|(_, v)| v)
        .unwrap_or_else(|| &all[0].1)
}

/// W103: each published report (on its year's default edition) of an agency that `covers` a
/// region (`covering`: agency slug and region name, or `site`) is compared with that region's
/// roll-up computed from the region's reports, cell by cell, and in （七）总计.
///
/// Each diagnostic comes with the cell it is about (key path and column), for the caller to
/// place it where the cell is written: the facts of a report do not hold every cell's position.
pub fn covering_diagnostics(
    reports: &[Arc<Facts>],
    covering: &[(&str, &str)],
    rollups: &[Arc<Rollup>],
    tree: &RegionTree,
    site_title: &str,
) -> Vec<(Diagnostic, String, usize)> {
    let mut out = Vec::new();
    for (agency, region) in covering {
        let target = match tree.index_of_name(region) {
            Some(i) if *region != COVERS_SITE => Some(tree.regions()[i].slug.as_str()),
            _ => None,
        };
        for r in reports.iter().filter(|r| {
            r.slug == *agency && !r.draft && r.format.id == FormatDef::for_year(r.year).id
        }) {
            let Some(roll) = rollups
                .iter()
                .find(|x| x.year == r.year && x.slug.as_deref() == target)
            else {
                continue;
            };
            let mine = unpack(&r.cells, layout(r.format).len);
            differences(r, &mine, roll, site_title, &mut out);
        }
    }
    out
}

fn differences(
    r: &Facts,
    mine: &[i64],
    roll: &Rollup,
    site_title: &str,
    out: &mut Vec<(Diagnostic, String, usize)>,
) {
    let f = r.format;
    let l = layout(f);
    let whose = if roll.slug.is_some() {
        roll.name.clone()
    } else {
        site_title.to_string()
    };
    let missing = if roll.missing.is_empty() {
        String::new()
    } else {
        format!("；汇总中未发布的机关：{}", roll.missing.join("、"))
    };
    let mut diag = |at: (String, usize), label: String, col: String, expected: Num, found: Num| {
        let mut d = r.diagnostic(
            Code::W103,
            r.year_at,
            format!(
                "“{label}”的“{col}”与{whose}各机关 {} 年报告的汇总不一致：汇总为 {expected}，本报告为 {found}{missing}",
                r.year
            ),
        );
        d.row(label)
            .col(col)
            .expected(expected.to_json())
            .found(found.to_json())
            .label(format!("汇总为 {expected}"));
        out.push((d, at.0, at.1));
    };
    for (block, row) in f.active_rows() {
        let Some((_, at, kinds)) = l.active.iter().find(|(k, _, _)| *k == row.key) else {
            continue;
        };
        for (i, c) in block.columns.iter().enumerate() {
            let (a, b) = (roll.cells[at + i], mine[at + i]);
            if a != b {
                diag(
                    (format!("active.{}", row.key), i),
                    row.label.into(),
                    c.header(),
                    num(a, kinds[i]),
                    num(b, kinds[i]),
                );
            }
        }
    }
    let t = &f.applications;
    for (path, at) in &l.applications {
        let label = t
            .rows
            .iter()
            .find(|x| x.path == *path)
            .map_or("", |x| x.label);
        for i in 0..6 {
            let (a, b) = (roll.cells[at + i], mine[at + i]);
            if a != b {
                diag(
                    (format!("applications.{path}"), i),
                    label.into(),
                    t.columns[i].into(),
                    Num::Int(a),
                    Num::Int(b),
                );
            }
        }
    }
    // （七）总计, per column and in all.
    let total = |cells: &[i64], i: usize| -> i64 {
        t.rows
            .iter()
            .filter(|x| x.role == crate::format::AppRole::Result)
            .filter_map(|x| l.applications.iter().find(|(p, _)| *p == x.path))
            .map(|(_, at)| cells[at + i])
            .sum()
    };
    if let Some(row) = t.rows.iter().find(|x| x.kind == AppRowKind::Total) {
        for i in 0..6 {
            let (a, b) = (total(&roll.cells, i), total(mine, i));
            if a != b {
                diag(
                    (format!("applications.{}", row.path), i),
                    row.label.into(),
                    t.columns[i].into(),
                    Num::Int(a),
                    Num::Int(b),
                );
            }
        }
    }
    for (g, (_, at)) in f.appeals.groups.iter().zip(&l.appeals) {
        for i in 0..4 {
            let (a, b) = (roll.cells[at + i], mine[at + i]);
            if a != b {
                diag(
                    (format!("appeals.{}", g.key), i),
                    g.label(),
                    f.appeals.columns[i].into(),
                    Num::Int(a),
                    Num::Int(b),
                );
            }
        }
    }
    if let (Some(at), Some(fees)) = (l.fees, &f.processing_fees) {
        for (i, key, col, kind) in [
            (0, "notices", fees.notices_label, ValueKind::Count),
            (
                1,
                "amount",
                fees.amount_label,
                ValueKind::Amount { decimals: 2 },
            ),
        ] {
            let (a, b) = (roll.cells[at + i], mine[at + i]);
            if a != b {
                diag(
                    (format!("processing_fees.{key}"), 0),
                    fees.label.into(),
                    col.into(),
                    num(a, kind),
                    num(b, kind),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_pack_and_add_exactly() {
        let cells = vec![0, 1, -3, 127, 128, 1_000_000_000, -1_000_000_000, 3_000, 1];
        let packed = pack(&cells);
        assert_eq!(unpack(&packed, cells.len()), cells);
        let mut sum = vec![0; cells.len()];
        add_packed(&packed, &mut sum);
        add_packed(&packed, &mut sum);
        assert_eq!(sum, cells.iter().map(|c| 2 * c).collect::<Vec<_>>());
        // 0.1 + 0.2 in ten-thousandths is 0.3 exactly.
        assert_eq!(Num::Dec(1_000 + 2_000).to_string(), "0.3");
    }

    #[test]
    fn change_and_rate_as_across_md_writes_them() {
        let row = |now, before| CompareRow {
            label: String::new(),
            now: Some(Num::Int(now)),
            before: Some(Num::Int(before)),
        };
        assert_eq!(
            (row(61, 55).change(), row(61, 55).rate()),
            ("+6".into(), "+10.9%".into())
        );
        assert_eq!(
            (row(49, 50).change(), row(49, 50).rate()),
            ("\u{2212}1".into(), "\u{2212}2.0%".into())
        );
        assert_eq!(
            (row(5, 5).change(), row(5, 5).rate()),
            ("0".into(), "0.0%".into())
        );
        assert_eq!(row(3, 0).rate(), "—");
        // Half away from zero: 1/8 = 12.5 % exactly, −1/8 too.
        assert_eq!(row(9, 8).rate(), "+12.5%");
        assert_eq!(row(1, 16).rate(), "\u{2212}93.8%");
        let one_sided = CompareRow {
            label: String::new(),
            now: Some(Num::Int(1)),
            before: None,
        };
        assert_eq!(
            (one_sided.change(), one_sided.rate()),
            ("—".into(), "—".into())
        );
    }

    #[test]
    fn a_report_of_its_own_cells_has_the_same_tables() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for name in ["2020.md", "2021.md"] {
            let text = std::fs::read_to_string(
                root.join("tests/fixtures/valid/content/demo-ju").join(name),
            )
            .unwrap();
            let file = format!("content/demo-ju/{name}");
            let ctx = crate::validate::FileContext {
                file: &file,
                slug: "demo-ju",
                this_year: 2026,
            };
            let r = crate::validate::read_report(&ctx, &text).0.unwrap();
            let cells = cells_of(&r);
            let again = report_of_cells(
                r.format, &cells, &r.file, &r.slug, &r.agency, r.year, &r.title,
            );
            assert_eq!(again.application_rows(), r.application_rows(), "{name}");
            assert_eq!(again.key_figures(), r.key_figures(), "{name}");
            assert_eq!(cells_of(&again), cells, "{name}");
        }
    }
}
