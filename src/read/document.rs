//! Tables in documents (HTML pages, Word files) as the table reader's rows. The HTML and Word
//! readers walk their document once, in order, and hand over every table with what stands
//! around it: the text blocks above it (a title paragraph, a domain heading), its caption, and
//! whether it follows the previous table with nothing in between (a table continued after a
//! page break). Here the tables' cells are laid out on a grid with their spans expanded, as a
//! spreadsheet's merged cells are, and each catalogue table is read by the one table reader.
//!
//! Positions (DOMAIN.md §6, round two): `sheet` is `表N`, N counting every table in document
//! order (nested ones included) from 1; `row` is the 1-based row of the table; `cell` the A1 name
//! over the table's grid with spans expanded. A title paragraph above the table is given to the
//! table reader as row 0 (a title names the unit; no diagnostic points at it), and a domain
//! named by a heading or caption above the table is placed at the header's last row.

use std::sync::Arc;

use super::codes;
use crate::diag::{cell_name, Diagnostic};
use crate::domains::{self, SectionKey};
use crate::limits::Limits;
use crate::model::{Catalogue, Loc, Place};

use super::table::{self, RawRow};

/// How a Word cell takes part in a vertical merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VMerge {
    #[default]
    None,
    /// The cell is covered by the cell above it (`<w:vMerge/>` without `restart`).
    Continue,
}

/// One cell as written: its text and how far it spans.
#[derive(Debug, Clone, Default)]
pub struct DocCell {
    pub text: String,
    /// Grid columns covered, at least 1.
    pub colspan: u32,
    /// Rows covered, at least 1; 0 means "to the end of the table" (HTML `rowspan="0"`).
    pub rowspan: u32,
    pub vmerge: VMerge,
}

/// One table of a document with what stands around it.
#[derive(Debug, Default)]
pub struct DocTable {
    /// N of `表N`.
    pub number: usize,
    pub rows: Vec<Vec<DocCell>>,
    /// An HTML `<caption>`.
    pub caption: Option<String>,
    /// Text blocks (paragraphs, headings) between the previous table at the same level (or the
    /// start of the enclosing cell or document) and this table, in order, at most the last few.
    pub context: Vec<String>,
    /// The document's title in force here: the last title-like block above the table.
    pub title: Option<String>,
    /// The table that this one follows with nothing but blank paragraphs in between.
    pub follows: Option<usize>,
    /// Columns declared by the table itself (Word's `<w:tblGrid>`), if any.
    pub grid_columns: Option<usize>,
}

/// How many context blocks a table keeps.
pub const CONTEXT_BLOCKS: usize = 8;

/// HTML's own limit on `colspan` (the HTML standard clamps larger values to 1000).
const MAX_COLSPAN: u32 = 1000;

/// Text of a cell or paragraph as it is shown: in `collapse` mode (HTML) runs of white space
/// become one space, and a line break in the source between two CJK characters disappears (as
/// CSS Text 3 prescribes; Excel and Word wrap long lines of their HTML anywhere), as does
/// white space (`&nbsp;` included) beside Chinese punctuation; line breaks
/// come only from `<br>` and block elements. Without `collapse` (Word) the text is taken as
/// written, so the table reader's own cleaning reports stray spaces as it does in spreadsheets.
#[derive(Debug, Default)]
pub struct TextBuf {
    out: String,
    collapse: bool,
    pending_space: bool,
    pending_break: bool,
}

fn is_wide(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
}

/// Chinese punctuation: the CJK symbols and punctuation block (、。《》「」【】 …), the
/// full-width forms of ASCII punctuation (，；：？！（）), Chinese quotes, the ellipsis, the
/// dash and the middle dot. A space beside one is never meant (Chinese text puts none around
/// its punctuation): it is an `&nbsp;` or a line break of the page's source.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{303F}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}'
        | '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

impl TextBuf {
    pub fn new(collapse: bool) -> Self {
        TextBuf {
            collapse,
            ..Default::default()
        }
    }

    /// Whether the current line has any text.
    fn line_has_text(&self) -> bool {
        !self.out.is_empty() && !self.out.ends_with('\n')
    }

    pub fn push_str(&mut self, s: &str) {
        if !self.collapse {
            self.out.push_str(s);
            return;
        }
        for c in s.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C' | '\u{a0}') {
                self.pending_space = true;
                self.pending_break |= c == '\n' || c == '\r';
                continue;
            }
            self.push_visible(c);
        }
    }

    fn push_visible(&mut self, c: char) {
        if self.pending_space && self.line_has_text() {
            let before = self.out.chars().next_back();
            let joins_cjk = self.pending_break && before.is_some_and(is_wide) && is_wide(c);
            // `政府网站&nbsp;、公告栏` shows no gap a clerk meant: none beside 、，。 etc.
            let by_punct = is_cjk_punct(c) || before.is_some_and(is_cjk_punct);
            if !joins_cjk && !by_punct {
                self.out.push(' ');
            }
        }
        self.pending_space = false;
        self.pending_break = false;
        self.out.push(c);
    }

    /// A character that stands for something drawn (a checkbox).
    pub fn push_mark(&mut self, c: char) {
        if self.collapse {
            self.push_visible(c);
        } else {
            self.out.push(c);
        }
    }

    /// A line break (`<br>`, a block's end, a new paragraph). Several in a row make one.
    pub fn line_break(&mut self) {
        self.pending_space = false;
        self.pending_break = false;
        if self.line_has_text() {
            self.out.push('\n');
        }
    }

    pub fn is_empty(&self) -> bool {
        self.out.trim().is_empty()
    }

    /// The text: in `collapse` mode lines trimmed of spaces and empty lines dropped.
    pub fn finish(self) -> String {
        if !self.collapse {
            return self.out;
        }
        let lines: Vec<&str> = self
            .out
            .split('\n')
            .map(|l| l.trim_matches(' '))
            .filter(|l| !l.is_empty())
            .collect();
        lines.join("\n")
    }
}

/// A text block being gathered at one level: the document, or the inside of one table cell
/// (whose blocks are the context of a table nested in it).
#[derive(Debug, Default)]
struct Level {
    blocks: Vec<String>,
    block: TextBuf,
    /// The table closed last at this level, while nothing but blank blocks followed it.
    last_table: Option<usize>,
}

#[derive(Debug)]
struct OpenTable {
    table: DocTable,
    cell: Option<(DocCell, TextBuf)>,
    caption: Option<TextBuf>,
}

/// A character in a symbol font that draws a checkbox or a tick, as Word writes them: the
/// code as typed (`R`) or in the private use area (U+F052). Some(checked).
/// Wingdings: ☑ FE, ☒ FD, ✓ FC, ☒ 78, ■ 6E; □ A8, 6F, 71, ○ A1. Wingdings 2 (what Chinese Word
/// users insert from 符号, or type as R/S/£ and set the font): ✓ 50, ☑ 52, ☒ 53 and 54; □ A3.
pub fn symbol_mark(font: &str, code: u32) -> Option<bool> {
    let font = font.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let byte = code & 0xFF;
    if code > 0xFF && code & 0xFF00 != 0xF000 {
        return None;
    }
    match font.as_str() {
        "wingdings 2" => match byte {
            0x50 | 0x52 | 0x53 | 0x54 => Some(true),
            0xA3 => Some(false),
            _ => None,
        },
        f if f.starts_with("wingdings") && !f.starts_with("wingdings 3") => match byte {
            0xFE | 0xFD | 0xFC | 0x78 | 0x6E => Some(true),
            0xA8 | 0x6F | 0x71 | 0xA1 => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The character a code in Word's Symbol font draws (Adobe's Symbol encoding), for symbols
/// inserted from 插入→符号 with that font: √ (D6), ×, ÷, ±, °, ≤, ≥, arrows and Greek
/// letters. The code as typed or in the private use area (U+F0D6). `None` for another font or
/// an unknown code.
pub fn symbol_char(font: &str, code: u32) -> Option<char> {
    let font = font.trim().trim_matches(['"', '\'']);
    if !font.eq_ignore_ascii_case("symbol") || (code > 0xFF && code & 0xFF00 != 0xF000) {
        return None;
    }
    const UPPER: &str = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
    const LOWER: &str = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
    let byte = u8::try_from(code & 0xFF).ok()?;
    Some(match byte {
        b'A'..=b'Z' => UPPER.chars().nth(usize::from(byte - b'A'))?,
        b'a'..=b'z' => LOWER.chars().nth(usize::from(byte - b'a'))?,
        0x22 => '∀',
        0x24 => '∃',
        0x27 => '∋',
        0x2A => '∗',
        0x2D => '−',
        0x40 => '≅',
        0x5C => '∴',
        0x5E => '⊥',
        0x7E => '∼',
        0x20..=0x3F | b'[' | b']' | b'_' | b'{' | b'|' | b'}' => char::from(byte),
        0xA2 => '′',
        0xA3 => '≤',
        0xA5 => '∞',
        0xAB => '↔',
        0xAC => '←',
        0xAD => '↑',
        0xAE => '→',
        0xAF => '↓',
        0xB0 => '°',
        0xB1 => '±',
        0xB2 => '″',
        0xB3 => '≥',
        0xB4 => '×',
        0xB5 => '∝',
        0xB7 => '•',
        0xB8 => '÷',
        0xB9 => '≠',
        0xBA => '≡',
        0xBB => '≈',
        0xBC => '…',
        0xC5 => '⊕',
        0xC6 => '∅',
        0xC7 => '∩',
        0xC8 => '∪',
        0xCE => '∈',
        0xCF => '∉',
        0xD6 => '√',
        0xD7 => '⋅',
        0xD8 => '¬',
        0xD9 => '∧',
        0xDA => '∨',
        0xDB => '⇔',
        0xDC => '⇐',
        0xDE => '⇒',
        0xE0 => '◊',
        0xE5 => '∑',
        0xF2 => '∫',
        _ => return None,
    })
}

/// Gathers a document's tables as a reader walks it in order: the HTML and Word readers call
/// `open_table`, `open_row`, `open_cell`, `text` … as they meet the document's elements.
#[derive(Debug)]
pub struct Builder {
    collapse: bool,
    done: Vec<DocTable>,
    open: Vec<OpenTable>,
    levels: Vec<Level>,
    count: usize,
    title: Option<String>,
    /// Inside a link (navigation): its text is not a title or heading.
    pub in_link: u32,
    /// Inside a heading element: its text may be a title even inside a layout table.
    pub in_heading: u32,
}

impl Builder {
    pub fn new(collapse: bool) -> Self {
        Builder {
            collapse,
            done: Vec::new(),
            open: Vec::new(),
            levels: vec![Level {
                block: TextBuf::new(collapse),
                ..Default::default()
            }],
            count: 0,
            title: None,
            in_link: 0,
            in_heading: 0,
        }
    }

    fn level(&mut self) -> &mut Level {
        if self.levels.is_empty() {
            self.levels.push(Level::default());
        }
        let last = self.levels.len() - 1;
        &mut self.levels[last]
    }

    /// Where text goes: the open cell or caption of the innermost table, if any.
    fn target(&mut self) -> Option<&mut TextBuf> {
        let t = self.open.last_mut()?;
        if let Some(c) = &mut t.caption {
            return Some(c);
        }
        t.cell.as_mut().map(|(_, b)| b)
    }

    pub fn text(&mut self, s: &str) {
        if let Some(b) = self.target() {
            b.push_str(s);
        }
        if self.in_link == 0 {
            self.level().block.push_str(s);
        }
    }

    /// A drawn mark (a checkbox) shown as ■ or □.
    pub fn mark(&mut self, checked: bool) {
        let c = if checked { '■' } else { '□' };
        if let Some(b) = self.target() {
            b.push_mark(c);
        }
        self.level().block.push_mark(c);
    }

    /// A line break in a cell (`<br>`) that also ends a block of text.
    pub fn line_break(&mut self) {
        if let Some(b) = self.target() {
            b.line_break();
        }
        self.flush_block();
    }

    /// The end of one block of text (a paragraph, a heading).
    pub fn flush_block(&mut self) {
        let collapse = self.collapse;
        let top = self.levels.len() <= 1;
        let heading = self.in_heading > 0;
        let level = self.level();
        if level.block.is_empty() {
            level.block = TextBuf::new(collapse);
            return;
        }
        let text = std::mem::replace(&mut level.block, TextBuf::new(collapse)).finish();
        let text = text.trim().to_string();
        level.last_table = None;
        if level.blocks.len() >= CONTEXT_BLOCKS {
            level.blocks.remove(0);
        }
        level.blocks.push(text.clone());
        if (top || heading) && is_title(&text) {
            self.title = Some(text);
        }
    }

    /// Whether no table was met yet.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn open_table(&mut self) {
        self.flush_block();
        let level = self.level();
        let follows = level.last_table.take();
        let context = std::mem::take(&mut level.blocks);
        self.count += 1;
        self.open.push(OpenTable {
            table: DocTable {
                number: self.count,
                context,
                title: self.title.clone(),
                follows,
                ..Default::default()
            },
            cell: None,
            caption: None,
        });
    }

    /// Columns a table declares for itself (Word's grid).
    pub fn grid_columns(&mut self, n: usize) {
        if let Some(t) = self.open.last_mut() {
            t.table.grid_columns = Some(n);
        }
    }

    pub fn close_table(&mut self) {
        self.close_cell();
        self.close_caption();
        let Some(t) = self.open.pop() else {
            return;
        };
        let number = t.table.number;
        self.done.push(t.table);
        let collapse = self.collapse;
        let level = self.level();
        level.blocks.clear();
        level.block = TextBuf::new(collapse);
        level.last_table = Some(number);
    }

    pub fn open_row(&mut self) {
        self.close_cell();
        if let Some(t) = self.open.last_mut() {
            t.table.rows.push(Vec::new());
        }
    }

    pub fn open_cell(&mut self, colspan: u32, rowspan: u32, vmerge: VMerge) {
        self.close_cell();
        let collapse = self.collapse;
        let Some(t) = self.open.last_mut() else {
            return;
        };
        if t.table.rows.is_empty() {
            t.table.rows.push(Vec::new());
        }
        t.cell = Some((
            DocCell {
                text: String::new(),
                colspan,
                rowspan,
                vmerge,
            },
            TextBuf::new(collapse),
        ));
        self.levels.push(Level {
            block: TextBuf::new(collapse),
            ..Default::default()
        });
    }

    pub fn close_cell(&mut self) {
        let Some(t) = self.open.last_mut() else {
            return;
        };
        let Some((mut cell, buf)) = t.cell.take() else {
            return;
        };
        cell.text = buf.finish();
        if let Some(row) = t.table.rows.last_mut() {
            row.push(cell);
        }
        self.flush_block();
        if self.levels.len() > 1 {
            self.levels.pop();
        }
    }

    pub fn open_caption(&mut self) {
        let collapse = self.collapse;
        if let Some(t) = self.open.last_mut() {
            if t.cell.is_none() {
                t.caption = Some(TextBuf::new(collapse));
            }
        }
    }

    pub fn close_caption(&mut self) {
        if let Some(t) = self.open.last_mut() {
            if let Some(c) = t.caption.take() {
                let text = c.finish();
                if !text.is_empty() {
                    t.table.caption = Some(text);
                }
            }
        }
        // Caption text also went to the level's block: it is the table's, not context.
        let collapse = self.collapse;
        self.level().block = TextBuf::new(collapse);
    }

    /// The tables, in document order (by N), with any left open by a truncated document.
    pub fn finish(mut self) -> Vec<DocTable> {
        while !self.open.is_empty() {
            self.close_table();
        }
        self.done.sort_by_key(|t| t.number);
        self.done
    }
}

/// The section a heading, caption or title names on its own, if it names nothing else:
/// "社会救助领域 （5 项）", "社会救助领域公开事项标准目录", "一、养老服务".
pub fn section_of_heading(text: &str) -> Option<SectionKey> {
    let t: String = domains::to_simplified(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if t.is_empty() || t.chars().count() > 40 {
        return None;
    }
    let mut t = t.as_str();
    // A trailing count: （5 项）, (共5项).
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(inner) = t.strip_suffix(close).and_then(|s| s.rsplit_once(open)) {
            let (head, count) = inner;
            let count = count.trim_start_matches('共');
            if !count.is_empty()
                && count
                    .trim_end_matches('项')
                    .chars()
                    .all(|c| c.is_ascii_digit())
            {
                t = head;
            }
        }
    }
    // List numbering: 一、 （一） 1. 1、
    let t = t.trim_start_matches(['（', '(']);
    let num_end = t
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .last()
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let t = if num_end > 0 {
        let rest = &t[num_end..];
        let stripped = rest.trim_start_matches(['）', ')', '、', '.', '．']);
        if stripped.len() < rest.len() {
            stripped
        } else {
            t
        }
    } else {
        t
    };
    let mut t = t.to_string();
    loop {
        let before = t.len();
        for suffix in [
            "标准目录",
            "目录",
            "清单",
            "公开事项",
            "事项",
            "基层政务公开",
            "政务公开",
            "公开",
            "基层",
        ] {
            if let Some(s) = t.strip_suffix(suffix) {
                t = s.to_string();
            }
        }
        if t.len() == before {
            break;
        }
    }
    if t.is_empty() {
        return None;
    }
    match domains::lookup(&t) {
        SectionKey::Unknown(_) => None,
        k => Some(k),
    }
}

/// Whether a block of text is a catalogue's title ("曲沃县乐昌镇人民政府基层政务公开标准目录"):
/// it names a unit, not only a domain.
pub fn is_title(text: &str) -> bool {
    let t = text.trim();
    if t.chars().count() > 80 {
        return false;
    }
    // "标准目录" or "事项目录", not any 目录: a portal's "政府信息公开目录" is a menu.
    let s = domains::to_simplified(t);
    (s.contains("标准目录") || s.contains("事项目录"))
        && table::unit_from_title(t).is_some()
        && section_of_heading(t).is_none()
}

/// The reason a table cannot be laid out: it would exceed the reading limits.
fn too_large(file: &Arc<str>, sheet: &str, what: String) -> Diagnostic {
    let mut d = Diagnostic::new(&codes::INPUT_TOO_LARGE, format!("{sheet}：{what}"))
        .in_file(file)
        .hint("这通常是损坏或恶意的文件（跨行跨列数异常）；请在浏览器或 WPS/Word 中打开检查");
    d.sheet = Some(Arc::from(sheet));
    d
}

/// Lay a table's cells out on its grid: each cell at the first free column of its row, spans
/// expanded, every covered cell holding the origin's text and flagged as merged (as
/// `read::xlsx` does for merged regions). The grid is bounded by the sheet-cell limit and the
/// copied text by the input-size limit, checked before anything is allocated.
///
/// # Errors
/// A GK013 diagnostic when the expanded table would exceed the limits.
pub fn layout(file: &Arc<str>, t: &DocTable, limits: &Limits) -> Result<Vec<RawRow>, Diagnostic> {
    layout_with_merges(file, t, limits).map(|(rows, _)| rows)
}

/// A rectangle of the grid covered by one cell (0-based, inclusive), as a sheet merges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

/// [`layout`], and the cells that cover more than one slot as merged regions: each cell's
/// slots when they make a rectangle of its own (overlapping spans, which HTML allows and a
/// sheet does not, are left unmerged). The annotated copy of a document writes its tables
/// into sheets with these merges.
///
/// # Errors
/// As [`layout`].
pub fn layout_with_merges(
    file: &Arc<str>,
    t: &DocTable,
    limits: &Limits,
) -> Result<(Vec<RawRow>, Vec<Merge>), Diagnostic> {
    let sheet = format!("表{}", t.number);
    let n = t.rows.len();
    if n as u64 > limits.max_rows {
        return Err(too_large(
            file,
            &sheet,
            format!("表格有 {n} 行，超过读取上限 {}", limits.max_rows),
        ));
    }
    let spans = |r: usize, c: &DocCell| {
        let cs = c.colspan.clamp(1, MAX_COLSPAN) as usize;
        let left = n - r;
        let rs = match (c.vmerge, c.rowspan) {
            (VMerge::Continue, _) => 1,
            (_, 0) => left,
            (_, k) => (k as usize).min(left),
        };
        (cs, rs.max(1))
    };
    let (mut area, mut bytes) = (0u64, 0u64);
    for (r, row) in t.rows.iter().enumerate() {
        for c in row {
            let (cs, rs) = spans(r, c);
            let a = (cs * rs) as u64;
            area = area.saturating_add(a);
            bytes = bytes.saturating_add(a.saturating_mul(c.text.len() as u64));
        }
    }
    if area > limits.max_sheet_cells {
        return Err(too_large(
            file,
            &sheet,
            format!(
                "跨行跨列展开后有 {area} 个单元格，超过上限 {}",
                limits.max_sheet_cells
            ),
        ));
    }
    if bytes > limits.max_input_bytes {
        return Err(too_large(
            file,
            &sheet,
            format!(
                "合并单元格展开后的文字有 {} MB，超过读取上限 {} MB",
                bytes >> 20,
                limits.max_input_bytes >> 20
            ),
        ));
    }
    // Each slot: 0 for empty, else 1 + the index of its cell in `cells`, and whether it is
    // the cell's own (top-left) slot.
    let cells: Vec<&DocCell> = t.rows.iter().flatten().collect();
    let mut grid: Vec<Vec<(u32, bool)>> = vec![Vec::new(); n];
    let mut id = 0u32;
    for (r, row) in t.rows.iter().enumerate() {
        let mut c = 0usize;
        for cell in row {
            id += 1;
            while grid[r].get(c).is_some_and(|s| s.0 != 0) {
                c += 1;
            }
            let (cs, rs) = spans(r, cell);
            if cell.vmerge == VMerge::Continue && r > 0 {
                for k in c..c + cs {
                    let above = grid[r - 1].get(k).map(|s| s.0).unwrap_or(0);
                    let slot = if above != 0 {
                        (above, false)
                    } else {
                        (id, k == c)
                    };
                    set(&mut grid[r], k, slot);
                }
            } else {
                for (dr, grow) in grid[r..r + rs].iter_mut().enumerate() {
                    for k in c..c + cs {
                        if grow.get(k).is_none_or(|s| s.0 == 0) {
                            set(grow, k, (id, dr == 0 && k == c));
                        }
                    }
                }
            }
            c += cs;
        }
    }
    let merges = merges_of(&grid);
    let rows = grid
        .into_iter()
        .enumerate()
        .map(|(r, slots)| {
            let mut merged = Vec::new();
            let cells = slots
                .iter()
                .enumerate()
                .map(|(k, (id, own))| {
                    let Some(cell) = (*id as usize).checked_sub(1).and_then(|i| cells.get(i))
                    else {
                        return String::new();
                    };
                    if !own && !cell.text.is_empty() {
                        if merged.len() <= k {
                            merged.resize(k + 1, false);
                        }
                        merged[k] = true;
                    }
                    if *own || !cell.text.is_empty() {
                        cell.text.clone()
                    } else {
                        String::new()
                    }
                })
                .collect();
            RawRow {
                cells,
                row: r as u32 + 1,
                line: None,
                first_column: 1,
                merged,
            }
        })
        .collect();
    Ok((rows, merges))
}

/// The merged regions of a laid-out grid (slots hold 1 + the cell's index, 0 for none).
fn merges_of(grid: &[Vec<(u32, bool)>]) -> Vec<Merge> {
    use std::collections::BTreeMap;
    // Each cell's bounding box and its number of slots.
    let mut boxes: BTreeMap<u32, (Merge, u64)> = BTreeMap::new();
    for (r, row) in grid.iter().enumerate() {
        for (c, (id, _)) in row.iter().enumerate() {
            if *id == 0 {
                continue;
            }
            let (r, c) = (r as u32, c as u32);
            let e = boxes.entry(*id).or_insert((
                Merge {
                    first: (r, c),
                    last: (r, c),
                },
                0,
            ));
            e.0.first = (e.0.first.0.min(r), e.0.first.1.min(c));
            e.0.last = (e.0.last.0.max(r), e.0.last.1.max(c));
            e.1 += 1;
        }
    }
    let mut out: Vec<Merge> = boxes
        .into_values()
        .filter(|(m, n)| {
            let area = u64::from(m.last.0 - m.first.0 + 1) * u64::from(m.last.1 - m.first.1 + 1);
            area > 1 && area == *n
        })
        .map(|(m, _)| m)
        .collect();
    out.sort_by_key(|m| (m.first, m.last));
    out
}

fn set(row: &mut Vec<(u32, bool)>, k: usize, slot: (u32, bool)) {
    if row.len() <= k {
        row.resize(k + 1, (0, false));
    }
    row[k] = slot;
}

/// Rows of a continuation table renumbered after the rows of the table it continues: where
/// they really are, to put back on what the table reader reports.
struct Part {
    /// First row number given to the part's rows in the combined table.
    from: u32,
    sheet: Arc<str>,
    offset: u32,
}

fn remap_place(place: &mut Place, sheet: &Arc<str>, parts: &[Part]) -> bool {
    let Place::Cell {
        sheet: Some(s),
        row,
        ..
    } = place
    else {
        return false;
    };
    if s != sheet {
        return false;
    }
    let Some(p) = parts.iter().rev().find(|p| *row >= p.from) else {
        return false;
    };
    *s = Arc::clone(&p.sheet);
    *row -= p.offset;
    true
}

fn remap_loc(loc: &mut Option<Loc>, sheet: &Arc<str>, parts: &[Part]) {
    if let Some(l) = loc {
        remap_place(&mut l.place, sheet, parts);
    }
}

/// Put the rows of continuation tables back in their own tables, in items and diagnostics.
fn remap(cats: &mut [Catalogue], diags: &mut [Diagnostic], sheet: &Arc<str>, parts: &[Part]) {
    if parts.is_empty() {
        return;
    }
    for c in cats {
        for s in &mut c.sections {
            remap_loc(&mut s.loc, sheet, parts);
            for it in &mut s.items {
                remap_loc(&mut it.loc, sheet, parts);
                // A column of the item's own row follows `it.loc`.
                for l in it.places.locs_mut() {
                    remap_place(&mut l.place, sheet, parts);
                }
                for a in &mut it.allow {
                    remap_loc(&mut a.loc, sheet, parts);
                }
                // What the reader saw in a cell (pasted HTML, stray spaces) is reported there.
                for n in &mut it.notes {
                    remap_place(&mut n.loc.place, sheet, parts);
                }
            }
        }
    }
    for d in diags {
        let (Some(row), Some(s)) = (d.row, d.sheet.clone()) else {
            continue;
        };
        let mut place = Place::Cell {
            sheet: Some(s),
            row,
            column: d.column.unwrap_or(1),
            line: None,
        };
        if remap_place(&mut place, sheet, parts) {
            if let Place::Cell {
                sheet: s, row: r, ..
            } = place
            {
                d.sheet = s;
                d.row = Some(r);
                d.cell = d.column.map(|c| cell_name(r, c));
            }
        }
    }
}

/// The number of grid columns a table's rows use.
fn width(rows: &[RawRow]) -> usize {
    rows.iter().map(|r| r.cells.len()).max().unwrap_or(0)
}

/// Read the catalogue tables of a document: tables without a catalogue header (navigation,
/// layout, footers) are passed over; a table that follows a catalogue table directly, has the
/// same number of columns and no header of its own continues it. Catalogues of one unit from
/// several tables are joined.
/// `what` names the kind of document in messages ("网页", "Word 文档").
pub fn read_tables(
    file: &Arc<str>,
    tables: Vec<DocTable>,
    default_unit: &str,
    what: &str,
    limits: &Limits,
) -> (Vec<Catalogue>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // Laid out, in document order.
    let mut laid: Vec<(DocTable, Vec<RawRow>)> = Vec::new();
    for t in tables {
        match layout(file, &t, limits) {
            Ok(rows) => laid.push((t, rows)),
            Err(d) => diags.push(d),
        }
    }
    // Groups: a catalogue table and the tables continuing it.
    struct Group {
        head: usize,
        rows: Vec<RawRow>,
        parts: Vec<Part>,
        last: usize,
        columns: usize,
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut section: Option<SectionKey> = None;
    for (i, (t, rows)) in laid.iter().enumerate() {
        let window = &rows[..rows.len().min(30)];
        let header = table::column_fields(window);
        // A table that repeats the header of the table it directly follows (a table split at
        // a page break with its header typed again, as PDF-to-Word conversions write one
        // table per page) continues it when nothing but the header stands above its last
        // header row (no title naming another unit or domain): a 一级事项
        // cell cut by the break is blank on the new page and takes the value above.
        let repeats = |g: &Group| {
            let Some((last, _)) = header else {
                return false;
            };
            let head_rows = &laid[g.head].1;
            let Some((head_last, _)) = table::column_fields(&head_rows[..head_rows.len().min(30)])
            else {
                return false;
            };
            let cells = |r: &RawRow| {
                r.cells
                    .iter()
                    .map(|c| c.trim().to_string())
                    .collect::<Vec<_>>()
            };
            cells(&rows[last]) == cells(&head_rows[head_last])
                && rows[..last].iter().all(|r| {
                    r.cells
                        .iter()
                        .all(|c| c.trim().is_empty() || table::is_header_text(c))
                })
                && t.caption.is_none()
        };
        if header.is_none() || groups.last().is_some_and(repeats) {
            if let Some(g) = groups.last_mut() {
                let previous = laid.get(g.last).map(|(p, _)| p.number);
                let same_grid = width(rows) == g.columns
                    || t.grid_columns
                        .is_some_and(|c| Some(c) == laid[g.head].0.grid_columns);
                if t.follows.is_some() && t.follows == previous && same_grid && !rows.is_empty() {
                    let offset_base = g.rows.iter().map(|r| r.row).max().unwrap_or(0);
                    g.parts.push(Part {
                        from: offset_base + 1,
                        sheet: Arc::from(format!("表{}", t.number)),
                        offset: offset_base,
                    });
                    g.rows.extend(rows.iter().cloned().map(|mut r| {
                        r.row += offset_base;
                        r
                    }));
                    g.last = i;
                    continue;
                }
            }
        }
        let Some((last, _)) = header else {
            continue;
        };
        // A domain named above the header (a title row in the table, the caption, the nearest
        // heading or title paragraph) holds for the tables below until another is named.
        let above: Vec<&str> = rows[..last]
            .iter()
            .filter_map(|r| r.cells.iter().find(|c| !c.trim().is_empty()))
            .collect();
        let named = above
            .iter()
            .rev()
            .copied()
            .chain(t.caption.iter().map(String::as_str))
            .chain(t.context.iter().rev().map(String::as_str))
            .find_map(|b| section_of_heading(b).or_else(|| split_title(b).1));
        if named.is_some() {
            section = named;
        }
        let mut head_rows = rows.clone();
        prepare(&mut head_rows, last, t, section.clone());
        groups.push(Group {
            head: i,
            rows: head_rows,
            parts: Vec::new(),
            last: i,
            columns: width(rows),
        });
    }
    let mut units: Vec<Catalogue> = Vec::new();
    let mut near_misses: Vec<Diagnostic> = Vec::new();
    for g in groups {
        let sheet: Arc<str> = Arc::from(format!("表{}", laid[g.head].0.number));
        let (mut cats, mut d) = table::read_rows(
            file,
            Some(sheet.clone()),
            g.rows.into_iter().map(Ok),
            default_unit,
            limits,
        );
        remap(&mut cats, &mut d, &sheet, &g.parts);
        if cats.is_empty() && d.iter().any(|x| x.code == codes::HEADER_NOT_FOUND.code) {
            near_misses.extend(d);
            continue;
        }
        diags.extend(d);
        crate::model::merge_units(&mut units, cats);
    }
    if units.is_empty() {
        if near_misses.is_empty() {
            let msg = if laid.is_empty() && diags.is_empty() {
                format!("{what}中没有表格")
            } else {
                format!("{what}中的 {} 个表格都没有目录表头", laid.len())
            };
            near_misses.push(
                Diagnostic::new(&codes::HEADER_NOT_FOUND, msg)
                    .in_file(file)
                    .hint("目录表格的表头应有“二级事项”“公开内容（要素）”“公开依据”“公开时限”“公开主体”“公开渠道和载体”“公开对象”“公开方式”等列；网页中的目录如是图片或附件，请下载附件再检查"),
            );
        }
        diags.extend(near_misses);
    } else {
        // A table with a header that lacks required columns is reported even when other
        // tables were read.
        diags.extend(near_misses.into_iter().filter(|d| d.row.is_some()));
    }
    for c in &mut units {
        c.normalise_order();
    }
    (units, diags)
}

/// Give the table reader what stands above the table: the document's title as a leading row
/// when the table has no title row of its own, and the domain named above the table as a
/// section row right under the header (`last` is the header's last row). A title that names
/// a domain too ("乐昌镇社会救助领域基层政务公开标准目录") is given without it, so that it names
/// the unit only; the domain is in the section row.
fn prepare(rows: &mut Vec<RawRow>, mut last: usize, t: &DocTable, section: Option<SectionKey>) {
    let mut has_title = false;
    for r in rows.iter_mut().take(last) {
        for i in 0..r.cells.len() {
            let c = r.cells.get(i).unwrap_or_default();
            let (unit_title, domain) = split_title(c);
            if domain.is_some() {
                r.cells.set(i, &unit_title);
            } else if (c.contains("目录") || c.contains("目錄")) && section_of_heading(c).is_some()
            {
                // "社会救助领域基层政务公开标准目录" names the domain (now in the section row),
                // not a unit: the table reader would take it for the unit's title.
                r.cells.set(i, "");
            }
            has_title |= is_title(r.cells.get(i).unwrap_or_default());
        }
    }
    if let (false, Some(title)) = (has_title, &t.title) {
        if last + 1 < 30 {
            rows.insert(
                0,
                RawRow {
                    cells: vec![split_title(title).0].into(),
                    row: 0,
                    line: None,
                    first_column: 1,
                    merged: Vec::new(),
                },
            );
            last += 1;
        }
    }
    if let Some(key) = section {
        let at = rows.get(last).map(|r| r.row).unwrap_or(1);
        rows.insert(
            last + 1,
            RawRow {
                cells: vec![key.display_name().to_string()].into(),
                row: at,
                line: None,
                first_column: 1,
                merged: Vec::new(),
            },
        );
    }
}

/// A title that names a domain as well as the unit ("乐昌镇社会救助领域基层政务公开标准目录"):
/// the title without the domain, and the domain. Other texts come back unchanged, with none.
pub fn split_title(text: &str) -> (String, Option<SectionKey>) {
    let unchanged = || (text.to_string(), None);
    if !text.contains("目录") && !text.contains("目錄") {
        return unchanged();
    }
    let t = domains::to_simplified(text).into_owned();
    let mut best: Option<(usize, usize, u8)> = None;
    for d in (1..=26).filter_map(domains::by_id) {
        for name in std::iter::once(d.name).chain(d.aliases.iter().copied()) {
            let Some(p) = t.find(name) else { continue };
            let end = p + name.len();
            let end = if t[end..].starts_with("领域") {
                end + "领域".len()
            } else {
                end
            };
            // The domain must be followed by the title's decoration, so that 扶贫 in
            // "扶贫办政务公开事项标准目录" (a unit) is not taken for the domain.
            let decorated = ["基层", "政务公开", "公开", "标准目录", "事项", "目录"]
                .iter()
                .any(|k| t[end..].starts_with(k));
            if decorated && best.is_none_or(|(s, e, _)| p < s || (p == s && end > e)) {
                best = Some((p, end, d.id));
            }
        }
    }
    let Some((s, e, id)) = best else {
        return unchanged();
    };
    let rest = format!("{}{}", &t[..s], &t[e..]);
    if is_title(&rest) {
        (rest, Some(SectionKey::Domain(id)))
    } else {
        unchanged()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Word's symbol-font checkboxes, as `w:sym` codes (F052) or typed letters (0x52), in
    /// Wingdings and Wingdings 2; other fonts and other letters are not marks.
    #[test]
    fn symbol_font_checkboxes_in_both_wingdings() {
        assert_eq!(super::symbol_mark("Wingdings 2", 0xF052), Some(true));
        assert_eq!(super::symbol_mark("\"Wingdings 2\"", 0x52), Some(true));
        assert_eq!(super::symbol_mark("Wingdings 2", 0xF0A3), Some(false));
        assert_eq!(super::symbol_mark("Wingdings", 0xF0FE), Some(true));
        assert_eq!(super::symbol_mark("Wingdings", 0xF0A8), Some(false));
        assert_eq!(super::symbol_mark("Wingdings", 0x52), None);
        assert_eq!(super::symbol_mark("Wingdings 2", 0x41), None);
        assert_eq!(super::symbol_mark("宋体", 0x52), None);
        assert_eq!(super::symbol_mark("Wingdings 2", 0x4E52), None);
    }

    #[test]
    fn headings_that_name_only_a_section_are_recognised() {
        for h in [
            "社会救助领域 （5 项）",
            "社会救助领域公开事项标准目录",
            "一、社会救助",
            "（二）养老服务领域",
            "概况信息",
        ] {
            assert!(section_of_heading(h).is_some(), "{h}");
        }
        for h in [
            "曲沃县乐昌镇人民政府基层政务公开标准目录",
            "目录",
            "（5 项）",
            "单位类别：乡镇",
        ] {
            assert!(section_of_heading(h).is_none(), "{h}");
        }
    }

    #[test]
    fn a_title_naming_a_domain_is_split_into_unit_title_and_domain() {
        let (t, d) = split_title("乐昌镇社会救助领域基层政务公开标准目录");
        assert_eq!(t, "乐昌镇基层政务公开标准目录");
        assert_eq!(d, Some(SectionKey::Domain(5)));
        assert_eq!(split_title("嘉鱼县扶贫办政务公开事项标准目录").1, None);
        assert_eq!(split_title("社会救助领域基层政务公开标准目录").1, None);
    }

    #[test]
    fn titles_name_a_unit() {
        assert!(is_title("曲沃县乐昌镇人民政府基层政务公开标准目录"));
        assert!(!is_title("社会救助领域公开事项标准目录"));
        assert!(!is_title("目录"));
        assert!(!is_title("曲沃县人民政府-政府信息公开目录"));
        assert!(is_title(
            "乐昌镇人民政府基层政务公开标准目录_曲沃县人民政府"
        ));
    }

    #[test]
    fn collapsed_text_reads_as_a_browser_shows_it() {
        let mut b = TextBuf::new(true);
        b.push_str("  公开内容\n   （要素）  ");
        b.line_break();
        b.push_str("a \n b");
        b.push_mark('■');
        b.push_str(" 政府网站");
        assert_eq!(b.finish(), "公开内容（要素）\na b■ 政府网站");
    }
}
