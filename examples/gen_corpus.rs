//! Generates a synthetic nianbao site for benchmarks (issue "Performance at national scale").
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --reports 10000 --out /dev/shm/nb-10k [--seed 1]
//! ```
//!
//! Writes `DIR/site.toml` and `DIR/content/`: ⌈N/5⌉ agencies, each with an `_index.md` and one
//! report per year 2020–2024 (the last agency gets fewer when N is not a multiple of 5). Agencies
//! come in counties of ten: one people's government (`kind: government`), eight departments, one
//! township or 街道. 2020 uses the 2019 edition, 2021 onward the 2021 edition, every row written.
//!
//! The figures are invented but obey every rule of rules.md, so `nianbao check` reports no error
//! and no warning but the planted copies (below): per column 一 + 二 = （七）总计 + 四, every written 总计 is the sum, 上年结转
//! equals the previous year's 结转下年度, publication dates are on time, townships make no 规章,
//! 本年新公开数量 ≤ 对外公开总数量, and the 2021 edition has `processing_fees` with a fee notice for
//! every application closed for an unpaid fee. The Markdown body
//! (≈1.5 KB) has sections 一, 五 and 六 whose text varies with the seed and quotes the figures;
//! sentences are put together from parts, so that two reports do not share a section by chance,
//! except that about 1 % of reports carry a near copy of section 五 of another agency of their
//! county and year (W102 warns of exactly those).
//!
//! `site.toml` declares the regions (across.md): every province, city (eight counties) and
//! county (ten agencies), each agency's `region` being its county. No agency `covers` its
//! county: every report counts in the roll-ups.
//!
//! Output is deterministic for a given `--seed`: each agency draws from its own generator seeded
//! by (seed, agency index), so files do not depend on the order rayon writes them in.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use nianbao::format::{AppRole, AppRowKind, FormatDef, F2019, F2021};
use rayon::prelude::*;

/// Writes a synthetic site of N annual reports for benchmarks.
#[derive(Debug, Parser)]
#[command(name = "gen_corpus")]
struct Args {
    /// Number of reports to write (agencies = ⌈N/5⌉, five report years each).
    #[arg(long)]
    reports: usize,
    /// Site folder to create (gets site.toml and content/).
    #[arg(long)]
    out: PathBuf,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Remove an existing DIR/content first instead of refusing.
    #[arg(long)]
    force: bool,
}

const FIRST_YEAR: u16 = 2020;
const YEARS: usize = 5;

fn main() -> Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let content = args.out.join("content");
    if content.exists() {
        if !args.force {
            bail!(
                "{} already exists: use an empty folder, or --force to replace it",
                content.display()
            );
        }
        std::fs::remove_dir_all(&content)
            .with_context(|| format!("removing {}", content.display()))?;
    }
    std::fs::create_dir_all(&content).with_context(|| format!("creating {}", content.display()))?;
    let agencies = args.reports.div_ceil(YEARS);
    let mut toml = site_toml(args.reports);
    toml.push_str(&regions_toml(args.seed, agencies));
    std::fs::write(args.out.join("site.toml"), toml)?;

    let bytes: u64 = (0..agencies)
        .into_par_iter()
        .map(|i| {
            let years = (args.reports - i * YEARS).min(YEARS);
            write_agency(&content, args.seed, i, agencies, years)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    let copies = (0..agencies)
        .flat_map(|i| {
            let years = (args.reports - i * YEARS).min(YEARS);
            (0..years).map(move |k| (i, FIRST_YEAR + k as u16))
        })
        .filter(|&(i, y)| copies_from(args.seed, i, y, agencies).is_some())
        .count();
    eprintln!(
        "wrote {} reports of {agencies} agencies ({:.1} MB, {copies} near copies of a section 五) to {} in {:.2} s",
        args.reports,
        bytes as f64 / 1e6,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn site_toml(n: usize) -> String {
    format!(
        r#"title = "政府信息公开工作年度报告（生成的测试站点，{n} 份报告）"
base_url = "https://www.example.gov.cn/zfxxgk/ndbg/"   # may include a sub-path
language = "zh-CN"
theme = "default"
output_dir = "public"

[portal]                     # footer items a government website shows (政府网站发展指引)
organizer = "示例县人民政府办公室"       # 主办单位（示例）
site_code = "0000000000"                # 网站标识码（示例）
icp = "示ICP备00000000号"
public_security = "示公网安备00000000000000号"
contact = "电话：0000-0000000"

[build]
strict = false               # when true, warnings fail check/build too
"#
    )
}

// ---------------------------------------------------------------------------------------------
// Pseudo-random numbers: splitmix64, enough for test data and free of dependencies.

struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xA24B_AED4_963E_E407));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when n is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A non-negative integer near `mean`: scaled by a factor in [0.5, 1.5), randomly rounded.
    fn about(&mut self, mean: f64) -> u64 {
        let x = mean * (0.5 + self.unit());
        (x + self.unit()).floor().max(0.0) as u64
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// `k` distinct items in random order (k ≤ len).
    fn sample<'a, T>(&mut self, xs: &'a [T], k: usize) -> Vec<&'a T> {
        let mut idx: Vec<usize> = (0..xs.len()).collect();
        for i in 0..k.min(xs.len()) {
            let j = i + self.below((xs.len() - i) as u64) as usize;
            idx.swap(i, j);
        }
        idx[..k.min(xs.len())].iter().map(|&i| &xs[i]).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Agencies.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Government,
    Department,
    Township,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Government => "government",
            Kind::Department => "department",
            Kind::Township => "township",
        }
    }
}

struct Agency {
    slug: String,
    name: String,
    /// The short name used in the narrative (本局, 本府, 本镇 …).
    we: &'static str,
    region: String,
    kind: Kind,
    order: u64,
    /// How busy the agency is: scales every figure.
    size: f64,
    /// What the department is about, for the narrative.
    field: &'static str,
    /// Whether it makes 规章 (some people's governments; never a township).
    makes_rules: bool,
}

/// (slug, name, narrative field, activity factor)
const DEPARTMENTS: &[(&str, &str, &str, f64)] = &[
    (
        "fagaiju",
        "发展和改革局",
        "重大项目、价格监测和社会信用体系建设",
        1.2,
    ),
    ("jiaoyuju", "教育局", "招生入学、教育收费和学校安全", 1.5),
    ("gonganju", "公安局", "户籍办理、交通管理和治安处罚", 2.5),
    ("minzhengju", "民政局", "社会救助、养老服务和婚姻登记", 1.3),
    ("sifaju", "司法局", "公共法律服务和行政执法监督", 0.7),
    ("caizhengju", "财政局", "预决算公开和财政资金直达", 1.0),
    (
        "renshe",
        "人力资源和社会保障局",
        "就业创业、社会保险和劳动保障监察",
        1.8,
    ),
    (
        "ziranziyuanju",
        "自然资源局",
        "土地征收、国土空间规划和不动产登记",
        3.0,
    ),
    (
        "shengtaihuanjing",
        "生态环境分局",
        "环境质量、环评审批和环境执法",
        1.4,
    ),
    (
        "zhujianju",
        "住房和城乡建设局",
        "保障性住房、建筑市场监管和老旧小区改造",
        2.2,
    ),
    (
        "jiaotongju",
        "交通运输局",
        "公路建设、道路运输和交通执法",
        1.1,
    ),
    (
        "shuiliju",
        "水利局",
        "水利工程建设、河湖长制和防汛抗旱",
        0.8,
    ),
    (
        "nongyenongcunju",
        "农业农村局",
        "惠农补贴、农村土地承包和农产品质量安全",
        1.4,
    ),
    (
        "shangwuju",
        "商务局",
        "消费促进、招商引资和市场运行监测",
        0.6,
    ),
    (
        "wenlvju",
        "文化广电和旅游局",
        "公共文化服务、文化市场执法和旅游安全",
        0.7,
    ),
    (
        "weijianju",
        "卫生健康局",
        "医疗服务、疾病预防控制和计划生育服务",
        1.6,
    ),
    (
        "yingjiju",
        "应急管理局",
        "安全生产、防灾减灾和应急救援",
        0.9,
    ),
    ("shenjiju", "审计局", "审计工作报告和审计整改", 0.5),
    (
        "shichangjianguanju",
        "市场监督管理局",
        "市场主体登记、食品药品安全和价格监督检查",
        2.0,
    ),
    ("tongjiju", "统计局", "统计数据发布和统计执法", 0.4),
    (
        "yibaoju",
        "医疗保障局",
        "医保待遇、医保基金监管和药品集中采购",
        1.0,
    ),
];

const PLACE_FIRST: &[char] = &[
    '青', '安', '平', '宁', '东', '西', '南', '北', '长', '清', '永', '兴', '龙', '凤', '临', '新',
    '丰', '泰', '华', '阳', '云', '石', '金', '河', '山', '桃', '柳', '林', '嘉', '瑞', '福', '和',
];
const PLACE_SECOND: &[char] = &[
    '川', '源', '丘', '溪', '泉', '原', '岭', '湖', '江', '城', '州', '水', '谷', '岗', '田', '塘',
    '桥', '坪', '湾', '峰', '河', '口', '集', '店', '林', '屯', '沟', '台', '庄', '坝', '陵', '埠',
];

/// Prefixes that make a third character when two-character names run out.
const PLACE_PREFIX: &[char] = &[
    '上', '下', '大', '小', '高', '白', '黑', '红', '黄', '绿', '三', '五', '八', '九', '双', '古',
    '中', '前', '后', '左', '右', '内', '外', '老', '太', '万', '千', '半', '明', '德', '仁', '玉',
];

/// A place name that is unique per (seed, salt) for every index: two characters for the first
/// 1,024 indices (a seed-dependent permutation), then a prefix character, then a number.
fn place(seed: u64, salt: u64, index: u64) -> String {
    let pairs = (PLACE_FIRST.len() * PLACE_SECOND.len()) as u64;
    let mut r = Rng::new(seed, salt);
    // An odd multiplier and an offset permute 0..pairs (pairs is a power of two).
    let k = (index % pairs)
        .wrapping_mul(r.next() | 1)
        .wrapping_add(r.next())
        % pairs;
    let a = PLACE_FIRST[(k % PLACE_FIRST.len() as u64) as usize];
    let b = PLACE_SECOND[(k / PLACE_FIRST.len() as u64) as usize];
    match index / pairs {
        0 => format!("{a}{b}"),
        t if t <= PLACE_PREFIX.len() as u64 => format!("{}{a}{b}", PLACE_PREFIX[t as usize - 1]),
        t => format!("{a}{b}{t}"),
    }
}

/// The full names of a county's province, city and county (the regions an agency is in), and
/// the county's own name.
fn region_names(seed: u64, county: u64) -> [String; 4] {
    let city = county / 8;
    let province = city / 12;
    let county_name = format!(
        "{}{}",
        place(seed, 3, county),
        if county % 5 == 4 { "区" } else { "县" }
    );
    let p = format!("{}省", place(seed, 1, province));
    let c = format!("{p}{}市", place(seed, 2, city));
    let k = format!("{c}{county_name}");
    [p, c, k, county_name]
}

/// `[regions]`: every province, city and county of the agencies, as across.md declares them.
fn regions_toml(seed: u64, agencies: usize) -> String {
    let mut out = String::from("\n[regions]\n");
    let counties = agencies.div_ceil(10) as u64;
    for county in 0..counties {
        let [p, c, k, _] = region_names(seed, county);
        let city = county / 8;
        let province = city / 12;
        if city % 12 == 0 && county % 8 == 0 {
            let _ = writeln!(out, "p{province:03} = \"{p}\"");
        }
        if county % 8 == 0 {
            let _ = writeln!(out, "c{city:04} = \"{c}\"");
        }
        let _ = writeln!(out, "k{county:05} = \"{k}\"");
    }
    out
}

fn agency(seed: u64, i: usize) -> Agency {
    let county = (i / 10) as u64;
    let role = (i % 10) as u64;
    let [_, _, region, county_name] = region_names(seed, county);
    let mut r = Rng::new(seed, 0x5EED_0000 + i as u64);
    let order = 10 + role;
    match role {
        0 => Agency {
            slug: format!("x{county:05}-zhengfu"),
            name: format!("{county_name}人民政府"),
            we: "本级政府",
            region,
            kind: Kind::Government,
            order,
            size: 4.0 + 6.0 * r.unit(),
            field: "经济社会发展和民生保障",
            makes_rules: r.chance(0.3),
        },
        9 => {
            let t = place(seed, 4, county);
            let (name, we, suffix) = match county % 4 {
                0 => (format!("{county_name}{t}街道办事处"), "本街道", "jiedao"),
                1 => (format!("{county_name}{t}乡人民政府"), "本乡", "xiang"),
                _ => (format!("{county_name}{t}镇人民政府"), "本镇", "zhen"),
            };
            Agency {
                slug: format!("x{county:05}-{suffix}"),
                name,
                we,
                region,
                kind: Kind::Township,
                order,
                size: 0.2 + 0.6 * r.unit(),
                field: "为民服务、乡村振兴和基层治理",
                makes_rules: false,
            }
        }
        k => {
            // Eight distinct departments per county, starting at a county-dependent offset.
            let start = Rng::new(seed, 0xC0DE_0000 + county).below(DEPARTMENTS.len() as u64);
            let (slug, dept, field, activity) =
                DEPARTMENTS[((start + k - 1) % DEPARTMENTS.len() as u64) as usize];
            Agency {
                slug: format!("x{county:05}-{slug}"),
                name: format!("{county_name}{dept}"),
                we: "本单位",
                region,
                kind: Kind::Department,
                order,
                size: activity * (0.5 + r.unit()),
                field,
                makes_rules: false,
            }
        }
    }
}

fn agency_file(a: &Agency) -> String {
    let kind = match a.kind {
        Kind::Government => "县级人民政府",
        Kind::Department => "县政府工作部门",
        Kind::Township => "乡镇人民政府、街道办事处",
    };
    format!(
        "---\nname: {}\nregion: {}\nkind: {}\norder: {}\n---\n\n\
         > **生成的测试数据**：{}是为性能测试生成的虚构机关（{kind}），其名称、地区、数字、日期和文字均为随机生成，不代表任何真实机关。\n\n\
         {}负责{}等工作，每年按照《中华人民共和国政府信息公开条例》编制并公布政府信息公开工作年度报告。\n",
        a.name, a.region, a.kind.key(), a.order, a.name, a.name, a.field
    )
}

// ---------------------------------------------------------------------------------------------
// Reports.

/// What carries from one year to the next.
#[derive(Default)]
struct Carry {
    /// 四、结转下年度继续办理 of the previous year.
    forward: [u64; 6],
    rules_valid: u64,
    norms_valid: u64,
}

/// Applicant mix: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他.
const APPLICANT_WEIGHTS: [f64; 6] = [0.72, 0.14, 0.01, 0.01, 0.04, 0.08];

/// Share of the handled applications per result row; （一）予以公开 takes what is left (≈ 40 %).
fn result_weight(path: &str) -> f64 {
    match path {
        "results.partial" => 0.10,
        "results.withheld.state_secret" => 0.002,
        "results.withheld.prohibited" => 0.005,
        "results.withheld.security" => 0.003,
        "results.withheld.third_party" => 0.02,
        "results.withheld.internal" => 0.015,
        "results.withheld.process" => 0.025,
        "results.withheld.enforcement" => 0.01,
        "results.withheld.inquiry" => 0.02,
        "results.unavailable.not_held" => 0.18,
        "results.unavailable.needs_creation" => 0.03,
        "results.unavailable.unclear" => 0.03,
        "results.not_processed.petition" => 0.04,
        "results.not_processed.repeated" => 0.03,
        "results.not_processed.publication" => 0.01,
        "results.not_processed.excessive" => 0.01,
        "results.not_processed.reconfirm" => 0.01,
        "results.other" => 0.03,
        "results.other.no_correction" => 0.015,
        "results.other.fee_unpaid" => 0.002,
        "results.other.other" => 0.015,
        _ => 0.0,
    }
}

/// The figures the narrative quotes.
#[derive(Default)]
struct Facts {
    new: u64,
    new_natural: u64,
    carried_over: u64,
    handled: u64,
    granted: u64,
    partial: u64,
    forward: u64,
    appeals: u64,
    corrected: u64,
    norms: u64,
    licensing: u64,
    penalty: u64,
}

fn list<I: IntoIterator<Item = u64>>(xs: I) -> String {
    let v: Vec<String> = xs.into_iter().map(|x| x.to_string()).collect();
    format!("[{}]", v.join(", "))
}

/// An amount with at most two decimal places, written without trailing zeros.
fn amount(cents: u64) -> String {
    match cents % 100 {
        0 => format!("{}", cents / 100),
        c if c % 10 == 0 => format!("{}.{}", cents / 100, c / 10),
        c => format!("{}.{c:02}", cents / 100),
    }
}

/// A key, its value and an aligned comment, like the sample reports.
fn line(out: &mut String, indent: usize, key: &str, value: &str, comment: &str) {
    let head = format!("{:indent$}{key}: {value}", "");
    let pad = 41usize.saturating_sub(head.chars().count()).max(1);
    if comment.is_empty() {
        out.push_str(&head);
        out.push('\n');
    } else {
        let _ = writeln!(out, "{head}{:pad$}# {comment}", "");
    }
}

fn report(
    a: &Agency,
    place: (u64, usize, usize),
    year: u16,
    carry: &mut Carry,
    r: &mut Rng,
) -> String {
    let f: &FormatDef = if year <= 2020 { &F2019 } else { &F2021 };
    let mut facts = Facts::default();
    let mut y = String::with_capacity(6 * 1024);
    y.push_str("---\n");
    let _ = writeln!(y, "agency: {}", a.name);
    let _ = writeln!(y, "year: {year}");
    let _ = writeln!(y, "published: {}", published(a.kind, year, r));
    if r.chance(0.2) {
        let _ = writeln!(y, "format: {}", f.id);
    }
    let growth = 0.8 + 0.1 * f64::from(year - FIRST_YEAR) + 0.3 * r.unit();
    let size = a.size * growth;

    // 二、主动公开政府信息情况
    let _ = writeln!(y, "active:");
    let makes_rules = a.makes_rules;
    for block in f.active.blocks {
        for row in block.rows {
            let label = row.label;
            let cols: Vec<&str> = block.columns.iter().map(|c| c.label).collect();
            let comment = format!("{label}：{}", cols.join(", "));
            let value = if f.id == 2019 {
                match row.key {
                    "rules" | "normative_documents" => {
                        let (made, valid) = if row.key == "rules" {
                            if makes_rules {
                                (r.range(1, 3), &mut carry.rules_valid)
                            } else {
                                (0, &mut carry.rules_valid)
                            }
                        } else {
                            (r.about(size * 2.0 + 0.5), &mut carry.norms_valid)
                        };
                        if row.key == "normative_documents" {
                            facts.norms = made;
                        }
                        let published = made - r.below(made.min(1) + 1).min(made);
                        if *valid == 0 && (made > 0 || row.key == "normative_documents") {
                            *valid = r.about(size * 6.0 + 3.0);
                        }
                        *valid += published;
                        list([made, published, *valid])
                    }
                    "licensing" | "other_services" | "penalty" | "coercion" => {
                        let mean = match row.key {
                            "licensing" => 40.0,
                            "other_services" => 60.0,
                            "penalty" => 30.0,
                            _ => 4.0,
                        };
                        let items = r.about(size * 8.0 + 1.0);
                        let delta = r.range(0, 6) as i64 - 2;
                        let delta = delta.max(-(items as i64));
                        let decisions = r.about(size * mean);
                        match row.key {
                            "licensing" => facts.licensing = decisions,
                            "penalty" => facts.penalty = decisions,
                            _ => {}
                        }
                        format!("[{items}, {delta}, {decisions}]")
                    }
                    "fees" => {
                        let items = r.about(size * 1.5);
                        let delta = -(r.below(2).min(items) as i64);
                        format!("[{items}, {delta}]")
                    }
                    "procurement" => {
                        let n = r.about(size * 3.0 + 0.5);
                        let cents = if n == 0 {
                            0
                        } else {
                            n * r.range(2_000, 80_000)
                        };
                        format!("[{n}, {}]", amount(cents))
                    }
                    other => panic!("gen_corpus does not know the 2019 row `{other}`"),
                }
            } else {
                match row.key {
                    "rules" | "normative_documents" => {
                        let (made, valid) = if row.key == "rules" {
                            if makes_rules {
                                (r.range(0, 3), &mut carry.rules_valid)
                            } else {
                                (0, &mut carry.rules_valid)
                            }
                        } else {
                            (r.about(size * 2.0 + 0.5), &mut carry.norms_valid)
                        };
                        if row.key == "normative_documents" {
                            facts.norms = made;
                        }
                        let repealed = r.below((*valid).min(3) + 1);
                        *valid = *valid + made - repealed;
                        list([made, repealed, *valid])
                    }
                    "licensing" => {
                        facts.licensing = r.about(size * 40.0);
                        facts.licensing.to_string()
                    }
                    "penalty" => {
                        facts.penalty = r.about(size * 30.0);
                        facts.penalty.to_string()
                    }
                    "coercion" => r.about(size * 4.0).to_string(),
                    "fees" => {
                        if a.kind == Kind::Township || r.chance(0.6) {
                            "0".into()
                        } else {
                            amount(r.about(size * 5_000.0))
                        }
                    }
                    other => panic!("gen_corpus does not know the 2021 row `{other}`"),
                }
            };
            line(&mut y, 2, row.key, &value, &comment);
        }
    }

    // 三、收到和处理政府信息公开申请情况
    let t = &f.applications;
    let base = size * 8.0 * (0.6 + 0.8 * r.unit());
    let mut new = [0u64; 6];
    for (c, w) in APPLICANT_WEIGHTS.iter().enumerate() {
        new[c] = r.about(base * w);
    }
    if new.iter().all(|&n| n == 0) && r.chance(0.8) {
        new[0] = 1;
    }
    let over = carry.forward;
    let mut forward = [0u64; 6];
    let mut handled = [0u64; 6];
    for c in 0..6 {
        let open = new[c] + over[c];
        if open > 0 && r.chance(0.35) {
            forward[c] = r.below(open / 8 + 2).min(open);
        }
        handled[c] = open - forward[c];
    }
    // Spread the handled applications over the result rows; （一）予以公开 takes the rest.
    let results: Vec<_> = t
        .rows
        .iter()
        .filter(|d| d.role == AppRole::Result)
        .collect();
    let mut cells: Vec<[u64; 6]> = vec![[0; 6]; results.len()];
    for c in 0..6 {
        let mut left = handled[c];
        for (k, d) in results.iter().enumerate() {
            if d.path == "results.granted" {
                continue;
            }
            let x = ((handled[c] as f64) * result_weight(d.path) * 2.0 * r.unit() + r.unit())
                .floor() as u64;
            cells[k][c] = x.min(left);
            left -= cells[k][c];
        }
        let g = results
            .iter()
            .position(|d| d.path == "results.granted")
            .expect("（一）予以公开");
        cells[g][c] = left;
    }
    let mut total = [0u64; 6];
    for row in &cells {
        for c in 0..6 {
            total[c] += row[c];
        }
    }
    let with_total = |v: &[u64; 6]| list(v.iter().copied().chain([v.iter().sum()]));
    let row_totals = r.chance(0.3);
    let _ = writeln!(
        y,
        "applications:   # 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他[, 总计]"
    );
    for d in t.rows {
        let indent = 2 * (d.depth() + 1);
        let value = match (d.kind, d.role) {
            (AppRowKind::Group, _) => String::new(),
            (AppRowKind::Total, _) => with_total(&total),
            (_, AppRole::New) => with_total(&new),
            (_, AppRole::CarriedOver) => with_total(&over),
            (_, AppRole::CarriedForward) => with_total(&forward),
            (_, AppRole::Result) => {
                let k = results
                    .iter()
                    .position(|x| x.path == d.path)
                    .expect("a result row");
                if row_totals {
                    with_total(&cells[k])
                } else {
                    list(cells[k])
                }
            }
            (_, AppRole::None) => panic!("gen_corpus does not know the row `{}`", d.path),
        };
        if value.is_empty() {
            let head = format!("{:indent$}{}:", "", d.key());
            let pad = 41usize.saturating_sub(head.chars().count()).max(1);
            let _ = writeln!(y, "{head}{:pad$}# {}", "", d.label);
        } else {
            line(&mut y, indent, d.key(), &value, d.label);
        }
    }
    carry.forward = forward;
    facts.new = new.iter().sum();
    facts.new_natural = new[0];
    facts.carried_over = over.iter().sum();
    facts.handled = handled.iter().sum();
    facts.forward = forward.iter().sum();
    let at = |p: &str| {
        results
            .iter()
            .position(|d| d.path == p)
            .map_or(0, |k| cells[k].iter().sum())
    };
    facts.granted = at("results.granted");
    facts.partial = at("results.partial");

    // 四、政府信息公开行政复议、行政诉讼情况
    let _ = writeln!(
        y,
        "appeals:   # 结果维持, 结果纠正, 其他结果, 尚未审结, 总计"
    );
    let appeal_rate = [0.04, 0.02, 0.01];
    for (g, rate) in f.appeals.groups.iter().zip(appeal_rate) {
        let cases = r.about(facts.new as f64 * rate);
        let corrected = r.below(cases / 5 + 1).min(cases);
        let other = r.below((cases - corrected) / 6 + 1).min(cases - corrected);
        let pending = r
            .below((cases - corrected - other) / 4 + 1)
            .min(cases - corrected - other);
        let upheld = cases - corrected - other - pending;
        facts.appeals += cases;
        facts.corrected += corrected;
        line(
            &mut y,
            2,
            g.key,
            &list([upheld, corrected, other, pending, cases]),
            &g.label(),
        );
    }
    if f.processing_fees.is_some() {
        let notices = if facts.new > 20 && r.chance(0.1) {
            r.range(1, 3)
        } else {
            0
        };
        // An application closed for an unpaid fee had a fee notice (W104).
        let notices = notices.max(at("results.other.fee_unpaid"));
        let yuan = if notices > 0 {
            amount(notices * r.range(100, 400) * 50)
        } else {
            "0".into()
        };
        line(
            &mut y,
            0,
            "processing_fees",
            &format!("{{notices: {notices}, amount: {yuan}}}"),
            "信息处理费：发出收费通知件数, 收取金额（元）",
        );
    }
    y.push_str("---\n\n");
    narrative(&mut y, a, place, year, &facts);
    y
}

/// On time: by 31 January of year+1 (31 March for a people's government), never before 1 January.
fn published(kind: Kind, year: u16, r: &mut Rng) -> String {
    let next = year + 1;
    if kind == Kind::Government {
        // Day 10 … 89 of the year, taking February as 28 days.
        let d = r.range(10, 89);
        let (m, day) = match d {
            0..=30 => (1, d + 1),
            31..=58 => (2, d - 30),
            _ => (3, d - 58),
        };
        format!("{next}-{m:02}-{day:02}")
    } else {
        format!("{next}-01-{:02}", r.range(5, 31))
    }
}

// ---------------------------------------------------------------------------------------------
// Narrative. Sentences are put together from parts, so that no two reports share a section by
// chance (W102 would rightly call that a copy); about 1 % of reports do copy section 五 from a
// neighbour of the same county and year, as real offices do, and W102 finds them.

const PREAMBLES: &[&str] = &[
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求编制。",
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。",
];

const OPEN_A: &[&str] = &[
    "坚持以习近平新时代中国特色社会主义思想为指导",
    "深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署",
    "认真贯彻落实《中华人民共和国政府信息公开条例》",
    "按照上级政务公开工作要点的部署",
    "坚持以人民为中心的发展思想",
    "把政务公开作为建设法治政府、服务型政府的重要抓手",
    "紧扣年度重点工作任务",
    "立足部门职能定位",
    "坚持公开为常态、不公开为例外",
    "对照政务公开标准目录逐项梳理",
];
const OPEN_B: &[&str] = &[
    "围绕{field}等群众关注的重点领域",
    "聚焦{field}方面的社会关切",
    "以标准化规范化建设为主线",
    "以公开促落实、以公开强监管、以公开优服务",
    "持续深化决策、执行、管理、服务、结果公开",
    "进一步健全政务公开工作机制",
    "统筹推进主动公开和依申请公开",
    "不断拓展公开的深度和广度",
    "着力提升政策解读和回应关切的实效",
    "加快推进基层政务公开标准化",
];
const OPEN_C: &[&str] = &[
    "政务公开工作取得新进展",
    "各项工作任务全面完成",
    "政府信息公开质量和实效进一步提升",
    "群众的获得感和满意度不断增强",
    "工作的规范化水平明显提高",
    "公开平台的服务功能更加完善",
    "政务透明度持续提升",
    "有力保障了人民群众的知情权、参与权和监督权",
];
const CHANNEL: &[&str] = &[
    "依托政府门户网站和政务新媒体",
    "通过政府信息公开专栏和公示栏",
    "借助新闻发布会、政务微博和微信公众号",
    "结合政务服务大厅的公开查阅点",
    "利用融媒体中心和村（社区）公开栏",
    "通过政务公开专区和12345热线",
    "依托部门网站和办事指南",
    "借助“政府开放日”和媒体专访",
];
const CONTENT: &[&str] = &[
    "及时发布{field}方面的政策文件和工作动态",
    "做好重要政策文件的同步解读",
    "公开财政预决算和“三公”经费信息",
    "更新政府信息公开指南和主动公开目录",
    "发布重大项目审批和实施情况",
    "公开行政执法的主体、依据和结果",
    "发布公共服务事项的办理指南",
    "公开人大代表建议和政协提案的办理结果",
    "发布{field}相关的公示公告",
    "公开权责清单并动态调整",
];
const TOPIC: &[&str] = &[
    "政府信息管理",
    "平台建设",
    "政策解读",
    "回应关切",
    "监督保障",
    "制度建设",
];
const DEED_A: &[&str] = &[
    "落实公文公开属性源头认定制度",
    "建立信息发布台账并实行专人负责",
    "对历年制发的规范性文件开展清理",
    "优化网站栏目设置",
    "落实信息发布三级审核制度",
    "调整充实政务公开工作领导小组",
    "将政务公开纳入年度目标责任考核",
    "组织开展政务公开业务培训",
    "畅通社会评议渠道",
    "对已公开信息开展定期检查",
];
const DEED_B: &[&str] = &[
    "发现错漏及时更正",
    "方便群众查找和使用",
    "全年未发生泄密和错误信息发布事件",
    "及时公布清理结果",
    "确保公开内容准确规范",
    "主要负责同志定期听取工作汇报",
    "对发现的问题即知即改",
    "认真听取群众意见建议",
    "形成了工作闭环",
    "切实增强了工作人员的公开意识",
];
const AREA: &[&str] = &[
    "政策解读",
    "信息发布",
    "公开目录的维护",
    "依申请公开答复",
    "政务新媒体的运营",
    "基层公开栏的更新",
    "重点领域信息公开",
    "公众参与",
    "工作队伍建设",
    "公开平台的集约化",
];
const ISSUE: &[&str] = &[
    "还不够及时",
    "的规范化程度有待提高",
    "存在薄弱环节",
    "与群众期待还有差距",
    "的针对性不强",
    "更新频次偏低",
    "的质量参差不齐",
    "的实效有待提升",
    "的机制还不够健全",
    "的覆盖面不够广",
];
const VERB: &[&str] = &[
    "进一步完善",
    "着力加强",
    "持续优化",
    "认真落实",
    "健全",
    "推动",
    "强化",
    "规范",
    "深化",
    "拓展",
];
const OBJECT: &[&str] = &[
    "信息发布审核机制",
    "政策解读工作",
    "政务新媒体管理",
    "公开目录动态更新",
    "依申请公开办理流程",
    "业务培训",
    "基层公开栏建设",
    "公众参与渠道",
    "重点领域信息公开",
    "考核评估制度",
    "答复文书规范",
    "信息公开平台建设",
];
const PURPOSE: &[&str] = &[
    "提升公开质量",
    "确保信息及时准确",
    "切实回应群众关切",
    "增强工作实效",
    "提高工作人员业务水平",
    "方便群众查询",
    "推动各项工作落地见效",
    "不断提升群众满意度",
];

const OTHER_MATTERS: &[&str] = &[
    "无。",
    "本年度办理人大代表建议{a}件、政协委员提案{b}件，均按期办结并公开办理结果。",
    "本年度按照上级要求落实政务公开工作要点，各项任务均已完成。",
    "本年度组织开展“政府开放日”活动{b}次，邀请群众代表走进机关、了解工作，现场解答群众关心的问题。",
];

fn fill(template: &str, a: &Agency, r: &mut Rng) -> String {
    template
        .replace("{field}", a.field)
        .replace("{a}", &r.range(1, 12).to_string())
        .replace("{b}", &r.range(1, 6).to_string())
}

/// The generator of an agency's text for a year: its own stream, so that another agency can
/// write the same section (a copy) without the figures.
fn text_rng(seed: u64, i: usize, year: u16, part: u64) -> Rng {
    Rng::new(
        seed,
        0x7E47_0000_0000 ^ ((i as u64) << 12) ^ (u64::from(year) << 2) ^ part,
    )
}

/// Section 五 of an agency's report for a year, as it writes it itself.
fn section_five(seed: u64, i: usize, a: &Agency, year: u16) -> String {
    let r = &mut text_rng(seed, i, year, 1);
    let mut out = String::new();
    let areas = r.sample(AREA, 3);
    let _ = writeln!(
        out,
        "**存在的主要问题：**一是{}{}；二是{}{}；三是{}{}。\n",
        areas[0],
        r.pick(ISSUE),
        areas[1],
        r.pick(ISSUE),
        areas[2],
        r.pick(ISSUE)
    );
    if year > FIRST_YEAR && r.chance(0.5) {
        let _ = writeln!(out, "**上年度问题整改情况：**针对上年度报告提出的{}问题，{}逐项制定整改措施，明确责任人和完成时限，已全部整改到位。\n", r.pick(AREA), a.we);
    }
    out.push_str("**改进措施：**\n\n");
    let n = r.range(3, 4) as usize;
    for (k, object) in r.sample(OBJECT, n).into_iter().enumerate() {
        let _ = writeln!(
            out,
            "- {}{object}，{}{}",
            r.pick(VERB),
            r.pick(PURPOSE),
            if k + 1 == n { "。" } else { "；" }
        );
    }
    out
}

/// The agency whose section 五 agency `i` copies for `year`, if it does (about one report in a
/// hundred): another agency of its county.
fn copies_from(seed: u64, i: usize, year: u16, agencies: usize) -> Option<usize> {
    let mut r = text_rng(seed, i, year, 2);
    if r.below(100) != 0 {
        return None;
    }
    let source = i / 10 * 10 + (i % 10 + 1 + r.below(9) as usize) % 10;
    (source < agencies && source != i).then_some(source)
}

fn narrative(out: &mut String, a: &Agency, at: (u64, usize, usize), year: u16, f: &Facts) {
    let (seed, i, agencies) = at;
    let r = &mut text_rng(seed, i, year, 0);
    if r.chance(0.3) {
        let _ = writeln!(out, "{}\n", r.pick(PREAMBLES));
    }
    out.push_str("## 一、总体情况\n\n");
    let _ = writeln!(
        out,
        "{year}年，{}{}，{}，{}。\n",
        a.name,
        r.pick(OPEN_A),
        fill(r.pick(OPEN_B), a, r),
        r.pick(OPEN_C)
    );
    let contents = r.sample(CONTENT, 2);
    let _ = write!(
        out,
        "（一）主动公开。{}，{}，{}。",
        r.pick(CHANNEL),
        fill(contents[0], a, r),
        fill(contents[1], a, r)
    );
    if f.norms > 0 {
        let _ = write!(out, "全年制发规范性文件{}件，", f.norms);
    } else {
        out.push_str("全年未制发规范性文件，");
    }
    let _ = writeln!(
        out,
        "作出行政许可决定{}件、行政处罚决定{}件，均按规定公示。\n",
        f.licensing, f.penalty
    );
    let _ = write!(
        out,
        "（二）依申请公开。{}严格按照《条例》规定的程序和时限办理依申请公开事项。全年新收申请{}件",
        a.we, f.new
    );
    if f.new > 0 {
        let _ = write!(out, "（其中自然人{}件）", f.new_natural);
    }
    if f.carried_over > 0 {
        let _ = write!(out, "，上年结转{}件", f.carried_over);
    }
    let _ = write!(
        out,
        "；办结{}件，其中予以公开{}件、部分公开{}件",
        f.handled, f.granted, f.partial
    );
    if f.forward > 0 {
        let _ = write!(
            out,
            "；另有{}件尚在法定答复期限内，结转下年度继续办理",
            f.forward
        );
    }
    if f.appeals == 0 {
        out.push_str("。全年未发生因政府信息公开引起的行政复议和行政诉讼。\n\n");
    } else {
        let _ = write!(
            out,
            "。全年发生政府信息公开行政复议、行政诉讼案件{}件",
            f.appeals
        );
        if f.corrected > 0 {
            let _ = write!(out, "，其中被纠正{}件", f.corrected);
        }
        out.push_str("。\n\n");
    }
    let topics = r.sample(TOPIC, 2);
    for (k, topic) in topics.into_iter().enumerate() {
        let deeds = r.sample(DEED_A, 2);
        let _ = writeln!(
            out,
            "（{}）{topic}。{}，{}；{}，{}。\n",
            ["三", "四"][k],
            deeds[0],
            r.pick(DEED_B),
            deeds[1],
            r.pick(DEED_B)
        );
    }

    out.push_str("## 五、存在的主要问题及改进情况\n\n");
    match copies_from(seed, i, year, agencies) {
        Some(source) => {
            // A neighbour's section with the names changed and a mark or two.
            let s = agency(seed, source);
            let text = section_five(seed, source, &s, year)
                .replace(&s.name, &a.name)
                .replace(s.we, a.we)
                .replacen("；", "，", 1);
            out.push_str(&text);
        }
        None => out.push_str(&section_five(seed, i, a, year)),
    }
    out.push_str("\n## 六、其他需要报告的事项\n\n");
    let _ = writeln!(out, "{}", fill(r.pick(OTHER_MATTERS), a, r));
}

/// Writes one agency folder; returns the bytes written.
fn write_agency(content: &Path, seed: u64, i: usize, agencies: usize, years: usize) -> Result<u64> {
    let a = agency(seed, i);
    let dir = content.join(&a.slug);
    std::fs::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let index = agency_file(&a);
    std::fs::write(dir.join("_index.md"), &index)?;
    let mut bytes = index.len() as u64;
    let mut r = Rng::new(seed, 0xA6E0_0000_0000 + i as u64);
    let mut carry = Carry::default();
    for k in 0..years {
        let year = FIRST_YEAR + k as u16;
        let text = report(&a, (seed, i, agencies), year, &mut carry, &mut r);
        let path = dir.join(format!("{year}.md"));
        std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
        bytes += text.len() as u64;
    }
    Ok(bytes)
}
