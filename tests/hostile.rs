//! Hostile input (tests/hostile/, written by make_hostile.py): nothing crashes (exit 0, 1 or 2,
//! never 101 or a signal), nothing is written outside the output folder, formulas come out
//! inert, script comes out as text, limits refuse bombs with a clear message, and write
//! failures are reported in the clerk's words.

mod common;

use std::path::{Path, PathBuf};

use common::*;
// Every run here is under the hostile budget (2 GiB, 30 s): a bomb fails the test, not the machine.
use common::{gkml_bounded as gkml, gkml_bounded_in as gkml_in};

fn hostile_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/hostile"))
        .expect("tests/hostile")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x != "py"))
        .collect();
    v.sort();
    v
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn no_hostile_input_crashes_validate_or_compile_and_nothing_leaves_the_output_folder() {
    let work = tempfile::tempdir().expect("tmp");
    let out = work.path().join("a/b/out");
    for f in hostile_files() {
        for verb in ["validate", "compile", "import"] {
            let mut args = vec![verb, f.to_str().expect("utf8")];
            if verb == "compile" {
                args.extend(["-o", out.to_str().expect("utf8"), "--allow-errors"]);
            }
            let o = gkml_in(work.path(), &args);
            let c = o.status.code();
            assert!(
                matches!(c, Some(0..=2)),
                "{verb} {}: exit {c:?}\n{}",
                f.display(),
                stderr(&o)
            );
            assert!(!stderr(&o).contains("panicked"), "{verb} {}", f.display());
        }
    }
    // Everything written is inside out/ (the escape_unit's ../../../ name included).
    for p in files_under(work.path()) {
        assert!(
            p.starts_with(&out),
            "written outside the output folder: {}",
            p.display()
        );
    }
    assert!(!Path::new("/tmp/gkml-escape.csv").exists());
    assert!(
        files_under(&out).iter().all(|p| !p
            .file_name()
            .expect("name")
            .to_string_lossy()
            .starts_with(".gkml-")),
        "no temporary files left"
    );
}

#[test]
fn unsafe_unit_names_become_safe_file_names() {
    let dir = tempfile::tempdir().expect("tmp");
    for f in ["escape_unit.toml", "windows_names.toml"] {
        let o = gkml(&[
            "compile",
            &format!("tests/hostile/{f}"),
            "-o",
            dir.path().to_str().expect("utf8"),
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("out")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert!(
        names.contains(&"_.._.._tmp_gkml-escape.csv".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"_CON.csv".to_string()), "{names:?}");
}

#[test]
fn a_hyperlink_formula_comes_out_inert_in_csv_and_xlsx() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = gkml(&[
        "compile",
        "tests/hostile/formulas.csv",
        "-o",
        dir.path().to_str().expect("utf8"),
        "--allow-errors",
    ]);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.path().join("formulas.csv")).expect("csv");
    assert!(
        csv.contains("'=HYPERLINK("),
        "the formula is neutralised with a leading apostrophe"
    );
    assert!(
        csv.contains("'@SUM(A1:A9)") && csv.contains(",'+cmd"),
        "{csv}"
    );
    assert!(!csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"));
    assert!(
        !csv.lines().skip(1).any(|l| l
            .split(',')
            .any(|c| c.starts_with('=') || c.starts_with('@') || c.starts_with('+'))),
        "{csv}"
    );
    assert!(
        csv.lines().any(|l| l.ends_with(",-")),
        "a - placeholder stays readable: {csv}"
    );
    // The XLSX stores it as a string with Excel's quote prefix, so editing the cell keeps it text.
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(dir.path().join("formulas.xlsx")).expect("xlsx"))
            .expect("zip");
    let mut all = String::new();
    for i in 0..zip.len() {
        use std::io::Read;
        let mut f = zip.by_index(i).expect("entry");
        f.read_to_string(&mut all).ok();
    }
    assert!(!all.contains("<f>"), "no formula in any sheet");
    assert!(
        all.contains("quotePrefix=\"1\""),
        "quote-prefixed style present"
    );
    // validate reads gkml's own CSV back to the original value.
    let v = json(&gkml(&[
        "validate",
        "--format",
        "json",
        dir.path().join("formulas.csv").to_str().expect("utf8"),
    ]));
    let names: Vec<String> = v["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .filter_map(|d| d["item"].as_str().map(String::from))
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.contains("=HYPERLINK(") && !n.contains("'=")),
        "{names:?}"
    );
}

#[test]
fn script_in_names_is_text_in_html() {
    let dir = tempfile::tempdir().expect("tmp");
    assert_eq!(
        code(&gkml(&[
            "compile",
            "tests/hostile/escape_unit.toml",
            "-o",
            dir.path().to_str().expect("utf8")
        ])),
        0
    );
    let html =
        std::fs::read_to_string(dir.path().join("_.._.._tmp_gkml-escape.html")).expect("html");
    assert!(html.contains("&lt;script&gt;alert('unit')&lt;/script&gt;基层政务公开标准目录"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only gkml's own filter script"
    );
    assert!(!html.contains("<b onmouseover"));
}

#[test]
fn bombs_and_absurd_files_are_refused_with_gk013() {
    let huge = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "tests/hostile/huge_declared_sheet.xlsx",
    ]));
    assert_eq!(huge["diagnostics"][0]["code"], "GK013");
    let bomb = gkml(&[
        "validate",
        "--format",
        "json",
        "--max-input-mb",
        "100",
        "tests/hostile/zip_bomb.xlsx",
    ]);
    assert_eq!(code(&bomb), 2);
    assert_eq!(json(&bomb)["diagnostics"][0]["code"], "GK013");
    let deep = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "tests/hostile/deep.toml",
    ]));
    assert_eq!(deep["diagnostics"][0]["code"], "GK013");
    let big = gkml(&[
        "validate",
        "--format",
        "json",
        "--max-input-mb",
        "0",
        "tests/fixtures/empty_basis_row7.csv",
    ]);
    assert_eq!(json(&big)["diagnostics"][0]["code"], "GK013");
    let rows = gkml(&[
        "validate",
        "--format",
        "json",
        "--max-rows",
        "3",
        "tests/fixtures/empty_basis_row7.csv",
    ]);
    assert!(json(&rows)["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .any(|d| d["code"] == "GK013"));
    let long = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "tests/hostile/long_cell.csv",
    ]));
    assert!(long["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .any(|d| d["code"] == "GK014" && d["cell"] == "C2"));
}

#[test]
fn honest_messages_for_what_is_not_a_workbook() {
    let cases = [
        ("tests/hostile/page_saved_as.xlsx", "网页"),
        ("tests/hostile/truncated.xlsx", "不完整"),
        ("tests/hostile/empty.xlsx", "0 字节"),
        ("tests/hostile/random.xls", "不是"),
    ];
    for (f, word) in cases {
        let o = gkml(&["validate", "--format", "json", f]);
        assert_eq!(code(&o), 2, "{f}");
        let msg = json(&o)["diagnostics"][0]["message"]
            .as_str()
            .expect("message")
            .to_string();
        assert!(msg.contains(word), "{f}: {msg}");
    }
    // An encrypted workbook is an OLE compound file: the message says so.
    let dir = tempfile::tempdir().expect("tmp");
    let enc = dir.path().join("加密.xlsx");
    let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    bytes.resize(4096, 0);
    std::fs::write(&enc, bytes).expect("write");
    let o = gkml(&["validate", "--format", "json", enc.to_str().expect("utf8")]);
    assert_eq!(code(&o), 2);
    assert!(json(&o)["diagnostics"][0]["message"]
        .as_str()
        .expect("m")
        .contains("密码"));
}

#[cfg(unix)]
#[test]
fn a_read_only_output_folder_and_a_file_in_the_way_are_exit_2_in_plain_words() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).expect("mkdir");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let probe = ro.join("probe");
    let running_as_root = std::fs::write(&probe, "x").is_ok();
    if !running_as_root {
        let o = gkml(&[
            "compile",
            "tests/fixtures/units/鱼岳镇.toml",
            "-o",
            ro.to_str().expect("utf8"),
        ]);
        assert_eq!(code(&o), 2);
        assert!(stderr(&o).contains("没有写入权限"), "{}", stderr(&o));
    }
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").expect("write");
    let o = gkml(&[
        "compile",
        "tests/fixtures/units/鱼岳镇.toml",
        "-o",
        file.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("无法写入"), "{}", stderr(&o));
}

#[test]
fn inputs_are_never_modified() {
    let dir = tempfile::tempdir().expect("tmp");
    let inputs = [
        "tests/fixtures/drafts/乐昌镇.xlsx",
        "tests/fixtures/drafts/乐昌镇_gbk.csv",
        "tests/fixtures/units/鱼岳镇.toml",
    ];
    let before: Vec<Vec<u8>> = inputs
        .iter()
        .map(|p| std::fs::read(root().join(p)).expect("read"))
        .collect();
    for p in inputs {
        gkml(&["validate", p]);
        gkml(&[
            "compile",
            p,
            "-o",
            dir.path().to_str().expect("utf8"),
            "--allow-errors",
        ]);
        gkml(&[
            "import",
            p,
            "-o",
            dir.path().join("u.toml").to_str().expect("utf8"),
        ]);
    }
    let after: Vec<Vec<u8>> = inputs
        .iter()
        .map(|p| std::fs::read(root().join(p)).expect("read"))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn two_runs_writing_the_same_folder_do_not_corrupt_each_other() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().to_str().expect("utf8").to_string();
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_gkml"))
            .current_dir(root())
            .args([
                "compile",
                "examples/嘉鱼县",
                "-o",
                &out,
                "--date",
                "2026-11-24",
                "--quiet",
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn")
    };
    let (mut a, mut b) = (spawn(), spawn());
    assert!(a.wait().expect("a").success() && b.wait().expect("b").success());
    let reference = tempfile::tempdir().expect("tmp");
    compile_alone(reference.path());
    for f in [
        "鱼岳镇.xlsx",
        "汇总表.xlsx",
        "全县汇总目录.csv",
        "index.html",
        "嘉鱼县民政局.json",
    ] {
        assert_eq!(
            std::fs::read(dir.path().join(f)).expect("a"),
            std::fs::read(reference.path().join(f)).expect("b"),
            "{f}"
        );
    }
    assert!(files_under(dir.path()).iter().all(|p| !p
        .file_name()
        .expect("n")
        .to_string_lossy()
        .starts_with(".gkml-")));
}

fn compile_alone(out: &Path) {
    let o = gkml(&[
        "compile",
        "examples/嘉鱼县",
        "-o",
        out.to_str().expect("utf8"),
        "--date",
        "2026-11-24",
    ]);
    assert_eq!(code(&o), 0);
}
