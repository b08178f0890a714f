//! Watch: in, the site root; out, batches of changed site files (paths relative to the root, `/`
//! separators), one batch per burst of file-system events. It knows nothing of building or HTTP.
//!
//! notify reports each file-system event as it happens; a thread here gathers them until the
//! watched folders have been quiet for [`QUIET`] and sends what changed as one batch, so that an
//! editor's atomic save (write a temporary file, rename it over the original: events microseconds
//! apart) is one change of the original, reported [`QUIET`] after it lands. A `git checkout` or
//! a script that pauses between files comes as several batches, which the serve loop gathers
//! with [`wait_for_more`] into one rebuild. While nothing changes the thread sleeps (no timer
//! ticking on an idle preview).
//! Watched: `content/`, `themes/`, `templates/`, `static/` (recursively) and the root itself (not
//! recursively, for `site.toml` and for those folders appearing or disappearing). Editor swap and
//! temporary files are left out, and so is everything else at the root, the private build folder
//! included.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, EventKind, MetadataKind, ModifyKind};
use notify::{RecursiveMode, Watcher as _};

use crate::source::is_ignored_name;

/// Folders watched recursively, below the root.
pub const WATCHED_DIRS: &[&str] = &["content", "themes", "templates", "static"];

/// Root-level files watched.
pub const WATCHED_FILES: &[&str] = &["site.toml"];

/// How long the watched files must be quiet before what changed is reported: an atomic save's
/// events come within microseconds of each other, and every millisecond here is a millisecond
/// before the page is served.
pub const QUIET: Duration = Duration::from_millis(5);

/// The longest a batch is held while events keep coming (a program writing into `content/`
/// without pause still gets its changes built).
pub const LONGEST_HOLD: Duration = Duration::from_millis(500);

/// How long a batch of several files waits for the next: a checkout or a script may pause between
/// files, and a burst should still give one rebuild.
pub const BURST_WAIT: Duration = Duration::from_millis(50);

/// How long the serve loop waits for another batch once it holds `files` changed files, before it
/// rebuilds. A single file is the common save and is built at once (its batch already waited for
/// the files to be quiet); several files mean a burst, which may go on after a pause.
pub fn wait_for_more(files: usize) -> Duration {
    if files > 1 {
        BURST_WAIT
    } else {
        Duration::ZERO
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

/// One event as the gathering thread gets it: the site files it names, or the watcher's error.
type Raw = Result<Vec<String>, String>;

/// A running watcher; dropping it stops it (and its gathering thread, once the last event is
/// sent).
pub struct Watcher {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
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
        let (raw_tx, raw_rx) = mpsc::channel::<Raw>();
        // Only changes to site files wake the gathering thread (a build reads every file).
        let handler = move |result: notify::Result<notify::Event>| {
            let raw = match result {
                Ok(event) if is_change(&event.kind) => {
                    let files: Vec<String> = event
                        .paths
                        .iter()
                        .filter_map(|p| site_file(&events_root, p))
                        .collect();
                    if files.is_empty() {
                        return;
                    }
                    Ok(files)
                }
                Ok(_) => return,
                Err(e) => Err(e.to_string()),
            };
            let _ = raw_tx.send(raw);
        };
        let watcher =
            notify::recommended_watcher(handler).map_err(|e| format!("无法监视文件变化：{e}"))?;
        std::thread::Builder::new()
            .name("nianbao-watch".into())
            .spawn(move || {
                gather_quiet(&raw_rx, QUIET, LONGEST_HOLD, |c| {
                    tx.send(T::from(c)).is_ok()
                })
            })
            .map_err(|e| format!("无法监视文件变化：{e}"))?;
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

/// Gathers events into batches, each sent once no event came for `quiet` (or once it has been
/// held `longest`): errors first, then the files. Ends when the events end (the watcher dropped)
/// or `send` says no one listens.
fn gather_quiet(
    rx: &Receiver<Raw>,
    quiet: Duration,
    longest: Duration,
    mut send: impl FnMut(Change) -> bool,
) {
    while let Ok(first) = rx.recv() {
        let start = Instant::now();
        let (mut files, mut errors) = (BTreeSet::new(), Vec::new());
        let mut take = |raw: Raw| match raw {
            Ok(f) => files.extend(f),
            Err(e) => errors.push(e),
        };
        take(first);
        let ended = loop {
            if start.elapsed() >= longest {
                break false;
            }
            match rx.recv_timeout(quiet) {
                Ok(raw) => take(raw),
                Err(RecvTimeoutError::Timeout) => break false,
                Err(RecvTimeoutError::Disconnected) => break true,
            }
        };
        if !errors.is_empty() && !send(Change::Error(errors.join("；"))) {
            return;
        }
        if !files.is_empty() && !send(Change::Files(files)) {
            return;
        }
        if ended {
            return;
        }
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
        assert_eq!(wait_for_more(1), Duration::ZERO);
        assert!(QUIET < BURST_WAIT && BURST_WAIT < LONGEST_HOLD);
        assert_eq!(wait_for_more(2), BURST_WAIT);
        assert_eq!(wait_for_more(10), BURST_WAIT);
    }

    fn raw(names: &[&str]) -> Raw {
        Ok(names.iter().map(|s| s.to_string()).collect())
    }

    fn names(c: &Change) -> Vec<&str> {
        match c {
            Change::Files(f) => f.iter().map(String::as_str).collect(),
            Change::Error(e) => vec![e.as_str()],
        }
    }

    #[test]
    fn events_already_there_are_one_batch_errors_first() {
        let (tx, rx) = mpsc::channel();
        // An atomic save: the temporary file is not a site file, so only the report comes.
        tx.send(raw(&["content/a/2024.md"])).unwrap();
        tx.send(Err("太多".into())).unwrap();
        tx.send(raw(&["content/a/2024.md", "content/a"])).unwrap();
        drop(tx);
        let mut got = Vec::new();
        gather_quiet(&rx, QUIET, LONGEST_HOLD, |c| {
            got.push(c);
            true
        });
        let got: Vec<Vec<&str>> = got.iter().map(names).collect();
        assert_eq!(got, [vec!["太多"], vec!["content/a", "content/a/2024.md"]]);
    }

    #[test]
    fn a_quiet_spell_ends_a_batch() {
        let (tx, rx) = mpsc::channel();
        let (out_tx, out_rx) = mpsc::channel();
        let t = std::thread::spawn(move || {
            gather_quiet(&rx, Duration::from_millis(1), LONGEST_HOLD, |c| {
                out_tx.send(c).is_ok()
            })
        });
        tx.send(raw(&["content/a/2023.md"])).unwrap();
        // The second event is sent only once the first batch is out: two batches, whatever
        // the machine's speed.
        let first = out_rx.recv().unwrap();
        tx.send(raw(&["content/a/2024.md"])).unwrap();
        let second = out_rx.recv().unwrap();
        drop(tx);
        t.join().unwrap();
        assert_eq!(names(&first), ["content/a/2023.md"]);
        assert_eq!(names(&second), ["content/a/2024.md"]);
        assert!(out_rx.recv().is_err());
    }

    #[test]
    fn events_without_pause_are_sent_after_the_longest_hold() {
        let (tx, rx) = mpsc::channel();
        for i in 0..3 {
            tx.send(raw(&[&format!("content/a/{i}.md")])).unwrap();
        }
        drop(tx);
        // Held no time at all: each event is sent as it comes, none waits for the others.
        let mut got = Vec::new();
        gather_quiet(&rx, QUIET, Duration::ZERO, |c| {
            got.push(c);
            true
        });
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn no_listener_ends_the_thread() {
        let (tx, rx) = mpsc::channel();
        tx.send(raw(&["site.toml"])).unwrap();
        let mut sent = 0;
        // The sender is still alive: only the refusal can end it.
        gather_quiet(&rx, QUIET, LONGEST_HOLD, |_| {
            sent += 1;
            false
        });
        assert_eq!(sent, 1);
        drop(tx);
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
