//! The JSON Schema (draft 2020-12) of a report's front matter, derived from the editions, with
//! the official Chinese labels as titles, for editors' YAML language servers.

use serde_json::{json, Map, Value};

use super::{AppRowKind, FormatDef, ValueKind, EDITIONS};

fn number(kind: ValueKind, title: &str) -> Value {
    match kind {
        ValueKind::Count => {
            json!({"title": title, "type": "integer", "minimum": 0, "maximum": 1_000_000_000})
        }
        ValueKind::Signed => {
            json!({"title": title, "type": "integer", "minimum": -1_000_000_000, "maximum": 1_000_000_000})
        }
        ValueKind::Amount { decimals } => json!({
            "title": title, "type": "number", "minimum": 0, "maximum": 1_000_000_000,
            "description": format!("最多 {decimals} 位小数")
        }),
    }
}

fn row(title: &str, cols: &[(ValueKind, String)], optional_total: Option<&str>) -> Value {
    let mut items: Vec<Value> = cols.iter().map(|(k, t)| number(*k, t)).collect();
    let min = items.len();
    if let Some(t) = optional_total {
        items.push(number(ValueKind::Count, t));
    }
    let names: Vec<&str> = cols.iter().map(|(_, t)| t.as_str()).collect();
    let list = json!({
        "title": title,
        "description": names.join("、"),
        "type": "array",
        "prefixItems": items,
        "items": false,
        "minItems": min,
    });
    if cols.len() == 1 {
        json!({"title": title, "anyOf": [number(cols[0].0, &cols[0].1), list]})
    } else {
        list
    }
}

fn object(title: &str, props: Map<String, Value>) -> Value {
    let required: Vec<&String> = props.keys().collect();
    json!({"title": title, "type": "object", "properties": props, "required": required, "additionalProperties": false})
}

/// The edition-dependent part: the three tables and 信息处理费.
fn edition(f: &FormatDef) -> Value {
    let mut active = Map::new();
    for b in f.active.blocks {
        let cols: Vec<(ValueKind, String)> =
            b.columns.iter().map(|c| (c.kind, c.header())).collect();
        for r in b.rows {
            active.insert(
                r.key.into(),
                row(&format!("{} · {}", b.title, r.label), &cols, None),
            );
        }
    }
    let t = &f.applications;
    let cols: Vec<(ValueKind, String)> = t
        .columns
        .iter()
        .map(|c| (ValueKind::Count, c.to_string()))
        .collect();
    // Build nested objects bottom-up from the flat row list.
    fn group(f: &FormatDef, prefix: &str, cols: &[(ValueKind, String)]) -> Map<String, Value> {
        let mut m = Map::new();
        for r in f
            .applications
            .rows
            .iter()
            .filter(|r| r.parent().unwrap_or("") == prefix)
        {
            let v = match r.kind {
                AppRowKind::Group => object(r.label, group(f, r.path, cols)),
                _ => row(r.label, cols, Some(f.applications.total_label)),
            };
            m.insert(r.key().into(), v);
        }
        m
    }
    fn with_optional_total(mut v: Value, f: &FormatDef) -> Value {
        // （七）总计 is optional: computed when absent.
        if let Some(req) = v
            .pointer_mut("/properties/results/required")
            .and_then(Value::as_array_mut)
        {
            req.retain(|k| k != "total");
        }
        let _ = f;
        v
    }
    let apps = with_optional_total(object(t.caption, group(f, "", &cols)), f);
    let a = &f.appeals;
    let acols: Vec<(ValueKind, String)> = a
        .columns
        .iter()
        .map(|c| (ValueKind::Count, c.to_string()))
        .collect();
    let mut appeals = Map::new();
    for g in a.groups {
        appeals.insert(g.key.into(), row(&g.label(), &acols, Some(a.total_label)));
    }
    let mut props = Map::new();
    props.insert("active".into(), object(&f.sections[1].heading(), active));
    props.insert("applications".into(), apps);
    props.insert("appeals".into(), object(&f.sections[3].heading(), appeals));
    if let Some(fees) = &f.processing_fees {
        let mut m = Map::new();
        m.insert(
            "notices".into(),
            number(ValueKind::Count, fees.notices_label),
        );
        m.insert(
            "amount".into(),
            number(
                ValueKind::Amount {
                    decimals: fees.amount_decimals,
                },
                fees.amount_label,
            ),
        );
        props.insert("processing_fees".into(), object(fees.label, m));
    }
    json!({
        "title": format!("{} 版格式（{}）", f.id, f.document),
        "properties": props,
        "required": ["active", "applications", "appeals"],
    })
}

fn common(format_ids: &[u16]) -> Value {
    json!({
        "agency": {"title": "机关名称", "type": "string", "minLength": 1},
        "year": {"title": "报告年度", "type": "integer", "minimum": 2008},
        "published": {"title": "发布日期", "type": ["string", "null"], "pattern": DATE, "format": "date"},
        "format": {"title": "格式版本", "enum": format_ids},
        "title": {"title": "标题", "type": "string"},
        "draft": {"title": "草稿", "type": "boolean"},
        "acknowledge": acknowledge(),
        "revisions": {
            "title": "修订记录",
            "description": "发布后的更正，按日期先后：- {date: YYYY-MM-DD, note: 更正了什么}",
            "type": "array",
            "items": {
                "title": "修订",
                "type": "object",
                "properties": {
                    "date": {"title": "修订日期", "type": "string", "pattern": DATE},
                    "note": {"title": "修订说明", "type": "string", "pattern": "\\S"},
                },
                "required": ["date", "note"],
                "additionalProperties": false,
            },
        },
    })
}

const DATE: &str = "^\\d{4}-\\d{2}-\\d{2}$";

/// `acknowledge`: warning codes that a report may explain, each with a non-empty explanation.
fn acknowledge() -> Value {
    use crate::diagnostic::{Code, Severity};
    let codes: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.severity() == Severity::Warning)
        .map(|c| c.as_str())
        .collect();
    json!({
        "title": "数据说明",
        "description": "对保留的警告作出说明：警告代码: 说明文字（在报告页面的数据说明中显示）",
        "type": "object",
        "propertyNames": {"enum": codes},
        "additionalProperties": {"title": "说明", "type": "string", "pattern": "\\S"},
    })
}

/// The schema for one edition, or (`None`) for both, chosen by `format`/`year`.
pub fn schema(only: Option<&FormatDef>) -> Value {
    let mut defs = Map::new();
    let editions: Vec<&FormatDef> = match only {
        Some(f) => vec![f],
        None => EDITIONS.to_vec(),
    };
    for f in &editions {
        defs.insert(format!("edition{}", f.id), edition(f));
    }
    let ids: Vec<u16> = editions.iter().map(|f| f.id).collect();
    let body = match only {
        Some(f) => json!({"$ref": format!("#/$defs/edition{}", f.id)}),
        None => {
            // An explicit `format`, else the year decides (formats.md).
            let (old, new) = (EDITIONS[0], EDITIONS[1]);
            json!({
                "if": {"anyOf": [
                    {"properties": {"format": {"const": old.id}}, "required": ["format"]},
                    {"properties": {"year": {"maximum": old.years.1.unwrap_or(old.id)}}, "required": ["year"], "not": {"required": ["format"]}}
                ]},
                "then": {"$ref": format!("#/$defs/edition{}", old.id)},
                "else": {"$ref": format!("#/$defs/edition{}", new.id)}
            })
        }
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://nianbao.invalid/schema/report.json",
        "title": "政府信息公开工作年度报告 · 前置数据",
        "type": "object",
        "properties": common(&ids),
        "required": ["agency", "year", "active", "applications", "appeals"],
        "allOf": [body],
        "unevaluatedProperties": false,
        "$defs": defs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::F2021;

    #[test]
    fn schema_names_rows_by_official_label() {
        let s = schema(Some(&F2021));
        let apps = &s["$defs"]["edition2021"]["properties"]["applications"];
        assert_eq!(
            apps["properties"]["new"]["title"],
            "一、本年新收政府信息公开申请数量"
        );
        assert_eq!(
            apps["properties"]["results"]["properties"]["withheld"]["properties"]["state_secret"]
                ["prefixItems"][0]["title"],
            "自然人"
        );
        assert!(!apps["properties"]["results"]["required"]
            .as_array()
            .unwrap()
            .contains(&json!("total")));
        let both = schema(None);
        assert!(
            both["$defs"]["edition2019"]["properties"]["active"]["properties"]["procurement"]
                .is_object()
        );
    }
}
