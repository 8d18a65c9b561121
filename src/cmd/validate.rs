//! `gkml validate PATH…`: read every input, run every rule, print the diagnostics (text or the
//! JSON of DOMAIN.md §6) and exit 0, 1 or 2. Every input is processed even when one fails. A
//! county project (a folder with county.toml, anywhere under a folder argument) is checked as
//! a whole: its units inherit its county and its responsibility table finds coverage gaps.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalogues::Store;
use crate::cli::DiagFormat;
use crate::diag::{self, Diagnostic, Summary};
use crate::error::Error;
use crate::project;
use crate::read;
use crate::read::table::{Layout, Order, Pending, RowItem};
use crate::rules;
use crate::rules::config::RuleConfig;

use super::compile::project_file;
use super::{exit_for, print_out, Exit};

/// What the in-order checks of a streamed table remember about one unit.
#[derive(Default)]
struct UnitState {
    name: String,
    cross: rules::CrossCheck,
    sections: rustc_hash::FxHashSet<crate::domains::SectionKey>,
}

/// Diagnostics and counts of one or more inputs.
#[derive(Default)]
struct Checked {
    files: usize,
    items: usize,
    diags: Vec<Diagnostic>,
    /// Only the text report shows excerpts; other formats drop them as they arrive, which
    /// keeps a province-scale run's memory down.
    keep_excerpts: bool,
}

impl Checked {
    fn file<'s>(&mut self, path: &Path, store: &dyn Fn() -> &'s Store, config: &RuleConfig) {
        if matches!(
            read::file_type(path),
            Some(read::FileType::Csv | read::FileType::Tsv)
        ) && path.is_file()
        {
            return self.stream(path, config);
        }
        let fr = read::read_file(path, store(), None);
        self.files += 1;
        self.diags.extend(config.apply(fr.diags));
        for cat in &fr.catalogues {
            self.items += cat.item_count();
            self.diags.extend(config.apply(rules::check(cat)));
        }
    }

    /// Check a CSV/TSV draft as it streams: rows are read, checked in parallel in chunks and
    /// dropped, so a province-scale table is checked in bounded memory. The rules are the same
    /// functions the catalogue path runs; only the order of work differs.
    fn stream(&mut self, path: &Path, config: &RuleConfig) {
        use rayon::prelude::*;
        const CHUNK: usize = 512;
        self.files += 1;
        let file = read::display_name(path);
        let delim = if read::file_type(path) == Some(read::FileType::Tsv) {
            b'\t'
        } else {
            b','
        };
        let limits = crate::limits::get();
        if std::fs::metadata(path).is_ok_and(|m| m.len() > limits.max_input_bytes) {
            // The ordinary path reports the limit.
            let fr = read::read_file(path, Store::embedded(), None);
            self.diags.extend(config.apply(fr.diags));
            return;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("目录")
            .to_string();
        let ctx = crate::model::Catalogue {
            file: file.clone(),
            ..Default::default()
        };
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} 已检查 {pos} 行 {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        // Units by name (FxHash: the keys are the file's own unit names).
        let mut index: rustc_hash::FxHashMap<String, usize> = Default::default();
        let mut found: Vec<Diagnostic> = Vec::new();
        let mut read_found: Vec<Diagnostic> = Vec::new();
        let mut items = 0usize;
        let keep_excerpts = self.keep_excerpts;
        // Three stages, each on its own thread, handing chunks of rows down the line:
        // 1. read: parse the CSV and place rows (blank, header, section or item; continuation
        //    cells filled from the row above) — sequential, and cheap;
        // 2. check: convert each row to an item and run the per-item rules, in parallel
        //    across the rows of a chunk;
        // 3. this thread: section and cross-item checks (duplicates, numbering), in row
        //    order, while the next chunks are read and checked.
        type Checked = Vec<(RowItem, Vec<Diagnostic>, Vec<Diagnostic>)>;
        let (layout_tx, layout_rx) = std::sync::mpsc::sync_channel::<Arc<Layout>>(1);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Pending>>(1);
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Checked>(1);
        let reader_diags = std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                let mut rows = match read::csv::open(path, &file, delim) {
                    Ok(r) => r,
                    Err(d) => return (vec![d], None),
                };
                let (layout, rest, mut diags) = match Layout::start(&file, None, &mut rows, &stem) {
                    Ok(started) => started,
                    Err(diags) => return (diags, None),
                };
                let layout = Arc::new(layout);
                if layout_tx.send(Arc::clone(&layout)).is_err() {
                    return (diags, None);
                }
                drop(layout_tx);
                let mut order = Order::default();
                let mut chunk: Vec<Pending> = Vec::with_capacity(CHUNK);
                for r in rest.into_iter().map(Ok).chain(rows) {
                    match r {
                        Ok(r) => chunk.extend(order.place(&layout, r)),
                        Err(d) => {
                            diags.push(d);
                            break;
                        }
                    }
                    if chunk.len() >= CHUNK {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                        if tx.send(full).is_err() {
                            break;
                        }
                    }
                }
                let _ = tx.send(chunk);
                drop(tx);
                (diags, Some((layout, order)))
            });
            let ctx = &ctx;
            let checker = scope.spawn(move || {
                let Ok(layout) = layout_rx.recv() else {
                    return;
                };
                for chunk in rx {
                    let checked: Checked = chunk
                        .into_par_iter()
                        .map(|p| {
                            let (r, mut read) = layout.convert(p);
                            let mut d = rules::item_diagnostics(ctx, &r.item);
                            if !keep_excerpts {
                                for x in read.iter_mut().chain(d.iter_mut()) {
                                    x.excerpt = None;
                                }
                            }
                            (r, read, d)
                        })
                        .collect();
                    if done_tx.send(checked).is_err() {
                        break;
                    }
                }
                drop(done_tx);
            });
            // Per-unit state; rows come in runs of one unit, so the last one is tried first.
            let mut units: Vec<UnitState> = Vec::new();
            let mut last = usize::MAX;
            for mut chunk in done_rx {
                let before = found.len();
                for (r, read, d) in chunk.iter_mut() {
                    read_found.append(read);
                    if units.get(last).is_none_or(|u| u.name != r.unit) {
                        last = *index.entry(r.unit.clone()).or_insert_with(|| {
                            units.push(UnitState {
                                name: r.unit.clone(),
                                ..UnitState::default()
                            });
                            units.len() - 1
                        });
                    }
                    let Some(unit) = units.get_mut(last) else {
                        continue;
                    };
                    if !unit.sections.contains(&r.key) {
                        unit.sections.insert(r.key.clone());
                        found.extend(rules::section_diagnostics(
                            ctx,
                            &r.key,
                            &r.raw,
                            r.sloc.as_ref(),
                        ));
                    }
                    found.append(d);
                    unit.cross.item(r.key.display_name(), &r.item, &mut found);
                    unit.cross.numbering(&r.item, &mut found);
                }
                if !keep_excerpts {
                    for d in &mut found[before..] {
                        d.excerpt = None;
                    }
                }
                items += chunk.len();
                bar.set_position(items as u64);
            }
            let _ = checker.join();
            let (mut diags, end) = reader.join().unwrap_or_default();
            // Reading diagnostics in the order the sequential reader gives them: the
            // header's, the rows', then what is said at the end.
            diags.append(&mut read_found);
            if let Some((layout, order)) = end {
                diags.extend(layout.end(&order));
            }
            diags
        });
        bar.finish_and_clear();
        self.items += items;
        let mut found = config.apply(found);
        found.extend(config.apply(reader_diags));
        // Moved, not copied: the report of a big table is the largest thing held.
        if self.diags.is_empty() {
            self.diags = found;
        } else {
            self.diags.append(&mut found);
        }
    }

    /// Check a project; returns the unit files it covers.
    fn project(&mut self, county_toml: &Path, store: &Store, config: &RuleConfig) -> Vec<PathBuf> {
        match project::load(county_toml, store, config, &|| {}) {
            Ok(run) => {
                self.files += 1 + run.units.len();
                self.diags.extend(run.diags);
                for u in run.units {
                    self.items += u.catalogue.as_ref().map(|c| c.item_count()).unwrap_or(0);
                    self.diags.extend(u.diags);
                }
                run.spec.units.iter().map(|u| u.path.clone()).collect()
            }
            Err(fr) => {
                self.files += 1;
                self.diags.extend(fr.diags);
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
    config: &RuleConfig,
    store: &dyn Fn() -> &'s Store,
) -> Result<Exit, Error> {
    let mut c = Checked {
        keep_excerpts: format == DiagFormat::Text,
        ..Checked::default()
    };
    for p in paths {
        if let Some(ct) = project_file(p) {
            c.project(&ct, store(), config);
        } else if p.is_dir() {
            let files = read::walk(p);
            let mut covered: HashSet<PathBuf> = HashSet::new();
            for ct in files
                .iter()
                .filter(|f| f.file_name().is_some_and(|n| n == "county.toml"))
            {
                covered.insert(canonical(ct));
                covered.extend(c.project(ct, store(), config).iter().map(|u| canonical(u)));
            }
            for f in files.iter().filter(|f| !covered.contains(&canonical(f))) {
                c.file(f, store, config);
            }
        } else {
            c.file(p, store, config);
        }
    }
    let mut all = c.diags;
    diag::sort(&mut all);
    let mut summary = Summary {
        files: c.files,
        items: c.items,
        ..Summary::default()
    };
    summary.count(&all);
    let tail = diag::summary_line(&summary) + "\n";
    if format == DiagFormat::Json {
        // Streamed: a province-scale report is tens of MB of JSON.
        super::print_json(&diag::JsonReport {
            diagnostics: &all,
            summary: &summary,
        })?;
    } else {
        print_out(&super::render_report(format, &all, &summary, &tail))?;
    }
    Ok(exit_for(&all))
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// `validate --fix [--diff]`: fix every TOML/CSV/TSV file named (or under a folder named) in
/// place, and write corrected copies of workbooks. Returns whether any file could not be fixed.
///
/// # Errors
/// Only when the diff cannot be printed.
pub fn fix(paths: &[PathBuf], diff: bool) -> Result<bool, Error> {
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
                let fixed = std::panic::catch_unwind(|| crate::fix::fix_workbook(&f))
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

/// `validate DRAFT.xlsx --annotate OUT.xlsx`.
///
/// # Errors
/// [`Error::Usage`] unless exactly one workbook is named; [`Error::Write`] when the copy
/// cannot be written.
pub fn annotate(
    paths: &[PathBuf],
    out: &Path,
    config: &RuleConfig,
    store: &Store,
) -> Result<Exit, Error> {
    let [path] = paths else {
        return Err(Error::Usage(
            "--annotate 需要且只能指定一个工作簿（.xlsx/.xls/.ods）".into(),
        ));
    };
    if read::file_type(path) != Some(read::FileType::Workbook) {
        return Err(Error::Usage(format!(
            "--annotate 只用于工作簿：{} 不是 .xlsx/.xls/.ods",
            path.display()
        )));
    }
    let fr = read::read_file(path, store, None);
    let mut diags = config.apply(fr.diags);
    for cat in &fr.catalogues {
        diags.extend(config.apply(rules::check(cat)));
    }
    diag::sort(&mut diags);
    let bytes = std::fs::read(path).map_err(|e| Error::Write {
        path: path.clone(),
        source: e,
    })?;
    let book = std::panic::catch_unwind(|| crate::annotate::annotate(bytes, &diags))
        .unwrap_or_else(|_| Err("工作簿已损坏，无法读取".to_string()))
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
