//! `gkml diff`: what changed between two versions of a catalogue, or between a unit and its
//! reference (动态管理).

mod common;

use calamine::{open_workbook, Reader, Xlsx};
use common::*;

#[test]
fn a_unit_against_its_reference_shows_exactly_its_changes() {
    let o = gkml(&[
        "diff",
        "tests/fixtures/units/鱼岳镇.toml",
        "--reference",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1, "differs, like diff(1)");
    let v = json(&o);
    assert_eq!(v["summary"]["added"], 1);
    assert_eq!(v["summary"]["removed"], 1);
    assert_eq!(v["summary"]["changed"], 1);
    assert_eq!(v["added"][0]["name"], "急难型临时救助先行救助情况");
    assert_eq!(v["removed"][0]["name"], "供养服务机构信息");
    let change = &v["changed"][0];
    assert_eq!(change["name"], "政策法规文件");
    assert_eq!(change["fields"][0]["field"], "channels");
    assert!(change["fields"][0]["new"]
        .as_str()
        .expect("new")
        .contains("其他（鱼岳镇便民服务中心）"));
}

#[test]
fn two_versions_of_a_draft_field_by_field_and_an_xlsx_change_sheet() {
    let dir = tempfile::tempdir().expect("tmp");
    let old = fixture("empty_basis_row7.csv");
    let new = dir.path().join("new.csv");
    let text = std::fs::read_to_string(&old)
        .expect("read")
        .replace("补贴发放,发放名单,", "补贴发放,发放名单及标准,")
        .replace(
            "养老服务,1,养老机构,机构名录",
            "养老服务,1,养老机构,机构名册",
        );
    std::fs::write(&new, text).expect("write");
    let out = dir.path().join("变更.xlsx");
    let o = gkml(&[
        "diff",
        old.to_str().expect("utf8"),
        new.to_str().expect("utf8"),
        "--xlsx",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 1);
    let s = stdout(&o);
    assert!(s.contains("新增 1 项") && s.contains("机构名册"), "{s}");
    assert!(s.contains("删除 1 项") && s.contains("机构名录"), "{s}");
    assert!(
        s.contains("公开内容（要素）：发放名单 → 发放名单及标准"),
        "{s}"
    );
    let mut wb: Xlsx<_> = open_workbook(&out).expect("xlsx");
    let r = wb.worksheet_range("变更说明").expect("sheet");
    assert_eq!(
        r.get_value((0, 0)).map(|d| d.to_string()).as_deref(),
        Some("变更类型")
    );
    assert_eq!(
        r.height(),
        4,
        "header, one added, one removed, one changed field"
    );
}

#[test]
fn identical_catalogues_exit_0() {
    let o = gkml(&[
        "diff",
        "tests/fixtures/units/鱼岳镇.toml",
        "tests/fixtures/units/鱼岳镇.toml",
    ]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("共新增 0 项、删除 0 项、修改 0 项"));
    assert_eq!(
        code(&gkml(&[
            "diff",
            "no/such.toml",
            "tests/fixtures/units/鱼岳镇.toml"
        ])),
        2
    );
    assert_eq!(
        code(&gkml(&["diff", "tests/fixtures/units/鱼岳镇.toml"])),
        2,
        "needs NEW or --reference"
    );
}
