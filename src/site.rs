//! Site: the load stage — from a folder to checked files, and from checked files to a site.
//!
//! Two steps, each one function that every command uses:
//! - [`Inputs::load`] reads and checks every file: `site.toml`, each agency file, each report
//!   ([`check_report_file`]: read, decode, split, parse, the rules of one report). `serve` keeps
//!   the [`Inputs`] and [`Inputs::reload`]s the files that changed through the same functions.
//! - [`Inputs::assemble`] makes the [`Site`] from the checked files: each agency from its folder,
//!   its agency file and its reports ([`Inputs::agency`]: where its name comes from), the order
//!   of agencies and reports, the cross-report rules over each report's [`Facts`], strict mode,
//!   and every diagnostic sorted.
//!
//! A build checks a batch of agencies at a time and renders their reports before the next batch
//! (see [`BatchFn`]); only their [`Facts`] stay in memory.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::across;
use crate::config::{self, Config};
use crate::diagnostic::{self, Code, Diagnostic, Pos};
use crate::facts::Facts;
use crate::regions::{RegionTree, COVERS_SITE};
use crate::report::{Agency, Report};
use crate::source::{self, AgencyDir, ContentTree};
use crate::validate::acknowledge::{self, FileAcknowledgements};
use crate::validate::{self, copied, coverage, FileContext};

use crate::fast::{HashMap, HashSet};

/// A loaded, checked site.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Sorted by `order`, then name, then slug: every agency with a report or an agency file.
    pub agencies: Vec<Arc<Agency>>,
    /// Every report that could be read, sorted by agency slug, year and file.
    pub reports: Vec<Arc<Facts>>,
    /// Every diagnostic, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Files left out, for a note on the terminal.
    pub ignored: Vec<(String, &'static str)>,
    /// How many report files were looked at.
    pub report_files: usize,
    /// The regions of `[regions]`, with the agencies each contains.
    pub regions: Arc<RegionTree>,
}

impl Site {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn agency(&self, slug: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.slug == slug).map(|a| &**a)
    }
}

/// Options of the load stage.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Warnings count as errors.
    pub strict: bool,
    /// The current year: reports of later years are refused (N007).
    pub this_year: i32,
}

impl Default for LoadOptions {
    fn default() -> Self {
        use chrono::Datelike;
        LoadOptions {
            strict: false,
            this_year: chrono::Local::now().year(),
        }
    }
}

/// A failure of the tool rather than of the content (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    Config(String),
    /// Rendering while loading failed (a broken template, a full disk).
    #[error("{0}")]
    Build(String),
    #[error("无法读取 {path}：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn io_error(path: &str) -> impl FnOnce(std::io::Error) -> LoadError + '_ {
    move |source| LoadError::Io {
        path: path.to_string(),
        source,
    }
}

/// One report file, checked.
#[derive(Debug, Clone)]
pub struct CheckedReport {
    pub slug: String,
    /// Where the report could be read.
    pub facts: Option<Arc<Facts>>,
    /// The whole report, while it is kept (`serve` keeps every one; a build only a batch).
    pub report: Option<Arc<Report>>,
    /// The diagnostics of the file alone, with their source lines.
    pub diags: Vec<Diagnostic>,
}

/// Checks one report file: read, decode, split, parse, every rule of one report. The one way a
/// report file is checked, for every command and for `serve`'s reloads.
pub fn check_report_file(
    root: &Path,
    slug: &str,
    file: &str,
    opts: LoadOptions,
) -> Result<CheckedReport, LoadError> {
    Ok(match source::read(root, file).map_err(io_error(file))? {
        Ok(text) => check_report_text(slug, file, &text, opts),
        Err(d) => CheckedReport {
            slug: slug.to_string(),
            facts: None,
            report: None,
            diags: vec![*d],
        },
    })
}

/// Checks the text of a report file (decoded).
pub fn check_report_text(slug: &str, file: &str, text: &str, opts: LoadOptions) -> CheckedReport {
    let ctx = FileContext {
        file,
        slug,
        this_year: opts.this_year,
    };
    let (report, mut diags) = validate::check_report(&ctx, text);
    diagnostic::attach_sources(&mut diags, text);
    let facts = report.as_ref().map(|r| Arc::new(Facts::of(r, text)));
    CheckedReport {
        slug: slug.to_string(),
        facts,
        report: report.map(Arc::new),
        diags,
    }
}

/// One agency file, checked; or why it could not be decoded (N009).
type AgencyFileResult = Result<(validate::AgencyFile, Vec<Diagnostic>), Box<Diagnostic>>;

/// Checks one agency file (`content/<slug>/_index.md`).
fn check_agency_file(root: &Path, file: &str) -> Result<AgencyFileResult, LoadError> {
    Ok(match source::read(root, file).map_err(io_error(file))? {
        Ok(text) => {
            let (a, mut diags) = validate::check_agency_file(file, &text);
            diagnostic::attach_sources(&mut diags, &text);
            Ok((a, diags))
        }
        Err(d) => Err(d),
    })
}

/// Called with each batch of checked agencies (their slugs, in order) while their reports are
/// still whole in the [`Inputs`]; after it returns, they are cut down to their [`Facts`] unless
/// the inputs keep reports. This is how `build` renders while loading.
pub type BatchFn<'a> = &'a mut dyn FnMut(&Inputs, &[String]) -> Result<(), String>;

/// Reports per batch: bounds the memory of a build.
const BATCH: usize = 1024;

/// Every file of a site, checked, ready to be assembled into a [`Site`].
#[derive(Debug)]
pub struct Inputs {
    pub root: PathBuf,
    pub config: Config,
    opts: LoadOptions,
    /// Keep every report whole (`serve`), not only its facts.
    keep_reports: bool,
    config_diags: Vec<Diagnostic>,
    /// The top level of `content/`.
    top: ContentTree,
    /// Agency folders by slug.
    dirs: BTreeMap<String, AgencyDir>,
    /// Checked agency files by slug.
    agency_files: BTreeMap<String, AgencyFileResult>,
    /// Checked report files by file.
    reports: BTreeMap<String, CheckedReport>,
    /// Each agency as [`Inputs::agency`] makes it, made again whenever its folder is checked.
    agencies: BTreeMap<String, Arc<Agency>>,
    /// W102's findings, kept for the next assemble.
    copied_memo: copied::Memo,
    /// W102's exact sets of the files read, kept for the next assemble (serve only: a build
    /// assembles once).
    copied_files: Option<copied::FileSections>,
    /// The region tree and N012, kept for the next assemble.
    regions_memo: std::sync::Mutex<Option<RegionsMade>>,
}

/// The region tree and N012, with the fingerprint of what they were made from.
type RegionsMade = (u64, Arc<RegionTree>, Vec<Diagnostic>);

impl Inputs {
    /// Reads and checks every file of the site at `root`, a batch of agencies at a time, each
    /// batch handed to `on_batch` while its reports are whole.
    pub fn load(
        root: &Path,
        opts: LoadOptions,
        keep_reports: bool,
        on_batch: Option<BatchFn>,
    ) -> Result<Inputs, LoadError> {
        let (config, config_diags) = config::load(root).map_err(LoadError::Config)?;
        let mut top = ContentTree::default();
        let root_real = root.canonicalize().map_err(io_error("content/"))?;
        let slugs = source::scan_top(root, &root_real, &mut top).map_err(io_error("content/"))?;
        let dirs: Vec<AgencyDir> = slugs
            .par_iter()
            .map(|s| source::scan_agency_in(root, &root_real, s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(io_error("content/"))?
            .into_iter()
            .flatten()
            .collect();
        let mut inputs = Inputs {
            root: root.to_path_buf(),
            config,
            opts,
            keep_reports,
            config_diags,
            top,
            dirs: dirs.into_iter().map(|d| (d.slug.clone(), d)).collect(),
            agency_files: BTreeMap::new(),
            reports: BTreeMap::new(),
            agencies: BTreeMap::new(),
            copied_memo: Default::default(),
            copied_files: keep_reports.then(|| copied::FileSections::new(root)),
            regions_memo: Default::default(),
        };
        let slugs: Vec<String> = inputs.dirs.keys().cloned().collect();
        inputs.check_agencies(&slugs, on_batch)?;
        Ok(inputs)
    }

    /// Checks the agency files and reports of some agencies (in batches).
    fn check_agencies(
        &mut self,
        slugs: &[String],
        mut on_batch: Option<BatchFn>,
    ) -> Result<(), LoadError> {
        let mut start = 0;
        while start < slugs.len() {
            let mut end = start;
            let mut count = 0;
            while end < slugs.len() && (count < BATCH || end == start) {
                count += self.dirs.get(&slugs[end]).map_or(0, |d| d.reports.len());
                end += 1;
            }
            let batch = &slugs[start..end];
            start = end;
            let index_files: Vec<(String, String)> = batch
                .iter()
                .filter_map(|s| Some((s.clone(), self.dirs.get(s)?.index.clone()?)))
                .collect();
            // Reports already checked (and unchanged since) are not checked again.
            let report_files: Vec<(String, String)> = batch
                .iter()
                .filter_map(|s| self.dirs.get(s))
                .flat_map(|d| d.reports.iter().map(|f| (d.slug.clone(), f.clone())))
                .filter(|(_, f)| !self.reports.contains_key(f))
                .collect();
            let root = &self.root;
            let opts = self.opts;
            // In order, so that the first failure is the same as reading them one by one.
            let agency_files = index_files
                .par_iter()
                .map(|(_, f)| check_agency_file(root, f))
                .collect::<Vec<_>>();
            let reports = report_files
                .par_iter()
                .map(|(slug, f)| check_report_file(root, slug, f, opts))
                .collect::<Vec<_>>();
            for ((slug, _), checked) in index_files.into_iter().zip(agency_files) {
                self.agency_files.insert(slug, checked?);
            }
            for ((_, file), checked) in report_files.iter().zip(reports) {
                self.reports.insert(file.clone(), checked?);
            }
            for slug in batch {
                let agency = Arc::new(self.agency(slug));
                self.agencies.insert(slug.clone(), agency);
            }
            if let Some(f) = on_batch.as_mut() {
                f(self, batch).map_err(LoadError::Build)?;
            }
            if !self.keep_reports {
                for (_, file) in &report_files {
                    if let Some(c) = self.reports.get_mut(file) {
                        c.report = None;
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks again what `changed` files (relative to the root) touch: `site.toml`, and the
    /// folders of agencies whose files were created, edited or deleted — each through the same
    /// functions as [`Inputs::load`]. Whatever else is in the site stays as it was checked.
    pub fn reload(&mut self, changed: &BTreeSet<String>) -> Result<(), LoadError> {
        if changed.contains(config::FILE) {
            let (config, diags) = config::load(&self.root).map_err(LoadError::Config)?;
            self.config = config;
            self.config_diags = diags;
        }
        let mut slugs: BTreeSet<String> = BTreeSet::new();
        let mut top_level = false;
        for f in changed {
            let mut parts = f.split('/');
            if parts.next() != Some("content") {
                continue;
            }
            match (parts.next(), parts.next()) {
                (Some(slug), Some(_)) => {
                    slugs.insert(slug.to_string());
                }
                // `content` itself, or an entry of its top level.
                (slug, _) => {
                    top_level = true;
                    slugs.extend(slug.map(str::to_string));
                }
            }
        }
        // A save may reach us by its last name only (a rename chain): where a report appears,
        // the folders whose entries changed since they were scanned are looked at too.
        let appeared = changed.iter().any(|f| {
            f.ends_with(".md") && !f.ends_with("/_index.md") && !self.reports.contains_key(f)
        });
        if appeared {
            let content = self.root.join("content");
            // A `stat` of each folder, on every core (thousands of folders).
            let moved: Vec<String> = self
                .dirs
                .par_iter()
                .filter(|(slug, dir)| {
                    !slugs.contains(*slug)
                        && std::fs::symlink_metadata(content.join(slug))
                            .and_then(|m| m.modified())
                            .ok()
                            != dir.modified
                })
                .map(|(slug, _)| slug.clone())
                .collect();
            slugs.extend(moved);
        }
        if top_level {
            let root_real = self.root.canonicalize().map_err(io_error("content/"))?;
            let known: BTreeSet<String> = source::scan_top(&self.root, &root_real, &mut self.top)
                .map_err(io_error("content/"))?
                .into_iter()
                .collect();
            // Folders that came or went.
            slugs.extend(
                known
                    .iter()
                    .filter(|s| !self.dirs.contains_key(*s))
                    .cloned(),
            );
            slugs.extend(
                self.dirs
                    .keys()
                    .filter(|s| !known.contains(*s))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
        let mut recheck: Vec<String> = Vec::new();
        for slug in &slugs {
            let dir = source::scan_agency(&self.root, slug).map_err(io_error("content/"))?;
            // What the folder held before: whatever is no longer there goes.
            let before = self.dirs.remove(slug).unwrap_or_default();
            self.agency_files.remove(slug);
            self.agencies.remove(slug);
            for f in &before.reports {
                if dir.as_ref().is_none_or(|d| !d.reports.contains(f)) {
                    self.reports.remove(f);
                }
            }
            if let Some(dir) = dir {
                for f in &dir.reports {
                    if changed.contains(f) || !self.reports.contains_key(f) {
                        self.reports.remove(f);
                    }
                }
                recheck.push(slug.clone());
                self.dirs.insert(slug.clone(), dir);
            }
        }
        // Agency files and the reports not yet checked, through the same path as a load.
        let keep = std::mem::replace(&mut self.keep_reports, true);
        let result = self.check_agencies(&recheck, None);
        self.keep_reports = keep;
        result
    }

    /// Puts the text of a report in place of a file of the site, or adds it as a new file (of a
    /// new agency too): `check` of a document that stands in for the report it would make, so
    /// that the cross-report rules see it in its place.
    pub fn stand_in(&mut self, slug: &str, file: &str, text: &str) {
        let checked = check_report_text(slug, file, text, self.opts);
        self.reports.insert(file.to_string(), checked);
        let dir = self
            .dirs
            .entry(slug.to_string())
            .or_insert_with(|| AgencyDir {
                slug: slug.to_string(),
                ..Default::default()
            });
        if !dir.reports.iter().any(|f| f == file) {
            dir.reports.push(file.to_string());
            dir.reports.sort();
        }
        let agency = Arc::new(self.agency(slug));
        self.agencies.insert(slug.to_string(), agency);
    }

    /// Every report kept whole (loaded with `keep_reports`), by file.
    pub fn whole_reports(&self) -> Vec<Arc<Report>> {
        self.reports
            .values()
            .filter_map(|c| c.report.clone())
            .collect()
    }

    /// The checked report of a file, if the site has it.
    pub fn report(&self, file: &str) -> Option<&CheckedReport> {
        self.reports.get(file)
    }

    /// The facts of an agency's reports, sorted by year and file.
    pub fn facts_of(&self, slug: &str) -> Vec<Arc<Facts>> {
        let mut facts: Vec<Arc<Facts>> = self
            .dirs
            .get(slug)
            .into_iter()
            .flat_map(|d| d.reports.iter())
            .filter_map(|f| self.reports.get(f)?.facts.clone())
            .collect();
        facts.sort_by(|a, b| (a.year, &a.file).cmp(&(b.year, &b.file)));
        facts
    }

    /// An agency as its folder, its agency file and its reports make it. Its name is the
    /// agency file's `name`, else the `agency` of its newest report that is not a draft, else
    /// of its newest draft (a name still in draft never reaches the published site while the
    /// agency has another report), else the folder name.
    pub fn agency(&self, slug: &str) -> Agency {
        let dir = self.dirs.get(slug);
        let mut agency = Agency {
            slug: slug.to_string(),
            attachments: dir.map(|d| d.attachments.clone()).unwrap_or_default(),
            index_file: dir.and_then(|d| d.index.clone()),
            ..Default::default()
        };
        if let Some(Ok((a, _))) = self.agency_files.get(slug) {
            agency.name = a.name.clone().unwrap_or_default();
            agency.region = a.region.clone();
            agency.kind = a.kind.unwrap_or_default();
            agency.order = a.order;
            agency.intro = a.intro.clone();
            agency.covers = a.covers.clone();
        }
        if agency.name.is_empty() {
            // The last of equal keys, in file order.
            let newest = self
                .facts_of(slug)
                .into_iter()
                .filter(|f| !f.agency.is_empty())
                .fold(None::<Arc<Facts>>, |best, f| match best {
                    Some(b) if (!b.draft, b.year) > (!f.draft, f.year) => Some(b),
                    _ => Some(f),
                });
            agency.name = newest.map_or_else(|| slug.to_string(), |f| f.agency.clone());
        }
        agency
    }

    /// The site these files make.
    pub fn assemble(&self) -> Site {
        let mut diags = self.config_diags.clone();
        let misplaced = self
            .top
            .misplaced
            .iter()
            .chain(self.dirs.values().flat_map(|d| d.misplaced.iter()));
        for file in misplaced {
            diags.push(Diagnostic::new(
                Code::N008,
                file.clone(),
                Pos::START,
                "报告文件应直接放在机关目录中：content/<机关目录>/<年度>.md",
            ));
        }
        for checked in self.agency_files.values() {
            match checked {
                Ok((_, d)) => diags.extend(d.iter().cloned()),
                Err(d) => diags.push((**d).clone()),
            }
        }
        let mut reports: Vec<Arc<Facts>> = Vec::with_capacity(self.reports.len());
        for c in self.reports.values() {
            diags.extend(c.diags.iter().cloned());
            reports.extend(c.facts.clone());
        }
        reports.sort_by(|a, b| (&a.slug, a.year, &a.file).cmp(&(&b.slug, b.year, &b.file)));

        // W102 beside the other rules: each is a pass over the whole site.
        let (copied, (mut across, others, tree)) = rayon::join(
            || self.copied_text(&reports),
            || {
                let across = validate::check_site(&reports, &self.agencies);
                let mut others = self.coverage(&reports);
                let (tree, n012) = self.regions();
                others.extend(n012);
                others.extend(self.covering(&reports, &tree));
                (across, others, tree)
            },
        );
        across.extend(copied);
        across.extend(others);
        // Their lines, where the facts of the report hold them (few: only those files looked up).
        let lacking: HashSet<&str> = across
            .iter()
            .filter(|d| d.source.is_none())
            .map(|d| d.file.as_str())
            .collect();
        if !lacking.is_empty() {
            // Found in the agency's run of the sorted reports (hashing every report's path was
            // a millisecond a save).
            let by_file: HashMap<&str, &Facts> = lacking
                .iter()
                .filter_map(|&file| {
                    let slug = file.split('/').nth(1)?;
                    let from = reports.partition_point(|r| r.slug.as_str() < slug);
                    let r = reports[from..]
                        .iter()
                        .take_while(|r| r.slug == slug)
                        .find(|r| r.file == file)?;
                    Some((r.file.as_str(), &**r))
                })
                .collect();
            for d in across.iter_mut().filter(|d| d.source.is_none()) {
                d.source = by_file.get(d.file.as_str()).and_then(|r| r.line(d.line));
            }
        }
        diags.extend(across);
        if self.opts.strict || self.config.build.strict {
            diagnostic::make_strict(&mut diags);
        }
        // Explained warnings, of reports and of agency files (W106 for those explaining none).
        let agency_acks: Vec<(&str, &[crate::report::Acknowledgement])> = self
            .agency_files
            .iter()
            .filter_map(|(slug, f)| {
                let (a, _) = f.as_ref().ok()?;
                let file = self.dirs.get(slug)?.index.as_deref()?;
                Some((file, a.acknowledge.as_slice()))
            })
            .collect();
        let acks: Vec<FileAcknowledgements> = reports
            .iter()
            .map(|r| FileAcknowledgements {
                file: &r.file,
                entries: &r.acknowledge,
            })
            .chain(
                agency_acks
                    .iter()
                    .map(|&(file, entries)| FileAcknowledgements { file, entries }),
            )
            .collect();
        acknowledge::apply(&mut diags, &acks);
        diagnostic::sort(&mut diags);

        // `reports` is sorted by agency: looked up there, not collected into a set a save.
        let with_reports = |slug: &str| {
            let at = reports.partition_point(|r| r.slug.as_str() < slug);
            reports.get(at).is_some_and(|r| r.slug == slug)
        };
        let mut agencies: Vec<Arc<Agency>> = self
            .agencies
            .values()
            .filter(|a| a.index_file.is_some() || with_reports(&a.slug))
            .cloned()
            .collect();
        agencies.sort_by(|a, b| {
            (a.order.unwrap_or(i64::MAX), &a.name, &a.slug).cmp(&(
                b.order.unwrap_or(i64::MAX),
                &b.name,
                &b.slug,
            ))
        });
        let mut ignored: Vec<(String, &'static str)> = self
            .top
            .ignored
            .iter()
            .chain(self.dirs.values().flat_map(|d| d.ignored.iter()))
            .cloned()
            .collect();
        ignored.sort();
        Site {
            root: self.root.clone(),
            config: self.config.clone(),
            agencies,
            reports,
            diagnostics: diags,
            ignored,
            report_files: self.reports.len(),
            regions: tree,
        }
    }
}

impl Inputs {
    /// W102: sections 一 and 五 copied from the previous year or from another agency.
    fn copied_text(&self, reports: &[Arc<Facts>]) -> Vec<Diagnostic> {
        let entries: Vec<copied::CopyEntry> = reports
            .iter()
            .map(|r| copied::CopyEntry {
                file: &r.file,
                slug: &r.slug,
                agency: &r.agency,
                year: r.year,
                draft: r.draft,
                print: &r.print,
                source: r.source,
                id: r.copy_id,
            })
            .collect();
        let fresh;
        let files = match &self.copied_files {
            Some(kept) => kept,
            None => {
                fresh = copied::FileSections::new(&self.root);
                &fresh
            }
        };
        let found = copied::check(
            &entries,
            self.config.check.similarity,
            &|a, b, s| files.similarity(a, b, s),
            &self.copied_memo,
        );
        files.sweep();
        found
    }

    /// W105: an agency that published the year before the newest and not the newest.
    fn coverage(&self, reports: &[Arc<Facts>]) -> Vec<Diagnostic> {
        let publications: Vec<coverage::Publication> = reports
            .iter()
            .map(|r| coverage::Publication {
                slug: &r.slug,
                year: r.year,
                draft: r.draft,
                file: &r.file,
            })
            .collect();
        let homes: Vec<coverage::AgencyHome> = self
            .agencies
            .values()
            .map(|a| coverage::AgencyHome {
                slug: &a.slug,
                name: &a.name,
                index_file: a.index_file.as_deref(),
            })
            .collect();
        coverage::missing_reports(&publications, &homes)
    }

    /// W103: the reports of agencies that `covers` a region against the region's roll-up, drafts
    /// counting as no report.
    fn covering(&self, reports: &[Arc<Facts>], tree: &RegionTree) -> Vec<Diagnostic> {
        let covering: Vec<(&str, &str)> = self
            .agencies
            .values()
            .filter_map(|a| Some((a.slug.as_str(), a.covers.as_deref()?)))
            .filter(|(_, c)| *c == COVERS_SITE || tree.index_of_name(c).is_some())
            .collect();
        if covering.is_empty() {
            return Vec::new();
        }
        let slugs: BTreeSet<&str> = covering
            .iter()
            .map(|(_, c)| match tree.index_of_name(c) {
                Some(i) => tree.regions()[i].slug.as_str(),
                None => COVERS_SITE,
            })
            .collect();
        let covers: BTreeSet<&str> = covering.iter().map(|(a, _)| *a).collect();
        let all: Vec<&str> = self.agencies.keys().map(String::as_str).collect();
        let sets = across::rollups(
            reports,
            &covers,
            &all,
            tree,
            &self.config.title,
            &|r| !r.draft,
            Some(&slugs),
            &|_, _| None,
        );
        let found =
            across::covering_diagnostics(reports, &covering, &sets, tree, &self.config.title);
        // Each where its cell is written: the report is read again (only those that differ).
        let mut out = Vec::with_capacity(found.len());
        let mut read: HashMap<String, Option<(String, Report)>> = HashMap::default();
        for (mut d, path, i) in found {
            let whole = read.entry(d.file.clone()).or_insert_with(|| {
                let text = source::read(&self.root, &d.file).ok()?.ok()?;
                let slug = d.file.split('/').nth(1)?.to_string();
                let ctx = FileContext {
                    file: &d.file,
                    slug: &slug,
                    this_year: self.opts.this_year,
                };
                let r = validate::read_report(&ctx, &text).0?;
                Some((text, r))
            });
            if let Some((text, r)) = whole {
                let pos = r.locations.cell(&path, i);
                if pos.line > 0 {
                    d.line = pos.line;
                    d.column = pos.column;
                    d.width = pos.width;
                    d.source = text.lines().nth(pos.line as usize - 1).map(str::to_string);
                }
            }
            out.push(d);
        }
        out
    }

    /// The region tree, and N012: the last ones while nothing they are made of changed.
    fn regions(&self) -> (Arc<RegionTree>, Vec<Diagnostic>) {
        let places = self.places();
        let agencies = || {
            self.agencies
                .values()
                .map(|a| (a.slug.as_str(), a.region.as_deref()))
        };
        let key = crate::facts::fingerprint_of(&(
            &self.config.regions,
            &places,
            agencies().collect::<Vec<_>>(),
        ));
        let mut memo = self
            .regions_memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((k, tree, diags)) = memo.as_ref() {
            if *k == key {
                return (Arc::clone(tree), diags.clone());
            }
        }
        let tree = Arc::new(RegionTree::from_config(&self.config.regions, agencies()));
        let diags = crate::regions::check(&self.config.regions, &places);
        *memo = Some((key, Arc::clone(&tree), diags.clone()));
        (tree, diags)
    }

    /// What N012 reads of each agency file.
    fn places(&self) -> Vec<crate::regions::AgencyPlace<'_>> {
        self.agency_files
            .iter()
            .filter_map(|(slug, f)| {
                let (a, _) = f.as_ref().ok()?;
                let file = self.dirs.get(slug)?.index.as_deref()?;
                Some(crate::regions::AgencyPlace {
                    slug,
                    file,
                    region: a.region.as_deref().zip(a.region_at),
                    covers: a.covers.as_deref().zip(a.covers_at),
                })
            })
            .collect()
    }
}

/// Loads and checks the site at `root`.
pub fn load(root: &Path, opts: LoadOptions) -> Result<Site, LoadError> {
    Ok(Inputs::load(root, opts, false, None)?.assemble())
}
