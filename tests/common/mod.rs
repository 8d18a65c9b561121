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
    gkml(&compile_args(input, out, extra))
}

/// `compile INPUT -o OUT EXTRA…` under the hostile budget ([`gkml_bounded`]).
pub fn compile_bounded(input: &Path, out: &Path, extra: &[&str]) -> Output {
    gkml_bounded(&compile_args(input, out, extra))
}

fn compile_args<'a>(input: &'a Path, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "compile",
        input.to_str().expect("utf8"),
        "-o",
        out.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    args
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

/// The budget of every hostile test: 2 GiB of address space and 30 s of wall-clock time.
pub const BUDGET_BYTES: u64 = 2 << 30;
pub const BUDGET_SECS: u64 = 30;

/// Run gkml in `dir` under the hostile budget, so a bomb fails the test instead of the
/// machine. Memory: `prlimit --as` (RLIMIT_AS) on the child. mimalloc, the global allocator,
/// reserves address space lazily, so RLIMIT_AS holds it (an allocation past the budget
/// aborts the child: measured on a 1,048,000-row .ods bomb, RSS stopped at 1.95 GB;
/// RLIMIT_DATA stops it too, at 2.08 GB). Time: the child is killed after 30 s. Either
/// way the test panics naming the budget, never hangs.
pub fn gkml_bounded_in(dir: &Path, args: &[&str]) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    let bin = env!("CARGO_BIN_EXE_gkml");
    let as_limit = format!("--as={BUDGET_BYTES}");
    let mut cmd = if Path::new("/usr/bin/prlimit").exists() {
        let mut c = Command::new("/usr/bin/prlimit");
        c.args([as_limit.as_str(), "--", bin]);
        c
    } else {
        // Any POSIX shell's ulimit sets the same limit (in KiB).
        let mut c = Command::new("sh");
        c.args([
            "-c",
            &format!("ulimit -v {} && exec \"$0\" \"$@\"", BUDGET_BYTES >> 10),
            bin,
        ]);
        c
    };
    let mut child = cmd
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gkml under the budget");
    // Drain both pipes on threads: a child blocked on a full pipe would look like a hang.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let err = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for gkml") {
            break s;
        }
        if start.elapsed() > std::time::Duration::from_secs(BUDGET_SECS) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gkml {args:?} ran over the {BUDGET_SECS} s budget and was killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let o = Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    };
    if status.code().is_none()
        || String::from_utf8_lossy(&o.stderr).contains("memory allocation of")
    {
        panic!(
            "gkml {args:?} was stopped by a signal or ran out of its {} GiB budget:\n{}",
            BUDGET_BYTES >> 30,
            String::from_utf8_lossy(&o.stderr)
        );
    }
    o
}

/// [`gkml_bounded_in`] in the crate root.
pub fn gkml_bounded(args: &[&str]) -> Output {
    gkml_bounded_in(&root(), args)
}

/// Read a file through the library and check its catalogues: every diagnostic of the one
/// pipeline, as `validate` reports them (reading, then the rules), under the default limits.
pub fn read_checked(path: &Path) -> (Vec<gkml::model::Catalogue>, Vec<gkml::diag::Diagnostic>) {
    let fr = gkml::load::read_file(
        path,
        gkml::catalogues::Store::embedded(),
        None,
        &gkml::limits::Limits::DEFAULT,
    );
    let mut diags = fr.diags;
    let checks = gkml::check::Checks::default();
    for c in &fr.catalogues {
        diags.extend(checks.catalogue(c));
    }
    (fr.catalogues, diags)
}

/// Every item read, with the display name of its section.
pub fn items(cats: &[gkml::model::Catalogue]) -> Vec<(String, &gkml::model::Item)> {
    cats.iter()
        .flat_map(|c| c.sections.iter())
        .flat_map(|s| {
            s.items
                .iter()
                .map(move |i| (s.key.display_name().to_string(), i))
        })
        .collect()
}

/// Diagnostics as `CODE@CELL` (`GK103@E5`), for comparing with what a draft should raise.
pub fn codes(diags: &[gkml::diag::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{}@{}", d.code, d.cell.as_deref().unwrap_or("")))
        .collect()
}

/// A CSV draft in `dir`, written as Excel's "CSV UTF-8" saves it (with a BOM).
pub fn csv_draft(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("\u{feff}{text}")).expect("write");
    p
}
