//! CSV and TSV drafts, in the encodings Excel and WPS save: UTF-8 with or without BOM,
//! GB18030/GBK (plain "CSV" on Chinese Windows), UTF-16 with BOM. The file is streamed, never
//! held whole, so province-scale tables read in constant memory.
//!
//! Parsing is the reader thread's largest cost, and nearly every record of a real or generated
//! table holds no quote: such a record is one line, split at its delimiters with memchr. Only a
//! record whose line holds a quote is handed to csv_core (the csv crate's parser), from its
//! first byte to its end, so quoted cells, line breaks inside them and quotes inside unquoted
//! cells read exactly as csv reads them. The tests hold the reader to the csv crate's records
//! and to the line numbers the reader gave before (`csv_oracle.rs`).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

use csv_core::ReadRecordResult;

use encoding_rs::{Encoding, GB18030, UTF_8};
use encoding_rs_io::DecodeReaderBytesBuilder;

use super::codes;
use super::table::{Cells, RawRow};
use crate::diag::Diagnostic;
use crate::limits::Limits;

/// How many bytes are looked at to choose the encoding.
const SNIFF: usize = 64 * 1024;

/// The read buffer (grown for a record longer than it).
const READ_BUFFER: usize = 256 * 1024;

/// Choose the encoding of a text file from its first bytes: a BOM if there is one; UTF-16
/// without one when NUL bytes stand at every other position (a table's digits, commas and
/// line breaks are ASCII: `1\0,\0` is UTF-16LE, `\01\0,` UTF-16BE); UTF-8 when the bytes are
/// valid UTF-8, or mostly so (a row pasted in GBK into a UTF-8 file, read row by row then,
/// see [`CsvRows`]); otherwise GB18030 (a superset of GBK).
pub fn detect_encoding(prefix: &[u8], is_complete: bool) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(prefix) {
        return enc;
    }
    if let Some(enc) = utf16_without_bom(prefix) {
        return enc;
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => UTF_8,
        // A multi-byte character cut at the end of the sniffed prefix is still UTF-8.
        Err(e) if !is_complete && e.error_len().is_none() => UTF_8,
        Err(_) if mostly_utf8(prefix) => UTF_8,
        Err(_) => GB18030,
    }
}

/// UTF-16 without a byte-order mark, from where its NUL bytes stand: text in UTF-8 or GBK
/// has none, while a table's separators and line breaks in UTF-16 are a NUL beside a tab,
/// CR, LF, comma or semicolon — after it (LE) or before it (BE). Only these count: a NUL
/// beside other bytes is also the half of characters such as 开 (U+5F00) or the ideographic
/// space, whose other half would vote for the wrong byte order.
fn utf16_without_bom(prefix: &[u8]) -> Option<&'static Encoding> {
    let separator = |b: u8| matches!(b, b'\t' | b'\n' | b'\r' | b',' | b';');
    let (mut le, mut be) = (0usize, 0usize);
    for pair in prefix.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (b, 0) if separator(b) => le += 1,
            (0, b) if separator(b) => be += 1,
            _ => {}
        }
    }
    if le >= 2 && le > 4 * be {
        Some(encoding_rs::UTF_16LE)
    } else if be >= 2 && be > 4 * le {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Whether bytes that are not valid UTF-8 are still mostly UTF-8: at least twice as many
/// well-formed multi-byte characters as runs of invalid bytes. GBK text has practically no
/// well-formed UTF-8 sequences, so a GBK file stays GBK; a UTF-8 file with a pasted GBK row
/// is UTF-8 with a few bad stretches.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                good += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                good += std::str::from_utf8(valid)
                    .map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                match e.error_len() {
                    Some(n) => {
                        // A run of invalid bytes (one GBK cell) counts once.
                        if e.valid_up_to() > 0 || bad == 0 {
                            bad += 1;
                        }
                        rest = after.get(n..).unwrap_or_default();
                    }
                    // Cut at the end of the prefix.
                    None => break,
                }
            }
        }
    }
    good >= 2 * bad.max(1)
}

/// Whether text that is not UTF-8 is Big5 rather than GBK: read as Big5 its first bytes name
/// the template's columns in Traditional characters (公開, 事項, 序號 …), read as GBK they name
/// none. Both encodings take nearly any pair of bytes, so only the words can tell.
fn looks_like_big5(prefix: &[u8]) -> bool {
    const TRADITIONAL: [&str; 6] = ["公開", "事項", "序號", "依據", "時限", "目錄"];
    const SIMPLIFIED: [&str; 8] = [
        "公开", "事项", "序号", "依据", "时限", "目录", "公開", "事項",
    ];
    let (big5, _, _) = encoding_rs::BIG5.decode(prefix);
    if !TRADITIONAL.iter().any(|w| big5.contains(w)) {
        return false;
    }
    let (gbk, _, _) = GB18030.decode(prefix);
    !SIMPLIFIED.iter().any(|w| gbk.contains(w))
}

/// Cells of a record that is not all UTF-8: each field that is stays as it is, each that is
/// not is decoded as GB18030 (a row pasted from a GBK file, or typed on a GBK system, into a
/// UTF-8 table). Returns the cells and the first field (0-based) that was not UTF-8.
pub(super) fn cells_with_gbk(fields: &[&[u8]]) -> (Vec<String>, usize) {
    let mut first = None;
    let cells = fields
        .iter()
        .enumerate()
        .map(|(i, f)| match simdutf8::basic::from_utf8(f) {
            Ok(s) => s.to_string(),
            Err(_) => {
                first.get_or_insert(i);
                GB18030.decode_without_bom_handling(f).0.into_owned()
            }
        })
        .collect();
    (cells, first.unwrap_or(0))
}

/// How many rows read as GBK in a UTF-8 file are reported one by one; the rest in one.
const GBK_ROWS_SHOWN: usize = 5;

/// GK004 for rows of a UTF-8 file that are not UTF-8 and were read as GBK: one for each of
/// the first few (at the row and the first such cell), then one for the rest.
pub(super) fn gbk_row_diagnostics(file: &Arc<str>, rows: &[(u32, u32, u32)]) -> Vec<Diagnostic> {
    const HINT: &str = "文件是 UTF-8，这些行却不是（多为从 GBK 文件粘贴而来），已按 GBK 读取：请核对这些行，并在 Excel/WPS 中把文件另存为“CSV UTF-8”。繁体 Big5 编码的文件 gkml 不读取，请同样另存为 UTF-8";
    let mut out: Vec<Diagnostic> = rows
        .iter()
        .take(GBK_ROWS_SHOWN)
        .map(|&(row, line, col)| {
            let mut d = Diagnostic::new(
                &codes::BAD_ENCODING,
                format!("第{row}行不是 UTF-8 文本，已按 GBK 编码读取该行"),
            )
            .in_file(file)
            .hint(HINT);
            d.row = Some(row);
            d.line = Some(line);
            d.column = Some(col + 1);
            d.cell = Some(crate::diag::cell_name(row, col + 1));
            // The row was read: a warning (exit 0) that asks for a look, not a file that
            // could not be read (exit 2).
            d.severity = crate::diag::Severity::Warning;
            d
        })
        .collect();
    if let Some(&(row, line, col)) = rows.get(GBK_ROWS_SHOWN) {
        let mut d = Diagnostic::new(
            &codes::BAD_ENCODING,
            format!(
                "第{row}行起另有 {} 行不是 UTF-8 文本，已按 GBK 编码读取",
                rows.len() - GBK_ROWS_SHOWN
            ),
        )
        .in_file(file)
        .hint(HINT);
        d.row = Some(row);
        d.line = Some(line);
        d.column = Some(col + 1);
        d.cell = Some(crate::diag::cell_name(row, col + 1));
        d.severity = crate::diag::Severity::Warning;
        out.push(d);
    }
    out
}

/// The delimiter of a `.csv` or `.txt` table from its first bytes: a comma, a tab (Excel's
/// "Unicode 文本" and "制表符分隔" exports, a table pasted from a page) or a semicolon (a "CSV"
/// saved by Excel in a European locale), whichever the first thirty records hold most of
/// outside quoted cells (a title row above the header has none; a `"a,b"` cell is one cell).
/// Ties go to the tab, then the comma; with none of them, a comma. Counted on the decoded
/// text, since in UTF-16 a tab's byte also occurs inside characters (三 is U+4E09).
pub fn sniff_delimiter(prefix: &[u8]) -> u8 {
    let encoding = detect_encoding(prefix, false);
    let (text, _) = encoding.decode_with_bom_removal(prefix);
    let mut best = (b',', 0);
    for d in [b'\t', b',', b';'] {
        let n = delimiters_outside_quotes(&text, char::from(d), 30);
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

/// How many `delimiter`s the first `records` records of CSV text hold outside quoted cells.
/// A quote opens a quoted cell only where a cell starts, as the reader reads it; a line break
/// inside a quoted cell does not end the record.
fn delimiters_outside_quotes(text: &str, delimiter: char, records: usize) -> usize {
    let (mut count, mut ended) = (0, 0);
    let (mut inside, mut closed) = (false, false);
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let just_closed = std::mem::take(&mut closed);
        if inside {
            if c == '"' {
                inside = false;
                closed = true;
            }
        } else if c == '"' {
            // Right after a closing quote, a quote is the second half of `""`: the cell goes on.
            inside =
                just_closed || matches!(prev, None | Some('\n' | '\r')) || prev == Some(delimiter);
        } else if c == delimiter {
            count += 1;
        } else if c == '\n' {
            ended += 1;
            if ended >= records {
                break;
            }
        }
        prev = Some(c);
    }
    count
}

/// Quote state, to find a quote that is never closed (csv_core reads such a field to the end of
/// the file without complaint, swallowing every row after it) and quotes inside unquoted
/// fields. It follows the bytes as they are read, ahead of the parser.
#[derive(Debug, Default)]
struct QuoteState {
    inside: bool,
    opened_at_line: u64,
    /// Offset of the quote that last closed a quoted field: a quote right after it is the
    /// second half of an escaped `""`, which reopens the field.
    closed_at: Option<u64>,
    /// Quotes inside an unquoted field (`15"显示屏`), which the csv crate, Excel and Python
    /// all read as ordinary characters: how many, and the line of the first.
    stray: u64,
    stray_line: u64,
    /// Offset in the stream of the next byte fed, and the byte before it.
    offset: u64,
    last: Option<u8>,
    delimiter: u8,
}

impl QuoteState {
    /// Note the quotes of `chunk`, the next bytes read; `lines` line feeds come before it.
    fn feed(&mut self, chunk: &[u8], mut lines: u64) {
        let mut counted = 0;
        for i in memchr::memchr_iter(b'"', chunk) {
            lines += count_lf(chunk.get(counted..i).unwrap_or_default());
            counted = i;
            let at = self.offset + i as u64;
            if self.inside {
                self.inside = false;
                self.closed_at = Some(at);
                continue;
            }
            let prev = match i.checked_sub(1) {
                Some(p) => chunk.get(p).copied(),
                None => self.last,
            };
            // A quote opens a quoted field only where a field starts (after the delimiter, a
            // line break, the start of the file or its UTF-8 BOM); elsewhere it is text.
            let field_start = match prev {
                None => true,
                Some(p) => {
                    p == self.delimiter || p == b'\n' || p == b'\r' || (at == 3 && p == 0xBF)
                }
            };
            if self.closed_at.is_some_and(|c| c + 1 == at) || field_start {
                self.inside = true;
                self.opened_at_line = lines + 1;
            } else {
                if self.stray == 0 {
                    self.stray_line = lines + 1;
                }
                self.stray += 1;
            }
        }
        if let Some(b) = chunk.last() {
            self.last = Some(*b);
        }
        self.offset += chunk.len() as u64;
    }
}

fn count_lf(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Where the record just parsed is: a line of the read buffer split at its delimiters, or
/// csv_core's output. Either way `CsvRows::spans` holds its fields' byte ranges.
#[derive(Clone, Copy)]
enum Parsed {
    Line { start: usize, end: usize },
    Quoted { len: usize },
}

/// Rows of a CSV file, with each record's row as a spreadsheet shows it.
pub struct CsvRows {
    input: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// The next byte to parse, and the end of the bytes read, in `buf`.
    pos: usize,
    end: usize,
    eof: bool,
    /// The first bytes have been read (and a UTF-8 BOM skipped).
    started: bool,
    /// Line feeds before `buf[pos]`.
    lfs: u64,
    /// The line where the record just parsed starts.
    line: u64,
    quote: QuoteState,
    /// The parser of records that hold a quote, its output and its field ends.
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// The current record's fields, as byte ranges of its line or of `out`.
    spans: Vec<(usize, usize)>,
    delimiter: u8,
    file: Arc<str>,
    row: u32,
    /// Line where the next record starts if no blank line comes first.
    next_line: u64,
    done: bool,
    limits: Limits,
    pub encoding: &'static Encoding,
    /// Rows that were not UTF-8 in a UTF-8 file, read as GBK: (row, line, first such field).
    gbk_rows: Vec<(u32, u32, u32)>,
}

impl CsvRows {
    /// Warnings about how the file was read, once every row has been: quotes inside
    /// unquoted fields, read as Excel reads them (as text).
    pub fn take_warnings(&mut self) -> Vec<Diagnostic> {
        let mut out = gbk_row_diagnostics(&self.file, &std::mem::take(&mut self.gbk_rows));
        let q = &mut self.quote;
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

    /// Read more bytes after those not yet parsed (moved to the front of the buffer first).
    fn fill(&mut self) -> io::Result<()> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).max(READ_BUFFER);
            self.buf.resize(grown, 0);
        }
        let Some(room) = self.buf.get_mut(self.end..) else {
            return Ok(());
        };
        let n = loop {
            match self.input.read(room) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            self.eof = true;
            return Ok(());
        }
        let unparsed = self.buf.get(self.pos..self.end).unwrap_or_default();
        let lines = self.lfs + count_lf(unparsed);
        let read = self.buf.get(self.end..self.end + n).unwrap_or_default();
        self.quote.feed(read, lines);
        self.end += n;
        Ok(())
    }

    /// Parse the next record into `spans` (and `out`), noting the line it starts on; `None` at
    /// the end of the file.
    fn parse(&mut self) -> io::Result<Option<Parsed>> {
        if !self.started {
            self.started = true;
            self.fill()?;
            // As csv_core: a UTF-8 BOM at the start of the first bytes read is not text.
            if self.unparsed().starts_with(b"\xEF\xBB\xBF") {
                self.pos += 3;
            }
        }
        // Blank lines (any run of CR and LF) before a record are skipped, as csv_core does.
        loop {
            let rest = self.unparsed();
            match rest.iter().position(|&b| b != b'\n' && b != b'\r') {
                Some(k) => {
                    self.lfs += count_lf(rest.get(..k).unwrap_or_default());
                    self.pos += k;
                    self.line = self.lfs + 1;
                    break;
                }
                None => {
                    self.lfs += count_lf(rest);
                    self.pos = self.end;
                    if self.eof {
                        return Ok(None);
                    }
                    self.fill()?;
                }
            }
        }
        // The record's line, up to a CR or LF: split by hand if no quote comes first.
        let mut scanned = 0;
        loop {
            let rest = self.buf.get(self.pos..self.end).unwrap_or_default();
            let hit = memchr::memchr3(b'\n', b'\r', b'"', rest.get(scanned..).unwrap_or_default());
            let len = match hit {
                Some(k) if rest.get(scanned + k) == Some(&b'"') => return self.parse_quoted(),
                Some(k) => scanned + k,
                None if self.eof => rest.len(),
                None => {
                    scanned = rest.len();
                    self.fill()?;
                    continue;
                }
            };
            let (start, end) = (self.pos, self.pos + len);
            self.spans.clear();
            let mut from = 0;
            for d in memchr::memchr_iter(self.delimiter, rest.get(..len).unwrap_or_default()) {
                self.spans.push((from, d));
                from = d + 1;
            }
            self.spans.push((from, len));
            self.pos = end;
            return Ok(Some(Parsed::Line { start, end }));
        }
    }

    /// Parse a record that holds a quote with csv_core, from its first byte to its end.
    fn parse_quoted(&mut self) -> io::Result<Option<Parsed>> {
        use ReadRecordResult::*;
        let (mut len, mut nends) = (0, 0);
        loop {
            let input = self.buf.get(self.pos..self.end).unwrap_or_default();
            if input.is_empty() && !self.eof {
                self.fill()?;
                continue;
            }
            let (res, nin, nout, nend) = self.core.read_record(
                input,
                self.out.get_mut(len..).unwrap_or_default(),
                self.ends.get_mut(nends..).unwrap_or_default(),
            );
            self.lfs += count_lf(input.get(..nin).unwrap_or_default());
            self.pos += nin;
            len += nout;
            nends += nend;
            match res {
                // An empty input is the end of the file, where csv_core ends the record.
                InputEmpty if input.is_empty() => return Ok(None),
                InputEmpty => {}
                OutputFull => {
                    let grown = (self.out.len() * 2).max(1024);
                    self.out.resize(grown, 0);
                }
                OutputEndsFull => {
                    let grown = (self.ends.len() * 2).max(64);
                    self.ends.resize(grown, 0);
                }
                Record => {
                    self.spans.clear();
                    let mut from = 0;
                    for &e in self.ends.get(..nends).unwrap_or_default() {
                        self.spans.push((from, e));
                        from = e;
                    }
                    return Ok(Some(Parsed::Quoted { len }));
                }
                End => return Ok(None),
            }
        }
    }

    fn unparsed(&self) -> &[u8] {
        self.buf.get(self.pos..self.end).unwrap_or_default()
    }
}

/// Open a CSV (`delimiter` b',') or TSV (b'\t') file; with no delimiter (a `.txt` table) it
/// is read from the first bytes, which the encoding is sniffed from too.
///
/// # Errors
/// A GK001 diagnostic when the file cannot be opened or read.
pub fn open(
    path: &Path,
    file: &Arc<str>,
    delimiter: Option<u8>,
    limits: &Limits,
) -> Result<CsvRows, Diagnostic> {
    let unreadable = |e: io::Error| super::unreadable(file, &e);
    // Unbuffered: the reader reads into its own buffer, in large reads.
    let f = File::open(path).map_err(unreadable)?;
    from_reader(Box::new(f), file, delimiter, limits)
}

/// Rows of CSV text from any reader (a file, or bytes in memory for the fuzz targets).
///
/// # Errors
/// A GK001 diagnostic when the first bytes cannot be read.
pub fn from_reader(
    mut f: Box<dyn Read + Send>,
    file: &Arc<str>,
    delimiter: Option<u8>,
    limits: &Limits,
) -> Result<CsvRows, Diagnostic> {
    let unreadable = |e: io::Error| super::unreadable(file, &e);
    let mut prefix = Vec::with_capacity(SNIFF);
    (&mut f)
        .take(SNIFF as u64)
        .read_to_end(&mut prefix)
        .map_err(unreadable)?;
    let complete = prefix.len() < SNIFF;
    let encoding = detect_encoding(&prefix, complete);
    if encoding == GB18030 && looks_like_big5(&prefix) {
        return Err(Diagnostic::new(
            &codes::BAD_ENCODING,
            "文件是繁体 Big5 编码（台湾、香港地区常用），gkml 不读取 Big5",
        )
        .in_file(file)
        .hint("在 Excel/WPS 中打开后另存为“CSV UTF-8”（繁体字照常读取，按简体输出）"));
    }
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&prefix));
    let chained = io::Cursor::new(prefix).chain(f);
    let input: Box<dyn Read + Send> = if encoding == UTF_8 {
        // Bytes stay bytes so invalid UTF-8 can be reported at its row instead of silently
        // replaced.
        Box::new(chained)
    } else {
        Box::new(
            DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .bom_override(true)
                .build(chained),
        )
    };
    let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    // csv_core strips a UTF-8 BOM from the first input it is given; it is given records from
    // the middle of the file, where a BOM is text (`cat a.csv b.csv`), so that first input is
    // spent here on a blank line, which leaves it at the start of a record.
    let _ = core.read_record(b"\n", &mut [0; 1], &mut [0; 1]);
    Ok(CsvRows {
        input,
        buf: vec![0; READ_BUFFER],
        pos: 0,
        end: 0,
        eof: false,
        started: false,
        lfs: 0,
        line: 1,
        quote: QuoteState {
            delimiter,
            ..QuoteState::default()
        },
        core,
        out: vec![0; 1024],
        ends: vec![0; 64],
        spans: Vec::new(),
        delimiter,
        file: Arc::clone(file),
        row: 0,
        next_line: 1,
        done: false,
        limits: *limits,
        encoding,
        gbk_rows: Vec::new(),
    })
}

/// A record's fields as text: one UTF-8 check for the whole record, the cells then sliced from
/// it (a cell cut inside a character is not on a boundary and fails); only a record that fails
/// is checked cell by cell. `Err` holds the cells with those that are not UTF-8 read as GBK,
/// and the (0-based) first such field.
fn cells_of(bytes: &[u8], spans: &[(usize, usize)]) -> Result<Cells, (Vec<String>, usize)> {
    if let Ok(all) = simdutf8::basic::from_utf8(bytes) {
        // Nearly every record: copied whole, delimiters and all (one copy, not one a cell),
        // unless a byte-order mark starts it (see below).
        if !all.starts_with('\u{feff}') {
            if let Some(cells) = Cells::from_line(all, spans) {
                return Ok(cells);
            }
        }
        let mut cells = Cells::with_capacity(spans.len(), bytes.len());
        for (i, &(a, b)) in spans.iter().enumerate() {
            let Some(s) = all.get(a..b) else {
                cells.clear();
                break;
            };
            // A byte-order mark where a line starts: see below.
            let s = match (i, s.strip_prefix('\u{feff}')) {
                (0, Some(rest)) => rest,
                _ => s,
            };
            cells.push(s);
        }
        if cells.len() == spans.len() {
            return Ok(cells);
        }
    }
    let fields: Vec<&[u8]> = spans
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| {
            let field = bytes.get(a..b).unwrap_or_default();
            // A byte-order mark where a line starts is left by joining files (`cat a.csv
            // b.csv`): it belongs to no cell, so the second header reads as a repeated header
            // and no unit gets a "\u{feff}" name.
            match (i, field.strip_prefix(b"\xEF\xBB\xBF")) {
                (0, Some(rest)) => rest,
                _ => field,
            }
        })
        .collect();
    if fields.iter().all(|f| simdutf8::basic::from_utf8(f).is_ok()) {
        let (cells, _) = cells_with_gbk(&fields);
        return Ok(cells.into());
    }
    Err(cells_with_gbk(&fields))
}

impl Iterator for CsvRows {
    type Item = Result<RawRow, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let parsed = match self.parse() {
            Ok(Some(p)) => p,
            Ok(None) => {
                self.done = true;
                let q = &self.quote;
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
                return None;
            }
            Err(e) => {
                self.done = true;
                let d = Diagnostic::new(&codes::CSV_MALFORMED, format!("CSV 格式错误：{e}"))
                    .in_file(&self.file)
                    .hint("检查引号是否成对；可在 Excel/WPS 中打开后重新另存为 CSV");
                return Some(Err(d));
            }
        };
        let line = self.line;
        // Line feeds inside quoted cells: the next record starts that many lines further down.
        let (bytes, newlines) = match parsed {
            Parsed::Line { start, end } => (self.buf.get(start..end).unwrap_or_default(), 0),
            Parsed::Quoted { len } => {
                let bytes = self.out.get(..len).unwrap_or_default();
                (bytes, count_lf(bytes))
            }
        };
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
        if self.spans.len() > max_columns {
            self.done = true;
            let mut d = Diagnostic::new(
                &codes::INPUT_TOO_LARGE,
                format!(
                    "第{}行有 {} 列，超过 {max_columns} 列的读取上限（Excel 最多 16,384 列）",
                    self.row,
                    self.spans.len()
                ),
            )
            .in_file(&self.file)
            .hint("检查分隔符是否正确（如 TSV 存成了 .csv）；目录表只需十几列");
            d.row = Some(self.row);
            d.line = Some(line as u32);
            return Some(Err(d));
        }
        self.next_line = line + 1 + newlines;
        match cells_of(bytes, &self.spans) {
            Ok(cells) => Some(Ok(RawRow {
                cells,
                row: self.row,
                line: Some(line as u32),
                first_column: 1,
                merged: Vec::new(),
            })),
            // A row pasted in GBK into a UTF-8 file: read as GBK, reported with the warnings.
            Err((cells, i)) => {
                if self.gbk_rows.len() < 1_000_000 {
                    self.gbk_rows.push((self.row, line as u32, i as u32));
                }
                Some(Ok(RawRow {
                    cells: cells.into(),
                    row: self.row,
                    line: Some(line as u32),
                    first_column: 1,
                    merged: Vec::new(),
                }))
            }
        }
    }
}

#[cfg(test)]
#[path = "csv_oracle.rs"]
mod oracle;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Everything a reader yields, in order: rows with their places and cells, errors with
    /// their code, text and place, then the warnings.
    type Trace = Vec<String>;

    fn trace<I: Iterator<Item = Result<RawRow, Diagnostic>>>(
        rows: &mut I,
        warnings: impl FnOnce(&mut I) -> Vec<Diagnostic>,
    ) -> Trace {
        let show = |d: &Diagnostic| {
            format!(
                "{} {} row {:?} line {:?} column {:?}",
                d.code, d.message, d.row, d.line, d.column
            )
        };
        let mut out: Trace = rows
            .by_ref()
            .map(|r| match r {
                Ok(r) => format!("{} {:?} {:?}", r.row, r.line, r.cells),
                Err(d) => show(&d),
            })
            .collect();
        out.extend(
            warnings(rows)
                .iter()
                .map(|d| format!("warning {}", show(d))),
        );
        out
    }

    /// A reader that hands out at most `step` bytes a call, so records straddle every read.
    struct Trickle(io::Cursor<Vec<u8>>, usize);
    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.1);
            self.0.read(&mut buf[..n])
        }
    }

    /// The new reader's trace and the oracle's (csv 1.4 with the old bookkeeping).
    fn both(bytes: &[u8], delimiter: u8, limits: &Limits, step: usize) -> (Trace, Trace) {
        let f: Arc<str> = Arc::from("t.csv");
        let src = |b: &[u8]| -> Box<dyn Read + Send> {
            Box::new(Trickle(io::Cursor::new(b.to_vec()), step))
        };
        let new = match from_reader(src(bytes), &f, Some(delimiter), limits) {
            Ok(mut r) => trace(&mut r, CsvRows::take_warnings),
            Err(d) => vec![d.message.to_string()],
        };
        let old = match oracle::from_reader(src(bytes), &f, Some(delimiter), limits) {
            Ok(mut r) => trace(&mut r, oracle::OracleRows::take_warnings),
            Err(d) => vec![d.message.to_string()],
        };
        (new, old)
    }

    /// Pieces CSV text is made of, the awkward ones over-represented.
    fn piece() -> impl Strategy<Value = &'static [u8]> {
        prop::sample::select(vec![
            &b"a"[..],
            b"xy",
            "中文".as_bytes(),
            b",",
            b",",
            b"\t",
            b"\"",
            b"\"",
            b"\"\"",
            b"\n",
            b"\n",
            b"\r",
            b"\r\n",
            b" ",
            b"\xEF\xBB\xBF",
            b"\xE4\xB8",
            b"\xFF",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Random records of quotes, CR, LF, delimiters, BOMs and broken UTF-8: the same rows,
        /// cells, row and line numbers, errors and warnings as csv's reader gave, whatever
        /// the size of the reads.
        #[test]
        fn reads_as_the_csv_crate_did(
            pieces in prop::collection::vec(piece(), 0..60),
            tab in any::<bool>(),
            step in prop::sample::select(vec![1usize, 2, 3, 7, 64, 1 << 20]),
            max_rows in prop::sample::select(vec![3u64, 5_000_000]),
            max_columns in prop::sample::select(vec![2usize, 16_384]),
        ) {
            let bytes = pieces.concat();
            // The old bookkeeping counted lines from the record's offset, which the BOM
            // shifts: blank lines right after a BOM were not counted (see
            // `blank_lines_after_a_bom_count`).
            prop_assume!(!matches!(bytes.get(3), Some(b'\r' | b'\n')) || !bytes.starts_with(b"\xEF\xBB\xBF"));
            let limits = Limits { max_rows, max_columns, ..Limits::DEFAULT };
            let (new, old) = both(&bytes, if tab { b'\t' } else { b',' }, &limits, step);
            prop_assert_eq!(new, old);
        }
    }

    #[test]
    fn blank_lines_after_a_bom_count() {
        let got = rows_of(b"\xEF\xBB\xBF\r\n\r\na,b\r\n");
        assert_eq!((got[0].0, got[0].1), (3, Some(3)));
        assert_eq!(got[0].2, vec!["a", "b"]);
    }

    #[test]
    fn reads_as_the_csv_crate_did_across_buffers() {
        // Records straddling the 256 KiB buffer, a line longer than the buffer, a quoted cell
        // holding line breaks across the boundary, CRLF and CR-only stretches.
        let mut text = Vec::new();
        for i in 0..6000u32 {
            let row = match i % 7 {
                0 => format!("{i},\"引号,\r\n里\"\"的\",c\r\n"),
                1 => format!("{i},纯文本,{}\n", "长".repeat(i as usize % 50)),
                2 => format!("{i},a\"b,c\r"),
                3 => "\n\r\n".to_string(),
                _ => format!("{i},x,y,z\n"),
            };
            text.extend_from_slice(row.as_bytes());
            if i == 3000 {
                text.extend_from_slice("宽".repeat(120_000).as_bytes());
                text.extend_from_slice(b",end\n");
            }
        }
        for step in [1 << 20, 4096, 333] {
            let (new, old) = both(&text, b',', &Limits::DEFAULT, step);
            assert!(new.len() > 5000);
            assert_eq!(new, old, "reads of {step} bytes");
        }
    }

    #[test]
    fn utf16_and_gbk_files_read_as_the_csv_crate_did() {
        let text = "序号,名称\r\n1,\"低\r\n保\"\r\n\r\n2,特\"困\r\n";
        let (gbk, _, _) = GB18030.encode(text);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        for bytes in [gbk.to_vec(), utf16] {
            let (new, old) = both(&bytes, b',', &Limits::DEFAULT, 1 << 20);
            assert_eq!(new.len(), 4, "{new:?}");
            assert_eq!(new, old);
        }
    }

    #[test]
    fn an_unclosed_quote_is_reported_at_its_line() {
        let (new, old) = both(b"a,b\nc,\"d\ne,f\n", b',', &Limits::DEFAULT, 1 << 20);
        assert_eq!(new, old);
        assert!(
            new.iter()
                .any(|l| l.contains("第2行开始的引号一直没有结束")),
            "{new:?}"
        );
    }

    fn rows_of(bytes: &[u8]) -> Vec<(u32, Option<u32>, Vec<String>)> {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("t.csv");
        std::fs::write(&p, bytes).expect("write");
        let f: Arc<str> = Arc::from("t.csv");
        open(&p, &f, Some(b','), &Limits::DEFAULT)
            .expect("open")
            .map(|r| r.expect("row"))
            .map(|r| (r.row, r.line, r.cells.to_vec()))
            .collect()
    }

    #[test]
    fn rows_and_lines_count_quoted_breaks_and_blank_lines_with_crlf() {
        let got = rows_of(b"\xEF\xBB\xBFa,b\r\n\"x\r\ny\",1\r\nc,2\r\n\r\nd,3\r\n");
        let pos: Vec<(u32, Option<u32>)> = got.iter().map(|(r, l, _)| (*r, *l)).collect();
        assert_eq!(
            pos,
            vec![(1, Some(1)), (2, Some(2)), (3, Some(4)), (5, Some(6))]
        );
        assert_eq!(
            got[0].2,
            vec!["a", "b"],
            "the BOM is not part of the first cell"
        );
    }

    #[test]
    fn rows_and_lines_with_lf() {
        let got = rows_of(b"a,b\n\"x\ny\",1\nc,2\n\nd,3\n");
        let pos: Vec<(u32, Option<u32>)> = got.iter().map(|(r, l, _)| (*r, *l)).collect();
        assert_eq!(
            pos,
            vec![(1, Some(1)), (2, Some(2)), (3, Some(4)), (5, Some(6))]
        );
    }

    #[test]
    fn gbk_rows_decode() {
        let (gbk, _, _) = GB18030.encode("序号,名称\r\n1,低保\r\n");
        let got = rows_of(&gbk);
        assert_eq!(got[1].2, vec!["1", "低保"]);
        assert_eq!((got[1].0, got[1].1), (2, Some(2)));
    }

    #[test]
    fn detects_encodings() {
        assert_eq!(detect_encoding(b"\xEF\xBB\xBFabc", true), UTF_8);
        assert_eq!(detect_encoding("序号,名称".as_bytes(), true), UTF_8);
        let (gbk, _, _) = GB18030.encode("序号,名称");
        assert_eq!(detect_encoding(&gbk, true), GB18030);
        assert_eq!(detect_encoding(b"\xFF\xFEa\x00", true).name(), "UTF-16LE");
        // A character cut at the end of the sniffed prefix.
        let cut = &"序号".as_bytes()[..4];
        assert_eq!(detect_encoding(cut, false), UTF_8);
    }

    /// UTF-16 without a BOM, in either byte order, even when 公开's 开 (U+5F00) puts a NUL on
    /// the other side in every cell; a UTF-8 file with a few GBK bytes stays UTF-8, a GBK
    /// file GB18030.
    #[test]
    fn detects_utf16_without_a_bom_and_mostly_utf8() {
        let text = "公开事项\t公开依据\t公开时限\r\n开开开开开开开开开开开开\t1\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(detect_encoding(&le, true), encoding_rs::UTF_16LE);
        assert_eq!(detect_encoding(&be, true), encoding_rs::UTF_16BE);
        let (gbk, _, _) = GB18030.encode("序号,名称,公开依据\r\n");
        let mut mixed = "序号,名称,公开依据\r\n1,低保,政策法规\r\n"
            .as_bytes()
            .to_vec();
        mixed.extend_from_slice(&gbk);
        assert_eq!(detect_encoding(&mixed, true), UTF_8);
        let (all_gbk, _, _) = GB18030.encode("序号,名称,公开依据\r\n1,低保,政策法规\r\n");
        assert_eq!(detect_encoding(&all_gbk, true), GB18030);
    }
}
