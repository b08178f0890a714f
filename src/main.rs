//! The `nianbao` binary: parses arguments and maps each command's outcome to an exit code.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use nianbao::cli::{self, OutputFormat};

// A build allocates many short-lived strings on two threads; glibc's malloc spent a quarter of
// the profile on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 年报（nianbao）：政府信息公开工作年度报告的网站生成器。检查报告，生成网站。
#[derive(Debug, Parser)]
#[command(
    name = "nianbao",
    version,
    override_usage = "nianbao [--root 目录] <命令> [参数]"
)]
struct Args {
    /// 站点目录，即 site.toml 所在的目录（默认从当前目录向上查找）
    #[arg(long, global = true, value_name = "目录")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    /// 供政务公开办使用的一个独立网页
    Html,
}

/// What the command line fixes instead of a document (import, and check of a document).
#[derive(Debug, clap::Args)]
struct DocumentArgs {
    /// 导入到的机关目录名（只导入一个文件时）
    #[arg(long, value_name = "目录名")]
    slug: Option<String>,
    /// 报告年度（标题中没有年度时）
    #[arg(long, value_name = "年度")]
    year: Option<u16>,
    /// 机关名称（标题中没有机关名称时）
    #[arg(long, value_name = "机关名称")]
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
    /// 检查全部报告，或只报告所给的文件
    #[command(
        override_usage = "nianbao check [--strict] [--fix] [--format human|json|html] [路径…]"
    )]
    Check {
        /// 要报告的报告文件或目录（跨报告的规则仍看整个站点）；.docx、.html、.txt 文档按它将生成的报告检查，不写文件
        #[arg(value_name = "路径")]
        paths: Vec<PathBuf>,
        /// 把警告也当作错误
        #[arg(long)]
        strict: bool,
        /// 先改正能确定的输入错误（中文标点、全角数字、制表符、GBK 编码），再检查
        #[arg(long)]
        fix: bool,
        /// 输出格式：human（默认，供人阅读）、json 或 html（供政务公开办查看的网页）
        #[arg(long, value_enum, default_value = "human", value_name = "格式")]
        format: Format,
        #[command(flatten)]
        document: DocumentArgs,
    },
    /// 把 Word、网页或文本格式的报告导入为报告文件
    #[command(
        override_usage = "nianbao import [--slug 目录名] [--year 年度] [--agency 机关名称] [--format 2019|2021] [--force] [--dry-run] 文件或目录…"
    )]
    Import {
        #[command(flatten)]
        document: DocumentArgs,
        /// 格式版本（默认按表格的行标题判断）
        #[arg(long, value_parser = ["2019", "2021"], value_name = "版本")]
        format: Option<String>,
        /// 覆盖已有的报告文件
        #[arg(long)]
        force: bool,
        /// 只显示将要写入的内容，不写文件
        #[arg(long)]
        dry_run: bool,
        /// 报告文档（.docx、.html、.htm、.txt）或存放它们的目录
        #[arg(required = true, value_name = "文件或目录")]
        paths: Vec<PathBuf>,
    },
    /// 检查后生成网站到输出目录
    #[command(
        override_usage = "nianbao build [--drafts] [--keep-going] [--force] [--output 目录] [--base-url 网址]",
        after_help = "\
--keep-going（或 site.toml 中 [build] keep_going = true）：
  有错误的报告视同没有这份报告：不生成它的页面，任何页面、列表、数据文件、订阅和网站地图都不含它，
  它的机关若上一年发布过报告，在列出“未发布”的页面上列为未发布。输出目录中这份报告先前发布的版本
  不保留：新的输出替换整个目录，其中没有这份报告。
  其余报告照常发布；最后列出未发布的报告及其错误，退出码为 1，以便脚本发现。
  site.toml、机关文件（_index.md）或模板有错误时仍停止构建，先前的输出保持不变。"
    )]
    Build {
        /// 草稿也生成页面
        #[arg(long)]
        drafts: bool,
        /// 有错误的报告不发布（视同没有这份报告，先前发布的版本也不保留），其余照常发布；有报告未发布时退出码为 1
        #[arg(long)]
        keep_going: bool,
        /// 输出目录（默认为 site.toml 的 output_dir）
        #[arg(long, value_name = "目录")]
        output: Option<PathBuf>,
        /// 网站地址，覆盖 site.toml 的 base_url，如 https://www.example.gov.cn/zfxxgk/ndbg/
        #[arg(long, value_name = "网址")]
        base_url: Option<String>,
        /// 允许使用不是 nianbao 生成的输出目录（其中的文件将被删除）
        #[arg(long)]
        force: bool,
    },
    /// 本地预览：保存即重新生成，打开的页面自动刷新并显示错误
    #[command(override_usage = "nianbao serve [--port 端口] [--bind 地址] [--open]")]
    Serve {
        /// 监听的端口（默认 1111；0 表示任一空闲端口）
        #[arg(long, default_value_t = 1111, value_name = "端口")]
        port: u16,
        /// 监听的地址（默认 127.0.0.1，仅本机可访问；其他地址会把预览开放到网络上）
        #[arg(long, value_name = "地址", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// 在浏览器中打开网站
        #[arg(long)]
        open: bool,
        /// Rebuild the whole site on every change (for measuring the incremental rebuild).
        #[arg(long, hide = true)]
        full_rebuilds: bool,
        /// Seconds a client has to send a request's head (also ends idle connections).
        #[arg(long, hide = true, value_name = "SECS", default_value_t = 10)]
        header_timeout: u64,
        /// Seconds a connection may go without moving a byte.
        #[arg(long, hide = true, value_name = "SECS", default_value_t = 60)]
        idle_timeout: u64,
        /// Connections served at once (more wait their turn).
        #[arg(long, hide = true, value_name = "N", default_value_t = 256)]
        max_connections: usize,
    },
    /// 新建报告：content/<机关目录名>/<年度>.md，没有机关信息文件时也写 _index.md
    #[command(
        override_usage = "nianbao new <机关目录名> <年度> [--agency 机关名称] [--format 2019|2021]"
    )]
    New {
        /// 机关目录名：小写字母、数字和连字符，如 shilixian-jiaoyuju
        #[arg(value_name = "机关目录名")]
        agency_slug: String,
        /// 报告年度，如 2025
        #[arg(value_name = "年度")]
        year: u16,
        /// 机关名称
        #[arg(long, value_name = "机关名称")]
        agency: Option<String>,
        /// 格式版本：2019 或 2021（默认按年度选择）
        #[arg(long, value_parser = ["2019", "2021"], value_name = "版本")]
        format: Option<String>,
    },
    /// 输出前置数据的 JSON Schema，供编辑器补全和检查
    #[command(override_usage = "nianbao schema [--format 2019|2021]")]
    Schema {
        /// 格式版本：2019 或 2021（默认两版都接受）
        #[arg(long, value_parser = ["2019", "2021"], value_name = "版本")]
        format: Option<String>,
    },
}

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut command = nianbao::usage::chinese(Args::command());
    let parsed = command
        .try_get_matches_from_mut(&argv)
        .and_then(|m| Args::from_arg_matches(&m));
    let args = match parsed {
        Ok(args) => args,
        Err(e) => {
            let (code, to_stdout, text) = nianbao::usage::explain(&mut command, &e, &argv);
            if to_stdout {
                print!("{text}");
            } else {
                eprint!("{text}");
            }
            return ExitCode::from(code);
        }
    };
    let root = args.root.as_deref();
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    let color = cli::use_color(std::io::stdout().is_terminal());
    let code = match args.command {
        Command::Check {
            strict,
            fix,
            format,
            paths,
            document,
        } => {
            let format = match format {
                Format::Human => OutputFormat::Human,
                Format::Json => OutputFormat::Json,
                Format::Html => OutputFormat::Html,
            };
            match fix.then(|| cli::fix(root, &paths, &mut err)) {
                Some(code) if code != cli::exit::OK => code,
                _ => cli::check_documents(
                    root,
                    strict,
                    format,
                    &document.options(None),
                    &paths,
                    &mut out,
                    &mut err,
                    color,
                ),
            }
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
            keep_going,
            output,
            base_url,
            force,
        } => {
            let opts = nianbao::build::BuildOptions {
                drafts,
                keep_going,
                output,
                base_url,
                inject_html: String::new(),
                progress: std::io::stderr().is_terminal(),
                force,
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
            header_timeout,
            idle_timeout,
            max_connections,
        } => {
            let opts = nianbao::serve::ServeOptions {
                port,
                bind,
                open,
                full_rebuilds,
                color: cli::use_color(std::io::stderr().is_terminal()),
                limits: nianbao::serve::http::Limits {
                    header_read: std::time::Duration::from_secs(header_timeout.max(1)),
                    idle: std::time::Duration::from_secs(idle_timeout.max(1)),
                    connections: max_connections.max(1),
                },
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
