//! Data files: in, a built folder and the report folders in site order; out, the bytes of
//! `data/reports.json` or `data/reports.csv`, composed from each report's own `report.json` and
//! `report.csv` exactly as `build` joins them (see `build::report_folders`).
//!
//! After an incremental rebuild that changed some report's data, serve sends the data files this
//! way instead of rewriting them: at 10 000 reports the CSV alone is 236 MB, too much to write
//! again on every save.

use std::io::{self, Write};
use std::path::Path;

use crate::data::{BOM, CSV_HEADER};

/// One of the two data files of the whole site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFile {
    Json,
    Csv,
}

impl DataFile {
    /// The data file at a path below the site root (`data/reports.json`, `data/reports.csv`).
    pub fn at(rel: &str) -> Option<DataFile> {
        match rel {
            "data/reports.json" => Some(DataFile::Json),
            "data/reports.csv" => Some(DataFile::Csv),
            _ => None,
        }
    }

    /// The content type the files are otherwise served with.
    pub fn content_type(self) -> &'static str {
        match self {
            DataFile::Json => "application/json",
            DataFile::Csv => "text/csv",
        }
    }
}

fn invalid(file: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{} {what}", file.display()),
    )
}

/// Writes `which` for the reports in `folders` (below `dir`, e.g. `agency/2020/`) to `out`.
/// Fails when a report's file is missing or not laid out as `build` writes it.
pub fn compose(
    dir: &Path,
    folders: &[String],
    which: DataFile,
    out: &mut dyn Write,
) -> io::Result<()> {
    let head = format!("{BOM}{CSV_HEADER}");
    match which {
        DataFile::Json => out.write_all(b"[")?,
        DataFile::Csv => out.write_all(head.as_bytes())?,
    }
    for (i, folder) in folders.iter().enumerate() {
        let path = dir.join(folder).join(match which {
            DataFile::Json => "report.json",
            DataFile::Csv => "report.csv",
        });
        let bytes = std::fs::read(&path)?;
        match which {
            DataFile::Json => {
                let line = bytes
                    .strip_suffix(b"\n")
                    .ok_or_else(|| invalid(&path, "does not end with a line break"))?;
                if i > 0 {
                    out.write_all(b",\n")?;
                }
                out.write_all(line)?;
            }
            DataFile::Csv => {
                let lines = bytes
                    .strip_prefix(head.as_bytes())
                    .ok_or_else(|| invalid(&path, "does not start with the BOM and header"))?;
                out.write_all(lines)?;
            }
        }
    }
    if which == DataFile::Json {
        out.write_all(b"]\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_the_reports_as_build_does() {
        let dir = tempfile::tempdir().unwrap();
        let head = format!("{BOM}{CSV_HEADER}");
        for (f, j, c) in [
            ("a/2020/", "{\"a\":1}", "A,2020,x\n"),
            ("b/2021/", "{}", ""),
        ] {
            std::fs::create_dir_all(dir.path().join(f)).unwrap();
            std::fs::write(dir.path().join(f).join("report.json"), format!("{j}\n")).unwrap();
            std::fs::write(dir.path().join(f).join("report.csv"), format!("{head}{c}")).unwrap();
        }
        let get = |folders: &[String], which| {
            let mut out = Vec::new();
            compose(dir.path(), folders, which, &mut out).map(|_| String::from_utf8(out).unwrap())
        };
        let both = ["a/2020/".to_string(), "b/2021/".to_string()];
        assert_eq!(get(&both, DataFile::Json).unwrap(), "[{\"a\":1},\n{}]\n");
        assert_eq!(
            get(&both, DataFile::Csv).unwrap(),
            format!("{head}A,2020,x\n")
        );
        assert_eq!(get(&[], DataFile::Json).unwrap(), "[]\n");
        assert_eq!(get(&[], DataFile::Csv).unwrap(), head);
        // A report whose files are gone, or not as build writes them.
        assert!(get(&["c/2020/".to_string()], DataFile::Json).is_err());
        std::fs::write(dir.path().join("a/2020/report.csv"), "A,2020,x\n").unwrap();
        assert!(get(&both, DataFile::Csv).is_err());
        assert_eq!(DataFile::at("data/reports.csv"), Some(DataFile::Csv));
        assert_eq!(DataFile::at("data/reports.csv.gz"), None);
    }
}
