//! `--format sarif`: SARIF 2.1.0 for code-scanning services. The rules that fired are looked
//! up in the registry here, not carried by each diagnostic.

use std::fmt::Write as _;

use crate::diag::{Diagnostic, Severity};

/// A URI reference for a file path: forward slashes, everything but unreserved ASCII
/// percent-encoded (SARIF asks for URIs, and Chinese file names are common here).
fn file_uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// SARIF 2.1.0, for code-scanning services: one run, the rules that fired, one result per
/// diagnostic. Spreadsheet cells are logical locations (目录!E7); TOML and CSV get a region.
pub fn to_sarif(diags: &[Diagnostic]) -> String {
    use serde_json::json;
    let mut codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .filter_map(|c| crate::rules::find(c))
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.source },
                "help": { "text": r.doc },
                "defaultConfiguration": { "level": sarif_level(r.severity) }
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let mut location = json!({});
            if let Some(f) = &d.file {
                let mut physical = json!({ "artifactLocation": { "uri": file_uri(f) } });
                if d.sheet.is_none() {
                    if let Some(line) = d.line.or(d.row) {
                        let mut region = json!({ "startLine": line });
                        if d.cell.is_none() {
                            if let Some(c) = d.column {
                                region["startColumn"] = json!(c);
                            }
                        }
                        physical["region"] = region;
                    }
                }
                location["physicalLocation"] = physical;
            }
            if let (Some(cell), sheet) = (&d.cell, &d.sheet) {
                let name = match sheet {
                    Some(s) => format!("{s}!{cell}"),
                    None => cell.clone(),
                };
                location["logicalLocations"] =
                    json!([{ "fullyQualifiedName": name, "kind": "element" }]);
            }
            let mut text = d.message.to_string();
            if let Some(item) = &d.item {
                text.push_str(&format!("（事项：{item}）"));
            }
            if let Some(h) = &d.hint {
                text.push_str(&format!(" 建议：{h}"));
            }
            json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": [location]
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "gkml",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/gkml/gkml",
                "rules": rules
            } },
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
