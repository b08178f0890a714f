//! Config: reads `site.toml`.
//!
//! In: the site root. Out: a typed [`Config`], N003 diagnostics for unknown keys, or a tool
//! error (exit 2) when the file is missing or is not valid TOML.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Code, Detail, Diagnostic, Pos};

/// `site.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct Config {
    pub title: String,
    /// Absolute URL of the published site; its path is the sub-path every link starts with.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    pub output_dir: PathBuf,
    pub portal: Portal,
    pub build: BuildConfig,
    /// `[data]`: what `data/datapackage.json` says of the published data.
    pub data: DataConfig,
    pub search: SearchConfig,
    /// `[check]`, read by hand so that a bad value is a diagnostic, not a tool failure.
    #[serde(skip)]
    pub check: CheckConfig,
    /// `[regions]`, in the order written (across.md); read by hand for the positions.
    #[serde(skip)]
    pub regions: Vec<RegionDecl>,
}

/// `[check]`: settings of the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckConfig {
    /// W102's threshold: the Jaccard index from which two sections count as copies.
    pub similarity: f64,
}

impl CheckConfig {
    pub const DEFAULT_SIMILARITY: f64 = 0.9;
    pub const SIMILARITY_RANGE: std::ops::RangeInclusive<f64> = 0.5..=1.0;
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            similarity: Self::DEFAULT_SIMILARITY,
        }
    }
}

/// One entry of `[regions]`: slug = full official name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegionDecl {
    pub slug: String,
    pub name: String,
    /// Where the slug stands in site.toml.
    pub pos: Pos,
}

/// Footer items a government website shows (政府网站发展指引).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, serde::Serialize)]
#[serde(default)]
pub struct Portal {
    /// 主办单位
    pub organizer: Option<String>,
    /// 网站标识码
    pub site_code: Option<String>,
    pub icp: Option<String>,
    pub public_security: Option<String>,
    pub contact: Option<String>,
    /// 返回门户首页: the portal's home page.
    pub home_url: Option<String>,
    /// 政府信息公开指南: the portal's guide to disclosure.
    pub guide_url: Option<String>,
    /// 依申请公开: where to apply for disclosure.
    pub apply_url: Option<String>,
}

impl Portal {
    /// The link settings: key, what the link says, and a mutable reference to the value.
    fn links_mut(&mut self) -> [(&'static str, &'static str, &mut Option<String>); 3] {
        [
            ("home_url", "返回门户首页", &mut self.home_url),
            ("guide_url", "政府信息公开指南", &mut self.guide_url),
            ("apply_url", "依申请公开", &mut self.apply_url),
        ]
    }
}

/// `[data]`: the licence and source of the open data package (site.md); unset, the package
/// names no licence and gives the site (its `[portal] organizer`, else its title) as source.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(default)]
pub struct DataConfig {
    /// The data's licence: an identifier (`CC-BY-4.0`) or a name.
    pub license: Option<String>,
    /// Where the licence's text is.
    pub license_url: Option<String>,
    /// Who publishes the data, e.g. 示例县人民政府办公室.
    pub source: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct BuildConfig {
    pub strict: bool,
    /// Withhold reports with errors and publish the rest (site.md, `--keep-going`).
    pub keep_going: bool,
}

/// `[search]`: the page `/search/`, the search field of every page and the index (site.md).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct SearchConfig {
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "政府信息公开工作年度报告".into(),
            base_url: "/".into(),
            language: "zh-CN".into(),
            theme: "default".into(),
            output_dir: PathBuf::from("public"),
            portal: Portal::default(),
            build: BuildConfig::default(),
            data: DataConfig::default(),
            search: SearchConfig::default(),
            check: CheckConfig::default(),
            regions: Vec::new(),
        }
    }
}

/// The keys `site.toml` may hold, per table ("" is the top level).
const KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "title",
            "base_url",
            "language",
            "theme",
            "output_dir",
            "portal",
            "build",
            "check",
            "search",
            "regions",
            "data",
        ],
    ),
    (
        "portal",
        &[
            "organizer",
            "site_code",
            "icp",
            "public_security",
            "contact",
            "home_url",
            "guide_url",
            "apply_url",
        ],
    ),
    ("build", &["strict", "keep_going"]),
    ("check", &["similarity"]),
    ("data", &["license", "license_url", "source"]),
    ("search", &["enabled"]),
];

pub const FILE: &str = "site.toml";

impl Config {
    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        base_path(&self.base_url)
    }
}

/// `https://x.gov.cn/zfxxgk/ndbg` → `/zfxxgk/ndbg/`; `/` when there is none.
pub fn base_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.contains("://") {
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    } else {
        after_scheme
    };
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

/// What is wrong with a `base_url` that is neither a whole address (`https://…`) nor a path
/// (`/…`): every link of the site would be relative to the page and break. The message names
/// the address meant, calling the setting `name`. `None` for a usable one.
pub fn base_url_problem(name: &str, url: &str) -> Option<String> {
    let u = url.trim();
    if u.is_empty() || u.contains("://") || (u.starts_with('/') && !u.starts_with("//")) {
        return None;
    }
    Some(match meant_address(u) {
        Meant::Address(scheme, meant) => {
            format!("{name}“{url}”缺少 {scheme}://，站点中的每个链接都会出错；应写作 {meant}")
        }
        Meant::Path(meant) => {
            format!("{name}“{url}”不以 / 开头，站点中的每个链接都会出错；应写作 {meant}")
        }
    })
}

/// What an address written without its scheme (or without the leading `/` of a path) meant.
enum Meant {
    /// The scheme left out, and the whole address.
    Address(&'static str, String),
    /// A path of the site, with its leading `/`.
    Path(String),
}

/// `https:www.x.gov.cn`, `//www.x.gov.cn`, `www.x.gov.cn/ndbg/`: an address without its scheme
/// (or with it half written); anything else is a path without its leading `/`.
fn meant_address(u: &str) -> Meant {
    let lower = u.to_ascii_lowercase();
    let written = ["https:", "http:"]
        .into_iter()
        .find(|s| lower.starts_with(s));
    let (scheme, rest) = match written {
        Some(s) => (&s[..s.len() - 1], &u[s.len()..]),
        None => ("https", u),
    };
    let rest = rest.trim_start_matches('/');
    let host = rest.split('/').next().unwrap_or("");
    let is_host = written.is_some()
        || u.starts_with("//")
        || host.contains(['.', ':'])
        || host == "localhost";
    if is_host {
        Meant::Address(scheme, format!("{scheme}://{rest}"))
    } else {
        Meant::Path(format!("/{rest}"))
    }
}

/// What is wrong with a link of `[portal]` (`home_url`, `guide_url`, `apply_url`): it must be a
/// whole `http(s)://` address or a path on the portal's host starting with `/` (printed as
/// written: the portal's pages are not under the site's sub-path). `label` is what the link
/// says. `None` for a usable one, and for an empty one (no link).
pub fn portal_link_problem(key: &str, label: &str, url: &str) -> Option<String> {
    let u = url.trim();
    let name = format!("[portal] {key}（{label}）“{url}”");
    if u.is_empty() {
        return None;
    }
    if u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!("{name}中有空格或控制字符，不是有效的网址"));
    }
    let lower = u.to_ascii_lowercase();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = lower.strip_prefix(scheme) {
            return match rest.split(['/', '?', '#']).next() {
                Some(host) if !host.is_empty() => None,
                _ => Some(format!(
                    "{name}缺少网站的域名，例如 {scheme}www.example.gov.cn/"
                )),
            };
        }
    }
    if u.starts_with('/') && !u.starts_with("//") {
        return None;
    }
    // Another scheme (`javascript:`, `ftp://`, `mailto:`): no page of a portal.
    let scheme_end = u.find(':').filter(|&i| {
        i > 0
            && u[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            && u[..i].starts_with(|c: char| c.is_ascii_alphabetic())
    });
    let other_scheme = scheme_end.is_some_and(|i| {
        let s = &lower[..i];
        s != "http" && s != "https" && !u[i + 1..].starts_with(|c: char| c.is_ascii_digit())
    });
    if other_scheme {
        return Some(format!(
            "{name}应为 https:// 或 http:// 开头的网址，或以 / 开头的本网站路径"
        ));
    }
    Some(match meant_address(u) {
        Meant::Address(scheme, meant) => {
            format!("{name}缺少 {scheme}://，链接会出错；应写作 {meant}")
        }
        Meant::Path(meant) => format!(
            "{name}既不是完整网址也不以 / 开头，链接会出错；应写作 {meant}，或写出完整网址 https://…"
        ),
    })
}

/// The closest known key, for "did you mean".
pub fn suggest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(unknown, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

fn pos_of(text: &str, offset: usize, len: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    let width = text
        .get(offset..offset + len)
        .map_or(1, |s| s.chars().count()) as u32;
    Pos::new(line, col, width)
}

/// Loads `site.toml` from `root`.
pub fn load(root: &Path) -> Result<(Config, Vec<Diagnostic>), String> {
    let path = root.join(FILE);
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("无法读取 {}：{e}", path.display()))?;
    let (config, mut diags) = parse(&text)?;
    crate::diagnostic::attach_sources(&mut diags, &crate::source::normalize(&text));
    Ok((config, diags))
}

/// Parses the text of `site.toml`.
pub fn parse(text: &str) -> Result<(Config, Vec<Diagnostic>), String> {
    let text = crate::source::normalize(text);
    let doc = toml_edit::ImDocument::parse(text.as_ref()).map_err(|e| {
        let pos = e
            .span()
            .map_or(Pos::START, |s| pos_of(&text, s.start, s.len()));
        format!(
            "{FILE}:{}:{}: 不是有效的 TOML：{}",
            pos.line,
            pos.column,
            e.message()
        )
    })?;
    let mut diags = Vec::new();
    for (table, known) in KEYS {
        // `[portal]`, `portal.x = …` and `portal = { … }` alike.
        let t: Option<&dyn toml_edit::TableLike> = if table.is_empty() {
            Some(doc.as_table())
        } else {
            doc.as_table().get(table).and_then(|i| i.as_table_like())
        };
        let Some(t) = t else { continue };
        for (key, _) in t.iter() {
            if known.contains(&key) {
                continue;
            }
            let pos = t
                .key(key)
                .and_then(|k| k.span())
                .map_or(Pos::START, |s| pos_of(&text, s.start, s.len()));
            let full = if table.is_empty() {
                key.to_string()
            } else {
                format!("{table}.{key}")
            };
            let mut message = format!("site.toml 中有未知的键“{full}”");
            if let Some(s) = suggest(key, known.iter().copied()) {
                message.push_str(&format!("，是否应为“{s}”？"));
            }
            let mut d = Diagnostic::new(Code::N003, FILE, pos, message);
            d.found(full).label("未知的键");
            diags.push(d);
        }
    }
    let mut config: Config = toml_edit::de::from_str(&text).map_err(|e| {
        let pos = e
            .span()
            .map_or(Pos::START, |s| pos_of(&text, s.start, s.len()));
        format!("{FILE}:{}:{}: {}", pos.line, pos.column, e.message())
    })?;
    if let Some(problem) = base_url_problem("base_url", &config.base_url) {
        let pos = doc
            .get("base_url")
            .and_then(|i| i.span())
            .map_or(Pos::START, |s| pos_of(&text, s.start, s.len()));
        return Err(format!("{FILE}:{}:{}: {problem}", pos.line, pos.column));
    }
    let span_pos = |span: Option<std::ops::Range<usize>>| {
        span.map_or(Pos::START, |s| pos_of(&text, s.start, s.len()))
    };
    if let Some(item) = doc.as_table().get("check").and_then(|i| i.as_table_like()) {
        if let Some(v) = item.get("similarity") {
            let x = v
                .as_float()
                .or_else(|| v.as_integer().map(|i| i as f64))
                .filter(|x| CheckConfig::SIMILARITY_RANGE.contains(x));
            match x {
                Some(x) => config.check.similarity = x,
                None => {
                    let shown = v
                        .as_value()
                        .map_or_else(|| "表".to_string(), |v| v.to_string().trim().to_string());
                    let mut d = Diagnostic::new(
                        Code::N006,
                        FILE,
                        span_pos(v.span()),
                        format!(
                            "[check] similarity（W102 的相似度阈值）应为 0.5 到 1.0 之间的数，实为 {shown}；按默认值 {} 检查",
                            CheckConfig::DEFAULT_SIMILARITY
                        ),
                    );
                    d.expected("0.5–1.0").found(shown).label("相似度阈值");
                    diags.push(d);
                }
            }
        }
    }
    for (key, label, value) in config.portal.links_mut() {
        let Some(problem) = value
            .as_deref()
            .and_then(|u| portal_link_problem(key, label, u))
        else {
            continue;
        };
        let item = doc
            .as_table()
            .get("portal")
            .and_then(|p| p.as_table_like())
            .and_then(|p| p.get(key));
        let mut d = Diagnostic::new(
            Code::N006,
            FILE,
            span_pos(item.and_then(|i| i.span())),
            problem,
        );
        d.found(value.clone().unwrap_or_default()).label(label);
        diags.push(d);
        // No page links it: the site is not built with an error anyway, but serve's overlay
        // and a theme's own checks never meet a broken address.
        *value = None;
    }
    if let Some(item) = doc.as_table().get("regions") {
        config.regions = read_regions(item, &span_pos, &mut diags);
    }
    Ok((config, diags))
}

/// `[regions]`: each entry a slug and a full name. N012 for a bad or reserved slug or a name
/// declared twice; N006 for a value that is no name.
fn read_regions(
    item: &toml_edit::Item,
    span_pos: &dyn Fn(Option<std::ops::Range<usize>>) -> Pos,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RegionDecl> {
    let mut out: Vec<RegionDecl> = Vec::new();
    let Some(t) = item.as_table_like() else {
        let mut d = Diagnostic::new(
            Code::N006,
            FILE,
            span_pos(item.span()),
            "[regions] 应为表：每行一个地区，写作 地区代号 = \"地区全称\"",
        );
        d.label("地区");
        diags.push(d);
        return out;
    };
    for (slug, v) in t.iter() {
        let pos = span_pos(t.key(slug).and_then(|k| k.span()));
        let name = v.as_str().map(str::trim).unwrap_or("");
        if name.is_empty() {
            let mut d = Diagnostic::new(
                Code::N006,
                FILE,
                span_pos(v.span()),
                format!("[regions] 中“{slug}”的值应为地区全称（自省级起，例如 黑龙江省佳木斯市汤原县），不能为空"),
            );
            d.found(slug).label("地区全称");
            diags.push(d);
            continue;
        }
        let problem = if !crate::source::is_valid_slug(slug) {
            Some(format!(
                "地区代号“{slug}”无效：只能使用小写字母、数字和连字符（-），并以字母或数字开头"
            ))
        } else if crate::source::RESERVED_SLUGS.contains(&slug) {
            Some(format!(
                "地区代号“{slug}”与站点自己的页面冲突：{} 是保留名",
                crate::source::RESERVED_SLUGS.join("、")
            ))
        } else {
            out.iter()
                .find(|r| r.name == name)
                .map(|r| format!("地区“{name}”已声明为“{}”：每个地区只能声明一次", r.slug))
        };
        if let Some(m) = problem {
            let mut d = Diagnostic::new(Code::N012, FILE, pos, m);
            d.found(slug).label("地区代号");
            diags.push(d);
            continue;
        }
        out.push(RegionDecl {
            slug: slug.to_string(),
            name: name.to_string(),
            pos,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(
            base_path("https://www.example.gov.cn/zfxxgk/ndbg/"),
            "/zfxxgk/ndbg/"
        );
        assert_eq!(
            base_path("https://www.example.gov.cn/zfxxgk/ndbg"),
            "/zfxxgk/ndbg/"
        );
        assert_eq!(base_path("https://www.example.gov.cn"), "/");
        assert_eq!(base_path("/"), "/");
        assert_eq!(base_path("/a/b"), "/a/b/");
    }

    #[test]
    fn a_base_url_without_its_scheme_is_refused_with_the_address_meant() {
        for (url, meant) in [
            (
                "www.example.gov.cn/zfxxgk/ndbg/",
                "https://www.example.gov.cn/zfxxgk/ndbg/",
            ),
            ("https:www.example.gov.cn/", "https://www.example.gov.cn/"),
            ("http:/192.168.1.2:8080/a", "http://192.168.1.2:8080/a"),
            (
                "//www.example.gov.cn/ndbg",
                "https://www.example.gov.cn/ndbg",
            ),
            ("localhost/ndbg", "https://localhost/ndbg"),
            ("zfxxgk/ndbg/", "/zfxxgk/ndbg/"),
        ] {
            let m = base_url_problem("base_url", url).unwrap_or_else(|| panic!("{url}"));
            assert!(m.ends_with(&format!("应写作 {meant}")), "{url}: {m}");
        }
        for fine in [
            "https://www.example.gov.cn/ndbg/",
            "http://x",
            "/",
            "/zfxxgk/",
            "",
        ] {
            assert_eq!(base_url_problem("base_url", fine), None, "{fine}");
        }
        let e = parse("title = \"x\"\nbase_url = \"www.example.gov.cn/ndbg/\"\n").unwrap_err();
        assert!(
            e.starts_with("site.toml:2:12: base_url“www.example.gov.cn/ndbg/”缺少 https://"),
            "{e}"
        );
    }

    #[test]
    fn portal_links_are_whole_addresses_or_paths_and_others_n006() {
        let text = "[portal]\nhome_url = \"https://www.example.gov.cn/\"\nguide_url = \"/zfxxgk/zn/\"\napply_url = \"\"\n";
        let (c, d) = parse(text).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            c.portal.home_url.as_deref(),
            Some("https://www.example.gov.cn/")
        );
        assert_eq!(c.portal.guide_url.as_deref(), Some("/zfxxgk/zn/"));
        for (url, says) in [
            (
                "www.example.gov.cn/zfxxgk/zn/",
                "应写作 https://www.example.gov.cn/zfxxgk/zn/",
            ),
            (
                "https:www.example.gov.cn/",
                "应写作 https://www.example.gov.cn/",
            ),
            (
                "//www.example.gov.cn/",
                "应写作 https://www.example.gov.cn/",
            ),
            ("zfxxgk/zn/", "应写作 /zfxxgk/zn/"),
            ("javascript:alert(1)", "应为 https:// 或 http:// 开头的网址"),
            (
                "ftp://example.gov.cn/",
                "应为 https:// 或 http:// 开头的网址",
            ),
            ("https://", "缺少网站的域名"),
            ("https://www.example.gov.cn/a b", "有空格"),
        ] {
            let text = format!("title = \"x\"\n[portal]\napply_url = \"{url}\"\n");
            let (c, d) = parse(&text).unwrap();
            assert_eq!(c.portal.apply_url, None, "{url}");
            assert_eq!(d.len(), 1, "{url}: {d:?}");
            assert_eq!(
                (d[0].code, d[0].line, d[0].column),
                (Code::N006, 3, 13),
                "{url}"
            );
            assert!(
                d[0].message.starts_with("[portal] apply_url（依申请公开）"),
                "{}",
                d[0].message
            );
            assert!(d[0].message.contains(says), "{url}: {}", d[0].message);
        }
        // Written as an inline table too.
        let (_, d) = parse("portal = { home_url = \"example.gov.cn\" }\n").unwrap();
        assert!(d[0].message.contains("返回门户首页"), "{d:?}");
        assert_eq!(d[0].line, 1);
    }

    #[test]
    fn unknown_keys_are_n003_with_a_suggestion() {
        let (c, d) =
            parse("titel = \"x\"\n[portal]\norganiser = \"y\"\n[build]\nstrict = true\n").unwrap();
        assert!(c.build.strict);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].code, d[0].line, d[0].column), (Code::N003, 1, 1));
        assert!(d[0].message.contains("title"), "{}", d[0].message);
        assert_eq!(d[1].line, 3);
        assert!(d[1].message.contains("organizer"));
    }

    #[test]
    fn check_similarity_in_range_or_n006() {
        let (c, d) = parse("[check]\nsimilarity = 0.75\n").unwrap();
        assert_eq!((c.check.similarity, d.len()), (0.75, 0));
        let (c, d) = parse("[check]\nsimilarity = 1\n").unwrap();
        assert_eq!((c.check.similarity, d.len()), (1.0, 0));
        assert_eq!(parse("").unwrap().0.check.similarity, 0.9);
        for bad in ["0.4", "1.5", "\"高\"", "nan"] {
            let (c, d) = parse(&format!("[check]\nsimilarity = {bad}\n")).unwrap();
            assert_eq!(c.check.similarity, 0.9, "{bad}");
            assert_eq!(
                (d[0].code, d[0].line, d[0].column),
                (Code::N006, 2, 14),
                "{bad}"
            );
        }
        let (_, d) = parse("[check]\nsimilarty = 0.8\n").unwrap();
        assert!(d[0].message.contains("similarity"));
    }

    #[test]
    fn regions_keep_their_order_and_positions_and_bad_ones_are_n012() {
        let text = "[regions]\nshi = \"示例省示例市\"\nxian = \"示例省示例市示例县\"\nBad_Slug = \"示例省\"\ndata = \"示例省乙市\"\ndup = \"示例省示例市\"\nempty = \"\"\n";
        let (c, d) = parse(text).unwrap();
        let got: Vec<_> = c
            .regions
            .iter()
            .map(|r| (r.slug.as_str(), r.pos.line))
            .collect();
        assert_eq!(got, [("shi", 2), ("xian", 3)]);
        let got: Vec<_> = d.iter().map(|d| (d.code, d.line, d.column)).collect();
        assert_eq!(
            got,
            [
                (Code::N012, 4, 1),
                (Code::N012, 5, 1),
                (Code::N012, 6, 1),
                (Code::N006, 7, 9)
            ]
        );
        assert!(d[2].message.contains("shi"), "{}", d[2].message);
        let (c, d) = parse("regions = 3\n").unwrap();
        assert!(c.regions.is_empty());
        assert_eq!(d[0].code, Code::N006);
    }

    #[test]
    fn bad_toml_is_a_tool_error_with_a_position() {
        let e = parse("title = \n").unwrap_err();
        assert!(e.starts_with("site.toml:1:"), "{e}");
    }
}
