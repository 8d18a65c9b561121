//! The header of a table: which row it is (one or two rows, after any title rows), what each
//! of its cells means (header wording variants, Traditional characters, merged parents), and
//! the unit a title row names.

use crate::domains;
use crate::model::Field;

use super::cells::col_field;
use super::RawRow;

/// What a header cell means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Col {
    Text(Field),
    /// A third level below 二级事项 (三级事项, 三级目录; 具体事项 beside 事项名称): read into
    /// the 二级事项 as `二级—三级`, since the outputs keep the template's two levels.
    SubName,
    Domain,
    Unit,
    Id,
    Channels,
    AudiencePublic,
    AudienceSpecific,
    AudienceText,
    AudienceGroup,
    ModeActive,
    ModeRequest,
    ModeText,
    /// 是否主动公开: 是 is 主动, 否 is 依申请公开.
    ModeActiveYesNo,
    /// 是否依申请公开, its inverse: 是 is 依申请公开, 否 is 主动.
    ModeRequestYesNo,
    LevelsText,
    /// A level's mark column, as a set of levels (bit 0 县级, bit 1 乡级, bit 2 村级): one
    /// column may stand for two (乡、村级).
    Level(u8),
    /// One channel's mark column under a merged 公开渠道和载体 parent: the channel is the
    /// column's label.
    ChannelMark,
}

/// Normalise a header cell for matching: Simplified, no whitespace, ASCII brackets, lower case.
pub(super) fn header_key(s: &str) -> String {
    // Header words only: a full conversion cannot corrupt a name here (編號 → 编号).
    fast2s::convert(&domains::to_simplified(s))
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '*' && *c != '＊')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

thread_local! {
    /// What a cell would mean as a header cell: (its column, whether it is a parent cell).
    static READING: crate::memo::Cache<(Option<Col>, bool)> = Default::default();
}

/// A cell's reading as a header cell, once per distinct text on this thread: the row placer
/// asks it of the first short cell of most item rows (a 领域 repeated down the table), and
/// normalising the text (Traditional → Simplified, full-width brackets) was 8% of validate's
/// instructions.
fn reading(cell: &str) -> (Option<Col>, bool) {
    *crate::memo::get(&READING, cell, |c| {
        let k = header_key(c);
        (classify_key(&k), parent_key(&k))
    })
}

pub(super) fn classify(cell: &str) -> Option<Col> {
    reading(cell).0
}

/// The column a normalised header cell (`header_key`) names.
fn classify_key(k: &str) -> Option<Col> {
    exact(k).or_else(|| {
        // "公开时限（工作日）", "公开对象（全社会/特定群众）": the words before the qualifier.
        let bare = without_qualifiers(k);
        let bare = if bare.is_empty() { k } else { bare.as_str() };
        let col = (bare != k)
            .then(|| exact(bare))
            .flatten()
            .or_else(|| by_keyword(bare))
            .or_else(|| choices_label(bare));
        // 公开方式 is also the older word for the channels: "公开方式（渠道）", "公开方式（载体）"
        // say which they mean.
        if col == Some(Col::ModeText) && CHANNEL_WORDS.iter().any(|w| k.contains(w)) {
            return Some(Col::Channels);
        }
        col
    })
}

/// Words that make a header label (of at most ten characters) the channels column.
const CHANNEL_WORDS: [&str; 3] = ["渠道", "载体", "途径"];

/// A label listing the values of one field, as the template's own header names them:
/// `主动公开/依申请公开` is the 公开方式 text column, `全社会/特定群众` the 公开对象 one,
/// `县级、乡级、村级` the 公开层级 one.
fn choices_label(k: &str) -> Option<Col> {
    let mut parts = k.split(['/', '／', '、', '或']).filter(|p| !p.is_empty());
    let family = |c: Option<Col>| match c? {
        Col::ModeActive | Col::ModeRequest => Some(Col::ModeText),
        Col::AudiencePublic | Col::AudienceSpecific => Some(Col::AudienceText),
        Col::Level(_) => Some(Col::LevelsText),
        _ => None,
    };
    let first = family(exact(parts.next()?))?;
    let mut n = 1;
    for p in parts {
        if family(exact(p)) != Some(first) {
            return None;
        }
        n += 1;
    }
    (n >= 2).then_some(first)
}

/// A header key without its bracketed qualifiers: `公开主体(责任单位)` → `公开主体`.
fn without_qualifiers(k: &str) -> String {
    let mut out = String::with_capacity(k.len());
    let mut depth = 0u32;
    for c in k.chars() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Header wordings met in published catalogues beyond the exact list: 法律法规依据, 事项类别,
/// 具体事项, 责任单位, 公开渠道及方式, 适用层级 …. Only short labels, and only by a word a data
/// cell does not end with, so an item row is not taken for a header.
fn by_keyword(k: &str) -> Option<Col> {
    if k.chars().count() > 10 {
        return None;
    }
    let ends = |w: &[&str]| w.iter().any(|x| k.ends_with(x));
    let has = |w: &[&str]| w.iter().any(|x| k.contains(x));
    Some(if ends(&["序号", "编号"]) {
        Col::Text(Field::Seq)
    } else if ends(&["依据", "依据文件"]) {
        Col::Text(Field::Basis)
    } else if ends(&[
        "时限",
        "时限要求",
        "公开时间",
        "发布时间",
        "公开时效",
        "公开期限",
    ]) {
        Col::Text(Field::Deadline)
    } else if ends(&[
        "主体",
        "责任单位",
        "责任部门",
        "公开部门",
        "发布单位",
        "发布机关",
    ]) {
        Col::Text(Field::Subject)
    } else if has(&CHANNEL_WORDS) {
        Col::Channels
    } else if ends(&["公开对象", "发布对象", "公开范围", "面向对象", "面向群体"])
    {
        Col::AudienceText
    } else if ends(&["公开方式", "公开形式", "公开属性", "公开类型"]) {
        Col::ModeText
    } else if ends(&["层级", "层次"]) {
        Col::LevelsText
    } else if ends(&["公开平台", "发布平台"]) {
        Col::Channels
    } else if ends(&["内容", "要素", "公开标准", "内容标准", "内容规范"]) {
        Col::Text(Field::Content)
    } else if k.starts_with("三级") && ends(&["事项", "目录", "分类", "类目", "名称"]) {
        Col::SubName
    } else if k.starts_with("一级") || ends(&["类别", "分类", "事项大类"]) {
        Col::Text(Field::Category)
    } else if k.starts_with("二级") || ends(&["事项名称", "具体事项", "公开事项", "信息名称"])
    {
        Col::Text(Field::Name)
    } else if k.starts_with("备注") {
        Col::Text(Field::Remarks)
    } else {
        return None;
    })
}

/// The exact header wordings (normalised by [`header_key`]).
fn exact(k: &str) -> Option<Col> {
    Some(match k {
        "序号" | "编号" | "seq" => Col::Text(Field::Seq),
        "领域" | "试点领域" | "所属领域" | "公开领域" | "相应领域" | "对应领域" | "涉及领域"
        | "所涉领域" | "领域名称" | "domain" => Col::Domain,
        "单位" | "公开单位" | "编制单位" | "unit" => Col::Unit,
        "一级事项" | "category" => Col::Text(Field::Category),
        "三级事项" | "三级目录" => Col::SubName,
        "二级事项" | "事项名称" | "公开事项名称" | "公开事项" | "name" => {
            Col::Text(Field::Name)
        }
        "公开内容(要素)" | "公开内容" | "事项内容" | "内容" | "公开内容要素" | "content" => {
            Col::Text(Field::Content)
        }
        "公开依据" | "依据" | "basis" => Col::Text(Field::Basis),
        "公开时限" | "时限" | "deadline" => Col::Text(Field::Deadline),
        "公开主体" | "主体" | "subject" => Col::Text(Field::Subject),
        "公开渠道和载体" | "公开渠道及载体" | "公开渠道" | "公开载体" | "渠道" | "channels" => {
            Col::Channels
        }
        "全社会" => Col::AudiencePublic,
        "特定群众" | "特定群体" | "特定对象" => Col::AudienceSpecific,
        "公开对象" | "audience" => Col::AudienceText,
        "audience_group" => Col::AudienceGroup,
        "主动" | "主动公开" => Col::ModeActive,
        "依申请公开" | "依申请" => Col::ModeRequest,
        "公开方式" | "mode" => Col::ModeText,
        "是否主动公开" | "是否主动" | "是否为主动公开" | "主动公开(是/否)" | "主动公开(是／否)" => {
            Col::ModeActiveYesNo
        }
        "是否依申请公开"
        | "是否依申请"
        | "是否为依申请公开"
        | "依申请公开(是/否)"
        | "依申请公开(是／否)" => Col::ModeRequestYesNo,
        "公开层级" | "层级" | "levels" => Col::LevelsText,
        "县级" => Col::Level(1),
        "乡级" | "乡镇级" | "乡(镇)级" => Col::Level(2),
        "村级" | "村(居)级" | "村(社区)级" => Col::Level(4),
        "备注" | "remarks" => Col::Text(Field::Remarks),
        "id" => Col::Id,
        _ => return level_label(k).or_else(|| channel_label(k).then_some(Col::ChannelMark)),
    })
}

/// A level's mark column written with its alternatives or another word for the level, as
/// county and township catalogues head them: 县(市、区), 县(市、区)级, 乡镇(街道), 乡镇(街道)级,
/// 村(社区), 区级, 镇级, 镇街级. Only a label ending in 级 or holding a bracket: 乡镇 or 社区
/// alone may head another column (a county table's 乡镇).
fn level_label(k: &str) -> Option<Col> {
    if !k.ends_with('级') && !k.contains('(') {
        return None;
    }
    level_col(k)
}

/// The mark column of the level or levels a word names: 县级, 乡镇（街道）, or two at once
/// (乡、村级, as a county's catalogue heads one column for both; 县级、乡级, each with its 级,
/// is the list of a 公开层级 text column instead).
fn level_col(word: &str) -> Option<Col> {
    use crate::model::Level;
    let bit = |l: &Level| match l {
        Level::County => Some(1u8),
        Level::Town => Some(2),
        Level::Village => Some(4),
        Level::Unknown(_) => None,
    };
    if let Some(b) = bit(&Level::parse(word)) {
        return Some(Col::Level(b));
    }
    // 县级、乡级、村级 (each with its 级) lists the values of a 公开层级 text column.
    if word.matches('级').count() > 1 {
        return None;
    }
    let list = Level::parse_list(word);
    let mut mask = 0u8;
    for l in &list {
        mask |= bit(l)?;
    }
    (list.len() >= 2).then_some(Col::Level(mask))
}

/// Whether a header label names one channel (政府网站, 两微一端, 其他…): the label of a mark
/// column under a merged 公开渠道和载体 parent.
fn channel_label(key: &str) -> bool {
    use crate::model::Channel;
    // By the template's names only: a label that merely ends like a channel (…平台, …APP)
    // is not taken for one; under a 公开渠道和载体 parent any label is (`under_channels_parent`).
    match Channel::parse_template(key) {
        Channel::Known(_) | Channel::Other(None) => true,
        // 其他（微信群） names a local channel; 其他政策文件 is an item's name, not a label.
        Channel::Other(Some(_)) => key.starts_with("其他(") || key.starts_with("其它("),
        Channel::Unknown(_) => false,
    }
}

/// Whether a cell is a header label: it names a column or is a parent of columns.
pub fn is_header_text(cell: &str) -> bool {
    reading(cell.trim()) != (None, false)
}

/// Parent cells of a two-row header: they have children in the row below.
pub(super) fn is_parent(cell: &str) -> bool {
    reading(cell).1
}

/// Whether a normalised header cell is a parent, with or without its qualifiers.
fn parent_key(k: &str) -> bool {
    let bare = without_qualifiers(k);
    is_parent_key(k) || (!bare.is_empty() && is_parent_key(&bare))
}

fn is_parent_key(k: &str) -> bool {
    matches!(
        k,
        "公开事项"
            | "公开对象"
            | "公开方式"
            | "公开层级"
            | "公开渠道和载体"
            | "公开渠道及载体"
            | "公开渠道"
            | "公开载体"
    )
}

/// Words for the office that discloses that name no column by themselves: the 公开主体 of a
/// table that has no column for it (a township's own list: 责任科室, 承办单位; 公开单位 is
/// otherwise the 单位 of a county-wide table).
const SUBJECT_IF_NONE: [&str; 8] = [
    "公开单位",
    "责任科室",
    "责任股室",
    "责任处室",
    "承办单位",
    "承办科室",
    "承办部门",
    "经办科室",
];

/// Words read as the 公开主体 that give way to a column headed 公开主体 (主体, 责任主体,
/// 发布机关 …) wherever it stands.
const SUBJECT_SECOND: [&str; 3] = ["责任单位", "责任部门", "实施主体"];

/// The 公开主体 of a header: a column headed 公开主体 wins over 责任单位, 责任部门 and
/// 实施主体, which then go to 备注 like any other column (the first of them is the 公开主体
/// otherwise); a table with none of these takes the first column headed 责任科室, 承办单位,
/// 公开单位 … as its 公开主体.
fn prefer_subject(cols: &mut [Option<Col>], labels: &[String]) {
    let bare = |l: &str| {
        let k = header_key(l);
        let b = without_qualifiers(&k);
        if b.is_empty() {
            k
        } else {
            b
        }
    };
    let subject = Some(Col::Text(Field::Subject));
    let second = |l: &str| SUBJECT_SECOND.contains(&bare(l).as_str());
    if cols
        .iter()
        .zip(labels)
        .any(|(c, l)| *c == subject && !second(l))
    {
        for (c, l) in cols.iter_mut().zip(labels) {
            if *c == subject && second(l) {
                *c = None;
            }
        }
    } else if !cols.contains(&subject) {
        if let Some((c, _)) = cols
            .iter_mut()
            .zip(labels)
            .find(|(_, l)| SUBJECT_IF_NONE.contains(&bare(l).as_str()))
        {
            *c = subject;
        }
    }
}

/// A column clerks add beside the template's, known by its label: its values go to 备注 as
/// `列名：值` as an unknown column's do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Extra {
    /// Public information about the item (公开时长, 网站栏目, 咨询电话, 更新时间, a second
    /// 备注): no warning. A mobile number in it is still GK605 (the privacy rules read 备注).
    Known,
    /// A person (责任人, 联系人, 经办人): still reported (GK009), since the name is published
    /// with the catalogue.
    Person,
}

/// The extra column a label names, if any (see [`Extra`]).
pub(super) fn extra_column(label: &str) -> Option<Extra> {
    let k = header_key(label);
    let bare = without_qualifiers(&k);
    let k = if bare.is_empty() { k } else { bare };
    const KNOWN: [&str; 21] = [
        "公开时长",
        "保存期限",
        "保留期限",
        "公开有效期",
        "网站栏目",
        "所属栏目",
        "发布栏目",
        "公开栏目",
        "栏目",
        "栏目名称",
        "联系电话",
        "咨询电话",
        "监督电话",
        "投诉电话",
        "办公电话",
        "联系方式",
        "咨询方式",
        "更新时间",
        "更新日期",
        "说明",
        "备注说明",
    ];
    const PERSON: [&str; 6] = [
        "责任人",
        "联系人",
        "经办人",
        "负责人",
        "责任领导",
        "具体责任人",
    ];
    if KNOWN.contains(&k.as_str()) || k.starts_with("备注") {
        Some(Extra::Known)
    } else if PERSON.contains(&k.as_str()) {
        Some(Extra::Person)
    } else {
        None
    }
}

/// Whether a header label is one of the words older catalogues use for the mode or for the
/// channels alike (公开方式, 公开形式, 公开属性, 公开类别, 公开类型, 发布方式, 发布形式), with or
/// without a qualifier: its column's values decide which it is.
fn mode_or_channels_label(label: &str) -> bool {
    let k = header_key(label);
    let bare = without_qualifiers(&k);
    let bare = if bare.is_empty() { k } else { bare };
    matches!(
        bare.as_str(),
        "公开方式" | "公开形式" | "公开属性" | "公开类别" | "公开类型" | "发布方式" | "发布形式"
    )
}

/// What the cells of column `i` in the rows below a header hold, when more than half of its
/// non-blank cells agree: the mode (主动公开, 依申请公开) or channels (政府网站、公告栏). Rows
/// holding one text across the row (a section row, a note) are not counted. `None` when
/// neither has the majority: the header's word then decides.
fn mode_or_channels_by_values(body: &[RawRow], i: usize) -> Option<Col> {
    use crate::model::{Channel, Mode};
    let (mut filled, mut modes, mut channels) = (0usize, 0usize, 0usize);
    for r in body {
        let Some(v) = r.cells.get(i).map(crate::text::trim) else {
            continue;
        };
        if v.is_empty() {
            continue;
        }
        let one_text = r
            .cells
            .iter()
            .map(crate::text::trim)
            .all(|c| c.is_empty() || c == v);
        if one_text {
            continue;
        }
        filled += 1;
        let simplified = fast2s::convert(v);
        let listed = Mode::parse_list(&simplified);
        if !listed.is_empty() && listed.iter().all(|m| !matches!(m, Mode::Unknown(_))) {
            modes += 1;
        } else if Channel::parse_list(&simplified)
            .iter()
            .any(|c| matches!(c, Channel::Known(_)))
        {
            channels += 1;
        }
    }
    if modes * 2 > filled {
        Some(Col::ModeText)
    } else if channels * 2 > filled {
        Some(Col::Channels)
    } else {
        None
    }
}

/// The header columns that the template requires, as (what is needed, satisfied-by).
pub(super) const REQUIRED: [(&str, &[Col]); 8] = [
    ("二级事项", &[Col::Text(Field::Name)]),
    ("公开内容（要素）", &[Col::Text(Field::Content)]),
    ("公开依据", &[Col::Text(Field::Basis)]),
    ("公开时限", &[Col::Text(Field::Deadline)]),
    ("公开主体", &[Col::Text(Field::Subject)]),
    ("公开渠道和载体", &[Col::Channels, Col::ChannelMark]),
    (
        "公开对象（全社会/特定群众）",
        &[
            Col::AudiencePublic,
            Col::AudienceSpecific,
            Col::AudienceText,
        ],
    ),
    (
        "公开方式（主动/依申请公开）",
        &[
            Col::ModeActive,
            Col::ModeRequest,
            Col::ModeText,
            Col::ModeActiveYesNo,
            Col::ModeRequestYesNo,
        ],
    ),
];

pub(super) struct Header {
    /// Index of the last header row in the buffered rows.
    pub(super) last: usize,
    pub(super) cols: Vec<Option<Col>>,
    pub(super) labels: Vec<String>,
    pub(super) title: Option<String>,
    /// The cell above the header nearest to it that names a domain (the title, or a
    /// "一、社会救助领域" row between a workbook's title and the header).
    pub(super) domain_title: Option<String>,
    /// The header (or the title above it) is written in Traditional characters.
    pub(super) traditional: bool,
}

/// The cells of a header's columns as (top cell, the parent cell in force — the last non-empty
/// top cell at or left of the column, since a merged parent spans blank cells to its right —,
/// sub cell), all trimmed.
fn header_columns<'a>(
    top: &'a RawRow,
    sub: Option<&'a RawRow>,
) -> Vec<(&'a str, &'a str, &'a str)> {
    let n = top.cells.len().max(sub.map(|s| s.cells.len()).unwrap_or(0));
    let mut parent = "";
    (0..n)
        .map(|i| {
            let t = top.cells.get(i).map(|s| s.trim()).unwrap_or("");
            if !t.is_empty() {
                parent = t;
            }
            let s = sub
                .and_then(|s| s.cells.get(i))
                .map(|s| s.trim())
                .unwrap_or("");
            (t, parent, s)
        })
        .collect()
}

pub(super) fn combine(top: &RawRow, sub: Option<&RawRow>) -> Vec<String> {
    header_columns(top, sub)
        .into_iter()
        .map(|(t, parent, s)| {
            // A merged parent spans blank cells to its right; its children name the columns.
            // So does a sub cell naming a column under a top cell that names none (公开要求
            // merged over 公开对象, 公开方式, 公开层级 in a three-row header).
            let under_parent =
                (t.is_empty() || is_parent(t)) && (is_parent(parent) || t.is_empty());
            let under_other = || {
                let (top, sub) = (reading(t), reading(s));
                top == (None, false) && sub != (None, false)
            };
            // A parent whose words make a column only with its child's (公开 over 对象, 方式):
            // the two read together, when that names another column than the parent alone.
            // Only short words (by_keyword reads at most ten characters): a data row below a
            // header is not joined cell by cell.
            if !s.is_empty()
                && parent.chars().count() + s.chars().count() <= 10
                && (t.is_empty() || t == parent)
                && reading(s) == (None, false)
            {
                let joined = format!("{parent}{s}");
                let col = classify(&joined);
                if col.is_some() && col != classify(parent) {
                    return joined;
                }
            }
            let label = if !s.is_empty()
                && (under_parent || (!t.is_empty() && under_other()) || owns_child(parent, s))
            {
                s
            } else {
                t
            };
            label.to_string()
        })
        .collect()
}

/// Whether a top cell that names a column of values (公开范围, 发布渠道, 公开形式, 适用层级 —
/// words that are not the template's parents) is the parent of the sub cell below it: the
/// sub cell names one of its values (全社会, 主动, 县级) or a channel. A parent repeated over
/// each of its columns, or written once over the first, reads as a merged one.
fn owns_child(parent: &str, child: &str) -> bool {
    if child.is_empty() || parent.is_empty() {
        return false;
    }
    let channel = classify(child) == Some(Col::ChannelMark);
    child_mark_col(parent, child).is_some()
        || (channels_parent(parent) && channel)
        // A local channel (村村响) under a repeated 公开途径.
        || (classify(parent) == Some(Col::Channels) && reading(child) == (None, false))
}

/// Whether a parent's words name the channels (公开渠道, 发布渠道, 公开途径), or may name them
/// (公开方式, 公开形式: their children say which).
fn channels_parent(parent: &str) -> bool {
    classify(parent) == Some(Col::Channels) || mode_or_channels_label(parent)
}

/// Whether a parent's words name a field whose values may each have a mark column: 公开对象,
/// 公开方式, 公开层级 and their other words (公开范围, 公开形式, 公开属性, 适用层级).
fn values_parent(parent: &str) -> bool {
    is_parent(parent)
        || mode_or_channels_label(parent)
        || matches!(
            classify(parent),
            Some(Col::AudienceText | Col::ModeText | Col::LevelsText)
        )
}

pub(super) fn score(labels: &[String]) -> (usize, bool) {
    score_cols(labels.iter().map(|l| classify(l)))
}

/// How many distinct columns, and whether 二级事项 is one of them.
fn score_cols(cols: impl Iterator<Item = Option<Col>>) -> (usize, bool) {
    let cols: Vec<Col> = cols.flatten().collect();
    let mut distinct = cols.clone();
    distinct.sort_by_key(|c| format!("{c:?}"));
    distinct.dedup();
    (distinct.len(), cols.contains(&Col::Text(Field::Name)))
}

/// Two columns naming one text field (公开时限 and 公开期限, 公开依据 and 法律依据): the first
/// is the field and the other is read as an unrecognised column (its text goes to 备注, GK009),
/// rather than one silently overwriting the other, blank cells included.
fn first_of_each_field(mut cols: Vec<Option<Col>>) -> Vec<Option<Col>> {
    let mut seen = Vec::new();
    for c in cols.iter_mut() {
        if let Some(Col::Text(f)) = *c {
            if seen.contains(&f) {
                *c = None;
            } else {
                seen.push(f);
            }
        }
    }
    cols
}

/// A catalogue with three levels of items: 具体事项 (or 具体内容事项) beside another 二级事项
/// column (事项类别 | 事项名称 | 具体事项) is the third level, not a second 二级事项; a second
/// third-level column goes to 备注 as a second column of one field does. Without a 一级事项
/// column the two are the two levels the template has (公开事项 | 具体事项): the first is the
/// 一级事项, 具体事项 the 二级事项.
fn third_level(cols: &mut [Option<Col>], labels: &[String]) {
    let name = Some(Col::Text(Field::Name));
    let specific = |l: &str| {
        let k = header_key(l);
        let bare = without_qualifiers(&k);
        bare.ends_with("具体事项")
    };
    let has_category = cols.contains(&Some(Col::Text(Field::Category)));
    if let Some(first) = cols.iter().position(|c| *c == name) {
        let below = cols
            .iter()
            .zip(labels)
            .skip(first + 1)
            .any(|(c, l)| *c == name && specific(l));
        if below && !has_category {
            if let Some(c) = cols.get_mut(first) {
                *c = Some(Col::Text(Field::Category));
            }
        } else {
            for (c, l) in cols.iter_mut().zip(labels).skip(first + 1) {
                if *c == name && specific(l) {
                    *c = Some(Col::SubName);
                }
            }
        }
    }
    let mut seen = false;
    for c in cols.iter_mut() {
        if *c == Some(Col::SubName) {
            if seen {
                *c = None;
            }
            seen = true;
        }
    }
}

/// A child of a two-row header under a 公开对象, 公开方式 or 公开层级 parent, as
/// [`value_mark_col`] reads it.
fn child_mark_col(parent: &str, child: &str) -> Option<Col> {
    if child.is_empty() || !values_parent(parent) {
        return None;
    }
    let words: String = child.chars().filter(|c| !c.is_whitespace()).collect();
    // 公开形式 over 主动 | 依申请: the mode's words.
    let field = match classify(parent) {
        Some(Col::Channels | Col::Text(_)) | None if mode_or_channels_label(parent) => {
            Some(Col::ModeText)
        }
        c => c,
    };
    value_mark_col(field, &words)
}

/// The mark column a child label names under a 公开对象, 公开方式 or 公开层级 parent, read as
/// the cells of those columns are read (a trailing 公开 is the parent's word repeated).
fn value_mark_col(parent: Option<Col>, label: &str) -> Option<Col> {
    use crate::model::{Audience, Mode};
    let label = label.trim();
    let word = label
        .strip_suffix("公开")
        .filter(|w| !w.is_empty())
        .unwrap_or(label);
    match parent? {
        Col::AudienceText => match Audience::parse(word) {
            Audience::Public => Some(Col::AudiencePublic),
            // A group named alone (低保对象) is a value, not the 特定群众 column's label.
            Audience::Specific(Some(_)) if !word.contains("特定") => None,
            Audience::Specific(_) => Some(Col::AudienceSpecific),
            Audience::Unknown(_) => None,
        },
        Col::ModeText => match Mode::parse(word) {
            Mode::Active => Some(Col::ModeActive),
            Mode::OnRequest => Some(Col::ModeRequest),
            Mode::Unknown(_) => None,
        },
        Col::LevelsText => level_col(word),
        _ => None,
    }
}

/// The columns of a two-row header that sit under a merged 公开渠道和载体 (公开渠道, 公开载体 …)
/// parent: each names a channel, a local one (微信群, 便民服务中心) included.
fn under_channels_parent(top: &RawRow, sub: &RawRow) -> Vec<bool> {
    header_columns(top, Some(sub))
        .into_iter()
        .map(|(_, parent, s)| !s.is_empty() && classify(parent) == Some(Col::Channels))
        .collect()
}

/// 市级 beside other level columns (市级 | 镇（街）级 in a city without counties, 中山 or 东莞;
/// 市级 | 镇级 or the city named, 东阳市级 | 镇街乡 | 村, in a county-level city) is the level
/// above the towns: the 县级 column, when no column is 县级 already (a district's 市级 | 区级 |
/// 街道级 keeps 区级 as 县级 and 市级 unknown).
fn city_level(cols: &mut [Option<Col>], labels: &[String]) {
    let levels = || {
        cols.iter().filter_map(|c| match c {
            Some(Col::Level(m)) => Some(*m),
            _ => None,
        })
    };
    if levels().next().is_none() || levels().any(|m| m & 1 != 0) {
        return;
    }
    let mut taken = false;
    for (c, l) in cols.iter_mut().zip(labels) {
        let k = header_key(l);
        let city = k.ends_with("市级") && k.chars().count() <= 6;
        if c.is_none() && !taken && city {
            *c = Some(Col::Level(1));
            taken = true;
        }
    }
}

/// The children of a parent that heads channel sub-columns under another word (公开方式,
/// 公开形式 over 政府网站 | 公示栏 | 村村响 | 微信群, merged or repeated over each): a local
/// channel the template does not list is a channel's mark column too (its marks read as
/// 其他（微信群）; 村村响 is the template's 广播电视), when every sibling under that parent is a channel's column or such a label
/// and none is a mode's (主动 | 依申请公开 make the parent the mode's).
fn local_channel_children(
    top: &RawRow,
    sub: &RawRow,
    cols: &mut [Option<Col>],
    labels: &mut [String],
) {
    let columns = header_columns(top, Some(sub));
    let n = columns.len().min(cols.len()).min(labels.len());
    // A local channel's label: a short word that names no column, under a column that took
    // no other meaning than its parent's word.
    let local = |col: Option<Col>, label: &str, s: &str, parent: &str| {
        !s.is_empty()
            && s.chars().count() <= 12
            && reading(s) == (None, false)
            && extra_column(s).is_none()
            && (col.is_none() || header_key(label) == header_key(parent))
    };
    let mut start = 0;
    while start < n {
        let parent = columns[start].1;
        let mut end = start + 1;
        while end < n
            && columns[end].1 == parent
            && (columns[end].0.is_empty() || columns[end].0 == parent)
        {
            end += 1;
        }
        if !parent.is_empty() && channels_parent(parent) {
            let kinds: Vec<(bool, bool)> = (start..end)
                .map(|j| {
                    let channel = cols[j] == Some(Col::ChannelMark);
                    (
                        channel,
                        !channel && local(cols[j], &labels[j], columns[j].2, parent),
                    )
                })
                .collect();
            let any_channel = kinds.iter().any(|k| k.0);
            let any_local = kinds.iter().any(|k| k.1);
            let all = kinds.iter().all(|k| k.0 || k.1);
            if any_channel && any_local && all {
                for (j, (channel, _)) in (start..end).zip(kinds) {
                    if !channel {
                        cols[j] = Some(Col::ChannelMark);
                        labels[j] = columns[j].2.to_string();
                    }
                }
            }
        }
        start = end;
    }
}

pub(super) fn find_header(rows: &[RawRow]) -> Option<Header> {
    for i in 0..rows.len() {
        let single = combine(&rows[i], None);
        let double = rows.get(i + 1).map(|next| combine(&rows[i], Some(next)));
        let (s1, n1) = score(&single);
        // A header's first row names columns itself; a title or "社会救助领域" row above the
        // header does not, even though combining it with the header row below would score.
        if s1 < 2 {
            continue;
        }
        let (s2, n2) = double
            .as_ref()
            .map(|d| {
                score_cols(
                    d.iter()
                        .map(|l| classify(l))
                        .zip(header_columns(&rows[i], rows.get(i + 1)))
                        .map(|(c, (_, parent, s))| c.or_else(|| child_mark_col(parent, s))),
                )
            })
            .unwrap_or((0, false));
        let (mut labels, mut last, ok) = if s2 > s1 && n2 {
            (double.unwrap_or_default(), i + 1, s2 >= 4)
        } else {
            (single, i, n1 && s1 >= 4)
        };
        // A three-row header (公开事项 over 一级/二级事项 beside 公开要求 over 公开对象 over
        // 全社会/特定群众): the two rows read so far act as the top row of the third, which is
        // taken when it names more columns.
        let mut top_of_last = rows[i].clone();
        if ok && last == i + 1 {
            if let Some(third) = rows.get(i + 2) {
                let two = RawRow {
                    cells: labels.clone().into(),
                    ..rows[i + 1].clone()
                };
                let triple = combine(&two, Some(third));
                let (s3, n3) = score(&triple);
                if s3 > s2 && n3 {
                    (labels, last, top_of_last) = (triple, i + 2, two);
                }
            }
        }
        if ok {
            let above = || {
                rows[..i]
                    .iter()
                    .flat_map(|r| r.cells.iter())
                    .map(|c| c.trim())
            };
            // The title row ("…标准目录"), else a row naming only the domain ("社会救助领域").
            let title = above()
                .find(|c| c.contains("目录") || c.contains("目錄"))
                .or_else(|| above().find(|c| title_domain(c).is_some()))
                .map(str::to_string);
            let domain_title = rows[..i]
                .iter()
                .rev()
                .flat_map(|r| r.cells.iter())
                .map(|c| c.trim())
                .find(|c| title_domain(c).is_some())
                .map(str::to_string);
            let mut cols: Vec<Option<Col>> = labels.iter().map(|l| classify(l)).collect();
            // 公开方式, 公开形式, 公开属性, 公开类别, 发布方式: older catalogues write the mode
            // under these words, or the channels. The column's values say which.
            let body = rows.get(last + 1..).unwrap_or_default();
            for (i, (c, label)) in cols.iter_mut().zip(&labels).enumerate() {
                if mode_or_channels_label(label) {
                    if let Some(by_values) = mode_or_channels_by_values(body, i) {
                        *c = Some(by_values);
                    }
                }
            }
            prefer_subject(&mut cols, &labels);
            // 公开要求 over nothing, in a table without a 公开时限 column, holds the time limit
            // (条目化展示、信息形成（变更）20个工作日内).
            if !cols.contains(&Some(Col::Text(Field::Deadline))) {
                if let Some((c, _)) = cols
                    .iter_mut()
                    .zip(&labels)
                    .find(|(c, l)| c.is_none() && header_key(l) == "公开要求")
                {
                    *c = Some(Col::Text(Field::Deadline));
                }
            }
            third_level(&mut cols, &labels);
            let mut cols = first_of_each_field(cols);
            if last > i {
                // A sub-column under the channels parent is a channel's mark column even when
                // its label is a local channel the template does not list (微信群).
                let children = rows
                    .get(last)
                    .map(|sub| under_channels_parent(&top_of_last, sub))
                    .unwrap_or_default();
                for ((c, child), l) in cols.iter_mut().zip(children).zip(&labels) {
                    if c.is_none() && child && extra_column(l).is_none() {
                        *c = Some(Col::ChannelMark);
                    }
                }
                if let Some(sub) = rows.get(last) {
                    local_channel_children(&top_of_last, sub, &mut cols, &mut labels);
                }
                // Under 公开对象, 公开方式, 公开层级, a child labelled with any word for one of
                // their values is that value's mark column (社会公众, 全社会公开, 县, 乡镇).
                if let Some(sub) = rows.get(last) {
                    for (c, (_, parent, s)) in
                        cols.iter_mut().zip(header_columns(&top_of_last, Some(sub)))
                    {
                        if c.is_none() {
                            *c = child_mark_col(parent, s);
                        }
                    }
                }
            }
            city_level(&mut cols, &labels);
            // Only the vocabulary map is asked: a Simplified header never holds one of its
            // Traditional characters, so a Simplified file is never converted (乾县 stays).
            // The header's own words may be converted fully (公開, 編號); a title above it
            // only by the vocabulary map (乾县 stays Simplified).
            let traditional = rows[i..=last]
                .iter()
                .flat_map(|r| r.cells.iter())
                .any(|c| fast2s::convert(c) != *c)
                || rows[..i]
                    .iter()
                    .flat_map(|r| r.cells.iter())
                    .any(|c| matches!(domains::to_simplified(c), std::borrow::Cow::Owned(_)));
            return Some(Header {
                last,
                cols,
                labels,
                title,
                domain_title,
                traditional,
            });
        }
    }
    None
}

/// The header of a table, if one is found in `rows`: the index of its last row and the
/// field each column fills (`None` for columns that are not a template column).
pub fn column_fields(rows: &[RawRow]) -> Option<(usize, Vec<Option<Field>>)> {
    let h = find_header(rows)?;
    Some((
        h.last,
        h.cols.iter().map(|c| c.and_then(col_field)).collect(),
    ))
}

/// Whether a table is one of the county tables gkml writes beside the catalogues (the
/// coverage matrix 覆盖情况 or the responsibility table 责任分工), by its header: their
/// names in Chinese, for a note that says so.
pub(super) fn county_table(rows: &[RawRow]) -> Option<&'static str> {
    rows.iter().take(5).find_map(|r| {
        let cells: Vec<String> = r.cells.iter().map(header_key).collect();
        let has = |w: &str| cells.iter().any(|c| c == w);
        let domains = r
            .cells
            .iter()
            .filter(|c| crate::domains::lookup(c).domain().is_some())
            .count();
        if has("单位") && has("类别") && has("合计") && domains >= 5 {
            Some("覆盖情况表")
        } else if has("试点领域") && has("牵头单位") {
            Some("责任分工表")
        } else {
            None
        }
    })
}

/// The domain a title names ("…社會救助領域基層政務公開標準目錄" → 社会救助), and the title
/// without it, which may still name the unit. The domain must be followed by the title's
/// decoration, so that 扶贫 in "扶贫办政务公开事项标准目录" (a unit) is not taken for one.
pub(super) fn title_domain(title: &str) -> Option<(domains::SectionKey, String)> {
    let t = domains::to_simplified(title.trim()).into_owned();
    let mut best: Option<(usize, usize, u8)> = None;
    for d in (1..=26).filter_map(domains::by_id) {
        for name in std::iter::once(d.name).chain(d.aliases.iter().copied()) {
            let Some(p) = t.find(name) else { continue };
            let mut end = p + name.len();
            if t[end..].starts_with("领域") {
                end += "领域".len();
            }
            let decorated = ["基层", "政务公开", "公开", "标准目录", "事项", "目录"]
                .iter()
                .any(|k| t[end..].starts_with(k));
            // A title row that is only the domain ("社会救助领域", "一、社会救助"), as the
            // section rows below a header are written.
            let bare = t[end..].trim().is_empty()
                && t[..p].chars().all(|c| {
                    c.is_whitespace() || "一二三四五六七八九十（）()、.．0123456789".contains(c)
                });
            // The domain in brackets after the title, as portals print it
            // ("…基层政务公开标准目录（社会救助领域）"): the brackets go with it.
            let open = t[..p]
                .chars()
                .next_back()
                .filter(|c| matches!(c, '（' | '('));
            let close = t[end..].chars().next().filter(|c| matches!(c, '）' | ')'));
            let bracketed = open.is_some() && close.is_some();
            let (p, end) = match (open, close) {
                (Some(o), Some(c)) if !decorated && !bare => (p - o.len_utf8(), end + c.len_utf8()),
                _ => (p, end),
            };
            if (decorated || bare || bracketed)
                && best.is_none_or(|(s, e, _)| p < s || (p == s && end > e))
            {
                best = Some((p, end, d.id));
            }
        }
    }
    let (s, e, id) = best?;
    let rest = format!("{}{}", &t[..s], &t[e..]);
    Some((domains::SectionKey::Domain(id), rest))
}

/// The unit named by a title such as "曲沃县乐昌镇人民政府基层政务公开标准目录":
/// (short name 乐昌镇, full name 曲沃县乐昌镇人民政府).
pub fn unit_from_title(title: &str) -> Option<(String, String)> {
    let t = domains::to_simplified(title.trim());
    let t = without_attachment_label(&t);
    let cut = [
        "基层政务公开事项标准目录",
        "基层政务公开标准目录",
        "政务公开事项标准目录",
        "政务公开标准目录",
        "基层政务公开事项目录",
        "政务公开事项目录",
        "政务公开目录",
        "公开事项目录",
        "标准目录",
        "目录",
    ]
    .iter()
    .find_map(|suf| t.find(suf))?;
    // "一、社会救助领域…目录" (one of several numbered tables) names no unit: the numbering
    // is not a name.
    let full = super::cells::strip_enumeration(&t[..cut])
        .trim_end_matches(['（', '('])
        .to_string();
    if full.is_empty() || full.chars().all(|c| !c.is_alphanumeric()) {
        return None;
    }
    let mut short = full
        .trim_end_matches("人民政府")
        .trim_end_matches("办事处")
        .to_string();
    for sep in ["县", "区", "市"] {
        if let Some(pos) = short.find(sep) {
            let rest = &short[pos + sep.len()..];
            if rest.chars().count() >= 2 {
                short = rest.to_string();
                break;
            }
        }
    }
    Some((short, full))
}

/// A title or file name without the attachment label a notice gives it: "附件2：", "附件1-",
/// "附表3 ", "附件二、".
fn without_attachment_label(t: &str) -> &str {
    let Some(rest) = t.strip_prefix("附件").or_else(|| t.strip_prefix("附表")) else {
        return t;
    };
    // The number (2, 2-1, 二), then what separates it from the title.
    rest.trim_start_matches(|c: char| {
        c.is_ascii_digit()
            || "一二三四五六七八九十".contains(c)
            || matches!(c, '-' | '－' | '.' | '．')
    })
    .trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '：' | ':' | '、' | '—' | '_' | '－' | '-')
    })
}

/// The unit a file's name gives when the draft names none (no 单位 column, no title row):
/// the stem read as a title ("附件2：乐昌镇基层政务公开标准目录（2024年修订）" → 乐昌镇,
/// "曲沃县乐昌镇人民政府政务公开事项目录" → 乐昌镇), else the stem as it is. A name with a
/// digit in it (a year: "2024年政务公开目录") is not a unit.
pub fn unit_from_file_stem(stem: &str) -> String {
    match unit_from_title(stem) {
        Some((short, _))
            if short.chars().count() >= 2 && !short.chars().any(|c| c.is_ascii_digit()) =>
        {
            short
        }
        _ => stem.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names_from_file_stems() {
        for (stem, unit) in [
            ("附件2：乐昌镇基层政务公开标准目录（2024年修订）", "乐昌镇"),
            ("附件1-曲沃县乐昌镇人民政府政务公开事项目录", "乐昌镇"),
            ("附表3 新街镇基层政务公开标准目录", "新街镇"),
            ("嘉鱼县民政局政务公开事项标准目录", "民政局"),
            ("乐昌镇", "乐昌镇"),
            ("乐昌镇_gbk", "乐昌镇_gbk"),
            ("2024年政务公开目录", "2024年政务公开目录"),
            ("附件2", "附件2"),
            ("目录", "目录"),
        ] {
            assert_eq!(unit_from_file_stem(stem), unit, "{stem}");
        }
    }

    #[test]
    fn unit_names_from_titles() {
        assert_eq!(
            unit_from_title("曲沃县乐昌镇人民政府基层政务公开标准目录"),
            Some(("乐昌镇".into(), "曲沃县乐昌镇人民政府".into()))
        );
        assert_eq!(
            unit_from_title("嘉鱼县民政局政务公开事项标准目录"),
            Some(("民政局".into(), "嘉鱼县民政局".into()))
        );
        assert_eq!(unit_from_title("附件"), None);
        assert_eq!(unit_from_title("一、基层政务公开标准目录"), None);
        assert_eq!(unit_from_title("二、标准目录"), None);
        assert_eq!(
            unit_from_title("一、乐昌镇基层政务公开标准目录").map(|u| u.0),
            Some("乐昌镇".into())
        );
    }

    #[test]
    fn header_wordings_of_real_drafts() {
        for (label, col) in [
            ("公开途径", Col::Channels),
            ("公开方式（渠道）", Col::Channels),
            ("公开方式(载体)", Col::Channels),
            ("公开方式（主动/依申请）", Col::ModeText),
            ("公开时限要求", Col::Text(Field::Deadline)),
            ("时限要求", Col::Text(Field::Deadline)),
            ("公开属性", Col::ModeText),
            ("公开类型", Col::ModeText),
            ("面向群体", Col::AudienceText),
            ("依据文件", Col::Text(Field::Basis)),
            ("公开标准", Col::Text(Field::Content)),
            ("主动公开/依申请公开", Col::ModeText),
            ("主动／依申请", Col::ModeText),
            ("全社会/特定群众", Col::AudienceText),
            ("县级、乡级、村级", Col::LevelsText),
        ] {
            assert_eq!(classify(label), Some(col), "{label}");
        }
        // Two values of different fields are no label.
        assert_eq!(classify("主动/全社会"), None);
        assert_eq!(classify("公开方式"), Some(Col::ModeText));
    }

    #[test]
    fn a_title_names_its_domain_in_either_script() {
        let (k, rest) = title_domain("东湖区社會救助領域基層政務公開標準目錄").expect("domain");
        assert_eq!(k.display_name(), "社会救助");
        assert_eq!(unit_from_title(&rest).map(|u| u.0), Some("东湖区".into()));
        assert!(title_domain("扶贫办政务公开事项标准目录").is_none());
        // A bare domain above the header, as a section row is written.
        for bare in ["社会救助领域", "一、社会救助领域", "（一）社会救助"] {
            let (k, rest) = title_domain(bare).expect(bare);
            assert_eq!(k, crate::domains::SectionKey::Domain(5), "{bare}");
            assert_eq!(unit_from_title(&rest), None, "{bare}");
        }
        assert!(title_domain("扶贫办").is_none());
        // The domain in brackets after the title, as portals print it.
        for t in [
            "赤壁市新店镇基层政务公开标准目录（社会救助领域）",
            "赤壁市新店镇基层政务公开标准目录(社会救助)",
        ] {
            let (k, rest) = title_domain(t).expect(t);
            assert_eq!(k.display_name(), "社会救助", "{t}");
            assert_eq!(rest, "赤壁市新店镇基层政务公开标准目录", "{t}");
            assert_eq!(unit_from_title(&rest).map(|u| u.0), Some("新店镇".into()));
        }
        let (k, rest) = title_domain("义务教育领域基层政务公开标准目录").expect("domain");
        assert_eq!(k.display_name(), "义务教育");
        assert_eq!(unit_from_title(&rest), None);
    }
}
