//! Old binary Word documents (`.doc`, Word 97–2003, and WPS 文字's `.wps`, which WPS writes in
//! the same format). Many county portals still post their catalogues as `.doc` attachments.
//!
//! The file is an OLE compound file ([MS-CFB], read with the `cfb` crate) whose
//! `WordDocument` stream holds the text and the paragraph properties, and whose `0Table` or
//! `1Table` stream holds the piece table that maps character positions to bytes ([MS-DOC]).
//! The reader takes the main document's text piece by piece (UTF-16 or 8-bit pieces), splits
//! it into paragraphs at paragraph and cell marks, and reads each paragraph's properties from
//! the PAPX pages: *in a table*, *end of a table row* (whose properties carry the row's cell
//! boundaries and vertical merges, sprmTDefTable) and the nesting depth. Cells wider than one
//! column of the table's grid (the union of every row's cell boundaries) become column spans,
//! cells continuing a vertical merge become [`VMerge::Continue`], and paragraphs outside
//! tables are the tables' context, so the rest is the same as for `.docx`
//! ([`super::document`]).
//!
//! What is not read: field instructions (only a field's shown result is text), pictures and
//! drawn objects, and symbol-font characters (a Wingdings checkbox inserted from 插入→符号
//! reads as its placeholder, not as a mark). An encrypted or damaged file gets GK001.

use std::io::{Cursor, Read};
use std::sync::Arc;

use super::codes;
use super::document::{Builder, DocTable, VMerge};
use crate::diag::Diagnostic;
use crate::limits::Limits;

/// Whether bytes are an OLE compound file (an old Office or WPS file of any kind).
pub fn is_ole(head: &[u8]) -> bool {
    head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

/// What an old binary (OLE) file holds, whatever its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ole {
    /// A Word document (a `WordDocument` stream): `.doc`, or a `.wps` in Word's format.
    Word,
    /// An Excel 97–2003 workbook (`Workbook`, or `Book` for Excel 5): an `.xls` renamed.
    Workbook,
    /// Something else (PowerPoint, an old WPS format of its own).
    Other,
}

/// What an OLE file holds; `None` when it cannot be opened as one (cut short, damaged).
pub fn ole_kind(bytes: &[u8]) -> Option<Ole> {
    let c = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    Some(if c.is_stream("/WordDocument") {
        Ole::Word
    } else if c.is_stream("/Workbook") || c.is_stream("/Book") {
        Ole::Workbook
    } else {
        Ole::Other
    })
}

fn broken(file: &Arc<str>, why: &str) -> Diagnostic {
    Diagnostic::new(
        &codes::FILE_UNREADABLE,
        format!("旧版 Word 文档无法读取：{why}"),
    )
    .in_file(file)
    .hint("用 Word 或 WPS 打开后另存为“Word 文档 (*.docx)”，再检查新文件")
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn i16_at(b: &[u8], at: usize) -> Option<i16> {
    Some(i16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

/// A stream of the compound file, at most `max` bytes.
fn stream(
    c: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    name: &str,
    max: u64,
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    c.open_stream(name)?.take(max).read_to_end(&mut out)?;
    Ok(out)
}

/// One piece of the text: characters `cp..cp_end` are stored from byte `fc` of the
/// WordDocument stream, one byte each (8-bit, Windows-1252) or two (UTF-16LE).
#[derive(Debug, Clone, Copy)]
struct Piece {
    cp: u32,
    cp_end: u32,
    fc: u32,
    wide: bool,
}

impl Piece {
    fn width(&self) -> u32 {
        if self.wide {
            2
        } else {
            1
        }
    }

    /// The character position of the byte `fc`, if this piece holds it.
    fn cp_of(&self, fc: u32) -> Option<u32> {
        let len = (self.cp_end - self.cp).checked_mul(self.width())?;
        (fc >= self.fc && fc < self.fc.checked_add(len)?)
            .then(|| self.cp + (fc - self.fc) / self.width())
    }
}

/// The piece table (the Pcdt of the CLX in the table stream).
fn pieces(table: &[u8], fc_clx: usize, lcb_clx: usize) -> Option<Vec<Piece>> {
    let clx = table.get(fc_clx..fc_clx.checked_add(lcb_clx)?)?;
    let mut at = 0;
    // Prc entries (property modifiers of fast-saved files) come first: skipped.
    while *clx.get(at)? == 0x01 {
        let cb = usize::from(u16_at(clx, at + 1)?);
        at += 3 + cb;
    }
    if *clx.get(at)? != 0x02 {
        return None;
    }
    let lcb = u32_at(clx, at + 1)? as usize;
    let plc = clx.get(at + 5..(at + 5).checked_add(lcb)?)?;
    let n = lcb.checked_sub(4)? / 12;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let cp = u32_at(plc, i * 4)?;
        let cp_end = u32_at(plc, (i + 1) * 4)?;
        let pcd = (n + 1) * 4 + i * 8;
        let raw = u32_at(plc, pcd + 2)?;
        let compressed = raw & 0x4000_0000 != 0;
        let fc = if compressed {
            (raw & 0x3FFF_FFFF) / 2
        } else {
            raw
        };
        if cp_end > cp {
            out.push(Piece {
                cp,
                cp_end,
                fc,
                wide: !compressed,
            });
        }
    }
    Some(out)
}

/// The characters of the main document (the first `ccp_text` positions), in order.
fn main_text(doc: &[u8], pieces: &[Piece], ccp_text: u32) -> Vec<char> {
    let mut out = Vec::new();
    for p in pieces {
        if p.cp >= ccp_text {
            break;
        }
        let end = p.cp_end.min(ccp_text);
        let n = (end - p.cp) as usize;
        let start = p.fc as usize;
        if p.wide {
            let Some(bytes) = doc.get(start..start + 2 * n) else {
                break;
            };
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]));
            out.extend(char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')));
        } else {
            let Some(bytes) = doc.get(start..start + n) else {
                break;
            };
            out.extend(bytes.iter().map(|b| windows_1252(*b)));
        }
    }
    out
}

/// A byte of an 8-bit piece: Windows-1252 ([MS-DOC] 2.4.1), the range 0x80–0x9F included.
fn windows_1252(b: u8) -> char {
    let byte = [b];
    let (c, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
    c.chars().next().unwrap_or('\u{FFFD}')
}

/// What a paragraph's properties say about tables.
#[derive(Debug, Clone, Default)]
struct Para {
    in_table: bool,
    /// The paragraph is the end mark of a table row.
    row_end: bool,
    /// Table depth (sprmPItap); 1 for a paragraph in a top-level table.
    depth: u32,
    /// The row's cells: right boundaries are the next cell's left (sprmTDefTable).
    bounds: Vec<i16>,
    /// Per cell: `Some(true)` restarts a vertical merge, `Some(false)` continues one.
    vmerge: Vec<Option<bool>>,
}

/// The byte length of a sprm's operand at `at` (just after the sprm itself).
fn operand_len(sprm: u16, grpprl: &[u8], at: usize) -> Option<usize> {
    Some(match sprm >> 13 {
        0 | 1 => 1,
        2 | 4 | 5 => 2,
        3 => 4,
        7 => 3,
        _ => {
            if sprm == 0xD608 || sprm == 0xD606 {
                // sprmTDefTable / sprmTDefTable10: a 2-byte count of the rest, plus one.
                usize::from(u16_at(grpprl, at)?) + 1
            } else if sprm == 0xC615 && *grpprl.get(at)? == 255 {
                // sprmPChgTabs with the long form: deletions and additions counted inside.
                let del = usize::from(*grpprl.get(at + 1)?);
                let add = usize::from(*grpprl.get(at + 2 + del * 4)?);
                1 + 1 + del * 4 + 1 + add * 3
            } else {
                usize::from(*grpprl.get(at)?) + 1
            }
        }
    })
}

/// Read the sprms of a paragraph's properties. Properties too large for their page (a table
/// row's end, with its cell definitions) are in the Data stream, pointed to by sprmPHugePapx.
fn para_of(grpprl: &[u8], data: &[u8]) -> Para {
    if let (Some(0x6646), Some(off)) = (u16_at(grpprl, 0), u32_at(grpprl, 2)) {
        let off = off as usize;
        let cb = usize::from(u16_at(data, off).unwrap_or(0));
        let huge = off
            .checked_add(2 + cb)
            .and_then(|end| data.get(off + 2..end))
            .unwrap_or(&[]);
        // The huge properties never point further (no recursion on a hostile file).
        return para_of(huge, &[]);
    }
    let mut p = Para::default();
    let mut at = 0;
    while let Some(sprm) = u16_at(grpprl, at) {
        at += 2;
        let Some(len) = operand_len(sprm, grpprl, at) else {
            break;
        };
        let Some(op) = grpprl.get(at..at + len) else {
            break;
        };
        match sprm {
            0x2416 => p.in_table = op.first() == Some(&1),
            0x2417 => p.row_end = op.first() == Some(&1),
            // sprmPItap: the depth; sprmPFInnerTtp ends a row of a nested table.
            0x6649 => p.depth = u32_at(op, 0).unwrap_or(0),
            0x244C if op.first() == Some(&1) => p.row_end = true,
            0xD608 => table_definition(&mut p, op),
            0xD62B => {
                // sprmTVertMerge: size, cell index, code (0 none, 1 continue, 3 restart).
                if let (Some(&itc), Some(&code)) = (op.get(1), op.get(2)) {
                    let itc = usize::from(itc);
                    if p.vmerge.len() <= itc {
                        p.vmerge.resize(itc + 1, None);
                    }
                    p.vmerge[itc] = match code {
                        1 => Some(false),
                        3 => Some(true),
                        _ => None,
                    };
                }
            }
            _ => {}
        }
        at += len;
    }
    if p.in_table && p.depth == 0 {
        p.depth = 1;
    }
    p
}

/// sprmTDefTable: the cell boundaries of a row and each cell's merge flags (TC80).
fn table_definition(p: &mut Para, op: &[u8]) {
    // op: cb (2 bytes), itcMac (1), rgdxaCenter (itcMac + 1 × 2), rgTc80 (itcMac × 20:
    // flags, width, four 4-byte borders).
    let Some(&n) = op.get(2) else {
        return;
    };
    let n = usize::from(n);
    p.bounds = (0..=n).filter_map(|i| i16_at(op, 3 + 2 * i)).collect();
    let tcs = 3 + 2 * (n + 1);
    p.vmerge = (0..n)
        .map(|i| {
            let flags = u16_at(op, tcs + 20 * i).unwrap_or(0);
            let merged = flags & 0x0020 != 0;
            let restart = flags & 0x0040 != 0;
            (merged || restart).then_some(restart)
        })
        .collect();
}

/// The paragraph properties of every paragraph run, as (first byte, end byte, properties),
/// from the PAPX pages the PlcBtePapx of the table stream lists.
fn paragraph_runs(
    doc: &[u8],
    table: &[u8],
    data: &[u8],
    fc_plc: usize,
    lcb_plc: usize,
) -> Vec<(u32, u32, Para)> {
    let mut out = Vec::new();
    let Some(plc) = fc_plc
        .checked_add(lcb_plc)
        .and_then(|end| table.get(fc_plc..end))
    else {
        return out;
    };
    let n = lcb_plc.saturating_sub(4) / 8;
    for i in 0..n {
        let Some(pn) = u32_at(plc, (n + 1) * 4 + i * 4) else {
            break;
        };
        let page_at = (pn & 0x003F_FFFF) as usize * 512;
        let Some(fkp) = doc.get(page_at..page_at + 512) else {
            continue;
        };
        let crun = usize::from(fkp[511]);
        for r in 0..crun {
            let (Some(start), Some(end)) = (u32_at(fkp, r * 4), u32_at(fkp, (r + 1) * 4)) else {
                break;
            };
            let bx = (crun + 1) * 4 + r * 13;
            let off = usize::from(fkp.get(bx).copied().unwrap_or(0)) * 2;
            let para = if off == 0 {
                Para::default()
            } else {
                let cb = usize::from(fkp.get(off).copied().unwrap_or(0));
                let (from, len) = if cb == 0 {
                    (
                        off + 2,
                        2 * usize::from(fkp.get(off + 1).copied().unwrap_or(0)),
                    )
                } else {
                    (off + 1, 2 * cb - 1)
                };
                // The style index (2 bytes) comes before the sprms.
                fkp.get(from + 2..(from + len).min(512))
                    .map(|g| para_of(g, data))
                    .unwrap_or_default()
            };
            out.push((start, end, para));
        }
    }
    out.sort_by_key(|r| r.0);
    out
}

/// A cell's text as shown: field instructions hidden (between 0x13 and 0x14), a field's
/// result kept, special characters (pictures, drawn objects, footnote marks) dropped, Word's
/// manual line break a line break, its non-breaking and optional hyphens a hyphen and nothing.
fn shown(chars: &[char], field_depth: &mut Vec<bool>) -> String {
    let mut out = String::new();
    for &c in chars {
        match c {
            '\u{13}' => field_depth.push(false),
            '\u{14}' => {
                if let Some(showing) = field_depth.last_mut() {
                    *showing = true;
                }
            }
            '\u{15}' => {
                field_depth.pop();
            }
            _ if field_depth.last() == Some(&false) => {}
            '\u{0B}' => out.push('\n'),
            '\u{1E}' => out.push('-'),
            '\u{1F}' | '\u{01}' | '\u{02}' | '\u{08}' | '\u{05}' | '\u{0C}' | '\u{0E}' => {}
            '\u{07}' | '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One row of a table being gathered: its cells' texts and its properties (the row end's).
struct Row {
    cells: Vec<String>,
    bounds: Vec<i16>,
    vmerge: Vec<Option<bool>>,
}

/// Write a gathered table to the builder: column spans from the union of every row's cell
/// boundaries, vertical merges from the rows' flags.
fn emit_table(b: &mut Builder, rows: Vec<Row>) {
    let mut grid: Vec<i16> = rows.iter().flat_map(|r| r.bounds.iter().copied()).collect();
    grid.sort_unstable();
    grid.dedup();
    b.open_table();
    if grid.len() > 1 {
        b.grid_columns(grid.len() - 1);
    }
    for row in rows {
        b.open_row();
        let known = row.bounds.len() == row.cells.len() + 1;
        for (i, text) in row.cells.iter().enumerate() {
            let span = if known {
                let (l, r) = (row.bounds[i], row.bounds[i + 1]);
                let cols = grid
                    .partition_point(|x| *x < r)
                    .saturating_sub(grid.partition_point(|x| *x < l));
                u32::try_from(cols).unwrap_or(1).max(1)
            } else {
                1
            };
            let vmerge = match row.vmerge.get(i).copied().flatten() {
                Some(false) => VMerge::Continue,
                _ => VMerge::None,
            };
            b.open_cell(span, 1, vmerge);
            if vmerge == VMerge::None {
                b.text(text);
            }
            b.close_cell();
        }
    }
    b.close_table();
}

/// The tables of a `.doc` or `.wps` file.
///
/// # Errors
/// GK001 for a file that is not a Word document inside, is encrypted, or is cut short.
pub fn read_bytes(
    bytes: &[u8],
    file: &Arc<str>,
    limits: &Limits,
) -> Result<Vec<DocTable>, Diagnostic> {
    let max = limits.max_input_bytes;
    let mut c = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| broken(file, &format!("不是有效的复合文档（{e}）")))?;
    let doc = stream(&mut c, "/WordDocument", max)
        .map_err(|_| broken(file, "文件中没有 Word 正文（WordDocument）"))?;
    let ident = u16_at(&doc, 0).unwrap_or(0);
    if ident != 0xA5EC {
        return Err(broken(file, "正文头部不是 Word 97–2003 格式"));
    }
    let flags = u16_at(&doc, 0x0A).unwrap_or(0);
    if flags & 0x0100 != 0 {
        return Err(Diagnostic::new(
            &codes::FILE_UNREADABLE,
            "文档已加密（设置了打开密码），无法读取",
        )
        .in_file(file)
        .hint("在 Word 或 WPS 中取消密码（文件→信息→保护文档）后另存，再检查"));
    }
    let table_name = if flags & 0x0200 != 0 {
        "/1Table"
    } else {
        "/0Table"
    };
    let table =
        stream(&mut c, table_name, max).map_err(|_| broken(file, "缺少表流（0Table/1Table）"))?;
    let field = |at: usize| u32_at(&doc, at).map(|v| v as usize);
    let (Some(ccp_text), Some(fc_clx), Some(lcb_clx), Some(fc_papx), Some(lcb_papx)) = (
        u32_at(&doc, 0x4C),
        field(0x1A2),
        field(0x1A6),
        field(0x102),
        field(0x106),
    ) else {
        return Err(broken(file, "文件头不完整"));
    };
    let pieces = pieces(&table, fc_clx, lcb_clx).ok_or_else(|| broken(file, "文本片段表损坏"))?;
    let text = main_text(&doc, &pieces, ccp_text);
    // The Data stream is absent from documents with nothing stored there.
    let data = stream(&mut c, "/Data", max).unwrap_or_default();
    let runs = paragraph_runs(&doc, &table, &data, fc_papx, lcb_papx);
    // Each run's end byte as a character position: the paragraph ending there has its
    // properties.
    // Pieces by their first byte, to find the piece holding a byte by binary search (a
    // hostile file may list hundreds of thousands).
    let mut by_fc = pieces.clone();
    by_fc.sort_by_key(|p| p.fc);
    let cp_of = |fc: u32| {
        let i = by_fc.partition_point(|p| p.fc <= fc).checked_sub(1)?;
        by_fc.get(i)?.cp_of(fc)
    };
    let mut ends: Vec<(u32, &Para)> = runs
        .iter()
        .filter_map(|(_, end, p)| Some((cp_of(end.checked_sub(1)?)?, p)))
        .collect();
    ends.sort_by_key(|e| e.0);
    let none = Para::default();
    let props = |cp: u32| -> &Para {
        match ends.binary_search_by_key(&cp, |e| e.0) {
            Ok(i) => ends[i].1,
            // A run covers several paragraphs: the first run ending at or after it.
            Err(i) => ends.get(i).map(|e| e.1).unwrap_or(&none),
        }
    };

    let mut b = Builder::new(false);
    let mut rows: Vec<Row> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut fields = Vec::new();
    let mut start = 0usize;
    for (i, ch) in text.iter().enumerate() {
        if *ch != '\r' && *ch != '\u{07}' {
            continue;
        }
        let para = props(i as u32);
        let line = shown(text.get(start..i).unwrap_or(&[]), &mut fields);
        start = i + 1;
        if para.in_table && para.depth >= 1 {
            if para.row_end && para.depth == 1 {
                rows.push(Row {
                    cells: std::mem::take(&mut cells),
                    bounds: para.bounds.clone(),
                    vmerge: para.vmerge.clone(),
                });
                cell.clear();
                continue;
            }
            if !cell.is_empty() || !line.is_empty() {
                if !cell.is_empty() {
                    cell.push('\n');
                }
                cell.push_str(&line);
            }
            // A cell mark ends a top-level cell; in a nested table it ends an inner cell,
            // whose text stays part of the outer cell.
            if *ch == '\u{07}' && para.depth == 1 {
                cells.push(std::mem::take(&mut cell));
            }
        } else {
            if !rows.is_empty() {
                emit_table(&mut b, std::mem::take(&mut rows));
            }
            cells.clear();
            cell.clear();
            b.text(&line);
            b.flush_block();
        }
    }
    if !rows.is_empty() {
        emit_table(&mut b, rows);
    }
    Ok(b.finish())
}
