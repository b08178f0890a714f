//! `nianbao import FILE|FOLDER…` and `nianbao check DOCUMENT…`.
//!
//! In: paths, options, a site (when there is one). Out: report files written (or printed with
//! `--dry-run`), the name → slug mapping, the notes and the diagnostics of every report, a
//! summary line, and the exit code of import.md.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::slug::Names;
use super::{convert, describe, kind_of, read, Imported, Loc, Options};
use crate::cli::{exit, OutputFormat};
use crate::diagnostic::{self, Diagnostic};
use crate::site::{self, Inputs, LoadOptions};
use crate::source;

/// Every document a list of paths names: files as given, folders walked (sorted). Paths that
/// are neither are kept, to be reported as unreadable.
fn documents(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .filter(|e| !source::is_ignored_name(&e.file_name().to_string_lossy()))
                .map(|e| e.into_path())
                .filter(|p| kind_of(p).is_some())
                .collect();
            out.append(&mut found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// One document that became a report (in memory).
struct Done {
    /// The document as the user named it.
    doc: String,
    /// `content/<slug>/<year>.md`
    file: String,
    slug: String,
    imported: Imported,
    /// The document's text (HTML, text), for showing the lines diagnostics point at.
    source: Option<String>,
}

/// Reads and converts one document. The error is the reason it gives no report.
fn import_one(path: &Path, opts: &Options) -> Result<(Imported, Option<String>), String> {
    let doc = read(path)?;
    let source = match doc.kind {
        super::Kind::Word => None,
        k => std::fs::read(path)
            .ok()
            .and_then(|b| super::source_text(k, &b)),
    };
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    convert(&doc, &name, opts).map(|i| (i, source))
}

/// Checks the reports of `done` as if they stood in the site in place of any file of the same
/// path: the single-report rules, and the cross-report rules against the site's other reports.
/// An agency the site does not know is checked as a new one. Without a site, each on its own.
fn check_in_site(inputs: Option<Inputs>, done: &[Done], strict: bool) -> Vec<Vec<Diagnostic>> {
    match inputs {
        Some(mut inputs) => {
            for d in done {
                inputs.stand_in(&d.slug, &d.file, &d.imported.written.text);
            }
            let site = inputs.assemble();
            done.iter()
                .map(|d| {
                    site.diagnostics
                        .iter()
                        .filter(|x| x.file == d.file)
                        .cloned()
                        .collect()
                })
                .collect()
        }
        None => {
            let opts = LoadOptions {
                strict,
                ..Default::default()
            };
            done.iter()
                .map(|d| {
                    let mut diags =
                        site::check_report_text(&d.slug, &d.file, &d.imported.written.text, opts)
                            .diags;
                    if strict {
                        diagnostic::make_strict(&mut diags);
                    }
                    diagnostic::sort(&mut diags);
                    diags
                })
                .collect()
        }
    }
}

/// A diagnostic of a report file, moved to the document it came from.
fn to_document(d: &Diagnostic, done: &Done) -> Diagnostic {
    let loc = done.imported.locate(d.line, d.column);
    let place = describe(loc, &done.imported.figures);
    let mut out = d.clone();
    out.file = done.doc.clone();
    out.message = format!("{}（{place}）", d.message);
    let (line, column) = match loc {
        Loc::Line(n) => (n, 1),
        // Word has no lines: the message names the cell or paragraph.
        Loc::Para(_) | Loc::Cell { .. } => (0, 0),
        Loc::None => match done.imported.kind {
            super::Kind::Word => (0, 0),
            _ => (1, 1),
        },
    };
    out.line = line;
    out.column = column;
    out.width = 0;
    // The document's own line, where it has lines.
    out.source = (line > 0)
        .then(|| done.source.as_deref()?.lines().nth(line as usize - 1))
        .flatten()
        .map(str::to_string);
    out
}

/// Loads the site for the cross-report rules.
fn load(root: &Path, strict: bool) -> Result<Inputs, String> {
    let opts = LoadOptions {
        strict,
        ..Default::default()
    };
    Inputs::load(root, opts, false, None).map_err(|e| e.to_string())
}

/// `nianbao import`.
#[allow(clippy::too_many_arguments)]
pub fn import(
    root: Option<&Path>,
    opts: &Options,
    force: bool,
    dry_run: bool,
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
    color: bool,
) -> u8 {
    let root = match source::find_root(root) {
        Ok(r) => r,
        Err(e) => return fail(err, e),
    };
    if paths.is_empty() {
        return fail(err, "请给出要导入的文件或文件夹");
    }
    let docs = documents(paths);
    if opts.slug.is_some() && docs.len() != 1 {
        return fail(err, "--slug 只能用于单个文件");
    }
    if let Some(problem) = opts.slug.as_deref().and_then(source::slug_problem) {
        return fail(err, problem);
    }
    let inputs = match load(&root, false) {
        Ok(s) => s,
        Err(e) => return fail(err, e),
    };
    let mut names = Names::of_site(&inputs.assemble());
    if let Ok(dirs) = std::fs::read_dir(root.join("content")) {
        for d in dirs.flatten() {
            names.take(&d.file_name().to_string_lossy());
        }
    }
    let mut done: Vec<Done> = Vec::new();
    let mut unreadable = 0usize;
    let mut new_agencies: BTreeMap<String, String> = BTreeMap::new();
    let mut shown: BTreeSet<String> = BTreeSet::new();
    for path in &docs {
        let shown_path = path.display().to_string();
        let (imported, source) = match import_one(path, opts) {
            Ok(x) => x,
            Err(e) => {
                let _ = writeln!(err, "错误：{shown_path}：{e}");
                unreadable += 1;
                continue;
            }
        };
        let (slug, new) = match &opts.slug {
            Some(s) => (s.clone(), !root.join("content").join(s).is_dir()),
            None => names.resolve(&imported.agency),
        };
        if shown.insert(imported.agency.clone()) {
            let _ = writeln!(
                out,
                "{} → {slug}{}",
                imported.agency,
                if new { "（新机关）" } else { "" }
            );
        }
        if new {
            new_agencies.insert(slug.clone(), imported.agency.clone());
        }
        let file = format!("content/{slug}/{}.md", imported.year);
        if done.iter().any(|d| d.file == file) {
            let _ = writeln!(
                err,
                "错误：{shown_path}：与本次导入的另一份文件同为 {file}，未导入"
            );
            unreadable += 1;
            continue;
        }
        if !force && root.join(&file).exists() {
            let _ = writeln!(
                err,
                "错误：{shown_path}：{file} 已存在，不会覆盖（要覆盖请加 --force）"
            );
            unreadable += 1;
            continue;
        }
        done.push(Done {
            doc: shown_path,
            file,
            slug,
            imported,
            source,
        });
    }

    let checked = check_in_site(Some(inputs), &done, false);
    let mut with_errors = 0usize;
    let mut written_sources: Vec<(String, String)> = Vec::new();
    for (d, diags) in done.iter().zip(&checked) {
        if dry_run {
            let _ = writeln!(out, "=== {}（未写入）", d.file);
            let _ = out.write_all(d.imported.written.text.as_bytes());
        } else {
            let path = root.join(&d.file);
            let index = root.join("content").join(&d.slug).join("_index.md");
            let wrote = std::fs::create_dir_all(path.parent().unwrap_or(&root))
                .and_then(|_| match new_agencies.get(&d.slug) {
                    Some(name) if !index.exists() => std::fs::write(
                        &index,
                        format!(
                            "---\nname: {}\n---\n",
                            serde_json::to_string(name).unwrap_or_default()
                        ),
                    ),
                    _ => Ok(()),
                })
                .and_then(|_| std::fs::write(&path, &d.imported.written.text));
            if let Err(e) = wrote {
                let _ = writeln!(err, "错误：无法写入 {}：{e}", d.file);
                unreadable += 1;
                continue;
            }
        }
        let _ = writeln!(
            out,
            "{} {} → {}（{} 版格式）",
            if dry_run { "将导入" } else { "已导入" },
            d.doc,
            d.file,
            d.imported.format.id
        );
        for n in &d.imported.notes[1..] {
            let _ = writeln!(out, "  {n}");
        }
        if diags.iter().any(Diagnostic::is_error) {
            with_errors += 1;
        }
        written_sources.push((d.file.clone(), d.imported.written.text.clone()));
    }
    let all: Vec<Diagnostic> = checked.into_iter().flatten().collect();
    diagnostic::print(out, &all, color);
    let imported = written_sources.len();
    let _ = writeln!(
        out,
        "导入完成：已导入 {imported} 份（其中 {with_errors} 份有错误），{unreadable} 份无法导入"
    );
    if unreadable > 0 {
        exit::USAGE
    } else if with_errors > 0 {
        exit::INVALID
    } else {
        exit::OK
    }
}

/// `nianbao check` given documents (and perhaps report files too): the documents are imported
/// in memory and checked in place of `content/<slug>/<year>.md`; nothing is written.
#[allow(clippy::too_many_arguments)]
pub fn check(
    root: Option<&Path>,
    strict: bool,
    format: OutputFormat,
    opts: &Options,
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
    color: bool,
) -> u8 {
    // Without a site the documents are checked on their own.
    let root = source::find_root(root).ok();
    let inputs = match &root {
        Some(r) => match load(r, strict) {
            Ok(s) => Some(s),
            Err(e) => return fail(err, e),
        },
        None => None,
    };
    let site = inputs.as_ref().map(Inputs::assemble);
    let (docs, others): (Vec<PathBuf>, Vec<PathBuf>) = paths.iter().cloned().partition(|p| {
        kind_of(p).is_some()
            || p.is_dir()
                && documents(std::slice::from_ref(p))
                    .iter()
                    .any(|d| kind_of(d).is_some())
    });
    let docs = documents(&docs);
    if opts.slug.is_some() && docs.len() != 1 {
        return fail(err, "--slug 只能用于单个文件");
    }
    let mut names = site.as_ref().map(Names::of_site).unwrap_or_default();
    let mut done: Vec<Done> = Vec::new();
    let mut failed = false;
    for path in &docs {
        match import_one(path, opts) {
            Ok((imported, source)) => {
                let slug = opts
                    .slug
                    .clone()
                    .unwrap_or_else(|| names.resolve(&imported.agency).0);
                done.push(Done {
                    doc: path.display().to_string(),
                    file: format!("content/{slug}/{}.md", imported.year),
                    slug,
                    imported,
                    source,
                });
            }
            Err(e) => {
                let _ = writeln!(err, "错误：{}：{e}", path.display());
                failed = true;
            }
        }
    }
    let checked = check_in_site(inputs, &done, strict);
    let mut diags: Vec<Diagnostic> = Vec::new();
    for (d, ds) in done.iter().zip(&checked) {
        diags.extend(ds.iter().map(|x| to_document(x, d)));
    }
    // Report files named beside the documents: their diagnostics as `check PATH` gives them.
    let mut files = done.len();
    if let (Some(site), Some(root)) = (&site, &root) {
        let prefixes: Vec<String> = others
            .iter()
            .filter_map(|p| {
                let abs = p
                    .canonicalize()
                    .or_else(|_| root.join(p).canonicalize())
                    .ok()?;
                let rel = abs.strip_prefix(root.canonicalize().ok()?).ok()?;
                Some(source::rel(Path::new(""), rel))
            })
            .collect();
        let selected = |f: &str| {
            prefixes
                .iter()
                .any(|p| p.is_empty() || f == p || f.starts_with(&format!("{p}/")))
        };
        diags.extend(
            site.diagnostics
                .iter()
                .filter(|d| selected(&d.file))
                .cloned(),
        );
        files += site.reports.iter().filter(|r| selected(&r.file)).count();
    }
    match format {
        OutputFormat::Json => {
            let _ = out.write_all(diagnostic::to_json(&diags).as_bytes());
        }
        // The supervising office's page is of a site: a document gets the human output.
        OutputFormat::Human | OutputFormat::Html => {
            diagnostic::print(out, &diags, color);
            let _ = writeln!(out, "{}", diagnostic::summary(files, &diags));
        }
    }
    if failed {
        exit::USAGE
    } else if diags.iter().any(Diagnostic::is_error) {
        exit::INVALID
    } else {
        exit::OK
    }
}

fn fail(err: &mut dyn Write, msg: impl std::fmt::Display) -> u8 {
    let _ = writeln!(err, "错误：{msg}");
    exit::USAGE
}
