//! W102: sections 一 and 五 copied from the agency's previous report or from another agency's
//! report of the same year.
//!
//! In: per report a small print (a MinHash sketch of each section, made while the report is
//! read), and a way to compute the exact similarity of two reports' sections (re-reading the two
//! files). Out: warnings at the section heading. Candidates come from locality-sensitive hashing
//! of the sketches, so the cost grows with the number of reports, not with its square; the exact
//! Jaccard index of the 4-gram sets decides (rules.md).

// Deterministic and fast: the candidate pairs are millions of small keys on a large site.
use crate::fast::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diagnostic::{Code, Detail, Diagnostic, Pos};
use crate::report::Report;

/// The sections compared.
pub const SECTIONS: [&str; 2] = ["一", "五"];

/// Sections shorter than this after normalising are not compared.
pub const MIN_CHARS: usize = 100;

/// What every run of digits becomes.
const DIGITS: char = '#';

/// Sketch size: 64 bins of 16 bits (128 bytes a section).
const K: usize = 64;

/// The text rules.md compares: Markdown markup, whitespace and punctuation removed, every run of
/// digits one placeholder, the report's own agency name removed.
pub fn normalise(markdown: &str, agency: &str) -> String {
    let text = strip_markup(markdown);
    let mut out = String::with_capacity(text.len());
    let mut in_digits = false;
    for c in text.chars() {
        match class(c) {
            Class::Digit => {
                if !in_digits {
                    out.push(DIGITS);
                }
                in_digits = true;
            }
            Class::Letter => {
                out.push(c);
                in_digits = false;
            }
            // Spaces, punctuation, symbols, markup are dropped; a digit run continues across
            // them if nothing kept stands between (1,234 is one number).
            Class::Other => {}
        }
    }
    if !agency.is_empty() {
        let name = normalise_plain(agency);
        if !name.is_empty() && out.contains(&name) {
            out = out.replace(&name, "");
        }
    }
    out
}

enum Class {
    Digit,
    Letter,
    Other,
}

/// Digit, letter (kept) or anything else (dropped); the common ranges without a table lookup.
fn class(c: char) -> Class {
    match c {
        '0'..='9' | '０'..='９' => Class::Digit,
        'a'..='z' | 'A'..='Z' | '\u{4e00}'..='\u{9fff}' => Class::Letter,
        '\0'..='\u{7f}'
        | '\u{2000}'..='\u{206f}'
        | '\u{3000}'..='\u{303f}'
        | '\u{ff00}'..='\u{ff0f}'
        | '\u{ff1a}'..='\u{ff20}' => Class::Other,
        c if c.is_numeric() => Class::Digit,
        c if c.is_alphanumeric() => Class::Letter,
        _ => Class::Other,
    }
}

/// `normalise` without the name step (for the name itself).
fn normalise_plain(s: &str) -> String {
    normalise(s, "")
}

/// The Markdown without comments, HTML tags and link targets (the text a reader sees).
fn strip_markup(md: &str) -> std::borrow::Cow<'_, str> {
    if !md.contains(['<', ']']) {
        return md.into();
    }
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find(['<', ']']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
        } else if let Some(after) = tail.strip_prefix('<') {
            // A tag or autolink: up to its `>` on the same line; a lone `<` is text.
            match after.find(['>', '\n']) {
                Some(e) if after.as_bytes()[e] == b'>' => rest = &after[e + 1..],
                _ => {
                    out.push('<');
                    rest = after;
                }
            }
        } else if let Some(link) = tail.strip_prefix("](") {
            rest = link.find(')').map_or("", |e| &link[e + 1..]);
        } else {
            out.push(']');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out.into()
}

fn mix(mut x: u64) -> u64 {
    // splitmix64's finaliser.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The hashes of a normalised text's character 4-grams (with repeats).
fn gram_hashes(norm: &str) -> impl Iterator<Item = u64> + '_ {
    // The three characters before (21 bits each) in one word, then the fourth mixed in.
    let mut before: u64 = 0;
    norm.chars().enumerate().filter_map(move |(i, c)| {
        let c = u64::from(c);
        let h = (i >= 3).then(|| mix(before ^ c.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        before = ((before << 21) | c) & ((1 << 63) - 1);
        h
    })
}

/// The set of a normalised text's 4-grams, as sorted hashes.
pub fn gram_set(norm: &str) -> Vec<u64> {
    let mut v: Vec<u64> = gram_hashes(norm).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The Jaccard index of two sorted sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        1.0
    } else {
        both as f64 / union as f64
    }
}

/// The exact similarity of two sections as rules.md defines it, each normalised with its own
/// report's agency name; `None` when either is under [`MIN_CHARS`] after normalising.
pub fn similarity(a: &str, a_agency: &str, b: &str, b_agency: &str) -> Option<f64> {
    let (a, b) = (normalise(a, a_agency), normalise(b, b_agency));
    if a.chars().count() < MIN_CHARS || b.chars().count() < MIN_CHARS {
        return None;
    }
    Some(jaccard(&gram_set(&a), &gram_set(&b)))
}

/// A MinHash sketch of one section (one-permutation hashing, densified), and its heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionPrint {
    /// File line of the section heading, and its width in characters.
    pub line: u32,
    pub width: u32,
    /// Fingerprint of the heading's place and of the normalised text (what the exact check
    /// compares): W102's findings are kept while it is unchanged, as after a figure edit.
    key: u64,
    sketch: Box<[u16; K]>,
}

impl SectionPrint {
    /// The sketch of a section, if it is long enough to compare.
    pub fn of(markdown: &str, agency: &str, line: u32, width: u32) -> Option<SectionPrint> {
        let norm = normalise(markdown, agency);
        if norm.chars().count() < MIN_CHARS {
            return None;
        }
        let mut bins = [u32::MAX; K];
        for h in gram_hashes(&norm) {
            let bin = (h >> 58) as usize;
            let v = (h & 0xffff) as u32;
            if v < bins[bin] {
                bins[bin] = v;
            }
        }
        // Densify: an empty bin borrows from the next filled one, offset by the distance, so
        // that two sketches agree on it exactly when they agree on the donor.
        let mut sketch = Box::new([0u16; K]);
        for j in 0..K {
            let (d, v) = (0..K)
                .map(|d| (d, bins[(j + d) % K]))
                .find(|(_, v)| *v != u32::MAX)
                .unwrap_or((0, 0));
            sketch[j] = (v as u16).wrapping_add((d as u16).wrapping_mul(0x9e37));
        }
        Some(SectionPrint {
            line,
            width,
            key: crate::facts::fingerprint_of(&(line, width, &norm)),
            sketch,
        })
    }

    /// The share of bins two sketches agree on: an estimate of the Jaccard index.
    pub fn estimate(&self, other: &SectionPrint) -> f64 {
        let same = self
            .sketch
            .iter()
            .zip(other.sketch.iter())
            .filter(|(a, b)| a == b)
            .count();
        same as f64 / K as f64
    }
}

/// What W102 keeps of one report: a print of sections 一 and 五 (`None` when absent or short).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportPrint {
    pub sections: [Option<SectionPrint>; 2],
}

impl ReportPrint {
    /// The print of a checked report (its body and its own agency name).
    pub fn of(r: &Report) -> ReportPrint {
        let mut out = ReportPrint::default();
        for (slot, numeral) in out.sections.iter_mut().zip(SECTIONS) {
            if let Some(s) = r.body.section(numeral) {
                let width = s.heading.chars().count() as u32 + 3;
                *slot = SectionPrint::of(&s.markdown, &r.agency, s.line, width);
            }
        }
        out
    }
}

/// One report as W102 sees it.
#[derive(Debug, Clone, Copy)]
pub struct CopyEntry<'a> {
    /// Path relative to the site root.
    pub file: &'a str,
    pub slug: &'a str,
    /// 机关名称 of the report (its `agency`).
    pub agency: &'a str,
    pub year: u16,
    pub draft: bool,
    pub print: &'a ReportPrint,
    /// Fingerprint of the file (the exact check reads it).
    pub source: u64,
    /// [`entry_id`] of the fields above: made once when the report is read, not on every check.
    pub id: u64,
}

/// What a finding names of a report, fingerprinted for [`CopyEntry::id`].
pub fn entry_id(file: &str, slug: &str, agency: &str, year: u16, draft: bool) -> u64 {
    crate::facts::fingerprint_of(&(file, slug, agency, year, draft))
}

impl CopyEntry<'_> {
    /// Everything a finding on section `s` takes from this entry (as the subject or as the one
    /// named): not the file's fingerprint, which a figure edit changes too.
    fn key(&self, s: usize, h: &mut impl std::hash::Hasher) {
        debug_assert_eq!(
            self.id,
            entry_id(self.file, self.slug, self.agency, self.year, self.draft)
        );
        h.write_u64(self.id);
        h.write_u64(self.print.sections[s].as_ref().map_or(0, |p| p.key));
    }
}

/// W102's findings, each with the fingerprint of what it was found in, so that serve, after a
/// save, searches again only what changed: for each year and section (against other agencies),
/// and for each report (against its agency's previous year, by the later report's file).
#[derive(Debug, Default)]
pub struct Memo {
    groups: Mutex<HashMap<(u16, usize), Found>>,
    /// By the fingerprint of the two reports' sections: the findings, and the check that last
    /// found them.
    previous: Mutex<HashMap<u64, (Vec<Diagnostic>, u64)>>,
    round: std::sync::atomic::AtomicU64,
}

/// Findings, with the fingerprint of what they were found in.
type Found = (u64, Vec<Diagnostic>);

/// The exact similarity of section `section` (index into [`SECTIONS`]) of two reports.
pub type ExactFn<'f> = dyn Fn(&CopyEntry, &CopyEntry, usize) -> Option<f64> + Sync + 'f;

/// How far below the threshold a sketch estimate may fall and still go to the exact check
/// (over three standard deviations of a 64-bin estimate).
const MARGIN: f64 = 0.2;

/// Rows per band for a threshold: the most (fewest false candidates) that still find a pair at
/// the threshold with probability ≥ 0.9999.
fn rows_per_band(threshold: f64) -> usize {
    (1..=K)
        .rev()
        .find(|&r| {
            let bands = (K / r) as i32;
            1.0 - (1.0 - threshold.powi(r as i32)).powi(bands) >= 0.9999
        })
        .unwrap_or(1)
}

/// In a bucket larger than this, each member is paired with this many neighbours only: every
/// member still finds near copies, and a template shared by thousands stays linear.
const BUCKET_CAP: usize = 24;

/// Pairs (i < j, the entries' indexes that `group` holds) whose sketches share a band and whose
/// estimated similarity may reach the threshold. Estimated as they are found: on a site where
/// thousands share a template, keeping every banded pair first took hundreds of MB.
fn candidates(group: &[(usize, &SectionPrint)], threshold: f64) -> HashSet<(usize, usize)> {
    let r = rows_per_band(threshold);
    let mut out = HashSet::default();
    let mut keyed: Vec<(u64, usize)> = Vec::with_capacity(group.len());
    for band in 0..K / r {
        keyed.clear();
        keyed.extend(group.iter().enumerate().map(|(k, (_, p))| {
            let mut h = band as u64;
            for v in &p.sketch[band * r..(band + 1) * r] {
                h = mix(h ^ u64::from(*v).wrapping_mul(0x100_0000_01b3));
            }
            (h, k)
        }));
        keyed.sort_unstable();
        let mut start = 0;
        while start < keyed.len() {
            let end = start + keyed[start..].partition_point(|x| x.0 == keyed[start].0);
            let run = &keyed[start..end];
            for (a, x) in run.iter().enumerate() {
                for y in run.iter().skip(a + 1).take(BUCKET_CAP) {
                    let ((i, p), (j, q)) = (group[x.1], group[y.1]);
                    if p.estimate(q) + MARGIN >= threshold {
                        out.insert((i.min(j), i.max(j)));
                    }
                }
            }
            start = end;
        }
    }
    out
}

fn percent(sim: f64) -> u32 {
    (sim * 100.0 + 1e-9).floor() as u32
}

fn heading(section: usize) -> String {
    crate::format::F2021
        .section(SECTIONS[section])
        .map_or_else(|| SECTIONS[section].to_string(), |s| s.heading())
}

/// W102 over the whole site: against the same agency's previous year (on the later report
/// only), and against other agencies of the same year (each report naming its most similar
/// one). A draft may be warned but is never named for a published report. `threshold` is
/// `[check] similarity`.
pub fn check(
    entries: &[CopyEntry],
    threshold: f64,
    exact: &ExactFn,
    memo: &Memo,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let by_key: HashMap<(&str, u16), usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.slug, e.year), i))
        .collect();
    let may_name = |subject: &CopyEntry, other: &CopyEntry| !other.draft || subject.draft;
    let warn = |e: &CopyEntry, section: usize, other: &CopyEntry, sim: f64, same_agency: bool| {
        let p = e.print.sections[section].as_ref()?;
        let whose = if same_agency {
            format!("本机关 {} 年报告（{}）", other.year, other.file)
        } else {
            format!("{} {} 年报告（{}）", other.agency, other.year, other.file)
        };
        let mut d = Diagnostic::new(
            Code::W102,
            e.file,
            Pos::new(p.line, 1, p.width),
            format!(
                "“{}”与{whose}的同一章节几乎相同（相似度 {}%）：请按本机关本年度的实际情况撰写",
                heading(section),
                percent(sim)
            ),
        );
        d.row(heading(section))
            .found(format!("{}%", percent(sim)))
            .label(format!("相似度 {}%", percent(sim)));
        Some(d)
    };
    // Against the previous year of the same agency.
    let mut before = memo
        .previous
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let previous: Vec<(u64, Option<Vec<Diagnostic>>)> = entries
        .par_iter()
        .filter_map(|e| {
            let prev = e
                .year
                .checked_sub(1)
                .and_then(|y| by_key.get(&(e.slug, y)))
                .map(|&i| &entries[i])
                .filter(|p| may_name(e, p))?;
            let mut h = crate::facts::hasher();
            std::hash::Hasher::write_u64(&mut h, threshold.to_bits());
            for s in 0..SECTIONS.len() {
                e.key(s, &mut h);
                prev.key(s, &mut h);
            }
            let key = std::hash::Hasher::finish(&h);
            if before.contains_key(&key) {
                return Some((key, None));
            }
            let mut found = Vec::new();
            for s in 0..SECTIONS.len() {
                let (Some(a), Some(b)) = (&e.print.sections[s], &prev.print.sections[s]) else {
                    continue;
                };
                if a.estimate(b) + MARGIN < threshold {
                    continue;
                }
                if let Some(sim) = exact(e, prev, s).filter(|x| *x >= threshold) {
                    found.extend(warn(e, s, prev, sim, true));
                }
            }
            Some((key, Some(found)))
        })
        .collect();
    // Kept: what this check found or found again; forgotten: pairs that changed or are gone.
    let round = memo
        .round
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        + 1;
    for (key, found) in previous {
        match found {
            Some(found) => {
                out.extend(found.iter().cloned());
                before.insert(key, (found, round));
            }
            None => {
                if let Some(kept) = before.get_mut(&key) {
                    kept.1 = round;
                    out.extend(kept.0.iter().cloned());
                }
            }
        }
    }
    before.retain(|_, kept| kept.1 == round);
    drop(before);

    // Against other agencies of the same year: candidates by year and section.
    let mut years: Vec<u16> = entries.iter().map(|e| e.year).collect();
    years.sort_unstable();
    years.dedup();
    // Each year and section on its own (in parallel: the candidate search is the serial part of
    // assembling a large site), the diagnostics then in year and section order.
    let groups: Vec<(u16, usize)> = years
        .iter()
        .flat_map(|&y| (0..SECTIONS.len()).map(move |s| (y, s)))
        .collect();
    let found: Vec<Vec<Diagnostic>> = groups
        .par_iter()
        .map(|&(year, s)| {
            let mut out = Vec::new();
            {
                let group: Vec<(usize, &SectionPrint)> = entries
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.year == year)
                    .filter_map(|(i, e)| e.print.sections[s].as_ref().map(|p| (i, p)))
                    .collect();
                // Everything the group's findings are made of.
                let mut h = crate::facts::hasher();
                std::hash::Hasher::write_u64(&mut h, threshold.to_bits());
                for (i, _) in &group {
                    entries[*i].key(s, &mut h);
                }
                let key = std::hash::Hasher::finish(&h);
                if let Some((k, found)) = memo
                    .groups
                    .lock()
                    .ok()
                    .and_then(|m| m.get(&(year, s)).cloned())
                {
                    if k == key {
                        return found;
                    }
                }
                if group.len() < 2 {
                    return out;
                }
                let mut pairs: Vec<(usize, usize)> = candidates(&group, threshold)
                    .into_iter()
                    .filter(|&(i, j)| entries[i].slug != entries[j].slug)
                    .collect();
                pairs.sort_unstable();
                let sims: Vec<((usize, usize), f64)> = pairs
                    .par_iter()
                    .filter_map(|&(i, j)| {
                        exact(&entries[i], &entries[j], s)
                            .filter(|x| *x >= threshold)
                            .map(|x| ((i, j), x))
                    })
                    .collect();
                // Each report names its most similar (then the first by file).
                let mut best: HashMap<usize, (f64, usize)> = HashMap::default();
                for ((i, j), sim) in sims {
                    for (me, other) in [(i, j), (j, i)] {
                        if !may_name(&entries[me], &entries[other]) {
                            continue;
                        }
                        let better = best.get(&me).is_none_or(|&(b, o)| {
                            sim > b || (sim == b && entries[other].file < entries[o].file)
                        });
                        if better {
                            best.insert(me, (sim, other));
                        }
                    }
                }
                let mut best: Vec<_> = best.into_iter().collect();
                best.sort_unstable_by_key(|(me, _)| *me);
                for (me, (sim, other)) in best {
                    out.extend(warn(&entries[me], s, &entries[other], sim, false));
                }
                if let Ok(mut m) = memo.groups.lock() {
                    m.insert((year, s), (key, out.clone()));
                }
            }
            out
        })
        .collect();
    out.extend(found.into_iter().flatten());
    out
}

/// The exact check for [`check`] from the files themselves: each file is read once and its
/// sections' 4-gram sets kept (only files in some candidate pair are read). Serve keeps one
/// across saves: a set is used again while its file's fingerprint is unchanged, and [`sweep`]
/// forgets the files the last check did not use.
///
/// [`sweep`]: FileSections::sweep
#[derive(Debug)]
pub struct FileSections {
    root: PathBuf,
    /// By file: its fingerprint, the last check that used it, its sets.
    cache: Mutex<HashMap<String, Kept>>,
    /// The check running (counted by [`FileSections::sweep`]).
    round: std::sync::atomic::AtomicU64,
}

/// The 4-gram sets of a report's sections 一 and 五 (`None`: absent or too short).
type GramSets = [Option<Vec<u64>>; 2];

/// A file's sets with its fingerprint and the check that last used them.
type Kept = (u64, u64, Arc<GramSets>);

impl FileSections {
    pub fn new(root: &Path) -> FileSections {
        FileSections {
            root: root.to_path_buf(),
            cache: Mutex::new(HashMap::default()),
            round: Default::default(),
        }
    }

    /// Forgets the sets the check since the last sweep did not use.
    pub fn sweep(&self) {
        let round = self
            .round
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut c) = self.cache.lock() {
            c.retain(|_, (_, used, _)| *used == round);
        }
    }

    fn sets(&self, e: &CopyEntry) -> Arc<GramSets> {
        let round = self.round.load(std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut c) = self.cache.lock() {
            if let Some((source, used, sets)) = c.get_mut(e.file) {
                if *source == e.source {
                    *used = round;
                    return sets.clone();
                }
            }
        }
        let text = crate::source::read(&self.root, e.file)
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        let body = crate::frontmatter::split(&text)
            .map(|s| crate::markdown::sections(s.body, s.body_line))
            .unwrap_or_default();
        let sets: GramSets = SECTIONS.map(|n| {
            let norm = normalise(&body.section(n)?.markdown, e.agency);
            (norm.chars().count() >= MIN_CHARS).then(|| gram_set(&norm))
        });
        let sets = Arc::new(sets);
        if let Ok(mut c) = self.cache.lock() {
            c.insert(e.file.to_string(), (e.source, round, sets.clone()));
        }
        sets
    }

    /// The exact similarity of a section of two reports, read from their files.
    pub fn similarity(&self, a: &CopyEntry, b: &CopyEntry, section: usize) -> Option<f64> {
        let (x, y) = (self.sets(a), self.sets(b));
        Some(jaccard(x[section].as_ref()?, y[section].as_ref()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTION_5: &str = "**存在的主要问题：**一是政策解读形式仍以文字为主，图解、问答等群众易懂的形式运用较少；二是个别业务科室对信息发布时限要求掌握不准，信息更新不够及时；三是政务公开工作人员多为兼职，人员变动较频繁。\n\n**改进措施：**\n\n- 推行图解、问答、短视频等多样化解读方式，提升政策解读的可读性；\n- 明确各类信息的发布时限，实行限时公开，加强对信息报送情况的督促检查；\n- 加强政务公开业务培训，保持工作队伍相对稳定。\n";

    #[test]
    fn normalising_drops_markup_punctuation_digits_and_the_own_name() {
        assert_eq!(
            normalise(
                "2023年，**示例县教育局**共办结 [12件](http://x/1) 申请<!-- 注 -->。<br>",
                "示例县教育局"
            ),
            "#年共办结#件申请"
        );
        assert_eq!(normalise("１２３，4,567 元", ""), "#元");
        assert_eq!(normalise("a < b", ""), "ab");
    }

    #[test]
    fn a_copy_with_only_the_year_and_name_changed_is_identical() {
        let a = format!("2023年，示例县教育局{SECTION_5}");
        let b = format!("2024年，示例县卫生健康局{SECTION_5}").replace("三是", "3是");
        let sim = similarity(&a, "示例县教育局", &b, "示例县卫生健康局").unwrap();
        assert!(sim > 0.95, "{sim}");
    }

    #[test]
    fn a_genuine_rewrite_stays_under_the_threshold() {
        let rewrite = "本年度政务公开工作还存在一些不足：信息发布的及时性有待加强，部分栏目更新较慢；政策解读的形式比较单一，群众参与互动不够。下一步，我们将建立信息发布提醒机制，定期检查栏目更新情况；丰富解读方式，多用图表和视频；加强培训，提高工作人员业务水平。";
        let sim = similarity(SECTION_5, "", rewrite, "").unwrap();
        assert!(sim < 0.3, "{sim}");
    }

    #[test]
    fn a_short_section_is_not_compared() {
        assert_eq!(similarity("无。", "", "无。", ""), None);
        assert!(SectionPrint::of("无。", "", 1, 5).is_none());
        assert!(SectionPrint::of(SECTION_5, "", 1, 5).is_some());
    }

    #[test]
    fn the_sketch_estimates_the_index() {
        let a = SectionPrint::of(SECTION_5, "", 1, 5).unwrap();
        assert_eq!(a.estimate(&a), 1.0);
        let half = &SECTION_5[..SECTION_5.len() / 2];
        let b = SectionPrint::of(&format!("{half}完全不同的另一段文字，讲述本年度的新情况新问题新举措，一共写了好几句话，用来拉开距离。"), "", 1, 5).unwrap();
        let exact = similarity(SECTION_5, "", &format!("{half}完全不同的另一段文字，讲述本年度的新情况新问题新举措，一共写了好几句话，用来拉开距离。"), "").unwrap();
        assert!(
            (a.estimate(&b) - exact).abs() < 0.2,
            "{} vs {exact}",
            a.estimate(&b)
        );
        for t in [0.5, 0.7, 0.9, 1.0] {
            let r = rows_per_band(t);
            assert!(r >= 1 && K / r >= 1, "{t}: {r}");
        }
        assert_eq!(rows_per_band(0.9), 5);
    }

    #[test]
    fn findings_are_kept_while_the_sections_are_and_found_again_when_they_change() {
        let copy = |agency: &str| ReportPrint {
            sections: [None, SectionPrint::of(SECTION_5, agency, 40, 12)],
        };
        let (a, b) = (copy("甲局"), copy("乙局"));
        fn entry<'a>(
            file: &'a str,
            agency: &'a str,
            print: &'a ReportPrint,
            source: u64,
        ) -> CopyEntry<'a> {
            CopyEntry {
                file,
                slug: &file[8..9],
                agency,
                year: 2024,
                draft: false,
                print,
                source,
                id: entry_id(file, &file[8..9], agency, 2024, false),
            }
        }
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let exact = |_: &CopyEntry, _: &CopyEntry, _: usize| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Some(1.0)
        };
        let memo = Memo::default();
        let run = |source_a: u64, print_a: &ReportPrint| {
            let entries = [
                entry("content/a/2024.md", "甲局", print_a, source_a),
                entry("content/b/2024.md", "乙局", &b, 2),
            ];
            check(&entries, 0.9, &exact, &memo)
        };
        let first = run(1, &a);
        assert_eq!(first.len(), 2, "{first:?}");
        let asked = calls.load(std::sync::atomic::Ordering::Relaxed);
        assert!(asked > 0);
        // A figure edit: the file's fingerprint moves, the sections do not.
        assert_eq!(run(7, &a), first);
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), asked);
        // The section's heading moves down a line: found again, at its new place.
        let moved = ReportPrint {
            sections: [None, SectionPrint::of(SECTION_5, "甲局", 41, 12)],
        };
        let again = run(8, &moved);
        assert!(calls.load(std::sync::atomic::Ordering::Relaxed) > asked);
        assert_eq!(again[0].line, 41, "{again:?}");
    }
}
