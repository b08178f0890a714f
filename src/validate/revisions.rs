//! `revisions`: corrections after publication, read into the model (N003–N007 for bad entries).
//!
//! In: the `revisions` node and the report's `published` date. Out: the valid entries.

use chrono::NaiveDate;

use super::{Detail, Sink};
use crate::config::suggest;
use crate::diagnostic::{Code, Pos};
use crate::frontmatter::{Entry, Node};
use crate::report::Revision;

const KEYS: [&str; 2] = ["date", "note"];

/// A date written `YYYY-MM-DD` (plain or quoted), if it is a real one.
pub fn parse_date(n: &Node) -> Option<NaiveDate> {
    let s = n.as_str()?.trim();
    (s.len() == 10)
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
}

/// Reads the `revisions` list. Dates must be real, not before `published`, and never
/// decreasing (N007, at the offending entry); notes non-empty (N006).
pub fn read(e: &Entry, published: Option<NaiveDate>, sink: &mut Sink) -> Vec<Revision> {
    let mut out = Vec::new();
    if e.value.is_null() {
        return out;
    }
    let Some(items) = e.value.as_seq() else {
        sink.add(
            Code::N005,
            e.value.pos,
            format!(
                "revisions 应为列表，每条写成 - {{date: YYYY-MM-DD, note: 修订说明}}，实为{}",
                e.value.describe()
            ),
        )
        .found(e.value.describe())
        .label("修订记录");
        return out;
    };
    let mut last: Option<NaiveDate> = None;
    for item in items {
        let Some(map) = item.as_map() else {
            sink.add(
                Code::N005,
                item.pos,
                format!(
                    "修订记录的每一条应为映射 {{date: YYYY-MM-DD, note: 修订说明}}，实为{}",
                    item.describe()
                ),
            )
            .found(item.describe())
            .label("修订记录");
            continue;
        };
        for x in map.iter().filter(|x| !KEYS.contains(&&*x.key)) {
            let mut m = format!("修订记录中有未知的键“{}”", x.key);
            if let Some(s) = suggest(&x.key, KEYS) {
                m.push_str(&format!("，是否应为“{s}”？"));
            }
            sink.add(
                Code::N003,
                Pos {
                    width: x.key.chars().count() as u32,
                    ..x.key_pos
                },
                m,
            )
            .found(&*x.key)
            .label("未知的键");
        }
        let get = |k: &str| map.iter().find(|x| x.key == k);
        let date = match get("date") {
            None => {
                sink.add(Code::N004, item.pos, "修订记录缺少修订日期（date）")
                    .label("缺少 date");
                None
            }
            Some(x) => match parse_date(&x.value) {
                None => {
                    let text = x.value.as_str().unwrap_or(x.value.describe());
                    sink.add(
                        Code::N007,
                        x.value.pos,
                        format!("修订日期（date）不是有效的日期：“{text}”，应写作 YYYY-MM-DD"),
                    )
                    .expected("YYYY-MM-DD")
                    .found(text)
                    .label("修订日期");
                    None
                }
                Some(d) => {
                    let ok = if published.is_some_and(|p| d < p) {
                        let p = published.unwrap_or(d);
                        sink.add(
                            Code::N007,
                            x.value.pos,
                            format!("修订日期 {d} 早于发布日期 {p}：修订只能在发布之后"),
                        )
                        .expected(format!("≥ {p}"))
                        .found(d.to_string())
                        .label("早于发布日期");
                        false
                    } else if let Some(prev) = last.filter(|prev| d < *prev) {
                        sink.add(
                            Code::N007,
                            x.value.pos,
                            format!(
                                "修订日期 {d} 早于上一条修订的日期 {prev}：修订记录应按时间先后排列"
                            ),
                        )
                        .expected(format!("≥ {prev}"))
                        .found(d.to_string())
                        .label("早于上一条修订");
                        false
                    } else {
                        true
                    };
                    last = Some(last.map_or(d, |p| p.max(d)));
                    ok.then_some(d)
                }
            },
        };
        let note = match get("note") {
            None => {
                sink.add(Code::N004, item.pos, "修订记录缺少修订说明（note）")
                    .label("缺少 note");
                None
            }
            Some(x) => match x.value.as_str().map(str::trim) {
                Some(s) if !s.is_empty() => Some(s.to_string()),
                _ => {
                    let what = if x.value.is_null() || x.value.scalar().is_some() {
                        "不能为空".to_string()
                    } else {
                        format!("应为文字，实为{}", x.value.describe())
                    };
                    sink.add(
                        Code::N006,
                        x.value.pos,
                        format!("修订说明（note）{what}：请写明更正了什么"),
                    )
                    .label("修订说明");
                    None
                }
            },
        };
        if let (Some(date), Some(note)) = (date, note) {
            out.push(Revision { date, note });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;

    fn read_yaml(yaml: &str, published: &str) -> (Vec<Revision>, Vec<Diagnostic>) {
        let node = crate::frontmatter::parse(yaml, 2).unwrap();
        let e = node.get("revisions").unwrap();
        let mut sink = Sink::new("x.md");
        let out = read(
            e,
            NaiveDate::parse_from_str(published, "%Y-%m-%d").ok(),
            &mut sink,
        );
        (out, sink.diags)
    }

    #[test]
    fn valid_revisions_in_order() {
        let (out, diags) = read_yaml(
            "revisions:\n  - {date: 2024-02-01, note: 更正了表三}\n  - date: '2024-02-01'\n    note: 再次更正\n",
            "2024-01-20",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].note, "再次更正");
    }

    #[test]
    fn dates_real_after_published_never_decreasing_and_notes_given() {
        let (out, diags) = read_yaml(
            "revisions:\n  - {date: 2024-01-10, note: a}\n  - {date: 2024-03-01, note: b}\n  - {date: 2024-02-30, note: c}\n  - {date: 2024-02-01, note: d}\n  - {date: 2024-04-01, note: ''}\n  - {date: 2024-04-02}\n  - {dat: 2024-04-03, note: f}\n  - x\n",
            "2024-01-20",
        );
        assert_eq!(out.len(), 1);
        let got: Vec<_> = diags.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(
            got,
            [
                (Code::N007, 3),
                (Code::N007, 5),
                (Code::N007, 6),
                (Code::N006, 7),
                (Code::N004, 8),
                (Code::N003, 9),
                (Code::N004, 9),
                (Code::N005, 10),
            ]
        );
        assert!(diags[0].message.contains("2024-01-20"));
        assert!(diags[2].message.contains("2024-03-01"));
        assert!(diags[5].message.contains("date"));
        let (_, diags) = read_yaml("revisions: {date: 2024-01-10}\n", "2024-01-20");
        assert_eq!(diags[0].code, Code::N005);
    }
}
