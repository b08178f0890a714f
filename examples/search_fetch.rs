//! Bytes a reader's browser fetches for one query on `/search/`, from a built site: the page and
//! its styles and scripts, the index files the script reads (entry, one shard per term, the
//! lists of record paths of the first results) and the records of the first ten results; and
//! the report found first.
//! A benchmark aid (docs/benchmarks.md), not a test.
//!
//! ```sh
//! cargo run --release --example search_fetch -- DIR [QUERY…]
//! ```
//! DIR is a build's output folder; the default queries are the four of site.md.

use std::path::Path;

/// Results the page shows at first (`PAGE` of assets/search.js).
const SHOWN: usize = 10;

fn size(dir: &Path, rel: &str) -> u64 {
    std::fs::metadata(dir.join(rel)).map_or(0, |m| m.len())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: search_fetch DIR [QUERY…]");
        std::process::exit(2);
    };
    let dir = Path::new(&dir);
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = ["教育局", "2023", "信息处理费", "依申请公开"]
            .map(String::from)
            .to_vec();
    }
    let page: u64 = [
        "search/index.html",
        "assets/nianbao.css",
        "assets/nianbao.js",
        "assets/search.js",
    ]
    .iter()
    .map(|f| size(dir, f))
    .sum();
    let index = dir.join(nianbao::search::INDEX_DIR);
    println!("| query | found | shown | first | index files (KB) | records (KB) | page and assets (KB) | total (KB) |");
    println!("|---|---:|---:|---|---:|---:|---:|---:|");
    for q in &queries {
        let mut read_bytes = 0u64;
        let mut read = |name: &str| {
            let b = std::fs::read(index.join(name)).ok()?;
            read_bytes += b.len() as u64;
            Some(b)
        };
        let found = nianbao::search::query_with(&mut read, q, SHOWN);
        let all = nianbao::search::query_with(
            &mut |name: &str| std::fs::read(index.join(name)).ok(),
            q,
            usize::MAX,
        )
        .len();
        let records: u64 = found.iter().map(|r| size(dir, r)).sum();
        let kb = |b: u64| b as f64 / 1024.0;
        // `search/r/<slug>/<year>.json` → `<slug>/<year>/`
        let first = found.first().map_or(String::from("–"), |r| {
            r.trim_start_matches("search/r/").replace(".json", "/")
        });
        println!(
            "| {q} | {all} | {} | {first} | {:.1} | {:.1} | {:.1} | {:.1} |",
            found.len(),
            kb(read_bytes),
            kb(records),
            kb(page),
            kb(read_bytes + records + page)
        );
    }
}
