//! The tables for people: XLSX and HTML agree with the CSV, read back, escape everything,
//! and come out byte-identical for the same input and date.

mod common;

use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::*;

const DATE: &str = "2026-11-24";

fn compile_to(input: &Path, out: &Path) -> std::process::Output {
    gkml(&[
        "compile",
        input.to_str().expect("utf8"),
        "-o",
        out.to_str().expect("utf8"),
        "--date",
        DATE,
    ])
}

fn town(out: &Path) -> PathBuf {
    let o = compile_to(&fixture("units/鱼岳镇.toml"), out);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    out.to_path_buf()
}

fn json_item_names(dir: &Path) -> Vec<(String, String)> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("鱼岳镇.json")).expect("json"))
            .expect("json");
    v["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| {
            let d = s["domain"].as_str().expect("domain").to_string();
            s["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(move |i| (d.clone(), i["name"].as_str().expect("name").to_string()))
        })
        .collect()
}

fn cell(r: &calamine::Range<Data>, row: u32, col: u32) -> String {
    r.get_value((row, col))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn xlsx_has_cover_and_one_sheet_per_section_in_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = town(dir.path());
    let wb: Xlsx<_> = open_workbook(out.join("鱼岳镇.xlsx")).expect("open xlsx");
    assert_eq!(
        wb.sheet_names(),
        vec!["说明", "概况信息", "社会救助", "养老服务"]
    );
}

#[test]
fn xlsx_title_and_two_row_header_are_exact_and_merged() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = town(dir.path());
    let mut wb: Xlsx<_> = open_workbook(out.join("鱼岳镇.xlsx")).expect("open xlsx");
    let r = wb.worksheet_range("社会救助").expect("sheet");
    assert_eq!(cell(&r, 0, 0), "嘉鱼县鱼岳镇人民政府基层政务公开标准目录");
    let top: Vec<String> = (0..15).map(|c| cell(&r, 2, c)).collect();
    let sub: Vec<String> = (0..15).map(|c| cell(&r, 3, c)).collect();
    assert_eq!(
        top,
        [
            "序号",
            "公开事项",
            "",
            "公开内容（要素）",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
            "公开对象",
            "",
            "公开方式",
            "",
            "公开层级",
            "",
            "备注"
        ]
    );
    assert_eq!(
        sub,
        [
            "",
            "一级事项",
            "二级事项",
            "",
            "",
            "",
            "",
            "",
            "全社会",
            "特定群众",
            "主动",
            "依申请公开",
            "乡级",
            "村级",
            ""
        ]
    );
    let merges: Vec<((u32, u32), (u32, u32))> = wb
        .merge_cells_by_sheet_name("社会救助")
        .expect("merged cells")
        .iter()
        .map(|d| (d.start, d.end))
        .collect();
    for expected in [
        ((0, 0), (0, 14)),  // title across the table
        ((2, 0), (3, 0)),   // 序号 over both header rows
        ((2, 1), (2, 2)),   // 公开事项 over 一级/二级
        ((2, 8), (2, 9)),   // 公开对象
        ((2, 10), (2, 11)), // 公开方式
        ((2, 12), (2, 13)), // 公开层级 over the levels present
    ] {
        assert!(merges.contains(&expected), "{expected:?} not in {merges:?}");
    }
    // 序号 and 一级事项 are merged over the 二级 rows of each group: the first group of
    // 社会救助 (综合业务) has two items at a town (zonghe-funds is 县级).
    assert_eq!(cell(&r, 4, 1), "综合业务");
    assert!(merges.contains(&((4, 0), (5, 0))), "{merges:?}");
    assert!(merges.contains(&((4, 1), (5, 1))), "{merges:?}");
}

#[test]
fn xlsx_reads_back_as_the_same_items() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = town(dir.path());
    let again = dir.path().join("again");
    let o = compile_to(&out.join("鱼岳镇.xlsx"), &again);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let strip = |p: &Path| -> serde_json::Value {
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(p).expect("json")).expect("json");
        for s in v["sections"].as_array_mut().expect("sections") {
            for i in s["items"].as_array_mut().expect("items") {
                i["id"] = serde_json::Value::Null;
                // Reference provenance is not a column of the table.
                if let Some(o) = i.as_object_mut() {
                    o.remove("source");
                }
            }
        }
        v["sections"].clone()
    };
    assert_eq!(
        strip(&out.join("鱼岳镇.json")),
        strip(&again.join("鱼岳镇.json"))
    );
}

#[test]
fn xlsx_html_and_csv_carry_the_same_items_in_the_same_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = town(dir.path());
    let names = json_item_names(&out);
    assert_eq!(names.len(), 46);
    // CSV rows, in order.
    let mut rdr = csv::Reader::from_path(out.join("鱼岳镇.csv")).expect("csv");
    let csv_names: Vec<(String, String)> = rdr
        .records()
        .map(|r| r.expect("record"))
        .map(|r| (r[1].to_string(), r[4].to_string()))
        .collect();
    assert_eq!(csv_names, names);
    // XLSX: the 二级事项 column of each section sheet, in order.
    let mut wb: Xlsx<_> = open_workbook(out.join("鱼岳镇.xlsx")).expect("open");
    let mut xlsx_names = Vec::new();
    for sheet in ["概况信息", "社会救助", "养老服务"] {
        let r = wb.worksheet_range(sheet).expect("sheet");
        for row in 4..r.end().map(|e| e.0 + 1).unwrap_or(0) {
            xlsx_names.push((sheet.to_string(), cell(&r, row, 2)));
        }
    }
    assert_eq!(xlsx_names, names);
    // HTML: every item name appears as a cell, in the same order.
    let html = std::fs::read_to_string(out.join("鱼岳镇.html")).expect("html");
    let mut pos = 0;
    for (_, n) in &names {
        let needle = format!("<td>{n}</td>");
        let found = html[pos..]
            .find(&needle)
            .unwrap_or_else(|| panic!("{n} missing or out of order"));
        pos += found + needle.len();
    }
    assert_eq!(
        html.matches("<tr>").count(),
        names.len() + 2 * 3,
        "one row per item plus two header rows per section"
    );
}

#[test]
fn html_matches_golden() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = town(dir.path());
    assert_golden(
        "鱼岳镇.html",
        &std::fs::read(out.join("鱼岳镇.html")).expect("html"),
    );
}

#[test]
fn html_is_self_contained_accessible_and_zh_cn() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = town(dir.path());
    let html = std::fs::read_to_string(out.join("鱼岳镇.html")).expect("html");
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"zh-CN\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    for external in ["<link", "src=", "@import", "url(", "http://", "https://"] {
        assert!(!html.contains(external), "external reference {external}");
    }
    assert!(html.contains("<th scope=\"colgroup\" colspan=\"2\">公开事项</th>"));
    assert!(html.contains("<th scope=\"col\" rowspan=\"2\">序号</th>"));
    assert!(html.contains("@page{size:A4 landscape"));
    assert!(html.contains("thead{display:table-header-group}"));
    assert!(
        html.contains("id=\"filter-box\" hidden"),
        "the filter box only appears with script"
    );
    assert!(
        html.contains("<a href=\"#d05\">社会救助领域</a>"),
        "table of contents links to the sections"
    );
}

#[test]
fn hostile_names_are_text_in_html_and_safe_as_file_names() {
    let dir = tempfile::tempdir().expect("tmp");
    let unit = dir.path().join("evil.toml");
    std::fs::write(
        &unit,
        r#"name = "<script>alert(1)</script>"
full_name = "<img src=x onerror=alert(1)>镇"
kind = "乡镇"
county = "嘉鱼县"

[[sections]]
domain = "社会救助"
reference = false

[[sections.add]]
category = "</td><script>x()</script>"
name = "a & b \" ' <i>"
content = "<b>粗体</b>"
basis = "《中华人民共和国政府信息公开条例》（国务院令第711号）"
deadline = "及时公开"
subject = "{unit}"
channels = ["政府网站"]
audience = "全社会"
mode = "主动"
"#,
    )
    .expect("write");
    let out = dir.path().join("out");
    let o = compile_to(&unit, &out);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let files: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("_script_alert(1)__script_")),
        "{files:?}"
    );
    let html = std::fs::read_to_string(out.join("_script_alert(1)__script_.html")).expect("html");
    assert!(
        !html.contains("<script>alert") && !html.contains("<script>x()"),
        "no injected script"
    );
    assert!(!html.contains("<img") && !html.contains("<b>粗体"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;镇基层政务公开标准目录"));
    assert!(html.contains("&lt;/td&gt;&lt;script&gt;x()&lt;/script&gt;"));
    assert!(html.contains("a &amp; b &quot; ' &lt;i&gt;"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only gkml's own filter script"
    );
}

#[test]
fn same_input_and_date_give_byte_identical_outputs() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    town(a.path());
    town(b.path());
    for f in ["鱼岳镇.xlsx", "鱼岳镇.html", "鱼岳镇.csv", "鱼岳镇.json"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).expect("a"),
            std::fs::read(b.path().join(f)).expect("b"),
            "{f}"
        );
    }
}

#[test]
fn source_date_epoch_sets_the_date_and_a_bad_date_exits_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("o");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gkml"))
        .args([
            "compile",
            fixture("units/鱼岳镇.toml").to_str().expect("utf8"),
            "-o",
            out.to_str().expect("utf8"),
        ])
        .env("SOURCE_DATE_EPOCH", "1795478400")
        .output()
        .expect("run");
    assert_eq!(code(&o), 0);
    let html = std::fs::read_to_string(out.join("鱼岳镇.html")).expect("html");
    assert!(html.contains("编制日期：2026年11月24日"));
    let bad = gkml(&[
        "compile",
        "tests/fixtures/units/鱼岳镇.toml",
        "-o",
        out.to_str().expect("utf8"),
        "--date",
        "2026-02-30x",
    ]);
    assert_eq!(code(&bad), 2);
}
