//! Every file gkml writes reads back to the items it was written from, with no diagnostic:
//! a clerk who edits the compiled workbook (or the county's merged table) and sends it back
//! is not told it is wrong. Held on the whole example county.

mod common;

use std::path::Path;

use common::*;
use gkml::model::{Catalogue, Item};

fn read(path: &Path) -> (Vec<Catalogue>, Vec<gkml::diag::Diagnostic>) {
    read_checked(path)
}

/// What an item says, as a table can carry it.
fn facts(i: &Item) -> String {
    let mut allow: Vec<String> = i
        .allow
        .iter()
        .map(|a| format!("{}={}", a.code, a.reason))
        .collect();
    allow.sort();
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}",
        i.category,
        i.name,
        i.content,
        i.basis,
        i.deadline,
        i.subject,
        gkml::model::ChannelList(&i.channels),
        i.audience,
        i.mode,
        i.levels,
        i.kinds.len(),
        i.remarks,
        allow
    )
}

fn items(cats: &[Catalogue]) -> Vec<(String, String, String)> {
    cats.iter()
        .flat_map(|c| {
            c.sections.iter().flat_map(move |s| {
                s.items.iter().map(move |i| {
                    (
                        c.unit.name.clone(),
                        s.key.display_name().to_string(),
                        facts(i),
                    )
                })
            })
        })
        .collect()
}

/// The example county compiled into a fresh folder.
fn compiled_county() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tmp");
    let o = compile(
        &root().join("examples/嘉鱼县"),
        out.path(),
        &["--quiet", "--date", "2026-11-24"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    out
}

#[test]
fn every_file_gkml_writes_reads_back_to_its_items_with_no_diagnostic() {
    let out = compiled_county();
    let mut checked = 0;
    let mut unit_items = 0;
    let mut units = Vec::new();
    for e in std::fs::read_dir(out.path())
        .expect("out")
        .filter_map(Result::ok)
    {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "json") {
            units.push(p.file_stem().expect("stem").to_string_lossy().to_string());
        }
    }
    units.sort();
    assert!(units.len() >= 20, "{units:?}");
    for unit in &units {
        let (csv, csv_diags) = read(&out.path().join(format!("{unit}.csv")));
        assert!(csv_diags.is_empty(), "{unit}.csv: {csv_diags:#?}");
        let (xlsx, xlsx_diags) = read(&out.path().join(format!("{unit}.xlsx")));
        assert!(xlsx_diags.is_empty(), "{unit}.xlsx: {xlsx_diags:#?}");
        let (html, html_diags) = read(&out.path().join(format!("{unit}.html")));
        assert!(html_diags.is_empty(), "{unit}.html: {html_diags:#?}");
        let expected = items(&csv);
        unit_items += expected.len();
        assert!(!expected.is_empty(), "{unit}");
        // The workbook names its unit by the title (the full name), the CSV by the 单位 column
        // (the short name): the items are compared, the naming is checked in tests/drafts.rs.
        let strip = |v: Vec<(String, String, String)>| -> Vec<(String, String)> {
            v.into_iter().map(|(_, s, f)| (s, f)).collect()
        };
        assert_eq!(
            strip(items(&xlsx)),
            strip(expected.clone()),
            "{unit}.xlsx reads back to the CSV's items"
        );
        assert_eq!(
            strip(items(&html)),
            strip(expected),
            "{unit}.html reads back to the CSV's items"
        );
        checked += 1;
    }
    // The county's merged table, as CSV and as the 全县汇总目录 sheet of 汇总表.xlsx (its 覆盖情况
    // and 责任分工 sheets are not catalogues and are passed over).
    let (merged, d) = read(&out.path().join("全县汇总目录.csv"));
    assert!(d.is_empty(), "全县汇总目录.csv: {d:#?}");
    let (book, d) = read(&out.path().join("汇总表.xlsx"));
    assert!(
        d.iter().all(|x| x.severity == gkml::diag::Severity::Info),
        "汇总表.xlsx: {d:#?}"
    );
    assert_eq!(items(&book), items(&merged));
    let total: usize = merged.iter().map(Catalogue::item_count).sum();
    assert_eq!(total, unit_items, "every item of every unit");
    assert!(checked == units.len());
}

#[test]
fn validating_a_compiled_county_folder_finds_nothing_and_passes_over_the_county_files() {
    let out = compiled_county();
    let v = gkml(&[
        "validate",
        "--format",
        "json",
        out.path().to_str().expect("utf8"),
    ]);
    let report = json(&v);
    assert_eq!(code(&v), 0, "{report}");
    let codes: Vec<(&str, String)> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or("");
            let name = Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            (d["code"].as_str().unwrap_or(""), name)
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("GK019", "index.html".to_string()),
            ("GK019", "汇总表.xlsx".to_string()),
            ("GK019", "汇总表.xlsx".to_string()),
            ("GK019", "覆盖情况.csv".to_string()),
            ("GK019", "责任分工.csv".to_string())
        ],
        "only the county files are noted, as infos"
    );
}
