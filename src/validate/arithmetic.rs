//! R001–R004: the 勾稽关系 of tables 三 and 四.

use super::{Detail, Sink};
use crate::format::{AppRole, AppRowKind};
use crate::report::Report;

fn column_label(report: &Report, i: usize) -> &'static str {
    let t = &report.format.applications;
    t.columns.get(i).copied().unwrap_or(t.total_label)
}

/// Each term of R001 for column `i` with its value and line, one per line, so that the author
/// finds the row that is wrong (the diagnostic itself points at 一).
fn r001_terms(report: &Report, i: usize) -> String {
    let t = &report.format.applications;
    let line = |path: &str| {
        report
            .locations
            .cell(&format!("applications.{path}"), i)
            .line
    };
    let value = |path: &str| report.applications.get(path).map(|c| c.with_total()[i]);
    let mut out = Vec::new();
    for def in t.rows {
        match (def.role, def.kind) {
            (AppRole::New | AppRole::CarriedOver | AppRole::CarriedForward, _) => {
                if let Some(v) = value(def.path) {
                    out.push(format!("{} = {v}（第 {} 行）", def.label, line(def.path)));
                }
            }
            (_, AppRowKind::Total) => match value(def.path) {
                Some(v) => out.push(format!("{} = {v}（第 {} 行）", def.label, line(def.path))),
                None => {
                    // Not written: the sum of the results, each named where it is not 0.
                    let total = report.computed_results_total()[i];
                    let terms: Vec<String> = t
                        .rows
                        .iter()
                        .filter(|r| r.role == AppRole::Result)
                        .filter_map(|r| {
                            let v = value(r.path).filter(|v| *v != 0)?;
                            let group = r
                                .parent()
                                .and_then(|p| report.format.app_row(p))
                                .filter(|g| g.kind == AppRowKind::Group && g.role == AppRole::None)
                                .filter(|g| g.path.contains('.'))
                                .map_or(String::new(), |g| format!("{} ", g.label));
                            Some(format!(
                                "  {group}{} = {v}（第 {} 行）",
                                r.label,
                                line(r.path)
                            ))
                        })
                        .collect();
                    if terms.is_empty() {
                        out.push(format!("{} = 0：各项办理结果均为 0", def.label));
                    } else {
                        out.push(format!("{} = {total}，即各项办理结果之和：", def.label));
                        out.extend(terms);
                    }
                }
            },
            _ => {}
        }
    }
    out.join("\n")
}

pub fn check(report: &Report, sink: &mut Sink) {
    let f = report.format;
    let t = &f.applications;
    let rule_note = format!("勾稽关系：{}", t.rule);
    let section = f
        .table_section(crate::format::TableId::Applications)
        .heading();

    // R003: a row's written 总计 equals the sum of its six cells.
    for def in t.rows {
        if let Some(c) = report.applications.get(def.path) {
            if let Some(total) = c.total {
                if total != c.sum() {
                    let path = format!("applications.{}", def.path);
                    sink.add(
                        crate::diagnostic::Code::R003,
                        report.locations.cell(&path, 6),
                        format!(
                            "“{}”的总计 = {total}，但六个申请人数值之和 = {}",
                            def.label,
                            c.sum()
                        ),
                    )
                    .row(def.label)
                    .col(t.total_label)
                    .expected(c.sum())
                    .found(total)
                    .label(format!("应为 {}", c.sum()))
                    .note("总计等于自然人与法人或其他组织各列之和");
                }
            }
        }
    }

    let results: Vec<_> = t
        .rows
        .iter()
        .filter(|r| r.role == AppRole::Result)
        .collect();
    let all_results = results
        .iter()
        .all(|r| report.applications.contains_key(r.path));
    let computed = report.computed_results_total();
    let total_def = t.rows.iter().find(|r| r.kind == AppRowKind::Total);

    // R002: a written （七）总计 equals the sum of the results.
    if let (Some(total_def), true) = (total_def, all_results) {
        if let Some(written) = report.applications.get(total_def.path) {
            let given = written.with_total();
            // Only the cells the author wrote: an unwritten 总计 is computed, not checked.
            let columns = if written.total.is_some() { 7 } else { 6 };
            for i in 0..columns {
                if given[i] != computed[i] {
                    let path = format!("applications.{}", total_def.path);
                    let col = column_label(report, i);
                    sink.add(
                        crate::diagnostic::Code::R002,
                        report.locations.cell(&path, i),
                        format!(
                            "“{}”的“{col}”列 = {}，但（一）至（六）各项办理结果之和 = {}",
                            total_def.label, given[i], computed[i]
                        ),
                    )
                    .row(total_def.label)
                    .col(col)
                    .expected(computed[i])
                    .found(given[i])
                    .label(format!("应为 {}", computed[i]))
                    .note("（七）总计等于（一）+（二）+（三）各项 +（四）各项 +（五）各项 +（六）");
                }
            }
        }
    }

    // R001: 一 + 二 = （七）总计 + 四, per applicant column.
    let row = |role| report.row_by_role(role);
    let total = total_def
        .and_then(|d| report.applications.get(d.path))
        .map(|c| c.with_total());
    let total = total.or(all_results.then_some(computed));
    if let (Some(new), Some(co), Some(cf), Some(total)) = (
        row(AppRole::New),
        row(AppRole::CarriedOver),
        row(AppRole::CarriedForward),
        total,
    ) {
        let label = |role| {
            t.rows
                .iter()
                .find(|r| r.role == role)
                .map_or("", |r| r.label)
        };
        let new_path = format!("applications.{}", report.role_path(AppRole::New));
        for i in 0..6 {
            let (left, right) = (new[i] + co[i], total[i] + cf[i]);
            if left != right {
                let col = column_label(report, i);
                sink.add(
                    crate::diagnostic::Code::R001,
                    report.locations.cell(&new_path, i),
                    format!(
                        "{} — {col} 列不平衡：一 + 二 = {left}，（七）总计 + 四 = {right}",
                        section
                    ),
                )
                .row(label(AppRole::New))
                .col(col)
                .expected(left)
                .found(right)
                .label(label(AppRole::New))
                .note(format!("{rule_note}\n{}", r001_terms(report, i)));
            }
        }
    }

    // R004: table 四, a group's 总计 equals the sum of its four results.
    for g in f.appeals.groups {
        if let Some(c) = report.appeals.get(g.key) {
            if let Some(total) = c.total {
                if total != c.sum() {
                    let path = format!("appeals.{}", g.key);
                    sink.add(
                        crate::diagnostic::Code::R004,
                        report.locations.cell(&path, 4),
                        format!(
                            "“{}”的总计 = {total}，但{}之和 = {}",
                            g.label(),
                            f.appeals.columns.join(" + "),
                            c.sum()
                        ),
                    )
                    .row(g.label())
                    .col(f.appeals.total_label)
                    .expected(c.sum())
                    .found(total)
                    .label(format!("应为 {}", c.sum()))
                    .note(format!("总计等于{}之和", f.appeals.columns.join("、")));
                }
            }
        }
    }
}
