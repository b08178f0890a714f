//! Writes the 与上年对比 section (its table is generated, like the official tables: no per-row
//! template work on every report page).

use std::fmt::Write;

use super::view::ComparisonView;
use crate::markdown::escape;

/// The section: a note and the table, or 无上年报告.
pub fn comparison_html(c: &ComparisonView) -> String {
    let mut o = String::with_capacity(4096);
    o.push_str(
        "<section id=\"compare\" class=\"compare\" aria-labelledby=\"compare-h\">\n<h2 id=\"compare-h\">与上年对比</h2>\n",
    );
    let Some(p) = &c.previous else {
        o.push_str("<p>无上年报告。</p>\n</section>");
        return o;
    };
    let _ = writeln!(
        o,
        "<p>与<a href=\"{}\">{} 年度</a>{}相比。增减幅度按上年数计算，上年为 0 时不计算（—）；某一年度格式没有的项目记为 —。</p>",
        escape(&p.url),
        p.year,
        if c.previous_draft { "（草稿）" } else { "" }
    );
    let _ = write!(
        o,
        "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"compare-caption\" tabindex=\"0\">\n<table class=\"compare-table\">\n<caption id=\"compare-caption\">{} 年度与 {} 年度主要数据对比<span class=\"unit\">（单位：件；金额单位：万元）</span></caption>\n",
        c.year, p.year
    );
    o.push_str("<thead><tr><th scope=\"col\">项目</th><th scope=\"col\" class=\"num\">本年</th><th scope=\"col\" class=\"num\">上年</th><th scope=\"col\" class=\"num\">增减</th><th scope=\"col\" class=\"num\">增减幅度</th></tr></thead>\n<tbody>\n");
    for row in &c.rows {
        o.push_str("<tr><th scope=\"row\">");
        o.push_str(&escape(&row.label));
        o.push_str("</th>");
        // The values are numbers, signs and `—`, made here: nothing to escape.
        for v in [&row.now, &row.before, &row.change, &row.rate] {
            o.push_str("<td class=\"num\">");
            o.push_str(v);
            o.push_str("</td>");
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n</div>\n</section>");
    o
}
