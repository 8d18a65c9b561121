//! `gkml compile PATH -o DIR`: read a unit catalogue, a draft or a county project, validate
//! every unit, and write each unit's outputs (`<name>.xlsx`, `.html`, `.csv`, `.json`) into
//! DIR. A unit with errors is not written, and its stale outputs are removed, unless
//! `--allow-errors`. A county project is compiled in parallel across cores, with a progress
//! bar on a terminal, and also gets the county summary (汇总表) and the portal's index.html.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::catalogues::Store;
use crate::check::Checks;
use crate::cli::DiagFormat;
use crate::diag::{Diagnostic, Severity, Summary};
use crate::error::Error;
use crate::fsutil::{
    remove_stale, safe_file_name, stage_atomic_with, unit_outputs, write_atomic, write_atomic_with,
    COUNTY_FILES,
};
use crate::load;
use crate::model::Catalogue;
use crate::project::{self, ProjectRun, UnitResult};
use crate::read;
use crate::render::{summary as sum, xlsx, Date, Options, Output};
use crate::rules;

use super::Exit;

/// What `compile` and `summary` were asked to do, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub out_dir: PathBuf,
    pub allow_errors: bool,
    pub date: Date,
    pub format: DiagFormat,
    /// No progress bar.
    pub quiet: bool,
    /// The run's checks: its rule selection (`--select`, `--ignore`) and date.
    pub checks: Checks,
    /// The unit outputs to write (`--only`; all of [`Output::ALL`] by default).
    pub outputs: Vec<Output>,
}

impl Settings {
    /// Resolve the command line's output arguments.
    ///
    /// # Errors
    /// [`Error::Usage`] for a bad date or an unknown rule code.
    pub fn from_args(a: crate::cli::OutputArgs) -> Result<Settings, Error> {
        let date = resolve_date(a.date.as_deref())?;
        Ok(Settings {
            out_dir: a.output,
            allow_errors: a.allow_errors,
            date,
            format: a.format,
            quiet: a.quiet,
            checks: Checks::new(super::run_rules(a.select, a.ignore)?, date),
            outputs: Output::ALL.to_vec(),
        })
    }

    /// Write only these outputs of each unit (`--only`); none named means all.
    pub fn only(mut self, kinds: &[Output]) -> Settings {
        if !kinds.is_empty() {
            self.outputs = Output::ALL
                .into_iter()
                .filter(|o| kinds.contains(o))
                .collect();
        }
        self
    }

    fn writes(&self, out: Output) -> bool {
        self.outputs.contains(&out)
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
        return Date::from_unix_checked(secs).ok_or_else(|| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH “{v}” 超出 1900—9999 年的范围；请设为合理的 Unix 时间（秒）"
            ))
        });
    }
    Ok(Date::today())
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
pub fn run<'s>(path: &Path, s: &Settings, store: &dyn Fn() -> &'s Store) -> Result<Exit, Error> {
    if let Some(p) = project_file(path) {
        return run_project(&p, s, store(), true);
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
    let fr = load::read_file_with(path, store, None, &s.checks.limits);
    let summary = Summary {
        files: 1,
        items: fr.catalogues.iter().map(Catalogue::item_count).sum(),
        ..Summary::default()
    };
    let cats: Vec<&Catalogue> = fr.catalogues.iter().collect();
    let collisions = s.checks.collisions(&cats, false);
    // A bad row stops only its own unit; a problem with the file as a whole stops them all.
    let (mut all, per_unit) = crate::check::attribute(s.checks.configure(fr.diags), &cats);
    let file_errors = all.iter().any(|d| d.severity == Severity::Error);
    // No planned output may be the draft itself (compile 草稿/甲镇.xlsx -o 草稿).
    let names: Vec<String> = cats.iter().map(|c| crate::check::output_name(c)).collect();
    let exts = Output::ALL.map(Output::ext);
    crate::fsutil::guard_outputs(
        &[path],
        names
            .iter()
            .flat_map(|n| unit_outputs(&s.out_dir, n, &exts)),
    )?;
    let mut written = Vec::new();
    for ((mut cat, collision), mut diags) in fr.catalogues.into_iter().zip(collisions).zip(per_unit)
    {
        if let Some(d) = collision {
            // Never written: its files would be another unit's.
            diags.extend(s.checks.catalogue(&cat));
            all.push(d);
            all.extend(diags);
            continue;
        }
        // The workbook's section sheets are written while the rules run (both need every
        // item; the sheets number the groups themselves, the rules read the 序号 as drafted).
        // Only the cover shows the rules' counts. When the rules find errors the run does not
        // allow, the sheets stop where they are and none is written.
        let mut unit = cat.unit.clone();
        unit.name = crate::check::output_name(&cat);
        let sheets =
            s.writes(Output::Xlsx) && (s.allow_errors || !(file_errors || has_errors(&diags)));
        let stop = AtomicBool::new(false);
        let (found, sections) = rayon::join(
            || {
                let found = s.checks.catalogue(&cat);
                if !s.allow_errors && has_errors(&found) {
                    stop.store(true, Ordering::Relaxed);
                }
                found
            },
            || sheets.then(|| xlsx::write_sections(&cat, &unit, s.date, &stop)),
        );
        diags.extend(found);
        cat.unit = unit;
        written.extend(write_or_clean(
            Ready::Drafted(&mut cat),
            &diags,
            file_errors,
            s,
            sections,
        )?);
        all.append(&mut diags);
        // Not freed: the process ends after the report, and freeing a province table's
        // items one by one (≈ 1.5 KB and a dozen allocations each) took the last 35 ms of a
        // 100,000-row compile. `compile::run` is the command line's; `serve` does not call it.
        std::mem::forget(cat);
    }
    report(&all, &summary, &written, s, None)
}

fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// A unit's catalogue as `write_or_clean` gets it.
enum Ready<'a> {
    /// Numbered for output already (a county's units, numbered as they are checked).
    Numbered(&'a Catalogue),
    /// As the rules saw it (序号 as drafted, the places of its values kept): numbered and
    /// stripped of those places (only the rules need them; a province-scale table renders in
    /// less memory without them) on the other side of the join from the workbook's save.
    Drafted(&'a mut Catalogue),
}

impl<'a> Ready<'a> {
    fn get(&self) -> &Catalogue {
        match self {
            Ready::Numbered(c) => c,
            Ready::Drafted(c) => c,
        }
    }

    fn numbered(self) -> &'a Catalogue {
        match self {
            Ready::Numbered(c) => c,
            Ready::Drafted(c) => {
                c.number_items();
                for it in c.sections.iter_mut().flat_map(|sec| sec.items.iter_mut()) {
                    it.places = Default::default();
                    it.notes = Vec::new();
                }
                c
            }
        }
    }
}

/// Write one unit's outputs, or remove stale ones when it has errors (unless allowed).
/// `sections` are the workbook's section sheets when they were written beforehand: they and
/// the cover need the catalogue neither numbered nor stripped.
fn write_or_clean(
    cat: Ready<'_>,
    diags: &[Diagnostic],
    file_errors: bool,
    s: &Settings,
    sections: Option<Result<xlsx::Sections, rust_xlsxwriter::XlsxError>>,
) -> Result<Vec<PathBuf>, Error> {
    let stem = safe_file_name(&cat.get().unit.name);
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if (errors > 0 || file_errors) && !s.allow_errors {
        for out in Output::ALL {
            remove_stale(&s.out_dir, &format!("{stem}.{}", out.ext()))?;
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
    // The workbook takes longest. Its sheets are written first, on every core; then it is
    // saved (deflated inside rust_xlsxwriter, on one thread) while the other outputs are
    // written on the other core. Files are listed in the same order whatever finishes first.
    let workbook = s.writes(Output::Xlsx).then(|| match sections {
        Some(written) => written.and_then(|w| w.finish(cat.get(), &opts)),
        None => xlsx::prepare(cat.get(), &opts),
    });
    let (xlsx, rest) = rayon::join(
        || {
            workbook
                .map(|wb| {
                    write_atomic_with(&s.out_dir, &format!("{stem}.xlsx"), |w| {
                        let bytes = wb
                            .and_then(xlsx::Prepared::save)
                            .map_err(|e| std::io::Error::other(e.to_string()))?;
                        w.write_all(&bytes)
                    })
                })
                .transpose()
        },
        || {
            let cat = cat.numbered();
            let stage = |out: Output| {
                stage_atomic_with(&s.out_dir, &format!("{stem}.{}", out.ext()), |w| {
                    out.write(cat, &opts, w)
                })
            };
            // Each output is synced and put in place on a thread of its own while the next
            // is written: the sync waits for the disk, and this side of the join is as long
            // as the workbook's save at 100,000 rows.
            std::thread::scope(|scope| {
                let mut syncing = Vec::new();
                for out in s.outputs.iter().filter(|o| **o != Output::Xlsx) {
                    match stage(*out) {
                        Ok(staged) => syncing.push(scope.spawn(move || staged.commit())),
                        Err(e) => {
                            // Those already written are still put in place, as before.
                            join_all(syncing)?;
                            return Err(e);
                        }
                    }
                }
                join_all(syncing)
            })
        },
    );
    let mut written: Vec<PathBuf> = xlsx?.into_iter().collect();
    written.extend(rest?);
    Ok(written)
}

/// Wait for the outputs being put in place, in order; the first error if any failed. A
/// thread that panicked passes its panic on.
fn join_all(
    syncing: Vec<std::thread::ScopedJoinHandle<'_, Result<PathBuf, Error>>>,
) -> Result<Vec<PathBuf>, Error> {
    let done: Vec<Result<PathBuf, Error>> = syncing
        .into_iter()
        .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        .collect();
    done.into_iter().collect()
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
    u.catalogue.is_some() && !u.collides() && (allow_errors || (u.errors() == 0 && !u.file_failed))
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
    let run = match project::load(county_toml, store, &s.checks, &|| bar.inc(1)) {
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
    // No planned output may be an input (a unit file or county.toml in the output folder).
    let names: Vec<String> = run.units.iter().map(UnitResult::name).collect();
    let exts = Output::ALL.map(Output::ext);
    crate::fsutil::guard_outputs(
        &[county_toml],
        names
            .iter()
            .flat_map(|n| unit_outputs(&s.out_dir, n, &exts))
            .chain(COUNTY_FILES.map(|f| s.out_dir.join(f))),
    )?;
    let mut written: Vec<PathBuf> = Vec::new();
    let mut failures: Vec<Error> = Vec::new();
    if units {
        let results: Vec<Result<Vec<PathBuf>, Error>> = run
            .units
            .par_iter()
            .filter(|u| !u.collides())
            .filter_map(|u| {
                u.catalogue
                    .as_ref()
                    .map(|c| write_or_clean(Ready::Numbered(c), &u.diags, u.file_failed, s, None))
            })
            .collect();
        // One unit that cannot be written does not stop the others, the index or the summary.
        for r in results {
            match r {
                Ok(w) => written.extend(w),
                Err(e) => failures.push(e),
            }
        }
        // A unit whose file could not be read at all leaves no stale outputs behind, unless
        // another unit now writes under that name.
        for u in run.units.iter().filter(|u| u.catalogue.is_none()) {
            let stem = safe_file_name(&u.name());
            let taken = run
                .units
                .iter()
                .filter_map(|o| o.catalogue.as_ref())
                .any(|c| safe_file_name(&crate::check::output_name(c)) == stem);
            if !taken {
                for out in Output::ALL {
                    if let Err(e) = remove_stale(&s.out_dir, &format!("{stem}.{}", out.ext())) {
                        failures.push(e);
                    }
                }
            }
        }
        match write_index(&run, s) {
            Ok(p) => written.push(p),
            Err(e) => failures.push(e),
        }
    }
    match write_summary(&run, s) {
        Ok(w) => written.extend(w),
        Err(e) => failures.push(e),
    }
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
    let exit = report(&all, &summary, &written, s, Some(line))?;
    if failures.is_empty() {
        return Ok(exit);
    }
    for e in &failures {
        eprintln!("gkml: {e}");
    }
    Ok(Exit::Unreadable)
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
            html: (publishable(u, s.allow_errors) && s.writes(Output::Html))
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
    let mut tally = s.checks.tally();
    tally.extend(all.iter().cloned());
    let exit = super::exit_of(&tally);
    let (all, counts) = tally.finish();
    let summary = Summary {
        files: summary.files,
        items: summary.items,
        ..counts
    };
    let mut tail = String::new();
    for p in written {
        tail.push_str(&format!("已写出 {}\n", p.display()));
    }
    tail.push_str(&project_line.unwrap_or_else(|| crate::print::summary_line(&summary)));
    tail.push('\n');
    if exit != Exit::Ok && !s.allow_errors {
        tail.push_str("有错误的单位未写出（可用 --allow-errors 强制写出）\n");
    }
    let text = crate::print::report(s.format, &all, &summary, &tail);
    eprint!("{text}");
    Ok(exit)
}
