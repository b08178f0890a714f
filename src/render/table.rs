//! Writes an official table as accessible HTML, straight from its [`Grid`] (no per-cell
//! template work): caption, `thead`/`tbody`, `th` with `id` and `scope`, `headers` on every
//! data cell, inside a focusable scroll container.

use std::fmt::Write;

use crate::format::layout::{Cell, CellRef, Grid};
use crate::format::FormatDef;
use crate::markdown::escape;
use crate::report::Report;

/// A table's HTML with holes for its values, built once per edition and table.
enum Seg {
    Html(String),
    Value(CellRef),
    /// A cell of table 三 by row index in the edition and column.
    Application(usize, usize),
}

/// Appends static HTML, merging with the previous piece.
fn html(segs: &mut Vec<Seg>, s: &str) {
    match segs.last_mut() {
        Some(Seg::Html(h)) => h.push_str(s),
        _ => segs.push(Seg::Html(s.to_string())),
    }
}

/// The text of a data cell: zero is `0`, never blank.
fn value(report: &Report, r: CellRef) -> String {
    match r {
        CellRef::Active(key, i) => report
            .active
            .get(key)
            .and_then(|v| v.get(i))
            .map_or_else(|| "0".into(), ToString::to_string),
        CellRef::Applications(path, i) => {
            report.application_row(path).map_or(0, |v| v[i]).to_string()
        }
        CellRef::Appeals(key, i) => report
            .appeals
            .get(key)
            .map_or(0, |a| a.with_total()[i])
            .to_string(),
    }
}

fn span(out: &mut String, name: &str, n: usize) {
    if n > 1 {
        let _ = write!(out, " {name}=\"{n}\"");
    }
}

fn row_html(segs: &mut Vec<Seg>, row: &[Cell], format: &FormatDef) {
    let mut out = String::from("<tr>");
    for cell in row {
        match cell {
            Cell::Header {
                id,
                text,
                colspan,
                rowspan,
                scope,
            } => {
                let _ = write!(out, "<th id=\"{id}\" scope=\"{}\"", scope.as_str());
                span(&mut out, "colspan", *colspan);
                span(&mut out, "rowspan", *rowspan);
                let _ = write!(out, ">{}</th>", escape(text));
            }
            Cell::Corner {
                id,
                text,
                colspan,
                rowspan,
            } => {
                let _ = write!(out, "<td id=\"{id}\" class=\"note\"");
                span(&mut out, "colspan", *colspan);
                span(&mut out, "rowspan", *rowspan);
                let _ = write!(out, ">{}</td>", escape(text));
            }
            Cell::Data {
                value: v,
                headers,
                colspan,
            } => {
                let _ = write!(out, "<td headers=\"{headers}\"");
                span(&mut out, "colspan", *colspan);
                out.push('>');
                html(segs, &std::mem::take(&mut out));
                let row = match v {
                    CellRef::Applications(path, _) => format
                        .applications
                        .rows
                        .iter()
                        .position(|r| r.path == *path),
                    _ => None,
                };
                segs.push(match (row, v) {
                    (Some(row), CellRef::Applications(_, i)) => Seg::Application(row, *i),
                    _ => Seg::Value(*v),
                });
                out.push_str("</td>");
            }
        }
    }
    out.push_str("</tr>\n");
    html(segs, &out);
}

/// The pieces of a table's HTML.
fn compile(grid: &Grid, format: &FormatDef) -> Vec<Seg> {
    let mut o = String::new();
    let caption_id = format!("{}-caption", grid.id);
    let _ = write!(
        o,
        "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"{caption_id}\" tabindex=\"0\">\n<table class=\"official {}\" id=\"{}\"",
        grid.id, grid.id
    );
    if let Some(d) = &grid.described_by {
        let _ = write!(o, " aria-describedby=\"{d}\"");
    }
    let _ = write!(
        o,
        ">\n<caption id=\"{caption_id}\">{}<span class=\"unit\">（{}）</span></caption>\n",
        escape(&grid.title),
        escape(grid.unit)
    );
    let mut segs = vec![Seg::Html(o)];
    if !grid.head.is_empty() {
        html(&mut segs, "<thead>\n");
        for row in &grid.head {
            row_html(&mut segs, row, format);
        }
        html(&mut segs, "</thead>\n");
    }
    for body in &grid.bodies {
        html(&mut segs, "<tbody>\n");
        for row in body {
            row_html(&mut segs, row, format);
        }
        html(&mut segs, "</tbody>\n");
    }
    html(&mut segs, "</table>\n</div>\n");
    segs
}

/// Every edition's tables, compiled once; `None` for a grid that is not an edition's.
fn compiled(grid: &Grid) -> Option<&'static [Seg]> {
    static CACHE: std::sync::OnceLock<Vec<(usize, Vec<Seg>)>> = std::sync::OnceLock::new();
    let all = CACHE.get_or_init(|| {
        crate::format::EDITIONS
            .iter()
            .flat_map(|f| crate::format::layout::grids(f).iter().map(move |g| (f, g)))
            .map(|(f, g)| (g as *const Grid as usize, compile(g, f)))
            .collect()
    });
    let key = grid as *const Grid as usize;
    all.iter()
        .find(|(k, _)| *k == key)
        .map(|(_, segs)| segs.as_slice())
}

/// The table, in its scroll container.
pub fn table_html(grid: &Grid, report: &Report) -> String {
    match compiled(grid) {
        Some(segs) => fill(segs, report),
        None => fill(&compile(grid, report.format), report),
    }
}

fn fill(segs: &[Seg], report: &Report) -> String {
    let mut o = String::with_capacity(24 * 1024);
    // Table 三's values, computed once for the whole table.
    let mut rows: Option<Vec<Option<[u64; 7]>>> = None;
    let mut int = itoa::Buffer::new();
    for seg in segs {
        match seg {
            Seg::Html(h) => o.push_str(h),
            Seg::Application(row, i) => {
                let rows = rows.get_or_insert_with(|| report.application_rows());
                let v = rows.get(*row).copied().flatten().map_or(0, |v| v[*i]);
                o.push_str(int.format(v));
            }
            Seg::Value(v) => o.push_str(&value(report, *v)),
        }
    }
    o
}
