//! The index pages of the built-in theme, written without Tera.
//!
//! A national site has tens of thousands of agency pages and year pages of thousands of rows;
//! through Tera they cost about 40 000 instructions per table row. These functions print the
//! `content` block of the built-in `index.html`, `agencies.html`, `agency.html`, `years.html` and
//! `year.html` (and the `figures_head` macro) byte for byte; the page around it comes from
//! `base.html` through [`Frames`]. They are used only while the site overrides none of these
//! templates, and tests compare them with Tera's output on whole sites: a change to one of the
//! built-in templates must be made here too.

use std::fmt::Write;

use super::skeleton::{fill, page_fields, Cuts, PageShape, CONTENT};
use super::view::{
    AgenciesView, AgencyView, HomeView, PageView, ReportLink, SiteView, YearView, YearsView,
};
use crate::markdown::escape;

/// The templates written out here.
pub const TEMPLATES: &[&str] = &[
    "base.html",
    "macros.html",
    "index.html",
    "agencies.html",
    "agency.html",
    "years.html",
    "year.html",
];

/// The name of the internal template that renders `base.html` around a marker.
pub const FRAME_TEMPLATE: &str = "__nianbao_frame.html";
/// Its source.
pub const FRAME_SOURCE: &str =
    "{% extends \"base.html\" %}{% block content %}\u{E002}{% endblock content %}";
// FRAME_SOURCE spells the content marker out (a const &str cannot be built from a char).
const _: () = assert!(CONTENT == '\u{E002}');

/// `base.html` around a page's content, cut once per page shape.
#[derive(Default)]
pub struct Frames {
    cuts: Cuts<PageShape>,
}

impl Frames {
    /// The whole page: `render` gives [`FRAME_TEMPLATE`] through Tera for a page (once per
    /// shape, with markers for its fields).
    pub fn page(
        &self,
        site: &SiteView,
        page: PageView,
        content: &str,
        render: impl Fn(PageView) -> Result<String, String>,
    ) -> Result<String, String> {
        let shape = PageShape::of(&page, &site.title);
        let pieces = self.cuts.get(shape, || {
            let mut marked = page.clone();
            let n = shape.mark(&mut marked);
            Ok((render(marked)?, n))
        })?;
        let mut page = page;
        let mut values: Vec<(String, bool)> = Vec::new();
        page_fields(&mut page, &mut |s, html| {
            values.push((std::mem::take(s), html))
        });
        Ok(fill(&pieces, &values, content))
    }
}

/// `{{ x }}` with autoescape.
fn text(o: &mut String, s: &str) {
    o.push_str(&escape(s));
}

/// The `figures_head` macro.
fn figures_head(o: &mut String, site: &SiteView) {
    for l in &site.figure_labels {
        o.push_str("<th scope=\"col\" class=\"num\">");
        text(o, l);
        o.push_str("</th>");
    }
}

/// A row of the key-figures tables of `agency.html` and `year.html`, after its `<th>` text.
fn figures_row_end(o: &mut String, r: &ReportLink) {
    if r.draft {
        o.push_str("（草稿）");
    }
    o.push_str("</th><td>");
    if r.published.is_empty() {
        o.push_str("未注明");
    } else {
        text(o, &r.published);
    }
    o.push_str("</td>");
    for v in &r.figures.values {
        let _ = write!(o, "<td class=\"num\">{v}</td>");
    }
    o.push_str("</tr>");
}

/// The content block of `index.html`.
pub fn home(site: &SiteView, v: &HomeView) -> String {
    let mut o = String::with_capacity(256 + 160 * (v.newest_reports.len() + v.agencies.len()));
    o.push_str("\n<h1>");
    text(&mut o, &site.title);
    o.push_str("</h1>\n<p class=\"lead\">各机关依照《中华人民共和国政府信息公开条例》第四十九条、第五十条发布的政府信息公开工作年度报告。每份报告的表格均可下载为 JSON 或 CSV 数据。</p>\n");
    if let Some(y) = &v.newest_year {
        let _ = write!(
            o,
            "\n<section aria-labelledby=\"newest-title\">\n<h2 id=\"newest-title\">{} 年度报告</h2>\n<ul class=\"report-list\">",
            y.year
        );
        for r in &v.newest_reports {
            o.push_str("\n<li><a href=\"");
            text(&mut o, &r.url);
            o.push_str("\">");
            text(&mut o, &r.title);
            o.push_str("</a>");
            if r.draft {
                o.push_str("（草稿）");
            }
            if !r.published.is_empty() {
                o.push_str("<span class=\"date\">（");
                text(&mut o, &r.published);
                o.push_str(" 发布）</span>");
            }
            o.push_str("</li>");
        }
        o.push_str("\n</ul>\n<p><a href=\"");
        text(&mut o, &y.url);
        let _ = write!(o, "\">{} 年度各机关数据对比</a></p>\n</section>\n", y.year);
    }
    o.push_str("\n<section aria-labelledby=\"years-title\">\n<h2 id=\"years-title\">按年度浏览</h2>\n<ul class=\"year-list\">");
    year_items(&mut o, &v.years);
    o.push_str("\n</ul>\n</section>\n<section aria-labelledby=\"agencies-title\">\n<h2 id=\"agencies-title\">按机关浏览</h2>\n<ul class=\"agency-list\">");
    for a in &v.agencies {
        o.push_str("\n<li><a href=\"");
        text(&mut o, &a.url);
        o.push_str("\">");
        text(&mut o, &a.name);
        o.push_str("</a></li>");
    }
    o.push_str("\n</ul>\n</section>\n");
    o
}

/// The year list of `index.html` and `years.html`.
fn year_items(o: &mut String, years: &[super::view::YearLink]) {
    for y in years {
        o.push_str("\n<li><a href=\"");
        text(o, &y.url);
        let _ = write!(
            o,
            "\">{} 年度</a><span class=\"count\">（{} 份报告）</span></li>",
            y.year, y.count
        );
    }
}

/// The content block of `years.html`.
pub fn years(v: &YearsView) -> String {
    let mut o = String::from("\n<h1>按年度浏览</h1>\n<ul class=\"year-list\">");
    year_items(&mut o, &v.years);
    o.push_str("\n</ul>\n");
    o
}

/// The content block of `agencies.html`.
pub fn agencies(v: &AgenciesView) -> String {
    let mut o = String::with_capacity(
        256 + v
            .groups
            .iter()
            .map(|g| 400 * g.agencies.len())
            .sum::<usize>(),
    );
    let _ = write!(o, "\n<h1>按机关浏览</h1>\n<p>共 {} 个机关。</p>", v.count);
    for (i, g) in v.groups.iter().enumerate() {
        let n = i + 1;
        let _ = write!(
            o,
            "\n<section aria-labelledby=\"region-{n}\">\n<h2 id=\"region-{n}\">"
        );
        if g.region.is_empty() {
            o.push_str("其他地区");
        } else {
            text(&mut o, &g.region);
        }
        o.push_str("</h2>\n<ul class=\"agency-list\">");
        for a in &g.agencies {
            o.push_str("\n<li><a class=\"agency-name\" href=\"");
            text(&mut o, &a.url);
            o.push_str("\">");
            text(&mut o, &a.name);
            o.push_str("</a>\n<ul class=\"inline-years\" aria-label=\"");
            text(&mut o, &a.name);
            o.push_str("的年度报告\">");
            for y in &a.years {
                o.push_str("<li><a href=\"");
                text(&mut o, &y.url);
                o.push_str("\" aria-label=\"");
                text(&mut o, &a.name);
                let _ = write!(o, " {0} 年度报告\">{0}</a></li>", y.year);
            }
            o.push_str("</ul></li>");
        }
        o.push_str("\n</ul>\n</section>");
    }
    o.push('\n');
    o
}

/// The content block of `agency.html`.
pub fn agency(site: &SiteView, v: &AgencyView) -> String {
    let mut o = String::with_capacity(1024 + 400 * v.reports.len() + v.intro_html.len());
    o.push_str("\n<h1>");
    text(&mut o, &v.name);
    o.push_str("</h1>\n<dl class=\"meta\">\n");
    if !v.region.is_empty() {
        o.push_str("<div><dt>地区</dt><dd>");
        text(&mut o, &v.region);
        o.push_str("</dd></div>");
    }
    o.push_str("\n<div><dt>类型</dt><dd>");
    text(&mut o, &v.kind);
    let _ = write!(
        o,
        "</dd></div>\n<div><dt>报告</dt><dd>{} 份</dd></div>\n</dl>\n",
        v.reports.len()
    );
    if !v.intro_html.is_empty() {
        o.push_str("<section class=\"intro\" aria-labelledby=\"intro-title\">\n<h2 id=\"intro-title\">简介</h2>\n");
        o.push_str(&v.intro_html);
        o.push_str("</section>\n");
    }
    o.push_str("\n<h2 id=\"reports-title\">历年报告与主要数据</h2>\n<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"reports-caption\" tabindex=\"0\">\n<table class=\"figures\">\n<caption id=\"reports-caption\">");
    text(&mut o, &v.name);
    o.push_str("历年报告主要数据（单位：件）</caption>\n<thead><tr><th scope=\"col\">报告年度</th><th scope=\"col\">发布日期</th>");
    figures_head(&mut o, site);
    o.push_str("</tr></thead>\n<tbody>");
    for r in &v.reports {
        o.push_str("\n<tr><th scope=\"row\"><a href=\"");
        text(&mut o, &r.url);
        let _ = write!(o, "\">{} 年度报告</a>", r.year);
        figures_row_end(&mut o, r);
    }
    o.push_str("\n</tbody>\n</table>\n</div>\n");
    o
}

/// The content block of `year.html`.
pub fn year(site: &SiteView, v: &YearView) -> String {
    let mut o = String::with_capacity(1024 + 400 * v.reports.len());
    let _ = write!(
        o,
        "\n<h1>{0} 年度报告</h1>\n<p>共 {1} 份报告。</p>\n<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"year-caption\" tabindex=\"0\">\n<table class=\"figures\">\n<caption id=\"year-caption\">{0} 年度各机关主要数据对比（单位：件）</caption>\n<thead><tr><th scope=\"col\">机关</th><th scope=\"col\">发布日期</th>",
        v.year,
        v.reports.len()
    );
    figures_head(&mut o, site);
    o.push_str("</tr></thead>\n<tbody>");
    for r in &v.reports {
        o.push_str("\n<tr><th scope=\"row\"><a href=\"");
        text(&mut o, &r.url);
        o.push_str("\">");
        text(&mut o, &r.agency);
        o.push_str("</a>");
        figures_row_end(&mut o, r);
    }
    o.push_str("\n</tbody>\n<tfoot>\n<tr><th scope=\"row\">合计</th><td>—</td>");
    for t in &v.totals.values {
        let _ = write!(o, "<td class=\"num\">{t}</td>");
    }
    o.push_str("</tr>\n</tfoot>\n</table>\n</div>\n");
    o
}
