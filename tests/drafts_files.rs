//! Draft files as clerks really save them, which the reader once misread or refused: a "CSV"
//! separated by semicolons or tabs, UTF-16 without a BOM, a UTF-8 file with one pasted GBK
//! row, hidden columns that hold data, boolean cells, `&nbsp;` beside Chinese punctuation,
//! single-file web pages (MHT), Excel's multi-sheet "save as web page" and Excel 2003 XML.
//! Each test writes (or names) a realistic file and reads it through the one pipeline.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use gkml::model::{Audience, Catalogue, Mode, Place};

const BASIS: &str = "《中华人民共和国政府信息公开条例》（国务院令第711号）";

const HEADER: [&str; 12] = [
    "序号",
    "一级事项",
    "二级事项",
    "公开内容（要素）",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "全社会",
    "特定群众",
    "主动",
    "依申请公开",
];

/// An item row's twelve cells.
fn row(seq: &str, group: &str, name: &str) -> [String; 12] {
    [
        seq.into(),
        group.into(),
        name.into(),
        format!("{name}的对象、标准和结果"),
        BASIS.into(),
        "信息形成或者变更之日起20个工作日内".into(),
        "乐昌镇人民政府".into(),
        "政府网站、公开栏".into(),
        "√".into(),
        String::new(),
        "√".into(),
        String::new(),
    ]
}

/// A draft as lines of cells: a title, the header, two items.
fn draft() -> Vec<Vec<String>> {
    let mut title = vec![String::new(); 12];
    title[0] = "乐昌镇社会救助领域基层政务公开标准目录".into();
    vec![
        title,
        HEADER.iter().map(|s| s.to_string()).collect(),
        row("1", "最低生活保障", "低保对象认定").to_vec(),
        row("2", "特困人员救助供养", "特困人员认定").to_vec(),
    ]
}

fn names(cats: &[Catalogue]) -> Vec<String> {
    items(cats).iter().map(|(_, i)| i.name.clone()).collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

/// The (sheet, row) an item was read from.
fn name_place(cats: &[Catalogue], name: &str) -> (Option<String>, u32) {
    let (_, item) = items(cats)
        .into_iter()
        .find(|(_, i)| i.name == name)
        .unwrap_or_else(|| panic!("no item {name}"));
    match item.loc.as_ref().map(|l| &l.place) {
        Some(Place::Cell { sheet, row, .. }) => (sheet.as_deref().map(str::to_string), *row),
        other => panic!("{name} has no cell: {other:?}"),
    }
}

// 1. The delimiter of a `.csv`.

/// Excel in a European locale saves "CSV" with semicolons; a clerk's copy-paste saves tabs.
/// Both `.csv` files read as the comma one does, even when cells hold quoted commas,
/// semicolons and line breaks, and a `.tsv` stays tab-separated.
#[test]
fn a_csv_separated_by_semicolons_or_tabs_reads_as_the_comma_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut lines = draft();
    // Quoted cells that hold the other delimiters, and a line break.
    lines[2][3] = "申请条件,办理流程;结果\n（分两行）".into();
    let join = |d: char| -> String {
        lines
            .iter()
            .map(|l| {
                l.iter()
                    .map(|c| {
                        if c.contains([',', ';', '\t', '\n', '"']) {
                            format!("\"{}\"", c.replace('"', "\"\""))
                        } else {
                            c.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(&d.to_string())
            })
            .collect::<Vec<_>>()
            .join("\r\n")
    };
    let comma = write(dir.path(), "逗号.csv", join(',').as_bytes());
    let (want, diags) = read_checked(&comma);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(names(&want), ["低保对象认定", "特困人员认定"]);
    let semi = join(';');
    let (gbk, _, _) = encoding_rs::GBK.encode(&semi);
    for p in [
        write(dir.path(), "分号.csv", join(';').as_bytes()),
        write(dir.path(), "分号_gbk.csv", &gbk),
        write(dir.path(), "制表符.csv", join('\t').as_bytes()),
        write(dir.path(), "制表符.tsv", join('\t').as_bytes()),
    ] {
        let (cats, diags) = read_checked(&p);
        assert!(diags.is_empty(), "{}: {:?}", p.display(), codes(&diags));
        assert_eq!(names(&cats), names(&want), "{}", p.display());
        let got = &items(&cats)[0].1;
        assert_eq!(got.content, items(&want)[0].1.content, "{}", p.display());
        assert_eq!(got.subject, "乐昌镇人民政府");
        assert_eq!(
            name_place(&cats, "特困人员认定"),
            name_place(&want, "特困人员认定"),
            "{}",
            p.display()
        );
    }
}

/// Cells full of commas (a 公开依据 listing documents with ASCII commas, quoted) do not
/// outvote the semicolons that separate the cells; and a header of commas is not read as
/// semicolons because a few cells hold one.
#[test]
fn the_delimiter_is_decided_outside_quoted_cells() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut lines = draft();
    for l in lines.iter_mut().skip(2) {
        l[4] = format!("\"{BASIS},《社会救助暂行办法》,《民政部文件》,《省办法》,《市细则》\"");
    }
    let semi: Vec<String> = lines.iter().map(|l| l.join(";")).collect();
    let p = write(dir.path(), "分号引号.csv", semi.join("\n").as_bytes());
    let (cats, diags) = read_checked(&p);
    assert!(
        diags.iter().all(|d| !d.code.starts_with("GK0")),
        "{:?}",
        codes(&diags)
    );
    assert!(items(&cats)[0].1.basis.contains("《社会救助暂行办法》"));
    assert_eq!(names(&cats), ["低保对象认定", "特困人员认定"]);

    let mut lines = draft();
    lines[2][6] = "乐昌镇人民政府;民政办".into();
    let comma: Vec<String> = lines.iter().map(|l| l.join(",")).collect();
    let p = write(dir.path(), "逗号分号.csv", comma.join("\n").as_bytes());
    let (cats, _) = read_checked(&p);
    assert_eq!(items(&cats)[0].1.subject, "乐昌镇人民政府;民政办");
}

/// `--fix` on a semicolon "CSV" rewrites the records it fixes with semicolons, quoting a
/// cell that holds one, and the fixed file reads with the same items.
#[test]
fn fixing_a_semicolon_csv_keeps_its_semicolons() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut lines = draft();
    lines[2][4] =
        "《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发[2019]54号）"
            .into();
    lines[3][6] = "\"乐昌镇人民政府;民政办\"".into();
    let text: String = lines.iter().map(|l| l.join(";") + "\r\n").collect();
    let p = write(dir.path(), "分号.csv", text.as_bytes());
    let o = gkml(&["validate", "--fix", p.to_str().expect("utf8")]);
    assert!(
        stderr(&o).contains("已修正") || p.with_extension("csv.bak").exists(),
        "{}",
        stderr(&o)
    );
    let fixed = std::fs::read_to_string(&p).expect("read");
    assert!(fixed.contains("（国办发〔2019〕54号）;"), "{fixed}");
    assert!(fixed.contains("\"乐昌镇人民政府;民政办\""), "{fixed}");
    assert!(!fixed.lines().nth(2).unwrap_or("").contains(','), "{fixed}");
    let (cats, _) = read_checked(&p);
    assert_eq!(names(&cats), ["低保对象认定", "特困人员认定"]);
    assert_eq!(items(&cats)[1].1.subject, "乐昌镇人民政府;民政办");
}

// 3. Hidden columns, and 4. boolean marks.

/// 隐藏行列.xlsx/.ods/.xls (LibreOffice's conversions of 隐藏行列.fods, made by make.py): column
/// E (公开依据) is hidden and full, column M hidden and empty, row 5 hidden. Every file reads
/// all three items with their 公开依据 (nothing hidden is lost), warns once that column E
/// is hidden but holds text (GK021, at E2, naming the sheet), not about the empty M, and
/// reports the hidden row (GK018). The mark columns are boolean cells: TRUE is set, FALSE
/// unset.
#[test]
fn hidden_columns_with_content_are_read_and_reported_in_xlsx_ods_and_xls() {
    for ext in ["xlsx", "ods", "xls"] {
        let p = fixture(&format!("drafts_files/隐藏行列.{ext}"));
        let (cats, diags) = read_checked(&p);
        assert_eq!(
            names(&cats),
            ["低保对象认定", "特困人员认定", "临时救助对象认定"],
            "{ext}"
        );
        for (_, i) in items(&cats) {
            assert_eq!(i.basis, BASIS, "{ext}: the hidden 公开依据 is read");
        }
        let hidden: Vec<_> = diags.iter().filter(|d| d.code == "GK021").collect();
        assert_eq!(hidden.len(), 1, "{ext}: {:?}", codes(&diags));
        let d = hidden[0];
        assert_eq!(d.severity, gkml::diag::Severity::Warning);
        assert_eq!(d.sheet.as_deref(), Some("社会救助"), "{ext}");
        assert_eq!(d.cell.as_deref(), Some("E2"), "{ext}");
        assert!(
            d.message.contains("第 E 列被隐藏但有内容"),
            "{ext}: {}",
            d.message
        );
        assert!(
            !d.message.contains('M'),
            "{ext}: the empty hidden column M is not named"
        );
        assert!(
            diags.iter().any(|d| d.code == "GK018"),
            "{ext}: {:?}",
            codes(&diags)
        );
        let others: Vec<String> = codes(&diags)
            .into_iter()
            .filter(|c| c.starts_with("GK0") && !c.starts_with("GK021") && !c.starts_with("GK018"))
            .collect();
        assert!(others.is_empty(), "{ext}: {others:?}");
        let got: Vec<(Vec<Audience>, Vec<Mode>)> = items(&cats)
            .iter()
            .map(|(_, i)| (i.audience.clone(), i.mode.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (vec![Audience::Public], vec![Mode::Active]),
                (vec![Audience::Specific(None)], vec![Mode::Active]),
                (vec![Audience::Public], vec![Mode::OnRequest]),
            ],
            "{ext}: TRUE/FALSE cells are set/unset marks"
        );
    }
}

/// A workbook written as Excel writes one (rust_xlsxwriter): hidden columns D and F hold
/// text and are named together; a hidden column beyond the table is not. The marks are
/// boolean cells and the typed texts TRUE/FALSE/是/否.
#[test]
fn an_excel_workbook_with_hidden_columns_names_them_all_once() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().expect("tmp");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("目录").expect("name");
    for (r, line) in draft().iter().enumerate() {
        for (c, v) in line.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match (r, c, v.as_str()) {
                (2, 8, _) => ws.write_boolean(r, c, true).map(|_| ()),
                (2, 9, _) => ws.write_boolean(r, c, false).map(|_| ()),
                (3, 8, _) => ws.write_string(r, c, "FALSE").map(|_| ()),
                (3, 9, _) => ws.write_string(r, c, "是").map(|_| ()),
                (3, 10, _) => ws.write_string(r, c, "TRUE").map(|_| ()),
                (3, 11, _) => ws.write_string(r, c, "否").map(|_| ()),
                (_, _, "") => Ok(()),
                _ => ws.write_string(r, c, v).map(|_| ()),
            }
            .expect("write");
        }
    }
    for c in [3u16, 5, 20] {
        ws.set_column_hidden(c).expect("hide");
    }
    let p = dir.path().join("隐藏列.xlsx");
    wb.save(&p).expect("save");
    let (cats, diags) = read_checked(&p);
    assert_eq!(names(&cats), ["低保对象认定", "特困人员认定"]);
    assert_eq!(
        items(&cats)[0].1.deadline,
        "信息形成或者变更之日起20个工作日内"
    );
    assert_eq!(codes(&diags), ["GK021@D2"]);
    assert!(
        diags[0].message.contains("第 D、F 列"),
        "{}",
        diags[0].message
    );
    let got: Vec<(Vec<Audience>, Vec<Mode>)> = items(&cats)
        .iter()
        .map(|(_, i)| (i.audience.clone(), i.mode.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (vec![Audience::Public], vec![Mode::Active]),
            (vec![Audience::Specific(None)], vec![Mode::Active]),
        ]
    );
}

// 6. Single-file web pages (MHT), and 7. Excel's web page of a workbook.

/// A table of cells as Excel or Word writes it in a web page.
fn html_table(lines: &[Vec<String>]) -> String {
    let mut t = String::from("<table border=0 cellpadding=0 cellspacing=0 width=1200 style='border-collapse:collapse'>\r\n");
    for l in lines {
        t.push_str(" <tr height=19 style='height:14.25pt'>\r\n");
        for c in l {
            let c = c.replace('&', "&amp;").replace('<', "&lt;");
            t.push_str(&format!("  <td class=xl65 x:str>{c}</td>\r\n"));
        }
        t.push_str(" </tr>\r\n");
    }
    t.push_str("</table>\r\n");
    t
}

/// Quoted-printable as Word writes it: `=XX` for bytes above 127 and `=`, lines cut at 76
/// with a soft break.
fn qp(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut line = 0;
    for &b in bytes {
        let piece = match b {
            b'\r' => continue,
            b'\n' => {
                out.push_str("\r\n");
                line = 0;
                continue;
            }
            b'=' => "=3D".to_string(),
            32..=126 => (b as char).to_string(),
            _ => format!("={b:02X}"),
        };
        if line + piece.len() > 75 {
            out.push_str("=\r\n");
            line = 0;
        }
        line += piece.len();
        out.push_str(&piece);
    }
    out
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (k, c) in bytes.chunks(3).enumerate() {
        if k > 0 && k % 19 == 0 {
            out.push_str("\r\n");
        }
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

const BOUNDARY: &str = "----=_NextPart_01DA2B3C.4D5E6F70";

fn mime(parts: &[(String, &str, String)]) -> Vec<u8> {
    let mut m = format!("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"{BOUNDARY}\"\r\n\r\n此文档为“单个文件网页”，也称为“Web 档案”文件。\r\n\r\n");
    for (headers, encoding, body) in parts {
        m.push_str(&format!(
            "--{BOUNDARY}\r\n{headers}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{body}\r\n\r\n"
        ));
    }
    m.push_str(&format!("--{BOUNDARY}--\r\n"));
    m.into_bytes()
}

/// Word's "单个文件网页" of a draft: a GBK page in quoted-printable, with an image and a
/// file list beside it. Saved as .mht, and the same bytes renamed .doc (as a clerk "saves as
/// Word" from a portal): both read the two items, from 表1.
#[test]
fn a_word_single_file_web_page_reads_as_mht_and_as_doc() {
    let dir = tempfile::tempdir().expect("tmp");
    let page = format!(
        "<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:w=\"urn:schemas-microsoft-com:office:word\">\r\n<head>\r\n<meta http-equiv=Content-Type content=\"text/html; charset=gb2312\">\r\n<meta name=ProgId content=Word.Document>\r\n<title>乐昌镇社会救助领域基层政务公开标准目录</title>\r\n</head>\r\n<body lang=ZH-CN style='tab-interval:21.0pt'>\r\n<div class=WordSection1>\r\n<p class=MsoNormal align=center>乐昌镇社会救助领域基层政务公开标准目录</p>\r\n{}</div>\r\n</body>\r\n</html>\r\n",
        html_table(&draft()[1..])
    );
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&page);
    assert!(!unmappable);
    let bytes = mime(&[
        (
            "Content-Location: file:///C:/D2F1A3B4/乐昌镇目录.htm\r\nContent-Type: text/html; charset=\"gb2312\"".into(),
            "quoted-printable",
            qp(&gbk),
        ),
        (
            "Content-Location: file:///C:/D2F1A3B4/乐昌镇目录.files/image001.png\r\nContent-Type: image/png".into(),
            "base64",
            b64(b"\x89PNG\r\n\x1a\n not really a picture"),
        ),
        (
            "Content-Location: file:///C:/D2F1A3B4/乐昌镇目录.files/filelist.xml\r\nContent-Type: text/xml; charset=\"utf-8\"".into(),
            "quoted-printable",
            qp("<xml xmlns:o=\"urn:schemas-microsoft-com:office:office\"><o:MainFile HRef=\"../乐昌镇目录.htm\"/></xml>".as_bytes()),
        ),
    ]);
    for name in ["乐昌镇目录.mht", "乐昌镇目录.mhtml", "乐昌镇目录.doc"] {
        let p = write(dir.path(), name, &bytes);
        let (cats, diags) = read_checked(&p);
        assert!(diags.is_empty(), "{name}: {:?}", codes(&diags));
        assert_eq!(names(&cats), ["低保对象认定", "特困人员认定"], "{name}");
        assert_eq!(items(&cats)[0].1.basis, BASIS, "{name}");
        assert_eq!(
            name_place(&cats, "特困人员认定"),
            (Some("表1".to_string()), 3),
            "{name}"
        );
    }
}

/// Excel's page of a workbook of two sheets: the frameset page names the sheets in its XML
/// island and each sheet is a page of its own.
fn excel_workbook_page(stem: &str) -> (String, Vec<(String, String)>) {
    let main = format!(
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\r\n<head>\r\n<meta http-equiv=Content-Type content=\"text/html; charset=utf-8\">\r\n<meta name=ProgId content=Excel.Sheet>\r\n<link id=\"shLink\" href=\"{stem}.files/sheet001.htm\">\r\n<!--[if gte mso 9]><xml>\r\n <x:ExcelWorkbook>\r\n  <x:ExcelWorksheets>\r\n   <x:ExcelWorksheet>\r\n    <x:Name>社会救助</x:Name>\r\n    <x:WorksheetSource HRef=\"{stem}.files/sheet001.htm\"/>\r\n   </x:ExcelWorksheet>\r\n   <x:ExcelWorksheet>\r\n    <x:Name>养老服务</x:Name>\r\n    <x:WorksheetSource HRef=\"{stem}.files/sheet002.htm\"/>\r\n   </x:ExcelWorksheet>\r\n  </x:ExcelWorksheets>\r\n  <x:ActiveSheet>0</x:ActiveSheet>\r\n </x:ExcelWorkbook>\r\n</xml><![endif]-->\r\n</head>\r\n<frameset rows=\"*,39\" border=0 width=0 frameborder=no framespacing=0>\r\n <frame src=\"{stem}.files/sheet001.htm\" name=\"frSheet\">\r\n <frame src=\"{stem}.files/tabstrip.htm\" name=\"frTabs\" marginwidth=0 marginheight=0>\r\n</frameset>\r\n</html>\r\n"
    );
    let sheet = |lines: &[Vec<String>]| {
        format!(
            "<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\r\n<head>\r\n<meta http-equiv=Content-Type content=\"text/html; charset=utf-8\">\r\n<link id=Main-File rel=Main-File href=\"../{stem}.htm\">\r\n</head>\r\n<body link=blue vlink=purple>\r\n{}</body>\r\n</html>\r\n",
            html_table(lines)
        )
    };
    let first = draft();
    let mut second = draft();
    second[0][0] = "乐昌镇养老服务领域基层政务公开标准目录".into();
    second[2] = row("1", "高龄津贴", "高龄津贴发放").to_vec();
    second.truncate(3);
    let pages = vec![
        ("sheet001.htm".to_string(), sheet(&first)),
        ("sheet002.htm".to_string(), sheet(&second)),
        (
            "tabstrip.htm".to_string(),
            "<html><body><table><tr><td><a href=\"sheet001.htm\" target=\"frSheet\">社会救助</a></td><td><a href=\"sheet002.htm\" target=\"frSheet\">养老服务</a></td></tr></table></body></html>".to_string(),
        ),
    ];
    (main, pages)
}

fn check_workbook_page(cats: &[Catalogue], what: &str) {
    let got: Vec<(String, String)> = items(cats)
        .into_iter()
        .map(|(s, i)| (s, i.name.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("社会救助".to_string(), "低保对象认定".to_string()),
            ("社会救助".to_string(), "特困人员认定".to_string()),
            ("养老服务".to_string(), "高龄津贴发放".to_string()),
        ],
        "{what}"
    );
    assert_eq!(
        name_place(cats, "特困人员认定"),
        (Some("社会救助".to_string()), 4),
        "{what}"
    );
    assert_eq!(
        name_place(cats, "高龄津贴发放"),
        (Some("养老服务".to_string()), 3),
        "{what}"
    );
}

/// Excel's "单个文件网页" of a workbook of two sheets, its parts in base64, saved as .mht and
/// as .xls: every sheet is read, each item placed on its own sheet (row 3 of 养老服务).
#[test]
fn an_excel_single_file_web_page_reads_every_sheet_under_its_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let (main, pages) = excel_workbook_page("乐昌镇");
    let mut parts = vec![(
        "Content-Location: file:///C:/8A1B2C3D/乐昌镇.htm\r\nContent-Type: text/html; charset=\"utf-8\"".to_string(),
        "quoted-printable",
        qp(main.as_bytes()),
    )];
    for (name, page) in &pages {
        parts.push((
            format!("Content-Location: file:///C:/8A1B2C3D/乐昌镇.files/{name}\r\nContent-Type: text/html; charset=\"utf-8\""),
            "base64",
            b64(page.as_bytes()),
        ));
    }
    let bytes = mime(&parts);
    for name in ["乐昌镇.mht", "乐昌镇.xls"] {
        let p = write(dir.path(), name, &bytes);
        let (cats, diags) = read_checked(&p);
        assert!(diags.is_empty(), "{name}: {:?}", codes(&diags));
        check_workbook_page(&cats, name);
    }
}

/// Excel's "网页" of a workbook on disk: 乐昌镇.htm (the frameset) and the folder
/// 乐昌镇.files/ with a page per sheet. Naming the page reads every sheet under its name;
/// validating the folder reads the workbook once (the sheet pages are not read again as
/// pages of their own); a missing sheet page is reported, the other sheet still read.
#[test]
fn an_excel_web_page_with_its_files_folder_reads_every_sheet_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let (main, pages) = excel_workbook_page("乐昌镇");
    let p = write(dir.path(), "乐昌镇.htm", main.as_bytes());
    std::fs::create_dir(dir.path().join("乐昌镇.files")).expect("mkdir");
    for (name, page) in &pages {
        write(&dir.path().join("乐昌镇.files"), name, page.as_bytes());
    }
    let (cats, diags) = read_checked(&p);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    check_workbook_page(&cats, "乐昌镇.htm");

    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        dir.path().to_str().expect("utf8"),
    ]));
    assert_eq!(v["summary"]["files"], 1, "{v}");
    assert_eq!(v["summary"]["items"], 3, "{v}");

    // A third sheet, hidden (its page's options say so): reported, not read.
    let hidden_main = main.replace(
        "  </x:ExcelWorksheets>",
        "   <x:ExcelWorksheet>\r\n    <x:Name>下拉列表</x:Name>\r\n    <x:WorksheetSource HRef=\"乐昌镇.files/sheet003.htm\"/>\r\n   </x:ExcelWorksheet>\r\n  </x:ExcelWorksheets>",
    );
    let hidden = write(
        dir.path(),
        "乐昌镇_隐藏.htm",
        hidden_main
            .replace("乐昌镇.files", "乐昌镇_隐藏.files")
            .as_bytes(),
    );
    std::fs::create_dir(dir.path().join("乐昌镇_隐藏.files")).expect("mkdir");
    for (name, page) in &pages {
        write(&dir.path().join("乐昌镇_隐藏.files"), name, page.as_bytes());
    }
    write(
        &dir.path().join("乐昌镇_隐藏.files"),
        "sheet003.htm",
        format!(
            "<html><head><!--[if gte mso 9]><xml><x:WorksheetOptions><x:Visible>SheetHidden</x:Visible></x:WorksheetOptions></xml><![endif]--></head><body>{}</body></html>",
            html_table(&draft())
        )
        .as_bytes(),
    );
    let (cats, diags) = read_checked(&hidden);
    check_workbook_page(&cats, "乐昌镇_隐藏.htm");
    assert_eq!(codes(&diags), ["GK012@"]);
    assert_eq!(diags[0].sheet.as_deref(), Some("下拉列表"));

    std::fs::remove_file(dir.path().join("乐昌镇.files/sheet002.htm")).expect("rm");
    let (cats, diags) = read_checked(&p);
    assert_eq!(names(&cats), ["低保对象认定", "特困人员认定"]);
    let missing: Vec<_> = diags.iter().filter(|d| d.code == "GK001").collect();
    assert_eq!(missing.len(), 1, "{:?}", codes(&diags));
    assert_eq!(missing[0].sheet.as_deref(), Some("养老服务"));
    assert!(
        missing[0].message.contains("sheet002.htm"),
        "{}",
        missing[0].message
    );
}

// 8. Excel 2003 XML Spreadsheet.

/// 隐藏行列.xml (LibreOffice's "MS Excel 2003 XML" of 隐藏行列.fods): read as the .xlsx is,
/// hidden column E and hidden row 5 reported, boolean marks read.
#[test]
fn an_excel_2003_xml_workbook_from_libreoffice_reads_like_the_xlsx() {
    let (cats, diags) = read_checked(&fixture("drafts_files/隐藏行列.xml"));
    let (want, _) = read_checked(&fixture("drafts_files/隐藏行列.xlsx"));
    assert_eq!(names(&cats), names(&want));
    let got: Vec<_> = items(&cats)
        .iter()
        .map(|(_, i)| (i.basis.clone(), i.audience.clone(), i.mode.clone()))
        .collect();
    let expected: Vec<_> = items(&want)
        .iter()
        .map(|(_, i)| (i.basis.clone(), i.audience.clone(), i.mode.clone()))
        .collect();
    assert_eq!(got, expected);
    let reading: Vec<String> = codes(&diags)
        .into_iter()
        .filter(|c| c.starts_with("GK0"))
        .collect();
    assert_eq!(reading, ["GK018@A5", "GK021@E2"]);
    assert_eq!(diags[0].sheet.as_deref(), Some("社会救助"));
}

/// Excel 2003's own XML, as Excel writes it: empty cells skipped with `ss:Index`, the title
/// merged across (`ss:MergeAcross`), a 一级事项 merged down over two rows (`ss:MergeDown`), a
/// cell with a comment and rich text, a line break (`&#10;`), a hidden column holding the
/// 公开时限 and a hidden sheet. Saved as .xml and under an .xls name, both read the same.
#[test]
fn an_excel_2003_xml_workbook_reads_skips_merges_and_hidden_columns() {
    let dir = tempfile::tempdir().expect("tmp");
    let cell = |v: &str| format!("<Cell><Data ss:Type=\"String\">{v}</Data></Cell>");
    let item = |seq: u32, group: Option<&str>, name: &str, skip_group: bool| {
        let mut c = format!("<Cell><Data ss:Type=\"Number\">{seq}</Data></Cell>");
        if let Some(g) = group {
            c.push_str(&format!(
                "<Cell ss:MergeDown=\"1\"><Data ss:Type=\"String\">{g}</Data></Cell>"
            ));
        }
        let at = if skip_group { " ss:Index=\"3\"" } else { "" };
        c.push_str(&format!(
            "<Cell{at}><Data ss:Type=\"String\">{name}</Data></Cell>"
        ));
        c.push_str(&cell(&format!("{name}的对象、&#10;标准和结果")));
        c.push_str(&format!("<Cell><ss:Data ss:Type=\"String\" xmlns=\"http://www.w3.org/TR/REC-html40\"><Font html:Color=\"#000000\">{}</Font><B>{}</B></ss:Data><Comment ss:Author=\"审核\"><ss:Data xmlns=\"http://www.w3.org/TR/REC-html40\"><B>审核：</B>请核对</ss:Data></Comment></Cell>", &BASIS[..BASIS.find('（').expect("bracket")], &BASIS[BASIS.find('（').expect("bracket")..]));
        c.push_str(&cell("信息形成或者变更之日起20个工作日内"));
        c.push_str(&cell("乐昌镇人民政府"));
        c.push_str(&cell("政府网站、公开栏"));
        // 全社会 set, 特定群众 skipped, 主动 as a boolean.
        c.push_str("<Cell><Data ss:Type=\"String\">√</Data></Cell><Cell ss:Index=\"11\"><Data ss:Type=\"Boolean\">1</Data></Cell>");
        format!("<Row>{c}</Row>\r\n")
    };
    let header: String = HEADER.iter().map(|h| cell(h)).collect();
    let xml = format!(
        "<?xml version=\"1.0\"?>\r\n<?mso-application progid=\"Excel.Sheet\"?>\r\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"\r\n xmlns:o=\"urn:schemas-microsoft-com:office:office\"\r\n xmlns:x=\"urn:schemas-microsoft-com:office:excel\"\r\n xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"\r\n xmlns:html=\"http://www.w3.org/TR/REC-html40\">\r\n <DocumentProperties xmlns=\"urn:schemas-microsoft-com:office:office\"><Author>乐昌镇</Author></DocumentProperties>\r\n <Styles><Style ss:ID=\"Default\" ss:Name=\"Normal\"><Font ss:FontName=\"宋体\" x:CharSet=\"134\" ss:Size=\"12\"/></Style></Styles>\r\n <Worksheet ss:Name=\"社会救助\">\r\n  <Table ss:ExpandedColumnCount=\"12\" ss:ExpandedRowCount=\"6\" x:FullColumns=\"1\" x:FullRows=\"1\" ss:DefaultColumnWidth=\"54\" ss:DefaultRowHeight=\"14.25\">\r\n   <Column ss:Width=\"30\"/>\r\n   <Column ss:AutoFitWidth=\"0\" ss:Width=\"80\" ss:Span=\"3\"/>\r\n   <Column ss:Index=\"6\" ss:Hidden=\"1\" ss:AutoFitWidth=\"0\"/>\r\n   <Row ss:AutoFitHeight=\"0\" ss:Height=\"30\"><Cell ss:MergeAcross=\"11\"><Data ss:Type=\"String\">乐昌镇社会救助领域基层政务公开标准目录</Data></Cell></Row>\r\n   <Row>{header}</Row>\r\n{}{}   <Row ss:Index=\"6\">{}</Row>\r\n  </Table>\r\n  <WorksheetOptions xmlns=\"urn:schemas-microsoft-com:office:excel\"><Selected/><ProtectObjects>False</ProtectObjects></WorksheetOptions>\r\n </Worksheet>\r\n <Worksheet ss:Name=\"下拉列表\">\r\n  <Table><Row><Cell><Data ss:Type=\"String\">政府网站</Data></Cell></Row></Table>\r\n  <WorksheetOptions xmlns=\"urn:schemas-microsoft-com:office:excel\"><Visible>SheetHidden</Visible></WorksheetOptions>\r\n </Worksheet>\r\n</Workbook>\r\n",
        item(1, Some("最低生活保障"), "低保对象认定", false),
        item(2, None, "低保金发放", true),
        cell("填报人：张三")
    );
    for name in ["乐昌镇目录.xml", "乐昌镇目录.xls"] {
        let p = write(dir.path(), name, xml.as_bytes());
        let (cats, diags) = read_checked(&p);
        assert_eq!(
            codes(&diags),
            ["GK021@F2", "GK012@"],
            "{name}: the hidden column F, the hidden sheet"
        );
        assert_eq!(diags[0].sheet.as_deref(), Some("社会救助"));
        assert_eq!(diags[1].sheet.as_deref(), Some("下拉列表"));
        let got: Vec<(String, String, String)> = items(&cats)
            .into_iter()
            .map(|(s, i)| (s, i.category.clone(), i.name.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "社会救助".into(),
                    "最低生活保障".into(),
                    "低保对象认定".into()
                ),
                (
                    "社会救助".into(),
                    "最低生活保障".into(),
                    "低保金发放".into()
                ),
            ],
            "{name}"
        );
        let (_, first) = &items(&cats)[0];
        assert_eq!(
            first.basis, BASIS,
            "{name}: rich text joined, the comment left out"
        );
        assert_eq!(first.content, "低保对象认定的对象、\n标准和结果", "{name}");
        assert_eq!(first.deadline, "信息形成或者变更之日起20个工作日内");
        assert_eq!(first.audience, [Audience::Public], "{name}");
        assert_eq!(first.mode, [Mode::Active], "{name}: the boolean 主动");
        assert_eq!(
            name_place(&cats, "低保金发放"),
            (Some("社会救助".to_string()), 4),
            "{name}"
        );
    }
}

/// A folder search reads an `.xml` only when it is an Excel 2003 XML workbook (a drafts
/// folder also holds config and export files in XML); named, another XML is refused (GK007),
/// and a workbook whose rows leap to the end of the sheet is refused (GK013), not allocated.
#[test]
fn only_excel_2003_xml_workbooks_are_read_among_xml_files() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::copy(
        fixture("drafts_files/隐藏行列.xml"),
        dir.path().join("乐昌镇.xml"),
    )
    .expect("copy");
    let other = write(
        dir.path(),
        "config.xml",
        "<?xml version=\"1.0\"?><config><unit>乐昌镇</unit></config>".as_bytes(),
    );
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        dir.path().to_str().expect("utf8"),
    ]));
    assert_eq!(v["summary"]["files"], 1, "{v}");
    assert_eq!(v["summary"]["items"], 3, "{v}");
    let (_, diags) = read_checked(&other);
    assert_eq!(codes(&diags), ["GK007@"]);

    let leap = "<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet ss:Name=\"S\"><Table><Row><Cell ss:Index=\"16000\" ss:MergeDown=\"4000000\"><Data ss:Type=\"String\">x</Data></Cell></Row><Row ss:Index=\"4000000\"><Cell><Data ss:Type=\"String\">y</Data></Cell></Row></Table></Worksheet></Workbook>";
    let p = write(dir.path(), "leap.xml", leap.as_bytes());
    let (_, diags) = read_checked(&p);
    assert_eq!(codes(&diags), ["GK013@"]);
}

// 2. Encodings.

fn csv_text(lines: &[Vec<String>], d: &str) -> String {
    lines
        .iter()
        .map(|l| l.join(d))
        .collect::<Vec<_>>()
        .join("\r\n")
        + "\r\n"
}

/// A table saved as "Unicode" by a tool that writes no byte-order mark, little- or
/// big-endian, tab- or comma-separated: read from where its NUL bytes stand.
#[test]
fn utf16_without_a_bom_is_read_from_its_nul_bytes() {
    let dir = tempfile::tempdir().expect("tmp");
    for (d, ext) in [("\t", "txt"), (",", "csv"), ("\t", "csv")] {
        let text = csv_text(&draft(), d);
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (order, bytes) in [("le", le), ("be", be)] {
            let p = write(dir.path(), &format!("乐昌镇_{order}.{ext}"), &bytes);
            let (cats, diags) = read_checked(&p);
            assert!(
                diags.is_empty(),
                "{} {order}: {:?}",
                p.display(),
                codes(&diags)
            );
            assert_eq!(
                names(&cats),
                ["低保对象认定", "特困人员认定"],
                "{order} {ext}"
            );
            assert_eq!(items(&cats)[1].1.basis, BASIS);
        }
    }
}

/// A UTF-8 table in which a clerk pasted one row from a GBK file: every other row reads as
/// written (no mojibake), the pasted row is read as GBK and reported at its row (GK004),
/// whether it stands in the first bytes (where the encoding is chosen) or far below them.
/// `--fix` refuses to rewrite such a file rather than lose that row.
#[test]
fn a_gbk_row_pasted_into_a_utf8_csv_is_read_and_reported_at_its_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let gbk_row = row("3", "临时救助", "临时救助对象认定").join(",");
    let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_row);
    for filler in [0usize, 3000] {
        let mut lines = draft();
        for k in 0..filler {
            lines.push(
                row(
                    &(10 + k).to_string(),
                    "最低生活保障",
                    &format!("低保事项{k}"),
                )
                .to_vec(),
            );
        }
        let mut bytes = csv_text(&lines, ",").into_bytes();
        bytes.extend_from_slice(&gbk);
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(
            csv_text(&[row("4", "临时救助", "临时救助金发放").to_vec()], ",").as_bytes(),
        );
        let p = write(dir.path(), &format!("粘贴_{filler}.csv"), &bytes);
        let (cats, diags) = read_checked(&p);
        let got = names(&cats);
        assert_eq!(got.len(), 4 + filler, "every row is read");
        assert_eq!(got[got.len() - 2], "临时救助对象认定");
        assert_eq!(got[got.len() - 1], "临时救助金发放");
        assert_eq!(items(&cats)[0].1.name, "低保对象认定", "no mojibake");
        let pasted = &items(&cats)[got.len() - 2].1;
        assert_eq!(pasted.subject, "乐昌镇人民政府");
        assert_eq!(pasted.basis, BASIS);
        let row_no = 5 + filler as u32;
        let bad: Vec<_> = diags.iter().filter(|d| d.code == "GK004").collect();
        assert_eq!(bad.len(), 1, "{:?}", codes(&diags));
        assert_eq!(bad[0].row, Some(row_no));
        assert_eq!(bad[0].cell.as_deref(), Some(format!("B{row_no}").as_str()));
        assert!(bad[0].message.contains("按 GBK"), "{}", bad[0].message);
        assert!(bad[0].hint.as_deref().unwrap_or("").contains("Big5"));
        // Every row was read: a warning, so validate exits 0 and compile goes on.
        assert_eq!(bad[0].severity, gkml::diag::Severity::Warning);

        let before = std::fs::read(&p).expect("read");
        let o = gkml(&["validate", "--fix", p.to_str().expect("utf8")]);
        assert!(stderr(&o).contains("不能自动修正"), "{}", stderr(&o));
        assert_eq!(
            std::fs::read(&p).expect("read"),
            before,
            "the file is untouched"
        );
    }
}

// 5. `&nbsp;` beside Chinese punctuation.

/// A portal page whose editor wrote `&nbsp;` around Chinese punctuation: no space is left
/// beside 、《》（）, so the citation reads exactly as written and no stray space is reported
/// (GK602); a space between two words stays. The same cell pasted into a CSV reads alike.
#[test]
fn nbsp_beside_chinese_punctuation_leaves_no_space_in_a_page_or_a_pasted_cell() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut lines = draft();
    lines[2][4] = "《中华人民共和国政府信息公开条例》&nbsp;（国务院令第711号）".into();
    lines[2][7] = "政府网站&nbsp;、公告栏".into();
    lines[3][7] = "政府网站、&nbsp; 公告栏&nbsp;&nbsp;。".into();
    lines[3][6] = "乐昌镇人民政府 民政办".into();
    let rows: String = lines
        .iter()
        .map(|l| {
            let cells: String = l.iter().map(|c| format!("<td>{c}</td>")).collect();
            format!("<tr>{cells}</tr>\n")
        })
        .collect();
    let page = format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>乐昌镇社会救助领域基层政务公开标准目录</title></head><body><table>\n{rows}</table></body></html>");
    let p = write(dir.path(), "乐昌镇.html", page.as_bytes());
    let (cats, diags) = read_checked(&p);
    let reading: Vec<String> = codes(&diags)
        .into_iter()
        .filter(|c| c.starts_with("GK0") || c.starts_with("GK602"))
        .collect();
    assert!(reading.is_empty(), "{reading:?}");
    let (_, first) = &items(&cats)[0];
    assert_eq!(first.basis, BASIS);
    // 公告栏 is the template's 公示栏.
    const CHANNELS: [&str; 2] = ["政府网站", "社区/企事业单位/村公示栏（电子屏）"];
    let channels =
        |i: &gkml::model::Item| -> Vec<String> { i.channels.iter().map(|c| c.display()).collect() };
    assert_eq!(channels(first), CHANNELS);
    let (_, second) = &items(&cats)[1];
    assert_eq!(channels(second), CHANNELS);
    assert_eq!(
        second.subject, "乐昌镇人民政府 民政办",
        "a space between words stays"
    );

    let csv = csv_text(&lines, ",");
    let p = write(dir.path(), "乐昌镇.csv", csv.as_bytes());
    let (cats, diags) = read_checked(&p);
    assert!(
        diags.iter().all(|d| d.code != "GK602"),
        "{:?}",
        codes(&diags)
    );
    assert_eq!(items(&cats)[0].1.basis, BASIS);
    assert_eq!(channels(items(&cats)[0].1), CHANNELS);
}

/// `--annotate` on Excel's web page of several sheets and on an Excel 2003 XML workbook writes
/// their sheets as read, so the annotated copy reads back with the same items and the same
/// diagnostics at the same places (社会救助!F3, 养老服务!F3).
#[test]
fn annotated_copies_of_a_web_workbook_and_an_xml_workbook_read_back_alike() {
    let dir = tempfile::tempdir().expect("tmp");
    let (main, mut pages) = excel_workbook_page("乐昌镇");
    // An empty 公开时限 in each sheet, so each sheet has a diagnostic.
    for (_, page) in pages.iter_mut() {
        *page = page.replace("信息形成或者变更之日起20个工作日内", "");
    }
    let htm = write(dir.path(), "乐昌镇.htm", main.as_bytes());
    std::fs::create_dir(dir.path().join("乐昌镇.files")).expect("mkdir");
    for (name, page) in &pages {
        write(&dir.path().join("乐昌镇.files"), name, page.as_bytes());
    }
    let xml = dir.path().join("隐藏行列.xml");
    std::fs::copy(fixture("drafts_files/隐藏行列.xml"), &xml).expect("copy");
    for draft in [htm, xml] {
        let out = dir.path().join("批注.xlsx");
        let o = gkml(&[
            "validate",
            draft.to_str().expect("utf8"),
            "--annotate",
            out.to_str().expect("utf8"),
        ]);
        assert!(out.exists(), "{}: {}", draft.display(), stderr(&o));
        let place = |p: &Path| {
            let (cats, diags) = read_checked(p);
            let mut d: Vec<String> = diags
                .iter()
                .filter(|d| !d.code.starts_with("GK0"))
                .map(|d| {
                    format!(
                        "{}@{}!{}",
                        d.code,
                        d.sheet.as_deref().unwrap_or(""),
                        d.cell.as_deref().unwrap_or("")
                    )
                })
                .collect();
            d.sort();
            (names(&cats), d)
        };
        let (want, got) = (place(&draft), place(&out));
        assert!(!want.1.is_empty(), "{}", draft.display());
        assert_eq!(got, want, "{}", draft.display());
        std::fs::remove_file(&out).expect("rm");
    }
}

/// A Traditional table saved in Big5 (Taiwan, Hong Kong) is not read as GBK garbage: it is
/// refused with GK004, whose hint says to save it as UTF-8; the same table in GBK-encoded
/// Traditional characters (GBK has them) and in UTF-8 is read.
#[test]
fn a_big5_csv_is_refused_with_a_hint_naming_big5() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = "序號,一級事項,二級事項,公開內容（要素）,公開依據,公開時限,公開主體,公開渠道和載體,全社會,特定群眾,主動,依申請公開\r\n1,最低生活保障,低保對象認定,對象、標準和結果,《中華人民共和國政府信息公開條例》（國務院令第711號）,信息形成或者變更之日起20個工作日內,樂昌鎮人民政府,政府網站,√,,√,\r\n";
    let (big5, _, unmappable) = encoding_rs::BIG5.encode(text);
    assert!(!unmappable);
    let p = write(dir.path(), "樂昌鎮.csv", &big5);
    let (cats, diags) = read_checked(&p);
    assert!(cats.is_empty());
    assert_eq!(codes(&diags), ["GK004@"]);
    assert!(diags[0].message.contains("Big5"), "{}", diags[0].message);
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    for (name, bytes) in [
        ("gbk.csv", gbk.to_vec()),
        ("utf8.csv", text.as_bytes().to_vec()),
    ] {
        let p = write(dir.path(), name, &bytes);
        let (cats, diags) = read_checked(&p);
        assert!(
            diags.iter().all(|d| d.code != "GK004"),
            "{name}: {:?}",
            codes(&diags)
        );
        assert_eq!(names(&cats), ["低保对象认定"], "{name}");
    }
}

/// In Excel's web page, a hidden column is a `<col>` styled `display:none` and its cells
/// too: the column is read (the 公开依据 it holds is kept) and reported (GK021) on its sheet.
#[test]
fn a_hidden_column_of_an_excel_web_page_is_read_and_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let (main, pages) = excel_workbook_page("乐昌镇");
    let p = write(dir.path(), "乐昌镇.htm", main.as_bytes());
    std::fs::create_dir(dir.path().join("乐昌镇.files")).expect("mkdir");
    for (name, page) in &pages {
        let page = if name == "sheet002.htm" {
            let cols = "<col width=72 span=4 style='width:54pt'>\r\n <col width=0 style='display:none;mso-width-source:userset;mso-width-alt:0'>\r\n <col width=72 span=7 style='width:54pt'>\r\n";
            page.replacen(
                "border-collapse:collapse'>\r\n",
                &format!("border-collapse:collapse'>\r\n {cols}"),
                1,
            )
        } else {
            page.clone()
        };
        write(&dir.path().join("乐昌镇.files"), name, page.as_bytes());
    }
    let (cats, diags) = read_checked(&p);
    check_workbook_page(&cats, "乐昌镇.htm");
    assert_eq!(items(&cats)[2].1.basis, BASIS);
    assert_eq!(codes(&diags), ["GK021@E2"]);
    assert_eq!(diags[0].sheet.as_deref(), Some("养老服务"));
}
