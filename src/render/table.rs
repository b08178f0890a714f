//! Writes an official table as accessible HTML, straight from its [`Grid`] (no per-cell
//! template work): caption, `thead`/`tbody`, `th` with `id` and `scope`, `headers` on every
//! data cell, inside a focusable scroll container.

use std::fmt::Write;

use crate::format::layout::{Cell, CellRef, Grid};
use crate::markdown::escape;
use crate::report::Report;

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

fn row_html(out: &mut String, report: &Report, row: &[Cell]) {
    out.push_str("<tr>");
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
                span(out, "colspan", *colspan);
                span(out, "rowspan", *rowspan);
                let _ = write!(out, ">{}</th>", escape(text));
            }
            Cell::Corner {
                id,
                text,
                colspan,
                rowspan,
            } => {
                let _ = write!(out, "<td id=\"{id}\" class=\"note\"");
                span(out, "colspan", *colspan);
                span(out, "rowspan", *rowspan);
                let _ = write!(out, ">{}</td>", escape(text));
            }
            Cell::Data {
                value: v,
                headers,
                colspan,
            } => {
                let _ = write!(out, "<td headers=\"{headers}\"");
                span(out, "colspan", *colspan);
                let _ = write!(out, ">{}</td>", value(report, *v));
            }
        }
    }
    out.push_str("</tr>\n");
}

/// The table, in its scroll container.
pub fn table_html(grid: &Grid, report: &Report) -> String {
    let mut o = String::with_capacity(16 * 1024);
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
    if !grid.head.is_empty() {
        o.push_str("<thead>\n");
        for row in &grid.head {
            row_html(&mut o, report, row);
        }
        o.push_str("</thead>\n");
    }
    for body in &grid.bodies {
        o.push_str("<tbody>\n");
        for row in body {
            row_html(&mut o, report, row);
        }
        o.push_str("</tbody>\n");
    }
    o.push_str("</table>\n</div>\n");
    o
}
