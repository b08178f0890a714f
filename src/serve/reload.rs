//! Live reload: in, the outcome of each rebuild; out, the script that serve injects into every
//! page, the version stamp and error overlay added to served HTML, and the Server-Sent Events
//! stream that tells open pages to reload.
//!
//! Every rebuild, good or failed, bumps a version number. Each served HTML page is stamped with the
//! version it was served at; the event stream sends the current version when a page connects and
//! after every rebuild, and a page whose stamp differs reloads itself. A rebuild that finishes
//! between a page's download and its connection to the stream is therefore never missed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tokio::sync::broadcast;

use crate::markdown::escape;

/// Path of the event stream.
pub const EVENTS_PATH: &str = "/__nianbao/events";

/// Id of the overlay element.
pub const OVERLAY_ID: &str = "nianbao-overlay";

/// The state open pages follow: a version and, after a failed rebuild, the overlay to show.
#[derive(Debug)]
pub struct Hub {
    version: AtomicU64,
    overlay: RwLock<Option<Arc<str>>>,
    tx: broadcast::Sender<u64>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            version: AtomicU64::new(0),
            overlay: RwLock::new(None),
            tx: broadcast::channel(16).0,
        }
    }
}

impl Hub {
    /// The current version.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// The overlay to show on every page, when the last rebuild failed.
    pub fn overlay(&self) -> Option<Arc<str>> {
        self.overlay.read().map(|o| o.clone()).unwrap_or_default()
    }

    /// Versions as they change.
    pub fn subscribe(&self) -> broadcast::Receiver<u64> {
        self.tx.subscribe()
    }

    /// A rebuild succeeded and its files are in place: clear the overlay, reload every page.
    pub fn succeeded(&self) {
        self.publish(None);
    }

    /// A rebuild failed: the last good site stays, every page shows `overlay_html`.
    pub fn failed(&self, overlay_html: String) {
        self.publish(Some(overlay_html.into()));
    }

    fn publish(&self, overlay: Option<Arc<str>>) {
        if let Ok(mut o) = self.overlay.write() {
            *o = overlay;
        }
        let v = self.version.fetch_add(1, Ordering::SeqCst) + 1;
        // No page listening is fine.
        let _ = self.tx.send(v);
    }
}

/// The script serve adds to every page it builds (`BuildOptions::inject_html`): it follows the
/// event stream and reloads the page when the site's version is not the one the page was served
/// at. `window.nianbaoLive` says where it stands ("connecting", "open", "reloading"), for tests.
pub fn script() -> String {
    format!(
        r#"<script>
(function () {{
  if (!window.EventSource) return;
  window.nianbaoLive = "connecting";
  var es = new EventSource("{EVENTS_PATH}");
  function follow(v) {{
    // The version stamp comes after this script: wait until the page is parsed.
    if (document.readyState === "loading") {{
      document.addEventListener("DOMContentLoaded", function () {{ follow(v); }});
      return;
    }}
    if (window.nianbaoLive === "reloading") return;
    window.nianbaoLive = "open";
    if (String(window.nianbaoVersion) !== v) {{
      window.nianbaoLive = "reloading";
      es.close();
      location.reload();
    }}
  }}
  es.addEventListener("version", function (e) {{ follow(e.data); }});
}})();
</script>
"#
    )
}

/// What goes into a served HTML page: the version stamp and, after a failed rebuild, the overlay.
pub fn stamp(version: u64, overlay: Option<&str>) -> String {
    format!(
        "{}<script>window.nianbaoVersion = {version};</script>\n",
        overlay.unwrap_or_default()
    )
}

/// Inserts `extra` before the last `</body>` of a page (or at its end).
pub fn inject(html: &str, extra: &str) -> String {
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + extra.len());
    out.push_str(&html[..at]);
    out.push_str(extra);
    out.push_str(&html[at..]);
    out
}

/// The overlay shown after a failed rebuild. `title` says what failed; `text` is what the
/// terminal printed (diagnostics as `check` prints them, or the tool error), shown verbatim.
pub fn overlay_html(title: &str, text: &str) -> String {
    format!(
        r#"<div id="{OVERLAY_ID}" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem;background:rgba(24,24,27,.95);color:#fafafa;font:16px/1.5 system-ui,sans-serif;text-align:left">
<p style="margin:0 0 .5rem;font-size:1.25rem;font-weight:bold;color:#fca5a5">{}</p>
<p style="margin:0 0 1rem">页面显示的是上一次成功构建的内容。修正后保存，页面会自动刷新。</p>
<pre style="margin:0 0 1rem;white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#fafafa;background:none">{}</pre>
<button type="button" onclick="this.parentNode.remove()" style="font:inherit;padding:.25rem 1rem">关闭</button>
</div>
"#,
        escape(title),
        escape(text.trim_end())
    )
}

/// The page served before the first good build: it waits for one (the HTTP side stamps it and
/// adds the overlay like any page).
pub fn placeholder_page() -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>nianbao serve</title>\n</head>\n<body>\n<main>\n<p>正在构建站点……构建完成后本页会自动刷新。</p>\n</main>\n{}</body>\n</html>\n",
        script()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_is_escaped() {
        let o = overlay_html("构建失败", "error[R001]: <script>alert(1)</script> & \"x\"");
        assert!(
            o.contains("error[R001]: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;")
        );
        assert!(!o.contains("<script>"));
    }

    #[test]
    fn injection_goes_before_the_last_body_end() {
        let html = "<html><body><p>&lt;/body&gt;</p></BODY></html>";
        assert_eq!(
            inject(html, "X"),
            "<html><body><p>&lt;/body&gt;</p>X</BODY></html>"
        );
        assert_eq!(inject("<p>no end", "X"), "<p>no endX");
    }

    #[test]
    fn every_outcome_bumps_the_version() {
        let hub = Hub::default();
        let mut rx = hub.subscribe();
        hub.failed("o".into());
        assert_eq!(hub.overlay().as_deref(), Some("o"));
        hub.succeeded();
        assert_eq!(hub.overlay(), None);
        assert_eq!(hub.version(), 2);
        assert_eq!(rx.try_recv().unwrap(), 1);
        assert_eq!(rx.try_recv().unwrap(), 2);
    }
}
