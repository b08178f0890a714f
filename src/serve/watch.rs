//! Watch: in, the site root; out, batches of changed site files (paths relative to the root, `/`
//! separators), one batch per burst of file-system events. It knows nothing of building or HTTP.
//!
//! notify's full debouncer reports a file once its events have been quiet for [`DEBOUNCE`],
//! checking every [`TICK`], and pairs a rename's two halves, so that an editor's atomic save
//! (write a temporary file, rename it over the original) is one change of the original, reported
//! 10 to 12 ms after it lands. The timeout is per file: a `git checkout` or a script comes out over
//! several ticks, and the serve loop gathers them with [`wait_for_more`] into one rebuild.
//! Watched: `content/`, `themes/`, `templates/`, `static/` (recursively) and the root itself (not
//! recursively, for `site.toml` and for those folders appearing or disappearing). Editor swap and
//! temporary files are left out, and so is everything else at the root, the private build folder
//! included.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{AccessKind, EventKind, MetadataKind, ModifyKind};
use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use crate::source::is_ignored_name;

/// Folders watched recursively, below the root.
pub const WATCHED_DIRS: &[&str] = &["content", "themes", "templates", "static"];

/// Root-level files watched.
pub const WATCHED_FILES: &[&str] = &["site.toml"];

/// How long a file's events must be quiet before the debouncer reports it: an atomic save's
/// events come within microseconds of each other, and every millisecond here is a millisecond
/// before the page is served.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// How often the debouncer looks for files that have become quiet: a file is reported up to one
/// tick after its [`DEBOUNCE`].
pub const TICK: Duration = Duration::from_millis(2);

/// How long a batch of one file waits for the next: a burst whose first file fell due a tick
/// before the others would otherwise be built in two goes. Two ticks and a margin, because the
/// debouncer's thread wakes late on a busy machine (one tick was not enough: 2 bursts in 40 split).
pub const ONE_FILE_WAIT: Duration = Duration::from_millis(5);

/// How long a batch of several files waits for the next: a checkout or a script may pause between
/// files, and a burst should still give one rebuild.
pub const BURST_WAIT: Duration = Duration::from_millis(50);

/// How long the serve loop waits for another batch once it holds `files` changed files, before it
/// rebuilds. A single file is the common save and is built almost at once; several files mean a
/// burst, whose files the debouncer reports as each falls quiet.
pub fn wait_for_more(files: usize) -> Duration {
    if files > 1 {
        BURST_WAIT
    } else {
        ONE_FILE_WAIT
    }
}

/// How many changes a set of changed paths counts for [`wait_for_more`]: a folder that holds
/// another changed path is not one more (a report saved into a new folder is one save).
pub fn saves(changed: &BTreeSet<String>) -> usize {
    changed
        .iter()
        .filter(|p| {
            let inside = format!("{p}/");
            !changed
                .range(inside.clone()..)
                .next()
                .is_some_and(|n| n.starts_with(&inside))
        })
        .count()
}

/// What the watcher sends.
#[derive(Debug)]
pub enum Change {
    /// Site files created, changed, renamed or deleted (relative to the root).
    Files(BTreeSet<String>),
    /// The watcher itself failed (e.g. too many watches); the message says why.
    Error(String),
}

/// A running watcher; dropping it stops it.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
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
        let handler = move |result: DebounceEventResult| {
            let change = match result {
                Ok(events) => {
                    let files: BTreeSet<String> = events
                        .iter()
                        .filter(|e| is_change(&e.event.kind))
                        .flat_map(|e| e.event.paths.iter())
                        .filter_map(|p| site_file(&events_root, p))
                        .collect();
                    if files.is_empty() {
                        return;
                    }
                    Change::Files(files)
                }
                Err(errors) => Change::Error(
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("；"),
                ),
            };
            let _ = tx.send(T::from(change));
        };
        let debouncer = new_debouncer(DEBOUNCE, Some(TICK), handler)
            .map_err(|e| format!("无法监视文件变化：{e}"))?;
        let mut w = Watcher {
            root,
            debouncer,
            watched: BTreeSet::new(),
        };
        w.debouncer
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
                self.debouncer
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| format!("无法监视 {}：{e}", dir.display()))?;
                self.watched.insert(dir);
            } else if !exists && watched {
                let _ = self.debouncer.unwatch(&dir);
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
    fn a_burst_waits_longer_than_a_single_save() {
        assert!(wait_for_more(1) > TICK);
        assert!(DEBOUNCE + wait_for_more(1) < BURST_WAIT);
        assert_eq!(wait_for_more(2), BURST_WAIT);
        assert_eq!(wait_for_more(10), BURST_WAIT);
    }

    #[test]
    fn a_new_folder_with_its_report_is_one_save() {
        let set = |ps: &[&str]| ps.iter().map(|p| p.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(saves(&set(&["content/a", "content/a/2024.md"])), 1);
        // `content/a-b` sorts between `content/a` and `content/a/…`.
        assert_eq!(
            saves(&set(&["content/a", "content/a-b", "content/a/2024.md"])),
            2
        );
        assert_eq!(saves(&set(&["content/a", "content/ab/2024.md"])), 2);
        assert_eq!(saves(&set(&["content/a/2023.md", "content/a/2024.md"])), 2);
        assert_eq!(saves(&set(&[])), 0);
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
