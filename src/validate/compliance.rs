//! W002, W004, W005, W007, W008, W104: rules one report can be judged on alone.

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

    fees_and_notices(report, sink);

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

/// W104 (2021 edition): 信息处理费 collected without a fee notice, or more applications closed
/// for an unpaid fee than fee notices sent.
fn fees_and_notices(report: &Report, sink: &mut Sink) {
    let (Some(def), Some(fees)) = (&report.format.processing_fees, report.processing_fees) else {
        return;
    };
    let loc = &report.locations;
    if fees.amount.is_positive() && fees.notices == 0 {
        sink.add(
            Code::W104,
            loc.cell("processing_fees.amount", 0),
            format!(
                "{}的“{}”为 {}，但“{}”为 0：收取信息处理费须先发出收费通知",
                def.label, def.amount_label, fees.amount, def.notices_label
            ),
        )
        .row(def.label)
        .col(def.amount_label)
        .expected(0)
        .found(fees.amount.to_json())
        .label("没有收费通知");
    }
    let path = "results.other.fee_unpaid";
    let (Some(row), Some(cells)) = (report.format.app_row(path), report.applications.get(path))
    else {
        return;
    };
    let unpaid = cells.with_total()[6];
    if unpaid > fees.notices {
        let total = report.format.applications.total_label;
        // The written 总计, else the row.
        let at = if cells.total.is_some() {
            loc.cell(&format!("applications.{path}"), 6)
        } else {
            loc.key(&format!("applications.{path}"))
        };
        sink.add(
            Code::W104,
            at,
            format!(
                "“{}”的{total}为 {unpaid}，大于{}的“{}” {}：申请人逾期未缴费而不再处理的申请，应先发出过收费通知",
                row.label, def.label, def.notices_label, fees.notices
            ),
        )
        .row(row.label)
        .col(total)
        .expected(format!("≤ {}", fees.notices))
        .found(unpaid)
        .label(format!("收费通知只有 {} 件", fees.notices));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;

    fn check(fees: &str, unpaid: &str) -> Vec<(Code, u32, u32)> {
        let base = include_str!("../../tests/fixtures/valid/content/demo-ju/2021.md");
        let text = base
            .replace("processing_fees:\n  notices: 1\n  amount: 25.5\n", fees)
            .replace("fee_unpaid: [0, 0, 0, 0, 0, 0]", unpaid);
        let ctx = crate::validate::FileContext {
            file: "content/demo-ju/2021.md",
            slug: "demo-ju",
            this_year: 2026,
        };
        let (_, diags) = crate::validate::check_report(&ctx, &text);
        diags
            .iter()
            .filter(|d| d.code == Code::W104)
            .map(|d| (d.code, d.line, d.column))
            .collect()
    }

    #[test]
    fn w104_fees_without_notice_and_unpaid_above_notices() {
        let fine = "fee_unpaid: [0, 0, 0, 0, 0, 0]";
        assert!(check("processing_fees:\n  notices: 1\n  amount: 25.5\n", fine).is_empty());
        assert!(check("processing_fees:\n  notices: 0\n  amount: 0\n", fine).is_empty());
        assert_eq!(
            check("processing_fees:\n  notices: 0\n  amount: 25.5\n", fine),
            [(Code::W104, 49, 11)]
        );
        // Two closed for an unpaid fee with one notice sent (the table's balance is R001's).
        let unpaid = "fee_unpaid: [1, 0, 0, 0, 0, 1, 2]";
        let got = check("processing_fees:\n  notices: 1\n  amount: 25.5\n", unpaid);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].1, got[0].2), (39, 38));
    }
}
