//! Property tests of `check`: whatever a report file holds — arbitrary bytes, arbitrary YAML, a
//! valid report with random edits — checking never panics, every diagnostic points into the
//! file, a file that could not be read says why, and the command ends in 0 or 1, never 101.
//! The library is driven for speed; a few binary runs close the loop.

mod common;

use std::path::Path;

use common::*;
use nianbao::cli::{self, OutputFormat};
use nianbao::diagnostic::{self, Diagnostic, HumanRenderer};
use nianbao::site::LoadOptions;
use nianbao::validate::{check_report, FileContext};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// `cases` per property, unless `PROPTEST_CASES` asks for more (a longer hunt by hand).
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Decodes and checks one report's bytes as `content/demo-ju/2020.md`, and asserts what must
/// hold of any outcome.
fn check_bytes(bytes: &[u8]) -> Vec<Diagnostic> {
    let file = R2020;
    let text = match nianbao::source::decode(file, bytes.to_vec()) {
        Ok(t) => t,
        Err(d) => {
            assert_eq!((d.code.as_str(), d.file.as_str()), ("N009", file));
            return vec![*d];
        }
    };
    let ctx = FileContext {
        file,
        slug: "demo-ju",
        this_year: LoadOptions::default().this_year,
    };
    let (report, diags) = check_report(&ctx, &text);
    let lines = text.lines().count().max(1) as u32;
    for d in &diags {
        assert_eq!(d.file, file);
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
        assert!(d.line <= lines + 1, "line {} of {lines}: {d:?}", d.line);
        assert!(!d.message.is_empty());
    }
    if report.is_none() {
        assert!(
            diags.iter().any(Diagnostic::is_error),
            "unread file without an error"
        );
    }
    // The same text as an agency file.
    let (_, agency_diags) = nianbao::validate::check_agency_file(INDEX, &text);
    for d in &agency_diags {
        assert!(
            d.file == INDEX && d.line >= 1 && d.line <= lines + 1 && d.column >= 1,
            "{d:?}"
        );
    }
    let json: serde_json::Value = serde_json::from_str(&diagnostic::to_json(&diags)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), diags.len());
    diags
}

/// Renders diagnostics as `check` prints them, with the lines of the file written under `root`.
fn render_all(root: &Path, diags: &[Diagnostic]) {
    let mut r = HumanRenderer::new(false);
    let mut diags = diags.to_vec();
    if let Some(first) = diags.first() {
        let text = std::fs::read_to_string(root.join(&first.file)).unwrap_or_default();
        diagnostic::attach_sources(&mut diags, &nianbao::source::normalize(&text));
    }
    for d in &diags {
        let text = r.render(d);
        assert!(text.contains(&format!("[{}]", d.code)), "{text}");
        assert!(
            text.contains(&format!("{}:{}:{}", d.file, d.line, d.column)),
            "{text}"
        );
    }
}

fn scalar() -> impl Strategy<Value = String> {
    let odd = prop::sample::select(vec![
        "0",
        "00",
        "012",
        "-0",
        "-1",
        "+5",
        "1.5",
        "-1.5",
        "1.",
        ".5",
        "1e3",
        "0x1F",
        "0o17",
        ".nan",
        ".NaN",
        "-.inf",
        ".inf",
        "~",
        "null",
        "''",
        "\"\"",
        "\"12\"",
        "'0'",
        "true",
        "True",
        "yes",
        "off",
        "2019",
        "2020",
        "2021",
        "2999",
        "2021-01-20",
        "2021-02-30",
        "2020-12-31",
        "1000000000",
        "1000000001",
        "1000000000.5",
        "99999999999999999999999",
        "12.34567",
        "0.0001",
        "示例县测试局",
        "!!str 5",
        "!!int 5",
        "&a 1",
        "*a",
        "*nope",
        "&b [1, 2]",
        "[0, 0, 0]",
        "[0, 0, 0, 0, 0, 0]",
        "[0, 0, 0, 0, 0, 0, 0]",
        "{}",
        "[]",
        "{notices: 0, amount: 0}",
        "|\n  text",
        ">-\n  folded",
        "\"\\u0000\"",
        "a: b",
        "- x",
        "---",
        "...",
        "#",
        "% x",
        "@",
        "`",
        "\t1",
        "1 # comment",
        "government",
        "township",
        // What a Chinese input method types.
        "，",
        "：",
        "；",
        "“36”",
        "‘0’",
        "［",
        "］",
        "０５",
        "\u{3000}",
        "[5，1，0，0，0，0]",
        "［0, 0, 0］",
        "乡镇",
        "示例县（区）教育局",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        4 => odd,
        1 => any::<i64>().prop_map(|i| i.to_string()),
        1 => any::<f64>().prop_map(|f| f.to_string()),
        1 => "[ -~]{0,12}",
        1 => "\\PC{0,8}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    // The front matter's own keys, then row and agency-file keys and YAML oddities.
    let mut keys: Vec<&'static str> = nianbao::report::TOP_KEYS.to_vec();
    keys.extend([
        "rules",
        "normative_documents",
        "licensing",
        "other_services",
        "penalty",
        "coercion",
        "fees",
        "procurement",
        "new",
        "carried_over",
        "results",
        "granted",
        "partial",
        "withheld",
        "state_secret",
        "unavailable",
        "not_held",
        "not_processed",
        "petition",
        "other",
        "no_correction",
        "total",
        "carried_forward",
        "reconsideration",
        "litigation",
        "litigation_after_reconsideration",
        "notices",
        "amount",
        "name",
        "region",
        "kind",
        "order",
        "covers",
        "W001",
        "W101",
        "W106",
        "W107",
        "R001",
        "w001",
        "date",
        "note",
        "<<",
        "? x",
        "\"quoted\"",
        "1",
        "~",
    ]);
    let known = prop::sample::select(keys).prop_map(str::to_string);
    prop_oneof![4 => known, 1 => "[a-z_]{1,10}"]
}

#[derive(Debug, Clone)]
enum Yaml {
    Scalar(String),
    List(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

fn yaml() -> impl Strategy<Value = Yaml> {
    scalar()
        .prop_map(Yaml::Scalar)
        .prop_recursive(5, 96, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Yaml::List),
                prop::collection::vec((key(), inner), 0..8).prop_map(Yaml::Map),
            ]
        })
}

/// Block style for mappings, flow style for lists of scalars, block lists otherwise.
fn emit(y: &Yaml, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    match y {
        Yaml::Scalar(s) => {
            out.push(' ');
            out.push_str(s);
            out.push('\n');
        }
        Yaml::List(items) if items.iter().all(|i| matches!(i, Yaml::Scalar(_))) => {
            let cells: Vec<&str> = items
                .iter()
                .map(|i| match i {
                    Yaml::Scalar(s) => s.as_str(),
                    _ => "",
                })
                .collect();
            out.push_str(&format!(" [{}]\n", cells.join(", ")));
        }
        Yaml::List(items) => {
            out.push('\n');
            for i in items {
                out.push_str(&format!("{pad}-"));
                emit(i, indent + 1, out);
            }
        }
        Yaml::Map(entries) => {
            out.push('\n');
            for (k, v) in entries {
                out.push_str(&format!("{pad}{k}:"));
                emit(v, indent + 1, out);
            }
        }
    }
}

fn report_text(entries: &[(String, Yaml)], body: &str) -> String {
    let mut yaml = String::new();
    emit(&Yaml::Map(entries.to_vec()), 0, &mut yaml);
    format!("---{yaml}---\n{body}")
}

fn body() -> impl Strategy<Value = String> {
    let parts = prop::sample::select(vec![
        "## 一、总体情况\n\n正文。\n",
        "## 二、主动公开政府信息情况\n",
        "## 三\n说明\n",
        "## 五、存在的主要问题及改进情况\n\n问题。\n",
        "## 六、其他需要报告的事项\n\n无。\n",
        "## 六\n<!-- 空 -->\n",
        "## 七、附件\n",
        "<!-- unclosed\n",
        "```\n## 一、总体情况\n```\n",
        "> ## 五、引用\n",
        "一、总体情况\n======\n",
        "<script>alert(1)</script>\n",
        "\n",
        // Narrative figures for W101.
        "全年新收政府信息公开申请12件，办结１２件：予以公开5件、部分公开。\n",
        "收取信息处理费 0.12345 元；收取信息处理费 1,234.5元\n",
        "`12件`<!-- 3件\n",
        "予以公开及部分公开99999999999999999999999件\n",
        "行政复议、行政诉讼2起（\n",
        "1件申请结转下年度、",
    ]);
    prop::collection::vec(parts, 0..8).prop_map(|v| v.concat())
}

/// Text for the narrative extractor and the copy check: phrases, figures, units, boundaries.
fn narrative_text() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "新收",
        "收到",
        "受理",
        "申请",
        "申请人",
        "办结",
        "答复",
        "予以公开",
        "不予以公开",
        "部分公开",
        "无法提供",
        "不予处理",
        "其他处理",
        "上年结转",
        "结转至下一年",
        "顺延",
        "行政复议",
        "行政诉讼",
        "信息处理费",
        "收取",
        "件",
        "起",
        "元",
        "万元",
        "件次",
        "12",
        "０",
        "1,234",
        "3.14159",
        ".",
        ",",
        "，",
        "、",
        "：",
        "（",
        "）",
        "[",
        "]",
        "(",
        "<!--",
        "-->",
        "`",
        "```",
        "\n",
        "\n\n",
        " ",
        "*",
        "约",
        "第",
        "及",
        "和",
        "<",
        ">",
        "](",
        "示例县教育局",
    ]);
    prop_oneof![
        prop::collection::vec(token, 0..60).prop_map(|v| v.concat()),
        "\\PC{0,200}",
    ]
}

/// A valid report with random line edits.
fn edited(base: &'static str) -> impl Strategy<Value = String> {
    let edit = (
        any::<prop::sample::Index>(),
        0..6u8,
        scalar(),
        any::<prop::sample::Index>(),
    );
    prop::collection::vec(edit, 1..6).prop_map(move |edits| {
        let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
        for (at, op, token, col) in edits {
            if lines.is_empty() {
                break;
            }
            let i = at.index(lines.len());
            match op {
                0 => {
                    lines.remove(i);
                }
                1 => lines.insert(i, lines[i].clone()),
                2 => {
                    let next = (i + 1) % lines.len();
                    lines.swap(i, next);
                }
                3 => lines.insert(i, token),
                _ => {
                    // Put the token in place of one character (or a run up to a comma).
                    let chars: Vec<char> = lines[i].chars().collect();
                    if chars.is_empty() {
                        continue;
                    }
                    let c = col.index(chars.len());
                    let end = if op == 4 {
                        c + 1
                    } else {
                        (c..chars.len())
                            .find(|j| ",]".contains(chars[*j]))
                            .unwrap_or(chars.len())
                    };
                    let mut s: String = chars[..c].iter().collect();
                    s.push_str(&token);
                    s.extend(&chars[end..]);
                    lines[i] = s;
                }
            }
        }
        lines.join("\n") + "\n"
    })
}

const BASE_2019: &str = include_str!("fixtures/valid/content/demo-ju/2020.md");
const BASE_2021: &str = include_str!("fixtures/valid/content/demo-ju/2021.md");

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_never_panic(
        prefix in prop::sample::select(vec![&b""[..], b"---\n", b"\xef\xbb\xbf---\r\n", b"---\nagency: x\n---\n"]),
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut all = prefix.to_vec();
        all.extend(bytes);
        check_bytes(&all);
    }

    #[test]
    fn arbitrary_yaml_never_panics(entries in prop::collection::vec((key(), yaml()), 0..12), body in body()) {
        check_bytes(report_text(&entries, &body).as_bytes());
    }

    #[test]
    fn edited_reports_never_panic_and_render(
        text in prop_oneof![edited(BASE_2019), edited(BASE_2021)],
    ) {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), R2020, &text);
        let diags = check_bytes(text.as_bytes());
        render_all(dir.path(), &diags);
    }
}

/// Raw HTML as reports should not hold it: a run of one nesting element, deep, then a soup of
/// tags that open, close, misnest, comment out and break out.
fn html_soup() -> impl Strategy<Value = String> {
    let nest = prop::sample::select(vec![
        "<div>",
        "<b a=1>",
        "<table><tr><td>",
        "<ul><li>",
        "<svg><g>",
        "<blockquote>",
        "<div/>",
        "<span></div>",
        "<DIV class=x>",
    ]);
    let piece = prop::sample::select(vec![
        "<div>",
        "</div>",
        "<b>",
        "</b>",
        "<i x=\"1\">",
        "</i>",
        "<p>",
        "</p>",
        "<li>",
        "<table>",
        "<tr>",
        "<td>",
        "</table>",
        "<svg>",
        "<path/>",
        "</svg>",
        "<math>",
        "<!--",
        "-->",
        "<script>",
        "</script>",
        "<textarea>",
        "</textarea>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">",
        "<a href=\"//e.gov.cn/\">",
        "</a>",
        "</span>",
        "文字",
        "\n\n",
        "<",
        ">",
        "<x-y>",
        "</x-y>",
        "<div",
        "&amp;",
        "**",
        "> ",
        "- ",
    ]);
    (nest, 0usize..2500, prop::collection::vec(piece, 0..300))
        .prop_map(|(nest, depth, pieces)| format!("{}{}", nest.repeat(depth), pieces.concat()))
}

/// The deepest nesting of elements in the sanitiser's output (well formed: every element but a
/// void one is closed).
fn output_depth(html: &str) -> usize {
    const VOID: &[&str] = &["br", "img", "hr", "col", "wbr", "area", "input", "source"];
    let (mut depth, mut deepest) = (0usize, 0usize);
    for tag in html.split('<').skip(1) {
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        if let Some(_closed) = name.strip_prefix('/') {
            depth = depth.saturating_sub(1);
        } else if !name.is_empty() && !VOID.contains(&name.as_str()) && !tag.starts_with("!--") {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

proptest! {
    #![proptest_config(config(64))]

    /// Any raw HTML, nested to any depth: no panic, nothing active reaches the page, and the
    /// page nests no deeper than a constant times the bound (a table's row and cell add two
    /// levels to each table counted).
    #[test]
    fn the_sanitiser_takes_any_nesting(html in html_soup()) {
        let bound = nianbao::markdown::MAX_HTML_DEPTH;
        let out = nianbao::markdown::to_html(&html, "/a/", "s1-");
        let page = scraper::Html::parse_fragment(&out);
        let any = scraper::Selector::parse("*").unwrap();
        for el in page.select(&any) {
            let name = el.value().name();
            prop_assert!(!matches!(name, "script" | "iframe" | "style"), "<{}> in {}", name, out);
            for (attr, value) in el.value().attrs() {
                prop_assert!(!attr.starts_with("on"), "{}= in {}", attr, out);
                let v = value.trim().to_lowercase();
                prop_assert!(!v.starts_with("javascript:"), "{}={} in {}", attr, value, out);
            }
        }
        let depth = output_depth(&out);
        prop_assert!(depth <= 4 * bound + 8, "depth {} of {}", depth, &html[..html.len().min(200)]);
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn the_narrative_and_copy_checks_never_panic(text in narrative_text(), numeral in prop::sample::select(vec!["一", "三", "四", "六"])) {
        for s in nianbao::validate::narrative::statements(&text, numeral) {
            prop_assert!(s.at < text.chars().count() && s.width >= 1);
        }
        let norm = nianbao::validate::copied::normalise(&text, "示例县教育局");
        prop_assert!(!norm.contains("示例县教育局"));
        let _ = nianbao::validate::copied::similarity(&text, "", &text, "x");
        if let Some(p) = nianbao::validate::copied::SectionPrint::of(&text, "", 1, 1) {
            prop_assert_eq!(p.estimate(&p), 1.0);
        }
    }

    #[test]
    fn acknowledge_and_revisions_of_any_shape_never_panic(
        ack in yaml(),
        revisions in yaml(),
    ) {
        let mut text = BASE_2021.replacen("---\n", "", 1);
        let mut extra = String::new();
        emit(&Yaml::Map(vec![("acknowledge".into(), ack), ("revisions".into(), revisions)]), 0, &mut extra);
        text = format!("---{extra}{text}");
        check_bytes(text.as_bytes());
        let (_, diags) = nianbao::validate::check_agency_file(INDEX, &format!("---{extra}---\n"));
        for d in diags {
            prop_assert!(d.line >= 1 && d.column >= 1);
        }
    }
}

/// TOML-ish text: keys, tables, strings and CJK characters.
fn site_toml() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "title",
        "titel",
        "base_url",
        "theme",
        "output_dir",
        "[portal]",
        "[build]",
        "[check]",
        "similarity",
        "[regions]",
        "shilixian",
        "0.95",
        "\"示例省示例市示例县\"",
        "[[x]]",
        "strict",
        "organizer",
        " = ",
        "=",
        "\"",
        "'",
        "\"\"\"",
        "示例县",
        "（）",
        "\n",
        "\r\n",
        "true",
        "1",
        "-",
        "#",
        "[",
        "]",
        "{",
        "}",
        ".",
        ",",
        "\\",
        "\\u00e9",
        "\t",
        " ",
    ]);
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn site_toml_never_panics(text in site_toml()) {
        if let Ok((_, diags)) = nianbao::config::parse(&text) {
            for d in diags {
                prop_assert!(["N003", "N006", "N012"].contains(&d.code.as_str()) && d.file == "site.toml");
                prop_assert!(d.line >= 1 && d.column >= 1);
            }
        }
    }
}

proptest! {
    // Whole sites through the command function: slower, so fewer cases.
    #![proptest_config(config(48))]

    #[test]
    fn the_check_command_ends_in_0_or_1(
        text in prop_oneof![edited(BASE_2019), edited(BASE_2021), "\\PC{0,200}"],
        json in any::<bool>(),
        strict in any::<bool>(),
    ) {
        let site = site(BASE);
        write(site.path(), R2021, &text);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let format = if json { OutputFormat::Json } else { OutputFormat::Human };
        let code = cli::check(Some(site.path()), strict, format, &[], &mut out, &mut err, false);
        prop_assert!(code <= 1, "exit {code}: {}", String::from_utf8_lossy(&err));
        let out = String::from_utf8(out).unwrap();
        if json {
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            prop_assert_eq!(code == 1, v.as_array().unwrap().iter().any(|d| d["severity"] == "error"));
        } else {
            prop_assert!(out.contains("检查了 2 份报告"), "{}", out);
        }
    }
}

/// The lines of the front matter that name something (`agency`, `title`), trimmed.
fn name_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("agency:") || l.starts_with("title:"))
        .collect()
}

proptest! {
    #![proptest_config(config(256))]

    /// `check --fix` on random edits: never panics; what it writes parses, keeps the body and
    /// the names, and a second run changes nothing.
    #[test]
    fn fix_never_panics_and_is_idempotent(
        text in prop_oneof![edited(BASE_2019), edited(BASE_2021)],
        gbk in any::<bool>(),
        agency_file in any::<bool>(),
    ) {
        let bytes = if gbk {
            encoding_rs::GB18030.encode(&text).0.into_owned()
        } else {
            text.clone().into_bytes()
        };
        if let nianbao::fix::Outcome::Fixed(new, changes) = nianbao::fix::fix(&bytes, agency_file) {
            prop_assert!(!changes.is_empty());
            let new = String::from_utf8(new).expect("UTF-8");
            prop_assert_eq!(nianbao::fix::fix(new.as_bytes(), agency_file), nianbao::fix::Outcome::Unchanged);
            if let (Ok(before), Ok(after)) = (nianbao::frontmatter::split(&text), nianbao::frontmatter::split(&new)) {
                prop_assert_eq!(before.body, after.body);
                prop_assert!(nianbao::frontmatter::parse(after.yaml, after.yaml_line).is_ok());
                for line in name_lines(before.yaml) {
                    prop_assert!(after.yaml.contains(line), "{} changed", line);
                }
            }
        }
    }
}

/// Regression inputs worth keeping whatever proptest draws.
#[test]
fn known_hard_inputs_never_panic() {
    let deep = "[".repeat(100_000);
    let mut bomb = String::from("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let p = if i == 0 {
            "a".to_string()
        } else {
            format!("a{}", i - 1)
        };
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*{p}"); 10].join(", ")
        ));
    }
    bomb.push_str("---\n");
    let inputs: Vec<Vec<u8>> = vec![
        vec![],
        b"---".to_vec(),
        b"---\n---".to_vec(),
        b"---\n---\n".to_vec(),
        b"\xef\xbb\xbf".to_vec(),
        b"\r\r\r---\r".to_vec(),
        format!("---\n{deep}\n---\n").into_bytes(),
        bomb.into_bytes(),
        b"---\n\0\0\0\n---\n".to_vec(),
        b"---\napplications:\n  new: [\xe4\xb8\n---\n".to_vec(),
        b"\xff\xfe-\0-\0-\0".to_vec(),
        format!("---\nagency: {}\n---\n", "长".repeat(100_000)).into_bytes(),
        b"---\n? [a, b]\n: c\n---\n".to_vec(),
        b"---\n!!binary aGVsbG8=\n---\n".to_vec(),
        b"---\n&x a: *x\n---\n".to_vec(),
        b"---\n<<: {year: 2020}\n---\n".to_vec(),
        b"---\nyear: 2020\n...\n---\n".to_vec(),
        b"---\nyear: 2020\n---\nx: 1\n---\n".to_vec(),
        b"---\n%YAML 1.2\n---\n".to_vec(),
        b"---\nactive:\n  rules: [\t1, 1, 1]\n---\n".to_vec(),
        b"---\n%\nagency: x\n---\n".to_vec(),
        b"---\nactive:\n  rules: [0, 0, 0\n---\n".to_vec(),
        b"---\nagency: \x1b[31mred\x07\nyear: [\x1b]\n---\n".to_vec(),
        BASE_2021
            .replace("## 一、总体情况", "## 一、总体情况\n\n## 一")
            .into_bytes(),
        BASE_2019.replace('\n', "\r").into_bytes(),
    ];
    let dir = tempfile::tempdir().unwrap();
    for bytes in inputs {
        write(dir.path(), R2020, &bytes);
        let diags = check_bytes(&bytes);
        render_all(dir.path(), &diags);
    }
}

/// The binary itself, on a site whose files are garbage: never 101, always diagnostics.
#[test]
fn the_binary_survives_garbage_files() {
    let site = site(BASE);
    let r = site.path();
    // A deterministic byte soup, so that a failure can be reproduced.
    let mut x: u32 = 0x2545_f491;
    let soup: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    write(r, R2020, &soup);
    write(r, INDEX, &soup[..300]);
    write(r, "content/x-ju/2021.md", b"");
    write(r, "content/x-ju/2022.md", b"---\n\0\xff\n---\n");
    std::fs::create_dir_all(r.join("content/x-ju/2023.md")).unwrap();
    write(r, "content/x-ju/2023.md/2019.md", "nested too deep\n");
    for format in ["human", "json"] {
        let out = run(nianbao()
            .arg("--root")
            .arg(r)
            .args(["check", "--format", format]));
        assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        for code in ["N009", "N001"] {
            assert!(out.stdout.contains(code), "{code} missing:\n{}", out.stdout);
        }
    }
}
