//! A document's tables kept in a workbook. The annotated copy of an HTML page or a Word draft
//! (`validate --annotate`, the download of `gkml serve`) writes each catalogue table into a
//! sheet 表N, its cells and merged cells where the document's grid had them, so that the
//! problem list's places (`表2!E7`) are the sheet's cells. What stood around the tables and
//! is not a cell of any (the title paragraph, the domain heading, the caption, a table
//! continued after a page break) is kept in a hidden sheet 文档结构. A workbook with that sheet
//! is read back as the document was read: the same tables to the one document reader, so the
//! same items and the same diagnostics at the same places (tests/readback.rs's promise).

use std::path::Path;
use std::sync::Arc;

use calamine::Reader;
use serde::{Deserialize, Serialize};

use super::codes;
use super::document::{DocCell, DocTable};
use crate::diag::Diagnostic;

/// The hidden sheet holding the document's structure.
pub const STRUCTURE_SHEET: &str = "文档结构";

/// The first cell of the structure sheet: what it is, and the version of its layout.
const MARK: &str = "gkml 文档结构 v1";

/// How long a kept text block may be: titles and headings are short, and a paragraph longer
/// than this names neither a unit nor a domain.
const BLOCK_CHARS: usize = 300;

/// What a table of the document had around it, as the structure sheet keeps it (one JSON
/// object a row: plain to read, and a new field does not move the others).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableFacts {
    /// N of 表N.
    pub table: usize,
    /// Rows and grid columns of the table as laid out.
    pub rows: usize,
    pub columns: usize,
    pub caption: Option<String>,
    pub context: Vec<String>,
    pub title: Option<String>,
    pub follows: Option<usize>,
    pub grid_columns: Option<usize>,
}

fn short(s: &str) -> String {
    s.chars().take(BLOCK_CHARS).collect()
}

impl TableFacts {
    pub fn of(t: &DocTable, rows: usize, columns: usize) -> TableFacts {
        TableFacts {
            table: t.number,
            rows,
            columns,
            caption: t.caption.as_deref().map(short),
            context: t.context.iter().map(|c| short(c)).collect(),
            title: t.title.as_deref().map(short),
            follows: t.follows,
            grid_columns: t.grid_columns,
        }
    }
}

/// The whole structure: the kind of document (for messages: 网页, Word 文档), the name a unit
/// takes when nothing in the document names it (the draft's file stem), and the tables.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Structure {
    pub what: String,
    pub unit: String,
    pub tables: Vec<TableFacts>,
}

impl Structure {
    /// The rows of the structure sheet.
    pub fn rows(&self) -> Vec<Vec<String>> {
        let mut out = vec![
            vec![
                MARK.to_string(),
                serde_json::json!({ "what": self.what, "unit": self.unit }).to_string(),
            ],
            vec![
                "表".to_string(),
                "表格的标题、上文、题注与续表关系（gkml 读回本工作簿时使用，请勿修改）".to_string(),
            ],
        ];
        for t in &self.tables {
            out.push(vec![
                format!("表{}", t.table),
                serde_json::to_string(t).unwrap_or_default(),
            ]);
        }
        out
    }
}

/// Whether a workbook file carries the structure sheet: one look at `xl/workbook.xml`, so
/// that every other workbook is read as before at the cost of a zip directory.
pub fn is_document_book(path: &Path) -> bool {
    use std::io::Read;
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut z) = zip::ZipArchive::new(std::io::BufReader::new(f)) else {
        return false;
    };
    let Ok(part) = z.by_name("xl/workbook.xml") else {
        return false;
    };
    let mut text = String::new();
    if part.take(4 << 20).read_to_string(&mut text).is_err() {
        return false;
    }
    text.contains(&format!("name=\"{STRUCTURE_SHEET}\""))
}

fn broken(file: &Arc<str>, why: String) -> Diagnostic {
    Diagnostic::new(
        &codes::FILE_UNREADABLE,
        format!("批注工作簿的“{STRUCTURE_SHEET}”工作表已损坏：{why}"),
    )
    .in_file(file)
    .hint("请用原网页或 Word 文件重新生成批注工作簿，或删除该隐藏工作表后按普通工作簿读取")
}

/// The document's tables back from a workbook with the structure sheet: each sheet 表N's
/// cells, merged regions as spans, and what the structure says stood around it. `None` when
/// a sheet of that name is not gkml's (its first cell is not the mark): a clerk's workbook
/// that happens to have one is read as any workbook.
///
/// # Errors
/// A GK001 diagnostic when the workbook or gkml's structure in it cannot be read.
pub fn read(
    path: &Path,
    file: &Arc<str>,
    limits: &crate::limits::Limits,
) -> Result<Option<(Structure, Vec<DocTable>)>, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| crate::read::unreadable(file, &e))?;
    super::xlsx::guard(file, || {
        let (mut wb, _, _) = super::xlsx::open_for_copy(bytes, limits).map_err(|m| {
            Diagnostic::new(&codes::FILE_UNREADABLE, format!("无法打开工作簿：{m}")).in_file(file)
        })?;
        let Ok(range) = wb.worksheet_range(STRUCTURE_SHEET) else {
            return Ok(None);
        };
        let cell = |r: u32, c: u32| {
            range
                .get_value((r, c))
                .map(super::xlsx::cell_text)
                .unwrap_or_default()
        };
        if cell(0, 0) != MARK {
            return Ok(None);
        }
        let head: serde_json::Value =
            serde_json::from_str(&cell(0, 1)).map_err(|e| broken(file, e.to_string()))?;
        let text = |k: &str| head[k].as_str().unwrap_or_default().to_string();
        let mut structure = Structure {
            what: text("what"),
            unit: text("unit"),
            tables: Vec::new(),
        };
        let last = range.end().map(|e| e.0).unwrap_or(0);
        for r in 2..=last {
            let json = cell(r, 1);
            if json.is_empty() {
                continue;
            }
            let t: TableFacts =
                serde_json::from_str(&json).map_err(|e| broken(file, e.to_string()))?;
            structure.tables.push(t);
        }
        let mut tables = Vec::new();
        for t in &structure.tables {
            let name = format!("表{}", t.table);
            // A sheet the clerk deleted is a table no longer there.
            let Ok(sheet) = wb.worksheet_range(&name) else {
                continue;
            };
            let merges = super::xlsx::merges_within(&mut wb, &name, &sheet, Vec::new(), limits)
                .map_err(|m| Diagnostic::new(&codes::INPUT_TOO_LARGE, m).in_file(file))?;
            let end = sheet.end().unwrap_or((0, 0));
            let height = (t.rows as u64).max(u64::from(end.0) + 1);
            let width = (t.columns as u64).max(u64::from(end.1) + 1);
            if height.saturating_mul(width) > limits.max_sheet_cells {
                return Err(Diagnostic::new(
                    &codes::INPUT_TOO_LARGE,
                    format!("工作表“{name}”超过读取上限"),
                )
                .in_file(file));
            }
            // Slots covered by a merge (not its origin), and each origin's spans: looked up
            // per cell, so a table of many merges is read in one pass.
            let (h, w) = (height as usize, width as usize);
            let mut covered = vec![false; h * w];
            let mut spans = std::collections::HashMap::new();
            for m in &merges {
                for r in m.start.0..=m.end.0 {
                    for c in m.start.1..=m.end.1 {
                        if let Some(slot) = covered.get_mut(r as usize * w + c as usize) {
                            *slot = (r, c) != m.start;
                        }
                    }
                }
                spans.insert(m.start, (m.end.1 - m.start.1 + 1, m.end.0 - m.start.0 + 1));
            }
            let mut rows = Vec::with_capacity(h);
            for r in 0..h {
                let mut row = Vec::new();
                for c in 0..w {
                    if covered.get(r * w + c).copied().unwrap_or(false) {
                        continue;
                    }
                    let at = (r as u32, c as u32);
                    let (colspan, rowspan) = spans.get(&at).copied().unwrap_or((1, 1));
                    row.push(DocCell {
                        text: sheet
                            .get_value(at)
                            .map(super::xlsx::cell_text)
                            .unwrap_or_default(),
                        colspan,
                        rowspan,
                        vmerge: Default::default(),
                    });
                }
                rows.push(row);
            }
            tables.push(DocTable {
                number: t.table,
                rows,
                caption: t.caption.clone(),
                context: t.context.clone(),
                title: t.title.clone(),
                follows: t.follows,
                grid_columns: t.grid_columns,
            });
        }
        Ok(Some((structure, tables)))
    })
}
