//! nianbao (年报): a static site generator for government information-disclosure annual reports.
//!
//! The pipeline, one module per stage (docs/architecture.md tells how it fits together):
//! load — `config` (site.toml), `source` (content tree, decoding), `frontmatter` + `markdown`
//! (parse), `validate` (every rule, building the `report` model and its `facts`); assemble —
//! `site` (checked files → a site); plan — `plan` (every output with a fingerprint of its inputs,
//! `index` grouping the reports); render — `render` (Tera + typed views), `data` (JSON, CSV,
//! feeds), `opendata` (the wide CSV, the data package and its schemas); write — `write` (one
//! writer, two sinks) and `output` (the staging folder swapped in).
//! `build` runs them for `nianbao build`; `serve` keeps them between saves and writes only what
//! changed. `format` holds the official editions as data; `diagnostic` prints what the
//! validators found; `fullwidth` names what a Chinese input method typed into the YAML and `fix`
//! rewrites it (`check --fix`); `import` turns Word, HTML and text reports into report files; `cli` runs the commands, `usage` puts their help and usage errors
//! in Chinese. `regions` is the tree of `[regions]`; `across` computes what several reports make together
//! (roll-ups, the year-on-year comparison, W103); `audit` is the page of `check --format html`;
//! `search` makes the records and the index of `/search/`.

pub mod across;
pub mod audit;
pub mod build;
pub mod cli;
pub mod config;
pub mod data;
pub mod diagnostic;
pub mod facts;
pub mod fast;
pub mod fix;
pub mod format;
pub mod frontmatter;
pub mod fullwidth;
pub mod import;
pub mod index;
pub mod markdown;
pub mod opendata;
pub mod output;
pub mod plan;
pub mod regions;
pub mod render;
pub mod report;
pub mod search;
pub mod serve;
pub mod site;
pub mod source;
pub mod usage;
pub mod validate;
pub mod write;
