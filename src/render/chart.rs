//! Charts: figures across years as inline SVG drawn here, with no script and no web font.
//!
//! In: years, oldest first, and series of one optional value per year (`None`: no report that
//! year, drawn as a gap, never as zero). Out: a `<figure>` holding one small chart per series,
//! each on its own scale (applications received run to hundreds where lawsuits stay at a few),
//! each an `<svg role="img">` whose `<title>` names it and whose `<desc>` states every value. The
//! caption points to the table on the page that holds the same data. A series is told by its
//! own chart and label, not by a colour; the line carries a marker and its value at every year.

use std::fmt::Write;

use crate::markdown::escape;

use super::view::FIGURE_LABELS;

/// One series: a label and a value per year of [`Chart::years`].
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// e.g. 新收申请.
    pub label: &'a str,
    pub values: &'a [Option<u64>],
}

/// A chart of several series across the same years.
#[derive(Debug, Clone, Copy)]
pub struct Chart<'a> {
    /// Prefix of the ids in the chart, unique on its page.
    pub id: &'a str,
    /// Whose figures: 示例县人民政府 (titles read 示例县人民政府历年新收申请).
    pub subject: &'a str,
    /// Unit of every value, e.g. 件.
    pub unit: &'a str,
    /// Id of the table on the page that holds the same data, and its caption.
    pub table_id: &'a str,
    pub table_name: &'a str,
    /// Oldest first; a year with no value in a series is a gap in it.
    pub years: &'a [u16],
    pub series: &'a [Series<'a>],
}

/// The key figures ([`FIGURE_LABELS`]) of reports (or roll-ups) given as `(year, values)` in any
/// order, from the oldest year given to the newest; a year given as `None` (a roll-up that sums
/// no report) or not given at all is a gap. Empty when no year has values.
pub fn key_figures(
    id: &str,
    subject: &str,
    table_id: &str,
    table_name: &str,
    reports: &[(u16, Option<[u64; 6]>)],
) -> String {
    let (Some(first), Some(last), true) = (
        reports.iter().map(|r| r.0).min(),
        reports.iter().map(|r| r.0).max(),
        reports.iter().any(|r| r.1.is_some()),
    ) else {
        return String::new();
    };
    let years: Vec<u16> = (first..=last).collect();
    let columns: Vec<Vec<Option<u64>>> = (0..FIGURE_LABELS.len())
        .map(|k| {
            years
                .iter()
                .map(|y| {
                    reports
                        .iter()
                        .find(|r| r.0 == *y)
                        .and_then(|r| r.1)
                        .map(|v| v[k])
                })
                .collect()
        })
        .collect();
    let series: Vec<Series> = FIGURE_LABELS
        .iter()
        .zip(&columns)
        .map(|(label, values)| Series { label, values })
        .collect();
    html(&Chart {
        id,
        subject,
        unit: "件",
        table_id,
        table_name,
        years: &years,
        series: &series,
    })
}

/// The chart as HTML; empty when it has no year or no series.
pub fn html(c: &Chart) -> String {
    if c.years.is_empty() || c.series.is_empty() {
        return String::new();
    }
    let span = match (c.years.first(), c.years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}—{b} 年"),
        (Some(a), _) => format!("{a} 年"),
        _ => String::new(),
    };
    let gaps = c
        .series
        .iter()
        .any(|s| (0..c.years.len()).any(|i| s.values.get(i).copied().flatten().is_none()));
    let mut o = String::with_capacity(2048 * c.series.len());
    let _ = write!(
        o,
        "<figure class=\"chart\" id=\"{id}\" aria-labelledby=\"{id}-caption\">\n<figcaption id=\"{id}-caption\">{subject}主要数据历年变化（{span}，单位：{unit}）。各图数据见<a href=\"#{table}\">“{name}”表</a>{gaps}。</figcaption>\n<div class=\"chart-grid\">\n",
        id = escape(c.id),
        subject = escape(c.subject),
        unit = escape(c.unit),
        table = escape(c.table_id),
        name = escape(c.table_name),
        gaps = if gaps { "；没有报告的年度在图中空缺，标为“无”" } else { "" },
    );
    for (k, s) in c.series.iter().enumerate() {
        panel(&mut o, c, k, s);
    }
    o.push_str("</div>\n</figure>\n");
    o
}

// The drawing, in the viewBox's units: at 320 CSS px one chart is about 290 px wide, so its
// 12-unit text reads at 14 px; wider screens show two or three in a row.
const W: f64 = 240.0;
const H: f64 = 150.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 116.0;
const RIGHT: f64 = 234.0;
const INK: &str = "#1b1b1b";
const MUTED: &str = "#4a4a4a";
const LINE: &str = "#0d3c6e";
const GRID: &str = "#d5dce3";

/// Appends a coordinate with one decimal at most (`{:.1}` formats floats the slow, exact way:
/// two thousand agency pages hold a hundred thousand coordinates).
fn num(o: &mut String, v: f64) {
    let tenths = (v * 10.0).round() as i64;
    let (whole, frac) = (tenths / 10, (tenths % 10).unsigned_abs());
    if tenths < 0 && whole == 0 {
        o.push('-');
    }
    let mut b = itoa::Buffer::new();
    o.push_str(b.format(whole));
    if frac != 0 {
        o.push('.');
        o.push_str(b.format(frac));
    }
}

/// Appends `<text x=".." y="..">text</text>`; the group around it gives its look.
fn text(o: &mut String, x: f64, y: f64, t: &str) {
    o.push_str("<text x=\"");
    num(o, x);
    o.push_str("\" y=\"");
    num(o, y);
    o.push_str("\">");
    o.push_str(t);
    o.push_str("</text>");
}

/// A step of 1, 2 or 5 × 10ⁿ giving at most four intervals up to `max`, and the top of the scale.
fn scale(max: u64) -> (u64, u64) {
    let mut step = 1u64;
    'find: for _ in 0..19 {
        for m in [1, 2, 5] {
            let s = step.saturating_mul(m);
            if s.saturating_mul(4) >= max {
                step = s;
                break 'find;
            }
        }
        step = step.saturating_mul(10);
    }
    let top = max.div_ceil(step).max(1).saturating_mul(step);
    (step, top)
}

fn panel(o: &mut String, c: &Chart, k: usize, s: &Series) {
    let pid = format!("{}-{}", c.id, k + 1);
    let title = format!("{}历年{}", c.subject, s.label);
    // The description states every value, gaps included, and where the table is (the title,
    // read just before it, names the figure).
    let mut desc = String::with_capacity(64 + 16 * c.years.len());
    let mut int = itoa::Buffer::new();
    for (i, y) in c.years.iter().enumerate() {
        if i > 0 {
            desc.push('，');
        }
        desc.push_str(int.format(*y));
        match s.values.get(i).copied().flatten() {
            Some(v) => {
                desc.push_str(" 年 ");
                desc.push_str(int.format(v));
            }
            None => desc.push_str(" 年无报告"),
        }
    }
    let _ = write!(
        desc,
        "（单位：{}）。数据见本页“{}”表。",
        c.unit, c.table_name
    );

    let n = c.years.len();
    let values = || s.values.iter().take(n).enumerate();
    let max = s.values.iter().flatten().copied().max().unwrap_or(0);
    let (step, top) = scale(max);
    let left = 10.0 + 7.0 * int.format(top).len() as f64;
    // Points stand clear of the scale's numbers and of the right edge.
    let (first, last) = (left + 16.0, RIGHT - 12.0);
    let x = |i: usize| {
        if n == 1 {
            (first + last) / 2.0
        } else {
            first + (last - first) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: u64| BOTTOM - (BOTTOM - TOP) * v as f64 / top as f64;

    let _ = write!(
        o,
        "<svg class=\"chart-panel\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{pid}-t\" aria-describedby=\"{pid}-d\">\n<title id=\"{pid}-t\">{}</title>\n<desc id=\"{pid}-d\">{}</desc>\n<g aria-hidden=\"true\" font-size=\"12\">\n",
        escape(&title),
        escape(&desc)
    );
    // The series' own label, in the chart: what tells it from the others.
    let _ = writeln!(
        o,
        "<text x=\"4\" y=\"18\" font-size=\"14\" font-weight=\"bold\" fill=\"{INK}\">{}<tspan font-weight=\"normal\" fill=\"{MUTED}\" font-size=\"12\">（{}）</tspan></text>",
        escape(s.label),
        escape(c.unit)
    );
    // Grid lines: the zero line darker; the scale's numbers beside them.
    let _ = write!(
        o,
        "<path d=\"M{left} {BOTTOM}H{RIGHT}\" stroke=\"{MUTED}\"/>"
    );
    let mut grid = String::new();
    let mut scale_text = String::new();
    let mut t = 0;
    while t <= top {
        if t > 0 {
            grid.push('M');
            num(&mut grid, left);
            grid.push(' ');
            num(&mut grid, y(t));
            grid.push('H');
            num(&mut grid, RIGHT);
        }
        text(&mut scale_text, left - 4.0, y(t) + 4.0, int.format(t));
        t += step;
    }
    if !grid.is_empty() {
        let _ = write!(o, "<path d=\"{grid}\" stroke=\"{GRID}\"/>");
    }
    let _ = writeln!(
        o,
        "\n<g fill=\"{MUTED}\" text-anchor=\"end\">{scale_text}</g>"
    );
    // Years: every one when they fit, else every few, counted back from the newest; 无 where a
    // year has no report.
    let room = if n > 1 {
        (last - first) / (n - 1) as f64
    } else {
        W
    };
    let every = (32.0 / room).ceil().max(1.0) as usize;
    let _ = write!(o, "<g fill=\"{MUTED}\" text-anchor=\"middle\">");
    for (i, yr) in c.years.iter().enumerate() {
        if (n - 1 - i) % every == 0 {
            text(o, x(i), BOTTOM + 18.0, int.format(*yr));
        }
    }
    for (i, v) in values() {
        if v.is_none() {
            text(o, x(i), BOTTOM - 6.0, "无");
        }
    }
    o.push_str("</g>\n");
    // The line, broken where a year has no value; a dot at every value (a zero-length stroke
    // with round caps), and the value above it.
    let mut line = String::new();
    let mut dots = String::new();
    let mut open = false;
    for (i, v) in values() {
        match v {
            Some(v) => {
                for (d, lead) in [(&mut line, if open { 'L' } else { 'M' }), (&mut dots, 'M')] {
                    d.push(lead);
                    num(d, x(i));
                    d.push(' ');
                    num(d, y(*v));
                }
                dots.push_str("h0");
                open = true;
            }
            None => open = false,
        }
    }
    if !line.is_empty() {
        let _ = writeln!(
            o,
            "<path class=\"chart-line\" d=\"{line}\" fill=\"none\" stroke=\"{LINE}\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n<path class=\"chart-mark\" d=\"{dots}\" stroke=\"{LINE}\" stroke-width=\"8\" stroke-linecap=\"round\"/>"
        );
    }
    let label_all = n <= 8;
    let _ = write!(o, "<g fill=\"{INK}\" text-anchor=\"middle\">");
    for (i, v) in values() {
        if let Some(v) = v {
            if label_all || i + 1 == n {
                text(o, x(i), y(*v) - 8.0, int.format(*v));
            }
        }
    }
    o.push_str("</g>\n</g>\n</svg>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_have_one_decimal_at_most() {
        let d = |v: f64| {
            let mut o = String::new();
            num(&mut o, v);
            o
        };
        assert_eq!(d(12.0), "12");
        assert_eq!(d(12.34), "12.3");
        assert_eq!(d(12.36), "12.4");
        assert_eq!(d(-0.4), "-0.4");
        assert_eq!(d(-3.5), "-3.5");
    }

    #[test]
    fn scales_end_on_a_round_number() {
        assert_eq!(scale(0), (1, 1));
        assert_eq!(scale(3), (1, 3));
        assert_eq!(scale(55), (20, 60));
        assert_eq!(scale(100), (50, 100));
        assert_eq!(scale(u64::MAX).1, u64::MAX);
    }

    #[test]
    fn a_year_without_a_report_is_a_gap_not_a_zero() {
        let html = key_figures(
            "c",
            "某局",
            "t",
            "历年数据",
            &[(2022, Some([5, 4, 3, 2, 1, 0])), (2020, Some([1; 6]))],
        );
        assert_eq!(html.matches("<svg").count(), 6);
        assert!(html.contains(
            "<desc id=\"c-1-d\">2020 年 1，2021 年无报告，2022 年 5（单位：件）。数据见本页“历年数据”表。</desc>"
        ));
        // The first chart's line has two pieces, one point each, and no point at 2021.
        let first = &html[..html.find("</svg>").unwrap()];
        let path = |class: &str| {
            let at = first.find(&format!("class=\"{class}\" d=\"")).unwrap();
            first[at..].split('"').nth(3).unwrap().to_string()
        };
        let (line, dots) = (path("chart-line"), path("chart-mark"));
        assert_eq!(line.matches('M').count(), 2, "{line}");
        assert!(!line.contains('L'), "{line}");
        assert_eq!(dots.matches("h0").count(), 2, "{dots}");
        assert!(first.contains(">无</text>"));
        assert_eq!(key_figures("c", "某局", "t", "x", &[]), "");
        // A year given without values is a gap too, and the years run to it.
        let html = key_figures("c", "某县", "t", "x", &[(2021, None), (2020, Some([2; 6]))]);
        assert!(html.contains("2020 年 2，2021 年无报告（"), "{html}");
        assert_eq!(key_figures("c", "某县", "t", "x", &[(2021, None)]), "");
    }

    #[test]
    fn text_is_escaped() {
        let html = key_figures("c", "<b>局", "t\"", "表&", &[(2020, Some([0; 6]))]);
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;b&gt;局"));
        assert!(html.contains("表&amp;"));
    }
}
