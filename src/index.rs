//! Index: the reports the site shows, grouped for the index pages, feed and sitemap.
//!
//! In: the agencies and the facts of the reports shown. Out: reports grouped by agency and by
//! year, in a deterministic order (agencies by `order`, then name; years newest first), and
//! what is computed across them for the pages: the region tree and the roll-ups.

use std::collections::BTreeMap;

use crate::fast::HashMap;
use std::sync::Arc;

use crate::across::Rollup;
use crate::facts::Facts;
use crate::regions::RegionTree;
use crate::report::{Agency, KeyFigures};

/// An agency shown, with its reports shown (newest first).
pub type Shown = (Arc<Agency>, Vec<Arc<Facts>>);

/// The most reports the home page lists (site.md).
pub const SEASON_LIMIT: usize = 200;

/// Reports grouped for the index pages.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Agencies in display order with their reports, newest first. Agencies without a report
    /// shown are left out.
    pub by_agency: Vec<(Arc<Agency>, Vec<Arc<Facts>>)>,
    /// Years, newest first, each with its reports in agency order.
    pub by_year: Vec<(u16, Vec<Arc<Facts>>)>,
    /// The regions of `[regions]`.
    pub regions: Arc<RegionTree>,
    /// The roll-ups of the reports shown: the site's, then each region's in tree order, each
    /// by year, oldest first.
    pub rollups: Vec<Arc<Rollup>>,
    /// The place of each agency in `by_agency`, by slug.
    places: HashMap<String, usize>,
    /// The places in `by_agency` of the agencies that `covers` a region or the site.
    covering: Vec<usize>,
    /// Where each set's roll-ups are in `rollups` (the site's under `None`).
    rollup_ranges: HashMap<Option<String>, std::ops::Range<usize>>,
    /// For each region of `regions` (by its place), the covering agencies its pages name:
    /// (place in `covering`, covers the region, belongs to it). Made at the first use, once
    /// `regions` is set.
    covering_by_region: std::sync::OnceLock<Vec<Vec<(usize, bool, bool)>>>,
}

impl Index {
    /// The agencies shown that `covers` something, as a roll-up's pages name them: each with
    /// whether it covers the set (the site: any; a region: that region) and whether it belongs
    /// to the set (the site: all; a region: its agencies). The rest are left out.
    pub fn covering_of<'a>(
        &'a self,
        set: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a Shown, bool, bool)> + 'a {
        let site = set
            .is_none()
            .then_some(0..self.covering.len())
            .into_iter()
            .flatten()
            .map(|k| (k, true, true));
        let region = set
            .and_then(|s| self.regions.index_of(s))
            .and_then(|i| self.covering_by_region().get(i))
            .map_or(&[][..], Vec::as_slice);
        site.chain(region.iter().copied())
            .map(|(k, covers, member)| (&self.by_agency[self.covering[k]], covers, member))
    }

    /// [`Index::covering_by_region`]'s lists: each covering agency goes to the region it covers
    /// and to the regions it is in (its own and those above), not to every region.
    fn covering_by_region(&self) -> &[Vec<(usize, bool, bool)>] {
        self.covering_by_region.get_or_init(|| {
            let tree = &self.regions;
            let mut out = vec![Vec::new(); tree.regions().len()];
            for (k, &i) in self.covering.iter().enumerate() {
                let a = &self.by_agency[i].0;
                let mut within = Vec::new();
                let mut at = a.region.as_deref().and_then(|r| tree.index_of_name(r));
                while let Some(j) = at {
                    within.push(j);
                    at = tree.regions()[j].parent;
                }
                let covered = a.covers.as_deref().and_then(|c| tree.index_of_name(c));
                if let Some(c) = covered {
                    out[c].push((k, true, within.contains(&c)));
                }
                for j in within.into_iter().filter(|j| Some(*j) != covered) {
                    out[j].push((k, false, true));
                }
            }
            out
        })
    }
}

impl Index {
    /// Groups `reports` (in any order) by the agencies' display order.
    pub fn new(agencies: &[Arc<Agency>], reports: impl IntoIterator<Item = Arc<Facts>>) -> Index {
        let rank: HashMap<&str, usize> = agencies
            .iter()
            .enumerate()
            .map(|(i, a)| (a.slug.as_str(), i))
            .collect();
        // The reports come grouped by agency (a site holds them in slug order): each agency's
        // run is ranked once, and only the runs are sorted. Runs of one agency apart in the
        // input are joined after.
        let mut runs: Vec<(usize, Vec<Arc<Facts>>)> = Vec::with_capacity(agencies.len());
        for r in reports {
            match runs.last_mut() {
                Some((_, v)) if v[0].slug == r.slug => v.push(r),
                _ => {
                    let k = rank.get(r.slug.as_str()).copied().unwrap_or(usize::MAX);
                    runs.push((k, vec![r]));
                }
            }
        }
        // Reports of no known agency by slug.
        runs.sort_by(|(ra, a), (rb, b)| {
            ra.cmp(rb).then_with(|| match *ra {
                usize::MAX => a[0].slug.cmp(&b[0].slug),
                _ => std::cmp::Ordering::Equal,
            })
        });
        let mut joined: Vec<(usize, Vec<Arc<Facts>>)> = Vec::with_capacity(runs.len());
        for (k, v) in runs {
            match joined.last_mut() {
                Some((_, j)) if j[0].slug == v[0].slug => j.extend(v),
                _ => joined.push((k, v)),
            }
        }
        let mut by_agency: Vec<(Arc<Agency>, Vec<Arc<Facts>>)> = Vec::with_capacity(joined.len());
        let mut by_year: BTreeMap<u16, Vec<Arc<Facts>>> = BTreeMap::new();
        for (rank, mut v) in joined {
            // Newest first (stable: reports of one year in the order given).
            v.sort_by_key(|r| std::cmp::Reverse(r.year));
            for r in &v {
                by_year.entry(r.year).or_default().push(r.clone());
            }
            if let Some(agency) = agencies.get(rank) {
                by_agency.push((agency.clone(), v));
            }
        }
        let places = by_agency
            .iter()
            .enumerate()
            .map(|(i, (a, _))| (a.slug.clone(), i))
            .collect();
        let covering = by_agency
            .iter()
            .enumerate()
            .filter(|(_, (a, _))| a.covers.is_some())
            .map(|(i, _)| i)
            .collect();
        Index {
            by_agency,
            by_year: by_year.into_iter().rev().collect(),
            places,
            covering,
            ..Index::default()
        }
    }

    /// The current publication season (site.md): the newest year's reports, and the previous
    /// year's too while the newest year has fewer.
    pub fn season(&self) -> Vec<(u16, &[Arc<Facts>])> {
        let mut out: Vec<(u16, &[Arc<Facts>])> = Vec::new();
        if let Some((y, v)) = self.by_year.first() {
            out.push((*y, v));
            if let Some((p, pv)) = self
                .by_year
                .get(1)
                .filter(|(p, pv)| p + 1 == *y && pv.len() > v.len())
            {
                out.push((*p, pv));
            }
        }
        out
    }

    /// Whether the season has too many reports to list on the home page: it shows the regions
    /// (or years) with counts instead.
    pub fn season_too_big(&self) -> bool {
        self.season().iter().map(|(_, v)| v.len()).sum::<usize>() > SEASON_LIMIT
    }

    /// Sets the roll-ups (each set's together, oldest first, as `across::rollups` makes them).
    pub fn set_rollups(&mut self, rollups: Vec<Arc<Rollup>>) {
        let mut ranges: HashMap<Option<String>, std::ops::Range<usize>> = HashMap::default();
        for (k, r) in rollups.iter().enumerate() {
            ranges
                .entry(r.slug.clone())
                .and_modify(|x| x.end = k + 1)
                .or_insert(k..k + 1);
        }
        self.rollups = rollups;
        self.rollup_ranges = ranges;
    }

    /// The site's roll-up (`region` `None`) or a region's, for a year.
    pub fn rollup(&self, region: Option<&str>, year: u16) -> Option<&Arc<Rollup>> {
        self.rollups_of(region).find(|r| r.year == year)
    }

    /// The roll-ups of the site (`None`) or a region, oldest first.
    pub fn rollups_of(&self, region: Option<&str>) -> std::slice::Iter<'_, Arc<Rollup>> {
        let range = self
            .rollup_ranges
            .get(&region.map(str::to_string))
            .cloned()
            .unwrap_or(0..0);
        self.rollups[range].iter()
    }

    /// An agency shown, by slug.
    pub fn agency(&self, slug: &str) -> Option<&Arc<Agency>> {
        self.places.get(slug).map(|&i| &self.by_agency[i].0)
    }

    /// An agency's place in `by_agency` (display order), by slug.
    pub fn place(&self, slug: &str) -> Option<usize> {
        self.places.get(slug).copied()
    }

    /// An agency's report of a year, if shown.
    pub fn report(&self, slug: &str, year: u16) -> Option<&Arc<Facts>> {
        let (_, reports) = &self.by_agency[self.place(slug)?];
        reports.iter().find(|r| r.year == year)
    }

    /// The reports shown of a year, in agency order.
    pub fn year(&self, year: u16) -> &[Arc<Facts>] {
        self.by_year
            .iter()
            .find(|(y, _)| *y == year)
            .map_or(&[][..], |(_, v)| v.as_slice())
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
