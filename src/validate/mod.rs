//! Validate: every rule of rules.md, one file per rule family.
//!
//! In: the text of a report or agency file, and then the whole set of checked reports. Out: the
//! typed [`Report`](crate::report::Report) where the file could be read, and diagnostics.
//!
//! | file | rules |
//! |---|---|
//! | `structure.rs` | N001–N007, N011: reading the front matter into the model |
//! | `sections.rs` | N010: the body's sections |
//! | `arithmetic.rs` | R001–R004: 勾稽关系 |
//! | `compliance.rs` | W002, W004, W005, W007, W008, W104: one report on its own |
//! | `narrative.rs` | W101: figures in the text against the tables |
//! | `site.rs` | N008, W001, W003, W006 and agency files: rules that look across files |
//! | `acknowledge.rs` | `acknowledge` entries (N003, N006); explained warnings and W106 |
//! | `revisions.rs` | `revisions` entries (N003–N007) |
//! | `copied.rs` | W102: copied sections, from prints of every report |
//! | `coverage.rs` | W105 and 未发布: agencies that stopped publishing |

pub mod acknowledge;
mod arithmetic;
mod compliance;
pub mod copied;
pub mod coverage;
pub mod narrative;
mod numbers;
mod revisions;
mod sections;
mod site;
mod structure;

pub use site::{check_agency_file, check_site, AgencyFile};
pub use structure::{read_report, FileContext};

pub use crate::diagnostic::Detail;
use crate::diagnostic::{Code, Diagnostic, Pos};

/// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): in a name
/// printed beside other text (a list of agencies, a feed) an unclosed one reverses or isolates
/// its neighbours too. Marks (U+200E, U+200F, U+061C), which have no reach, are allowed.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// N006's message for a name holding one (`what`: the field in words, `key`: its key).
pub(crate) fn bidi_message(what: &str, key: &str, c: char) -> String {
    format!(
        "{what}（{key}）含有改变文字方向的控制字符 U+{:04X}，会让页面上相邻的文字颠倒或错位，请删除",
        c as u32
    )
}

/// Collects the diagnostics of one file.
#[derive(Debug)]
pub struct Sink<'a> {
    pub file: &'a str,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub fn new(file: &'a str) -> Self {
        Sink {
            file,
            diags: Vec::new(),
        }
    }

    /// Adds a diagnostic and returns it for further details.
    pub fn add(&mut self, code: Code, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::new(code, self.file, pos, message));
        self.diags.last_mut().expect("just pushed")
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }
}

/// Every single-report rule on one report file: structure, sections, arithmetic, compliance.
pub fn check_report(
    ctx: &FileContext,
    text: &str,
) -> (Option<crate::report::Report>, Vec<Diagnostic>) {
    let (report, diags) = read_report(ctx, text);
    let mut sink = Sink {
        file: ctx.file,
        diags,
    };
    if let Some(r) = &report {
        sections::check(r, &mut sink);
        arithmetic::check(r, &mut sink);
        compliance::check(r, &mut sink);
        narrative::check(r, &mut sink);
    }
    (report, sink.diags)
}
