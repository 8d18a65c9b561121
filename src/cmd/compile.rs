//! `gkml compile PATH -o DIR`: read a unit catalogue, a draft or a county project, validate
//! every unit, and write each unit's outputs (`<name>.xlsx`, `.html`, `.csv`, `.json`) into
//! DIR. A unit with errors is not written, and its stale outputs are removed, unless
//! `--allow-errors`. A county project is compiled in parallel across cores, with a progress
//! bar on a terminal, and also gets the county summary (汇总表) and the portal's index.html.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::catalogues::Store;
use crate::cli::DiagFormat;
use crate::diag::{self, Diagnostic, Severity, Summary};
use crate::error::Error;
use crate::fsutil::{
    remove_stale, safe_file_name, unit_outputs, write_atomic, write_atomic_with, COUNTY_FILES,
};
use crate::model::Catalogue;
use crate::project::{self, ProjectRun, UnitResult};
use crate::read;
use crate::render::{self, summary as sum, Date, Options};
use crate::rules;

use super::{exit_for, Exit};

/// The extensions a unit's outputs are written with.
pub const OUTPUTS: [&str; 4] = ["xlsx", "html", "csv", "json"];

/// What `compile` and `summary` were asked to do, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub out_dir: PathBuf,
    pub allow_errors: bool,
    pub date: Date,
    pub format: DiagFormat,
    /// No progress bar.
    pub quiet: bool,
    /// The run's rule selection (`--select`, `--ignore`).
    pub rules: crate::rules::config::RuleConfig,
    /// The unit outputs to write, by extension (`--only`; all of [`OUTPUTS`] by default).
    pub outputs: Vec<&'static str>,
}

impl Settings {
    /// Resolve the command line's output arguments.
    ///
    /// # Errors
    /// [`Error::Usage`] for a bad date or an unknown rule code.
    pub fn from_args(a: crate::cli::OutputArgs) -> Result<Settings, Error> {
        Ok(Settings {
            out_dir: a.output,
            allow_errors: a.allow_errors,
            date: resolve_date(a.date.as_deref())?,
            format: a.format,
            quiet: a.quiet,
            rules: super::run_rules(a.select, a.ignore)?,
            outputs: OUTPUTS.to_vec(),
        })
    }

    /// Write only these outputs of each unit (`--only`); none named means all.
    pub fn only(mut self, kinds: &[crate::cli::OutputKind]) -> Settings {
        if !kinds.is_empty() {
            self.outputs = OUTPUTS
                .into_iter()
                .filter(|ext| kinds.iter().any(|k| k.ext() == *ext))
                .collect();
        }
        self
    }

    fn writes(&self, ext: &str) -> bool {
        self.outputs.contains(&ext)
    }
}

/// The compile date: `--date`, else `SOURCE_DATE_EPOCH` (reproducible builds), else today.
///
/// # Errors
/// [`Error::Usage`] when `--date` or `SOURCE_DATE_EPOCH` cannot be read.
pub fn resolve_date(arg: Option<&str>) -> Result<Date, Error> {
    if let Some(a) = arg {
        return Date::parse(a).ok_or_else(|| {
            Error::Usage(format!(
                "--date “{a}” 不是有效日期，应写成 YYYY-MM-DD，如 2026-11-24"
            ))
        });
    }
    if let Ok(v) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = v
            .trim()
            .parse()
            .map_err(|_| Error::Usage(format!("SOURCE_DATE_EPOCH “{v}” 不是 Unix 时间（秒）")))?;
        // The civil-date arithmetic wraps outside years 1900–9999 (i64::MAX gave year 32548).
        if !(-2_208_988_800..=253_402_300_799).contains(&secs) {
            return Err(Error::Usage(format!(
                "SOURCE_DATE_EPOCH “{v}” 超出 1900–9999 年的范围"
            )));
        }
        return Ok(Date::from_unix(secs));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Ok(Date::from_unix(now))
}

/// The county.toml a path names, if it names a project.
pub fn project_file(path: &Path) -> Option<PathBuf> {
    if path.is_dir() {
        let p = path.join("county.toml");
        return p.is_file().then_some(p);
    }
    path.file_name()
        .is_some_and(|n| n == "county.toml")
        .then(|| path.to_path_buf())
}

/// Run `compile`.
///
/// # Errors
/// [`Error::Write`] when an output cannot be written.
pub fn run(path: &Path, s: &Settings, store: &Store) -> Result<Exit, Error> {
    if let Some(p) = project_file(path) {
        return run_project(&p, s, store, true);
    }
    if path.is_dir() {
        let file = read::display_name(path);
        let d = Diagnostic::new(&rules::FILE_UNREADABLE, "文件夹中没有 county.toml，不是县级项目")
            .in_file(&file)
            .hint("编译单个单位时指定其目录文件（.toml/.csv/.xlsx）；编译全县时指定含 county.toml 的文件夹");
        return report(
            &[d],
            &Summary {
                files: 1,
                ..Summary::default()
            },
            &[],
            s,
            None,
        );
    }
    let fr = read::read_file(path, store, None);
    let mut all = s.rules.apply(fr.diags.clone());
    let mut summary = Summary {
        files: 1,
        ..Summary::default()
    };
    let stem = |c: &Catalogue| match c.unit.name.as_str() {
        "" => path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("目录")
            .to_string(),
        n => n.to_string(),
    };
    let planned = fr.catalogues.iter().map(stem).collect::<Vec<_>>();
    let planned = planned
        .iter()
        .flat_map(|n| unit_outputs(&s.out_dir, n, &OUTPUTS));
    crate::fsutil::guard_outputs(&[path], planned)?;
    let mut written = Vec::new();
    let mut used = HashMap::new();
    for mut cat in fr.catalogues {
        if cat.unit.name.is_empty() {
            cat.unit.name = Path::new(&*cat.file)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("目录")
                .to_string();
        }
        cat.number_items();
        summary.items += cat.item_count();
        let mut diags = s.rules.apply(rules::check(&cat));
        // Where each value came from is only needed by the rules; a province-scale table
        // renders in less memory without it.
        for it in cat.sections.iter_mut().flat_map(|sec| sec.items.iter_mut()) {
            it.places = Vec::new();
        }
        let file_errors = all
            .iter()
            .any(|d| d.severity == Severity::Error && d.file.as_deref() == Some(&*cat.file));
        if let Some(d) = claim_name(&mut used, &cat) {
            diags.push(d);
            all.extend(diags);
            continue;
        }
        written.extend(write_or_clean(&cat, &diags, file_errors, s)?);
        all.extend(diags);
    }
    report(&all, &summary, &written, s, None)
}

/// Note a unit's output name; a second unit with the same name gets GK702 and is not written.
fn claim_name(used: &mut HashMap<String, String>, cat: &Catalogue) -> Option<Diagnostic> {
    let stem = safe_file_name(&cat.unit.name);
    let first = used.insert(stem, cat.file.to_string())?;
    Some(
        Diagnostic::new(
            &rules::DUPLICATE_UNIT_NAME,
            format!("单位简称“{}”与 {first} 中的单位相同", cat.unit.name),
        )
        .in_file(&cat.file)
        .hint("每个单位使用不同的 name"),
    )
}

/// Write one unit's outputs, or remove stale ones when it has errors (unless allowed).
fn write_or_clean(
    cat: &Catalogue,
    diags: &[Diagnostic],
    file_errors: bool,
    s: &Settings,
) -> Result<Vec<PathBuf>, Error> {
    let stem = safe_file_name(&cat.unit.name);
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if (errors > 0 || file_errors) && !s.allow_errors {
        for ext in OUTPUTS {
            remove_stale(&s.out_dir, &format!("{stem}.{ext}"))?;
        }
        return Ok(Vec::new());
    }
    let opts = Options {
        date: s.date,
        errors,
        warnings: diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
    };
    // The workbook takes longest; the page and the flat files are written on the other
    // core meanwhile. Files are listed in the same order whatever finishes first.
    let (xlsx, rest) = rayon::join(
        || -> Result<Option<PathBuf>, Error> {
            if !s.writes("xlsx") {
                return Ok(None);
            }
            let xlsx = render::xlsx::render(cat, &opts)
                .map_err(|e| xlsx_error(&s.out_dir, &format!("{stem}.xlsx"), &e))?;
            Ok(Some(write_atomic(
                &s.out_dir,
                &format!("{stem}.xlsx"),
                &xlsx,
            )?))
        },
        || -> Result<Vec<PathBuf>, Error> {
            let mut written = Vec::new();
            if s.writes("html") {
                written.push(write_atomic_with(
                    &s.out_dir,
                    &format!("{stem}.html"),
                    |w| render::html::write(cat, &opts, w),
                )?);
            }
            if s.writes("csv") {
                written.push(write_atomic_with(
                    &s.out_dir,
                    &format!("{stem}.csv"),
                    |w| render::csv::write(&[cat], w),
                )?);
            }
            if s.writes("json") {
                written.push(write_atomic_with(
                    &s.out_dir,
                    &format!("{stem}.json"),
                    |w| render::json::write(cat, w),
                )?);
            }
            Ok(written)
        },
    );
    let mut written: Vec<PathBuf> = xlsx?.into_iter().collect();
    written.extend(rest?);
    Ok(written)
}

fn xlsx_error(dir: &Path, name: &str, e: &rust_xlsxwriter::XlsxError) -> Error {
    Error::Write {
        path: dir.join(name),
        source: std::io::Error::other(e.to_string()),
    }
}

fn progress(n: usize, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    // Hidden by indicatif itself when stderr is not a terminal.
    let bar = ProgressBar::new(n as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} 编译单位 {pos}/{len} {bar:30} {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

/// Whether a unit of the project is written (no errors, or errors allowed).
fn publishable(u: &UnitResult, allow_errors: bool) -> bool {
    u.catalogue.is_some() && (allow_errors || u.errors() == 0)
}

/// Compile (or, with `units` false, only summarise) a county project.
///
/// # Errors
/// [`Error::Write`] when an output cannot be written.
pub fn run_project(
    county_toml: &Path,
    s: &Settings,
    store: &Store,
    units: bool,
) -> Result<Exit, Error> {
    let started = Instant::now();
    let n = std::fs::read_to_string(county_toml)
        .map(|t| t.matches("[[units]]").count())
        .unwrap_or(0);
    let bar = progress(n, s.quiet);
    let run = match project::load(county_toml, store, &s.rules, &|| bar.inc(1)) {
        Ok(r) => r,
        Err(fr) => {
            bar.finish_and_clear();
            let summary = Summary {
                files: 1,
                ..Summary::default()
            };
            return report(&fr.diags, &summary, &[], s, None);
        }
    };
    bar.finish_and_clear();
    let mut dup: Vec<(usize, Diagnostic)> = Vec::new();
    let mut used = HashMap::new();
    for (i, u) in run.units.iter().enumerate() {
        if let Some(cat) = &u.catalogue {
            if let Some(d) = claim_name(&mut used, cat) {
                dup.push((i, d));
            }
        }
    }
    let names: Vec<String> = run.units.iter().map(UnitResult::name).collect();
    let planned = names
        .iter()
        .flat_map(|n| unit_outputs(&s.out_dir, n, &OUTPUTS));
    crate::fsutil::guard_outputs(
        &[county_toml],
        planned.chain(COUNTY_FILES.map(|f| s.out_dir.join(f))),
    )?;
    let mut run = run;
    let dup_units: Vec<usize> = dup.iter().map(|(i, _)| *i).collect();
    for (i, d) in dup {
        run.units[i].diags.push(d);
    }
    let mut written: Vec<PathBuf> = Vec::new();
    if units {
        let results: Vec<Result<Vec<PathBuf>, Error>> = run
            .units
            .par_iter()
            .enumerate()
            .filter(|(i, _)| !dup_units.contains(i))
            .filter_map(|(_, u)| {
                u.catalogue
                    .as_ref()
                    .map(|c| write_or_clean(c, &u.diags, false, s))
            })
            .collect();
        for r in results {
            written.extend(r?);
        }
        written.push(write_index(&run, s)?);
    }
    written.extend(write_summary(&run, s)?);
    let mut all: Vec<Diagnostic> = run.diags.clone();
    for u in &run.units {
        all.extend(u.diags.iter().cloned());
    }
    let summary = Summary {
        files: 1 + run.units.len(),
        items: run
            .units
            .iter()
            .filter_map(|u| u.catalogue.as_ref())
            .map(Catalogue::item_count)
            .sum(),
        ..Summary::default()
    };
    let line = format!(
        "{} 个单位，{} 个事项，{} 个错误，{} 个警告，用时 {:.1} 秒",
        run.units.len(),
        summary.items,
        all.iter().filter(|d| d.severity == Severity::Error).count(),
        all.iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
        started.elapsed().as_secs_f64()
    );
    report(&all, &summary, &written, s, Some(line))
}

/// The county summary tables: 汇总表.xlsx, 汇总表.html and the three CSV files.
fn write_summary(run: &ProjectRun, s: &Settings) -> Result<Vec<PathBuf>, Error> {
    let summary = sum::Summary {
        county: &run.spec.county,
        date: s.date,
        coverage: &run.coverage,
        duties: &run.duties,
        catalogues: run
            .units
            .iter()
            .filter(|u| publishable(u, s.allow_errors))
            .filter_map(|u| u.catalogue.as_ref())
            .collect(),
    };
    let xlsx = sum::xlsx(&summary).map_err(|e| xlsx_error(&s.out_dir, "汇总表.xlsx", &e))?;
    let mut out = vec![
        write_atomic(&s.out_dir, "汇总表.xlsx", &xlsx)?,
        write_atomic(&s.out_dir, "汇总表.html", sum::html(&summary).as_bytes())?,
    ];
    for (name, bytes) in sum::csvs(&summary) {
        out.push(write_atomic(&s.out_dir, name, &bytes)?);
    }
    Ok(out)
}

/// The portal's index.html.
fn write_index(run: &ProjectRun, s: &Settings) -> Result<PathBuf, Error> {
    let entries: Vec<sum::IndexEntry> = run
        .units
        .iter()
        .map(|u| sum::IndexEntry {
            name: u
                .catalogue
                .as_ref()
                .map(|c| c.unit.display_name().to_string())
                .unwrap_or_else(|| u.name()),
            kind: u.kind(),
            html: (publishable(u, s.allow_errors) && s.writes("html"))
                .then(|| format!("{}.html", safe_file_name(&u.name()))),
            items: u.catalogue.as_ref().map(Catalogue::item_count).unwrap_or(0),
            errors: u.errors(),
        })
        .collect();
    write_atomic(
        &s.out_dir,
        "index.html",
        sum::index(&run.spec.county, s.date, &entries).as_bytes(),
    )
}

/// Print the diagnostics (text or JSON) and the files written on stderr; return the exit code.
fn report(
    all: &[Diagnostic],
    summary: &Summary,
    written: &[PathBuf],
    s: &Settings,
    project_line: Option<String>,
) -> Result<Exit, Error> {
    let mut all = all.to_vec();
    diag::sort(&mut all);
    let mut summary = *summary;
    summary.count(&all);
    let exit = exit_for(&all);
    let mut tail = String::new();
    for p in written {
        tail.push_str(&format!("已写出 {}\n", p.display()));
    }
    tail.push_str(&project_line.unwrap_or_else(|| diag::summary_line(&summary)));
    tail.push('\n');
    if exit != Exit::Ok && !s.allow_errors {
        tail.push_str("有错误的单位未写出（可用 --allow-errors 强制写出）\n");
    }
    let text = super::render_report(s.format, &all, &summary, &tail);
    eprint!("{text}");
    Ok(exit)
}
