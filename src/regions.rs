//! Regions: the `[regions]` of site.toml as a prefix tree, the agencies each region contains,
//! and N012 for the agencies' `region` and `covers` (across.md).
//!
//! In: the declared regions (slug = full name) and each agency's `region` and `covers`. Out: a
//! [`RegionTree`] (regions in tree order, parent, children, contained agencies) and diagnostics.

use std::collections::{BTreeMap, HashMap};

use crate::config::{suggest, RegionDecl};
use crate::diagnostic::{Code, Detail, Diagnostic, Pos};

/// One declared region, placed in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub slug: String,
    /// The full official name, from the province down.
    pub name: String,
    /// Index of the parent in [`RegionTree::regions`]: the longest other declared name that is a
    /// proper prefix of this one.
    pub parent: Option<usize>,
    /// Indexes of the children, in tree order.
    pub children: Vec<usize>,
    /// 0 for a region without parent.
    pub depth: usize,
    /// Agencies whose `region` is this name, sorted by slug.
    pub own: Vec<String>,
    /// Every agency the region contains (its own and its descendants'), sorted by slug.
    pub agencies: Vec<String>,
}

/// The declared regions as a tree.
#[derive(Debug, Clone, Default)]
pub struct RegionTree {
    /// Depth first, siblings by name (then slug).
    regions: Vec<Region>,
    by_slug: BTreeMap<String, usize>,
    by_name: HashMap<String, usize>,
}

impl RegionTree {
    /// Builds the tree from the declarations (slug, name) and the agencies (slug, `region`).
    /// A name declared twice keeps its first slug (config reading says N012 for the second).
    pub fn new<'a>(
        decls: impl IntoIterator<Item = (&'a str, &'a str)>,
        agencies: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    ) -> RegionTree {
        let mut flat: Vec<(String, String)> = Vec::new();
        for (slug, name) in decls {
            if !flat.iter().any(|(s, n)| s == slug || n == name) {
                flat.push((slug.to_string(), name.to_string()));
            }
        }
        let index: HashMap<&str, usize> = flat
            .iter()
            .enumerate()
            .map(|(i, (_, n))| (n.as_str(), i))
            .collect();
        // Parent: the longest proper prefix that is declared (char boundaries, longest first).
        let parent_of: Vec<Option<usize>> = flat
            .iter()
            .map(|(_, name)| {
                name.char_indices()
                    .map(|(i, _)| i)
                    .filter(|&i| i > 0)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .find_map(|end| index.get(&name[..end]).copied())
            })
            .collect();
        let mut kids: Vec<Vec<usize>> = vec![Vec::new(); flat.len()];
        let mut roots = Vec::new();
        for (i, p) in parent_of.iter().enumerate() {
            match p {
                Some(p) => kids[*p].push(i),
                None => roots.push(i),
            }
        }
        let by_name_slug =
            |a: &usize, b: &usize| (&flat[*a].1, &flat[*a].0).cmp(&(&flat[*b].1, &flat[*b].0));
        roots.sort_by(by_name_slug);
        for k in &mut kids {
            k.sort_by(by_name_slug);
        }
        // Depth-first order; `new_index[old]` is the place in it.
        let mut order = Vec::with_capacity(flat.len());
        let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&r| (r, 0)).collect();
        let mut depth_of = vec![0; flat.len()];
        while let Some((i, depth)) = stack.pop() {
            order.push(i);
            depth_of[i] = depth;
            stack.extend(kids[i].iter().rev().map(|&k| (k, depth + 1)));
        }
        let mut new_index = vec![0; flat.len()];
        for (n, &old) in order.iter().enumerate() {
            new_index[old] = n;
        }
        let mut regions: Vec<Region> = order
            .iter()
            .map(|&old| Region {
                slug: flat[old].0.clone(),
                name: flat[old].1.clone(),
                parent: parent_of[old].map(|p| new_index[p]),
                children: kids[old].iter().map(|&k| new_index[k]).collect(),
                depth: depth_of[old],
                own: Vec::new(),
                agencies: Vec::new(),
            })
            .collect();
        let by_name: HashMap<String, usize> = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.clone(), i))
            .collect();
        for (slug, region) in agencies {
            let Some(mut i) = region.and_then(|r| by_name.get(r)).copied() else {
                continue;
            };
            regions[i].own.push(slug.to_string());
            loop {
                regions[i].agencies.push(slug.to_string());
                match regions[i].parent {
                    Some(p) => i = p,
                    None => break,
                }
            }
        }
        for r in &mut regions {
            for v in [&mut r.own, &mut r.agencies] {
                v.sort_unstable();
                v.dedup();
            }
        }
        let by_slug = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.slug.clone(), i))
            .collect();
        RegionTree {
            regions,
            by_slug,
            by_name,
        }
    }

    /// The tree of the declarations in site.toml.
    pub fn from_config<'a>(
        decls: &'a [RegionDecl],
        agencies: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    ) -> RegionTree {
        Self::new(
            decls.iter().map(|d| (d.slug.as_str(), d.name.as_str())),
            agencies,
        )
    }

    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    /// Every region, depth first, siblings sorted by name.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    pub fn get(&self, slug: &str) -> Option<&Region> {
        self.by_slug.get(slug).map(|&i| &self.regions[i])
    }

    /// The place of the region with this slug.
    pub fn index_of(&self, slug: &str) -> Option<usize> {
        self.by_slug.get(slug).copied()
    }

    /// The index of the region with this full name.
    pub fn index_of_name(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    pub fn parent(&self, r: &Region) -> Option<&Region> {
        r.parent.map(|p| &self.regions[p])
    }

    pub fn children<'s>(&'s self, r: &'s Region) -> impl Iterator<Item = &'s Region> + 's {
        r.children.iter().map(move |&c| &self.regions[c])
    }

    /// The regions without a parent.
    pub fn roots(&self) -> impl Iterator<Item = &Region> + '_ {
        self.regions.iter().filter(|r| r.parent.is_none())
    }

    /// The regions an agency of `region` counts in: that region and its ancestors, innermost
    /// first (none when the name is not declared).
    pub fn regions_of(&self, region: &str) -> Vec<&Region> {
        let mut out = Vec::new();
        let mut at = self.index_of_name(region);
        while let Some(i) = at {
            out.push(&self.regions[i]);
            at = self.regions[i].parent;
        }
        out
    }

    /// Whether a region contains an agency (directly or through a descendant).
    pub fn contains(&self, r: &Region, agency_slug: &str) -> bool {
        r.agencies
            .binary_search_by(|s| s.as_str().cmp(agency_slug))
            .is_ok()
    }
}

/// What N012 needs of an agency: its slug, its agency file, and `region` and `covers` with
/// where their values stand.
#[derive(Debug, Clone, Copy, Hash)]
pub struct AgencyPlace<'a> {
    pub slug: &'a str,
    /// The agency file (`content/<slug>/_index.md`), where `region` and `covers` are written.
    pub file: &'a str,
    pub region: Option<(&'a str, Pos)>,
    pub covers: Option<(&'a str, Pos)>,
}

/// `covers` naming the whole site rather than a region.
pub const COVERS_SITE: &str = "site";

/// N012 across files: a region slug that is also an agency slug; an agency `region` (when
/// `[regions]` is declared) or `covers` (other than `site`) that names no declared region.
/// (Bad, reserved and repeated declarations are found when site.toml is read.)
pub fn check(decls: &[RegionDecl], agencies: &[AgencyPlace]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let agency_slugs: std::collections::HashSet<&str> = agencies.iter().map(|a| a.slug).collect();
    for d in decls
        .iter()
        .filter(|d| agency_slugs.contains(d.slug.as_str()))
    {
        let mut diag = Diagnostic::new(
            Code::N012,
            crate::config::FILE,
            Pos {
                width: d.slug.chars().count() as u32,
                ..d.pos
            },
            format!(
                "地区代号“{}”与机关目录 content/{}/ 同名：地区和机关的网址会冲突，请换一个地区代号",
                d.slug, d.slug
            ),
        );
        diag.found(d.slug.as_str()).label("与机关目录同名");
        out.push(diag);
    }
    let names: Vec<&str> = decls.iter().map(|d| d.name.as_str()).collect();
    let unknown = |key: &str, value: &str| {
        let mut m = if names.is_empty() {
            format!(
                "{key} 为“{value}”，但 site.toml 没有声明地区（[regions]）{}",
                if key == "covers" {
                    "：covers 只能是 site，或在 [regions] 中声明的地区全称"
                } else {
                    ""
                }
            )
        } else {
            format!("{key} 为“{value}”，不是 site.toml 的 [regions] 中声明的地区全称")
        };
        if let Some(s) = suggest(value, names.iter().copied()) {
            m.push_str(&format!("，是否应为“{s}”？"));
        }
        m
    };
    for a in agencies {
        if let Some((region, pos)) = a.region {
            if !names.is_empty() && !names.contains(&region) {
                let mut d = Diagnostic::new(Code::N012, a.file, pos, unknown("region", region));
                d.found(region).label("未声明的地区");
                out.push(d);
            }
        }
        if let Some((covers, pos)) = a.covers {
            if covers != COVERS_SITE && !names.contains(&covers) {
                let mut d = Diagnostic::new(Code::N012, a.file, pos, unknown("covers", covers));
                d.found(covers).label("未声明的地区");
                out.push(d);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> RegionTree {
        RegionTree::new(
            [
                ("xianglan", "黑龙江省佳木斯市汤原县香兰镇"),
                ("jiamusi", "黑龙江省佳木斯市"),
                ("tangyuan", "黑龙江省佳木斯市汤原县"),
                ("huanan", "黑龙江省佳木斯市桦南县"),
                ("other", "吉林省"),
            ],
            [
                ("xianglan-zhen", Some("黑龙江省佳木斯市汤原县香兰镇")),
                ("tangyuan-jiaoyuju", Some("黑龙江省佳木斯市汤原县")),
                ("shi-ju", Some("黑龙江省佳木斯市")),
                ("nowhere", None),
                ("undeclared", Some("黑龙江省佳木斯市汤原县吉祥乡")),
            ],
        )
    }

    #[test]
    fn parents_are_the_longest_declared_prefix_and_order_is_depth_first() {
        let t = tree();
        let got: Vec<(&str, usize, Option<&str>)> = t
            .regions()
            .iter()
            .map(|r| {
                (
                    r.slug.as_str(),
                    r.depth,
                    t.parent(r).map(|p| p.slug.as_str()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("other", 0, None),
                ("jiamusi", 0, None),
                ("huanan", 1, Some("jiamusi")),
                ("tangyuan", 1, Some("jiamusi")),
                ("xianglan", 2, Some("tangyuan")),
            ]
        );
        let j = t.get("jiamusi").unwrap();
        let kids: Vec<_> = t.children(j).map(|r| r.slug.as_str()).collect();
        assert_eq!(kids, ["huanan", "tangyuan"]);
        assert_eq!(t.roots().count(), 2);
    }

    #[test]
    fn a_region_contains_its_own_agencies_and_its_descendants() {
        let t = tree();
        let j = t.get("jiamusi").unwrap();
        assert_eq!(j.agencies, ["shi-ju", "tangyuan-jiaoyuju", "xianglan-zhen"]);
        assert_eq!(j.own, ["shi-ju"]);
        let ty = t.get("tangyuan").unwrap();
        assert_eq!(ty.agencies, ["tangyuan-jiaoyuju", "xianglan-zhen"]);
        assert!(t.contains(ty, "xianglan-zhen") && !t.contains(ty, "shi-ju"));
        assert!(t.get("huanan").unwrap().agencies.is_empty());
        let up: Vec<_> = t
            .regions_of("黑龙江省佳木斯市汤原县香兰镇")
            .iter()
            .map(|r| r.slug.as_str())
            .collect();
        assert_eq!(up, ["xianglan", "tangyuan", "jiamusi"]);
        assert!(t.regions_of("黑龙江省佳木斯市汤原县吉祥乡").is_empty());
        assert!(RegionTree::new([], [("a", Some("x"))]).is_empty());
    }

    fn decl(slug: &str, name: &str, line: u32) -> RegionDecl {
        RegionDecl {
            slug: slug.into(),
            name: name.into(),
            pos: Pos::line(line),
        }
    }

    #[test]
    fn n012_for_undeclared_region_and_covers_and_slug_clashes() {
        let decls = [
            decl("xian", "示例省示例市示例县", 20),
            decl("zhen-ban", "示例省示例市示例县示例镇", 21),
        ];
        let p = |l| Pos::new(l, 9, 1);
        let agencies = [
            AgencyPlace {
                slug: "zhen-ban",
                file: "content/zhen-ban/_index.md",
                region: Some(("示例省示例市示例县示例镇", p(2))),
                covers: None,
            },
            AgencyPlace {
                slug: "a",
                file: "content/a/_index.md",
                region: Some(("示例省示例市示列县", p(3))),
                covers: Some(("site", p(4))),
            },
            AgencyPlace {
                slug: "b",
                file: "content/b/_index.md",
                region: None,
                covers: Some(("示例省示例市", p(5))),
            },
            AgencyPlace {
                slug: "c",
                file: "content/c/_index.md",
                region: None,
                covers: Some(("示例省示例市示例县", p(6))),
            },
        ];
        let d = check(&decls, &agencies);
        let got: Vec<_> = d.iter().map(|d| (d.file.as_str(), d.line)).collect();
        assert_eq!(
            got,
            [
                ("site.toml", 21),
                ("content/a/_index.md", 3),
                ("content/b/_index.md", 5)
            ]
        );
        assert!(d.iter().all(|d| d.code == Code::N012));
        assert!(
            d[1].message.contains("示例省示例市示例县"),
            "{}",
            d[1].message
        );

        // Without [regions]: any region is fine, covers only `site`.
        let d = check(&[], &agencies);
        let got: Vec<_> = d.iter().map(|d| (d.file.as_str(), d.line)).collect();
        assert_eq!(
            got,
            [("content/b/_index.md", 5), ("content/c/_index.md", 6)]
        );
    }
}
