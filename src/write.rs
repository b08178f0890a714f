//! Write: renders planned outputs and puts them into a folder.
//!
//! In: outputs of a [`Plan`], the renderer, and the reports they are made from. Out: files, through
//! a [`Sink`]. One writer, two sinks: a build's staging folder, swapped in whole at the end
//! ([`Staging`]), and `serve`'s folder, where each file is replaced in one step ([`InPlace`]). The
//! writer remembers the fingerprint of every output it wrote, so that writing a plan renders only
//! what is not there yet: the whole plan for a build, what an edit changed for `serve`.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::data;
use crate::index::Index;
use crate::opendata;
use crate::output::{remove_path, safe_rel, Staging};
use crate::plan::{AgencyPlan, Output, Plan, Planned, StaticFile, Written};
use crate::render::Renderer;
use crate::report::Report;

/// Where written files go.
pub trait Sink: Sync {
    /// The folder the site is written into.
    fn dir(&self) -> &Path;
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    fn copy(&self, from: &Path, rel: &str) -> io::Result<()>;
    fn remove(&self, rel: &str) -> io::Result<()>;
    /// Whether `data/reports.json`, `.csv` and `reports-wide.csv` are written as files. `serve`
    /// serves them joined from the reports' own data files instead: at 10 000 reports the CSV
    /// alone is 236 MB.
    fn writes_data_files(&self) -> bool {
        true
    }
    /// Whether an output is left for the caller to write later (`serve` writes the search
    /// index in the background).
    fn defers(&self, _output: &Output) -> bool {
        false
    }
}

/// Writes a folder output (`rel` ends in `/`): its files in the order given (the one that
/// names the others last), then removes whatever else the folder holds.
pub fn write_folder(sink: &dyn Sink, rel: &str, files: &[(String, Vec<u8>)]) -> Result<(), String> {
    for (name, bytes) in files {
        let path = format!("{rel}{name}");
        sink.write(&path, bytes)
            .map_err(|e| write_error(&path, e))?;
    }
    let dir = sink
        .dir()
        .join(safe_rel(rel).map_err(|e| write_error(rel, e))?);
    let names: std::collections::HashSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let entries = std::fs::read_dir(&dir).map_err(|e| write_error(rel, e))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        // Files being replaced beside their final name are not ours to remove.
        if !name.starts_with('.') && !names.contains(name.as_str()) {
            let path = format!("{rel}{name}");
            let path = if e.file_type().is_ok_and(|t| t.is_dir()) {
                format!("{path}/")
            } else {
                path
            };
            sink.remove(&path).map_err(|e| write_error(&path, e))?;
        }
    }
    Ok(())
}

/// The message of a failed write.
pub fn write_error(what: &str, e: io::Error) -> String {
    format!("写入 {what} 失败：{e}")
}

impl Sink for Staging {
    fn dir(&self) -> &Path {
        Staging::dir(self)
    }
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        Staging::write(self, rel, bytes)
    }
    fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        Staging::copy(self, from, rel)
    }
    fn remove(&self, rel: &str) -> io::Result<()> {
        Staging::remove(self, rel)
    }
}

/// A folder being served: each file replaced in one step (written beside it, then renamed over
/// it), so that a reader never sees half of one.
#[derive(Debug)]
pub struct InPlace {
    pub dir: PathBuf,
    /// Leave the search index to the caller ([`Sink::defers`]).
    pub defer_search: bool,
}

impl InPlace {
    fn replace(&self, rel: &str, fill: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
        let path = self.dir.join(safe_rel(rel)?);
        let parent = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(parent)?;
        let tmp = tempfile::Builder::new()
            .prefix(".nianbao-")
            .tempfile_in(parent)?;
        fill(tmp.path())?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Sink for InPlace {
    fn dir(&self) -> &Path {
        &self.dir
    }
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.replace(rel, |tmp| std::fs::write(tmp, bytes))
    }
    fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        self.replace(rel, |tmp| std::fs::copy(from, tmp).map(|_| ()))
    }
    fn remove(&self, rel: &str) -> io::Result<()> {
        let path = self.dir.join(safe_rel(rel)?);
        remove_path(&path, rel)?;
        // Folders left empty go too (a removed report's folder).
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != self.dir) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
    fn writes_data_files(&self) -> bool {
        false
    }
    fn defers(&self, output: &Output) -> bool {
        self.defer_search && matches!(output, Output::SearchIndex)
    }
}

/// Finds the whole report a report output is made from.
pub type ReportSource<'a> = &'a (dyn Fn(&str) -> Result<Arc<Report>, String> + Sync);

/// Renders outputs into a sink.
pub struct Writer<'a> {
    renderer: &'a Renderer,
    sink: &'a dyn Sink,
    /// What the sink holds.
    written: Mutex<Written>,
    /// The site's data files, appended as the reports stream through a build.
    stream: Mutex<Option<DataStream>>,
}

impl<'a> Writer<'a> {
    /// A writer into `sink`, which holds `written`.
    pub fn new(renderer: &'a Renderer, sink: &'a dyn Sink, written: Written) -> Self {
        Writer {
            renderer,
            sink,
            written: Mutex::new(written),
            stream: Mutex::new(None),
        }
    }

    /// A writer into an empty sink that also writes the site's data files as the reports' data
    /// come through, in order (a build: 2.4 GB of CSV at 100 000 reports, not read back).
    pub fn streaming(renderer: &'a Renderer, sink: &'a dyn Sink) -> Result<Self, String> {
        let w = Writer::new(renderer, sink, Written::default());
        if sink.writes_data_files() {
            let create = |rel: &str| -> Result<BufWriter<File>, String> {
                let path = sink.dir().join(rel);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| write_error(rel, e))?;
                }
                Ok(BufWriter::new(
                    File::create(&path).map_err(|e| write_error(rel, e))?,
                ))
            };
            *w.stream.lock().unwrap_or_else(PoisonError::into_inner) = Some(DataStream {
                files: Some(DataFiles::start(
                    create(DATA_JSON)?,
                    create(DATA_CSV)?,
                    create(DATA_WIDE)?,
                )),
                folders: Vec::new(),
            });
        }
        Ok(w)
    }

    /// What the sink holds.
    pub fn into_written(self) -> Written {
        self.written
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Written> {
        self.written.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Renders and writes the outputs of some agencies (a build's batch).
    pub fn write_agencies(
        &self,
        agencies: &[Arc<AgencyPlan>],
        reports: ReportSource,
    ) -> Result<(), String> {
        let files: Vec<(&str, &Planned)> = agencies
            .iter()
            .flat_map(|a| a.files.iter().map(|(p, o)| (p.as_str(), o)))
            .collect();
        self.write(&files, None, reports)?;
        let mut held = self.held();
        for a in agencies {
            held.agencies.insert(a.slug.clone(), Arc::clone(a));
        }
        Ok(())
    }

    /// Renders and writes the outputs of `plan` that the sink does not hold as planned, and
    /// removes from it the outputs the plan no longer has. Reports come from `reports`. Returns
    /// the paths written and removed.
    pub fn write_plan(&self, plan: &Plan, reports: ReportSource) -> Result<Vec<String>, String> {
        let (todo, gone) = crate::plan::diff(&self.held(), plan);
        let mut touched: Vec<String> = todo.iter().map(|(p, _)| (*p).clone()).collect();
        let todo: Vec<(&str, &Planned)> = todo.into_iter().map(|(p, o)| (p.as_str(), o)).collect();
        // Files that went are removed last, once no page written links them.
        let result = self.write(&todo, Some(plan), reports).and_then(|()| {
            gone.iter()
                .try_for_each(|rel| self.sink.remove(rel).map_err(|e| write_error(rel, e)))
        });
        let mut held = self.held();
        match result {
            Ok(()) => {
                held.agencies = plan
                    .agencies
                    .iter()
                    .map(|a| (a.slug.clone(), Arc::clone(a)))
                    .collect();
                held.site = plan
                    .site
                    .iter()
                    .map(|(p, o)| (p.clone(), o.fingerprint))
                    .collect();
            }
            Err(e) => {
                // Whatever may be half written is written again next time; whatever may still
                // be there is removed then.
                for a in &plan.agencies {
                    let mut stale = (**held.agencies.get(&a.slug).unwrap_or(a)).clone();
                    stale.key = 0;
                    for (_, o) in &mut stale.files {
                        o.fingerprint = 0;
                    }
                    held.agencies.insert(a.slug.clone(), Arc::new(stale));
                }
                for p in plan.site.keys().chain(gone.iter()) {
                    held.site.insert(p.clone(), 0);
                }
                return Err(e);
            }
        }
        touched.extend(gone);
        touched.sort();
        Ok(touched)
    }

    /// Renders and writes some outputs of `plan` (in parallel; the site's data files and the
    /// search index, made from the files of the others, last). Without a plan, only agencies'
    /// outputs (a build's batches).
    fn write(
        &self,
        outputs: &[(&str, &Planned)],
        plan: Option<&Plan>,
        reports: ReportSource,
    ) -> Result<(), String> {
        let no_index = Index::default();
        let index = plan.map_or(&no_index, |p| &p.index);
        let shown = plan.map_or(&[][..], Plan::shown);
        let is_data = |o: &Output| {
            matches!(
                o,
                Output::DataJson | Output::DataCsv | Output::DataWide | Output::SearchIndex
            )
        };
        let pages: Vec<&(&str, &Planned)> = outputs
            .iter()
            .filter(|(_, p)| !is_data(&p.output))
            .collect();
        // The big index pages first: the many small ones fill in around them.
        let mut order: Vec<usize> = (0..pages.len()).collect();
        order.sort_by_key(|&i| {
            !matches!(
                pages[i].1.output,
                Output::Home
                    | Output::Agencies
                    | Output::Year(_)
                    | Output::Feed
                    | Output::Sitemap
                    | Output::Rollups
            )
        });
        let results: Vec<Result<Option<DataPiece>, String>> = order
            .par_iter()
            .map(|&i| {
                let (rel, planned) = pages[i];
                self.write_one(rel, &planned.output, index, shown, reports)
            })
            .collect();
        // The reports' data, in the order of the outputs, for the site's data files.
        let mut by_place: Vec<Option<DataPiece>> = (0..pages.len()).map(|_| None).collect();
        for (&i, r) in order.iter().zip(results) {
            by_place[i] = r?;
        }
        let mut stream = self.stream.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(s) = stream.as_mut() {
            let mut batch = Vec::new();
            let mut json: Option<(String, Vec<u8>, Vec<u8>)> = None;
            for ((rel, _), piece) in pages.iter().zip(by_place) {
                match piece {
                    Some(DataPiece::Json { json: j, wide }) => {
                        json = Some((folder_of(rel).to_string(), j, wide));
                    }
                    Some(DataPiece::Csv(c)) => {
                        if let Some((folder, j, wide)) =
                            json.take().filter(|(f, _, _)| f == folder_of(rel))
                        {
                            s.folders.push(folder);
                            batch.push((j, c, wide));
                        }
                    }
                    None => {}
                }
            }
            if let Some(files) = s.files.as_mut().filter(|_| !batch.is_empty()) {
                files.append(batch)?;
            }
        }
        drop(stream);

        for (rel, p) in outputs.iter().filter(|(_, p)| is_data(&p.output)) {
            if matches!(p.output, Output::SearchIndex) {
                if !self.sink.defers(&p.output) {
                    let records = plan.map_or(&[][..], |p| p.search.as_slice());
                    let files = crate::search::index_files(self.sink.dir(), records)?;
                    write_folder(self.sink, rel, &files)?;
                }
            } else if self.sink.writes_data_files() {
                let folders = plan.map_or(&[][..], |p| p.data.as_slice());
                self.write_data_file(rel, folders)?;
            }
        }
        Ok(())
    }

    /// Renders one output into the sink; returns what the site's data files take of a report's
    /// data file.
    fn write_one(
        &self,
        rel: &str,
        output: &Output,
        index: &Index,
        shown: &[Arc<crate::facts::Facts>],
        reports: ReportSource,
    ) -> Result<Option<DataPiece>, String> {
        let r = self.renderer;
        let put = |bytes: &[u8]| self.sink.write(rel, bytes).map_err(|e| write_error(rel, e));
        let text = match output {
            Output::Report {
                report,
                agency,
                previous,
            } => {
                let whole = reports(&report.file)?;
                r.report_page(&whole, agency, previous.as_deref())?
            }
            Output::ReportJson { report, previous } => {
                let whole = reports(&report.file)?;
                let previous = previous.map(|y| (y, r.abs_url(&format!("{}/{y}/", report.slug))));
                let json = data::report_json_bytes(&whole, &r.abs_url(folder_of(rel)), previous)?;
                put(&json)?;
                // Its line of the wide CSV, here where the work is spread over the cores.
                let wide = opendata::wide_line(&json)?;
                return Ok(Some(DataPiece::Json { json, wide }));
            }
            Output::ReportCsv(facts) => {
                let report = reports(&facts.file)?;
                let csv = data::report_csv(&report).into_bytes();
                put(&csv)?;
                return Ok(Some(DataPiece::Csv(csv)));
            }
            Output::Home => r.home(index)?,
            Output::Agencies => r.agencies(index)?,
            Output::Years => r.years(index)?,
            Output::Agency(page) => r.agency(&page.0, &page.1)?,
            // Its rows kept where the sink is kept from one run to the next (serve).
            Output::Year(i) => r.year(index, *i, !self.sink.writes_data_files())?,
            Output::Regions => r.regions(index)?,
            Output::Region(i) => r.region(index, *i)?,
            Output::RegionYear(k) => r.region_year(index, *k)?,
            Output::RollupJson(k) => {
                let json = data::rollup_json_bytes(&index.rollups[*k], &r.abs_url(folder_of(rel)))?;
                put(&json)?;
                return Ok(None);
            }
            Output::RollupCsv(k) => {
                put(data::rollup_csv(&index.rollups[*k]).as_bytes())?;
                return Ok(None);
            }
            Output::Rollups => {
                let urls: Vec<String> = index
                    .rollups
                    .iter()
                    .map(|x| r.abs_url(&rollup_page(x)))
                    .collect();
                // Kept where the sink is kept from one run to the next (serve).
                let keep = !self.sink.writes_data_files();
                put(&data::rollups_json(&index.rollups, &urls, keep)?)?;
                return Ok(None);
            }
            // Its entries kept where the sink is kept from one run to the next (serve).
            Output::Feed => {
                let root = r.abs_root();
                // `abs_url` of a report's folder, in one allocation.
                let url = |s: &crate::facts::Facts| {
                    let mut url = String::with_capacity(root.len() + s.slug.len() + 6);
                    url.push_str(&root);
                    s.push_path(&mut url);
                    url
                };
                let reports: Vec<&crate::facts::Facts> = shown.iter().map(|s| &**s).collect();
                data::atom(
                    &r.site_title(),
                    &r.abs_url(""),
                    &reports,
                    &url,
                    (!self.sink.writes_data_files()).then_some(&r.feed),
                )
            }
            Output::Sitemap => {
                // The search page too (a page like the others, found by its form).
                let search = r.has_search().then(|| "search/".to_string());
                // The pages' paths, sorted (every URL begins with the same root, which the
                // sitemap puts before each).
                let mut paths: Vec<String> = index_pages(index);
                paths.extend(search);
                paths.extend(
                    index
                        .by_year
                        .iter()
                        .flat_map(|(_, v)| v.iter())
                        .map(|s| s.path()),
                );
                // Equal paths are the same bytes: the order is the same as a stable sort's.
                paths.par_sort_unstable();
                data::sitemap(&r.abs_root(), &paths)
            }
            Output::Robots => data::robots(&r.abs_url("")),
            Output::NotFound => r.not_found()?,
            Output::Static(StaticFile::Embedded(t)) => {
                put(t.as_bytes())?;
                return Ok(None);
            }
            Output::Static(StaticFile::Disk(from)) | Output::Attachment(from) => {
                self.sink.copy(from, rel).map_err(|e| write_error(rel, e))?;
                return Ok(None);
            }
            Output::DataPackage(p) => {
                put(&opendata::datapackage_json(p, &r.abs_url("")))?;
                return Ok(None);
            }
            Output::DataSchema(schema) => {
                put(&schema.bytes())?;
                return Ok(None);
            }
            Output::SearchRecord { report, region } => {
                let whole = reports(&report.file)?;
                put(&crate::search::record_bytes(&crate::search::record(
                    &whole,
                    region.as_deref(),
                ))?)?;
                return Ok(None);
            }
            Output::SearchPage => r.search_page(index)?,
            Output::DataJson | Output::DataCsv | Output::DataWide | Output::SearchIndex => {
                return Ok(None)
            }
        };
        put(text.as_bytes())?;
        Ok(None)
    }

    /// Writes a data file of the site for the reports in `folders`: the file streamed
    /// while they were written when it holds exactly them, else joined from their files.
    fn write_data_file(&self, rel: &str, folders: &[String]) -> Result<(), String> {
        let mut stream = self.stream.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(s) = stream.as_mut() {
            if let Some(files) = s.files.take() {
                files.finish()?;
            }
            if s.folders == folders {
                return Ok(());
            }
        }
        drop(stream);
        let which = DataFile::at(rel).unwrap_or(DataFile::Json);
        let mut bytes = Vec::new();
        compose(self.sink.dir(), folders, which, &mut bytes).map_err(|e| write_error(rel, e))?;
        self.sink
            .write(rel, &bytes)
            .map_err(|e| write_error(rel, e))
    }
}

/// The page of a roll-up: its region's year page, or the year page for the site's.
pub fn rollup_page(r: &crate::across::Rollup) -> String {
    match &r.slug {
        Some(slug) => format!("regions/{slug}/{}/", r.year),
        None => format!("years/{}/", r.year),
    }
}

/// `agency/2020/report.json` → `agency/2020/`.
fn folder_of(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..=i])
}

/// The folders of the index pages: home, agencies, years, each agency, each year, and the
/// region pages.
pub fn index_pages(index: &Index) -> Vec<String> {
    let mut pages: Vec<String> = vec![String::new(), "agencies/".into(), "years/".into()];
    pages.extend(index.by_agency.iter().map(|(a, _)| format!("{}/", a.slug)));
    pages.extend(index.by_year.iter().map(|(y, _)| format!("years/{y}/")));
    if !index.regions.is_empty() {
        pages.push("regions/".into());
        pages.extend(
            index
                .regions
                .regions()
                .iter()
                .map(|r| format!("regions/{}/", r.slug)),
        );
        pages.extend(
            index
                .rollups
                .iter()
                .filter(|r| r.slug.is_some())
                .map(|r| rollup_page(r)),
        );
    }
    pages
}

pub const DATA_JSON: &str = "data/reports.json";
pub const DATA_CSV: &str = "data/reports.csv";
pub const DATA_WIDE: &str = opendata::WIDE;

/// One of the data files of the whole site made of every report's data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFile {
    Json,
    Csv,
    /// `data/reports-wide.csv`, made of each `report.json`.
    Wide,
}

impl DataFile {
    pub const ALL: [DataFile; 3] = [DataFile::Json, DataFile::Csv, DataFile::Wide];

    /// The data file at a path below the site root.
    pub fn at(rel: &str) -> Option<DataFile> {
        match rel {
            DATA_JSON => Some(DataFile::Json),
            DATA_CSV => Some(DataFile::Csv),
            DATA_WIDE => Some(DataFile::Wide),
            _ => None,
        }
    }

    /// Its path below the site root.
    pub fn path(self) -> &'static str {
        match self {
            DataFile::Json => DATA_JSON,
            DataFile::Csv => DATA_CSV,
            DataFile::Wide => DATA_WIDE,
        }
    }

    /// The content type the files are served with.
    pub fn content_type(self) -> &'static str {
        match self {
            DataFile::Json => "application/json",
            DataFile::Csv | DataFile::Wide => "text/csv",
        }
    }
}

/// What the site's data files take of one report's output.
enum DataPiece {
    /// `report.json`, and the report's line of the wide CSV made from it.
    Json { json: Vec<u8>, wide: Vec<u8> },
    /// `report.csv`.
    Csv(Vec<u8>),
}

fn invalid(file: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{} {what}", file.display()),
    )
}

/// Writes one data file of the site for the reports in `folders` (below `dir`, e.g.
/// `agency/2020/`) to `out`, joined from their own data files: `data/reports.json` is `[`, each
/// `report.json` without its final line break, joined by `,` and a line break, then `]` and a
/// line break; `data/reports.csv` is the BOM and header once, then each `report.csv` without
/// them; `data/reports-wide.csv` is its BOM and header, then each `report.json` made into its
/// line ([`opendata::wide_line`]). Fails when a report's file is missing or not laid out so.
pub fn compose(
    dir: &Path,
    folders: &[String],
    which: DataFile,
    out: &mut dyn Write,
) -> io::Result<()> {
    let head = format!("{}{}", data::BOM, data::CSV_HEADER);
    match which {
        DataFile::Json => out.write_all(b"[")?,
        DataFile::Csv => out.write_all(head.as_bytes())?,
        DataFile::Wide => out.write_all(opendata::wide_head().as_bytes())?,
    }
    for (i, folder) in folders.iter().enumerate() {
        let path = dir.join(folder).join(match which {
            DataFile::Json | DataFile::Wide => "report.json",
            DataFile::Csv => "report.csv",
        });
        let bytes = std::fs::read(&path)?;
        match which {
            DataFile::Wide => {
                let line = opendata::wide_line(&bytes).map_err(|e| invalid(&path, &e))?;
                out.write_all(&line)?;
            }
            DataFile::Json => {
                let line = bytes
                    .strip_suffix(b"\n")
                    .ok_or_else(|| invalid(&path, "does not end with a line break"))?;
                if i > 0 {
                    out.write_all(b",\n")?;
                }
                out.write_all(line)?;
            }
            DataFile::Csv => {
                let lines = bytes
                    .strip_prefix(head.as_bytes())
                    .ok_or_else(|| invalid(&path, "does not start with the BOM and header"))?;
                out.write_all(lines)?;
            }
        }
    }
    if which == DataFile::Json {
        out.write_all(b"]\n")?;
    }
    Ok(())
}

/// The site's data files as the reports stream through, and the folders they hold so far.
struct DataStream {
    /// `None` once finished.
    files: Option<DataFiles>,
    folders: Vec<String>,
}

/// Each report's `report.json`, `report.csv` and line of the wide CSV, in order.
type DataBatch = Vec<(Vec<u8>, Vec<u8>, Vec<u8>)>;

/// The thread that writes `data/reports.json`, `data/reports.csv` and `data/reports-wide.csv`
/// from each report's own data files, in order, while the build goes on.
#[derive(Default)]
struct DataFiles {
    tx: Option<std::sync::mpsc::SyncSender<DataBatch>>,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl DataFiles {
    fn start(
        mut json: BufWriter<File>,
        mut csv: BufWriter<File>,
        mut wide: BufWriter<File>,
    ) -> DataFiles {
        // One batch waits while one is written: bounded memory, and the checking goes on.
        let (tx, rx) = std::sync::mpsc::sync_channel::<DataBatch>(1);
        let thread = std::thread::spawn(move || -> Result<(), String> {
            let json_err = |e| write_error(DATA_JSON, e);
            let csv_err = |e| write_error(DATA_CSV, e);
            let wide_err = |e| write_error(DATA_WIDE, e);
            let head = format!("{}{}", data::BOM, data::CSV_HEADER);
            json.write_all(b"[").map_err(json_err)?;
            csv.write_all(head.as_bytes()).map_err(csv_err)?;
            wide.write_all(opendata::wide_head().as_bytes())
                .map_err(wide_err)?;
            let mut first = true;
            for batch in rx {
                for (j, c, w) in batch {
                    if !first {
                        json.write_all(b",\n").map_err(json_err)?;
                    }
                    first = false;
                    json.write_all(j.strip_suffix(b"\n").unwrap_or(&j))
                        .map_err(json_err)?;
                    csv.write_all(c.strip_prefix(head.as_bytes()).unwrap_or(&c))
                        .map_err(csv_err)?;
                    wide.write_all(&w).map_err(wide_err)?;
                }
            }
            wide.flush().map_err(wide_err)?;
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

    /// Queues a batch of reports' data files (JSON, CSV), in order.
    fn append(&mut self, batch: DataBatch) -> Result<(), String> {
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(batch).is_ok());
        if sent {
            Ok(())
        } else {
            // The thread stopped: it says why.
            std::mem::take(self).finish()?;
            Err(write_error(DATA_JSON, io::ErrorKind::BrokenPipe.into()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_the_reports_as_build_does() {
        let dir = tempfile::tempdir().unwrap();
        let head = format!("{}{}", data::BOM, data::CSV_HEADER);
        for (f, j, c) in [
            ("a/2020/", "{\"a\":1}", "A,2020,x\n"),
            ("b/2021/", "{}", ""),
        ] {
            std::fs::create_dir_all(dir.path().join(f)).unwrap();
            std::fs::write(dir.path().join(f).join("report.json"), format!("{j}\n")).unwrap();
            std::fs::write(dir.path().join(f).join("report.csv"), format!("{head}{c}")).unwrap();
        }
        let get = |folders: &[String], which| {
            let mut out = Vec::new();
            compose(dir.path(), folders, which, &mut out).map(|_| String::from_utf8(out).unwrap())
        };
        let both = ["a/2020/".to_string(), "b/2021/".to_string()];
        assert_eq!(get(&both, DataFile::Json).unwrap(), "[{\"a\":1},\n{}]\n");
        assert_eq!(
            get(&both, DataFile::Csv).unwrap(),
            format!("{head}A,2020,x\n")
        );
        assert_eq!(get(&[], DataFile::Json).unwrap(), "[]\n");
        assert_eq!(get(&[], DataFile::Csv).unwrap(), head);
        // A report whose files are gone, or not as build writes them.
        assert!(get(&["c/2020/".to_string()], DataFile::Json).is_err());
        std::fs::write(dir.path().join("a/2020/report.csv"), "A,2020,x\n").unwrap();
        assert!(get(&both, DataFile::Csv).is_err());
        assert_eq!(DataFile::at("data/reports.csv"), Some(DataFile::Csv));
        assert_eq!(DataFile::at("data/reports.csv.gz"), None);
    }

    #[test]
    fn in_place_files_are_replaced_and_removed_with_their_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        let sink = InPlace {
            dir: dir.path().to_path_buf(),
            defer_search: false,
        };
        sink.write("a/2020/index.html", b"one").unwrap();
        sink.write("a/2020/index.html", b"two").unwrap();
        sink.write("a/index.html", b"a").unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("a/2020/index.html")).unwrap(),
            b"two"
        );
        sink.remove("a/2020/index.html").unwrap();
        assert!(!dir.path().join("a/2020").exists());
        assert!(dir.path().join("a/index.html").exists());
        assert!(sink.write("../x", b"no").is_err());
        assert!(sink.remove("/etc/passwd").is_err());
        // Nothing is left beside the files.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("index.html")]);
    }
}
