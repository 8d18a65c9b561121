//! Diagnostics: problems found in the user's data, with the place they were found, and their
//! text and JSON renderings (DOMAIN.md §6). Producers (readers, rules) only collect them;
//! printing lives here.

use std::fmt::Write as _;
use std::sync::Arc;

use serde::Serialize;

use crate::model::{Field, Item, Loc, Place};
use crate::rules::Rule;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem in the user's data. Field names and order are the JSON contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: Option<Arc<str>>,
    pub sheet: Option<Arc<str>>,
    pub cell: Option<String>,
    pub row: Option<u32>,
    pub column: Option<u32>,
    pub line: Option<u32>,
    pub field: Option<Field>,
    pub item: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic for `rule` with its default severity and no place yet.
    pub fn new(rule: &Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            code: rule.code,
            severity: rule.severity,
            message: message.into(),
            file: None,
            sheet: None,
            cell: None,
            row: None,
            column: None,
            line: None,
            field: None,
            item: None,
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn field(mut self, field: Field) -> Self {
        self.field = Some(field);
        self
    }

    pub fn in_file(mut self, file: &Arc<str>) -> Self {
        self.file = Some(Arc::clone(file));
        self
    }

    /// Set file and place from a location.
    pub fn at(mut self, loc: Option<&Loc>) -> Self {
        if let Some(loc) = loc {
            self.file = Some(Arc::clone(&loc.file));
            self.place(&loc.place);
        }
        self
    }

    fn place(&mut self, place: &Place) {
        match place {
            Place::None => {}
            Place::Text { line, column } => {
                self.line = Some(*line);
                self.column = Some(*column);
            }
            Place::Cell {
                sheet,
                row,
                column,
                line,
            } => {
                self.sheet = sheet.clone();
                self.row = Some(*row);
                self.column = Some(*column);
                self.cell = Some(cell_name(*row, *column));
                self.line = *line;
            }
        }
    }

    /// Point at an item's field: its place, field and `category/name`.
    pub fn on(self, item: &Item, field: Field) -> Self {
        let mut d = self.at(item.loc_of(field)).field(field);
        d.item = Some(item.label());
        d
    }

    fn sort_key(&self) -> (Option<&str>, u32, &str, u32, u32, &str) {
        (
            self.file.as_deref(),
            self.row.or(self.line).unwrap_or(0),
            self.code,
            self.column.unwrap_or(0),
            self.line.unwrap_or(0),
            &self.message,
        )
    }
}

/// The A1 name of a cell: row 7, column 5 → "E7".
pub fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &row.to_string()
}

/// Counts for the JSON `summary` and the final text line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub items: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn count(&mut self, diags: &[Diagnostic]) {
        for d in diags {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }
}

/// Sort diagnostics as the contract says: by file, row, code (then column, line, message, so
/// the order is total and output is byte-identical across runs).
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// The `--format json` document of `validate`.
pub fn to_json(diags: &[Diagnostic], summary: &Summary) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        diagnostics: &'a [Diagnostic],
        summary: &'a Summary,
    }
    // Serialising plain data to a String cannot fail.
    serde_json::to_string_pretty(&Doc {
        diagnostics: diags,
        summary,
    })
    .unwrap_or_default()
}

/// The human rendering: one block per diagnostic, in Chinese, with the place first so editors
/// and terminals can jump to it.
pub fn to_text(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let _ = write!(out, "{}", d.file.as_deref().unwrap_or("-"));
        if let Some(sheet) = &d.sheet {
            let _ = write!(out, ":{sheet}!{}", d.cell.as_deref().unwrap_or(""));
        } else if let (Some(row), Some(cell)) = (d.row, &d.cell) {
            let _ = write!(out, ":第{row}行 {cell}");
        } else if let Some(line) = d.line {
            let _ = write!(out, ":{line}");
            if let Some(col) = d.column {
                let _ = write!(out, ":{col}");
            }
        }
        let _ = writeln!(out, ": {}[{}] {}", d.severity.label_zh(), d.code, d.message);
        if let Some(item) = &d.item {
            let _ = writeln!(out, "    事项：{item}");
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "    建议：{hint}");
        }
    }
    out
}

/// The closing line of a text report.
pub fn summary_line(s: &Summary) -> String {
    format!(
        "共检查 {} 个文件、{} 个事项：{} 个错误，{} 个警告，{} 个提示",
        s.files, s.items, s.errors, s.warnings, s.infos
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(7, 5), "E7");
        assert_eq!(cell_name(1, 26), "Z1");
        assert_eq!(cell_name(3, 27), "AA3");
        assert_eq!(cell_name(10, 52), "AZ10");
    }
}
