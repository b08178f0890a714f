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
