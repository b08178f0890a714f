//! Time of the narrative's HTML path (Markdown, then the sanitiser) on raw HTML nested without
//! end: `<div>` repeated N times, as in issue 11 (100 000 of them, 500 KB, took 35 s). With the
//! nesting bounded (`markdown::MAX_HTML_DEPTH`) the time grows with N, not N²: each doubling of
//! N should about double the time. Also the same tags closed as they go, for comparison.
//!
//! ```sh
//! cargo bench --bench nested_html               # N = 12 500 … 200 000
//! cargo bench --bench nested_html -- 100000     # one N
//! ```

use std::time::Instant;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![12_500, 25_000, 50_000, 100_000, 200_000]
    } else {
        sizes
    };
    println!("| N | KB | nested (ms) | closed (ms) | nested ms per 10 000 tags |");
    println!("|---:|---:|---:|---:|---:|");
    for n in sizes {
        let nested = format!("## 一、总体情况\n\n{}\n", "<div>".repeat(n));
        let closed = format!("## 一、总体情况\n\n{}\n", "<div>a</div>".repeat(n / 2));
        let time = |text: &str| {
            let start = Instant::now();
            let html = nianbao::markdown::to_html(text, "", "");
            let ms = start.elapsed().as_secs_f64() * 1e3;
            std::hint::black_box(html);
            ms
        };
        let (a, b) = (time(&nested), time(&closed));
        println!(
            "| {n} | {} | {a:.0} | {b:.0} | {:.1} |",
            nested.len() / 1024,
            a / (n as f64 / 10_000.0)
        );
    }
}
