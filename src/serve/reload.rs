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
    overlay_parts(title, &[(String::new(), text.to_string())])
}

/// The overlay with its text in parts, each under its heading (none when empty): the problems of
/// the file saved last, then the others. Each part's text is shown as the terminal shows it:
/// messages and notes wrap, while the source lines with their markers scroll sideways rather
/// than wrap, so that every marker stays under its column (at 390 px too); the font gives a
/// Chinese character the width of two Latin ones, as the markers count them.
pub fn overlay_parts(title: &str, parts: &[(String, String)]) -> String {
    let mut body = String::new();
    for (heading, text) in parts {
        if !heading.is_empty() {
            body.push_str(&format!(
                "<p style=\"margin:1rem 0 .5rem;font-weight:bold;color:#fde68a\">{}</p>\n",
                escape(heading)
            ));
        }
        for (snippet, lines) in blocks(text.trim_end()) {
            let (wrap, extra) = if snippet {
                (
                    "white-space:pre;overflow-x:auto;overflow-wrap:normal",
                    " tabindex=\"0\"",
                )
            } else {
                ("white-space:pre-wrap;overflow-wrap:anywhere", "")
            };
            body.push_str(&format!(
                "<pre{extra} style=\"margin:0;{wrap};max-width:100%;font:14px/1.45 'Noto Sans Mono CJK SC','Source Han Mono SC','Sarasa Mono SC',NSimSun,ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#fafafa;background:none\">{}</pre>\n",
                escape(&lines)
            ));
        }
    }
    format!(
        r#"<div id="{OVERLAY_ID}" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem;background:rgba(24,24,27,.95);color:#fafafa;font:16px/1.5 system-ui,sans-serif;text-align:left">
<p style="margin:0 0 .5rem;font-size:1.25rem;font-weight:bold;color:#fca5a5">{}</p>
<p style="margin:0 0 1rem">页面显示的是上一次成功构建的内容。修正后保存，页面会自动刷新。</p>
{body}<p style="margin:1rem 0 0"><button type="button" onclick="this.parentNode.remove()" style="font:inherit;padding:.25rem 1rem">关闭</button></p>
</div>
"#,
        escape(title),
    )
}

/// A source line of a rendered diagnostic, or a marker line under one: `13 |   new: [...]`,
/// `   |        ^^ 标签`. Everything else (the message, `-->` and `= note:` lines) may wrap.
fn is_snippet_line(line: &str) -> bool {
    line.trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start()
        .starts_with('|')
}

/// The lines of a text in runs of snippet lines and of other lines, in order, each run with
/// its line ends (a blank line stays with the run before it).
fn blocks(text: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    for line in text.split('\n') {
        let snippet = is_snippet_line(line);
        match out.last_mut() {
            Some((s, run)) if *s == snippet || line.trim().is_empty() => {
                run.push('\n');
                run.push_str(line);
            }
            _ => {
                if let Some((_, run)) = out.last_mut() {
                    run.push('\n');
                }
                out.push((snippet, line.to_string()));
            }
        }
    }
    out
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
        let o = overlay_parts(
            "t",
            &[
                ("刚保存的 <a>".into(), "x".into()),
                (String::new(), "y".into()),
            ],
        );
        assert!(o.contains("刚保存的 &lt;a&gt;</p>"), "{o}");
        assert_eq!(o.matches("<pre").count(), 2);
    }

    #[test]
    fn the_snippet_scrolls_sideways_and_the_messages_wrap() {
        let text = "error[N002]: 第 13 行第 10 列是中文逗号\n  --> a.md:13:10\n   |\n13 |   new: [5，1]\n   |        ^^ 中文逗号\n   |\n   = note: nianbao check --fix 可自动改正\n\nwarning[W008]: 没有发布日期\n";
        let runs = blocks(text.trim_end());
        let kinds: Vec<bool> = runs.iter().map(|(s, _)| *s).collect();
        assert_eq!(kinds, [false, true, false]);
        assert_eq!(
            runs[1].1,
            "   |\n13 |   new: [5，1]\n   |        ^^ 中文逗号\n   |\n"
        );
        // Nothing lost, nothing added.
        let joined: String = runs.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(joined, text.trim_end());
        let o = overlay_html("t", text);
        let pres: Vec<&str> = o
            .split("<pre")
            .skip(1)
            .map(|p| &p[..p.find('>').unwrap()])
            .collect();
        assert_eq!(pres.len(), 3);
        assert!(
            pres[1].contains("white-space:pre;") && pres[1].contains("overflow-x:auto"),
            "{}",
            pres[1]
        );
        assert!(
            pres[1].contains("tabindex=\"0\""),
            "scrollable by keyboard: {}",
            pres[1]
        );
        assert!(pres[0].contains("pre-wrap") && pres[2].contains("pre-wrap"));
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
