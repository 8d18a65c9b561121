//! `gkml validate PATH…`: read every input, run every rule, print the diagnostics (text or the
//! JSON of DOMAIN.md §6) and exit 0, 1 or 2. Every input is processed even when one fails. A
//! county project (a folder with county.toml, anywhere under a folder argument) is checked as
//! a whole: its units inherit its county and its responsibility table finds coverage gaps.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::catalogues::Store;
use crate::cli::DiagFormat;
use crate::diag::{self, Diagnostic, Summary};
use crate::error::Error;
use crate::project;
use crate::read;
use crate::rules;

use super::compile::project_file;
use super::{exit_for, print_out, Exit};

/// Diagnostics and counts of one or more inputs.
#[derive(Default)]
struct Checked {
    files: usize,
    items: usize,
    diags: Vec<Diagnostic>,
}

impl Checked {
    fn file(&mut self, path: &Path, store: &Store) {
        let fr = read::read_file(path, store, None);
        self.files += 1;
        self.diags.extend(fr.diags);
        for cat in &fr.catalogues {
            self.items += cat.item_count();
            self.diags.extend(rules::check(cat));
        }
    }

    /// Check a project; returns the unit files it covers.
    fn project(&mut self, county_toml: &Path, store: &Store) -> Vec<PathBuf> {
        match project::load(county_toml, store, &|| {}) {
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
pub fn run(paths: &[PathBuf], format: DiagFormat, store: &Store) -> Result<Exit, Error> {
    let mut c = Checked::default();
    for p in paths {
        if let Some(ct) = project_file(p) {
            c.project(&ct, store);
        } else if p.is_dir() {
            let files = read::walk(p);
            let mut covered: HashSet<PathBuf> = HashSet::new();
            for ct in files
                .iter()
                .filter(|f| f.file_name().is_some_and(|n| n == "county.toml"))
            {
                covered.insert(canonical(ct));
                covered.extend(c.project(ct, store).iter().map(|u| canonical(u)));
            }
            for f in files.iter().filter(|f| !covered.contains(&canonical(f))) {
                c.file(f, store);
            }
        } else {
            c.file(p, store);
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

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}
