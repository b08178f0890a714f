//! `nianbao build` on the sample site and on small fixture sites: snapshots of `<main>`, the
//! `headers` of table 三 against the edition definition, atomicity, determinism, security.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use nianbao::format::{AppRowKind, FormatDef, TableId};

mod common;

fn build(root: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("nianbao")
        .unwrap()
        .arg("--root")
        .arg(root)
        .arg("build")
        .arg("--output")
        .arg(out)
        .args(extra)
        .assert()
}

/// Every file of a folder with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e.path().strip_prefix(dir).unwrap().display().to_string();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn main_of(html: &str) -> String {
    let start = html.find("<main").expect("main");
    let end = html.find("</main>").expect("/main") + "</main>".len();
    html[start..end].to_string()
}

fn built_sample() -> (tempfile::TempDir, PathBuf) {
    let t = common::sample_site();
    let out = t.path().join("public");
    build(
        t.path(),
        &out,
        &["--base-url", "https://www.example.gov.cn/zfxxgk/ndbg/"],
    )
    .success();
    (t, out)
}

#[test]
fn report_main_snapshots_both_editions_and_an_index_page() {
    let (_t, out) = built_sample();
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    insta::assert_snapshot!(
        "report_2019_edition_main",
        main_of(&read("shilixian-zhengfu/2020/index.html"))
    );
    insta::assert_snapshot!(
        "report_2021_edition_main",
        main_of(&read("shilixian-zhengfu/2023/index.html"))
    );
    insta::assert_snapshot!("year_2023_main", main_of(&read("years/2023/index.html")));
}

/// The summary counts warnings as check does: the sample's explained W103 (notes) are not
/// among them (check: 6 warnings, 4 explained).
#[test]
fn build_summary_counts_warnings_not_explained_ones() {
    let t = common::sample_site();
    let out = t.path().join("public");
    let done = build(t.path(), &out, &[]).success();
    let stdout = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    assert!(stdout.contains("，6 个警告，"), "{stdout}");
}

#[test]
fn page_shell_has_landmarks_skip_link_breadcrumb_and_footer() {
    let (_t, out) = built_sample();
    let html = std::fs::read_to_string(out.join("shilixian-zhengfu/2023/index.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert_eq!(html.matches("<h1>").count(), 1);
    for needle in [
        "<a class=\"skip-link\" href=\"#main\">",
        "<header",
        "<main id=\"main\"",
        "<footer",
        "aria-label=\"当前位置\"",
        "主办单位：",
        "网站标识码：",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    // One script, the theme's text-size control; no live-reload script outside serve.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains(THEME_SCRIPT), "{html}");
    assert!(html.contains("class=\"text-size\" role=\"group\" aria-label=\"字号\" hidden"));
}

/// The theme's one script tag, under the sample's sub-path.
const THEME_SCRIPT: &str = "<script src=\"/zfxxgk/ndbg/assets/nianbao.js\" defer></script>";
/// The search page's own script.
const SEARCH_SCRIPT: &str = "<script src=\"/zfxxgk/ndbg/assets/search.js\" defer></script>";

/// The labels a data cell of table 三 must be announced with, from the edition definition.
fn expected_labels(f: &FormatDef, path: &str, col: usize) -> Vec<String> {
    let mut labels = Vec::new();
    let mut prefix = String::new();
    for part in path.split('.') {
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(part);
        labels.push(f.app_row(&prefix).unwrap().label.to_string());
    }
    let t = &f.applications;
    labels.push(t.applicant_header.to_string());
    match col {
        0 => labels.push(t.columns[0].to_string()),
        1..=5 => {
            labels.push(t.legal_person_header.to_string());
            labels.push(t.columns[col].to_string());
        }
        _ => labels.push(t.total_label.to_string()),
    }
    labels
}

#[test]
fn every_cell_of_table_three_has_headers_resolving_to_its_row_and_column_labels() {
    let (_t, out) = built_sample();
    let pages = [
        ("shilixian-zhengfu/2020/index.html", 2019),
        ("shilixian-zhengfu/2023/index.html", 2021),
    ];
    for (page, id) in pages {
        let f = FormatDef::by_id(id).unwrap();
        let html = scraper::Html::parse_document(&std::fs::read_to_string(out.join(page)).unwrap());
        let th = scraper::Selector::parse("#t3 th[id]").unwrap();
        let text: BTreeMap<String, String> = html
            .select(&th)
            .map(|e| {
                (
                    e.value().id().unwrap().to_string(),
                    e.text().collect::<String>(),
                )
            })
            .collect();
        let rows = scraper::Selector::parse("#t3 tbody tr").unwrap();
        let td = scraper::Selector::parse("td").unwrap();
        let value_rows: Vec<_> = f
            .applications
            .rows
            .iter()
            .filter(|r| r.kind != AppRowKind::Group)
            .collect();
        let trs: Vec<_> = html.select(&rows).collect();
        assert_eq!(trs.len(), value_rows.len(), "{page}");
        for (tr, def) in trs.iter().zip(&value_rows) {
            let cells: Vec<_> = tr.select(&td).collect();
            assert_eq!(cells.len(), 7, "{}", def.path);
            for (col, cell) in cells.iter().enumerate() {
                let headers = cell
                    .value()
                    .attr("headers")
                    .expect("headers on every data cell");
                let got: Vec<String> = headers
                    .split(' ')
                    .map(|id| {
                        text.get(id)
                            .cloned()
                            .unwrap_or_else(|| panic!("dangling id {id}"))
                    })
                    .collect();
                assert_eq!(
                    got,
                    expected_labels(f, def.path, col),
                    "{page} {} col {col}",
                    def.path
                );
                assert!(
                    !cell.text().collect::<String>().trim().is_empty(),
                    "blank cell"
                );
            }
        }
    }
}

#[test]
fn every_data_cell_of_every_official_table_has_resolvable_headers() {
    let (_t, out) = built_sample();
    let page = std::fs::read_to_string(out.join("tangyuan-shequ-ban/2020/index.html")).unwrap();
    let html = scraper::Html::parse_document(&page);
    let tables = scraper::Selector::parse("table.official").unwrap();
    let td = scraper::Selector::parse("td[headers]").unwrap();
    let mut seen = BTreeMap::new();
    for table in html.select(&tables) {
        let class = table.value().attr("class").unwrap().to_string();
        assert!(table.select(&td).count() > 0, "{class}");
        for cell in table.select(&td) {
            // Every id names a header cell of the same table.
            for id in cell.value().attr("headers").unwrap().split(' ') {
                let sel = scraper::Selector::parse(&format!("th#{id}")).unwrap();
                assert_eq!(table.select(&sel).count(), 1, "{class} {id}");
            }
            // The real report is all zeros: printed as 0, never blank.
            assert_eq!(cell.text().collect::<String>(), "0");
        }
        *seen.entry(class).or_insert(0) += 1;
    }
    // Table 二 of the 2019 edition is five tables, one per block.
    assert_eq!(seen["official t2"], 5);
    assert_eq!((seen["official t3"], seen["official t4"]), (1, 1));
    // Table 四: 15 cells in one row under three header rows.
    let t4 = scraper::Selector::parse("#t4 tbody td").unwrap();
    assert_eq!(html.select(&t4).count(), 15);
    let t4_head = scraper::Selector::parse("#t4 thead tr").unwrap();
    assert_eq!(html.select(&t4_head).count(), 3);
}

/// The text of the header cells a data cell names, in order.
fn header_texts(table: scraper::ElementRef, cell: scraper::ElementRef) -> Vec<String> {
    cell.value()
        .attr("headers")
        .unwrap()
        .split(' ')
        .map(|id| {
            let sel = scraper::Selector::parse(&format!("th#{id}")).unwrap();
            let th = table
                .select(&sel)
                .next()
                .unwrap_or_else(|| panic!("dangling id {id}"));
            th.text().collect::<String>()
        })
        .collect()
}

#[test]
fn table_two_is_one_captioned_table_per_block_with_no_header_spanning_it() {
    let (_t, out) = built_sample();
    for (page, id) in [
        ("shilixian-zhengfu/2020/index.html", 2019),
        ("shilixian-zhengfu/2023/index.html", 2021),
    ] {
        let f = FormatDef::by_id(id).unwrap();
        let html = scraper::Html::parse_document(&std::fs::read_to_string(out.join(page)).unwrap());
        let sel = |s: &str| scraper::Selector::parse(s).unwrap();
        let tables: Vec<_> = html.select(&sel("#s2 table.official")).collect();
        assert_eq!(tables.len(), f.active.blocks.len(), "{page}");
        // The set is named by the table's title with its unit, which describes every block.
        let title = html.select(&sel("#s2 #t2-title")).next().unwrap();
        assert_eq!(
            title.text().collect::<String>(),
            format!(
                "{}（{}）",
                f.table_section(TableId::Active).heading(),
                f.active.unit
            )
        );
        for (table, block) in tables.iter().zip(f.active.blocks) {
            assert_eq!(table.value().attr("aria-describedby"), Some("t2-title"));
            let caption = table.select(&sel("caption")).next().unwrap();
            assert_eq!(caption.text().collect::<String>(), block.title, "{page}");
            // A header cell spanning every column would pass for a caption.
            for th in table.select(&sel("th")) {
                assert_eq!(th.value().attr("colspan"), None, "{page} {}", block.title);
            }
            let rows: Vec<_> = table.select(&sel("tbody tr")).collect();
            assert_eq!(rows.len(), block.rows.len());
            for (tr, row) in rows.iter().zip(block.rows) {
                let cells: Vec<_> = tr.select(&sel("td")).collect();
                assert_eq!(cells.len(), block.columns.len());
                for (cell, col) in cells.iter().zip(block.columns) {
                    assert_eq!(
                        header_texts(*table, *cell),
                        vec![row.label.to_string(), col.header()],
                        "{page} {}",
                        row.key
                    );
                }
            }
        }
    }
}

#[test]
fn table_three_corner_is_empty_and_its_note_describes_the_table_from_outside() {
    let (_t, out) = built_sample();
    let page = std::fs::read_to_string(out.join("shilixian-zhengfu/2023/index.html")).unwrap();
    let html = scraper::Html::parse_document(&page);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let f = FormatDef::by_id(2021).unwrap();
    let table = html.select(&sel("table#t3")).next().unwrap();
    let note_id = table.value().attr("aria-describedby").unwrap();
    let note = html.select(&sel(&format!("#{note_id}"))).next().unwrap();
    assert_eq!(note.text().collect::<String>(), f.applications.note);
    assert!(
        table.select(&sel(&format!("#{note_id}"))).next().is_none(),
        "the note is outside the grid"
    );
    // The corner is an empty cell; the stylesheet shows the note in it.
    let corner = table.select(&sel("thead td")).next().unwrap();
    assert_eq!(corner.text().collect::<String>(), "");
    assert_eq!(corner.value().attr("data-note"), Some(f.applications.note));
    assert_eq!(table.select(&sel("thead td")).count(), 1);
}

#[test]
fn two_builds_are_byte_identical() {
    let t = common::sample_site();
    build(t.path(), &t.path().join("a"), &[]).success();
    build(t.path(), &t.path().join("b"), &[]).success();
    let (a, b) = (tree(&t.path().join("a")), tree(&t.path().join("b")));
    assert!(a.len() > 100);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let t = common::sample_site();
    let out = t.path().join("public");
    build(t.path(), &out, &[]).success();
    let before = tree(&out);

    // Invalid content: exit 1, diagnostics, output untouched.
    let report = t.path().join("content/shilixian-zhengfu/2023.md");
    let good = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, good.replacen("agency:", "agnecy:", 1)).unwrap();
    build(t.path(), &out, &[])
        .code(1)
        .stderr(predicates::str::contains("N003"));
    assert_eq!(tree(&out), before);

    // A broken template: exit 2, output untouched, no staging folder left behind.
    std::fs::write(&report, good).unwrap();
    std::fs::create_dir_all(t.path().join("templates")).unwrap();
    std::fs::write(
        t.path().join("templates/report.html"),
        "{% extends \"base.html\" %}{% block content %}{{ report.nope | nofilter }}{% endblock content %}",
    )
    .unwrap();
    build(t.path(), &out, &[]).code(2);
    assert_eq!(tree(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".nianbao-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `href="…"` and `src="…"` values of a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    out
}

#[test]
fn internal_links_carry_the_sub_path_and_resolve() {
    let (_t, out) = built_sample();
    let files = tree(&out);
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for link in links(&html) {
            if link.starts_with("https://") || link.starts_with('#') || link.starts_with("mailto:")
            {
                continue;
            }
            let path = link
                .strip_prefix("/zfxxgk/ndbg/")
                .unwrap_or_else(|| panic!("{name}: {link} lacks the sub-path"));
            let path = path.split('#').next().unwrap();
            let file = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            assert!(files.contains_key(&file), "{name}: {link} → {file} missing");
        }
    }
}

#[test]
fn data_files_follow_the_spec() {
    let (_t, out) = built_sample();
    let read_json = |p: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join(p)).unwrap()).unwrap()
    };
    let json = read_json("shilixian-zhengfu/2023/report.json");
    for k in [
        "agency",
        "agency_slug",
        "year",
        "format",
        "published",
        "title",
        "active",
        "applications",
        "appeals",
        "processing_fees",
        "url",
    ] {
        assert!(json.get(k).is_some(), "{k}");
    }
    assert_eq!(json["format"], 2021);
    assert_eq!(
        json["url"],
        "https://www.example.gov.cn/zfxxgk/ndbg/shilixian-zhengfu/2023/"
    );
    assert_eq!(
        json["applications"]["results"]["total"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    assert_eq!(json["applications"]["new"].as_array().unwrap().len(), 7);
    let csv = std::fs::read_to_string(out.join("shilixian-zhengfu/2023/report.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}agency,year,table,row_key,row_label,column_label,value\n"));
    assert!(csv.contains(
        "示例县人民政府,2023,applications,results.withheld.state_secret,1.属于国家秘密,自然人,"
    ));
    let all = read_json("data/reports.json");
    // Every report but the draft.
    assert_eq!(all.as_array().unwrap().len(), 42);
    let all_csv = std::fs::read_to_string(out.join("data/reports.csv")).unwrap();
    assert_eq!(all_csv.matches("agency,year,table").count(), 1);
    for f in [
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "agencies/index.html",
        "years/index.html",
        "years/2023/index.html",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert!(
        !out.join("shilixian-jiaoyuju/2024").exists(),
        "drafts are left out"
    );
    // Every published report is in the feed, newest first; the one without a date comes last.
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert_eq!(atom.matches("<entry>").count(), 42);
    let dates: Vec<&str> = atom
        .split("<entry>")
        .skip(1)
        .map(|e| e.split("<published>").nth(1).map_or("", |d| &d[..10]))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| (!b.is_empty(), b).cmp(&(!a.is_empty(), a)));
    assert_eq!(dates, sorted);
    assert_eq!(dates.iter().filter(|d| d.is_empty()).count(), 1);
    let updated: Vec<&str> = atom
        .split("<entry>")
        .skip(1)
        .map(|e| &e.split("<updated>").nth(1).unwrap()[..10])
        .collect();
    assert!(updated.windows(2).all(|w| w[0] >= w[1]), "{updated:?}");
    assert!(atom
        .rsplit("<entry>")
        .next()
        .unwrap()
        .contains("tangyuan-shequ-ban/2020/"));
}

#[test]
fn hostile_content_is_inert() {
    let t = common::sample_site();
    let report = t.path().join("content/shilixian-zhengfu/2023.md");
    let text = std::fs::read_to_string(&report).unwrap();
    let text = text
        .replacen(
            "agency: 示例县人民政府",
            "agency: \"示例县<script>alert('a')</script>\\\"><img src=x onerror=alert(1)>\"",
            1,
        )
        .replacen(
            "## 一、总体情况\n",
            "## 一、总体情况\n\n<script>alert(1)</script>\n\n<img src=\"x\" onerror=\"alert(2)\">\n\n\
             [点我](javascript:alert(3)) <a href=\"jAvAsCrIpT:alert(4)\">x</a> \
             <iframe src=\"https://evil.example/\"></iframe>\n\n\
             <div style=\"background:url(javascript:alert(5))\" onclick=\"alert(6)\">y</div>\n",
            1,
        );
    std::fs::write(&report, text).unwrap();
    let out = t.path().join("public");
    build(t.path(), &out, &[]).success();
    let any = scraper::Selector::parse("*").unwrap();
    for (name, bytes) in tree(&out) {
        if !(name.ends_with(".html") || name.ends_with(".xml")) {
            continue; // data files carry the strings as data
        }
        let text = String::from_utf8_lossy(&bytes)
            .replace(THEME_SCRIPT, "")
            .replace(SEARCH_SCRIPT, "");
        // Hostile strings may appear as escaped text, never as markup.
        let lower = text.to_lowercase();
        for bad in ["<script", "<img src=x", "<iframe", "<a href=\"javascript"] {
            assert!(!lower.contains(bad), "{name} contains {bad}");
        }
        if !name.ends_with(".html") {
            continue;
        }
        let html = scraper::Html::parse_document(&text);
        for el in html.select(&any) {
            for (attr, value) in el.value().attrs() {
                assert!(
                    !attr.starts_with("on"),
                    "{name}: {attr} on <{}>",
                    el.value().name()
                );
                let v = value.trim().to_lowercase();
                assert!(!v.starts_with("javascript:"), "{name}: {attr}={value}");
                assert!(
                    !(attr == "style" && v.contains("url(")),
                    "{name}: style {value}"
                );
            }
        }
    }
}

/// Gives the county government of the sample site a name and a title full of markup.
fn hostile_agency_name(root: &Path) {
    let report = root.join("content/shilixian-zhengfu/2023.md");
    let text = std::fs::read_to_string(&report).unwrap().replacen(
        "agency: 示例县人民政府",
        "agency: \"示例县<b>&\\\"'人民政府\"\ntitle: \"A & B <i>\"",
        1,
    );
    std::fs::write(&report, text).unwrap();
}

/// The renderer of a loaded site, under a sub-path.
fn renderer(root: &Path, site: &nianbao::site::Site, inject: &str) -> nianbao::render::Renderer {
    nianbao::render::Renderer::new(
        root,
        &site.config,
        "https://e.gov.cn/a/",
        inject.to_string(),
    )
    .unwrap()
}

/// The index of a site's published reports (drafts aside), as a build makes it.
fn index_of(site: &nianbao::site::Site) -> nianbao::index::Index {
    let shown: Vec<_> = site.reports.iter().filter(|r| !r.draft).cloned().collect();
    nianbao::plan::site_index(site, &shown, None)
}

/// A report, whole, with its agency's name and the facts of its agency's report of the year
/// before.
type Whole = (
    std::sync::Arc<nianbao::report::Report>,
    String,
    Option<std::sync::Arc<nianbao::facts::Facts>>,
);

/// Every report of a site, whole.
fn whole_reports(root: &Path) -> Vec<Whole> {
    let inputs = nianbao::site::Inputs::load(root, Default::default(), true, None).unwrap();
    let site = inputs.assemble();
    site.reports
        .iter()
        .map(|f| {
            let report = inputs.report(&f.file).unwrap().report.clone().unwrap();
            let previous = site
                .reports
                .iter()
                .find(|p| p.slug == f.slug && p.year + 1 == f.year)
                .cloned();
            (report, site.agency(&f.slug).unwrap().name.clone(), previous)
        })
        .collect()
}

/// Every page of a site as the renderer gives it equals Tera's own rendering, twice (the first
/// page of a shape is rendered by Tera and cut, the next ones filled in).
fn assert_pages_equal_tera(root: &Path, inject: &str) {
    let site = nianbao::site::load(root, nianbao::site::LoadOptions::default()).unwrap();
    let index = index_of(&site);
    let cut = renderer(root, &site, inject);
    let tera = cut.tera_only();
    for _ in 0..2 {
        for (report, agency, previous) in &whole_reports(root) {
            let previous = previous.as_deref();
            assert_eq!(
                cut.report_page(report, agency, previous).unwrap(),
                tera.report_page(report, agency, previous).unwrap(),
                "{}",
                report.file
            );
        }
        assert_eq!(cut.home(&index), tera.home(&index));
        assert_eq!(cut.agencies(&index), tera.agencies(&index));
        assert_eq!(cut.years(&index), tera.years(&index));
        assert_eq!(cut.not_found(), tera.not_found());
        for (a, v) in &index.by_agency {
            assert_eq!(cut.agency(a, v), tera.agency(a, v), "{}", a.slug);
        }
        for (i, (y, _)) in index.by_year.iter().enumerate() {
            assert_eq!(
                cut.year(&index, i, false),
                tera.year(&index, i, false),
                "{y}"
            );
            // Rendered again with the rows of the last rendering kept: the same page.
            assert_eq!(
                cut.year(&index, i, true),
                tera.year(&index, i, false),
                "{y}"
            );
            assert_eq!(
                cut.year(&index, i, true),
                tera.year(&index, i, false),
                "{y}"
            );
        }
        assert_eq!(cut.regions(&index), tera.regions(&index));
        for (i, r) in index.regions.regions().iter().enumerate() {
            assert_eq!(cut.region(&index, i), tera.region(&index, i), "{}", r.slug);
        }
        for (k, r) in index.rollups.iter().enumerate() {
            if r.slug.is_some() {
                let page = cut.region_year(&index, k);
                assert_eq!(page, tera.region_year(&index, k), "{:?} {}", r.slug, r.year);
            }
        }
    }
}

#[test]
fn cut_pages_equal_pages_rendered_by_tera() {
    let t = common::sample_site();
    // Names, regions and titles that must be escaped, in text and in attributes; an agency
    // without a region.
    hostile_agency_name(t.path());
    let index = t.path().join("content/shilixian-fagaiju/_index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("region:"))
        .map(|l| {
            if l.starts_with("name:") {
                "name: \"发改<局>&'\\\"\"\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&index, text).unwrap();
    for inject in ["", "<script>reload()</script>"] {
        assert_pages_equal_tera(t.path(), inject);
    }
}

/// A portal's own `base.html` (the natural place for its header) keeps pages on the fast path;
/// one that transforms page values is rendered by Tera, with the same result.
#[test]
fn an_overridden_base_template_is_cut_unless_it_transforms_page_values() {
    let t = common::sample_site();
    let base =
        std::fs::read_to_string(t.path().join("themes/default/templates/base.html")).unwrap();
    let own = format!("{{# 门户页头 #}}\n<!-- 某县政府门户 -->\n{base}");
    common::write(t.path(), "templates/base.html", &own);
    let site = nianbao::site::load(t.path(), Default::default()).unwrap();
    let r = renderer(t.path(), &site, "");
    for page in [
        "report.html",
        "index.html",
        "agency.html",
        "year.html",
        "agencies.html",
        "regions.html",
        "region.html",
        "region-year.html",
    ] {
        assert!(r.cuts(page), "{page}");
    }
    assert_pages_equal_tera(t.path(), "");

    let upper = own.replace("{{ page.head_title }}", "{{ page.head_title | upper }}");
    common::write(t.path(), "templates/base.html", upper);
    let r = renderer(t.path(), &site, "");
    assert!(!r.cuts("report.html"));
    assert_pages_equal_tera(t.path(), "");
}

#[test]
fn a_site_title_holding_a_cut_marker_is_rendered_by_tera() {
    let t = common::sample_site();
    let toml = t.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text = text.replacen("title = \"", "title = \"\u{E002}\u{E000}0\u{E001}", 1);
    std::fs::write(&toml, text).unwrap();
    let site = nianbao::site::load(t.path(), nianbao::site::LoadOptions::default()).unwrap();
    let index = index_of(&site);
    let r = renderer(t.path(), &site, "");
    let home = r.home(&index).unwrap();
    assert_eq!(home, r.tera_only().home(&index).unwrap());
    assert_eq!(home.matches("<main").count(), 1);
    let (report, agency, previous) = &whole_reports(t.path())[1];
    let previous = previous.as_deref();
    assert!(!r.cuts("report.html"));
    assert_eq!(
        r.report_page(report, agency, previous).unwrap(),
        r.tera_only().report_page(report, agency, previous).unwrap()
    );
}

#[test]
fn a_name_still_in_draft_stays_off_the_published_site() {
    let t = common::site("valid");
    let r = t.path();
    std::fs::remove_file(r.join(common::INDEX)).unwrap();
    let draft = common::read(r, common::R2021)
        .replacen("agency: 示例县测试局", "agency: 草稿中的新名称", 1)
        .replacen("year: 2021", "year: 2022", 1)
        .replacen("published: 2022-01-25", "draft: true", 1);
    common::write(r, "content/demo-ju/2022.md", draft);
    let out = r.join("public");
    build(r, &out, &[]).success();
    for (name, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("草稿中的新名称"), "{name}");
    }
    let agency = std::fs::read_to_string(out.join("demo-ju/index.html")).unwrap();
    assert!(agency.contains("示例县测试局"));
    // With drafts the draft's page shows, under the agency's published name.
    build(r, &out, &["--drafts"]).success();
    assert!(out.join("demo-ju/2022/index.html").is_file());
}

#[test]
fn attachments_never_replace_generated_files() {
    let t = common::site("valid");
    let r = t.path();
    common::write(r, "content/demo-ju/签章版.pdf", "%PDF-1.4");
    common::write(r, "content/demo-ju/index.html", "attachment");
    common::write(r, "content/demo-ju/2021/report.json", "attachment");
    let out = r.join("public");
    let done = build(r, &out, &[]).success();
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
    assert_eq!(
        std::fs::read(out.join("demo-ju/签章版.pdf")).unwrap(),
        b"%PDF-1.4"
    );
    let page = std::fs::read_to_string(out.join("demo-ju/index.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    let json = std::fs::read_to_string(out.join("demo-ju/2021/report.json")).unwrap();
    assert!(json.starts_with('{'), "{json}");
    for f in [
        "content/demo-ju/index.html",
        "content/demo-ju/2021/report.json",
    ] {
        assert!(
            stderr.contains(&format!("warning: 已忽略 {f}")),
            "{f}: {stderr}"
        );
    }
}

#[test]
fn a_good_build_prints_its_warnings_and_the_files_it_ignored() {
    let t = common::site("valid");
    let r = t.path();
    common::replace(r, common::R2021, "published: 2022-01-25\n", "");
    common::write(r, "content/demo-ju/2021.md~", "backup");
    let done = build(r, &r.join("public"), &[]).success();
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
    assert!(stderr.contains("warning[W008]"), "{stderr}");
    assert!(stderr.contains("content/demo-ju/2021.md:1:1"), "{stderr}");
    assert!(
        stderr.contains("warning: 已忽略 content/demo-ju/2021.md~"),
        "{stderr}"
    );
    assert!(!stderr.contains("base_url"), "{stderr}");
    // The site lives under /ndbg/, where crawlers never look for robots.txt: said.
    assert!(
        stderr.contains("不会读取生成的 /ndbg/robots.txt"),
        "{stderr}"
    );
    let done = build(r, &r.join("public"), &["--base-url", "https://e.gov.cn/"]).success();
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
    assert!(!stderr.contains("robots.txt"), "{stderr}");
    // A bare path works for the pages, not for the sitemap: said, not refused.
    let done = build(r, &r.join("public"), &["--base-url", "/ndbg/"]).success();
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
    assert!(
        stderr.contains("base_url（/ndbg/）不是完整网址"),
        "{stderr}"
    );
}

// --- Hardening (issue 11) ---

/// Names of the entries of a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[cfg(unix)]
#[test]
fn symlinked_folders_leading_out_of_the_site_are_not_followed() {
    use std::os::unix::fs::symlink;
    let t = common::site("valid");
    let r = t.path();
    let outside = tempfile::tempdir().unwrap();
    common::write(outside.path(), "shadow", "SECRET-FILE");
    common::write(outside.path(), "base.html", "SECRET-TEMPLATE");
    common::write(outside.path(), "assets/nianbao.css", "SECRET-CSS");
    std::fs::create_dir_all(r.join("themes/default")).unwrap();
    symlink(outside.path(), r.join("static")).unwrap();
    symlink(outside.path(), r.join("templates")).unwrap();
    symlink(outside.path(), r.join("themes/default/static")).unwrap();
    let out = r.join("public");
    let done = build(r, &out, &[]).success();
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
    for (name, bytes) in tree(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("SECRET"),
            "{name} comes from outside the site"
        );
    }
    assert!(!out.join("shadow").exists());
    for link in ["static/", "templates/", "themes/default/static/"] {
        assert!(
            stderr.contains(&format!("warning: 已忽略 {link}（符号链接指向站点之外")),
            "{link}: {stderr}"
        );
    }

    // A link that stays inside the site is followed.
    std::fs::remove_file(r.join("static")).unwrap();
    common::write(r, "shared/logo.txt", "LOGO");
    symlink(r.join("shared"), r.join("static")).unwrap();
    build(r, &out, &[]).success();
    assert_eq!(
        std::fs::read_to_string(out.join("logo.txt")).unwrap(),
        "LOGO"
    );

    // content/ leading out: no report of it is published.
    let content = tempfile::tempdir().unwrap();
    common::copy_dir(&r.join("content"), content.path());
    std::fs::remove_dir_all(r.join("content")).unwrap();
    symlink(content.path(), r.join("content")).unwrap();
    let done = build(r, &out, &[]).success();
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
    assert!(
        stderr.contains("已忽略 content/（符号链接指向站点之外"),
        "{stderr}"
    );
    assert!(!out.join("demo-ju").exists());
}

#[test]
fn an_output_that_is_a_file_a_site_or_a_foreign_folder_is_refused() {
    let t = common::site("valid");
    let r = t.path();
    let config = common::read(r, "site.toml");
    // A file: refused before anything is written, even with --force.
    for extra in [&[][..], &["--force"]] {
        let done = build(r, &r.join("site.toml"), extra).code(2);
        let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
        assert!(stderr.contains("是文件"), "{stderr}");
        assert_eq!(common::read(r, "site.toml"), config);
        assert_eq!(names(r), ["content", "site.toml"]);
    }
    // A folder holding a site.
    let other = common::site("valid");
    build(r, other.path(), &["--force"]).code(2);
    assert!(other.path().join("site.toml").is_file());
    // A folder no build made: its files stay unless --force.
    let foreign = tempfile::tempdir().unwrap();
    let out = foreign.path().join("www");
    common::write(&out, "important.doc", "keep me");
    let done = build(r, &out, &[]).code(2);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
    assert!(
        stderr.contains("important.doc") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(names(&out), ["important.doc"]);
    assert_eq!(names(foreign.path()), ["www"], "nothing left beside");
    build(r, &out, &["--force"]).success();
    assert!(!out.join("important.doc").exists());
    // From then on it is a build of ours, marked by its manifest, which nothing links.
    let manifest = common::read(&out, nianbao::output::MANIFEST);
    assert!(manifest.contains("\ndemo-ju/\n") && manifest.contains("\nindex.html\n"));
    build(r, &out, &[]).success();
    for (name, bytes) in tree(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(nianbao::output::MANIFEST),
            "{name} names the manifest"
        );
    }
    // Something added at its top level makes it foreign again.
    common::write(&out, "upload/a.php", "<?php");
    build(r, &out, &[]).code(2);
    assert!(out.join("upload/a.php").exists());
}

#[test]
fn staging_leftovers_of_a_killed_build_are_removed_by_the_next() {
    let t = common::sample_site();
    let r = t.path();
    let out = r.join("public");
    let staging = |pid: u32| r.join(format!(".nianbao-tmp-public-{pid}"));
    // A build killed while it writes (tried until the kill lands before it ends).
    let mut killed = None;
    for _ in 0..20 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .arg("--root")
            .arg(r)
            .args(["build", "--output"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        let caught = loop {
            if staging(pid).exists() {
                break child.kill().is_ok();
            }
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        };
        child.wait().unwrap();
        if caught && staging(pid).exists() {
            killed = Some(pid);
            break;
        }
    }
    // (Should the builds always be quicker than the kill, a folder left the same way.)
    let dead = killed.unwrap_or_else(|| {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        std::fs::create_dir_all(staging(child.id()).join("agencies")).unwrap();
        child.id()
    });
    // The old output moved aside by a build killed during the fallback swap.
    let old = r.join(format!(".nianbao-tmp-public-{dead}-old"));
    common::write(&old, "index.html", "old");
    // A build of a live process is left alone.
    let live = staging(std::process::id());
    std::fs::create_dir_all(&live).unwrap();
    build(r, &out, &[]).success();
    assert!(!staging(dead).exists() && !old.exists(), "{:?}", names(r));
    assert!(live.exists());
    assert!(out.join("index.html").is_file());
}

#[cfg(unix)]
#[test]
fn copied_files_get_ordinary_modes() {
    use std::os::unix::fs::PermissionsExt;
    let t = common::site("valid");
    let r = t.path();
    let set = |f: &str, mode: u32| {
        common::write(r, f, f);
        std::fs::set_permissions(r.join(f), std::fs::Permissions::from_mode(mode)).unwrap();
    };
    set("content/demo-ju/签章版.pdf", 0o4777);
    set("static/tool.sh", 0o6775);
    set("static/style.css", 0o666);
    let out = r.join("public");
    build(r, &out, &[]).success();
    let mode = |f: &str| std::fs::metadata(out.join(f)).unwrap().permissions().mode() & 0o7777;
    for (f, most) in [
        ("demo-ju/签章版.pdf", 0o755),
        ("tool.sh", 0o755),
        ("style.css", 0o644),
    ] {
        assert_eq!(mode(f) & !most, 0, "{f}: {:o}", mode(f));
        assert_ne!(mode(f) & 0o400, 0, "{f}: {:o}", mode(f));
    }
}

#[test]
fn csv_cells_never_start_a_formula_and_negative_numbers_stay() {
    let t = common::site("valid");
    let r = t.path();
    common::replace(
        r,
        common::R2020,
        "agency: 示例县测试局",
        "agency: '=HYPERLINK(\"http://evil.example/\",\"点击\")'",
    );
    let out = r.join("public");
    build(r, &out, &[]).success();
    let neutral = "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"点击\"\")\",2020,";
    for f in ["demo-ju/2020/report.csv", "data/reports.csv"] {
        let csv = common::read(&out, f);
        let lines: Vec<&str> = csv.lines().filter(|l| l.contains("HYPERLINK")).collect();
        assert!(!lines.is_empty(), "{f}");
        for l in &lines {
            assert!(l.starts_with(neutral), "{f}: {l}");
        }
        // 本年增/减 of 行政处罚 is -1: a number, not text.
        assert!(
            csv.contains(",active,penalty,行政处罚,本年增/减,-1\n"),
            "{f}"
        );
    }
}

/// formats.md: the generated fee sentence is left out where section 六 already states the fees.
#[test]
fn the_fee_sentence_is_not_repeated_after_the_authors_own() {
    let (_t, out) = built_sample();
    let page =
        std::fs::read_to_string(out.join("shilixian-ziranziyuanju/2022/index.html")).unwrap();
    assert!(page.contains("信息处理费"), "the author's sentence stays");
    assert!(!page.contains("<p class=\"fees\">"));
    let page = std::fs::read_to_string(out.join("shilixian-jiaoyuju/2023/index.html")).unwrap();
    assert_eq!(page.matches("<p class=\"fees\">").count(), 1);
}

#[test]
fn the_search_index_holds_the_published_reports_and_goes_with_search_off() {
    let (t, out) = built_sample();
    let files = tree(&out);
    assert!(files.contains_key("search/index.html"));
    assert!(files.contains_key("search/index/entry.json"));
    assert!(files.contains_key("assets/search.js"));
    let page = String::from_utf8_lossy(&files["index.html"]).into_owned();
    assert!(
        page.contains("role=\"search\"") && page.contains("action=\"/zfxxgk/ndbg/search/\""),
        "no search field in the header"
    );
    // Every published report has a record, and the index finds it; the draft has neither.
    let draft = "search/r/shilixian-jiaoyuju/2024.json";
    assert!(!files.contains_key(draft));
    assert!(files.contains_key("search/r/shilixian-jiaoyuju/2023.json"));
    let found = common::search(&out, "教育局");
    assert!(
        !found.is_empty() && !found.iter().any(|f| f == draft),
        "{found:?}"
    );
    assert!(
        found[0].starts_with("search/r/shilixian-jiaoyuju/"),
        "{found:?}"
    );
    assert!(common::search(&out, "从未出现过的词语组合").is_empty());

    // With --drafts the draft is indexed too.
    let with_drafts = t.path().join("with-drafts");
    build(t.path(), &with_drafts, &["--drafts"]).success();
    assert!(with_drafts.join(draft).is_file());
    assert!(common::search(&with_drafts, "教育局")
        .iter()
        .any(|f| f == draft));

    // `[search] enabled = false`: no page, no field, no index, no script.
    let toml = common::read(t.path(), "site.toml");
    common::write(
        t.path(),
        "site.toml",
        format!("{toml}\n[search]\nenabled = false\n"),
    );
    let off = t.path().join("off");
    build(t.path(), &off, &[]).success();
    let files = tree(&off);
    assert!(!files
        .keys()
        .any(|f| f.starts_with("search/") || f.ends_with("search.js")));
    assert!(!files.iter().any(
        |(f, b)| f.ends_with(".html") && String::from_utf8_lossy(b).contains("role=\"search\"")
    ));
}
