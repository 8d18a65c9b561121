//! Turn a unit catalogue into the full catalogue it describes: take each domain's reference
//! items at the unit's levels, drop, change and add items, then fill in the placeholders.

use crate::catalogues::Store;
use crate::diag::Diagnostic;
use crate::model::{Catalogue, Field, Item, Level, Section, Unit, TEXT_FIELDS};
use crate::read::toml::{SectionSpec, UnitSpec};
use crate::rules;

/// Resolve a unit against the reference catalogues.
pub fn resolve(spec: &UnitSpec, store: &Store) -> (Catalogue, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut sections = Vec::new();
    for s in &spec.sections {
        let levels = s.levels.as_ref().unwrap_or(&spec.unit.levels);
        let items = section_items(s, &spec.unit, levels, store, &mut diags);
        sections.push(Section {
            key: s.key.clone(),
            raw: s.raw.clone(),
            loc: Some(s.loc.clone()),
            items,
        });
    }
    let mut cat = Catalogue {
        unit: spec.unit.clone(),
        file: spec.file.clone(),
        sections,
        is_reference: false,
    };
    for s in &mut cat.sections {
        for it in &mut s.items {
            fill_placeholders(it, &spec.unit);
        }
    }
    cat.normalise_order();
    cat.number_items();
    (cat, diags)
}

fn overlaps(a: &[Level], b: &[Level]) -> bool {
    a.iter().any(|l| b.contains(l))
}

fn section_items(
    s: &SectionSpec,
    unit: &Unit,
    levels: &[Level],
    store: &Store,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    // Reference items this unit does not take (other levels or kinds), for `include` and hints.
    let mut elsewhere: Vec<&Item> = Vec::new();
    if s.reference {
        match store.get(&s.key) {
            Some(r) => {
                for it in r.sections.iter().flat_map(|sec| &sec.items) {
                    let kind_ok = it.kinds.is_empty() || unit.kind.is_some_and(|k| it.kinds.contains(&k));
                    // An item with no levels applies at every level.
                    let level_ok = it.levels.is_empty() || overlaps(&it.levels, levels);
                    let included = it.id.as_ref().is_some_and(|id| s.include.iter().any(|(i, _)| i == id));
                    if (kind_ok && level_ok) || included {
                        let mut it = it.clone();
                        if !it.levels.is_empty() {
                            it.levels.retain(|l| levels.contains(l));
                            // An included item of another level is published at this unit's
                            // own (first) level: a town publishes it as 乡级, a department
                            // as 县级.
                            if it.levels.is_empty() {
                                it.levels.extend(levels.first().cloned());
                            }
                        }
                        items.push(it);
                    } else {
                        elsewhere.push(it);
                    }
                }
                for (id, loc) in &s.include {
                    if !r.sections.iter().flat_map(|sec| &sec.items).any(|it| it.id.as_deref() == Some(id.as_str())) {
                        diags.push(retired_or_unknown(s, store, id, loc, "纳入"));
                    }
                }
            }
            None if !matches!(s.key, crate::domains::SectionKey::Unknown(_)) => diags.push(
                Diagnostic::new(&rules::MISSING_REFERENCE, format!("“{}”没有可用的参考目录", s.key.display_name()))
                    .at(Some(&s.loc))
                    .field(Field::Domain)
                    .hint("写 reference = false 并用 [[sections.add]] 逐项添加，或用 --catalogues 指定含该领域的参考目录文件夹"),
            ),
            None => {}
        }
    }
    let missing = |id: &str, loc: &crate::model::Loc, what: &str| match elsewhere
        .iter()
        .find(|it| it.id.as_deref() == Some(id))
    {
        Some(it) => Diagnostic::new(
            &rules::ITEM_NOT_TAKEN,
            format!(
                "事项“{id}”（{}）不在本单位的目录中，{what}不起作用",
                it.label()
            ),
        )
        .at(Some(loc))
        .field(Field::Id)
        .hint(format!(
            "该事项的公开层级为{}{}；如本单位确需公开，在本领域写 include = [\"{id}\"]",
            it.levels
                .iter()
                .map(Level::label)
                .collect::<Vec<_>>()
                .join("、"),
            if it.kinds.is_empty() {
                String::new()
            } else {
                format!(
                    "，适用于{}",
                    it.kinds
                        .iter()
                        .map(|k| k.label())
                        .collect::<Vec<_>>()
                        .join("、")
                )
            }
        )),
        None => retired_or_unknown(s, store, id, loc, what),
    };
    for (id, loc) in &s.drop {
        let before = items.len();
        items.retain(|it| it.id.as_deref() != Some(id.as_str()));
        if items.len() == before {
            diags.push(missing(id, loc, "删除"));
        }
    }
    for patch in &s.change {
        match items
            .iter_mut()
            .find(|it| it.id.as_deref() == Some(patch.id.as_str()))
        {
            Some(target) => {
                for f in &patch.set {
                    apply(target, &patch.item, *f);
                    if let Some(loc) = patch.item.loc_of(*f) {
                        target.set_place(*f, loc.into_owned());
                    }
                }
                if patch.item.source.is_some() {
                    target.source = patch.item.source.clone();
                }
                target.allow.extend(patch.item.allow.iter().cloned());
            }
            None => {
                let at = patch.item.loc_of(Field::Id);
                diags.push(missing(
                    &patch.id,
                    at.as_deref().unwrap_or(&patch.loc),
                    "修改",
                ))
            }
        }
    }
    for add in &s.add {
        let mut it = add.clone();
        if it.levels.is_empty() {
            it.levels = levels.to_vec();
        }
        items.push(it);
    }
    items
}

/// An id the reference does not have: retired (GK512, naming its successor) or unknown (GK504).
fn retired_or_unknown(
    s: &SectionSpec,
    store: &Store,
    id: &str,
    loc: &crate::model::Loc,
    what: &str,
) -> Diagnostic {
    let Some(r) = store.retired(&s.key).iter().find(|r| r.id == id) else {
        return unknown_id(s, id, loc);
    };
    let successor = r.successor.as_deref().and_then(|succ| {
        store
            .get(&s.key)
            .into_iter()
            .flat_map(|c| c.sections.iter().flat_map(|sec| &sec.items))
            .find(|it| it.id.as_deref() == Some(succ))
            .map(|it| (succ, it.label()))
    });
    let message = match &successor {
        Some((succ, label)) => format!(
            "事项“{id}”已从参考目录“{}”中停用（{}），由“{succ}”（{label}）接替；此处{what}不起作用",
            s.key.display_name(),
            r.reason
        ),
        None => format!(
            "事项“{id}”已从参考目录“{}”中停用（{}），没有接替事项；此处{what}不起作用",
            s.key.display_name(),
            r.reason
        ),
    };
    let hint = match &successor {
        Some((succ, _)) => format!("改为引用“{succ}”，或删去这一行"),
        None => "删去这一行".to_string(),
    };
    Diagnostic::new(&rules::RETIRED_ITEM_ID, message)
        .at(Some(loc))
        .field(Field::Id)
        .hint(hint)
}

fn unknown_id(s: &SectionSpec, id: &str, loc: &crate::model::Loc) -> Diagnostic {
    Diagnostic::new(
        &rules::UNKNOWN_ITEM_ID,
        format!("参考目录“{}”中没有编号为“{id}”的事项", s.key.display_name()),
    )
    .at(Some(loc))
    .field(Field::Id)
    .hint("核对事项编号：参考目录文件中每个事项的 id，或 gkml compile 输出的 JSON")
}

fn apply(target: &mut Item, from: &Item, f: Field) {
    match f {
        Field::Channels => target.channels = from.channels.clone(),
        Field::Audience => target.audience = from.audience.clone(),
        Field::Mode => target.mode = from.mode.clone(),
        Field::Levels => target.levels = from.levels.clone(),
        other => {
            if let (Some(dst), Some(src)) = (target.text_mut(other), from.text(other)) {
                *dst = src.to_string();
            }
        }
    }
}

/// Replace `{unit}`, `{name}` and (when the unit has one) `{county}` in a text.
fn fill(t: &str, unit: &Unit) -> String {
    if !t.contains('{') {
        return t.to_string();
    }
    let mut s = t
        .replace("{unit}", unit.display_name())
        .replace("{name}", &unit.name);
    if let Some(c) = &unit.county {
        s = s.replace("{county}", c);
    }
    s
}

/// Replace `{unit}`, `{name}` and (when the unit has one) `{county}` in every text field and
/// in the free text of 其他 channels.
pub fn fill_placeholders(item: &mut Item, unit: &Unit) {
    for f in TEXT_FIELDS {
        if let Some(t) = item.text_mut(f) {
            *t = fill(t, unit);
        }
    }
    for c in &mut item.channels {
        if let crate::model::Channel::Other(Some(t)) = c {
            *t = fill(t, unit);
        }
    }
}
