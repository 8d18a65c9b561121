//! The shapes of tables inside workbooks that clerks send: headers of three rows, the row of
//! column numbers printed under a header, totals rows, and a domain row between a workbook's
//! title and its header. Each draft is written here with rust_xlsxwriter and read back
//! through the one pipeline.

mod common;

use common::*;
use gkml::model::Catalogue;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

const BASIS: &str = "《中华人民共和国政府信息公开条例》（国务院令第711号）";

/// The 15 cells of an item row: 序号, 一级事项, 二级事项 … 村级.
fn item(seq: &str, category: &str, name: &str) -> Vec<String> {
    let content = format!("{name}的对象、标准和结果");
    [
        seq,
        category,
        name,
        &content,
        BASIS,
        "信息形成或者变更之日起20个工作日内",
        "乐昌镇人民政府",
        "政府网站、两微一端",
        "√",
        "",
        "√",
        "",
        "",
        "√",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

const ONE_ROW: [&str; 15] = [
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
    "县级",
    "乡级",
    "村级",
];

fn put(ws: &mut Worksheet, row: u32, cells: &[impl AsRef<str>]) {
    for (c, v) in cells.iter().enumerate() {
        if !v.as_ref().is_empty() {
            ws.write_string(row, c as u16, v.as_ref()).expect("cell");
        }
    }
}

fn merge(ws: &mut Worksheet, r0: u32, c0: u16, r1: u32, c1: u16, text: &str) {
    ws.merge_range(r0, c0, r1, c1, text, &Format::new())
        .expect("merge");
}

/// The template's two-row header at `r` (公开事项 over 一级/二级 …), merged as Excel draws it.
fn two_row_header(ws: &mut Worksheet, r: u32) {
    merge(ws, r, 0, r + 1, 0, "序号");
    merge(ws, r, 1, r, 2, "公开事项");
    put(ws, r + 1, &["", "一级事项", "二级事项"]);
    for (c, h) in [
        (3, "公开内容（要素）"),
        (4, "公开依据"),
        (5, "公开时限"),
        (6, "公开主体"),
        (7, "公开渠道和载体"),
    ] {
        merge(ws, r, c, r + 1, c, h);
    }
    merge(ws, r, 8, r, 9, "公开对象");
    merge(ws, r, 10, r, 11, "公开方式");
    merge(ws, r, 12, r, 14, "公开层级");
    for (c, h) in ONE_ROW.iter().enumerate().skip(8) {
        ws.write_string(r + 1, c as u16, *h).expect("cell");
    }
}

fn names(cats: &[Catalogue]) -> Vec<(String, String, String)> {
    items(cats)
        .into_iter()
        .map(|(s, i)| (s, i.category.clone(), i.name.clone()))
        .collect()
}

fn triple(s: &str, c: &str, n: &str) -> (String, String, String) {
    (s.to_string(), c.to_string(), n.to_string())
}

/// A header of three rows: 公开事项 over 一级/二级事项 beside a merged 公开要求 over 公开对象,
/// 公开方式, 公开层级, each over its mark columns. It used to be read as two rows, and the
/// audience and mode columns were missing (GK006, nothing read).
#[test]
fn a_three_row_header_names_the_mark_columns_of_its_last_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("乐昌镇.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("养老服务").expect("name");
    merge(ws, 0, 0, 2, 0, "序号");
    merge(ws, 0, 1, 0, 2, "公开事项");
    merge(ws, 1, 1, 2, 1, "一级事项");
    merge(ws, 1, 2, 2, 2, "二级事项");
    for (c, h) in ONE_ROW.iter().enumerate().take(8).skip(3) {
        merge(ws, 0, c as u16, 2, c as u16, h);
    }
    merge(ws, 0, 8, 0, 14, "公开要求");
    merge(ws, 1, 8, 1, 9, "公开对象");
    merge(ws, 1, 10, 1, 11, "公开方式");
    merge(ws, 1, 12, 1, 14, "公开层级");
    for (c, h) in ONE_ROW.iter().enumerate().skip(8) {
        ws.write_string(2, c as u16, *h).expect("cell");
    }
    put(ws, 3, &item("1", "高龄津贴", "高龄津贴发放"));
    wb.save(&path).expect("save");
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(
        names(&cats),
        [triple("养老服务", "高龄津贴", "高龄津贴发放")]
    );
    let it = items(&cats)[0].1;
    assert!(!it.audience.is_empty() && !it.mode.is_empty(), "{it:?}");
}

/// The row of column numbers (1 2 3 … 15) printed under a header, as in the template's
/// printed form. It used to be read as an item named 3 with a channel 8 and every mark set
/// (GK201, GK202, GK205, GK209 …).
#[test]
fn the_row_of_column_numbers_under_a_header_is_not_an_item() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("乐昌镇.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("养老服务").expect("name");
    put(ws, 0, &ONE_ROW);
    for c in 0..15u16 {
        ws.write_number(1, c, f64::from(c + 1)).expect("cell");
    }
    put(ws, 2, &item("1", "高龄津贴", "高龄津贴发放"));
    wb.save(&path).expect("save");
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(
        names(&cats),
        [triple("养老服务", "高龄津贴", "高龄津贴发放")]
    );
}

/// A totals row below the items (合计 merged over 序号 and 一级事项, a count of items, counts
/// under the mark columns) and the filing lines below it. The totals row used to be read as
/// an item named 共2项 with every element missing (GK102–GK105) and its counts as marks.
#[test]
fn a_totals_row_below_the_items_is_not_an_item() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("乐昌镇.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("社会救助").expect("name");
    merge(ws, 0, 0, 0, 14, "乐昌镇社会救助领域基层政务公开标准目录");
    two_row_header(ws, 1);
    put(ws, 3, &item("1", "最低生活保障", "低保对象认定"));
    put(ws, 4, &item("2", "", "低保待遇发放"));
    merge(ws, 5, 0, 5, 1, "合  计");
    put(
        ws,
        5,
        &[
            "", "", "共2项", "", "", "", "", "", "2", "0", "2", "0", "0", "2", "0",
        ],
    );
    put(ws, 6, &["总计：", "", "2"]);
    put(
        ws,
        7,
        &["填报人：张三", "", "", "", "联系电话：0715-6321234"],
    );
    wb.save(&path).expect("save");
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(
        names(&cats),
        [
            triple("社会救助", "最低生活保障", "低保对象认定"),
            triple("社会救助", "最低生活保障", "低保待遇发放"),
        ]
    );
}

/// A 一级事项 that only contains 合计, and a row whose 序号 cell says 合计 but which carries
/// a full item, stay items: only a row that is a totals row is passed over.
#[test]
fn items_that_only_look_like_totals_or_numbers_stay_items() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("乐昌镇.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("财政预决算").expect("name");
    put(ws, 0, &ONE_ROW);
    put(ws, 1, &item("1", "预算合计", "部门预算"));
    let mut totals_named = item("2", "", "合计");
    totals_named[0] = "合计".to_string();
    put(ws, 2, &totals_named);
    wb.save(&path).expect("save");
    let (cats, _) = read_checked(&path);
    assert_eq!(
        names(&cats),
        [
            triple("财政预决算", "预算合计", "部门预算"),
            triple("财政预决算", "预算合计", "合计"),
        ]
    );
}

/// Several domains' tables on one sheet: the workbook's title (naming no domain), then a
/// "一、社会救助领域" row merged across, a header, the items; then the next domain. The first
/// table's domain row sits above its header, and used to be passed over as a title, leaving
/// its items 未分领域.
#[test]
fn a_domain_row_between_the_title_and_the_header_sets_the_domain() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("新街镇.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    merge(ws, 0, 0, 0, 14, "新街镇基层政务公开标准目录");
    merge(ws, 1, 0, 1, 14, "一、社会救助领域");
    two_row_header(ws, 2);
    put(ws, 4, &item("1", "最低生活保障", "低保对象认定"));
    merge(ws, 6, 0, 6, 14, "二、养老服务领域");
    two_row_header(ws, 7);
    put(ws, 9, &item("1", "高龄津贴", "高龄津贴发放"));
    wb.save(&path).expect("save");
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0].unit.name, "新街镇");
    assert_eq!(
        names(&cats),
        [
            triple("社会救助", "最低生活保障", "低保对象认定"),
            triple("养老服务", "高龄津贴", "高龄津贴发放"),
        ]
    );
}

/// A minimal .docx holding `body` (paragraphs and tables) as its document.
fn docx(body: &str) -> Vec<u8> {
    use std::io::Write;
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", document.as_str()),
    ];
    for (name, text) in parts {
        z.start_file(name, opt).expect("zip entry");
        z.write_all(text.as_bytes()).expect("zip write");
    }
    z.finish().expect("zip finish").into_inner()
}

fn para(text: &str) -> String {
    if text.is_empty() {
        return "<w:p/>".into();
    }
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

/// A 15-column Word table, one cell a paragraph.
fn word_table(rows: &[Vec<String>]) -> String {
    let grid: String = (0..15).map(|_| "<w:gridCol w:w=\"900\"/>").collect();
    let body: String = rows
        .iter()
        .map(|r| {
            let cells: String = r
                .iter()
                .map(|c| format!("<w:tc>{}</w:tc>", para(c)))
                .collect();
            format!("<w:tr>{cells}</w:tr>")
        })
        .collect();
    format!("<w:tbl><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>")
}

/// A Word draft split into one table per page, the header typed again on the second (as
/// PDF-to-Word conversions write it), the 一级事项 written once on the first page. The
/// second table used to be read on its own: its blank 一级事项 had nothing above it (GK109,
/// and the item was compiled without its group). It continues the first table now.
#[test]
fn a_word_table_split_with_its_header_repeated_continues_the_group() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("乐昌镇.docx");
    let header: Vec<String> = ONE_ROW.iter().map(|s| s.to_string()).collect();
    let body = [
        para("乐昌镇社会救助领域基层政务公开标准目录"),
        word_table(&[header.clone(), item("1", "最低生活保障", "低保对象认定")]),
        para(""),
        word_table(&[header.clone(), item("2", "", "低保待遇发放")]),
        para(""),
        para("二、养老服务领域"),
        word_table(&[header, item("1", "高龄津贴", "高龄津贴发放")]),
    ]
    .concat();
    std::fs::write(&path, docx(&body)).expect("write");
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(
        names(&cats),
        [
            triple("社会救助", "最低生活保障", "低保对象认定"),
            triple("社会救助", "最低生活保障", "低保待遇发放"),
            triple("养老服务", "高龄津贴", "高龄津贴发放"),
        ]
    );
}

/// Two units' tables back to back, each with its title in a row above its header: the second
/// is not a continuation of the first, and names its own unit.
#[test]
fn a_following_table_with_its_own_title_row_is_not_a_continuation() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("汇编.docx");
    let header: Vec<String> = ONE_ROW.iter().map(|s| s.to_string()).collect();
    let title = |t: &str| {
        let mut r = vec![String::new(); 15];
        r[0] = t.to_string();
        r
    };
    let body = [
        word_table(&[
            title("乐昌镇人民政府社会救助领域基层政务公开标准目录"),
            header.clone(),
            item("1", "最低生活保障", "低保对象认定"),
        ]),
        para(""),
        word_table(&[
            title("新街镇人民政府社会救助领域基层政务公开标准目录"),
            header,
            item("1", "", "低保待遇发放"),
        ]),
    ]
    .concat();
    std::fs::write(&path, docx(&body)).expect("write");
    let (cats, diags) = read_checked(&path);
    let units: Vec<&str> = cats.iter().map(|c| c.unit.name.as_str()).collect();
    assert_eq!(units, ["乐昌镇", "新街镇"]);
    assert_eq!(codes(&diags), ["GK109@B3"]);
}
