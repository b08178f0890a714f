//! `check --fix`: rewrites what is unambiguous in report and agency files.
//!
//! In: a file's bytes. Out: the rewritten bytes and a line per change, or the reason the file is
//! left as it is. What changes: the slips `crate::fullwidth` finds and can replace (full-width
//! punctuation, digits and spaces where YAML structure or a number is expected, quotes around a
//! number, a tab or full-width space in the indentation where two spaces per character give the
//! siblings' indentation), and a GB18030/GBK file becomes UTF-8. A file whose front matter
//! would still not parse is left untouched; names and narrative are never changed.

use std::path::Path;

use crate::frontmatter::{self, SplitError};
use crate::fullwidth::{self, What};

/// One change, for the terminal: the file line and what was done there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub line: u32,
    pub what: String,
}

/// What `--fix` does to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to fix.
    Unchanged,
    /// The new bytes and the changes made.
    Fixed(Vec<u8>, Vec<Change>),
    /// Something would need fixing, but the result would not parse (or the encoding is not
    /// known): the file is left as it is, for this reason.
    Untouched(String),
}

/// Fixes one file's bytes. `agency_file`: an `_index.md`, whose front matter is optional.
pub fn fix(bytes: &[u8], agency_file: bool) -> Outcome {
    let mut changes = Vec::new();
    let decoded;
    let text: &str = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
            let gb = (!utf16)
                .then(|| {
                    encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
                })
                .flatten();
            let Some(gb) = gb else {
                return Outcome::Untouched("编码无法识别，请另存为 UTF-8".into());
            };
            changes.push(Change {
                line: 1,
                what: "已从 GB18030（GBK）编码转换为 UTF-8".into(),
            });
            decoded = gb.into_owned();
            &decoded
        }
    };
    let bom = text.starts_with('\u{feff}');
    let crlf = text.contains("\r\n");
    let normal = crate::source::normalize(text);
    let fixed = match frontmatter::split(&normal) {
        Ok(split) => {
            let slips = fullwidth::scan(split.yaml, split.yaml_line);
            if slips.iter().any(|s| s.fix.is_some()) {
                changes.extend(describe(&slips));
            }
            let yaml = fullwidth::apply(split.yaml, &slips);
            let start = split.yaml.as_ptr() as usize - normal.as_ptr() as usize;
            let end = start + split.yaml.len();
            let fixed = format!("{}{yaml}{}", &normal[..start], &normal[end..]);
            let parses = frontmatter::split(&fixed)
                .is_ok_and(|s| frontmatter::parse(s.yaml, s.yaml_line).is_ok());
            if !parses {
                return if changes.is_empty() && slips.is_empty() {
                    Outcome::Unchanged
                } else {
                    Outcome::Untouched(
                        "前置数据还有无法自动改正的错误，请按 check 的提示手工改正".into(),
                    )
                };
            }
            fixed
        }
        Err(SplitError::NoOpening) if agency_file => normal.into_owned(),
        Err(_) if changes.is_empty() => return Outcome::Unchanged,
        Err(_) => {
            return Outcome::Untouched("没有完整的前置数据（--- 之间的部分）".into());
        }
    };
    if changes.is_empty() {
        return Outcome::Unchanged;
    }
    let mut out = if crlf {
        fixed.replace('\n', "\r\n")
    } else {
        fixed
    };
    if bom {
        out.insert(0, '\u{feff}');
    }
    Outcome::Fixed(out.into_bytes(), changes)
}

/// One change per line and kind of slip.
fn describe(slips: &[fullwidth::Slip]) -> Vec<Change> {
    let mut out: Vec<(u32, What, String, usize)> = Vec::new();
    for s in slips {
        let Some(fix) = &s.fix else { continue };
        let what = match s.what {
            What::Comma => "中文逗号“，”改为英文逗号“,”".to_string(),
            What::Semicolon => "中文分号“；”改为英文逗号“,”".to_string(),
            What::Colon => "中文冒号“：”改为英文冒号“:”".to_string(),
            What::Quote | What::AsciiQuote => "去掉数字两边的引号".to_string(),
            What::Bracket => format!("中文方括号“{}”改为“{}”", s.found, fix),
            What::Digits => format!("全角数字“{}”改为“{fix}”", s.found),
            What::Space => "全角空格改为半角空格".to_string(),
            What::IndentSpace => format!("行首的全角空格改为 {} 个空格", fix.len()),
            What::Tab => format!("行首的制表符改为 {} 个空格", fix.len()),
        };
        match out
            .iter_mut()
            .find(|(l, w, t, _)| *l == s.line && *w == s.what && *t == what)
        {
            Some(x) => x.3 += 1,
            None => out.push((s.line, s.what, what, 1)),
        }
    }
    out.into_iter()
        .map(|(line, what, text, n)| {
            // A pair of quotes is one change.
            let n = if matches!(what, What::Quote | What::AsciiQuote) {
                n.div_ceil(2)
            } else {
                n
            };
            Change {
                line,
                what: if n > 1 {
                    format!("{text}（{n} 处）")
                } else {
                    text
                },
            }
        })
        .collect()
}

/// Fixes the files of a site that `wanted` picks (paths relative to `root`), writing each
/// changed file in place (through a temporary file beside it). Returns, per file looked at
/// that needed something, its outcome; an I/O failure is an error.
pub fn fix_site(
    root: &Path,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<(String, Outcome)>, String> {
    let tree =
        crate::source::scan(root).map_err(|e| format!("无法读取 {}：{e}", root.display()))?;
    let mut out = Vec::new();
    for agency in &tree.agencies {
        let files = agency
            .index
            .iter()
            .map(|f| (f, true))
            .chain(agency.reports.iter().map(|f| (f, false)));
        for (file, is_index) in files {
            if !wanted(file) {
                continue;
            }
            let path = root.join(file);
            let bytes = std::fs::read(&path).map_err(|e| format!("无法读取 {file}：{e}"))?;
            let outcome = fix(&bytes, is_index);
            if let Outcome::Fixed(new, _) = &outcome {
                let tmp = path.with_extension("md.nianbao-fix.tmp");
                std::fs::write(&tmp, new)
                    .and_then(|()| std::fs::rename(&tmp, &path))
                    .map_err(|e| {
                        let _ = std::fs::remove_file(&tmp);
                        format!("无法写入 {file}：{e}")
                    })?;
            }
            if outcome != Outcome::Unchanged {
                out.push((file.clone(), outcome));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> (String, Vec<Change>) {
        match fix(text.as_bytes(), false) {
            Outcome::Fixed(b, c) => (String::from_utf8(b).unwrap(), c),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fixes_and_says_where() {
        let text = "---\nagency: 示例县（区）教育局\napplications:\n  new: [5，1，0，0，0，0]\n---\n\n正文：１，２\n";
        let (out, changes) = fixed(text);
        assert_eq!(
            out,
            "---\nagency: 示例县（区）教育局\napplications:\n  new: [5, 1, 0, 0, 0, 0]\n---\n\n正文：１，２\n"
        );
        assert_eq!(
            changes,
            [Change {
                line: 4,
                what: "中文逗号“，”改为英文逗号“,”（5 处）".into()
            }]
        );
        assert_eq!(fix(out.as_bytes(), false), Outcome::Unchanged);
    }

    #[test]
    fn keeps_crlf_and_bom() {
        let text = "\u{feff}---\r\nyear：2021\r\n---\r\n";
        let (out, _) = fixed(text);
        assert_eq!(out, "\u{feff}---\r\nyear: 2021\r\n---\r\n");
    }

    #[test]
    fn gb18030_becomes_utf8() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("---\nagency: 汤原县\n---\n");
        match fix(&bytes, false) {
            Outcome::Fixed(b, c) => {
                assert_eq!(b, "---\nagency: 汤原县\n---\n".as_bytes());
                assert_eq!(c[0].line, 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn what_cannot_be_parsed_is_left_alone() {
        // A slip, and an unclosed bracket no fix can close.
        let text = "---\nyear：2021\nx: [1, 2\n---\n";
        assert!(matches!(fix(text.as_bytes(), false), Outcome::Untouched(_)));
        // No front matter at all: nothing to do.
        assert_eq!(fix(b"text\n", false), Outcome::Unchanged);
        // An agency file without front matter, in GBK: converted.
        let (bytes, _, _) = encoding_rs::GB18030.encode("示例县\n");
        assert!(matches!(fix(&bytes, true), Outcome::Fixed(..)));
        assert!(matches!(fix(&bytes, false), Outcome::Untouched(_)));
        assert!(matches!(
            fix(&[0xff, 0xfe, 0x41, 0], false),
            Outcome::Untouched(_)
        ));
    }
}
