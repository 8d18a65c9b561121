//! Excel number formats, rendered as Excel shows the cell. calamine gives a cell's value but
//! not its format, so a `0"个工作日"` cell reads as `20` while the clerk sees `20个工作日`, and
//! a `m"月"d"日"` date reads as `2025-01-31` while the clerk sees `1月31日`. This module turns
//! a format code (custom, or one of the built-in ids Excel and WPS write without the code)
//! and a value into the displayed text. It is pure and total: a format it does not
//! understand (conditions, fractions, scientific notation, `[DBNum]` numerals, codes over
//! 255 characters) gives `None`, and the caller keeps the plain value.

/// Excel's longest format code is 255 characters; anything longer is not a real format.
const MAX_CODE: usize = 255;
/// Excel shows at most 30 decimals.
const MAX_DECIMALS: usize = 30;

/// The format code of a built-in format id, as zh-CN Excel and WPS show it (ids 5–8, 27–36,
/// 41–44 and 50–58 depend on the locale; these are the Chinese ones, which is what a clerk's
/// copy of Excel or WPS uses). Id 14 and 22 are the system's short date: they are left to the
/// caller (gkml writes those as ISO dates, whatever the computer's locale shows).
pub fn builtin(id: u32) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        5 => "\"¥\"#,##0;\"¥\"\\-#,##0",
        6 => "\"¥\"#,##0;[Red]\"¥\"\\-#,##0",
        7 => "\"¥\"#,##0.00;\"¥\"\\-#,##0.00",
        8 => "\"¥\"#,##0.00;[Red]\"¥\"\\-#,##0.00",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "yyyy-mm-dd",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "yyyy-mm-dd h:mm",
        27 | 36 | 50 | 52 | 57 => "yyyy\"年\"m\"月\"",
        28 | 29 | 51 | 53 | 54 | 58 => "m\"月\"d\"日\"",
        30 => "m-d-yy",
        31 => "yyyy\"年\"m\"月\"d\"日\"",
        32 => "h\"时\"mm\"分\"",
        33 => "h\"时\"mm\"分\"ss\"秒\"",
        34 | 55 => "上午/下午h\"时\"mm\"分\"",
        35 | 56 => "上午/下午h\"时\"mm\"分\"ss\"秒\"",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        41 => "_ * #,##0_ ;_ * \\-#,##0_ ;_ * \"-\"_ ;_ @_ ",
        42 => "_ \"¥\"* #,##0_ ;_ \"¥\"* \\-#,##0_ ;_ \"¥\"* \"-\"_ ;_ @_ ",
        43 => "_ * #,##0.00_ ;_ * \\-#,##0.00_ ;_ * \"-\"??_ ;_ @_ ",
        44 => "_ \"¥\"* #,##0.00_ ;_ \"¥\"* \\-#,##0.00_ ;_ \"¥\"* \"-\"??_ ;_ @_ ",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mm:ss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

/// At most this many cell formats (`cellXfs`) and custom codes are kept from a styles part:
/// Excel itself stops at 64,000 cell formats; a hostile file may declare millions.
const MAX_XFS: usize = 65_536;

/// The number format of each cell format (`xf`) of a workbook's `styles.xml`: the `s="N"`
/// of a cell names one. Only formats that show a value differently from General are kept.
#[derive(Debug, Default, Clone)]
pub struct CellFormats {
    /// By xf index: the format code, `None` for General (or an id this module does not know).
    xfs: Vec<Option<std::sync::Arc<str>>>,
    /// By xf index: the symbol font (Wingdings, Wingdings 2, Symbol) the cell's text is drawn
    /// in, when it is one: a cell holding R in Wingdings 2 shows a ticked box, Ö in Symbol a √.
    symbols: Vec<Option<std::sync::Arc<str>>>,
}

impl CellFormats {
    /// Read `numFmts` and `cellXfs` from the text of `styles.xml`. A part that is not XML,
    /// lacks `cellXfs`, or names unknown ids gives formats that are General: the plain value.
    pub fn parse(xml: &str) -> CellFormats {
        use quick_xml::events::Event;
        let mut custom: std::collections::HashMap<u32, std::sync::Arc<str>> =
            std::collections::HashMap::new();
        let mut ids: Vec<Option<u32>> = Vec::new();
        let mut font_ids: Vec<Option<usize>> = Vec::new();
        // The workbook's fonts (not the differential ones of <dxfs>): a symbol font's name.
        let mut fonts: Vec<Option<std::sync::Arc<str>>> = Vec::new();
        let mut r = quick_xml::Reader::from_str(xml);
        let mut in_xfs = false;
        let mut in_fonts = false;
        loop {
            match r.read_event() {
                Ok(Event::Start(e)) if e.local_name().as_ref() == "cellXfs" => in_xfs = true,
                Ok(Event::End(e)) if e.local_name().as_ref() == "cellXfs" => in_xfs = false,
                Ok(Event::Start(e)) if e.local_name().as_ref() == "fonts" => in_fonts = true,
                Ok(Event::End(e)) if e.local_name().as_ref() == "fonts" => in_fonts = false,
                Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                    "font" if in_fonts && fonts.len() < MAX_XFS => fonts.push(None),
                    "name" if in_fonts => {
                        let name = xml_attr(&e, "val").unwrap_or_default();
                        let symbol = ["wingdings", "wingdings 2", "symbol"]
                            .contains(&name.trim().to_ascii_lowercase().as_str());
                        if let (true, Some(last)) = (symbol, fonts.last_mut()) {
                            *last = Some(name.trim().into());
                        }
                    }
                    "numFmt" if custom.len() < MAX_XFS => {
                        let id = xml_attr(&e, "numFmtId").and_then(|v| v.parse::<u32>().ok());
                        let code = xml_attr(&e, "formatCode");
                        if let (Some(id), Some(code)) = (id, code) {
                            if code.chars().count() <= MAX_CODE {
                                custom.insert(id, code.into());
                            }
                        }
                    }
                    "xf" if in_xfs && ids.len() < MAX_XFS => {
                        ids.push(xml_attr(&e, "numFmtId").and_then(|v| v.parse::<u32>().ok()));
                        font_ids.push(xml_attr(&e, "fontId").and_then(|v| v.parse().ok()));
                    }
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        let xfs = ids
            .into_iter()
            .map(|id| {
                let id = id?;
                let code = custom
                    .get(&id)
                    .cloned()
                    .or_else(|| builtin(id).map(std::sync::Arc::from))?;
                (!is_general(&code)).then_some(code)
            })
            .collect();
        let symbols = font_ids
            .into_iter()
            .map(|id| fonts.get(id?).cloned().flatten())
            .collect();
        CellFormats { xfs, symbols }
    }

    /// The symbol font (Wingdings, Wingdings 2, Symbol) of cell format `s`, if its font is one.
    pub fn symbol_font(&self, s: u32) -> Option<&str> {
        self.symbols.get(s as usize)?.as_deref()
    }

    /// The format code of cell format `s`, when it is not General.
    pub fn code(&self, s: u32) -> Option<&str> {
        self.xfs.get(s as usize)?.as_deref()
    }

    /// Whether any cell format shows values differently from General.
    pub fn is_empty(&self) -> bool {
        self.xfs.iter().all(Option::is_none) && self.symbols.iter().all(Option::is_none)
    }
}

/// An attribute's unescaped value by its local name.
fn xml_attr(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

/// One piece of a format section.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// Text shown as written: quoted, escaped, or a character that stands for itself.
    Lit(String),
    /// A digit placeholder: `0`, `#` or `?`.
    Digit(u8),
    /// The decimal point.
    Point,
    /// A comma among the digits (grouping, or scaling when it ends the number).
    Comma,
    Percent,
    /// `@`: the cell's text.
    At,
    /// `General` inside a section (`General"天"`).
    General,
    /// A date or time part: the letter (y m d h s, `M` for minutes) and its length.
    Date(char, usize),
    /// `[h]`, `[m]`, `[s]`: elapsed time.
    Elapsed(char, usize),
    /// `AM/PM`, `A/P`, `上午/下午`: the two markers.
    AmPm(&'static str, &'static str),
    /// Fractions of a second after `s.`: how many digits.
    SubSecond(usize),
    /// `aaa` / `aaaa`: the Chinese weekday (五 / 星期五).
    Weekday(usize),
}

/// A parsed section of a format code.
#[derive(Debug, Clone, Default)]
struct Section {
    tokens: Vec<Token>,
    is_date: bool,
}

/// Split a code into sections at `;` outside quotes, escapes and brackets, and parse each.
/// `None` when the code holds something this module does not render.
fn sections(code: &str) -> Option<Vec<Section>> {
    if code.chars().count() > MAX_CODE {
        return None;
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = code.chars();
    let (mut quoted, mut bracket) = (false, false);
    while let Some(c) = chars.next() {
        match c {
            '"' if !bracket => quoted = !quoted,
            '\\' | '_' | '*' if !quoted && !bracket => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                continue;
            }
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            ';' if !quoted && !bracket => {
                out.push(parse_section(&cur)?);
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(parse_section(&cur)?);
    if out.len() > 4 {
        return None;
    }
    Some(out)
}

/// Parse one section into tokens.
fn parse_section(s: &str) -> Option<Section> {
    let chars: Vec<char> = s.chars().collect();
    let mut tokens: Vec<Token> = Vec::new();
    let mut i = 0;
    let lit = |tokens: &mut Vec<Token>, t: &str| match tokens.last_mut() {
        Some(Token::Lit(prev)) => prev.push_str(t),
        _ => tokens.push(Token::Lit(t.to_string())),
    };
    let at = |i: usize| chars.get(i).copied();
    let starts = |i: usize, word: &str| {
        let w: Vec<char> = word.chars().collect();
        chars
            .get(i..i + w.len())
            .is_some_and(|s| s.iter().zip(&w).all(|(a, b)| a.eq_ignore_ascii_case(b)))
    };
    while let Some(c) = at(i) {
        match c {
            '"' => {
                let end = chars[i + 1..].iter().position(|&q| q == '"')?;
                let text: String = chars[i + 1..i + 1 + end].iter().collect();
                lit(&mut tokens, &text);
                i += end + 2;
                continue;
            }
            '\\' => {
                if let Some(n) = at(i + 1) {
                    lit(&mut tokens, &n.to_string());
                }
                i += 2;
                continue;
            }
            // `_x` leaves the width of x (a space is close enough); `*x` fills the cell.
            '_' => {
                lit(&mut tokens, " ");
                i += 2;
                continue;
            }
            '*' => {
                i += 2;
                continue;
            }
            '[' => {
                let end = chars[i..].iter().position(|&q| q == ']')?;
                let inner: String = chars[i + 1..i + end].iter().collect();
                i += end + 1;
                let lower = inner.to_ascii_lowercase();
                if let Some(cur) = inner.strip_prefix('$') {
                    // `[$¥-804]` shows ¥; `[$-804]` only names the locale.
                    let sym = cur.split('-').next().unwrap_or_default();
                    if !sym.is_empty() {
                        lit(&mut tokens, sym);
                    }
                } else if !lower.is_empty()
                    && lower.chars().all(|c| matches!(c, 'h' | 'm' | 's'))
                    && lower.chars().all(|c| lower.starts_with(c))
                {
                    let letter = lower.chars().next().unwrap_or('h');
                    tokens.push(Token::Elapsed(letter, lower.len()));
                } else if is_color(&lower) {
                } else {
                    // Conditions ([>=100]), [DBNum1] numerals and anything unknown.
                    return None;
                }
                continue;
            }
            '0' | '#' | '?' => tokens.push(Token::Digit(c as u8)),
            '.' => tokens.push(Token::Point),
            ',' => tokens.push(Token::Comma),
            '%' => tokens.push(Token::Percent),
            '@' => tokens.push(Token::At),
            'E' | 'e' if matches!(at(i + 1), Some('+' | '-')) => return None,
            _ if starts(i, "general") => {
                tokens.push(Token::General);
                i += 7;
                continue;
            }
            _ if starts(i, "am/pm") => {
                let upper = c == 'A';
                tokens.push(if upper {
                    Token::AmPm("AM", "PM")
                } else {
                    Token::AmPm("am", "pm")
                });
                i += 5;
                continue;
            }
            _ if starts(i, "a/p") => {
                tokens.push(if c == 'A' {
                    Token::AmPm("A", "P")
                } else {
                    Token::AmPm("a", "p")
                });
                i += 3;
                continue;
            }
            _ if starts(i, "上午/下午") => {
                tokens.push(Token::AmPm("上午", "下午"));
                i += 5;
                continue;
            }
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' | 'e' | 'a' => {
                let lower = c.to_ascii_lowercase();
                let n = chars[i..]
                    .iter()
                    .take_while(|x| x.to_ascii_lowercase() == lower)
                    .count();
                i += n;
                match lower {
                    'a' if n >= 3 => tokens.push(Token::Weekday(n)),
                    'a' => lit(&mut tokens, &"a".repeat(n)),
                    'e' => tokens.push(Token::Date('y', 4)),
                    _ => tokens.push(Token::Date(lower, n)),
                }
                continue;
            }
            // Buddhist years, era names, fractions: not rendered.
            'b' | 'B' | 'g' | 'G' | '/' if !tokens.iter().any(is_date_token) && has_digits(s) => {
                return None
            }
            _ => lit(&mut tokens, &c.to_string()),
        }
        i += 1;
    }
    let is_date = tokens.iter().any(is_date_token);
    if is_date {
        date_tokens(&mut tokens)?;
    }
    Some(Section { tokens, is_date })
}

fn has_digits(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '0' | '#' | '?'))
}

fn is_color(lower: &str) -> bool {
    matches!(
        lower,
        "black" | "blue" | "cyan" | "green" | "magenta" | "red" | "white" | "yellow"
    ) || lower
        .strip_prefix("color")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn is_date_token(t: &Token) -> bool {
    matches!(
        t,
        Token::Date(..) | Token::Elapsed(..) | Token::AmPm(..) | Token::Weekday(_)
    )
}

/// In a date section: `m` after an hour or before a second is minutes (`M`); `.0` after
/// seconds is a fraction of a second; any other digit placeholder makes it unrenderable.
fn date_tokens(tokens: &mut [Token]) -> Option<()> {
    let parts: Vec<usize> = (0..tokens.len())
        .filter(|&k| matches!(tokens.get(k), Some(Token::Date(..) | Token::Elapsed(..))))
        .collect();
    for (p, &k) in parts.iter().enumerate() {
        let Some(Token::Date('m', n)) = tokens.get(k).cloned() else {
            continue;
        };
        if n > 2 {
            continue;
        }
        let prev = p
            .checked_sub(1)
            .and_then(|q| parts.get(q))
            .and_then(|&q| tokens.get(q));
        let next = parts.get(p + 1).and_then(|&q| tokens.get(q));
        let after_hour = matches!(prev, Some(Token::Date('h', _) | Token::Elapsed('h', _)));
        let before_second = matches!(next, Some(Token::Date('s', _) | Token::Elapsed('s', _)));
        if after_hour || before_second {
            if let Some(t) = tokens.get_mut(k) {
                *t = Token::Date('M', n);
            }
        }
    }
    let mut k = 0;
    while k < tokens.len() {
        if tokens.get(k) == Some(&Token::Point) {
            let zeros = tokens[k + 1..]
                .iter()
                .take_while(|t| **t == Token::Digit(b'0'))
                .count();
            if zeros > 0 {
                tokens[k] = Token::SubSecond(zeros.min(3));
                for t in &mut tokens[k + 1..k + 1 + zeros] {
                    *t = Token::Lit(String::new());
                }
            } else {
                tokens[k] = Token::Lit(".".into());
            }
        }
        k += 1;
    }
    if tokens.iter().any(|t| {
        matches!(
            t,
            Token::Digit(_) | Token::Comma | Token::Percent | Token::At | Token::General
        )
    }) {
        return None;
    }
    Some(())
}

/// Whether a format code shows numbers as dates or times (its first section does).
pub fn is_date(code: &str) -> bool {
    sections(code)
        .and_then(|s| s.first().map(|s| s.is_date))
        .unwrap_or(false)
}

/// Whether a format shows a number exactly as General would: gkml's plain rendering is
/// kept for those (General itself, `@`, and codes that are only `General`).
pub fn is_general(code: &str) -> bool {
    let t = code.trim();
    t.is_empty() || t.eq_ignore_ascii_case("general") || t == "@"
}

/// A number as General shows it, as gkml always read it: whole numbers without ".0".
pub fn general(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Excel's system long date and time (`[$-F800]…`, `[$-F400]…`) show as the computer's
/// settings say, whatever pattern follows the tag; gkml's clerks use zh-CN ones.
fn system(code: &str) -> &str {
    let upper = code.to_ascii_uppercase();
    if upper.contains("[$-F800]") {
        "yyyy\"年\"m\"月\"d\"日\""
    } else if upper.contains("[$-F400]") {
        "h:mm:ss"
    } else {
        code
    }
}

/// Render a number under a format code; `date1904` when the workbook counts days from 1904.
/// `None` when the format is not one this module renders (the caller shows the plain value).
pub fn render_number(code: &str, v: f64, date1904: bool) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    let secs = sections(system(code))?;
    let first = secs.first()?;
    // Sections: positive; negative; zero; text. A negative value in its own section is
    // shown without its sign (the section writes one if it wants it).
    let (sec, signed) = match secs.len() {
        1 => (first, true),
        2 if v < 0.0 => (secs.get(1)?, false),
        _ if v < 0.0 => (secs.get(1)?, false),
        n if n >= 3 && v == 0.0 => (secs.get(2)?, true),
        _ => (first, true),
    };
    let out = if sec.is_date {
        render_date(&sec.tokens, v, date1904)?
    } else {
        render_digits(&sec.tokens, v, signed)?
    };
    Some(out.trim().to_string())
}

/// Render text under a format code: its text section (the fourth, or a single section with
/// `@`). `None` when the format shows text as it is.
pub fn render_text(code: &str, s: &str) -> Option<String> {
    let secs = sections(code)?;
    let sec = match secs.len() {
        4 => secs.get(3)?,
        1 if secs.first()?.tokens.contains(&Token::At) => secs.first()?,
        _ => return None,
    };
    if sec.is_date {
        return None;
    }
    let mut out = String::new();
    for t in &sec.tokens {
        match t {
            Token::Lit(l) => out.push_str(l),
            Token::At => out.push_str(s),
            _ => {}
        }
    }
    let out = out.trim().to_string();
    (out != s).then_some(out)
}

/// Digits of |v| to 15 significant figures (as Excel keeps them), as (digits, exponent):
/// 1234.5 → ("123450000000000", 3), the first digit being 10^exponent.
fn sig_digits(v: f64) -> (Vec<u8>, i32) {
    let s = format!("{:.14e}", v.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

/// |v| rounded half away from zero to `dec` decimals, as (integer digits, decimal digits);
/// the integer digits are empty for a value below 1.
fn fixed(v: f64, dec: usize) -> (String, String) {
    let (digits, exp) = sig_digits(v);
    if v == 0.0 {
        return (String::new(), "0".repeat(dec));
    }
    // Place the digits: position p of `all` is 10^(top - p).
    let top = exp.max(0);
    let lead = (top - exp).max(0) as usize;
    let mut all: Vec<u8> = std::iter::repeat_n(b'0', lead).collect();
    all.extend(&digits);
    let int_len = (top + 1) as usize;
    let keep = int_len + dec;
    if all.len() < keep {
        all.resize(keep, b'0');
    }
    let round_up = all.get(keep).is_some_and(|d| *d >= b'5');
    all.truncate(keep);
    let mut carry = round_up;
    for d in all.iter_mut().rev() {
        if !carry {
            break;
        }
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            carry = false;
        }
    }
    if carry {
        all.insert(0, b'1');
    }
    let split = all.len() - dec;
    let int: String = String::from_utf8_lossy(&all[..split])
        .trim_start_matches('0')
        .to_string();
    let frac = String::from_utf8_lossy(&all[split..]).to_string();
    (int, frac)
}

/// Render a number section: digit placeholders, grouping, scaling commas, percent, literals.
fn render_digits(tokens: &[Token], v: f64, signed: bool) -> Option<String> {
    let point = tokens.iter().position(|t| *t == Token::Point);
    let digit_at: Vec<usize> = (0..tokens.len())
        .filter(|&k| matches!(tokens.get(k), Some(Token::Digit(_))))
        .collect();
    let percents = tokens.iter().filter(|t| **t == Token::Percent).count();
    let mut scaled = v;
    for _ in 0..percents.min(4) {
        scaled *= 100.0;
    }
    // A comma right after the last integer placeholder (or before the point) divides by
    // 1,000; one between placeholders groups thousands.
    let int_end = point.unwrap_or(tokens.len());
    let last_int_digit = digit_at.iter().copied().filter(|&k| k < int_end).max();
    let first_digit = digit_at.first().copied();
    let mut grouping = false;
    let mut scale_commas = 0;
    for (k, t) in tokens.iter().enumerate() {
        if *t != Token::Comma {
            continue;
        }
        match (first_digit, last_int_digit) {
            (Some(f), Some(l)) if k > f && k < l => grouping = true,
            (Some(_), Some(l)) if k > l && k < int_end => scale_commas += 1,
            _ => {}
        }
    }
    for _ in 0..scale_commas.min(5) {
        scaled /= 1000.0;
    }
    if digit_at.is_empty() {
        // Only literals (a zero section like `"-"`), or General among literals.
        let mut out = String::new();
        if signed && v < 0.0 && tokens.contains(&Token::General) {
            out.push('-');
        }
        for t in tokens {
            match t {
                Token::Lit(l) => out.push_str(l),
                Token::Percent => out.push('%'),
                Token::General => out.push_str(&general(scaled.abs())),
                _ => {}
            }
        }
        return Some(out);
    }
    let dec_places: Vec<u8> = tokens
        .iter()
        .skip(point.map_or(tokens.len(), |p| p + 1))
        .filter_map(|t| match t {
            Token::Digit(d) => Some(*d),
            _ => None,
        })
        .collect();
    if dec_places.len() > MAX_DECIMALS {
        return None;
    }
    let (int, frac) = fixed(scaled, dec_places.len());
    let negative =
        signed && v < 0.0 && (int.bytes().any(|b| b != b'0') || frac.bytes().any(|b| b != b'0'));
    // Integer placeholders take digits from the right; the leftmost takes the rest.
    let int_slots: Vec<usize> = digit_at.iter().copied().filter(|&k| k < int_end).collect();
    let mut int_digits: Vec<char> = int.chars().collect();
    let mut filled: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
    for (n, &k) in int_slots.iter().enumerate().rev() {
        let leftmost = n == 0;
        let text = if leftmost {
            let rest: String = int_digits.drain(..).collect();
            if rest.is_empty() {
                placeholder(tokens.get(k))
            } else {
                rest
            }
        } else {
            match int_digits.pop() {
                Some(d) => d.to_string(),
                None => placeholder(tokens.get(k)),
            }
        };
        filled.insert(k, text);
    }
    // Decimal placeholders: trailing zeros are dropped for `#` and blanked for `?`.
    let frac_digits: Vec<char> = frac.chars().collect();
    let mut frac_text: Vec<String> = frac_digits.iter().map(char::to_string).collect();
    for (n, d) in dec_places.iter().enumerate().rev() {
        if frac_digits.get(n) != Some(&'0') {
            break;
        }
        if let Some(slot) = frac_text.get_mut(n) {
            match d {
                b'#' => slot.clear(),
                b'?' => *slot = " ".into(),
                _ => break,
            }
        }
    }
    let dec_slots: Vec<usize> = digit_at.iter().copied().filter(|&k| k > int_end).collect();
    for (n, &k) in dec_slots.iter().enumerate() {
        filled.insert(k, frac_text.get(n).cloned().unwrap_or_default());
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    // With grouping, the integer placeholders are written as one run with commas.
    let mut int_written = false;
    for (k, t) in tokens.iter().enumerate() {
        match t {
            Token::Digit(_) if k < int_end && grouping && !int_written => {
                let run: String = int_slots
                    .iter()
                    .filter_map(|s| filled.get(s))
                    .cloned()
                    .collect();
                out.push_str(&group(&run));
                int_written = true;
            }
            Token::Digit(_) if k < int_end && grouping => {}
            Token::Digit(_) => out.push_str(filled.get(&k).map_or("", String::as_str)),
            Token::Point => out.push('.'),
            Token::Comma => {}
            Token::Percent => out.push('%'),
            Token::Lit(l) => out.push_str(l),
            Token::General => out.push_str(&general(scaled.abs())),
            _ => {}
        }
    }
    Some(out)
}

/// What an integer placeholder shows when it has no digit: `0` a zero, `?` a space.
fn placeholder(t: Option<&Token>) -> String {
    match t {
        Some(Token::Digit(b'0')) => "0".into(),
        Some(Token::Digit(b'?')) => " ".into(),
        _ => String::new(),
    }
}

/// Thousands separators in a run of integer digits (spaces from `?` kept in front).
fn group(run: &str) -> String {
    let digits: Vec<char> = run.chars().filter(char::is_ascii_digit).collect();
    let pad: String = run.chars().filter(|c| !c.is_ascii_digit()).collect();
    let mut out = String::new();
    for (n, d) in digits.iter().enumerate() {
        if n > 0 && (digits.len() - n).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*d);
    }
    pad + &out
}

/// A serial day number's calendar date: (year, month, day, weekday 0 = Sunday), or `None`
/// outside what Excel shows (before its epoch or after 9999-12-31).
fn civil(day: i64, date1904: bool) -> Option<(i64, u32, u32, u32)> {
    // Excel's 1900 system counts 1900-02-29, which never existed (Lotus's bug): serial 60.
    let days_from_1970 = if date1904 {
        // 1904-01-01 is day 0, 24,107 days before 1970-01-01.
        day - 24_107
    } else if day == 60 {
        return Some((1900, 2, 29, 3));
    } else if day < 60 {
        if day < 1 {
            return None;
        }
        day - 25_568
    } else {
        day - 25_569
    };
    if !(-25_568..=2_932_896).contains(&days_from_1970) {
        return None;
    }
    // Howard Hinnant's days → civil.
    let z = days_from_1970 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    let weekday = (days_from_1970 + 4).rem_euclid(7) as u32;
    Some((y, m, d, weekday))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const CN_DAYS: [&str; 7] = ["日", "一", "二", "三", "四", "五", "六"];

/// Render a date/time section.
fn render_date(tokens: &[Token], v: f64, date1904: bool) -> Option<String> {
    if !(0.0..=2_958_466.0).contains(&v) {
        return None;
    }
    // Round to the precision shown, as Excel does (59.6 seconds under `ss` shows 00 of the
    // next minute).
    let sub = tokens
        .iter()
        .find_map(|t| match t {
            Token::SubSecond(n) => Some(*n),
            _ => None,
        })
        .unwrap_or(0);
    let per_sec = 10i64.pow(sub as u32);
    let units = (v * 86_400.0 * per_sec as f64).round() as i64;
    let per_day = 86_400 * per_sec;
    let day = units.div_euclid(per_day);
    let in_day = units.rem_euclid(per_day);
    let secs_total = in_day / per_sec;
    let (h, mi, s) = (secs_total / 3_600, secs_total / 60 % 60, secs_total % 60);
    let frac = in_day % per_sec;
    let has_date = tokens
        .iter()
        .any(|t| matches!(t, Token::Date('y' | 'm' | 'd', _) | Token::Weekday(_)));
    let (y, mo, d, wd) = if has_date {
        civil(day, date1904)?
    } else {
        (1900, 1, 0, 0)
    };
    let twelve = tokens.iter().any(|t| matches!(t, Token::AmPm(..)));
    let mut out = String::new();
    for t in tokens {
        match t {
            Token::Lit(l) => out.push_str(l),
            Token::Date('y', n) if *n <= 2 => out.push_str(&format!("{:02}", y.rem_euclid(100))),
            Token::Date('y', _) => out.push_str(&format!("{y:04}")),
            Token::Date('m', 1) => out.push_str(&mo.to_string()),
            Token::Date('m', 2) => out.push_str(&format!("{mo:02}")),
            Token::Date('m', n) => {
                let name = MONTHS.get(mo as usize - 1).copied().unwrap_or_default();
                match n {
                    3 => out.push_str(name.get(..3).unwrap_or(name)),
                    5 => out.push_str(name.get(..1).unwrap_or(name)),
                    _ => out.push_str(name),
                }
            }
            Token::Date('d', 1) => out.push_str(&d.to_string()),
            Token::Date('d', 2) => out.push_str(&format!("{d:02}")),
            Token::Date('d', n) => {
                let name = DAYS.get(wd as usize).copied().unwrap_or_default();
                out.push_str(if *n == 3 {
                    name.get(..3).unwrap_or(name)
                } else {
                    name
                });
            }
            Token::Weekday(n) => {
                if *n >= 4 {
                    out.push_str("星期");
                }
                out.push_str(CN_DAYS.get(wd as usize).copied().unwrap_or_default());
            }
            Token::Date('h', n) => {
                let hh = if twelve {
                    match h % 12 {
                        0 => 12,
                        x => x,
                    }
                } else {
                    h
                };
                out.push_str(&pad(hh, *n));
            }
            Token::Date('M', n) => out.push_str(&pad(mi, *n)),
            Token::Date('s', n) => out.push_str(&pad(s, *n)),
            Token::Elapsed(c, n) => {
                let whole = units.div_euclid(per_sec);
                let value = match c {
                    'h' => whole / 3_600,
                    'm' => whole / 60,
                    _ => whole,
                };
                out.push_str(&pad(value, *n));
            }
            Token::SubSecond(n) => {
                out.push('.');
                out.push_str(&format!("{frac:0n$}"));
            }
            Token::AmPm(am, pm) => out.push_str(if h < 12 { am } else { pm }),
            _ => {}
        }
    }
    Some(out)
}

fn pad(v: i64, n: usize) -> String {
    if n >= 2 {
        format!("{v:02}")
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(code: &str, v: f64) -> Option<String> {
        render_number(code, v, false)
    }

    #[test]
    fn literal_suffixes_and_prefixes_show_as_in_excel() {
        assert_eq!(n("0\"个工作日\"", 20.0).as_deref(), Some("20个工作日"));
        assert_eq!(n("#\"天\"", 7.0).as_deref(), Some("7天"));
        assert_eq!(n("\"第\"0\"项\"", 3.0).as_deref(), Some("第3项"));
        assert_eq!(n("0\\天", 5.0).as_deref(), Some("5天"));
        assert_eq!(n("0天", 5.0).as_deref(), Some("5天"));
        assert_eq!(n("General\"日\"", 15.0).as_deref(), Some("15日"));
        assert_eq!(n("0\"个工作日\"", -2.0).as_deref(), Some("-2个工作日"));
    }

    #[test]
    fn dates_follow_their_own_pattern() {
        // 45688 is 2025-01-31, a Friday.
        assert_eq!(n("m\"月\"d\"日\"", 45688.0).as_deref(), Some("1月31日"));
        assert_eq!(
            n("yyyy\"年\"m\"月\"d\"日\"", 45688.0).as_deref(),
            Some("2025年1月31日")
        );
        assert_eq!(n("yyyy年m月d日", 45688.0).as_deref(), Some("2025年1月31日"));
        assert_eq!(n("m/d/yyyy", 45688.0).as_deref(), Some("1/31/2025"));
        assert_eq!(n("yyyy/mm/dd", 45688.0).as_deref(), Some("2025/01/31"));
        assert_eq!(n("d-mmm-yy", 45688.0).as_deref(), Some("31-Jan-25"));
        assert_eq!(
            n("yyyy-m-d aaaa", 45688.0).as_deref(),
            Some("2025-1-31 星期五")
        );
        assert_eq!(n("dddd", 45688.0).as_deref(), Some("Friday"));
        assert_eq!(
            n("[$-804]yyyy\"年\"m\"月\"", 45688.0).as_deref(),
            Some("2025年1月")
        );
        assert_eq!(
            render_number("yyyy-mm-dd", 44226.0, true).as_deref(),
            Some("2025-01-31")
        );
        assert_eq!(n("yyyy-mm-dd", 60.0).as_deref(), Some("1900-02-29"));
        assert_eq!(n("yyyy-mm-dd", 61.0).as_deref(), Some("1900-03-01"));
        assert_eq!(n("yyyy-mm-dd", 1.0).as_deref(), Some("1900-01-01"));
    }

    #[test]
    fn a_text_section_after_a_date_and_system_dates_follow_zh_cn() {
        assert_eq!(
            n("yyyy\"年\"m\"月\"d\"日\";@", 45688.0).as_deref(),
            Some("2025年1月31日")
        );
        assert!(is_date("yyyy/m/d;@"));
        assert_eq!(
            n("[$-F800]dddd, mmmm dd, yyyy", 45688.0).as_deref(),
            Some("2025年1月31日")
        );
        assert_eq!(n("[$-F400]h:mm:ss AM/PM", 0.5).as_deref(), Some("12:00:00"));
    }

    #[test]
    fn times_minutes_and_twelve_hour_clocks() {
        let t = 45688.0 + (14.0 * 3600.0 + 5.0 * 60.0 + 9.0) / 86400.0;
        assert_eq!(n("h:mm", t).as_deref(), Some("14:05"));
        assert_eq!(n("h:mm:ss AM/PM", t).as_deref(), Some("2:05:09 PM"));
        assert_eq!(
            n("上午/下午h\"时\"mm\"分\"", t).as_deref(),
            Some("下午2时05分")
        );
        assert_eq!(
            n("yyyy-mm-dd hh:mm", t).as_deref(),
            Some("2025-01-31 14:05")
        );
        assert_eq!(n("[h]:mm", 1.5).as_deref(), Some("36:00"));
        assert_eq!(n("mm:ss.0", 61.3 / 86400.0).as_deref(), Some("01:01.3"));
    }

    #[test]
    fn numbers_percentages_and_grouping() {
        assert_eq!(n("0%", 0.5).as_deref(), Some("50%"));
        assert_eq!(n("0.00%", 0.1234).as_deref(), Some("12.34%"));
        assert_eq!(n("#,##0", 1234567.0).as_deref(), Some("1,234,567"));
        assert_eq!(n("#,##0.00", 1234.5).as_deref(), Some("1,234.50"));
        assert_eq!(n("0.00", 2.005).as_deref(), Some("2.01"));
        assert_eq!(n("0", 2.5).as_deref(), Some("3"));
        assert_eq!(n("000", 7.0).as_deref(), Some("007"));
        assert_eq!(n("0.0#", 1.5).as_deref(), Some("1.5"));
        assert_eq!(n("#,##0,\"千\"", 12345.0).as_deref(), Some("12千"));
        assert_eq!(n("0;(0);\"无\"", 0.0).as_deref(), Some("无"));
        assert_eq!(n("0;(0)", -4.0).as_deref(), Some("(4)"));
        assert_eq!(n("[Red]0.0", -1.25).as_deref(), Some("-1.3"));
        assert_eq!(n("\"¥\"#,##0.00", 9.5).as_deref(), Some("¥9.50"));
        assert_eq!(n("[$¥-804]#,##0", 9.0).as_deref(), Some("¥9"));
        assert_eq!(
            n(builtin(43).unwrap_or_default(), 3.0).as_deref(),
            Some("3.00")
        );
    }

    #[test]
    fn text_sections_wrap_the_cell_text() {
        assert_eq!(render_text("@\"天\"", "二十").as_deref(), Some("二十天"));
        assert_eq!(
            render_text("0;0;0;\"注：\"@", "x").as_deref(),
            Some("注：x")
        );
        assert_eq!(render_text("@", "x"), None);
        assert_eq!(render_text("0\"天\"", "x"), None);
    }

    #[test]
    fn what_is_not_rendered_gives_none_not_a_guess() {
        for code in [
            "0.00E+00",
            "# ?/?",
            "[>=100]0;0",
            "[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\"",
            "\"unclosed",
            "[Red",
            &"0".repeat(300),
            "0;0;0;@;0",
        ] {
            assert_eq!(n(code, 5.0), None, "{code}");
        }
        assert_eq!(n("yyyy-mm-dd", -1.0), None);
        assert_eq!(n("yyyy-mm-dd", 1e12), None);
        assert_eq!(n("0", f64::NAN), None);
        assert_eq!(n("0", 1e300).map(|s| s.len()), Some(301));
    }

    #[test]
    fn styles_map_cell_formats_to_codes_and_hostile_parts_to_general() {
        let xml = r#"<styleSheet xmlns="x"><numFmts count="2"><numFmt numFmtId="176" formatCode="0&quot;个工作日&quot;"/><numFmt numFmtId="99999999999" formatCode="0&quot;x&quot;"/></numFmts><cellStyleXfs><xf numFmtId="176"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="176" applyNumberFormat="1"/><xf numFmtId="31"/><xf numFmtId="4000000000"/><xf/></cellXfs></styleSheet>"#;
        let f = CellFormats::parse(xml);
        assert_eq!(f.code(0), None);
        assert_eq!(f.code(1), Some("0\"个工作日\""));
        assert_eq!(f.code(2), Some("yyyy\"年\"m\"月\"d\"日\""));
        assert_eq!(f.code(3), None, "an unknown id is General");
        assert_eq!(f.code(4), None);
        assert_eq!(f.code(u32::MAX), None, "s= out of range");
        assert!(CellFormats::parse("<styleSheet><numFmts/></styleSheet>").is_empty());
        assert!(CellFormats::parse("not xml <<<").is_empty());
        let prefixed = r#"<x:styleSheet xmlns:x="x"><x:cellXfs><x:xf numFmtId="9"/></x:cellXfs></x:styleSheet>"#;
        assert_eq!(CellFormats::parse(prefixed).code(0), Some("0%"));
    }

    #[test]
    fn the_chinese_builtin_ids_are_dates() {
        for id in [
            27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58,
        ] {
            assert!(builtin(id).is_some_and(is_date), "{id}");
        }
        assert_eq!(
            n(builtin(31).unwrap_or_default(), 45688.0).as_deref(),
            Some("2025年1月31日")
        );
        assert!(builtin(59).is_none());
    }
}

#[cfg(test)]
mod prop {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_code_and_value_render_without_panicking(
            code in "[0#?.,%@yYmMdDhHsSaAeE/:;\\[\\]\"\\\\_* 年月日上午下午$¥-]{0,40}",
            v in proptest::num::f64::ANY,
            text in ".{0,8}",
        ) {
            let _ = super::render_number(&code, v, false);
            let _ = super::render_number(&code, v, true);
            let _ = super::render_text(&code, &text);
            let _ = super::is_date(&code);
        }
    }
}
