//! Front matter: splits a file into YAML and Markdown, and parses the YAML into a positioned tree.
//!
//! In: a report's or agency file's text (already UTF-8, BOM and CR removed). Out: a [`Node`] tree
//! in which every key and scalar knows its line, column and how it was written, plus the body.
//! This is the only module that talks to a YAML library: serde_yaml judges whether the YAML is
//! valid (and where it is not), an event parser supplies the positions and raw scalar text that
//! rules such as "no leading zero, no quoted number" need.

use std::collections::HashSet;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::diagnostic::Pos;

/// How deep mappings and sequences may nest; a report needs 4.
const MAX_DEPTH: usize = 32;
/// How many nodes aliases may add in total; a bound against "billion laughs".
const MAX_ALIAS_NODES: usize = 2_000;

/// A file cut at its front-matter fences.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// File line of the first YAML line.
    pub yaml_line: u32,
    pub body: &'a str,
    /// File line of the first body line.
    pub body_line: u32,
    /// File line of the closing `---`.
    pub close_line: u32,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The first line is not `---`.
    NoOpening,
    /// No `---` line closes the front matter.
    NotClosed,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits `text` into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Err(SplitError::NoOpening);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line = 2u32;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if is_fence(&text[offset..end]) {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
                close_line: line,
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(SplitError::NotClosed)
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
    /// Carries an explicit tag such as `!!str`.
    Tagged,
}

/// A parsed YAML node with its place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Scalar(String, Style),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry: the key text, where the key stands, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    /// The raw text of a scalar.
    pub fn scalar(&self) -> Option<(&str, Style)> {
        match &self.kind {
            Kind::Scalar(s, st) => Some((s, *st)),
            _ => None,
        }
    }

    /// A YAML 1.2 null: empty, `~` or `null`, written plain.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s, Style::Plain) if matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A string value (any style except a plain null).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) if !self.is_null() => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The entry of a mapping with this key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// A word for what this node is, for messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Map(_) => "映射",
            Kind::Seq(_) => "列表",
            Kind::Scalar(..) if self.is_null() => "空值",
            Kind::Scalar(..) => "单个值",
        }
    }
}

/// A YAML problem, positioned in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Parses front matter that starts at file line `first_line`.
pub fn parse(yaml: &str, first_line: u32) -> Result<Node, YamlError> {
    let tree = build_tree(yaml, first_line);
    // A limit of ours is reported as it is, and spares serde_yaml a pathological input (it
    // takes seconds over 100 000 nested brackets).
    if let Err(own) = &tree {
        if own.bounded {
            return Err(own.error.clone());
        }
    }
    // serde_yaml is the judge of validity; its message is reported for syntax errors.
    if let Err(e) = serde_yaml::from_str::<serde::de::IgnoredAny>(yaml) {
        let pos = e
            .location()
            .map(|l| Pos::new(first_line + l.line() as u32 - 1, l.column() as u32, 1))
            .or_else(|| tree.as_ref().err().map(|t| t.error.pos))
            .unwrap_or(Pos::line(first_line));
        return Err(YamlError {
            pos,
            message: translate(&e.to_string()),
        });
    }
    tree.map_err(|t| t.error)
}

fn translate(msg: &str) -> String {
    // Strip serde_yaml's own "at line X column Y": the diagnostic carries the position.
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    if msg.contains("recursion limit") {
        return format!("YAML 嵌套过深（{msg}）");
    }
    if msg.contains("repetition limit") {
        return format!("YAML 别名展开过多（{msg}）");
    }
    if msg.contains("duplicate entry") {
        return format!("YAML 中有重复的键（{msg}）");
    }
    format!("YAML 语法错误：{msg}")
}

struct TreeError {
    error: YamlError,
    /// A limit of ours, not a syntax error: reported as is.
    bounded: bool,
}

enum Frame {
    Seq(Pos, Vec<Node>, Option<usize>),
    /// The keys seen so far, for the duplicate check (a list scan is quadratic).
    Map(
        Pos,
        Vec<Entry>,
        Option<(String, Pos)>,
        Option<usize>,
        HashSet<String>,
    ),
}

fn span_pos(span: &Span, first_line: u32) -> Pos {
    let width = if span.end.line() == span.start.line() {
        span.end.col().saturating_sub(span.start.col())
    } else {
        1
    };
    Pos::new(
        first_line + span.start.line() as u32 - 1,
        span.start.col() as u32 + 1,
        width as u32,
    )
}

fn node_size(n: &Node) -> usize {
    match &n.kind {
        Kind::Scalar(..) => 1,
        Kind::Seq(v) => 1 + v.iter().map(node_size).sum::<usize>(),
        Kind::Map(m) => 1 + m.iter().map(|e| 1 + node_size(&e.value)).sum::<usize>(),
    }
}

fn build_tree(yaml: &str, first_line: u32) -> Result<Node, TreeError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, Node> = Default::default();
    let mut alias_budget = MAX_ALIAS_NODES;
    let mut root: Option<Node> = None;
    let err = |pos: Pos, message: String, bounded: bool| TreeError {
        error: YamlError { pos, message },
        bounded,
    };

    for item in Parser::new_from_str(yaml) {
        let (event, span) = match item {
            Ok(x) => x,
            Err(e) => {
                let m = e.marker();
                let pos = Pos::new(first_line + m.line() as u32 - 1, m.col() as u32 + 1, 1);
                // The scanner's own nesting limit is a bound like ours, not a syntax error.
                if e.info().contains("recursion limit") {
                    return Err(err(pos, "YAML 嵌套过深".into(), true));
                }
                return Err(err(pos, format!("YAML 语法错误：{}", e.info()), false));
            }
        };
        let pos = span_pos(&span, first_line);
        let complete: Option<(Node, Option<usize>)> = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let style = if tag.is_some() {
                    Style::Tagged
                } else {
                    match style {
                        ScalarStyle::Plain => Style::Plain,
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                        _ => Style::Block,
                    }
                };
                Some((
                    Node {
                        kind: Kind::Scalar(text.into_owned(), style),
                        pos,
                    },
                    Some(anchor),
                ))
            }
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(pos, format!("YAML 嵌套超过 {MAX_DEPTH} 层"), true));
                }
                stack.push(Frame::Seq(pos, Vec::new(), Some(anchor)));
                None
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(pos, format!("YAML 嵌套超过 {MAX_DEPTH} 层"), true));
                }
                stack.push(Frame::Map(
                    pos,
                    Vec::new(),
                    None,
                    Some(anchor),
                    HashSet::new(),
                ));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(p, items, anchor)) => Some((
                    Node {
                        kind: Kind::Seq(items),
                        pos: p,
                    },
                    anchor,
                )),
                _ => return Err(err(pos, "YAML 结构错误".into(), false)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(p, entries, _, anchor, _)) => Some((
                    Node {
                        kind: Kind::Map(entries),
                        pos: p,
                    },
                    anchor,
                )),
                _ => return Err(err(pos, "YAML 结构错误".into(), false)),
            },
            Event::Alias(id) => {
                let Some(target) = anchors.get(&id) else {
                    return Err(err(pos, "YAML 别名指向未定义的锚点".into(), false));
                };
                let size = node_size(target);
                if size > alias_budget {
                    return Err(err(pos, "YAML 锚点和别名展开过大，已拒绝".into(), true));
                }
                alias_budget -= size;
                let mut copy = target.clone();
                copy.pos = pos;
                Some((copy, None))
            }
            _ => None,
        };
        let Some((node, anchor)) = complete else {
            continue;
        };
        if let Some(a) = anchor.filter(|a| *a > 0) {
            anchors.insert(a, node.clone());
        }
        match stack.last_mut() {
            None => {
                if root.is_none() {
                    root = Some(node);
                }
            }
            Some(Frame::Seq(_, items, _)) => items.push(node),
            Some(Frame::Map(_, entries, pending, _, seen)) => match pending.take() {
                None => {
                    let Some((key, _)) = node.scalar() else {
                        return Err(err(
                            node.pos,
                            "YAML 的键必须是文字，不能是列表或映射".into(),
                            true,
                        ));
                    };
                    let key = key.to_string();
                    if !seen.insert(key.clone()) {
                        return Err(err(node.pos, format!("YAML 中键“{key}”重复出现"), true));
                    }
                    *pending = Some((key, node.pos));
                }
                Some((key, key_pos)) => entries.push(Entry {
                    key,
                    key_pos,
                    value: node,
                }),
            },
        }
    }
    Ok(root.unwrap_or(Node {
        kind: Kind::Scalar(String::new(), Style::Plain),
        pos: Pos::line(first_line),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_fences_and_lines() {
        let s = split("---\na: 1\nb: 2\n---\n\n## 一、总体情况\n").unwrap();
        assert_eq!(s.yaml, "a: 1\nb: 2\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.close_line, 4);
        assert_eq!(s.body_line, 5);
        assert_eq!(s.body, "\n## 一、总体情况\n");
        assert_eq!(split("a: 1\n---\n").unwrap_err(), SplitError::NoOpening);
        assert_eq!(split("---\na: 1\n").unwrap_err(), SplitError::NotClosed);
        assert_eq!(split("---  \n---").unwrap().body, "");
        // A `---` inside a value is no fence.
        assert!(split("---\na: ---x\n").is_err());
    }

    #[test]
    fn positions_point_at_keys_and_cells() {
        let n = parse("a: 1\napplications:\n  new:   [12, 00, \"3\"]\n", 2).unwrap();
        let apps = n.get("applications").unwrap();
        assert_eq!(apps.key_pos.line, 3);
        let new = apps.value.get("new").unwrap();
        assert_eq!((new.key_pos.line, new.key_pos.column), (4, 3));
        let cells = new.value.as_seq().unwrap();
        assert_eq!(
            (cells[0].pos.line, cells[0].pos.column, cells[0].pos.width),
            (4, 11, 2)
        );
        assert_eq!(cells[1].scalar(), Some(("00", Style::Plain)));
        assert_eq!(cells[2].scalar(), Some(("3", Style::Quoted)));
        assert_eq!(cells[2].pos.column, 19);
    }

    #[test]
    fn syntax_errors_carry_a_file_line() {
        let e = parse("a: 1\nb: [1, 2\nc: 3\n", 2).unwrap_err();
        assert!(e.pos.line >= 3, "{e:?}");
        assert!(e.message.starts_with("YAML"));
    }

    #[test]
    fn duplicate_keys_are_refused_at_the_second() {
        let e = parse("a: 1\nb: 2\na: 3\n", 2).unwrap_err();
        assert_eq!(e.pos.line, 4);
        assert!(e.message.contains("重复"));
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("a{}", i - 1)
            };
            bomb.push_str(&format!("a{i}: &a{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let t = std::time::Instant::now();
        assert!(parse(&bomb, 2).is_err());
        assert!(t.elapsed().as_secs() < 5);
        let deep = "[".repeat(100_000);
        assert!(parse(&deep, 2).is_err());
        let deep_map = (0..200)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect::<String>();
        assert!(parse(&deep_map, 2).is_err());
    }

    #[test]
    fn small_aliases_work() {
        let n = parse("a: &x [1, 2]\nb: *x\n", 2).unwrap();
        assert_eq!(n.get("b").unwrap().value.as_seq().unwrap().len(), 2);
    }
}
