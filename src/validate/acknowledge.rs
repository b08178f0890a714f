//! Explained warnings: reads `acknowledge` (report or agency file) into entries, and applies the
//! entries of every file to the site's diagnostics, raising W106 for the stale ones.
//!
//! In: the `acknowledge` node of a front matter; later, every diagnostic and every file's
//! entries. Out: entries (with N003/N006 for bad ones); diagnostics marked `acknowledged`.

use std::collections::{HashMap, HashSet};

use super::{Detail, Sink};
use crate::config::suggest;
use crate::diagnostic::{Code, Diagnostic, Severity, RESERVED};
use crate::frontmatter::{Entry, Kind};
use crate::report::Acknowledgement;

/// Which file an `acknowledge` stands in: it decides which warnings can be explained there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Report,
    /// `_index.md`: only the warnings located there (W105, and W106 for its own entries).
    AgencyFile,
}

impl Place {
    /// The codes an entry may name here.
    pub fn codes(self) -> Vec<Code> {
        Code::ALL
            .iter()
            .copied()
            .filter(|c| c.severity() == Severity::Warning)
            .filter(|c| self == Place::Report || matches!(c, Code::W105 | Code::W106))
            .collect()
    }
}

/// Reads the `acknowledge` mapping; bad entries are diagnosed and left out.
pub fn read(e: &Entry, place: Place, sink: &mut Sink) -> Vec<Acknowledgement> {
    let mut out = Vec::new();
    if e.value.is_null() {
        return out;
    }
    let Some(map) = e.value.as_map() else {
        sink.add(
            Code::N005,
            e.value.pos,
            format!(
                "acknowledge 应为映射：每行一个警告代码和说明，例如 W001: 说明文字；实为{}",
                e.value.describe()
            ),
        )
        .found(e.value.describe())
        .label("数据说明");
        return out;
    };
    let allowed = place.codes();
    for x in map {
        let key = x.key.trim();
        let at = crate::diagnostic::Pos {
            width: key.chars().count() as u32,
            ..x.key_pos
        };
        let code = Code::parse(key);
        let problem = match code {
            Some(c) if allowed.contains(&c) => None,
            Some(c) if c.severity() == Severity::Error => Some(format!(
                "acknowledge 中的“{key}”是错误代码（{}）：错误必须改正，不能用说明保留",
                c.summary()
            )),
            Some(c) => Some(format!(
                "机关文件的 acknowledge 只能说明位于机关文件的警告（{}）；“{c}”应写在相应报告的 acknowledge 中",
                Place::AgencyFile
                    .codes()
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            )),
            None if RESERVED.contains(&key) => Some(format!(
                "“{key}”是保留的规则代码，尚未启用，不会出现这一警告，不能说明"
            )),
            None => {
                let mut m = format!("acknowledge 中的“{key}”不是警告代码");
                if let Some(s) = suggest(key, allowed.iter().map(|c| c.as_str())) {
                    m.push_str(&format!("，是否应为“{s}”？"));
                }
                Some(m)
            }
        };
        if let Some(m) = problem {
            sink.add(Code::N003, at, m)
                .found(key)
                .label("不能说明的代码");
            continue;
        }
        let Some(code) = code else { continue };
        let text = match &x.value.kind {
            Kind::Scalar(s, _) if !x.value.is_null() => s.trim(),
            _ => "",
        };
        if text.is_empty() {
            let what = if x.value.is_null() || x.value.scalar().is_some() {
                "不能为空".to_string()
            } else {
                format!("应为文字，实为{}", x.value.describe())
            };
            sink.add(
                Code::N006,
                if x.value.is_null() { at } else { x.value.pos },
                format!("acknowledge 中 {code} 的说明{what}：请写明保留这一警告的原因"),
            )
            .row(code.as_str())
            .label("说明");
            continue;
        }
        out.push(Acknowledgement {
            code,
            text: text.to_string(),
            pos: x.key_pos,
        });
    }
    out
}

/// The `acknowledge` entries of one file (a report or an agency file).
#[derive(Debug, Clone, Copy)]
pub struct FileAcknowledgements<'a> {
    /// Path relative to the site root, as in the diagnostics.
    pub file: &'a str,
    pub entries: &'a [Acknowledgement],
}

/// Marks every warning an entry of its file explains (one entry explains every diagnostic of
/// its code in that file) and adds W106 for each entry that explains nothing. A warning made an
/// error by `--strict` before this runs becomes a warning again once explained.
pub fn apply(diags: &mut Vec<Diagnostic>, files: &[FileAcknowledgements]) {
    let by_file: HashMap<&str, &[Acknowledgement]> = files
        .iter()
        .filter(|f| !f.entries.is_empty())
        .map(|f| (f.file, f.entries))
        .collect();
    if by_file.is_empty() {
        return;
    }
    let mut used: HashSet<(String, Code)> = HashSet::new();
    let mark = |d: &mut Diagnostic, used: &mut HashSet<(String, Code)>| {
        if d.code.severity() != Severity::Warning {
            return;
        }
        let Some(entries) = by_file.get(d.file.as_str()) else {
            return;
        };
        if let Some(a) = entries.iter().find(|a| a.code == d.code) {
            d.acknowledged = Some(a.text.clone());
            d.severity = Severity::Warning;
            used.insert((d.file.clone(), d.code));
        }
    };
    for d in diags.iter_mut() {
        mark(d, &mut used);
    }
    // Stale entries; then the W106 entries, which may explain those.
    let mut stale = Vec::new();
    for pass in [false, true] {
        for f in files {
            for a in f.entries.iter().filter(|a| (a.code == Code::W106) == pass) {
                if !used.contains(&(f.file.to_string(), a.code)) {
                    let mut d = Diagnostic::new(
                        Code::W106,
                        f.file,
                        crate::diagnostic::Pos {
                            width: a.code.as_str().len() as u32,
                            ..a.pos
                        },
                        format!(
                            "数据说明（acknowledge）中的 {}（{}）已没有对应的警告：请删除这条过时的说明",
                            a.code,
                            a.code.summary()
                        ),
                    );
                    d.found(a.code.as_str()).label("过时的说明");
                    // The file's W106 entry, if any, explains it.
                    if !pass {
                        mark(&mut d, &mut used);
                    }
                    stale.push(d);
                }
            }
        }
    }
    diags.extend(stale);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pos;

    fn ack(code: Code, line: u32) -> Acknowledgement {
        Acknowledgement {
            code,
            text: format!("说明{code}"),
            pos: Pos::new(line, 3, 4),
        }
    }

    fn warn(code: Code, file: &str) -> Diagnostic {
        Diagnostic::new(code, file, Pos::new(20, 1, 1), "m")
    }

    #[test]
    fn one_entry_explains_every_diagnostic_of_its_code_in_its_file() {
        let entries = [ack(Code::W001, 5)];
        let mut diags = vec![
            warn(Code::W001, "a.md"),
            warn(Code::W001, "a.md"),
            warn(Code::W001, "b.md"),
            warn(Code::W003, "a.md"),
        ];
        crate::diagnostic::make_strict(&mut diags);
        apply(
            &mut diags,
            &[FileAcknowledgements {
                file: "a.md",
                entries: &entries,
            }],
        );
        assert_eq!(diags.len(), 4);
        assert!(diags[..2]
            .iter()
            .all(|d| d.acknowledged.as_deref() == Some("说明W001")
                && d.severity == Severity::Warning));
        assert!(diags[2..]
            .iter()
            .all(|d| d.acknowledged.is_none() && d.is_error()));
    }

    #[test]
    fn a_stale_entry_is_w106_at_its_key_and_w106_can_be_explained() {
        let entries = [ack(Code::W003, 5), ack(Code::W105, 6)];
        let mut diags = vec![warn(Code::W105, "a.md")];
        let files = [FileAcknowledgements {
            file: "a.md",
            entries: &entries,
        }];
        apply(&mut diags, &files);
        let w106: Vec<_> = diags.iter().filter(|d| d.code == Code::W106).collect();
        assert_eq!(w106.len(), 1);
        assert_eq!((w106[0].line, w106[0].column), (5, 3));
        assert!(w106[0].message.contains("W003"), "{}", w106[0].message);
        assert!(w106[0].acknowledged.is_none());

        // An explanation of W106 explains the stale entries; alone it is stale itself.
        let entries = [ack(Code::W003, 5), ack(Code::W106, 6)];
        let mut diags = vec![];
        apply(
            &mut diags,
            &[FileAcknowledgements {
                file: "a.md",
                entries: &entries,
            }],
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].acknowledged.as_deref(), Some("说明W106"));
        let entries = [ack(Code::W106, 6)];
        let mut diags = vec![];
        apply(
            &mut diags,
            &[FileAcknowledgements {
                file: "a.md",
                entries: &entries,
            }],
        );
        assert_eq!(diags.len(), 1);
        assert_eq!((diags[0].line, diags[0].acknowledged.is_none()), (6, true));
    }

    fn read_yaml(yaml: &str, place: Place) -> (Vec<Acknowledgement>, Vec<Diagnostic>) {
        let node = crate::frontmatter::parse(yaml, 2).unwrap();
        let e = node.get("acknowledge").unwrap();
        let mut sink = Sink::new("x.md");
        let out = read(e, place, &mut sink);
        (out, sink.diags)
    }

    #[test]
    fn reading_refuses_errors_unknown_reserved_and_empty() {
        let (ok, diags) = read_yaml(
            "acknowledge:\n  W001: 机构改革。\n  R001: 不平衡\n  W01: x\n  W107: y\n  W003: \"\"\n  W004:\n  W005: [a]\n",
            Place::Report,
        );
        assert_eq!(ok.len(), 1);
        assert_eq!(
            (ok[0].code, ok[0].text.as_str()),
            (Code::W001, "机构改革。")
        );
        assert_eq!(ok[0].pos.line, 3);
        let got: Vec<_> = diags.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(
            got,
            [
                (Code::N003, 4),
                (Code::N003, 5),
                (Code::N003, 6),
                (Code::N006, 7),
                (Code::N006, 8),
                (Code::N006, 9)
            ]
        );
        assert!(diags[0].message.contains("错误"), "{}", diags[0].message);
        assert!(diags[1].message.contains("W001"), "{}", diags[1].message);
        assert!(diags[2].message.contains("保留"), "{}", diags[2].message);

        let (ok, diags) = read_yaml(
            "acknowledge:\n  W105: 已撤销。\n  W001: x\n",
            Place::AgencyFile,
        );
        assert_eq!(ok.len(), 1);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("W105"));

        let (ok, diags) = read_yaml("acknowledge: [W001]\n", Place::Report);
        assert!(ok.is_empty());
        assert_eq!(diags[0].code, Code::N005);
    }
}
