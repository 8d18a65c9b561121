//! `validate --fix`, `--diff`, `--annotate`, the SARIF and GitHub formats, `--select`,
//! `--ignore` and a project's `[rules]` table.

mod common;

use std::io::Read;
use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx};
use common::*;

fn copy_to(dir: &Path, rel: &str) -> std::path::PathBuf {
    let name = Path::new(rel).file_name().expect("name");
    let to = dir.join(name);
    std::fs::copy(fixture(rel), &to).expect("copy");
    to
}

const BRACKET_CSV: &str = "\u{feff}领域,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开\r\n\
社会救助,政策解读,解读材料,《中华人民共和国政府信息公开条例》（曲政办发[2020]24号,及时公开,某镇人民政府,政府网站,✓,,✓,\r\n\
社会救助,办事指南,申请条件,《社会救助暂行办法》（国务院令第649号）,及时公开,某镇人民政府,\"政府网站\",✓,,✓,\r\n";

#[test]
fn fix_changes_the_brackets_and_leaves_the_missing_closing_bracket_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("draft.csv");
    std::fs::write(&p, BRACKET_CSV).expect("write");
    let before = json(&gkml(&[
        "validate",
        "--format",
        "json",
        p.to_str().expect("utf8"),
    ]));
    let codes = |v: &serde_json::Value| {
        v["diagnostics"]
            .as_array()
            .expect("d")
            .iter()
            .filter_map(|d| d["code"].as_str().map(String::from))
            .collect::<Vec<_>>()
    };
    assert!(
        codes(&before).contains(&"GK303".to_string())
            && codes(&before).contains(&"GK302".to_string())
    );
    let o = gkml(&[
        "validate",
        "--fix",
        "--format",
        "json",
        p.to_str().expect("utf8"),
    ]);
    let after = json(&o);
    assert!(
        !codes(&after).contains(&"GK303".to_string()),
        "brackets fixed"
    );
    assert!(
        codes(&after).contains(&"GK302".to_string()),
        "the missing ） is left to be reported"
    );
    let text = std::fs::read_to_string(&p).expect("read");
    assert!(text.contains("（曲政办发〔2020〕24号,"), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("draft.csv.bak")).expect("backup"),
        BRACKET_CSV
    );
    // Nothing else changed: the untouched record keeps its quotes, the BOM and CRLF stay.
    assert!(text.starts_with('\u{feff}') && text.contains("\"政府网站\"") && text.contains("\r\n"));
}

#[test]
fn fixing_twice_is_fixing_once() {
    let dir = tempfile::tempdir().expect("tmp");
    for rel in ["drafts/乐昌镇_gbk.csv", "units/bad_town.toml"] {
        let p = copy_to(dir.path(), rel);
        gkml(&["validate", "--fix", p.to_str().expect("utf8")]);
        let once = std::fs::read(&p).expect("read");
        let o = gkml(&["validate", "--fix", p.to_str().expect("utf8")]);
        assert!(stderr(&o).contains("无可自动修正之处"), "{}", stderr(&o));
        assert_eq!(std::fs::read(&p).expect("read"), once, "{rel}");
    }
}

#[test]
fn fix_keeps_the_encoding_of_a_gbk_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = copy_to(dir.path(), "drafts/乐昌镇_gbk.csv");
    let before = validate_items(&p);
    gkml(&["validate", "--fix", p.to_str().expect("utf8")]);
    let bytes = std::fs::read(&p).expect("read");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "still GBK, not converted to UTF-8"
    );
    assert_eq!(validate_items(&p), before);
}

fn validate_items(p: &Path) -> serde_json::Value {
    json(&gkml(&[
        "validate",
        "--format",
        "json",
        p.to_str().expect("utf8"),
    ]))["summary"]["items"]
        .clone()
}

#[test]
fn fix_on_toml_keeps_comments_and_canonicalises_channels() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("unit.toml");
    let src = "# 乐昌镇\nname = \"乐昌镇\"\nkind = \"乡镇\"\ncounty = \"曲沃县\"\n\n[[sections]]\ndomain = \"社会救助\"\nreference = false\n\n[[sections.add]]\ncategory = \"临时救助\"  # 本镇\nname = \" 急难救助　\"\ncontent = \"对象、金额\"\nbasis = \"《社会救助暂行办法》（国务院令第649号）、（国发(2014)47号）\"\ndeadline = \"及时公开\"\nsubject = \"{unit}\"\nchannels = [\"门户网站\", \"公示栏\"]\naudience = \"全社会\"\nmode = \"主动\"\n";
    std::fs::write(&p, src).expect("write");
    let diff = gkml(&["validate", "--fix", "--diff", p.to_str().expect("utf8")]);
    assert_eq!(code(&diff), 0);
    assert!(
        stdout(&diff).contains("+name = \"急难救助\""),
        "{}",
        stdout(&diff)
    );
    assert_eq!(
        std::fs::read_to_string(&p).expect("read"),
        src,
        "--diff writes nothing"
    );
    gkml(&["validate", "--fix", p.to_str().expect("utf8")]);
    let fixed = std::fs::read_to_string(&p).expect("read");
    assert!(
        fixed.starts_with("# 乐昌镇\n") && fixed.contains("category = \"临时救助\"  # 本镇"),
        "{fixed}"
    );
    assert!(fixed.contains("name = \"急难救助\""));
    assert!(fixed.contains("（国发〔2014〕47号）"));
    assert!(fixed.contains("channels = [\"政府网站\", \"社区/企事业单位/村公示栏（电子屏）\"]"));
}

#[test]
fn fix_on_a_workbook_writes_a_corrected_copy_and_leaves_the_original() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = copy_to(dir.path(), "drafts/乐昌镇_html.xlsx");
    let original = std::fs::read(&p).expect("read");
    gkml(&["validate", "--fix", p.to_str().expect("utf8")]);
    assert_eq!(std::fs::read(&p).expect("read"), original);
    let copy = dir.path().join("乐昌镇_html.fixed.xlsx");
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        copy.to_str().expect("utf8"),
    ]));
    assert_eq!(v["summary"]["items"], 22);
    assert!(
        !v["diagnostics"]
            .as_array()
            .expect("d")
            .iter()
            .any(|d| d["code"] == "GK601"),
        "no HTML left"
    );
}

#[test]
fn the_annotated_workbook_marks_every_problem_and_round_trips() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("批注.xlsx");
    let o = gkml(&[
        "validate",
        "tests/fixtures/drafts/乐昌镇.xlsx",
        "--annotate",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 1);
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/drafts/乐昌镇.xlsx",
    ]));
    let n = v["diagnostics"].as_array().expect("d").len();
    let mut wb: Xlsx<_> = open_workbook(&out).expect("open");
    assert_eq!(wb.sheet_names()[0], "问题清单");
    let list = wb.worksheet_range("问题清单").expect("list");
    assert_eq!(
        list.height(),
        n + 2,
        "title, header and one row per problem"
    );
    // The draft's cells are all there.
    let copy = wb.worksheet_range("目录").expect("sheet");
    let mut orig: Xlsx<_> = open_workbook(fixture("drafts/乐昌镇.xlsx")).expect("open");
    let src = orig.worksheet_range("目录").expect("sheet");
    for (r, c, cell) in src.cells() {
        let abs = (
            src.start().expect("start").0 + r as u32,
            src.start().expect("start").1 + c as u32,
        );
        assert_eq!(
            copy.get_value(abs)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            cell.to_string(),
            "{abs:?}"
        );
    }
    // The comments are there, one per faulty cell, with the messages.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).expect("file")).expect("zip");
    let mut comments = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        if f.name()
            .map(|n| n.starts_with("xl/comments"))
            .unwrap_or(false)
        {
            f.read_to_string(&mut comments).expect("read");
        }
    }
    assert!(
        comments.contains("GK103") && comments.contains("公开依据为空"),
        "{comments}"
    );
    assert!(comments.contains("GK302"));
}

#[test]
fn sarif_output_is_sarif_2_1_0_with_rules_and_locations() {
    let o = gkml(&[
        "validate",
        "--format",
        "sarif",
        "tests/fixtures/drafts/乐昌镇_gbk.csv",
        "tests/fixtures/syntax_error.toml",
    ]);
    let v = json(&o);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "gkml");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(rules.contains(&"GK103") && rules.contains(&"GK002"));
    let results = run["results"].as_array().expect("results");
    let toml = results
        .iter()
        .find(|r| r["ruleId"] == "GK002")
        .expect("GK002");
    assert_eq!(
        toml["locations"][0]["physicalLocation"]["region"]["startLine"],
        5
    );
    assert_eq!(
        toml["locations"][0]["physicalLocation"]["region"]["startColumn"],
        15
    );
    let csv = results
        .iter()
        .find(|r| r["ruleId"] == "GK103")
        .expect("GK103");
    assert_eq!(
        csv["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "E7"
    );
    let uri = csv["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert!(
        uri.is_ascii() && uri.contains("%E4%B9%90"),
        "percent-encoded: {uri}"
    );
}

#[test]
fn github_annotations_are_one_workflow_command_per_problem() {
    let o = gkml(&[
        "validate",
        "--format",
        "github",
        "tests/fixtures/empty_basis_row7.csv",
    ]);
    let s = stdout(&o);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 4, "{s}");
    assert!(lines.iter().any(|l| l.starts_with("::error file=tests/fixtures/empty_basis_row7.csv,line=8,title=gkml GK103::F7 公开依据为空")), "{s}");
}

#[test]
fn text_output_underlines_the_faulty_part_with_cjk_width() {
    let o = gkml(&["validate", "tests/fixtures/drafts/乐昌镇_gbk.csv"]);
    let s = stdout(&o);
    let block: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("GK302"))
        .take(3)
        .collect();
    let text = block[1].trim_start_matches("    | ");
    let carets = block[2].trim_start_matches("    | ");
    let col =
        unicode_width::UnicodeWidthStr::width(&text[..text.find("（曲政办发").expect("found")]);
    assert_eq!(carets.find('^'), Some(col), "{block:#?}");
    assert!(
        s.starts_with("== tests/fixtures/drafts/乐昌镇_gbk.csv（"),
        "grouped by file"
    );
}

#[test]
fn select_and_ignore_filter_the_report_and_unknown_codes_exit_2() {
    let all = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/drafts/乐昌镇.xlsx",
    ]));
    let only = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "--select",
        "GK1",
        "tests/fixtures/drafts/乐昌镇.xlsx",
    ]));
    let codes = |v: &serde_json::Value| {
        v["diagnostics"]
            .as_array()
            .expect("d")
            .iter()
            .map(|d| d["code"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert!(codes(&only).iter().all(|c| c.starts_with("GK1")));
    assert!(codes(&all).len() > codes(&only).len());
    let ignored = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "--ignore",
        "GK210,GK5",
        "tests/fixtures/drafts/乐昌镇.xlsx",
    ]));
    assert!(codes(&ignored)
        .iter()
        .all(|c| c != "GK210" && !c.starts_with("GK5")));
    assert_eq!(
        code(&gkml(&[
            "validate",
            "--select",
            "GK999",
            "tests/fixtures/drafts/乐昌镇.xlsx"
        ])),
        2
    );
}

#[test]
fn a_project_rules_table_changes_severities() {
    let dir = tempfile::tempdir().expect("tmp");
    let proj = dir.path().join("p");
    std::fs::create_dir_all(proj.join("towns")).expect("mkdir");
    std::fs::copy(
        fixture("project_gap/towns/乙镇.toml"),
        proj.join("towns/乙镇.toml"),
    )
    .expect("copy");
    let county = "county = \"测试县\"\n\n[[units]]\npath = \"towns/乙镇.toml\"\n\n[[responsibility]]\ndomain = \"社会救助\"\ncooperating = [\"各乡镇\"]\n";
    std::fs::write(
        proj.join("county.toml"),
        format!("{county}\n[rules]\nGK701 = \"error\"\n"),
    )
    .expect("write");
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        proj.to_str().expect("utf8"),
    ]));
    let gap = diagnostic(&v, "GK701").expect("GK701");
    assert_eq!(gap["severity"], "error");
    std::fs::write(
        proj.join("county.toml"),
        format!("{county}\n[rules]\nGK7 = \"off\"\n"),
    )
    .expect("write");
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        proj.to_str().expect("utf8"),
    ]));
    assert!(!v["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .any(|d| d["code"] == "GK701"));
    std::fs::write(
        proj.join("county.toml"),
        format!("{county}\n[rules]\nGK7 = \"sometimes\"\n"),
    )
    .expect("write");
    assert_eq!(code(&gkml(&["validate", proj.to_str().expect("utf8")])), 2);
}

/// `--annotate` takes a CSV draft too: its table as read in a sheet 草稿, the problem list's
/// places that sheet's cells (the CSV's own cell names). A TOML has no cells: exit 2.
#[test]
fn a_csv_draft_is_annotated_in_a_sheet_of_its_cells_and_a_toml_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("批注.xlsx");
    let o = gkml(&[
        "validate",
        "tests/fixtures/empty_basis_row7.csv",
        "--annotate",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/empty_basis_row7.csv",
    ]));
    let wanted: Vec<String> = v["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .map(|d| match d["cell"].as_str() {
            Some(c) => format!("草稿!{c}"),
            None => "（整个文件）".to_string(),
        })
        .collect();
    let mut wb: Xlsx<_> = open_workbook(&out).expect("open");
    assert_eq!(wb.sheet_names(), ["问题清单", "草稿"]);
    let list = wb.worksheet_range("问题清单").expect("list");
    let listed: Vec<String> = list
        .rows()
        .skip(2)
        .map(|r| r.get(1).map(|c| c.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(listed, wanted);
    assert!(listed.contains(&"草稿!F7".to_string()), "{listed:?}");
    let sheet = wb.worksheet_range("草稿").expect("草稿");
    assert_eq!(
        sheet.get_value((0, 5)).map(|c| c.to_string()).as_deref(),
        Some("公开依据")
    );
    // The same table saved as "Unicode 文本" (.txt, tab-separated UTF-16) is annotated alike.
    let text = std::fs::read_to_string(fixture("empty_basis_row7.csv")).expect("csv");
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let tsv: String = rd
        .records()
        .map(|r| {
            let r = r.expect("record");
            let cells: Vec<String> = r
                .iter()
                .map(|c| {
                    if c.contains('\n') {
                        format!("\"{c}\"")
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            cells.join("\t") + "\r\n"
        })
        .collect();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in tsv.trim_start_matches('\u{feff}').encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let txt = dir.path().join("民政局.txt");
    std::fs::write(&txt, utf16).expect("txt");
    let out_txt = dir.path().join("批注txt.xlsx");
    let o = gkml(&[
        "validate",
        txt.to_str().expect("utf8"),
        "--annotate",
        out_txt.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let mut wb: Xlsx<_> = open_workbook(&out_txt).expect("open");
    let list = wb.worksheet_range("问题清单").expect("list");
    let listed_txt: Vec<String> = list
        .rows()
        .skip(2)
        .map(|r| r.get(1).map(|c| c.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(listed_txt, listed);
    let sheet = wb.worksheet_range("草稿").expect("草稿");
    assert_eq!(
        sheet.get_value((0, 5)).map(|c| c.to_string()).as_deref(),
        Some("公开依据")
    );
    let o = gkml(&[
        "validate",
        "tests/fixtures/syntax_error.toml",
        "--annotate",
        dir.path().join("t.xlsx").to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--annotate 只用于"), "{}", stderr(&o));
    assert!(!dir.path().join("t.xlsx").exists());
}
