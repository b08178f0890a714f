//! The commands behind the binary: each returns the process exit code (0 ok, 1 invalid content,
//! 2 usage or tool failure) and writes to the given streams.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{self, Diagnostic, HumanRenderer};
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

/// Prints diagnostics in the chosen format.
pub fn print_diagnostics(out: &mut dyn Write, root: &Path, diags: &[Diagnostic], color: bool) {
    let mut r = HumanRenderer::new(root, color);
    for d in diags {
        let _ = out.write_all(r.render(d).as_bytes());
    }
}

/// Warns of files left out (content.md: ignored with a warning).
pub fn print_ignored(err: &mut dyn Write, ignored: &[(String, &'static str)]) {
    for (file, why) in ignored {
        let _ = writeln!(err, "warning: 已忽略 {file}（{why}）");
    }
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
    // Nothing is rendered: each batch of reports is cut down to its index data once checked.
    let mut keep_little =
        |_: &[crate::report::Report],
         _: &std::collections::BTreeMap<String, crate::report::Agency>| Ok(());
    let site = match site::load_with(
        &root,
        LoadOptions {
            strict,
            ..Default::default()
        },
        Some(&mut keep_little),
    ) {
        Ok(s) => s,
        Err(e) => return fail(err, e),
    };
    let selected = |file: &str| {
        only.is_empty()
            || only
                .iter()
                .any(|p| p.is_empty() || file == p || file.starts_with(&format!("{p}/")))
    };
    let diags: Vec<Diagnostic> = site
        .diagnostics
        .iter()
        .filter(|d| selected(&d.file))
        .cloned()
        .collect();
    print_ignored(err, &site.ignored);
    match format {
        OutputFormat::Json => {
            let _ = out.write_all(diagnostic::to_json(&diags).as_bytes());
        }
        OutputFormat::Human => {
            print_diagnostics(out, &root, &diags, color);
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
            let _ = writeln!(out, "{}", diagnostic::summary(files, &diags));
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
            exit::OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            fail(err, format!("{rel} 已存在，不会覆盖"))
        }
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
    let (stats, site) = match crate::build::load_and_build(&root, LoadOptions::default(), &opts) {
        Ok(crate::build::Outcome::Built(stats, site)) => (stats, site),
        Ok(crate::build::Outcome::Invalid(site)) => {
            print_ignored(err, &site.ignored);
            print_diagnostics(err, &root, &site.diagnostics, color);
            let (errors, warnings) = diagnostic::counts(&site.diagnostics);
            let _ = writeln!(
                err,
                "构建已取消：{errors} 个错误，{warnings} 个警告；先前的输出保持不变"
            );
            return exit::INVALID;
        }
        Err(e) => return fail(err, format!("{e}；先前的输出保持不变")),
    };
    print_ignored(err, &site.ignored);
    print_diagnostics(err, &root, &site.diagnostics, color);
    let base_url = opts.base_url.as_deref().unwrap_or(&site.config.base_url);
    if !base_url.contains("://") {
        // Pages work with a bare path; the sitemap and the feed need whole addresses.
        let _ = writeln!(
            err,
            "warning: base_url（{base_url}）不是完整网址：sitemap.xml、atom.xml 和 robots.txt 中的地址需要 https://… 形式，请在 site.toml 中设置 base_url 或使用 --base-url"
        );
    }
    let shown = stats
        .output
        .strip_prefix(&root)
        .unwrap_or(&stats.output)
        .display()
        .to_string();
    let _ = writeln!(
        out,
        "已生成 {} 个页面（{} 份报告）到 {shown}，{} 个警告，用时 {:.2} 秒",
        stats.pages,
        stats.reports,
        site.diagnostics.len(),
        started.elapsed().as_secs_f64()
    );
    // The process ends next: freeing every report one by one would only cost time.
    std::mem::forget(site);
    exit::OK
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
