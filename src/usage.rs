//! The command line in Chinese: help pages and usage errors.
//!
//! In: the binary's clap command and what clap refused. Out: the command with Chinese help
//! (template, headings, help and version flags) and each usage error as a Chinese message
//! naming the argument, with the exit code of cli.md.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

const TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n{all-args}{after-help}";
const ARGUMENTS: &str = "参数";
const OPTIONS: &str = "选项";

/// The command with Chinese help: headings, the help and version flags, no `help` command,
/// and no English notes on possible or default values (the help texts give them).
pub fn chinese(cmd: Command) -> Command {
    let heading = |a: Arg| {
        let h = if a.is_positional() {
            ARGUMENTS
        } else {
            OPTIONS
        };
        let a = a.help_heading(h);
        if a.get_action().takes_values() {
            a.hide_possible_values(true).hide_default_value(true)
        } else {
            a
        }
    };
    cmd.disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .help_template(TEMPLATE)
        .mut_args(heading)
        .mut_subcommands(move |c| c.help_template(TEMPLATE).mut_args(heading))
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading(OPTIONS)
                .global(true),
        )
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本号")
                .help_heading(OPTIONS),
        )
}

/// What to print for a refused command line: the exit code (0 for help and version), whether
/// the text goes to stdout, and the text.
pub fn explain(cmd: &mut Command, e: &clap::Error, argv: &[OsString]) -> (u8, bool, String) {
    // The command the user was typing, for the hint to its help.
    let sub = argv
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| cmd.find_subcommand(a).is_some())
        .map(str::to_string);
    let help_cmd = match &sub {
        Some(s) => format!("nianbao {s} --help"),
        None => "nianbao --help".into(),
    };
    let text = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join("、")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let suggestion = [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|k| match e.get(k) {
        Some(ContextValue::String(s)) => Some(vec![s.clone()]),
        Some(ContextValue::Strings(v)) if !v.is_empty() => Some(v.clone()),
        _ => None,
    })
    .map(|v| format!("，是否应为“{}”？", v.join("”或“")))
    .unwrap_or_default();
    let message = match e.kind() {
        ErrorKind::DisplayHelp => return (0, true, polish(e.render().to_string())),
        ErrorKind::DisplayVersion => return (0, true, e.render().to_string()),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let help = match &sub {
                Some(s) => cmd.find_subcommand_mut(s).map(|c| c.render_help()),
                None => Some(cmd.render_help()),
            };
            let help = polish(help.map(|h| h.to_string()).unwrap_or_default());
            return (2, false, format!("错误：缺少命令\n\n{help}"));
        }
        ErrorKind::InvalidValue => {
            let valid = text(ContextKind::ValidValue)
                .filter(|v| !v.is_empty())
                .map(|v| format!("，只能是 {v}"))
                .unwrap_or_default();
            if value.is_empty() {
                format!("参数 {arg} 缺少值{valid}")
            } else {
                format!("参数 {arg} 的值“{value}”无效{valid}{suggestion}")
            }
        }
        ErrorKind::ValueValidation => {
            format!("参数 {arg} 的值“{value}”无效：{}", expectation(&arg))
        }
        ErrorKind::UnknownArgument => format!("不认识的参数“{arg}”{suggestion}"),
        ErrorKind::InvalidSubcommand => {
            let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
            let name = text(ContextKind::InvalidSubcommand).unwrap_or_default();
            let list = format!("可用的命令：{}", names.join("、"));
            if suggestion.is_empty() {
                format!("没有“{name}”这个命令；{list}")
            } else {
                format!("没有“{name}”这个命令{suggestion}{list}")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("缺少参数：{arg}"),
        ErrorKind::NoEquals => format!("参数 {arg} 的值要用“=”连接，如 {arg}=值"),
        ErrorKind::TooManyValues => format!("参数 {arg} 多出了值“{value}”"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的值的个数不对")
        }
        ErrorKind::ArgumentConflict => {
            let prior = text(ContextKind::PriorArg).unwrap_or_default();
            if prior == arg {
                format!("参数 {arg} 只能写一次")
            } else {
                format!("参数 {arg} 不能与 {prior} 同时使用")
            }
        }
        ErrorKind::InvalidUtf8 => "参数中有无法识别的字符（不是有效的 UTF-8）".to_string(),
        _ => "命令行参数有误".to_string(),
    };
    (
        2,
        false,
        format!("错误：{message}\n\n运行 {help_cmd} 查看用法。\n"),
    )
}

/// Chinese colons after the headings (clap writes `命令:`).
fn polish(help: String) -> String {
    let mut out = String::with_capacity(help.len());
    for line in help.split_inclusive('\n') {
        match [ARGUMENTS, OPTIONS, "命令"]
            .iter()
            .find(|h| line.trim_end() == format!("{h}:"))
        {
            Some(h) => {
                out.push_str(h);
                out.push_str("：\n");
            }
            None => out.push_str(line),
        }
    }
    out
}

/// What a value is expected to be, by the argument's name in the help.
fn expectation(arg: &str) -> &'static str {
    if arg.contains("年度") {
        "应为四位数字的年份，如 2025"
    } else if arg.contains("--port") {
        "应为 0 至 65535 之间的端口号"
    } else if arg.contains("--bind") {
        "应为 IP 地址，如 127.0.0.1"
    } else {
        "写法不对"
    }
}
