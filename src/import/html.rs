//! The HTML reader: a saved portal page (or a page `nianbao build` wrote).
//!
//! In: the page's bytes. Out: a [`Document`] of the article's paragraphs and data tables, each
//! with its source line; the page's title and the text before the article go to `around`.
//!
//! The page is decoded by its BOM, else its `<meta charset>` (gb2312 and gbk pages are common),
//! else as UTF-8 when valid, else as GB18030, and parsed by html5ever into a small arena that
//! remembers the line of every node. The article is the smallest element holding the section
//! headings (一、总体情况 …), so that menus, site headers and footers fall outside it; `nav`,
//! scripts, styles and hidden elements are skipped. Layout tables (a table holding tables or
//! long text, or a single cell) are read as flow; data tables keep `rowspan`/`colspan`, `<br>`
//! inside cells, and their caption as a first row.

use std::borrow::Cow;
use std::cell::{Cell as StdCell, Ref, RefCell};

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{local_name, Attribute, LocalName, QualName};

use super::doc::{Block, Cell, Document, Kind, Loc, Para, Style, Table};
use super::docx::{MAX_BLOCKS, MAX_CELLS};
use super::labels::section_heading;
use crate::format::F2021;

/// Deeper nesting is no article (and would cost stack).
const MAX_DEPTH: usize = 256;

/// Decodes a page: BOM, then `<meta charset>`, then UTF-8 when valid, else GB18030.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    if let Some(enc) = meta_charset(&bytes[..bytes.len().min(4096)]) {
        // A UTF-16 label in a byte-oriented page means UTF-8 (as browsers do).
        if enc != encoding_rs::UTF_16LE && enc != encoding_rs::UTF_16BE {
            return enc.decode_without_bom_handling(bytes).0.into_owned();
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The charset a page's head declares (`<meta charset=gbk>`, `content="text/html; charset=gb2312"`).
fn meta_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"charset").map(|i| i + from) {
        from = i + 7;
        let rest = &lower[from..];
        let rest = rest.strip_prefix(b" ").unwrap_or(rest);
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest: &[u8] = {
            let t = rest
                .iter()
                .position(|b| !b" \"'".contains(b))
                .unwrap_or(rest.len());
            &rest[t..]
        };
        let end = rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || b"-_:.".contains(b)))
            .unwrap_or(rest.len());
        if let Some(enc) = encoding_rs::Encoding::for_label(&rest[..end]) {
            return Some(enc);
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// One node of the arena.
#[derive(Debug)]
struct Node {
    parent: Option<usize>,
    children: Vec<usize>,
    name: QualName,
    attrs: Vec<(LocalName, String)>,
    /// `Some` for a text node.
    text: Option<String>,
    line: u32,
    element: bool,
}

/// The tree html5ever builds: an arena, with the line of every node.
struct Sink {
    nodes: RefCell<Vec<Node>>,
    line: StdCell<u32>,
}

impl Sink {
    fn new() -> Sink {
        Sink {
            nodes: RefCell::new(vec![Node {
                parent: None,
                children: Vec::new(),
                name: QualName::new(None, Default::default(), LocalName::from("")),
                attrs: Vec::new(),
                text: None,
                line: 1,
                element: false,
            }]),
            line: StdCell::new(1),
        }
    }

    fn add(&self, node: Node) -> usize {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(node);
        nodes.len() - 1
    }

    fn plain(&self, element: bool, name: QualName) -> Node {
        Node {
            parent: None,
            children: Vec::new(),
            name,
            attrs: Vec::new(),
            text: None,
            line: self.line.get(),
            element,
        }
    }

    fn detach(&self, child: usize) {
        let mut nodes = self.nodes.borrow_mut();
        if let Some(p) = nodes[child].parent.take() {
            nodes[p].children.retain(|c| *c != child);
        }
    }

    /// Inserts a child at `at` among `parent`'s children, merging text with a text neighbour.
    fn insert(&self, parent: usize, at: usize, child: NodeOrText<usize>) {
        match child {
            NodeOrText::AppendText(t) => {
                let mut nodes = self.nodes.borrow_mut();
                if at > 0 {
                    let prev = nodes[parent].children[at - 1];
                    if let Some(s) = nodes[prev].text.as_mut() {
                        s.push_str(&t);
                        return;
                    }
                }
                let line = self.line.get();
                nodes.push(Node {
                    parent: Some(parent),
                    children: Vec::new(),
                    name: QualName::new(None, Default::default(), LocalName::from("")),
                    attrs: Vec::new(),
                    text: Some(t.to_string()),
                    line,
                    element: false,
                });
                let id = nodes.len() - 1;
                nodes[parent].children.insert(at, id);
            }
            NodeOrText::AppendNode(n) => {
                self.detach(n);
                let mut nodes = self.nodes.borrow_mut();
                nodes[n].parent = Some(parent);
                let at = at.min(nodes[parent].children.len());
                nodes[parent].children.insert(at, n);
            }
        }
    }
}

impl TreeSink for Sink {
    type Handle = usize;
    type Output = Vec<Node>;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Vec<Node> {
        self.nodes.into_inner()
    }
    fn parse_error(&self, _msg: Cow<'static, str>) {}
    fn get_document(&self) -> usize {
        0
    }
    fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |n| &n[*target].name)
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> usize {
        let mut node = self.plain(true, name);
        node.attrs = attrs
            .into_iter()
            .map(|a| (a.name.local, a.value.to_string()))
            .collect();
        self.add(node)
    }
    fn create_comment(&self, _text: StrTendril) -> usize {
        self.add(self.plain(
            false,
            QualName::new(None, Default::default(), LocalName::from("")),
        ))
    }
    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.create_comment(StrTendril::new())
    }
    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        let at = self.nodes.borrow()[*parent].children.len();
        self.insert(*parent, at, child);
    }
    fn append_based_on_parent_node(&self, element: &usize, prev: &usize, child: NodeOrText<usize>) {
        if self.nodes.borrow()[*element].parent.is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev, child);
        }
    }
    fn append_doctype_to_document(&self, _n: StrTendril, _p: StrTendril, _s: StrTendril) {}
    fn get_template_contents(&self, target: &usize) -> usize {
        *target
    }
    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }
    fn set_quirks_mode(&self, _mode: QuirksMode) {}
    fn append_before_sibling(&self, sibling: &usize, new_node: NodeOrText<usize>) {
        let parent = self.nodes.borrow()[*sibling].parent;
        let Some(parent) = parent else { return };
        if let NodeOrText::AppendNode(n) = &new_node {
            self.detach(*n);
        }
        let at = self.nodes.borrow()[parent]
            .children
            .iter()
            .position(|c| c == sibling)
            .unwrap_or(0);
        self.insert(parent, at, new_node);
    }
    fn add_attrs_if_missing(&self, target: &usize, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        for a in attrs {
            if !nodes[*target].attrs.iter().any(|(k, _)| *k == a.name.local) {
                nodes[*target]
                    .attrs
                    .push((a.name.local, a.value.to_string()));
            }
        }
    }
    fn remove_from_parent(&self, target: &usize) {
        self.detach(*target);
    }
    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        let children = std::mem::take(&mut self.nodes.borrow_mut()[*node].children);
        let mut nodes = self.nodes.borrow_mut();
        for c in &children {
            nodes[*c].parent = Some(*new_parent);
        }
        nodes[*new_parent].children.extend(children);
    }
    fn set_current_line(&self, line: u64) {
        self.line.set(u32::try_from(line).unwrap_or(u32::MAX));
    }
}

/// The parsed page.
struct Page {
    nodes: Vec<Node>,
}

const SKIPPED: [&str; 16] = [
    "script", "style", "noscript", "template", "nav", "head", "select", "option", "button",
    "iframe", "object", "svg", "input", "textarea", "map", "video",
];

const BLOCKS: [&str; 30] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "center",
    "pre",
    "address",
    "figure",
    "form",
    "ul",
    "ol",
    "dl",
    "tr",
    "td",
    "th",
    "caption",
];

impl Page {
    fn name(&self, n: usize) -> &str {
        &self.nodes[n].name.local
    }

    fn attr(&self, n: usize, key: &str) -> Option<&str> {
        self.nodes[n]
            .attrs
            .iter()
            .find(|(k, _)| &**k == key)
            .map(|(_, v)| v.as_str())
    }

    fn skipped(&self, n: usize) -> bool {
        let node = &self.nodes[n];
        node.element
            && (SKIPPED.contains(&self.name(n))
                || self.attr(n, "hidden").is_some()
                || self.attr(n, "aria-hidden") == Some("true")
                || self.attr(n, "style").is_some_and(|s| {
                    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                    s.to_ascii_lowercase().contains("display:none")
                }))
    }

    /// The text of a node: `<br>` and blocks inside it break lines.
    fn text(&self, n: usize, out: &mut String, depth: usize) {
        if depth > MAX_DEPTH || self.skipped(n) {
            return;
        }
        let node = &self.nodes[n];
        if let Some(t) = &node.text {
            out.push_str(t);
            return;
        }
        let name = self.name(n);
        if name == "br" {
            out.push('\n');
            return;
        }
        let block = BLOCKS.contains(&name);
        if block && !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        for &c in &node.children {
            self.text(c, out, depth + 1);
        }
        if block && !out.ends_with('\n') {
            out.push('\n');
        }
    }

    fn descendants_named(&self, n: usize, name: &str, depth: usize) -> bool {
        depth < MAX_DEPTH
            && self.nodes[n]
                .children
                .iter()
                .any(|&c| self.name(c) == name || self.descendants_named(c, name, depth + 1))
    }

    /// The rows of a table (its own, not those of tables inside it).
    fn rows(&self, table: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for &c in &self.nodes[table].children {
            match self.name(c) {
                "tr" => out.push(c),
                "thead" | "tbody" | "tfoot" => out.extend(
                    self.nodes[c]
                        .children
                        .iter()
                        .copied()
                        .filter(|&r| self.name(r) == "tr"),
                ),
                _ => {}
            }
        }
        out
    }

    fn cells(&self, row: usize) -> Vec<usize> {
        self.nodes[row]
            .children
            .iter()
            .copied()
            .filter(|&c| matches!(self.name(c), "td" | "th"))
            .collect()
    }

    /// A table that lays the page out rather than holding data.
    fn is_layout(&self, table: usize) -> bool {
        if self.descendants_named(table, "table", 0) {
            return true;
        }
        let rows = self.rows(table);
        let cells: Vec<usize> = rows.iter().flat_map(|&r| self.cells(r)).collect();
        if cells.len() <= 1 {
            return true;
        }
        cells.iter().any(|&c| {
            let mut t = String::new();
            self.text(c, &mut t, 0);
            t.chars().count() > 300
        })
    }
}

/// Paragraphs and tables in reading order, with the node each came from.
struct Walk<'p> {
    page: &'p Page,
    blocks: Vec<(usize, Block)>,
    para: String,
    para_line: u32,
    para_style: Style,
    para_node: usize,
    /// Whether every text of the open paragraph is inside a link (a table of contents).
    all_link: bool,
    tables: u32,
    cells: usize,
    too_big: bool,
}

impl Walk<'_> {
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.para);
        let text = collapse(&text);
        let toc = self.all_link && section_heading(&F2021, &text).is_some();
        if !text.is_empty() && !toc {
            if self.blocks.len() >= MAX_BLOCKS {
                self.too_big = true;
                return;
            }
            self.blocks.push((
                self.para_node,
                Block::Para(Para {
                    text,
                    style: self.para_style,
                    loc: Loc::Line(self.para_line),
                }),
            ));
        }
        self.para_style = Style::Normal;
        self.all_link = true;
    }

    fn walk(&mut self, n: usize, depth: usize, in_link: bool) {
        let page = self.page;
        if depth > MAX_DEPTH || page.skipped(n) || self.too_big {
            return;
        }
        let node = &page.nodes[n];
        if let Some(t) = &node.text {
            if !t.trim().is_empty() {
                if self.para.trim().is_empty() {
                    self.para_line = node.line;
                    self.para_node = n;
                }
                self.all_link &= in_link;
            }
            self.para.push_str(t);
            return;
        }
        let name = page.name(n);
        match name {
            "br" => {
                self.flush();
                return;
            }
            "table" if !page.is_layout(n) => {
                self.flush();
                self.table(n);
                return;
            }
            _ => {}
        }
        let block = BLOCKS.contains(&name);
        if block {
            self.flush();
            self.para_line = node.line;
            self.para_node = n;
            self.para_style = match name.as_bytes() {
                [b'h', d @ b'1'..=b'6'] => Style::Heading(d - b'0'),
                b"li" => Style::Item {
                    ordered: node.parent.is_some_and(|p| page.name(p) == "ol"),
                },
                _ => Style::Normal,
            };
        }
        let link = in_link || name == "a";
        for &c in &node.children {
            self.walk(c, depth + 1, link);
        }
        if block {
            self.flush();
        }
    }

    fn table(&mut self, n: usize) {
        let page = self.page;
        self.tables += 1;
        let mut t = Table {
            rows: Vec::new(),
            loc: Loc::Line(page.nodes[n].line),
            number: self.tables,
        };
        if let Some(&cap) = page.nodes[n]
            .children
            .iter()
            .find(|&&c| page.name(c) == "caption")
        {
            let mut text = String::new();
            page.text(cap, &mut text, 0);
            let text = collapse(&text);
            if !text.is_empty() {
                t.rows
                    .push(vec![Cell::new(text, Loc::Line(page.nodes[cap].line))]);
            }
        }
        for row in page.rows(n) {
            let mut cells = Vec::new();
            for c in page.cells(row) {
                let mut text = String::new();
                page.text(c, &mut text, 0);
                let text: Vec<String> = text
                    .lines()
                    .map(collapse)
                    .filter(|l| !l.is_empty())
                    .collect();
                let span = |k: &str| {
                    page.attr(c, k)
                        .and_then(|v| v.trim().parse::<u32>().ok())
                        .unwrap_or(1)
                        .clamp(1, 1000)
                };
                let mut cell = Cell::new(text.join("\n"), Loc::Line(page.nodes[c].line));
                cell.colspan = span("colspan");
                cell.rowspan = span("rowspan");
                cells.push(cell);
            }
            self.cells += cells.len();
            if self.cells > MAX_CELLS {
                self.too_big = true;
                return;
            }
            t.rows.push(cells);
        }
        if !t.rows.is_empty() {
            self.blocks.push((n, Block::Table(t)));
        }
    }
}

/// Whitespace as a browser shows it: runs collapsed, ends trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Elements that hold no content or close by themselves when the next one opens.
const NOT_NESTING: [&str; 24] = [
    "br", "img", "hr", "meta", "link", "input", "p", "li", "td", "th", "tr", "dt", "dd", "option",
    "col", "area", "base", "wbr", "source", "embed", "param", "track", "!--", "!doctype",
];

/// Whether tags nest deeper than `limit` (an estimate from the tags alone). The HTML parser
/// spends time in proportion to the depth on every tag, so a page nested thousands deep would
/// cost minutes; no real page comes near.
fn nests_deeper_than(text: &str, limit: usize) -> bool {
    let b = text.as_bytes();
    let mut depth = 0usize;
    for i in memchr::memchr_iter(b'<', b) {
        let rest = &b[i + 1..];
        let (close, rest) = match rest.first() {
            Some(b'/') => (true, &rest[1..]),
            _ => (false, rest),
        };
        let end = rest
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'!' || *c == b'-'))
            .unwrap_or(rest.len());
        let name = &rest[..end.min(16)];
        if name.is_empty() || !name[0].is_ascii_alphabetic() && name[0] != b'!' {
            continue;
        }
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        if NOT_NESTING
            .iter()
            .any(|n| name.starts_with(n) && name.len() == n.len())
        {
            continue;
        }
        if close {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > limit {
                return true;
            }
        }
    }
    false
}

/// Reads a page.
pub fn read(bytes: &[u8]) -> Document {
    let mut doc = Document::new(Kind::Html);
    let text = decode(bytes);
    if nests_deeper_than(&text, 2000) {
        doc.refused = Some("页面的元素嵌套过深，不像一份年度报告".into());
        return doc;
    }
    let nodes =
        html5ever::parse_document(Sink::new(), Default::default()).one(StrTendril::from(text));
    let page = Page { nodes };
    let title = page
        .nodes
        .iter()
        .position(|n| n.element && n.name.local == local_name!("title"));
    if let Some(t) = title {
        let mut s = String::new();
        page.text(t, &mut s, 0);
        doc.around
            .push((collapse(&s), Loc::Line(page.nodes[t].line)));
    }
    let body = page
        .nodes
        .iter()
        .position(|n| n.element && n.name.local == local_name!("body"))
        .unwrap_or(0);
    let mut w = Walk {
        page: &page,
        blocks: Vec::new(),
        para: String::new(),
        para_line: 1,
        para_style: Style::Normal,
        para_node: body,
        all_link: true,
        tables: 0,
        cells: 0,
        too_big: false,
    };
    w.walk(body, 0, false);
    w.flush();
    if w.too_big {
        doc.refused = Some("页面的表格或段落过多，不像一份年度报告".into());
        return doc;
    }
    let blocks = w.blocks;

    // The article: the smallest element holding the section headings.
    let mut seen: Option<usize> = None;
    let mut heads: Vec<usize> = Vec::new();
    for (node, b) in &blocks {
        if let Block::Para(p) = b {
            if let Some(s) = section_heading(&F2021, &p.text) {
                if seen.is_none_or(|c| s > c) {
                    seen = Some(s);
                    heads.push(*node);
                }
            }
        }
    }
    let article = if heads.len() >= 2 {
        heads[1..]
            .iter()
            .fold(heads[0], |a, &b| common_ancestor(&page, a, b))
    } else {
        body
    };
    let inside = |n: usize| is_within(&page, n, article);
    let first = blocks.iter().position(|(n, _)| inside(*n)).unwrap_or(0);
    for (_, b) in &blocks[..first] {
        if let Block::Para(p) = b {
            doc.around.push((p.text.clone(), p.loc));
        }
    }
    doc.blocks = blocks
        .into_iter()
        .filter(|(n, _)| inside(*n))
        .map(|(_, b)| b)
        .collect();
    doc
}

fn ancestors(page: &Page, mut n: usize) -> Vec<usize> {
    let mut out = vec![n];
    while let Some(p) = page.nodes[n].parent {
        out.push(p);
        n = p;
        if out.len() > 100_000 {
            break;
        }
    }
    out
}

fn common_ancestor(page: &Page, a: usize, b: usize) -> usize {
    let up: std::collections::HashSet<usize> = ancestors(page, a).into_iter().collect();
    ancestors(page, b)
        .into_iter()
        .find(|x| up.contains(x))
        .unwrap_or(0)
}

fn is_within(page: &Page, n: usize, root: usize) -> bool {
    let mut cur = Some(n);
    let mut steps = 0;
    while let Some(c) = cur {
        if c == root {
            return true;
        }
        cur = page.nodes[c].parent;
        steps += 1;
        if steps > 100_000 {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_estimated_from_the_tags() {
        assert!(!nests_deeper_than("<div><p>a<p>b<br><img src=x></div>", 1));
        assert!(nests_deeper_than(&"<div>".repeat(3), 2));
        assert!(!nests_deeper_than(&"<div></div>".repeat(10_000), 2));
        assert!(nests_deeper_than(&"<x-y>".repeat(3), 2));
    }

    #[test]
    fn charsets_from_the_page() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>一、总体情况</p></body></html>");
        assert!(decode(&gbk).contains("一、总体情况"));
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset='GBK'><p>规章</p>");
        assert!(decode(&gbk).contains("规章"));
        assert!(decode("<p>规章</p>".as_bytes()).contains("规章"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend("<p>规章</p>".as_bytes());
        assert!(decode(&bom).starts_with("<p>"));
    }

    #[test]
    fn the_article_among_menus_and_footers() {
        let page = "<html><head><title>某局2021年政府信息公开工作年度报告_某县人民政府</title></head><body>\n<div class=menu><a href=/>首页</a> <a href=/x>一、总体情况</a></div>\n<nav><ul><li><a href=#a>一、总体情况</a></li><li><a href=#b>六、其他需要报告的事项</a></li></ul></nav>\n<div id=content><h1>某局2021年政府信息公开工作年度报告</h1><p>发布时间：2022-01-20</p>\n<div class=article><p>一、总体情况</p><p>&nbsp;&nbsp;本年度…<br>第二段</p>\n<p>二、主动公开政府信息情况</p>\n<table><tr><td rowspan=2>行政<br>许可</td><td>1</td></tr><tr><td>2</td></tr></table>\n<p>六、其他需要报告的事项</p><p>无。</p></div></div>\n<div class=footer>主办单位：某县人民政府</div></body></html>";
        let doc = read(page.as_bytes());
        let texts: Vec<String> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Para(p) => p.text.clone(),
                Block::Table(t) => format!("table {}", t.rows[0][0].text),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "一、总体情况",
                "本年度…",
                "第二段",
                "二、主动公开政府信息情况",
                "table 行政\n许可",
                "六、其他需要报告的事项",
                "无。"
            ]
        );
        let around: Vec<&str> = doc.around.iter().map(|(t, _)| t.as_str()).collect();
        assert!(around.contains(&"发布时间：2022-01-20"), "{around:?}");
        assert!(around[0].starts_with("某局2021年"));
        let Block::Table(t) = &doc.blocks[4] else {
            panic!()
        };
        assert_eq!(t.rows[0][0].rowspan, 2);
        assert_eq!(t.rows[0][0].loc, Loc::Line(7));
    }
}
