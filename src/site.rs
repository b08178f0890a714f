//! Site: the load stage, from a folder to checked reports.
//!
//! In: the site root. Out: the config, every agency and report that could be read, and every
//! diagnostic of every file, sorted. Reading and checking run in parallel, one task per file.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{self, Config};
use crate::diagnostic::{self, Code, Diagnostic, Pos};
use crate::report::{Agency, Report};
use crate::source::{self, ContentTree};
use crate::validate::{self, FileContext};

/// A loaded, checked site.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Sorted by `order`, then name, then slug.
    pub agencies: Vec<Agency>,
    /// Sorted by agency slug, then year.
    pub reports: Vec<Report>,
    /// Every diagnostic, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Files left out, for a note on the terminal.
    pub ignored: Vec<(String, &'static str)>,
    /// How many report files were looked at.
    pub report_files: usize,
}

impl Site {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn agency(&self, slug: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.slug == slug)
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

/// One report file, checked: the model where it could be read, and its diagnostics.
type Checked = (Option<Report>, Vec<Diagnostic>);

/// One agency file, checked; or why it could not be decoded (N009).
type AgencyFileResult = Result<(validate::AgencyFile, Vec<Diagnostic>), Box<Diagnostic>>;

/// Loads and checks the site at `root`, keeping every report whole.
pub fn load(root: &Path, opts: LoadOptions) -> Result<Site, LoadError> {
    load_with(root, opts, None)
}

/// Called with each batch of checked reports (every report of some agencies, sorted) and the
/// agencies known so far; after it returns, the reports are cut down to what the cross-report
/// rules and the indexes need. This is how `build` renders while loading.
pub type ChunkFn<'a> =
    &'a mut dyn FnMut(&[Report], &BTreeMap<String, Agency>) -> Result<(), String>;

/// Reports per batch when streaming: bounds the memory of a build.
const STREAM_CHUNK: usize = 1024;

/// Loads and checks the site; with `on_chunk`, a batch of agencies at a time (see [`ChunkFn`]).
pub fn load_with(
    root: &Path,
    opts: LoadOptions,
    mut on_chunk: Option<ChunkFn>,
) -> Result<Site, LoadError> {
    let (config, mut diags) = config::load(root).map_err(LoadError::Config)?;
    let tree: ContentTree = source::scan(root).map_err(|e| LoadError::Io {
        path: "content/".into(),
        source: e,
    })?;

    for file in &tree.misplaced {
        diags.push(Diagnostic::new(
            Code::N008,
            file.clone(),
            Pos::START,
            "报告文件应直接放在机关目录中：content/<机关目录>/<年度>.md",
        ));
    }

    // Agency files, read and checked in parallel (in order, so the first failure is the same
    // as reading them one by one).
    let agency_files: Vec<Result<Option<AgencyFileResult>, LoadError>> = tree
        .agencies
        .par_iter()
        .map(|dir| {
            let Some(file) = &dir.index else {
                return Ok(None);
            };
            match source::read(root, file) {
                Ok(Ok(text)) => Ok(Some(Ok(validate::check_agency_file(file, &text)))),
                Ok(Err(d)) => Ok(Some(Err(d))),
                Err(e) => Err(LoadError::Io {
                    path: file.clone(),
                    source: e,
                }),
            }
        })
        .collect();
    let mut agency_files: Vec<Option<AgencyFileResult>> =
        agency_files.into_iter().collect::<Result<_, _>>()?;

    // Batches of whole agencies: an agency's name may come from its newest report.
    let streaming = on_chunk.is_some();
    let mut batches: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut count = 0;
    for (i, dir) in tree.agencies.iter().enumerate() {
        count += dir.reports.len();
        if streaming && count >= STREAM_CHUNK {
            batches.push(start..i + 1);
            start = i + 1;
            count = 0;
        }
    }
    if start < tree.agencies.len() || batches.is_empty() {
        batches.push(start..tree.agencies.len());
    }

    let mut reports: Vec<Report> = Vec::new();
    let mut agencies: BTreeMap<String, Agency> = BTreeMap::new();
    let mut report_files = 0;
    for batch in batches {
        let dirs = &tree.agencies[batch.clone()];
        let jobs: Vec<(&str, &str)> = dirs
            .iter()
            .flat_map(|a| a.reports.iter().map(move |f| (a.slug.as_str(), f.as_str())))
            .collect();
        report_files += jobs.len();
        let results: Vec<Result<Checked, LoadError>> = jobs
            .par_iter()
            .map(|(slug, file)| {
                let text = match source::read(root, file) {
                    Ok(Ok(t)) => t,
                    Ok(Err(d)) => return Ok((None, vec![*d])),
                    Err(e) => {
                        return Err(LoadError::Io {
                            path: file.to_string(),
                            source: e,
                        })
                    }
                };
                let ctx = FileContext {
                    file,
                    slug,
                    this_year: opts.this_year,
                };
                Ok(validate::check_report(&ctx, &text))
            })
            .collect();
        let mut batch_reports = Vec::with_capacity(results.len());
        for r in results {
            let (report, d) = r?;
            batch_reports.extend(report);
            diags.extend(d);
        }
        batch_reports.sort_by(|a, b| (&a.slug, a.year, &a.file).cmp(&(&b.slug, b.year, &b.file)));

        // The newest report of each agency that names it: where an agency file gives no name.
        // A draft names it only when it has no other report, so that a name still in draft
        // never reaches the published site. (The last of equal keys; one pass.)
        let mut newest: HashMap<&str, &Report> = HashMap::new();
        let key = |r: &Report| (!r.draft, r.year);
        for r in batch_reports.iter().filter(|r| !r.agency.is_empty()) {
            match newest.entry(r.slug.as_str()) {
                Entry::Occupied(mut e) if key(r) >= key(e.get()) => {
                    e.insert(r);
                }
                Entry::Occupied(_) => {}
                Entry::Vacant(e) => {
                    e.insert(r);
                }
            }
        }
        for (dir, file) in dirs.iter().zip(&mut agency_files[batch]) {
            let mut agency = Agency {
                slug: dir.slug.clone(),
                attachments: dir.attachments.clone(),
                index_file: dir.index.clone(),
                ..Default::default()
            };
            match file.take() {
                Some(Ok((a, d))) => {
                    diags.extend(d);
                    agency.name = a.name.unwrap_or_default();
                    agency.region = a.region;
                    agency.kind = a.kind.unwrap_or_default();
                    agency.order = a.order;
                    agency.intro = a.intro;
                }
                Some(Err(d)) => diags.push(*d),
                None => {}
            }
            if agency.name.is_empty() {
                agency.name = newest
                    .get(dir.slug.as_str())
                    .map_or_else(|| dir.slug.clone(), |r| r.agency.clone());
            }
            agencies.insert(dir.slug.clone(), agency);
        }
        drop(newest);
        if let Some(f) = on_chunk.as_mut() {
            f(&batch_reports, &agencies).map_err(LoadError::Build)?;
            batch_reports
                .par_iter_mut()
                .for_each(Report::strip_for_site_rules);
        }
        reports.append(&mut batch_reports);
    }

    reports.sort_by(|a, b| (&a.slug, a.year, &a.file).cmp(&(&b.slug, b.year, &b.file)));
    diags.extend(validate::check_site(&reports, &agencies));
    if opts.strict || config.build.strict {
        diagnostic::make_strict(&mut diags);
    }
    diagnostic::sort(&mut diags);

    let with_reports: HashSet<&str> = reports.iter().map(|r| r.slug.as_str()).collect();
    let mut agencies: Vec<Agency> = agencies
        .into_values()
        .filter(|a| with_reports.contains(a.slug.as_str()) || a.index_file.is_some())
        .collect();
    drop(with_reports);
    agencies.sort_by(|a, b| {
        (a.order.unwrap_or(i64::MAX), &a.name, &a.slug).cmp(&(
            b.order.unwrap_or(i64::MAX),
            &b.name,
            &b.slug,
        ))
    });
    Ok(Site {
        root: root.to_path_buf(),
        config,
        agencies,
        report_files,
        reports,
        diagnostics: diags,
        ignored: tree.ignored,
    })
}

/// The reports of an agency in a site's list (sorted by slug, year and file).
fn slug_range(reports: &[Report], slug: &str) -> std::ops::Range<usize> {
    let start = reports.partition_point(|r| r.slug.as_str() < slug);
    let end = start + reports[start..].partition_point(|r| r.slug == slug);
    start..end
}

/// Where the report of a file is in a site's list.
fn find_report(reports: &[Report], slug: &str, file: &str) -> Option<usize> {
    let range = slug_range(reports, slug);
    let start = range.start;
    reports[range]
        .iter()
        .position(|r| r.file == file)
        .map(|i| start + i)
}

/// The diagnostics of the cross-report rules for the reports `affected` picks, as
/// [`validate::check_site`] gives them for the whole site. Those rules look only at the other
/// reports of a report's agency, so they run over the agencies of the affected reports.
fn related_site_diags(
    reports: &[Report],
    agencies: &[Agency],
    affected: &dyn Fn(&Report) -> bool,
) -> Vec<Diagnostic> {
    let mut files: Vec<&str> = Vec::new();
    let mut slugs: Vec<&str> = Vec::new();
    for r in reports.iter().filter(|r| affected(r)) {
        files.push(&r.file);
        slugs.push(&r.slug);
    }
    for v in [&mut files, &mut slugs] {
        v.sort_unstable();
        v.dedup();
    }
    // In site order, as check_site sees them (which report of a pair is the duplicate).
    let context: Vec<Report> = reports
        .iter()
        .filter(|r| slugs.binary_search(&r.slug.as_str()).is_ok())
        .cloned()
        .collect();
    let by_slug: BTreeMap<String, Agency> = agencies
        .iter()
        .filter(|a| context.iter().any(|r| r.slug == a.slug))
        .map(|a| (a.slug.clone(), a.clone()))
        .collect();
    let mut diags = validate::check_site(&context, &by_slug);
    diags.retain(|d| files.binary_search(&d.file.as_str()).is_ok());
    diags
}

/// What [`reload_reports`] replaced.
#[derive(Debug, Default)]
pub struct Reloaded {
    /// The reports of the reloaded files as they were before (none for a new file).
    pub old: Vec<Report>,
    /// The agencies of the reloaded files as they were before. Only their names (and so the
    /// order of all agencies) can differ from the new ones: nothing else about an agency comes
    /// from its reports.
    pub old_agencies: Vec<Agency>,
}

/// Re-reads and re-checks some report files of a loaded site — edited, created or deleted — and
/// keeps everything else as loaded: the same [`Site`] as a new [`load`] would give, at the cost
/// of those files and the cross-report rules. `None` (and `site` untouched) when the change
/// reaches beyond them and needs a full load: a file that is not a report of a known agency, or
/// an agency that would appear or disappear.
pub fn reload_reports(
    site: &mut Site,
    files: &[String],
    opts: LoadOptions,
) -> Result<Option<Reloaded>, LoadError> {
    let root = site.root.clone();
    // Each file must be content/<known agency>/<name>.md, not a link.
    let mut jobs: Vec<(String, String)> = Vec::new();
    for file in files {
        let parts: Vec<&str> = file.split('/').collect();
        let [dir, slug, name] = parts[..] else {
            return Ok(None);
        };
        if dir != "content"
            || !name.ends_with(".md")
            || name == "_index.md"
            || source::is_ignored_name(slug)
            || source::is_ignored_name(name)
            || site.agency(slug).is_none()
            || !root.join(dir).join(slug).is_dir()
            || std::fs::symlink_metadata(root.join(file)).is_ok_and(|m| !m.is_file())
        {
            return Ok(None);
        }
        jobs.push((slug.to_string(), file.clone()));
    }

    // Check the files as they are now.
    let checked: Vec<Result<(bool, Checked), LoadError>> = jobs
        .par_iter()
        .map(|(slug, file)| {
            let text = match std::fs::read(root.join(file)) {
                Ok(bytes) => match source::decode(file, bytes) {
                    Ok(t) => t,
                    Err(d) => return Ok((true, (None, vec![*d]))),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Ok((false, (None, Vec::new())))
                }
                Err(e) => {
                    return Err(LoadError::Io {
                        path: file.clone(),
                        source: e,
                    })
                }
            };
            let ctx = FileContext {
                file,
                slug,
                this_year: opts.this_year,
            };
            Ok((true, validate::check_report(&ctx, &text)))
        })
        .collect();
    let mut checked_ok = Vec::with_capacity(checked.len());
    for c in checked {
        checked_ok.push(c?);
    }

    let changed: std::collections::BTreeSet<&str> = files.iter().map(String::as_str).collect();
    let mut present = 0usize;
    let mut new_reports = Vec::new();
    let mut file_diags = Vec::new();
    for (exists, (report, d)) in checked_ok {
        present += usize::from(exists);
        new_reports.extend(report);
        file_diags.extend(d);
    }

    // An agency that would lose its last report and has no agency file disappears.
    let slugs: std::collections::BTreeSet<&str> = jobs.iter().map(|(s, _)| s.as_str()).collect();
    for slug in &slugs {
        let has_reports = new_reports.iter().any(|r| r.slug == *slug)
            || site.reports[slug_range(&site.reports, slug)]
                .iter()
                .any(|r| !changed.contains(r.file.as_str()));
        if !has_reports && site.agency(slug).is_some_and(|a| a.index_file.is_none()) {
            return Ok(None);
        }
    }
    // The names agency files give (read before anything changes: reading may fail).
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    for a in site
        .agencies
        .iter()
        .filter(|a| slugs.contains(a.slug.as_str()))
    {
        let name = match &a.index_file {
            Some(file) => match source::read(&root, file) {
                Ok(Ok(text)) => validate::check_agency_file(file, &text)
                    .0
                    .name
                    .unwrap_or_default(),
                Ok(Err(_)) => String::new(),
                Err(e) => {
                    return Err(LoadError::Io {
                        path: file.clone(),
                        source: e,
                    })
                }
            },
            None => String::new(),
        };
        named.insert(a.slug.clone(), name);
    }

    let strict = opts.strict || site.config.build.strict;
    // Only the reports that share an agency, or an agency name and year, with a changed file can
    // get other cross-report diagnostics: the rules run again for those alone.
    let mut names: Vec<(u16, String)> = jobs
        .iter()
        .filter_map(|(slug, file)| find_report(&site.reports, slug, file))
        .map(|i| &site.reports[i])
        .chain(new_reports.iter())
        .map(|r| (r.year, r.agency.clone()))
        .collect();
    names.sort();
    names.dedup();
    let affected = |r: &Report| {
        slugs.contains(r.slug.as_str())
            || names
                .binary_search_by(|(y, a)| (*y, a.as_str()).cmp(&(r.year, r.agency.as_str())))
                .is_ok()
    };
    let mut old_site_diags = related_site_diags(&site.reports, &site.agencies, &affected);
    if strict {
        diagnostic::make_strict(&mut old_site_diags);
    }
    // A file that gave no report had an error diagnostic: it was counted as a report file.
    let was_present = jobs
        .iter()
        .filter(|(slug, file)| {
            find_report(&site.reports, slug, file).is_some()
                || site.diagnostics.iter().any(|d| &d.file == file)
        })
        .count();

    // From here on the site changes. Each changed file's report is swapped for its new one, or
    // taken out and the new one put in its place in the order of slug, year and file.
    let order =
        |a: &Report, b: &Report| (&a.slug, a.year, &a.file).cmp(&(&b.slug, b.year, &b.file));
    let mut new_by_file: BTreeMap<String, Report> = new_reports
        .into_iter()
        .map(|r| (r.file.clone(), r))
        .collect();
    let mut old = Vec::new();
    for (slug, file) in &jobs {
        let new = new_by_file.remove(file.as_str());
        match (find_report(&site.reports, slug, file), new) {
            (Some(i), Some(new)) if order(&site.reports[i], &new).is_eq() => {
                old.push(std::mem::replace(&mut site.reports[i], new));
            }
            (at, new) => {
                if let Some(i) = at {
                    old.push(site.reports.remove(i));
                }
                if let Some(new) = new {
                    let i = site.reports.partition_point(|r| order(r, &new).is_lt());
                    site.reports.insert(i, new);
                }
            }
        }
    }

    // The agencies' names as load derives them. Only those of the changed files' agencies can
    // change, and the order of all with them.
    let mut old_agencies = Vec::new();
    let mut renamed = false;
    for a in site.agencies.iter_mut() {
        let Some(name) = named.remove(&a.slug) else {
            continue;
        };
        let name = if name.is_empty() {
            site.reports[slug_range(&site.reports, &a.slug)]
                .iter()
                .filter(|r| !r.agency.is_empty())
                .max_by_key(|r| r.year)
                .map_or_else(|| a.slug.clone(), |r| r.agency.clone())
        } else {
            name
        };
        old_agencies.push(a.clone());
        if a.name != name {
            a.name = name;
            renamed = true;
        }
    }
    if renamed {
        site.agencies.sort_by(|a, b| {
            (a.order.unwrap_or(i64::MAX), &a.name, &a.slug).cmp(&(
                b.order.unwrap_or(i64::MAX),
                &b.name,
                &b.slug,
            ))
        });
    }

    // Diagnostics: those of the files and of the cross-report rules are computed anew.
    let key = |d: &Diagnostic| (d.file.clone(), d.line, d.column, d.code, d.message.clone());
    let old_site_keys: std::collections::BTreeSet<_> = old_site_diags.iter().map(key).collect();
    let mut diags: Vec<Diagnostic> = std::mem::take(&mut site.diagnostics)
        .into_iter()
        .filter(|d| !changed.contains(d.file.as_str()) && !old_site_keys.contains(&key(d)))
        .collect();
    let mut new_diags = file_diags;
    new_diags.extend(related_site_diags(&site.reports, &site.agencies, &affected));
    if strict {
        diagnostic::make_strict(&mut new_diags);
    }
    diags.extend(new_diags);
    diagnostic::sort(&mut diags);

    site.diagnostics = diags;
    site.report_files = site.report_files + present - was_present;
    Ok(Some(Reloaded { old, old_agencies }))
}
