//! The shipped example county (examples/嘉鱼县) is what a newcomer runs first: it must
//! validate with no problems at all and compile every unit.

mod common;

use common::*;

#[test]
fn example_county_validates_with_no_diagnostics() {
    let o = gkml(&["validate", "--format", "json", "examples/嘉鱼县"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["diagnostics"], serde_json::json!([]), "{}", stdout(&o));
    assert!(v["summary"]["items"].as_u64().expect("items") > 2000);
}

#[test]
fn example_county_compiles_every_unit_with_exit_0() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let o = gkml(&[
        "compile",
        "examples/嘉鱼县",
        "-o",
        out.to_str().expect("utf8"),
        "--date",
        "2026-11-24",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let project =
        std::fs::read_to_string(root().join("examples/嘉鱼县/county.toml")).expect("county.toml");
    let units = project.matches("[[units]]").count();
    assert!(units >= 20, "{units}");
    let jsons = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .count();
    assert_eq!(jsons, units, "one catalogue per unit");
    // Plus the county summary (汇总表.xlsx, 汇总表.html, three CSVs) and index.html.
    for (ext, extra) in [("xlsx", 1), ("html", 2), ("csv", 3)] {
        let n = std::fs::read_dir(&out)
            .expect("out")
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == ext))
            .count();
        assert_eq!(n, units + extra, "{ext}");
    }
}

#[test]
fn county_government_gets_its_own_annual_report_deadline_and_towns_theirs() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    assert_eq!(
        code(&gkml(&[
            "compile",
            "examples/嘉鱼县",
            "-o",
            out.to_str().expect("utf8"),
            "--date",
            "2026-11-24"
        ])),
        0
    );
    let gov =
        std::fs::read_to_string(out.join("嘉鱼县人民政府.csv")).expect("county government csv");
    assert!(
        gov.contains("每年3月31日前") && !gov.contains("每年1月31日前"),
        "条例第四十九条: the county government reports by 3月31日"
    );
    let town = std::fs::read_to_string(out.join("鱼岳镇.csv")).expect("town csv");
    assert!(town.contains("每年1月31日前") && !town.contains("每年3月31日前"));
}
