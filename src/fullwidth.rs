//! Input-method slips: full-width punctuation, full-width digits, full-width spaces and tabs
//! typed where the front matter's YAML structure or a number is expected.
//!
//! In: the front matter's text. Out: each slip with its place and, where it is unambiguous, the
//! text that replaces it. `check` looks for slips only in files that already fail (a clean file
//! costs nothing) and says which character is wrong instead of what the parser made of it;
//! `check --fix` (`crate::fix`) applies the replacements. Names and narrative are never looked
//! at: only keys, the indentation, and the values of numeric rows, `year`, `format`, `order`
//! and the digits of `published`.

use std::ops::Range;

use crate::diagnostic::{Code, Detail, Diagnostic, Pos};

/// What was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// ， where a comma separates values.
    Comma,
    /// ； where a comma separates values.
    Semicolon,
    /// ： after a key or in `{notices：0}`.
    Colon,
    /// “”‘’ around a number.
    Quote,
    /// ［］
    Bracket,
    /// ０–９
    Digits,
    /// U+3000 between tokens.
    Space,
    /// U+3000 in the indentation.
    IndentSpace,
    /// A tab in the indentation.
    Tab,
    /// `"` or `'` around a number: `check` already names it (N006); only `--fix` uses it.
    AsciiQuote,
}

/// One slip in the front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    /// File line.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    /// Byte range in the front matter's text.
    pub range: Range<usize>,
    pub found: String,
    pub what: What,
    /// The text that replaces `range`, where that is unambiguous.
    pub fix: Option<String>,
}

impl Slip {
    /// The rule a slip breaks: a number (N006) or the YAML structure (N002).
    pub fn code(&self) -> Code {
        match self.what {
            What::Digits | What::Quote | What::AsciiQuote => Code::N006,
            _ => Code::N002,
        }
    }

    /// What is wrong, in the author's words, naming the place.
    pub fn message(&self) -> String {
        let at = format!("第 {} 行第 {} 列", self.line, self.column);
        let f = &self.found;
        let fix = self.fix.as_deref().unwrap_or("");
        match self.what {
            What::Comma => format!("{at}是中文逗号“{f}”，应为英文逗号“,”"),
            What::Semicolon => format!("{at}是中文分号“{f}”，数值之间应为英文逗号“,”"),
            What::Colon if fix.ends_with(' ') => {
                format!("{at}是中文冒号“{f}”，应为英文冒号“:”，其后加一个空格")
            }
            What::Colon => format!("{at}是中文冒号“{f}”，应为英文冒号“:”"),
            What::Quote => format!("{at}是中文引号（{f}），数字不加引号"),
            What::AsciiQuote => format!("{at}是引号（{f}），数字不加引号"),
            What::Bracket => {
                let ascii = if f == "［" { "[" } else { "]" };
                format!("{at}是中文方括号“{f}”，应为英文方括号“{ascii}”")
            }
            What::Digits => format!("{at}是全角数字“{f}”，应为半角数字“{fix}”"),
            What::Space => format!("{at}是全角空格，应为半角空格"),
            What::IndentSpace => format!("第 {} 行行首有全角空格，缩进只能用半角空格", self.line),
            What::Tab => format!(
                "第 {} 行行首有制表符（Tab），YAML 的缩进只能用空格",
                self.line
            ),
        }
    }

    /// A few words under the marker.
    pub fn label(&self) -> &'static str {
        match self.what {
            What::Comma => "中文逗号",
            What::Semicolon => "中文分号",
            What::Colon => "中文冒号",
            What::Quote => "中文引号",
            What::AsciiQuote => "引号",
            What::Bracket => "中文方括号",
            What::Digits => "全角数字",
            What::Space | What::IndentSpace => "全角空格",
            What::Tab => "制表符",
        }
    }
}

/// The top-level keys whose rows hold numbers.
const NUMERIC_TABLES: [&str; 4] = ["active", "applications", "appeals", "processing_fees"];
/// Top-level keys holding one number (`order` is an agency file's).
const NUMERIC_KEYS: [&str; 3] = ["year", "format", "order"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Number,
    Date,
    Text,
}

fn context(path: &[&str]) -> Context {
    match path {
        [top, ..] if NUMERIC_TABLES.contains(top) => Context::Number,
        [key] if NUMERIC_KEYS.contains(key) => Context::Number,
        ["published"] => Context::Date,
        _ => Context::Text,
    }
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}')
}

fn fullwidth_digit(c: char) -> Option<char> {
    ('０'..='９')
        .contains(&c)
        .then(|| char::from(b'0' + (c as u32 - '０' as u32) as u8))
}

fn is_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '"' | '\'')
}

/// `-?[0-9]+(\.[0-9]+)?`, full-width digits counting as digits.
fn is_number(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let digit = |c: char| c.is_ascii_digit() || fullwidth_digit(c).is_some();
    let mut parts = s.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    !whole.is_empty()
        && whole.chars().all(digit)
        && parts
            .next()
            .is_none_or(|f| !f.is_empty() && f.chars().all(digit))
}

/// One line of the front matter, as the scanner sees it.
struct Line<'a> {
    /// Byte offset of the line in the front matter.
    start: usize,
    text: &'a str,
    /// Indentation, a tab or full-width space counting two columns.
    indent: usize,
    /// Bytes of leading blanks.
    lead: usize,
    /// The indentation holds a tab or full-width space.
    dirty: bool,
    /// A key with nothing after it: a nested mapping follows.
    opens: bool,
}

/// Every slip of a front matter that starts at file line `first_line`.
pub fn scan(yaml: &str, first_line: u32) -> Vec<Slip> {
    let mut slips = Vec::new();
    let mut lines: Vec<Line> = Vec::new();
    let mut stack: Vec<(usize, &str)> = Vec::new();
    // Lines indented deeper than this continue the value of the key above (a multi-line or
    // block scalar): narrative, left alone.
    let mut continues: Option<usize> = None;
    let mut start = 0;
    for text in yaml.split('\n') {
        let line_start = start;
        start += text.len() + 1;
        let body = text.trim_start_matches(is_blank);
        let lead = text.len() - body.len();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent: usize = text[..lead]
            .chars()
            .map(|c| if c == ' ' { 1 } else { 2 })
            .sum();
        let dirty = text[..lead].contains(['\t', '\u{3000}']);
        // YAML takes neither a tab nor a full-width space for indentation: such a line
        // continues nothing, it is a slip.
        if !dirty && continues.is_some_and(|c| indent > c) {
            continue;
        }
        continues = None;
        let mut line = Line {
            start: line_start,
            text,
            indent,
            lead,
            dirty,
            opens: false,
        };
        // A key: `[A-Za-z_][A-Za-z0-9_]*`, then `:` or `：`.
        let key_len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        let key = &body[..key_len];
        let after = &body[key_len..];
        let colon = after.chars().next().filter(|c| matches!(c, ':' | '：'));
        let starts_well = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        let (Some(colon), true) = (colon, starts_well) else {
            lines.push(line);
            continue;
        };
        while stack.last().is_some_and(|(n, _)| *n >= indent) {
            stack.pop();
        }
        stack.push((indent, key));
        let colon_at = line_start + lead + key_len;
        let rest = &after[colon.len_utf8()..];
        let rest_at = colon_at + colon.len_utf8();
        let value = cut_comment(rest);
        let value_trim = value.trim_start_matches(is_blank);
        if colon == '：' {
            let next = rest.chars().next();
            let spaced = next.is_some_and(|c| c == ' ' || c == '\t');
            let fix = if value_trim.is_empty() || spaced {
                ":"
            } else {
                ": "
            };
            slips.push(slip(
                yaml,
                colon_at..rest_at,
                first_line,
                What::Colon,
                Some(fix.into()),
            ));
        }
        // Full-width spaces between the colon and the value: before a number any, before a
        // name only the one that takes the place of the space after the colon.
        let path: Vec<&str> = stack.iter().map(|(_, k)| *k).collect();
        let context = context(&path);
        let gap = value.len() - value_trim.len();
        for (j, c) in value[..gap].char_indices() {
            if c == '\u{3000}' && (j == 0 || context != Context::Text) {
                let at = rest_at + j;
                slips.push(slip(
                    yaml,
                    at..at + c.len_utf8(),
                    first_line,
                    What::Space,
                    Some(" ".into()),
                ));
            }
        }
        if value_trim.is_empty() {
            line.opens = true;
        } else {
            continues = Some(indent);
        }
        let value_at = rest_at + gap;
        match context {
            Context::Number => number_slips(yaml, value_at, value_trim, first_line, &mut slips),
            Context::Date => {
                for (j, c) in value_trim.char_indices() {
                    if let Some(d) = fullwidth_digit(c) {
                        let at = value_at + j;
                        slips.push(slip(
                            yaml,
                            at..at + c.len_utf8(),
                            first_line,
                            What::Digits,
                            Some(d.to_string()),
                        ));
                    }
                }
            }
            Context::Text => {}
        }
        lines.push(line);
    }
    indent_slips(yaml, &lines, first_line, &mut slips);
    slips.sort_by_key(|s| s.range.start);
    merge_digits(yaml, first_line, slips)
}

/// The text before a comment (`#` after a blank), trailing blanks removed.
fn cut_comment(s: &str) -> &str {
    let mut prev_blank = true;
    for (i, c) in s.char_indices() {
        if c == '#' && prev_blank {
            return s[..i].trim_end_matches(is_blank);
        }
        prev_blank = is_blank(c);
    }
    s.trim_end_matches(is_blank)
}

fn slip(yaml: &str, range: Range<usize>, first_line: u32, what: What, fix: Option<String>) -> Slip {
    let before = &yaml[..range.start];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = first_line + before.matches('\n').count() as u32;
    let column = before[line_start..].chars().count() as u32 + 1;
    Slip {
        line,
        column,
        found: yaml[range.clone()].to_string(),
        range,
        what,
        fix,
    }
}

/// The slips of a value where numbers are due, starting at byte `at` of the front matter.
fn number_slips(yaml: &str, at: usize, value: &str, first_line: u32, out: &mut Vec<Slip>) {
    let separator = |c: char| {
        matches!(
            c,
            ',' | '，' | '；' | '[' | ']' | '［' | '］' | '{' | '}' | ':' | '：'
        ) || is_blank(c)
    };
    let chars: Vec<(usize, char)> = value.char_indices().collect();
    let mut k = 0;
    // Inside brackets or braces: only there is a comma a separator (`1，000` is no list).
    let mut depth = 0usize;
    while k < chars.len() {
        let (i, c) = chars[k];
        match c {
            '[' | '［' | '{' => depth += 1,
            ']' | '］' | '}' => depth = depth.saturating_sub(1),
            '，' | '；' | '：' if depth == 0 => {
                k += 1;
                continue;
            }
            _ => {}
        }
        let next = chars.get(k + 1).map(|&(_, c)| c);
        let range = at + i..at + i + c.len_utf8();
        let spaced = |fix: &str| {
            let tight = next.is_none_or(|n| is_blank(n) || matches!(n, ']' | '］' | '}'));
            if tight {
                fix.to_string()
            } else {
                format!("{fix} ")
            }
        };
        match c {
            '，' => out.push(slip(
                yaml,
                range,
                first_line,
                What::Comma,
                Some(spaced(",")),
            )),
            '；' => out.push(slip(
                yaml,
                range,
                first_line,
                What::Semicolon,
                Some(spaced(",")),
            )),
            '：' => out.push(slip(
                yaml,
                range,
                first_line,
                What::Colon,
                Some(spaced(":")),
            )),
            '［' => out.push(slip(
                yaml,
                range,
                first_line,
                What::Bracket,
                Some("[".into()),
            )),
            '］' => out.push(slip(
                yaml,
                range,
                first_line,
                What::Bracket,
                Some("]".into()),
            )),
            '\u{3000}' => out.push(slip(yaml, range, first_line, What::Space, Some(" ".into()))),
            _ if separator(c) => {}
            _ => {
                // A token: quotes around a number go, full-width digits become digits.
                let end = chars[k..]
                    .iter()
                    .position(|&(_, c)| separator(c))
                    .map_or(chars.len(), |n| k + n);
                let token = &chars[k..end];
                let (first, last) = (token[0].1, token[token.len() - 1].1);
                let quoted = token.len() >= 3 && is_quote(first) && is_quote(last);
                let inner: String = if quoted {
                    token[1..token.len() - 1].iter().map(|&(_, c)| c).collect()
                } else {
                    token.iter().map(|&(_, c)| c).collect()
                };
                if quoted && is_number(&inner) {
                    for &(j, q) in [token[0], token[token.len() - 1]].iter() {
                        let what = if q.is_ascii() {
                            What::AsciiQuote
                        } else {
                            What::Quote
                        };
                        let range = at + j..at + j + q.len_utf8();
                        out.push(slip(yaml, range, first_line, what, Some(String::new())));
                    }
                }
                for &(j, d) in token {
                    if let Some(ascii) = fullwidth_digit(d) {
                        let range = at + j..at + j + d.len_utf8();
                        out.push(slip(
                            yaml,
                            range,
                            first_line,
                            What::Digits,
                            Some(ascii.to_string()),
                        ));
                    }
                }
                k = end;
                continue;
            }
        }
        k += 1;
    }
}

/// Runs of full-width digits become one slip (`０５` → `05`).
fn merge_digits(yaml: &str, first_line: u32, slips: Vec<Slip>) -> Vec<Slip> {
    let mut out: Vec<Slip> = Vec::with_capacity(slips.len());
    for s in slips {
        if let Some(prev) = out.last_mut() {
            if prev.what == What::Digits
                && s.what == What::Digits
                && prev.range.end == s.range.start
            {
                let range = prev.range.start..s.range.end;
                let fix = format!(
                    "{}{}",
                    prev.fix.as_deref().unwrap_or(""),
                    s.fix.as_deref().unwrap_or("")
                );
                *prev = slip(yaml, range, first_line, What::Digits, Some(fix));
                continue;
            }
        }
        out.push(s);
    }
    out
}

/// Tabs and full-width spaces in the indentation. Each counts two columns; the replacement is
/// that many spaces where it gives the indentation of the line's siblings (or, when every
/// sibling is indented the same way, two more than the parent's).
fn indent_slips(yaml: &str, lines: &[Line], first_line: u32, out: &mut Vec<Slip>) {
    for (i, line) in lines.iter().enumerate() {
        if !line.dirty {
            continue;
        }
        let c = line.indent;
        let parent = lines[..i].iter().rposition(|l| l.indent < c);
        // The parent's block: the lines after it indented deeper than it.
        let floor = parent.map(|p| lines[p].indent);
        let block = lines[parent.map_or(0, |p| p + 1)..]
            .iter()
            .take_while(|l| floor.is_none_or(|f| l.indent > f));
        // Its children's indentation, as the lines written with spaces give it.
        let children = block.filter(|l| !l.dirty).map(|l| l.indent).min();
        let fits = match (children, parent) {
            (Some(n), _) => n == c,
            (None, Some(p)) => lines[p].opens && c == lines[p].indent + 2,
            (None, None) => false,
        };
        let what = if line.text[..line.lead].contains('\t') {
            What::Tab
        } else {
            What::IndentSpace
        };
        let range = line.start..line.start + line.lead;
        out.push(slip(
            yaml,
            range,
            first_line,
            what,
            fits.then(|| " ".repeat(c)),
        ));
    }
}

/// Replaces the diagnostics that a slip explains: those on a line with a slip, and a YAML error
/// after one (the parser stumbles later than the slip). One diagnostic per line, at its first
/// slip.
pub fn explain(file: &str, yaml: &str, first_line: u32, diags: &mut Vec<Diagnostic>) {
    let slips: Vec<Slip> = scan(yaml, first_line)
        .into_iter()
        .filter(|s| s.what != What::AsciiQuote)
        .collect();
    if slips.is_empty() {
        return;
    }
    let on_line = |line: u32| slips.iter().any(|s| s.line == line);
    // Only a slip in the structure (not a digit or quote) makes the parser stumble later.
    let breaks_before = |line: u32| {
        slips
            .iter()
            .any(|s| s.code() == Code::N002 && s.line <= line)
    };
    diags.retain(|d| {
        let explained = explainable(d.code)
            && (on_line(d.line) || (d.code == Code::N002 && breaks_before(d.line)));
        !explained
    });
    let mut i = 0;
    while i < slips.len() {
        let s = &slips[i];
        let same = slips[i..].iter().take_while(|x| x.line == s.line).count();
        let mut message = s.message();
        if same > 1 {
            message.push_str(&format!("（本行共 {same} 处）"));
        }
        let width = yaml[s.range.clone()].chars().count() as u32;
        let mut d = Diagnostic::new(s.code(), file, Pos::new(s.line, s.column, width), message);
        d.found(s.found.clone()).label(s.label());
        if let Some(fix) = &s.fix {
            if !fix.trim().is_empty() {
                d.expected(fix.trim());
            }
            d.note("nianbao check --fix 可自动改正");
        }
        diags.push(d);
        i += same;
    }
}

/// [`explain`] for a whole file, when one of its diagnostics is one a slip may cause: only then
/// is the file scanned.
pub fn explain_file(file: &str, text: &str, diags: &mut Vec<Diagnostic>) {
    if !diags.iter().any(|d| explainable(d.code)) {
        return;
    }
    if let Ok(split) = crate::frontmatter::split(text) {
        explain(file, split.yaml, split.yaml_line, diags);
    }
}

fn explainable(code: Code) -> bool {
    matches!(
        code,
        Code::N002 | Code::N003 | Code::N005 | Code::N006 | Code::N007 | Code::N011
    )
}

/// The text with every fixable slip replaced.
pub fn apply(yaml: &str, slips: &[Slip]) -> String {
    let mut out = String::with_capacity(yaml.len());
    let mut at = 0;
    for s in slips {
        let Some(fix) = &s.fix else { continue };
        if s.range.start < at {
            continue;
        }
        out.push_str(&yaml[at..s.range.start]);
        out.push_str(fix);
        at = s.range.end;
    }
    out.push_str(&yaml[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(yaml: &str) -> Vec<(u32, u32, What, Option<String>)> {
        scan(yaml, 2)
            .into_iter()
            .map(|s| (s.line, s.column, s.what, s.fix))
            .collect()
    }

    fn fixed(yaml: &str) -> String {
        apply(yaml, &scan(yaml, 2))
    }

    #[test]
    fn commas_colons_brackets_digits_and_quotes_in_numbers() {
        let y = "applications:\n  new: [5，1，0，0，0，0]\n";
        let w = whats(y);
        assert_eq!(w.len(), 5);
        assert_eq!(w[0], (3, 10, What::Comma, Some(", ".into())));
        assert_eq!(fixed(y), "applications:\n  new: [5, 1, 0, 0, 0, 0]\n");

        let y = "active:\n  normative_documents：[2, 0, 5]\n";
        assert_eq!(whats(y), [(3, 22, What::Colon, Some(": ".into()))]);
        assert_eq!(fixed(y), "active:\n  normative_documents: [2, 0, 5]\n");

        let y = "active:\n  licensing: ［０５］\n  fees: [“36”, '1', 2]\n";
        let w = whats(y);
        assert_eq!(
            w.iter().map(|x| x.2).collect::<Vec<_>>(),
            [
                What::Bracket,
                What::Digits,
                What::Bracket,
                What::Quote,
                What::Quote,
                What::AsciiQuote,
                What::AsciiQuote
            ]
        );
        assert_eq!(fixed(y), "active:\n  licensing: [05]\n  fees: [36, 1, 2]\n");
        let y = "processing_fees: {notices：0；amount: １.5}\nyear: ２０２５\npublished: ２０２６-01-20\n";
        assert_eq!(
            fixed(y),
            "processing_fees: {notices: 0, amount: 1.5}\nyear: 2025\npublished: 2026-01-20\n"
        );
    }

    #[test]
    fn a_comma_outside_brackets_separates_nothing() {
        assert_eq!(whats("active:\n  licensing: 1，000\n"), []);
        let w = whats("active:\n  licensing: ３，０００\n");
        assert_eq!(
            w.iter().map(|x| x.2).collect::<Vec<_>>(),
            [What::Digits, What::Digits]
        );
    }

    #[test]
    fn names_and_narrative_are_left_alone() {
        let y = "agency: 示例县（区）教育局，“办公室”：１号\ntitle: 关于“３６”\nacknowledge:\n  W001: 机构改革，上年结转的２件：移交。\nnote: |\n  x：1\n  applications：[1，2]\napplications:\n  new: [1, 2] # 说明：１，２\n";
        assert_eq!(whats(y), []);
    }

    #[test]
    fn full_width_spaces_and_tabs() {
        let y = "applications:\n  new:\u{3000}[1,\u{3000}2]\n";
        assert_eq!(fixed(y), "applications:\n  new: [1, 2]\n");
        // Before a name, only where the space after the colon should be.
        let y = "agency:\u{3000}示例县\ntitle: \u{3000}标题\n";
        assert_eq!(fixed(y), "agency: 示例县\ntitle: \u{3000}标题\n");
        // A tab where its siblings have two spaces; a whole block indented by tabs.
        let y = "active:\n  rules: [0]\n\tlicensing: 0\nappeals:\n\ta: [1]\n\tb: [2]\n";
        assert_eq!(
            fixed(y),
            "active:\n  rules: [0]\n  licensing: 0\nappeals:\n  a: [1]\n  b: [2]\n"
        );
        // Siblings at four spaces: a tab gives two, which is not theirs.
        let y = "active:\n    rules: [0]\n\tlicensing: 0\n";
        let w = whats(y);
        assert_eq!((w[0].2, w[0].3.clone()), (What::Tab, None));
        let y = "a: 1\n\u{3000}\u{3000}b: 2\n";
        assert_eq!(whats(y)[0].2, What::IndentSpace);
    }

    #[test]
    fn fixing_is_idempotent() {
        for y in [
            "applications:\n  new: [5，1，0，0，0，0]\n",
            "active:\n  normative_documents：[2, 0, 5]\n\tx: ［０５］\n",
            "a：\n  b：1\n",
        ] {
            let once = fixed(y);
            assert_eq!(fixed(&once), once, "{y:?}");
        }
    }

    #[test]
    fn a_digit_slip_does_not_hide_a_later_syntax_error() {
        let y = "active:\n  licensing: [０５]\n  penalty: [1, 2\n";
        let mut diags = vec![Diagnostic::new(Code::N002, "f.md", Pos::line(5), "YAML")];
        explain("f.md", y, 2, &mut diags);
        let got: Vec<(Code, u32)> = diags.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(got, [(Code::N002, 5), (Code::N006, 3)]);
    }

    #[test]
    fn explained_diagnostics_point_at_the_character() {
        let y = "active:\n  normative_documents：[2, 0, 5]\n  licensing: 3\n";
        let mut diags = vec![Diagnostic::new(
            Code::N002,
            "f.md",
            Pos::line(4),
            "YAML 语法错误",
        )];
        explain("f.md", y, 2, &mut diags);
        assert_eq!(diags.len(), 1);
        let d = &diags[0];
        assert_eq!((d.code, d.line, d.column), (Code::N002, 3, 22));
        assert_eq!(
            d.message,
            "第 3 行第 22 列是中文冒号“：”，应为英文冒号“:”，其后加一个空格"
        );
    }
}
