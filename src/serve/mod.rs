//! Serve: in, a site root and an address; out, a local preview over HTTP that rebuilds on every
//! save, reloads open pages and shows errors in an overlay, until Ctrl-C or SIGTERM.
//!
//! Three parts, which know nothing of each other: [`watch`] turns file-system events into batches
//! of changed files; [`rebuild`] builds the site (the same `build()` as `nianbao build`) into a
//! private folder and reports each outcome to the [`reload`] hub; [`http`] serves the last good
//! build and the hub's event stream. This module wires them together: the watcher and the
//! builder run on their own threads, the HTTP server on a small tokio runtime.

pub mod http;
pub mod rebuild;
pub mod reload;
pub mod watch;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use self::reload::Hub;
use self::watch::{Change, Watcher};

/// Options of `nianbao serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Port to listen on (0: any free port).
    pub port: u16,
    /// Address to listen on; loopback unless asked otherwise.
    pub bind: IpAddr,
    /// Open the browser once the server listens.
    pub open: bool,
    /// Colour the diagnostics printed on the terminal.
    pub color: bool,
    /// Rebuild the whole site on every change, even when only reports changed (for comparison).
    pub full_rebuilds: bool,
    /// Time limits and the connection limit of the HTTP side.
    pub limits: http::Limits,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            port: 1111,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            open: false,
            color: false,
            full_rebuilds: false,
            limits: http::Limits::default(),
        }
    }
}

/// What the builder thread waits for.
enum Msg {
    Change(Change),
    Stop,
}

impl From<Change> for Msg {
    fn from(c: Change) -> Msg {
        Msg::Change(c)
    }
}

/// Prefix of the private build folders' names (`nianbao-serve-<pid>-<random>`), in the system's
/// temporary folder: never in the author's site, where git and the watcher would see it. The pid
/// lets a later serve remove the folders of one that was killed.
pub const PRIVATE_PREFIX: &str = "nianbao-serve-";

/// The private build folder, removed when dropped.
struct PrivateDir(PathBuf);

impl PrivateDir {
    /// A new folder of a random name that no one else can enter (0700), never one that existed
    /// (in a shared temporary folder another user could have made it first).
    fn create() -> Result<PrivateDir, String> {
        let tmp = std::env::temp_dir();
        crate::output::remove_orphans(&tmp, PRIVATE_PREFIX);
        let prefix = format!("{PRIVATE_PREFIX}{}-", std::process::id());
        let mut b = tempfile::Builder::new();
        b.prefix(&prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = b
            .tempdir_in(&tmp)
            .map_err(|e| format!("无法在 {} 中创建预览目录：{e}", tmp.display()))?;
        Ok(PrivateDir(dir.keep()))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        // A build still running may add files while we remove them: try a few times.
        for _ in 0..20 {
            match std::fs::remove_dir_all(&self.0) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                _ => return,
            }
        }
    }
}

/// The URL the site is served at: the bound address, with loopback for an unspecified one.
fn site_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// The other URLs the site is reachable at: for an unspecified address, every address of the
/// machine's interfaces (of both families for `::`, which takes IPv4 too where the system
/// allows), but loopback and IPv6 link-local ones (which need a zone); for another, none.
fn other_urls(addr: SocketAddr) -> Vec<String> {
    if !addr.ip().is_unspecified() {
        return Vec::new();
    }
    let v6 = addr.is_ipv6();
    let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback() && !i.is_link_local())
        .map(|i| i.ip())
        .filter(|ip| v6 || ip.is_ipv4())
        .collect();
    ips.sort();
    ips.dedup();
    ips.into_iter()
        .map(|ip| format!("http://{}/", SocketAddr::new(ip, addr.port())))
        .collect()
}

/// One rebuild's files: the first batch and every batch that follows within
/// [`watch::wait_for_more`] of the one before; `None` once asked to stop.
fn gather(
    first: Msg,
    rx: &mpsc::Receiver<Msg>,
    mut warn: impl FnMut(&str),
) -> Option<BTreeSet<String>> {
    let mut changed = BTreeSet::new();
    let mut next = Some(first);
    while let Some(msg) = next {
        match msg {
            Msg::Stop => return None,
            Msg::Change(Change::Files(files)) => changed.extend(files),
            Msg::Change(Change::Error(e)) => warn(&e),
        }
        next = rx
            .recv_timeout(watch::wait_for_more(watch::saves(&changed)))
            .ok();
    }
    Some(changed)
}

/// Runs the preview until Ctrl-C or SIGTERM. Errors are failures of the tool (the port is taken,
/// the folder cannot be written); content errors never end it.
pub fn run(root: &Path, opts: &ServeOptions) -> Result<(), String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("无法读取 {}：{e}", root.display()))?;
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = std::net::TcpListener::bind(addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "端口 {} 已被占用（{addr}），可能已有一个预览在运行：请关闭它，或用 --port 换一个端口，如 nianbao serve --port {}",
            opts.port,
            opts.port.wrapping_add(1).max(1024)
        ),
        _ => format!("无法监听 {addr}：{e}"),
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("无法监听 {addr}：{e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("无法监听 {addr}：{e}"))?;
    let url = site_url(local);

    let private = PrivateDir::create()?;
    let hub = Arc::new(Hub::default());
    let site_dir: Arc<RwLock<Option<rebuild::Served>>> = Arc::default();

    let (tx, rx) = mpsc::channel::<Msg>();
    let mut watcher = Watcher::start(&root, tx.clone())?;
    let mut builder = rebuild::Builder::new(
        &root,
        &private.0,
        &url,
        opts.color,
        hub.clone(),
        site_dir.clone(),
    );
    builder.incremental = !opts.full_rebuilds;
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let (first_tx, first_rx) = tokio::sync::watch::channel(false);
    std::thread::Builder::new()
        .name("nianbao-build".into())
        .spawn(move || {
            builder.rebuild(&BTreeSet::new());
            let _ = first_tx.send(true);
            'outer: while let Ok(msg) = rx.recv() {
                // The watcher reports what changed once the files are quiet; a burst with pauses
                // comes as several batches: whatever arrived during the last rebuild, and every
                // batch that follows within a moment once several files changed, is one rebuild.
                let first_event = Instant::now();
                let Some(changed) =
                    gather(msg, &rx, |e| eprintln!("警告：监视文件变化时出错：{e}"))
                else {
                    break 'outer;
                };
                if !changed.is_empty() {
                    if let Err(e) = watcher.refresh() {
                        eprintln!("警告：{e}");
                    }
                    builder.rebuild_since(&changed, first_event);
                }
            }
            // Its search indexer finishes writing into the private folder before the folder
            // goes (a late write left it behind).
            drop(builder);
            let _ = done_tx.send(());
        })
        .map_err(|e| format!("无法启动构建线程：{e}"))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动 HTTP 服务：{e}"))?;
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| format!("无法监听 {addr}：{e}"))?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let state = http::AppState {
            site_dir,
            hub,
            shutdown: stop_rx.clone(),
            first_build: first_rx,
        };
        println!("nianbao serve：{url}（按 Ctrl-C 退出）");
        if !local.ip().is_loopback() {
            for other in other_urls(local) {
                println!("  也可从网络访问：{other}");
            }
            eprintln!(
                "警告：预览对网络开放（--bind {}）：能连到本机的任何人都能看到站点，包括尚未发布的草稿。只在本机预览时请不要使用 --bind。",
                local.ip()
            );
        }
        if opts.open {
            open_browser(&url);
        }
        tokio::spawn(async move {
            wait_for_signal().await;
            let _ = stop_tx.send(true);
        });
        let server = http::serve(listener, http::router(state), opts.limits, stop_rx.clone());
        let mut forced = stop_rx;
        // Connections that do not close in time are dropped with the runtime.
        let deadline = async move {
            let _ = forced.wait_for(|stop| *stop).await;
            tokio::time::sleep(Duration::from_millis(1500)).await;
        };
        tokio::select! {
            () = server => Ok::<(), String>(()),
            () = deadline => Ok(()),
        }
    });
    runtime.shutdown_timeout(Duration::from_millis(200));

    // Let a build in progress finish briefly; a long one is abandoned with the process.
    let _ = tx.send(Msg::Stop);
    let _ = done_rx.recv_timeout(Duration::from_millis(1000));
    drop(private);
    eprintln!("已停止预览");
    served
}

/// Ctrl-C, or SIGTERM on Unix.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Opens `url` in the default browser when a launcher is installed; never fails.
fn open_browser(url: &str) {
    let launcher: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    let mut cmd = std::process::Command::new(launcher[0]);
    cmd.args(&launcher[1..])
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        // Reap it in the background so that no zombie is left.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(_) => eprintln!("提示：无法自动打开浏览器，请手动访问 {url}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> Msg {
        Msg::Change(Change::Files(names.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn a_burst_already_reported_is_one_rebuild() {
        // Ten files reported one by one (a burst with pauses), and a watcher error among them.
        let (tx, rx) = mpsc::channel();
        for i in 1..10 {
            tx.send(files(&[&format!("content/a/{i}.md")])).unwrap();
        }
        tx.send(Msg::Change(Change::Error("太多".into()))).unwrap();
        let mut warned = Vec::new();
        let got = gather(files(&["content/a/0.md"]), &rx, |e| {
            warned.push(e.to_string())
        });
        assert_eq!(got.map(|c| c.len()), Some(10));
        assert_eq!(warned, ["太多"]);
        // What comes after the batch is the next rebuild's.
        tx.send(files(&["site.toml"])).unwrap();
        let next = rx.recv().unwrap();
        assert_eq!(gather(next, &rx, |_| ()).unwrap().len(), 1);
    }

    #[test]
    fn stop_ends_a_batch_unbuilt() {
        let (tx, rx) = mpsc::channel();
        tx.send(Msg::Stop).unwrap();
        assert!(gather(files(&["content/a/1.md"]), &rx, |_| ()).is_none());
    }
}
