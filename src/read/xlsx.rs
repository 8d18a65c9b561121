//! Spreadsheet drafts (.xlsx, .xlsm, .xls, .ods) through calamine. Every visible sheet is
//! read; hidden and empty sheets are reported, not silently dropped. Merged cells (xlsx, xls,
//! and ods, whose merges the content scan finds since calamine reads none) are filled with
//! their value in every cell they cover, so a 一级事项 merged over five rows reads as five
//! rows of that 一级事项; positions are the cells Excel shows. A cell reads as
//! Excel shows it: calamine gives values only, so the zip scan notes each cell's number
//! format (.xlsx styles) or stored text (.ods `text:p`), and a `0"个工作日"` cell reads as
//! 20个工作日, not 20 (see [`super::numfmt`], [`super::ods`]).

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use calamine::{open_workbook_auto_from_rs, Data, Dimensions, Range, Reader, Sheets};

use super::codes;
use super::table::RawRow;
use crate::diag::Diagnostic;
use crate::limits::Limits;

/// A sheet's rows.
pub struct Sheet {
    pub name: Arc<str>,
    pub rows: Vec<RawRow>,
}

/// Text of a cell as a clerk sees it: whole numbers without ".0".
pub(crate) fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => raw_text(other),
    }
}

/// Text of a cell exactly as calamine shows it, for writing a workbook back unchanged; a
/// date cell as a date (calamine gives its serial number, 45688 for 2025-01-31).
pub(crate) fn raw_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::DateTime(dt) if dt.is_datetime() => date_text(dt),
        // OpenDocument dates: 2025-01-31T00:00:00 is a date.
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_string(),
        other => other.to_string(),
    }
}

/// A date cell as text: `2025-01-31`, with the time when it has one (`2025-01-31 09:30`).
/// Used when the cell's format does not say otherwise (General, the system short date, a
/// format gkml does not render, .xls/.xlsb); a `1月31日` format is followed in [`Shown`].
fn date_text(dt: &calamine::ExcelDateTime) -> String {
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    match (h, mi, s) {
        (0, 0, 0) => format!("{y:04}-{mo:02}-{d:02}"),
        (h, mi, 0) => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}"),
        (h, mi, s) => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
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

/// A cell reference's (row, column), both 0-based: "XFD1048576" → (1048575, 16383).
fn cell_ref(r: &[u8]) -> Option<(u64, u64)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = r[..letters].iter().fold(0u64, |a, b| {
        a * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let digits: Vec<u8> = r[letters..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    let row: u64 = std::str::from_utf8(&digits).ok()?.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

/// Refuse a workbook whose parts decompress to more than the input limit, or whose sheets
/// declare or use a cell range beyond the sheet-cell limit. calamine allocates a sheet's
/// whole rectangle (and reserves its declared dimension), so two cells at A1 and XFD1048576
/// would ask for billions of cells and abort the process: no Rust code could catch it.
fn check_zip(bytes: &[u8], file: &Arc<str>, limits: &Limits) -> Result<ZipFacts, Diagnostic> {
    use std::io::Read;
    let mut facts = ZipFacts::default();
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(facts);
    };
    let too_large = |msg: String| {
        Diagnostic::new(&codes::INPUT_TOO_LARGE, msg)
            .in_file(file)
            .hint("这通常是损坏或恶意的文件（压缩炸弹）；请用 Excel/WPS 打开检查后另存")
    };
    let mut total: u64 = 0;
    for i in 0..z.len() {
        let Ok(f) = z.by_index(i) else { continue };
        total = total.saturating_add(f.size());
    }
    if total > limits.max_input_bytes {
        return Err(too_large(format!(
            "工作簿解压后有 {} MB，超过读取上限 {} MB",
            total >> 20,
            limits.max_input_bytes >> 20
        )));
    }
    let strings: Vec<String> = z
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .collect();
    for name in strings {
        let Ok(mut f) = z.by_name(&name) else {
            continue;
        };
        if let Some((declared, found)) = shared_strings_overstated(&mut f) {
            return Err(too_large(format!(
                "共享字符串表声明有 {declared} 个字符串，实际内容最多只能容纳 {found} 个"
            )));
        }
        drop(f);
        // Symbol-font runs are rare: the part is held as text only when it names the font.
        if part_mentions(&mut z, &name, b"Wingdings") || part_mentions(&mut z, &name, b"\"Symbol\"")
        {
            if let Some(text) = part_text_limited(&mut z, &name, limits.max_input_bytes) {
                facts.rich.extend(symbol_runs(&text));
            }
        }
    }
    // Number formats first, so the sheet scan below can note which cells use one that
    // shows a value differently from General (`0"个工作日"`, `m"月"d"日"`).
    if let Some(styles) = part_text(&mut z, "xl/styles.xml") {
        facts.formats = super::numfmt::CellFormats::parse(&styles);
    }
    let mut styled_total = 0usize;
    let sheets: Vec<String> = z
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .filter(|n| (n.starts_with("xl/worksheets/") && n.ends_with(".xml")) || n == "content.xml")
        .collect();
    for name in sheets {
        let Ok(mut f) = z.by_name(&name) else {
            continue;
        };
        if name == "content.xml" {
            let ods = super::ods::scan(&mut f);
            let (cells, repeated) = (ods.cells, ods.repeated);
            facts.ods = ods.tables;
            if cells > limits.max_sheet_cells {
                return Err(too_large(format!(
                    "表格声明（含重复行列）的范围有 {cells} 个单元格，超过上限 {}",
                    limits.max_sheet_cells
                )));
            }
            if repeated > limits.max_repeated_cells {
                return Err(too_large(format!(
                    "表格用“重复行/列”声明了 {repeated} 个重复的非空单元格，超过上限 {}",
                    limits.max_repeated_cells
                )));
            }
            continue;
        }
        let (mut rmax, mut cmax) = (0u64, 0u64);
        let (mut rmin, mut cmin) = (u64::MAX, u64::MAX);
        // Streamed in chunks (a sheet may be hundreds of MB), tag by tag: each `<` is found
        // with memchr, so a part of padding costs one fast scan. A tag cut at the end of a
        // chunk is kept for the next one. Besides the cell references and the declared
        // dimension, formulas (`<f>`, `<f t=…>`), hidden rows (`<row r="5" hidden="1">`) and
        // formatted cells (`<c s="3">`) are noted: calamine says neither which cells lack a
        // cached value, nor which rows are hidden, nor how a cell's format shows it.
        let mut buf = vec![0u8; 1 << 16];
        let mut window: Vec<u8> = Vec::with_capacity(buf.len() + 64);
        let mut note = |p: (u64, u64)| {
            rmax = rmax.max(p.0);
            cmax = cmax.max(p.1);
            rmin = rmin.min(p.0);
            cmin = cmin.min(p.1);
        };
        // Rows and cells may leave out their `r` (the position is then the next one):
        // calamine places them all the same, so they are counted where it would put them.
        let mut row: Option<u64> = None;
        let mut next_col: u64 = 0;
        let mut styled: std::collections::HashMap<(u32, u32), u32> =
            std::collections::HashMap::new();
        let formatted = !facts.formats.is_empty();
        let is = |tag: &[u8], name: &[u8]| {
            tag.starts_with(name)
                && matches!(
                    tag.get(name.len()),
                    None | Some(b' ' | b'/' | b'\t' | b'\r' | b'\n')
                )
        };
        loop {
            let n = match f.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            window.extend_from_slice(&buf[..n]);
            let mut k = 0;
            let mut keep_from = window.len();
            while let Some(off) = memchr::memchr(b'<', &window[k..]) {
                let at = k + off;
                let Some(end) = memchr::memchr(b'>', &window[at..]).map(|e| at + e) else {
                    // An unfinished tag waits for the next chunk, unless it is absurdly long.
                    if window.len() - at < 4096 {
                        keep_from = at;
                    }
                    break;
                };
                let tag = &window[at + 1..end];
                k = end;
                if is(tag, b"c") {
                    let at = attr_value(tag, b" r=\"").and_then(cell_ref);
                    let pos = at.unwrap_or((row.unwrap_or(0), next_col));
                    next_col = pos.1.saturating_add(1);
                    note(pos);
                    // The cell's format (`s="3"`), when it shows the value differently from
                    // General; a bounded number of them, later cells read plain.
                    let xf = formatted
                        .then(|| attr_value(tag, b" s=\""))
                        .flatten()
                        .and_then(|v| std::str::from_utf8(v).ok()?.parse::<u32>().ok())
                        .filter(|&xf| {
                            facts.formats.code(xf).is_some()
                                || facts.formats.symbol_font(xf).is_some()
                        });
                    if let (Some(xf), Ok(r), Ok(c)) =
                        (xf, u32::try_from(pos.0), u32::try_from(pos.1))
                    {
                        if styled_total < MAX_STYLED_CELLS {
                            styled_total += 1;
                            styled.insert((r, c), xf);
                        }
                    }
                } else if tag.starts_with(b"dimension ") {
                    if let Some(v) = attr_value(tag, b" ref=\"") {
                        v.split(|b| *b == b':')
                            .filter_map(cell_ref)
                            .for_each(&mut note);
                    }
                } else if is(tag, b"row") {
                    let r = attr_value(tag, b" r=\"")
                        .and_then(|v| std::str::from_utf8(v).ok()?.parse::<u64>().ok());
                    let this = match (r, row) {
                        (Some(r), _) => r.saturating_sub(1),
                        (None, Some(prev)) => prev.saturating_add(1),
                        (None, None) => 0,
                    };
                    row = Some(this);
                    next_col = 0;
                    let hidden =
                        attr_value(tag, b" hidden=\"").is_some_and(|v| v == b"1" || v == b"true");
                    if let (true, Ok(r)) = (hidden, u32::try_from(this + 1)) {
                        facts.hidden_rows.entry(name.clone()).or_default().push(r);
                    }
                } else if is(tag, b"col") {
                    // `<col min="3" max="4" hidden="1"/>`: columns C:D hidden (1-based).
                    let hidden =
                        attr_value(tag, b" hidden=\"").is_some_and(|v| v == b"1" || v == b"true");
                    let num = |key: &[u8]| {
                        attr_value(tag, key)
                            .and_then(|v| std::str::from_utf8(v).ok()?.parse::<u32>().ok())
                    };
                    if let (true, Some(min), Some(max)) = (hidden, num(b" min=\""), num(b" max=\""))
                    {
                        let cols = facts.hidden_cols.entry(name.clone()).or_default();
                        if min >= 1 && max >= min && cols.len() < 16_384 {
                            cols.push((min - 1, max.min(16_384) - 1));
                        }
                    }
                } else if tag == b"f" || tag.starts_with(b"f ") || tag == b"f/" {
                    facts.formulas = true;
                }
            }
            window.drain(..keep_from);
        }
        if !styled.is_empty() {
            facts.styled.insert(name.clone(), styled);
        }
        if rmin != u64::MAX {
            let cells = (rmax - rmin + 1).saturating_mul(cmax - cmin + 1);
            if cells > limits.max_sheet_cells {
                return Err(too_large(format!(
                    "工作表 {name} 声明或使用的范围有 {cells} 个单元格，超过上限 {}",
                    limits.max_sheet_cells
                )));
            }
        }
    }
    if !facts.hidden_rows.is_empty() || !facts.styled.is_empty() || !facts.hidden_cols.is_empty() {
        facts.sheet_parts = sheet_parts(&mut z);
    }
    Ok(facts)
}

/// The value of an attribute in a tag's bytes: `key` is ` name="`.
fn attr_value<'a>(tag: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let at = memchr::memmem::find(tag, key)? + key.len();
    let rest = tag.get(at..)?;
    rest.get(..memchr::memchr(b'"', rest)?)
}

/// What the scan of a workbook's parts found that calamine does not report.
#[derive(Debug, Default)]
struct ZipFacts {
    /// Some sheet has a formula.
    formulas: bool,
    /// Hidden rows (1-based) by sheet part (`xl/worksheets/sheet1.xml`), or by sheet name
    /// (xls).
    hidden_rows: std::collections::HashMap<String, Vec<u32>>,
    /// Hidden columns (0-based, first and last) by sheet part (xlsx), or by sheet name (xls,
    /// from the BIFF `COLINFO` records calamine does not read).
    hidden_cols: std::collections::HashMap<String, Vec<(u32, u32)>>,
    /// Sheet name → its part, read from the workbook and its relationships.
    sheet_parts: std::collections::HashMap<String, String>,
    /// The number format of each cell format of `xl/styles.xml`.
    formats: super::numfmt::CellFormats,
    /// By sheet part: cells (0-based row, column) whose format shows them differently from
    /// General, with their cell format (`s=`).
    styled: std::collections::HashMap<String, std::collections::HashMap<(u32, u32), u32>>,
    /// OpenDocument tables: hidden rows and the text value cells show.
    ods: Vec<super::ods::OdsTable>,
    /// The workbook counts days from 1904 (old Mac Excel), as calamine found.
    date1904: bool,
    /// Shared strings with runs in a symbol font (a checkbox typed as R in Wingdings 2 before
    /// 政府网站): the text calamine gives → the text shown, checkboxes as ■/□.
    rich: std::collections::HashMap<String, String>,
}

/// At most this many formatted cells are remembered per workbook (a catalogue has a few
/// thousand cells); a hostile sheet with millions reads the rest as plain values.
const MAX_STYLED_CELLS: usize = 1_000_000;

/// Whether a zip part's bytes contain `needle`, streamed (a word cut between two reads is
/// found: each read keeps the last bytes of the one before).
fn part_mentions(z: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, needle: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut f) = z.by_name(name) else {
        return false;
    };
    let keep = needle.len().saturating_sub(1);
    let mut window = vec![0u8; keep + (1 << 16)];
    let mut filled = 0;
    loop {
        let n = match f.read(&mut window[filled..]) {
            Ok(0) | Err(_) => return false,
            Ok(n) => n,
        };
        let end = filled + n;
        if memchr::memmem::find(&window[..end], needle).is_some() {
            return true;
        }
        let tail = end.saturating_sub(keep);
        window.copy_within(tail..end, 0);
        filled = end - tail;
    }
}

/// A zip part's text, at most `max` bytes.
fn part_text_limited(
    z: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    max: u64,
) -> Option<String> {
    use std::io::Read;
    let f = z.by_name(name).ok()?;
    let mut s = String::new();
    f.take(max).read_to_string(&mut s).ok()?;
    Some(s)
}

/// The shared strings (`<si>`) with a run in a symbol font whose characters draw checkboxes:
/// (the text as calamine reads it, runs joined and phonetic runs left out → the text shown).
fn symbol_runs(xml: &str) -> std::collections::HashMap<String, String> {
    use quick_xml::events::Event;
    let mut out = std::collections::HashMap::new();
    let mut r = quick_xml::Reader::from_str(xml);
    let (mut plain, mut shown) = (String::new(), String::new());
    let mut font: Option<String> = None;
    let (mut in_t, mut in_phonetic, mut changed) = (false, false, false);
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "si" => {
                    plain.clear();
                    shown.clear();
                    changed = false;
                }
                "r" => font = None,
                "t" => in_t = true,
                "rPh" => in_phonetic = true,
                _ => {}
            },
            Ok(Event::Empty(e)) if e.local_name().as_ref() == "rFont" => {
                font = e.attributes().flatten().find_map(|a| {
                    (a.key.local_name().as_ref() == "val").then(|| a.value.to_string())
                });
            }
            Ok(Event::Text(t)) if in_t && !in_phonetic => {
                let text = t.xml10_content().into_owned();
                plain.push_str(&text);
                match font.as_deref().and_then(|f| symbol_marks(f, &text)) {
                    Some(marked) => {
                        changed = true;
                        shown.push_str(&marked);
                    }
                    None => shown.push_str(&text),
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_t = false,
                "rPh" => in_phonetic = false,
                "r" => font = None,
                "si" if changed && out.len() < MAX_STYLED_CELLS => {
                    out.insert(plain.clone(), shown.clone());
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// A zip part's text, at most 4 MB (workbook.xml and its relationships are small).
fn part_text(z: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    part_text_limited(z, name, 4 << 20)
}

/// The value of `attr="…"` in a tag, with XML's five entities decoded.
fn xml_attr(tag: &str, attr: &str) -> Option<String> {
    // The attributes as split off their element name may start the text.
    let tag = format!(" {tag}");
    let key = format!(" {attr}=\"");
    let at = tag.find(&key)? + key.len();
    let v = &tag[at..at + tag[at..].find('"')?];
    Some(
        v.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// Sheet name → worksheet part, through `xl/workbook.xml` and its relationships.
fn sheet_parts(
    z: &mut zip::ZipArchive<Cursor<&[u8]>>,
) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    let (Some(wb), Some(rels)) = (
        part_text(z, "xl/workbook.xml"),
        part_text(z, "xl/_rels/workbook.xml.rels"),
    ) else {
        return out;
    };
    let targets: std::collections::HashMap<String, String> = rels
        .split("<Relationship ")
        .skip(1)
        .filter_map(|t| {
            let target = xml_attr(t, "Target")?;
            let part = match target.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("xl/{target}"),
            };
            Some((xml_attr(t, "Id")?, part))
        })
        .collect();
    for t in wb.split("<sheet ").skip(1) {
        let tag = t.split('>').next().unwrap_or_default();
        let id = xml_attr(tag, "r:id");
        if let (Some(name), Some(part)) = (xml_attr(tag, "name"), id.and_then(|i| targets.get(&i)))
        {
            out.insert(name, part.clone());
        }
    }
    out
}

/// A shared-string table whose `uniqueCount` its own bytes cannot hold: calamine reserves
/// that many strings before reading one, so `u64::MAX` panics and 2^31 asks for 48 GiB.
/// Every string takes at least 5 bytes (`<si/>`), so the part is decompressed (streamed)
/// only as far as needed to show it is long enough. Returns (declared, most possible).
fn shared_strings_overstated(part: &mut impl std::io::Read) -> Option<(u64, u64)> {
    const SMALL: u64 = 100_000;
    let mut head = vec![0u8; 4096];
    let mut got = 0;
    while got < head.len() {
        match part.read(&mut head[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    head.truncate(got);
    let pat = b"uniqueCount=\"";
    let at = head.windows(pat.len()).position(|w| w == pat)? + pat.len();
    let digits: Vec<u8> = head
        .get(at..)?
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    let declared: u64 = std::str::from_utf8(&digits)
        .ok()?
        .parse()
        .unwrap_or(u64::MAX);
    if declared <= SMALL {
        return None;
    }
    let needed = declared.saturating_mul(5);
    let mut seen = got as u64;
    let mut buf = vec![0u8; 1 << 16];
    while seen < needed {
        match part.read(&mut buf) {
            Ok(0) | Err(_) => return Some((declared, seen / 5)),
            Ok(n) => seen += n as u64,
        }
    }
    None
}

/// Open a workbook by its content, so an extension that lies (an .xls that is really .xlsx,
/// an upper-case .XLSX) does not matter.
fn open(path: &Path, file: &Arc<str>, limits: &Limits) -> Result<Opened, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| super::unreadable(file, &e))?;
    open_bytes(bytes, file, limits)
}

/// Hidden columns (0-based, first and last) and hidden rows (1-based) by sheet name.
type XlsHidden = (
    std::collections::HashMap<String, Vec<(u32, u32)>>,
    std::collections::HashMap<String, Vec<u32>>,
);

/// The hidden columns and rows of each sheet of an Excel 97–2003 workbook (BIFF8), by sheet
/// name: calamine reads no row or column formatting, so the `Workbook` stream is walked
/// record by record for its `BoundSheet8` records (each sheet's name and where its records
/// start), each sheet's `ColInfo` records (a range of columns, bit 0 of the options: hidden)
/// and `Row` records (bit 5 of the options: hidden). Anything unexpected (an Excel 5 `Book`
/// stream, an encrypted file, a record cut short) ends the walk with what was found: a
/// warning may be lost, never the data.
fn xls_hidden(bytes: &[u8]) -> XlsHidden {
    use std::io::Read;
    let mut out: std::collections::HashMap<String, Vec<(u32, u32)>> =
        std::collections::HashMap::new();
    let mut rows: std::collections::HashMap<String, Vec<u32>> = std::collections::HashMap::new();
    let Ok(mut c) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return (out, rows);
    };
    let mut stream = Vec::new();
    match c.open_stream("/Workbook") {
        Ok(s) => {
            if s.take(bytes.len() as u64).read_to_end(&mut stream).is_err() {
                return (out, rows);
            }
        }
        Err(_) => return (out, rows),
    }
    let u16_at = |b: &[u8], at: usize| {
        b.get(at..at + 2)
            .map(|x| u16::from_le_bytes([x[0], x.get(1).copied().unwrap_or(0)]))
    };
    // Sheets by the offset of their BOF record.
    let mut sheets: Vec<(u32, String)> = Vec::new();
    let mut current: Option<String> = None;
    let mut pos = 0usize;
    while let (Some(kind), Some(len)) = (u16_at(&stream, pos), u16_at(&stream, pos + 2)) {
        let Some(data) = stream.get(pos + 4..pos + 4 + usize::from(len)) else {
            break;
        };
        match kind {
            // FILEPASS: the records after it are encrypted.
            0x002F => break,
            // BOF: a substream starts; a sheet's when a BoundSheet8 pointed here.
            0x0809 => {
                current = sheets
                    .iter()
                    .find(|(at, _)| *at as usize == pos)
                    .map(|(_, n)| n.clone());
            }
            // BoundSheet8: lbPlyPos, hsState, dt, then the name (ShortXLUnicodeString).
            0x0085 => {
                let at = data
                    .get(..4)
                    .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]));
                let cch = data.get(6).copied().map(usize::from);
                let wide = data.get(7).is_some_and(|f| f & 1 == 1);
                let name = cch.and_then(|n| {
                    if wide {
                        let units: Vec<u16> = data
                            .get(8..8 + 2 * n)?
                            .chunks_exact(2)
                            .map(|p| u16::from_le_bytes([p[0], p[1]]))
                            .collect();
                        Some(String::from_utf16_lossy(&units))
                    } else {
                        // Latin-1: each byte is the code point.
                        Some(data.get(8..8 + n)?.iter().map(|&b| char::from(b)).collect())
                    }
                });
                if let (Some(at), Some(name)) = (at, name) {
                    sheets.push((at, name));
                }
            }
            // ColInfo: colFirst, colLast, coldx, ixfe, options (bit 0: hidden).
            0x007D => {
                if let (Some(name), Some(first), Some(last), Some(opts)) = (
                    current.as_ref(),
                    u16_at(data, 0),
                    u16_at(data, 2),
                    u16_at(data, 8),
                ) {
                    if opts & 1 == 1 && last >= first {
                        let cols = out.entry(name.clone()).or_default();
                        if cols.len() < 16_384 {
                            cols.push((u32::from(first), u32::from(last.min(255))));
                        }
                    }
                }
            }
            // Row: rw, colMic, colMac, miyRw, two reserved, then the options (bit 5: hidden).
            0x0208 => {
                if let (Some(name), Some(rw), Some(opts)) =
                    (current.as_ref(), u16_at(data, 0), u16_at(data, 12))
                {
                    let hidden = rows.entry(name.clone()).or_default();
                    if opts & 0x20 != 0 && hidden.len() < 65_536 {
                        hidden.push(u32::from(rw) + 1);
                    }
                }
            }
            _ => {}
        }
        pos += 4 + usize::from(len);
    }
    rows.retain(|_, v| !v.is_empty());
    (out, rows)
}

/// A workbook opened by calamine, with what the zip scan found.
type Opened = (Sheets<Cursor<Vec<u8>>>, ZipFacts);

/// Open a workbook held in memory.
fn open_bytes(bytes: Vec<u8>, file: &Arc<str>, limits: &Limits) -> Result<Opened, Diagnostic> {
    let mut facts = check_zip(&bytes, file, limits)?;
    if super::doc::is_ole(&bytes) {
        (facts.hidden_cols, facts.hidden_rows) = xls_hidden(&bytes);
    }
    // From memory, by content: the extension may lie (an .xls that is really .xlsx).
    let wb = open_workbook_auto_from_rs(Cursor::new(bytes.clone())).map_err(|e| {
        Diagnostic::new(
            &codes::FILE_UNREADABLE,
            format!("无法打开工作簿：{}", sniff(&bytes)),
        )
        .in_file(file)
        .hint(format!("读取器报告：{e}"))
    })?;
    facts.date1904 = matches!(&wb, Sheets::Xlsx(x) if x.has_1904_epoch());
    Ok((wb, facts))
}

/// Open a workbook for a copy (`--fix`, `--annotate`) with the same limits as the reader,
/// so no path into calamine skips them.
///
/// # Errors
/// The diagnostic's message when the workbook is refused or cannot be opened.
/// The workbook comes with its sheets' names and visibility, in order, as a copy needs them.
#[allow(clippy::type_complexity)]
pub(crate) fn open_for_copy(
    bytes: Vec<u8>,
    limits: &Limits,
) -> Result<
    (
        Sheets<Cursor<Vec<u8>>>,
        Vec<(String, calamine::SheetVisible)>,
        Looks,
    ),
    String,
> {
    let file: Arc<str> = Arc::from("");
    let (wb, facts) = open_bytes(bytes, &file, limits).map_err(|d| d.message.to_string())?;
    let sheets = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible))
        .collect();
    Ok((wb, sheets, Looks(facts)))
}

/// How a workbook's cells look, for a copy that must read back as the original does: a
/// number keeps its format code, a cell whose format or stored text shows something else
/// than its value is written as that text.
pub(crate) struct Looks(ZipFacts);

impl Looks {
    /// The merged cells of sheet `name` that calamine does not report (OpenDocument's).
    pub(crate) fn merges(&self, name: &str) -> Vec<Dimensions> {
        ods_merges(&self.0, name)
    }

    /// How the cells of sheet `name` (read as `range`) look.
    pub(crate) fn sheet<'a>(&'a self, name: &str, range: &Range<Data>) -> SheetLooks<'a> {
        SheetLooks(Shown::of(&self.0, name, range))
    }
}

/// How one sheet's cells look.
pub(crate) struct SheetLooks<'a>(Shown<'a>);

impl SheetLooks<'_> {
    /// The number format code of the cell at `pos` (0-based), when it shows the value
    /// differently from General (xlsx only).
    pub(crate) fn code(&self, pos: (u32, u32)) -> Option<&str> {
        match &self.0.how {
            How::Formats {
                formats, styled, ..
            } => styled.get(&pos).and_then(|&xf| formats.code(xf)),
            _ => None,
        }
    }

    /// The text the cell at `pos` shows, when it differs from its plain value.
    pub(crate) fn text(&self, pos: (u32, u32), d: &Data) -> Option<String> {
        self.0.shown(pos, d)
    }
}

/// The merged regions of a sheet (none for formats calamine reads no merges from).
pub(crate) fn merges(wb: &mut Sheets<Cursor<Vec<u8>>>, name: &str) -> Vec<Dimensions> {
    match wb {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The merged cells of an OpenDocument table, from the scan of its content (calamine reads
/// none); empty for other formats.
fn ods_merges(facts: &ZipFacts, name: &str) -> Vec<Dimensions> {
    let Some(table) = facts.ods.iter().find(|t| t.name == name) else {
        return Vec::new();
    };
    let at = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    table
        .merges
        .iter()
        .map(|&(r, c, rows, cols)| Dimensions {
            start: (at(r), at(c)),
            end: (
                at(r.saturating_add(rows - 1)),
                at(c.saturating_add(cols - 1)),
            ),
        })
        .collect()
}

/// The merged regions of a sheet, clipped to its used range: a 5 KB file can declare one
/// merge over A10:XFD1048576, and expanding or copying it cell by cell would take minutes and
/// gigabytes for cells that are all empty. A region outside the used range, or that shrinks
/// to one cell, is dropped. Every reader and copy goes through here.
///
/// # Errors
/// A message when the clipped regions still cover more cells than the sheet-cell limit
/// (thousands of overlapping merges over the same used range).
pub(crate) fn merges_within(
    wb: &mut Sheets<Cursor<Vec<u8>>>,
    name: &str,
    range: &Range<Data>,
    ods: Vec<Dimensions>,
    limits: &Limits,
) -> Result<Vec<Dimensions>, String> {
    let (Some(first), Some(last)) = (range.start(), range.end()) else {
        return Ok(Vec::new());
    };
    let limit = limits.max_sheet_cells;
    let mut area: u64 = 0;
    let mut out = Vec::new();
    for m in merges(wb, name).into_iter().chain(ods) {
        let start = (m.start.0.max(first.0), m.start.1.max(first.1));
        let end = (m.end.0.min(last.0), m.end.1.min(last.1));
        if start.0 > end.0 || start.1 > end.1 || start == end {
            continue;
        }
        area += u64::from(end.0 - start.0 + 1) * u64::from(end.1 - start.1 + 1);
        if area > limit {
            return Err(format!(
                "工作表“{name}”的合并单元格共覆盖超过 {limit} 个单元格，超过上限"
            ));
        }
        out.push(Dimensions { start, end });
    }
    Ok(out)
}

/// Show a copied sheet as the original showed it: a hidden sheet stays hidden (a copy that
/// un-hid it would publish its items when compiled).
pub(crate) fn keep_visibility(ws: &mut rust_xlsxwriter::Worksheet, v: &calamine::SheetVisible) {
    match v {
        calamine::SheetVisible::Visible => {}
        calamine::SheetVisible::Hidden => {
            ws.set_hidden(true);
        }
        calamine::SheetVisible::VeryHidden => {
            ws.set_very_hidden(true);
        }
    }
}

/// How a sheet's cells are shown where that differs from their plain value: through the
/// cell's number format (xlsx), or the text LibreOffice/WPS stored beside the value (ods).
enum How<'a> {
    Plain,
    Formats {
        formats: &'a super::numfmt::CellFormats,
        styled: &'a std::collections::HashMap<(u32, u32), u32>,
        date1904: bool,
    },
    Texts(std::collections::HashMap<(u32, u32), &'a str>),
}

/// How a sheet's cells are shown: by their format or stored text, and, for shared strings
/// with runs in a symbol font, by those runs drawn as checkboxes.
struct Shown<'a> {
    how: How<'a>,
    rich: &'a std::collections::HashMap<String, String>,
}

impl<'a> Shown<'a> {
    /// How the cells of sheet `name` are shown.
    fn of(facts: &'a ZipFacts, name: &str, range: &Range<Data>) -> Self {
        Shown {
            how: How::of(facts, name, range),
            rich: &facts.rich,
        }
    }

    /// The text of the cell at `pos` (0-based) holding `d`.
    fn text(&self, pos: (u32, u32), d: &Data) -> String {
        self.shown(pos, d).unwrap_or_else(|| cell_text(d))
    }

    /// The text of the cell at `pos`, when it differs from the plain value.
    fn shown(&self, pos: (u32, u32), d: &Data) -> Option<String> {
        if let (false, Data::String(s)) = (self.rich.is_empty(), d) {
            if let Some(marked) = self.rich.get(s) {
                return Some(marked.clone());
            }
        }
        self.how.shown(pos, d)
    }
}

impl<'a> How<'a> {
    /// How the cells of sheet `name` are shown.
    fn of(facts: &'a ZipFacts, name: &str, range: &Range<Data>) -> Self {
        if let Some(styled) = facts
            .sheet_parts
            .get(name)
            .and_then(|part| facts.styled.get(part))
        {
            return How::Formats {
                formats: &facts.formats,
                styled,
                date1904: facts.date1904,
            };
        }
        let (Some(table), Some(start), Some(end)) = (
            facts.ods.iter().find(|t| t.name == name),
            range.start(),
            range.end(),
        ) else {
            return How::Plain;
        };
        // Runs of repeated cells are expanded only within the range calamine read, so the
        // map holds at most one entry per cell read.
        let mut texts = std::collections::HashMap::new();
        for run in &table.shown {
            let rows = run.row.max(u64::from(start.0))
                ..=(run.row.saturating_add(run.rows - 1)).min(u64::from(end.0));
            let cols = run.col.max(u64::from(start.1))
                ..=(run.col.saturating_add(run.cols - 1)).min(u64::from(end.1));
            for r in rows {
                for c in cols.clone() {
                    let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
                        continue;
                    };
                    if !matches!(range.get_value((r, c)), None | Some(Data::Empty)) {
                        texts.insert((r, c), run.text.as_str());
                    }
                }
            }
        }
        How::Texts(texts)
    }

    /// The text of the cell at `pos`, when it differs from the plain value.
    fn shown(&self, pos: (u32, u32), d: &Data) -> Option<String> {
        match self {
            How::Plain => None,
            How::Formats {
                formats,
                styled,
                date1904,
            } => {
                let xf = *styled.get(&pos)?;
                if let (Some(font), Data::String(s)) = (formats.symbol_font(xf), d) {
                    return symbol_marks(font, s);
                }
                formats
                    .code(xf)
                    .and_then(|code| formatted(code, d, *date1904))
            }
            How::Texts(t) => t.get(&pos).map(|s| (*s).to_string()),
        }
    }
}

/// A cell drawn in a symbol font (R or £ in Wingdings 2, þ in Wingdings: how Excel and WPS
/// users make checkboxes; Ö in Symbol, which draws √): its checkbox characters as ■/□, the
/// Symbol font's characters as the ones it draws, the rest as written; `None` when nothing
/// reads differently.
fn symbol_marks(font: &str, s: &str) -> Option<String> {
    use super::document::{symbol_char, symbol_mark};
    let mut changed = false;
    let out: String = s
        .chars()
        .map(|c| {
            let shown = match symbol_mark(font, c as u32) {
                Some(true) => '■',
                Some(false) => '□',
                None => symbol_char(font, c as u32).unwrap_or(c),
            };
            changed |= shown != c;
            shown
        })
        .collect();
    changed.then_some(out)
}

/// A value under a number format, as Excel shows it; `None` when the format does not change
/// how it reads (or is one gkml does not render: the plain value is kept).
fn formatted(code: &str, d: &Data, date1904: bool) -> Option<String> {
    use super::numfmt::{render_number, render_text};
    match d {
        Data::Float(f) => render_number(code, *f, date1904),
        Data::Int(n) => render_number(code, *n as f64, date1904),
        Data::DateTime(dt) => render_number(code, dt.as_f64(), date1904),
        Data::String(s) => render_text(code, s),
        _ => None,
    }
}

/// Rows of a range with merged regions filled in.
fn rows_of(range: &Range<Data>, merged: &[Dimensions], shown: &Shown) -> Vec<RawRow> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<RawRow> = range
        .rows()
        .enumerate()
        .map(|(i, r)| RawRow {
            cells: r
                .iter()
                .enumerate()
                .map(|(j, d)| shown.text((r0 + i as u32, c0 + j as u32), d))
                .collect(),
            row: r0 + i as u32 + 1,
            line: None,
            first_column: c0 + 1,
            merged: Vec::new(),
        })
        .collect();
    for m in merged {
        let value = range
            .get_value(m.start)
            .map(|d| shown.text(m.start, d))
            .unwrap_or_default();
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
                if let Some(cell) = row.cells.get(ci as usize) {
                    if cell.is_empty() && !is_origin {
                        row.cells.set(ci as usize, &value);
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
    limits: &Limits,
) -> Result<(Vec<Sheet>, Vec<Diagnostic>), Diagnostic> {
    guard(file, || sheets_of(open(path, file, limits)?, file, limits))
}

/// Run calamine on untrusted bytes: a panic inside it (seen with corrupt .xls files under
/// fuzzing: an assertion on record lengths) becomes a GK001 diagnostic instead of ending
/// the whole run. The panic hook installed by `main` keeps such panics quiet.
pub fn guard<T>(
    file: &Arc<str>,
    f: impl FnOnce() -> Result<T, Diagnostic>,
) -> Result<T, Diagnostic> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(
            Diagnostic::new(&codes::FILE_UNREADABLE, "工作簿已损坏，无法读取")
                .in_file(file)
                .hint("用 Excel/WPS 打开检查；能打开时另存为新的 .xlsx 再试"),
        ),
    }
}

/// Read every visible sheet of a workbook held in memory (the fuzz targets use this).
///
/// # Errors
/// A GK001 or GK013 diagnostic when the workbook cannot be opened or is too large.
pub fn read_sheets_from_bytes(
    bytes: Vec<u8>,
    file: &Arc<str>,
    limits: &Limits,
) -> Result<(Vec<Sheet>, Vec<Diagnostic>), Diagnostic> {
    guard(file, || {
        sheets_of(open_bytes(bytes, file, limits)?, file, limits)
    })
}

/// Warnings about cells whose value a clerk would not see as read: formulas without a
/// cached value (read as empty), Excel error values (`#N/A`), and hidden rows (read, but the
/// clerk may not know they are there). One diagnostic per kind and sheet, naming the first
/// cells, so a sheet of ten thousand `#N/A` does not flood the report.
fn cell_warnings(
    wb: &mut Sheets<Cursor<Vec<u8>>>,
    facts: &ZipFacts,
    name: &str,
    range: &Range<Data>,
    file: &Arc<str>,
) -> Vec<Diagnostic> {
    const SHOWN: usize = 5;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let cell = |r: u32, c: u32| crate::diag::cell_name(r + 1, c + 1);
    let mut errors: Vec<(String, String)> = Vec::new();
    for (i, row) in range.rows().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if let Data::Error(e) = v {
                errors.push((cell(r0 + i as u32, c0 + j as u32), e.to_string()));
            }
        }
    }
    let mut unvalued: Vec<String> = Vec::new();
    if facts.formulas {
        if let Sheets::Xlsx(x) = wb {
            if let Ok(formulas) = x.worksheet_formula(name) {
                let (f0, g0) = formulas.start().unwrap_or((0, 0));
                for (i, row) in formulas.rows().enumerate() {
                    for (j, f) in row.iter().enumerate() {
                        let pos = (f0 + i as u32, g0 + j as u32);
                        let empty = matches!(range.get_value(pos), None | Some(Data::Empty));
                        if !f.is_empty() && empty {
                            unvalued.push(cell(pos.0, pos.1));
                        }
                    }
                }
            }
        }
    }
    // Hidden rows: (how many, the first few), from the sheet part (xlsx) or the table (ods).
    let xls_rows: Option<Vec<u32>> = facts.hidden_rows.get(name).map(|rows| {
        // An .xls keeps a record for a formatted empty row: only rows with text count.
        let (_, width) = range.get_size();
        let filled = |r: u32| {
            r.checked_sub(r0 + 1).is_some_and(|i| {
                (0..width).any(|j| range.get((i as usize, j)).is_some_and(has_text))
            })
        };
        rows.iter().copied().filter(|&r| filled(r)).collect()
    });
    let (hidden_count, hidden): (u64, Vec<u64>) = match facts
        .sheet_parts
        .get(name)
        .and_then(|part| facts.hidden_rows.get(part))
        .or(xls_rows.as_ref())
    {
        Some(rows) => (
            rows.len() as u64,
            rows.iter().take(SHOWN + 1).map(|&r| u64::from(r)).collect(),
        ),
        None => facts
            .ods
            .iter()
            .find(|t| t.name == name)
            .map(|t| (t.hidden_count(), t.first_hidden(SHOWN + 1)))
            .unwrap_or_default(),
    };
    // Hidden columns (0-based, first and last), from the sheet part (xlsx), the BIFF records
    // (xls, by sheet name) or the table (ods).
    let hidden_cols: Vec<(u32, u32)> = match facts
        .sheet_parts
        .get(name)
        .and_then(|part| facts.hidden_cols.get(part))
        .or_else(|| facts.hidden_cols.get(name))
    {
        Some(cols) => cols.clone(),
        None => facts
            .ods
            .iter()
            .find(|t| t.name == name)
            .map(|t| {
                t.hidden_cols
                    .iter()
                    .filter_map(|&(c, n)| {
                        let first = u32::try_from(c).ok()?;
                        let last = u32::try_from(c.saturating_add(n - 1)).unwrap_or(u32::MAX);
                        Some((first, last))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    // Each hidden column that holds something, with its first cell that does.
    let (_, width) = range.get_size();
    let mut hidden_with_content: Vec<(u32, String)> = Vec::new();
    for j in 0..width as u32 {
        let c = c0 + j;
        if !hidden_cols.iter().any(|&(a, b)| a <= c && c <= b) {
            continue;
        }
        let first = range.rows().enumerate().find_map(|(i, r)| {
            let filled = r.get(j as usize).is_some_and(has_text);
            filled.then(|| cell(r0 + i as u32, c))
        });
        if let Some(at) = first {
            hidden_with_content.push((c, at));
        }
    }
    let list = |v: &[String]| {
        let shown: Vec<&str> = v.iter().take(SHOWN).map(String::as_str).collect();
        let more = if v.len() > SHOWN { " 等" } else { "" };
        format!("{}{more}", shown.join("、"))
    };
    let mut out = Vec::new();
    let mut push =
        |rule: &crate::diag::Rule, at: Option<&String>, msg: String, hint: &'static str| {
            let mut d = Diagnostic::new(rule, msg).in_file(file).hint(hint);
            d.sheet = Some(Arc::from(name));
            d.cell = at.cloned();
            out.push(d);
        };
    if !unvalued.is_empty() {
        push(
            &codes::FORMULA_WITHOUT_VALUE,
            unvalued.first(),
            format!(
                "{} 个公式单元格没有保存计算结果，按空白读取：{}",
                unvalued.len(),
                list(&unvalued)
            ),
            "在 Excel/WPS 中打开后保存一次（会写入计算结果），或把公式改为“选择性粘贴 → 数值”",
        );
    }
    if !errors.is_empty() {
        let cells: Vec<String> = errors.iter().map(|(c, e)| format!("{c}（{e}）")).collect();
        push(
            &codes::ERROR_VALUE,
            errors.first().map(|(c, _)| c),
            format!(
                "{} 个单元格是 Excel 错误值，按原文读取：{}",
                errors.len(),
                list(&cells)
            ),
            "修正引用或公式（#N/A 多为查找不到、#REF! 多为引用的行列被删除），再保存",
        );
    }
    if hidden_count > 0 {
        out.push(hidden_rows_warning(file, name, hidden_count, &hidden));
    }
    if !hidden_with_content.is_empty() {
        out.push(hidden_columns_warning(file, name, &hidden_with_content));
    }
    out
}

/// How many of a list are named in a warning; one more is kept to end the list with " 等".
const SHOWN: usize = 5;

fn listed(v: &[String]) -> String {
    let shown: Vec<&str> = v.iter().take(SHOWN).map(String::as_str).collect();
    let more = if v.len() > SHOWN { " 等" } else { "" };
    format!("{}{more}", shown.join("、"))
}

/// GK018 for `count` hidden rows of sheet `name` holding something, `first` the first few
/// (1-based).
pub(crate) fn hidden_rows_warning(
    file: &Arc<str>,
    name: &str,
    count: u64,
    first: &[u64],
) -> Diagnostic {
    let rows: Vec<String> = first.iter().map(|r| r.to_string()).collect();
    let mut d = Diagnostic::new(
        &codes::HIDDEN_ROW,
        format!(
            "工作表“{name}”有 {count} 个隐藏行，已照常读取：第 {} 行",
            listed(&rows)
        ),
    )
    .in_file(file)
    .hint("确认隐藏行中的事项应当公开；不应公开的请删除该行，而不是隐藏");
    d.sheet = Some(Arc::from(name));
    d.cell = first.first().map(|r| format!("A{r}"));
    d
}

/// GK021 for the hidden columns of sheet `name` that hold something: each column (0-based)
/// with the first cell that does.
pub(crate) fn hidden_columns_warning(
    file: &Arc<str>,
    name: &str,
    columns: &[(u32, String)],
) -> Diagnostic {
    let letters: Vec<String> = columns
        .iter()
        .map(|(c, _)| column_letters(*c + 1))
        .collect();
    let mut d = Diagnostic::new(
        &codes::HIDDEN_COLUMN,
        format!(
            "工作表“{name}”第 {} 列被隐藏但有内容，已照常读取",
            listed(&letters)
        ),
    )
    .in_file(file)
    .hint("隐藏列的内容同样进入目录：应公开的请取消隐藏（右键列标 → 取消隐藏）核对；不应公开的请删除该列，而不是隐藏");
    d.sheet = Some(Arc::from(name));
    d.cell = columns.first().map(|(_, at)| at.clone());
    d
}

/// Whether a cell shows something (without building its text: hidden rows and columns are
/// checked cell by cell).
fn has_text(d: &Data) -> bool {
    match d {
        Data::Empty => false,
        Data::String(s) => !s.trim().is_empty(),
        _ => true,
    }
}

/// A column's letters (1-based): 3 → C, 28 → AB.
fn column_letters(column: u32) -> String {
    let name = crate::diag::cell_name(1, column);
    name.trim_end_matches('1').to_string()
}

fn sheets_of(
    (mut wb, facts): Opened,
    file: &Arc<str>,
    limits: &Limits,
) -> Result<(Vec<Sheet>, Vec<Diagnostic>), Diagnostic> {
    let meta: Vec<(String, bool)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == calamine::SheetVisible::Visible))
        .collect();
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (name, visible) in meta {
        let sheet_diag = |rule: &crate::diag::Rule, msg: String, hint: &'static str| {
            let mut d = Diagnostic::new(rule, msg).in_file(file).hint(hint);
            d.sheet = Some(Arc::from(name.as_str()));
            d
        };
        if !visible {
            diags.push(sheet_diag(
                &codes::HIDDEN_SHEET,
                format!("工作表“{name}”是隐藏的，未读取"),
                "如其中有目录事项，在 Excel/WPS 中取消隐藏（右键工作表标签 → 取消隐藏）",
            ));
            continue;
        }
        let range = wb.worksheet_range(&name).map_err(|e| {
            Diagnostic::new(
                &codes::FILE_UNREADABLE,
                format!("无法读取工作表“{name}”：{e}"),
            )
            .in_file(file)
        })?;
        let ods = ods_merges(&facts, &name);
        let merged = merges_within(&mut wb, &name, &range, ods, limits).map_err(|m| {
            Diagnostic::new(&codes::INPUT_TOO_LARGE, m)
                .in_file(file)
                .hint("这通常是损坏或恶意的文件；请用 Excel/WPS 打开检查后另存")
        })?;
        let rows = rows_of(&range, &merged, &Shown::of(&facts, &name, &range));
        diags.extend(cell_warnings(&mut wb, &facts, &name, &range, file));
        if rows.len() as u64 > limits.max_rows {
            return Err(Diagnostic::new(
                &codes::INPUT_TOO_LARGE,
                format!("工作表“{name}”超过 {} 行的读取上限", limits.max_rows),
            )
            .in_file(file)
            .hint("拆分文件，或用 --max-rows 提高上限"));
        }
        if rows
            .iter()
            .all(|r| r.cells.iter().all(|c| c.trim().is_empty()))
        {
            diags.push(sheet_diag(
                &codes::EMPTY_SHEET,
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
