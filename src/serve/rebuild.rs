//! Rebuild: in, the files that changed; out, the site in serve's private folder brought up to
//! date (or an overlay saying why it could not be), reported to the live-reload hub.
//!
//! It runs the stages of `nianbao build` — load, assemble, plan, write — with drafts included,
//! the local base URL and the live-reload script, but keeps what they made between saves: the
//! checked files ([`Inputs`]), the renderer, and the fingerprint of every output in the served
//! folder. After a save only the changed files are checked again ([`Inputs::reload`]), the whole
//! site is assembled and planned again, and only the outputs whose fingerprint changed are
//! rendered, each replaced in one step, before open pages are told to reload; outputs no longer
//! planned are removed. So the folder always equals a fresh build of the site as it is, and no
//! rule about what an edit can touch exists outside the plan. A template or `site.toml` changes
//! every fingerprint: then every page is rendered again, in place.
//!
//! The site's data files are never written here: the HTTP side serves them joined from the
//! reports' own data files, in the plan's order ([`Served::composed`]). The search index is
//! written in the background ([`Indexer`]) from the reports' search records, once they are
//! written: pages reload at once, and the folder equals a fresh build once it has finished
//! ([`Builder::wait_for_search`]).
//!
//! With `NIANBAO_TIMINGS` set, each rebuild prints how long each of its steps took.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::build::{self, BuildOptions};
use crate::diagnostic::{self, Diagnostic, HumanRenderer};
use crate::plan::{Plan, Written};
use crate::render::Renderer;
use crate::report::Report;
use crate::search;
use crate::site::{Inputs, LoadOptions};
use crate::write::{InPlace, Writer};

use super::reload::{self, Hub};

/// A good rebuild: reports and warnings; or why there is nothing new to serve.
type Outcome = Result<(usize, usize), Failure>;

/// What the HTTP side serves: the folder of the site, and how to serve its data files.
#[derive(Debug, Clone)]
pub struct Served {
    pub dir: PathBuf,
    /// `data/reports.json`, `data/reports.csv` and `data/reports-wide.csv` are composed from
    /// the data files of these report folders (in this order).
    pub composed: Option<Arc<Vec<String>>>,
}

/// Why a rebuild produced nothing to serve.
#[derive(Debug)]
pub enum Failure {
    /// The content has errors: every diagnostic of the site, sorted.
    Content(Vec<Diagnostic>),
    /// The tool failed: unreadable file, bad `site.toml`, broken template…
    Tool(String),
}

/// What is kept between rebuilds.
struct State {
    inputs: Inputs,
    /// `None` after a template failed to load: made again at the next rebuild.
    renderer: Option<Renderer>,
    /// The folder served, and the fingerprint of every output it holds.
    folder: PathBuf,
    written: Written,
    /// The plan the folder holds: the next plan reuses what it can of it.
    plan: Option<Plan>,
}

/// Builds the site for serve, again and again.
pub struct Builder {
    root: PathBuf,
    /// The private folder: builds go below it.
    dir: PathBuf,
    base_url: String,
    color: bool,
    hub: Arc<Hub>,
    site_dir: Arc<RwLock<Option<Served>>>,
    generation: u64,
    /// The folder served.
    served: Option<PathBuf>,
    composed: Option<Arc<Vec<String>>>,
    first: bool,
    state: Option<State>,
    /// Start from nothing at every change (for measuring).
    pub incremental: bool,
    /// Print the time of each step (`NIANBAO_TIMINGS`).
    timings: bool,
    steps: Steps,
    /// The files the last good rebuild wrote or removed, relative to the served folder.
    pub last_written: Vec<String>,
    /// The files of the last save (site-relative): their problems lead the overlay.
    last_saved: BTreeSet<String>,
    indexer: Indexer,
    /// The folder and fingerprint of the search index last handed to the indexer.
    index_sent: Option<(PathBuf, u64)>,
}

impl Builder {
    pub fn new(
        root: &Path,
        dir: &Path,
        base_url: &str,
        color: bool,
        hub: Arc<Hub>,
        site_dir: Arc<RwLock<Option<Served>>>,
    ) -> Builder {
        Builder {
            root: root.to_path_buf(),
            dir: dir.to_path_buf(),
            base_url: base_url.to_string(),
            color,
            hub,
            site_dir,
            generation: 0,
            served: None,
            composed: None,
            first: true,
            state: None,
            incremental: true,
            timings: std::env::var_os("NIANBAO_TIMINGS").is_some(),
            steps: Steps::default(),
            last_written: Vec::new(),
            last_saved: BTreeSet::new(),
            indexer: Indexer::start(),
            index_sent: None,
        }
    }

    /// Waits until the search index of the served folder is written (tests, benchmarks).
    pub fn wait_for_search(&self) {
        self.indexer.wait();
    }

    /// The options every serve build uses.
    fn options(&self) -> BuildOptions {
        BuildOptions {
            drafts: true,
            keep_going: false,
            output: None,
            base_url: Some(self.base_url.clone()),
            inject_html: reload::script(),
            progress: false,
            force: false,
        }
    }

    /// The folder being served, if any.
    pub fn served(&self) -> Option<&Path> {
        self.served.as_deref()
    }

    /// The report folders the data files are served composed from.
    pub fn composed(&self) -> Option<&[String]> {
        self.composed.as_deref().map(Vec::as_slice)
    }

    /// Rebuilds after `changed` (empty for the first build), then tells every open page.
    pub fn rebuild(&mut self, changed: &BTreeSet<String>) {
        self.rebuild_since(changed, Instant::now());
    }

    /// [`Builder::rebuild`] for changes first seen at `first_event` (for the timings).
    pub fn rebuild_since(&mut self, changed: &BTreeSet<String>, first_event: Instant) {
        self.steps = Steps::since(first_event);
        self.steps.mark("wait");
        let started = Instant::now();
        let what = describe(changed);
        if !changed.is_empty() {
            self.last_saved = changed.clone();
        }
        if !self.incremental {
            self.state = None;
        }
        // The background search index waits: the save is what the reader waits for.
        self.indexer.hold(true);
        let outcome = self.update(changed);
        self.indexer.hold(false);
        match outcome {
            Ok((reports, warnings)) => {
                let verb = if self.first {
                    "已构建"
                } else {
                    "已重新构建"
                };
                eprintln!(
                    "[{}] {verb}{what}：{reports} 份报告，{warnings} 个警告，更新 {} 个文件，用时 {} 毫秒",
                    clock(),
                    self.last_written.len(),
                    started.elapsed().as_millis()
                );
                self.hub.succeeded();
            }
            Err(failure) => {
                let overlay = self.report_failure(&failure, &what);
                self.hub.failed(overlay);
            }
        }
        self.steps.mark("announce");
        self.first = false;
        if self.timings {
            eprintln!("[timings] {}", self.steps.summary());
        }
    }

    /// Brings the served folder up to date with the site as it is now.
    fn update(&mut self, changed: &BTreeSet<String>) -> Outcome {
        let opts = self.options();
        let load = LoadOptions::default();
        let mut state = match self.state.take() {
            Some(mut s) => {
                if let Err(e) = s.inputs.reload(changed) {
                    // Start again from nothing at the next save.
                    return Err(Failure::Tool(e.to_string()));
                }
                // Templates, static files and site.toml: the renderer is made again.
                if changed.iter().any(|f| !f.starts_with("content/")) {
                    s.renderer = None;
                }
                s
            }
            None => {
                let inputs = Inputs::load(&self.root, load, true, None)
                    .map_err(|e| Failure::Tool(e.to_string()))?;
                if self.first {
                    let site = inputs.assemble();
                    crate::source::print_ignored(&mut std::io::stderr().lock(), &site.ignored);
                }
                self.generation += 1;
                State {
                    inputs,
                    renderer: None,
                    folder: self.dir.join(format!("site-{}", self.generation)),
                    written: Written::default(),
                    plan: None,
                }
            }
        };
        self.steps.mark("load");
        let result = self.write(&mut state, &opts);
        self.state = Some(state);
        result
    }

    /// Assembles, plans and writes what changed into the state's folder.
    fn write(&mut self, state: &mut State, opts: &BuildOptions) -> Outcome {
        let site = state.inputs.assemble();
        self.steps.mark("assemble");
        if site.has_errors() {
            return Err(Failure::Content(site.diagnostics));
        }
        if state.renderer.is_none() {
            state.renderer =
                Some(build::renderer(&self.root, &site.config, opts).map_err(Failure::Tool)?);
        }
        let Some(renderer) = &state.renderer else {
            return Err(Failure::Tool("无法加载模板".into()));
        };
        let settings = build::settings(renderer, &site.config, opts);
        let plan = build::plan(&site, &settings, state.plan.as_ref()).map_err(Failure::Tool)?;
        self.steps.mark("plan");
        let sink = InPlace {
            dir: state.folder.clone(),
            defer_search: true,
        };
        std::fs::create_dir_all(&sink.dir)
            .map_err(|e| Failure::Tool(format!("无法创建预览目录 {}：{e}", sink.dir.display())))?;
        let writer = Writer::new(renderer, &sink, std::mem::take(&mut state.written));
        let inputs = &state.inputs;
        let whole = |file: &str| -> Result<Arc<Report>, String> {
            inputs
                .report(file)
                .and_then(|c| c.report.clone())
                .ok_or_else(|| format!("无法读取 {file}"))
        };
        let written = writer.write_plan(&plan, &whole);
        state.written = writer.into_written();
        self.last_written = written.map_err(Failure::Tool)?;
        self.steps.mark("write");
        // The search index, when what it is made from changed: in the background.
        let index = plan.site.get(search::INDEX_DIR).map(|p| p.fingerprint);
        let sent = (state.folder.clone(), index.unwrap_or(0));
        if self.index_sent.as_ref() != Some(&sent) {
            self.indexer.send(IndexJob {
                dir: state.folder.clone(),
                records: index.map(|_| plan.search.clone()),
            });
            self.index_sent = Some(sent);
        }
        let folders = Arc::clone(&plan.data);
        state.plan = Some(plan);
        self.composed = Some(folders.clone());
        if self.served.as_deref() != Some(&state.folder) {
            self.switch_to(state.folder.clone(), folders);
        } else if let Ok(mut d) = self.site_dir.write() {
            if let Some(served) = d.as_mut() {
                served.composed = Some(folders);
            }
        }
        Ok((
            self.composed.as_ref().map_or(0, |f| f.len()),
            diagnostic::counts(&site.diagnostics).1,
        ))
    }

    /// Serves `folder` from now on; the previous one goes after a moment (requests may still be
    /// reading it), in the background: a large site takes a while to delete.
    fn switch_to(&mut self, folder: PathBuf, composed: Arc<Vec<String>>) {
        if let Ok(mut d) = self.site_dir.write() {
            *d = Some(Served {
                dir: folder.clone(),
                composed: Some(composed),
            });
        }
        if let Some(old) = self.served.replace(folder) {
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(2));
                let _ = std::fs::remove_dir_all(old);
            });
        }
    }

    /// Prints a failure as `check` would, and returns the overlay that shows it.
    fn report_failure(&self, failure: &Failure, what: &str) -> String {
        let mut err = std::io::stderr().lock();
        let meanwhile = if self.served.is_some() {
            "继续提供上一次成功构建的页面"
        } else {
            "修正后将自动重新构建"
        };
        match failure {
            Failure::Content(diags) => {
                diagnostic::print(&mut err, diags, self.color);
                let (errors, warnings) = diagnostic::counts(diags);
                let title = format!("构建失败：{errors} 个错误，{warnings} 个警告");
                let _ = writeln!(err, "[{}] {title}{what}；{meanwhile}", clock());
                let (saved, others) = overlay_order(diags, &self.last_saved);
                let mut plain = HumanRenderer::new(false);
                let mut text =
                    |ds: &[&Diagnostic]| -> String { ds.iter().map(|d| plain.render(d)).collect() };
                let parts = if saved.is_empty() || others.is_empty() {
                    let all: Vec<&Diagnostic> = saved.into_iter().chain(others).collect();
                    vec![(String::new(), text(&all))]
                } else {
                    let mut files: Vec<&str> = saved.iter().map(|d| d.file.as_str()).collect();
                    files.dedup();
                    let heading = |what: String, ds: &[&Diagnostic]| {
                        let errors = ds.iter().filter(|d| d.is_error()).count();
                        let warnings = ds.iter().filter(|d| d.is_warning()).count();
                        format!("{what}：{errors} 个错误，{warnings} 个警告")
                    };
                    vec![
                        (
                            heading(format!("刚保存的 {}", files.join("、")), &saved),
                            text(&saved),
                        ),
                        (heading("其他文件".into(), &others), text(&others)),
                    ]
                };
                reload::overlay_parts(&title, &parts)
            }
            Failure::Tool(msg) => {
                let _ = writeln!(err, "[{}] 构建失败{what}：{msg}；{meanwhile}", clock());
                reload::overlay_html("构建失败", msg)
            }
        }
    }
}

/// The search index to write into a served folder: made from these records, or none.
struct IndexJob {
    dir: PathBuf,
    records: Option<Arc<Vec<String>>>,
}

/// What the indexer thread and the builder share.
#[derive(Default)]
struct IndexerState {
    /// The newest job not started yet: an older one waiting is replaced.
    pending: Option<IndexJob>,
    busy: bool,
    stop: bool,
    /// A save is being rebuilt: the job running waits (it would take a core from the save).
    held: bool,
}

/// Writes the search index of the served folder on its own thread, one job at a time.
struct Indexer {
    shared: Arc<(Mutex<IndexerState>, Condvar)>,
    /// Set while held, or when a newer job or the end waits: the job running then looks.
    attention: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Indexer {
    fn start() -> Indexer {
        let shared: Arc<(Mutex<IndexerState>, Condvar)> = Arc::default();
        let attention: Arc<AtomicBool> = Arc::default();
        let mine = Arc::clone(&shared);
        let look = Arc::clone(&attention);
        let timings = std::env::var_os("NIANBAO_TIMINGS").is_some();
        let thread = std::thread::Builder::new()
            .name("nianbao-search".into())
            .spawn(move || {
                let (lock, cv) = &*mine;
                // Behind the rebuilds for the processor: on Linux the nice value is the calling
                // thread's, and this one's pool thread inherits it.
                #[cfg(target_os = "linux")]
                let _ = rustix::process::setpriority_process(None, 10);
                // One thread of its own: the rebuilds' rendering keeps the shared pool.
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .thread_name(|_| "nianbao-search-pool".into())
                    .build()
                    .ok();
                loop {
                    let job = {
                        let mut s = lock.lock().unwrap_or_else(PoisonError::into_inner);
                        while s.pending.is_none() && !s.stop {
                            s = cv.wait(s).unwrap_or_else(PoisonError::into_inner);
                        }
                        if s.stop {
                            return;
                        }
                        s.busy = true;
                        look.store(s.held || s.stop, Ordering::Release);
                        s.pending.take()
                    };
                    if let Some(job) = job {
                        let started = Instant::now();
                        // Before each record: wait while a save is rebuilt, give up for a
                        // newer job or the end.
                        let go = || {
                            if !look.load(Ordering::Acquire) {
                                return true;
                            }
                            let mut s = lock.lock().unwrap_or_else(PoisonError::into_inner);
                            while s.held && s.pending.is_none() && !s.stop {
                                s = cv.wait(s).unwrap_or_else(PoisonError::into_inner);
                            }
                            s.pending.is_none() && !s.stop
                        };
                        let result = match &pool {
                            Some(p) => p.install(|| Indexer::run(&job, &go)),
                            None => Indexer::run(&job, &go),
                        };
                        if timings {
                            eprintln!(
                                "[timings] search index {:.1} ms",
                                started.elapsed().as_secs_f64() * 1e3
                            );
                        }
                        let mut s = lock.lock().unwrap_or_else(PoisonError::into_inner);
                        // A failure a newer job makes moot (a folder replaced) is not told.
                        match result {
                            Err(e) if s.pending.is_none() && e != search::ABANDONED => {
                                eprintln!("[{}] 搜索索引写入失败：{e}", clock());
                            }
                            _ => {}
                        }
                        s.busy = false;
                        cv.notify_all();
                    }
                }
            })
            .ok();
        Indexer {
            shared,
            attention,
            thread,
        }
    }

    fn run(job: &IndexJob, go: &search::Go) -> Result<(), String> {
        let sink = InPlace {
            dir: job.dir.clone(),
            defer_search: false,
        };
        match &job.records {
            Some(records) => {
                let files = search::index_files_while(&job.dir, records, go)?;
                crate::write::write_folder(&sink, search::INDEX_DIR, &files)
            }
            None => crate::write::Sink::remove(&sink, search::INDEX_DIR)
                .map_err(|e| crate::write::write_error(search::INDEX_DIR, e)),
        }
    }

    fn send(&self, job: IndexJob) {
        if self.thread.is_none() {
            // No thread could be started: written here, at once.
            if let Err(e) = Indexer::run(&job, &|| true) {
                eprintln!("[{}] 搜索索引写入失败：{e}", clock());
            }
            return;
        }
        let (lock, cv) = &*self.shared;
        let mut s = lock.lock().unwrap_or_else(PoisonError::into_inner);
        s.pending = Some(job);
        self.attention.store(true, Ordering::Release);
        cv.notify_all();
    }

    /// Holds the job running (from the start of a save's rebuild), or lets it go on.
    fn hold(&self, held: bool) {
        let (lock, cv) = &*self.shared;
        let mut s = lock.lock().unwrap_or_else(PoisonError::into_inner);
        s.held = held;
        self.attention
            .store(held || s.pending.is_some() || s.stop, Ordering::Release);
        cv.notify_all();
    }

    fn wait(&self) {
        let (lock, cv) = &*self.shared;
        let mut s = lock.lock().unwrap_or_else(PoisonError::into_inner);
        while self.thread.is_some() && (s.pending.is_some() || s.busy) {
            s = cv.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        let (lock, cv) = &*self.shared;
        lock.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
        self.attention.store(true, Ordering::Release);
        cv.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The overlay's order of a failed rebuild's diagnostics: first those of the files saved last
/// (`saved`), then the others; in each part errors before warnings, and otherwise in the order
/// `check` prints them (by file and line). The terminal keeps `check`'s order.
pub fn overlay_order<'a>(
    diags: &'a [Diagnostic],
    saved: &BTreeSet<String>,
) -> (Vec<&'a Diagnostic>, Vec<&'a Diagnostic>) {
    let (mut first, mut rest): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        diags.iter().partition(|d| saved.contains(&d.file));
    // Stable: within errors and within warnings the order stays check's.
    first.sort_by_key(|d| !d.is_error());
    rest.sort_by_key(|d| !d.is_error());
    (first, rest)
}

/// ` （content/a/2020.md 等 3 个文件）`, or nothing for the first build.
fn describe(changed: &BTreeSet<String>) -> String {
    match changed.len() {
        0 => String::new(),
        1 => format!("（{}）", changed.iter().next().map_or("", |s| s.as_str())),
        n => format!(
            "（{} 等 {n} 个文件）",
            changed.iter().next().map_or("", |s| s.as_str())
        ),
    }
}

fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

/// Time taken by each step of a rebuild (a profiling aid: printed when `NIANBAO_TIMINGS` is set).
#[derive(Debug)]
pub struct Steps {
    last: Instant,
    /// Each step and how long it took, in order.
    pub done: Vec<(&'static str, Duration)>,
}

impl Default for Steps {
    fn default() -> Self {
        Steps::since(Instant::now())
    }
}

impl Steps {
    /// Steps timed from `start`.
    pub fn since(start: Instant) -> Steps {
        Steps {
            last: start,
            done: Vec::new(),
        }
    }

    /// The step `what` ends now.
    pub fn mark(&mut self, what: &'static str) {
        let now = Instant::now();
        self.done.push((what, now.duration_since(self.last)));
        self.last = now;
    }

    /// `what 1.2 ms · other 0.3 ms`.
    pub fn summary(&self) -> String {
        self.done
            .iter()
            .map(|(what, d)| format!("{what} {:.1} ms", d.as_secs_f64() * 1e3))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Pos};

    fn d(code: Code, file: &str, line: u32) -> Diagnostic {
        Diagnostic::new(code, file, Pos::new(line, 1, 1), "m")
    }

    #[test]
    fn the_file_saved_last_leads_the_overlay_errors_before_warnings() {
        // As check sorts them: by file, then line.
        let diags = [
            d(Code::W008, "content/a/2023.md", 3),
            d(Code::R001, "content/a/2023.md", 20),
            d(Code::W001, "content/b/2024.md", 2),
            d(Code::N002, "content/b/2024.md", 9),
            d(Code::N005, "content/b/2024.md", 14),
            d(Code::W003, "site.toml", 1),
        ];
        let key = |ds: &[&Diagnostic]| -> Vec<(String, u32)> {
            ds.iter().map(|d| (d.file.clone(), d.line)).collect()
        };
        let saved: BTreeSet<String> = ["content/b/2024.md".to_string()].into();
        let (first, rest) = overlay_order(&diags, &saved);
        assert_eq!(
            key(&first),
            [
                ("content/b/2024.md".into(), 9),
                ("content/b/2024.md".into(), 14),
                ("content/b/2024.md".into(), 2)
            ]
        );
        assert_eq!(
            key(&rest),
            [
                ("content/a/2023.md".into(), 20),
                ("content/a/2023.md".into(), 3),
                ("site.toml".into(), 1)
            ]
        );
        // Nothing saved yet (the first build): errors before warnings, all in one part.
        let (first, rest) = overlay_order(&diags, &BTreeSet::new());
        assert!(first.is_empty());
        assert_eq!(
            rest.iter().map(|d| d.code).collect::<Vec<_>>(),
            [
                Code::R001,
                Code::N002,
                Code::N005,
                Code::W008,
                Code::W001,
                Code::W003
            ]
        );
    }

    #[test]
    fn the_search_index_waits_while_a_save_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let rec = |url: &str| search::Record {
            url: url.into(),
            agency: "示例县教育局".into(),
            year: 2023,
            region: String::new(),
            title: "年度报告".into(),
            text: "依申请公开".into(),
        };
        let paths: Vec<String> = ["r/a.json", "r/b.json"].map(String::from).into();
        std::fs::create_dir_all(dir.path().join("r")).unwrap();
        for p in &paths {
            let bytes = search::record_bytes(&rec(p)).unwrap();
            std::fs::write(dir.path().join(p), bytes).unwrap();
        }
        let entry = dir.path().join(search::INDEX_DIR).join("entry.json");
        let indexer = Indexer::start();
        indexer.hold(true);
        indexer.send(IndexJob {
            dir: dir.path().to_path_buf(),
            records: Some(Arc::new(paths)),
        });
        // Held: the job started waits before its first record, whatever the time given.
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(!entry.exists());
        indexer.hold(false);
        indexer.wait();
        assert!(entry.exists());
    }
}
