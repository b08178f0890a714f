//! Text copies of a report for the tests, as they come out of a portal page: the title, the
//! sections, paragraphs broken mid-sentence by a blank line, and the tables as tab-separated
//! lines where merged label cells are left empty (as in `shared/samples/`).
#![allow(dead_code)]

use nianbao::format::AppRowKind;
use nianbao::report::Report;

/// Breaks a long paragraph in two in the middle of a sentence, with a blank line between.
fn broken(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    if chars.len() < 60 {
        return p.to_string();
    }
    // Not right after punctuation, so that the cut is mid-sentence.
    let mut at = chars.len() / 2;
    while at < chars.len() - 1 && "，。；、：“”（）".contains(chars[at - 1]) {
        at += 1;
    }
    let (a, b): (String, String) = (chars[..at].iter().collect(), chars[at..].iter().collect());
    format!("{a}\n\n{b}")
}

pub fn copy(r: &Report) -> String {
    let f = r.format;
    let mut o = format!("\n{}\n\n", r.title);
    if let Some(d) = r.published {
        o.push_str(&format!("发布日期：{d}\n\n"));
    }
    for (i, s) in f.sections.iter().enumerate() {
        o.push_str(&format!("{}\n\n", s.heading()));
        match i {
            1 => {
                for b in f.active.blocks {
                    o.push_str(&format!("{}\t\t\t\n", b.title));
                    let cols: Vec<String> = b.columns.iter().map(|c| c.header()).collect();
                    o.push_str(&format!(
                        "{}\t{}\n",
                        f.active.content_header,
                        cols.join("\t")
                    ));
                    for row in b.rows {
                        let v: Vec<String> =
                            r.active[row.key].iter().map(|n| n.to_string()).collect();
                        o.push_str(&format!("{}\t{}\n", row.label, v.join("\t")));
                    }
                }
                o.push('\n');
            }
            2 => {
                let t = &f.applications;
                o.push_str(&format!("{}\t{}\t\t\t\t\t\t\n", t.note, t.applicant_header));
                o.push_str(&format!(
                    "\t{}\t{}\t\t\t\t\t{}\n",
                    t.columns[0], t.legal_person_header, t.total_label
                ));
                o.push_str(&format!("\t\t{}\t\n", t.columns[1..].join("\t")));
                let mut group_shown = "";
                for def in t.rows {
                    if def.kind == AppRowKind::Group {
                        continue;
                    }
                    let v: Vec<String> = r
                        .application_row(def.path)
                        .unwrap()
                        .iter()
                        .map(|n| n.to_string())
                        .collect();
                    let label = match def.depth() {
                        0 => def.label.to_string(),
                        1 => format!("\t{}", def.label),
                        _ => {
                            let parent = def.parent().unwrap();
                            if group_shown != parent {
                                group_shown = parent;
                                format!("\t{}\t{}", f.app_row(parent).unwrap().label, def.label)
                            } else {
                                format!("\t\t{}", def.label)
                            }
                        }
                    };
                    o.push_str(&format!("{label}\t{}\n", v.join("\t")));
                }
                o.push('\n');
            }
            3 => {
                let a = &f.appeals;
                o.push_str(&format!(
                    "{}\t\t\t\t\t{}\n",
                    a.groups[0].headers[0], a.groups[1].headers[0]
                ));
                let heads: Vec<&str> = a.columns.iter().copied().chain([a.total_label]).collect();
                o.push_str(&format!(
                    "{}\t{}\t\t\t\t\t{}\n",
                    heads.join("\t"),
                    a.groups[1].headers[1],
                    a.groups[2].headers[1]
                ));
                o.push_str(&format!(
                    "\t\t\t\t\t{}\t{}\n",
                    heads.join("\t"),
                    heads.join("\t")
                ));
                let v: Vec<String> = a
                    .groups
                    .iter()
                    .flat_map(|g| r.appeals[g.key].with_total())
                    .map(|n| n.to_string())
                    .collect();
                o.push_str(&format!("{}\n\n", v.join("\t")));
            }
            _ => {}
        }
        if let (5, Some(fees), Some(pf)) = (i, &f.processing_fees, &r.processing_fees) {
            o.push_str(
                &fees
                    .sentence
                    .replace("{notices}", &pf.notices.to_string())
                    .replace("{amount}", &pf.amount.to_string()),
            );
            o.push_str("\n\n");
        }
        if let Some(sec) = r.body.section(s.numeral) {
            for p in sec
                .markdown
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                o.push_str(&broken(p));
                o.push_str("\n\n");
            }
        }
    }
    o
}
