//! The clerk's annotated workbook (`validate DRAFT --annotate OUT.xlsx`, and the download of
//! `gkml serve`): a copy of the draft whose faulty cells are filled in colour and carry a
//! comment with the message and the hint, after a first sheet 问题清单 listing every problem
//! with a link to its cell. This is what a department clerk can act on without reading a
//! terminal. A workbook is copied sheet for sheet; a CSV draft is written as the table read,
//! in a sheet 草稿; an HTML page or a Word file as its catalogue tables, each in a sheet 表N
//! with its cells and merges where the document's grid had them (the places diagnostics
//! name), and what stood around them in a hidden sheet that makes the copy read back as the
//! document did (`read::docbook`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, Reader};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Note, Url, Workbook};

use crate::diag::{Diagnostic, Severity};
use crate::read::document::{self, DocTable};
use crate::read::xlsx::raw_text;
use crate::read::FileType;

/// The sheet a CSV draft is written into for its annotated copy.
pub const CSV_SHEET: &str = "草稿";

/// The annotated copy of the draft at `path` (a workbook, a CSV/TSV/delimited `.txt`, an HTML
/// page or a Word file) with `diags`, its diagnostics as `validate` reports them.
///
/// # Errors
/// A message (Chinese) when the draft cannot be read or is not of a kind that has cells.
pub fn annotate_file(
    path: &Path,
    diags: &[Diagnostic],
    limits: &crate::limits::Limits,
) -> Result<Vec<u8>, String> {
    let file = crate::read::display_name(path);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("目录")
        .to_string();
    let (book, diags) = if let Some(read) = crate::load::other_workbook_sheets(path, &file, limits)
    {
        // Excel's web page of several sheets, an Excel 2003 XML workbook: the sheets as read.
        let (sheets, _) = read.map_err(|d| d.message.to_string())?;
        (sheets_as_workbook(&sheets)?, diags.to_vec())
    } else if let Some(doc) = crate::load::document_tables(path, &file, limits) {
        let (tables, what) = doc.map_err(|d| d.message.to_string())?;
        (
            document_book(&file, &tables, what, &stem, limits)?,
            diags.to_vec(),
        )
    } else {
        match crate::read::file_type(path) {
            Some(ty @ (FileType::Csv | FileType::Tsv | FileType::Text)) => {
                // A CSV's cells are named as in a sheet (B20): write the table as read into
                // one, and mark it like a workbook's.
                let sheet: Arc<str> = Arc::from(CSV_SHEET);
                let mut diags = diags.to_vec();
                for d in diags
                    .iter_mut()
                    .filter(|d| d.cell.is_some() && d.sheet.is_none())
                {
                    d.sheet = Some(sheet.clone());
                }
                (csv_as_workbook(path, &file, ty.delimiter(), limits)?, diags)
            }
            Some(FileType::Workbook) => (
                std::fs::read(path).map_err(|e| e.to_string())?,
                diags.to_vec(),
            ),
            _ => {
                return Err(
                    "批注工作簿只能由工作簿（xlsx、xls、ods）、CSV、网页（html）或 Word（doc、docx）草稿生成"
                        .into(),
                )
            }
        }
    };
    // calamine runs on the draft's bytes: a panic in it is a broken file, not a crash.
    std::panic::catch_unwind(|| annotate(book, &diags, limits))
        .unwrap_or_else(|_| Err("工作簿已损坏，无法读取".to_string()))
}

/// A CSV draft as a workbook of one sheet, cell for cell as text, each record at the row the
/// reader gives it (a blank line is an empty row, a cell with line breaks one row), so that
/// the cell a diagnostic names (E7) is the cell marked.
fn csv_as_workbook(
    path: &Path,
    file: &Arc<str>,
    delimiter: Option<u8>,
    limits: &crate::limits::Limits,
) -> Result<Vec<u8>, String> {
    let rows =
        crate::read::csv::open(path, file, delimiter, limits).map_err(|d| d.message.to_string())?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(CSV_SHEET).map_err(|e| e.to_string())?;
    // A row the reader cannot read ends the table, as it ends the reading.
    for r in rows.map_while(Result::ok) {
        let row = r.row.saturating_sub(1);
        for (c, v) in r.cells.iter().enumerate() {
            let col = u16::try_from(c).map_err(|e| e.to_string())?;
            ws.write_string(row, col, crate::render::fit_cell(v))
                .map_err(|e| e.to_string())?;
        }
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// Sheets read from a file calamine does not open (Excel's web page of several sheets, an
/// Excel 2003 XML workbook) as a workbook of the same sheets, cell for cell as text at the
/// rows and columns the reader gives them, so the cell a diagnostic names is the cell marked.
fn sheets_as_workbook(sheets: &[crate::read::xlsx::Sheet]) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name.as_ref())
            .map_err(|e| e.to_string())?;
        for r in &sheet.rows {
            let row = r.row.saturating_sub(1);
            for (c, v) in r.cells.iter().enumerate() {
                let col = u32::try_from(c)
                    .ok()
                    .and_then(|c| u16::try_from(c + r.first_column.saturating_sub(1)).ok())
                    .ok_or("列数超出工作簿上限")?;
                if !v.is_empty() {
                    ws.write_string(row, col, crate::render::fit_cell(v))
                        .map_err(|e| e.to_string())?;
                }
            }
        }
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// A document's tables as a workbook: each catalogue table (and each table that may continue
/// one) in a sheet 表N, its cells laid out as the reader lays them out, merged where one cell
/// covers several; then the hidden structure sheet. Other tables (navigation, layout,
/// signatures) are left out: nothing is read from them.
fn document_book(
    file: &Arc<str>,
    tables: &[DocTable],
    what: &str,
    unit: &str,
    limits: &crate::limits::Limits,
) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let mut facts = Vec::new();
    let mut previous: Option<usize> = None;
    for t in tables {
        // A table too large to lay out is reported by the reader; it has no cells to mark.
        let Ok((rows, merges)) = document::layout_with_merges(file, t, limits) else {
            continue;
        };
        let header = crate::read::table::column_fields(&rows[..rows.len().min(30)]).is_some();
        let continues = t.follows.is_some() && t.follows == previous && !rows.is_empty();
        if !header && !continues {
            continue;
        }
        previous = Some(t.number);
        let columns = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        facts.push(crate::read::docbook::TableFacts::of(t, rows.len(), columns));
        let ws = wb.add_worksheet();
        ws.set_name(format!("表{}", t.number))
            .map_err(|e| e.to_string())?;
        // The slots a merge covers besides its origin (bounded by the layout's cell limit).
        let mut covered = std::collections::HashSet::new();
        for m in &merges {
            for r in m.first.0..=m.last.0 {
                for c in m.first.1..=m.last.1 {
                    if (r, c) != m.first {
                        covered.insert((r, c));
                    }
                }
            }
        }
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r).map_err(|e| e.to_string())?;
            for (c, text) in row.cells.iter().enumerate() {
                let c32 = u32::try_from(c).map_err(|e| e.to_string())?;
                if text.is_empty() || covered.contains(&(r, c32)) {
                    continue;
                }
                let col = u16::try_from(c).map_err(|e| e.to_string())?;
                ws.write_string(r, col, crate::render::fit_cell(text))
                    .map_err(|e| e.to_string())?;
            }
        }
        let plain = Format::new();
        for m in &merges {
            let text = rows
                .get(m.first.0 as usize)
                .and_then(|r| r.cells.get(m.first.1 as usize))
                .unwrap_or("");
            let col = |c: u32| u16::try_from(c).map_err(|e| e.to_string());
            ws.merge_range(
                m.first.0,
                col(m.first.1)?,
                m.last.0,
                col(m.last.1)?,
                crate::render::fit_cell(text).as_ref(),
                &plain,
            )
            .map_err(|e| e.to_string())?;
        }
    }
    let structure = crate::read::docbook::Structure {
        what: what.to_string(),
        unit: unit.to_string(),
        tables: facts,
    };
    let ws = wb.add_worksheet();
    ws.set_name(crate::read::docbook::STRUCTURE_SHEET)
        .map_err(|e| e.to_string())?;
    for (r, row) in structure.rows().iter().enumerate() {
        let r = u32::try_from(r).map_err(|e| e.to_string())?;
        for (c, text) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|e| e.to_string())?;
            ws.write_string(r, c, crate::render::fit_cell(text))
                .map_err(|e| e.to_string())?;
        }
    }
    ws.set_hidden(true);
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// The first sheet of an annotated copy.
const LIST_SHEET: &str = "问题清单";

fn fill(s: Severity) -> u32 {
    match s {
        Severity::Error => 0xFFC7CE,
        Severity::Warning => 0xFFEB9C,
        Severity::Info => 0xDDEBF7,
    }
}

/// Column index (0-based) of an A1 cell name's letters.
fn col_of(cell: &str) -> Option<(u32, u16)> {
    let letters: String = cell
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let digits = &cell[letters.len()..];
    let row: u32 = digits.parse().ok()?;
    let mut col: u32 = 0;
    for c in letters.chars() {
        col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
    }
    Some((
        row.checked_sub(1)?,
        u16::try_from(col.checked_sub(1)?).ok()?,
    ))
}

/// Build the annotated copy of a workbook.
///
/// # Errors
/// A message when the workbook cannot be read or written.
pub fn annotate(
    bytes: Vec<u8>,
    diags: &[Diagnostic],
    limits: &crate::limits::Limits,
) -> Result<Vec<u8>, String> {
    let (mut wb, sheets, looks) = crate::read::xlsx::open_for_copy(bytes, limits)?;
    let mut out = Workbook::new();
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_charset(134)
        .set_font_size(10);
    let head = base
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(0xE7EEF7)
        .set_align(FormatAlign::Center);
    let body = base
        .clone()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    // The problem list first.
    let list = out.add_worksheet();
    list.set_name(LIST_SHEET).map_err(|e| e.to_string())?;
    let title = base.clone().set_bold().set_font_size(14);
    list.write_string_with_format(
        0,
        0,
        format!("问题清单（共 {} 个；点击单元格位置跳转）", diags.len()),
        &title,
    )
    .map_err(|e| e.to_string())?;
    for (c, (h, w)) in [
        ("序号", 6.0),
        ("位置", 14.0),
        ("级别", 6.0),
        ("代码", 8.0),
        ("问题", 50.0),
        ("建议", 50.0),
        ("事项", 24.0),
    ]
    .iter()
    .enumerate()
    {
        list.write_string_with_format(1, c as u16, *h, &head)
            .map_err(|e| e.to_string())?;
        list.set_column_width(c as u16, *w)
            .map_err(|e| e.to_string())?;
    }
    for (i, d) in diags.iter().enumerate() {
        let r = 2 + i as u32;
        let sev = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_background_color(fill(d.severity));
        list.write_number_with_format(r, 0, (i + 1) as f64, &body)
            .map_err(|e| e.to_string())?;
        match (&d.sheet, &d.cell) {
            (Some(s), Some(c)) => {
                let url = Url::new(format!("internal:'{}'!{c}", s.replace('\'', "''")))
                    .set_text(format!("{s}!{c}"));
                list.write_url_with_format(r, 1, url, &body)
                    .map_err(|e| e.to_string())?;
            }
            (Some(s), None) => {
                list.write_string_with_format(r, 1, s.to_string(), &body)
                    .map_err(|e| e.to_string())?;
            }
            _ => {
                list.write_string_with_format(r, 1, "（整个文件）", &body)
                    .map_err(|e| e.to_string())?;
            }
        }
        list.write_string_with_format(r, 2, d.severity.label_zh(), &sev)
            .map_err(|e| e.to_string())?;
        list.write_string_with_format(r, 3, d.code, &body)
            .map_err(|e| e.to_string())?;
        list.write_string_with_format(r, 4, &*d.message, &body)
            .map_err(|e| e.to_string())?;
        list.write_string_with_format(r, 5, d.hint.as_deref().unwrap_or(""), &body)
            .map_err(|e| e.to_string())?;
        list.write_string_with_format(r, 6, d.item.as_deref().unwrap_or(""), &body)
            .map_err(|e| e.to_string())?;
    }
    list.set_freeze_panes(2, 0).map_err(|e| e.to_string())?;
    if !diags.is_empty() {
        list.autofilter(1, 0, 1 + diags.len() as u32, 6)
            .map_err(|e| e.to_string())?;
    }
    // Then each sheet, with its faulty cells marked.
    for (name, visible) in sheets {
        // The list of an earlier annotation is replaced by this one, not copied.
        if name == LIST_SHEET {
            continue;
        }
        let Ok(range) = wb.worksheet_range(&name) else {
            continue;
        };
        let merges =
            crate::read::xlsx::merges_within(&mut wb, &name, &range, looks.merges(&name), limits)?;
        // Merged columns by row, so each cell's test looks at its own row only.
        let mut merged_in_row: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
        for m in &merges {
            for r in m.start.0..=m.end.0 {
                merged_in_row
                    .entry(r)
                    .or_default()
                    .push((m.start.1, m.end.1));
            }
        }
        let mut marks: BTreeMap<(u32, u16), Vec<&Diagnostic>> = BTreeMap::new();
        for d in diags
            .iter()
            .filter(|d| d.sheet.as_deref() == Some(name.as_str()))
        {
            if let Some(pos) = d.cell.as_deref().and_then(col_of) {
                marks.entry(pos).or_default().push(d);
            }
        }
        let ws = out.add_worksheet();
        ws.set_name(&name).map_err(|e| e.to_string())?;
        crate::read::xlsx::keep_visibility(ws, &visible);
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut widths: BTreeMap<u16, usize> = BTreeMap::new();
        let format_for = |pos: (u32, u16)| {
            let worst = marks
                .get(&pos)
                .and_then(|ds| ds.iter().map(|d| d.severity).max());
            match worst {
                Some(s) => body.clone().set_background_color(fill(s)),
                None => body.clone(),
            }
        };
        let merged_origin: Vec<(u32, u16)> = merges
            .iter()
            .map(|m| (m.start.0, m.start.1 as u16))
            .collect();
        let in_merge = |r: u32, c: u16| {
            merged_in_row.get(&r).is_some_and(|spans| {
                spans
                    .iter()
                    .any(|(a, b)| u32::from(c) >= *a && u32::from(c) <= *b)
            })
        };
        // Cells look as they did: a number keeps its format code, a cell whose format or
        // stored text showed something else than its value is written as that text.
        let looks = looks.sheet(&name, &range);
        for (i, row) in range.rows().enumerate() {
            for (j, cell) in row.iter().enumerate() {
                let pos = (r0 + i as u32, (c0 as usize + j) as u16);
                if in_merge(pos.0, pos.1) {
                    continue;
                }
                let f = format_for(pos);
                let at = (pos.0, u32::from(pos.1));
                let number = match cell {
                    Data::Float(x) => Some(*x),
                    Data::Int(x) => Some(*x as f64),
                    _ => None,
                };
                let shown = looks.text(at, cell);
                match (cell, number, looks.code(at)) {
                    (Data::Empty, ..) => {
                        if marks.contains_key(&pos) {
                            ws.write_blank(pos.0, pos.1, &f)
                                .map_err(|e| e.to_string())?;
                        }
                    }
                    (_, Some(x), Some(code)) => {
                        let f = f.clone().set_num_format(code);
                        ws.write_number_with_format(pos.0, pos.1, x, &f)
                            .map_err(|e| e.to_string())?;
                    }
                    (_, Some(x), None) if shown.is_none() => {
                        ws.write_number_with_format(pos.0, pos.1, x, &f)
                            .map_err(|e| e.to_string())?;
                    }
                    (other, ..) => {
                        let t = shown.unwrap_or_else(|| raw_text(other));
                        let w = unicode_width::UnicodeWidthStr::width(t.as_str());
                        let e = widths.entry(pos.1).or_insert(0);
                        *e = (*e).max(w.min(40));
                        ws.write_string_with_format(pos.0, pos.1, t, &f)
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
        }
        for m in &merges {
            let v = range
                .get_value(m.start)
                .map(|d| looks.text(m.start, d).unwrap_or_else(|| raw_text(d)))
                .unwrap_or_default();
            let f = format_for((m.start.0, m.start.1 as u16));
            ws.merge_range(m.start.0, m.start.1 as u16, m.end.0, m.end.1 as u16, &v, &f)
                .map_err(|e| e.to_string())?;
        }
        for (c, w) in widths {
            ws.set_column_width(c, (w as f64 * 0.55 + 2.0).clamp(6.0, 40.0))
                .map_err(|e| e.to_string())?;
        }
        for (pos, ds) in &marks {
            let text: Vec<String> = ds
                .iter()
                .map(|d| {
                    let hint = d
                        .hint
                        .as_deref()
                        .map(|h| format!("\n建议：{h}"))
                        .unwrap_or_default();
                    format!("{}[{}] {}{hint}", d.severity.label_zh(), d.code, d.message)
                })
                .collect();
            let note = Note::new(text.join("\n\n"))
                .set_author("gkml")
                .set_width(360)
                .set_height(160);
            let at = if merged_origin.contains(pos) || !in_merge(pos.0, pos.1) {
                *pos
            } else {
                merges
                    .iter()
                    .find(|m| {
                        pos.0 >= m.start.0
                            && pos.0 <= m.end.0
                            && u32::from(pos.1) >= m.start.1
                            && u32::from(pos.1) <= m.end.1
                    })
                    .map(|m| (m.start.0, m.start.1 as u16))
                    .unwrap_or(*pos)
            };
            ws.insert_note(at.0, at.1, &note)
                .map_err(|e| e.to_string())?;
        }
    }
    out.save_to_buffer().map_err(|e| e.to_string())
}
