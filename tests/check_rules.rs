//! `nianbao check`, one invalid site per rule code: the valid base site (`tests/fixtures/valid`,
//! a 2019-edition and a 2021-edition report) with one mutation, run through the binary with
//! `--format json`. Each case names the code, file, position, key words and, through the codes
//! that may come along, the exit code.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use nianbao::diagnostic::Code;
use serde_json::Value;

/// Where the diagnostic must point.
#[derive(Debug, Clone, Copy)]
enum At {
    /// The first line containing the first text, at the column where the second text starts
    /// in it (empty: column 1). Looked up in the file after the mutation.
    Text(&'static str, &'static str),
    /// A fixed line and column.
    Line(u64, u64),
}

struct Case {
    name: &'static str,
    edit: fn(&Path),
    code: &'static str,
    file: &'static str,
    at: At,
    /// Words the message must contain (official labels, values).
    words: &'static [&'static str],
    /// Other codes the same run reports (exactly these; none others).
    also: &'static [&'static str],
}

const fn case(
    name: &'static str,
    edit: fn(&Path),
    code: &'static str,
    file: &'static str,
    at: At,
    words: &'static [&'static str],
) -> Case {
    Case {
        name,
        edit,
        code,
        file,
        at,
        words,
        also: &[],
    }
}

impl Case {
    const fn also(mut self, also: &'static [&'static str]) -> Case {
        self.also = also;
        self
    }
}

const TOP: At = At::Line(1, 1);

/// Copies `from` to `to` in a site, changing it on the way.
fn copy_with(root: &Path, from: &str, to: &str, edits: &[(&str, &str)]) {
    let mut text = read(root, from);
    for (a, b) in edits {
        assert_eq!(text.matches(a).count(), 1, "{from}: {a:?}");
        text = text.replacen(a, b, 1);
    }
    write(root, to, text);
}

/// An alias bomb: each level holds ten aliases of the one before.
fn alias_bomb(root: &Path) {
    let mut yaml = String::from("x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
    for i in 1..8 {
        let p = i - 1;
        let items = vec![format!("*a{p}"); 10].join(", ");
        yaml.push_str(&format!("x{i}: &a{i} [{items}]\n"));
    }
    replace(root, R2020, "year: 2020\n", &format!("year: 2020\n{yaml}"));
}

#[rustfmt::skip] // a table: one case per line pair reads best
fn cases() -> Vec<Case> {
    use At::*;
    vec![
        // N001 — the fences.
        case("n001_no_opening_fence", |r| replace(r, R2020, "---\nagency", "agency"),
            "N001", R2020, TOP, &["---"]),
        case("n001_front_matter_not_closed", |r| replace(r, R2020, "---\n\n本报告", "\n本报告"),
            "N001", R2020, TOP, &["---", "没有结束"]),
        case("n001_agency_file_not_closed", |r| replace(r, INDEX, "order: 1\n---\n", "order: 1\n"),
            "N001", INDEX, TOP, &["---"]),
        // N002 — YAML.
        case("n002_syntax_error", |r| replace(r, R2020, "year: 2020", "year: 2020: 1"),
            "N002", R2020, Text("year: 2020: 1", ": 1"), &["YAML"]),
        case("n002_column_counts_characters", |r| replace(r, R2020, "agency: 示例县测试局", "agency: 示例县测试局: x"),
            "N002", R2020, Text("agency:", ": x"), &["YAML"]),
        case("n002_tab_indentation", |r| replace(r, R2020, "  carried_over:", "\tcarried_over:"),
            "N002", R2020, Text("carried_over", ""), &["YAML"]),
        case("n002_duplicate_key", |r| replace(r, R2020, "published: 2021-01-20\n", "published: 2021-01-20\nyear: 2020\n"),
            "N002", R2020, Line(5, 1), &["year", "重复"]),
        case("n002_alias_bomb", alias_bomb,
            "N002", R2020, Text("x3:", "*a2"), &["别名"]),
        case("n002_not_a_mapping", |r| write(r, R2020, "---\n- 示例县测试局\n- 2020\n---\n\n## 一、总体情况\n"),
            "N002", R2020, Line(2, 1), &["映射", "列表"]),
        // N003 — unknown keys, with a suggestion.
        case("n003_front_matter", |r| replace(r, R2021, "published:", "publishd:"),
            "N003", R2021, Text("publishd", "publishd"), &["publishd", "published"]).also(&["W008"]),
        case("n003_in_a_table", |r| replace(r, R2021, "  litigation: [0, 0, 0, 0]\n", "  litigation: [0, 0, 0, 0]\n  mediation: [0, 0, 0, 0]\n"),
            "N003", R2021, Text("mediation", "mediation"), &["mediation"]),
        case("n003_column_counts_characters", |r| replace(r, R2021, "processing_fees:\n  notices: 1\n  amount: 25.5\n", "processing_fees: {amount: 25.5, 说明: 无, notices: 1, 备注: 一}\n"),
            "N003", R2021, Text("processing_fees:", "备注"), &["备注"]),
        case("n003_site_toml", |r| replace(r, "site.toml", "title =", "titel ="),
            "N003", "site.toml", Text("titel", "titel"), &["titel", "title"]),
        case("n003_site_toml_table", |r| replace(r, "site.toml", "organizer =", "organiser ="),
            "N003", "site.toml", Text("organiser", "organiser"), &["organiser", "organizer"]),
        case("n003_agency_file", |r| replace(r, INDEX, "region:", "regoin:"),
            "N003", INDEX, Text("regoin", "regoin"), &["regoin", "region"]),
        // N004 — required keys and rows.
        case("n004_missing_row", |r| replace(r, R2020, "    partial: [1, 0, 0, 0, 0, 0]\n", ""),
            "N004", R2020, Text("  results:", "results"), &["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]),
        case("n004_missing_nested_row", |r| replace(r, R2021, "      fee_unpaid: [0, 0, 0, 0, 0, 0]\n", ""),
            "N004", R2021, Text("    other:", "other"), &["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"]),
        case("n004_row_without_values", |r| replace(r, R2020, "  carried_forward: [2, 0, 0, 0, 0, 0, 2]", "  carried_forward:"),
            "N004", R2020, Text("carried_forward:", "carried_forward"), &["四、结转下年度继续办理"]),
        case("n004_missing_table", |r| replace(r, R2021, "appeals:\n  reconsideration: [0, 1, 0, 0, 1]\n  litigation: [0, 0, 0, 0]\n  litigation_after_reconsideration: [0, 0, 0, 0, 0]\n", ""),
            "N004", R2021, TOP, &["四、政府信息公开行政复议、行政诉讼情况"]),
        case("n004_missing_agency", |r| replace(r, R2020, "agency: 示例县测试局\n", ""),
            "N004", R2020, TOP, &["agency"]),
        case("n004_missing_fee_amount", |r| replace(r, R2021, "  amount: 25.5\n", ""),
            "N004", R2021, Text("processing_fees:", "processing_fees"), &["收取信息处理费"]),
        // N005 — the shape of a row.
        case("n005_applications_five_values", |r| replace(r, R2020, "partial: [1, 0, 0, 0, 0, 0]", "partial: [1, 0, 0, 0, 0]"),
            "N005", R2020, Text("partial:", "["), &["（二）部分公开", "6", "5"]),
        case("n005_appeals_six_values", |r| replace(r, R2021, "  litigation: [0, 0, 0, 0]", "  litigation: [0, 0, 1, 1, 1, 1]"),
            "N005", R2021, Text("  litigation:", "["), &["行政诉讼", "未经复议直接起诉", "4", "6"]),
        case("n005_active_two_values", |r| replace(r, R2021, "licensing: 40", "licensing: [40, 1]"),
            "N005", R2021, Text("licensing:", "["), &["行政许可", "本年处理决定数量"]),
        case("n005_active_bare_number", |r| replace(r, R2020, "  rules: [0, 0, 0]", "  rules: 0"),
            "N005", R2020, Text("  rules:", "0"), &["规章", "3"]),
        case("n005_group_as_list", |r| replace(r, R2020, "    withheld:\n", "    withheld: [0, 0, 0, 0, 0, 0]\n    withheld_items:\n"),
            "N005", R2020, Text("withheld:", "["), &["（三）不予公开"]).also(&["N003"]),
        // N006 — every value.
        // A name that would reverse its neighbours on a page (U+202E, RIGHT-TO-LEFT OVERRIDE).
        case("n006_bidi_override_in_agency", |r| replace(r, R2020, "agency: 示例县测试局", "agency: 示例县\u{202E}测试局"),
            "N006", R2020, Text("agency:", "示例县"), &["U+202E", "机关名称"]),
        case("n006_bidi_isolate_in_agency_file", |r| replace(r, INDEX, "name: 示例县测试局", "name: \u{2067}示例县测试局"),
            "N006", INDEX, Text("name:", "\u{2067}"), &["U+2067"]),
        case("n006_double_zero", |r| replace(r, R2020, "security: [0, 0, 0, 0, 0, 0]", "security: [0, 00, 0, 0, 0, 0]"),
            "N006", R2020, Text("security:", "00"), &["3.危及“三安全一稳定”", "商业企业", "00"]),
        case("n006_leading_zero", |r| replace(r, R2020, "normative_documents: [2, 2, 10]", "normative_documents: [2, 2, 012]"),
            "N006", R2020, Text("normative_documents:", "012"), &["规范性文件", "对外公开总数量", "012"]),
        case("n006_quoted_number", |r| replace(r, R2020, "new: [10, ", "new: [\"10\", "),
            "N006", R2020, Text("  new:", "\"10\""), &["一、本年新收政府信息公开申请数量", "自然人", "引号"]),
        case("n006_single_quoted_bare_number", |r| replace(r, R2021, "licensing: 40", "licensing: '40'"),
            "N006", R2021, Text("licensing:", "'40'"), &["行政许可", "引号"]),
        case("n006_negative_count", |r| replace(r, R2020, "coercion: [0, 0, 0]", "coercion: [0, 0, -1]"),
            "N006", R2020, Text("coercion:", "-1"), &["行政强制", "处理决定数量", "负数"]),
        case("n006_negative_cell_of_table_3", |r| replace(r, R2021, "prohibited: [0, 0, 0, 0, 0, 0]", "prohibited: [0, 0, 0, -1, 0, 0]"),
            "N006", R2021, Text("prohibited:", "-1"), &["2.其他法律行政法规禁止公开", "社会公益组织", "负数"]),
        case("n006_above_a_billion", |r| replace(r, R2020, "coercion: [0, 0, 0]", "coercion: [0, 0, 1000000001]"),
            "N006", R2020, Text("coercion:", "1000000001"), &["行政强制", "1000000001", "过大"]),
        case("n006_huge_integer", |r| replace(r, R2021, "reconsideration: [0, 1, 0, 0, 1]", "reconsideration: [0, 99999999999999999999999, 0, 0, 1]"),
            "N006", R2021, Text("reconsideration:", "999"), &["行政复议", "结果纠正", "过大"]),
        case("n006_amount_above_a_billion", |r| replace(r, R2021, "fees: 12.35", "fees: 1000000000.5"),
            "N006", R2021, Text("fees:", "1000"), &["行政事业性收费", "过大"]),
        case("n006_nan", |r| replace(r, R2020, "procurement: [4, 120.5]", "procurement: [4, .nan]"),
            "N006", R2020, Text("procurement:", ".nan"), &["政府集中采购", "采购总金额（万元）", "NaN"]),
        case("n006_infinity", |r| replace(r, R2021, "fees: 12.35", "fees: .inf"),
            "N006", R2021, Text("fees:", ".inf"), &["行政事业性收费", "无穷"]),
        case("n006_decimal_in_integer_column", |r| replace(r, R2021, "licensing: 40", "licensing: 40.5"),
            "N006", R2021, Text("licensing:", "40.5"), &["行政许可", "本年处理决定数量", "整数", "40.5"]),
        case("n006_decimal_in_signed_column", |r| replace(r, R2020, "penalty: [2, -1, 4]", "penalty: [2, -1.5, 4]"),
            "N006", R2020, Text("penalty:", "-1.5"), &["行政处罚", "本年增/减", "整数"]),
        case("n006_too_many_decimals", |r| replace(r, R2021, "fees: 12.35", "fees: 12.34567"),
            "N006", R2021, Text("fees:", "12.34567"), &["行政事业性收费", "4 位小数"]),
        case("n006_negative_amount", |r| replace(r, R2020, "procurement: [4, 120.5]", "procurement: [4, -120.5]"),
            "N006", R2020, Text("procurement:", "-120.5"), &["采购总金额（万元）", "负数"]),
        case("n006_quoted_fee_notices", |r| replace(r, R2021, "  notices: 1", "  notices: \"1\""),
            "N006", R2021, Text("notices:", "\"1\""), &["发出收费通知的件数", "引号"]),
        case("n006_hex_number", |r| replace(r, R2020, "litigation: [0, 0, 0, 1, 1]", "litigation: [0, 0, 0, 0x1, 1]"),
            "N006", R2020, Text("  litigation:", "0x1"), &["尚未审结", "0x1"]),
        case("n006_quoted_year", |r| replace(r, R2021, "year: 2021", "year: \"2021\""),
            "N006", R2021, Text("year:", "\"2021\""), &["报告年度", "引号"]),
        case("n006_draft_not_a_boolean", |r| replace(r, R2021, "year: 2021\n", "year: 2021\ndraft: yes\n"),
            "N006", R2021, Text("draft:", "yes"), &["draft", "true", "false"]),
        case("n006_agency_kind", |r| replace(r, INDEX, "kind: department", "kind: departement"),
            "N006", INDEX, Text("kind:", "departement"), &["departement", "department"]),
        // N007 — year and date.
        case("n007_year_not_the_file_name", |r| replace(r, R2021, "year: 2021", "year: 2022"),
            "N007", R2021, Text("year:", "2022"), &["2022", "2021.md"]),
        case("n007_year_before_2008", |r| replace(r, R2020, "year: 2020", "year: 2007"),
            "N007", R2020, Text("year:", "2007"), &["2007", "2008"]),
        case("n007_year_in_the_future", |r| replace(r, R2020, "year: 2020", "year: 2999"),
            "N007", R2020, Text("year:", "2999"), &["2999", "2008"]),
        case("n007_file_name_not_a_year", |r| copy_with(r, R2021, "content/other-ju/report.md", &[]),
            "N007", "content/other-ju/report.md", Text("year:", "year"), &["文件名", "report.md"]),
        case("n007_published_not_a_date", |r| replace(r, R2020, "published: 2021-01-20", "published: 2021-02-30"),
            "N007", R2020, Text("published:", "2021-02-30"), &["2021-02-30 不是真实的日期", "2021 年 2 月只有 28 天"]),
        case("n007_published_month_13", |r| replace(r, R2020, "published: 2021-01-20", "published: 2021-13-01"),
            "N007", R2020, Text("published:", "2021-13-01"), &["不是真实的日期", "月份应为 01 至 12"]),
        case("n007_published_slashes", |r| replace(r, R2020, "published: 2021-01-20", "published: 2021/01/20"),
            "N007", R2020, Text("published:", "2021/01/20"), &["2021/01/20", "YYYY-MM-DD"]),
        case("n007_published_within_the_year", |r| replace(r, R2020, "published: 2021-01-20", "published: 2020-12-31"),
            "N007", R2020, Text("published:", "2020-12-31"), &["2020-12-31", "2021-01-01"]),
        // N008 — folders and duplicates.
        case("n008_bad_folder_slug", |r| copy_with(r, R2021, "content/Demo_Ju/2021.md", &[("agency: 示例县测试局", "agency: 示例县另一局")]),
            "N008", "content/Demo_Ju/2021.md", TOP, &["Demo_Ju"]),
        case("n008_chinese_folder_name", |r| copy_with(r, R2021, "content/测试局/2021.md", &[("agency: 示例县测试局", "agency: 示例县另一局")]),
            "N008", "content/测试局/2021.md", TOP, &["测试局"]),
        case("n008_same_year_twice_in_a_folder", |r| copy_with(r, R2020, "content/demo-ju/2019.md", &[]),
            "N008", "content/demo-ju/2019.md", Text("year:", "year"), &["2020", R2020]).also(&["N007"]),
        case("n008_reserved_folder_name", |r| copy_with(r, R2021, "content/years/2021.md", &[]),
            "N008", "content/years/2021.md", TOP, &["years", "保留"]),
        case("n008_bad_folder_with_only_an_agency_file", |r| copy_with(r, INDEX, "content/社区/_index.md", &[]),
            "N008", "content/社区/_index.md", TOP, &["社区"]),
        case("n008_report_outside_an_agency_folder", |r| copy_with(r, R2021, "content/2021.md", &[]),
            "N008", "content/2021.md", TOP, &["content/<机关目录>/<年度>.md"]),
        // N009 — encoding.
        case("n009_gb18030_report", |r| to_gb18030(r, R2020),
            "N009", R2020, Line(2, 9), &["GB18030", "iconv -f GB18030 -t UTF-8"]),
        case("n009_gb18030_agency_file", |r| to_gb18030(r, INDEX),
            "N009", INDEX, Line(2, 7), &["GB18030", "iconv"]),
        // N010 — sections.
        case("n010_empty_section", |r| replace(r, R2020, "政策解读形式还比较单一。下一步将丰富解读形式。", "<!-- 待填写 -->"),
            "N010", R2020, Text("## 五、", ""), &["五、存在的主要问题及改进情况"]),
        case("n010_missing_section", |r| replace(r, R2021, "## 六、其他需要报告的事项\n\n本年度发出收费通知1件，收取信息处理费25.5元。\n", ""),
            "N010", R2021, Line(50, 1), &["六、其他需要报告的事项"]),
        case("n010_sections_out_of_order", |r| {
            replace(r, R2020, "## 三、收到和处理政府信息公开申请情况\n\n本年度新收申请13件。\n\n", "");
            replace(r, R2020, "无。\n", "无。\n\n## 三、收到和处理政府信息公开申请情况\n\n本年度新收申请13件。\n");
        }, "N010", R2020, Text("## 三、", ""), &["三、收到和处理政府信息公开申请情况", "六、其他需要报告的事项"]),
        case("n010_numeral_twice", |r| replace(r, R2021, "## 五、存在的主要问题及改进情况", "## 一、存在的主要问题及改进情况"),
            "N010", R2021, Text("## 一、存在", ""), &["一", "重复"]),
        // N011 — the edition.
        case("n011_procurement_in_2021", |r| replace(r, R2021, "  fees: 12.35\n", "  fees: 12.35\n  procurement: [1, 2]\n"),
            "N011", R2021, Text("procurement:", "procurement"), &["政府集中采购", "2019", "2021"]),
        case("n011_unknown_format", |r| replace(r, R2021, "year: 2021\n", "year: 2021\nformat: 2020\n"),
            "N011", R2021, Text("format:", "2020"), &["2020", "2019", "2021"]),
        case("n011_processing_fees_in_2019", |r| replace(r, R2020, "appeals:\n", "processing_fees: {notices: 0, amount: 0}\nappeals:\n"),
            "N011", R2020, Text("processing_fees", "processing_fees"), &["信息处理费", "2021"]),
        case("n011_2019_other_row_in_2021", |r| replace(r, R2021,
                "    other:\n      no_correction: [0, 0, 0, 0, 0, 0]\n      fee_unpaid: [0, 0, 0, 0, 0, 0]\n      other: [0, 0, 0, 0, 0, 0]\n",
                "    other: [0, 0, 0, 0, 0, 0]\n"),
            "N011", R2021, Text("    other:", "other"), &["（六）其他处理", "2019"]),
        // R001–R004 — 勾稽关系. A table edited under a narrative that states the old figure is
        // also W101.
        case("r001_column_out_of_balance", |r| replace(r, R2020, "new: [10, 2, 0, 0, 1, 0, 13]", "new: [11, 2, 0, 0, 1, 0, 14]"),
            "R001", R2020, Text("  new:", "11"), &["三、收到和处理政府信息公开申请情况", "自然人", "12", "11"]).also(&["W101"]),
        case("r001_with_computed_total", |r| {
            replace(r, R2021, "    total: [9, 1, 0, 0, 0, 1, 11]\n", "");
            replace(r, R2021, "carried_forward: [1, 0, 0, 0, 0, 0, 1]", "carried_forward: [1, 0, 0, 0, 0, 1, 2]");
        }, "R001", R2021, Text("  new:", "1, 10]"), &["其他", "1", "2"]),
        case("r002_total_row", |r| {
            replace(r, R2020, "new: [10, 2, 0, 0, 1, 0, 13]", "new: [10, 3, 0, 0, 1, 0, 14]");
            replace(r, R2020, "total: [9, 2, 0, 0, 1, 0, 12]", "total: [9, 3, 0, 0, 1, 0, 13]");
        }, "R002", R2020, Text("    total:", "3"), &["（七）总计", "商业企业", "3", "2"]).also(&["W101"]),
        case("r003_row_total", |r| replace(r, R2020, "granted: [5, 1, 0, 0, 0, 0, 6]", "granted: [5, 1, 0, 0, 0, 0, 7]"),
            "R003", R2020, Text("granted:", "7"), &["（一）予以公开", "7", "6"]),
        case("r004_appeals_total", |r| replace(r, R2020, "  litigation: [0, 0, 0, 1, 1]", "  litigation: [0, 0, 0, 1, 2]"),
            "R004", R2020, Text("  litigation:", "2]"), &["行政诉讼", "未经复议直接起诉", "2", "1"]),
        // W001–W008 — warnings.
        case("w001_carry_over", |r| {
            replace(r, R2021, "carried_over: [2, 0, 0, 0, 0, 0, 2]", "carried_over: [3, 0, 0, 0, 0, 0, 3]");
            replace(r, R2021, "new: [8, 1, 0, 0, 0, 1, 10]", "new: [7, 1, 0, 0, 0, 1, 9]");
        }, "W001", R2021, Text("carried_over:", "3"), &["二、上年结转政府信息公开申请数量", "自然人", "2020", "四、结转下年度继续办理"]).also(&["W101"]),
        case("w002_new_above_total", |r| replace(r, R2020, "normative_documents: [2, 2, 10]", "normative_documents: [2, 12, 10]"),
            "W002", R2020, Text("normative_documents:", "12"), &["规范性文件", "本年新公开数量", "对外公开总数量"]),
        case("w003_department_late", |r| replace(r, R2020, "published: 2021-01-20", "published: 2021-02-01"),
            "W003", R2020, Text("published:", "2021-02-01"), &["2021-02-01", "2021-01-31"]),
        case("w003_government_late", |r| {
            replace(r, INDEX, "kind: department", "kind: government");
            replace(r, R2020, "published: 2021-01-20", "published: 2021-04-01");
        }, "W003", R2020, Text("published:", "2021-04-01"), &["2021-04-01", "2021-03-31"]),
        case("w004_2019_edition_from_2021", |r| copy_with(r, R2020, "content/other-ju/2021.md", &[
                ("agency: 示例县测试局\nyear: 2020", "agency: 示例县另一局\nyear: 2021\nformat: 2019"),
                ("published: 2021-01-20", "published: 2022-01-20"),
            ]),
            "W004", "content/other-ju/2021.md", Text("format:", "2019"), &["2021", "2019", "2021 版"]),
        case("w004_2021_edition_for_2020", |r| copy_with(r, R2021, "content/other-ju/2020.md", &[
                ("agency: 示例县测试局\nyear: 2021", "agency: 示例县另一局\nyear: 2020\nformat: 2021"),
                ("published: 2022-01-25", "published: 2021-01-25"),
            ]),
            "W004", "content/other-ju/2020.md", Text("format:", "2021"), &["2020", "2021", "2019 版"])
            // The other agency published 2020 and not 2021, the newest year.
            .also(&["W105"]),
        case("w005_no_processing_fees", |r| replace(r, R2021, "processing_fees:\n  notices: 1\n  amount: 25.5\n", ""),
            "W005", R2021, TOP, &["processing_fees", "信息处理费"]),
        case("w005_processing_fees_left_empty", |r| replace(r, R2021, "processing_fees:\n  notices: 1\n  amount: 25.5\n", "processing_fees:\n"),
            "W005", R2021, Text("processing_fees:", "processing_fees"), &["processing_fees", "信息处理费"]),
        case("w006_township_rules", |r| {
            replace(r, INDEX, "kind: department", "kind: township");
            replace(r, R2020, "  rules: [0, 0, 0]", "  rules: [1, 1, 1]");
        }, "W006", R2020, Text("  rules:", "rules"), &["规章"]),
        case("w007_draft", |r| replace(r, R2021, "year: 2021\n", "year: 2021\ndraft: true\n"),
            "W007", R2021, Text("draft:", "draft"), &["草稿"]),
        case("w008_no_published", |r| replace(r, R2021, "published: 2022-01-25\n", ""),
            "W008", R2021, TOP, &["published"]),
        // W101, W104 — narrative figures, fees.
        case("w101_narrative_figure", |r| replace(r, R2021, "新收政府信息公开申请10件", "新收政府信息公开申请11件"),
            "W101", R2021, Text("新收政府信息公开申请11件", "11件"), &["一、本年新收政府信息公开申请数量", "总计", "10", "11"]),
        case("w101_fee_amount", |r| replace(r, R2021, "收取信息处理费25.5元", "收取信息处理费255元"),
            "W101", R2021, Text("收取信息处理费255元", "255"), &["收取信息处理费（元）", "25.5"]),
        case("w104_fees_without_notice", |r| replace(r, R2021, "  notices: 1\n", "  notices: 0\n"),
            "W104", R2021, Text("amount: 25.5", "25.5"), &["收取信息处理费（元）", "发出收费通知的件数"]),
        case("w104_unpaid_beyond_notices", |r| {
            replace(r, R2021, "fee_unpaid: [0, 0, 0, 0, 0, 0]", "fee_unpaid: [2, 0, 0, 0, 0, 0]");
            replace(r, R2021, "not_held: [2, 0, 0, 0, 0, 1]", "not_held: [0, 0, 0, 0, 0, 1]");
        }, "W104", R2021, Text("fee_unpaid:", "fee_unpaid"), &["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "2", "1"]),
        // acknowledge and revisions.
        case("n003_acknowledge_error_code", |r| replace(r, R2021, "year: 2021\n", "year: 2021\nacknowledge:\n  R001: 表格另有说明\n"),
            "N003", R2021, Text("R001:", "R001"), &["R001", "错误"]),
        case("n003_acknowledge_reserved_code", |r| replace(r, R2021, "year: 2021\n", "year: 2021\nacknowledge:\n  W107: 说明\n"),
            "N003", R2021, Text("W107:", "W107"), &["W107", "保留"]),
        case("n003_acknowledge_unknown_code", |r| replace(r, R2021, "year: 2021\n", "year: 2021\nacknowledge:\n  W01: 说明\n"),
            "N003", R2021, Text("W01:", "W01"), &["W01", "W001"]),
        case("n003_agency_file_acknowledges_a_report_warning", |r| replace(r, INDEX, "order: 1\n", "order: 1\nacknowledge:\n  W001: 说明\n"),
            "N003", INDEX, Text("W001:", "W001"), &["W001", "W105"]),
        case("n006_acknowledge_empty", |r| replace(r, R2021, "year: 2021\n", "year: 2021\nacknowledge:\n  W001: ''\n"),
            "N006", R2021, Text("W001:", "''"), &["W001", "说明"]),
        case("n007_revision_before_published", |r| replace(r, R2021, "year: 2021\n", "year: 2021\nrevisions:\n  - {date: 2022-01-20, note: 更正}\n"),
            "N007", R2021, Text("- {date:", "2022-01-20"), &["2022-01-20", "2022-01-25"]),
        case("n007_revisions_out_of_order", |r| replace(r, R2021, "year: 2021\n", "year: 2021\nrevisions:\n  - {date: 2022-03-01, note: 更正}\n  - {date: 2022-02-01, note: 再更正}\n"),
            "N007", R2021, Text("2022-02-01", "2022-02-01"), &["2022-02-01", "2022-03-01"]),
        case("n006_revision_note_empty", |r| replace(r, R2021, "year: 2021\n", "year: 2021\nrevisions:\n  - {date: 2022-03-01, note: ''}\n"),
            "N006", R2021, Text("- {date:", "''"), &["note"]),
        // N008, N012 — names the site reserves, regions.
        case("n008_reserved_regions_folder", |r| copy_with(r, R2021, "content/regions/2021.md", &[]),
            "N008", "content/regions/2021.md", TOP, &["regions", "保留"]),
        case("n012_bad_region_slug", |r| write(r, "site.toml", format!("{}\n[regions]\nShiLi = \"示例省示例市示例县\"\n", read(r, "site.toml"))),
            "N012", "site.toml", Text("ShiLi", ""), &["ShiLi"]),
        case("n012_reserved_region_slug", |r| write(r, "site.toml", format!("{}\n[regions]\nsearch = \"示例省示例市示例县\"\n", read(r, "site.toml"))),
            "N012", "site.toml", Text("search =", ""), &["search", "保留"]),
    ]
}

/// Codes that only the assemble stage raises (issue 10 wires them): W102 (`validate::copied`),
/// W103 (roll-ups, issue 12), W105 (`validate::coverage`), W106 (`validate::acknowledge::apply`).
/// Their rules are tested through the library until then.
const AWAITING_THE_ASSEMBLE_STAGE: &[&str] = &["W102", "W103", "W105", "W106"];

fn is_error(code: &str) -> bool {
    !code.starts_with('W')
}

/// Runs one case; returns what went wrong, if anything.
fn run_case(c: &Case) -> Result<(), String> {
    let site = site(BASE);
    let root = site.path();
    (c.edit)(root);
    let (exit, diags) = check_json(root, &[]);
    let (line, column) = match c.at {
        At::Text(has, col) => position(root, c.file, has, col),
        At::Line(l, col) => (l, col),
    };
    let listing = brief(&diags);
    let found = diags.iter().find(|d| {
        d["code"] == c.code && d["file"] == c.file && d["line"] == line && d["column"] == column
    });
    let Some(d) = found else {
        return Err(format!(
            "no {} at {}:{line}:{column}; got:\n{listing}",
            c.code, c.file
        ));
    };
    let message = d["message"].as_str().unwrap_or_default();
    for w in c.words {
        if !message.contains(w) {
            return Err(format!("message lacks {w:?}: {message}"));
        }
    }
    let want: BTreeSet<&str> = c.also.iter().copied().chain([c.code]).collect();
    let got: BTreeSet<&str> = codes(&diags).into_iter().collect();
    if got != want {
        return Err(format!("codes {got:?}, want {want:?}:\n{listing}"));
    }
    let want_exit = if want.iter().any(|c| is_error(c)) {
        1
    } else {
        0
    };
    if exit != want_exit {
        return Err(format!("exit {exit}, want {want_exit}"));
    }
    check_fields(d)
}

/// Severity follows the code; line and column are 1-based numbers.
fn check_fields(d: &Value) -> Result<(), String> {
    let code = d["code"].as_str().unwrap_or_default();
    let want = if is_error(code) { "error" } else { "warning" };
    if d["severity"] != want {
        return Err(format!("severity {} for {code}", d["severity"]));
    }
    if !(d["line"].as_u64() >= Some(1) && d["column"].as_u64() >= Some(1)) {
        return Err(format!("position {}:{}", d["line"], d["column"]));
    }
    Ok(())
}

#[test]
fn every_rule_code_is_caught_where_it_happens() {
    let failures: Vec<String> = cases()
        .iter()
        .filter_map(|c| run_case(c).err().map(|e| format!("[{}] {e}", c.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_code_of_the_catalogue_has_a_case() {
    let mut covered: BTreeSet<&str> = cases().iter().map(|c| c.code).collect();
    covered.extend(AWAITING_THE_ASSEMBLE_STAGE);
    let all: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(all.len(), 30);
    assert_eq!(covered, all);
}

/// Mutations that stay valid: edges of the rules that must not fire.
#[test]
#[rustfmt::skip] // a table
fn edges_that_stay_valid() {
    type Edit = fn(&Path);
    let fine: &[(&str, Edit)] = &[
        ("department on 31 January", |r| replace(r, R2020, "published: 2021-01-20", "published: 2021-01-31")),
        ("published on 1 January", |r| replace(r, R2020, "published: 2021-01-20", "published: 2021-01-01")),
        ("government on 31 March", |r| {
            replace(r, INDEX, "kind: department", "kind: government");
            replace(r, R2020, "published: 2021-01-20", "published: 2021-03-31");
        }),
        ("township without 规章", |r| replace(r, INDEX, "kind: department", "kind: township")),
        ("one-element list and bare number", |r| replace(r, R2021, "licensing: 40", "licensing: [40]")),
        ("quoted date", |r| replace(r, R2020, "published: 2021-01-20", "published: \"2021-01-20\"")),
        ("explicit matching edition", |r| replace(r, R2021, "year: 2021\n", "year: 2021\nformat: 2021\n")),
        ("draft: false", |r| replace(r, R2021, "year: 2021\n", "year: 2021\ndraft: false\n")),
        ("a billion exactly", |r| {
            replace(r, R2020, "other_services: [3, 0, 12]", "other_services: [1000000000, -1000000000, 1000000000]");
        }),
        ("four decimals", |r| replace(r, R2021, "fees: 12.35", "fees: 0.0001")),
        ("zero written as 0.0 amount", |r| replace(r, R2020, "procurement: [4, 120.5]", "procurement: [0, 0.0]")),
        ("an explicit zero sign", |r| replace(r, R2020, "penalty: [2, -1, 4]", "penalty: [2, 0, 4]")),
        ("headings with other wording", |r| replace(r, R2020, "## 五、存在的主要问题及改进情况", "## 五、问题和改进")),
        ("level-3 headings", |r| replace(r, R2020, "无。\n", "无。\n\n### 附注\n\n无。\n")),
        ("table section only as text", |r| replace(r, R2020, "## 三、收到和处理政府信息公开申请情况\n\n本年度新收申请13件。\n\n", "")),
        ("computed （七）总计", |r| replace(r, R2021, "    total: [9, 1, 0, 0, 0, 1, 11]\n", "")),
        ("6 cells for （七）总计", |r| replace(r, R2021, "total: [9, 1, 0, 0, 0, 1, 11]", "total: [9, 1, 0, 0, 0, 1]")),
        ("agency file without front matter", |r| write(r, INDEX, "示例县测试局。\n")),
        ("no agency file", |r| std::fs::remove_file(r.join(INDEX)).unwrap()),
        ("comments and flow mappings", |r| {
            replace(r, R2021, "processing_fees:\n  notices: 1\n  amount: 25.5\n", "processing_fees: {notices: 1, amount: 25.5}  # 信息处理费\n");
        }),
        ("editor files are ignored", |r| {
            write(r, "content/demo-ju/.2021.md.swp", [0xff, 0xfe, 0x00]);
            write(r, "content/demo-ju/2021.md~", "garbage");
        }),
        // An agency is its folder: two folders may hold agencies of the same name (every county
        // has its 城关镇), and a copied report is no duplicate.
        ("same agency name in two folders", |r| copy_with(r, R2021, "content/demo-ju-2/2021.md", &[])),
        ("attachments are no reports", |r| write(r, "content/demo-ju/2021.pdf", [0x25, 0x50, 0x44, 0x46, 0xff])),
        ("revisions after publication, in order", |r| replace(r, R2021, "year: 2021\n", "year: 2021\nrevisions:\n  - {date: 2022-01-25, note: 更正了表三}\n  - date: 2022-03-01\n    note: 再次更正\n")),
        ("[check] similarity and [regions]", |r| write(r, "site.toml", format!("{}\n[check]\nsimilarity = 0.75\n\n[regions]\nshilixian = \"示例省示例市示例县\"\n", read(r, "site.toml")))),
        ("covers the site", |r| replace(r, INDEX, "order: 1\n", "order: 1\ncovers: site\n")),
        ("the narrative states its figures", |r| replace(r, R2021, "新收政府信息公开申请10件。", "新收政府信息公开申请10件，上年结转2件；办结11件：予以公开5件、部分公开1件，1件申请结转下年度继续办理。因政府信息公开被申请行政复议1件。")),
    ];
    let mut failures = Vec::new();
    for (name, edit) in fine {
        let site = site(BASE);
        edit(site.path());
        let (exit, diags) = check_json(site.path(), &[]);
        if exit != 0 || !diags.is_empty() {
            failures.push(format!("[{name}] exit {exit}:\n{}", brief(&diags)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_base_fixture_is_valid() {
    let (exit, diags) = check_json(&fixture(BASE), &[]);
    assert_eq!((exit, diags.len()), (0, 0), "{}", brief(&diags));
}

#[test]
fn several_problems_in_several_files_in_one_run() {
    let site = site(BASE);
    let r = site.path();
    replace(
        r,
        R2020,
        "security: [0, 0, 0, 0, 0, 0]",
        "security: [0, 00, 0, 0, 0, 0]",
    );
    replace(
        r,
        R2020,
        "granted: [5, 1, 0, 0, 0, 0, 6]",
        "granted: [5, 1, 0, 0, 0, 0, 7]",
    );
    replace(r, R2021, "published: 2022-01-25\n", "");
    replace(r, R2021, "licensing: 40", "licensing: 40.5");
    replace(r, INDEX, "region:", "regoin:");
    replace(r, "site.toml", "title =", "titel =");
    write(r, "content/other-ju/2022.md", "no front matter\n");
    let (exit, diags) = check_json(r, &[]);
    assert_eq!(exit, 1);
    let got: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (R2020, "R003"),
            (R2020, "N006"),
            (R2021, "W008"),
            (R2021, "N006"),
            (INDEX, "N003"),
            ("content/other-ju/2022.md", "N001"),
            ("site.toml", "N003"),
        ],
        "sorted by file and line:\n{}",
        brief(&diags)
    );
}

#[test]
fn the_sample_site_passes_with_its_intended_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (exit, diags) = check_json(root, &[]);
    assert_eq!(exit, 0, "{}", brief(&diags));
    // (code, file, explained): an explained warning (`acknowledge`) stays in the JSON with its
    // explanation, as a note.
    let got: Vec<(&str, &str, bool)> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                !d["acknowledged"].is_null(),
            )
        })
        .collect();
    const FAGAIJU: &str = "content/shilixian-fagaiju/2024.md";
    const SHICHANG: &str = "content/shilixian-shichangjianguanju/2024.md";
    const DRAFT: &str = "content/shilixian-jiaoyuju/2024.md";
    const COUNTY: &str = "content/shilixian-zhengfu/2022.md";
    assert_eq!(
        got,
        [
            // Two departments wrote the same section 五 in 2024: each is told of the other.
            ("W102", FAGAIJU, false),
            ("W007", DRAFT, false),
            // The draft's text still says 13 closed where its table says 12.
            ("W101", DRAFT, false),
            // Its 2024 report is still a draft: not yet published (未发布).
            ("W105", "content/shilixian-jiaoyuju/_index.md", false),
            ("W102", SHICHANG, false),
            // The county's 2022 report adds 3 applications of its own office to the roll-up of
            // its departments and township, and says so: one note per cell that differs.
            ("W103", COUNTY, true),
            ("W103", COUNTY, true),
            ("W103", COUNTY, true),
            ("W103", COUNTY, true),
            ("W008", "content/tangyuan-shequ-ban/2020.md", false),
        ],
        "{}",
        brief(&diags)
    );
    let of = |code: &'static str| diags.iter().filter(move |d| d["code"] == code);
    let w101 = of("W101").next().unwrap();
    assert_eq!(
        (w101["expected"].as_i64(), w101["found"].as_i64()),
        (Some(12), Some(13))
    );
    let pair: Vec<&str> = of("W102").map(|d| d["message"].as_str().unwrap()).collect();
    assert!(
        pair[0].contains(SHICHANG) && pair[1].contains(FAGAIJU),
        "{pair:?}"
    );
    let cells: Vec<(&str, &str, i64)> = of("W103")
        .map(|d| {
            let explained = d["acknowledged"].as_str().unwrap();
            assert!(explained.contains("直接办理的3件自然人申请"), "{explained}");
            (
                d["row"].as_str().unwrap(),
                d["column_label"].as_str().unwrap(),
                d["found"].as_i64().unwrap() - d["expected"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            ("一、本年新收政府信息公开申请数量", "自然人", 3),
            ("（一）予以公开", "自然人", 2),
            ("1.本机关不掌握相关政府信息", "自然人", 1),
            ("（七）总计", "自然人", 3),
        ]
    );
}

/// The N010 diagnostics of a run, as (line, column, severity, message).
fn n010(root: &Path) -> (i32, Vec<(u64, u64, String, String)>) {
    let (exit, diags) = check_json(root, &[]);
    let found = diags
        .iter()
        .filter(|d| d["code"] == "N010" && d["file"] == R2020)
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect::<Vec<_>>();
    // Nothing else: the base site is valid.
    assert_eq!(diags.len(), found.len(), "{}", brief(&diags));
    (exit, found)
}

#[test]
fn html_nested_beyond_the_bound_is_an_n010_error_where_it_starts() {
    let site = site(BASE);
    let root = site.path();
    let bound = nianbao::markdown::MAX_HTML_DEPTH;
    let deep = |n: usize| format!("{}深{}", "<div>".repeat(n), "</div>".repeat(n));
    replace(root, R2020, "下一步将丰富解读形式。", &deep(bound));
    let (exit, found) = n010(root);
    assert_eq!((exit, found.len()), (0, 0), "{found:?}");
    let text = read(root, R2020).replace(&deep(bound), &format!("正文\n{}", deep(bound + 1)));
    write(root, R2020, text);
    let (line, _) = position(root, R2020, "<div><div>", "");
    let (exit, found) = n010(root);
    assert_eq!(exit, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    let (l, col, severity, message) = &found[0];
    assert_eq!((*l, *col), (line, 5 * bound as u64 + 1));
    assert_eq!(severity, "error");
    assert!(message.contains(&format!("超过 {bound} 层")), "{message}");
    // build refuses it like any error.
    assert_eq!(run(nianbao().arg("--root").arg(root).arg("build")).code, 1);
}

#[test]
fn an_html_comment_left_open_warns_under_n010() {
    let site = site(BASE);
    let root = site.path();
    // Closed comments, and an unclosed one inside code, are fine.
    replace(
        root,
        R2020,
        "无。\n",
        "无。<!-- 备注 -->\n\n<!--\n说明\n-->\n\n```\n<!-- 示例\n```\n",
    );
    let (exit, found) = n010(root);
    assert_eq!((exit, found.len()), (0, 0), "{found:?}");
    // Left open in the last section: the rest of it is hidden.
    let text = read(root, R2020) + "\n<!-- 待补充\n\n本年度无其他事项。\n";
    write(root, R2020, text);
    let (line, _) = position(root, R2020, "<!-- 待补充", "");
    let (exit, found) = n010(root);
    assert_eq!(exit, 0, "a warning");
    assert_eq!(found.len(), 1, "{found:?}");
    let (l, col, severity, message) = &found[0];
    assert_eq!((*l, *col, severity.as_str()), (line, 1, "warning"));
    assert!(message.contains("没有闭合"), "{message}");
}
