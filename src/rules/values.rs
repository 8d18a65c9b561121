//! GK2xx: values and marks: one audience, one mode, known domains, channels and levels.

use super::Rule;
use crate::diag::Diagnostic;
use crate::diag::Severity::{Error, Warning};
use crate::domains::{self, SectionKey};
use crate::model::{
    Audience, Catalogue, Channel, ChannelKind, Field, Item, Level, Mode, Section, Seen,
};

const TEMPLATE: &str = "国办发〔2019〕54号 附件 格式模板";

pub static MULTIPLE_AUDIENCES: Rule = Rule {
    code: "GK201",
    name: "MultipleAudiences",
    severity: Error,
    summary: "公开对象同时标记了全社会和特定群众",
    source: TEMPLATE,
    doc: "## What it does
Reports an item marked both 全社会 and 特定群众.

## Why is this bad?
The template asks for exactly one audience; the two have different consequences (特定群众 items are not posted for everyone), so the reader cannot tell which applies.

## Example
    全社会 = ✓, 特定群众 = ✓

Use instead:
    全社会 = ✓, 特定群众 = (blank)
",
};

pub static MULTIPLE_MODES: Rule = Rule {
    code: "GK202",
    name: "MultipleModes",
    severity: Error,
    summary: "公开方式同时标记了主动和依申请公开",
    source: "《中华人民共和国政府信息公开条例》第十九条、第二十七条",
    doc: "## What it does
Reports an item marked both 主动 and 依申请公开.

## Why is this bad?
主动公开 information must be published within 20 working days (Art. 26); 依申请公开 information is given on request (Art. 27, answered under Art. 33). An item is one or the other.

## Example
    主动 = ✓, 依申请公开 = ✓

Use instead:
    主动 = ✓, 依申请公开 = (blank)
",
};

pub static UNKNOWN_DOMAIN: Rule = Rule {
    code: "GK203",
    name: "UnknownDomain",
    severity: Error,
    summary: "领域名称不是 26 个试点领域之一（疑似笔误）",
    source: "国办发〔2019〕54号 附件：26个试点领域",
    doc: "## What it does
Reports a 领域 name that is close to one of the 26 pilot domains but not equal to it or to a known alias, and suggests the intended name.

## Why is this bad?
The county summary counts items by domain; a misspelt domain is counted nowhere and shows as a gap (缺).

## Example
    领域 = 社会求助

Use instead:
    领域 = 社会救助
",
};

pub static UNLISTED_SECTION: Rule = Rule {
    code: "GK204",
    name: "UnlistedSection",
    severity: Warning,
    summary: "栏目不是试点领域，也不是常见的一般栏目，按一般栏目处理",
    source: "国办发〔2019〕54号 附件：26个试点领域",
    doc: "## What it does
Reports a section name that is neither one of the 26 pilot domains (nor their aliases) nor a general section that catalogues usually carry (概况信息, 基本信息, 信息公开公共栏目 …). The section is kept as a general section.

## Why is this bad?
It may be a domain written in an unusual way, which would then be missing from the county summary.

## Example
    领域 = 低保工作

Use instead:
    领域 = 社会救助
",
};

pub static UNKNOWN_CHANNEL: Rule = Rule {
    code: "GK205",
    name: "UnknownChannel",
    severity: Error,
    summary: "无法识别的公开渠道名称",
    source: TEMPLATE,
    doc: "## What it does
Reports a channel that is not one of the template's channels (政府网站, 政府公报, 两微一端, 发布会/听证会, 广播电视, 纸质媒体, 公开查阅点, 政务服务中心, 便民服务站, 入户/现场, 社区/企事业单位/村公示栏（电子屏）, 精准推送, 投资项目在线审批监管平台, 其他) or one of their usual variants.

## Why is this bad?
The portal and the county platform file items by channel; a channel they do not know is lost. Local channels belong under 其他 with their name.

Names the template does not list but a clerk means as one are not reported: an owner before a channel (县人民政府门户网站), an account or outlet by its name (“乐昌发布”微信公众号, 乐昌日报), and local channels of the families the template leaves to 其他 (12345热线, 村民代表大会, 微信群, 政务服务平台), read as 其他（…）.

## Example
    公开渠道和载体 = 政府网站、公式栏

Use instead:
    公开渠道和载体 = 政府网站、公示栏
",
};

pub static UNKNOWN_MODE: Rule = Rule {
    code: "GK206",
    name: "UnknownMode",
    severity: Error,
    summary: "无法识别的公开方式",
    source: TEMPLATE,
    doc: "## What it does
Reports a 公开方式 that is neither 主动 (also 依职权公开, the statute's word for it) nor 依申请公开; 不公开 among them.

## Why is this bad?
The mode decides the legal time limit; anything else cannot be checked or shown in the two columns of the template.

## Example
    mode = \"部分公开\"

Use instead:
    mode = \"依申请公开\"
",
};

pub static UNKNOWN_AUDIENCE: Rule = Rule {
    code: "GK207",
    name: "UnknownAudience",
    severity: Error,
    summary: "无法识别的公开对象",
    source: TEMPLATE,
    doc: "## What it does
Reports a 公开对象 that is neither 全社会 nor 特定群众. Words for everyone of the place (社会公众, 全镇群众, 辖区居民, 全体村民) are 全社会, and a group named alone (低保对象, 申请人, 项目单位) is 特定群众 with that group, so neither is reported.

## Why is this bad?
The template has exactly these two columns; information that is not published to anyone does not belong in the catalogue.

## Example
    audience = \"内部\"

Use instead:
    audience = \"特定群众\"
    audience_group = \"项目单位\"
",
};

pub static UNKNOWN_LEVEL: Rule = Rule {
    code: "GK208",
    name: "UnknownLevel",
    severity: Error,
    summary: "无法识别的公开层级",
    source: "国办发〔2019〕54号：县、乡两级及村（居）务公开",
    doc: "## What it does
Reports a 公开层级 that is not 县级, 乡级 or 村级.

## Why is this bad?
Levels decide which units take an item from the reference catalogue; an unknown level matches no unit.

## Example
    levels = [\"市级\"]

Use instead:
    levels = [\"县级\"]
",
};

/// Section-level checks: the section's name.
pub(super) fn check_section(cat: &Catalogue, section: &Section, out: &mut Vec<Diagnostic>) {
    if let SectionKey::Unknown(name) = &section.key {
        let d = match domains::suggest(name) {
            Some(s) => Diagnostic::new(&UNKNOWN_DOMAIN, format!("领域“{name}”不是试点领域名称"))
                .hint(format!("是否应为“{s}”？")),
            None => Diagnostic::new(
                &UNLISTED_SECTION,
                format!("“{name}”不是26个试点领域之一，按一般栏目处理"),
            )
            .hint("如属试点领域，请改用规范名称（gkml domains 可列出全部领域）"),
        };
        let d = match &section.loc {
            Some(loc) => d.at(Some(loc)),
            None => d.in_file(&cat.file),
        };
        out.push(d.field(crate::model::Field::Domain));
    }
}

/// Item-level checks on marks and enumerated values.
pub(super) fn check_item(item: &Item, out: &mut Vec<Diagnostic>) {
    for n in &item.notes {
        if let Seen::UnreadableMark { text } = &n.seen {
            let mut d = Diagnostic::new(
                &UNREADABLE_MARK,
                format!("标记“{text}”无法识别，按已勾选处理"),
            )
            .at(Some(&n.loc))
            .hint("勾选写“✓”，未勾选留空");
            d.field = n.field;
            out.push(d);
        }
    }
    let known_audiences = item
        .audience
        .iter()
        .filter(|a| !matches!(a, Audience::Unknown(_)))
        .count();
    if known_audiences > 1 {
        out.push(
            Diagnostic::new(&MULTIPLE_AUDIENCES, "同时标记了“全社会”和“特定群众”")
                .on(item, Field::Audience)
                .hint("只保留一项标记"),
        );
    }
    let known_modes = item
        .mode
        .iter()
        .filter(|m| !matches!(m, Mode::Unknown(_)))
        .count();
    if known_modes > 1 {
        out.push(
            Diagnostic::new(&MULTIPLE_MODES, "同时标记了“主动”和“依申请公开”")
                .on(item, Field::Mode)
                .hint("只保留一项标记"),
        );
    }
    for a in &item.audience {
        if let Audience::Unknown(s) = a {
            out.push(
                Diagnostic::new(&UNKNOWN_AUDIENCE, format!("公开对象“{s}”无法识别"))
                    .on(item, Field::Audience)
                    .hint(if Audience::names_a_group(s) {
                        format!("“{s}”是特定群体：写作“特定群众（{s}）”")
                    } else {
                        "写“全社会”或“特定群众”；具体群体写在特定群众之后，如“特定群众（项目单位）”"
                            .to_string()
                    }),
            );
        }
    }
    for m in &item.mode {
        if let Mode::Unknown(s) = m {
            out.push(
                Diagnostic::new(&UNKNOWN_MODE, format!("公开方式“{s}”无法识别"))
                    .on(item, Field::Mode)
                    .hint(if is_not_disclosed(s) {
                        "不公开的信息不列入公开目录：删除此事项，或写“主动”“依申请公开”"
                    } else {
                        "写“主动”或“依申请公开”"
                    }),
            );
        }
    }
    // One pass over the channels for what the two channel rules need to know.
    let (mut unknown_channel, mut has_website) = (false, false);
    for c in &item.channels {
        match c {
            Channel::Unknown(_) => unknown_channel = true,
            Channel::Known(ChannelKind::Website) => has_website = true,
            _ => {}
        }
    }
    for c in item.channels.iter().filter(|_| unknown_channel) {
        if let Channel::Unknown(s) = c {
            let hint = match suggest_channel(s) {
                Some(name) => format!("是否应为“{name}”？本地渠道请写作“其他（{s}）”"),
                None => format!("本地渠道请写作“其他（{s}）”"),
            };
            out.push(
                Diagnostic::new(&UNKNOWN_CHANNEL, format!("公开渠道“{s}”不是模板中的渠道"))
                    .on(item, Field::Channels)
                    .underline(&crate::model::ChannelList(&item.channels).to_string(), s)
                    .hint(hint),
            );
        }
    }
    if item.mode.contains(&Mode::Active) && !item.channels.is_empty() && !has_website {
        // A clerk's spreadsheet has no place for `allow`: say what works there.
        let from_table = matches!(
            item.loc.as_ref().map(|l| &l.place),
            Some(crate::model::Place::Cell { .. })
        );
        let hint = if from_table {
            "增加“政府网站”（第一平台）；确属只在本地张贴的，在备注中说明，校验时加 --ignore GK210（或在 county.toml 的 [rules] 中写 GK210 = \"off\"）"
        } else {
            "增加“政府网站”（第一平台）；确属只在本地张贴的，写 allow = { GK210 = \"理由\" }"
        };
        out.push(
            Diagnostic::new(&MISSING_WEBSITE, "主动公开事项未选择“政府网站”")
                .on(item, Field::Channels)
                .hint(hint),
        );
    }
    for l in &item.levels {
        if let Level::Unknown(s) = l {
            out.push(
                Diagnostic::new(&UNKNOWN_LEVEL, format!("公开层级“{s}”无法识别"))
                    .on(item, Field::Levels)
                    .hint("写“县级”“乡级”或“村级”"),
            );
        }
    }
}

/// Whether a 公开方式 says the item is not disclosed at all (不公开, 不予公开, 免予公开).
fn is_not_disclosed(mode: &str) -> bool {
    let s: String = mode.chars().filter(|c| !c.is_whitespace()).collect();
    ["不公开", "不予公开", "免予公开", "非公开"]
        .iter()
        .any(|w| s.contains(w))
}

/// The channel name or listed spelling closest to an unknown one, within a small edit
/// distance (公式栏 → 公示栏).
fn suggest_channel(raw: &str) -> Option<&'static str> {
    let n = raw.chars().count();
    ChannelKind::spellings()
        .map(|name| (domains::edit_distance(raw, name), name))
        .filter(|(d, _)| *d <= if n <= 3 { 1 } else { 2 })
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

pub static MISSING_WEBSITE: Rule = Rule {
    code: "GK210",
    name: "MissingWebsite",
    severity: Warning,
    summary: "主动公开事项的公开渠道中没有政府网站",
    source: "国办发〔2019〕54号 附件 格式模板 注释5：县政府门户网站为信息发布第一平台",
    doc: "## What it does
Reports a 主动公开 item whose channels do not include 政府网站.

## Why is this bad?
The template makes the county government's portal the first platform (第一平台) for releasing information; other channels are chosen locally in addition to it. An item only on a notice board cannot be found by anyone outside the village. Where an item genuinely is only posted locally (a village list), say so with allow = { GK210 = \"reason\" }. A spreadsheet draft has no place for allow: explain it in 备注 and run with --ignore GK210 (or turn the rule off for a county in county.toml's [rules]).

## Example
    公开渠道和载体 = 社区/企事业单位/村公示栏（电子屏）, 主动 = ✓

Use instead:
    公开渠道和载体 = 政府网站、社区/企事业单位/村公示栏（电子屏）
",
};

pub static UNREADABLE_MARK: Rule = Rule {
    code: "GK209",
    name: "UnreadableMark",
    severity: Warning,
    summary: "勾选列中的标记无法识别（按已勾选处理）",
    source: TEMPLATE,
    doc: "## What it does
Reports a cell in a checkbox column (全社会, 主动, 依申请公开, 乡级 …) whose text is not a mark gkml knows. Set marks are ✓ √ ✔ ☑ ■ ● ○ 〇 ⭕ ★ ☆ ▲ ◆ 是 有 Y 1 TRUE; unset marks are □ ☐ × ✗ ❌ x X 否 无 N 0 FALSE and blank (and a hollow ○ 〇 ⭕ ☆ in a row that marks with a filled ● or ★: ●/○ as 是/否). The cell is read as set.

## Why is this bad?
The reader of the printed table cannot tell whether the box is ticked.

## Example
    主动 = 视情况

Use instead:
    主动 = ✓
",
};
