//! `validate --fix`: rewrite what is safe to rewrite, and nothing else. Safe fixes change the
//! form, never the meaning: 文号 years into 〔〕 (GK303), stray whitespace (GK602), HTML residue
//! (GK601), full-width digits in 文号 (GK603), channel variants into the template's names.
//!
//! TOML sources are edited in place through toml_edit (comments, order and layout are kept);
//! CSV/TSV sources record by record (untouched records keep their bytes); both keep
//! `<file>.bak` and refuse to write when the file changed since it was read. Workbooks are
//! never modified: a corrected copy `<name>.fixed.xlsx` is written beside them.

use std::path::{Path, PathBuf};

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{Catalogue, Channel, Field, Place, Spot};
use crate::read::clean::{looks_like_html, normalise_space, strip_html};
use crate::read::table::RawRow;
use crate::read::FileType;
use crate::rules::{fix_full_width, misbracketed_years};

/// The cells the reader read as an item's text or channels, by (sheet, row) as a spreadsheet
/// shows them: (1-based column, field). Only these are fixed. A title, a header of any
/// number of rows, the row of column numbers, a section row (一、社会救助领域), a totals row
/// and a note (注：…) hold no item's value: a fix there would change what no diagnostic
/// named.
type ItemCells = HashMap<(Option<Arc<str>>, u32), Vec<(u32, Field)>>;

fn item_cells(cats: &[Catalogue]) -> ItemCells {
    let mut out: ItemCells = HashMap::new();
    for it in cats.iter().flat_map(|c| &c.sections).flat_map(|s| &s.items) {
        let Some(Place::Cell { sheet, row, .. }) = it.loc.as_ref().map(|l| &l.place) else {
            continue;
        };
        let cells = out.entry((sheet.clone(), *row)).or_default();
        for (field, spot) in it.places.iter() {
            let fixable = field == Field::Channels || crate::model::TEXT_FIELDS.contains(&field);
            if let (Spot::Column(c), true) = (spot, fixable) {
                cells.push((c, field));
            }
        }
        // A cell the reader saw HTML or stray spaces in (GK601, GK602) is fixed too, though
        // it is not where its field's value was taken from (a channel's mark column beside
        // the first).
        for n in &it.notes {
            let (
                crate::model::Seen::Html { .. } | crate::model::Seen::Whitespace { .. },
                Place::Cell { column, .. },
            ) = (&n.seen, &n.loc.place)
            else {
                continue;
            };
            if !cells.iter().any(|(c, _)| c == column) {
                cells.push((*column, n.field.unwrap_or(Field::Remarks)));
            }
        }
    }
    out
}

/// The fix of one item cell of `field`. Windows line ends inside a cell (text pasted from
/// Word) are Excel's own line breaks to the reader, which reports nothing there: a cell whose
/// only change would be those is left as written.
fn fix_cell(field: Field, text: &str) -> String {
    let fixed = match field {
        Field::Channels => fix_channel_cell(text),
        f => fix_text(f, text),
    };
    if text.contains("\r\n") && fixed == text.replace("\r\n", "\n") {
        return text.to_string();
    }
    fixed
}

/// Fix one text value of a field. The fixes feed each other (full-width digits become
/// ASCII, and only then is `(2019)` a misbracketed year), so they are applied until nothing
/// changes: one run of `--fix` leaves nothing for a second run.
pub fn fix_text(field: Field, s: &str) -> String {
    let mut t = fix_text_once(field, s);
    // Each pass only shortens or re-brackets; a few passes reach the fixed point.
    for _ in 0..4 {
        let next = fix_text_once(field, &t);
        if next == t {
            break;
        }
        t = next;
    }
    t
}

fn fix_text_once(field: Field, s: &str) -> String {
    let mut t = if looks_like_html(s) {
        strip_html(s)
    } else {
        s.to_string()
    };
    t = normalise_space(&t);
    if field == Field::Basis {
        for (written, fixed) in misbracketed_years(&t) {
            t = t.replacen(&written, &fixed, 1);
        }
        t = fix_full_width(&t);
    }
    t
}

/// A single channel name in canonical form (variants and Traditional forms); unknown names
/// are left as written.
pub fn fix_channel(s: &str) -> String {
    let t = normalise_space(&if looks_like_html(s) {
        strip_html(s)
    } else {
        s.to_string()
    });
    match Channel::parse(&t) {
        Channel::Unknown(_) => t,
        known => known.display(),
    }
}

/// A 公开渠道和载体 cell rewritten with canonical names joined by 、, when every channel in it
/// is recognised and it is a plain list or pasted HTML; a ■/□ checkbox cell keeps its form,
/// and a cell with an unknown channel only loses HTML and stray whitespace.
pub fn fix_channel_cell(s: &str) -> String {
    let html = looks_like_html(s);
    let cleaned = normalise_space(&if html { strip_html(s) } else { s.to_string() });
    // The checkbox form (■政府网站 □两微一端, √政府网站 □公示栏) is kept as the clerk wrote it.
    if !html && crate::model::is_checkbox_list(&cleaned) {
        return cleaned;
    }
    let parsed = Channel::parse_list(&cleaned);
    if parsed.is_empty() || parsed.iter().any(|c| matches!(c, Channel::Unknown(_))) {
        return cleaned;
    }
    crate::model::ChannelList(&parsed).to_string()
}

const TEXT_KEYS: [(&str, Field); 8] = [
    ("category", Field::Category),
    ("name", Field::Name),
    ("content", Field::Content),
    ("basis", Field::Basis),
    ("deadline", Field::Deadline),
    ("subject", Field::Subject),
    ("remarks", Field::Remarks),
    ("audience_group", Field::Audience),
];

fn fix_table(t: &mut dyn toml_edit::TableLike) {
    for (key, item) in t.iter_mut() {
        let key = key.get().to_string();
        if let Some(field) = TEXT_KEYS.iter().find(|(k, _)| *k == key).map(|(_, f)| *f) {
            if let Some(v) = item.as_value_mut() {
                if let Some(s) = v.as_str() {
                    let fixed = fix_text(field, s);
                    if fixed != s {
                        let decor = v.decor().clone();
                        *v = toml_edit::Value::from(fixed);
                        *v.decor_mut() = decor;
                    }
                }
            }
            continue;
        }
        if key == "channels" {
            if let Some(arr) = item.as_value_mut().and_then(|v| v.as_array_mut()) {
                for v in arr.iter_mut() {
                    if let Some(s) = v.as_str() {
                        let fixed = fix_channel(s);
                        if fixed != s {
                            let decor = v.decor().clone();
                            *v = toml_edit::Value::from(fixed);
                            *v.decor_mut() = decor;
                        }
                    }
                }
            }
            continue;
        }
        if let Some(sub) = item.as_table_like_mut() {
            fix_table(sub);
        } else if let Some(arr) = item.as_array_of_tables_mut() {
            for t in arr.iter_mut() {
                fix_table(t);
            }
        }
    }
}

/// Fix a TOML catalogue's text, keeping comments and layout.
///
/// # Errors
/// The parser's message when the text is not valid TOML (validate reports it as GK002).
///
/// The byte-order mark and CRLF line ends of a file saved on Windows are kept: toml_edit
/// writes neither, and a fix must not rewrite every line of the file.
pub fn fix_toml(src: &str) -> Result<String, String> {
    let (bom, body) = match src.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", src),
    };
    let crlf = body.contains("\r\n");
    let mut doc: toml_edit::DocumentMut = body
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    fix_table(doc.as_table_mut());
    let mut out = doc.to_string();
    if crlf {
        out = out.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    Ok(format!("{bom}{out}"))
}

/// Byte ranges of the records of a CSV text (quotes respected; blank lines skipped). A
/// quote opens a quoted field only where a field starts, as the reader and Excel have it:
/// `15"显示屏` is text, not the start of a field that swallows the following lines.
fn record_spans(text: &str, delimiter: u8) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut closed_at: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' if quoted => {
                quoted = false;
                closed_at = Some(i);
            }
            b'"' => {
                let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
                // Right after a closing quote, a quote is the second half of an escaped `""`.
                quoted = matches!(prev, None | Some(b'\n' | b'\r'))
                    || prev == Some(delimiter)
                    || closed_at.is_some_and(|c| c + 1 == i);
            }
            b'\n' | b'\r' if !quoted => {
                let end = i;
                if end > start {
                    spans.push((start, end));
                }
                if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        spans.push((start, bytes.len()));
    }
    spans
}

fn parse_record(slice: &str, delimiter: u8) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(slice.as_bytes());
    r.records()
        .next()
        .and_then(Result::ok)
        .map(|rec| rec.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

fn write_record(fields: &[String], delimiter: u8) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record(fields);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .trim_end_matches('\n')
        .to_string()
}

/// Fix a CSV text record by record: the header decides which columns are text, basis and
/// channels; records with nothing to fix keep their exact bytes.
pub fn fix_csv_text(text: &str, delimiter: u8) -> String {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = if body.len() < text.len() {
        "\u{feff}"
    } else {
        ""
    };
    let spans = record_spans(body, delimiter);
    let records: Vec<Vec<String>> = spans
        .iter()
        .map(|(s, e)| parse_record(&body[*s..*e], delimiter))
        .collect();
    // Each record's row as a spreadsheet shows it, as the reader counts it: a blank line is
    // an empty row.
    let mut rows_of = Vec::with_capacity(spans.len());
    let (mut row, mut prev_end) = (0u32, 0usize);
    for (s, e) in &spans {
        let gap = &body[prev_end..*s];
        let breaks =
            gap.matches("\r\n").count() + gap.replace("\r\n", "").matches(['\n', '\r']).count();
        // The first record starts after `breaks` blank lines; a later one after its own end.
        let blank = if prev_end == 0 {
            breaks
        } else {
            breaks.saturating_sub(1)
        };
        row = row.saturating_add(u32::try_from(blank + 1).unwrap_or(u32::MAX));
        rows_of.push(row);
        prev_end = *e;
    }
    let raw = records
        .iter()
        .zip(&rows_of)
        .map(|(cells, row)| {
            Ok(RawRow {
                cells: cells.iter().map(String::as_str).collect(),
                row: *row,
                line: None,
                first_column: 1,
                merged: Vec::new(),
            })
        })
        .collect::<Vec<_>>();
    let file: Arc<str> = Arc::from("");
    let limits = crate::limits::Limits::default();
    let (cats, _) = crate::read::table::read_rows(&file, None, raw.into_iter(), "目录", &limits);
    let cells_of = item_cells(&cats);
    let mut out = String::with_capacity(text.len());
    out.push_str(bom);
    let mut pos = 0;
    for (((s, e), cells), row) in spans.iter().zip(&records).zip(&rows_of) {
        out.push_str(&body[pos..*s]);
        let mut fixed = cells.clone();
        for (column, field) in cells_of.get(&(None, *row)).into_iter().flatten() {
            let i = (*column as usize).saturating_sub(1);
            if let Some(cell) = fixed.get_mut(i) {
                *cell = fix_cell(*field, cell);
            }
        }
        if fixed == *cells {
            out.push_str(&body[*s..*e]);
        } else {
            out.push_str(&write_record(&fixed, delimiter));
        }
        pos = *e;
    }
    out.push_str(&body[pos..]);
    out
}

/// Where a fix went.
#[derive(Debug)]
pub enum Fixed {
    /// The source was rewritten in place; its old bytes are in `backup`.
    InPlace { backup: PathBuf },
    /// A corrected copy was written (workbooks).
    Copy(PathBuf),
    /// Nothing to fix.
    Unchanged,
}

/// The text of a file and how to write it back in the same encoding.
struct Decoded {
    text: String,
    encoding: &'static encoding_rs::Encoding,
}

fn decode(bytes: &[u8]) -> Decoded {
    let enc = crate::read::csv::detect_encoding(bytes, true);
    let (text, _, _) = enc.decode(bytes);
    let bom = match encoding_rs::Encoding::for_bom(bytes) {
        Some((e, _)) if e == encoding_rs::UTF_8 => "\u{feff}",
        _ => "",
    };
    Decoded {
        text: format!("{bom}{text}"),
        encoding: enc,
    }
}

fn encode(text: &str, enc: &'static encoding_rs::Encoding) -> Vec<u8> {
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        let le = enc == encoding_rs::UTF_16LE;
        let mut out = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        return out;
    }
    let (bytes, _, _) = enc.encode(text);
    bytes.into_owned()
}

/// What fixing a file would change: (old text, new text) for text sources.
pub struct Plan {
    pub path: PathBuf,
    pub old: String,
    pub new: String,
    /// The bytes read, to refuse writing if the file changed meanwhile.
    read: Vec<u8>,
    encoding: &'static encoding_rs::Encoding,
}

impl Plan {
    pub fn changes(&self) -> bool {
        self.old != self.new
    }

    /// A unified diff of the change.
    pub fn diff(&self) -> String {
        let name = self.path.display().to_string();
        similar::TextDiff::from_lines(&self.old, &self.new)
            .unified_diff()
            .context_radius(1)
            .header(&name, &format!("{name}（修正后）"))
            .to_string()
    }

    /// Write the fix: `<file>.bak` first, then the new text through a temporary file.
    ///
    /// # Errors
    /// A message when the file changed since it was read, or cannot be written.
    pub fn apply(&self) -> Result<Fixed, String> {
        if !self.changes() {
            return Ok(Fixed::Unchanged);
        }
        let now = std::fs::read(&self.path).map_err(|e| format!("无法重新读取：{e}"))?;
        if now != self.read {
            return Err("文件在读取后已被修改，未写入修正；请重新运行".to_string());
        }
        let backup = backup_of(&self.path);
        // The backup goes through the same temporary-file, sync and rename as every output:
        // a full disk leaves no truncated `.bak`, and the original is replaced only once
        // the backup is whole on disk.
        let (dir, name) = crate::fsutil::split_output(&backup);
        crate::fsutil::write_atomic(dir, &name, &self.read)
            .map_err(|e| format!("未写入修正，因为无法写入备份：{e}"))?;
        let bytes = encode(&self.new, self.encoding);
        crate::fsutil::replace_input(&self.path, &bytes).map_err(|e| e.to_string())?;
        Ok(Fixed::InPlace { backup })
    }
}

/// Where `--fix` keeps the original of a text source.
pub fn backup_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".bak");
    PathBuf::from(name)
}

/// Where `--fix` writes the corrected copy of a workbook: `<name>.fixed.xlsx` beside it.
pub fn fixed_copy_of(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    path.with_file_name(format!("{stem}.fixed.xlsx"))
}

/// The file `--fix` writes beside a source besides the source itself (its backup or its
/// corrected copy), for the output guard.
pub fn written_beside(path: &Path) -> Option<PathBuf> {
    match crate::read::file_type(path)? {
        crate::read::FileType::Workbook => Some(fixed_copy_of(path)),
        _ => Some(backup_of(path)),
    }
}

/// Plan the fix of a TOML, CSV or TSV file.
///
/// # Errors
/// A message when the file cannot be read or (TOML) parsed.
pub fn plan(path: &Path) -> Result<Plan, String> {
    let read = std::fs::read(path).map_err(|e| format!("无法读取：{e}"))?;
    let ty = crate::read::file_type(path);
    let d = decode(&read);
    // A UTF-8 file with rows in another encoding (a row pasted from a GBK file) is read row
    // by row; written back whole, those rows would be lost to replacement characters.
    if d.encoding == encoding_rs::UTF_8
        && ty != Some(FileType::Toml)
        && simdutf8::basic::from_utf8(&read).is_err()
    {
        return Err(
            "文件是 UTF-8，但有的行不是（多为从 GBK 文件粘贴而来），不能自动修正：请先在 Excel/WPS 中另存为“CSV UTF-8”"
                .into(),
        );
    }
    let new = match ty {
        Some(FileType::Toml) => fix_toml(&d.text)?,
        Some(t @ (FileType::Csv | FileType::Tsv | FileType::Text)) => fix_csv_text(
            &d.text,
            t.delimiter()
                .unwrap_or_else(|| crate::read::csv::sniff_delimiter(&read)),
        ),
        _ => return Err("只能就地修正 TOML、CSV、TSV、TXT 文件".into()),
    };
    Ok(Plan {
        path: path.to_path_buf(),
        old: d.text,
        new,
        read,
        encoding: d.encoding,
    })
}

/// Write a corrected copy of a workbook (`<name>.fixed.xlsx` beside it): the same sheets,
/// cells and merged ranges, with text fixed. Formatting is not copied, except what changes
/// how a cell reads: a number keeps its format code, and a cell shown differently from its
/// value (a formatted date, an .ods value's stored text) is written as what it showed.
///
/// # Errors
/// A message when the workbook cannot be read or the copy written.
pub fn fix_workbook(
    path: &Path,
    limits: &crate::limits::Limits,
) -> Result<Option<PathBuf>, String> {
    use crate::read::xlsx::raw_text;
    use calamine::{Data, Reader};
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取：{e}"))?;
    // The reader says which cells are items' values (not a title, header, note or totals
    // row), whatever the shape of the sheet.
    let read = crate::load::read_file_with(path, &crate::catalogues::Store::embedded, None, limits);
    let cells_of = item_cells(&read.catalogues);
    let (mut wb, sheets, looks) = crate::read::xlsx::open_for_copy(bytes, limits)?;
    let mut out = rust_xlsxwriter::Workbook::new();
    let mut changed = false;
    let mut shown = false;
    for (name, visible) in sheets {
        let Ok(range) = wb.worksheet_range(&name) else {
            continue;
        };
        let merges =
            crate::read::xlsx::merges_within(&mut wb, &name, &range, looks.merges(&name), limits)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let sheet: Option<Arc<str>> = Some(Arc::from(name.as_str()));
        let field_at = |row: u32, col: u32| -> Option<Field> {
            cells_of
                .get(&(sheet.clone(), row + 1))?
                .iter()
                .find(|(c, _)| *c == col + 1)
                .map(|(_, f)| *f)
        };
        let ws = out.add_worksheet();
        ws.set_name(&name).map_err(|e| e.to_string())?;
        crate::read::xlsx::keep_visibility(ws, &visible);
        // Excel opens on the first visible sheet; a hidden one cannot be the active sheet.
        if !shown && visible == calamine::SheetVisible::Visible {
            ws.set_active(true);
            shown = true;
        }
        // Cells keep how they looked: a number its format code, a cell whose format or
        // stored text showed something else than its value that text, so the copy reads as
        // the original did (20 formatted 0"个工作日" stays 20个工作日).
        let looks = looks.sheet(&name, &range);
        for (i, r) in range.rows().enumerate() {
            for (j, cell) in r.iter().enumerate() {
                let (row, col) = (r0 + i as u32, (c0 as usize + j) as u16);
                let pos = (row, u32::from(col));
                let number = match cell {
                    Data::Float(f) => Some(*f),
                    Data::Int(n) => Some(*n as f64),
                    _ => None,
                };
                let shown = looks.text(pos, cell);
                match (cell, number, looks.code(pos)) {
                    (Data::Empty, ..) => {}
                    (_, Some(n), Some(code)) => {
                        let f = rust_xlsxwriter::Format::new().set_num_format(code);
                        ws.write_number_with_format(row, col, n, &f)
                            .map_err(|e| e.to_string())?;
                    }
                    (_, Some(n), None) if shown.is_none() => {
                        ws.write_number(row, col, n).map_err(|e| e.to_string())?;
                    }
                    (other, ..) => {
                        let text = shown.unwrap_or_else(|| raw_text(other));
                        let fixed = match field_at(row, u32::from(col)) {
                            Some(f) => fix_cell(f, &text),
                            None => text.clone(),
                        };
                        changed |= fixed != text;
                        ws.write_string(row, col, fixed)
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
        }
        for m in merges {
            let v = range
                .get_value(m.start)
                .map(|d| looks.text(m.start, d).unwrap_or_else(|| raw_text(d)))
                .unwrap_or_default();
            let fixed = match field_at(m.start.0, m.start.1) {
                Some(f) => fix_cell(f, &v),
                None => v.clone(),
            };
            changed |= fixed != v;
            let f = rust_xlsxwriter::Format::new().set_text_wrap();
            ws.merge_range(
                m.start.0,
                m.start.1 as u16,
                m.end.0,
                m.end.1 as u16,
                &fixed,
                &f,
            )
            .map_err(|e| e.to_string())?;
        }
    }
    if !changed {
        return Ok(None);
    }
    let copy = fixed_copy_of(path);
    let (dir, name) = crate::fsutil::split_output(&copy);
    let bytes = out.save_to_buffer().map_err(|e| e.to_string())?;
    crate::fsutil::write_atomic(dir, &name, &bytes)
        .map(Some)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fixes_are_idempotent_and_change_only_form() {
        let b = "《条例》（曲政办发[2020]24号　（国办发〔２０１９〕５４号）";
        let once = fix_text(Field::Basis, b);
        assert_eq!(
            once,
            "《条例》（曲政办发〔2020〕24号 （国办发〔2019〕54号）"
        );
        assert_eq!(fix_text(Field::Basis, &once), once);
        // Full-width digits first, then the brackets: one run does both.
        assert_eq!(
            fix_text(Field::Basis, "《办法》（民发(２０１９)１号）"),
            "《办法》（民发〔2019〕1号）"
        );
        assert_eq!(fix_channel("公示栏"), "社区/企事业单位/村公示栏（电子屏）");
        assert_eq!(fix_channel("公式栏"), "公式栏");
        assert_eq!(fix_channel("村村响"), "广播电视");
        assert_eq!(fix_channel("微信群"), "其他（微信群）");
        assert_eq!(
            fix_channel_cell("<ul> ■政府网站 □两微一端 ■其他 基层公共服务平台 </ul>"),
            "政府网站、其他（基层公共服务平台）"
        );
    }

    #[test]
    fn toml_fix_keeps_comments_and_layout() {
        let src = "# 注释\ndomain = \"社会救助\"\n\n[[items]]\nid = \"a\"  # 编号\nbasis = \"（国办发[2019]54号）\"\nchannels = [\"门户网站\", \"公示栏\"]\n";
        let fixed = fix_toml(src).expect("valid");
        assert_eq!(
            fixed,
            "# 注释\ndomain = \"社会救助\"\n\n[[items]]\nid = \"a\"  # 编号\nbasis = \"（国办发〔2019〕54号）\"\nchannels = [\"政府网站\", \"社区/企事业单位/村公示栏（电子屏）\"]\n"
        );
        assert_eq!(fix_toml(&fixed).expect("valid"), fixed);
    }

    #[test]
    fn toml_fix_keeps_the_bom_and_crlf_line_ends() {
        let src = "\u{feff}domain = \"社会救助\"\r\n\r\n[[items]]\r\nid = \"a\"  # 编号\r\nbasis = \"（民发(２０１９)１号）\"\r\n";
        let fixed = fix_toml(src).expect("valid");
        assert_eq!(
            fixed,
            "\u{feff}domain = \"社会救助\"\r\n\r\n[[items]]\r\nid = \"a\"  # 编号\r\nbasis = \"（民发〔2019〕1号）\"\r\n"
        );
        assert_eq!(fix_toml(&fixed).expect("valid"), fixed);
    }

    #[test]
    fn a_file_changed_after_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("u.toml");
        std::fs::write(
            &p,
            "domain = \"社会救助\"\n[[items]]\nid = \"a\"\nbasis = \"（国办发[2019]54号）\"\n",
        )
        .expect("write");
        let plan = plan(&p).expect("plan");
        assert!(plan.changes());
        std::fs::write(&p, "domain = \"社会救助\"\n# edited meanwhile\n").expect("edit");
        assert!(plan.apply().is_err(), "refuses");
        assert_eq!(
            std::fs::read_to_string(&p).expect("read"),
            "domain = \"社会救助\"\n# edited meanwhile\n"
        );
        assert!(!dir.path().join("u.toml.bak").exists());
    }

    #[test]
    fn csv_fix_touches_only_records_with_something_to_fix() {
        let src = "\u{feff}二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,主动\r\n\"低保\",条件,《条例》,及时,镇,政府网站,✓,✓\r\n救助, 条件 ,《办法》（民发(2012)220号）,及时,镇,<b>政府网站</b>,✓,✓\r\n";
        let fixed = fix_csv_text(src, b',');
        let lines: Vec<&str> = fixed.split("\r\n").collect();
        assert_eq!(
            lines[1], "\"低保\",条件,《条例》,及时,镇,政府网站,✓,✓",
            "untouched record keeps its quotes"
        );
        assert_eq!(
            lines[2],
            "救助,条件,《办法》（民发〔2012〕220号）,及时,镇,政府网站,✓,✓"
        );
        assert!(fixed.starts_with('\u{feff}'));
        assert_eq!(fix_csv_text(&fixed, b','), fixed);
    }

    #[test]
    fn a_stray_quote_does_not_join_the_records_after_it() {
        let text = "a,15\"显示屏,c\n\"x\"\"y\",b\nd,e,f\n";
        assert_eq!(record_spans(text, b','), vec![(0, 16), (17, 25), (26, 31)]);
    }
}
