//! HTTP: in, requests and the folder of the last good build; out, its files (with the version
//! stamp and any error overlay added to HTML), the live-reload event stream, and 400 for any path
//! that tries to leave the folder (404 for a hidden name such as nianbao's own `.nianbao-*`, or a
//! name too long for a file; 414 for a path too long for any).
//!
//! The stack is axum over hyper, with tower-http's `ServeDir` for the files. The served folder
//! changes with every full rebuild, so a `ServeDir` is made per request (it is only a path and
//! a few flags). The data files of the site made of every report's (`data/reports.json`,
//! `.csv`, `reports-wide.csv`) are streamed as [`crate::write::compose`] makes them.
//!
//! Connections are served by [`serve`] rather than `axum::serve`, for what that hides: a time
//! limit on reading a request's head (which also ends connections left idle between requests), a
//! limit on time without any progress, and a limit on open connections ([`Limits`]).

use std::convert::Infallible;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::{Stream, StreamExt};
use tokio::sync::watch;
use tokio_stream::wrappers::{BroadcastStream, ReceiverStream};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::rebuild::Served;
use super::reload::{self, Hub};
use crate::write::{self as datafiles, DataFile};

/// Largest HTML page the overlay is added to; larger ones are served as they are.
const MAX_HTML: usize = 64 << 20;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The folder of the last good build, once there is one.
    pub site_dir: Arc<RwLock<Option<Served>>>,
    pub hub: Arc<Hub>,
    /// Turns true on shutdown: event streams end, so that the server can stop.
    pub shutdown: watch::Receiver<bool>,
    /// Turns true once the first build has ended, well or not: until then requests wait, so
    /// that the first page asked for is the site's, not a placeholder.
    pub first_build: watch::Receiver<bool>,
}

/// The whole application: the event stream, then the files, behind the path guard.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(reload::EVENTS_PATH, get(events))
        .fallback(files)
        .layer(middleware::from_fn_with_state(state.clone(), stamp_html))
        .layer(middleware::from_fn(guard))
        .with_state(state)
}

/// Whether a request path (still percent-encoded) stays inside the served folder: no `.` or `..`
/// segment, no `/` or `\` hidden by encoding, no backslash, no NUL, valid UTF-8.
pub fn is_safe_path(path: &str) -> bool {
    if !path.starts_with('/') {
        return false;
    }
    path.split('/').all(|segment| {
        let Ok(decoded) = percent_encoding::percent_decode_str(segment).decode_utf8() else {
            return false;
        };
        decoded != "."
            && decoded != ".."
            && !decoded.contains(['/', '\\', '\0'])
            && !segment.contains('\\')
    })
}

/// Longest name of a file (bytes): longer ones cannot exist.
const MAX_NAME: usize = 255;
/// Longest request path served (bytes, as sent): longer ones get 414.
const MAX_PATH: usize = 4096;

/// Whether a request path (still percent-encoded) names nothing a build ever serves: a hidden
/// name (the build's own manifest, a file being replaced, staging folders), or a segment longer
/// than a file name can be.
pub fn is_unservable_path(path: &str) -> bool {
    path.split('/').any(|segment| {
        let decoded = percent_encoding::percent_decode_str(segment).collect::<Vec<u8>>();
        decoded.first() == Some(&b'.') || decoded.len() > MAX_NAME
    })
}

/// Refuses paths that try to leave the folder (400), paths too long (414) or naming what is never
/// served (404), and methods other than GET and HEAD (405).
async fn guard(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.len() > MAX_PATH {
        return (StatusCode::URI_TOO_LONG, "414 URI Too Long\n").into_response();
    }
    if !is_safe_path(path) {
        return (
            StatusCode::BAD_REQUEST,
            "400 Bad Request: path outside the site\n",
        )
            .into_response();
    }
    if is_unservable_path(path) {
        return (StatusCode::NOT_FOUND, "404 Not Found\n").into_response();
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    next.run(req).await
}

/// The files of the last good build; before the first one, a page that waits for it.
async fn files(State(state): State<AppState>, req: Request) -> Response {
    let mut first_build = state.first_build.clone();
    // An error means the builder is gone: answer with what there is.
    let _ = first_build.wait_for(|done| *done).await;
    let served = state.site_dir.read().ok().and_then(|d| d.clone());
    let Some(served) = served else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            reload::placeholder_page(),
        )
            .into_response();
    };
    if let Some(folders) = served.composed {
        if let Some(which) = req.uri().path().strip_prefix('/').and_then(DataFile::at) {
            return composed(served.dir, folders, which, req.method() == Method::HEAD);
        }
    }
    let dir = served.dir;
    let not_found = ServeFile::new(dir.join("404.html"));
    match ServeDir::new(&dir)
        .not_found_service(not_found)
        .oneshot(req)
        .await
    {
        Ok(res) => res.map(Body::new),
        Err(e) => match e {},
    }
}

/// Bytes per chunk of a composed data file.
const CHUNK: usize = 1 << 16;

/// A data file composed from the reports' own, streamed as it is read (on a blocking thread).
fn composed(dir: PathBuf, folders: Arc<Vec<String>>, which: DataFile, head: bool) -> Response {
    let content_type = [(header::CONTENT_TYPE, which.content_type())];
    if head {
        // No length: it is not known without reading every report's file.
        let none = futures_util::stream::empty::<io::Result<Bytes>>();
        return (content_type, Body::from_stream(none)).into_response();
    }
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let mut out = Chunks {
            tx,
            buf: Vec::with_capacity(CHUNK),
        };
        let written =
            datafiles::compose(&dir, &folders, which, &mut out).and_then(|()| out.flush());
        // A failure midway ends the response early, so that it cannot pass for the whole file.
        if let Err(e) = written {
            let _ = out.tx.blocking_send(Err(e));
        }
    });
    (content_type, Body::from_stream(ReceiverStream::new(rx))).into_response()
}

/// Sends what is written to it to a response body, a chunk at a time.
struct Chunks {
    tx: tokio::sync::mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx
            .blocking_send(Ok(Bytes::from(chunk)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

/// Dev-server headers and the live-reload stamp: nothing is cached (a reload must show the new
/// build), and every HTML page gets the current version and, after a failed rebuild, the overlay.
async fn stamp_html(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    for h in [
        header::IF_MODIFIED_SINCE,
        header::IF_NONE_MATCH,
        header::IF_UNMODIFIED_SINCE,
        header::IF_MATCH,
        header::IF_RANGE,
        header::RANGE,
    ] {
        req.headers_mut().remove(h);
    }
    // HEAD is answered as GET without the body, so that its length is that of the stamped page.
    let is_head = req.method() == Method::HEAD;
    if is_head {
        *req.method_mut() = Method::GET;
    }
    let is_feed = req.uri().path().ends_with("/atom.xml");
    // Read before the file: a build that lands meanwhile only causes one more reload.
    let version = state.hub.version();
    let overlay = state.hub.overlay();
    let mut res = next.run(req).await;
    with_charset(res.headers_mut(), is_feed);
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let is_stream = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    let (mut parts, body) = res.into_parts();
    if !is_stream {
        parts
            .headers
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !is_html {
        // The length header stays; the body of a HEAD answer is never sent.
        return Response::from_parts(parts, if is_head { Body::empty() } else { body });
    }
    let bytes = match axum::body::to_bytes(body, MAX_HTML).await {
        Ok(b) => b,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let html = String::from_utf8_lossy(&bytes);
    let page = reload::inject(&html, &reload::stamp(version, overlay.as_deref()));
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(page.len()));
    Response::from_parts(
        parts,
        if is_head {
            Body::empty()
        } else {
            Body::from(page)
        },
    )
}

/// Text is UTF-8 (said, so that no browser guesses), and the feed is Atom.
fn with_charset(headers: &mut axum::http::HeaderMap, is_feed: bool) {
    let Some(kind) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return;
    };
    let kind = if is_feed && kind.starts_with("text/xml") {
        "application/atom+xml; charset=utf-8".to_string()
    } else if (kind.starts_with("text/") && kind != "text/event-stream")
        && !kind.contains("charset")
    {
        format!("{kind}; charset=utf-8")
    } else {
        return;
    };
    if let Ok(v) = HeaderValue::from_str(&kind) {
        headers.insert(header::CONTENT_TYPE, v);
    }
}

/// The event stream: the current version at once, then every new one, until shutdown.
async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let hub = state.hub.clone();
    let rx = hub.subscribe();
    let first = hub.version();
    let mut shutdown = state.shutdown.clone();
    let stream = futures_util::stream::once(async move { first })
        .chain(BroadcastStream::new(rx).map(move |v| v.unwrap_or_else(|_| hub.version())))
        .map(|v| Ok(Event::default().event("version").data(v.to_string())))
        .take_until(async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Limits on connections, against clients that open many or send slowly.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time to send a request's head, from when the connection waits for it: a client that
    /// trickles its headers, or sends none (on a new or a kept-alive connection), is cut off.
    pub header_read: Duration,
    /// Time without a byte read or written, in a request or a response: a client that stops
    /// reading is cut off. Longer than the event stream's keep-alive (15 s).
    pub idle: Duration,
    /// Connections served at once; more wait in the system's queue until one closes.
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            connections: 256,
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` turns true; then stops accepting
/// and waits for open connections to finish their request (the caller bounds that wait).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    loop {
        // A free place first: beyond the limit, clients wait in the system's queue.
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p,
            _ = shutdown.wait_for(|stop| *stop) => break,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.wait_for(|stop| *stop) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection reset before it was taken: a moment.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let progress = Progress::default();
        let io = TokioIo::new(Tracked {
            io: stream,
            progress: progress.clone(),
        });
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let conn = graceful.watch(http.serve_connection(io, service));
        let idle = limits.idle;
        tokio::spawn(async move {
            // Dropping the connection closes it.
            tokio::select! {
                _ = conn => {}
                () = progress.stalled(idle) => {}
            }
            drop(permit);
        });
    }
    graceful.shutdown().await;
}

/// When a connection last moved a byte.
#[derive(Clone)]
struct Progress {
    start: std::time::Instant,
    /// Milliseconds from `start`.
    last: Arc<std::sync::atomic::AtomicU64>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            start: std::time::Instant::now(),
            last: Arc::default(),
        }
    }
}

impl Progress {
    fn touch(&self) {
        let ms = self.start.elapsed().as_millis() as u64;
        self.last.store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// Ends once nothing moved for `idle`.
    async fn stalled(&self, idle: Duration) {
        loop {
            let last = Duration::from_millis(self.last.load(std::sync::atomic::Ordering::Relaxed));
            let quiet = self.start.elapsed().saturating_sub(last);
            if quiet >= idle {
                return;
            }
            tokio::time::sleep(idle - quiet).await;
        }
    }
}

/// A stream that notes its progress.
struct Tracked<T> {
    io: T,
    progress: Progress,
}

impl<T: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Tracked<T> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = std::pin::Pin::new(&mut self.io).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.progress.touch();
        }
        r
    }
}

impl<T: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Tracked<T> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.io).poll_write(cx, buf);
        if matches!(r, std::task::Poll::Ready(Ok(n)) if n > 0) {
            self.progress.touch();
        }
        r
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> std::task::Poll<io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        if matches!(r, std::task::Poll::Ready(Ok(n)) if n > 0) {
            self.progress.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        for p in [
            "/../site.toml",
            "/a/../../x",
            "/%2e%2e/site.toml",
            "/%2E%2E/site.toml",
            "/..%2fsite.toml",
            "/..%2Fsite.toml",
            "/%2e%2e%2fsite.toml",
            "/..\\site.toml",
            "/..%5csite.toml",
            "/a/%5c..%5c..%5cx",
            "/./x",
            "/%00",
            "/%ff",
            "relative",
        ] {
            assert!(!is_safe_path(p), "{p}");
        }
        for p in [
            "/",
            "/a/2020/",
            "/assets/nianbao.css",
            "/%E7%A4%BA%E4%BE%8B/",
            "/a..b/c.d",
        ] {
            assert!(is_safe_path(p), "{p}");
        }
    }

    #[test]
    fn hidden_and_overlong_names_are_never_served() {
        let long = "a".repeat(MAX_NAME + 1);
        for p in [
            "/.nianbao-build",
            "/.nianbao-tmp-site-1-123/index.html",
            "/a/2020/.index.html.nianbao-tmp",
            "/%2enianbao-build",
            &format!("/{long}"),
            &format!("/a/{long}/"),
        ] {
            assert!(is_unservable_path(p), "{p}");
        }
        for p in [
            "/",
            "/a/2020/",
            "/a..b/c.d",
            &format!("/{}", "a".repeat(MAX_NAME)),
        ] {
            assert!(!is_unservable_path(p), "{p}");
        }
    }
}
