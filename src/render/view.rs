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
//! | `search.html` | `search` | [`SearchView`] |
//! | `404.html` | — | — |
//! | `partials/figures-row.html` | `row` | [`FiguresRow`] (a row of `agency.html` and `year.html`) |
//! | `partials/agency-item.html` | `agency` | [`AgencyLink`] (an item of `agencies.html`) |
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
    pub portal: Portal,
    /// URL of the stylesheet.
    pub stylesheet: String,
    /// URL of the theme's script: the text-size control (适老化), optional for every page.
    pub script: String,
    /// Column headers of the key figures, in the order of [`FiguresView::values`].
    pub figure_labels: Vec<&'static str>,
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
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct FiguresRow {
    /// The row header: the agency (year page) or the year (agency page).
    pub label: String,
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

/// `index.html`.
#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    /// The newest report year, if any report exists.
    pub newest_year: Option<YearLink>,
    pub newest_reports: Vec<ReportLink>,
    pub years: Vec<YearLink>,
    pub agencies: Vec<AgencyLink>,
}

/// Agencies of one region (`region` empty for those without one).
#[derive(Debug, Clone, Serialize)]
pub struct RegionGroup {
    pub region: String,
    pub agencies: Vec<AgencyLink>,
    /// The agencies, each by `partials/agency-item.html`.
    pub items_html: String,
}

/// `agencies.html`.
#[derive(Debug, Clone, Serialize)]
pub struct AgenciesView {
    pub groups: Vec<RegionGroup>,
    pub count: usize,
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
    /// Sum of the reports' key figures.
    pub totals: FiguresView,
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
}
