//! No new noise (issue 16): real 公开依据/公开时限 pairs from published county and township
//! catalogues raise no error and no warning beyond the ones their fixture expects. The rows
//! live in tests/fixtures/published/basis_and_deadlines.toml with the page each comes from;
//! this test writes each published table as a template CSV and validates the folder.

mod common;

use std::collections::BTreeMap;

use common::*;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    source: Vec<Source>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    url: String,
    domain: String,
    row: Vec<Row>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    category: String,
    name: String,
    content: String,
    basis: String,
    deadline: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    expect: Vec<String>,
}

fn fixture_rows() -> Fixture {
    let text = std::fs::read_to_string(fixture("published/basis_and_deadlines.toml"))
        .expect("tests/fixtures/published/basis_and_deadlines.toml");
    toml::from_str(&text).expect("the published-rows fixture parses")
}

/// One published table as a template CSV: the published 依据 and 时限, clean other columns.
fn table_csv(src: &Source) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    // The template's columns, without 单位.
    w.write_record(&gkml::render::csv::COLUMNS[1..])
        .expect("header");
    for (i, r) in src.row.iter().enumerate() {
        let on_request = r.mode.as_deref() == Some("依申请公开");
        let seq = (i + 1).to_string();
        w.write_record([
            src.domain.as_str(),
            &seq,
            &r.category,
            &r.name,
            &r.content,
            &r.basis,
            &r.deadline,
            "某县人民政府",
            "政府网站",
            "✓",
            "",
            if on_request { "" } else { "✓" },
            if on_request { "✓" } else { "" },
            "县级",
            "",
        ])
        .expect("row");
    }
    String::from_utf8(w.into_inner().expect("csv")).expect("utf8")
}

#[test]
fn published_rows_raise_only_the_expected_errors_and_warnings() {
    let fx = fixture_rows();
    let rows: usize = fx.source.iter().map(|s| s.row.len()).sum();
    assert!(
        rows >= 100,
        "the fixture holds {rows} published rows, want at least 100"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let mut want: BTreeMap<(String, u64), Vec<String>> = BTreeMap::new();
    for (n, src) in fx.source.iter().enumerate() {
        assert!(src.url.starts_with("http"), "source {n} names its page");
        let name = format!("table-{n:02}.csv");
        std::fs::write(dir.path().join(&name), table_csv(src)).expect("write csv");
        for (i, r) in src.row.iter().enumerate() {
            let mut e = r.expect.clone();
            e.sort();
            // Header is row 1, so the i-th row is spreadsheet row i + 2.
            want.insert((name.clone(), i as u64 + 2), e);
        }
    }
    let out = gkml(&[
        "validate",
        "--format",
        "json",
        dir.path().to_str().expect("utf8 path"),
    ]);
    let v = json(&out);
    let mut got: BTreeMap<(String, u64), Vec<String>> = BTreeMap::new();
    for d in v["diagnostics"].as_array().expect("diagnostics") {
        if d["severity"] == "info" {
            continue;
        }
        let file = d["file"].as_str().unwrap_or_default();
        let base = file.rsplit(['/', '\\']).next().unwrap_or(file).to_string();
        let row = d["row"].as_u64().unwrap_or(0);
        got.entry((base, row))
            .or_default()
            .push(d["code"].as_str().unwrap_or_default().to_string());
    }
    let mut failures = Vec::new();
    for (key, e) in &want {
        let mut g = got.remove(key).unwrap_or_default();
        g.sort();
        if &g != e {
            let (file, row) = key;
            let n: usize = file[6..8].parse().unwrap_or(0);
            let src = &fx.source[n];
            let r = &src.row[*row as usize - 2];
            failures.push(format!(
                "{} {}/{}: expected {e:?}, got {g:?}\n  依据 {}\n  时限 {}",
                src.url, r.category, r.name, r.basis, r.deadline
            ));
        }
    }
    for (key, g) in got {
        failures.push(format!(
            "{key:?}: unexpected {g:?} outside any published row"
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
