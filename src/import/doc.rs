//! The document model every reader fills: paragraphs and tables in reading order, each with its
//! place in the source, and the grid of a table with its merged cells resolved.
//!
//! In: what a reader found (Word, HTML or text). Out: [`Document`], and for each table the rows
//! of [`Slot`]s that the table matcher walks.

/// Where something is in the source document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Loc {
    /// Not known (e.g. a section the document lacks).
    #[default]
    None,
    /// HTML and text: 1-based line of the source.
    Line(u32),
    /// Word: 1-based paragraph of the body.
    Para(u32),
    /// Word: the document's table (1-based, in order), 1-based row and grid column.
    Cell { table: u32, row: u32, col: u32 },
}

/// Which reader made a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Html,
    Text,
}

/// How a paragraph is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Normal,
    /// A heading of the given level (1 = the largest).
    Heading(u8),
    /// A list item.
    Item {
        ordered: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Para {
    pub text: String,
    pub style: Style,
    pub loc: Loc,
}

/// One cell as the source gives it.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub colspan: u32,
    pub rowspan: u32,
    /// Word's `vMerge` continuation: this slot shows the cell above.
    pub continues: bool,
    pub loc: Loc,
}

impl Cell {
    pub fn new(text: impl Into<String>, loc: Loc) -> Cell {
        Cell {
            text: text.into(),
            colspan: 1,
            rowspan: 1,
            continues: false,
            loc,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
    pub loc: Loc,
    /// 1-based number among the document's tables (Word locations name it).
    pub number: u32,
}

#[derive(Debug, Clone)]
pub enum Block {
    Para(Para),
    Table(Table),
}

/// A document as read.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: Kind,
    pub blocks: Vec<Block>,
    /// Text outside the article (an HTML page's `<title>`, the lines around the article), where
    /// the title and the published date may be found when the article lacks them.
    pub around: Vec<(String, Loc)>,
    /// Notes of the reader itself (e.g. the encoding it converted from).
    pub notes: Vec<String>,
    /// Why the reader gave up (a document over the bounds).
    pub refused: Option<String>,
}

impl Document {
    pub fn new(kind: Kind) -> Document {
        Document {
            kind,
            blocks: Vec::new(),
            around: Vec::new(),
            notes: Vec::new(),
            refused: None,
        }
    }
}

/// Bounds on a table, so that a hostile document costs bounded time and memory.
pub const MAX_COLUMNS: usize = 256;
pub const MAX_ROWS: usize = 4096;
/// Grid slots of all tables of one document.
pub const MAX_SLOTS: usize = 1 << 21;

/// How a grid slot relates to its cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// The cell's own (top-left) slot.
    Origin,
    /// Covered by a cell to the left (`colspan`, `gridSpan`).
    Left,
    /// Covered by a cell above (`rowspan`, `vMerge`).
    Above,
}

/// One slot of a resolved grid.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub text: &'a str,
    pub loc: Loc,
    pub span: Span,
}

/// The table as a rectangular grid of slots, merged cells resolved (the HTML table model; Word's
/// continuation cells take the slot of the cell above). `None` when the table is over the bounds.
pub fn grid(t: &Table) -> Option<Vec<Vec<Slot<'_>>>> {
    if t.rows.len() > MAX_ROWS {
        return None;
    }
    let n = t.rows.len();
    let mut g: Vec<Vec<Option<Slot>>> = vec![Vec::new(); n];
    let mut slots = 0usize;
    for (r, row) in t.rows.iter().enumerate() {
        let mut c = 0usize;
        for cell in row {
            while g[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            let cs = (cell.colspan.max(1) as usize).min(MAX_COLUMNS);
            let rs = (cell.rowspan.max(1) as usize).min(n - r);
            if c + cs > MAX_COLUMNS {
                return None;
            }
            if cell.continues && r > 0 {
                // The slot above (and its span to the right) continues downwards.
                for k in 0..cs {
                    let above = g[r - 1].get(c + k).copied().flatten();
                    let slot = match above {
                        Some(s) => Slot {
                            span: Span::Above,
                            ..s
                        },
                        None => Slot {
                            text: &cell.text,
                            loc: cell.loc,
                            span: if k == 0 { Span::Origin } else { Span::Left },
                        },
                    };
                    put(&mut g[r], c + k, slot);
                }
                slots += cs;
                c += cs;
                continue;
            }
            for (dr, grow) in g[r..r + rs].iter_mut().enumerate() {
                for k in 0..cs {
                    let span = match (dr, k) {
                        (0, 0) => Span::Origin,
                        (0, _) => Span::Left,
                        _ => Span::Above,
                    };
                    put(
                        grow,
                        c + k,
                        Slot {
                            text: &cell.text,
                            loc: cell.loc,
                            span,
                        },
                    );
                }
            }
            slots += cs * rs;
            if slots > MAX_SLOTS {
                return None;
            }
            c += cs;
        }
    }
    let width = g.iter().map(Vec::len).max().unwrap_or(0);
    Some(
        g.into_iter()
            .map(|row| {
                let mut row: Vec<Slot> = row
                    .into_iter()
                    .map(|s| {
                        s.unwrap_or(Slot {
                            text: "",
                            loc: Loc::None,
                            span: Span::Left,
                        })
                    })
                    .collect();
                row.resize(
                    width,
                    Slot {
                        text: "",
                        loc: Loc::None,
                        span: Span::Left,
                    },
                );
                row
            })
            .collect(),
    )
}

fn put<'a>(row: &mut Vec<Option<Slot<'a>>>, at: usize, slot: Slot<'a>) {
    if row.len() <= at {
        row.resize(at + 1, None);
    }
    if row[at].is_none() {
        row[at] = Some(slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(t: &str, cs: u32, rs: u32) -> Cell {
        Cell {
            colspan: cs,
            rowspan: rs,
            ..Cell::new(t, Loc::None)
        }
    }

    #[test]
    fn spans_resolve_like_html() {
        let t = Table {
            rows: vec![
                vec![cell("a", 1, 2), cell("b", 2, 1)],
                vec![cell("c", 1, 1), cell("d", 1, 1)],
            ],
            ..Default::default()
        };
        let g = grid(&t).unwrap();
        let texts: Vec<Vec<(&str, Span)>> = g
            .iter()
            .map(|r| r.iter().map(|s| (s.text, s.span)).collect())
            .collect();
        assert_eq!(
            texts,
            vec![
                vec![("a", Span::Origin), ("b", Span::Origin), ("b", Span::Left)],
                vec![("a", Span::Above), ("c", Span::Origin), ("d", Span::Origin)],
            ]
        );
    }

    #[test]
    fn word_continuations_take_the_cell_above() {
        let mut cont = cell("", 1, 1);
        cont.continues = true;
        let t = Table {
            rows: vec![
                vec![cell("group", 1, 1), cell("x", 1, 1)],
                vec![cont, cell("y", 1, 1)],
            ],
            ..Default::default()
        };
        let g = grid(&t).unwrap();
        assert_eq!((g[1][0].text, g[1][0].span), ("group", Span::Above));
        assert_eq!(g[1][1].text, "y");
    }

    #[test]
    fn huge_spans_are_bounded() {
        let t = Table {
            rows: vec![vec![cell("a", 100_000, 100_000)], vec![]],
            ..Default::default()
        };
        let g = grid(&t).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].len(), MAX_COLUMNS);
        let wide = Table {
            rows: vec![vec![cell("a", 200, 1), cell("b", 200, 1)]],
            ..Default::default()
        };
        assert!(grid(&wide).is_none());
    }
}
