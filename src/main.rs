//! The `nianbao` binary: parses arguments and maps each command's outcome to an exit code.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use nianbao::cli::{self, OutputFormat};

// A build allocates many short-lived strings on two threads; glibc's malloc spent a quarter of
// the profile on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Static site generator for government information-disclosure annual reports (政府信息公开工作年度报告).
#[derive(Debug, Parser)]
#[command(name = "nianbao", version, about)]
struct Args {
    /// The folder of site.toml (default: found upwards from the current folder).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// What the command line fixes instead of a document (import, and check of a document).
#[derive(Debug, clap::Args)]
struct DocumentArgs {
    /// The agency folder to import into (one file only).
    #[arg(long)]
    slug: Option<String>,
    /// The report year, where the title does not give it.
    #[arg(long)]
    year: Option<u16>,
    /// The agency's name, where the title does not give it.
    #[arg(long)]
    agency: Option<String>,
}

impl DocumentArgs {
    fn options(self, format: Option<String>) -> nianbao::import::Options {
        nianbao::import::Options {
            slug: self.slug,
            year: self.year,
            agency: self.agency,
            format: format.and_then(|f| f.parse().ok()),
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate the site, or only the given report files.
    Check {
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Report files or folders to report on (cross-report rules still see the whole site);
        /// a .docx, .html or .txt document is checked in place of the report it would make.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        document: DocumentArgs,
    },
    /// Turn Word, HTML or text reports into content files.
    Import {
        #[command(flatten)]
        document: DocumentArgs,
        /// Edition of the official format (default: from the tables' labels).
        #[arg(long, value_parser = ["2019", "2021"])]
        format: Option<String>,
        /// Overwrite existing report files.
        #[arg(long)]
        force: bool,
        /// Print the report files instead of writing them.
        #[arg(long)]
        dry_run: bool,
        /// Documents (.docx, .html, .htm, .txt) or folders of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Validate, then render the site into the output folder.
    Build {
        /// Include draft reports.
        #[arg(long)]
        drafts: bool,
        /// Output folder (default: output_dir of site.toml).
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Base URL, overriding site.toml (may include a sub-path).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Preview the site locally: rebuild on every save, reload open pages, show errors.
    Serve {
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on (loopback by default; others expose the preview to the network).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
        /// Rebuild the whole site on every change (for measuring the incremental rebuild).
        #[arg(long, hide = true)]
        full_rebuilds: bool,
    },
    /// Write a report scaffold: content/<agency-slug>/<year>.md.
    New {
        agency_slug: String,
        year: u16,
        /// The agency's name (机关名称).
        #[arg(long)]
        agency: Option<String>,
        /// Edition of the official format (default: from the year).
        #[arg(long, value_parser = ["2019", "2021"])]
        format: Option<String>,
    },
    /// Print the JSON Schema of the front matter.
    Schema {
        #[arg(long, value_parser = ["2019", "2021"])]
        format: Option<String>,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let root = args.root.as_deref();
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    let color = cli::use_color(std::io::stdout().is_terminal());
    let code = match args.command {
        Command::Check {
            strict,
            format,
            paths,
            document,
        } => {
            let format = match format {
                Format::Human => OutputFormat::Human,
                Format::Json => OutputFormat::Json,
            };
            cli::check_documents(
                root,
                strict,
                format,
                &document.options(None),
                &paths,
                &mut out,
                &mut err,
                color,
            )
        }
        Command::Import {
            document,
            format,
            force,
            dry_run,
            paths,
        } => cli::import(
            root,
            &document.options(format),
            force,
            dry_run,
            &paths,
            &mut out,
            &mut err,
            color,
        ),
        Command::Build {
            drafts,
            output,
            base_url,
        } => {
            let opts = nianbao::build::BuildOptions {
                drafts,
                output,
                base_url,
                inject_html: String::new(),
                progress: std::io::stderr().is_terminal(),
            };
            cli::build(
                root,
                opts,
                &mut out,
                &mut err,
                cli::use_color(std::io::stderr().is_terminal()),
            )
        }
        Command::Serve {
            port,
            bind,
            open,
            full_rebuilds,
        } => {
            let opts = nianbao::serve::ServeOptions {
                port,
                bind,
                open,
                full_rebuilds,
                color: cli::use_color(std::io::stderr().is_terminal()),
            };
            // The builder thread prints too: release the locks this thread holds.
            drop((out, err));
            cli::serve(root, &opts, &mut std::io::stderr())
        }
        Command::New {
            agency_slug,
            year,
            agency,
            format,
        } => cli::new_report(
            root,
            &agency_slug,
            year,
            agency.as_deref(),
            format.and_then(|f| f.parse().ok()),
            &mut out,
            &mut err,
        ),
        Command::Schema { format } => {
            cli::schema(format.and_then(|f| f.parse().ok()), &mut out, &mut err)
        }
    };
    ExitCode::from(code)
}
