//! Build: from a site folder to the published folder.
//!
//! In: the site root and the options of `nianbao build`. Out: every file of the [`Plan`], written
//! into a staging folder that replaces the output folder only when all of it succeeded. The
//! stages run in one pass: each batch of agencies is checked ([`Inputs::load`]) and their reports'
//! outputs rendered at once ([`plan::report_outputs`]), so that only the small [`Facts`] of each
//! report stay in memory; then the site is assembled and planned, and the writer renders what the
//! staging folder does not hold yet — the index pages, feed and data files, and any report output
//! the final plan changed (e.g. a report withheld for a cross-report error).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::output::Staging;
use crate::plan::{self, Plan, Settings, StaticFile};
use crate::render::{Renderer, DEFAULT_STATIC};
use crate::report::Report;
use crate::site::{self, Inputs, LoadOptions, Site};
use crate::write::Writer;

/// Options of `build` (and of `serve`, which builds the same way).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include `draft: true` reports.
    pub drafts: bool,
    /// Withhold reports with errors and publish the rest (also `[build] keep_going`).
    pub keep_going: bool,
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
    /// Report files withheld for their errors (`--keep-going`).
    pub withheld: Vec<String>,
}

/// What [`build`] ends with.
#[derive(Debug)]
pub enum Outcome {
    /// Written; the site carries its warnings (and the errors of withheld reports).
    Built(BuildStats, Site),
    /// Not written: the site has errors. The previous output is untouched.
    Invalid(Site),
}

/// The renderer of a site for these options.
pub fn renderer(root: &Path, config: &Config, opts: &BuildOptions) -> Result<Renderer, String> {
    let base_url = opts.base_url.as_deref().unwrap_or(&config.base_url);
    Renderer::new(root, config, base_url, opts.inject_html.clone())
}

/// The settings every output of a build is planned with.
pub fn settings(renderer: &Renderer, config: &Config, opts: &BuildOptions) -> Settings {
    Settings {
        drafts: opts.drafts,
        keep_going: opts.keep_going || config.build.keep_going,
        global: renderer.fingerprint,
        search: config.search.enabled,
    }
}

/// Whether a report file has errors of its own or from the cross-report rules.
fn is_report_file(file: &str) -> bool {
    let parts: Vec<&str> = file.split('/').collect();
    matches!(parts[..], ["content", _, name] if name.ends_with(".md") && name != "_index.md")
}

/// The errors that stop a build: all of them, but those of reports that are not published
/// anyway — drafts (without `--drafts`), and any report with `--keep-going` (withheld).
pub fn blocking_errors<'a>(site: &'a Site, settings: &Settings) -> Vec<&'a Diagnostic> {
    let drafts: std::collections::HashSet<&str> = site
        .reports
        .iter()
        .filter(|r| r.draft)
        .map(|r| r.file.as_str())
        .collect();
    site.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .filter(|d| {
            let hidden_draft = !settings.drafts && drafts.contains(d.file.as_str());
            let withheld = settings.keep_going && is_report_file(&d.file);
            !hidden_draft && !withheld
        })
        .collect()
}

/// The report files a keep-going build withholds: those with errors it would otherwise show.
pub fn withheld(site: &Site, settings: &Settings) -> Vec<String> {
    if !settings.keep_going {
        return Vec::new();
    }
    let drafts: std::collections::HashSet<&str> = site
        .reports
        .iter()
        .filter(|r| r.draft)
        .map(|r| r.file.as_str())
        .collect();
    let mut files: Vec<String> = plan::files_with_errors(site)
        .into_iter()
        .filter(|f| is_report_file(f) && (settings.drafts || !drafts.contains(f)))
        .map(str::to_string)
        .collect();
    files.sort();
    files
}

/// Static files by output path: the built-in default theme, the theme folder, the site's own.
pub fn static_files(root: &Path, config: &Config) -> Result<BTreeMap<String, StaticFile>, String> {
    let mut out = BTreeMap::new();
    if config.theme == "default" {
        for (rel, text) in DEFAULT_STATIC {
            if *rel == crate::render::SEARCH_SCRIPT && !config.search.enabled {
                continue;
            }
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
            let rel = crate::source::rel(&dir, e.path());
            // The theme's search script goes with the search page.
            let unused = dir.ends_with(&theme_static)
                && rel == crate::render::SEARCH_SCRIPT
                && !config.search.enabled;
            if e.file_type().is_file() && !crate::source::is_ignored_name(&name) && !unused {
                out.insert(rel, StaticFile::Disk(e.path().to_path_buf()));
            }
        }
    }
    Ok(out)
}

/// The plan of a site for these settings, reusing what it can of `previous`.
pub fn plan(site: &Site, settings: &Settings, previous: Option<&Plan>) -> Result<Plan, String> {
    Ok(plan::plan(
        site,
        settings,
        static_files(&site.root, &site.config)?,
        previous,
    ))
}

/// `nianbao build`: loads, checks, plans and renders the site at `root`; writes nothing unless
/// no error stops it (see [`blocking_errors`]).
pub fn build(root: &Path, load_opts: LoadOptions, opts: &BuildOptions) -> Result<Outcome, String> {
    let mut steps = crate::serve::rebuild::Steps::default();
    let (config, _) = crate::config::load(root)?;
    let target = opts
        .output
        .clone()
        .unwrap_or_else(|| root.join(&config.output_dir));
    crate::output::check_output(root, &target, opts.force)?;
    let renderer = renderer(root, &config, opts)?;
    let settings = settings(&renderer, &config, opts);
    let staging =
        Staging::new(&target).map_err(|e| format!("无法创建输出目录 {}：{e}", target.display()))?;
    let writer = Writer::streaming(&renderer, &staging)?;
    let bar = opts.progress.then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 份报告 {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });

    // Each batch: its agencies' outputs, planned as the whole plan plans them.
    let mut on_batch = |inputs: &Inputs, slugs: &[String]| -> Result<(), String> {
        let mut agencies = Vec::with_capacity(slugs.len());
        let mut reports = 0;
        for slug in slugs {
            let facts = inputs.facts_of(slug);
            reports += facts.len();
            let shown: Vec<bool> = facts
                .iter()
                .map(|f| {
                    let errors = inputs
                        .report(&f.file)
                        .is_some_and(|c| c.diags.iter().any(Diagnostic::is_error));
                    settings.shows(f, errors)
                })
                .collect();
            let agency = inputs.agency(slug);
            agencies.push(Arc::new(plan::agency_plan(
                root, &agency, &facts, &shown, &settings,
            )));
        }
        let whole = |file: &str| -> Result<Arc<Report>, String> {
            inputs
                .report(file)
                .and_then(|c| c.report.clone())
                .ok_or_else(|| format!("无法读取 {file}"))
        };
        writer.write_agencies(&agencies, &whole)?;
        if let Some(b) = &bar {
            b.inc_length(reports as u64);
            b.inc(reports as u64);
        }
        Ok(())
    };
    let inputs =
        Inputs::load(root, load_opts, false, Some(&mut on_batch)).map_err(|e| e.to_string())?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    steps.mark("load and reports");
    let site = inputs.assemble();
    steps.mark("assemble");
    if !blocking_errors(&site, &settings).is_empty() {
        return Ok(Outcome::Invalid(site));
    }
    let plan = plan(&site, &settings, None)?;
    steps.mark("plan");
    // A report the batches did not render as planned is read again (it is no longer whole).
    let again = |file: &str| -> Result<Arc<Report>, String> {
        let slug = file.split('/').nth(1).unwrap_or_default();
        site::check_report_file(root, slug, file, load_opts)
            .map_err(|e| e.to_string())?
            .report
            .ok_or_else(|| format!("无法读取 {file}"))
    };
    writer.write_plan(&plan, &again)?;
    drop(writer);
    steps.mark("write");
    staging
        .commit()
        .map_err(|e| format!("无法替换输出目录 {}：{e}", target.display()))?;
    steps.mark("commit");
    // A profiling aid, as serve's.
    if std::env::var_os("NIANBAO_TIMINGS").is_some() {
        eprintln!("[timings] {}", steps.summary());
    }
    let stats = BuildStats {
        reports: plan.data.len(),
        pages: plan.files().filter(|(p, _)| p.ends_with(".html")).count(),
        files: plan.files().count(),
        output: target,
        withheld: withheld(&site, &settings),
    };
    Ok(Outcome::Built(stats, site))
}
