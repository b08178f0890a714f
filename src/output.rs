//! Output: writes the site into a fresh folder and swaps it in only when everything succeeded,
//! so a failed build never damages what was published before.
//!
//! In: the output folder and the files of the site. Out: the folder replaced in one step (see
//! [`Staging::commit`]), marked with a [`MANIFEST`] of its top-level entries, so that the next
//! build knows it may replace it ([`check_output`]). Staging folders are named
//! `.nianbao-tmp-<output>-<pid>` beside the output; those of processes that died are removed by
//! the next build ([`remove_orphans`]).

use std::collections::HashSet;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Start of the staging folders' names (beside the output folder).
pub const STAGING_PREFIX: &str = ".nianbao-tmp-";

/// The file marking a folder that a build of nianbao wrote: its top-level entries, one a line
/// (folders end in `/`), sorted. Never linked, never in the sitemap.
pub const MANIFEST: &str = ".nianbao-build";

const MANIFEST_HEAD: &str =
    "# nianbao build：此目录由 nianbao 生成，下次构建时整体替换。以下是它写入的顶层文件和目录。\n";

/// Removes a file, or a folder output (a path ending in `/`) with everything in it.
pub fn remove_path(path: &Path, rel: &str) -> io::Result<()> {
    let result = if rel.ends_with('/') {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match result {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// How [`Staging::commit`] put the new folder in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// There was no output folder: one rename.
    Created,
    /// Exchanged with the old folder in one step (Linux `renameat2(RENAME_EXCHANGE)`, macOS
    /// `renameatx_np(RENAME_SWAP)`).
    Exchanged,
    /// Two renames (old folder aside, new one in): where the exchange is not supported.
    Renamed,
}

/// A folder being filled beside the final output folder.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    done: bool,
    /// Folders made so far (relative): the folder is fresh and only this build writes in it, so
    /// each is made once instead of once per file (`create_dir_all` costs two system calls for
    /// a folder that exists: a third of a build's `mkdir` and `statx` calls).
    made: Mutex<HashSet<String>>,
}

impl Staging {
    /// Starts a new staging folder for `target` (which need not exist yet), after removing the
    /// staging folders of builds of `target` that died.
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!("{STAGING_PREFIX}{name}-");
        remove_orphans(parent, &prefix);
        let dir = parent.join(format!("{prefix}{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            done: false,
            made: Mutex::default(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The place of a site path (`a/b/index.html`) inside the staging folder. Refuses paths
    /// that could leave it.
    pub fn path(&self, rel: &str) -> io::Result<PathBuf> {
        Ok(self.dir.join(safe_rel(rel)?))
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> io::Result<()> {
        let path = self.path(rel)?;
        self.make_parent(rel, &path)?;
        std::fs::write(path, bytes)
    }

    /// Makes the folder of `path` (the place of `rel`) unless this build made it already.
    fn make_parent(&self, rel: &str, path: &Path) -> io::Result<()> {
        let (Some(folder), Some(parent)) = (rel.rsplit_once('/').map(|(f, _)| f), path.parent())
        else {
            return Ok(());
        };
        let made = || self.made.lock().unwrap_or_else(PoisonError::into_inner);
        if !made().contains(folder) {
            std::fs::create_dir_all(parent)?;
            made().insert(folder.to_string());
        }
        Ok(())
    }

    /// Removes a file or a folder (a path ending in `/`) of the site; forgets the folders made.
    pub fn remove(&self, rel: &str) -> io::Result<()> {
        self.made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        remove_path(&self.path(rel)?, rel)
    }

    /// Copies a file into the site: its bytes only. The copy gets an ordinary mode (0644, or 0755
    /// for an executable, less the umask), never the source's setuid bits or write access for
    /// everyone.
    pub fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        let path = self.path(rel)?;
        self.make_parent(rel, &path)?;
        let mut src = std::fs::File::open(from)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            let exec = src.metadata()?.permissions().mode() & 0o100 != 0;
            options.mode(if exec { 0o755 } else { 0o644 });
        }
        let mut dst = options.open(&path)?;
        io::copy(&mut src, &mut dst).map(|_| ())
    }

    /// Marks the folder with the [`MANIFEST`], then puts it in the place of the target in one
    /// step where the system can (see [`Swap`]). Once the new folder is in place the old one is
    /// removed; if that fails, the next build removes it.
    pub fn commit(mut self) -> io::Result<Swap> {
        write_manifest(&self.dir)?;
        let swap = swap_in(&self.dir, &self.target, true)?;
        self.done = true;
        match swap {
            // The staging name now holds the old output.
            Swap::Exchanged => {
                let _ = std::fs::remove_dir_all(&self.dir);
            }
            Swap::Renamed => {
                let _ = std::fs::remove_dir_all(old_name(&self.dir));
            }
            Swap::Created => {}
        }
        Ok(swap)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A site path (`a/b/index.html`) as a relative path that cannot leave its folder.
pub fn safe_rel(rel: &str) -> io::Result<&Path> {
    let p = Path::new(rel);
    if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("不安全的输出路径：{rel}"),
        ));
    }
    Ok(p)
}

/// Where the fallback swap puts the old output for a moment: `<staging>-old`.
fn old_name(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push("-old");
    dir.with_file_name(name)
}

/// Writes the manifest: the folder's top-level entries, sorted (the same input gives the same
/// bytes).
fn write_manifest(dir: &Path) -> io::Result<()> {
    let mut names: Vec<String> = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name == MANIFEST {
            continue;
        }
        let slash = if e.file_type()?.is_dir() { "/" } else { "" };
        names.push(format!("{name}{slash}\n"));
    }
    names.sort();
    let mut text = String::from(MANIFEST_HEAD);
    text.extend(names);
    std::fs::write(dir.join(MANIFEST), text)
}

/// Puts `dir` in the place of `target`. With `exchange`, one atomic exchange where the system
/// has it; otherwise, or where it fails as unsupported, two renames: `target` aside to
/// [`old_name`], `dir` in (moved back if that fails).
fn swap_in(dir: &Path, target: &Path, exchange: bool) -> io::Result<Swap> {
    if std::fs::symlink_metadata(target).is_err() {
        return std::fs::rename(dir, target).map(|()| Swap::Created);
    }
    if exchange && exchange_paths(dir, target)? {
        return Ok(Swap::Exchanged);
    }
    let old = old_name(dir);
    std::fs::rename(target, &old)?;
    if let Err(e) = std::fs::rename(dir, target) {
        return match std::fs::rename(&old, target) {
            Ok(()) => Err(e),
            Err(_) => Err(io::Error::new(
                e.kind(),
                format!("{e}；先前的输出已移到 {}", old.display()),
            )),
        };
    }
    Ok(Swap::Renamed)
}

/// Exchanges two paths in one step: `Ok(false)` where the system or the file system cannot.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange_paths(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // No such call (Linux before 3.15), or a file system without it (some network and FUSE
        // file systems): the fallback.
        Err(e) if [Errno::NOSYS, Errno::INVAL, Errno::OPNOTSUPP, Errno::NOTSUP].contains(&e) => {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange_paths(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Whether a process lives: `None` where that cannot be told (not Unix).
pub fn process_alive(pid: u32) -> Option<bool> {
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return Some(false);
        };
        // Signal 0 checks without sending; EPERM means it lives under another user.
        match rustix::process::test_kill_process(pid) {
            Err(rustix::io::Errno::SRCH) => Some(false),
            _ => Some(true),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        None
    }
}

/// Removes the folders in `dir` named `<prefix><pid>` or `<prefix><pid>-<anything>` whose
/// process has died: leftovers of builds and previews that were killed. Only folders (never a
/// link) of this user are touched, and nothing where it cannot be told whether a process lives.
pub fn remove_orphans(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
            continue;
        };
        let digits = rest.split('-').next().unwrap_or_default();
        let Ok(pid) = digits.parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) != Some(false) {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(e.path()) else {
            continue;
        };
        if meta.is_dir() && owned_by_me(&meta) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(unix)]
fn owned_by_me(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.uid() == rustix::process::geteuid().as_raw()
}

#[cfg(not(unix))]
fn owned_by_me(_: &std::fs::Metadata) -> bool {
    true
}

/// The output folder is replaced whole: refuses one that is the site or holds it, lies in the
/// site's own folders, is a file, looks like a site, or holds what no nianbao build wrote (this
/// last one, and an output that is a symbolic link, only without `force`). Touches nothing.
pub fn check_output(root: &Path, target: &Path, force: bool) -> Result<(), String> {
    let abs = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|c| c.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        }
    };
    let shown = target.display();
    let root_real = root.canonicalize().unwrap_or_else(|_| abs(root));
    let target_real = target.canonicalize().unwrap_or_else(|_| abs(target));
    if root_real.starts_with(&target_real) {
        return Err(format!("输出目录 {shown} 包含站点本身，不能用作输出目录"));
    }
    for keep in ["content", "themes", "templates", "static"] {
        if target_real.starts_with(root_real.join(keep)) {
            return Err(format!("输出目录 {shown} 不能位于 {keep}/ 中"));
        }
    }
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("无法读取输出目录 {shown}：{e}")),
    };
    if meta.is_symlink() {
        if !target_real.is_dir() {
            return Err(format!("输出路径 {shown} 不是目录，不能用作输出目录"));
        }
        if !force {
            return Err(format!(
                "输出目录 {shown} 是符号链接：构建会用新目录替换链接本身；确认如此时请加 --force"
            ));
        }
    } else if !meta.is_dir() {
        return Err(format!(
            "输出路径 {shown} 是文件，不是目录，不能用作输出目录"
        ));
    }
    for site_file in ["site.toml", "content"] {
        if target.join(site_file).exists() {
            return Err(format!(
                "输出目录 {shown} 中有 {site_file}：它像是一个站点，不能用作输出目录"
            ));
        }
    }
    if force {
        return Ok(());
    }
    let listed: Option<Vec<String>> =
        std::fs::read_to_string(target.join(MANIFEST))
            .ok()
            .map(|t| {
                t.lines()
                    .filter(|l| !l.starts_with('#') && !l.is_empty())
                    .map(|l| l.trim_end_matches('/').to_string())
                    .collect()
            });
    let entries =
        std::fs::read_dir(target).map_err(|e| format!("无法读取输出目录 {shown}：{e}"))?;
    let mut foreign: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != MANIFEST && listed.as_ref().is_none_or(|l| !l.contains(n)))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let count = foreign.len();
    let mut some = foreign.into_iter().take(3).collect::<Vec<_>>().join("、");
    if count > 3 {
        some.push_str(&format!(" 等 {count} 项"));
    }
    let why = if listed.is_some() {
        "有不是 nianbao 生成的内容"
    } else {
        "不是 nianbao 生成的目录（没有 .nianbao-build 标记），其中有"
    };
    Err(format!(
        "输出目录 {shown} {why}：{some}。构建会整体替换这个目录，删除这些内容；确认可以删除时请加 --force"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape() {
        let t = tempfile::tempdir().unwrap();
        let s = Staging::new(&t.path().join("public")).unwrap();
        assert!(s.path("../x").is_err());
        assert!(s.path("/etc/passwd").is_err());
        assert!(s.path("a/../../x").is_err());
        assert!(s.path("a/b/index.html").is_ok());
    }

    #[test]
    fn a_folder_removed_is_made_again_for_the_next_file() {
        let t = tempfile::tempdir().unwrap();
        let s = Staging::new(&t.path().join("public")).unwrap();
        s.write("a/b/one.txt", "1").unwrap();
        s.write("a/b/two.txt", "2").unwrap();
        s.remove("a/").unwrap();
        s.write("a/b/three.txt", "3").unwrap();
        assert!(s.path("a/b/three.txt").unwrap().is_file());
        assert!(!s.path("a/b/one.txt").unwrap().exists());
    }

    #[test]
    fn commit_swaps_and_drop_cleans_up() {
        let t = tempfile::tempdir().unwrap();
        let target = t.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("old.txt"), "old").unwrap();
        {
            let s = Staging::new(&target).unwrap();
            s.write("new.txt", "new").unwrap();
            // dropped without commit: the old output stays
        }
        assert!(target.join("old.txt").exists());
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
        let s = Staging::new(&target).unwrap();
        s.write("a/new.txt", "new").unwrap();
        s.commit().unwrap();
        assert!(!target.join("old.txt").exists());
        assert!(target.join("a/new.txt").exists());
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
        assert_eq!(
            std::fs::read_to_string(target.join(MANIFEST)).unwrap(),
            format!("{MANIFEST_HEAD}a/\n")
        );
    }

    /// The exchange where the system has it; the two renames otherwise, with the same result.
    #[test]
    fn the_swap_is_one_exchange_and_the_target_never_goes_missing() {
        let t = tempfile::tempdir().unwrap();
        let target = t.path().join("public");
        let build = |text: &str| {
            let s = Staging::new(&target).unwrap();
            s.write("index.html", text).unwrap();
            s
        };
        assert_eq!(build("0").commit().unwrap(), Swap::Created);
        // A reader that looks all the time never finds the folder missing.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watcher = {
            let (stop, target) = (stop.clone(), target.clone());
            std::thread::spawn(move || {
                let mut missing = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if std::fs::symlink_metadata(&target).is_err() {
                        missing += 1;
                    }
                }
                missing
            })
        };
        let exchanges = (1..=200)
            .filter(|i| build(&i.to_string()).commit().unwrap() == Swap::Exchanged)
            .count();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let missing = watcher.join().unwrap();
        if cfg!(target_os = "linux") {
            assert_eq!(exchanges, 200, "not exchanged");
            assert_eq!(missing, 0, "the output was missing during a swap");
        }
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "200"
        );

        // The fallback: same outcome, nothing left beside.
        let s = build("fallback");
        let dir = s.dir().to_path_buf();
        write_manifest(&dir).unwrap();
        assert_eq!(swap_in(&dir, &target, false).unwrap(), Swap::Renamed);
        std::fs::remove_dir_all(old_name(&dir)).unwrap();
        drop(s);
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "fallback"
        );
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
    }

    #[test]
    fn orphans_of_dead_processes_are_removed_and_others_kept() {
        let t = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let live = std::process::id();
        let names = [
            format!("x-{dead}"),
            format!("x-{dead}-old"),
            format!("x-{dead}-Ab3xQz"),
            format!("x-{live}"),
            format!("y-{dead}"),
            "x-notapid".to_string(),
        ];
        for n in &names {
            std::fs::create_dir(t.path().join(n)).unwrap();
        }
        // A file and a link of that shape are never removed.
        std::fs::write(t.path().join(format!("x-{dead}-file")), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(t.path().join("y-1"), t.path().join(format!("x-{dead}-l")))
            .unwrap();
        remove_orphans(t.path(), "x-");
        let mut left: Vec<String> = std::fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut want = vec![
            format!("x-{live}"),
            format!("y-{dead}"),
            "x-notapid".to_string(),
            format!("x-{dead}-file"),
        ];
        if cfg!(unix) {
            want.push(format!("x-{dead}-l"));
        }
        want.sort();
        assert_eq!(left, want);
    }

    #[cfg(unix)]
    #[test]
    fn copies_get_ordinary_modes() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let src = t.path().join("src");
        std::fs::create_dir(&src).unwrap();
        for (name, mode) in [("plain", 0o4666), ("tool", 0o6777)] {
            std::fs::write(src.join(name), name).unwrap();
            std::fs::set_permissions(src.join(name), std::fs::Permissions::from_mode(mode))
                .unwrap();
        }
        let s = Staging::new(&t.path().join("public")).unwrap();
        s.copy(&src.join("plain"), "a/plain").unwrap();
        s.copy(&src.join("tool"), "tool").unwrap();
        let mode = |rel: &str| {
            std::fs::metadata(s.path(rel).unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o7777
        };
        assert_eq!(mode("a/plain") & !0o644, 0, "{:o}", mode("a/plain"));
        assert_eq!(mode("tool") & !0o755, 0, "{:o}", mode("tool"));
        assert_ne!(mode("tool") & 0o100, 0, "{:o}", mode("tool"));
        assert_eq!(
            std::fs::read_to_string(s.path("tool").unwrap()).unwrap(),
            "tool"
        );
    }

    #[test]
    fn outputs_that_are_not_a_build_are_refused() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("site.toml"), "").unwrap();
        let out = t.path().join("out");
        // Nothing there yet, or an empty folder: fine.
        check_output(&root, &out, false).unwrap();
        std::fs::create_dir(&out).unwrap();
        check_output(&root, &out, false).unwrap();
        // A file: never, even with --force.
        for force in [false, true] {
            let e = check_output(&root, &root.join("site.toml"), force).unwrap_err();
            assert!(e.contains("是文件"), "{e}");
            let e = check_output(&root, &root, force).unwrap_err();
            assert!(e.contains("包含站点本身"), "{e}");
        }
        // A site: never.
        let other = t.path().join("other");
        std::fs::create_dir_all(other.join("content")).unwrap();
        let e = check_output(&root, &other, true).unwrap_err();
        assert!(e.contains("content"), "{e}");
        // Foreign files: only with --force.
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let e = check_output(&root, &out, false).unwrap_err();
        assert!(e.contains("notes.txt") && e.contains("--force"), "{e}");
        check_output(&root, &out, true).unwrap();
        // A build of ours, and what it lists: fine; anything more: refused.
        let s = Staging::new(&out).unwrap();
        s.write("index.html", "x").unwrap();
        s.commit().unwrap();
        check_output(&root, &out, false).unwrap();
        std::fs::write(out.join("upload.php"), "<?php").unwrap();
        let e = check_output(&root, &out, false).unwrap_err();
        assert!(e.contains("upload.php"), "{e}");
    }
}
