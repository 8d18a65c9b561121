//! Word drafts (`.docx`): `word/document.xml` is streamed with quick-xml and every `<w:tbl>`
//! becomes a table of [`super::document`], with each cell's paragraphs as lines,
//! `<w:gridSpan>` as a column span and `<w:vMerge>` (restart / continue) as a vertical merge.
//! Paragraphs above a table are its context (a title names the unit, a heading the domain).
//! Checkboxes drawn by Word (content controls, legacy form fields, Wingdings symbols) read as
//! ■/□. Deleted text of tracked changes and field codes are not part of the text; of the two
//! renderings Word keeps of a drawing (`mc:Choice`, `mc:Fallback`) only the first is read.
//!
//! Word 97–2003 binaries are read by [`super::doc`]; a WPS `.et`, an RTF file named `.doc` and
//! an old binary file holding neither a document nor a workbook get a GK007 saying how to
//! convert them.

use std::io::{Cursor, Read};
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::codes;
use super::document::{Builder, DocTable, VMerge};
use crate::diag::Diagnostic;
use crate::limits::Limits;

/// A GK007 for an old binary Office or WPS file, saying exactly how to convert it.
pub fn legacy(file: &Arc<str>, ext: &str) -> Diagnostic {
    let (what, to) = match ext {
        "et" => ("WPS 表格文件（.et）", "xlsx"),
        "wps" => ("WPS 文字文件（.wps）", "docx"),
        "rtf" => ("RTF 格式的文档", "docx"),
        _ => ("旧版 Word 文档（.doc）", "docx"),
    };
    let name = std::path::Path::new(&**file)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| file.to_string());
    let kind = if to == "xlsx" {
        "Excel 工作簿 (*.xlsx)"
    } else {
        "Word 文档 (*.docx)"
    };
    Diagnostic::new(
        &codes::UNSUPPORTED_FILE,
        if ext == "rtf" {
            format!("{what}（扩展名为 Word 的），gkml 不能直接读取")
        } else {
            format!("{what}是 gkml 不能直接读取的旧二进制格式")
        },
    )
    .in_file(file)
    .hint(format!(
        "在 WPS 或 Office 中打开，选“文件 → 另存为”，文件类型选“{kind}”，保存为 .{to} 后再检查；\
         或运行：libreoffice --headless --convert-to {to} \"{name}\""
    ))
}

/// Why a `.docx` could not be opened.
fn unreadable(file: &Arc<str>, why: String) -> Diagnostic {
    Diagnostic::new(
        &codes::FILE_UNREADABLE,
        format!("无法打开 Word 文档：{why}"),
    )
    .in_file(file)
    .hint("用 WPS/Word 打开检查；能打开时另存为新的 .docx 再试")
}

/// The main part of the package: `word/document.xml`, or where `_rels/.rels` says it is.
fn main_part(z: &mut zip::ZipArchive<Cursor<&[u8]>>) -> String {
    let default = "word/document.xml".to_string();
    if z.by_name(&default).is_ok() {
        return default;
    }
    let mut rels = String::new();
    if let Ok(mut f) = z.by_name("_rels/.rels") {
        let _ = f.by_ref().take(1 << 20).read_to_string(&mut rels);
    }
    let mut r = Reader::from_str(&rels);
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref() == "Relationship"
                    && attr(&e, "Type").is_some_and(|t| t.ends_with("/officeDocument")) =>
            {
                if let Some(t) = attr(&e, "Target") {
                    return t.trim_start_matches('/').to_string();
                }
            }
            Ok(Event::Eof) | Err(_) => return default,
            _ => {}
        }
    }
}

/// An attribute's value by its qualified or local name.
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        let local = key.rsplit(':').next().unwrap_or(key);
        (key == name || local == name).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

/// The document.xml of a .docx, with the zip-bomb guard of `read::xlsx`: the declared sizes
/// of all parts, and the bytes really read, stay within the input limit.
fn document_xml(
    bytes: &[u8],
    file: &Arc<str>,
    limits: &Limits,
) -> Result<(String, String), Diagnostic> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(file, format!("不是完整的 .docx（{e}）")))?;
    let mut total: u64 = 0;
    for i in 0..z.len() {
        if let Ok(f) = z.by_index(i) {
            total = total.saturating_add(f.size());
        }
    }
    let too_large = |n: u64| {
        Diagnostic::new(
            &codes::INPUT_TOO_LARGE,
            format!(
                "Word 文档解压后有 {} MB，超过读取上限 {} MB",
                n >> 20,
                limits.max_input_bytes >> 20
            ),
        )
        .in_file(file)
        .hint("这通常是损坏或恶意的文件（压缩炸弹）；请用 WPS/Word 打开检查后另存")
    };
    if total > limits.max_input_bytes {
        return Err(too_large(total));
    }
    let name = main_part(&mut z);
    let f = z
        .by_name(&name)
        .map_err(|_| unreadable(file, format!("缺少正文部分 {name}")))?;
    let mut raw = Vec::new();
    // The declared size may lie: never read past the limit.
    f.take(limits.max_input_bytes.saturating_add(1))
        .read_to_end(&mut raw)
        .map_err(|e| unreadable(file, format!("正文部分已损坏（{e}）")))?;
    if raw.len() as u64 > limits.max_input_bytes {
        return Err(too_large(raw.len() as u64));
    }
    // Word writes UTF-8; a UTF-16 part starts with its BOM.
    let (text, _, _) = encoding_rs::UTF_8.decode(&raw);
    // The list definitions, for 序号 cells numbered by Word itself; small, and within the
    // checked total.
    let mut numbering = Vec::new();
    if let Ok(f) = z.by_name("word/numbering.xml") {
        let budget = limits.max_input_bytes.saturating_sub(raw.len() as u64);
        let _ = f.take(budget).read_to_end(&mut numbering);
    }
    let (numbering, _, _) = encoding_rs::UTF_8.decode(&numbering);
    Ok((text.into_owned(), numbering.into_owned()))
}

/// One level of a Word list: its first number, number format and label ("%1.").
#[derive(Debug, Clone, Default)]
struct ListLevel {
    start: u32,
    format: String,
    text: String,
}

/// Word's list definitions (word/numbering.xml) and the counters of the lists met so far, so
/// that a paragraph numbered by Word reads with the number Word shows ("1.", "一、").
#[derive(Debug, Default)]
pub struct Numbering {
    /// numId → abstractNumId.
    nums: std::collections::HashMap<String, String>,
    /// abstractNumId → levels by ilvl.
    abstracts: std::collections::HashMap<String, Vec<ListLevel>>,
    counters: std::collections::HashMap<String, [u32; 9]>,
}

impl Numbering {
    pub fn parse(xml: &str) -> Self {
        let mut n = Numbering::default();
        let mut r = Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut level: Option<(usize, ListLevel)> = None;
        let mut num_id: Option<String> = None;
        loop {
            let ev = match r.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(ev) => ev,
            };
            match ev {
                Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                    "w:abstractNum" => abstract_id = attr(&e, "w:abstractNumId"),
                    "w:lvl" => {
                        let ilvl = attr(&e, "w:ilvl")
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        level = Some((
                            ilvl,
                            ListLevel {
                                start: 1,
                                ..Default::default()
                            },
                        ));
                    }
                    "w:start" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.start = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    "w:numFmt" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.format = attr(&e, "w:val").unwrap_or_default();
                        }
                    }
                    "w:lvlText" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.text = attr(&e, "w:val").unwrap_or_default();
                        }
                    }
                    "w:num" => num_id = attr(&e, "w:numId"),
                    "w:abstractNumId" => {
                        if let (Some(id), Some(a)) = (&num_id, attr(&e, "w:val")) {
                            n.nums.insert(id.clone(), a);
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.name().as_ref() {
                    "w:lvl" => {
                        if let (Some(a), Some((i, l))) = (&abstract_id, level.take()) {
                            if i < 9 {
                                let levels = n.abstracts.entry(a.clone()).or_default();
                                if levels.len() <= i {
                                    levels.resize(i + 1, ListLevel::default());
                                }
                                levels[i] = l;
                            }
                        }
                    }
                    "w:abstractNum" => abstract_id = None,
                    "w:num" => num_id = None,
                    _ => {}
                },
                _ => {}
            }
        }
        n
    }

    /// The label of the next paragraph of list `num_id` at level `ilvl`, as Word shows it;
    /// none for bullets (drawn with symbol fonts) and unknown lists.
    pub fn next(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let levels = self.abstracts.get(self.nums.get(num_id)?)?;
        let ilvl = ilvl.min(8);
        let this = levels.get(ilvl)?;
        if matches!(this.format.as_str(), "bullet" | "none") {
            return None;
        }
        let counters = self.counters.entry(num_id.to_string()).or_default();
        counters[ilvl] = if counters[ilvl] == 0 {
            this.start
        } else {
            counters[ilvl] + 1
        };
        for c in counters.iter_mut().skip(ilvl + 1) {
            *c = 0;
        }
        let mut label = this.text.clone();
        for (k, l) in levels.iter().enumerate().take(ilvl + 1) {
            let n = if counters[k] == 0 {
                l.start
            } else {
                counters[k]
            };
            label = label.replace(&format!("%{}", k + 1), &format_number(n, &l.format));
        }
        Some(label)
    }
}

/// A list number in one of Word's formats.
fn format_number(n: u32, format: &str) -> String {
    const CJK: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let cjk = |n: u32| -> String {
        match n {
            0..=9 => CJK[n as usize].to_string(),
            10..=19 => format!("十{}", if n == 10 { "" } else { CJK[(n - 10) as usize] }),
            20..=99 => format!(
                "{}十{}",
                CJK[(n / 10) as usize],
                if n.is_multiple_of(10) {
                    ""
                } else {
                    CJK[(n % 10) as usize]
                }
            ),
            _ => n.to_string(),
        }
    };
    let letters = |n: u32, base: u8| -> String {
        let k = (n.max(1) - 1) % 26;
        let times = (n.max(1) - 1) / 26 + 1;
        char::from(base + k as u8)
            .to_string()
            .repeat(times as usize)
    };
    let roman = |mut n: u32| -> String {
        let table = [
            (1000, "M"),
            (900, "CM"),
            (500, "D"),
            (400, "CD"),
            (100, "C"),
            (90, "XC"),
            (50, "L"),
            (40, "XL"),
            (10, "X"),
            (9, "IX"),
            (5, "V"),
            (4, "IV"),
            (1, "I"),
        ];
        let mut s = String::new();
        for (v, r) in table {
            while n >= v && s.len() < 40 {
                s.push_str(r);
                n -= v;
            }
        }
        s
    };
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting" => cjk(n),
        "ideographTraditional" => ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]
            .get((n.max(1) - 1) as usize)
            .map_or_else(|| n.to_string(), |s| s.to_string()),
        "decimalZero" => format!("{n:02}"),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "upperLetter" => letters(n, b'A'),
        "lowerLetter" => letters(n, b'a'),
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        _ => n.to_string(),
    }
}

/// Walk document.xml into tables.
///
/// # Errors
/// A GK001 diagnostic when the XML is broken before its first table.
pub fn tables_of_xml(
    xml: &str,
    mut numbering: Numbering,
    file: &Arc<str>,
) -> Result<Vec<DocTable>, Diagnostic> {
    let mut r = Reader::from_str(xml);
    let mut b = Builder::new(false);
    // Inside <w:t> (text is taken only there), and depths of subtrees that are skipped.
    let mut in_t = false;
    let mut skip_depth = 0usize;
    let mut depth = 0usize;
    let mut st = State::default();
    let mut in_sdt_content = 0usize;
    let mut paragraphs_in_cell: Vec<usize> = Vec::new();
    loop {
        let ev = match r.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                if b.is_empty() {
                    return Err(unreadable(file, format!("正文 XML 有误（{e}）")));
                }
                break;
            }
        };
        match ev {
            Event::Eof => break,
            Event::Start(e) => {
                depth += 1;
                if skip_depth > 0 {
                    continue;
                }
                let name = e.name();
                let name = name.as_ref();
                match name {
                    "mc:Fallback" | "w:delText" | "w:instrText" | "w:moveFrom" | "w:del" => {
                        skip_depth = depth;
                    }
                    "w:tbl" => {
                        flush_cell(&mut b, &mut st.pending_cell);
                        b.open_table();
                        st.grid_cols = Some(0);
                    }
                    "w:tblGrid" => st.grid_cols = Some(0),
                    "w:tr" => {
                        flush_cell(&mut b, &mut st.pending_cell);
                        b.open_row();
                    }
                    "w:tc" => {
                        flush_cell(&mut b, &mut st.pending_cell);
                        st.pending_cell = Some((1, VMerge::None));
                        paragraphs_in_cell.push(0);
                    }
                    "w:p" => {
                        flush_cell(&mut b, &mut st.pending_cell);
                        if let Some(n) = paragraphs_in_cell.last_mut() {
                            if *n > 0 {
                                b.line_break();
                            }
                            *n += 1;
                        }
                    }
                    "w:t" => in_t = true,
                    "w:r" => st.run_font = None,
                    "w:sdt" => st.sdt_boxes.push(None),
                    "w:sdtContent" => in_sdt_content += 1,
                    "w14:checkbox" => {
                        if let Some(s) = st.sdt_boxes.last_mut() {
                            *s = Some((false, false));
                        }
                    }
                    "w:checkBox" => st.form_box = Some((false, None)),
                    _ => st.leaf(&mut b, &e),
                }
            }
            Event::Empty(e) => {
                if skip_depth > 0 {
                    continue;
                }
                let name = e.name();
                match name.as_ref() {
                    "w:p" => {
                        flush_cell(&mut b, &mut st.pending_cell);
                        if let Some(n) = paragraphs_in_cell.last_mut() {
                            *n += 1;
                        }
                    }
                    "w:tc" => {
                        flush_cell(&mut b, &mut st.pending_cell);
                        b.open_cell(1, 1, VMerge::None);
                        b.close_cell();
                    }
                    _ => st.leaf(&mut b, &e),
                }
            }
            Event::Text(t) => {
                if skip_depth > 0 || !in_t {
                    continue;
                }
                let text = t.xml10_content();
                if in_sdt_content > 0 {
                    if let Some(Some((checked, shown))) = st.sdt_boxes.last_mut() {
                        // The box glyph Word draws for the control (☒ ☐) stands for its state.
                        if !*shown {
                            *shown = true;
                            let c = *checked;
                            b.mark(c);
                        }
                        continue;
                    }
                }
                // One character typed in a symbol font: the checkbox it draws.
                let symbol = st.run_font.as_deref().and_then(|font| {
                    let mut chars = text.trim().chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => super::document::symbol_mark(font, u32::from(c)),
                        _ => None,
                    }
                });
                match symbol {
                    Some(checked) => b.mark(checked),
                    None => b.text(&text),
                }
            }
            Event::GeneralRef(e) => {
                if skip_depth > 0 || !in_t {
                    continue;
                }
                let s = match e.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match &*e {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        _ => String::new(),
                    },
                };
                b.text(&s);
            }
            Event::End(e) => {
                let at = depth;
                depth = depth.saturating_sub(1);
                if skip_depth > 0 {
                    if at == skip_depth {
                        skip_depth = 0;
                    }
                    continue;
                }
                let name = e.name();
                match name.as_ref() {
                    "w:t" => in_t = false,
                    "w:pPr" => {
                        // A paragraph numbered by Word shows its number before its text.
                        if let (Some(id), ilvl) = std::mem::take(&mut st.num_pr) {
                            if let Some(label) = numbering.next(&id, ilvl) {
                                flush_cell(&mut b, &mut st.pending_cell);
                                b.text(&label);
                            }
                        }
                    }
                    "w:tblGrid" => {
                        if let Some(n) = st.grid_cols.filter(|n| *n > 0) {
                            b.grid_columns(n);
                        }
                    }
                    "w:tbl" => {
                        flush_cell(&mut b, &mut st.pending_cell);
                        b.close_table();
                    }
                    "w:tc" => {
                        flush_cell(&mut b, &mut st.pending_cell);
                        b.close_cell();
                        paragraphs_in_cell.pop();
                    }
                    "w:tcPr" => flush_cell(&mut b, &mut st.pending_cell),
                    "w:p" => {
                        flush_cell(&mut b, &mut st.pending_cell);
                        // A paragraph outside a table is one block; in a cell the next
                        // paragraph starts a new line (see "w:p" above).
                        if paragraphs_in_cell.is_empty() {
                            b.flush_block();
                        }
                    }
                    "w:sdt" => {
                        st.sdt_boxes.pop();
                    }
                    "w:sdtContent" => in_sdt_content = in_sdt_content.saturating_sub(1),
                    "w:checkBox" => {
                        if let Some((d, c)) = st.form_box.take() {
                            b.mark(c.unwrap_or(d));
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(b.finish())
}

/// What the walk remembers between events.
#[derive(Default)]
struct State {
    /// gridSpan and vMerge of the <w:tc> whose properties are being read.
    pending_cell: Option<(u32, VMerge)>,
    grid_cols: Option<usize>,
    /// Legacy form-field checkbox: (default, checked) while inside <w:checkBox>.
    form_box: Option<(bool, Option<bool>)>,
    /// Content-control checkboxes: (checked, glyph replaced already), one per open <w:sdt>.
    sdt_boxes: Vec<Option<(bool, bool)>>,
    /// The list (numId, ilvl) of the paragraph whose properties are being read.
    num_pr: (Option<String>, usize),
    /// The font of the run being read (`<w:rFonts w:ascii>`): a letter typed in a symbol
    /// font is a checkbox (Wingdings 2's R is ☑).
    run_font: Option<String>,
}

impl State {
    /// An element that carries a property or stands for a character (usually written empty,
    /// `<w:gridSpan w:val="2"/>`, but read the same when written with an end tag).
    fn leaf(&mut self, b: &mut Builder, e: &BytesStart) {
        match e.name().as_ref() {
            "w:rFonts" => self.run_font = attr(e, "w:ascii").or_else(|| attr(e, "w:hAnsi")),
            "w:gridCol" => {
                if let Some(n) = self.grid_cols.as_mut() {
                    *n += 1;
                }
            }
            "w:gridSpan" => {
                if let Some((span, _)) = self.pending_cell.as_mut() {
                    *span = attr(e, "w:val")
                        .and_then(|v| v.trim().parse::<u32>().ok())
                        .unwrap_or(1);
                }
            }
            "w:vMerge" => {
                if let Some((_, vm)) = self.pending_cell.as_mut() {
                    let restart = attr(e, "w:val").is_some_and(|v| v == "restart");
                    *vm = if restart {
                        VMerge::None
                    } else {
                        VMerge::Continue
                    };
                }
            }
            "w:gridBefore" => {
                let n = attr(e, "w:val")
                    .and_then(|v| v.trim().parse::<u32>().ok())
                    .unwrap_or(0);
                if n > 0 {
                    b.open_cell(n, 1, VMerge::None);
                    b.close_cell();
                }
            }
            "w:tab" | "w:ptab" => {
                flush_cell(b, &mut self.pending_cell);
                b.text("\t");
            }
            "w:br" | "w:cr" => {
                flush_cell(b, &mut self.pending_cell);
                let page = attr(e, "w:type").is_some_and(|t| t == "page" || t == "column");
                if !page {
                    b.line_break();
                }
            }
            "w:noBreakHyphen" => b.text("-"),
            "w:numId" => self.num_pr.0 = attr(e, "w:val"),
            "w:ilvl" => self.num_pr.1 = attr(e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0),
            "w:sym" => {
                flush_cell(b, &mut self.pending_cell);
                let font = attr(e, "w:font").unwrap_or_default();
                let code = attr(e, "w:char").unwrap_or_default();
                let code = u32::from_str_radix(code.trim(), 16).ok();
                if let Some(m) = code.and_then(|n| super::document::symbol_mark(&font, n)) {
                    b.mark(m);
                } else if let Some(c) = code.and_then(|n| super::document::symbol_char(&font, n)) {
                    // A Symbol-font √ or × inserted from 插入→符号 is that character.
                    b.text(c.encode_utf8(&mut [0; 4]));
                }
            }
            "w14:checked" => {
                if let Some(Some((checked, _))) = self.sdt_boxes.last_mut() {
                    *checked = attr(e, "w14:val").is_none_or(|v| v == "1" || v == "true");
                }
            }
            "w:default" => {
                if let Some((d, _)) = self.form_box.as_mut() {
                    *d = attr(e, "w:val").is_some_and(|v| v == "1" || v == "true");
                }
            }
            "w:checked" => {
                if let Some((_, c)) = self.form_box.as_mut() {
                    *c = Some(attr(e, "w:val").is_none_or(|v| v == "1" || v == "true"));
                }
            }
            _ => {}
        }
    }
}

/// Open the cell whose properties were being read, once its content starts (or it ends).
fn flush_cell(b: &mut Builder, pending: &mut Option<(u32, VMerge)>) {
    if let Some((span, vm)) = pending.take() {
        b.open_cell(span, 1, vm);
    }
}

/// Read a .docx held in memory into its tables.
///
/// # Errors
/// GK001 when it is not a readable Word package, GK013 when it is too large unpacked.
pub fn read_bytes(
    bytes: &[u8],
    file: &Arc<str>,
    limits: &Limits,
) -> Result<Vec<DocTable>, Diagnostic> {
    let (xml, numbering) = document_xml(bytes, file, limits)?;
    tables_of_xml(&xml, Numbering::parse(&numbering), file)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn cell(text: &str, props: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }

    #[test]
    fn grid_span_and_vertical_merge_are_expanded() {
        let xml = format!(
            "<w:document {W}><w:body><w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>\
             <w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl></w:body></w:document>",
            cell("1", "<w:vMerge w:val=\"restart\"/>"),
            cell("公开对象", "<w:gridSpan w:val=\"2\"/>"),
            cell("", "<w:vMerge/>"),
            cell("全社会", ""),
            cell("特定群众", ""),
        );
        let t = tables_of_xml(&xml, Numbering::default(), &Arc::from("t.docx")).unwrap_or_default();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].grid_columns, Some(3));
        let rows = super::super::document::layout(&Arc::from("t.docx"), &t[0], &Limits::DEFAULT)
            .unwrap_or_default();
        assert_eq!(rows[0].cells, ["1", "公开对象", "公开对象"]);
        assert_eq!(rows[1].cells, ["1", "全社会", "特定群众"]);
        assert_eq!(rows[1].merged, [true]);
    }

    #[test]
    fn paragraphs_numbered_by_word_read_with_their_numbers() {
        let numbering = format!(
            "<w:numbering {W}><w:abstractNum w:abstractNumId=\"0\">\
             <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>\
             <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"（%2）\"/></w:lvl>\
             </w:abstractNum><w:abstractNum w:abstractNumId=\"1\"><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\u{f0b7}\"/></w:lvl></w:abstractNum>\
             <w:num w:numId=\"3\"><w:abstractNumId w:val=\"0\"/></w:num><w:num w:numId=\"4\"><w:abstractNumId w:val=\"1\"/></w:num></w:numbering>"
        );
        let p = |id: &str, lvl: u8, text: &str| {
            format!(
                "<w:tr><w:tc><w:p><w:pPr><w:numPr><w:ilvl w:val=\"{lvl}\"/><w:numId w:val=\"{id}\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p></w:tc></w:tr>"
            )
        };
        let xml = format!(
            "<w:document {W}><w:body><w:tbl>{}{}{}{}{}</w:tbl></w:body></w:document>",
            p("3", 0, ""),
            p("3", 0, ""),
            p("3", 1, "低保"),
            p("3", 1, "特困"),
            p("4", 0, "要点"),
        );
        let t = tables_of_xml(&xml, Numbering::parse(&numbering), &Arc::from("t.docx"))
            .unwrap_or_default();
        let texts: Vec<&str> = t[0].rows.iter().map(|r| r[0].text.as_str()).collect();
        assert_eq!(texts, ["1.", "2.", "（一）低保", "（二）特困", "要点"]);
    }

    #[test]
    fn content_control_and_form_field_checkboxes_read_as_marks() {
        let control = |checked: u8, glyph: &str, label: &str| {
            format!(
                "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val=\"{checked}\"/></w14:checkbox></w:sdtPr>\
                 <w:sdtContent><w:r><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t>{label}</w:t></w:r>"
            )
        };
        let field = |checked: &str, label: &str| {
            format!(
                "<w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:checkBox><w:sizeAuto/><w:default w:val=\"0\"/>{checked}</w:checkBox></w:ffData></w:fldChar></w:r>\
                 <w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r><w:r><w:t>{label}</w:t></w:r>"
            )
        };
        let xml = format!(
            "<w:document {W} xmlns:w14=\"x\"><w:body><w:tbl><w:tr><w:tc><w:p>{}{}{}{}</w:p></w:tc></w:tr></w:tbl></w:body></w:document>",
            control(1, "☒", "政府网站"),
            control(0, "☐", "两微一端"),
            field("<w:checked/>", "公示栏"),
            field("", "其他"),
        );
        let t = tables_of_xml(&xml, Numbering::default(), &Arc::from("t.docx")).unwrap_or_default();
        assert_eq!(t[0].rows[0][0].text, "■政府网站□两微一端■公示栏□其他");
    }

    #[test]
    fn paragraphs_in_a_cell_are_lines_and_checkboxes_are_marks() {
        let xml = format!(
            "<w:document {W}><w:body><w:tbl><w:tr><w:tc>\
             <w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FE\"/><w:t>政府网站</w:t></w:r></w:p>\
             </w:tc></w:tr></w:tbl></w:body></w:document>"
        );
        let t = tables_of_xml(&xml, Numbering::default(), &Arc::from("t.docx")).unwrap_or_default();
        assert_eq!(t[0].rows[0][0].text, "a\n■政府网站");
    }

    /// The checkbox Chinese Word users make by typing R (or £) and setting the font to
    /// Wingdings 2, and the same with w:sym: marks. R in an ordinary run stays text.
    #[test]
    fn letters_typed_in_wingdings_2_are_checkboxes() {
        let run = |font: &str, t: &str| {
            format!("<w:r><w:rPr><w:rFonts w:ascii=\"{font}\" w:hAnsi=\"{font}\"/></w:rPr><w:t>{t}</w:t></w:r>")
        };
        let xml = format!(
            "<w:document {W}><w:body><w:tbl><w:tr><w:tc><w:p>{}{}{}{}<w:r><w:sym w:font=\"Wingdings 2\" w:char=\"F052\"/></w:r>{}</w:p></w:tc></w:tr></w:tbl></w:body></w:document>",
            run("Wingdings 2", "R"),
            run("宋体", "政府网站"),
            run("Wingdings 2", "£"),
            run("宋体", "两微一端R"),
            run("宋体", "公示栏"),
        );
        let t = tables_of_xml(&xml, Numbering::default(), &Arc::from("t.docx")).unwrap_or_default();
        assert_eq!(t[0].rows[0][0].text, "■政府网站□两微一端R■公示栏");
    }

    /// A symbol from the Symbol font (√ at F0D6, μ at F06D) is its character, as in `.doc`.
    #[test]
    fn symbol_font_symbols_read_as_their_characters() {
        let sym = |code: &str| format!("<w:r><w:sym w:font=\"Symbol\" w:char=\"{code}\"/></w:r>");
        let xml = format!(
            "<w:document {W}><w:body><w:tbl><w:tr><w:tc><w:p>{}</w:p></w:tc><w:tc><w:p><w:r><w:t>200</w:t></w:r>{}<w:r><w:t>g</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>",
            sym("F0D6"),
            sym("F06D"),
        );
        let t = tables_of_xml(&xml, Numbering::default(), &Arc::from("t.docx")).unwrap_or_default();
        assert_eq!(t[0].rows[0][0].text, "√");
        assert_eq!(t[0].rows[0][1].text, "200μg");
    }
}
