//! Old binary Word documents (`.doc`, Word 97–2003, and WPS 文字's `.wps`, which WPS writes in
//! the same format). Many county portals still post their catalogues as `.doc` attachments.
//!
//! The file is an OLE compound file ([MS-CFB], read with the `cfb` crate) whose
//! `WordDocument` stream holds the text and the formatting, and whose `0Table` or `1Table`
//! stream holds the piece table that maps character positions to bytes ([MS-DOC]). The reader
//! takes the main document's text piece by piece in character order (UTF-16 or 8-bit pieces,
//! in any order in the stream, as Word's fast saves leave them), splits it into paragraphs at
//! paragraph and cell marks, and reads each paragraph's properties from the PAPX page run that
//! holds its mark's *byte* (then the piece's property modifier): *in a table*, *end of a table
//! row* (whose properties carry the row's cell boundaries, horizontal and vertical merges,
//! sprmTDefTable and the sprms that edit it) and the nesting depth. Cells wider than one column
//! of the table's grid (the union of every row's cell boundaries, near ones taken as one)
//! become column spans, cells continuing a vertical merge become [`VMerge::Continue`], nested
//! tables are tables of their own, and paragraphs outside tables are the tables' context, so
//! the rest is the same as for `.docx` ([`super::document`]).
//!
//! Symbols are read from the character properties (CHPX pages) and the font table: a checkbox
//! or tick inserted from 插入→符号 (sprmCSymbol) or typed in a symbol font (R, £ in Wingdings
//! 2) is a mark as in `.docx`, and Symbol-font characters (√, ×, μ) are text.
//!
//! Form-field checkboxes (FORMCHECKBOX) are marks too, their state read from the FFData in the
//! Data stream.
//!
//! What is not read: field instructions (only a field's shown result is text), pictures and
//! drawn objects, headers, footers, footnotes and text boxes (not part of the main text). Word
//! 6.0/95 files, encrypted and damaged files get GK001.

use std::cell::Cell;
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

/// What an OLE file holds; `None` when it cannot be opened as one (cut short, damaged). Only
/// the header and the directory are read, not the streams.
pub fn ole_kind(file: impl std::io::Read + std::io::Seek) -> Option<Ole> {
    let c = cfb::CompoundFile::open(file).ok()?;
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
/// WordDocument stream, one byte each (8-bit, Windows-1252) or two (UTF-16LE). `prm` is the
/// piece's property modifier (fast-saved files): a single sprm, or an index into the Prc list.
#[derive(Debug, Clone, Copy)]
struct Piece {
    cp: u32,
    cp_end: u32,
    fc: u32,
    wide: bool,
    prm: u16,
}

impl Piece {
    fn width(&self) -> u32 {
        if self.wide {
            2
        } else {
            1
        }
    }
}

/// The piece table (the Pcdt of the CLX in the table stream) and the property modifiers
/// (Prc grpprls) that fast-saved files list before it.
fn pieces(table: &[u8], fc_clx: usize, lcb_clx: usize) -> Option<(Vec<Piece>, Vec<&[u8]>)> {
    let clx = table.get(fc_clx..fc_clx.checked_add(lcb_clx)?)?;
    let mut at = 0;
    let mut prcs = Vec::new();
    while *clx.get(at)? == 0x01 {
        let cb = usize::from(u16_at(clx, at + 1)?);
        prcs.push(clx.get(at + 3..at + 3 + cb)?);
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
        let prm = u16_at(plc, pcd + 6)?;
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
                prm,
            });
        }
    }
    Some((out, prcs))
}

/// One character of the main text: itself, the byte of the WordDocument stream it is stored
/// at (which finds its paragraph and character properties) and its piece.
#[derive(Debug, Clone, Copy)]
struct Char {
    c: char,
    fc: u32,
    piece: u32,
}

/// The characters of the main document (the first `ccp_text` positions), in order. Pieces
/// are taken in the order of their character positions, each once; a piece that overlaps the
/// text already read (a damaged table) is cut to what follows.
fn main_text(doc: &[u8], pieces: &[Piece], ccp_text: u32) -> Vec<Char> {
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by_key(|&i| pieces[i].cp);
    let mut out = Vec::new();
    let mut next_cp = 0u32;
    for i in order {
        let p = pieces[i];
        let from = p.cp.max(next_cp);
        let end = p.cp_end.min(ccp_text);
        if from >= end {
            continue;
        }
        next_cp = end;
        let skip = from - p.cp;
        let n = (end - from) as usize;
        let Some(start) = skip
            .checked_mul(p.width())
            .and_then(|s| s.checked_add(p.fc))
        else {
            continue;
        };
        let piece = u32::try_from(i).unwrap_or(u32::MAX);
        let at = start as usize;
        if p.wide {
            let Some(bytes) = at.checked_add(2 * n).and_then(|e| doc.get(at..e)) else {
                continue;
            };
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]));
            // Surrogate pairs take two positions: each keeps its own byte.
            let mut fc = start;
            for c in char::decode_utf16(units) {
                let (c, len) = match c {
                    Ok(c) => (c, c.len_utf16() as u32),
                    Err(_) => ('\u{FFFD}', 1),
                };
                out.push(Char { c, fc, piece });
                fc = fc.saturating_add(2 * len);
            }
        } else {
            let Some(bytes) = at.checked_add(n).and_then(|e| doc.get(at..e)) else {
                continue;
            };
            out.extend(bytes.iter().zip(start..).map(|(b, fc)| Char {
                c: windows_1252(*b),
                fc,
                piece,
            }));
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

/// Word's limit on the cells of a table row (63); more in a row definition is damage.
const MAX_CELLS: usize = 64;

/// How deep tables nest before deeper levels are read as the deepest (Word stops near 64).
const MAX_DEPTH: u32 = 64;

/// What a paragraph's properties say about tables.
#[derive(Debug, Clone, Default)]
struct Para {
    in_table: bool,
    /// The paragraph is the end mark of a row of a top-level table (sprmPFTtp).
    row_end: bool,
    /// The paragraph ends a cell of a nested table (sprmPFInnerTableCell).
    inner_cell: bool,
    /// The paragraph ends a row of a nested table (sprmPFInnerTtp).
    inner_row_end: bool,
    /// Table depth as set by sprmPItap and changed by sprmPDtap, when given.
    itap: Option<i64>,
    /// The row's cells: right boundaries are the next cell's left (sprmTDefTable).
    bounds: Vec<i16>,
    /// Per cell: `Some(true)` restarts a vertical merge, `Some(false)` continues one.
    vmerge: Vec<Option<bool>>,
    /// Per cell: the cell is merged into the one before it (Word 97's horizontal merge,
    /// TC80 fMerged or sprmTMerge).
    hmerged: Vec<bool>,
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

/// The sprms of a grpprl with their operands, until the bytes run out.
fn sprms(grpprl: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let sprm = u16_at(grpprl, at)?;
        let len = operand_len(sprm, grpprl, at + 2)?;
        let op = grpprl.get(at + 2..at + 2 + len)?;
        at += 2 + len;
        Some((sprm, op))
    })
}

impl Para {
    /// Apply a paragraph's sprms. Properties too large for their page (a table row's end,
    /// with its cell definitions) are in the Data stream, pointed to by sprmPHugePapx.
    ///
    /// `budget` is how many more bytes of sprms the whole reading may go through: a hostile
    /// file can point every paragraph at the same 64 KB of properties.
    fn apply(&mut self, grpprl: &[u8], data: &[u8], budget: &Cell<usize>) {
        let Some(left) = budget.get().checked_sub(grpprl.len()) else {
            budget.set(0);
            return;
        };
        budget.set(left);
        for (sprm, op) in sprms(grpprl) {
            match sprm {
                0x6646 => {
                    let huge = u32_at(op, 0)
                        .map(|o| o as usize)
                        .and_then(|o| {
                            let cb = usize::from(u16_at(data, o)?);
                            data.get(o + 2..o.checked_add(2 + cb)?)
                        })
                        .unwrap_or(&[]);
                    // The huge properties never point further (no recursion on a hostile file).
                    self.apply(huge, &[], budget);
                }
                0x2416 => self.in_table = op.first() == Some(&1),
                0x2417 => self.row_end = op.first() == Some(&1),
                0x244B => self.inner_cell = op.first() == Some(&1),
                0x244C => self.inner_row_end = op.first() == Some(&1),
                0x6649 => self.itap = u32_at(op, 0).map(|d| i64::from(d as i32)),
                // sprmPDtap: the depth changed by a signed amount (fast-saved files take a
                // paragraph out of its table with -1).
                0x664A => {
                    let from = self.itap.unwrap_or(i64::from(self.in_table));
                    let by = i64::from(u32_at(op, 0).unwrap_or(0) as i32);
                    self.itap = Some(from.saturating_add(by));
                }
                0xD608 => self.table_definition(op),
                0xD62B => {
                    // sprmTVertMerge: size, cell index, code (0 none, 1 continue, 3 restart).
                    if let (Some(&itc), Some(&code)) = (op.get(1), op.get(2)) {
                        let itc = usize::from(itc);
                        if itc < MAX_CELLS {
                            if self.vmerge.len() <= itc {
                                self.vmerge.resize(itc + 1, None);
                            }
                            self.vmerge[itc] = match code {
                                1 => Some(false),
                                3 => Some(true),
                                _ => None,
                            };
                        }
                    }
                }
                // sprmTInsert: ctc cells of width dxaCol inserted at itcInsert.
                0x7621 => {
                    if let (Some(&itc), Some(&ctc), Some(dxa)) =
                        (op.first(), op.get(1), i16_at(op, 2))
                    {
                        self.insert_cells(usize::from(itc), usize::from(ctc), dxa);
                    }
                }
                // sprmTDelete: cells itcFirst..itcLim removed.
                0x5622 => {
                    if let (Some(&first), Some(&lim)) = (op.first(), op.get(1)) {
                        self.delete_cells(usize::from(first), usize::from(lim));
                    }
                }
                // sprmTDxaCol: cells itcFirst..itcLim made dxaCol wide.
                0x7623 => {
                    if let (Some(&first), Some(&lim), Some(dxa)) =
                        (op.first(), op.get(1), i16_at(op, 2))
                    {
                        self.set_widths(usize::from(first), usize::from(lim), dxa);
                    }
                }
                // sprmTMerge / sprmTSplit: cells itcFirst..itcLim merged into one, or apart.
                0x5624 | 0x5625 => {
                    if let (Some(&first), Some(&lim)) = (op.first(), op.get(1)) {
                        let cells = self.bounds.len().saturating_sub(1);
                        let (first, lim) = (usize::from(first), usize::from(lim).min(cells));
                        self.hmerged.resize(cells, false);
                        for i in first.saturating_add(1)..lim {
                            self.hmerged[i] = sprm == 0x5624;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The table depth: 0 outside tables, 1 in a top-level table; sprmPFInTable alone (Word
    /// 97, which cannot nest) means 1.
    fn depth(&self) -> usize {
        let d = self.itap.unwrap_or(i64::from(self.in_table));
        usize::try_from(d.clamp(0, i64::from(MAX_DEPTH))).unwrap_or(0)
    }

    /// sprmTDefTable: the cell boundaries of a row and each cell's merge flags (TC80).
    fn table_definition(&mut self, op: &[u8]) {
        // op: cb (2 bytes), itcMac (1), rgdxaCenter (itcMac + 1 × 2), rgTc80 (itcMac × 20:
        // flags, width, four 4-byte borders; fewer when the last cells have none).
        let Some(&n) = op.get(2) else {
            return;
        };
        let n = usize::from(n).min(MAX_CELLS);
        self.bounds = (0..=n).map_while(|i| i16_at(op, 3 + 2 * i)).collect();
        let tcs = 3 + 2 * (n + 1);
        let flags: Vec<u16> = (0..n)
            .map(|i| u16_at(op, tcs + 20 * i).unwrap_or(0))
            .collect();
        // vertMerge (bits 5–6): 1 continues the merge above, 3 restarts one.
        self.vmerge = flags
            .iter()
            .map(|f| match (f >> 5) & 3 {
                0 => None,
                1 => Some(false),
                _ => Some(true),
            })
            .collect();
        // horzMerge (bits 0–1): 1 first of merged cells, 2 or 3 merged into the one before.
        self.hmerged = flags.iter().map(|f| f & 3 >= 2).collect();
    }

    fn insert_cells(&mut self, itc: usize, ctc: usize, dxa: i16) {
        let cells = self.bounds.len().saturating_sub(1);
        if self.bounds.is_empty() || itc > cells || cells + ctc > MAX_CELLS {
            return;
        }
        let left = self.bounds[itc];
        let added: Vec<i16> = (1..=ctc)
            .map(|k| left.saturating_add(dxa.saturating_mul(i16::try_from(k).unwrap_or(0))))
            .collect();
        let shift = dxa.saturating_mul(i16::try_from(ctc).unwrap_or(0));
        for b in self.bounds.iter_mut().skip(itc + 1) {
            *b = b.saturating_add(shift);
        }
        self.bounds.splice(itc + 1..itc + 1, added);
        let at = itc.min(self.vmerge.len());
        self.vmerge.splice(at..at, std::iter::repeat_n(None, ctc));
        let at = itc.min(self.hmerged.len());
        self.hmerged.splice(at..at, std::iter::repeat_n(false, ctc));
    }

    fn delete_cells(&mut self, first: usize, lim: usize) {
        let cells = self.bounds.len().saturating_sub(1);
        let lim = lim.min(cells);
        if first >= lim {
            return;
        }
        let width = self.bounds[lim].saturating_sub(self.bounds[first]);
        self.bounds.drain(first + 1..=lim);
        for b in self.bounds.iter_mut().skip(first + 1) {
            *b = b.saturating_sub(width);
        }
        let l = lim.min(self.hmerged.len());
        self.hmerged.drain(first.min(l)..l);
        let l = lim.min(self.vmerge.len());
        self.vmerge.drain(first.min(l)..l);
    }

    fn set_widths(&mut self, first: usize, lim: usize, dxa: i16) {
        let lim = lim.min(self.bounds.len().saturating_sub(1));
        for i in first..lim {
            let Some(&left) = self.bounds.get(i) else {
                return;
            };
            let change = left.saturating_add(dxa).saturating_sub(self.bounds[i + 1]);
            for b in self.bounds.iter_mut().skip(i + 1) {
                *b = b.saturating_add(change);
            }
        }
    }
}

/// The sprm that a piece's single-sprm property modifier (Prm0) names, for the table sprms
/// this reader needs: isprm 0x18 is sprmPFInTable, 0x19 sprmPFTtp (Word 6 numbering).
fn prm0_sprm(isprm: u16) -> Option<u16> {
    match isprm {
        0x18 => Some(0x2416),
        0x19 => Some(0x2417),
        _ => None,
    }
}

/// The paragraph properties of every paragraph run, as (first byte, end byte, properties),
/// from the PAPX pages the PlcBtePapx of the table stream lists, sorted by first byte.
fn paragraph_runs(
    doc: &[u8],
    table: &[u8],
    data: &[u8],
    fc_plc: usize,
    lcb_plc: usize,
    budget: &Cell<usize>,
) -> Vec<(u32, u32, Para)> {
    let mut out = Vec::new();
    for (fkp, crun) in fkps(doc, table, fc_plc, lcb_plc) {
        for r in 0..crun {
            let (Some(start), Some(end)) = (u32_at(fkp, r * 4), u32_at(fkp, (r + 1) * 4)) else {
                break;
            };
            let bx = (crun + 1) * 4 + r * 13;
            let off = usize::from(fkp.get(bx).copied().unwrap_or(0)) * 2;
            let mut para = Para::default();
            if off != 0 {
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
                if let Some(g) = fkp.get(from + 2..(from + len).min(511)) {
                    para.apply(g, data, budget);
                }
            }
            out.push((start, end, para));
        }
    }
    out.sort_by_key(|r| r.0);
    out
}

/// The formatted-disk pages (FKP) a PlcBte lists, with their run counts.
fn fkps<'a>(
    doc: &'a [u8],
    table: &'a [u8],
    fc_plc: usize,
    lcb_plc: usize,
) -> impl Iterator<Item = (&'a [u8], usize)> {
    let plc = fc_plc
        .checked_add(lcb_plc)
        .and_then(|end| table.get(fc_plc..end))
        .unwrap_or(&[]);
    let n = lcb_plc.saturating_sub(4) / 8;
    (0..n).filter_map(move |i| {
        let pn = u32_at(plc, (n + 1) * 4 + i * 4)?;
        let page_at = (pn & 0x003F_FFFF) as usize * 512;
        let fkp = doc.get(page_at..page_at + 512)?;
        Some((fkp, usize::from(fkp[511])))
    })
}

/// What a character's properties say about symbols: a special character (sprmCFSpec), the
/// symbol it draws (sprmCSymbol: font index, code), and the fonts of its text (sprmCRgFtc0
/// for ASCII, sprmCRgFtc2 for other Latin characters).
#[derive(Debug, Clone, Copy, Default)]
struct Chp {
    spec: bool,
    symbol: Option<(u16, u16)>,
    ftc0: Option<u16>,
    ftc2: Option<u16>,
    /// sprmCPicLocation with sprmCFData: where a form field's data (FFData) is in the Data
    /// stream.
    form_data: Option<u32>,
    data: bool,
    /// Text deleted with track changes on (sprmCFRMarkDel): not part of what the document says.
    deleted: bool,
}

impl Chp {
    fn apply(&mut self, grpprl: &[u8]) {
        for (sprm, op) in sprms(grpprl) {
            match sprm {
                0x0855 => self.spec = op.first() == Some(&1),
                0x6A09 => self.symbol = u16_at(op, 0).zip(u16_at(op, 2)),
                0x4A4F => self.ftc0 = u16_at(op, 0),
                0x4A51 => self.ftc2 = u16_at(op, 0),
                0x6A03 => self.form_data = u32_at(op, 0),
                0x0806 => self.data = op.first() == Some(&1),
                0x0800 => self.deleted = op.first() == Some(&1),
                _ => {}
            }
        }
    }

    fn is_plain(&self) -> bool {
        !self.spec
            && self.symbol.is_none()
            && self.ftc0.is_none()
            && self.ftc2.is_none()
            && self.form_data.is_none()
            && !self.deleted
    }
}

/// The character runs that say something about symbols, as (first byte, end byte,
/// properties) from the CHPX pages, sorted by first byte.
fn character_runs(doc: &[u8], table: &[u8], fc_plc: usize, lcb_plc: usize) -> Vec<(u32, u32, Chp)> {
    let mut out = Vec::new();
    for (fkp, crun) in fkps(doc, table, fc_plc, lcb_plc) {
        for r in 0..crun {
            let (Some(start), Some(end)) = (u32_at(fkp, r * 4), u32_at(fkp, (r + 1) * 4)) else {
                break;
            };
            let off = usize::from(fkp.get((crun + 1) * 4 + r).copied().unwrap_or(0)) * 2;
            if off == 0 {
                continue;
            }
            let cb = usize::from(fkp.get(off).copied().unwrap_or(0));
            let mut chp = Chp::default();
            if let Some(g) = fkp.get(off + 1..(off + 1 + cb).min(511)) {
                chp.apply(g);
            }
            if !chp.is_plain() {
                out.push((start, end, chp));
            }
        }
    }
    out.sort_by_key(|r| r.0);
    out
}

/// The run holding byte `fc`, from runs sorted by their first byte.
fn run_at<T>(runs: &[(u32, u32, T)], fc: u32) -> Option<&T> {
    let i = runs.partition_point(|r| r.0 <= fc).checked_sub(1)?;
    let r = runs.get(i)?;
    (fc < r.1).then_some(&r.2)
}

/// The font names of the font table (SttbfFfn), by font index.
fn font_names(table: &[u8], fc: usize, lcb: usize) -> Vec<String> {
    let Some(sttb) = fc.checked_add(lcb).and_then(|end| table.get(fc..end)) else {
        return Vec::new();
    };
    let count = usize::from(u16_at(sttb, 0).unwrap_or(0));
    let mut out = Vec::new();
    let mut at = 4;
    for _ in 0..count {
        let Some(&cb) = sttb.get(at) else {
            break;
        };
        let ffn = sttb.get(at + 1..at + 1 + usize::from(cb)).unwrap_or(&[]);
        // FFN: ffid, wWeight, chs, ixchSzAlt, panose (10), fs (24), then the name in UTF-16,
        // ended by a zero.
        let units = ffn
            .get(39..)
            .unwrap_or(&[])
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|u| *u != 0);
        out.push(
            char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{FFFD}'))
                .collect(),
        );
        at += 1 + usize::from(cb);
    }
    out
}

/// What the document shows for a character: text, a checkbox or tick drawn in a symbol font,
/// or nothing.
enum Shown {
    Char(char),
    Mark(bool),
    Nothing,
}

/// Reads characters as shown, with the character properties and fonts at hand.
struct Glyphs<'a> {
    runs: Vec<(u32, u32, Chp)>,
    fonts: &'a [String],
    data: &'a [u8],
}

impl Glyphs<'_> {
    fn font(&self, ftc: u16) -> &str {
        self.fonts.get(usize::from(ftc)).map_or("", String::as_str)
    }

    /// The state of a form-field checkbox (FORMCHECKBOX, 旧式窗体 复选框) whose data character
    /// (0x01 in the field's instructions) this is: its FFData in the Data stream, after a
    /// header of cbHeader bytes, holds the type (1 for a checkbox) and the result (iRes: 1
    /// checked, 0 not, 25 the default wDef).
    fn form_box(&self, ch: Char) -> Option<bool> {
        let chp = run_at(&self.runs, ch.fc)?;
        if !chp.data {
            return None;
        }
        let at = chp.form_data? as usize;
        let ff = at.checked_add(usize::from(u16_at(self.data, at.checked_add(4)?)?))?;
        if u32_at(self.data, ff)? != 0xFFFF_FFFF {
            return None;
        }
        let bits = u16_at(self.data, ff + 4)?;
        if bits & 3 != 1 {
            return None;
        }
        match (bits >> 2) & 0x1F {
            25 => {
                // version, bits, cch, hps, then the name (a count, the characters, a zero).
                let name = usize::from(u16_at(self.data, ff + 10)?);
                let w_def = ff.checked_add(10 + 2 + 2 * name + 2)?;
                Some(u16_at(self.data, w_def)? != 0)
            }
            res => Some(res == 1),
        }
    }

    /// What a code in the font `ftc` draws, when that is a symbol font this reader knows: a
    /// checkbox or tick, or a Symbol-font character (√, ×, Greek letters).
    fn symbol(&self, ftc: u16, code: u32) -> Option<Shown> {
        let font = self.font(ftc);
        if let Some(m) = super::document::symbol_mark(font, code) {
            return Some(Shown::Mark(m));
        }
        super::document::symbol_char(font, code).map(Shown::Char)
    }

    /// A character: text deleted with track changes on shows nothing (as the .docx reader
    /// skips `w:del`); a symbol inserted from 插入→符号 (0x28 with sprmCFSpec and sprmCSymbol),
    /// or a letter typed in a symbol font (R, £ … in Wingdings 2), is a mark when it draws a
    /// checkbox or tick; other special characters (pictures, footnote marks) show nothing.
    fn shown(&self, ch: Char) -> Shown {
        let code = u32::from(ch.c);
        let chp = if self.runs.is_empty() {
            None
        } else {
            run_at(&self.runs, ch.fc)
        };
        if chp.is_some_and(|c| c.deleted) {
            return Shown::Nothing;
        }
        if let Some(chp) = chp {
            // Word writes sprmCSymbol on the placeholder 0x28, often without sprmCFSpec.
            if let Some((ftc, code)) = chp.symbol.filter(|_| chp.spec || ch.c == '(') {
                return self.symbol(ftc, u32::from(code)).unwrap_or(Shown::Nothing);
            }
            if chp.spec {
                return if ch.c == '(' {
                    Shown::Nothing
                } else {
                    Shown::Char(ch.c)
                };
            }
            let ftc = if code < 0x80 {
                chp.ftc0
            } else {
                chp.ftc2.or(chp.ftc0)
            };
            if let Some(shown) = ftc.and_then(|f| self.symbol(f, code)) {
                return shown;
            }
        }
        Shown::Char(ch.c)
    }
}

/// A piece of a cell's content, in order.
#[derive(Debug)]
enum Bit {
    Text(String),
    Mark(bool),
    /// The end of a paragraph in the cell.
    Break,
    /// A table nested in the cell.
    Table(Vec<Row>),
}

/// One row of a table being gathered: its cells' contents and its properties (the row end's).
#[derive(Debug)]
struct Row {
    cells: Vec<Vec<Bit>>,
    bounds: Vec<i16>,
    vmerge: Vec<Option<bool>>,
    hmerged: Vec<bool>,
}

/// A table being gathered at one depth: its finished rows, the finished cells of the row
/// under way and the content of the cell under way.
#[derive(Debug, Default)]
struct Open {
    rows: Vec<Row>,
    cells: Vec<Vec<Bit>>,
    cell: Vec<Bit>,
}

impl Open {
    /// The rows, with a row whose end mark never came (a damaged file) kept as one.
    fn finish(mut self) -> Vec<Row> {
        if has_content(&self.cell) {
            self.cells.push(std::mem::take(&mut self.cell));
        }
        if !self.cells.is_empty() {
            self.rows.push(Row {
                cells: self.cells,
                bounds: Vec::new(),
                vmerge: Vec::new(),
                hmerged: Vec::new(),
            });
        }
        self.rows
    }
}

/// End the innermost open table: a nested one goes into the cell around it, a top-level one
/// to the document.
fn close_innermost(open: &mut Vec<Open>, b: &mut Builder) {
    let Some(done) = open.pop() else {
        return;
    };
    let rows = done.finish();
    if rows.is_empty() {
        return;
    }
    match open.last_mut() {
        Some(outer) => outer.cell.push(Bit::Table(rows)),
        None => emit_table(b, rows),
    }
}

/// Whether a cell's content has more than paragraph ends.
fn has_content(bits: &[Bit]) -> bool {
    bits.iter().any(|b| !matches!(b, Bit::Break))
}

/// Tracks fields across the text: a field's instructions (between 0x13 and 0x14) are hidden,
/// its result shown; fields nest, and an instruction hides whatever it holds.
#[derive(Default)]
struct Fields {
    /// Per open field: whether its result is being shown.
    open: Vec<bool>,
    /// How many open fields are still in their instructions.
    hiding: usize,
}

impl Fields {
    /// Whether the character is part of what is shown.
    fn show(&mut self, c: char) -> bool {
        match c {
            '\u{13}' => {
                self.open.push(false);
                self.hiding += 1;
                false
            }
            '\u{14}' => {
                if let Some(showing) = self.open.last_mut() {
                    if !*showing {
                        *showing = true;
                        self.hiding -= 1;
                    }
                }
                false
            }
            '\u{15}' => {
                if self.open.pop() == Some(false) {
                    self.hiding -= 1;
                }
                false
            }
            _ => self.hiding == 0,
        }
    }
}

/// A paragraph's content as shown: field instructions hidden, a field's result kept, special
/// characters (pictures, drawn objects, footnote marks) dropped, symbol-font checkboxes as
/// marks, Word's manual line break a line break, its non-breaking and optional hyphens a
/// hyphen and nothing.
fn shown(chars: &[Char], fields: &mut Fields, glyphs: &Glyphs) -> Vec<Bit> {
    let mut out = Vec::new();
    let mut text = String::new();
    for &ch in chars {
        if ch.c == '\u{01}' {
            if let Some(m) = glyphs.form_box(ch) {
                if !text.is_empty() {
                    out.push(Bit::Text(std::mem::take(&mut text)));
                }
                out.push(Bit::Mark(m));
                continue;
            }
        }
        if !fields.show(ch.c) {
            continue;
        }
        match ch.c {
            '\u{0B}' => text.push('\n'),
            '\u{1E}' => text.push('-'),
            '\u{1F}' | '\u{01}' | '\u{02}' | '\u{08}' | '\u{05}' | '\u{0C}' | '\u{0E}' => {}
            '\u{07}' | '\r' => {}
            _ => match glyphs.shown(ch) {
                Shown::Char(c) => text.push(c),
                Shown::Mark(m) => {
                    if !text.is_empty() {
                        out.push(Bit::Text(std::mem::take(&mut text)));
                    }
                    out.push(Bit::Mark(m));
                }
                Shown::Nothing => {}
            },
        }
    }
    if !text.is_empty() {
        out.push(Bit::Text(text));
    }
    out
}

/// Write a cell's content to the builder: paragraphs on their own lines, nested tables as
/// tables of their own.
fn emit_content(b: &mut Builder, bits: Vec<Bit>) {
    let mut lines = 0usize;
    let mut line_started = false;
    for bit in bits {
        match bit {
            Bit::Text(t) => {
                if !line_started && lines > 0 {
                    b.line_break();
                }
                line_started = true;
                b.text(&t);
            }
            Bit::Mark(m) => {
                if !line_started && lines > 0 {
                    b.line_break();
                }
                line_started = true;
                b.mark(m);
            }
            Bit::Break => {
                if line_started {
                    lines += 1;
                }
                line_started = false;
            }
            Bit::Table(rows) => {
                emit_table(b, rows);
                line_started = false;
            }
        }
    }
}

/// Cell boundaries closer than this (in twips, 1/1440 inch; 40 is 0.7 mm) are one line of
/// the table's grid: rows that end a hair apart (a border dragged by hand, a row indented a
/// little after a page break) would otherwise make columns no text fits in.
const SNAP_TWIPS: i32 = 40;

/// Write a gathered table to the builder: column spans from the union of every row's cell
/// boundaries (near ones taken as one), vertical merges from the rows' flags, cells merged
/// into the one before them (Word 97's horizontal merge) joined to it.
fn emit_table(b: &mut Builder, rows: Vec<Row>) {
    let mut all: Vec<i32> = rows
        .iter()
        .flat_map(|r| r.bounds.iter().map(|x| i32::from(*x)))
        .collect();
    all.sort_unstable();
    all.dedup();
    // Grid lines: each starts a cluster of boundaries at most SNAP_TWIPS wide.
    let mut grid: Vec<i32> = Vec::new();
    for x in all {
        if grid.last().is_none_or(|g| x - g > SNAP_TWIPS) {
            grid.push(x);
        }
    }
    let line = |x: i16| {
        grid.partition_point(|g| *g <= i32::from(x))
            .saturating_sub(1)
    };
    b.open_table();
    if grid.len() > 1 {
        b.grid_columns(grid.len() - 1);
    }
    for row in rows {
        b.open_row();
        let known = row.bounds.len() == row.cells.len() + 1;
        // Cells as (content, left boundary index, right boundary index, vertical merge).
        let mut cells: Vec<(Vec<Bit>, usize, usize, Option<bool>)> = Vec::new();
        for (i, content) in row.cells.into_iter().enumerate() {
            let merged = known && i > 0 && row.hmerged.get(i).copied().unwrap_or(false);
            match cells.last_mut() {
                Some(last) if merged => {
                    last.2 = i + 1;
                    if !content.is_empty() {
                        last.0.push(Bit::Break);
                        last.0.extend(content);
                    }
                }
                _ => cells.push((content, i, i + 1, row.vmerge.get(i).copied().flatten())),
            }
        }
        for (content, l, r, vmerge) in cells {
            let span = match (known, row.bounds.get(l), row.bounds.get(r)) {
                (true, Some(&l), Some(&r)) => u32::try_from(line(r).saturating_sub(line(l)))
                    .unwrap_or(1)
                    .max(1),
                _ => 1,
            };
            let vmerge = match vmerge {
                Some(false) => VMerge::Continue,
                _ => VMerge::None,
            };
            b.open_cell(span, 1, vmerge);
            if vmerge == VMerge::None {
                emit_content(b, content);
            }
            b.close_cell();
        }
    }
    b.close_table();
}

/// Where the FIB's fields are: the FibRgLw97 (counts) and the FibRgFcLcb blob (offsets and
/// sizes in the table stream), found through the FIB's own counts rather than assumed.
struct Fib<'a> {
    doc: &'a [u8],
    rg_lw: usize,
    rg_fc_lcb: usize,
    count_fc_lcb: usize,
}

impl Fib<'_> {
    fn lw(&self, i: usize) -> Option<u32> {
        u32_at(self.doc, self.rg_lw + 4 * i)
    }

    /// The i-th (fc, lcb) pair of the FibRgFcLcb.
    fn fc_lcb(&self, i: usize) -> Option<(usize, usize)> {
        if i >= self.count_fc_lcb {
            return None;
        }
        let at = self.rg_fc_lcb + 8 * i;
        Some((
            u32_at(self.doc, at)? as usize,
            u32_at(self.doc, at + 4)? as usize,
        ))
    }
}

fn fib(doc: &[u8]) -> Option<Fib<'_>> {
    let csw = usize::from(u16_at(doc, 0x20)?);
    let at_cslw = 0x22 + 2 * csw;
    let cslw = usize::from(u16_at(doc, at_cslw)?);
    let rg_lw = at_cslw + 2;
    let at_count = rg_lw + 4 * cslw;
    let count_fc_lcb = usize::from(u16_at(doc, at_count)?);
    Some(Fib {
        doc,
        rg_lw,
        rg_fc_lcb: at_count + 2,
        count_fc_lcb,
    })
}

/// FibRgFcLcb97 entries this reader uses.
const FC_PLCF_BTE_CHPX: usize = 12;
const FC_PLCF_BTE_PAPX: usize = 13;
const FC_STTBF_FFN: usize = 15;
const FC_CLX: usize = 33;

/// The tables of a `.doc` or `.wps` file.
///
/// # Errors
/// GK001 for a file that is not a Word document inside, is encrypted, is in the Word 6/95
/// format, or is cut short.
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
    // Word 6.0 and Word 95 (wIdent 0xA5DC, or nFib 101–105) lay out the header and the
    // properties differently.
    let n_fib = u16_at(&doc, 2).unwrap_or(0);
    if ident == 0xA5DC || (ident == 0xA5EC && n_fib < 0x00C0) {
        return Err(broken(
            file,
            "这是 Word 6.0/95 格式的文档（早于 Word 97），本工具只读 Word 97–2003 格式",
        ));
    }
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
    let fib = fib(&doc).ok_or_else(|| broken(file, "文件头不完整"))?;
    let (Some(ccp_text), Some((fc_clx, lcb_clx)), Some((fc_papx, lcb_papx))) =
        (fib.lw(3), fib.fc_lcb(FC_CLX), fib.fc_lcb(FC_PLCF_BTE_PAPX))
    else {
        return Err(broken(file, "文件头不完整"));
    };
    let (pieces, prcs) =
        pieces(&table, fc_clx, lcb_clx).ok_or_else(|| broken(file, "文本片段表损坏"))?;
    let text = main_text(&doc, &pieces, ccp_text);
    // The Data stream is absent from documents with nothing stored there.
    let data = stream(&mut c, "/Data", max).unwrap_or_default();
    let budget = Cell::new(
        (64usize << 20)
            .saturating_add(16usize.saturating_mul(doc.len() + table.len() + data.len())),
    );
    let runs = paragraph_runs(&doc, &table, &data, fc_papx, lcb_papx, &budget);
    let fonts = fib
        .fc_lcb(FC_STTBF_FFN)
        .map(|(fc, lcb)| font_names(&table, fc, lcb))
        .unwrap_or_default();
    let glyphs = Glyphs {
        runs: fib
            .fc_lcb(FC_PLCF_BTE_CHPX)
            .map(|(fc, lcb)| character_runs(&doc, &table, fc, lcb))
            .unwrap_or_default(),
        fonts: &fonts,
        data: &data,
    };
    // A paragraph's properties: those of the PAPX run holding its mark's byte, then the
    // property modifier of the mark's piece (fast-saved files).
    let props = |ch: Char| -> Para {
        let mut p = run_at(&runs, ch.fc).cloned().unwrap_or_default();
        let prm = pieces.get(ch.piece as usize).map_or(0, |p| p.prm);
        if prm & 1 == 1 {
            if let Some(g) = prcs.get(usize::from(prm >> 1)) {
                p.apply(g, &data, &budget);
            }
        } else if let Some(sprm) = prm0_sprm((prm >> 1) & 0x7F) {
            let [lo, hi] = sprm.to_le_bytes();
            p.apply(&[lo, hi, (prm >> 8) as u8], &[], &budget);
        }
        p
    };

    let mut b = Builder::new(false);
    let mut open: Vec<Open> = Vec::new();
    let mut fields = Fields::default();
    let mut start = 0usize;
    for (i, ch) in text.iter().enumerate() {
        if ch.c != '\r' && ch.c != '\u{07}' {
            continue;
        }
        let para = props(*ch);
        let bits = shown(text.get(start..i).unwrap_or(&[]), &mut fields, &glyphs);
        start = i + 1;
        let depth = para.depth();
        // Tables deeper than this paragraph end here: each goes into the cell around it,
        // or to the document.
        while open.len() > depth {
            close_innermost(&mut open, &mut b);
        }
        while open.len() < depth {
            open.push(Open::default());
        }
        let Some(t) = open.last_mut() else {
            // A paragraph outside tables: a block of the tables' context.
            emit_content(&mut b, bits);
            b.flush_block();
            continue;
        };
        // At the top level a cell ends at a cell mark (0x07) and a row at a cell mark with
        // sprmPFTtp; in a nested table both end at paragraph marks, flagged.
        let (row_end, cell_end) = if depth == 1 {
            (para.row_end, ch.c == '\u{07}')
        } else {
            (
                para.inner_row_end || para.row_end,
                para.inner_cell || ch.c == '\u{07}',
            )
        };
        if row_end {
            let cell = std::mem::take(&mut t.cell);
            if has_content(&cell) {
                t.cells.push(cell);
            }
            t.rows.push(Row {
                cells: std::mem::take(&mut t.cells),
                bounds: para.bounds,
                vmerge: para.vmerge,
                hmerged: para.hmerged,
            });
            continue;
        }
        t.cell.extend(bits);
        t.cell.push(Bit::Break);
        if cell_end {
            t.cells.push(std::mem::take(&mut t.cell));
        }
    }
    while !open.is_empty() {
        close_innermost(&mut open, &mut b);
    }
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hostile file can point every paragraph run of every page at the same 64 KB of
    /// properties in the Data stream: the sprm budget stops the work at a multiple of the
    /// input's size instead of pages × runs × 64 KB.
    #[test]
    fn huge_properties_shared_by_every_run_cost_a_bounded_amount_of_work() {
        // Data: one grpprl of 65 534 bytes of sprmTDxaCol (0x7623, a 4-byte operand).
        let sprm = [0x23, 0x76, 0, 1, 100, 0];
        let grpprl: Vec<u8> = sprm.iter().copied().cycle().take(65_532).collect();
        let mut data = u16::try_from(grpprl.len())
            .unwrap_or(0)
            .to_le_bytes()
            .to_vec();
        data.extend(&grpprl);
        // Full pages (29 runs), each run with the PAPX holding only sprmPHugePapx at Data
        // offset 0.
        let pages = 1000usize;
        let mut doc = vec![0u8; 512 * pages];
        let mut plc = Vec::new();
        for page in 0..pages {
            let fkp = &mut doc[page * 512..page * 512 + 512];
            let crun = 29usize;
            for r in 0..=crun {
                let fc = u32::try_from(page * 512 + r).unwrap_or(0);
                fkp[r * 4..r * 4 + 4].copy_from_slice(&fc.to_le_bytes());
            }
            for r in 0..crun {
                fkp[(crun + 1) * 4 + r * 13] = 249; // the PAPX at byte 498
            }
            fkp[498] = 0;
            fkp[499] = 4; // 8 bytes: istd, sprmPHugePapx, offset 0
            fkp[502..504].copy_from_slice(&0x6646u16.to_le_bytes());
            fkp[511] = u8::try_from(crun).unwrap_or(0);
            plc.extend(u32::try_from(page * 512).unwrap_or(0).to_le_bytes());
        }
        plc.extend(u32::try_from(pages * 512).unwrap_or(0).to_le_bytes());
        for page in 0..pages {
            plc.extend(u32::try_from(page).unwrap_or(0).to_le_bytes());
        }
        let start = 16 * (doc.len() + plc.len() + data.len());
        let budget = Cell::new(start);
        let runs = paragraph_runs(&doc, &plc, &data, 0, plc.len(), &budget);
        assert_eq!(runs.len(), pages * 29);
        // Without the budget: 29 000 runs × 64 KB, 1.9 GB of sprms; with it, what it allows.
        assert_eq!(budget.get(), 0);
        assert!(runs.iter().any(|r| r.2.bounds.is_empty()));
    }
}
