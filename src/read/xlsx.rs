//! Spreadsheet drafts (.xlsx, .xlsm, .xls, .ods) through calamine. Every visible sheet is
//! read; hidden and empty sheets are reported, not silently dropped. Merged cells (xlsx, xls)
//! are filled with their value in every cell they cover, so a 一级事项 merged over five rows
//! reads as five rows of that 一级事项; positions are the cells Excel shows.

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use calamine::{open_workbook_auto_from_rs, Data, Dimensions, Range, Reader, Sheets};

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

/// What the first bytes of a file say it is, for a message when calamine cannot open it.
fn sniff(bytes: &[u8]) -> &'static str {
    let head: Vec<u8> = bytes
        .iter()
        .copied()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(16)
        .collect();
    let lower = String::from_utf8_lossy(&head).to_ascii_lowercase();
    if bytes.is_empty() {
        "文件为空（0 字节）"
    } else if lower.starts_with("<!doctype") || lower.starts_with("<html") || lower.starts_with('<')
    {
        "这是一个网页（HTML）文件，只是扩展名为表格：常见于从政府网站“下载”得到的文件。请用 Excel/WPS 打开后另存为 .xlsx"
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        "文件是旧版 Excel 格式或已加密（设置了打开密码）：如有密码，请在 Excel/WPS 中取消密码后另存为 .xlsx"
    } else if bytes.starts_with(b"PK") {
        "文件是压缩包，但不是完整的工作簿（可能已损坏或下载不完整）"
    } else {
        "文件不是 Excel/WPS 工作簿"
    }
}

/// Open a workbook by its content, so an extension that lies (an .xls that is really .xlsx,
/// an upper-case .XLSX) does not matter.
fn open(path: &Path, file: &Arc<str>) -> Result<Sheets<Cursor<Vec<u8>>>, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(&rules::FILE_UNREADABLE, format!("无法读取文件：{e}"))
            .in_file(file)
            .hint("检查路径和文件权限")
    })?;
    // From memory, by content: the extension may lie (an .xls that is really .xlsx).
    open_workbook_auto_from_rs(Cursor::new(bytes.clone())).map_err(|e| {
        Diagnostic::new(
            &rules::FILE_UNREADABLE,
            format!("无法打开工作簿：{}", sniff(&bytes)),
        )
        .in_file(file)
        .hint(format!("读取器报告：{e}"))
    })
}

fn merges(wb: &mut Sheets<Cursor<Vec<u8>>>, name: &str) -> Vec<Dimensions> {
    match wb {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Rows of a range with merged regions filled in.
fn rows_of(range: &Range<Data>, merged: &[Dimensions]) -> Vec<RawRow> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<RawRow> = range
        .rows()
        .enumerate()
        .map(|(i, r)| RawRow {
            cells: r.iter().map(cell_text).collect(),
            row: r0 + i as u32 + 1,
            line: None,
            first_column: c0 + 1,
            merged: Vec::new(),
        })
        .collect();
    for m in merged {
        let value = range.get_value(m.start).map(cell_text).unwrap_or_default();
        if value.is_empty() {
            continue;
        }
        for r in m.start.0..=m.end.0 {
            let Some(row) = r.checked_sub(r0).and_then(|i| rows.get_mut(i as usize)) else {
                continue;
            };
            for c in m.start.1..=m.end.1 {
                let Some(ci) = c.checked_sub(c0) else {
                    continue;
                };
                let is_origin = (r, c) == m.start;
                if let Some(cell) = row.cells.get_mut(ci as usize) {
                    if cell.is_empty() && !is_origin {
                        cell.clone_from(&value);
                        if row.merged.len() <= ci as usize {
                            row.merged.resize(ci as usize + 1, false);
                        }
                        row.merged[ci as usize] = true;
                    }
                }
            }
        }
    }
    rows
}

/// Read every visible sheet of a workbook. Hidden sheets are not read (they usually hold
/// scratch data); each gets a warning, each empty sheet an info.
///
/// # Errors
/// A GK001 diagnostic when the workbook cannot be opened, saying what the file really is.
pub fn read_sheets(
    path: &Path,
    file: &Arc<str>,
) -> Result<(Vec<Sheet>, Vec<Diagnostic>), Diagnostic> {
    let mut wb = open(path, file)?;
    let meta: Vec<(String, bool)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == calamine::SheetVisible::Visible))
        .collect();
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (name, visible) in meta {
        let sheet_diag = |rule: &rules::Rule, msg: String, hint: &str| {
            let mut d = Diagnostic::new(rule, msg).in_file(file).hint(hint);
            d.sheet = Some(Arc::from(name.as_str()));
            d
        };
        if !visible {
            diags.push(sheet_diag(
                &rules::HIDDEN_SHEET,
                format!("工作表“{name}”是隐藏的，未读取"),
                "如其中有目录事项，在 Excel/WPS 中取消隐藏（右键工作表标签 → 取消隐藏）",
            ));
            continue;
        }
        let range = wb.worksheet_range(&name).map_err(|e| {
            Diagnostic::new(
                &rules::FILE_UNREADABLE,
                format!("无法读取工作表“{name}”：{e}"),
            )
            .in_file(file)
        })?;
        let merged = merges(&mut wb, &name);
        let rows = rows_of(&range, &merged);
        if rows
            .iter()
            .all(|r| r.cells.iter().all(|c| c.trim().is_empty()))
        {
            diags.push(sheet_diag(
                &rules::EMPTY_SHEET,
                format!("工作表“{name}”是空的"),
                "无需处理；如不需要可删除该工作表",
            ));
            continue;
        }
        out.push(Sheet {
            name: Arc::from(name),
            rows,
        });
    }
    Ok((out, diags))
}
