//! GK3xx: the 公开依据 and its citations. A citation is 《title》 followed by its 文号 in
//! brackets: 《社会救助暂行办法》（国务院令第649号）; a 文号 of the form 机关代字〔年份〕序号号
//! takes 〔〕 around the year (GB/T 9704 党政机关公文格式), not [ ] or ( ).

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

/// Check an item's 公开依据.
pub(super) fn check_item(item: &Item, out: &mut Vec<Diagnostic>) {
    let b = &item.basis;
    if b.is_empty() {
        return;
    }
    if !balanced(b, '《', '》') {
        out.push(
            Diagnostic::new(&UNBALANCED_TITLE_MARKS, "公开依据中的书名号《》不成对")
                .on(item, Field::Basis)
                .hint("每个法规文件名用《》括起，如《中华人民共和国政府信息公开条例》"),
        );
    }
    if !brackets_ok(b) {
        out.push(
            Diagnostic::new(&UNBALANCED_BRACKETS, "公开依据中的括号不成对")
                .on(item, Field::Basis)
                .hint("文号用全角括号括起并补全右括号，如（曲政办发〔2020〕24号）"),
        );
    }
    for (written, fixed) in misbracketed_years(b) {
        out.push(
            Diagnostic::new(
                &DOCUMENT_NUMBER_BRACKETS,
                format!("文号年份写作“{written}”"),
            )
            .on(item, Field::Basis)
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
