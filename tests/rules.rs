//! Every rule fires where it should and nowhere else: one fixture per code in
//! tests/fixtures/rules/, each row (CSV, 备注 = 应报 / 不应报) or line (TOML, `# 应报` at the
//! end) saying whether that rule must report it.

mod common;

use std::collections::BTreeSet;

use common::*;

/// Codes whose behaviour is tested elsewhere (reading errors, project-level rules).
const ELSEWHERE: &[(&str, &str)] = &[
    ("GK001", "tests/cli.rs missing_file_is_gk001_with_exit_2_and_other_inputs_still_checked"),
    ("GK002", "tests/cli.rs toml_syntax_error_gives_line_and_column_and_exit_2"),
    ("GK003", "src/read/toml.rs unknown_key_is_a_structure_error_at_the_key"),
    ("GK004", "src/read/csv.rs (invalid UTF-8 after a UTF-8 prefix) and tests/rules.rs"),
    ("GK005", "tests/rules.rs a_broken_quote_is_gk005"),
    ("GK006", "tests/drafts.rs a_header_that_cannot_be_found_names_missing_and_seen_columns"),
    ("GK007", "tests/cli.rs unsupported_file_type_is_gk007_exit_2"),
    ("GK008", "tests/rules.rs a_toml_that_is_no_gkml_format_is_gk008"),
    ("GK009", "tests/drafts.rs columns_in_any_order_with_ascii_keys_and_an_unknown_column_kept_as_remarks"),
    ("GK010", "tests/drafts.rs (seed-000 fixtures have no 领域 column)"),
    ("GK011", "tests/drafts.rs hidden_and_empty_sheets_are_reported_not_silently_dropped"),
    ("GK012", "tests/drafts.rs hidden_and_empty_sheets_are_reported_not_silently_dropped"),
    ("GK013", "tests/hostile.rs bombs_and_absurd_files_are_refused_with_gk013"),
    ("GK014", "tests/hostile.rs bombs_and_absurd_files_are_refused_with_gk013 (long_cell.csv)"),
    ("GK015", "tests/hostile_round2.rs a_stray_quote_in_an_unquoted_csv_field_is_read_as_excel_does_with_a_warning"),
    ("GK016", "tests/hostile_round2.rs formulas_without_values_error_values_dates_and_hidden_rows_are_read_and_reported"),
    ("GK017", "tests/hostile_round2.rs formulas_without_values_error_values_dates_and_hidden_rows_are_read_and_reported"),
    ("GK018", "tests/hostile_round2.rs formulas_without_values_error_values_dates_and_hidden_rows_are_read_and_reported"),
    ("GK019", "tests/readback.rs validating_a_compiled_county_folder_finds_nothing_and_passes_over_the_county_files"),
    ("GK020", "tests/drafts_unseen.rs a_traditional_draft_reads_as_simplified_with_one_note"),
    ("GK021", "tests/drafts_files.rs hidden_columns_with_content_are_read_and_reported_in_xlsx_ods_and_xls"),
    ("GK504", "tests/cli.rs unit_toml_diagnostics_point_at_the_unit_file"),
    ("GK508", "tests/rules.rs a_section_without_reference_is_gk508"),
    ("GK701", "tests/project.rs a_gap_shows_as_que_and_a_broken_unit_does_not_stop_the_others"),
    ("GK702", "tests/rules.rs two_units_with_one_name_are_gk702"),
    ("GK607", "tests/hostile_pipeline.rs a_value_longer_than_a_cell_is_gk607_in_validate_and_compile_and_the_county_is_still_written"),
    ("GK703", "tests/rules.rs an_unknown_name_in_the_responsibility_table_is_gk703"),
];

fn fixtures() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(fixture("rules"))
        .expect("tests/fixtures/rules")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv" || x == "toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_rule_has_a_fixture_or_a_named_test() {
    let have: BTreeSet<String> = fixtures()
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_string()))
        .collect();
    for r in gkml::rules::RULES {
        let elsewhere = ELSEWHERE.iter().any(|(c, _)| *c == r.code);
        assert!(
            have.contains(r.code) || elsewhere,
            "{} has no fixture in tests/fixtures/rules and no named test",
            r.code
        );
    }
}

#[test]
fn each_rule_fires_exactly_where_its_fixture_says() {
    let mut failures = Vec::new();
    for path in fixtures() {
        let code = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string();
        let v = json(&gkml(&[
            "validate",
            "--format",
            "json",
            path.to_str().expect("utf8"),
        ]));
        let is_csv = path.extension().is_some_and(|x| x == "csv");
        let got: BTreeSet<u64> = v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["code"] == code.as_str())
            .filter_map(|d| {
                if is_csv {
                    d["row"].as_u64()
                } else {
                    d["line"].as_u64()
                }
            })
            .collect();
        let text = if is_csv {
            // Rows as a spreadsheet shows them: header row 1, one record per row.
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(&path)
                .expect("csv");
            let mut rows = Vec::new();
            for (i, rec) in rdr.records().enumerate() {
                let rec = rec.expect("record");
                if rec
                    .iter()
                    .any(|c| c.contains("应报") && !c.contains("不应报"))
                {
                    rows.push(i as u64 + 1);
                }
            }
            rows
        } else {
            std::fs::read_to_string(&path)
                .expect("toml")
                .lines()
                .enumerate()
                .filter(|(_, l)| l.trim_end().ends_with("# 应报"))
                .map(|(i, _)| i as u64 + 1)
                .collect()
        };
        let want: BTreeSet<u64> = text.into_iter().collect();
        assert!(
            !want.is_empty(),
            "{code}: the fixture marks no 应报 row/line"
        );
        if got != want {
            failures.push(format!("{code}: expected at {want:?}, reported at {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_broken_quote_is_gk005() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("bad.csv");
    std::fs::write(&p, "二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,主动\n\"低保,x\n").expect("write");
    let o = gkml(&["validate", "--format", "json", p.to_str().expect("utf8")]);
    let codes: Vec<String> = json(&o)["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        codes.iter().any(|c| c == "GK005" || c == "GK006"),
        "{codes:?}"
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn invalid_utf8_after_a_utf8_start_is_read_as_gbk_and_reported_as_gk004_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("mixed.csv");
    let mut bytes =
        "二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,主动\n"
            .repeat(2000)
            .into_bytes();
    bytes.extend_from_slice(b"\xB5\xCD\xB1\xA3,x\n");
    std::fs::write(&p, bytes).expect("write");
    let o = gkml(&["validate", "--format", "json", p.to_str().expect("utf8")]);
    let v = json(&o);
    let d = diagnostic(&v, "GK004").expect("GK004");
    assert_eq!(d["row"], 2001);
    // The row was read (as GBK): a warning, not an unreadable file (exit 2).
    assert_eq!(d["severity"], "warning", "{d}");
    assert_ne!(code(&o), 2);
}

#[test]
fn a_toml_that_is_no_gkml_format_is_gk008() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("x.toml");
    std::fs::write(&p, "title = \"目录\"\n").expect("write");
    let o = gkml(&["validate", "--format", "json", p.to_str().expect("utf8")]);
    assert_eq!(json(&o)["diagnostics"][0]["code"], "GK008");
    assert_eq!(code(&o), 2);
}

#[test]
fn a_section_without_reference_is_gk508() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("u.toml");
    std::fs::write(&p, "name = \"甲镇\"\nkind = \"乡镇\"\ncounty = \"某县\"\n\n[[sections]]\nsection = \"本镇特色栏目\"\n").expect("write");
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        p.to_str().expect("utf8"),
    ]));
    let d = diagnostic(&v, "GK508").expect("GK508");
    assert_eq!(d["line"], 6);
}

fn project_with(
    dir: &std::path::Path,
    county_extra: &str,
    units: &[(&str, &str)],
) -> std::path::PathBuf {
    let proj = dir.join("p");
    std::fs::create_dir_all(&proj).expect("mkdir");
    let mut county = String::from("county = \"某县\"\n");
    for (file, text) in units {
        std::fs::write(proj.join(file), text).expect("write");
        county.push_str(&format!("\n[[units]]\npath = \"{file}\"\n"));
    }
    county.push_str(county_extra);
    std::fs::write(proj.join("county.toml"), county).expect("write");
    proj
}

const TOWN: &str = "name = \"甲镇\"\nkind = \"乡镇\"\n\n[[sections]]\ndomain = \"社会救助\"\n";

#[test]
fn two_units_with_one_name_are_gk702() {
    let dir = tempfile::tempdir().expect("tmp");
    let proj = project_with(dir.path(), "", &[("a.toml", TOWN), ("b.toml", TOWN)]);
    let out = dir.path().join("out");
    let o = gkml(&[
        "compile",
        proj.to_str().expect("utf8"),
        "-o",
        out.to_str().expect("utf8"),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stderr).expect("json on stderr");
    assert!(v["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .any(|d| d["code"] == "GK702"));
    assert_eq!(code(&o), 1);
}

#[test]
fn an_unknown_name_in_the_responsibility_table_is_gk703() {
    let dir = tempfile::tempdir().expect("tmp");
    let proj = project_with(
        dir.path(),
        "\n[[responsibility]]\ndomain = \"社会救助\"\nlead = [\"县民证局\"]\ncooperating = [\"各乡镇\"]\n",
        &[("a.toml", TOWN)],
    );
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        proj.to_str().expect("utf8"),
    ]));
    let d = diagnostic(&v, "GK703").expect("GK703");
    assert!(d["message"].as_str().expect("m").contains("县民证局"));
    assert!(
        d["line"].as_u64().is_some(),
        "points at the name in county.toml"
    );
}

#[test]
fn gk210_hint_names_allow_for_toml_and_ignore_for_a_spreadsheet() {
    let hint_of = |path: &str| -> String {
        let o = gkml(&["validate", "--format", "json", path]);
        let v = json(&o);
        diagnostic(&v, "GK210")
            .and_then(|d| d["hint"].as_str())
            .unwrap_or_else(|| panic!("GK210 in {path}: {v}"))
            .to_string()
    };
    let csv = hint_of("tests/fixtures/rules/GK210.csv");
    assert!(csv.contains("--ignore GK210"), "{csv}");
    assert!(
        !csv.contains("allow ="),
        "a spreadsheet cannot hold allow: {csv}"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let unit = dir.path().join("镇.toml");
    std::fs::write(
        &unit,
        "name = \"鱼岳镇\"\nkind = \"乡镇\"\n\n[[sections]]\ndomain = \"社会救助\"\nreference = false\n\n[[sections.add]]\ncategory = \"低保\"\nname = \"办理结果\"\ncontent = \"救助对象名单\"\nbasis = \"《社会救助暂行办法》\"\ndeadline = \"信息形成之日起20个工作日内\"\nsubject = \"鱼岳镇人民政府\"\nchannels = [\"公开查阅点\"]\naudience = \"全社会\"\nmode = \"主动\"\n",
    )
    .expect("write");
    let toml = hint_of(unit.to_str().expect("utf8"));
    assert!(toml.contains("allow = { GK210"), "{toml}");
}
