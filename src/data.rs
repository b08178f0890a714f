//! Data: the machine-readable outputs — `report.json`, `report.csv`, the whole-site files, the
//! Atom feed, `sitemap.xml` and `robots.txt`.
//!
//! In: checked reports (or their summaries). Out: text. JSON objects keep the official order of
//! rows; CSV has one line per cell and starts with a BOM so spreadsheet programs read UTF-8.

use std::fmt::Write;
use std::sync::{Arc, PoisonError};

use crate::fast::HashMap;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::across::Rollup;
use crate::facts::Facts;
use crate::format::{AppRowKind, FormatDef, EDITIONS};
use crate::markdown::escape_into;
use crate::report::{Num, Report};

/// Byte order mark for CSV files.
pub const BOM: &str = "\u{feff}";
/// The CSV header line.
pub const CSV_HEADER: &str = "agency,year,table,row_key,row_label,column_label,value\n";

/// A table value in JSON: integers as integers, amounts as decimals.
struct NumJson(Num);

impl Serialize for NumJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Num::Int(i) => s.serialize_i64(i),
            Num::Dec(d) if d % Num::SCALE == 0 => s.serialize_i64(d / Num::SCALE),
            n => s.serialize_f64(n.as_f64()),
        }
    }
}

/// Table 二 by row key.
struct ActiveJson<'a>(&'a Report);

impl Serialize for ActiveJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        for (_, row) in r.format.active_rows() {
            let v = r
                .active
                .get(row.key)
                .map(|v| v.iter().map(|n| NumJson(*n)).collect::<Vec<_>>());
            m.serialize_entry(row.key, &v)?;
        }
        m.end()
    }
}

/// Table 三, nested by key path as in the front matter; totals included. `rows` are the
/// report's [`Report::application_rows`]; `group` is the row index of the group whose children
/// are written (`None` for the top level).
struct ApplicationsJson<'a> {
    format: &'static FormatDef,
    rows: &'a [Option<[u64; 7]>],
    group: Option<usize>,
}

impl Serialize for ApplicationsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let defs = self.format.applications.rows;
        let mut m = s.serialize_map(None)?;
        for &i in app_children(self.format, self.group) {
            let def = &defs[i];
            match def.kind {
                AppRowKind::Group => m.serialize_entry(
                    def.key(),
                    &ApplicationsJson {
                        group: Some(i),
                        ..*self
                    },
                )?,
                _ => m.serialize_entry(def.key(), &self.rows.get(i).copied().flatten())?,
            }
        }
        m.end()
    }
}

/// The indices of the rows of table 三 directly under a group (by row index; `None` for the
/// top level), in the edition's order; built once per edition.
fn app_children(f: &'static FormatDef, group: Option<usize>) -> &'static [usize] {
    type Tree = Vec<Vec<usize>>;
    static CACHE: std::sync::OnceLock<Vec<Tree>> = std::sync::OnceLock::new();
    let all = CACHE.get_or_init(|| {
        EDITIONS
            .iter()
            .map(|f| {
                let rows = f.applications.rows;
                // One list per row, and the top level last.
                let mut tree: Tree = vec![Vec::new(); rows.len() + 1];
                for (i, r) in rows.iter().enumerate() {
                    let parent = r
                        .parent()
                        .and_then(|p| rows.iter().position(|g| g.path == p))
                        .unwrap_or(rows.len());
                    tree[parent].push(i);
                }
                tree
            })
            .collect()
    });
    let e = EDITIONS.iter().position(|e| e.id == f.id).unwrap_or(0);
    &all[e][group.unwrap_or(f.applications.rows.len())]
}

/// Table 四 by group key; totals included.
struct AppealsJson<'a>(&'a Report);

impl Serialize for AppealsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        for g in r.format.appeals.groups {
            m.serialize_entry(g.key, &r.appeals.get(g.key).map(|a| a.with_total()))?;
        }
        m.end()
    }
}

/// `report.json`: every row by its key, totals computed and included. Serialised straight from
/// the report, in the official order of rows.
pub struct ReportJson<'a> {
    report: &'a Report,
    url: &'a str,
    /// The agency's report of the year before: its year and page.
    previous: Option<(u16, &'a str)>,
}

/// `previous` of `report.json`.
#[derive(serde::Serialize)]
struct Previous<'a> {
    year: u16,
    url: &'a str,
}

impl Serialize for ReportJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.report;
        let mut m = s.serialize_map(Some(12))?;
        m.serialize_entry("agency", &r.agency)?;
        m.serialize_entry("agency_slug", &r.slug)?;
        m.serialize_entry("year", &r.year)?;
        m.serialize_entry("format", &r.format.id)?;
        m.serialize_entry("published", &r.published.map(|d| d.to_string()))?;
        m.serialize_entry("title", &r.title)?;
        tables(r, &mut m)?;
        m.serialize_entry(
            "previous",
            &self.previous.map(|(year, url)| Previous { year, url }),
        )?;
        m.serialize_entry("url", self.url)?;
        m.end()
    }
}

/// The tables of a report (or a roll-up) as `report.json` has them: `active`, `applications`,
/// `appeals` and `processing_fees`.
fn tables<M: SerializeMap>(r: &Report, m: &mut M) -> Result<(), M::Error> {
    {
        m.serialize_entry("active", &ActiveJson(r))?;
        let rows = r.application_rows();
        let applications = ApplicationsJson {
            format: r.format,
            rows: &rows,
            group: None,
        };
        m.serialize_entry("applications", &applications)?;
        m.serialize_entry("appeals", &AppealsJson(r))?;
        let fees = r.processing_fees.map(|p| {
            let mut f = serde_json::Map::new();
            f.insert("notices".into(), p.notices.into());
            f.insert("amount".into(), p.amount.to_json());
            f
        });
        m.serialize_entry("processing_fees", &fees)?;
        Ok(())
    }
}

/// `report.json` of a report whose page is at `url`; `previous`: the year and page of the
/// agency's report of the year before, if published.
pub fn report_json<'a>(
    report: &'a Report,
    url: &'a str,
    previous: Option<(u16, &'a str)>,
) -> ReportJson<'a> {
    ReportJson {
        report,
        url,
        previous,
    }
}

/// The bytes of `report.json`, with a final line break.
pub fn report_json_bytes(
    report: &Report,
    url: &str,
    previous: Option<(u16, String)>,
) -> Result<Vec<u8>, String> {
    let previous = previous.as_ref().map(|(y, u)| (*y, u.as_str()));
    let mut json =
        serde_json::to_vec(&report_json(report, url, previous)).map_err(|e| e.to_string())?;
    json.push(b'\n');
    Ok(json)
}

/// A roll-up object (across.md): the region, what is summed, the tables as `report.json` has
/// them, and the page (`url`).
pub struct RollupJson<'a> {
    rollup: &'a Rollup,
    url: &'a str,
}

/// A report left out of a roll-up.
#[derive(serde::Serialize)]
struct ExcludedJson<'a> {
    agency_slug: &'a str,
    reason: &'a str,
}

impl Serialize for RollupJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = self.rollup;
        let r = x.as_report();
        let mut m = s.serialize_map(Some(12))?;
        m.serialize_entry("region", &x.name)?;
        m.serialize_entry("region_slug", &x.slug)?;
        m.serialize_entry("year", &x.year)?;
        m.serialize_entry("format", &x.format.id)?;
        m.serialize_entry("reports", &x.reports)?;
        m.serialize_entry("missing", &x.missing)?;
        let excluded: Vec<ExcludedJson> = x
            .excluded
            .iter()
            .map(|(agency_slug, reason)| ExcludedJson {
                agency_slug,
                reason,
            })
            .collect();
        m.serialize_entry("excluded", &excluded)?;
        tables(&r, &mut m)?;
        m.serialize_entry("url", self.url)?;
        m.end()
    }
}

/// A roll-up object whose page is at `url`.
pub fn rollup_json<'a>(rollup: &'a Rollup, url: &'a str) -> RollupJson<'a> {
    RollupJson { rollup, url }
}

/// The bytes of `rollup.json`: one roll-up object, with a final line break.
pub fn rollup_json_bytes(rollup: &Rollup, url: &str) -> Result<Vec<u8>, String> {
    let mut json = rollup_object(rollup, url, false)?.to_vec();
    json.push(b'\n');
    Ok(json)
}

/// One roll-up object; with `keep`, kept with the roll-up for the next time (serve, which keeps
/// unchanged roll-ups from one plan to the next; a build writes each once).
fn rollup_object(rollup: &Rollup, url: &str, keep: bool) -> Result<std::sync::Arc<[u8]>, String> {
    if let Some((u, bytes)) = rollup.json.get() {
        if u == url {
            return Ok(bytes.clone());
        }
    }
    let bytes: std::sync::Arc<[u8]> = serde_json::to_vec(&rollup_json(rollup, url))
        .map_err(|e| e.to_string())?
        .into();
    if keep {
        let _ = rollup.json.set((url.to_string(), bytes.clone()));
    }
    Ok(bytes)
}

/// `data/rollups.json`: every roll-up object (each page's URL in `urls`), one per line; `keep`
/// as for [`rollup_object`].
pub fn rollups_json(
    rollups: &[std::sync::Arc<Rollup>],
    urls: &[String],
    keep: bool,
) -> Result<Vec<u8>, String> {
    let mut out = b"[".to_vec();
    for (i, (r, url)) in rollups.iter().zip(urls).enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(&rollup_object(r, url, keep)?);
    }
    out.extend_from_slice(b"]\n");
    Ok(out)
}

/// The header of `rollup.csv`: `report.csv`'s, with `region` in place of `agency`.
pub const ROLLUP_CSV_HEADER: &str = "region,year,table,row_key,row_label,column_label,value\n";

/// `rollup.csv`: BOM, header, one line per cell, the region's name where `report.csv` has the
/// agency's.
pub fn rollup_csv(r: &Rollup) -> String {
    let mut csv = String::with_capacity(26 * 1024);
    csv.push_str(BOM);
    csv.push_str(ROLLUP_CSV_HEADER);
    report_csv_into(&mut csv, &r.as_report());
    csv
}

/// `report.csv`: BOM, header, one line per cell.
pub fn report_csv(r: &Report) -> String {
    let mut csv = String::with_capacity(26 * 1024);
    csv.push_str(BOM);
    csv.push_str(CSV_HEADER);
    report_csv_into(&mut csv, r);
    csv
}

/// Appends the CSV lines of one report (no header, no BOM) to `out`.
pub fn report_csv_into(out: &mut String, r: &Report) {
    let year = r.year.to_string();
    let agency = csv_field(&r.agency);
    let rows = r.application_rows();
    let mut value = String::new();
    let mut int = itoa::Buffer::new();
    for (cell, middle) in csv_layout(r.format) {
        value.clear();
        // Writing into a String cannot fail.
        let _ = match *cell {
            CsvCell::Active(key, i) => match r.active.get(key).and_then(|v| v.get(i)) {
                Some(n) => write!(value, "{n}"),
                None => Ok(()),
            },
            CsvCell::Applications(row, i) => match rows.get(row).copied().flatten() {
                Some(v) => {
                    value.push_str(int.format(v[i]));
                    Ok(())
                }
                None => continue, // a missing row has no lines
            },
            CsvCell::Appeals(key, i) => match r.appeals.get(key) {
                Some(a) => {
                    value.push_str(int.format(a.with_total()[i]));
                    Ok(())
                }
                None => continue,
            },
            CsvCell::Notices => match r.processing_fees {
                Some(p) => write!(value, "{}", p.notices),
                None => continue,
            },
            CsvCell::Amount => match r.processing_fees {
                Some(p) => write!(value, "{}", p.amount),
                None => continue,
            },
        };
        out.push_str(&agency);
        out.push(',');
        out.push_str(&year);
        out.push_str(middle);
        // Numbers need nothing; the check costs a byte comparison.
        out.push_str(&csv_field(&value));
        out.push('\n');
    }
}

/// Which value a CSV line carries.
enum CsvCell {
    Active(&'static str, usize),
    /// Row index in table 三, column.
    Applications(usize, usize),
    Appeals(&'static str, usize),
    Notices,
    Amount,
}

/// Every line of an edition's CSV, with its fixed middle `,table,row_key,row_label,column_label,`;
/// built once per edition.
fn csv_layout(f: &'static FormatDef) -> &'static [(CsvCell, String)] {
    static CACHE: std::sync::OnceLock<Vec<Vec<(CsvCell, String)>>> = std::sync::OnceLock::new();
    let all = CACHE.get_or_init(|| EDITIONS.iter().map(|f| build_csv_layout(f)).collect());
    let i = EDITIONS.iter().position(|e| e.id == f.id).unwrap_or(0);
    &all[i]
}

fn build_csv_layout(f: &FormatDef) -> Vec<(CsvCell, String)> {
    // Table names and row keys are ASCII words that never need quoting.
    let mid = |table: &str, key: &str, row: &str, col: &str| {
        format!(",{table},{key},{},{},", csv_field(row), csv_field(col))
    };
    let mut out = Vec::new();
    for (b, row) in f.active_rows() {
        for (i, c) in b.columns.iter().enumerate() {
            out.push((
                CsvCell::Active(row.key, i),
                mid("active", row.key, row.label, &c.header()),
            ));
        }
    }
    let t = &f.applications;
    for (row, def) in t.rows.iter().enumerate() {
        if def.kind == AppRowKind::Group {
            continue;
        }
        for i in 0..7 {
            let col = t.columns.get(i).copied().unwrap_or(t.total_label);
            out.push((
                CsvCell::Applications(row, i),
                mid("applications", def.path, def.label, col),
            ));
        }
    }
    for g in f.appeals.groups {
        for i in 0..5 {
            let col = f
                .appeals
                .columns
                .get(i)
                .copied()
                .unwrap_or(f.appeals.total_label);
            out.push((
                CsvCell::Appeals(g.key, i),
                mid("appeals", g.key, &g.label(), col),
            ));
        }
    }
    if let Some(def) = &f.processing_fees {
        out.push((
            CsvCell::Notices,
            mid("processing_fees", "notices", def.label, def.notices_label),
        ));
        out.push((
            CsvCell::Amount,
            mid("processing_fees", "amount", def.label, def.amount_label),
        ));
    }
    out
}

/// A CSV field (RFC 4180), the one way every CSV cell is written: quoted when it holds a comma,
/// a quote or a line break; and, where it starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return, prefixed with `'` so that WPS and Excel read it as text, not a formula (OWASP's
/// rule). A number (`-3`, `12.5`) is left as it is.
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number(s);
    let quoted = s.contains([',', '"', '\n', '\r']);
    match (formula, quoted) {
        (false, false) => Cow::Borrowed(s),
        (true, false) => Cow::Owned(format!("'{s}")),
        (formula, true) => Cow::Owned(format!(
            "\"{}{}\"",
            if formula { "'" } else { "" },
            s.replace('"', "\"\"")
        )),
    }
}

/// `-3`, `12`, `-0.5`: what a spreadsheet reads as a number, with no formula in it.
fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Each feed entry's text by what it is made of, kept from one feed to the next of the same site
/// address (its renderer's): serve renders the feed of every report whenever one date changes.
pub type FeedCache = std::sync::Mutex<HashMap<u64, Arc<str>>>;

/// The Atom feed of `reports` (`url` gives each one's address, made only for the entries the
/// cache does not hold): every report, newest `published` first; those without a date last
/// (newest year first), with no `<published>` and the oldest date of the feed as `<updated>`, so
/// that `<updated>` too runs newest first. `cache`, when given, holds the entries of the last
/// feed made with it and, after, those of this one.
pub fn atom(
    title: &str,
    site_url: &str,
    reports: &[&Facts],
    url: &(dyn Fn(&Facts) -> String + Sync),
    cache: Option<&FeedCache>,
) -> String {
    // Newest first, then the later year, then by agency slug.
    let order = |s: &Facts| {
        let day = s.published.map_or(0, |d| {
            i64::from(d.num_days_from_ce()) - i64::from(i32::MIN) + 1
        }) as u64;
        (u64::MAX - day, u16::MAX - s.year)
    };
    let mut keyed: Vec<((u64, u16), &Facts)> = reports.iter().map(|&s| (order(s), s)).collect();
    // Given in slug order (as the site holds its reports), a stable sort by date and year
    // alone keeps it among equals: most reports share a date with others, and comparing their
    // slugs was a third of the feed's time. Otherwise the slugs are compared too. Each report's
    // (slug, year) is its own: no two are equal.
    if reports.windows(2).all(|w| w[0].slug <= w[1].slug) {
        keyed.par_sort_by_key(|(k, _)| *k);
    } else {
        keyed.par_sort_unstable_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.slug.cmp(&y.slug)));
    }
    let sorted: Vec<&Facts> = keyed.into_iter().map(|(_, s)| s).collect();
    // An entry is updated when its last revision was made, else when it was published.
    let updated_of = |s: &Facts| s.revised.max(s.published);
    let updated = sorted.iter().filter_map(|s| updated_of(s)).max();
    let oldest = sorted.iter().rev().find_map(|s| s.published).or(updated);
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    o.push_str(&format!(
        "<title>{}</title>\n<id>{}</id>\n",
        xml_text(title),
        xml_text(site_url)
    ));
    o.push_str(&format!(
        "<link rel=\"alternate\" href=\"{0}\"/>\n<link rel=\"self\" href=\"{0}atom.xml\"/>\n",
        xml_text(site_url)
    ));
    o.push_str("<updated>");
    push_date(&mut o, updated);
    o.push_str("T00:00:00Z</updated>\n");
    // Pushed piece by piece (`format!` and a date's `Display` were most of the time), in
    // blocks on the pool's threads: serve renders a feed of every report whenever a date
    // changes, and it was the longest output of such a save.
    let entry = |o: &mut String, s: &Facts| {
        let url = url(s);
        o.push_str("<entry>\n<title>");
        push_xml_text(o, &s.title);
        o.push_str("</title>\n<id>");
        push_xml_text(o, &url);
        o.push_str("</id>\n<link rel=\"alternate\" href=\"");
        push_xml_text(o, &url);
        o.push_str("\"/>\n");
        let date = match s.published {
            Some(d) => {
                o.push_str("<published>");
                push_date(o, Some(d));
                o.push_str("T00:00:00Z</published>\n");
                updated_of(s)
            }
            None => s.revised.or(oldest),
        };
        o.push_str("<updated>");
        push_date(o, date);
        o.push_str("T00:00:00Z</updated>\n<author><name>");
        push_xml_text(o, &s.agency);
        o.push_str("</name></author>\n</entry>\n");
    };
    // An entry is made of its report's `entry` fingerprint (title, agency, dates, slug and
    // year: with the cache's site address, its own address) and, undated, the feed's oldest
    // date.
    let key = |s: &Facts| match s.published {
        Some(_) => s.entry,
        None => crate::facts::fingerprint_of(&(s.entry, oldest)),
    };
    let kept = cache
        .map(|c| std::mem::take(&mut *c.lock().unwrap_or_else(PoisonError::into_inner)))
        .unwrap_or_default();
    // Each block's text, and its entries for the cache.
    type Block = (String, Vec<(u64, Arc<str>)>);
    let blocks: Vec<Block> = sorted
        .par_chunks(2048)
        .map(|block| {
            let mut o = String::with_capacity(block.len() * 400);
            let mut made = Vec::with_capacity(if cache.is_some() { block.len() } else { 0 });
            for &e in block {
                if cache.is_none() {
                    entry(&mut o, e);
                    continue;
                }
                let k = key(e);
                let text = kept.get(&k).cloned().unwrap_or_else(|| {
                    let mut t = String::with_capacity(400);
                    entry(&mut t, e);
                    Arc::from(t)
                });
                o.push_str(&text);
                made.push((k, text));
            }
            (o, made)
        })
        .collect();
    o.reserve(blocks.iter().map(|(b, _)| b.len()).sum::<usize>() + 8);
    let mut now = HashMap::with_capacity_and_hasher(sorted.len(), Default::default());
    for (b, made) in blocks {
        o.push_str(&b);
        now.extend(made);
    }
    if let Some(c) = cache {
        *c.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }
    o.push_str("</feed>\n");
    o
}

/// A date as `YYYY-MM-DD` (1970-01-01 for none), as chrono writes it (its `Display` goes through
/// `Debug` and was most of the time of a long list's dates).
pub fn push_date(o: &mut String, d: Option<NaiveDate>) {
    let d = d.unwrap_or_default();
    let (y, m, day) = (d.year(), d.month(), d.day());
    if (0..=9999).contains(&y) {
        for n in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
            o.push(char::from(b'0' + n as u8));
        }
        for n in [m, day] {
            o.push('-');
            o.push(char::from(b'0' + (n / 10) as u8));
            o.push(char::from(b'0' + (n % 10) as u8));
        }
    } else {
        let _ = write!(o, "{d}");
    }
}

/// Escaped text without the characters XML 1.0 forbids (C0 controls but tab and line ends).
fn xml_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    push_xml_text(&mut o, s);
    o
}

/// [`xml_text`] of `s`, pushed onto `o`.
fn push_xml_text(o: &mut String, s: &str) {
    // Bytes first: C0 controls, DEL, and 0xC2, the lead byte of the C1 controls (tab, line
    // ends and other characters led by 0xC2 are then let be by the exact test).
    let suspect = |b: u8| (b < 0x20) | (b == 0x7f) | (b == 0xc2);
    let forbidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if crate::markdown::any_byte(s.as_bytes(), suspect) && s.contains(forbidden) {
        escape_into(o, &s.replace(forbidden, ""));
    } else {
        escape_into(o, s);
    }
}

/// `sitemap.xml` of the pages at `root` and each of `paths` (sorted) below it.
pub fn sitemap(root: &str, paths: &[String]) -> String {
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    o.reserve(paths.len() * (root.len() + 48));
    let root = xml_text(root);
    for p in paths {
        o.push_str("<url><loc>");
        o.push_str(&root);
        push_xml_text(&mut o, p);
        o.push_str("</loc></url>\n");
    }
    o.push_str("</urlset>\n");
    o
}

/// `robots.txt`.
pub fn robots(site_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n")
}

#[cfg(test)]
mod tests {
    use super::{csv_field, push_date, xml_text};
    use chrono::NaiveDate;

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        for (y, m, d) in [
            (2024, 1, 31),
            (1999, 12, 1),
            (5, 3, 9),
            (10000, 1, 1),
            (-1, 2, 3),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut o = String::new();
            push_date(&mut o, Some(date));
            assert_eq!(o, date.to_string());
        }
        let mut o = String::new();
        push_date(&mut o, None);
        assert_eq!(o, "1970-01-01");
    }

    #[test]
    fn xml_text_drops_control_characters_and_keeps_the_rest() {
        assert_eq!(xml_text("a\u{1}b\u{7f}c\u{85}d\te"), "abcd\te");
        // 0xC2 leads these too: kept.
        assert_eq!(xml_text("§¢ü<&"), "§¢ü&lt;&amp;");
        assert_eq!(xml_text("教育局\n"), "教育局\n");
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("规章"), "规章");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("他说\"是\""), "\"他说\"\"是\"\"\"");
        assert_eq!(csv_field("a\nb"), "\"a\nb\"");
    }

    #[test]
    fn formulas_become_text_and_numbers_stay() {
        for (cell, want) in [
            ("=1+1", "'=1+1"),
            ("+86 10", "'+86 10"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tA", "'\tA"),
            ("\rA", "\"'\rA\""),
            (
                "=HYPERLINK(\"http://evil.example/\",\"点击\")",
                "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"点击\"\")\"",
            ),
            ("-3", "-3"),
            ("-0.5", "-0.5"),
            ("+5", "+5"),
            ("12.35", "12.35"),
            ("-", "'-"),
            ("-1.", "'-1."),
            ("-1e3", "'-1e3"),
            ("示例县=局", "示例县=局"),
        ] {
            assert_eq!(csv_field(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn a_feed_made_with_the_last_feeds_entries_is_the_feed_made_afresh() {
        use super::{atom, Facts, FeedCache};
        let text = crate::facts::tests::demo_text();
        let facts =
            |slug: &str, text: &str| Facts::of(&crate::facts::tests::read_as(slug, text), text);
        let undated = text.replace("published: 2022-01-25\n", "");
        let site = |later: &str| {
            vec![
                facts("a", &text),
                facts("b", &text.replace("2022-01-25", later)),
                facts("c", &undated),
            ]
        };
        let url = |r: &Facts| format!("https://x.cn/{}", r.path());
        let feed = |reports: &[Facts], cache: Option<&FeedCache>| {
            let reports: Vec<&Facts> = reports.iter().collect();
            atom("站", "https://x.cn/", &reports, &url, cache)
        };
        let cache = FeedCache::default();
        let first = feed(&site("2022-01-26"), Some(&cache));
        assert_eq!(first, feed(&site("2022-01-26"), None));
        assert_eq!(cache.lock().unwrap().len(), 3);
        // One date moves: that entry, and the undated one (it shows the oldest date), change.
        for later in ["2022-01-27", "2021-12-30"] {
            let again = feed(&site(later), Some(&cache));
            assert_eq!(again, feed(&site(later), None));
            assert_ne!(again, first);
        }
        assert_eq!(cache.lock().unwrap().len(), 3);
    }

    #[test]
    fn the_feed_orders_by_date_year_and_slug_whatever_order_it_is_given() {
        use super::{atom, Facts};
        let text = crate::facts::tests::demo_text();
        let facts =
            |slug: &str, text: &str| Facts::of(&crate::facts::tests::read_as(slug, text), text);
        // Three share a date (their slugs decide), one is later, one undated.
        let site = [
            facts("a", &text),
            facts("b", &text.replace("2022-01-25", "2022-01-28")),
            facts("c", &text),
            facts("d", &text.replace("published: 2022-01-25\n", "")),
            facts("e", &text),
        ];
        let url = |r: &Facts| format!("https://x.cn/{}", r.path());
        let feed = |order: &[usize]| {
            let reports: Vec<&Facts> = order.iter().map(|&i| &site[i]).collect();
            atom("站", "https://x.cn/", &reports, &url, None)
        };
        // In slug order (the site's) and shuffled: the same feed.
        let sorted = feed(&[0, 1, 2, 3, 4]);
        assert_eq!(sorted, feed(&[4, 2, 0, 3, 1]));
        // The feed's own id first, then each entry's.
        let ids: Vec<&str> = sorted
            .match_indices("<id>https://x.cn/")
            .skip(1)
            .map(|(i, m)| &sorted[i + m.len()..i + m.len() + 1])
            .collect();
        assert_eq!(ids, ["b", "a", "c", "e", "d"]);
    }
}
