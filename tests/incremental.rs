//! serve's rebuilds equal a fresh build: after every edit — of a report, an agency file, a
//! template, `site.toml` — the folder serve serves is byte for byte what `nianbao build --drafts`
//! makes of the site as it is then. The serve builder runs in process, one edit at a time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use nianbao::build::{self, BuildOptions, Outcome};
use nianbao::serve::rebuild::Builder;
use nianbao::serve::reload::{self, Hub};
use nianbao::site::LoadOptions;
use nianbao::write::{self, DataFile};
use proptest::prelude::*;

mod common;

const BASE_URL: &str = "http://127.0.0.1:1111/";

/// What a fresh `build --drafts` of the site makes, the way serve builds (`None`: it refuses).
fn full_build(root: &Path, out: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let opts = BuildOptions {
        drafts: true,
        output: Some(out.to_path_buf()),
        base_url: Some(BASE_URL.into()),
        inject_html: reload::script(),
        ..Default::default()
    };
    match build::build(root, LoadOptions::default(), &opts).unwrap() {
        Outcome::Built(..) => {
            let mut files = common::tree(out);
            // The mark of a built folder: serve's private folder has none.
            files.remove(nianbao::output::MANIFEST).expect("a manifest");
            Some(files)
        }
        Outcome::Invalid(_) => None,
    }
}

/// What serve serves from a builder's folder: its files, with the data files composed.
fn served_tree(builder: &Builder) -> BTreeMap<String, Vec<u8>> {
    let dir = builder.served().unwrap();
    let mut files = common::tree(dir);
    let folders = builder.composed().unwrap();
    for which in DataFile::ALL {
        let mut bytes = Vec::new();
        write::compose(dir, folders, which, &mut bytes).unwrap();
        files.insert(which.path().to_string(), bytes);
    }
    files
}

fn assert_same_tree(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>, step: &str) {
    let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<BTreeSet<_>>();
    let (g, w) = (names(got), names(want));
    assert!(
        g == w,
        "{step}: the files differ: only served {:?}, only built {:?}",
        g.difference(&w).collect::<Vec<_>>(),
        w.difference(&g).collect::<Vec<_>>()
    );
    for (name, bytes) in want {
        assert!(got[name] == *bytes, "{step}: {name} differs");
    }
}

/// A serve builder over a site, and the checks made after each edit.
struct Harness {
    root: PathBuf,
    builder: Builder,
    hub: Arc<Hub>,
    _private: tempfile::TempDir,
    scratch: tempfile::TempDir,
    steps: usize,
    /// The folder of the first build: edits never make another.
    first: PathBuf,
}

impl Harness {
    fn new(root: &Path) -> Harness {
        let private = tempfile::tempdir().unwrap();
        let hub = Arc::new(Hub::default());
        let mut builder = Builder::new(
            root,
            private.path(),
            BASE_URL,
            false,
            hub.clone(),
            Arc::default(),
        );
        builder.rebuild(&BTreeSet::new());
        builder.wait_for_search();
        assert!(hub.overlay().is_none(), "the first build failed");
        let first = builder.served().unwrap().to_path_buf();
        Harness {
            root: root.to_path_buf(),
            builder,
            hub,
            _private: private,
            scratch: tempfile::tempdir().unwrap(),
            steps: 0,
            first,
        }
    }

    /// Rebuilds after `changed`; then the served folder must equal a fresh build, or — when
    /// the site has errors — the overlay must show and the served folder stay as it was.
    fn step(&mut self, changed: &[&str], what: &str) {
        let before = common::tree(self.builder.served().unwrap());
        let changed: BTreeSet<String> = changed.iter().map(|s| s.to_string()).collect();
        self.builder.rebuild(&changed);
        // The search index is written in the background: compared once it is done.
        self.builder.wait_for_search();
        self.steps += 1;
        let out = self.scratch.path().join(format!("full-{}", self.steps));
        match full_build(&self.root, &out) {
            Some(want) => {
                assert!(self.hub.overlay().is_none(), "{what}: overlay shown");
                assert_eq!(
                    self.builder.served(),
                    Some(self.first.as_path()),
                    "{what}: a fresh folder"
                );
                assert_same_tree(&served_tree(&self.builder), &want, what);
            }
            None => {
                assert!(self.hub.overlay().is_some(), "{what}: no overlay");
                assert_same_tree(&common::tree(self.builder.served().unwrap()), &before, what);
            }
        }
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        common::replace(&self.root, file, from, to);
    }
}

const REPORT: &str = "content/shilixian-jiaoyuju/2023.md";
const DRAFT: &str = "content/shilixian-jiaoyuju/2024.md";
const INDEX: &str = "content/shilixian-jiaoyuju/_index.md";

#[test]
fn every_kind_of_edit_is_served_as_a_fresh_build_makes_it() {
    let site = common::sample_site();
    let root = site.path();
    let mut h = Harness::new(root);

    // What each edit rewrites follows from the plan: what shows the changed part, no more.
    let page = "shilixian-jiaoyuju/2023/index.html";
    let data = [
        "shilixian-jiaoyuju/2023/report.csv",
        "shilixian-jiaoyuju/2023/report.json",
    ];
    // The report's search record, and the index made from the records (in the background).
    let search = ["search/index/", "search/r/shilixian-jiaoyuju/2023.json"];
    h.edit(REPORT, "## 五、", "新增一句回执编号甲乙。\n\n## 五、");
    h.step(&[REPORT], "the narrative");
    let mut want = vec![page];
    want.extend(search);
    want.sort();
    assert_eq!(h.builder.last_written, want);
    assert_eq!(
        common::search(h.builder.served().unwrap(), "回执编号甲乙"),
        ["search/r/shilixian-jiaoyuju/2023.json"]
    );
    h.edit(REPORT, "licensing: 487", "licensing: 488");
    h.step(&[REPORT], "a figure of table 二");
    // The report, and what is computed from it: the roll-ups of its year (the site's on the
    // year page, those of its region and the regions above), and the comparisons with the year
    // after (its agency's draft, which serve shows, and the regions' roll-ups).
    let mut want = vec![
        "data/reports-wide.csv",
        "data/reports.csv",
        "data/reports.json",
        "data/rollups.json",
        page,
        "shilixian-jiaoyuju/2024/index.html",
        "years/2023/index.html",
    ];
    want.extend(data);
    let regions: Vec<String> = ["shili", "shili-shi", "shilixian"]
        .iter()
        .flat_map(|r| {
            [
                format!("regions/{r}/2023/index.html"),
                format!("regions/{r}/2023/rollup.csv"),
                format!("regions/{r}/2023/rollup.json"),
                format!("regions/{r}/2024/index.html"),
            ]
        })
        .collect();
    want.extend(regions.iter().map(String::as_str));
    want.sort();
    assert_eq!(h.builder.last_written, want);
    h.edit(
        REPORT,
        "new: [14, 1, 0, 0, 1, 0, 16]",
        "new: [114, 1, 0, 0, 1, 0, 116]",
    );
    h.edit(
        REPORT,
        "carried_forward: [0, 0, 0, 0, 0, 0, 0]",
        "carried_forward: [100, 0, 0, 0, 0, 0, 100]",
    );
    h.step(&[REPORT], "a key figure");
    // The pages with key figures: their tables and charts (the agency's, and its regions' of
    // their roll-ups).
    for f in [
        page,
        "shilixian-jiaoyuju/index.html",
        "years/2023/index.html",
        "regions/shilixian/index.html",
        "regions/shili/index.html",
    ] {
        assert!(h.builder.last_written.iter().any(|w| w == f), "{f}");
    }
    assert!(!h
        .builder
        .last_written
        .iter()
        .any(|w| w == "atom.xml" || w == "sitemap.xml"));
    h.edit(REPORT, "published: 2024-01-29", "published: 2024-01-20");
    h.step(&[REPORT], "the published date");
    assert!(h.builder.last_written.iter().any(|w| w == "atom.xml"));

    // The agency's name comes from its reports once the agency file gives none; a name written
    // only in a draft (the newest report) never becomes it.
    h.edit(INDEX, "name: 示例县教育局\n", "");
    h.step(&[INDEX], "the agency file's name removed");
    h.edit(DRAFT, "agency: 示例县教育局", "agency: 示例县教育和体育局");
    h.step(&[DRAFT], "renamed in a draft");
    h.edit(REPORT, "agency: 示例县教育局", "agency: 示例县教育局（改）");
    h.step(&[REPORT], "renamed in a published report");

    // A report broken, then fixed after another edit.
    let text = common::read(root, REPORT);
    h.edit(REPORT, "  new: [", "  new: [9999");
    h.step(&[REPORT], "broken");
    const OTHER: &str = "content/shilixian-gonganju/2022.md";
    h.edit(OTHER, "## 五、", "新增一段。\n\n## 五、");
    h.step(&[OTHER], "another edit while broken");
    common::write(root, REPORT, &text);
    h.step(&[REPORT], "fixed");

    // Reports deleted and added; an agency added and removed.
    std::fs::remove_file(root.join(DRAFT)).unwrap();
    h.step(&[DRAFT], "a report deleted");
    const NEW: &str = "content/tangyuan-shequ-ban/2021.md";
    let copy = common::read(root, "content/shilixian-jiaoyuju/2021.md").replace(
        "agency: 示例县教育局",
        "agency: 汤原县社区建设指导委员会办公室",
    );
    common::write(root, NEW, copy);
    h.step(&[NEW], "a report added");
    // Renamed to another year, the old name lost on the way.
    const RENAMED: &str = "content/tangyuan-shequ-ban/2022.md";
    let moved = common::read(root, NEW)
        .replace("year: 2021", "year: 2022")
        .replace("published: 2022-", "published: 2023-");
    std::fs::remove_file(root.join(NEW)).unwrap();
    common::write(root, RENAMED, moved);
    h.step(&[RENAMED], "renamed, old name lost");
    // A report gone from another folder, told only of the one that appeared: the folders whose
    // entries changed are read again.
    let later = common::read(root, RENAMED)
        .replace("year: 2022", "year: 2023")
        .replace("published: 2023-", "published: 2024-");
    std::fs::remove_file(root.join(OTHER)).unwrap();
    common::write(root, "content/tangyuan-shequ-ban/2023.md", later);
    h.step(
        &["content/tangyuan-shequ-ban/2023.md"],
        "a report appeared, another gone unannounced elsewhere",
    );
    const AGENCY: &str = "content/shilixian-wenlvju/2023.md";
    let copy =
        common::read(root, REPORT).replace("agency: 示例县教育局（改）", "agency: 示例县文旅局");
    common::write(root, AGENCY, copy);
    h.step(&["content/shilixian-wenlvju", AGENCY], "an agency added");
    common::write(
        root,
        "content/shilixian-wenlvju/2023-签章版.pdf",
        "%PDF-1.4",
    );
    common::write(
        root,
        "content/shilixian-wenlvju/notice.pdf",
        "%PDF-1.4 notice",
    );
    h.step(
        &[
            "content/shilixian-wenlvju/2023-签章版.pdf",
            "content/shilixian-wenlvju/notice.pdf",
        ],
        "attachments added",
    );
    h.edit(AGENCY, "year: 2023\n", "year: 2023\ndraft: true\n");
    h.step(&[AGENCY], "its only report now a draft (serve shows it)");
    std::fs::remove_dir_all(root.join("content/shilixian-wenlvju")).unwrap();
    h.step(&["content/shilixian-wenlvju"], "an agency removed");

    // Agency files, templates, static files, site.toml.
    // The region is in the agency's search records, and so in the index.
    const GONGAN: &str = "content/shilixian-gonganju/_index.md";
    h.edit(GONGAN, "region: 示例省示例市示例县", "region: 示例省示例市");
    h.step(&[GONGAN], "an agency moved to another region");
    let written = &h.builder.last_written;
    assert!(written.iter().any(|w| w == "search/index/"), "{written:?}");
    assert!(
        written
            .iter()
            .any(|w| w.starts_with("search/r/shilixian-gonganju/")),
        "{written:?}"
    );
    h.edit(GONGAN, "region: 示例省示例市", "region: 示例省示例市示例县");
    h.step(&[GONGAN], "an agency moved back");
    // The county government `covers` its county: the county's year pages name its report
    // (本地区汇总报告), and list it as 未发布 once it is gone.
    const COUNTY: &str = "content/shilixian-zhengfu/2023.md";
    h.edit(
        COUNTY,
        "agency: 示例县人民政府\n",
        "agency: 示例县人民政府\ntitle: 示例县政务公开年报\n",
    );
    h.step(&[COUNTY], "a covering agency's report retitled");
    let written = &h.builder.last_written;
    assert!(
        written
            .iter()
            .any(|w| w == "regions/shilixian/2023/index.html"),
        "{written:?}"
    );
    let county = common::read(root, COUNTY);
    std::fs::remove_file(root.join(COUNTY)).unwrap();
    h.step(&[COUNTY], "a covering agency's report removed");
    common::write(root, COUNTY, &county);
    h.step(&[COUNTY], "a covering agency's report back");
    // Every page changes with the skip link's text, but templates go into no search record,
    // nor into the index: of search, the page alone is rewritten.
    let base = common::read(root, "themes/default/templates/base.html");
    common::write(
        root,
        "templates/base.html",
        base.replace("跳到正文", "跳到正文内容"),
    );
    h.step(&["templates/base.html"], "base.html overridden (search)");
    let written = &h.builder.last_written;
    assert!(
        written.iter().any(|w| w == "search/index.html"),
        "{written:?}"
    );
    assert!(
        !written
            .iter()
            .any(|w| w.starts_with("search/r/") || w == "search/index/"),
        "{written:?}"
    );
    std::fs::remove_dir_all(root.join("templates")).unwrap();
    h.step(&["templates"], "the override removed (search)");
    h.edit(
        GONGAN,
        "region: 示例省示例市示例县",
        "region: 示例省示例市示例县（改）",
    );
    h.step(&[GONGAN], "an agency file");
    let base = common::read(root, "themes/default/templates/base.html");
    common::write(
        root,
        "templates/base.html",
        format!("{{# 门户页头 #}}\n{base}"),
    );
    h.step(&["templates/base.html"], "base.html overridden");
    common::replace(root, "templates/base.html", "跳到正文", "跳到正文内容");
    h.step(&["templates/base.html"], "the override edited");
    common::write(root, "static/assets/extra.css", "body{}");
    h.step(&["static/assets/extra.css"], "a static file");
    common::replace(root, "site.toml", "（示例站点）", "（示例站点，改）");
    h.step(&["site.toml"], "site.toml");
    std::fs::remove_dir_all(root.join("templates")).unwrap();
    h.step(&["templates"], "the override removed");
}

/// The edits the property test draws from, over the valid fixture.
#[derive(Debug, Clone)]
enum Edit {
    /// A figure of a report (one of two).
    Figure(bool, u8),
    Narrative(bool),
    Draft(bool, bool),
    Name(bool, u8),
    Delete(bool),
    Restore(bool),
    Break(bool),
    AgencyName(Option<u8>),
    Kind(bool),
    NewAgency,
    DropAgency,
    Attachment,
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<bool>(), 0u8..9).prop_map(|(a, b)| Edit::Figure(a, b)),
        any::<bool>().prop_map(Edit::Narrative),
        (any::<bool>(), any::<bool>()).prop_map(|(a, b)| Edit::Draft(a, b)),
        (any::<bool>(), 0u8..3).prop_map(|(a, b)| Edit::Name(a, b)),
        any::<bool>().prop_map(Edit::Delete),
        any::<bool>().prop_map(Edit::Restore),
        any::<bool>().prop_map(Edit::Break),
        proptest::option::of(0u8..3).prop_map(Edit::AgencyName),
        any::<bool>().prop_map(Edit::Kind),
        Just(Edit::NewAgency),
        Just(Edit::DropAgency),
        Just(Edit::Attachment),
    ]
}

/// Applies an edit; returns the files it touched.
fn apply(root: &Path, originals: &[String; 2], e: &Edit) -> Vec<String> {
    let file = |second: bool| {
        if second {
            common::R2021
        } else {
            common::R2020
        }
    };
    let text = |f: &str| std::fs::read_to_string(root.join(f)).unwrap_or_default();
    let set_line = |f: &str, key: &str, line: Option<String>| {
        let t = text(f);
        if t.is_empty() {
            return;
        }
        let mut lines: Vec<String> = t
            .lines()
            .filter(|l| !l.starts_with(&format!("{key}:")))
            .map(str::to_string)
            .collect();
        if let Some(l) = line {
            lines.insert(1, l);
        }
        std::fs::write(root.join(f), lines.join("\n") + "\n").unwrap();
    };
    match e {
        Edit::Figure(second, n) => {
            let f = file(*second);
            let t = text(f);
            if t.contains("  coercion: ") {
                let new = t
                    .lines()
                    .map(|l| {
                        if l.starts_with("  coercion: [") {
                            "  coercion: [0, 0, 0]".to_string()
                        } else if l.starts_with("  coercion: ") {
                            format!("  coercion: {n}")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                std::fs::write(root.join(f), new + "\n").unwrap();
            }
            vec![f.into()]
        }
        Edit::Narrative(second) => {
            let f = file(*second);
            let t = text(f);
            if !t.is_empty() {
                std::fs::write(root.join(f), t + "\n又一句。\n").unwrap();
            }
            vec![f.into()]
        }
        Edit::Draft(second, on) => {
            let f = file(*second);
            set_line(f, "draft", on.then(|| "draft: true".into()));
            vec![f.into()]
        }
        Edit::Name(second, n) => {
            let f = file(*second);
            set_line(f, "agency", Some(format!("agency: 示例县测试局{n}")));
            vec![f.into()]
        }
        Edit::Delete(second) => {
            let f = file(*second);
            let _ = std::fs::remove_file(root.join(f));
            vec![f.into()]
        }
        Edit::Restore(second) => {
            let f = file(*second);
            std::fs::write(root.join(f), &originals[usize::from(*second)]).unwrap();
            vec![f.into()]
        }
        Edit::Break(second) => {
            let f = file(*second);
            let t = text(f);
            if !t.is_empty() {
                std::fs::write(root.join(f), t.replacen("  new: [", "  new: [7", 1)).unwrap();
            }
            vec![f.into()]
        }
        Edit::AgencyName(n) => {
            set_line(
                common::INDEX,
                "name",
                n.map(|n| format!("name: 测试机关{n}")),
            );
            vec![common::INDEX.into()]
        }
        Edit::Kind(township) => {
            let kind = if *township { "township" } else { "department" };
            set_line(common::INDEX, "kind", Some(format!("kind: {kind}")));
            vec![common::INDEX.into()]
        }
        Edit::NewAgency => {
            let f = "content/other-ju/2021.md";
            let t = originals[1].replace("示例县测试局", "示例县另一局");
            common::write(root, f, t);
            vec!["content/other-ju".into(), f.into()]
        }
        Edit::DropAgency => {
            let _ = std::fs::remove_dir_all(root.join("content/other-ju"));
            vec!["content/other-ju".into()]
        }
        Edit::Attachment => {
            let f = "content/demo-ju/2021-签章版.pdf";
            common::write(root, f, "%PDF");
            vec![f.into()]
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn random_edit_sequences_are_served_as_a_fresh_build_makes_them(
        edits in proptest::collection::vec(edit_strategy(), 1..7)
    ) {
        let site = common::site(common::BASE);
        let root = site.path();
        let originals = [common::read(root, common::R2020), common::read(root, common::R2021)];
        let mut h = Harness::new(root);
        for (i, e) in edits.iter().enumerate() {
            let touched = apply(root, &originals, e);
            let touched: Vec<&str> = touched.iter().map(String::as_str).collect();
            h.step(&touched, &format!("step {i}: {e:?} of {edits:?}"));
        }
    }
}
