//! Plan: every file a build writes, as data.
//!
//! In: a [`Site`] and the [`Settings`] of the build. Out: a [`Plan`]: for each output path what
//! it is ([`Output`], holding what it is made from, or its place in the plan's [`Index`]) and a
//! fingerprint of exactly those inputs. `build` renders every planned output; `serve` keeps the
//! last plan and, after an edit, renders only the outputs whose fingerprint changed and removes
//! those no longer planned — so a page that lists several reports is rewritten exactly when one
//! of the things it shows changed, with no rule written anywhere else about what an edit touches.
//!
//! The outputs of one agency — its reports' pages and data files, its attachments and its own
//! page — depend on that agency alone ([`agency_plan`]): a build plans and renders them a batch
//! of agencies at a time, while their reports are whole, and a plan reuses an agency's part of
//! the previous plan when the fingerprint of everything it is made from is the same.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::across::{self, Rollup};
use crate::facts::{self, Facts};
use crate::index::Index;
use crate::report::Agency;
use crate::site::Site;

/// A map by output path (a fast hash: tens of thousands of paths are planned at every save).
pub type PathMap<V> = HashMap<String, V>;
use crate::fast::{HashMap, HashSet};

/// What every page of a build is made with besides its own inputs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Drafts are shown (`--drafts`, `serve`).
    pub drafts: bool,
    /// Reports with errors are withheld and the rest published (`--keep-going`).
    pub keep_going: bool,
    /// Fingerprint of the renderer: templates, `site.toml`, base URL, injected HTML.
    pub global: u64,
    /// `/search/` and its index are written (`[search] enabled`).
    pub search: bool,
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
#[derive(Debug, Clone)]
pub enum Output {
    /// A report's page; its agency's current name goes into the breadcrumb, and the agency's
    /// report of the year before shown into the comparison.
    Report {
        report: Arc<Facts>,
        agency: String,
        previous: Option<Arc<Facts>>,
    },
    /// `report.json`, naming the year of the agency's report of the year before, if shown.
    ReportJson {
        report: Arc<Facts>,
        previous: Option<u16>,
    },
    ReportCsv(Arc<Facts>),
    /// An agency's page: the agency and its reports shown, newest first.
    Agency(Arc<(Agency, Vec<Arc<Facts>>)>),
    Home,
    Agencies,
    Years,
    /// The page of the year at this place of [`Index::by_year`].
    Year(usize),
    /// `regions/`: the region tree.
    Regions,
    /// A region's page: the region at this place of the tree.
    Region(usize),
    /// A region's roll-up for a year (the roll-up at this place of [`Index::rollups`]): its page,
    /// `rollup.json` and `rollup.csv`.
    RegionYear(usize),
    RollupJson(usize),
    RollupCsv(usize),
    /// `data/rollups.json`: every roll-up.
    Rollups,
    Feed,
    Sitemap,
    Robots,
    NotFound,
    /// `data/reports.json` and `data/reports.csv`: the reports' own data files of
    /// [`Plan::data`], joined.
    DataJson,
    DataCsv,
    /// `data/reports-wide.csv`: a line per report of [`Plan::data`], made from its `report.json`.
    DataWide,
    /// `data/datapackage.json`, describing the data files planned under `data/`.
    DataPackage(Arc<crate::opendata::Package>),
    /// A JSON Schema of `data/schema/`.
    DataSchema(crate::opendata::SchemaFile),
    Static(StaticFile),
    Attachment(PathBuf),
    /// What a search result shows of a report (its agency's region with it).
    SearchRecord {
        report: Arc<Facts>,
        region: Option<String>,
    },
    /// The page `/search/`.
    SearchPage,
    /// The folder of the search index, made from the records of [`Plan::search`]: several
    /// files, all of them written at once, what else is in the folder removed.
    SearchIndex,
}

/// One planned output.
#[derive(Debug, Clone)]
pub struct Planned {
    pub output: Output,
    /// Changes exactly when something the output is made from changes.
    pub fingerprint: u64,
}

/// The outputs of one agency.
#[derive(Debug, Clone)]
pub struct AgencyPlan {
    pub slug: String,
    /// Fingerprint of everything the outputs are made from: the same key, the same outputs.
    pub key: u64,
    pub files: Vec<(String, Planned)>,
}

/// Every output of a build, by path below the output folder.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Each agency's outputs, in the site's order of agencies.
    pub agencies: Vec<Arc<AgencyPlan>>,
    /// The static files, and the pages and files made from every report.
    pub site: PathMap<Planned>,
    /// The folders of the reports whose data `data/reports.json` and `.csv` hold, in order.
    pub data: Arc<Vec<String>>,
    /// The search records of the reports the search index holds, in order.
    pub search: Arc<Vec<String>>,
    /// The reports of `data` and of `search`: the next plan keeps both lists while its reports
    /// are the same.
    data_of: Vec<Arc<Facts>>,
    search_of: Vec<Arc<Facts>>,
    /// Fingerprint of `search`.
    search_fp: u64,
    /// The reports shown, grouped for the index pages.
    pub index: Index,
}

impl Plan {
    /// The reports shown, in the site's order (by agency slug, then year).
    pub fn shown(&self) -> &[Arc<Facts>] {
        &self.data_of
    }

    /// Every planned output.
    pub fn files(&self) -> impl Iterator<Item = (&String, &Planned)> {
        self.agencies
            .iter()
            .flat_map(|a| a.files.iter().map(|(p, o)| (p, o)))
            .chain(self.site.iter())
    }
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

/// The attachments an agency publishes: none while it shows no report, and not those named for
/// a year whose report is hidden (`2024-签章版.pdf` of a draft). With their source paths.
fn attachments(
    root: &Path,
    agency: &Agency,
    reports: &[Arc<Facts>],
    shown: &[bool],
) -> Vec<(String, PathBuf)> {
    if agency.attachments.is_empty() || !shown.iter().any(|s| *s) {
        return Vec::new();
    }
    let hidden: BTreeSet<String> = reports
        .iter()
        .filter(|r| {
            !reports
                .iter()
                .zip(shown)
                .any(|(s, on)| *on && s.year == r.year)
        })
        .map(|r| r.year.to_string())
        .collect();
    agency
        .attachments
        .iter()
        .filter(|att| !hidden.iter().any(|y| att.starts_with(y.as_str())))
        .map(|att| {
            (
                format!("{}/{att}", agency.slug),
                root.join("content").join(&agency.slug).join(att),
            )
        })
        .collect()
}

/// Fingerprint of everything an agency's outputs are made from: the agency, its reports and
/// which are shown, its attachments on disk, the settings.
pub fn agency_key(
    root: &Path,
    agency: &Agency,
    reports: &[Arc<Facts>],
    shown: &[bool],
    settings: &Settings,
) -> u64 {
    let mut h = facts::hasher();
    settings.global.hash(&mut h);
    agency_fp(agency).hash(&mut h);
    for (r, on) in reports.iter().zip(shown) {
        (r.source, r.data, r.listing, on).hash(&mut h);
    }
    for (rel, from) in attachments(root, agency, reports, shown) {
        (rel, disk_fingerprint(&from)).hash(&mut h);
    }
    h.finish()
}

/// The outputs of one agency (`reports`: its reports sorted by year, `shown`: whether each is
/// published): each shown report's page, `report.json` and `report.csv`, its attachments, and
/// its own page when it shows a report.
pub fn agency_plan(
    root: &Path,
    agency: &Agency,
    reports: &[Arc<Facts>],
    shown: &[bool],
    settings: &Settings,
) -> AgencyPlan {
    let mut files = Vec::with_capacity(3 * reports.len() + 1);
    let visible: Vec<&Arc<Facts>> = reports
        .iter()
        .zip(shown)
        .filter(|(_, on)| **on)
        .map(|(r, _)| r)
        .collect();
    for r in &visible {
        let path = r.path();
        // The comparison is with the report of the year before, when it is shown.
        let previous = visible
            .iter()
            .find(|p| p.year + 1 == r.year)
            .map(|p| (*p).clone());
        let before = previous
            .as_ref()
            .map(|p| (p.year, p.draft, facts::fingerprint(&p.cells)));
        files.push((
            format!("{path}index.html"),
            Planned {
                fingerprint: fp(settings, "report", (r.source, &agency.name, before)),
                output: Output::Report {
                    report: (*r).clone(),
                    agency: agency.name.clone(),
                    previous,
                },
            },
        ));
        let previous = before.map(|(year, _, _)| year);
        files.push((
            format!("{path}report.json"),
            Planned {
                fingerprint: fp(settings, "report.json", (r.data, &path, previous)),
                output: Output::ReportJson {
                    report: (*r).clone(),
                    previous,
                },
            },
        ));
        files.push((
            format!("{path}report.csv"),
            Planned {
                fingerprint: fp(settings, "report.csv", r.data),
                output: Output::ReportCsv((*r).clone()),
            },
        ));
        if settings.search {
            files.push((
                crate::search::record_path(&r.slug, r.year),
                Planned {
                    fingerprint: record_fp(r, agency),
                    output: Output::SearchRecord {
                        report: (*r).clone(),
                        region: agency.region.clone(),
                    },
                },
            ));
        }
    }
    for (rel, from) in attachments(root, agency, reports, shown) {
        files.push((
            rel,
            Planned {
                fingerprint: fp(settings, "attachment", disk_fingerprint(&from)),
                output: Output::Attachment(from),
            },
        ));
    }
    if !visible.is_empty() {
        let mut newest_first: Vec<Arc<Facts>> = visible.iter().map(|r| (*r).clone()).collect();
        newest_first.sort_by_key(|r| std::cmp::Reverse(r.year));
        let listings: Vec<u64> = newest_first.iter().map(|r| r.listing).collect();
        files.push((
            format!("{}/index.html", agency.slug),
            Planned {
                fingerprint: fp(settings, "agency", (agency_fp(agency), listings)),
                output: Output::Agency(Arc::new((agency.clone(), newest_first))),
            },
        ));
    }
    AgencyPlan {
        slug: agency.slug.clone(),
        key: agency_key(root, agency, reports, shown, settings),
        files,
    }
}

/// Fingerprint of a report's search record: what the record is made of ([`Facts::search`]) and
/// its agency's region. Neither templates nor settings go into a record, nor into the index.
fn record_fp(r: &Facts, agency: &Agency) -> u64 {
    record_fp_in(r, region_fp(agency))
}

/// What a search record takes of its agency ([`record_fp`]): made once an agency.
fn region_fp(agency: &Agency) -> u64 {
    facts::fingerprint_of(&("search.record", &agency.region))
}

fn record_fp_in(r: &Facts, region: u64) -> u64 {
    facts::fingerprint_of(&(r.search, region))
}

/// The files each report of `site` has errors in.
pub fn files_with_errors(site: &Site) -> HashSet<&str> {
    site.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.file.as_str())
        .collect()
}

/// Plans every output of `site`: each agency's (reusing those of `previous` that are made from
/// the same things), then the static files and the pages and files made from all reports.
pub fn plan(
    site: &Site,
    settings: &Settings,
    statics: BTreeMap<String, StaticFile>,
    previous: Option<&Plan>,
) -> Plan {
    let errors = files_with_errors(site);
    // Whether each report of the site is shown, decided once.
    let shown: Vec<bool> = site
        .reports
        .iter()
        .map(|r| settings.shows(r, !errors.is_empty() && errors.contains(r.file.as_str())))
        .collect();
    let shown_facts = || {
        site.reports
            .iter()
            .zip(&shown)
            .filter(|(_, s)| **s)
            .map(|(r, _)| r)
    };

    // The site's reports are sorted by agency slug: each agency's are one run of them.
    let mut runs: HashMap<&str, std::ops::Range<usize>> = HashMap::default();
    let mut start = 0;
    while start < site.reports.len() {
        let slug = site.reports[start].slug.as_str();
        let end = start + site.reports[start..].partition_point(|r| r.slug == slug);
        runs.insert(slug, start..end);
        start = end;
    }
    let before: HashMap<&str, &Arc<AgencyPlan>> = previous
        .map(|p| p.agencies.iter().map(|a| (a.slug.as_str(), a)).collect())
        .unwrap_or_default();
    let shown_list: Vec<Arc<Facts>> = shown_facts().cloned().collect();
    // The agencies' outputs beside the index and roll-ups: neither needs the other.
    let plan_agencies = || {
        site.agencies
            .par_iter()
            .map(|a| {
                let range = runs.get(a.slug.as_str()).cloned().unwrap_or(0..0);
                let (reports, on) = (&site.reports[range.clone()], &shown[range]);
                match before.get(a.slug.as_str()) {
                    Some(p) if p.key == agency_key(&site.root, a, reports, on, settings) => {
                        Arc::clone(p)
                    }
                    _ => Arc::new(agency_plan(&site.root, a, reports, on, settings)),
                }
            })
            .collect()
    };
    let (agencies, index) = rayon::join(plan_agencies, || {
        site_index(site, &shown_list, previous.map(|p| &p.index))
    });

    let mut files: PathMap<Planned> = PathMap::default();
    for (rel, f) in statics {
        let fingerprint = match &f {
            StaticFile::Embedded(t) => fp(settings, "static", facts::fingerprint(t.as_bytes())),
            StaticFile::Disk(p) => fp(settings, "static", disk_fingerprint(p)),
        };
        files.insert(
            rel,
            Planned {
                output: Output::Static(f),
                fingerprint,
            },
        );
    }
    // The same list as the last plan's, most of the time in serve: kept, not written again.
    let data = match previous {
        Some(p) if same_reports(&p.data_of, &shown_list) => Arc::clone(&p.data),
        _ => Arc::new(shown_list.iter().map(|r| r.path()).collect()),
    };
    // The pages made from every report beside the search outputs (each a pass over them all);
    // a generated file wins over a static file of the same path, as the order of inserting says.
    let (made, (searched, (search, search_of, search_fp))) = rayon::join(
        || {
            let mut made = PathMap::default();
            site_outputs(&index, settings, &shown_list, &mut made);
            made
        },
        || {
            let mut made = PathMap::default();
            let search = if settings.search {
                search_outputs(
                    site,
                    &index,
                    settings,
                    &shown_list,
                    previous.map(|p| (&p.search, p.search_of.as_slice(), p.search_fp)),
                    &mut made,
                )
            } else {
                Default::default()
            };
            (made, search)
        },
    );
    files.extend(made);
    files.extend(searched);
    let mut plan = Plan {
        agencies,
        site: files,
        data,
        search,
        data_of: shown_list,
        search_of,
        search_fp,
        index,
    };
    // A generated file wins over a static file of the same path. An agency's outputs are all
    // below its folder or its search records' (`search/r/<slug>/`): a static file is looked
    // for among those of the agency its path names, not among every output.
    let by_slug: HashMap<&str, &AgencyPlan> = plan
        .agencies
        .iter()
        .map(|a| (a.slug.as_str(), &**a))
        .collect();
    let generated: Vec<String> = plan
        .site
        .iter()
        .filter(|(_, p)| matches!(p.output, Output::Static(_)))
        .map(|(path, _)| path)
        .filter(|path| {
            let slug = path
                .strip_prefix(crate::search::RECORDS_DIR)
                .unwrap_or(path)
                .split('/')
                .next();
            slug.and_then(|s| by_slug.get(s))
                .is_some_and(|a| a.files.iter().any(|(p, _)| p == *path))
        })
        .cloned()
        .collect();
    for p in generated {
        plan.site.remove(&p);
    }
    // The data package describes the data files planned, whoever planned them.
    let mut files: Vec<String> = plan
        .site
        .keys()
        .filter(|p| crate::opendata::Package::describes(p))
        .cloned()
        .collect();
    files.sort();
    let package = crate::opendata::Package {
        title: site.config.title.clone(),
        organizer: site.config.portal.organizer.clone(),
        data: site.config.data.clone(),
        files,
    };
    plan.site.insert(
        crate::opendata::PACKAGE.into(),
        Planned {
            fingerprint: fp(settings, "datapackage", &package),
            output: Output::DataPackage(Arc::new(package)),
        },
    );
    plan
}

/// The reports shown grouped for the index pages, with the regions and the roll-ups (those of
/// `previous` kept where nothing they are made of changed).
pub fn site_index(site: &Site, shown: &[Arc<Facts>], previous: Option<&Index>) -> Index {
    // Reports of agencies that `covers` a region are that region's roll-up: summed in none.
    let covers: BTreeSet<&str> = site
        .agencies
        .iter()
        .filter(|a| a.covers.is_some())
        .map(|a| a.slug.as_str())
        .collect();
    let all: Vec<&str> = site.agencies.iter().map(|a| a.slug.as_str()).collect();
    // The grouping and the roll-ups side by side: neither reads the other.
    let (mut index, rollups) = rayon::join(
        || Index::new(&site.agencies, shown.iter().cloned()),
        || {
            across::rollups(
                shown,
                &covers,
                &all,
                &site.regions,
                &site.config.title,
                &|_| true,
                None,
                &|region, year| previous?.rollup(region, year).cloned(),
            )
        },
    );
    index.regions = Arc::clone(&site.regions);
    index.set_rollups(rollups);
    index
}

/// The pages and files made from the index: home, agencies, years, each year, the regions and
/// roll-ups, feed, sitemap, robots, 404 and the site's data files.
fn site_outputs(
    index: &Index,
    settings: &Settings,
    reports: &[Arc<Facts>],
    files: &mut PathMap<Planned>,
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
    let listings = |v: &[Arc<Facts>]| v.iter().map(|r| r.listing).collect::<Vec<u64>>();
    let years: Vec<(u16, usize)> = index.by_year.iter().map(|(y, v)| (*y, v.len())).collect();
    let agencies: Vec<_> = index
        .by_agency
        .iter()
        .map(|(a, v)| (agency_fp(a), v.iter().map(|r| r.year).collect::<Vec<_>>()))
        .collect();
    let tree = &index.regions;
    // The tree as pages show it: each region with its agencies and the years of its roll-ups.
    let tree_fp: Vec<(&str, &str, usize, usize, Vec<u16>)> = tree
        .regions()
        .iter()
        .map(|r| {
            (
                r.slug.as_str(),
                r.name.as_str(),
                r.depth,
                r.agencies.len(),
                index.rollups_of(Some(&r.slug)).map(|x| x.year).collect(),
            )
        })
        .collect();
    // A roll-up as its pages show it: what it sums and the agencies its lists name.
    let by_slug: HashMap<&str, &Agency> = index
        .by_agency
        .iter()
        .map(|(a, _)| (a.slug.as_str(), &**a))
        .collect();
    let rollup_fp = |r: &Rollup| {
        let mut h = facts::hasher();
        r.fingerprint.hash(&mut h);
        for slug in r.missing.iter().chain(r.excluded.iter().map(|(s, _)| s)) {
            by_slug
                .get(slug.as_str())
                .map(|a| agency_fp(a))
                .hash(&mut h);
        }
        // The agencies that `covers` the set or belong to it, which its pages also name.
        for ((a, v), covers, member) in index.covering_of(r.slug.as_deref()) {
            (agency_fp(a), listings(v), covers, member).hash(&mut h);
        }
        h.finish()
    };

    let season = index.season();
    let home = (
        season
            .iter()
            .map(|(y, v)| (*y, v.len(), (!index.season_too_big()).then(|| listings(v))))
            .collect::<Vec<_>>(),
        &years,
        &tree_fp,
    );
    put(
        "index.html".into(),
        Output::Home,
        fp(settings, "home", &home),
    );
    put(
        "agencies/index.html".into(),
        Output::Agencies,
        fp(settings, "agencies", (&agencies, &tree_fp)),
    );
    put(
        "years/index.html".into(),
        Output::Years,
        fp(settings, "years", &years),
    );
    for (i, (y, v)) in index.by_year.iter().enumerate() {
        let rollup = index.rollup(None, *y).map(|r| rollup_fp(r));
        put(
            format!("years/{y}/index.html"),
            Output::Year(i),
            fp(settings, "year", (y, listings(v), rollup, &tree_fp)),
        );
    }
    if !tree.is_empty() {
        put(
            "regions/index.html".into(),
            Output::Regions,
            fp(settings, "regions", &tree_fp),
        );
    }
    for (i, region) in tree.regions().iter().enumerate() {
        let own: Vec<_> = region
            .own
            .iter()
            .filter_map(|s| by_slug.get(s.as_str()))
            .map(|a| agency_fp(a))
            .collect();
        let near: Vec<_> = tree
            .parent(region)
            .into_iter()
            .chain(tree.children(region))
            .map(|r| (&r.slug, &r.name, r.agencies.len()))
            .collect();
        let covered_by: Vec<_> = index
            .covering_of(Some(&region.slug))
            .filter(|(_, covers, _)| *covers)
            .map(|((a, v), _, _)| (agency_fp(a), listings(v)))
            .collect();
        let rows: Vec<_> = index
            .rollups_of(Some(&region.slug))
            .map(|r| (r.year, r.figures, r.reports.len(), r.missing.len()))
            .collect();
        put(
            format!("regions/{}/index.html", region.slug),
            Output::Region(i),
            fp(
                settings,
                "region",
                (&region.slug, &region.name, own, near, covered_by, rows),
            ),
        );
    }
    for (k, r) in index.rollups.iter().enumerate() {
        let Some(slug) = &r.slug else { continue };
        // The roll-ups of a region are in a run, oldest first: the year before is just before.
        let before = k
            .checked_sub(1)
            .map(|j| &index.rollups[j])
            .filter(|p| p.slug == r.slug && p.year + 1 == r.year)
            .map(|p| (p.year, p.format.id, facts::fingerprint_of(&p.cells)));
        let parent = tree
            .get(slug)
            .and_then(|g| tree.parent(g))
            .map(|p| (&p.slug, &p.name));
        let dir = format!("regions/{slug}/{}/", r.year);
        put(
            format!("{dir}index.html"),
            Output::RegionYear(k),
            fp(settings, "region-year", (rollup_fp(r), before, parent)),
        );
        put(
            format!("{dir}rollup.json"),
            Output::RollupJson(k),
            fp(settings, "rollup.json", (r.fingerprint, &dir)),
        );
        put(
            format!("{dir}rollup.csv"),
            Output::RollupCsv(k),
            fp(settings, "rollup.csv", r.fingerprint),
        );
    }
    let all_rollups: Vec<u64> = index.rollups.iter().map(|r| r.fingerprint).collect();
    put(
        "data/rollups.json".into(),
        Output::Rollups,
        fp(settings, "rollups.json", &all_rollups),
    );
    // The feed shows each report's title, agency, dates and address.
    let entries: Vec<u64> = reports.iter().map(|r| r.entry).collect();
    put(
        "atom.xml".into(),
        Output::Feed,
        fp(settings, "feed", &entries),
    );
    // The sitemap lists the index pages and the report pages.
    let pages: Vec<&str> = index
        .by_agency
        .iter()
        .map(|(a, _)| a.slug.as_str())
        .collect();
    let report_pages: Vec<(&str, u16)> =
        reports.iter().map(|r| (r.slug.as_str(), r.year)).collect();
    put(
        "sitemap.xml".into(),
        Output::Sitemap,
        fp(
            settings,
            "sitemap",
            (&pages, &years, &report_pages, &tree_fp),
        ),
    );
    put(
        "robots.txt".into(),
        Output::Robots,
        fp(settings, "robots", ()),
    );
    put("404.html".into(), Output::NotFound, fp(settings, "404", ()));
    let data_fp: Vec<u64> = reports.iter().map(|r| r.data).collect();
    put(
        "data/reports.json".into(),
        Output::DataJson,
        fp(settings, "data.json", (&report_pages, &data_fp)),
    );
    put(
        "data/reports.csv".into(),
        Output::DataCsv,
        fp(settings, "data.csv", &data_fp),
    );
    put(
        crate::opendata::WIDE.into(),
        Output::DataWide,
        fp(settings, "data-wide.csv", &data_fp),
    );
    for schema in crate::opendata::SchemaFile::ALL {
        put(
            schema.path().into(),
            Output::DataSchema(schema),
            fp(settings, "schema", schema),
        );
    }
}

/// The last plan's search records: paths, reports, fingerprint of the paths.
type SearchList<'a> = (&'a Arc<Vec<String>>, &'a [Arc<Facts>], u64);

/// `/search/` and the search index, made from the records of `reports`; returns the records'
/// paths, in order, their reports and the paths' fingerprint.
fn search_outputs(
    site: &Site,
    index: &Index,
    settings: &Settings,
    reports: &[Arc<Facts>],
    previous: Option<SearchList>,
    files: &mut PathMap<Planned>,
) -> (Arc<Vec<String>>, Vec<Arc<Facts>>, u64) {
    let agencies: HashMap<&str, &Agency> = site
        .agencies
        .iter()
        .map(|a| (a.slug.as_str(), &**a))
        .collect();
    let mut indexed = Vec::with_capacity(reports.len());
    let mut fps = Vec::with_capacity(reports.len());
    // The reports are sorted by agency: each agency looked up once, for a run of them.
    let mut last: Option<(&str, Option<u64>)> = None;
    for r in reports {
        let region = match last {
            Some((slug, region)) if slug == r.slug => region,
            _ => {
                let region = agencies.get(r.slug.as_str()).map(|a| region_fp(a));
                last = Some((r.slug.as_str(), region));
                region
            }
        };
        let Some(region) = region else {
            continue;
        };
        indexed.push(Arc::clone(r));
        fps.push(record_fp_in(r, region));
    }
    let records = match previous {
        Some((kept, of, _)) if same_reports(of, &indexed) => Arc::clone(kept),
        _ => Arc::new(
            indexed
                .iter()
                .map(|r| crate::search::record_path(&r.slug, r.year))
                .collect(),
        ),
    };
    let records_fp = match previous {
        Some((kept, _, fp)) if Arc::ptr_eq(kept, &records) => fp,
        _ => facts::fingerprint_of(&*records),
    };
    files.insert(
        crate::search::INDEX_DIR.to_string(),
        Planned {
            output: Output::SearchIndex,
            // The records, in order: the index is made from them alone.
            fingerprint: facts::fingerprint_of(&("search.index", records_fp, &fps)),
        },
    );
    let years: Vec<u16> = index.by_year.iter().map(|(y, _)| *y).collect();
    files.insert(
        "search/index.html".to_string(),
        Planned {
            output: Output::SearchPage,
            fingerprint: fp(settings, "search", (&years, search_regions(index))),
        },
    );
    (records, indexed, records_fp)
}

/// Whether two lists hold the same reports (slug and year) in the same order. Most are the
/// same facts in serve, compared without reading them.
fn same_reports(a: &[Arc<Facts>], b: &[Arc<Facts>]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| Arc::ptr_eq(x, y) || (x.slug == y.slug && x.year == y.year))
}

/// The regions to filter search results by. With `[regions]`, the declared regions in tree
/// order that hold an agency shown (a region takes in the regions below it, whose names it
/// begins); then, and without `[regions]`, the other regions of the agencies shown, in their
/// order.
pub fn search_regions(index: &Index) -> Vec<&str> {
    let mut seen: HashSet<&str> = HashSet::default();
    let of_agencies: Vec<&str> = index
        .by_agency
        .iter()
        .filter_map(|(a, _)| a.region.as_deref())
        .filter(|r| seen.insert(r))
        .collect();
    // Sorted, the names that begin with a region's name follow it at once.
    let mut sorted = of_agencies.clone();
    sorted.sort_unstable();
    let holds = |name: &str| {
        let at = sorted.partition_point(|a| *a < name);
        sorted.get(at).is_some_and(|a| a.starts_with(name))
    };
    let mut out: Vec<&str> = index
        .regions
        .regions()
        .iter()
        .map(|r| r.name.as_str())
        .filter(|name| holds(name))
        .collect();
    let declared: HashSet<&str> = out.iter().copied().collect();
    out.extend(of_agencies.into_iter().filter(|r| !declared.contains(r)));
    out
}

/// What a folder holds of a plan: each agency's part as written, and the fingerprint of every
/// other file.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub agencies: HashMap<String, Arc<AgencyPlan>>,
    pub site: PathMap<u64>,
}

/// What changed from what a folder holds to a plan: the outputs to render (new, or made from
/// other things) and the paths to remove.
pub fn diff<'a>(held: &Written, plan: &'a Plan) -> (Vec<(&'a String, &'a Planned)>, Vec<String>) {
    let mut todo = Vec::new();
    let mut gone = Vec::new();
    let mut planned_agencies: HashSet<&str> = HashSet::default();
    for a in &plan.agencies {
        planned_agencies.insert(&a.slug);
        match held.agencies.get(&a.slug) {
            Some(old) if old.key == a.key => {}
            Some(old) => {
                let was: HashMap<&str, u64> = old
                    .files
                    .iter()
                    .map(|(p, o)| (p.as_str(), o.fingerprint))
                    .collect();
                let now: HashSet<&str> = a.files.iter().map(|(p, _)| p.as_str()).collect();
                todo.extend(
                    a.files
                        .iter()
                        .filter(|(p, o)| was.get(p.as_str()) != Some(&o.fingerprint))
                        .map(|(p, o)| (p, o)),
                );
                gone.extend(
                    old.files
                        .iter()
                        .filter(|(p, _)| !now.contains(p.as_str()))
                        .map(|(p, _)| p.clone()),
                );
            }
            None => todo.extend(a.files.iter().map(|(p, o)| (p, o))),
        }
    }
    for (slug, old) in &held.agencies {
        if !planned_agencies.contains(slug.as_str()) {
            gone.extend(old.files.iter().map(|(p, _)| p.clone()));
        }
    }
    todo.extend(
        plan.site
            .iter()
            .filter(|(p, o)| held.site.get(*p) != Some(&o.fingerprint)),
    );
    gone.extend(
        held.site
            .keys()
            .filter(|p| !plan.site.contains_key(*p))
            .cloned(),
    );
    // A file that moved from one part to another stays.
    let planned: HashSet<&str> = todo.iter().map(|(p, _)| p.as_str()).collect();
    gone.retain(|p| !planned.contains(p.as_str()));
    gone.sort();
    (todo, gone)
}
