//! Facts: what the stages after checking read of a report — its small, typed part.
//!
//! In: a checked [`Report`] and the text it was read from. Out: [`Facts`]: names, year, dates,
//! key figures, the rows and positions the cross-report rules read (each position with its
//! source line, so that their diagnostics print without the file), and fingerprints of the file
//! and of its data, from which the build plan knows what changed. A build keeps only these of
//! every report once its pages are written; a rule that needs more of a report adds a field here.

use std::hash::{Hash, Hasher};

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::format::{AppRole, FormatDef};
use crate::report::{Acknowledgement, KeyFigures, Report};
use crate::validate::copied::ReportPrint;

/// A 64-bit fingerprint of some bytes.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A hasher for fingerprints of structured values, mostly other fingerprints and short text
/// (fixed seed: the same in every run).
pub fn hasher() -> impl Hasher {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x6e69_616e_6261_6f21).build_hasher()
}

/// The fingerprint of a value's `Hash`.
pub fn fingerprint_of(value: &impl Hash) -> u64 {
    let mut h = hasher();
    value.hash(&mut h);
    h.finish()
}

/// What the cross-report rules, the indexes and the build plan read of a report.
#[derive(Debug, Clone)]
pub struct Facts {
    /// Path relative to the site root, e.g. `content/shequ-ban/2020.md`.
    pub file: String,
    pub slug: String,
    pub year: u16,
    /// 机关名称 as it stood that year.
    pub agency: String,
    pub title: String,
    pub published: Option<NaiveDate>,
    pub draft: bool,
    pub format: &'static FormatDef,
    pub figures: KeyFigures,
    /// Fingerprint of everything the report is read from: its text, file and folder.
    pub source: u64,
    /// Fingerprint of what `report.json` and `report.csv` hold, but for the URL.
    pub data: u64,
    /// Fingerprint of what index pages show of the report.
    pub listing: u64,
    /// Fingerprint of what the feed shows of it.
    pub entry: u64,
    /// Fingerprint of what its search record is made of, but for its agency's region
    /// ([`crate::search::record`]).
    pub search: u64,
    pub year_at: Pos,
    pub published_at: Pos,
    /// 二、上年结转 (seven columns, 总计 last), for W001.
    pub carried_over: Option<[u64; 7]>,
    /// Where each of its six applicant cells is.
    pub carried_over_at: [Pos; 6],
    /// 四、结转下年度继续办理, for the next year's W001.
    pub carried_forward: Option<[u64; 7]>,
    /// Whether the first row of table 二 (规章) holds a figure above zero, for W006.
    pub makes_rules: bool,
    pub rules_at: Pos,
    /// Sketches of sections 一 and 五, for W102.
    pub print: ReportPrint,
    /// What W102's findings name of it ([`crate::validate::copied::entry_id`]).
    pub copy_id: u64,
    /// The warnings the report explains (`acknowledge`).
    pub acknowledge: Vec<Acknowledgement>,
    /// The date of the last correction (`revisions`), for the feed's `<updated>`.
    pub revised: Option<NaiveDate>,
    /// Every cell of its tables, packed ([`crate::across::pack`]): roll-ups and the
    /// year-on-year comparison are computed from these, without the whole report.
    pub cells: Box<[u8]>,
    /// The text of the lines the positions above are on.
    lines: Vec<(u32, Box<str>)>,
}

impl Facts {
    /// The facts of a report read from `text`.
    pub fn of(r: &Report, text: &str) -> Facts {
        let f = r.format;
        let carried_over_path = format!("applications.{}", r.role_path(AppRole::CarriedOver));
        let carried_over_at = std::array::from_fn(|i| r.locations.cell(&carried_over_path, i));
        let rules = f.active_rows().next().map(|(_, row)| row.key);
        let makes_rules = rules
            .and_then(|k| r.active.get(k))
            .is_some_and(|v| v.iter().any(|n| n.is_positive()));
        let rules_at = rules.map_or(Pos::START, |k| r.locations.key(&format!("active.{k}")));
        let mut facts = Facts {
            file: r.file.clone(),
            slug: r.slug.clone(),
            year: r.year,
            agency: r.agency.clone(),
            title: r.title.clone(),
            published: r.published,
            draft: r.draft,
            format: f,
            figures: r.key_figures(),
            source: source_fingerprint(&r.file, &r.slug, text),
            data: data_fingerprint(r),
            listing: fingerprint_of(&(
                &r.slug,
                &r.agency,
                r.year,
                &r.title,
                r.published,
                r.draft,
                r.key_figures(),
            )),
            entry: fingerprint_of(&(
                &r.slug,
                r.year,
                &r.title,
                &r.agency,
                r.published,
                r.revisions.last().map(|v| v.date),
            )),
            search: search_fingerprint(r),
            year_at: r.locations.key("year"),
            published_at: r.locations.cell("published", 0),
            carried_over: r.row_by_role(AppRole::CarriedOver),
            carried_over_at,
            carried_forward: r.row_by_role(AppRole::CarriedForward),
            makes_rules,
            rules_at,
            print: ReportPrint::of(r),
            copy_id: crate::validate::copied::entry_id(
                &r.file, &r.slug, &r.agency, r.year, r.draft,
            ),
            acknowledge: r.acknowledge.clone(),
            revised: r.revisions.last().map(|v| v.date),
            cells: crate::across::pack(&crate::across::cells_of(r)),
            lines: Vec::new(),
        };
        let mut wanted: Vec<u32> = vec![
            1,
            facts.year_at.line,
            facts.published_at.line,
            facts.carried_over_at[0].line,
            facts.rules_at.line,
        ];
        wanted.extend(facts.print.sections.iter().flatten().map(|s| s.line));
        wanted.sort_unstable();
        wanted.dedup();
        let last = wanted.last().copied().unwrap_or(0);
        facts.lines = text
            .lines()
            .zip(1u32..)
            .take_while(|(_, n)| *n <= last)
            .filter(|(_, n)| wanted.binary_search(n).is_ok())
            .map(|(l, n)| (n, l.into()))
            .collect();
        facts
    }

    /// A diagnostic on this report at `pos`, carrying its source line when the facts hold it.
    pub fn diagnostic(&self, code: Code, pos: Pos, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::new(code, self.file.clone(), pos, message);
        d.source = self.line(d.line);
        d
    }

    /// The text of a line the facts hold (those of the positions above).
    pub fn line(&self, line: u32) -> Option<String> {
        self.lines
            .iter()
            .find(|(n, _)| *n == line)
            .map(|(_, l)| l.to_string())
    }

    /// Path of the report's folder below the site root, e.g. `shequ-ban/2020/`.
    pub fn path(&self) -> String {
        let mut p = String::with_capacity(self.slug.len() + 7);
        self.push_path(&mut p);
        p
    }

    /// [`Facts::path`] pushed onto `o` (not `format!`ed: a plan, the feed and the sitemap each
    /// make one for every report shown).
    pub fn push_path(&self, o: &mut String) {
        o.push_str(&self.slug);
        o.push('/');
        o.push_str(itoa::Buffer::new().format(self.year));
        o.push('/');
    }
}

/// Everything a report is read from: the same fingerprint means the same report.
pub fn source_fingerprint(file: &str, slug: &str, text: &str) -> u64 {
    let mut h = hasher();
    file.hash(&mut h);
    slug.hash(&mut h);
    h.write_u64(fingerprint(text.as_bytes()));
    h.finish()
}

/// What `report.json` and `report.csv` are made of, but for the URL.
fn data_fingerprint(r: &Report) -> u64 {
    let mut h = hasher();
    (
        &r.agency,
        &r.slug,
        r.year,
        r.format.id,
        r.published,
        &r.title,
        &r.active,
        &r.applications,
        &r.appeals,
        &r.processing_fees,
    )
        .hash(&mut h);
    h.finish()
}

/// What a report's search record is made of ([`crate::search::record`]): names, year, the
/// edition (its sections and the fee sentence), the text of the body and the fees.
fn search_fingerprint(r: &Report) -> u64 {
    let mut h = hasher();
    (
        &r.slug,
        r.year,
        &r.agency,
        &r.title,
        r.format.id,
        &r.body.preamble,
        &r.processing_fees,
    )
        .hash(&mut h);
    for s in &r.body.sections {
        (s.numeral, &s.heading, &s.markdown).hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A report read from `text` as `content/<slug>/2021.md`.
    pub(crate) fn read_as(slug: &str, text: &str) -> Report {
        let file = format!("content/{slug}/2021.md");
        let ctx = crate::validate::FileContext {
            file: &file,
            slug,
            this_year: 2026,
        };
        crate::validate::read_report(&ctx, text).0.unwrap()
    }

    fn read(text: &str) -> Report {
        read_as("a", text)
    }

    /// The valid fixture's 2021 report.
    pub(crate) fn demo_text() -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(root.join("tests/fixtures/valid/content/demo-ju/2021.md")).unwrap()
    }

    #[test]
    fn positions_carry_their_lines() {
        let text = demo_text();
        let r = read(&text);
        let f = Facts::of(&r, &text);
        let d = f.diagnostic(Code::W001, f.carried_over_at[2], "x");
        let line = text.lines().nth(d.line as usize - 1).unwrap();
        assert_eq!(d.source.as_deref(), Some(line));
        assert!(line.contains("carried_over"), "{line}");
        assert_eq!(f.path(), "a/2021/");
    }

    #[test]
    fn the_data_fingerprint_ignores_the_narrative() {
        let text = demo_text();
        let edited = text.replacen("## 五、", "新增一句。\n\n## 五、", 1);
        assert_ne!(edited, text);
        let (a, b) = (
            Facts::of(&read(&text), &text),
            Facts::of(&read(&edited), &edited),
        );
        assert_eq!(a.data, b.data);
        assert_ne!(a.source, b.source);
        assert_eq!(a.listing, b.listing);
    }
}
