//! nianbao (年报): a static site generator for government information-disclosure annual reports.
//!
//! The pipeline, one module per stage:
//! `config` (site.toml) → `source` (content tree, decoding) → `frontmatter` + `markdown` (parse)
//! → `validate` (every rule, building the `report` model) → `site` (the whole load stage) →
//! `build`: `index` (by agency, by year) → `render` (Tera + typed views) and `data` (JSON, CSV,
//! feeds) → `output` (atomic write). `format` holds the official editions as data;
//! `diagnostic` prints what the validators found; `serve` previews the site locally (watch,
//! HTTP, live reload); `import` turns Word, HTML and text reports into report files; `cli` runs
//! the commands.

pub mod build;
pub mod cli;
pub mod config;
pub mod data;
pub mod diagnostic;
pub mod format;
pub mod frontmatter;
pub mod import;
pub mod index;
pub mod markdown;
pub mod output;
pub mod render;
pub mod report;
pub mod serve;
pub mod site;
pub mod source;
pub mod validate;
