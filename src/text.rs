//! Small text helpers for the per-row hot paths. `str::trim` decodes a char at each end and
//! looks it up in the Unicode White_Space table; most cells of a catalogue start and end with
//! a Chinese character or an ASCII letter or digit, which cannot be white space, and two byte
//! comparisons say so.

/// Whether a text starting with these bytes can start with a white-space char: ASCII white
/// space, U+0085/U+00A0 (C2 85, C2 A0), U+1680 (E1 9A), U+2000–U+205F (E2 80, E2 81),
/// U+3000 (E3 80). Marks such as ✓ (E2 9C 93) and ■ (E2 96 A0) are told apart by their
/// second byte.
fn may_start_space(a: u8, b: Option<u8>) -> bool {
    match a {
        b'\t'..=b'\r' | b' ' => true,
        0xC2 => matches!(b, Some(0x85 | 0xA0)),
        0xE1 => b == Some(0x9A),
        0xE2 => matches!(b, Some(0x80 | 0x81)),
        0xE3 => b == Some(0x80),
        _ => false,
    }
}

/// Whether the byte can end a white-space char: ASCII white space, or the last byte of one
/// of the multi-byte White_Space chars (…85, …A0, …80–8A, …A8, …A9, …AF, …9F).
fn may_end_space(b: u8) -> bool {
    matches!(
        b,
        b'\t'..=b'\r' | b' ' | 0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF
    )
}

/// `s.trim()`, answered without decoding when neither end can be white space.
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&a), Some(&z)) if !may_start_space(a, b.get(1).copied()) && !may_end_space(z) => s,
        _ => s.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_white_space_char_is_caught_at_either_end() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if c.is_whitespace() {
                let s = format!("{c}公开{c}");
                assert_eq!(trim(&s), "公开", "U+{:04X}", c as u32);
                let mut b = [0; 4];
                let bytes = c.encode_utf8(&mut b).as_bytes();
                assert!(
                    may_start_space(bytes[0], bytes.get(1).copied()),
                    "U+{:04X}",
                    c as u32
                );
                assert!(may_end_space(bytes[bytes.len() - 1]), "U+{:04X}", c as u32);
            }
        }
    }

    proptest! {
        #[test]
        fn trim_is_str_trim(s in "[ \\t\\u{3000}\\u{a0}\\u{85}\\u{1680}\\u{2028}\\u{205f}a1公（》✓■、]{0,8}") {
            prop_assert_eq!(trim(&s), s.trim());
        }
    }
}
