//! Drafts that are documents, not spreadsheets: portal pages (HTML in GB2312 with navigation
//! and footer tables), Excel's "save as web page" saved as .xls, pages with several catalogue
//! tables, Word tables (.docx with gridSpan, vMerge, a title paragraph and a table continued
//! after a page break), old binary files, and hostile pages. Every fixture is built here, so
//! what each one holds is in plain sight; the table structures follow real portal pages
//! (复兴镇 and 德安县 catalogues: a heading or a title row above a two-row header with merged
//! parents, ■/□ channel lists, √ marks).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use gkml::catalogues::Store;
use gkml::model::Catalogue;
use serde_json::Value;

fn validate_json(p: &Path) -> (i32, Value) {
    let o = gkml(&["validate", "--format", "json", p.to_str().expect("utf8")]);
    (code(&o), json(&o))
}

/// (code, sheet, cell) of every diagnostic.
fn places(v: &Value) -> Vec<(String, String, String)> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or("").to_string();
            (s("code"), s("sheet"), s("cell"))
        })
        .collect()
}

fn read(p: &Path) -> Vec<Catalogue> {
    let fr = gkml::load::read_file(p, Store::embedded(), None, &gkml::limits::Limits::DEFAULT);
    fr.catalogues
}

/// Every item as one line of its section and fields, in catalogue order.
fn item_lines(cats: &[Catalogue]) -> Vec<String> {
    cats.iter()
        .flat_map(|c| {
            c.sections.iter().flat_map(|s| {
                s.items.iter().map(|it| {
                    format!(
                        "{}|{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{}",
                        s.key.display_name(),
                        it.seq,
                        it.category,
                        it.name,
                        it.content,
                        it.basis,
                        it.deadline,
                        it.subject,
                        it.channels,
                        it.audience,
                        it.mode,
                        it.levels,
                        it.remarks
                    )
                })
            })
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write fixture");
    p
}

fn gbk(s: &str) -> Vec<u8> {
    let (b, _, had_errors) = encoding_rs::GBK.encode(s);
    assert!(!had_errors, "fixture text is GBK-encodable");
    b.into_owned()
}

const BASIS: &str = "《社会救助暂行办法》（国务院令第649号）";

/// A county portal's article page in GB2312: a navigation table (表1), the title and a domain
/// heading in divs, the catalogue (表2: a title row, a two-row header with rowspan/colspan,
/// 序号 and 一级事项 merged down their groups, checkbox inputs in the channel cells), and a
/// footer table (表3). The 公开依据 of row 7 is empty.
fn portal_page() -> String {
    format!(
        r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>曲沃县乐昌镇人民政府基层政务公开标准目录_曲沃县人民政府</title>
<style>td{{font-size:12px}}</style>
<script>var nav = "<table><tr><td>序号</td></tr></table>";</script>
</head><body>
<table class="nav" width="100%"><tr>
<td><a href="/">首页</a></td><td><a href="/zwgk/">政务公开</a></td><td><a href="/ml/">政府信息公开目录</a></td>
</tr></table>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/jczwgk/">基层政务公开</a></div>
<div class="article">
<div class="title">曲沃县乐昌镇人民政府基层政务公开标准目录</div>
<div class="info">发布日期：2021-09-10&nbsp;&nbsp;来源：乐昌镇</div>
<p align="center"><b>（一）社会救助领域</b></p>
<table border="1" cellspacing="0" cellpadding="0" width="100%">
<tbody>
<tr><td colspan="14" align="center">社会救助领域基层政务公开标准目录</td></tr>
<tr><td rowspan="2">序号</td><td colspan="2">公开事项</td><td rowspan="2">公开内容<br/>（要素）</td><td rowspan="2">公开依据</td><td rowspan="2">公开时限</td><td rowspan="2">公开主体</td><td rowspan="2">公开渠道和载体</td><td colspan="2">公开对象</td><td colspan="2">公开方式</td><td colspan="2">公开层级</td></tr>
<tr><td>一级事项</td><td>二级事项</td><td>全社会</td><td>特定群众</td><td>主动</td><td>依申请公开</td><td>乡级</td><td>村级</td></tr>
<tr><td rowspan="3">1</td><td rowspan="3">最低生活保障</td><td>政策文件</td><td>低保政策文件</td><td>{BASIS}</td><td>信息形成或者变更
      之日起20个工作日内</td><td>乐昌镇人民政府</td><td><input checked="checked" type="checkbox" />政府网站 <input type="checkbox" />两微一端</td><td>√</td><td></td><td>√</td><td></td><td>√</td><td></td></tr>
<tr><td>办事指南</td><td><p>申请条件、</p><p>办理流程</p></td><td>{BASIS}</td><td>信息形成或者变更之日起20个工作日内</td><td>乐昌镇人民政府</td><td>■政府网站&nbsp;□两微一端</td><td>√</td><td>&nbsp;</td><td>√</td><td></td><td>√</td><td>√</td></tr>
<tr><td>审核结果</td><td>对象名单</td><td>{BASIS}</td><td>信息形成或者变更之日起20个工作日内</td><td>乐昌镇人民政府</td><td>■政府网站</td><td></td><td>救助对象</td><td>√</td><td></td><td></td><td>√</td></tr>
<tr><td rowspan="2">2</td><td rowspan="2">特困人员救助供养</td><td>办事指南</td><td>申请条件</td><td></td><td>信息形成或者变更之日起20个工作日内</td><td>乐昌镇人民政府</td><td>■政府网站</td><td>√</td><td></td><td>√</td><td></td><td>√</td><td></td></tr>
<tr><td>审核结果</td><td>供养对象名单</td><td>{BASIS}</td><td>信息形成或者变更之日起20个工作日内</td><td>乐昌镇人民政府</td><td>■政府网站</td><td></td><td>供养对象</td><td>√</td><td></td><td></td><td>√</td></tr>
</tbody></table>
</div>
<table class="footer" width="100%"><tr><td>主办：曲沃县人民政府办公室　版权所有</td></tr><tr><td>联系电话：0357-0000000</td></tr></table>
</body></html>
"#
    )
}

#[test]
fn a_gb2312_portal_page_reads_its_catalogue_table_among_navigation_and_footer() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = write(dir.path(), "乐昌镇.html", &gbk(&portal_page()));
    let cats = read(&p);
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0].unit.name, "乐昌镇");
    assert_eq!(
        cats[0].unit.full_name.as_deref(),
        Some("曲沃县乐昌镇人民政府")
    );
    let lines = item_lines(&cats);
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert!(
        lines.iter().all(|l| l.starts_with("社会救助|")),
        "{lines:#?}"
    );
    // Merged cells fill their rows; <p> is a line break; a source line break between CJK
    // characters disappears; checkbox inputs read as marks.
    assert!(lines[1].starts_with("社会救助|1|最低生活保障|办事指南|申请条件、\n办理流程|"));
    assert!(lines[0].contains("|信息形成或者变更之日起20个工作日内|"));
    assert!(lines[0].contains("[Known(Website)]"), "{}", lines[0]);
    assert!(
        lines[2].contains("Specific(Some(\"救助对象\"))"),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("社会救助|2|特困人员救助供养|办事指南|"));
    let (code, v) = validate_json(&p);
    assert_eq!(
        places(&v),
        [("GK103".to_string(), "表2".to_string(), "E7".to_string())],
        "{v:#}"
    );
    let d = &v["diagnostics"][0];
    assert_eq!(d["row"], 7);
    assert_eq!(d["column"], 5);
    assert_eq!(d["line"], Value::Null);
    assert_eq!(code, 1);
    // The text report names the table and cell.
    let o = gkml(&["validate", p.to_str().expect("utf8")]);
    assert!(stdout(&o).contains("乐昌镇.html:表2!E7"), "{}", stdout(&o));
}

/// Excel's "save as web page", saved with an .xls name as portals offer it for download: mso
/// styles, conditional comments, `x:str`/`x:num` cells, attributes and text wrapped across
/// source lines, `<br>` within a cell, a title row, a section row, and Excel's trailing row
/// of empty cells.
fn excel_web_page() -> String {
    format!(
        r#"<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:x="urn:schemas-microsoft-com:office:excel"
xmlns="http://www.w3.org/TR/REC-html40">

<head>
<meta http-equiv=Content-Type content="text/html; charset=gb2312">
<meta name=ProgId content=Excel.Sheet>
<meta name=Generator content="Microsoft Excel 15">
<style>
<!--table
	{{mso-displayed-decimal-separator:"\.";
	mso-displayed-thousand-separator:"\,";}}
.xl65
	{{mso-style-parent:style0;
	mso-number-format:"\@";
	white-space:normal;}}
-->
</style>
<!--[if gte mso 9]><xml>
 <x:ExcelWorkbook>
  <x:ExcelWorksheets>
   <x:ExcelWorksheet>
    <x:Name>目录</x:Name>
   </x:ExcelWorksheet>
  </x:ExcelWorksheets>
 </x:ExcelWorkbook>
</xml><![endif]-->
</head>

<body link=blue vlink=purple>

<table border=0 cellpadding=0 cellspacing=0 width=1385 style='border-collapse:
 collapse;table-layout:fixed;width:1040pt'>
 <col width=40 style='mso-width-source:userset;mso-width-alt:1280;width:30pt'>
 <col width=95 span=11 style='mso-width-source:userset;width:71pt'>
 <tr height=40 style='mso-height-source:userset;height:30.0pt'>
  <td colspan=12 height=40 class=xl66 width=1385 style='height:30.0pt;
  width:1040pt'>嘉鱼县鱼岳镇人民政府基层政务公开标准目录</td>
 </tr>
 <tr height=19 style='height:14.25pt'>
  <td rowspan=2 height=38 class=xl67 style='height:28.5pt'>序号</td>
  <td colspan=2 class=xl67 style='border-left:none'>公开事项</td>
  <td rowspan=2 class=xl67>公开内容（要素）</td>
  <td rowspan=2 class=xl67>公开依据</td>
  <td rowspan=2 class=xl67>公开时限</td>
  <td rowspan=2 class=xl67>公开主体</td>
  <td rowspan=2 class=xl67>公开渠道和载体</td>
  <td colspan=2 class=xl67 style='border-left:none'>公开对象</td>
  <td colspan=2 class=xl67 style='border-left:none'>公开方式</td>
 </tr>
 <tr height=19 style='height:14.25pt'>
  <td height=19 class=xl67 style='height:14.25pt;border-top:none;border-left:
  none'>一级事项</td>
  <td class=xl67 style='border-top:none;border-left:none'>二级事项</td>
  <td class=xl67 style='border-top:none;border-left:none'>全社会</td>
  <td class=xl67 style='border-top:none;border-left:none'>特定群众</td>
  <td class=xl67 style='border-top:none;border-left:none'>主动</td>
  <td class=xl67 style='border-top:none;border-left:none'>依申请公开</td>
 </tr>
 <tr height=19 style='height:14.25pt'>
  <td colspan=12 height=19 class=xl68 style='height:14.25pt'>养老服务领域</td>
 </tr>
 <tr height=57 style='height:42.75pt'>
  <td rowspan=2 height=114 class=xl69 style='height:85.5pt' x:num>1</td>
  <td rowspan=2 class=xl65 x:str="养老机构">养老机构</td>
  <td class=xl65 x:str>机构名录</td>
  <td class=xl65>养老机构名称、地址、联系方式、床位数、收费标准、服务内容、入住条件、入住流
  程、投诉渠道</td>
  <td class=xl65>《养老机构管理办法》（民政部令第66号）</td>
  <td class=xl65>信息形成或者变更之日起20个工作日内</td>
  <td class=xl65>鱼岳镇人民政府</td>
  <td class=xl65>■政府网站<br style='mso-data-placement:same-cell'>
    ■公开查阅点</td>
  <td class=xl69>√</td>
  <td class=xl69>　</td>
  <td class=xl69>√</td>
  <td class=xl69>　</td>
 </tr>
 <tr height=57 style='height:42.75pt'>
  <td height=57 class=xl65 style='height:42.75pt'>补贴发放</td>
  <td class=xl65>高龄津贴发放名单</td>
  <td class=xl65>{BASIS}</td>
  <td class=xl65>信息形成或者变更之日起20个工作日内</td>
  <td class=xl65>鱼岳镇人民政府</td>
  <td class=xl65>■政府网站</td>
  <td class=xl69></td>
  <td class=xl69>领取对象</td>
  <td class=xl69>√</td>
  <td class=xl69></td>
 </tr>
 <![if supportMisalignedColumns]>
 <tr height=0 style='display:none'>
  <td width=40 style='width:30pt'></td>
  <td width=95 style='width:71pt'></td>
 </tr>
 <![endif]>
</table>

</body>

</html>
"#
    )
}

#[test]
fn an_excel_web_page_saved_as_xls_reads_like_the_workbook() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = write(dir.path(), "鱼岳镇.xls", &gbk(&excel_web_page()));
    let cats = read(&p);
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0].unit.name, "鱼岳镇");
    let lines = item_lines(&cats);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].starts_with(
        "养老服务|1|养老机构|机构名录|养老机构名称、地址、联系方式、床位数、收费标准、服务内容、入住条件、入住流程、投诉渠道|"
    ), "{}", lines[0]);
    assert!(
        lines[1].starts_with("养老服务|1|养老机构|补贴发放|"),
        "{}",
        lines[1]
    );
    let (code, v) = validate_json(&p);
    assert_eq!(places(&v), [], "{v:#}");
    assert_eq!(code, 0);
}

/// A page with two catalogue tables, each under its own numbered heading, in UTF-8 with no
/// charset declared, one-row headers with 公开对象/公开方式 written as words. The 公开时限 of
/// the second table's second row is empty.
fn two_table_page() -> String {
    let header = "<tr><th>序号</th><th>一级事项</th><th>二级事项</th><th>公开内容</th><th>公开依据</th><th>公开时限</th><th>公开主体</th><th>公开渠道和载体</th><th>公开对象</th><th>公开方式</th></tr>";
    let row = |seq: &str, cat: &str, name: &str, deadline: &str| {
        format!(
            "<tr><td>{seq}</td><td>{cat}</td><td>{name}</td><td>{name}的内容</td><td>{BASIS}</td><td>{deadline}</td><td>乐昌镇人民政府</td><td>■政府网站 □两微一端</td><td>全社会</td><td>主动</td></tr>"
        )
    };
    let d = "信息形成或者变更之日起20个工作日内";
    format!(
        "<html><body><h1>曲沃县乐昌镇人民政府基层政务公开标准目录</h1>\
         <h3>一、社会救助领域</h3><table border=1>{header}{}{}</table>\
         <p>&nbsp;</p><h3>二、养老服务领域</h3><table border=1>{header}{}{}</table></body></html>",
        row("1", "最低生活保障", "政策文件", d),
        row("", "", "办事指南", d),
        row("1", "养老机构", "机构名录", d),
        row("2", "高龄津贴", "发放名单", ""),
    )
}

#[test]
fn several_catalogue_tables_in_one_page_are_read_in_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = write(dir.path(), "两表.htm", two_table_page().as_bytes());
    let cats = read(&p);
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0].unit.name, "乐昌镇");
    let lines = item_lines(&cats);
    let heads: Vec<&str> = lines
        .iter()
        .map(|l| l.splitn(5, '|').take(4).last().unwrap_or(""))
        .collect();
    assert_eq!(heads, ["政策文件", "办事指南", "机构名录", "发放名单"]);
    assert!(lines[1].starts_with("社会救助|1|最低生活保障|办事指南|"));
    assert!(lines[2].starts_with("养老服务|1|养老机构|"));
    let (_, v) = validate_json(&p);
    assert_eq!(
        places(&v),
        [("GK104".to_string(), "表2".to_string(), "F3".to_string())],
        "{v:#}"
    );
}

/// The shape of a county portal's catalogue (德安县, 2023): the domain named only by a title
/// row inside the table, one 公开事项 column merged down the two header rows, 特定群体 and
/// 依申请, one 公开层级 child, the template's whole channel list with ■/□, √ marks.
#[test]
fn a_portal_table_titled_only_by_its_domain_reads_with_the_file_as_unit() {
    let dir = tempfile::tempdir().expect("tmp");
    let channels = "■政府网站&nbsp; □政府公报 □两微一端 □发布会/听证会 □广播电视 □纸质媒体 ■公开查阅点□政务服务中心 □便民服务站□入户/现场 □社区/企事业单位/村公示栏（电子屏） □精准推送 □其他";
    let row = |seq: &str, name: &str| {
        format!(
            "<tr><td>{seq}</td><td>{name}</td><td>{name}相关文件</td><td>{BASIS}</td><td>信息形成或者变更之日起20个工作日内</td><td>镇人民政府</td><td>{channels}</td><td>√</td><td></td><td>√</td><td></td><td>√</td></tr>"
        )
    };
    let page = format!(
        "<html><head><meta charset=utf-8></head><body><div class=content><table border=1>\
         <tr><td colspan=12>社会救助领域基层政务公开标准目录</td></tr>\
         <tr><td rowspan=2>序号</td><td rowspan=2>公开事项</td><td rowspan=2>公开内容 (要素)</td><td rowspan=2>公开依据</td><td rowspan=2>公开时限</td><td rowspan=2>公开主体</td><td rowspan=2>公开渠道和载体</td><td colspan=2>公开对象</td><td colspan=2>公开方式</td><td>公开层级</td></tr>\
         <tr><td>全社会</td><td>特定群体</td><td>主动</td><td>依申请</td><td>乡级</td></tr>\
         {}{}</table></div></body></html>",
        row("1", "政策文件"),
        row("2", "资金明细"),
    );
    let p = write(dir.path(), "丰林镇.html", page.as_bytes());
    let cats = read(&p);
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0].unit.name, "丰林镇");
    let lines = item_lines(&cats);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[0].starts_with("社会救助|1||政策文件|政策文件相关文件|"),
        "{}",
        lines[0]
    );
    // Only what the table really lacks: a 一级事项 column (a warning, as in a spreadsheet),
    // said once for the table at its first item, not on every row.
    let (_, v) = validate_json(&p);
    let g = |c: &str| ("GK109".to_string(), "表1".to_string(), c.to_string());
    assert_eq!(places(&v), [g("A4")], "{v:#}");
    assert_eq!(
        v["diagnostics"][0]["message"],
        "表中没有“一级事项”列，各事项都未归入一级事项"
    );
}

#[test]
fn the_page_title_names_the_unit_when_the_body_does_not_but_a_menu_does_not() {
    let dir = tempfile::tempdir().expect("tmp");
    let page = two_table_page().replace(
        "<html><body><h1>曲沃县乐昌镇人民政府基层政务公开标准目录</h1>",
        "<html><head><title>史村镇人民政府基层政务公开标准目录_曲沃县人民政府</title></head>\
             <body><div>政府信息公开目录</div>",
    );
    let p = write(dir.path(), "下载.html", page.as_bytes());
    let cats = read(&p);
    assert_eq!(cats[0].unit.name, "史村镇");
    assert_eq!(item_lines(&cats).len(), 4);
}

#[test]
fn a_layout_table_around_the_catalogue_counts_and_the_nested_table_is_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let inner = two_table_page();
    let body = inner
        .trim_start_matches("<html><body>")
        .trim_end_matches("</body></html>");
    let page = format!(
        "<html><body><table class=layout><tr><td>{body}</td><td><table><tr><td>相关链接</td></tr></table></td></tr></table></body></html>"
    );
    let p = write(dir.path(), "嵌套.html", page.as_bytes());
    assert_eq!(item_lines(&read(&p)).len(), 4);
    let (_, v) = validate_json(&p);
    // 表1 is the layout table, the catalogues are 表2 and 表3, the links table 表4.
    assert_eq!(
        places(&v),
        [("GK104".to_string(), "表3".to_string(), "F3".to_string())],
        "{v:#}"
    );
}

/// gkml's own page (TOC, one table per section under a heading and caption, two-row header,
/// 序号 and 一级事项 spanning their groups, filter box) reads back to the items of its CSV.
#[test]
fn gkml_own_html_reads_back_to_exactly_the_items_of_its_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = compile(
        &root().join("examples/嘉鱼县/towns/鱼岳镇.toml"),
        dir.path(),
        &[],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = read(&dir.path().join("鱼岳镇.html"));
    let csv = read(&dir.path().join("鱼岳镇.csv"));
    let (h, c) = (item_lines(&html), item_lines(&csv));
    assert!(h.len() > 300, "{}", h.len());
    assert_eq!(h.len(), c.len());
    for (a, b) in h.iter().zip(&c) {
        assert_eq!(a, b);
    }
    assert_eq!(html[0].unit.name, "鱼岳镇");
    // The page validates exactly as the workbook compiled with it does: no reading problem of
    // its own (what both still report is the table reader's, see the README).
    let codes = |v: &Value| {
        let mut c: Vec<String> = places(v).into_iter().map(|p| p.0).collect();
        c.sort();
        c
    };
    let (_, vh) = validate_json(&dir.path().join("鱼岳镇.html"));
    let (_, vx) = validate_json(&dir.path().join("鱼岳镇.xlsx"));
    assert_eq!(codes(&vh), codes(&vx));
    assert!(codes(&vh).iter().all(|c| !c.starts_with("GK0")), "{vh:#}");
}

// ---------------------------------------------------------------------------------------
// Word

const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml""#;

fn para(text: &str) -> String {
    if text.is_empty() {
        return "<w:p/>".into();
    }
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

/// A cell: its text (paragraphs split at '\n'), grid span and vertical merge ("restart",
/// "continue" or "").
fn tc(text: &str, span: u32, vmerge: &str) -> String {
    let mut pr = String::new();
    if span > 1 {
        pr.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
    }
    match vmerge {
        "restart" => pr.push_str("<w:vMerge w:val=\"restart\"/>"),
        "continue" => pr.push_str("<w:vMerge/>"),
        _ => {}
    }
    let paras: String = if text.is_empty() {
        "<w:p/>".into()
    } else {
        text.split('\n').map(para).collect()
    };
    format!("<w:tc><w:tcPr><w:tcW w:w=\"1000\" w:type=\"dxa\"/>{pr}</w:tcPr>{paras}</w:tc>")
}

fn tr(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>", cells.concat())
}

fn tbl(cols: usize, rows: &[String]) -> String {
    let grid: String = (0..cols).map(|_| "<w:gridCol w:w=\"1000\"/>").collect();
    format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{}</w:tbl>",
        rows.concat()
    )
}

/// The two header rows of the template: 公开事项, 公开对象, 公开方式 span their children;
/// the other columns are merged down.
fn word_header() -> Vec<String> {
    let r = |t: &str| tc(t, 1, "restart");
    let c = || tc("", 1, "continue");
    vec![
        tr(&[
            r("序号"),
            tc("公开事项", 2, ""),
            r("公开内容（要素）"),
            r("公开依据"),
            r("公开时限"),
            r("公开主体"),
            r("公开渠道和载体"),
            tc("公开对象", 2, ""),
            tc("公开方式", 2, ""),
        ]),
        tr(&[
            c(),
            tc("一级事项", 1, ""),
            tc("二级事项", 1, ""),
            c(),
            c(),
            c(),
            c(),
            c(),
            tc("全社会", 1, ""),
            tc("特定群众", 1, ""),
            tc("主动", 1, ""),
            tc("依申请公开", 1, ""),
        ]),
    ]
}

/// A channel cell drawn with Wingdings checkboxes, as Word users do.
fn word_channels() -> String {
    "<w:tc><w:p><w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FE\"/><w:t>政府网站</w:t></w:r>\
     <w:r><w:t xml:space=\"preserve\"> </w:t></w:r><w:r><w:sym w:font=\"Wingdings\" w:char=\"F0A8\"/><w:t>两微一端</w:t></w:r></w:p></w:tc>"
        .into()
}

fn word_item(
    seq: (&str, &str),
    cat: (&str, &str),
    name: &str,
    content: &str,
    basis: &str,
    deadline: &str,
    subject: &str,
) -> String {
    tr(&[
        tc(seq.0, 1, seq.1),
        tc(cat.0, 1, cat.1),
        tc(name, 1, ""),
        tc(content, 1, ""),
        tc(basis, 1, ""),
        tc(deadline, 1, ""),
        tc(subject, 1, ""),
        word_channels(),
        tc("√", 1, ""),
        tc("", 1, ""),
        tc("√", 1, ""),
        tc("", 1, ""),
    ])
}

/// A Word draft: a title paragraph naming unit and domain; 表1 with a two-row header and
/// merged 序号/一级事项; a page break and 表2 continuing 表1 without a header (its second row
/// has no 公开时限); a heading naming the next domain and 表3, whose content cell holds a
/// nested table (表4), with no 公开主体 in its second row; a heading and 表5 with no 公开依据;
/// a signature table 表6.
fn word_document() -> String {
    let d = "信息形成或者变更之日起20个工作日内";
    let s = "乐昌镇人民政府";
    let mut t1 = word_header();
    t1.push(word_item(
        ("1", "restart"),
        ("最低生活保障", "restart"),
        "政策文件",
        "低保政策文件",
        BASIS,
        d,
        s,
    ));
    t1.push(word_item(
        ("", "continue"),
        ("", "continue"),
        "办事指南",
        "申请条件\n办理流程",
        BASIS,
        d,
        s,
    ));
    let t2 = vec![
        word_item(
            ("2", "restart"),
            ("特困人员救助供养", "restart"),
            "办事指南",
            "申请条件",
            BASIS,
            d,
            s,
        ),
        word_item(
            ("", "continue"),
            ("", "continue"),
            "审核结果",
            "供养对象名单",
            BASIS,
            "",
            s,
        ),
    ];
    let mut t3 = word_header();
    let nested = tbl(1, &[tr(&[tc("附：机构一览", 1, "")])]);
    t3.push(
        word_item(
            ("1", ""),
            ("养老机构", ""),
            "机构名录",
            "@NESTED@",
            BASIS,
            d,
            s,
        )
        .replace(
            &tc("@NESTED@", 1, ""),
            &format!("<w:tc>{}{nested}<w:p/></w:tc>", para("名称、地址")),
        ),
    );
    t3.push(word_item(
        ("2", ""),
        ("高龄津贴", ""),
        "发放名单",
        "名单",
        BASIS,
        d,
        "",
    ));
    let mut t5 = word_header();
    t5.push(word_item(
        ("1", ""),
        ("招生管理", ""),
        "招生政策",
        "招生范围",
        "",
        d,
        s,
    ));
    let sign = tbl(
        2,
        &[tr(&[
            tc("填报人：张三", 1, ""),
            tc("联系电话：0357-0000000", 1, ""),
        ])],
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document {W_NS}><w:body>{}{}{}<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>{}{}{}{}{}{}{}<w:sectPr/></w:body></w:document>",
        para("附件2"),
        para("乐昌镇社会救助领域基层政务公开标准目录"),
        tbl(12, &t1),
        para(""),
        tbl(12, &t2),
        para("（二）养老服务领域"),
        tbl(12, &t3),
        para("三、义务教育领域"),
        tbl(12, &t5),
        sign,
    )
}

fn docx(document_xml: &str) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", document_xml),
    ];
    for (name, text) in parts {
        z.start_file(name, opt).expect("zip entry");
        z.write_all(text.as_bytes()).expect("zip write");
    }
    z.finish().expect("zip finish").into_inner()
}

#[test]
fn a_word_draft_reads_spans_merges_title_and_a_table_continued_after_a_page_break() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = write(dir.path(), "乐昌镇.docx", &docx(&word_document()));
    let cats = read(&p);
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0].unit.name, "乐昌镇");
    let lines = item_lines(&cats);
    assert_eq!(lines.len(), 7, "{lines:#?}");
    // Sections in output order: 社会救助 (5), 养老服务 (6), 义务教育 (3).
    assert!(
        lines[0].starts_with("义务教育|1|招生管理|招生政策|"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("社会救助|1|最低生活保障|政策文件|"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("社会救助|1|最低生活保障|办事指南|申请条件\n办理流程|"),
        "{}",
        lines[2]
    );
    // The continuation table's rows belong to the same table: merges and groups go on.
    assert!(
        lines[3].starts_with("社会救助|2|特困人员救助供养|办事指南|"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("社会救助|2|特困人员救助供养|审核结果|"),
        "{}",
        lines[4]
    );
    // The nested table is a table of its own, not part of the cell's text.
    assert!(
        lines[5].starts_with("养老服务|1|养老机构|机构名录|名称、地址|"),
        "{}",
        lines[5]
    );
    assert!(lines[1].contains("[Known(Website)]"), "{}", lines[1]);
    let (code, v) = validate_json(&p);
    assert_eq!(
        places(&v),
        [
            ("GK104".to_string(), "表2".to_string(), "F2".to_string()),
            ("GK105".to_string(), "表3".to_string(), "G4".to_string()),
            ("GK103".to_string(), "表5".to_string(), "E3".to_string()),
        ],
        "{v:#}"
    );
    assert_eq!(code, 1);
}

/// A compound file holding one stream that is neither a Word document nor a workbook (as a
/// PowerPoint file or WPS's own old format).
fn other_ole() -> Vec<u8> {
    use std::io::Write as _;
    let mut c = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("cfb");
    c.create_stream("/PowerPoint Document")
        .expect("stream")
        .write_all(b"slides")
        .expect("write");
    c.flush().expect("flush");
    c.into_inner().into_inner()
}

/// Old binary files gkml does not read say how to convert them: a WPS 表格 `.et`, an OLE file
/// under a Word name that holds no Word document, and RTF saved as `.doc`. A `.doc` that is a
/// web page, and a `.docx` that is really a Word 97 document, are read by what they hold.
#[test]
fn old_binary_files_it_cannot_read_say_how_to_convert_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let ole = other_ole();
    let rtf = b"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl}}".to_vec();
    for (name, bytes, to, says) in [
        ("乐昌镇.doc", &ole, "docx", "旧版 Word 文档"),
        ("乐昌镇.wps", &ole, "docx", "WPS 文字文件"),
        ("乐昌镇.et", &ole, "xlsx", "WPS 表格文件"),
        ("导出.doc", &rtf, "docx", "RTF"),
    ] {
        let p = write(dir.path(), name, bytes);
        let (code, v) = validate_json(&p);
        assert_eq!(code, 2, "{name}");
        let d = &v["diagnostics"][0];
        assert_eq!(d["code"], "GK007", "{name}: {v:#}");
        assert!(d["message"].as_str().unwrap_or("").contains(says), "{v:#}");
        let hint = d["hint"].as_str().unwrap_or("");
        assert!(hint.contains("另存为"), "{hint}");
        assert!(
            hint.contains(&format!(
                "libreoffice --headless --convert-to {to} \"{name}\""
            )),
            "{hint}"
        );
    }
    // A .doc that is really a web page (as portals serve them) is read as one.
    let p = write(dir.path(), "网页.doc", two_table_page().as_bytes());
    assert_eq!(item_lines(&read(&p)).len(), 4);
    // A .docx that is really an old .doc is read as one.
    let word97 = std::fs::read(fixture("drafts/社会救助_两行表头.doc")).expect("fixture");
    let p = write(dir.path(), "旧.docx", &word97);
    assert_eq!(item_lines(&read(&p)).len(), 3);
}

// ---------------------------------------------------------------------------------------
// Hostile documents: refused or read within the limits, quickly, never a crash.

fn run_quickly(p: &Path, extra: &[&str]) -> (i32, Value) {
    let start = std::time::Instant::now();
    let mut args = vec!["validate", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(p.to_str().expect("utf8"));
    let o = gkml(&args);
    assert!(
        start.elapsed().as_secs() < 30,
        "{} took {:?}",
        p.display(),
        start.elapsed()
    );
    assert_ne!(code(&o), 101, "{}", stderr(&o));
    (code(&o), json(&o))
}

#[test]
fn hostile_pages_never_crash_and_are_bounded_by_the_reader_limits() {
    let dir = tempfile::tempdir().expect("tmp");
    // 100,000 nested elements: refused before html5ever sees them.
    let p = write(dir.path(), "深.html", "<div>".repeat(100_000).as_bytes());
    let (code, v) = run_quickly(&p, &[]);
    assert_eq!(
        (code, v["diagnostics"][0]["code"].clone()),
        (2, "GK013".into())
    );
    // 2,000 nested tables: read, each a table of its own.
    let p = write(
        dir.path(),
        "套.html",
        "<table><tr><td>".repeat(2_000).as_bytes(),
    );
    let (code, v) = run_quickly(&p, &[]);
    assert_eq!(
        (code, v["diagnostics"][0]["code"].clone()),
        (2, "GK006".into())
    );
    // Absurd spans are clamped to the table (rowspan) and to HTML's 1000 (colspan).
    let header = "<tr><td>序号</td><td>二级事项</td><td>公开内容</td><td>公开依据</td><td>公开时限</td><td>公开主体</td><td>公开渠道和载体</td><td>公开对象</td><td>公开方式</td></tr>";
    let page = format!(
        "<table>{header}<tr><td colspan=100000 rowspan=100000>x</td></tr>{}</table>",
        "<tr><td>y</td></tr>".repeat(1_000)
    );
    let p = write(dir.path(), "宽.html", page.as_bytes());
    let (code, _) = run_quickly(&p, &[]);
    assert_eq!(code, 1);
    // 60,000 cells of colspan 1000 would be 60 million cells: refused, not allocated.
    let page = format!(
        "<table><tr>{}</tr></table>",
        "<td colspan=1000>x".repeat(60_000)
    );
    let p = write(dir.path(), "炸.html", page.as_bytes());
    let (code, v) = run_quickly(&p, &[]);
    assert_eq!(code, 2);
    assert!(
        places(&v).iter().any(|d| d.0 == "GK013" && d.1 == "表1"),
        "{v:#}"
    );
    // Garbage with an .html name: no table.
    let p = write(
        dir.path(),
        "乱.html",
        &[0xFFu8, 0xFE, 0x00, 0x3C, 0x80, 0x81].repeat(1000),
    );
    let (code, v) = run_quickly(&p, &[]);
    assert_eq!(
        (code, v["diagnostics"][0]["code"].clone()),
        (2, "GK006".into())
    );
}

#[test]
fn hostile_word_files_never_crash() {
    let dir = tempfile::tempdir().expect("tmp");
    // A document part that unpacks beyond the input limit (a zip bomb, here at 1 MB).
    let body = format!(
        "<w:document {W_NS}><w:body>{}</w:body></w:document>",
        " ".repeat(3 << 20)
    );
    let p = write(dir.path(), "炸.docx", &docx(&body));
    assert!(std::fs::metadata(&p).map(|m| m.len()).unwrap_or(u64::MAX) < 1 << 20);
    let (code, v) = run_quickly(&p, &["--max-input-mb", "1"]);
    assert_eq!(
        (code, v["diagnostics"][0]["code"].clone()),
        (2, "GK013".into())
    );
    // Broken XML, a zip that is no Word package, a truncated zip.
    let p = write(
        dir.path(),
        "坏.docx",
        &docx("<w:document><w:body><w:tbl><w:tr>"),
    );
    let (code, _) = run_quickly(&p, &[]);
    assert_eq!(code, 2);
    let good = docx(&word_document());
    let p = write(dir.path(), "截.docx", &good[..good.len() / 2]);
    let (code, v) = run_quickly(&p, &[]);
    assert_eq!(
        (code, v["diagnostics"][0]["code"].clone()),
        (2, "GK001".into())
    );
    let p = write(dir.path(), "空.docx", b"");
    let (code, _) = run_quickly(&p, &[]);
    assert_eq!(code, 2);
    // Deeply nested Word tables.
    let deep = format!(
        "<w:document {W_NS}><w:body>{}</w:body></w:document>",
        "<w:tbl><w:tr><w:tc>".repeat(20_000)
    );
    let p = write(dir.path(), "套.docx", &docx(&deep));
    let (code, _) = run_quickly(&p, &[]);
    assert_eq!(code, 2);
}

/// Writes the fixtures above into the fuzz corpus (tests/fuzz_corpus/html, …/docx, …/doc), which
/// tests/fuzz.rs replays and mutates: `cargo test --test documents -- --ignored`.
#[test]
#[ignore]
fn write_fuzz_corpus() {
    let base = root().join("tests/fuzz_corpus");
    let html = base.join("html");
    let word = base.join("docx");
    std::fs::create_dir_all(&html).expect("mkdir");
    std::fs::create_dir_all(&word).expect("mkdir");
    write(&html, "portal_gb2312.html", &gbk(&portal_page()));
    write(&html, "excel_web_page.xls", &gbk(&excel_web_page()));
    write(&html, "two_tables.html", two_table_page().as_bytes());
    write(
        &html,
        "spans.html",
        b"<table><tr><td rowspan=0 colspan=3>a</td><td rowspan=2>b</td></tr><tr><td>c<table><tr><td>d</td></tr></table></td></tr></table>",
    );
    write(&word, "draft.docx", &docx(&word_document()));
    let doc = base.join("doc");
    std::fs::create_dir_all(&doc).expect("mkdir");
    let mut fast = word97_table("序号", "事项", "1", "低保");
    for (i, p) in fast.iter_mut().enumerate() {
        p.eight_bit = p.text.is_ascii() && i % 2 == 0;
        p.deleted = usize::from(p.text == "\x07");
        p.prm = u16::from(i == 4);
    }
    fast[1].chpx = vec![(0, vec![0x09, 0x6A, 1, 0, 0x52, 0xF0])];
    let dtap = [vec![0x4A, 0x66, 0xFF, 0xFF, 0xFF, 0xFF]];
    let fonts = ["Times New Roman", "Wingdings 2"];
    write(
        &doc,
        "fast_saved.doc",
        &word97_file(&fast, true, &fonts, &dtap, 0xA5EC),
    );
    for name in ["word97/表格结构.doc", "drafts/社会救助_符号勾选.doc"] {
        let bytes = std::fs::read(fixture(name)).expect("fixture");
        let file = name.rsplit('/').next().unwrap_or(name);
        write(&doc, file, &bytes);
    }
}

// ---- The annotated workbook of a document (issue 19, deliverable 4) ----

/// What an annotated workbook holds: its sheets in order, the 问题清单's places, each
/// sheet's comments by cell (from the sheet's comment part) and merged regions.
struct Annotated {
    sheets: Vec<String>,
    places: Vec<String>,
    comments: Vec<(String, String)>,
    book: calamine::Xlsx<std::io::BufReader<std::fs::File>>,
}

fn open_annotated(p: &Path) -> Annotated {
    use calamine::Reader;
    use std::io::Read;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(p).expect("annotated workbook");
    let sheets = book.sheet_names();
    let list = book.worksheet_range("问题清单").expect("问题清单");
    let places = list
        .rows()
        .skip(2)
        .map(|r| r.get(1).map(|c| c.to_string()).unwrap_or_default())
        .collect();
    // Comments: which sheet a comments part belongs to, from the sheets' relationships.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(p).expect("file")).expect("zip");
    let mut text = |name: &str| {
        let mut s = String::new();
        if let Ok(mut f) = zip.by_name(name) {
            f.read_to_string(&mut s).expect("read");
        }
        s
    };
    let mut comments = Vec::new();
    for (i, name) in sheets.iter().enumerate() {
        let rels = text(&format!("xl/worksheets/_rels/sheet{}.xml.rels", i + 1));
        let Some(at) = rels.find("../comments") else {
            continue;
        };
        let target: String = rels[at + 3..].chars().take_while(|c| *c != '"').collect();
        let xml = text(&format!("xl/{target}"));
        for part in xml.split("<comment ref=\"").skip(1) {
            let cell: String = part.chars().take_while(|c| *c != '"').collect();
            comments.push((format!("{name}!{cell}"), part.to_string()));
        }
    }
    Annotated {
        sheets,
        places,
        comments,
        book,
    }
}

/// The annotated copy of a document, its diagnostics' places (`表N!A1`), and what gkml reads
/// back from the copy: the same items and the same diagnostics at the same places.
fn annotate_and_read_back(doc: &Path, dir: &Path) -> (Annotated, Vec<(String, String, String)>) {
    let out = dir.join("批注.xlsx");
    let o = gkml(&[
        "validate",
        doc.to_str().expect("utf8"),
        "--annotate",
        out.to_str().expect("utf8"),
    ]);
    let (code_doc, v) = validate_json(doc);
    assert_eq!(code(&o), code_doc, "{}", stderr(&o));
    let wanted = places(&v);
    let a = open_annotated(&out);
    assert_eq!(a.sheets.first().map(String::as_str), Some("问题清单"));
    // One 问题清单 row per diagnostic, its place the diagnostic's sheet and cell.
    let listed: Vec<String> = wanted.iter().map(|(_, s, c)| format!("{s}!{c}")).collect();
    assert_eq!(a.places, listed);
    // Every diagnostic's cell is commented in its sheet 表N, with its code.
    for (code, sheet, cell) in &wanted {
        let at = format!("{sheet}!{cell}");
        assert!(
            a.comments
                .iter()
                .any(|(c, text)| *c == at && text.contains(code.as_str())),
            "{at} {code}: {:?}",
            a.comments.iter().map(|c| &c.0).collect::<Vec<_>>()
        );
    }
    assert_eq!(a.comments.len(), wanted.len());
    // Read back by gkml: the document's items, diagnostics and places.
    let (code_back, back) = validate_json(&out);
    assert_eq!(code_back, code_doc, "{back:#}");
    assert_eq!(places(&back), wanted, "{back:#}");
    let (doc_cats, back_cats) = (read(doc), read(&out));
    assert_eq!(item_lines(&back_cats), item_lines(&doc_cats));
    let units = |c: &[Catalogue]| -> Vec<(String, Option<String>)> {
        c.iter()
            .map(|c| (c.unit.name.clone(), c.unit.full_name.clone()))
            .collect()
    };
    assert_eq!(units(&back_cats), units(&doc_cats));
    // Annotating the annotated copy gives the same places again (the structure is kept).
    let again = dir.join("批注2.xlsx");
    let o = gkml(&[
        "validate",
        out.to_str().expect("utf8"),
        "--annotate",
        again.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), code_doc, "{}", stderr(&o));
    assert_eq!(open_annotated(&again).places, a.places);
    (a, wanted)
}

#[test]
fn the_annotated_workbook_of_a_portal_page_marks_its_table_cells_and_reads_back_the_same() {
    use calamine::Reader;
    let dir = tempfile::tempdir().expect("tmp");
    let p = write(dir.path(), "乐昌镇.html", &gbk(&portal_page()));
    let (mut a, wanted) = annotate_and_read_back(&p, dir.path());
    assert_eq!(
        wanted,
        [("GK103".to_string(), "表2".to_string(), "E7".to_string())]
    );
    // The catalogue table is a sheet 表2; the navigation table 表1 is not copied.
    assert!(a.sheets.contains(&"表2".to_string()), "{:?}", a.sheets);
    assert!(!a.sheets.contains(&"表1".to_string()), "{:?}", a.sheets);
    // Its cells as read, where the document's grid has them: spans expanded to merges.
    let t = a.book.worksheet_range("表2").expect("表2");
    let at = |r: u32, c: u32| {
        t.get_value((r, c))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    assert_eq!(at(0, 0), "社会救助领域基层政务公开标准目录");
    assert_eq!(at(1, 0), "序号");
    assert_eq!(at(2, 1), "一级事项");
    assert_eq!(at(3, 1), "最低生活保障");
    assert_eq!(at(4, 3), "申请条件、\n办理流程");
    assert_eq!(at(6, 4), "", "E7 is the empty 公开依据");
    let merges = a.book.merge_cells_by_sheet_name("表2").expect("merges");
    let spans: Vec<((u32, u32), (u32, u32))> = merges.iter().map(|d| (d.start, d.end)).collect();
    for m in [((0, 0), (0, 13)), ((3, 1), (5, 1)), ((1, 0), (2, 0))] {
        assert!(spans.contains(&m), "{m:?} in {spans:?}");
    }
}

#[test]
fn the_annotated_workbook_of_a_word_draft_marks_each_table_and_reads_back_the_same() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = write(dir.path(), "乐昌镇.docx", &docx(&word_document()));
    let (a, wanted) = annotate_and_read_back(&p, dir.path());
    assert_eq!(
        wanted,
        [
            ("GK104".to_string(), "表2".to_string(), "F2".to_string()),
            ("GK105".to_string(), "表3".to_string(), "G4".to_string()),
            ("GK103".to_string(), "表5".to_string(), "E3".to_string()),
        ]
    );
    // The continuation table 表2 has a sheet of its own, as its places say; the nested
    // table 表4 and the signature table are not catalogues.
    for s in ["表1", "表2", "表3", "表5"] {
        assert!(a.sheets.contains(&s.to_string()), "{s}: {:?}", a.sheets);
    }
    assert!(!a.sheets.contains(&"表4".to_string()), "{:?}", a.sheets);
}

/// A workbook of `rows` in a sheet 目录 and a sheet 文档结构 whose first cells are `structure`.
fn book_with_structure_sheet(dir: &Path, structure: [&str; 2]) -> PathBuf {
    let text = std::fs::read_to_string(fixture("empty_basis_row7.csv")).expect("fixture");
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("目录").expect("name");
    for (r, rec) in rd.records().enumerate() {
        for (c, v) in rec.expect("record").iter().enumerate() {
            ws.write_string(r as u32, c as u16, v).expect("cell");
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("文档结构").expect("name");
    ws.write_string(0, 0, structure[0]).expect("cell");
    ws.write_string(0, 1, structure[1]).expect("cell");
    let p = dir.join("民政局.xlsx");
    wb.save(&p).expect("save");
    p
}

#[test]
fn a_clerk_sheet_named_like_the_structure_sheet_is_read_as_any_workbook() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = book_with_structure_sheet(dir.path(), ["说明", "本表由办公室填写"]);
    let (code, v) = validate_json(&p);
    assert_eq!(code, 1, "{v:#}");
    let found = places(&v);
    assert!(
        found.contains(&("GK103".to_string(), "目录".to_string(), "F7".to_string())),
        "{v:#}"
    );
    assert!(found.iter().all(|(c, _, _)| !c.starts_with("GK0")), "{v:#}");
}

#[test]
fn a_broken_structure_sheet_of_an_annotated_copy_is_a_reading_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = book_with_structure_sheet(dir.path(), ["gkml 文档结构 v1", "{不是 JSON"]);
    let (code, v) = validate_json(&p);
    assert_eq!(code, 2, "{v:#}");
    assert_eq!(v["diagnostics"][0]["code"], "GK001", "{v:#}");
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("文档结构")),
        "{v:#}"
    );
}

// ---------------------------------------------------------------------------------------
// Word 97–2003 binary documents (.doc, .wps).

/// A `.doc` with a title and a unit line above its table, a two-row header whose parents
/// (公开事项, 公开对象 …) span two columns, 序号 and 一级事项 merged down two rows, a cell of
/// two lines and a note below: read as the same table in `.docx` would be — the unit from
/// the title, the domain from it, merged cells continued, the lines kept, nothing invented.
#[test]
fn a_word_97_doc_reads_its_title_spans_merges_and_lines() {
    let p = fixture("drafts/社会救助_两行表头.doc");
    let cats = read(&p);
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0].unit.name, "乐昌镇");
    let lines = item_lines(&cats);
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[0].starts_with("社会救助|1|最低生活保障|低保对象认定|申请条件；\n办理流程|《社会救助暂行办法》（国务院令第649号）|信息形成或者变更之日起20个工作日内|乐昌镇人民政府|[Known(Website), Known(NoticeBoard)]|"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("社会救助|1|最低生活保障|低保金发放|"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("社会救助|2|特困人员救助供养|特困人员认定|"),
        "{}",
        lines[2]
    );
    let (code, v) = validate_json(&p);
    assert_eq!(code, 0, "{v:#}");
}

/// The byte offset of the WordDocument stream's header in a small compound file (the Word
/// identifier 0xA5EC at the start of a 512-byte sector).
fn word_header_at(bytes: &[u8]) -> usize {
    (0..bytes.len())
        .step_by(512)
        .find(|at| bytes.get(*at..*at + 2) == Some(&[0xEC, 0xA5][..]))
        .expect("a Word header")
}

/// Broken `.doc` files are refused with the file named and a way out, never a crash: cut in
/// half, the Word header overwritten, encrypted (the FIB's fEncrypted flag), and an OLE file
/// holding neither a document nor a workbook.
#[test]
fn broken_and_encrypted_word_97_files_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let good = std::fs::read(fixture("drafts/社会救助_两行表头.doc")).expect("fixture");
    let at = word_header_at(&good);
    let mut bad_header = good.clone();
    bad_header[at] = 0;
    let mut encrypted = good.clone();
    encrypted[at + 0x0B] |= 0x01;
    for (name, bytes, says) in [
        ("截断.doc", good[..good.len() / 2].to_vec(), ""),
        ("坏头.doc", bad_header, "Word 97"),
        ("加密.doc", encrypted, "加密"),
    ] {
        let p = write(dir.path(), name, &bytes);
        let (code, v) = run_quickly(&p, &[]);
        assert_eq!(code, 2, "{name}: {v:#}");
        let d = &v["diagnostics"][0];
        assert_eq!(d["code"], "GK001", "{name}: {v:#}");
        assert!(
            d["message"].as_str().unwrap_or("").contains(says),
            "{name}: {v:#}"
        );
    }
}

/// A draft whose marks are drawn in symbol fonts (Wingdings 2 ☑/□ inserted from 插入→符号, R
/// typed in Wingdings 2, a Symbol-font √, Wingdings ■/□ channel boxes) reads to the same items
/// as the same draft with its marks typed as characters.
#[test]
fn a_word_97_draft_with_symbol_font_marks_reads_like_the_typed_one() {
    let symbols = item_lines(&read(&fixture("drafts/社会救助_符号勾选.doc")));
    let typed = item_lines(&read(&fixture("drafts/社会救助_两行表头.doc")));
    assert_eq!(symbols.len(), 3, "{symbols:#?}");
    assert_eq!(symbols, typed);
    let (code, v) = validate_json(&fixture("drafts/社会救助_符号勾选.doc"));
    assert_eq!(code, 0, "{v:#}");
}

fn doc_tables(bytes: &[u8]) -> Vec<gkml::read::document::DocTable> {
    let file: std::sync::Arc<str> = std::sync::Arc::from("t.doc");
    gkml::read::doc::read_bytes(bytes, &file, &gkml::limits::Limits::default()).expect("readable")
}

/// Each table's rows as `text<span` cells, `^` for a cell continuing a vertical merge.
fn doc_rows(t: &gkml::read::document::DocTable) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    let mut s = c.text.clone();
                    if c.colspan > 1 {
                        s += &format!("<{}", c.colspan);
                    }
                    if c.vmerge == gkml::read::document::VMerge::Continue {
                        s += "^";
                    }
                    s
                })
                .collect()
        })
        .collect()
}

/// What Word shows of a document's tables: spans and merges as cells, a field's result (not its
/// instruction), a nested table as a table of its own with the outer cell keeping its own
/// paragraphs, form-field checkboxes as marks; the header, the footnote and the text box stay
/// out of the text.
#[test]
fn word_97_tables_read_their_spans_merges_fields_and_nested_tables() {
    let bytes = std::fs::read(fixture("word97/表格结构.doc")).expect("fixture");
    let tables = doc_tables(&bytes);
    assert_eq!(tables.len(), 4);
    let rows = |i: usize| doc_rows(&tables[i]);
    assert_eq!(
        rows(0),
        [
            vec!["甲<2", "乙", "丙<3"],
            vec!["a1", "a2", "b", "c1", "c2", "c3"],
            vec!["d<2", "^", "e1", "e2<2"],
            vec!["f<2", "g", "h1", "h2", "h3"],
            vec!["", "", "", "", "", ""],
        ]
    );
    assert_eq!(tables[0].grid_columns, Some(6));
    assert_eq!(
        rows(1),
        [
            vec!["一", "二", "三"],
            vec!["第1页", "见中国政府网", "前\n后"],
            vec!["依据", "", "z"],
        ]
    );
    assert_eq!(tables[1].context, ["二、嵌套的表格"]);
    assert_eq!(rows(2), [vec!["内1", "内2"], vec!["内3", "内4"]]);
    assert_eq!(tables[2].context, ["前"]);
    assert_eq!(rows(3), [["窗体", "■", "□", "■"]]);
    let all = format!("{tables:?}");
    for outside in [
        "页眉的字",
        "脚注的字",
        "文本框的字",
        "PAGE",
        "HYPERLINK",
        "FORMCHECKBOX",
    ] {
        assert!(!all.contains(outside), "{outside} in {all}");
    }
}

// ---- Word 97 files as Word itself writes them, built here byte by byte ([MS-DOC]) ----

/// A paragraph of a hand-built Word 97 file: its text with its mark at the end ('\r' or the
/// cell mark '\x07'), its paragraph sprms, character sprms for some of its characters, whether
/// its piece is UTF-16 or 8-bit, the piece's property modifier, and how many characters of
/// deleted text follow it in the stream inside its page run but in no piece (a fast save).
#[derive(Clone, Default)]
struct WordPara {
    text: String,
    papx: Vec<u8>,
    chpx: Vec<(usize, Vec<u8>)>,
    eight_bit: bool,
    prm: u16,
    deleted: usize,
}

fn wp(text: &str, papx: &[&[u8]]) -> WordPara {
    WordPara {
        text: text.to_string(),
        papx: papx.concat(),
        ..Default::default()
    }
}

const IN_TABLE: &[u8] = &[0x16, 0x24, 1];
const ROW_END: &[u8] = &[0x17, 0x24, 1];

/// sprmTDefTable: cell boundaries and each cell's TC80 flags.
fn tdef(bounds: &[i16], flags: &[u16]) -> Vec<u8> {
    let n = flags.len();
    let mut op = vec![u8::try_from(n).expect("cells")];
    for b in bounds {
        op.extend(b.to_le_bytes());
    }
    for f in flags {
        op.extend(f.to_le_bytes());
        op.extend([0u8; 18]);
    }
    let mut out = vec![0x08, 0xD6];
    out.extend(u16::try_from(op.len() + 1).expect("size").to_le_bytes());
    out.extend(op);
    out
}

/// A Word 97 document in a compound file: one piece per paragraph, stored in the WordDocument
/// stream in reverse order when `reversed` (as fast saves leave edited text at the end), one
/// PAPX page per paragraph and one CHPX page per character run, the fonts, and `prcs` (the
/// property modifiers that pieces' `prm` point to). `ident` 0xA5DC makes a Word 6 header.
fn word97_file(
    paras: &[WordPara],
    reversed: bool,
    fonts: &[&str],
    prcs: &[Vec<u8>],
    ident: u16,
) -> Vec<u8> {
    let mut doc = vec![0u8; 1024];
    let order: Vec<usize> = if reversed {
        (0..paras.len()).rev().collect()
    } else {
        (0..paras.len()).collect()
    };
    // Each paragraph's first byte.
    let mut fc = vec![0u32; paras.len()];
    for &i in &order {
        fc[i] = u32::try_from(doc.len()).expect("small");
        let deleted = "删".repeat(paras[i].deleted);
        let deleted = if paras[i].eight_bit {
            "x".repeat(paras[i].deleted)
        } else {
            deleted
        };
        for c in paras[i].text.chars().chain(deleted.chars()) {
            if paras[i].eight_bit {
                doc.push(u8::try_from(u32::from(c)).expect("8-bit text"));
            } else {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    doc.extend(u.to_le_bytes());
                }
            }
        }
    }
    let width = |p: &WordPara| if p.eight_bit { 1u32 } else { 2 };
    let len = |p: &WordPara| u32::try_from(p.text.chars().count()).expect("small");
    let stored = |p: &WordPara| len(p) + u32::try_from(p.deleted).expect("small");
    let page = |doc: &mut Vec<u8>| {
        while !doc.len().is_multiple_of(512) {
            doc.push(0);
        }
        doc.extend([0u8; 512]);
        doc.len() - 512
    };
    // PAPX: one page per paragraph, pages in the order of their bytes.
    let mut papx_plc: (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    let mut by_fc: Vec<usize> = (0..paras.len()).collect();
    by_fc.sort_by_key(|&i| fc[i]);
    for &i in &by_fc {
        let p = &paras[i];
        let at = page(&mut doc);
        let (start, end) = (fc[i], fc[i] + stored(p) * width(p));
        let fkp = &mut doc[at..at + 512];
        fkp[0..4].copy_from_slice(&start.to_le_bytes());
        fkp[4..8].copy_from_slice(&end.to_le_bytes());
        fkp[8] = 0x20; // the PAPX at byte 0x40
        let mut data = vec![0u8, 0]; // istd 0
        data.extend(&p.papx);
        if data.len() % 2 == 1 {
            data.push(0);
        }
        fkp[0x40] = 0;
        fkp[0x41] = u8::try_from(data.len() / 2).expect("small papx");
        fkp[0x42..0x42 + data.len()].copy_from_slice(&data);
        fkp[511] = 1;
        papx_plc.0.push(start);
        papx_plc.1.push(u32::try_from(at / 512).expect("page"));
        if Some(&i) == by_fc.last() {
            papx_plc.0.push(end);
        }
    }
    // CHPX: one page per character run.
    let mut chpx_plc: (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    let mut runs: Vec<(u32, u32, &Vec<u8>)> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        for (k, grpprl) in &p.chpx {
            let start = fc[i] + u32::try_from(*k).expect("small") * width(p);
            runs.push((start, start + width(p), grpprl));
        }
    }
    runs.sort_by_key(|r| r.0);
    for (n, (start, end, grpprl)) in runs.iter().enumerate() {
        let at = page(&mut doc);
        let fkp = &mut doc[at..at + 512];
        fkp[0..4].copy_from_slice(&start.to_le_bytes());
        fkp[4..8].copy_from_slice(&end.to_le_bytes());
        fkp[8] = 0x20;
        fkp[0x40] = u8::try_from(grpprl.len()).expect("small chpx");
        fkp[0x41..0x41 + grpprl.len()].copy_from_slice(grpprl);
        fkp[511] = 1;
        chpx_plc.0.push(*start);
        chpx_plc.1.push(u32::try_from(at / 512).expect("page"));
        if n + 1 == runs.len() {
            chpx_plc.0.push(*end);
        }
    }
    // The table stream: fonts, CLX, the two PlcBtes.
    let mut table = Vec::new();
    let sttb_at = table.len();
    table.extend(u16::try_from(fonts.len()).expect("fonts").to_le_bytes());
    table.extend([0u8, 0]);
    for f in fonts {
        let mut ffn = vec![0u8; 39];
        for u in f.encode_utf16().chain([0]) {
            ffn.extend(u.to_le_bytes());
        }
        table.push(u8::try_from(ffn.len()).expect("font"));
        table.extend(ffn);
    }
    let sttb = (sttb_at, table.len() - sttb_at);
    let clx_at = table.len();
    for g in prcs {
        table.push(1);
        table.extend(u16::try_from(g.len()).expect("prc").to_le_bytes());
        table.extend(g);
    }
    let mut plc = Vec::new();
    let mut cp = 0u32;
    for p in paras {
        plc.extend(cp.to_le_bytes());
        cp += len(p);
    }
    plc.extend(cp.to_le_bytes());
    for (i, p) in paras.iter().enumerate() {
        plc.extend([0u8, 0]);
        let raw = if p.eight_bit {
            (fc[i] * 2) | 0x4000_0000
        } else {
            fc[i]
        };
        plc.extend(raw.to_le_bytes());
        plc.extend(p.prm.to_le_bytes());
    }
    table.push(2);
    table.extend(u32::try_from(plc.len()).expect("plc").to_le_bytes());
    table.extend(plc);
    let clx = (clx_at, table.len() - clx_at);
    let mut plc_bte = |plc: &(Vec<u32>, Vec<u32>)| {
        let at = table.len();
        for v in plc.0.iter().chain(&plc.1) {
            table.extend(v.to_le_bytes());
        }
        (at, table.len() - at)
    };
    let papx = plc_bte(&papx_plc);
    let chpx = plc_bte(&chpx_plc);
    // The FIB.
    doc[0..2].copy_from_slice(&ident.to_le_bytes());
    doc[2..4].copy_from_slice(&0x00C1u16.to_le_bytes());
    doc[0x0A..0x0C].copy_from_slice(&0x0200u16.to_le_bytes()); // 1Table
    doc[0x20] = 14;
    doc[0x3E] = 22;
    doc[0x4C..0x50].copy_from_slice(&cp.to_le_bytes());
    doc[0x98] = 93;
    for (index, (at, len)) in [(12, chpx), (13, papx), (15, sttb), (33, clx)] {
        let pos = 0x9A + 8 * index;
        doc[pos..pos + 4].copy_from_slice(&u32::try_from(at).expect("at").to_le_bytes());
        doc[pos + 4..pos + 8].copy_from_slice(&u32::try_from(len).expect("len").to_le_bytes());
    }
    let mut c = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("cfb");
    for (name, bytes) in [("/WordDocument", &doc), ("/1Table", &table)] {
        let mut s = c.create_stream(name).expect("stream");
        std::io::Write::write_all(&mut s, bytes).expect("write");
    }
    c.flush().expect("flush");
    c.into_inner().into_inner()
}

/// A 2×2 table and a paragraph after it, as Word writes them.
fn word97_table(a: &str, b: &str, c: &str, d: &str) -> Vec<WordPara> {
    let def = tdef(&[0, 1000, 2000], &[0, 0]);
    vec![
        wp("表前\r", &[]),
        wp(&format!("{a}\x07"), &[IN_TABLE]),
        wp(&format!("{b}\x07"), &[IN_TABLE]),
        wp("\x07", &[IN_TABLE, ROW_END, &def]),
        wp(&format!("{c}\x07"), &[IN_TABLE]),
        wp(&format!("{d}\x07"), &[IN_TABLE]),
        wp("\x07", &[IN_TABLE, ROW_END, &def]),
        wp("表后\r", &[]),
    ]
}

/// A fast-saved file keeps its edits at the end of the stream, so the pieces' bytes are out of
/// text order, some are 8-bit, and deleted text stays in the stream: the text is read in text
/// order and each paragraph gets the properties of the page run holding its own mark's byte
/// (a run's end may be deleted text that no character position reaches).
#[test]
fn a_fast_saved_word_file_reads_its_pieces_in_text_order() {
    let mut paras = word97_table("序号", "事项", "1", "低保");
    for (i, p) in paras.iter_mut().enumerate() {
        p.eight_bit = p.text.is_ascii() && i % 2 == 0;
        p.deleted = if p.text == "\x07" { 3 } else { 0 };
    }
    for reversed in [false, true] {
        let tables = doc_tables(&word97_file(&paras, reversed, &[], &[], 0xA5EC));
        assert_eq!(tables.len(), 1, "reversed {reversed}");
        assert_eq!(doc_rows(&tables[0]), [["序号", "事项"], ["1", "低保"]]);
        assert_eq!(tables[0].context, ["表前"]);
    }
}

/// A piece's property modifier (a fast save's Prc) applies after the page's properties: here
/// sprmPDtap -1 takes the paragraphs of the last row out of the table, as Word shows them.
#[test]
fn a_word_piece_modifier_can_take_paragraphs_out_of_a_table() {
    let mut paras = word97_table("a", "b", "c", "d");
    for p in &mut paras[4..7] {
        p.prm = 1; // Prc 0
    }
    let dtap = [vec![0x4A, 0x66, 0xFF, 0xFF, 0xFF, 0xFF]];
    let tables = doc_tables(&word97_file(&paras, false, &[], &dtap, 0xA5EC));
    assert_eq!(tables.len(), 1);
    assert_eq!(doc_rows(&tables[0]), [["a", "b"]]);
}

/// Symbols as Word stores them: the placeholder '(' with sprmCSymbol (font index, code) with or
/// without sprmCFSpec, a letter typed in a symbol font (sprmCRgFtc0), a Symbol-font √: checkbox
/// and tick symbols are marks, other symbols their character; a special '(' without a symbol
/// shows nothing and a plain '(' stays.
#[test]
fn word_symbols_read_as_marks_or_their_characters() {
    let fonts = ["Times New Roman", "Wingdings 2", "Symbol", "Wingdings"];
    let symbol = |font: u16, code: u16, spec: bool| {
        let mut g = Vec::new();
        if spec {
            g.extend([0x55, 0x08, 1]);
        }
        g.extend([0x09, 0x6A]);
        g.extend(font.to_le_bytes());
        g.extend(code.to_le_bytes());
        g
    };
    let def = tdef(&[0, 1000, 2000, 3000, 4000], &[0, 0, 0, 0]);
    let mut paras = vec![
        wp("(\x07", &[IN_TABLE]),
        wp("(\x07", &[IN_TABLE]),
        wp("R\x07", &[IN_TABLE]),
        wp("(\x07", &[IN_TABLE]),
        wp("\x07", &[IN_TABLE, ROW_END, &def]),
        wp("(\x07", &[IN_TABLE]),
        wp("(\x07", &[IN_TABLE]),
        wp("(见附件)\x07", &[IN_TABLE]),
        wp("(\x07", &[IN_TABLE]),
        wp("\x07", &[IN_TABLE, ROW_END, &def]),
    ];
    paras[0].chpx = vec![(0, symbol(1, 0xF052, false))];
    paras[1].chpx = vec![(0, symbol(1, 0xF0A3, true))];
    paras[2].chpx = vec![(0, vec![0x4F, 0x4A, 1, 0])];
    paras[2].eight_bit = true;
    paras[3].chpx = vec![(0, symbol(2, 0xF0D6, false))];
    paras[5].chpx = vec![(0, symbol(3, 0xF0FC, false))];
    paras[6].chpx = vec![(0, vec![0x55, 0x08, 1])];
    paras[8].chpx = vec![(0, symbol(2, 0xF06D, false))];
    let tables = doc_tables(&word97_file(&paras, false, &fonts, &[], 0xA5EC));
    assert_eq!(
        doc_rows(&tables[0]),
        [["■", "□", "■", "√"], ["■", "", "(见附件)", "μ"]]
    );
}

/// Word 97's own horizontal merge (TC80 fFirstMerged / fMerged: two cells, one shown) joins
/// the cells into one spanning both; cell borders a few twips apart (a border dragged by
/// hand) are one grid line, not a column of their own.
#[test]
fn word_97_merged_cell_flags_and_ragged_borders_make_spans_not_columns() {
    let paras = vec![
        wp("标题\x07", &[IN_TABLE]),
        wp("\x07", &[IN_TABLE]),
        wp("备注\x07", &[IN_TABLE]),
        wp(
            "\x07",
            &[IN_TABLE, ROW_END, &tdef(&[0, 1000, 2000, 3000], &[1, 2, 0])],
        ),
        wp("a\x07", &[IN_TABLE]),
        wp("b\x07", &[IN_TABLE]),
        wp("c\x07", &[IN_TABLE]),
        wp(
            "\x07",
            &[
                IN_TABLE,
                ROW_END,
                &tdef(&[-8, 1003, 1994, 3012], &[0, 0, 0]),
            ],
        ),
    ];
    let tables = doc_tables(&word97_file(&paras, false, &[], &[], 0xA5EC));
    assert_eq!(
        doc_rows(&tables[0]),
        [vec!["标题<2", "备注"], vec!["a", "b", "c"]]
    );
    assert_eq!(tables[0].grid_columns, Some(3));
}

/// A table whose last row never got its end mark (a damaged or hand-edited file) keeps that
/// row; a Word 6/95 file is refused by name, not misread.
#[test]
fn an_unended_word_row_is_kept_and_word_6_files_are_refused() {
    let mut paras = word97_table("a", "b", "c", "d");
    paras.remove(6);
    let tables = doc_tables(&word97_file(&paras, false, &[], &[], 0xA5EC));
    assert_eq!(doc_rows(&tables[0]), [["a", "b"], ["c", "d"]]);
    let dir = tempfile::tempdir().expect("tmp");
    let p = write(
        dir.path(),
        "旧.doc",
        &word97_file(&word97_table("a", "b", "c", "d"), false, &[], &[], 0xA5DC),
    );
    let (code, v) = run_quickly(&p, &[]);
    assert_eq!(code, 2, "{v:#}");
    assert_eq!(v["diagnostics"][0]["code"], "GK001", "{v:#}");
    let message = v["diagnostics"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("Word 6.0/95"), "{message}");
}

/// Text deleted with track changes on (sprmCFRMarkDel) stays in a `.doc` until the changes are
/// accepted; it is not what the document says, as `w:del` is skipped in `.docx`.
#[test]
fn word_97_text_deleted_with_track_changes_is_not_read() {
    let mut paras = word97_table("低保（已删）", "事项", "1", "2");
    paras[1].chpx = (2..6).map(|k| (k, vec![0x00, 0x08, 1])).collect();
    let tables = doc_tables(&word97_file(&paras, false, &[], &[], 0xA5EC));
    assert_eq!(doc_rows(&tables[0]), [["低保", "事项"], ["1", "2"]]);
}
