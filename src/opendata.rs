//! Open data package (site.md): `data/reports-wide.csv`, `data/datapackage.json` and the JSON
//! Schemas under `data/schema/`.
//!
//! In: a report's `report.json` (for its line of the wide CSV), the site's settings and the data
//! files planned under `data/` (for the package). Out: bytes. The wide CSV has one column per
//! cell of either edition (`<table>.<row_key>.<n>`, the rows of [`data_schema::rows`] merged);
//! its lines are made from `report.json` alone, by [`wide_line`], in `build` as the reports
//! stream through and in `serve` from the files it serves, so that the two cannot differ.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::config::DataConfig;
use crate::data::{csv_field, BOM};
use crate::format::data_schema::{self, DataRow};
use crate::format::{ValueKind, EDITIONS};

/// `data/reports-wide.csv`.
pub const WIDE: &str = "data/reports-wide.csv";
/// `data/datapackage.json`.
pub const PACKAGE: &str = "data/datapackage.json";
/// Where the schemas are, below the site root.
pub const SCHEMA_DIR: &str = "data/schema/";

/// A row of the wide CSV's columns: one row of either edition, with as many columns as its
/// widest edition has.
#[derive(Debug)]
struct WideRow {
    /// `active.rules`.
    path: String,
    /// Its columns (from 1).
    n: usize,
    /// Each edition that has it, newest first, with the row as that edition defines it.
    editions: Vec<(u16, DataRow)>,
}

/// The rows of both editions: the newest edition's order, each row the other edition adds
/// placed after the row that comes before it there.
fn wide_rows() -> &'static [WideRow] {
    static ROWS: OnceLock<Vec<WideRow>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let mut out: Vec<WideRow> = Vec::new();
        for f in EDITIONS.iter().rev() {
            let mut after: Option<usize> = None;
            for r in data_schema::rows(f) {
                let path = format!("{}.{}", r.table, r.key);
                let at = match out.iter().position(|w| w.path == path) {
                    Some(i) => i,
                    None => {
                        // After the previous row of this edition, or at its table's start.
                        let i = after.map_or_else(
                            || {
                                out.iter()
                                    .position(|w| w.path.starts_with(&format!("{}.", r.table)))
                                    .unwrap_or(out.len())
                            },
                            |a| a + 1,
                        );
                        out.insert(
                            i,
                            WideRow {
                                path,
                                n: 0,
                                editions: Vec::new(),
                            },
                        );
                        i
                    }
                };
                out[at].n = out[at].n.max(r.columns.len());
                out[at].editions.push((f.id, r));
                after = Some(at);
            }
        }
        out
    })
}

/// Each row's place in [`wide_rows`], by its path.
fn row_index() -> &'static HashMap<String, usize, foldhash::fast::FixedState> {
    static INDEX: OnceLock<HashMap<String, usize, foldhash::fast::FixedState>> = OnceLock::new();
    INDEX.get_or_init(|| {
        wide_rows()
            .iter()
            .enumerate()
            .map(|(i, w)| (w.path.clone(), i))
            .collect()
    })
}

/// The columns that come before the cells.
const WIDE_HEAD: [(&str, &str); 5] = [
    ("agency", "机关名称"),
    ("agency_slug", "机关网址名"),
    ("year", "报告年度"),
    ("format", "格式版本"),
    ("published", "发布日期"),
];

/// The header line of the wide CSV, with its line break (no BOM).
pub fn wide_header() -> &'static str {
    static HEADER: OnceLock<String> = OnceLock::new();
    HEADER.get_or_init(|| {
        let mut names: Vec<String> = WIDE_HEAD.iter().map(|(n, _)| n.to_string()).collect();
        for w in wide_rows() {
            names.extend((1..=w.n).map(|c| format!("{}.{c}", w.path)));
        }
        names.join(",") + "\n"
    })
}

/// What the wide CSV starts with: the BOM, then the header.
pub fn wide_head() -> String {
    format!("{BOM}{}", wide_header())
}

/// What a `report.json` says, as far as the wide CSV needs it: its strings, and the text of its
/// numbers as written (a JSON number is what a spreadsheet reads as one).
#[derive(Default)]
struct Cells<'a> {
    agency: String,
    agency_slug: String,
    year: &'a [u8],
    format: &'a [u8],
    published: String,
    /// Every number of the tables, in the order read.
    values: Vec<&'a [u8]>,
    /// By row of [`wide_rows`]: its numbers in `values`.
    rows: Vec<Option<std::ops::Range<usize>>>,
}

/// The line of the wide CSV of one report, with its line break, from its `report.json`.
pub fn wide_line(report_json: &[u8]) -> Result<Vec<u8>, String> {
    let mut cells = Cells {
        rows: vec![None; wide_rows().len()],
        values: Vec::with_capacity(256),
        ..Default::default()
    };
    let mut scan = Scan {
        b: report_json,
        i: 0,
    };
    scan.top(&mut cells)
        .map_err(|at| format!("report.json 不是预期的格式（第 {} 个字节附近）", at + 1))?;
    let mut o = Vec::with_capacity(2048);
    o.extend_from_slice(csv_field(&cells.agency).as_bytes());
    o.push(b',');
    o.extend_from_slice(csv_field(&cells.agency_slug).as_bytes());
    for n in [cells.year, cells.format] {
        o.push(b',');
        o.extend_from_slice(n);
    }
    o.push(b',');
    o.extend_from_slice(csv_field(&cells.published).as_bytes());
    for (w, row) in wide_rows().iter().zip(&cells.rows) {
        let values = row.clone().map_or(&[][..], |r| &cells.values[r]);
        for c in 0..w.n {
            o.push(b',');
            if let Some(v) = values.get(c) {
                o.extend_from_slice(v);
            }
        }
    }
    o.push(b'\n');
    Ok(o)
}

/// A reader of `report.json` as `data.rs` writes it (any JSON is read, none makes it fail but by
/// an error): a build reads ten thousand of them, and a general parser costs more than the rest
/// of the wide CSV. Errors are the byte offset where reading stopped.
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

/// Deeper nesting is no `report.json` (and would cost stack).
const MAX_DEPTH: usize = 16;

impl<'a> Scan<'a> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Result<(), usize> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.i)
        }
    }

    /// A string's raw bytes between its quotes, and whether it has an escape.
    fn raw_string(&mut self) -> Result<(&'a [u8], bool), usize> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok((&self.b[start..self.i - 1], escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    self.i += 2;
                }
                Some(_) => self.i += 1,
                None => return Err(self.i),
            }
        }
    }

    /// A string value, unescaped.
    fn string(&mut self) -> Result<String, usize> {
        self.ws();
        let at = self.i;
        let (raw, escaped) = self.raw_string()?;
        if escaped {
            // Rare (a quote in a name): serde_json says what the escapes mean.
            serde_json::from_slice(&self.b[at..self.i]).map_err(|_| at)
        } else {
            String::from_utf8(raw.to_vec()).map_err(|_| at)
        }
    }

    /// A number's text, as written.
    fn number(&mut self) -> Result<&'a [u8], usize> {
        self.ws();
        let start = self.i;
        while self
            .b
            .get(self.i)
            .is_some_and(|c| c.is_ascii_digit() || b"+-.eE".contains(c))
        {
            self.i += 1;
        }
        let n = &self.b[start..self.i];
        if n.first().is_some_and(|c| *c == b'-' || c.is_ascii_digit()) {
            Ok(n)
        } else {
            Err(start)
        }
    }

    /// `null`, `true` or `false`.
    fn word(&mut self) -> Result<(), usize> {
        self.ws();
        for w in [&b"null"[..], b"true", b"false"] {
            if self.b.get(self.i..).is_some_and(|rest| rest.starts_with(w)) {
                self.i += w.len();
                return Ok(());
            }
        }
        Err(self.i)
    }

    /// The whole object, then nothing but white space.
    fn top(&mut self, c: &mut Cells<'a>) -> Result<(), usize> {
        self.eat(b'{')?;
        let mut path = String::with_capacity(64);
        if self.peek() == Some(b'}') {
            self.i += 1;
        } else {
            loop {
                let (key, _) = self.raw_string()?;
                self.eat(b':')?;
                match key {
                    b"agency" => c.agency = self.string()?,
                    b"agency_slug" => c.agency_slug = self.string()?,
                    b"published" if self.peek() == Some(b'"') => c.published = self.string()?,
                    b"year" => c.year = self.number()?,
                    b"format" => c.format = self.number()?,
                    b"active" | b"applications" | b"appeals" | b"processing_fees" => {
                        path.clear();
                        path.push_str(std::str::from_utf8(key).map_err(|_| self.i)?);
                        self.value(&mut path, c, 1)?;
                    }
                    _ => self.skip(1)?,
                }
                match self.peek() {
                    Some(b',') => self.i += 1,
                    Some(b'}') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(self.i),
                }
            }
        }
        self.ws();
        if self.i == self.b.len() {
            Ok(())
        } else {
            Err(self.i)
        }
    }

    /// A table, a group of rows, a row or a bare number at `path`.
    fn value(&mut self, path: &mut String, c: &mut Cells<'a>, depth: usize) -> Result<(), usize> {
        if depth > MAX_DEPTH {
            return Err(self.i);
        }
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(());
                }
                let len = path.len();
                loop {
                    let (key, _) = self.raw_string()?;
                    self.eat(b':')?;
                    path.push('.');
                    path.push_str(std::str::from_utf8(key).map_err(|_| self.i)?);
                    self.value(path, c, depth + 1)?;
                    path.truncate(len);
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(self.i),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let start = c.values.len();
                // A row holds numbers only; an array with anything else is no row.
                let mut row = true;
                if self.peek() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        if row && matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
                            c.values.push(self.number()?);
                        } else {
                            row = false;
                            self.skip(depth + 1)?;
                        }
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.i),
                        }
                    }
                }
                if row {
                    self.put(path, c, start);
                } else {
                    c.values.truncate(start);
                }
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = c.values.len();
                c.values.push(self.number()?);
                self.put(path, c, start);
                Ok(())
            }
            _ => self.skip(depth),
        }
    }

    fn put(&self, path: &str, c: &mut Cells<'a>, start: usize) {
        if let Some(&i) = row_index().get(path) {
            c.rows[i] = Some(start..c.values.len());
        }
    }

    /// Any value, read and left.
    fn skip(&mut self, depth: usize) -> Result<(), usize> {
        if depth > MAX_DEPTH {
            return Err(self.i);
        }
        match self.peek() {
            Some(b'"') => self.raw_string().map(|_| ()),
            Some(open @ (b'{' | b'[')) => {
                self.i += 1;
                let close = if open == b'{' { b'}' } else { b']' };
                if self.peek() == Some(close) {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    if open == b'{' {
                        self.raw_string()?;
                        self.eat(b':')?;
                    }
                    self.skip(depth + 1)?;
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(c) if c == close => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(self.i),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(|_| ()),
            _ => self.word(),
        }
    }
}

/// A JSON Schema of `data/schema/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaFile {
    Report,
    Rollup,
}

impl SchemaFile {
    pub const ALL: [SchemaFile; 2] = [SchemaFile::Report, SchemaFile::Rollup];

    /// Its path below the site root.
    pub fn path(self) -> &'static str {
        match self {
            SchemaFile::Report => "data/schema/report.schema.json",
            SchemaFile::Rollup => "data/schema/rollup.schema.json",
        }
    }

    pub fn bytes(self) -> Vec<u8> {
        let schema = match self {
            SchemaFile::Report => data_schema::report_schema(),
            SchemaFile::Rollup => data_schema::rollup_schema(),
        };
        pretty(&schema)
    }
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// What `data/datapackage.json` is made of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Package {
    /// The site's title.
    pub title: String,
    /// `[portal] organizer`: the source when `[data] source` is not given.
    pub organizer: Option<String>,
    pub data: DataConfig,
    /// The CSV and JSON files of `data/` but the package itself and the schemas, as paths below
    /// the site root, sorted.
    pub files: Vec<String>,
}

impl Package {
    /// Whether a planned path is one of the files the package describes.
    pub fn describes(path: &str) -> bool {
        path.starts_with("data/")
            && !path.starts_with(SCHEMA_DIR)
            && path != PACKAGE
            && (path.ends_with(".csv") || path.ends_with(".json"))
    }
}

/// A Table Schema field.
fn field(name: &str, kind: &str, title: &str) -> Value {
    json!({"name": name, "type": kind, "title": title})
}

/// The fields of a report object (`data/reports.json`).
fn report_fields() -> Vec<Value> {
    vec![
        field("agency", "string", "机关名称"),
        field("agency_slug", "string", "机关网址名"),
        field("year", "integer", "报告年度"),
        field("format", "integer", "格式版本"),
        field("published", "date", "发布日期"),
        field("title", "string", "标题"),
        table_field("active", 1),
        table_field("applications", 2),
        table_field("appeals", 3),
        field("processing_fees", "object", "信息处理费"),
        field("previous", "object", "上年报告"),
        field("url", "string", "网址"),
    ]
}

/// A field holding one of the three tables, titled by its section heading.
fn table_field(name: &str, section: usize) -> Value {
    let f = EDITIONS[EDITIONS.len() - 1];
    field(name, "object", &f.sections[section].heading())
}

fn rollup_fields() -> Vec<Value> {
    vec![
        field("region", "string", "地区（全站汇总为站点名称）"),
        field("region_slug", "string", "地区网址名（全站汇总为空）"),
        field("year", "integer", "报告年度"),
        field("format", "integer", "格式版本"),
        field("reports", "array", "纳入汇总的报告（机关网址名）"),
        field("missing", "array", "未发布（机关网址名）"),
        field("excluded", "array", "未纳入汇总的报告"),
        table_field("active", 1),
        table_field("applications", 2),
        table_field("appeals", 3),
        field("processing_fees", "object", "信息处理费"),
        field("url", "string", "网址"),
    ]
}

fn long_fields() -> Vec<Value> {
    vec![
        field("agency", "string", "机关名称"),
        field("year", "integer", "报告年度"),
        field("table", "string", "表格（active 主动公开、applications 依申请公开、appeals 复议诉讼、processing_fees 信息处理费）"),
        field("row_key", "string", "行键"),
        field("row_label", "string", "行名称"),
        field("column_label", "string", "列名称"),
        field("value", "number", "数值"),
    ]
}

/// The wide CSV's fields: the report's own, then a cell of either edition each.
fn wide_fields() -> Vec<Value> {
    let mut out: Vec<Value> = WIDE_HEAD
        .iter()
        .map(|(name, title)| {
            let kind = match *name {
                "year" | "format" => "integer",
                "published" => "date",
                _ => "string",
            };
            field(name, kind, title)
        })
        .collect();
    for w in wide_rows() {
        for c in 0..w.n {
            // The label of each edition that has the cell, newest first.
            let mut labels: Vec<(u16, String, ValueKind)> = Vec::new();
            for (id, r) in &w.editions {
                let Some((col, kind)) = r.columns.get(c) else {
                    continue;
                };
                let mut parts = r.labels.clone();
                if parts.last() != Some(col) {
                    parts.push(col.clone());
                }
                labels.push((*id, parts.join(" · "), *kind));
            }
            let Some((_, title, _)) = labels.first() else {
                continue;
            };
            let number = labels
                .iter()
                .any(|(_, _, k)| matches!(k, ValueKind::Amount { .. }));
            let signed = labels.iter().any(|(_, _, k)| *k == ValueKind::Signed);
            let mut f = field(
                &format!("{}.{}", w.path, c + 1),
                if number { "number" } else { "integer" },
                title,
            );
            // Said only where the editions differ: another label, or a cell of one edition.
            let mut notes: Vec<String> = labels
                .iter()
                .skip(1)
                .filter(|(_, label, _)| label != title)
                .map(|(id, label, _)| format!("{id} 版格式为：{label}"))
                .collect();
            if labels.len() < EDITIONS.len() {
                notes.push(format!("仅 {} 版格式有此单元格", labels[0].0));
            }
            if !notes.is_empty() {
                f["description"] = json!(notes.join("；"));
            }
            if !signed {
                f["constraints"] = json!({"minimum": 0});
            }
            out.push(f);
        }
    }
    out
}

/// The resource describing one data file (path below the site root).
fn resource(path: &str) -> Value {
    let rel = path.strip_prefix("data/").unwrap_or(path);
    let name: String = rel
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let csv = rel.ends_with(".csv");
    let (title, description, fields, schema): (&str, &str, Option<Vec<Value>>, Option<&str>) =
        match path {
            crate::write::DATA_JSON => (
                "全部报告数据（JSON）",
                "每份已发布报告一个对象，与各报告的 report.json 相同；对象的完整结构见 schema/report.schema.json。",
                Some(report_fields()),
                Some(SchemaFile::Report.path()),
            ),
            crate::write::DATA_CSV => (
                "全部报告数据（CSV，长表）",
                "每个表格单元格一行，便于数据分析工具读取；UTF-8 编码，带 BOM。",
                Some(long_fields()),
                None,
            ),
            WIDE => (
                "全部报告数据（CSV，宽表）",
                "每份已发布报告一行，每个表格单元格一列（<表格>.<行键>.<列序号>，含合计）；该报告所用格式没有的单元格为空。可直接用 WPS 或 Excel 打开；UTF-8 编码，带 BOM。",
                Some(wide_fields()),
                None,
            ),
            "data/rollups.json" => (
                "全部汇总数据（JSON）",
                "每个地区每个年度一个汇总对象，另有全站汇总；对象的完整结构见 schema/rollup.schema.json。",
                Some(rollup_fields()),
                Some(SchemaFile::Rollup.path()),
            ),
            _ => (rel, "", None, None),
        };
    let mut r = json!({
        "name": name,
        "path": rel,
        "title": title,
    });
    if !description.is_empty() {
        r["description"] = json!(description);
    }
    r["format"] = json!(if csv { "csv" } else { "json" });
    r["mediatype"] = json!(if csv { "text/csv" } else { "application/json" });
    r["encoding"] = json!("utf-8");
    if let Some(fields) = fields {
        r["profile"] = json!("tabular-data-resource");
        if csv {
            r["dialect"] = json!({"delimiter": ",", "doubleQuote": true, "header": true});
        }
        r["schema"] = json!({"fields": fields, "missingValues": [""]});
    } else {
        r["profile"] = json!("data-resource");
    }
    if let Some(s) = schema {
        // Not part of the Data Package standard: where the JSON Schema of each object is.
        r["jsonSchema"] = json!(s.strip_prefix("data/").unwrap_or(s));
    }
    r
}

/// `data/datapackage.json` of a site published at `site_url`.
pub fn datapackage_json(p: &Package, site_url: &str) -> Vec<u8> {
    let mut v = json!({
        "profile": "tabular-data-package",
        "name": "government-information-disclosure-annual-reports",
        "title": format!("{} · 开放数据", p.title),
        "description": "政府信息公开工作年度报告中主动公开、依申请公开、行政复议和行政诉讼等表格的数据，由各报告的前置数据生成。",
        "homepage": site_url,
        "keywords": ["政府信息公开", "政府信息公开工作年度报告"],
    });
    if p.data.license.is_some() || p.data.license_url.is_some() {
        let mut l = serde_json::Map::new();
        if let Some(name) = &p.data.license {
            l.insert("name".into(), json!(name));
            l.insert("title".into(), json!(name));
        }
        if let Some(url) = &p.data.license_url {
            l.insert("path".into(), json!(url));
        }
        v["licenses"] = json!([l]);
    }
    let source = p
        .data
        .source
        .clone()
        .or_else(|| p.organizer.clone())
        .unwrap_or_else(|| p.title.clone());
    v["sources"] = json!([{"title": source, "path": site_url}]);
    v["resources"] = Value::Array(p.files.iter().map(|f| resource(f)).collect());
    pretty(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wide_header_holds_every_cell_of_both_editions_once() {
        let header = wide_header();
        assert!(header.starts_with(
            "agency,agency_slug,year,format,published,active.rules.1,active.rules.2,active.rules.3,active.normative_documents.1,"
        ));
        let names: Vec<&str> = header.trim_end().split(',').collect();
        let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len());
        // The 2019 rows sit where that edition has them; 2021's （六） items follow 2019's row.
        let at = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert!(at("active.licensing.3") < at("active.other_services.1"));
        assert!(at("active.other_services.1") < at("active.penalty.1"));
        assert!(at("active.fees.2") < at("active.procurement.1"));
        assert!(
            at("applications.results.not_processed.reconfirm.7")
                < at("applications.results.other.1")
        );
        assert!(
            at("applications.results.other.7") < at("applications.results.other.no_correction.1")
        );
        assert!(at("applications.carried_forward.7") < at("appeals.reconsideration.1"));
        assert_eq!(names.last(), Some(&"processing_fees.amount.1"));
        // Each 2021 cell once, each 2019 one once: 10 + 25 × 7 + 15 + 2, and 2019's extra
        // columns of 行政许可 … plus its other rows.
        let cells = names.len() - 5;
        assert_eq!(cells, 3 + 3 + 3 + 3 + 3 + 3 + 2 + 2 + 26 * 7 + 15 + 2);
    }

    #[test]
    fn a_line_leaves_the_cells_of_the_other_edition_empty() {
        let json = br#"{"agency":"A, B","agency_slug":"a","year":2020,"format":2019,"published":null,"title":"t","active":{"rules":[1,2,3],"procurement":[2,25.5]},"applications":{"results":{"other":[1,0,0,0,0,0,1]}},"appeals":{},"processing_fees":null,"url":"u"}
"#;
        let line = String::from_utf8(wide_line(json).unwrap()).unwrap();
        let names: Vec<&str> = wide_header().trim_end().split(',').collect();
        assert!(line.starts_with("\"A, B\",a,2020,2019,,1,2,3,"), "{line}");
        let cells: Vec<String> = {
            let rest = line.trim_end().strip_prefix("\"A, B\",").unwrap();
            std::iter::once("A, B".to_string())
                .chain(rest.split(',').map(str::to_string))
                .collect()
        };
        assert_eq!(cells.len(), names.len());
        let cell = |n: &str| cells[names.iter().position(|x| *x == n).unwrap()].as_str();
        assert_eq!(cell("active.procurement.2"), "25.5");
        assert_eq!(cell("applications.results.other.7"), "1");
        assert_eq!(cell("applications.results.other.other.1"), "");
        assert_eq!(cell("processing_fees.notices.1"), "");
        assert!(wide_line(b"[1]").is_err());
        assert!(wide_line(b"{\"active\": 3}").is_ok());
        assert!(wide_line(b"{} x").is_err());
        // A name with escapes is read as JSON says; a broken file is an error, never a panic.
        let line = wide_line(br#"{"agency":"\"A\"\u5c40","x":[{"y":[true,null]}]}"#).unwrap();
        assert!(line.starts_with("\"\"\"A\"\"局\",".as_bytes()));
        let good = json.as_slice();
        for cut in 0..good.len() {
            let _ = wide_line(&good[..cut]);
        }
        assert!(wide_line(&[b'['; 100_000]).is_err());
        assert!(wide_line(&[b'{'; 3]).is_err());
        let deep = format!("{{\"x\":{}1{}}}", "[".repeat(50), "]".repeat(50));
        assert!(wide_line(deep.as_bytes()).is_err());
        let deep = format!("{{\"active\":{}1{}}}", "{\"a\":".repeat(50), "}".repeat(50));
        assert!(wide_line(deep.as_bytes()).is_err());
    }

    /// The line of a report as read by serde_json: what [`Scan`] must agree with.
    fn reference(v: &Value) -> Vec<u8> {
        let mut cells: HashMap<String, Vec<String>> = HashMap::new();
        fn walk(path: &str, v: &Value, out: &mut HashMap<String, Vec<String>>) {
            match v {
                Value::Object(m) => {
                    for (k, v) in m {
                        walk(&format!("{path}.{k}"), v, out);
                    }
                }
                Value::Array(a) if a.iter().all(Value::is_number) => {
                    out.insert(path.into(), a.iter().map(Value::to_string).collect());
                }
                Value::Number(n) => {
                    out.insert(path.into(), vec![n.to_string()]);
                }
                _ => {}
            }
        }
        for t in ["active", "applications", "appeals", "processing_fees"] {
            walk(t, &v[t], &mut cells);
        }
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        let mut o = format!(
            "{},{},{},{},{}",
            csv_field(&s("agency")),
            csv_field(&s("agency_slug")),
            v["year"],
            v["format"],
            csv_field(&s("published"))
        );
        for w in wide_rows() {
            let values = cells.get(&w.path);
            for c in 0..w.n {
                o.push(',');
                if let Some(x) = values.and_then(|vs| vs.get(c)) {
                    o.push_str(x);
                }
            }
        }
        o.push('\n');
        o.into_bytes()
    }

    /// Sets `path` (dotted) in `v` to `x`, unless a value on the way is not an object.
    fn set(v: &mut Value, path: &str, x: Value) {
        let mut at = v;
        let mut parts = path.split('.').peekable();
        while let Some(p) = parts.next() {
            let Some(m) = at.as_object_mut() else { return };
            if parts.peek().is_none() {
                m.insert(p.into(), x);
                return;
            }
            at = m.entry(p).or_insert_with(|| json!({}));
        }
    }

    fn junk() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<String>().prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(any::<String>(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn the_scan_reads_what_serde_json_reads(
            agency in proptest::prelude::any::<String>(),
            published in proptest::option::of("[0-9-]{10}"),
            year in 2000u16..2100,
            pick in proptest::collection::vec(
                (0usize..200, proptest::collection::vec(0u32..100_000, 0..9), proptest::prelude::any::<bool>()),
                0..40,
            ),
            extra in proptest::collection::vec(("[a-z_\"\\\\]{1,8}", junk()), 0..4),
            pretty in proptest::prelude::any::<bool>(),
        ) {
            let mut v = json!({
                "agency": agency,
                "agency_slug": "a",
                "year": year,
                "format": 2021,
                "published": published,
                "title": "t",
                "active": {},
                "applications": {},
                "appeals": {},
                "processing_fees": null,
            });
            let rows = wide_rows();
            for (i, values, amount) in pick {
                let w = &rows[i % rows.len()];
                let x = match (values.first(), amount) {
                    // A bare number, as processing_fees' are; an amount with decimals.
                    (Some(n), true) => json!(f64::from(*n) / 100.0),
                    _ => json!(values),
                };
                set(&mut v, &w.path, x);
            }
            for (k, x) in extra {
                if v.get(&k).is_none() {
                    v[k.as_str()] = x.clone();
                }
                set(&mut v, &format!("applications.{k}"), x);
            }
            let bytes = if pretty {
                serde_json::to_vec_pretty(&v).unwrap()
            } else {
                serde_json::to_vec(&v).unwrap()
            };
            proptest::prop_assert_eq!(
                String::from_utf8(wide_line(&bytes).unwrap()).unwrap(),
                String::from_utf8(reference(&v)).unwrap()
            );
        }
    }
}
