//! `nianbao import` and `nianbao check DOCUMENT` (import.md): the real sample report, Word, HTML
//! and text fixtures made here like the real thing, the never-guessing rules, hostile files, the
//! command's output and exit codes, and the round trip through the site's own pages.

mod common;

use std::path::Path;

use common::*;
use nianbao::import::{self, Kind, Options};
use nianbao::report::Report;
use nianbao::site::LoadOptions;
use nianbao::validate::{check_report, FileContext};

/// The sample as the portal published it (a copy of `shared/samples/`).
fn sample() -> Vec<u8> {
    std::fs::read(fixture("import/tangyuan-community-office-2020.txt")).unwrap()
}

/// Imports a document's bytes in memory.
fn import_bytes(kind: Kind, bytes: &[u8], opts: &Options) -> Result<import::Imported, String> {
    let doc = match kind {
        Kind::Word => import::read_docx(bytes)?,
        k => import::read_bytes(k, bytes),
    };
    import::convert(&doc, "fixture", opts)
}

/// The report model of a report file's text.
fn model(
    file: &str,
    slug: &str,
    text: &str,
) -> (Option<Report>, Vec<nianbao::diagnostic::Diagnostic>) {
    let ctx = FileContext {
        file,
        slug,
        this_year: LoadOptions::default().this_year,
    };
    check_report(&ctx, text)
}

/// Every figure of a report, totals computed where not written: what a reader of the page sees.
fn figures(r: &Report) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (_, row) in r.format.active_rows() {
        let v = r
            .active
            .get(row.key)
            .map(|v| v.iter().map(|n| n.to_string()).collect());
        out.push((format!("active.{}", row.key), v.unwrap_or_default()));
    }
    for def in r.format.applications.rows {
        if let Some(v) = r.application_row(def.path) {
            out.push((
                def.path.to_string(),
                v.iter().map(|n| n.to_string()).collect(),
            ));
        }
    }
    for g in r.format.appeals.groups {
        let v = r
            .appeals
            .get(g.key)
            .map(|a| a.with_total().iter().map(|n| n.to_string()).collect());
        out.push((format!("appeals.{}", g.key), v.unwrap_or_default()));
    }
    out
}

/// The text of a body section, whitespace aside.
fn section(r: &Report, numeral: &str) -> String {
    r.body
        .section(numeral)
        .map(|s| s.markdown.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[test]
fn the_sample_imports_as_the_hand_made_file() {
    let imported = import_bytes(Kind::Text, &sample(), &Options::default()).unwrap();
    assert_eq!(imported.agency, "汤原县社区建设指导委员会办公室");
    assert_eq!((imported.year, imported.format.id), (2020, 2019));
    let file = "content/tangyuan-shequ-ban/2020.md";
    let (mine, diags) = model(file, "tangyuan-shequ-ban", &imported.written.text);
    let mine = mine.expect("the import reads");
    assert!(
        diags.iter().all(|d| d.code.as_str() == "W008"),
        "{diags:#?}\n{}",
        imported.written.text
    );
    let hand = read(Path::new(env!("CARGO_MANIFEST_DIR")), file);
    let (hand, _) = model(file, "tangyuan-shequ-ban", &hand);
    let hand = hand.unwrap();
    assert_eq!(figures(&mine), figures(&hand));
    for numeral in ["一", "二", "三", "四", "五", "六"] {
        assert_eq!(
            section(&mine, numeral),
            section(&hand, numeral),
            "section {numeral}"
        );
    }
    assert_eq!(mine.published, None);
    // The corrections: the `00` cell, 信息内筒, the short rows, the older wording.
    let notes = imported.notes.join("\n");
    for want in [
        "“00”读作 0",
        "“信息内筒”按“信息内容”读取",
        "原文有 5 格（应为 6 或 7），均为 0 或空白，按全 0 读取",
        "原文写作“2. 其他法律法规 禁止公开”",
        "原文写作“3. 危及“安全-稳定””",
    ] {
        assert!(notes.contains(want), "{want} not in\n{notes}");
    }
    assert!(imported.written.text.starts_with("---\n# 导入说明："));
}

#[path = "support/docx.rs"]
mod docx;

/// A report of the sample site, as its model.
fn site_report(file: &str) -> Report {
    let text = read(Path::new(env!("CARGO_MANIFEST_DIR")), file);
    let slug = file.split('/').nth(1).unwrap();
    model(file, slug, &text).0.unwrap()
}

/// Imports `bytes` and asserts the report reads back with the figures of `want`, no error, and
/// its narrative sections.
fn assert_same_report(kind: Kind, bytes: &[u8], want: &Report) -> import::Imported {
    let imported = import_bytes(kind, bytes, &Options::default()).unwrap();
    assert_eq!(
        (imported.agency.as_str(), imported.year, imported.format.id),
        (want.agency.as_str(), want.year, want.format.id)
    );
    let (mine, diags) = model(&want.file, &want.slug, &imported.written.text);
    let mine = mine.unwrap();
    assert!(
        !diags.iter().any(|d| d.is_error()),
        "{diags:#?}\n{}",
        imported.written.text
    );
    assert_eq!(figures(&mine), figures(want), "{}", imported.written.text);
    for numeral in ["一", "五"] {
        assert_eq!(
            section(&mine, numeral),
            section(want, numeral),
            "section {numeral}"
        );
    }
    assert_eq!(mine.processing_fees, want.processing_fees);
    imported
}

#[test]
fn a_word_file_of_the_2021_template_imports_with_its_figures() {
    let r = site_report("content/shilixian-jiaoyuju/2021.md");
    let bytes = docx::official(&r).bytes();
    let imported = assert_same_report(Kind::Word, &bytes, &r);
    // A Word file states no date: none is invented.
    assert!(imported.written.text.contains("# published: YYYY-MM-DD"));
}

#[test]
fn a_word_file_of_the_2019_template_imports_with_its_figures() {
    let r = site_report("content/shilixian-gonganju/2020.md");
    assert_same_report(Kind::Word, &docx::official(&r).bytes(), &r);
}

#[path = "support/html.rs"]
mod html;

#[test]
fn a_gb2312_portal_page_with_layout_tables_imports_with_its_figures() {
    let r = site_report("content/shilixian-jiaoyuju/2021.md");
    let page = html::gb2312(&html::portal(&r, html::Page::default()));
    let imported = assert_same_report(Kind::Html, &page, &r);
    // The date the page states, the site's menu and footer left out.
    let text = &imported.written.text;
    assert!(text.contains("published: 2022-01-25"), "{text}");
    for furniture in ["政府信息公开指南", "主办单位", "打印本页", "浏览次数"] {
        assert!(!text.contains(furniture), "{furniture} in\n{text}");
    }
}

#[test]
fn a_2019_format_page_imports_with_its_figures() {
    let r = site_report("content/shilixian-gonganju/2019.md");
    let page = html::gb2312(&html::portal(&r, html::Page::default()));
    assert_same_report(Kind::Html, &page, &r);
}

#[test]
fn split_tables_with_captions_and_a_note_outside_the_grid() {
    let r = site_report("content/shilixian-gonganju/2020.md");
    let page = html::gb2312(&html::portal(
        &r,
        html::Page {
            split: true,
            ..Default::default()
        },
    ));
    assert_same_report(Kind::Html, &page, &r);
}

#[test]
fn blank_totals_and_blank_zeros_are_read_and_noted() {
    let r = site_report("content/shilixian-jiaoyuju/2021.md");
    let page = html::gb2312(&html::portal(
        &r,
        html::Page {
            blank: true,
            no_total_headers: true,
            ..Default::default()
        },
    ));
    let imported = assert_same_report(Kind::Html, &page, &r);
    let notes = imported.notes.join("\n");
    assert!(notes.contains("空白格读作 0"), "{notes}");
    assert!(notes.contains("总计空白，将自动计算"), "{notes}");
    // A blank 总计 is computed, never written as 0.
    assert!(
        imported.written.text.contains("new: [12, 1, 0, 0, 0, 1]"),
        "{}",
        imported.written.text
    );
}
