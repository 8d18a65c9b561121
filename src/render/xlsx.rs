//! The catalogue as a workbook to print and post (`DIR/<name>.xlsx`): a 说明 cover sheet, then
//! one sheet per section in output order, each laid out like the template (附件2): a title
//! row merged across the table, the two-row header with merged parents, 序号 and 一级事项
//! merged over their 二级 rows, ✓ in the checkbox columns; A4 landscape, one page wide, header
//! rows repeated on every page, page numbers in the footer, frozen header and autofilter.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::{levels_present, status_text, title, unit_title, Options};
use crate::date::Date;
use crate::model::{Audience, Catalogue, Item, Level, Mode, Section, Unit};

const MARK: &str = "✓";
const BODY_FONT: &str = "宋体";
const HEAD_FONT: &str = "黑体";
/// GB2312 charset: tells Excel and WPS the font is Chinese.
const CHARSET_GB2312: u8 = 134;
/// First row of the table header (0-based): row 0 is the title, row 1 the section line.
const HEADER_ROW: u32 = 2;
const FIRST_DATA_ROW: u32 = HEADER_ROW + 2;
/// The workbook's deflate level (see [`write_sections`]).
const ZIP_LEVEL: u8 = 5;

struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    /// `text` with Excel's quote prefix: a value starting with = + - @ stays text even when a
    /// clerk edits the cell (OWASP CSV/formula injection).
    text_quoted: Format,
    center: Format,
    /// `center` with the quote prefix, for a 特定群众 cell naming a group as a formula would.
    center_quoted: Format,
    cover_label: Format,
    cover_value: Format,
}

impl Formats {
    /// Every format a section sheet may use, in the order a section sheet first uses them
    /// (the quoted ones last: most workbooks have no cell that needs them). The workbook
    /// numbers a format when a sheet first uses it; registering these before the sheets are
    /// written in parallel gives every format the same number whichever sheet is written
    /// first, so the file is the same byte for byte.
    fn section_formats(&self) -> [&Format; 7] {
        [
            &self.title,
            &self.subtitle,
            &self.header,
            &self.center,
            &self.text,
            &self.text_quoted,
            &self.center_quoted,
        ]
    }

    /// The text format, quote-prefixed when the value would otherwise be a formula.
    fn text_for(&self, v: &str) -> &Format {
        if crate::formula::needs_neutralising(v) {
            &self.text_quoted
        } else {
            &self.text
        }
    }

    fn new() -> Self {
        let base = Format::new()
            .set_font_name(BODY_FONT)
            .set_font_charset(CHARSET_GB2312)
            .set_font_size(10);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new()
                .set_font_name(HEAD_FONT)
                .set_font_charset(CHARSET_GB2312)
                .set_font_size(18)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: base
                .clone()
                .set_font_size(11)
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::VerticalCenter),
            header: Format::new()
                .set_font_name(HEAD_FONT)
                .set_font_charset(CHARSET_GB2312)
                .set_font_size(10)
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(0xE7EEF7),
            text: cell.clone().set_align(FormatAlign::Left),
            text_quoted: cell.clone().set_align(FormatAlign::Left).set_quote_prefix(),
            center_quoted: cell
                .clone()
                .set_align(FormatAlign::Center)
                .set_quote_prefix(),
            center: cell.set_align(FormatAlign::Center),
            cover_label: base
                .clone()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::VerticalCenter),
            cover_value: base
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
        }
    }
}

/// One column of the table: its header (parent, child) and width in characters.
struct Column {
    parent: Option<&'static str>,
    label: String,
    width: f64,
}

fn columns(levels: &[Level]) -> Vec<Column> {
    let col = |parent, label: &str, width| Column {
        parent,
        label: label.to_string(),
        width,
    };
    let mut v = vec![
        col(None, "序号", 5.0),
        col(Some("公开事项"), "一级事项", 12.0),
        col(Some("公开事项"), "二级事项", 14.0),
        col(None, "公开内容（要素）", 30.0),
        col(None, "公开依据", 28.0),
        col(None, "公开时限", 16.0),
        col(None, "公开主体", 12.0),
        col(None, "公开渠道和载体", 16.0),
        col(Some("公开对象"), "全社会", 5.5),
        col(Some("公开对象"), "特定群众", 7.0),
        col(Some("公开方式"), "主动", 5.0),
        col(Some("公开方式"), "依申请公开", 6.0),
    ];
    for l in levels {
        v.push(col(Some("公开层级"), l.label(), 5.0));
    }
    v.push(col(None, "备注", 10.0));
    v
}

/// A valid, unique Excel sheet name: no `[]:*?/\`, no leading or trailing apostrophe, at most
/// 31 characters.
pub fn sheet_name(raw: &str, used: &mut HashSet<String>) -> String {
    let clean: String = raw
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim_matches('\'')
        .chars()
        .take(31)
        .collect();
    let base = if clean.trim().is_empty() {
        "目录".to_string()
    } else {
        clean
    };
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name.to_lowercase()) {
        let suffix = format!("({n})");
        let keep = 31 - suffix.chars().count();
        name = base.chars().take(keep).collect::<String>() + &suffix;
        n += 1;
    }
    used.insert(name.to_lowercase());
    name
}

fn setup_print(ws: &mut Worksheet, repeat_to: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    ws.set_footer("&C第 &P 页 共 &N 页");
    ws.set_repeat_rows(HEADER_ROW, repeat_to)?;
    Ok(())
}

/// The calls that write a section sheet: a real sheet's, or (in the tests) a sheet that
/// formats cell by cell.
trait Sheet {
    fn set_column_width(&mut self, col: u16, width: f64) -> Result<(), XlsxError>;
    fn set_row_height(&mut self, row: u32, height: f64) -> Result<(), XlsxError>;
    fn merge_range(
        &mut self,
        first: (u32, u16),
        last: (u32, u16),
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError>;
    fn write_string_with_format(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError>;
    /// A cell without a format of its own (a column without a format gives it none): the
    /// row's formats are then set by [`Sheet::set_row_format_run`].
    fn write_string(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError>;
    /// One format for the cells `first..=last` of `row`, those written and the blank ones:
    /// the format is looked up once for the run instead of once per cell.
    fn set_row_format_run(
        &mut self,
        row: u32,
        first: u16,
        last: u16,
        format: &Format,
    ) -> Result<(), XlsxError>;
    /// Frozen header, autofilter over the table, page setup.
    fn finish(&mut self, last_row: u32, last_col: u16) -> Result<(), XlsxError>;
}

impl Sheet for Worksheet {
    fn set_column_width(&mut self, col: u16, width: f64) -> Result<(), XlsxError> {
        Worksheet::set_column_width(self, col, width).map(|_| ())
    }
    fn set_row_height(&mut self, row: u32, height: f64) -> Result<(), XlsxError> {
        Worksheet::set_row_height(self, row, height).map(|_| ())
    }
    fn merge_range(
        &mut self,
        first: (u32, u16),
        last: (u32, u16),
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        Worksheet::merge_range(self, first.0, first.1, last.0, last.1, text, format).map(|_| ())
    }
    fn write_string_with_format(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        Worksheet::write_string_with_format(self, row, col, text, format).map(|_| ())
    }
    fn write_string(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        Worksheet::write_string(self, row, col, text).map(|_| ())
    }
    fn set_row_format_run(
        &mut self,
        row: u32,
        first: u16,
        last: u16,
        format: &Format,
    ) -> Result<(), XlsxError> {
        Worksheet::set_range_format(self, row, first, row, last, format).map(|_| ())
    }
    fn finish(&mut self, last_row: u32, last_col: u16) -> Result<(), XlsxError> {
        self.set_freeze_panes(FIRST_DATA_ROW, 0)?;
        self.autofilter(HEADER_ROW + 1, 0, last_row, last_col)?;
        setup_print(self, HEADER_ROW + 1)
    }
}

/// One section's sheet under the workbook's title (the same on every sheet); left unfinished
/// once `stop` is set (see [`write_sections`]).
fn write_section<S: Sheet>(
    ws: &mut S,
    title: &str,
    section: &Section,
    levels: &[Level],
    f: &Formats,
    stop: &AtomicBool,
) -> Result<(), XlsxError> {
    let cols = columns(levels);
    let last_col = (cols.len() - 1) as u16;
    for (i, c) in cols.iter().enumerate() {
        ws.set_column_width(i as u16, c.width)?;
    }
    ws.set_row_height(0, 32.0)?;
    ws.merge_range((0, 0), (0, last_col), title, &f.title)?;
    let sub = format!(
        "{}领域（共 {} 项）",
        section_label(section),
        section.items.len()
    );
    ws.merge_range((1, 0), (1, last_col), &sub, &f.subtitle)?;
    // The two-row header, written row by row (the sheet streams): a column without a parent
    // spans both rows; a parent spans its children.
    ws.set_row_height(HEADER_ROW, 22.0)?;
    let mut i = 0;
    while i < cols.len() {
        let c = &cols[i];
        match c.parent {
            None => {
                ws.merge_range(
                    (HEADER_ROW, i as u16),
                    (HEADER_ROW + 1, i as u16),
                    &c.label,
                    &f.header,
                )?;
                i += 1;
            }
            Some(p) => {
                let n = cols[i..].iter().take_while(|x| x.parent == Some(p)).count();
                if n > 1 {
                    ws.merge_range(
                        (HEADER_ROW, i as u16),
                        (HEADER_ROW, (i + n - 1) as u16),
                        p,
                        &f.header,
                    )?;
                } else {
                    ws.write_string_with_format(HEADER_ROW, i as u16, p, &f.header)?;
                }
                i += n;
            }
        }
    }
    ws.set_row_height(HEADER_ROW + 1, 36.0)?;
    for (k, c) in cols.iter().enumerate() {
        if c.parent.is_some() {
            ws.write_string_with_format(HEADER_ROW + 1, k as u16, &c.label, &f.header)?;
        }
    }
    let mut row = FIRST_DATA_ROW;
    for (n, group) in (1u32..).zip(crate::model::category_runs(&section.items)) {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let first = row;
        let last = row + group.len() as u32 - 1;
        let head = &group[0];
        let seq = n.to_string();
        if group.len() > 1 {
            ws.merge_range((first, 0), (last, 0), &seq, &f.center)?;
            ws.merge_range(
                (first, 1),
                (last, 1),
                super::fit_cell(&head.category).as_ref(),
                f.text_for(&head.category),
            )?;
        } else {
            ws.write_string_with_format(first, 0, &seq, &f.center)?;
            ws.write_string_with_format(
                first,
                1,
                super::fit_cell(&head.category).as_ref(),
                f.text_for(&head.category),
            )?;
        }
        for it in group {
            let channels = crate::model::ChannelList(&it.channels).to_string();
            write_item(ws, row, it, &channels, levels, f)?;
            ws.set_row_height(row, row_height(it, &channels, &cols))?;
            row += 1;
        }
    }
    let last_row = row.saturating_sub(1).max(HEADER_ROW + 1);
    ws.finish(last_row, last_col)
}

/// Lines a text needs in a column `width` characters wide (CJK characters count two).
fn lines_needed(text: &str, width: f64) -> usize {
    let per_line = (width - 1.0).max(2.0);
    text.split('\n')
        .map(|line| {
            // A whole number of columns, so the f64 below is exact whatever the order of sums.
            let w = display_columns(line) as f64;
            ((w / per_line).ceil() as usize).max(1)
        })
        .sum()
}

/// Columns a line takes: one per character, two from U+1100 on. Counted on the UTF-8 bytes
/// (a row's cells are mostly CJK, and this runs for every cell of the table): a character
/// starts at every byte that is not a continuation byte, and is U+1100 or above exactly when
/// its lead byte is 0xE2 or more, or 0xE1 followed by 0x84 or more (U+1100–U+1FFF, rare: only
/// then is the second byte looked at). The one loop has no branches and a narrow
/// accumulator, so it vectorises (a third fewer instructions than decoding the chars).
fn display_columns(line: &str) -> usize {
    let b = line.as_bytes();
    // A cell is at most a few hundred kilobytes: the u32 cannot overflow.
    let mut cols: u32 = 0;
    for &x in b {
        cols += u32::from(x & 0xC0 != 0x80) + u32::from(x >= 0xE2);
    }
    let wide_e1 = if memchr::memchr(0xE1, b).is_some() {
        b.windows(2)
            .filter(|w| w.first() == Some(&0xE1) && w.get(1).is_some_and(|&n| n >= 0x84))
            .count()
    } else {
        0
    };
    cols as usize + wide_e1
}

/// A row height (points) that shows every wrapped cell of the item. Excel, WPS and
/// LibreOffice do not all grow rows for wrapped text on opening, so the height is set.
fn row_height(it: &Item, channels: &str, cols: &[Column]) -> f64 {
    let remarks = it.remarks_cell();
    let cells: [(usize, &str); 8] = [
        (1, &it.category),
        (2, &it.name),
        (3, &it.content),
        (4, &it.basis),
        (5, &it.deadline),
        (6, &it.subject),
        (7, channels),
        (cols.len() - 1, &remarks),
    ];
    let lines = cells
        .iter()
        .map(|(c, t)| lines_needed(t, cols.get(*c).map(|x| x.width).unwrap_or(10.0)))
        .max()
        .unwrap_or(1);
    (lines as f64 * 13.5 + 4.0).min(409.0)
}

fn section_label(s: &Section) -> &str {
    s.key.display_name()
}

/// The first column [`write_item`] writes (序号 and 一级事项 are written per group).
const ITEM_FIRST_COL: u16 = 2;

/// An item's cells from 二级事项 to 备注. Every cell is written without a format, then each
/// run of cells sharing a format gets it in one call: rust_xlsxwriter hashes the whole
/// `Format` to find its index on every formatted write (two thirds of such a write's
/// instructions), and a row holds three runs (text, the centred marks, the remarks) instead
/// of 11 or more formatted cells. The cells and their style indices are the same as formatting each cell: a blank
/// cell in a run gets the format as a formatted blank would.
fn write_item<S: Sheet>(
    ws: &mut S,
    row: u32,
    it: &Item,
    channels: &str,
    levels: &[Level],
    f: &Formats,
) -> Result<(), XlsxError> {
    let mark = |b: bool| if b { MARK } else { "" };
    let specific = it.audience.iter().find_map(|a| match a {
        Audience::Specific(g) => Some(g.as_deref().unwrap_or(MARK)),
        _ => None,
    });
    let remarks = it.remarks_cell();
    fn text<'a>(v: &'a str, f: &'a Formats) -> (std::borrow::Cow<'a, str>, &'a Format) {
        (super::fit_cell(v), f.text_for(v))
    }
    let centred = |v: &'static str| (std::borrow::Cow::Borrowed(v), &f.center);
    let mut cells = Vec::with_capacity(11 + levels.len());
    for v in [
        &it.name,
        &it.content,
        &it.basis,
        &it.deadline,
        &it.subject,
        channels,
    ] {
        cells.push(text(v, f));
    }
    cells.push(centred(mark(it.audience.contains(&Audience::Public))));
    let specific = specific.unwrap_or("");
    let specific_format = if crate::formula::needs_neutralising(specific) {
        &f.center_quoted
    } else {
        &f.center
    };
    cells.push((std::borrow::Cow::Borrowed(specific), specific_format));
    cells.push(centred(mark(it.mode.contains(&Mode::Active))));
    cells.push(centred(mark(it.mode.contains(&Mode::OnRequest))));
    for l in levels {
        cells.push(centred(mark(it.levels.contains(l))));
    }
    cells.push(text(&remarks, f));
    let col = |k: usize| ITEM_FIRST_COL + k as u16;
    // A row none of whose cells holds text is written cell by cell: formatting a run needs
    // the row started in the sheet (in constant-memory mode only a written cell moves the
    // sheet on to its row).
    if cells.iter().all(|(v, _)| v.is_empty()) {
        for (k, (v, format)) in cells.iter().enumerate() {
            ws.write_string_with_format(row, col(k), v, format)?;
        }
        return Ok(());
    }
    for (k, (v, _)) in cells.iter().enumerate() {
        if !v.is_empty() {
            ws.write_string(row, col(k), v)?;
        }
    }
    let mut first = 0;
    while let Some((_, format)) = cells.get(first) {
        let run = cells[first..]
            .iter()
            .take_while(|(_, g)| std::ptr::eq(*g, *format))
            .count();
        ws.set_row_format_run(row, col(first), col(first + run - 1), format)?;
        first += run;
    }
    Ok(())
}

fn write_cover(
    ws: &mut Worksheet,
    cat: &Catalogue,
    o: &Options,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 60)?;
    ws.set_row_height(0, 36)?;
    ws.merge_range(0, 0, 0, 1, &title(cat), &f.title)?;
    let mut rows: Vec<(String, String)> = vec![
        ("单位".into(), cat.unit.display_name().to_string()),
        (
            "单位类别".into(),
            cat.unit
                .kind
                .map(|k| k.label().to_string())
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "所属县（区）".into(),
            cat.unit.county.clone().unwrap_or_else(|| "—".into()),
        ),
        ("公开层级".into(), super::csv::levels_cell(&cat.unit.levels)),
        ("编制日期".into(), o.date.zh()),
        ("事项总数".into(), format!("{} 项", cat.item_count())),
        ("校验结果".into(), status_text(o)),
    ];
    for s in &cat.sections {
        rows.push((
            format!("{}领域", section_label(s)),
            format!("{} 项", s.items.len()),
        ));
    }
    rows.push((
        "说明".into(),
        "本目录依据《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发〔2019〕54号）及各领域标准指引编制；各领域目录见后续工作表。".into(),
    ));
    for (i, (k, v)) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_string_with_format(r, 0, k, &f.cover_label)?;
        ws.write_string_with_format(r, 1, v, &f.cover_value)?;
        ws.set_row_height(r, lines_needed(v, 60.0) as f64 * 14.0 + 6.0)?;
    }
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C第 &P 页 共 &N 页");
    Ok(())
}

/// Render the workbook to bytes.
///
/// # Errors
/// Only rust_xlsxwriter's own errors (a value past Excel's limits, such as a cell over 32,767
/// characters).
pub fn render(cat: &Catalogue, o: &Options) -> Result<Vec<u8>, XlsxError> {
    prepare(cat, o)?.save()
}

/// A workbook whose sheets are all written, not yet saved. Saving is mostly deflating the
/// sheets, which rust_xlsxwriter does on one thread: `compile` writes the sheets first (on
/// every core) and saves the workbook while the other outputs are written on the other core.
pub struct Prepared(Workbook);

impl Prepared {
    /// The workbook's bytes.
    ///
    /// # Errors
    /// rust_xlsxwriter's own errors, as [`render`].
    pub fn save(mut self) -> Result<Vec<u8>, XlsxError> {
        self.0.save_to_buffer()
    }
}

/// Write every sheet of the workbook; [`Prepared::save`] gives its bytes.
///
/// # Errors
/// rust_xlsxwriter's own errors, as [`render`].
pub fn prepare(cat: &Catalogue, o: &Options) -> Result<Prepared, XlsxError> {
    write_sections(cat, &cat.unit, o.date, &AtomicBool::new(false))?.finish(cat, o)
}

/// A workbook whose section sheets are written, without its cover sheet yet: the cover shows
/// the rules' counts, and `compile` writes the sections while the rules run.
pub struct Sections {
    wb: Workbook,
    /// The cover's sheet name, taken before the sections'.
    cover: String,
    sheets: Vec<Worksheet>,
    formats: Formats,
}

impl Sections {
    /// The cover sheet, with the counts `o` gives, in front of the sections.
    ///
    /// # Errors
    /// rust_xlsxwriter's own errors, as [`render`].
    pub fn finish(self, cat: &Catalogue, o: &Options) -> Result<Prepared, XlsxError> {
        let Sections {
            mut wb,
            cover,
            sheets,
            formats,
        } = self;
        let ws = wb.add_worksheet();
        ws.set_name(&cover)?;
        write_cover(ws, cat, o, &formats)?;
        for ws in sheets {
            wb.push_worksheet(ws);
        }
        Ok(Prepared(wb))
    }
}

/// Write the section sheets of the workbook of `cat`'s items for `unit` (the catalogue's unit
/// under the name its outputs take), dated `date`. They need neither the rules' counts nor
/// the catalogue numbered (see [`crate::model::category_runs`]): `compile` writes them while the rules read
/// the catalogue as drafted. Once `stop` is set (the workbook will not be written after all)
/// the sheets are left unfinished, at the next group of rows.
///
/// # Errors
/// rust_xlsxwriter's own errors, as [`render`].
pub fn write_sections(
    cat: &Catalogue,
    unit: &Unit,
    date: Date,
    stop: &AtomicBool,
) -> Result<Sections, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    // Deflate level 5 rather than zlib's default 6: saving is deflating the sheets on one
    // thread, and on gkml's sheets (long runs of the same phrases) level 5 saves in 0.70 of
    // level 6's time for a file 3% larger at 100,000 rows (7.26 → 7.47 MB; the example
    // county's 29 workbooks 0.35% larger). BENCHMARKS.md, round seven.
    wb.set_zip_compression_level(ZIP_LEVEL);
    let created = ExcelDateTime::from_ymd(date.year, date.month, date.day)?;
    let title = unit_title(unit);
    wb.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_author("gkml")
            .set_company(unit.display_name())
            .set_creation_datetime(&created),
    );
    let mut used = HashSet::new();
    let cover = sheet_name("说明", &mut used);
    let levels = levels_present(cat);
    // The section sheets are written in parallel (storing the cells is most of the
    // workbook's time), after their formats are registered in a fixed order.
    register_section_formats(&mut wb, &f)?;
    // Rows are written in order and every merge is issued before the rows below it, so each
    // sheet streams through a temporary file instead of being held in memory.
    let mut sheets = Vec::with_capacity(cat.sections.len());
    for s in &cat.sections {
        let mut ws = wb.new_worksheet_with_constant_memory()?;
        ws.set_name(sheet_name(section_label(s), &mut used))?;
        sheets.push(ws);
    }
    sheets
        .par_iter_mut()
        .zip(&cat.sections)
        .map(|(ws, s)| write_section(ws, &title, s, &levels, &f, stop))
        .collect::<Result<Vec<()>, XlsxError>>()?;
    Ok(Sections {
        wb,
        cover,
        sheets,
        formats: f,
    })
}

/// Number the formats of the section sheets in the workbook, in [`Formats::section_formats`]'
/// order, through a sheet that is never added to it. Before this round a dry run of every
/// sheet found the order the sheets first use them (so that a workbook without quoted cells
/// listed no quoted format): ≈ 20 ms of the 100,000-row compile's critical path, for two
/// unused entries in styles.xml.
fn register_section_formats(wb: &mut Workbook, f: &Formats) -> Result<(), XlsxError> {
    let mut scratch = wb.new_worksheet_with_constant_memory()?;
    for (col, format) in (0u16..).zip(f.section_formats()) {
        scratch.write_string_with_format(0, col, "-", format)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte count of columns agrees with the definition (two from U+1100 on) for every
    /// character, alone and between others.
    #[test]
    fn display_columns_counts_every_char_as_its_width() {
        let width = |c: char| if (c as u32) >= 0x1100 { 2 } else { 1 };
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("a{c}中");
            assert_eq!(display_columns(&s), 1 + width(c) + 2, "{:#X}", c as u32);
        }
        assert_eq!(display_columns(""), 0);
        assert_eq!(lines_needed("", 10.0), 1);
        // 9 columns a line at width 10: 20 CJK characters are 40 columns, 5 lines; a second
        // line of 3 ASCII characters adds one.
        assert_eq!(lines_needed(&"中".repeat(20), 10.0), 5);
        assert_eq!(lines_needed(&format!("{}\nabc", "中".repeat(20)), 10.0), 6);
    }

    /// A sheet that formats every cell as it is written (how the section sheets were written
    /// before format runs): `write_string` holds the text until its run's format is known.
    struct PerCell(Worksheet, Vec<(u32, u16, String)>);

    impl Sheet for PerCell {
        fn set_column_width(&mut self, col: u16, width: f64) -> Result<(), XlsxError> {
            Sheet::set_column_width(&mut self.0, col, width)
        }
        fn set_row_height(&mut self, row: u32, height: f64) -> Result<(), XlsxError> {
            Sheet::set_row_height(&mut self.0, row, height)
        }
        fn merge_range(
            &mut self,
            first: (u32, u16),
            last: (u32, u16),
            text: &str,
            format: &Format,
        ) -> Result<(), XlsxError> {
            Sheet::merge_range(&mut self.0, first, last, text, format)
        }
        fn write_string_with_format(
            &mut self,
            row: u32,
            col: u16,
            text: &str,
            format: &Format,
        ) -> Result<(), XlsxError> {
            Sheet::write_string_with_format(&mut self.0, row, col, text, format)
        }
        fn write_string(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
            self.1.push((row, col, text.to_string()));
            Ok(())
        }
        fn set_row_format_run(
            &mut self,
            row: u32,
            first: u16,
            last: u16,
            format: &Format,
        ) -> Result<(), XlsxError> {
            for col in first..=last {
                let text = self
                    .1
                    .iter()
                    .find(|(r, c, _)| (*r, *c) == (row, col))
                    .map(|(_, _, t)| t.clone())
                    .unwrap_or_default();
                Sheet::write_string_with_format(&mut self.0, row, col, &text, format)?;
            }
            Ok(())
        }
        fn finish(&mut self, last_row: u32, last_col: u16) -> Result<(), XlsxError> {
            Sheet::finish(&mut self.0, last_row, last_col)
        }
    }

    fn workbook(cat: &Catalogue, per_cell: bool) -> Vec<u8> {
        let f = Formats::new();
        let levels = levels_present(cat);
        let mut wb = Workbook::new();
        // A fixed date: two workbooks saved a second apart would otherwise differ in
        // docProps/core.xml, and the comparison below would fail now and then.
        let created = ExcelDateTime::from_ymd(2026, 12, 3).expect("date");
        wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
        for s in &cat.sections {
            let mut ws = wb.new_worksheet_with_constant_memory().expect("sheet");
            if per_cell {
                let mut p = PerCell(ws, Vec::new());
                write_section(&mut p, &title(cat), s, &levels, &f, &AtomicBool::new(false))
                    .expect("write");
                ws = p.0;
            } else {
                write_section(
                    &mut ws,
                    &title(cat),
                    s,
                    &levels,
                    &f,
                    &AtomicBool::new(false),
                )
                .expect("write");
            }
            wb.push_worksheet(ws);
        }
        wb.save_to_buffer().expect("save")
    }

    /// The options of a workbook dated 2026-12-03 with these counts.
    fn options(errors: usize, warnings: usize) -> Options {
        Options {
            date: Date {
                year: 2026,
                month: 12,
                day: 3,
            },
            errors,
            warnings,
        }
    }

    /// The XML of the workbook's sheet `n` (1 is the first).
    fn sheet_xml(book: Vec<u8>, n: usize) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).expect("zip");
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip
                .by_name(&format!("xl/worksheets/sheet{n}.xml"))
                .expect("sheet"),
            &mut xml,
        )
        .expect("xml");
        xml
    }

    /// An item of a town's catalogue with every element filled in.
    fn town_item() -> Item {
        Item {
            category: "低保".into(),
            name: "审批结果".into(),
            content: "名单、标准".into(),
            basis: "《社会救助暂行办法》".into(),
            deadline: "信息形成之日起20个工作日内".into(),
            subject: "镇人民政府".into(),
            audience: vec![Audience::Public],
            mode: vec![Mode::Active],
            levels: vec![Level::Town],
            ..Default::default()
        }
    }

    /// Each run of a row's cells formatted in one call gives the bytes that formatting every
    /// cell gives: with blank cells, a row with no text at all (written cell by cell),
    /// formula-like text and marks (quote-prefixed formats in a run of their own), and a
    /// group merged over several rows.
    #[test]
    fn format_runs_give_the_bytes_of_formatting_each_cell() {
        use crate::domains::SectionKey;
        let full = Item {
            remarks: "每季度更新".into(),
            ..town_item()
        };
        let hostile = Item {
            category: "低保".into(),
            name: "=HYPERLINK(\"x\")".into(),
            basis: "+cmd".into(),
            audience: vec![Audience::Specific(Some("=1+1".into()))],
            mode: vec![Mode::OnRequest],
            remarks: "@SUM(A1:A9)".into(),
            ..Default::default()
        };
        let empty = Item {
            category: "特困".into(),
            ..Default::default()
        };
        let mut cat = Catalogue {
            sections: vec![Section {
                key: SectionKey::Domain(5),
                raw: "社会救助".into(),
                loc: None,
                items: vec![full.clone(), hostile, empty, full],
            }],
            ..Default::default()
        };
        cat.number_items();
        let runs = workbook(&cat, false);
        assert_eq!(runs, workbook(&cat, true));
        let xml = sheet_xml(runs, 1);
        assert!(
            xml.contains("HYPERLINK") && xml.contains("<mergeCell "),
            "{xml}"
        );
        // The style of each cell C–N of a data row (row 5 on: title, section line, header).
        let styles = |row: u32| -> String {
            let mut out = Vec::new();
            for piece in xml.split("<c r=\"").skip(1) {
                let reference = piece.split('"').next().unwrap_or("");
                let col = reference.trim_end_matches(|c: char| c.is_ascii_digit());
                if reference[col.len()..] != row.to_string() || col < "C" || col.len() > 1 {
                    continue;
                }
                let tag = piece.split('>').next().unwrap_or("");
                let style = tag.split(" s=\"").nth(1).and_then(|t| t.split('"').next());
                out.push(style.unwrap_or("-").to_string());
            }
            out.join(" ")
        };
        let row5 = styles(5);
        let v: Vec<&str> = row5.split(' ').collect();
        assert_eq!(v.len(), 12, "{row5}");
        let (t, c) = (v[0], v[6]);
        assert_ne!(t, c);
        assert_eq!(
            row5,
            format!("{t} {t} {t} {t} {t} {t} {c} {c} {c} {c} {c} {t}")
        );
        let row6 = styles(6);
        let w: Vec<&str> = row6.split(' ').collect();
        let (q, cq) = (w[0], w[7]);
        assert!(q != t && q != c && cq != c && cq != q, "{row6}");
        assert_eq!(
            row6,
            format!("{q} {t} {q} {t} {t} {t} {c} {cq} {c} {c} {c} {q}")
        );
        assert_eq!(styles(7), row5, "an empty row keeps every cell's format");
    }

    /// The sheets written in parallel give the workbook that writing them one after another
    /// gives, byte for byte: with a quote-prefixed mark (and text after it in its row) first
    /// used in the second section, quote-prefixed text alone in the third, and the first
    /// section using neither — an order of first use unlike the order registered, so that
    /// sheets numbering the formats as they meet them would give other bytes.
    #[test]
    fn sheets_written_in_parallel_give_the_bytes_of_writing_them_in_turn() {
        use crate::domains::SectionKey;
        let plain = town_item();
        let quoted_text = Item {
            basis: "+cmd".into(),
            ..plain.clone()
        };
        let quoted_mark = Item {
            audience: vec![Audience::Specific(Some("=1+1".into()))],
            mode: vec![Mode::OnRequest],
            remarks: "@SUM(A1:A9)".into(),
            ..plain.clone()
        };
        let section = |d: u8, items: Vec<Item>| Section {
            key: SectionKey::Domain(d),
            raw: format!("领域{d}"),
            loc: None,
            items,
        };
        let mut cat = Catalogue {
            sections: vec![
                section(1, vec![plain.clone(), plain.clone()]),
                section(2, vec![plain.clone(), quoted_mark, plain.clone()]),
                section(3, vec![quoted_text, plain]),
            ],
            ..Default::default()
        };
        cat.number_items();
        let o = options(0, 0);
        // The workbook as written before the sections were written ahead of the rules: the
        // cover first, then each section in turn.
        let f = Formats::new();
        let mut wb = Workbook::new();
        wb.set_zip_compression_level(ZIP_LEVEL);
        let created = ExcelDateTime::from_ymd(2026, 12, 3).expect("date");
        wb.set_properties(
            &DocProperties::new()
                .set_title(title(&cat))
                .set_author("gkml")
                .set_company(cat.unit.display_name())
                .set_creation_datetime(&created),
        );
        let mut used = HashSet::new();
        let cover = wb.add_worksheet();
        cover.set_name(sheet_name("说明", &mut used)).expect("name");
        write_cover(cover, &cat, &o, &f).expect("cover");
        register_section_formats(&mut wb, &f).expect("formats");
        let levels = levels_present(&cat);
        for s in &cat.sections {
            let mut ws = wb.new_worksheet_with_constant_memory().expect("sheet");
            ws.set_name(sheet_name(section_label(s), &mut used))
                .expect("name");
            write_section(
                &mut ws,
                &title(&cat),
                s,
                &levels,
                &f,
                &AtomicBool::new(false),
            )
            .expect("write");
            wb.push_worksheet(ws);
        }
        let in_turn = wb.save_to_buffer().expect("save");
        assert_eq!(render(&cat, &o).expect("render"), in_turn);
    }

    /// The sheets number the 一级事项 groups themselves, as `number_items` would: a catalogue
    /// whose 序号 are still as drafted (gaps, repeats, 一/二, empty) gives the workbook of the
    /// numbered one — `compile` writes the sheets while the rules read the drafted 序号.
    #[test]
    fn sheets_of_a_catalogue_not_yet_numbered_are_those_of_the_numbered_one() {
        use crate::domains::SectionKey;
        let item = |category: &str, seq: &str| Item {
            category: category.into(),
            seq: seq.into(),
            ..town_item()
        };
        let drafted = Catalogue {
            sections: vec![Section {
                key: SectionKey::Domain(5),
                raw: "社会救助".into(),
                loc: None,
                items: vec![
                    item("低保", "3"),
                    item("低保", "3"),
                    item("特困", "3"),
                    item("低保", "一"),
                    item("临时救助", ""),
                    item("临时救助", "7"),
                ],
            }],
            ..Default::default()
        };
        let mut numbered = drafted.clone();
        numbered.number_items();
        let o = options(1, 2);
        let book = render(&drafted, &o).expect("render");
        assert_eq!(book, render(&numbered, &o).expect("render"));
        let xml = sheet_xml(book, 2);
        let seqs: Vec<&str> = xml
            .split("<c r=\"A")
            .skip(5)
            .filter_map(|c| {
                // A blank cell (the merged rows of a group) is one self-closed tag.
                let tag = c.split('>').next()?;
                if tag.ends_with('/') {
                    return None;
                }
                c.split("</c>")
                    .next()?
                    .split("<t>")
                    .nth(1)?
                    .split("</t>")
                    .next()
            })
            .collect();
        assert_eq!(seqs, ["1", "2", "3", "4"], "{xml}");
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(sheet_name("社会救助", &mut used), "社会救助");
        assert_eq!(sheet_name("社会救助", &mut used), "社会救助(2)");
        assert_eq!(sheet_name("a/b:c*d?[e]", &mut used), "a_b_c_d__e_");
        let long = "很".repeat(40);
        let n = sheet_name(&long, &mut used);
        assert_eq!(n.chars().count(), 31);
        let n2 = sheet_name(&long, &mut used);
        assert!(n2.ends_with("(2)") && n2.chars().count() == 31);
        assert_eq!(sheet_name("''", &mut used), "目录");
    }
}
