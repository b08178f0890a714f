//! The theme's contract: every value a template can use, as typed view structs.
//!
//! Every template gets `site` ([`SiteView`]) and `page` ([`PageView`]); each page kind adds
//! one more variable, named in the table below. Strings are plain text (Tera escapes them);
//! fields ending in `_html` are sanitised HTML, to be printed with `| safe`. URLs are
//! root-relative and already start with the site's sub-path.
//!
//! | template | variable | struct |
//! |---|---|---|
//! | `index.html` | `home` | [`HomeView`] |
//! | `agencies.html` | `agencies` | [`AgenciesView`] |
//! | `agency.html` | `agency` | [`AgencyView`] |
//! | `years.html` | `years` | [`YearsView`] |
//! | `year.html` | `year` | [`YearView`] |
//! | `report.html` | `report` | [`ReportView`] |
//! | `regions.html` | `regions` | [`RegionsView`] |
//! | `region.html` | `region` | [`RegionView`] |
//! | `region-year.html` | `rollup` | [`RollupView`] |
//! | `search.html` | `search` | [`SearchView`] |
//! | `404.html` | — | — |
//! | `partials/figures-row.html` | `row` | [`FiguresRow`] (a row of `agency.html`, `year.html`, `region.html`) |
//! | `partials/agency-item.html` | `agency` | [`AgencyLink`] (an item of `agencies.html`, `region.html`) |
//!
//! The pages extend `base.html`. Lists that grow with the site come both as data (to loop over
//! in a theme's own template) and rendered by their partial template (`*_html`): a partial is
//! rendered once per shape and filled for every row, where a loop in a page template costs
//! Tera's work per row. A template that only prints values, tests them and loops over lists is
//! rendered the fast way for every page (see `render/cut.rs`); one that filters or compares
//! the page's values is rendered by Tera for every page, which is slower but the same.

use serde::Serialize;

use crate::config::Portal;
use crate::report::KeyFigures;

/// The site, on every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    /// Sub-path every URL starts with, e.g. `/zfxxgk/ndbg/`.
    pub base: String,
    /// Absolute URL of the site, ending in `/`.
    pub base_url: String,
    pub language: String,
    /// `[portal]`: footer items, and the links `home_url`, `guide_url`, `apply_url` (each a
    /// whole address or a path on the portal's host, printed as written; absent when unset).
    pub portal: Portal,
    /// URL of the stylesheet.
    pub stylesheet: String,
    /// URL of the theme's script: the text-size control (适老化) and the 打印本页 button of report
    /// pages, optional for every page.
    pub script: String,
    /// Column headers of the key figures, in the order of [`FiguresView::values`].
    pub figure_labels: Vec<&'static str>,
    /// Whether `site.toml` declares regions: the region pages exist.
    pub has_regions: bool,
    /// URL of `/search/`, which every page's search field goes to; absent when
    /// `[search] enabled = false`.
    pub search: Option<String>,
}

/// A breadcrumb entry; the last one (the current page) has no URL.
#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub title: String,
    pub url: Option<String>,
}

/// The page being rendered.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    /// The page's `<h1>`.
    pub title: String,
    /// `<title>`: the page's title and the site's, or the site's alone on the home page.
    pub head_title: String,
    /// Breadcrumb, starting with 首页.
    pub crumbs: Vec<Crumb>,
    /// Absolute URL of this page.
    pub canonical: String,
    /// Extra HTML for the end of `<body>` (only `serve` sets it: the live-reload script).
    pub inject_html: String,
}

/// Key figures of one report or a sum of reports, as printed.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct FiguresView {
    /// In the order of [`SiteView::figure_labels`].
    pub values: Vec<u64>,
}

impl From<KeyFigures> for FiguresView {
    fn from(k: KeyFigures) -> Self {
        FiguresView {
            values: vec![
                k.received,
                k.closed,
                k.granted,
                k.carried_forward,
                k.reconsiderations,
                k.lawsuits,
            ],
        }
    }
}

/// The labels of [`FiguresView::values`].
pub const FIGURE_LABELS: [&str; 6] = [
    "新收申请",
    "办结（总计）",
    "予以公开",
    "结转下年度",
    "行政复议",
    "行政诉讼",
];

/// A report as listed on index pages.
#[derive(Debug, Clone, Serialize)]
pub struct ReportLink {
    pub title: String,
    pub agency: String,
    pub agency_slug: String,
    pub agency_url: String,
    pub year: u16,
    pub url: String,
    /// `YYYY-MM-DD`, or empty when unknown.
    pub published: String,
    pub draft: bool,
    pub figures: FiguresView,
}

/// A row of a key-figures table (`partials/figures-row.html`): a report, named by `label`.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct FiguresRow {
    /// The row header: the agency (year page), the year (agency page), a region or a roll-up.
    pub label: String,
    /// What the second column shows instead of the published date (a roll-up's reports).
    pub note: String,
    pub url: String,
    pub draft: bool,
    /// `YYYY-MM-DD`, or empty when unknown.
    pub published: String,
    pub figures: FiguresView,
}

impl FiguresRow {
    pub fn of(r: &ReportLink, label: String) -> FiguresRow {
        FiguresRow {
            label,
            note: String::new(),
            url: r.url.clone(),
            draft: r.draft,
            published: r.published.clone(),
            figures: r.figures.clone(),
        }
    }
}

/// A year with its number of reports.
#[derive(Debug, Clone, Serialize)]
pub struct YearLink {
    pub year: u16,
    pub url: String,
    pub count: usize,
}

/// An agency as listed on index pages.
#[derive(Debug, Clone, Serialize)]
pub struct AgencyLink {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub region: String,
    /// Its reports' years, newest first.
    pub years: Vec<YearLink>,
}

/// The reports of one year of the publication season, on the home page.
#[derive(Debug, Clone, Serialize)]
pub struct SeasonYear {
    pub year: YearLink,
    /// Empty when the season is too big to list (see [`HomeView::summary`]).
    pub reports: Vec<ReportLink>,
}

/// A place with a count of reports and a link: a region or a year.
#[derive(Debug, Clone, Serialize)]
pub struct CountLink {
    pub name: String,
    pub url: String,
    pub count: usize,
}

/// `index.html`.
#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    /// The newest report year, if any report exists.
    pub newest_year: Option<YearLink>,
    /// The current publication season: the newest year, and the year before while the newest
    /// has fewer reports; each with its reports unless there are more than 200.
    pub season: Vec<SeasonYear>,
    /// With more than 200 reports in the season: the regions (or, without `[regions]`, the
    /// years of the season) with their number of reports in the newest year, instead of the
    /// reports.
    pub summary: Vec<CountLink>,
    pub years: Vec<YearLink>,
    /// The regions without parent (only with `[regions]`).
    pub regions: Vec<RegionLink>,
    /// How many agencies the site shows.
    pub agency_count: usize,
}

/// Agencies of one kind (人民政府, 部门, 乡镇（街道）, 其他).
#[derive(Debug, Clone, Serialize)]
pub struct KindGroup {
    /// An id for its heading, unique on the page.
    pub id: String,
    pub kind: String,
    pub agencies: Vec<AgencyLink>,
    /// The agencies, each by `partials/agency-item.html`.
    pub items_html: String,
}

/// Agencies of one region (`region` empty for those without one), by kind.
#[derive(Debug, Clone, Serialize)]
pub struct RegionGroup {
    /// An id for its heading, unique on the page.
    pub id: String,
    pub region: String,
    /// The region's page, when the region is declared in `[regions]`.
    pub url: Option<String>,
    pub kinds: Vec<KindGroup>,
    pub count: usize,
}

/// `agencies.html`.
#[derive(Debug, Clone, Serialize)]
pub struct AgenciesView {
    /// Every agency, by region and kind; with `[regions]` and too many agencies to list on
    /// one page, only those in no declared region (the others are on their region's page).
    pub groups: Vec<RegionGroup>,
    /// The declared regions, in tree order (empty without `[regions]`).
    pub regions: Vec<RegionLink>,
    /// Whether `groups` holds every agency.
    pub complete: bool,
    pub count: usize,
}

/// A region as listed on index pages.
#[derive(Debug, Clone, Serialize)]
pub struct RegionLink {
    pub name: String,
    pub slug: String,
    pub url: String,
    /// 0 for a region without parent.
    pub depth: usize,
    /// How many agencies it contains (its own and its sub-regions').
    pub agencies: usize,
    /// Its roll-ups' years, newest first, linking to the roll-up pages.
    pub years: Vec<YearLink>,
}

/// `regions.html`.
#[derive(Debug, Clone, Serialize)]
pub struct RegionsView {
    /// In tree order: depth first, siblings by name. With more than 500 regions, only the top
    /// two levels (each region's page lists its sub-regions).
    pub regions: Vec<RegionLink>,
    /// Whether `regions` holds every region.
    pub complete: bool,
    /// How many regions the site declares.
    pub count: usize,
}

/// `region.html`.
#[derive(Debug, Clone, Serialize)]
pub struct RegionView {
    pub name: String,
    pub slug: String,
    pub parent: Option<RegionLink>,
    pub children: Vec<RegionLink>,
    /// Its own agencies (those whose `region` is this one), by kind.
    pub kinds: Vec<KindGroup>,
    /// Agencies whose reports are this region's roll-up (`covers`).
    pub covered_by: Vec<AgencyLink>,
    /// Its roll-ups, newest first, as rows of the key-figures table.
    pub rows_html: String,
    pub count: usize,
    /// Its roll-ups' key figures across years as a chart (inline SVG, oldest year first, a year
    /// without a roll-up a gap), naming the key-figures table as its data; empty when the region
    /// has no roll-up.
    pub chart_html: String,
}

/// A named agency with its page.
#[derive(Debug, Clone, Serialize)]
pub struct AgencyRef {
    pub name: String,
    pub url: String,
}

/// A report left out of a roll-up, with why.
#[derive(Debug, Clone, Serialize)]
pub struct ExcludedView {
    pub agency: AgencyRef,
    pub url: String,
    /// e.g. 采用另一版格式.
    pub reason: String,
}

/// One official table of a report or a roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    pub id: String,
    pub heading: String,
    pub html: String,
}

/// The roll-up (汇总) of a region or the site for a year.
#[derive(Debug, Clone, Serialize)]
pub struct RollupView {
    /// The region's full name, or the site's title.
    pub name: String,
    pub title: String,
    pub year: u16,
    /// The year before, which 未发布 refers to.
    pub year_before: u16,
    /// How many reports are summed.
    pub count: usize,
    /// The region's page (`None` for the site's roll-up).
    pub region_url: Option<String>,
    /// e.g. 2021 版（国办公开办函〔2021〕30号）
    pub format: String,
    pub json_url: Option<String>,
    pub csv_url: Option<String>,
    /// Tables 二, 三 and 四.
    pub tables: Vec<TableView>,
    /// 与上年对比 as HTML (region roll-ups only).
    pub comparison_html: String,
    /// The reports summed.
    pub reports: Vec<ReportLink>,
    /// 未发布: agencies that published the year before and not this year.
    pub missing: Vec<AgencyRef>,
    /// Reports left out of the sums.
    pub excluded: Vec<ExcludedView>,
    /// Reports of agencies whose reports are this roll-up (`covers`): listed, not summed.
    pub covering: Vec<ReportLink>,
    pub figures: FiguresView,
}

/// One row of 与上年对比.
#[derive(Debug, Clone, Serialize)]
pub struct CompareRowView {
    pub label: String,
    /// 本年, 上年: `—` where the edition has no such row.
    pub now: String,
    pub before: String,
    /// 增减: `+3`, `−2` (U+2212), `0`, or `—`.
    pub change: String,
    /// 增减幅度: `+10.9%`, `−2.0%`, `0.0%`, or `—`.
    pub rate: String,
}

/// 与上年对比.
#[derive(Debug, Clone, Serialize)]
pub struct ComparisonView {
    pub year: u16,
    /// The report (or roll-up) of the year before; `None`: 无上年报告.
    pub previous: Option<YearLink>,
    /// Whether the report of the year before is a draft (shown by `serve` and `--drafts`).
    pub previous_draft: bool,
    pub rows: Vec<CompareRowView>,
}

/// An explained warning (数据说明).
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    pub code: String,
    /// What the rule checks, in words.
    pub rule: String,
    pub text: String,
}

/// A correction after publication (修订记录).
#[derive(Debug, Clone, Serialize)]
pub struct RevisionView {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub note: String,
}

/// `agency.html`.
#[derive(Debug, Clone, Serialize)]
pub struct AgencyView {
    pub name: String,
    pub slug: String,
    pub region: String,
    /// 人民政府 / 政府部门 / 乡镇、街道 / 其他.
    pub kind: String,
    pub intro_html: String,
    /// Newest first.
    pub reports: Vec<ReportLink>,
    pub count: usize,
    /// The reports as rows of the key-figures table.
    pub rows_html: String,
    /// The key figures across years as a chart (inline SVG, oldest year first), naming the
    /// key-figures table as its data; empty when there is no report.
    pub chart_html: String,
}

/// `search.html`: the form, and what the script `search_script` needs to search.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    /// URL of the folder of the index (`…/search/index/`).
    pub index_url: String,
    /// URL of the theme's search script.
    pub search_script: String,
    /// The years of the reports, newest first (the year filter).
    pub years: Vec<u16>,
    /// The regions of the agencies, in their order (the region filter; empty: no filter).
    pub regions: Vec<String>,
    /// The indexes a reader without JavaScript can browse.
    pub agencies_url: String,
    pub years_url: String,
}

/// `years.html`.
#[derive(Debug, Clone, Serialize)]
pub struct YearsView {
    /// Newest first.
    pub years: Vec<YearLink>,
}

/// `year.html`.
#[derive(Debug, Clone, Serialize)]
pub struct YearView {
    pub year: u16,
    /// In agency order.
    pub reports: Vec<ReportLink>,
    pub count: usize,
    /// The reports as rows of the key-figures table.
    pub rows_html: String,
    /// The totals row: the key figures of the site's roll-up (reports of `covers` agencies and
    /// on the other edition are listed but not added).
    pub totals: FiguresView,
    /// The site's roll-up for the year: its tables (汇总表), 未发布 and what is left out.
    pub rollup: Option<RollupView>,
    /// With `[regions]` and a year too big to list every report: the regions' roll-ups as rows
    /// of the key-figures table instead of the reports (`rows_html` is empty then).
    pub region_rows_html: String,
}

/// A section of a report page.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// Fragment id, e.g. `s1`.
    pub id: String,
    pub numeral: String,
    /// The heading as the author wrote it, or the official one.
    pub heading: String,
    /// The generated table (sections 二–四) or the 信息处理费 sentence (六), before the text.
    pub generated_html: String,
    /// The author's text.
    pub html: String,
}

/// `report.html`.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub title: String,
    pub agency: String,
    pub agency_url: String,
    pub year: u16,
    /// `YYYY-MM-DD`, or empty when unknown.
    pub published: String,
    /// e.g. 2021 版（国办公开办函〔2021〕30号）
    pub format: String,
    pub draft: bool,
    pub json_url: String,
    pub csv_url: String,
    pub preamble_html: String,
    pub sections: Vec<SectionView>,
    /// 与上年对比, after section 六.
    pub comparison: ComparisonView,
    /// The section as HTML (its table generated like the official tables).
    pub comparison_html: String,
    /// 数据说明: the warnings the report explains.
    pub notes: Vec<NoteView>,
    /// 修订记录.
    pub revisions: Vec<RevisionView>,
}
