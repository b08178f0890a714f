//! `nianbao new` (the scaffold, and what `check` makes of it) and `nianbao schema` (a draft
//! 2020-12 JSON Schema with the official Chinese labels, which the real reports satisfy).

mod common;

use std::path::Path;

use common::*;
use nianbao::format::{AppRowKind, EDITIONS};
use serde_json::{json, Value};

fn new(root: &Path, args: &[&str]) -> Run {
    run(nianbao().current_dir(root).arg("new").args(args))
}

/// A site with a site.toml and nothing else.
fn empty_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.toml", "title = \"测试\"\n");
    dir
}

#[test]
fn new_writes_every_row_and_section_and_refuses_to_overwrite() {
    let site = empty_site();
    let root = site.path();
    let r = new(root, &["demo-ju", "2023", "--agency", "示例县测试局"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("content/demo-ju/2023.md"), "{}", r.stdout);
    let text = read(root, "content/demo-ju/2023.md");
    assert!(text.starts_with("---\nagency: "));
    assert!(text.contains("示例县测试局"));
    assert!(text.contains("year: 2023"));
    let f = nianbao::format::FormatDef::for_year(2023);
    for (_, row) in f.active_rows() {
        assert!(
            text.contains(&format!("  {}: ", row.key)) && text.contains(row.label),
            "{}",
            row.key
        );
    }
    // （七）总计 is computed when absent, so the scaffold leaves it out.
    for row in f
        .applications
        .rows
        .iter()
        .filter(|r| r.kind != AppRowKind::Total)
    {
        assert!(
            text.contains(&format!("{}:", row.key())) && text.contains(row.label),
            "{}",
            row.path
        );
    }
    for g in f.appeals.groups {
        assert!(
            text.contains(&format!("  {}: [0, 0, 0, 0]", g.key)),
            "{}",
            g.key
        );
    }
    for s in &f.sections {
        assert!(
            text.contains(&format!("## {}", s.heading())),
            "{}",
            s.heading()
        );
    }
    assert!(text.contains("processing_fees:"));

    // Never over an existing file, whatever it holds.
    write(root, "content/demo-ju/2023.md", "mine\n");
    let r = new(root, &["demo-ju", "2023"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("content/demo-ju/2023.md"), "{}", r.stderr);
    assert_eq!(read(root, "content/demo-ju/2023.md"), "mine\n");
}

#[test]
fn new_takes_the_name_from_the_agency_file() {
    let site = empty_site();
    write(
        site.path(),
        "content/demo-ju/_index.md",
        "---\nname: 示例县测试局\nkind: department\n---\n",
    );
    assert_eq!(new(site.path(), &["demo-ju", "2020"]).code, 0);
    assert!(read(site.path(), "content/demo-ju/2020.md").contains("示例县测试局"));
}

#[test]
fn new_refuses_bad_input_with_exit_2() {
    let site = empty_site();
    for args in [
        &["Demo_Ju", "2020"][..],
        &["demo-ju", "2007"],
        &["demo-ju", "2999"],
        &["demo-ju", "2020", "--format", "2020"],
        &["demo-ju"],
    ] {
        let r = new(site.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stdout);
    }
    assert!(!site.path().join("content/Demo_Ju").exists());
    let nowhere = tempfile::tempdir().unwrap();
    assert_eq!(new(nowhere.path(), &["demo-ju", "2020"]).code, 2);
}

/// Every code the binary reports for the site, with the exit code.
fn check_codes(root: &Path) -> (i32, Vec<String>) {
    let (exit, diags) = check_json(root, &[]);
    (exit, codes(&diags).into_iter().map(String::from).collect())
}

#[test]
fn an_unfilled_scaffold_fails_only_for_its_empty_sections() {
    // Both editions, by year and by --format; the default agency name too.
    for (year, format) in [
        ("2020", None),
        ("2023", None),
        ("2021", Some("2021")),
        ("2019", Some("2019")),
    ] {
        let site = empty_site();
        let mut args = vec!["demo-ju", year];
        if let Some(f) = format {
            args.extend(["--format", f]);
        }
        assert_eq!(new(site.path(), &args).code, 0);
        let (exit, codes) = check_codes(site.path());
        assert_eq!(exit, 1, "{year}");
        let structural: Vec<&String> = codes.iter().filter(|c| !c.starts_with('W')).collect();
        assert_eq!(structural, ["N010", "N010", "N010"], "{year}: {codes:?}");
        // The date is left for the author to fill in; nothing else is amiss.
        assert!(
            codes.iter().all(|c| c.starts_with('N') || c == "W008"),
            "{year}: {codes:?}"
        );
    }
}

#[test]
fn a_filled_scaffold_passes() {
    let site = empty_site();
    let root = site.path();
    let file = "content/demo-ju/2022.md";
    assert_eq!(
        new(root, &["demo-ju", "2022", "--agency", "示例县测试局"]).code,
        0
    );
    let mut text = read(root, file).replace("# published: 2023-01-20", "published: 2023-01-20");
    for f in EDITIONS {
        for s in &f.sections {
            text = text.replace(&format!("<!-- {} -->", s.guidance), "本年度情况如下。");
        }
    }
    write(root, file, text);
    let (exit, diags) = check_json(root, &[]);
    assert_eq!((exit, diags.len()), (0, 0), "{}", brief(&diags));
}

fn schema(args: &[&str]) -> Value {
    let r = run(nianbao().arg("schema").args(args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("valid JSON")
}

/// Every `title` in a schema.
fn titles(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("title", Value::String(t)) => out.push(t.clone()),
                    // Property names may be called "title" too.
                    _ => titles(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| titles(x, out)),
        _ => {}
    }
}

#[test]
fn schema_is_draft_2020_12_with_chinese_titles() {
    for args in [&[][..], &["--format", "2019"], &["--format", "2021"]] {
        let s = schema(args);
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        jsonschema::meta::validate(&s)
            .unwrap_or_else(|e| panic!("{args:?}: not a valid schema: {e}"));
        let mut all = Vec::new();
        titles(&s, &mut all);
        assert!(all.len() > 50, "{args:?}: {} titles", all.len());
        for t in &all {
            assert!(
                t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "not Chinese: {t}"
            );
        }
        assert_eq!(s["properties"]["agency"]["title"], "机关名称");
        assert_eq!(s["properties"]["year"]["title"], "报告年度");
    }
    let s = schema(&["--format", "2021"]);
    let apps = &s["$defs"]["edition2021"]["properties"]["applications"]["properties"];
    assert_eq!(apps["new"]["title"], "一、本年新收政府信息公开申请数量");
    assert_eq!(
        apps["results"]["properties"]["other"]["properties"]["fee_unpaid"]["title"],
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    );
    assert_eq!(run(nianbao().args(["schema", "--format", "2020"])).code, 2);
}

/// The front matter of a report file, as JSON.
fn front_matter(text: &str) -> Value {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let yaml = text
        .strip_prefix("---\n")
        .unwrap()
        .split("\n---\n")
        .next()
        .unwrap();
    serde_yaml::from_str(yaml).unwrap()
}

fn reports_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for agency in std::fs::read_dir(dir).unwrap() {
        for f in std::fs::read_dir(agency.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".md") && name != "_index.md" {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_sample_and_fixture_reports_satisfy_the_schema() {
    let both = jsonschema::draft202012::new(&schema(&[])).unwrap();
    let per_edition: Vec<(u16, jsonschema::Validator)> = EDITIONS
        .iter()
        .map(|f| {
            (
                f.id,
                jsonschema::draft202012::new(&schema(&["--format", &f.id.to_string()])).unwrap(),
            )
        })
        .collect();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = reports_under(&manifest.join("content"));
    files.extend(reports_under(&fixture(BASE).join("content")));
    assert!(files.len() > 10);
    for path in files {
        let fm = front_matter(&std::fs::read_to_string(&path).unwrap());
        let errors: Vec<String> = both
            .iter_errors(&fm)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        let year = fm["year"].as_u64().unwrap() as u16;
        let id = fm["format"]
            .as_u64()
            .map_or(nianbao::format::FormatDef::for_year(year).id, |f| f as u16);
        for (edition, v) in &per_edition {
            assert_eq!(
                v.is_valid(&fm),
                *edition == id,
                "{} against {edition}",
                path.display()
            );
        }
    }
}

#[test]
fn the_schema_refuses_what_check_refuses() {
    let both = jsonschema::draft202012::new(&schema(&[])).unwrap();
    let base = front_matter(include_str!("fixtures/valid/content/demo-ju/2021.md"));
    let old = front_matter(include_str!("fixtures/valid/content/demo-ju/2020.md"));
    assert!(both.is_valid(&base) && both.is_valid(&old));
    type Case = (&'static str, Value, fn(&mut Value));
    let cases: Vec<Case> = vec![
        ("procurement in 2021", base.clone(), |v| {
            v["active"]["procurement"] = json!([1, 2])
        }),
        ("quoted number", base.clone(), |v| {
            v["applications"]["new"][0] = json!("8")
        }),
        ("negative count", base.clone(), |v| {
            v["applications"]["new"][0] = json!(-1)
        }),
        ("above a billion", base.clone(), |v| {
            v["active"]["penalty"] = json!(1_000_000_001)
        }),
        ("decimal count", base.clone(), |v| {
            v["active"]["licensing"] = json!(40.5)
        }),
        ("five applicant cells", base.clone(), |v| {
            v["applications"]["new"] = json!([1, 2, 3, 4, 5])
        }),
        ("eight cells", base.clone(), |v| {
            v["applications"]["new"] = json!([1, 2, 3, 4, 5, 6, 7, 8])
        }),
        ("missing row", base.clone(), |v| {
            v["applications"]["results"]
                .as_object_mut()
                .unwrap()
                .remove("granted");
        }),
        ("unknown key", base.clone(), |v| {
            v["publishd"] = json!("2022-01-25")
        }),
        ("unknown edition", base.clone(), |v| {
            v["format"] = json!(2020)
        }),
        ("2019 row shape in 2021", base.clone(), |v| {
            v["applications"]["results"]["other"] = json!([0, 0, 0, 0, 0, 0])
        }),
        ("2021 fees in a 2019 report", old.clone(), |v| {
            v["processing_fees"] = json!({"notices": 0, "amount": 0})
        }),
        ("bad date", old.clone(), |v| {
            v["published"] = json!("2021/01/20")
        }),
        ("no agency", old.clone(), |v| {
            v.as_object_mut().unwrap().remove("agency");
        }),
        ("an error explained", base.clone(), |v| {
            v["acknowledge"] = json!({"R001": "不平衡"})
        }),
        ("a reserved code explained", base.clone(), |v| {
            v["acknowledge"] = json!({"W107": "x"})
        }),
        ("an empty explanation", base.clone(), |v| {
            v["acknowledge"] = json!({"W001": " "})
        }),
        ("an explanation that is no text", base.clone(), |v| {
            v["acknowledge"] = json!({"W001": 3})
        }),
        ("acknowledge as a list", base.clone(), |v| {
            v["acknowledge"] = json!(["W001"])
        }),
        ("revisions as a mapping", base.clone(), |v| {
            v["revisions"] = json!({"date": "2022-02-01", "note": "x"})
        }),
        ("a revision without note", base.clone(), |v| {
            v["revisions"] = json!([{"date": "2022-02-01"}])
        }),
        ("a revision with a bad date", base.clone(), |v| {
            v["revisions"] = json!([{"date": "2022/02/01", "note": "x"}])
        }),
        ("a revision with an unknown key", base.clone(), |v| {
            v["revisions"] = json!([{"date": "2022-02-01", "note": "x", "by": "y"}])
        }),
    ];
    for (name, mut v, edit) in cases {
        edit(&mut v);
        assert!(!both.is_valid(&v), "{name} should be refused");
    }
    // Explanations and revisions as content.md writes them.
    let mut explained = base.clone();
    explained["acknowledge"] =
        json!({"W001": "2022年机构改革，上年结转的2件申请由原县文化局移交本局办理。", "W105": "x"});
    explained["revisions"] = json!([{"date": "2022-03-01", "note": "更正了表三（四）1 的数字"}]);
    assert!(both.is_valid(&explained));
    // `published:` left empty is what check takes for no date (W008, a warning): allowed.
    let mut blank = old.clone();
    blank["published"] = Value::Null;
    assert!(both.is_valid(&blank));
    // A date in the right form that is no day of the calendar, for editors that check formats.
    let strict = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema(&[]))
        .unwrap();
    let mut no_day = old.clone();
    no_day["published"] = json!("2021-02-30");
    assert!(strict.is_valid(&old) && !strict.is_valid(&no_day));
}
