//! The published data as the editions define it: every row of `report.json` with its labels and
//! columns ([`rows`]), and the JSON Schemas (draft 2020-12) of `report.json` and of a roll-up
//! object (across.md), with the official labels as titles.
//!
//! In: the editions. Out: [`rows`] (which the wide CSV's columns are made of), and
//! [`report_schema`] and [`rollup_schema`]: the table parts of both come from the same walk of
//! each edition, with totals included as `report.json` has them.

use serde_json::{json, Map, Value};

use super::{AppRowKind, FormatDef, ValueKind, EDITIONS};

/// One row of a report's data: where it is in `report.json` and what its cells are.
#[derive(Debug, Clone, PartialEq)]
pub struct DataRow {
    /// `active`, `applications`, `appeals` or `processing_fees`.
    pub table: &'static str,
    /// The row's key path in its table, as in `report.csv` (`results.withheld.state_secret`).
    pub key: String,
    /// Official labels from the table down to the row: 主动公开政府信息情况 · 第二十条第（一）项 · 规章.
    pub labels: Vec<String>,
    /// Each cell's header and kind, totals included.
    pub columns: Vec<(String, ValueKind)>,
}

/// Every row of an edition's data, in the official order.
pub fn rows(f: &FormatDef) -> Vec<DataRow> {
    let mut out = Vec::new();
    for b in f.active.blocks {
        for r in b.rows {
            out.push(DataRow {
                table: "active",
                key: r.key.into(),
                labels: vec![f.active.caption.into(), b.title.into(), r.label.into()],
                columns: b.columns.iter().map(|c| (c.header(), c.kind)).collect(),
            });
        }
    }
    let t = &f.applications;
    let app_columns: Vec<(String, ValueKind)> = t
        .columns
        .iter()
        .chain([&t.total_label])
        .map(|c| (c.to_string(), ValueKind::Count))
        .collect();
    for r in t.rows.iter().filter(|r| r.kind != AppRowKind::Group) {
        let mut labels = vec![t.caption.to_string()];
        let mut path = String::new();
        for part in r.path.split('.') {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(part);
            labels.push(f.app_row(&path).map_or(part, |d| d.label).into());
        }
        out.push(DataRow {
            table: "applications",
            key: r.path.into(),
            labels,
            columns: app_columns.clone(),
        });
    }
    let a = &f.appeals;
    for g in a.groups {
        let mut labels = vec![a.caption.to_string()];
        labels.extend(g.headers.iter().map(|h| h.to_string()));
        out.push(DataRow {
            table: "appeals",
            key: g.key.into(),
            labels,
            columns: a
                .columns
                .iter()
                .chain([&a.total_label])
                .map(|c| (c.to_string(), ValueKind::Count))
                .collect(),
        });
    }
    if let Some(fees) = &f.processing_fees {
        for (key, label, kind) in [
            ("notices", fees.notices_label, ValueKind::Count),
            (
                "amount",
                fees.amount_label,
                ValueKind::Amount {
                    decimals: fees.amount_decimals,
                },
            ),
        ] {
            out.push(DataRow {
                table: "processing_fees",
                key: key.into(),
                labels: vec![fees.label.into(), label.into()],
                columns: vec![(label.into(), kind)],
            });
        }
    }
    out
}

/// A value as published: counts and amounts are never negative; there is no upper bound (a
/// roll-up sums many reports).
fn value(kind: ValueKind, title: &str) -> Value {
    match kind {
        ValueKind::Count => json!({"title": title, "type": "integer", "minimum": 0}),
        ValueKind::Signed => json!({"title": title, "type": "integer"}),
        ValueKind::Amount { decimals } => json!({
            "title": title, "type": "number", "minimum": 0,
            "description": format!("最多 {decimals} 位小数")
        }),
    }
}

/// A row: one value per column, totals included.
fn row(r: &DataRow) -> Value {
    let items: Vec<Value> = r.columns.iter().map(|(t, k)| value(*k, t)).collect();
    let names: Vec<&str> = r.columns.iter().map(|(t, _)| t.as_str()).collect();
    json!({
        "title": r.labels[1..].join(" · "),
        "description": names.join("、"),
        "type": "array",
        "prefixItems": items,
        "items": false,
        "minItems": r.columns.len(),
    })
}

fn object(title: &str, props: Map<String, Value>) -> Value {
    let required: Vec<&String> = props.keys().collect();
    json!({"title": title, "type": "object", "properties": props, "required": required, "additionalProperties": false})
}

/// The tables of one edition, as `report.json` and a roll-up hold them.
fn edition(f: &FormatDef) -> Value {
    let all = rows(f);
    let of = |table: &'static str| all.iter().filter(move |r| r.table == table);
    let mut active = Map::new();
    for r in of("active") {
        active.insert(r.key.clone(), row(r));
    }
    // Table 三 nests by key path: groups are objects of their rows.
    fn group(f: &FormatDef, all: &[DataRow], prefix: &str) -> Map<String, Value> {
        let mut m = Map::new();
        for d in f
            .applications
            .rows
            .iter()
            .filter(|d| d.parent().unwrap_or("") == prefix)
        {
            let v = match d.kind {
                AppRowKind::Group => object(d.label, group(f, all, d.path)),
                _ => match all
                    .iter()
                    .find(|r| r.table == "applications" && r.key == d.path)
                {
                    Some(r) => row(r),
                    None => continue,
                },
            };
            m.insert(d.key().into(), v);
        }
        m
    }
    let mut appeals = Map::new();
    for r in of("appeals") {
        appeals.insert(r.key.clone(), row(r));
    }
    let fees = match &f.processing_fees {
        Some(def) => {
            let mut m = Map::new();
            for r in of("processing_fees") {
                m.insert(r.key.clone(), value(r.columns[0].1, &r.columns[0].0));
            }
            let mut o = object(def.label, m);
            o["type"] = json!(["object", "null"]);
            o
        }
        None => json!({"title": "信息处理费（本版格式没有）", "type": "null"}),
    };
    json!({
        "title": format!("{} 版格式（{}）", f.id, f.document),
        "properties": {
            "active": object(&f.sections[1].heading(), active),
            "applications": object(&f.sections[2].heading(), group(f, &all, "")),
            "appeals": object(&f.sections[3].heading(), appeals),
            "processing_fees": fees,
        },
    })
}

/// The part every object shares: `format` picks the edition whose tables follow.
fn with_editions(title: &str, props: Value, required: &[&str]) -> Value {
    let mut defs = Map::new();
    let mut choose = Vec::new();
    for f in EDITIONS {
        let name = format!("edition{}", f.id);
        choose.push(json!({
            "if": {"properties": {"format": {"const": f.id}}, "required": ["format"]},
            "then": {"$ref": format!("#/$defs/{name}")},
        }));
        defs.insert(name, edition(f));
    }
    let ids: Vec<u16> = EDITIONS.iter().map(|f| f.id).collect();
    let mut props = props;
    props["format"] = json!({"title": "格式版本", "enum": ids});
    for t in ["active", "applications", "appeals", "processing_fees"] {
        // Typed by the edition (allOf below).
        props[t] = json!(true);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "properties": props,
        "required": required,
        "allOf": choose,
        "unevaluatedProperties": false,
        "$defs": defs,
    })
}

const DATE: &str = "^\\d{4}-\\d{2}-\\d{2}$";

/// The schema of `report.json` (and of each object of `data/reports.json`).
pub fn report_schema() -> Value {
    let props = json!({
        "agency": {"title": "机关名称", "type": "string", "minLength": 1},
        "agency_slug": {"title": "机关网址名", "type": "string", "minLength": 1},
        "year": {"title": "报告年度", "type": "integer"},
        "published": {"title": "发布日期", "type": ["string", "null"], "pattern": DATE},
        "title": {"title": "标题", "type": "string"},
        "previous": {
            "title": "上年报告（同一机关上一年度已发布的报告；没有则为 null）",
            "type": ["object", "null"],
            "properties": {
                "year": {"title": "报告年度", "type": "integer"},
                "url": {"title": "网址", "type": "string"},
            },
            "required": ["year", "url"],
            "additionalProperties": false,
        },
        "url": {"title": "网址", "type": "string"},
    });
    with_editions(
        "政府信息公开工作年度报告 · 数据（report.json）",
        props,
        &[
            "agency",
            "agency_slug",
            "year",
            "format",
            "published",
            "title",
            "active",
            "applications",
            "appeals",
            "processing_fees",
            "previous",
            "url",
        ],
    )
}

/// The schema of a roll-up object (`rollup.json`, each object of `data/rollups.json`).
pub fn rollup_schema() -> Value {
    let slugs = |title: &str| json!({"title": title, "type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true});
    let props = json!({
        "region": {"title": "地区（全站汇总为站点名称）", "type": "string", "minLength": 1},
        "region_slug": {"title": "地区网址名（全站汇总为 null）", "type": ["string", "null"]},
        "year": {"title": "报告年度", "type": "integer"},
        "reports": slugs("纳入汇总的报告（机关网址名）"),
        "missing": slugs("未发布（机关网址名）"),
        "excluded": {
            "title": "未纳入汇总的报告",
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "agency_slug": {"title": "机关网址名", "type": "string", "minLength": 1},
                    "reason": {"title": "原因（format：采用另一版格式）", "enum": ["format"]},
                },
                "required": ["agency_slug", "reason"],
                "additionalProperties": false,
            },
        },
        "url": {"title": "网址", "type": "string"},
    });
    with_editions(
        "政府信息公开工作年度报告 · 汇总（roll-up）",
        props,
        &[
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
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{F2019, F2021};

    #[test]
    fn rows_cover_every_cell_with_totals() {
        let r21 = rows(&F2021);
        let cells = |rs: &[DataRow], t: &str| -> usize {
            rs.iter()
                .filter(|r| r.table == t)
                .map(|r| r.columns.len())
                .sum()
        };
        // 2021: 3 + 3 + 1 + 1 + 1 + 1 cells of table 二; 25 rows × 7 of table 三; 3 × 5.
        assert_eq!(cells(&r21, "active"), 10);
        assert_eq!(cells(&r21, "applications"), 25 * 7);
        assert_eq!(cells(&r21, "appeals"), 15);
        assert_eq!(cells(&r21, "processing_fees"), 2);
        let r19 = rows(&F2019);
        assert_eq!(cells(&r19, "active"), 3 + 3 + 3 + 3 + 3 + 3 + 2 + 2);
        assert_eq!(cells(&r19, "processing_fees"), 0);
        let state = r21
            .iter()
            .find(|r| r.key == "results.withheld.state_secret")
            .unwrap();
        assert_eq!(
            state.labels,
            [
                "收到和处理政府信息公开申请情况",
                "三、本年度办理结果",
                "（三）不予公开",
                "1.属于国家秘密"
            ]
        );
    }

    #[test]
    fn schemas_take_their_tables_from_the_edition_named_by_format() {
        let s = report_schema();
        let apps = &s["$defs"]["edition2021"]["properties"]["applications"];
        assert_eq!(
            apps["properties"]["results"]["properties"]["withheld"]["properties"]["state_secret"]
                ["prefixItems"][6]["title"],
            "总计"
        );
        assert!(apps["properties"]["results"]["required"]
            .as_array()
            .unwrap()
            .contains(&json!("total")));
        assert_eq!(
            s["$defs"]["edition2019"]["properties"]["processing_fees"]["type"],
            "null"
        );
        let r = rollup_schema();
        assert_eq!(r["required"].as_array().unwrap().len(), 12);
        assert_eq!(r["$defs"], s["$defs"]);
    }
}
