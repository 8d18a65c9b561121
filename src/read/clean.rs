//! Cell text as clerks leave it: HTML pasted from the portal's editor (`<input checked=""
//! type="checkbox"/> 其他`, `<ul style=…>`, `&nbsp;`), full-width spaces, line breaks. The
//! cleaning here is what gkml reads; the original stays in the file, and a diagnostic says
//! what was cleaned so the clerk can fix the source.

/// The result of cleaning one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub text: String,
    /// HTML tags or entities were removed or decoded.
    pub had_html: bool,
}

/// Whether a text contains something that looks like HTML: a tag or an entity.
pub fn looks_like_html(s: &str) -> bool {
    if !s.as_bytes().iter().any(|b| *b == b'<' || *b == b'&') {
        return false;
    }
    let tag = s.match_indices('<').any(|(i, _)| {
        let rest = &s[i + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && rest.contains('>')
    });
    tag || entity_at(s).is_some()
}

fn entity_at(s: &str) -> Option<()> {
    s.match_indices('&')
        .find_map(|(i, _)| decode_entity(&s[i..]).map(|_| ()))
}

/// Decode the entity at the start of `s`: (decoded text, bytes consumed).
fn decode_entity(s: &str) -> Option<(String, usize)> {
    let end = s.find(';')?;
    if end > 10 {
        return None;
    }
    let name = &s[1..end];
    let decoded = match name {
        "nbsp" | "ensp" | "emsp" | "#160" => " ".to_string(),
        "amp" => "&".to_string(),
        "lt" => "<".to_string(),
        "gt" => ">".to_string(),
        "quot" => "\"".to_string(),
        "apos" | "#39" => "'".to_string(),
        n if n.starts_with("#x") || n.starts_with("#X") => {
            char::from_u32(u32::from_str_radix(&n[2..], 16).ok()?)?.to_string()
        }
        n if n.starts_with('#') => char::from_u32(n[1..].parse().ok()?)?.to_string(),
        _ => return None,
    };
    Some((decoded, end + 1))
}

/// Remove HTML: a checkbox `<input>` becomes ■ (checked) or □, block ends become line
/// breaks, other tags go, entities are decoded.
pub fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if let Some(after) = rest.strip_prefix('<') {
            let inner = after.strip_prefix('/').unwrap_or(after);
            let is_tag = inner
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic());
            if let (true, Some(close)) = (is_tag, rest.find('>')) {
                let tag = rest[1..close].to_ascii_lowercase();
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                match name.as_str() {
                    "input" => {
                        let checked = tag.contains("checked");
                        out.push(if checked { '■' } else { '□' });
                    }
                    "br" | "p" | "li" | "div" | "tr" => out.push('\n'),
                    _ => out.push(' '),
                }
                i += close + 1;
                continue;
            }
        }
        if rest.starts_with('&') {
            if let Some((text, n)) = decode_entity(rest) {
                // `政府网站&nbsp;、公告栏`: a space entity beside Chinese punctuation shows no gap
                // the clerk meant, and is dropped.
                let punct = super::document::is_cjk_punct;
                let beside_punct = text == " "
                    && (out.chars().next_back().is_some_and(punct)
                        || rest[n..].chars().next().is_some_and(punct));
                if !beside_punct {
                    out.push_str(&text);
                }
                i += n;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Whether a text needs no whitespace normalisation (one pass over the bytes; nearly every
/// cell of a real table is clean).
pub fn is_clean(s: &str) -> bool {
    scan(s, false)
}

/// The one pass behind [`is_clean`] and [`is_plain`]; `markup` also rejects `<` and `&`.
fn scan(s: &str, markup: bool) -> bool {
    // Nearly every cell has none of the bytes that may start something to clean: a vector
    // pass proves it (`the_glance_never_clears_a_cell_the_byte_scan_would_clean` holds it to
    // the exact scan), and only the rest are read byte by byte.
    let cleared = if markup {
        crate::text::glance::<true>(s.as_bytes()).is_some()
    } else {
        crate::text::glance::<false>(s.as_bytes()).is_some()
    };
    // Any Unicode white space at either end is trimmed by the full normalisation. A text the
    // glance cleared can only have U+1680 there (see [`glanced_space_at_ends`]).
    if cleared {
        return !glanced_space_at_ends(s);
    }
    !crate::text::has_space_at_ends(s) && scan_bytes(s, markup)
}

/// [`crate::text::has_space_at_ends`] of a text [`crate::text::glance`] cleared: the glance
/// rejects every byte that starts or continues a white-space char but U+1680 (E1 9A 80): the
/// ASCII ones (≤ 0x20), C2 85 and C2 A0, E2 80 and E2 81 (U+2000–U+205F), 80 80 (U+3000).
/// Two comparisons instead of [`crate::text::trim`]'s look at both ends.
#[inline]
fn glanced_space_at_ends(s: &str) -> bool {
    s.starts_with('\u{1680}') || s.ends_with('\u{1680}')
}

/// The exact scan behind [`scan`], white space at the ends aside.
fn scan_bytes(s: &str, markup: bool) -> bool {
    // Bytes that may start something to clean; every other byte is skipped by one lookup.
    const fn table(markup: bool) -> [bool; 256] {
        let mut t = [false; 256];
        t[b'\t' as usize] = true;
        t[b'\r' as usize] = true;
        t[b'\n' as usize] = true;
        t[b' ' as usize] = true;
        t[0xC2] = true;
        t[0xE2] = true;
        t[0xE3] = true;
        if markup {
            t[b'<' as usize] = true;
            t[b'&' as usize] = true;
        }
        t
    }
    static PLAIN: [bool; 256] = table(false);
    static MARKUP: [bool; 256] = table(true);
    let special = if markup { &MARKUP } else { &PLAIN };
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if !special[usize::from(c)] {
            continue;
        }
        let next = |k: usize| b.get(i + k).copied();
        let dirty = match c {
            b' ' => next(1) == Some(b' '),
            // U+00A0
            0xC2 => next(1) == Some(0xA0),
            // U+3000
            0xE3 => next(1) == Some(0x80) && next(2) == Some(0x80),
            // U+2002, U+2003, U+2009
            0xE2 => next(1) == Some(0x80) && matches!(next(2), Some(0x82 | 0x83 | 0x89)),
            // Tab, line breaks, and with `markup` the start of a tag or an entity.
            _ => true,
        };
        if dirty {
            return false;
        }
    }
    true
}

/// Whether a cell can be taken as it is: clean (see [`is_clean`]) and without `<` or `&`, so
/// it cannot hold HTML. One pass; cells that fail go through [`clean_cell`].
pub fn is_plain(s: &str) -> bool {
    scan(s, true)
}

/// [`is_plain`], and whether the same pass proved the text clear of everything the hygiene
/// rules report (see [`crate::model::Glanced`]): the glance found no suspect byte and fewer
/// than 11 digits, and there is no white space at the ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plain {
    pub plain: bool,
    pub clear: bool,
}

pub fn plain_glanced(s: &str) -> Plain {
    // A blank cell (a third of a table's: continuation and unmarked cells), or a tick (most
    // of the rest of the mark cells): nothing in either for the glance.
    if matches!(s, "" | "✓" | "√") {
        return Plain {
            plain: true,
            clear: true,
        };
    }
    // The markup glance rejects every byte the hygiene glance does, and counts the same
    // digits. A text it clears has white space at an end only as U+1680.
    let glanced = crate::text::glance::<true>(s.as_bytes());
    match glanced {
        Some(digits) if !glanced_space_at_ends(s) => Plain {
            plain: true,
            clear: digits < 11,
        },
        _ if crate::text::has_space_at_ends(s) => Plain {
            plain: false,
            clear: false,
        },
        _ => Plain {
            plain: scan_bytes(s, true),
            clear: false,
        },
    }
}

/// Normalise whitespace: full-width and no-break spaces become spaces, runs of spaces and
/// tabs become one, each line is trimmed, empty lines go, CRLF becomes LF.
pub fn normalise_space(s: &str) -> String {
    if is_clean(s) {
        return s.to_string();
    }
    normalise_space_slow(s)
}

fn normalise_space_slow(s: &str) -> String {
    let unified: String = s
        .chars()
        .map(|c| match c {
            '\u{3000}' | '\u{a0}' | '\t' | '\u{2002}' | '\u{2003}' | '\u{2009}' => ' ',
            '\r' => '\n',
            c => c,
        })
        .collect();
    let mut lines = Vec::new();
    for line in unified.split('\n') {
        let mut l = String::with_capacity(line.len());
        let mut prev_space = false;
        for c in line.trim().chars() {
            if c == ' ' {
                if !prev_space {
                    l.push(c);
                }
                prev_space = true;
            } else {
                l.push(c);
                prev_space = false;
            }
        }
        if !l.is_empty() {
            lines.push(l);
        }
    }
    lines.join("\n")
}

/// Clean a cell: strip HTML if there is any, then normalise whitespace.
pub fn clean_cell(raw: &str) -> Cleaned {
    let had_html = looks_like_html(raw);
    let text = if had_html {
        strip_html(raw)
    } else {
        raw.to_string()
    };
    Cleaned {
        text: normalise_space(&text),
        had_html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_checkboxes_become_box_marks() {
        let c = clean_cell(
            r#"<input type="checkbox"/> 公示栏 <input checked="" type="checkbox"/> 其他 基层公共服务平台"#,
        );
        assert_eq!(c.text, "□ 公示栏 ■ 其他 基层公共服务平台");
        assert!(c.had_html);
    }

    #[test]
    fn list_markup_and_entities_are_removed() {
        let c = clean_cell(
            r#"<ul style="list-style-type: none"> ■政府网站&nbsp;■两微一端 ■其他 基层公共服务平台 </ul>"#,
        );
        assert_eq!(c.text, "■政府网站 ■两微一端 ■其他 基层公共服务平台");
        assert!(c.had_html);
        assert_eq!(
            clean_cell("a &amp; b &#12288;c &#x4E2D;").text,
            "a & b c 中"
        );
    }

    #[test]
    fn plain_text_with_angle_brackets_is_not_html() {
        let c = clean_cell("《条例》规定 a < b 且 c > d");
        assert!(!c.had_html);
        assert_eq!(c.text, "《条例》规定 a < b 且 c > d");
        assert!(!clean_cell("R&D 部门; 其他").had_html);
    }

    #[test]
    fn whitespace_is_normalised() {
        assert_eq!(
            normalise_space("  申请条件、\r\n\r\n  办理流程　　 "),
            "申请条件、\n办理流程"
        );
        assert_eq!(
            normalise_space("形成或变更之日起 20 个\t工作日内"),
            "形成或变更之日起 20 个 工作日内"
        );
    }

    /// The exact scan with the white space at the ends, as it was before the glance.
    fn scan_exact(s: &str, markup: bool) -> bool {
        !(s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace))
            && scan_bytes(s, markup)
    }

    /// `plain_glanced` as it was before the glance went first: white space at the ends by
    /// the full trim, then the glance or the exact scan.
    fn plain_glanced_exact(s: &str) -> Plain {
        if s.is_empty() {
            return Plain {
                plain: true,
                clear: true,
            };
        }
        if crate::text::has_space_at_ends(s) {
            return Plain {
                plain: false,
                clear: false,
            };
        }
        match crate::text::glance::<true>(s.as_bytes()) {
            Some(digits) => Plain {
                plain: true,
                clear: digits < 11,
            },
            None => Plain {
                plain: scan_bytes(s, true),
                clear: false,
            },
        }
    }

    #[test]
    fn white_space_at_the_ends_is_found_after_the_glance_as_before_it() {
        // Every char at the start, at the end, alone and inside a text long enough for the
        // glance's whole blocks.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!("{c}公开"),
                format!("公开{c}"),
                format!("{c}{}{c}", "公开目录1".repeat(3)),
            ] {
                assert_eq!(plain_glanced(&s), plain_glanced_exact(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn the_glance_never_clears_a_cell_the_byte_scan_would_clean() {
        // Every char, alone, between CJK text, doubled, and across the glance's 16-byte
        // blocks.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!("中{c}{c}文"),
                format!("{}{c}{c}、", "a".repeat(30)),
                format!("{}{c}", "公开".repeat(6)),
            ] {
                for markup in [false, true] {
                    assert_eq!(scan(&s, markup), scan_exact(&s, markup), "{s:?} {markup}");
                }
            }
        }
    }

    proptest::proptest! {
        /// Long mixed texts, whose odd bytes fall anywhere in and across the glance's blocks.
        #[test]
        fn the_glance_agrees_with_the_byte_scan_on_mixed_text(
            s in "[ a1中、《\u{3000}\u{a0}\u{2002}\u{2009}\u{202e}\u{85}\u{1680}\u{1000}\u{10000}<&;\t\r\n\u{1}\u{7f}]{0,80}"
        ) {
            for markup in [false, true] {
                proptest::prop_assert_eq!(scan(&s, markup), scan_exact(&s, markup));
            }
        }

        /// The fast check never skips a text the full normalisation would change.
        #[test]
        fn a_text_judged_clean_is_left_unchanged_by_full_normalisation(
            s in "[ a中\u{3000}\u{a0}\u{2002}\u{2003}\u{2009}\u{2028}\u{85}\u{b}\u{c}\u{205f}\u{1680}\t\r\n]{0,12}"
        ) {
            if is_clean(&s) {
                proptest::prop_assert_eq!(normalise_space_slow(&s), s);
            }
        }

        #[test]
        fn a_cell_judged_plain_is_left_unchanged_by_cleaning(
            s in "[ a中<>&;/b\u{3000}\u{a0}\t\r\n]{0,12}|<b>[a中 ]{0,4}</b>|&nbsp;[a ]{0,3}"
        ) {
            if is_plain(&s) {
                let c = clean_cell(&s);
                proptest::prop_assert!(!c.had_html);
                proptest::prop_assert_eq!(c.text, s);
            }
        }
    }
}
