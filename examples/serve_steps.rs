//! Times serve's steps after a save, in process and without the watcher: a figure of one report
//! is changed on disk, then the changed file is checked again, the site assembled, planned
//! (against the last plan) and what changed written into a folder in place, as `serve` does
//! (the search index left out: serve makes it in the background). A profiling aid for the
//! serve targets (see docs/benchmarks.md); run it under `perf record` to see where a save goes.
//!
//! ```sh
//! TMPDIR=/dev/shm cargo run --release --example serve_steps -- /dev/shm/nb-10k [SAVES] [new|date]
//! ```
//!
//! The report edited is the newest of the first agency (its 行政许可 figure, as
//! `benches/serve_latency.rs --edit figure` does); it is restored at the end. With `new`, each
//! save is instead a copy of that report as the only report of a new agency folder (as
//! `--edit new` does), removed again after the save (untimed). With `date`, each save moves the
//! report's published date by a day and back (as `--edit date` does). The files the first save
//! writes are listed.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use nianbao::build::{self, BuildOptions};
use nianbao::plan::Written;
use nianbao::site::{Inputs, LoadOptions};
use nianbao::write::{InPlace, Writer};

// The allocator of the `nianbao` binary, so that the times are those of serve.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of the process so far (every thread, user and system), in clock ticks of 10 ms: summed
/// over the saves it says what a step costs apart from the machine's other load.
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command's closing parenthesis: fields 3.. ; utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)
}

/// Median and least, in ms (the least is the steadiest on a shared machine).
fn ms(mut v: Vec<Duration>) -> String {
    v.sort();
    let f = |d: Duration| d.as_secs_f64() * 1e3;
    format!("{:.1} (least {:.1})", f(v[v.len() / 2]), f(v[0]))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .expect("usage: serve_steps SITE_DIR [SAVES] [new|date]"),
    );
    let saves: usize = args
        .next()
        .map_or(20, |s| s.parse().expect("SAVES is a number"));
    let mode = args.next();
    let new = mode.as_deref() == Some("new");
    let date = mode.as_deref() == Some("date");
    let tree = nianbao::source::scan(&root).expect("scan content/");
    let file = tree
        .agencies
        .first()
        .and_then(|a| a.reports.iter().max())
        .expect("a report")
        .clone();
    let path = root.join(&file);
    let original = std::fs::read_to_string(&path).expect("read the report");
    let line = original
        .lines()
        .find(|l| {
            l.trim_start()
                .starts_with(if date { "published: " } else { "licensing: " })
        })
        .filter(|l| !l.contains('['))
        .expect("a licensing row of one figure (the 2021 edition)")
        .to_string();

    let opts = BuildOptions {
        drafts: true,
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..Default::default()
    };
    let mut inputs = Inputs::load(&root, LoadOptions::default(), true, None).expect("load");
    let site = inputs.assemble();
    let renderer = build::renderer(&root, &site.config, &opts).expect("templates");
    let settings = build::settings(&renderer, &site.config, &opts);
    let mut plan = build::plan(&site, &settings, None).expect("plan");
    let out = tempfile::tempdir().expect("a folder to write into");
    let sink = InPlace {
        dir: out.path().to_path_buf(),
        defer_search: true,
    };
    let mut written = Written::default();
    let list = std::cell::Cell::new(false);
    let mut write = |inputs: &Inputs, plan: &nianbao::plan::Plan| {
        let writer = Writer::new(&renderer, &sink, std::mem::take(&mut written));
        let whole = |file: &str| {
            inputs
                .report(file)
                .and_then(|c| c.report.clone())
                .ok_or_else(|| format!("no report {file}"))
        };
        let wrote = writer.write_plan(plan, &whole).expect("write");
        if list.take() {
            println!("the first save wrote {} files: {wrote:?}", wrote.len());
        }
        written = writer.into_written();
    };
    write(&inputs, &plan);

    let (mut reload, mut assemble, mut planning, mut writing) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // CPU ticks of each step, summed over the saves.
    let mut cpu = [0u64; 4];
    for i in 0..saves {
        let (changed, folder) = if new {
            // The folder as the watcher reports it, then the report in it.
            let folder = format!("content/steps-new-{i}");
            let name = file.rsplit('/').next().expect("a file name");
            std::fs::create_dir_all(root.join(&folder)).expect("make the folder");
            std::fs::write(root.join(&folder).join(name), &original).expect("write the report");
            let changed: BTreeSet<String> = [folder.clone(), format!("{folder}/{name}")].into();
            (changed, Some(folder))
        } else if date {
            // A day earlier, then back.
            let day: u32 = line.trim()[19..21].parse().expect("published: YYYY-MM-DD");
            let moved = format!(
                "{}{:02}",
                &line.trim()[..19],
                if day > 1 { day - 1 } else { 2 }
            );
            let text = if i % 2 == 0 {
                original.replace(&line, &moved)
            } else {
                original.clone()
            };
            std::fs::write(&path, text).expect("write the report");
            list.set(i == 0);
            ([file.clone()].into(), None)
        } else {
            let (key, _) = line.split_once(": ").expect("key: value");
            // Every save a new figure: the report stays valid, the roll-ups above it change.
            let text = original.replace(&line, &format!("{key}: {}", 1_000_000 + i));
            std::fs::write(&path, text).expect("write the report");
            ([file.clone()].into(), None)
        };
        let (t, c) = (Instant::now(), cpu_ticks());
        inputs.reload(&changed).expect("reload");
        reload.push(t.elapsed());
        let (t, c) = (Instant::now(), {
            cpu[0] += cpu_ticks() - c;
            cpu_ticks()
        });
        let site = inputs.assemble();
        assemble.push(t.elapsed());
        let (t, c) = (Instant::now(), {
            cpu[1] += cpu_ticks() - c;
            cpu_ticks()
        });
        plan = build::plan(&site, &settings, Some(&plan)).expect("plan");
        planning.push(t.elapsed());
        let (t, c) = (Instant::now(), {
            cpu[2] += cpu_ticks() - c;
            cpu_ticks()
        });
        write(&inputs, &plan);
        writing.push(t.elapsed());
        cpu[3] += cpu_ticks() - c;
        if let Some(folder) = folder {
            std::fs::remove_dir_all(root.join(&folder)).expect("remove the folder");
            inputs.reload(&changed).expect("reload");
            plan = build::plan(&inputs.assemble(), &settings, Some(&plan)).expect("plan");
            write(&inputs, &plan);
        }
    }
    std::fs::write(&path, &original).expect("restore the report");
    println!(
        "{saves} {} of {file}, medians in ms: reload {} · assemble {} · plan {} · write {}",
        if new {
            "copies in a new folder"
        } else {
            "saves"
        },
        ms(reload),
        ms(assemble),
        ms(planning),
        ms(writing),
    );
    let per_save = |ticks: u64| ticks as f64 * 10.0 / saves as f64;
    println!(
        "CPU a save in ms (all threads): reload {:.1} · assemble {:.1} · plan {:.1} · write {:.1}",
        per_save(cpu[0]),
        per_save(cpu[1]),
        per_save(cpu[2]),
        per_save(cpu[3]),
    );
}
