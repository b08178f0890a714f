//! Index: the reports the site shows, grouped for the index pages, feed and sitemap.
//!
//! In: the agencies and the facts of the reports shown. Out: reports grouped by agency and by
//! year, in a deterministic order (agencies by `order`, then name; years newest first).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::facts::Facts;
use crate::report::{Agency, KeyFigures};

/// Reports grouped for the index pages.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Agencies in display order with their reports, newest first. Agencies without a report
    /// shown are left out.
    pub by_agency: Vec<(Agency, Vec<Arc<Facts>>)>,
    /// Years, newest first, each with its reports in agency order.
    pub by_year: Vec<(u16, Vec<Arc<Facts>>)>,
}

impl Index {
    /// Groups `reports` (in any order) by the agencies' display order.
    pub fn new(agencies: &[Agency], reports: impl IntoIterator<Item = Arc<Facts>>) -> Index {
        let rank: BTreeMap<&str, usize> = agencies
            .iter()
            .enumerate()
            .map(|(i, a)| (a.slug.as_str(), i))
            .collect();
        let mut by_slug: BTreeMap<String, Vec<Arc<Facts>>> = BTreeMap::new();
        let mut by_year: BTreeMap<u16, Vec<Arc<Facts>>> = BTreeMap::new();
        for r in reports {
            by_year.entry(r.year).or_default().push(r.clone());
            if rank.contains_key(r.slug.as_str()) {
                by_slug.entry(r.slug.clone()).or_default().push(r);
            }
        }
        let mut by_agency = Vec::new();
        for a in agencies {
            if let Some(mut v) = by_slug.remove(a.slug.as_str()) {
                v.sort_by_key(|s| std::cmp::Reverse(s.year));
                by_agency.push((a.clone(), v));
            }
        }
        let by_year = by_year
            .into_iter()
            .rev()
            .map(|(y, mut v)| {
                let key = |s: &Facts| rank.get(s.slug.as_str()).copied().unwrap_or(usize::MAX);
                v.sort_by(|a, b| (key(a), &a.slug).cmp(&(key(b), &b.slug)));
                (y, v)
            })
            .collect();
        Index { by_agency, by_year }
    }

    /// Total of the key figures of some reports.
    pub fn totals(reports: &[Arc<Facts>]) -> KeyFigures {
        let mut t = KeyFigures::default();
        for r in reports {
            t += r.figures;
        }
        t
    }
}
