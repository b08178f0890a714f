//! Search: in, the reports a build publishes; out, the files of `/search/` — one record per
//! report (what a result shows: agency, year, title, region and the text of the narrative) and
//! an index made from the records, split into files so that a query fetches only a few of them.
//!
//! Chinese has no spaces between words, and the browser has no dictionary to cut a query into
//! the words a build would have cut the text into: text is indexed as overlapping pairs of Han
//! characters (and single ones), the way Lucene's CJK analyzer does, and a query is cut the same
//! way by `assets/search.js`. Any two or more characters of a report are found, whatever the
//! words around them. Other letters and digits index as words (`2023`, `12345`). The tokenizer
//! here and the script's are one definition, tested against each other by the browser tests.
//!
//! The index folder (`search/index/`) holds, all named with the generation (a fingerprint of the
//! whole index) so that a reader never mixes two builds:
//! - `entry.json`: generation, number of reports and shards, the years and regions;
//! - `m.<gen>.bin`: each report's year and region, for the filters;
//! - `d<k>.<gen>.txt`: the record paths of reports `k·64 …`, one a line;
//! - `s<i>.<gen>.bin`: the terms whose hash falls in shard `i`, each with its postings.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::fast::HashMap;
use crate::format::SectionKind;
use crate::report::Report;

/// Folder of the index, below the site root.
pub const INDEX_DIR: &str = "search/index/";
/// Folder of the records (one folder an agency), below the site root.
pub const RECORDS_DIR: &str = "search/r/";
/// Reports per file of record paths.
const CHUNK: usize = 64;
/// Target size of a shard, before the count of shards is rounded up to a power of two.
const SHARD_BYTES: usize = 16 * 1024;
/// Longest word indexed (characters); longer runs are cut.
const MAX_WORD: usize = 40;

/// What a search result shows of a report, stored at [`record_path`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The report's folder below the site root, e.g. `shilixian-jiaoyuju/2023/`.
    pub url: String,
    pub agency: String,
    pub year: u16,
    pub region: String,
    pub title: String,
    /// Preamble and sections as plain text, one paragraph a line.
    pub text: String,
}

/// Where the record of a report is: `search/r/<slug>/<year>.json`.
pub fn record_path(slug: &str, year: u16) -> String {
    format!("{RECORDS_DIR}{slug}/{year}.json")
}

/// The record of a report; `region` is its agency's.
pub fn record(r: &Report, region: Option<&str>) -> Record {
    let mut text = String::new();
    plain_text(&r.body.preamble, &mut text);
    let f = r.format;
    for (i, def) in f.sections.iter().enumerate() {
        let written = r.body.section(def.numeral);
        if let Some(s) = written {
            text.push_str(&s.heading);
            text.push('\n');
            plain_text(&s.markdown, &mut text);
        }
        // The sentence the report page adds about the fees (render::report_page).
        if let (SectionKind::Narrative, Some(fdef), Some(fees), true) = (
            &def.kind,
            &f.processing_fees,
            r.processing_fees,
            i + 1 == f.sections.len(),
        ) {
            if !written.is_some_and(|s| fdef.stated_in(&s.markdown)) {
                text.push_str(
                    &fdef
                        .sentence
                        .replace("{notices}", &fees.notices.to_string())
                        .replace("{amount}", &fees.amount.to_string()),
                );
                text.push('\n');
            }
        }
    }
    Record {
        url: format!("{}/{}/", r.slug, r.year),
        agency: r.agency.clone(),
        year: r.year,
        region: region.unwrap_or_default().to_string(),
        title: r.title.clone(),
        text: text.trim_end().to_string(),
    }
}

/// The text of some Markdown, a line per block, without markup or HTML comments.
fn plain_text(md: &str, out: &mut String) {
    let newline = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    for ev in Parser::new_ext(md, crate::markdown::options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => {}
            Event::HardBreak
            | Event::Start(Tag::Item)
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableHead
                | TagEnd::TableRow,
            ) => newline(out),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    newline(out);
}

/// The record of a report as stored.
pub fn record_bytes(rec: &Record) -> Result<Vec<u8>, String> {
    let mut v = serde_json::to_vec(rec).map_err(|e| e.to_string())?;
    v.push(b'\n');
    Ok(v)
}

// --- the tokenizer (the same in assets/search.js) -------------------------------------------

/// Full-width forms of ASCII as ASCII, ASCII capitals as small letters.
fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// A text folded character by character: every term of it is a slice of the result.
fn fold_text(text: &str) -> String {
    text.chars().map(fold).collect()
}

/// Han characters (CJK Unified Ideographs, extension A, compatibility, the supplementary planes).
fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

fn is_word(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric()
}

/// The terms of a text: each word; each pair of Han characters in a row, and with `singles`
/// each Han character too (a run of one character is always one term).
pub fn terms(text: &str, singles: bool, mut put: impl FnMut(&str)) {
    terms_of_folded(&fold_text(text), singles, &mut put);
}

/// [`terms`] of a folded text, as slices of it.
fn terms_of_folded<'a>(s: &'a str, singles: bool, put: &mut impl FnMut(&'a str)) {
    // The Han run so far: its start, the start of its last character, its length.
    let mut han: Option<(usize, usize, usize)> = None;
    // The word so far: its start, its end, its length in characters.
    let mut word: Option<(usize, usize, usize)> = None;
    let end_han =
        |han: &mut Option<(usize, usize, usize)>, at: usize, put: &mut dyn FnMut(&'a str)| {
            if let Some((start, _, 1)) = han.take() {
                put(&s[start..at]);
            }
        };
    let end_word = |word: &mut Option<(usize, usize, usize)>, put: &mut dyn FnMut(&'a str)| {
        if let Some((start, end, _)) = word.take() {
            put(&s[start..end]);
        }
    };
    for (i, c) in s.char_indices() {
        let next = i + c.len_utf8();
        if is_han(c) {
            end_word(&mut word, put);
            han = Some(match han {
                Some((start, last, n)) => {
                    if n == 1 && singles {
                        put(&s[last..i]);
                    }
                    if singles {
                        put(&s[i..next]);
                    }
                    put(&s[last..next]);
                    (start, i, n + 1)
                }
                None => (i, i, 1),
            });
        } else if is_word(c) {
            end_han(&mut han, i, put);
            word = Some(match word {
                Some((start, end, n)) if n >= MAX_WORD => (start, end, n),
                Some((start, _, n)) => (start, next, n + 1),
                None => (i, next, 1),
            });
        } else {
            end_han(&mut han, i, put);
            end_word(&mut word, put);
        }
    }
    end_han(&mut han, s.len(), put);
    end_word(&mut word, put);
}

/// FNV-1a of a term's UTF-8 bytes: which shard it is in.
pub fn term_hash(term: &str) -> u32 {
    term.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

// --- the index ------------------------------------------------------------------------------

/// A report read for the index: its record, and its fields and text folded.
struct Doc {
    rec: Record,
    fields: String,
    text: String,
}

impl Doc {
    fn new(rec: Record) -> Doc {
        let fields = fold_text(&format!(
            "{} {} {} {}",
            rec.agency, rec.title, rec.region, rec.year
        ));
        let text = fold_text(&rec.text);
        Doc { rec, fields, text }
    }

    /// Its terms with their weights: bit 4 (16) when the term is in the agency's name, title,
    /// region or year; the low four bits the count in the text (at most 15). Han terms come as
    /// codes ([`han_code`]), sorted: counted by sorting, not in a map (most of a build's search
    /// work); words (letters and digits, few) in a map.
    fn weigh(&self) -> Weighed<'_> {
        let mut words: HashMap<&str, u8> = HashMap::default();
        let mut field_codes: Vec<u64> = Vec::new();
        terms_of_folded(&self.fields, true, &mut |t| match han_code(t) {
            Some(c) => field_codes.push(c),
            None => *words.entry(t).or_default() |= 16,
        });
        // About two Han terms (a pair and a single) for every three bytes of text.
        let mut codes: Vec<u64> = Vec::with_capacity(self.text.len() * 2 / 3 + 16);
        terms_of_folded(&self.text, true, &mut |t| match han_code(t) {
            Some(c) => codes.push(c),
            None => {
                let e = words.entry(t).or_default();
                if *e & 15 < 15 {
                    *e += 1;
                }
            }
        });
        field_codes.sort_unstable();
        field_codes.dedup();
        codes.sort_unstable();
        let mut han: Vec<(u64, u8)> = Vec::with_capacity(codes.len() / 2 + field_codes.len());
        let mut fields = field_codes.iter().peekable();
        for run in codes.chunk_by(|a, b| a == b) {
            let code = run[0];
            while let Some(&&f) = fields.peek() {
                if f >= code {
                    break;
                }
                han.push((f, 16));
                fields.next();
            }
            let in_fields = fields.next_if(|&&f| f == code).is_some();
            han.push((
                code,
                run.len().min(15) as u8 | if in_fields { 16 } else { 0 },
            ));
        }
        han.extend(fields.map(|&f| (f, 16)));
        (han, words.into_iter().collect())
    }
}

/// A report's Han terms (by code, sorted) and words, with their weights.
type Weighed<'d> = (Vec<(u64, u8)>, Vec<(&'d str, u8)>);

/// A term of one or two Han characters as a number (the index's key while it is made); `None`
/// for a word.
fn han_code(term: &str) -> Option<u64> {
    let mut cs = term.chars();
    let a = cs.next().filter(|c| is_han(*c))?;
    Some(match cs.next() {
        None => u64::from(a),
        Some(b) => HAN_PAIR | (u64::from(a) << 21) | u64::from(b),
    })
}

/// Marks a code of two characters (each below 2²¹).
const HAN_PAIR: u64 = 1 << 42;

/// The term a [`han_code`] stands for.
fn han_term(code: u64) -> String {
    let ch = |c: u64| char::from_u32(c as u32).unwrap_or(char::REPLACEMENT_CHARACTER);
    if code & HAN_PAIR == 0 {
        ch(code).to_string()
    } else {
        [ch((code >> 21) & 0x1F_FFFF), ch(code & 0x1F_FFFF)]
            .into_iter()
            .collect()
    }
}

/// The postings of one term, encoded as they come: report number (from the previous one),
/// weight.
#[derive(Default)]
struct Postings {
    bytes: Vec<u8>,
    last: u32,
    count: u32,
}

/// Some of the terms being indexed, with their postings: Han terms by code, words by text.
type Part = (HashMap<u64, Postings>, HashMap<Box<str>, Postings>);

/// The index being made, a batch of reports at a time, in their order.
struct Index {
    /// The terms, parted by their hash so that the parts are filled in parallel: Han terms by
    /// code, words by text.
    parts: Vec<Part>,
    years: Vec<u16>,
    regions: Vec<String>,
    /// The place of each region in `regions`, plus one.
    region_of: HashMap<String, usize>,
    /// Each report's year and region (0: none, else the place in `regions` + 1).
    docs: Vec<(u16, usize)>,
}

impl Postings {
    fn add(&mut self, n: u32, w: u8) {
        varint(&mut self.bytes, u64::from(n - self.last));
        self.bytes.push(w);
        self.last = n;
        self.count += 1;
    }
}

impl Index {
    fn new() -> Index {
        Index {
            parts: (0..rayon::current_num_threads().max(1))
                .map(|_| Default::default())
                .collect(),
            years: Vec::new(),
            regions: Vec::new(),
            region_of: HashMap::default(),
            docs: Vec::new(),
        }
    }

    /// Adds the next reports: weighed in parallel, then each part of the terms filled in
    /// parallel, reports in order.
    fn add(&mut self, docs: &[Doc]) {
        let parts = self.parts.len();
        let part_of = |code: u64| (code.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize % parts;
        type ByPart<'d> = Vec<Weighed<'d>>;
        let weighed: Vec<ByPart> = docs
            .par_iter()
            .map(|d| {
                let (han, words) = d.weigh();
                let mut by_part: ByPart = vec![Default::default(); parts];
                for (code, w) in han {
                    by_part[part_of(code)].0.push((code, w));
                }
                for (t, w) in words {
                    by_part[term_hash(t) as usize % parts].1.push((t, w));
                }
                by_part
            })
            .collect();
        let first = self.docs.len() as u32;
        self.parts
            .par_iter_mut()
            .enumerate()
            .for_each(|(i, (han, words))| {
                for (k, doc) in weighed.iter().enumerate() {
                    let n = first + k as u32;
                    for &(code, w) in &doc[i].0 {
                        han.entry(code).or_default().add(n, w);
                    }
                    for &(t, w) in &doc[i].1 {
                        let p = match words.get_mut(t) {
                            Some(p) => p,
                            None => words.entry(t.into()).or_default(),
                        };
                        p.add(n, w);
                    }
                }
            });
        for doc in docs {
            self.add_meta(&doc.rec);
        }
    }

    fn add_meta(&mut self, r: &Record) {
        let region = if r.region.is_empty() {
            0
        } else {
            let next = self.regions.len() + 1;
            let i = *self.region_of.entry(r.region.clone()).or_insert(next);
            if i == next {
                self.regions.push(r.region.clone());
            }
            i
        };
        self.docs.push((r.year, region));
    }

    /// The files, the entry last.
    fn finish(mut self, paths: &[String]) -> Vec<(String, Vec<u8>)> {
        let mut terms: Vec<(Box<str>, Postings)> = self
            .parts
            .drain(..)
            .flat_map(|(han, words)| {
                han.into_iter()
                    .map(|(c, p)| (han_term(c).into_boxed_str(), p))
                    .chain(words)
            })
            .collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let size: usize = terms.iter().map(|(t, p)| t.len() + 4 + p.bytes.len()).sum();
        let shards = (size / SHARD_BYTES).clamp(1, 4096).next_power_of_two();
        let mut shard_bytes: Vec<Vec<u8>> = vec![Vec::new(); shards];
        // Each term's postings freed once copied: the index is not held twice at its peak.
        for (t, p) in terms {
            let out = &mut shard_bytes[(term_hash(&t) as usize) & (shards - 1)];
            varint(out, t.len() as u64);
            out.extend_from_slice(t.as_bytes());
            varint(out, u64::from(p.count));
            out.extend_from_slice(&p.bytes);
        }

        self.years = self.docs.iter().map(|d| d.0).collect();
        self.years.sort_unstable_by(|a, b| b.cmp(a));
        self.years.dedup();
        let mut meta = Vec::with_capacity(self.docs.len() * 2);
        for (year, region) in &self.docs {
            let y = self.years.iter().position(|x| x == year).unwrap_or(0);
            varint(&mut meta, y as u64);
            varint(&mut meta, *region as u64);
        }
        let chunks: Vec<Vec<u8>> = paths
            .chunks(CHUNK)
            .map(|c| {
                let mut v = Vec::new();
                for p in c {
                    let _ = writeln!(v, "{p}");
                }
                v
            })
            .collect();

        // The generation: every file's bytes.
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for part in shard_bytes.iter().chain(&chunks).chain([&meta]) {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        let gen = format!("{:012x}", h.digest() >> 16);
        let mut files = Vec::with_capacity(shards + chunks.len() + 2);
        for (i, s) in shard_bytes.into_iter().enumerate() {
            files.push((format!("s{i}.{gen}.bin"), s));
        }
        for (k, c) in chunks.into_iter().enumerate() {
            files.push((format!("d{k}.{gen}.txt"), c));
        }
        files.push((format!("m.{gen}.bin"), meta));
        let entry = serde_json::json!({
            "version": 1,
            "generation": gen,
            "reports": self.docs.len(),
            "shards": shards,
            "chunk": CHUNK,
            "years": self.years,
            "regions": self.regions,
        });
        let mut entry = entry.to_string().into_bytes();
        entry.push(b'\n');
        // Last: a reader that finds it finds every file it names.
        files.push(("entry.json".into(), entry));
        files
    }
}

/// Reports read and weighed at once (bounded memory: a batch of texts at a time).
const BATCH: usize = 1024;

/// The files of the index (paths below [`INDEX_DIR`]) made from the records at `paths` below
/// `dir`, in this order: each report's number is its place.
pub fn index_files(dir: &Path, paths: &[String]) -> Result<Vec<(String, Vec<u8>)>, String> {
    index_files_while(dir, paths, &|| true)
}

/// What an index being made is told to do before each record ([`index_files_while`]).
pub type Go<'a> = dyn Fn() -> bool + Sync + 'a;

/// Why [`index_files_while`] stopped when told to.
pub const ABANDONED: &str = "搜索索引的生成已放弃";

/// [`index_files`], asking `go` before each record is read: it may wait (serve holds its
/// background index while a save is rebuilt), and its `false` abandons the index
/// ([`ABANDONED`]).
pub fn index_files_while(
    dir: &Path,
    paths: &[String],
    go: &Go,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut index = Index::new();
    for batch in paths.chunks(BATCH) {
        let docs: Vec<Doc> = batch
            .par_iter()
            .map(|p| {
                if !go() {
                    return Err(ABANDONED.to_string());
                }
                let bytes = std::fs::read(dir.join(p)).map_err(|e| format!("无法读取 {p}：{e}"))?;
                let rec: Record =
                    serde_json::from_slice(&bytes).map_err(|e| format!("无法读取 {p}：{e}"))?;
                Ok(Doc::new(rec))
            })
            .collect::<Result<_, String>>()?;
        index.add(&docs);
    }
    Ok(index.finish(paths))
}

/// The index of records in order (for tests).
#[cfg(test)]
fn build(paths: &[String], recs: &[Record]) -> Vec<(String, Vec<u8>)> {
    let mut index = Index::new();
    let docs: Vec<Doc> = recs.iter().map(|r| Doc::new(r.clone())).collect();
    index.add(&docs);
    index.finish(paths)
}

/// A query as the script runs it, for tests: the record paths of the matching reports, best
/// first (every term of the query in the report; score by weight and rarity).
pub fn query(files: &[(String, Vec<u8>)], q: &str) -> Vec<String> {
    query_with(
        &mut |name| {
            files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| b.clone())
        },
        q,
        usize::MAX,
    )
}

/// [`query`] reading the files of the index folder through `read`, as the script fetches them:
/// the entry, a shard per term, and the lists of record paths of the first `shown` results.
pub fn query_with(
    read: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    q: &str,
    shown: usize,
) -> Vec<String> {
    let Some(entry) = read("entry.json") else {
        return Vec::new();
    };
    let entry: serde_json::Value = serde_json::from_slice(&entry).unwrap_or_default();
    let (Some(gen), Some(shards), Some(n), Some(chunk)) = (
        entry["generation"].as_str(),
        entry["shards"].as_u64(),
        entry["reports"].as_u64(),
        entry["chunk"].as_u64(),
    ) else {
        return Vec::new();
    };
    let mut wanted: Vec<String> = Vec::new();
    terms(q, false, |t| {
        if !wanted.iter().any(|w| w == t) {
            wanted.push(t.to_string());
        }
    });
    if wanted.is_empty() || shards == 0 || chunk == 0 {
        return Vec::new();
    }
    let mut scores: Option<BTreeMap<u32, f64>> = None;
    for t in &wanted {
        let shard = term_hash(t) as u64 & (shards - 1);
        let postings = read(&format!("s{shard}.{gen}.bin"))
            .and_then(|b| find_term(&b, t))
            .unwrap_or_default();
        let idf = (1.0 + n as f64 / postings.len().max(1) as f64).ln();
        let mut next = BTreeMap::new();
        for (doc, w) in postings {
            let tf = f64::from(w & 15);
            let s = idf * (if w & 16 != 0 { 3.0 } else { 0.0 } + tf / (tf + 1.0));
            match &scores {
                None => {
                    next.insert(doc, s);
                }
                Some(prev) => {
                    if let Some(p) = prev.get(&doc) {
                        next.insert(doc, p + s);
                    }
                }
            }
        }
        scores = Some(next);
    }
    let mut ranked: Vec<(u32, f64)> = scores.unwrap_or_default().into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut chunks: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    ranked
        .into_iter()
        .take(shown)
        .filter_map(|(doc, _)| {
            let k = u64::from(doc) / chunk;
            let lines = chunks.entry(k).or_insert_with(|| {
                read(&format!("d{k}.{gen}.txt"))
                    .map(|b| {
                        String::from_utf8_lossy(&b)
                            .lines()
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
            });
            lines.get((u64::from(doc) % chunk) as usize).cloned()
        })
        .collect()
}

fn read_varint(b: &[u8], i: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    let mut shift = 0;
    loop {
        let byte = *b.get(*i)?;
        *i += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(n);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// The postings of `term` in a shard.
fn find_term(b: &[u8], term: &str) -> Option<Vec<(u32, u8)>> {
    let mut i = 0;
    while i < b.len() {
        let len = read_varint(b, &mut i)? as usize;
        let t = b.get(i..i + len)?;
        i += len;
        let df = read_varint(b, &mut i)?;
        let here = t == term.as_bytes();
        let mut doc = 0u64;
        let mut out = Vec::new();
        for _ in 0..df {
            doc += read_varint(b, &mut i)?;
            let w = *b.get(i)?;
            i += 1;
            if here {
                out.push((doc as u32, w));
            }
        }
        if here {
            return Some(out);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str, singles: bool) -> Vec<String> {
        let mut v = Vec::new();
        terms(text, singles, |t| v.push(t.to_string()));
        v
    }

    #[test]
    fn han_text_is_cut_into_pairs_and_words_stay_whole() {
        assert_eq!(all("信息处理费", false), ["信息", "息处", "处理", "理费"]);
        assert_eq!(all("局", false), ["局"]);
        assert_eq!(all("２０２３年 ABC-d", false), ["2023", "年", "abc", "d"]);
        assert_eq!(all("教育局", true), ["教", "育", "教育", "局", "育局"]);
        assert!(all("", true).is_empty());
        assert!(all("，。 ！", true).is_empty());
    }

    fn rec(url: &str, agency: &str, year: u16, text: &str) -> Record {
        Record {
            url: url.into(),
            agency: agency.into(),
            year,
            region: String::new(),
            title: format!("{agency}{year}年政府信息公开工作年度报告"),
            text: text.into(),
        }
    }

    #[test]
    fn a_query_finds_the_reports_holding_every_term_best_first() {
        let recs = [
            rec("a/2023/", "示例县教育局", 2023, "依申请公开的申请3件。"),
            rec(
                "b/2022/",
                "示例县公安局",
                2022,
                "收取信息处理费0元。2023年将继续。",
            ),
            rec("b/2023/", "示例县公安局", 2023, "依申请公开。信息处理费。"),
        ];
        let paths: Vec<String> = recs.iter().map(|r| r.url.clone()).collect();
        let files = build(&paths, &recs);
        assert_eq!(query(&files, "教育局"), ["a/2023/"]);
        assert_eq!(query(&files, "2023"), ["a/2023/", "b/2023/", "b/2022/"]);
        assert_eq!(query(&files, "信息处理费").len(), 2);
        assert_eq!(query(&files, "依申请公开 公安"), ["b/2023/"]);
        assert!(query(&files, "不存在的词").is_empty());
        assert!(query(&files, "，").is_empty());
        // The same records, the same files.
        assert_eq!(build(&paths, &recs), files);
        assert!(build(&[], &[]).iter().any(|(n, _)| n == "entry.json"));
    }

    #[test]
    fn han_terms_go_to_codes_and_back() {
        for t in ["局", "信息", "𠀀", "𠀀局", "龥𪚥"] {
            let c = han_code(t).unwrap();
            assert_eq!(han_term(c), t);
        }
        assert_eq!(han_code("2023"), None);
        assert_ne!(han_code("信息"), han_code("息信"));
    }

    #[test]
    fn a_term_weighs_its_count_up_to_fifteen_and_sixteen_more_in_the_fields() {
        let text = format!("{}教育{}", "信息".repeat(20), " 2023".repeat(3));
        let doc = Doc::new(Record {
            title: "年报".into(),
            ..rec("a/2023/", "教育局", 2023, &text)
        });
        let (han, words) = doc.weigh();
        let of = |t: &str| {
            han.iter()
                .find(|(c, _)| Some(*c) == han_code(t))
                .map(|x| x.1)
        };
        assert_eq!(of("信息"), Some(15));
        assert_eq!(of("息信"), Some(15));
        assert_eq!(of("教育"), Some(16 | 1));
        assert_eq!(of("育局"), Some(16));
        assert_eq!(of("局"), Some(16));
        assert_eq!(of("教"), Some(16 | 1));
        assert_eq!(of("息教"), Some(1));
        assert_eq!(of("校"), None);
        assert!(han.windows(2).all(|w| w[0].0 < w[1].0), "sorted, each once");
        let year = words.iter().find(|(t, _)| *t == "2023").map(|x| x.1);
        assert_eq!(year, Some(16 | 3));
    }

    #[test]
    fn markdown_becomes_lines_of_text() {
        let mut s = String::new();
        plain_text("一段**加粗**文字\n接着。\n\n- 甲\n- 乙\n\n<!-- 说明 -->\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", &mut s);
        assert_eq!(s, "一段加粗文字接着。\n甲\n乙\na b \n1 2 \n");
    }
}
