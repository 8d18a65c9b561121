//! `gkml validate PATH…`: read every input, run every rule, print the diagnostics (text or the
//! JSON of docs/CONTRACT.md §6) and exit 0, 1 or 2. Every input is processed even when one fails. A
//! county project (a folder with county.toml, anywhere under a folder argument) is checked as
//! a whole: its units inherit its county and its responsibility table finds coverage gaps.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::catalogues::Store;
use crate::check::Checks;
use crate::cli::DiagFormat;
use crate::diag::{self, Diagnostic, Tally};
use crate::error::Error;
use crate::limits::Limits;
use crate::load;
use crate::project;
use crate::read;
use crate::read::table::{Layout, Pending, RowItem};
use crate::rules::ItemKeys;

use super::compile::project_file;
use super::{print_out, Exit};

/// Rows read, placed and checked as one piece of work. With every thread running the whole
/// line on its own chunk, a smaller chunk stays in the cache between placing and checking:
/// measured (quiet machine, BENCHMARKS.md round six, 7–11 runs each) 512 rows against 1,024:
/// 1M rows 0.97 against 0.99 s and 91 against 95 MB, 200k rows CPU 0.33 against 0.34 s;
/// 256 was slower (1.05 s at 1M), 2,048 no faster and 98 MB.
const CHUNK: usize = 512;

/// A chunk's rows, converted and checked: each row's item, its keys for the in-order checks,
/// and its reading and per-item diagnostics.
type CheckedChunk = Vec<(RowItem, ItemKeys, Vec<Diagnostic>, Vec<Diagnostic>)>;

/// The in-order stage of [`Checked::stream`] and what it adds to.
struct InOrderStage<'a> {
    state: &'a mut crate::check::InOrder,
    tally: &'a mut Tally,
    items: &'a mut usize,
    bar: &'a indicatif::ProgressBar,
    found: Vec<Diagnostic>,
    /// The reading's own diagnostics, in reading order.
    read: Vec<Diagnostic>,
}

impl InOrderStage<'_> {
    fn check(
        &mut self,
        chunk: &mut CheckedChunk,
        stream: &crate::check::Stream<'_>,
        checks: &Checks,
        keep_excerpts: bool,
    ) {
        let probes = stream.probe_names(self.state, chunk.iter().map(|(r, k, ..)| (r, *k)));
        for ((r, keys, read, d), probe) in chunk.iter_mut().zip(probes) {
            self.found.append(read);
            self.found.append(d);
            stream.in_order(self.state, r, *keys, probe, &mut self.found);
            if !keep_excerpts {
                for x in &mut self.found {
                    x.excerpt = None;
                }
            }
            // Counted in full, kept up to the cap: memory does not grow with the problems
            // of a junk file.
            self.tally
                .extend(checks.configure(std::mem::take(&mut self.found)));
        }
        *self.items += chunk.len();
        self.bar.set_position(*self.items as u64);
    }
}

/// Diagnostics and counts of one or more inputs.
#[derive(Default)]
struct Checked {
    files: usize,
    items: usize,
    tally: Tally,
    /// Only the text report shows excerpts; other formats drop them as they arrive, which
    /// keeps a province-scale run's memory down.
    keep_excerpts: bool,
}

impl Checked {
    fn file<'s>(&mut self, path: &Path, store: &dyn Fn() -> &'s Store, checks: &Checks) {
        if matches!(
            read::file_type(path),
            Some(read::FileType::Csv | read::FileType::Tsv | read::FileType::Text)
        ) && path.is_file()
        {
            return self.stream(path, checks);
        }
        let fr = load::read_file_with(path, store, None, &checks.limits);
        self.files += 1;
        self.tally.extend(checks.configure(fr.diags));
        for cat in &fr.catalogues {
            self.items += cat.item_count();
            self.tally.extend(checks.catalogue(cat));
        }
        let cats: Vec<&crate::model::Catalogue> = fr.catalogues.iter().collect();
        self.tally
            .extend(checks.collisions(&cats, false).into_iter().flatten());
    }

    /// Check a CSV/TSV draft as it streams: rows are read, checked in parallel in chunks and
    /// dropped, so a province-scale table is checked in bounded memory. The rules are the same
    /// functions the catalogue path runs; only the order of work differs.
    fn stream(&mut self, path: &Path, checks: &Checks) {
        self.files += 1;
        let file = read::display_name(path);
        let delim = read::file_type(path).and_then(read::FileType::delimiter);
        let limits = &checks.limits;
        if std::fs::metadata(path).is_ok_and(|m| m.len() > limits.max_input_bytes) {
            // The ordinary path reports the limit.
            let fr = load::read_file_with(path, &Store::embedded, None, limits);
            self.tally.extend(checks.configure(fr.diags));
            return;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("目录")
            .to_string();
        let stream = checks.stream(file.clone());
        let mut order_state = crate::check::InOrder::default();
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} 已检查 {pos} 行 {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        let mut items = 0usize;
        let keep_excerpts = self.keep_excerpts;
        // Each of the threads (one a core) runs the whole line on a chunk of rows at a time:
        // 1. read: parse the CSV and place the rows (blank, header, section or item;
        //    continuation cells filled from the row above) — one thread at a time, in file
        //    order, which numbers the chunk;
        // 2. check: convert each row to an item and run the per-item rules, while the other
        //    threads read or check other chunks;
        // 3. in order: section and cross-item checks (duplicates, numbering), run for each
        //    chunk in file order by whichever thread finds the next chunk ready.
        // No thread waits for another's hand-over: a thread that cannot read (another is
        // reading) waits only for that read, and one whose chunk is not next leaves it for
        // the thread that finishes the chunk before it. (Measured against a reader thread, a
        // checking thread fanning each chunk out to rayon's workers and the in-order checks
        // on this thread, all handing chunks through channels: BENCHMARKS.md round six.)
        let reader_diags: Vec<Diagnostic> = 'read: {
            let mut rows = match read::csv::open(path, &file, delim, limits) {
                Ok(r) => r,
                Err(d) => break 'read vec![d],
            };
            let (layout, rest, diags) = match Layout::start(&file, None, &mut rows, &stem, limits) {
                Ok(started) => started,
                Err(diags) => break 'read diags,
            };
            let mut batches = read::table::Batches::new(layout, rest, &mut rows);
            let mut stage = InOrderStage {
                state: &mut order_state,
                tally: &mut self.tally,
                items: &mut items,
                bar: &bar,
                found: Vec::new(),
                read: diags,
            };
            let per_item = &stream;
            read::table::run_batches(
                &mut batches,
                CHUNK,
                limits,
                |layout: &Layout, chunk: Vec<Pending>| -> CheckedChunk {
                    let mut spare = crate::model::Spare::default();
                    chunk
                        .into_iter()
                        .map(|p| {
                            let (mut r, mut read, glanced) = layout.convert_spared(p, &mut spare);
                            let mut d = per_item.item_glanced(&r, glanced);
                            if !keep_excerpts {
                                for x in read.iter_mut().chain(d.iter_mut()) {
                                    x.excerpt = None;
                                }
                            }
                            let keys = crate::check::Stream::keys(&r);
                            crate::check::Stream::for_in_order(&mut r, &mut spare);
                            (r, keys, read, d)
                        })
                        .collect()
                },
                &mut stage,
                |s, mut chunk, after| {
                    s.check(&mut chunk, per_item, checks, keep_excerpts);
                    s.read.extend(after);
                },
            );
            let mut diags = stage.read;
            let end = batches.end();
            diags.extend(rows.take_warnings());
            diags.extend(end);
            diags
        };
        bar.finish_and_clear();
        self.items += items;
        self.tally.extend(checks.configure(reader_diags));
        self.tally.extend(stream.finish(order_state));
    }

    /// Check a project; returns the unit files it covers.
    fn project(&mut self, county_toml: &Path, store: &Store, checks: &Checks) -> Vec<PathBuf> {
        match project::load(county_toml, store, checks, &|| {}) {
            Ok(run) => {
                self.files += 1 + run.units.len();
                self.tally.extend(run.diags);
                for u in run.units {
                    self.items += u.catalogue.as_ref().map(|c| c.item_count()).unwrap_or(0);
                    self.tally.extend(u.diags);
                }
                run.spec.units.iter().map(|u| u.path.clone()).collect()
            }
            Err(fr) => {
                self.files += 1;
                self.tally.extend(fr.diags);
                Vec::new()
            }
        }
    }
}

/// Run `validate`.
///
/// # Errors
/// Only when the report cannot be written.
pub fn run<'s>(
    paths: &[PathBuf],
    format: DiagFormat,
    checks: &Checks,
    store: &dyn Fn() -> &'s Store,
) -> Result<Exit, Error> {
    let mut c = Checked {
        keep_excerpts: format == DiagFormat::Text,
        tally: checks.tally(),
        ..Checked::default()
    };
    for p in paths {
        if let Some(ct) = project_file(p) {
            c.project(&ct, store(), checks);
        } else if p.is_dir() {
            let files = read::walk(p);
            let mut covered: HashSet<PathBuf> = HashSet::new();
            for ct in files
                .iter()
                .filter(|f| f.file_name().is_some_and(|n| n == "county.toml"))
            {
                covered.insert(canonical(ct));
                covered.extend(c.project(ct, store(), checks).iter().map(|u| canonical(u)));
            }
            for f in files.iter().filter(|f| !covered.contains(&canonical(f))) {
                c.file(f, store, checks);
            }
        } else {
            c.file(p, store, checks);
        }
    }
    let exit = super::exit_of(&c.tally);
    let (all, mut summary) = c.tally.finish();
    summary.files = c.files;
    summary.items = c.items;
    let tail = crate::print::summary_line(&summary) + "\n";
    if format == DiagFormat::Json {
        // Streamed: a province-scale report is tens of MB of JSON.
        super::print_json(&crate::print::JsonReport {
            diagnostics: &all,
            summary: &summary,
        })?;
    } else {
        print_out(&crate::print::report(format, &all, &summary, &tail))?;
    }
    Ok(exit)
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// `validate --fix [--diff]`: fix every TOML/CSV/TSV file named (or under a folder named) in
/// place, and write corrected copies of workbooks. Returns whether any file could not be fixed.
///
/// # Errors
/// Only when the diff cannot be printed.
pub fn fix(paths: &[PathBuf], diff: bool, limits: &Limits) -> Result<bool, Error> {
    let mut failed = false;
    let files: Vec<PathBuf> = paths
        .iter()
        .flat_map(|p| {
            if p.is_dir() {
                read::walk(p)
            } else {
                vec![p.clone()]
            }
        })
        .collect();
    let named: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    crate::fsutil::guard_outputs(
        &named,
        files.iter().filter_map(|f| crate::fix::written_beside(f)),
    )?;
    for f in files {
        match read::file_type(&f) {
            Some(read::FileType::Workbook) => {
                if diff {
                    eprintln!(
                        "{}：工作簿的修正写入副本（<名称>.fixed.xlsx），--diff 不显示",
                        f.display()
                    );
                    continue;
                }
                let fixed = std::panic::catch_unwind(|| crate::fix::fix_workbook(&f, limits))
                    .unwrap_or_else(|_| Err("工作簿已损坏，无法读取".to_string()));
                match fixed {
                    Ok(Some(copy)) => eprintln!(
                        "已修正 {} → 写出副本 {}（原文件未改动）",
                        f.display(),
                        copy.display()
                    ),
                    Ok(None) => eprintln!("{}：无可自动修正之处", f.display()),
                    Err(e) => {
                        failed = true;
                        eprintln!("无法修正 {}：{e}", f.display());
                    }
                }
            }
            Some(read::FileType::Html | read::FileType::Docx | read::FileType::Legacy) => {
                eprintln!("{}：网页和 Word 文件不能自动修正", f.display());
            }
            Some(_) => match crate::fix::plan(&f) {
                Ok(plan) if diff => {
                    if plan.changes() {
                        print_out(&plan.diff())?;
                    }
                }
                Ok(plan) => match plan.apply() {
                    Ok(crate::fix::Fixed::InPlace { backup }) => {
                        eprintln!(
                            "已修正 {}（原文件备份为 {}）",
                            f.display(),
                            backup.display()
                        )
                    }
                    Ok(_) => eprintln!("{}：无可自动修正之处", f.display()),
                    Err(e) => {
                        failed = true;
                        eprintln!("无法修正 {}：{e}", f.display());
                    }
                },
                Err(e) => {
                    failed = true;
                    eprintln!("无法修正 {}：{e}", f.display());
                }
            },
            None => {}
        }
    }
    Ok(failed)
}

/// `validate DRAFT --annotate OUT.xlsx`: the draft a workbook, a CSV/TSV, an HTML page or a
/// Word file.
///
/// # Errors
/// [`Error::Usage`] unless exactly one such draft is named; [`Error::Write`] when the copy
/// cannot be written.
pub fn annotate(
    paths: &[PathBuf],
    out: &Path,
    checks: &Checks,
    store: &Store,
) -> Result<Exit, Error> {
    const KINDS: &str =
        "工作簿（.xlsx/.xls/.ods）、CSV/TSV/TXT 表格、网页（.html）或 Word 文件（.docx）";
    let [path] = paths else {
        return Err(Error::Usage(format!(
            "--annotate 需要且只能指定一个草稿：{KINDS}"
        )));
    };
    if !matches!(
        read::file_type(path),
        Some(
            read::FileType::Workbook
                | read::FileType::Csv
                | read::FileType::Tsv
                | read::FileType::Text
                | read::FileType::Html
                | read::FileType::Docx
        )
    ) {
        return Err(Error::Usage(format!(
            "--annotate 只用于{KINDS}：{} 不是",
            path.display()
        )));
    }
    crate::fsutil::guard_outputs(&[path], [out])?;
    let fr = load::read_file(path, store, None, &checks.limits);
    let mut diags = checks.configure(fr.diags);
    for cat in &fr.catalogues {
        diags.extend(checks.catalogue(cat));
    }
    diag::sort(&mut diags);
    let book = crate::annotate::annotate_file(path, &diags, &checks.limits)
        .map_err(|e| Error::Usage(format!("无法生成批注工作簿：{e}")))?;
    let (dir, name) = crate::fsutil::split_output(out);
    let written = crate::fsutil::write_atomic(dir, &name, &book)?;
    eprintln!(
        "已写出批注工作簿 {}（{} 个问题）",
        written.display(),
        diags.len()
    );
    Ok(super::exit_for(&diags))
}
