//! The rule registry: every check gkml makes has a stable code (docs/CONTRACT.md §6 families), a
//! short name, a default severity, the place in law or template it enforces, and its
//! documentation. Codes are never reused for another meaning.
//!
//! Readers report GK0xx themselves (they are about reading, not content); every other family
//! is checked here over a read [`Catalogue`], with no I/O.

mod citations;
pub mod config;
mod deadlines;
pub(crate) mod hygiene;
pub mod project;
mod required;
mod structure;
mod values;

use crate::diag::Diagnostic;
pub use crate::diag::Rule;
use crate::model::{Catalogue, Glanced, Item};

pub use crate::read::codes::*;
pub use citations::*;
pub use deadlines::*;
pub use hygiene::*;
pub use project::*;
pub use required::*;
pub use structure::*;
pub use values::*;

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
    &STRAY_QUOTE,
    &FORMULA_WITHOUT_VALUE,
    &ERROR_VALUE,
    &HIDDEN_ROW,
    &COUNTY_FILE,
    &TRADITIONAL_CONVERTED,
    &HIDDEN_COLUMN,
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
    &SUPERSEDED_DOCUMENT,
    &VAGUE_BASIS,
    &UNREADABLE_DEADLINE,
    &DEADLINE_BEYOND_STATUTORY,
    &ON_REQUEST_WITH_PROACTIVE_DEADLINE,
    &ANNUAL_REPORT_DEADLINE,
    &DECISION_DEADLINE,
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
    &RETIRED_ITEM_ID,
    &HTML_RESIDUE,
    &STRAY_WHITESPACE,
    &FULL_WIDTH_IN_DOCUMENT_NUMBER,
    &PERSONAL_ID_NUMBER,
    &MOBILE_NUMBER,
    &CONTROL_CHARACTER,
    &VALUE_TOO_LONG,
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

/// What the rules judge by besides the catalogue: the run's date (GK604 accepts birth years
/// up to it). One value per run, so `validate` and `compile` agree, whatever the clock says.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub today: crate::date::Date,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            today: crate::date::Date::today(),
        }
    }
}

/// Run every content rule over a catalogue. Items that `allow` a code (with a reason) do not
/// get that code's diagnostics. The in-order checks (duplicates, numbering) are the same
/// functions the streaming path (`check::Stream`) feeds row by row.
pub fn check(cat: &Catalogue, ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    out.extend(unit_diagnostics(cat));
    let mut cross = CrossCheck::default();
    for section in &cat.sections {
        values::check_section(cat, section, &mut out);
        structure::check_section(cat, section, &mut out);
        let name = section.key.display_name();
        // The per-item rules run in parallel; the cross-item checks after them in order.
        let per_item: Vec<Vec<Diagnostic>> = {
            use rayon::prelude::*;
            section
                .items
                .par_iter()
                .map(|item| item_diagnostics(cat, item, ctx))
                .collect()
        };
        for (item, found) in section.items.iter().zip(per_item) {
            out.extend(found);
            let start = out.len();
            cross.item(name, item, &mut out);
            retain_allowed(item, &mut out, start);
        }
    }
    // 序号 in file order (a draft's sections interleave in the file).
    let mut seq: Vec<(&str, &Item)> = cat
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(move |i| (s.key.display_name(), i)))
        .collect();
    // Compared by reference: a key that clones the sheet's name took two atomic operations
    // on every comparison (≈ 1.7M of them for 100,000 items), on the one thread.
    fn place(i: &Item) -> (Option<&str>, u32) {
        match i.loc.as_ref().map(|l| &l.place) {
            Some(crate::model::Place::Cell { sheet, row, .. }) => (sheet.as_deref(), *row),
            _ => (None, 0),
        }
    }
    seq.sort_by(|(_, a), (_, b)| place(a).cmp(&place(b)));
    for (section, item) in seq {
        let start = out.len();
        cross.numbering(section, item, &mut out);
        retain_allowed(item, &mut out, start);
    }
    out
}

/// The checks of a unit's own names (GK606), which no item rule sees: run once per unit, by
/// [`check`] and by the streaming path alike.
pub fn unit_diagnostics(cat: &Catalogue) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    hygiene::check_unit(cat, &mut out);
    out
}

/// The checks of a section's name (an unknown or unlisted domain), for a reader that streams
/// items and sees each section first in some row.
pub fn section_diagnostics(
    cat: &Catalogue,
    key: &crate::domains::SectionKey,
    raw: &str,
    loc: Option<&crate::model::Loc>,
) -> Vec<Diagnostic> {
    let section = crate::model::Section {
        key: key.clone(),
        raw: raw.to_string(),
        loc: loc.cloned(),
        items: Vec::new(),
    };
    let mut out = Vec::new();
    values::check_section(cat, &section, &mut out);
    out
}

/// Every rule that looks at one item alone (with its catalogue's unit for context), with the
/// item's `allow` applied. Pure, so rows can be checked in parallel.
pub fn item_diagnostics(cat: &Catalogue, item: &Item, ctx: &Context) -> Vec<Diagnostic> {
    item_diagnostics_glanced(cat, item, ctx, Glanced::default())
}

/// [`item_diagnostics`] of an item whose reader already glanced at some of its texts
/// ([`Layout::convert_glanced`](crate::read::table::Layout::convert_glanced)): the hygiene
/// rules skip those. The same diagnostics as [`item_diagnostics`].
pub fn item_diagnostics_glanced(
    cat: &Catalogue,
    item: &Item,
    ctx: &Context,
    glanced: Glanced,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // The findings of the 公开依据, looked up once for the three rules that read them.
    let basis = (!item.basis.is_empty()).then(|| citations::basis_findings(&item.basis));
    let basis = basis.as_deref();
    required::check_item(item, glanced, &mut out);
    values::check_item(item, &mut out);
    if let Some(found) = basis {
        citations::check_basis(item, found, &mut out);
    }
    deadlines::check_item(cat, item, glanced, basis, &mut out);
    hygiene::check_item(item, ctx, glanced, basis, &mut out);
    structure::check_item(cat, item, glanced, &mut out);
    retain_allowed(item, &mut out, 0);
    out
}

/// The free texts of an item with their fields, in the order of [`TEXT_FIELDS`]
/// (`item.text` of each), without a lookup by field per text.
///
/// [`TEXT_FIELDS`]: crate::model::TEXT_FIELDS
pub(crate) fn item_texts(item: &Item) -> [(crate::model::Field, &str); 7] {
    use crate::model::Field;
    [
        (Field::Category, &item.category),
        (Field::Name, &item.name),
        (Field::Content, &item.content),
        (Field::Basis, &item.basis),
        (Field::Deadline, &item.deadline),
        (Field::Subject, &item.subject),
        (Field::Remarks, &item.remarks),
    ]
}

/// Whether a text holds any of `bytes`: 16 bytes at a time without branches (the compiler
/// makes vector compares of each block), the last block overlapping the one before; a text
/// shorter than a block is read as two overlapping words, or byte by byte below 8 bytes.
/// Cheaper than a memchr call on the short texts of a row, where the rules look for a byte
/// nearly no text holds before they look closer.
#[inline]
pub(crate) fn holds_any_byte<const N: usize>(b: &[u8], bytes: [u8; N]) -> bool {
    let block = |c: &[u8; 16]| {
        c.iter().fold(0u8, |a, &x| {
            a | bytes.iter().fold(0u8, |m, &y| m | u8::from(x == y))
        }) != 0
    };
    if let Some(last) = b.last_chunk::<16>() {
        let mut rest = b;
        while let Some((c, r)) = rest.split_first_chunk::<16>() {
            if block(c) {
                return true;
            }
            rest = r;
        }
        return !rest.is_empty() && block(last);
    }
    // A word with a zero byte where the text has one of `bytes`: the classic test for a zero
    // byte.
    const LANES: u64 = 0x0101_0101_0101_0101;
    let word = |c: &[u8; 8]| {
        let w = u64::from_le_bytes(*c);
        bytes.iter().any(|&y| {
            let v = w ^ (LANES * u64::from(y));
            v.wrapping_sub(LANES) & !v & (LANES << 7) != 0
        })
    };
    match (b.first_chunk::<8>(), b.last_chunk::<8>()) {
        (Some(first), Some(last)) => word(first) || word(last),
        _ => b.iter().any(|x| bytes.contains(x)),
    }
}

pub fn retain_allowed(item: &Item, out: &mut Vec<Diagnostic>, start: usize) {
    if item.allow.is_empty() {
        return;
    }
    let tail: Vec<Diagnostic> = out
        .drain(start..)
        .filter(|d| !item.allows(d.code))
        .collect();
    out.extend(tail);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_any_byte_finds_each_byte_at_every_position_of_texts_of_every_length() {
        let wanted = [0x9A, 0xB8, 0xA5];
        for len in 0..70 {
            let plain = vec![0xE4u8; len];
            assert!(!holds_any_byte(&plain, wanted), "{len}");
            for at in 0..len {
                for (i, &y) in wanted.iter().enumerate() {
                    let mut b = plain.clone();
                    b[at] = y;
                    assert!(holds_any_byte(&b, wanted), "{len} {at} {y:x}");
                    // Its neighbours are not mistaken for it.
                    b[at] = [y + 1, y - 1, 0x00][i];
                    assert!(!holds_any_byte(&b, wanted), "{len} {at} {:x}", b[at]);
                }
            }
        }
    }

    #[test]
    fn item_texts_are_the_text_fields_in_their_order() {
        let item = Item {
            category: "一级".into(),
            name: "二级".into(),
            content: "内容".into(),
            basis: "依据".into(),
            deadline: "时限".into(),
            subject: "主体".into(),
            remarks: "备注".into(),
            ..Default::default()
        };
        let by_field: Vec<_> = crate::model::TEXT_FIELDS
            .iter()
            .map(|f| (*f, item.text(*f).unwrap_or("?")))
            .collect();
        assert_eq!(item_texts(&item).to_vec(), by_field);
    }

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
