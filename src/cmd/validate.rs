//! `gkml validate PATH…`: read every input, run every rule, print the diagnostics (text or the
//! JSON of DOMAIN.md §6) and exit 0, 1 or 2. Every input is processed even when one fails.

use std::path::PathBuf;

use crate::catalogues::Store;
use crate::cli::DiagFormat;
use crate::diag::{self, Summary};
use crate::error::Error;
use crate::read::{self, FileRead};
use crate::rules;

use super::{exit_for, print_out, Exit};

/// Read one command-line path: a folder (recursively), a county project, or a file.
pub fn read_path(path: &std::path::Path, store: &Store) -> Vec<FileRead> {
    if path.is_dir() {
        read::read_dir(path, store)
    } else if path.file_name().is_some_and(|n| n == "county.toml") {
        read::read_project(path, store)
    } else {
        vec![read::read_file(path, store, None)]
    }
}

/// Run `validate`.
///
/// # Errors
/// Only when the report cannot be written.
pub fn run(paths: &[PathBuf], format: DiagFormat, store: &Store) -> Result<Exit, Error> {
    let mut all = Vec::new();
    let mut summary = Summary::default();
    for p in paths {
        for fr in read_path(p, store) {
            summary.files += 1;
            all.extend(fr.diags);
            for cat in &fr.catalogues {
                summary.items += cat.item_count();
                all.extend(rules::check(cat));
            }
        }
    }
    diag::sort(&mut all);
    summary.count(&all);
    match format {
        DiagFormat::Json => print_out(&(diag::to_json(&all, &summary) + "\n"))?,
        DiagFormat::Text => {
            let mut text = diag::to_text(&all);
            text.push_str(&diag::summary_line(&summary));
            text.push('\n');
            print_out(&text)?;
        }
    }
    Ok(exit_for(&all))
}
