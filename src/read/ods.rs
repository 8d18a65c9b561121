//! One streamed pass over an OpenDocument spreadsheet's `content.xml`, before calamine sees
//! it, for what calamine does not check or does not say: how many cells the repeats declare
//! (a 1 KB file can repeat a row a million times), which rows are hidden
//! (`table:visibility="collapse"` or `"filter"`), and the text each value cell shows. A number
//! cell formatted `0"个工作日"` is stored as `office:value="20"` beside `<text:p>20个工作日</text:p>`;
//! calamine reads the value, the clerk saw the paragraph, so the paragraph is kept here.

use std::io::Read;

/// At most this many shown texts are kept per file; a catalogue has a few thousand cells,
/// so later ones read as their plain values instead of growing memory without bound.
pub(crate) const MAX_SHOWN: usize = 1_000_000;
/// A value cell's shown text longer than this is not a formatted number: the value is kept.
const MAX_SHOWN_BYTES: usize = 4_096;

/// What the scan found.
#[derive(Debug, Default)]
pub(crate) struct OdsFacts {
    /// The largest rectangle of cells a table declares once its repeats are expanded.
    pub cells: u64,
    /// Non-empty cells that exist only as repeats.
    pub repeated: u64,
    /// The tables, in order.
    pub tables: Vec<OdsTable>,
}

/// One table (sheet).
#[derive(Debug, Default)]
pub(crate) struct OdsTable {
    /// `table:name`, as calamine names the sheet.
    pub name: String,
    /// Hidden rows that hold something: (first row, 1-based; how many, from a repeat).
    pub hidden: Vec<(u64, u64)>,
    /// The text shown by value cells (numbers, dates, times, percentages, currency, booleans).
    pub shown: Vec<Shown>,
    /// Merged cells (`table:number-rows-spanned`, `table:number-columns-spanned`): first row
    /// and column (0-based, as calamine places them), rows and columns covered. calamine reads
    /// no merges from OpenDocument, so a 公开依据 merged down three rows read as one filled
    /// cell and two empty ones.
    pub merges: Vec<(u64, u64, u64, u64)>,
    /// Hidden columns (`<table:table-column table:visibility="collapse">`): first column
    /// (0-based) and how many, from a repeat.
    pub hidden_cols: Vec<(u64, u64)>,
}

/// The text a run of value cells shows (one cell, or a cell repeated across rows/columns).
#[derive(Debug, Clone)]
pub(crate) struct Shown {
    /// First row and column (0-based, as calamine places them) and how many of each.
    pub row: u64,
    pub rows: u64,
    pub col: u64,
    pub cols: u64,
    pub text: String,
}

impl OdsTable {
    /// How many hidden rows with content (repeats counted).
    pub fn hidden_count(&self) -> u64 {
        self.hidden
            .iter()
            .fold(0u64, |a, (_, n)| a.saturating_add(*n))
    }

    /// The first `n` hidden rows (1-based).
    pub fn first_hidden(&self, n: usize) -> Vec<u64> {
        self.hidden
            .iter()
            .flat_map(|&(r, k)| (0..k.min(n as u64)).map(move |i| r.saturating_add(i)))
            .take(n)
            .collect()
    }
}

/// The tag's element name: up to the first space, tab, newline or `/` of an empty element.
fn tag_name(tag: &[u8]) -> &[u8] {
    let end = tag
        .iter()
        .enumerate()
        .position(|(i, b)| matches!(b, b' ' | b'\t' | b'\r' | b'\n') || (*b == b'/' && i > 0))
        .unwrap_or(tag.len());
    tag.get(..end).unwrap_or(tag)
}

/// An attribute's raw value (between its quotes).
fn attr_raw<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    loop {
        let at = from + memchr::memmem::find(tag.get(from..)?, name)?;
        let before = at.checked_sub(1).and_then(|i| tag.get(i));
        let rest = tag.get(at + name.len()..)?;
        from = at + name.len();
        // The name must be a whole attribute name, not the tail of a longer one.
        if !matches!(before, Some(b' ' | b'\t' | b'\r' | b'\n')) {
            continue;
        }
        let (q, rest) = match rest {
            [b'=', q @ (b'"' | b'\''), rest @ ..] => (*q, rest),
            _ => continue,
        };
        let end = memchr::memchr(q, rest)?;
        return rest.get(..end);
    }
}

/// An attribute's number; more digits than u64 holds is still "a great many".
fn attr_num(tag: &[u8], name: &[u8]) -> Option<u64> {
    let v = attr_raw(tag, name)?;
    let digits: Vec<u8> = v
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    Some(
        std::str::from_utf8(&digits)
            .ok()?
            .parse()
            .unwrap_or(u64::MAX),
    )
}

/// XML text with its entities decoded (the five named ones and character references);
/// `None` when it is not UTF-8 or holds an unknown entity.
fn decode(raw: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(raw).ok()?;
    if !s.contains('&') {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at)?);
        let after = rest.get(at + 1..)?;
        let end = after.find(';')?;
        let ent = after.get(..end)?;
        let c = match ent {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let n = if let Some(h) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                    u32::from_str_radix(h, 16).ok()?
                } else {
                    ent.strip_prefix('#')?.parse().ok()?
                };
                char::from_u32(n)?
            }
        };
        out.push(c);
        rest = after.get(end + 1..)?;
    }
    out.push_str(rest);
    Some(out)
}

/// The value cell whose shown text is being collected.
struct Capture {
    row: u64,
    rows: u64,
    col: u64,
    cols: u64,
    text: Vec<u8>,
    in_p: bool,
    paragraphs: u32,
    annotation: u32,
    overflow: bool,
}

impl Capture {
    fn push(&mut self, bytes: &[u8]) {
        if self.text.len() + bytes.len() > MAX_SHOWN_BYTES {
            self.overflow = true;
        } else {
            self.text.extend_from_slice(bytes);
        }
    }

    fn writing(&self) -> bool {
        self.in_p && self.annotation == 0
    }
}

/// Scan a `content.xml`. Tags are streamed byte by byte, never the whole part held; a cell is
/// counted as content unless it is an empty element without a value type, which over-counts
/// only odd files. Only rows and cells with content count towards the rectangle (LibreOffice
/// ends every sheet with empty rows repeated a million times, which calamine trims).
pub(crate) fn scan(part: &mut impl Read) -> OdsFacts {
    #[derive(Default)]
    struct Rect {
        row: u64,
        rows: Option<(u64, u64)>,
        cols: Option<(u64, u64)>,
    }
    impl Rect {
        fn cells(&self) -> u64 {
            match (self.rows, self.cols) {
                (Some((r0, r1)), Some((c0, c1))) => (r1 - r0)
                    .saturating_add(1)
                    .saturating_mul((c1 - c0).saturating_add(1)),
                _ => 0,
            }
        }
    }
    let mut facts = OdsFacts::default();
    let mut worst = 0u64;
    let mut t = Rect::default();
    let mut table = OdsTable::default();
    let mut in_table = false;
    let mut shown_total = 0usize;
    // The next column a `table:table-column` declares.
    let mut next_column = 0u64;
    // The current row: its repeat count, the next column, its first and last content, and
    // whether it is hidden.
    let (mut repeat, mut col) = (1u64, 0u64);
    let mut content: Option<(u64, u64)> = None;
    let mut row_hidden = false;
    // Non-empty cells of the current row as expanded, and as written in the file.
    let (mut expanded, mut written) = (0u64, 0u64);
    let mut repeated = 0u64;
    let mut cell: Option<Capture> = None;
    let mut tag: Vec<u8> = Vec::new();
    let mut in_tag = false;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match part.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut text_from: Option<usize> = None;
        for (i, &b) in buf[..n].iter().enumerate() {
            if !in_tag {
                if b == b'<' {
                    in_tag = true;
                    if let (Some(from), Some(c)) = (text_from.take(), cell.as_mut()) {
                        c.push(buf.get(from..i).unwrap_or_default());
                    }
                } else if text_from.is_none() && cell.as_ref().is_some_and(Capture::writing) {
                    text_from = Some(i);
                }
                continue;
            }
            if b != b'>' {
                // A start tag's attributes are short; a longer one is not one that matters.
                if tag.len() < 4096 {
                    tag.push(b);
                }
                continue;
            }
            in_tag = false;
            let empty = tag.last() == Some(&b'/');
            match tag_name(&tag) {
                b"table:table" => {
                    worst = worst.max(t.cells());
                    t = Rect::default();
                    if in_table {
                        facts.tables.push(std::mem::take(&mut table));
                    }
                    table.name = attr_raw(&tag, b"table:name")
                        .and_then(decode)
                        .unwrap_or_default();
                    in_table = true;
                    next_column = 0;
                }
                b"table:table-column" => {
                    let span = attr_num(&tag, b"table:number-columns-repeated")
                        .unwrap_or(1)
                        .max(1);
                    let hidden = matches!(
                        attr_raw(&tag, b"table:visibility"),
                        Some(b"collapse" | b"filter")
                    );
                    if hidden && table.hidden_cols.len() < MAX_SHOWN {
                        table.hidden_cols.push((next_column, span));
                    }
                    next_column = next_column.saturating_add(span);
                }
                b"/table:table" if in_table => {
                    facts.tables.push(std::mem::take(&mut table));
                    in_table = false;
                }
                b"table:table-row" => {
                    repeat = attr_num(&tag, b"table:number-rows-repeated")
                        .unwrap_or(1)
                        .max(1);
                    col = 0;
                    content = None;
                    (expanded, written) = (0, 0);
                    row_hidden = matches!(
                        attr_raw(&tag, b"table:visibility"),
                        Some(b"collapse" | b"filter")
                    );
                    if empty {
                        t.row = t.row.saturating_add(repeat);
                    }
                }
                b"/table:table-row" => {
                    repeated = repeated
                        .saturating_add(repeat.saturating_mul(expanded).saturating_sub(written));
                    if let Some((c0, c1)) = content {
                        let last = t.row.saturating_add(repeat - 1);
                        t.rows = Some(
                            t.rows
                                .map_or((t.row, last), |(a, b)| (a.min(t.row), b.max(last))),
                        );
                        t.cols = Some(t.cols.map_or((c0, c1), |(a, b)| (a.min(c0), b.max(c1))));
                        if row_hidden && table.hidden.len() < MAX_SHOWN {
                            table.hidden.push((t.row.saturating_add(1), repeat));
                        }
                    }
                    t.row = t.row.saturating_add(repeat);
                }
                b"table:table-cell" | b"table:covered-table-cell" => {
                    let span = attr_num(&tag, b"table:number-columns-repeated")
                        .unwrap_or(1)
                        .max(1);
                    let kind = attr_raw(&tag, b"office:value-type");
                    let down = attr_num(&tag, b"table:number-rows-spanned").unwrap_or(1);
                    let across = attr_num(&tag, b"table:number-columns-spanned").unwrap_or(1);
                    if (down > 1 || across > 1) && table.merges.len() < MAX_SHOWN {
                        table.merges.push((t.row, col, down.max(1), across.max(1)));
                    }
                    let has_value = !empty || kind.is_some();
                    if has_value {
                        let end = col.saturating_add(span - 1);
                        content = Some(content.map_or((col, end), |(a, _)| (a, end)));
                        expanded = expanded.saturating_add(span);
                        written += 1;
                    }
                    let is_value = kind.is_some_and(|k| k != b"string");
                    if is_value && !empty && shown_total < MAX_SHOWN {
                        cell = Some(Capture {
                            row: t.row,
                            rows: repeat,
                            col,
                            cols: span,
                            text: Vec::new(),
                            in_p: false,
                            paragraphs: 0,
                            annotation: 0,
                            overflow: false,
                        });
                    }
                    col = col.saturating_add(span);
                }
                b"/table:table-cell" | b"/table:covered-table-cell" => {
                    if let Some(c) = cell.take() {
                        let text = (!c.overflow).then(|| decode(&c.text)).flatten();
                        if let Some(text) = text.filter(|s| !s.trim().is_empty()) {
                            shown_total += 1;
                            table.shown.push(Shown {
                                row: c.row,
                                rows: c.rows,
                                col: c.col,
                                cols: c.cols,
                                text,
                            });
                        }
                    }
                }
                name => {
                    if let Some(c) = cell.as_mut() {
                        match name {
                            b"office:annotation" if !empty => c.annotation += 1,
                            b"/office:annotation" => {
                                c.annotation = c.annotation.saturating_sub(1);
                            }
                            b"text:p" | b"text:h" if !empty && c.annotation == 0 => {
                                if c.paragraphs > 0 {
                                    c.push(b"\n");
                                }
                                c.paragraphs += 1;
                                c.in_p = true;
                            }
                            b"/text:p" | b"/text:h" => c.in_p = false,
                            b"text:s" if c.writing() => {
                                let k = attr_num(&tag, b"text:c").unwrap_or(1).min(64);
                                c.push(&b" ".repeat(k as usize));
                            }
                            b"text:tab" if c.writing() => c.push(b"\t"),
                            b"text:line-break" if c.writing() => c.push(b"\n"),
                            _ => {}
                        }
                    }
                }
            }
            tag.clear();
        }
        // Text running past the end of the chunk.
        if let (Some(from), Some(c)) = (text_from, cell.as_mut()) {
            c.push(buf.get(from..n).unwrap_or_default());
        }
    }
    if in_table {
        facts.tables.push(table);
    }
    facts.cells = worst.max(t.cells());
    facts.repeated = repeated;
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><office:document-content><office:body><office:spreadsheet><table:table table:name="目&amp;录">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn run(xml: &str) -> OdsFacts {
        scan(&mut std::io::Cursor::new(xml.as_bytes()))
    }

    #[test]
    fn merged_cells_are_found_where_they_start_with_their_extent() {
        let cell =
            r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;
        let f = run(&doc(&format!(
            r#"<table:table-row>{cell}<table:table-cell table:number-rows-spanned="3" office:value-type="string"><text:p>依据</text:p></table:table-cell><table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="1"/><table:covered-table-cell/></table:table-row><table:table-row table:number-rows-repeated="2">{cell}<table:covered-table-cell/>{cell}{cell}</table:table-row>"#
        )));
        let t = f.tables.first().expect("one table");
        assert_eq!(t.merges, vec![(0, 1, 3, 1), (0, 2, 1, 2)]);
    }

    #[test]
    fn value_cells_keep_the_text_they_show() {
        let f = run(&doc(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="20"><text:p>20个工作日</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2" office:value-type="date" office:date-value="2025-01-31"><text:p>1月<text:span>31</text:span>日</text:p><office:annotation><text:p>批注</text:p></office:annotation></table:table-cell><table:table-cell office:value-type="float" office:value="1"><text:p>a<text:s text:c="2"/>&amp;b</text:p><text:p>c</text:p></table:table-cell></table:table-row>"#,
        ));
        let t = f.tables.first().expect("one table");
        assert_eq!(t.name, "目&录");
        let shown: Vec<(u64, u64, u64, &str)> = t
            .shown
            .iter()
            .map(|s| (s.row, s.col, s.cols, s.text.as_str()))
            .collect();
        assert_eq!(
            shown,
            vec![
                (0, 1, 1, "20个工作日"),
                (0, 2, 2, "1月31日"),
                (0, 4, 1, "a  &b\nc")
            ]
        );
    }

    #[test]
    fn hidden_and_filtered_rows_with_content_are_found_with_their_repeats() {
        let cell =
            r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;
        let f = run(&doc(&format!(
            r#"<table:table-row>{cell}</table:table-row><table:table-row table:visibility="collapse">{cell}</table:table-row><table:table-row-group><table:table-row table:visibility="filter" table:number-rows-repeated="3">{cell}</table:table-row></table:table-row-group><table:table-row table:visibility="collapse" table:number-rows-repeated="1000000"><table:table-cell/></table:table-row><table:table-row>{cell}</table:table-row>"#
        )));
        let t = f.tables.first().expect("one table");
        assert_eq!(
            t.hidden,
            vec![(2, 1), (3, 3)],
            "the empty hidden rows are not listed"
        );
        assert_eq!(t.hidden_count(), 4);
        assert_eq!(t.first_hidden(5), vec![2, 3, 4, 5]);
        assert_eq!(
            f.cells, 1_000_006,
            "the last row sits after the million empty ones"
        );
    }

    #[test]
    fn attributes_match_whole_names_only() {
        assert_eq!(
            attr_raw(b"c x:table:name=\"a\" table:name='b'", b"table:name"),
            Some(&b"b"[..])
        );
        assert_eq!(
            attr_num(
                b"r table:number-rows-repeated=\"99999999999999999999999\"",
                b"table:number-rows-repeated"
            ),
            Some(u64::MAX)
        );
        assert_eq!(decode(b"&#x5E74;&#26376;&lt;"), Some("年月<".to_string()));
        assert_eq!(decode(b"&bogus;"), None);
        assert_eq!(tag_name(b"table:table-row/"), b"table:table-row");
        assert_eq!(tag_name(b"/table:table-row"), b"/table:table-row");
    }
}

#[cfg(test)]
mod prop {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_content_scans_without_panicking(
            parts in proptest::collection::vec(prop_oneof![
                Just("<table:table table:name=\"a&amp;\">".to_string()),
                Just("</table:table>".to_string()),
                Just("<table:table-row table:visibility=\"collapse\" table:number-rows-repeated=\"3\">".to_string()),
                Just("<table:table-row/>".to_string()),
                Just("</table:table-row>".to_string()),
                Just("<table:table-cell office:value-type=\"float\" table:number-columns-repeated=\"99999999999999999999999\">".to_string()),
                Just("<table:table-cell/>".to_string()),
                Just("</table:table-cell>".to_string()),
                Just("<text:p>".to_string()),
                Just("</text:p>".to_string()),
                Just("<text:s text:c=\"9\"/>".to_string()),
                Just("<office:annotation>".to_string()),
                Just("</office:annotation>".to_string()),
                "[^<>]{0,12}",
                "[<>/=\"' a-z:&#;]{0,12}",
            ], 0..40)
        ) {
            let xml = parts.concat();
            let _ = super::scan(&mut std::io::Cursor::new(xml.as_bytes()));
        }
    }
}
