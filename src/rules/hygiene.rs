//! GK6xx: content hygiene and privacy. What was pasted from elsewhere (HTML, stray spaces)
//! and what must never be published (personal identifiers, 条例第十五条).

use super::Rule;
use crate::diag::Diagnostic;
use crate::diag::Severity::{Error, Warning};
use crate::model::{Channel, Field, Item, Seen, TEXT_FIELDS};

pub static HTML_RESIDUE: Rule = Rule {
    code: "GK601",
    name: "HtmlResidue",
    severity: Warning,
    summary: "单元格中残留网页代码（HTML）",
    source: "国办发〔2019〕54号 附件 格式模板（公开渠道和载体为勾选项）",
    doc: "## What it does
Reports a cell holding HTML pasted from the portal's editor: tags such as `<input checked=\"\" type=\"checkbox\"/>`, `<ul style=…>`, or entities such as `&nbsp;`. gkml reads the text without the code (a checked box becomes ■) and says so; the source cell still holds the code.

## Why is this bad?
Printed tables and the portal would show the code to the public; other tools read `<input checked=\"\"…>` as text, not as a ticked box.

## Example
    <input type=\"checkbox\"/> 公示栏 <input checked=\"\" type=\"checkbox\"/> 其他 基层公共服务平台

Use instead:
    其他（基层公共服务平台）
",
};

pub static STRAY_WHITESPACE: Rule = Rule {
    code: "GK602",
    name: "StrayWhitespace",
    severity: Warning,
    summary: "文字中有多余的空格、全角空格或制表符",
    source: "国办发〔2019〕54号 附件 格式模板",
    doc: "## What it does
Reports text with leading or trailing spaces, full-width spaces (　), tabs, or runs of several spaces; in a spreadsheet or CSV, the cell whose text gkml had to tidy. `--fix` removes them. Also reports a 公开主体 whose name a single space splits between a place and the 人民政府, 政府 or 办事处 that make it a body (大沙乡 人民政府), which `--fix` leaves to the clerk: a space between two bodies (乐昌镇人民政府 民政办) is how some tables list them and is not reported.

## Why is this bad?
Stray spaces come from copying out of Word or web pages; they break searches and matching (\"政府网站 \" is not \"政府网站\") and print unevenly.

## Example
    name = \"　办事指南  \"

Use instead:
    name = \"办事指南\"
",
};

pub static FULL_WIDTH_IN_DOCUMENT_NUMBER: Rule = Rule {
    code: "GK603",
    name: "FullWidthInDocumentNumber",
    severity: Warning,
    summary: "文号中混用全角数字或字母",
    source: "GB/T 9704—2012《党政机关公文格式》7.2.4：发文字号用阿拉伯数字",
    doc: "## What it does
Reports a 文号 or order number written with full-width digits (２０１９, ５４号). `--fix` turns them into ordinary digits.

## Why is this bad?
The same document then exists in two spellings and cannot be found by searching for its number.

## Example
    （国办发〔２０１９〕５４号）

Use instead:
    （国办发〔2019〕54号）
",
};

pub static PERSONAL_ID_NUMBER: Rule = Rule {
    code: "GK604",
    name: "PersonalIdNumber",
    severity: Error,
    summary: "含有公民身份号码",
    source: "《中华人民共和国政府信息公开条例》第十五条；《中华人民共和国个人信息保护法》",
    doc: "## What it does
Reports an 18-digit citizen ID number (with a valid check digit and a plausible birth date) anywhere in an item.

## Why is this bad?
Art. 15 forbids disclosing personal privacy without consent. A catalogue is published on the portal and on notice boards; an ID number in it is a leak, whatever the column.

## Example
    备注 = 联系人张某，身份证110101199003074514

Use instead:
    备注 = 联系人：社会事务办
",
};

pub static MOBILE_NUMBER: Rule = Rule {
    code: "GK605",
    name: "MobileNumber",
    severity: Error,
    summary: "含有个人手机号码",
    source: "《中华人民共和国政府信息公开条例》第十五条",
    doc: "## What it does
Reports an 11-digit mainland mobile number (1[3-9]XXXXXXXXX) in an item.

## Why is this bad?
Mobile numbers in catalogues are almost always a clerk's personal phone; publish the office's landline or a hotline (12345) instead (Art. 15 protects personal information).

## Example
    公开主体 = 社会事务办（联系人手机13912345678）

Use instead:
    公开主体 = 社会事务办（0715-1234567）
",
};

pub static CONTROL_CHARACTER: Rule = Rule {
    code: "GK606",
    name: "ControlCharacter",
    severity: Error,
    summary: "含有控制字符（NUL、ESC 等不可见字符）",
    source: "—",
    doc: "## What it does
Reports control characters in a value: NUL, ESC and the other C0/C1 controls, DEL, and the Unicode bidirectional overrides (U+202A–U+202E, U+2066–U+2069). Line breaks and tabs are not control characters here (a tab is GK602).

## Why is this bad?
They are invisible in Excel but not harmless: ESC sequences drive a terminal (a changed window title, a forged line of output), NUL ends the text in many programs (a unit name with a NUL gave a blank page), and a bidirectional override shows the text in another order than it is stored. They come from copying out of other systems, never from typing.

## Example
    二级事项 = 办事\u{1b}[31m指南

Use instead:
    二级事项 = 办事指南
",
};

/// Whether a character is a control character GK606 reports (line breaks, tabs and
/// carriage returns are not: cells hold them legitimately).
pub fn is_control_character(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The text with its control characters shown escaped, for a message.
fn show_controls(t: &str) -> String {
    crate::escape::escape_controls(t).into_owned()
}

/// GK606 for the names of a unit (from its TOML or a draft's 单位 column), which no item
/// rule sees.
pub(super) fn check_unit(cat: &crate::model::Catalogue, out: &mut Vec<Diagnostic>) {
    let u = &cat.unit;
    for (label, t) in [
        ("单位名称", Some(u.name.as_str())),
        ("单位全称", u.full_name.as_deref()),
    ] {
        let Some(t) = t.filter(|t| t.chars().any(is_control_character)) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &CONTROL_CHARACTER,
                format!("{label}“{}”中有控制字符", show_controls(t)),
            )
            .in_file(&cat.file)
            .hint("删除这些不可见字符后重新保存"),
        );
    }
}

/// The longest text one cell of a workbook holds (Excel, WPS and LibreOffice alike).
pub const CELL_LIMIT: usize = 32_767;

pub static VALUE_TOO_LONG: Rule = Rule {
    code: "GK607",
    name: "ValueTooLong",
    severity: Error,
    summary: "事项的某一要素超过 32767 个字符，工作簿单元格放不下",
    source: "Excel/WPS 单元格上限 32767 个字符（国办发〔2019〕54号：目录须可打印、张贴）",
    doc: "## What it does
Reports an item whose value, as compiled (placeholders filled in, extra columns joined into 备注), is longer than 32,767 characters, the most one cell of Excel, WPS or LibreOffice can hold.

## Why is this bad?
The catalogue is published as a workbook; a longer value cannot be written whole. With `--allow-errors` gkml still writes the unit, cutting the cell at the limit with a note, while the CSV, HTML and JSON keep the whole text.

## Example
    公开内容（要素）: a whole policy text pasted into the cell (40,000 characters)

Use instead:
    公开内容（要素）: 政策文件名称、文号、发布日期、全文链接
",
};

/// Whether a text has whitespace a clerk would not want published.
pub fn has_stray_whitespace(t: &str) -> bool {
    scan(t).stray_whitespace
}

thread_local! {
    static SCANNED: crate::memo::Cache<Scan> = Default::default();
}

/// What one pass over a text's bytes tells the hygiene rules.
#[derive(Debug, Clone, Copy)]
struct Scan {
    /// The most ASCII digits in one unbroken run (an ID number needs 17).
    digit_run: usize,
    /// The most in one stretch of digits, spaces, hyphens and plus signs (how phone numbers
    /// are grouped; a mobile number needs 11).
    digit_stretch: usize,
    stray_whitespace: bool,
    /// A character GK606 reports.
    control: bool,
}

impl Scan {
    /// What [`scan`] says of a text [`surely_clean`] clears, as far as any rule asks: no
    /// number can be in it, nothing to report.
    const CLEAN: Scan = Scan {
        digit_run: 0,
        digit_stretch: 0,
        stray_whitespace: false,
        control: false,
    };
}

/// How [`scan`] treats each byte value: most bytes of a Chinese text only end a run of digits,
/// and a table lookup decides that in one step instead of a chain of comparisons.
const PLAIN: u8 = 0;
const DIGIT: u8 = 1;
const SPACE: u8 = 2;
const SIGN: u8 = 3;
/// Control bytes, the tab, and the lead bytes of U+0080–U+00A0, U+2000–U+2FFF and
/// U+3000–U+3FFF, which may start a control or stray-whitespace character.
const SPECIAL: u8 = 4;

static BYTE_CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = match b {
            b'0'..=b'9' => DIGIT,
            b' ' => SPACE,
            b'-' | b'+' => SIGN,
            0x00..=0x1F | 0x7F | 0xC2 | 0xE2 | 0xE3 => SPECIAL,
            _ => PLAIN,
        };
        i += 1;
    }
    t
};

/// Whether [`scan`] would find nothing any hygiene rule reports: no control character, no
/// stray white space, fewer than 11 digits (a mobile number needs 11, an ID number 17). Proved
/// by [`crate::text::glance`], a vector pass about a twentieth of [`scan`]'s cost, and the
/// ends' white space; `false` only means "scan it".
fn surely_clean(t: &str) -> bool {
    crate::text::glance::<false>(t.as_bytes()).is_some_and(|digits| digits < 11)
        && !crate::text::has_space_at_ends(t)
}

fn scan(t: &str) -> Scan {
    let mut control = false;
    let mut stray = t.starts_with(char::is_whitespace) || t.ends_with(char::is_whitespace);
    let (mut digit_run, mut digit_stretch, mut run, mut stretch) = (0, 0, 0, 0);
    let b = t.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match BYTE_CLASS[usize::from(c)] {
            PLAIN => {
                run = 0;
                stretch = 0;
            }
            DIGIT => {
                run += 1;
                stretch += 1;
                digit_run = digit_run.max(run);
                digit_stretch = digit_stretch.max(stretch);
            }
            SPACE => {
                run = 0;
                stray |= b.get(i + 1) == Some(&b' ');
            }
            SIGN => run = 0,
            _ => {
                run = 0;
                stretch = 0;
                control |= control_at(b, i);
                stray |= odd_space_at(b, i);
            }
        }
    }
    Scan {
        digit_run,
        digit_stretch,
        stray_whitespace: stray,
        control,
    }
}

/// Whether the UTF-8 character starting at byte `i` is a control character GK606 reports:
/// C0 controls but line breaks and tabs, DEL, C1 (U+0080–U+009F), the bidirectional
/// overrides U+202A–U+202E and U+2066–U+2069.
#[inline]
fn control_at(b: &[u8], i: usize) -> bool {
    match b.get(i).copied().unwrap_or(0x20) {
        b'\n' | b'\r' | b'\t' => false,
        0x00..=0x1F | 0x7F => true,
        0xC2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
        0xE2 => match (b.get(i + 1), b.get(i + 2)) {
            (Some(0x80), Some(n)) => (0xAA..=0xAE).contains(n),
            (Some(0x81), Some(n)) => (0xA6..=0xA9).contains(n),
            _ => false,
        },
        _ => false,
    }
}

/// Whether the character at byte `i` is whitespace other than a single space that GK602
/// reports wherever it stands: a tab, U+00A0, the ideographic space U+3000.
#[inline]
fn odd_space_at(b: &[u8], i: usize) -> bool {
    match b.get(i).copied().unwrap_or(0x20) {
        b'\t' => true,
        0xC2 => b.get(i + 1) == Some(&0xA0),
        0xE3 => b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80),
        _ => false,
    }
}

/// The text with stray whitespace removed (what `--fix` writes).
pub fn fix_whitespace(t: &str) -> String {
    crate::read::clean::normalise_space(t)
}

/// 18-digit citizen ID numbers with a valid check digit and a birth date between 1900 and
/// `this_year` (the run's year, not the clock's: see [`super::Context`]).
pub fn id_numbers(t: &str, this_year: u16) -> Vec<String> {
    if scan(t).digit_run < 17 {
        return Vec::new();
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let chars: Vec<char> = t.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 18 <= chars.len() {
        let w = &chars[i..i + 18];
        let before_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let after_digit = chars.get(i + 18).is_some_and(|c| c.is_ascii_digit());
        let digits_ok = w[..17].iter().all(|c| c.is_ascii_digit())
            && (w[17].is_ascii_digit() || w[17] == 'X' || w[17] == 'x');
        if digits_ok && !before_digit && !after_digit {
            let sum: u32 = w[..17]
                .iter()
                .zip(W)
                .map(|(c, wt)| c.to_digit(10).unwrap_or(0) * wt)
                .sum();
            let check_ok = CHECK[(sum % 11) as usize] == w[17].to_ascii_uppercase();
            let num = |a: usize, b: usize| {
                w[a..b]
                    .iter()
                    .collect::<String>()
                    .parse::<u32>()
                    .unwrap_or(0)
            };
            let (y, m, d) = (num(6, 10), num(10, 12), num(12, 14));
            if check_ok && plausible_birth(y, m, d, this_year) {
                out.push(w.iter().collect());
                i += 18;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A real calendar date between 1900 and the run's year.
fn plausible_birth(y: u32, m: u32, d: u32, this_year: u16) -> bool {
    let (Ok(year), Ok(month)) = (u16::try_from(y), u8::try_from(m)) else {
        return false;
    };
    (1900..=this_year.max(1900)).contains(&year)
        && d >= 1
        && d <= u32::from(crate::date::days_in_month(year, month))
}

/// Mainland mobile numbers: 11 digits starting 13–19, not part of a longer number, also
/// written with +86 in front, or grouped 3-4-4 with spaces or hyphens.
pub fn mobile_numbers(t: &str) -> Vec<String> {
    if scan(t).digit_stretch < 11 {
        return Vec::new();
    }
    // Drop the separators inside digit groups and a +86 country code, so the scan below sees
    // the bare number.
    let src: Vec<char> = t.chars().collect();
    let mut squeezed = String::with_capacity(t.len());
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        let between_digits = i > 0
            && src[i - 1].is_ascii_digit()
            && src.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if (c == ' ' || c == '-')
            && between_digits
            && src[i.saturating_sub(4)..i]
                .iter()
                .filter(|x| x.is_ascii_digit())
                .count()
                >= 3
        {
            i += 1;
            continue;
        }
        if c == '+' && src.get(i + 1) == Some(&'8') && src.get(i + 2) == Some(&'6') {
            i += 3;
            while src.get(i).is_some_and(|x| *x == ' ' || *x == '-') {
                i += 1;
            }
            continue;
        }
        squeezed.push(c);
        i += 1;
    }
    let chars: Vec<char> = squeezed.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 11 <= chars.len() {
        let w = &chars[i..i + 11];
        let digit_before = i > 0 && chars[i - 1].is_ascii_digit();
        let digit_after = chars.get(i + 11).is_some_and(|c| c.is_ascii_digit());
        let standalone = !digit_before && !digit_after;
        let ok = w.iter().all(|c| c.is_ascii_digit()) && w[0] == '1' && ('3'..='9').contains(&w[1]);
        if ok && standalone {
            out.push(w.iter().collect());
            i += 11;
        } else {
            i += 1;
        }
    }
    out
}

/// Full-width digits inside what looks like a 文号 (between 〔 and 号, or before 号).
pub fn full_width_digits(t: &str) -> bool {
    // ０–９ are U+FF10–FF19: EF BC 90–99 in UTF-8.
    // memchr finds the lead byte (a 公开依据 has a few, in its （）) instead of looking at
    // every window of three bytes.
    let b = t.as_bytes();
    let full_width = memchr::memchr_iter(0xEF, b).any(|i| {
        b.get(i + 1) == Some(&0xBC) && b.get(i + 2).is_some_and(|c| (0x90..=0x99).contains(c))
    });
    full_width && (t.contains('号') || t.contains('〔'))
}

/// Replace full-width digits and ASCII-range letters by ordinary ones.
pub fn fix_full_width(t: &str) -> String {
    t.chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

/// A one-line preview of a cell's text for a hint.
fn preview(s: &str) -> String {
    let one_line = s.replace('\n', " ");
    let mut p: String = one_line.chars().take(40).collect();
    if one_line.chars().count() > 40 {
        p.push('…');
    }
    p
}

/// GK601 and GK602 on what the table reader saw in a cell as written.
fn check_cells(item: &Item, out: &mut Vec<Diagnostic>) {
    for n in &item.notes {
        let d = match &n.seen {
            Seen::Html { text } => Diagnostic::new(
                &HTML_RESIDUE,
                "单元格中有网页代码（HTML），已按去除代码后的文字读取",
            )
            .hint(format!("把单元格改为纯文字：{}", preview(text))),
            Seen::Whitespace { raw } => Diagnostic::new(
                &STRAY_WHITESPACE,
                "单元格中有多余的空格或空行，已去除后读取",
            )
            .underline(
                &raw.replace('\u{3000}', "□")
                    .replace('\t', "→")
                    .replace('\n', "⏎"),
                "",
            )
            .hint("删除首尾空格、全角空格、连续空格和空行（--fix 可自动修正）"),
            _ => continue,
        };
        let mut d = d.at(Some(&n.loc));
        d.field = n.field;
        out.push(d);
    }
}

/// GK607: a value a workbook cell cannot hold. Counted in characters only when the bytes
/// could exceed the limit (a CJK character is three bytes, so most texts are skipped at once).
fn check_lengths(item: &Item, out: &mut Vec<Diagnostic>) {
    let too_long = |t: &str| t.len() > CELL_LIMIT && t.chars().count() > CELL_LIMIT;
    // Nearly every row: no text reaches the limit in bytes, so none does in characters.
    let mut longest = item.audience_group().map_or(0, str::len);
    for (_, t) in super::item_texts(item) {
        longest = longest.max(t.len());
    }
    // The channel cell is only written out when its parts could reach the limit: a bound on
    // its bytes (each part, its 其他（…） wrapper and a separator) is enough to skip the
    // formatting every row would otherwise pay for.
    let bound: usize = item
        .channels
        .iter()
        .map(|c| match c {
            Channel::Known(_) | Channel::Other(None) => 32,
            Channel::Other(Some(t)) => t.len() + 32,
            Channel::Unknown(s) => s.len() + 32,
        })
        .sum();
    if longest <= CELL_LIMIT && bound <= CELL_LIMIT {
        return;
    }
    let channels = if bound > CELL_LIMIT {
        crate::model::ChannelList(&item.channels).to_string()
    } else {
        String::new()
    };
    let texts = TEXT_FIELDS
        .iter()
        .filter_map(|f| item.text(*f).map(|t| (*f, t)))
        .chain(std::iter::once((Field::Channels, channels.as_str())))
        .chain(item.audience_group().map(|g| (Field::Audience, g)));
    for (field, t) in texts {
        if too_long(t) {
            out.push(
                Diagnostic::new(
                    &VALUE_TOO_LONG,
                    format!(
                        "{}有 {} 个字符，超过工作簿单元格上限 {CELL_LIMIT}",
                        field.label(),
                        t.chars().count()
                    ),
                )
                .on(item, field)
                .hint("精简为公开要素的列举；长文请在门户网站发布后链接"),
            );
        }
    }
}

/// Check an item's text for hygiene and privacy.
pub(super) fn check_item(
    item: &Item,
    ctx: &super::Context,
    glanced: crate::model::Glanced,
    basis: Option<&super::citations::BasisFindings>,
    out: &mut Vec<Diagnostic>,
) {
    if !item.notes.is_empty() {
        check_cells(item, out);
    }
    check_lengths(item, out);
    // Only free text in a channel (其他（…）, an unknown name) can hold a number.
    let free_text = item
        .channels
        .iter()
        .any(|c| !matches!(c, Channel::Known(_) | Channel::Other(None)));
    let channel_text: String = if free_text {
        item.channels
            .iter()
            .map(|c| c.display())
            .collect::<Vec<_>>()
            .join("、")
    } else {
        String::new()
    };
    // Most texts are skipped here, without a call: the reader's glance at the cell a text came
    // from cleared it already, or it is empty (a blank 备注, the channels of a row without free
    // text), which holds nothing.
    let mut check = |field: Field, t: &str| {
        if glanced.has(field) {
            debug_assert!(surely_clean(t), "{field:?} glanced clear: {t:?}");
        } else if !t.is_empty() {
            check_text(item, ctx, field, t, out);
        }
    };
    for (field, t) in super::item_texts(item) {
        check(field, t);
    }
    check(Field::Channels, &channel_text);
    if let Some(g) = item.audience_group() {
        check(Field::Audience, g);
    }
    // Read with the basis's other findings, once per distinct text.
    if basis.is_some_and(|b| b.full_width_digits) {
        out.push(
            Diagnostic::new(&FULL_WIDTH_IN_DOCUMENT_NUMBER, "公开依据的文号中有全角数字")
                .on(item, Field::Basis)
                .hint(format!(
                    "改为“{}”（--fix 可自动修正）",
                    fix_full_width(&item.basis)
                )),
        );
    }
}

/// The hygiene rules on one text of an item that the reader did not clear.
fn check_text(item: &Item, ctx: &super::Context, field: Field, t: &str, out: &mut Vec<Diagnostic>) {
    // Nearly every text is cleared by one vector pass, the rest get the exact scan; a
    // long text a province repeats (the 公开依据) is judged once per distinct text.
    let seen = if field.repeats() && t.len() >= crate::memo::WORTH_BYTES {
        *crate::memo::get(&SCANNED, t, |t| {
            if surely_clean(t) {
                Scan::CLEAN
            } else {
                scan(t)
            }
        })
    } else if surely_clean(t) {
        return;
    } else {
        scan(t)
    };
    let ids = if seen.digit_run >= 17 {
        id_numbers(t, ctx.today.year)
    } else {
        Vec::new()
    };
    let mobiles = if seen.digit_stretch >= 11 {
        mobile_numbers(t)
    } else {
        Vec::new()
    };
    for id in ids {
        let masked: String = id
            .chars()
            .enumerate()
            .map(|(i, c)| if (6..14).contains(&i) { '*' } else { c })
            .collect();
        out.push(
            Diagnostic::new(&PERSONAL_ID_NUMBER, format!("含有公民身份号码（{masked}）"))
                .on(item, field)
                .underline(&t.replace(&id, &masked), &masked)
                .hint("删除身份号码：公示名单只写姓名（或隐去部分字符），条例第十五条保护个人隐私"),
        );
    }
    for m in mobiles {
        let masked = format!("{}****{}", &m[..3], &m[7..]);
        out.push(
            Diagnostic::new(&MOBILE_NUMBER, format!("含有手机号码（{masked}）"))
                .on(item, field)
                .underline(&t.replace(&m, &masked), &masked)
                .hint("改为单位办公电话或服务热线"),
        );
    }
    if seen.control {
        out.push(
            Diagnostic::new(
                &CONTROL_CHARACTER,
                format!("{}中有控制字符：{}", field.label(), show_controls(t)),
            )
            .on(item, field)
            .hint("删除这些不可见字符（常见于从其他系统复制的内容）后重新保存"),
        );
    }
    if field == Field::Subject && !seen.stray_whitespace {
        if let Some(split) = split_body_name(t) {
            out.push(
                Diagnostic::new(&STRAY_WHITESPACE, format!("公开主体中“{split}”被空格隔开"))
                    .on(item, field)
                    .underline(t, split)
                    .hint("删除名称中间的空格（如“大沙乡人民政府”）；几个主体之间用顿号“、”隔开"),
            );
        }
    }
    if field != Field::Channels && seen.stray_whitespace {
        out.push(
            Diagnostic::new(
                &STRAY_WHITESPACE,
                format!("{}中有多余的空格", field.label()),
            )
            .on(item, field)
            .underline(&t.replace('\u{3000}', "□").replace('\t', "→"), "")
            .hint("删除首尾空格、全角空格和连续空格（--fix 可自动修正）"),
        );
    }
}

/// A body's name split by a space, as Word's justified text or a wrapped line leaves it:
/// `大沙乡 人民政府`, `城关街道 办事处`. Only a space between a place (…乡, …镇, …县, …区,
/// …市, …街道) and the 人民政府, 政府 or 办事处 that make it a body: a space between two
/// bodies (`乐昌镇人民政府 民政办`) is how some tables list them, and is not reported. Returns
/// the split name as written.
fn split_body_name(t: &str) -> Option<&str> {
    const PLACES: [&str; 6] = ["乡", "镇", "县", "区", "市", "街道"];
    const BODIES: [&str; 3] = ["人民政府", "政府", "办事处"];
    let mut from = 0;
    while let Some(k) = t.get(from..)?.find(' ') {
        let i = from + k;
        from = i + 1;
        let (before, after) = (t.get(..i)?, t.get(i + 1..)?);
        let Some(body) = BODIES.iter().find(|b| after.starts_with(**b)) else {
            continue;
        };
        if !PLACES.iter().any(|p| before.ends_with(p)) {
            continue;
        }
        // The name starts after the last separator before the space.
        let start = before
            .rfind(|c: char| c.is_whitespace() || "、，,；;（(".contains(c))
            .map_or(0, |j| {
                j + before
                    .get(j..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8)
            });
        return t.get(start..i + 1 + body.len());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_and_its_government_split_by_a_space_are_one_name_split() {
        for (t, want) in [
            ("大沙乡 人民政府", Some("大沙乡 人民政府")),
            ("县民政局、城关镇 人民政府", Some("城关镇 人民政府")),
            ("城关街道 办事处", Some("城关街道 办事处")),
            ("某县 政府办公室", Some("某县 政府")),
            ("乐昌镇人民政府 民政办", None),
            ("县民政局 乡镇人民政府", None),
            ("大沙乡人民政府", None),
            ("民政局 人民政府", None),
        ] {
            assert_eq!(split_body_name(t), want, "{t}");
        }
    }

    /// The byte-by-byte reading [`scan`] replaced with a table: both must agree on every text.
    fn scan_by_comparison(t: &str) -> (usize, usize, bool, bool) {
        let mut control = false;
        let mut stray = t.starts_with(char::is_whitespace) || t.ends_with(char::is_whitespace);
        let (mut digit_run, mut digit_stretch, mut run, mut stretch) = (0, 0, 0, 0);
        let b = t.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if c.is_ascii_digit() {
                run += 1;
                stretch += 1;
                digit_run = digit_run.max(run);
                digit_stretch = digit_stretch.max(stretch);
                continue;
            }
            run = 0;
            match c {
                b' ' => stray |= b.get(i + 1) == Some(&b' '),
                b'-' | b'+' => {}
                _ => {
                    stretch = 0;
                    control |= control_at(b, i);
                    stray |= odd_space_at(b, i);
                }
            }
        }
        (digit_run, digit_stretch, stray, control)
    }

    #[test]
    fn the_table_scan_reads_every_text_as_the_byte_comparisons_did() {
        let texts = [
            "",
            "公开依据：《中华人民共和国政府信息公开条例》（国务院令第711号）",
            "联系电话 138-0013-8000，身份证110101199003074514",
            "a  b\tc\u{3000}d\u{a0}e\u{85}f\u{202e}g\u{2067}h\u{2014}i\u{3001}",
            " 前导空格",
            "+86 138 0013 8000\r\n第二行\u{7f}\u{1}",
            "〔2012〕45号——“全文”",
        ];
        for t in texts {
            let s = scan(t);
            assert_eq!(
                (s.digit_run, s.digit_stretch, s.stray_whitespace, s.control),
                scan_by_comparison(t),
                "{t:?}"
            );
        }
    }

    #[test]
    fn id_numbers_need_a_valid_check_digit() {
        assert_eq!(
            id_numbers("身份证110101199003074514。", 2026),
            vec!["110101199003074514"]
        );
        assert!(
            id_numbers("110101199003074515", 2026).is_empty(),
            "wrong check digit"
        );
        assert!(
            id_numbers("1101011990030745141", 2026).is_empty(),
            "part of a longer number"
        );
        assert_eq!(id_numbers("11010519491231002X", 2026).len(), 1);
        assert!(
            id_numbers("110101199002304517", 2026).is_empty(),
            "30 February"
        );
        assert!(
            id_numbers("110101209903074516", 2026).is_empty(),
            "born in 2099"
        );
    }

    #[test]
    fn mobile_numbers_but_not_hotlines_or_landlines() {
        assert_eq!(mobile_numbers("联系人手机13912345678"), vec!["13912345678"]);
        assert!(mobile_numbers("热线12345、0715-6321234").is_empty());
        assert!(mobile_numbers("国务院令第711号，20190515").is_empty());
        assert_eq!(mobile_numbers("+8613912345678"), vec!["13912345678"]);
        assert_eq!(mobile_numbers("手机 139 1234 5678"), vec!["13912345678"]);
        assert_eq!(mobile_numbers("139-1234-5678"), vec!["13912345678"]);
        assert!(
            mobile_numbers("电话0715-6321234").is_empty(),
            "a landline with its area code"
        );
    }

    #[test]
    fn whitespace_and_full_width() {
        assert!(has_stray_whitespace(" 办事指南"));
        assert!(has_stray_whitespace("办事\u{3000}指南"));
        assert!(!has_stray_whitespace("形成或变更之日起 20 个工作日内"));
        assert_eq!(
            fix_full_width("国办发〔２０１９〕５４号"),
            "国办发〔2019〕54号"
        );
        assert!(full_width_digits("（国办发〔２０１９〕５４号）"));
    }

    /// Nothing [`scan`] would report in a text [`surely_clean`] clears.
    fn nothing_to_report(t: &str) -> bool {
        let s = scan(t);
        !s.control && !s.stray_whitespace && s.digit_run < 17 && s.digit_stretch < 11
    }

    #[test]
    fn a_text_the_glance_clears_has_nothing_any_hygiene_rule_reports() {
        // Every char, alone, between CJK text, doubled, and across the glance's 16-byte
        // blocks; then digits up to the number rules' thresholds.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for t in [
                format!("{c}"),
                format!("中{c}{c}文"),
                format!("{}{c}{c}、", "a".repeat(30)),
                format!("{}{c}", "公开".repeat(6)),
            ] {
                assert!(!surely_clean(&t) || nothing_to_report(&t), "{t:?}");
                assert_reader_glance_agrees(&t);
            }
        }
        for n in 0..40 {
            for t in [
                "1".repeat(n),
                format!("手机{}号", "1".repeat(n)),
                format!("{}-{}", "1".repeat(n / 2), "1".repeat(n - n / 2)),
            ] {
                assert!(!surely_clean(&t) || nothing_to_report(&t), "{t:?}");
                // Cleared exactly while too few digits for a mobile number.
                assert_eq!(surely_clean(&t), n < 11, "{t:?}");
                assert_reader_glance_agrees(&t);
            }
        }
    }

    /// The reader's one pass ([`crate::read::clean::plain_glanced`]) says what `is_plain` says,
    /// and clears for these rules (the rules then skip the text) only what they would clear.
    fn assert_reader_glance_agrees(t: &str) {
        let p = crate::read::clean::plain_glanced(t);
        assert_eq!(p.plain, crate::read::clean::is_plain(t), "{t:?}");
        assert!(!p.clear || surely_clean(t), "{t:?}");
        // A text cleared holds no placeholder's brace (the placeholder rule relies on it).
        assert!(!p.clear || !t.contains('{'), "{t:?}");
    }

    proptest::proptest! {
        #[test]
        fn a_mixed_text_the_glance_clears_has_nothing_to_report(
            t in "[ a1中、《{}+\u{3000}\u{a0}\u{2002}\u{202e}\u{2067}\u{85}\u{1680}\u{1000}\u{10000}\t\r\n\u{1}\u{7f}-]{0,80}"
        ) {
            proptest::prop_assert!(!surely_clean(&t) || nothing_to_report(&t));
            assert_reader_glance_agrees(&t);
        }

        #[test]
        fn the_one_pass_scan_agrees_with_the_plain_definitions(
            t in "[ 0-9a中\u{3000}\u{a0}\t+-]{0,30}"
        ) {
            let stray = t != t.trim()
                || t.contains('\u{3000}')
                || t.contains('\t')
                || t.contains("  ")
                || t.contains('\u{a0}');
            proptest::prop_assert_eq!(has_stray_whitespace(&t), stray);
            let longest = t
                .split(|c: char| !c.is_ascii_digit())
                .map(str::len)
                .max()
                .unwrap_or(0);
            proptest::prop_assert_eq!(scan(&t).digit_run, longest);
            let stretch = t
                .split(|c: char| !(c.is_ascii_digit() || " -+".contains(c)))
                .map(|s| s.bytes().filter(u8::is_ascii_digit).count())
                .max()
                .unwrap_or(0);
            proptest::prop_assert_eq!(scan(&t).digit_stretch, stretch);
        }
    }
}
