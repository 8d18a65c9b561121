//! The 26 pilot domains of 国办发〔2019〕54号 and the general sections catalogues also carry.
//!
//! Real documents name a domain in many ways: with a 领域 suffix (社会救助领域), by an older or
//! local name (城乡规划 for 国土空间规划), in Traditional characters (社會救助, as 東湖區 writes),
//! or several in one cell (社会救助领域、养老服务领域). Everything that matches names goes through
//! [`lookup`] so those variants are handled in one place.

use std::collections::HashMap;
use std::sync::OnceLock;

/// One pilot domain (试点领域) with its stable id (1–26, the order of the guidance).
#[derive(Debug)]
pub struct Domain {
    /// Stable id, 1–26, in the order of docs/CONTRACT.md §2.
    pub id: u8,
    /// Canonical name, as the guidance writes it.
    pub name: &'static str,
    /// Other names real documents use for the same domain.
    pub aliases: &'static [&'static str],
    /// The canonical name in Traditional characters.
    pub traditional: &'static str,
    /// The usual lead county department (alternatives separated by " / ").
    pub lead: &'static str,
}

macro_rules! domains {
    ($(($id:expr, $name:expr, [$($alias:expr),*], $trad:expr, $lead:expr)),* $(,)?) => {
        /// The 26 pilot domains, in id order.
        pub static DOMAINS: &[Domain] = &[
            $(Domain { id: $id, name: $name, aliases: &[$($alias),*], traditional: $trad, lead: $lead }),*
        ];
    };
}

domains![
    (1, "重大建设项目", [], "重大建設項目", "发改局"),
    (
        2,
        "公共资源交易",
        [],
        "公共資源交易",
        "公共资源交易中心 / 审批局"
    ),
    (3, "义务教育", [], "義務教育", "教育局"),
    (4, "户籍管理", [], "戶籍管理", "公安局"),
    (5, "社会救助", [], "社會救助", "民政局"),
    (6, "养老服务", [], "養老服務", "民政局"),
    (7, "公共法律服务", [], "公共法律服務", "司法局"),
    (8, "财政预决算", [], "財政預決算", "财政局"),
    (9, "就业创业", [], "就業創業", "人社局"),
    (10, "社会保险", [], "社會保險", "人社局"),
    (
        11,
        "国土空间规划",
        ["城乡规划"],
        "國土空間規劃",
        "自然资源和规划局"
    ),
    (
        12,
        "征地补偿",
        ["农村集体土地征收"],
        "徵地補償",
        "自然资源和规划局"
    ),
    (13, "环境保护", ["生态环境"], "環境保護", "生态环境分局"),
    (14, "保障性住房", [], "保障性住房", "住建局 / 房管局"),
    (
        15,
        "国有土地上房屋征收与补偿",
        ["国有土地上房屋征收"],
        "國有土地上房屋徵收與補償",
        "住建局 / 房管局"
    ),
    (16, "农村危房改造", [], "農村危房改造", "住建局"),
    (17, "市政服务", [], "市政服務", "住建局 / 城建局"),
    (18, "城市综合执法", [], "城市綜合執法", "城管执法局"),
    (19, "涉农补贴", [], "涉農補貼", "农业农村局"),
    (20, "公共文化服务", [], "公共文化服務", "文旅局"),
    (21, "医疗卫生", ["卫生健康"], "醫療衛生", "卫健局"),
    (22, "安全生产", [], "安全生產", "应急管理局"),
    (23, "救灾", [], "救災", "应急管理局"),
    (24, "食品药品监管", [], "食品藥品監管", "市场监管局"),
    (25, "税收管理", [], "稅收管理", "税务局"),
    (
        26,
        "扶贫",
        ["脱贫攻坚", "乡村振兴"],
        "扶貧",
        "扶贫办 / 乡村振兴局"
    ),
];

/// General (non-domain) sections that published catalogues carry (seed 000). They are kept as
/// sections of their own, not reported as unknown domains.
pub static GENERAL_SECTIONS: &[&str] = &[
    "概况信息",
    "基本信息",
    "信息公开公共栏目",
    "重点领域",
    "政策文件",
    "机构信息",
    "政府信息公开",
];

/// What a section heading or 领域 cell names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SectionKey {
    /// A known general section (概况信息 …), by its normalised name.
    General(String),
    /// A pilot domain, by id.
    Domain(u8),
    /// A name that is neither: kept as written so a rule can report it.
    Unknown(String),
}

impl SectionKey {
    /// The name shown in tables: the canonical domain name or the section's own name.
    pub fn display_name(&self) -> &str {
        match self {
            SectionKey::Domain(id) => by_id(*id).map(|d| d.name).unwrap_or("?"),
            SectionKey::General(n) | SectionKey::Unknown(n) => n,
        }
    }

    /// The pilot domain, if this is one.
    pub fn domain(&self) -> Option<&'static Domain> {
        match self {
            SectionKey::Domain(id) => by_id(*id),
            _ => None,
        }
    }

    /// Output order (docs/CONTRACT.md §10): general sections first, then domains by id.
    pub fn order(&self) -> u8 {
        match self {
            SectionKey::General(_) | SectionKey::Unknown(_) => 0,
            SectionKey::Domain(id) => *id,
        }
    }
}

/// The domain with this id (1–26).
pub fn by_id(id: u8) -> Option<&'static Domain> {
    DOMAINS.get(usize::from(id).checked_sub(1)?)
}

/// Pairs of Traditional → Simplified characters for the vocabulary gkml matches: domain names,
/// header words, channel names, marks, levels and unit kinds. A full converter is not needed
/// because gkml never rewrites free text, it only recognises these words.
const T2S: &[(char, char)] = &[
    ('設', '设'),
    ('項', '项'),
    ('資', '资'),
    ('義', '义'),
    ('務', '务'),
    ('戶', '户'),
    ('會', '会'),
    ('養', '养'),
    ('財', '财'),
    ('預', '预'),
    ('決', '决'),
    ('業', '业'),
    ('創', '创'),
    ('險', '险'),
    ('國', '国'),
    ('間', '间'),
    ('規', '规'),
    ('劃', '划'),
    ('鄉', '乡'),
    ('徵', '征'),
    ('補', '补'),
    ('償', '偿'),
    ('農', '农'),
    ('體', '体'),
    ('環', '环'),
    ('護', '护'),
    ('態', '态'),
    ('與', '与'),
    ('綜', '综'),
    ('執', '执'),
    ('貼', '贴'),
    ('醫', '医'),
    ('療', '疗'),
    ('衛', '卫'),
    ('產', '产'),
    ('災', '灾'),
    ('藥', '药'),
    ('監', '监'),
    ('稅', '税'),
    ('貧', '贫'),
    ('脫', '脱'),
    ('堅', '坚'),
    ('興', '兴'),
    ('領', '领'),
    ('號', '号'),
    ('開', '开'),
    ('級', '级'),
    ('內', '内'),
    ('據', '据'),
    ('時', '时'),
    ('載', '载'),
    ('對', '对'),
    ('眾', '众'),
    ('動', '动'),
    ('請', '请'),
    ('層', '层'),
    ('縣', '县'),
    ('備', '备'),
    ('註', '注'),
    ('單', '单'),
    ('稱', '称'),
    ('網', '网'),
    ('報', '报'),
    ('兩', '两'),
    ('發', '发'),
    ('佈', '布'),
    ('聽', '听'),
    ('證', '证'),
    ('廣', '广'),
    ('電', '电'),
    ('視', '视'),
    ('紙', '纸'),
    ('質', '质'),
    ('閱', '阅'),
    ('點', '点'),
    ('現', '现'),
    ('場', '场'),
    ('區', '区'),
    ('欄', '栏'),
    ('準', '准'),
    ('線', '线'),
    ('審', '审'),
    ('臺', '台'),
    ('門', '门'),
    ('鎮', '镇'),
    ('況', '况'),
    ('訊', '讯'),
    ('機', '机'),
    ('構', '构'),
    ('職', '职'),
    ('責', '责'),
    ('則', '则'),
    ('變', '变'),
    ('後', '后'),
    ('僅', '仅'),
    ('戰', '战'),
    ('聯', '联'),
    ('繫', '系'),
    ('條', '条'),
    ('裡', '里'),
    ('復', '复'),
    ('類', '类'),
    ('別', '别'),
    ('頁', '页'),
    ('處', '处'),
    ('辦', '办'),
    ('標', '标'),
    ('錄', '录'),
    ('團', '团'),
    ('廳', '厅'),
    ('館', '馆'),
];

fn t2s_map() -> &'static HashMap<char, char> {
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| T2S.iter().copied().collect())
}

/// A bit per Basic Multilingual Plane code point: set for the Traditional characters of the
/// map, so text without any (nearly all text) is passed through without a hash lookup per
/// character.
fn t2s_bits() -> &'static [u64; 1024] {
    static BITS: OnceLock<[u64; 1024]> = OnceLock::new();
    BITS.get_or_init(|| {
        let mut b = [0u64; 1024];
        for (t, _) in T2S {
            let n = *t as usize;
            if n < 65536 {
                b[n / 64] |= 1 << (n % 64);
            }
        }
        b
    })
}

fn is_mapped(c: char) -> bool {
    let n = c as usize;
    n < 65536 && t2s_bits()[n / 64] & (1 << (n % 64)) != 0
}

/// Map the Traditional characters of gkml's vocabulary to Simplified; other characters pass.
/// Borrows the input when it has none (the usual case).
pub fn to_simplified(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_mapped) {
        return std::borrow::Cow::Borrowed(s);
    }
    let map = t2s_map();
    std::borrow::Cow::Owned(s.chars().map(|c| *map.get(&c).unwrap_or(&c)).collect())
}

/// Normalise a name for matching: Simplified, no whitespace of any width, no 领域 or
/// 基层政务公开 decoration, no list numbering such as "5." or "（五）".
pub fn normalise_name(raw: &str) -> String {
    let mut s: String = to_simplified(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    for suffix in ["基层政务公开", "领域", "领"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = stripped.to_string();
        }
    }
    s
}

fn name_index() -> &'static HashMap<String, u8> {
    static INDEX: OnceLock<HashMap<String, u8>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = HashMap::new();
        for d in DOMAINS {
            m.insert(d.name.to_string(), d.id);
            m.insert(to_simplified(d.traditional).into_owned(), d.id);
            for a in d.aliases {
                m.insert((*a).to_string(), d.id);
            }
        }
        m
    })
}

/// Resolve one name to a section: a pilot domain (any alias, suffix or script), a known
/// general section, or [`SectionKey::Unknown`] holding the trimmed input.
pub fn lookup(raw: &str) -> SectionKey {
    let n = normalise_name(raw);
    if let Some(id) = name_index().get(&n) {
        return SectionKey::Domain(*id);
    }
    // "农村集体土地征收基层政务公开" and similar: the name followed by decoration we do not know.
    if let Some(g) = GENERAL_SECTIONS.iter().find(|g| **g == n) {
        return SectionKey::General((*g).to_string());
    }
    SectionKey::Unknown(raw.trim().to_string())
}

/// Short names clerks write in a 领域 column for a pilot domain (养老 for 养老服务, 低保 for
/// 社会救助). Read only in a 领域 cell, which names a domain by its place: in a section row or
/// a 一级事项 heading 低保 or 预决算 names a group of items, and a two-character name would make
/// the typo hint (GK203) guess wildly.
static SHORT_NAMES: &[(&str, u8)] = &[
    ("重大项目", 1),
    ("重大建设", 1),
    ("公共资源", 2),
    ("教育", 3),
    ("户籍", 4),
    ("户政", 4),
    ("低保", 5),
    ("救助", 5),
    ("养老", 6),
    ("法律服务", 7),
    ("公共法律", 7),
    ("预决算", 8),
    ("财政预算", 8),
    ("预算决算", 8),
    ("就业", 9),
    ("社保", 10),
    ("国土规划", 11),
    ("空间规划", 11),
    ("征地", 12),
    ("土地征收", 12),
    ("环保", 13),
    ("生态环境保护", 13),
    ("保障房", 14),
    ("保障性安居工程", 14),
    ("房屋征收", 15),
    ("危房改造", 16),
    ("危改", 16),
    ("市政", 17),
    ("市政公用", 17),
    ("城管执法", 18),
    ("城管", 18),
    ("综合执法", 18),
    ("城市管理执法", 18),
    ("涉农", 19),
    ("惠农补贴", 19),
    ("农业补贴", 19),
    ("公共文化", 20),
    ("文化服务", 20),
    ("卫生", 21),
    ("医疗", 21),
    ("卫健", 21),
    ("安监", 22),
    ("防灾减灾", 23),
    ("减灾救灾", 23),
    ("食品药品", 24),
    ("食药监管", 24),
    ("税收", 25),
    ("税务", 25),
    ("脱贫", 26),
    ("精准扶贫", 26),
    ("扶贫开发", 26),
];

/// A 领域 cell's domain, read as [`lookup`] reads a name and, failing that, without the list
/// numbering and the words a clerk puts around it (`一、社会救助`, `（三）养老服务领域`,
/// `社会救助类`, `社会救助方面`), then by a short name (养老, 城管执法, 预决算, 社保, 低保 —
/// see `SHORT_NAMES`). [`SectionKey::Unknown`] holding the trimmed input when none names one.
pub fn lookup_domain_cell(raw: &str) -> SectionKey {
    let k = lookup(raw);
    if !matches!(k, SectionKey::Unknown(_)) {
        return k;
    }
    let mut n = normalise_name(without_numbering(raw.trim()));
    loop {
        if let Some(id) = name_index().get(&n) {
            return SectionKey::Domain(*id);
        }
        if let Some((_, id)) = SHORT_NAMES.iter().find(|(s, _)| *s == n) {
            return SectionKey::Domain(*id);
        }
        match ["类", "方面", "事项", "工作", "信息", "领域", "基层政务公开"]
            .iter()
            .find_map(|w| n.strip_suffix(w).filter(|rest| !rest.is_empty()))
        {
            Some(rest) => n = rest.to_string(),
            None => return k,
        }
    }
}

/// A name without the list numbering before it: "一、", "（三）", "3.", "3、", "①".
fn without_numbering(s: &str) -> &str {
    let t = s.trim_start_matches(['（', '(']);
    let end = t
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .last()
        .map(|(i, c)| i + c.len_utf8());
    let rest = match end {
        Some(e) => &t[e..],
        None => t
            .strip_prefix(|c: char| ('\u{2460}'..='\u{2473}').contains(&c))
            .unwrap_or(s),
    };
    let stripped = rest.trim_start_matches(['）', ')', '、', '.', '．', ' ', '\u{3000}']);
    // Numbering is followed by its punctuation ("一、"); "三资管理" has none.
    if end.is_some() && stripped.len() == rest.len() {
        return s;
    }
    if stripped.is_empty() {
        s
    } else {
        stripped
    }
}

/// Split a cell that may name several domains (社会救助领域、养老服务领域) and resolve each.
pub fn lookup_many(raw: &str) -> Vec<SectionKey> {
    raw.split(['、', '，', ',', '；', ';', '/', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(lookup)
        .collect()
}

/// The closest canonical domain name to an unknown one, for "did you mean" hints. Only names
/// within a small edit distance are offered, so the hint is never a wild guess.
pub fn suggest(raw: &str) -> Option<&'static str> {
    let n = normalise_name(raw);
    let n_len = n.chars().count();
    let mut best: Option<(usize, &'static str)> = None;
    for d in DOMAINS {
        for cand in std::iter::once(d.name).chain(d.aliases.iter().copied()) {
            let dist = edit_distance(&n, cand);
            let limit = if n_len <= 3 { 1 } else { 2 };
            if dist <= limit && best.is_none_or(|(b, _)| dist < b) {
                best = Some((dist, d.name));
            }
        }
    }
    best.map(|(_, name)| name)
}

/// An item name as `gkml import` compares it: Simplified characters, no whitespace. A
/// reference item's aliases are checked against each other under the same key, so an alias
/// the import could never tell apart from another name is refused when the catalogue loads.
pub fn name_key(s: &str) -> String {
    to_simplified(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Levenshtein distance over `char`s (names are short, so the simple O(n·m) table is fine).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table reader's label test (`rows::is_label`) looks for colons and closing
    /// brackets before reading a text as Simplified: no mapping may add or remove one.
    #[test]
    fn no_colon_or_bracket_is_mapped() {
        for (t, s) in T2S {
            for c in [*t, *s] {
                assert!(![':', '：', ')', '）'].contains(&c), "{t}→{s}");
            }
        }
    }

    #[test]
    fn ids_are_one_to_twenty_six_in_order() {
        assert_eq!(DOMAINS.len(), 26);
        for (i, d) in DOMAINS.iter().enumerate() {
            assert_eq!(usize::from(d.id), i + 1);
        }
    }

    #[test]
    fn canonical_names_resolve_to_their_id() {
        for d in DOMAINS {
            assert_eq!(lookup(d.name), SectionKey::Domain(d.id), "{}", d.name);
        }
    }

    #[test]
    fn suffix_and_whitespace_are_ignored() {
        assert_eq!(lookup("社会救助领域"), SectionKey::Domain(5));
        assert_eq!(lookup(" 社会 救助　领域 "), SectionKey::Domain(5));
        assert_eq!(
            lookup("农村集体土地征收基层政务公开"),
            SectionKey::Domain(12)
        );
    }

    #[test]
    fn aliases_resolve() {
        assert_eq!(lookup("城乡规划"), SectionKey::Domain(11));
        assert_eq!(lookup("生态环境领域"), SectionKey::Domain(13));
        assert_eq!(lookup("卫生健康"), SectionKey::Domain(21));
        assert_eq!(lookup("乡村振兴"), SectionKey::Domain(26));
        assert_eq!(lookup("国有土地上房屋征收"), SectionKey::Domain(15));
    }

    #[test]
    fn traditional_forms_resolve_for_every_domain() {
        for d in DOMAINS {
            assert_eq!(
                lookup(d.traditional),
                SectionKey::Domain(d.id),
                "{}",
                d.traditional
            );
            assert_eq!(
                to_simplified(d.traditional),
                d.name,
                "t2s map misses a character of {}",
                d.traditional
            );
        }
        // As seed 002 (東湖區) writes them.
        assert_eq!(lookup("社會救助領域"), SectionKey::Domain(5));
        assert_eq!(lookup("城鄉規劃領域"), SectionKey::Domain(11));
        assert_eq!(lookup("衛生健康領域"), SectionKey::Domain(21));
        assert_eq!(lookup("農村集體土地徵收"), SectionKey::Domain(12));
    }

    #[test]
    fn a_cell_naming_two_domains_gives_both() {
        assert_eq!(
            lookup_many("社会救助领域、养老服务领域"),
            vec![SectionKey::Domain(5), SectionKey::Domain(6)]
        );
        assert_eq!(
            lookup_many(
                "国有土地上房屋征收与补偿领域、保障性住房领域、农村危房改造领域、市政服务领域"
            ),
            vec![
                SectionKey::Domain(15),
                SectionKey::Domain(14),
                SectionKey::Domain(16),
                SectionKey::Domain(17)
            ]
        );
    }

    #[test]
    fn domain_cells_with_numbering_decoration_or_short_names_resolve() {
        for (cell, id) in [
            ("一、社会救助", 5),
            ("（三）养老服务领域", 6),
            ("3.社会救助", 5),
            ("①社会救助", 5),
            ("社会救助类", 5),
            ("社会救助领域类", 5),
            ("养老", 6),
            ("城管执法", 18),
            ("预决算", 8),
            ("社保", 10),
            ("低保", 5),
            ("（二）社保领域", 10),
            ("社會救助類", 5),
        ] {
            assert_eq!(lookup_domain_cell(cell), SectionKey::Domain(id), "{cell}");
        }
        for other in ["三资管理", "村务", "一、", "类"] {
            assert!(
                matches!(lookup_domain_cell(other), SectionKey::Unknown(_)),
                "{other}"
            );
        }
        // Short names are a 领域 cell's only: a name elsewhere, and the typo hint, ignore them.
        assert!(matches!(lookup("养老"), SectionKey::Unknown(_)));
        assert_eq!(suggest("社区"), None);
    }

    #[test]
    fn general_sections_are_not_unknown() {
        assert_eq!(lookup("概况信息"), SectionKey::General("概况信息".into()));
        assert_eq!(
            lookup("信息公开公共栏目"),
            SectionKey::General("信息公开公共栏目".into())
        );
    }

    #[test]
    fn typos_are_unknown_with_a_suggestion() {
        assert_eq!(lookup("社会求助"), SectionKey::Unknown("社会求助".into()));
        assert_eq!(suggest("社会求助"), Some("社会救助"));
        assert_eq!(suggest("养老服物领域"), Some("养老服务"));
        assert_eq!(suggest("完全无关的栏目名称"), None);
    }
}
