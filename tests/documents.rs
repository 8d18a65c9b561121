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
    let fr = gkml::read::read_file(p, Store::embedded(), None);
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
    assert_eq!(cats[0].unit.full_name.as_deref(), Some("曲沃县乐昌镇人民政府"));
    let lines = item_lines(&cats);
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert!(lines.iter().all(|l| l.starts_with("社会救助|")), "{lines:#?}");
    // Merged cells fill their rows; <p> is a line break; a source line break between CJK
    // characters disappears; checkbox inputs read as marks.
    assert!(lines[1].starts_with("社会救助|1|最低生活保障|办事指南|申请条件、\n办理流程|"));
    assert!(lines[0].contains("|信息形成或者变更之日起20个工作日内|"));
    assert!(lines[0].contains("[Known(Website)]"), "{}", lines[0]);
    assert!(lines[2].contains("Specific(Some(\"救助对象\"))"), "{}", lines[2]);
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
