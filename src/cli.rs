//! The commands behind the binary: each returns the process exit code (0 ok, 1 invalid content,
//! 2 usage or tool failure) and writes to the given streams.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{self, Diagnostic};
use crate::format::{FormatDef, EDITIONS};
use crate::site::{self, LoadOptions};
use crate::source;

/// Exit codes of cli.md.
pub mod exit {
    pub const OK: u8 = 0;
    pub const INVALID: u8 = 1;
    pub const USAGE: u8 = 2;
}

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Human,
    Json,
    /// The audit page for the supervising office (`audit`).
    Html,
}

/// Whether to colour output written to a stream: on a terminal, and never with `NO_COLOR` set
/// (cli.md says set, so an empty value counts too).
pub fn use_color(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none()
}

fn fail(err: &mut dyn Write, msg: impl std::fmt::Display) -> u8 {
    let _ = writeln!(err, "错误：{msg}");
    exit::USAGE
}

/// Resolves user-given paths to site-relative prefixes.
fn site_relative(root: &Path, paths: &[PathBuf]) -> Result<Vec<String>, String> {
    let root_abs = root.canonicalize().map_err(|e| e.to_string())?;
    paths
        .iter()
        .map(|p| {
            // Relative to the current folder, or else to the site (`--root site check
            // content/a/2020.md` from outside it).
            let p = if p.is_relative() && !p.exists() && root.join(p).exists() {
                root.join(p)
            } else {
                p.clone()
            };
            let abs = p
                .canonicalize()
                .map_err(|e| format!("{}：{e}", p.display()))?;
            abs.strip_prefix(&root_abs)
                .map(|r| source::rel(Path::new(""), r))
                .map_err(|_| format!("{} 不在站点 {} 中", p.display(), root.display()))
        })
        .collect()
}

/// Whether `check PATH…` reports on a file: one of the paths, in one of the folders, or the
/// agency file of a report given.
fn is_selected(only: &[String], file: &str) -> bool {
    let agency_dir = file.strip_suffix("_index.md").filter(|d| d.ends_with('/'));
    only.is_empty()
        || only.iter().any(|p| {
            p.is_empty()
                || file == p
                || file.starts_with(&format!("{p}/"))
                || agency_dir.is_some_and(|d| p.starts_with(d))
        })
}

/// `nianbao check --fix`: rewrites what is unambiguous in the given files (or every report and
/// agency file), printing each change as `file:line: …` on `err`. The check follows.
pub fn fix(root: Option<&Path>, paths: &[PathBuf], err: &mut dyn Write) -> u8 {
    let root = match source::find_root(root) {
        Ok(r) => r,
        Err(e) => return fail(err, e),
    };
    let only = match site_relative(&root, paths) {
        Ok(v) => v,
        Err(e) => return fail(err, e),
    };
    match crate::fix::fix_site(&root, &|file: &str| is_selected(&only, file)) {
        Ok(results) => {
            for (file, outcome) in results {
                match outcome {
                    crate::fix::Outcome::Fixed(_, changes) => {
                        for c in changes {
                            let _ = writeln!(err, "{file}:{}: {}", c.line, c.what);
                        }
                    }
                    crate::fix::Outcome::Untouched(why) => {
                        let _ = writeln!(err, "{file}: 未修改：{why}");
                    }
                    crate::fix::Outcome::Unchanged => {}
                }
            }
            exit::OK
        }
        Err(e) => fail(err, e),
    }
}

/// `nianbao check`.
pub fn check(
    root: Option<&Path>,
    strict: bool,
    format: OutputFormat,
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
    color: bool,
) -> u8 {
    check_documents(
        root,
        strict,
        format,
        &crate::import::Options::default(),
        paths,
        out,
        err,
        color,
    )
}

/// `nianbao check`, where a `.docx`, `.html` or `.txt` path is checked in place (import.md);
/// `opts` are the document's `--slug`, `--year` and `--agency`.
#[allow(clippy::too_many_arguments)]
pub fn check_documents(
    root: Option<&Path>,
    strict: bool,
    format: OutputFormat,
    opts: &crate::import::Options,
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
    color: bool,
) -> u8 {
    if paths.iter().any(|p| crate::import::kind_of(p).is_some()) {
        return crate::import::command::check(root, strict, format, opts, paths, out, err, color);
    }
    let root = match source::find_root(root) {
        Ok(r) => r,
        Err(e) => return fail(err, e),
    };
    let only = match site_relative(&root, paths) {
        Ok(v) => v,
        Err(e) => return fail(err, e),
    };
    // Nothing is rendered: each batch of reports is cut down to its facts once checked.
    let site = match site::Inputs::load(
        &root,
        LoadOptions {
            strict,
            ..Default::default()
        },
        false,
        None,
    ) {
        Ok(inputs) => inputs.assemble(),
        Err(e) => return fail(err, e),
    };
    let selected = |file: &str| is_selected(&only, file);
    let diags: Vec<Diagnostic> = site
        .diagnostics
        .iter()
        .filter(|d| selected(&d.file))
        .cloned()
        .collect();
    source::print_ignored(err, &site.ignored);
    let files = if only.is_empty() {
        site.report_files
    } else {
        // The selected reports, with those that could not be read at all.
        let mut files: std::collections::BTreeSet<&str> = site
            .reports
            .iter()
            .map(|r| r.file.as_str())
            .filter(|f| selected(f))
            .collect();
        files.extend(diags.iter().map(|d| d.file.as_str()).filter(|f| {
            f.starts_with("content/") && f.ends_with(".md") && !f.ends_with("/_index.md")
        }));
        files.len()
    };
    match format {
        OutputFormat::Json => {
            let _ = out.write_all(diagnostic::to_json(&diags).as_bytes());
        }
        OutputFormat::Human => {
            diagnostic::print(out, &diags, color);
            let _ = writeln!(out, "{}", diagnostic::summary(files, &diags));
        }
        OutputFormat::Html => {
            let page = audit_of(&site, &diags, files, &selected).to_html();
            let _ = out.write_all(page.as_bytes());
        }
    }
    // The process ends next: freeing every report one by one would only cost time.
    std::mem::forget(site);
    if diags.iter().any(Diagnostic::is_error) {
        exit::INVALID
    } else {
        exit::OK
    }
}

/// The audit page's input from a loaded site: the agencies with reports among the selected
/// files, each report's facts, and the diagnostics with their source lines.
fn audit_of(
    site: &site::Site,
    diags: &[Diagnostic],
    files: usize,
    selected: &dyn Fn(&str) -> bool,
) -> crate::audit::Audit {
    use crate::audit::{Audit, AuditAgency, AuditDiagnostic, ReportFacts};
    use crate::diagnostic::Code;
    let late: std::collections::HashSet<&str> = diags
        .iter()
        .filter(|d| d.code == Code::W003)
        .map(|d| d.file.as_str())
        .collect();
    let mut by_slug: std::collections::HashMap<&str, Vec<&crate::facts::Facts>> =
        Default::default();
    for r in site.reports.iter().filter(|r| selected(&r.file)) {
        by_slug.entry(r.slug.as_str()).or_default().push(r);
    }
    let agencies = site
        .agencies
        .iter()
        .filter_map(|a| {
            let reports = by_slug.get(a.slug.as_str())?;
            Some(AuditAgency {
                slug: a.slug.clone(),
                name: a.name.clone(),
                index_file: a.index_file.clone(),
                reports: reports
                    .iter()
                    .filter(|r| r.year != 0)
                    .map(|r| {
                        let facts = ReportFacts {
                            file: r.file.clone(),
                            draft: r.draft,
                            late: late.contains(r.file.as_str()),
                        };
                        (r.year, facts)
                    })
                    .collect(),
            })
        })
        .collect();
    let diagnostics = diags
        .iter()
        .map(|d| AuditDiagnostic {
            source: d.source.clone(),
            diagnostic: d.clone(),
        })
        .collect();
    Audit {
        title: site.config.title.clone(),
        files,
        agencies,
        diagnostics,
    }
}

/// `nianbao new`.
pub fn new_report(
    root: Option<&Path>,
    slug: &str,
    year: u16,
    agency: Option<&str>,
    format: Option<u16>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let root = match source::find_root(root) {
        Ok(r) => r,
        Err(e) => return fail(err, e),
    };
    if let Some(problem) = source::slug_problem(slug) {
        return fail(err, problem);
    }
    let this_year = LoadOptions::default().this_year;
    if !(2008..=this_year).contains(&i32::from(year)) {
        return fail(
            err,
            format!("报告年度 {year} 不在 2008 至 {this_year} 年之间"),
        );
    }
    let f = match format {
        Some(id) => match FormatDef::by_id(id) {
            Some(f) => f,
            None => {
                let ids: Vec<String> = EDITIONS.iter().map(|f| f.id.to_string()).collect();
                return fail(err, format!("--format 只能是 {}", ids.join(" 或 ")));
            }
        },
        None => FormatDef::for_year(year),
    };
    let dir = root.join("content").join(slug);
    let path = dir.join(format!("{year}.md"));
    let rel = source::rel(&root, &path);
    let name = agency
        .map(str::to_string)
        .or_else(|| agency_name(&root, slug))
        .unwrap_or_else(|| "（请填写机关名称）".into());
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return fail(err, format!("无法创建 {}：{e}", dir.display()));
    }
    let text = crate::format::scaffold::scaffold(f, &name, year);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    match file.and_then(|mut f| f.write_all(text.as_bytes())) {
        Ok(()) => {
            let _ = writeln!(
                out,
                "已创建 {rel}（{} 版格式）：填写表格和各章节后运行 nianbao check",
                f.id
            );
            new_agency_file(&root, &dir, agency, out, err)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            fail(err, format!("{rel} 已存在，不会覆盖"))
        }
        Err(e) => fail(err, format!("无法写入 {rel}：{e}")),
    }
}

/// Writes the agency file of a new report's folder when there is none.
fn new_agency_file(
    root: &Path,
    dir: &Path,
    name: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let path = dir.join("_index.md");
    let rel = source::rel(root, &path);
    let (_, kind) = crate::report::AgencyKind::guess(name.unwrap_or(""));
    let text = crate::format::scaffold::agency_file(name, kind);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    match file.and_then(|mut f| f.write_all(text.as_bytes())) {
        Ok(()) => {
            let _ = writeln!(
                out,
                "已创建 {rel}（机关信息）：机关类型填为“{kind}”，请核对名称、地区和类型"
            );
            exit::OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => exit::OK,
        Err(e) => fail(err, format!("无法写入 {rel}：{e}")),
    }
}

/// The `name` of an agency file, if there is one.
fn agency_name(root: &Path, slug: &str) -> Option<String> {
    let file = format!("content/{slug}/_index.md");
    let text = source::read(root, &file).ok()?.ok()?;
    crate::validate::check_agency_file(&file, &text).0.name
}

/// `nianbao schema`.
pub fn schema(format: Option<u16>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let f = match format.map(FormatDef::by_id) {
        None => None,
        Some(Some(f)) => Some(f),
        Some(None) => return fail(err, "--format 只能是 2019 或 2021"),
    };
    let s = crate::format::schema::schema(f);
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&s).unwrap_or_default()
    );
    exit::OK
}

/// `nianbao build`.
pub fn build(
    root: Option<&Path>,
    opts: crate::build::BuildOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
    color: bool,
) -> u8 {
    let started = std::time::Instant::now();
    let root = match source::find_root(root) {
        Ok(r) => r,
        Err(e) => return fail(err, e),
    };
    if let Some(problem) = opts
        .base_url
        .as_deref()
        .and_then(|u| crate::config::base_url_problem("--base-url ", u))
    {
        return fail(err, problem);
    }
    let (stats, site) = match crate::build::build(&root, LoadOptions::default(), &opts) {
        Ok(crate::build::Outcome::Built(stats, site)) => (stats, site),
        Ok(crate::build::Outcome::Invalid(site)) => {
            source::print_ignored(err, &site.ignored);
            diagnostic::print(err, &site.diagnostics, color);
            let (errors, warnings) = diagnostic::counts(&site.diagnostics);
            let _ = writeln!(
                err,
                "构建已取消：{errors} 个错误，{warnings} 个警告；先前的输出保持不变"
            );
            return exit::INVALID;
        }
        // Every failure comes before the swap, which leaves the output alone, unless it says
        // itself where the previous output went.
        Err(e) if e.contains("先前的输出") => return fail(err, e),
        Err(e) => return fail(err, format!("{e}；先前的输出保持不变")),
    };
    source::print_ignored(err, &site.ignored);
    diagnostic::print(err, &site.diagnostics, color);
    let base_url = opts.base_url.as_deref().unwrap_or(&site.config.base_url);
    if !base_url.contains("://") {
        // Pages work with a bare path; the sitemap and the feed need whole addresses.
        let _ = writeln!(
            err,
            "warning: base_url（{base_url}）不是完整网址：sitemap.xml、atom.xml 和 robots.txt 中的地址需要 https://… 形式，请在 site.toml 中设置 base_url 或使用 --base-url"
        );
    }
    let sub_path = crate::config::base_path(base_url);
    if sub_path != "/" {
        // Crawlers read /robots.txt at the host's root only.
        let _ = writeln!(
            err,
            "note: 站点位于子路径 {sub_path} 下，爬虫只读取网站根目录的 /robots.txt，不会读取生成的 {sub_path}robots.txt；需要时请把其中的 Sitemap 行加入网站根目录的 robots.txt"
        );
    }
    let shown = stats
        .output
        .strip_prefix(&root)
        .unwrap_or(&stats.output)
        .display()
        .to_string();
    // An explained warning (`acknowledge`) is a note: it does not count, as in check's summary.
    let (_, warnings) = diagnostic::counts(&site.diagnostics);
    let _ = writeln!(
        out,
        "已生成 {} 个页面（{} 份报告）到 {shown}，{warnings} 个警告，用时 {:.2} 秒",
        stats.pages,
        stats.reports,
        started.elapsed().as_secs_f64()
    );
    if !stats.withheld.is_empty() {
        let _ = writeln!(
            err,
            "有错误的 {} 份报告未发布（--keep-going），其余已发布：",
            stats.withheld.len()
        );
        for file in &stats.withheld {
            let _ = writeln!(err, "  {}", withheld_line(file, &site.diagnostics));
        }
        // Scripts notice: the site was published, but not whole.
        std::mem::forget(site);
        return exit::INVALID;
    }
    // The process ends next: freeing every report one by one would only cost time.
    std::mem::forget(site);
    exit::OK
}

/// `content/a/2025.md：2 个错误（R001 第 14 行、N005 第 20 行）`: a withheld report and its
/// errors, for the summary of a keep-going build.
fn withheld_line(file: &str, diags: &[Diagnostic]) -> String {
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.file == file && d.is_error())
        .map(|d| match d.line {
            0 => d.code.as_str().to_string(),
            n => format!("{} 第 {n} 行", d.code.as_str()),
        })
        .collect();
    format!("{file}：{} 个错误（{}）", errors.len(), errors.join("、"))
}

/// `nianbao import`.
#[allow(clippy::too_many_arguments)]
pub fn import(
    root: Option<&Path>,
    opts: &crate::import::Options,
    force: bool,
    dry_run: bool,
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
    color: bool,
) -> u8 {
    crate::import::command::import(root, opts, force, dry_run, paths, out, err, color)
}

/// `nianbao serve`: runs until Ctrl-C or SIGTERM; content errors never end it.
pub fn serve(root: Option<&Path>, opts: &crate::serve::ServeOptions, err: &mut dyn Write) -> u8 {
    let root = match source::find_root(root) {
        Ok(r) => r,
        Err(e) => return fail(err, e),
    };
    match crate::serve::run(&root, opts) {
        Ok(()) => exit::OK,
        Err(e) => fail(err, e),
    }
}
