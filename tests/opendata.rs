//! The open data package of the sample site (site.md): every data file the build writes validates
//! against the JSON Schemas under `data/schema/`; `data/reports-wide.csv` has one line per
//! published report, a column per cell of either edition, and the values of each `report.json`;
//! `data/datapackage.json` describes every data file of `data/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use nianbao::build::{self, BuildOptions, Outcome};
use nianbao::format::data_schema;
use nianbao::format::EDITIONS;
use nianbao::site::LoadOptions;
use serde_json::Value;

mod common;

fn build_site(root: &Path, drafts: bool) -> PathBuf {
    let out = root.join("public");
    let opts = BuildOptions {
        output: Some(out.clone()),
        drafts,
        base_url: Some("https://www.example.gov.cn/zfxxgk/ndbg/".into()),
        ..Default::default()
    };
    match build::build(root, LoadOptions::default(), &opts).unwrap() {
        Outcome::Built(..) => out,
        Outcome::Invalid(site) => panic!("{:#?}", site.diagnostics),
    }
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file below `dir` named `name`, as paths relative to it.
fn files_named(dir: &Path, name: &str) -> Vec<String> {
    common::tree(dir)
        .into_keys()
        .filter(|p| p.rsplit('/').next() == Some(name))
        .collect()
}

fn validator(out: &Path, file: &str) -> jsonschema::Validator {
    let schema = json(&out.join("data/schema").join(file));
    jsonschema::meta::validate(&schema).unwrap_or_else(|e| panic!("{file}: {e}"));
    jsonschema::draft202012::new(&schema).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, what: &str, value: &Value) {
    let errors: Vec<String> = v
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn every_data_file_the_build_writes_validates_against_the_schemas() {
    let t = common::sample_site();
    // With drafts too: a draft's data is published by `build --drafts` and `serve`.
    for drafts in [false, true] {
        let out = build_site(t.path(), drafts);
        let report = validator(&out, "report.schema.json");
        let rollup = validator(&out, "rollup.schema.json");
        let reports = files_named(&out, "report.json");
        assert!(reports.len() >= 42, "{} report.json files", reports.len());
        for f in &reports {
            assert_valid(&report, f, &json(&out.join(f)));
        }
        let all = json(&out.join("data/reports.json"));
        assert_eq!(all.as_array().unwrap().len(), reports.len());
        for (i, r) in all.as_array().unwrap().iter().enumerate() {
            assert_valid(&report, &format!("data/reports.json[{i}]"), r);
        }
        // `previous` is the agency's report of the year before, or null: both occur.
        let previous: Vec<Value> = reports
            .iter()
            .map(|f| json(&out.join(f))["previous"].clone())
            .collect();
        assert!(previous.iter().any(Value::is_null));
        assert!(previous.iter().any(Value::is_object));
        // Roll-ups, wherever the build writes them: one object each, or an array of them.
        let singles = files_named(&out, "rollup.json");
        assert!(singles.len() >= 10, "{} rollup.json files", singles.len());
        assert!(
            singles.iter().all(|f| f.starts_with("regions/")),
            "{singles:?}"
        );
        let mut in_list = 0;
        for f in singles
            .iter()
            .cloned()
            .chain(files_named(&out, "rollups.json"))
        {
            match json(&out.join(&f)) {
                Value::Array(list) => {
                    for (i, r) in list.iter().enumerate() {
                        assert_valid(&rollup, &format!("{f}[{i}]"), r);
                    }
                    in_list += list.len();
                }
                one => assert_valid(&rollup, &f, &one),
            }
        }
        // data/rollups.json: every region's roll-up and the site's, one for each year.
        let years = json(&out.join("data/reports.json"))
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["year"].as_u64().unwrap())
            .collect::<BTreeSet<_>>()
            .len();
        assert_eq!(in_list, singles.len() + years, "data/rollups.json");
    }
}

#[test]
fn the_schemas_refuse_what_report_json_never_holds() {
    let t = common::sample_site();
    let out = build_site(t.path(), false);
    let report = validator(&out, "report.schema.json");
    let good = json(&out.join("shilixian-zhengfu/2023/report.json"));
    assert!(report.is_valid(&good));
    assert_eq!(good["previous"]["year"], 2022);
    let old = json(&out.join("shilixian-zhengfu/2020/report.json"));
    assert!(report.is_valid(&old));
    type Change = fn(&mut Value);
    let broken: Vec<(&str, Change)> = vec![
        ("a negative count", |v| {
            v["applications"]["new"][0] = (-1).into()
        }),
        ("a row without its total", |v| {
            v["appeals"]["litigation"].as_array_mut().unwrap().pop();
        }),
        ("a row of the other edition", |v| {
            v["active"]["procurement"] = serde_json::json!([1, 2.5]);
        }),
        ("a key report.json has not", |v| v["extra"] = 1.into()),
        ("no url", |v| {
            v.as_object_mut().unwrap().remove("url");
        }),
        ("an unknown edition", |v| v["format"] = 2030.into()),
        ("no previous", |v| {
            v.as_object_mut().unwrap().remove("previous");
        }),
        ("a previous without its page", |v| {
            v["previous"] = serde_json::json!({"year": 2022});
        }),
        ("a previous as a bare year", |v| v["previous"] = 2022.into()),
    ];
    for (what, change) in broken {
        let mut v = good.clone();
        change(&mut v);
        assert!(!report.is_valid(&v), "{what} passes");
    }
    // A 2019 report has no 信息处理费 object.
    let mut v = old.clone();
    v["processing_fees"] = serde_json::json!({"notices": 0, "amount": 0});
    assert!(!report.is_valid(&v));

    // A roll-up is a report's tables with the region's lists.
    let rollup = validator(&out, "rollup.schema.json");
    let mut r = good.clone();
    let o = r.as_object_mut().unwrap();
    for k in ["agency", "agency_slug", "title", "published", "previous"] {
        o.remove(k);
    }
    o.insert("region".into(), "示例县".into());
    o.insert("region_slug".into(), Value::Null);
    o.insert("reports".into(), serde_json::json!(["a", "b"]));
    o.insert("missing".into(), serde_json::json!([]));
    o.insert(
        "excluded".into(),
        serde_json::json!([{"agency_slug": "c", "reason": "format"}]),
    );
    assert_valid(&rollup, "a roll-up", &r);
    r["excluded"][0]["reason"] = "late".into();
    assert!(!rollup.is_valid(&r));
}

/// A CSV line split into fields (quoted fields may hold commas; no line breaks here).
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Every cell of a `report.json` by its wide column name.
fn cells_of(report: &Value) -> BTreeMap<String, String> {
    fn walk(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    walk(&format!("{prefix}.{k}"), v, out);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    out.insert(format!("{prefix}.{}", i + 1), v.to_string());
                }
            }
            Value::Number(n) => {
                out.insert(format!("{prefix}.1"), n.to_string());
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for t in ["active", "applications", "appeals", "processing_fees"] {
        walk(t, &report[t], &mut out);
    }
    out
}

#[test]
fn the_wide_csv_has_a_line_per_report_and_a_column_per_cell_of_either_edition() {
    let t = common::sample_site();
    let out = build_site(t.path(), false);
    let text = std::fs::read_to_string(out.join("data/reports-wide.csv")).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM");
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<String> = fields(lines[0]);
    assert_eq!(
        header[..5],
        ["agency", "agency_slug", "year", "format", "published"]
    );
    // Every cell of both editions, named <table>.<row_key>.<n>, n from 1, totals included.
    let mut want: BTreeSet<String> = BTreeSet::new();
    for f in EDITIONS {
        for r in data_schema::rows(f) {
            for n in 1..=r.columns.len() {
                want.insert(format!("{}.{}.{n}", r.table, r.key));
            }
        }
    }
    let got: BTreeSet<String> = header[5..].iter().cloned().collect();
    assert_eq!(got.len(), header.len() - 5, "a column twice");
    assert_eq!(got, want);
    assert!(got.contains("applications.results.total.7"));
    assert!(got.contains("appeals.litigation_after_reconsideration.5"));

    // One line per published report, in the order of data/reports.json, with its values.
    let all = json(&out.join("data/reports.json"));
    let all = all.as_array().unwrap();
    assert_eq!(lines.len() - 1, all.len());
    assert_eq!(all.len(), 42);
    for (line, report) in lines[1..].iter().zip(all) {
        let cells = fields(line);
        assert_eq!(cells.len(), header.len(), "{line}");
        let slug = report["agency_slug"].as_str().unwrap();
        assert_eq!(cells[0], report["agency"].as_str().unwrap());
        assert_eq!(cells[1], slug);
        assert_eq!(cells[2], report["year"].to_string());
        assert_eq!(cells[3], report["format"].to_string());
        assert_eq!(cells[4], report["published"].as_str().unwrap_or(""));
        let values = cells_of(report);
        for (name, cell) in header[5..].iter().zip(&cells[5..]) {
            // A cell the report's edition does not have is empty.
            let expected = values.get(name).map_or("", String::as_str);
            assert_eq!(cell, expected, "{slug} {} {name}", report["year"]);
        }
    }
}

#[test]
fn the_data_package_describes_every_data_file_with_official_titles() {
    let t = common::sample_site();
    let out = build_site(t.path(), false);
    let package = json(&out.join("data/datapackage.json"));
    let resources = package["resources"].as_array().unwrap();
    // Every CSV and JSON file of data/, but the schemas (and the package itself).
    let on_disk: BTreeSet<String> = common::tree(&out.join("data"))
        .into_keys()
        .filter(|p| !p.starts_with("schema/") && p != "datapackage.json")
        .collect();
    let listed: BTreeSet<String> = resources
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, on_disk);
    assert!(listed.contains("reports-wide.csv") && listed.contains("reports.json"));
    let names: BTreeSet<&str> = resources
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), resources.len());
    for r in resources {
        let path = r["path"].as_str().unwrap();
        let name = r["name"].as_str().unwrap();
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._/".contains(&b)),
            "{name}"
        );
        let fields = r["schema"]["fields"].as_array().unwrap();
        for f in fields {
            let title = f["title"].as_str().unwrap();
            assert!(title.chars().any(|c| c > '\u{2e80}'), "{path}: {title}");
            let kind = f["type"].as_str().unwrap();
            assert!(
                ["string", "integer", "number", "date", "object", "array"].contains(&kind),
                "{kind}"
            );
        }
        if path.ends_with(".csv") {
            // The fields are the file's columns, in order.
            let text = std::fs::read_to_string(out.join("data").join(path)).unwrap();
            let header = fields_of_header(&text);
            let declared: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
            assert_eq!(declared, header, "{path}");
        }
    }
    // The wide CSV's titles are the official labels.
    let wide = resources
        .iter()
        .find(|r| r["path"] == "reports-wide.csv")
        .unwrap();
    let title = |name: &str| {
        wide["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()["title"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        title("applications.results.withheld.state_secret.2"),
        "收到和处理政府信息公开申请情况 · 三、本年度办理结果 · （三）不予公开 · 1.属于国家秘密 · 商业企业"
    );
    assert_eq!(
        title("active.procurement.2"),
        "主动公开政府信息情况 · 第二十条第（九）项 · 政府集中采购 · 采购总金额（万元）"
    );
    // The licence and source of site.toml's [data].
    assert_eq!(package["licenses"][0]["name"], "CC-BY-4.0");
    assert_eq!(package["sources"][0]["title"], "示例县人民政府办公室");
    assert_eq!(
        package["sources"][0]["path"],
        "https://www.example.gov.cn/zfxxgk/ndbg/"
    );

    // Without [data]: no licence, and the site's organizer as the source.
    let toml = common::read(t.path(), "site.toml");
    let start = toml.find("[data]").unwrap();
    let end = toml[start..].find("\n\n").map_or(toml.len(), |i| start + i);
    common::write(
        t.path(),
        "site.toml",
        format!("{}{}", &toml[..start], &toml[end..]),
    );
    let out = build_site(t.path(), false);
    let package = json(&out.join("data/datapackage.json"));
    assert!(package.get("licenses").is_none());
    assert_eq!(package["sources"][0]["title"], "示例县人民政府办公室");
}

fn fields_of_header(text: &str) -> Vec<&str> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .split(',')
        .collect()
}
