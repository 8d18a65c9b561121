//! `gkml import DRAFT [-o PATH]`: read a draft and write the unit catalogue TOML that
//! compiles to the same items: the reference catalogues plus this unit's differences.
//! Problems found while reading are shown on stderr; the exit code is 2 only when the draft
//! could not be read (its content problems are for `validate`).

use std::path::{Path, PathBuf};

use crate::catalogues::Store;
use crate::diag::{self, Severity};
use crate::error::Error;
use crate::fsutil::{safe_file_name, write_atomic};
use crate::import::{to_unit_toml, UnitHints};
use crate::limits::Limits;
use crate::load;

use super::{print_out, Exit};

/// Run `import`.
///
/// # Errors
/// [`Error::Usage`] when several units would go to one file; [`Error::Write`] when the
/// output cannot be written.
pub fn run(
    draft: &Path,
    output: Option<&Path>,
    hints: &UnitHints,
    store: &Store,
    limits: &Limits,
) -> Result<Exit, Error> {
    let fr = load::read_file(draft, store, None, limits);
    let mut diags = fr.diags;
    diag::sort(&mut diags);
    if !diags.is_empty() {
        eprint!("{}", crate::print::to_text(&diags));
    }
    let unreadable = diags
        .iter()
        .any(|d| d.severity == Severity::Error && d.code.starts_with("GK0"));
    if unreadable || fr.catalogues.is_empty() {
        return Ok(Exit::Unreadable);
    }
    let source = draft
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let n = fr.catalogues.len();
    let to_dir = output.is_some_and(|p| p.is_dir() || p.extension().is_none());
    if n > 1 && !to_dir {
        return Err(Error::Usage(format!(
            "草稿中有 {n} 个单位（单位列），请用 -o 指定一个文件夹，每个单位写一个 TOML 文件"
        )));
    }
    // Several units share the draft, so the names given for one unit are not theirs.
    let unit_hints = if n > 1 {
        UnitHints {
            name: None,
            full_name: None,
            ..hints.clone()
        }
    } else {
        hints.clone()
    };
    let planned: Vec<PathBuf> = fr
        .catalogues
        .iter()
        .filter_map(|cat| match output {
            None => None,
            Some(p) if to_dir => Some(p.join(format!(
                "{}.toml",
                safe_file_name(&crate::import::unit_of(cat, &unit_hints).name)
            ))),
            Some(p) => Some(p.to_path_buf()),
        })
        .collect();
    crate::fsutil::guard_outputs(&[draft], &planned)?;
    for (k, cat) in fr.catalogues.iter().enumerate() {
        let text = to_unit_toml(cat, &unit_hints, store, &source);
        match planned.get(k) {
            None => print_out(&text)?,
            Some(p) => {
                let (dir, name) = crate::fsutil::split_output(p);
                let written = write_atomic(dir, &name, text.as_bytes())?;
                eprintln!("已写出 {}", written.display());
            }
        }
    }
    Ok(Exit::Ok)
}
