//! Times `nianbao import` (issue "Import"): one report of each kind read and converted in
//! memory, and a folder of mixed documents imported into a site, as `nianbao import` does it.
//!
//! ```sh
//! cargo run --release --example import_bench -- [FILES] [ROUNDS]
//! ```
//!
//! The documents are made from the reports of the sample site (`content/`): Word files in the
//! official template's layout, gb2312 portal pages with layout tables, text copies with broken
//! lines (the writers of `tests/support/`), each under its own agency name so that every file
//! makes a new agency. FILES (default 1000) documents go to a temporary folder, which is
//! imported into a copy of the sample site; ROUNDS (default 5) rounds of the per-report times.

use std::path::Path;
use std::time::{Duration, Instant};

use nianbao::import::{self, Kind, Options};
use nianbao::site::{self, LoadOptions};

#[path = "../tests/support/docx.rs"]
mod docx;
#[path = "../tests/support/html.rs"]
mod html;
#[path = "../tests/support/text.rs"]
mod text;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let files: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let rounds: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = std::env::temp_dir().join(format!("nianbao-import-bench-{}", std::process::id()));
    let site_dir = tmp.join("site");
    copy_dir(&repo.join("content"), &site_dir.join("content"));
    copy_dir(&repo.join("themes"), &site_dir.join("themes"));
    std::fs::copy(repo.join("site.toml"), site_dir.join("site.toml")).unwrap();
    let loaded = site::Inputs::load(&site_dir, LoadOptions::default(), true, None).unwrap();
    let whole = loaded.whole_reports();
    let reports: Vec<&nianbao::report::Report> = whole
        .iter()
        .map(|r| &**r)
        .filter(|r| !r.draft && r.agency.starts_with("示例县"))
        .collect();

    // One report of each kind, in memory.
    let r = reports[reports.len() / 2];
    let kinds = [
        (Kind::Word, "Word", docx::official(r).bytes()),
        (
            Kind::Html,
            "HTML",
            html::gb2312(&html::portal(r, Default::default())),
        ),
        (Kind::Text, "text", text::copy(r).into_bytes()),
    ];
    println!(
        "one report ({}, {} bytes of Word), best of {rounds}:",
        r.file,
        kinds[0].2.len()
    );
    for (kind, name, bytes) in &kinds {
        let best = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                let doc = match kind {
                    Kind::Word => import::read_docx(bytes).unwrap(),
                    k => import::read_bytes(*k, bytes),
                };
                import::convert(&doc, "bench", &Options::default()).unwrap();
                t.elapsed()
            })
            .min()
            .unwrap_or(Duration::ZERO);
        println!("  {name:5} {:>8.2} ms", best.as_secs_f64() * 1000.0);
    }

    // A folder of mixed documents, each a new agency.
    let dir = tmp.join("docs");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..files {
        let mut r = reports[i % reports.len()].clone();
        let name = format!("示例县第{i}号机关");
        r.title = r.title.replacen(&r.agency, &name, 1);
        r.agency = name;
        let (ext, bytes) = match i % 3 {
            0 => ("docx", docx::official(&r).bytes()),
            1 => ("html", html::gb2312(&html::portal(&r, Default::default()))),
            _ => ("txt", text::copy(&r).into_bytes()),
        };
        std::fs::write(dir.join(format!("{i:05}.{ext}")), bytes).unwrap();
    }
    let t = Instant::now();
    let mut out = Vec::new();
    let code = nianbao::cli::import(
        Some(&site_dir),
        &Options::default(),
        false,
        false,
        std::slice::from_ref(&dir),
        &mut out,
        &mut std::io::sink(),
        false,
    );
    let took = t.elapsed();
    let summary = String::from_utf8_lossy(&out);
    println!(
        "a folder of {files} mixed documents (Word, HTML, text): {:.2} s, exit {code}\n  {}",
        took.as_secs_f64(),
        summary.lines().last().unwrap_or("")
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
