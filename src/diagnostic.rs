//! Diagnostics: problems found in the user's files, as data.
//!
//! In: what the validators found. Out: sorted lists printed as compiler-style text (with the source
//! line and a marker) or as the JSON array that rules.md defines.

use std::fmt;

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($code:ident = $sev:ident, $what:literal;)+) => {
        /// The stable rule codes of rules.md.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($code,)+ }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)+];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)+ }
            }

            /// The severity the catalogue gives the rule.
            pub fn severity(self) -> Severity {
                match self { $(Code::$code => Severity::$sev,)+ }
            }

            /// What the rule checks, in one line.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$code => $what,)+ }
            }

            /// The code named by its text (`"W001"`), if the catalogue has it.
            pub fn parse(s: &str) -> Option<Code> {
                match s { $(stringify!($code) => Some(Code::$code),)+ _ => None }
            }
        }
    };
}

codes! {
    N001 = Error, "文件以 --- 开头，前置数据以 --- 行结束";
    N002 = Error, "前置数据是有效的 YAML";
    N003 = Error, "没有未知的键";
    N004 = Error, "必填的键和表格的每一行都已填写";
    N005 = Error, "每一行的数值个数符合格式";
    N006 = Error, "每个数值有效";
    N007 = Error, "报告年度与文件名一致，发布日期有效";
    N008 = Error, "机关目录名有效，报告不重复";
    N009 = Error, "文件是 UTF-8 编码";
    N010 = Error, "章节齐全、有内容、顺序正确";
    N011 = Error, "格式版本有效，所用的键属于该版本";
    N012 = Error, "地区声明有效，机关的地区和汇总范围是已声明的地区";
    R001 = Error, "第一项加第二项之和，等于第三项加第四项之和";
    R002 = Error, "（七）总计等于各项办理结果之和";
    R003 = Error, "每行总计等于各申请人数值之和";
    R004 = Error, "行政复议、行政诉讼总计等于各结果之和";
    W001 = Warning, "上年结转等于上一年度报告的结转下年度继续办理";
    W002 = Warning, "本年新公开数量不超过对外公开总数量";
    W003 = Warning, "按时发布";
    W004 = Warning, "格式版本与报告年度相符";
    W005 = Warning, "2021 版报告信息处理费";
    W006 = Warning, "乡镇、街道没有规章";
    W007 = Warning, "草稿";
    W008 = Warning, "缺少发布日期";
    W101 = Warning, "正文所述数字与表格一致";
    W102 = Warning, "总体情况、存在的主要问题及改进情况不照搬其他报告";
    W103 = Warning, "汇总报告与所辖地区各报告之和一致";
    W104 = Warning, "信息处理费与收费通知相符";
    W105 = Warning, "上年发布报告的机关本年也已发布";
    W106 = Warning, "数据说明（acknowledge）没有过时";
}

/// Codes set aside for rules to come: never raised, and not to be explained in `acknowledge`.
pub const RESERVED: &[&str] = &["W107"];

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A place in a file: 1-based line and column (in characters), and the marker width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    pub width: u32,
}

impl Pos {
    pub const START: Pos = Pos {
        line: 1,
        column: 1,
        width: 0,
    };

    pub fn new(line: u32, column: u32, width: u32) -> Pos {
        Pos {
            line,
            column,
            width,
        }
    }

    /// The start of a line.
    pub fn line(line: u32) -> Pos {
        Pos {
            line,
            column: 1,
            width: 0,
        }
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Path relative to the folder of `site.toml`, with `/` separators.
    pub file: String,
    /// 0 (null in JSON) where the file has no lines: a Word document.
    #[serde(serialize_with = "zero_is_null")]
    pub line: u32,
    #[serde(serialize_with = "zero_is_null")]
    pub column: u32,
    pub message: String,
    /// Official label of the row concerned.
    pub row: Option<String>,
    /// Official label of the column concerned.
    pub column_label: Option<String>,
    pub expected: Option<serde_json::Value>,
    pub found: Option<serde_json::Value>,
    /// The author's explanation from `acknowledge`, when the warning is explained: it is then
    /// printed as a note and counts as no warning, even under `--strict`.
    pub acknowledged: Option<String>,
    /// Text under the marker in human output.
    #[serde(skip)]
    pub label: Option<String>,
    /// A closing `= …` line in human output (e.g. the 勾稽关系).
    #[serde(skip)]
    pub note: Option<String>,
    #[serde(skip)]
    pub width: u32,
    /// The text of the line pointed at, kept from when the file was checked: printing never
    /// reads the file again (in `serve` it may have changed since).
    #[serde(skip)]
    pub source: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, file: impl Into<String>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            file: file.into(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            message: message.into(),
            row: None,
            column_label: None,
            expected: None,
            found: None,
            acknowledged: None,
            label: None,
            note: None,
            width: pos.width,
            source: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A warning that counts: not explained by an `acknowledge` entry.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning && self.acknowledged.is_none()
    }

    fn sort_key(&self) -> (&str, u32, u32, Code) {
        (&self.file, self.line, self.column, self.code)
    }
}

/// A line or column of 0 is none (a Word document has no lines).
fn zero_is_null<S: serde::Serializer>(n: &u32, s: S) -> Result<S::Ok, S::Error> {
    match n {
        0 => s.serialize_none(),
        n => s.serialize_u32(*n),
    }
}

/// Details of a diagnostic, set in place (`sink.add(..).row(..).expected(..)`).
pub trait Detail {
    fn row(&mut self, s: impl Into<String>) -> &mut Self;
    fn col(&mut self, s: impl Into<String>) -> &mut Self;
    fn expected(&mut self, v: impl Into<serde_json::Value>) -> &mut Self;
    fn found(&mut self, v: impl Into<serde_json::Value>) -> &mut Self;
    fn label(&mut self, s: impl Into<String>) -> &mut Self;
    fn note(&mut self, s: impl Into<String>) -> &mut Self;
}

impl Detail for Diagnostic {
    fn row(&mut self, s: impl Into<String>) -> &mut Self {
        self.row = Some(s.into());
        self
    }
    fn col(&mut self, s: impl Into<String>) -> &mut Self {
        self.column_label = Some(s.into());
        self
    }
    fn expected(&mut self, v: impl Into<serde_json::Value>) -> &mut Self {
        self.expected = Some(v.into());
        self
    }
    fn found(&mut self, v: impl Into<serde_json::Value>) -> &mut Self {
        self.found = Some(v.into());
        self
    }
    fn label(&mut self, s: impl Into<String>) -> &mut Self {
        self.label = Some(s.into());
        self
    }
    fn note(&mut self, s: impl Into<String>) -> &mut Self {
        self.note = Some(s.into());
        self
    }
}

/// Sorts by file, line, column and code, and drops exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then(a.message.cmp(&b.message))
    });
    diags.dedup();
}

/// Turns warnings into errors (`--strict`, `[build] strict = true`); an explained warning stays
/// a warning (rules.md, "Explained warnings").
pub fn make_strict(diags: &mut [Diagnostic]) {
    for d in diags.iter_mut().filter(|d| d.acknowledged.is_none()) {
        d.severity = Severity::Error;
    }
}

/// Gives each diagnostic of a file the text of its line, from the file as it was checked.
pub fn attach_sources(diags: &mut [Diagnostic], text: &str) {
    if diags.iter().all(|d| d.source.is_some()) {
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    for d in diags.iter_mut().filter(|d| d.source.is_none()) {
        d.source = lines
            .get((d.line as usize).wrapping_sub(1))
            .map(|l| (*l).to_string());
    }
}

/// Counts of errors and of warnings that count (explained ones do not).
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.iter().filter(|d| d.is_warning()).count();
    (errors, warnings)
}

/// JSON output: one array of objects with exactly the fields of rules.md.
pub fn to_json(diags: &[Diagnostic]) -> String {
    let mut s = serde_json::to_string_pretty(diags).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// Renders diagnostics as a compiler does, with the source line each one carries.
pub struct HumanRenderer {
    color: bool,
}

impl HumanRenderer {
    pub fn new(color: bool) -> Self {
        HumanRenderer { color }
    }

    /// One diagnostic, ending with a blank line.
    pub fn render(&mut self, d: &Diagnostic) -> String {
        use annotate_snippets::{Level, Renderer, Snippet};
        let level = match d.severity {
            _ if d.acknowledged.is_some() => Level::Note,
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let renderer = if self.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let id = d.code.as_str();
        let note = d.note.clone().unwrap_or_default();
        // An explained warning leads with the explanation and keeps what the rule found.
        let (title, found) = match &d.acknowledged {
            Some(why) => (format!("已说明：{why}"), format!("警告：{}", d.message)),
            None => (d.message.clone(), String::new()),
        };
        let mut message = level.title(&title).id(id);
        if !found.is_empty() {
            message = message.footer(Level::Note.title(&found));
        }
        if !note.is_empty() {
            message = message.footer(Level::Note.title(&note));
        }
        let label = d.label.clone().unwrap_or_default();
        let origin;
        let out = match &d.source {
            Some(line) => {
                // A position at or past the end of the line (where YAML found a bracket
                // missing, or an empty line) points at padding, so that the printed
                // line:column is the diagnostic's own.
                let col = d.column as usize - 1;
                let pad = (col + 1).saturating_sub(line.chars().count()).min(MAX_PAD);
                // Control characters from the file never reach the terminal as they are; a
                // tab shows as a mark of one column, so that it is seen and the marker stays
                // under its character.
                let line: String = line
                    .chars()
                    .map(|c| match c {
                        '\t' => TAB_MARK,
                        c if c.is_control() => '\u{fffd}',
                        c => c,
                    })
                    .collect();
                let src = format!("{line}{}", " ".repeat(pad));
                let start = char_to_byte(&src, col).min(src.len() - 1);
                let start = (0..=start)
                    .rev()
                    .find(|i| src.is_char_boundary(*i))
                    .unwrap_or(0);
                let end = char_to_byte(&src, col + d.width.max(1) as usize)
                    .max(next_boundary(&src, start));
                let snippet = Snippet::source(&src)
                    .line_start(d.line as usize)
                    .origin(&d.file)
                    .annotation(level.span(start..end).label(&label));
                format!("{}", renderer.render(message.snippet(snippet)))
            }
            None => {
                origin = match d.line {
                    0 => d.file.clone(),
                    _ => format!("{}:{}:{}", d.file, d.line, d.column),
                };
                let text = format!("{}", renderer.render(message));
                format!("{text}\n  --> {origin}")
            }
        };
        format!("{out}\n\n")
    }
}

/// Prints diagnostics as a compiler does.
pub fn print(out: &mut dyn std::io::Write, diags: &[Diagnostic], color: bool) {
    let mut r = HumanRenderer::new(color);
    for d in diags {
        let _ = out.write_all(r.render(d).as_bytes());
    }
}

/// How a tab in a source line is shown.
pub const TAB_MARK: char = '→';

/// How far past the end of a line a marker may point.
const MAX_PAD: usize = 200;

fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices()
        .nth(chars)
        .map(|(i, _)| i)
        .unwrap_or(s.len())
}

fn next_boundary(s: &str, at: usize) -> usize {
    (at + 1..=s.len())
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(s.len())
}

/// The closing summary line of `check`.
pub fn summary(files: usize, diags: &[Diagnostic]) -> String {
    let (errors, warnings) = counts(diags);
    let explained = diags.iter().filter(|d| d.acknowledged.is_some()).count();
    let mut s = format!("检查了 {files} 份报告：{errors} 个错误，{warnings} 个警告");
    if explained > 0 {
        s.push_str(&format!("，{explained} 个已说明"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_exactly_the_fields_of_the_spec() {
        let mut d = Diagnostic::new(
            Code::R001,
            "content/a/2020.md",
            Pos::new(14, 17, 2),
            "不平衡",
        );
        d.row("一、本年新收政府信息公开申请数量")
            .col("自然人")
            .expected(12)
            .found(11)
            .label("x");
        let v: serde_json::Value = serde_json::from_str(&to_json(&[d])).unwrap();
        let obj = v[0].as_object().unwrap();
        let keys: Vec<_> = obj.keys().map(String::as_str).collect();
        let mut want = vec![
            "code",
            "severity",
            "file",
            "line",
            "column",
            "message",
            "row",
            "column_label",
            "expected",
            "found",
            "acknowledged",
        ];
        want.sort();
        let mut got = keys.clone();
        got.sort();
        assert_eq!(got, want);
        assert_eq!(obj["severity"], "error");
        assert_eq!(obj["code"], "R001");
        assert_eq!(obj["line"], 14);
        assert_eq!(obj["acknowledged"], serde_json::Value::Null);
    }

    fn explained() -> Diagnostic {
        let mut d = Diagnostic::new(
            Code::W001,
            "content/a/2022.md",
            Pos::new(3, 1, 1),
            "上年结转不符",
        );
        d.acknowledged = Some("机构改革，移交办理。".into());
        d
    }

    #[test]
    fn an_explained_warning_is_a_note_that_strict_leaves_alone() {
        let mut v = vec![
            explained(),
            Diagnostic::new(Code::W008, "b", Pos::START, "m"),
        ];
        make_strict(&mut v);
        assert_eq!(v[0].severity, Severity::Warning);
        assert_eq!(v[1].severity, Severity::Error);
        assert_eq!(counts(&v), (1, 0));
        assert_eq!(
            summary(2, &v),
            "检查了 2 份报告：1 个错误，0 个警告，1 个已说明"
        );
        let json: serde_json::Value = serde_json::from_str(&to_json(&v)).unwrap();
        assert_eq!(json[0]["acknowledged"], "机构改革，移交办理。");
        assert_eq!(json[0]["severity"], "warning");
        let text = HumanRenderer::new(false).render(&v[0]);
        assert!(
            text.starts_with("note[W001]: 已说明：机构改革，移交办理。"),
            "{text}"
        );
        assert!(text.contains("警告：上年结转不符"), "{text}");
    }

    #[test]
    fn codes_parse_from_their_text() {
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Code::parse("W107"), None);
        assert!(RESERVED.contains(&"W107"));
    }

    #[test]
    fn a_tab_shows_as_a_mark_with_the_marker_under_its_column() {
        let mut d = Diagnostic::new(Code::N006, "f.md", Pos::new(3, 9, 1), "m");
        attach_sources(std::slice::from_mut(&mut d), "---\na:\n\tb: [1,\tx]\n---\n");
        let out = HumanRenderer::new(false).render(&d);
        let lines: Vec<&str> = out.lines().collect();
        let at = lines.iter().position(|l| l.starts_with("3 |")).unwrap();
        assert_eq!(lines[at], "3 | →b: [1,→x]", "{out}");
        assert_eq!(lines[at + 1].trim_end(), "  |         ^", "{out}");
    }

    #[test]
    fn codes_have_the_catalogue_severities() {
        assert_eq!(Code::ALL.len(), 12 + 4 + 8 + 6);
        for c in Code::ALL {
            let want = if c.as_str().starts_with('W') {
                Severity::Warning
            } else {
                Severity::Error
            };
            assert_eq!(c.severity(), want, "{c}");
        }
    }

    #[test]
    fn sorting_is_by_file_then_line() {
        let mk = |f: &str, l| Diagnostic::new(Code::N006, f, Pos::line(l), "m");
        let mut v = vec![mk("b", 1), mk("a", 9), mk("a", 2), mk("a", 2)];
        sort(&mut v);
        let got: Vec<_> = v.iter().map(|d| (d.file.as_str(), d.line)).collect();
        assert_eq!(got, vec![("a", 2), ("a", 9), ("b", 1)]);
    }
}
