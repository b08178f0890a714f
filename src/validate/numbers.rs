//! How a number must be written (N006): plain decimal digits, no leading zero, no quotes.

use crate::format::ValueKind;
use crate::frontmatter::{Node, Style};
use crate::report::Num;

/// The largest value any cell may hold.
pub const MAX: i64 = 1_000_000_000;

/// Reads a number of the given kind, or says in Chinese what is wrong with it.
pub fn read(node: &Node, kind: ValueKind) -> Result<Num, String> {
    let Some((text, style)) = node.scalar() else {
        return Err(format!("应为一个数字，实为{}", node.describe()));
    };
    if style == Style::Plain {
        if let Some(v) = plain_digits(text) {
            return Ok(match kind {
                ValueKind::Count | ValueKind::Signed => Num::Int(v),
                ValueKind::Amount { .. } => Num::Dec(v * Num::SCALE),
            });
        }
    }
    read_full(node, kind)
}

/// [`read`] without the shortcut for plain digits.
fn read_full(node: &Node, kind: ValueKind) -> Result<Num, String> {
    let Some((text, style)) = node.scalar() else {
        return Err(format!("应为一个数字，实为{}", node.describe()));
    };
    if node.is_null() {
        // `import` writes null where it could not place a figure.
        return Err("缺少数值：null 是导入时无法确定的数字，请对照原文填写（写 0 表示零）".into());
    }
    let t = text.trim();
    let numeric = |s: &str| {
        !s.is_empty() && (s.parse::<f64>().is_ok() || s.chars().all(|c| c.is_ascii_digit()))
    };
    if style != Style::Plain {
        return Err(if t.is_empty() {
            "缺少数值：\"\" 是空的文字（写 0 表示零）".to_string()
        } else if numeric(t) {
            format!("数字不能加引号：{text}（直接写 {t}）")
        } else {
            format!("应为数字，实为文字“{text}”")
        });
    }
    // Compared ignoring ASCII case, without a lowercase copy of every cell.
    let is_any = |s: &str, words: &[&str]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
    if is_any(
        t.trim_start_matches(['+', '-']),
        &[".nan", ".inf", "nan", "inf", "infinity"],
    ) {
        return Err(format!("不能是 NaN 或无穷大：{t}"));
    }
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    if int.len() > 1 && int.starts_with('0') && int.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "数字不能以 0 开头：{t}（YAML 读取器理解不一，YAML 1.1 视为八进制；应写作 {}）",
            match int.trim_start_matches('0') {
                "" => "0",
                rest => rest,
            }
        ));
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(if is_any(t, &["true", "false", "yes", "no", "on", "off"]) {
            format!("应为数字，实为“{t}”")
        } else {
            format!("不是有效的十进制数字：{t}")
        });
    }
    let negative = t.starts_with('-');
    let int_value: i64 = match int.parse::<i64>() {
        Ok(v) if v <= MAX => v,
        _ => return Err(format!("数值过大：{t}（上限为 {MAX}）")),
    };
    match kind {
        ValueKind::Count | ValueKind::Signed => {
            if frac.is_some() {
                return Err(format!("应为整数，实为 {t}"));
            }
            if negative && kind == ValueKind::Count && int_value != 0 {
                return Err(format!("不能为负数：{t}"));
            }
            Ok(Num::Int(if negative { -int_value } else { int_value }))
        }
        ValueKind::Amount { decimals } => {
            if negative && (int_value != 0 || frac.is_some_and(|f| f.bytes().any(|b| b != b'0'))) {
                return Err(format!("金额不能为负数：{t}"));
            }
            let frac = frac.unwrap_or("");
            if frac.len() > usize::from(decimals) {
                return Err(format!("最多 {decimals} 位小数，实为 {t}"));
            }
            let scaled_frac: i64 = format!("{frac:0<4}")[..4].parse().unwrap_or(0);
            let value = int_value * Num::SCALE + scaled_frac;
            // The integer part alone may be at the bound while its decimals pass it.
            if value > MAX * Num::SCALE {
                return Err(format!("数值过大：{t}（上限为 {MAX}）"));
            }
            Ok(Num::Dec(value))
        }
    }
}

/// The value of the usual cell, `0` or digits without a leading zero and at most [`MAX`], which
/// every kind accepts as is; `None` for anything else, left to the full checks of [`read`].
fn plain_digits(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    // Nine digits stay below MAX; longer values take the full path with its message.
    if b.is_empty() || b.len() > 9 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    b.iter().try_fold(0i64, |v, &c| {
        c.is_ascii_digit().then(|| v * 10 + i64::from(c - b'0'))
    })
}

/// Reads a count (integer ≥ 0).
pub fn count(node: &Node) -> Result<u64, String> {
    match read(node, ValueKind::Count)? {
        Num::Int(i) | Num::Dec(i) => Ok(i.max(0) as u64),
    }
}

/// What the kind expects, for messages.
pub fn expectation(kind: ValueKind) -> String {
    match kind {
        ValueKind::Count => "不小于 0 的整数".into(),
        ValueKind::Signed => "整数（可为负数）".into(),
        ValueKind::Amount { decimals } => format!("不小于 0 的数，最多 {decimals} 位小数"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::parse;

    fn first(yaml: &str, kind: ValueKind) -> Result<Num, String> {
        let yaml = format!("v: [{yaml}]");
        let n = parse(&yaml, 1).unwrap();
        read(&n.get("v").unwrap().value.as_seq().unwrap()[0], kind)
    }

    #[test]
    fn valid_numbers() {
        assert_eq!(first("0", ValueKind::Count), Ok(Num::Int(0)));
        assert_eq!(first("12", ValueKind::Count), Ok(Num::Int(12)));
        assert_eq!(first("-3", ValueKind::Signed), Ok(Num::Int(-3)));
        assert_eq!(
            first("12.35", ValueKind::Amount { decimals: 4 }),
            Ok(Num::Dec(123_500))
        );
        assert_eq!(
            first("7", ValueKind::Amount { decimals: 4 }),
            Ok(Num::Dec(70_000))
        );
        assert_eq!(first("1000000000", ValueKind::Count), Ok(Num::Int(MAX)));
    }

    proptest::proptest! {
        /// The shortcut for plain digits reads what the full checks read.
        #[test]
        fn shortcut_agrees(text in "-?[0-9]{0,11}(\\.[0-9]{0,5})?|[0-9 +a-z.]{0,4}", quoted: bool) {
            let yaml = if quoted { format!("v: '{text}'") } else { format!("v: {text}") };
            if let Ok(n) = parse(&yaml, 1) {
                let v = &n.get("v").unwrap().value;
                for kind in [ValueKind::Count, ValueKind::Signed, ValueKind::Amount { decimals: 4 }] {
                    proptest::prop_assert_eq!(read(v, kind), read_full(v, kind), "{:?}", text);
                }
            }
        }
    }

    #[test]
    fn refused_numbers() {
        for (v, kind, word) in [
            ("00", ValueKind::Count, "0 开头"),
            ("012", ValueKind::Count, "0 开头"),
            ("\"12\"", ValueKind::Count, "引号"),
            ("'0'", ValueKind::Count, "引号"),
            ("-1", ValueKind::Count, "负数"),
            ("1.5", ValueKind::Count, "整数"),
            ("1.23456", ValueKind::Amount { decimals: 4 }, "4 位小数"),
            ("-1.5", ValueKind::Amount { decimals: 4 }, "负数"),
            (".nan", ValueKind::Amount { decimals: 4 }, "NaN"),
            (".inf", ValueKind::Count, "无穷"),
            ("1000000001", ValueKind::Count, "过大"),
            ("1000000000.5", ValueKind::Amount { decimals: 4 }, "过大"),
            ("-1000000001", ValueKind::Signed, "过大"),
            ("99999999999999999999999", ValueKind::Count, "过大"),
            ("0x10", ValueKind::Count, "十进制"),
            ("1e3", ValueKind::Count, "十进制"),
            ("+5", ValueKind::Count, "十进制"),
            ("abc", ValueKind::Count, "十进制"),
            ("true", ValueKind::Count, "true"),
            ("~", ValueKind::Count, "缺少"),
            ("null", ValueKind::Count, "对照原文"),
            ("[1]", ValueKind::Count, "列表"),
        ] {
            let e = first(v, kind).unwrap_err();
            assert!(e.contains(word), "{v}: {e}");
        }
    }
}
