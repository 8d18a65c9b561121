//! The items the styler writes: every reference item that gkml's own CSV layout reads back
//! with no diagnostic, with the facts a table can carry (what a styled draft must read back to).

use std::sync::OnceLock;

use gkml::model::{Audience, Channel, Item, Level, Mode};

/// One item of the pool, as read from gkml's own CSV layout.
pub struct PoolItem {
    pub item: Item,
    /// What the item says, as [`facts`] puts it.
    pub facts: String,
    /// Its texts survive a round trip through Traditional characters unchanged.
    pub t_safe: bool,
}

/// What an item says, as a table can carry it (not its 序号, which a draft numbers its way).
pub fn facts(i: &Item) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}|{:?}|{}",
        i.category,
        i.name,
        i.content,
        i.basis,
        i.deadline,
        i.subject,
        gkml::model::ChannelList(&i.channels),
        i.audience,
        i.mode,
        i.levels,
        i.remarks,
    )
}

pub fn level_name(l: &Level) -> &str {
    match l {
        Level::County => "县级",
        Level::Town => "乡级",
        Level::Village => "村级",
        Level::Unknown(s) => s,
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// An item in gkml's CSV layout (docs/CONTRACT.md), without the 单位 column.
fn csv_row(domain: &str, seq: usize, i: &Item) -> String {
    let public = i.audience.contains(&Audience::Public);
    let specific = i.audience.iter().find_map(|a| match a {
        Audience::Specific(g) => Some(g.clone().unwrap_or_else(|| "✓".into())),
        _ => None,
    });
    let cells = [
        domain.to_string(),
        seq.to_string(),
        i.category.clone(),
        i.name.clone(),
        i.content.clone(),
        i.basis.clone(),
        i.deadline.clone(),
        i.subject.clone(),
        gkml::model::ChannelList(&i.channels).to_string(),
        if public { "✓".into() } else { String::new() },
        specific.unwrap_or_default(),
        if i.mode.contains(&Mode::Active) {
            "✓".into()
        } else {
            String::new()
        },
        if i.mode.contains(&Mode::OnRequest) {
            "✓".into()
        } else {
            String::new()
        },
        i.levels
            .iter()
            .map(level_name)
            .collect::<Vec<_>>()
            .join("、"),
        i.remarks.clone(),
    ];
    cells
        .iter()
        .map(|c| csv_field(c))
        .collect::<Vec<_>>()
        .join(",")
}

fn usable(i: &Item) -> bool {
    i.audience.len() == 1
        && i.mode.len() == 1
        && !matches!(i.audience[0], Audience::Unknown(_))
        && !matches!(i.mode[0], Mode::Unknown(_))
        && !i.channels.is_empty()
        && i.channels.iter().all(|c| !matches!(c, Channel::Unknown(_)))
        && i.levels.iter().all(|l| !matches!(l, Level::Unknown(_)))
        && !i.category.is_empty()
        && i.allow.is_empty()
}

fn t_safe(i: &Item) -> bool {
    let texts = [
        &i.category,
        &i.name,
        &i.content,
        &i.basis,
        &i.deadline,
        &i.subject,
        &i.remarks,
    ];
    let group = i.audience.iter().filter_map(|a| match a {
        Audience::Specific(Some(g)) => Some(g),
        _ => None,
    });
    let other = i.channels.iter().filter_map(|c| match c {
        Channel::Other(Some(t)) => Some(t),
        _ => None,
    });
    texts
        .into_iter()
        .chain(group)
        .chain(other)
        .all(|t| fast2s::convert(t) == *t && super::trad::round_trips(t))
}

/// The pool, per domain (canonical name, items in reference order), built once.
pub fn pool() -> &'static Vec<(&'static str, Vec<PoolItem>)> {
    static POOL: OnceLock<Vec<(&'static str, Vec<PoolItem>)>> = OnceLock::new();
    POOL.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tmp");
        let mut out = Vec::new();
        for cat in gkml::catalogues::Store::embedded().all() {
            for s in &cat.sections {
                let Some(d) = s.key.domain() else { continue };
                // A unit's catalogue has its names where the reference has placeholders.
                let fill = |t: &str| {
                    t.replace("{unit}", "乐昌镇人民政府")
                        .replace("{county}", "曲沃县")
                        .replace("{name}", "乐昌镇")
                };
                let items: Vec<Item> = s
                    .items
                    .iter()
                    .filter(|i| usable(i))
                    .map(|i| {
                        let mut i = i.clone();
                        for t in [
                            &mut i.category,
                            &mut i.name,
                            &mut i.content,
                            &mut i.basis,
                            &mut i.deadline,
                            &mut i.subject,
                            &mut i.remarks,
                        ] {
                            *t = fill(t);
                        }
                        i
                    })
                    .collect();
                if items.is_empty() {
                    continue;
                }
                let mut text = String::from(
                    "\u{feff}领域,序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开,公开层级,备注\r\n",
                );
                for (n, i) in items.iter().enumerate() {
                    text.push_str(&csv_row(d.name, n + 1, i));
                    text.push_str("\r\n");
                }
                let path = dir.path().join(format!("{}.csv", d.name));
                std::fs::write(&path, text).expect("write");
                let (cats, diags) = crate::common::read_checked(&path);
                let bad_rows: Vec<u32> = diags.iter().filter_map(|x| x.row).collect();
                if diags.iter().any(|x| x.row.is_none()) {
                    continue;
                }
                let mut kept = Vec::new();
                for c in &cats {
                    for sec in &c.sections {
                        for i in &sec.items {
                            let row = match i.loc.as_ref().map(|l| &l.place) {
                                Some(gkml::model::Place::Cell { row, .. }) => *row,
                                _ => 0,
                            };
                            if bad_rows.contains(&row) || !usable(i) {
                                continue;
                            }
                            let mut item = i.clone();
                            item.notes.clear();
                            kept.push(PoolItem {
                                facts: facts(&item),
                                t_safe: t_safe(&item),
                                item,
                            });
                        }
                    }
                }
                if !kept.is_empty() {
                    out.push((d.name, kept));
                }
            }
        }
        out
    })
}
