//! The law as it stands (issue 16): the superseded-document rule (GK305), the seven-day
//! decision limit (GK405) and GK402's "only a 法律 or 法规", end to end through the CLI.

mod common;

use common::*;

const HEADER: &str = "领域,序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开,公开层级,备注\n";

/// A draft with one 主动 row per (category, name, basis, deadline).
fn draft(rows: &[(&str, &str, &str, &str)]) -> String {
    let mut s = String::from(HEADER);
    for (i, (cat, name, basis, deadline)) in rows.iter().enumerate() {
        s.push_str(&format!(
            "社会救助,{},{cat},{name},相关信息,{basis},{deadline},某镇人民政府,政府网站,✓,,✓,,乡级,\n",
            i + 1
        ));
    }
    s
}

/// The codes of error and warning diagnostics, row by row.
fn codes_by_row(csv: &str) -> Vec<(u64, String)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("草稿.csv");
    std::fs::write(&p, csv).expect("write");
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        p.to_str().expect("utf8"),
    ]));
    let mut out: Vec<(u64, String)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] != "info")
        .map(|d| {
            (
                d["row"].as_u64().unwrap_or(0),
                d["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

const TIAOLI: &str = "《中华人民共和国政府信息公开条例》（国务院令第711号）";

#[test]
fn the_cases_the_issue_names_are_warned_and_the_current_ones_are_not() {
    let old_dibao = format!("{TIAOLI}、《最低生活保障审核审批办法（试行）》（民发〔2012〕220号）");
    let new_dibao = format!("{TIAOLI}、《最低生活保障审核确认办法》（民发〔2021〕57号）");
    let yijian = "《关于全面推进政务公开工作的意见》（中办发〔2016〕8号）";
    let got = codes_by_row(&draft(&[
        (
            "最低生活保障",
            "审核确认",
            &old_dibao,
            "信息形成或者变更之日起20个工作日内",
        ),
        (
            "行政处罚",
            "行政处罚决定",
            TIAOLI,
            "执法决定作出之日起20个工作日内",
        ),
        ("临时救助", "救助标准", yijian, "信息形成之日起60个工作日内"),
        (
            "行政处罚",
            "行政处罚结果",
            TIAOLI,
            "执法决定作出之日起7个工作日内",
        ),
        (
            "最低生活保障",
            "审核确认结果",
            &new_dibao,
            "信息形成或者变更之日起20个工作日内",
        ),
    ]));
    assert_eq!(
        got,
        vec![
            (2, "GK305".to_string()),
            (3, "GK405".to_string()),
            (4, "GK402".to_string()),
        ]
    );
}

#[test]
fn the_superseded_warning_names_the_successor_and_the_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("草稿.csv");
    std::fs::write(
        &p,
        draft(&[(
            "特困人员救助供养",
            "认定条件",
            "《民政部关于印发〈特困人员认定办法〉的通知》（民发〔2016〕178号）",
            "信息形成或者变更之日起20个工作日内",
        )]),
    )
    .expect("write");
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        p.to_str().expect("utf8"),
    ]));
    let d = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "GK305")
        .expect("a GK305 diagnostic");
    let hint = d["hint"].as_str().expect("hint");
    assert!(
        hint.contains("《特困人员认定办法》（民发〔2021〕43号）"),
        "{hint}"
    );
    assert!(hint.contains("出处：http"), "{hint}");
    assert_eq!(d["field"], "basis");
}

#[test]
fn fix_does_not_rewrite_a_superseded_citation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("草稿.csv");
    let text = draft(&[(
        "最低生活保障",
        "审核确认",
        "《最低生活保障审核审批办法（试行）》（民发[2012]220号）",
        "信息形成或者变更之日起20个工作日内",
    )]);
    std::fs::write(&p, &text).expect("write");
    gkml(&["validate", "--fix", p.to_str().expect("utf8")]);
    let fixed = std::fs::read_to_string(&p).expect("read back");
    // The year bracket is form (GK303) and is fixed; the document stays the one cited.
    assert!(
        fixed.contains("《最低生活保障审核审批办法（试行）》（民发〔2012〕220号）"),
        "{fixed}"
    );
    assert!(!fixed.contains("民发〔2021〕57号"), "{fixed}");
}

#[test]
fn explain_prints_each_list_with_its_sources() {
    let o = gkml(&["explain", "GK305"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    assert!(text.contains("src/rules/superseded.toml"), "{text}");
    assert!(text.contains("民发〔2012〕220号"), "{text}");
    assert!(text.matches("出处：http").count() >= 30, "{text}");
    let o = gkml(&["explain", "GK405"]);
    let text = stdout(&o);
    assert!(text.contains("国办发〔2018〕118号"), "{text}");
    assert!(text.contains("《企业信息公示暂行条例》"), "{text}");
    assert!(
        text.contains("src/rules/decision_exceptions.toml"),
        "{text}"
    );
}

#[test]
fn rules_lists_the_new_codes_in_order() {
    let v = json(&gkml(&["rules", "--format", "json"]));
    let codes: Vec<&str> = v
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    let at = |c: &str| codes.iter().position(|x| *x == c).expect(c);
    assert!(at("GK304") < at("GK305") && at("GK305") < at("GK401"));
    assert!(at("GK404") < at("GK405") && at("GK405") < at("GK501"));
}
