//! GK1xx: the required elements. 国办发〔2019〕54号 says a catalogue "至少应包括公开事项的名称、内容、
//! 依据、时限、主体、方式、渠道、公开对象等要素"; the template adds the 一级事项.

use super::Rule;
use crate::diag::Diagnostic;
use crate::diag::Severity::{Error, Warning};
use crate::model::{Field, Glanced, Item, Seen};

macro_rules! missing_rule {
    ($ident:ident, $code:expr, $name:expr, $sev:expr, $what:expr, $why:expr, $bad:expr, $good:expr) => {
        pub static $ident: Rule = Rule {
            code: $code,
            name: $name,
            severity: $sev,
            summary: concat!("缺少", $what),
            source: "国办发〔2019〕54号 二（三）：目录至少应包括名称、内容、依据、时限、主体、方式、渠道、公开对象等要素",
            doc: concat!(
                "## What it does\nReports an item whose ", $what, " is empty. A cell holding only a placeholder (/, —, 无, 略, 待定 …) is empty too, except for the 一级事项 and the 公开时限 (GK401 reports a time limit that names no time).\n\n",
                "## Why is this bad?\n", $why, "\n\n",
                "## Example\n    ", $bad, "\n\nUse instead:\n    ", $good, "\n"
            ),
        };
    };
}

missing_rule!(MISSING_NAME, "GK101", "MissingName", Error, "二级事项（事项名称）",
    "The item's name is the first of the eight required elements (国办发〔2019〕54号); a row without it cannot be found or cited by the public.",
    "二级事项 = \"\"", "二级事项 = \"低保对象名单\"");
missing_rule!(MISSING_CONTENT, "GK102", "MissingContent", Error, "公开内容（要素）",
    "The content says what exactly will be published; without it the item promises nothing checkable.",
    "公开内容（要素） = \"\"", "公开内容（要素） = \"保障对象姓名、家庭人口、保障金额\"");
missing_rule!(MISSING_BASIS, "GK103", "MissingBasis", Error, "公开依据",
    "Every item must rest on a law, regulation or document (依据 is a required element); seed 000 leaves it empty for 政府信息公开指南 and 政策文件.",
    "公开依据 = \"\"", "公开依据 = \"《中华人民共和国政府信息公开条例》（国务院令第711号）\"");
missing_rule!(MISSING_DEADLINE, "GK104", "MissingDeadline", Error, "公开时限",
    "The time limit is a required element; the default is Art. 26 of 《政府信息公开条例》: 20 working days from when the information is formed or changed.",
    "公开时限 = \"\"", "公开时限 = \"信息形成或者变更之日起20个工作日内\"");
missing_rule!(MISSING_SUBJECT, "GK105", "MissingSubject", Error, "公开主体",
    "The template defines 公开主体 as the administrative body that produces the information; the public needs to know who is responsible.",
    "公开主体 = \"\"", "公开主体 = \"嘉鱼县民政局\"");
missing_rule!(MISSING_CHANNELS, "GK106", "MissingChannels", Error, "公开渠道和载体",
    "The channels say where the information can be found; the template requires at least the government website, the first platform.",
    "公开渠道和载体 = □政府网站 □两微一端", "公开渠道和载体 = ■政府网站 □两微一端");
missing_rule!(MISSING_AUDIENCE, "GK107", "MissingAudience", Error, "公开对象（全社会或特定群众）",
    "公开对象 is a required element: mark 全社会, or 特定群众 (naming the group where it is specific).",
    "全社会 = (blank), 特定群众 = (blank)", "全社会 = ✓");
missing_rule!(MISSING_MODE, "GK108", "MissingMode", Error, "公开方式（主动或依申请公开）",
    "公开方式 is a required element; 主动 and 依申请公开 have different legal time limits (Art. 26 and Art. 33).",
    "主动 = (blank), 依申请公开 = (blank)", "主动 = ✓");
missing_rule!(MISSING_CATEGORY, "GK109", "MissingCategory", Warning, "一级事项",
    "The template groups 二级事项 under an 一级事项; a row without one cannot be placed in the table. In spreadsheets a blank 一级事项 below a filled one is read as a merged cell, so this fires only when no 一级事项 precedes the row. A table with no 一级事项 column at all gets this warning once, at its first item, not on every row.",
    "一级事项 = \"\", 二级事项 = \"办事指南\"", "一级事项 = \"最低生活保障\", 二级事项 = \"办事指南\"");

/// What clerks write in a cell they have nothing for: a dash, a slash, 无, 略. Such a cell is
/// as empty as a blank one (a 公开依据 of "/" names no basis).
pub(crate) fn is_placeholder(text: &str) -> bool {
    text.len() <= 12
        && matches!(
            text,
            "无" | "暂无"
                | "/"
                | "／"
                | "\\"
                | "-"
                | "--"
                | "—"
                | "——"
                | "－"
                | "─"
                | "略"
                | "空"
                | "待定"
                | "不详"
                | "N/A"
                | "n/a"
                | "NA"
                | "无。"
                // A 同上 with no row above it (the reader fills the others).
                | "同上"
        )
}

/// What GK101–GK106 say of an empty field: its rule and the hint.
fn missing(field: Field) -> (&'static Rule, &'static str) {
    match field {
        Field::Category => (&MISSING_CATEGORY, "填写该事项所属的一级事项"),
        Field::Name => (&MISSING_NAME, "填写二级事项名称"),
        Field::Content => (&MISSING_CONTENT, "列出公开的具体要素，用“、”或“；”分隔"),
        Field::Basis => (
            &MISSING_BASIS,
            "至少写明《中华人民共和国政府信息公开条例》（国务院令第711号）及本领域的法规文件",
        ),
        Field::Deadline => (
            &MISSING_DEADLINE,
            "如无特别规定，写“信息形成或者变更之日起20个工作日内”（条例第二十六条）",
        ),
        Field::Subject => (
            &MISSING_SUBJECT,
            "写明制作该信息的行政机关，如“嘉鱼县民政局”",
        ),
        _ => (&MISSING_CHANNELS, "至少选择“政府网站”"),
    }
}

/// Report every empty required element of one item. A field the reader `glanced` clear has
/// no white space at its ends (see [`Glanced`]), so its text is its trimmed text: the trim
/// of the six texts of every row is skipped for those.
pub(super) fn check_item(item: &Item, glanced: Glanced, out: &mut Vec<Diagnostic>) {
    // The required texts: every free text but 备注 (the last of `item_texts`).
    let texts = super::item_texts(item);
    for &(field, text) in texts.iter().take(6) {
        let t = if glanced.has(field) {
            text
        } else {
            crate::text::trim(text)
        };
        let placeholder = match t {
            "" => None,
            // 公开时限 placeholders are GK401's (a time limit that names no time).
            t if field != Field::Deadline && field != Field::Category && is_placeholder(t) => {
                Some(t)
            }
            _ => continue,
        };
        // A table without a 一级事项 column: said once for the table (structure::CrossCheck).
        if field == Field::Category
            && item
                .notes
                .iter()
                .any(|n| n.seen == Seen::NoColumn && n.field == Some(Field::Category))
        {
            continue;
        }
        push_missing(item, field, placeholder, out);
    }
    if item.channels.is_empty() {
        push_missing(item, Field::Channels, None, out);
    }
    if item.audience.is_empty() {
        out.push(
            Diagnostic::new(&MISSING_AUDIENCE, "未标记公开对象")
                .on(item, Field::Audience)
                .hint("在“全社会”或“特定群众”中标记一项（✓）"),
        );
    }
    if item.mode.is_empty() {
        out.push(
            Diagnostic::new(&MISSING_MODE, "未标记公开方式")
                .on(item, Field::Mode)
                .hint("在“主动”或“依申请公开”中标记一项（✓）"),
        );
    }
}

/// GK101–GK106 on one field: empty, or only a placeholder.
fn push_missing(item: &Item, field: Field, placeholder: Option<&str>, out: &mut Vec<Diagnostic>) {
    let (rule, hint) = missing(field);
    // Only for a diagnostic: the strip is a substring search.
    let what = rule.summary.trim_start_matches("缺少");
    let message = match placeholder {
        None => format!("{what}为空"),
        Some(t) => format!("{what}只写了“{t}”，等于未填"),
    };
    out.push(Diagnostic::new(rule, message).on(item, field).hint(hint));
}
