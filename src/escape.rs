//! Text for a terminal: control characters from a cell must not reach the clerk's terminal,
//! where ESC and OSC sequences change the window title, colour or move the cursor, and a
//! line break or carriage return inside a value can forge a line such as "0 个错误". Every
//! such character is shown escaped instead. The escapes are JSON's (`\u001b`, `\r`), so
//! escaping a JSON document changes no value in it.

use std::borrow::Cow;

/// Whether a character must not be printed raw: C0 and C1 controls, DEL, and the Unicode
/// bidirectional overrides and isolates (which reorder what the terminal shows).
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if !is_unsafe(c) || keep(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Every unsafe character is in the Basic Multilingual Plane.
            c => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        }
    }
    Cow::Owned(out)
}

/// One value on one line: every control character escaped, line breaks and tabs included.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// Text made of lines (a whole report): escaped like [`escape_controls`], but its own line
/// breaks and tabs are kept.
pub fn escape_for_terminal(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_escaped_and_plain_text_is_borrowed() {
        assert!(matches!(escape_controls("低保 办事指南"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("a\u{1b}]0;title\u{7}b\r\n0 个错误\u{202e}"),
            "a\\u001b]0;title\\u0007b\\r\\n0 个错误\\u202e"
        );
        assert_eq!(
            escape_for_terminal("x\u{0}\ny\tz\u{9b}"),
            "x\\u0000\ny\tz\\u009b"
        );
    }

    #[test]
    fn escaping_json_keeps_it_valid_and_equal() {
        let doc = serde_json::json!({ "v": "a\u{9b}b\u{202e}c\u{1b}" });
        let text = serde_json::to_string(&doc).expect("json");
        let escaped = escape_for_terminal(&text);
        assert!(!escaped.chars().any(is_unsafe));
        let back: serde_json::Value = serde_json::from_str(&escaped).expect("still JSON");
        assert_eq!(back, doc);
    }
}
