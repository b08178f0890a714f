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

#[path = "support/text.rs"]
mod text;

#[test]
fn a_text_copy_with_broken_lines_imports_with_its_figures() {
    let r = site_report("content/shilixian-jiaoyuju/2022.md");
    let copy = text::copy(&r);
    assert!(copy.contains("\n\n"), "the copy breaks paragraphs");
    let imported = assert_same_report(Kind::Text, copy.as_bytes(), &r);
    assert!(
        imported.written.text.contains("published: 2023-"),
        "{}",
        imported.written.text
    );
    // The broken paragraphs are whole again.
    assert_eq!(section_of(&imported, "五"), section(&r, "五"));
}

fn section_of(imported: &import::Imported, numeral: &str) -> String {
    let (r, _) = model("content/x/2022.md", "x", &imported.written.text);
    section(&r.unwrap(), numeral)
}

/// A text copy of a report whose row `label` shows only the given cells.
fn with_row(r: &Report, label: &str, cells: &str) -> String {
    let copy = text::copy(r);
    let line = copy
        .lines()
        .find(|l| l.split('\t').any(|c| c == label))
        .unwrap_or_else(|| panic!("no row {label}"))
        .to_string();
    let mut parts: Vec<&str> = line.split('\t').collect();
    let at = parts.iter().position(|c| *c == label).unwrap();
    parts.truncate(at + 1);
    let new = format!("{}\t{cells}", parts.join("\t"));
    copy.replacen(&line, &new, 1)
}

fn granted_label() -> &'static str {
    nianbao::format::F2021
        .app_row("results.granted")
        .unwrap()
        .label
}

#[test]
fn five_numbers_under_seven_columns_are_null_and_fail_check() {
    let site = sample_site();
    let r = site_report("content/shilixian-jiaoyuju/2022.md");
    let doc = site.path().join("report.txt");
    std::fs::write(&doc, with_row(&r, granted_label(), "3\t1\t2\t1\t7")).unwrap();
    let run = run(nianbao()
        .arg("--root")
        .arg(site.path())
        .args(["import", "--force"])
        .arg(&doc));
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let text = common::read(site.path(), "content/shilixian-jiaoyuju/2022.md");
    assert!(
        text.contains("granted: [null, null, null, null, null, null]"),
        "{text}"
    );
    assert!(text.contains("无法确定各数字所属的列"), "{text}");
    assert!(run.stdout.contains("error[N006]"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("导入完成：已导入 1 份（其中 1 份有错误），0 份无法导入"),
        "{}",
        run.stdout
    );
    // The file fails check at that row.
    let file = site.path().join("content/shilixian-jiaoyuju/2022.md");
    let (code, diags) = check_json(site.path(), &[file.to_str().unwrap()]);
    assert_eq!(code, 1);
    let n006: Vec<_> = diags.iter().filter(|d| d["code"] == "N006").collect();
    assert_eq!(n006.len(), 6, "{}", brief(&diags));
    let (line, _) = position(
        site.path(),
        "content/shilixian-jiaoyuju/2022.md",
        "granted:",
        "",
    );
    assert!(n006
        .iter()
        .all(|d| d["line"] == line && d["row"] == granted_label()));
}

#[test]
fn check_a_text_document_in_place() {
    let site = sample_site();
    let r = site_report("content/shilixian-jiaoyuju/2022.md");
    let doc = site.path().join("report.txt");
    let copy = with_row(&r, granted_label(), "3\t1\t2\t1\t7");
    std::fs::write(&doc, &copy).unwrap();
    let before = common::read(site.path(), "content/shilixian-jiaoyuju/2022.md");
    let (code, diags) = check_json(site.path(), &[doc.to_str().unwrap()]);
    assert_eq!(code, 1, "{}", brief(&diags));
    let line = copy
        .lines()
        .position(|l| l.contains(granted_label()))
        .unwrap() as u64
        + 1;
    let n006: Vec<_> = diags.iter().filter(|d| d["code"] == "N006").collect();
    assert_eq!(n006.len(), 6, "{}", brief(&diags));
    for d in n006 {
        assert_eq!(d["file"], doc.to_str().unwrap());
        assert_eq!(d["line"], line);
        assert_eq!(d["row"], granted_label());
        assert!(d["message"]
            .as_str()
            .unwrap()
            .contains(&format!("第 {line} 行")));
    }
    // Nothing written.
    assert_eq!(
        common::read(site.path(), "content/shilixian-jiaoyuju/2022.md"),
        before
    );
    // Human output shows the document's line.
    let run = run(nianbao()
        .arg("--root")
        .arg(site.path())
        .arg("check")
        .arg(&doc));
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains(&format!("report.txt:{line}:1")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("检查了 1 份报告"), "{}", run.stdout);
}

#[test]
fn a_document_stands_in_for_its_report_for_the_cross_year_rules() {
    let site = sample_site();
    let mut r = site_report("content/shilixian-jiaoyuju/2022.md");
    let row = r.applications.get_mut("carried_over").unwrap();
    row.cells[0] += 5;
    row.total = None;
    // 新收 one less, so that the table still balances: only W001 differs.
    r.applications.get_mut("new").unwrap().cells[0] =
        r.applications["new"].cells[0].saturating_sub(5);
    r.applications.get_mut("new").unwrap().total = None;
    let doc = site.path().join("x.txt");
    std::fs::write(&doc, text::copy(&r)).unwrap();
    let (_, diags) = check_json(site.path(), &[doc.to_str().unwrap()]);
    assert!(
        diags.iter().any(|d| d["code"] == "W001"),
        "{}",
        brief(&diags)
    );
    // Under another slug it is a new agency: no previous year to compare with.
    let (_, diags) = check_json(
        site.path(),
        &["--slug", "xin-jiguan", doc.to_str().unwrap()],
    );
    assert!(
        !diags.iter().any(|d| d["code"] == "W001"),
        "{}",
        brief(&diags)
    );
}

#[test]
fn check_a_word_document_names_the_table_cell() {
    let site = sample_site();
    let mut r = site_report("content/shilixian-jiaoyuju/2021.md");
    // A 总计 that does not add up (R003), in table 三's first data row.
    r.applications.get_mut("new").unwrap().total = Some(99);
    let doc = site.path().join("report.docx");
    std::fs::write(&doc, docx::official(&r).bytes()).unwrap();
    let (code, diags) = check_json(site.path(), &[doc.to_str().unwrap()]);
    assert_eq!(code, 1, "{}", brief(&diags));
    let d = diags.iter().find(|d| d["code"] == "R003").expect("R003");
    assert_eq!(d["file"], doc.to_str().unwrap());
    assert!(d["line"].is_null() && d["column"].is_null(), "{d}");
    assert_eq!(d["row"], "一、本年新收政府信息公开申请数量");
    // Row 4 of the Word table (three header rows), the 总计 in grid column 10.
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("表三 第 4 行 第 10 列"),
        "{d}"
    );
}

#[test]
fn import_writes_the_report_and_a_new_agency() {
    let site = sample_site();
    let r = site_report("content/shilixian-jiaoyuju/2021.md");
    let doc = site.path().join("水利局.docx");
    std::fs::write(&doc, docx::official(&r).bytes()).unwrap();
    let import = |args: &[&str]| {
        run(nianbao()
            .arg("--root")
            .arg(site.path())
            .arg("import")
            .args(args)
            .arg(&doc))
    };
    let dry = import(&["--agency", "示例县水利局", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}\n{}", dry.stdout, dry.stderr);
    assert!(
        dry.stdout.contains("agency: \"示例县水利局\""),
        "{}",
        dry.stdout
    );
    assert!(!site.path().join("content/shilixian-shuiliju").exists());

    let first = import(&["--agency", "示例县水利局"]);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert!(
        first
            .stdout
            .contains("示例县水利局 → shilixian-shuiliju（新机关）"),
        "{}",
        first.stdout
    );
    let index = common::read(site.path(), "content/shilixian-shuiliju/_index.md");
    assert!(index.contains("name: \"示例县水利局\""), "{index}");
    let text = common::read(site.path(), "content/shilixian-shuiliju/2021.md");
    assert!(
        text.starts_with("---\n# 导入说明：由 水利局.docx 导入"),
        "{text}"
    );

    // Never overwritten without --force; the known name finds its folder again.
    let again = import(&["--agency", "示例县水利局"]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("已存在，不会覆盖"),
        "{}",
        again.stderr
    );
    let forced = import(&["--agency", "示例县水利局", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(
        forced
            .stdout
            .contains("示例县水利局 → shilixian-shuiliju\n"),
        "{}",
        forced.stdout
    );
    let dir = site.path().join("content/shilixian-shuiliju");
    let (code, diags) = check_json(site.path(), &[dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{}", brief(&diags));
}

#[test]
fn a_folder_of_documents_and_one_unreadable_file() {
    let site = sample_site();
    let dir = site.path().join("收到的报告");
    std::fs::create_dir(&dir).unwrap();
    let a = site_report("content/shilixian-fagaiju/2021.md");
    let b = site_report("content/shilixian-fagaiju/2022.md");
    std::fs::write(dir.join("a.docx"), docx::official(&a).bytes()).unwrap();
    std::fs::write(
        dir.join("b.html"),
        html::gb2312(&html::portal(&b, Default::default())),
    )
    .unwrap();
    std::fs::write(dir.join("c.docx"), b"not a zip at all").unwrap();
    std::fs::write(dir.join("notes.md"), "ignored").unwrap();
    let run = run(nianbao()
        .arg("--root")
        .arg(site.path())
        .args(["import", "--force"])
        .arg(&dir));
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("c.docx") && run.stderr.contains("zip"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("导入完成：已导入 2 份（其中 0 份有错误），1 份无法导入"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("示例县发展和改革局 → shilixian-fagaiju"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_file_that_is_no_report_is_refused_with_a_reason() {
    let site = sample_site();
    let doc = site.path().join("notice.txt");
    std::fs::write(
        &doc,
        "关于做好春节期间值班工作的通知\n\n各单位：\n\n请按时值班。\n",
    )
    .unwrap();
    let run = run(nianbao()
        .arg("--root")
        .arg(site.path())
        .arg("import")
        .arg(&doc));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("notice.txt"), "{}", run.stderr);
    assert!(run.stderr.contains("找不到机关名称"), "{}", run.stderr);
    let run = nianbao_run(
        site.path(),
        &[
            "import",
            "--agency",
            "某局",
            "--year",
            "2021",
            doc.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("没有可识别的报告表格"),
        "{}",
        run.stderr
    );
    let run = nianbao_run(site.path(), &["check", doc.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

fn nianbao_run(root: &Path, args: &[&str]) -> Run {
    run(nianbao().arg("--root").arg(root).args(args))
}

#[test]
fn not_a_zip_and_zip_bombs_are_refused() {
    let e = import::read_docx(b"PK\x03\x04 but nothing else").unwrap_err();
    assert!(e.contains("zip"), "{e}");
    let e = import::read_docx(b"{\\rtf1 an RTF file saved as .docx}").unwrap_err();
    assert!(e.contains("zip"), "{e}");
    // 64 MiB of spaces deflate to a few tens of kilobytes.
    let big = vec![b' '; 64 << 20];
    let bomb = docx::zip_of(&[("word/document.xml", &big)]);
    assert!(bomb.len() < 1 << 20);
    drop(big);
    let e = import::read_docx(&bomb).unwrap_err();
    assert!(e.contains("压缩炸弹"), "{e}");
    // Thousands of entries.
    let names: Vec<String> = (0..6000).map(|i| format!("x/{i}")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let e = import::read_docx(&docx::zip_of(&entries)).unwrap_err();
    assert!(e.contains("6000"), "{e}");
    // A zip without a document.
    let e = import::read_docx(&docx::zip_of(&[("a.txt", b"x")])).unwrap_err();
    assert!(e.contains("正文"), "{e}");
}

#[test]
fn tracked_changes_are_read_as_shown() {
    let r = site_report("content/shilixian-jiaoyuju/2021.md");
    let mut body = docx::official(&r);
    // Section 六 gets a paragraph with an insertion, a deletion and an image.
    body.raw(concat!(
        "<w:p><w:r><w:t xml:space=\"preserve\">本年度</w:t></w:r>",
        "<w:ins w:id=\"1\" w:author=\"a\"><w:r><w:t>新增</w:t></w:r></w:ins>",
        "<w:del w:id=\"2\" w:author=\"a\"><w:r><w:delText>删去</w:delText></w:r></w:del>",
        "<w:r><w:drawing><wp:inline xmlns:wp=\"x\"><w:t>图片</w:t></wp:inline></w:drawing></w:r>",
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>",
        "<w:r><w:t>&lt;说明&gt;</w:t></w:r></w:p>"
    ));
    let imported = import_bytes(Kind::Word, &body.bytes(), &Options::default()).unwrap();
    let text = &imported.written.text;
    assert!(text.contains("本年度新增\\<说明>"), "{text}");
    for gone in ["删去", "图片", "隐藏"] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
}

/// Every report of the sample site, rendered by `build` and saved as its page, imports again
/// with the same figures (whatever markup the build writes at the time).
#[test]
fn round_trip_through_the_sites_own_pages() {
    let site = sample_site();
    let out = site.path().join("public");
    let built = run(nianbao()
        .arg("--root")
        .arg(site.path())
        .args(["build", "--output"])
        .arg(&out));
    assert_eq!(built.code, 0, "{}", built.stderr);
    let loaded =
        nianbao::site::Inputs::load(site.path(), LoadOptions::default(), true, None).unwrap();
    let mut n = 0;
    for r in loaded.whole_reports().iter().filter(|r| !r.draft) {
        let page = out
            .join(&r.slug)
            .join(r.year.to_string())
            .join("index.html");
        let bytes = std::fs::read(&page).unwrap();
        let imported = import_bytes(Kind::Html, &bytes, &Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", r.file));
        assert_eq!(
            (imported.agency.as_str(), imported.year),
            (r.agency.as_str(), r.year),
            "{}",
            r.file
        );
        let (mine, diags) = model(&r.file, &r.slug, &imported.written.text);
        let mine = mine.unwrap_or_else(|| panic!("{}: {diags:#?}", r.file));
        assert_eq!(
            figures(&mine),
            figures(r),
            "{}\n{}",
            r.file,
            imported.written.text
        );
        assert_eq!(mine.published, r.published, "{}", r.file);
        assert_eq!(mine.format.id, r.format.id, "{}", r.file);
        n += 1;
    }
    assert!(n >= 40, "{n} pages");
}

#[test]
fn an_amount_in_yuan_is_converted_and_noted() {
    let r = site_report("content/shilixian-gonganju/2020.md");
    let label = nianbao::format::F2019
        .active_row("procurement")
        .unwrap()
        .1
        .label;
    let copy = with_row(&r, label, "2\t251000元");
    let imported = import_bytes(Kind::Text, copy.as_bytes(), &Options::default()).unwrap();
    assert!(
        imported.written.text.contains("procurement: [2, 25.1]"),
        "{}",
        imported.written.text
    );
    assert!(
        imported
            .notes
            .join("\n")
            .contains("“251000元”换算为 25.1 万元"),
        "{:?}",
        imported.notes
    );
}

#[test]
fn a_2021_year_on_the_2019_form_keeps_its_form() {
    let mut r = site_report("content/shilixian-gonganju/2020.md");
    r.year = 2021;
    r.title = r.title.replace("2020", "2021");
    let imported =
        import_bytes(Kind::Text, text::copy(&r).as_bytes(), &Options::default()).unwrap();
    assert_eq!((imported.year, imported.format.id), (2021, 2019));
    assert!(imported.written.text.contains("format: 2019"));
    let forced = import_bytes(
        Kind::Text,
        text::copy(&r).as_bytes(),
        &Options {
            format: Some(2021),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(forced.format.id, 2021);
}
