//! W101: figures the narrative states, compared with the table cells they name.
//!
//! In: a report (the Markdown of sections 一–六 and its tables). Out: a warning at each figure
//! that disagrees with the cell its phrase names. Precision first (rules.md): a statement is
//! compared only when its clause names one cell without doubt; anything else is left alone.

use super::{Detail, Sink};
use crate::diagnostic::{Code, Pos};
use crate::format::{AppRowKind, TableId};
use crate::report::{Num, Report};

/// The cells a narrative phrase can name (rules.md, W101 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// 新收…申请: 三 一、 总计.
    New,
    /// 收到 / 受理…申请: 一、 总计, though many reports count 二、 in too (accepted either way).
    Received,
    /// 上年结转: 三 二、 总计.
    CarriedOver,
    /// 予以公开: （一）总计.
    Granted,
    /// 部分公开: （二）总计.
    Partial,
    /// 予以公开及部分公开: （一）+（二）总计.
    GrantedAndPartial,
    /// 不予公开: （三） group total.
    Withheld,
    /// 无法提供: （四） group total.
    Unavailable,
    /// 不予处理: （五） group total.
    NotProcessed,
    /// 其他处理: （六） (group total in 2021).
    OtherHandling,
    /// 办结 / 答复…申请: （七）总计.
    Closed,
    /// 结转下年度 / 顺延到下年度: 四、 总计.
    CarriedForward,
    /// 行政复议: 四 行政复议 总计.
    Reconsideration,
    /// 行政诉讼: both 行政诉讼 groups' 总计, summed.
    Litigation,
    /// 收取信息处理费 N 元: `processing_fees.amount`.
    FeeAmount,
}

impl Cell {
    fn is_appeal(self) -> bool {
        matches!(self, Cell::Reconsideration | Cell::Litigation)
    }

    fn is_application(self) -> bool {
        !self.is_appeal() && self != Cell::FeeAmount
    }
}

/// A figure the text states, with the cell its clause names.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub cell: Cell,
    /// In ten-thousandths for 元 (amounts keep up to 4 places), else a count.
    pub value: i64,
    /// 件, 起 or 元.
    pub unit: char,
    /// Place of the figure in the section text: char index, and its width in characters.
    pub at: usize,
    pub width: usize,
    /// The sentence, as quoted in the message.
    pub sentence: String,
}

/// Characters that end a clause (rules.md: 。；，、 or a bracket), plus sentence ends, line
/// ends and table cells; `\u{1}` marks text left out (comments, code).
fn is_clause_end(c: char) -> bool {
    // Most characters are ideographs, none of which ends a clause.
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return false;
    }
    matches!(
        c,
        '。' | '；'
            | '，'
            | '、'
            | '（'
            | '）'
            | '('
            | ')'
            | '【'
            | '】'
            | '['
            | ']'
            | '〔'
            | '〕'
            | '「'
            | '」'
            | '『'
            | '』'
            | '《'
            | '》'
            | '！'
            | '？'
            | '!'
            | '?'
            | ';'
            | ','
            | '|'
            | '\n'
            | '\u{1}'
    )
}

fn is_sentence_end(c: char) -> bool {
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return false;
    }
    matches!(c, '。' | '！' | '？' | '!' | '?' | '\n' | '\u{1}')
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// A number with its unit: where it starts, its value, how many characters it takes.
struct Figure {
    start: usize,
    /// End of the number (exclusive).
    end: usize,
    /// Where the unit stands (after any spaces).
    unit_at: usize,
    value: i64,
    unit: char,
}

/// Reads a figure written with Arabic numerals at `i` (a digit not preceded by another): digits,
/// thousands separators, decimals, optional spaces, then 件, 起 or 元.
fn figure_at(t: &[char], i: usize) -> Option<Figure> {
    if i > 0 {
        let p = t[i - 1];
        if digit(p).is_some() || p == '.' || p == '第' || p.is_ascii_alphabetic() {
            return None;
        }
    }
    let mut j = i;
    let mut int: i64 = 0;
    let mut frac: i64 = 0;
    let mut places = 0;
    while j < t.len() {
        if let Some(d) = digit(t[j]) {
            int = int.checked_mul(10)?.checked_add(i64::from(d))?;
            j += 1;
        } else if t[j] == ','
            && (1..=3).all(|k| t.get(j + k).and_then(|c| digit(*c)).is_some())
            && t.get(j + 4).and_then(|c| digit(*c)).is_none()
        {
            j += 1;
        } else {
            break;
        }
    }
    if t.get(j) == Some(&'.') && t.get(j + 1).and_then(|c| digit(*c)).is_some() {
        j += 1;
        while let Some(d) = t.get(j).and_then(|c| digit(*c)) {
            places += 1;
            if places > 4 {
                return None;
            }
            frac = frac * 10 + i64::from(d);
            j += 1;
        }
    }
    let end = j;
    while t.get(j) == Some(&' ') {
        j += 1;
    }
    let unit = *t.get(j)?;
    if !matches!(unit, '件' | '起' | '元') {
        return None;
    }
    // 件次 counts visits, not applications.
    if t.get(j + 1) == Some(&'次') {
        return None;
    }
    let value = if unit == '元' {
        int.checked_mul(Num::SCALE)?
            .checked_add(frac * 10i64.pow(4 - places))?
    } else if places > 0 {
        return None;
    } else {
        int
    };
    Some(Figure {
        start: i,
        end,
        unit_at: j,
        value,
        unit,
    })
}

/// Every figure with a unit in the text.
fn figures(t: &[char]) -> Vec<Figure> {
    (0..t.len())
        .filter(|&i| digit(t[i]).is_some())
        .filter_map(|i| figure_at(t, i))
        .collect()
}

/// The text with comments and code replaced by `\u{1}` (line ends kept, so places stay).
fn visible(markdown: &str) -> Vec<char> {
    let mut t: Vec<char> = markdown.chars().collect();
    let blank = |t: &mut [char], from: usize, to: usize| {
        for c in &mut t[from..to] {
            if *c != '\n' {
                *c = '\u{1}';
            }
        }
    };
    if markdown.contains("<!--") {
        let mut i = 0;
        while i + 4 <= t.len() {
            if t[i..i + 4] == ['<', '!', '-', '-'] {
                let end = (i + 4..t.len().saturating_sub(2))
                    .find(|&k| t[k..k + 3] == ['-', '-', '>'])
                    .map_or(t.len(), |k| k + 3);
                blank(&mut t, i, end);
                i = end;
            } else {
                i += 1;
            }
        }
    }
    if memchr::memchr2(b'`', b'~', markdown.as_bytes()).is_some() {
        // Fenced code blocks, and inline code, line by line.
        let mut fence = false;
        let mut start = 0;
        while start < t.len() {
            let end = (start..t.len()).find(|&k| t[k] == '\n').unwrap_or(t.len());
            let indent = (start..end).find(|&k| t[k] != ' ').unwrap_or(end);
            let opens = |c: char| indent + 3 <= end && t[indent..indent + 3] == [c; 3];
            let is_fence = opens('`') || opens('~');
            if fence || is_fence {
                blank(&mut t, start, end);
                if is_fence {
                    fence = !fence;
                }
            } else {
                let mut open: Option<usize> = None;
                for k in start..end {
                    if t[k] == '`' {
                        match open {
                            None => open = Some(k),
                            Some(o) => {
                                blank(&mut t, o, k + 1);
                                open = None;
                            }
                        }
                    }
                }
            }
            start = end + 1;
        }
    }
    t
}

/// What a keyword found in the text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// A phrase of the W101 table, naming a cell.
    Phrase(Cell),
    /// A change, an approximation, a share, a distribution, a negation, a total over years:
    /// the clause is in doubt whatever it names.
    Doubt,
    /// An applicant column, a numbered item, an appeal, another kind of business: not the
    /// total an application phrase names.
    NotApplication,
    /// An appeal result: a column, not the total.
    AppealColumn,
    /// An amount that is not the amount collected.
    NotCollected,
    /// Says nothing about which cell (for judging a clause bare).
    Filler,
    /// 申请 (the applicant, 申请人, excluded).
    Application,
    /// 申请 in any sense, for context.
    AnyApplication,
    /// 公开, for context.
    Public,
    /// 新收 or 结转: a sentence that splits 受理 itself.
    SplitsReceived,
    /// 收取.
    Collect,
}

const PHRASES: &[(&str, Cell)] = &[
    ("不予公开", Cell::Withheld),
    ("不予以公开", Cell::Withheld),
    ("予以公开", Cell::Granted),
    ("部分公开", Cell::Partial),
    ("无法提供", Cell::Unavailable),
    ("不予处理", Cell::NotProcessed),
    ("其他处理", Cell::OtherHandling),
    ("办结", Cell::Closed),
    ("答复", Cell::Closed),
    ("新收", Cell::New),
    ("收到", Cell::Received),
    ("受理", Cell::Received),
    ("上年结转", Cell::CarriedOver),
    ("上年度结转", Cell::CarriedOver),
    ("上一年度结转", Cell::CarriedOver),
    ("上一年结转", Cell::CarriedOver),
    ("结转", Cell::CarriedForward),
    ("顺延", Cell::CarriedForward),
    ("行政复议", Cell::Reconsideration),
    ("行政诉讼", Cell::Litigation),
    ("信息处理费", Cell::FeeAmount),
];

const DOUBT: &[&str] = &[
    "增加",
    "减少",
    "增长",
    "下降",
    "上升",
    "同比",
    "较上年",
    "比上年",
    "较去年",
    "比去年",
    "环比",
    "持平",
    "增幅",
    "降幅",
    "约",
    "近",
    "逾",
    "余",
    "左右",
    "以上",
    "以下",
    "超过",
    "不足",
    "不到",
    "大约",
    "各",
    "分别",
    "平均",
    "每",
    "未",
    "累计",
    "历年",
    "截至",
    "截止",
    "%",
    "％",
    "占",
    "比例",
    "率",
    "倍",
    "多件",
    "多起",
    "多元",
];

const NOT_APPLICATION: &[&str] = &[
    "自然人",
    "法人",
    "企业",
    "科研",
    "公益",
    "法律服务",
    "公民",
    "个人",
    "群众",
    "国家秘密",
    "禁止公开",
    "三安全一稳定",
    "第三方",
    "内部事务",
    "过程性",
    "执法案卷",
    "行政查询",
    "不掌握",
    "另行制作",
    "不明确",
    "信访",
    "举报",
    "投诉",
    "重复",
    "出版物",
    "大量反复",
    "重新出具",
    "补正",
    "缴纳",
    "缴费",
    "收费",
    "逾期",
    "建议",
    "提案",
    "来信",
    "留言",
    "咨询",
    "热线",
    "信箱",
    "许可",
    "审批",
    "登记",
    "处罚",
    "强制",
    "文件",
    "复议",
    "诉讼",
];

const APPEAL_COLUMNS: &[&str] = &[
    "维持",
    "纠正",
    "其他结果",
    "审结",
    "撤销",
    "驳回",
    "败诉",
    "胜诉",
    "复议后",
    "直接起诉",
];

const NOT_COLLECTED: &[&str] = &[
    "减免", "免收", "免除", "退还", "退回", "应收", "标准", "上限", "预收",
];

const FILLER: &[&str] = &[
    "本年度",
    "本年",
    "全年",
    "年内",
    "今年",
    "当年",
    "一共",
    "共计",
    "合计",
    "总计",
    "共",
    "已经",
    "已",
    "均",
    "依法",
    "全部",
    "其中",
    "的",
    "申请",
    "收取",
];

/// Every keyword, grouped by its first character for one lookup per character of the text.
struct Keywords {
    by_first: Vec<(char, Vec<Keyword>)>,
    /// For each character of the Basic Multilingual Plane, 1 + its group in `by_first`, or 0: one
    /// load per character of the text rather than a search.
    index: Vec<u16>,
}

/// A keyword's characters and what it tells.
type Keyword = (Vec<char>, Word);

fn keywords() -> &'static Keywords {
    static K: std::sync::OnceLock<Keywords> = std::sync::OnceLock::new();
    K.get_or_init(|| {
        let mut all: Vec<(&str, Word)> = PHRASES
            .iter()
            .map(|(p, c)| (*p, Word::Phrase(*c)))
            .collect();
        for (list, w) in [
            (DOUBT, Word::Doubt),
            (NOT_APPLICATION, Word::NotApplication),
            (APPEAL_COLUMNS, Word::AppealColumn),
            (NOT_COLLECTED, Word::NotCollected),
            (FILLER, Word::Filler),
        ] {
            all.extend(list.iter().map(|p| (*p, w)));
        }
        all.extend([
            ("申请", Word::Application),
            ("申请", Word::AnyApplication),
            ("公开", Word::Public),
            ("新收", Word::SplitsReceived),
            ("结转", Word::SplitsReceived),
            ("收取", Word::Collect),
        ]);
        let mut by_first: Vec<(char, Vec<Keyword>)> = Vec::new();
        for (p, w) in all {
            let chars: Vec<char> = p.chars().collect();
            match by_first.iter_mut().find(|(c, _)| *c == chars[0]) {
                Some((_, v)) => v.push((chars, w)),
                None => by_first.push((chars[0], vec![(chars, w)])),
            }
        }
        by_first.sort_by_key(|(c, _)| *c);
        let mut index = vec![0u16; 0x10000];
        for (i, (c, _)) in by_first.iter().enumerate() {
            if let Some(slot) = index.get_mut(*c as usize) {
                *slot = i as u16 + 1;
            }
        }
        Keywords { by_first, index }
    })
}

/// A keyword at `start..end` (char indexes).
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    word: Word,
}

/// Every keyword in the text, by start. The conditions that make a phrase read otherwise are
/// applied here: 不予公开 is no 予以公开, 新收费 no 新收, 新收到 one 新收, 不予受理 no 受理,
/// 答复期限 no 答复, 申请人 no application, and 结转 names 四 only before 下（一）年.
fn hits(t: &[char]) -> Vec<Hit> {
    let k = keywords();
    let mut out = Vec::new();
    for i in 0..t.len() {
        let group = k.index.get(t[i] as usize).copied().unwrap_or(0);
        if group == 0 {
            continue;
        }
        for (p, word) in &k.by_first[usize::from(group) - 1].1 {
            let end = i + p.len();
            if end > t.len() || !p.iter().zip(&t[i..end]).all(|(a, b)| a == b) {
                continue;
            }
            let before = |s: &str| {
                let n = s.chars().count();
                i >= n && t[i - n..i].iter().copied().eq(s.chars())
            };
            let next = t.get(end).copied();
            let keep = match word {
                Word::Phrase(Cell::Granted) => !before("不"),
                Word::Phrase(Cell::New) => next != Some('费'),
                Word::Phrase(Cell::Received) => !before("新") && !before("不予"),
                Word::Phrase(Cell::Closed) => next != Some('期'),
                Word::Phrase(Cell::CarriedForward) => {
                    let mut j = end;
                    if matches!(t.get(j), Some('至' | '到')) {
                        j += 1;
                    }
                    if t.get(j) == Some(&'下') {
                        j += 1;
                        if t.get(j) == Some(&'一') {
                            j += 1;
                        }
                        t.get(j) == Some(&'年')
                    } else {
                        false
                    }
                }
                Word::Application => next != Some('人'),
                _ => true,
            };
            if keep {
                out.push(Hit {
                    start: i,
                    end,
                    word: *word,
                });
            }
        }
    }
    out
}

/// The hits inside `from..to`.
fn hits_in(all: &[Hit], (from, to): (usize, usize)) -> impl Iterator<Item = &Hit> {
    let first = all.partition_point(|h| h.start < from);
    all[first..]
        .iter()
        .take_while(move |h| h.start < to)
        .filter(move |h| h.end <= to)
}

fn has(all: &[Hit], range: (usize, usize), word: Word) -> bool {
    hits_in(all, range).any(|h| h.word == word)
}

/// The phrases of a clause, a phrase inside a longer one of another cell left out (结转 of
/// 上年结转).
fn phrases(all: &[Hit], clause: (usize, usize)) -> Vec<Hit> {
    let found: Vec<Hit> = hits_in(all, clause)
        .filter(|h| matches!(h.word, Word::Phrase(_)))
        .copied()
        .collect();
    found
        .iter()
        .filter(|p| {
            !found.iter().any(|q| {
                q.word != p.word
                    && q.start <= p.start
                    && p.end <= q.end
                    && (q.end - q.start) > (p.end - p.start)
            })
        })
        .copied()
        .collect()
}

fn cell_of(h: &Hit) -> Option<Cell> {
    match h.word {
        Word::Phrase(c) => Some(c),
        _ => None,
    }
}

/// The one cell a clause's phrases name, if they name one without doubt, and its phrase.
fn one_cell(t: &[char], found: &[Hit]) -> Option<(Cell, Hit)> {
    let mut cells: Vec<Cell> = found.iter().filter_map(cell_of).collect();
    cells.dedup();
    match cells[..] {
        [cell] => Some((cell, found[0])),
        [Cell::Granted, Cell::Partial] => {
            // 予以公开及（和）部分公开 N 件: their sum.
            let between: String = t[found[0].end..found.last()?.start].iter().collect();
            matches!(between.as_str(), "及" | "和" | "以及" | "与" | "及其")
                .then_some((Cell::GrantedAndPartial, found[0]))
        }
        _ => None,
    }
}

/// Whether a clause holds nothing but the phrase, the figure and words that add nothing.
fn is_bare(t: &[char], all: &[Hit], clause: (usize, usize), keep: &[(usize, usize)]) -> bool {
    let mut covered = vec![false; clause.1 - clause.0];
    let mut cover = |(a, b): (usize, usize)| {
        for c in &mut covered[a.max(clause.0) - clause.0..b.min(clause.1) - clause.0] {
            *c = true;
        }
    };
    for r in keep {
        cover(*r);
    }
    for h in hits_in(all, clause).filter(|h| h.word == Word::Filler) {
        cover((h.start, h.end));
    }
    covered
        .iter()
        .zip(&t[clause.0..clause.1])
        .all(|(done, c)| *done || c.is_whitespace() || "*_~#>-+：:".contains(*c))
}

/// The span around `at` up to the characters `end` accepts (exclusive).
fn span(t: &[char], at: usize, end: impl Fn(char) -> bool) -> (usize, usize) {
    let from = (0..at).rev().find(|&k| end(t[k])).map_or(0, |k| k + 1);
    let to = (at..t.len()).find(|&k| end(t[k])).unwrap_or(t.len());
    (from, to)
}

/// Where clauses, sentences and paragraphs end in a text, found in one pass: the span around a
/// figure is then two binary searches, not a scan.
struct Bounds {
    len: usize,
    clauses: Vec<usize>,
    sentences: Vec<usize>,
    /// The first line end of each blank line pair.
    paragraphs: Vec<usize>,
}

impl Bounds {
    fn new(t: &[char]) -> Bounds {
        let mut b = Bounds {
            len: t.len(),
            clauses: Vec::new(),
            sentences: Vec::new(),
            paragraphs: Vec::new(),
        };
        for (k, c) in t.iter().enumerate() {
            if is_clause_end(*c) {
                b.clauses.push(k);
            }
            if is_sentence_end(*c) {
                b.sentences.push(k);
            }
            if *c == '\n' && t.get(k + 1) == Some(&'\n') {
                b.paragraphs.push(k);
            }
        }
        b
    }

    /// The span around `at` between two ends (exclusive).
    fn around(ends: &[usize], at: usize, len: usize) -> (usize, usize) {
        let i = ends.partition_point(|&e| e < at);
        let from = if i == 0 { 0 } else { ends[i - 1] + 1 };
        (from, ends.get(i).copied().unwrap_or(len))
    }

    fn clause(&self, at: usize) -> (usize, usize) {
        Self::around(&self.clauses, at, self.len)
    }

    fn sentence(&self, at: usize) -> (usize, usize) {
        Self::around(&self.sentences, at, self.len)
    }

    /// From the second line end of the blank pair before to the first of the pair after.
    fn paragraph(&self, at: usize) -> (usize, usize) {
        Self::around(&self.paragraphs, at, self.len)
    }
}

/// The sentence as quoted: trimmed, without emphasis marks, shortened around the clause.
fn quote(t: &[char], sentence: (usize, usize), clause: (usize, usize)) -> String {
    let end = if t.get(sentence.1) == Some(&'。') {
        sentence.1 + 1
    } else {
        sentence.1
    };
    let s: String = t[sentence.0..end].iter().collect();
    let s = s.replace("**", "").replace("__", "");
    let s = s.trim_start_matches(['-', '*', '+', '>', '#', ' ']).trim();
    if s.chars().count() <= 80 {
        return s.to_string();
    }
    let c: String = t[clause.0..clause.1].iter().collect();
    format!("…{}…", c.replace("**", "").trim())
}

/// A statement the caller keeps: the figure, the cell, its place and the sentence quoted.
struct Found {
    cell: Cell,
    value: i64,
    unit: char,
    /// Char index of the figure in the section text, and its width.
    at: usize,
    width: usize,
    /// Lines after the section text's first, and the column when not on that first line.
    line: u32,
    column: Option<u32>,
    sentence: String,
}

/// The statements of one section's Markdown: figures whose clause names one cell without doubt.
/// `numeral` is the section's (一 … 六): tables 三 and 四 give context of their own.
pub fn statements(markdown: &str, numeral: &str) -> Vec<Statement> {
    find(markdown, numeral, &|_, _| true)
        .into_iter()
        .map(|s| Statement {
            cell: s.cell,
            value: s.value,
            unit: s.unit,
            at: s.at,
            width: s.width,
            sentence: s.sentence,
        })
        .collect()
}

/// Whether some bytes may hold a figure with a unit: 件, 起 or 元 right after a digit (ASCII or
/// full-width), spaces between allowed. Found from the units, which are rare, with memchr.
fn may_hold_figure(b: &[u8]) -> bool {
    const UNITS: [&[u8]; 3] = [
        &[0xe4, 0xbb, 0xb6],
        &[0xe8, 0xb5, 0xb7],
        &[0xe5, 0x85, 0x83],
    ];
    UNITS.iter().any(|unit| {
        memchr::memmem::find_iter(b, unit).any(|at| {
            let before = &b[..at];
            let before = &before[..before.iter().rposition(|c| *c != b' ').map_or(0, |k| k + 1)];
            match before {
                [.., d] if d.is_ascii_digit() => true,
                [.., 0xef, 0xbc, d] => (0x90..=0x99).contains(d),
                _ => false,
            }
        })
    })
}

/// The statements of a section that `keep` keeps (given the cell and the figure's value): with
/// their places and quoted sentences, which only those kept pay for.
fn find(markdown: &str, numeral: &str, keep: &dyn Fn(Cell, i64) -> bool) -> Vec<Found> {
    let bytes = markdown.as_bytes();
    if !may_hold_figure(bytes) {
        return Vec::new();
    }
    // Paragraphs one by one (only those with a figure are read), unless comments or code could
    // span them: then the whole section at once.
    let whole = markdown.contains("<!--") || memchr::memchr2(b'`', b'~', bytes).is_some();
    let mut units: Vec<(usize, usize)> = Vec::new();
    if whole {
        units.push((0, markdown.len()));
    } else {
        let mut start = 0;
        for (i, _) in markdown.match_indices("\n\n") {
            units.push((start, i + 1));
            start = i + 1;
        }
        units.push((start, markdown.len()));
    }
    let mut out = Vec::new();
    for (from, to) in units {
        let unit = &markdown[from..to];
        if !may_hold_figure(unit.as_bytes()) {
            continue;
        }
        find_in(unit, numeral, keep, &mut |mut found: Found| {
            // From the unit to the section text.
            let before = &markdown[..from];
            let chars_before = before.bytes().filter(|b| (b & 0xc0) != 0x80).count();
            found.line += before.bytes().filter(|b| *b == b'\n').count() as u32;
            if found.column.is_none() && from > 0 {
                // The unit starts a line (after a blank one) unless it starts the section.
                found.column = Some(found.at as u32 + 1);
            }
            found.at += chars_before;
            out.push(found);
        });
    }
    out
}

/// [`find`] in one unit of text (a paragraph, or the whole section).
fn find_in(
    markdown: &str,
    numeral: &str,
    keep: &dyn Fn(Cell, i64) -> bool,
    out: &mut dyn FnMut(Found),
) {
    let t = visible(markdown);
    let figures = figures(&t);
    if figures.is_empty() {
        return;
    }
    let all = hits(&t);
    let bounds = Bounds::new(&t);
    for f in &figures {
        let mut clause = bounds.clause(f.start);
        // Two figures in one clause: 办结21件：予以公开8件 reads as two statements split at the
        // colon; otherwise the pairing is in doubt.
        let count = |c: (usize, usize)| {
            figures
                .iter()
                .filter(|g| g.start >= c.0 && g.end <= c.1)
                .count()
        };
        if count(clause) > 1 {
            clause = span(&t, f.start, |c| is_clause_end(c) || c == '：' || c == ':');
            if count(clause) > 1 {
                continue;
            }
        }
        let Some((cell, sentence)) = judge(&t, &all, &bounds, &figures, f, clause, numeral) else {
            continue;
        };
        if !keep(cell, f.value) {
            continue;
        }
        let before = &t[..f.start];
        let line = before.iter().filter(|c| **c == '\n').count() as u32;
        let column = before
            .iter()
            .rposition(|c| *c == '\n')
            .map(|k| (f.start - k) as u32);
        out(Found {
            cell,
            value: f.value,
            unit: f.unit,
            at: f.start,
            width: f.end - f.start,
            line,
            column,
            sentence: quote(&t, sentence, clause),
        });
    }
}

/// The cell a figure's clause names without doubt, and the figure's sentence.
fn judge(
    t: &[char],
    all: &[Hit],
    bounds: &Bounds,
    figures: &[Figure],
    f: &Figure,
    clause: (usize, usize),
    numeral: &str,
) -> Option<(Cell, (usize, usize))> {
    let sentence = bounds.sentence(f.start);
    let figure = (f.start, f.unit_at + 1);
    let found = phrases(all, clause);
    // 收取 N 元 alone, in a sentence about 信息处理费.
    if found.is_empty() {
        let collect = hits_in(all, clause).find(|h| h.word == Word::Collect)?;
        let fee = hits_in(all, sentence).any(|h| h.word == Word::Phrase(Cell::FeeAmount));
        let ok = f.unit == '元'
            && fee
            && !has(all, clause, Word::Doubt)
            && !has(all, clause, Word::NotCollected)
            && is_bare(t, all, clause, &[figure, (collect.start, collect.end)]);
        return ok.then_some((Cell::FeeAmount, sentence));
    }
    let (cell, phrase) = one_cell(t, &found)?;
    // The unit fits the cell.
    match (cell, f.unit) {
        (Cell::FeeAmount, '元') => {}
        (Cell::Reconsideration | Cell::Litigation, '件' | '起') => {}
        (_, '件') if cell != Cell::FeeAmount => {}
        _ => return None,
    }
    if has(all, clause, Word::Doubt) {
        return None;
    }
    // A coordination (行政复议、行政诉讼案件3件; 予以公开、部分公开共8件) is a clause ending in a
    // phrase, 、, and one starting with another: the figure is a sum of several cells.
    let leads = t[clause.0..phrase.start]
        .iter()
        .all(|c| c.is_whitespace() || "*_".contains(*c));
    if clause.0 > 1 && t[clause.0 - 1] == '、' && leads {
        let prev = bounds.clause(clause.0 - 2);
        let ends_in_phrase = phrases(all, prev).iter().any(|p| p.end == prev.1);
        let has_figure = figures
            .iter()
            .any(|g| g.start >= prev.0 && g.start < prev.1);
        if ends_in_phrase && !has_figure {
            return None;
        }
    }
    let bare = || is_bare(t, all, clause, &[figure, (phrase.start, phrase.end)]);
    if cell.is_application() {
        if has(all, clause, Word::NotApplication) {
            return None;
        }
        let para = bounds.paragraph(f.start);
        if numeral != "三" && !has(all, para, Word::AnyApplication) {
            return None;
        }
        if matches!(cell, Cell::New | Cell::Received | Cell::Closed) {
            let applies = hits_in(all, (phrase.end, clause.1)).any(|h| h.word == Word::Application);
            if !(applies || bare()) {
                return None;
            }
            if cell != Cell::Closed && numeral != "三" && !has(all, para, Word::Public) {
                return None;
            }
            // 受理 20 件，其中新收 18 件、上年结转 2 件: the sentence splits it itself.
            if cell == Cell::Received && has(all, sentence, Word::SplitsReceived) {
                return None;
            }
        }
    } else if cell.is_appeal() {
        if has(all, clause, Word::AppealColumn) {
            return None;
        }
        if numeral != "四" && !has(all, sentence, Word::Public) {
            return None;
        }
    } else if has(all, clause, Word::NotCollected) {
        return None;
    }
    Some((cell, sentence))
}

/// What a cell holds in the report's tables, with its words for the message: the table, the
/// cell described, and the row label for the `row` field (only with `words`, which a comparison
/// does not need). `None` where a row is missing.
fn table_value(r: &Report, cell: Cell, words: bool) -> Option<(i64, String, String)> {
    let f = r.format;
    let apps = &f.applications;
    let total = apps.total_label;
    let row = |path: &str| -> Option<(i64, &'static str)> {
        let def = f.app_row(path)?;
        let v = match def.kind {
            AppRowKind::Group => f
                .app_children(path)
                .filter(|c| c.kind == AppRowKind::Data)
                .map(|c| r.application_row(c.path).map(|v| v[6]))
                .sum::<Option<u64>>()?,
            _ => r.application_row(path)?[6],
        };
        Some((i64::try_from(v).ok()?, def.label))
    };
    let by_role = |role| {
        let def = apps.rows.iter().find(|x| x.role == role)?;
        row(def.path)
    };
    let one = |(v, label): (i64, &str)| {
        if !words {
            return (v, String::new(), String::new());
        }
        let group = f
            .app_row(
                apps.rows
                    .iter()
                    .find(|x| x.label == label)
                    .map_or("", |x| x.path),
            )
            .is_some_and(|d| d.kind == AppRowKind::Group);
        let what = if group {
            format!("“{label}”各项“{total}”之和")
        } else {
            format!("“{label}”的“{total}”")
        };
        (v, what, label.to_string())
    };
    let appeal = |key: &str| -> Option<(i64, String)> {
        let g = f.appeals.groups.iter().find(|g| g.key == key)?;
        let v = r.appeals.get(key)?.with_total()[4];
        let label = if words { g.label() } else { String::new() };
        Some((i64::try_from(v).ok()?, label))
    };
    match cell {
        Cell::New | Cell::Received => by_role(crate::format::AppRole::New).map(one),
        Cell::CarriedOver => by_role(crate::format::AppRole::CarriedOver).map(one),
        Cell::CarriedForward => by_role(crate::format::AppRole::CarriedForward).map(one),
        Cell::Granted => row("results.granted").map(one),
        Cell::Partial => row("results.partial").map(one),
        Cell::GrantedAndPartial => {
            let (a, la) = row("results.granted")?;
            let (b, lb) = row("results.partial")?;
            if !words {
                return Some((a + b, String::new(), String::new()));
            }
            Some((
                a + b,
                format!("“{la}”与“{lb}”的“{total}”之和"),
                format!("{la} + {lb}"),
            ))
        }
        Cell::Withheld => row("results.withheld").map(one),
        Cell::Unavailable => row("results.unavailable").map(one),
        Cell::NotProcessed => row("results.not_processed").map(one),
        Cell::OtherHandling => row("results.other").map(one),
        Cell::Closed => row("results.total").map(one),
        Cell::Reconsideration => {
            let (v, label) = appeal(f.appeals.groups.first()?.key)?;
            if !words {
                return Some((v, String::new(), String::new()));
            }
            let what = format!("“{label}”的“{}”", f.appeals.total_label);
            Some((v, what, label))
        }
        Cell::Litigation => {
            let parts: Vec<(i64, String)> = f
                .appeals
                .groups
                .iter()
                .skip(1)
                .map(|g| appeal(g.key))
                .collect::<Option<_>>()?;
            if !words {
                return Some((
                    parts.iter().map(|(v, _)| v).sum(),
                    String::new(),
                    String::new(),
                ));
            }
            let labels: Vec<String> = parts.iter().map(|(_, l)| format!("“{l}”")).collect();
            Some((
                parts.iter().map(|(v, _)| v).sum(),
                format!("{}的“{}”之和", labels.join("与"), f.appeals.total_label),
                parts
                    .iter()
                    .map(|(_, l)| l.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
            ))
        }
        Cell::FeeAmount => {
            let def = f.processing_fees.as_ref()?;
            let amount = match r.processing_fees?.amount {
                Num::Int(i) => i.checked_mul(Num::SCALE)?,
                Num::Dec(d) => d,
            };
            if !words {
                return Some((amount, String::new(), String::new()));
            }
            Some((
                amount,
                format!("{}的“{}”", def.label, def.amount_label),
                def.label.to_string(),
            ))
        }
    }
}

/// Which table a cell belongs to, for the message.
fn table_heading(r: &Report, cell: Cell) -> String {
    let f = r.format;
    match cell {
        Cell::FeeAmount => f.sections[5].heading(),
        c if c.is_appeal() => f.table_section(TableId::Appeals).heading(),
        _ => f.table_section(TableId::Applications).heading(),
    }
}

fn show(value: i64, unit: char) -> Num {
    if unit == '元' {
        Num::Dec(value)
    } else {
        Num::Int(value)
    }
}

/// W101 on one report.
pub fn check(r: &Report, sink: &mut Sink) {
    let carried_over = r
        .row_by_role(crate::format::AppRole::CarriedOver)
        .map_or(0, |c| c[6] as i64);
    let cell_value = |cell| table_value(r, cell, false).map(|(v, _, _)| v);
    for s in &r.body.sections {
        let disagrees = |cell: Cell, value: i64| {
            cell_value(cell).is_some_and(|t| {
                // 受理 may count 上年结转 in too.
                !(value == t || (cell == Cell::Received && value == t + carried_over))
            })
        };
        for st in find(&s.markdown, s.numeral, &disagrees) {
            let Some((table, what, row)) = table_value(r, st.cell, true) else {
                continue;
            };
            let column = st.column.unwrap_or(s.text_column + st.at as u32);
            let pos = Pos::new(s.text_line + st.line, column, st.width as u32);
            let (found, expected) = (show(st.value, st.unit), show(table, st.unit));
            let unit = if st.unit == '元' { '元' } else { '件' };
            sink.add(
                Code::W101,
                pos,
                format!(
                    "正文“{}”中的 {found} {}与表格不一致：{}中{what}为 {expected}",
                    st.sentence,
                    st.unit,
                    table_heading(r, st.cell),
                ),
            )
            .row(row)
            .col(if st.cell == Cell::FeeAmount {
                r.format
                    .processing_fees
                    .as_ref()
                    .map_or("", |d| d.amount_label)
            } else if st.cell.is_appeal() {
                r.format.appeals.total_label
            } else {
                r.format.applications.total_label
            })
            .expected(expected.to_json())
            .found(found.to_json())
            .label(format!("表格为 {expected} {unit}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = include_str!("../../tests/fixtures/valid/content/demo-ju/2021.md");

    /// W101 on the 2021 fixture (新收 10, 上年结转 2, （一）5, （二）1, （三）1, （四）3, （五）1,
    /// （六）0, （七）11, 结转 1, 复议 1, 诉讼 0, 信息处理费 25.5 元) with `text` as section
    /// 一 (or `numeral`): (found, expected, line, column) of each warning.
    fn w101_in(numeral: &str, text: &str) -> Vec<(String, String, u32, u32)> {
        let heading = match numeral {
            "三" => "## 三、收到和处理政府信息公开申请情况\n\n",
            "四" => "## 四、政府信息公开行政复议、行政诉讼情况\n\n",
            _ => "",
        };
        let body = format!(
            "## 一、总体情况\n\n{}\n\n{heading}{}\n\n## 五、存在的主要问题及改进情况",
            if numeral == "一" { text } else { "无。" },
            if numeral == "一" { "" } else { text },
        );
        let doc = BASE.replacen(
            "## 一、总体情况\n\n2021年，示例县测试局全年主动公开信息150条，新收政府信息公开申请10件。\n\n## 五、存在的主要问题及改进情况",
            &body,
            1,
        );
        assert_ne!(doc, BASE);
        let ctx = crate::validate::FileContext {
            file: "content/demo-ju/2021.md",
            slug: "demo-ju",
            this_year: 2026,
        };
        let (_, diags) = crate::validate::check_report(&ctx, &doc);
        diags
            .iter()
            .filter(|d| d.code == Code::W101)
            .map(|d| {
                let v = |x: &Option<serde_json::Value>| {
                    x.as_ref().map_or(String::new(), |v| v.to_string())
                };
                (v(&d.found), v(&d.expected), d.line, d.column)
            })
            .collect()
    }

    fn w101(text: &str) -> Vec<(String, String)> {
        w101_in("一", text)
            .into_iter()
            .map(|(f, e, _, _)| (f, e))
            .collect()
    }

    fn one(found: &str, expected: &str) -> Vec<(String, String)> {
        vec![(found.to_string(), expected.to_string())]
    }

    /// A paragraph about applications, as the figures of table 三 stand in.
    fn apps(s: &str) -> String {
        format!("（二）依申请公开。{s}")
    }

    #[test]
    fn every_phrasing_of_the_table_is_compared() {
        let cases: &[(&str, &str, &str)] = &[
            ("全年新收政府信息公开申请12件。", "12", "10"),
            ("本年度共收到政府信息公开申请13件。", "13", "10"),
            ("全年受理政府信息公开申请9件。", "9", "10"),
            ("另有上年结转申请3件。", "3", "2"),
            ("上年度结转的申请3件。", "3", "2"),
            ("其中予以公开6件。", "6", "5"),
            ("部分公开2件。", "2", "1"),
            ("予以公开及部分公开7件。", "7", "6"),
            ("予以公开和部分公开5件。", "5", "6"),
            ("不予公开2件。", "2", "1"),
            ("无法提供4件。", "4", "3"),
            ("不予处理2件。", "2", "1"),
            ("其他处理1件。", "1", "0"),
            ("本年度办结12件。", "12", "11"),
            ("答复政府信息公开申请12件。", "12", "11"),
            ("结转下年度继续办理2件。", "2", "1"),
            ("顺延到下年度办理2件。", "2", "1"),
            ("全年因政府信息公开被申请行政复议2件。", "2", "1"),
            ("全年因政府信息公开被申请行政复议2起。", "2", "1"),
            ("因政府信息公开被提起行政诉讼1件。", "1", "0"),
            ("本年度发出收费通知1件，收取信息处理费30元。", "30", "25.5"),
            ("信息处理费共收取 30.5 元。", "30.5", "25.5"),
            (
                "本年度发出收费通知1件，按标准向申请人收取信息处理费，共收取30元。",
                "30",
                "25.5",
            ),
        ];
        let mut failures = Vec::new();
        for (text, found, expected) in cases {
            let got = w101(&apps(text));
            if got != one(found, expected) {
                failures.push(format!("{text}: {got:?}"));
            }
            // The same sentence with the table's figure raises nothing.
            let right = text.replacen(found, expected, 1);
            let got = w101(&apps(&right));
            if !got.is_empty() {
                failures.push(format!("{right}: {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn the_figure_may_stand_before_the_phrase() {
        assert_eq!(
            w101(&apps("尚在法定答复期限内的2件申请结转下年度继续办理。")),
            one("2", "1")
        );
        assert_eq!(w101(&apps("2件申请予以公开。")), one("2", "5"));
        assert!(w101(&apps(
            "因临近年底收到、尚在法定答复期限内的1件申请结转下年度继续办理。"
        ))
        .is_empty());
    }

    #[test]
    fn a_clause_boundary_stops_the_match() {
        for text in [
            "新收政府信息公开申请，共12件。",
            "新收政府信息公开申请（12件）。",
            "予以公开；另有9件正在办理。",
            "新收政府信息公开申请10件、受理咨询12件。",
            "上年结转申请【3件】。",
        ] {
            assert!(w101(&apps(text)).is_empty(), "{text}");
        }
        // 办结 and 予以公开 in one clause, told apart at the colon.
        assert_eq!(w101(&apps("办结12件：予以公开5件。")), one("12", "11"));
    }

    #[test]
    fn sentences_about_something_else_with_the_same_words_are_left_alone() {
        for text in [
            "全年受理行政许可申请487件。",
            "本年度办结县人大代表建议9件。",
            "全年办理行政复议案件35件。",
            "予以公开的规范性文件15件。",
            "新收政府信息公开申请较上年增加3件。",
            "新收申请中自然人提出3件。",
            "属于国家秘密不予公开2件。",
            "全年发生政府信息公开行政复议、行政诉讼案件3件。",
            "予以公开、部分公开共9件。",
            "新收政府信息公开申请约20件。",
            "尚有2件未办结。",
            "行政复议和行政诉讼各2件。",
            "因政府信息公开被申请行政复议并结果维持2件。",
            "本年度共受理政府信息公开申请12件，其中新收申请10件。",
            "全年共受理政府信息公开申请12件。",
            "减免信息处理费200元。",
            "收取行政事业性收费301.2万元。",
            "另有2件尚在法定答复期限内。",
            "主动公开信息150条，办理群众咨询12件。",
            "<!-- 新收政府信息公开申请12件 -->",
            "`新收政府信息公开申请12件`",
        ] {
            assert!(
                w101(&apps(text)).is_empty(),
                "{text}: {:?}",
                w101(&apps(text))
            );
        }
        // Applications in a paragraph that says nothing of them: 受理 may be anything.
        assert!(w101("全年受理申请9件。").is_empty());
        // Appeals in a sentence that does not say 公开, outside section 四.
        assert!(w101("全年办理行政复议2件。").is_empty());
        assert_eq!(w101_in("四", "行政复议2件。").len(), 1);
        assert_eq!(w101_in("三", "新收申请12件。").len(), 1);
    }

    #[test]
    fn the_warning_points_at_the_figure_and_quotes_the_sentence() {
        let got = w101_in(
            "一",
            "（二）依申请公开。\n本年度**办结１２件**，其中予以公开5件。",
        );
        // Section 一's text starts two lines below its heading (line 53 of the file).
        let heading = BASE.lines().position(|l| l.starts_with("## 一")).unwrap() as u32 + 1;
        assert_eq!(got, [("12".into(), "11".into(), heading + 3, 8)]);
        // In a later paragraph, read alone or with the whole section (a comment spans).
        for first in ["第一段。", "第一段<!-- 注 -->。"] {
            let got = w101_in(
                "一",
                &format!("{first}\n\n\n（二）依申请公开。新收政府信息公开申请12件。"),
            );
            assert_eq!(
                got,
                [("12".into(), "10".into(), heading + 5, 20)],
                "{first}"
            );
        }
        let doc = BASE.replacen("新收政府信息公开申请10件", "新收政府信息公开申请11件", 1);
        let ctx = crate::validate::FileContext {
            file: "content/demo-ju/2021.md",
            slug: "demo-ju",
            this_year: 2026,
        };
        let (_, diags) = crate::validate::check_report(&ctx, &doc);
        let d = diags.iter().find(|d| d.code == Code::W101).unwrap();
        assert!(
            d.message
                .contains("2021年，示例县测试局全年主动公开信息150条，新收政府信息公开申请11件。")
                && d.message.contains("一、本年新收政府信息公开申请数量")
                && d.message.contains("三、收到和处理政府信息公开申请情况"),
            "{}",
            d.message
        );
        assert_eq!(d.row.as_deref(), Some("一、本年新收政府信息公开申请数量"));
        assert_eq!(d.column_label.as_deref(), Some("总计"));
        assert_eq!((d.line, d.column, d.width), (heading + 2, 36, 2));
    }

    /// The sample site states its figures as real reports do; none disagrees with its tables
    /// but the one its draft shows on purpose (13 closed where table 三 says 12).
    #[test]
    fn the_sample_site_narratives_agree_with_their_tables() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut compared = 0;
        let mut disagreeing = Vec::new();
        for dir in std::fs::read_dir(&root).unwrap() {
            let dir = dir.unwrap().path();
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().path();
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                if name.starts_with('_') || !name.ends_with(".md") {
                    continue;
                }
                let slug = dir.file_name().unwrap().to_string_lossy().into_owned();
                let file = format!("content/{slug}/{name}");
                let ctx = crate::validate::FileContext {
                    file: &file,
                    slug: &slug,
                    this_year: 2026,
                };
                let (r, d) =
                    crate::validate::check_report(&ctx, &std::fs::read_to_string(&f).unwrap());
                for s in &r.unwrap().body.sections {
                    compared += statements(&s.markdown, s.numeral).len();
                }
                disagreeing.extend(
                    d.iter()
                        .filter(|d| d.code == Code::W101)
                        .map(|d| (file.clone(), d.expected.clone(), d.found.clone())),
                );
            }
        }
        assert_eq!(
            disagreeing,
            [(
                "content/shilixian-jiaoyuju/2024.md".to_string(),
                Some(serde_json::json!(12)),
                Some(serde_json::json!(13))
            )]
        );
        assert!(compared > 300, "only {compared} statements compared");
    }
}
