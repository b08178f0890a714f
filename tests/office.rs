//! What the office around the reports meets (issue 16): the `[portal]` links on every page, the
//! 打印本页 button of report pages, and builds that keep going near the 31 January deadline.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// `nianbao --root ROOT build ARGS…` into `ROOT/public`.
fn build(root: &Path, args: &[&str]) -> Run {
    run(nianbao().arg("--root").arg(root).arg("build").args(args))
}

/// Every `.html` file below `dir`, relative, sorted.
fn html_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

const PORTAL_LINKS: &str = "<nav class=\"portal-links\" aria-label=\"门户网站\">
<ul class=\"wrap\">
<li><a href=\"https://www.example.gov.cn/\">返回门户首页</a></li>
<li><a href=\"https://www.example.gov.cn/zfxxgk/zn/\">政府信息公开指南</a></li>
<li><a href=\"https://www.example.gov.cn/zfxxgk/ysqgk/\">依申请公开</a></li>
</ul>
</nav>";

#[test]
fn the_portal_links_of_the_sample_are_on_every_page() {
    let site = sample_site();
    let r = build(site.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = site.path().join("public");
    let pages = html_files(&out);
    assert!(pages.len() > 50, "{pages:?}");
    for page in &pages {
        let html = read(&out, page);
        assert_eq!(html.matches(PORTAL_LINKS).count(), 1, "{page}");
        // In the header, before the site's own navigation.
        let at = html.find(PORTAL_LINKS).unwrap();
        assert!(
            html[..at].ends_with("<header class=\"site-header\">\n"),
            "{page}"
        );
    }
}

#[test]
fn portal_links_only_when_set_and_a_path_is_printed_as_written() {
    let site = site(BASE);
    let root = site.path();
    let r = build(root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = read(root, "public/demo-ju/2021/index.html");
    assert!(!html.contains("portal-links"), "no link set, no strip");

    // One link, a path of the portal's host: not under the site's sub-path (/ndbg/).
    replace(
        root,
        "site.toml",
        "[portal]\n",
        "[portal]\napply_url = \"/zfxxgk/ysqgk/\"\n",
    );
    let r = build(root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = read(root, "public/index.html");
    assert!(
        html.contains(
            "<ul class=\"wrap\">\n<li><a href=\"/zfxxgk/ysqgk/\">依申请公开</a></li>\n</ul>"
        ),
        "{html}"
    );
    assert!(!html.contains("返回门户首页"));
}

#[test]
fn a_portal_link_that_is_no_address_stops_check_and_build_naming_the_address_meant() {
    let site = site(BASE);
    let root = site.path();
    replace(
        root,
        "site.toml",
        "[portal]\n",
        "[portal]\nhome_url = \"www.example.gov.cn\"\n",
    );
    let (code, diags) = check_json(root, &[]);
    assert_eq!(code, 1, "{}", brief(&diags));
    let d = diags.iter().find(|d| d["code"] == "N006").expect("N006");
    assert_eq!(
        (&d["file"], &d["line"], &d["column"]),
        (&Value::from("site.toml"), &Value::from(8), &Value::from(12))
    );
    assert_eq!(
        d["message"],
        "[portal] home_url（返回门户首页）“www.example.gov.cn”缺少 https://，链接会出错；应写作 https://www.example.gov.cn"
    );
    // An error of site.toml stops the build, --keep-going too.
    for args in [&[][..], &["--keep-going"]] {
        let r = build(root, args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("构建已取消"), "{}", r.stderr);
        assert!(!root.join("public").exists());
    }
}

#[test]
fn report_pages_have_a_print_button_that_needs_the_script() {
    let site = site(BASE);
    let root = site.path();
    let r = build(root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let button = "<button type=\"button\" class=\"print-page\" hidden>打印本页</button>";
    for page in html_files(&root.join("public")) {
        let html = read(&root.join("public"), &page);
        let report = page.starts_with("demo-ju/20");
        assert_eq!(html.matches(button).count(), usize::from(report), "{page}");
    }
    // The script shows it and the print style sheet hides it.
    let js = read(root, "public/assets/nianbao.js");
    assert!(js.contains("button.print-page") && js.contains("window.print()"));
    let css = read(root, "public/assets/nianbao.css");
    let print = &css[css.rfind("@media print").unwrap()..];
    assert!(print.contains(".print-page"), "{print}");
}

/// Every file below `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A report of the sample with years before and after it, and the slip that breaks it:
/// 新收申请 that does not add up (R001, R003).
const BROKEN: &str = "content/shilixian-jiaoyuju/2023.md";
const BROKEN_PAGE: &str = "shilixian-jiaoyuju/2023/";

fn break_report(root: &Path) {
    let text = read(root, BROKEN);
    let row = "  new: [";
    let at = text.find(row).unwrap() + row.len();
    write(root, BROKEN, format!("{}9999{}", &text[..at], &text[at..]));
}

/// The sample's output as it is without the broken report at all.
fn without_the_report() -> std::collections::BTreeMap<String, Vec<u8>> {
    let site = sample_site();
    std::fs::remove_file(site.path().join(BROKEN)).unwrap();
    let r = build(site.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    tree(&site.path().join("public"))
}

#[test]
fn keep_going_withholds_a_report_with_errors_as_if_it_did_not_exist_and_exits_1() {
    let site = sample_site();
    let root = site.path();
    break_report(root);
    // Without --keep-going nothing is published.
    let r = build(root, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!root.join("public").exists());

    let r = build(root, &["--keep-going"]);
    assert_eq!(r.code, 1, "scripts notice: {}", r.stderr);
    assert!(r.stdout.starts_with("已生成 "), "{}", r.stdout);
    // Named in the summary with its errors (printed in full above it).
    assert!(r.stderr.contains("error[R001]"), "{}", r.stderr);
    let summary = &r.stderr[r.stderr.find("有错误的 1 份报告未发布").expect("a summary")..];
    assert!(
        summary.contains(&format!("\n  {BROKEN}：")) && summary.contains("R001 第 13 行"),
        "{summary}"
    );

    // Absent from every page, list and data file; the rest published.
    let out = tree(&root.join("public"));
    assert!(out.contains_key("shilixian-jiaoyuju/2022/index.html"));
    assert!(out.contains_key("shilixian-fagaiju/2023/index.html"));
    for (path, bytes) in &out {
        assert!(!path.starts_with(BROKEN_PAGE), "{path}");
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(BROKEN_PAGE),
            "{path} links the withheld report"
        );
    }
    let data: Vec<Value> = serde_json::from_slice(&out["data/reports.json"]).unwrap();
    assert!(!data
        .iter()
        .any(|r| r["agency_slug"] == "shilixian-jiaoyuju" && r["year"] == 2023));
    let csv = String::from_utf8_lossy(&out["data/reports.csv"]);
    assert!(!csv.contains("示例县教育局,2023,"), "reports.csv");
    // Treated as no report: byte for byte the site without the file.
    assert!(
        out == without_the_report(),
        "the output differs from the site without the report"
    );
}

#[test]
fn keep_going_publishes_the_county_while_a_fresh_new_report_is_unfinished() {
    // The case: a clerk ran `new` and has not written the report yet (not a draft).
    let site = sample_site();
    let root = site.path();
    let new = run(nianbao().arg("--root").arg(root).args([
        "new",
        "shilixian-shuiwuju",
        "2025",
        "--agency",
        "示例县水务局",
    ]));
    assert_eq!(new.code, 0, "{}", new.stderr);
    assert_eq!(build(root, &[]).code, 1, "without --keep-going nothing");
    let r = build(root, &["--keep-going"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("\n  content/shilixian-shuiwuju/2025.md：3 个错误（N010 第 "),
        "{}",
        r.stderr
    );
    // The agency, with no report to show, is on no page: as if only its _index.md existed.
    let out = tree(&root.join("public"));
    let other = sample_site();
    copy_dir(
        &root.join("content/shilixian-shuiwuju"),
        &other.path().join("content/shilixian-shuiwuju"),
    );
    std::fs::remove_file(other.path().join("content/shilixian-shuiwuju/2025.md")).unwrap();
    assert_eq!(build(other.path(), &[]).code, 0);
    assert!(out == tree(&other.path().join("public")));
    assert!(!out.keys().any(|p| p.starts_with("shilixian-shuiwuju")));
}

#[test]
fn build_keep_going_in_site_toml_does_the_same() {
    let site = sample_site();
    let root = site.path();
    break_report(root);
    replace(root, "site.toml", "keep_going = false", "keep_going = true");
    let r = build(root, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("有错误的 1 份报告未发布"), "{}", r.stderr);
    assert!(tree(&root.join("public")) == without_the_report());
}

#[test]
fn keep_going_does_not_keep_the_previously_published_version() {
    let site = sample_site();
    let root = site.path();
    assert_eq!(build(root, &[]).code, 0);
    assert!(root.join("public").join(BROKEN_PAGE).exists());
    break_report(root);
    let r = build(root, &["--keep-going"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!root.join("public").join(BROKEN_PAGE).exists());
    assert!(root
        .join("public/shilixian-jiaoyuju/2022/index.html")
        .exists());
}

#[test]
fn keep_going_still_stops_at_an_agency_file_or_a_template() {
    let site = sample_site();
    let root = site.path();
    assert_eq!(build(root, &[]).code, 0);
    let before = tree(&root.join("public"));
    break_report(root);

    // An error in an agency file: nothing is published, the previous output stays.
    let agency = "content/shilixian-fagaiju/_index.md";
    let kept = read(root, agency);
    replace(root, agency, "kind: department", "kind: 部委");
    let r = build(root, &["--keep-going"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(agency), "{}", r.stderr);
    assert!(r.stderr.contains("构建已取消"), "{}", r.stderr);
    assert!(!r.stderr.contains("份报告未发布"), "{}", r.stderr);
    assert!(tree(&root.join("public")) == before);
    write(root, agency, kept);

    // A broken template: a failure of the tool (exit 2), the output untouched.
    write(root, "templates/report.html", "{% if %}");
    let r = build(root, &["--keep-going"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("模板"), "{}", r.stderr);
    assert!(tree(&root.join("public")) == before);
    std::fs::remove_dir_all(root.join("templates")).unwrap();

    // The report alone is withheld again.
    assert_eq!(build(root, &["--keep-going"]).code, 1);
}

#[test]
fn a_draft_with_errors_is_not_withheld_it_is_never_published() {
    let site = sample_site();
    let root = site.path();
    let draft = "content/shilixian-jiaoyuju/2024.md";
    let text = read(root, draft);
    assert!(text.contains("draft: true"));
    let at = text.find("  new: [").unwrap() + "  new: [".len();
    write(root, draft, format!("{}9999{}", &text[..at], &text[at..]));
    for args in [&[][..], &["--keep-going"]] {
        let r = build(root, args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("未发布"), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn build_help_says_what_keep_going_does_with_a_published_version() {
    let r = run(nianbao().args(["build", "--help"]));
    assert_eq!(r.code, 0);
    for said in [
        "视同没有这份报告",
        "先前发布的版本",
        "不保留",
        "[build] keep_going = true",
        "退出码为 1",
        "site.toml、机关文件（_index.md）或模板有错误时仍停止构建",
    ] {
        assert!(r.stdout.contains(said), "{said}: {}", r.stdout);
    }
}
