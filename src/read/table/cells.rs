//! What a cell's text is: a mark (set, unset or neither), list numbering before a section
//! name, the kind of value it looks like (for rows shifted one column), and a channel list.

use crate::model::{Channel, Field};

use super::header::Col;
use super::Cells;

/// Marks: set, unset, or text that is neither.
pub(super) enum Mark<'a> {
    Set,
    Unset,
    Text(&'a str),
}

#[inline]
pub(super) fn mark(cell: &str) -> Mark<'_> {
    mark_in_row(cell, false)
}

/// The template's ✓ or the √ a keyboard types, exactly: most set mark cells, told before the
/// general reading ([`mark_in_row`] reads them as set too).
#[inline]
pub(super) fn is_tick(cell: &str) -> bool {
    matches!(cell, "✓" | "√")
}

/// A mark cell of a row: as [`mark`], but where the row marks with a filled ● or ★
/// (`hollow_is_empty`), a hollow ○ ◯ 〇 ⭕ ☆ beside it is the empty counterpart (●/○ as
/// 是/否), not a second mark.
#[inline]
pub(super) fn mark_in_row(cell: &str, hollow_is_empty: bool) -> Mark<'_> {
    // U+3000 is white space to `trim`.
    let t = crate::text::trim(cell);
    // Nearly every mark is one char: a char match (a few compares), not a string compared
    // with each spelling in turn.
    let mut chars = t.chars();
    match (chars.next(), chars.next()) {
        (None, _) => Mark::Unset,
        (Some(c), None) => match c {
            // A dash or a slash is the placeholder of a cell with nothing in it (see
            // `rules::required::is_placeholder`), in a mark column as anywhere; x and ❌ are
            // × as a keyboard or a phone writes it.
            '□' | '☐' | '×' | '✗' | '✘' | '✕' | '✖' | '❌' | 'x' | 'X' | '否' | 'N' | 'n'
            | 'Ｎ' | '0' | '无' | '—' | '－' | '-' | '─' | '/' | '／' | '\\' => Mark::Unset,
            c if hollow_is_empty && is_hollow(c) => Mark::Unset,
            '✓' | '√' | '✔' | '☑' | '■' | '●' | '○' | '◯' | '〇' | '⭕' | '★' | '☆' | '▲' | '◆'
            | '✅' | '是' | '有' | 'Y' | 'y' | 'Ｙ' | '1' | 'V' | 'v' => Mark::Set,
            _ => Mark::Text(t),
        },
        _ if matches!(t, "——" | "--" | "－－") => Mark::Unset,
        // A workbook's boolean cell, as Excel (TRUE) or the reader (true) writes it.
        _ if matches!(t, "TRUE" | "True" | "true") => Mark::Set,
        _ if matches!(t, "FALSE" | "False" | "false") => Mark::Unset,
        _ => Mark::Text(t),
    }
}

/// A hollow mark, the empty counterpart of a filled one in a row that uses both.
#[inline]
pub(super) fn is_hollow(c: char) -> bool {
    matches!(c, '○' | '◯' | '〇' | '⭕' | '☆')
}

/// A filled mark whose hollow counterpart means empty beside it (● ★).
#[inline]
fn is_filled(t: &str) -> bool {
    matches!(t, "●" | "★")
}

/// Whether a mark cell holds only a hollow or filled mark (see [`mark_in_row`]): the cells
/// the row's other marks decide.
#[inline]
pub(super) fn is_dot(value: &str) -> bool {
    // Every such mark is 3 bytes; with white space, a few more.
    value.len() <= 16 && {
        let t = crate::text::trim(value);
        is_filled(t) || t.chars().next().is_some_and(is_hollow) && t.chars().count() == 1
    }
}

/// Whether a cell holds only a filled mark (● ★).
#[inline]
pub(super) fn is_filled_cell(value: &str) -> bool {
    value.len() <= 16 && is_filled(crate::text::trim(value))
}

/// Whether a row marks with ● or ★ in any of its mark columns (see [`mark_in_row`]).
pub(super) fn marks_with_dots<S: AsRef<str>>(
    cols: &[Option<Col>],
    cells: impl IntoIterator<Item = S>,
) -> bool {
    cols.iter().zip(cells).any(|(c, v)| {
        let v = v.as_ref();
        matches!(
            c,
            Some(
                Col::ChannelMark
                    | Col::AudiencePublic
                    | Col::AudienceSpecific
                    | Col::ModeActive
                    | Col::ModeRequest
                    | Col::Level(_)
            )
        ) && is_filled_cell(v)
    })
}

/// Strip leading list numbering from a section row: "一、", "（一）", "1.", "1、".
pub(super) fn strip_enumeration(s: &str) -> &str {
    let t = s.trim();
    let t = t.trim_start_matches(['（', '(']);
    let digits = t
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .last()
        .map(|(i, c)| i + c.len_utf8());
    match digits {
        Some(end) if end < t.len() => {
            let rest = &t[end..];
            let rest = rest.trim_start_matches(['）', ')', '、', '.', '．', ' ']);
            if rest.len() < t[end..].len() {
                rest
            } else {
                s.trim()
            }
        }
        _ => s.trim(),
    }
}

/// A 一级事项 or 二级事项 without the list numbering a clerk typed before it ("一、政策文件",
/// "（二）特困人员救助供养", "3.临时救助", "2、", "①"): the compiled table numbers items
/// itself, and the numbering of a draft's own outline is not part of the name. `None` when
/// there is no numbering, or when taking it off would leave nothing or a number ("1.5倍…").
pub(super) fn item_name_without_numbering(s: &str) -> Option<&str> {
    let t = s.trim_start();
    // Nearly every name starts with a character no numbering starts with (no digit, bracket,
    // circled number or Chinese numeral): the scans below would leave it as it is.
    if !t.chars().next().is_some_and(may_start_numbering) {
        return None;
    }
    let circled = t
        .chars()
        .next()
        .filter(|c| ('\u{2460}'..='\u{2473}').contains(c))
        .map(|c| t[c.len_utf8()..].trim_start_matches(['、', '.', '．', ' ']));
    let rest = circled.unwrap_or_else(|| strip_enumeration(t));
    let changed = rest.len() < t.trim_end().len();
    let cn = |c: char| "一二三四五六七八九十".contains(c);
    let first = rest.chars().next();
    // "二、三级医院" is a list of numerals, not numbering; "1.5倍" a decimal.
    let list_of_numerals = circled.is_none() && t.starts_with(cn) && first.is_some_and(cn);
    let number = first.is_some_and(char::is_numeric);
    (changed && !rest.is_empty() && !number && !list_of_numerals).then_some(rest)
}

/// Whether numbering can start with `c` (the first character, after white space, that
/// [`item_name_without_numbering`] would take off): a digit, an opening bracket, a circled
/// number or a Chinese numeral.
fn may_start_numbering(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '(' | '（' | '\u{2460}'
                ..='\u{2473}' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
        )
}

/// Normalise cell text: trim, unify line breaks.
/// What a cell's text looks like, for spotting rows shifted by one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Looks {
    Citation,
    Deadline,
    Subject,
    Channels,
    Mark,
}

pub(super) fn looks(v: &str) -> Option<Looks> {
    let v = crate::text::trim(v);
    if v.is_empty() {
        return None;
    }
    if matches!(mark(v), Mark::Set) {
        return Some(Looks::Mark);
    }
    if v.contains('《') && (v.contains('》') || v.contains("条例") || v.contains("办法")) {
        return Some(Looks::Citation);
    }
    if v.contains('■') || v.contains('□') || v.starts_with("政府网站") {
        return Some(Looks::Channels);
    }
    let short = v.chars().count() <= 60;
    if short
        && [
            "工作日",
            "日内",
            "实时",
            "及时公开",
            "每年",
            "长期公开",
            "日前",
        ]
        .iter()
        .any(|k| v.contains(k))
    {
        return Some(Looks::Deadline);
    }
    let no_list = !v.contains('；') && !v.contains('。');
    if v.chars().count() <= 30
        && no_list
        && ["政府", "局", "委员会", "中心", "办事处", "办公室", "所"]
            .iter()
            .any(|k| v.ends_with(k))
    {
        return Some(Looks::Subject);
    }
    None
}

pub(super) fn expected(c: &Option<Col>) -> Option<Looks> {
    match c {
        Some(Col::Text(Field::Basis)) => Some(Looks::Citation),
        Some(Col::Text(Field::Deadline)) => Some(Looks::Deadline),
        Some(Col::Text(Field::Subject)) => Some(Looks::Subject),
        Some(Col::Channels) => Some(Looks::Channels),
        Some(Col::AudiencePublic | Col::ModeActive) => Some(Looks::Mark),
        _ => None,
    }
}

pub(super) enum Shift {
    Left,
    Right,
}

/// The columns whose cells [`shifted`] looks at, with what each expects, in column order:
/// worked out once per table, not on every row.
pub(super) fn expectations(cols: &[Option<Col>]) -> Vec<(usize, Looks)> {
    cols.iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, expected(c)?)))
        .collect()
}

/// Whether `v` looks like `want` (`looks(v) == Some(want)`); a tick, the commonest mark cell,
/// is told without the general test.
#[inline]
fn looks_like(v: &str, want: Looks) -> bool {
    (want == Looks::Mark && is_tick(v)) || looks(v) == Some(want)
}

/// A row whose values sit one column left (or right) of their columns: at least three
/// columns find what they expect in their neighbour and at most one in themselves.
/// `expects` is the table's [`expectations`].
pub(super) fn shifted(expects: &[(usize, Looks)], cells: &Cells) -> Option<Shift> {
    let at = |j: Option<usize>, want: Looks| {
        j.and_then(|j| cells.get(j))
            .is_some_and(|v| looks_like(v, want))
    };
    // A healthy row finds what it expects in its own columns, and is done after two: the
    // mark columns (a ✓ is the cheapest thing to recognise) are looked at first.
    let mut own = 0;
    for marks in [true, false] {
        for &(i, want) in expects {
            if (want == Looks::Mark) == marks && at(Some(i), want) {
                own += 1;
                if own > 1 {
                    return None;
                }
            }
        }
    }
    let (mut left, mut right) = (0, 0);
    for &(i, want) in expects {
        left += usize::from(at(i.checked_sub(1), want));
        right += usize::from(at(Some(i + 1), want));
    }
    if left >= 3 {
        Some(Shift::Left)
    } else if right >= 3 {
        Some(Shift::Right)
    } else {
        None
    }
}

thread_local! {
    static CHANNELS: crate::memo::Cache<Vec<Channel>> = Default::default();
    pub(super) static PLAIN: crate::memo::Cache<crate::read::clean::Plain> = Default::default();
    static AUDIENCES: crate::memo::Cache<crate::model::Audience> = Default::default();
}

/// A 公开对象 word read once per distinct text: a province writes the same group (项目单位,
/// 低保对象) in the 特定群众 column of thousands of rows, and telling a group from a place's
/// residents takes a few thousand instructions.
pub(super) fn audience(word: &str) -> crate::model::Audience {
    (*crate::memo::get(&AUDIENCES, word, crate::model::Audience::parse)).clone()
}

/// A 公开渠道和载体 cell parsed once per distinct text (a province has a few dozen).
pub(super) fn channels(cell: &str) -> std::rc::Rc<Vec<Channel>> {
    crate::memo::get(&CHANNELS, cell, Channel::parse_list)
}

/// The field a column fills, for diagnostics.
pub(super) fn col_field(c: Col) -> Option<Field> {
    Some(match c {
        Col::Text(f) => f,
        Col::Domain => Field::Domain,
        Col::Unit => Field::Unit,
        Col::Id => Field::Id,
        Col::Channels | Col::ChannelMark => Field::Channels,
        Col::AudiencePublic | Col::AudienceSpecific | Col::AudienceText | Col::AudienceGroup => {
            Field::Audience
        }
        Col::SubName => Field::Name,
        Col::ModeActive
        | Col::ModeRequest
        | Col::ModeText
        | Col::ModeActiveYesNo
        | Col::ModeRequestYesNo => Field::Mode,
        Col::LevelsText | Col::Level(_) => Field::Levels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ticks told before the general reading are what it reads as set, in a row with
    /// dots or without, and in the shifted-row test as marks.
    #[test]
    fn a_tick_told_early_reads_as_the_general_reading_does() {
        for tick in ["✓", "√"] {
            assert!(is_tick(tick));
            assert!(matches!(mark_in_row(tick, false), Mark::Set));
            assert!(matches!(mark_in_row(tick, true), Mark::Set));
            assert_eq!(looks(tick), Some(Looks::Mark));
        }
        for other in ["", " ✓", "✓✓", "●", "是"] {
            assert!(!is_tick(other), "{other:?}");
        }
    }

    /// ●/○ as 是/否: ○ is empty only where the row marks with ●; 有/无 and full-width Y/N
    /// are marks like 是/否.
    #[test]
    fn hollow_circles_are_empty_only_beside_filled_ones() {
        assert!(matches!(mark_in_row("○", true), Mark::Unset));
        assert!(matches!(mark_in_row(" ○ ", false), Mark::Set));
        assert!(matches!(mark_in_row("●", true), Mark::Set));
        for set in ["有", "Ｙ"] {
            assert!(matches!(mark(set), Mark::Set), "{set}");
        }
        for unset in ["无", "Ｎ", "✕"] {
            assert!(matches!(mark(unset), Mark::Unset), "{unset}");
        }
        for (set, unset) in [
            ("TRUE", "FALSE"),
            ("true", "false"),
            ("True", " False "),
            ("是", "否"),
        ] {
            assert!(matches!(mark(set), Mark::Set), "{set}");
            assert!(matches!(mark(unset), Mark::Unset), "{unset}");
        }
        let cols = [Some(Col::AudiencePublic), Some(Col::AudienceSpecific), None];
        let row = |a: &str, b: &str, c: &str| [a.to_string(), b.to_string(), c.to_string()];
        assert!(marks_with_dots(&cols, row("●", "○", "")));
        assert!(!marks_with_dots(&cols, row("○", "", "●")));
    }

    /// Marks as clerks type them: stars, ideographic zero and big circles, triangles and
    /// diamonds are ticks; x and ❌ are ×; a workbook's booleans are what they say. ☆ and the
    /// hollow circles are empty beside a filled ● or ★, ticks alone, as ○ is.
    #[test]
    fn stars_circles_crosses_and_booleans_are_marks_as_meant() {
        for set in ["★", "☆", "〇", "⭕", "▲", "◆", "TRUE", "true", " ★ "] {
            assert!(matches!(mark(set), Mark::Set), "{set}");
        }
        for unset in ["x", "X", "❌", "✗", "✖", "FALSE", "false"] {
            assert!(matches!(mark(unset), Mark::Unset), "{unset}");
        }
        for hollow in ["☆", "〇", "⭕", "○", "◯"] {
            assert!(matches!(mark_in_row(hollow, true), Mark::Unset), "{hollow}");
            assert!(is_dot(hollow), "{hollow}");
        }
        assert!(matches!(mark_in_row("★", true), Mark::Set));
        assert!(!is_dot("✓") && !is_dot("☆☆") && is_dot(" ★ "));
        let cols = [Some(Col::ModeActive), Some(Col::ModeRequest)];
        let row = |a: &str, b: &str| [a.to_string(), b.to_string()];
        assert!(marks_with_dots(&cols, row("☆", "★")));
        assert!(!marks_with_dots(&cols, row("☆", "")));
    }

    #[test]
    fn enumerations_are_stripped_from_section_rows() {
        assert_eq!(strip_enumeration("一、社会救助领域"), "社会救助领域");
        assert_eq!(strip_enumeration("（五）养老服务"), "养老服务");
        assert_eq!(strip_enumeration("5.社会救助"), "社会救助");
        assert_eq!(strip_enumeration("社会救助"), "社会救助");
    }

    /// `item_name_without_numbering` before its first-character test: the fast answer must
    /// be the one the scans give.
    fn without_numbering_by_scans(s: &str) -> Option<&str> {
        let t = s.trim_start();
        let circled = t
            .chars()
            .next()
            .filter(|c| ('\u{2460}'..='\u{2473}').contains(c))
            .map(|c| t[c.len_utf8()..].trim_start_matches(['、', '.', '．', ' ']));
        let rest = circled.unwrap_or_else(|| strip_enumeration(t));
        let changed = rest.len() < t.trim_end().len();
        let cn = |c: char| "一二三四五六七八九十".contains(c);
        let first = rest.chars().next();
        let list_of_numerals = circled.is_none() && t.starts_with(cn) && first.is_some_and(cn);
        let number = first.is_some_and(char::is_numeric);
        (changed && !rest.is_empty() && !number && !list_of_numerals).then_some(rest)
    }

    #[test]
    fn the_first_character_test_agrees_with_the_scans() {
        // Every string of up to four of these: white space, numbering's characters, the
        // neighbours of the circled range, separators, a numeric char no numbering starts
        // with (Ⅳ, ٣), ordinary text.
        let chars = [
            ' ', '\u{3000}', '\t', '1', '0', '(', '（', '）', ')', '\u{2460}', '\u{2473}',
            '\u{245f}', '\u{2474}', '一', '十', '百', '、', '.', '．', 'Ⅳ', '٣', '政', 'a',
        ];
        let mut texts = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|t| chars.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(last.iter().cloned());
        }
        for t in &texts {
            assert_eq!(
                item_name_without_numbering(t),
                without_numbering_by_scans(t),
                "{t:?}"
            );
        }
    }

    #[test]
    fn item_names_lose_their_outline_numbering_and_nothing_else() {
        let strip = item_name_without_numbering;
        assert_eq!(strip("一、政策文件"), Some("政策文件"));
        assert_eq!(strip("（二）特困人员救助供养"), Some("特困人员救助供养"));
        assert_eq!(strip("(3)临时救助"), Some("临时救助"));
        assert_eq!(strip("3.临时救助"), Some("临时救助"));
        assert_eq!(strip("12、低保申请"), Some("低保申请"));
        assert_eq!(strip("①低保标准"), Some("低保标准"));
        assert_eq!(strip("十一、其他"), Some("其他"));
        assert_eq!(strip("①一事一议财政奖补"), Some("一事一议财政奖补"));
        assert_eq!(strip("1.一事一议财政奖补"), Some("一事一议财政奖补"));
        // Names that start with a numeral but carry no numbering stay as written.
        for name in [
            "一事一议财政奖补",
            "12345热线办理",
            "三资管理",
            "1.5倍标准",
            "一、",
            "（一）",
            "二、三级医院名单",
            "政策文件",
            "",
        ] {
            assert_eq!(strip(name), None, "{name}");
        }
    }
}
