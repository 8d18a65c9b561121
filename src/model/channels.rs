//! Channels (公开渠道和载体): the template's canonical names and the variants drafts write,
//! and the parser that reads a channel cell in any of its real forms (a list with separators,
//! ■/□ checkbox text, pasted HTML already cleaned, free text after 其他). A list is written
//! back as canonical names joined by 、 ([`ChannelList`]'s `Display`), the form every output
//! uses and every reader reads back.

use std::fmt;

/// The canonical channels (公开渠道和载体) of the template, in table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelKind {
    Website,
    Gazette,
    NewMedia,
    PressConference,
    RadioTv,
    Print,
    ReadingPoint,
    ServiceCentre,
    ServiceStation,
    DoorToDoor,
    NoticeBoard,
    Push,
    InvestmentPlatform,
    Other,
}

/// Canonical names, then the variants real catalogues write for the same channel.
const CHANNEL_NAMES: &[(ChannelKind, &str, &[&str])] = &[
    (
        ChannelKind::Website,
        "政府网站",
        &[
            "门户网站",
            "政府门户网站",
            "网站",
            "县政府门户网站",
            "政府信息公开平台",
            "政府信息公开网",
            "政务公开网",
            "政府信息公开专栏",
            "信息公开专栏",
            "政府网",
            "县政府网站",
            "部门网站",
            "政务服务网",
        ],
    ),
    (ChannelKind::Gazette, "政府公报", &["公报"]),
    (
        ChannelKind::NewMedia,
        "两微一端",
        &[
            "政务新媒体",
            "政务微博",
            "政务微信",
            "微博",
            "微信",
            "客户端",
            "微信公众号",
            "新媒体",
            "手机APP",
            "手机app",
            "APP",
            "政务APP",
            "移动客户端",
            "手机客户端",
            "政务抖音",
            "抖音",
            "公众号",
            "微信公众平台",
            "头条号",
            "政务头条号",
            "今日头条",
            "视频号",
            "政务快手",
            "快手",
            "小程序",
            "微信小程序",
        ],
    ),
    (
        ChannelKind::PressConference,
        "发布会/听证会",
        &["发布会", "听证会", "新闻发布会", "发布会、听证会"],
    ),
    (
        ChannelKind::RadioTv,
        "广播电视",
        &[
            "广播",
            "电视",
            "广播、电视",
            "电视台",
            "广播电台",
            "有线电视",
            "应急广播",
            "农村大喇叭",
            "大喇叭",
            "村村响",
            "村村响广播",
            "农村广播",
        ],
    ),
    (
        ChannelKind::Print,
        "纸质媒体",
        &[
            "纸质媒介",
            "报刊",
            "报纸",
            "纸媒",
            "报刊杂志",
            "宣传册",
            "宣传单",
            "宣传资料",
            "明白纸",
            "明白卡",
            "公开手册",
        ],
    ),
    (
        ChannelKind::ReadingPoint,
        "公开查阅点",
        &[
            "查阅点",
            "政府信息公开查阅点",
            "档案馆",
            "图书馆",
            "政府信息查阅点",
            "信息公开查阅点",
            "政府信息公开查阅室",
            "查阅室",
            "阅览室",
        ],
    ),
    (
        ChannelKind::ServiceCentre,
        "政务服务中心",
        &[
            "政务服务大厅",
            "便民服务中心",
            "政务大厅",
            "办事大厅",
            "服务大厅",
            "便民服务大厅",
            "行政服务中心",
            "为民服务中心",
            "市民中心",
            "市民之家",
            "政务服务窗口",
            "服务窗口",
            "办事窗口",
        ],
    ),
    (
        ChannelKind::ServiceStation,
        "便民服务站",
        &[
            "便民服务点",
            "村便民服务站",
            "村级便民服务站",
            "便民服务室",
            "社区服务站",
            "代办点",
        ],
    ),
    (
        ChannelKind::DoorToDoor,
        "入户/现场",
        &[
            "入户",
            "现场",
            "入户、现场",
            "入户宣传",
            "上门告知",
            "现场公示",
        ],
    ),
    (
        ChannelKind::NoticeBoard,
        "社区/企事业单位/村公示栏（电子屏）",
        &[
            "社区/企事业单位/村公示栏(电子屏)",
            "社区/企事业单位/村公示栏",
            // The template's name shortened, as published town catalogues print it.
            "单位/村委会公示栏（电子屏）",
            "单位/村委会公示栏(电子屏)",
            "单位/村委会公示栏",
            "企事业单位/村公示栏（电子屏）",
            "企事业单位/村公示栏(电子屏)",
            "企事业单位/村公示栏",
            "村委会公示栏",
            "公示栏",
            "公示栏（电子屏）",
            "公示栏(电子屏)",
            "村公示栏",
            "村务公开栏",
            "公开栏",
            "电子屏",
            "政务公开栏",
            "村（居）公示栏",
            "村(居)公示栏",
            "村（社区）公示栏",
            "村(社区)公示栏",
            "社区公示栏",
            "居务公开栏",
            "村（居）务公开栏",
            "村(居)务公开栏",
            "公告栏",
            "宣传栏",
            "信息公开栏",
            "电子显示屏",
            "LED显示屏",
            "电子公示屏",
            "公示牌",
            "公告牌",
            "公示墙",
            "公开墙",
            "村务公开墙",
            "党务村务公开栏",
            "信息公示栏",
            "LED屏",
            "LED大屏",
            "LED电子屏",
            "电子大屏",
            "显示屏",
        ],
    ),
    (
        ChannelKind::Push,
        "精准推送",
        &["定向推送", "短信推送", "手机短信", "短信"],
    ),
    (
        ChannelKind::InvestmentPlatform,
        "投资项目在线审批监管平台",
        &["在线审批监管平台"],
    ),
    (ChannelKind::Other, "其他", &["其它"]),
];

impl ChannelKind {
    pub fn name(self) -> &'static str {
        CHANNEL_NAMES
            .iter()
            .find(|(k, _, _)| *k == self)
            .map(|(_, n, _)| *n)
            .unwrap_or("其他")
    }

    /// Every canonical channel name, in table order.
    pub fn canonical_names() -> impl Iterator<Item = &'static str> {
        CHANNEL_NAMES.iter().map(|(_, n, _)| *n)
    }

    /// Every canonical channel name and listed spelling, in table order.
    pub fn spellings() -> impl Iterator<Item = &'static str> {
        CHANNEL_NAMES
            .iter()
            .flat_map(|(_, n, v)| std::iter::once(*n).chain(v.iter().copied()))
    }
}

/// One chosen channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Known(ChannelKind),
    /// 其他, with the free text that follows it ("其他 基层公共服务平台").
    Other(Option<String>),
    /// A name that is not a channel: kept so a rule can name it.
    Unknown(String),
}

impl Channel {
    /// The text written in the CSV and tables: the canonical name, or `其他（…）`.
    pub fn display(&self) -> String {
        match self {
            Channel::Known(k) => k.name().to_string(),
            Channel::Other(None) => "其他".to_string(),
            Channel::Other(Some(t)) => format!("其他（{t}）"),
            Channel::Unknown(s) => s.clone(),
        }
    }

    fn rank(&self) -> (u8, &str) {
        match self {
            Channel::Known(k) => (*k as u8, ""),
            Channel::Other(t) => (ChannelKind::Other as u8, t.as_deref().unwrap_or("")),
            Channel::Unknown(s) => (u8::MAX, s),
        }
    }

    /// Parse one channel written on its own ("政府网站", "其他（基层公共服务平台）", "公示栏"),
    /// or a name the template does not list but a clerk means as one ([`local_channel`]:
    /// `县人民政府门户网站`, `微信群`).
    pub fn parse(raw: &str) -> Channel {
        match Channel::parse_template(raw) {
            // Read as a list entry (qualifiers, quotes, local channels): one channel, or the
            // text as written.
            Channel::Unknown(t) => {
                let mut one = Vec::with_capacity(1);
                parse_segment(&t, &mut one, true);
                match one.pop() {
                    Some(c) if one.is_empty() && !matches!(c, Channel::Unknown(_)) => c,
                    _ => Channel::Unknown(t),
                }
            }
            c => c,
        }
    }

    /// As [`Channel::parse`], by the template's names and their listed spellings only: a
    /// header label is a channel's column when it is one of these.
    pub fn parse_template(raw: &str) -> Channel {
        let t = raw.trim();
        match match_channel_prefix(t) {
            Some((ChannelKind::Other, rest)) => {
                let text = strip_brackets(rest);
                Channel::Other((!text.is_empty()).then(|| text.to_string()))
            }
            Some((kind, rest)) if strip_brackets(rest).is_empty() => Channel::Known(kind),
            _ => Channel::Unknown(t.to_string()),
        }
    }

    /// Parse a whole 公开渠道和载体 cell in any of its real forms (docs/CONTRACT.md §3.5):
    /// "政府网站、两微一端", "■政府网站 □两微一端 ■其他 基层公共服务平台" or "√政府网站 □公示栏"
    /// (only marked items are chosen), one name per line, or names run together; separators
    /// inside brackets belong to the entry ("其他（甲、乙）").
    /// The result is de-duplicated and in table order.
    pub fn parse_list(raw: &str) -> Vec<Channel> {
        let boxes = Boxes::of(raw);
        let has_marks = raw.chars().any(|c| boxes.mark(c).is_some());
        let mut out: Vec<Channel> = Vec::new();
        let mut segments: Vec<(bool, &str)> = Vec::new();
        if has_marks {
            // Each mark starts a segment; text before the first mark is ignored only if empty.
            let mut chosen = true;
            let mut start = 0;
            for (i, c) in raw.char_indices() {
                if let Some(ticked) = boxes.mark(c) {
                    segments.push((chosen, &raw[start..i]));
                    chosen = ticked;
                    start = i + c.len_utf8();
                }
            }
            segments.push((chosen, &raw[start..]));
        } else {
            segments.push((true, raw));
        }
        for (chosen, seg) in segments {
            if !chosen {
                continue;
            }
            // In a checkbox list everything between ■其他 and the next mark is its free text,
            // separators included ("■其他 公共资源交易平台、中国政府采购网 □…").
            let trimmed = seg.trim_matches(|c: char| c.is_whitespace() || "、，,；;".contains(c));
            if has_marks {
                if let Some((ChannelKind::Other, after)) = match_channel_prefix(trimmed) {
                    let text = strip_brackets(after.trim());
                    out.push(Channel::Other((!text.is_empty()).then(|| text.to_string())));
                    continue;
                }
            }
            parse_segment(seg, &mut out, true);
        }
        out.sort_by(|a, b| a.rank().cmp(&b.rank()));
        out.dedup();
        out
    }
}

/// The choices written in a 公开方式 or 公开对象 cell: "主动公开、依申请公开", "主动/依申请",
/// "全社会和特定群众", or a checkbox list ("√主动 □依申请公开", where only marked entries
/// count). Separators inside brackets belong to the entry ("特定群众（申请人、利害关系人）").
pub fn choices(raw: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let boxes = Boxes::of(raw);
    let marked = raw.chars().any(|c| boxes.mark(c).is_some());
    let mut chosen = !marked;
    let mut depth: usize = 0;
    let mut start = 0;
    for (i, c) in raw.char_indices() {
        let cut = match c {
            '（' | '(' | '【' | '[' | '〔' => {
                depth += 1;
                false
            }
            '）' | ')' | '】' | ']' | '〕' => {
                depth = depth.saturating_sub(1);
                false
            }
            c if boxes.mark(c).is_some() => true,
            '、' | '，' | ',' | '；' | ';' | '/' | '／' | '和' | '及' | '或' => depth == 0,
            c => c.is_whitespace() && depth == 0,
        };
        if cut {
            if chosen {
                parts.push(&raw[start..i]);
            }
            if let Some(ticked) = boxes.mark(c) {
                chosen = ticked;
            }
            start = i + c.len_utf8();
        }
    }
    if chosen {
        parts.push(&raw[start..]);
    }
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether a channel cell is written as a checkbox list (any set or unset mark in it).
pub fn is_checkbox_list(s: &str) -> bool {
    let boxes = Boxes::of(s);
    s.chars().any(|c| boxes.mark(c).is_some())
}

/// A checkbox or tick written before a channel name: WPS and Word templates write
/// "√政府网站 √两微一端 □公示栏", others ■/□ or ☑/☐.
///
/// ○ (and ◯ ⭕ ☆) is the empty counterpart where the list also uses a filled mark or a tick
/// ("●政府网站 ○两微一端", "√政府网站 ○公示栏": WPS drafts write the unticked box so); in a
/// list with no other mark, ○ is the mark itself ("○政府网站 ○公示栏"). 〇 (the ideographic
/// zero, which a pinyin keyboard gives for "ling" and clerks type as a circle) is such a mark
/// too, unless the list writes it as a digit (二〇二四).
#[derive(Clone, Copy)]
struct Boxes {
    hollow_is_empty: bool,
    zero_is_mark: bool,
}

impl Boxes {
    /// The set marks: ticks and filled boxes.
    const SET: [char; 10] = ['■', '☑', '☒', '▣', '√', '✓', '✔', '●', '★', '✅'];

    fn of(list: &str) -> Boxes {
        const NUMERALS: &str = "〇零一二三四五六七八九十百千0123456789０１２３４５６７８９";
        let zero_is_mark = list.contains('〇') && {
            let chars: Vec<char> = list.chars().collect();
            !chars.iter().enumerate().any(|(i, &c)| {
                c == '〇'
                    && [i.checked_sub(1), Some(i + 1)]
                        .into_iter()
                        .flatten()
                        .filter_map(|j| chars.get(j))
                        .any(|n| NUMERALS.contains(*n))
            })
        };
        Boxes {
            hollow_is_empty: list.contains(Self::SET),
            zero_is_mark,
        }
    }

    /// `Some(ticked)` for a checkbox or tick, `None` for any other char.
    fn mark(self, c: char) -> Option<bool> {
        match c {
            c if Self::SET.contains(&c) => Some(true),
            '□' | '☐' | '▢' => Some(false),
            '○' | '◯' | '⭕' | '☆' => Some(!self.hollow_is_empty),
            '〇' if self.zero_is_mark => Some(!self.hollow_is_empty),
            _ => None,
        }
    }
}

/// Split a list at its separators, but never inside brackets: "其他（公共资源交易平台、中国招标
/// 投标公共服务平台）" is one entry.
fn split_outside_brackets(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth: usize = 0;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '（' | '(' | '【' | '[' | '〔' | '《' => depth += 1,
            '）' | ')' | '】' | ']' | '〕' | '》' => depth = depth.saturating_sub(1),
            '、' | '，' | ',' | '；' | ';' | '\n' | '\r' | '\t' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// What may stand between two channel names besides the list separators: spaces, and the
/// slashes and bars platforms export lists with ("政府网站/公示栏"). A slash inside a name
/// (社区/企事业单位/村公示栏) is part of it: names are matched longest first.
fn is_gap(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{3000}' | '/' | '／' | '|' | '｜' | '①'..='⑳')
}

/// What a clerk writes around a list entry that is not part of the name: quotes
/// (`“政府网站”`), a closing full stop (`政府网站。`).
fn is_wrapping(c: char) -> bool {
    is_gap(c) || matches!(c, '“' | '”' | '"' | '‘' | '’' | '「' | '」' | '。' | '．')
}

/// The words that join the last two names of a list (`政府网站及政务新媒体`, `政府网站和公开栏`).
const CONNECTIVES: [&str; 5] = ["以及", "及", "和", "与", "或"];

/// An entry's text without the `等` (`等渠道`, `等平台` …) that closes an open list
/// (`政府网站、政务新媒体、公开栏等`), when a name comes before it.
fn without_etc(part: &str) -> &str {
    for tail in ["等渠道", "等平台", "等载体", "等方式", "等"] {
        if let Some(head) = part.strip_suffix(tail) {
            if !head.trim_end_matches(is_wrapping).is_empty() {
                return head.trim_end_matches(is_wrapping);
            }
        }
    }
    part
}

/// Text that follows a channel name without being a name itself: a connective before the
/// next name (`及政务新媒体`), list numbering before it (`2.公开栏`, `（2）公开栏`). `None` when
/// nothing is passed over, so the text is kept as written.
fn skip_joining(rest: &str) -> Option<&str> {
    let after = CONNECTIVES
        .iter()
        .find_map(|w| rest.strip_prefix(w))
        .or_else(|| {
            let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            (digits.len() < rest.len())
                .then(|| digits.strip_prefix(['.', '．', '、', ')', '）']))
                .flatten()
        })
        .or_else(|| {
            let inner = rest.strip_prefix(['(', '（'])?;
            let digits = inner.trim_start_matches(|c: char| c.is_ascii_digit());
            (digits.len() < inner.len())
                .then(|| digits.strip_prefix([')', '）']))
                .flatten()
        })?;
    let after = after.trim_start_matches(is_gap);
    match_channel_prefix(after).map(|_| after)
}

/// After a channel name, a bracket that holds no channel name qualifies it (`政府网站
/// （www.lc.gov.cn）`, `两微一端（“乐昌发布”公众号）`), and so does the account's name in
/// quotes or after a colon (`微信公众号“乐昌发布”`, `微信公众号：乐昌发布`): the text after
/// that qualifier, else `None`.
fn skip_qualifier(after: &str) -> Option<&str> {
    if let Some(quoted) = skip_quoted(after) {
        return Some(quoted);
    }
    if let Some(label) = after.strip_prefix(['：', ':']) {
        let end = label.find(is_gap).unwrap_or(label.len());
        let own = &label[..end];
        return (!own.is_empty() && match_channel_prefix(own).is_none()).then(|| &label[end..]);
    }
    let end = closing_bracket(after)?;
    // The text between the opening bracket and the one that closes it.
    let open = after.chars().next()?.len_utf8();
    let close = after[..end].chars().next_back()?.len_utf8();
    let own = after.get(open..end - close)?;
    match_channel_prefix(own.trim_start_matches(is_gap))
        .is_none()
        .then(|| &after[end..])
}

/// A name in quotes at the start of `s` that is no channel name (`“乐昌发布”`): the text after
/// the closing quote.
fn skip_quoted(s: &str) -> Option<&str> {
    let open = s.chars().next()?;
    let close = match open {
        '“' => '”',
        '"' => '"',
        '‘' => '’',
        '「' => '」',
        '『' => '』',
        _ => return None,
    };
    let inner = &s[open.len_utf8()..];
    // The entry's closing quote may have been taken off with what wraps it.
    let (own, after) = match inner.find(close) {
        Some(end) => (&inner[..end], &inner[end + close.len_utf8()..]),
        None => (inner, ""),
    };
    (!own.is_empty() && match_channel_prefix(own).is_none()).then_some(after)
}

/// A list entry (one word, between gaps) that the template's names do not read, read as the
/// clerk meant it (docs/CONTRACT.md §1.3):
///
/// - an account or outlet by its own name: `“乐昌发布”微信公众号`, `乐昌APP`, `乐昌日报`,
///   `曲沃电视台` are the template channel of their kind;
/// - a channel under its owner's name: `县人民政府门户网站`, `乐昌镇人民政府网站`,
///   `东风村村务公开栏`, the owner ending in a place or a body (县, 镇, 村, 人民政府, 局 …);
/// - a local channel of a family the template leaves to 其他: hotlines (`12345热线`,
///   `服务热线`), meetings (`村民代表大会`, `会议`), chat groups (`微信群`, `QQ群`), platforms
///   (`政务服务平台`, `一网通办`), media centres (`县融媒体中心`) and the venues where notices are
///   posted (`党群服务中心`, `新时代文明实践站`): `其他（…）` with the name.
///
/// `None` for a word the names read cleanly, one that merely starts with a channel name
/// followed by another (`政府网站微信群` is two channels, read one by one), and anything else.
fn local_channel(word: &str) -> Option<Channel> {
    let t = word.trim_matches(is_wrapping);
    let t = strip_leading_joiner(t);
    // A channel name is short; a long run is a sentence, not a name (and stays cheap).
    if t.is_empty() || t.chars().count() > 40 || t.starts_with("其他") || t.starts_with("其它")
    {
        return None;
    }
    let mut plain = Vec::new();
    parse_segment(t, &mut plain, false);
    if !plain.iter().any(|c| matches!(c, Channel::Unknown(_))) {
        return None;
    }
    if let Some((_, after)) = match_channel_prefix(t) {
        let after = after.trim_start_matches(is_wrapping);
        if !after.is_empty()
            && (match_channel_prefix(after).is_some() || classify_local(after).is_some())
        {
            return None;
        }
    }
    classify_local(t)
}

/// List numbering or a connective before a word (`2.微信群`, `及微信群`).
fn strip_leading_joiner(t: &str) -> &str {
    for w in CONNECTIVES {
        if let Some(rest) = t.strip_prefix(w).filter(|r| !r.is_empty()) {
            return rest;
        }
    }
    let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() < t.len() {
        if let Some(rest) = digits
            .strip_prefix(['.', '．', '、', ')', '）'])
            .filter(|r| !r.is_empty())
        {
            return rest;
        }
    }
    t
}

/// What [`local_channel`] reads a word as, without asking whether the names read it.
fn classify_local(t: &str) -> Option<Channel> {
    // A qualifier in brackets after the name does not change what it is (`微信群（村民群）`).
    let base = match t.find(['（', '(']) {
        Some(i) if i > 0 && t.ends_with(['）', ')']) => &t[..i],
        _ => t,
    };
    if base.is_empty() || base.contains(['、', '，', ',', '；', ';']) {
        return None;
    }
    if let Some(kind) = OUTLETS
        .iter()
        .find(|(suffix, _)| base.ends_with(suffix))
        .map(|(_, k)| *k)
    {
        return Some(Channel::Known(kind));
    }
    // Under an owner's name: the longest channel name that ends the word.
    for (i, _) in base.char_indices().skip(1) {
        let (owner, name) = base.split_at(i);
        if let Some((kind, "")) = match_channel_name(name) {
            if kind != ChannelKind::Other && is_owner(owner) {
                return Some(Channel::Known(kind));
            }
        }
    }
    let family = FAMILY_ENDINGS
        .iter()
        .any(|e| base.ends_with(e) && (base.len() > e.len() || !NEED_A_NAME.contains(e)))
        || is_hotline_number(base);
    family.then(|| Channel::Other(Some(t.to_string())))
}

/// Accounts and outlets named by their own name, by how the name ends, and the channel they
/// are: an app or account is 两微一端, a station 广播电视, a daily 纸质媒体.
const OUTLETS: &[(&str, ChannelKind)] = &[
    ("微信公众号", ChannelKind::NewMedia),
    ("公众号", ChannelKind::NewMedia),
    ("微信号", ChannelKind::NewMedia),
    ("微博", ChannelKind::NewMedia),
    ("抖音号", ChannelKind::NewMedia),
    ("头条号", ChannelKind::NewMedia),
    ("视频号", ChannelKind::NewMedia),
    ("快手号", ChannelKind::NewMedia),
    ("APP", ChannelKind::NewMedia),
    ("App", ChannelKind::NewMedia),
    ("app", ChannelKind::NewMedia),
    ("客户端", ChannelKind::NewMedia),
    ("小程序", ChannelKind::NewMedia),
    ("电视台", ChannelKind::RadioTv),
    ("广播电台", ChannelKind::RadioTv),
    ("电台", ChannelKind::RadioTv),
    ("广播站", ChannelKind::RadioTv),
    ("日报", ChannelKind::Print),
    ("晚报", ChannelKind::Print),
    ("时报", ChannelKind::Print),
    ("周报", ChannelKind::Print),
];

/// How the name of a channel's owner ends: a place or a body (`县人民政府`门户网站,
/// `乐昌镇`政务服务中心, `东风村`村务公开栏, `民政局`网站).
fn is_owner(owner: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "县",
        "区",
        "市",
        "省",
        "州",
        "旗",
        "乡",
        "镇",
        "村",
        "街道",
        "社区",
        "政府",
        "办事处",
        "委员会",
        "村委会",
        "居委会",
        "局",
        "委",
        "办",
        "中心",
        "所",
        "站",
    ];
    owner.chars().count() <= 20
        && crate::text::is_han_name(owner)
        && ENDINGS.iter().any(|e| owner.ends_with(e))
}

/// How a local channel of a family the template leaves to 其他 ends: hotlines, meetings, chat
/// groups, platforms, media centres.
const FAMILY_ENDINGS: &[&str] = &[
    "热线",
    "热线电话",
    "服务电话",
    "咨询电话",
    "便民电话",
    "会议",
    "大会",
    "座谈会",
    "说明会",
    "通报会",
    "协商会",
    "恳谈会",
    "议事会",
    "评议会",
    "院坝会",
    "坝坝会",
    "见面会",
    "宣讲会",
    "现场会",
    "例会",
    "群",
    "平台",
    "一网通办",
    "融媒体中心",
    "融媒体",
    // Village and town venues where notices are posted and read out: the 党群服务中心 and the
    // 新时代文明实践 centres, stations and posts.
    "党群服务中心",
    "党群服务站",
    "文明实践中心",
    "文明实践所",
    "文明实践站",
];

/// Family endings that name no channel on their own, only after a name (`微信群`, `政务服务平台`).
const NEED_A_NAME: &[&str] = &["群", "平台", "大会", "例会"];

/// A government service hotline written as its number: 12345, 12315, 12369 …
fn is_hotline_number(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    digits == 5 && t.starts_with("12")
}

/// Split a run of text into channels. 其他 swallows the rest of its list entry as free text.
/// With `local`, a word the template's names do not read is tried as a local channel
/// ([`local_channel`]) before it is kept as unknown.
fn parse_segment(seg: &str, out: &mut Vec<Channel>, local: bool) {
    let unknown = |cs: &[Channel]| {
        cs.iter()
            .filter(|c| matches!(c, Channel::Unknown(_)))
            .count()
    };
    for part in split_outside_brackets(seg) {
        let start = out.len();
        parse_entry(part, out, local);
        // A name spaced out (`政府 网站`, a clerk filling a narrow column) reads as one
        // when that leaves fewer unknown words.
        let missed = unknown(&out[start..]);
        if local && missed > 0 && part.trim().contains(char::is_whitespace) {
            let joined: String = part.chars().filter(|c| !c.is_whitespace()).collect();
            let mut again = Vec::new();
            parse_entry(&joined, &mut again, local);
            if unknown(&again) < missed {
                out.truncate(start);
                out.extend(again);
            }
        }
    }
}

/// One list entry (between separators) into channels: see [`parse_segment`].
fn parse_entry(part: &str, out: &mut Vec<Channel>, local: bool) {
    let mut rest = without_etc(part.trim_matches(is_wrapping));
    while !rest.is_empty() {
        if local {
            let end = rest.find(is_gap).unwrap_or(rest.len());
            if let Some(c) = local_channel(&rest[..end]) {
                out.push(c);
                rest = rest[end..].trim_start_matches(is_gap);
                continue;
            }
        }
        let found = match_channel_prefix(rest).or_else(|| {
            let next = skip_joining(rest)?;
            rest = next;
            match_channel_prefix(rest)
        });
        match found {
            Some((ChannelKind::Other, after)) => {
                // "其他（甲） 其他（乙）": a bracket closed before the end ends the entry.
                let after = after.trim_start();
                let (own, more) = match bracket_end(after) {
                    Some(end) => after.split_at(end),
                    None => (after, ""),
                };
                let text = strip_brackets(own);
                out.push(Channel::Other((!text.is_empty()).then(|| text.to_string())));
                rest = more.trim_start_matches(is_gap);
            }
            Some((kind, after)) => {
                out.push(Channel::Known(kind));
                let after = skip_qualifier(after).unwrap_or(after);
                rest = after.trim_start_matches(|c: char| is_wrapping(c) || c == '（' || c == '）');
            }
            None => {
                // Unknown words up to the next space or slash; the rest is tried again.
                let end = rest.find(is_gap).unwrap_or(rest.len());
                out.push(Channel::Unknown(rest[..end].to_string()));
                rest = rest[end..].trim_start_matches(is_gap);
            }
        }
    }
}

/// For text that opens with a bracket, the byte index just after the bracket that closes it,
/// when text follows (nested brackets counted).
fn bracket_end(s: &str) -> Option<usize> {
    closing_bracket(s).filter(|&end| end < s.len())
}

/// For text that opens with a bracket, the byte index just after the bracket that closes it
/// (nested brackets counted); `None` when it opens with none or is never closed.
fn closing_bracket(s: &str) -> Option<usize> {
    if !s.starts_with(['（', '(']) {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + c.len_utf8());
                }
            }
            _ => {}
        }
    }
    None
}

/// The longest channel name or variant that `s` starts with (Traditional forms too), and the
/// text after it.
///
/// A name may be preceded by the level or place that runs the channel, as drafts write them
/// (乡镇政务服务大厅, 镇政府网站, 村级公示栏): when nothing matches, one such word is passed over
/// and the rest tried again.
fn match_channel_prefix(s: &str) -> Option<(ChannelKind, &str)> {
    match_channel_name(s).or_else(|| {
        let simp = crate::domains::to_simplified(s);
        // Up to three places in a row: 镇村公开栏, 县乡村公示栏.
        let mut skipped = 0;
        for _ in 0..3 {
            let place = PLACES.iter().find(|p| simp[skipped..].starts_with(**p))?;
            skipped += place.len();
            // to_simplified maps char to char: the same count of chars in the original.
            let (byte, _) = s.char_indices().nth(simp[..skipped].chars().count())?;
            if let Some(m) = match_channel_name(&s[byte..]) {
                return Some(m);
            }
        }
        None
    })
}

/// The levels and places a draft may name before a channel (longest first).
const PLACES: &[&str] = &[
    "村（社区）",
    "村(社区)",
    "村（居）",
    "村(居)",
    "乡镇",
    "乡级",
    "镇级",
    "县级",
    "村级",
    "街道",
    "社区",
    "县",
    "区",
    "市",
    "乡",
    "镇",
    "村",
];

/// The longest channel name or variant that `s` starts with, and the text after it.
fn match_channel_name(s: &str) -> Option<(ChannelKind, &str)> {
    let simp = crate::domains::to_simplified(s);
    let first = simp.chars().next()?;
    // Only the names that start with the same character are compared (longest first).
    let best = channel_index()
        .get(&first)?
        .iter()
        .find(|(_, name, _)| simp.starts_with(name))?;
    let (kind, _, nchars) = *best;
    // to_simplified maps char to char, so the char count is the same in the original.
    let byte = s
        .char_indices()
        .nth(nchars)
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    Some((kind, &s[byte..]))
}

type ChannelIndex = std::collections::HashMap<char, Vec<(ChannelKind, &'static str, usize)>>;

/// Channel names and variants by first character, longest first.
fn channel_index() -> &'static ChannelIndex {
    static INDEX: std::sync::OnceLock<ChannelIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m: ChannelIndex = std::collections::HashMap::new();
        for (kind, name, variants) in CHANNEL_NAMES {
            for cand in std::iter::once(*name).chain(variants.iter().copied()) {
                if let Some(c) = cand.chars().next() {
                    m.entry(c)
                        .or_default()
                        .push((*kind, cand, cand.chars().count()));
                }
            }
        }
        for v in m.values_mut() {
            v.sort_by_key(|c| std::cmp::Reverse(c.2));
        }
        m
    })
}

/// Trim whitespace, colons and one pair of surrounding brackets: "（基层公共服务平台）" →
/// "基层公共服务平台", "：项目单位" → "项目单位".
pub fn strip_brackets(s: &str) -> &str {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == ':' || c == '：');
    for (open, close) in [('（', '）'), ('(', ')'), ('【', '】'), ('[', ']')] {
        if let Some(inner) = t.strip_prefix(open).and_then(|x| x.strip_suffix(close)) {
            // Only one bracketed group: "（甲）、（乙）" keeps its brackets.
            if !inner.contains([open, close]) {
                return inner.trim();
            }
        }
    }
    t
}

/// A channel list as every output writes it: canonical names joined by 、, free text after 其他
/// as `其他（…）`.
pub struct ChannelList<'a>(pub &'a [Channel]);

impl fmt::Display for ChannelList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("、")?;
            }
            f.write_str(&c.display())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names real catalogues give the template's channels: a village board, a phone app, an
    /// LED screen, the government service portal.
    #[test]
    fn common_local_names_are_the_template_channels() {
        for (raw, kind) in [
            ("村（居）公示栏", ChannelKind::NoticeBoard),
            ("村(社区)公示栏", ChannelKind::NoticeBoard),
            ("居务公开栏", ChannelKind::NoticeBoard),
            ("电子显示屏", ChannelKind::NoticeBoard),
            ("宣传栏", ChannelKind::NoticeBoard),
            ("手机APP", ChannelKind::NewMedia),
            ("政务抖音", ChannelKind::NewMedia),
            ("政务服务网", ChannelKind::Website),
            ("政务服务中心", ChannelKind::ServiceCentre),
            ("办事大厅", ChannelKind::ServiceCentre),
            ("农村大喇叭", ChannelKind::RadioTv),
            ("明白纸", ChannelKind::Print),
            ("公示牌", ChannelKind::NoticeBoard),
            ("微信公众号", ChannelKind::NewMedia),
            ("短信", ChannelKind::Push),
        ] {
            assert_eq!(Channel::parse(raw), Channel::Known(kind), "{raw}");
        }
        assert_eq!(
            Channel::parse_list("政府网站、办事大厅、公示牌"),
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Known(ChannelKind::ServiceCentre),
                Channel::Known(ChannelKind::NoticeBoard),
            ]
        );
    }

    /// docs/CONTRACT.md §1.3 lists every spelling the reader accepts, on its channel's row.
    #[test]
    fn contract_lists_every_spelling_of_each_channel() {
        let contract = include_str!("../../docs/CONTRACT.md");
        for (i, (_, name, variants)) in CHANNEL_NAMES.iter().enumerate() {
            let prefix = format!("| {} | {name} | ", i + 1);
            let row = contract
                .lines()
                .find(|l| l.starts_with(&prefix))
                .unwrap_or_else(|| panic!("no row for {name}"));
            let listed: Vec<&str> = row[prefix.len()..]
                .trim_end_matches(" |")
                .split(", ")
                .filter(|v| !v.is_empty())
                .collect();
            assert_eq!(listed, variants.to_vec(), "{name}");
        }
    }

    /// Every spelling in the table names exactly its own channel: no variant is shadowed by a
    /// longer name of another channel, and none is listed twice.
    #[test]
    fn every_listed_spelling_reads_as_its_own_channel() {
        let mut seen = std::collections::HashSet::new();
        for (kind, name, variants) in CHANNEL_NAMES {
            for v in std::iter::once(name).chain(variants.iter()) {
                assert!(seen.insert(*v), "{v} listed twice");
                let want = if *kind == ChannelKind::Other {
                    Channel::Other(None)
                } else {
                    Channel::Known(*kind)
                };
                assert_eq!(Channel::parse(v), want, "{v}");
            }
        }
    }

    /// The brackets around 其他's free text, as written after 其他 or after the mark in a 其他
    /// column, are not part of it (the renderer writes its own): one bracketed group only.
    #[test]
    fn other_detail_loses_the_brackets_the_renderer_adds_back() {
        assert_eq!(strip_brackets("（微信群）"), "微信群");
        assert_eq!(strip_brackets(" (微信群) "), "微信群");
        assert_eq!(strip_brackets("：微信群"), "微信群");
        assert_eq!(strip_brackets("微信群"), "微信群");
        assert_eq!(strip_brackets("（甲）、（乙）"), "（甲）、（乙）");
        assert_eq!(strip_brackets("（）"), "");
    }

    #[test]
    fn channel_list_with_separators() {
        let c = Channel::parse_list("政府网站、两微一端、公示栏");
        assert_eq!(
            c,
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Known(ChannelKind::NewMedia),
                Channel::Known(ChannelKind::NoticeBoard)
            ]
        );
    }

    #[test]
    fn wps_tick_marks_choose_channels_like_boxes() {
        let c = Channel::parse_list("√政府网站 √两微一端 □公示栏");
        assert_eq!(
            c,
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Known(ChannelKind::NewMedia)
            ]
        );
        for set in ['✓', '✔', '☑', '■', '●', '√'] {
            for unset in ['□', '☐'] {
                let c = Channel::parse_list(&format!("{set}政府网站{unset}两微一端 {set}纸质媒体"));
                assert_eq!(
                    c,
                    vec![
                        Channel::Known(ChannelKind::Website),
                        Channel::Known(ChannelKind::Print)
                    ],
                    "{set} {unset}"
                );
            }
        }
    }

    /// A WPS draft ticks with √ and leaves the others ○ (or 〇, ◯, ☆): those are unticked.
    /// Where ○ is the only mark, it is the tick; 〇 written as a digit is text.
    #[test]
    fn hollow_circles_beside_ticks_are_unticked_boxes() {
        let web = Channel::Known(ChannelKind::Website);
        let board = Channel::Known(ChannelKind::NoticeBoard);
        for tick in ['√', '✓', '■', '☑', '●'] {
            for hollow in ['○', '〇', '◯', '☆'] {
                assert_eq!(
                    Channel::parse_list(&format!("{tick}政府网站 {hollow}公示栏")),
                    vec![web.clone()],
                    "{tick} {hollow}"
                );
            }
        }
        assert_eq!(
            Channel::parse_list("○政府网站 ○公示栏"),
            vec![web.clone(), board.clone()]
        );
        assert_eq!(
            Channel::parse_list("〇政府网站 〇公示栏"),
            vec![web.clone(), board]
        );
        assert_eq!(
            Channel::parse_list("政府网站、其他（二〇二四年公告栏）"),
            vec![web, Channel::Other(Some("二〇二四年公告栏".into()))]
        );
        assert_eq!(choices("√主动 ○依申请公开"), vec!["主动"]);
    }

    #[test]
    fn separators_inside_the_brackets_of_other_stay_in_its_text() {
        let text = "其他（公共资源交易平台、中国招标投标公共服务平台）";
        let c = Channel::parse_list(&format!("政府网站、{text}"));
        assert_eq!(
            c,
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Other(Some("公共资源交易平台、中国招标投标公共服务平台".into()))
            ]
        );
        assert_eq!(
            Channel::parse_list(&ChannelList(&c).to_string()),
            c,
            "round trip"
        );
    }

    #[test]
    fn channel_list_with_box_marks_keeps_only_chosen() {
        let c = Channel::parse_list(
            "■政府网站    □两微一端\n■纸质媒体 □发布会/听证会 ■其他 基层公共服务平台",
        );
        assert_eq!(
            c,
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Known(ChannelKind::Print),
                Channel::Other(Some("基层公共服务平台".into()))
            ]
        );
    }

    #[test]
    fn channel_names_with_slashes_are_one_channel() {
        let c = Channel::parse_list("发布会/听证会、社区/企事业单位/村公示栏（电子屏）、入户/现场");
        assert_eq!(
            c,
            vec![
                Channel::Known(ChannelKind::PressConference),
                Channel::Known(ChannelKind::DoorToDoor),
                Channel::Known(ChannelKind::NoticeBoard)
            ]
        );
    }

    /// Platforms export lists with slashes or bars between names; a slash inside a name
    /// still belongs to it.
    #[test]
    fn slashes_and_bars_between_channel_names_separate_them() {
        let c = Channel::parse_list("政府网站/公示栏｜两微一端 / 发布会/听证会／公式栏");
        assert_eq!(
            c,
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Known(ChannelKind::NewMedia),
                Channel::Known(ChannelKind::PressConference),
                Channel::Known(ChannelKind::NoticeBoard),
                Channel::Unknown("公式栏".into()),
            ]
        );
    }

    /// Drafts name the level or place that runs a channel before it; the channel is the
    /// template's all the same. Words that merely start like a place stay unknown.
    #[test]
    fn a_place_before_a_channel_name_is_passed_over() {
        for (raw, kind) in [
            ("乡镇政务服务大厅", ChannelKind::ServiceCentre),
            ("镇政府网站", ChannelKind::Website),
            ("县政府网站", ChannelKind::Website),
            ("村级公示栏", ChannelKind::NoticeBoard),
            ("街道便民服务中心", ChannelKind::ServiceCentre),
            ("村（社区）便民服务站", ChannelKind::ServiceStation),
            ("鄉鎮政務服務大廳", ChannelKind::ServiceCentre),
        ] {
            assert_eq!(Channel::parse(raw), Channel::Known(kind), "{raw}");
        }
        // 村村响 (a channel since 村村响 reads as 广播电视) and 县融媒体 (a local channel, 其他)
        // were the examples here; these still start like a place and name nothing.
        assert_eq!(Channel::parse("村村通"), Channel::Unknown("村村通".into()));
        assert_eq!(
            Channel::parse("县公式栏"),
            Channel::Unknown("县公式栏".into())
        );
        assert_eq!(
            Channel::parse_list("镇政府网站、乡镇政务服务大厅、村村通"),
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Known(ChannelKind::ServiceCentre),
                Channel::Unknown("村村通".into()),
            ]
        );
    }

    /// ● and ○ used together are ticked and empty boxes; ○ alone is the mark itself.
    #[test]
    fn hollow_circles_are_empty_beside_filled_ones_and_marks_alone() {
        assert_eq!(
            Channel::parse_list("●政府网站 ○两微一端 ●公示栏"),
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Known(ChannelKind::NoticeBoard),
            ]
        );
        assert_eq!(
            Channel::parse_list("○政府网站 ○公示栏"),
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Known(ChannelKind::NoticeBoard),
            ]
        );
        assert_eq!(choices("●主动 ○依申请公开"), vec!["主动"]);
        assert!(is_checkbox_list("○政府网站"));
    }

    #[test]
    fn what_clerks_write_around_and_between_names_is_not_a_channel() {
        use ChannelKind::*;
        let known = |ks: &[ChannelKind]| ks.iter().map(|k| Channel::Known(*k)).collect::<Vec<_>>();
        for (raw, want) in [
            ("政府网站。", known(&[Website])),
            (
                "政府网站、政务新媒体、公开栏等",
                known(&[Website, NewMedia, NoticeBoard]),
            ),
            ("政府网站、公开栏等渠道", known(&[Website, NoticeBoard])),
            ("政府网站及政务新媒体", known(&[Website, NewMedia])),
            ("政府网站和村务公开栏", known(&[Website, NoticeBoard])),
            ("政府网站以及公示栏", known(&[Website, NoticeBoard])),
            ("“政府网站”、“两微一端”", known(&[Website, NewMedia])),
            ("政府网站（www.lc.gov.cn）", known(&[Website])),
            (
                "两微一端（“乐昌发布”公众号）、公示栏",
                known(&[NewMedia, NoticeBoard]),
            ),
            ("1.政府网站 2.公开栏", known(&[Website, NoticeBoard])),
            ("（1）政府网站（2）公开栏", known(&[Website, NoticeBoard])),
            ("①政府网站②公开栏", known(&[Website, NoticeBoard])),
            ("政府网站、镇村公开栏", known(&[Website, NoticeBoard])),
        ] {
            assert_eq!(Channel::parse_list(raw), want, "{raw}");
        }
        // Words that are not channels are still kept and reported (会议 was the example
        // here; it is a local channel now, 其他（会议）).
        assert_eq!(
            Channel::parse_list("政府网站、公式栏等"),
            [Channel::Known(Website), Channel::Unknown("公式栏".into())]
        );
        assert_eq!(
            Channel::parse_list("政府网站和公式栏"),
            [Channel::Known(Website), Channel::Unknown("和公式栏".into())]
        );
        assert_eq!(
            Channel::parse_list("政府网站和会议"),
            [Channel::Known(Website), Channel::Other(Some("会议".into()))]
        );
        assert_eq!(Channel::parse_list("等"), [Channel::Unknown("等".into())]);
    }

    #[test]
    fn channels_separated_by_spaces_and_unknown_kept() {
        let c = Channel::parse_list("政府网站 两微一端 公式栏");
        assert_eq!(
            c,
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Known(ChannelKind::NewMedia),
                Channel::Unknown("公式栏".into())
            ]
        );
    }

    #[test]
    fn other_channel_round_trips_through_display() {
        let c = Channel::parse("其他（基层公共服务平台）");
        assert_eq!(c, Channel::Other(Some("基层公共服务平台".into())));
        assert_eq!(Channel::parse(&c.display()), c);
        assert_eq!(
            Channel::parse("政府網站"),
            Channel::Known(ChannelKind::Website)
        );
    }

    /// Local channels of the families the template leaves to 其他 — hotlines, meetings, chat
    /// groups, platforms, media centres — are 其他 with their name kept, not unknown names.
    #[test]
    fn hotlines_meetings_groups_and_platforms_are_other_with_their_name() {
        for raw in [
            "12345",
            "12345热线",
            "12345政务服务便民热线",
            "服务热线",
            "热线",
            "村民代表大会",
            "村民会议",
            "会议",
            "院坝会",
            "微信群",
            "QQ群",
            "村民微信群",
            "政务服务平台",
            "公共资源交易平台",
            "一网通办",
            "县融媒体中心",
            "微信群（村民群）",
            "党群服务中心",
            "村党群服务中心",
            "新时代文明实践站",
            "镇新时代文明实践所",
        ] {
            assert_eq!(
                Channel::parse(raw),
                Channel::Other(Some(raw.into())),
                "{raw}"
            );
        }
        assert_eq!(
            Channel::parse_list("政府网站、12345热线、村民代表大会、微信群、QQ群、一网通办"),
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Other(Some("12345热线".into())),
                Channel::Other(Some("村民代表大会".into())),
                Channel::Other(Some("微信群".into())),
                Channel::Other(Some("QQ群".into())),
                Channel::Other(Some("一网通办".into())),
            ]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
        );
        // Written back as 其他（…）, they read back the same.
        let c = Channel::parse_list("公示栏 微信群 及12345热线");
        assert_eq!(Channel::parse_list(&ChannelList(&c).to_string()), c);
        // A channel name run into one of them is still two channels.
        assert_eq!(
            Channel::parse_list("政府网站微信群"),
            vec![
                Channel::Known(ChannelKind::Website),
                Channel::Other(Some("微信群".into()))
            ]
        );
        // Names that the template lists stay theirs: 发布会 is not a meeting, 政府信息公开平台
        // not a platform, 微信 not a group.
        assert_eq!(
            Channel::parse("新闻发布会"),
            Channel::Known(ChannelKind::PressConference)
        );
        assert_eq!(
            Channel::parse("政府信息公开平台"),
            Channel::Known(ChannelKind::Website)
        );
        assert_eq!(
            Channel::parse("投资项目在线审批监管平台"),
            Channel::Known(ChannelKind::InvestmentPlatform)
        );
    }

    /// Apps, screens, dailies, owner-named websites and boards, and accounts named in quotes
    /// are the template channel they are; 村村响 (village loudspeakers) is 广播电视.
    #[test]
    fn named_accounts_outlets_and_owner_prefixed_names_are_template_channels() {
        use ChannelKind::*;
        for (raw, kind) in [
            ("APP", NewMedia),
            ("乐昌APP", NewMedia),
            ("客户端", NewMedia),
            ("“乐昌发布”微信公众号", NewMedia),
            ("乐昌发布微信公众号", NewMedia),
            ("微信公众号“乐昌发布”", NewMedia),
            ("微信公众号：乐昌发布", NewMedia),
            ("微信小程序", NewMedia),
            ("电子显示屏", NoticeBoard),
            ("LED屏", NoticeBoard),
            ("LED电子屏", NoticeBoard),
            ("乐昌日报", Print),
            ("曲沃电视台", RadioTv),
            ("村村响", RadioTv),
            ("村村响广播", RadioTv),
            ("镇政府网站", Website),
            ("县人民政府门户网站", Website),
            ("乐昌镇人民政府网站", Website),
            ("曲沃县人民政府门户网站", Website),
            ("县民政局网站", Website),
            ("村务公开栏", NoticeBoard),
            ("东风村村务公开栏", NoticeBoard),
            ("乐昌镇政务服务中心", ServiceCentre),
        ] {
            assert_eq!(Channel::parse(raw), Channel::Known(kind), "{raw}");
        }
        assert_eq!(
            Channel::parse_list("APP/客户端、电子显示屏/LED屏、“乐昌发布”微信公众号、村村响"),
            vec![
                Channel::Known(NewMedia),
                Channel::Known(RadioTv),
                Channel::Known(NoticeBoard),
            ]
        );
        // A website that no owner of the catalogue runs is not the government's: its name
        // stays unknown (信用中国 ends in no place or body).
        assert_eq!(
            Channel::parse("信用中国网站"),
            Channel::Unknown("信用中国网站".into())
        );
    }

    /// A name spaced out to fill a column (`政府 网站`) is the name, when joining the words
    /// leaves fewer unknown ones; names separated by spaces stay a list.
    #[test]
    fn spaced_out_channel_names_are_the_names() {
        use ChannelKind::*;
        for (raw, want) in [
            ("政府 网站", vec![Channel::Known(Website)]),
            (
                "政府　网站、公 示 栏",
                vec![Channel::Known(Website), Channel::Known(NoticeBoard)],
            ),
            ("■政府 网站 □两微一端", vec![Channel::Known(Website)]),
            (
                "政府网站 两微一端",
                vec![Channel::Known(Website), Channel::Known(NewMedia)],
            ),
            (
                "政府 网站 公式栏",
                vec![Channel::Known(Website), Channel::Unknown("公式栏".into())],
            ),
            ("微信 群", vec![Channel::Other(Some("微信群".into()))]),
        ] {
            assert_eq!(Channel::parse_list(raw), want, "{raw}");
        }
    }

    /// A channel written alone (a TOML list's entry, a column label under the channels
    /// parent) reads as a list entry would: qualified, spaced out or local, it is one channel.
    #[test]
    fn one_channel_alone_reads_as_a_list_entry() {
        assert_eq!(
            Channel::parse("政府网站（www.lc.gov.cn）"),
            Channel::Known(ChannelKind::Website)
        );
        assert_eq!(
            Channel::parse("政府 网站"),
            Channel::Known(ChannelKind::Website)
        );
        assert_eq!(
            Channel::parse("政府网站、公示栏"),
            Channel::Unknown("政府网站、公示栏".into())
        );
        // The template reading alone keeps a qualified name unknown: a header label is a
        // channel column by its bare name.
        assert_eq!(
            Channel::parse_template("政府网站（第一平台）"),
            Channel::Unknown("政府网站（第一平台）".into())
        );
    }

    /// A header label is a channel column by the template's names only: a label that merely
    /// ends like a local channel is not one.
    #[test]
    fn template_parse_reads_only_the_listed_names() {
        assert_eq!(
            Channel::parse_template("微信群"),
            Channel::Unknown("微信群".into())
        );
        assert_eq!(
            Channel::parse_template("村村响"),
            Channel::Known(ChannelKind::RadioTv)
        );
    }
}
