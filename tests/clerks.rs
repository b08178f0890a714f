//! What a clerk typing with a Chinese input method meets (issue 16): full-width punctuation and
//! digits named at their character, `check --fix`, the agency file `new` writes, Chinese `kind`,
//! Chinese usage errors and help.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// The one diagnostic of a site (panics on any other count).
fn only_diagnostic(root: &Path) -> Value {
    let (exit, diags) = check_json(root, &[]);
    assert_eq!((exit, diags.len()), (1, 1), "{}", brief(&diags));
    diags[0].clone()
}

/// Each input-method slip of the issue: the edit of the 2021 report, the line holding it and
/// the character marked, the rule, and the message.
const SLIPS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "new: [8, 1, 0, 0, 0, 1, 10]",
        "new: [8，1，0，0，0，1，10]",
        "，",
        "N002",
        "是中文逗号“，”，应为英文逗号“,”（本行共 6 处）",
    ),
    (
        "new: [8, 1, 0, 0, 0, 1, 10]",
        "new: [8，1, 0, 0, 0, 1, 10]",
        "，",
        "N002",
        "是中文逗号“，”，应为英文逗号“,”",
    ),
    (
        "normative_documents: [3, 1, 12]",
        "normative_documents：[3, 1, 12]",
        "：",
        "N002",
        "是中文冒号“：”，应为英文冒号“:”，其后加一个空格",
    ),
    (
        "penalty: [5]",
        "penalty: [０５]",
        "０５",
        "N006",
        "是全角数字“０５”，应为半角数字“05”",
    ),
    (
        "penalty: [5]",
        "penalty: [“5”]",
        "“",
        "N006",
        "是中文引号（“），数字不加引号（本行共 2 处）",
    ),
    (
        "carried_over: [2, 0, 0, 0, 0, 0, 2]",
        "carried_over: ［2, 0, 0, 0, 0, 0, 2］",
        "［",
        "N002",
        "是中文方括号“［”，应为英文方括号“[”（本行共 2 处）",
    ),
    (
        "reconsideration: [0, 1, 0, 0, 1]",
        "reconsideration: [0；1；0；0；1]",
        "；",
        "N002",
        "是中文分号“；”，数值之间应为英文逗号“,”（本行共 4 处）",
    ),
    (
        "coercion: 0",
        "coercion:\u{3000}0",
        "\u{3000}",
        "N002",
        "是全角空格，应为半角空格",
    ),
    (
        "  licensing: 40",
        "\tlicensing: 40",
        "\t",
        "N002",
        "行首有制表符（Tab），YAML 的缩进只能用空格",
    ),
];

#[test]
fn each_full_width_slip_is_named_at_its_character() {
    for &(from, to, mark, code, message) in SLIPS {
        let site = site(BASE);
        let root = site.path();
        replace(root, R2021, from, to);
        let d = only_diagnostic(root);
        let (line, column) = position(root, R2021, to, mark);
        let at = if mark == "\t" {
            format!("第 {line} 行")
        } else {
            format!("第 {line} 行第 {column} 列")
        };
        assert_eq!(
            (
                d["code"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap(),
            ),
            (code, line, column, format!("{at}{message}").as_str()),
            "{to}"
        );
    }
}

#[test]
fn the_human_output_marks_the_full_width_comma() {
    let site = site(BASE);
    let root = site.path();
    replace(
        root,
        R2021,
        "new: [8, 1, 0, 0, 0, 1, 10]",
        "new: [8，1, 0, 0, 0, 1, 10]",
    );
    let r = run(nianbao().current_dir(root).arg("check"));
    let want = "\
error[N002]: 第 13 行第 10 列是中文逗号“，”，应为英文逗号“,”
  --> content/demo-ju/2021.md:13:10
   |
13 |   new: [8，1, 0, 0, 0, 1, 10]
   |          ^^ 中文逗号
   |
   = note: nianbao check --fix 可自动改正
";
    assert!(r.stdout.starts_with(want), "{}", r.stdout);
}

#[test]
fn names_and_narrative_keep_their_full_width_characters() {
    let site = site(BASE);
    let root = site.path();
    replace(
        root,
        R2021,
        "agency: 示例县测试局",
        "agency: 示例县（区）测试局：“一号”，２号",
    );
    replace(
        root,
        INDEX,
        "name: 示例县测试局",
        "name: 示例县（区）测试局，１",
    );
    let (exit, diags) = check_json(root, &[]);
    assert_eq!((exit, diags.len()), (0, 0), "{}", brief(&diags));
    let before = (read(root, R2021), read(root, INDEX));
    let r = run(nianbao().current_dir(root).args(["check", "--fix"]));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!((read(root, R2021), read(root, INDEX)), before);
}

#[test]
fn an_agency_file_with_a_full_width_colon() {
    let site = site(BASE);
    let root = site.path();
    replace(root, INDEX, "kind: department", "kind：department");
    let d = only_diagnostic(root);
    assert_eq!(d["file"], INDEX);
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(5))
    );
}

/// `check --fix` on a site: exit code and stderr.
fn fix(root: &Path, args: &[&str]) -> Run {
    run(nianbao()
        .current_dir(root)
        .args(["check", "--fix"])
        .args(args))
}

#[test]
fn fix_turns_every_slip_into_valid_input_and_is_idempotent() {
    let site = site(BASE);
    let root = site.path();
    let clean = read(root, R2021);
    for (from, to) in [
        ("year: 2021", "year: ２０２１"),
        ("published: 2022-01-25", "published: ２０２２-01-25"),
        (
            "normative_documents: [3, 1, 12]",
            "normative_documents：[3, 1, 12]",
        ),
        ("  licensing: 40", "\tlicensing: 40"),
        ("penalty: [5]", "penalty: [“5”]"),
        ("coercion: 0", "coercion:\u{3000}0"),
        ("fees: 12.35", "fees: １２.３５"),
        ("new: [8, 1, 0, 0, 0, 1, 10]", "new: [8，1，0，0，0，1，10]"),
        (
            "carried_over: [2, 0, 0, 0, 0, 0, 2]",
            "carried_over: ［2, 0, 0, 0, 0, 0, 2］",
        ),
        (
            "reconsideration: [0, 1, 0, 0, 1]",
            "reconsideration: [0；1；0；0；1]",
        ),
        // Quotes around a number, which check already names, go too.
        ("litigation: [0, 0, 0, 0]", "litigation: [\"0\", '0', 0, 0]"),
        ("  notices: 1", "  notices：1"),
    ] {
        replace(root, R2021, from, to);
    }
    let r = fix(root, &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(read(root, R2021), clean);
    for want in [
        "content/demo-ju/2021.md:3: 全角数字“２０２１”改为“2021”\n",
        "content/demo-ju/2021.md:7: 中文冒号“：”改为英文冒号“:”\n",
        "content/demo-ju/2021.md:8: 行首的制表符改为 2 个空格\n",
        "content/demo-ju/2021.md:9: 去掉数字两边的引号\n",
        "content/demo-ju/2021.md:13: 中文逗号“，”改为英文逗号“,”（6 处）\n",
        "content/demo-ju/2021.md:14: 中文方括号“［”改为“[”\n",
        "content/demo-ju/2021.md:44: 中文分号“；”改为英文逗号“,”（4 处）\n",
        "content/demo-ju/2021.md:45: 去掉数字两边的引号（2 处）\n",
    ] {
        assert!(r.stderr.contains(want), "{want}: {}", r.stderr);
    }
    // The check that follows found nothing.
    assert!(r.stdout.contains("0 个错误，0 个警告"), "{}", r.stdout);

    let again = fix(root, &[]);
    assert_eq!((again.code, again.stderr.as_str()), (0, ""));
    assert_eq!(read(root, R2021), clean);
}

#[test]
fn fix_leaves_a_file_it_cannot_parse_untouched_and_says_so() {
    let site = site(BASE);
    let root = site.path();
    replace(
        root,
        R2021,
        "new: [8, 1, 0, 0, 0, 1, 10]",
        "new: [8，1，0，0，0，1，10",
    );
    let before = read(root, R2021);
    let r = fix(root, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("content/demo-ju/2021.md: 未修改"),
        "{}",
        r.stderr
    );
    assert_eq!(read(root, R2021), before);
}

#[test]
fn fix_converts_gbk_to_utf8_and_only_the_paths_given() {
    let site = site(BASE);
    let root = site.path();
    to_gb18030(root, R2020);
    to_gb18030(root, R2021);
    let r = fix(root, &[R2020]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.stderr,
        "content/demo-ju/2020.md:1: 已从 GB18030（GBK）编码转换为 UTF-8\n"
    );
    assert!(read(root, R2020).contains("示例县测试局"));
    assert!(std::fs::read_to_string(root.join(R2021)).is_err());
}

#[test]
fn fix_keeps_windows_line_ends() {
    let site = site(BASE);
    let root = site.path();
    let text = read(root, R2021)
        .replace("coercion: 0", "coercion：0")
        .replace('\n', "\r\n");
    write(root, R2021, &text);
    let r = fix(root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        read(root, R2021),
        text.replace("coercion：0", "coercion: 0")
    );
}

/// A site with a site.toml and nothing else.
fn empty_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.toml", "title = \"测试\"\n");
    dir
}

#[test]
fn new_writes_the_agency_file_once_with_the_kinds_explained() {
    let site = empty_site();
    let root = site.path();
    let r = run(nianbao().current_dir(root).args([
        "new",
        "chengguan-zhen",
        "2024",
        "--agency",
        "示例县城关镇人民政府",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let index = "content/chengguan-zhen/_index.md";
    assert!(r.stdout.contains(index), "{}", r.stdout);
    let text = read(root, index);
    assert!(text.contains("name: \"示例县城关镇人民政府\""), "{text}");
    assert!(text.contains("\nregion:"), "{text}");
    // Guessed from the name, with every kind and what it changes in the comments.
    assert!(text.contains("\nkind: 乡镇 "), "{text}");
    for words in ["人民政府 或 政府：", "部门：", "乡镇 或 街道：", "其他："] {
        assert!(text.contains(&format!("#   {words}")), "{words}: {text}");
    }
    assert!(
        text.contains("次年 3 月 31 日") && text.contains("W006"),
        "{text}"
    );

    // The agency file is read as it was written: a township, so W006 speaks.
    let report = "content/chengguan-zhen/2024.md";
    replace(root, report, "rules: [0, 0, 0]", "rules: [1, 0, 1]");
    let (_, diags) = check_json(root, &[]);
    assert!(codes(&diags).contains(&"W006"), "{}", brief(&diags));
    assert!(
        !diags.iter().any(|d| d["file"] == index),
        "{}",
        brief(&diags)
    );

    // Never over an existing agency file.
    write(root, index, "---\nname: 我的\n---\n");
    let r = run(nianbao()
        .current_dir(root)
        .args(["new", "chengguan-zhen", "2023"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains(index), "{}", r.stdout);
    assert_eq!(read(root, index), "---\nname: 我的\n---\n");
    assert!(read(root, "content/chengguan-zhen/2023.md").contains("我的"));
}

#[test]
fn the_new_scaffold_says_the_fee_sentence_is_generated() {
    let site = empty_site();
    let root = site.path();
    let r = run(nianbao().current_dir(root).args(["new", "a-ju", "2024"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = read(root, "content/a-ju/2024.md");
    let six = &text[text.find("## 六、").unwrap()..];
    assert!(six.contains("由前置数据 processing_fees 生成"), "{six}");
    // Without the fee definition in the 2019 edition, nothing is said.
    let r = run(nianbao().current_dir(root).args(["new", "a-ju", "2020"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!read(root, "content/a-ju/2020.md").contains("processing_fees"));
}

#[test]
fn kind_takes_the_chinese_words_and_lists_them_when_wrong() {
    for (word, code) in [
        ("人民政府", "W003"),
        ("政府", "W003"),
        ("乡镇", "W006"),
        ("街道", "W006"),
        ("部门", ""),
        ("其他", ""),
    ] {
        let site = site(BASE);
        let root = site.path();
        replace(root, INDEX, "kind: department", &format!("kind: {word}"));
        // Published on 10 February: late for a department, on time for a government.
        replace(
            root,
            R2021,
            "published: 2022-01-25",
            "published: 2022-02-10",
        );
        replace(root, R2021, "rules: [0, 0, 0]", "rules: [1, 0, 1]");
        let (_, diags) = check_json(root, &[]);
        let got = codes(&diags);
        let late = got.contains(&"W003");
        let township = got.contains(&"W006");
        assert!(!got.contains(&"N006"), "{word}: {}", brief(&diags));
        match code {
            "W003" => assert!(!late && !township, "{word}: {}", brief(&diags)),
            "W006" => assert!(late && township, "{word}: {}", brief(&diags)),
            _ => assert!(late && !township, "{word}: {}", brief(&diags)),
        }
    }
    let site = site(BASE);
    let root = site.path();
    replace(root, INDEX, "kind: department", "kind: 乡政府");
    let d = only_diagnostic(root);
    let m = d["message"].as_str().unwrap();
    assert!(
        m.contains("人民政府、政府、部门、乡镇、街道、其他") && m.contains("是否应为“乡镇”"),
        "{m}"
    );
}

#[test]
fn check_of_a_report_also_checks_its_agency_file() {
    let site = site(BASE);
    let root = site.path();
    replace(root, INDEX, "kind: department", "kind: bureau");
    let (exit, diags) = check_json(root, &[R2021]);
    assert_eq!(exit, 1);
    assert_eq!(codes(&diags), ["N006"], "{}", brief(&diags));
    assert_eq!(diags[0]["file"], INDEX);
    // The summary still counts reports only.
    let r = run(nianbao().current_dir(root).args(["check", R2021]));
    assert!(
        r.stdout.contains("检查了 1 份报告：1 个错误"),
        "{}",
        r.stdout
    );
    // Another agency's report does not bring this agency file.
    copy_dir(
        &root.join("content/demo-ju"),
        &root.join("content/other-ju"),
    );
    std::fs::remove_file(root.join("content/other-ju/_index.md")).unwrap();
    let (exit, diags) = check_json(root, &["content/other-ju/2021.md"]);
    assert_eq!((exit, diags.len()), (0, 0), "{}", brief(&diags));
}

#[test]
fn r001_lists_each_term_with_its_line() {
    let site = site(BASE);
    let root = site.path();
    // （七）总计 not written: computed from the results, each of which is listed.
    replace(root, R2021, "    total: [9, 1, 0, 0, 0, 1, 11]\n", "");
    replace(
        root,
        R2021,
        "new: [8, 1, 0, 0, 0, 1, 10]",
        "new: [9, 1, 0, 0, 0, 1, 11]",
    );
    let r = run(nianbao().current_dir(root).args(["check", R2021]));
    let line = |has: &str| position(root, R2021, has, "").0;
    let want = format!(
        "   = note: 勾稽关系：第一项加第二项之和，等于第三项加第四项之和
           一、本年新收政府信息公开申请数量 = 9（第 {} 行）
           二、上年结转政府信息公开申请数量 = 2（第 {} 行）
           （七）总计 = 9，即各项办理结果之和：
             （一）予以公开 = 4（第 {} 行）
             （二）部分公开（区分处理的，只计这一情形，不计其他情形） = 1（第 {} 行）
             （三）不予公开 4.保护第三方合法权益 = 1（第 {} 行）
             （四）无法提供 1.本机关不掌握相关政府信息 = 2（第 {} 行）
             （五）不予处理 2.重复申请 = 1（第 {} 行）
           四、结转下年度继续办理 = 1（第 {} 行）
",
        line("  new:"),
        line("carried_over:"),
        line("granted:"),
        line("partial:"),
        line("third_party:"),
        line("not_held:"),
        line("repeated:"),
        line("carried_forward:"),
    );
    assert!(r.stdout.contains(&want), "{}", r.stdout);
}

#[test]
fn a_base_url_without_https_is_an_error_naming_the_address_meant() {
    let site = site(BASE);
    let root = site.path();
    let out = root.join("public");
    let r = run(nianbao().current_dir(root).args([
        "build",
        "--base-url",
        "www.example.gov.cn/zfxxgk/ndbg/",
    ]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("应写作 https://www.example.gov.cn/zfxxgk/ndbg/"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());

    // The same in site.toml, where check and build both stop at it.
    replace(
        root,
        "site.toml",
        "https://www.example.gov.cn/ndbg/",
        "www.example.gov.cn/ndbg/",
    );
    for cmd in ["check", "build"] {
        let r = run(nianbao().current_dir(root).arg(cmd));
        assert_eq!(r.code, 2, "{cmd}");
        assert!(
            r.stderr
                .contains("site.toml:2:12: base_url“www.example.gov.cn/ndbg/”缺少 https://")
                && r.stderr.contains("应写作 https://www.example.gov.cn/ndbg/"),
            "{cmd}: {}",
            r.stderr
        );
    }
    // A bare path still builds, with the warning about the feed.
    let r = run(nianbao()
        .current_dir(root)
        .args(["build", "--base-url", "/ndbg/"]));
    assert_eq!(r.code, 2, "site.toml is still wrong: {}", r.stderr);
    replace(root, "site.toml", "www.example.gov.cn/ndbg/", "/ndbg/");
    let r = run(nianbao().current_dir(root).arg("build"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("不是完整网址"), "{}", r.stderr);
}

/// Words of clap's English output that must not reach a user.
const ENGLISH: &[&str] = &[
    "error:",
    "Usage",
    "Options",
    "Arguments",
    "Commands",
    "Print help",
    "For more information",
    "possible values",
    "default:",
    "[OPTIONS]",
];

#[test]
fn usage_errors_are_chinese_and_name_the_argument() {
    let site = site(BASE);
    for (args, want) in [
        (
            &["new", "x", "2025年"][..],
            "错误：参数 <年度> 的值“2025年”无效：应为四位数字的年份，如 2025",
        ),
        (&["new", "x"], "错误：缺少参数：<年度>"),
        (
            &["check", "--format", "xml"],
            "错误：参数 --format <格式> 的值“xml”无效，只能是 human、json",
        ),
        (
            &["check", "--strikt"],
            "错误：不认识的参数“--strikt”，是否应为“--strict”？",
        ),
        (&["chek"], "错误：没有“chek”这个命令，是否应为"),
        (
            &["nothing"],
            "错误：没有“nothing”这个命令；可用的命令：check、import、build",
        ),
        (
            &["serve", "--port", "99999"],
            "错误：参数 --port <端口> 的值“99999”无效：应为 0 至 65535 之间的端口号",
        ),
        (
            &["build", "--drafts", "--drafts"],
            "错误：参数 --drafts 只能写一次",
        ),
        (&[], "错误：缺少命令"),
    ] {
        let r = run(nianbao().current_dir(site.path()).args(args));
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.starts_with(want), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        for w in ENGLISH {
            assert!(!r.stderr.contains(w), "{args:?}: {w} in {}", r.stderr);
        }
    }
    let r = run(nianbao().args(["new", "x", "2025年"]));
    assert!(
        r.stderr.contains("运行 nianbao new --help 查看用法"),
        "{}",
        r.stderr
    );
}

#[test]
fn help_is_chinese() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["check", "--help"],
        &["build", "--help"],
        &["serve", "--help"],
        &["new", "--help"],
        &["schema", "-h"],
    ] {
        let r = run(nianbao().args(args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(
            r.stdout.contains("\n用法：nianbao"),
            "{args:?}: {}",
            r.stdout
        );
        assert!(r.stdout.contains("\n选项：\n"), "{args:?}: {}", r.stdout);
        assert!(r.stdout.contains("显示帮助"), "{args:?}: {}", r.stdout);
        for w in ENGLISH {
            assert!(!r.stdout.contains(w), "{args:?}: {w} in {}", r.stdout);
        }
    }
    let r = run(nianbao().arg("--help"));
    assert!(r
        .stdout
        .starts_with("年报（nianbao）：政府信息公开工作年度报告"));
    assert!(r.stdout.contains("\n命令：\n  check"), "{}", r.stdout);
    let r = run(nianbao().args(["new", "--help"]));
    assert!(
        r.stdout.contains("\n参数：\n  <机关目录名>"),
        "{}",
        r.stdout
    );
    let r = run(nianbao().arg("--version"));
    assert_eq!((r.code, r.stdout.starts_with("nianbao ")), (0, true));
}

#[test]
fn a_busy_port_says_so_in_chinese_and_suggests_another() {
    let site = site(BASE);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let r = run(nianbao()
        .current_dir(site.path())
        .args(["serve", "--port", &port]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(&format!("错误：端口 {port} 已被占用")) && r.stderr.contains("--port"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Address already in use"), "{}", r.stderr);
}
