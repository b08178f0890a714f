//! Agency slugs for imported reports: the folder of an agency the site already knows by that
//! name, else a new one made from the name's pinyin, unique in the site.
//!
//! In: the agencies and reports of a loaded site, then agency names. Out: slugs, and whether
//! each is new (then `_index.md` holding the name is written).

use std::collections::{BTreeMap, BTreeSet};

use pinyin::ToPinyin;

use crate::source;

/// The names a site knows and the slugs it uses.
#[derive(Debug, Default)]
pub struct Names {
    by_name: BTreeMap<String, String>,
    taken: BTreeSet<String>,
}

impl Names {
    /// From a loaded site: each agency's name (its `_index.md` or newest report) and the
    /// `agency` of every report.
    pub fn of_site(site: &crate::site::Site) -> Names {
        let mut n = Names::default();
        for a in &site.agencies {
            n.taken.insert(a.slug.clone());
            n.by_name.entry(a.name.clone()).or_insert(a.slug.clone());
        }
        for r in &site.reports {
            n.taken.insert(r.slug.clone());
            n.by_name.entry(r.agency.clone()).or_insert(r.slug.clone());
        }
        n
    }

    /// Marks folders that exist on disk (an agency folder without reports is no agency of the
    /// loaded site but its name is taken all the same).
    pub fn take(&mut self, slug: &str) {
        self.taken.insert(slug.to_string());
    }

    /// The slug of an agency by name; `true` when it is new (and now taken for that name).
    pub fn resolve(&mut self, name: &str) -> (String, bool) {
        if let Some(s) = self.by_name.get(name) {
            return (s.clone(), false);
        }
        let base = pinyin_slug(name);
        let mut slug = base.clone();
        let mut n = 2;
        while self.taken.contains(&slug) || source::slug_problem(&slug).is_some() {
            slug = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(slug.clone());
        self.by_name.insert(name.to_string(), slug.clone());
        (slug, true)
    }
}

/// Characters after which a slug takes a hyphen: the administrative levels, so that
/// 汤原县社区建设指导委员会办公室 reads tangyuanxian-shequ-jianshezhidaoweiyuanhuibangongshi.
const LEVELS: [char; 7] = ['省', '市', '县', '区', '镇', '乡', '旗'];
/// Slugs are cut at this many characters (at a syllable).
const MAX_LEN: usize = 60;

/// Lower-case ASCII from the name's pinyin (letters and digits kept, the rest dropped).
pub fn pinyin_slug(name: &str) -> String {
    let mut out = String::new();
    let mut hyphen = false;
    for c in name.chars() {
        let piece: String = match c.to_pinyin() {
            Some(p) => p.plain().to_string(),
            None if c.is_ascii_alphanumeric() => c.to_ascii_lowercase().to_string(),
            None => {
                hyphen = !out.is_empty();
                continue;
            }
        };
        if out.len() + piece.len() + 1 > MAX_LEN {
            break;
        }
        if hyphen && !out.ends_with('-') {
            out.push('-');
        }
        hyphen = false;
        out.push_str(&piece);
        if LEVELS.contains(&c) {
            hyphen = true;
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() || !out.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        format!(
            "jiguan{}",
            if out.is_empty() {
                String::new()
            } else {
                format!("-{out}")
            }
        )
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_pinyin() {
        assert_eq!(
            pinyin_slug("汤原县社区建设指导委员会办公室"),
            "tangyuanxian-shequ-jianshezhidaoweiyuanhuibangongshi"
        );
        assert_eq!(pinyin_slug("示例县教育局"), "shilixian-jiaoyuju");
        assert_eq!(pinyin_slug("ABC 公司"), "abc-gongsi");
        assert_eq!(pinyin_slug("《》"), "jiguan");
        assert!(source::is_valid_slug(&pinyin_slug("上海市人民政府办公厅")));
        assert!(pinyin_slug(&"长".repeat(100)).len() <= MAX_LEN);
    }

    #[test]
    fn names_resolve_to_known_or_unique_slugs() {
        let mut n = Names::default();
        n.take("shilixian-jiaoyuju");
        n.by_name
            .insert("示例县教育局".into(), "shilixian-jiaoyuju".into());
        assert_eq!(
            n.resolve("示例县教育局"),
            ("shilixian-jiaoyuju".into(), false)
        );
        // The same pinyin for another name: a suffix keeps it unique.
        let (s, new) = n.resolve("示例县教玉局");
        assert!(new);
        assert_eq!(s, "shilixian-jiaoyuju-2");
        assert_eq!(n.resolve("示例县教玉局"), (s, false));
    }
}
