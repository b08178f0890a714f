//! Render: pages as HTML, with Tera templates from the theme.
//!
//! In: checked reports, agencies and the index. Out: page HTML strings. Templates come from
//! `themes/<theme>/templates/` (the default theme is also built into the binary), and a site's
//! own `templates/` overrides a theme file of the same name. Templates only see the typed views
//! of [`view`]. The official tables are written by [`table`] from the edition's layout.

mod cut;
mod cut_ser;
pub mod table;
pub mod view;

use std::path::Path;
use std::sync::Arc;

use tera::Tera;

use crate::config::Config;
use crate::facts::Facts;
use crate::format::layout::grids;
use crate::format::{SectionKind, TableId};
use crate::index::Index;
use crate::markdown;
use crate::report::{Agency, AgencyKind, Report};
use view::*;

/// The default theme, built in so that a site without a `themes/` folder still builds.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "macros.html",
        include_str!("../../themes/default/templates/macros.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "agencies.html",
        include_str!("../../themes/default/templates/agencies.html"),
    ),
    (
        "agency.html",
        include_str!("../../themes/default/templates/agency.html"),
    ),
    (
        "years.html",
        include_str!("../../themes/default/templates/years.html"),
    ),
    (
        "year.html",
        include_str!("../../themes/default/templates/year.html"),
    ),
    (
        "report.html",
        include_str!("../../themes/default/templates/report.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "partials/figures-row.html",
        include_str!("../../themes/default/templates/partials/figures-row.html"),
    ),
    (
        "partials/agency-item.html",
        include_str!("../../themes/default/templates/partials/agency-item.html"),
    ),
];

/// The templates pages are rendered from, with the variables each gets besides `site`.
const PAGES: &[(&str, &[&str])] = &[
    ("index.html", &["page", "home"]),
    ("agencies.html", &["page", "agencies"]),
    ("agency.html", &["page", "agency"]),
    ("years.html", &["page", "years"]),
    ("year.html", &["page", "year"]),
    ("report.html", &["page", "report"]),
    ("404.html", &["page"]),
    ("search.html", &["page", "search"]),
    ("partials/figures-row.html", &["row"]),
    ("partials/agency-item.html", &["agency"]),
];

/// Static files of the default theme, by path below the output root.
pub const DEFAULT_STATIC: &[(&str, &str)] = &[
    (
        "assets/nianbao.css",
        include_str!("../../themes/default/static/assets/nianbao.css"),
    ),
    (
        "assets/nianbao.js",
        include_str!("../../themes/default/static/assets/nianbao.js"),
    ),
    (
        SEARCH_SCRIPT,
        include_str!("../../themes/default/static/assets/search.js"),
    ),
];

/// The search page's script, left out with `[search] enabled = false`.
pub const SEARCH_SCRIPT: &str = "assets/search.js";

/// Tera's escaper also escapes `/`, which bloats every URL; this one escapes what HTML needs.
fn escape_html(s: &str) -> String {
    markdown::escape(s)
}

/// Renders pages for one site.
pub struct Renderer {
    tera: Tera,
    /// Pages cut once per shape and filled, for the templates that allow it.
    cutter: Arc<cut::Cutter>,
    site: SiteView,
    /// `site` as the templates get it.
    site_value: serde_json::Value,
    /// Sub-path, e.g. `/zfxxgk/ndbg/`.
    pub base: String,
    /// Absolute site URL ending in `/`.
    pub base_url: String,
    inject_html: String,
    /// Fingerprint of everything every page is made with: the templates, the site settings,
    /// the base URL and the injected HTML.
    pub fingerprint: u64,
}

/// Reads the `.html` files of a folder, by relative path.
fn read_templates(dir: Option<&Path>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let Some(dir) = dir else {
        return Ok(out);
    };
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.map_err(|e| format!("无法读取模板目录 {}：{e}", dir.display()))?;
        if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html") {
            let name = crate::source::rel(dir, e.path());
            let text = std::fs::read_to_string(e.path())
                .map_err(|err| format!("无法读取模板 {}：{err}", e.path().display()))?;
            out.push((name, text));
        }
    }
    Ok(out)
}

impl Renderer {
    /// Loads the templates: built-in default theme, then the theme folder, then the site's own.
    pub fn new(
        root: &Path,
        config: &Config,
        base_url: &str,
        inject_html: String,
    ) -> Result<Renderer, String> {
        let mut templates: std::collections::BTreeMap<String, String> = Default::default();
        // Folders that are links out of the site are not read (the load stage warns of them).
        let theme_dir = format!("themes/{}", config.theme);
        let dir = |rel: &str| crate::source::site_dir(root, rel);
        if config.theme == "default" {
            for (n, t) in DEFAULT_TEMPLATES {
                templates.insert((*n).into(), (*t).into());
            }
        } else if dir(&theme_dir).is_none() {
            return Err(format!(
                "找不到主题“{}”：{} 不存在或不在站点目录中",
                config.theme,
                root.join(&theme_dir).display()
            ));
        }
        for d in [format!("{theme_dir}/templates"), "templates".into()] {
            for (n, t) in read_templates(dir(&d).as_deref())? {
                templates.insert(n, t);
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| format!("模板错误：{}", error_chain(&e)))?;
        let base_url = if base_url.ends_with('/') {
            base_url.to_string()
        } else {
            format!("{base_url}/")
        };
        let base = crate::config::base_path(&base_url);
        let site = SiteView {
            title: config.title.clone(),
            base: base.clone(),
            base_url: base_url.clone(),
            language: config.language.clone(),
            portal: config.portal.clone(),
            stylesheet: format!("{base}assets/nianbao.css"),
            script: format!("{base}assets/nianbao.js"),
            figure_labels: FIGURE_LABELS.to_vec(),
            search: config.search.enabled.then(|| format!("{base}search/")),
        };
        let site_value = serde_json::to_value(&site).map_err(|e| e.to_string())?;
        // Pages are cut at private-use markers: site settings, printed as they are, must not
        // hold one (nothing sensible does).
        let allowed = !cut::has_marker(&site_value.to_string()) && !cut::has_marker(&inject_html);
        let cutter = Arc::new(cut::Cutter::new(&tera, PAGES, allowed));
        let fingerprint =
            crate::facts::fingerprint_of(&(&templates, site_value.to_string(), &inject_html));
        Ok(Renderer {
            tera,
            cutter,
            site,
            site_value,
            base,
            base_url,
            inject_html,
            fingerprint,
        })
    }

    /// The site's title.
    pub fn site_title(&self) -> String {
        self.site.title.clone()
    }

    /// Root-relative URL of a path below the site root.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Absolute URL of a path below the site root.
    pub fn abs_url(&self, path: &str) -> String {
        let origin = self
            .base_url
            .strip_suffix(&self.base)
            .unwrap_or(self.base_url.trim_end_matches('/'));
        format!("{origin}{}", self.url(path))
    }

    /// A page of `template`, whose own variable (`report`, `year`, …) is `name`.
    fn render(
        &self,
        template: &str,
        page: PageView,
        name: &str,
        value: impl serde::Serialize,
    ) -> Result<String, String> {
        let value = (!name.is_empty()).then_some((name, &value));
        self.cutter.render(
            &self.tera,
            template,
            &self.site_value,
            ("page", &page),
            value,
        )
    }

    /// A partial template for one item of a list (`row`, `agency`), without its final newline.
    fn partial(
        &self,
        template: &str,
        name: &str,
        value: impl serde::Serialize,
    ) -> Result<String, String> {
        let mut html = self.cutter.render(
            &self.tera,
            template,
            &self.site_value,
            (name, &value),
            None::<(&str, &())>,
        )?;
        while html.ends_with('\n') {
            html.pop();
        }
        Ok(html)
    }

    /// Whether every page of a template is cut and filled rather than rendered by Tera.
    #[doc(hidden)]
    pub fn cuts(&self, template: &str) -> bool {
        self.cutter.cuts(template)
    }

    fn page(
        &self,
        title: impl Into<String>,
        path: &str,
        crumbs: Vec<(String, Option<String>)>,
    ) -> PageView {
        let mut all = vec![Crumb {
            title: "首页".into(),
            url: (!path.is_empty()).then(|| self.url("")),
        }];
        all.extend(crumbs.into_iter().map(|(title, url)| Crumb { title, url }));
        let title: String = title.into();
        PageView {
            head_title: if title == self.site.title {
                title.clone()
            } else {
                format!("{title} - {}", self.site.title)
            },
            title,
            crumbs: all,
            canonical: self.abs_url(path),
            inject_html: self.inject_html.clone(),
        }
    }

    /// A report as listed on index pages.
    pub fn link(&self, s: &Facts) -> ReportLink {
        ReportLink {
            title: s.title.clone(),
            agency: s.agency.clone(),
            agency_slug: s.slug.clone(),
            agency_url: self.url(&format!("{}/", s.slug)),
            year: s.year,
            url: self.url(&s.path()),
            published: s.published.map(|d| d.to_string()).unwrap_or_default(),
            draft: s.draft,
            figures: s.figures.into(),
        }
    }

    fn year_link(&self, year: u16, count: usize) -> YearLink {
        YearLink {
            year,
            url: self.url(&format!("years/{year}/")),
            count,
        }
    }

    fn agency_link(&self, a: &Agency, reports: &[Arc<Facts>]) -> AgencyLink {
        AgencyLink {
            name: a.name.clone(),
            slug: a.slug.clone(),
            url: self.url(&format!("{}/", a.slug)),
            region: a.region.clone().unwrap_or_default(),
            years: reports
                .iter()
                .map(|r| YearLink {
                    year: r.year,
                    url: self.url(&r.path()),
                    count: 1,
                })
                .collect(),
        }
    }

    /// The report page.
    /// The report page; `agency` is the agency's current name, for the breadcrumb.
    pub fn report_page(&self, r: &Report, agency: &str) -> Result<String, String> {
        let f = r.format;
        let link_base = self.url(&format!("{}/", r.slug));
        let grids = grids(f);
        let mut sections = Vec::new();
        for (i, def) in f.sections.iter().enumerate() {
            let written = r.body.section(def.numeral);
            let generated_html = match def.kind {
                SectionKind::Table(t) => {
                    let g = match t {
                        TableId::Active => &grids[0],
                        TableId::Applications => &grids[1],
                        TableId::Appeals => &grids[2],
                    };
                    table::table_html(g, r)
                }
                SectionKind::Narrative => match (
                    &f.processing_fees,
                    r.processing_fees,
                    i + 1 == f.sections.len(),
                ) {
                    // Not when the author's section 六 already states the fees.
                    (Some(def), Some(fees), true)
                        if !written.is_some_and(|s| def.stated_in(&s.markdown)) =>
                    {
                        format!(
                            "<p class=\"fees\">{}</p>\n",
                            markdown::escape(
                                &def.sentence
                                    .replace("{notices}", &fees.notices.to_string())
                                    .replace("{amount}", &fees.amount.to_string())
                            )
                        )
                    }
                    _ => String::new(),
                },
            };
            let html = written
                .map(|s| markdown::to_html(&s.markdown, &link_base, &format!("s{}-", i + 1)))
                .unwrap_or_default();
            sections.push(SectionView {
                id: format!("s{}", i + 1),
                numeral: def.numeral.into(),
                heading: written.map_or_else(|| def.heading(), |s| s.heading.clone()),
                generated_html,
                html,
            });
        }
        let path = format!("{}/{}/", r.slug, r.year);
        let view = ReportView {
            title: r.title.clone(),
            agency: r.agency.clone(),
            agency_url: self.url(&format!("{}/", r.slug)),
            year: r.year,
            published: r.published.map(|d| d.to_string()).unwrap_or_default(),
            format: f.to_string(),
            draft: r.draft,
            json_url: self.url(&format!("{path}report.json")),
            csv_url: self.url(&format!("{path}report.csv")),
            preamble_html: if markdown::is_blank(&r.body.preamble) {
                String::new()
            } else {
                markdown::to_html(&r.body.preamble, &link_base, "s0-")
            },
            sections,
        };
        let crumbs = vec![
            (agency.to_string(), Some(self.url(&format!("{}/", r.slug)))),
            (format!("{} 年度", r.year), None),
        ];
        let page = self.page(r.title.clone(), &path, crumbs);
        self.render("report.html", page, "report", view)
    }

    /// The same renderer printing every page through Tera, even where a page would be cut and
    /// filled (for tests).
    #[doc(hidden)]
    pub fn tera_only(&self) -> Renderer {
        Renderer {
            cutter: Arc::new(cut::Cutter::new(&self.tera, &[], false)),
            tera: self.tera.clone(),
            site: self.site.clone(),
            site_value: self.site_value.clone(),
            base: self.base.clone(),
            base_url: self.base_url.clone(),
            inject_html: self.inject_html.clone(),
            fingerprint: self.fingerprint,
        }
    }

    /// Rows of a key-figures table (`partials/figures-row.html`), one per report.
    fn figure_rows(&self, rows: &[FiguresRow]) -> Result<String, String> {
        let mut html = String::new();
        for row in rows {
            html.push('\n');
            html.push_str(&self.partial("partials/figures-row.html", "row", row)?);
        }
        Ok(html)
    }

    pub fn home(&self, index: &Index) -> Result<String, String> {
        let newest = index.by_year.first();
        let view = HomeView {
            newest_year: newest.map(|(y, v)| self.year_link(*y, v.len())),
            newest_reports: newest
                .map(|(_, v)| v.iter().map(|s| self.link(s)).collect())
                .unwrap_or_default(),
            years: index
                .by_year
                .iter()
                .map(|(y, v)| self.year_link(*y, v.len()))
                .collect(),
            agencies: index
                .by_agency
                .iter()
                .map(|(a, v)| self.agency_link(a, v))
                .collect(),
        };
        self.render(
            "index.html",
            self.page(self.site.title.clone(), "", vec![]),
            "home",
            view,
        )
    }

    pub fn agencies(&self, index: &Index) -> Result<String, String> {
        let mut groups: Vec<RegionGroup> = Vec::new();
        // Region → its group's place: a national site has thousands of regions.
        let mut place: std::collections::HashMap<&str, usize> = Default::default();
        for (a, v) in &index.by_agency {
            let region = a.region.as_deref().unwrap_or_default();
            let link = self.agency_link(a, v);
            let item = self.partial("partials/agency-item.html", "agency", &link)?;
            let i = *place.entry(region).or_insert_with(|| {
                groups.push(RegionGroup {
                    region: region.to_string(),
                    agencies: Vec::new(),
                    items_html: String::new(),
                });
                groups.len() - 1
            });
            groups[i].agencies.push(link);
            groups[i].items_html.push('\n');
            groups[i].items_html.push_str(&item);
        }
        // Named regions first, in order of first appearance; agencies without one last.
        groups.sort_by_key(|g| g.region.is_empty());
        let view = AgenciesView {
            count: index.by_agency.len(),
            groups,
        };
        self.render(
            "agencies.html",
            self.page("按机关浏览", "agencies/", vec![("按机关浏览".into(), None)]),
            "agencies",
            view,
        )
    }

    pub fn agency(&self, a: &Agency, reports: &[Arc<Facts>]) -> Result<String, String> {
        let kind = match a.kind {
            AgencyKind::Government => "人民政府",
            AgencyKind::Department => "政府部门",
            AgencyKind::Township => "乡镇（街道）",
            AgencyKind::Other => "其他",
        };
        let links: Vec<ReportLink> = reports.iter().map(|s| self.link(s)).collect();
        let rows: Vec<FiguresRow> = links
            .iter()
            .map(|r| FiguresRow::of(r, format!("{} 年度报告", r.year)))
            .collect();
        let view = AgencyView {
            name: a.name.clone(),
            slug: a.slug.clone(),
            region: a.region.clone().unwrap_or_default(),
            kind: kind.into(),
            intro_html: if markdown::is_blank(&a.intro) {
                String::new()
            } else {
                markdown::to_html(&a.intro, &self.url(&format!("{}/", a.slug)), "")
            },
            count: links.len(),
            rows_html: self.figure_rows(&rows)?,
            reports: links,
        };
        let path = format!("{}/", a.slug);
        self.render(
            "agency.html",
            self.page(a.name.clone(), &path, vec![(a.name.clone(), None)]),
            "agency",
            view,
        )
    }

    pub fn years(&self, index: &Index) -> Result<String, String> {
        let view = YearsView {
            years: index
                .by_year
                .iter()
                .map(|(y, v)| self.year_link(*y, v.len()))
                .collect(),
        };
        self.render(
            "years.html",
            self.page("按年度浏览", "years/", vec![("按年度浏览".into(), None)]),
            "years",
            view,
        )
    }

    pub fn year(&self, year: u16, reports: &[Arc<Facts>]) -> Result<String, String> {
        let links: Vec<ReportLink> = reports.iter().map(|s| self.link(s)).collect();
        let rows: Vec<FiguresRow> = links
            .iter()
            .map(|r| FiguresRow::of(r, r.agency.clone()))
            .collect();
        let view = YearView {
            year,
            count: links.len(),
            rows_html: self.figure_rows(&rows)?,
            reports: links,
            totals: Index::totals(reports).into(),
        };
        let crumbs = vec![
            ("按年度浏览".into(), Some(self.url("years/"))),
            (format!("{year} 年度"), None),
        ];
        self.render(
            "year.html",
            self.page(
                format!("{year} 年度报告"),
                &format!("years/{year}/"),
                crumbs,
            ),
            "year",
            view,
        )
    }

    /// `/search/`: the form, with the years and regions to filter by.
    pub fn search_page(&self, index: &Index) -> Result<String, String> {
        let view = SearchView {
            index_url: self.url(crate::search::INDEX_DIR),
            search_script: self.url(SEARCH_SCRIPT),
            years: index.by_year.iter().map(|(y, _)| *y).collect(),
            regions: crate::plan::search_regions(index)
                .into_iter()
                .map(str::to_string)
                .collect(),
            agencies_url: self.url("agencies/"),
            years_url: self.url("years/"),
        };
        self.render(
            "search.html",
            self.page("搜索", "search/", vec![("搜索".into(), None)]),
            "search",
            view,
        )
    }

    pub fn not_found(&self) -> Result<String, String> {
        self.render(
            "404.html",
            self.page("页面不存在", "404.html", vec![("页面不存在".into(), None)]),
            "",
            (),
        )
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push('：');
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}
