//! Save-to-served latency of `nianbao serve`: starts the real binary on a site, saves an edit of
//! one report's narrative N times, and after each save polls the report's page until it shows the
//! edit. Prints every time and the median.
//!
//! ```sh
//! cargo bench --bench serve_latency                       # a copy of the sample site
//! cargo bench --bench serve_latency -- --site DIR [--edits 20] [--report content/a/2020.md]
//! cargo bench --bench serve_latency -- --full-rebuilds    # serve without incremental rebuilds
//! cargo bench --bench serve_latency -- --edit date         # the date, not the text
//! cargo bench --bench serve_latency -- --pause 1500        # ms between served and next save
//! cargo bench --bench serve_latency -- --timings           # and the median of each rebuild step
//! ```
//!
//! `--edit text` (the default) adds a sentence to the report's first section; `--edit date`
//! moves its `published` date back and forth by a day, which changes the index pages and the
//! data files too; `--edit figure` changes a figure of table 二 (the data files change);
//! `--edit rename` renames the report's agency in its `_index.md` (every page naming it);
//! `--edit new` adds a copy of the report as the report of a new agency and polls its page (the
//! folder is removed, untimed, before the next save).
//!
//! Besides the time until the page shows the edit, it follows the live-reload event stream and
//! prints the time until open pages are told to reload, by when everything the edit changes is
//! in place. `--timings` has serve print the time of each step of every rebuild
//! (`NIANBAO_TIMINGS`) and prints the median of each.
//!
//! With `--site` the site is edited in place and the report restored at the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

struct Args {
    site: Option<PathBuf>,
    edits: usize,
    report: Option<String>,
    bin: PathBuf,
    full: bool,
    /// What to edit: the text, the publication date, or a figure.
    edit: Edit,
    /// Print the median time of each rebuild step.
    timings: bool,
    /// Pause between an edit served and the next save.
    pause: Duration,
}

fn args() -> Args {
    let mut a = Args {
        site: None,
        edits: 20,
        report: None,
        bin: PathBuf::from(env!("CARGO_BIN_EXE_nianbao")),
        full: false,
        edit: Edit::Text,
        timings: false,
        pause: Duration::from_millis(200),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--site" => a.site = it.next().map(PathBuf::from),
            "--edits" => a.edits = it.next().and_then(|v| v.parse().ok()).unwrap_or(20),
            "--report" => a.report = it.next(),
            "--bin" => a.bin = it.next().map(PathBuf::from).unwrap_or(a.bin),
            "--full-rebuilds" => a.full = true,
            "--edit" => {
                a.edit = match it.next().as_deref() {
                    Some("date") => Edit::Date,
                    Some("figure") => Edit::Figure,
                    Some("rename") => Edit::Rename,
                    Some("new") => Edit::New,
                    _ => Edit::Text,
                }
            }
            "--timings" => a.timings = true,
            "--pause" => {
                let ms = it.next().and_then(|v| v.parse().ok()).unwrap_or(200);
                a.pause = Duration::from_millis(ms);
            }
            // `cargo bench` passes --bench; anything else is ignored too.
            _ => {}
        }
    }
    a
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    Text,
    Date,
    Figure,
    Rename,
    New,
}

/// Follows the live-reload stream: the arrival time of every version announced.
fn follow_events(addr: SocketAddr) -> Arc<Mutex<Vec<Instant>>> {
    let seen: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /__nianbao/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let out = seen.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { return };
            if line.starts_with("data:") {
                out.lock().unwrap().push(Instant::now());
            }
        }
    });
    seen
}

/// The median of some times, in ms.
fn median_ms(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2.0
    }
}

/// GET a path; the body when the status is 200.
fn get(addr: SocketAddr, path: &str) -> Option<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.starts_with("HTTP/1.1 200").then(|| text.into_owned())
}

fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(v) = f() {
            return Some(v);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

/// The first report file of the site (sorted), relative to the root.
fn first_report(root: &Path) -> String {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let mut files: Vec<String> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && n != "_index.md")
            .collect();
        files.sort();
        if let Some(f) = files.pop() {
            let slug = d.file_name().unwrap().to_string_lossy().into_owned();
            return format!("content/{slug}/{f}");
        }
    }
    panic!("no report in {}", root.display());
}

fn main() {
    let args = args();
    let _temp;
    let root = match &args.site {
        Some(s) => s.clone(),
        None => {
            _temp = common::sample_site();
            _temp.path().to_path_buf()
        }
    };
    let report = args.report.clone().unwrap_or_else(|| first_report(&root));
    let (slug, year) = report
        .trim_start_matches("content/")
        .trim_end_matches(".md")
        .split_once('/')
        .unwrap();
    let page = format!("/{slug}/{year}/");
    let original = std::fs::read_to_string(root.join(&report)).unwrap();
    let at = original
        .find("\n## ")
        .map(|i| i + 1)
        .expect("the report has a section heading");
    let heading_end = at + original[at..].find('\n').unwrap() + 1;

    let started = Instant::now();
    let mut child: Child = Command::new(&args.bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .args(args.full.then_some("--full-rebuilds"))
        .env("NO_COLOR", "1")
        .envs(args.timings.then_some(("NIANBAO_TIMINGS", "1")))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(if args.timings {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .spawn()
        .unwrap();
    // The step times of every rebuild, as serve prints them.
    let steps: Arc<Mutex<Vec<String>>> = Arc::default();
    if let Some(err) = child.stderr.take() {
        let steps = steps.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if let Some(t) = line.strip_prefix("[timings] ") {
                    steps.lock().unwrap().push(t.to_string());
                }
            }
        });
    }
    let mut out = child.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while out.read(&mut b).unwrap_or(0) == 1 && b[0] != b'\n' {
        line.push(b[0]);
    }
    let line = String::from_utf8_lossy(&line).into_owned();
    let addr: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    wait_for(Duration::from_secs(600), || get(addr, &page)).expect("first build");
    eprintln!(
        "site {}: first build served after {:.2} s; editing {report} {} times",
        root.display(),
        started.elapsed().as_secs_f64(),
        args.edits
    );

    let events = follow_events(addr);
    wait_for(Duration::from_secs(10), || {
        (!events.lock().unwrap().is_empty()).then_some(())
    })
    .expect("the event stream");
    steps.lock().unwrap().clear();
    // The line an edit changes, which that edit needs.
    let line = |text: &str, key: &str, needed_by: Edit, file: &str| {
        let found = text
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .map(str::to_string);
        assert!(
            args.edit != needed_by || found.is_some(),
            "{file} has no line `{key}`"
        );
        found
    };
    let date_line = line(&original, "published: ", Edit::Date, &report);
    // A figure: the first one of table 二's `licensing` row, shown on the page as it is.
    let figure_line = line(&original, "licensing: ", Edit::Figure, &report);
    // The agency file, for a rename.
    let index_file = format!("content/{slug}/_index.md");
    let index_original = std::fs::read_to_string(root.join(&index_file)).unwrap_or_default();
    let name_line = line(&index_original, "name: ", Edit::Rename, &index_file);
    let mut times = Vec::new();
    let mut announced = Vec::new();
    for i in 1..=args.edits {
        // A new agency's folder, or another file than the report, saved instead of it.
        let (file, page, new_dir) = match args.edit {
            Edit::New => {
                let dir = format!("content/latency-new-{}-{i}", std::process::id());
                (
                    format!("{dir}/{year}.md"),
                    format!("/latency-new-{}-{i}/{year}/", std::process::id()),
                    Some(dir),
                )
            }
            Edit::Rename => (index_file.clone(), page.clone(), None),
            _ => (report.clone(), page.clone(), None),
        };
        // The text, the date or a figure, and what the page shows once the edit is served.
        let (text, shown, gone) = match (&date_line, &figure_line, args.edit) {
            (_, _, Edit::Rename) => {
                let line = name_line.as_deref().unwrap_or_default();
                let name = format!("{}第{i}次更名", line.trim_start_matches("name: "));
                (
                    index_original.replace(line, &format!("name: {name}")),
                    name,
                    None,
                )
            }
            (_, _, Edit::New) => {
                let title = original
                    .lines()
                    .find_map(|l| l.strip_prefix("title: "))
                    .map(|t| t.trim().trim_matches('"').to_string())
                    .unwrap_or_default();
                (original.clone(), title, None)
            }
            (_, Some(line), Edit::Figure) => {
                let (key, value) = line.split_once(": ").unwrap();
                let value = value.split_whitespace().next().unwrap();
                let n: u64 = value.parse().unwrap_or(0) + 1_000_000 + i as u64;
                let shown = format!(">{n}<");
                (
                    original.replace(line.as_str(), &format!("{key}: {n}")),
                    shown,
                    None,
                )
            }
            (Some(line), _, Edit::Date) => {
                let date = line.trim_start_matches("published: ").trim().to_string();
                let day: u32 = date[8..10].parse().unwrap();
                let other = if day > 1 { day - 1 } else { day + 1 };
                let moved = format!("{}{other:02}", &date[..8]);
                let (new, old) = if i % 2 == 1 {
                    (moved, date)
                } else {
                    (date, moved)
                };
                (
                    original.replace(line.as_str(), &format!("published: {new}")),
                    new,
                    Some(old),
                )
            }
            _ => {
                let marker = format!("延迟测量第{i}次编辑-{}", std::process::id());
                let text = format!(
                    "{}{marker}\n\n{}",
                    &original[..heading_end],
                    &original[heading_end..]
                );
                (text, marker, None)
            }
        };
        // An editor's atomic save: write beside, rename over (a new folder made first).
        let seen_before = events.lock().unwrap().len();
        let t0 = Instant::now();
        if let Some(dir) = &new_dir {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        let tmp = root.join(format!("{file}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, root.join(&file)).unwrap();
        let served = wait_for(Duration::from_secs(600), || {
            get(addr, &page).filter(|b| {
                b.contains(&shown) && gone.as_ref().is_none_or(|g| !b.contains(g.as_str()))
            })
        });
        let took = t0.elapsed();
        assert!(served.is_some(), "edit {i} never served");
        let told = wait_for(Duration::from_secs(600), || {
            events.lock().unwrap().get(seen_before).copied()
        })
        .expect("the reload is announced");
        let told = told.duration_since(t0);
        eprintln!(
            "  edit {i:2}: {:7.1} ms served, {:7.1} ms reload announced",
            took.as_secs_f64() * 1e3,
            told.as_secs_f64() * 1e3
        );
        times.push(took);
        announced.push(told.as_secs_f64() * 1e3);
        if let Some(dir) = &new_dir {
            // Gone again before the next save (untimed).
            std::fs::remove_dir_all(root.join(dir)).unwrap();
            wait_for(Duration::from_secs(600), || {
                get(addr, &page).is_none().then_some(())
            })
            .expect("the new report removed");
        }
        std::thread::sleep(args.pause);
    }
    std::fs::write(root.join(&report), &original).unwrap();
    if args.edit == Edit::Rename {
        std::fs::write(root.join(&index_file), &index_original).unwrap();
    }
    let _ = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status();
    let _ = wait_for(Duration::from_secs(10), || child.try_wait().ok().flatten());
    let _ = child.kill();

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = if times.len() % 2 == 1 {
        ms(times[times.len() / 2])
    } else {
        (ms(times[times.len() / 2 - 1]) + ms(times[times.len() / 2])) / 2.0
    };
    println!(
        "save-to-served latency over {} edits: median {median:.1} ms (min {:.1}, max {:.1})",
        times.len(),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
    let (lo, hi) = announced
        .iter()
        .fold((f64::MAX, 0f64), |(lo, hi), &t| (lo.min(t), hi.max(t)));
    println!(
        "save-to-reload-announced latency over {} edits: median {:.1} ms (min {lo:.1}, max {hi:.1})",
        announced.len(),
        median_ms(&mut announced)
    );
    if args.timings {
        // "step 1.2 ms · other 0.3 ms", one line per rebuild.
        let lines = steps.lock().unwrap().clone();
        let mut by_step: Vec<(String, Vec<f64>)> = Vec::new();
        for line in &lines {
            for part in line.split(" · ") {
                let Some((name, ms)) = part.trim_end_matches(" ms").rsplit_once(' ') else {
                    continue;
                };
                let Ok(ms) = ms.parse::<f64>() else { continue };
                match by_step.iter_mut().find(|(n, _)| n == name) {
                    Some((_, v)) => v.push(ms),
                    None => by_step.push((name.to_string(), vec![ms])),
                }
            }
        }
        let medians: Vec<String> = by_step
            .iter_mut()
            .map(|(name, v)| format!("{name} {:.1} ms ({}×)", median_ms(v), v.len()))
            .collect();
        println!(
            "median of each rebuild step over {} rebuilds: {}",
            lines.len(),
            medians.join(" · ")
        );
    }
}
