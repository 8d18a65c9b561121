//! The SARIF output validates against the official SARIF 2.1.0 JSON Schema. The schema is not
//! vendored: `.ci/run` takes it from the npm package @microsoft/jest-sarif
//! (lib/schemas/sarif-2.1.0-rtm.5.json), installs Python's jsonschema, and runs this ignored
//! test with GKML_SARIF_SCHEMA pointing at the file.

mod common;

use common::*;

#[test]
#[ignore = "needs the SARIF schema (GKML_SARIF_SCHEMA) and python3 -m jsonschema; run by .ci/run"]
fn sarif_validates_against_the_2_1_0_schema() {
    let schema = std::env::var("GKML_SARIF_SCHEMA").expect("GKML_SARIF_SCHEMA is set by .ci/run");
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("gkml.sarif");
    let o = gkml(&[
        "validate",
        "--format",
        "sarif",
        "tests/fixtures/drafts/乐昌镇.xlsx",
        "tests/fixtures/drafts/乐昌镇_gbk.csv",
        "tests/fixtures/syntax_error.toml",
        "tests/fixtures/units/bad_town.toml",
    ]);
    std::fs::write(&out, &o.stdout).expect("write");
    let check = std::process::Command::new("python3")
        .args([
            "-c",
            "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2])); jsonschema.validate(d, s); print('valid', len(d['runs'][0]['results']))",
            &schema,
            out.to_str().expect("utf8"),
        ])
        .output()
        .expect("python3");
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).starts_with("valid"));
}
