//! GK305: citations of documents that have been repealed, replaced or renamed. Drafts copy
//! their 公开依据 from old catalogues, so the most common legal error in a real draft is a
//! document that no longer stands. The list is data, not code: `src/rules/superseded.toml`,
//! one entry per document with its successor, the date and a public source, embedded in the
//! binary and parsed once.

use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::diag::Severity::Warning;
use crate::model::{Field, Item};
use crate::rules::Rule;

pub static SUPERSEDED_DOCUMENT: Rule = Rule {
    code: "GK305",
    name: "SupersededDocument",
    severity: Warning,
    summary: "公开依据引用了已废止、被替代或已更名的文件",
    source: "gkml 已失效文件清单（src/rules/superseded.toml，每条注明出处）",
    doc: "## What it does
Compares each citation in 公开依据 with gkml's list of documents that have been repealed, replaced or renamed (src/rules/superseded.toml). A citation matches by its title (when the title itself is gone, as 《国土资源听证规定》) or by its 文号 or order number (when the same title continues under a new number, as 《中华人民共和国政府信息公开条例》 of 国务院令第492号). The warning names the successor with its exact title and 文号, the date of the change and the public source the entry was checked against. `gkml explain GK305` lists every entry with its source.

`validate --fix` does not rewrite the citation: the successor is a different text, and whether it still grounds the item's content and time limit is for the drafter to check.

## Why is this bad?
A catalogue must say on what current law each disclosure rests (国办发〔2019〕54号: 依据 is a required element and catalogues are kept current, 动态调整). A repealed document cannot be looked up as law in force, and the requirements may have changed with it (民发〔2021〕57号 rewrote the 低保 review and publicity steps of 民发〔2012〕220号).

## Example
    公开依据 = 《最低生活保障审核审批办法（试行）》（民发〔2012〕220号）

Use instead:
    公开依据 = 《最低生活保障审核确认办法》（民发〔2021〕57号）
",
};

/// One repealed, replaced or renamed document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Superseded {
    /// Titles (without 《》) that identify the old document on their own: the document, and the
    /// 通知 that issued it. Empty when the title lives on under a new number.
    #[serde(default)]
    pub titles: Vec<String>,
    /// 文号 or order numbers that identify the old document on their own.
    #[serde(default)]
    pub numbers: Vec<String>,
    /// How it ended: 废止, 替代, 修订 (a full revision under a new number) or 更名.
    pub change: String,
    /// The successor's exact title, when there is one.
    #[serde(default)]
    pub successor: String,
    /// The successor's 文号 or order number.
    #[serde(default)]
    pub successor_number: String,
    /// The date the change took effect (YYYY-MM-DD).
    pub date: String,
    /// A public page that states the change (the successor's text or the repealing decision).
    pub source: String,
    /// Anything a drafter should know (what replaced which part).
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    superseded: Vec<Superseded>,
}

/// The embedded list, parsed once. A broken list is a bug in gkml (a unit test parses it).
pub fn superseded_list() -> &'static [Superseded] {
    static LIST: std::sync::OnceLock<Vec<Superseded>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        toml::from_str::<File>(include_str!("../superseded.toml"))
            .map(|f| f.superseded)
            .unwrap_or_default()
    })
}

/// A document number in one form: ASCII digits, 〔〕 around the year, 国务院令 for 国令, no
/// spaces. Applied to both the list and the basis so that 民发[2012]220号 matches.
pub fn normalise_number(s: &str) -> String {
    let chars: Vec<char> = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A year in any bracket: [2012] (2012) （2012） 【2012】 ［2012］ 〔2012〕.
        let is_open = matches!(c, '[' | '(' | '（' | '【' | '［' | '〔');
        let year_follows = chars
            .get(i + 1..i + 5)
            .is_some_and(|y| y.iter().all(char::is_ascii_digit))
            && chars
                .get(i + 5)
                .is_some_and(|c| matches!(c, ']' | ')' | '）' | '】' | '］' | '〕'));
        if is_open && year_follows {
            out.push('〔');
            out.extend(&chars[i + 1..i + 5]);
            out.push('〕');
            i += 6;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out.replace("国令第", "国务院令第")
}

fn is_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Whether `number` occurs in `text` (both normalised) as a whole 文号: not preceded by a
/// Chinese character that would make it part of a longer 机关代字 (民发 in 国民发…), and not
/// followed by a digit.
fn contains_number(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(i, m)| {
        let before = text[..i].chars().next_back();
        let after = text[i + m.len()..].chars().next();
        let agency_len = number
            .chars()
            .take_while(|c| *c != '〔' && *c != '第')
            .count();
        let joins_before = before.is_some_and(is_ideograph) && agency_len <= 2;
        !joins_before && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// A title in the one form two spellings of it share: Simplified, no white space, full-width
/// brackets.
fn title_key(s: &str) -> String {
    fast2s::convert(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            '<' => '〈',
            '>' => '〉',
            c => c,
        })
        .collect()
}

/// The list's titles and numbers in the forms a basis is compared in, made once: each
/// entry's [`title_key`]s and [`normalise_number`]s, in the list's order. Normalising the
/// list anew for every distinct basis cost a worker thread ≈ 1 M instructions per basis.
struct Prepared {
    titles: Vec<Vec<String>>,
    numbers: Vec<Vec<String>>,
}

fn prepared() -> &'static Prepared {
    static PREPARED: std::sync::OnceLock<Prepared> = std::sync::OnceLock::new();
    PREPARED.get_or_init(|| Prepared {
        titles: superseded_list()
            .iter()
            .map(|e| e.titles.iter().map(|t| title_key(t)).collect())
            .collect(),
        numbers: superseded_list()
            .iter()
            .map(|e| e.numbers.iter().map(|n| normalise_number(n)).collect())
            .collect(),
    })
}

/// Whether a cited title is one of the list's old titles.
pub(super) fn is_listed_title(title: &str) -> bool {
    let key = title_key(title);
    prepared().titles.iter().flatten().any(|l| *l == key)
}

/// What one basis cites that is superseded: (the list entry, the text to underline).
pub(super) fn findings(basis: &str) -> Vec<(&'static Superseded, String)> {
    let cited = super::cited_titles(basis);
    let keys: Vec<String> = cited.iter().map(|t| title_key(t)).collect();
    let text = normalise_number(basis);
    let prepared = prepared();
    let mut out = Vec::new();
    for ((entry, titles), numbers) in superseded_list()
        .iter()
        .zip(&prepared.titles)
        .zip(&prepared.numbers)
    {
        let by_title = cited
            .iter()
            .zip(&keys)
            .find(|(_, k)| titles.contains(k))
            .map(|(t, _)| t.clone());
        let by_number = || {
            entry
                .numbers
                .iter()
                .zip(numbers)
                .find(|(_, n)| contains_number(&text, n))
                .map(|(n, _)| n.clone())
        };
        if let Some(part) = by_title.or_else(by_number) {
            out.push((entry, part));
        }
    }
    out
}

/// The successor as a citation: 《title》（number）.
fn successor_citation(e: &Superseded) -> String {
    match (e.successor.is_empty(), e.successor_number.is_empty()) {
        (true, _) => String::new(),
        (false, true) => format!("《{}》", e.successor),
        (false, false) => format!("《{}》（{}）", e.successor, e.successor_number),
    }
}

/// The old document as the message names it.
fn old_name(e: &Superseded, part: &str) -> String {
    match (e.titles.first(), e.numbers.first()) {
        (Some(t), Some(n)) => format!("《{t}》（{n}）"),
        (Some(t), None) => format!("《{t}》"),
        // Listed by number only: the old document bore the successor's title.
        (None, Some(n)) if !e.successor.is_empty() => format!("《{}》（{n}）", e.successor),
        (None, Some(n)) => format!("“{n}”"),
        (None, None) => format!("“{part}”"),
    }
}

/// The hint: what stands now, since when, and where that is stated.
pub fn hint_for(e: &Superseded) -> String {
    let now = successor_citation(e);
    let mut h = if now.is_empty() {
        format!(
            "该文件已于{}{}，无直接替代文件；请改引现行依据",
            e.date, e.change
        )
    } else {
        format!(
            "现行为{now}（{}{}）；核对内容和时限后改引",
            e.date, e.change
        )
    };
    if !e.note.is_empty() {
        h.push('。');
        h.push_str(&e.note);
    }
    h.push_str("。出处：");
    h.push_str(&e.source);
    h
}

/// Report citations of superseded documents in an item's 公开依据 (`found`: [`findings`] of
/// it, cached with the basis's other findings).
pub(crate) fn check_item(
    item: &Item,
    found: &[(&'static Superseded, String)],
    out: &mut Vec<Diagnostic>,
) {
    for (entry, part) in found {
        let verb = match entry.change.as_str() {
            "废止" => "已废止",
            "更名" => "已更名",
            "修订" => "已被修订后的新版本取代",
            _ => "已被替代",
        };
        out.push(
            Diagnostic::new(
                &SUPERSEDED_DOCUMENT,
                format!("公开依据引用的{}{verb}", old_name(entry, part)),
            )
            .on(item, Field::Basis)
            .underline(&item.basis, part)
            .hint(hint_for(entry)),
        );
    }
}

/// The list as `gkml explain GK305` prints it after the rule's documentation.
pub fn explain_list() -> String {
    let mut s = String::from("\n## 清单（src/rules/superseded.toml）\n");
    for e in superseded_list() {
        let old = match (e.titles.first(), e.numbers.first()) {
            (Some(t), Some(n)) => format!("《{t}》（{n}）"),
            (Some(t), None) => format!("《{t}》"),
            (None, Some(n)) => n.clone(),
            (None, None) => String::new(),
        };
        let now = successor_citation(e);
        let now = if now.is_empty() {
            "无直接替代".to_string()
        } else {
            now
        };
        s.push_str(&format!(
            "- {old} → {now}（{} {}）\n  出处：{}\n",
            e.date, e.change, e.source
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_parses_and_every_entry_is_complete() {
        let list = toml::from_str::<File>(include_str!("../superseded.toml"))
            .expect("src/rules/superseded.toml parses")
            .superseded;
        assert!(list.len() >= 30, "{} entries", list.len());
        for e in &list {
            let name = format!("{:?} {:?}", e.titles, e.numbers);
            assert!(!e.titles.is_empty() || !e.numbers.is_empty(), "{name}");
            assert!(
                ["废止", "替代", "修订", "更名"].contains(&e.change.as_str()),
                "{name}: change {}",
                e.change
            );
            assert!(e.source.starts_with("http"), "{name}: source {}", e.source);
            let d: Vec<&str> = e.date.split('-').collect();
            assert!(
                d.len() == 3 && d.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())),
                "{name}: date {}",
                e.date
            );
            assert!(
                e.change == "废止" || !e.successor.is_empty(),
                "{name}: a replaced document names its successor"
            );
            for n in e.numbers.iter().chain(std::iter::once(&e.successor_number)) {
                assert_eq!(&normalise_number(n), n, "{name}: write 文号 as normalised");
            }
        }
    }

    #[test]
    fn the_six_named_in_the_issue_are_listed() {
        let cases = [
            "《最低生活保障审核审批办法（试行）》（民发〔2012〕220号）",
            "《民政部关于印发〈特困人员认定办法〉的通知》（民发〔2016〕178号）",
            "《中华人民共和国政府信息公开条例》（国务院令第492号）",
            "《中华人民共和国土地管理法实施条例》（国务院令第256号）",
            "《国土资源听证规定》",
            "《中华人民共和国环境噪声污染防治法》",
        ];
        for b in cases {
            assert_eq!(findings(b).len(), 1, "{b}");
        }
    }

    #[test]
    fn the_repealed_land_announcement_measures_are_reported_with_no_successor() {
        // 《征收土地公告办法》 was repealed in 2020 (自然资源部令第6号) with no successor of its
        // own: the hint must send the drafter to the law in force, not to a replacement.
        for b in [
            "《征收土地公告办法》（国土资源部令第10号）",
            "《征收土地公告办法》",
            "国土资源部令第10号",
        ] {
            let found = findings(b);
            assert_eq!(found.len(), 1, "{b}");
            let hint = hint_for(found[0].0);
            assert!(hint.contains("无直接替代文件"), "{hint}");
            assert!(hint.contains("国务院令第743号"), "{hint}");
        }
        assert!(findings("（国土资源部令第100号）").is_empty());
    }

    #[test]
    fn current_citations_and_look_alike_numbers_are_not_matched() {
        for b in [
            "《中华人民共和国政府信息公开条例》（国务院令第711号）",
            "《中华人民共和国土地管理法实施条例》（国务院令第743号）",
            "《最低生活保障审核确认办法》（民发〔2021〕57号）",
            "《自然资源听证规定》（国土资源部令第22号）",
            "《中华人民共和国噪声污染防治法》",
            "（民发〔2012〕2201号）",
            "（国务院令第4920号）",
        ] {
            assert!(findings(b).is_empty(), "{b}: {:?}", findings(b));
        }
    }

    #[test]
    fn the_replacements_found_in_2026_name_their_successors_and_the_new_citations_pass() {
        // Each old citation, as catalogues wrote it, names its successor; the successor's own
        // citation (same title for the subsidy measures, new number) is not reported.
        for (old, successor) in [
            (
                "《纳税信用管理办法（试行）》（国家税务总局公告2014年第40号）",
                "国家税务总局公告2025年第12号",
            ),
            ("《涉税专业服务监管办法（试行）》", "国家税务总局令第58号"),
            (
                "《财政部 人力资源社会保障部关于印发〈就业补助资金管理办法〉的通知》（财社〔2017〕164号）",
                "财社〔2023〕181号",
            ),
            ("《财政专项扶贫资金管理办法》", ""),
        ] {
            let found = findings(old);
            assert_eq!(found.len(), 1, "{old}");
            assert_eq!(found[0].0.successor_number, successor, "{old}");
        }
        // A provincial or county measure with a longer title is another document.
        assert!(findings("《广西财政专项扶贫资金管理办法》").is_empty());
        for current in [
            "《纳税缴费信用管理办法》（国家税务总局公告2025年第12号）",
            "《涉税专业服务管理办法（试行）》（国家税务总局令第58号）",
            "《财政部 人力资源社会保障部关于印发〈就业补助资金管理办法〉的通知》（财社〔2023〕181号）",
            "《中央财政衔接推进乡村振兴补助资金管理办法》",
        ] {
            assert!(findings(current).is_empty(), "{current}: {:?}", findings(current));
        }
    }

    #[test]
    fn numbers_match_in_any_bracket_and_width() {
        assert_eq!(findings("民发[2012]220号").len(), 1);
        assert_eq!(findings("（民发（2012）２２０号）").len(), 1);
        assert_eq!(findings("《信息公开条例》（国令第492号）").len(), 1);
    }
}
