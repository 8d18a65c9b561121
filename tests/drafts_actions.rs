//! The commands that act on a draft's cells (`validate --fix`, `validate --annotate`, `import`,
//! `diff`, `compile`) on the shapes the reader learned (tests/drafts_shapes.rs,
//! tests/drafts_unseen.rs): a header of three rows over a row of column numbers, section rows,
//! 同上 (ditto) cells, ●/○ and 有/无 marks, totals and note rows. Checked as a clerk would:
//! the fix changes the cells the diagnostics name and no other, the annotated copy marks the
//! cell named, import and diff see the items the reader sees.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use common::*;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use serde_json::Value;

const BASIS: &str = "《中华人民共和国政府信息公开条例》（国务院令第711号）";
const DEADLINE: &str = "信息形成或者变更之日起20个工作日内";

fn put(ws: &mut Worksheet, row: u32, cells: &[&str]) {
    for (c, v) in cells.iter().enumerate() {
        if !v.is_empty() {
            ws.write_string(row, c as u16, *v).expect("cell");
        }
    }
}

fn merge(ws: &mut Worksheet, r0: u32, c0: u16, r1: u32, c1: u16, text: &str) {
    ws.merge_range(r0, c0, r1, c1, text, &Format::new())
        .expect("merge");
}

/// A workbook as clerks send it: a title, a header of three rows (公开事项 over 一级/二级,
/// 公开要求 over 公开对象/方式/层级 over their mark columns), the row of column numbers, a
/// section row, two items (the second's basis, time limit, subject and channels 同上, its
/// 一级事项 merged down), a totals row and two note rows. Row 7's basis (E7) has a misbracketed
/// year, its channels (H7) pasted HTML; row 8's content (D8) stray spaces.
fn shaped_workbook(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("社会救助").expect("name");
    merge(ws, 0, 0, 0, 14, "乐昌镇基层政务公开标准目录");
    merge(ws, 1, 0, 3, 0, "序号");
    merge(ws, 1, 1, 1, 2, "公开事项");
    merge(ws, 2, 1, 3, 1, "一级事项");
    merge(ws, 2, 2, 3, 2, "二级事项");
    for (c, h) in [
        (3, "公开内容（要素）"),
        (4, "公开依据"),
        (5, "公开时限"),
        (6, "公开主体"),
        (7, "公开渠道和载体"),
    ] {
        merge(ws, 1, c, 3, c, h);
    }
    merge(ws, 1, 8, 1, 14, "公开要求");
    merge(ws, 2, 8, 2, 9, "公开对象");
    merge(ws, 2, 10, 2, 11, "公开方式");
    merge(ws, 2, 12, 2, 14, "公开层级");
    put(
        ws,
        3,
        &[
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "全社会",
            "特定群众",
            "主动",
            "依申请公开",
            "县级",
            "乡级",
            "村级",
        ],
    );
    let numbers: Vec<String> = (1..=15).map(|n| n.to_string()).collect();
    put(
        ws,
        4,
        &numbers.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    merge(ws, 5, 0, 5, 14, "一、社会救助领域");
    merge(ws, 6, 1, 7, 1, "最低生活保障");
    put(
        ws,
        6,
        &[
            "1",
            "",
            "低保审核确认",
            "条件、程序",
            "《社会救助暂行办法》（国务院令第649号）（民发(2021)57号）",
            DEADLINE,
            "乐昌镇人民政府",
            "<b>政府网站</b>",
            "●",
            "○",
            "●",
            "○",
            "○",
            "●",
            "○",
        ],
    );
    put(
        ws,
        7,
        &[
            "2",
            "",
            "低保金发放",
            "标准  金额",
            "同上",
            "同上",
            "同上",
            "同上",
            "有",
            "无",
            "有",
            "无",
            "无",
            "有",
            "无",
        ],
    );
    put(ws, 8, &["合计", "", "2项"]);
    merge(ws, 9, 0, 9, 14, "注：1.  本目录  由乐昌镇  编制。");
    put(ws, 10, &["", "", "说明：  渠道  见上"]);
    wb.save(path).expect("save");
}

/// Every cell of every sheet, as text, by (sheet, A1 name).
fn cells(path: &Path) -> BTreeMap<(String, String), String> {
    let mut book = calamine::open_workbook_auto(path).expect("workbook");
    let mut out = BTreeMap::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("sheet");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (i, row) in range.rows().enumerate() {
            for (j, v) in row.iter().enumerate() {
                if matches!(v, Data::Empty) {
                    continue;
                }
                let cell = a1(r0 + i as u32, c0 + j as u32);
                out.insert((name.clone(), cell), v.to_string());
            }
        }
    }
    out
}

fn a1(row: u32, col: u32) -> String {
    let mut c = col + 1;
    let mut letters = String::new();
    while c > 0 {
        letters.insert(0, (b'A' + ((c - 1) % 26) as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

fn validate_json(path: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "validate",
        "--format",
        "json",
        "--date",
        "2026-11-24",
        path.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    let o = gkml(&args);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    json(&o)
}

/// (code, cell) of each diagnostic, sorted.
fn places(report: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["cell"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `validate --fix` on a workbook of three header rows, column numbers, a section row,
/// 同上 cells, a totals row and notes: the corrected copy differs from the draft in exactly
/// the cells the diagnostics name (E7, H7, D8). The notes below the table (merged across it,
/// or in the 二级事项 column) had stray spaces too and used to be "fixed" as well; the title
/// and header were passed through the fix too.
#[test]
fn the_fixed_copy_changes_the_named_cells_and_no_note_title_or_header() {
    let dir = tempfile::tempdir().expect("tmp");
    let draft = dir.path().join("乐昌镇.xlsx");
    shaped_workbook(&draft);
    let report = validate_json(&draft, &[]);
    let named: Vec<(String, String)> = places(&report)
        .into_iter()
        .filter(|(c, _)| ["GK303", "GK601", "GK602"].contains(&c.as_str()))
        .collect();
    assert!(
        named.contains(&("GK303".into(), "E7".into()))
            && named.contains(&("GK601".into(), "H7".into()))
            && named.contains(&("GK602".into(), "D8".into())),
        "{named:?}"
    );
    let o = gkml(&["validate", "--fix", draft.to_str().expect("utf8")]);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    let fixed = dir.path().join("乐昌镇.fixed.xlsx");
    let (before, after) = (cells(&draft), cells(&fixed));
    let changed: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|(_, c)| c.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(changed, ["D8", "E7", "H7"], "{after:?}");
    let at = |c: &str| after[&("社会救助".to_string(), c.to_string())].clone();
    assert_eq!(
        at("E7"),
        "《社会救助暂行办法》（国务院令第649号）（民发〔2021〕57号）"
    );
    assert_eq!(at("H7"), "政府网站");
    assert_eq!(
        at("E8"),
        "同上",
        "the ditto cell is left as the clerk wrote it"
    );
    assert_eq!(at("A10"), "注：1.  本目录  由乐昌镇  编制。");
    // The copy reads back with nothing left to fix.
    let again = validate_json(&fixed, &[]);
    let left: Vec<_> = places(&again)
        .into_iter()
        .filter(|(c, _)| ["GK303", "GK601", "GK602"].contains(&c.as_str()))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The same shape as CSV, fixed in place: the note and section rows keep their bytes; the
/// records fixed are those of the cells named.
#[test]
fn a_csv_fix_leaves_note_section_and_number_rows_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("乐昌镇.csv");
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录,,,,,,,,,,,,,,\n\
         序号,公开事项,,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,,\n\
         ,一级事项,二级事项,,,,,,全社会,特定群众,主动,依申请公开,县级,乡级,村级\n\
         1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\
         一、社会救助领域,,,,,,,,,,,,,,\n\
         1,最低生活保障,低保审核确认,条件、程序,{BASIS}（民发(2021)57号）,{DEADLINE},乐昌镇人民政府,<p>政府网站</p>,●,,●,,,●,\n\
         2,最低生活保障,低保金发放,标准和金额,同上,同上,同上,同上,●,,●,,,●,\n\
         合计,,,,,,,,,,,,,,\n\
         ,,注：1.  本目录  由乐昌镇编制。,,,,,,,,,,,,\n"
    );
    std::fs::write(&path, &text).expect("write");
    let o = gkml(&["validate", "--fix", path.to_str().expect("utf8")]);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    let after = std::fs::read_to_string(&path).expect("read");
    let changed: Vec<(usize, &str)> = text
        .lines()
        .zip(after.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (_, b))| (i + 1, b))
        .collect();
    assert_eq!(
        changed,
        [(
            6,
            format!("1,最低生活保障,低保审核确认,条件、程序,{BASIS}（民发〔2021〕57号）,{DEADLINE},乐昌镇人民政府,政府网站,●,,●,,,●,").as_str()
        )],
        "{after}"
    );
}

/// A 同上 cell holds 同上: the HTML and stray spaces of the row above it stand in that row's
/// cells, and are reported there once. They used to be reported at the 同上 cell as well
/// (H8: "单元格中有网页代码"), and the annotated copy marked a cell that says 同上.
#[test]
fn html_and_spaces_of_the_row_above_are_not_reported_at_a_ditto_cell() {
    let dir = tempfile::tempdir().expect("tmp");
    let draft = dir.path().join("乐昌镇.xlsx");
    shaped_workbook(&draft);
    let got = places(&validate_json(&draft, &[]));
    let seen: Vec<_> = got
        .iter()
        .filter(|(c, _)| c == "GK601" || c == "GK602")
        .cloned()
        .collect();
    assert_eq!(
        seen,
        [
            ("GK601".to_string(), "H7".to_string()),
            ("GK602".to_string(), "D8".to_string())
        ],
        "{got:?}"
    );
    // validate and compile report the same diagnostics on this shape.
    let out = dir.path().join("out");
    let o = gkml(&[
        "compile",
        draft.to_str().expect("utf8"),
        "-o",
        out.to_str().expect("utf8"),
        "--allow-errors",
        "--date",
        "2026-11-24",
        "--format",
        "json",
    ]);
    let compiled: Value = serde_json::from_slice(&o.stderr).expect("json on stderr");
    assert_eq!(places(&compiled), got);
}

/// The annotated copy of a CSV with blank lines (between the title, the header and the
/// items): the reader counts a blank line as a row, as a spreadsheet shows it, so the
/// diagnostics name E5; the copy used to drop the blank lines, and E5 was an empty cell
/// two rows below the basis it was about.
#[test]
fn the_annotated_copy_of_a_csv_with_blank_lines_has_the_named_cell_where_it_is_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("乐昌镇.csv");
    let basis = "《社会救助暂行办法》（国务院令第649号）（民发(2021)57号）";
    std::fs::write(
        &path,
        format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n\n\
             序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开\n\n\
             1,最低生活保障,低保审核确认,条件,\"{basis}\",{DEADLINE},乐昌镇人民政府,政府网站,✓,,✓,\n"
        ),
    )
    .expect("write");
    let report = validate_json(&path, &[]);
    let gk303 = diagnostic(&report, "GK303").expect("GK303");
    assert_eq!(gk303["cell"], "E5");
    let out = dir.path().join("批注.xlsx");
    let o = gkml(&[
        "validate",
        path.to_str().expect("utf8"),
        "--annotate",
        out.to_str().expect("utf8"),
    ]);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    let copy = cells(&out);
    assert_eq!(
        copy.get(&("草稿".to_string(), "E5".to_string()))
            .map(String::as_str),
        Some(basis),
        "{copy:?}"
    );
    assert_eq!(
        copy.get(&("草稿".to_string(), "A1".to_string()))
            .map(String::as_str),
        Some("乐昌镇社会救助领域基层政务公开标准目录")
    );
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("\u{feff}{text}")).expect("write");
    p
}

const PLAIN: &str = "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开,县级,乡级,村级,备注";

/// The draft as first sent: one header row, words spelled out, every cell filled.
fn first_version() -> String {
    let row = |n: &str, name: &str, content: &str| {
        format!("{n},最低生活保障,{name},{content},{BASIS},{DEADLINE},乐昌镇人民政府,政府网站、两微一端,✓,,✓,,,✓,,\n")
    };
    format!(
        "乐昌镇社会救助领域基层政务公开标准目录\n{PLAIN}\n{}{}",
        row("1", "低保审核确认", "条件、程序"),
        row("2", "低保金发放", "标准、金额")
    )
}

/// The same draft re-saved by another clerk: a section row, 同上 for the repeated cells,
/// √/□ channel cells as WPS writes them, ●/○ and 有/无 marks, a dash or slash where a mark or
/// a remark is not, 无 in 备注, a totals row.
fn resaved_version() -> String {
    format!(
        "乐昌镇基层政务公开标准目录\n{PLAIN}\n\
         一、社会救助领域\n\
         1,最低生活保障,低保审核确认,条件、程序,{BASIS},{DEADLINE},乐昌镇人民政府,√政府网站 √两微一端 □公示栏,●,○,●,○,—,●,—,/\n\
         2,最低生活保障,低保金发放,标准、金额,同上,同上,同上,同上,有,—,有,/,无,有,无,无\n\
         合计,,,,,,,,,,,,,,,\n"
    )
}

/// `diff` between the two: no item changed. A dash in a mark column used to read as a mark
/// (GK209, then GK201/GK202: both 全社会 and 特定群众), and a remark of "/" or 无 as a change
/// from blank.
#[test]
fn a_draft_resaved_with_ditto_marks_and_placeholders_shows_no_change() {
    let dir = tempfile::tempdir().expect("tmp");
    let old = write(dir.path(), "v1.csv", &first_version());
    let new = write(dir.path(), "v2.csv", &resaved_version());
    let report = validate_json(&new, &[]);
    assert_eq!(report["summary"]["errors"], 0, "{}", report["diagnostics"]);
    assert_eq!(
        report["summary"]["warnings"], 0,
        "{}",
        report["diagnostics"]
    );
    let o = gkml(&[
        "diff",
        old.to_str().expect("utf8"),
        new.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

/// Items of a compiled JSON by "domain/category/name", without id, 序号 and `source`.
fn keyed(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for s in v["sections"].as_array().expect("sections") {
        for i in s["items"].as_array().expect("items") {
            let mut i = i.clone();
            i["id"] = Value::Null;
            i["seq"] = Value::Null;
            if let Some(o) = i.as_object_mut() {
                o.remove("source");
            }
            out.insert(
                format!("{}/{}/{}", s["domain"], i["category"], i["name"]),
                i,
            );
        }
    }
    out
}

fn compiled(input: &Path, out: &Path) -> Value {
    let o = compile(input, out, &["--allow-errors", "--date", "2026-11-24"]);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    let json = std::fs::read_dir(out)
        .expect("out")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("a JSON output");
    serde_json::from_slice(&std::fs::read(json).expect("read")).expect("json")
}

/// `import` of the re-saved draft, then `compile` of the unit file, gives the items that
/// compiling the draft directly gives, and those are the first version's.
#[test]
fn import_then_compile_of_a_resaved_draft_gives_the_items_read_directly() {
    let dir = tempfile::tempdir().expect("tmp");
    let first = write(dir.path(), "v1.csv", &first_version());
    let draft = write(dir.path(), "v2.csv", &resaved_version());
    let direct = keyed(&compiled(&draft, &dir.path().join("direct")));
    let toml = dir.path().join("乐昌镇.toml");
    let o = gkml(&[
        "import",
        draft.to_str().expect("utf8"),
        "-o",
        toml.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let via = keyed(&compiled(&toml, &dir.path().join("via")));
    assert_eq!(direct, via);
    let original = keyed(&compiled(&first, &dir.path().join("first")));
    let strip = |m: &BTreeMap<String, Value>| -> BTreeMap<String, Value> {
        m.iter()
            .map(|(k, v)| {
                let mut v = v.clone();
                v["remarks"] = Value::Null;
                (k.clone(), v)
            })
            .collect()
    };
    assert_eq!(strip(&direct), strip(&original));
}

/// A cell pasted from Word keeps Windows line ends inside its quotes; the reader reads them as
/// Excel's line breaks and reports nothing. `--fix` used to rewrite the record anyway
/// (CRLF → LF inside the cell), a change no diagnostic named; the row it should fix, below
/// blank lines, is still found.
#[test]
fn fix_leaves_a_cell_with_windows_line_ends_as_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("乐昌镇.csv");
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\r\n\r\n\
         序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开\r\n\
         1,最低生活保障,低保审核确认,\"条件\r\n程序\",{BASIS},{DEADLINE},乐昌镇人民政府,政府网站,✓,,✓,\r\n\r\n\
         2,最低生活保障,低保金发放,标准,\"{BASIS}（民发(2021)57号）\",{DEADLINE},乐昌镇人民政府,<b>政府网站</b>,✓,,✓,\r\n"
    );
    std::fs::write(&path, &text).expect("write");
    let o = gkml(&["validate", "--fix", path.to_str().expect("utf8")]);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    let after = std::fs::read_to_string(&path).expect("read");
    let expected = text
        .replace(
            &format!("\"{BASIS}（民发(2021)57号）\""),
            &format!("{BASIS}（民发〔2021〕57号）"),
        )
        .replace("<b>政府网站</b>", "政府网站");
    assert_eq!(after, expected);
}

/// 同上 across a row of mark columns (one per channel under 公开渠道和载体, ●/○ for 公开对象
/// and 公开方式, one per level), as Word tables write a row that repeats the one above: each
/// mark is the mark above it, blank where that was blank. They used to be unreadable marks
/// read as set (GK209 ×3), while the channels became 其他（同上） and the row was told it had
/// no 政府网站 (GK210); 特定群众 and 依申请公开 were both marked (GK201, GK202).
#[test]
fn ditto_in_mark_columns_repeats_the_marks_above() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = write(
        dir.path(),
        "乐昌镇.csv",
        &format!(
            "序号,公开事项,,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,,,,公开对象,,公开方式,,公开层级,,\r\n\
             ,一级事项,二级事项,,,,,政府网站,两微一端,公示栏,其他,全社会,特定群众,主动,依申请公开,县级,乡级,村级\r\n\
             一、社会救助领域\r\n\
             1,最低生活保障,低保对象认定,认定条件,{BASIS},{DEADLINE},乐昌镇人民政府,●,○,●,基层公共服务平台,●,○,●,○,○,●,○\r\n\
             2,最低生活保障,特困人员认定,认定条件,同上,同上,同上,同上,同上,同上,同上,同上,同上,同上,同上,同上,同上,同上\r\n"
        ),
    );
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got = items(&cats);
    let (a, b) = (got[0].1, got[1].1);
    assert_eq!(b.name, "特困人员认定");
    assert_eq!(b.channels, a.channels);
    assert_eq!(a.channels.len(), 3, "{:?}", a.channels);
    assert_eq!(b.audience, a.audience);
    assert_eq!(b.mode, a.mode);
    assert_eq!(b.levels, a.levels);
    assert_eq!(a.levels.len(), 1);
}

/// 同上 under 一级事项 is the group above, like a blank or merged cell. It used to be read as
/// a group named 同上: compile printed it, and `diff` against the draft with the group written
/// out showed the item removed and added again.
#[test]
fn ditto_under_the_category_is_the_group_above() {
    let dir = tempfile::tempdir().expect("tmp");
    let old = write(dir.path(), "v1.csv", &first_version());
    let new = write(
        dir.path(),
        "v2.csv",
        &first_version().replace("2,最低生活保障,", "2,同上,"),
    );
    let (cats, diags) = read_checked(&new);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got = items(&cats);
    assert_eq!(got[1].1.category, "最低生活保障");
    let o = gkml(&[
        "diff",
        old.to_str().expect("utf8"),
        new.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}
