//! One check pipeline: `validate` and `compile --allow-errors` report the same diagnostics
//! (code, place, field) on every fixture of the repository — rule fixtures, real drafts, unit
//! catalogues and county projects — and the top-level modules form no cycle.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use common::*;

/// Every input fixture: files under tests/fixtures (not the generators and notes) and the
/// county projects.
fn inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["rules", "drafts", "units"] {
        let mut v: Vec<PathBuf> = std::fs::read_dir(fixture(dir))
            .expect("fixture folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| {
                    ["csv", "toml", "xlsx", "xls", "ods", "doc"].contains(&x.to_str().unwrap_or(""))
                })
            })
            .collect();
        v.sort();
        out.extend(v);
    }
    out.extend(
        [
            "empty_basis_row7.csv",
            "empty_basis_row7_gbk.csv",
            "syntax_error.toml",
            "project_gap",
        ]
        .map(fixture),
    );
    out.push(root().join("examples/嘉鱼县"));
    out
}

type Key = (String, String, String, String, String, String);

/// The diagnostics of a JSON report as (code, file, sheet, row/line, column, field) keys.
fn keys(report: &serde_json::Value) -> BTreeSet<Key> {
    let s = |d: &serde_json::Value, k: &str| match &d[k] {
        serde_json::Value::Null => String::new(),
        v => v.to_string(),
    };
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                s(d, "code"),
                s(d, "file"),
                s(d, "sheet"),
                format!("{}:{}", s(d, "row"), s(d, "line")),
                s(d, "column"),
                s(d, "field"),
            )
        })
        .collect()
}

#[test]
fn validate_and_compile_report_the_same_diagnostics_on_every_fixture() {
    let mut disagreements: BTreeMap<String, String> = BTreeMap::new();
    for input in inputs() {
        let p = input.to_str().expect("utf8");
        let v = gkml(&["validate", "--format", "json", "--date", "2026-11-24", p]);
        let out = tempfile::tempdir().expect("tmp");
        let c = gkml(&[
            "compile",
            p,
            "-o",
            out.path().to_str().expect("utf8"),
            "--allow-errors",
            "--quiet",
            "--format",
            "json",
            "--date",
            "2026-11-24",
        ]);
        let compiled: serde_json::Value = serde_json::from_slice(&c.stderr)
            .unwrap_or_else(|e| panic!("compile {p}: stderr is not JSON ({e}): {}", stderr(&c)));
        let (vk, ck) = (keys(&json(&v)), keys(&compiled));
        if vk != ck {
            let only_v: Vec<_> = vk.difference(&ck).collect();
            let only_c: Vec<_> = ck.difference(&vk).collect();
            disagreements.insert(
                p.to_string(),
                format!("only validate: {only_v:?}\nonly compile: {only_c:?}"),
            );
        }
        assert_eq!(
            code(&v),
            code(&c),
            "{p}: validate and compile exit differently"
        );
    }
    assert!(
        disagreements.is_empty(),
        "validate and compile disagree:\n{disagreements:#?}"
    );
}

#[test]
fn a_name_collision_is_reported_by_validate_and_cannot_be_ignored() {
    let dir = tempfile::tempdir().expect("tmp");
    let project = dir.path();
    std::fs::write(
        project.join("county.toml"),
        "county = \"甲县\"\n[[units]]\npath = \"a.toml\"\n[[units]]\npath = \"b.toml\"\n[[units]]\npath = \"c.toml\"\n[rules]\nGK7 = \"off\"\n",
    )
    .expect("write");
    for (f, name) in [("a.toml", "甲镇"), ("b.toml", "甲镇"), ("c.toml", "汇总表")] {
        std::fs::write(
            project.join(f),
            format!("name = \"{name}\"\nkind = \"乡镇\"\n\n[[sections]]\ndomain = \"社会救助\"\n"),
        )
        .expect("write");
    }
    let p = project.to_str().expect("utf8");
    let v = gkml(&["validate", "--format", "json", "--ignore", "GK702", p]);
    let report = json(&v);
    let found: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| d["code"] == "GK702")
        .collect();
    assert_eq!(
        found.len(),
        2,
        "the second 甲镇 and the unit named 汇总表: {found:?}"
    );
    assert_eq!(code(&v), 1);
    let out = dir.path().join("out");
    let c = compile(project, &out, &["--quiet", "--ignore", "GK702"]);
    assert_eq!(code(&c), 1);
    assert!(out.join("甲镇.xlsx").is_file(), "the first 甲镇 is written");
    assert!(
        out.join("汇总表.xlsx").is_file(),
        "the county summary is written"
    );
    use calamine::Reader;
    let book: calamine::Xlsx<_> = calamine::open_workbook(out.join("汇总表.xlsx")).expect("open");
    assert!(
        book.sheet_names().iter().any(|n| n == "覆盖情况"),
        "汇总表.xlsx is the county summary, not the unit named 汇总表"
    );
}

/// The top-level modules named by `crate::X` paths in each module (comments and tests left
/// out).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let src = root().join("src");
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("src").filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(&src).expect("under src");
            let top = rel
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .map(|s| s.trim_end_matches(".rs").to_string())
                .expect("name");
            if top == "lib" || top == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("read");
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let deps = graph.entry(top.clone()).or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (i, _) in line.match_indices("crate::") {
                    let name: String = line[i + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != top {
                        deps.insert(name);
                    }
                }
            }
        }
    }
    graph
}

fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(m) = stack.pop() {
        for d in graph.get(&m).into_iter().flatten() {
            if d == to {
                return true;
            }
            if seen.insert(d.clone()) {
                stack.push(d.clone());
            }
        }
    }
    false
}

#[test]
fn no_two_top_level_modules_reach_each_other() {
    let graph = module_graph();
    let mut cycles = Vec::new();
    for (m, deps) in &graph {
        for d in deps {
            if reaches(&graph, d, m) {
                cycles.push(format!("{m} → {d} → … → {m}"));
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
    // The layers the README describes, bottom to top, spot-checked.
    for (low, high) in [
        ("model", "read"),
        ("diag", "rules"),
        ("read", "rules"),
        ("rules", "check"),
        ("check", "project"),
        ("project", "render"),
        ("rules", "print"),
    ] {
        assert!(
            !reaches(&graph, low, high),
            "{low} must not depend on {high}"
        );
    }
}

/// Reader limits are a value handed to each read, not a process-wide setting: two reads in
/// one process with different limits each keep their own (a server or a library caller can
/// read one file under tighter limits without changing any other read).
#[test]
fn reader_limits_are_a_value_each_read_keeps_its_own() {
    use gkml::limits::Limits;
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("县司法局.csv");
    let mut text = String::from(
        "序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道,公开对象,公开方式\n",
    );
    for i in 1..=8 {
        text.push_str(&format!(
            "{i},法律援助,事项{i},内容,《中华人民共和国法律援助法》,信息形成之日起20个工作日内,县司法局,政府网站,全社会,主动\n"
        ));
    }
    std::fs::write(&p, text).expect("write");
    let store = gkml::catalogues::Store::embedded();
    let code = |limits: &Limits| {
        let fr = gkml::load::read_file(&p, store, None, limits);
        fr.diags
            .iter()
            .any(|d| d.code == "GK013" && d.message.contains("5 行"))
    };
    let tight = Limits {
        max_rows: 5,
        ..Limits::DEFAULT
    };
    assert!(code(&tight), "a 9-row table is refused under max_rows = 5");
    assert!(
        !code(&Limits::DEFAULT),
        "the same file reads under the defaults"
    );
    assert!(code(&tight), "and the tight limit still holds afterwards");
}
