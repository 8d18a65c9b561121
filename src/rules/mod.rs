//! The rule registry: every check gkml makes has a stable code (DOMAIN.md §6 families), a
//! short name, a default severity, the place in law or template it enforces, and its
//! documentation. Codes are never reused for another meaning.
//!
//! Readers report GK0xx themselves (they are about reading, not content); every other family
//! is checked here over a read [`Catalogue`], with no I/O.

mod citations;
pub mod config;
mod deadlines;
mod hygiene;
mod read;
mod required;
mod structure;
mod values;

use crate::diag::{Diagnostic, Severity};
use crate::model::Catalogue;

pub use citations::*;
pub use deadlines::*;
pub use hygiene::*;
pub use read::*;
pub use required::*;
pub use structure::*;
pub use values::*;

/// One rule's metadata and documentation.
#[derive(Debug)]
pub struct Rule {
    /// `GK` + 3 digits; the hundreds are the family.
    pub code: &'static str,
    /// A short name for the problem (not the fix), in CamelCase.
    pub name: &'static str,
    pub severity: Severity,
    /// One line, Chinese, as `gkml rules` lists it.
    pub summary: &'static str,
    /// The article of 《政府信息公开条例》, the guidance or the template note it enforces.
    pub source: &'static str,
    /// Markdown with the headings `## What it does`, `## Why is this bad?`, `## Example`
    /// and `Use instead:`; `gkml explain CODE` prints it.
    pub doc: &'static str,
}

/// Every rule, sorted by code.
pub static RULES: &[&Rule] = &[
    &FILE_UNREADABLE,
    &TOML_SYNTAX,
    &TOML_STRUCTURE,
    &BAD_ENCODING,
    &CSV_MALFORMED,
    &HEADER_NOT_FOUND,
    &UNSUPPORTED_FILE,
    &NOT_A_CATALOGUE,
    &UNKNOWN_COLUMN,
    &NO_DOMAIN,
    &EMPTY_SHEET,
    &HIDDEN_SHEET,
    &INPUT_TOO_LARGE,
    &CELL_TOO_LONG,
    &MISSING_NAME,
    &MISSING_CONTENT,
    &MISSING_BASIS,
    &MISSING_DEADLINE,
    &MISSING_SUBJECT,
    &MISSING_CHANNELS,
    &MISSING_AUDIENCE,
    &MISSING_MODE,
    &MISSING_CATEGORY,
    &MULTIPLE_AUDIENCES,
    &MULTIPLE_MODES,
    &UNKNOWN_DOMAIN,
    &UNLISTED_SECTION,
    &UNKNOWN_CHANNEL,
    &UNKNOWN_MODE,
    &UNKNOWN_AUDIENCE,
    &UNKNOWN_LEVEL,
    &UNREADABLE_MARK,
    &MISSING_WEBSITE,
    &UNBALANCED_TITLE_MARKS,
    &UNBALANCED_BRACKETS,
    &DOCUMENT_NUMBER_BRACKETS,
    &UNKNOWN_LAW,
    &UNREADABLE_DEADLINE,
    &DEADLINE_BEYOND_STATUTORY,
    &ON_REQUEST_WITH_PROACTIVE_DEADLINE,
    &ANNUAL_REPORT_DEADLINE,
    &DUPLICATE_ITEM,
    &NUMBERING,
    &UNRESOLVED_PLACEHOLDER,
    &UNKNOWN_ITEM_ID,
    &DUPLICATE_ITEM_ID,
    &EMPTY_SECTION,
    &INVALID_ITEM_ID,
    &MISSING_REFERENCE,
    &ITEM_NOT_TAKEN,
    &UNKNOWN_ALLOWED_RULE,
    &SHIFTED_ROW,
    &HTML_RESIDUE,
    &STRAY_WHITESPACE,
    &FULL_WIDTH_IN_DOCUMENT_NUMBER,
    &PERSONAL_ID_NUMBER,
    &MOBILE_NUMBER,
    &MISSING_RESPONSIBLE_DOMAIN,
    &DUPLICATE_UNIT_NAME,
    &UNKNOWN_RESPONSIBLE_UNIT,
];

/// The rule with this code (case-insensitive).
pub fn find(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code.trim()))
}

/// Run every content rule (families 1xx–5xx) over a catalogue. Items that `allow` a code
/// (with a reason) do not get that code's diagnostics.
pub fn check(cat: &Catalogue) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for section in &cat.sections {
        values::check_section(cat, section, &mut out);
        structure::check_section(cat, section, &mut out);
        for item in &section.items {
            let start = out.len();
            required::check_item(item, &mut out);
            values::check_item(item, &mut out);
            citations::check_item(item, &mut out);
            citations::check_titles(item, &mut out);
            deadlines::check_item(cat, item, &mut out);
            hygiene::check_item(item, &mut out);
            structure::check_item(cat, item, &mut out);
            if !item.allow.is_empty() {
                let mut i = start;
                while i < out.len() {
                    if item.allows(out[i].code) {
                        out.remove(i);
                    } else {
                        i += 1;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            codes, sorted,
            "RULES must be sorted by code with no repeats"
        );
        for c in codes {
            assert!(
                c.len() == 5 && c.starts_with("GK") && c[2..].chars().all(|d| d.is_ascii_digit()),
                "{c}"
            );
        }
    }

    #[test]
    fn every_rule_is_documented_with_every_heading() {
        for r in RULES {
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "Use instead:",
            ] {
                assert!(r.doc.contains(heading), "{} lacks {heading:?}", r.code);
            }
            assert!(
                !r.summary.is_empty() && !r.source.is_empty() && !r.name.is_empty(),
                "{}",
                r.code
            );
        }
    }
}
