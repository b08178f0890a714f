//! Watch: in, the site root; out, batches of changed site files (paths relative to the root, `/`
//! separators), one batch per burst of file-system events. It knows nothing of building or HTTP.
//!
//! notify reports every event as it happens; [`Batch`] gathers them until the files have been
//! quiet for a moment, so that an editor's atomic save (write a temporary file, rename it over the
//! original) or a `git checkout` gives one batch. The wait is short for a single file, the common
//! save, and longer once a batch holds several files, whose writes may pause between files.
//! Watched: `content/`, `themes/`, `templates/`, `static/` (recursively) and the root itself (not
//! recursively, for `site.toml` and for those folders appearing or disappearing). Editor swap and
//! temporary files are left out, and so is everything else at the root, the private build folder
//! included.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{AccessKind, EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::source::is_ignored_name;

/// Folders watched recursively, below the root.
pub const WATCHED_DIRS: &[&str] = &["content", "themes", "templates", "static"];

/// Root-level files watched.
pub const WATCHED_FILES: &[&str] = &["site.toml"];

/// How long a batch of one file waits for more events: an atomic save's events come within
/// microseconds of each other.
pub const QUIET: Duration = Duration::from_millis(10);

/// How long a batch of several files waits for more: a checkout or a script may pause between
/// files, and a burst should still give one rebuild.
pub const BURST_QUIET: Duration = Duration::from_millis(50);

/// What the watcher sends.
#[derive(Debug)]
pub enum Change {
    /// Site files created, changed, renamed or deleted (relative to the root).
    Files(BTreeSet<String>),
    /// The watcher itself failed (e.g. too many watches); the message says why.
    Error(String),
}

/// The files of one burst of events, gathered until they have been quiet for [`Batch::quiet`].
#[derive(Debug, Default)]
pub struct Batch {
    files: BTreeSet<String>,
}

impl Batch {
    pub fn add(&mut self, files: BTreeSet<String>) {
        self.files.extend(files);
    }

    /// How long to wait after the last event before the batch is complete.
    pub fn quiet(&self) -> Duration {
        if self.files.len() > 1 {
            BURST_QUIET
        } else {
            QUIET
        }
    }

    pub fn take(&mut self) -> BTreeSet<String> {
        std::mem::take(&mut self.files)
    }
}

/// A running watcher; dropping it stops it.
pub struct Watcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root`, sending changes to `tx`.
    pub fn start<T: From<Change> + Send + 'static>(
        root: &Path,
        tx: Sender<T>,
    ) -> Result<Watcher, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("无法读取 {}：{e}", root.display()))?;
        let events_root = root.clone();
        let handler = move |result: notify::Result<notify::Event>| {
            let change = match result {
                Ok(event) => {
                    if !is_change(&event.kind) {
                        return;
                    }
                    let files: BTreeSet<String> = event
                        .paths
                        .iter()
                        .filter_map(|p| site_file(&events_root, p))
                        .collect();
                    if files.is_empty() {
                        return;
                    }
                    Change::Files(files)
                }
                Err(e) => Change::Error(e.to_string()),
            };
            let _ = tx.send(T::from(change));
        };
        let watcher =
            notify::recommended_watcher(handler).map_err(|e| format!("无法监视文件变化：{e}"))?;
        let mut w = Watcher {
            root,
            watcher,
            watched: BTreeSet::new(),
        };
        w.watcher
            .watch(&w.root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("无法监视 {}：{e}", w.root.display()))?;
        w.refresh()?;
        Ok(w)
    }

    /// Follows the watched folders appearing and disappearing; call after each batch.
    pub fn refresh(&mut self) -> Result<(), String> {
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            let exists = dir.is_dir();
            let watched = self.watched.contains(&dir);
            if exists && !watched {
                self.watcher
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| format!("无法监视 {}：{e}", dir.display()))?;
                self.watched.insert(dir);
            } else if !exists && watched {
                let _ = self.watcher.unwatch(&dir);
                self.watched.remove(&dir);
            }
        }
        Ok(())
    }
}

/// Whether an event can change what a build reads: not reads (the build's own opening of files),
/// nor access-time updates.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(notify::event::AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// The site-relative path of an event's file, if it is one the build reads: below a watched
/// folder or a watched root file, with no part named like an editor's swap or temporary file.
pub fn site_file(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let first = parts.first()?;
    let watched = if parts.len() == 1 {
        WATCHED_FILES.contains(&first.as_str()) || WATCHED_DIRS.contains(&first.as_str())
    } else {
        WATCHED_DIRS.contains(&first.as_str())
    };
    if !watched || parts.iter().any(|p| is_ignored_name(p)) {
        return None;
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_of_several_files_waits_longer() {
        let files = |f: &[&str]| f.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        let mut b = Batch::default();
        assert_eq!(b.quiet(), QUIET);
        b.add(files(&["content/a/2020.md"]));
        // The same file again (an atomic save reports it more than once): still one file.
        b.add(files(&["content/a/2020.md"]));
        assert_eq!(b.quiet(), QUIET);
        b.add(files(&["content/a/2021.md"]));
        assert_eq!(b.quiet(), BURST_QUIET);
        assert_eq!(b.take().len(), 2);
        assert_eq!(b.quiet(), QUIET);
    }

    #[test]
    fn only_site_files_count() {
        let root = Path::new("/s");
        let f = |p: &str| site_file(root, Path::new(p));
        assert_eq!(
            f("/s/content/a/2020.md").as_deref(),
            Some("content/a/2020.md")
        );
        assert_eq!(f("/s/site.toml").as_deref(), Some("site.toml"));
        assert_eq!(f("/s/templates").as_deref(), Some("templates"));
        assert_eq!(
            f("/s/themes/default/templates/base.html").as_deref(),
            Some("themes/default/templates/base.html")
        );
        for p in [
            "/s/content/a/.2020.md.swp",
            "/s/content/a/2020.md~",
            "/s/content/a/#2020.md#",
            "/s/content/a/4913",
            "/s/content/a/2020.md.tmp",
            "/s/content/.git/x",
            "/s/.nianbao-serve-1/index.html",
            "/s/public/index.html",
            "/s/README.md",
            "/elsewhere/content/a/2020.md",
        ] {
            assert_eq!(f(p), None, "{p}");
        }
    }
}
