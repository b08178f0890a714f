//! W002, W004, W005, W007, W008: rules one report can be judged on alone.

use super::{Detail, Sink};
use crate::diagnostic::{Code, Pos};
use crate::report::Report;

pub fn check(report: &Report, sink: &mut Sink) {
    let f = report.format;
    let loc = &report.locations;

    // W002 (2019 edition): 本年新公开数量 ≤ 对外公开总数量, for the rows of the first block.
    if f.id == 2019 {
        if let Some(block) = f.active.blocks.first() {
            for row in block.rows {
                if let Some(v) = report.active.get(row.key) {
                    if let (Some(new), Some(all)) = (v.get(1), v.get(2)) {
                        if new > all {
                            let (nl, al) = (block.columns[1].label, block.columns[2].label);
                            sink.add(
                                Code::W002,
                                loc.cell(&format!("active.{}", row.key), 1),
                                format!("“{}”的“{nl}” {new} 大于“{al}” {all}", row.label),
                            )
                            .row(row.label)
                            .col(nl)
                            .expected(format!("≤ {all}"))
                            .found(new.to_json())
                            .label(nl);
                        }
                    }
                }
            }
        }
    }

    // W004: the edition written does not fit the year.
    if report.format_explicit && report.year != 0 && !f.fits_year(report.year) {
        let right = crate::format::FormatDef::for_year(report.year);
        let why = if f.id < right.id {
            "已被取代"
        } else {
            "当年尚未施行"
        };
        sink.add(
            Code::W004,
            loc.cell("format", 0),
            format!(
                "{} 年的报告使用了 {} 版格式（{}），{why}；应使用 {} 版格式（{}）",
                report.year, f.id, f.document, right.id, right.document
            ),
        )
        .expected(right.id)
        .found(f.id)
        .label("格式版本");
    }

    // W005: 2021 edition without 信息处理费.
    if report.processing_fees.is_none() && loc.get_key("processing_fees").is_none() {
        missing_fees(sink, f, Pos::new(1, 1, 3), "前置数据中缺少 processing_fees");
    }

    // W007 / W008.
    if report.draft {
        sink.add(
            Code::W007,
            loc.key("draft"),
            "本报告是草稿（draft: true），build 时不发布".to_string(),
        )
        .label("草稿");
    } else if report.published.is_none() && !published_refused(report, sink) {
        sink.add(
            Code::W008,
            Pos::new(1, 1, 3),
            "没有发布日期（published）：无法检查是否按时发布，页面也不显示日期".to_string(),
        )
        .label("前置数据中缺少 published");
    }
}

/// W005: the 2021 edition's 信息处理费 not given (absent, or written with no value at `at`).
pub fn missing_fees(sink: &mut Sink, f: &crate::format::FormatDef, at: Pos, label: &str) {
    let Some(def) = &f.processing_fees else {
        return;
    };
    sink.add(Code::W005, at,
        format!("{} 版格式要求在“六、其他需要报告的事项”中报告{}：请填写 processing_fees（notices 收费通知件数，amount 收费金额）", f.id, def.label))
        .row(def.label)
        .label(label);
}

/// Whether `published` was written but refused (N007 already says so; W008 would repeat it).
fn published_refused(report: &Report, sink: &Sink) -> bool {
    let Some(at) = report
        .locations
        .get_cells("published")
        .and_then(|c| c.first())
    else {
        return false;
    };
    sink.diags
        .iter()
        .any(|d| d.code == Code::N007 && (d.line, d.column) == (at.line, at.column))
}
