//! A small test-only writer of Word files: minimal WordprocessingML in a zip, enough to look
//! like what Word saves from the official template (styles, tables with gridSpan and vMerge,
//! tracked changes), and documents built from a report's figures in the template's layout.
#![allow(dead_code)]

use std::io::Write;

use nianbao::format::{AppRowKind, FormatDef};
use nianbao::report::Report;

/// How a cell merges with the cells above it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum V {
    No,
    Restart,
    Continue,
}

/// A table cell: text, grid span, vertical merge.
#[derive(Clone)]
pub struct C(pub String, pub u32, pub V);

pub fn c(text: impl ToString) -> C {
    C(text.to_string(), 1, V::No)
}

pub fn span(text: impl ToString, n: u32) -> C {
    C(text.to_string(), n, V::No)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Runs of a text: lines become `w:br`.
fn runs(text: &str) -> String {
    text.split('\n')
        .map(|l| format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", esc(l)))
        .collect::<Vec<_>>()
        .join("<w:r><w:br/></w:r>")
}

#[derive(Default)]
pub struct Docx {
    body: String,
}

impl Docx {
    pub fn para(&mut self, text: &str) -> &mut Self {
        self.body.push_str(&format!("<w:p>{}</w:p>", runs(text)));
        self
    }

    pub fn heading(&mut self, text: &str, level: u8) -> &mut Self {
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"{level}\"/></w:pPr>{}</w:p>",
            runs(text)
        ));
        self
    }

    /// Raw WordprocessingML inside the body.
    pub fn raw(&mut self, xml: &str) -> &mut Self {
        self.body.push_str(xml);
        self
    }

    pub fn table(&mut self, rows: &[Vec<C>]) -> &mut Self {
        self.body
            .push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"a3\"/></w:tblPr>");
        for row in rows {
            self.body.push_str("<w:tr>");
            for C(text, span, v) in row {
                let mut pr = String::new();
                if *span > 1 {
                    pr.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
                }
                match v {
                    V::Restart => pr.push_str("<w:vMerge w:val=\"restart\"/>"),
                    V::Continue => pr.push_str("<w:vMerge/>"),
                    V::No => {}
                }
                let paras: String = text
                    .split('\n')
                    .map(|l| {
                        format!(
                            "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>{}</w:p>",
                            runs(l)
                        )
                    })
                    .collect();
                self.body
                    .push_str(&format!("<w:tc><w:tcPr>{pr}</w:tcPr>{paras}</w:tc>"));
            }
            self.body.push_str("</w:tr>");
        }
        self.body.push_str("</w:tbl>");
        self
    }

    pub fn document_xml(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{}<w:sectPr/></w:body></w:document>",
            self.body
        )
    }

    pub fn bytes(&self) -> Vec<u8> {
        zip_of(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", RELS.as_bytes()),
            ("word/_rels/document.xml.rels", DOC_RELS.as_bytes()),
            ("word/document.xml", self.document_xml().as_bytes()),
            ("word/styles.xml", STYLES.as_bytes()),
        ])
    }
}

/// A zip of the given entries, deflated.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
/// Chinese Word names its heading styles by number.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/></w:style></w:styles>"#;

/// Table 二 in the template's layout: a full-width block title, its headers, its rows.
pub fn active_rows(f: &FormatDef, r: &Report) -> Vec<Vec<C>> {
    let mut rows = Vec::new();
    for b in f.active.blocks {
        rows.push(vec![span(b.title, 4)]);
        let mut head = vec![c(f.active.content_header)];
        let n = b.columns.len() as u32;
        for (i, col) in b.columns.iter().enumerate() {
            let w = if i + 1 == b.columns.len() { 4 - n } else { 1 };
            head.push(span(col.header(), w.max(1)));
        }
        rows.push(head);
        for row in b.rows {
            let mut cells = vec![c(row.label)];
            let v = &r.active[row.key];
            for (i, x) in v.iter().enumerate() {
                let w = if i + 1 == v.len() { 4 - n } else { 1 };
                cells.push(span(x, w.max(1)));
            }
            rows.push(cells);
        }
    }
    rows
}

/// Table 三 in the template's layout: three label columns, vMerge for the groups.
pub fn applications_rows(f: &FormatDef, r: &Report) -> Vec<Vec<C>> {
    let t = &f.applications;
    let cont = |n| C(String::new(), n, V::Continue);
    let mut rows = vec![
        vec![C(t.note.into(), 3, V::Restart), span(t.applicant_header, 7)],
        vec![
            cont(3),
            C(t.columns[0].into(), 1, V::Restart),
            span(t.legal_person_header, 5),
            C(t.total_label.into(), 1, V::Restart),
        ],
        {
            let mut row = vec![cont(3), cont(1)];
            row.extend(t.columns[1..].iter().map(c));
            row.push(cont(1));
            row
        },
    ];
    let values =
        |path: &str| -> Vec<C> { r.application_row(path).unwrap().iter().map(c).collect() };
    let mut first_result = true;
    let mut group_open = false;
    for def in t.rows {
        match (def.depth(), def.kind) {
            (0, AppRowKind::Group) => {}
            (0, _) => {
                let mut row = vec![span(def.label, 3)];
                row.extend(values(def.path));
                rows.push(row);
            }
            (1, AppRowKind::Group) => group_open = true,
            (1, _) => {
                let head = if first_result {
                    C(
                        t.rows
                            .iter()
                            .find(|g| g.path == "results")
                            .unwrap()
                            .label
                            .into(),
                        1,
                        V::Restart,
                    )
                } else {
                    cont(1)
                };
                first_result = false;
                group_open = false;
                let mut row = vec![head, span(def.label, 2)];
                row.extend(values(def.path));
                rows.push(row);
            }
            _ => {
                let parent = f.app_row(def.parent().unwrap()).unwrap();
                let head = if first_result {
                    C(
                        t.rows
                            .iter()
                            .find(|g| g.path == "results")
                            .unwrap()
                            .label
                            .into(),
                        1,
                        V::Restart,
                    )
                } else {
                    cont(1)
                };
                first_result = false;
                let group = if group_open {
                    C(parent.label.into(), 1, V::Restart)
                } else {
                    cont(1)
                };
                group_open = false;
                let mut row = vec![head, group, c(def.label)];
                row.extend(values(def.path));
                rows.push(row);
            }
        }
    }
    rows
}

/// Table 四: three header rows and the row of fifteen values.
pub fn appeals_rows(f: &FormatDef, r: &Report) -> Vec<Vec<C>> {
    let a = &f.appeals;
    let mut heads = Vec::new();
    let mut values = Vec::new();
    for g in a.groups {
        heads.extend(a.columns.iter().map(c));
        heads.push(c(a.total_label));
        values.extend(r.appeals[g.key].with_total().iter().map(c));
    }
    vec![
        vec![
            C(a.groups[0].headers[0].into(), 5, V::Restart),
            span(a.groups[1].headers[0], 10),
        ],
        vec![
            C(String::new(), 5, V::Continue),
            span(a.groups[1].headers[1], 5),
            span(a.groups[2].headers[1], 5),
        ],
        heads,
        values,
    ]
}

/// A Word file of a report in the official template's layout: title, the six sections, the
/// three tables, the body's paragraphs.
pub fn official(r: &Report) -> Docx {
    let f = r.format;
    let mut d = Docx::default();
    d.heading(&r.title, 1);
    for (i, s) in f.sections.iter().enumerate() {
        d.heading(&s.heading(), 2);
        match i {
            1 => {
                d.table(&active_rows(f, r));
            }
            2 => {
                d.table(&applications_rows(f, r));
            }
            3 => {
                d.table(&appeals_rows(f, r));
            }
            _ => {}
        }
        if let (5, Some(fees), Some(pf)) = (i, &f.processing_fees, &r.processing_fees) {
            d.para(
                &fees
                    .sentence
                    .replace("{notices}", &pf.notices.to_string())
                    .replace("{amount}", &pf.amount.to_string()),
            );
        }
        if let Some(sec) = r.body.section(f.sections[i].numeral) {
            for p in sec
                .markdown
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                d.para(p);
            }
        }
    }
    d
}
