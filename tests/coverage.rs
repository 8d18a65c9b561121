//! Coverage of real published catalogues (issue 15's acceptance measure): how many of the
//! 二级事项 that county, town and department pages publish the reference catalogues contain.
//! The published rows live in tests/fixtures/published/items.toml with the page each comes
//! from; a row counts as contained when a reference item of the same domain has the same name,
//! or an alias (`aliases`) the same as it, once both are normalised (see `normalise`). The figure per domain is printed, and the test
//! fails when a domain falls below the floor reached so far, so coverage can only go up.

use std::collections::{BTreeMap, BTreeSet};

use gkml::catalogues::Store;
use gkml::domains::{lookup, SectionKey};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    catalogue: Vec<Published>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Published {
    url: String,
    title: String,
    domain: String,
    /// (一级事项, 二级事项) as the page writes them.
    items: Vec<(String, String)>,
}

/// Contained rows per domain, as last measured: a domain may rise above its floor, never
/// fall below it. Raise a floor when the references gain items (or the fixture gains rows
/// the references already hold).
const FLOORS: &[(&str, usize)] = &[
    ("义务教育", 17),
    ("保障性住房", 10),
    ("公共文化服务", 32),
    ("公共法律服务", 15),
    ("公共资源交易", 8),
    ("养老服务", 30),
    ("农村危房改造", 18),
    ("医疗卫生", 11),
    ("国土空间规划", 24),
    ("国有土地上房屋征收与补偿", 10),
    ("城市综合执法", 11),
    ("安全生产", 26),
    ("就业创业", 7),
    ("市政服务", 10),
    ("征地补偿", 2),
    ("户籍管理", 31),
    ("扶贫", 24),
    ("救灾", 13),
    ("涉农补贴", 19),
    ("环境保护", 11),
    ("社会保险", 27),
    ("社会救助", 38),
    ("税收管理", 11),
    ("财政预决算", 10),
    ("重大建设项目", 19),
    ("食品药品监管", 18),
];

fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/published/items.toml"
    );
    let text = std::fs::read_to_string(path).expect("tests/fixtures/published/items.toml");
    toml::from_str(&text).expect("the published-items fixture parses")
}

/// A name as compared: full-width brackets and their qualifier dropped ("（权限内）"), only
/// letters and digits kept (no punctuation, spaces or list marks), then a leading 公开 and
/// trailing 信息 / 公开 / 情况 / 等 removed ("审核信息" and "审核", "公开环保工作动态" and "环保工作动态" are one name),
/// and 做出 read as 作出 (both spellings are published).
fn normalise(name: &str) -> String {
    let name = name.replace("做出", "作出");
    let mut kept = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphanumeric() => kept.push(c),
            _ => {}
        }
    }
    let mut s = kept.as_str();
    loop {
        let before = s.len();
        for suffix in ["信息", "公开", "情况", "等"] {
            s = s.strip_suffix(suffix).unwrap_or(s);
        }
        s = s.strip_prefix("公开").unwrap_or(s);
        if s.len() == before {
            break;
        }
    }
    s.to_string()
}

/// Same name; or the published name a shortened form of the reference name, when it is
/// specific enough (four characters or more: "耕地地力保护" in "耕地地力保护补贴", but not
/// "政策" in "政策法规文件"); or the reference name inside a published name that adds a
/// qualifier, when the reference name is long enough to name one item by itself (eight
/// characters or more: "在村庄、集镇规划区内未按规划审批程序批准或者违反规划的规定进行建设"
/// in the same words followed by "严重影响村庄、集镇规划", but not "基层法律服务所" in
/// "基层法律服务所变更、注销审批").
fn same_item(published: &str, reference: &str) -> bool {
    published == reference
        || (published.chars().count() >= 4 && reference.contains(published))
        || (reference.chars().count() >= 8 && published.contains(reference))
}

/// The names a reference item answers to: its name, and, when the name gives an older or
/// other name in brackets right after a word ("高素质农民（新型职业农民）培育"), the name read
/// with the bracketed words in that place ("新型职业农民培育").
fn reference_forms(name: &str) -> Vec<String> {
    let mut forms = vec![normalise(name)];
    if let Some((before, rest)) = name.split_once('（') {
        if let Some((inside, after)) = rest.split_once('）') {
            // The bracket replaces the word it follows: the text after the last 、 or the
            // whole text before it.
            let head = before.rsplit_once('、').map_or("", |(h, _)| h);
            let sep = if head.is_empty() { "" } else { "、" };
            forms.push(normalise(&format!("{head}{sep}{inside}{after}")));
        }
    }
    forms
}

/// Reference names per domain, normalised: each item's name forms and its aliases (the
/// wordings published catalogues use for it), compared alike.
fn reference_names() -> BTreeMap<u8, Vec<String>> {
    let mut names: BTreeMap<u8, Vec<String>> = BTreeMap::new();
    for cat in Store::embedded().all() {
        for section in &cat.sections {
            if let SectionKey::Domain(id) = section.key {
                let list = names.entry(id).or_default();
                list.extend(section.items.iter().flat_map(|i| {
                    let aliases = i.aliases.iter().map(|a| normalise(a));
                    reference_forms(&i.name).into_iter().chain(aliases)
                }));
            }
        }
    }
    names
}

/// (contained, published) per domain name, rows counted once per catalogue; the rows not
/// contained are printed, as the list of what the references still lack.
fn measure() -> BTreeMap<String, (usize, usize)> {
    let refs = reference_names();
    let mut out: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for cat in fixture().catalogue {
        let SectionKey::Domain(id) = lookup(&cat.domain) else {
            continue;
        };
        let names = refs.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        let entry = out.entry(cat.domain.clone()).or_default();
        for (category, name) in &cat.items {
            let n = normalise(name);
            entry.1 += 1;
            if names.iter().any(|r| same_item(&n, r)) {
                entry.0 += 1;
            } else {
                println!(
                    "not contained: {} / {category} / {name} ({})",
                    cat.domain, cat.url
                );
            }
        }
    }
    out
}

#[test]
fn the_published_fixture_names_real_pages_in_known_domains() {
    let fx = fixture();
    assert!(
        fx.catalogue.len() >= 30,
        "{} catalogues",
        fx.catalogue.len()
    );
    let mut urls = BTreeSet::new();
    for cat in &fx.catalogue {
        assert!(
            cat.url.starts_with("http://") || cat.url.starts_with("https://"),
            "{}",
            cat.url
        );
        assert!(urls.insert(cat.url.as_str()), "{} twice", cat.url);
        assert!(!cat.title.trim().is_empty(), "{}", cat.url);
        assert!(
            matches!(lookup(&cat.domain), SectionKey::Domain(_)),
            "{}: {} is not a pilot domain",
            cat.url,
            cat.domain
        );
        assert!(!cat.items.is_empty(), "{}", cat.url);
        for (category, name) in &cat.items {
            assert!(
                !category.trim().is_empty() && !name.trim().is_empty(),
                "{}",
                cat.url
            );
        }
    }
}

#[test]
fn names_compare_without_punctuation_qualifiers_or_suffixes() {
    assert_eq!(normalise("审核信息"), normalise("审核"));
    assert_eq!(
        normalise("母婴保健技术服务机构执业许可（权限内）"),
        "母婴保健技术服务机构执业许可"
    );
    assert_eq!(
        normalise("在城市建筑物、设施以及树木上涂写、刻画或者未经批准张挂、张贴宣传品等"),
        normalise("在城市建筑物、设施以及树木上涂写、刻画或者未经批准张挂、张贴宣传品")
    );
    assert!(same_item(
        &normalise("耕地地力保护"),
        &normalise("耕地地力保护补贴")
    ));
    assert!(!same_item(&normalise("政策"), &normalise("政策法规文件")));
    assert!(!same_item(
        &normalise("基层法律服务所变更、注销审批"),
        &normalise("基层法律服务所信息")
    ));
    assert!(
        reference_forms("高素质农民（新型职业农民）培育").contains(&normalise("新型职业农民培育"))
    );
}

#[test]
fn references_contain_published_items_at_least_as_often_as_before() {
    let got = measure();
    let (mut hit, mut all) = (0, 0);
    for (domain, (h, n)) in &got {
        println!("{domain}: {h}/{n}");
        hit += h;
        all += n;
    }
    println!("all: {hit}/{all}");
    let unfloored: Vec<&String> = got
        .keys()
        .filter(|d| !FLOORS.iter().any(|(f, _)| f == d))
        .collect();
    assert!(
        unfloored.is_empty(),
        "give these domains a floor in FLOORS: {unfloored:?}"
    );
    let mut fallen = Vec::new();
    for (domain, floor) in FLOORS {
        let h = got.get(*domain).map_or(0, |(h, _)| *h);
        if h < *floor {
            fallen.push(format!("{domain}: {h} < {floor}"));
        }
    }
    assert!(fallen.is_empty(), "coverage fell: {fallen:?}");
}
