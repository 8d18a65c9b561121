//! Web pages that are more than one HTML file: a single-file web page (MHT/MHTML, what Word
//! and Excel save as "单个文件网页", also under a `.doc` or `.xls` name), and Excel's "save as
//! web page" of a workbook with several sheets (a frameset page `乐昌镇.htm` beside a folder
//! `乐昌镇.files/` holding `sheet001.htm`, `sheet002.htm` …, or the same parts inside an MHT).
//!
//! An MHT is a MIME `multipart/related` message: each part has its headers (`Content-Type`
//! with its charset, `Content-Transfer-Encoding`, `Content-Location`) and its body, most often
//! quoted-printable (Word, Excel) or base64. The first HTML part is the page; it is handed to
//! the HTML reader as UTF-8 when its part names a charset, as it is otherwise (its `<meta>`
//! decides then). A workbook's page names its sheets in Excel's XML island
//! (`<x:ExcelWorksheet><x:Name>社会救助</x:Name><x:WorksheetSource HRef="….files/sheet001.htm"/>`),
//! so every sheet is read, under its own name.

use std::path::Path;

use encoding_rs::Encoding;

/// At most this many parts are read from an MHT (a workbook has a few dozen).
const MAX_PARTS: usize = 10_000;

/// Whether bytes are a MIME message holding a web page (an MHT), from their first bytes.
pub fn is_mht(head: &[u8]) -> bool {
    let head = &head[..head.len().min(4096)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let mime = text.starts_with("mime-version:")
        || text.starts_with("from:")
        || text.starts_with("content-type:")
        || text.starts_with("subject:")
        || text.starts_with("date:")
        || text.starts_with("x-mimeole:");
    mime && text.contains("mime-version") && text.contains("multipart/")
}

/// One part of an MHT, its body decoded from its transfer encoding.
#[derive(Debug, Clone)]
pub struct Part {
    /// `Content-Location`, as written (`file:///C:/X/乐昌镇.files/sheet001.htm`).
    pub location: String,
    /// The media type, lower case (`text/html`).
    pub media: String,
    /// The `charset` parameter of its `Content-Type`, if any.
    pub charset: Option<String>,
    pub body: Vec<u8>,
}

impl Part {
    /// The body as UTF-8 when the part names a charset gkml knows; as it is otherwise.
    pub fn html(&self) -> Vec<u8> {
        match self
            .charset
            .as_deref()
            .and_then(|c| Encoding::for_label(c.trim().as_bytes()))
        {
            Some(enc) => {
                let (text, _, _) = enc.decode(&self.body);
                text.into_owned().into_bytes()
            }
            None => self.body.clone(),
        }
    }
}

/// A header block's fields, unfolded (a line starting with white space continues the one
/// above), names lower-cased.
fn headers(block: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    out
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A parameter of a header value: `boundary="----=_NextPart_01DA"`, `charset=gb2312`.
fn param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// Where a header block ends: the offset of the blank line and of what follows it.
fn header_end(b: &[u8]) -> Option<(usize, usize)> {
    let crlf = memchr::memmem::find(b, b"\r\n\r\n").map(|i| (i, i + 4));
    let lf = memchr::memmem::find(b, b"\n\n").map(|i| (i, i + 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// The parts of an MHT; `None` when the bytes are not a multipart message.
pub fn parts(bytes: &[u8]) -> Option<Vec<Part>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (end, body_at) = header_end(bytes)?;
    let top = headers(&String::from_utf8_lossy(bytes.get(..end)?));
    let ctype = header(&top, "content-type")?;
    if !ctype.to_ascii_lowercase().starts_with("multipart/") {
        return None;
    }
    let boundary = param(ctype, "boundary")?;
    let delimiter = format!("--{boundary}");
    let body = bytes.get(body_at..)?;
    let mut out = Vec::new();
    let mut starts: Vec<usize> = memchr::memmem::find_iter(body, delimiter.as_bytes())
        // A boundary only counts at the start of a line.
        .filter(|&i| i == 0 || body.get(i - 1) == Some(&b'\n'))
        .collect();
    starts.push(body.len());
    for w in starts.windows(2) {
        let (from, to) = (w[0] + delimiter.len(), w[1]);
        let Some(chunk) = body.get(from..to) else {
            continue;
        };
        // The closing delimiter `--boundary--`.
        if chunk.starts_with(b"--") {
            break;
        }
        let chunk = chunk
            .strip_prefix(b"\r\n")
            .or_else(|| chunk.strip_prefix(b"\n"))
            .unwrap_or(chunk);
        // A part with headers only ends where the part does.
        let (end, at) = header_end(chunk).unwrap_or((chunk.len(), chunk.len()));
        let h = headers(&String::from_utf8_lossy(
            chunk.get(..end).unwrap_or_default(),
        ));
        let raw = chunk.get(at..).unwrap_or_default();
        // The line break before the next delimiter belongs to it.
        let raw = raw
            .strip_suffix(b"\r\n")
            .or_else(|| raw.strip_suffix(b"\n"))
            .unwrap_or(raw);
        let encoding = header(&h, "content-transfer-encoding")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let decoded = match encoding.as_str() {
            "quoted-printable" => quoted_printable(raw),
            "base64" => base64(raw),
            _ => raw.to_vec(),
        };
        let ctype = header(&h, "content-type").unwrap_or("text/plain");
        out.push(Part {
            location: header(&h, "content-location").unwrap_or("").to_string(),
            media: ctype
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase(),
            charset: param(ctype, "charset"),
            body: decoded,
        });
        if out.len() >= MAX_PARTS {
            break;
        }
    }
    Some(out)
}

/// Quoted-printable (RFC 2045): `=XX` is a byte, `=` at the end of a line joins it to the next.
fn quoted_printable(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        match (raw.get(i + 1).copied(), raw.get(i + 2).copied()) {
            (Some(b'\r'), Some(b'\n')) => i += 3,
            (Some(b'\n'), _) => i += 2,
            (Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push(hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0));
                i += 3;
            }
            // A lone `=` is kept, as readers do.
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Base64 (RFC 2045): characters outside the alphabet (line breaks) are skipped.
fn base64(raw: &[u8]) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(raw.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in raw {
        if c == b'=' {
            break;
        }
        let Some(v) = value(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// The page of an MHT: its first HTML part, as UTF-8 when the part names its charset.
pub fn main_page(parts: &[Part]) -> Option<Vec<u8>> {
    parts
        .iter()
        .find(|p| p.media == "text/html" || p.media == "application/xhtml+xml")
        .map(Part::html)
}

/// `%E4%B9%90` and `&amp;` in a link, as a file name.
fn unescape_link(s: &str) -> String {
    let s = s.replace("&amp;", "&");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |k: usize| b.get(k).and_then(|x| (*x as char).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or(s)
}

/// The sheets an Excel workbook page names, in order: (sheet name, the link to its page).
/// Empty for a page that is not a workbook of several sheets.
pub fn workbook_sheets(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let lower = page.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<x:excelworksheet>") {
        let start = from + at;
        let end = lower[start..]
            .find("</x:excelworksheet>")
            .map_or(lower.len(), |e| start + e);
        from = end;
        let block = &page[start..end];
        let lblock = &lower[start..end];
        let name = lblock.find("<x:name>").and_then(|a| {
            let a = a + "<x:name>".len();
            let b = lblock[a..].find("</x:name>")? + a;
            Some(decode_entities(block.get(a..b)?.trim()))
        });
        let href = lblock.find("<x:worksheetsource").and_then(|a| {
            let tag_end = lblock[a..].find('>')? + a;
            let tag = block.get(a..tag_end)?;
            let h = tag.to_ascii_lowercase().find("href=")? + "href=".len();
            let rest = tag.get(h..)?.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
            let v = match quote {
                Some(q) => rest.get(1..)?.split(q).next()?,
                None => rest.split([' ', '/', '>']).next()?,
            };
            Some(unescape_link(v.trim()))
        });
        if let (Some(name), Some(href)) = (name, href) {
            out.push((name, href));
        }
        if from >= lower.len() {
            break;
        }
    }
    out
}

/// The few entities Excel writes in a sheet name.
fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The columns (0-based) a sheet page of Excel's web page hides: its first table's `<col>`
/// elements (each `span` columns wide) styled `display:none`, as Excel writes a hidden column.
pub fn hidden_columns(page: &str) -> Vec<u32> {
    let lower = page.to_ascii_lowercase();
    let Some(table) = lower.find("<table") else {
        return Vec::new();
    };
    // The columns are declared before the first row.
    let end = lower[table..]
        .find("<tr")
        .map_or(lower.len(), |e| table + e);
    let mut out = Vec::new();
    let mut column = 0u32;
    let mut at = table;
    while let Some(off) = lower[at..end].find("<col") {
        let start = at + off;
        let close = lower[start..end].find('>').map_or(end, |e| start + e);
        at = close;
        let tag = &lower[start..close];
        // `<colgroup>` declares no column of its own.
        if !tag[4..].starts_with([' ', '\t', '\r', '\n', '/']) && tag.len() > 4 {
            continue;
        }
        let span = tag
            .find("span=")
            .and_then(|i| {
                let v: String = tag[i + 5..]
                    .trim_start_matches(['"', '\''])
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                v.parse::<u32>().ok()
            })
            .unwrap_or(1)
            .clamp(1, 16_384);
        let style: String = tag.chars().filter(|c| !c.is_whitespace()).collect();
        if style.contains("display:none") {
            out.extend(column..column.saturating_add(span));
        }
        column = column.saturating_add(span);
        if column >= 16_384 {
            break;
        }
    }
    out
}

/// The part an MHT holds for a link of its page: the part whose location ends with the link
/// (`乐昌镇.files/sheet001.htm` is `file:///C:/X/乐昌镇.files/sheet001.htm`).
pub fn part_for<'a>(parts: &'a [Part], href: &str) -> Option<&'a Part> {
    let href = href.trim_start_matches("./").replace('\\', "/");
    let file = href.rsplit('/').next().unwrap_or(&href).to_string();
    let loc = |p: &Part| unescape_link(&p.location).replace('\\', "/");
    parts
        .iter()
        .find(|p| loc(p).ends_with(&format!("/{href}")) || loc(p) == href)
        .or_else(|| {
            parts
                .iter()
                .find(|p| loc(p).ends_with(&format!("/{file}")) || loc(p) == file)
        })
}

/// The page a link of a page saved on disk points to (`乐昌镇.files/sheet001.htm` beside
/// `乐昌镇.htm`), if it is there; never outside the page's folder and its subfolders.
pub fn linked_file(page: &Path, href: &str) -> Option<Vec<u8>> {
    let href = href.replace('\\', "/");
    if href.contains("..") || href.starts_with('/') || href.contains(':') {
        return None;
    }
    let dir = page.parent()?;
    std::fs::read(dir.join(href.trim_start_matches("./"))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_and_base64_decode() {
        assert_eq!(
            quoted_printable(b"a=3D1 =E4=B9=90=\r\n=E6=98=8C"),
            "a=1 乐昌".as_bytes()
        );
        assert_eq!(base64(b"5LmQ\r\n5piM"), "乐昌".as_bytes());
        assert_eq!(base64(b"YWI="), b"ab");
    }

    #[test]
    fn parts_are_split_at_their_boundary_with_their_headers() {
        let mht = "MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\tboundary=\"----=_NextPart_X\"\r\n\r\nThis is a multi-part message.\r\n\r\n------=_NextPart_X\r\nContent-Location: file:///C:/a/b.htm\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\r\n<p>=E4=B9=90</p>\r\n------=_NextPart_X--\r\n";
        assert!(is_mht(mht.as_bytes()));
        let p = parts(mht.as_bytes()).unwrap_or_default();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].location, "file:///C:/a/b.htm");
        assert_eq!(p[0].media, "text/html");
        assert_eq!(p[0].charset.as_deref(), Some("utf-8"));
        assert_eq!(p[0].body, "<p>乐</p>".as_bytes());
    }

    #[test]
    fn hidden_columns_are_those_excel_styles_display_none() {
        let page = "<table x:str><colgroup><col width=72 span=3 style='width:54pt'>\
            <col width=0 style='display:none;mso-width-source:userset'>\
            <col width=0 span=2 style='display: none'><col width=64></colgroup><tr><td>x</td></tr>\
            <col style='display:none'></table>";
        assert_eq!(hidden_columns(page), [3, 4, 5]);
        assert!(hidden_columns("<p>no table</p>").is_empty());
    }

    #[test]
    fn a_workbook_page_names_its_sheets_and_their_pages() {
        let page = "<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets>\
            <x:ExcelWorksheet><x:Name>社会救助</x:Name><x:WorksheetSource HRef=\"乐昌镇.files/sheet001.htm\"/></x:ExcelWorksheet>\
            <x:ExcelWorksheet><x:Name>R&amp;D</x:Name><x:WorksheetSource HRef=\"%E4%B9%90.files/sheet002.htm\"/></x:ExcelWorksheet>\
            </x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]-->";
        assert_eq!(
            workbook_sheets(page),
            [
                (
                    "社会救助".to_string(),
                    "乐昌镇.files/sheet001.htm".to_string()
                ),
                ("R&D".to_string(), "乐.files/sheet002.htm".to_string())
            ]
        );
    }
}
