//! Reliability of the one pipeline (issue "Reliability, round two", items 2, 3 and 9): units
//! of one draft are written on their own merits in any row order, an over-long value is a
//! content error instead of an aborted county, and a junk file's diagnostics are capped
//! while every problem is still counted.

mod common;

use std::path::Path;

use common::*;
// Every run here is under the hostile budget (2 GiB, 30 s): a bomb fails the test.
use common::{compile_bounded as compile, gkml_bounded as gkml};

const HEADER: &str = "单位,领域,序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开,公开层级,备注";

fn row(unit: &str, name: &str, basis: &str) -> String {
    format!(
        "{unit},社会救助,,最低生活保障,{name},{name}的相关信息,{basis},信息形成或者变更之日起20个工作日内,{unit}人民政府,政府网站,✓,,✓,,乡级,"
    )
}

const BASIS: &str = "《中华人民共和国政府信息公开条例》（国务院令第711号）";

fn write_csv(path: &Path, rows: &[String]) {
    let mut text = String::from("\u{feff}");
    text.push_str(HEADER);
    for r in rows {
        text.push_str("\r\n");
        text.push_str(r);
    }
    text.push_str("\r\n");
    std::fs::write(path, text).expect("write draft");
}

#[test]
fn one_units_error_does_not_stop_another_unit_whatever_the_row_order() {
    let bad = row("甲镇", "办事指南", "");
    let good = row("乙镇", "办事指南", BASIS);
    for rows in [vec![bad.clone(), good.clone()], vec![good, bad]] {
        let dir = tempfile::tempdir().expect("tmp");
        let draft = dir.path().join("全县.csv");
        write_csv(&draft, &rows);
        let out = dir.path().join("out");
        // 乙镇's earlier outputs must survive 甲镇's error.
        std::fs::create_dir_all(&out).expect("mkdir");
        let o = compile(&draft, &out, &["--quiet"]);
        assert_eq!(
            code(&o),
            1,
            "甲镇's missing basis is an error: {}",
            stderr(&o)
        );
        assert!(
            out.join("乙镇.xlsx").is_file(),
            "乙镇 is written: {}",
            stderr(&o)
        );
        assert!(out.join("乙镇.csv").is_file());
        assert!(!out.join("甲镇.xlsx").exists(), "甲镇 is not");
    }
}

fn long_reference(dir: &Path, name: &str, content: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(
        &p,
        format!(
            "name = \"{name}\"\nkind = \"乡镇\"\n\n[[sections]]\ndomain = \"社会救助\"\nreference = false\n\n[[sections.add]]\ncategory = \"最低生活保障\"\nname = \"政策\"\ncontent = \"{content}\"\nbasis = \"{BASIS}\"\ndeadline = \"信息形成或者变更之日起20个工作日内\"\nsubject = \"{{unit}}\"\nchannels = [\"政府网站\"]\naudience = \"全社会\"\nmode = \"主动\"\nlevels = [\"乡级\"]\n"
        ),
    )
    .expect("write unit");
    p
}

#[test]
fn a_value_longer_than_a_cell_is_gk607_in_validate_and_compile_and_the_county_is_still_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let long = "要素、".repeat(12_000);
    long_reference(dir.path(), "甲镇", &long);
    long_reference(dir.path(), "乙镇", "政策文件名称、文号");
    std::fs::write(
        dir.path().join("county.toml"),
        "county = \"某县\"\n[[units]]\npath = \"甲镇.toml\"\n[[units]]\npath = \"乙镇.toml\"\n",
    )
    .expect("write county");
    let v = gkml(&[
        "validate",
        "--format",
        "json",
        dir.path().to_str().expect("utf8"),
    ]);
    assert_eq!(code(&v), 1, "{}", stdout(&v));
    assert!(diagnostic(&json(&v), "GK607").is_some(), "{}", stdout(&v));

    let out = dir.path().join("out");
    let o = compile(dir.path(), &out, &["--quiet"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(out.join("乙镇.xlsx").is_file(), "the other unit is written");
    assert!(out.join("index.html").is_file() && out.join("汇总表.xlsx").is_file());
    assert!(
        !out.join("甲镇.xlsx").exists(),
        "the unit with the error is not"
    );

    // Forced: the workbook cell is cut at the limit with a note; the CSV keeps every character.
    let o = compile(dir.path(), &out, &["--quiet", "--allow-errors"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("甲镇.csv")).expect("csv");
    assert!(csv.contains(&long));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(out.join("甲镇.xlsx")).expect("xlsx");
    let sheet = book.worksheet_range("社会救助").expect("sheet");
    let longest = sheet
        .cells()
        .map(|(_, _, c)| c.to_string().chars().count())
        .max()
        .unwrap_or(0);
    assert_eq!(longest, 32_767, "cut exactly at the cell limit");
}

#[test]
fn diagnostics_are_capped_per_code_but_every_problem_is_counted_and_sets_the_exit_code() {
    let dir = tempfile::tempdir().expect("tmp");
    let draft = dir.path().join("junk.csv");
    let rows: Vec<String> = (0..1_500)
        .map(|i| row("甲镇", &format!("事项{i}"), ""))
        .collect();
    write_csv(&draft, &rows);
    let p = draft.to_str().expect("utf8");
    let v = gkml(&["validate", "--format", "json", p]);
    let report = json(&v);
    let listed = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| d["code"] == "GK103")
        .count();
    assert_eq!(listed, 1_000, "at most 1,000 of one code");
    assert_eq!(report["summary"]["errors"], 1_500, "every problem counted");
    assert_eq!(report["summary"]["omitted"], 500);
    assert_eq!(code(&v), 1);

    let text = gkml(&["validate", p]);
    assert!(
        stdout(&text).contains("另有 500 个同类问题未逐条列出"),
        "{}",
        stdout(&text)
    );

    let all = gkml(&["validate", "--format", "json", "--max-diagnostics", "0", p]);
    assert_eq!(json(&all)["summary"]["omitted"], 0);
    let listed = json(&all)["diagnostics"].as_array().expect("array").len();
    assert!(listed >= 1_500);

    // An error left out by the cap still fails the run.
    let few = gkml(&[
        "validate",
        "--format",
        "json",
        "--max-diagnostics",
        "1",
        "--select",
        "GK103",
        p,
    ]);
    assert_eq!(
        json(&few)["diagnostics"].as_array().expect("array").len(),
        1
    );
    assert_eq!(code(&few), 1);
}

#[test]
fn a_unit_whose_file_cannot_be_read_leaves_no_stale_outputs() {
    let dir = tempfile::tempdir().expect("tmp");
    long_reference(dir.path(), "甲镇", "政策文件名称、文号");
    std::fs::write(
        dir.path().join("county.toml"),
        "county = \"某县\"\n[[units]]\npath = \"甲镇.toml\"\n",
    )
    .expect("write county");
    let out = dir.path().join("out");
    assert_eq!(code(&compile(dir.path(), &out, &["--quiet"])), 0);
    assert!(out.join("甲镇.xlsx").is_file());
    std::fs::write(dir.path().join("甲镇.toml"), "name = \"甲镇\n").expect("break it");
    let o = compile(dir.path(), &out, &["--quiet"]);
    assert_ne!(code(&o), 0);
    for ext in ["xlsx", "html", "csv", "json"] {
        assert!(
            !out.join(format!("甲镇.{ext}")).exists(),
            "stale 甲镇.{ext} removed"
        );
    }
}

#[test]
fn with_allow_errors_a_colliding_unit_is_neither_linked_nor_summarised() {
    let dir = tempfile::tempdir().expect("tmp");
    long_reference(dir.path(), "甲镇", "政策文件名称、文号");
    let second = dir.path().join("乙");
    std::fs::create_dir_all(&second).expect("mkdir");
    long_reference(&second, "甲镇", "政策文件名称、文号");
    std::fs::write(
        dir.path().join("county.toml"),
        "county = \"某县\"\n[[units]]\npath = \"甲镇.toml\"\n[[units]]\npath = \"乙/甲镇.toml\"\n",
    )
    .expect("write county");
    let out = dir.path().join("out");
    let o = compile(dir.path(), &out, &["--quiet", "--allow-errors"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let merged = std::fs::read_to_string(out.join("全县汇总目录.csv")).expect("csv");
    assert_eq!(
        merged.lines().filter(|l| l.starts_with("甲镇,")).count(),
        1,
        "only the first 甲镇's item is summarised:\n{merged}"
    );
    let index = std::fs::read_to_string(out.join("index.html")).expect("index");
    assert_eq!(
        index.matches("href=\"%E7%94%B2%E9%95%87.html\"").count()
            + index.matches("href=\"甲镇.html\"").count(),
        1,
        "{index}"
    );
}

#[test]
fn a_section_row_naming_several_domains_sets_the_first() {
    let dir = tempfile::tempdir().expect("tmp");
    let draft = dir.path().join("d.csv");
    let header = "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开,备注";
    let section = "社会救助领域、养老服务领域,".repeat(13);
    let item = format!("1,最低生活保障,办事指南,办事指南的相关信息,{BASIS},信息形成或者变更之日起20个工作日内,某镇人民政府,政府网站,✓,,✓,,");
    std::fs::write(
        &draft,
        format!("{header}\n{}\n{item}\n", section.trim_end_matches(',')),
    )
    .expect("write");
    let v = gkml(&[
        "validate",
        "--format",
        "json",
        draft.to_str().expect("utf8"),
    ]);
    let report = json(&v);
    assert_eq!(
        report["summary"]["items"], 1,
        "the section row is not an item: {report}"
    );
    assert!(
        diagnostic(&report, "GK010").is_none(),
        "the rows below have a domain: {report}"
    );
}

#[test]
fn a_control_character_in_a_unit_column_is_gk606_in_validate_as_in_compile() {
    let dir = tempfile::tempdir().expect("tmp");
    let draft = dir.path().join("全县.csv");
    write_csv(&draft, &[row("甲\u{1b}]0;x\u{7}镇", "办事指南", BASIS)]);
    let v = gkml(&[
        "validate",
        "--format",
        "json",
        draft.to_str().expect("utf8"),
    ]);
    assert!(diagnostic(&json(&v), "GK606").is_some(), "{}", stdout(&v));
    assert_eq!(code(&v), 1);
    let out = dir.path().join("out");
    let c = compile(&draft, &out, &["--quiet", "--format", "json"]);
    let compiled: serde_json::Value = serde_json::from_slice(&c.stderr).expect("json");
    assert!(diagnostic(&compiled, "GK606").is_some());
}
