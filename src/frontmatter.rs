//! Front matter: splits a file into YAML and Markdown, and parses the YAML into a positioned tree.
//!
//! In: a report's or agency file's text (already UTF-8, BOM and CR removed). Out: a [`Node`] tree
//! in which every key and scalar knows its line, column and how it was written, plus the body.
//! This is the only module that talks to a YAML library: saphyr's event parser judges whether
//! the YAML is valid (and where it is not) and supplies the positions and raw scalar text that
//! rules such as "no leading zero, no quoted number" need. One parser decides (see
//! docs/architecture.md, "The YAML layer").

use std::borrow::Cow;
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
    // Only lines starting with `---` can be fences: jump from one to the next.
    let mut from = yaml_start;
    loop {
        let offset = if text[from..].starts_with("---") {
            from
        } else {
            let next = memchr::memmem::find(&text.as_bytes()[from..], b"\n---");
            from + next.ok_or(SplitError::NotClosed)? + 1
        };
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if is_fence(&text[offset..end]) {
            let lines = text[yaml_start..offset]
                .bytes()
                .fold(0u32, |n, b| n + u32::from(b == b'\n'));
            let line = 2 + lines;
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
                close_line: line,
            });
        }
        if end == text.len() {
            return Err(SplitError::NotClosed);
        }
        from = end;
    }
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

/// A parsed YAML node with its place in the file. Keys and scalars borrow from the YAML text
/// where it holds them as written (always, on the fast path).
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub kind: Kind<'a>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'a> {
    Scalar(Cow<'a, str>, Style),
    Seq(Vec<Node<'a>>),
    Map(Vec<Entry<'a>>),
}

/// A mapping entry: the key text, where the key stands, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    pub key: Cow<'a, str>,
    pub key_pos: Pos,
    pub value: Node<'a>,
}

impl<'a> Node<'a> {
    /// The raw text of a scalar.
    pub fn scalar(&self) -> Option<(&str, Style)> {
        match &self.kind {
            Kind::Scalar(s, st) => Some((s.as_ref(), *st)),
            _ => None,
        }
    }

    /// A YAML 1.2 null: empty, `~` or `null`, written plain.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s, Style::Plain) if matches!(s.as_ref(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A string value (any style except a plain null).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) if !self.is_null() => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry<'a>]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node<'a>]> {
        match &self.kind {
            Kind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The entry of a mapping with this key.
    pub fn get(&self, key: &str) -> Option<&Entry<'a>> {
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
///
/// Front matter in the plain shape nianbao's own files have (see [`fast_tree`]) is read
/// directly; anything else goes through the YAML parser. The result is the same either way:
/// debug builds check every fast result against the full path.
pub fn parse(yaml: &str, first_line: u32) -> Result<Node<'_>, YamlError> {
    if let Some(node) = fast_tree(yaml, first_line) {
        #[cfg(debug_assertions)]
        {
            let full = parse_full(yaml, first_line);
            assert_eq!(
                full.as_ref(),
                Ok(&node),
                "frontmatter fast path differs from the full parse for {yaml:?}"
            );
        }
        return Ok(node);
    }
    parse_full(yaml, first_line)
}

/// Parses with saphyr's event parser, which decides validity and gives the positions.
fn parse_full(yaml: &str, first_line: u32) -> Result<Node<'_>, YamlError> {
    build_tree(yaml, first_line)
}

/// Where a syntax error is reported: where the parser stopped, or where the mistake that made
/// it stop is (an unclosed bracket, a key without its colon on the line before, a tab in the
/// indentation, a line indented too far after the one it stopped on).
#[derive(Clone, Copy, PartialEq)]
enum Anchor {
    Problem,
    Bracket,
    LineBefore,
    LineAfter,
    Tab,
}

/// The innermost `[` or `{` still open at (1-based) line `at.0`, column `at.1` of `yaml`,
/// outside quotes and comments.
fn open_bracket(yaml: &str, at: (u32, u32)) -> Option<(u32, u32)> {
    let mut open: Vec<(u32, u32)> = Vec::new();
    for (l, line) in yaml.split('\n').enumerate() {
        let l = l as u32 + 1;
        if l > at.0 {
            break;
        }
        let mut quote: Option<char> = None;
        for (c, ch) in line.chars().enumerate() {
            let c = c as u32 + 1;
            if l == at.0 && c >= at.1 {
                break;
            }
            match (quote, ch) {
                (Some(q), ch) if ch == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(ch),
                (None, '#') => break,
                (None, '[' | '{') => open.push((l, c)),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    open.pop()
}

const TAB: &str = "缩进中有制表符（Tab）：YAML 只能用空格缩进";

/// The usual mistakes of hand-written YAML, by the words of saphyr,
/// explained in the authors' language.
const SYNTAX: &[(&str, &str, Anchor)] = &[
    (
        "simple key expect ':'",
        "这一行缺少冒号“:”，应写作“键: 值”",
        Anchor::LineBefore,
    ),
    (
        "illegal placement of ':'",
        "这里不能出现冒号“:”：含有冒号的文字请加引号",
        Anchor::Bracket,
    ),
    (
        "mapping values are not allowed",
        "这里不能出现“键: 值”：检查这一行的缩进是否与同级的键对齐；含有“: ”的文字请加引号",
        Anchor::Problem,
    ),
    (
        "expected ',' or ']'",
        "方括号“[”没有闭合：列表中缺少逗号“,”或结尾的“]”",
        Anchor::Bracket,
    ),
    (
        "expected ',' or '}'",
        "花括号“{”没有闭合：缺少逗号“,”或结尾的“}”",
        Anchor::Bracket,
    ),
    ("tab", TAB, Anchor::Tab),
    (
        "did not find expected key",
        "这里应为一个键：检查这一行的缩进是否与同级的键对齐，或上一个值后面是否多写了内容",
        Anchor::Problem,
    ),
    (
        "did not find expected '-'",
        "列表项“-”的缩进不一致",
        Anchor::Problem,
    ),
    (
        "block sequence entries are not allowed",
        "这里不能出现列表项“-”：检查缩进",
        Anchor::Problem,
    ),
    (
        "invalid trailing content",
        "引号后面多写了内容：这一行应在结尾的引号处结束",
        Anchor::Problem,
    ),
    (
        "unknown escape",
        "双引号中的反斜杠“\\”后是无效的转义字符：请改用单引号",
        Anchor::Problem,
    ),
    (
        "unknown anchor",
        "引用了未定义的锚点（*别名）",
        Anchor::Problem,
    ),
    (
        "undefined alias",
        "引用了未定义的锚点（*别名）",
        Anchor::Problem,
    ),
    (
        "quoted scalar",
        "引号没有闭合：缺少结尾的引号",
        Anchor::Problem,
    ),
    (
        "unexpected end of stream",
        "前置数据意外结束：引号或括号没有闭合",
        Anchor::Problem,
    ),
    (
        "did not find expected node content",
        "这里缺少值：检查是否多写了逗号、括号或冒号",
        Anchor::Problem,
    ),
    (
        "control characters",
        "含有不允许的控制字符",
        Anchor::Problem,
    ),
    (
        "comment or line break",
        "值后面多写了内容：这一行应在此结束",
        Anchor::Problem,
    ),
    (
        "misplaced bracket",
        "括号位置不对：多了“]”或“}”，或缺少与之配对的“[”“{”",
        Anchor::Problem,
    ),
    (
        "invalid indentation in flow",
        "跨行的列表或映射，续行应比它的键缩进更多",
        Anchor::Problem,
    ),
    (
        "comment intercepting",
        "这一行的缩进比上一行多，被当作上一行文字的延续：请与同级的键对齐（或去掉上一行的注释）",
        Anchor::LineAfter,
    ),
    (
        "document",
        "前置数据中不能再有“---”或“...”行",
        Anchor::Problem,
    ),
    (
        "alphabetic or numeric",
        "锚点或别名（& 或 *）后缺少名称",
        Anchor::Problem,
    ),
    ("tag", "标签（!）的写法不正确", Anchor::Problem),
];

/// A YAML syntax error in Chinese, at the line of the mistake. `msg` is the parser's message,
/// `at` its (1-based) line and column in the front matter.
fn syntax_error(msg: &str, at: (u32, u32), yaml: &str, first_line: u32) -> YamlError {
    let problem = msg.split(" at line ").next().unwrap_or(msg);
    if msg.contains("recursion limit") {
        return YamlError {
            pos: Pos::new(first_line + at.0.max(1) - 1, at.1.max(1), 1),
            message: "YAML 嵌套过深".into(),
        };
    }
    let line_text = |l: u32| yaml.split('\n').nth(l.saturating_sub(1) as usize);
    let found = line_text(at.0).and_then(|t| t.chars().nth(at.1.saturating_sub(1) as usize));
    let (mut text, anchor) = match SYNTAX.iter().find(|(en, _, _)| msg.contains(en)) {
        Some(&(_, zh, anchor)) => (zh.to_string(), anchor),
        None if msg.contains("cannot start any token") || msg.contains("unexpected character") => {
            match found {
                Some('\t') => (TAB.to_string(), Anchor::Problem),
                Some(c) => (
                    format!("“{c}”不能作为值的开头：含有这个字符的文字请加引号"),
                    Anchor::Problem,
                ),
                None => ("这里有不能作为值开头的字符".to_string(), Anchor::Problem),
            }
        }
        None => (
            "无法读取这里的内容：检查引号、括号、冒号和缩进".to_string(),
            Anchor::Problem,
        ),
    };
    let line_count = yaml.split('\n').count() as u32;
    let indent_of = |l: u32| {
        line_text(l).map_or(0, |t| {
            (t.len() - t.trim_start_matches([' ', '\t']).len()) as u32
        })
    };
    let blank =
        |l: u32| line_text(l).is_none_or(|t| t.trim().is_empty() || t.trim().starts_with('#'));
    let mut at = match anchor {
        Anchor::Bracket => match open_bracket(yaml, at) {
            Some(b) => {
                if msg.contains("':'") {
                    let kind = if line_text(b.0).and_then(|t| t.chars().nth(b.1 as usize - 1))
                        == Some('{')
                    {
                        "花括号“{”没有闭合：缺少逗号“,”或结尾的“}”"
                    } else {
                        "方括号“[”没有闭合：列表中缺少逗号“,”或结尾的“]”"
                    };
                    text = kind.to_string();
                }
                b
            }
            None => at,
        },
        // The key without its colon is the line before where the parser noticed.
        Anchor::LineBefore => (1..at.0)
            .rev()
            .find(|l| !blank(*l))
            .map_or(at, |l| (l, indent_of(l) + 1)),
        Anchor::LineAfter => (at.0 + 1..=line_count)
            .find(|l| !blank(*l))
            .map_or(at, |l| (l, indent_of(l) + 1)),
        // The tab that broke the indentation, at or after where the parser stopped.
        Anchor::Tab => (at.0..=line_count)
            .find_map(|l| {
                let t = line_text(l)?;
                let indent: String = t.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
                indent
                    .chars()
                    .position(|c| c == '\t')
                    .map(|c| (l, c as u32 + 1))
            })
            .unwrap_or(at),
        Anchor::Problem => at,
    };
    // A second document has no position of its own: it starts at its `---` or `...` line.
    if msg.contains("more than one document") {
        let second = yaml
            .split('\n')
            .position(|l| l.starts_with("---") || l.starts_with("..."));
        if let Some(i) = second {
            at = (i as u32 + 1, 1);
        }
    }
    // `key value` without its colon, read on into the next line's `key:`: the mistake is the
    // line before, the one without a colon.
    let first_colon = line_text(at.0)
        .and_then(|t| t.chars().position(|c| c == ':'))
        .map(|i| i as u32 + 1);
    if problem.contains("mapping values are not allowed") && first_colon == Some(at.1) {
        let before = (1..at.0).rev().find_map(|l| {
            let t = line_text(l)?.trim();
            (!t.is_empty() && !t.starts_with('#')).then_some((l, t))
        });
        if let Some((l, t)) = before.filter(|(_, t)| !t.contains(':')) {
            let indent = line_text(l).map_or(0, |x| x.len() - x.trim_start().len());
            text = format!("这一行缺少冒号“:”，应写作“键: 值”（“{t}”）");
            at = (l, indent as u32 + 1);
        }
    }
    YamlError {
        pos: Pos::new(first_line + at.0.max(1) - 1, at.1.max(1), 1),
        message: format!("YAML 语法错误：{text}"),
    }
}

enum Frame<'a> {
    Seq(Pos, Vec<Node<'a>>, Option<usize>),
    /// The keys seen so far, for the duplicate check (a list scan is quadratic).
    Map(
        Pos,
        Vec<Entry<'a>>,
        Option<(Cow<'a, str>, Pos)>,
        Option<usize>,
        HashSet<Cow<'a, str>>,
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

fn build_tree(yaml: &str, first_line: u32) -> Result<Node<'_>, YamlError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, Node> = Default::default();
    let mut alias_budget = MAX_ALIAS_NODES;
    let mut root: Option<Node> = None;
    let err = |pos: Pos, message: String| YamlError { pos, message };

    for item in Parser::new_from_str(yaml) {
        let (event, span) = match item {
            Ok(x) => x,
            Err(e) => {
                let m = e.marker();
                let pos = Pos::new(first_line + m.line() as u32 - 1, m.col() as u32 + 1, 1);
                // The scanner's own nesting limit is a bound like ours, not a syntax error.
                if e.info().contains("recursion limit") {
                    return Err(err(pos, "YAML 嵌套过深".into()));
                }
                let at = (m.line() as u32, m.col() as u32 + 1);
                return Err(syntax_error(e.info(), at, yaml, first_line));
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
                        kind: Kind::Scalar(text, style),
                        pos,
                    },
                    Some(anchor),
                ))
            }
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(pos, format!("YAML 嵌套超过 {MAX_DEPTH} 层")));
                }
                stack.push(Frame::Seq(pos, Vec::new(), Some(anchor)));
                None
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(pos, format!("YAML 嵌套超过 {MAX_DEPTH} 层")));
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
                _ => return Err(err(pos, "YAML 结构错误".into())),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(p, entries, _, anchor, _)) => Some((
                    Node {
                        kind: Kind::Map(entries),
                        pos: p,
                    },
                    anchor,
                )),
                _ => return Err(err(pos, "YAML 结构错误".into())),
            },
            Event::Alias(id) => {
                let Some(target) = anchors.get(&id) else {
                    return Err(err(pos, "YAML 别名指向未定义的锚点".into()));
                };
                let size = node_size(target);
                if size > alias_budget {
                    return Err(err(pos, "YAML 锚点和别名展开过大，已拒绝".into()));
                }
                alias_budget -= size;
                let mut copy = target.clone();
                copy.pos = pos;
                Some((copy, None))
            }
            // One document only: a second one (after `---` or `...`) is refused.
            Event::DocumentStart(_) if root.is_some() => {
                // At the `---` or `...` line that ended the first.
                let fence = yaml
                    .split('\n')
                    .take((pos.line + 1 - first_line) as usize)
                    .enumerate()
                    .filter(|(_, l)| l.starts_with("---") || l.starts_with("..."))
                    .last()
                    .map_or(pos, |(i, _)| Pos::new(first_line + i as u32, 1, 3));
                return Err(err(
                    fence,
                    "YAML 语法错误：前置数据中不能再有“---”或“...”行".into(),
                ));
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
                    let pos = node.pos;
                    let Kind::Scalar(key, _) = node.kind else {
                        return Err(err(pos, "YAML 的键必须是文字，不能是列表或映射".into()));
                    };
                    if !seen.insert(key.clone()) {
                        return Err(err(pos, format!("YAML 中键“{key}”重复出现")));
                    }
                    *pending = Some((key, pos));
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
        kind: Kind::Scalar(Cow::Borrowed(""), Style::Plain),
        pos: Pos::line(first_line),
    }))
}

// ---------------------------------------------------------------------------------------------
// Fast path.
//
// Profiling `check` on 10 000 reports showed two thirds of the time in the two YAML parsers.
// Nearly every report is written in one plain shape — the shape of `nianbao new`, of the sample
// content and of converted data — which a line scanner reads some twenty times faster. The
// scanner accepts only text that is certainly valid YAML to saphyr (and to libyaml, which most
// editors' YAML support uses),
// and builds exactly the tree `build_tree` builds from saphyr's events, positions included (the
// tests below and the debug assertion in `parse` hold it to that). Anything else — quotes with
// escapes, anchors, tags, block scalars, multi-line values, tabs, flow collections of text,
// unusual indentation, duplicate keys — returns `None` and takes the full path.

/// Nesting the fast path handles (a report needs 3 levels of mappings).
const FAST_MAX_DEPTH: usize = 8;
/// Entries per mapping the fast path handles (duplicates are checked by scanning).
const FAST_MAX_ENTRIES: usize = 64;
/// Longest key the fast path handles (libyaml refuses implicit keys over 1024 characters).
const FAST_MAX_KEY: usize = 64;

/// A character both YAML parsers take as printable text (no tab, no line break of YAML 1.1
/// such as U+0085 or U+2028, no BOM, no control or non-character). [`fast_text_ok`] is the
/// same test on UTF-8 bytes.
#[cfg(test)]
fn fast_char_ok(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Whether every character of `s` but line feeds passes `fast_char_ok`, judged on the bytes:
/// ASCII controls and DEL are out; of the rest only U+0080–U+009F (C2 80–9F), U+2028/U+2029
/// (E2 80 A8/A9), U+FEFF (EF BB BF) and U+FFFE/U+FFFF (EF BF BE/BF) are, whose lead bytes a
/// continuation byte never equals.
fn fast_text_ok(s: &str) -> bool {
    let b = s.as_bytes();
    // Controls and DEL: one branch-free pass, which the compiler vectorises.
    let control = b.iter().fold(false, |bad, &c| {
        bad | ((c < 0x20) & (c != b'\n')) | (c == 0x7f)
    });
    if control {
        return false;
    }
    // The three lead bytes (Chinese text has many of them: “” — in E2, full-width punctuation in
    // EF); a valid UTF-8 text has every continuation byte they need.
    !memchr::memchr3_iter(0xc2, 0xe2, 0xef, b).any(|j| match b[j] {
        0xc2 => b[j + 1] < 0xa0,
        0xe2 => b[j + 1] == 0x80 && matches!(b[j + 2], 0xa8 | 0xa9),
        _ => matches!((b[j + 1], b[j + 2]), (0xbb, 0xbf) | (0xbf, 0xbe | 0xbf)),
    })
}

/// A key: `[A-Za-z_][A-Za-z0-9_]*`, up to `FAST_MAX_KEY` bytes.
fn fast_key_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(c) if c.is_ascii_alphabetic() || *c == b'_') {
        return None;
    }
    let n = b
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
        .unwrap_or(b.len());
    (n <= FAST_MAX_KEY).then_some(n)
}

/// A number in a flow collection: `-?[0-9][0-9.]*`.
fn fast_number_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let sign = usize::from(b.first() == Some(&b'-'));
    if !b.get(sign).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(
        b[sign..]
            .iter()
            .position(|c| !(c.is_ascii_digit() || *c == b'.'))
            .map_or(b.len(), |n| sign + n),
    )
}

/// What may follow a value on its line: nothing, spaces, or spaces and a comment.
fn fast_rest_ok(rest: &str) -> bool {
    let t = rest.trim_start_matches(' ');
    t.is_empty() || (t.len() < rest.len() && t.starts_with('#'))
}

/// Column (1-based, in characters) of byte offset `at` of `line`.
fn fast_col(line: &str, at: usize) -> u32 {
    let head = &line[..at];
    let n = if head.is_ascii() {
        head.len()
    } else {
        head.chars().count()
    };
    n as u32 + 1
}

/// Width of the span saphyr gives an opening `[` or `{` at byte `at`: it takes in the spaces
/// that follow.
fn fast_open_width(line: &str, at: usize) -> u32 {
    let after = &line[at + 1..];
    (1 + after.len() - after.trim_start_matches(' ').len()) as u32
}

fn fast_scalar(text: &str, style: Style, pos: Pos) -> Node<'_> {
    Node {
        kind: Kind::Scalar(Cow::Borrowed(text), style),
        pos,
    }
}

/// A one-line flow sequence of numbers, `[1, 2, 3]`, at byte `at` of `line`; returns the node
/// and the byte offset after `]`.
fn fast_flow_seq(line: &str, at: usize, ln: u32) -> Option<(Node<'_>, usize)> {
    let mut items = Vec::with_capacity(8);
    let mut i = at + 1;
    loop {
        i += line[i..].len() - line[i..].trim_start_matches(' ').len();
        let n = fast_number_len(&line[i..])?;
        let text = &line[i..i + n];
        items.push(fast_scalar(
            text,
            Style::Plain,
            Pos::new(ln, fast_col(line, i), n as u32),
        ));
        i += n;
        i += line[i..].len() - line[i..].trim_start_matches(' ').len();
        match line.as_bytes().get(i) {
            Some(b',') => i += 1,
            Some(b']') => break,
            _ => return None,
        }
    }
    let node = Node {
        kind: Kind::Seq(items),
        pos: Pos::new(ln, fast_col(line, at), fast_open_width(line, at)),
    };
    Some((node, i + 1))
}

/// A one-line flow mapping of numbers, `{notices: 0, amount: 12.5}`.
fn fast_flow_map(line: &str, at: usize, ln: u32) -> Option<(Node<'_>, usize)> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut i = at + 1;
    loop {
        i += line[i..].len() - line[i..].trim_start_matches(' ').len();
        let k = fast_key_len(&line[i..])?;
        let key = &line[i..i + k];
        if entries.iter().any(|e| e.key == key) || !line[i + k..].starts_with(": ") {
            return None;
        }
        let key_pos = Pos::new(ln, fast_col(line, i), k as u32);
        i += k + 1;
        i += line[i..].len() - line[i..].trim_start_matches(' ').len();
        let n = fast_number_len(&line[i..])?;
        let value = fast_scalar(
            &line[i..i + n],
            Style::Plain,
            Pos::new(ln, fast_col(line, i), n as u32),
        );
        entries.push(Entry {
            key: Cow::Borrowed(key),
            key_pos,
            value,
        });
        i += n;
        i += line[i..].len() - line[i..].trim_start_matches(' ').len();
        match line.as_bytes().get(i) {
            Some(b',') => i += 1,
            Some(b'}') => break,
            _ => return None,
        }
    }
    let node = Node {
        kind: Kind::Map(entries),
        pos: Pos::new(ln, fast_col(line, at), fast_open_width(line, at)),
    };
    Some((node, i + 1))
}

/// The value written on a key's line, starting at byte `at` (not a space, not a comment).
fn fast_value(line: &str, at: usize, ln: u32) -> Option<Node<'_>> {
    let v = &line[at..];
    let first = v.chars().next()?;
    match first {
        '[' | '{' => {
            let (node, end) = if first == '[' {
                fast_flow_seq(line, at, ln)?
            } else {
                fast_flow_map(line, at, ln)?
            };
            fast_rest_ok(&line[end..]).then_some(node)
        }
        '"' | '\'' => {
            // No escapes, no doubled quotes: the text is what stands between the quotes.
            let close = v[1..].find(first)? + 1;
            let text = &v[1..close];
            if first == '"' && text.contains('\\') {
                return None;
            }
            if !fast_rest_ok(&v[close + 1..]) {
                return None;
            }
            // saphyr ends a quoted scalar's span where the next token starts: the end of the line.
            let col = fast_col(line, at);
            let width = fast_col(line, line.len()) - col;
            Some(fast_scalar(text, Style::Quoted, Pos::new(ln, col, width)))
        }
        _ => {
            // A plain scalar: not starting with an indicator, up to a comment or the line end.
            let ok_start = first.is_ascii_alphanumeric()
                || !first.is_ascii()
                || (first == '-' && v[1..].starts_with(|c: char| c.is_ascii_digit()));
            if !ok_start {
                return None;
            }
            let end = v.find(" #").unwrap_or(v.len());
            let text = v[..end].trim_end_matches(' ');
            if text.contains([':', '#']) {
                return None;
            }
            let width = fast_col(text, text.len()) - 1;
            Some(fast_scalar(
                text,
                Style::Plain,
                Pos::new(ln, fast_col(line, at), width),
            ))
        }
    }
}

/// An open block mapping: its indentation, position and entries so far.
struct FastMap<'a> {
    indent: usize,
    pos: Pos,
    entries: Vec<Entry<'a>>,
    /// The key whose value is the next (nested) mapping: the one on top of this one.
    parent_key: Option<(&'a str, Pos)>,
}

fn fast_push<'a>(map: &mut FastMap<'a>, key: &'a str, key_pos: Pos, value: Node<'a>) -> Option<()> {
    if map.entries.len() >= FAST_MAX_ENTRIES || map.entries.iter().any(|e| e.key == key) {
        return None;
    }
    map.entries.push(Entry {
        key: Cow::Borrowed(key),
        key_pos,
        value,
    });
    Some(())
}

/// Closes the innermost mapping into its parent's waiting key.
fn fast_close(stack: &mut Vec<FastMap<'_>>) -> Option<()> {
    let done = stack.pop()?;
    let node = Node {
        kind: Kind::Map(done.entries),
        pos: done.pos,
    };
    let parent = stack.last_mut()?;
    let (key, key_pos) = parent.parent_key.take()?;
    fast_push(parent, key, key_pos, node)
}

/// Reads front matter in the plain shape, or returns `None` (see the section comment above).
fn fast_tree(yaml: &str, first_line: u32) -> Option<Node<'_>> {
    let mut stack: Vec<FastMap> = Vec::new();
    // A key written with nothing after it: (key, key position, position of its empty value,
    // indentation). Its value is a nested mapping if the next entry is indented deeper.
    let mut open: Option<(&str, Pos, Pos, usize)> = None;
    // Indentation of the last key whose value stood on its line: nothing may be indented deeper
    // after it (that would continue the value).
    let mut inline_at: Option<usize> = None;
    if !fast_text_ok(yaml) {
        return None;
    }
    for (i, line) in yaml.split('\n').enumerate() {
        let ln = first_line + i as u32;
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        if body.is_empty() {
            continue;
        }
        if inline_at.is_some_and(|at| indent > at) {
            return None;
        }
        if body.starts_with('#') {
            continue;
        }
        // An entry: `key:` then nothing, or a space and a value.
        let k = fast_key_len(body)?;
        let after = &body[k..];
        let rest = after.strip_prefix(':')?;
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        let key = &body[..k];
        let key_pos = Pos::new(ln, indent as u32 + 1, k as u32);

        if let Some((okey, okey_pos, null_pos, oindent)) = open.take() {
            if indent > oindent {
                // The waiting key's value is a mapping that starts here.
                if stack.len() >= FAST_MAX_DEPTH {
                    return None;
                }
                stack.last_mut()?.parent_key = Some((okey, okey_pos));
                stack.push(FastMap {
                    indent,
                    pos: Pos::new(ln, indent as u32 + 1, 0),
                    entries: Vec::new(),
                    parent_key: None,
                });
            } else {
                fast_push(
                    stack.last_mut()?,
                    okey,
                    okey_pos,
                    fast_scalar("", Style::Plain, null_pos),
                )?;
            }
        }
        if stack.is_empty() {
            if indent != 0 {
                return None;
            }
            stack.push(FastMap {
                indent: 0,
                pos: Pos::new(ln, 1, 0),
                entries: Vec::new(),
                parent_key: None,
            });
        }
        while indent < stack.last()?.indent {
            fast_close(&mut stack)?;
        }
        if indent != stack.last()?.indent {
            return None;
        }

        let value_at = indent + k + 1 + (rest.len() - rest.trim_start_matches(' ').len());
        if fast_rest_ok(rest) {
            // Nothing on the line: a nested mapping follows, or the value is empty. saphyr puts
            // an empty value at the colon.
            let colon = Pos::new(ln, (indent + k) as u32 + 1, 0);
            open = Some((key, key_pos, colon, indent));
            inline_at = None;
        } else {
            let value = fast_value(line, value_at, ln)?;
            fast_push(stack.last_mut()?, key, key_pos, value)?;
            inline_at = Some(indent);
        }
    }
    if let Some((okey, okey_pos, null_pos, _)) = open.take() {
        fast_push(
            stack.last_mut()?,
            okey,
            okey_pos,
            fast_scalar("", Style::Plain, null_pos),
        )?;
    }
    while stack.len() > 1 {
        fast_close(&mut stack)?;
    }
    let root = stack.pop()?;
    Some(Node {
        kind: Kind::Map(root.entries),
        pos: root.pos,
    })
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

    /// `split` as it was first written, one line at a time: the reference for the one above.
    fn split_by_lines(text: &str) -> Result<(usize, u32, usize), SplitError> {
        let first_end = text.find('\n').unwrap_or(text.len());
        if !is_fence(&text[..first_end]) {
            return Err(SplitError::NoOpening);
        }
        let (mut offset, mut line) = ((first_end + 1).min(text.len()), 2u32);
        while offset < text.len() {
            let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
            if is_fence(&text[offset..end]) {
                return Ok((offset, line, (end + 1).min(text.len())));
            }
            offset = end + 1;
            line += 1;
        }
        Err(SplitError::NotClosed)
    }

    proptest::proptest! {
        /// Random lines around fences: `split` finds what the line-by-line reference finds.
        #[test]
        fn split_agrees_with_line_by_line(
            lines in proptest::collection::vec(0usize..12, 0..8),
            newline_at_end: bool,
        ) {
            let pieces = ["---", "--- ", "---\t", "----", "---x", " ---", "-- -", "a: 1", "", "a: ---", "--", "---\u{3000}"];
            let mut text = lines.iter().map(|&i| pieces[i]).collect::<Vec<_>>().join("\n");
            if newline_at_end {
                text.push('\n');
            }
            let got = split(&text).map(|s| {
                let yaml_start = s.yaml.as_ptr() as usize - text.as_ptr() as usize;
                (yaml_start + s.yaml.len(), s.close_line, text.len() - s.body.len())
            });
            proptest::prop_assert_eq!(got, split_by_lines(&text), "{:?}", text);
        }
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
        // Refused by our own bound, before any expansion is attempted.
        let e = parse(&bomb, 2).unwrap_err();
        assert!(e.message.contains("展开过大"), "{e:?}");
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
    /// A tree as lines `path kind position`, for a readable difference.
    fn flatten(n: &Node, path: &str, out: &mut Vec<String>) {
        let p = n.pos;
        let at = format!("{}:{}+{}", p.line, p.column, p.width);
        match &n.kind {
            Kind::Scalar(s, st) => out.push(format!("{path} {s:?} {st:?} {at}")),
            Kind::Seq(items) => {
                out.push(format!("{path} seq {at}"));
                for (i, x) in items.iter().enumerate() {
                    flatten(x, &format!("{path}[{i}]"), out);
                }
            }
            Kind::Map(entries) => {
                out.push(format!("{path} map {at}"));
                for e in entries {
                    let k = e.key_pos;
                    let kp = format!("{path}.{}", e.key);
                    out.push(format!("{kp} key {}:{}+{}", k.line, k.column, k.width));
                    flatten(&e.value, &kp, out);
                }
            }
        }
    }

    /// Where the fast path answers, its tree is exactly the full parse's. True if it answered.
    fn fast_agrees(yaml: &str) -> bool {
        let Some(tree) = fast_tree(yaml, 2) else {
            return false;
        };
        match parse_full(yaml, 2) {
            Ok(full) if full == tree => true,
            Ok(full) => {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                flatten(&full, "", &mut a);
                flatten(&tree, "", &mut b);
                let i = a
                    .iter()
                    .zip(&b)
                    .position(|(x, y)| x != y)
                    .unwrap_or(a.len().min(b.len()));
                panic!(
                    "fast path differs for {yaml:?}\n  full: {:?}\n  fast: {:?}",
                    a.get(i),
                    b.get(i)
                );
            }
            Err(e) => panic!("fast path took {yaml:?}, which the full parse refuses: {e:?}"),
        }
    }

    fn front_matter(text: &str) -> &str {
        split(text).expect("front matter").yaml
    }

    #[test]
    fn fast_path_reads_the_usual_shapes_exactly() {
        let cases = [
            "agency: \"测试局\"   # c\nyear: 2021\ntitle: 中文 标题  \nactive:                  # x\n  # comment\n  rules: [0, 12, -3]     # y\n  fees: 1.5\n  pf: {notices: 0, amount: 12.5}\ntop: 'single'\nempty:\nlast: x\n",
            "a: \"中文\"\nc: \"x中\" # z\ne:    # comment\nf: 1 # x\ng: 中文  # x\nh: {x: 1, y: 2}\ni:\n  j: 1\nl: -1\n",
            "a: \"x\"   \nb: \"y\"\nc: \"中文\"  \n# cm\nd: 1\n",
            "# leading comment\n\nagency: x\napplications:\n\n  results:\n    withheld:\n      state_secret: [0,0,0,0,0,0]\n# back at column 1\n      prohibited: [ 1 , 2 ]\n    other: [00, 012, 1.2.3, -0, 99999999999999999999]\n  carried_forward: [0, 0, 0, 0, 0, 0, 0]\nlast:",
            "a:\n  b:\nc: 1",
            "published: 2021-01-22\ndraft: true\nformat: null\norder: -3\nx: a,b 中文：全角\ny: 'it'\n",
            "a: 1",
        ];
        for yaml in cases {
            assert!(fast_agrees(yaml), "not read by the fast path: {yaml:?}");
        }
        // The scaffold of `nianbao new`, both editions.
        for f in crate::format::EDITIONS {
            let text = crate::format::scaffold::scaffold(f, "测试局", f.years.0.max(2020));
            assert!(fast_agrees(front_matter(&text)), "scaffold {}", f.id);
        }
    }

    #[test]
    fn fast_path_agrees_on_the_sample_content() {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let (mut files, mut fast) = (0, 0);
        for dir in std::fs::read_dir(content).expect("content/") {
            for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|e| e == "md") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    if let Ok(s) = split(&text) {
                        files += 1;
                        fast += usize::from(fast_agrees(s.yaml));
                    }
                }
            }
        }
        // The sample reports are the plain shape, except the one that shows real defects.
        assert!(
            files > 20 && fast + 2 >= files,
            "{fast} of {files} read by the fast path"
        );
    }

    #[test]
    fn fast_path_declines_what_it_does_not_know() {
        let cases = [
            "a:\t1\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: >\n  text\n",
            "a: one\n  two\n",
            "a:\n  - 1\n",
            "a:\n- 1\n",
            "a: 1\na: 2\n",
            "a:b\n",
            "a: b: c\n",
            "a: [1,]\n",
            "a: []\n",
            "a: [\"x\"]\n",
            "a: [1 2]\n",
            "a: [1, 2\n",
            "a: {n:1}\n",
            "a: {n: 1, n: 2}\n",
            "a: \"x\\\"y\"\n",
            "a: 'it''s'\n",
            "a: \"open\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "a: x\u{2028}y\n",
            "a: \u{85}\n",
            "\u{feff}a: 1\n",
            "  a: 1\n",
            "a:\n    b: 1\n  c: 2\n",
            "a: 1\n  # deeper after a value\n",
            "? a\n: 1\n",
            "\"a\": 1\n",
            "<<: 1\n",
            "a: ~\n",
            "a: -\n",
            "a: @x\n",
            "a: [1]#x\n",
            "",
            "# only a comment\n",
            "[1, 2]\n",
            "a: 1\r\n",
        ];
        for yaml in cases {
            assert!(!fast_agrees(yaml), "fast path took {yaml:?}");
        }
    }

    #[test]
    fn byte_check_matches_char_check() {
        let ranges = [
            0..0x3000u32,
            0xd000..0x10000,
            0x10000..0x10100,
            0x10fff0..0x110000,
        ];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            if c != '\n' {
                let s = format!("a{c}b");
                assert_eq!(fast_text_ok(&s), fast_char_ok(c), "{:#x}", c as u32);
            }
        }
    }

    /// Lines near the edge of the plain shape, for the property test below.
    const PIECES: &[&str] = &[
        "0",
        "12",
        "-3",
        "00",
        "012",
        "1.5",
        "1.2.3",
        "-0",
        "99999999999999999999999",
        "1e5",
        "true",
        "null",
        "~",
        "2021-01-20",
        "中文",
        "中文 标题",
        "中文  ",
        "a: b",
        "a #b",
        "a#b",
        "x,y",
        "[1, 2, 3]",
        "[1,2]",
        "[ 1 , 2 ]",
        "[1,]",
        "[]",
        "[1 2]",
        "[a]",
        "[1, 2] # c",
        "[1, 2]#c",
        "{n: 1, m: 2.5}",
        "{n: 1, n: 2}",
        "{n:1}",
        "{ n: 1 }",
        "\"q\"",
        "\"中文\"",
        "\"a\\\"b\"",
        "'s'",
        "'it''s'",
        "\"x\" # c",
        "\"x\"  ",
        "1 # c",
        "中文  # c",
        "&a 1",
        "*a",
        "!!str 1",
        "|",
        "> x",
        "\"open",
        "-",
        "- 1",
        "-1",
        "-a",
        "@x",
        "`x`",
        "%x",
        "x\u{a0}",
        "\u{a0}x",
        "\u{2028}x",
        "\u{85}",
        "\u{feff}x",
        "x\t",
        "\u{3000}全角空格",
        "",
        " ",
        "# c",
        "a: [1]",
        "? x",
    ];

    fn edit_line(line: &str, op: u8, piece: &str, indent: usize) -> String {
        let body = line.trim_start();
        let key = body.split(':').next().unwrap_or("");
        let pad = " ".repeat(indent);
        match op % 6 {
            0 => format!("{}{key}: {piece}", &line[..line.len() - body.len()]),
            1 => format!("{pad}{body}"),
            2 => format!("{line}\n{pad}{piece}"),
            3 => format!("{line}\n{pad}{key}: {piece}"),
            4 => String::new(),
            _ => format!("{}{key}:", &line[..line.len() - body.len()]),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 600, failure_persistence: None, ..Default::default()
        })]

        /// Random edits of a report's front matter: the fast path never disagrees.
        #[test]
        fn fast_path_agrees_on_edited_reports(
            edits in proptest::collection::vec((0usize..80, 0u8..6, 0usize..PIECES.len(), 0usize..7), 1..4),
            edition in 0usize..2,
        ) {
            let f = crate::format::EDITIONS[edition];
            let text = crate::format::scaffold::scaffold(f, "测试局", 2021);
            let mut lines: Vec<String> = front_matter(&text).lines().map(str::to_string).collect();
            for (at, op, piece, indent) in edits {
                let at = at % lines.len();
                lines[at] = edit_line(&lines[at], op, PIECES[piece], indent);
            }
            fast_agrees(&lines.join("\n"));
        }

        /// Random lines from the pieces: the fast path never disagrees.
        #[test]
        fn fast_path_agrees_on_random_lines(
            lines in proptest::collection::vec((0usize..5, 0usize..4, 0usize..PIECES.len()), 1..10),
        ) {
            let keys = ["a", "b", "rules", "x_1"];
            let yaml: Vec<String> = lines
                .iter()
                .map(|&(indent, key, piece)| {
                    let p = PIECES[piece];
                    match key {
                        3 if p.is_empty() => format!("{}{}:", " ".repeat(indent), keys[key]),
                        3 => format!("{}{p}", " ".repeat(indent)),
                        _ => format!("{}{}: {p}", " ".repeat(indent), keys[key]),
                    }
                })
                .collect();
            fast_agrees(&yaml.join("\n"));
        }
    }
}

#[cfg(test)]
mod syntax_messages {
    use super::*;

    /// Broken front matter, the file line the message must point at, and a word it must say.
    const CASES: &[(&str, u32, &str)] = &[
        ("a: 1\nb: [1, 2\nc: 3\n", 3, "方括号"),
        ("a: {x: 1\nc: 3\n", 2, "花括号"),
        ("a: 1\n\tb: 2\n", 3, "制表符"),
        ("a:\n\tb: 2\n", 3, "制表符"),
        ("a: 1\n b: 2\n", 3, "缩进"),
        ("a:\n  b: 1\n c: 2\n", 4, "缩进"),
        ("a: b: c\n", 2, "引号"),
        ("a: 'x\n", 2, "引号没有闭合"),
        ("a: \"x\n", 2, "引号没有闭合"),
        ("a: \"\\q\"\n", 2, "转义"),
        ("a: *x\n", 2, "锚点"),
        ("a: @x\n", 2, "“@”"),
        ("a: `x\n", 2, "“`”"),
        ("a: [1, 2]]\n", 2, "括号"),
        ("a: 1\n- b\n", 3, "键"),
        ("- a\nb: 1\n", 3, "列表项"),
        ("a: }\n", 2, "括号"),
        ("a: [1,, 2]\n", 2, "缺少值"),
        ("a: 1\nb\nc: 2\n", 3, "冒号"),
        ("a: 1\nb\n", 3, "冒号"),
        ("a: [1, 2] x\n", 2, "多写"),
        ("a: 'x' y\n", 2, "多写"),
        ("a:\n  b: [1,\n  2]\n", 4, "缩进"),
        ("a: 1 # c\n  b: 2\n", 3, "缩进"),
        (
            "active:\n  normative_documents [2, 0, 5]\n  licensing: 3\n",
            3,
            "缺少冒号",
        ),
        ("a: |\n x\n  y\nb\n", 5, "冒号"),
        ("a: 1\n...\nb: 2\n", 3, "---"),
        ("a: & x\n", 2, "锚点"),
    ];

    #[test]
    fn syntax_errors_are_chinese_at_the_line_of_the_mistake() {
        let mut wrong = Vec::new();
        for &(yaml, line, word) in CASES {
            let Err(e) = parse(yaml, 2) else {
                wrong.push(format!("{yaml:?}: accepted"));
                continue;
            };
            // At the line, in Chinese: no English words from the parser.
            let english = [
                "expected", "found", "while", "mapping", "scalar", "allowed", "did ",
            ];
            if e.pos.line != line
                || !e.message.contains(word)
                || english.iter().any(|w| e.message.contains(w))
            {
                wrong.push(format!(
                    "{yaml:?}: {}:{} {}",
                    e.pos.line, e.pos.column, e.message
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
