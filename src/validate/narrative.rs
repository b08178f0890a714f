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
    // HTML comments.
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
    // Fenced code blocks and inline code, line by line.
    let mut fence = false;
    let mut start = 0;
    while start < t.len() {
        let end = (start..t.len()).find(|&k| t[k] == '\n').unwrap_or(t.len());
        let line: String = t[start..end].iter().collect();
        let trimmed = line.trim_start_matches(' ');
        let is_fence = trimmed.starts_with("```") || trimmed.starts_with("~~~");
        if fence || is_fence {
            blank(&mut t, start, end);
            if is_fence {
                fence = !fence;
            }
        } else if line.contains('`') {
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
    t
}

/// Words that make a clause doubtful whatever it names: changes, approximations, shares,
/// distributions, negations, totals over years.
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

/// Words that name something other than the cell of an application phrase: applicant columns,
/// the numbered items of a group, appeal results, other kinds of business.
const NOT_APPLICATION_TOTAL: &[&str] = &[
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

/// Appeal results: a clause naming one is about a column, not the total.
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

/// Amounts that are not the amount collected.
const NOT_COLLECTED: &[&str] = &[
    "减免", "免收", "免除", "退还", "退回", "应收", "标准", "上限", "预收",
];

/// Words that say nothing about which cell: removed before judging a clause bare.
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

/// A phrase found in a clause: the cell it names and where it ends (byte offset in the clause).
struct Phrase {
    cell: Cell,
    start: usize,
    end: usize,
}

/// Every occurrence of `pat` in `s`, as byte ranges.
fn find_all<'a>(s: &'a str, pat: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    s.match_indices(pat).map(move |(i, m)| (i, i + m.len()))
}

/// The phrases of the W101 table in a clause. Overlapping ones are resolved as the words read:
/// 不予公开 is no 予以公开, 新收到 is one 新收, 上年结转 is no 结转下年度.
fn phrases(c: &str) -> Vec<Phrase> {
    let mut out: Vec<Phrase> = Vec::new();
    let mut add = |cell, (start, end): (usize, usize)| out.push(Phrase { cell, start, end });
    for pat in ["不予公开", "不予以公开"] {
        find_all(c, pat).for_each(|r| add(Cell::Withheld, r));
    }
    for r in find_all(c, "予以公开") {
        if !c[..r.0].ends_with('不') {
            add(Cell::Granted, r);
        }
    }
    find_all(c, "部分公开").for_each(|r| add(Cell::Partial, r));
    find_all(c, "无法提供").for_each(|r| add(Cell::Unavailable, r));
    find_all(c, "不予处理").for_each(|r| add(Cell::NotProcessed, r));
    find_all(c, "其他处理").for_each(|r| add(Cell::OtherHandling, r));
    for pat in ["办结", "答复"] {
        for r in find_all(c, pat) {
            // 答复期限: a time limit, no act.
            if !c[r.1..].starts_with('期') {
                add(Cell::Closed, r);
            }
        }
    }
    for r in find_all(c, "新收") {
        if !c[r.1..].starts_with('费') {
            add(Cell::New, r);
        }
    }
    for pat in ["收到", "受理"] {
        for r in find_all(c, pat) {
            if !(c[..r.0].ends_with('新') || c[..r.0].ends_with("不予")) {
                add(Cell::Received, r);
            }
        }
    }
    for pat in ["上年结转", "上年度结转", "上一年度结转", "上一年结转"] {
        find_all(c, pat).for_each(|r| add(Cell::CarriedOver, r));
    }
    for pat in ["结转", "顺延"] {
        for (s, e) in find_all(c, pat) {
            let rest = &c[e..];
            let rest = rest
                .strip_prefix('至')
                .or_else(|| rest.strip_prefix('到'))
                .unwrap_or(rest);
            let Some(rest) = rest.strip_prefix('下') else {
                continue;
            };
            let rest = rest.strip_prefix('一').unwrap_or(rest);
            if rest.starts_with('年') {
                add(Cell::CarriedForward, (s, e));
            }
        }
    }
    find_all(c, "行政复议").for_each(|r| add(Cell::Reconsideration, r));
    find_all(c, "行政诉讼").for_each(|r| add(Cell::Litigation, r));
    find_all(c, "信息处理费").for_each(|r| add(Cell::FeeAmount, r));
    // Phrases inside a longer one (予以公开 in 不予以公开 is excluded above; 结转 of 上年结转).
    let spans: Vec<(usize, usize, Cell)> = out.iter().map(|p| (p.start, p.end, p.cell)).collect();
    out.retain(|p| {
        !spans.iter().any(|&(s, e, cell)| {
            cell != p.cell && s <= p.start && p.end <= e && (e - s) > (p.end - p.start)
        })
    });
    out.sort_by_key(|p| p.start);
    out
}

/// The one cell a clause's phrases name, if they name one without doubt.
fn one_cell(c: &str, found: &[Phrase]) -> Option<(Cell, usize)> {
    let mut cells: Vec<Cell> = found.iter().map(|p| p.cell).collect();
    cells.dedup();
    match cells[..] {
        [cell] => Some((cell, found[0].start)),
        [Cell::Granted, Cell::Partial] => {
            // 予以公开及（和）部分公开 N 件: their sum.
            let between = &c[found[0].end..found.last()?.start];
            matches!(between, "及" | "和" | "以及" | "与" | "及其")
                .then_some((Cell::GrantedAndPartial, found[0].start))
        }
        _ => None,
    }
}

/// Whether a clause holds nothing but the phrase, the figure and words that add nothing.
fn is_bare(clause: &str, phrase: &str, figure: &str) -> bool {
    let mut rest = clause.replacen(figure, "", 1).replacen(phrase, "", 1);
    for w in FILLER {
        rest = rest.replace(w, "");
    }
    rest.chars()
        .all(|c| c.is_whitespace() || "*_~#>-+：:".contains(c))
}

/// 申请 written after the verb at `from` (not 申请人, the applicant).
fn application_after(clause: &str, from: usize) -> bool {
    clause[from..]
        .match_indices("申请")
        .any(|(i, _)| !clause[from + i + "申请".len()..].starts_with('人'))
}

/// The span around `at` up to the characters `end` accepts (exclusive).
fn span(t: &[char], at: usize, end: impl Fn(char) -> bool) -> (usize, usize) {
    let from = (0..at).rev().find(|&k| end(t[k])).map_or(0, |k| k + 1);
    let to = (at..t.len()).find(|&k| end(t[k])).unwrap_or(t.len());
    (from, to)
}

/// The paragraph around `at`: up to blank lines.
fn paragraph(t: &[char], at: usize) -> String {
    let blank_before = |k: usize| t[k] == '\n' && (k == 0 || t[k - 1] == '\n');
    let from = (0..at).rev().find(|&k| blank_before(k)).unwrap_or(0);
    let to = (at..t.len())
        .find(|&k| t[k] == '\n' && t.get(k + 1) == Some(&'\n'))
        .unwrap_or(t.len());
    t[from..to].iter().collect()
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

/// The statements of one section's Markdown: figures whose clause names one cell without doubt.
/// `numeral` is the section's (一 … 六): tables 三 and 四 give context of their own.
pub fn statements(markdown: &str, numeral: &str) -> Vec<Statement> {
    if !markdown.bytes().any(|b| b.is_ascii_digit() || b == 0xbc) {
        return Vec::new();
    }
    let t = visible(markdown);
    let all = figures(&t);
    let mut out = Vec::new();
    for f in &all {
        let mut clause = span(&t, f.start, is_clause_end);
        // Two figures in one clause: 办结21件：予以公开8件 reads as two statements split at the
        // colon; otherwise the pairing is in doubt.
        let others = |c: (usize, usize)| {
            all.iter()
                .filter(|g| g.start >= c.0 && g.end <= c.1)
                .count()
        };
        if others(clause) > 1 {
            clause = span(&t, f.start, |c| is_clause_end(c) || c == '：' || c == ':');
            if others(clause) > 1 {
                continue;
            }
        }
        if let Some(s) = statement(&t, f, clause, numeral) {
            out.push(s);
        }
    }
    out
}

fn statement(t: &[char], f: &Figure, clause: (usize, usize), numeral: &str) -> Option<Statement> {
    let c: String = t[clause.0..clause.1].iter().collect();
    let sentence = span(t, f.start, is_sentence_end);
    let sentence_text: String = t[sentence.0..sentence.1].iter().collect();
    let figure_text: String = t[f.start..=f.unit_at].iter().collect();
    let found = phrases(&c);
    // 收取 N 元 alone, in a sentence about 信息处理费.
    if found.is_empty()
        && f.unit == '元'
        && sentence_text.contains("信息处理费")
        && c.contains("收取")
        && is_bare(&c, "收取", &figure_text)
    {
        return Some(Statement {
            cell: Cell::FeeAmount,
            value: f.value,
            unit: f.unit,
            at: f.start,
            width: f.end - f.start,
            sentence: quote(t, sentence, clause),
        });
    }
    let (cell, phrase_at) = one_cell(&c, &found)?;
    let phrase = &c[phrase_at..found.iter().find(|p| p.start == phrase_at)?.end];
    // The unit fits the cell.
    match (cell, f.unit) {
        (Cell::FeeAmount, '元') => {}
        (Cell::Reconsideration | Cell::Litigation, '件' | '起') => {}
        (_, '件') if cell != Cell::FeeAmount => {}
        _ => return None,
    }
    if DOUBT.iter().any(|w| c.contains(w)) {
        return None;
    }
    // A coordination (行政复议、行政诉讼案件3件; 予以公开、部分公开共8件): the figure is a sum of
    // several cells.
    // A coordination is a clause ending in a phrase, 、, and one starting with another.
    let leads = |p: &Phrase| {
        c[..p.start]
            .chars()
            .all(|x| x.is_whitespace() || "*_".contains(x))
    };
    if clause.0 > 1 && t[clause.0 - 1] == '、' && found.first().is_some_and(leads) {
        let prev = span(t, clause.0 - 2, is_clause_end);
        let p: String = t[prev.0..prev.1].iter().collect();
        if phrases(&p).last().is_some_and(|x| x.end == p.len())
            && figures(&t[prev.0..prev.1]).is_empty()
        {
            return None;
        }
    }
    let bare = is_bare(&c, phrase, &figure_text);
    if cell.is_application() {
        if NOT_APPLICATION_TOTAL.iter().any(|w| c.contains(w)) {
            return None;
        }
        if numeral != "三" && !paragraph(t, f.start).contains("申请") {
            return None;
        }
        let after = phrase_at + phrase.len();
        match cell {
            Cell::New | Cell::Received | Cell::Closed => {
                if !(application_after(&c, after) || bare) {
                    return None;
                }
                if cell != Cell::Closed
                    && numeral != "三"
                    && !paragraph(t, f.start).contains("公开")
                {
                    return None;
                }
                // 受理 20 件，其中新收 18 件、上年结转 2 件: the sentence splits it itself.
                if cell == Cell::Received
                    && (sentence_text.contains("新收") || sentence_text.contains("结转"))
                {
                    return None;
                }
            }
            _ => {}
        }
    } else if cell.is_appeal() {
        if APPEAL_COLUMNS.iter().any(|w| c.contains(w)) {
            return None;
        }
        if numeral != "四" && !sentence_text.contains("公开") {
            return None;
        }
    } else if NOT_COLLECTED.iter().any(|w| c.contains(w)) {
        return None;
    }
    Some(Statement {
        cell,
        value: f.value,
        unit: f.unit,
        at: f.start,
        width: f.end - f.start,
        sentence: quote(t, sentence, clause),
    })
}

/// What a cell holds in the report's tables, with its words for the message: the table, the
/// cell described, and the row label for the `row` field. `None` where a row is missing.
fn table_value(r: &Report, cell: Cell) -> Option<(i64, String, String)> {
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
        Some((i64::try_from(v).ok()?, g.label()))
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
    for s in &r.body.sections {
        let found = statements(&s.markdown, s.numeral);
        if found.is_empty() {
            continue;
        }
        // Char index → file line and column.
        let chars: Vec<char> = s.markdown.chars().collect();
        for st in found {
            let Some((table, what, row)) = table_value(r, st.cell) else {
                continue;
            };
            let agrees = st.value == table
                || (st.cell == Cell::Received
                    && r.row_by_role(crate::format::AppRole::CarriedOver)
                        .is_some_and(|c| st.value == table + c[6] as i64));
            if agrees {
                continue;
            }
            let before = &chars[..st.at];
            let newlines = before.iter().filter(|c| **c == '\n').count() as u32;
            let column = match before.iter().rposition(|c| *c == '\n') {
                Some(k) => (st.at - k) as u32,
                None => s.text_column + st.at as u32,
            };
            let pos = Pos::new(s.text_line + newlines, column, st.width as u32);
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

    /// The sample site states its figures as real reports do; none disagrees with its tables.
    #[test]
    fn the_sample_site_narratives_agree_with_their_tables() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut compared = 0;
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
                let w: Vec<_> = d
                    .iter()
                    .filter(|d| d.code == Code::W101)
                    .map(|d| &d.message)
                    .collect();
                assert!(w.is_empty(), "{file}: {w:?}");
            }
        }
        assert!(compared > 300, "only {compared} statements compared");
    }
}
