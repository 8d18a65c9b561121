//! The command-line contract of docs/CONTRACT.md (§5–§11), exercised on the built binary: exit codes,
//! JSON diagnostics, positions, files written.

mod common;

use common::*;

#[test]
fn domains_json_lists_26_domains_with_reference_item_counts() {
    let o = gkml(&["domains", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v = json(&o);
    let arr = v.as_array().expect("array");
    assert_eq!(arr.len(), 26);
    for (i, d) in arr.iter().enumerate() {
        assert_eq!(d["id"], i + 1);
        for key in ["name", "aliases", "lead", "items"] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
        assert!(d["items"].as_u64().expect("items") >= 8, "{d}");
    }
    assert_eq!(arr[4]["name"], "社会救助");
    assert!(arr[10]["aliases"]
        .as_array()
        .expect("aliases")
        .iter()
        .any(|a| a == "城乡规划"));
    let total: u64 = arr.iter().map(|d| d["items"].as_u64().unwrap_or(0)).sum();
    assert!(total >= 400, "{total}");
}

#[test]
fn domains_table_is_chinese_and_exits_0() {
    let o = gkml(&["domains"]);
    assert_eq!(code(&o), 0);
    let s = stdout(&o);
    assert!(s.contains("社会救助") && s.contains("共 26 个领域"), "{s}");
}

#[test]
fn empty_basis_in_csv_row_7_is_reported_at_row_7_field_basis_with_exit_1() {
    let o = gkml(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/empty_basis_row7.csv",
    ]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let v = json(&o);
    let d = diagnostic(&v, "GK103").expect("a GK103 diagnostic");
    assert_eq!(d["row"], 7);
    assert_eq!(d["field"], "basis");
    assert_eq!(d["cell"], "F7");
    assert_eq!(d["column"], 6);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["item"], "养老机构/补贴发放");
    assert_eq!(d["sheet"], serde_json::Value::Null);
    // Row 3 holds a cell with a line break, so the record of row 7 starts on text line 8.
    assert_eq!(d["line"], 8);
    assert_eq!(v["summary"]["items"], 7);
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn validate_json_output_matches_golden() {
    let o = gkml(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/empty_basis_row7.csv",
    ]);
    assert_golden("validate_empty_basis_row7.json", &o.stdout);
}

#[test]
fn gbk_csv_reads_the_same_as_utf8() {
    let utf8 = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/empty_basis_row7.csv",
    ]));
    let gbk = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/empty_basis_row7_gbk.csv",
    ]));
    let strip = |v: &serde_json::Value| {
        v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                (
                    d["code"].clone(),
                    d["row"].clone(),
                    d["cell"].clone(),
                    d["message"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&utf8), strip(&gbk));
    assert_eq!(utf8["summary"], gbk["summary"]);
}

#[test]
fn toml_syntax_error_gives_line_and_column_and_exit_2() {
    let o = gkml(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/syntax_error.toml",
    ]);
    assert_eq!(code(&o), 2);
    let v = json(&o);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "GK002");
    assert_eq!(d["line"], 5);
    assert_eq!(
        d["column"], 15,
        "the end of the line, where the closing quote is missing"
    );
    assert!(d["message"].as_str().expect("message").contains("TOML"));
}

#[test]
fn text_output_names_file_line_and_column() {
    let o = gkml(&["validate", "tests/fixtures/syntax_error.toml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stdout(&o).contains("tests/fixtures/syntax_error.toml:5:15: 错误[GK002]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn missing_file_is_gk001_with_exit_2_and_other_inputs_still_checked() {
    let o = gkml(&[
        "validate",
        "--format",
        "json",
        "no/such/file.csv",
        "tests/fixtures/empty_basis_row7.csv",
    ]);
    assert_eq!(code(&o), 2);
    let v = json(&o);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("arr")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"GK001"), "{codes:?}");
    let missing = diagnostic(&v, "GK001").expect("GK001");
    assert_eq!(
        missing["message"], "无法读取文件：文件不存在",
        "the reason is said in Chinese, not the OS's English"
    );
    assert!(missing["hint"]
        .as_str()
        .is_some_and(|h| h.starts_with("检查路径和文件名")));
    assert!(
        codes.contains(&"GK103"),
        "the second input is still validated: {codes:?}"
    );
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn unsupported_file_type_is_gk007_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("目录.pdf");
    std::fs::write(&p, b"%PDF-1.4").expect("write");
    let o = gkml(&[
        "validate",
        "--format",
        "json",
        p.to_str().expect("utf8 path"),
    ]);
    assert_eq!(code(&o), 2);
    assert_eq!(json(&o)["diagnostics"][0]["code"], "GK007");
}

#[test]
fn bad_command_line_exits_2_and_help_exits_0() {
    assert_eq!(code(&gkml(&["validate"])), 2);
    assert_eq!(code(&gkml(&["frobnicate"])), 2);
    assert_eq!(code(&gkml(&["--help"])), 0);
    assert_eq!(code(&gkml(&["--version"])), 0);
}

#[test]
fn explain_prints_documentation_and_unknown_code_exits_2() {
    let o = gkml(&["explain", "GK103"]);
    assert_eq!(code(&o), 0);
    let s = stdout(&o);
    assert!(
        s.contains("GK103") && s.contains("## Why is this bad?") && s.contains("公开依据"),
        "{s}"
    );
    assert_eq!(code(&gkml(&["explain", "GK999"])), 2);
}

#[test]
fn rules_json_has_the_contract_fields() {
    let o = gkml(&["rules", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v = json(&o);
    for r in v.as_array().expect("array") {
        for key in ["code", "name", "severity", "summary", "source"] {
            assert!(r.get(key).is_some_and(|x| x.is_string()), "{key} in {r}");
        }
    }
}

#[test]
fn unit_toml_diagnostics_point_at_the_unit_file() {
    let o = gkml(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/units/bad_town.toml",
    ]);
    assert_eq!(code(&o), 1);
    let v = json(&o);
    let unknown = diagnostic(&v, "GK504").expect("GK504 for the unknown id");
    assert_eq!(unknown["line"], 8);
    assert_eq!(unknown["column"], 25);
    let not_taken = diagnostic(&v, "GK509").expect("GK509 for the 县级 item");
    assert_eq!(not_taken["severity"], "warning");
    // 村村响 was the unknown channel here; it is 广播电视 now, and the typo 公式栏 is not.
    let channel = diagnostic(&v, "GK205").expect("GK205 for 公式栏");
    assert_eq!(channel["line"], 21);
    assert_eq!(channel["field"], "channels");
    assert!(channel["hint"]
        .as_str()
        .expect("hint")
        .contains("是否应为“公示栏”"));
}

#[test]
fn folder_validation_reads_every_supported_file_recursively() {
    let dir = tempfile::tempdir().expect("tmp");
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::copy(fixture("empty_basis_row7.csv"), sub.join("x.csv")).expect("copy");
    std::fs::copy(fixture("syntax_error.toml"), dir.path().join("y.toml")).expect("copy");
    std::fs::write(dir.path().join("notes.txt"), "ignored").expect("write");
    let o = gkml(&[
        "validate",
        "--format",
        "json",
        dir.path().to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 2);
    let v = json(&o);
    assert_eq!(v["summary"]["files"], 2);
}

/// Issue 19, deliverable 8: the clerk's language on every help screen, clap's English words
/// included, with the ASCII flag names unchanged.
#[test]
fn every_help_screen_is_in_chinese_with_ascii_flags() {
    let subs = [
        "validate",
        "compile",
        "summary",
        "init",
        "completions",
        "man",
        "import",
        "diff",
        "domains",
        "rules",
        "explain",
        "keys",
        "serve",
    ];
    let mut screens = vec![(String::from("gkml"), gkml(&["--help"]))];
    for s in subs {
        screens.push((s.to_string(), gkml(&[s, "--help"])));
        screens.push((format!("{s} -h"), gkml(&[s, "-h"])));
    }
    for (what, o) in &screens {
        assert_eq!(code(o), 0, "{what}");
        let text = stdout(o);
        assert!(
            text.contains("用法：") && text.contains("显示帮助"),
            "{what}: {text}"
        );
        for english in [
            "Usage:",
            "Options:",
            "Arguments:",
            "Commands:",
            "Print help",
            "[default:",
            "[possible values:",
            "[OPTIONS]",
        ] {
            assert!(!text.contains(english), "{what} says {english}: {text}");
        }
    }
    let serve = stdout(&gkml(&["serve", "--help"]));
    assert!(serve.contains("--addr <IP:PORT>") && serve.contains("（默认：127.0.0.1:8080）"));
    let validate = stdout(&gkml(&["validate", "--help"]));
    assert!(
        validate.contains("用法：gkml validate [选项] <PATH>..."),
        "{validate}"
    );
    assert!(
        validate.contains("--format <FORMAT>")
            && validate.contains("（可选：text、json、sarif、github）")
    );
}

/// Issue 19: clap's parse errors in Chinese, each kind a sentence of its own, with the flag,
/// value and usage as typed, the exit code of a usage error (2), and no English left.
#[test]
fn command_line_errors_are_chinese_with_ascii_flags_and_exit_2() {
    let cases: [(&[&str], &[&str]); 9] = [
        // Unknown flag, with clap's "did you mean" and "use --" tips.
        (
            &["validate", "--bogus", "x.csv"],
            &[
                "不认识的参数 '--bogus'",
                "'-- --bogus'",
                "用法：gkml validate [选项] <PATH>...",
            ],
        ),
        (
            &["validate", "--formt", "json", "x.csv"],
            &["不认识的参数 '--formt'", "是否想用参数 '--format'"],
        ),
        // Missing value.
        (
            &["validate", "x.csv", "--format"],
            &["'--format <FORMAT>' 需要一个值，但没有给出"],
        ),
        // Unknown subcommand.
        (
            &["valdate", "x.csv"],
            &["没有 'valdate' 这个命令", "是否想用命令 'validate'"],
        ),
        // Invalid value: not one of the choices, not a number.
        (
            &["validate", "--format", "xml", "x.csv"],
            &[
                "'--format <FORMAT>' 不接受值 'xml'",
                "[可选值：text、json、sarif、github]",
            ],
        ),
        (
            &["validate", "--max-rows", "many", "x.csv"],
            &["'--max-rows <N>' 的值 'many' 无效：应为不小于 0 的整数"],
        ),
        // Missing argument.
        (&["validate"], &["缺少必需的参数：", "<PATH>..."]),
        // A flag given twice.
        (
            &[
                "validate",
                "--date",
                "2025-01-01",
                "--date",
                "2025-01-02",
                "x.csv",
            ],
            &["参数 '--date <YYYY-MM-DD>' 只能使用一次"],
        ),
        // An extra positional value.
        (&["explain", "GK101", "GK102"], &["不认识的参数 'GK102'"]),
    ];
    for (args, wanted) in cases {
        let o = gkml(args);
        let err = stderr(&o);
        assert_eq!(code(&o), 2, "{args:?}: {err}");
        assert!(err.starts_with("错误："), "{args:?}: {err}");
        assert!(err.contains("更多信息请运行 '--help'。"), "{args:?}: {err}");
        for w in wanted {
            assert!(err.contains(w), "{args:?} should say {w}: {err}");
        }
        for english in [
            "error:",
            "Usage:",
            "tip:",
            "For more information",
            "possible values",
            "found",
            "required",
        ] {
            assert!(!err.contains(english), "{args:?} says {english}: {err}");
        }
    }
    // Help and version are not errors.
    for args in [
        &["--help"][..],
        &["--version"],
        &["validate", "--help"],
        &["-V"],
    ] {
        let o = gkml(args);
        assert_eq!(code(&o), 0, "{args:?}");
        assert!(stderr(&o).is_empty(), "{args:?}");
    }
}

/// `gkml validate --format json … | head`: the reader closing the pipe early is not an
/// error of gkml's — nothing on stderr, and the exit code says what the data says (1 here,
/// for the errors found), not 2. (The JSON writer once wrapped the closed pipe as an error
/// of its own and printed 无法写入 <stdout>.) Text reports alike.
#[test]
fn a_report_piped_into_a_reader_that_stops_early_ends_quietly() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("tmp");
    let mut text = String::from(
        "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开\n",
    );
    // Every row lacks its 公开依据 and 公开时限: two errors a row, far more report than a
    // pipe holds.
    for i in 1..=3000 {
        text.push_str(&format!(
            "{i},最低生活保障,事项{i},条件,,,乐昌镇人民政府,政府网站,✓,,✓,\n"
        ));
    }
    let path = dir.path().join("乐昌镇.csv");
    std::fs::write(&path, text).expect("write");
    for format in ["json", "text"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gkml"))
            .args(["validate", "--max-diagnostics", "0", "--format", format])
            .arg(&path)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run gkml");
        let mut first = [0u8; 16];
        let mut stdout = child.stdout.take().expect("stdout");
        stdout.read_exact(&mut first).expect("the report starts");
        drop(stdout);
        let out = child.wait_with_output().expect("wait");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{format}: stderr");
        assert_eq!(out.status.code(), Some(1), "{format}: exit code");
    }
}
