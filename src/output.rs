//! Output: writes the site into a fresh folder and swaps it in only when everything succeeded,
//! so a failed build never damages what was published before.

use std::path::{Component, Path, PathBuf};

/// A folder being filled beside the final output folder.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    done: bool,
}

impl Staging {
    /// Starts a new staging folder for `target` (which need not exist yet).
    pub fn new(target: &Path) -> std::io::Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let dir = parent.join(format!(".nianbao-tmp-{name}-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            done: false,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The place of a site path (`a/b/index.html`) inside the staging folder. Refuses paths
    /// that could leave it.
    pub fn path(&self, rel: &str) -> std::io::Result<PathBuf> {
        let p = Path::new(rel);
        if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("不安全的输出路径：{rel}"),
            ));
        }
        Ok(self.dir.join(p))
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
        let path = self.path(rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    /// Copies a file into the site.
    pub fn copy(&self, from: &Path, rel: &str) -> std::io::Result<()> {
        let path = self.path(rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, path).map(|_| ())
    }

    /// Replaces the target with the staging folder.
    pub fn commit(mut self) -> std::io::Result<()> {
        let old = self.dir.with_file_name(format!(
            "{}-old",
            self.dir
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        self.done = true;
        if had_old {
            std::fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
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
    }
}
