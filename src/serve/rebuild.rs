//! Rebuild: in, the files that changed; out, a fresh build of the site in serve's private folder
//! (or an overlay saying why there is none), reported to the live-reload hub.
//!
//! It calls the same `site::load` and `build::build` as `nianbao build`, with drafts included,
//! the local base URL and the live-reload script. Each full build goes into a new numbered folder
//! that the HTTP side switches to in one step, so a page is never served half-written; the
//! previous folder is deleted a moment later, once requests still reading it are done.
//!
//! When only report files changed since the served build, the site is not loaded again: those
//! files are re-checked (`site::reload_reports`) and only what depends on them is re-rendered in
//! place (`build::rebuild_reports`, one file at a time, each replaced in one step), all of it
//! before open pages are told to reload. When the reports' data changed, the data files of the
//! whole site are from then on served composed from each report's own data files
//! ([`super::datafiles`]) rather than rewritten. Whatever that cannot handle falls back to the
//! full path. Edits made while the site has errors add up, so that the fix re-renders everything
//! changed since the served build.
//!
//! With `NIANBAO_TIMINGS` set, each rebuild prints how long each of its steps took.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::build::{self, BuildOptions, Steps};
use crate::cli;
use crate::diagnostic::{self, Diagnostic, HumanRenderer};
use crate::site::{self, LoadOptions, Reloaded, Site};

use super::reload::{self, Hub};

/// A good rebuild: reports, warnings, and how it was done; or why there is nothing new to serve.
type Outcome = Result<(usize, usize, &'static str), Failure>;

/// What the HTTP side serves: the folder of the last good build, and how to serve its data files.
#[derive(Debug, Clone)]
pub struct Served {
    pub dir: PathBuf,
    /// When set, `data/reports.json` and `data/reports.csv` are composed from the data files of
    /// these report folders (in this order) rather than read from the folder.
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
    first: bool,
    /// The site as last loaded (it may have errors), while only report files changed since.
    site: Option<Site>,
    /// Report files changed since the served build, and what they replaced, while the site has
    /// errors.
    pending: Option<(BTreeSet<String>, Reloaded)>,
    /// Re-render only what report edits touch (on by default).
    pub incremental: bool,
    /// What incremental rebuilds keep, made once per full build (the theme, templates and
    /// site.toml cannot change without one).
    rebuilder: Option<build::Rebuilder>,
    /// The report folders the data files are composed from, once an incremental rebuild
    /// changed the data.
    composed: Option<Arc<Vec<String>>>,
    /// The data files of the served folder, left stale by an incremental rebuild: removed once
    /// the rebuild is announced.
    stale_data: bool,
    /// Print the time of each step (`NIANBAO_TIMINGS`).
    timings: bool,
    steps: Steps,
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
            first: true,
            site: None,
            pending: None,
            incremental: true,
            rebuilder: None,
            composed: None,
            stale_data: false,
            timings: std::env::var_os("NIANBAO_TIMINGS").is_some(),
            steps: Steps::default(),
        }
    }

    /// The options every serve build uses, writing into `output`.
    fn options(&self, output: PathBuf) -> BuildOptions {
        BuildOptions {
            drafts: true,
            output: Some(output),
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

    /// The report folders the data files are served composed from, if they are.
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
        let outcome = match self.incremental_rebuild(changed) {
            Some(outcome) => outcome,
            None => self.full(),
        };
        match outcome {
            Ok((reports, warnings, how)) => {
                let verb = if self.first {
                    "已构建"
                } else {
                    "已重新构建"
                };
                eprintln!(
                    "[{}] {verb}{what}{how}：{reports} 份报告，{warnings} 个警告，用时 {} 毫秒",
                    clock(),
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
        if std::mem::take(&mut self.stale_data) {
            // Nobody reads them any more; at 10 000 reports they hold 250 MB of memory.
            if let Some(dir) = &self.served {
                for f in ["data/reports.json", "data/reports.csv"] {
                    let _ = std::fs::remove_file(dir.join(f));
                }
            }
        }
        if self.timings {
            eprintln!("[timings] {}", self.steps.summary());
        }
    }

    /// Re-checks and re-renders only the changed reports, when that is all that changed and the
    /// last good build is the one served. `None`: build the whole site.
    fn incremental_rebuild(&mut self, changed: &BTreeSet<String>) -> Option<Outcome> {
        if !self.incremental || changed.is_empty() || !changed.iter().all(|f| is_report_file(f)) {
            return None;
        }
        let site = self.site.as_mut()?;
        let target = self.served.clone()?;
        // The debouncer may pass on a chain of renames (`mv 2025.md 2024.md`, then an editor's
        // save of 2024.md) as its last name only: where a report new to the site appears, every
        // report gone from the disk goes with this rebuild.
        let mut changed = changed.clone();
        if changed
            .iter()
            .any(|f| !site.reports.iter().any(|r| &r.file == f))
        {
            for r in &site.reports {
                if !self.root.join(&r.file).exists() {
                    changed.insert(r.file.clone());
                }
            }
        }
        let changed = &changed;
        let files: Vec<String> = changed.iter().cloned().collect();
        let reloaded = match site::reload_reports(site, &files, LoadOptions::default()) {
            Ok(Some(r)) => r,
            Ok(None) => return None,
            Err(e) => {
                self.site = None;
                return Some(Err(Failure::Tool(e.to_string())));
            }
        };
        self.steps.mark("reload");
        // Since the served build: these files, and what they replaced then.
        let (all, before) = match self.pending.take() {
            None => (changed.clone(), reloaded),
            Some((mut all, mut before)) => {
                for r in reloaded.old {
                    if !all.contains(&r.file) {
                        before.old.push(r);
                    }
                }
                for a in reloaded.old_agencies {
                    if !before.old_agencies.iter().any(|b| b.slug == a.slug) {
                        before.old_agencies.push(a);
                    }
                }
                all.extend(changed.iter().cloned());
                (all, before)
            }
        };
        let site = self.site.as_ref()?;
        if site.has_errors() {
            let diags = site.diagnostics.clone();
            self.pending = Some((all, before));
            return Some(Err(Failure::Content(diags)));
        }
        let files: Vec<String> = all.into_iter().collect();
        if self.rebuilder.is_none() {
            match build::Rebuilder::new(site, &self.options(target)) {
                Ok(r) => self.rebuilder = Some(r),
                Err(e) => return Some(Err(Failure::Tool(e))),
            }
        }
        let rebuilder = self.rebuilder.as_mut()?;
        match rebuilder.rebuild_reports(site, &files, &before, &mut self.steps) {
            Ok(Some(rebuilt)) => {
                let warnings = site.diagnostics.len();
                if rebuilt.data_changed || self.composed.is_some() {
                    self.stale_data |= self.composed.is_none();
                    let folders = rebuilder.report_folders(site);
                    self.composed = Some(folders.clone());
                    if let Ok(mut d) = self.site_dir.write() {
                        if let Some(served) = d.as_mut() {
                            served.composed = Some(folders);
                        }
                    }
                    self.steps.mark("data files");
                }
                Some(Ok((rebuilt.reports, warnings, "（增量）")))
            }
            Ok(None) => None,
            Err(e) => {
                // The folder may be half updated: the next build is a full one.
                self.site = None;
                self.rebuilder = None;
                Some(Err(Failure::Tool(e)))
            }
        }
    }

    /// Loads, checks and builds the whole site into a new folder and serves it. The site stays
    /// loaded for the next incremental rebuild only when it was built.
    fn full(&mut self) -> Outcome {
        self.site = None;
        self.pending = None;
        self.rebuilder = None;
        let site = site::load(&self.root, LoadOptions::default())
            .map_err(|e| Failure::Tool(e.to_string()))?;
        if self.first {
            cli::print_ignored(&mut std::io::stderr().lock(), &site.ignored);
        }
        if site.has_errors() {
            return Err(Failure::Content(site.diagnostics));
        }
        self.generation += 1;
        let target = self.dir.join(format!("site-{}", self.generation));
        let stats = build::build(&site, &self.options(target.clone())).map_err(Failure::Tool)?;
        self.switch_to(target);
        self.steps.mark("full build");
        let warnings = site.diagnostics.len();
        self.site = Some(site);
        Ok((stats.reports, warnings, ""))
    }

    /// Serves `folder` from now on; the previous one goes after a moment (requests may still be
    /// reading it), in the background: a large site takes a while to delete.
    fn switch_to(&mut self, folder: PathBuf) {
        self.composed = None;
        self.stale_data = false;
        if let Ok(mut d) = self.site_dir.write() {
            *d = Some(Served {
                dir: folder.clone(),
                composed: None,
            });
        }
        if let Some(old) = self.served.replace(folder) {
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_secs(2));
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
                cli::print_diagnostics(&mut err, &self.root, diags, self.color);
                let (errors, warnings) = diagnostic::counts(diags);
                let title = format!("构建失败：{errors} 个错误，{warnings} 个警告");
                let _ = writeln!(err, "[{}] {title}{what}；{meanwhile}", clock());
                let mut plain = HumanRenderer::new(&self.root, false);
                let text: String = diags.iter().map(|d| plain.render(d)).collect();
                reload::overlay_html(&title, &text)
            }
            Failure::Tool(msg) => {
                let _ = writeln!(err, "[{}] 构建失败{what}：{msg}；{meanwhile}", clock());
                reload::overlay_html("构建失败", msg)
            }
        }
    }
}

/// Whether a changed file is a report (`content/<agency>/<name>.md`, not `_index.md`).
fn is_report_file(file: &str) -> bool {
    let parts: Vec<&str> = file.split('/').collect();
    matches!(parts[..], ["content", _, name] if name.ends_with(".md") && name != "_index.md")
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
