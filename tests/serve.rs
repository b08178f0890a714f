//! `nianbao serve`, end to end: the real binary over a copy of the sample site, spoken to over
//! plain TCP. Every wait polls with a deadline; nothing sleeps for long.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

/// A report of the sample site.
const REPORT: &str = "content/shilixian-jiaoyuju/2023.md";
const REPORT_URL: &str = "/shilixian-jiaoyuju/2023/";
/// A report of the newest year (a draft, which serve shows), of an agency with several years:
/// its agency and year pages stay when it is deleted, and the home page lists it.
const NEWEST: &str = "content/shilixian-jiaoyuju/2024.md";
const NEWEST_URL: &str = "/shilixian-jiaoyuju/2024/";
/// A sentence of that report's narrative.
const SENTENCE: &str = "## 五、存在的主要问题及改进情况\n";
/// A row of table 三 whose first cell breaking makes R001 and R003.
const NEW_ROW: &str = "  new: [";

/// Waits this long at most for anything.
const DEADLINE: Duration = Duration::from_secs(15);

/// Polls `f` until it gives `Some`, or panics after [`DEADLINE`] saying what it waited for.
fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A response: status code, header lines (lower case) and body.
#[derive(Debug)]
struct Res {
    status: u16,
    head: String,
    body: String,
}

/// Sends a raw request line's target as is (no normalisation) and reads the whole response.
fn raw_get(addr: SocketAddr, target: &str) -> std::io::Result<Res> {
    raw_request(addr, "GET", target)
}

fn raw_request(addr: SocketAddr, method: &str, target: &str) -> std::io::Result<Res> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Ok(Res {
        status,
        head: head.to_ascii_lowercase(),
        body,
    })
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The running binary.
struct Server {
    child: Child,
    addr: SocketAddr,
    root: PathBuf,
    stderr: Arc<Mutex<String>>,
    stdout: Arc<Mutex<String>>,
    /// Its temporary folder.
    tmp: PathBuf,
}

impl Server {
    /// Starts `nianbao serve --port 0` on `root` and waits for the address it prints.
    fn start(root: &Path) -> Server {
        Server::start_with(root, &[], None)
    }

    /// [`Server::start`] with more arguments, and `TMPDIR` if given.
    fn start_with(root: &Path, args: &[&str], tmp: Option<&Path>) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_nianbao"));
        cmd.args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(tmp) = tmp {
            cmd.env("TMPDIR", tmp);
        }
        let mut child = cmd.spawn().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let log = stderr.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while err.read_line(&mut line).unwrap_or(0) > 0 {
                log.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let stdout = Arc::new(Mutex::new(String::new()));
        let log = stdout.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while out.read_line(&mut line).unwrap_or(0) > 0 {
                log.lock().unwrap().push_str(&line);
                let _ = tx.send(line.clone());
                line.clear();
            }
        });
        let line = rx
            .recv_timeout(DEADLINE)
            .unwrap_or_else(|_| panic!("no address printed; stderr: {}", stderr.lock().unwrap()));
        let url = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        Server {
            child,
            addr: url.parse().unwrap(),
            root: root.to_path_buf(),
            stderr,
            stdout,
            tmp: tmp.map_or_else(std::env::temp_dir, Path::to_path_buf),
        }
    }

    fn get(&self, path: &str) -> Res {
        raw_get(self.addr, path).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// Waits until `path` answers 200 and its body satisfies `ok`; returns the body.
    fn wait_page(&self, what: &str, path: &str, ok: impl Fn(&str) -> bool) -> String {
        wait_for(what, || {
            let r = raw_get(self.addr, path).ok()?;
            (r.status == 200 && ok(&r.body)).then_some(r.body)
        })
    }

    fn assert_running(&mut self) {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "serve exited; stderr: {}",
            self.stderr.lock().unwrap()
        );
    }

    /// The private build folder of this server, while it exists; none is ever in the site.
    fn private_dirs(&self) -> Vec<PathBuf> {
        let in_site = std::fs::read_dir(&self.root)
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().contains("nianbao-serve")
            })
            .count();
        assert_eq!(in_site, 0, "a build folder in the site");
        let prefix = format!("nianbao-serve-{}-", self.child.id());
        std::fs::read_dir(&self.tmp)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with(&prefix)
            })
            .collect()
    }

    /// Sends a signal with kill(1) and waits for the exit.
    fn stop(&mut self, signal: &str) -> (ExitStatus, Duration) {
        let started = Instant::now();
        let ok = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{signal} failed");
        let status = wait_for("serve to exit", || self.child.try_wait().unwrap());
        (status, started.elapsed())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM first, so that the server removes its private folder; then force.
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .arg(self.child.id().to_string())
                .status();
            let end = Instant::now() + Duration::from_secs(3);
            while Instant::now() < end && matches!(self.child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{file}: {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The narrative sentence with a marker, as written in the file and as rendered.
/// Makes 新收申请 of the report not add up (R001); returns the text as it was.
fn break_total(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join(REPORT)).unwrap();
    let at = text.find(NEW_ROW).unwrap() + NEW_ROW.len();
    let broken = format!("{}9999{}", &text[..at], &text[at..]);
    std::fs::write(root.join(REPORT), broken).unwrap();
    text
}

fn marked(marker: &str) -> String {
    format!("{SENTENCE}\n{marker}\n")
}

#[test]
fn an_edit_is_served_a_broken_one_shows_the_overlay_and_the_fix_clears_it() {
    let site = common::sample_site();
    let root = site.path();
    let mut server = Server::start(root);
    server.wait_page("the first build", REPORT_URL, |b| {
        b.contains("示例县教育局")
    });

    // A good edit: served, and the page is stamped for live reload.
    edit(root, REPORT, SENTENCE, &marked("第一次修改XYZ"));
    let page = server.wait_page("the edit", REPORT_URL, |b| b.contains("第一次修改XYZ"));
    assert!(page.contains("window.nianbaoVersion"));
    assert!(page.contains("/__nianbao/events"));
    assert!(!page.contains("nianbao-overlay"));

    // A total that does not add up: the last good page stays, with the overlay.
    let text = break_total(root);
    let page = server.wait_page("the overlay", REPORT_URL, |b| b.contains("nianbao-overlay"));
    assert!(page.contains("第一次修改XYZ"), "the last good page stays");
    let overlay = &page[page.find("nianbao-overlay").unwrap()..];
    assert!(overlay.contains("error[R001]"), "{overlay}");
    assert!(overlay.contains("error[R003]"), "{overlay}");
    assert!(overlay.contains(REPORT), "the file is named");
    // On every page, the 404 page included.
    for path in ["/", "/years/2023/", "/no/such/page/"] {
        assert!(server.get(path).body.contains("error[R001]"), "{path}");
    }
    assert!(server.stderr.lock().unwrap().contains("error[R001]"));
    server.assert_running();

    // The fix clears it.
    std::fs::write(
        root.join(REPORT),
        text.replace("第一次修改XYZ", "修好了ABC"),
    )
    .unwrap();
    // (A page fetched while the rebuild lands may still carry the overlay: it reloads at once.)
    server.wait_page("the fix", REPORT_URL, |b| {
        b.contains("修好了ABC") && !b.contains("nianbao-overlay")
    });

    // SIGTERM ends it cleanly too.
    let (status, _) = server.stop("TERM");
    assert!(status.success(), "{status}");
    assert!(server.private_dirs().is_empty());
}

#[test]
fn quick_saves_end_with_the_last_one_served() {
    let site = common::sample_site();
    let root = site.path();
    let server = Server::start(root);
    server.wait_page("the first build", REPORT_URL, |b| {
        b.contains("示例县教育局")
    });
    let text = std::fs::read_to_string(root.join(REPORT)).unwrap();
    for i in 1..=25 {
        let version = text.replace(SENTENCE, &marked(&format!("第{i}次保存。")));
        std::fs::write(root.join(REPORT), version).unwrap();
        std::thread::sleep(Duration::from_millis(15));
    }
    server.wait_page("the last save", REPORT_URL, |b| b.contains("第25次保存。"));
    // And it stays: no later rebuild brings back an earlier save.
    std::thread::sleep(Duration::from_millis(400));
    let page = server.get(REPORT_URL);
    assert!(page.body.contains("第25次保存。"));
    assert!(!page.body.contains("nianbao-overlay"));
}

#[test]
fn a_deleted_report_disappears_from_the_indexes() {
    let site = common::sample_site();
    let root = site.path();
    let server = Server::start(root);
    for path in ["/", "/shilixian-jiaoyuju/", "/years/2024/", "/agencies/"] {
        server.wait_page("the first build", path, |b| b.contains(NEWEST_URL));
    }
    std::fs::remove_file(root.join(NEWEST)).unwrap();
    wait_for("the report page to go", || {
        (server.get(NEWEST_URL).status == 404).then_some(())
    });
    for path in ["/", "/shilixian-jiaoyuju/", "/years/2024/", "/agencies/"] {
        let page = server.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains(NEWEST_URL), "{path} still links it");
    }
    // Other reports of the agency and the year are still listed.
    assert!(server
        .get("/shilixian-jiaoyuju/")
        .body
        .contains("/shilixian-jiaoyuju/2023/"));
    assert!(server.get("/").body.contains("/shilixian-gonganju/2024/"));
    assert!(server
        .get("/years/2024/")
        .body
        .contains("/shilixian-gonganju/2024/"));
}

#[test]
fn the_first_answer_is_the_site_with_true_lengths_and_types() {
    let site = common::sample_site();
    let server = Server::start(site.path());
    // Asked the moment the address is printed: the site, not a page saying it is coming.
    let home = server.get("/");
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.head.contains("content-type: text/html; charset=utf-8"));
    // HEAD tells the length of the page GET sends (with its live-reload script).
    let head = raw_request(server.addr, "HEAD", "/").unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let length = format!("content-length: {}", home.body.len());
    assert!(head.head.contains(&length), "{length}: {}", head.head);
    for (path, kind) in [
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/data/reports.csv", "text/csv; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/assets/nianbao.css", "text/css; charset=utf-8"),
        ("/data/reports.json", "application/json"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.head.contains(&format!("content-type: {kind}")),
            "{path}: {}",
            r.head
        );
    }
}

#[test]
fn paths_outside_the_build_are_refused() {
    let site = common::sample_site();
    let server = Server::start(site.path());
    server.wait_page("the first build", "/", |b| b.contains("示例站点"));
    for target in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2e%2e/site.toml",
        "/..%2fsite.toml",
        "/assets/..%2f..%2fsite.toml",
        "/%2e%2e%2f%2e%2e%2fsite.toml",
        "/..\\site.toml",
        "/assets/..%5c..%5csite.toml",
        "/assets/../../content/shilixian-jiaoyuju/2023.md",
        "/%2e%2e/content/shilixian-jiaoyuju/2023.md",
    ] {
        let r = server.get(target);
        assert!(
            r.status == 400 || r.status == 404,
            "{target}: status {}",
            r.status
        );
        assert!(!r.body.contains("output_dir"), "{target} served site.toml");
        assert!(
            !r.body.contains("applications:"),
            "{target} served a report"
        );
    }
    assert_eq!(server.get("/assets/nianbao.css").status, 200);
}

/// A non-loopback address of this machine, if it has one (the route to a public address; no
/// packet is sent).
fn outside_address() -> Option<IpAddr> {
    let s = UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn it_listens_on_loopback_only() {
    let site = common::sample_site();
    let server = Server::start(site.path());
    assert!(server.addr.ip().is_loopback(), "{}", server.addr);
    server.wait_page("the first build", "/", |b| b.contains("示例站点"));
    if let Some(ip) = outside_address() {
        let outside = SocketAddr::new(ip, server.addr.port());
        assert!(
            TcpStream::connect_timeout(&outside, Duration::from_secs(2)).is_err(),
            "reachable at {outside}"
        );
    }
}

#[test]
fn ctrl_c_ends_it_and_removes_the_private_folder() {
    let site = common::sample_site();
    let mut server = Server::start(site.path());
    server.wait_page("the first build", "/", |b| b.contains("示例站点"));
    let private = server.private_dirs();
    assert_eq!(private.len(), 1, "{private:?}");
    assert!(private[0].join("site-1/index.html").is_file() || private[0].is_dir());
    // An open event stream must not hold the shutdown up.
    let mut events = TcpStream::connect(server.addr).unwrap();
    write!(
        events,
        "GET /__nianbao/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut first = [0u8; 256];
    let n = events.read(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first[..n]).contains("text/event-stream"));

    let (status, _) = server.stop("INT");
    assert!(status.success(), "{status}");
    // The open stream was ended, not left hanging (its server is gone).
    let mut rest = Vec::new();
    let ended = events.read_to_end(&mut rest);
    assert!(
        ended.is_ok() || ended.is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
        "the event stream stayed open"
    );
    assert!(server.private_dirs().is_empty(), "private folder left");
    // The built site never went to output_dir.
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_site_broken_from_the_start_is_served_once_fixed() {
    let site = common::sample_site();
    let root = site.path();
    let text = break_total(root);
    let mut server = Server::start(root);
    let page = wait_for("the overlay", || {
        let r = raw_get(server.addr, "/").ok()?;
        r.body.contains("error[R001]").then_some(r)
    });
    assert_eq!(page.status, 503);
    server.assert_running();
    std::fs::write(root.join(REPORT), &text).unwrap();
    server.wait_page("the fixed site", REPORT_URL, |b| {
        b.contains("示例县教育局") && !b.contains("nianbao-overlay")
    });
}

#[test]
fn a_broken_template_shows_the_overlay_until_removed() {
    let site = common::sample_site();
    let root = site.path();
    let server = Server::start(root);
    server.wait_page("the first build", REPORT_URL, |b| {
        b.contains("示例县教育局")
    });
    // A site template overriding the theme's, with a syntax error.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/report.html"), "{% if %}").unwrap();
    let page = server.wait_page("the overlay", REPORT_URL, |b| b.contains("nianbao-overlay"));
    assert!(page.contains("示例县教育局"), "the last good page stays");
    assert!(page.contains("模板错误"), "the tool error is shown");
    std::fs::remove_dir_all(root.join("templates")).unwrap();
    server.wait_page("the overlay to go", REPORT_URL, |b| {
        !b.contains("nianbao-overlay")
    });
}

// --- Incremental rebuilds, through the library: the same output as a full build. ---

use std::collections::BTreeMap;

/// A full build of the site as it is now, the way serve builds it, for a server at `base_url`.
fn full_build_at(root: &Path, out: &Path, base_url: &str) -> BTreeMap<String, Vec<u8>> {
    let opts = nianbao::build::BuildOptions {
        drafts: true,
        output: Some(out.to_path_buf()),
        base_url: Some(base_url.into()),
        inject_html: nianbao::serve::reload::script(),
        ..Default::default()
    };
    let outcome =
        nianbao::build::build(root, nianbao::site::LoadOptions::default(), &opts).unwrap();
    assert!(matches!(outcome, nianbao::build::Outcome::Built(..)));
    common::tree(out)
}

#[test]
fn a_burst_of_changes_is_all_built() {
    let site = common::sample_site();
    let root = site.path();
    let server = Server::start(root);
    server.wait_page("the first build", REPORT_URL, |b| {
        b.contains("示例县教育局")
    });
    // Like a `git checkout`: ten reports rewritten at once, each with a temporary file renamed
    // over it, and an editor's swap file besides.
    let files: Vec<String> = [
        "chengguanzhen",
        "fagaiju",
        "gonganju",
        "jiaoyuju",
        "zhengfu",
    ]
    .iter()
    .flat_map(|a| ["2021", "2022"].map(|y| format!("content/shilixian-{a}/{y}.md")))
    .collect();
    let texts: Vec<String> = files
        .iter()
        .map(|f| {
            std::fs::read_to_string(root.join(f))
                .unwrap()
                .replace(SENTENCE, &marked(&format!("批量修改{f}")))
        })
        .collect();
    let before = server.stderr.lock().unwrap().matches("已重新构建").count();
    for (f, text) in files.iter().zip(&texts) {
        let tmp = root.join(format!("{f}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, root.join(f)).unwrap();
    }
    std::fs::write(root.join("content/shilixian-jiaoyuju/.2023.md.swp"), "x").unwrap();
    server.wait_page("the burst", "/shilixian-zhengfu/2022/", |b| {
        b.contains("批量修改content/shilixian-zhengfu/2022.md")
    });
    std::thread::sleep(Duration::from_millis(300));
    let log = server.stderr.lock().unwrap().clone();
    let rebuilds: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("已重新构建"))
        .skip(before)
        .collect();
    // How a burst becomes one batch is `serve::gather`'s unit test; here only that every file of
    // it is built (no count here: how many rebuilds depends on how fast the machine writes).
    assert!(!rebuilds.is_empty(), "{rebuilds:#?}");
    for f in &files {
        let (agency, year) = f
            .trim_start_matches("content/")
            .trim_end_matches(".md")
            .split_once('/')
            .unwrap();
        let mark = format!("批量修改{f}");
        server.wait_page(f, &format!("/{agency}/{year}/"), |b| b.contains(&mark));
    }
}

#[test]
fn data_files_served_after_an_edit_equal_a_full_build() {
    let site = common::sample_site();
    let root = site.path();
    let server = Server::start(root);
    server.wait_page("the first build", REPORT_URL, |b| {
        b.contains("示例县教育局")
    });
    // A figure and the date: both data files change.
    edit(root, REPORT, "licensing: 487", "licensing: 4870");
    edit(
        root,
        REPORT,
        "published: 2024-01-29",
        "published: 2024-01-21",
    );
    server.wait_page("the edit", REPORT_URL, |b| {
        b.contains("4870") && b.contains("2024-01-21")
    });
    // (The data files are in place before the reload is announced, a moment after the page.)
    wait_for("the new data", || {
        let csv = server.get("/data/reports.csv").body;
        csv.contains(",4870\n").then_some(())
    });
    let scratch = tempfile::tempdir().unwrap();
    let url = format!("http://{}/", server.addr);
    let want = full_build_at(root, &scratch.path().join("full"), &url);
    for f in ["data/reports.json", "data/reports.csv"] {
        let got = server.get(&format!("/{f}"));
        assert_eq!(got.status, 200, "{f}");
        let want = String::from_utf8(want[f].clone()).unwrap();
        assert!(got.body == want, "{f} differs from a full build");
    }
}

// --- Hardening (issue 11): what a slow client, a long path or the network can do. ---

/// Whether the server closes `s` before [`DEADLINE`]: reads until the end (what it sends before,
/// a 408 for instance, is read and dropped). While waiting, `trickle` is called about every
/// 100 ms (it may write; a failed write means closed too).
fn closed_by_server(s: &mut TcpStream, mut trickle: impl FnMut(&mut TcpStream) -> bool) -> bool {
    s.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    while start.elapsed() < DEADLINE * 2 {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if !trickle(s) {
                    return true;
                }
            }
            Err(_) => return true,
        }
    }
    false
}

#[test]
fn slow_and_idle_clients_are_cut_off() {
    let site = common::sample_site();
    let server = Server::start_with(
        site.path(),
        &["--header-timeout", "1", "--idle-timeout", "2"],
        None,
    );
    server.wait_page("the first build", "/", |b| b.contains("示例站点"));
    // A client that sends nothing.
    let mut idle = TcpStream::connect(server.addr).unwrap();
    // A client that sends its headers a byte at a time, forever.
    let mut slow = TcpStream::connect(server.addr).unwrap();
    write!(slow, "GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    // A client that keeps its connection after an answer and sends nothing more.
    let mut kept = TcpStream::connect(server.addr).unwrap();
    write!(kept, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert!(
        closed_by_server(&mut idle, |_| true),
        "an idle connection stayed open"
    );
    assert!(
        closed_by_server(&mut slow, |s| s.write_all(b"X").is_ok()),
        "a trickling client stayed connected"
    );
    assert!(
        closed_by_server(&mut kept, |_| true),
        "a kept-alive connection stayed open"
    );
    // Others are served all along.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn connections_beyond_the_limit_wait_their_turn() {
    let site = common::sample_site();
    let server = Server::start_with(
        site.path(),
        &["--max-connections", "2", "--header-timeout", "120"],
        None,
    );
    server.wait_page("the first build", "/", |b| b.contains("示例站点"));
    let first = TcpStream::connect(server.addr).unwrap();
    let _second = TcpStream::connect(server.addr).unwrap();
    let mut third = TcpStream::connect(server.addr).unwrap();
    write!(
        third,
        "GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    third
        .set_read_timeout(Some(Duration::from_millis(1000)))
        .unwrap();
    let mut buf = [0u8; 64];
    let early = third.read(&mut buf);
    assert!(
        early.as_ref().is_err_and(|e| matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        )),
        "answered beyond the limit: {early:?}"
    );
    // One closes: the third is served.
    drop(first);
    third.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut answer = Vec::new();
    third.read_to_end(&mut answer).unwrap();
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
        "{answer:?}"
    );
}

#[test]
fn long_names_hidden_names_and_long_paths_are_not_errors() {
    let site = common::sample_site();
    let server = Server::start(site.path());
    server.wait_page("the first build", "/", |b| b.contains("示例站点"));
    for (path, status) in [
        (format!("/{}", "a".repeat(300)), 404),
        (format!("/assets/{}.css", "%E7%A4%BA".repeat(100)), 404),
        (format!("/{}", "a/".repeat(3000)), 414),
        ("/.nianbao-build".to_string(), 404),
        ("/.nianbao-tmp-site-1-1/index.html".to_string(), 404),
    ] {
        assert_eq!(
            server.get(&path).status,
            status,
            "{}…",
            &path[..path.len().min(40)]
        );
    }
    assert_eq!(server.get("/assets/nianbao.css").status, 200);
}

#[test]
fn binding_every_address_lists_them_and_warns() {
    let site = common::sample_site();
    let server = Server::start_with(site.path(), &["--bind", "0.0.0.0"], None);
    server.wait_page("the first build", "/", |b| b.contains("示例站点"));
    wait_for("the warning", || {
        server
            .stderr
            .lock()
            .unwrap()
            .contains("预览对网络开放")
            .then_some(())
    });
    assert!(server.stderr.lock().unwrap().contains("草稿"));
    if let Some(ip) = outside_address() {
        let url = format!("http://{}/", SocketAddr::new(ip, server.addr.port()));
        let stdout = server.stdout.lock().unwrap().clone();
        assert!(stdout.contains(&url), "{url} not listed: {stdout}");
        let r = raw_get(SocketAddr::new(ip, server.addr.port()), "/").unwrap();
        assert_eq!(r.status, 200);
    }
    // On loopback (the default) nothing of the kind is said.
    let local = Server::start(site.path());
    local.wait_page("the first build", "/", |b| b.contains("示例站点"));
    assert!(!local.stderr.lock().unwrap().contains("预览对网络开放"));
}

#[cfg(unix)]
#[test]
fn the_private_folder_is_new_random_and_private_and_orphans_go() {
    use std::os::unix::fs::PermissionsExt;
    let site = common::sample_site();
    let tmp = tempfile::tempdir().unwrap();
    // Folders of a serve that was killed, under the old name and the new.
    let mut child = Command::new("sleep").arg("30").spawn().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let dead = child.id();
    for name in [
        format!("nianbao-serve-{dead}"),
        format!("nianbao-serve-{dead}-Xy12ab"),
    ] {
        common::write(&tmp.path().join(name), "site-1/index.html", "old");
    }
    let server = Server::start_with(site.path(), &[], Some(tmp.path()));
    server.wait_page("the first build", "/", |b| b.contains("示例站点"));
    let dirs = server.private_dirs();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    let name = dirs[0].file_name().unwrap().to_string_lossy().into_owned();
    let random = name
        .strip_prefix(&format!("nianbao-serve-{}-", server.child.id()))
        .unwrap();
    assert!(random.len() >= 6, "{name}");
    let mode = std::fs::metadata(&dirs[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{mode:o}");
    let mut left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [name], "orphans left");
}

/// The overlay's part of a page, with HTML entities of the diagnostics as they are.
fn overlay_of(page: &str) -> &str {
    &page[page.find("nianbao-overlay").expect("an overlay")..]
}

#[test]
fn the_overlay_lists_the_file_saved_last_first_and_errors_before_warnings() {
    let site = common::sample_site();
    let root = site.path();
    let server = Server::start(root);
    server.wait_page("the first build", REPORT_URL, |b| {
        b.contains("示例县教育局")
    });
    let other = "content/shilixian-fagaiju/2023.md";

    // A first mistake, then one in a file that check sorts before it, typed with a Chinese
    // input method (the full-width commas of issue 16).
    break_total(root);
    server.wait_page("the first overlay", REPORT_URL, |b| {
        b.contains("error[R001]")
    });
    edit(
        root,
        other,
        "new: [5, 1, 0, 0, 1, 0, 7]",
        "new: [5，1，0，0，1，0，7]",
    );
    let page = server.wait_page("the second overlay", REPORT_URL, |b| {
        b.contains("error[N002]")
    });
    let overlay = overlay_of(&page);
    let at = |what: &str| {
        overlay
            .find(what)
            .unwrap_or_else(|| panic!("{what} not in {overlay}"))
    };
    assert!(
        at(&format!("刚保存的 {other}：1 个错误，0 个警告")) < at("error[N002]"),
        "{overlay}"
    );
    assert!(at("error[N002]") < at("其他文件："), "{overlay}");
    assert!(at("其他文件：") < at("error[R001]"), "{overlay}");
    // In the other part, errors first: the sample's warnings (W007 of the draft, W008) follow.
    let last_error = overlay.rfind("error[").unwrap();
    assert!(at("warning[W") > last_error, "{overlay}");
    // The terminal keeps check's order (by file).
    let log = server.stderr.lock().unwrap().clone();
    let last = &log[log.rfind("error[N002]").unwrap()..];
    assert!(last.contains("error[R001]"), "{last}");

    // Saving the first file again puts it first.
    edit(root, REPORT, SENTENCE, &marked("又改了一次"));
    let page = server.wait_page("the third overlay", REPORT_URL, |b| {
        b.contains(&format!("刚保存的 {REPORT}"))
    });
    let overlay = overlay_of(&page);
    assert!(
        overlay.find("error[R001]").unwrap() < overlay.find("error[N002]").unwrap(),
        "{overlay}"
    );
}
