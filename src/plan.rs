//! Plan: every file a build writes, as data.
//!
//! In: a [`Site`] and the [`Settings`] of the build. Out: a [`Plan`]: for each output path what
//! it is ([`Output`], holding what it is made from, or the key of it in the plan's [`Index`]) and
//! a fingerprint of exactly those inputs. `build` renders every planned output; `serve` keeps the
//! last plan and, after an edit, renders only the outputs whose fingerprint changed and removes
//! those no longer planned — so a page that lists several reports is rewritten exactly when one
//! of the things it shows changed, with no rule written anywhere else about what an edit touches.
//!
//! The outputs of one agency's reports ([`report_outputs`]) depend on that agency alone: a build
//! plans and renders them a batch of agencies at a time, while their reports are whole.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::facts::{self, Facts};
use crate::index::Index;
use crate::report::Agency;
use crate::site::Site;

/// What every page of a build is made with besides its own inputs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Drafts are shown (`--drafts`, `serve`).
    pub drafts: bool,
    /// Reports with errors are withheld and the rest published (`--keep-going`).
    pub keep_going: bool,
    /// Fingerprint of the renderer: templates, `site.toml`, base URL, injected HTML.
    pub global: u64,
}

impl Settings {
    /// Whether a report is published by this build, given whether it has errors.
    pub fn shows(&self, r: &Facts, has_errors: bool) -> bool {
        (self.drafts || !r.draft) && !(self.keep_going && has_errors)
    }
}

/// A static file: one of the built-in theme, or a file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticFile {
    Embedded(&'static str),
    Disk(PathBuf),
}

/// What an output file is, and what it is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// A report's page; its agency's current name goes into the breadcrumb.
    Report {
        file: String,
        agency: String,
    },
    ReportJson {
        file: String,
    },
    ReportCsv {
        file: String,
    },
    Home,
    Agencies,
    Years,
    /// The page of the agency at this place of [`Index::by_agency`].
    Agency(usize),
    /// The page of the year at this place of [`Index::by_year`].
    Year(usize),
    Feed,
    Sitemap,
    Robots,
    NotFound,
    /// `data/reports.json` and `data/reports.csv`: the reports' own data files of
    /// [`Plan::data`], joined.
    DataJson,
    DataCsv,
    Static(StaticFile),
    Attachment(PathBuf),
}

/// One planned output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub output: Output,
    /// Changes exactly when something the output is made from changes.
    pub fingerprint: u64,
}

/// Every output of a build, by path below the output folder.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub files: BTreeMap<String, Planned>,
    /// The folders of the reports whose data `data/reports.json` and `.csv` hold, in order.
    pub data: Vec<String>,
    /// The reports shown, grouped for the index pages.
    pub index: Index,
}

/// Fingerprint of some inputs of one kind of output.
fn fp(settings: &Settings, kind: &str, inputs: impl Hash) -> u64 {
    let mut h = facts::hasher();
    settings.global.hash(&mut h);
    kind.hash(&mut h);
    inputs.hash(&mut h);
    h.finish()
}

/// What index pages show of an agency.
fn agency_fp(a: &Agency) -> (&str, &str, &Option<String>, crate::report::AgencyKind, &str) {
    (&a.slug, &a.name, &a.region, a.kind, &a.intro)
}

/// The outputs of one agency's reports (`reports`, sorted by year): each shown report's page,
/// `report.json` and `report.csv`, and the agency's attachments that belong to no hidden report.
pub fn report_outputs(
    root: &Path,
    agency: &Agency,
    reports: &[Arc<Facts>],
    shown: &dyn Fn(&Facts) -> bool,
    settings: &Settings,
    out: &mut Vec<(String, Planned)>,
) {
    for r in reports.iter().filter(|r| shown(r)) {
        let path = r.path();
        out.push((
            format!("{path}index.html"),
            Planned {
                fingerprint: fp(settings, "report", (r.source, &agency.name)),
                output: Output::Report {
                    file: r.file.clone(),
                    agency: agency.name.clone(),
                },
            },
        ));
        out.push((
            format!("{path}report.json"),
            Planned {
                fingerprint: fp(settings, "report.json", (r.data, &path)),
                output: Output::ReportJson {
                    file: r.file.clone(),
                },
            },
        ));
        out.push((
            format!("{path}report.csv"),
            Planned {
                fingerprint: fp(settings, "report.csv", r.data),
                output: Output::ReportCsv {
                    file: r.file.clone(),
                },
            },
        ));
    }
    // Attachments: only of an agency with a report shown, and not those named for a year whose
    // report is hidden (`2024-签章版.pdf` of a draft).
    if !reports.iter().any(|r| shown(r)) {
        return;
    }
    let hidden: BTreeSet<String> = reports
        .iter()
        .filter(|r| !reports.iter().any(|s| s.year == r.year && shown(s)))
        .map(|r| r.year.to_string())
        .collect();
    for att in &agency.attachments {
        if hidden.iter().any(|y| att.starts_with(y.as_str())) {
            continue;
        }
        let from = root.join("content").join(&agency.slug).join(att);
        out.push((
            format!("{}/{att}", agency.slug),
            Planned {
                fingerprint: fp(settings, "attachment", disk_fingerprint(&from)),
                output: Output::Attachment(from),
            },
        ));
    }
}

/// Fingerprint of a file on disk, by its size and modification time.
fn disk_fingerprint(path: &Path) -> (u64, u128) {
    match std::fs::metadata(path) {
        Ok(m) => (
            m.len(),
            m.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos()),
        ),
        Err(_) => (u64::MAX, 0),
    }
}

/// The files each report of `site` has errors in.
pub fn files_with_errors(site: &Site) -> HashSet<&str> {
    site.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.file.as_str())
        .collect()
}

/// Plans every output of `site`: static files, then each agency's reports, then the pages and
/// files made from all of them (a generated file wins over a static file of the same path).
pub fn plan(site: &Site, settings: &Settings, statics: BTreeMap<String, StaticFile>) -> Plan {
    let errors = files_with_errors(site);
    let shown = |r: &Facts| settings.shows(r, errors.contains(r.file.as_str()));
    let mut files: BTreeMap<String, Planned> = statics
        .into_iter()
        .map(|(rel, f)| {
            let fingerprint = match &f {
                StaticFile::Embedded(t) => fp(settings, "static", facts::fingerprint(t.as_bytes())),
                StaticFile::Disk(p) => fp(settings, "static", disk_fingerprint(p)),
            };
            (
                rel,
                Planned {
                    output: Output::Static(f),
                    fingerprint,
                },
            )
        })
        .collect();

    // The site's reports are sorted by agency slug: each agency's are one run of them.
    let mut outputs = Vec::new();
    let mut start = 0;
    let mut by_slug: BTreeMap<&str, std::ops::Range<usize>> = BTreeMap::new();
    while start < site.reports.len() {
        let slug = site.reports[start].slug.as_str();
        let end = start + site.reports[start..].partition_point(|r| r.slug == slug);
        by_slug.insert(slug, start..end);
        start = end;
    }
    for a in &site.agencies {
        let reports = by_slug
            .get(a.slug.as_str())
            .map_or(&[][..], |r| &site.reports[r.clone()]);
        report_outputs(&site.root, a, reports, &shown, settings, &mut outputs);
    }
    files.extend(outputs);

    let data: Vec<String> = site
        .reports
        .iter()
        .filter(|r| shown(r))
        .map(|r| r.path())
        .collect();
    let index = Index::new(
        &site.agencies,
        site.reports.iter().filter(|r| shown(r)).cloned(),
    );
    site_outputs(&index, &data, settings, &site.reports, &shown, &mut files);
    Plan { files, data, index }
}

/// The pages and files made from the index: home, agencies, years, each agency and year, feed,
/// sitemap, robots, 404 and the site's data files.
fn site_outputs(
    index: &Index,
    data: &[String],
    settings: &Settings,
    reports: &[Arc<Facts>],
    shown: &dyn Fn(&Facts) -> bool,
    files: &mut BTreeMap<String, Planned>,
) {
    let mut put = |path: String, output: Output, fingerprint: u64| {
        files.insert(
            path,
            Planned {
                output,
                fingerprint,
            },
        );
    };
    let listings = |v: &[Arc<Facts>]| v.iter().map(|r| r.listing()).collect::<Vec<u64>>();
    let years: Vec<(u16, usize)> = index.by_year.iter().map(|(y, v)| (*y, v.len())).collect();
    let agencies: Vec<_> = index
        .by_agency
        .iter()
        .map(|(a, v)| (agency_fp(a), v.iter().map(|r| r.year).collect::<Vec<_>>()))
        .collect();

    let newest = index.by_year.first().map(|(y, v)| (*y, listings(v)));
    put(
        "index.html".into(),
        Output::Home,
        fp(settings, "home", (&newest, &years, &agencies)),
    );
    put(
        "agencies/index.html".into(),
        Output::Agencies,
        fp(settings, "agencies", &agencies),
    );
    put(
        "years/index.html".into(),
        Output::Years,
        fp(settings, "years", &years),
    );
    for (i, (a, v)) in index.by_agency.iter().enumerate() {
        put(
            format!("{}/index.html", a.slug),
            Output::Agency(i),
            fp(settings, "agency", (agency_fp(a), listings(v))),
        );
    }
    for (i, (y, v)) in index.by_year.iter().enumerate() {
        put(
            format!("years/{y}/index.html"),
            Output::Year(i),
            fp(settings, "year", (y, listings(v))),
        );
    }
    // The feed shows each report's title, agency, date and address.
    let all: Vec<_> = reports
        .iter()
        .filter(|r| shown(r))
        .map(|r| (&r.slug, r.year, &r.title, &r.agency, r.published))
        .collect();
    put("atom.xml".into(), Output::Feed, fp(settings, "feed", &all));
    let pages: Vec<&str> = index
        .by_agency
        .iter()
        .map(|(a, _)| a.slug.as_str())
        .collect();
    put(
        "sitemap.xml".into(),
        Output::Sitemap,
        fp(settings, "sitemap", (&pages, &years, data)),
    );
    put(
        "robots.txt".into(),
        Output::Robots,
        fp(settings, "robots", ()),
    );
    put("404.html".into(), Output::NotFound, fp(settings, "404", ()));
    let data_fp: Vec<u64> = reports
        .iter()
        .filter(|r| shown(r))
        .map(|r| r.data)
        .collect();
    put(
        "data/reports.json".into(),
        Output::DataJson,
        fp(settings, "data.json", (data, &data_fp)),
    );
    put(
        "data/reports.csv".into(),
        Output::DataCsv,
        fp(settings, "data.csv", &data_fp),
    );
}

/// What changed from one plan to the next: the outputs to render (new or with another
/// fingerprint) and the paths to remove.
pub fn diff<'a>(
    before: &std::collections::HashMap<String, u64>,
    after: &'a Plan,
) -> (Vec<(&'a String, &'a Planned)>, Vec<String>) {
    let todo = after
        .files
        .iter()
        .filter(|(path, p)| before.get(*path) != Some(&p.fingerprint))
        .collect();
    let gone = before
        .keys()
        .filter(|path| !after.files.contains_key(*path))
        .cloned()
        .collect();
    (todo, gone)
}
