//! Real drafts (issue: read real drafts): the seed-000 catalogue saved as a clerk would have
//! saved it (title row, two-row merged header, vertical merges, page-break repeats, pasted
//! HTML, a GBK CSV, a Traditional-character workbook). Every item is read, none invented,
//! and each real defect is reported at its exact sheet and cell.
//!
//! See: ../shared/seeds/000 (曲沃县乐昌镇), fixtures built by tests/fixtures/drafts/make_drafts.py.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use serde_json::Value;

fn expectations() -> BTreeMap<String, Value> {
    let text =
        std::fs::read_to_string(fixture("drafts/expectations.json")).expect("expectations.json");
    serde_json::from_str(&text).expect("json")
}

fn code_for(what: &str) -> &'static str {
    match what {
        w if w.starts_with("empty basis") => "GK103",
        w if w.starts_with("empty deadline") => "GK104",
        w if w.starts_with("shifted") => "GK511",
        w if w.starts_with("channels without") => "GK210",
        w if w.starts_with("unbalanced bracket") => "GK302",
        other => panic!("no code for {other}"),
    }
}

fn validate(name: &str) -> Value {
    let o = gkml(&[
        "validate",
        "--format",
        "json",
        &format!("tests/fixtures/drafts/{name}"),
    ]);
    assert_ne!(code(&o), 2, "{name} must be readable: {}", stdout(&o));
    json(&o)
}

#[test]
fn every_item_is_read_and_none_invented() {
    for (name, e) in expectations() {
        let v = validate(&name);
        assert_eq!(v["summary"]["items"], e["items"], "{name}");
    }
}

#[test]
fn every_real_defect_is_reported_at_its_exact_sheet_and_cell() {
    for (name, e) in expectations() {
        let v = validate(&name);
        let diags = v["diagnostics"].as_array().expect("diagnostics");
        for d in e["defects"].as_array().expect("defects") {
            let code = code_for(d["what"].as_str().expect("what"));
            let hit = diags.iter().find(|x| {
                x["code"] == code
                    && x["row"] == d["row"]
                    && x["sheet"] == d["sheet"]
                    && (code == "GK511" || (x["cell"] == d["cell"] && x["field"] == d["field"]))
            });
            assert!(
                hit.is_some(),
                "{name}: {code} expected at {} ({}), got:\n{}",
                d["cell"],
                d["what"],
                serde_json::to_string_pretty(diags).unwrap_or_default()
            );
        }
    }
}

#[test]
fn no_error_is_reported_where_the_draft_has_no_defect() {
    for (name, e) in expectations() {
        let v = validate(&name);
        let expected_rows: Vec<&Value> = e["defects"]
            .as_array()
            .expect("defects")
            .iter()
            .map(|d| &d["row"])
            .collect();
        for x in v["diagnostics"].as_array().expect("diagnostics") {
            if x["severity"] == "error" {
                assert!(
                    expected_rows.contains(&&x["row"]),
                    "{name}: unexpected error {x}"
                );
            }
        }
    }
}

fn compile_json(input: &Path, out: &Path) -> Value {
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

/// (domain, category, name, every field) of each item, sorted, ids dropped.
fn items(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = keyed(v)
        .into_iter()
        .map(|(k, i)| format!("{k} {i}"))
        .collect();
    out.sort();
    out
}

/// Items by "domain/category/name", without id and 序号.
fn keyed(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for s in v["sections"].as_array().expect("sections") {
        for i in s["items"].as_array().expect("items") {
            let mut i = i.clone();
            i["id"] = Value::Null;
            i["seq"] = Value::Null;
            let key = format!("{}/{}/{}", s["domain"], i["category"], i["name"]);
            out.insert(key, i);
        }
    }
    out
}

#[test]
fn the_unit_is_named_from_the_title_row() {
    for (name, e) in expectations() {
        let dir = tempfile::tempdir().expect("tmp");
        let v = compile_json(&fixture(&format!("drafts/{name}")), dir.path());
        assert_eq!(v["unit"]["name"], e["unit"], "{name}");
    }
}

#[test]
fn pasted_html_reads_the_same_as_plain_text() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let plain = compile_json(&fixture("drafts/乐昌镇.xlsx"), a.path());
    let html = compile_json(&fixture("drafts/乐昌镇_html.xlsx"), b.path());
    assert_eq!(items(&plain), items(&html));
    let v = validate("乐昌镇_html.xlsx");
    let cleaned = v["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .filter(|d| d["code"] == "GK601")
        .count();
    assert!(
        cleaned >= 20,
        "every HTML cell is reported as cleaned ({cleaned})"
    );
}

#[test]
fn the_gbk_csv_reads_the_same_items_as_the_workbook_apart_from_the_shifted_row() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let xlsx = items(&compile_json(&fixture("drafts/乐昌镇.xlsx"), a.path()));
    let csv = items(&compile_json(&fixture("drafts/乐昌镇_gbk.csv"), b.path()));
    let only_xlsx: Vec<&String> = xlsx.iter().filter(|i| !csv.contains(i)).collect();
    assert_eq!(
        only_xlsx.len(),
        1,
        "only the shifted 社会救助 row differs: {only_xlsx:#?}"
    );
    assert!(only_xlsx[0].contains("困难群众临时救助名单确认"));
}

#[test]
fn traditional_draft_reads_domains_from_section_rows_and_the_group_text() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = compile_json(&fixture("drafts/东湖区_繁体.xlsx"), dir.path());
    let domains: Vec<&str> = v["sections"]
        .as_array()
        .expect("s")
        .iter()
        .filter_map(|s| s["domain"].as_str())
        .collect();
    assert_eq!(domains, ["社会救助", "养老服务"]);
    let groups: Vec<&str> = v["sections"]
        .as_array()
        .expect("s")
        .iter()
        .flat_map(|s| s["items"].as_array().expect("items").iter())
        .filter_map(|i| i["audience_group"].as_str())
        .collect();
    // A Traditional draft is read, and compiled, in Simplified (issue 14, GK020).
    assert_eq!(groups, ["救助对象"]);
}

#[test]
fn import_then_compile_reproduces_the_same_items() {
    for name in ["乐昌镇.xlsx", "乐昌镇_gbk.csv", "东湖区_繁体.xlsx"] {
        let dir = tempfile::tempdir().expect("tmp");
        let draft = fixture(&format!("drafts/{name}"));
        let direct = compile_json(&draft, &dir.path().join("direct"));
        let toml = dir.path().join("unit.toml");
        let o = gkml(&[
            "import",
            draft.to_str().expect("utf8"),
            "-o",
            toml.to_str().expect("utf8"),
        ]);
        assert_eq!(code(&o), 0, "{name}: {}", stderr(&o));
        let text = std::fs::read_to_string(&toml).expect("toml written");
        assert!(text.contains("[[sections]]"), "{text}");
        let via = compile_json(&toml, &dir.path().join("via"));
        let (a, mut b) = (keyed(&direct), keyed(&via));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{name}: the same items\n{text}"
        );
        for (k, item) in &a {
            let other = b.get_mut(k).expect("same keys");
            // A draft without 公开层级 columns says nothing about levels; the unit file
            // then publishes the item at the reference's (or the unit's) levels.
            if item["levels"] == Value::Array(Vec::new()) {
                other["levels"] = Value::Array(Vec::new());
            }
            // An imported item that matches a reference item inherits its `source`
            // (reference metadata, not a column of the draft).
            if let Some(o) = other.as_object_mut() {
                o.remove("source");
            }
            assert_eq!(item, other, "{name}: {k}\n{text}");
        }
    }
}

#[test]
fn import_keeps_the_toml_short_by_referring_to_the_reference() {
    let dir = tempfile::tempdir().expect("tmp");
    let toml = dir.path().join("unit.toml");
    let o = gkml(&[
        "import",
        "tests/fixtures/drafts/东湖区_繁体.xlsx",
        "-o",
        toml.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&toml).expect("toml");
    assert!(text.contains("kind = \"街道\""), "{text}");
    assert!(
        text.contains("domain = \"社会救助\"") && text.contains("drop = ["),
        "{text}"
    );
}

fn diag_set(v: &Value) -> Vec<(String, String, String)> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].to_string(),
                d["cell"].to_string(),
                d["field"].to_string(),
            )
        })
        .collect()
}

/// The draft in every format a clerk saves it in: the same items, and every diagnostic at the
/// same cell. The Word 97 `.doc` (LibreOffice's, from the workbook through HTML; see
/// make_doc.sh) is read through its piece table and paragraph properties, and the same file
/// named `.wps` (WPS 文字 saves this format) and an `.xls` named `.doc` are read by content.
#[test]
fn xlsx_xlsm_xls_ods_and_word_97_read_the_same() {
    let dir = tempfile::tempdir().expect("tmp");
    let wps = dir.path().join("乐昌镇.wps");
    std::fs::copy(fixture("drafts/乐昌镇.doc"), &wps).expect("copy");
    let xls_as_doc = dir.path().join("乐昌镇（表格）.doc");
    std::fs::copy(fixture("drafts/乐昌镇.xls"), &xls_as_doc).expect("copy");
    let xlsm = dir.path().join("乐昌镇.xlsm");
    std::fs::copy(fixture("drafts/乐昌镇.xlsx"), &xlsm).expect("copy");
    let upper = dir.path().join("乐昌镇.XLSX");
    std::fs::copy(fixture("drafts/乐昌镇.xlsx"), &upper).expect("copy");
    let reference = validate("乐昌镇.xlsx");
    for path in [
        fixture("drafts/乐昌镇.xls"),
        fixture("drafts/乐昌镇.ods"),
        fixture("drafts/乐昌镇.doc"),
        wps,
        xls_as_doc,
        xlsm,
        upper,
    ] {
        let o = gkml(&["validate", "--format", "json", path.to_str().expect("utf8")]);
        let v = json(&o);
        assert_eq!(
            v["summary"]["items"],
            reference["summary"]["items"],
            "{}",
            path.display()
        );
        assert_eq!(diag_set(&v), diag_set(&reference), "{}", path.display());
    }
}

/// A 公开依据, 公开时限 and 公开主体 merged down three rows, saved by LibreOffice as .ods: the
/// merge gives its value to every row, as in the .xlsx it was made from (calamine reads no
/// merges from OpenDocument; the content scan does).
#[test]
fn cells_merged_down_in_an_ods_fill_every_row_they_cover() {
    for name in ["合并依据.xlsx", "合并依据.ods"] {
        let v = validate(name);
        assert_eq!(v["summary"]["items"], 3, "{name}");
        assert_eq!(v["summary"]["errors"], 0, "{name}: {v:#}");
    }
}

#[test]
fn a_workbook_with_a_lying_extension_is_read_by_content() {
    let dir = tempfile::tempdir().expect("tmp");
    let fake = dir.path().join("乐昌镇.xls");
    std::fs::copy(fixture("drafts/乐昌镇.xlsx"), &fake).expect("copy");
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        fake.to_str().expect("utf8"),
    ]));
    assert_eq!(v["summary"]["items"], 22);
}

#[test]
fn an_html_page_saved_as_xlsx_is_named_as_such_with_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let fake = dir.path().join("目录.xlsx");
    std::fs::write(
        &fake,
        "<!DOCTYPE html><html><body><table><tr><td>序号</td></tr></table></body></html>",
    )
    .expect("write");
    let o = gkml(&["validate", "--format", "json", fake.to_str().expect("utf8")]);
    assert_eq!(code(&o), 2);
    let msg = json(&o)["diagnostics"][0]["message"]
        .as_str()
        .expect("message")
        .to_string();
    assert!(msg.contains("网页"), "{msg}");
}

#[test]
fn utf16_csv_and_tsv_read_the_same_as_utf8_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(fixture("empty_basis_row7.csv")).expect("csv");
    let text = text.trim_start_matches('\u{feff}');
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let p16 = dir.path().join("utf16.csv");
    std::fs::write(&p16, utf16).expect("write");
    let mut tsv = String::new();
    for rec in csv::Reader::from_reader(text.as_bytes())
        .into_records()
        .map(|r| r.expect("record"))
    {
        tsv.push_str(
            &rec.iter()
                .map(|c| c.replace('\n', " "))
                .collect::<Vec<_>>()
                .join("\t"),
        );
        tsv.push('\n');
    }
    let header = text.lines().next().expect("header").replace(',', "\t");
    let ptsv = dir.path().join("t.tsv");
    std::fs::write(&ptsv, format!("{header}\n{tsv}")).expect("write");
    let reference = validate_path(&fixture("empty_basis_row7.csv"));
    for p in [p16, ptsv] {
        let v = validate_path(&p);
        assert_eq!(v["summary"], reference["summary"], "{}", p.display());
        let codes = |v: &Value| {
            v["diagnostics"]
                .as_array()
                .expect("d")
                .iter()
                .map(|d| (d["code"].clone(), d["row"].clone(), d["cell"].clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(&v), codes(&reference), "{}", p.display());
    }
}

fn validate_path(p: &Path) -> Value {
    json(&gkml(&[
        "validate",
        "--format",
        "json",
        p.to_str().expect("utf8"),
    ]))
}

#[test]
fn columns_in_any_order_with_ascii_keys_and_an_unknown_column_kept_as_remarks() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("ascii.csv");
    std::fs::write(
        &p,
        "mode,audience,name,domain,联系科室,channels,subject,deadline,basis,content,category\n\
         主动,全社会,办事指南,社会救助,社会事务办,政府网站,某镇人民政府,及时公开,《社会救助暂行办法》（国务院令第649号）,申请条件,最低生活保障\n",
    )
    .expect("write");
    let v = validate_path(&p);
    assert_eq!(v["summary"]["items"], 1);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["GK009"], "only the unknown column is reported");
    let out = dir.path().join("out");
    let o = compile(&p, &out, &["--date", "2026-11-24"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&std::fs::read(out.join("ascii.json")).expect("json"))
        .expect("json");
    assert_eq!(
        j["sections"][0]["items"][0]["remarks"],
        "联系科室：社会事务办"
    );
}

#[test]
fn a_header_that_cannot_be_found_names_missing_and_seen_columns() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("bad.csv");
    std::fs::write(&p, "事项,说明,文件\n低保,申请条件,条例\n").expect("write");
    let o = gkml(&["validate", "--format", "json", p.to_str().expect("utf8")]);
    assert_eq!(code(&o), 2);
    let d = &json(&o)["diagnostics"][0];
    assert_eq!(d["code"], "GK006");
    let hint = d["hint"].as_str().expect("hint");
    assert!(
        hint.contains("公开依据") && hint.contains("事项、说明、文件"),
        "{hint}"
    );
}

#[test]
fn hidden_and_empty_sheets_are_reported_not_silently_dropped() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("sheets.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let header = [
        "领域",
        "二级事项",
        "公开内容（要素）",
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道和载体",
        "全社会",
        "特定群众",
        "主动",
        "依申请公开",
    ];
    let row = [
        "社会救助",
        "办事指南",
        "申请条件",
        "《社会救助暂行办法》（国务院令第649号）",
        "及时公开",
        "某镇人民政府",
        "政府网站",
        "✓",
        "",
        "✓",
        "",
    ];
    for (name, hidden) in [("目录", false), ("草稿", true)] {
        let ws = wb.add_worksheet();
        ws.set_name(name).expect("name");
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).expect("write");
            ws.write_string(1, c as u16, row[c]).expect("write");
        }
        if hidden {
            ws.set_hidden(true);
        }
    }
    wb.add_worksheet().set_name("Sheet3").expect("name");
    wb.save(&p).expect("save");
    let v = validate_path(&p);
    assert_eq!(v["summary"]["items"], 1, "the hidden sheet is not read");
    let sheets: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["sheet"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        sheets.contains(&("GK012".into(), "草稿".into())),
        "{sheets:?}"
    );
    assert!(
        sheets.contains(&("GK011".into(), "Sheet3".into())),
        "{sheets:?}"
    );
}

#[test]
fn streamed_csv_text_report_underlines_the_fault_though_json_runs_drop_excerpts() {
    // The streaming path drops excerpts early for JSON/SARIF/GitHub (they never show them);
    // the text report must still underline the unbalanced bracket in E25.
    let o = gkml(&["validate", "tests/fixtures/drafts/乐昌镇_gbk.csv"]);
    let s = stdout(&o);
    let at = s
        .find("乐昌镇_gbk.csv:第25行 E25: 错误[GK302]")
        .unwrap_or_else(|| panic!("GK302 at E25 missing:\n{s}"));
    let lines: Vec<&str> = s[at..].lines().take(3).collect();
    assert!(
        lines[1].starts_with("    | ") && lines[1].contains("曲政办发〔2020〕24号"),
        "{lines:?}"
    );
    assert!(
        lines[2]
            .trim_start_matches("    | ")
            .trim_start()
            .starts_with('^'),
        "{lines:?}"
    );
}

/// A two-item 社会救助 reference whose review item also goes by a county's wording.
fn alias_reference(aliases: &str) -> String {
    format!(
        r#"domain = "社会救助"

[[items]]
id = "dibao-policy"
category = "最低生活保障"
name = "政策法规"
content = "低保政策文件"
basis = "《社会救助暂行办法》（国务院令第649号）"
deadline = "信息形成或者变更之日起20个工作日内"
subject = "{{unit}}"
channels = ["政府网站"]
audience = "全社会"
mode = "主动"
levels = ["乡级"]

[[items]]
id = "dibao-review"
category = "最低生活保障"
name = "最低生活保障审核确认"
{aliases}content = "审核确认结果"
basis = "《社会救助暂行办法》（国务院令第649号）"
deadline = "信息形成或者变更之日起20个工作日内"
subject = "{{unit}}"
channels = ["政府网站"]
audience = "全社会"
mode = "主动"
levels = ["乡级"]
"#
    )
}

/// `gkml import` of a draft CSV against `reference`; the unit TOML and the compiled JSON.
fn import_against(reference: &str, dir: &Path) -> (String, Value) {
    let cats = dir.join("catalogues");
    std::fs::create_dir_all(&cats).expect("mkdir");
    std::fs::write(cats.join("05-社会救助.toml"), reference).expect("write reference");
    let draft = dir.join("draft.csv");
    std::fs::write(
        &draft,
        "领域,序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开,公开层级,备注\n\
         社会救助领域,1,最低生活保障,政策法规,低保政策文件,《社会救助暂行办法》（国务院令第649号）,信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,✓,,✓,,乡级,\n\
         ,,,最低生活保障对象认定,审核确认结果,《社会救助暂行办法》（国务院令第649号）,信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,✓,,✓,,乡级,\n",
    )
    .expect("write draft");
    let toml = dir.join("unit.toml");
    let cats_arg = cats.to_str().expect("utf8");
    let o = gkml(&[
        "import",
        draft.to_str().expect("utf8"),
        "--catalogues",
        cats_arg,
        "--name",
        "乐昌镇",
        "--full-name",
        "乐昌镇人民政府",
        "-o",
        toml.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&toml).expect("toml");
    let out = dir.join("out");
    let o = compile(
        &toml,
        &out,
        &[
            "--catalogues",
            cats_arg,
            "--allow-errors",
            "--date",
            "2026-11-24",
        ],
    );
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    let json = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("a JSON output");
    let v = serde_json::from_slice(&std::fs::read(json).expect("read")).expect("json");
    (text, v)
}

#[test]
fn import_matches_a_row_written_under_a_reference_alias_and_keeps_the_towns_wording() {
    let dir = tempfile::tempdir().expect("tmp");
    let (text, v) = import_against(
        &alias_reference("aliases = [\"最低生活保障对象认定\"]\n"),
        dir.path(),
    );
    // The row is the reference item under another name: no drop, no add, only a change of
    // the name, so the item keeps its id, basis and deadline from the reference.
    assert!(!text.contains("drop ="), "{text}");
    assert!(!text.contains("[[sections.add]]"), "{text}");
    assert!(
        text.contains(
            "[[sections.change]]\nid = \"dibao-review\"\nname = \"最低生活保障对象认定\"\n"
        ),
        "{text}"
    );
    let names: Vec<String> = keyed(&v).keys().cloned().collect();
    assert!(
        names
            .iter()
            .any(|k| k.ends_with("/\"最低生活保障对象认定\"")),
        "the compiled table shows the town's wording: {names:?}"
    );
    assert!(
        !names.iter().any(|k| k.contains("最低生活保障审核确认")),
        "{names:?}"
    );
    // Aliases are reference metadata: not in the compiled JSON.
    assert!(!serde_json::to_string(&v).expect("json").contains("aliases"));

    // Without the alias the same row is a different item: the reference's is dropped and the
    // row added, which is what the alias exists to avoid.
    let dir = tempfile::tempdir().expect("tmp");
    let (text, _) = import_against(&alias_reference(""), dir.path());
    assert!(text.contains("drop = [\"dibao-review\"]"), "{text}");
    assert!(text.contains("[[sections.add]]"), "{text}");
}
