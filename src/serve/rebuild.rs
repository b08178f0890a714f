//! Rebuild: in, the files that changed; out, a fresh build of the site in serve's private folder
//! (or an overlay saying why there is none), reported to the live-reload hub.
//!
//! It calls the same `site::load` and `build::build` as `nianbao build`, with drafts included,
//! the local base URL and the live-reload script. Each full build goes into a new numbered folder
//! that the HTTP side switches to in one step, so a page is never served half-written; the
//! previous folder is kept one round for requests still reading it.

use std::collections::{BTreeSet, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::build::{self, BuildOptions};
use crate::cli;
use crate::diagnostic::{self, Diagnostic, HumanRenderer};
use crate::site::{self, LoadOptions};

use super::reload::{self, Hub};

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
    site_dir: Arc<RwLock<Option<PathBuf>>>,
    generation: u64,
    /// Build folders, oldest first; the last one is served.
    folders: VecDeque<PathBuf>,
    first: bool,
}

impl Builder {
    pub fn new(
        root: &Path,
        dir: &Path,
        base_url: &str,
        color: bool,
        hub: Arc<Hub>,
        site_dir: Arc<RwLock<Option<PathBuf>>>,
    ) -> Builder {
        Builder {
            root: root.to_path_buf(),
            dir: dir.to_path_buf(),
            base_url: base_url.to_string(),
            color,
            hub,
            site_dir,
            generation: 0,
            folders: VecDeque::new(),
            first: true,
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
        }
    }

    /// Rebuilds after `changed` (empty for the first build), then tells every open page.
    pub fn rebuild(&mut self, changed: &BTreeSet<String>) {
        let started = Instant::now();
        let what = describe(changed);
        match self.full() {
            Ok((reports, warnings)) => {
                let verb = if self.first {
                    "已构建"
                } else {
                    "已重新构建"
                };
                eprintln!(
                    "[{}] {verb}{what}：{reports} 份报告，{warnings} 个警告，用时 {} 毫秒",
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
        self.first = false;
    }

    /// Loads, checks and builds the whole site into a new folder and serves it.
    fn full(&mut self) -> Result<(usize, usize), Failure> {
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
        Ok((stats.reports, site.diagnostics.len()))
    }

    /// Serves `folder` from now on; removes folders older than the previous one.
    fn switch_to(&mut self, folder: PathBuf) {
        if let Ok(mut d) = self.site_dir.write() {
            *d = Some(folder.clone());
        }
        self.folders.push_back(folder);
        while self.folders.len() > 2 {
            if let Some(old) = self.folders.pop_front() {
                let _ = std::fs::remove_dir_all(old);
            }
        }
    }

    /// Prints a failure as `check` would, and returns the overlay that shows it.
    fn report_failure(&self, failure: &Failure, what: &str) -> String {
        let mut err = std::io::stderr().lock();
        match failure {
            Failure::Content(diags) => {
                cli::print_diagnostics(&mut err, &self.root, diags, self.color);
                let (errors, warnings) = diagnostic::counts(diags);
                let title = format!("构建失败：{errors} 个错误，{warnings} 个警告");
                let _ = writeln!(
                    err,
                    "[{}] {title}{what}；继续提供上一次成功构建的页面",
                    clock()
                );
                let mut plain = HumanRenderer::new(&self.root, false);
                let text: String = diags.iter().map(|d| plain.render(d)).collect();
                reload::overlay_html(&title, &text)
            }
            Failure::Tool(msg) => {
                let _ = writeln!(
                    err,
                    "[{}] 构建失败{what}：{msg}；继续提供上一次成功构建的页面",
                    clock()
                );
                reload::overlay_html("构建失败", msg)
            }
        }
    }
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
