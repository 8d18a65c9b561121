//! GK4xx: 公开时限, read with [`crate::deadline`]. 条例第二十六条: proactively disclosed
//! information is published within 20 working days of being formed or changed unless a law
//! or regulation sets another limit; 第三十三条: requests are answered within 20 working
//! days; 第四十九条: annual reports by 1月31日 (departments, towns) and 3月31日 (the
//! county-level government).

mod decisions;

pub use decisions::{
    decision_exceptions, explain_list as decision_explain_list, DecisionException,
    DECISION_DEADLINE,
};

use super::citations::BasisFindings;
use super::Rule;
use crate::deadline::{parse, Deadline};
use crate::diag::Diagnostic;
use crate::diag::Severity::{Error, Warning};
use crate::model::{Catalogue, Field, Glanced, Item, Mode, UnitKind};

pub static UNREADABLE_DEADLINE: Rule = Rule {
    code: "GK401",
    name: "UnreadableDeadline",
    severity: Error,
    summary: "公开时限写法无法识别（没有说明何时公开）",
    source: "《中华人民共和国政府信息公开条例》第二十六条",
    doc: "## What it does
Reads the 公开时限 as one of: N working days or days from an event, a date each year, a period (每季度, 半年), real time (实时), promptly (及时), standing (长期公开), or an event without a number (在…时, …前). Reports a time limit that is none of these, such as 按规定, 见文件, 按规定时限公开, 适时公开 or 定期公开 (定期 without saying how often).

## Why is this bad?
The time limit is a required element; text that names no time cannot be checked by the public or by the supervisor.

## Example
    公开时限 = 按规定

Use instead:
    公开时限 = 信息形成或者变更之日起20个工作日内
",
};

pub static DEADLINE_BEYOND_STATUTORY: Rule = Rule {
    code: "GK402",
    name: "DeadlineBeyondStatutory",
    severity: Warning,
    summary: "主动公开时限超过20个工作日，而公开依据未引用另有规定的法律、法规",
    source: "《中华人民共和国政府信息公开条例》第二十六条",
    doc: "## What it does
Reports a 主动公开 item whose time limit allows more than 20 working days (or more than 28 days) when its 公开依据 cites no 法律 or 法规 besides the 政府信息公开条例. A citation counts as 法律 or 法规 when the known-law list (src/rules/known_laws.txt) records it as 法律, 行政法规 or 地方性法规, or, for a title not in the list, by its form: 《中华人民共和国…法》, a 国务院令 or 主席令 number in the bracket after it (a 行政法规 even when titled 办法), or a 条例 that is not the Party's. An 意见, a 通知, a 部门规章 or lower 办法, and a 党内法规 titled 条例 (《中国共产党…条例》, 《党政机关厉行节约反对浪费条例》) do not count.

## Why is this bad?
Art. 26 sets 20 working days unless a 法律 or 法规 provides otherwise; a longer limit needs that law in the basis. A policy document cannot extend it.

## Example
    公开时限 = 形成之日起60个工作日内, 公开依据 = 《关于全面推进政务公开工作的意见》（中办发〔2016〕8号）

Use instead:
    公开时限 = 形成之日起20个工作日内, or cite the 法律 or 法规 that sets the longer limit.
",
};

pub static ON_REQUEST_WITH_PROACTIVE_DEADLINE: Rule = Rule {
    code: "GK403",
    name: "OnRequestWithProactiveDeadline",
    severity: Warning,
    summary: "依申请公开事项写了主动公开的时限",
    source: "《中华人民共和国政府信息公开条例》第三十三条",
    doc: "## What it does
Reports a 依申请公开 item whose time limit is a proactive one (形成或者变更之日起20个工作日内, 实时, 及时) and says nothing about requests.

## Why is this bad?
Information disclosed on request is not published on a schedule; requests are answered within 20 working days of receipt (Art. 33), extendable once by 20. A proactive limit misleads the applicant.

## Example
    公开方式 = 依申请公开, 公开时限 = 信息形成或者变更之日起20个工作日内

Use instead:
    公开时限 = 收到申请之日起20个工作日内（依申请公开）
",
};

pub static ANNUAL_REPORT_DEADLINE: Rule = Rule {
    code: "GK404",
    name: "AnnualReportDeadline",
    severity: Error,
    summary: "政府信息公开年度报告的时限与条例第四十九条不符",
    source: "《中华人民共和国政府信息公开条例》第四十九条",
    doc: "## What it does
Reports a 政府信息公开工作年度报告 (年报) item whose time limit is not the date Art. 49 sets: 每年1月31日前 for departments, towns and subdistricts; 每年3月31日前 for the county-level government.

## Why is this bad?
The dates are fixed by the regulation and checked every year by the supervising office.

## Example
    二级事项 = 政府信息公开年报, 公开时限 = 每年3月31日前   (in a town's catalogue)

Use instead:
    公开时限 = 每年1月31日前
",
};

/// What one pass over a name (or 一级事项) finds of the chars the rules look for first: 罚 or
/// 许 (GK405's 处罚, 许可), and 报 (GK404's 年报, 年度报告). Nearly no name holds them, and
/// one look at each byte answers all three, where a memchr call per question cost more on
/// these short texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Marks {
    pub penalty_or_licence: bool,
    pub report: bool,
}

/// 罚, 许 and 报 in UTF-8 (a unit test checks them).
const FA: [u8; 3] = [0xE7, 0xBD, 0x9A];
const XU: [u8; 3] = [0xE8, 0xAE, 0xB8];
const BAO: [u8; 3] = [0xE6, 0x8A, 0xA5];

pub(super) fn marks(s: &str) -> Marks {
    let mut m = Marks::default();
    // Most names hold none of the last bytes of the three: one branch-free look says so.
    if !super::holds_any_byte(s.as_bytes(), [FA[2], XU[2], BAO[2]]) {
        return m;
    }
    // By the last byte of each char, a continuation byte few CJK chars end with.
    for w in s.as_bytes().windows(3) {
        match w[2] {
            0x9A => m.penalty_or_licence |= w == FA,
            0xB8 => m.penalty_or_licence |= w == XU,
            0xA5 => m.report |= w == BAO,
            _ => {}
        }
    }
    m
}

/// `name` holds the [`marks`] of the item's 二级事项.
fn is_annual_report(it: &Item, name: Marks) -> bool {
    let n = &it.name;
    // Both words hold 报.
    name.report && (n.contains("年度报告") || n.contains("年报"))
}

/// What the rules read in a time limit: its parse and what GK405 judges in it.
struct Reading {
    parsed: crate::deadline::Parsed,
    plan: decisions::Plan,
}

thread_local! {
    static READINGS: crate::memo::Cache<Reading> = Default::default();
}

/// A time limit read once per distinct text (a province repeats a handful), by one lookup
/// for both rules that read it.
fn reading(text: &str) -> std::rc::Rc<Reading> {
    crate::memo::get(&READINGS, text, |t| Reading {
        parsed: parse(t),
        plan: decisions::plan(t),
    })
}

/// Check an item's time limit. A 公开时限 the reader `glanced` clear has no white space at its
/// ends, so it is blank only when empty.
///
/// `basis` holds the findings of the item's 公开依据 (`None` when it is empty): whether it cites
/// a 法律 or 法规 other than the 政府信息公开条例 itself, which alone may set another time limit
/// (条例第二十六条); an 意见, 通知, 规章 or 党内法规 may not.
pub(super) fn check_item(
    cat: &Catalogue,
    item: &Item,
    glanced: Glanced,
    basis: Option<&BasisFindings>,
    out: &mut Vec<Diagnostic>,
) {
    let blank = if glanced.has(Field::Deadline) {
        item.deadline.is_empty()
    } else {
        crate::text::trim(&item.deadline).is_empty()
    };
    if blank {
        return;
    }
    let read = reading(&item.deadline);
    let p = &read.parsed;
    if !p.is_readable() {
        out.push(
            Diagnostic::new(
                &UNREADABLE_DEADLINE,
                format!("公开时限“{}”没有说明何时公开", item.deadline),
            )
            .on(item, Field::Deadline)
            .underline(&item.deadline, "")
            .hint(if item.deadline.contains("定期") {
                "写明多久公开一次，如“每季度结束后10个工作日内”“每年1月31日前”"
            } else {
                "写明时限，如“信息形成或者变更之日起20个工作日内”“实时公开”“每年1月31日前”"
            }),
        );
        return;
    }
    let name = marks(&item.name);
    // The time limit is not blank (above).
    decisions::check_item(item, &read.plan, name, out);
    let active = item.mode.contains(&Mode::Active);
    if active {
        let wd = p.max_working_days().filter(|n| *n > 20);
        let nd = p.max_natural_days().filter(|n| *n > 28);
        if let Some(msg) = wd
            .map(|n| format!("{n}个工作日"))
            .or_else(|| nd.map(|n| format!("{n}日")))
            .filter(|_| !basis.is_some_and(|b| b.cites_other_statute))
        {
            out.push(
                Diagnostic::new(
                    &DEADLINE_BEYOND_STATUTORY,
                    format!("主动公开时限为{msg}，超过条例第二十六条的20个工作日"),
                )
                .on(item, Field::Deadline)
                .hint("改为20个工作日以内，或在公开依据中引用规定了更长期限的法律法规"),
            );
        }
    }
    let on_request = item.mode.contains(&Mode::OnRequest) && !active;
    if on_request && !p.on_request && p.parts.iter().any(Deadline::is_proactive) {
        out.push(
            Diagnostic::new(
                &ON_REQUEST_WITH_PROACTIVE_DEADLINE,
                "依申请公开事项写的是主动公开的时限",
            )
            .on(item, Field::Deadline)
            .hint("写“收到申请之日起20个工作日内（依申请公开）”（条例第三十三条）"),
        );
    }
    if is_annual_report(item, name) {
        let county_gov = cat.unit.kind == Some(UnitKind::CountyGovernment)
            || (cat.unit.kind.is_none() && item.kinds == [UnitKind::CountyGovernment]);
        let expected: &[(u8, u8)] = if cat.unit.kind.is_none() && item.kinds.is_empty() {
            // A draft or reference that does not say whose report it is: either date is lawful.
            &[(1, 31), (3, 31)]
        } else if county_gov {
            &[(3, 31)]
        } else {
            &[(1, 31)]
        };
        let dates = p.annual_dates();
        if !dates.iter().any(|d| expected.contains(d)) {
            let want = if county_gov {
                "每年3月31日前"
            } else {
                "每年1月31日前"
            };
            out.push(
                Diagnostic::new(
                    &ANNUAL_REPORT_DEADLINE,
                    format!("年度报告的公开时限“{}”与条例第四十九条不符", item.deadline),
                )
                .on(item, Field::Deadline)
                .hint(format!(
                    "写“{want}”（县级人民政府为3月31日，部门和乡镇为1月31日）"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_finds_each_char_wherever_it_stands_and_nothing_else() {
        assert_eq!(FA, *'罚'.encode_utf8(&mut [0; 4]).as_bytes());
        assert_eq!(XU, *'许'.encode_utf8(&mut [0; 4]).as_bytes());
        assert_eq!(BAO, *'报'.encode_utf8(&mut [0; 4]).as_bytes());
        let none = Marks::default();
        assert_eq!(marks(""), none);
        assert_eq!(marks("申请条件0"), none);
        for c in (0x4E00..=0x9FFFu32).filter_map(char::from_u32) {
            for text in [
                format!("{c}"),
                format!("前{c}"),
                format!("{c}后"),
                format!("a{c}b"),
            ] {
                let m = marks(&text);
                assert_eq!(m.penalty_or_licence, c == '罚' || c == '许', "{text}");
                assert_eq!(m.report, c == '报', "{text}");
            }
        }
        let m = marks("行政处罚决定与年度报告");
        assert!(m.penalty_or_licence && m.report);
    }
}
