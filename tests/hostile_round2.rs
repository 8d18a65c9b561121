//! Hostile input, round two (issue 20): attacks from outside the first corpus. Outputs never
//! overwrite inputs, copies keep what the clerk hid, every expansion a file declares is
//! bounded, and what a cell holds cannot forge the terminal or the pages. Every run goes
//! through the budgeted runner (2 GiB, 30 s): a bomb fails the test, not the machine.

mod common;

use std::path::{Path, PathBuf};

use common::{code, diagnostic, fixture, gkml_bounded_in as gkml_in, json, root, stderr, stdout};

/// A fresh folder holding a copy of the 乐昌镇 draft workbook as `name`.
fn with_draft(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::copy(fixture("drafts/乐昌镇.xlsx"), &p).expect("copy draft");
    (dir, p)
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// The template's columns, and one clean item under them.
const CSV_HEADER: &str =
    "二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,主动";
const CSV_ITEM: &str = "低保,条件,《中华人民共和国政府信息公开条例》（国务院令第711号）,信息形成或变更之日起20个工作日内,镇人民政府,政府网站,✓,✓";

/// A small valid CSV draft with one item.
const CSV: &str = "\u{feff}二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,主动\r\n低保,条件,《中华人民共和国政府信息公开条例》（国务院令第711号）,信息形成或变更之日起20个工作日内,镇人民政府,政府网站,✓,✓\r\n";

// ---- 1. No output is, or resolves to, an input ----

#[test]
fn an_output_that_resolves_to_an_input_is_refused_with_exit_2_before_anything_is_written() {
    let (dir, a) = with_draft("a.xlsx");
    let d = dir.path();
    let before = bytes(&a);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("a.xlsx", d.join("link.xlsx")).expect("symlink");
        std::fs::hard_link(&a, d.join("hard.xlsx")).expect("hard link");
    }
    std::fs::write(d.join("a.csv"), CSV).expect("csv");
    std::fs::write(d.join("b.csv"), CSV.replace("条件", "条件和标准")).expect("csv");
    let attacks: Vec<Vec<&str>> = vec![
        vec!["validate", "a.xlsx", "--annotate", "a.xlsx"],
        vec!["validate", "a.xlsx", "--annotate", "./missing/../a.xlsx"],
        #[cfg(unix)]
        vec!["validate", "a.xlsx", "--annotate", "missing/../link.xlsx"],
        #[cfg(unix)]
        vec!["validate", "a.xlsx", "--annotate", "hard.xlsx"],
        vec!["import", "a.xlsx", "-o", "a.xlsx"],
        vec!["import", "a.csv", "-o", "./a.csv"],
        vec!["diff", "a.csv", "b.csv", "--xlsx", "a.csv"],
        vec!["diff", "a.csv", "b.csv", "--xlsx", "b.csv"],
    ];
    for args in &attacks {
        let o = gkml_in(d, args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("覆盖输入"), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(bytes(&a), before, "the draft is untouched");
    assert_eq!(bytes(&d.join("a.csv")), CSV.as_bytes());
}

#[test]
fn compiling_a_draft_into_its_own_folder_never_replaces_or_removes_the_draft() {
    let (dir, draft) = with_draft("草稿/乐昌镇.xlsx");
    let before = bytes(&draft);
    for extra in [&["--allow-errors"][..], &[][..]] {
        let mut args = vec!["compile", "草稿/乐昌镇.xlsx", "-o", "草稿"];
        args.extend_from_slice(extra);
        let o = gkml_in(dir.path(), &args);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert_eq!(bytes(&draft), before);
    }
    let names: Vec<_> = std::fs::read_dir(dir.path().join("草稿"))
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "nothing was written beside the draft: {names:?}"
    );
}

#[test]
fn fix_never_writes_its_backup_or_copy_over_a_named_input() {
    let (dir, _) = with_draft("a.xlsx");
    let d = dir.path();
    std::fs::copy(d.join("a.xlsx"), d.join("a.fixed.xlsx")).expect("copy");
    let before = bytes(&d.join("a.fixed.xlsx"));
    let o = gkml_in(d, &["validate", "a.xlsx", "a.fixed.xlsx", "--fix"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(bytes(&d.join("a.fixed.xlsx")), before);
}

// ---- 5. A fix that cannot be written is exit 2, and the original stays ----

#[test]
fn a_fix_whose_backup_cannot_be_written_exits_2_and_leaves_the_original() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let src = CSV.replace("政府网站", "<b>政府网站</b>");
    std::fs::write(d.join("a.csv"), &src).expect("csv");
    // A folder where the backup should go: the write fails even for root.
    std::fs::create_dir(d.join("a.csv.bak")).expect("mkdir");
    let o = gkml_in(d, &["validate", "a.csv", "--fix"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("备份"), "{}", stderr(&o));
    assert_eq!(bytes(&d.join("a.csv")), src.as_bytes());
    let strays: Vec<_> = std::fs::read_dir(d)
        .expect("ls")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".gkml-"))
        .collect();
    assert!(strays.is_empty(), "no temporary is left");
    // Once the way is clear the same fix succeeds, with a whole backup.
    std::fs::remove_dir(d.join("a.csv.bak")).expect("rmdir");
    let o = gkml_in(d, &["validate", "a.csv", "--fix"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(bytes(&d.join("a.csv.bak")), src.as_bytes());
    assert_eq!(bytes(&d.join("a.csv")), CSV.as_bytes());
}

fn hostile(name: &str) -> PathBuf {
    root().join("tests/hostile").join(name)
}

/// Items and codes of `validate --format json PATH`.
fn check(dir: &Path, path: &str) -> serde_json::Value {
    json(&gkml_in(dir, &["validate", "--format", "json", path]))
}

// ---- 4. Copies keep sheet state; 7. annotating an annotated workbook ----

#[test]
fn fixed_and_annotated_copies_keep_hidden_sheets_hidden() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::copy(hostile("hidden_sheets.xlsx"), d.join("h.xlsx")).expect("copy");
    let original = check(d, "h.xlsx");
    assert_eq!(original["summary"]["items"], 3);
    let o = gkml_in(d, &["validate", "h.xlsx", "--annotate", "ann.xlsx"]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    let o = gkml_in(d, &["validate", "h.xlsx", "--fix"]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    for copy in ["ann.xlsx", "h.fixed.xlsx"] {
        let v = check(d, copy);
        assert_eq!(
            v["summary"]["items"], 3,
            "{copy}: the hidden items stay hidden"
        );
        let hidden = v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|x| x["code"] == "GK012")
            .count();
        assert_eq!(
            hidden, 2,
            "{copy}: both hidden sheets are still reported hidden"
        );
    }
}

#[test]
fn annotating_an_annotated_workbook_replaces_its_problem_list() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::copy(hostile("hidden_sheets.xlsx"), d.join("h.xlsx")).expect("copy");
    let first = gkml_in(d, &["validate", "h.xlsx", "--annotate", "ann.xlsx"]);
    assert!(code(&first) < 2, "{}", stderr(&first));
    let again = gkml_in(d, &["validate", "ann.xlsx", "--annotate", "ann2.xlsx"]);
    assert!(code(&again) < 2, "{}", stderr(&again));
    assert_eq!(
        check(d, "ann2.xlsx")["summary"],
        check(d, "ann.xlsx")["summary"]
    );
}

// ---- 8. Merged ranges are bounded by the used range ----

#[test]
fn a_merge_over_the_whole_sheet_is_copied_and_read_within_budget() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::copy(hostile("merge_bomb.xlsx"), d.join("m.xlsx")).expect("copy");
    assert_eq!(check(d, "m.xlsx")["summary"]["items"], 3);
    let o = gkml_in(d, &["validate", "m.xlsx", "--annotate", "ann.xlsx"]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    let o = gkml_in(d, &["validate", "m.xlsx", "--fix"]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    for copy in ["ann.xlsx", "m.fixed.xlsx"] {
        let size = std::fs::metadata(d.join(copy)).expect("copy written").len();
        assert!(size < 100_000, "{copy} is {size} bytes");
    }
}

/// `validate --format json` of a hostile file: its exit code and its first GK013.
fn refused_as_too_large(name: &str) -> serde_json::Value {
    let o = gkml_in(
        &root(),
        &[
            "validate",
            "--format",
            "json",
            &format!("tests/hostile/{name}"),
        ],
    );
    assert_eq!(code(&o), 2, "{name}: {}", stderr(&o));
    diagnostic(&json(&o), "GK013")
        .unwrap_or_else(|| panic!("{name}: a GK013 diagnostic\n{}", stdout(&o)))
        .clone()
}

// ---- 9. OpenDocument repeats are checked before calamine expands them ----

#[test]
fn an_ods_row_repeated_a_million_times_is_refused_before_it_is_expanded() {
    for name in ["ods_rows_bomb.ods", "ods_columns_bomb.ods"] {
        let d = refused_as_too_large(name);
        assert!(
            d["message"].as_str().expect("message").contains("上限"),
            "{d}"
        );
    }
    for verb in ["compile", "import"] {
        let out = tempfile::tempdir().expect("tmp");
        let mut args = vec![verb, "tests/hostile/ods_rows_bomb.ods"];
        if verb == "compile" {
            args.extend(["-o", out.path().to_str().expect("utf8")]);
        }
        assert_eq!(code(&gkml_in(&root(), &args)), 2, "{verb}");
    }
    // The copies open the workbook through the same limits.
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::copy(hostile("ods_rows_bomb.ods"), d.join("b.ods")).expect("copy");
    for args in [
        &["validate", "b.ods", "--fix"][..],
        &["validate", "b.ods", "--annotate", "ann.xlsx"][..],
    ] {
        assert_eq!(code(&gkml_in(d, args)), 2, "{args:?}");
    }
}

#[test]
fn empty_rows_repeated_to_the_end_of_an_ods_sheet_still_read() {
    let v = check(&root(), "tests/hostile/ods_trailing_empty.ods");
    assert_eq!(v["summary"]["items"], 2, "{v}");
    assert!(diagnostic(&v, "GK013").is_none());
}

#[test]
fn cells_without_positions_are_counted_where_calamine_would_place_them() {
    let d = refused_as_too_large("implicit_positions_bomb.xlsx");
    assert!(
        d["message"].as_str().expect("message").contains("单元格"),
        "{d}"
    );
    // A workbook written without `r` attributes still reads.
    assert_eq!(
        check(&root(), "tests/hostile/cell_values.xlsx")["summary"]["items"],
        3
    );
}

// ---- 11. A shared-string count is checked against the part's size ----

#[test]
fn a_shared_string_count_the_part_cannot_hold_is_gk013_not_a_panic_or_48_gib() {
    for name in ["shared_strings_max.xlsx", "shared_strings_2e31.xlsx"] {
        let d = refused_as_too_large(name);
        assert!(
            d["message"]
                .as_str()
                .expect("message")
                .contains("共享字符串"),
            "{d}"
        );
    }
}

// ---- 10. Columns are bounded, and unknown columns cost linear time ----

#[test]
fn a_one_record_csv_with_400k_columns_is_refused_quickly_and_16k_columns_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let wide = |n: usize| {
        let mut head: Vec<String> = CSV_HEADER.split(',').map(str::to_string).collect();
        let mut row: Vec<String> = CSV_ITEM.split(',').map(str::to_string).collect();
        head.extend((0..n).map(|i| format!("列{i}")));
        row.extend((0..n).map(|_| "x".to_string()));
        format!("{}\n{}\n", head.join(","), row.join(","))
    };
    std::fs::write(d.join("huge.csv"), wide(400_000)).expect("write");
    let o = gkml_in(d, &["validate", "--format", "json", "huge.csv"]);
    assert_eq!(code(&o), 2);
    let gk013 = diagnostic(&json(&o), "GK013").expect("GK013").clone();
    assert!(
        gk013["message"].as_str().expect("m").contains("列"),
        "{gk013}"
    );
    // Up to Excel's 16,384 columns the record reads, each unknown column reported once.
    std::fs::write(d.join("wide.csv"), wide(16_000)).expect("write");
    let start = std::time::Instant::now();
    let v = check(d, "wide.csv");
    assert_eq!(v["summary"]["items"], 1);
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

// ---- 14. A stray quote is read as Excel reads it ----

#[test]
fn a_stray_quote_in_an_unquoted_csv_field_is_read_as_excel_does_with_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let text = format!(
        "{CSV_HEADER}\n{}\n{}\n\"特困\",\"条件,\"\"标准\"\"\",《中华人民共和国政府信息公开条例》（国务院令第711号）,及时,镇,政府网站,✓,✓\n",
        CSV_ITEM.replace("条件", "15\"显示屏"),
        CSV_ITEM.replace("低保", "临时救助")
    );
    std::fs::write(d.join("q.csv"), text).expect("write");
    let o = gkml_in(d, &["validate", "--format", "json", "q.csv"]);
    assert!(code(&o) < 2, "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["summary"]["items"], 3, "every row is an item: {v}");
    let w = diagnostic(&v, "GK015").expect("a GK015 warning");
    assert_eq!(w["severity"], "warning");
    assert_eq!(w["line"], 2);
    assert!(diagnostic(&v, "GK005").is_none());
    let out = tempfile::tempdir().expect("out");
    let o = gkml_in(
        d,
        &["compile", "q.csv", "-o", out.path().to_str().expect("utf8")],
    );
    assert!(code(&o) < 2, "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.path().join("q.csv")).expect("compiled csv");
    assert!(
        csv.contains("15\"\"显示屏"),
        "the quote is kept as text: {csv}"
    );
    assert!(
        csv.contains("条件,\"\"标准\"\""),
        "a quoted field still reads whole: {csv}"
    );
}

// ---- 15. A byte-order mark in the middle of a file ----

#[test]
fn two_csv_files_joined_with_cat_read_as_one_table_with_a_repeated_header() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let part = |unit: &str, name: &str| {
        format!(
            "\u{feff}单位,{CSV_HEADER}\r\n{unit},{}\r\n",
            CSV_ITEM.replace("低保", name)
        )
    };
    std::fs::write(
        d.join("all.csv"),
        part("甲镇", "低保") + &part("乙镇", "特困"),
    )
    .expect("w");
    let v = check(d, "all.csv");
    assert_eq!(v["summary"]["items"], 2, "{v}");
    let out = tempfile::tempdir().expect("out");
    let o = gkml_in(
        d,
        &[
            "compile",
            "all.csv",
            "-o",
            out.path().to_str().expect("utf8"),
        ],
    );
    assert!(code(&o) < 2, "{}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["乙镇.csv", "甲镇.csv"],
        "no phantom \\u{{feff}} unit"
    );
}

// ---- 12. Folder walks: no link loops, only regular files, never /proc ----

#[cfg(unix)]
#[test]
fn a_folder_with_link_loops_and_a_fifo_is_read_once_per_file_without_blocking() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).expect("mkdir");
    std::fs::write(d.join("sub/a.csv"), CSV).expect("csv");
    std::os::unix::fs::symlink(".", d.join("sub/self")).expect("link");
    std::os::unix::fs::symlink("..", d.join("sub/up")).expect("link");
    std::os::unix::fs::symlink(d, d.join("sub/abs")).expect("link");
    let fifo = d.join("x.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let v = json(&gkml_in(d, &["validate", "--format", "json", "."]));
    let gk109 = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|x| x["code"] == "GK109")
        .count();
    assert_eq!(gk109, 1, "a.csv is reported once: {v}");
    assert_eq!(v["summary"]["items"], 1, "a.csv is read once: {v}");
    if made {
        let d = diagnostic(&v, "GK001").expect("the FIFO is reported, not waited on");
        assert!(
            d["file"].as_str().is_some_and(|f| f.ends_with("x.csv")),
            "{d}"
        );
        let o = gkml_in(dir.path(), &["validate", "x.csv"]);
        assert_eq!(
            code(&o),
            2,
            "a FIFO named on the command line is refused too"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn validate_proc_self_does_not_walk_the_filesystem() {
    let o = gkml_in(&root(), &["validate", "--format", "json", "/proc/self"]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    assert_eq!(json(&o)["summary"]["items"], 0);
}

// ---- 16. `#`, `%` and `?` in unit names ----

#[test]
fn hash_percent_and_question_marks_in_unit_names_keep_index_links_working() {
    let dir = tempfile::tempdir().expect("tmp");
    let proj = dir.path().join("县");
    std::fs::create_dir_all(proj.join("towns")).expect("mkdir");
    let mut county = "county = \"测试县\"\n".to_string();
    for (file, name) in [("a", "甲#镇"), ("b", "乙%20镇"), ("c", "丙?镇")] {
        std::fs::write(
            proj.join(format!("towns/{file}.toml")),
            format!("name = \"{name}\"\nkind = \"乡镇\"\n\n[[sections]]\ndomain = \"社会救助\"\n"),
        )
        .expect("write");
        county.push_str(&format!("\n[[units]]\npath = \"towns/{file}.toml\"\n"));
    }
    std::fs::write(proj.join("county.toml"), county).expect("write");
    let out = dir.path().join("out");
    let o = gkml_in(
        dir.path(),
        &["compile", "县", "-o", "out", "--date", "2026-11-24"],
    );
    assert!(code(&o) < 2, "{}", stderr(&o));
    let index = std::fs::read_to_string(out.join("index.html")).expect("index");
    let hrefs: Vec<&str> = index
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.ends_with(".html") && !h.starts_with("汇总表"))
        .collect();
    assert_eq!(hrefs.len(), 3, "{index}");
    for h in hrefs {
        assert!(!h.contains(['#', '?']), "{h} would stop at # or ?");
        // The link, unescaped, is a file that exists.
        let mut name = String::new();
        let mut bytes = h.bytes();
        let mut raw = Vec::new();
        while let Some(b) = bytes.next() {
            if b == b'%' {
                let hex: String = bytes.by_ref().take(2).map(char::from).collect();
                raw.push(u8::from_str_radix(&hex, 16).expect("hex"));
            } else {
                raw.push(b);
            }
        }
        name.push_str(std::str::from_utf8(&raw).expect("utf8"));
        assert!(out.join(&name).is_file(), "{h} → {name} exists");
    }
}

// ---- 17. Dates are validated ----

#[test]
fn an_impossible_date_or_epoch_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::write(d.join("a.csv"), CSV).expect("csv");
    for date in ["2026-02-30", "2025-02-29", "2026-04-31", "2026-13-01"] {
        let o = gkml_in(d, &["compile", "a.csv", "-o", "out", "--date", date]);
        assert_eq!(code(&o), 2, "{date}");
        assert!(stderr(&o).contains(date), "{}", stderr(&o));
    }
    assert!(!d.join("out").exists(), "nothing written");
    let o = gkml_in(
        d,
        &["compile", "a.csv", "-o", "out", "--date", "2024-02-29"],
    );
    assert_eq!(code(&o), 0, "a leap day is a date: {}", stderr(&o));
    for epoch in [
        "9223372036854775807",
        "-9223372036854775808",
        "253402300800",
    ] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_gkml"))
            .current_dir(d)
            .env("SOURCE_DATE_EPOCH", epoch)
            .args(["compile", "a.csv", "-o", "out2"])
            .output()
            .expect("run");
        assert_eq!(code(&o), 2, "SOURCE_DATE_EPOCH={epoch}");
        assert!(stderr(&o).contains("SOURCE_DATE_EPOCH"), "{}", stderr(&o));
    }
}

// ---- 13. Control characters: escaped on the terminal, an error in values ----

#[test]
fn terminal_escapes_in_cells_are_printed_escaped_and_are_gk606_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    // A window title (OSC), a colour, a carriage return forging a clean summary, NUL.
    let forged = CSV_ITEM.replace(
        "条件",
        "条件\u{1b}]0;已通过\u{7}\u{1b}[2K\r共检查 1 个文件：0 个错误\u{0}",
    );
    std::fs::write(d.join("esc.csv"), format!("{CSV_HEADER}\n{forged}\n")).expect("write");
    let o = gkml_in(d, &["validate", "esc.csv"]);
    assert_eq!(code(&o), 1, "a control character is an error");
    let text = stdout(&o);
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "no raw control character reaches the terminal: {text:?}"
    );
    assert!(text.contains("\\u001b]0;"), "{text}");
    assert!(text.contains("GK606"), "{text}");
    let v = check(d, "esc.csv");
    assert!(diagnostic(&v, "GK606").is_some_and(|x| x["severity"] == "error"));
    // Not silently published: compile writes nothing for the unit.
    let o = gkml_in(d, &["compile", "esc.csv", "-o", "out"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!d.join("out/esc.html").exists() && !d.join("out/esc.csv").exists());
}

#[test]
fn a_unit_name_with_nul_characters_is_an_error_not_a_blank_page() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::write(
        d.join("u.toml"),
        "name = \"甲\\u0000body\\u0000镇\"\nkind = \"乡镇\"\ncounty = \"某县\"\n\n[[sections]]\ndomain = \"社会救助\"\n",
    )
    .expect("write");
    let o = gkml_in(d, &["compile", "u.toml", "-o", "out"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let report = stdout(&o) + &stderr(&o);
    assert!(report.contains("GK606"), "{report}");
    let written: Vec<_> = std::fs::read_dir(d.join("out"))
        .map(|r| r.filter_map(Result::ok).collect())
        .unwrap_or_default();
    assert!(written.is_empty(), "nothing published: {written:?}");
}

// ---- 7. --fix is idempotent in one run and keeps the file's form ----

#[test]
fn one_fix_run_is_enough_and_a_toml_keeps_its_bom_and_crlf() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let toml = "\u{feff}name = \"甲镇\"\r\nkind = \"乡镇\"\r\ncounty = \"某县\"\r\n\r\n[[sections]]\r\ndomain = \"社会救助\"\r\nreference = false\r\n\r\n[[sections.add]]\r\ncategory = \"低保\"  # 注释\r\nname = \"办事指南\"\r\ncontent = \"条件\"\r\nbasis = \"《社会救助暂行办法》（民发(２０１９)１号）\"\r\ndeadline = \"及时公开\"\r\nsubject = \"镇人民政府\"\r\nchannels = [\"政府网站\"]\r\naudience = \"全社会\"\r\nmode = \"主动\"\r\n";
    std::fs::write(d.join("u.toml"), toml).expect("toml");
    let csv = CSV.replace(
        "《中华人民共和国政府信息公开条例》（国务院令第711号）",
        "《办法》（民发(２０１９)１号）",
    );
    std::fs::write(d.join("a.csv"), &csv).expect("csv");
    for f in ["u.toml", "a.csv"] {
        let o = gkml_in(d, &["validate", f, "--fix"]);
        assert!(code(&o) < 2, "{f}: {}", stderr(&o));
        let once = bytes(&d.join(f));
        let text = String::from_utf8(once.clone()).expect("utf8");
        assert!(text.contains("民发〔2019〕1号"), "{f}: {text}");
        let o = gkml_in(d, &["validate", f, "--fix"]);
        assert!(
            stderr(&o).contains("无可自动修正之处"),
            "{f}: {}",
            stderr(&o)
        );
        assert_eq!(bytes(&d.join(f)), once, "{f}: a second run changes nothing");
    }
    let fixed = String::from_utf8(bytes(&d.join("u.toml"))).expect("utf8");
    assert!(fixed.starts_with('\u{feff}'), "the BOM is kept");
    assert_eq!(
        fixed.matches('\n').count(),
        fixed.matches("\r\n").count(),
        "CRLF is kept"
    );
    assert_eq!(
        fixed,
        toml.replace("民发(２０１９)１号", "民发〔2019〕1号"),
        "only the fixed value changed"
    );
}

// ---- 18. What calamine reads differently from what Excel shows ----

#[test]
fn formulas_without_values_error_values_dates_and_hidden_rows_are_read_and_reported() {
    let v = check(&root(), "tests/hostile/cell_values.xlsx");
    assert_eq!(v["summary"]["items"], 3, "the hidden row is read: {v}");
    let f = diagnostic(&v, "GK016").expect("formula without a cached value");
    assert_eq!(f["cell"], "E2");
    assert_eq!(f["severity"], "warning");
    let e = diagnostic(&v, "GK017").expect("#N/A");
    assert_eq!(e["cell"], "C3");
    assert!(e["message"].as_str().expect("m").contains("#N/A"));
    let h = diagnostic(&v, "GK018").expect("hidden row");
    assert!(h["message"].as_str().expect("m").contains("第 4 行"), "{h}");
    let out = tempfile::tempdir().expect("out");
    let o = gkml_in(
        &root(),
        &[
            "compile",
            "tests/hostile/cell_values.xlsx",
            "-o",
            out.path().to_str().expect("utf8"),
            "--allow-errors",
        ],
    );
    assert!(code(&o) < 2, "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.path().join("cell_values.csv")).expect("csv");
    assert!(
        csv.contains(",2025-01-31\r\n"),
        "a date cell reads as a date: {csv}"
    );
    assert!(!csv.contains("45688"), "not as its serial number: {csv}");
    assert!(
        csv.contains(",1月31日\r\n"),
        "a m\"月\"d\"日\" date reads as its format shows it: {csv}"
    );
}

// ---- 18. A cell reads as its number format shows it ----

/// 公开时限 of every item: a number (20) whose format carries the words around it.
const DEADLINE_FORMAT: &str = "\"信息形成或变更之日起\"0\"个工作日内\"";

/// One item per format family, its 备注 written as a value under that family's format, and
/// the text Excel shows for it.
fn format_families() -> Vec<(&'static str, rust_xlsxwriter::Format, Remark, &'static str)> {
    use rust_xlsxwriter::Format;
    let f = |code: &str| Format::new().set_num_format(code);
    vec![
        (
            "低保",
            f("m\"月\"d\"日\""),
            Remark::Number(45688.0),
            "1月31日",
        ),
        (
            "特困",
            Format::new().set_num_format_index(31),
            Remark::Number(45688.0),
            "2025年1月31日",
        ),
        (
            "临时救助",
            f("yyyy/m/d"),
            Remark::Number(45688.0),
            "2025/1/31",
        ),
        (
            "医疗救助",
            f("0\"个工作日\""),
            Remark::Number(20.0),
            "20个工作日",
        ),
        ("教育救助", f("#\"天\""), Remark::Number(7.0), "7天"),
        ("住房救助", f("0%"), Remark::Number(0.5), "50%"),
        (
            "就业救助",
            f("@\"（试行）\""),
            Remark::Text("暂行"),
            "暂行（试行）",
        ),
        ("受灾人员救助", Format::new(), Remark::Number(15.0), "15"),
        (
            "残疾人两项补贴",
            f("h\"时\"mm\"分\""),
            Remark::Number(0.5),
            "12时00分",
        ),
        ("孤儿基本生活费", f("0.00"), Remark::Number(3.0), "3.00"),
    ]
}

/// A 备注 cell's value.
#[derive(Clone, Copy)]
enum Remark {
    Number(f64),
    Text(&'static str),
}

/// Write the format-family workbook to `path`.
fn write_formatted_workbook(path: &Path) {
    write_formatted_workbook_with(path, None);
}

/// Write the format-family workbook to `path`, with `basis` as the first item's 公开依据.
fn write_formatted_workbook_with(path: &Path, basis: Option<&str>) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("目录").expect("name");
    let header: Vec<&str> = CSV_HEADER.split(',').chain(["备注"]).collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    let deadline = Format::new().set_num_format(DEADLINE_FORMAT);
    for (i, (name, format, remark, _)) in format_families().into_iter().enumerate() {
        let row = i as u32 + 1;
        for (c, v) in CSV_ITEM.split(',').enumerate() {
            let c = c as u16;
            match c {
                0 => ws.write_string(row, c, name),
                2 if i == 0 && basis.is_some() => ws.write_string(row, c, basis.unwrap_or(v)),
                3 => ws.write_number_with_format(row, c, 20.0, &deadline),
                _ => ws.write_string(row, c, v),
            }
            .expect("cell");
        }
        let col = header.len() as u16 - 1;
        match remark {
            Remark::Number(n) => ws.write_number_with_format(row, col, n, &format),
            Remark::Text(t) => ws.write_string_with_format(row, col, t, &format),
        }
        .expect("remark");
    }
    wb.save(path).expect("save");
}

/// Compile `input` (in `dir`) and return its CSV.
fn compiled_csv(dir: &Path, input: &str, stem: &str) -> String {
    let o = gkml_in(dir, &["compile", input, "-o", "out", "--allow-errors"]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    std::fs::read_to_string(dir.join("out").join(format!("{stem}.csv")))
        .unwrap_or_else(|e| panic!("csv of {stem}: {e}; {}", stderr(&o)))
}

#[test]
fn xlsx_cells_read_as_their_number_format_shows_them_in_every_format_family() {
    let dir = tempfile::tempdir().expect("tmp");
    write_formatted_workbook(&dir.path().join("f.xlsx"));
    let v = check(dir.path(), "f.xlsx");
    let families = format_families();
    assert_eq!(v["summary"]["items"], families.len(), "{v}");
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        !codes.iter().any(|c| c.starts_with("GK4")),
        "a deadline formatted with its words reads as the words, not as 20: {v}"
    );
    let csv = compiled_csv(dir.path(), "f.xlsx", "f");
    assert_eq!(
        csv.matches(",信息形成或变更之日起20个工作日内,").count(),
        families.len(),
        "{csv}"
    );
    for (name, _, _, shown) in families {
        let line = csv
            .lines()
            .find(|l| l.contains(&format!(",{name},")) || l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {csv}"));
        assert!(line.ends_with(&format!(",{shown}")), "{name}: {line}");
    }
}

#[test]
fn fixed_and_annotated_copies_read_as_the_original_shows_its_formatted_cells() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    // A 文号 with half-width brackets and full-width digits gives --fix something to correct.
    write_formatted_workbook_with(
        &d.join("f.xlsx"),
        Some("《中华人民共和国政府信息公开条例》（国务院令第711号）、民发(２０１９)１号"),
    );
    let o = gkml_in(d, &["validate", "f.xlsx", "--fix"]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    assert!(d.join("f.fixed.xlsx").exists(), "{}", stderr(&o));
    let o = gkml_in(d, &["validate", "f.xlsx", "--annotate", "ann.xlsx"]);
    assert!(code(&o) < 2, "{}", stderr(&o));
    for copy in ["f.fixed.xlsx", "ann.xlsx"] {
        let stem = copy.trim_end_matches(".xlsx");
        let csv = compiled_csv(d, copy, stem);
        assert_eq!(
            csv.matches(",信息形成或变更之日起20个工作日内,").count(),
            10,
            "{copy}: {csv}"
        );
        for (name, _, _, shown) in format_families() {
            let line = csv
                .lines()
                .find(|l| l.contains(&format!(",{name},")) || l.starts_with(name))
                .unwrap_or_else(|| panic!("{copy}: {name} in {csv}"));
            assert!(
                line.ends_with(&format!(",{shown}")),
                "{copy}: {name}: {line}"
            );
        }
    }
}

/// `bytes` of a zip with the parts `replace` names swapped for new text.
fn rezip(bytes: &[u8], replace: &[(&str, String)]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..src.len() {
        let mut f = src.by_index(i).expect("part");
        let name = f.name().expect("name").to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read part");
        if let Some((_, text)) = replace.iter().find(|(n, _)| *n == name) {
            data = text.clone().into_bytes();
        }
        out.start_file(name, opts).expect("start");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

#[test]
fn a_hostile_styles_part_reads_plain_values_without_panicking() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write_formatted_workbook(&d.join("f.xlsx"));
    let good = bytes(&d.join("f.xlsx"));
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&good[..])).expect("zip");
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("xl/worksheets/sheet1.xml").expect("sheet"),
        &mut sheet,
    )
    .expect("sheet text");
    let head = r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;
    let long = "0".repeat(10_000);
    let many_xfs = r#"<xf numFmtId="4294967295"/>"#.repeat(200_000);
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "huge numFmt ids, no cellXfs",
            vec![(
                "xl/styles.xml",
                format!(
                    r#"{head}<numFmts count="1"><numFmt numFmtId="99999999999999999999" formatCode="0&quot;天&quot;"/><numFmt numFmtId="164" formatCode="{long}"/></numFmts></styleSheet>"#
                ),
            )],
        ),
        (
            "200,000 cell formats with ids no one defines",
            vec![(
                "xl/styles.xml",
                format!(r#"{head}<cellXfs count="200000">{many_xfs}</cellXfs></styleSheet>"#),
            )],
        ),
        (
            "s= out of range and not a number",
            vec![(
                "xl/worksheets/sheet1.xml",
                sheet
                    .replace(" s=\"1\"", " s=\"4294967296\"")
                    .replace(" s=\"2\"", " s=\"99999\"")
                    .replace(" s=\"3\"", " s=\"-1\""),
            )],
        ),
        (
            "ids that are not numbers",
            vec![(
                "xl/styles.xml",
                format!(
                    r#"{head}<numFmts><numFmt numFmtId="x" formatCode="0&quot;天&quot;"/><numFmt numFmtId="165"/></numFmts><cellXfs><xf numFmtId="-1"/><xf numFmtId=""/><xf/></cellXfs></styleSheet>"#
                ),
            )],
        ),
    ];
    for (what, parts) in cases {
        std::fs::write(d.join("h.xlsx"), rezip(&good, &parts)).expect("write");
        let v = check(d, "h.xlsx");
        assert_eq!(v["summary"]["items"], 10, "{what}: {v}");
        let csv = compiled_csv(d, "h.xlsx", "h");
        assert!(!csv.is_empty(), "{what}");
    }
    // A styles part that is not XML at all: calamine refuses the workbook, a GK001, not a
    // panic.
    std::fs::write(
        d.join("x.xlsx"),
        rezip(&good, &[("xl/styles.xml", "<<<&&&".repeat(1000))]),
    )
    .expect("write");
    let v = check(d, "x.xlsx");
    assert!(diagnostic(&v, "GK001").is_some(), "{v}");
    // Plain values where the format is gone: 20, not 20个工作日.
    std::fs::write(
        d.join("p.xlsx"),
        rezip(&good, &[("xl/styles.xml", format!("{head}</styleSheet>"))]),
    )
    .expect("write");
    let csv = compiled_csv(d, "p.xlsx", "p");
    assert!(csv.contains(",20,"), "the deadline reads plain: {csv}");
}

/// An .ods package with one table holding `rows`.
fn ods(rows: &str) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).expect("mimetype");
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("mimetype");
    out.start_file(
        "META-INF/manifest.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("manifest");
    out.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).expect("manifest");
    out.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .expect("content");
    write!(out, r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="目录">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#).expect("content");
    out.finish().expect("finish").into_inner()
}

/// An .ods row of string cells, then `extra` cells as written.
fn ods_row(attrs: &str, cells: &[&str], extra: &str) -> String {
    let strings: String = cells
        .iter()
        .map(|c| format!(r#"<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>"#))
        .collect();
    format!("<table:table-row{attrs}>{strings}{extra}</table:table-row>")
}

/// The cells of an item named `name` with 公开时限 as LibreOffice stores a formatted number,
/// and `remark` cell after them.
fn ods_item(attrs: &str, name: &str, remark: &str) -> String {
    let cells: Vec<&str> = CSV_ITEM.split(',').collect();
    let deadline = r#"<table:table-cell office:value-type="float" office:value="20"><text:p>信息形成或变更之日起20个工作日内</text:p></table:table-cell>"#;
    let tail: String = cells
        .get(4..)
        .unwrap_or_default()
        .iter()
        .map(|c| format!(r#"<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>"#))
        .collect();
    let head: Vec<&str> = [name]
        .into_iter()
        .chain(cells.get(1..3).unwrap_or_default().iter().copied())
        .collect();
    ods_row(attrs, &head, &format!("{deadline}{tail}{remark}"))
}

#[test]
fn ods_value_cells_read_as_the_text_the_clerk_saw() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let header: Vec<&str> = CSV_HEADER.split(',').chain(["备注"]).collect();
    let remark = |t: &str, attrs: &str| {
        format!(r#"<table:table-cell {attrs}><text:p>{t}</text:p></table:table-cell>"#)
    };
    let rows = [
        ods_row("", &header, ""),
        ods_item("", "低保", &remark("1月31日", r#"office:value-type="date" office:date-value="2025-01-31""#)),
        ods_item("", "特困", &remark("20个工作日", r#"office:value-type="float" office:value="20""#)),
        ods_item("", "临时救助", &remark("50%", r#"office:value-type="percentage" office:value="0.5""#)),
        ods_item("", "医疗救助", &remark("¥9.50", r#"office:value-type="currency" office:currency="CNY" office:value="9.5""#)),
        ods_item("", "教育救助", &remark("15", r#"office:value-type="float" office:value="15""#)),
        // A value cell written by a program, with no paragraph: its plain value.
        ods_item("", "住房救助", r#"<table:table-cell office:value-type="date" office:date-value="2025-01-31T00:00:00"/>"#),
    ]
    .concat();
    std::fs::write(d.join("o.ods"), ods(&rows)).expect("write");
    let v = check(d, "o.ods");
    assert_eq!(v["summary"]["items"], 6, "{v}");
    let csv = compiled_csv(d, "o.ods", "o");
    assert_eq!(
        csv.matches(",信息形成或变更之日起20个工作日内,").count(),
        6,
        "{csv}"
    );
    for (name, shown) in [
        ("低保", "1月31日"),
        ("特困", "20个工作日"),
        ("临时救助", "50%"),
        ("医疗救助", "¥9.50"),
        ("教育救助", "15"),
        ("住房救助", "2025-01-31"),
    ] {
        let line = csv
            .lines()
            .find(|l| l.contains(&format!(",{name},")) || l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {csv}"));
        assert!(line.ends_with(&format!(",{shown}")), "{name}: {line}");
    }
}

#[test]
fn hidden_and_filtered_ods_rows_are_read_and_reported_as_gk018_with_their_repeats() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let header: Vec<&str> = CSV_HEADER.split(',').collect();
    let rows = [
        ods_row("", &header, ""),
        ods_item("", "低保", ""),
        ods_item(r#" table:visibility="collapse""#, "特困", ""),
        "<table:table-row-group>".to_string(),
        ods_item(r#" table:visibility="filter" table:number-rows-repeated="2""#, "临时救助", ""),
        "</table:table-row-group>".to_string(),
        // Hidden empty rows repeated to the end of the sheet hold nothing to publish.
        r#"<table:table-row table:visibility="collapse" table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#.to_string(),
    ]
    .concat();
    std::fs::write(d.join("h.ods"), ods(&rows)).expect("write");
    let v = check(d, "h.ods");
    assert_eq!(v["summary"]["items"], 4, "the hidden rows are read: {v}");
    let h = diagnostic(&v, "GK018").expect("hidden rows reported");
    assert_eq!(h["severity"], "warning");
    assert_eq!(h["cell"], "A3", "{h}");
    let m = h["message"].as_str().expect("message");
    assert!(
        m.contains("3 个隐藏行") && m.contains("第 3、4、5 行"),
        "{m}"
    );
    // Visible rows only: no GK018.
    std::fs::write(
        d.join("v.ods"),
        ods(&[ods_row("", &header, ""), ods_item("", "低保", "")].concat()),
    )
    .expect("write");
    assert!(diagnostic(&check(d, "v.ods"), "GK018").is_none());
}

/// `tests/hostile/libreoffice_formats.ods` is a workbook written by XlsxWriter 3.3 (one item
/// per format family in 备注, 公开时限 typed as 20 under `"信息形成或变更之日起"0"个工作日内"`,
/// row 6 hidden) and converted by LibreOffice 7 (`soffice --headless --convert-to ods`): real
/// `text:p` paragraphs and a real `table:visibility="collapse"`, not ones written by hand.
#[test]
fn an_ods_saved_by_libreoffice_reads_as_libreoffice_shows_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::copy(hostile("libreoffice_formats.ods"), d.join("f.ods")).expect("copy");
    let v = check(d, "f.ods");
    assert_eq!(v["summary"]["items"], 11, "{v}");
    let h = diagnostic(&v, "GK018").expect("the hidden row");
    assert!(h["message"].as_str().expect("m").contains("第 6 行"), "{h}");
    let csv = compiled_csv(d, "f.ods", "f");
    assert_eq!(
        csv.matches(",信息形成或变更之日起20个工作日内,").count(),
        11,
        "{csv}"
    );
    // LibreOffice's own CSV export of the same sheet shows these.
    let shown = [
        "1月31日",
        "2025年1月31日",
        "2025/1/31",
        "20个工作日",
        "7天",
        "50%",
        "15",
        "12时00分",
        "3.00",
        "\"12,345\"",
        "Friday",
    ];
    let remarks: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.rsplit_once(",,,").map(|(_, r)| r))
        .collect();
    assert_eq!(remarks, shown, "{csv}");
}
