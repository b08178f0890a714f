//! W102 through its library API (`validate::copied`): the previous year and other agencies of
//! the same year, drafts, the threshold, and a site of 10,000 generated reports where 1 % copy
//! another agency's section 五, which must find exactly those pairs.

use std::collections::{BTreeSet, HashMap};

use nianbao::diagnostic::{Code, Diagnostic};
use nianbao::validate::copied::{self, CopyEntry, ReportPrint, SectionPrint};

/// A report as the test builds it: its sections' texts and their prints.
struct Doc {
    file: String,
    slug: String,
    agency: String,
    year: u16,
    draft: bool,
    texts: [String; 2],
    print: ReportPrint,
}

impl Doc {
    fn new(slug: &str, agency: &str, year: u16, one: String, five: String) -> Doc {
        let print = ReportPrint {
            sections: [
                SectionPrint::of(&one, agency, 10, 9),
                SectionPrint::of(&five, agency, 30, 20),
            ],
        };
        Doc {
            file: format!("content/{slug}/{year}.md"),
            slug: slug.into(),
            agency: agency.into(),
            year,
            draft: false,
            texts: [one, five],
            print,
        }
    }
}

fn run(docs: &[Doc], threshold: f64) -> Vec<Diagnostic> {
    let entries: Vec<CopyEntry> = docs
        .iter()
        .map(|d| CopyEntry {
            file: &d.file,
            slug: &d.slug,
            agency: &d.agency,
            year: d.year,
            draft: d.draft,
            print: &d.print,
            source: nianbao::facts::fingerprint(d.texts.concat().as_bytes()),
            id: copied::entry_id(&d.file, &d.slug, &d.agency, d.year, d.draft),
        })
        .collect();
    let index: HashMap<&str, &Doc> = docs.iter().map(|d| (d.file.as_str(), d)).collect();
    let exact = |a: &CopyEntry, b: &CopyEntry, s: usize| {
        let (x, y) = (index[a.file], index[b.file]);
        copied::similarity(&x.texts[s], &x.agency, &y.texts[s], &y.agency)
    };
    let memo = copied::Memo::default();
    let mut d = copied::check(&entries, threshold, &exact, &memo);
    // Again with what the first check kept (as serve does after a save): the same findings.
    let mut again = copied::check(&entries, threshold, &exact, &memo);
    nianbao::diagnostic::sort(&mut d);
    nianbao::diagnostic::sort(&mut again);
    assert_eq!(
        format!("{d:?}"),
        format!("{again:?}"),
        "the kept findings differ"
    );
    d
}

// ---------------------------------------------------------------------------------------------
// Generated text: sentences of common characters, so that unrelated sections share some words.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const CHARS: &str = "政务公开信息工作推进落实加强完善制度建设平台网站发布解读回应关切服务群众规范依法申请办理答复按时提升质量水平机制监督考核培训队伍人员栏目更新及时准确全面重点领域决策执行管理结果标准化规范化基层深化优化创新载体渠道互动参与意见建议征集反馈评估整改问题不足措施下一步持续巩固拓展成效明显取得进展";

fn sentence(r: &mut Rng) -> String {
    let chars: Vec<char> = CHARS.chars().collect();
    let n = 14 + r.below(16) as usize;
    let mut s: String = (0..n)
        .map(|_| chars[r.below(chars.len() as u64) as usize])
        .collect();
    s.push('。');
    s
}

/// A section of `n` sentences drawn from a shared pool, after an opening naming the agency.
fn section(r: &mut Rng, pool: &[String], agency: &str, year: u16, n: usize) -> String {
    let mut s = format!("{year}年，{agency}");
    for _ in 0..n {
        s.push_str(&pool[r.below(pool.len() as u64) as usize]);
    }
    s
}

/// A near copy: the other report's text with its year and name changed and a word or two
/// touched, as an office copying a neighbour's report does.
fn near_copy(text: &str, from: (&str, u16), to: (&str, u16), r: &mut Rng) -> String {
    let mut s = text
        .replace(from.0, to.0)
        .replace(&format!("{}年", from.1), &format!("{}年", to.1));
    let chars: Vec<char> = s.chars().collect();
    let at = 20 + r.below((chars.len() - 40) as u64) as usize;
    s = chars[..at]
        .iter()
        .chain(['局'].iter())
        .chain(chars[at + 1..].iter())
        .collect();
    s
}

fn pool(r: &mut Rng, n: usize) -> Vec<String> {
    (0..n).map(|_| sentence(r)).collect()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn a_copy_of_last_year_warns_the_later_report_only() {
    let mut r = Rng(1);
    let p = pool(&mut r, 300);
    let one_2022 = section(&mut r, &p, "示例县教育局", 2022, 12);
    let one_2023 = one_2022.replace("2022年", "2023年");
    let five = |r: &mut Rng, y| section(r, &p, "示例县教育局", y, 10);
    let docs = vec![
        Doc::new(
            "jiaoyuju",
            "示例县教育局",
            2022,
            one_2022,
            five(&mut r, 2022),
        ),
        Doc::new(
            "jiaoyuju",
            "示例县教育局",
            2023,
            one_2023,
            five(&mut r, 2023),
        ),
    ];
    let d = run(&docs, 0.9);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        (d[0].code, d[0].file.as_str(), d[0].line),
        (Code::W102, "content/jiaoyuju/2023.md", 10)
    );
    assert!(
        d[0].message.contains("一、总体情况")
            && d[0].message.contains("2022")
            && d[0].message.contains("content/jiaoyuju/2022.md")
            && d[0].message.contains("100%"),
        "{}",
        d[0].message
    );
}

#[test]
fn a_same_year_pair_warns_both_each_naming_the_other() {
    let mut r = Rng(2);
    let p = pool(&mut r, 300);
    let five_a = section(&mut r, &p, "示例县甲镇人民政府", 2023, 10);
    let five_b = near_copy(
        &five_a,
        ("示例县甲镇人民政府", 2023),
        ("示例县乙镇人民政府", 2023),
        &mut r,
    );
    let one = |r: &mut Rng, a: &str| section(r, &p, a, 2023, 12);
    let docs = vec![
        Doc::new(
            "jiazhen",
            "示例县甲镇人民政府",
            2023,
            one(&mut r, "示例县甲镇人民政府"),
            five_a,
        ),
        Doc::new(
            "yizhen",
            "示例县乙镇人民政府",
            2023,
            one(&mut r, "示例县乙镇人民政府"),
            five_b,
        ),
        Doc::new(
            "bingzhen",
            "示例县丙镇人民政府",
            2023,
            one(&mut r, "示例县丙镇人民政府"),
            section(&mut r, &p, "示例县丙镇人民政府", 2023, 10),
        ),
    ];
    let d = run(&docs, 0.9);
    let got: Vec<(&str, u32)> = d.iter().map(|d| (d.file.as_str(), d.line)).collect();
    assert_eq!(
        got,
        [
            ("content/jiazhen/2023.md", 30),
            ("content/yizhen/2023.md", 30)
        ],
        "{d:#?}"
    );
    assert!(
        d[0].message
            .contains("示例县乙镇人民政府 2023 年报告（content/yizhen/2023.md）"),
        "{}",
        d[0].message
    );
    assert!(
        d[1].message.contains("示例县甲镇人民政府"),
        "{}",
        d[1].message
    );
    assert!(d[0].message.contains("五、存在的主要问题及改进情况"));
    let pct: u32 = d[0]
        .message
        .split("相似度 ")
        .nth(1)
        .unwrap()
        .split('%')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((90..100).contains(&pct), "{pct}");

    // A draft copying a published report is warned; the published one does not name the draft.
    let mut docs = docs;
    docs[1].draft = true;
    let d = run(&docs, 0.9);
    let got: Vec<&str> = d.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(got, ["content/yizhen/2023.md"]);
}

#[test]
fn a_rewrite_under_the_threshold_and_short_sections_are_not_warned() {
    let mut r = Rng(3);
    let p = pool(&mut r, 300);
    let a = section(&mut r, &p, "示例县甲局", 2023, 10);
    // Half the sentences rewritten: well under 0.9, over 0.3.
    let half: String = a.split('。').take(5).collect::<Vec<_>>().join("。");
    let b = format!(
        "{half}。{}",
        (0..5).map(|_| sentence(&mut r)).collect::<String>()
    );
    let one = |r: &mut Rng, x: &str| section(r, &p, x, 2023, 12);
    let docs = vec![
        Doc::new(
            "jiaju",
            "示例县甲局",
            2023,
            one(&mut r, "示例县甲局"),
            a.clone(),
        ),
        Doc::new(
            "yiju",
            "示例县乙局",
            2023,
            one(&mut r, "示例县乙局"),
            b.clone(),
        ),
        Doc::new("bingju", "示例县丙局", 2023, "无。".into(), "无。".into()),
        Doc::new("dingju", "示例县丁局", 2023, "无。".into(), "无。".into()),
    ];
    let sim = copied::similarity(&a, "示例县甲局", &b, "示例县乙局").unwrap();
    assert!((0.2..0.9).contains(&sim), "{sim}");
    assert!(run(&docs, 0.9).is_empty());
    // `[check] similarity` lower than the pair's index: now they are warned.
    let t = (sim * 100.0).floor() / 100.0;
    assert_eq!(run(&docs, t).len(), 2);
}

/// 10,000 reports (2,000 agencies × 5 years), sections drawn from a shared pool of sentences;
/// 100 reports (1 %) carry a near copy of another agency's section 五 of the same year. Exactly
/// those 100 pairs are found, each report naming the other.
#[test]
fn ten_thousand_reports_with_one_percent_copies_find_exactly_those_pairs() {
    scale(2_000, 100);
}

/// The same at 100,000 reports (`cargo test --release -- --ignored`): the candidates stay linear.
#[test]
#[ignore]
fn a_hundred_thousand_reports() {
    scale(20_000, 1_000);
}

fn scale(agencies: usize, copies: usize) {
    let mut r = Rng(42);
    let p = pool(&mut r, 2_000);
    let years = 2020..2025u16;
    let name = |i: usize| format!("示例县第{i}机关");
    let mut docs: Vec<Doc> = Vec::with_capacity(agencies * 5);
    for i in 0..agencies {
        for y in years.clone() {
            let a = name(i);
            let one = section(&mut r, &p, &a, y, 10);
            let five = section(&mut r, &p, &a, y, 8);
            docs.push(Doc::new(&format!("a{i}"), &a, y, one, five));
        }
    }
    // Copier k copies from source k + copies (disjoint), in a year chosen per pair.
    let mut want = BTreeSet::new();
    for k in 0..copies {
        let (copier, source) = (
            k * (agencies / copies / 2).max(1),
            k * (agencies / copies / 2).max(1) + agencies / 2,
        );
        let y = k % 5;
        let (ci, si) = (copier * 5 + y, source * 5 + y);
        let from = (docs[si].agency.clone(), docs[si].year);
        let text = near_copy(
            &docs[si].texts[1],
            (&from.0, from.1),
            (&docs[ci].agency.clone(), docs[ci].year),
            &mut r,
        );
        let d = &docs[ci];
        docs[ci] = Doc::new(
            &d.slug.clone(),
            &d.agency.clone(),
            d.year,
            d.texts[0].clone(),
            text,
        );
        want.insert((docs[ci].file.clone(), docs[si].file.clone()));
        want.insert((docs[si].file.clone(), docs[ci].file.clone()));
    }
    let d = run(&docs, 0.9);
    let got: BTreeSet<(String, String)> = d
        .iter()
        .map(|d| {
            assert_eq!((d.code, d.line), (Code::W102, 30), "{}", d.message);
            let named = d
                .message
                .split('（')
                .nth(1)
                .unwrap()
                .split('）')
                .next()
                .unwrap();
            (d.file.clone(), named.to_string())
        })
        .collect();
    assert_eq!(d.len(), 2 * copies);
    assert_eq!(got, want);
}

/// W102 over a real site (`NIANBAO_SITE=/dev/shm/nb-10k cargo test --release --test
/// copied_text -- --ignored --nocapture site_from_env`): how long the prints and the check take,
/// and what they find. A measurement for wiring the rule, not a test of it.
#[test]
#[ignore]
fn site_from_env() {
    let Some(root) = std::env::var_os("NIANBAO_SITE") else {
        return;
    };
    let root = std::path::PathBuf::from(root);
    let site = nianbao::site::load(&root, Default::default()).unwrap();
    let started = std::time::Instant::now();
    let prints: Vec<ReportPrint> = site.reports.iter().map(|r| r.print.clone()).collect();
    let printed = started.elapsed();
    let entries: Vec<CopyEntry> = site
        .reports
        .iter()
        .zip(&prints)
        .map(|(r, p)| CopyEntry {
            file: &r.file,
            slug: &r.slug,
            agency: &r.agency,
            year: r.year,
            draft: r.draft,
            print: p,
            source: r.source,
            id: r.copy_id,
        })
        .collect();
    let files = copied::FileSections::new(&root);
    let started = std::time::Instant::now();
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let found = copied::check(
        &entries,
        site.config.check.similarity,
        &|a, b, s| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            files.similarity(a, b, s)
        },
        &copied::Memo::default(),
    );
    eprintln!("{} exact checks", calls.into_inner());
    eprintln!(
        "{} reports: prints {:.3} s (one thread), check {:.3} s, {} W102",
        entries.len(),
        printed.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        found.len()
    );
    let mut by_percent: std::collections::BTreeMap<String, usize> = Default::default();
    for d in &found {
        *by_percent
            .entry(d.found.clone().unwrap_or_default().to_string())
            .or_default() += 1;
    }
    eprintln!("by similarity: {by_percent:?}");
    for d in found.iter().take(5) {
        eprintln!("{}:{} {}", d.file, d.line, d.message);
    }
}
