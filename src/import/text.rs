//! The text reader: a report copied or extracted from a page.
//!
//! In: the bytes of a `.txt` file (UTF-8, UTF-16 with a BOM, or GB18030/GBK). Out: a
//! [`Document`] whose lines are paragraphs, and whose table lines are tables: tab-separated
//! lines (one row each), `a | b | c` lines, and runs of one cell per line — between `|` lines,
//! or between blank lines inside the sections of the tables — which are cut into rows where a
//! label follows a value. Paragraphs broken by the copy (a line ending mid-sentence, a blank
//! line, the rest) are joined again.

use super::doc::{Block, Cell, Document, Kind, Loc, Para, Style, Table};
use super::docx::{MAX_BLOCKS, MAX_CELLS};
use super::labels::section_heading;
use super::values;
use crate::format::F2021;

/// Decodes a text file: a BOM decides; else UTF-8 when valid; else GB18030 (a superset of GBK
/// and GB2312, what Chinese Windows editors save).
pub fn decode(bytes: &[u8], notes: &mut Vec<String>) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            notes.push("原文是 GB18030（GBK）编码，已转换为 UTF-8".into());
            encoding_rs::GB18030
                .decode_without_bom_handling(bytes)
                .0
                .into_owned()
        }
    }
}

/// A line as the reader sees it.
#[derive(Debug)]
enum Line<'a> {
    Blank,
    /// A `|` line between cells of a one-cell-per-line table.
    Bar,
    /// Cells of one table row (tabs, or `a | b |`).
    Row(Vec<&'a str>),
    /// `cell |`: one cell of a one-cell-per-line run.
    BarCell(&'a str),
    Text(&'a str),
}

fn classify(line: &str) -> Line<'_> {
    let t = line.trim_end_matches('\r');
    let trimmed = t.trim();
    if trimmed.is_empty() {
        return Line::Blank;
    }
    if trimmed.chars().all(|c| c == '|' || c.is_whitespace()) {
        return Line::Bar;
    }
    if t.contains('\t') {
        return Line::Row(t.split('\t').collect());
    }
    if trimmed.contains('|') {
        let mut cells: Vec<&str> = trimmed.split('|').collect();
        if cells.last().is_some_and(|c| c.trim().is_empty()) {
            cells.pop();
        }
        return match cells[..] {
            [one] => Line::BarCell(one),
            _ => Line::Row(cells),
        };
    }
    Line::Text(t)
}

/// Splits `label 0 0 0` (text extracted from a PDF page) into the label and its figures.
fn split_figures(t: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = t.split_whitespace().collect();
    let figures = words
        .iter()
        .rev()
        .take_while(|w| matches!(values::read(w), values::Cell::Num(_)))
        .count();
    if figures < 2 {
        return None;
    }
    let label_words = words.len() - figures;
    let mut cells: Vec<&str> = Vec::with_capacity(figures + 1);
    if label_words > 0 {
        // The label as it stands in the line, spaces kept.
        let last = words[label_words - 1];
        let end = t.find(last).map(|i| i + last.len())?;
        let first = t.find(words[0])?;
        let label = &t[first..end];
        if label.chars().count() > 60 {
            return None;
        }
        cells.push(label);
    }
    cells.extend(&words[label_words..]);
    Some(cells)
}

/// Ends of a sentence: a paragraph ending so is complete.
fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .chars()
        .next_back()
        .is_some_and(|c| "。！？!?；;：:…”\"）)】」』".contains(c))
}

/// Starts of a new paragraph: a numbered item or heading.
fn starts_item(s: &str) -> bool {
    let t = s.trim_start();
    let mut chars = t.chars();
    let Some(c) = chars.next() else { return false };
    let next = chars.next();
    matches!(c, '（' | '(' | '【' | '第' | '#' | '-' | '•' | '·')
        || ("一二三四五六七八九十".contains(c) && matches!(next, Some('、' | '是' | '.' | '．')))
        || (c.is_ascii_digit() && matches!(next, Some('.' | '、' | '．' | ')' | '）')))
}

/// Reads a text file.
pub fn read(bytes: &[u8]) -> Document {
    let mut doc = Document::new(Kind::Text);
    let text = decode(bytes, &mut doc.notes);
    if memchr::memchr_iter(b'\n', text.as_bytes()).count() > MAX_BLOCKS * 4 {
        doc.refused = Some("文本的行过多，不像一份年度报告".into());
        return doc;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let mut b = Builder::default();
    // The section a line is in, so that blank-line-separated cells are read as cells only in
    // the sections of the tables.
    let mut section: Option<usize> = None;
    for (i, raw) in lines.iter().enumerate() {
        let no = i as u32 + 1;
        let line = classify(raw);
        let cells = match &line {
            Line::Row(c) => c.len(),
            Line::Blank | Line::Bar => 0,
            _ => 1,
        };
        if !b.more(cells) {
            doc.refused = Some("文本的行或表格单元格过多，不像一份年度报告".into());
            return doc;
        }
        match line {
            Line::Blank => b.blank(),
            Line::Bar => b.bar(),
            Line::Row(cells) => b.row(cells, no),
            Line::BarCell(t) => {
                b.bar();
                b.stream_cell(t, no);
                b.bar();
            }
            Line::Text(t) => {
                if let Some(s) = section_heading(&F2021, t) {
                    if section.is_none_or(|c| s > c) {
                        section = Some(s);
                        b.para(t, no, true);
                        continue;
                    }
                }
                let in_tables = matches!(section, Some(1..=3));
                if let Some(cells) = split_figures(t).filter(|_| in_tables || b.in_table()) {
                    b.row(cells, no);
                } else if (b.in_stream() || in_tables) && is_cellish(t) {
                    b.stream_cell(t, no);
                } else {
                    b.para(t, no, false);
                }
            }
        }
    }
    b.finish(&mut doc);
    doc
}

/// A short line with no sentence in it: in the sections of the tables, a cell.
fn is_cellish(t: &str) -> bool {
    let t = t.trim();
    let sentence = t.contains('。')
        || (t.contains(['，', ',']) && !t.starts_with(['(', '（']) && t.chars().count() > 15);
    (t.chars().count() <= 60 && !sentence) || matches!(values::read(t), values::Cell::Num(_))
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// The table being built: rows of cells.
    table: Option<Table>,
    /// One-cell-per-line cells since the last row cut.
    stream: Vec<Cell>,
    /// Inside a `|`-separated run.
    bars: bool,
    /// The cell being gathered in a `|` run (its lines).
    cell: Option<Cell>,
    /// A paragraph that may continue on the next lines.
    open: Option<Para>,
    /// A blank line since the last content.
    blank: bool,
    tables: u32,
    /// Cells and lines read: bounded, so that a huge file costs bounded memory.
    count: usize,
}

impl Builder {
    fn in_table(&self) -> bool {
        self.table.is_some()
    }

    fn in_stream(&self) -> bool {
        self.bars
    }

    fn close_para(&mut self) {
        if let Some(p) = self.open.take() {
            self.blocks.push(Block::Para(p));
        }
    }

    fn close_table(&mut self) {
        self.flush_cell();
        self.flush_stream();
        if let Some(t) = self.table.take() {
            if !t.rows.is_empty() {
                self.blocks.push(Block::Table(t));
            }
        }
        self.bars = false;
    }

    fn table(&mut self, loc: Loc) -> &mut Table {
        self.close_para();
        if self.table.is_none() {
            self.tables += 1;
            self.table = Some(Table {
                rows: Vec::new(),
                loc,
                number: self.tables,
            });
        }
        self.table.as_mut().expect("just set")
    }

    fn blank(&mut self) {
        self.blank = true;
        self.flush_cell();
    }

    fn bar(&mut self) {
        self.flush_cell();
        self.bars = true;
        self.blank = false;
    }

    fn flush_cell(&mut self) {
        if let Some(c) = self.cell.take() {
            self.stream.push(c);
        }
    }

    /// Cuts the one-cell-per-line run into rows: a label after a value starts a new row.
    fn flush_stream(&mut self) {
        if self.stream.is_empty() {
            return;
        }
        let cells = std::mem::take(&mut self.stream);
        let loc = cells[0].loc;
        let t = self.table(loc);
        let mut row: Vec<Cell> = Vec::new();
        let mut seen_value = false;
        for c in cells {
            let is_value = values::read(&c.text).is_value();
            if !is_value && seen_value {
                t.rows.push(std::mem::take(&mut row));
                seen_value = false;
            }
            seen_value |= is_value;
            row.push(c);
        }
        if !row.is_empty() {
            t.rows.push(row);
        }
    }

    fn row(&mut self, cells: Vec<&str>, no: u32) {
        self.flush_cell();
        self.flush_stream();
        self.bars = false;
        self.blank = false;
        let loc = Loc::Line(no);
        let cells = cells
            .into_iter()
            .map(|c| Cell::new(c.trim(), loc))
            .collect();
        self.table(loc).rows.push(cells);
    }

    fn stream_cell(&mut self, t: &str, no: u32) {
        self.close_para();
        let text = t.trim();
        if self.bars {
            // Lines between two `|` lines are one cell (商业\n企业).
            match &mut self.cell {
                Some(c) => c.text.push_str(text),
                None => self.cell = Some(Cell::new(text, Loc::Line(no))),
            }
        } else {
            if self.table.is_none() {
                self.table(Loc::Line(no));
            }
            // Lines not parted by a blank line are one cell (本年新\n制作数量).
            match self.stream.last_mut() {
                Some(c)
                    if !self.blank
                        && !values::read(text).is_value()
                        && !values::read(&c.text).is_value() =>
                {
                    c.text.push_str(text)
                }
                _ => self.stream.push(Cell::new(text, Loc::Line(no))),
            }
        }
        self.blank = false;
    }

    fn para(&mut self, t: &str, no: u32, heading: bool) {
        self.close_table();
        let text = t.trim();
        if let Some(open) = &mut self.open {
            // A paragraph cut by the copy: the first part ends mid-sentence (and is long enough
            // not to be a heading); the rest starts no item of its own.
            let titled = |t: &str| {
                super::narrative::parse_title(t).is_some()
                    || super::narrative::published(&[t]).is_some()
                    || t.contains("来源")
            };
            let cut = !heading
                && !titled(&open.text)
                && !titled(text)
                && !ends_sentence(&open.text)
                && (open.text.trim_end().ends_with(['，', ',', '、'])
                    || open.text.chars().count() >= 25)
                && !starts_item(text)
                && !matches!(values::read(text), values::Cell::Num(_));
            if cut {
                open.text.push_str(text);
                self.blank = false;
                return;
            }
        }
        self.close_para();
        self.blank = false;
        self.open = Some(Para {
            text: text.to_string(),
            style: Style::Normal,
            loc: Loc::Line(no),
        });
        if heading {
            self.close_para();
        }
    }

    fn finish(mut self, doc: &mut Document) {
        self.close_table();
        self.close_para();
        doc.blocks = self.blocks;
    }

    /// Counts a cell or line; false once over the bounds.
    fn more(&mut self, n: usize) -> bool {
        self.count += n;
        self.count <= MAX_CELLS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(doc: &Document) -> Vec<&Table> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    fn texts(t: &Table) -> Vec<Vec<&str>> {
        t.rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn broken_paragraphs_are_joined() {
        let doc = read("一、总体情况\n\n（三）加强平台安全防护。一是完善了各项规章制度。二是规范程序。公开发布\n\n的信息由办公室主任审核。\n\n（四）其他。\n".as_bytes());
        let paras: Vec<&str> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some(p.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            paras,
            [
                "一、总体情况",
                "（三）加强平台安全防护。一是完善了各项规章制度。二是规范程序。公开发布的信息由办公室主任审核。",
                "（四）其他。"
            ]
        );
    }

    #[test]
    fn titles_and_date_lines_are_not_joined() {
        let doc = read("某县某某街道办事处2021年政府信息公开工作年度报告\n发布时间:2022年01月30日 15:52\n本报告根据《条例》编制。\n".as_bytes());
        assert_eq!(doc.blocks.len(), 3);
    }

    #[test]
    fn one_cell_per_line_between_bars_is_cut_into_rows() {
        let doc = read("二、主动公开政府信息情况\n第二十条第(一)项\n|\n信息内容\n|\n本年新\n制作数量\n|\n规章\n|\n0\n|\n1\n|\n规范性文件\n|\n2\n|\n".as_bytes());
        let t = tables(&doc);
        assert_eq!(
            texts(t[0]),
            vec![
                vec![
                    "第二十条第(一)项",
                    "信息内容",
                    "本年新制作数量",
                    "规章",
                    "0",
                    "1"
                ],
                vec!["规范性文件", "2"]
            ]
        );
    }

    #[test]
    fn blank_separated_cells_in_table_sections() {
        let doc = read("二、主动公开政府信息情况\n\n规章\n\n  0\n\n 3\n\n规范性文件\n\n本年新\n制作数量\n\n三、收到和处理政府信息公开申请情况\n\n四、结转下年度继续办理 0 0 0 0 0 0 0\n".as_bytes());
        let t = tables(&doc);
        assert_eq!(
            texts(t[0]),
            vec![vec!["规章", "0", "3"], vec!["规范性文件", "本年新制作数量"]]
        );
        assert_eq!(
            texts(t[1]),
            vec![vec![
                "四、结转下年度继续办理",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0"
            ]]
        );
    }

    #[test]
    fn gbk_is_decoded_and_noted() {
        let (bytes, _, _) = encoding_rs::GBK.encode("一、总体情况\n无。\n");
        let doc = read(&bytes);
        assert!(matches!(&doc.blocks[0], Block::Para(p) if p.text == "一、总体情况"));
        assert_eq!(doc.notes.len(), 1);
    }
}
