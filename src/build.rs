//! Build: from a checked site to the published folder.
//!
//! In: a [`Site`] without errors. Out: every page, data file and feed of site.md, written into a
//! staging folder that replaces the output folder only when all of it succeeded. Reports are
//! rendered in parallel, a chunk at a time, and written as they are rendered; only their small
//! index summaries stay in memory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::data;
use crate::index::{Index, Summary};
use crate::output::Staging;
use crate::render::{Renderer, DEFAULT_STATIC};
use crate::report::{Agency, Report};
use crate::site::Site;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// Options of `build` (and of `serve`, which builds the same way).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include `draft: true` reports.
    pub drafts: bool,
    /// Output folder (default: `output_dir` of site.toml, below the root).
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of site.toml.
    pub base_url: Option<String>,
    /// HTML added at the end of every page (serve's live-reload script).
    pub inject_html: String,
    /// Show a progress bar.
    pub progress: bool,
    /// Replace an output folder that no nianbao build made (`build --force`).
    pub force: bool,
}

/// What a build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildStats {
    pub reports: usize,
    pub pages: usize,
    pub files: usize,
    pub output: PathBuf,
}

/// Reports rendered per parallel batch: bounds the memory held for the data files.
const CHUNK: usize = 512;

/// Where `build` writes.
pub fn output_dir(site: &Site, opts: &BuildOptions) -> PathBuf {
    opts.output
        .clone()
        .unwrap_or_else(|| site.root.join(&site.config.output_dir))
}

/// Builds a loaded site (as `serve` does). Refuses when the output folder would hold the site.
pub fn build(site: &Site, opts: &BuildOptions) -> Result<BuildStats, String> {
    let target = output_dir(site, opts);
    let mut w = SiteWriter::new(&site.root, &site.config, opts, target)?;
    let agencies: HashMap<&str, &Agency> =
        site.agencies.iter().map(|a| (a.slug.as_str(), a)).collect();
    let reports: Vec<&Report> = site
        .reports
        .iter()
        .filter(|r| opts.drafts || !r.draft)
        .collect();
    w.start_progress(reports.len());
    for chunk in reports.chunks(CHUNK) {
        w.reports(chunk, |slug| agencies.get(slug).copied())?;
    }
    w.finish(&site.config, &site.agencies)
}

/// What [`load_and_build`] ends with.
#[derive(Debug)]
pub enum Outcome {
    /// Written; the site carries its warnings (and reports cut down to their index data).
    Built(BuildStats, Site),
    /// Not written: the site has errors. The previous output is untouched.
    Invalid(Site),
}

/// `nianbao build`: loads, checks and renders in one pass, a batch of agencies at a time, so
/// that only the small index data of each report stays in memory. Writes nothing unless every
/// file is valid.
pub fn load_and_build(
    root: &Path,
    load_opts: crate::site::LoadOptions,
    opts: &BuildOptions,
) -> Result<Outcome, String> {
    let (config, _) = crate::config::load(root)?;
    let target = opts
        .output
        .clone()
        .unwrap_or_else(|| root.join(&config.output_dir));
    let mut w = SiteWriter::new(root, &config, opts, target)?;
    w.start_progress(0);
    let mut on_chunk =
        |reports: &[Report], agencies: &BTreeMap<String, Agency>| -> Result<(), String> {
            // Reports with errors are rendered too: the whole staging folder is dropped at the end
            // if any error remains, and checking every file first would mean parsing twice.
            let chosen: Vec<&Report> = reports.iter().filter(|r| opts.drafts || !r.draft).collect();
            w.reports(&chosen, |slug| agencies.get(slug))
        };
    let site =
        crate::site::load_with(root, load_opts, Some(&mut on_chunk)).map_err(|e| e.to_string())?;
    if site.has_errors() {
        return Ok(Outcome::Invalid(site));
    }
    let stats = w.finish(&site.config, &site.agencies)?;
    Ok(Outcome::Built(stats, site))
}

/// Fills a staging folder: reports as they come, then indexes, feeds, static files and
/// attachments; [`SiteWriter::finish`] swaps it in. Dropped unfinished, it leaves no trace.
struct SiteWriter {
    /// The whole-site data files, appended on their own thread (2.4 GB of CSV at 100 000
    /// reports): each batch's JSON and CSV in report order, while the next batch is checked.
    /// (Dropped before `staging`.)
    data: DataFiles,
    root: PathBuf,
    renderer: Renderer,
    staging: Staging,
    target: PathBuf,
    summaries: Vec<Summary>,
    files: usize,
    bar: Option<indicatif::ProgressBar>,
    progress: bool,
}

fn io_error(what: &str, e: std::io::Error) -> String {
    format!("写入 {what} 失败：{e}")
}

impl SiteWriter {
    fn new(
        root: &Path,
        config: &Config,
        opts: &BuildOptions,
        target: PathBuf,
    ) -> Result<SiteWriter, String> {
        crate::output::check_output(root, &target, opts.force)?;
        let base_url = opts
            .base_url
            .clone()
            .unwrap_or_else(|| config.base_url.clone());
        let renderer = Renderer::new(root, config, &base_url, opts.inject_html.clone())?;
        let staging = Staging::new(&target)
            .map_err(|e| format!("无法创建输出目录 {}：{e}", target.display()))?;
        let mut files = 0usize;
        // Static files first: generated files of the same path win.
        for (rel, text) in static_files(root, config)? {
            match text {
                StaticFile::Embedded(t) => staging.write(&rel, t),
                StaticFile::Disk(p) => staging.copy(&p, &rel),
            }
            .map_err(|e| io_error(&rel, e))?;
            files += 1;
        }
        let create = |rel: &str| -> Result<std::io::BufWriter<std::fs::File>, String> {
            let path = staging.path(rel).map_err(|e| io_error(rel, e))?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io_error(rel, e))?;
            }
            Ok(std::io::BufWriter::new(
                std::fs::File::create(&path).map_err(|e| io_error(rel, e))?,
            ))
        };
        let data = DataFiles::start(create("data/reports.json")?, create("data/reports.csv")?);
        Ok(SiteWriter {
            root: root.to_path_buf(),
            renderer,
            staging,
            target,
            data,
            summaries: Vec::new(),
            files,
            bar: None,
            progress: opts.progress,
        })
    }

    fn start_progress(&mut self, total: usize) {
        if self.progress && self.bar.is_none() {
            let b = indicatif::ProgressBar::new(total as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 份报告 {eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            self.bar = Some(b);
        }
    }

    /// Renders and writes some reports (in parallel), and appends them to the data files.
    fn reports<'a>(
        &mut self,
        reports: &[&Report],
        agency: impl Fn(&str) -> Option<&'a Agency> + Sync,
    ) -> Result<(), String> {
        if let Some(b) = &self.bar {
            if b.length().unwrap_or(0) < b.position() + reports.len() as u64 {
                b.inc_length(reports.len() as u64);
            }
        }
        let (renderer, staging, bar) = (&self.renderer, &self.staging, &self.bar);
        let fallback = Agency::default();
        // Each report's JSON and CSV file, and where its part of the whole-site file starts.
        type Rendered = (Summary, Vec<u8>, String, usize);
        let rendered: Vec<Result<Rendered, String>> = reports
            .par_iter()
            .map(|r| {
                let agency = agency(&r.slug).unwrap_or(&fallback);
                let path = format!("{}/{}/", r.slug, r.year);
                let html = renderer.report_page(r, agency)?;
                staging
                    .write(&format!("{path}index.html"), html)
                    .map_err(|e| io_error(&path, e))?;
                let (json, csv, head) = report_files(renderer, r)?;
                staging
                    .write(&format!("{path}report.json"), &json)
                    .map_err(|e| io_error(&path, e))?;
                staging
                    .write(&format!("{path}report.csv"), &csv)
                    .map_err(|e| io_error(&path, e))?;
                if let Some(b) = bar {
                    b.inc(1);
                }
                Ok((Summary::of(r), json, csv, head))
            })
            .collect();
        let mut batch = Vec::with_capacity(rendered.len());
        for item in rendered {
            let (summary, json, csv, head) = item?;
            self.summaries.push(summary);
            batch.push((json, csv, head));
        }
        self.data.append(batch)?;
        Ok(())
    }

    /// Index pages, feed, sitemap, robots, 404 and attachments; then the swap.
    fn finish(mut self, config: &Config, agencies: &[Agency]) -> Result<BuildStats, String> {
        std::mem::take(&mut self.data).finish()?;
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        let (renderer, staging) = (&self.renderer, &self.staging);
        let summaries = std::mem::take(&mut self.summaries);
        let mut files = self.files + 2 + 3 * summaries.len();
        let report_count = summaries.len();

        let index = Index::new(agencies, summaries);
        // Every index page, the feed and the sitemap in one parallel pass: the few big pages
        // (home, agencies, years of thousands of rows) start first and the many small agency
        // pages fill in around them.
        let mut jobs = vec![IndexFile::Home, IndexFile::Agencies, IndexFile::Years];
        jobs.extend(index.by_year.iter().map(|(y, v)| IndexFile::Year(*y, v)));
        jobs.extend([IndexFile::Feed, IndexFile::Sitemap]);
        jobs.extend(index.by_agency.iter().map(|(a, v)| IndexFile::Agency(a, v)));
        let pages = index_pages(&index);
        let write = |rel: &str, text: Result<String, String>| -> Result<(), String> {
            staging.write(rel, text?).map_err(|e| io_error(rel, e))
        };
        jobs.into_par_iter()
            .map(|job| write(&job.rel(), job.render(renderer, &index, &config.title)))
            .collect::<Result<(), String>>()?;
        write("404.html", renderer.not_found())?;
        staging
            .write("robots.txt", data::robots(&renderer.abs_url("")))
            .map_err(|e| io_error("robots.txt", e))?;

        // Attachments beside the reports.
        for a in agencies {
            for att in &a.attachments {
                let from = self.root.join("content").join(&a.slug).join(att);
                let rel = format!("{}/{att}", a.slug);
                staging.copy(&from, &rel).map_err(|e| io_error(&rel, e))?;
                files += 1;
            }
        }

        let page_count = report_count + pages.len() + 1;
        files += pages.len() + 4;
        let SiteWriter {
            staging, target, ..
        } = self;
        staging
            .commit()
            .map_err(|e| format!("无法替换输出目录 {}：{e}", target.display()))?;
        Ok(BuildStats {
            reports: report_count,
            pages: page_count,
            files,
            output: target,
        })
    }
}

/// One report's `report.json` (with its final newline) and `report.csv` (with BOM and header,
/// which end at the index given).
type DataParts = (Vec<u8>, String, usize);

/// A report's `report.json` and `report.csv`.
fn report_files(renderer: &Renderer, r: &Report) -> Result<DataParts, String> {
    let url = renderer.abs_url(&report_path(r));
    let mut json = serde_json::to_vec(&data::report_json(r, &url)).map_err(|e| e.to_string())?;
    json.push(b'\n');
    let mut csv = String::with_capacity(26 * 1024);
    csv.push_str(data::BOM);
    csv.push_str(data::CSV_HEADER);
    let head = csv.len();
    data::report_csv_into(&mut csv, r);
    Ok((json, csv, head))
}

/// The thread that writes `data/reports.json` and `data/reports.csv`.
#[derive(Default)]
struct DataFiles {
    tx: Option<std::sync::mpsc::SyncSender<Vec<DataParts>>>,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl DataFiles {
    fn start(mut json: BufWriter<File>, mut csv: BufWriter<File>) -> DataFiles {
        // One batch waits while one is written: bounded memory, and the checking goes on.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<DataParts>>(1);
        let thread = std::thread::spawn(move || -> Result<(), String> {
            let json_err = |e| io_error("data/reports.json", e);
            let csv_err = |e| io_error("data/reports.csv", e);
            json.write_all(b"[").map_err(json_err)?;
            csv.write_all(data::BOM.as_bytes())
                .and_then(|_| csv.write_all(data::CSV_HEADER.as_bytes()))
                .map_err(csv_err)?;
            let mut first = true;
            for batch in rx {
                for (j, c, head) in batch {
                    if !first {
                        json.write_all(b",\n").map_err(json_err)?;
                    }
                    first = false;
                    json.write_all(&j[..j.len() - 1]).map_err(json_err)?;
                    csv.write_all(&c.as_bytes()[head..]).map_err(csv_err)?;
                }
            }
            json.write_all(b"]\n")
                .and_then(|_| json.flush())
                .map_err(json_err)?;
            csv.flush().map_err(csv_err)
        });
        DataFiles {
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    /// Queues a batch of reports, in order.
    fn append(&mut self, batch: Vec<DataParts>) -> Result<(), String> {
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(batch).is_ok());
        if sent {
            Ok(())
        } else {
            // The thread stopped: it says why.
            std::mem::take(self).finish()?;
            Err(io_error(
                "data/reports.json",
                std::io::ErrorKind::BrokenPipe.into(),
            ))
        }
    }

    /// Waits for everything queued to be written.
    fn finish(mut self) -> Result<(), String> {
        drop(self.tx.take());
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err("写入数据文件的线程意外退出".into()),
            None => Ok(()),
        }
    }
}

impl Drop for DataFiles {
    /// A build given up still waits for the thread, so that nothing writes into a staging
    /// folder being removed.
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A page or file made from the index alone.
enum IndexFile<'a> {
    Home,
    Agencies,
    Years,
    Agency(&'a Agency, &'a [Summary]),
    Year(u16, &'a [Summary]),
    Feed,
    Sitemap,
}

impl IndexFile<'_> {
    /// Path below the site root.
    fn rel(&self) -> String {
        match self {
            IndexFile::Home => "index.html".into(),
            IndexFile::Agencies => "agencies/index.html".into(),
            IndexFile::Years => "years/index.html".into(),
            IndexFile::Agency(a, _) => format!("{}/index.html", a.slug),
            IndexFile::Year(y, _) => format!("years/{y}/index.html"),
            IndexFile::Feed => "atom.xml".into(),
            IndexFile::Sitemap => "sitemap.xml".into(),
        }
    }

    fn render(&self, renderer: &Renderer, index: &Index, title: &str) -> Result<String, String> {
        match self {
            IndexFile::Home => renderer.home(index),
            IndexFile::Agencies => renderer.agencies(index),
            IndexFile::Years => renderer.years(index),
            IndexFile::Agency(a, v) => renderer.agency(a, v),
            IndexFile::Year(y, v) => renderer.year(*y, v),
            IndexFile::Feed => Ok(data::atom(
                title,
                &renderer.abs_url(""),
                &feed_entries(renderer, index),
            )),
            IndexFile::Sitemap => {
                let mut urls: Vec<String> = index_pages(index)
                    .iter()
                    .map(|p| renderer.abs_url(p))
                    .chain(feed_entries(renderer, index).into_iter().map(|(_, u)| u))
                    .collect();
                urls.sort();
                Ok(data::sitemap(&urls))
            }
        }
    }
}

/// The folders of the index pages: home, agencies, years, each agency, each year.
fn index_pages(index: &Index) -> Vec<String> {
    let mut pages: Vec<String> = vec![String::new(), "agencies/".into(), "years/".into()];
    pages.extend(index.by_agency.iter().map(|(a, _)| format!("{}/", a.slug)));
    pages.extend(index.by_year.iter().map(|(y, _)| format!("years/{y}/")));
    pages
}

/// Every report with its absolute URL, as the feed and the sitemap list them.
fn feed_entries<'a>(renderer: &Renderer, index: &'a Index) -> Vec<(&'a Summary, String)> {
    index
        .by_year
        .iter()
        .flat_map(|(_, v)| v.iter())
        .map(|s| (s, renderer.abs_url(&s.path())))
        .collect()
}

enum StaticFile {
    Embedded(&'static str),
    Disk(PathBuf),
}

/// Static files by output path: the built-in default theme, the theme folder, the site's own.
fn static_files(root: &Path, config: &Config) -> Result<BTreeMap<String, StaticFile>, String> {
    let mut out = BTreeMap::new();
    if config.theme == "default" {
        for (rel, text) in DEFAULT_STATIC {
            out.insert((*rel).to_string(), StaticFile::Embedded(text));
        }
    }
    let theme_static = format!("themes/{}/static", config.theme);
    for dir in [theme_static.as_str(), "static"] {
        // A link out of the site is not followed (the load stage warns of it).
        let Some(dir) = crate::source::site_dir(root, dir) else {
            continue;
        };
        for e in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let e = e.map_err(|e| format!("无法读取 {}：{e}", dir.display()))?;
            let name = e.file_name().to_string_lossy();
            if e.file_type().is_file() && !crate::source::is_ignored_name(&name) {
                out.insert(
                    crate::source::rel(&dir, e.path()),
                    StaticFile::Disk(e.path().to_path_buf()),
                );
            }
        }
    }
    Ok(out)
}

/// Time taken by each step of an incremental rebuild (a profiling aid: serve prints it when
/// `NIANBAO_TIMINGS` is set).
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

/// What [`Rebuilder::rebuild_reports`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    /// Reports in the site.
    pub reports: usize,
    /// Files written or removed, relative to the folder.
    pub files: Vec<String>,
    /// Whether `data/reports.json` and `data/reports.csv` no longer hold the data of the site.
    /// They are left alone (at 10 000 reports the CSV is 236 MB, too much to rewrite per save):
    /// the caller rewrites them or serves them composed from the reports' own data files, in the
    /// order of [`Rebuilder::report_folders`].
    pub data_changed: bool,
}

/// Rebuilds parts of the folder [`build`] filled, as report files change: see
/// [`Rebuilder::rebuild_reports`]. It keeps what the next rebuild can use again (the renderer,
/// the index, the list of reports), so one is made per full build and used for every rebuild
/// after it, in order; after an error or `Ok(None)`, build the site in full and make a new one.
pub struct Rebuilder {
    opts: BuildOptions,
    renderer: Renderer,
    /// The index of the site as the folder shows it, once a rebuild needed all of it.
    index: Option<Index>,
    folders: Option<std::sync::Arc<Vec<String>>>,
}

impl Rebuilder {
    /// For `site` as [`build`] built it with `opts`.
    pub fn new(site: &Site, opts: &BuildOptions) -> Result<Rebuilder, String> {
        let base_url = opts
            .base_url
            .clone()
            .unwrap_or_else(|| site.config.base_url.clone());
        let renderer = Renderer::new(
            &site.root,
            &site.config,
            &base_url,
            opts.inject_html.clone(),
        )?;
        Ok(Rebuilder {
            opts: opts.clone(),
            renderer,
            index: None,
            folders: None,
        })
    }

    /// The folder of every report shown (`<agency>/<year>/`), in the order of the data files:
    /// `data/reports.json` is `[`, each folder's `report.json` without its final line break,
    /// joined by `,` and a line break, then `]` and a line break; `data/reports.csv` is the BOM
    /// and header once, then each folder's `report.csv` without them.
    pub fn report_folders(&mut self, site: &Site) -> std::sync::Arc<Vec<String>> {
        let drafts = self.opts.drafts;
        self.folders
            .get_or_insert_with(|| {
                std::sync::Arc::new(
                    site.reports
                        .iter()
                        .filter(|r| drafts || !r.draft)
                        .map(report_path)
                        .collect(),
                )
            })
            .clone()
    }

    /// Re-renders, in the folder, only what depends on some report files that changed since
    /// the last rebuild (edited, created or deleted; `before` is what
    /// [`crate::site::reload_reports`] replaced): their pages and data; the pages of their
    /// agencies and years, the home page and the feed when what those list of the reports
    /// changed; the lists of agencies and years and the sitemap when reports came or went. Every
    /// file is replaced in one step (written beside, then renamed), so a reader never sees half
    /// of one. The result is the same as a full build of the site as it is now, but for the two
    /// data files (see [`Rebuilt::data_changed`]).
    ///
    /// `Ok(None)`, with nothing written, when the change reaches further and the whole site must
    /// be built: the agencies changed (a name derived from the reports), an agency or a year
    /// gains its first report or loses its last, or the folder holds no build.
    pub fn rebuild_reports(
        &mut self,
        site: &Site,
        files: &[String],
        before: &crate::site::Reloaded,
        steps: &mut Steps,
    ) -> Result<Option<Rebuilt>, String> {
        use std::collections::{BTreeSet, HashSet};
        type R = crate::report::Report;

        let d = Delta::new(site, files, before, &self.opts);
        let target = &d.target;
        let renderer = &self.renderer;
        // Only names (and so the order) of agencies can change with their reports.
        let same_names = before
            .old_agencies
            .iter()
            .all(|a| site.agency(&a.slug).is_some_and(|b| b.name == a.name));
        if !same_names || !target.join("index.html").is_file() {
            return Ok(None);
        }
        let touched = || d.new_changed.iter().chain(d.old_changed.iter());
        let slugs: BTreeSet<&str> = touched().map(|r| r.slug.as_str()).collect();
        let years: BTreeSet<u16> = touched().map(|r| r.year).collect();
        // The agency and year pages before and after must be the same set.
        let present = |list: &[&R]| {
            let mut found: (HashSet<String>, HashSet<u16>) = Default::default();
            for r in list {
                if slugs.contains(r.slug.as_str()) && !found.0.contains(r.slug.as_str()) {
                    found.0.insert(r.slug.clone());
                }
                if years.contains(&r.year) {
                    found.1.insert(r.year);
                }
            }
            found
        };
        let changed: HashSet<&str> = files.iter().map(String::as_str).collect();
        let kept: Vec<&R> = d
            .reports
            .iter()
            .filter(|r| slugs.contains(r.slug.as_str()) || years.contains(&r.year))
            .filter(|r| !changed.contains(r.file.as_str()))
            .chain(d.old_changed.iter())
            .copied()
            .collect();
        if present(&d.reports) != present(&kept) {
            return Ok(None);
        }

        // What changed of each report, and so which pages list something new.
        let old_by_file: HashMap<&str, &R> = d
            .old_changed
            .iter()
            .map(|r| (r.file.as_str(), *r))
            .collect();
        let page_of = |r: &R| (r.slug.clone(), r.year);
        let mut came_or_went = {
            let mut a: Vec<_> = d.new_changed.iter().map(|r| page_of(r)).collect();
            let mut b: Vec<_> = d.old_changed.iter().map(|r| page_of(r)).collect();
            a.sort();
            b.sort();
            a != b
        };
        let mut listed: Vec<Summary> = Vec::new();
        let mut listed_slugs: BTreeSet<&str> = BTreeSet::new();
        let mut listed_years: BTreeSet<u16> = BTreeSet::new();
        let mut feed_changed = false;
        // The data of the changed reports as they are now, for those whose data changed.
        let mut new_data: Vec<(&R, DataParts)> = Vec::new();
        let mut data_changed = d.old_changed.len() != d.new_changed.len();
        for new in &d.new_changed {
            let files = report_files(renderer, new)?;
            let Some(old) = old_by_file.get(new.file.as_str()) else {
                came_or_went = true;
                data_changed = true;
                new_data.push((new, files));
                continue;
            };
            let (s_new, s_old) = (Summary::of(new), Summary::of(old));
            if s_new != s_old {
                listed_slugs.extend([new.slug.as_str(), old.slug.as_str()]);
                listed_years.extend([new.year, old.year]);
                feed_changed |= (&s_new.title, s_new.published, &s_new.agency)
                    != (&s_old.title, s_old.published, &s_old.agency);
                listed.push(s_new);
            }
            if files != report_files(renderer, old)? || new.slug != old.slug {
                data_changed = true;
                new_data.push((new, files));
            }
        }
        if came_or_went {
            listed_slugs.extend(slugs.iter().copied());
            listed_years.extend(years.iter().copied());
            feed_changed = true;
            self.index = None;
            self.folders = None;
        } else if let Some(index) = &mut self.index {
            if !update_index(index, listed) {
                self.index = None;
            }
        }
        let newest = d.reports.iter().map(|r| r.year).max();
        let home = came_or_went || newest.is_some_and(|y| listed_years.contains(&y));
        steps.mark("diff");

        let put = |rel: &str, bytes: &[u8]| {
            replace_file(target, rel, bytes).map_err(|e| write_error(rel, e))
        };
        let mut written: Vec<String> = Vec::new();

        // The changed reports: the page always, the data where it changed.
        let pages: Result<Vec<String>, String> = d
            .new_changed
            .par_iter()
            .map(|r| {
                let agency = site.agency(&r.slug).cloned().unwrap_or_default();
                let rel = format!("{}index.html", report_path(r));
                put(&rel, renderer.report_page(r, &agency)?.as_bytes())?;
                Ok(rel)
            })
            .collect();
        written.extend(pages?);
        for (r, (json, csv, _)) in &new_data {
            let path = report_path(r);
            put(&format!("{path}report.json"), json)?;
            put(&format!("{path}report.csv"), csv.as_bytes())?;
            written.extend([format!("{path}report.json"), format!("{path}report.csv")]);
        }
        steps.mark("report pages");

        // The pages that list every report or agency need the whole index (kept for the next
        // rebuild); the others only the reports of their agencies and years.
        let whole = home || came_or_went || feed_changed;
        let summaries = |pick: &dyn Fn(&R) -> bool| -> Vec<Summary> {
            d.reports
                .iter()
                .filter(|r| pick(r))
                .map(|r| Summary::of(r))
                .collect()
        };
        let partial;
        let index: &Index = match &self.index {
            Some(index) => index,
            None if whole => self
                .index
                .insert(Index::new(&site.agencies, summaries(&|_| true))),
            None => {
                partial = Index::new(
                    &site.agencies,
                    summaries(&|r| {
                        listed_slugs.contains(r.slug.as_str()) || listed_years.contains(&r.year)
                    }),
                );
                &partial
            }
        };
        steps.mark("index");

        // Index pages, feed and sitemap, rendered and written in parallel.
        let mut todo: Vec<IndexFile> = Vec::new();
        if home {
            todo.push(IndexFile::Home);
        }
        if came_or_went {
            todo.extend([IndexFile::Agencies, IndexFile::Years, IndexFile::Sitemap]);
        }
        if feed_changed {
            todo.push(IndexFile::Feed);
        }
        for (a, v) in &index.by_agency {
            if listed_slugs.contains(a.slug.as_str()) {
                todo.push(IndexFile::Agency(a, v));
            }
        }
        for (y, v) in &index.by_year {
            if listed_years.contains(y) {
                todo.push(IndexFile::Year(*y, v));
            }
        }
        let pages: Result<Vec<String>, String> = todo
            .into_par_iter()
            .map(|page| {
                let rel = page.rel();
                put(
                    &rel,
                    page.render(renderer, index, &site.config.title)?.as_bytes(),
                )?;
                Ok(rel)
            })
            .collect();
        written.extend(pages?);
        steps.mark("index pages");

        // Reports that went away: their files go, last, once nothing links them (attachments in
        // the same folder stay).
        let new_paths: BTreeSet<String> = d.new_changed.iter().map(|r| report_path(r)).collect();
        for r in &d.old_changed {
            let path = report_path(r);
            if new_paths.contains(&path) {
                continue;
            }
            for name in ["index.html", "report.json", "report.csv"] {
                match std::fs::remove_file(target.join(&path).join(name)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(write_error(&format!("{path}{name}"), e))
                    }
                    _ => written.push(format!("{path}{name}")),
                }
            }
            let _ = std::fs::remove_dir(target.join(&path));
        }

        Ok(Some(Rebuilt {
            reports: d.reports.len(),
            files: written,
            data_changed,
        }))
    }
}

/// Puts the summaries of reports that stayed on the same agency and year page into an index
/// (which [`Index::new`] orders by agency and year alone); `false` when one has no place there.
fn update_index(index: &mut Index, summaries: Vec<Summary>) -> bool {
    for s in summaries {
        let by_agency = index
            .by_agency
            .iter_mut()
            .find(|(a, _)| a.slug == s.slug)
            .and_then(|(_, v)| v.iter_mut().find(|x| x.year == s.year));
        let by_year = index
            .by_year
            .iter_mut()
            .find(|(y, _)| *y == s.year)
            .and_then(|(_, v)| v.iter_mut().find(|x| x.slug == s.slug));
        match (by_agency, by_year) {
            (Some(a), Some(y)) => {
                *y = s.clone();
                *a = s;
            }
            _ => return false,
        }
    }
    true
}

/// The reports a partial rebuild deals with.
struct Delta<'a> {
    target: PathBuf,
    /// The reports shown, as they are now, in site order.
    reports: Vec<&'a crate::report::Report>,
    /// Those of the changed files, as they are now and as they were.
    new_changed: Vec<&'a crate::report::Report>,
    old_changed: Vec<&'a crate::report::Report>,
}

impl<'a> Delta<'a> {
    fn new(
        site: &'a Site,
        files: &[String],
        before: &'a crate::site::Reloaded,
        opts: &BuildOptions,
    ) -> Delta<'a> {
        let changed: std::collections::BTreeSet<&str> = files.iter().map(String::as_str).collect();
        let shown = |r: &&crate::report::Report| opts.drafts || !r.draft;
        let reports: Vec<_> = site.reports.iter().filter(shown).collect();
        let new_changed: Vec<_> = reports
            .iter()
            .filter(|r| changed.contains(r.file.as_str()))
            .copied()
            .collect();
        let old_changed: Vec<_> = before.old.iter().filter(shown).collect();
        Delta {
            target: output_dir(site, opts),
            reports,
            new_changed,
            old_changed,
        }
    }
}

fn report_path(r: &crate::report::Report) -> String {
    format!("{}/{}/", r.slug, r.year)
}

fn write_error(what: &str, e: std::io::Error) -> String {
    format!("写入 {what} 失败：{e}")
}

/// Replaces one file of a built site in a single step: written beside it, then renamed over it.
fn replace_file(dir: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    replace_file_with(dir, rel, |w| w.write_all(bytes))
}

/// [`replace_file`] with the content written by `fill`.
fn replace_file_with(
    dir: &Path,
    rel: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let p = Path::new(rel);
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
    let Some(name) = name.filter(|_| {
        p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
    }) else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("不安全的输出路径：{rel}"),
        ));
    };
    let path = dir.join(p);
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)?;
    let tmp = parent.join(format!(".{name}.nianbao-tmp"));
    let mut w = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?);
    fill(&mut w)?;
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, &path)
}

#[cfg(test)]
mod partial_tests {
    use super::*;

    /// A build of the valid fixture into a temp folder, with the options serve uses.
    fn built() -> (Site, tempfile::TempDir, BuildOptions) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        let site = crate::site::load(&root, Default::default()).unwrap();
        let out = tempfile::tempdir().unwrap();
        let opts = BuildOptions {
            drafts: true,
            output: Some(out.path().join("site")),
            ..Default::default()
        };
        build(&site, &opts).unwrap();
        (site, out, opts)
    }

    /// The data files are the reports' own, in the order of `report_folders`.
    #[test]
    fn data_files_are_the_report_files_joined() {
        let (site, out, opts) = built();
        let dir = out.path().join("site");
        let folders = Rebuilder::new(&site, &opts).unwrap().report_folders(&site);
        assert!(folders.len() >= 2);
        let read = |f: String| std::fs::read_to_string(dir.join(f)).unwrap();
        let jsons: Vec<String> = folders
            .iter()
            .map(|f| {
                read(format!("{f}report.json"))
                    .trim_end_matches('\n')
                    .to_string()
            })
            .collect();
        assert_eq!(
            read("data/reports.json".into()),
            format!("[{}]\n", jsons.join(",\n"))
        );
        let head = format!("{}{}", data::BOM, data::CSV_HEADER);
        let csv: String = folders
            .iter()
            .map(|f| {
                read(format!("{f}report.csv"))
                    .strip_prefix(&head)
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(read("data/reports.csv".into()), format!("{head}{csv}"));
    }

    /// An edit of the text rewrites the report page and nothing else; one of a date, what lists it.
    #[test]
    fn only_what_lists_a_change_is_rewritten() {
        let (mut site, _out, opts) = built();
        let mut rebuilder = Rebuilder::new(&site, &opts).unwrap();
        let i = site.reports.len() - 1;
        let old = site.reports[i].clone();
        let file = old.file.clone();
        let before = crate::site::Reloaded {
            old: vec![old],
            old_agencies: site.agencies.clone(),
        };
        let files = vec![file.clone()];
        let mut steps = Steps::default();
        let r = &mut site.reports[i];
        r.body.sections[0].markdown.push_str("\n\n新增一句。\n");
        let path = report_path(r);
        let got = rebuilder
            .rebuild_reports(&site, &files, &before, &mut steps)
            .unwrap()
            .unwrap();
        assert_eq!(got.files, vec![format!("{path}index.html")]);
        assert!(!got.data_changed);

        let r = &mut site.reports[i];
        r.published = r.published.map(|d| d - chrono::Days::new(1));
        let (slug, year) = (r.slug.clone(), r.year);
        let got = rebuilder
            .rebuild_reports(&site, &files, &before, &mut steps)
            .unwrap()
            .unwrap();
        for f in [
            format!("{path}index.html"),
            format!("{path}report.json"),
            format!("{slug}/index.html"),
            format!("years/{year}/index.html"),
            "atom.xml".into(),
        ] {
            assert!(got.files.contains(&f), "{f}: {:?}", got.files);
        }
        assert!(!got.files.contains(&"sitemap.xml".to_string()));
        assert!(!got.files.contains(&"agencies/index.html".to_string()));
        assert!(got.data_changed);
    }
}
