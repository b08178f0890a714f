//! Times the stages of `nianbao check` one by one, single-threaded, on a site's reports: a
//! profiling aid for the issue "Performance at national scale" (see docs/benchmarks.md).
//!
//! ```sh
//! cargo run --release --example check_stages -- /dev/shm/nb-1k [ROUNDS]
//! ```
//!
//! Each stage runs over every report file (already in memory, except for `read`); the times are
//! the best of ROUNDS (default 3) and are per whole corpus. Stages overlap: `check_report`
//! includes `frontmatter::parse` and `markdown::sections`, which include the YAML parsers.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use nianbao::site::{self, LoadOptions};
use nianbao::validate::{self, FileContext};
use nianbao::{frontmatter, markdown, source};

fn best<F: FnMut()>(rounds: usize, mut f: F) -> Duration {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: check_stages SITE_DIR [ROUNDS]"));
    let rounds: usize = args
        .next()
        .map_or(3, |s| s.parse().expect("ROUNDS is a number"));
    let tree = source::scan(&root).expect("scan content/");
    let files: Vec<(String, String)> = tree
        .agencies
        .iter()
        .flat_map(|a| a.reports.iter().map(move |f| (a.slug.clone(), f.clone())))
        .collect();
    let n = files.len();
    let texts: Vec<String> = files
        .iter()
        .map(|(_, f)| source::read(&root, f).expect("read").expect("UTF-8"))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{n} reports, {:.1} MB, best of {rounds}",
        bytes as f64 / 1e6
    );

    let mut rows: Vec<(&str, Duration)> = Vec::new();
    rows.push((
        "source::scan",
        best(rounds, || {
            std::hint::black_box(source::scan(&root).unwrap());
        }),
    ));
    rows.push((
        "source::read (all files)",
        best(rounds, || {
            for (_, f) in &files {
                std::hint::black_box(source::read(&root, f).unwrap().unwrap());
            }
        }),
    ));
    rows.push((
        "frontmatter::split",
        best(rounds, || {
            for t in &texts {
                std::hint::black_box(frontmatter::split(t).unwrap());
            }
        }),
    ));
    rows.push((
        "saphyr events alone",
        best(rounds, || {
            for t in &texts {
                let s = frontmatter::split(t).unwrap();
                for ev in saphyr_parser::Parser::new_from_str(s.yaml) {
                    std::hint::black_box(ev.unwrap());
                }
            }
        }),
    ));
    rows.push((
        "frontmatter::parse",
        best(rounds, || {
            for t in &texts {
                let s = frontmatter::split(t).unwrap();
                std::hint::black_box(frontmatter::parse(s.yaml, s.yaml_line).unwrap());
            }
        }),
    ));
    rows.push((
        "markdown::sections",
        best(rounds, || {
            for t in &texts {
                let s = frontmatter::split(t).unwrap();
                std::hint::black_box(markdown::sections(s.body, s.body_line));
            }
        }),
    ));
    let this_year = LoadOptions::default().this_year;
    rows.push((
        "validate::read_report",
        best(rounds, || {
            for ((slug, file), t) in files.iter().zip(&texts) {
                let ctx = FileContext {
                    file,
                    slug,
                    this_year,
                };
                std::hint::black_box(validate::read_report(&ctx, t));
            }
        }),
    ));
    rows.push((
        "validate::check_report",
        best(rounds, || {
            for ((slug, file), t) in files.iter().zip(&texts) {
                let ctx = FileContext {
                    file,
                    slug,
                    this_year,
                };
                std::hint::black_box(validate::check_report(&ctx, t));
            }
        }),
    ));
    let site = site::load(&root, LoadOptions::default()).expect("load");
    let agencies = site
        .agencies
        .iter()
        .map(|a| (a.slug.clone(), a.clone()))
        .collect();
    rows.push((
        "validate::check_site",
        best(rounds, || {
            std::hint::black_box(validate::check_site(&site.reports, &agencies));
        }),
    ));
    rows.push((
        "site::load (parallel, whole)",
        best(rounds, || {
            std::hint::black_box(site::load(&root, LoadOptions::default()).unwrap());
        }),
    ));

    println!("| stage | total ms | µs per report |");
    println!("|---|---:|---:|");
    for (name, d) in rows {
        let ms = d.as_secs_f64() * 1e3;
        println!("| {name} | {ms:.1} | {:.1} |", ms * 1e3 / n as f64);
    }
}
