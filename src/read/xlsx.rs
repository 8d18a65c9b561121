//! Spreadsheet drafts (.xlsx, .xlsm, .xls, .ods) through calamine. Every visible sheet with a
//! catalogue header is read; positions are the cells Excel shows.

use std::path::Path;
use std::sync::Arc;

use calamine::{open_workbook_auto, Data, Reader};

use super::table::RawRow;
use crate::diag::Diagnostic;
use crate::rules;

/// A sheet's rows.
pub struct Sheet {
    pub name: Arc<str>,
    pub rows: Vec<RawRow>,
}

/// Text of a cell as a clerk sees it: whole numbers without ".0".
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Read every visible sheet of a workbook.
///
/// # Errors
/// A GK001 diagnostic when the workbook cannot be opened.
pub fn read_sheets(path: &Path, file: &Arc<str>) -> Result<Vec<Sheet>, Diagnostic> {
    let mut wb = open_workbook_auto(path).map_err(|e| {
        Diagnostic::new(&rules::FILE_UNREADABLE, format!("无法打开工作簿：{e}"))
            .in_file(file)
            .hint("确认文件是 Excel/WPS 保存的 .xlsx/.xls/.ods，且未加密")
    })?;
    let names: Vec<String> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible == calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    let mut out = Vec::new();
    for name in names {
        let range = wb.worksheet_range(&name).map_err(|e| {
            Diagnostic::new(
                &rules::FILE_UNREADABLE,
                format!("无法读取工作表“{name}”：{e}"),
            )
            .in_file(file)
        })?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, r)| RawRow {
                cells: r.iter().map(cell_text).collect(),
                row: r0 + i as u32 + 1,
                line: None,
                first_column: c0 + 1,
            })
            .collect();
        out.push(Sheet {
            name: Arc::from(name),
            rows,
        });
    }
    Ok(out)
}
