//! Portal pages of a report for the tests, as county portals publish them: a gb2312 page of
//! nested layout tables around the article (site header, menu, footer), the report's tables
//! with rowspan and colspan, `<br>` inside header cells, `&nbsp;` in blank cells; or table 二
//! as one table per block with its caption, and table 三's note outside its grid.
#![allow(dead_code)]

use nianbao::format::{AppRowKind, FormatDef};
use nianbao::report::Report;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A long header broken as portals break them: `本年新<br>制作数量`.
fn broken(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 6 {
        return esc(s);
    }
    let half: String = chars[..3].iter().collect();
    let rest: String = chars[3..].iter().collect();
    format!("{}<br>\n{}", esc(&half), esc(&rest))
}

fn td(text: &str, attrs: &str) -> String {
    format!("<td{attrs}>{text}</td>")
}

/// Table 二: one table with a full-width row per block, or (`split`) one table per block with
/// its title as caption.
fn active(f: &FormatDef, r: &Report, split: bool) -> String {
    let mut o = String::new();
    if !split {
        o.push_str("<table border=\"1\" cellspacing=\"0\" width=\"100%\">\n");
    }
    for b in f.active.blocks {
        if split {
            o.push_str(&format!(
                "<table border=\"1\"><caption>{}</caption>\n",
                esc(b.title)
            ));
        } else {
            o.push_str(&format!(
                "<tr>{}</tr>\n",
                td(&esc(b.title), " colspan=\"4\"")
            ));
        }
        let n = b.columns.len();
        let last = if n < 3 {
            format!(" colspan=\"{}\"", 4 - n)
        } else {
            String::new()
        };
        o.push_str("<tr>");
        o.push_str(&td(&esc(f.active.content_header), ""));
        for (i, c) in b.columns.iter().enumerate() {
            o.push_str(&td(
                &broken(&c.header()),
                if i + 1 == n { &last } else { "" },
            ));
        }
        o.push_str("</tr>\n");
        for row in b.rows {
            o.push_str("<tr>");
            o.push_str(&td(&esc(row.label), ""));
            for (i, v) in r.active[row.key].iter().enumerate() {
                o.push_str(&td(&v.to_string(), if i + 1 == n { &last } else { "" }));
            }
            o.push_str("</tr>\n");
        }
        if split {
            o.push_str("</table>\n");
        }
    }
    if !split {
        o.push_str("</table>\n");
    }
    o
}

/// Table 三, with `blank` cells (zeros and 总计) left empty as `&nbsp;`.
fn applications(f: &FormatDef, r: &Report, split: bool, blank: bool) -> String {
    let t = &f.applications;
    let mut o = String::new();
    if split {
        o.push_str(&format!("<p>{}</p>\n", esc(t.note)));
    }
    o.push_str("<table border=\"1\" cellspacing=\"0\">\n<tr>");
    let corner = if split { String::new() } else { esc(t.note) };
    o.push_str(&td(&corner, " colspan=\"3\" rowspan=\"3\""));
    o.push_str(&td(&esc(t.applicant_header), " colspan=\"7\""));
    o.push_str("</tr>\n<tr>");
    o.push_str(&td(&esc(t.columns[0]), " rowspan=\"2\""));
    o.push_str(&td(&esc(t.legal_person_header), " colspan=\"5\""));
    o.push_str(&td(&esc(t.total_label), " rowspan=\"2\""));
    o.push_str("</tr>\n<tr>");
    for c in &t.columns[1..] {
        o.push_str(&td(&broken(c), ""));
    }
    o.push_str("</tr>\n");
    let results = t
        .rows
        .iter()
        .filter(|d| d.path.starts_with("results.") && d.kind != AppRowKind::Group)
        .count();
    let mut first_result = true;
    for (i, def) in t.rows.iter().enumerate() {
        if def.kind == AppRowKind::Group {
            continue;
        }
        o.push_str("<tr>");
        match def.depth() {
            0 => o.push_str(&td(&esc(def.label), " colspan=\"3\"")),
            1 => {
                if first_result {
                    o.push_str(&td(
                        &broken(t.rows.iter().find(|g| g.path == "results").unwrap().label),
                        &format!(" rowspan=\"{results}\""),
                    ));
                    first_result = false;
                }
                o.push_str(&td(&esc(def.label), " colspan=\"2\""));
            }
            _ => {
                if first_result {
                    o.push_str(&td(
                        &broken(t.rows.iter().find(|g| g.path == "results").unwrap().label),
                        &format!(" rowspan=\"{results}\""),
                    ));
                    first_result = false;
                }
                let parent = def.parent().unwrap();
                if t.rows[i - 1].path == parent {
                    let n = f.app_children(parent).count();
                    o.push_str(&td(
                        &esc(f.app_row(parent).unwrap().label),
                        &format!(" rowspan=\"{n}\""),
                    ));
                }
                o.push_str(&td(&esc(def.label), ""));
            }
        }
        let v = r.application_row(def.path).unwrap();
        for (k, x) in v.iter().enumerate() {
            let text = if blank && (*x == 0 || k == 6) {
                "&nbsp;".to_string()
            } else {
                x.to_string()
            };
            o.push_str(&td(&text, ""));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
    o
}

fn appeals(f: &FormatDef, r: &Report, totals_headed: bool) -> String {
    let a = &f.appeals;
    let mut o = String::from("<table border=\"1\">\n<tr>");
    o.push_str(&td(
        &esc(a.groups[0].headers[0]),
        " colspan=\"5\" rowspan=\"2\"",
    ));
    o.push_str(&td(&esc(a.groups[1].headers[0]), " colspan=\"10\""));
    o.push_str("</tr>\n<tr>");
    o.push_str(&td(&esc(a.groups[1].headers[1]), " colspan=\"5\""));
    o.push_str(&td(&esc(a.groups[2].headers[1]), " colspan=\"5\""));
    o.push_str("</tr>\n<tr>");
    for _ in a.groups {
        for c in a.columns {
            o.push_str(&td(&broken(c), ""));
        }
        o.push_str(&td(
            if totals_headed {
                a.total_label
            } else {
                "&nbsp;"
            },
            "",
        ));
    }
    o.push_str("</tr>\n<tr>");
    for g in a.groups {
        for v in r.appeals[g.key].with_total() {
            o.push_str(&td(&v.to_string(), ""));
        }
    }
    o.push_str("</tr>\n</table>\n");
    o
}

/// Options of a page.
#[derive(Default, Clone, Copy)]
pub struct Page {
    /// Table 二 as one table per block; table 三's note outside its grid.
    pub split: bool,
    /// Table 三's zeros and 总计 as blank cells.
    pub blank: bool,
    /// Table 四 without its 总计 headers.
    pub no_total_headers: bool,
}

/// The page (as text; encode it as the test needs).
pub fn portal(r: &Report, p: Page) -> String {
    let f = r.format;
    let mut article = String::new();
    for (i, s) in f.sections.iter().enumerate() {
        article.push_str(&format!(
            "<p style=\"text-indent:2em\"><strong>{}</strong></p>\n",
            esc(&s.heading())
        ));
        match i {
            1 => article.push_str(&active(f, r, p.split)),
            2 => article.push_str(&applications(f, r, p.split, p.blank)),
            3 => article.push_str(&appeals(f, r, !p.no_total_headers)),
            _ => {}
        }
        if let (5, Some(fees), Some(pf)) = (i, &f.processing_fees, &r.processing_fees) {
            article.push_str(&format!(
                "<p>{}</p>\n",
                fees.sentence
                    .replace("{notices}", &pf.notices.to_string())
                    .replace("{amount}", &pf.amount.to_string())
            ));
        }
        if let Some(sec) = r.body.section(s.numeral) {
            for para in sec
                .markdown
                .split("\n\n")
                .map(str::trim)
                .filter(|x| !x.is_empty())
            {
                article.push_str(&format!("<p>&nbsp;&nbsp;&nbsp;&nbsp;{}</p>\n", esc(para)));
            }
        }
    }
    let date = r.published.map(|d| d.to_string()).unwrap_or_default();
    format!(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html><head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\n<title>{title}_示例县人民政府</title>\n<script>var x = '一、总体情况';</script>\n</head>\n<body>\n<table width=\"1000\" align=\"center\"><tr><td colspan=\"2\"><img src=\"logo.gif\">示例县人民政府 | 首页 | 政务公开 | 办事服务</td></tr>\n<tr><td width=\"200\" valign=\"top\"><ul><li><a href=\"/zn\">政府信息公开指南</a></li><li><a href=\"/nb\">政府信息公开年报</a></li></ul></td>\n<td valign=\"top\"><table width=\"100%\"><tr><td class=\"title\">{title}</td></tr>\n<tr><td>发布时间：{date} 09:30&nbsp;&nbsp;来源：示例县人民政府办公室&nbsp;&nbsp;浏览次数：<span id=\"c\">12</span></td></tr>\n<tr><td class=\"content\">\n{article}</td></tr></table></td></tr>\n<tr><td colspan=\"2\">主办单位：示例县人民政府办公室&nbsp; 网站标识码：0000000000 &nbsp;【打印本页】【关闭窗口】</td></tr></table>\n</body></html>\n",
        title = esc(&r.title)
    )
}

/// The page encoded as gb2312 pages are (GBK, as browsers read that label).
pub fn gb2312(page: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(page);
    assert!(!unmappable, "the page has characters GBK lacks");
    bytes.into_owned()
}
