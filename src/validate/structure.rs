//! N001–N007, N011: reads a report's front matter into the typed model, saying what is wrong.

use std::sync::OnceLock;

use chrono::NaiveDate;

use super::{numbers, Detail, Sink};
use crate::config::suggest;
use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::format::{AppRowDef, AppRowKind, FormatDef, ValueKind, EDITIONS};
use crate::frontmatter::{self, Entry, Node, SplitError, Style};
use crate::report::{
    AppCells, AppealCells, KeyPath, Locations, Num, PathTable, ProcessingFees, Report, FEE_KEYS,
    TOP_KEYS,
};

const REQUIRED: &[&str] = &["agency", "year", "active", "applications", "appeals"];

/// Where a report file stands.
#[derive(Debug, Clone, Copy)]
pub struct FileContext<'a> {
    /// Path relative to the site root.
    pub file: &'a str,
    /// The agency folder name.
    pub slug: &'a str,
    /// The current calendar year (reports of later years are refused).
    pub this_year: i32,
}

impl FileContext<'_> {
    /// The year the file name gives (`2020.md` → 2020).
    fn file_year(&self) -> Option<u16> {
        let name = self.file.rsplit('/').next()?;
        let stem = name.strip_suffix(".md")?;
        if stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit()) {
            stem.parse().ok()
        } else {
            None
        }
    }
}

/// Reads one report. Returns the model where the front matter could be read at all (even with
/// errors, so that later rules still run on what is there), and every diagnostic found.
pub fn read_report(ctx: &FileContext, text: &str) -> (Option<Report>, Vec<Diagnostic>) {
    let mut sink = Sink::new(ctx.file);
    let report = read(ctx, text, &mut sink);
    // A full-width comma or colon, named at its character rather than by what it broke.
    crate::fullwidth::explain_file(ctx.file, text, &mut sink.diags);
    (report, sink.diags)
}

fn read(ctx: &FileContext, text: &str, sink: &mut Sink) -> Option<Report> {
    let split = match frontmatter::split(text) {
        Ok(s) => s,
        Err(SplitError::NoOpening) => {
            sink.add(
                Code::N001,
                Pos::new(1, 1, 3),
                "文件必须以一行 --- 开始，其后是前置数据（YAML）",
            )
            .expected("---")
            .label("此处应为 ---");
            return None;
        }
        Err(SplitError::NotClosed) => {
            sink.add(
                Code::N001,
                Pos::new(1, 1, 3),
                "前置数据没有结束：在表格数据之后、正文之前需要一行 ---",
            )
            .label("前置数据从这里开始，但没有结束的 ---");
            return None;
        }
    };
    let root = match frontmatter::parse(split.yaml, split.yaml_line) {
        Ok(n) => n,
        Err(e) => {
            sink.add(Code::N002, e.pos, e.message).label("YAML 错误");
            return None;
        }
    };
    let empty;
    let entries: &[Entry] = if root.is_null() {
        empty = Vec::new();
        &empty
    } else if let Some(m) = root.as_map() {
        m
    } else {
        sink.add(
            Code::N002,
            root.pos,
            format!("前置数据必须是“键: 值”的映射，实为{}", root.describe()),
        );
        return None;
    };

    let mut r = Reader {
        sink,
        loc: Locations::default(),
    };
    let get = |k: &str| entries.iter().find(|e| e.key == k);

    // Year and edition first: the edition decides which keys are valid.
    let file_year = ctx.file_year();
    let year = get("year").and_then(|e| r.year(ctx, e, file_year));
    if file_year.is_none() {
        let pos = get("year").map_or(Pos::START, |e| e.key_pos);
        let name = ctx.file.rsplit('/').next().unwrap_or(ctx.file);
        r.sink
            .add(
                Code::N007,
                pos,
                format!("报告文件名“{name}”必须是报告年度，例如 2020.md"),
            )
            .found(name);
    }
    let year_for_edition = year.or(file_year).unwrap_or(2021);
    let (format, format_explicit) = match get("format") {
        Some(e) if !e.value.is_null() => match numbers::count(&e.value)
            .ok()
            .and_then(|v| u16::try_from(v).ok())
            .and_then(FormatDef::by_id)
        {
            Some(f) => (f, true),
            // `format: "2021"`: the edition is right, the quotes are not.
            None if e.value.scalar().is_some_and(|(t, style)| {
                style != Style::Plain && t.trim().parse().ok().and_then(FormatDef::by_id).is_some()
            }) =>
            {
                let text = scalar_text(&e.value);
                let m = numbers::count(&e.value).err().unwrap_or_default();
                r.sink
                    .add(Code::N006, e.value.pos, format!("format 的{m}"))
                    .found(text)
                    .label("格式版本");
                (FormatDef::for_year(year_for_edition), false)
            }
            None => {
                let ids: Vec<String> = EDITIONS.iter().map(|f| f.id.to_string()).collect();
                r.sink
                    .add(
                        Code::N011,
                        e.value.pos,
                        format!(
                            "format 只能是 {}，实为“{}”",
                            ids.join(" 或 "),
                            scalar_text(&e.value)
                        ),
                    )
                    .found(scalar_text(&e.value))
                    .label("未知的格式版本");
                (FormatDef::for_year(year_for_edition), false)
            }
        },
        _ => (FormatDef::for_year(year_for_edition), false),
    };

    let mut report = Report {
        file: ctx.file.to_string(),
        slug: ctx.slug.to_string(),
        year: year.or(file_year).unwrap_or(0),
        agency: String::new(),
        published: None,
        format,
        format_explicit,
        title: String::new(),
        draft: false,
        active: Default::default(),
        applications: Default::default(),
        appeals: Default::default(),
        processing_fees: None,
        acknowledge: Vec::new(),
        revisions: Vec::new(),
        body: Default::default(),
        locations: Locations::default(),
    };

    r.loc = Locations::new(format);
    // Read after the loop: its dates are checked against `published`, wherever that stands.
    let mut revisions = None;
    for e in entries {
        let at = r.loc.key_path(&e.key);
        r.loc.set_key(at, e.key_pos);
        r.loc.set_cells(at, [e.value.pos]);
        match &*e.key {
            "year" | "format" => {}
            "agency" => {
                if let Some(s) = r.string(e, "机关名称") {
                    report.agency = s;
                }
            }
            "title" => {
                if let Some(s) = r.string(e, "标题") {
                    report.title = s;
                }
            }
            "published" => report.published = r.published(e, year),
            "draft" => report.draft = r.boolean(e),
            "active" => r.active(format, e, &mut report),
            "applications" => r.applications(format, e, &mut report),
            "appeals" => r.appeals(format, e, &mut report),
            "processing_fees" => r.fees(format, e, &mut report),
            "acknowledge" => {
                report.acknowledge =
                    super::acknowledge::read(e, super::acknowledge::Place::Report, r.sink)
            }
            "revisions" => revisions = Some(e),
            other => {
                let mut m = format!("未知的键“{other}”");
                if let Some(s) = suggest(other, TOP_KEYS.iter().copied()) {
                    m.push_str(&format!("，是否应为“{s}”？"));
                }
                r.sink
                    .add(Code::N003, e.key_pos.with_width(other), m)
                    .found(other)
                    .label("未知的键");
            }
        }
    }
    if let Some(e) = revisions {
        report.revisions = super::revisions::read(e, report.published, r.sink);
    }
    for key in REQUIRED {
        if get(key).is_none_or(|e| e.value.is_null()) {
            // `row` names a table by its heading; agency and year are no table rows.
            let (what, row) = match *key {
                "agency" => ("机关名称（agency）".to_string(), None),
                "year" => ("报告年度（year）".to_string(), None),
                k => {
                    let t = match k {
                        "active" => format.table_section(crate::format::TableId::Active),
                        "applications" => {
                            format.table_section(crate::format::TableId::Applications)
                        }
                        _ => format.table_section(crate::format::TableId::Appeals),
                    };
                    (format!("表格“{}”（{k}）", t.heading()), Some(t.heading()))
                }
            };
            let pos = get(key).map_or(Pos::new(1, 1, 3), |e| e.key_pos);
            let d = r.sink.add(Code::N004, pos, format!("缺少{what}"));
            if let Some(row) = row {
                d.row(row);
            }
        }
    }
    if report.title.is_empty() && !report.agency.is_empty() {
        report.title = format!("{}{}年政府信息公开工作年度报告", report.agency, report.year);
    }
    report.body = crate::markdown::sections(split.body, split.body_line);
    report.locations = r.loc;
    // Where the body is reported as missing a section, point at the body's first line.
    report.locations.set_key(
        KeyPath::Known(PathTable::of(format).body),
        Pos::line(split.close_line),
    );
    Some(report)
}

/// Why a date written in the right form, `YYYY-MM-DD`, is no day of the calendar
/// (`2026-02-30`); `None` when the form itself is wrong, or the date is real.
fn not_a_real_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let form = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !form {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (
        s[..4].parse().ok()?,
        s[5..7].parse().ok()?,
        s[8..].parse().ok()?,
    );
    if !(1..=12).contains(&m) {
        return Some(format!("月份应为 01 至 12，实为 {:02}", m));
    }
    let days = (28..=31)
        .rev()
        .find(|&n| NaiveDate::from_ymd_opt(y, m, n).is_some())?;
    (d == 0 || d > days).then(|| format!("{y} 年 {m} 月只有 {days} 天"))
}

fn scalar_text(n: &Node) -> String {
    n.scalar()
        .map_or_else(|| n.describe().to_string(), |(s, _)| s.to_string())
}

trait PosExt {
    fn with_width(self, s: &str) -> Pos;
}

impl PosExt for Pos {
    fn with_width(self, s: &str) -> Pos {
        Pos {
            width: s.chars().count() as u32,
            ..self
        }
    }
}

struct Reader<'s, 'a> {
    sink: &'s mut Sink<'a>,
    loc: Locations,
}

impl Reader<'_, '_> {
    fn year(&mut self, ctx: &FileContext, e: &Entry, file_year: Option<u16>) -> Option<u16> {
        let y = match numbers::count(&e.value) {
            Ok(y) => y,
            Err(m) => {
                self.sink
                    .add(Code::N006, e.value.pos, format!("报告年度（year）{m}"))
                    .row("报告年度")
                    .label("应为四位年份");
                return None;
            }
        };
        let this_year = ctx.this_year.max(2008) as u64;
        if !(2008..=this_year).contains(&y) {
            self.sink
                .add(
                    Code::N007,
                    e.value.pos,
                    format!("报告年度 {y} 不在 2008 至 {this_year} 年之间"),
                )
                .found(y)
                .label("报告年度");
            return None;
        }
        let y = y as u16;
        if let Some(fy) = file_year {
            if fy != y {
                self.sink
                    .add(
                        Code::N007,
                        e.value.pos,
                        format!("报告年度 year: {y} 与文件名 {fy:04}.md 不一致"),
                    )
                    .expected(fy)
                    .found(y)
                    .label("与文件名不一致");
            }
        }
        Some(y)
    }

    fn string(&mut self, e: &Entry, what: &str) -> Option<String> {
        if e.value.is_null() {
            return None;
        }
        match e.value.scalar() {
            // Control characters are invisible on the page and make the feed invalid XML.
            Some((s, _)) if s.trim().chars().any(char::is_control) => {
                self.sink
                    .add(
                        Code::N006,
                        e.value.pos,
                        format!("{what}（{}）含有控制字符（如换行、制表符），请删除", e.key),
                    )
                    .found(s.trim().escape_default().to_string());
                None
            }
            Some((s, _)) if s.contains(super::is_bidi_control) => {
                let c = s
                    .chars()
                    .find(|c| super::is_bidi_control(*c))
                    .unwrap_or_default();
                self.sink
                    .add(
                        Code::N006,
                        e.value.pos,
                        super::bidi_message(what, &e.key, c),
                    )
                    .found(s.trim().escape_unicode().to_string());
                None
            }
            Some((s, _)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(_) => {
                self.sink.add(
                    Code::N006,
                    e.value.pos,
                    format!("{what}（{}）不能为空", e.key),
                );
                None
            }
            None => {
                self.sink.add(
                    Code::N006,
                    e.value.pos,
                    format!("{what}（{}）应为文字，实为{}", e.key, e.value.describe()),
                );
                None
            }
        }
    }

    fn boolean(&mut self, e: &Entry) -> bool {
        match e.value.scalar() {
            // The booleans of the YAML 1.2 core schema; `yes`/`on` (YAML 1.1) are refused.
            Some(("true" | "True" | "TRUE", Style::Plain)) => true,
            Some(("false" | "False" | "FALSE", Style::Plain)) => false,
            _ if e.value.is_null() => false,
            _ => {
                self.sink
                    .add(
                        Code::N006,
                        e.value.pos,
                        format!(
                            "{} 只能是 true 或 false，实为“{}”",
                            e.key,
                            scalar_text(&e.value)
                        ),
                    )
                    .found(scalar_text(&e.value));
                false
            }
        }
    }

    fn published(&mut self, e: &Entry, year: Option<u16>) -> Option<NaiveDate> {
        if e.value.is_null() {
            return None;
        }
        let text = scalar_text(&e.value);
        let date = e.value.scalar().and_then(|(s, _)| {
            let s = s.trim();
            (s.len() == 10)
                .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                .flatten()
        });
        let Some(date) = date else {
            let message = match not_a_real_date(text.trim()) {
                Some(why) => format!("发布日期（published）{} 不是真实的日期：{why}", text.trim()),
                None => {
                    format!("发布日期（published）不是有效的日期：“{text}”，应写作 YYYY-MM-DD")
                }
            };
            self.sink
                .add(Code::N007, e.value.pos, message)
                .expected("YYYY-MM-DD")
                .found(text)
                .label("发布日期");
            return None;
        };
        if let Some(y) = year {
            let earliest = NaiveDate::from_ymd_opt(i32::from(y) + 1, 1, 1)?;
            if date < earliest {
                self.sink
                    .add(
                        Code::N007,
                        e.value.pos,
                        format!(
                            "发布日期 {date} 早于报告年度结束：{y} 年报告最早于 {earliest} 发布"
                        ),
                    )
                    .expected(earliest.to_string())
                    .found(date.to_string())
                    .label("发布日期");
            }
        }
        Some(date)
    }

    /// The cells of a row: a list, or a bare scalar where one value is due.
    fn row_cells<'n, 'y>(
        &mut self,
        node: &'n Node<'y>,
        allow_bare: bool,
    ) -> Option<&'n [Node<'y>]> {
        match &node.kind {
            frontmatter::Kind::Seq(items) => Some(items),
            frontmatter::Kind::Scalar(..) if allow_bare && !node.is_null() => {
                Some(std::slice::from_ref(node))
            }
            _ => None,
        }
    }

    fn record_cells(&mut self, path: KeyPath, key_pos: Pos, cells: &[Node]) {
        self.loc.set_key(path, key_pos);
        self.loc.set_cells(path, cells.iter().map(|c| c.pos));
    }

    fn not_a_map(&mut self, e: &Entry, what: &str) {
        self.sink
            .add(
                Code::N005,
                e.value.pos,
                format!(
                    "{what}（{}）应为映射，每行一个键，实为{}",
                    e.key,
                    e.value.describe()
                ),
            )
            .row(what)
            .found(e.value.describe());
    }

    fn missing_row(&mut self, parent: &Entry, path: &str, label: &str) {
        self.sink
            .add(
                Code::N004,
                parent.key_pos.with_width(&parent.key),
                format!("缺少“{label}”这一行（{path}）；没有的请写 0"),
            )
            .row(label)
            .label(format!(
                "此处缺少 {}",
                path.rsplit('.').next().unwrap_or(path)
            ));
    }

    fn null_row(&mut self, e: &Entry, path: &str, label: &str) {
        self.sink
            .add(
                Code::N004,
                e.key_pos.with_width(&e.key),
                format!("“{label}”这一行（{path}）没有填写数值；没有的请写 0"),
            )
            .row(label)
            .label("未填写");
    }

    /// Table 二.
    fn active(&mut self, f: &'static FormatDef, e: &Entry, report: &mut Report) {
        if e.value.is_null() {
            return; // reported as missing
        }
        let Some(map) = e.value.as_map() else {
            return self.not_a_map(
                e,
                &f.table_section(crate::format::TableId::Active).heading(),
            );
        };
        let first = PathTable::of(f).active;
        for row_e in map {
            let found = f
                .active_rows()
                .enumerate()
                .find(|(_, (_, r))| r.key == row_e.key);
            let Some((i, (block, row))) = found else {
                self.unknown_key(
                    f,
                    &row_e.key,
                    row_e.key_pos,
                    "active",
                    f.active_rows().map(|(_, r)| r.key).collect(),
                );
                continue;
            };
            if row_e.value.is_null() {
                self.null_row(row_e, &["active.", &row_e.key].concat(), row.label);
                continue;
            }
            let n = block.columns.len();
            let want: Vec<&str> = block.columns.iter().map(|c| c.label).collect();
            let Some(cells) = self.row_cells(&row_e.value, n == 1) else {
                self.sink
                    .add(
                        Code::N005,
                        row_e.value.pos,
                        format!(
                            "“{}”应为 {n} 个数值的列表（{}），实为{}",
                            row.label,
                            want.join("、"),
                            row_e.value.describe()
                        ),
                    )
                    .row(row.label)
                    .expected(n)
                    .label(row.label);
                continue;
            };
            self.record_cells(KeyPath::Known(first + i as u16), row_e.key_pos, cells);
            if cells.len() != n {
                self.sink
                    .add(
                        Code::N005,
                        row_e.value.pos,
                        format!(
                            "“{}”应有 {n} 个数值（{}），实有 {} 个",
                            row.label,
                            want.join("、"),
                            cells.len()
                        ),
                    )
                    .row(row.label)
                    .expected(n)
                    .found(cells.len())
                    .label(format!("应有 {n} 个数值"));
                continue;
            }
            let mut values = Vec::with_capacity(n);
            for (cell, col) in cells.iter().zip(block.columns) {
                match numbers::read(cell, col.kind) {
                    Ok(v) => values.push(v),
                    Err(m) => {
                        self.sink
                            .add(
                                Code::N006,
                                cell.pos,
                                format!("“{}”的“{}”{m}", row.label, col.header()),
                            )
                            .row(row.label)
                            .col(col.header())
                            .expected(numbers::expectation(col.kind))
                            .found(scalar_text(cell))
                            .label(col.header());
                    }
                }
            }
            if values.len() == n {
                report.active.insert(row.key, values);
            }
        }
        for (_, row) in f.active_rows() {
            if !map.iter().any(|x| x.key == row.key) {
                self.missing_row(e, &format!("active.{}", row.key), row.label);
            }
        }
    }

    /// A key this edition does not know: N011 when another edition has it, else N003.
    fn unknown_key(&mut self, f: &FormatDef, key: &str, pos: Pos, parent: &str, known: Vec<&str>) {
        let path = format!("{parent}.{key}");
        let elsewhere = EDITIONS
            .iter()
            .find(|other| other.id != f.id && edition_has(other, &path));
        if let Some(other) = elsewhere {
            let label = edition_label(other, &path).unwrap_or_default();
            self.sink
                .add(
                    Code::N011,
                    pos.with_width(key),
                    format!(
                        "“{label}”（{key}）属于 {} 版格式，本报告使用 {} 版格式（{}）",
                        other.id, f.id, f.document
                    ),
                )
                .row(label)
                .expected(f.id)
                .found(other.id)
                .label(format!("{} 版格式没有这一项", f.id));
            return;
        }
        let mut m = format!("未知的键“{key}”（在 {parent} 中）");
        if let Some(s) = suggest(key, known.iter().copied()) {
            m.push_str(&format!("，是否应为“{s}”？"));
        }
        self.sink
            .add(Code::N003, pos.with_width(key), m)
            .found(key)
            .label("未知的键");
    }

    /// Table 三.
    fn applications(&mut self, f: &'static FormatDef, e: &Entry, report: &mut Report) {
        if e.value.is_null() {
            return;
        }
        if e.value.as_map().is_none() {
            return self.not_a_map(
                e,
                &f.table_section(crate::format::TableId::Applications)
                    .heading(),
            );
        }
        self.app_group(f, e, None, report);
    }

    /// Reads the children of a group of table 三: the group at row `group`, or the top level.
    fn app_group(
        &mut self,
        f: &'static FormatDef,
        e: &Entry,
        group: Option<usize>,
        report: &mut Report,
    ) {
        let map = e.value.as_map().unwrap_or(&[]);
        let children = &app_children(f)[group.map_or(0, |g| g + 1)];
        let first = PathTable::of(f).applications;
        for child in map {
            let Some(&(_, def, i)) = children.iter().find(|(k, _, _)| *k == child.key) else {
                let parent = match group {
                    None => "applications".to_string(),
                    Some(g) => format!("applications.{}", f.applications.rows[g].path),
                };
                self.unknown_key(
                    f,
                    &child.key,
                    child.key_pos,
                    &parent,
                    children.iter().map(|(k, _, _)| *k).collect(),
                );
                continue;
            };
            let at = KeyPath::Known(first + i as u16);
            if child.value.is_null() {
                self.null_row(child, &["applications.", def.path].concat(), def.label);
                continue;
            }
            match def.kind {
                AppRowKind::Group => {
                    if child.value.as_map().is_some() {
                        self.loc.set_key(at, child.key_pos);
                        self.app_group(f, child, Some(i), report);
                    } else {
                        self.shape_mismatch(f, child, def.path, def.label, true);
                    }
                }
                AppRowKind::Data | AppRowKind::Total => {
                    let Some(cells) = self.row_cells(&child.value, false) else {
                        self.shape_mismatch(f, child, def.path, def.label, false);
                        continue;
                    };
                    self.record_cells(at, child.key_pos, cells);
                    let cols = &f.applications.columns;
                    if cells.len() != 6 && cells.len() != 7 {
                        self.sink
                            .add(
                                Code::N005,
                                child.value.pos,
                                format!(
                                    "“{}”应有 6 个数值（{}），或再加总计共 7 个，实有 {} 个",
                                    def.label,
                                    cols.join("、"),
                                    cells.len()
                                ),
                            )
                            .row(def.label)
                            .expected("6 或 7")
                            .found(cells.len())
                            .label("应有 6 或 7 个数值");
                        continue;
                    }
                    let mut values = [0u64; 7];
                    let mut ok = true;
                    for (i, cell) in cells.iter().enumerate() {
                        let col = cols.get(i).copied().unwrap_or(f.applications.total_label);
                        match numbers::count(cell) {
                            Ok(v) => values[i] = v,
                            Err(m) => {
                                ok = false;
                                self.sink
                                    .add(
                                        Code::N006,
                                        cell.pos,
                                        format!("“{}”的“{col}”{m}", def.label),
                                    )
                                    .row(def.label)
                                    .col(col)
                                    .expected(numbers::expectation(ValueKind::Count))
                                    .found(scalar_text(cell))
                                    .label(col);
                            }
                        }
                    }
                    if ok {
                        let mut six = [0; 6];
                        six.copy_from_slice(&values[..6]);
                        let total = (cells.len() == 7).then_some(values[6]);
                        report
                            .applications
                            .insert(def.path, AppCells { cells: six, total });
                    }
                }
            }
        }
        for &(key, def, _) in children {
            if def.kind != AppRowKind::Total && !map.iter().any(|x| x.key == key) {
                self.missing_row(e, &format!("applications.{}", def.path), def.label);
            }
        }
    }

    /// A row written as a list where the edition has a group, or the reverse.
    fn shape_mismatch(
        &mut self,
        f: &FormatDef,
        e: &Entry,
        path: &str,
        label: &str,
        want_group: bool,
    ) {
        let other = EDITIONS.iter().find(|o| {
            o.id != f.id
                && o.app_row(path)
                    .is_some_and(|d| (d.kind == AppRowKind::Group) != want_group)
        });
        if let Some(o) = other {
            let how = if want_group {
                "分为若干项，应写成映射"
            } else {
                "是一行 6 个数值"
            };
            let m = format!(
                "“{label}”在本报告所用的 {} 版格式中{how}；现在的写法属于 {} 版格式",
                f.id, o.id
            );
            self.sink
                .add(Code::N011, e.key_pos.with_width(&e.key), m)
                .row(label)
                .expected(f.id)
                .found(o.id)
                .label(label);
        } else if want_group {
            let m = format!(
                "“{label}”是分组，应写成映射并列出其下各项，实为{}",
                e.value.describe()
            );
            self.sink
                .add(Code::N005, e.value.pos, m)
                .row(label)
                .found(e.value.describe())
                .label(label);
        } else {
            let m = format!(
                "“{label}”应为 6 或 7 个数值的列表，实为{}",
                e.value.describe()
            );
            self.sink
                .add(Code::N005, e.value.pos, m)
                .row(label)
                .expected("6 或 7")
                .found(e.value.describe())
                .label(label);
        }
    }

    /// Table 四.
    fn appeals(&mut self, f: &'static FormatDef, e: &Entry, report: &mut Report) {
        if e.value.is_null() {
            return;
        }
        let Some(map) = e.value.as_map() else {
            return self.not_a_map(
                e,
                &f.table_section(crate::format::TableId::Appeals).heading(),
            );
        };
        let t = &f.appeals;
        let first = PathTable::of(f).appeals;
        for g_e in map {
            let Some((i, group)) = t.groups.iter().enumerate().find(|(_, g)| g.key == g_e.key)
            else {
                self.unknown_key(
                    f,
                    &g_e.key,
                    g_e.key_pos,
                    "appeals",
                    t.groups.iter().map(|g| g.key).collect(),
                );
                continue;
            };
            let label = group.label();
            if g_e.value.is_null() {
                self.null_row(g_e, &["appeals.", &g_e.key].concat(), &label);
                continue;
            }
            let Some(cells) = self.row_cells(&g_e.value, false) else {
                self.sink
                    .add(
                        Code::N005,
                        g_e.value.pos,
                        format!(
                            "“{label}”应为 4 或 5 个数值的列表（{}[、总计]），实为{}",
                            t.columns.join("、"),
                            g_e.value.describe()
                        ),
                    )
                    .row(label.clone())
                    .expected("4 或 5")
                    .label(label);
                continue;
            };
            self.record_cells(KeyPath::Known(first + i as u16), g_e.key_pos, cells);
            if cells.len() != 4 && cells.len() != 5 {
                self.sink
                    .add(
                        Code::N005,
                        g_e.value.pos,
                        format!(
                            "“{label}”应有 4 个数值（{}），或再加总计共 5 个，实有 {} 个",
                            t.columns.join("、"),
                            cells.len()
                        ),
                    )
                    .row(label.clone())
                    .expected("4 或 5")
                    .found(cells.len())
                    .label("应有 4 或 5 个数值");
                continue;
            }
            let mut values = [0u64; 5];
            let mut ok = true;
            for (i, cell) in cells.iter().enumerate() {
                let col = t.columns.get(i).copied().unwrap_or(t.total_label);
                match numbers::count(cell) {
                    Ok(v) => values[i] = v,
                    Err(m) => {
                        ok = false;
                        self.sink
                            .add(Code::N006, cell.pos, format!("“{label}”的“{col}”{m}"))
                            .row(label.clone())
                            .col(col)
                            .expected(numbers::expectation(ValueKind::Count))
                            .found(scalar_text(cell))
                            .label(col);
                    }
                }
            }
            if ok {
                let [a, b, c, d, total] = values;
                report.appeals.insert(
                    group.key,
                    AppealCells {
                        cells: [a, b, c, d],
                        total: (cells.len() == 5).then_some(total),
                    },
                );
            }
        }
        for g in t.groups {
            if !map.iter().any(|x| x.key == g.key) {
                self.missing_row(e, &format!("appeals.{}", g.key), &g.label());
            }
        }
    }

    /// 信息处理费 (2021).
    fn fees(&mut self, f: &'static FormatDef, e: &Entry, report: &mut Report) {
        let Some(def) = &f.processing_fees else {
            let other = EDITIONS
                .iter()
                .find(|o| o.processing_fees.is_some())
                .map_or(2021, |o| o.id);
            self.sink
                .add(Code::N011, e.key_pos.with_width(&e.key), format!("信息处理费（processing_fees）属于 {other} 版格式，本报告使用 {} 版格式（{}）", f.id, f.document))
                .expected(f.id)
                .found(other)
                .label(format!("{} 版格式没有这一项", f.id));
            return;
        };
        if e.value.is_null() {
            let at = e.key_pos.with_width(&e.key);
            return super::compliance::missing_fees(self.sink, f, at, "processing_fees 没有填写");
        }
        let Some(map) = e.value.as_map() else {
            return self.not_a_map(e, def.label);
        };
        let mut notices = None;
        let mut amount = None;
        let fees = PathTable::of(f).fees;
        for x in map {
            let (kind, label) = match &*x.key {
                "notices" => (ValueKind::Count, def.notices_label),
                "amount" => (
                    ValueKind::Amount {
                        decimals: def.amount_decimals,
                    },
                    def.amount_label,
                ),
                other => {
                    let mut m = format!("未知的键“{other}”（在 processing_fees 中）");
                    if let Some(s) = suggest(other, ["notices", "amount"]) {
                        m.push_str(&format!("，是否应为“{s}”？"));
                    }
                    self.sink
                        .add(Code::N003, x.key_pos.with_width(other), m)
                        .found(other)
                        .label("未知的键");
                    continue;
                }
            };
            let at = KeyPath::Known(fees + u16::from(x.key == FEE_KEYS[1]));
            self.loc.set_key(at, x.key_pos);
            self.loc.set_cells(at, [x.value.pos]);
            match numbers::read(&x.value, kind) {
                Ok(v) if x.key == "notices" => notices = Some(v),
                Ok(v) => amount = Some(v),
                Err(m) => {
                    self.sink
                        .add(
                            Code::N006,
                            x.value.pos,
                            format!("{}的“{label}”{m}", def.label),
                        )
                        .row(def.label)
                        .col(label)
                        .expected(numbers::expectation(kind))
                        .found(scalar_text(&x.value))
                        .label(label);
                }
            }
        }
        for (key, label, got) in [
            ("notices", def.notices_label, notices.is_some()),
            ("amount", def.amount_label, amount.is_some()),
        ] {
            if !got && !map.iter().any(|x| x.key == key) {
                self.missing_row(e, &format!("processing_fees.{key}"), label);
            }
        }
        if let (Some(Num::Int(n)), Some(a)) = (notices, amount) {
            report.processing_fees = Some(ProcessingFees {
                notices: n.max(0) as u64,
                amount: a,
            });
        }
    }
}

/// The rows of table 三 directly under each group, with their keys and row numbers, per
/// edition: index 0 for the top level, `1 + i` for the group at row `i`. Built once.
fn app_children(f: &FormatDef) -> &'static [Vec<(&'static str, &'static AppRowDef, usize)>] {
    type Children = Vec<Vec<(&'static str, &'static AppRowDef, usize)>>;
    static CACHE: OnceLock<Vec<Children>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        EDITIONS
            .iter()
            .map(|f| {
                let rows = f.applications.rows;
                let under = |parent: Option<&str>| {
                    rows.iter()
                        .enumerate()
                        .filter(|(_, r)| parent.is_some_and(|p| r.parent().unwrap_or("") == p))
                        .map(|(i, r)| (r.key(), r, i))
                        .collect()
                };
                std::iter::once(under(Some("")))
                    .chain(
                        rows.iter()
                            .map(|r| under((r.kind == AppRowKind::Group).then_some(r.path))),
                    )
                    .collect()
            })
            .collect()
    });
    let i = EDITIONS.iter().position(|e| e.id == f.id).unwrap_or(0);
    &all[i]
}

fn edition_has(f: &FormatDef, path: &str) -> bool {
    edition_label(f, path).is_some()
}

fn edition_label(f: &FormatDef, path: &str) -> Option<String> {
    let (table, rest) = path.split_once('.')?;
    match table {
        "active" => f.active_row(rest).map(|(_, r)| r.label.to_string()),
        "applications" => f.app_row(rest).map(|r| r.label.to_string()),
        "appeals" => f
            .appeals
            .groups
            .iter()
            .find(|g| g.key == rest)
            .map(|g| g.label()),
        _ => None,
    }
}
