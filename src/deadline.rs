//! 公开时限 read into a structure, so rules can compare it with the law: working days from an
//! event, natural days, a date each year, a period, real time, promptly, standing, or on
//! request. Real catalogues write the same limit many ways (docs/CONTRACT.md §4); this parser is
//! liberal and only gives up on text that states no time at all.

/// One time limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deadline {
    /// N working days (工作日) from an event.
    WorkingDays(u32),
    /// N natural days (日, 天) from an event.
    NaturalDays(u32),
    /// A date each year: 每年1月31日前.
    Annual { month: u8, day: u8 },
    /// A period: 每季度, 每月, 半年, 每年.
    Periodic,
    /// 实时.
    RealTime,
    /// 及时, 即时, 随时.
    Promptly,
    /// 长期, 永久, 常态, 常年, 动态调整.
    Standing,
    /// Tied to an event without a number: 在实地启动拟征收土地工作时, 决策前, 批准后.
    Event,
    /// A minimum duration (公示不少于30日), not a publication deadline.
    Duration(u32),
}

impl Deadline {
    /// Whether this is a proactive-disclosure limit (it says when information is published,
    /// not how a request is answered).
    pub fn is_proactive(&self) -> bool {
        !matches!(self, Deadline::Duration(_))
    }
}

/// What a 公开时限 says: its parts (a composite limit has several), and whether it speaks of
/// answering requests (依申请).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub parts: Vec<Deadline>,
    pub on_request: bool,
}

impl Parsed {
    pub fn is_readable(&self) -> bool {
        !self.parts.is_empty() || self.on_request
    }

    /// The largest number of working days any part allows.
    pub fn max_working_days(&self) -> Option<u32> {
        self.parts
            .iter()
            .filter_map(|p| {
                if let Deadline::WorkingDays(n) = p {
                    Some(*n)
                } else {
                    None
                }
            })
            .max()
    }

    /// The largest number of natural days any part allows.
    pub fn max_natural_days(&self) -> Option<u32> {
        self.parts
            .iter()
            .filter_map(|p| {
                if let Deadline::NaturalDays(n) = p {
                    Some(*n)
                } else {
                    None
                }
            })
            .max()
    }

    /// The dates each year, if any.
    pub fn annual_dates(&self) -> Vec<(u8, u8)> {
        self.parts
            .iter()
            .filter_map(|p| {
                if let Deadline::Annual { month, day } = p {
                    Some((*month, *day))
                } else {
                    None
                }
            })
            .collect()
    }
}

/// A number written in digits (ASCII or full-width) or in Chinese numerals up to 99 (两 is 2,
/// 廿 20, 卅 30).
fn number_at(chars: &[char], i: usize) -> Option<(u32, usize)> {
    let mut j = i;
    let mut n: u32 = 0;
    while let Some(d) = chars.get(j).and_then(|c| match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(*c as u32 - '０' as u32),
        _ => None,
    }) {
        n = n.saturating_mul(10).saturating_add(d);
        j += 1;
    }
    if j > i {
        return Some((n, j));
    }
    let cn = |c: char| {
        if c == '两' {
            return Some(2);
        }
        "零一二三四五六七八九"
            .chars()
            .position(|x| x == c)
            .map(|p| p as u32)
    };
    let mut value = 0;
    let mut seen = false;
    // 廿 (20) and 卅 (30) start a number as 二十 and 三十 do: 廿日, 廿五个工作日.
    if let Some(tens) = chars.get(j).and_then(|c| match c {
        '廿' => Some(20),
        '卅' => Some(30),
        _ => None,
    }) {
        value = tens;
        seen = true;
        j += 1;
    }
    while let Some(c) = chars.get(j) {
        if *c == '十' {
            value = if seen { value * 10 } else { 10 };
            seen = true;
        } else if let Some(d) = cn(*c) {
            value = if seen && value % 10 == 0 && value >= 10 {
                value + d
            } else {
                value * 10 + d
            };
            seen = true;
        } else {
            break;
        }
        j += 1;
    }
    seen.then_some((value, j))
}

/// After a number at `j`, a frequency — a period then a count (`年一次`, `个月一次`,
/// `季度两次`) — and the index just after it.
fn frequency_end(chars: &[char], j: usize) -> Option<usize> {
    let rest: String = chars[j..].iter().take(4).collect();
    let unit = [
        "个月",
        "个星期",
        "季度",
        "学期",
        "学年",
        "年",
        "季",
        "月",
        "周",
        "星期",
    ]
    .iter()
    .find(|u| rest.starts_with(**u))?;
    let k = j + unit.chars().count();
    let (_, after) = number_at(chars, k)?;
    (chars.get(after) == Some(&'次')).then_some(after + 1)
}

/// The day a part of month `month` stands for, when `chars` starts with it: 底, 末 and 下旬 the
/// last day (2月 the 28th), 中旬 the 20th, 上旬 and 初 the 10th.
fn day_of_month_part(chars: &[char], month: u32) -> Option<u32> {
    let last = match month {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    match chars.first()? {
        '底' | '末' => Some(last),
        '初' => Some(10),
        '上' | '中' | '下' if chars.get(1) == Some(&'旬') => Some(match chars[0] {
            '上' => 10,
            '中' => 20,
            _ => last,
        }),
        _ => None,
    }
}

/// Whether a 公开时限 cell holds only a number (`20`, `５`, `二十`), as drafts write it under a
/// header that gives the unit (`公开时限（工作日）`).
pub fn is_bare_number(text: &str) -> bool {
    let chars: Vec<char> = text.trim().chars().collect();
    chars.len() <= 4 && number_at(&chars, 0).is_some_and(|(_, end)| end == chars.len())
}

/// Parse a 公开时限.
pub fn parse(text: &str) -> Parsed {
    // Traditional phrasings (實時公開, 個工作日內) read as their Simplified forms. Only this
    // parse sees the conversion; the text itself is kept as written.
    let simplified = fast2s::convert(text);
    let t: String = simplified
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    let chars: Vec<char> = t.chars().collect();
    let mut out = Parsed {
        on_request: t.contains("申请"),
        ..Parsed::default()
    };
    let minimum = ["不少于", "不得少于", "至少", "不低于"];
    let mut i = 0;
    while i < chars.len() {
        if let Some((n, j)) = number_at(&chars, i) {
            let rest: String = chars[j..].iter().take(6).collect();
            let before: String = chars[i.saturating_sub(4)..i].iter().collect();
            let is_min = minimum.iter().any(|m| before.ends_with(m));
            // "一年一次", "3个月一次", "一季度两次": how often, not how long or which date.
            if let Some(end) = frequency_end(&chars, j) {
                out.parts.push(Deadline::Periodic);
                i = end;
                continue;
            }
            let part = if rest.starts_with("个工作日") || rest.starts_with("工作日") {
                Some(if is_min {
                    Deadline::Duration(n)
                } else {
                    Deadline::WorkingDays(n)
                })
            } else if rest.starts_with('日')
                || rest.starts_with('天')
                || rest.starts_with("个自然日")
                || rest.starts_with("自然日")
            {
                // "每年1月31日": the 31 is a date, handled below.
                let month_before = before.ends_with('月');
                if month_before {
                    None
                } else {
                    Some(if is_min {
                        Deadline::Duration(n)
                    } else {
                        Deadline::NaturalDays(n)
                    })
                }
            } else if rest.starts_with("个月")
                || rest.starts_with('周')
                || rest.starts_with("个星期")
            {
                // "一个月内", "3个月内", "一周内": a month read as 30 days, a week as 7, so the
                // Art. 26 comparison (GK402) still sees how long the limit is.
                let days = if rest.starts_with("个月") { 30 } else { 7 };
                let d = n.saturating_mul(days);
                Some(if is_min {
                    Deadline::Duration(d)
                } else {
                    Deadline::NaturalDays(d)
                })
            } else if rest.starts_with('月') {
                // 每年M月D日, or the part of the month: 1月底 is 1月31日, 1月上旬 1月10日.
                let (d, _) = number_at(&chars, j + 1)
                    .or_else(|| day_of_month_part(&chars[j + 1..], n).map(|d| (d, j + 1)))
                    .unwrap_or((0, j + 1));
                let ok = (1..=12).contains(&n) && (1..=31).contains(&d);
                ok.then_some(Deadline::Annual {
                    month: n as u8,
                    day: d as u8,
                })
            } else {
                None
            };
            if let Some(p) = part {
                out.parts.push(p);
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    let has = |k: &[&str]| k.iter().any(|w| t.contains(w));
    if has(&["实时"]) {
        out.parts.push(Deadline::RealTime);
    }
    // 即办 and 当场: done and published on the spot, as a 即办件 is.
    if has(&["及时", "即时", "随时", "第一时间", "即办", "当场", "立即"]) {
        out.parts.push(Deadline::Promptly);
    }
    if has(&["长期", "永久", "常态", "动态", "长年", "常年", "持续"]) {
        out.parts.push(Deadline::Standing);
    }
    // 定期 alone says "periodically" without how often: it is read as a period only beside
    // one (每季度定期公开), as 按规定 is no time at all.
    if !out.parts.contains(&Deadline::Periodic)
        && has(&[
            "每季度",
            "每月",
            "半年",
            "每年",
            "季度",
            "年度",
            "每周",
            "每学期",
            "月度",
            "按月",
            "按季",
            "按年",
            "按周",
            "逐月",
            "逐季",
            "逐年",
            // A time of each year, term or month without a date: 年初, 学期初, 月底前.
            "年初",
            "年底",
            "年末",
            "年中",
            "月初",
            "月底",
            "月末",
            "季末",
            "学期",
            "学年",
        ])
        && out.annual_dates().is_empty()
    {
        out.parts.push(Deadline::Periodic);
    }
    // The 时 of an event (在…时) is not the 时 of 时限, 适时 or 按时: "按规定时限公开" and
    // "适时公开" name no time.
    let event_text = ["时限", "适时", "按时"]
        .iter()
        .fold(t.clone(), |text, w| text.replace(w, ""));
    let has_event = |k: &[&str]| k.iter().any(|w| event_text.contains(w));
    if out.parts.is_empty()
        && has_event(&[
            "时",
            "前",
            "后",
            "之日",
            "期间",
            "同步",
            "同时",
            "当日",
            "当天",
            "随",
            "公告期",
            // At each stage of the work: 阶段性公开, 根据工作进展, 按项目进度.
            "阶段",
            "进展",
            "进度",
            "节点",
        ])
    {
        out.parts.push(Deadline::Event);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrasings_from_real_catalogues() {
        assert_eq!(
            parse("信息形成或者变更之日起20个工作日内").parts,
            vec![Deadline::WorkingDays(20)]
        );
        assert_eq!(parse("形成或变更之日起 20 个工作日内（法律、法规对政府信息公开期限另有规定的，从其规定）").parts, vec![Deadline::WorkingDays(20)]);
        assert_eq!(
            parse("制定或获取信息之日起10个工作日内").parts,
            vec![Deadline::WorkingDays(10)]
        );
        assert_eq!(
            parse("自文件印发公布后5个工作日内发布").parts,
            vec![Deadline::WorkingDays(5)]
        );
        assert_eq!(
            parse("每年1月31日前公布").parts,
            vec![Deadline::Annual { month: 1, day: 31 }]
        );
        assert_eq!(
            parse("每年3月31日前").parts,
            vec![Deadline::Annual { month: 3, day: 31 }]
        );
        assert_eq!(parse("实时").parts, vec![Deadline::RealTime]);
        assert_eq!(parse("實時公開").parts, vec![Deadline::RealTime]);
        assert_eq!(
            parse("資訊形成或者變更之日起20個工作日內").parts,
            vec![Deadline::WorkingDays(20)]
        );
        assert_eq!(parse("長期公開").parts, vec![Deadline::Standing]);
        assert_eq!(parse("及时公开").parts, vec![Deadline::Promptly]);
        assert_eq!(parse("长期公开").parts, vec![Deadline::Standing]);
        assert_eq!(parse("常年公开").parts, vec![Deadline::Standing]);
        assert_eq!(
            parse("本级人民代表大会或其常务委员会批准后20日内").parts,
            vec![Deadline::NaturalDays(20)]
        );
        assert_eq!(
            parse("征求意见不得少于30日").parts,
            vec![Deadline::Duration(30)]
        );
        assert_eq!(
            parse("在实地启动拟征收土地工作时，在村公示栏公开").parts,
            vec![Deadline::Event]
        );
        assert_eq!(parse("半年至少更新1次").parts, vec![Deadline::Periodic]);
        assert_eq!(
            parse("随采购公告、采购文件公开").parts,
            vec![Deadline::Event]
        );
        assert_eq!(
            parse("按矿业权出让规则规定的公告期限公开").parts,
            vec![Deadline::Event]
        );
        assert_eq!(
            parse("二十个工作日内").parts,
            vec![Deadline::WorkingDays(20)]
        );
        assert_eq!(
            parse("四十五个工作日内").parts,
            vec![Deadline::WorkingDays(45)]
        );
        let p = parse("除处罚决定外其他内容：长期公开（动态调整）；处罚决定：20个工作日内");
        assert!(
            p.parts.contains(&Deadline::Standing) && p.parts.contains(&Deadline::WorkingDays(20))
        );
        let r = parse("收到申请之日起20个工作日内（依申请公开）");
        assert!(r.on_request && r.max_working_days() == Some(20));
    }

    #[test]
    fn months_and_weeks_are_days() {
        assert_eq!(parse("一个月内").parts, vec![Deadline::NaturalDays(30)]);
        assert_eq!(parse("3个月内公开").parts, vec![Deadline::NaturalDays(90)]);
        assert_eq!(parse("一周内").parts, vec![Deadline::NaturalDays(7)]);
        assert_eq!(parse("两周内").parts, vec![Deadline::NaturalDays(14)]);
        assert_eq!(parse("公示不少于1个月").parts, vec![Deadline::Duration(30)]);
        // A date each year and a period stay what they were.
        assert_eq!(
            parse("每年3月31日前").parts,
            vec![Deadline::Annual { month: 3, day: 31 }]
        );
        assert_eq!(parse("每周更新").parts, vec![Deadline::Periodic]);
        assert_eq!(parse("每月").parts, vec![Deadline::Periodic]);
    }

    #[test]
    fn periods_written_with_an_or_zhu_are_periods() {
        for t in [
            "按月",
            "按月公开",
            "按季公开",
            "按年度更新",
            "逐月公布",
            "月度公开",
        ] {
            assert_eq!(parse(t).parts, vec![Deadline::Periodic], "{t}");
        }
    }

    #[test]
    fn text_that_states_no_time_is_unreadable() {
        for t in [
            "",
            "按规定",
            "—",
            "无",
            "见文件",
            "公开",
            "按规定时限",
            "按规定时限公开",
            "适时公开",
            "按时公开",
            "定期公开",
            "定期",
        ] {
            assert!(!parse(t).is_readable(), "{t}");
        }
        // What those words stand beside still reads: a period with 定期, an event's 时 beside
        // a 时限, a number of days.
        for (t, want) in [
            ("每季度定期公开", Deadline::Periodic),
            ("定期（每年）公开", Deadline::Periodic),
            ("在项目批准时按规定时限公开", Deadline::Event),
            ("征收决定作出时适时公开", Deadline::Event),
        ] {
            assert_eq!(parse(t).parts, vec![want], "{t}");
        }
        assert_eq!(
            parse("按法定采购程序时限公开；公开招标公告期限为5个工作日").parts,
            vec![Deadline::WorkingDays(5)]
        );
    }

    /// Wordings of real catalogues that state a time without the usual words: the start of
    /// the year or term, on the spot, stage by stage, how often, 廿 as a numeral and the end
    /// of a month.
    #[test]
    fn times_of_year_on_the_spot_stages_and_frequencies_are_read() {
        for (t, want) in [
            ("年初", Deadline::Periodic),
            ("每年年初公开", Deadline::Periodic),
            ("年底前", Deadline::Periodic),
            ("学期初", Deadline::Periodic),
            ("每学年开学前", Deadline::Periodic),
            ("一年一次", Deadline::Periodic),
            ("3个月一次", Deadline::Periodic),
            ("一季度两次", Deadline::Periodic),
            ("一月一次", Deadline::Periodic),
            ("即办", Deadline::Promptly),
            ("即办件当场公开", Deadline::Promptly),
            ("当场", Deadline::Promptly),
            ("阶段性公开", Deadline::Event),
            ("根据工作进展", Deadline::Event),
            ("按项目进度公开", Deadline::Event),
            ("实时更新", Deadline::RealTime),
            ("常态化公开", Deadline::Standing),
            ("动态公开", Deadline::Standing),
            ("廿日内", Deadline::NaturalDays(20)),
            ("廿五个工作日内", Deadline::WorkingDays(25)),
            ("每年1月底前", Deadline::Annual { month: 1, day: 31 }),
            ("每年3月末前", Deadline::Annual { month: 3, day: 31 }),
            ("每年6月下旬", Deadline::Annual { month: 6, day: 30 }),
            ("每年1月廿日前", Deadline::Annual { month: 1, day: 20 }),
        ] {
            assert_eq!(parse(t).parts, vec![want], "{t}");
        }
        // A frequency is no date: 一月一次 was read as 1月1日.
        assert!(parse("一月一次").annual_dates().is_empty());
    }

    #[test]
    fn a_bare_number_is_one_with_nothing_else() {
        for t in ["20", " 5 ", "２０", "二十", "廿"] {
            assert!(is_bare_number(t), "{t}");
        }
        for t in ["20日", "第20", "", "20个工作日", "12345"] {
            assert!(!is_bare_number(t), "{t}");
        }
    }
}
