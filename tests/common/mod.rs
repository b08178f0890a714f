//! Helpers shared by the test binaries (and the serve bench): fixture sites copied into a temp dir, edits to
//! their files, runs of the binary, and positions of text in a file.
#![allow(dead_code)] // each test binary uses its own share

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The valid base site: `content/demo-ju/2020.md` (2019 edition), `2021.md` (2021 edition).
pub const BASE: &str = "valid";
pub const R2020: &str = "content/demo-ju/2020.md";
pub const R2021: &str = "content/demo-ju/2021.md";
pub const INDEX: &str = "content/demo-ju/_index.md";

/// Copies a folder and everything below it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the sample site (site.toml, content/, themes/) in a fresh temp dir.
pub fn sample_site() -> TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo.join("site.toml"), dir.path().join("site.toml")).unwrap();
    copy_dir(&repo.join("content"), &dir.path().join("content"));
    copy_dir(&repo.join("themes"), &dir.path().join("themes"));
    dir
}

/// A copy of a fixture site in a fresh temp dir.
pub fn site(name: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

pub fn read(root: &Path, file: &str) -> String {
    std::fs::read_to_string(root.join(file)).unwrap()
}

pub fn write(root: &Path, file: &str, text: impl AsRef<[u8]>) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Rewrites a file in GB18030, as Windows editors in China save it.
pub fn to_gb18030(root: &Path, file: &str) {
    let text = read(root, file);
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    write(root, file, bytes);
}

/// Replaces the one occurrence of `from` in a file (panics when there is not exactly one, so a
/// mutation never silently misses).
pub fn replace(root: &Path, file: &str, from: &str, to: &str) {
    let text = read(root, file);
    assert_eq!(
        text.matches(from).count(),
        1,
        "{file}: {from:?} should occur once"
    );
    write(root, file, text.replacen(from, to, 1));
}

/// 1-based line of the first line containing `line_has`, and the 1-based column (in characters)
/// of `col_of` in it (`col_of` empty: column 1).
pub fn position(root: &Path, file: &str, line_has: &str, col_of: &str) -> (u64, u64) {
    let text = read(root, file);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(line_has))
        .unwrap_or_else(|| panic!("{file}: no line contains {line_has:?}"));
    let col = if col_of.is_empty() {
        0
    } else {
        let at = line
            .find(col_of)
            .unwrap_or_else(|| panic!("{line:?} has no {col_of:?}"));
        line[..at].chars().count()
    };
    (i as u64 + 1, col as u64 + 1)
}

/// The binary, without colour whatever the environment says.
pub fn nianbao() -> Command {
    let mut cmd = Command::cargo_bin("nianbao").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `nianbao --root ROOT check --format json ARGS…`: the exit code and the diagnostics.
pub fn check_json(root: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let r = run(nianbao()
        .arg("--root")
        .arg(root)
        .args(["check", "--format", "json"])
        .args(args));
    let diags: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr));
    (r.code, diags.as_array().expect("a JSON array").clone())
}

/// `code file:line:column` of each diagnostic, for assertion messages.
pub fn brief(diags: &[Value]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{} {}",
                d["code"].as_str().unwrap_or("?"),
                d["file"],
                d["line"],
                d["column"],
                d["message"]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The codes of the diagnostics, in output order.
pub fn codes(diags: &[Value]) -> Vec<&str> {
    diags.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

/// Every file below `dir`, by relative path with `/` separators.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The search records a site's index finds for a query, best first, as the page's script would.
pub fn search(site: &Path, q: &str) -> Vec<String> {
    let files: Vec<(String, Vec<u8>)> = tree(&site.join(nianbao::search::INDEX_DIR))
        .into_iter()
        .collect();
    nianbao::search::query(&files, q)
}
