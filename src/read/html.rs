//! HTML pages as drafts: a catalogue page saved from a county portal, an `.xls` "downloaded as
//! Excel" that is really a web page, Excel's "save as web page" (`mso` styles, `x:str` cells),
//! and gkml's own HTML output. The page is decoded (charset from `<meta>`, else the BOM, else
//! UTF-8 if valid, else detected), parsed by html5ever (through `scraper`) exactly as a browser
//! builds its tree, and walked once in order: every `<table>` becomes a table of
//! [`super::document`], with each cell's visible text (`<br>` and block elements as line
//! breaks, white space collapsed, checkbox inputs as ■/□) and its `colspan`/`rowspan`.

use std::sync::Arc;

use ego_tree::iter::Edge;
use encoding_rs::Encoding;
use scraper::{Html, Node};

use super::codes;
use super::document::{Builder, DocTable, VMerge};
use crate::diag::Diagnostic;

/// Whether bytes are an HTML page (after any BOM and white space): what an `.xls` from a
/// government site often is.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head: &[u8] = &bytes[..bytes.len().min(2048)];
    // A single-file web page (MHT) holds its page in a MIME part.
    if super::webpage::is_mht(head) {
        return true;
    }
    let (text, _) = match Encoding::for_bom(head) {
        Some((enc, n)) => (enc.decode_without_bom_handling(&head[n..]).0, n),
        None => (String::from_utf8_lossy(head), 0),
    };
    let t = text.trim_start().to_ascii_lowercase();
    t.starts_with('<')
        && ["<html", "<!doctype html", "<table", "<head", "<body"]
            .iter()
            .any(|k| t.contains(k))
}

/// The encoding a page declares in a `<meta charset>` or `<meta http-equiv="Content-Type">`,
/// read with the HTML parser itself from the page's head: its first 8 KB (browsers look at the
/// first 1 KB; Excel's pages have a long head), up to `<body`.
fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(8 * 1024)];
    let head = memchr::memmem::find(head, b"<body")
        .or_else(|| memchr::memmem::find(head, b"<BODY"))
        .map_or(head, |end| &head[..end]);
    let head = String::from_utf8_lossy(head);
    let doc = Html::parse_document(&head);
    for node in doc.tree.nodes() {
        let Node::Element(e) = node.value() else {
            continue;
        };
        if e.name() != "meta" {
            continue;
        }
        let label = e.attr("charset").map(str::to_string).or_else(|| {
            let equiv = e.attr("http-equiv")?;
            if !equiv.eq_ignore_ascii_case("content-type") {
                return None;
            }
            let content = e.attr("content")?.to_ascii_lowercase();
            let at = content.find("charset")?;
            let rest = content[at + "charset".len()..].trim_start();
            let rest = rest.strip_prefix('=')?.trim_start();
            Some(
                rest.trim_matches(['"', '\''])
                    .split([';', ' ', '"', '\''])
                    .next()
                    .unwrap_or("")
                    .to_string(),
            )
        });
        if let Some(enc) = label.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
            // As browsers do: a page cannot really be UTF-16 if its meta was readable as ASCII.
            return Some(
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    encoding_rs::UTF_8
                } else {
                    enc
                },
            );
        }
    }
    None
}

/// Decode a page: BOM, else the charset it declares if the page decodes with it (and, for a
/// legacy charset, is not valid UTF-8), else UTF-8 if valid, else the encoding chardetng
/// guesses (for a Chinese page: GBK/GB18030, Big5).
pub fn decode(bytes: &[u8]) -> (String, &'static Encoding) {
    if let Some((enc, n)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(n..).unwrap_or(&[]);
        return (enc.decode_without_bom_handling(rest).0.into_owned(), enc);
    }
    let utf8 = simdutf8::basic::from_utf8(bytes).is_ok();
    if let Some(enc) = declared(bytes) {
        // A legacy charset declared over bytes that are valid UTF-8 is a mislabel (Chinese text
        // in GBK is practically never valid UTF-8): the bytes decide.
        if utf8 && enc != encoding_rs::UTF_8 && !bytes.is_ascii() {
            return (
                String::from_utf8_lossy(bytes).into_owned(),
                encoding_rs::UTF_8,
            );
        }
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        // A declared charset that does not decode the page is a mislabel (a CMS template
        // saying utf-8 over GBK text, or the reverse): the bytes decide then.
        if !had_errors {
            return (text.into_owned(), enc);
        }
    }
    if utf8 {
        return (
            String::from_utf8_lossy(bytes).into_owned(),
            encoding_rs::UTF_8,
        );
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    (enc.decode_without_bom_handling(bytes).0.into_owned(), enc)
}

/// Block-level elements: their start and end break lines in a cell and end a text block.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "main"
            | "aside"
            | "blockquote"
            | "pre"
            | "hr"
            | "form"
            | "fieldset"
            | "center"
            | "address"
            | "figure"
            | "figcaption"
            | "title"
            | "legend"
            | "details"
            | "summary"
    )
}

/// Elements whose content a reader does not see.
fn is_hidden(e: &scraper::node::Element) -> bool {
    if matches!(
        e.name(),
        "script" | "style" | "template" | "noscript" | "select" | "textarea" | "object"
    ) {
        return true;
    }
    // Hidden table structure is kept: Excel marks hidden rows and columns with display:none,
    // skipping a cell would move every cell after it to another column, and every table
    // counts in 表N.
    if matches!(
        e.name(),
        "table" | "tr" | "td" | "th" | "tbody" | "thead" | "tfoot"
    ) {
        return false;
    }
    if e.attr("hidden").is_some() {
        return true;
    }
    e.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none")
    })
}

/// The checkbox a `span`/`font` element draws when its font is a symbol font and its text is
/// one character of it (see [`super::document::symbol_mark`]).
fn symbol_font_mark(node: ego_tree::NodeRef<'_, Node>) -> Option<bool> {
    let Node::Element(e) = node.value() else {
        return None;
    };
    let style_font = e.attr("style").and_then(|s| {
        s.split(';').find_map(|decl| {
            let (k, v) = decl.split_once(':')?;
            (k.trim().eq_ignore_ascii_case("font-family"))
                .then(|| v.split(',').next().unwrap_or(""))
        })
    });
    let font = style_font.or_else(|| e.attr("face"))?;
    if !font.to_ascii_lowercase().contains("wingdings") {
        return None;
    }
    let mut text = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            text.push_str(t);
            if text.len() > 8 {
                return None;
            }
        }
    }
    let mut chars = text.trim().chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    super::document::symbol_mark(font, u32::from(c))
}

fn span(e: &scraper::node::Element, name: &str, default: u32) -> u32 {
    e.attr(name)
        .map(|v| {
            let digits: String = v.trim().chars().take_while(char::is_ascii_digit).collect();
            // Absurd values saturate; the layout clamps them to the table.
            digits
                .parse::<u64>()
                .map(|n| n.min(u64::from(u32::MAX)) as u32)
        })
        .and_then(Result::ok)
        .unwrap_or(default)
}

/// Deepest nesting of elements that html5ever builds as nested (tags that a start tag of the
/// same kind closes implicitly, and void elements, are not counted). html5ever's tree builder
/// looks down its stack of open elements for many tags, so a page nested thousands of levels
/// deep would take quadratic time; such a page is refused before it is parsed.
fn nesting_depth(b: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let at = i + off + 1;
        i = at;
        let close = b.get(at) == Some(&b'/');
        let start = if close { at + 1 } else { at };
        let name: Vec<u8> = b[start.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .take(12)
            .map(u8::to_ascii_lowercase)
            .collect();
        if name.is_empty() {
            continue;
        }
        let flat = matches!(
            name.as_slice(),
            b"p" | b"li"
                | b"td"
                | b"th"
                | b"tr"
                | b"tbody"
                | b"thead"
                | b"tfoot"
                | b"option"
                | b"dt"
                | b"dd"
                | b"colgroup"
                | b"col"
                | b"caption"
                | b"br"
                | b"img"
                | b"input"
                | b"meta"
                | b"link"
                | b"hr"
                | b"area"
                | b"base"
                | b"wbr"
                | b"source"
                | b"embed"
                | b"param"
                | b"track"
                | b"html"
                | b"head"
                | b"body"
        );
        if flat {
            continue;
        }
        // A self-closing `<x/>` does not nest.
        let self_closing = b[start.min(b.len())..]
            .iter()
            .take(4096)
            .position(|c| *c == b'>')
            .is_some_and(|p| p > 0 && b.get(start + p - 1) == Some(&b'/'));
        if close {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// Most nested elements a page may have (browsers stop nesting at 512).
pub const MAX_DEPTH: usize = 4096;

/// The tables of a page, in document order.
///
/// # Errors
/// A GK013 diagnostic for a page nested deeper than [`MAX_DEPTH`].
pub fn tables(text: &str, file: &Arc<str>) -> Result<Vec<DocTable>, Diagnostic> {
    too_deep(text.as_bytes(), file)?;
    let doc = Html::parse_document(text);
    let mut b = Builder::new(true);
    // The node whose subtree is being skipped (hidden), if any.
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => b.text(t),
                    Node::Element(e) => {
                        if is_hidden(e) {
                            skipping = Some(node.id());
                            continue;
                        }
                        let name = e.name();
                        match name {
                            "table" => b.open_table(),
                            "tr" => b.open_row(),
                            "td" | "th" => b.open_cell(
                                span(e, "colspan", 1),
                                span(e, "rowspan", 1),
                                VMerge::None,
                            ),
                            "caption" => b.open_caption(),
                            "br" => b.line_break(),
                            "a" => b.in_link += 1,
                            // The page's <title> is a heading too: a portal names the
                            // catalogue there ("乐昌镇…标准目录_曲沃县人民政府").
                            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "title" => {
                                b.flush_block();
                                b.in_heading += 1;
                            }
                            "input" => {
                                let kind = e.attr("type").unwrap_or("").to_ascii_lowercase();
                                if kind == "checkbox" || kind == "radio" {
                                    b.mark(e.attr("checked").is_some());
                                }
                            }
                            // Word's "save as web page": a checkbox typed in a symbol font
                            // (<span style='font-family:"Wingdings 2"'>R</span>).
                            "span" | "font" => {
                                if let Some(checked) = symbol_font_mark(node) {
                                    b.mark(checked);
                                    skipping = Some(node.id());
                                }
                            }
                            "img" => {
                                // A checkmark drawn as a picture with its glyph as alt text.
                                if let Some(alt) = e.attr("alt") {
                                    let alt = alt.trim();
                                    if alt.chars().count() == 1 {
                                        b.text(alt);
                                    }
                                }
                            }
                            n if is_block(n) => b.line_break(),
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                let Node::Element(e) = node.value() else {
                    continue;
                };
                match e.name() {
                    "table" => b.close_table(),
                    "td" | "th" => b.close_cell(),
                    "caption" => b.close_caption(),
                    "a" => b.in_link = b.in_link.saturating_sub(1),
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "title" => {
                        b.flush_block();
                        b.in_heading = b.in_heading.saturating_sub(1);
                    }
                    n if is_block(n) => b.line_break(),
                    _ => {}
                }
            }
        }
    }
    // The tree can be millions of nodes deep in theory; ego_tree frees it without recursion.
    drop(doc);
    Ok(b.finish())
}

/// Read an HTML page held in memory into its tables.
///
/// # Errors
/// A GK013 diagnostic for a page nested too deep.
pub fn read_bytes(bytes: &[u8], file: &Arc<str>) -> Result<Vec<DocTable>, Diagnostic> {
    // Before anything is parsed, even the head for its charset: tags are ASCII in every
    // encoding a page may declare.
    if super::webpage::is_mht(bytes) {
        return mht_tables(bytes, file);
    }
    too_deep(bytes, file)?;
    let (text, _) = decode(bytes);
    tables(&text, file)
}

/// The tables of a single-file web page (MHT): those of its page, or, for an Excel workbook
/// of several sheets, those of each sheet's page in order.
fn mht_tables(bytes: &[u8], file: &Arc<str>) -> Result<Vec<DocTable>, Diagnostic> {
    use super::webpage;
    let parts = webpage::parts(bytes).unwrap_or_default();
    let Some(page) = webpage::main_page(&parts) else {
        return Err(Diagnostic::new(
            &codes::FILE_UNREADABLE,
            "单个文件网页（MHT）中没有网页部分，无法读取",
        )
        .in_file(file)
        .hint("文件可能不完整；用 Word/Excel 打开后另存为 .docx/.xlsx 再试"));
    };
    too_deep(&page, file)?;
    let (text, _) = decode(&page);
    let sheets = webpage::workbook_sheets(&text);
    if sheets.is_empty() {
        return tables(&text, file);
    }
    let mut out = Vec::new();
    for (_, href) in sheets {
        if let Some(part) = webpage::part_for(&parts, &href) {
            let html = part.html();
            too_deep(&html, file)?;
            let mut t = tables(&decode(&html).0, file)?;
            // Numbered on from the tables of the sheets before; a sheet's first table
            // continues none of theirs.
            let base = out.len();
            for table in &mut t {
                let first = table.number == 1;
                table.number += base;
                table.follows = table.follows.filter(|_| !first).map(|f| f + base);
            }
            out.extend(t);
        }
    }
    Ok(out)
}

/// A GK013 for a page nested deeper than [`MAX_DEPTH`].
fn too_deep(text: &[u8], file: &Arc<str>) -> Result<(), Diagnostic> {
    let depth = nesting_depth(text);
    if depth > MAX_DEPTH {
        return Err(Diagnostic::new(
            &codes::INPUT_TOO_LARGE,
            format!("网页的标签嵌套了 {depth} 层，超过上限 {MAX_DEPTH}"),
        )
        .in_file(file)
        .hint("这通常是损坏或恶意的文件；正常网页的嵌套不超过几十层"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Arc<str> {
        Arc::from("t.html")
    }

    #[test]
    fn a_gb2312_meta_decodes_as_gbk() {
        let (bytes, _, _) = encoding_rs::GBK.encode(
            "<html><head><meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"></head><body>公开依据</body></html>",
        );
        let (text, enc) = decode(&bytes);
        assert_eq!(enc, encoding_rs::GBK);
        assert!(text.contains("公开依据"));
    }

    #[test]
    fn a_mislabelled_page_is_decoded_by_its_bytes() {
        let (bytes, _, _) = encoding_rs::GBK.encode(
            "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>公开依据</td><td>公开时限</td></tr></table></body></html>",
        );
        let (text, enc) = decode(&bytes);
        assert_eq!(enc, encoding_rs::GBK);
        assert!(text.contains("公开依据"));
        let utf8 = "<meta charset=gb2312><p>公开依据</p>".as_bytes();
        assert!(decode(utf8).0.contains("公开依据"));
    }

    #[test]
    fn an_undeclared_gbk_page_is_detected() {
        let (bytes, _, _) = encoding_rs::GBK.encode(
            "<table><tr><td>序号</td><td>公开事项</td><td>公开内容（要素）</td></tr></table>",
        );
        let (text, _) = decode(&bytes);
        assert!(text.contains("公开内容（要素）"));
    }

    #[test]
    fn spans_are_expanded_and_cell_text_is_what_a_browser_shows() {
        let t = tables(
            "<table><tr><td rowspan=2>1</td><td colspan=2>a<br>b</td></tr>\
             <tr><td><input type=checkbox checked> 政府网站&nbsp;<input type=checkbox>两微一端</td><td><p>x</p><p>y</p></td></tr></table>",
            &file(),
        )
        .unwrap_or_default();
        assert_eq!(t.len(), 1);
        let rows = super::super::document::layout(&file(), &t[0], &crate::limits::Limits::DEFAULT)
            .unwrap_or_default();
        assert_eq!(rows[0].cells, ["1", "a\nb", "a\nb"]);
        assert_eq!(rows[1].cells, ["1", "■ 政府网站 □两微一端", "x\ny"]);
        assert_eq!(rows[1].merged, [true]);
    }

    /// Word's "save as web page" keeps a checkbox typed in a symbol font as a letter in a
    /// span of that font: Wingdings 2's R is ☑ and £ is □, Wingdings' þ is ☑. Any other
    /// letter, or R in an ordinary font, is text.
    #[test]
    fn checkboxes_typed_in_a_symbol_font_read_as_marks() {
        let t = tables(
            "<table><tr><td><span style='font-family:\"Wingdings 2\";mso-ascii-font-family:宋体'>R</span>政府网站 \
             <span style='font-family:Wingdings 2'>£</span>两微一端 \
             <font face=Wingdings>&#xFE;</font>公示栏</td>\
             <td><span style='font-family:Wingdings 2'>A</span>R<span style='font-family:宋体'>R</span></td></tr></table>",
            &file(),
        )
        .unwrap_or_default();
        let rows = super::super::document::layout(&file(), &t[0], &crate::limits::Limits::DEFAULT)
            .unwrap_or_default();
        assert_eq!(rows[0].cells, ["■政府网站 □两微一端 ■公示栏", "ARR"]);
    }

    #[test]
    fn a_page_nested_too_deep_is_refused_before_parsing() {
        let deep = "<div>".repeat(100_000);
        let e = tables(&deep, &file()).err();
        assert_eq!(e.map(|d| d.code), Some("GK013"));
    }
}
