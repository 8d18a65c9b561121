//! `--format json`: the document of docs/CONTRACT.md, `{"diagnostics": […], "summary": {…}}`.

use serde::Serialize;

use crate::diag::{Diagnostic, Summary};

/// The `--format json` document of `validate`.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub summary: &'a Summary,
}

/// The `--format json` document of `validate`, as a string.
pub fn to_json(diags: &[Diagnostic], summary: &Summary) -> String {
    // Serialising plain data to a String cannot fail.
    serde_json::to_string_pretty(&JsonReport {
        diagnostics: diags,
        summary,
    })
    .unwrap_or_default()
}
