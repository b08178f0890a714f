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
        check_target(root, &target)?;
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
                let mut json = serde_json::to_vec(&data::report_json(r, &renderer.abs_url(&path)))
                    .map_err(|e| e.to_string())?;
                json.push(b'\n');
                staging
                    .write(&format!("{path}report.json"), &json)
                    .map_err(|e| io_error(&path, e))?;
                let mut csv = String::with_capacity(26 * 1024);
                csv.push_str(data::BOM);
                csv.push_str(data::CSV_HEADER);
                let head = csv.len();
                data::report_csv_into(&mut csv, r);
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
        enum Job {
            Home,
            Agencies,
            Years,
            Year(usize),
            Agency(usize),
            NotFound,
            Atom,
            Sitemap,
        }
        let mut jobs = vec![Job::Home, Job::Agencies, Job::Years];
        jobs.extend((0..index.by_year.len()).map(Job::Year));
        jobs.extend([Job::Atom, Job::Sitemap, Job::NotFound]);
        jobs.extend((0..index.by_agency.len()).map(Job::Agency));
        let mut pages: Vec<String> = vec![String::new(), "agencies/".into(), "years/".into()];
        pages.extend(index.by_agency.iter().map(|(a, _)| format!("{}/", a.slug)));
        pages.extend(index.by_year.iter().map(|(y, _)| format!("years/{y}/")));
        let entries: Vec<(&Summary, String)> = index
            .by_year
            .iter()
            .flat_map(|(_, v)| v.iter())
            .map(|s| (s, renderer.abs_url(&s.path())))
            .collect();
        let write = |rel: &str, text: Result<String, String>| -> Result<(), String> {
            staging.write(rel, text?).map_err(|e| io_error(rel, e))
        };
        jobs.into_par_iter()
            .map(|job| match job {
                Job::Home => write("index.html", renderer.home(&index)),
                Job::Agencies => write("agencies/index.html", renderer.agencies(&index)),
                Job::Years => write("years/index.html", renderer.years(&index)),
                Job::Year(i) => {
                    let (y, v) = &index.by_year[i];
                    write(&format!("years/{y}/index.html"), renderer.year(*y, v))
                }
                Job::Agency(i) => {
                    let (a, v) = &index.by_agency[i];
                    write(&format!("{}/index.html", a.slug), renderer.agency(a, v))
                }
                Job::NotFound => write("404.html", renderer.not_found()),
                Job::Atom => write(
                    "atom.xml",
                    Ok(data::atom(&config.title, &renderer.abs_url(""), &entries)),
                ),
                Job::Sitemap => {
                    let mut urls: Vec<String> = pages.iter().map(|p| renderer.abs_url(p)).collect();
                    urls.extend(entries.iter().map(|(_, u)| u.clone()));
                    urls.sort();
                    write("sitemap.xml", Ok(data::sitemap(&urls)))
                }
            })
            .collect::<Result<(), String>>()?;
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
    for dir in [
        root.join("themes").join(&config.theme).join("static"),
        root.join("static"),
    ] {
        if !dir.is_dir() {
            continue;
        }
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

/// The output folder is replaced whole: it must not be the site or hold it.
fn check_target(root: &Path, target: &Path) -> Result<(), String> {
    let abs = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|c| c.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        }
    };
    let root = root.canonicalize().unwrap_or_else(|_| abs(root));
    let target = target.canonicalize().unwrap_or_else(|_| abs(target));
    if root.starts_with(&target) {
        return Err(format!(
            "输出目录 {} 包含站点本身，不能用作输出目录",
            target.display()
        ));
    }
    for keep in ["content", "themes", "templates", "static"] {
        if target.starts_with(root.join(keep)) {
            return Err(format!("输出目录 {} 不能位于 {keep}/ 中", target.display()));
        }
    }
    Ok(())
}

/// Re-renders, in the folder [`build`] filled for the site as it was, only what depends on some
/// report files that changed since (edited, created or deleted; `before` is what
/// [`crate::site::reload_reports`] replaced): their pages and data, the pages of their agencies
/// and years, the home, agency and year lists, the feed, the sitemap and the data files. Every
/// file is replaced in one step (written beside, then renamed), so a reader never sees half of
/// one. The result is the same as a full build of the site as it is now.
///
/// `Ok(None)`, with nothing written, when the change reaches further and the whole site must be
/// built: the agencies changed (a name derived from the reports), an agency or a year gains its
/// first report or loses its last, or the folder holds no build.
///
/// The two halves, [`rebuild_report_pages`] then [`rebuild_data_files`], may be called apart:
/// the data files of every report take longest on a large site.
pub fn rebuild_reports(
    site: &Site,
    files: &[String],
    before: &crate::site::Reloaded,
    opts: &BuildOptions,
) -> Result<Option<BuildStats>, String> {
    let Some(mut stats) = rebuild_report_pages(site, files, before, opts)? else {
        return Ok(None);
    };
    stats.files += rebuild_data_files(site, files, before, opts)?;
    Ok(Some(stats))
}

/// The reports a partial rebuild deals with.
struct Delta<'a> {
    target: PathBuf,
    /// The reports shown, as they are now, in site order.
    reports: Vec<&'a crate::report::Report>,
    /// Those of the changed files, as they are now and as they were.
    new_changed: Vec<&'a crate::report::Report>,
    old_changed: Vec<&'a crate::report::Report>,
    /// The reports shown as the folder holds them, in site order.
    old_reports: Vec<&'a crate::report::Report>,
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
        let mut old_reports: Vec<_> = reports
            .iter()
            .filter(|r| !changed.contains(r.file.as_str()))
            .chain(old_changed.iter())
            .copied()
            .collect();
        old_reports.sort_by(|a, b| (&a.slug, a.year, &a.file).cmp(&(&b.slug, b.year, &b.file)));
        Delta {
            target: output_dir(site, opts),
            reports,
            new_changed,
            old_changed,
            old_reports,
        }
    }
}

fn partial_renderer(site: &Site, opts: &BuildOptions) -> Result<Renderer, String> {
    let base_url = opts
        .base_url
        .clone()
        .unwrap_or_else(|| site.config.base_url.clone());
    Renderer::new(
        &site.root,
        &site.config,
        &base_url,
        opts.inject_html.clone(),
    )
}

fn report_path(r: &crate::report::Report) -> String {
    format!("{}/{}/", r.slug, r.year)
}

fn write_error(what: &str, e: std::io::Error) -> String {
    format!("写入 {what} 失败：{e}")
}

/// The pages half of [`rebuild_reports`]: everything but `data/reports.json` and
/// `data/reports.csv`. `Ok(None)` as there.
pub fn rebuild_report_pages(
    site: &Site,
    files: &[String],
    before: &crate::site::Reloaded,
    opts: &BuildOptions,
) -> Result<Option<BuildStats>, String> {
    use std::collections::BTreeSet;
    type R = crate::report::Report;

    let d = Delta::new(site, files, before, opts);
    let target = &d.target;
    // Only names (and so the order) of agencies can change with their reports.
    let names = |agencies: &[crate::report::Agency]| {
        agencies
            .iter()
            .map(|a| (a.slug.clone(), a.name.clone()))
            .collect::<Vec<_>>()
    };
    if !target.join("index.html").is_file() || names(&before.old_agencies) != names(&site.agencies)
    {
        return Ok(None);
    }
    // The agency and year pages before and after must be the same set.
    fn page_set<'a>(list: &[&'a R]) -> (BTreeSet<&'a str>, BTreeSet<u16>) {
        (
            list.iter().map(|r| r.slug.as_str()).collect(),
            list.iter().map(|r| r.year).collect(),
        )
    }
    if page_set(&d.reports) != page_set(&d.old_reports) {
        return Ok(None);
    }
    let index = Index::new(
        &site.agencies,
        d.reports.iter().map(|r| Summary::of(r)).collect(),
    );
    let renderer = partial_renderer(site, opts)?;
    let put =
        |rel: &str, bytes: &[u8]| replace_file(target, rel, bytes).map_err(|e| write_error(rel, e));

    // The changed reports.
    let written: Result<Vec<()>, String> = d
        .new_changed
        .par_iter()
        .map(|r| {
            let agency = site.agency(&r.slug).cloned().unwrap_or_default();
            let path = report_path(r);
            put(
                &format!("{path}index.html"),
                renderer.report_page(r, &agency)?.as_bytes(),
            )?;
            let json = serde_json::to_string(&data::report_json(r, &renderer.abs_url(&path)))
                .map_err(|e| e.to_string())?;
            put(
                &format!("{path}report.json"),
                format!("{json}\n").as_bytes(),
            )?;
            let csv = data::report_csv(r);
            put(
                &format!("{path}report.csv"),
                format!("{}{}{csv}", data::BOM, data::CSV_HEADER).as_bytes(),
            )
        })
        .collect();
    let mut files_written = 3 * written?.len();

    // Index pages: the site-wide ones, and those of the agencies and years concerned.
    let touched = || d.new_changed.iter().chain(d.old_changed.iter());
    let slugs: BTreeSet<&str> = touched().map(|r| r.slug.as_str()).collect();
    let years: BTreeSet<u16> = touched().map(|r| r.year).collect();
    let mut pages: Vec<(String, String)> = vec![
        (String::new(), renderer.home(&index)?),
        ("agencies/".into(), renderer.agencies(&index)?),
        ("years/".into(), renderer.years(&index)?),
    ];
    for (a, v) in index
        .by_agency
        .iter()
        .filter(|(a, _)| slugs.contains(a.slug.as_str()))
    {
        pages.push((format!("{}/", a.slug), renderer.agency(a, v)?));
    }
    for (y, v) in index.by_year.iter().filter(|(y, _)| years.contains(y)) {
        pages.push((format!("years/{y}/"), renderer.year(*y, v)?));
    }
    for (path, html) in &pages {
        put(&format!("{path}index.html"), html.as_bytes())?;
    }
    files_written += pages.len();

    // Feed and sitemap, from every page as `build` lists them.
    let entries: Vec<(&Summary, String)> = index
        .by_year
        .iter()
        .flat_map(|(_, v)| v.iter())
        .map(|s| (s, renderer.abs_url(&s.path())))
        .collect();
    let mut urls: Vec<String> = ["", "agencies/", "years/"]
        .iter()
        .map(|p| renderer.abs_url(p))
        .chain(
            index
                .by_agency
                .iter()
                .map(|(a, _)| renderer.abs_url(&format!("{}/", a.slug))),
        )
        .chain(
            index
                .by_year
                .iter()
                .map(|(y, _)| renderer.abs_url(&format!("years/{y}/"))),
        )
        .collect();
    urls.extend(entries.iter().map(|(_, u)| u.clone()));
    urls.sort();
    put(
        "atom.xml",
        data::atom(&site.config.title, &renderer.abs_url(""), &entries).as_bytes(),
    )?;
    put("sitemap.xml", data::sitemap(&urls).as_bytes())?;
    files_written += 2;

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
                _ => {}
            }
        }
        let _ = std::fs::remove_dir(target.join(&path));
    }

    Ok(Some(BuildStats {
        reports: d.reports.len(),
        pages: d.new_changed.len() + pages.len(),
        files: files_written,
        output: d.target.clone(),
    }))
}

/// The data half of [`rebuild_reports`]: `data/reports.json` and `data/reports.csv`, after
/// [`rebuild_report_pages`] did its part. The unchanged reports' parts are taken from the files
/// as they are, when they are laid out as `build` writes them; otherwise everything is written
/// anew. Returns how many files it wrote.
pub fn rebuild_data_files(
    site: &Site,
    files: &[String],
    before: &crate::site::Reloaded,
    opts: &BuildOptions,
) -> Result<usize, String> {
    use std::borrow::Cow;
    use std::collections::BTreeMap;
    type R = crate::report::Report;

    let d = Delta::new(site, files, before, opts);
    let target = &d.target;
    let renderer = partial_renderer(site, opts)?;
    let url = |r: &R| renderer.abs_url(&report_path(r));
    let json = |r: &R| -> Result<String, String> {
        serde_json::to_string(&data::report_json(r, &url(r))).map_err(|e| e.to_string())
    };
    // Most edits (the text of a report) leave the data as it was: nothing to write then.
    let same_list = d.reports.len() == d.old_reports.len()
        && d.reports
            .iter()
            .zip(&d.old_reports)
            .all(|(a, b)| a.file == b.file);
    if same_list && target.join("data/reports.json").is_file() {
        let data_of = |r: &R| json(r).map(|j| (j, data::report_csv(r)));
        let mut same = true;
        for (new, old) in d.new_changed.iter().zip(&d.old_changed) {
            if new.file != old.file || data_of(new)? != data_of(old)? {
                same = false;
                break;
            }
        }
        if same && d.new_changed.len() == d.old_changed.len() {
            return Ok(0);
        }
    }
    let old_json = std::fs::read_to_string(target.join("data/reports.json")).unwrap_or_default();
    let old_csv = std::fs::read_to_string(target.join("data/reports.csv")).unwrap_or_default();
    let spliced = match (
        json_parts(&old_json, &d.old_reports, url),
        csv_parts(&old_csv, &d.old_reports),
    ) {
        (Some(j), Some(c)) => Some((j, c)),
        _ => None,
    };
    let parts: Vec<(Cow<str>, Cow<str>)> = match &spliced {
        Some((old_j, old_c)) => {
            let fresh: Result<BTreeMap<&str, (String, String)>, String> = d
                .new_changed
                .par_iter()
                .map(|r| Ok((r.file.as_str(), (json(r)?, data::report_csv(r)))))
                .collect();
            let mut fresh = fresh?;
            fn old<'t>(m: &BTreeMap<&str, &'t str>, r: &R) -> &'t str {
                m.get(r.file.as_str()).copied().unwrap_or_default()
            }
            d.reports
                .iter()
                .map(|r| match fresh.remove(r.file.as_str()) {
                    Some((j, c)) => (Cow::Owned(j), Cow::Owned(c)),
                    None => (Cow::Borrowed(old(old_j, r)), Cow::Borrowed(old(old_c, r))),
                })
                .collect()
        }
        None => {
            let all: Result<Vec<(String, String)>, String> = d
                .reports
                .par_iter()
                .map(|r| Ok((json(r)?, data::report_csv(r))))
                .collect();
            all?.into_iter()
                .map(|(j, c)| (Cow::Owned(j), Cow::Owned(c)))
                .collect()
        }
    };
    replace_file_with(target, "data/reports.json", |w| {
        w.write_all(b"[")?;
        for (i, (j, _)) in parts.iter().enumerate() {
            if i > 0 {
                w.write_all(b",\n")?;
            }
            w.write_all(j.as_bytes())?;
        }
        w.write_all(b"]\n")
    })
    .map_err(|e| write_error("data/reports.json", e))?;
    replace_file_with(target, "data/reports.csv", |w| {
        w.write_all(data::BOM.as_bytes())?;
        w.write_all(data::CSV_HEADER.as_bytes())?;
        for (_, c) in &parts {
            w.write_all(c.as_bytes())?;
        }
        Ok(())
    })
    .map_err(|e| write_error("data/reports.csv", e))?;
    Ok(2)
}

/// The line of each report in `data/reports.json` as `build` writes it (one compact JSON object a
/// line, in the order of `reports`), by file; `None` when the text is not laid out that way.
fn json_parts<'a>(
    text: &'a str,
    reports: &[&'a crate::report::Report],
    url: impl Fn(&crate::report::Report) -> String,
) -> Option<std::collections::BTreeMap<&'a str, &'a str>> {
    let body = text.strip_prefix('[')?.strip_suffix("]\n")?;
    let lines: Vec<&str> = if body.is_empty() {
        Vec::new()
    } else {
        body.split(",\n").collect()
    };
    if lines.len() != reports.len() {
        return None;
    }
    let mut out = std::collections::BTreeMap::new();
    for (r, line) in reports.iter().zip(lines) {
        let tail = format!("\"url\":{}}}", serde_json::to_string(&url(r)).ok()?);
        if !line.starts_with('{') || !line.ends_with(&tail) {
            return None;
        }
        out.insert(r.file.as_str(), line);
    }
    Some(out)
}

/// The lines of each report in `data/reports.csv` as `build` writes them (in the order of
/// `reports`, each line starting with the report's agency and year), by file; `None` when the
/// text is not laid out that way.
fn csv_parts<'a>(
    text: &'a str,
    reports: &[&'a crate::report::Report],
) -> Option<std::collections::BTreeMap<&'a str, &'a str>> {
    let mut rest = text
        .strip_prefix(data::BOM)?
        .strip_prefix(data::CSV_HEADER)?;
    let mut out = std::collections::BTreeMap::new();
    for r in reports {
        // The report's block: the lines that start with the same agency and year fields as its
        // first line, which must be the report's own.
        let (prefix, agency, year) = csv_agency_year(rest)?;
        if agency != r.agency || year != r.year.to_string() {
            return None;
        }
        let mut len = 0;
        while rest[len..].starts_with(prefix) {
            len += rest[len..].find('\n')? + 1;
        }
        out.insert(r.file.as_str(), &rest[..len]);
        rest = &rest[len..];
    }
    rest.is_empty().then_some(out)
}

/// The first two fields of a CSV line (RFC 4180): the text up to and with the comma after them,
/// the first unquoted, and the second.
fn csv_agency_year(line: &str) -> Option<(&str, String, &str)> {
    let (agency, after) = if let Some(quoted) = line.strip_prefix('"') {
        let mut value = String::new();
        let mut rest = quoted;
        loop {
            let q = rest.find('"')?;
            value.push_str(&rest[..q]);
            rest = &rest[q + 1..];
            match rest.strip_prefix('"') {
                Some(more) => {
                    value.push('"');
                    rest = more;
                }
                None => break,
            }
        }
        (value, rest.strip_prefix(',')?)
    } else {
        let c = line.find([',', '\n'])?;
        (line[..c].to_string(), line[c..].strip_prefix(',')?)
    };
    let year_end = after.find(',')?;
    let year = &after[..year_end];
    let prefix_len = line.len() - after.len() + year_end + 1;
    Some((&line[..prefix_len], agency, year))
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

    /// The data files `build` writes are split back into every report's part.
    #[test]
    fn data_files_split_by_report() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        let site = crate::site::load(&root, Default::default()).unwrap();
        let out = tempfile::tempdir().unwrap();
        let opts = BuildOptions {
            drafts: true,
            output: Some(out.path().join("site")),
            ..Default::default()
        };
        build(&site, &opts).unwrap();
        let renderer = partial_renderer(&site, &opts).unwrap();
        let reports: Vec<&crate::report::Report> = site.reports.iter().collect();
        assert!(reports.len() >= 2);
        let read = |f: &str| std::fs::read_to_string(out.path().join("site/data").join(f)).unwrap();
        let (json, csv) = (read("reports.json"), read("reports.csv"));
        let j = json_parts(&json, &reports, |r| renderer.abs_url(&report_path(r))).unwrap();
        let c = csv_parts(&csv, &reports).unwrap();
        for r in &reports {
            assert_eq!(c[r.file.as_str()], data::report_csv(r));
            let url = renderer.abs_url(&report_path(r));
            let want = serde_json::to_string(&data::report_json(r, &url)).unwrap();
            assert_eq!(j[r.file.as_str()], want);
        }
        // Out of order or missing: not split.
        let mut reversed = reports.clone();
        reversed.reverse();
        assert!(csv_parts(&csv, &reversed).is_none());
        assert!(csv_parts(&csv, &reports[..1]).is_none());
        assert!(json_parts(&json, &reports[..1], report_path).is_none());
    }

    #[test]
    fn csv_lines_give_agency_and_year() {
        assert_eq!(
            csv_agency_year("示例县教育局,2023,active,rules,规章,本年新制作数量,0\n"),
            Some(("示例县教育局,2023,", "示例县教育局".to_string(), "2023"))
        );
        assert_eq!(
            csv_agency_year("\"A, \"\"B\"\"\",2020,x\n"),
            Some(("\"A, \"\"B\"\"\",2020,", "A, \"B\"".to_string(), "2020"))
        );
        assert_eq!(csv_agency_year("\"unterminated,2020,x\n"), None);
        assert_eq!(csv_agency_year("no year\n"), None);
    }
}
