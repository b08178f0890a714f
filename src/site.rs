//! Site: the load stage, from a folder to checked reports.
//!
//! In: the site root. Out: the config, every agency and report that could be read, and every
//! diagnostic of every file, sorted. Reading and checking run in parallel, one task per file.

use std::collections::BTreeMap;
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
    #[error("无法读取 {path}：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// One report file, checked: the model where it could be read, and its diagnostics.
type Checked = (Option<Report>, Vec<Diagnostic>);

/// Loads and checks the site at `root`.
pub fn load(root: &Path, opts: LoadOptions) -> Result<Site, LoadError> {
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

    let jobs: Vec<(&str, &str)> = tree
        .agencies
        .iter()
        .flat_map(|a| a.reports.iter().map(move |f| (a.slug.as_str(), f.as_str())))
        .collect();
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
    let mut reports = Vec::with_capacity(results.len());
    for r in results {
        let (report, d) = r?;
        reports.extend(report);
        diags.extend(d);
    }

    let mut agencies: BTreeMap<String, Agency> = BTreeMap::new();
    for dir in &tree.agencies {
        let mut agency = Agency {
            slug: dir.slug.clone(),
            attachments: dir.attachments.clone(),
            index_file: dir.index.clone(),
            ..Default::default()
        };
        if let Some(file) = &dir.index {
            match source::read(root, file) {
                Ok(Ok(text)) => {
                    let (a, d) = validate::check_agency_file(file, &text);
                    diags.extend(d);
                    agency.name = a.name.unwrap_or_default();
                    agency.region = a.region;
                    agency.kind = a.kind.unwrap_or_default();
                    agency.order = a.order;
                    agency.intro = a.intro;
                }
                Ok(Err(d)) => diags.push(*d),
                Err(e) => {
                    return Err(LoadError::Io {
                        path: file.clone(),
                        source: e,
                    })
                }
            }
        }
        if agency.name.is_empty() {
            agency.name = reports
                .iter()
                .filter(|r| r.slug == dir.slug && !r.agency.is_empty())
                .max_by_key(|r| r.year)
                .map_or_else(|| dir.slug.clone(), |r| r.agency.clone());
        }
        agencies.insert(dir.slug.clone(), agency);
    }

    reports.sort_by(|a, b| (&a.slug, a.year, &a.file).cmp(&(&b.slug, b.year, &b.file)));
    diags.extend(validate::check_site(&reports, &agencies));
    if opts.strict || config.build.strict {
        diagnostic::make_strict(&mut diags);
    }
    diagnostic::sort(&mut diags);

    let mut agencies: Vec<Agency> = agencies
        .into_values()
        .filter(|a| reports.iter().any(|r| r.slug == a.slug) || a.index_file.is_some())
        .collect();
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
        report_files: jobs.len(),
        reports,
        diagnostics: diags,
        ignored: tree.ignored,
    })
}
