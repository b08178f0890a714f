//! `nianbao check` as a user runs it (cli.md, rules.md): JSON fields, `--strict`, `check PATH`,
//! `--root` and the upward search for site.toml, exit codes, BOM and CRLF, and the human output.

mod common;

use std::path::Path;

use common::*;
use serde_json::{json, Value};

/// The base site with table 三 of 2020 out of balance in the 自然人 column (R001); its narrative
/// states the new figure, so that R001 is all there is.
fn r001_site() -> tempfile::TempDir {
    let site = site(BASE);
    replace(
        site.path(),
        R2020,
        "new: [10, 2, 0, 0, 1, 0, 13]",
        "new: [11, 2, 0, 0, 1, 0, 14]",
    );
    replace(site.path(), R2020, "新收申请13件", "新收申请14件");
    site
}

#[test]
fn json_has_exactly_the_fields_of_rules_md() {
    let site = r001_site();
    replace(site.path(), R2021, "published: 2022-01-25\n", "");
    let (exit, diags) = check_json(site.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(codes(&diags), ["R001", "W008"], "{}", brief(&diags));
    let fields = [
        "code",
        "severity",
        "file",
        "line",
        "column",
        "message",
        "row",
        "column_label",
        "expected",
        "found",
        "acknowledged",
    ];
    for d in &diags {
        let mut keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut want = fields.to_vec();
        want.sort_unstable();
        assert_eq!(keys, want);
    }
    assert_eq!(
        diags[0],
        json!({
            "code": "R001",
            "severity": "error",
            "file": "content/demo-ju/2020.md",
            "line": 15,
            "column": 9,
            "message": "三、收到和处理政府信息公开申请情况 — 自然人 列不平衡：一 + 二 = 12，（七）总计 + 四 = 11",
            "row": "一、本年新收政府信息公开申请数量",
            "column_label": "自然人",
            "expected": 12,
            "found": 11,
            "acknowledged": null,
        })
    );
    // Absent details are null, and a warning says so.
    let w = &diags[1];
    assert_eq!(
        (w["severity"].as_str(), w["file"].as_str()),
        (Some("warning"), Some(R2021))
    );
    assert_eq!(
        (w["line"].as_u64(), w["column"].as_u64()),
        (Some(1), Some(1))
    );
    for k in ["column_label", "expected", "found", "acknowledged"] {
        assert_eq!(w[k], Value::Null, "{k}");
    }
}

#[test]
fn json_of_a_clean_site_is_an_empty_array() {
    let r = run(nianbao()
        .arg("--root")
        .arg(fixture(BASE))
        .args(["check", "--format", "json"]));
    assert_eq!(r.code, 0);
    assert_eq!(serde_json::from_str::<Value>(&r.stdout).unwrap(), json!([]));
}

#[test]
fn strict_makes_warnings_fail() {
    let site = site(BASE);
    let root = site.path();
    replace(root, R2021, "year: 2021\n", "year: 2021\ndraft: true\n");
    let (exit, diags) = check_json(root, &[]);
    assert_eq!((exit, diags[0]["severity"].as_str()), (0, Some("warning")));

    let (exit, diags) = check_json(root, &["--strict"]);
    assert_eq!((exit, codes(&diags)), (1, vec!["W007"]));
    assert_eq!(diags[0]["severity"], "error");

    let human = run(nianbao().current_dir(root).args(["check", "--strict"]));
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("error[W007]"), "{}", human.stdout);

    // `[build] strict = true` in site.toml does the same.
    replace(root, "site.toml", "strict = false", "strict = true");
    let (exit, _) = check_json(root, &[]);
    assert_eq!(exit, 1);
}

#[test]
fn check_path_reports_that_file_while_cross_report_rules_see_the_site() {
    let site = site(BASE);
    let root = site.path();
    // 2021 carries over one application too many (W001 needs 2020 to know), and 2020 has an
    // error of its own elsewhere.
    replace(
        root,
        R2021,
        "carried_over: [2, 0, 0, 0, 0, 0, 2]",
        "carried_over: [3, 0, 0, 0, 0, 0, 3]",
    );
    replace(
        root,
        R2021,
        "new: [8, 1, 0, 0, 0, 1, 10]",
        "new: [7, 1, 0, 0, 0, 1, 9]",
    );
    replace(root, R2021, "申请10件", "申请9件");
    replace(root, R2020, "coercion: [0, 0, 0]", "coercion: [0, 0, -1]");

    let (exit, diags) = check_json(root, &[]);
    assert_eq!(
        (exit, codes(&diags)),
        (1, vec!["N006", "W001"]),
        "{}",
        brief(&diags)
    );

    let (exit, diags) = check_json(root, &[&root.join(R2021).to_string_lossy()]);
    assert_eq!(
        (exit, codes(&diags)),
        (0, vec!["W001"]),
        "{}",
        brief(&diags)
    );
    assert_eq!(diags[0]["file"], R2021);

    let (exit, diags) = check_json(root, &[&root.join(R2020).to_string_lossy()]);
    assert_eq!((exit, codes(&diags)), (1, vec!["N006"]));

    // A folder selects the reports in it; a path relative to the current folder works.
    let r = run(nianbao().current_dir(root.join("content")).args([
        "check",
        "--format",
        "json",
        "demo-ju/2021.md",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (exit, diags) = check_json(root, &[&root.join("content/demo-ju").to_string_lossy()]);
    assert_eq!((exit, diags.len()), (1, 2));

    // With --root, a relative path may also be relative to the site.
    let r = run(nianbao()
        .current_dir(std::env::temp_dir())
        .arg("--root")
        .arg(root)
        .args(["check", "--format", "json", R2021]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("W001"));

    // The human summary counts the reports checked.
    let r = run(nianbao().current_dir(root).args(["check", R2021]));
    assert!(
        r.stdout.contains("检查了 1 份报告：0 个错误，1 个警告"),
        "{}",
        r.stdout
    );
    // A report that cannot be read at all is still one checked.
    write(root, "content/demo-ju/2022.md", "no front matter\n");
    let r = run(nianbao()
        .current_dir(root)
        .args(["check", "content/demo-ju/2022.md"]));
    assert!(
        r.stdout.contains("检查了 1 份报告：1 个错误"),
        "{}",
        r.stdout
    );
}

#[test]
fn check_path_that_is_missing_or_outside_the_site_is_a_usage_error() {
    let site = site(BASE);
    let r = run(nianbao()
        .current_dir(site.path())
        .args(["check", "content/demo-ju/2030.md"]));
    assert_eq!(r.code, 2);
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "2020.md", "x");
    let r = run(nianbao()
        .current_dir(site.path())
        .arg("check")
        .arg(outside.path().join("2020.md")));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("不在站点"), "{}", r.stderr);
}

#[test]
fn root_flag_and_site_toml_found_upwards() {
    let site = r001_site();
    let root = site.path();
    // --root before or after the command.
    for before in [true, false] {
        let mut cmd = nianbao();
        if before {
            cmd.arg("--root")
                .arg(root)
                .args(["check", "--format", "json"]);
        } else {
            cmd.args(["check", "--format", "json", "--root"]).arg(root);
        }
        let r = run(cmd.current_dir(std::env::temp_dir()));
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stdout.contains("\"file\": \"content/demo-ju/2020.md\""),
            "{}",
            r.stdout
        );
    }
    // From a sub-folder, without --root: paths stay relative to site.toml.
    let r = run(nianbao()
        .current_dir(root.join("content/demo-ju"))
        .args(["check", "--format", "json"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let diags: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(diags[0]["file"], "content/demo-ju/2020.md");
}

#[test]
fn a_missing_site_toml_is_exit_2() {
    let empty = tempfile::tempdir().unwrap();
    let r = run(nianbao().current_dir(empty.path()).arg("check"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("site.toml"), "{}", r.stderr);
    assert!(r.stdout.is_empty());

    let r = run(nianbao()
        .arg("--root")
        .arg(empty.path())
        .args(["check", "--format", "json"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("site.toml"), "{}", r.stderr);

    let r = run(nianbao()
        .arg("--root")
        .arg(empty.path().join("nowhere"))
        .arg("check"));
    assert_eq!(r.code, 2);
}

#[test]
fn usage_errors_and_a_broken_site_toml_are_exit_2() {
    let site = site(BASE);
    for args in [
        &["check", "--format", "xml"][..],
        &["check", "--no-such-flag"],
        &["nothing"],
        &[],
    ] {
        let r = run(nianbao().current_dir(site.path()).args(args));
        assert_eq!(r.code, 2, "{args:?}");
    }
    write(site.path(), "site.toml", "title = \n");
    let r = run(nianbao().current_dir(site.path()).arg("check"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("site.toml:1:"), "{}", r.stderr);
}

/// BOM and CRLF line ends, every file of the site.
fn bom_crlf(root: &Path) {
    for file in ["site.toml", R2020, R2021, INDEX] {
        let text = read(root, file).replace('\n', "\r\n");
        write(root, file, format!("\u{feff}{text}"));
    }
}

#[test]
fn bom_and_crlf_files_pass_and_keep_their_positions() {
    let site = site(BASE);
    bom_crlf(site.path());
    let (exit, diags) = check_json(site.path(), &[]);
    assert_eq!((exit, diags.len()), (0, 0), "{}", brief(&diags));

    let site = r001_site();
    bom_crlf(site.path());
    let (exit, diags) = check_json(site.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        (diags[0]["line"].as_u64(), diags[0]["column"].as_u64()),
        (Some(15), Some(9))
    );
    let r = run(nianbao().current_dir(site.path()).arg("check"));
    assert!(
        r.stdout.contains("15 |   new: [11, 2, 0, 0, 1, 0, 14]\n"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\r'));
}

#[test]
fn human_output_is_compiler_style() {
    let site = r001_site();
    let r = run(nianbao().current_dir(site.path()).arg("check"));
    assert_eq!(r.code, 1);
    let want = "\
error[R001]: 三、收到和处理政府信息公开申请情况 — 自然人 列不平衡：一 + 二 = 12，（七）总计 + 四 = 11
  --> content/demo-ju/2020.md:15:9
   |
15 |   new: [11, 2, 0, 0, 1, 0, 14]
   |         ^^ 一、本年新收政府信息公开申请数量
   |
   = note: 勾稽关系：第一项加第二项之和，等于第三项加第四项之和
           一、本年新收政府信息公开申请数量 = 11（第 15 行）
           二、上年结转政府信息公开申请数量 = 1（第 16 行）
           （七）总计 = 9（第 40 行）
           四、结转下年度继续办理 = 2（第 41 行）

检查了 2 份报告：1 个错误，0 个警告
";
    assert_eq!(r.stdout, want);
    assert!(!r.stdout.contains('\u{1b}'));
}

#[test]
fn warnings_and_unreadable_lines_in_human_output() {
    let site = site(BASE);
    let root = site.path();
    replace(root, R2021, "published: 2022-01-25\n", "");
    to_gb18030(root, R2020);
    let r = run(nianbao().current_dir(root).arg("check"));
    assert_eq!(r.code, 1);
    // No source line to show for a file that is not UTF-8, but the place and the command.
    assert!(
        r.stdout
            .contains("error[N009]: 文件不是 UTF-8 编码，而是GB18030"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("--> content/demo-ju/2020.md:2:9"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("iconv -f GB18030 -t UTF-8 content/demo-ju/2020.md"));
    assert!(r.stdout.contains("warning[W008]"));
    assert!(r.stdout.contains("--> content/demo-ju/2021.md:1:1"));
    assert!(
        r.stdout.ends_with("检查了 2 份报告：1 个错误，1 个警告\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn no_colour_unless_a_terminal_and_never_with_no_color() {
    let site = r001_site();
    let plain = run(nianbao()
        .env_remove("NO_COLOR")
        .current_dir(site.path())
        .arg("check"));
    assert!(
        !plain.stdout.contains('\u{1b}'),
        "not a terminal: no colour"
    );
    assert!(!nianbao::cli::use_color(false));

    // A terminal, through script(1) where the machine has it.
    if !Path::new("/usr/bin/script").exists() {
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("nianbao");
    let on_tty = |no_color: Option<&str>| {
        let mut cmd = std::process::Command::new("/usr/bin/script");
        cmd.args(["-qec", &format!("{} check", bin.display()), "/dev/null"])
            .current_dir(site.path())
            .env_remove("NO_COLOR");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    let tty = on_tty(None);
    assert!(tty.contains("R001"), "{tty}");
    assert!(tty.contains('\u{1b}'), "a terminal gets colour: {tty}");
    for value in ["1", ""] {
        let tty = on_tty(Some(value));
        assert!(
            tty.contains("R001") && !tty.contains('\u{1b}'),
            "NO_COLOR={value:?}: {tty}"
        );
    }
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_site_are_ignored_with_a_note() {
    let site = site(BASE);
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "2019.md", "---\nyear: 2019\n---\n");
    std::os::unix::fs::symlink(
        outside.path().join("2019.md"),
        site.path().join("content/demo-ju/2019.md"),
    )
    .unwrap();
    let r = run(nianbao().current_dir(site.path()).arg("check"));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("content/demo-ju/2019.md"), "{}", r.stderr);
}

#[test]
fn hidden_and_editor_files_are_ignored_with_a_warning_in_every_format() {
    let site = site(BASE);
    for f in [
        "content/demo-ju/.2021.md.swp",
        "content/demo-ju/2021.md~",
        "content/demo-ju/#2021.md#",
        "content/.git/config",
    ] {
        write(site.path(), f, "x");
    }
    for format in ["human", "json"] {
        let r = run(nianbao()
            .current_dir(site.path())
            .args(["check", "--format", format]));
        assert_eq!(r.code, 0, "{}", r.stdout);
        for f in [
            "content/demo-ju/.2021.md.swp",
            "content/demo-ju/2021.md~",
            "content/demo-ju/#2021.md#",
            "content/.git",
        ] {
            assert!(
                r.stderr.contains(&format!("warning: 已忽略 {f}（")),
                "{format} {f}: {}",
                r.stderr
            );
        }
    }
}

/// `check --format html`: one self-contained page, the same exit code as `check`.
#[test]
fn the_audit_page_is_self_contained_and_exits_as_check_does() {
    let site = r001_site();
    let root = site.path();
    replace(root, R2021, "year: 2021\n", "year: 2021\ndraft: true\n");
    let r = run(nianbao()
        .arg("--root")
        .arg(root)
        .args(["check", "--format", "html"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let html = &r.stdout;
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    for outside in ["<script", "<link", "src=", "http://", "https://"] {
        assert!(!html.contains(outside), "{outside}");
    }
    // The counts by rule, the grid (2020 has an error, 2021 is a draft) and the details with
    // the source line.
    assert!(html.contains("<code>R001</code>") && html.contains("<code>W007</code>"));
    assert!(
        html.contains("<a href=\"#r-demo-ju-2020\"><span aria-hidden=\"true\">✕</span> 有错误</a>")
    );
    assert!(html.contains("草稿</a>"));
    assert!(
        html.contains("new: [<mark>11</mark>, 2, 0, 0, 1, 0, 14]"),
        "{html}"
    );

    let clean = run(nianbao()
        .arg("--root")
        .arg(fixture(BASE))
        .args(["check", "--format", "html"]));
    assert_eq!(clean.code, 0);
    assert!(clean.stdout.contains("没有发现问题"));
}
