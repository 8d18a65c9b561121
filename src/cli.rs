//! The command line (clap derive). What the user typed; `cmd::*` turns it into work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// gkml（公开目录）：基层政务公开事项标准目录的校验与编译工具
#[derive(Debug, Parser)]
#[command(name = "gkml", version, about, long_about = None)]
pub struct Cli {
    /// Read reference catalogues from this folder instead of the built-in ones
    #[arg(long, global = true, value_name = "DIR")]
    pub catalogues: Option<PathBuf>,

    /// Refuse input files (and workbooks decompressed) larger than this many MB
    #[arg(long, global = true, value_name = "MB", default_value_t = 2048)]
    pub max_input_mb: u64,

    /// Refuse tables with more rows than this
    #[arg(long, global = true, value_name = "N", default_value_t = 5_000_000)]
    pub max_rows: u64,

    /// Report cells longer than this many characters
    #[arg(long, global = true, value_name = "N", default_value_t = 32_767)]
    pub max_cell_chars: usize,

    /// List at most N diagnostics of one code per file (and 10 N per file); the summary still
    /// counts every problem; 0 lists everything
    #[arg(long, global = true, value_name = "N", default_value_t = 1_000)]
    pub max_diagnostics: usize,

    #[command(subcommand)]
    pub command: Command,
}

/// Output format of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagFormat {
    Text,
    Json,
    /// SARIF 2.1.0 for code-scanning services
    Sarif,
    /// GitHub Actions workflow annotations
    Github,
}

/// What `init` creates: a county project folder, or one unit file.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Project folder to create, or unit file (*.toml) to create
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// County name (嘉鱼县)
    #[arg(long)]
    pub county: Option<String>,
    /// Towns, comma-separated (鱼岳镇,新街镇)
    #[arg(long, value_delimiter = ',')]
    pub towns: Vec<String>,
    /// Subdistricts, comma-separated (百花洲街道)
    #[arg(long, value_delimiter = ',')]
    pub subdistricts: Vec<String>,
    /// County departments, comma-separated (default: the usual lead departments of the 26 domains)
    #[arg(long, value_delimiter = ',')]
    pub departments: Vec<String>,
    /// For a unit file: its kind (县政府, 县直部门, 乡镇, 街道)
    #[arg(long)]
    pub kind: Option<String>,
    /// For a unit file: its short name
    #[arg(long)]
    pub name: Option<String>,
    /// For a unit file: the domains it covers, comma-separated (default: by kind)
    #[arg(long, value_delimiter = ',')]
    pub domains: Vec<String>,
}

/// Output format of lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// What `compile` and `summary` write, and how they report.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output folder
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub output: PathBuf,
    /// Write the outputs (and count units in the summary) even when there are errors; the exit
    /// code is still 1
    #[arg(long)]
    pub allow_errors: bool,
    /// Compile date printed on the tables and stored in the workbooks, YYYY-MM-DD
    /// (default: SOURCE_DATE_EPOCH if set, else today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Output format of diagnostics (printed on stderr)
    #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
    pub format: DiagFormat,
    /// Only report these rule codes or prefixes (GK1, GK210), comma-separated
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Do not report these rule codes or prefixes, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// No progress bar
    #[arg(short, long)]
    pub quiet: bool,
    /// Read the unit files county.toml names, not the drafts uploaded through `gkml serve`
    #[arg(long)]
    pub no_uploads: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check catalogues and drafts (TOML, CSV/TSV, XLSX/XLS/ODS, or folders) and report problems
    Validate {
        /// Files or folders to check (folders are searched recursively)
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Rewrite what is safe to rewrite (brackets, whitespace, HTML, channel names): TOML/CSV
        /// in place keeping <file>.bak, workbooks as <name>.fixed.xlsx
        #[arg(long)]
        fix: bool,
        /// With --fix: show the changes as a diff and write nothing
        #[arg(long, requires = "fix")]
        diff: bool,
        /// Write a copy of the workbook with every faulty cell coloured and commented, and a
        /// first sheet 问题清单 linking to each
        #[arg(long, value_name = "OUT.xlsx")]
        annotate: Option<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
        format: DiagFormat,
        /// Only report these rule codes or prefixes (GK1, GK210), comma-separated
        #[arg(long, value_delimiter = ',', value_name = "CODES")]
        select: Vec<String>,
        /// Do not report these rule codes or prefixes, comma-separated
        #[arg(long, value_delimiter = ',', value_name = "CODES")]
        ignore: Vec<String>,
        /// The date the rules judge by, as compile's --date (default: SOURCE_DATE_EPOCH if
        /// set, else today), so validate and compile agree
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Read the unit files county.toml names, not the drafts uploaded through `gkml serve`
        #[arg(long)]
        no_uploads: bool,
    },
    /// Compile a unit catalogue, a draft, or a county project folder into standard tables
    Compile {
        /// A unit TOML, a CSV/XLSX draft, or a folder with county.toml
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// Write only these outputs of each unit, comma-separated (default: all four)
        #[arg(long, value_enum, value_delimiter = ',', value_name = "FORMATS")]
        only: Vec<crate::render::Output>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Write the county summary table (覆盖情况, 责任分工, 全县汇总目录) of a county project
    Summary {
        /// A folder with county.toml, or the county.toml itself
        #[arg(value_name = "PROJECT")]
        project: PathBuf,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Create a county project (a folder) or one unit file (a path ending in .toml) from the references
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output
    Man,
    /// Convert a draft (CSV/XLSX/…) into a unit catalogue TOML: the reference plus this unit's differences
    Import {
        /// The draft spreadsheet or CSV
        #[arg(value_name = "DRAFT")]
        draft: PathBuf,
        /// Output file (one unit) or folder (one TOML per unit); default: standard output
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// Unit kind: 县政府, 县直部门, 乡镇 or 街道 (default: from the unit's name)
        #[arg(long)]
        kind: Option<String>,
        /// Short name of the unit (default: from the title or 单位 column)
        #[arg(long)]
        name: Option<String>,
        /// Full name of the unit
        #[arg(long)]
        full_name: Option<String>,
        /// County of the unit (default: from the full name)
        #[arg(long)]
        county: Option<String>,
    },
    /// Show items added, removed and changed between two catalogues (or a unit and its reference)
    Diff {
        /// The old version (or, with --reference, the unit)
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// The new version
        #[arg(value_name = "NEW")]
        new: Option<PathBuf>,
        /// Compare the unit with the reference catalogues it starts from
        #[arg(long, conflicts_with = "new")]
        reference: bool,
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// Also write the changes as an XLSX 变更说明 sheet
        #[arg(long, value_name = "OUT.xlsx")]
        xlsx: Option<PathBuf>,
    },
    /// List the 26 pilot domains
    Domains {
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// List every rule with its code, severity and source
    Rules {
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Create or rotate an upload key of `gkml serve` for one unit or the county office; the
    /// key is printed once, only its hash is kept in PROJECT/.gkml/keys.toml
    Keys {
        /// A folder with county.toml
        #[arg(value_name = "PROJECT")]
        project: PathBuf,
        /// The unit (short name) whose key to make
        #[arg(
            long,
            value_name = "NAME",
            required_unless_present = "admin",
            conflicts_with = "admin"
        )]
        unit: Option<String>,
        /// Make the county office's key, which may upload to every unit
        #[arg(long)]
        admin: bool,
    },
    /// Serve the county project as an intranet page: units upload drafts with their key,
    /// everyone sees the problems and the county summary
    Serve {
        /// A folder with county.toml
        #[arg(value_name = "PROJECT")]
        project: PathBuf,
        /// Address to listen on (loopback by default; any other is reachable from the network)
        #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Refuse upload requests larger than this many MiB
        #[arg(long, value_name = "MB", default_value_t = 20)]
        max_upload_mb: u64,
    },
    /// Show the documentation of one rule (e.g. GK103)
    Explain {
        /// Rule code
        code: String,
        /// Output format (json: the fields of `rules --format json` plus `doc`)
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}
