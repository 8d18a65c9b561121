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

/// Whether a text ending with these bytes ends with a white-space char: ASCII white space,
/// U+0085/U+00A0 (C2 85, C2 A0), U+1680 (E1 9A 80), U+2000–U+200A, U+2028, U+2029, U+202F
/// (E2 80 80–8A, A8, A9, AF), U+205F (E2 81 9F), U+3000 (E3 80 80). Looking at the last
/// three bytes, not only the last: a quarter of CJK characters end with a byte one of these
/// ends with, and each of them took `str::trim`'s slow path.
fn may_end_space(b: &[u8]) -> bool {
    matches!(
        b,
        [.., b'\t'..=b'\r' | b' ']
            | [.., 0xC2, 0x85 | 0xA0]
            | [.., 0xE1, 0x9A, 0x80]
            | [.., 0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF]
            | [.., 0xE2, 0x81, 0x9F]
            | [.., 0xE3, 0x80, 0x80]
    )
}

/// `s.trim()`, answered without decoding when neither end can be white space.
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match b.first() {
        Some(&a) if !may_start_space(a, b.get(1).copied()) && !may_end_space(b) => s,
        None => s,
        _ => s.trim(),
    }
}

/// Bytes [`glance`] looks at together: one vector register.
const BLOCK: usize = 16;

/// One block of [`glance`]: counts its digits into `digits`, one counter per lane (summed
/// once at the end), and says whether a byte is suspect. `next` is the block shifted by one
/// byte (each byte's successor). Fixed-size and branch-free, so the compiler makes it a
/// handful of vector instructions.
#[inline(always)]
fn glance_block<const MARKUP: bool>(
    here: &[u8; BLOCK],
    next: &[u8; BLOCK],
    digits: &mut [u8; BLOCK],
) -> bool {
    let mut odd = 0u8;
    for ((&c, &n), d) in here.iter().zip(next).zip(digits.iter_mut()) {
        *d = d.saturating_add(u8::from(c.wrapping_sub(b'0') < 10));
        odd |= u8::from(
            (c <= b' ')
                | (c == 0x7F)
                | ((c == 0xC2) & (n <= 0xA0))
                | ((c == 0xE2) & (n & 0xFE == 0x80))
                | ((c == 0x80) & (n == 0x80))
                | (MARKUP & ((c == b'<') | (c == b'&') | (c == b'{'))),
        );
    }
    odd != 0
}

/// A first look at a whole cell, cheap enough for every cell of every row: the number of ASCII
/// digits in a text that has none of the bytes that may begin what the exact scans (cleaning,
/// hygiene) look for, or `None` when it has one. The count is exact below 255 and at least
/// 255 otherwise (each of 16 lane counters stops at 255). Suspect are: an ASCII control or
/// space (≤ 0x20), DEL, C2 followed by 80–A0 (the C1 controls, U+00A0), E2 followed by 80 or
/// 81 (U+2000–U+207F: the odd spaces, the bidirectional overrides), two continuation bytes
/// 80 80 in a row (U+3000 is E3 80 80), and with `MARKUP` `<`, `&` and `{` (the brace of a
/// placeholder: a text the markup glance clears holds none, which the placeholder rule takes
/// from [`crate::model::Glanced`] instead of looking again). A cell of CJK words and
/// punctuation, ✓ and ■ included, has none, so the exact scans run only on the few cells this
/// cannot clear. Looks at 16 bytes at a time without branches (the compiler makes vector
/// instructions of it), where the exact scans take a branch or two per byte.
#[inline]
pub fn glance<const MARKUP: bool>(b: &[u8]) -> Option<usize> {
    let mut digits = [0u8; BLOCK];
    let mut rest = b;
    // Whole blocks while the byte after each is in the text.
    while let (Some(here), Some(next)) = (
        rest.first_chunk::<BLOCK>(),
        rest.get(1..).and_then(<[u8]>::first_chunk::<BLOCK>),
    ) {
        if glance_block::<MARKUP>(here, next, &mut digits) {
            return None;
        }
        rest = rest.get(BLOCK..).unwrap_or_default();
    }
    // The last 1 to 16 bytes, padded with a letter, which is nothing to either test.
    if !rest.is_empty() {
        let mut pad = [b'a'; BLOCK + 1];
        if let Some(head) = pad.get_mut(..rest.len()) {
            head.copy_from_slice(rest);
        }
        if let (Some(here), Some(next)) = (pad.first_chunk::<BLOCK>(), pad.last_chunk::<BLOCK>()) {
            if glance_block::<MARKUP>(here, next, &mut digits) {
                return None;
            }
        }
    }
    // The 16 lane counts summed in two words: pairs of lanes into 16-bit lanes, then the
    // eight of those by one multiplication (at most 16 × 255, which 16 bits hold).
    let (lo, hi) = digits.split_at(8);
    let word = |h: &[u8]| u64::from_le_bytes(h.try_into().unwrap_or([0; 8]));
    let pairs = |w: u64| (w & 0x00FF_00FF_00FF_00FF) + ((w >> 8) & 0x00FF_00FF_00FF_00FF);
    let lanes = pairs(word(lo)) + pairs(word(hi));
    Some((lanes.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize)
}

/// Whether `s` holds `a` or `b`, exactly: memchr finds the last byte of either char's UTF-8 form and
/// the bytes before it are compared. A gate before `str::contains` of words that hold one of
/// these chars: the rules look for a few words (处罚, 许可, 年报) in every row's names, and
/// nearly no name holds them.
pub fn holds_either(s: &str, a: char, b: char) -> bool {
    let (mut ba, mut bb) = ([0; 4], [0; 4]);
    let (ea, eb) = (
        a.encode_utf8(&mut ba).as_bytes(),
        b.encode_utf8(&mut bb).as_bytes(),
    );
    let (Some(&la), Some(&lb)) = (ea.last(), eb.last()) else {
        return false;
    };
    let h = s.as_bytes();
    memchr::memchr2_iter(la, lb, h).any(|i| {
        let ends_with = |e: &[u8]| {
            (i + 1)
                .checked_sub(e.len())
                .and_then(|start| h.get(start..=i))
                == Some(e)
        };
        ends_with(ea) || ends_with(eb)
    })
}

/// Whether a text starts or ends with white space (`s.trim() != s`, by [`trim`]'s fast test).
pub fn has_space_at_ends(s: &str) -> bool {
    trim(s).len() != s.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_glance_counts_every_digit_exactly_below_255() {
        for n in 0..300 {
            for t in [
                "1".repeat(n),
                "公1".repeat(n),
                format!("{}{}", "a".repeat(n % 17), "9".repeat(n)),
            ] {
                let counted = glance::<false>(t.as_bytes()).unwrap_or(usize::MAX);
                if n < 255 {
                    assert_eq!(counted, n, "{n} {t:?}");
                } else {
                    assert!((255..=n).contains(&counted), "{n} {counted}");
                }
            }
        }
        assert!(glance::<false>("1".repeat(40_000).as_bytes()).is_some_and(|d| d >= 255));
        assert_eq!(glance::<false>(b""), Some(0));
        assert_eq!(glance::<false>("公开 目录".as_bytes()), None);
        assert_eq!(glance::<false>("a<b".as_bytes()), Some(0));
        assert_eq!(glance::<true>("a<b".as_bytes()), None);
    }

    #[test]
    fn holds_either_finds_exactly_the_two_chars() {
        assert!(holds_either("行政处罚决定", '罚', '许'));
        assert!(holds_either("行政许可", '罚', '许'));
        assert!(!holds_either("申请条件0", '罚', '许'));
        assert!(!holds_either("", '罚', '许'));
        assert!(!holds_either("项目资金审核补贴", '罚', '许'));
        for c in (0x4E00..=0x9FFFu32).filter_map(char::from_u32) {
            assert_eq!(
                holds_either(&format!("前{c}"), '罚', '许'),
                c == '罚' || c == '许'
            );
        }
        for c in ['罚', '许', '报', 'a', '✓'] {
            assert!(holds_either(&format!("前{c}后"), c, '许'));
            assert!(holds_either(&format!("前{c}后"), '罚', c));
        }
    }

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
            }
            // Exact at the end: no other char is taken for white space.
            let s = format!("公{c}");
            assert_eq!(
                may_end_space(s.as_bytes()),
                c.is_whitespace(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    proptest! {
        #[test]
        fn trim_is_str_trim(s in "[ \\t\\u{3000}\\u{a0}\\u{85}\\u{1680}\\u{2028}\\u{205f}a1公（》✓■、]{0,8}") {
            prop_assert_eq!(trim(&s), s.trim());
        }
    }
}

/// Whether a text is a name in Chinese characters only, brackets allowed (`东风村`,
/// `困难群众（低保）`): no digits, Latin letters, spaces or punctuation.
pub fn is_han_name(s: &str) -> bool {
    s.chars()
        .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || "（）()".contains(c))
}

/// A one-line value (序号, 一级事项, 二级事项, 公开时限, 公开主体, 单位, 领域) that a clerk wrapped
/// with Alt+Enter to fit a narrow column: its lines joined as the value reads, `None` when it
/// has no line break. Between Chinese text nothing is put, between two ASCII characters a
/// space (`20\nworking` is two words). In a 公开主体 (`bodies`) a line that ends a body's name
/// (`县民政局` / `乡镇人民政府`, two bodies on two lines) is followed by `、`; `乐昌镇` /
/// `人民政府` is one body wrapped.
pub fn join_wrapped(s: &str, bodies: bool) -> Option<String> {
    if !s.contains('\n') {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    for line in s.split('\n').map(trim).filter(|l| !l.is_empty()) {
        if let (Some(a), Some(b)) = (out.chars().last(), line.chars().next()) {
            let separated = matches!(a, '、' | '，' | ',' | '；' | ';' | '/' | '／')
                || matches!(b, '、' | '，' | ',' | '；' | ';' | '/' | '／');
            if bodies && !separated && ends_body(&out) {
                out.push('、');
            } else if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
                out.push(' ');
            }
        }
        out.push_str(line);
    }
    Some(out)
}

/// Whether a text ends with the name of a body (…局, …人民政府, …服务中心, …派出所): at least
/// three characters ending in a body's kind.
fn ends_body(s: &str) -> bool {
    s.chars().count() >= 3
        && [
            "局", "府", "委", "会", "所", "站", "中心", "办", "院", "部", "室", "队", "处", "科",
            "馆", "公司", "厅",
        ]
        .iter()
        .any(|k| s.ends_with(k))
}

#[cfg(test)]
mod wrap_tests {
    use super::join_wrapped;

    #[test]
    fn wrapped_chinese_lines_join_without_a_space() {
        assert_eq!(
            join_wrapped("低保对象\n名单", false).as_deref(),
            Some("低保对象名单")
        );
        assert_eq!(
            join_wrapped("信息形成或者变更之日起\n20个工作日内", false).as_deref(),
            Some("信息形成或者变更之日起20个工作日内")
        );
        assert_eq!(
            join_wrapped(" 最低生活 \n\n保障\n", false).as_deref(),
            Some("最低生活保障")
        );
        assert_eq!(join_wrapped("低保对象名单", false), None);
    }

    #[test]
    fn ascii_words_on_two_lines_keep_a_space() {
        assert_eq!(
            join_wrapped("PPP\nproject", false).as_deref(),
            Some("PPP project")
        );
    }

    #[test]
    fn two_bodies_on_two_lines_are_listed_but_one_wrapped_body_is_joined() {
        assert_eq!(
            join_wrapped("县民政局\n乡镇人民政府", true).as_deref(),
            Some("县民政局、乡镇人民政府")
        );
        assert_eq!(
            join_wrapped("乐昌镇\n人民政府", true).as_deref(),
            Some("乐昌镇人民政府")
        );
        assert_eq!(
            join_wrapped("县民政局、\n乡镇人民政府", true).as_deref(),
            Some("县民政局、乡镇人民政府")
        );
        // Not in a 公开主体: a name wrapped after 局 is one name.
        assert_eq!(
            join_wrapped("县民政局\n政策文件", false).as_deref(),
            Some("县民政局政策文件")
        );
    }
}
