//! Property tests of import: whatever bytes a `.docx`, `.html` or `.txt` holds — random bytes,
//! random XML in a real zip, random tables of official labels and numbers — reading and
//! converting never panics, and a report that comes out reads back, with N006 wherever a value
//! is null.

use nianbao::format::{F2019, F2021};
use nianbao::import::{self, Kind, Options};
use nianbao::site::LoadOptions;
use nianbao::validate::{check_report, FileContext};
use proptest::prelude::*;
use proptest::test_runner::Config;

#[path = "support/docx.rs"]
mod docx;

fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Converts a document; what comes out must read back, with N006 at every null.
fn convert_and_check(doc: &import::Document) {
    let opts = Options {
        agency: Some("某局".into()),
        year: Some(2021),
        ..Default::default()
    };
    let Ok(imported) = import::convert(doc, "x", &opts) else {
        return;
    };
    let ctx = FileContext {
        file: "content/x/2021.md",
        slug: "x",
        this_year: LoadOptions::default().this_year,
    };
    let (_, diags) = check_report(&ctx, &imported.written.text);
    let text = &imported.written.text;
    for (i, line) in text.lines().enumerate() {
        if line.contains("null,") || line.contains("null]") {
            let n = i as u32 + 1;
            assert!(
                diags
                    .iter()
                    .any(|d| d.code.as_str() == "N006" && d.line == n),
                "no N006 at line {n}:\n{text}\n{diags:#?}"
            );
        }
    }
    for d in &diags {
        let _ = imported.locate(d.line, d.column);
    }
    for l in 0..text.lines().count() as u32 + 2 {
        let _ = imported.locate(l, 1);
    }
}

/// Pieces real tables are made of.
fn piece() -> impl Strategy<Value = String> {
    let labels: Vec<String> = [&F2019, &F2021]
        .iter()
        .flat_map(|f| {
            let mut v: Vec<String> = f.active_rows().map(|(_, r)| r.label.to_string()).collect();
            v.extend(f.applications.rows.iter().map(|r| r.label.to_string()));
            v.extend(f.active.blocks.iter().map(|b| b.title.to_string()));
            v.extend(f.appeals.columns.iter().map(|c| c.to_string()));
            v.extend(f.sections.iter().map(|s| s.heading()));
            v
        })
        .collect();
    prop_oneof![
        proptest::sample::select(labels),
        "[0-9]{1,3}",
        Just("00".to_string()),
        Just("".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just(" | ".to_string()),
        Just("|\n".to_string()),
        Just("—".to_string()),
        Just("1,234".to_string()),
        Just("251000元".to_string()),
        "[一-龥，。（）]{0,12}",
    ]
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn arbitrary_bytes_as_any_document(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = import::read_docx(&bytes);
        for kind in [Kind::Html, Kind::Text] {
            convert_and_check(&import::read_bytes(kind, &bytes));
        }
    }

    #[test]
    fn arbitrary_xml_in_a_real_zip(xml in "(<w:(p|r|t|tbl|tr|tc|ins|del|vMerge|gridSpan w:val=\"[0-9]{1,6}\"|gridBefore w:val=\"9\"|numPr|numId w:val=\"1\"|pStyle w:val=\"1\")/?>|</w:(p|r|t|tbl|tr|tc|ins|del)>|[一-龥0-9]{0,4}|&amp;|&#[0-9]{1,7};){0,80}") {
        let doc = format!("<w:document xmlns:w=\"w\"><w:body>{xml}</w:body></w:document>");
        let bytes = docx::zip_of(&[("word/document.xml", doc.as_bytes())]);
        if let Ok(d) = import::read_docx(&bytes) {
            convert_and_check(&d);
        }
    }

    #[test]
    fn random_tables_of_labels_and_numbers(pieces in proptest::collection::vec(piece(), 0..120)) {
        let text = pieces.join("");
        convert_and_check(&import::read_bytes(Kind::Text, text.as_bytes()));
        let html = pieces
            .iter()
            .enumerate()
            .map(|(i, p)| match i % 5 {
                0 => format!("<tr><td rowspan=\"{}\">{p}</td>", i % 4),
                1 => format!("<td colspan=\"{}\">{p}<br>{p}</td></tr>", i % 7),
                2 => format!("<p>{p}</p><table>"),
                3 => format!("</table><caption>{p}</caption>"),
                _ => format!("<th>{p}&nbsp;</th>"),
            })
            .collect::<String>();
        convert_and_check(&import::read_bytes(Kind::Html, html.as_bytes()));
        let mut d = docx::Docx::default();
        let rows: Vec<Vec<docx::C>> = pieces.chunks(7).map(|c| c.iter().map(docx::c).collect()).collect();
        d.para(pieces.first().map_or("", String::as_str)).table(&rows);
        convert_and_check(&import::read_docx(&d.bytes()).unwrap());
    }
}

#[test]
fn deep_nesting_and_wide_spans_are_bounded() {
    let deep = "<div>".repeat(100_000) + "一、总体情况" + &"</div>".repeat(100_000);
    convert_and_check(&import::read_bytes(Kind::Html, deep.as_bytes()));
    let wide = format!(
        "<table><tr><td colspan=1000 rowspan=100000>规章</td>{}</tr></table>",
        "<td colspan=1000>0</td>".repeat(300)
    );
    convert_and_check(&import::read_bytes(Kind::Html, wide.as_bytes()));
    let cells = "0\t".repeat(300_000);
    let doc = import::read_bytes(Kind::Text, cells.as_bytes());
    assert!(doc.refused.is_some());
}
