//! The Word reader: a `.docx` file (a zip of WordprocessingML).
//!
//! In: the file. Out: a [`Document`] of the body's paragraphs (headings from their styles, list
//! numbers as Word shows them: 一、 （一） 1.) and tables (`gridSpan`, `vMerge`, `gridBefore`),
//! tracked changes accepted as shown (insertions kept, deletions and moved-away text dropped),
//! hidden text, field codes, images and text boxes dropped. Refused: what is not a zip (an old
//! `.doc` is named as such), an archive over the bounds (entries, uncompressed bytes) and a
//! document part that is no well-formed XML.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

use quick_xml::events::{BytesStart, Event};

use super::doc::{Block, Cell, Document, Kind, Loc, Para, Style, Table};

/// The largest `.docx` file opened.
pub const MAX_FILE: u64 = 256 << 20;
/// Entries in the archive (a Word file has tens; images add some).
const MAX_ENTRIES: u64 = 5000;
/// Uncompressed bytes read from one part, and from all parts together.
const MAX_PART: u64 = 48 << 20;
const MAX_TOTAL: u64 = 96 << 20;
/// Cells and paragraphs of one document.
pub const MAX_CELLS: usize = 50_000;
pub const MAX_BLOCKS: usize = 50_000;

pub fn read_file(path: &std::path::Path) -> Result<Document, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("无法读取：{e}"))?;
    if meta.len() > MAX_FILE {
        return Err(format!(
            "文件过大（{} MB），不像一份年度报告",
            meta.len() >> 20
        ));
    }
    let f = std::fs::File::open(path).map_err(|e| format!("无法读取：{e}"))?;
    read(std::io::BufReader::new(f))
}

/// Checks the zip's end record before the zip reader trusts it: the number of entries and the
/// size of the central directory, so that an archive claiming millions of entries costs nothing.
fn check_end_record<R: Read + Seek>(r: &mut R) -> Result<(), String> {
    let not_zip = "不是有效的 Word（.docx）文件：.docx 是 zip 压缩包，此文件不是";
    let len = r.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
    let mut head = [0u8; 8];
    r.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let n = r.read(&mut head).map_err(|e| e.to_string())?;
    if n >= 8 && head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
        return Err(
            "这是旧版 Word（.doc）文件或加密的文件：请在 Word 中“另存为” .docx 后再导入".into(),
        );
    }
    if n < 4 || &head[..2] != b"PK" {
        return Err(not_zip.into());
    }
    let tail_len = len.min(65_557);
    r.seek(SeekFrom::Start(len - tail_len))
        .map_err(|e| e.to_string())?;
    let mut tail = vec![0u8; tail_len as usize];
    r.read_exact(&mut tail).map_err(|e| e.to_string())?;
    let at = tail
        .windows(4)
        .rposition(|w| w == [0x50, 0x4b, 0x05, 0x06])
        .ok_or(not_zip)?;
    let rec = &tail[at..];
    if rec.len() < 22 {
        return Err(not_zip.into());
    }
    let entries = u64::from(u16::from_le_bytes([rec[10], rec[11]]));
    let cd_size = u64::from(u32::from_le_bytes([rec[12], rec[13], rec[14], rec[15]]));
    if entries == 0xFFFF || cd_size == 0xFFFF_FFFF {
        return Err("压缩包使用 Zip64 格式，Word 文档不会这样保存；不予读取".into());
    }
    if entries > MAX_ENTRIES || cd_size > MAX_ENTRIES * 1024 {
        return Err(format!(
            "压缩包有 {entries} 个文件，超出 Word 文档的常见范围；不予读取"
        ));
    }
    r.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    Ok(())
}

/// Reads one part, bounded.
fn part<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<Vec<u8>>, String> {
    let f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("无法解压 {name}：{e}")),
    };
    let limit = MAX_PART.min(*budget);
    let mut buf = Vec::new();
    f.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("无法解压 {name}：{e}"))?;
    if buf.len() as u64 > limit {
        return Err(format!(
            "{name} 解压后超过 {} MB：这不是正常的 Word 文档（可能是“压缩炸弹”），不予读取",
            limit >> 20
        ));
    }
    *budget -= buf.len() as u64;
    Ok(Some(buf))
}

/// Reads a Word document from a zip archive.
pub fn read<R: Read + Seek>(mut r: R) -> Result<Document, String> {
    check_end_record(&mut r)?;
    let mut zip =
        zip::ZipArchive::new(r).map_err(|e| format!("不是有效的 Word（.docx）文件：{e}"))?;
    let mut budget = MAX_TOTAL;
    let main = part(&mut zip, "_rels/.rels", &mut budget)?
        .and_then(|rels| target(&rels, "/officeDocument"))
        .map(|t| t.trim_start_matches('/').to_string())
        .unwrap_or_else(|| "word/document.xml".into());
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let rels_name = format!("{dir}/_rels/{}.rels", main.rsplit('/').next().unwrap_or(""));
    let rels = part(&mut zip, &rels_name, &mut budget)?;
    let related = |kind: &str| {
        rels.as_deref()
            .and_then(|r| target(r, kind))
            .map(|t| match t.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("{dir}/{t}"),
            })
    };
    let styles_name = related("/styles").unwrap_or_else(|| format!("{dir}/styles.xml"));
    let numbering_name = related("/numbering").unwrap_or_else(|| format!("{dir}/numbering.xml"));
    let body = part(&mut zip, &main, &mut budget)?
        .ok_or("不是 Word 文档：压缩包中没有正文（word/document.xml）")?;
    let styles = part(&mut zip, &styles_name, &mut budget)
        .ok()
        .flatten()
        .map(|b| styles(&b))
        .unwrap_or_default();
    let numbering = part(&mut zip, &numbering_name, &mut budget)
        .ok()
        .flatten()
        .map(|b| numbering(&b))
        .unwrap_or_default();
    parse_body(&body, &styles, &numbering)
}

/// The target of the first relationship whose type ends with `kind`.
fn target(rels: &[u8], kind: &str) -> Option<String> {
    let mut r = quick_xml::Reader::from_reader(rels);
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref() == b"Relationship"
                    && attr(&e, b"Type").is_some_and(|t| t.ends_with(kind)) =>
            {
                return attr(&e, b"Target");
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

/// An attribute's value by local name (`w:val` and `val` alike).
fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// What a paragraph style gives: a heading level, list numbering.
#[derive(Debug, Clone, Default)]
struct StyleDef {
    heading: Option<u8>,
    num: Option<(String, u8)>,
}

fn styles(xml: &[u8]) -> HashMap<String, StyleDef> {
    let mut out = HashMap::new();
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut cur: Option<(String, StyleDef)> = None;
    let mut num_id: Option<String> = None;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"style" => {
                    if let Some((id, d)) = cur.take() {
                        out.insert(id, d);
                    }
                    cur = attr(&e, b"styleId").map(|id| (id, StyleDef::default()));
                }
                b"name" => {
                    if let (Some((_, d)), Some(name)) = (&mut cur, attr(&e, b"val")) {
                        let lower = name.to_lowercase();
                        let level = lower
                            .strip_prefix("heading ")
                            .or_else(|| lower.strip_prefix("标题 "))
                            .and_then(|n| n.trim().parse().ok());
                        if level.is_some() {
                            d.heading = level;
                        } else if lower == "title" || lower == "标题" {
                            d.heading = Some(1);
                        }
                    }
                }
                b"outlineLvl" => {
                    if let (Some((_, d)), Some(v)) = (&mut cur, attr(&e, b"val")) {
                        d.heading = v.parse::<u8>().ok().filter(|l| *l < 9).map(|l| l + 1);
                    }
                }
                b"numId" => num_id = attr(&e, b"val"),
                b"ilvl" => {
                    if let (Some((_, d)), Some(id)) = (&mut cur, num_id.clone()) {
                        d.num = Some((
                            id,
                            attr(&e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0),
                        ));
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == b"numPr" => {
                if let (Some((_, d)), Some(id)) = (&mut cur, num_id.take()) {
                    d.num.get_or_insert((id, 0));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    if let Some((id, d)) = cur {
        out.insert(id, d);
    }
    out
}

/// A list level: how its number is written.
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// Numbering definitions: each `numId`'s levels.
#[derive(Debug, Default)]
struct Numbering {
    nums: HashMap<String, Vec<Level>>,
}

fn numbering(xml: &[u8]) -> Numbering {
    let mut abstracts: HashMap<String, Vec<Level>> = HashMap::new();
    let mut nums: HashMap<String, String> = HashMap::new();
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut cur_abs: Option<String> = None;
    let mut cur_num: Option<String> = None;
    let mut lvl: Option<usize> = None;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let val = || attr(&e, b"val");
                match e.local_name().as_ref() {
                    b"abstractNum" => cur_abs = attr(&e, b"abstractNumId"),
                    b"num" => cur_num = attr(&e, b"numId"),
                    b"abstractNumId" => {
                        if let (Some(n), Some(a)) = (&cur_num, val()) {
                            nums.insert(n.clone(), a);
                        }
                    }
                    b"lvl" => {
                        lvl = attr(&e, b"ilvl")
                            .and_then(|v| v.parse().ok())
                            .filter(|l| *l < 9);
                        if let (Some(a), Some(l)) = (&cur_abs, lvl) {
                            let levels = abstracts.entry(a.clone()).or_default();
                            if levels.len() <= l {
                                levels.resize(l + 1, Level::default());
                            }
                            levels[l].start = 1;
                        }
                    }
                    name @ (b"start" | b"numFmt" | b"lvlText") => {
                        if let (Some(a), Some(l), Some(v)) = (&cur_abs, lvl, val()) {
                            if let Some(level) = abstracts.get_mut(a).and_then(|x| x.get_mut(l)) {
                                match name {
                                    b"start" => level.start = v.parse().unwrap_or(1),
                                    b"numFmt" => level.format = v,
                                    _ => level.text = v,
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"abstractNum" => cur_abs = None,
                b"num" => cur_num = None,
                b"lvl" => lvl = None,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    Numbering {
        nums: nums
            .into_iter()
            .filter_map(|(n, a)| Some((n, abstracts.get(&a)?.clone())))
            .collect(),
    }
}

/// A number as a list level writes it.
fn format_number(n: u32, format: &str) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "chineseLegalSimplified" => {
            let n = n.min(99) as usize;
            match n {
                0..=9 => DIGITS[n].to_string(),
                10 => "十".into(),
                11..=19 => format!("十{}", DIGITS[n - 10]),
                _ if n % 10 == 0 => format!("{}十", DIGITS[n / 10]),
                _ => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
            }
        }
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "lowerLetter" | "upperLetter" => {
            let c = char::from(b'a' + ((n.max(1) - 1) % 26) as u8);
            if format == "upperLetter" {
                c.to_ascii_uppercase().to_string()
            } else {
                c.to_string()
            }
        }
        "lowerRoman" | "upperRoman" => {
            let r = roman(n);
            if format == "upperRoman" {
                r.to_uppercase()
            } else {
                r
            }
        }
        "none" => String::new(),
        _ => n.to_string(),
    }
}

fn roman(mut n: u32) -> String {
    let mut out = String::new();
    for (v, s) in [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ] {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Elements whose content is not shown: deletions, moved-away text, field codes, drawings and
/// text boxes, the old properties of a tracked change.
const HIDDEN: [&[u8]; 16] = [
    b"del",
    b"moveFrom",
    b"delText",
    b"delInstrText",
    b"instrText",
    b"drawing",
    b"pict",
    b"object",
    b"AlternateContent",
    b"rPrChange",
    b"pPrChange",
    b"sectPrChange",
    b"tblPrChange",
    b"trPrChange",
    b"tcPrChange",
    b"numberingChange",
];

#[derive(Default)]
struct TableState {
    table: Table,
    row: Vec<Cell>,
    row_deleted: bool,
    cell: Option<Cell>,
    col: u32,
}

#[derive(Default)]
struct ParaState {
    text: String,
    style: Option<String>,
    num: Option<(String, u8)>,
    outline: Option<u8>,
}

fn parse_body(
    xml: &[u8],
    styles: &HashMap<String, StyleDef>,
    numbering: &Numbering,
) -> Result<Document, String> {
    let mut doc = Document::new(Kind::Word);
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut depth = 0usize;
    let mut hidden_from: Option<usize> = None;
    let mut tables: Vec<TableState> = Vec::new();
    let mut para: Option<ParaState> = None;
    let mut in_text = false;
    let mut run_hidden = false;
    let mut in_rpr = false;
    let mut in_body = false;
    let mut paras = 0u32;
    let mut table_count = 0u32;
    let mut cells = 0usize;
    let mut counters: HashMap<String, [u32; 9]> = HashMap::new();
    let mut num_id: Option<String> = None;
    let too_big = || "表格或段落过多，不像一份年度报告；不予读取".to_string();
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("Word 文件已损坏（正文不是有效的 XML：{e}）"))?;
        match ev {
            Event::Start(e) => {
                depth += 1;
                if hidden_from.is_some() {
                    continue;
                }
                let name = e.local_name();
                let name = name.as_ref();
                if HIDDEN.contains(&name) {
                    hidden_from = Some(depth);
                    continue;
                }
                match name {
                    b"body" => in_body = true,
                    b"p" => para = Some(ParaState::default()),
                    b"r" => run_hidden = false,
                    b"rPr" => in_rpr = true,
                    b"t" => in_text = true,
                    b"numPr" => num_id = None,
                    b"tbl" => {
                        table_count += 1;
                        tables.push(TableState {
                            table: Table {
                                rows: Vec::new(),
                                loc: Loc::Cell {
                                    table: table_count,
                                    row: 1,
                                    col: 1,
                                },
                                number: table_count,
                            },
                            ..Default::default()
                        });
                    }
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.row.clear();
                            t.row_deleted = false;
                            t.col = 1;
                        }
                    }
                    b"tc" => {
                        if let Some(t) = tables.last_mut() {
                            let row = t.table.rows.len() as u32 + 1;
                            t.cell = Some(Cell::new(
                                "",
                                Loc::Cell {
                                    table: t.table.number,
                                    row,
                                    col: t.col,
                                },
                            ));
                        }
                    }
                    _ => on_property(
                        &e,
                        &mut para,
                        &mut tables,
                        &mut num_id,
                        in_rpr,
                        &mut run_hidden,
                    ),
                }
            }
            Event::Empty(e) => {
                if hidden_from.is_some() {
                    continue;
                }
                let name = e.local_name();
                match name.as_ref() {
                    b"tab" if para.is_some() && !in_rpr => push_text(&mut para, "\t", run_hidden),
                    b"br" | b"cr" if para.is_some() && !in_rpr => {
                        let page = attr(&e, b"type").is_some_and(|t| t != "textWrapping");
                        if !page {
                            push_text(&mut para, "\n", run_hidden);
                        }
                    }
                    b"noBreakHyphen" => push_text(&mut para, "-", run_hidden),
                    b"tc" => {
                        // An empty cell element.
                        if let Some(t) = tables.last_mut() {
                            let row = t.table.rows.len() as u32 + 1;
                            t.row.push(Cell::new(
                                "",
                                Loc::Cell {
                                    table: t.table.number,
                                    row,
                                    col: t.col,
                                },
                            ));
                            t.col += 1;
                        }
                    }
                    _ => on_property(
                        &e,
                        &mut para,
                        &mut tables,
                        &mut num_id,
                        in_rpr,
                        &mut run_hidden,
                    ),
                }
            }
            Event::Text(t) if in_text && hidden_from.is_none() => {
                if let Ok(s) = t.decode() {
                    push_text(&mut para, &s, run_hidden);
                }
            }
            Event::GeneralRef(g) if in_text && hidden_from.is_none() => {
                let c = match g.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => g
                        .decode()
                        .ok()
                        .and_then(|n| quick_xml::escape::resolve_predefined_entity(&n))
                        .map(str::to_string),
                };
                if let Some(c) = c {
                    push_text(&mut para, &c, run_hidden);
                }
            }
            Event::End(e) => {
                let d = depth;
                depth = depth.saturating_sub(1);
                if let Some(h) = hidden_from {
                    if d == h {
                        hidden_from = None;
                    }
                    continue;
                }
                match e.local_name().as_ref() {
                    b"t" => in_text = false,
                    b"rPr" => in_rpr = false,
                    b"p" => {
                        let Some(p) = para.take() else { continue };
                        if let Some(cell) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                            if !cell.text.is_empty() {
                                cell.text.push('\n');
                            }
                            cell.text.push_str(p.text.trim());
                            continue;
                        }
                        if !in_body {
                            continue;
                        }
                        let style = p.style.as_ref().and_then(|s| styles.get(s));
                        let num = p.num.clone().or_else(|| style.and_then(|s| s.num.clone()));
                        let heading = p.outline.or(style.and_then(|s| s.heading));
                        let mut text = p.text.trim().to_string();
                        let mut kind = match heading {
                            Some(l) => Style::Heading(l),
                            None => Style::Normal,
                        };
                        if let Some((id, ilvl)) = num.filter(|(id, _)| id != "0") {
                            if let Some(levels) = numbering.nums.get(&id) {
                                let ilvl = usize::from(ilvl).min(8);
                                let c = counters.entry(id.clone()).or_insert([0; 9]);
                                c[ilvl] = if c[ilvl] == 0 {
                                    levels.get(ilvl).map_or(1, |l| l.start)
                                } else {
                                    c[ilvl] + 1
                                };
                                for deeper in c.iter_mut().skip(ilvl + 1) {
                                    *deeper = 0;
                                }
                                let level = levels.get(ilvl).cloned().unwrap_or_default();
                                if level.format == "bullet" {
                                    kind = Style::Item { ordered: false };
                                } else if !text.is_empty() {
                                    let mut prefix = level.text.clone();
                                    for k in (0..=ilvl).rev() {
                                        let f =
                                            levels.get(k).map_or("decimal", |l| l.format.as_str());
                                        prefix = prefix.replace(
                                            &format!("%{}", k + 1),
                                            &format_number(c[k].max(1), f),
                                        );
                                    }
                                    text = format!("{prefix}{text}");
                                }
                            }
                        }
                        if text.is_empty() {
                            continue;
                        }
                        paras += 1;
                        if doc.blocks.len() >= MAX_BLOCKS {
                            return Err(too_big());
                        }
                        doc.blocks.push(Block::Para(Para {
                            text,
                            style: kind,
                            loc: Loc::Para(paras),
                        }));
                    }
                    b"tc" => {
                        if let Some(t) = tables.last_mut() {
                            if let Some(mut c) = t.cell.take() {
                                c.text = c.text.trim().to_string();
                                t.col += c.colspan.max(1);
                                t.row.push(c);
                                cells += 1;
                                if cells > MAX_CELLS {
                                    return Err(too_big());
                                }
                            }
                        }
                    }
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            let row = std::mem::take(&mut t.row);
                            if !t.row_deleted {
                                t.table.rows.push(row);
                            }
                        }
                    }
                    b"tbl" => {
                        let Some(t) = tables.pop() else { continue };
                        match tables.last_mut().and_then(|o| o.cell.as_mut()) {
                            // A table inside a cell: its text joins the cell's.
                            Some(outer) => {
                                for row in &t.table.rows {
                                    let line: Vec<&str> =
                                        row.iter().map(|c| c.text.as_str()).collect();
                                    if !outer.text.is_empty() {
                                        outer.text.push('\n');
                                    }
                                    outer.text.push_str(&line.join(" "));
                                }
                            }
                            None if in_body && !t.table.rows.is_empty() => {
                                if doc.blocks.len() >= MAX_BLOCKS {
                                    return Err(too_big());
                                }
                                doc.blocks.push(Block::Table(t.table));
                            }
                            None => {}
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(doc)
}

fn push_text(para: &mut Option<ParaState>, s: &str, hidden: bool) {
    if let (Some(p), false) = (para.as_mut(), hidden) {
        p.text.push_str(s);
    }
}

/// Properties that matter: a paragraph's style, numbering and outline level; a cell's span and
/// vertical merge; a deleted row; hidden text.
fn on_property(
    e: &BytesStart,
    para: &mut Option<ParaState>,
    tables: &mut [TableState],
    num_id: &mut Option<String>,
    in_rpr: bool,
    run_hidden: &mut bool,
) {
    let val = || attr(e, b"val");
    match e.local_name().as_ref() {
        b"vanish" if in_rpr => *run_hidden = val().is_none_or(|v| v != "0" && v != "false"),
        b"pStyle" => {
            if let Some(p) = para.as_mut() {
                p.style = val();
            }
        }
        b"outlineLvl" => {
            if let Some(p) = para.as_mut() {
                p.outline = val()
                    .and_then(|v| v.parse::<u8>().ok())
                    .filter(|l| *l < 9)
                    .map(|l| l + 1);
            }
        }
        b"numId" => {
            *num_id = val();
            if let (Some(p), Some(id)) = (para.as_mut(), num_id.clone()) {
                let ilvl = p.num.as_ref().map_or(0, |n| n.1);
                p.num = Some((id, ilvl));
            }
        }
        b"ilvl" => {
            if let Some(p) = para.as_mut() {
                let l = val().and_then(|v| v.parse().ok()).unwrap_or(0);
                let id = p.num.as_ref().map(|n| n.0.clone()).unwrap_or_default();
                p.num = Some((id, l));
            }
        }
        b"gridSpan" => {
            if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                c.colspan = val()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 256);
            }
        }
        b"vMerge" => {
            if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                c.continues = val().is_none_or(|v| v == "continue");
            }
        }
        b"gridBefore" => {
            if let Some(t) = tables.last_mut() {
                if t.cell.is_none() {
                    let n: u32 = val().and_then(|v| v.parse().ok()).unwrap_or(0).min(64);
                    t.col += n;
                    for _ in 0..n {
                        t.row.push(Cell::new("", Loc::None));
                    }
                }
            }
        }
        b"ins" | b"cellIns" => {}
        b"cellDel" => {
            if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                c.text.clear();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_numbers_as_word_shows_them() {
        assert_eq!(format_number(1, "chineseCounting"), "一");
        assert_eq!(format_number(12, "chineseCountingThousand"), "十二");
        assert_eq!(format_number(20, "chineseCounting"), "二十");
        assert_eq!(format_number(3, "decimal"), "3");
        assert_eq!(format_number(2, "decimalEnclosedCircle"), "②");
        assert_eq!(format_number(4, "upperRoman"), "IV");
    }

    #[test]
    fn not_a_zip_is_refused_with_a_reason() {
        let e = read(std::io::Cursor::new(b"hello, world".to_vec())).unwrap_err();
        assert!(e.contains("zip"), "{e}");
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend([0; 100]);
        let e = read(std::io::Cursor::new(ole)).unwrap_err();
        assert!(e.contains(".doc"), "{e}");
        let e = read(std::io::Cursor::new(Vec::new())).unwrap_err();
        assert!(e.contains("zip"), "{e}");
    }
}
