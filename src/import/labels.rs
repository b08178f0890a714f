//! Labels: what a cell or a line of a document says, compared with the official wording.
//!
//! In: text from a document. Out: the edition's label it stands for, if one and only one is
//! close enough. Every label comes from `format/defs.rs`; this module normalises both sides and
//! measures how far apart they are, so typos (信息内筒), older wording (其他法律法规禁止公开),
//! broken labels (三、本年 度办 理结 果) and bracket widths are tolerated without a list of
//! variants.

use std::sync::OnceLock;

use crate::format::{FormatDef, TableId, EDITIONS};

/// The label's characters that carry meaning: letters, digits and CJK, with full-width letters
/// and digits made ASCII; whitespace, punctuation and brackets dropped.
pub fn norm(s: &str) -> String {
    s.chars().filter_map(norm_char).collect()
}

fn norm_char(c: char) -> Option<char> {
    let c = match c {
        '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
            char::from_u32(c as u32 - 0xfee0)?
        }
        _ => c,
    };
    if c.is_alphanumeric() {
        Some(c.to_ascii_lowercase())
    } else {
        None
    }
}

/// What a label of the edition stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// A section title (index 0..6), also a table's caption.
    Section(usize),
    /// Table 二: a block title (第二十条第（一）项).
    Block(usize),
    /// Table 二: 信息内容.
    ContentHeader,
    /// Table 二: a column header of a block.
    ActiveColumn(usize, usize),
    /// Table 二: a row, by its index in `active_rows()`.
    ActiveRow(usize),
    /// Table 三: a header cell (note, 申请人情况, 法人或其他组织, a column).
    AppHeader,
    /// Table 三: 总计 (also table 四's).
    Total,
    /// Table 三: a row, by its index in `applications.rows`.
    AppRow(usize),
    /// Table 四: a header naming a group (行政复议, 未经复议直接起诉, …) or 行政诉讼.
    AppealHeader(Option<usize>),
    /// Table 四: a result column (结果维持 …).
    AppealColumn,
    /// A unit line (单位：件).
    Unit,
}

impl What {
    /// The official table a label belongs to.
    pub fn table(self) -> Option<TableId> {
        match self {
            What::Section(1) | What::Block(_) | What::ContentHeader => Some(TableId::Active),
            What::ActiveColumn(..) | What::ActiveRow(_) => Some(TableId::Active),
            What::Section(2) | What::AppHeader | What::AppRow(_) => Some(TableId::Applications),
            What::Section(3) | What::AppealHeader(_) | What::AppealColumn => Some(TableId::Appeals),
            _ => None,
        }
    }

    /// Whether the label names a row that holds figures (or a group of them).
    pub fn is_row(self) -> bool {
        matches!(self, What::ActiveRow(_) | What::AppRow(_))
    }
}

/// One label of an edition.
#[derive(Debug)]
pub struct Entry {
    pub label: &'static str,
    pub what: What,
    chars: Vec<char>,
    /// The characters sorted: shared characters bound the similarity cheaply.
    sorted: Vec<char>,
}

/// Every label of one edition.
#[derive(Debug)]
pub struct Vocab {
    pub format: &'static FormatDef,
    pub entries: Vec<Entry>,
}

/// The result of looking a text up.
#[derive(Debug, Clone)]
pub struct Found<'v> {
    /// Every entry with the best wording (several when one label means several things, e.g.
    /// 总计 in tables 三 and 四, or 上一年项目数量 in several blocks).
    pub entries: Vec<&'v Entry>,
    /// 1.0 for the same normalised text.
    pub score: f32,
}

impl Found<'_> {
    pub fn exact(&self) -> bool {
        self.score >= 1.0
    }
    pub fn label(&self) -> &'static str {
        self.entries[0].label
    }
}

/// Below this a label is not recognised.
pub const THRESHOLD: f32 = 0.6;
/// The best wording must beat any other by this much to be unambiguous.
const MARGIN: f32 = 0.12;
/// Longer texts are no labels (the longest official one has under 50 characters).
const MAX_LABEL: usize = 80;

impl Vocab {
    /// The vocabulary of an edition, built once.
    pub fn of(f: &FormatDef) -> &'static Vocab {
        static CACHE: OnceLock<Vec<Vocab>> = OnceLock::new();
        let all = CACHE.get_or_init(|| EDITIONS.iter().map(|f| Vocab::build(f)).collect());
        let i = EDITIONS.iter().position(|e| e.id == f.id).unwrap_or(0);
        &all[i]
    }

    fn build(f: &'static FormatDef) -> Vocab {
        let mut entries = Vec::new();
        let mut add = |label: &'static str, what: What| {
            let chars: Vec<char> = norm(label).chars().collect();
            let mut sorted = chars.clone();
            sorted.sort_unstable();
            if !chars.is_empty() {
                entries.push(Entry {
                    label,
                    what,
                    chars,
                    sorted,
                });
            }
        };
        for (i, s) in f.sections.iter().enumerate() {
            add(s.title, What::Section(i));
        }
        add(f.active.unit, What::Unit);
        add(f.active.content_header, What::ContentHeader);
        for (b, block) in f.active.blocks.iter().enumerate() {
            add(block.title, What::Block(b));
            for (c, col) in block.columns.iter().enumerate() {
                add(col.label, What::ActiveColumn(b, c));
            }
        }
        for (i, (_, r)) in f.active_rows().enumerate() {
            add(r.label, What::ActiveRow(i));
        }
        let t = &f.applications;
        add(t.unit, What::Unit);
        add(t.note, What::AppHeader);
        add(t.applicant_header, What::AppHeader);
        add(t.legal_person_header, What::AppHeader);
        for c in t.columns {
            add(c, What::AppHeader);
        }
        add(t.total_label, What::Total);
        for (i, r) in t.rows.iter().enumerate() {
            add(r.label, What::AppRow(i));
        }
        let a = &f.appeals;
        for (g, group) in a.groups.iter().enumerate() {
            let last = group.headers.len().saturating_sub(1);
            for (k, h) in group.headers.iter().enumerate() {
                add(h, What::AppealHeader((k == last).then_some(g)));
            }
        }
        for c in a.columns {
            add(c, What::AppealColumn);
        }
        Vocab { format: f, entries }
    }

    /// The one label `text` stands for, if any.
    pub fn find(&self, text: &str) -> Option<Found<'_>> {
        let t: Vec<char> = norm(text).chars().collect();
        self.find_chars(&t)
    }

    pub fn find_chars(&self, t: &[char]) -> Option<Found<'_>> {
        if t.is_empty() || t.len() > MAX_LABEL {
            return None;
        }
        let mut best: Vec<(&Entry, f32)> = Vec::new();
        let mut buf = Vec::new();
        let mut sorted = t.to_vec();
        sorted.sort_unstable();
        for e in &self.entries {
            let (a, b) = (t.len() as f32, e.chars.len() as f32);
            // The edit distance is at least the difference in length, and at least the
            // characters one text has and the other lacks.
            if 1.0 - (a - b).abs() / a.max(b) < THRESHOLD - MARGIN
                || (common(&sorted, &e.sorted) as f32) / a.max(b) < THRESHOLD - MARGIN
            {
                continue;
            }
            let s = similarity(t, &e.chars, &mut buf);
            if s >= THRESHOLD - MARGIN {
                best.push((e, s));
            }
        }
        let top = best.iter().map(|b| b.1).fold(0.0f32, f32::max);
        if top < THRESHOLD {
            return None;
        }
        let winners: Vec<&Entry> = best.iter().filter(|b| b.1 >= top).map(|b| b.0).collect();
        let wording = &winners[0].chars;
        // Another wording as close, or nearly: ambiguous, unless the text is exactly one.
        let rival = best
            .iter()
            .any(|b| b.0.chars != *wording && b.1 > top - MARGIN);
        if rival && top < 1.0 {
            return None;
        }
        let entries = winners
            .into_iter()
            .filter(|e| e.chars == *wording)
            .collect();
        Some(Found {
            entries,
            score: top,
        })
    }
}

/// How many characters two sorted lists share (as multisets).
fn common(a: &[char], b: &[char]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// 1 − edit distance ÷ the longer length.
fn similarity(a: &[char], b: &[char], row: &mut Vec<usize>) -> f32 {
    if a == b {
        return 1.0;
    }
    let n = a.len().max(b.len());
    if n == 0 {
        return 1.0;
    }
    row.clear();
    row.extend(0..=b.len());
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    1.0 - row[b.len()] as f32 / n as f32
}

/// Chinese numerals of the six sections.
const NUMERALS: [char; 6] = ['一', '二', '三', '四', '五', '六'];

/// Which section a paragraph opens, if it is a section heading: the numeral, a separator and a
/// title close to the official one (longest common subsequence, so that added words such as
/// 因政府信息公开工作被申请行政复议、提起行政诉讼的情况 still count). A heading that lost its
/// numeral (`、主动公开政府信息情况`) counts when its title is nearly exact.
pub fn section_heading(f: &FormatDef, text: &str) -> Option<usize> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '#');
    if t.chars().count() > 40 || t.contains('。') {
        return None;
    }
    let mut chars = t.chars();
    let first = chars.next()?;
    let (index, rest) = match NUMERALS.iter().position(|&n| n == first) {
        Some(i) => {
            let rest = chars.as_str();
            let sep = rest.chars().next()?;
            if !matches!(
                sep,
                '、' | '.' | '．' | '，' | ',' | ' ' | '\u{3000}' | '：' | ':'
            ) {
                return None;
            }
            (Some(i), &rest[sep.len_utf8()..])
        }
        None => (None, t.trim_start_matches(['、', '.', '．'])),
    };
    let rest: Vec<char> = norm(rest).chars().collect();
    if rest.is_empty() {
        return None;
    }
    let score = |i: usize| {
        let title: Vec<char> = norm(f.sections[i].title).chars().collect();
        let l = lcs(&rest, &title) as f32;
        // Much longer text is a sentence, not a heading.
        if rest.len() > title.len() * 2 + 6 {
            0.0
        } else {
            l / title.len() as f32
        }
    };
    match index {
        Some(i) if score(i) >= 0.6 => Some(i),
        None => (0..6).find(|&i| score(i) >= 0.95 && rest.len() <= 24),
        _ => None,
    }
}

fn lcs(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for ca in a {
        let mut prev = 0;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb {
                prev + 1
            } else {
                row[j + 1].max(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{F2019, F2021};

    fn what(f: &FormatDef, s: &str) -> Option<(What, &'static str)> {
        Vocab::of(f).find(s).map(|m| (m.entries[0].what, m.label()))
    }

    #[test]
    fn normalising_drops_spaces_punctuation_and_widths() {
        assert_eq!(norm("三、本年 度办 理结 果"), "三本年度办理结果");
        assert_eq!(
            norm("(二) 部分公开(区分处理的，只计"),
            "二部分公开区分处理的只计"
        );
        assert_eq!(norm("１．属于国家秘密"), "1属于国家秘密");
        assert_eq!(norm("本年新\n制作数量"), "本年新制作数量");
    }

    #[test]
    fn real_reports_typos_and_older_wording_are_recognised() {
        for (text, label) in [
            ("信息内筒", "信息内容"),
            ("2. 其他法律法规 禁止公开", "2.其他法律行政法规禁止公开"),
            ("3. 危及“安全-稳定”", "3.危及“三安全一稳定”"),
            (
                "(二) 部分公开(区分处理的，只记这一情形，不计其他情形)",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            ),
            ("1. 信访举报报投诉类申请", "1.信访举报投诉类申请"),
            ("本年制作数量", "本年新制作数量"),
            ("对外公开数量", "对外公开总数量"),
            ("三、本年 度办 理结 果", "三、本年度办理结果"),
            ("结 果 维 持", "结果维持"),
        ] {
            assert_eq!(what(&F2019, text).map(|w| w.1), Some(label), "{text}");
        }
        assert_eq!(
            what(&F2021, "规范性文件").map(|w| w.1),
            Some("行政规范性文件")
        );
        assert_eq!(
            what(&F2021, "现行有效件").map(|w| w.1),
            Some("现行有效件数")
        );
    }

    #[test]
    fn unrelated_or_ambiguous_text_is_not_a_label() {
        for text in ["行政", "2020年，我社区严格按照", "0", "", "xyz"] {
            assert!(what(&F2021, text).is_none(), "{text}");
        }
        // Exactly one wording of several meanings: all are kept for the context to choose.
        let m = Vocab::of(&F2019).find("总计").unwrap();
        assert!(m.exact());
        let m = Vocab::of(&F2019).find("上一年项目数量").unwrap();
        assert!(m.entries.len() >= 3);
    }

    #[test]
    fn section_headings() {
        let h = |s| section_heading(&F2021, s);
        assert_eq!(h("一、总体情况"), Some(0));
        assert_eq!(h("二、 主动公开政府信息情况"), Some(1));
        assert_eq!(
            h("四、因政府信息公开工作被申请行政复议、提起行政诉讼的情况"),
            Some(3)
        );
        assert_eq!(h("五、政府信息公开工作存在的主要问题及改进情况"), Some(4));
        assert_eq!(h("、主动公开政府信息情况"), Some(1));
        assert_eq!(h("三、本年度办理结果"), None);
        assert_eq!(h("二、上年结转政府信息公开申请数量"), None);
        assert_eq!(h("四、结转下年度继续办理"), None);
        assert_eq!(h("一是进一步提高认识"), None);
    }
}
