//! Across reports (across.md): the roll-ups (汇总) of a region and of the site per year — which
//! reports are included, excluded and 未发布, their sums, `rollup.json`, `rollup.csv`,
//! `data/rollups.json` and the region year page — and the year-on-year comparison (与上年对比) of
//! a report page with `previous` in `report.json`.
//!
//! The fixture site is written by [`fixture`]: every figure of every report is in this file, and
//! every expected sum is worked out by hand beside it (never computed by the code under test).

mod common;

use std::cell::RefCell;
use std::path::Path;

use common::*;
use serde_json::{json, Value};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// The fixture site
// ---------------------------------------------------------------------------------------------

const SITE_TOML: &str = r#"title = "汇总测试站"
base_url = "https://www.example.gov.cn/ndbg/"
language = "zh-CN"
theme = "default"
output_dir = "public"

[portal]
organizer = "丙县人民政府办公室"

[regions]
city = "甲省乙市"
county = "甲省乙市丙县"
town = "甲省乙市丙县丁镇"
"#;

const BASE_URL: &str = "https://www.example.gov.cn/ndbg/";

/// `content/<slug>/_index.md` of each agency: slug, front matter.
const AGENCIES: &[(&str, &str)] = &[
    (
        "zhengfu",
        "name: 丙县人民政府\nregion: 甲省乙市丙县\nkind: government\ncovers: 甲省乙市丙县\norder: 0",
    ),
    (
        "jiaoyu",
        "name: 丙县教育局\nregion: 甲省乙市丙县\nkind: department\norder: 1",
    ),
    (
        "gongan",
        "name: 丙县公安局\nregion: 甲省乙市丙县\nkind: department\norder: 2",
    ),
    (
        "weijian",
        "name: 丙县卫生健康局\nregion: 甲省乙市丙县\nkind: department\norder: 3",
    ),
    (
        "dingzhen",
        "name: 丁镇人民政府\nregion: 甲省乙市丙县丁镇\nkind: township\norder: 4",
    ),
    // No region: only in the site's roll-up.
    ("dangan", "name: 乙市档案馆\nkind: other\norder: 5"),
];

/// The rows of table 三 of an edition, by key path, in the official order (formats.md).
fn application_rows(edition: u16) -> Vec<&'static str> {
    let mut rows = vec![
        "new",
        "carried_over",
        "results.granted",
        "results.partial",
        "results.withheld.state_secret",
        "results.withheld.prohibited",
        "results.withheld.security",
        "results.withheld.third_party",
        "results.withheld.internal",
        "results.withheld.process",
        "results.withheld.enforcement",
        "results.withheld.inquiry",
        "results.unavailable.not_held",
        "results.unavailable.needs_creation",
        "results.unavailable.unclear",
        "results.not_processed.petition",
        "results.not_processed.repeated",
        "results.not_processed.publication",
        "results.not_processed.excessive",
        "results.not_processed.reconfirm",
    ];
    if edition == 2019 {
        rows.push("results.other");
    } else {
        rows.extend([
            "results.other.no_correction",
            "results.other.fee_unpaid",
            "results.other.other",
        ]);
    }
    rows.push("carried_forward");
    rows
}

/// The rows of table 二 of an edition with their zero value (formats.md).
fn active_rows(edition: u16) -> Vec<(&'static str, &'static str)> {
    if edition == 2019 {
        vec![
            ("rules", "[0, 0, 0]"),
            ("normative_documents", "[0, 0, 0]"),
            ("licensing", "[0, 0, 0]"),
            ("other_services", "[0, 0, 0]"),
            ("penalty", "[0, 0, 0]"),
            ("coercion", "[0, 0, 0]"),
            ("fees", "[0, 0]"),
            ("procurement", "[0, 0]"),
        ]
    } else {
        vec![
            ("rules", "[0, 0, 0]"),
            ("normative_documents", "[0, 0, 0]"),
            ("licensing", "0"),
            ("penalty", "0"),
            ("coercion", "0"),
            ("fees", "0"),
        ]
    }
}

const APPEALS: [&str; 3] = [
    "reconsideration",
    "litigation",
    "litigation_after_reconsideration",
];

/// A report file: every row of its edition, zeros unless `set` gives the row (by key path, as
/// `active.licensing`, `applications.results.granted`, `appeals.litigation`,
/// `processing_fees`). `head` is written as it is after `year` (e.g. `format: 2019`).
fn report(agency: &str, year: u16, edition: u16, head: &str, set: &[(&str, &str)]) -> String {
    let used = RefCell::new(Vec::new());
    let get = |key: &str, zero: &str| -> String {
        match set.iter().find(|(k, _)| *k == key) {
            Some((k, v)) => {
                used.borrow_mut().push(*k);
                v.to_string()
            }
            None => zero.to_string(),
        }
    };
    let mut y = format!("---\nagency: {agency}\nyear: {year}\n{head}");
    if !head.is_empty() && !head.ends_with('\n') {
        y.push('\n');
    }
    y.push_str("active:\n");
    for (key, zero) in active_rows(edition) {
        y.push_str(&format!(
            "  {key}: {}\n",
            get(&format!("active.{key}"), zero)
        ));
    }
    y.push_str("applications:\n");
    let mut open: Vec<&str> = Vec::new();
    for path in application_rows(edition) {
        let parts: Vec<&str> = path.split('.').collect();
        let (groups, leaf) = parts.split_at(parts.len() - 1);
        // Close the groups this row is not in, open the ones it is.
        let keep = open.iter().zip(groups).take_while(|(a, b)| a == b).count();
        open.truncate(keep);
        for g in &groups[keep..] {
            y.push_str(&format!("{}{g}:\n", "  ".repeat(open.len() + 1)));
            open.push(g);
        }
        y.push_str(&format!(
            "{}{}: {}\n",
            "  ".repeat(open.len() + 1),
            leaf[0],
            get(&format!("applications.{path}"), "[0, 0, 0, 0, 0, 0]")
        ));
    }
    y.push_str("appeals:\n");
    for g in APPEALS {
        y.push_str(&format!(
            "  {g}: {}\n",
            get(&format!("appeals.{g}"), "[0, 0, 0, 0]")
        ));
    }
    if edition == 2021 {
        y.push_str(&format!(
            "processing_fees: {}\n",
            get("processing_fees", "{notices: 0, amount: 0}")
        ));
    }
    y.push_str("---\n\n## 一、总体情况\n\n本机关依法做好政府信息公开工作。\n\n## 五、存在的主要问题及改进情况\n\n公开内容仍需充实。\n\n## 六、其他需要报告的事项\n\n无。\n");
    let used = used.into_inner();
    for (k, _) in set {
        assert!(used.contains(k), "{agency} {year}: no row {k}");
    }
    y
}

/// `published: <year + 1>-01-20`.
fn published(year: u16) -> String {
    format!("published: {}-01-20", year + 1)
}

/// The fixture site in a fresh temp dir.
///
/// | agency | region | 2020 | 2021 | 2022 | 2023 |
/// |---|---|---|---|---|---|
/// | zhengfu | county, `covers` it | 2019 ed. | 2021 ed. | 2021 ed. | — |
/// | jiaoyu | county | 2019 ed. | 2021 ed. | 2021 ed. | 2021 ed. |
/// | gongan | county | 2019 ed. | 2021 ed. | **2019 ed.** (excluded) | — (未发布) |
/// | weijian | county | — | 2021 ed. | — (未发布) | 2021 ed. (gap year) |
/// | dingzhen | town | **2021 ed.** (excluded) | 2021 ed. | 2021 ed. | draft |
/// | dangan | none | — | 2021 ed. | — (未发布, site only) | — |
fn fixture() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "site.toml", SITE_TOML);
    for (slug, front) in AGENCIES {
        write(
            root,
            &format!("content/{slug}/_index.md"),
            format!("---\n{front}\n---\n"),
        );
    }
    let put = |slug: &str, agency: &str, year: u16, edition: u16, head: &str, set| {
        write(
            root,
            &format!("content/{slug}/{year}.md"),
            report(agency, year, edition, head, set),
        );
    };

    // ---- 2020: the 2019 edition is the default.
    put(
        "jiaoyu",
        "丙县教育局",
        2020,
        2019,
        &published(2020),
        &[
            ("active.rules", "[1, 1, 5]"),
            ("active.normative_documents", "[2, 2, 8]"),
            ("active.licensing", "[5, -2, 3]"),
            ("active.other_services", "[1, 0, 1]"),
            ("active.penalty", "[2, 1, 4]"),
            ("active.fees", "[3, -1]"),
            ("active.procurement", "[1, 0.1]"),
            ("applications.new", "[4, 1, 0, 0, 0, 0]"),
            ("applications.carried_over", "[1, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[2, 1, 0, 0, 0, 0]"),
            ("applications.results.partial", "[1, 0, 0, 0, 0, 0]"),
            (
                "applications.results.withheld.third_party",
                "[1, 0, 0, 0, 0, 0]",
            ),
            ("applications.carried_forward", "[1, 0, 0, 0, 0, 0]"),
            ("appeals.reconsideration", "[1, 0, 0, 0]"),
            ("appeals.litigation", "[0, 1, 0, 0]"),
        ],
    );
    put(
        "gongan",
        "丙县公安局",
        2020,
        2019,
        &published(2020),
        &[
            ("active.normative_documents", "[1, 1, 3]"),
            ("active.licensing", "[4, 1, 2]"),
            ("active.penalty", "[10, -3, 7]"),
            ("active.coercion", "[1, 0, 1]"),
            ("active.fees", "[2, -2]"),
            ("active.procurement", "[2, 0.2]"),
            ("applications.new", "[2, 0, 0, 0, 1, 0]"),
            ("applications.results.granted", "[1, 0, 0, 0, 1, 0]"),
            (
                "applications.results.unavailable.not_held",
                "[1, 0, 0, 0, 0, 0]",
            ),
            ("appeals.reconsideration", "[0, 1, 0, 1]"),
            ("appeals.litigation_after_reconsideration", "[1, 0, 0, 0]"),
        ],
    );
    // On the other edition: excluded from 2020's roll-ups (its figures would show if summed).
    put(
        "dingzhen",
        "丁镇人民政府",
        2020,
        2021,
        &format!("format: 2021\n{}", published(2020)),
        &[
            ("active.licensing", "100"),
            ("applications.new", "[100, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[100, 0, 0, 0, 0, 0]"),
        ],
    );
    // The county's own report (covers the county): never summed.
    put(
        "zhengfu",
        "丙县人民政府",
        2020,
        2019,
        &published(2020),
        &[
            ("active.licensing", "[1000, 0, 1000]"),
            ("applications.new", "[1000, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[1000, 0, 0, 0, 0, 0]"),
        ],
    );

    // ---- 2021: the 2021 edition.
    put(
        "jiaoyu",
        "丙县教育局",
        2021,
        2021,
        &published(2021),
        &[
            ("active.normative_documents", "[2, 1, 9]"),
            ("active.licensing", "16"),
            ("active.penalty", "16"),
            ("active.fees", "12.35"),
            ("applications.new", "[50, 3, 0, 0, 1, 1]"),
            ("applications.carried_over", "[1, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[30, 2, 0, 0, 1, 0]"),
            ("applications.results.partial", "[5, 0, 0, 0, 0, 0]"),
            (
                "applications.results.withheld.process",
                "[3, 0, 0, 0, 0, 0]",
            ),
            (
                "applications.results.unavailable.not_held",
                "[4, 1, 0, 0, 0, 0]",
            ),
            (
                "applications.results.not_processed.repeated",
                "[2, 0, 0, 0, 0, 0]",
            ),
            (
                "applications.results.other.no_correction",
                "[1, 0, 0, 0, 0, 1]",
            ),
            ("applications.carried_forward", "[6, 0, 0, 0, 0, 0]"),
            ("appeals.litigation", "[1, 0, 0, 0]"),
            ("processing_fees", "{notices: 1, amount: 0.1}"),
        ],
    );
    put(
        "gongan",
        "丙县公安局",
        2021,
        2021,
        &published(2021),
        &[
            ("active.rules", "[1, 0, 1]"),
            ("active.normative_documents", "[0, 0, 4]"),
            ("active.licensing", "7"),
            ("active.penalty", "30"),
            ("active.coercion", "2"),
            ("active.fees", "0.2"),
            ("applications.new", "[3, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[2, 0, 0, 0, 0, 0]"),
            (
                "applications.results.other.fee_unpaid",
                "[1, 0, 0, 0, 0, 0]",
            ),
            ("appeals.reconsideration", "[1, 0, 0, 1]"),
            ("processing_fees", "{notices: 1, amount: 0.2}"),
        ],
    );
    put(
        "weijian",
        "丙县卫生健康局",
        2021,
        2021,
        &published(2021),
        &[
            ("active.normative_documents", "[0, 0, 2]"),
            ("active.licensing", "20"),
            ("active.penalty", "5"),
            ("active.coercion", "1"),
            ("active.fees", "1.5"),
            ("applications.new", "[2, 1, 0, 0, 0, 0]"),
            ("applications.results.granted", "[1, 1, 0, 0, 0, 0]"),
            ("applications.results.partial", "[1, 0, 0, 0, 0, 0]"),
            ("appeals.litigation_after_reconsideration", "[0, 0, 1, 0]"),
        ],
    );
    put(
        "dingzhen",
        "丁镇人民政府",
        2021,
        2021,
        &published(2021),
        &[
            ("active.normative_documents", "[1, 0, 1]"),
            ("active.licensing", "3"),
            ("applications.new", "[1, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[1, 0, 0, 0, 0, 0]"),
        ],
    );
    put(
        "dangan",
        "乙市档案馆",
        2021,
        2021,
        &published(2021),
        &[
            ("active.normative_documents", "[1, 1, 1]"),
            ("applications.new", "[0, 0, 0, 0, 0, 2]"),
            ("applications.results.granted", "[0, 0, 0, 0, 0, 2]"),
            ("processing_fees", "{notices: 2, amount: 30}"),
        ],
    );
    put(
        "zhengfu",
        "丙县人民政府",
        2021,
        2021,
        &published(2021),
        &[
            ("active.licensing", "1000"),
            ("applications.new", "[1000, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[1000, 0, 0, 0, 0, 0]"),
        ],
    );

    // ---- 2022: the 2021 edition; gongan writes the 2019 one (excluded); weijian and dangan
    // publish nothing (未发布).
    put(
        "jiaoyu",
        "丙县教育局",
        2022,
        2021,
        &published(2022),
        &[
            ("active.normative_documents", "[1, 0, 10]"),
            ("active.licensing", "17"),
            ("active.penalty", "15"),
            ("active.fees", "12.5"),
            ("applications.new", "[55, 4, 0, 0, 1, 1]"),
            ("applications.carried_over", "[6, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[35, 3, 0, 0, 1, 0]"),
            ("applications.results.partial", "[4, 0, 0, 0, 0, 0]"),
            (
                "applications.results.unavailable.not_held",
                "[2, 1, 0, 0, 0, 0]",
            ),
            ("applications.results.other.other", "[2, 0, 0, 0, 0, 1]"),
            ("applications.carried_forward", "[18, 0, 0, 0, 0, 0]"),
            ("appeals.reconsideration", "[2, 1, 0, 0]"),
        ],
    );
    put(
        "gongan",
        "丙县公安局",
        2022,
        2019,
        &format!("format: 2019\n{}", published(2022)),
        &[
            ("active.licensing", "[100, 0, 100]"),
            ("applications.new", "[100, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[100, 0, 0, 0, 0, 0]"),
        ],
    );
    put(
        "dingzhen",
        "丁镇人民政府",
        2022,
        2021,
        &published(2022),
        &[
            ("active.normative_documents", "[0, 0, 1]"),
            ("active.licensing", "2"),
            ("active.fees", "0.05"),
            ("applications.new", "[2, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[1, 0, 0, 0, 0, 0]"),
            ("applications.results.partial", "[1, 0, 0, 0, 0, 0]"),
        ],
    );
    put(
        "zhengfu",
        "丙县人民政府",
        2022,
        2021,
        &published(2022),
        &[
            ("active.licensing", "1000"),
            ("applications.new", "[1000, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[1000, 0, 0, 0, 0, 0]"),
        ],
    );

    // ---- 2023: weijian is back after a gap; dingzhen's report is a draft; gongan is 未发布.
    put(
        "jiaoyu",
        "丙县教育局",
        2023,
        2021,
        &published(2023),
        &[
            ("applications.new", "[1, 0, 0, 0, 0, 0]"),
            ("applications.carried_over", "[18, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[19, 0, 0, 0, 0, 0]"),
        ],
    );
    put(
        "weijian",
        "丙县卫生健康局",
        2023,
        2021,
        &published(2023),
        &[
            ("applications.new", "[4, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[4, 0, 0, 0, 0, 0]"),
        ],
    );
    put(
        "dingzhen",
        "丁镇人民政府",
        2023,
        2021,
        "draft: true",
        &[
            ("applications.new", "[3, 0, 0, 0, 0, 0]"),
            ("applications.results.granted", "[3, 0, 0, 0, 0, 0]"),
        ],
    );
    dir
}

/// `nianbao --root ROOT build ARGS…` into `ROOT/public`; panics unless it succeeds.
fn build(root: &Path, args: &[&str]) {
    let r = run(nianbao().arg("--root").arg(root).arg("build").args(args));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

/// The fixture, built (drafts published with `--drafts`).
fn built(drafts: bool) -> TempDir {
    let site = fixture();
    build(site.path(), if drafts { &["--drafts"] } else { &[] });
    site
}

fn json_at(root: &Path, file: &str) -> Value {
    let text = read(root, &format!("public/{file}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}\n{text}"))
}

// ---------------------------------------------------------------------------------------------
// Expected values, by hand
// ---------------------------------------------------------------------------------------------

/// Sets the value at a dotted key path, creating the objects on the way.
fn set(v: &mut Value, path: &str, x: Value) {
    let mut at = v;
    for part in path.split('.') {
        if !at.is_object() {
            *at = json!({});
        }
        at = at
            .as_object_mut()
            .unwrap()
            .entry(part.to_string())
            .or_insert(Value::Null);
    }
    *at = x;
}

/// The tables of a report of an edition with every cell 0, keyed as formats.md keys them, totals
/// included (table 三's rows of 7 cells and its `results.total`, table 四's groups of 5).
fn zero_tables(edition: u16) -> Value {
    let mut t = json!({});
    for (key, zero) in active_rows(edition) {
        let n = zero.matches('0').count();
        set(&mut t, &format!("active.{key}"), json!(vec![0; n]));
    }
    for path in application_rows(edition) {
        if path == "carried_forward" {
            set(&mut t, "applications.results.total", json!(vec![0; 7]));
        }
        set(&mut t, &format!("applications.{path}"), json!(vec![0; 7]));
    }
    for g in APPEALS {
        set(&mut t, &format!("appeals.{g}"), json!(vec![0; 5]));
    }
    let fees = if edition == 2021 {
        json!({"notices": 0, "amount": 0})
    } else {
        Value::Null
    };
    set(&mut t, "processing_fees", fees);
    t
}

/// The tables of an edition: zeros but for `cells` (each path must name a cell of the edition).
fn tables(edition: u16, cells: &[(&str, Value)]) -> Value {
    let mut t = zero_tables(edition);
    for (path, x) in cells {
        let at = path.split('.').try_fold(&t, |v, k| v.get(k));
        assert!(at.is_some(), "{edition}: no cell {path}");
        set(&mut t, path, x.clone());
    }
    t
}

/// Every leaf of a JSON value with its dotted path.
fn leaves(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(x, &p, out);
            }
        }
        x => out.push((path.to_string(), x.clone())),
    }
}

/// `got`'s tables (`active`, `applications`, `appeals`, `processing_fees`) equal `want`, cell by
/// cell; the message names every cell that differs.
fn assert_tables(got: &Value, want: &Value, what: &str) {
    let keys = ["active", "applications", "appeals", "processing_fees"];
    let mut g = Vec::new();
    let mut w = Vec::new();
    for k in keys {
        leaves(&got[k], k, &mut g);
        leaves(&want[k], k, &mut w);
    }
    let diff: Vec<String> = w
        .iter()
        .filter(|(p, x)| g.iter().find(|(q, _)| q == p).map(|(_, y)| y) != Some(x))
        .map(|(p, x)| {
            let found = g.iter().find(|(q, _)| q == p).map(|(_, y)| y.to_string());
            format!(
                "{p}: want {x}, got {}",
                found.unwrap_or_else(|| "nothing".into())
            )
        })
        .chain(
            g.iter()
                .filter(|(p, _)| !w.iter().any(|(q, _)| q == p))
                .map(|(p, y)| format!("{p}: unexpected {y}")),
        )
        .collect();
    assert!(diff.is_empty(), "{what}:\n{}", diff.join("\n"));
}

/// A JSON value with every number and string replaced by null: its keys (in order) and shape.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), shape(x))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(shape).collect()),
        _ => Value::Null,
    }
}

/// County 2020 (2019 edition): 教育局 + 公安局. 丁镇 is on the 2021 edition (excluded); the
/// county government `covers` the county (never summed).
fn county_2020() -> Value {
    tables(
        2019,
        &[
            // 教育局 [1, 1, 5] + 公安局 [0, 0, 0]
            ("active.rules", json!([1, 1, 5])),
            // [2, 2, 8] + [1, 1, 3]
            ("active.normative_documents", json!([3, 3, 11])),
            // [5, −2, 3] + [4, 1, 2]: a negative 本年增/减 summed like the others
            ("active.licensing", json!([9, -1, 5])),
            ("active.other_services", json!([1, 0, 1])),
            // [2, 1, 4] + [10, −3, 7]
            ("active.penalty", json!([12, -2, 11])),
            ("active.coercion", json!([1, 0, 1])),
            // [3, −1] + [2, −2]
            ("active.fees", json!([5, -3])),
            // [1, 0.1] + [2, 0.2]: exactly 0.3
            ("active.procurement", json!([3, 0.3])),
            // [4, 1, 0, 0, 0, 0] + [2, 0, 0, 0, 1, 0]
            ("applications.new", json!([6, 1, 0, 0, 1, 0, 8])),
            ("applications.carried_over", json!([1, 0, 0, 0, 0, 0, 1])),
            // [2, 1, 0, 0, 0, 0] + [1, 0, 0, 0, 1, 0]
            ("applications.results.granted", json!([3, 1, 0, 0, 1, 0, 5])),
            ("applications.results.partial", json!([1, 0, 0, 0, 0, 0, 1])),
            (
                "applications.results.withheld.third_party",
                json!([1, 0, 0, 0, 0, 0, 1]),
            ),
            (
                "applications.results.unavailable.not_held",
                json!([1, 0, 0, 0, 0, 0, 1]),
            ),
            ("applications.results.total", json!([6, 1, 0, 0, 1, 0, 8])),
            ("applications.carried_forward", json!([1, 0, 0, 0, 0, 0, 1])),
            // [1, 0, 0, 0] + [0, 1, 0, 1]
            ("appeals.reconsideration", json!([1, 1, 0, 1, 3])),
            ("appeals.litigation", json!([0, 1, 0, 0, 1])),
            (
                "appeals.litigation_after_reconsideration",
                json!([1, 0, 0, 0, 1]),
            ),
        ],
    )
}

/// County 2021 (2021 edition): 教育局 + 公安局 + 卫健局 + 丁镇.
fn county_2021() -> Value {
    tables(
        2021,
        &[
            ("active.rules", json!([1, 0, 1])),
            // [2, 1, 9] + [0, 0, 4] + [0, 0, 2] + [1, 0, 1]
            ("active.normative_documents", json!([3, 1, 16])),
            // 16 + 7 + 20 + 3
            ("active.licensing", json!([46])),
            // 16 + 30 + 5 + 0
            ("active.penalty", json!([51])),
            ("active.coercion", json!([3])),
            // 12.35 + 0.2 + 1.5 + 0
            ("active.fees", json!([14.05])),
            // [50, 3, 0, 0, 1, 1] + [3, 0, …] + [2, 1, 0, …] + [1, 0, …]
            ("applications.new", json!([56, 4, 0, 0, 1, 1, 62])),
            ("applications.carried_over", json!([1, 0, 0, 0, 0, 0, 1])),
            // [30, 2, 0, 0, 1, 0] + [2, …] + [1, 1, …] + [1, …]
            (
                "applications.results.granted",
                json!([34, 3, 0, 0, 1, 0, 38]),
            ),
            ("applications.results.partial", json!([6, 0, 0, 0, 0, 0, 6])),
            (
                "applications.results.withheld.process",
                json!([3, 0, 0, 0, 0, 0, 3]),
            ),
            (
                "applications.results.unavailable.not_held",
                json!([4, 1, 0, 0, 0, 0, 5]),
            ),
            (
                "applications.results.not_processed.repeated",
                json!([2, 0, 0, 0, 0, 0, 2]),
            ),
            (
                "applications.results.other.no_correction",
                json!([1, 0, 0, 0, 0, 1, 2]),
            ),
            (
                "applications.results.other.fee_unpaid",
                json!([1, 0, 0, 0, 0, 0, 1]),
            ),
            // 自然人 34 + 6 + 3 + 4 + 2 + 1 + 1; 商业企业 3 + 1
            ("applications.results.total", json!([51, 4, 0, 0, 1, 1, 57])),
            ("applications.carried_forward", json!([6, 0, 0, 0, 0, 0, 6])),
            ("appeals.reconsideration", json!([1, 0, 0, 1, 2])),
            ("appeals.litigation", json!([1, 0, 0, 0, 1])),
            (
                "appeals.litigation_after_reconsideration",
                json!([0, 0, 1, 0, 1]),
            ),
            // notices 1 + 1, amount 0.1 + 0.2: exactly 0.3
            ("processing_fees", json!({"notices": 2, "amount": 0.3})),
        ],
    )
}

/// County 2022 (2021 edition): 教育局 + 丁镇; 公安局 on the 2019 edition (excluded), 卫健局
/// 未发布.
fn county_2022() -> Value {
    tables(
        2021,
        &[
            // [1, 0, 10] + [0, 0, 1]
            ("active.normative_documents", json!([1, 0, 11])),
            ("active.licensing", json!([19])),
            ("active.penalty", json!([15])),
            // 12.5 + 0.05
            ("active.fees", json!([12.55])),
            ("applications.new", json!([57, 4, 0, 0, 1, 1, 63])),
            ("applications.carried_over", json!([6, 0, 0, 0, 0, 0, 6])),
            (
                "applications.results.granted",
                json!([36, 3, 0, 0, 1, 0, 40]),
            ),
            ("applications.results.partial", json!([5, 0, 0, 0, 0, 0, 5])),
            (
                "applications.results.unavailable.not_held",
                json!([2, 1, 0, 0, 0, 0, 3]),
            ),
            (
                "applications.results.other.other",
                json!([2, 0, 0, 0, 0, 1, 3]),
            ),
            ("applications.results.total", json!([45, 4, 0, 0, 1, 1, 51])),
            (
                "applications.carried_forward",
                json!([18, 0, 0, 0, 0, 0, 18]),
            ),
            ("appeals.reconsideration", json!([2, 1, 0, 0, 3])),
        ],
    )
}

/// County 2023 (2021 edition) without drafts: 教育局 + 卫健局 (丁镇's report is a draft).
fn county_2023() -> Value {
    tables(
        2021,
        &[
            // [1, …] + [4, …]
            ("applications.new", json!([5, 0, 0, 0, 0, 0, 5])),
            ("applications.carried_over", json!([18, 0, 0, 0, 0, 0, 18])),
            // [19, …] + [4, …]
            (
                "applications.results.granted",
                json!([23, 0, 0, 0, 0, 0, 23]),
            ),
            ("applications.results.total", json!([23, 0, 0, 0, 0, 0, 23])),
        ],
    )
}

/// County 2023 with drafts: 丁镇's draft [3, …] added.
fn county_2023_drafts() -> Value {
    tables(
        2021,
        &[
            ("applications.new", json!([8, 0, 0, 0, 0, 0, 8])),
            ("applications.carried_over", json!([18, 0, 0, 0, 0, 0, 18])),
            (
                "applications.results.granted",
                json!([26, 0, 0, 0, 0, 0, 26]),
            ),
            ("applications.results.total", json!([26, 0, 0, 0, 0, 0, 26])),
        ],
    )
}

/// The town (丁镇 alone), 2021 and 2022.
fn town_2021() -> Value {
    tables(
        2021,
        &[
            ("active.normative_documents", json!([1, 0, 1])),
            ("active.licensing", json!([3])),
            ("applications.new", json!([1, 0, 0, 0, 0, 0, 1])),
            ("applications.results.granted", json!([1, 0, 0, 0, 0, 0, 1])),
            ("applications.results.total", json!([1, 0, 0, 0, 0, 0, 1])),
        ],
    )
}

fn town_2022() -> Value {
    tables(
        2021,
        &[
            ("active.normative_documents", json!([0, 0, 1])),
            ("active.licensing", json!([2])),
            ("active.fees", json!([0.05])),
            ("applications.new", json!([2, 0, 0, 0, 0, 0, 2])),
            ("applications.results.granted", json!([1, 0, 0, 0, 0, 0, 1])),
            ("applications.results.partial", json!([1, 0, 0, 0, 0, 0, 1])),
            ("applications.results.total", json!([2, 0, 0, 0, 0, 0, 2])),
        ],
    )
}

/// The site 2021: the county and 乙市档案馆 (no region).
fn site_2021() -> Value {
    let mut t = county_2021();
    set(&mut t, "active.normative_documents", json!([4, 2, 17]));
    set(&mut t, "applications.new", json!([56, 4, 0, 0, 1, 3, 64]));
    set(
        &mut t,
        "applications.results.granted",
        json!([34, 3, 0, 0, 1, 2, 40]),
    );
    set(
        &mut t,
        "applications.results.total",
        json!([51, 4, 0, 0, 1, 3, 59]),
    );
    // notices 2 + 2; amount 0.3 + 30
    set(
        &mut t,
        "processing_fees",
        json!({"notices": 4, "amount": 30.3}),
    );
    t
}

/// What a roll-up object says besides its tables: reports, missing, excluded (slugs).
fn lists(x: &Value) -> (Vec<&str>, Vec<&str>, Vec<(&str, &str)>) {
    let strs = |k: &str| -> Vec<&str> {
        x[k].as_array()
            .unwrap_or_else(|| panic!("{k} is no array: {x}"))
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect()
    };
    let excluded = x["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["agency_slug"].as_str().unwrap(),
                e["reason"].as_str().unwrap(),
            )
        })
        .collect();
    (strs("reports"), strs("missing"), excluded)
}

/// The keys of a roll-up object, in across.md's order.
const ROLLUP_KEYS: [&str; 12] = [
    "region",
    "region_slug",
    "year",
    "format",
    "reports",
    "missing",
    "excluded",
    "active",
    "applications",
    "appeals",
    "processing_fees",
    "url",
];

// ---------------------------------------------------------------------------------------------
// Roll-ups
// ---------------------------------------------------------------------------------------------

type Lists<'a> = (&'a [&'a str], &'a [&'a str], &'a [(&'a str, &'a str)]);

#[test]
fn region_rollups_are_the_hand_computed_sums_with_included_missing_and_excluded() {
    let site = built(false);
    let root = site.path();
    let none: &[&str] = &[];
    let cases: Vec<(&str, u16, u16, Lists, Value)> = vec![
        // 丁镇 on the 2021 edition in 2020: excluded; the county government covers the county:
        // in no list.
        (
            "county",
            2020,
            2019,
            (&["gongan", "jiaoyu"], none, &[("dingzhen", "format")]),
            county_2020(),
        ),
        (
            "county",
            2021,
            2021,
            (&["dingzhen", "gongan", "jiaoyu", "weijian"], none, &[]),
            county_2021(),
        ),
        // 公安局 on the 2019 edition in 2022: excluded; 卫健局 published 2021, not 2022: 未发布.
        (
            "county",
            2022,
            2021,
            (
                &["dingzhen", "jiaoyu"],
                &["weijian"],
                &[("gongan", "format")],
            ),
            county_2022(),
        ),
        // 丁镇's 2023 report is a draft: 未发布 in a build; 公安局 published (on the other
        // edition) in 2022 and nothing in 2023: 未发布; the county government (covers) is not.
        (
            "county",
            2023,
            2021,
            (&["jiaoyu", "weijian"], &["dingzhen", "gongan"], &[]),
            county_2023(),
        ),
        // The town: a roll-up with nothing included still exists when a report is excluded
        // or an agency is 未发布.
        (
            "town",
            2020,
            2019,
            (none, none, &[("dingzhen", "format")]),
            zero_tables(2019),
        ),
        ("town", 2021, 2021, (&["dingzhen"], none, &[]), town_2021()),
        ("town", 2022, 2021, (&["dingzhen"], none, &[]), town_2022()),
        (
            "town",
            2023,
            2021,
            (none, &["dingzhen"], &[]),
            zero_tables(2021),
        ),
    ];
    for (slug, year, edition, (reports, missing, excluded), want) in &cases {
        let file = format!("regions/{slug}/{year}/rollup.json");
        let got = json_at(root, &file);
        let keys: Vec<&str> = got
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ROLLUP_KEYS, "{file}");
        let name = match *slug {
            "county" => "甲省乙市丙县",
            _ => "甲省乙市丙县丁镇",
        };
        assert_eq!(got["region"], name, "{file}");
        assert_eq!(got["region_slug"], *slug, "{file}");
        assert_eq!(got["year"], *year, "{file}");
        assert_eq!(got["format"], *edition, "{file}");
        assert_eq!(
            got["url"],
            format!("{BASE_URL}regions/{slug}/{year}/"),
            "{file}"
        );
        let (r, m, e) = lists(&got);
        assert_eq!(
            (r.as_slice(), m.as_slice(), e.as_slice()),
            (*reports, *missing, *excluded),
            "{file}: reports, missing, excluded"
        );
        assert_tables(&got, want, &file);
        // The city holds the county (and the town below it) and no agency of its own.
        let city = json_at(root, &format!("regions/city/{year}/rollup.json"));
        assert_eq!(city["region"], "甲省乙市");
        if *slug == "county" {
            assert_eq!(lists(&city), lists(&got), "city {year}");
            assert_tables(&city, want, &format!("city {year}"));
        }
    }
}

#[test]
fn decimal_amounts_are_summed_exactly_in_every_output() {
    let site = built(false);
    let root = site.path();
    // rollup.json as written: 0.3, never 0.30000000000000004.
    let text = read(root, "public/regions/county/2020/rollup.json");
    assert!(text.contains("\"procurement\":[3,0.3]"), "{text}");
    let text = read(root, "public/regions/county/2021/rollup.json");
    assert!(text.contains("\"fees\":[14.05]"), "{text}");
    assert!(
        text.contains("\"processing_fees\":{\"notices\":2,\"amount\":0.3}"),
        "{text}"
    );
    for file in [
        "public/regions/county/2020/rollup.json",
        "public/regions/county/2021/rollup.json",
        "public/data/rollups.json",
        "public/regions/county/2020/rollup.csv",
        "public/regions/county/2021/rollup.csv",
    ] {
        let text = read(root, file);
        assert!(!text.contains("0000000"), "{file}: {text}");
    }
    // The page: 采购总金额 0.3 in the county's 2020 table 二.
    let page = read(root, "public/regions/county/2020/index.html");
    assert_eq!(
        cell(&page, "#t2", "t2-procurement", "采购总金额（万元）"),
        "0.3"
    );
    assert_eq!(cell(&page, "#t2", "t2-fees", "本年增/减"), "-3");
}

#[test]
fn rollups_json_holds_every_rollup_of_the_site_and_the_regions() {
    let site = built(false);
    let root = site.path();
    let all = json_at(root, "data/rollups.json");
    let all = all.as_array().expect("an array");
    let mut pairs: Vec<(Option<&str>, u64)> = all
        .iter()
        .map(|x| (x["region_slug"].as_str(), x["year"].as_u64().unwrap()))
        .collect();
    pairs.sort();
    let mut want = Vec::new();
    for slug in [None, Some("city"), Some("county"), Some("town")] {
        for year in 2020..=2023 {
            want.push((slug, year));
        }
    }
    assert_eq!(pairs, want);
    for x in all {
        let keys: Vec<&str> = x.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ROLLUP_KEYS);
        let year = x["year"].as_u64().unwrap();
        match x["region_slug"].as_str() {
            // Each region's entry is its rollup.json.
            Some(slug) => assert_eq!(
                x,
                &json_at(root, &format!("regions/{slug}/{year}/rollup.json")),
                "{slug} {year}"
            ),
            // The site's: its title, no slug, the year page.
            None => {
                assert_eq!(x["region"], "汇总测试站");
                assert!(x["region_slug"].is_null());
                assert_eq!(x["url"], format!("{BASE_URL}years/{year}/"));
            }
        }
    }
    let site_of = |year: u64| {
        all.iter()
            .find(|x| x["region_slug"].is_null() && x["year"] == year)
            .unwrap()
    };
    // 2020: as the county (every agency with a report is in it).
    let x = site_of(2020);
    assert_eq!(
        lists(x),
        (
            vec!["gongan", "jiaoyu"],
            vec![],
            vec![("dingzhen", "format")]
        )
    );
    assert_eq!(x["format"], 2019);
    assert_tables(x, &county_2020(), "site 2020");
    // 2021: 乙市档案馆 (no region) counts in the site's roll-up only.
    let x = site_of(2021);
    assert_eq!(
        lists(x),
        (
            vec!["dangan", "dingzhen", "gongan", "jiaoyu", "weijian"],
            vec![],
            vec![]
        )
    );
    assert_tables(x, &site_2021(), "site 2021");
    // 2022: 乙市档案馆 未发布 too.
    let x = site_of(2022);
    assert_eq!(
        lists(x),
        (
            vec!["dingzhen", "jiaoyu"],
            vec!["dangan", "weijian"],
            vec![("gongan", "format")]
        )
    );
    assert_tables(x, &county_2022(), "site 2022");
    let x = site_of(2023);
    assert_eq!(
        lists(x),
        (
            vec!["jiaoyu", "weijian"],
            vec!["dingzhen", "gongan"],
            vec![]
        )
    );
    assert_tables(x, &county_2023(), "site 2023");
}

#[test]
fn rollup_tables_have_exactly_the_keys_and_totals_of_report_json() {
    let site = built(false);
    let root = site.path();
    for (rollup, report) in [
        ("regions/county/2020/rollup.json", "jiaoyu/2020/report.json"),
        ("regions/county/2021/rollup.json", "jiaoyu/2021/report.json"),
    ] {
        let (x, r) = (json_at(root, rollup), json_at(root, report));
        for k in ["active", "applications", "appeals", "processing_fees"] {
            assert_eq!(
                serde_json::to_string(&shape(&x[k])).unwrap(),
                serde_json::to_string(&shape(&r[k])).unwrap(),
                "{rollup} {k}"
            );
        }
    }
    // And the hand-written skeletons are the same shape: formats.md's keys, totals included.
    let r = json_at(root, "jiaoyu/2021/report.json");
    let z = zero_tables(2021);
    for k in ["active", "applications", "appeals", "processing_fees"] {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        leaves(&shape(&r[k]), k, &mut a);
        leaves(&shape(&z[k]), k, &mut b);
        a.sort_by(|x, y| x.0.cmp(&y.0));
        b.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(a, b, "{k}");
    }
}

#[test]
fn rollup_csv_has_the_columns_of_report_csv_with_the_region() {
    let site = built(false);
    let root = site.path();
    for (year, report) in [
        (2020, "jiaoyu/2020/report.csv"),
        (2021, "jiaoyu/2021/report.csv"),
    ] {
        let csv = read(root, &format!("public/regions/county/{year}/rollup.csv"));
        let report = read(root, &format!("public/{report}"));
        let body = csv.strip_prefix('\u{feff}').expect("a BOM");
        let mut lines = body.lines();
        assert_eq!(
            lines.next(),
            Some("region,year,table,row_key,row_label,column_label,value")
        );
        // The same cells as a report of the edition, in the same order.
        let cells = |text: &str| -> Vec<String> {
            text.trim_start_matches('\u{feff}')
                .lines()
                .skip(1)
                .map(|l| {
                    let f: Vec<&str> = l.split(',').collect();
                    f[2..6].join(",")
                })
                .collect()
        };
        assert_eq!(cells(body), cells(&report), "{year}");
        for l in lines {
            assert!(
                l.starts_with(&format!("甲省乙市丙县,{year},")),
                "{year}: {l}"
            );
        }
    }
    let csv = read(root, "public/regions/county/2020/rollup.csv");
    for line in [
        "甲省乙市丙县,2020,active,licensing,行政许可,本年增/减,-1",
        "甲省乙市丙县,2020,active,fees,行政事业性收费,本年增/减,-3",
        "甲省乙市丙县,2020,active,procurement,政府集中采购,采购总金额（万元）,0.3",
        "甲省乙市丙县,2020,applications,results.total,（七）总计,总计,8",
        "甲省乙市丙县,2020,appeals,reconsideration,行政复议,总计,3",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line}\n{csv}");
    }
    let csv = read(root, "public/regions/county/2021/rollup.csv");
    for line in [
        "甲省乙市丙县,2021,active,fees,行政事业性收费,本年收费金额（单位：万元）,14.05",
        "甲省乙市丙县,2021,applications,new,一、本年新收政府信息公开申请数量,总计,62",
        "甲省乙市丙县,2021,applications,results.total,（七）总计,自然人,51",
        "甲省乙市丙县,2021,processing_fees,amount,信息处理费,收取信息处理费（元）,0.3",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line}\n{csv}");
    }
}

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

fn selector(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).unwrap()
}

fn text_of(e: scraper::ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// The text of the one data cell of `table` (a selector) whose `headers` name the row header
/// `row` (an id) and a column header whose id or text is `col`.
fn cell(page: &str, table: &str, row: &str, col: &str) -> String {
    let html = scraper::Html::parse_document(page);
    let t = html
        .select(&selector(table))
        .next()
        .unwrap_or_else(|| panic!("no {table}"));
    let cols: Vec<String> = t
        .select(&selector("th[id]"))
        .filter(|th| th.value().id() == Some(col) || text_of(*th) == col)
        .map(|th| th.value().id().unwrap().to_string())
        .collect();
    let found: Vec<String> = t
        .select(&selector("td[headers]"))
        .filter(|td| {
            let h: Vec<&str> = td.value().attr("headers").unwrap().split(' ').collect();
            h.contains(&row) && cols.iter().any(|c| h.contains(&c.as_str()))
        })
        .map(text_of)
        .collect();
    assert_eq!(found.len(), 1, "{table} {row} × {col}: {found:?}");
    found[0].clone()
}

/// The lists of a section: each `<li>` (its first link and its text) under the heading (`h2`,
/// `h3`) it follows.
fn section_lists(page: &str, section: &str) -> Vec<(String, Vec<(String, String)>)> {
    let html = scraper::Html::parse_document(page);
    let s = html
        .select(&selector(section))
        .next()
        .unwrap_or_else(|| panic!("no {section}"));
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for child in s.children().filter_map(scraper::ElementRef::wrap) {
        match child.value().name() {
            "h2" | "h3" => out.push((text_of(child), Vec::new())),
            "ul" | "ol" => {
                let li = selector("li");
                let items = child.select(&li).map(|li| {
                    let href = li
                        .select(&selector("a"))
                        .next()
                        .and_then(|a| a.value().attr("href"))
                        .unwrap_or_default()
                        .to_string();
                    (href, text_of(li))
                });
                out.last_mut().expect("a heading").1.extend(items);
            }
            _ => {}
        }
    }
    out
}

/// The links of the list under the heading that contains `heading` (none when there is no such
/// heading), sorted.
fn list_under(lists: &[(String, Vec<(String, String)>)], heading: &str) -> Vec<String> {
    let mut v: Vec<String> = lists
        .iter()
        .filter(|(h, _)| h.contains(heading))
        .flat_map(|(_, items)| items.iter().map(|(href, _)| href.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn the_region_year_page_renders_the_sums_and_lists_included_missing_and_excluded() {
    let site = built(false);
    let root = site.path();
    let page = read(root, "public/regions/county/2022/index.html");
    // Tables 二, 三, 四 with the sums.
    assert_eq!(cell(&page, "#t2", "t2-licensing", "本年处理决定数量"), "19");
    assert_eq!(
        cell(&page, "#t2", "t2-fees", "本年收费金额（单位：万元）"),
        "12.55"
    );
    assert_eq!(cell(&page, "#t3", "t3-new", "总计"), "63");
    assert_eq!(cell(&page, "#t3", "t3-results-total", "自然人"), "45");
    assert_eq!(cell(&page, "#t3", "t3-results-total", "总计"), "51");
    assert_eq!(cell(&page, "#t3", "t3-carried-forward", "总计"), "18");
    assert_eq!(cell(&page, "#t4", "t4-1-c5", "t4-1-c5"), "3");
    // The lists: included (the reports), 未发布 (the agency), excluded with the reason.
    let lists = section_lists(&page, "#included");
    assert_eq!(
        list_under(&lists[..1], ""),
        ["/ndbg/dingzhen/2022/", "/ndbg/jiaoyu/2022/"],
        "{lists:?}"
    );
    assert_eq!(
        list_under(&lists, "未发布"),
        ["/ndbg/weijian/"],
        "{lists:?}"
    );
    let excluded: Vec<&(String, String)> = lists
        .iter()
        .flat_map(|(_, items)| items)
        .filter(|(_, text)| text.contains("采用另一版格式"))
        .collect();
    assert_eq!(excluded.len(), 1, "{lists:?}");
    assert_eq!(excluded[0].0, "/ndbg/gongan/2022/");
    assert!(excluded[0].1.contains("丙县公安局"), "{excluded:?}");
    // The county government (covers) is in none of the three (the page may name its report
    // apart, under a heading of its own: 本地区汇总报告).
    for (heading, items) in &lists {
        if !heading.contains("本地区汇总报告") {
            assert!(
                items.iter().all(|(href, _)| !href.contains("zhengfu")),
                "{heading}: {items:?}"
            );
        }
    }
    // 2023: 丁镇 (a draft) and 公安局 are 未发布; nothing excluded. The county government, which
    // published for 2022 and not for 2023, is 未发布 on the page too (Coverage: as W105), though
    // the roll-up object's `missing` leaves it out.
    let page = read(root, "public/regions/county/2023/index.html");
    let lists = section_lists(&page, "#included");
    assert_eq!(
        list_under(&lists[..1], ""),
        ["/ndbg/jiaoyu/2023/", "/ndbg/weijian/2023/"]
    );
    assert_eq!(
        list_under(&lists, "未发布"),
        ["/ndbg/dingzhen/", "/ndbg/gongan/", "/ndbg/zhengfu/"]
    );
    assert!(!page.contains("采用另一版格式"));
    assert!(!page.contains("/ndbg/dingzhen/2023/"), "no draft page link");
    // The town 2020: nothing included, 丁镇 excluded, the tables all 0.
    let page = read(root, "public/regions/town/2020/index.html");
    let lists = section_lists(&page, "#included");
    assert!(list_under(&lists[..1], "").is_empty(), "{lists:?}");
    assert!(page.contains("采用另一版格式"));
    assert_eq!(cell(&page, "#t3", "t3-new", "总计"), "0");
    // The region's page links every year's roll-up.
    let region = read(root, "public/regions/county/index.html");
    for year in 2020..=2023 {
        assert!(
            region.contains(&format!("href=\"/ndbg/regions/county/{year}/\"")),
            "{year}"
        );
    }
}

#[test]
fn the_year_page_totals_are_the_site_rollup_and_it_lists_who_has_not_published() {
    let site = built(false);
    let root = site.path();
    let page = read(root, "public/years/2022/index.html");
    let html = scraper::Html::parse_document(&page);
    // The totals row: received 63, closed 51, granted 40, carried forward 18,
    // reconsiderations 3, lawsuits 0 — the county government's 1000 and 公安局's 100 (other
    // edition) are listed, not added.
    let totals: Vec<String> = html
        .select(&selector("table.figures tfoot td"))
        .map(text_of)
        .filter(|t| t != "—")
        .collect();
    assert_eq!(totals, ["63", "51", "40", "18", "3", "0"]);
    let listed = page.contains("/ndbg/zhengfu/2022/") && page.contains("/ndbg/gongan/2022/");
    assert!(listed, "both are listed in the year's table");
    // The note under the table names both as listed but not added (site.md: reports of
    // `covers` agencies and of the other edition are listed but not added).
    let note = html
        .select(&selector("p.note"))
        .map(text_of)
        .find(|t| t.contains("合计"))
        .expect("the note on the totals");
    assert!(
        note.contains("丙县人民政府") && note.contains("丙县公安局"),
        "{note}"
    );
    // 未发布: 卫健局 and 档案馆 (no region: the site's list only).
    let missing: Vec<String> = {
        let mut v: Vec<String> = html
            .select(&selector("#missing li a"))
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(missing, ["/ndbg/dangan/", "/ndbg/weijian/"]);
    // The site's roll-up tables under the comparison table.
    let at_table = page.find("table class=\"figures\"").unwrap();
    let at_rollup = page.find("id=\"t3\"").expect("the roll-up's table 三");
    assert!(at_table < at_rollup);
    assert_eq!(cell(&page, "#t3", "t3-results-total", "总计"), "51");
    assert_eq!(cell(&page, "#t2", "t2-licensing", "本年处理决定数量"), "19");
    // 2021: 档案馆 (no region) is added in the site's roll-up.
    let page = read(root, "public/years/2021/index.html");
    assert_eq!(cell(&page, "#t3", "t3-new", "总计"), "64");
    assert_eq!(cell(&page, "#t3", "t3-new", "其他"), "3");
    assert!(!page.contains("id=\"missing\""), "nobody is 未发布 in 2021");
}

/// A report file whose tables are a roll-up's (as `rollup.json` has them, totals written): JSON
/// is YAML.
fn report_of_rollup(x: &Value) -> String {
    let year = x["year"].as_u64().unwrap();
    let mut y = format!(
        "---\nagency: 汇总\nyear: {year}\nformat: {}\npublished: {}-01-20\n",
        x["format"],
        year + 1
    );
    for k in ["active", "applications", "appeals", "processing_fees"] {
        if !x[k].is_null() {
            y.push_str(&format!("{k}: {}\n", x[k]));
        }
    }
    y.push_str("---\n\n## 一、总体情况\n\n汇总。\n\n## 五、存在的主要问题及改进情况\n\n无。\n\n## 六、其他需要报告的事项\n\n无。\n");
    y
}

/// R001–R004 (rules.md) on a roll-up object's tables, directly.
fn assert_arithmetic(x: &Value, what: &str) {
    let apps = &x["applications"];
    let mut rows = Vec::new();
    leaves(apps, "", &mut rows);
    let row = |p: &str| -> Vec<i64> {
        let v = rows
            .iter()
            .find(|(q, _)| q == p)
            .unwrap_or_else(|| panic!("{what}: no {p}"));
        v.1.as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap())
            .collect()
    };
    // R003: every row's 总计 is the sum of its six cells.
    for (p, v) in &rows {
        let v: Vec<i64> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap())
            .collect();
        assert_eq!(v.len(), 7, "{what} {p}");
        assert_eq!(v[6], v[..6].iter().sum::<i64>(), "{what}: R003 {p}");
    }
    let results: Vec<&String> = rows
        .iter()
        .map(|(p, _)| p)
        .filter(|p| p.starts_with("results.") && *p != "results.total")
        .collect();
    let (new, carried_over, total, forward) = (
        row("new"),
        row("carried_over"),
        row("results.total"),
        row("carried_forward"),
    );
    for i in 0..7 {
        // R002: （七）总计 is the sum of the results.
        let sum: i64 = results.iter().map(|p| row(p)[i]).sum();
        assert_eq!(total[i], sum, "{what}: R002 column {i}");
        // R001: 一 + 二 = （七）总计 + 四.
        assert_eq!(
            new[i] + carried_over[i],
            total[i] + forward[i],
            "{what}: R001 column {i}"
        );
    }
    // R004: each appeals group's 总计.
    for g in APPEALS {
        let v: Vec<i64> = x["appeals"][g]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap())
            .collect();
        assert_eq!(v[4], v[..4].iter().sum::<i64>(), "{what}: R004 {g}");
    }
}

#[test]
fn a_rollup_passes_r001_to_r004_and_renders_as_a_report_of_its_figures_does() {
    let site = built(false);
    let root = site.path();
    // Every roll-up of the site, checked directly.
    let all = json_at(root, "data/rollups.json");
    for x in all.as_array().unwrap() {
        assert_arithmetic(x, &format!("{} {}", x["region"], x["year"]));
    }
    // The county's roll-ups of both editions written back as one agency's reports (totals
    // written, so that R002–R004 compare them): `check` finds no error.
    let back = tempfile::tempdir().unwrap();
    let b = back.path();
    write(
        b,
        "site.toml",
        SITE_TOML.split("\n[regions]").next().unwrap(),
    );
    for year in [2020, 2021, 2022] {
        let x = json_at(root, &format!("regions/county/{year}/rollup.json"));
        write(
            b,
            &format!("content/huizong/{year}.md"),
            report_of_rollup(&x),
        );
    }
    let (code, diags) = check_json(b, &[]);
    let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == "error").collect();
    assert!(errors.is_empty(), "{}", brief(&diags));
    assert_eq!(code, 0, "{}", brief(&diags));
    // The written totals are checked: one total off by one is found (R003), so the check above
    // is not vacuous.
    let file = "content/huizong/2021.md";
    let text = read(b, file);
    assert!(text.contains("\"new\":[56,4,0,0,1,1,62]"), "{text}");
    write(
        b,
        file,
        text.replace("\"new\":[56,4,0,0,1,1,62]", "\"new\":[56,4,0,0,1,1,63]"),
    );
    let (code, diags) = check_json(b, &[]);
    assert_eq!(code, 1, "{}", brief(&diags));
    assert!(codes(&diags).contains(&"R003"), "{}", brief(&diags));
    write(b, file, text);
    // Its pages' tables are the region year pages' tables, markup and all.
    build(b, &[]);
    for year in [2020, 2021, 2022] {
        let region = read(root, &format!("public/regions/county/{year}/index.html"));
        let report = read(b, &format!("public/huizong/{year}/index.html"));
        for t in ["#t2", "#t3", "#t4"] {
            // The element with the id (table 二 is a set of tables in one box; tables do not
            // nest), through its last table.
            let outer = |page: &str| -> String {
                let id = format!("id=\"{}\"", &t[1..]);
                let at = page.find(&id).unwrap_or_else(|| panic!("no {t}"));
                let start = page[..at].rfind('<').unwrap();
                let section_end = at + page[at..].find("</section>").unwrap_or(page.len() - at);
                let end = at + page[at..section_end].rfind("</table>").unwrap();
                page[start..end].to_string()
            };
            assert_eq!(outer(&region), outer(&report), "{year} {t}");
        }
    }
}

#[test]
fn drafts_count_only_with_drafts() {
    let site = built(true);
    let root = site.path();
    let x = json_at(root, "regions/county/2023/rollup.json");
    assert_eq!(
        lists(&x),
        (
            vec!["dingzhen", "jiaoyu", "weijian"],
            vec!["gongan"],
            vec![]
        )
    );
    assert_tables(&x, &county_2023_drafts(), "county 2023 --drafts");
    let x = json_at(root, "regions/town/2023/rollup.json");
    assert_eq!(lists(&x), (vec!["dingzhen"], vec![], vec![]));
    let page = read(root, "public/regions/county/2023/index.html");
    let lists = section_lists(&page, "#included");
    let draft = lists[0]
        .1
        .iter()
        .find(|(href, _)| href == "/ndbg/dingzhen/2023/")
        .expect("the draft is listed");
    assert!(draft.1.contains("草稿"), "{draft:?}");
    // The draft's own page says so, and compares with 2022.
    let page = read(root, "public/dingzhen/2023/index.html");
    assert!(page.contains("草稿"));
    let r = json_at(root, "dingzhen/2023/report.json");
    assert_eq!(
        r["previous"],
        json!({"year": 2022, "url": format!("{BASE_URL}dingzhen/2022/")})
    );
    // Without --drafts, the draft is no report (the first test's 2023 lists).
    let plain = built(false);
    assert!(!plain.path().join("public/dingzhen/2023").exists());
}

// ---------------------------------------------------------------------------------------------
// Year-on-year comparison
// ---------------------------------------------------------------------------------------------

/// The 与上年对比 table: each row's label and its 本年, 上年, 增减, 增减幅度.
fn comparison(page: &str) -> Vec<(String, [String; 4])> {
    let html = scraper::Html::parse_document(page);
    html.select(&selector("#compare table tbody tr"))
        .map(|tr| {
            let label = text_of(tr.select(&selector("th")).next().unwrap());
            let v: Vec<String> = tr.select(&selector("td")).map(text_of).collect();
            assert_eq!(v.len(), 4, "{label}");
            (
                label,
                [v[0].clone(), v[1].clone(), v[2].clone(), v[3].clone()],
            )
        })
        .collect()
}

/// The one row whose label `is` says so; its place and values.
fn row_where(
    rows: &[(String, [String; 4])],
    what: &str,
    is: impl Fn(&str) -> bool,
) -> (usize, [String; 4]) {
    let found: Vec<usize> = (0..rows.len()).filter(|&i| is(&rows[i].0)).collect();
    assert_eq!(found.len(), 1, "{what}: {rows:?}");
    (found[0], rows[found[0]].1.clone())
}

/// Whether a row label is the row `what` names: it starts with it (一、, （七）, 行政许可) or
/// holds it before a parenthesis (行政诉讼 · 未经复议直接起诉（总计）, 行政规范性文件（…）).
fn named(label: &str, what: &str) -> bool {
    label.starts_with(what) || label.contains(&format!("{what}（"))
}

/// U+2212, the minus of 增减 and 增减幅度.
const M: &str = "\u{2212}";

#[test]
fn the_comparison_of_two_reports_of_one_edition_as_worked_out_by_hand() {
    let site = built(false);
    let root = site.path();
    let page = read(root, "public/jiaoyu/2022/index.html");
    // After section 六, listed in the table of contents.
    let six = page.find("<section id=\"s6\"").unwrap();
    let compare = page.find("<section id=\"compare\"").unwrap();
    assert!(six < compare);
    assert!(page.contains("<a href=\"#compare\">与上年对比</a>"));
    assert!(page.contains("href=\"/ndbg/jiaoyu/2021/\""));
    let rows = comparison(&page);
    let m = |s: &str| s.replace('-', M);
    let cases: Vec<(&str, [&str; 4])> = vec![
        // 61 vs 55: +6, 6/55 = 10.909…%
        ("一、", ["61", "55", "+6", "+10.9%"]),
        ("二、", ["6", "1", "+5", "+500.0%"]),
        // 39 vs 33: 6/33 = 18.18…%
        ("（一）", ["39", "33", "+6", "+18.2%"]),
        ("（二）", ["4", "5", "-1", "-20.0%"]),
        ("（三）", ["0", "3", "-3", "-100.0%"]),
        ("（四）", ["3", "5", "-2", "-40.0%"]),
        ("（五）", ["0", "2", "-2", "-100.0%"]),
        ("（六）", ["3", "2", "+1", "+50.0%"]),
        // 49 vs 50: −1, −2.0% (one decimal kept)
        ("（七）", ["49", "50", "-1", "-2.0%"]),
        ("四、", ["18", "6", "+12", "+200.0%"]),
        // 上年为 0: —
        ("行政复议", ["3", "0", "+3", "—"]),
        ("未经复议直接起诉", ["0", "1", "-1", "-100.0%"]),
        ("规范性文件", ["1", "2", "-1", "-50.0%"]),
        // 1/16 = 6.25 %: half away from zero gives 6.3 (not 6.2), both ways.
        ("行政许可", ["17", "16", "+1", "+6.3%"]),
        ("行政处罚", ["15", "16", "-1", "-6.3%"]),
        // 12.5 vs 12.35 万元: +0.15, 0.15/12.35 = 1.214…%
        ("行政事业性收费", ["12.5", "12.35", "+0.15", "+1.2%"]),
    ];
    let mut places = Vec::new();
    for (what, want) in &cases {
        let (at, got) = row_where(&rows, what, |l| named(l, what));
        let want = want.map(m);
        assert_eq!(got, want, "{what}");
        places.push(at);
    }
    // Table 三's rows, then table 四's groups, then table 二's rows.
    let order = |i: usize| places[i];
    assert!(order(0) < order(8) && order(8) < order(9) && order(9) < order(10));
    assert!(order(10) < order(11) && order(11) < order(13));
    // 增减 0: `0` without a sign.
    let (_, got) = row_where(&rows, "复议后起诉", |l| l.contains("复议后起诉"));
    assert_eq!(got[..3], ["0", "0", "0"]);
    // No other minus than U+2212.
    for (label, v) in &rows {
        assert!(v.iter().all(|x| !x.contains('-')), "{label}: {v:?}");
    }
}

#[test]
fn the_comparison_across_an_edition_change() {
    let site = built(false);
    let root = site.path();
    // 教育局 2021 (2021 edition) with 2020 (2019 edition).
    let rows = comparison(&read(root, "public/jiaoyu/2021/index.html"));
    let m = |s: &str| s.replace('-', M);
    for (what, want) in [
        ("一、", ["55", "5", "+50", "+1000.0%"]),
        ("（七）", ["50", "5", "+45", "+900.0%"]),
        // （六）: one row in 2019 (0), a group in 2021 (1 + 1 + 0 … = 2).
        ("（六）", ["2", "0", "+2", "—"]),
        // 2021 本年处理决定数量 with 2019 处理决定数量.
        ("行政许可", ["16", "3", "+13", "+433.3%"]),
        // 本年制发件数 with 本年新制作数量.
        ("规章", ["0", "1", "-1", "-100.0%"]),
        // 增减 0 and 上年 not 0: 0.0%.
        ("二、", ["1", "1", "0", "0.0%"]),
    ] {
        let (_, got) = row_where(&rows, what, |l| l.starts_with(what));
        assert_eq!(got, want.map(m), "{what}");
    }
    // Rows of one edition only: — in the other year's cell, and no 增减.
    for (what, want) in [
        ("其他对外管理服务事项", ["—", "1", "—", "—"]),
        ("政府集中采购", ["—", "1", "—", "—"]),
    ] {
        let (_, got) = row_where(&rows, what, |l| l.starts_with(what));
        assert_eq!(got, want, "{what}");
    }
    // 行政事业性收费: an item count in 2019, an amount in 2021: never set against each other.
    let fees: Vec<&[String; 4]> = rows
        .iter()
        .filter(|(l, _)| l.starts_with("行政事业性收费"))
        .map(|(_, v)| v)
        .collect();
    assert!(!fees.is_empty(), "{rows:?}");
    for v in &fees {
        assert!(v[0] == "—" || v[1] == "—", "{v:?}");
        assert_eq!(v[2..], ["—", "—"], "{v:?}");
    }
    assert!(fees.iter().any(|v| v[0] == "12.35"), "{fees:?}");
    // And the other way: 公安局 2022 (2019 edition) with 2021 (2021 edition).
    let rows = comparison(&read(root, "public/gongan/2022/index.html"));
    let (_, got) = row_where(&rows, "一、", |l| l.starts_with("一、"));
    assert_eq!(got, ["100", "3", "+97", "+3233.3%"]);
    let (_, got) = row_where(&rows, "政府集中采购", |l| {
        l.starts_with("政府集中采购")
    });
    assert_eq!(got, ["0", "—", "—", "—"]);
}

#[test]
fn a_first_report_and_a_report_after_a_gap_have_no_previous() {
    let site = built(false);
    let root = site.path();
    for (slug, year) in [("jiaoyu", 2020), ("weijian", 2021), ("weijian", 2023)] {
        let r = json_at(root, &format!("{slug}/{year}/report.json"));
        assert!(
            r.as_object().unwrap().contains_key("previous"),
            "{slug} {year}"
        );
        assert!(r["previous"].is_null(), "{slug} {year}: {}", r["previous"]);
        let page = read(root, &format!("public/{slug}/{year}/index.html"));
        let html = scraper::Html::parse_document(&page);
        let section = html
            .select(&selector("#compare"))
            .next()
            .unwrap_or_else(|| panic!("{slug} {year}: no 与上年对比"));
        assert!(text_of(section).contains("无上年报告"), "{slug} {year}");
        assert!(
            section.select(&selector("table")).next().is_none(),
            "{slug} {year}: no table"
        );
    }
    // A report with one: `previous` is the year before and the page of its report.
    for (slug, year) in [("jiaoyu", 2021), ("jiaoyu", 2022), ("gongan", 2022)] {
        let r = json_at(root, &format!("{slug}/{year}/report.json"));
        let before = json_at(root, &format!("{slug}/{}/report.json", year - 1));
        assert_eq!(
            r["previous"],
            json!({"year": year - 1, "url": before["url"]}),
            "{slug} {year}"
        );
        assert_eq!(before["url"], format!("{BASE_URL}{slug}/{}/", year - 1));
    }
    // The gap year: 卫健局 is 未发布 in 2022, and not in 2023.
    let x = json_at(root, "regions/county/2022/rollup.json");
    assert!(lists(&x).1.contains(&"weijian"));
    let x = json_at(root, "regions/county/2023/rollup.json");
    assert!(!lists(&x).1.contains(&"weijian"));
}

#[test]
fn the_region_year_page_compares_with_the_regions_rollup_of_the_year_before() {
    let site = built(false);
    let root = site.path();
    let rows = comparison(&read(root, "public/regions/county/2022/index.html"));
    let m = |s: &str| s.replace('-', M);
    for (what, want) in [
        // 63 vs 62: 1/62 = 1.61…%
        ("一、", ["63", "62", "+1", "+1.6%"]),
        // 51 vs 57: 6/57 = 10.52…%
        ("（七）", ["51", "57", "-6", "-10.5%"]),
        // 12.55 vs 14.05 万元: 1.5/14.05 = 10.67…%
        ("行政事业性收费", ["12.55", "14.05", "-1.5", "-10.7%"]),
    ] {
        let (_, got) = row_where(&rows, what, |l| l.starts_with(what));
        assert_eq!(got, want.map(m), "{what}");
    }
    // The first roll-up: no previous.
    let page = read(root, "public/regions/county/2020/index.html");
    let html = scraper::Html::parse_document(&page);
    let section = html
        .select(&selector("#compare"))
        .next()
        .expect("与上年对比");
    assert!(text_of(section).contains("无上年报告"));
}

#[test]
fn a_draft_of_the_year_before_is_no_previous_report_but_in_a_preview() {
    let site = fixture();
    let root = site.path();
    replace(
        root,
        "content/jiaoyu/2022.md",
        "published: 2023-01-20",
        "draft: true",
    );
    build(root, &[]);
    // In a build the draft is no report: 2023 has no previous, and 教育局 is 未发布 in 2022.
    let r = json_at(root, "jiaoyu/2023/report.json");
    assert!(r["previous"].is_null(), "{}", r["previous"]);
    let page = read(root, "public/jiaoyu/2023/index.html");
    assert!(comparison(&page).is_empty());
    assert!(page.contains("无上年报告"));
    let x = json_at(root, "regions/county/2022/rollup.json");
    assert_eq!(
        lists(&x),
        (
            vec!["dingzhen"],
            vec!["jiaoyu", "weijian"],
            vec![("gongan", "format")]
        )
    );
    // With --drafts it is the previous report, and the page says it is a draft.
    build(root, &["--drafts"]);
    let r = json_at(root, "jiaoyu/2023/report.json");
    assert_eq!(
        r["previous"],
        json!({"year": 2022, "url": format!("{BASE_URL}jiaoyu/2022/")})
    );
    let page = read(root, "public/jiaoyu/2023/index.html");
    let rows = comparison(&page);
    // 2023 一 is 1; 2022's 61.
    let (_, got) = row_where(&rows, "一、", |l| l.starts_with("一、"));
    assert_eq!(got, ["1", "61", "\u{2212}60", "\u{2212}98.4%"]);
    let html = scraper::Html::parse_document(&page);
    let section = html.select(&selector("#compare")).next().unwrap();
    assert!(text_of(section).contains("草稿"), "{}", text_of(section));
}

/// across.md, "Coverage": the year page lists 未发布 — agencies that published a report for
/// year − 1 but have none for the year — and "`check` reports the same as W105". W105 names the
/// county government (it `covers` the county; it published 2022 and has no 2023 report), but
/// the year page lists the site roll-up's `missing`, from which "Roll-ups" leaves `covers`
/// agencies out ("`covers` agencies appear in none of these lists"). The spec does not say
/// which of the two the year page's list follows.
/// across.md's Coverage: the pages' 未发布 is what W105 names, `covers` agencies included (the
/// roll-up object's `missing` leaves them out, as its Roll-ups section says).
#[test]
fn the_year_page_lists_as_unpublished_every_agency_w105_names() {
    let site = built(false);
    let root = site.path();
    let (_, diags) = check_json(root, &[]);
    let mut w105: Vec<String> = diags
        .iter()
        .filter(|d| d["code"] == "W105")
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let slug = file.split('/').nth(1).unwrap();
            format!("/ndbg/{slug}/")
        })
        .collect();
    w105.sort();
    assert_eq!(w105, ["/ndbg/dingzhen/", "/ndbg/gongan/", "/ndbg/zhengfu/"]);
    let page = read(root, "public/years/2023/index.html");
    let html = scraper::Html::parse_document(&page);
    let mut listed: Vec<String> = html
        .select(&selector("#missing li a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, w105);
}
