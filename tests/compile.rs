//! `gkml compile`: files written, golden outputs, errors that block writing, round trips.

mod common;

use std::path::Path;

use common::*;

#[test]
fn town_compiles_to_csv_and_json_matching_golden() {
    let out = tempfile::tempdir().expect("tmp");
    let o = compile(&fixture("units/鱼岳镇.toml"), out.path(), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let csv = std::fs::read(out.path().join("鱼岳镇.csv")).expect("csv written");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    assert!(String::from_utf8_lossy(&csv).contains("\r\n"), "CRLF");
    assert_golden("鱼岳镇.csv", &csv);
    let json = std::fs::read(out.path().join("鱼岳镇.json")).expect("json written");
    assert_golden("鱼岳镇.json", &json);
}

#[test]
fn csv_output_has_the_contract_columns_and_resolved_placeholders() {
    let out = tempfile::tempdir().expect("tmp");
    assert_eq!(
        code(&compile(&fixture("units/鱼岳镇.toml"), out.path(), &[])),
        0
    );
    let text = std::fs::read_to_string(out.path().join("鱼岳镇.csv")).expect("csv");
    let header = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .expect("header");
    assert_eq!(
        header,
        "单位,领域,序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开,公开层级,备注"
    );
    assert!(
        !text.contains("{unit}") && !text.contains("{county}"),
        "placeholders are filled in"
    );
    assert!(
        text.contains("嘉鱼县鱼岳镇人民政府"),
        "{{unit}} becomes the full name"
    );
    // The unit's change replaced the channels of dibao-policy.
    assert!(text.contains("其他（鱼岳镇便民服务中心）"));
    // The dropped item is gone; the added item is there.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("鱼岳镇.json")).expect("json"))
            .expect("valid json");
    let ids: Vec<&str> = json["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["items"].as_array().expect("items").iter())
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert!(!ids.contains(&"tekun-institution"));
    assert!(
        !ids.contains(&"zonghe-funds"),
        "县级 items are not taken by a town"
    );
    assert!(ids.contains(&"dibao-review"), "乡级/村级 items are taken");
    // General sections come first, then domains in id order.
    let domains: Vec<&str> = json["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .filter_map(|s| s["domain"].as_str())
        .collect();
    assert_eq!(domains, ["概况信息", "社会救助", "养老服务"]);
}

#[test]
fn two_runs_give_identical_bytes() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    compile(&fixture("units/鱼岳镇.toml"), a.path(), &[]);
    compile(&fixture("units/鱼岳镇.toml"), b.path(), &[]);
    for f in ["鱼岳镇.csv", "鱼岳镇.json"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).expect("a"),
            std::fs::read(b.path().join(f)).expect("b"),
            "{f}"
        );
    }
}

#[test]
fn unit_with_errors_is_not_written_and_stale_outputs_are_removed() {
    let out = tempfile::tempdir().expect("tmp");
    let stale = out.path().join("鱼岳镇.csv");
    std::fs::write(&stale, "old").expect("write stale");
    let o = compile(&fixture("units/bad_town.toml"), out.path(), &[]);
    assert_eq!(code(&o), 1);
    assert!(
        !stale.exists(),
        "a stale catalogue of a unit that now has errors is removed"
    );
    assert!(!out.path().join("鱼岳镇.json").exists());
    assert!(stderr(&o).contains("--allow-errors"), "{}", stderr(&o));
}

#[test]
fn allow_errors_writes_the_outputs_and_still_exits_1() {
    let out = tempfile::tempdir().expect("tmp");
    let o = compile(
        &fixture("units/bad_town.toml"),
        out.path(),
        &["--allow-errors"],
    );
    assert_eq!(code(&o), 1);
    assert!(out.path().join("鱼岳镇.csv").exists());
    assert!(out.path().join("鱼岳镇.json").exists());
}

#[test]
fn compiled_csv_reads_back_as_the_same_items() {
    let out = tempfile::tempdir().expect("tmp");
    assert_eq!(
        code(&compile(&fixture("units/鱼岳镇.toml"), out.path(), &[])),
        0
    );
    let csv = out.path().join("鱼岳镇.csv");
    // validate reads the layout back with no problems.
    let v = gkml(&["validate", "--format", "json", csv.to_str().expect("utf8")]);
    assert_eq!(code(&v), 0, "{}", stdout(&v));
    // compile of the CSV gives the same items (ids and sources aside, which the CSV layout does
    // not carry: they are reference metadata).
    let again = tempfile::tempdir().expect("tmp");
    assert_eq!(code(&compile(&csv, again.path(), &[])), 0);
    let items = |p: &Path| -> Vec<serde_json::Value> {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(p).expect("json")).expect("json");
        v["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .flat_map(|s| {
                let d = s["domain"].clone();
                s["items"].as_array().expect("items").iter().map(move |i| {
                    let mut i = i.clone();
                    i["id"] = serde_json::Value::Null;
                    if let Some(o) = i.as_object_mut() {
                        o.remove("source");
                    }
                    serde_json::json!({"domain": d, "item": i})
                })
            })
            .collect()
    };
    let first = items(&out.path().join("鱼岳镇.json"));
    let second = items(&again.path().join("鱼岳镇.json"));
    assert_eq!(first.len(), second.len());
    assert_eq!(first, second);
    // And the CSV written the second time is byte-identical to the first.
    assert_eq!(
        std::fs::read(&csv).expect("a"),
        std::fs::read(again.path().join("鱼岳镇.csv")).expect("b")
    );
}

/// A county project 嘉鱼县 in `dir`/县: the 鱼岳镇 fixture plus `towns` (name, TOML text).
fn county_project(dir: &Path, towns: &[(&str, &str)]) -> std::path::PathBuf {
    let proj = dir.join("县");
    std::fs::create_dir_all(proj.join("towns")).expect("mkdir");
    std::fs::copy(fixture("units/鱼岳镇.toml"), proj.join("towns/鱼岳镇.toml")).expect("copy");
    let mut county = "county = \"嘉鱼县\"\n\n[[units]]\npath = \"towns/鱼岳镇.toml\"\n".to_string();
    for (name, text) in towns {
        std::fs::write(proj.join(format!("towns/{name}.toml")), text).expect("write");
        county.push_str(&format!("\n[[units]]\npath = \"towns/{name}.toml\"\n"));
    }
    std::fs::write(proj.join("county.toml"), county).expect("write");
    proj
}

#[test]
fn a_project_folder_compiles_every_unit() {
    let dir = tempfile::tempdir().expect("tmp");
    let proj = county_project(
        dir.path(),
        &[(
            "新街镇",
            "name = \"新街镇\"\nkind = \"乡镇\"\n\n[[sections]]\ndomain = \"社会救助\"\n",
        )],
    );
    let out = dir.path().join("out");
    let o = compile(&proj, &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(out.join("鱼岳镇.csv").exists());
    let text = std::fs::read_to_string(out.join("新街镇.csv")).expect("csv");
    assert!(
        text.contains("嘉鱼县民政局"),
        "the unit inherits the project's county for {{county}}"
    );
}

#[test]
fn a_folder_without_county_toml_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = compile(dir.path(), &dir.path().join("out"), &[]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("county.toml"));
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn only_writes_the_named_outputs_and_the_same_bytes_as_a_full_run() {
    let full = tempfile::tempdir().expect("tmp");
    let o = compile(
        &fixture("units/鱼岳镇.toml"),
        full.path(),
        &["--date", "2026-11-24"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let some = tempfile::tempdir().expect("tmp");
    let o = compile(
        &fixture("units/鱼岳镇.toml"),
        some.path(),
        &["--date", "2026-11-24", "--only", "xlsx,csv"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(files_in(some.path()), vec!["鱼岳镇.csv", "鱼岳镇.xlsx"]);
    for name in ["鱼岳镇.csv", "鱼岳镇.xlsx"] {
        assert_eq!(
            std::fs::read(some.path().join(name)).expect("written"),
            std::fs::read(full.path().join(name)).expect("written"),
            "{name} is the same with or without --only"
        );
    }
    let o = compile(
        &fixture("units/鱼岳镇.toml"),
        some.path(),
        &["--only", "pdf"],
    );
    assert_eq!(code(&o), 2, "an unknown output is a usage error");
    assert!(
        stderr(&o).contains("xlsx"),
        "the error lists the outputs: {}",
        stderr(&o)
    );
}

#[test]
fn a_project_compiled_without_html_links_no_unit_page_from_the_index() {
    let dir = tempfile::tempdir().expect("tmp");
    let proj = county_project(dir.path(), &[]);
    let out = dir.path().join("out");
    let o = compile(&proj, &out, &["--only", "xlsx"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(out.join("鱼岳镇.xlsx").exists());
    assert!(!out.join("鱼岳镇.html").exists());
    let index = std::fs::read_to_string(out.join("index.html")).expect("index still written");
    assert!(index.contains("鱼岳镇"), "the unit is listed");
    assert!(
        !index.contains("href=\"鱼岳镇.html\""),
        "but not linked to a page that was not written"
    );
    assert!(
        out.join("汇总表.xlsx").exists(),
        "the county summary is still written"
    );
}
