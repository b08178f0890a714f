//! Index: the reports the site shows, grouped for the index pages, feed and sitemap.
//!
//! In: the agencies and the facts of the reports shown. Out: reports grouped by agency and by
//! year, in a deterministic order (agencies by `order`, then name; years newest first).

use std::collections::BTreeMap;

type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
use std::sync::Arc;

use crate::facts::Facts;
use crate::report::{Agency, KeyFigures};

/// Reports grouped for the index pages.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Agencies in display order with their reports, newest first. Agencies without a report
    /// shown are left out.
    pub by_agency: Vec<(Arc<Agency>, Vec<Arc<Facts>>)>,
    /// Years, newest first, each with its reports in agency order.
    pub by_year: Vec<(u16, Vec<Arc<Facts>>)>,
}

impl Index {
    /// Groups `reports` (in any order) by the agencies' display order.
    pub fn new(agencies: &[Arc<Agency>], reports: impl IntoIterator<Item = Arc<Facts>>) -> Index {
        let rank: HashMap<&str, usize> = agencies
            .iter()
            .enumerate()
            .map(|(i, a)| (a.slug.as_str(), i))
            .collect();
        // Each report with its agency's rank, looked up once.
        let mut ranked: Vec<(usize, Arc<Facts>)> = reports
            .into_iter()
            .map(|r| (rank.get(r.slug.as_str()).copied().unwrap_or(usize::MAX), r))
            .collect();
        ranked.sort_by(|(ra, a), (rb, b)| {
            (ra, &a.slug, std::cmp::Reverse(a.year)).cmp(&(rb, &b.slug, std::cmp::Reverse(b.year)))
        });
        let mut by_agency: Vec<(Arc<Agency>, Vec<Arc<Facts>>)> = Vec::new();
        let mut by_year: BTreeMap<u16, Vec<Arc<Facts>>> = BTreeMap::new();
        for (rank, r) in ranked {
            by_year.entry(r.year).or_default().push(r.clone());
            let Some(agency) = agencies.get(rank) else {
                continue;
            };
            match by_agency.last_mut() {
                Some((a, v)) if Arc::ptr_eq(a, agency) => v.push(r),
                _ => by_agency.push((agency.clone(), vec![r])),
            }
        }
        Index {
            by_agency,
            by_year: by_year.into_iter().rev().collect(),
        }
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
