//! The one writer of report files, derived from the edition: the `new` scaffold (every row at
//! zero, guidance in each section) and, from the same code, a report `import` filled in.

use std::fmt::Write;

use super::{AppRowKind, FormatDef};

fn pad(line: &str, width: usize) -> String {
    let w = line.chars().count();
    format!("{line}{}", " ".repeat(width.saturating_sub(w).max(1)))
}

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The values of a row by key path; `None` for a row not found.
pub type RowValues<'a> = &'a dyn Fn(&str) -> Option<Vec<String>>;

/// What a report file holds beyond its layout: everything `new` leaves at zero or as guidance.
/// The default is the scaffold of `new`; `import` fills it from a document.
#[derive(Default)]
pub struct Fill<'a> {
    /// Lines of the `# 导入说明` comment at the top of the front matter.
    pub notes: &'a [String],
    /// `None`: the scaffold's commented line; `Some(None)`: no date is known.
    pub published: Option<Option<&'a str>>,
    /// The values of a row by key path (`active.rules`, `applications.results.granted`,
    /// `appeals.litigation`); `None` writes `~` (not found). Unset: every row at zero.
    pub rows: Option<RowValues<'a>>,
    /// `None`: the scaffold's zeros; `Some(None)`: left out (not stated).
    pub processing_fees: Option<Option<(&'a str, &'a str)>>,
    /// The Markdown body; unset: the six headings with guidance.
    pub body: Option<&'a str>,
}

/// A row as written: its key path, 1-based line, and each value's 1-based column and width
/// (in characters), so that a diagnostic on the file can be traced back to where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenRow {
    pub path: String,
    pub line: u32,
    pub cells: Vec<(u32, u32)>,
}

/// A report file's text and where its rows are.
#[derive(Debug, Clone)]
pub struct Written {
    pub text: String,
    pub rows: Vec<WrittenRow>,
    /// 1-based line of the body's first line.
    pub body_line: u32,
}

/// The text of a new report file.
pub fn scaffold(f: &FormatDef, agency: &str, year: u16) -> String {
    write_report(f, agency, year, &Fill::default()).text
}

/// Writes a report file in the layout of `new`: every row with its comment, then the body.
pub fn write_report(f: &FormatDef, agency: &str, year: u16, fill: &Fill) -> Written {
    let mut o = String::new();
    let mut rows: Vec<WrittenRow> = Vec::new();
    let c = 40;
    // A row line: `{indent}{key}: {values}` padded, then the comment; records where values are.
    let mut row =
        |o: &mut String, indent: &str, key: &str, path: String, n: usize, comment: &str| {
            let values = match fill.rows {
                None => Some(vec!["0".to_string(); n]),
                Some(get) => get(&path),
            };
            let line = o.matches('\n').count() as u32 + 1;
            let head = format!("{indent}{key}: ");
            let mut text = head.clone();
            let mut cells = Vec::new();
            match values {
                Some(v) => {
                    let mut col = head.chars().count() as u32 + 2;
                    text.push('[');
                    for (i, x) in v.iter().enumerate() {
                        if i > 0 {
                            text.push_str(", ");
                        }
                        text.push_str(x);
                        cells.push((col, x.chars().count() as u32));
                        col += x.chars().count() as u32 + 2;
                    }
                    text.push(']');
                }
                None => text.push('~'),
            }
            let _ = writeln!(o, "{}# {comment}", pad(&text, c));
            rows.push(WrittenRow { path, line, cells });
        };
    let _ = writeln!(o, "---");
    for note in fill.notes {
        let _ = writeln!(o, "# {note}");
    }
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
    let _ = match fill.published {
        None => writeln!(
            o,
            "{}# 发布日期，发布时填写（去掉行首的 #）",
            pad(&format!("# published: {}-01-20", year + 1), c)
        ),
        Some(Some(d)) => writeln!(o, "{}# 发布日期", pad(&format!("published: {d}"), c)),
        Some(None) => writeln!(
            o,
            "{}# 原文未注明发布日期；知道时填写（去掉行首的 #）",
            pad("# published: YYYY-MM-DD", c)
        ),
    };
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
            row(
                &mut o,
                "  ",
                r.key,
                format!("active.{}", r.key),
                b.columns.len(),
                &format!("{}：{}", r.label, cols.join("、")),
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
        let indent = "  ".repeat(r.depth() + 1);
        let path = format!("applications.{}", r.path);
        match r.kind {
            AppRowKind::Group => {
                let line = format!("{indent}{}:", r.key());
                let _ = writeln!(o, "{}# {}", pad(&line, c), r.label);
            }
            AppRowKind::Total => {
                // Computed when absent: written only when the document states it.
                if fill.rows.is_some_and(|get| get(&path).is_some()) {
                    row(&mut o, &indent, r.key(), path, 7, r.label);
                }
            }
            AppRowKind::Data => row(&mut o, &indent, r.key(), path, 6, r.label),
        }
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
        row(
            &mut o,
            "  ",
            g.key,
            format!("appeals.{}", g.key),
            4,
            &format!("{}：{}", g.label(), a.columns.join("、")),
        );
    }
    if let Some(fees) = &f.processing_fees {
        let heading = format!("{}（在“六、{}”中报告）", fees.label, f.sections[5].title);
        match fill.processing_fees {
            Some(None) => {
                let _ = writeln!(
                    o,
                    "# processing_fees: 原文第六部分未写明{}的件数和金额，请补填：notices（{}）、amount（{}）",
                    fees.label, fees.notices_label, fees.amount_label
                );
            }
            given => {
                let (notices, amount) = given.flatten().unwrap_or(("0", "0"));
                let _ = writeln!(o, "{}# {heading}", pad("processing_fees:", c));
                let _ = writeln!(
                    o,
                    "{}# {}",
                    pad(&format!("  notices: {notices}"), c),
                    fees.notices_label
                );
                let _ = writeln!(
                    o,
                    "{}# {}",
                    pad(&format!("  amount: {amount}"), c),
                    fees.amount_label
                );
            }
        }
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
    let body_line = o.matches('\n').count() as u32 + 1;
    match fill.body {
        Some(body) => o.push_str(body),
        None => {
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
        }
    }
    Written {
        text: o,
        rows,
        body_line,
    }
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
