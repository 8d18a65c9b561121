//! `gkml compile PATH -o DIR`: read a unit catalogue, a draft or a county project, validate
//! every unit, and write each unit's outputs (`<name>.xlsx`, `.html`, `.csv`, `.json`) into
//! DIR. A unit with errors is not written, and its stale outputs are removed, unless
//! `--allow-errors`.

use std::collections::HashMap;
use std::path::Path;

use crate::catalogues::Store;
use crate::cli::DiagFormat;
use crate::diag::{self, Diagnostic, Severity, Summary};
use crate::error::Error;
use crate::fsutil::{remove_stale, safe_file_name, write_atomic};
use crate::model::Catalogue;
use crate::read::{self, FileRead};
use crate::render::{self, Date, Options};
use crate::rules;

use super::{exit_for, Exit};

/// The extensions a unit's outputs are written with.
pub const OUTPUTS: [&str; 4] = ["xlsx", "html", "csv", "json"];

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
        return Ok(Date::from_unix(secs));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Ok(Date::from_unix(now))
}

fn read_inputs(path: &Path, store: &Store) -> Vec<FileRead> {
    if path.is_dir() {
        let project = path.join("county.toml");
        if project.is_file() {
            return read::read_project(&project, store);
        }
        let file = read::display_name(path);
        return vec![FileRead {
            file: file.clone(),
            catalogues: Vec::new(),
            diags: vec![Diagnostic::new(&rules::FILE_UNREADABLE, "文件夹中没有 county.toml，不是县级项目")
                .in_file(&file)
                .hint("编译单个单位时指定其目录文件（.toml/.csv/.xlsx）；编译全县时指定含 county.toml 的文件夹")],
            project: None,
        }];
    }
    if path.file_name().is_some_and(|n| n == "county.toml") {
        return read::read_project(path, store);
    }
    vec![read::read_file(path, store, None)]
}

/// Run `compile`.
///
/// # Errors
/// [`Error::Write`] when an output cannot be written.
pub fn run(
    path: &Path,
    out_dir: &Path,
    allow_errors: bool,
    date: Date,
    format: DiagFormat,
    store: &Store,
) -> Result<Exit, Error> {
    let reads = read_inputs(path, store);
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut summary = Summary::default();
    let mut used: HashMap<String, String> = HashMap::new();
    let mut written = Vec::new();
    for fr in reads {
        summary.files += 1;
        let file_has_errors = fr.diags.iter().any(|d| d.severity == Severity::Error);
        all.extend(fr.diags);
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
            let mut diags = rules::check(&cat);
            let stem = safe_file_name(&cat.unit.name);
            if let Some(first) = used.insert(stem.clone(), cat.file.to_string()) {
                diags.push(
                    Diagnostic::new(
                        &rules::DUPLICATE_UNIT_NAME,
                        format!("单位简称“{}”与 {first} 中的单位相同", cat.unit.name),
                    )
                    .in_file(&cat.file)
                    .hint("每个单位使用不同的 name"),
                );
            }
            let has_errors = file_has_errors || diags.iter().any(|d| d.severity == Severity::Error);
            let duplicate = diags
                .iter()
                .any(|d| d.code == rules::DUPLICATE_UNIT_NAME.code);
            let unit_diag_count = diags.len();
            all.extend(diags);
            if duplicate {
                continue;
            }
            if has_errors && !allow_errors {
                for ext in OUTPUTS {
                    remove_stale(out_dir, &format!("{stem}.{ext}"))?;
                }
                continue;
            }
            let unit_diags = &all[all.len() - unit_diag_count..];
            let opts = Options {
                date,
                errors: unit_diags
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count(),
                warnings: unit_diags
                    .iter()
                    .filter(|d| d.severity == Severity::Warning)
                    .count(),
            };
            written.extend(write_unit(&cat, out_dir, &stem, &opts)?);
        }
    }
    diag::sort(&mut all);
    summary.count(&all);
    let report = match format {
        DiagFormat::Json => diag::to_json(&all, &summary) + "\n",
        DiagFormat::Text => {
            let mut t = diag::to_text(&all);
            for p in &written {
                t.push_str(&format!("已写出 {}\n", p.display()));
            }
            t.push_str(&diag::summary_line(&summary));
            t.push('\n');
            if exit_for(&all) != Exit::Ok && !allow_errors {
                t.push_str("有错误的单位未写出（可用 --allow-errors 强制写出）\n");
            }
            t
        }
    };
    eprint!("{report}");
    Ok(exit_for(&all))
}

/// Write one unit's outputs.
fn write_unit(
    cat: &Catalogue,
    dir: &Path,
    stem: &str,
    opts: &Options,
) -> Result<Vec<std::path::PathBuf>, Error> {
    let xlsx = render::xlsx::render(cat, opts).map_err(|e| Error::Write {
        path: dir.join(format!("{stem}.xlsx")),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(vec![
        write_atomic(dir, &format!("{stem}.xlsx"), &xlsx)?,
        write_atomic(
            dir,
            &format!("{stem}.html"),
            render::html::render(cat, opts).as_bytes(),
        )?,
        write_atomic(dir, &format!("{stem}.csv"), &render::csv::render(&[cat]))?,
        write_atomic(
            dir,
            &format!("{stem}.json"),
            render::json::render(cat).as_bytes(),
        )?,
    ])
}
