//! Render: pages as HTML, with Tera templates from the theme.
//!
//! In: checked reports, agencies and the index. Out: page HTML strings. Templates come from
//! `themes/<theme>/templates/` (the default theme is also built into the binary), and a site's
//! own `templates/` overrides a theme file of the same name. Templates only see the typed views
//! of [`view`]. The official tables are written by [`table`] from the edition's layout.

mod native;
mod skeleton;
pub mod table;
pub mod view;

use std::path::Path;
use std::sync::Arc;

use tera::{Context, Tera};

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
];

/// Tera's escaper also escapes `/`, which bloats every URL; this one escapes what HTML needs.
fn escape_html(s: &str) -> String {
    markdown::escape(s)
}

/// Renders pages for one site.
pub struct Renderer {
    tera: Tera,
    /// Cut report pages, when the page templates are the built-in ones.
    skeletons: Option<skeleton::Skeletons>,
    /// Index pages without Tera, when their templates are the built-in ones.
    native: Option<std::sync::Arc<native::Frames>>,
    site: SiteView,
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
        // Report pages can be cut and refilled only when printed by the built-in templates.
        let builtin = |name: &str| {
            DEFAULT_TEMPLATES
                .iter()
                .any(|(n, t)| *n == name && templates.get(name).is_some_and(|x| x == t))
        };
        // Pages are cut at private-use markers; site settings printed as they are must not
        // hold one (nothing sensible does).
        let markers = |s: &str| s.contains(['\u{E000}', '\u{E001}', '\u{E002}']);
        let p = &config.portal;
        let plain = ![
            Some(&config.title),
            Some(&config.base_url),
            Some(&config.language),
            p.organizer.as_ref(),
            p.site_code.as_ref(),
            p.icp.as_ref(),
            p.public_security.as_ref(),
            p.contact.as_ref(),
        ]
        .into_iter()
        .flatten()
        .any(|s| markers(s))
            && !markers(base_url);
        let skeletons = ["report.html", "base.html", "macros.html"]
            .iter()
            .all(|n| builtin(n) && plain)
            .then(skeleton::Skeletons::default);
        let native = native::TEMPLATES
            .iter()
            .all(|n| builtin(n) && plain)
            .then(Default::default);
        templates.insert(native::FRAME_TEMPLATE.into(), native::FRAME_SOURCE.into());
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
        };
        let fingerprint = crate::facts::fingerprint_of(&(
            &templates,
            serde_json::to_string(&site).unwrap_or_default(),
            &inject_html,
        ));
        Ok(Renderer {
            tera,
            skeletons,
            native,
            site,
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

    fn render(
        &self,
        template: &str,
        page: PageView,
        name: &str,
        value: impl serde::Serialize,
    ) -> Result<String, String> {
        let mut ctx = Context::new();
        ctx.insert("site", &self.site);
        ctx.insert("page", &page);
        if !name.is_empty() {
            ctx.insert(name, &value);
        }
        self.tera
            .render(template, &ctx)
            .map_err(|e| format!("渲染 {template} 失败：{}", error_chain(&e)))
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
        PageView {
            title: title.into(),
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
        match &self.skeletons {
            Some(sk) => sk.report_page(&self.site.title, view, page, |v, p| {
                self.render("report.html", p, "report", v)
            }),
            None => self.render("report.html", page, "report", view),
        }
    }

    /// The same renderer printing every page through Tera, even where a cut page or the
    /// native index pages would do (for tests).
    #[doc(hidden)]
    pub fn tera_only(&self) -> Renderer {
        Renderer {
            skeletons: None,
            native: None,
            tera: self.tera.clone(),
            site: self.site.clone(),
            base: self.base.clone(),
            base_url: self.base_url.clone(),
            inject_html: self.inject_html.clone(),
            fingerprint: self.fingerprint,
        }
    }

    /// The report page through Tera, even where a cut page would do (for tests).
    #[doc(hidden)]
    pub fn report_page_with_tera(&self, r: &Report, agency: &str) -> Result<String, String> {
        self.tera_only().report_page(r, agency)
    }

    /// An index page: `content` (the native content block) inside the cut `base.html` when the
    /// templates are the built-in ones, else `template` through Tera.
    fn index_page<V: serde::Serialize>(
        &self,
        template: &str,
        page: PageView,
        name: &str,
        view: V,
        content: impl FnOnce(&SiteView, &V) -> String,
    ) -> Result<String, String> {
        match &self.native {
            Some(frames) => {
                let content = content(&self.site, &view);
                frames.page(&self.site, page, &content, |p| {
                    self.render(native::FRAME_TEMPLATE, p, "", ())
                })
            }
            None => self.render(template, page, name, view),
        }
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
        self.index_page(
            "index.html",
            self.page(self.site.title.clone(), "", vec![]),
            "home",
            view,
            native::home,
        )
    }

    pub fn agencies(&self, index: &Index) -> Result<String, String> {
        let mut groups: Vec<RegionGroup> = Vec::new();
        // Region → its group's place: a national site has thousands of regions.
        let mut place: std::collections::HashMap<&str, usize> = Default::default();
        for (a, v) in &index.by_agency {
            let region = a.region.as_deref().unwrap_or_default();
            let link = self.agency_link(a, v);
            match place.get(region) {
                Some(&i) => groups[i].agencies.push(link),
                None => {
                    place.insert(region, groups.len());
                    groups.push(RegionGroup {
                        region: region.to_string(),
                        agencies: vec![link],
                    });
                }
            }
        }
        // Named regions first, in order of first appearance; agencies without one last.
        groups.sort_by_key(|g| g.region.is_empty());
        let view = AgenciesView {
            count: index.by_agency.len(),
            groups,
        };
        self.index_page(
            "agencies.html",
            self.page("按机关浏览", "agencies/", vec![("按机关浏览".into(), None)]),
            "agencies",
            view,
            |_, v| native::agencies(v),
        )
    }

    pub fn agency(&self, a: &Agency, reports: &[Arc<Facts>]) -> Result<String, String> {
        let kind = match a.kind {
            AgencyKind::Government => "人民政府",
            AgencyKind::Department => "政府部门",
            AgencyKind::Township => "乡镇（街道）",
            AgencyKind::Other => "其他",
        };
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
            reports: reports.iter().map(|s| self.link(s)).collect(),
        };
        let path = format!("{}/", a.slug);
        self.index_page(
            "agency.html",
            self.page(a.name.clone(), &path, vec![(a.name.clone(), None)]),
            "agency",
            view,
            native::agency,
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
        self.index_page(
            "years.html",
            self.page("按年度浏览", "years/", vec![("按年度浏览".into(), None)]),
            "years",
            view,
            |_, v| native::years(v),
        )
    }

    pub fn year(&self, year: u16, reports: &[Arc<Facts>]) -> Result<String, String> {
        let view = YearView {
            year,
            reports: reports.iter().map(|s| self.link(s)).collect(),
            totals: Index::totals(reports).into(),
        };
        let crumbs = vec![
            ("按年度浏览".into(), Some(self.url("years/"))),
            (format!("{year} 年度"), None),
        ];
        self.index_page(
            "year.html",
            self.page(
                format!("{year} 年度报告"),
                &format!("years/{year}/"),
                crumbs,
            ),
            "year",
            view,
            native::year,
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
