//! Shared helpers for the CLI tests: run the built binary, compare with golden files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// Run gkml in `dir` with `args`.
pub fn gkml_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gkml"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run gkml")
}

/// Run gkml in the crate root.
pub fn gkml(args: &[&str]) -> Output {
    gkml_in(&root(), args)
}

/// Run `gkml compile INPUT -o OUT EXTRA…` in the crate root.
pub fn compile(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "compile",
        input.to_str().expect("utf8"),
        "-o",
        out.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    gkml(&args)
}

pub fn code(o: &Output) -> i32 {
    o.status
        .code()
        .expect("gkml exited normally, not by a signal")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", stdout(o)))
}

/// Compare bytes with `tests/golden/<name>`; with GKML_BLESS=1 rewrite the golden file.
pub fn assert_golden(name: &str, actual: &[u8]) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("GKML_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("golden has a parent")).expect("mkdir golden");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "read {} ({e}); run with GKML_BLESS=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "{} differs from the output (run with GKML_BLESS=1 to accept):\n--- expected\n{}\n--- actual\n{}",
            path.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        );
    }
}

/// The first diagnostic with `code` in a `--format json` report.
pub fn diagnostic<'a>(report: &'a serde_json::Value, code: &str) -> Option<&'a serde_json::Value> {
    report["diagnostics"]
        .as_array()
        .expect("the report has a diagnostics array")
        .iter()
        .find(|d| d["code"] == code)
}
