//! Writes an official table as accessible HTML, straight from its [`Grid`] (no per-cell
//! template work): caption, `thead`/`tbody`, `th` with `id` and `scope`, `headers` on every
//! data cell, inside a focusable scroll container. Table 二 is one `<table>` per block under the
//! table's title; table 三's corner is an empty cell that shows the 勾稽关系 note, which
//! describes the table from outside the grid.

use std::fmt::Write;

use crate::format::layout::{Cell, CellRef, Grid, Part, Scope};
use crate::format::{FormatDef, TableId};
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

/// A row; `starts` holds the grid column each cell starts in, for the row headers' class
/// (`l1`…: the label columns of table 三 stay in view while its numbers scroll).
fn row_html(segs: &mut Vec<Seg>, row: &[Cell], starts: Option<&Vec<usize>>, format: &FormatDef) {
    let mut out = String::from("<tr>");
    for (i, cell) in row.iter().enumerate() {
        let label_class = |scoped: bool| match starts.and_then(|s| s.get(i)) {
            Some(c) if scoped => format!(" class=\"l{}\"", c + 1),
            _ => String::new(),
        };
        match cell {
            Cell::Header {
                id,
                text,
                colspan,
                rowspan,
                scope,
            } => {
                let class = label_class(matches!(scope, Scope::Row | Scope::RowGroup));
                let _ = write!(out, "<th id=\"{id}\" scope=\"{}\"{class}", scope.as_str());
                span(&mut out, "colspan", *colspan);
                span(&mut out, "rowspan", *rowspan);
                let _ = write!(out, ">{}</th>", escape(text));
            }
            Cell::Corner {
                text,
                colspan,
                rowspan,
            } => {
                // Empty for assistive technology; the stylesheet shows the note.
                let _ = write!(out, "<td class=\"note l1\"");
                span(&mut out, "colspan", *colspan);
                span(&mut out, "rowspan", *rowspan);
                let _ = write!(out, " data-note=\"{}\"></td>", escape(text));
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

/// One `<table>` of a grid; `described_by` is the id of what describes it.
fn part_html(
    segs: &mut Vec<Seg>,
    grid: &Grid,
    part: &Part,
    described_by: Option<&str>,
    format: &FormatDef,
) {
    let mut o = format!("<table class=\"official {}\" id=\"{}\"", grid.id, part.id);
    if let Some(d) = described_by {
        let _ = write!(o, " aria-describedby=\"{d}\"");
    }
    let _ = write!(
        o,
        ">\n<caption id=\"{}-caption\">{}",
        part.id,
        escape(&part.caption)
    );
    if let Some(unit) = part.unit {
        let _ = write!(o, "<span class=\"unit\">（{}）</span>", escape(unit));
    }
    o.push_str("</caption>\n");
    html(segs, &o);
    // Only table 三's label columns stay in view (several nested label columns).
    let starts = if grid.table == TableId::Applications {
        part.start_columns().unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut rows = part.rows().enumerate();
    if !part.head.is_empty() {
        html(segs, "<thead>\n");
        for (i, row) in rows.by_ref().take(part.head.len()) {
            row_html(segs, row, starts.get(i), format);
        }
        html(segs, "</thead>\n");
    }
    for body in &part.bodies {
        html(segs, "<tbody>\n");
        for (i, row) in rows.by_ref().take(body.len()) {
            row_html(segs, row, starts.get(i), format);
        }
        html(segs, "</tbody>\n");
    }
    html(segs, "</table>\n");
}

/// The pieces of a table's HTML.
fn compile(grid: &Grid, format: &FormatDef) -> Vec<Seg> {
    let mut segs = Vec::new();
    if let [part] = grid.parts.as_slice() {
        html(
            &mut segs,
            &format!(
                "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"{}-caption\" tabindex=\"0\">\n",
                part.id
            ),
        );
        let note_id = grid.note_id();
        if let Some(note) = grid.note {
            // Outside the grid: the corner cell shows it, this describes the table.
            html(
                &mut segs,
                &format!(
                    "<p id=\"{note_id}\" class=\"table-note\" hidden>{}</p>\n",
                    escape(note)
                ),
            );
        }
        part_html(
            &mut segs,
            grid,
            part,
            grid.note.map(|_| note_id.as_str()),
            format,
        );
    } else {
        // Table 二: the blocks under the table's title, which gives their unit.
        let title_id = format!("{}-title", grid.id);
        html(
            &mut segs,
            &format!(
                "<div class=\"table-scroll table-set\" id=\"{}\" role=\"region\" aria-labelledby=\"{title_id}\" tabindex=\"0\">\n<p class=\"table-title\" id=\"{title_id}\">{}<span class=\"unit\">（{}）</span></p>\n",
                grid.id,
                escape(&grid.title),
                escape(grid.unit)
            ),
        );
        for part in &grid.parts {
            part_html(&mut segs, grid, part, Some(&title_id), format);
        }
    }
    html(&mut segs, "</div>\n");
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
