//! One module per verb. Each takes the resolved arguments, does the work and returns the exit
//! code; shared logic lives in the library modules.

pub mod compile;
pub mod completions;
pub mod diff;
pub mod domains;
pub mod import;
pub mod init;
pub mod keys;
pub mod rules;
pub mod serve;
pub mod validate;

use std::io::Write;
use std::process::ExitCode;

use crate::catalogues::Store;
use crate::cli::{Cli, Command};
use crate::diag::{Diagnostic, Severity};
use crate::error::Error;

/// Exit codes of docs/CONTRACT.md §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Ok = 0,
    Errors = 1,
    Unreadable = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// The exit code of a run's tally: 2 when a file could not be read (GK0xx error), 1 for
/// other errors (listed or left out by the cap), else 0.
pub fn exit_of(t: &crate::diag::Tally) -> Exit {
    if t.unreadable() {
        Exit::Unreadable
    } else if t.has_errors() {
        Exit::Errors
    } else {
        Exit::Ok
    }
}

/// The exit code a set of diagnostics calls for: 2 when a file could not be read (GK0xx
/// error), 1 for other errors, else 0.
pub fn exit_for(diags: &[Diagnostic]) -> Exit {
    let mut exit = Exit::Ok;
    for d in diags.iter().filter(|d| d.severity == Severity::Error) {
        let e = if d.code.starts_with("GK0") {
            Exit::Unreadable
        } else {
            Exit::Errors
        };
        exit = exit.max(e);
    }
    exit
}

/// The rule selection of one run (`--select`, `--ignore`); unknown codes are a usage error.
///
/// # Errors
/// [`Error::Usage`] naming the first code or prefix that matches no rule.
pub fn run_rules(
    select: Vec<String>,
    ignore: Vec<String>,
) -> Result<crate::rules::config::RuleConfig, Error> {
    for c in select.iter().chain(&ignore) {
        if !crate::rules::config::is_known(c) {
            return Err(Error::Usage(format!(
                "“{c}”不是规则代码或前缀；gkml rules 可列出全部规则"
            )));
        }
    }
    Ok(crate::rules::config::RuleConfig {
        select,
        ignore,
        ..Default::default()
    })
}

/// Stream a JSON document (and a newline) to stdout; a closed pipe is not an error.
pub fn print_json<T: serde::Serialize>(doc: &T) -> Result<(), Error> {
    let out = std::io::stdout().lock();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    // `io::Error::from` gives an I/O failure back its own kind (a closed pipe stays
    // BrokenPipe); `io::Error::other` made every one of them an error of gkml's.
    let r = serde_json::to_writer_pretty(&mut w, doc)
        .map_err(std::io::Error::from)
        .and_then(|()| w.write_all(b"\n"))
        .and_then(|()| w.flush());
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Write {
            path: "<stdout>".into(),
            source: e,
        }),
    }
}

/// Print to stdout; a closed pipe (`gkml … | head`) is not an error.
pub fn print_out(text: &str) -> Result<(), Error> {
    // Nothing from a cell may drive the terminal (JSON stays valid: the escapes are JSON's).
    let text = crate::escape::escape_for_terminal(text);
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Write {
            path: "<stdout>".into(),
            source: e,
        }),
    }
}

/// Run a parsed command line.
///
/// # Errors
/// An [`Error`] when the command cannot go on (exit 2).
pub fn run(cli: Cli) -> Result<Exit, Error> {
    // One value for the whole run, handed to every reader through `Checks` (or directly,
    // for the verbs that read without checking).
    let limits = crate::limits::Limits {
        max_input_bytes: cli.max_input_mb.saturating_mul(1024 * 1024),
        max_rows: cli.max_rows,
        max_cell_chars: cli.max_cell_chars,
        ..crate::limits::Limits::default()
    };
    let cap = crate::diag::Cap::new(cli.max_diagnostics);
    let owned;
    // The built-in references are parsed only when a command needs them: checking a CSV
    // draft does not, and parsing them is most of a small check's time.
    let (loaded, store_diags): (Option<&Store>, Vec<Diagnostic>) = match &cli.catalogues {
        Some(dir) => match Store::from_dir(dir) {
            Ok((s, d)) => {
                owned = s;
                (Some(&owned), d)
            }
            Err(d) => {
                return Err(Error::Usage(
                    crate::print::to_text(&[d]).trim_end().to_string(),
                ))
            }
        },
        None => (None, Vec::new()),
    };
    let lazy_store = || -> &Store { loaded.unwrap_or_else(|| Store::embedded()) };
    if !store_diags.is_empty() {
        eprint!("{}", crate::print::to_text(&store_diags));
    }
    match cli.command {
        Command::Validate {
            paths,
            fix,
            diff,
            annotate,
            format,
            select,
            ignore,
            date,
            no_uploads,
        } => {
            let mut checks = crate::check::Checks::new(
                run_rules(select, ignore)?,
                compile::resolve_date(date.as_deref())?,
            );
            checks.cap = cap;
            checks.no_uploads = no_uploads;
            checks.limits = limits;
            let mut fix_failed = false;
            if fix {
                fix_failed = validate::fix(&paths, diff, &limits)?;
                if diff {
                    return Ok(if fix_failed {
                        Exit::Unreadable
                    } else {
                        Exit::Ok
                    });
                }
            }
            // A fix that could not be written (read-only folder, full disk) is exit 2.
            let fixed = if fix_failed {
                Exit::Unreadable
            } else {
                Exit::Ok
            };
            let exit = validate::run(&paths, format, &checks, &lazy_store)?.max(fixed);
            match annotate {
                Some(out) => {
                    validate::annotate(&paths, &out, &checks, lazy_store()).map(|e| e.max(exit))
                }
                None => Ok(exit),
            }
        }
        Command::Compile { path, only, out } => {
            let no_uploads = out.no_uploads;
            let mut settings = compile::Settings::from_args(out)?.only(&only);
            settings.checks.cap = cap;
            settings.checks.no_uploads = no_uploads;
            settings.checks.limits = limits;
            compile::run(&path, &settings, &lazy_store)
        }
        Command::Summary { project, out } => {
            let no_uploads = out.no_uploads;
            let mut settings = compile::Settings::from_args(out)?;
            settings.checks.cap = cap;
            settings.checks.no_uploads = no_uploads;
            settings.checks.limits = limits;
            let Some(county_toml) = compile::project_file(&project) else {
                return Err(Error::Usage(format!(
                    "{} 不是县级项目：需要含 county.toml 的文件夹",
                    project.display()
                )));
            };
            compile::run_project(&county_toml, &settings, lazy_store(), false)
        }
        Command::Init(req) => init::run(req, lazy_store()),
        Command::Diff {
            old,
            new,
            reference,
            format,
            xlsx,
        } => diff::run(
            &old,
            new.as_deref(),
            reference,
            format,
            xlsx,
            lazy_store(),
            &limits,
        ),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man => completions::man(),
        Command::Import {
            draft,
            output,
            kind,
            name,
            full_name,
            county,
        } => {
            let kind = match kind
                .as_deref()
                .map(|k| (k, crate::model::UnitKind::parse(k)))
            {
                Some((k, None)) => {
                    return Err(Error::Usage(format!(
                        "--kind “{k}” 无法识别：写 县政府、县直部门、乡镇 或 街道"
                    )))
                }
                Some((_, Some(kind))) => Some(kind),
                None => None,
            };
            let hints = crate::import::UnitHints {
                name,
                full_name,
                kind,
                county,
            };
            import::run(&draft, output.as_deref(), &hints, lazy_store(), &limits)
        }
        Command::Domains { format } => domains::run(format, lazy_store()),
        Command::Rules { format } => rules::list(format),
        Command::Explain { code, format } => rules::explain(&code, format),
        Command::Keys {
            project,
            unit,
            admin,
        } => keys::run(&project, unit.as_deref(), admin, lazy_store()),
        Command::Serve {
            project,
            addr,
            max_upload_mb,
        } => serve::run(
            &project,
            addr,
            max_upload_mb,
            cap,
            limits,
            cli.catalogues.as_deref(),
        ),
    }
}
