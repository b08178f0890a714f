//! Layout: the grid of each official table, derived from the edition's definition.
//!
//! In: a [`FormatDef`]. Out: for each table its HTML tables ([`Part`]: one for 三 and 四, one per
//! block for 二, whose blocks have different columns), each with header rows and body rows with
//! `rowspan`/`colspan`, header `id`s and `scope`s, and for every data cell the ids of all its row
//! and column headers, outermost first.
//! Data cells name the value they show ([`CellRef`]); the renderer fills them from a report, so
//! the same code renders every edition.

use std::sync::OnceLock;

use super::{AppRowKind, FormatDef, TableId, EDITIONS};

/// `scope` of a header cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Col,
    ColGroup,
    Row,
    RowGroup,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Col => "col",
            Scope::ColGroup => "colgroup",
            Scope::Row => "row",
            Scope::RowGroup => "rowgroup",
        }
    }
}

/// Which value a data cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellRef {
    /// Table 二: row key, column index.
    Active(&'static str, usize),
    /// Table 三: row path, column index (6 = 总计).
    Applications(&'static str, usize),
    /// Table 四: group key, column index (4 = 总计).
    Appeals(&'static str, usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Header {
        id: String,
        text: String,
        colspan: usize,
        rowspan: usize,
        scope: Scope,
    },
    /// The top-left cell of table 三: an empty corner for assistive technology, showing the
    /// 勾稽关系 note where the form has it (the note describes the table from outside the grid).
    Corner {
        text: String,
        colspan: usize,
        rowspan: usize,
    },
    Data {
        value: CellRef,
        headers: String,
        colspan: usize,
    },
}

/// One HTML table of an official table: tables 三 and 四 are one each; table 二 is one per
/// block, since its blocks have different columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// `id` of the `<table>`, and prefix of its caption's.
    pub id: String,
    /// The table's title (三、…), or the block's (第二十条第（一）项).
    pub caption: String,
    /// Shown in the caption: the unit of a table that is one part.
    pub unit: Option<&'static str>,
    pub head: Vec<Vec<Cell>>,
    /// Row groups (`tbody`), each a list of rows.
    pub bodies: Vec<Vec<Vec<Cell>>>,
    /// Number of grid columns.
    pub width: usize,
}

/// One official table laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub table: TableId,
    /// Prefix of every id in the table, e.g. `t3`.
    pub id: &'static str,
    /// 二、主动公开政府信息情况
    pub title: String,
    pub unit: &'static str,
    /// Table 三's 勾稽关系 note, which describes the table.
    pub note: Option<&'static str>,
    pub parts: Vec<Part>,
}

impl Cell {
    /// Columns and rows it spans.
    pub fn spans(&self) -> (usize, usize) {
        match self {
            Cell::Header {
                colspan, rowspan, ..
            }
            | Cell::Corner {
                colspan, rowspan, ..
            } => (*colspan, *rowspan),
            Cell::Data { colspan, .. } => (*colspan, 1),
        }
    }
}

impl Part {
    /// Every row, the header rows first.
    pub fn rows(&self) -> impl Iterator<Item = &Vec<Cell>> {
        self.head.iter().chain(self.bodies.iter().flatten())
    }

    /// The grid column each cell starts in, row by row as [`Part::rows`] gives them; `None`
    /// when a row does not fit the grid.
    pub fn start_columns(&self) -> Option<Vec<Vec<usize>>> {
        // Rows still covered by a cell above, per column.
        let mut carry = vec![0usize; self.width];
        let mut out = Vec::new();
        for row in self.rows() {
            let mut col = 0;
            let mut starts = Vec::with_capacity(row.len());
            for cell in row {
                while col < self.width && carry[col] > 0 {
                    col += 1;
                }
                let (cs, rs) = cell.spans();
                if col + cs > self.width {
                    return None;
                }
                starts.push(col);
                for slot in &mut carry[col..col + cs] {
                    *slot = rs;
                }
                col += cs;
            }
            if carry.contains(&0) {
                return None;
            }
            for c in carry.iter_mut() {
                *c -= 1;
            }
            out.push(starts);
        }
        Some(out)
    }
}

impl Grid {
    /// Id of the element outside the grid holding the note (`aria-describedby`).
    pub fn note_id(&self) -> String {
        format!("{}-note", self.id)
    }
}

/// The three grids of an edition, built once.
pub fn grids(f: &'static FormatDef) -> &'static [Grid; 3] {
    static CACHE: OnceLock<Vec<[Grid; 3]>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        EDITIONS
            .iter()
            .map(|f| [active(f), applications(f), appeals(f)])
            .collect()
    });
    let i = EDITIONS.iter().position(|e| e.id == f.id).unwrap_or(0);
    &all[i]
}

fn header(
    id: String,
    text: impl Into<String>,
    colspan: usize,
    rowspan: usize,
    scope: Scope,
) -> Cell {
    Cell::Header {
        id,
        text: text.into(),
        colspan,
        rowspan,
        scope,
    }
}

fn ids(v: &[&str]) -> String {
    v.join(" ")
}

/// Table 二: one table per block, captioned by the block's title, with its column header row.
fn active(f: &FormatDef) -> Grid {
    let t = &f.active;
    let mut parts = Vec::new();
    for (bi, b) in t.blocks.iter().enumerate() {
        let bid = format!("t2-b{}", bi + 1);
        let mut head_row = vec![header(
            format!("{bid}-h0"),
            t.content_header,
            1,
            1,
            Scope::Col,
        )];
        for (ci, c) in b.columns.iter().enumerate() {
            head_row.push(header(
                format!("{bid}-h{}", ci + 1),
                c.header(),
                1,
                1,
                Scope::Col,
            ));
        }
        let mut rows = Vec::new();
        for r in b.rows {
            let rid = format!("t2-{}", r.key);
            let mut row = vec![header(rid.clone(), r.label, 1, 1, Scope::Row)];
            for ci in 0..b.columns.len() {
                let cid = format!("{bid}-h{}", ci + 1);
                row.push(Cell::Data {
                    value: CellRef::Active(r.key, ci),
                    headers: ids(&[&rid, &cid]),
                    colspan: 1,
                });
            }
            rows.push(row);
        }
        parts.push(Part {
            id: bid,
            caption: b.title.to_string(),
            unit: None,
            head: vec![head_row],
            bodies: vec![rows],
            width: 1 + b.columns.len(),
        });
    }
    let s = f.table_section(TableId::Active);
    Grid {
        table: TableId::Active,
        id: "t2",
        title: s.heading(),
        unit: t.unit,
        note: None,
        parts,
    }
}

fn path_id(path: &str) -> String {
    format!("t3-{}", path.replace(['.', '_'], "-"))
}

/// Table 三: three header rows; three label columns with nested row groups.
fn applications(f: &FormatDef) -> Grid {
    let t = &f.applications;
    let (applicant, legal, total) = ("t3-applicant", "t3-legal", "t3-c7");
    let col_id = |i: usize| format!("t3-c{}", i + 1);
    let col_headers = |i: usize| -> String {
        match i {
            0 => ids(&[applicant, &col_id(0)]),
            1..=5 => ids(&[applicant, legal, &col_id(i)]),
            _ => ids(&[applicant, total]),
        }
    };
    let mut head = vec![
        vec![
            Cell::Corner {
                text: t.note.into(),
                colspan: 3,
                rowspan: 3,
            },
            header(applicant.into(), t.applicant_header, 7, 1, Scope::ColGroup),
        ],
        vec![
            header(col_id(0), t.columns[0], 1, 2, Scope::Col),
            header(legal.into(), t.legal_person_header, 5, 1, Scope::ColGroup),
            header(total.into(), t.total_label, 1, 2, Scope::Col),
        ],
        Vec::new(),
    ];
    for (i, c) in t.columns.iter().enumerate().skip(1) {
        head[2].push(header(col_id(i), *c, 1, 1, Scope::Col));
    }

    // Rows that carry numbers, in order, with their label cells.
    let value_rows: Vec<_> = t
        .rows
        .iter()
        .filter(|r| r.kind != AppRowKind::Group)
        .collect();
    let span_of = |group: &str| {
        value_rows
            .iter()
            .filter(|r| r.path.starts_with(&format!("{group}.")))
            .count()
    };
    let mut rows = Vec::new();
    for r in &value_rows {
        let mut row = Vec::new();
        // Open each ancestor group at its first row.
        let mut chain: Vec<String> = Vec::new();
        let mut ancestors = Vec::new();
        let mut p = r.path;
        while let Some((parent, _)) = p.rsplit_once('.') {
            ancestors.push(parent);
            p = parent;
        }
        ancestors.reverse();
        for a in &ancestors {
            let first = value_rows
                .iter()
                .find(|x| x.path.starts_with(&format!("{a}.")))
                .map(|x| x.path);
            if first == Some(r.path) {
                let label = f.app_row(a).map_or("", |d| d.label);
                row.push(header(path_id(a), label, 1, span_of(a), Scope::RowGroup));
            }
            chain.push(path_id(a));
        }
        let own = path_id(r.path);
        row.push(header(
            own.clone(),
            r.label,
            3 - ancestors.len(),
            1,
            Scope::Row,
        ));
        chain.push(own);
        for i in 0..7 {
            let mut h: Vec<&str> = chain.iter().map(String::as_str).collect();
            let cols = col_headers(i);
            h.push(&cols);
            row.push(Cell::Data {
                value: CellRef::Applications(r.path, i),
                headers: ids(&h),
                colspan: 1,
            });
        }
        rows.push(row);
    }
    let s = f.table_section(TableId::Applications);
    Grid {
        table: TableId::Applications,
        id: "t3",
        unit: t.unit,
        note: Some(t.note),
        parts: vec![Part {
            id: "t3".into(),
            caption: s.heading(),
            unit: Some(t.unit),
            head,
            bodies: vec![rows],
            width: 10,
        }],
        title: s.heading(),
    }
}

/// Table 四: header rows from the groups' header paths, one data row.
fn appeals(f: &FormatDef) -> Grid {
    let t = &f.appeals;
    let depth = t.groups.iter().map(|g| g.headers.len()).max().unwrap_or(1);
    let per = t.columns.len() + 1;
    let mut head: Vec<Vec<Cell>> = vec![Vec::new(); depth + 1];
    // Header ids by level, for merging equal prefixes (行政诉讼 spans two groups).
    let mut done: Vec<String> = Vec::new();
    let mut row = Vec::new();
    let mut gi_n = 0;
    for (gi, g) in t.groups.iter().enumerate() {
        let mut chain = Vec::new();
        for (level, h) in g.headers.iter().enumerate() {
            let key = g.headers[..=level].join("/");
            let id = format!("t4-g{}", gi_prefix(t.groups, &key));
            chain.push(id.clone());
            if done.contains(&key) {
                continue;
            }
            done.push(key.clone());
            let groups_under = t
                .groups
                .iter()
                .filter(|o| o.headers.len() > level && o.headers[..=level].join("/") == key)
                .count();
            let leaf = level + 1 == g.headers.len();
            let rowspan = if leaf { depth - level } else { 1 };
            head[level].push(header(id, *h, groups_under * per, rowspan, Scope::ColGroup));
        }
        gi_n += 1;
        for ci in 0..per {
            let label = t.columns.get(ci).copied().unwrap_or(t.total_label);
            let cid = format!("t4-{}-c{}", gi + 1, ci + 1);
            head[depth].push(header(cid.clone(), label, 1, 1, Scope::Col));
            let mut h: Vec<&str> = chain.iter().map(String::as_str).collect();
            h.push(&cid);
            row.push(Cell::Data {
                value: CellRef::Appeals(g.key, ci),
                headers: ids(&h),
                colspan: 1,
            });
        }
    }
    let s = f.table_section(TableId::Appeals);
    Grid {
        table: TableId::Appeals,
        id: "t4",
        unit: t.unit,
        note: None,
        parts: vec![Part {
            id: "t4".into(),
            caption: s.heading(),
            unit: Some(t.unit),
            head,
            bodies: vec![vec![row]],
            width: gi_n * per,
        }],
        title: s.heading(),
    }
}

/// A stable id for a header path: `行政诉讼` → index of its first group, `-` level path.
fn gi_prefix(groups: &[super::AppealGroup], key: &str) -> String {
    let level = key.matches('/').count();
    let first = groups
        .iter()
        .position(|g| g.headers.len() > level && g.headers[..=level].join("/") == key)
        .unwrap_or(0);
    format!("{}-{}", first + 1, level + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{F2019, F2021};

    fn body_rows(p: &Part) -> usize {
        p.bodies.iter().map(Vec::len).sum()
    }

    #[test]
    fn table_three_is_28_rows_by_10_columns_in_2021() {
        let g = &grids(&F2021)[1].parts[0];
        assert_eq!(g.head.len() + body_rows(g), 28);
        assert_eq!(g.width, 10);
        let g19 = &grids(&F2019)[1].parts[0];
        assert_eq!(g19.head.len() + body_rows(g19), 26);
    }

    #[test]
    fn every_row_fills_the_grid() {
        for f in EDITIONS {
            for g in grids(f) {
                for p in &g.parts {
                    assert!(p.start_columns().is_some(), "{} {}", f.id, p.id);
                }
            }
        }
    }

    #[test]
    fn table_two_is_one_table_per_block_with_its_own_columns() {
        for f in EDITIONS {
            let g = &grids(f)[0];
            assert_eq!(g.parts.len(), f.active.blocks.len());
            for (p, b) in g.parts.iter().zip(f.active.blocks) {
                assert_eq!(p.caption, b.title);
                assert_eq!(p.width, 1 + b.columns.len());
                assert_eq!(p.head.len(), 1);
                // Each data cell names its row and its column, both headers of its own table.
                let ids: Vec<String> = p
                    .rows()
                    .flatten()
                    .filter_map(|c| match c {
                        Cell::Header { id, .. } => Some(id.clone()),
                        _ => None,
                    })
                    .collect();
                for c in p.rows().flatten() {
                    if let Cell::Data { headers, .. } = c {
                        let h: Vec<&str> = headers.split(' ').collect();
                        assert_eq!(h.len(), 2, "{headers}");
                        assert!(h.iter().all(|id| ids.iter().any(|x| x == id)), "{headers}");
                    }
                }
            }
        }
    }

    #[test]
    fn headers_list_row_then_column_headers_outermost_first() {
        let g = &grids(&F2021)[1].parts[0];
        let cell = g.bodies[0]
            .iter()
            .flatten()
            .find_map(|c| match c {
                Cell::Data {
                    value: CellRef::Applications("results.withheld.state_secret", 1),
                    headers,
                    ..
                } => Some(headers.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(cell, "t3-results t3-results-withheld t3-results-withheld-state-secret t3-applicant t3-legal t3-c2");
        let t4 = &grids(&F2021)[2].parts[0];
        assert_eq!(t4.width, 15);
        assert_eq!(t4.head.len(), 3);
    }
}
