//! The report page without per-page template work, for the built-in templates.
//!
//! In: the Tera renderer and a report's typed views. Out: the same HTML Tera would give. The
//! page template is rendered once per page *shape* (draft or not, date known or not, preamble
//! or not) with a marker in every text field; the result is cut at the markers and later filled
//! with each report's escaped text and HTML. This is exact only for templates that print fields
//! without filters — the built-in ones — so a site with its own `report.html`, `base.html` or
//! `macros.html` renders every page through Tera.

use std::sync::{Arc, Mutex, PoisonError};

use super::view::{PageView, ReportView};
use crate::markdown::escape;

/// A marker no escaping changes and no report contains (private-use characters).
fn marker(i: usize) -> String {
    format!("\u{E000}{i}\u{E001}")
}

/// Where a page's content goes in a cut frame (see `native`).
pub(super) const CONTENT: char = '\u{E002}';

pub(super) enum Piece {
    Text(String),
    /// A field by number, escaped unless HTML.
    Field(usize),
    /// The content of a frame.
    Content,
}

/// The page fields every template prints (`base.html`), in a fixed order, with whether each is
/// HTML.
pub(super) fn page_fields(page: &mut PageView, f: &mut dyn FnMut(&mut String, bool)) {
    f(&mut page.title, false);
    for c in &mut page.crumbs {
        f(&mut c.title, false);
        if let Some(u) = &mut c.url {
            f(u, false);
        }
    }
    f(&mut page.canonical, false);
    f(&mut page.inject_html, true);
}

/// What changes `base.html`'s control flow.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct PageShape {
    title_is_site_title: bool,
    crumbs: usize,
    crumb_urls: u64,
}

impl PageShape {
    pub(super) fn of(page: &PageView, site_title: &str) -> PageShape {
        PageShape {
            title_is_site_title: page.title == site_title,
            crumbs: page.crumbs.len(),
            crumb_urls: page
                .crumbs
                .iter()
                .enumerate()
                .map(|(i, c)| u64::from(c.url.is_some()) << (i % 64))
                .sum(),
        }
    }

    /// Puts markers `0..` in the page's fields; returns how many fields there are. A title
    /// equal to the site's stays: `base.html` compares them, and the shape says they are equal.
    pub(super) fn mark(&self, page: &mut PageView) -> usize {
        let mut n = 0;
        page_fields(page, &mut |s, _| {
            if !(n == 0 && self.title_is_site_title) {
                *s = marker(n);
            }
            n += 1;
        });
        n
    }
}

/// Cut pages by shape.
pub(super) struct Cuts<S> {
    cache: Mutex<Vec<(S, Arc<Vec<Piece>>)>>,
}

impl<S> Default for Cuts<S> {
    fn default() -> Self {
        Cuts {
            cache: Mutex::new(Vec::new()),
        }
    }
}

impl<S: PartialEq> Cuts<S> {
    /// The cut page of a shape; the first time, `render` gives it with markers `0..n` (and n).
    pub(super) fn get(
        &self,
        shape: S,
        render: impl FnOnce() -> Result<(String, usize), String>,
    ) -> Result<Arc<Vec<Piece>>, String> {
        let cached = {
            let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            cache
                .iter()
                .find(|(s, _)| *s == shape)
                .map(|(_, p)| p.clone())
        };
        if let Some(p) = cached {
            return Ok(p);
        }
        let (html, n) = render()?;
        let pieces = Arc::new(cut(&html, n));
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.push((shape, pieces.clone()));
        Ok(pieces)
    }
}

/// A cut page filled with its fields' values (HTML or text to escape) and content.
pub(super) fn fill(pieces: &[Piece], values: &[(String, bool)], content: &str) -> String {
    let size: usize = pieces
        .iter()
        .map(|p| if let Piece::Text(t) = p { t.len() } else { 0 })
        .sum::<usize>()
        + values
            .iter()
            .map(|(v, _)| v.len() + v.len() / 8)
            .sum::<usize>()
        + content.len();
    let mut out = String::with_capacity(size);
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Content => out.push_str(content),
            Piece::Field(i) => match values.get(*i) {
                Some((v, true)) => out.push_str(v),
                Some((v, false)) => out.push_str(&escape(v)),
                None => {}
            },
        }
    }
    out
}

/// Cuts a page rendered with markers `0..n` (and the content marker) into pieces.
fn cut(html: &str, n: usize) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(['\u{E000}', CONTENT]) {
        text.push_str(&rest[..start]);
        let after = &rest[start..];
        if let Some(tail) = after.strip_prefix(CONTENT) {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
            pieces.push(Piece::Content);
            rest = tail;
            continue;
        }
        let inner = &after['\u{E000}'.len_utf8()..];
        match inner.split_once('\u{E001}') {
            Some((num, tail)) if num.parse::<usize>().is_ok_and(|i| i < n) => {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
                pieces.push(Piece::Field(num.parse().unwrap_or(0)));
                rest = tail;
            }
            _ => {
                text.push('\u{E000}');
                rest = inner;
            }
        }
    }
    text.push_str(rest);
    pieces.push(Piece::Text(text));
    pieces
}

/// Visits every string field of the report view in a fixed order (after the page's), with
/// whether it is HTML (`_html`, printed raw, else escaped text) and whether the templates test
/// it (`{% if %}`).
fn fields(view: &mut ReportView, f: &mut dyn FnMut(&mut String, bool, bool)) {
    f(&mut view.title, false, false);
    f(&mut view.agency, false, false);
    f(&mut view.agency_url, false, false);
    f(&mut view.published, false, true);
    f(&mut view.format, false, false);
    f(&mut view.json_url, false, false);
    f(&mut view.csv_url, false, false);
    f(&mut view.preamble_html, true, true);
    for s in &mut view.sections {
        f(&mut s.id, false, false);
        f(&mut s.numeral, false, false);
        f(&mut s.heading, false, false);
        f(&mut s.generated_html, true, false);
        f(&mut s.html, true, false);
    }
}

/// What changes the template's control flow for a report page.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Shape {
    /// A number, printed as is: part of the shape rather than a field.
    year: u16,
    draft: bool,
    published: bool,
    preamble: bool,
    sections: usize,
    page: PageShape,
}

/// Cut report pages, by shape.
#[derive(Default)]
pub struct Skeletons {
    cuts: Cuts<Shape>,
}

impl Skeletons {
    /// Renders a report page: from a cut page of the same shape, else through `render` (Tera),
    /// once with markers to cut it for the next pages of that shape.
    pub fn report_page(
        &self,
        site_title: &str,
        view: ReportView,
        page: PageView,
        render: impl Fn(ReportView, PageView) -> Result<String, String>,
    ) -> Result<String, String> {
        let shape = Shape {
            year: view.year,
            draft: view.draft,
            published: !view.published.is_empty(),
            preamble: !view.preamble_html.is_empty(),
            sections: view.sections.len(),
            page: PageShape::of(&page, site_title),
        };
        let pieces = self.cuts.get(shape, || {
            let (mut mv, mut mp) = (view.clone(), page.clone());
            let mut n = shape.page.mark(&mut mp);
            fields(&mut mv, &mut |s, _, tested| {
                // A tested field that is empty stays empty: the shape says it is.
                if !(tested && s.is_empty()) {
                    *s = marker(n);
                }
                n += 1;
            });
            Ok((render(mv, mp)?, n))
        })?;
        let (mut view, mut page) = (view, page);
        let mut values: Vec<(String, bool)> = Vec::new();
        page_fields(&mut page, &mut |s, html| {
            values.push((std::mem::take(s), html))
        });
        fields(&mut view, &mut |s, html, _| {
            values.push((std::mem::take(s), html))
        });
        Ok(fill(&pieces, &values, ""))
    }
}
