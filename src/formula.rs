//! Formula neutralisation, shared by the writers that make cells inert and the readers that
//! read gkml's own files back: a value a spreadsheet would execute (OWASP "CSV injection") is
//! written with a leading apostrophe, which Excel and WPS show as text, and read without it.

/// Whether a spreadsheet would execute a cell's text (OWASP "CSV injection"): it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return. Plain numbers (-5, +3) and dash
/// placeholders (-, --) are left alone, so legitimate values stay readable.
pub fn needs_neutralising(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
        return false;
    }
    let placeholder = s.chars().all(|c| c == '-' || c.is_whitespace());
    let number = s.trim().parse::<f64>().is_ok();
    !(placeholder || number)
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
