//! The county project: every unit compiled in parallel, the county summary (覆盖情况, 责任分工,
//! 全县汇总目录) in three formats agreeing with the units, the portal index, gaps (缺), a
//! broken unit not stopping the others, init, completions and the man page.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx};
use common::*;

fn compile_project(project: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    compile(
        Path::new(project),
        out,
        &[&["--date", "2026-11-24"], extra].concat(),
    )
}

fn read_csv(p: &Path) -> Vec<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(p)
        .expect("csv");
    rdr.records()
        .map(|r| {
            r.expect("record")
                .iter()
                .map(|s| s.trim_start_matches('\u{feff}').to_string())
                .collect()
        })
        .collect()
}

#[test]
fn example_county_writes_the_three_summary_tables_in_three_formats_and_an_index() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = compile_project("examples/嘉鱼县", dir.path(), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for f in [
        "汇总表.xlsx",
        "汇总表.html",
        "覆盖情况.csv",
        "责任分工.csv",
        "全县汇总目录.csv",
        "index.html",
    ] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    let wb: Xlsx<_> = open_workbook(dir.path().join("汇总表.xlsx")).expect("xlsx");
    assert_eq!(
        wb.sheet_names(),
        vec!["覆盖情况", "责任分工", "全县汇总目录"]
    );
    let err = stderr(&o);
    assert!(
        err.contains("28 个单位") && err.contains("0 个错误") && err.contains("用时"),
        "summary line: {err}"
    );
    assert!(
        !err.contains("编译单位"),
        "no progress bar when stderr is not a terminal"
    );
}

#[test]
fn coverage_counts_equal_the_unit_catalogues_and_totals_add_up() {
    let dir = tempfile::tempdir().expect("tmp");
    assert_eq!(
        code(&compile_project("examples/嘉鱼县", dir.path(), &[])),
        0
    );
    let rows = read_csv(&dir.path().join("覆盖情况.csv"));
    let header = &rows[0];
    assert_eq!(header[0], "单位");
    assert_eq!(header[1], "类别");
    assert_eq!(header[2], "重大建设项目");
    assert_eq!(header[27], "扶贫");
    assert_eq!(&header[28..], ["合计", "错误", "警告"]);
    let mut column_sums = vec![0usize; 27];
    for row in &rows[1..rows.len() - 1] {
        // The unit's own JSON output, counted by domain.
        let json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.path().join(format!("{}.json", row[0]))).expect("unit json"),
        )
        .expect("json");
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for s in json["sections"].as_array().expect("sections") {
            if s["general"] == false {
                counts.insert(
                    s["domain"].as_str().expect("d").to_string(),
                    s["items"].as_array().expect("items").len(),
                );
            }
        }
        let mut total = 0;
        for (c, name) in header[2..28].iter().enumerate() {
            let cell = &row[2 + c];
            let expected = counts.get(name).copied().unwrap_or(0);
            if expected > 0 {
                assert_eq!(cell, &expected.to_string(), "{} / {name}", row[0]);
            } else {
                assert!(cell == "—" || cell == "缺", "{} / {name}: {cell}", row[0]);
            }
            column_sums[c] += expected;
            total += expected;
        }
        column_sums[26] += total;
        assert_eq!(row[28], total.to_string(), "{} 合计", row[0]);
    }
    let last = rows.last().expect("合计 row");
    assert_eq!(last[0], "合计");
    for (c, sum) in column_sums.iter().enumerate() {
        assert_eq!(last[2 + c], sum.to_string(), "column {}", header[2 + c]);
    }
    // The merged county catalogue holds every item of every unit, domain and general.
    let merged = read_csv(&dir.path().join("全县汇总目录.csv"));
    let json_total: usize = std::fs::read_dir(dir.path())
        .expect("out")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| {
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(e.path()).expect("read")).expect("json");
            v["items"].as_u64().expect("items") as usize
        })
        .sum();
    assert_eq!(merged.len() - 1, json_total);
}

#[test]
fn the_summary_workbook_round_trips_with_the_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    assert_eq!(
        code(&compile_project("examples/嘉鱼县", dir.path(), &[])),
        0
    );
    let csv = read_csv(&dir.path().join("覆盖情况.csv"));
    let mut wb: Xlsx<_> = open_workbook(dir.path().join("汇总表.xlsx")).expect("xlsx");
    let r = wb.worksheet_range("覆盖情况").expect("sheet");
    for (i, row) in csv.iter().enumerate() {
        let got: Vec<String> = (0..row.len())
            .map(|c| {
                r.get_value((1 + i as u32, c as u32))
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(&got, row, "row {i}");
    }
    let duties = read_csv(&dir.path().join("责任分工.csv"));
    assert_eq!(duties[0], ["序号", "试点领域", "牵头单位", "配合单位"]);
    assert!(
        duties
            .iter()
            .any(|d| d[1] == "社会救助领域、养老服务领域" && d[2] == "县民政局"),
        "{duties:?}"
    );
}

#[test]
fn the_index_links_every_written_unit_and_the_summary() {
    let dir = tempfile::tempdir().expect("tmp");
    assert_eq!(
        code(&compile_project("examples/嘉鱼县", dir.path(), &[])),
        0
    );
    let index = std::fs::read_to_string(dir.path().join("index.html")).expect("index");
    let pages: Vec<String> = std::fs::read_dir(dir.path())
        .expect("out")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".html") && n != "index.html" && n != "汇总表.html")
        .collect();
    assert_eq!(pages.len(), 28);
    for p in &pages {
        assert!(index.contains(&format!("href=\"{p}\"")), "{p}");
    }
    assert!(index.contains("href=\"汇总表.html\""));
    let kinds: Vec<usize> = ["<h2>县政府</h2>", "<h2>县直部门</h2>", "<h2>乡镇</h2>"]
        .iter()
        .map(|h| index.find(h).expect(h))
        .collect();
    assert!(
        kinds.windows(2).all(|w| w[0] < w[1]),
        "grouped by kind, in order"
    );
}

#[test]
fn a_gap_shows_as_que_and_a_broken_unit_does_not_stop_the_others() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = compile_project("tests/fixtures/project_gap", dir.path(), &[]);
    assert_eq!(code(&o), 2, "the unreadable unit makes the exit code 2");
    let err = stderr(&o);
    assert!(err.contains("丙镇.toml:2:11: 错误[GK002]"), "{err}");
    assert!(err.contains("警告[GK701]") && err.contains("乙镇"), "{err}");
    for f in [
        "甲镇.csv",
        "乙镇.csv",
        "测试县民政局.csv",
        "覆盖情况.csv",
        "index.html",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} is still written");
    }
    let rows = read_csv(&dir.path().join("覆盖情况.csv"));
    let col = rows[0]
        .iter()
        .position(|h| h == "社会救助")
        .expect("column");
    let yi = rows.iter().find(|r| r[0] == "乙镇").expect("乙镇 row");
    assert_eq!(yi[col], "缺");
    let jia = rows.iter().find(|r| r[0] == "甲镇").expect("甲镇 row");
    assert_ne!(jia[col], "缺");
    let bing = rows.iter().find(|r| r[0] == "丙镇").expect("丙镇 row");
    assert_eq!(bing[bing.len() - 2], "1", "its error is counted");
    let html = std::fs::read_to_string(dir.path().join("汇总表.html")).expect("html");
    assert!(html.contains("<td class=\"gap\">缺</td>"));
}

#[test]
fn summary_writes_only_the_summary_tables() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = gkml(&[
        "summary",
        "examples/嘉鱼县",
        "-o",
        dir.path().to_str().expect("utf8"),
        "--date",
        "2026-11-24",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .expect("out")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "全县汇总目录.csv",
            "汇总表.html",
            "汇总表.xlsx",
            "覆盖情况.csv",
            "责任分工.csv"
        ]
    );
    let not_a_project = gkml(&[
        "summary",
        "tests/fixtures",
        "-o",
        dir.path().to_str().expect("utf8"),
    ]);
    assert_eq!(code(&not_a_project), 2);
}

#[test]
fn project_outputs_are_byte_identical_across_runs() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    compile_project("examples/嘉鱼县", a.path(), &[]);
    compile_project("examples/嘉鱼县", b.path(), &[]);
    for f in [
        "汇总表.xlsx",
        "汇总表.html",
        "覆盖情况.csv",
        "全县汇总目录.csv",
        "index.html",
        "鱼岳镇.xlsx",
    ] {
        assert_eq!(
            std::fs::read(a.path().join(f)).expect("a"),
            std::fs::read(b.path().join(f)).expect("b"),
            "{f}"
        );
    }
}

#[test]
fn validate_on_a_project_reports_coverage_gaps() {
    let o = gkml(&["validate", "--format", "json", "tests/fixtures/project_gap"]);
    let v = json(&o);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"GK701") && codes.contains(&"GK002"),
        "{codes:?}"
    );
}

#[test]
fn init_then_compile_reaches_a_clean_catalogue_in_two_commands() {
    let dir = tempfile::tempdir().expect("tmp");
    let project = dir.path().join("某县");
    let o = gkml(&[
        "init",
        project.to_str().expect("utf8"),
        "--county",
        "某县",
        "--towns",
        "甲镇,乙镇",
        "--subdistricts",
        "城关街道",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(project.join("county.toml").is_file() && project.join("towns/甲镇.toml").is_file());
    let out = dir.path().join("out");
    let o = gkml(&[
        "compile",
        project.to_str().expect("utf8"),
        "-o",
        out.to_str().expect("utf8"),
        "--date",
        "2026-11-24",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("0 个错误，0 个警告"), "{}", stderr(&o));
    assert!(
        out.join("甲镇.xlsx").is_file()
            && out.join("城关街道.html").is_file()
            && out.join("汇总表.xlsx").is_file()
    );
    // init never overwrites.
    let again = gkml(&["init", project.to_str().expect("utf8"), "--county", "某县"]);
    assert_eq!(code(&again), 2);
}

#[test]
fn init_writes_a_single_unit_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let unit = dir.path().join("鱼岳镇.toml");
    let o = gkml(&[
        "init",
        unit.to_str().expect("utf8"),
        "--county",
        "嘉鱼县",
        "--kind",
        "乡镇",
        "--name",
        "鱼岳镇",
        "--domains",
        "社会救助,养老服务",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&unit).expect("unit");
    assert!(
        text.contains("full_name = \"嘉鱼县鱼岳镇人民政府\"")
            && text.contains("domain = \"养老服务\""),
        "{text}"
    );
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        unit.to_str().expect("utf8"),
    ]));
    assert_eq!(v["summary"]["errors"], 0);
    // Off a terminal, a missing required value is an error, not a question.
    let missing = gkml(&[
        "init",
        dir.path().join("x.toml").to_str().expect("utf8"),
        "--county",
        "嘉鱼县",
    ]);
    assert_eq!(code(&missing), 2);
}

#[test]
fn completions_and_man_page_come_from_the_command_definitions() {
    let bash = gkml(&["completions", "bash"]);
    assert_eq!(code(&bash), 0);
    let s = stdout(&bash);
    assert!(s.contains("gkml") && s.contains("validate") && s.contains("--allow-errors"));
    let man = gkml(&["man"]);
    assert_eq!(code(&man), 0);
    assert!(
        stdout(&man).starts_with(".ie") || stdout(&man).contains(".TH"),
        "roff"
    );
    for shell in ["zsh", "fish", "powershell"] {
        assert_eq!(code(&gkml(&["completions", shell])), 0, "{shell}");
    }
}
