//! Drafts → unit catalogue TOML. A draft is matched against the reference catalogues so the
//! TOML is short: the reference, plus what this unit does differently (items it drops,
//! changes, adds, or takes from another level). Compiling the result gives the draft's items.

use std::fmt::Write as _;

use crate::catalogues::Store;
use crate::domains::{self, SectionKey};
use crate::model::{Audience, Catalogue, Channel, Field, Item, Level, Unit, UnitKind};
use crate::resolve::fill_placeholders;

/// What the user says about the unit on the command line (overrides what the draft implies).
#[derive(Debug, Clone, Default)]
pub struct UnitHints {
    pub name: Option<String>,
    pub full_name: Option<String>,
    pub kind: Option<UnitKind>,
    pub county: Option<String>,
}

/// The county named at the start of a full name: 曲沃县乐昌镇人民政府 → 曲沃县.
pub fn county_of(full_name: &str) -> Option<String> {
    for sep in ["县", "区", "市", "旗"] {
        if let Some(pos) = full_name.find(sep) {
            let county = &full_name[..pos + sep.len()];
            let rest = &full_name[pos + sep.len()..];
            if county.chars().count() >= 2 && !rest.is_empty() {
                return Some(county.to_string());
            }
        }
    }
    None
}

/// The kind a unit's name implies: 镇/乡 → 乡镇, 街道/办事处 → 街道, 县人民政府 → 县政府,
/// 局/委/办/中心 → 县直部门.
pub fn kind_of(name: &str) -> Option<UnitKind> {
    let n = name.trim_end_matches("人民政府");
    if name.ends_with("县人民政府") || name.ends_with("区人民政府") {
        return Some(UnitKind::CountyGovernment);
    }
    if n.ends_with("街道") || n.ends_with("办事处") || n.ends_with("管理处") {
        return Some(UnitKind::Subdistrict);
    }
    if n.ends_with('镇') || n.ends_with('乡') {
        return Some(UnitKind::Township);
    }
    if ["局", "委", "办", "中心", "委员会", "分局", "所"]
        .iter()
        .any(|s| n.ends_with(s))
    {
        return Some(UnitKind::CountyDepartment);
    }
    None
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

fn norm(s: &str) -> String {
    domains::name_key(s)
}

/// Whether a reference item goes by this (normalised) name: its own, or one of its aliases
/// (the wordings counties publish it under).
fn named(r: &Item, dn: &str) -> bool {
    norm(&r.name) == dn || r.aliases.iter().any(|a| norm(a) == dn)
}

/// Find the reference item a draft item corresponds to: the same (category, name), else the
/// same name, else a name within a small edit distance under the same category. A reference
/// item's aliases count as its name in the first two steps, so a town that publishes an item
/// under a county's usual wording gets a `change` of the name, not a drop and an add.
fn find_match(d: &Item, refs: &[Item], used: &[bool]) -> Option<usize> {
    let (dc, dn) = (norm(&d.category), norm(&d.name));
    let free = |i: &usize| !used[*i];
    let exact = (0..refs.len())
        .filter(free)
        .find(|i| norm(&refs[*i].category) == dc && named(&refs[*i], &dn));
    if exact.is_some() {
        return exact;
    }
    let by_name: Vec<usize> = (0..refs.len())
        .filter(free)
        .filter(|i| named(&refs[*i], &dn))
        .collect();
    if by_name.len() == 1 {
        return by_name.first().copied();
    }
    let limit = (dn.chars().count() / 4).max(1);
    (0..refs.len())
        .filter(free)
        .filter(|i| norm(&refs[*i].category) == dc)
        .map(|i| (domains::edit_distance(&norm(&refs[i].name), &dn), i))
        .filter(|(dist, _)| *dist <= limit)
        .min()
        .map(|(_, i)| i)
}

/// The fields in which a draft item differs from the (resolved) reference item.
fn differing(d: &Item, r: &Item) -> Vec<Field> {
    let mut out = Vec::new();
    for f in crate::model::TEXT_FIELDS {
        if d.text(f).map(str::trim) != r.text(f).map(str::trim) {
            out.push(f);
        }
    }
    if d.channels != r.channels {
        out.push(Field::Channels);
    }
    if d.audience != r.audience {
        out.push(Field::Audience);
    }
    if d.mode != r.mode {
        out.push(Field::Mode);
    }
    if !d.levels.is_empty() && d.levels != r.levels {
        out.push(Field::Levels);
    }
    out
}

/// Write one field of an item. `explicit` (in a change) writes empty values too, since they
/// clear the reference's value; in an added item empty values are left out.
fn write_field(out: &mut String, it: &Item, f: Field, unit: &Unit, explicit: bool) {
    let text_of = |t: &str| {
        if t == unit.display_name() {
            "{unit}".to_string()
        } else {
            t.to_string()
        }
    };
    match f {
        Field::Channels => {
            let names: Vec<String> = it.channels.iter().map(Channel::display).collect();
            let _ = writeln!(out, "channels = {}", list(&names));
        }
        Field::Audience => match it.audience.first() {
            Some(Audience::Specific(Some(g))) => {
                let _ = writeln!(out, "audience = \"特定群众\"\naudience_group = {}", q(g));
            }
            Some(a) => {
                let _ = writeln!(out, "audience = {}", q(a.label()));
            }
            None => {}
        },
        Field::Mode => {
            if let Some(m) = it.mode.first() {
                let _ = writeln!(out, "mode = {}", q(m.label()));
            }
        }
        Field::Levels if it.levels.is_empty() => {}
        Field::Levels => {
            let names: Vec<String> = it.levels.iter().map(|l| l.label().to_string()).collect();
            let _ = writeln!(out, "levels = {}", list(&names));
        }
        Field::Subject => {
            let _ = writeln!(out, "subject = {}", q(&text_of(&it.subject)));
        }
        other => {
            if let Some(t) = it.text(other) {
                if explicit || !t.is_empty() || matches!(other, Field::Category | Field::Name) {
                    let _ = writeln!(out, "{} = {}", other.key(), q(t));
                }
            }
        }
    }
}

const ITEM_FIELDS: [Field; 11] = [
    Field::Category,
    Field::Name,
    Field::Content,
    Field::Basis,
    Field::Deadline,
    Field::Subject,
    Field::Channels,
    Field::Audience,
    Field::Mode,
    Field::Levels,
    Field::Remarks,
];

/// The unit a draft describes, with the hints applied.
pub fn unit_of(cat: &Catalogue, hints: &UnitHints) -> Unit {
    let full_name = hints
        .full_name
        .clone()
        .or_else(|| cat.unit.full_name.clone());
    let name = hints.name.clone().unwrap_or_else(|| cat.unit.name.clone());
    let basis = full_name.clone().unwrap_or_else(|| name.clone());
    let kind = hints
        .kind
        .or(cat.unit.kind)
        .or_else(|| kind_of(&basis))
        .or_else(|| kind_of(&name))
        .or_else(|| {
            let levels: Vec<&Level> = cat
                .sections
                .iter()
                .flat_map(|s| &s.items)
                .flat_map(|i| &i.levels)
                .collect();
            if levels.contains(&&Level::County) {
                Some(UnitKind::CountyDepartment)
            } else if !levels.is_empty() {
                Some(UnitKind::Township)
            } else {
                None
            }
        })
        .unwrap_or(UnitKind::Township);
    let county = hints
        .county
        .clone()
        .or_else(|| cat.unit.county.clone())
        .or_else(|| full_name.as_deref().and_then(county_of));
    Unit {
        name,
        full_name,
        kind: Some(kind),
        county,
        levels: kind.default_levels(),
    }
}

/// Write the unit catalogue TOML for one draft catalogue.
pub fn to_unit_toml(cat: &Catalogue, hints: &UnitHints, store: &Store, source: &str) -> String {
    let unit = unit_of(cat, hints);
    let kind = unit.kind.unwrap_or(UnitKind::Township);
    let mut out = String::new();
    let _ = writeln!(out, "# 由 gkml import 从 {source} 生成：参考目录加上本单位的差异（drop 删除、change 修改、add 新增、include 取用其他层级事项）。");
    let _ = writeln!(out, "name = {}", q(&unit.name));
    if let Some(f) = &unit.full_name {
        let _ = writeln!(out, "full_name = {}", q(f));
    }
    let _ = writeln!(out, "kind = {}", q(kind.label()));
    if let Some(c) = &unit.county {
        let _ = writeln!(out, "county = {}", q(c));
    }
    for s in &cat.sections {
        out.push('\n');
        out.push_str("[[sections]]\n");
        let (key_name, value) = match &s.key {
            SectionKey::Domain(_) => ("domain", s.key.display_name().to_string()),
            SectionKey::General(n) => ("section", n.clone()),
            SectionKey::Unknown(n) => ("section", n.clone()),
        };
        let _ = writeln!(out, "{key_name} = {}", q(&value));
        let Some(reference) = store.get(&s.key) else {
            out.push_str("reference = false\n");
            for it in &s.items {
                out.push_str("\n[[sections.add]]\n");
                for f in ITEM_FIELDS {
                    write_field(&mut out, it, f, &unit, false);
                }
            }
            continue;
        };
        let refs: Vec<Item> = reference
            .sections
            .iter()
            .flat_map(|x| x.items.clone())
            .collect();
        let taken: Vec<bool> = refs
            .iter()
            .map(|r| {
                let kind_ok = r.kinds.is_empty() || r.kinds.contains(&kind);
                let level_ok =
                    r.levels.is_empty() || r.levels.iter().any(|l| unit.levels.contains(l));
                kind_ok && level_ok
            })
            .collect();
        let mut used = vec![false; refs.len()];
        let mut include = Vec::new();
        let mut changes = String::new();
        let mut adds = String::new();
        for d in &s.items {
            match find_match(d, &refs, &used) {
                Some(i) => {
                    used[i] = true;
                    let mut r = refs[i].clone();
                    fill_placeholders(&mut r, &unit);
                    r.levels.retain(|l| unit.levels.contains(l));
                    if r.levels.is_empty() {
                        r.levels.extend(unit.levels.first().cloned());
                    }
                    let id = r.id.clone().unwrap_or_default();
                    if !taken[i] {
                        include.push(id.clone());
                    }
                    let diff = differing(d, &r);
                    if !diff.is_empty() {
                        changes.push_str("\n[[sections.change]]\n");
                        let _ = writeln!(changes, "id = {}", q(&id));
                        for f in diff {
                            write_field(&mut changes, d, f, &unit, true);
                        }
                    }
                }
                None => {
                    adds.push_str("\n[[sections.add]]\n");
                    for f in ITEM_FIELDS {
                        write_field(&mut adds, d, f, &unit, false);
                    }
                }
            }
        }
        let drop: Vec<String> = (0..refs.len())
            .filter(|i| taken[*i] && !used[*i])
            .filter_map(|i| refs[i].id.clone())
            .collect();
        if !include.is_empty() {
            let _ = writeln!(out, "include = {}", list(&include));
        }
        if !drop.is_empty() {
            let _ = writeln!(out, "drop = {}", list(&drop));
        }
        out.push_str(&changes);
        out.push_str(&adds);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counties_and_kinds_from_names() {
        assert_eq!(county_of("曲沃县乐昌镇人民政府").as_deref(), Some("曲沃县"));
        assert_eq!(county_of("嘉鱼县民政局").as_deref(), Some("嘉鱼县"));
        assert_eq!(county_of("民政局"), None);
        assert_eq!(kind_of("曲沃县乐昌镇人民政府"), Some(UnitKind::Township));
        assert_eq!(kind_of("百花洲街道办事处"), Some(UnitKind::Subdistrict));
        assert_eq!(kind_of("嘉鱼县民政局"), Some(UnitKind::CountyDepartment));
        assert_eq!(kind_of("嘉鱼县人民政府"), Some(UnitKind::CountyGovernment));
    }
}
