//! The CSV reader as it was before records without quotes were split by hand (csv 1.4 over
//! csv_core, with the line-break and quote bookkeeping around it): kept for the tests only, as
//! the oracle the new reader must agree with record for record, line for line.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::rc::Rc;
use std::sync::Arc;

use encoding_rs::UTF_8;
use encoding_rs_io::DecodeReaderBytesBuilder;

use super::{detect_encoding, sniff_delimiter, READ_BUFFER, SNIFF};
use crate::diag::Diagnostic;
use crate::limits::Limits;
use crate::read::codes;
use crate::read::table::RawRow;

/// Offsets of every CR and LF byte read so far and not yet passed by a record.
type Breaks = Rc<RefCell<VecDeque<(u64, bool)>>>;

/// A reader that notes where line breaks are, so records get true line numbers. The csv
/// crate's own line numbers lag behind with CRLF files and blank lines (probe: a record after
/// a blank CRLF line is reported one line early), and Excel writes CRLF.
struct BreakNoter<R> {
    inner: R,
    offset: u64,
    breaks: Breaks,
    /// Quote state, to find a quote that is never closed (the csv crate reads such a field to
    /// the end of the file without complaint, swallowing every row after it).
    quote: Rc<RefCell<QuoteState>>,
    delimiter: u8,
    /// The byte before the current buffer (a quote's context may start in the previous one).
    last: Option<u8>,
}

#[derive(Debug, Default)]
struct QuoteState {
    inside: bool,
    lines: u64,
    opened_at_line: u64,
    /// Offset of the quote that last closed a quoted field: a quote right after it is the
    /// second half of an escaped `""`, which reopens the field.
    closed_at: Option<u64>,
    /// Quotes inside an unquoted field (`15"显示屏`), which the csv crate, Excel and Python
    /// all read as ordinary characters: how many, and the line of the first.
    stray: u64,
    stray_line: u64,
}

impl<R: Read> Read for BreakNoter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut q = self.breaks.borrow_mut();
        let mut quote = self.quote.borrow_mut();
        for i in memchr::memchr3_iter(b'\n', b'\r', b'"', &buf[..n]) {
            let b = buf[i];
            let at = self.offset + i as u64;
            if b == b'\n' || b == b'\r' {
                q.push_back((at, b == b'\n'));
                quote.lines += u64::from(b == b'\n');
                continue;
            }
            if quote.inside {
                quote.inside = false;
                quote.closed_at = Some(at);
                continue;
            }
            let prev = if i > 0 {
                buf.get(i - 1).copied()
            } else {
                self.last
            };
            // A quote opens a quoted field only where a field starts (after the delimiter, a
            // line break, the start of the file or its UTF-8 BOM); elsewhere it is text.
            let field_start = match prev {
                None => true,
                Some(p) => {
                    p == self.delimiter || p == b'\n' || p == b'\r' || (at == 3 && p == 0xBF)
                }
            };
            if quote.closed_at.is_some_and(|c| c + 1 == at) || field_start {
                quote.inside = true;
                quote.opened_at_line = quote.lines + 1;
            } else {
                if quote.stray == 0 {
                    quote.stray_line = quote.lines + 1;
                }
                quote.stray += 1;
            }
        }
        if let Some(b) = buf[..n].last() {
            self.last = Some(*b);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Rows of a CSV file, with each record's row as a spreadsheet shows it.
pub struct OracleRows {
    reader: csv::Reader<BreakNoter<Box<dyn Read>>>,
    file: Arc<str>,
    record: csv::ByteRecord,
    row: u32,
    breaks: Breaks,
    quote: Rc<RefCell<QuoteState>>,
    /// Line feeds passed so far.
    lines_before: u64,
    /// Line where the next record starts if no blank line comes first.
    next_line: u64,
    done: bool,
    limits: Limits,
    /// Rows read as GBK in a UTF-8 file: (row, line, first such field).
    gbk_rows: Vec<(u32, u32, u32)>,
}

impl OracleRows {
    /// Warnings about how the file was read, once every row has been: quotes inside
    /// unquoted fields, read as Excel reads them (as text).
    pub fn take_warnings(&mut self) -> Vec<Diagnostic> {
        let mut out = super::gbk_row_diagnostics(&self.file, &std::mem::take(&mut self.gbk_rows));
        let mut q = self.quote.borrow_mut();
        if q.stray == 0 {
            return out;
        }
        let mut d = Diagnostic::new(
            &codes::STRAY_QUOTE,
            format!(
                "第{}行起有 {} 个英文双引号（\"）位于未加引号的单元格中间，已按 Excel 的方式作为普通字符读取",
                q.stray_line, q.stray
            ),
        )
        .in_file(&self.file)
        .hint("确认这些单元格读得正确；要在 CSV 中写引号，把整个单元格用引号括起并把引号写成两个（\"\"）");
        d.line = Some(q.stray_line as u32);
        q.stray = 0;
        out.push(d);
        out
    }

    /// The line on which a record reported at `byte` really starts: after the line breaks
    /// (and blank lines) that the parser counts as part of the gap before it.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut q = self.breaks.borrow_mut();
        while q.front().is_some_and(|(o, _)| *o < byte) {
            if let Some((_, lf)) = q.pop_front() {
                self.lines_before += u64::from(lf);
            }
        }
        let mut pos = byte;
        while q.front().is_some_and(|(o, _)| *o == pos) {
            if let Some((_, lf)) = q.pop_front() {
                self.lines_before += u64::from(lf);
            }
            pos += 1;
        }
        self.lines_before + 1
    }
}

/// Rows of CSV text from any reader (a file, or bytes in memory for the fuzz targets).
///
/// # Errors
/// A GK001 diagnostic when the first bytes cannot be read.
pub fn from_reader(
    mut f: Box<dyn Read>,
    file: &Arc<str>,
    delimiter: Option<u8>,
    limits: &Limits,
) -> Result<OracleRows, Diagnostic> {
    let unreadable = |e: io::Error| crate::read::unreadable(file, &e);
    let mut prefix = Vec::with_capacity(SNIFF);
    (&mut f)
        .take(SNIFF as u64)
        .read_to_end(&mut prefix)
        .map_err(unreadable)?;
    let complete = prefix.len() < SNIFF;
    let encoding = detect_encoding(&prefix, complete);
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&prefix));
    let chained = io::Cursor::new(prefix).chain(f);
    let source: Box<dyn Read> = if encoding == UTF_8 {
        // csv strips a UTF-8 BOM itself; bytes stay bytes so invalid UTF-8 can be reported
        // at its row instead of silently replaced.
        Box::new(chained)
    } else {
        Box::new(
            DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .bom_override(true)
                .build(chained),
        )
    };
    let breaks: Breaks = Rc::default();
    let quote: Rc<RefCell<QuoteState>> = Rc::default();
    let noted = BreakNoter {
        inner: source,
        offset: 0,
        breaks: Rc::clone(&breaks),
        quote: Rc::clone(&quote),
        delimiter,
        last: None,
    };
    let reader = csv::ReaderBuilder::new()
        // Fewer, larger reads: the parser's default 8 KiB buffer is refilled 60,000 times
        // for a province table.
        .buffer_capacity(READ_BUFFER)
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(noted);
    Ok(OracleRows {
        reader,
        file: Arc::clone(file),
        record: csv::ByteRecord::new(),
        row: 0,
        breaks,
        quote,
        lines_before: 0,
        next_line: 1,
        done: false,
        limits: *limits,
        gbk_rows: Vec::new(),
    })
}

impl Iterator for OracleRows {
    type Item = Result<RawRow, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                let q = self.quote.borrow();
                if q.inside {
                    let mut d = Diagnostic::new(
                        &codes::CSV_MALFORMED,
                        format!("第{}行开始的引号一直没有结束，其后各行都被读成了一个单元格", q.opened_at_line),
                    )
                    .in_file(&self.file)
                    .hint("在该行找到多余或缺少的英文双引号（\"）并改正；单元格内的引号要写成两个（\"\"）");
                    d.line = Some(q.opened_at_line as u32);
                    return Some(Err(d));
                }
                None
            }
            Ok(true) => {
                let byte = self.record.position().map(|p| p.byte()).unwrap_or(0);
                let line = self.line_at(byte);
                // Blank lines are skipped by the parser but shown as rows by a spreadsheet.
                let blank = line.saturating_sub(self.next_line);
                self.row += 1 + blank as u32;
                if u64::from(self.row) > self.limits.max_rows {
                    self.done = true;
                    let d = Diagnostic::new(
                        &codes::INPUT_TOO_LARGE,
                        format!("表格超过 {} 行的读取上限", self.limits.max_rows),
                    )
                    .in_file(&self.file)
                    .hint("拆分文件，或用 --max-rows 提高上限");
                    return Some(Err(d));
                }
                let max_columns = self.limits.max_columns;
                if self.record.len() > max_columns {
                    self.done = true;
                    let mut d = Diagnostic::new(
                        &codes::INPUT_TOO_LARGE,
                        format!(
                            "第{}行有 {} 列，超过 {max_columns} 列的读取上限（Excel 最多 16,384 列）",
                            self.row,
                            self.record.len()
                        ),
                    )
                    .in_file(&self.file)
                    .hint("检查分隔符是否正确（如 TSV 存成了 .csv）；目录表只需十几列");
                    d.row = Some(self.row);
                    d.line = Some(line as u32);
                    return Some(Err(d));
                }
                // The fields' bytes, end to end: line feeds inside quoted cells.
                let newlines = memchr::memchr_iter(b'\n', self.record.as_slice()).count() as u64;
                self.next_line = line + 1 + newlines;
                let mut cells = Vec::with_capacity(self.record.len());
                // One UTF-8 check for the whole record, the cells then sliced from it (a cell
                // cut inside a character is not on a boundary and fails); only a record that
                // fails is checked cell by cell, to name the cell at fault.
                if let Ok(all) = simdutf8::basic::from_utf8(self.record.as_slice()) {
                    for i in 0..self.record.len() {
                        let Some(s) = self.record.range(i).and_then(|r| all.get(r)) else {
                            cells.clear();
                            break;
                        };
                        // A byte-order mark where a line starts: see below.
                        let s = match (i, s.strip_prefix('\u{feff}')) {
                            (0, Some(rest)) => rest,
                            _ => s,
                        };
                        cells.push(s.to_string());
                    }
                    if cells.len() == self.record.len() {
                        return Some(Ok(RawRow {
                            cells: cells.into(),
                            row: self.row,
                            line: Some(line as u32),
                            first_column: 1,
                            merged: Vec::new(),
                        }));
                    }
                }
                let fields: Vec<&[u8]> = self
                    .record
                    .iter()
                    .enumerate()
                    .map(|(i, field)| {
                        // A byte-order mark where a line starts is left by joining files
                        // (`cat a.csv b.csv`): it belongs to no cell, so the second header
                        // reads as a repeated header and no unit gets a "\u{feff}" name.
                        match (i, field.strip_prefix(b"\xEF\xBB\xBF")) {
                            (0, Some(rest)) => rest,
                            _ => field,
                        }
                    })
                    .collect();
                let (decoded, first) = super::cells_with_gbk(&fields);
                if fields
                    .iter()
                    .any(|f| simdutf8::basic::from_utf8(f).is_err())
                {
                    self.gbk_rows.push((self.row, line as u32, first as u32));
                }
                cells = decoded;
                Some(Ok(RawRow {
                    cells: cells.into(),
                    row: self.row,
                    line: Some(line as u32),
                    first_column: 1,
                    merged: Vec::new(),
                }))
            }
            Err(e) => {
                self.done = true;
                let line = e.position().map(|p| p.line() as u32);
                let mut d = Diagnostic::new(&codes::CSV_MALFORMED, format!("CSV 格式错误：{e}"))
                    .in_file(&self.file)
                    .hint("检查引号是否成对；可在 Excel/WPS 中打开后重新另存为 CSV");
                d.line = line;
                Some(Err(d))
            }
        }
    }
}
