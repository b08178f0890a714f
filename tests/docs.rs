//! The documentation is kept true (issue 16): every command that README.md, docs/写报告.md and
//! docs/部署.md show is run here, against a copy of the sample site, and the output they show is
//! compared with what the commands print. The README's rule table is the catalogue of
//! `src/diagnostic.rs`.
//!
//! How a document is read:
//! - Every ```` ```sh ```` block is run with bash, in order, in one copy of the sample site per
//!   document (`site.toml`, `content/`, and the example documents of [`EXAMPLES`]); files stay
//!   from block to block. `nianbao` is the binary under test, `cargo run --release -- …` runs
//!   it too, and `nianbao serve` starts, waits for its first page, and stops on Ctrl-C.
//! - A command whose comment says `# 退出码 N` must end with that exit code; every other one
//!   must succeed.
//! - A ```` ```text ```` block after a `sh` block (with only prose between them, no heading and
//!   no other block) shows (part of) its output: each of its lines must appear in that output,
//!   in order; `…` stands for anything and a line `……` skips.
//! - `<!-- doctest: … -->` (one line, or `<!-- doctest` … `-->` over several) holds shell lines
//!   run at that place and not shown: what the reader does by hand, such as typing in an editor.
//! - `<!-- doctest: skip -->` before a block: not run (commands for the server's administrator,
//!   such as reloading nginx). The nginx configuration of docs/部署.md is served by the browser
//!   suite instead (tests/browser/run.sh takes it from the guide).
//! - `bash tests/run-all.sh`, the README's second command, is not run: it runs this test.
//!
//! `DOCTEST_SHOW=1 cargo test --test docs -- --nocapture` prints every block and its output.
//! The commands are shell commands for a Unix server: the test runs on Unix only.
#![cfg(unix)]

mod common;

#[path = "support/docx.rs"]
mod docx;

use std::path::Path;
use std::process::Command;

use nianbao::diagnostic::{Code, Severity};

/// Documents a reader brings along: path in the site copy → a sample report to write in Word,
/// with the agency and year it is given.
const EXAMPLES: &[(&str, &str, &str, u16)] = &[(
    "收到的报告/示例县水利局2025年报.docx",
    "content/shilixian-jiaoyuju/2023.md",
    "示例县水利局",
    2025,
)];

/// One thing a document asks for.
#[derive(Debug)]
enum Step {
    /// A shown block: its first line in the document and its text.
    Run { line: usize, script: String },
    /// Output shown after a block.
    Expect { line: usize, text: String },
    /// Shell lines in a comment.
    Hidden { line: usize, script: String },
}

/// The steps of a Markdown document.
fn steps(doc: &str) -> Vec<Step> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut out = Vec::new();
    let mut skip_next = false;
    // Whether the last thing seen was a `sh` block (so that a `text` block is its output).
    let mut after_run = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            let info = info.trim().to_string();
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end].trim() != "```" {
                end += 1;
            }
            let text = lines[start..end].join("\n") + "\n";
            // 1-based: the block's first line.
            let start = start + 1;
            let lang = info.split_whitespace().next().unwrap_or("");
            if std::mem::take(&mut skip_next) {
                after_run = false;
            } else if lang == "sh" {
                out.push(Step::Run {
                    line: start,
                    script: text,
                });
                after_run = true;
            } else if lang == "text" && after_run {
                out.push(Step::Expect { line: start, text });
                after_run = false;
            } else {
                after_run = false;
            }
            i = end + 1;
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("<!-- doctest") {
            let start = i + 1;
            let mut body = String::new();
            let mut rest = rest.trim_start_matches(':').to_string();
            while !rest.contains("-->") {
                body.push_str(&rest);
                body.push('\n');
                i += 1;
                rest = lines[i].to_string();
            }
            body.push_str(&rest[..rest.find("-->").unwrap()]);
            let body = body.trim();
            if body == "skip" || body.starts_with("skip ") || body.starts_with("skip（") {
                skip_next = true;
            } else {
                out.push(Step::Hidden {
                    line: start,
                    script: format!("{body}\n"),
                });
                after_run = false;
            }
            i += 1;
            continue;
        }
        if trimmed.starts_with('#') {
            after_run = false;
        }
        i += 1;
    }
    out
}

/// A block with each `# 退出码 N` command made to check its exit code, under `set -e`.
fn checked(script: &str) -> String {
    let mut out = String::from("set -e\n");
    let mut logical = String::new();
    let mut heredoc: Option<String> = None;
    for line in script.lines() {
        if let Some(end) = &heredoc {
            out.push_str(line);
            out.push('\n');
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        if let Some(at) = line.find("<<") {
            let word = line[at + 2..]
                .trim_start_matches('-')
                .trim()
                .trim_matches(['\'', '"'])
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            heredoc = Some(word);
        }
        logical.push_str(line);
        if let Some(cont) = logical.strip_suffix('\\') {
            logical = format!("{cont}\\\n");
            continue;
        }
        let command = std::mem::take(&mut logical);
        match command.find("# 退出码") {
            Some(at) => {
                let code: String = command[at + "# 退出码".len()..]
                    .trim_start()
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                assert!(!code.is_empty(), "no number after 退出码 in {command:?}");
                let cmd = command[..at].trim_end();
                let shown = cmd.replace('\'', "'\\''");
                out.push_str(&format!(
                    "{{ {cmd}\n}} && rc=0 || rc=$?\n[ \"$rc\" = {code} ] || {{ echo 'doctest: exit '$rc', expected {code}: {shown}'; exit 1; }}\n"
                ));
            }
            None => {
                out.push_str(&command);
                out.push('\n');
            }
        }
    }
    out
}

/// What every block runs after: `nianbao` as the binary under test, `cargo run --release --`
/// as `nianbao`, `nianbao serve` started and stopped, and the test suite not run from itself.
const PRELUDE: &str = r#"exec 2>&1
export NO_COLOR=1
nianbao() {
  if [ "$1" = serve ]; then
    shift
    doctest_serve "$@"
  else
    command nianbao "$@"
  fi
}
cargo() {
  if [ "$1 $2 $3" = "run --release --" ]; then
    shift 3
    nianbao "$@"
  else
    echo "doctest: cargo $* is not run here"
    return 1
  fi
}
bash() {
  if [ "$1" = tests/run-all.sh ]; then
    echo "doctest: tests/run-all.sh runs this test; not run from it"
  else
    command bash "$@"
  fi
}
# serve on a free port: wait for its first page (HTTP 200 for /), then Ctrl-C.
doctest_serve() {
  local args=() a skip=0
  for a in "$@"; do
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case "$a" in
      --port) skip=1 ;;
      --port=*|--open) ;;
      *) args+=("$a") ;;
    esac
  done
  local log
  log="$(mktemp)"
  command nianbao serve --port 0 "${args[@]}" >"$log" 2>&1 &
  local pid=$! port="" status="" i
  for i in $(seq 1 600); do
    port="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$log" | head -n 1 | sed 's/.*:\([0-9]*\)\//\1/')"
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { cat "$log"; kill "$pid"; return 1; }
  for i in $(seq 1 600); do
    status=""
    if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
      printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
      read -r status <&3 || true
      exec 3<&-
    fi
    case "$status" in *" 200 "*) break ;; esac
    sleep 0.05
  done
  kill -INT "$pid"
  wait "$pid" || true
  cat "$log"
  rm -f "$log"
  case "$status" in *" 200 "*) echo "doctest: serve answered $status" ;; *) return 1 ;; esac
}
"#;

/// Runs a script in `root` with the prelude; its exit status and output.
fn bash(root: &Path, bin_dir: &Path, script: &str) -> (bool, String) {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin_dir.to_path_buf()];
    paths.extend(std::env::split_paths(&path));
    let out = Command::new("timeout")
        .args(["300", "bash", "-c"])
        .arg(format!("{PRELUDE}{}", checked(script)))
        .current_dir(root)
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Whether `expected` (with `…` for anything, `……` lines skipped) appears in `output` in order.
fn shows(output: &str, expected: &str) -> Result<(), String> {
    let mut lines = output.lines();
    for want in expected.lines().map(str::trim) {
        if want.is_empty() || want == "……" || want == "…" {
            continue;
        }
        let parts: Vec<&str> = want.split('…').filter(|p| !p.is_empty()).collect();
        let found = lines.by_ref().any(|line| {
            let mut rest = line;
            parts.iter().all(|p| match rest.find(p) {
                Some(at) => {
                    rest = &rest[at + p.len()..];
                    true
                }
                None => false,
            })
        });
        if !found {
            return Err(format!("not printed (in this order): {want:?}"));
        }
    }
    Ok(())
}

/// A copy of the sample site with the example documents.
fn site_with_examples() -> tempfile::TempDir {
    let site = common::sample_site();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, from, agency, year) in EXAMPLES {
        let text = common::read(repo, from);
        let slug = from.split('/').nth(1).unwrap();
        let ctx = nianbao::validate::FileContext {
            file: from,
            slug,
            this_year: nianbao::site::LoadOptions::default().this_year,
        };
        let mut r = nianbao::validate::check_report(&ctx, &text).0.unwrap();
        r.title = r
            .title
            .replace(&r.agency, agency)
            .replace(&format!("{}年", r.year), &format!("{year}年"));
        r.agency = agency.to_string();
        r.year = *year;
        common::write(site.path(), path, docx::official(&r).bytes());
    }
    site
}

/// Runs every step of a document; panics with the document's line on the first that fails.
fn run_document(name: &str) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = common::read(repo, name);
    let steps = steps(&doc);
    assert!(
        steps.iter().any(|s| matches!(s, Step::Run { .. })),
        "{name}: no sh block"
    );
    let site = site_with_examples();
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_nianbao"), bin.path().join("nianbao")).unwrap();
    let mut last = String::new();
    for step in &steps {
        match step {
            Step::Run { line, script } | Step::Hidden { line, script } => {
                let (ok, output) = bash(site.path(), bin.path(), script);
                if std::env::var_os("DOCTEST_SHOW").is_some() {
                    eprintln!("=== {name}:{line}\n{script}--- printed:\n{output}");
                }
                assert!(
                    ok,
                    "{name}:{line}: the block failed:\n{script}\n--- output:\n{output}"
                );
                last = output;
            }
            Step::Expect { line, text } => {
                if let Err(e) = shows(&last, text) {
                    panic!("{name}:{line}: {e}\n--- the block printed:\n{last}");
                }
            }
        }
    }
}

#[test]
fn the_readme_commands_run() {
    run_document("README.md");
}

#[test]
fn the_clerks_guide_runs() {
    run_document("docs/写报告.md");
}

#[test]
fn the_deployment_guide_runs() {
    run_document("docs/部署.md");
}

#[test]
fn the_readme_rule_table_is_the_catalogue() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = common::read(repo, "README.md");
    for code in Code::ALL {
        let severity = match code.severity() {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        let row = format!("| {} | {severity} | {} |", code.as_str(), code.summary());
        assert!(
            readme.lines().any(|l| l.starts_with(&row)),
            "README.md has no row starting {row}"
        );
    }
}

#[test]
fn the_runner_reads_blocks_markers_and_exit_codes() {
    let doc = "text\n\n```sh\nnianbao check   # 退出码 1：有错误\n```\n\n它输出：\n\n```text\nerror…\n```\n\n<!-- doctest: echo hidden -->\n\n<!-- doctest: skip -->\n```sh\nnot run\n```\n\n```text\nnot output\n```\n";
    let s = steps(doc);
    assert_eq!(s.len(), 3, "{s:?}");
    assert!(
        matches!(&s[0], Step::Run { line: 4, script } if script == "nianbao check   # 退出码 1：有错误\n")
    );
    assert!(matches!(&s[1], Step::Expect { text, .. } if text == "error…\n"));
    assert!(matches!(&s[2], Step::Hidden { script, .. } if script == "echo hidden\n"));
    let c = checked("a \\\n  b   # 退出码 2\ncat <<'EOF'\nx # 退出码 3\nEOF\n");
    assert!(
        c.contains("{ a \\\n  b\n} && rc=0 || rc=$?\n[ \"$rc\" = 2 ]"),
        "{c}"
    );
    assert!(c.contains("x # 退出码 3\nEOF\n"), "{c}");
    assert!(shows("a\nerror[N002]: 第 13 行\nb\n", "error[…]: 第 … 行\n……\nb").is_ok());
    assert!(shows("b\na\n", "a\nb").is_err());
}
