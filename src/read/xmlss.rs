//! Excel 2003 XML Spreadsheet (SpreadsheetML): what Excel 2003 saves as "XML 表格", and what
//! many county systems still export, as `.xml` or under an `.xls` name
//! (`<?mso-application progid="Excel.Sheet"?>`,
//! `<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`). calamine does not read
//! it, so it is read here with quick-xml: each `Worksheet`'s `Table` of `Row`s of `Cell`s, a
//! cell's text the text of its `Data` (rich text runs joined, a `Comment` left out), with
//! `ss:Index` skips, `ss:MergeAcross`/`ss:MergeDown` filled as a workbook's merged cells are,
//! hidden sheets (`<x:Visible>SheetHidden</x:Visible>`) reported and not read, hidden rows and
//! hidden columns that hold something read and reported (GK018, GK021).

use std::sync::Arc;

use encoding_rs::Encoding;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::codes;
use super::table::RawRow;
use super::xlsx::Sheet;
use crate::diag::Diagnostic;
use crate::limits::Limits;

const NAMESPACE: &str = "urn:schemas-microsoft-com:office:spreadsheet";

/// The text of a file's first bytes, whatever its encoding (a BOM, or UTF-8/ASCII markup).
fn head_text(head: &[u8]) -> String {
    let head = &head[..head.len().min(4096)];
    match Encoding::for_bom(head) {
        Some((enc, n)) => enc
            .decode_without_bom_handling(head.get(n..).unwrap_or_default())
            .0
            .into_owned(),
        None => String::from_utf8_lossy(head).into_owned(),
    }
}

/// Whether a file's first bytes are an Excel 2003 XML workbook.
pub fn is_spreadsheet_ml(head: &[u8]) -> bool {
    let t = head_text(head);
    let t = t.trim_start();
    t.starts_with('<')
        && (t.contains(NAMESPACE) || t.contains("progid=\"Excel.Sheet\""))
        && t.contains("Workbook")
}

/// The file as text: its BOM, else the encoding its XML declaration names, else UTF-8 when
/// valid, else GB18030.
fn decode(bytes: &[u8]) -> String {
    if let Some((enc, n)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(bytes.get(n..).unwrap_or_default())
            .0
            .into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
    let declared = head
        .find("encoding=")
        .and_then(|at| {
            let rest = head.get(at + "encoding=".len()..)?;
            let q = rest.chars().next()?;
            rest.get(1..)?.split(q).next().map(str::to_string)
        })
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()))
        .filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE);
    match std::str::from_utf8(bytes) {
        Ok(s) if declared.is_none_or(|e| e == encoding_rs::UTF_8) || s.is_ascii() => s.to_string(),
        // Chinese text in GBK is practically never valid UTF-8: valid UTF-8 is UTF-8.
        Ok(s) => s.to_string(),
        Err(_) => declared
            .unwrap_or(encoding_rs::GB18030)
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// An attribute by its local name (`ss:Index` and `Index` alike), unescaped.
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        let local = key.rsplit(':').next().unwrap_or(key);
        (local == name).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

fn num(e: &BytesStart, name: &str) -> Option<u64> {
    attr(e, name).and_then(|v| v.trim().parse::<u64>().ok())
}

fn flag(e: &BytesStart, name: &str) -> bool {
    attr(e, name).is_some_and(|v| matches!(v.trim(), "1" | "true"))
}

/// A `Data` value as Excel shows it by default: a whole number without `.0`, a boolean as
/// TRUE/FALSE, a date without its midnight time.
fn shown(kind: &str, text: String) -> String {
    match kind {
        "Boolean" => match text.trim() {
            "1" | "true" => "TRUE".into(),
            "0" | "false" => "FALSE".into(),
            _ => text,
        },
        "Number" => match text.trim().parse::<f64>() {
            Ok(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => text,
        },
        "DateTime" => {
            let t = text.trim();
            let t = t.strip_suffix(".000").unwrap_or(t);
            match t.split_once('T') {
                Some((d, "00:00:00")) => d.to_string(),
                Some((d, time)) => {
                    let time = time.strip_suffix(":00").unwrap_or(time);
                    format!("{d} {time}")
                }
                None => t.to_string(),
            }
        }
        _ => text,
    }
}

/// One worksheet as it is read.
#[derive(Default)]
struct Ws {
    name: String,
    hidden: bool,
    /// Rows (0-based index → cells), in order of their index.
    rows: Vec<(u64, Vec<String>)>,
    /// Merged regions: first row and column (0-based), rows and columns covered.
    merges: Vec<(u64, u64, u64, u64)>,
    hidden_rows: Vec<u64>,
    hidden_cols: Vec<(u64, u64)>,
}

fn too_large(file: &Arc<str>, msg: String) -> Diagnostic {
    Diagnostic::new(&codes::INPUT_TOO_LARGE, msg)
        .in_file(file)
        .hint("拆分文件，或用 --max-rows 提高上限；这也可能是损坏的文件")
}

fn broken(file: &Arc<str>, e: impl std::fmt::Display, at: u64) -> Diagnostic {
    Diagnostic::new(
        &codes::FILE_UNREADABLE,
        format!("Excel 2003 XML 工作簿格式错误（第 {at} 字节附近）：{e}"),
    )
    .in_file(file)
    .hint("用 Excel/WPS 打开后另存为 .xlsx 再试")
}

/// Read every visible sheet of an Excel 2003 XML workbook.
///
/// # Errors
/// GK001 for markup that cannot be parsed; GK013 for a sheet beyond the reading limits.
pub fn read_bytes(
    bytes: &[u8],
    file: &Arc<str>,
    limits: &Limits,
) -> Result<(Vec<Sheet>, Vec<Diagnostic>), Diagnostic> {
    let text = decode(bytes);
    let mut r = Reader::from_str(&text);
    let mut sheets: Vec<Ws> = Vec::new();
    let mut ws: Option<Ws> = None;
    // The current row (0-based) and its cells; the next row's and cell's default index.
    let mut row: Option<(u64, Vec<String>)> = None;
    let (mut next_row, mut next_col, mut next_column) = (0u64, 0u64, 0u64);
    // The current cell's column, and its Data: its type and text.
    let mut cell_col: Option<u64> = None;
    let mut data: Option<(String, String)> = None;
    // Depth inside a Comment (whose Data is not the cell's), and inside <x:Visible>.
    let mut comment = 0usize;
    let mut visible = false;
    let max_cols = limits.max_columns as u64;
    // Cells held so far (every sheet), bounded as a workbook's are.
    let mut allocated = 0u64;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| broken(file, e, r.buffer_position()))?;
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let e: &BytesStart = e;
                let name = e.local_name();
                match name.as_ref() {
                    "Worksheet" => {
                        ws = Some(Ws {
                            name: attr(e, "Name")
                                .unwrap_or_else(|| format!("Sheet{}", sheets.len() + 1)),
                            ..Ws::default()
                        });
                        (next_row, next_column) = (0, 0);
                    }
                    "Column" => {
                        let at = num(e, "Index").map_or(next_column, |i| i.saturating_sub(1));
                        let span = num(e, "Span").unwrap_or(0).min(max_cols);
                        if let (Some(w), true) = (ws.as_mut(), flag(e, "Hidden")) {
                            if w.hidden_cols.len() < 16_384 {
                                w.hidden_cols.push((at, at.saturating_add(span)));
                            }
                        }
                        next_column = at.saturating_add(span).saturating_add(1);
                    }
                    "Row" => {
                        let at = num(e, "Index").map_or(next_row, |i| i.saturating_sub(1));
                        if at >= limits.max_rows {
                            return Err(too_large(
                                file,
                                format!("表格超过 {} 行的读取上限", limits.max_rows),
                            ));
                        }
                        if let (Some(w), true) = (ws.as_mut(), flag(e, "Hidden")) {
                            if w.hidden_rows.len() < 1_000_000 {
                                w.hidden_rows.push(at);
                            }
                        }
                        next_row = at + 1;
                        next_col = 0;
                        row = Some((at, Vec::new()));
                        if empty {
                            if let (Some(w), Some(rw)) = (ws.as_mut(), row.take()) {
                                w.rows.push(rw);
                            }
                        }
                    }
                    "Cell" => {
                        let at = num(e, "Index").map_or(next_col, |i| i.saturating_sub(1));
                        let across = num(e, "MergeAcross").unwrap_or(0).min(max_cols);
                        let down = num(e, "MergeDown").unwrap_or(0).min(limits.max_rows);
                        if at.saturating_add(across) >= max_cols {
                            return Err(too_large(
                                file,
                                format!("第{}行的列数超过 {max_cols} 列的读取上限", next_row),
                            ));
                        }
                        if across > 0 || down > 0 {
                            if let Some(w) = ws.as_mut() {
                                if w.merges.len() < 1_000_000 {
                                    w.merges.push((
                                        next_row.saturating_sub(1),
                                        at,
                                        down + 1,
                                        across + 1,
                                    ));
                                }
                            }
                        }
                        next_col = at + across + 1;
                        cell_col = (!empty).then_some(at);
                    }
                    "Data" if comment == 0 && cell_col.is_some() && !empty => {
                        data = Some((attr(e, "Type").unwrap_or_default(), String::new()));
                    }
                    "Comment" if !empty => comment += 1,
                    "Visible" if !empty => visible = true,
                    // A line break in rich text.
                    "Br" | "br" => {
                        if let Some((_, t)) = data.as_mut() {
                            t.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some((_, s)) = data.as_mut() {
                    s.push_str(&t.xml10_content());
                } else if visible {
                    let v = t.xml10_content();
                    if let (Some(w), true) = (
                        ws.as_mut(),
                        v.trim().starts_with("SheetHidden") || v.trim() == "SheetVeryHidden",
                    ) {
                        w.hidden = true;
                    }
                }
            }
            Event::CData(t) => {
                if let Some((_, s)) = data.as_mut() {
                    s.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(e) => {
                if let Some((_, s)) = data.as_mut() {
                    match e.resolve_char_ref() {
                        Ok(Some(c)) => s.push(c),
                        _ => s.push_str(match &*e {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "",
                        }),
                    }
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "Data" if comment == 0 => {
                    if let (Some((kind, t)), Some(c), Some((_, cells))) =
                        (data.take(), cell_col, row.as_mut())
                    {
                        let t = shown(&kind, t);
                        let c = c as usize;
                        if cells.len() <= c {
                            allocated = allocated.saturating_add((c + 1 - cells.len()) as u64);
                            if allocated > limits.max_sheet_cells {
                                return Err(too_large(
                                    file,
                                    format!(
                                        "工作簿的单元格超过 {} 个的读取上限",
                                        limits.max_sheet_cells
                                    ),
                                ));
                            }
                            cells.resize(c + 1, String::new());
                        }
                        if t.chars().count() > limits.max_cell_chars {
                            return Err(Diagnostic::new(
                                &codes::CELL_TOO_LONG,
                                format!("单元格超过 {} 个字符的上限", limits.max_cell_chars),
                            )
                            .in_file(file));
                        }
                        cells[c] = t;
                    }
                }
                "Cell" => {
                    cell_col = None;
                    data = None;
                }
                "Comment" => comment = comment.saturating_sub(1),
                "Visible" => visible = false,
                "Row" => {
                    if let (Some(w), Some(rw)) = (ws.as_mut(), row.take()) {
                        w.rows.push(rw);
                    }
                }
                "Worksheet" => {
                    if let Some(w) = ws.take() {
                        sheets.push(w);
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    if let Some(w) = ws.take() {
        sheets.push(w);
    }
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for w in sheets {
        let sheet_diag = |rule: &'static crate::diag::Rule, msg: String, hint: &'static str| {
            let mut d = Diagnostic::new(rule, msg).in_file(file).hint(hint);
            d.sheet = Some(Arc::from(w.name.as_str()));
            d
        };
        if w.hidden {
            diags.push(sheet_diag(
                &codes::HIDDEN_SHEET,
                format!("工作表“{}”是隐藏的，未读取", w.name),
                "如其中有目录事项，在 Excel/WPS 中取消隐藏（右键工作表标签 → 取消隐藏）",
            ));
            continue;
        }
        let Some(rows) = grid(&w, limits) else {
            return Err(too_large(
                file,
                format!(
                    "工作表“{}”的行列超过 {} 个单元格的读取上限",
                    w.name, limits.max_sheet_cells
                ),
            ));
        };
        if rows
            .iter()
            .all(|r| r.cells.iter().all(|c| c.trim().is_empty()))
        {
            diags.push(sheet_diag(
                &codes::EMPTY_SHEET,
                format!("工作表“{}”是空的", w.name),
                "无需处理；如不需要可删除该工作表",
            ));
            continue;
        }
        let filled_rows: std::collections::HashSet<u64> = rows
            .iter()
            .filter(|row| row.cells.iter().any(|c| !c.trim().is_empty()))
            .map(|row| u64::from(row.row))
            .collect();
        let filled = |r: u64| filled_rows.contains(&(r + 1));
        let hidden_rows: Vec<u64> = w
            .hidden_rows
            .iter()
            .copied()
            .filter(|&r| filled(r))
            .map(|r| r + 1)
            .collect();
        if !hidden_rows.is_empty() {
            diags.push(super::xlsx::hidden_rows_warning(
                file,
                &w.name,
                hidden_rows.len() as u64,
                &hidden_rows[..hidden_rows.len().min(6)],
            ));
        }
        let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0) as u64;
        let mut hidden_cols: Vec<(u32, String)> = Vec::new();
        for c in 0..width {
            if !w.hidden_cols.iter().any(|&(a, b)| a <= c && c <= b) {
                continue;
            }
            let first = rows.iter().find(|r| {
                r.cells.get(c as usize).is_some_and(|v| {
                    !v.trim().is_empty() && !r.merged.get(c as usize).copied().unwrap_or(false)
                })
            });
            if let Some(r) = first {
                hidden_cols.push((c as u32, crate::diag::cell_name(r.row, c as u32 + 1)));
            }
        }
        if !hidden_cols.is_empty() {
            diags.push(super::xlsx::hidden_columns_warning(
                file,
                &w.name,
                &hidden_cols,
            ));
        }
        out.push(Sheet {
            name: Arc::from(w.name),
            rows,
        });
    }
    Ok((out, diags))
}

/// A worksheet's rows: those it writes, and those a cell merged down covers (Excel leaves
/// out a row with nothing else in it), in order; rows it skips (`ss:Index`) with nothing in
/// them are left out, as blank lines of a CSV are, their numbers kept. Merged cells are
/// filled with their value in every cell they cover. `None` when the rows and columns
/// would hold more cells than a sheet may.
fn grid(w: &Ws, limits: &Limits) -> Option<Vec<RawRow>> {
    use std::collections::BTreeMap;
    let mut rows: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for (r, cells) in &w.rows {
        let row = rows.entry(*r).or_default();
        // A row index repeated: the cells written later win, as Excel reads them.
        for (c, v) in cells.iter().enumerate() {
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            if !v.is_empty() {
                row[c].clone_from(v);
            }
        }
    }
    let width = rows.values().map(Vec::len).max().unwrap_or(0) as u64;
    let last = rows.keys().next_back().copied().unwrap_or(0);
    let mut merged: BTreeMap<u64, Vec<bool>> = BTreeMap::new();
    let mut cells = (rows.len() as u64).saturating_mul(width.max(1));
    for &(r0, c0, down, across) in &w.merges {
        let value = rows
            .get(&r0)
            .and_then(|r| r.get(c0 as usize))
            .cloned()
            .unwrap_or_default();
        if value.is_empty() {
            continue;
        }
        // Rows below the last written row hold nothing else: they are not made.
        for r in r0..r0.saturating_add(down).min(last.saturating_add(1)) {
            if !rows.contains_key(&r) {
                cells = cells.saturating_add(width.max(1));
                if cells > limits.max_sheet_cells {
                    return None;
                }
            }
            let row = rows.entry(r).or_default();
            let flags = merged.entry(r).or_default();
            for c in c0..c0.saturating_add(across) {
                let ci = c as usize;
                if (r, c) == (r0, c0) {
                    continue;
                }
                if row.len() <= ci {
                    row.resize(ci + 1, String::new());
                }
                if row[ci].is_empty() {
                    row[ci].clone_from(&value);
                    if flags.len() <= ci {
                        flags.resize(ci + 1, false);
                    }
                    flags[ci] = true;
                }
            }
        }
    }
    if cells > limits.max_sheet_cells {
        return None;
    }
    // Every row as wide as the widest, as a sheet's range is.
    let width = rows.values().map(Vec::len).max().unwrap_or(0);
    Some(
        rows.into_iter()
            .map(|(r, mut cells)| {
                cells.resize(width, String::new());
                RawRow {
                    cells: cells.into(),
                    row: u32::try_from(r + 1).unwrap_or(u32::MAX),
                    line: None,
                    first_column: 1,
                    merged: merged.remove(&r).unwrap_or_default(),
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_excel_shows_them() {
        assert_eq!(shown("Number", "20".into()), "20");
        assert_eq!(shown("Number", "1.5".into()), "1.5");
        assert_eq!(shown("Boolean", "1".into()), "TRUE");
        assert_eq!(shown("Boolean", "0".into()), "FALSE");
        assert_eq!(
            shown("DateTime", "2025-01-31T00:00:00.000".into()),
            "2025-01-31"
        );
        assert_eq!(
            shown("DateTime", "2025-01-31T09:30:00.000".into()),
            "2025-01-31 09:30"
        );
    }

    #[test]
    fn a_workbook_is_recognised_by_its_namespace() {
        assert!(is_spreadsheet_ml(
            b"<?xml version=\"1.0\"?>\r\n<?mso-application progid=\"Excel.Sheet\"?>\r\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"
        ));
        assert!(!is_spreadsheet_ml(b"<?xml version=\"1.0\"?><project/>"));
    }
}
