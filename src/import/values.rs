//! Values: what a figure cell of a document holds, read without guessing.
//!
//! In: a cell's text. Out: blank, a dash, a number (as the decimal text to write, with what was
//! changed to read it), or text that is no number.

/// What a cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Empty, or only spaces.
    Blank,
    /// A dash or slash standing for nothing (—, -, /).
    Dash,
    Num(Num),
    /// Anything else (a word, a sentence).
    Text,
}

/// A number as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Num {
    /// Plain decimal text: an optional `-`, digits without a leading zero, an optional fraction.
    pub text: String,
    /// Written with a leading zero (`00`, `012`).
    pub leading_zero: bool,
    /// The cell as written, spaces removed.
    pub raw: String,
    /// Written in 元 (`251000元`), where the columns count 万元.
    pub yuan: bool,
}

impl Num {
    pub fn is_zero(&self) -> bool {
        self.text
            .trim_start_matches('-')
            .bytes()
            .all(|b| matches!(b, b'0' | b'.'))
    }

    /// The value in 万元 of an amount written in 元: the decimal point moved four places.
    pub fn yuan_to_wan(&self) -> String {
        let (neg, t) = match self.text.strip_prefix('-') {
            Some(t) => (true, t),
            None => (false, self.text.as_str()),
        };
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        let int = format!("{int:0>5}");
        let (hi, lo) = int.split_at(int.len() - 4);
        let hi = hi.trim_start_matches('0');
        let frac = format!("{lo}{frac}");
        let frac = frac.trim_end_matches('0');
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        out.push_str(if hi.is_empty() { "0" } else { hi });
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        out
    }
}

impl Cell {
    pub fn is_value(&self) -> bool {
        !matches!(self, Cell::Text)
    }

    /// Blank, a dash or a zero: nothing to place.
    pub fn is_nothing(&self) -> bool {
        match self {
            Cell::Blank | Cell::Dash => true,
            Cell::Num(n) => n.is_zero(),
            Cell::Text => false,
        }
    }
}

/// Units a count may carry in its cell.
const COUNT_UNITS: [&str; 8] = ["件", "项", "个", "条", "次", "起", "宗", "份"];

/// Reads a cell.
pub fn read(s: &str) -> Cell {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200b}' && *c != '\u{feff}')
        .map(half_width)
        .collect();
    if t.is_empty() {
        return Cell::Blank;
    }
    if t.chars().count() > 24 {
        return Cell::Text;
    }
    if matches!(
        t.as_str(),
        "-" | "--" | "—" | "——" | "/" | "\\" | "无" | "―" | "–"
    ) {
        return Cell::Dash;
    }
    let mut body = t.as_str();
    let mut yuan = false;
    if let Some(b) = body.strip_suffix("万元") {
        body = b;
    } else if let Some(b) = body.strip_suffix('元') {
        body = b;
        yuan = true;
    } else if let Some(b) = COUNT_UNITS.iter().find_map(|u| body.strip_suffix(u)) {
        body = b;
    }
    let (neg, body) = match body.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, body.strip_prefix('+').unwrap_or(body)),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    // Thousands separators: groups of three after the first.
    let int = if int.contains(',') {
        let mut parts = int.split(',');
        let first = parts.next().unwrap_or("");
        if first.is_empty() || first.len() > 3 || parts.clone().any(|p| p.len() != 3) {
            return Cell::Text;
        }
        int.replace(',', "")
    } else {
        int.to_string()
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(&int) || frac.is_some_and(|f| !digits(f)) {
        return Cell::Text;
    }
    let stripped = int.trim_start_matches('0');
    let leading_zero = int.len() > 1 && int.starts_with('0');
    let mut text = String::new();
    if neg && !(stripped.is_empty() && frac.is_none_or(|f| f.bytes().all(|b| b == b'0'))) {
        text.push('-');
    }
    text.push_str(if stripped.is_empty() { "0" } else { stripped });
    if let Some(f) = frac {
        text.push('.');
        text.push_str(f);
    }
    Cell::Num(Num {
        text,
        leading_zero,
        yuan,
        raw: t.clone(),
    })
}

fn half_width(c: char) -> char {
    match c {
        '\u{ff10}'..='\u{ff19}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '，' => ',',
        '．' | '。' => '.',
        '－' | '−' | '﹣' => '-',
        '＋' => '+',
        '／' => '/',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> String {
        match read(s) {
            Cell::Num(n) => n.text,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn numbers_as_reports_write_them() {
        assert_eq!(num("0"), "0");
        assert_eq!(num(" 12 "), "12");
        assert_eq!(num("\u{a0}7\u{3000}"), "7");
        assert_eq!(num("１２"), "12");
        assert_eq!(num("1,234"), "1234");
        assert_eq!(num("-3"), "-3");
        assert_eq!(num("－3"), "-3");
        assert_eq!(num("+3"), "3");
        assert_eq!(num("0.092"), "0.092");
        assert_eq!(num("12件"), "12");
        assert_eq!(num("25.1万元"), "25.1");
        assert_eq!(num("-0"), "0");
        let Cell::Num(n) = read("00") else { panic!() };
        assert!(n.leading_zero && n.is_zero());
        assert_eq!(n.text, "0");
        let Cell::Num(n) = read("251000元") else {
            panic!()
        };
        assert!(n.yuan);
        assert_eq!(n.yuan_to_wan(), "25.1");
        let Cell::Num(n) = read("12.5元") else {
            panic!()
        };
        assert_eq!(n.yuan_to_wan(), "0.00125");
        let Cell::Num(n) = read("3000元") else {
            panic!()
        };
        assert_eq!(n.yuan_to_wan(), "0.3");
    }

    #[test]
    fn what_is_no_number() {
        assert_eq!(read(""), Cell::Blank);
        assert_eq!(read(" \u{a0} "), Cell::Blank);
        assert_eq!(read("—"), Cell::Dash);
        assert_eq!(read("/"), Cell::Dash);
        for s in ["1,23", "12a", "规章", "1.2.3", "0x10", "1e3", ",123", "--3"] {
            assert_eq!(read(s), Cell::Text, "{s}");
        }
    }
}
