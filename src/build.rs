//! Build: from a checked site to the published folder.
//!
//! In: a [`Site`] without errors. Out: every page, data file and feed of site.md, written into a
//! staging folder that replaces the output folder only when all of it succeeded. Reports are
//! rendered in parallel, a chunk at a time, and written as they are rendered; only their small
//! index summaries stay in memory.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::data;
use crate::index::{Index, Summary};
use crate::output::Staging;
use crate::render::{Renderer, DEFAULT_STATIC};
use crate::site::Site;

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

/// Builds the site. Refuses when the output folder would hold the site itself.
pub fn build(site: &Site, opts: &BuildOptions) -> Result<BuildStats, String> {
    let target = output_dir(site, opts);
    check_target(&site.root, &target)?;
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
    let staging =
        Staging::new(&target).map_err(|e| format!("无法创建输出目录 {}：{e}", target.display()))?;
    let io = |what: &str, e: std::io::Error| format!("写入 {what} 失败：{e}");
    let mut files = 0usize;

    // Static files first: generated files of the same path win.
    for (rel, text) in static_files(site)? {
        match text {
            StaticFile::Embedded(t) => staging.write(&rel, t),
            StaticFile::Disk(p) => staging.copy(&p, &rel),
        }
        .map_err(|e| io(&rel, e))?;
        files += 1;
    }

    let reports: Vec<&crate::report::Report> = site
        .reports
        .iter()
        .filter(|r| opts.drafts || !r.draft)
        .collect();
    let bar = opts.progress.then(|| {
        let b = indicatif::ProgressBar::new(reports.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 份报告 {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });

    let json_path = staging
        .path("data/reports.json")
        .map_err(|e| io("data", e))?;
    std::fs::create_dir_all(json_path.parent().unwrap_or(staging.dir()))
        .map_err(|e| io("data", e))?;
    let mut all_json = std::io::BufWriter::new(
        std::fs::File::create(&json_path).map_err(|e| io("data/reports.json", e))?,
    );
    let mut all_csv = std::io::BufWriter::new(
        std::fs::File::create(
            staging
                .path("data/reports.csv")
                .map_err(|e| io("data", e))?,
        )
        .map_err(|e| io("data/reports.csv", e))?,
    );
    all_json
        .write_all(b"[")
        .map_err(|e| io("data/reports.json", e))?;
    all_csv
        .write_all(data::BOM.as_bytes())
        .and_then(|_| all_csv.write_all(data::CSV_HEADER.as_bytes()))
        .map_err(|e| io("data/reports.csv", e))?;

    let mut summaries: Vec<Summary> = Vec::with_capacity(reports.len());
    let mut first = true;
    for chunk in reports.chunks(CHUNK) {
        let rendered: Vec<Result<(Summary, String, String), String>> = chunk
            .par_iter()
            .map(|r| {
                let agency = site.agency(&r.slug).cloned().unwrap_or_default();
                let path = format!("{}/{}/", r.slug, r.year);
                let html = renderer.report_page(r, &agency)?;
                staging
                    .write(&format!("{path}index.html"), html)
                    .map_err(|e| io(&path, e))?;
                let json = serde_json::to_string(&data::report_json(r, &renderer.abs_url(&path)))
                    .map_err(|e| e.to_string())?;
                staging
                    .write(&format!("{path}report.json"), format!("{json}\n"))
                    .map_err(|e| io(&path, e))?;
                let csv = data::report_csv(r);
                staging
                    .write(
                        &format!("{path}report.csv"),
                        format!("{}{}{csv}", data::BOM, data::CSV_HEADER),
                    )
                    .map_err(|e| io(&path, e))?;
                if let Some(b) = &bar {
                    b.inc(1);
                }
                Ok((Summary::of(r), json, csv))
            })
            .collect();
        for item in rendered {
            let (summary, json, csv) = item?;
            if !first {
                all_json
                    .write_all(b",\n")
                    .map_err(|e| io("data/reports.json", e))?;
            }
            first = false;
            all_json
                .write_all(json.as_bytes())
                .map_err(|e| io("data/reports.json", e))?;
            all_csv
                .write_all(csv.as_bytes())
                .map_err(|e| io("data/reports.csv", e))?;
            summaries.push(summary);
        }
    }
    all_json
        .write_all(b"]\n")
        .and_then(|_| all_json.flush())
        .map_err(|e| io("data/reports.json", e))?;
    all_csv.flush().map_err(|e| io("data/reports.csv", e))?;
    drop((all_json, all_csv));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    files += 2 + 3 * summaries.len();
    let report_count = summaries.len();

    // Index pages.
    let index = Index::new(&site.agencies, summaries);
    let mut pages: Vec<(String, String)> = vec![
        (String::new(), renderer.home(&index)?),
        ("agencies/".into(), renderer.agencies(&index)?),
        ("years/".into(), renderer.years(&index)?),
    ];
    let agency_pages: Result<Vec<_>, String> = index
        .by_agency
        .par_iter()
        .map(|(a, v)| Ok((format!("{}/", a.slug), renderer.agency(a, v)?)))
        .collect();
    pages.extend(agency_pages?);
    let year_pages: Result<Vec<_>, String> = index
        .by_year
        .par_iter()
        .map(|(y, v)| Ok((format!("years/{y}/"), renderer.year(*y, v)?)))
        .collect();
    pages.extend(year_pages?);
    for (path, html) in &pages {
        staging
            .write(&format!("{path}index.html"), html)
            .map_err(|e| io(path, e))?;
    }
    staging
        .write("404.html", renderer.not_found()?)
        .map_err(|e| io("404.html", e))?;

    // Feed, sitemap, robots.
    let entries: Vec<(&Summary, String)> = index
        .by_year
        .iter()
        .flat_map(|(_, v)| v.iter())
        .map(|s| (s, renderer.abs_url(&s.path())))
        .collect();
    let mut urls: Vec<String> = pages.iter().map(|(p, _)| renderer.abs_url(p)).collect();
    urls.extend(entries.iter().map(|(_, u)| u.clone()));
    urls.sort();
    staging
        .write(
            "atom.xml",
            data::atom(&site.config.title, &renderer.abs_url(""), &entries),
        )
        .map_err(|e| io("atom.xml", e))?;
    staging
        .write("sitemap.xml", data::sitemap(&urls))
        .map_err(|e| io("sitemap.xml", e))?;
    staging
        .write("robots.txt", data::robots(&renderer.abs_url("")))
        .map_err(|e| io("robots.txt", e))?;

    // Attachments beside the reports.
    for a in &site.agencies {
        for att in &a.attachments {
            let from = site.root.join("content").join(&a.slug).join(att);
            let rel = format!("{}/{att}", a.slug);
            staging.copy(&from, &rel).map_err(|e| io(&rel, e))?;
            files += 1;
        }
    }

    let page_count = report_count + pages.len() + 1;
    files += pages.len() + 4;
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

enum StaticFile {
    Embedded(&'static str),
    Disk(PathBuf),
}

/// Static files by output path: the built-in default theme, the theme folder, the site's own.
fn static_files(site: &Site) -> Result<std::collections::BTreeMap<String, StaticFile>, String> {
    let mut out = std::collections::BTreeMap::new();
    if site.config.theme == "default" {
        for (rel, text) in DEFAULT_STATIC {
            out.insert((*rel).to_string(), StaticFile::Embedded(text));
        }
    }
    for dir in [
        site.root
            .join("themes")
            .join(&site.config.theme)
            .join("static"),
        site.root.join("static"),
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
pub fn rebuild_reports(
    site: &Site,
    files: &[String],
    before: &crate::site::Reloaded,
    opts: &BuildOptions,
) -> Result<Option<BuildStats>, String> {
    use std::collections::BTreeSet;

    let target = output_dir(site, opts);
    if !target.join("index.html").is_file()
        || format!("{:?}", before.old_agencies) != format!("{:?}", site.agencies)
    {
        return Ok(None);
    }
    let changed: BTreeSet<&str> = files.iter().map(String::as_str).collect();
    let shown = |r: &&crate::report::Report| opts.drafts || !r.draft;
    let reports: Vec<&crate::report::Report> = site.reports.iter().filter(shown).collect();
    let new_changed: Vec<&crate::report::Report> = reports
        .iter()
        .filter(|r| changed.contains(r.file.as_str()))
        .copied()
        .collect();
    let old_changed: Vec<&crate::report::Report> = before.old.iter().filter(shown).collect();

    // The index pages before and after must be the same set.
    let index = Index::new(
        &site.agencies,
        reports.iter().map(|r| Summary::of(r)).collect(),
    );
    let old_index = Index::new(
        &before.old_agencies,
        reports
            .iter()
            .filter(|r| !changed.contains(r.file.as_str()))
            .chain(old_changed.iter())
            .map(|r| Summary::of(r))
            .collect(),
    );
    let page_set = |i: &Index| {
        (
            i.by_agency
                .iter()
                .map(|(a, _)| a.slug.clone())
                .collect::<Vec<_>>(),
            i.by_year.iter().map(|(y, _)| *y).collect::<Vec<_>>(),
        )
    };
    if page_set(&index) != page_set(&old_index) {
        return Ok(None);
    }

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
    let io = |what: &str, e: std::io::Error| format!("写入 {what} 失败：{e}");
    let put = |rel: &str, bytes: &[u8]| replace_file(&target, rel, bytes).map_err(|e| io(rel, e));
    let mut files_written = 0usize;

    let report_path = |r: &crate::report::Report| format!("{}/{}/", r.slug, r.year);
    let new_paths: BTreeSet<String> = new_changed.iter().map(|r| report_path(r)).collect();

    // The changed reports.
    let written: Result<Vec<()>, String> = new_changed
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
    files_written += 3 * written?.len();

    // Index pages: the site-wide ones, and those of the agencies and years concerned.
    let slugs: BTreeSet<&str> = new_changed
        .iter()
        .chain(old_changed.iter())
        .map(|r| r.slug.as_str())
        .collect();
    let years: BTreeSet<u16> = new_changed
        .iter()
        .chain(old_changed.iter())
        .map(|r| r.year)
        .collect();
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

    // The data files of all reports, written beside and renamed over.
    let json_tmp = target.join("data/.reports.json.nianbao-tmp");
    let csv_tmp = target.join("data/.reports.csv.nianbao-tmp");
    std::fs::create_dir_all(target.join("data")).map_err(|e| io("data", e))?;
    {
        let mut all_json = std::io::BufWriter::new(
            std::fs::File::create(&json_tmp).map_err(|e| io("data/reports.json", e))?,
        );
        let mut all_csv = std::io::BufWriter::new(
            std::fs::File::create(&csv_tmp).map_err(|e| io("data/reports.csv", e))?,
        );
        all_json
            .write_all(b"[")
            .map_err(|e| io("data/reports.json", e))?;
        all_csv
            .write_all(data::BOM.as_bytes())
            .and_then(|_| all_csv.write_all(data::CSV_HEADER.as_bytes()))
            .map_err(|e| io("data/reports.csv", e))?;
        let mut first = true;
        for chunk in reports.chunks(CHUNK) {
            let parts: Result<Vec<(String, String)>, String> = chunk
                .par_iter()
                .map(|r| {
                    let url = renderer.abs_url(&report_path(r));
                    let json = serde_json::to_string(&data::report_json(r, &url))
                        .map_err(|e| e.to_string())?;
                    Ok((json, data::report_csv(r)))
                })
                .collect();
            for (json, csv) in parts? {
                if !first {
                    all_json
                        .write_all(b",\n")
                        .map_err(|e| io("data/reports.json", e))?;
                }
                first = false;
                all_json
                    .write_all(json.as_bytes())
                    .map_err(|e| io("data/reports.json", e))?;
                all_csv
                    .write_all(csv.as_bytes())
                    .map_err(|e| io("data/reports.csv", e))?;
            }
        }
        all_json
            .write_all(b"]\n")
            .and_then(|_| all_json.flush())
            .map_err(|e| io("data/reports.json", e))?;
        all_csv.flush().map_err(|e| io("data/reports.csv", e))?;
    }
    std::fs::rename(&json_tmp, target.join("data/reports.json"))
        .map_err(|e| io("data/reports.json", e))?;
    std::fs::rename(&csv_tmp, target.join("data/reports.csv"))
        .map_err(|e| io("data/reports.csv", e))?;
    files_written += 2;

    // Reports that went away: their files go, last, once nothing links them (attachments in
    // the same folder stay).
    for r in &old_changed {
        let path = report_path(r);
        if new_paths.contains(&path) {
            continue;
        }
        for name in ["index.html", "report.json", "report.csv"] {
            match std::fs::remove_file(target.join(&path).join(name)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(io(&format!("{path}{name}"), e))
                }
                _ => {}
            }
        }
        let _ = std::fs::remove_dir(target.join(&path));
    }

    Ok(Some(BuildStats {
        reports: reports.len(),
        pages: new_changed.len() + pages.len(),
        files: files_written,
        output: target,
    }))
}

/// Replaces one file of a built site in a single step: written beside it, then renamed over it.
fn replace_file(dir: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
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
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)
}
