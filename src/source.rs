//! Source: finds and reads the files of a site.
//!
//! In: the site root. Out: the agency folders with their report files, agency files and
//! attachments; file text decoded as UTF-8 (N009 when it is not), BOM and CR removed.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Code, Detail, Diagnostic, Pos};

/// One agency folder under `content/`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgencyDir {
    pub slug: String,
    /// `content/<slug>/_index.md`, relative to the root.
    pub index: Option<String>,
    /// Report files (`*.md` other than `_index.md`), relative to the root, sorted.
    pub reports: Vec<String>,
    /// Other files, relative to the agency folder, copied beside the reports.
    pub attachments: Vec<String>,
    /// Markdown files nested too deep, relative to the root.
    pub misplaced: Vec<String>,
    /// Files left out, with the reason.
    pub ignored: Vec<(String, &'static str)>,
    /// When the folder's list of entries last changed, as it was scanned (serve looks for
    /// folders changed behind the watcher's back by this, not by every file in them).
    pub modified: Option<std::time::SystemTime>,
}

/// What `content/` holds.
#[derive(Debug, Clone, Default)]
pub struct ContentTree {
    pub agencies: Vec<AgencyDir>,
    /// Markdown files directly in `content/`.
    pub misplaced: Vec<String>,
    /// Files directly in `content/` left out, with the reason.
    pub ignored: Vec<(String, &'static str)>,
}

/// Path relative to the root with `/` separators.
pub fn rel(root: &Path, path: &Path) -> String {
    let p = path.strip_prefix(root).unwrap_or(path);
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Editor swap, backup and hidden files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

/// Top-level folders of the built site that no agency may take.
pub const RESERVED_SLUGS: [&str; 6] = ["agencies", "assets", "data", "years", "regions", "search"];

/// What is wrong with an agency folder name (N008, and `new`), if anything.
pub fn slug_problem(slug: &str) -> Option<String> {
    if !is_valid_slug(slug) {
        Some(format!(
            "机关目录名“{slug}”无效：只能使用小写字母、数字和连字符（-），并以字母或数字开头，例如 shequ-ban"
        ))
    } else if RESERVED_SLUGS.contains(&slug) {
        Some(format!(
            "机关目录名“{slug}”与站点自己的页面冲突：{} 是保留名，请换一个目录名",
            RESERVED_SLUGS.join("、")
        ))
    } else {
        None
    }
}

/// Whether an agency slug is valid: `[a-z0-9][a-z0-9-]*`.
pub fn is_valid_slug(slug: &str) -> bool {
    let mut chars = slug.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The one check of where a path leads: its real path (every symbolic link resolved) when that
/// stays inside the site, whose real path is `root_real`.
pub fn inside_site(root_real: &Path, path: &Path) -> Option<PathBuf> {
    path.canonicalize()
        .ok()
        .filter(|real| real.starts_with(root_real))
}

/// A folder of the site (`content`, `static`, `templates`, `themes/<name>`, …) that may be read:
/// `root/rel` when it is a folder inside the site, through symbolic links or not. `None` when it
/// is absent, or a link that leads out of the site ([`scan_top`] warns of those).
pub fn site_dir(root: &Path, rel: &str) -> Option<PathBuf> {
    let path = root.join(rel);
    let root_real = root.canonicalize().ok()?;
    inside_site(&root_real, &path)
        .is_some_and(|real| real.is_dir())
        .then_some(path)
}

/// The folders nianbao reads besides `content/`: `static`, `templates`, `themes` and, in each
/// theme, the theme folder with its `static` and `templates`.
fn read_dirs(root: &Path) -> Vec<String> {
    let mut dirs: Vec<String> = ["static", "templates", "themes"].map(String::from).into();
    if let Ok(themes) = std::fs::read_dir(root.join("themes")) {
        let mut names: Vec<String> = themes
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !is_ignored_name(n))
            .collect();
        names.sort();
        for n in names {
            dirs.extend(["", "/static", "/templates"].map(|sub| format!("themes/{n}{sub}")));
        }
    }
    dirs
}

/// What an entry of `content/` is, once symlinks are judged: `None` when it is left out.
enum Kind {
    File,
    Dir,
}

/// Judges one entry: hidden and editor files, and symlinks (followed only to a file inside the
/// site), are left out with the reason.
/// `t` is the type of the entry itself (a link is not followed).
fn kind_of(
    (name, path, t): (&str, &Path, std::fs::FileType),
    root_real: &Path,
    relpath: &str,
    ignored: &mut Vec<(String, &'static str)>,
) -> Option<Kind> {
    if is_ignored_name(name) {
        ignored.push((relpath.to_string(), "隐藏文件或编辑器的临时、备份文件"));
        return None;
    }
    if t.is_symlink() {
        return match inside_site(root_real, path) {
            Some(real) if real.is_dir() => {
                // Linked folders are not followed.
                ignored.push((relpath.to_string(), "指向文件夹的符号链接"));
                None
            }
            Some(real) => real.is_file().then_some(Kind::File),
            None => {
                ignored.push((relpath.to_string(), "符号链接指向站点之外"));
                None
            }
        };
    }
    if t.is_dir() {
        Some(Kind::Dir)
    } else if t.is_file() {
        Some(Kind::File)
    } else {
        None
    }
}

/// Walks `content/` (a missing folder is an empty site): the top level, then each agency folder
/// as [`scan_agency`] does.
pub fn scan(root: &Path) -> std::io::Result<ContentTree> {
    let mut tree = ContentTree::default();
    let root_real = root.canonicalize()?;
    for slug in scan_top(root, &root_real, &mut tree)? {
        if let Some(dir) = scan_agency_in(root, &root_real, &slug)? {
            tree.agencies.push(dir);
        }
    }
    Ok(tree)
}

/// The top level of `content/`: the agency folder names (sorted); files there go to `misplaced`
/// or `ignored` of `tree`. Also warns of the site's folders that are symbolic links leading out
/// of it: those are not read.
/// `root_real` is the root's real path (`canonicalize`), made once by the caller.
pub fn scan_top(
    root: &Path,
    root_real: &Path,
    tree: &mut ContentTree,
) -> std::io::Result<Vec<String>> {
    let content = root.join("content");
    tree.misplaced.clear();
    tree.ignored.clear();
    for dir in std::iter::once("content".to_string()).chain(read_dirs(root)) {
        let path = root.join(&dir);
        let linked = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink());
        if linked && inside_site(root_real, &path).is_none() {
            tree.ignored
                .push((format!("{dir}/"), "符号链接指向站点之外或不存在，不读取"));
        }
    }
    if site_dir(root, "content").is_none() {
        return Ok(Vec::new());
    }
    // One listing, sorted by name (not walkdir: at depth 1 it lists every agency folder too).
    let mut entries: Vec<(std::ffi::OsString, std::fs::FileType)> = std::fs::read_dir(&content)?
        .map(|e| {
            let e = e?;
            Ok((e.file_name(), e.file_type()?))
        })
        .collect::<std::io::Result<_>>()?;
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut slugs = Vec::new();
    for (file_name, t) in entries {
        let name = file_name.to_string_lossy().into_owned();
        // Most entries are agency folders: nothing more to make for them (a new folder makes
        // serve list the top level again, thousands of entries).
        if t.is_dir() && !is_ignored_name(&name) {
            slugs.push(name);
            continue;
        }
        let path = content.join(&file_name);
        let relpath = rel(root, &path);
        match kind_of((&name, &path, t), root_real, &relpath, &mut tree.ignored) {
            Some(Kind::Dir) => slugs.push(name),
            Some(Kind::File) if name == "_index.md" => {
                // A site-level intro file, as other generators use: not a report.
                tree.ignored
                    .push((relpath, "站点首页不使用 content/_index.md"));
            }
            Some(Kind::File) if name.ends_with(".md") => tree.misplaced.push(relpath),
            Some(Kind::File) => tree.ignored.push((relpath, "content/ 下只放机关目录")),
            None => {}
        }
    }
    Ok(slugs)
}

/// One agency folder, `content/<slug>/` (`None` when it is not a folder, e.g. deleted).
pub fn scan_agency(root: &Path, slug: &str) -> std::io::Result<Option<AgencyDir>> {
    scan_agency_in(root, &root.canonicalize()?, slug)
}

/// [`scan_agency`], with the root's real path made once by the caller (a load scans thousands
/// of folders: `canonicalize` is a system call for each part of the path).
pub fn scan_agency_in(
    root: &Path,
    root_real: &Path,
    slug: &str,
) -> std::io::Result<Option<AgencyDir>> {
    let dir_path = root.join("content").join(slug);
    // A linked agency folder is left out by the top level: never followed here either.
    let modified = match std::fs::symlink_metadata(&dir_path) {
        Ok(m) if m.is_dir() => m.modified().ok(),
        _ => return Ok(None),
    };
    let mut dir = AgencyDir {
        slug: slug.to_string(),
        modified,
        ..Default::default()
    };
    let mut walker = WalkDir::new(&dir_path)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = entry.map_err(std::io::Error::other)?;
        let relpath = rel(root, entry.path());
        let is_dir = entry.file_type().is_dir() && !entry.path_is_symlink();
        let name = entry.file_name().to_string_lossy();
        let kind = kind_of(
            (&name, entry.path(), entry.file_type()),
            root_real,
            &relpath,
            &mut dir.ignored,
        );
        let Some(Kind::File) = kind else {
            if kind.is_none() && is_dir {
                walker.skip_current_dir();
            }
            continue;
        };
        let depth = entry.depth();
        if depth == 1 && name == "_index.md" {
            dir.index = Some(relpath);
        } else if depth == 1 && name.ends_with(".md") {
            dir.reports.push(relpath);
        } else if name.ends_with(".md") {
            dir.misplaced.push(relpath);
        } else {
            dir.attachments.push(rel(&dir_path, entry.path()));
        }
    }
    // An attachment must not take the place of a page the build writes: `index.html` or a
    // report's folder (`2021/…`).
    let years: Vec<&str> = dir
        .reports
        .iter()
        .filter_map(|f| f.rsplit('/').next()?.strip_suffix(".md"))
        .collect();
    let (kept, clashing): (Vec<String>, Vec<String>) = std::mem::take(&mut dir.attachments)
        .into_iter()
        .partition(|a| {
            let first = a.split('/').next().unwrap_or_default();
            first != "index.html" && !years.contains(&first)
        });
    dir.attachments = kept;
    for a in clashing {
        dir.ignored.push((
            format!("content/{}/{a}", dir.slug),
            "与生成的页面同名，不复制",
        ));
    }
    Ok(Some(dir))
}

/// Warns of files left out (content.md: ignored with a warning).
pub fn print_ignored(err: &mut dyn std::io::Write, ignored: &[(String, &'static str)]) {
    for (file, why) in ignored {
        let _ = writeln!(err, "warning: 已忽略 {file}（{why}）");
    }
}

/// Strips a BOM and turns CRLF into LF; lines keep their numbers.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Decodes a file as UTF-8, or says what it is instead (N009).
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    let utf8 = if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: simdutf8 has just validated these very bytes as UTF-8.
        Ok(unsafe { String::from_utf8_unchecked(bytes) })
    } else {
        String::from_utf8(bytes)
    };
    match utf8 {
        // Most files need no change: keep the buffer rather than copy it.
        Ok(text) if !text.starts_with('\u{feff}') && !text.contains('\r') => Ok(text),
        Ok(text) => Ok(normalize(&text).into_owned()),
        Err(e) => {
            let bytes = e.into_bytes();
            let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
            let gb18030 = !utf16
                && encoding_rs::GB18030
                    .decode_without_bom_handling_and_without_replacement(&bytes)
                    .is_some();
            let (what, enc) = match (utf16, gb18030) {
                (true, _) => ("UTF-16 编码", "UTF-16"),
                (_, true) => ("GB18030（GBK）编码", "GB18030"),
                _ => ("无法识别的编码", "<原编码>"),
            };
            // Where the foreign text starts. In a GB18030 file every non-ASCII byte is GB18030,
            // while the first byte UTF-8 refuses may come a character or a line later (GB18030
            // pairs such as 示 = CA BE happen to be valid UTF-8).
            let at = if gb18030 {
                bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0)
            } else {
                std::str::from_utf8(&bytes)
                    .err()
                    .map_or(0, |e| e.valid_up_to())
            };
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let line_start = bytes[..at]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = std::str::from_utf8(&bytes[line_start..at])
                .map_or(0, |s| s.chars().count()) as u32
                + 1;
            // The command goes into the message itself, so that JSON output carries it too.
            let command =
                format!("iconv -f {enc} -t UTF-8 {file} -o {file}.utf8 && mv {file}.utf8 {file}");
            let message =
                format!("文件不是 UTF-8 编码，而是{what}；请转换为 UTF-8 后保存，例如：{command}");
            let mut d = Diagnostic::new(Code::N009, file, Pos::new(line, column, 1), message);
            d.found(what).expected("UTF-8").label("此处起不是 UTF-8");
            Err(Box::new(d))
        }
    }
}

/// Reads and decodes one file of the site.
pub fn read(root: &Path, file: &str) -> std::io::Result<Result<String, Box<Diagnostic>>> {
    let bytes = std::fs::read(root.join(file))?;
    Ok(decode(file, bytes))
}

/// The folder holding `site.toml`: `--root` if given, else the first ancestor of the current
/// folder that has one.
pub fn find_root(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = explicit {
        if dir.join("site.toml").is_file() {
            return Ok(dir.to_path_buf());
        }
        return Err(format!("{} 中没有 site.toml", dir.display()));
    }
    let cwd = std::env::current_dir().map_err(|e| format!("无法读取当前目录：{e}"))?;
    cwd.ancestors()
        .find(|d| d.join("site.toml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("在 {} 及其上级目录中找不到 site.toml", cwd.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("shequ-ban"));
        assert!(is_valid_slug("2nd-office"));
        assert!(!is_valid_slug("-a"));
        assert!(!is_valid_slug("Shequ"));
        assert!(!is_valid_slug("社区办"));
        assert!(!is_valid_slug("a_b"));
        assert!(!is_valid_slug(""));
    }

    #[test]
    fn editor_files_are_ignored() {
        for n in [
            ".2020.md.swp",
            "2020.md~",
            "#2020.md#",
            ".DS_Store",
            "2020.md.swp",
        ] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("2020.md"));
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        assert_eq!(
            decode("f", b"\xef\xbb\xbf---\r\na: 1\r\n".to_vec()).unwrap(),
            "---\na: 1\n"
        );
    }

    #[test]
    fn gb18030_is_named() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("---\nagency: 汤原县\n");
        let d = decode("content/a/2020.md", bytes.into_owned()).unwrap_err();
        assert_eq!(d.code, Code::N009);
        assert_eq!((d.line, d.column), (2, 9));
        assert!(d.message.contains("GB18030"));
        assert!(d
            .message
            .contains("iconv -f GB18030 -t UTF-8 content/a/2020.md"));
    }
}
