//! Printers: one file per format of diagnostics (text, json, sarif, github), each a function
//! of the diagnostics alone. Producers never print; the verbs choose a printer.

mod github;
mod json;
mod sarif;
mod text;

pub use github::to_github;
pub use json::{to_json, JsonReport};
pub use sarif::to_sarif;
pub use text::{summary_line, to_text};

use crate::cli::DiagFormat;
use crate::diag::{Diagnostic, Summary};

/// Render diagnostics in the chosen format; the text format ends with `tail` (summary lines).
pub fn report(format: DiagFormat, diags: &[Diagnostic], summary: &Summary, tail: &str) -> String {
    match format {
        DiagFormat::Json => to_json(diags, summary) + "\n",
        DiagFormat::Sarif => to_sarif(diags),
        DiagFormat::Github => to_github(diags),
        DiagFormat::Text => to_text(diags) + tail,
    }
}
