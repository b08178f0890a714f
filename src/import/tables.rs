//! Tables: the figures of the three official tables, found in a document's tables by label.
//!
//! In: a [`Document`] (any reader) and its outline. Out: for every official row found, its
//! values — a number the import is sure of, or `null` — with their places in the document, the
//! edition the labels point to, and a note for every correction made on the way.
//!
//! One walk serves every reader: each table is resolved to a grid (merged cells repeated), each
//! grid row is read as labels followed by values, and the labels are matched to the edition by
//! [`labels::Vocab`]. The last row label of a row names it; group labels (（三）不予公开) and
//! captions set the context for the rows that follow. Table 四 is one row of values under its
//! headers.

use std::collections::{BTreeMap, BTreeSet};

use super::doc::{grid, Block, Document, Loc, Slot, Span};
use super::labels::{norm, Found, Vocab, What};
use super::narrative::Outline;
use super::values::{self, Cell as V};
use crate::format::{AppRowKind, FormatDef, TableId, ValueKind, EDITIONS};

/// A value to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    /// Plain decimal text.
    Num(String),
    /// Could not be placed without guessing.
    Null,
}

impl Val {
    pub fn text(&self) -> &str {
        match self {
            Val::Num(s) => s,
            Val::Null => "null",
        }
    }
}

/// One official row as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub values: Vec<Val>,
    /// The 总计 as written (table 三, 四); `None` when it is to be computed.
    pub total: Option<Val>,
    /// Where the row's label is.
    pub label: Loc,
    /// Where each value is (and the 总计 last, when written).
    pub cells: Vec<Loc>,
}

/// A correction the import made, for the `# 导入说明` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub loc: Loc,
    pub text: String,
}

/// What the tables of a document gave.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// By key path: `active.rules`, `applications.results.granted`, `appeals.litigation`.
    pub rows: BTreeMap<String, Row>,
    pub notes: Vec<Note>,
    /// Blocks that belong to the official tables (left out of the narrative).
    pub used: BTreeSet<usize>,
    /// Word tables (by number) and the official table each holds.
    pub tables: BTreeMap<u32, TableId>,
    /// How many official labels were recognised.
    pub labels: usize,
}

/// The official name of a table in messages: 表二, 表三, 表四.
pub fn table_name(t: TableId) -> &'static str {
    match t {
        TableId::Active => "表二",
        TableId::Applications => "表三",
        TableId::Appeals => "表四",
    }
}

/// The table a section holds.
fn section_table(f: &FormatDef, s: Option<usize>) -> Option<TableId> {
    match f.sections.get(s?)?.kind {
        crate::format::SectionKind::Table(t) => Some(t),
        crate::format::SectionKind::Narrative => None,
    }
}

/// Texts that could be labels: the cells of every table and the paragraphs of the table sections.
fn label_texts<'d>(doc: &'d Document, o: &Outline) -> Vec<&'d str> {
    let mut out = Vec::new();
    for (i, b) in doc.blocks.iter().enumerate() {
        match b {
            Block::Para(p) if matches!(o.section[i], Some(1..=3)) => out.push(p.text.as_str()),
            Block::Table(t) => {
                for row in &t.rows {
                    out.extend(row.iter().map(|c| c.text.as_str()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The edition the labels point to: the one with more labels of its own (found in the other
/// edition by none). `None` when the labels do not tell.
pub fn edition(doc: &Document, o: &Outline) -> Option<&'static FormatDef> {
    let vocabs: Vec<&Vocab> = EDITIONS.iter().map(|f| Vocab::of(f)).collect();
    let own: Vec<BTreeSet<String>> = vocabs
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let others: BTreeSet<String> = vocabs
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .flat_map(|(_, w)| w.entries.iter().map(|e| norm(e.label)))
                .collect();
            v.entries
                .iter()
                .map(|e| norm(e.label))
                .filter(|n| !others.contains(n))
                .collect()
        })
        .collect();
    let mut counts: Vec<BTreeSet<&'static str>> = vec![BTreeSet::new(); vocabs.len()];
    for text in label_texts(doc, o) {
        for (i, v) in vocabs.iter().enumerate() {
            if let Some(m) = v.find(text) {
                if m.score >= 0.8 && own[i].contains(&norm(m.label())) {
                    counts[i].insert(m.label());
                }
            }
        }
    }
    let best = (0..vocabs.len()).max_by_key(|&i| counts[i].len())?;
    let tie = (0..vocabs.len()).any(|i| i != best && counts[i].len() == counts[best].len());
    (!tie).then(|| EDITIONS[best])
}

/// Reads the official tables of a document in the given edition.
pub fn figures(doc: &Document, o: &Outline, f: &'static FormatDef) -> Figures {
    let mut w = Walker {
        f,
        vocab: Vocab::of(f),
        table: None,
        group: None,
        pending: None,
        appeal_totals: 0,
        out: Figures::default(),
    };
    for (i, b) in doc.blocks.iter().enumerate() {
        let here = section_table(f, o.section[i]);
        match b {
            Block::Para(p) => {
                if o.heading.contains(&Some(i)) {
                    w.table = here;
                    w.group = None;
                    continue;
                }
                if here.is_some() {
                    if let Some(m) = w.vocab.find(&p.text) {
                        w.out.used.insert(i);
                        w.context(&m);
                    }
                }
            }
            Block::Table(t) => {
                let Some(g) = grid(t) else {
                    w.note(t.loc, "表格过大，未读取".to_string());
                    continue;
                };
                if here.is_some() {
                    w.table = here;
                }
                w.group = None;
                w.pending = None;
                let before = w.out.labels;
                let mut seen: BTreeMap<TableId, usize> = BTreeMap::new();
                for row in &g {
                    if let Some(t) = w.row(row) {
                        *seen.entry(t).or_default() += 1;
                    }
                }
                if w.out.labels >= before + 2 || (here.is_some() && w.out.labels > before) {
                    w.out.used.insert(i);
                    if let Some((&id, _)) = seen.iter().max_by_key(|(_, n)| **n) {
                        w.out.tables.insert(t.number, id);
                    }
                }
            }
        }
    }
    w.out
}

struct Walker {
    f: &'static FormatDef,
    vocab: &'static Vocab,
    /// The official table the rows are in.
    table: Option<TableId>,
    /// Table 三: the group (path) the rows are under.
    group: Option<&'static str>,
    /// A lone label that matched nothing: perhaps the first half of the next row's label.
    pending: Option<String>,
    /// Table 四: 总计 headers seen.
    appeal_totals: usize,
    out: Figures,
}

/// A cell of a row, read.
struct Item<'a> {
    slot: &'a Slot<'a>,
    /// The text of the label (merged with its neighbours when it was split).
    text: String,
    kind: ItemKind<'static>,
}

enum ItemKind<'v> {
    Label(Found<'v>),
    Unknown,
    Value(V),
}

impl Walker {
    fn note(&mut self, loc: Loc, text: String) {
        self.out.notes.push(Note { loc, text });
    }

    /// Sets the table (and group) a recognised label points to.
    fn context(&mut self, m: &Found) {
        let tables: BTreeSet<Option<TableId>> = m.entries.iter().map(|e| e.what.table()).collect();
        if tables.len() == 1 {
            if let Some(Some(t)) = tables.into_iter().next() {
                if self.table != Some(t) {
                    self.group = None;
                }
                self.table = Some(t);
            }
        }
        let what = m.entries[0].what;
        if let What::AppRow(i) = what {
            let def = &self.f.applications.rows[i];
            if def.kind == AppRowKind::Group {
                self.group = Some(def.path);
            } else if def.depth() == 0 {
                self.group = None;
            }
        }
        if what == What::Total && self.table == Some(TableId::Appeals) {
            self.appeal_totals += 1;
        }
    }

    /// Reads one grid row; returns the official table it belongs to, if known.
    fn row(&mut self, row: &[Slot]) -> Option<TableId> {
        let slots: Vec<&Slot> = row.iter().filter(|s| s.span != Span::Left).collect();
        let mut items: Vec<Item> = Vec::with_capacity(slots.len());
        let pending = self.pending.take();
        let mut k = 0;
        while k < slots.len() {
            let s = slots[k];
            let v = values::read(s.text);
            if v.is_value() {
                items.push(Item {
                    slot: s,
                    text: String::new(),
                    kind: ItemKind::Value(v),
                });
                k += 1;
                continue;
            }
            // A label, perhaps split over several cells (or the line before): the longest
            // run that matches best.
            let alone = self.vocab.find(s.text);
            let mut best: Option<(Found<'static>, String, usize)> =
                alone.map(|m| (m, s.text.to_string(), 1));
            if best.as_ref().is_none_or(|b| !b.0.exact()) {
                if let (0, Some(p)) = (items.len(), &pending) {
                    let merged = format!("{p}{}", s.text);
                    if let Some(m) = self.vocab.find(&merged) {
                        if best.as_ref().is_none_or(|b| m.score > b.0.score) {
                            best = Some((m, merged, 1));
                        }
                    }
                }
                let mut merged = s.text.to_string();
                for extra in 1..=2 {
                    let Some(next) = slots.get(k + extra) else {
                        break;
                    };
                    if next.span != Span::Origin || values::read(next.text).is_value() {
                        break;
                    }
                    merged.push_str(next.text);
                    if let Some(m) = self.vocab.find(&merged) {
                        if best.as_ref().is_none_or(|b| m.score > b.0.score) {
                            best = Some((m, merged.clone(), extra + 1));
                        }
                    }
                }
            }
            match best {
                Some((m, text, used)) => {
                    items.push(Item {
                        slot: s,
                        text,
                        kind: ItemKind::Label(m),
                    });
                    k += used;
                }
                None => {
                    items.push(Item {
                        slot: s,
                        text: s.text.to_string(),
                        kind: ItemKind::Unknown,
                    });
                    k += 1;
                }
            }
        }

        // Context, header typos, and the row label: the last label of a row (not repeated from
        // the row above).
        let mut id: Option<usize> = None;
        let mut table = None;
        for (n, it) in items.iter().enumerate() {
            let ItemKind::Label(m) = &it.kind else {
                continue;
            };
            self.out.labels += usize::from(it.slot.span == Span::Origin);
            self.context(m);
            table = self.table.or(table);
            let what = m.entries[0].what;
            if it.slot.span == Span::Origin {
                if what.is_row() || matches!(what, What::AppealHeader(Some(_))) {
                    id = Some(n);
                } else if !m.exact() && !norm(&it.text).contains(&norm(m.label())) {
                    let t = self.table.map_or("表格", table_name);
                    self.note(
                        it.slot.loc,
                        format!("{t} 表头“{}”按“{}”读取", it.text.trim(), m.label()),
                    );
                }
            }
        }

        let Some(idn) = id else {
            let vals: Vec<(V, Loc)> = items
                .iter()
                .filter(|i| i.slot.span == Span::Origin)
                .filter_map(|i| match &i.kind {
                    ItemKind::Value(v) => Some((v.clone(), i.slot.loc)),
                    _ => None,
                })
                .collect();
            let words = items
                .iter()
                .filter(|i| !matches!(i.kind, ItemKind::Value(_)))
                .count();
            if self.table == Some(TableId::Appeals) && !vals.is_empty() && words == 0 {
                self.appeals(vals);
                return Some(TableId::Appeals);
            }
            if let [Item {
                kind: ItemKind::Unknown,
                text,
                ..
            }] = &items[..]
            {
                self.pending = Some(text.clone());
            } else if vals.iter().any(|(v, _)| !v.is_nothing()) {
                let loc = vals[0].1;
                self.note(
                    loc,
                    format!(
                        "有一行数字（{}）不属于任何官方表格的行，未读取",
                        vals.iter()
                            .map(|(v, _)| match v {
                                V::Num(n) => n.text.clone(),
                                _ => "空白".into(),
                            })
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                );
            }
            return table;
        };

        // Row labels before the last one stand for rows without any cell (one label after
        // another in a text copy): every visible value is blank.
        for it in &items[..idn] {
            if let ItemKind::Label(m) = &it.kind {
                if m.entries[0].what.is_row() && it.slot.span == Span::Origin {
                    self.place(m, &it.text, it.slot.loc, Vec::new());
                }
            }
        }
        let it = &items[idn];
        let ItemKind::Label(m) = &it.kind else {
            return table;
        };
        let vals: Vec<(V, Loc)> = items[idn + 1..]
            .iter()
            .filter(|i| i.slot.span == Span::Origin)
            .map(|i| match &i.kind {
                ItemKind::Value(v) => (v.clone(), i.slot.loc),
                _ => (V::Text, i.slot.loc),
            })
            .collect();
        if let What::AppealHeader(Some(g)) = m.entries[0].what {
            // A header row (行政复议 … 行政诉讼) is no row of figures.
            let figures = vals.iter().all(|(v, _)| v.is_value())
                && vals.iter().any(|(v, _)| matches!(v, V::Num(_)));
            if !figures {
                return table;
            }
            let key = self.f.appeals.groups[g].key;
            self.put_row(
                &format!("appeals.{key}"),
                &self.f.appeals.groups[g].label(),
                TableId::Appeals,
                it.slot.loc,
                vals,
                &[ValueKind::Count; 4],
                true,
                None,
            );
            return Some(TableId::Appeals);
        }
        self.place(m, &it.text, it.slot.loc, vals);
        table
    }

    /// Puts the values of a recognised row label in their place.
    fn place(&mut self, m: &Found, text: &str, loc: Loc, vals: Vec<(V, Loc)>) {
        let what = m.entries[0].what;
        let typo =
            (!m.exact() && !norm(text).contains(&norm(m.label()))).then(|| text.trim().to_string());
        match what {
            What::ActiveRow(i) => {
                let Some((block, row)) = self.f.active_rows().nth(i) else {
                    return;
                };
                let kinds: Vec<ValueKind> = block.columns.iter().map(|c| c.kind).collect();
                self.put_row(
                    &format!("active.{}", row.key),
                    row.label,
                    TableId::Active,
                    loc,
                    vals,
                    &kinds,
                    false,
                    typo,
                );
            }
            What::AppRow(i) => {
                let def = &self.f.applications.rows[i];
                if def.kind == AppRowKind::Group {
                    if vals
                        .iter()
                        .any(|(v, _)| matches!(v, V::Num(n) if !n.is_zero()))
                    {
                        self.note(
                            loc,
                            format!(
                                "表三 分组“{}”一行的数字不是官方表格的一行（各项另有数字），未读取",
                                def.label
                            ),
                        );
                    }
                    return;
                }
                if def.kind == AppRowKind::Total && vals.iter().all(|(v, _)| matches!(v, V::Blank))
                {
                    self.note(loc, format!("表三 “{}”空白，将自动计算", def.label));
                    return;
                }
                self.put_row(
                    &format!("applications.{}", def.path),
                    def.label,
                    TableId::Applications,
                    loc,
                    vals,
                    &[ValueKind::Count; 6],
                    true,
                    typo,
                );
            }
            _ => {}
        }
    }

    /// Places the values of one row: `kinds` gives the columns; `total` allows one more, the 总计.
    #[allow(clippy::too_many_arguments)]
    fn put_row(
        &mut self,
        path: &str,
        label: &str,
        table: TableId,
        loc: Loc,
        mut vals: Vec<(V, Loc)>,
        kinds: &[ValueKind],
        total: bool,
        typo: Option<String>,
    ) {
        let t = table_name(table);
        if self.out.rows.contains_key(path) {
            if vals.iter().any(|(v, _)| !v.is_nothing()) {
                self.note(loc, format!("{t} “{label}”重复出现，以第一次为准"));
            }
            return;
        }
        // A label with no cell at all (the end of a cut-off copy, or cells a text copy lost):
        // nothing to read; the row stays missing.
        if vals.is_empty() {
            return;
        }
        let n = kinds.len();
        let most = n + usize::from(total);
        while vals.len() > most && matches!(vals.last(), Some((V::Blank, _))) {
            vals.pop();
        }
        let mut why: Vec<String> = Vec::new();
        if let Some(typo) = typo {
            why.push(format!("原文写作“{typo}”"));
        }
        let fits = vals.len() == n || vals.len() == most;
        let row = if !fits && vals.iter().all(|(v, _)| v.is_nothing()) {
            self.leading_zeros(&vals, &mut why);
            why.push(format!(
                "原文有 {} 格（应为 {}），均为 0 或空白，按全 0 读取",
                vals.len(),
                if total {
                    format!("{n} 或 {most}")
                } else {
                    n.to_string()
                }
            ));
            Row {
                values: vec![Val::Num("0".into()); n],
                total: None,
                label: loc,
                cells: vec![vals.first().map_or(loc, |v| v.1); n],
            }
        } else if fits {
            self.blank_notes(&vals, &mut why);
            let mut values = Vec::with_capacity(n);
            let mut cells = Vec::with_capacity(vals.len());
            for (k, (v, at)) in vals.iter().enumerate().take(n) {
                values.push(self.value(v, kinds[k], &mut why, k));
                cells.push(*at);
            }
            let total = match vals.get(n) {
                Some((V::Num(x), at)) => {
                    cells.push(*at);
                    Some(Val::Num(x.text.clone()))
                }
                Some((V::Text, at)) => {
                    cells.push(*at);
                    why.push("总计无法读取，写作 null".into());
                    Some(Val::Null)
                }
                Some(_) => {
                    why.push("总计空白，将自动计算".into());
                    None
                }
                None => None,
            };
            Row {
                values,
                total,
                label: loc,
                cells,
            }
        } else {
            why.push(format!(
                "原文有 {} 格（应为 {}），无法确定各数字所属的列，写作 null，请对照原文填写",
                vals.len(),
                if total {
                    format!("{n} 或 {most}")
                } else {
                    n.to_string()
                }
            ));
            Row {
                values: vec![Val::Null; n],
                total: None,
                label: loc,
                cells: vec![vals.first().map_or(loc, |v| v.1); n],
            }
        };
        if !why.is_empty() {
            self.note(loc, format!("{t} “{label}”：{}", why.join("；")));
        }
        self.out.rows.insert(path.to_string(), row);
    }

    fn blank_notes(&self, vals: &[(V, Loc)], why: &mut Vec<String>) {
        let blanks = vals
            .iter()
            .filter(|(v, _)| matches!(v, V::Blank | V::Dash))
            .count();
        if blanks > 0 {
            why.push(format!("{blanks} 个空白格读作 0"));
        }
        self.leading_zeros(vals, why);
    }

    fn leading_zeros(&self, vals: &[(V, Loc)], why: &mut Vec<String>) {
        for (v, _) in vals {
            if let V::Num(n) = v {
                if n.leading_zero {
                    why.push(format!("“{}”读作 {}", n.raw, n.text));
                }
            }
        }
    }

    /// One value of a column of the given kind.
    fn value(&self, v: &V, kind: ValueKind, why: &mut Vec<String>, col: usize) -> Val {
        match v {
            V::Num(n) if n.yuan => match kind {
                ValueKind::Amount { .. } => {
                    let wan = n.yuan_to_wan();
                    why.push(format!("第 {} 列“{}元”换算为 {wan} 万元", col + 1, n.text));
                    Val::Num(wan)
                }
                _ => {
                    why.push(format!(
                        "第 {} 列“{}元”不是件数，写作 null",
                        col + 1,
                        n.text
                    ));
                    Val::Null
                }
            },
            V::Num(n) => Val::Num(n.text.clone()),
            V::Blank | V::Dash => Val::Num("0".into()),
            V::Text => {
                why.push(format!("第 {} 列不是数字，写作 null", col + 1));
                Val::Null
            }
        }
    }

    /// Table 四's row of values: three groups of five (with 总计) or, under headers without 总计,
    /// of four.
    fn appeals(&mut self, mut vals: Vec<(V, Loc)>) {
        let groups = self.f.appeals.groups;
        if groups
            .iter()
            .any(|g| self.out.rows.contains_key(&format!("appeals.{}", g.key)))
        {
            if vals.iter().any(|(v, _)| !v.is_nothing()) {
                self.note(vals[0].1, "表四 有多于一行数字，只读取第一行".into());
            }
            return;
        }
        while vals.len() > 15 && matches!(vals.last(), Some((V::Blank, _))) {
            vals.pop();
        }
        let loc = vals[0].1;
        let n = groups.len();
        let width = if vals.len() == 5 * n {
            Some(5)
        } else if vals.len() == 4 * n && self.appeal_totals == 0 {
            Some(4)
        } else {
            None
        };
        let all_zero = vals.iter().all(|(v, _)| v.is_nothing());
        match width {
            Some(w) => {
                for (g, chunk) in groups.iter().zip(vals.chunks(w)) {
                    self.put_row(
                        &format!("appeals.{}", g.key),
                        &g.label(),
                        TableId::Appeals,
                        chunk[0].1,
                        chunk.to_vec(),
                        &[ValueKind::Count; 4],
                        true,
                        None,
                    );
                }
            }
            None => {
                let fill = if all_zero {
                    Val::Num("0".into())
                } else {
                    Val::Null
                };
                for g in groups {
                    self.out.rows.insert(
                        format!("appeals.{}", g.key),
                        Row {
                            values: vec![fill.clone(); 4],
                            total: None,
                            label: loc,
                            cells: vec![loc; 4],
                        },
                    );
                }
                self.note(
                    loc,
                    if all_zero {
                        format!(
                            "表四 原文有 {} 格（应为 {} 或 {}），均为 0 或空白，按全 0 读取",
                            vals.len(),
                            5 * n,
                            4 * n
                        )
                    } else {
                        format!(
                            "表四 原文有 {} 格（应为 {} 或 {}），无法确定各数字所属的列，写作 null，请对照原文填写",
                            vals.len(),
                            5 * n,
                            4 * n
                        )
                    },
                );
            }
        }
    }
}
