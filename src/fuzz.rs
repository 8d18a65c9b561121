//! Entry points for fuzzing: each takes arbitrary input and runs one reader or parser the
//! whole way through (read, resolve, check), as `gkml` would. The cargo-fuzz targets in
//! `fuzz/` call them (nightly), and so do the property tests and the corpus replay in
//! `tests/fuzz.rs` (stable), so any input that ever crashed one stays a test.

use std::path::Path;
use std::sync::Arc;

use crate::catalogues::Store;
use crate::limits::Limits;
use crate::read::{csv, table, toml, xlsx};
use crate::rules;

fn name(n: &str) -> Arc<str> {
    Arc::from(n)
}

/// The fuzz targets read under the command line's default limits.
const LIMITS: Limits = Limits::DEFAULT;

/// A TOML catalogue (reference, unit or project).
pub fn toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if crate::limits::toml_depth(text) > LIMITS.max_toml_depth {
        return;
    }
    let (doc, _) = toml::parse(&name("fuzz.toml"), text, Path::new("."));
    match doc {
        Some(toml::TomlDoc::Unit(spec)) => {
            let (cat, _) = crate::resolve::resolve(&spec, Store::embedded());
            let _ = rules::check(&cat, &rules::Context::default());
            let _ = crate::render::csv::render(&[&cat]);
        }
        Some(toml::TomlDoc::Reference(cat)) => {
            let _ = rules::check(&cat, &rules::Context::default());
        }
        _ => {}
    }
    let _ = crate::fix::fix_toml(text);
}

/// A CSV draft in any encoding.
pub fn csv(data: &[u8]) {
    let file = name("fuzz.csv");
    let Ok(rows) = csv::from_reader(
        Box::new(std::io::Cursor::new(data.to_vec())),
        &file,
        // The delimiter (comma, tab or semicolon) is read from the text, as for a `.csv`.
        None,
        &LIMITS,
    ) else {
        return;
    };
    let (cats, _) = table::read_rows(&file, None, rows, "fuzz", &LIMITS);
    for c in &cats {
        let _ = rules::check(c, &rules::Context::default());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::fix::fix_csv_text(text, b',');
    }
}

/// A spreadsheet (xlsx, xls, ods, Excel 2003 XML) held in memory.
pub fn workbook(data: &[u8]) {
    let file = name("fuzz.xlsx");
    let read = if crate::read::xmlss::is_spreadsheet_ml(data) {
        crate::read::xmlss::read_bytes(data, &file, &LIMITS)
    } else {
        xlsx::read_sheets_from_bytes(data.to_vec(), &file, &LIMITS)
    };
    if let Ok((sheets, _)) = read {
        for s in sheets {
            let (cats, _) = table::read_rows(
                &file,
                Some(s.name.clone()),
                s.rows.into_iter().map(Ok),
                "fuzz",
                &LIMITS,
            );
            for c in &cats {
                let _ = rules::check(c, &rules::Context::default());
            }
        }
    }
}

/// A document's tables through the one table reader and every rule.
fn check_tables(
    file: &Arc<str>,
    tables: Result<Vec<crate::read::document::DocTable>, crate::diag::Diagnostic>,
    what: &str,
) {
    if let Ok(tables) = tables {
        let (cats, _) = crate::read::document::read_tables(file, tables, "fuzz", what, &LIMITS);
        for c in &cats {
            let _ = rules::check(c, &rules::Context::default());
        }
    }
}

/// An HTML page (a portal page, an .xls that is really HTML), the whole way from bytes to
/// checked catalogues.
pub fn html(data: &[u8]) {
    let file = name("fuzz.html");
    check_tables(&file, crate::read::html::read_bytes(data, &file), "网页");
}

/// A Word document (.docx) held in memory.
pub fn docx(data: &[u8]) {
    let file = name("fuzz.docx");
    let tables = crate::read::docx::read_bytes(data, &file, &LIMITS);
    check_tables(&file, tables, "Word 文档");
}

/// A Word 97–2003 document (.doc) held in memory.
pub fn doc(data: &[u8]) {
    let file = name("fuzz.doc");
    let tables = crate::read::doc::read_bytes(data, &file, &LIMITS);
    check_tables(&file, tables, "Word 文档");
}

/// A 公开时限.
pub fn deadline(text: &str) {
    let p = crate::deadline::parse(text);
    let _ = (p.is_readable(), p.max_working_days(), p.annual_dates());
}

/// A 公开依据: titles, brackets, 文号 years, and the fix of all of them.
pub fn citation(text: &str) {
    let _ = rules::cited_titles(text);
    let _ = rules::misbracketed_years(text);
    let _ = crate::fix::fix_text(crate::model::Field::Basis, text);
    let _ = crate::read::clean::clean_cell(text);
    let _ = crate::model::Channel::parse_list(text);
}
