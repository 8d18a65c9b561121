//! `--format github`: GitHub Actions workflow commands, one annotation per diagnostic.

use std::fmt::Write as _;

use crate::diag::{Diagnostic, Severity};

/// GitHub Actions workflow commands: one `::error file=…,line=…::message` line each.
pub fn to_github(diags: &[Diagnostic]) -> String {
    let esc = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| esc(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!("file={}", prop(d.file.as_deref().unwrap_or("")))];
        if let Some(l) = d.line.or(d.row) {
            props.push(format!("line={l}"));
        }
        if let (Some(c), None) = (d.column, &d.sheet) {
            if d.cell.is_none() {
                props.push(format!("col={c}"));
            }
        }
        props.push(format!("title={}", prop(&format!("gkml {}", d.code))));
        let place = match (&d.sheet, &d.cell) {
            (Some(s), Some(c)) => format!("{s}!{c} "),
            (None, Some(c)) => format!("{c} "),
            _ => String::new(),
        };
        let hint = d
            .hint
            .as_deref()
            .map(|h| format!("（建议：{h}）"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::{level} {}::{}",
            props.join(","),
            esc(&format!("{place}{}{hint}", d.message))
        );
    }
    out
}
