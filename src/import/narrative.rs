//! Narrative: the parts of a document around its tables — title, published date, the six
//! sections, and their text as Markdown.
//!
//! In: a [`Document`] and which of its blocks the tables used. Out: the agency name and year of
//! the title, the published date, the section of every block, the Markdown body (with the place
//! in the document of each of its paragraphs) and 信息处理费 when section 六 states it.

use std::collections::BTreeSet;

use super::doc::{grid, Block, Document, Kind, Loc, Span, Style};
use super::labels::section_heading;
use crate::format::{FormatDef, SectionKind, F2021};

/// Where the sections are.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// The section (0..6) of every block; `None` before the first heading.
    pub section: Vec<Option<usize>>,
    /// The block of each section's heading.
    pub heading: [Option<usize>; 6],
}

/// Finds the section headings, in order (a numeral seen before is no new section).
pub fn outline(doc: &Document) -> Outline {
    let mut o = Outline {
        section: Vec::with_capacity(doc.blocks.len()),
        heading: [None; 6],
    };
    let mut cur: Option<usize> = None;
    for (i, b) in doc.blocks.iter().enumerate() {
        if let Block::Para(p) = b {
            if let Some(s) = section_heading(&F2021, &p.text) {
                if cur.is_none_or(|c| s > c) {
                    cur = Some(s);
                    o.heading[s] = Some(i);
                }
            }
        }
        o.section.push(cur);
    }
    o
}

/// The agency and year a title names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Title {
    pub agency: Option<String>,
    pub year: Option<u16>,
    pub loc: Loc,
    /// The block of the title, to leave out of the body.
    pub blocks: Vec<usize>,
}

/// Reads `汤原县…办公室2020年政府信息公开工作年度报告` or `2019年上海市…办公厅政府信息公开工作年度
/// 报告`: the agency before the year or between the year and 信息公开.
pub fn parse_title(line: &str) -> Option<(Option<String>, u16)> {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    if t.chars().count() > 90
        || !t.contains("信息公开")
        || !(t.contains("报") || t.contains("年报"))
    {
        return None;
    }
    // Portal titles append the site: 「… - 某县人民政府」.
    let t = ["_", " - ", "--", "|", "｜", "——"]
        .iter()
        .filter_map(|sep| t.find(sep).map(|i| &t[..i]))
        .filter(|head| head.contains("信息公开"))
        .min_by_key(|h| h.len())
        .unwrap_or(&t);
    let k = t.find("政府信息公开").or_else(|| t.find("信息公开"))?;
    let (year, ystart, yend) = find_year(t)?;
    let agency = if ystart < k {
        let between = &t[yend..k];
        if between.is_empty() {
            &t[..ystart]
        } else {
            between
        }
    } else {
        &t[..k]
    };
    let agency = clean_agency(agency);
    Some(((!agency.is_empty()).then_some(agency), year))
}

/// The first `2020年` (or `2020年度`) in a text: the year and its byte range.
fn find_year(t: &str) -> Option<(u16, usize, usize)> {
    let b = t.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && t[i + 4..].starts_with('年')
        {
            let y: u16 = t[i..i + 4].parse().ok()?;
            if (2000..2100).contains(&y) {
                let mut end = i + 4 + '年'.len_utf8();
                if t[end..].starts_with('度') {
                    end += '度'.len_utf8();
                }
                return Some((y, i, end));
            }
        }
        i += 1;
    }
    None
}

fn clean_agency(s: &str) -> String {
    let s = s.trim_matches(|c: char| {
        c.is_whitespace() || "《》“”\"'（）()【】[]:：,，、.。-—_".contains(c)
    });
    let s = s.strip_prefix("关于").unwrap_or(s);
    let s = s.strip_suffix("关于").unwrap_or(s);
    let s = s.strip_suffix("的").unwrap_or(s);
    s.to_string()
}

/// Whether a line could be an agency's name on a line of its own (above a title that starts with
/// the year).
fn looks_like_name(s: &str) -> bool {
    let n = s.chars().count();
    (2..=40).contains(&n)
        && !s.chars().any(|c| "。，,：:；;！？!?".contains(c))
        && s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Finds the title among the blocks before section 一, else around the article.
pub fn title(doc: &Document, o: &Outline) -> Title {
    let first = o
        .heading
        .iter()
        .flatten()
        .next()
        .copied()
        .unwrap_or(doc.blocks.len());
    let paras: Vec<(usize, &str, Loc)> = doc.blocks[..first.min(40)]
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Para(p) if !p.text.trim().is_empty() => Some((i, p.text.as_str(), p.loc)),
            _ => None,
        })
        .collect();
    for (k, &(i, text, loc)) in paras.iter().enumerate() {
        if let Some((agency, year)) = parse_title(text) {
            let mut t = Title {
                agency,
                year: Some(year),
                loc,
                blocks: vec![i],
            };
            if t.agency.is_none() && k > 0 {
                let (j, prev, _) = paras[k - 1];
                if looks_like_name(prev.trim()) {
                    t.agency = Some(clean_agency(prev));
                    t.blocks.push(j);
                }
            }
            return t;
        }
    }
    for (k, (text, loc)) in doc.around.iter().enumerate() {
        if let Some((agency, year)) = parse_title(text) {
            let mut agency = agency;
            if agency.is_none() && k > 0 && looks_like_name(doc.around[k - 1].0.trim()) {
                agency = Some(clean_agency(&doc.around[k - 1].0));
            }
            return Title {
                agency,
                year: Some(year),
                loc: *loc,
                blocks: Vec::new(),
            };
        }
    }
    Title::default()
}

/// Labels after which a page states its publication date.
const DATE_LABELS: [&str; 2] = ["日期", "时间"];
/// What may stand before a bare 日期/时间 (发布日期, 公开时间 …); 统计时间 is no date of publication.
const DATE_QUALIFIERS: [&str; 5] = ["发布", "公开", "发表", "发文", "印发"];

/// The published date the document states (`发布日期：2020-01-31`, `发布时间:2022年01月30日
/// 15:52`, `日期 2020/1/31`), as `YYYY-MM-DD`.
pub fn published(texts: &[&str]) -> Option<String> {
    for t in texts {
        for label in DATE_LABELS {
            let mut from = 0;
            while let Some(i) = t[from..].find(label).map(|i| i + from) {
                from = i + label.len();
                let before = &t[..i];
                let qualified = DATE_QUALIFIERS.iter().any(|q| before.ends_with(q));
                let bare = before
                    .chars()
                    .next_back()
                    .is_none_or(|c| !('\u{4e00}'..='\u{9fff}').contains(&c));
                if !qualified && !bare {
                    continue;
                }
                let rest = t[from..]
                    .trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '：');
                if let Some(d) = date_at(rest) {
                    return Some(d);
                }
            }
        }
    }
    None
}

/// A date at the start of a text: 2020-01-31, 2020/1/31, 2020.1.31, 2020年1月31日.
fn date_at(s: &str) -> Option<String> {
    // Spaces around 年, 月, 日 (2024年3 月 26日) belong to the date; any other ends it.
    let mut s: String = s.chars().take(24).collect();
    for w in ["年", "月", "日"] {
        while s.contains(&format!(" {w}")) || s.contains(&format!("{w} ")) {
            s = s.replace(&format!(" {w}"), w).replace(&format!("{w} "), w);
        }
    }
    let s: String = s.chars().take_while(|c| !c.is_whitespace()).collect();
    let mut nums = Vec::new();
    let mut cur = String::new();
    let mut seps = Vec::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else {
            if cur.is_empty() {
                break;
            }
            nums.push(std::mem::take(&mut cur));
            seps.push(c);
            if nums.len() == 3 {
                break;
            }
        }
    }
    if !cur.is_empty() && nums.len() < 3 {
        nums.push(cur);
    }
    if nums.len() != 3 {
        return None;
    }
    let ok_seps = match seps.first() {
        Some('-') => seps.get(1) == Some(&'-'),
        Some('/') => seps.get(1) == Some(&'/'),
        Some('.') => seps.get(1) == Some(&'.'),
        Some('年') => seps.get(1) == Some(&'月'),
        _ => false,
    };
    let (y, m, d): (i32, u32, u32) = (
        nums[0].parse().ok()?,
        nums[1].parse().ok()?,
        nums[2].parse().ok()?,
    );
    if !ok_seps || nums[0].len() != 4 || nums[1].len() > 2 || nums[2].len() > 2 {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(y, m, d).map(|d| d.format("%Y-%m-%d").to_string())
}

/// 信息处理费 when section 六 states both figures once (or the same each time):
/// 发出收费通知 N 件 and 收取信息处理费 N 元.
pub fn processing_fees(text: &str) -> Option<(String, String)> {
    let notices = figure_after(text, "收费通知", '件')?;
    let amount = figure_after(text, "信息处理费", '元')?;
    Some((notices, amount))
}

/// The one figure written within a few characters after every `phrase` and before `unit`.
fn figure_after(text: &str, phrase: &str, unit: char) -> Option<String> {
    let mut found: Option<String> = None;
    let mut from = 0;
    while let Some(i) = text[from..].find(phrase).map(|i| i + from) {
        from = i + phrase.len();
        let rest: String = text[from..].chars().take(12).collect();
        let Some(u) = rest.find(unit) else {
            continue;
        };
        let between = rest[..u].trim_start_matches(['为', '共', '了', '：', ':']);
        let figure: String = between.chars().filter(|c| !c.is_whitespace()).collect();
        if figure.is_empty()
            || !figure.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            || figure.starts_with('.')
        {
            continue;
        }
        let figure = match super::values::read(&figure) {
            super::values::Cell::Num(n) => n.text,
            _ => continue,
        };
        match &found {
            Some(f) if *f != figure => return None,
            _ => found = Some(figure),
        }
    }
    found
}

/// Page furniture that the article container of a portal page often holds.
const FURNITURE: [&str; 12] = [
    "来源",
    "浏览",
    "阅读",
    "字体",
    "字号",
    "打印",
    "关闭",
    "分享",
    "收藏",
    "点击",
    "扫一扫",
    "当前位置",
];

fn is_furniture(text: &str) -> bool {
    let n = text.chars().count();
    n < 80 && FURNITURE.iter().any(|w| text.contains(w))
        || (n < 30 && published(&[text]).is_some())
        || (n < 24
            && text.starts_with(['(', '（'])
            && date_at(text.trim_start_matches(['(', '（'])).is_some())
}

/// The body as Markdown: the preamble (the blocks from `start` to section 一), then the six
/// official section headings, each with the document's text of that section. Also the 0-based
/// body line where each paragraph starts and its place in the document.
pub fn markdown(
    doc: &Document,
    o: &Outline,
    f: &FormatDef,
    start: usize,
    skip: &BTreeSet<usize>,
) -> (String, Vec<(u32, Loc)>) {
    // A blank line after the closing `---`, as `new` writes.
    let mut out = String::from("\n");
    let mut places: Vec<(u32, Loc)> = Vec::new();
    let mut lines = 1u32;
    let mut push = |out: &mut String, md: &str, loc: Loc, places: &mut Vec<(u32, Loc)>| {
        if out.len() > 1 {
            out.push('\n');
            lines += 1;
        }
        places.push((lines, loc));
        out.push_str(md);
        out.push('\n');
        lines += md.matches('\n').count() as u32 + 1;
    };
    for (i, b) in doc.blocks.iter().enumerate().skip(start) {
        if o.section[i].is_some() || skip.contains(&i) {
            continue;
        }
        if let Some((md, loc)) = block_md(b, doc.kind, true) {
            push(&mut out, &md, loc, &mut places);
        }
    }
    for (s, sec) in f.sections.iter().enumerate() {
        let heading_loc = o.heading[s]
            .and_then(|i| match &doc.blocks[i] {
                Block::Para(p) => Some(p.loc),
                _ => None,
            })
            .unwrap_or_default();
        push(
            &mut out,
            &format!("## {}", sec.heading()),
            heading_loc,
            &mut places,
        );
        let mut any = false;
        for (i, b) in doc.blocks.iter().enumerate() {
            if o.section[i] != Some(s) || Some(i) == o.heading[s] || skip.contains(&i) {
                continue;
            }
            if let Some((md, loc)) = block_md(b, doc.kind, false) {
                push(&mut out, &md, loc, &mut places);
                any = true;
            }
        }
        if !any && sec.kind == SectionKind::Narrative {
            push(
                &mut out,
                &format!("<!-- 原文中没有这一节的内容。{} -->", sec.guidance),
                heading_loc,
                &mut places,
            );
        }
    }
    (out, places)
}

fn block_md(b: &Block, kind: Kind, preamble: bool) -> Option<(String, Loc)> {
    match b {
        Block::Para(p) => {
            let text = p.text.trim();
            let furniture =
                kind != Kind::Word && is_furniture(text) && (preamble || text.chars().count() < 20);
            if text.is_empty() || furniture {
                return None;
            }
            let md = match p.style {
                Style::Normal => escape(text),
                Style::Heading(_) => format!("### {}", escape(text)),
                Style::Item { ordered: false } => format!("- {}", escape(text)),
                Style::Item { ordered: true } => format!("1. {}", escape(text)),
            };
            Some((md, p.loc))
        }
        Block::Table(t) => table_md(t).map(|md| (md, t.loc)),
    }
}

/// A table of the narrative as a Markdown table (merged cells left empty after their first).
fn table_md(t: &super::doc::Table) -> Option<String> {
    let g = grid(t)?;
    let rows: Vec<Vec<String>> = g
        .iter()
        .map(|r| {
            r.iter()
                .map(|s| match s.span {
                    Span::Origin => s
                        .text
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .replace('\\', "\\\\")
                        .replace('|', "\\|"),
                    _ => String::new(),
                })
                .collect()
        })
        .filter(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()))
        .collect();
    let width = rows.iter().map(Vec::len).max()?;
    if width == 0 {
        return None;
    }
    let line = |r: &[String]| {
        let mut cells: Vec<&str> = r.iter().map(String::as_str).collect();
        cells.resize(width, "");
        format!("| {} |", cells.join(" | "))
    };
    let mut out = vec![line(&rows[0]), format!("|{}", " --- |".repeat(width))];
    out.extend(rows[1..].iter().map(|r| line(r)));
    Some(out.join("\n"))
}

/// Text as a Markdown paragraph that shows as written: markup characters escaped, and a line
/// start that Markdown would read as a heading, quote or bullet.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if n > 0 && !out.is_empty() {
            // A line break inside a paragraph (Word's w:br, HTML's <br>) stays one.
            out.push_str("\\\n");
        }
        if line.starts_with(['#', '>', '=', '+', '-']) {
            out.push('\\');
        }
        for c in line.chars() {
            if matches!(c, '\\' | '*' | '_' | '`' | '<' | '[' | ']') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The text of every paragraph of a section (for 信息处理费).
pub fn section_text(doc: &Document, o: &Outline, s: usize) -> String {
    doc.blocks
        .iter()
        .enumerate()
        .filter(|(i, _)| o.section[*i] == Some(s))
        .filter_map(|(_, b)| match b {
            Block::Para(p) => Some(p.text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_in_either_order() {
        let t = |s| parse_title(s).map(|(a, y)| (a.unwrap_or_default(), y));
        assert_eq!(
            t("汤原县社区建设指导委员会办公室 2020年政府信息公开工作年度报告"),
            Some(("汤原县社区建设指导委员会办公室".into(), 2020))
        );
        assert_eq!(
            t("2019年上海市人民政府办公厅政府信息公开工作年度报告"),
            Some(("上海市人民政府办公厅".into(), 2019))
        );
        assert_eq!(
            t("2019年阜新市彰武县政府办公室信息公开工作年度报告"),
            Some(("阜新市彰武县政府办公室".into(), 2019))
        );
        assert_eq!(
            t("2022年度螅镇政府信息公开工作年度报告"),
            Some(("螅镇".into(), 2022))
        );
        assert_eq!(
            t("昌图县七家子镇2023年政府信息公开 工作告年度报"),
            Some(("昌图县七家子镇".into(), 2023))
        );
        assert_eq!(
            t("示例县教育局2021年政府信息公开工作年度报告 - 政府信息公开工作年度报告（示例站点）"),
            Some(("示例县教育局".into(), 2021))
        );
        assert_eq!(
            t("2020年政府信息公开工作年度报告"),
            Some((String::new(), 2020))
        );
        assert_eq!(t("一、总体情况"), None);
        assert_eq!(
            t("2020年，我局认真贯彻《条例》，政府信息公开工作顺利开展。"),
            None
        );
    }

    #[test]
    fn published_dates_only_where_stated() {
        for (text, want) in [
            ("发布日期：2020-01-31", Some("2020-01-31")),
            ("发布时间:2022年01月30日 15:52", Some("2022-01-30")),
            ("日期 2020/1/31", Some("2020-01-31")),
            ("日期: 2020-01-23 浏览量:526", Some("2020-01-23")),
            (
                "来源:昌图县人民政府办公室 时间:2024-01-31",
                Some("2024-01-31"),
            ),
            (
                "来源:原创     发布时间:2023-01-31 13:24    浏览次数:次",
                Some("2023-01-31"),
            ),
            ("统计时间：2020年1月1日至2020年12月31日", None),
            ("本报告所列数据的统计期限自2020年1月1日起", None),
            ("发布日期：2020-02-30", None),
            ("发布时间：", None),
        ] {
            assert_eq!(published(&[text]).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn fees_when_stated_unambiguously() {
        assert_eq!(
            processing_fees("本年度共发出收费通知 0 件，收取信息处理费 0 元。"),
            Some(("0".into(), "0".into()))
        );
        assert_eq!(
            processing_fees("本年度发出收费通知2件，收取信息处理费120.5元。"),
            Some(("2".into(), "120.5".into()))
        );
        assert_eq!(processing_fees("未收取信息处理费。"), None);
        assert_eq!(
            processing_fees("发出收费通知2件，收取信息处理费100元；另一处收取信息处理费200元。"),
            None
        );
    }

    #[test]
    fn escaping_keeps_the_text_as_shown() {
        assert_eq!(escape("1. 存在的问题。"), "1. 存在的问题。");
        assert_eq!(escape("#标签 *重点*"), "\\#标签 \\*重点\\*");
        assert_eq!(escape("第一行\n第二行"), "第一行\\\n第二行");
    }
}
