//! The official report formats as data: one [`FormatDef`] per edition (2019, 2021).
//!
//! In: nothing. Out: static definitions that validation, rendering, the `new` scaffold and the
//! JSON Schema all walk. A label string appears here once and nowhere else in the code.

mod defs;
pub mod layout;
pub mod scaffold;
pub mod schema;

pub use defs::{EDITIONS, F2019, F2021};

/// The six sections of every report, in order.
pub const SECTION_NUMERALS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];

/// One edition of the official format.
#[derive(Debug)]
pub struct FormatDef {
    /// `2019` or `2021`, as written in `format:`.
    pub id: u16,
    /// The document that fixed it, e.g. 国办公开办函〔2019〕60号.
    pub document: &'static str,
    /// Report years this edition is meant for (inclusive; `None` = open ended).
    pub years: (u16, Option<u16>),
    pub sections: [SectionDef; 6],
    pub active: ActiveTable,
    pub applications: ApplicationsTable,
    pub appeals: AppealsTable,
    /// Whether section 六 reports 信息处理费 (`processing_fees`).
    pub processing_fees: Option<FeesDef>,
}

/// What a section holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// Written by the author in the Markdown body; must be present and non-empty.
    Narrative,
    /// Generated from a front-matter table; the body may add notes.
    Table(TableId),
}

/// The three generated tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableId {
    Active,
    Applications,
    Appeals,
}

impl TableId {
    /// The front-matter key holding the table.
    pub fn key(self) -> &'static str {
        match self {
            TableId::Active => "active",
            TableId::Applications => "applications",
            TableId::Appeals => "appeals",
        }
    }
}

#[derive(Debug)]
pub struct SectionDef {
    pub numeral: &'static str,
    /// Official heading without the numeral, e.g. 总体情况.
    pub title: &'static str,
    pub kind: SectionKind,
    /// Guidance for authors, written into the `new` scaffold as an HTML comment.
    pub guidance: &'static str,
}

impl SectionDef {
    /// `一、总体情况`
    pub fn heading(&self) -> String {
        format!("{}、{}", self.numeral, self.title)
    }
}

/// How a value must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Integer ≥ 0.
    Count,
    /// Integer, may be negative (本年增/减).
    Signed,
    /// Decimal ≥ 0 with at most `decimals` places.
    Amount { decimals: u8 },
}

/// A column of table 二.
#[derive(Debug)]
pub struct ColumnDef {
    pub label: &'static str,
    pub kind: ValueKind,
    /// Unit shown in the header after the label, e.g. 万元.
    pub unit: Option<&'static str>,
}

impl ColumnDef {
    /// The header as printed: label plus unit where the form prints one.
    pub fn header(&self) -> String {
        match self.unit {
            Some(u) => format!("{}（{}）", self.label, u),
            None => self.label.to_string(),
        }
    }
}

/// Table 二 — 主动公开政府信息情况.
#[derive(Debug)]
pub struct ActiveTable {
    pub caption: &'static str,
    /// Units, printed in the caption.
    pub unit: &'static str,
    /// Header of the first column of every block (信息内容).
    pub content_header: &'static str,
    pub blocks: &'static [ActiveBlock],
}

#[derive(Debug)]
pub struct ActiveBlock {
    /// e.g. 第二十条第（一）项
    pub title: &'static str,
    /// The figure of a row that the year-on-year comparison shows (across.md).
    pub main: Main,
    pub columns: &'static [ColumnDef],
    pub rows: &'static [ActiveRow],
}

/// Which columns of a table 二 row make its main figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Main {
    Col(usize),
    /// Two columns added (2019 fees: 上一年项目数量 + 本年增/减).
    Sum(usize, usize),
}

#[derive(Debug)]
pub struct ActiveRow {
    pub key: &'static str,
    pub label: &'static str,
}

/// Table 三 — 收到和处理政府信息公开申请情况.
#[derive(Debug)]
pub struct ApplicationsTable {
    pub caption: &'static str,
    pub unit: &'static str,
    /// 本列数据的勾稽关系… printed in the top-left header cell.
    pub note: &'static str,
    /// The rule in words, for R001 hints.
    pub rule: &'static str,
    /// 申请人情况
    pub applicant_header: &'static str,
    /// 法人或其他组织
    pub legal_person_header: &'static str,
    /// The six applicant columns, in YAML order; index 0 is 自然人, 1..=5 法人或其他组织.
    pub columns: [&'static str; 6],
    /// 总计, the optional seventh value.
    pub total_label: &'static str,
    /// Rows in display order.
    pub rows: &'static [AppRowDef],
}

/// What an applications row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppRowKind {
    /// Holds six (or seven) numbers.
    Data,
    /// A group heading without numbers of its own; its items follow.
    Group,
    /// （七）总计: optional, computed when absent.
    Total,
}

/// The role of a data row in the 勾稽关系.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppRole {
    /// 一、本年新收
    New,
    /// 二、上年结转
    CarriedOver,
    /// A result counted into （七）总计.
    Result,
    /// 四、结转下年度继续办理
    CarriedForward,
    /// Groups and the total itself.
    None,
}

#[derive(Debug)]
pub struct AppRowDef {
    /// Dotted key path under `applications`, e.g. `results.withheld.state_secret`.
    pub path: &'static str,
    pub label: &'static str,
    pub kind: AppRowKind,
    pub role: AppRole,
}

impl AppRowDef {
    /// Nesting depth: 0 for `new`, 1 for `results.granted`, 2 for `results.withheld.x`.
    pub fn depth(&self) -> usize {
        self.path.matches('.').count()
    }
    /// The last segment of the key path.
    pub fn key(&self) -> &'static str {
        self.path.rsplit('.').next().unwrap_or(self.path)
    }
    /// The parent path, if any.
    pub fn parent(&self) -> Option<&'static str> {
        self.path.rsplit_once('.').map(|(p, _)| p)
    }
}

/// Table 四 — 政府信息公开行政复议、行政诉讼情况.
#[derive(Debug)]
pub struct AppealsTable {
    pub caption: &'static str,
    pub unit: &'static str,
    pub groups: &'static [AppealGroup],
    /// 结果维持 · 结果纠正 · 其他结果 · 尚未审结
    pub columns: [&'static str; 4],
    pub total_label: &'static str,
}

#[derive(Debug)]
pub struct AppealGroup {
    pub key: &'static str,
    /// Header path, outermost first: [行政复议] or [行政诉讼, 未经复议直接起诉].
    pub headers: &'static [&'static str],
}

impl AppealGroup {
    /// 行政诉讼 · 未经复议直接起诉
    pub fn label(&self) -> String {
        self.headers.join(" · ")
    }
}

/// Section 六's 信息处理费 (2021 edition).
#[derive(Debug)]
pub struct FeesDef {
    pub label: &'static str,
    pub notices_label: &'static str,
    pub amount_label: &'static str,
    pub amount_decimals: u8,
    /// The sentence opening section 六; `{notices}` and `{amount}` are replaced.
    pub sentence: &'static str,
}

impl FeesDef {
    /// Whether the author's text of section 六 already states the fees: a sentence naming
    /// them (信息处理费) with a figure, as in 收取信息处理费 0 元. The generated sentence would
    /// only repeat it (formats.md). HTML comments, such as the scaffold's guidance, do not count.
    pub fn stated_in(&self, markdown: &str) -> bool {
        let mut text = String::with_capacity(markdown.len());
        let mut rest = markdown;
        while let Some(start) = rest.find("<!--") {
            text.push_str(&rest[..start]);
            rest = rest[start..]
                .find("-->")
                .map_or("", |end| &rest[start + end + 3..]);
        }
        text.push_str(rest);
        let figure = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '零';
        text.split(['。', '！', '？', '；'])
            .flat_map(|s| s.split("\n\n"))
            .any(|sentence| sentence.contains(self.label) && sentence.contains(figure))
    }
}

impl FormatDef {
    /// The edition named by `format:`.
    pub fn by_id(id: u16) -> Option<&'static FormatDef> {
        EDITIONS.iter().copied().find(|f| f.id == id)
    }

    /// The edition a report year uses when `format` is absent.
    pub fn for_year(year: u16) -> &'static FormatDef {
        EDITIONS
            .iter()
            .copied()
            .rev()
            .find(|f| year >= f.years.0)
            .unwrap_or(EDITIONS[0])
    }

    /// Whether this edition is the one meant for `year`.
    pub fn fits_year(&self, year: u16) -> bool {
        year >= self.years.0 && self.years.1.is_none_or(|end| year <= end)
    }

    pub fn section(&self, numeral: &str) -> Option<&SectionDef> {
        self.sections.iter().find(|s| s.numeral == numeral)
    }

    pub fn table_section(&self, table: TableId) -> &SectionDef {
        self.sections
            .iter()
            .find(|s| s.kind == SectionKind::Table(table))
            .expect("every edition has a section per table")
    }

    /// Every row of table 二, with its block.
    pub fn active_rows(&self) -> impl Iterator<Item = (&'static ActiveBlock, &'static ActiveRow)> {
        self.active
            .blocks
            .iter()
            .flat_map(|b| b.rows.iter().map(move |r| (b, r)))
    }

    pub fn active_row(&self, key: &str) -> Option<(&'static ActiveBlock, &'static ActiveRow)> {
        self.active_rows().find(|(_, r)| r.key == key)
    }

    pub fn app_row(&self, path: &str) -> Option<&'static AppRowDef> {
        self.applications.rows.iter().find(|r| r.path == path)
    }

    /// The data rows directly or indirectly under a group path.
    pub fn app_children(&self, path: &str) -> impl Iterator<Item = &'static AppRowDef> + '_ {
        let prefix = format!("{path}.");
        self.applications
            .rows
            .iter()
            .filter(move |r| r.path.starts_with(&prefix))
    }
}

impl std::fmt::Display for FormatDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} 版（{}）", self.id, self.document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editions_by_id_and_year() {
        assert_eq!(FormatDef::by_id(2019).unwrap().id, 2019);
        assert_eq!(FormatDef::by_id(2021).unwrap().id, 2021);
        assert!(FormatDef::by_id(2020).is_none());
        assert_eq!(FormatDef::for_year(2008).id, 2019);
        assert_eq!(FormatDef::for_year(2020).id, 2019);
        assert_eq!(FormatDef::for_year(2021).id, 2021);
        assert_eq!(FormatDef::for_year(2030).id, 2021);
        assert!(F2019.fits_year(2020) && !F2019.fits_year(2021));
        assert!(F2021.fits_year(2021) && !F2021.fits_year(2020));
    }

    #[test]
    fn applications_rows_match_the_form() {
        // 2021: 28 table rows = 27 definition rows (incl. the 三 group) + nothing else; the
        // header rows are separate. Data rows: new, carried_over, 2 + 8 + 3 + 5 + 3 results,
        // total, carried_forward.
        let data = |f: &FormatDef| {
            f.applications
                .rows
                .iter()
                .filter(|r| r.kind == AppRowKind::Data)
                .count()
        };
        assert_eq!(data(&F2021), 2 + 2 + 8 + 3 + 5 + 3 + 1);
        assert_eq!(data(&F2019), 2 + 2 + 8 + 3 + 5 + 1 + 1);
        for f in EDITIONS {
            // Every non-top row's parent is a group defined before it.
            for (i, r) in f.applications.rows.iter().enumerate() {
                if let Some(p) = r.parent() {
                    let parent = f.app_row(p).expect("parent defined");
                    assert_eq!(parent.kind, AppRowKind::Group, "{}", r.path);
                    let pi = f
                        .applications
                        .rows
                        .iter()
                        .position(|x| x.path == p)
                        .unwrap();
                    assert!(pi < i);
                }
            }
        }
    }

    #[test]
    fn fees_stated_by_the_author_are_recognised() {
        let fees = F2021.processing_fees.as_ref().unwrap();
        for yes in [
            "本年度共发出收费通知 0 件，收取信息处理费 0 元。",
            "本机关2025年收取信息处理费120元。",
            "无。\n\n信息处理费：共收取 ３ 元",
            "收取信息处理费零元。",
        ] {
            assert!(fees.stated_in(yes), "{yes}");
        }
        for no in [
            "无。",
            "本年度未收取信息处理费。",
            // A figure in another sentence.
            "本机关未收取信息处理费。2025年共办理申请 12 件。",
            "<!-- 收取信息处理费 0 元 -->\n无。",
            "发出收费通知 2 件。",
        ] {
            assert!(!fees.stated_in(no), "{no}");
        }
    }

    #[test]
    fn labels_are_official() {
        assert_eq!(
            F2021.app_row("results.withheld.security").unwrap().label,
            "3.危及“三安全一稳定”"
        );
        assert_eq!(
            F2019.active_row("normative_documents").unwrap().1.label,
            "规范性文件"
        );
        assert_eq!(
            F2021.active_row("normative_documents").unwrap().1.label,
            "行政规范性文件"
        );
        assert!(F2021.active_row("procurement").is_none());
        assert_eq!(F2021.sections[5].heading(), "六、其他需要报告的事项");
    }
}
