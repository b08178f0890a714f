//! The `new` scaffold: a report file with every row at zero, derived from the edition.

use std::fmt::Write;

use super::{AppRowKind, FormatDef};

fn pad(line: &str, width: usize) -> String {
    let w = line.chars().count();
    format!("{line}{}", " ".repeat(width.saturating_sub(w).max(1)))
}

fn zeros(n: usize) -> String {
    format!("[{}]", vec!["0"; n].join(", "))
}

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The text of a new report file.
pub fn scaffold(f: &FormatDef, agency: &str, year: u16) -> String {
    let mut o = String::new();
    let c = 40;
    let _ = writeln!(o, "---");
    let _ = writeln!(
        o,
        "{}# 机关名称（该年度的名称）",
        pad(&format!("agency: {}", yaml_string(agency)), c)
    );
    let _ = writeln!(
        o,
        "{}# 报告年度，与文件名一致",
        pad(&format!("year: {year}"), c)
    );
    let _ = writeln!(
        o,
        "{}# 发布日期，发布时填写（去掉行首的 #）",
        pad(&format!("# published: {}-01-20", year + 1), c)
    );
    let _ = writeln!(
        o,
        "{}# 格式版本：{}",
        pad(&format!("format: {}", f.id), c),
        f.document
    );
    let _ = writeln!(
        o,
        "# 以下表格每一行都必须填写，没有的写 0；数字不加引号，不以 0 开头。"
    );

    let s2 = f.table_section(super::TableId::Active);
    let _ = writeln!(o, "{}# {}", pad("active:", c), s2.heading());
    for b in f.active.blocks {
        let cols: Vec<String> = b.columns.iter().map(|c| c.header()).collect();
        let _ = writeln!(
            o,
            "  # {}（{}：{}）",
            b.title,
            f.active.content_header,
            cols.join("、")
        );
        for r in b.rows {
            let _ = writeln!(
                o,
                "{}# {}：{}",
                pad(&format!("  {}: {}", r.key, zeros(b.columns.len())), c),
                r.label,
                cols.join("、")
            );
        }
    }

    let t = &f.applications;
    let s3 = f.table_section(super::TableId::Applications);
    let _ = writeln!(o, "{}# {}", pad("applications:", c), s3.heading());
    let _ = writeln!(
        o,
        "  # 每行 6 个数值：{}；可再加第 7 个“{}”（会被核对）",
        t.columns.join("、"),
        t.total_label
    );
    let _ = writeln!(o, "  # {}", t.note);
    for r in t.rows {
        if r.kind == AppRowKind::Total {
            continue; // computed
        }
        let indent = "  ".repeat(r.depth() + 1);
        let line = match r.kind {
            AppRowKind::Group => format!("{indent}{}:", r.key()),
            _ => format!("{indent}{}: {}", r.key(), zeros(6)),
        };
        let _ = writeln!(o, "{}# {}", pad(&line, c), r.label);
    }

    let a = &f.appeals;
    let s4 = f.table_section(super::TableId::Appeals);
    let _ = writeln!(o, "{}# {}", pad("appeals:", c), s4.heading());
    let _ = writeln!(
        o,
        "  # 每行 4 个数值：{}；可再加第 5 个“{}”",
        a.columns.join("、"),
        a.total_label
    );
    for g in a.groups {
        let _ = writeln!(
            o,
            "{}# {}：{}",
            pad(&format!("  {}: {}", g.key, zeros(4)), c),
            g.label(),
            a.columns.join("、")
        );
    }
    if let Some(fees) = &f.processing_fees {
        let _ = writeln!(
            o,
            "{}# {}（在“六、{}”中报告）",
            pad("processing_fees:", c),
            fees.label,
            f.sections[5].title
        );
        let _ = writeln!(o, "{}# {}", pad("  notices: 0", c), fees.notices_label);
        let _ = writeln!(o, "{}# {}", pad("  amount: 0", c), fees.amount_label);
    }
    // Optional keys, commented out: an author who needs one removes the `#`.
    let _ = writeln!(
        o,
        "{}# 数据说明（可选）：确需保留的警告及原因，例如",
        pad("# acknowledge:", c)
    );
    let _ = writeln!(
        o,
        "#   W001: 机构改革后，上年结转的申请由原机关移交本机关办理。"
    );
    let _ = writeln!(
        o,
        "{}# 修订记录（可选）：发布后更正的日期和内容，例如",
        pad("# revisions:", c)
    );
    let _ = writeln!(
        o,
        "#   - {{date: {}-03-01, note: 更正了表三的数字}}",
        year + 1
    );
    let _ = writeln!(o, "---");
    for (i, s) in f.sections.iter().enumerate() {
        let _ = writeln!(o, "\n## {}\n\n<!-- {} -->", s.heading(), s.guidance);
        if let (Some(fees), true) = (&f.processing_fees, i + 1 == f.sections.len()) {
            let sentence = fees
                .sentence
                .replace("{notices}", "N")
                .replace("{amount}", "X");
            let _ = writeln!(
                o,
                "<!-- 本节开头的“{sentence}”由前置数据 processing_fees 生成，不必再写；本节已写明{}金额的，不再生成这一句。 -->",
                fees.label
            );
        }
    }
    o
}

/// `pad` by display width: a Chinese character takes two columns.
fn pad_wide(line: &str, width: usize) -> String {
    let w: usize = line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{line}{}", " ".repeat(width.saturating_sub(w).max(1)))
}

/// The text of a new agency file, `content/<slug>/_index.md`: its name (or none yet), region
/// and kind, with comments listing the kinds and what each changes.
pub fn agency_file(name: Option<&str>, kind_word: &str) -> String {
    use crate::report::AgencyKind;
    let mut o = String::new();
    let c = 40;
    let _ = writeln!(o, "---");
    let _ = writeln!(
        o,
        "# 机关信息：说明机关本身。各年度的报告放在同一目录中，如 2025.md。"
    );
    let (name_line, name_note) = match name {
        Some(n) => (
            format!("name: {}", yaml_string(n)),
            "机关名称（现用名称），显示在机关列表和机关页上",
        ),
        None => (
            "name:".to_string(),
            "机关名称（现用名称）；不填时取最新一份报告的 agency",
        ),
    };
    let _ = writeln!(o, "{}# {name_note}", pad_wide(&name_line, c));
    let _ = writeln!(
        o,
        "{}# 所属地区，如 黑龙江省佳木斯市汤原县（可不填）",
        pad_wide("region:", c)
    );
    let _ = writeln!(
        o,
        "{}# 机关类型，只能是下列之一：",
        pad_wide(&format!("kind: {kind_word}"), c)
    );
    for (_, kind) in AgencyKind::ALL {
        let _ = writeln!(o, "#   {}：{}", kind.chinese(), kind.effect());
    }
    let _ = writeln!(
        o,
        "{}# 在机关列表中的排序：整数，小的在前（去掉行首的 # 后生效）",
        pad_wide("# order: 1", c)
    );
    let _ = writeln!(o, "---");
    let _ = writeln!(o, "\n<!-- 此处可写机关简介，显示在机关页上（可不写）。 -->");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::EDITIONS;

    #[test]
    fn the_agency_file_reads_back_as_written() {
        use crate::report::AgencyKind;
        for name in [
            Some("示例县人民政府"),
            Some("示例县城关镇人民政府"),
            Some("示例县城东街道办事处"),
            Some("示例县\"教育\"局"),
            None,
        ] {
            let (kind, word) = AgencyKind::guess(name.unwrap_or(""));
            let text = agency_file(name, word);
            let (a, diags) = crate::validate::check_agency_file("f", &text);
            assert!(diags.is_empty(), "{diags:?}");
            assert_eq!((a.name.as_deref(), a.kind), (name, Some(kind)));
            assert!(crate::markdown::is_blank(&a.intro), "{}", a.intro);
        }
    }

    #[test]
    fn scaffold_has_every_row_and_section() {
        for f in EDITIONS {
            let s = scaffold(f, "示例县教育局", 2024);
            for (_, r) in f.active_rows() {
                assert!(s.contains(&format!("  {}: [", r.key)), "{}", r.key);
                assert!(s.contains(r.label));
            }
            for r in f
                .applications
                .rows
                .iter()
                .filter(|r| r.kind != AppRowKind::Total)
            {
                assert!(
                    s.contains(&format!("{}:", r.key())) && s.contains(r.label),
                    "{}",
                    r.path
                );
            }
            for sec in &f.sections {
                assert!(s.contains(&format!("## {}", sec.heading())));
            }
            // The optional keys are there as examples, commented out.
            assert!(s.contains("\n# acknowledge:") && s.contains("\n# revisions:"));
            assert!(!s.contains("\nacknowledge:") && !s.contains("\nrevisions:"));
        }
    }
}
