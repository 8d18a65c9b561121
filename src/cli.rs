//! The command line (clap derive). What the user typed; `cmd::*` turns it into work.

use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// gkml（公开目录）：基层政务公开事项标准目录的校验与编译工具
#[derive(Debug, Parser)]
#[command(name = "gkml", version, about, long_about = None)]
pub struct Cli {
    /// 从此文件夹读取参考目录，代替内置的参考目录
    #[arg(long, global = true, value_name = "DIR")]
    pub catalogues: Option<PathBuf>,

    /// 拒绝读取大于此 MB 数的输入文件（工作簿按解压后大小计）
    #[arg(long, global = true, value_name = "MB", default_value_t = 2048)]
    pub max_input_mb: u64,

    /// 拒绝读取行数多于此数的表格
    #[arg(long, global = true, value_name = "N", default_value_t = 5_000_000)]
    pub max_rows: u64,

    /// 报告长于此字符数的单元格
    #[arg(long, global = true, value_name = "N", default_value_t = 32_767)]
    pub max_cell_chars: usize,

    /// 每个文件每种代码最多列出 N 条问题（每个文件最多 10N 条），汇总仍计入全部问题；0 表示全部列出
    #[arg(long, global = true, value_name = "N", default_value_t = 1_000)]
    pub max_diagnostics: usize,

    #[command(subcommand)]
    pub command: Command,
}

/// 问题清单的输出格式。
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagFormat {
    Text,
    Json,
    /// SARIF 2.1.0，供代码扫描服务使用
    Sarif,
    /// GitHub Actions 工作流注释
    Github,
}

/// `init` 创建的内容：县级项目文件夹，或一个单位目录文件。
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// 要创建的项目文件夹，或单位目录文件（*.toml）
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// 县名（如 嘉鱼县）
    #[arg(long)]
    pub county: Option<String>,
    /// 乡镇，以逗号分隔（如 鱼岳镇,新街镇）
    #[arg(long, value_delimiter = ',')]
    pub towns: Vec<String>,
    /// 街道，以逗号分隔（如 百花洲街道）
    #[arg(long, value_delimiter = ',')]
    pub subdistricts: Vec<String>,
    /// 县直部门，以逗号分隔（默认：26 个试点领域通常的牵头部门）
    #[arg(long, value_delimiter = ',')]
    pub departments: Vec<String>,
    /// 单位目录文件：单位类别（县政府、县直部门、乡镇、街道）
    #[arg(long)]
    pub kind: Option<String>,
    /// 单位目录文件：单位简称
    #[arg(long)]
    pub name: Option<String>,
    /// 单位目录文件：负责的领域，以逗号分隔（默认：按类别）
    #[arg(long, value_delimiter = ',')]
    pub domains: Vec<String>,
}

/// 列表的输出格式。
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// `compile` 和 `summary` 写出什么、如何报告。
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// 输出文件夹
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub output: PathBuf,
    /// 有错误时仍写出结果（并在汇总中计入该单位）；退出码仍为 1
    #[arg(long)]
    pub allow_errors: bool,
    /// 印在表上并存入工作簿的编制日期，YYYY-MM-DD（默认：已设置时取 SOURCE_DATE_EPOCH，否则为今天）
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// 问题清单的输出格式（打印到标准错误）
    #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
    pub format: DiagFormat,
    /// 只报告这些规则代码或前缀（如 GK1、GK210），以逗号分隔
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// 不报告这些规则代码或前缀，以逗号分隔
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// 不显示进度条
    #[arg(short, long)]
    pub quiet: bool,
    /// 读取 county.toml 所列的单位文件，不用通过 gkml serve 上传的草稿
    #[arg(long)]
    pub no_uploads: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查目录和草稿（TOML、CSV/TSV、XLSX/XLS/ODS、HTML、DOCX 或文件夹）并报告问题
    Validate {
        /// 要检查的文件或文件夹（递归查找文件夹）
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// 改正可以安全改正的内容（括号、空白、HTML、渠道名称）：TOML/CSV 原地改写并保留 <文件>.bak，工作簿另存为 <名称>.fixed.xlsx
        #[arg(long)]
        fix: bool,
        /// 与 --fix 同用：以差异显示改动，不写任何文件
        #[arg(long, requires = "fix")]
        diff: bool,
        /// 写出工作簿副本：出错的单元格标色并加批注，首个工作表“问题清单”链接到每个问题
        #[arg(long, value_name = "OUT.xlsx")]
        annotate: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
        format: DiagFormat,
        /// 只报告这些规则代码或前缀（如 GK1、GK210），以逗号分隔
        #[arg(long, value_delimiter = ',', value_name = "CODES")]
        select: Vec<String>,
        /// 不报告这些规则代码或前缀，以逗号分隔
        #[arg(long, value_delimiter = ',', value_name = "CODES")]
        ignore: Vec<String>,
        /// 规则据以判断的日期，同 compile 的 --date（默认：已设置时取 SOURCE_DATE_EPOCH，否则为今天），使 validate 与 compile 一致
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// 读取 county.toml 所列的单位文件，不用通过 gkml serve 上传的草稿
        #[arg(long)]
        no_uploads: bool,
    },
    /// 把单位目录、草稿或县级项目文件夹编译为标准目录表
    Compile {
        /// 单位 TOML、CSV/XLSX 草稿，或含 county.toml 的文件夹
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// 每个单位只写出这些格式，以逗号分隔（默认：全部四种）
        #[arg(long, value_enum, value_delimiter = ',', value_name = "FORMATS")]
        only: Vec<crate::render::Output>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// 写出县级项目的汇总表（覆盖情况、责任分工、全县汇总目录）
    Summary {
        /// 含 county.toml 的文件夹，或 county.toml 本身
        #[arg(value_name = "PROJECT")]
        project: PathBuf,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// 按参考目录创建县级项目（文件夹）或一个单位目录文件（以 .toml 结尾的路径）
    Init(InitArgs),
    /// 打印命令行补全脚本（bash、zsh、fish、powershell、elvish）
    Completions {
        /// 命令行外壳
        shell: clap_complete::Shell,
    },
    /// 把手册页（roff）打印到标准输出
    Man,
    /// 把草稿（CSV/XLSX 等）转为单位目录 TOML：参考目录加本单位的差异
    Import {
        /// 草稿表格或 CSV
        #[arg(value_name = "DRAFT")]
        draft: PathBuf,
        /// 输出文件（一个单位）或文件夹（每个单位一个 TOML）；默认：标准输出
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// 单位类别：县政府、县直部门、乡镇或街道（默认：由单位名称判断）
        #[arg(long)]
        kind: Option<String>,
        /// 单位简称（默认：取自标题或“单位”列）
        #[arg(long)]
        name: Option<String>,
        /// 单位全称
        #[arg(long)]
        full_name: Option<String>,
        /// 单位所在县（默认：由全称判断）
        #[arg(long)]
        county: Option<String>,
    },
    /// 显示两份目录（或单位与其参考目录）之间新增、删除和修改的事项
    Diff {
        /// 旧版本（与 --reference 同用时为单位目录）
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// 新版本
        #[arg(value_name = "NEW")]
        new: Option<PathBuf>,
        /// 将单位目录与其所依据的参考目录比较
        #[arg(long, conflicts_with = "new")]
        reference: bool,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// 另把改动写成 XLSX 的“变更说明”工作表
        #[arg(long, value_name = "OUT.xlsx")]
        xlsx: Option<PathBuf>,
    },
    /// 列出 26 个试点领域
    Domains {
        /// 输出格式
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// 列出全部规则及其代码、严重程度和依据
    Rules {
        /// 输出格式
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// 为一个单位或县政务公开办生成（或更换）gkml serve 的上传密钥：密钥只打印一次，PROJECT/.gkml/keys.toml 只存其摘要
    Keys {
        /// 含 county.toml 的文件夹
        #[arg(value_name = "PROJECT")]
        project: PathBuf,
        /// 要生成密钥的单位（简称）
        #[arg(
            long,
            value_name = "NAME",
            required_unless_present = "admin",
            conflicts_with = "admin"
        )]
        unit: Option<String>,
        /// 生成县政务公开办的密钥，可上传任何单位的草稿
        #[arg(long)]
        admin: bool,
    },
    /// 以内网页面提供县级项目：各单位凭密钥上传草稿，所有人可查看问题和全县汇总
    Serve {
        /// 含 county.toml 的文件夹
        #[arg(value_name = "PROJECT")]
        project: PathBuf,
        /// 监听地址（默认只监听本机；其他地址可从网络访问）
        #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// 拒绝大于此 MiB 数的上传请求
        #[arg(long, value_name = "MB", default_value_t = 20)]
        max_upload_mb: u64,
    },
    /// 显示一条规则的说明（如 GK103）
    Explain {
        /// 规则代码
        code: String,
        /// 输出格式（json：rules --format json 的字段加 doc）
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

/// How every help screen is laid out: clap's own English words replaced.
const HELP_TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// The command line with clap's own words in Chinese (issue 19, deliverable 8): the clerk's
/// language on every help screen, the ASCII flag names unchanged. Defaults and possible
/// values are written into each help line (clap prints them in English), and `-h`/`-V`
/// get Chinese help lines.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let root = Cli::command()
        .about("gkml（公开目录）：基层政务公开事项标准目录的校验与编译工具")
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help("显示版本号"),
        );
    zh_usages(localize(root))
}

/// Usage lines with clap's `[OPTIONS]` as `[选项]`: each command's usage, as clap renders it
/// once the tree is built (with the full `gkml validate` name), set as its own usage line.
fn zh_usages(mut root: clap::Command) -> clap::Command {
    fn zh(cmd: &clap::Command) -> String {
        let usage = cmd.clone().render_usage().to_string();
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
        usage.replace("[OPTIONS]", "[选项]")
    }
    root.build();
    let subs: Vec<(String, String)> = root
        .get_subcommands()
        .map(|s| (s.get_name().to_string(), zh(s)))
        .collect();
    let usage = zh(&root);
    let mut root = root.override_usage(usage);
    for (name, usage) in subs {
        root = root.mut_subcommand(name, |s| s.override_usage(usage));
    }
    root
}

fn localize(cmd: clap::Command) -> clap::Command {
    cmd.help_template(HELP_TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help("显示帮助"),
        )
        .mut_args(localize_arg)
        .mut_subcommands(localize)
}

fn localize_arg(a: clap::Arg) -> clap::Arg {
    let heading = if a.is_positional() {
        "参数"
    } else {
        "选项"
    };
    let a = if a.get_help_heading().is_none() {
        a.help_heading(heading)
    } else {
        a
    };
    // Flags (true/false) have neither values nor a default worth printing.
    if !a.get_action().takes_values() {
        return a;
    }
    let mut help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
    let mut a = a;
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() && !a.is_hide_possible_values_set() {
        help.push_str(&format!("（可选：{}）", values.join("、")));
        a = a.hide_possible_values(true);
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().to_string())
        .collect();
    if !defaults.is_empty() && !a.is_hide_default_value_set() {
        help.push_str(&format!("（默认：{}）", defaults.join(",")));
        a = a.hide_default_value(true);
    }
    if help.is_empty() {
        a
    } else {
        a.help(help)
    }
}

/// clap's parse errors in the clerk's language (issue 19): the same cases clap reports, each
/// as a Chinese sentence, with the flag names, values and usage line as typed. The exit code
/// is clap's own choice of stream mapped by `main` (2 for a usage error, 0 for help/version),
/// so it is untouched here.
pub struct Zh;

impl clap::error::ErrorFormatter for Zh {
    fn format_error(error: &clap::error::Error<Self>) -> clap::builder::StyledStr {
        let mut s = String::from("错误：");
        s.push_str(&zh_message(error));
        for tip in zh_tips(error) {
            s.push_str("\n\n  提示：");
            s.push_str(&tip);
        }
        if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
            let usage = usage.to_string();
            let usage = usage.trim_start();
            let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim_start();
            s.push_str("\n\n用法：");
            s.push_str(usage);
        }
        s.push_str("\n\n更多信息请运行 '--help'。\n");
        s.into()
    }
}

fn text_of(error: &clap::error::Error<Zh>, kind: ContextKind) -> Option<String> {
    match error.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) if !v.is_empty() => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn zh_message(error: &clap::error::Error<Zh>) -> String {
    let arg = text_of(error, ContextKind::InvalidArg).unwrap_or_default();
    let value = text_of(error, ContextKind::InvalidValue).unwrap_or_default();
    let n = |k| text_of(error, k).unwrap_or_else(|| "?".into());
    match error.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数 '{arg}'"),
        ErrorKind::InvalidSubcommand => format!(
            "没有 '{}' 这个命令",
            text_of(error, ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue if value.is_empty() => format!("'{arg}' 需要一个值，但没有给出"),
        ErrorKind::InvalidValue => {
            let mut m = format!("'{arg}' 不接受值 '{value}'");
            if let Some(ContextValue::Strings(v)) = error.get(ContextKind::ValidValue) {
                if !v.is_empty() {
                    m.push_str(&format!("\n  [可选值：{}]", v.join("、")));
                }
            }
            m
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(error).map(|e| {
                if e.downcast_ref::<std::num::ParseIntError>().is_some() {
                    "应为不小于 0 的整数".to_string()
                } else {
                    e.to_string()
                }
            });
            match why {
                Some(w) => format!("'{arg}' 的值 '{value}' 无效：{w}"),
                None => format!("'{arg}' 的值 '{value}' 无效"),
            }
        }
        ErrorKind::MissingRequiredArgument => match error.get(ContextKind::InvalidArg) {
            Some(ContextValue::Strings(v)) => {
                let mut m = "缺少必需的参数：".to_string();
                for a in v {
                    m.push_str(&format!("\n  {a}"));
                }
                m
            }
            _ => "缺少必需的参数".into(),
        },
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let mut m = "需要指定一个命令".to_string();
            if let Some(v) = text_of(error, ContextKind::ValidSubcommand) {
                m.push_str(&format!("\n  [可用命令：{v}]"));
            }
            m
        }
        ErrorKind::ArgumentConflict => {
            let prior = text_of(error, ContextKind::PriorArg);
            if prior.as_deref() == Some(arg.as_str()) {
                format!("参数 '{arg}' 只能使用一次")
            } else {
                match prior {
                    Some(p) => format!("参数 '{arg}' 不能与 '{p}' 同时使用"),
                    None => format!("参数 '{arg}' 不能与其他参数同时使用"),
                }
            }
        }
        ErrorKind::NoEquals => format!("给 '{arg}' 赋值时需要等号（如 {arg}=值）"),
        ErrorKind::TooManyValues => format!("'{arg}' 多出了值 '{value}'"),
        ErrorKind::TooFewValues => format!(
            "'{arg}' 至少需要 {} 个值，只给出了 {} 个",
            n(ContextKind::MinValues),
            n(ContextKind::ActualNumValues)
        ),
        ErrorKind::WrongNumberOfValues => format!(
            "'{arg}' 需要 {} 个值，给出了 {} 个",
            n(ContextKind::ExpectedNumValues),
            n(ContextKind::ActualNumValues)
        ),
        ErrorKind::InvalidUtf8 => "命令行参数含有无效的 UTF-8 字符".into(),
        _ => "命令行有误".into(),
    }
}

/// The hints clap would give ("a similar argument exists"), in Chinese.
fn zh_tips(error: &clap::error::Error<Zh>) -> Vec<String> {
    let mut tips = Vec::new();
    let similar = [
        (ContextKind::SuggestedSubcommand, "命令"),
        (ContextKind::SuggestedArg, "参数"),
        (ContextKind::SuggestedValue, "值"),
    ];
    for (kind, what) in similar {
        if let Some(s) = text_of(error, kind) {
            tips.push(format!("是否想用{what} '{s}'？"));
        }
    }
    if let Some(ContextValue::StyledStrs(v)) = error.get(ContextKind::Suggested) {
        for t in v {
            let t = t.to_string();
            // clap's two suggestions: "to pass 'X' as a value, use 'Y'" and "'Y' exists".
            let quoted: Vec<&str> = t.split('\'').skip(1).step_by(2).collect();
            match quoted.as_slice() {
                [x, y] if t.starts_with("to pass") => {
                    tips.push(format!("如要把 '{x}' 当作值而不是选项，请写 '{y}'"));
                }
                [y] if t.ends_with("exists") => tips.push(format!("有 '{y}' 可用")),
                _ => tips.push(t),
            }
        }
    }
    tips
}
