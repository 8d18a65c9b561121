//! A styled draft as a grid (sheets of cells with merges), and its writers: CSV in four
//! encodings, XLSX, an HTML page and a minimal DOCX, each as a clerk's tool would save it.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A merged region: first row, first column, last row, last column (0-based, inclusive).
pub type Merge = (usize, usize, usize, usize);

#[derive(Default, Clone)]
pub struct Sheet {
    pub name: String,
    /// In a document: the heading paragraph above the table (a domain's name), or that the
    /// table continues the one before it after a page break.
    pub heading: Option<String>,
    pub continued: bool,
    pub rows: Vec<Vec<String>>,
    pub merges: Vec<Merge>,
    pub hidden: bool,
}

/// What is written: the catalogue sheet first, other sheets (workbooks only) after; a title
/// paragraph above the table and notes paragraphs below it (documents only).
#[derive(Default)]
pub struct Draft {
    pub sheets: Vec<Sheet>,
    pub title_para: Option<String>,
    pub notes_para: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    CsvUtf8,
    CsvBom,
    CsvGbk,
    CsvUtf16,
    Xlsx,
    Html,
    /// A portal's "download as Excel": an HTML page in GB2312 named .xls.
    HtmlXls,
    /// Excel's "save as web page": mso markup, x:str cells.
    HtmlExcel,
    Docx,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::CsvUtf8,
        Format::CsvBom,
        Format::CsvGbk,
        Format::CsvUtf16,
        Format::Xlsx,
        Format::Html,
        Format::HtmlXls,
        Format::HtmlExcel,
        Format::Docx,
    ];
    pub fn is_csv(self) -> bool {
        matches!(
            self,
            Format::CsvUtf8 | Format::CsvBom | Format::CsvGbk | Format::CsvUtf16
        )
    }
    pub fn is_document(self) -> bool {
        matches!(
            self,
            Format::Html | Format::HtmlXls | Format::HtmlExcel | Format::Docx
        )
    }
}

/// Write the draft; returns the file's path.
pub fn write(draft: &Draft, format: Format, dir: &Path) -> PathBuf {
    let main = &draft.sheets[0];
    match format {
        Format::Xlsx => {
            let path = dir.join("草稿.xlsx");
            xlsx(draft, &path);
            path
        }
        Format::Html => {
            let path = dir.join("草稿.html");
            std::fs::write(&path, html(draft, Markup::Plain)).expect("write html");
            path
        }
        Format::HtmlExcel => {
            let path = dir.join("草稿.htm");
            std::fs::write(&path, html(draft, Markup::Excel)).expect("write html");
            path
        }
        Format::HtmlXls => {
            let path = dir.join("草稿.xls");
            let text = html(draft, Markup::Gb2312);
            let (b, _, bad) = encoding_rs::GBK.encode(&text);
            let bytes = if bad {
                html(draft, Markup::Plain).into_bytes()
            } else {
                b.into_owned()
            };
            std::fs::write(&path, bytes).expect("write xls");
            path
        }
        Format::Docx => {
            let path = dir.join("草稿.docx");
            docx(draft, &path);
            path
        }
        _ => {
            let path = dir.join("草稿.csv");
            let text = csv(main);
            let bytes: Vec<u8> = match format {
                Format::CsvUtf8 => text.into_bytes(),
                Format::CsvGbk => {
                    let (b, _, bad) = encoding_rs::GBK.encode(&text);
                    if bad {
                        // A mark GBK has no code for (✓): the clerk's tool saves UTF-8.
                        format!("\u{feff}{text}").into_bytes()
                    } else {
                        b.into_owned()
                    }
                }
                Format::CsvUtf16 => {
                    let mut b = vec![0xFF, 0xFE];
                    for u in text.encode_utf16() {
                        b.extend_from_slice(&u.to_le_bytes());
                    }
                    b
                }
                _ => format!("\u{feff}{text}").into_bytes(),
            };
            std::fs::write(&path, bytes).expect("write csv");
            path
        }
    }
}

/// Whether a cell is covered by a merge and is not its top-left cell.
fn covered(merges: &[Merge], r: usize, c: usize) -> bool {
    merges.iter().any(|&(r0, c0, r1, c1)| {
        (r0..=r1).contains(&r) && (c0..=c1).contains(&c) && (r, c) != (r0, c0)
    })
}

fn csv(sheet: &Sheet) -> String {
    let mut out = String::new();
    for (r, row) in sheet.rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, v)| {
                // Excel writes a merged region's text in its first cell only.
                let v = if covered(&sheet.merges, r, c) {
                    ""
                } else {
                    v.as_str()
                };
                if v.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v.to_string()
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn xlsx(draft: &Draft, path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let plain = rust_xlsxwriter::Format::new();
    for sheet in &draft.sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).expect("sheet name");
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() && !covered(&sheet.merges, r, c) {
                    ws.write_string(r as u32, c as u16, v).expect("cell");
                }
            }
        }
        for &(r0, c0, r1, c1) in &sheet.merges {
            let text = sheet
                .rows
                .get(r0)
                .and_then(|r| r.get(c0))
                .cloned()
                .unwrap_or_default();
            ws.merge_range(r0 as u32, c0 as u16, r1 as u32, c1 as u16, &text, &plain)
                .expect("merge");
        }
        if sheet.hidden {
            ws.set_hidden(true);
        }
    }
    wb.save(path).expect("save xlsx");
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>")
        .replace('\u{a0}', "&nbsp;")
}

/// The HTML a tool writes: a plain page, a GB2312 portal page, or Excel's web page.
#[derive(Clone, Copy, PartialEq)]
enum Markup {
    Plain,
    Gb2312,
    Excel,
}

fn html(draft: &Draft, markup: Markup) -> String {
    let mut out = match markup {
        Markup::Plain => String::from(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>目录</title></head><body>\n<div class=\"nav\"><a href=\"/\">首页</a> &gt; 政务公开</div>\n",
        ),
        Markup::Gb2312 => String::from(
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>目录</title></head><body>\n",
        ),
        Markup::Excel => String::from(
            "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\" xmlns=\"http://www.w3.org/TR/REC-html40\">\n<head><meta http-equiv=Content-Type content=\"text/html; charset=utf-8\"><meta name=ProgId content=Excel.Sheet><style>\n<!--table {mso-displayed-decimal-separator:\"\\.\";}\n.xl65 {mso-style-parent:style0; white-space:normal;}\n-->\n</style></head><body link=blue vlink=purple>\n",
        ),
    };
    if let Some(t) = &draft.title_para {
        out.push_str(&format!("<h1>{}</h1>\n", escape(t)));
    }
    for sheet in &draft.sheets {
        html_table(sheet, markup, &mut out);
    }
    for n in &draft.notes_para {
        out.push_str(&format!("<p>{}</p>\n", escape(n)));
    }
    out.push_str("<div class=\"footer\">主办单位：县人民政府办公室</div></body></html>\n");
    out
}

fn html_table(sheet: &Sheet, markup: Markup, out: &mut String) {
    if let Some(h) = &sheet.heading {
        out.push_str(&format!("<h2>{}</h2>\n", escape(h)));
    }
    let td = if markup == Markup::Excel {
        "td class=xl65 x:str"
    } else {
        "td"
    };
    out.push_str("<table border=\"1\">\n");
    for (r, row) in sheet.rows.iter().enumerate() {
        out.push_str("<tr>");
        for (c, v) in row.iter().enumerate() {
            if covered(&sheet.merges, r, c) {
                continue;
            }
            let span = sheet
                .merges
                .iter()
                .find(|&&(r0, c0, _, _)| (r0, c0) == (r, c))
                .map(|&(r0, c0, r1, c1)| {
                    let mut a = String::new();
                    if r1 > r0 {
                        a.push_str(&format!(" rowspan=\"{}\"", r1 - r0 + 1));
                    }
                    if c1 > c0 {
                        a.push_str(&format!(" colspan=\"{}\"", c1 - c0 + 1));
                    }
                    a
                })
                .unwrap_or_default();
            out.push_str(&format!("<{td}{span}>{}</td>", escape(v)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn para(text: &str) -> String {
    let runs: Vec<String> = text
        .split('\n')
        .map(|l| format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", xml(l)))
        .collect();
    format!("<w:p>{}</w:p>", runs.join("<w:r><w:br/></w:r>"))
}

fn docx(draft: &Draft, path: &Path) {
    let mut body = String::new();
    if let Some(t) = &draft.title_para {
        body.push_str(&para(t));
    }
    for sheet in &draft.sheets {
        if let Some(h) = &sheet.heading {
            body.push_str(&para(h));
        }
        if sheet.continued {
            body.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
        }
        docx_table(sheet, &mut body);
    }
    for n in &draft.notes_para {
        body.push_str(&para(n));
    }
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let f = std::fs::File::create(path).expect("docx");
    let mut z = zip::ZipWriter::new(f);
    let opt = zip::write::SimpleFileOptions::default();
    z.start_file("[Content_Types].xml", opt).expect("zip");
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).expect("zip");
    z.start_file("_rels/.rels", opt).expect("zip");
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#).expect("zip");
    z.start_file("word/document.xml", opt).expect("zip");
    z.write_all(doc.as_bytes()).expect("zip");
    z.finish().expect("zip");
}

fn docx_table(sheet: &Sheet, body: &mut String) {
    let width = sheet.rows.iter().map(Vec::len).max().unwrap_or(0);
    body.push_str("<w:tbl><w:tblGrid>");
    for _ in 0..width {
        body.push_str("<w:gridCol w:w=\"1000\"/>");
    }
    body.push_str("</w:tblGrid>");
    for (r, row) in sheet.rows.iter().enumerate() {
        body.push_str("<w:tr>");
        let mut c = 0;
        while c < width {
            let v = row.get(c).map(String::as_str).unwrap_or("");
            // The merge this cell belongs to, if any.
            let m = sheet
                .merges
                .iter()
                .find(|&&(r0, c0, r1, c1)| (r0..=r1).contains(&r) && (c0..=c1).contains(&c));
            let (span, vmerge, text) = match m {
                Some(&(r0, c0, _, c1)) if c == c0 => {
                    let vm = if sheet
                        .merges
                        .iter()
                        .any(|&(a, b, x, _)| (a, b) == (r0, c0) && x > a)
                    {
                        if r == r0 {
                            "<w:vMerge w:val=\"restart\"/>"
                        } else {
                            "<w:vMerge/>"
                        }
                    } else {
                        ""
                    };
                    (c1 - c0 + 1, vm, if r == r0 { v } else { "" })
                }
                _ => (1, "", v),
            };
            let grid = if span > 1 {
                format!("<w:gridSpan w:val=\"{span}\"/>")
            } else {
                String::new()
            };
            body.push_str(&format!(
                "<w:tc><w:tcPr>{grid}{vmerge}</w:tcPr>{}</w:tc>",
                para(text)
            ));
            c += span;
        }
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
}
