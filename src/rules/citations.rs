//! GK3xx: the 公开依据 and its citations. A citation is 《title》 followed by its 文号 in
//! brackets: 《社会救助暂行办法》（国务院令第649号）; a 文号 of the form 机关代字〔年份〕序号号
//! takes 〔〕 around the year (GB/T 9704 党政机关公文格式), not [ ] or ( ).

mod superseded;

pub use superseded::{
    explain_list as superseded_explain_list, normalise_number, superseded_list, Superseded,
    SUPERSEDED_DOCUMENT,
};

use super::Rule;
use crate::diag::Diagnostic;
use crate::diag::Severity::{Error, Warning};
use crate::model::{Field, Item};

const GBT9704: &str = "GB/T 9704—2012《党政机关公文格式》7.2.4：发文字号年份用六角括号〔〕";

pub static UNBALANCED_TITLE_MARKS: Rule = Rule {
    code: "GK301",
    name: "UnbalancedTitleMarks",
    severity: Error,
    summary: "公开依据中的书名号《》不成对",
    source: GBT9704,
    doc: "## What it does
Reports a 公开依据 whose 《 and 》 do not pair up: one is missing, or a 》 comes before its 《.

## Why is this bad?
The reader cannot tell where a title ends, and the citation cannot be matched to the law it names.

## Example
    《中华人民共和国政府信息公开条例（国务院令第711号）

Use instead:
    《中华人民共和国政府信息公开条例》（国务院令第711号）
",
};

pub static UNBALANCED_BRACKETS: Rule = Rule {
    code: "GK302",
    name: "UnbalancedBrackets",
    severity: Error,
    summary: "公开依据中的括号（）不成对",
    source: GBT9704,
    doc: "## What it does
Reports a 公开依据 whose round brackets do not pair up: （ without ）, ( without ), or a full-width bracket closed by a half-width one. Seed 000 has 《…实施方案的通知》（曲政办发〔2020〕24号 with no closing bracket.

## Why is this bad?
A 文号 without its closing bracket runs into the next citation; printed catalogues look careless, and tools cannot read the 文号.

## Example
    《曲沃县…实施方案的通知》（曲政办发〔2020〕24号

Use instead:
    《曲沃县…实施方案的通知》（曲政办发〔2020〕24号）
",
};

pub static DOCUMENT_NUMBER_BRACKETS: Rule = Rule {
    code: "GK303",
    name: "DocumentNumberBrackets",
    severity: Warning,
    summary: "文号年份未用六角括号〔〕",
    source: GBT9704,
    doc: "## What it does
Reports a 文号 whose year is written in square or round brackets, [2012] (2012) （2012） 【2012】, instead of the hexagonal brackets 〔2012〕. Order and announcement numbers (国务院令第649号, 公告2009年第1号) have no year bracket and are not reported.

## Why is this bad?
GB/T 9704 prescribes 〔〕 for the year of a 文号; the same document written two ways cannot be matched or searched reliably.

## Example
    （国办发[2019]54号）

Use instead:
    （国办发〔2019〕54号）
",
};

/// Check pairs of open/close characters: a close before its open, or unclosed opens.
fn balanced(text: &str, open: char, close: char) -> bool {
    let mut depth: i32 = 0;
    for c in text.chars() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth < 0 {
                return false;
            }
        }
    }
    depth == 0
}

/// Round brackets pair up when full-width and half-width ones are taken as one kind, but a
/// full-width bracket closed by a half-width one (or the reverse) is reported too.
fn brackets_ok(text: &str) -> bool {
    let mut stack: Vec<char> = Vec::new();
    for c in text.chars() {
        match c {
            '（' | '(' => stack.push(c),
            '）' | ')' => {
                let want = if c == '）' { '（' } else { '(' };
                if stack.pop() != Some(want) {
                    return false;
                }
            }
            _ => {}
        }
    }
    stack.is_empty()
}

/// 文号 years in the wrong brackets: (the bracketed year as written, the corrected form).
pub fn misbracketed_years(text: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len() {
        let open = chars[i];
        let close = match open {
            '[' => ']',
            '(' => ')',
            '（' => '）',
            '【' => '】',
            '［' => '］',
            '〔' => ']',
            _ => continue,
        };
        let year: String = chars.iter().skip(i + 1).take(4).collect();
        let is_year = year.len() == 4
            && year.chars().all(|c| c.is_ascii_digit())
            && (year.starts_with("19") || year.starts_with("20"));
        // A 文号 has its 机关代字 (Chinese) just before the year and the serial number after it.
        let after_close = chars.get(i + 5).copied();
        let closes = after_close.is_some_and(|c| {
            c == close
                || (open != '〔' && c == '〕')
                || (open == '〔' && matches!(c, ']' | '）' | ')' | '】'))
        });
        let before_cjk = i > 0 && (chars[i - 1] as u32) >= 0x4E00;
        let then_digit = chars.get(i + 6).is_some_and(|c| c.is_ascii_digit());
        if is_year
            && closes
            && before_cjk
            && then_digit
            && !(open == '〔' && after_close == Some('〕'))
        {
            let written: String = chars[i..=i + 5].iter().collect();
            out.push((written, format!("〔{year}〕")));
        }
    }
    out
}

/// The text from the first bracket left open (or the stray closing bracket) to the end.
fn unbalanced_part(text: &str) -> &str {
    let mut stack: Vec<(usize, char)> = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '（' | '(' => stack.push((i, c)),
            '）' | ')' => {
                let want = if c == '）' { '（' } else { '(' };
                match stack.pop() {
                    Some((_, o)) if o == want => {}
                    Some((start, _)) => return &text[start..],
                    None => return &text[i..],
                }
            }
            _ => {}
        }
    }
    stack.first().map(|(i, _)| &text[*i..]).unwrap_or("")
}

/// What the citation rules find in a 公开依据, from its text alone (cached per text: a
/// province repeats the same few hundred). Everything any rule reads from a basis is here,
/// so a row looks its basis up once, not once per rule (each lookup hashes and compares the
/// whole text: 130 bytes on a typical row).
#[derive(Debug, Default)]
pub(super) struct BasisFindings {
    titles_unbalanced: bool,
    /// The part to underline when brackets do not pair up.
    brackets_unbalanced: Option<String>,
    /// (as written, as it should be).
    misbracketed: Vec<(String, String)>,
    /// Titles not in the known list, with the hint for each.
    unknown_titles: Vec<(String, String)>,
    /// Superseded documents cited (GK305): the list entry, the text to underline.
    superseded: Vec<(&'static superseded::Superseded, String)>,
    /// A 法律 or 法规 other than the 政府信息公开条例 is cited (GK402 allows a longer limit).
    pub(super) cites_other_statute: bool,
    /// Words for a document instead of one (GK306).
    vague: bool,
    /// Full-width digits in a 文号 (GK603, [`super::hygiene::full_width_digits`]).
    pub(super) full_width_digits: bool,
}

thread_local! {
    static BASIS: crate::memo::Cache<BasisFindings> = Default::default();
}

/// The findings of a basis, once per distinct text on this thread.
pub(super) fn basis_findings(b: &str) -> std::rc::Rc<BasisFindings> {
    crate::memo::get(&BASIS, b, |b| BasisFindings {
        superseded: superseded::findings(b),
        cites_other_statute: citations(b)
            .iter()
            .filter(|c| !c.title.contains("政府信息公开"))
            .any(is_statute),
        titles_unbalanced: !balanced(b, '《', '》'),
        brackets_unbalanced: (!brackets_ok(b)).then(|| unbalanced_part(b).to_string()),
        misbracketed: misbracketed_years(b),
        vague: is_vague(b),
        full_width_digits: super::hygiene::full_width_digits(b),
        unknown_titles: cited_titles(b)
            .into_iter()
            // A superseded title is known: GK305 names its successor instead.
            .filter(|t| !t.is_empty() && !is_known_law(t) && !superseded::is_listed_title(t))
            .map(|t| {
                let hint = match closest_law(&t) {
                    Some(k) => format!("是否应为《{k}》？"),
                    None => "如是本地文件可忽略；否则核对文件全称".to_string(),
                };
                (t, hint)
            })
            .collect(),
    })
}

/// Every citation rule on an item's 公开依据 (GK301–GK305), from its findings (looked up once
/// per row by the caller, which hands them to the other rules that read the basis too): the
/// form of the citations, then the titles.
pub(super) fn check_basis(item: &Item, found: &BasisFindings, out: &mut Vec<Diagnostic>) {
    check_form(item, found, out);
    check_titles(item, found, out);
}

/// The form of the citations: 《》 and brackets paired, 文号 years in 〔〕.
fn check_form(item: &Item, found: &BasisFindings, out: &mut Vec<Diagnostic>) {
    let b = &item.basis;
    if found.titles_unbalanced {
        out.push(
            Diagnostic::new(&UNBALANCED_TITLE_MARKS, "公开依据中的书名号《》不成对")
                .on(item, Field::Basis)
                .underline(b, "")
                .hint("每个法规文件名用《》括起，如《中华人民共和国政府信息公开条例》"),
        );
    }
    if let Some(part) = &found.brackets_unbalanced {
        out.push(
            Diagnostic::new(&UNBALANCED_BRACKETS, "公开依据中的括号不成对")
                .on(item, Field::Basis)
                .underline(b, part)
                .hint("文号用全角括号括起并补全右括号，如（曲政办发〔2020〕24号）"),
        );
    }
    for (written, fixed) in &found.misbracketed {
        out.push(
            Diagnostic::new(
                &DOCUMENT_NUMBER_BRACKETS,
                format!("文号年份写作“{written}”"),
            )
            .on(item, Field::Basis)
            .underline(b, written)
            .hint(format!("改为“{fixed}”（六角括号）")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_bracket_from_seed_000_is_caught() {
        let b = "《中华人民共和国政府信息公开条例》《曲沃县人民政府办公室关于印发曲沃县全面推进基层政务公开标准化规范化工作实施方案的通知》（曲政办发〔2020〕24号";
        assert!(!brackets_ok(b));
        assert!(balanced(b, '《', '》'));
        assert!(misbracketed_years(b).is_empty());
    }

    #[test]
    fn mixed_width_brackets_are_caught() {
        assert!(!brackets_ok("（国发〔2014〕21号)"));
        assert!(brackets_ok("（国发〔2014〕21号）"));
        assert!(brackets_ok("(国发〔2014〕21号)"));
    }

    #[test]
    fn year_brackets() {
        assert_eq!(
            misbracketed_years("（国办发[2019]54号）"),
            vec![("[2019]".to_string(), "〔2019〕".to_string())]
        );
        assert_eq!(
            misbracketed_years("国发(2012)45号"),
            vec![("(2012)".to_string(), "〔2012〕".to_string())]
        );
        assert_eq!(misbracketed_years("民发（2012）220号").len(), 1);
        assert_eq!(misbracketed_years("国办发〔2019]54号").len(), 1);
        assert!(misbracketed_years("（国办发〔2019〕54号）").is_empty());
        assert!(
            misbracketed_years("《条例》（2019年修订）").is_empty(),
            "a year in brackets that is not a 文号"
        );
        assert!(misbracketed_years("（国务院令第649号）").is_empty());
    }
}

pub static UNKNOWN_LAW: Rule = Rule {
    code: "GK304",
    name: "UnknownLawTitle",
    severity: crate::diag::Severity::Info,
    summary: "引用的法规文件名称不在已知法规清单中",
    source: "gkml 已知法规清单（src/rules/known_laws.txt）",
    doc: "## What it does
Compares each title cited in 《》 in 公开依据 with gkml's list of laws, regulations and documents that catalogues cite (src/rules/known_laws.txt, with common abbreviations such as 《信息公开条例》). A title not in the list is reported as information, with the closest known title when there is one.

## Why is this bad?
It may not be: local documents are legitimately cited. But a misspelt or invented title cannot be found by the public, and an abbreviation is not a citation.

## Example
    《政府信息公开条列》

Use instead:
    《中华人民共和国政府信息公开条例》（国务院令第711号）
",
};

pub static VAGUE_BASIS: Rule = Rule {
    code: "GK306",
    name: "VagueBasis",
    severity: Warning,
    summary: "公开依据没有写明具体的法规文件",
    source: "国办发〔2019〕54号 二（三）：目录至少应包括名称、内容、依据、时限、主体、方式、渠道、公开对象等要素",
    doc: "## What it does
Reports a 公开依据 that names no document at all, only words for one: 相关法律法规, 国家有关规定, 按有关文件执行, 见附件. A 公开依据 that cites a title in 《》 or a 文号 is never reported.

## Why is this bad?
依据 is a required element: the public must be able to look up the rule that obliges the body to publish. \"相关法律法规\" is a placeholder, not a citation; it fills the cell and hides that the basis is missing.

## Example
    国家有关规定

Use instead:
    《中华人民共和国政府信息公开条例》（国务院令第711号）、《社会救助暂行办法》（国务院令第649号）
",
};

/// A 公开依据 made only of words that stand for a document (相关法律法规, 有关规定, 见附件)
/// and the words around them (根据, 国家, 及, 执行 …), with no 《title》 and no 文号.
fn is_vague(basis: &str) -> bool {
    const STAND_INS: [&str; 18] = [
        "法律法规规章",
        "法律法规",
        "法规规章",
        "法规政策",
        "政策法规",
        "法规",
        "规定",
        "文件",
        "政策",
        "要求",
        "见附件",
        "附件",
        "依法",
        "精神",
        "规章",
        "制度",
        "办法",
        "条例",
    ];
    const AROUND: [&str; 31] = [
        "相关", "有关", "根据", "依据", "按照", "参照", "遵照", "国家", "上级", "中央", "省", "市",
        "县", "及", "和", "与", "等", "其他", "执行", "的", "各项", "相应", "现行", "按", "依",
        "、", "，", ",", "；", ";", "。",
    ];
    let t = crate::text::trim(basis);
    if t.is_empty() || t.len() > 90 || t.contains(['《', '号', '〔', '[', '第']) {
        return false;
    }
    let mut rest = t.to_string();
    let mut stand_in = false;
    for w in STAND_INS {
        if rest.contains(w) {
            stand_in = true;
            rest = rest.replace(w, "");
        }
    }
    for w in AROUND {
        rest = rest.replace(w, "");
    }
    // Only a bare 办法/条例 word, never a title written without 《》 (社会救助暂行办法): the
    // title's own words are left over.
    stand_in && rest.trim().is_empty()
}

/// A document's kind (效力层级), as the known-law list records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LawKind {
    /// 法律: passed by the NPC or its Standing Committee.
    Law,
    /// 行政法规: issued by the State Council (国务院令), whatever its title.
    AdministrativeRegulation,
    /// 地方性法规: passed by a local people's congress.
    LocalRegulation,
    /// 部门规章.
    DepartmentalRule,
    /// 地方政府规章.
    LocalGovernmentRule,
    /// 规范性文件: 通知, 意见, 方案, guidelines, most 办法 issued by a 文号.
    NormativeDocument,
    /// 党内法规: rules of the Party, even when titled 条例.
    PartyRegulation,
    /// Forms, templates, cards: cited, but not rules.
    Other,
}

impl LawKind {
    /// The kind named as the list writes it.
    pub fn parse(s: &str) -> Option<LawKind> {
        Some(match s.trim() {
            "法律" => LawKind::Law,
            "行政法规" => LawKind::AdministrativeRegulation,
            "地方性法规" => LawKind::LocalRegulation,
            "部门规章" => LawKind::DepartmentalRule,
            "地方政府规章" => LawKind::LocalGovernmentRule,
            "规范性文件" => LawKind::NormativeDocument,
            "党内法规" => LawKind::PartyRegulation,
            "其他" => LawKind::Other,
            _ => return None,
        })
    }

    /// Whether this is a 法律 or a 法规, the only sources that may set another time limit
    /// (条例第二十六条).
    pub fn is_statute(self) -> bool {
        matches!(
            self,
            LawKind::Law | LawKind::AdministrativeRegulation | LawKind::LocalRegulation
        )
    }
}

struct Laws {
    titles: std::collections::HashSet<String>,
    aliases: std::collections::HashMap<String, String>,
    kinds: std::collections::HashMap<String, LawKind>,
    all: Vec<String>,
}

/// The list's lines: `title | kind`, `简称 = 全称`, comments and blanks.
const KNOWN_LAWS: &str = include_str!("known_laws.txt");

fn laws() -> &'static Laws {
    static LAWS: std::sync::OnceLock<Laws> = std::sync::OnceLock::new();
    LAWS.get_or_init(|| {
        let mut l = Laws {
            titles: Default::default(),
            aliases: Default::default(),
            kinds: Default::default(),
            all: Vec::new(),
        };
        for line in KNOWN_LAWS.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once(" = ") {
                Some((short, full)) => {
                    l.aliases
                        .insert(short.trim().to_string(), full.trim().to_string());
                }
                None => {
                    let (title, kind) = match line.split_once(" | ") {
                        Some((t, k)) => (t.trim(), LawKind::parse(k)),
                        None => (line, None),
                    };
                    if let Some(k) = kind {
                        l.kinds.insert(title.to_string(), k);
                    }
                    l.titles.insert(title.to_string());
                    l.all.push(title.to_string());
                }
            }
        }
        l
    })
}

/// The kind the known-law list records for a title (as written, as an abbreviation, or in
/// Traditional characters); `None` for a title not in the list.
pub fn law_kind(title: &str) -> Option<LawKind> {
    let l = laws();
    let lookup = |t: &str| {
        l.kinds
            .get(t)
            .or_else(|| l.aliases.get(t).and_then(|full| l.kinds.get(full)))
            .copied()
    };
    let t: String = title.split_whitespace().collect::<Vec<_>>().join(" ");
    lookup(&t).or_else(|| lookup(&fast2s::convert(&t)))
}

/// One citation in a 公开依据: the title in 《》 and the text of the bracket right after it
/// (its 文号, order number or edition), empty when there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub title: String,
    pub number: String,
}

/// The citations of a 公开依据, in order.
pub fn citations(basis: &str) -> Vec<Citation> {
    let titles = cited_titles(basis);
    let mut out = Vec::with_capacity(titles.len());
    let mut rest = basis;
    for title in titles {
        // Step past this title's closing mark, then read a bracket that follows at once.
        let after = rest
            .find(title.as_str())
            .map(|i| &rest[i + title.len()..])
            .unwrap_or("");
        let after = after.trim_start_matches(|c: char| c == '》' || c.is_whitespace());
        let number = match after.chars().next() {
            Some(open @ ('（' | '(')) => {
                let close = if open == '（' { '）' } else { ')' };
                let inner = &after[open.len_utf8()..];
                inner.split(close).next().unwrap_or("").trim().to_string()
            }
            _ => String::new(),
        };
        rest = after;
        out.push(Citation { title, number });
    }
    out
}

/// Whether a citation is of a 法律 or 法规: by the known-law list when it lists the title,
/// else by form — 《中华人民共和国…法》, a 国务院令 or 主席令 number, or a 条例 that is not
/// the Party's (a local people's congress passes its 条例 as 地方性法规).
pub fn is_statute(c: &Citation) -> bool {
    if let Some(kind) = law_kind(&c.title) {
        return kind.is_statute();
    }
    let t = fast2s::convert(c.title.trim());
    let n = fast2s::convert(&c.number);
    let national_law = t.starts_with("中华人民共和国") && t.ends_with('法') && !t.ends_with("办法");
    let order = ["国务院令", "国令第", "主席令"]
        .iter()
        .any(|o| n.contains(o));
    let party = ["中国共产党", "中共", "党政机关", "党内", "党组"]
        .iter()
        .any(|p| t.contains(p));
    national_law || order || (t.ends_with("条例") && !party)
}

/// The titles cited in 《》 (outermost marks; 〈〉 inside a title are part of it).
pub fn cited_titles(basis: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in basis.chars() {
        match c {
            '《' => {
                if depth > 0 {
                    current.push(c);
                }
                depth += 1;
            }
            '》' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(std::mem::take(&mut current).trim().to_string());
                } else {
                    current.push(c);
                }
            }
            c if depth > 0 => current.push(c),
            _ => {}
        }
    }
    out
}

/// Whether a title is known (as written, or as an abbreviation).
pub fn is_known_law(title: &str) -> bool {
    let l = laws();
    let t: String = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if l.titles.contains(&t) || l.aliases.contains_key(&t) {
        return true;
    }
    // Traditional-character drafts (東湖區) cite the same laws.
    let simplified = fast2s::convert(&t);
    l.titles.contains(&simplified) || l.aliases.contains_key(&simplified)
}

fn closest_law(title: &str) -> Option<&'static str> {
    let n = title.chars().count();
    laws()
        .all
        .iter()
        .filter(|k| k.chars().count().abs_diff(n) <= 3)
        .map(|k| (crate::domains::edit_distance(title, k), k.as_str()))
        .filter(|(d, _)| *d <= (n / 8).clamp(1, 3))
        .min()
        .map(|(_, k)| k)
}

/// Report titles that are not in the known list (GK304), and citations of documents that no
/// longer stand (GK305).
fn check_titles(item: &Item, found: &BasisFindings, out: &mut Vec<Diagnostic>) {
    if found.vague {
        out.push(
            Diagnostic::new(
                &VAGUE_BASIS,
                format!("公开依据“{}”没有写明具体的法规文件", crate::text::trim(&item.basis)),
            )
            .on(item, Field::Basis)
            .hint("写明所依据法律法规的全称和文号，如《中华人民共和国政府信息公开条例》（国务院令第711号）"),
        );
    }
    superseded::check_item(item, &found.superseded, out);
    for (t, hint) in &found.unknown_titles {
        out.push(
            Diagnostic::new(&UNKNOWN_LAW, format!("《{t}》不在已知法规清单中"))
                .on(item, Field::Basis)
                .underline(&item.basis, t)
                .hint(hint.clone()),
        );
    }
}

#[cfg(test)]
mod law_tests {
    use super::*;

    #[test]
    fn every_listed_title_records_a_known_kind() {
        for line in KNOWN_LAWS.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') || line.contains(" = ") {
                continue;
            }
            let kind = line.split_once(" | ").and_then(|(_, k)| LawKind::parse(k));
            assert!(kind.is_some(), "known_laws.txt: {line:?} needs \" | kind\"");
        }
        for (short, full) in &laws().aliases {
            assert!(
                laws().kinds.contains_key(full),
                "alias {short} → {full} is not listed"
            );
        }
    }

    #[test]
    fn kinds_come_from_the_list_then_from_the_form() {
        let statute = |title: &str, number: &str| {
            is_statute(&Citation {
                title: title.to_string(),
                number: number.to_string(),
            })
        };
        // Listed: a 行政法规 titled 办法, a 党内法规 titled 条例, a 规范性文件 titled 办法.
        assert!(statute("社会救助暂行办法", ""));
        assert!(!statute("党政机关厉行节约反对浪费条例", ""));
        assert!(!statute("最低生活保障审核确认办法", "民发〔2021〕57号"));
        assert!(
            statute("户口登记条例", ""),
            "an abbreviation takes its full title's kind"
        );
        // Not listed: by form.
        assert!(statute("中华人民共和国测绘法", ""));
        assert!(!statute("中华人民共和国测绘法实施办法", ""));
        assert!(statute("某某救助办法", "国务院令第999号"));
        assert!(statute("某某省物业管理条例", ""));
        assert!(!statute("中国共产党农村工作条例", ""));
        assert!(!statute(
            "关于全面推进政务公开工作的意见",
            "中办发〔2016〕8号"
        ));
    }

    #[test]
    fn a_citation_keeps_the_bracket_after_its_title() {
        let c = citations(
            "《社会救助暂行办法》（国务院令第649号）、《关于全面推进政务公开工作的意见》",
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].number, "国务院令第649号");
        assert_eq!(c[1].number, "");
    }

    #[test]
    fn titles_and_nesting() {
        assert_eq!(
            cited_titles("《民政部办公厅关于印发〈社会救助领域基层政务公开标准指引〉的通知》（民办函〔2019〕52号）、《社会救助暂行办法》"),
            vec!["民政部办公厅关于印发〈社会救助领域基层政务公开标准指引〉的通知", "社会救助暂行办法"]
        );
        assert!(is_known_law("中华人民共和国政府信息公开条例"));
        assert!(is_known_law("信息公开条例"), "abbreviation");
        assert!(!is_known_law("政府信息公开条列"));
        assert_eq!(
            closest_law("中华人民共和国政府信息公开条列"),
            Some("中华人民共和国政府信息公开条例")
        );
    }
}

#[cfg(test)]
mod vague_tests {
    use super::is_vague;

    /// Words that stand for a document are not a basis; any named document is one.
    #[test]
    fn only_words_for_a_document_are_vague() {
        for vague in [
            "相关法律法规",
            "国家有关规定",
            "按有关文件执行",
            "见附件",
            "依据上级文件精神",
        ] {
            assert!(is_vague(vague), "{vague}");
        }
        for named in [
            "社会救助暂行办法",
            "《社会救助暂行办法》及相关法律法规",
            "国务院令第649号",
            "民发〔2021〕57号",
            "政府信息公开条例",
            "",
        ] {
            assert!(!is_vague(named), "{named}");
        }
    }
}
