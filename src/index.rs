//! Index: the small per-report data the index pages, feed and sitemap need.
//!
//! In: the checked reports and agencies. Out: summaries grouped by agency and by year, in a
//! deterministic order (agencies by `order`, then name; years newest first).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::report::{Agency, KeyFigures, Report};

/// What the indexes keep of a report once its page is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub slug: String,
    /// 机关名称 as it stood that year.
    pub agency: String,
    pub year: u16,
    pub title: String,
    pub published: Option<NaiveDate>,
    pub draft: bool,
    pub figures: KeyFigures,
}

impl Summary {
    pub fn of(r: &Report) -> Summary {
        Summary {
            slug: r.slug.clone(),
            agency: r.agency.clone(),
            year: r.year,
            title: r.title.clone(),
            published: r.published,
            draft: r.draft,
            figures: r.key_figures(),
        }
    }

    /// Path of the report page below the site root, e.g. `shequ-ban/2020/`.
    pub fn path(&self) -> String {
        format!("{}/{}/", self.slug, self.year)
    }
}

/// Reports grouped for the index pages.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Agencies in display order with their reports, newest first. Agencies without a
    /// published report are left out.
    pub by_agency: Vec<(Agency, Vec<Summary>)>,
    /// Years, newest first, each with its reports in agency order.
    pub by_year: Vec<(u16, Vec<Summary>)>,
}

impl Index {
    /// Groups `summaries` (in any order) by the agencies' display order.
    pub fn new(agencies: &[Agency], summaries: Vec<Summary>) -> Index {
        let rank: BTreeMap<&str, usize> = agencies
            .iter()
            .enumerate()
            .map(|(i, a)| (a.slug.as_str(), i))
            .collect();
        let mut by_slug: BTreeMap<String, Vec<Summary>> = BTreeMap::new();
        let mut by_year: BTreeMap<u16, Vec<Summary>> = BTreeMap::new();
        for s in summaries {
            by_year.entry(s.year).or_default().push(s.clone());
            if rank.contains_key(s.slug.as_str()) {
                by_slug.entry(s.slug.clone()).or_default().push(s);
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
                let key = |s: &Summary| rank.get(s.slug.as_str()).copied().unwrap_or(usize::MAX);
                v.sort_by(|a, b| (key(a), &a.slug).cmp(&(key(b), &b.slug)));
                (y, v)
            })
            .collect();
        Index { by_agency, by_year }
    }

    /// Total of the key figures of some reports.
    pub fn totals(reports: &[Summary]) -> KeyFigures {
        let mut t = KeyFigures::default();
        for r in reports {
            t += r.figures;
        }
        t
    }
}
