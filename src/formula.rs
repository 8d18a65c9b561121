//! Formula neutralisation, shared by the writers that make cells inert and the readers that
//! read gkml's own files back: a value a spreadsheet would execute (OWASP "CSV injection") is
//! written with a leading apostrophe, which Excel and WPS show as text, and read without it.

/// Whether a spreadsheet would execute a cell's text (OWASP "CSV injection"): it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return. Plain numbers (-5, +3) and dash
/// placeholders (-, --) are left alone, so legitimate values stay readable.
pub fn needs_neutralising(s: &str) -> bool {
    if !may_need_neutralising(s) {
        return false;
    }
    let placeholder = s.chars().all(|c| c == '-' || c.is_whitespace());
    let number = s.trim().parse::<f64>().is_ok();
    !(placeholder || number)
}

/// Whether `s` starts as a formula would: [`needs_neutralising`] is false whenever this is,
/// and so is it for any text that starts with `s` followed by more text.
pub fn may_need_neutralising(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell made inert for CSV: a leading apostrophe, which Excel and WPS show as text and
/// `validate`/`import` remove again when they read gkml's CSV back.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_neutralising(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}
