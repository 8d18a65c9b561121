//! GK405: 行政处罚 and 行政许可 decisions published within 7 working days. 国办发〔2018〕118号
//! (行政执法公示制度): "行政许可、行政处罚的执法决定信息要在执法决定作出之日起7个工作日内公开，
//! 但法律、行政法规另有规定的除外". Catalogues copied the general 20 working days of 条例第二十六条
//! onto these items. The exceptions are data (`src/rules/decision_exceptions.toml`), not code.

use serde::Deserialize;

use crate::deadline::parse;
use crate::diag::Diagnostic;
use crate::diag::Severity::Warning;
use crate::model::{Field, Item, Mode};
use crate::rules::Rule;

use super::Marks;

const SOURCE_118: &str = "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号）";

/// 7 working days; a limit in natural days is over it when it can span more than 7 working
/// days, which 10日 can and 9日 (a week and two days) cannot.
const WORKING_DAYS: u32 = 7;
const NATURAL_DAYS: u32 = 9;

pub static DECISION_DEADLINE: Rule = Rule {
    code: "GK405",
    name: "DecisionDeadlineBeyondSevenDays",
    severity: Warning,
    summary: "行政处罚、行政许可决定的公开时限超过7个工作日",
    source: SOURCE_118,
    doc: "## What it does
Reports a 主动公开 item that publishes a 行政处罚 or 行政许可 decision or its result with a time limit longer than 7 working days (or more than 9 days). An item is such a decision when its 一级事项 or 二级事项 names a 处罚 or 许可 and denotes the decision or its result (决定, 结果, 处罚信息, a per-offence 对…的处罚), or names a 行政处罚 or 行政许可 and its 公开内容 lists the decision or result — but not when the 二级事项 is its 依据, 裁量基准, 流程, 程序 or 办事指南. A split time limit is judged by its decision clause alone: in \"除处罚决定外其他内容：长期公开；处罚决定：20个工作日内\" only \"20个工作日内\" counts, and that clause alone makes the item a decision item.

A basis citing a document that allows longer (《企业信息公示暂行条例》, 《市场监督管理行政处罚信息公示规定》: 20 working days) silences the rule up to that limit. The list lives in src/rules/decision_exceptions.toml with the article and source of each; `gkml explain GK405` prints it.

## Why is this bad?
国办发〔2018〕118号 requires 行政许可 and 行政处罚 decisions to be published within 7 working days of the decision, unless a 法律 or 行政法规 provides otherwise; the 20 working days of 条例第二十六条 are the general limit, not this one.

## Example
    二级事项 = 行政处罚决定, 公开时限 = 自该信息形成或者变更之日起20个工作日内

Use instead:
    公开时限 = 执法决定作出之日起7个工作日内
",
};

/// A document that allows a later publication than 7 working days.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionException {
    #[serde(default)]
    pub titles: Vec<String>,
    #[serde(default)]
    pub numbers: Vec<String>,
    pub working_days: u32,
    pub provision: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    exception: Vec<DecisionException>,
}

/// The embedded exceptions, parsed once (a unit test parses them strictly).
pub fn decision_exceptions() -> &'static [DecisionException] {
    static LIST: std::sync::OnceLock<Vec<DecisionException>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        toml::from_str::<File>(include_str!("../decision_exceptions.toml"))
            .map(|f| f.exception)
            .unwrap_or_default()
    })
}

/// The longest limit the cited exceptions allow, if the basis cites any.
fn allowed_by_basis(basis: &str) -> Option<&'static DecisionException> {
    let titles = crate::rules::cited_titles(basis);
    let text = crate::rules::normalise_number(basis);
    decision_exceptions()
        .iter()
        .filter(|e| {
            titles
                .iter()
                .any(|t| e.titles.iter().any(|x| x == t.trim()))
                || e.numbers
                    .iter()
                    .any(|n| text.contains(&crate::rules::normalise_number(n)))
        })
        .max_by_key(|e| e.working_days)
}

const DECISION_WORDS: &[&str] = &["决定", "结果", "处罚信息", "许可信息"];
const NOT_THE_DECISION: &[&str] = &[
    "依据",
    "裁量",
    "流程",
    "程序",
    "办事指南",
    "服务指南",
    "指南",
    "条件",
    "清单",
    "目录",
];

fn has_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

fn names_penalty_or_licence(s: &str) -> bool {
    // Runs on every row's names: memchr rules out nearly all of them first.
    crate::text::holds_either(s, '罚', '许') && (s.contains("处罚") || s.contains("许可"))
}

/// A per-offence item: 对…的处罚, 对…行为的行政处罚.
fn is_per_offence(name: &str) -> bool {
    name.starts_with('对') && name.ends_with("处罚")
}

/// Acts that are neither 处罚 nor 许可; a 二级事项 naming one of them is not judged even under
/// a 一级事项 such as 行政处罚、行政强制和行政命令.
const OTHER_ACTS: &[&str] = &[
    "强制", "命令", "检查", "征收", "征用", "确认", "裁决", "奖励", "给付", "备案",
];

/// Whether the item's names (and content) say it publishes a penalty or licence decision.
/// `marks` are those of its 二级事项.
fn is_decision_item(item: &Item, marks: Marks) -> bool {
    let (cat, name) = (item.category.as_str(), item.name.as_str());
    let names = |s: &str| s.contains("处罚") || s.contains("许可");
    let name_named = marks.penalty_or_licence && names(name);
    let cat_named =
        super::marks(cat).penalty_or_licence && names(cat) && !has_any(name, OTHER_ACTS);
    if !(name_named || cat_named) {
        return false;
    }
    let name_decides = has_any(name, DECISION_WORDS);
    if has_any(name, NOT_THE_DECISION) && !name_decides {
        return false;
    }
    if is_per_offence(name) || name_decides || has_any(cat, DECISION_WORDS) {
        return true;
    }
    let formally_named = [cat, name]
        .iter()
        .any(|s| s.contains("行政处罚") || s.contains("行政许可"));
    formally_named && (item.content.contains("决定") || item.content.contains("结果"))
}

/// One clause of a split time limit: its label (before ：) and its text.
struct Clause<'a> {
    label: &'a str,
    text: &'a str,
}

/// Split "1.除处罚决定外其他内容：长期公开；2.处罚决定：20个工作日内。" into labelled clauses.
fn clauses(deadline: &str) -> Vec<Clause<'_>> {
    deadline
        .split(['；', ';', '。', '\n'])
        .map(|c| {
            c.trim()
                .trim_start_matches(|ch: char| {
                    ch.is_ascii_digit()
                        || matches!(ch, '.' | '、' | '．' | '（' | '）' | '(' | ')' | ' ')
                        || ('①'..='⑩').contains(&ch)
                })
                .trim()
        })
        .filter(|c| !c.is_empty())
        .map(|c| match c.split_once(['：', ':']) {
            Some((label, text)) if label.chars().count() <= 20 => Clause {
                label: label.trim(),
                text: text.trim(),
            },
            _ => Clause { label: "", text: c },
        })
        .collect()
}

/// A label that names the decision (处罚决定, 许可结果), not "除处罚决定外其他内容".
fn is_decision_label(label: &str) -> bool {
    !label.starts_with('除') && !label.contains('外') && has_any(label, DECISION_WORDS)
}

/// The longest limit a time-limit text allows, as (working days, natural days).
fn longest(text: &str) -> (Option<u32>, Option<u32>) {
    let p = parse(text);
    (p.max_working_days(), p.max_natural_days())
}

/// What a time limit's clauses leave to judge, a pure function of the text: a province
/// repeats a handful of 公开时限, and splitting and classifying the clauses on every row was
/// most of this rule's work.
pub(super) enum Plan {
    /// Every clause is labelled for something other than the decision (办事指南：长期公开).
    Nothing,
    /// The clauses that speak of the decision, and whether one of them names the act.
    Clauses {
        names_the_act: bool,
        texts: Vec<String>,
    },
    /// No clause is labelled: the whole text, if the item publishes a decision.
    Whole,
}

pub(super) fn plan(deadline: &str) -> Plan {
    let parts = clauses(deadline);
    // A clause speaks of the decision by its label (处罚决定：…) or, unlabelled, by its text
    // (其中行政许可、行政处罚事项自作出行政决定之日起7个工作日内公示).
    let decision_clauses: Vec<&Clause> = parts
        .iter()
        .filter(|c| {
            is_decision_label(c.label)
                || (c.label.is_empty()
                    && names_penalty_or_licence(c.text)
                    && c.text.contains("决定"))
        })
        .collect();
    if !decision_clauses.is_empty() {
        let names_the_act = decision_clauses
            .iter()
            .any(|c| names_penalty_or_licence(c.label) || names_penalty_or_licence(c.text));
        Plan::Clauses {
            names_the_act,
            texts: decision_clauses
                .iter()
                .map(|c| c.text.to_string())
                .collect(),
        }
    } else if parts.iter().any(|c| !c.label.is_empty()) {
        Plan::Nothing
    } else {
        Plan::Whole
    }
}

/// Check an item's decision deadline, by the [`plan`] of its time limit (which the caller has
/// made sure is not blank, and cached with its other readings of the text).
/// `marks` are those of its 二级事项.
pub(crate) fn check_item(item: &Item, plan: &Plan, marks: Marks, out: &mut Vec<Diagnostic>) {
    if !item.mode.contains(&Mode::Active) {
        return;
    }
    let judged: Vec<&str> = match plan {
        Plan::Nothing => return,
        Plan::Clauses {
            names_the_act,
            texts,
        } => {
            if !(*names_the_act || is_decision_item(item, marks)) {
                return;
            }
            texts.iter().map(String::as_str).collect()
        }
        Plan::Whole => {
            if !is_decision_item(item, marks) {
                return;
            }
            vec![item.deadline.as_str()]
        }
    };
    let mut worst: Option<(String, &str)> = None;
    for text in judged {
        let (wd, nd) = longest(text);
        let over = wd
            .filter(|n| *n > WORKING_DAYS)
            .map(|n| (n, format!("{n}个工作日")))
            .or_else(|| {
                nd.filter(|n| *n > NATURAL_DAYS)
                    .map(|n| (n * 5 / 7, format!("{n}日")))
            });
        if let Some((as_working, shown)) = over {
            if let Some(e) = allowed_by_basis(&item.basis) {
                if as_working <= e.working_days {
                    continue;
                }
            }
            if worst.is_none() {
                worst = Some((shown, text));
            }
        }
    }
    let Some((shown, part)) = worst else {
        return;
    };
    out.push(
        Diagnostic::new(
            &DECISION_DEADLINE,
            format!("行政处罚、行政许可决定的公开时限为{shown}，超过国办发〔2018〕118号的7个工作日"),
        )
        .on(item, Field::Deadline)
        .underline(&item.deadline, part)
        .hint(
            "写“执法决定作出之日起7个工作日内”；法律、行政法规另有规定的（如《企业信息公示暂行条例》），在公开依据中引用",
        ),
    );
}

/// The exceptions as `gkml explain GK405` prints them after the rule's documentation.
pub fn explain_list() -> String {
    let mut s = String::from("\n## 例外清单（src/rules/decision_exceptions.toml）\n");
    for e in decision_exceptions() {
        let name = match (e.titles.first(), e.numbers.first()) {
            (Some(t), Some(n)) => format!("《{t}》（{n}）"),
            (Some(t), None) => format!("《{t}》"),
            (None, Some(n)) => n.clone(),
            (None, None) => String::new(),
        };
        s.push_str(&format!(
            "- {name}：{}个工作日。{}\n  出处：{}\n",
            e.working_days, e.provision, e.source
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exception_list_parses_with_sources() {
        let list = toml::from_str::<File>(include_str!("../decision_exceptions.toml"))
            .expect("src/rules/decision_exceptions.toml parses")
            .exception;
        assert!(list.len() >= 2);
        for e in &list {
            assert!(e.source.starts_with("http"), "{:?}", e.titles);
            assert!(e.working_days > WORKING_DAYS, "{:?}", e.titles);
            assert!(!e.titles.is_empty() || !e.numbers.is_empty());
        }
    }

    #[test]
    fn split_deadlines_keep_only_labelled_clauses() {
        let c = clauses("1.除处罚决定外其他内容：长期公开（动态调整）；2.处罚决定：20个工作日内。");
        let labels: Vec<&str> = c.iter().map(|c| c.label).collect();
        assert_eq!(labels, ["除处罚决定外其他内容", "处罚决定"]);
        assert!(!is_decision_label(labels[0]));
        assert!(is_decision_label(labels[1]));
        assert_eq!(c[1].text, "20个工作日内");
    }

    #[test]
    fn exceptions_are_found_by_title_or_number() {
        assert!(allowed_by_basis("《市场监督管理行政处罚信息公示规定》").is_some());
        assert!(allowed_by_basis("《企业信息公示暂行条例》（国务院令第654号）").is_some());
        assert!(allowed_by_basis("（国务院令第654号）").is_some());
        assert!(allowed_by_basis("《中华人民共和国行政处罚法》").is_none());
    }
}
