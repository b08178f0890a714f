//! Render: pages as HTML, with Tera templates from the theme.
//!
//! In: checked reports, agencies and the index. Out: page HTML strings. Templates come from
//! `themes/<theme>/templates/` (the default theme is also built into the binary), and a site's
//! own `templates/` overrides a theme file of the same name. Templates only see the typed views
//! of [`view`]. The official tables are written by [`table`] from the edition's layout; charts
//! of figures across years by [`chart`], as inline SVG.

pub mod chart;
mod compare;
mod cut;
mod cut_ser;
pub mod table;
pub mod view;

use std::path::Path;
use std::sync::Arc;

use tera::Tera;

use crate::across::{self, Rollup};
use crate::config::Config;
use crate::facts::Facts;
use crate::fast::HashMap;
use crate::format::layout::grids;
use crate::format::{FormatDef, SectionKind, TableId};
use crate::index::Index;
use crate::markdown;
use crate::regions::Region;
use crate::report::{Agency, AgencyKind, Num, Report};
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
        "regions.html",
        include_str!("../../themes/default/templates/regions.html"),
    ),
    (
        "region.html",
        include_str!("../../themes/default/templates/region.html"),
    ),
    (
        "region-year.html",
        include_str!("../../themes/default/templates/region-year.html"),
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
    ("regions.html", &["page", "regions"]),
    ("region.html", &["page", "region"]),
    ("region-year.html", &["page", "rollup"]),
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

/// Id of the key-figures table of `agency.html`, which the chart names as its data.
const AGENCY_TABLE_ID: &str = "reports-caption";
/// The end of that table's caption, after the agency's name (as `agency.html` prints it).
const AGENCY_TABLE_CAPTION: &str = "历年报告主要数据";
/// Id of the key-figures table of `region.html`, which the region's chart names as its data.
const REGION_TABLE_ID: &str = "region-caption";
/// The end of that table's caption, after the region's name (as `region.html` prints it).
const REGION_TABLE_CAPTION: &str = "历年汇总主要数据";

/// The six key figures of a row, as a chart takes them.
fn six(f: &FiguresView) -> [u64; 6] {
    std::array::from_fn(|k| f.values.get(k).copied().unwrap_or(0))
}

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
    /// The feed's entries as last made (see [`crate::data::atom`]).
    pub feed: crate::data::FeedCache,
    /// Each year page's rows as last rendered, by what each is made of ([`Renderer::year`]).
    year_rows: std::sync::Mutex<RowMaps>,
}

/// Rendered rows by the fingerprint of their [`FiguresRow`], for each year.
type RowMaps = HashMap<u16, HashMap<u64, Arc<str>>>;

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
            has_regions: !config.regions.is_empty(),
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
            feed: Default::default(),
            year_rows: Default::default(),
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

    /// Whether the site has `/search/` (`[search] enabled`).
    pub fn has_search(&self) -> bool {
        self.site.search.is_some()
    }

    /// Absolute URL of a path below the site root.
    pub fn abs_url(&self, path: &str) -> String {
        format!("{}{path}", self.abs_root())
    }

    /// The absolute URL of the site root: [`Renderer::abs_url`] of a path is this and the path.
    pub fn abs_root(&self) -> String {
        let origin = self
            .base_url
            .strip_suffix(&self.base)
            .unwrap_or(self.base_url.trim_end_matches('/'));
        format!("{origin}{}", self.base)
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
        use std::fmt::Write as _;
        // Each string made in one allocation: a year page makes thousands of links.
        let mut agency_url = String::with_capacity(self.base.len() + s.slug.len() + 6);
        agency_url.push_str(&self.base);
        agency_url.push_str(&s.slug);
        agency_url.push('/');
        let mut url = agency_url.clone();
        let _ = write!(url, "{}/", s.year);
        let mut published = String::new();
        if s.published.is_some() {
            crate::data::push_date(&mut published, s.published);
        }
        ReportLink {
            title: s.title.clone(),
            agency: s.agency.clone(),
            agency_slug: s.slug.clone(),
            agency_url,
            year: s.year,
            url,
            published,
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

    /// The report page; `agency` is the agency's current name, for the breadcrumb; `previous`
    /// the agency's report of the year before, when shown.
    pub fn report_page(
        &self,
        r: &Report,
        agency: &str,
        previous: Option<&Facts>,
    ) -> Result<String, String> {
        let f = r.format;
        let link_base = self.url(&format!("{}/", r.slug));
        let mut sections = Vec::new();
        for (i, def) in f.sections.iter().enumerate() {
            let written = r.body.section(def.numeral);
            let generated_html = match def.kind {
                SectionKind::Table(t) => table::table_html(grid(f, t), r),
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
        let cells = across::cells_of(r);
        let comparison = self.comparison(
            r.year,
            (f, &cells),
            previous.map(|p| {
                (
                    p.format,
                    across::unpack(&p.cells, across::layout(p.format).len),
                    self.url(&p.path()),
                    p.draft,
                )
            }),
        );
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
            comparison_html: compare::comparison_html(&comparison),
            comparison,
            notes: r
                .acknowledge
                .iter()
                .map(|a| NoteView {
                    code: a.code.as_str().into(),
                    rule: a.code.summary().into(),
                    text: a.text.clone(),
                })
                .collect(),
            revisions: r
                .revisions
                .iter()
                .map(|v| RevisionView {
                    date: v.date.to_string(),
                    note: v.note.clone(),
                })
                .collect(),
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
            feed: Default::default(),
            year_rows: Default::default(),
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

    /// [`Renderer::figure_rows`] of a year page, each row taken from the year's last rendering
    /// when it is made of the same (serve: one report's date or figures change one row of
    /// thousands). The year's rows are then those of this rendering.
    fn year_rows_kept(&self, year: u16, rows: &[FiguresRow]) -> Result<String, String> {
        let lock = || {
            self.year_rows
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let kept = lock().remove(&year).unwrap_or_default();
        let mut now: HashMap<u64, Arc<str>> = HashMap::default();
        now.reserve(rows.len());
        let mut html = String::new();
        for row in rows {
            let key = crate::facts::fingerprint_of(row);
            let text = match kept.get(&key) {
                Some(t) => Arc::clone(t),
                None => Arc::from(self.partial("partials/figures-row.html", "row", row)?),
            };
            html.push('\n');
            html.push_str(&text);
            now.insert(key, text);
        }
        lock().insert(year, now);
        Ok(html)
    }

    pub fn home(&self, index: &Index) -> Result<String, String> {
        let season = index.season();
        let too_big = index.season_too_big();
        let newest = index.by_year.first();
        let summary = match (too_big, newest) {
            (false, _) | (_, None) => Vec::new(),
            // The regions of the top two levels with their reports of the newest year.
            (true, Some((year, _))) if !index.regions.is_empty() => index
                .rollups
                .iter()
                .filter(|r| r.year == *year)
                .filter_map(|r| {
                    let region = index.regions.get(r.slug.as_deref()?)?;
                    (region.depth <= 1).then(|| CountLink {
                        name: r.name.clone(),
                        url: self.url(&format!("regions/{}/{year}/", region.slug)),
                        count: r.reports.len(),
                    })
                })
                .collect(),
            (true, Some(_)) => season
                .iter()
                .map(|(y, v)| CountLink {
                    name: format!("{y} 年度"),
                    url: self.url(&format!("years/{y}/")),
                    count: v.len(),
                })
                .collect(),
        };
        let view = HomeView {
            newest_year: newest.map(|(y, v)| self.year_link(*y, v.len())),
            season: season
                .iter()
                .map(|(y, v)| SeasonYear {
                    year: self.year_link(*y, v.len()),
                    reports: if too_big {
                        Vec::new()
                    } else {
                        v.iter().map(|s| self.link(s)).collect()
                    },
                })
                .collect(),
            summary,
            years: index
                .by_year
                .iter()
                .map(|(y, v)| self.year_link(*y, v.len()))
                .collect(),
            regions: index
                .regions
                .roots()
                .map(|r| self.region_link(index, r))
                .collect(),
            agency_count: index.by_agency.len(),
        };
        self.render(
            "index.html",
            self.page(self.site.title.clone(), "", vec![]),
            "home",
            view,
        )
    }

    /// A region as listed on index pages.
    fn region_link(&self, index: &Index, r: &Region) -> RegionLink {
        let mut years: Vec<YearLink> = index
            .rollups_of(Some(&r.slug))
            .map(|x| YearLink {
                year: x.year,
                url: self.url(&format!("regions/{}/{}/", r.slug, x.year)),
                count: x.reports.len(),
            })
            .collect();
        years.reverse();
        RegionLink {
            name: r.name.clone(),
            slug: r.slug.clone(),
            url: self.url(&format!("regions/{}/", r.slug)),
            depth: r.depth,
            agencies: r.agencies.len(),
            years,
        }
    }

    /// Agencies by kind, each by `partials/agency-item.html`, kinds in the order of
    /// [`AgencyKind::ALL`].
    fn kind_groups<'a>(
        &self,
        id_prefix: &str,
        agencies: impl IntoIterator<Item = (&'a Agency, &'a [Arc<Facts>])>,
    ) -> Result<Vec<KindGroup>, String> {
        let mut groups: Vec<(AgencyKind, KindGroup)> = Vec::new();
        for (a, v) in agencies {
            let link = self.agency_link(a, v);
            let item = self.partial("partials/agency-item.html", "agency", &link)?;
            let i = match groups.iter().position(|(k, _)| *k == a.kind) {
                Some(i) => i,
                None => {
                    groups.push((
                        a.kind,
                        KindGroup {
                            id: String::new(),
                            kind: kind_label(a.kind).into(),
                            agencies: Vec::new(),
                            items_html: String::new(),
                        },
                    ));
                    groups.len() - 1
                }
            };
            let g = &mut groups[i].1;
            g.agencies.push(link);
            g.items_html.push('\n');
            g.items_html.push_str(&item);
        }
        let rank = |k: AgencyKind| AgencyKind::ALL.iter().position(|(_, x)| *x == k);
        groups.sort_by_key(|(k, _)| rank(*k));
        Ok(groups
            .into_iter()
            .map(|(k, mut g)| {
                g.id = format!("{id_prefix}{}", AgencyKind::ALL[rank(k).unwrap_or(0)].0);
                g
            })
            .collect())
    }

    pub fn agencies(&self, index: &Index) -> Result<String, String> {
        let tree = &index.regions;
        // With regions, a site too big for one page lists on it only the agencies in no
        // declared region: the others are on their region's page.
        let complete = tree.is_empty() || index.by_agency.len() <= AGENCIES_LIMIT;
        let mut by_region: Vec<(String, Vec<Listed>)> = Vec::new();
        let mut place: std::collections::HashMap<&str, usize> = Default::default();
        for (a, v) in &index.by_agency {
            let region = a.region.as_deref().unwrap_or_default();
            let declared = tree.index_of_name(region).is_some();
            if !complete && declared {
                continue;
            }
            let i = *place.entry(region).or_insert_with(|| {
                by_region.push((region.to_string(), Vec::new()));
                by_region.len() - 1
            });
            by_region[i].1.push((&**a, v.as_slice()));
        }
        // Declared regions in tree order, then the others by first appearance, then agencies
        // without a region.
        let rank = |name: &str| match tree.index_of_name(name) {
            Some(i) => (0, i),
            None if !name.is_empty() => (1, 0),
            None => (2, 0),
        };
        by_region.sort_by_key(|(name, _)| rank(name));
        let mut groups = Vec::with_capacity(by_region.len());
        for (n, (region, agencies)) in by_region.into_iter().enumerate() {
            let id = format!("region-{}", n + 1);
            let url = tree
                .index_of_name(&region)
                .map(|i| self.url(&format!("regions/{}/", tree.regions()[i].slug)));
            let count = agencies.len();
            groups.push(RegionGroup {
                kinds: self.kind_groups(&format!("{id}-"), agencies)?,
                id,
                region,
                url,
                count,
            });
        }
        let view = AgenciesView {
            count: index.by_agency.len(),
            groups,
            regions: tree
                .regions()
                .iter()
                .map(|r| self.region_link(index, r))
                .collect(),
            complete,
        };
        self.render(
            "agencies.html",
            self.page("按机关浏览", "agencies/", vec![("按机关浏览".into(), None)]),
            "agencies",
            view,
        )
    }

    pub fn agency(&self, a: &Agency, reports: &[Arc<Facts>]) -> Result<String, String> {
        let kind = kind_label(a.kind);
        let links: Vec<ReportLink> = reports.iter().map(|s| self.link(s)).collect();
        let rows: Vec<FiguresRow> = links
            .iter()
            .map(|r| FiguresRow::of(r, format!("{} 年度报告", r.year)))
            .collect();
        // The chart runs oldest to newest; the table below it lists the reports newest first.
        let figures: Vec<(u16, Option<[u64; 6]>)> = links
            .iter()
            .map(|r| (r.year, Some(six(&r.figures))))
            .collect();
        let chart_html = chart::key_figures(
            "chart",
            &a.name,
            AGENCY_TABLE_ID,
            &format!("{}{}", a.name, AGENCY_TABLE_CAPTION),
            &figures,
        );
        let view = AgencyView {
            chart_html,
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

    /// The page of the year at place `i` of the index; `keep`: its rows are kept for the next
    /// rendering of the year (serve).
    pub fn year(&self, index: &Index, i: usize, keep: bool) -> Result<String, String> {
        let (year, reports) = &index.by_year[i];
        let year = *year;
        let rollup = index.rollup(None, year);
        // A year too big for one page lists its regions' roll-ups instead of every report.
        let by_region = !index.regions.is_empty() && reports.len() > YEAR_LIMIT;
        let links: Vec<ReportLink> = if by_region {
            Vec::new()
        } else {
            reports.iter().map(|s| self.link(s)).collect()
        };
        let rows: Vec<FiguresRow> = links
            .iter()
            .map(|r| FiguresRow::of(r, r.agency.clone()))
            .collect();
        let region_rows: Vec<FiguresRow> = if by_region {
            index
                .rollups
                .iter()
                .filter(|r| r.year == year && r.slug.is_some())
                .map(|r| FiguresRow {
                    label: r.name.clone(),
                    note: format!("{} 份", r.reports.len()),
                    url: self.url(&format!(
                        "regions/{}/{year}/",
                        r.slug.as_deref().unwrap_or("")
                    )),
                    draft: false,
                    published: String::new(),
                    figures: r.figures.into(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let view = YearView {
            year,
            count: reports.len(),
            rows_html: if keep {
                self.year_rows_kept(year, &rows)?
            } else {
                self.figure_rows(&rows)?
            },
            reports: links,
            totals: rollup.map_or_else(|| Index::totals(reports).into(), |r| r.figures.into()),
            rollup: rollup
                .map(|r| self.rollup_view(index, r, None, false))
                .transpose()?,
            region_rows_html: self.figure_rows(&region_rows)?,
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

    /// 与上年对比 of `now` (an edition and its cells) with the year before, if any (its
    /// edition, cells, page and whether it is a draft).
    fn comparison(
        &self,
        year: u16,
        now: (&'static FormatDef, &[i64]),
        before: Option<(&'static FormatDef, Vec<i64>, String, bool)>,
    ) -> ComparisonView {
        let Some((f, cells, url, draft)) = before else {
            return ComparisonView {
                year,
                previous: None,
                previous_draft: false,
                rows: Vec::new(),
            };
        };
        let text = |n: Option<Num>| n.map_or_else(|| "—".into(), across::text);
        ComparisonView {
            year,
            previous: Some(YearLink {
                year: year - 1,
                url,
                count: 1,
            }),
            previous_draft: draft,
            rows: across::compare(now, (f, &cells))
                .into_iter()
                .map(|row| CompareRowView {
                    now: text(row.now),
                    before: text(row.before),
                    change: row.change(),
                    rate: row.rate(),
                    label: row.label,
                })
                .collect(),
        }
    }

    /// The view of a roll-up; `before`, the same region's roll-up of the year before (compared
    /// with on a region's page); `list_reports`, whether the reports summed are listed.
    fn rollup_view(
        &self,
        index: &Index,
        r: &Rollup,
        before: Option<Option<&Rollup>>,
        list_reports: bool,
    ) -> Result<RollupView, String> {
        let report = r.as_report();
        let f = r.format;
        let tables = f
            .sections
            .iter()
            .enumerate()
            .filter_map(|(i, def)| match def.kind {
                SectionKind::Table(t) => Some(TableView {
                    id: format!("s{}", i + 1),
                    heading: def.heading(),
                    html: table::table_html(grid(f, t), &report),
                }),
                SectionKind::Narrative => None,
            })
            .collect();
        let agency_ref = |slug: &str| AgencyRef {
            name: index
                .agency(slug)
                .map_or_else(|| slug.to_string(), |a| a.name.clone()),
            url: self.url(&format!("{slug}/")),
        };
        // The reports summed, in agency order (the roll-up holds their slugs sorted): looked up
        // one by one, since a region's page must not walk the whole year.
        let reports = if list_reports {
            let mut found: Vec<(usize, &Arc<Facts>)> = r
                .reports
                .iter()
                .filter_map(|s| Some((index.place(s)?, index.report(s, r.year)?)))
                .collect();
            found.sort_unstable_by_key(|(place, _)| *place);
            found.into_iter().map(|(_, x)| self.link(x)).collect()
        } else {
            Vec::new()
        };
        // The reports of agencies that `covers` this region; for the site's roll-up (the year
        // page), of every agency that `covers` a region or the site: none is added into any
        // roll-up, while the year's table lists them all (site.md: listed but not added).
        let covering = index
            .covering_of(r.slug.as_deref())
            .filter(|(_, covers, _)| *covers)
            .filter_map(|((_, v), _, _)| v.iter().find(|x| x.year == r.year))
            .map(|x| self.link(x))
            .collect();
        let excluded = r
            .excluded
            .iter()
            .map(|(slug, why)| ExcludedView {
                agency: agency_ref(slug),
                url: self.url(&format!("{slug}/{}/", r.year)),
                reason: match *why {
                    across::EXCLUDED_FORMAT => "采用另一版格式".into(),
                    other => other.to_string(),
                },
            })
            .collect();
        let (json_url, csv_url, region_url) = match &r.slug {
            Some(slug) => {
                let dir = format!("regions/{slug}/{}/", r.year);
                (
                    Some(self.url(&format!("{dir}rollup.json"))),
                    Some(self.url(&format!("{dir}rollup.csv"))),
                    Some(self.url(&format!("regions/{slug}/"))),
                )
            }
            None => (None, None, None),
        };
        let comparison_html = match before {
            Some(before) => {
                let cells = r.cells.clone();
                let c = self.comparison(
                    r.year,
                    (f, &cells),
                    before.map(|b| {
                        (
                            b.format,
                            b.cells.clone(),
                            self.url(&format!(
                                "regions/{}/{}/",
                                b.slug.as_deref().unwrap_or(""),
                                b.year
                            )),
                            false,
                        )
                    }),
                );
                compare::comparison_html(&c)
            }
            None => String::new(),
        };
        // 未发布 as the pages show it (across.md, Coverage; what W105 names): the roll-up's own
        // list, and the agencies of the set that `covers` a region — left out of the roll-up's
        // lists, but just as unpublished.
        let mut unpublished: Vec<&str> = r.missing.iter().map(String::as_str).collect();
        unpublished.extend(
            index
                .covering_of(r.slug.as_deref())
                .filter(|((_, v), _, member)| {
                    *member
                        && !v.iter().any(|x| x.year == r.year)
                        && v.iter().any(|x| x.year + 1 == r.year)
                })
                .map(|((a, _), _, _)| a.slug.as_str()),
        );
        unpublished.sort_unstable();
        let missing = unpublished.into_iter().map(agency_ref).collect();
        Ok(RollupView {
            name: r.name.clone(),
            title: report.title.clone(),
            year: r.year,
            year_before: r.year - 1,
            count: r.reports.len(),
            region_url,
            format: f.to_string(),
            json_url,
            csv_url,
            tables,
            comparison_html,
            reports,
            missing,
            excluded,
            covering,
            figures: r.figures.into(),
        })
    }

    /// `regions/`: the region tree.
    pub fn regions(&self, index: &Index) -> Result<String, String> {
        let all = index.regions.regions();
        let complete = all.len() <= REGIONS_LIMIT;
        let regions: Vec<RegionLink> = all
            .iter()
            .filter(|r| complete || r.depth <= 1)
            .map(|r| self.region_link(index, r))
            .collect();
        let view = RegionsView {
            count: all.len(),
            regions,
            complete,
        };
        self.render(
            "regions.html",
            self.page("按地区浏览", "regions/", vec![("按地区浏览".into(), None)]),
            "regions",
            view,
        )
    }

    /// The breadcrumb of a region's pages: 按地区浏览, then its ancestors.
    fn region_crumbs(&self, index: &Index, r: &Region) -> Vec<(String, Option<String>)> {
        let mut up = Vec::new();
        let mut at = index.regions.parent(r);
        while let Some(p) = at {
            up.push((
                p.name.clone(),
                Some(self.url(&format!("regions/{}/", p.slug))),
            ));
            at = index.regions.parent(p);
        }
        up.push(("按地区浏览".into(), Some(self.url("regions/"))));
        up.reverse();
        up
    }

    /// A region's page: its key figures across years, sub-regions and agencies.
    pub fn region(&self, index: &Index, i: usize) -> Result<String, String> {
        let tree = &index.regions;
        let r = &tree.regions()[i];
        // The region's own agencies in display order, looked up one by one (a region's page
        // must not walk every agency of the site).
        let mut places: Vec<usize> = r.own.iter().filter_map(|s| index.place(s)).collect();
        places.sort_unstable();
        let own: Vec<(&Agency, &[Arc<Facts>])> = places
            .into_iter()
            .map(|i| {
                let (a, v) = &index.by_agency[i];
                (&**a, v.as_slice())
            })
            .collect();
        let covered_by = index
            .covering_of(Some(&r.slug))
            .filter(|(_, covers, _)| *covers)
            .map(|((a, v), _, _)| self.agency_link(a, v))
            .collect();
        let mut rollups: Vec<&Arc<Rollup>> = index.rollups_of(Some(&r.slug)).collect();
        // The chart runs oldest to newest; the table below it lists the roll-ups newest first. A
        // year whose roll-up sums no report (its agencies' reports 未发布 or on the other
        // edition) is a gap, as a year with no roll-up is: its zeros count nothing.
        let figures: Vec<(u16, Option<[u64; 6]>)> = rollups
            .iter()
            .map(|x| {
                let summed = !x.reports.is_empty();
                (x.year, summed.then(|| six(&x.figures.into())))
            })
            .collect();
        let chart_html = chart::key_figures(
            "chart",
            &r.name,
            REGION_TABLE_ID,
            &format!("{}{}", r.name, REGION_TABLE_CAPTION),
            &figures,
        );
        rollups.reverse();
        let rows: Vec<FiguresRow> = rollups
            .iter()
            .map(|x| FiguresRow {
                label: format!("{} 年度汇总", x.year),
                note: format!("{} 份", x.reports.len()),
                url: self.url(&format!("regions/{}/{}/", r.slug, x.year)),
                draft: false,
                published: String::new(),
                figures: x.figures.into(),
            })
            .collect();
        let view = RegionView {
            name: r.name.clone(),
            slug: r.slug.clone(),
            parent: tree.parent(r).map(|p| self.region_link(index, p)),
            children: tree
                .children(r)
                .map(|c| self.region_link(index, c))
                .collect(),
            count: r.agencies.len(),
            kinds: self.kind_groups("kind-", own)?,
            covered_by,
            rows_html: self.figure_rows(&rows)?,
            chart_html,
        };
        let mut crumbs = self.region_crumbs(index, r);
        crumbs.push((r.name.clone(), None));
        self.render(
            "region.html",
            self.page(r.name.clone(), &format!("regions/{}/", r.slug), crumbs),
            "region",
            view,
        )
    }

    /// A region's roll-up for a year: the roll-up at place `k` of the index.
    pub fn region_year(&self, index: &Index, k: usize) -> Result<String, String> {
        let r = &index.rollups[k];
        let slug = r.slug.as_deref().unwrap_or_default();
        let before = k
            .checked_sub(1)
            .map(|j| &*index.rollups[j])
            .filter(|p| p.slug == r.slug && p.year + 1 == r.year);
        let view = self.rollup_view(index, r, Some(before), true)?;
        let mut crumbs = match index.regions.get(slug) {
            Some(region) => self.region_crumbs(index, region),
            None => Vec::new(),
        };
        crumbs.push((r.name.clone(), Some(self.url(&format!("regions/{slug}/")))));
        crumbs.push((format!("{} 年度汇总", r.year), None));
        self.render(
            "region-year.html",
            self.page(
                view.title.clone(),
                &format!("regions/{slug}/{}/", r.year),
                crumbs,
            ),
            "rollup",
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

/// An agency listed with its reports shown.
type Listed<'a> = (&'a Agency, &'a [Arc<Facts>]);

/// The most agencies `/agencies/` lists on one page when the site declares regions.
pub const AGENCIES_LIMIT: usize = 500;
/// The most regions `/regions/` lists at every depth; beyond, it lists the top two levels and
/// each region's page its sub-regions.
pub const REGIONS_LIMIT: usize = 500;
/// The most reports a year page lists when the site declares regions.
pub const YEAR_LIMIT: usize = 2000;

/// The grid of an official table of an edition.
fn grid(f: &'static FormatDef, t: TableId) -> &'static crate::format::layout::Grid {
    let g = grids(f);
    match t {
        TableId::Active => &g[0],
        TableId::Applications => &g[1],
        TableId::Appeals => &g[2],
    }
}

/// The kind of an agency as index pages group them.
pub fn kind_label(kind: AgencyKind) -> &'static str {
    match kind {
        AgencyKind::Government => "人民政府",
        AgencyKind::Department => "部门",
        AgencyKind::Township => "乡镇（街道）",
        AgencyKind::Other => "其他",
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
