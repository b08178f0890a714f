//! Import: reports that already exist — Word files, saved portal pages, text copies — turned
//! into content files (import.md), and such a document checked in place.
//!
//! In: a `.docx`, `.html`/`.htm` or `.txt` file. Out: the text of `content/<slug>/<year>.md` in
//! the layout of `new` (written by `format::scaffold`), the corrections made (the
//! `# 导入说明` comment), and a map from the file's lines back to the document, so that the
//! diagnostics of the report name the table cell, paragraph or line of the document.
//!
//! | module | does |
//! |---|---|
//! | `docx`, `html`, `text` | the three readers: bytes → [`doc::Document`] |
//! | `doc` | the document model and the grid of a table (merged cells resolved) |
//! | `labels` | official labels: normalising and fuzzy, unambiguous matching |
//! | `values` | figure cells: numbers, blanks, units |
//! | `tables` | the official rows found by label, their values, the notes |
//! | `narrative` | title, published date, sections, Markdown, 信息处理费 |
//! | `slug` | agency slugs: known names, else pinyin |
//! | `command` | `nianbao import` and `nianbao check DOCUMENT` |

pub mod command;
pub mod doc;
mod docx;
mod html;
pub mod labels;
mod narrative;
mod slug;
pub mod tables;
mod text;
mod values;

use std::collections::BTreeSet;
use std::path::Path;

pub use doc::{Document, Kind, Loc};
use tables::{table_name, Figures, Val};

use crate::format::scaffold::{write_report, Fill, Written};
use crate::format::FormatDef;

/// The largest HTML or text file read.
pub const MAX_TEXT_FILE: u64 = 32 << 20;

/// What the command line may fix instead of the document.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub slug: Option<String>,
    pub year: Option<u16>,
    pub agency: Option<String>,
    pub format: Option<u16>,
}

/// The document kind a path names by its extension, if it is one import reads.
pub fn kind_of(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "docx" => Some(Kind::Word),
        "html" | "htm" => Some(Kind::Html),
        "txt" => Some(Kind::Text),
        _ => None,
    }
}

/// Reads a document, by its extension. The error says why it cannot be read at all.
pub fn read(path: &Path) -> Result<Document, String> {
    let kind = kind_of(path).ok_or("只能导入 .docx、.html、.htm 或 .txt 文件")?;
    if kind == Kind::Word {
        return docx::read_file(path);
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("无法读取：{e}"))?;
    if meta.len() > MAX_TEXT_FILE {
        return Err(format!(
            "文件过大（{} MB），不像一份年度报告",
            meta.len() >> 20
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取：{e}"))?;
    Ok(read_bytes(kind, &bytes))
}

/// Reads the bytes of an HTML or text document (Word files go through [`docx::read`]).
pub fn read_bytes(kind: Kind, bytes: &[u8]) -> Document {
    match kind {
        Kind::Html => html::read(bytes),
        Kind::Text | Kind::Word => text::read(bytes),
    }
}

/// Reads the bytes of a Word document.
pub fn read_docx(bytes: &[u8]) -> Result<Document, String> {
    docx::read(std::io::Cursor::new(bytes))
}

/// The source text of an HTML or text document, decoded as its reader decodes it (for showing
/// the lines diagnostics point at).
pub fn source_text(kind: Kind, bytes: &[u8]) -> Option<String> {
    match kind {
        Kind::Html => Some(html::decode(bytes)),
        Kind::Text => Some(text::decode(bytes, &mut Vec::new())),
        Kind::Word => None,
    }
}

/// A document turned into a report file.
#[derive(Debug, Clone)]
pub struct Imported {
    pub agency: String,
    pub year: u16,
    pub format: &'static FormatDef,
    pub kind: Kind,
    /// The report file and where its rows are.
    pub written: Written,
    /// The corrections, each naming its place in the document.
    pub notes: Vec<String>,
    pub figures: Figures,
    /// Body lines of the file (1-based) where each paragraph from the document starts.
    pub body_places: Vec<(u32, Loc)>,
    /// Where the title is.
    pub title: Loc,
}

/// Turns a document into a report file. `source` names the document in the notes. The error
/// says why there is no report to make (exit 2).
pub fn convert(doc: &Document, source: &str, opts: &Options) -> Result<Imported, String> {
    if let Some(why) = &doc.refused {
        return Err(why.clone());
    }
    let o = narrative::outline(doc);
    let title = narrative::title(doc, &o);
    let agency = opts
        .agency
        .clone()
        .or(title.agency.clone())
        .ok_or("找不到机关名称：标题中没有“××2020年政府信息公开工作年度报告”这样的机关名称；请用 --agency 指定")?;
    let year = opts
        .year
        .or(title.year)
        .ok_or("找不到报告年度：标题中没有“2020年”这样的年度；请用 --year 指定")?;
    let format = match opts.format {
        Some(id) => FormatDef::by_id(id).ok_or("--format 只能是 2019 或 2021")?,
        None => tables::edition(doc, &o).unwrap_or_else(|| FormatDef::for_year(year)),
    };
    let figures = tables::figures(doc, &o, format);
    if figures.labels == 0 {
        return Err("没有可识别的报告表格：找不到“主动公开政府信息情况”等官方表格的行名，这不像一份政府信息公开工作年度报告".into());
    }

    // The date: before section 一, or around the article.
    let first = o
        .heading
        .iter()
        .flatten()
        .next()
        .copied()
        .unwrap_or(doc.blocks.len());
    let mut texts: Vec<&str> = doc.blocks[..first]
        .iter()
        .filter_map(|b| match b {
            doc::Block::Para(p) => Some(p.text.as_str()),
            _ => None,
        })
        .collect();
    texts.extend(doc.around.iter().map(|(t, _)| t.as_str()));
    // One text: a label and its date may be two elements (<dt>发布日期</dt><dd>…</dd>).
    let published = narrative::published(&[texts.join("\n").as_str()]);

    let fees = format
        .processing_fees
        .as_ref()
        .and_then(|_| narrative::processing_fees(&narrative::section_text(doc, &o, 5)));

    let start = match doc.kind {
        Kind::Word => 0,
        _ => title.blocks.iter().max().map_or(0, |b| b + 1),
    };
    let mut skip: BTreeSet<usize> = figures.used.clone();
    skip.extend(title.blocks.iter().copied());
    let (body, places) = narrative::markdown(doc, &o, format, start, &skip);

    let mut notes: Vec<String> = Vec::new();
    let edition = format!("{} 版格式", format.id);
    let count = doc.notes.len() + figures.notes.len();
    notes.push(if count == 0 {
        format!("导入说明：由 {source} 导入（{edition}），未作更正。")
    } else {
        format!("导入说明：由 {source} 导入（{edition}），以下 {count} 处作了更正，请与原文核对：")
    });
    for n in &doc.notes {
        notes.push(format!("- {n}"));
    }
    for n in &figures.notes {
        notes.push(format!("- {}：{}", describe(n.loc, &figures), n.text));
    }

    let get = |path: &str| -> Option<Vec<String>> {
        let row = figures.rows.get(path)?;
        let mut v: Vec<String> = row.values.iter().map(|x| x.text().to_string()).collect();
        if let Some(t) = &row.total {
            v.push(t.text().to_string());
        }
        Some(v)
    };
    let fill = Fill {
        notes: &notes,
        published: Some(published.as_deref()),
        rows: Some(&get),
        processing_fees: format
            .processing_fees
            .as_ref()
            .map(|_| fees.as_ref().map(|(n, a)| (n.as_str(), a.as_str()))),
        body: Some(&body),
    };
    let written = write_report(format, &agency, year, &fill);
    let body_places = places
        .into_iter()
        .map(|(line, loc)| (written.body_line + line, loc))
        .collect();
    Ok(Imported {
        agency,
        year,
        format,
        kind: doc.kind,
        written,
        notes,
        figures,
        body_places,
        title: title.loc,
    })
}

/// A place in the document in words: 表三 第 5 行 第 2 列, 第 12 段, 第 31 行.
pub fn describe(loc: Loc, figures: &Figures) -> String {
    match loc {
        Loc::None => "原文中找不到".into(),
        Loc::Line(n) => format!("第 {n} 行"),
        Loc::Para(n) => format!("第 {n} 段"),
        Loc::Cell { table, row, col } => {
            let name = match figures.tables.get(&table) {
                Some(id) if figures.tables.values().filter(|t| *t == id).count() > 1 => {
                    format!("{}（文档第 {table} 个表格）", table_name(*id))
                }
                Some(id) => table_name(*id).to_string(),
                None => format!("文档第 {table} 个表格"),
            };
            format!("{name} 第 {row} 行 第 {col} 列")
        }
    }
}

impl Imported {
    /// Where in the document a place in the report file comes from.
    pub fn locate(&self, line: u32, column: u32) -> Loc {
        if line >= self.written.body_line {
            return self
                .body_places
                .iter()
                .rev()
                .find(|(l, _)| *l <= line)
                .map_or(Loc::None, |(_, loc)| *loc);
        }
        let Some(w) = self.written.rows.iter().find(|r| r.line == line) else {
            return self.title;
        };
        let Some(row) = self.figures.rows.get(&w.path) else {
            return Loc::None;
        };
        let cell = w
            .cells
            .iter()
            .position(|(start, width)| column >= *start && column < start + width.max(&1));
        cell.and_then(|i| row.cells.get(i).copied())
            .unwrap_or(row.label)
    }

    /// Whether any value could not be placed.
    pub fn has_null(&self) -> bool {
        self.figures
            .rows
            .values()
            .any(|r| r.values.contains(&Val::Null) || r.total == Some(Val::Null))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension() {
        assert_eq!(kind_of(Path::new("a/b.DOCX")), Some(Kind::Word));
        assert_eq!(kind_of(Path::new("a.htm")), Some(Kind::Html));
        assert_eq!(kind_of(Path::new("a.txt")), Some(Kind::Text));
        assert_eq!(kind_of(Path::new("a.md")), None);
        assert_eq!(kind_of(Path::new("a")), None);
    }
}
