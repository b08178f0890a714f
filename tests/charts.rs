//! The key-figures charts of agency and region pages: every value a chart's `<desc>` states is
//! the cell of the key-figures table on the same page (on a region page, of its roll-ups), a year
//! with no report is a gap (never a zero), and a chart is plain inline SVG (no script, no font of
//! its own).

use std::collections::BTreeMap;
use std::path::Path;

use nianbao::build::{self, BuildOptions, Outcome};
use nianbao::render::view::FIGURE_LABELS;
use nianbao::site::LoadOptions;
use scraper::{ElementRef, Html, Selector};

mod common;

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect()
}

fn build_site(root: &Path) -> std::path::PathBuf {
    let out = root.join("public");
    let opts = BuildOptions {
        output: Some(out.clone()),
        ..Default::default()
    };
    match build::build(root, LoadOptions::default(), &opts).unwrap() {
        Outcome::Built(..) => out,
        Outcome::Invalid(site) => panic!("{:#?}", site.diagnostics),
    }
}

/// The agency pages of a built site: `<slug>/index.html` of every content folder.
fn agency_pages(root: &Path, out: &Path) -> Vec<(String, Html)> {
    let mut pages = Vec::new();
    for e in std::fs::read_dir(root.join("content")).unwrap() {
        let slug = e.unwrap().file_name().to_string_lossy().to_string();
        let page = out.join(&slug).join("index.html");
        if page.is_file() {
            let html = Html::parse_document(&std::fs::read_to_string(page).unwrap());
            pages.push((slug, html));
        }
    }
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    pages
}

/// The region pages of a built site: `regions/<slug>/index.html`.
fn region_pages(out: &Path) -> Vec<(String, Html)> {
    let mut pages = Vec::new();
    for e in std::fs::read_dir(out.join("regions")).unwrap() {
        let e = e.unwrap();
        let page = e.path().join("index.html");
        if e.path().is_dir() && page.is_file() {
            let html = Html::parse_document(&std::fs::read_to_string(page).unwrap());
            pages.push((e.file_name().to_string_lossy().to_string(), html));
        }
    }
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    pages
}

/// The key-figures table: year → its six figures as printed; `None` for a roll-up that sums no
/// report (its second column says 0 份), which the chart shows as a gap.
fn table_of(page: &Html) -> BTreeMap<u16, Option<Vec<String>>> {
    page.select(&sel("table.figures tbody tr"))
        .map(|tr| {
            let head = text(tr.select(&sel("th")).next().unwrap());
            let year: u16 = head[..4].parse().unwrap();
            let note = text(tr.select(&sel("td")).next().unwrap());
            let cells: Vec<String> = tr.select(&sel("td")).skip(1).map(text).collect();
            (year, (note != "0 份").then_some(cells))
        })
        .collect()
}

/// What a chart's description states: year → value, `None` for 无报告.
fn described(desc: &str) -> BTreeMap<u16, Option<String>> {
    let values = desc.split('（').next().unwrap();
    values
        .split('，')
        .map(|item| {
            let (year, rest) = item.split_once(" 年").unwrap();
            let value = rest.trim();
            (
                year.parse().unwrap(),
                (value != "无报告").then(|| value.to_string()),
            )
        })
        .collect()
}

/// Checks every chart of an agency or region page against its table; returns the years charted.
fn check_page(slug: &str, page: &Html) -> Vec<u16> {
    let table = table_of(page);
    assert!(!table.is_empty(), "{slug}: no key figures");
    let figure = page
        .select(&sel("figure.chart"))
        .next()
        .unwrap_or_else(|| panic!("{slug}: no chart"));
    // The chart names the table holding its data, and the link leads to it.
    let link = figure.select(&sel("figcaption a")).next().unwrap();
    let target = link.value().attr("href").unwrap().trim_start_matches('#');
    let caption = page.select(&sel(&format!("#{target}"))).next().unwrap();
    assert!(
        text(caption).starts_with(text(link).trim_matches(['“', '”', '表'])),
        "{slug}"
    );
    let charts: Vec<_> = figure.select(&sel("svg[role=img]")).collect();
    assert_eq!(charts.len(), FIGURE_LABELS.len(), "{slug}");
    let (first, last) = (
        *table.keys().next().unwrap(),
        *table.keys().next_back().unwrap(),
    );
    for (k, (svg, label)) in charts.iter().zip(FIGURE_LABELS).enumerate() {
        let title = text(svg.select(&sel("title")).next().unwrap());
        assert!(title.ends_with(label), "{slug}: {title} is not {label}");
        let desc = text(svg.select(&sel("desc")).next().unwrap());
        assert!(desc.contains("数据见本页"), "{slug}: {desc}");
        let stated = described(&desc);
        // Oldest to newest, every year between, each as the table has it.
        assert_eq!(
            stated.keys().copied().collect::<Vec<_>>(),
            (first..=last).collect::<Vec<_>>(),
            "{slug}: {desc}"
        );
        for (year, value) in &stated {
            assert_eq!(
                value.as_ref(),
                table
                    .get(year)
                    .and_then(|cells| cells.as_ref())
                    .map(|c| &c[k]),
                "{slug} {year} {label}: {desc}"
            );
        }
        // Named and described by its own title and description.
        for (attr, child) in [("aria-labelledby", "title"), ("aria-describedby", "desc")] {
            let id = svg.value().attr(attr).unwrap();
            let el = svg.select(&sel(child)).next().unwrap();
            assert_eq!(el.value().id(), Some(id), "{slug}");
        }
        // One marker per year with a report, in a line broken only by the gaps.
        let marks = svg
            .select(&sel("path.chart-mark"))
            .next()
            .map_or(0, |p| p.value().attr("d").unwrap().matches("h0").count());
        assert_eq!(
            marks,
            table.values().filter(|c| c.is_some()).count(),
            "{slug} {label}"
        );
    }
    let html = figure.html();
    for never in ["<script", "@font-face", "<foreignObject", "url("] {
        assert!(!html.contains(never), "{slug}: {never}");
    }
    (first..=last).collect()
}

#[test]
fn every_value_a_chart_states_is_the_cell_of_the_table_beside_it() {
    let t = common::sample_site();
    let out = build_site(t.path());
    let pages = agency_pages(t.path(), &out);
    assert!(pages.len() >= 8, "{} agency pages", pages.len());
    for (slug, page) in &pages {
        check_page(slug, page);
    }
}

#[test]
fn a_year_without_a_report_is_a_gap_in_the_chart_not_a_zero() {
    let t = common::sample_site();
    std::fs::remove_file(t.path().join("content/shilixian-fagaiju/2021.md")).unwrap();
    let out = build_site(t.path());
    let pages = agency_pages(t.path(), &out);
    let (slug, page) = pages
        .iter()
        .find(|(s, _)| s == "shilixian-fagaiju")
        .unwrap();
    assert_eq!(check_page(slug, page), (2019..=2024).collect::<Vec<_>>());
    let svg = page.select(&sel("figure.chart svg")).next().unwrap();
    assert!(text(svg.select(&sel("desc")).next().unwrap()).contains("2021 年无报告"));
    // The line is two pieces, 2019–2020 and 2022–2024, with 无 where 2021 would be.
    let d = svg
        .select(&sel("path.chart-line"))
        .next()
        .unwrap()
        .value()
        .attr("d")
        .unwrap()
        .to_string();
    assert_eq!(
        (d.matches('M').count(), d.matches('L').count()),
        (2, 3),
        "{d}"
    );
    assert!(svg.select(&sel("text")).any(|e| text(e) == "无"));
    let caption = text(page.select(&sel("figure.chart figcaption")).next().unwrap());
    assert!(caption.contains("空缺"), "{caption}");
}

#[test]
fn a_region_page_charts_its_roll_ups_as_the_table_beside_it_says() {
    let t = common::sample_site();
    let out = build_site(t.path());
    let pages = region_pages(&out);
    assert!(pages.len() >= 7, "{} region pages", pages.len());
    for (slug, page) in &pages {
        let years = check_page(slug, page);
        // The table caption the chart points to is the region's.
        let h1 = text(page.select(&sel("h1")).next().unwrap());
        let caption = text(page.select(&sel("figure.chart figcaption")).next().unwrap());
        assert!(caption.starts_with(&h1), "{slug}: {caption}");
        // Each value of 新收申请 is that of the roll-up's data, a gap where it sums no report.
        let svg = page.select(&sel("figure.chart svg")).next().unwrap();
        let stated = described(&text(svg.select(&sel("desc")).next().unwrap()));
        for year in years {
            let file = out.join(format!("regions/{slug}/{year}/rollup.json"));
            let want = std::fs::read(&file).ok().and_then(|b| {
                let r: serde_json::Value = serde_json::from_slice(&b).unwrap();
                let summed = !r["reports"].as_array().unwrap().is_empty();
                summed.then(|| r["applications"]["new"][6].to_string())
            });
            assert_eq!(stated[&year], want, "{slug} {year}");
        }
    }
    // 汤原县's only agency has not published its 2021 report: a gap, not a zero.
    let (_, page) = pages.iter().find(|(s, _)| s == "tangyuan").unwrap();
    let desc = text(page.select(&sel("figure.chart svg desc")).next().unwrap());
    assert!(desc.contains("2021 年无报告"), "{desc}");
    let caption = text(page.select(&sel("figure.chart figcaption")).next().unwrap());
    assert!(caption.contains("空缺"), "{caption}");
}
