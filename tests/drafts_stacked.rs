//! Several tables stacked in one sheet or CSV, each with its own header: a township's
//! domains pasted one under another, where one domain's table writes 公开对象 and 公开方式 as
//! words and the next ticks mark columns under a two-row header. Each table is read with its
//! own header; a header repeated with other wording for the same columns (a page break) is
//! still passed over as before. The library path (compile, import, diff) and validate's
//! streaming path for CSV must agree.

mod common;

use std::path::Path;

use common::*;
use gkml::model::{Audience, Level, Mode};
use rust_xlsxwriter::Workbook;

const BASIS: &str = "《社会救助暂行办法》（国务院令第649号）";
const LAW: &str = "《中华人民共和国老年人权益保障法》";
const DEADLINE: &str = "信息形成或者变更之日起20个工作日内";

/// Two domains' tables in one sheet: words under a one-row header, then a title, a two-row
/// header (公开渠道和载体 / 公开对象 / 公开方式 / 公开层级 over their mark columns) and ticks.
/// Rows 4 and 10 lack 政府网站 (GK210, the only findings); nothing else is wrong.
fn stacked_rows() -> Vec<Vec<String>> {
    let rows: Vec<Vec<&str>> = vec![
        vec!["乐昌镇社会救助领域基层政务公开标准目录"],
        vec![
            "序号",
            "一级事项",
            "二级事项",
            "公开内容（要素）",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
            "公开对象",
            "公开方式",
            "公开层级",
        ],
        vec![
            "1",
            "最低生活保障",
            "低保政策文件",
            "最低生活保障政策文件",
            BASIS,
            DEADLINE,
            "乐昌镇人民政府",
            "政府网站、公示栏",
            "全社会",
            "主动",
            "乡级",
        ],
        vec![
            "2",
            "最低生活保障",
            "低保对象名单",
            "低保对象姓名、保障金额",
            BASIS,
            DEADLINE,
            "乐昌镇人民政府",
            "公示栏",
            "全社会",
            "主动",
            "乡级",
        ],
        vec![],
        vec!["乐昌镇养老服务领域基层政务公开标准目录"],
        vec![
            "序号",
            "一级事项",
            "二级事项",
            "公开内容（要素）",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
            "",
            "公开对象",
            "",
            "公开方式",
            "",
            "公开层级",
            "",
        ],
        vec![
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "政府网站",
            "公示栏",
            "全社会",
            "特定群众",
            "主动",
            "依申请公开",
            "县级",
            "乡级",
        ],
        vec![
            "1",
            "养老服务政策",
            "养老服务政策文件",
            "养老服务相关政策文件",
            LAW,
            DEADLINE,
            "乐昌镇人民政府",
            "√",
            "√",
            "√",
            "",
            "√",
            "",
            "",
            "√",
        ],
        vec![
            "2",
            "养老服务政策",
            "高龄津贴发放",
            "发放对象、标准",
            LAW,
            DEADLINE,
            "乐昌镇人民政府",
            "",
            "√",
            "",
            "√",
            "√",
            "",
            "",
            "√",
        ],
    ];
    rows.into_iter()
        .map(|r| r.into_iter().map(str::to_string).collect())
        .collect()
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(path)
        .expect("csv");
    for r in rows {
        w.write_record(if r.is_empty() {
            vec![String::new()]
        } else {
            r.clone()
        })
        .expect("row");
    }
    w.flush().expect("flush");
}

fn write_xlsx(path: &Path, rows: &[Vec<String>]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).expect("cell");
            }
        }
    }
    wb.save(path).expect("save");
}

/// What the stacked tables must read as, whatever the file.
fn assert_both_tables_read(path: &Path) {
    let (cats, diags) = read_checked(path);
    assert_eq!(codes(&diags), ["GK210@H4", "GK210@H10"], "{diags:#?}");
    let items = items(&cats);
    let names: Vec<(&str, &str)> = items
        .iter()
        .map(|(d, i)| (d.as_str(), i.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("社会救助", "低保政策文件"),
            ("社会救助", "低保对象名单"),
            ("养老服务", "养老服务政策文件"),
            ("养老服务", "高龄津贴发放"),
        ]
    );
    let (_, policy) = &items[2];
    let channels: Vec<String> = policy.channels.iter().map(|c| c.display()).collect();
    assert_eq!(channels, ["政府网站", "社区/企事业单位/村公示栏（电子屏）"]);
    assert_eq!(policy.audience, [Audience::Public]);
    assert_eq!(policy.mode, [Mode::Active]);
    assert_eq!(policy.levels, [Level::Town]);
    let (_, allowance) = &items[3];
    assert_eq!(allowance.audience, [Audience::Specific(None)]);
    assert_eq!(allowance.levels, [Level::Town]);
}

#[test]
fn a_csv_with_a_second_table_ticking_mark_columns_reads_it_with_its_own_header() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("乐昌镇.csv");
    write_csv(&path, &stacked_rows());
    assert_both_tables_read(&path);
}

#[test]
fn a_sheet_with_a_second_table_ticking_mark_columns_reads_it_with_its_own_header() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("乐昌镇.xlsx");
    write_xlsx(&path, &stacked_rows());
    assert_both_tables_read(&path);
}

#[test]
fn validate_streaming_a_csv_reports_the_stacked_tables_as_the_library_reads_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("乐昌镇.csv");
    write_csv(&path, &stacked_rows());
    let out = gkml(&[
        "validate",
        path.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let report = json(&out);
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{}@{}",
                d["code"].as_str().unwrap_or(""),
                d["cell"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(found, ["GK210@H4", "GK210@H10"], "{report:#}");
    assert_eq!(report["summary"]["items"], 4, "{report:#}");
}

#[test]
fn a_header_repeated_with_other_wording_for_the_same_columns_is_still_passed_over() {
    // A page break repeats the header as 公开内容 / 公开渠道 (the same columns), and later the
    // first row of a two-row header alone: neither starts a new table, nothing is reported
    // at them and the rows below read as before.
    let mut rows = stacked_rows();
    rows.truncate(4);
    let mut other = rows[1].clone();
    other[3] = "公开内容".to_string();
    other[7] = "公开渠道".to_string();
    let item = |n: &str, name: &str| {
        let mut r = rows[2].clone();
        r[0] = n.to_string();
        r[2] = name.to_string();
        r
    };
    let (i3, i4) = (item("3", "低保资金"), item("4", "低保审批"));
    rows.push(other);
    rows.push(i3);
    rows.push(i4);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("乐昌镇.csv");
    write_csv(&path, &rows);
    let (cats, diags) = read_checked(&path);
    assert_eq!(codes(&diags), ["GK210@H4"], "{diags:#?}");
    let names: Vec<&str> = items(&cats).iter().map(|(_, i)| i.name.as_str()).collect();
    assert_eq!(
        names,
        ["低保政策文件", "低保对象名单", "低保资金", "低保审批"]
    );
}

#[test]
fn a_file_of_nothing_but_alternating_headers_is_read_within_budget() {
    // 20,000 rows, each a header whose columns differ from the row above (the order of two
    // columns swapped): every one starts a new table. Each is looked at with the three rows
    // after it, no more, so the file is read a few times over, not thirty (200,000 such rows:
    // 3.9 s and 18 MB in a release build, against 0.4 s for 200,000 item rows).
    let rows = stacked_rows();
    let a = rows[1].join(",");
    let mut swapped = rows[1].clone();
    swapped.swap(3, 4);
    let b = swapped.join(",");
    let mut text = String::with_capacity(20_000 * (a.len() + 1));
    for k in 0..20_000 {
        text.push_str(if k % 2 == 0 { &a } else { &b });
        text.push('\n');
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("headers.csv"), text).expect("write");
    let out = gkml_bounded_in(dir.path(), &["validate", "headers.csv", "--format", "json"]);
    let report = json(&out);
    assert_eq!(report["summary"]["items"], 0, "{report:#}");
}
