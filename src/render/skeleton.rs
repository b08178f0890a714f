//! The report page without per-page template work, for the built-in templates.
//!
//! In: the Tera renderer and a report's typed views. Out: the same HTML Tera would give. The
//! page template is rendered once per page *shape* (draft or not, date known or not, preamble
//! or not) with a marker in every text field; the result is cut at the markers and later filled
//! with each report's escaped text and HTML. This is exact only for templates that print fields
//! without filters — the built-in ones — so a site with its own `report.html`, `base.html` or
//! `macros.html` renders every page through Tera.

use std::sync::{Mutex, PoisonError};

use super::view::{PageView, ReportView};
use crate::markdown::escape;

/// A marker no escaping changes and no report contains (private-use characters).
fn marker(i: usize) -> String {
    format!("\u{E000}{i}\u{E001}")
}

enum Piece {
    Text(String),
    Field(usize),
}

/// Visits every string field of the views in a fixed order, with whether it is HTML (`_html`,
/// printed raw, else escaped text) and whether the templates test it (`{% if %}`).
fn fields(view: &mut ReportView, page: &mut PageView, f: &mut dyn FnMut(&mut String, bool, bool)) {
    f(&mut page.title, false, false);
    for c in &mut page.crumbs {
        f(&mut c.title, false, false);
        if let Some(u) = &mut c.url {
            f(u, false, false);
        }
    }
    f(&mut page.canonical, false, false);
    f(&mut page.inject_html, true, false);
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
    title_is_site_title: bool,
    sections: usize,
    crumbs: usize,
    crumb_urls: u32,
}

/// Cut pages, by shape.
#[derive(Default)]
pub struct Skeletons {
    cache: Mutex<Vec<(Shape, std::sync::Arc<Vec<Piece>>)>>,
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
            title_is_site_title: page.title == site_title,
            sections: view.sections.len(),
            crumbs: page.crumbs.len(),
            crumb_urls: page
                .crumbs
                .iter()
                .enumerate()
                .map(|(i, c)| u32::from(c.url.is_some()) << i)
                .sum(),
        };
        let cached = {
            let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            cache
                .iter()
                .find(|(s, _)| *s == shape)
                .map(|(_, p)| p.clone())
        };
        let pieces = match cached {
            Some(p) => p,
            None => {
                let (mut mv, mut mp) = (view.clone(), page.clone());
                let mut n = 0;
                fields(&mut mv, &mut mp, &mut |s, _, tested| {
                    // A tested field that is empty stays empty: the shape says it is.
                    if !(tested && s.is_empty()) {
                        *s = marker(n);
                    }
                    n += 1;
                });
                let cut = std::sync::Arc::new(cut(&render(mv, mp)?, n));
                let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
                cache.push((shape, cut.clone()));
                cut
            }
        };
        let (mut view, mut page) = (view, page);
        let mut values: Vec<(String, bool)> = Vec::new();
        fields(&mut view, &mut page, &mut |s, html, _| {
            values.push((std::mem::take(s), html))
        });
        let size: usize = pieces
            .iter()
            .map(|p| if let Piece::Text(t) = p { t.len() } else { 0 })
            .sum::<usize>()
            + values
                .iter()
                .map(|(v, _)| v.len() + v.len() / 8)
                .sum::<usize>();
        let mut out = String::with_capacity(size);
        for p in pieces.iter() {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Field(i) => match values.get(*i) {
                    Some((v, true)) => out.push_str(v),
                    Some((v, false)) => out.push_str(&escape(v)),
                    None => {}
                },
            }
        }
        Ok(out)
    }
}

/// Cuts a page rendered with markers `0..n` into text and fields.
fn cut(html: &str, n: usize) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('\u{E000}') {
        let after = &rest[start + '\u{E000}'.len_utf8()..];
        let Some(end) = after.find('\u{E001}') else {
            break;
        };
        match after[..end].parse::<usize>() {
            Ok(i) if i < n => {
                pieces.push(Piece::Text(rest[..start].to_string()));
                pieces.push(Piece::Field(i));
            }
            _ => pieces.push(Piece::Text(
                rest[..start + '\u{E000}'.len_utf8() + end + '\u{E001}'.len_utf8()].to_string(),
            )),
        }
        rest = &after[end + '\u{E001}'.len_utf8()..];
    }
    pieces.push(Piece::Text(rest.to_string()));
    pieces
}
