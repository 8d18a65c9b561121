//! The draft styler (issue 14, deliverable 10): the proof that the reader generalises. It
//! takes items from the built-in reference catalogues and writes them as a clerk might — CSV
//! (UTF-8 with and without BOM, GBK, UTF-16), XLSX, an HTML page, a Word table — choosing at
//! random among the variations real drafts show: title rows and paragraphs (naming the unit,
//! or the domain), one- or two-row headers with merged parents, header wording and column
//! order, Simplified or Traditional characters, every mark glyph and 是/否, channel cells in
//! every form and as one ✓ column per channel, one-column 公开对象/公开方式/公开层级 words,
//! merged or written-once groups, 序号 per group or per row, a 领域 column or section rows
//! with and without numbering, notes blocks, signature rows, instruction, hidden and empty
//! sheets, headers repeated after a page break, pasted HTML. Reading the draft back must give
//! exactly the items written and no diagnostic but those planted (an empty 公开依据 at a
//! known cell, HTML residue, a hidden or empty sheet, the note on Traditional text).

mod common;
#[path = "styler/pool.rs"]
mod pool;
#[path = "styler/trad.rs"]
mod trad;
#[path = "styler/write.rs"]
mod write;

use gkml::model::{Audience, Channel, Item, Level, Mode};
use proptest::prelude::*;
use write::{Draft, Format, Sheet};

/// A small deterministic generator: proptest picks the seed, the styler every choice.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn word(&mut self, v: &[&'static str]) -> &'static str {
        v[self.below(v.len())]
    }
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
enum Col {
    Seq,
    Domain,
    Category,
    Name,
    Content,
    Basis,
    Deadline,
    Subject,
    Channels,
    /// One ✓ column for a channel, under a merged 公开渠道和载体 parent.
    ChannelSub(Channel),
    AudPublic,
    AudSpecific,
    AudText,
    ModeActive,
    ModeRequest,
    ModeText,
    LevelsText,
    Level(Level),
    Remarks,
    /// A column the template does not have: kept in 备注 as `列名：值`, noted once (GK009).
    Extra,
}

/// A column group: its columns, and the parent label above them in a two-row header.
struct Group {
    cols: Vec<Col>,
    parent: Option<&'static str>,
}

/// A diagnostic the styler planted: its code, and the cell it must name (sheet, A1) if any.
#[derive(Debug, Clone)]
struct Planted {
    code: &'static str,
    /// The sheet (or 表N) and the 0-based row and column of the cell.
    at: Option<(Option<String>, usize, usize)>,
}

fn col_letter(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

const SET: [&str; 7] = ["✓", "√", "✔", "☑", "■", "●", "是"];
const UNSET: [&str; 4] = ["", "□", "☐", "否"];

fn channel_name(c: &Channel) -> String {
    match c {
        Channel::Known(k) => k.name().to_string(),
        Channel::Other(_) => "其他".to_string(),
        Channel::Unknown(s) => s.clone(),
    }
}

/// A channel cell in one of the forms drafts write it.
fn channel_cell(rng: &mut Rng, chosen: &[Channel], all: &[Channel]) -> String {
    let display: Vec<String> = chosen.iter().map(Channel::display).collect();
    match rng.below(9) {
        0 => display.join("、"),
        1 => display.join("，"),
        2 => display.join("\n"),
        3 => display.join("；"),
        4 => display.join(" "),
        5 if chosen.iter().all(|c| !matches!(c, Channel::Other(Some(_)))) => display.join(""),
        6 => display.join("\u{a0}"),
        _ => {
            // A checkbox list over every channel of the table, chosen ones marked.
            let set = *rng.pick(&["■", "√", "☑", "✓", "✔", "●"]);
            let unset = *rng.pick(&["□", "☐"]);
            let sep = *rng.pick(&[" ", "  ", "", "\n", "、"]);
            all.iter()
                .flat_map(|c| {
                    let mine: Vec<&Channel> = chosen
                        .iter()
                        .filter(|x| channel_name(x) == channel_name(c))
                        .collect();
                    if mine.is_empty() {
                        return vec![format!("{unset}{}", channel_name(c))];
                    }
                    mine.into_iter()
                        .map(|x| match x {
                            Channel::Other(Some(t)) => format!("{set}其他 {t}"),
                            x => format!("{set}{}", channel_name(x)),
                        })
                        .collect()
                })
                .collect::<Vec<_>>()
                .join(sep)
        }
    }
}

/// A channel cell pasted from a web form: a checkbox input before every channel of the table.
fn pasted_checkboxes(chosen: &[Channel], all: &[Channel]) -> String {
    let mut out = Vec::new();
    for ch in all {
        let mine: Vec<&Channel> = chosen
            .iter()
            .filter(|x| channel_name(x) == channel_name(ch))
            .collect();
        if mine.is_empty() {
            out.push(format!("<input type=\"checkbox\"/> {}", channel_name(ch)));
        }
        for x in mine {
            let text = match x {
                Channel::Other(Some(t)) => format!("其他 {t}"),
                x => channel_name(x),
            };
            out.push(format!("<input checked=\"\" type=\"checkbox\"/> {text}"));
        }
    }
    out.join(" ")
}

/// A domain's name as a section row writes it.
fn section_text(rng: &mut Rng, domain: &str, n: usize) -> String {
    let cn = ["一", "二", "三", "四", "五"];
    let suffix = if rng.chance(50) { "领域" } else { "" };
    let num = cn.get(n).copied().unwrap_or("六");
    match rng.below(5) {
        0 => format!("{num}、{domain}{suffix}"),
        1 => format!("（{num}）{domain}{suffix}"),
        2 => format!("{}.{domain}{suffix}", n + 1),
        3 => format!("{}、{domain}{suffix}", n + 1),
        _ => format!("{domain}{suffix}"),
    }
}

struct Case {
    draft: Draft,
    format: Format,
    planted: Vec<Planted>,
    expected: Vec<(String, String)>,
    description: String,
}

/// Style one draft from `seed`.
fn style(seed: u64) -> Case {
    let mut rng = Rng(seed | 1);
    let pool = pool::pool();
    let format = *rng.pick(&Format::ALL);
    let mut desc = vec![format!("{format:?}")];
    // The catalogue: one to three domains, one to five items each, in reference order.
    let n_domains = 1 + rng.below(3);
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < n_domains.min(pool.len()) {
        let d = rng.below(pool.len());
        if !picked.contains(&d) {
            picked.push(d);
        }
    }
    picked.sort();
    let mut items: Vec<(&str, Item, String)> = Vec::new();
    for &d in &picked {
        let (name, list) = &pool[d];
        let take = 1 + rng.below(5.min(list.len()));
        let start = rng.below(list.len() - take + 1);
        for p in &list[start..start + take] {
            items.push((name, p.item.clone(), p.facts.clone()));
        }
    }
    let traditional = rng.chance(15) && {
        let safe = |f: &str| {
            pool.iter()
                .flat_map(|(_, l)| l)
                .any(|p| p.facts == f && p.t_safe)
        };
        items.iter().all(|(_, _, f)| safe(f))
    };
    if traditional {
        desc.push("繁体".into());
    }
    let domains: Vec<&str> = {
        let mut v: Vec<&str> = items.iter().map(|(d, _, _)| *d).collect();
        v.dedup();
        v
    };
    // How the domain is given.
    let domain_by = if domains.len() == 1 && rng.chance(25) {
        if format == Format::Xlsx && rng.chance(50) {
            "sheet"
        } else {
            "title"
        }
    } else if rng.chance(50) {
        "column"
    } else {
        "section"
    };
    desc.push(format!("domain by {domain_by}"));
    let all_channels: Vec<Channel> = {
        let mut v: Vec<Channel> = Vec::new();
        for (_, i, _) in &items {
            for c in &i.channels {
                let key = match c {
                    Channel::Other(_) => Channel::Other(None),
                    c => c.clone(),
                };
                if !v.contains(&key) {
                    v.push(key);
                }
            }
        }
        if rng.chance(50) {
            for extra in [
                Channel::Known(gkml::model::ChannelKind::Gazette),
                Channel::Known(gkml::model::ChannelKind::Push),
            ] {
                if !v.contains(&extra) {
                    v.push(extra);
                }
            }
        }
        v.sort();
        v
    };
    let any_levels = items.iter().any(|(_, i, _)| !i.levels.is_empty());
    let two_rows = rng.chance(60);
    let mut planted: Vec<Planted> = Vec::new();
    // Columns, in groups that stay together; the groups' order varies.
    let mut groups: Vec<Group> = vec![
        Group {
            cols: vec![Col::Category, Col::Name],
            parent: Some("公开事项"),
        },
        Group {
            cols: vec![Col::Content],
            parent: None,
        },
        Group {
            cols: vec![Col::Basis],
            parent: None,
        },
        Group {
            cols: vec![Col::Deadline],
            parent: None,
        },
        Group {
            cols: vec![Col::Subject],
            parent: None,
        },
    ];
    // One 其他 column holds one free text: items with two 其他 entries keep a channel cell.
    let channel_subs = two_rows
        && rng.chance(35)
        && !items.iter().any(|(_, i, _)| {
            i.channels
                .iter()
                .filter(|c| matches!(c, Channel::Other(_)))
                .count()
                > 1
        });
    groups.push(if channel_subs {
        desc.push("channel sub-columns".into());
        Group {
            cols: all_channels.iter().cloned().map(Col::ChannelSub).collect(),
            parent: Some("公开渠道和载体"),
        }
    } else {
        Group {
            cols: vec![Col::Channels],
            parent: None,
        }
    });
    let aud_text = rng.chance(30);
    groups.push(if aud_text || !two_rows {
        if aud_text {
            Group {
                cols: vec![Col::AudText],
                parent: None,
            }
        } else {
            Group {
                cols: vec![Col::AudPublic, Col::AudSpecific],
                parent: None,
            }
        }
    } else {
        Group {
            cols: vec![Col::AudPublic, Col::AudSpecific],
            parent: Some("公开对象"),
        }
    });
    let mode_text = rng.chance(30);
    groups.push(if mode_text {
        Group {
            cols: vec![Col::ModeText],
            parent: None,
        }
    } else {
        Group {
            cols: vec![Col::ModeActive, Col::ModeRequest],
            parent: two_rows.then_some("公开方式"),
        }
    });
    if any_levels || rng.chance(30) {
        groups.push(if two_rows && rng.chance(50) {
            Group {
                cols: vec![
                    Col::Level(Level::County),
                    Col::Level(Level::Town),
                    Col::Level(Level::Village),
                ],
                parent: Some("公开层级"),
            }
        } else {
            Group {
                cols: vec![Col::LevelsText],
                parent: None,
            }
        });
    }
    if rng.chance(10) {
        groups.push(Group {
            cols: vec![Col::Extra],
            parent: None,
        });
        desc.push("unknown column".into());
        planted.push(Planted {
            code: gkml::rules::UNKNOWN_COLUMN.code,
            at: None,
        });
    }
    groups.push(Group {
        cols: vec![Col::Remarks],
        parent: None,
    });
    if rng.chance(40) {
        // Shuffle the groups after 公开事项 (Fisher–Yates).
        for i in (2..groups.len()).rev() {
            let j = 1 + rng.below(i);
            groups.swap(i, j);
        }
        desc.push("columns shuffled".into());
    }
    let mut lead = vec![Group {
        cols: vec![Col::Seq],
        parent: None,
    }];
    if domain_by == "column" {
        lead.push(Group {
            cols: vec![Col::Domain],
            parent: None,
        });
    }
    lead.append(&mut groups);
    let groups = lead;
    let cols: Vec<Col> = groups.iter().flat_map(|g| g.cols.clone()).collect();
    let width = cols.len();
    let tr = |s: &str| {
        if traditional {
            trad::to_traditional(s)
        } else {
            s.to_string()
        }
    };
    // Header labels, in their wording variants.
    let label = |rng: &mut Rng, c: &Col| -> String {
        let v: &[&str] = match c {
            Col::Seq => &["序号", "编号"],
            Col::Domain => &["领域", "试点领域", "所属领域"],
            Col::Category => &["一级事项", "事项类别", "一级事项（类别）"],
            Col::Name => {
                if two_rows {
                    &["二级事项"]
                } else {
                    &["二级事项", "事项名称", "具体事项"]
                }
            }
            Col::Content => &["公开内容（要素）", "公开内容", "事项内容", "公开内容(要素)"],
            Col::Basis => &["公开依据", "依据", "法律法规依据"],
            Col::Deadline => &["公开时限", "时限", "公开时限（工作日）"],
            Col::Subject => &["公开主体", "主体", "责任单位", "公开主体（责任单位）"],
            Col::Channels => &[
                "公开渠道和载体",
                "公开渠道及载体",
                "公开渠道",
                "公开渠道和载体（政府网站/公示栏等）",
            ],
            Col::ChannelSub(_) => &[],
            Col::AudPublic => &["全社会"],
            Col::AudSpecific => &["特定群众", "特定群体"],
            Col::AudText => &["公开对象", "公开对象（全社会/特定群众）"],
            Col::ModeActive => &["主动", "主动公开"],
            Col::ModeRequest => &["依申请公开", "依申请"],
            Col::ModeText => &["公开方式", "公开方式（主动/依申请）"],
            Col::LevelsText => &["公开层级", "适用层级", "公开层级（县级/乡级）"],
            Col::Level(_) => &[],
            Col::Remarks => &["备注"],
            Col::Extra => &["责任科室", "经办科室"],
        };
        match c {
            Col::ChannelSub(ch) => channel_name(ch),
            Col::Level(l) => pool::level_name(l).to_string(),
            _ => rng.pick(v).to_string(),
        }
    };
    let mut header_top: Vec<String> = Vec::new();
    let mut header_sub: Vec<String> = Vec::new();
    let mut header_merges: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut at = 0;
    for g in &groups {
        let labels: Vec<String> = g.cols.iter().map(|c| label(&mut rng, c)).collect();
        match (two_rows, g.parent) {
            (true, Some(p)) => {
                for (k, l) in labels.iter().enumerate() {
                    header_top.push(if k == 0 { tr(p) } else { String::new() });
                    header_sub.push(tr(l));
                }
                if labels.len() > 1 {
                    header_merges.push((0, at, 0, at + labels.len() - 1));
                }
            }
            (true, None) => {
                for (k, l) in labels.iter().enumerate() {
                    header_top.push(tr(l));
                    header_sub.push(String::new());
                    header_merges.push((0, at + k, 1, at + k));
                }
            }
            _ => header_top.extend(labels.iter().map(|l| tr(l))),
        }
        at += labels.len();
    }
    // The label of the unknown column, as its values end up in 备注.
    let extra_label = cols
        .iter()
        .position(|c| *c == Col::Extra)
        .and_then(|i| header_top.get(i))
        .map(|l| fast2s::convert(l));
    let header_rows: Vec<Vec<String>> = if two_rows {
        desc.push("two-row header".into());
        vec![header_top, header_sub]
    } else {
        vec![header_top]
    };
    // The sheet, row by row.
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut merges: Vec<write::Merge> = Vec::new();
    let mut expected: Vec<(String, String)> = Vec::new();
    let unit = *rng.pick(&["乐昌镇", "嘉鱼县民政局", "东湖区", "乾县"]);
    let title = match domain_by {
        "title" => Some(format!(
            "{}{}领域基层政务公开标准目录",
            if rng.chance(50) { unit } else { "" },
            domains[0]
        )),
        _ if rng.chance(50) => Some(format!("{unit}基层政务公开标准目录")),
        _ => None,
    };
    // A page of several tables, one per domain under its heading.
    let split_tables = format.is_document() && domain_by == "section" && rng.chance(40);
    let title_in_table =
        title.is_some() && !split_tables && (!format.is_document() || rng.chance(50));
    let mut draft = Draft::default();
    if let Some(t) = &title {
        desc.push(format!("title {t}"));
        if title_in_table {
            let mut row = vec![String::new(); width];
            row[0] = tr(t);
            rows.push(row);
            merges.push((0, 0, 0, width - 1));
        } else {
            draft.title_para = Some(tr(t));
        }
    }
    if rng.chance(25) {
        // A filing line between the title and the header, as templates print it.
        let mut row = vec![String::new(); width];
        row[0] = tr("填报单位（盖章）：乐昌镇人民政府");
        row[width - 2] = tr("填报日期：2020年12月1日");
        rows.push(row);
        desc.push("filing row above".into());
    }
    if rng.chance(15) {
        let mut row = vec![String::new(); width];
        row[0] = tr("说明：本目录根据国办发〔2019〕54号文件和上级标准指引编制，实行动态调整。");
        if rng.chance(50) {
            merges.push((rows.len(), 0, rows.len(), width - 1));
        }
        rows.push(row);
        desc.push("note above".into());
    }
    let push_header = |rows: &mut Vec<Vec<String>>, merges: &mut Vec<write::Merge>| {
        let base = rows.len();
        rows.extend(header_rows.iter().cloned());
        if two_rows {
            merges.extend(
                header_merges
                    .iter()
                    .map(|&(a, b, c, d)| (a + base, b, c + base, d)),
            );
        }
    };
    push_header(&mut rows, &mut merges);
    let sheet_name = if domain_by == "sheet" {
        tr(domains[0])
    } else {
        "目录".to_string()
    };
    let sheet_ref = match format {
        Format::Xlsx => Some(sheet_name.clone()),
        f if f.is_document() => Some("表1".to_string()),
        _ => None,
    };
    // How groups are written: merged (not in CSV, where Excel writes blanks), written once,
    // or on every row; 序号 per group or per row.
    let group_style = if format.is_csv() {
        1 + rng.below(2)
    } else {
        rng.below(3)
    };
    let seq_per_row = rng.chance(40);
    // A 一级事项 that reads like a domain (财政预决算) on a row of its own is a section row,
    // unless a 领域 column names the domains.
    let category_rows = group_style == 1
        && rng.chance(25)
        && (domain_by == "column"
            || items.iter().all(|(_, i, _)| {
                matches!(
                    gkml::domains::lookup(&i.category),
                    gkml::domains::SectionKey::Unknown(_)
                ) && gkml::domains::lookup_many(&i.category)
                    .iter()
                    .all(|k| matches!(k, gkml::domains::SectionKey::Unknown(_)))
            }));
    if category_rows {
        desc.push("category rows".into());
    }
    let domain_style = rng.below(3);
    desc.push(format!(
        "groups {group_style} seq-per-row {seq_per_row} domain-col {domain_style}"
    ));
    let plant_basis = rng.chance(25).then(|| rng.below(items.len()));
    let plant_html = (!traditional && rng.chance(15)).then(|| rng.below(items.len()));
    let plant_space = rng.chance(10).then(|| rng.below(items.len()));
    let plant_channel_html = (!traditional && rng.chance(10)).then(|| rng.below(items.len()));
    let page_break = (items.len() > 2 && rng.chance(20)).then(|| 1 + rng.below(items.len() - 1));
    let mut section_rows: Vec<usize> = Vec::new();
    let header_len = header_rows.len();
    let mut seq = 0;
    let mut group_seq = 0;
    let mut last_domain = "";
    let mut last_category = String::new();
    let mut category_start: Option<usize> = None;
    let mut seq_start: Option<usize> = None;
    let mut domain_start: Option<usize> = None;
    let close = |start: &mut Option<usize>,
                 end: usize,
                 col: Option<usize>,
                 merges: &mut Vec<write::Merge>| {
        if let (Some(s), Some(c)) = (*start, col) {
            if end > s {
                merges.push((s, c, end, c));
            }
        }
        *start = None;
    };
    let col_of = |want: &Col| cols.iter().position(|c| c == want);
    let (cat_col, seq_col, dom_col) = (
        col_of(&Col::Category),
        col_of(&Col::Seq),
        col_of(&Col::Domain),
    );
    for (k, (domain, item, facts)) in items.iter().enumerate() {
        if Some(k) == page_break {
            let end = rows.len() - 1;
            if group_style == 0 {
                close(&mut category_start, end, cat_col, &mut merges);
                close(&mut seq_start, end, seq_col, &mut merges);
            }
            close(&mut domain_start, end, dom_col, &mut merges);
            push_header(&mut rows, &mut merges);
            desc.push("page-break header".into());
            last_category.clear();
        }
        let new_domain = *domain != last_domain;
        if new_domain {
            let end = rows.len().saturating_sub(1);
            close(&mut category_start, end, cat_col, &mut merges);
            close(&mut seq_start, end, seq_col, &mut merges);
            close(&mut domain_start, end, dom_col, &mut merges);
            if domain_by == "section" {
                if k > 0 && rng.chance(30) {
                    rows.push(vec![String::new(); width]);
                }
                let n = domains.iter().position(|d| d == domain).unwrap_or(0);
                let text = tr(&section_text(&mut rng, domain, n));
                let mut row = vec![String::new(); width];
                if rng.chance(50) {
                    merges.push((rows.len(), 0, rows.len(), width - 1));
                }
                row[0] = text;
                section_rows.push(rows.len());
                rows.push(row);
            }
            last_domain = domain;
            last_category.clear();
            group_seq = 0;
            if !seq_per_row {
                seq = 0;
            }
        }
        let new_group = item.category != last_category;
        if new_group {
            let end = rows.len() - 1;
            close(&mut category_start, end, cat_col, &mut merges);
            close(&mut seq_start, end, seq_col, &mut merges);
            group_seq += 1;
            if k > 0 && !new_domain && rng.chance(10) {
                rows.push(vec![String::new(); width]);
                desc.push("blank row between groups".into());
            }
            if category_rows {
                // The 一级事项 on a row of its own above its 二级 rows.
                let mut row = vec![String::new(); width];
                if let Some(c) = cat_col {
                    row[c] = tr(&item.category);
                }
                rows.push(row);
            }
        }
        seq += 1;
        let r = rows.len();
        let mut row = vec![String::new(); width];
        let mut item_facts = facts.clone();
        for (c, col) in cols.iter().enumerate() {
            let set = |rng: &mut Rng| rng.pick(&SET).to_string();
            let unset = |rng: &mut Rng| rng.pick(&UNSET).to_string();
            let cell = match col {
                Col::Seq => {
                    if seq_per_row {
                        seq.to_string()
                    } else if new_group || group_style == 2 {
                        if new_group && group_style == 0 {
                            seq_start = Some(r);
                        }
                        group_seq.to_string()
                    } else {
                        String::new()
                    }
                }
                Col::Domain => {
                    if new_domain || domain_style == 0 {
                        if new_domain && domain_style == 1 && !format.is_csv() {
                            domain_start = Some(r);
                        }
                        tr(&format!(
                            "{domain}{}",
                            if rng.chance(30) { "领域" } else { "" }
                        ))
                    } else {
                        String::new()
                    }
                }
                Col::Category => {
                    if category_rows {
                        String::new()
                    } else if new_group || group_style == 2 {
                        if new_group && group_style == 0 {
                            category_start = Some(r);
                        }
                        tr(&item.category)
                    } else {
                        String::new()
                    }
                }
                Col::Name => tr(&item.name),
                Col::Content => {
                    if plant_space == Some(k) && plant_html != Some(k) {
                        // Typed with a full-width indent and a double space, as clerks do.
                        planted.push(Planted {
                            code: "GK602",
                            at: Some((sheet_ref.clone(), r, c)),
                        });
                        desc.push(format!("stray spaces at row {}", r + 1));
                        format!("\u{3000}\u{3000}{}  ", tr(&item.content))
                    } else if plant_html == Some(k) {
                        let written = format!("<p>{}</p>", item.content);
                        planted.push(Planted {
                            code: "GK601",
                            at: Some((sheet_ref.clone(), r, c)),
                        });
                        desc.push(format!("html residue at row {}", r + 1));
                        written
                    } else {
                        tr(&item.content)
                    }
                }
                Col::Basis => {
                    if plant_basis == Some(k) {
                        planted.push(Planted {
                            code: gkml::rules::MISSING_BASIS.code,
                            at: Some((sheet_ref.clone(), r, c)),
                        });
                        desc.push(format!("empty basis at row {}", r + 1));
                        item_facts = item_facts.replacen(&format!("|{}|", item.basis), "||", 1);
                        String::new()
                    } else {
                        tr(&item.basis)
                    }
                }
                Col::Deadline => tr(&item.deadline),
                Col::Subject => tr(&item.subject),
                Col::Channels if plant_channel_html == Some(k) => {
                    // Pasted from a web form: checkbox inputs around the names.
                    planted.push(Planted {
                        code: "GK601",
                        at: Some((sheet_ref.clone(), r, c)),
                    });
                    desc.push(format!("pasted checkboxes at row {}", r + 1));
                    pasted_checkboxes(&item.channels, &all_channels)
                }
                Col::Channels => tr(&channel_cell(&mut rng, &item.channels, &all_channels)),
                Col::ChannelSub(ch) => {
                    match item
                        .channels
                        .iter()
                        .find(|x| channel_name(x) == channel_name(ch))
                    {
                        Some(Channel::Other(Some(t))) => tr(t),
                        Some(_) => set(&mut rng),
                        None => unset(&mut rng),
                    }
                }
                Col::AudPublic => {
                    if item.audience.contains(&Audience::Public) {
                        set(&mut rng)
                    } else {
                        unset(&mut rng)
                    }
                }
                Col::AudSpecific => match item.audience.first() {
                    Some(Audience::Specific(Some(g))) => tr(g),
                    Some(Audience::Specific(None)) => set(&mut rng),
                    _ => unset(&mut rng),
                },
                Col::AudText => tr(&match item.audience.first() {
                    Some(Audience::Public) => "全社会".to_string(),
                    Some(Audience::Specific(Some(g))) => {
                        format!("{}（{g}）", rng.word(&["特定群众", "特定群体"]))
                    }
                    _ => rng.word(&["特定群众", "特定群体"]).to_string(),
                }),
                Col::ModeActive => {
                    if item.mode.contains(&Mode::Active) {
                        set(&mut rng)
                    } else {
                        unset(&mut rng)
                    }
                }
                Col::ModeRequest => {
                    if item.mode.contains(&Mode::OnRequest) {
                        set(&mut rng)
                    } else {
                        unset(&mut rng)
                    }
                }
                Col::ModeText => tr(match item.mode.first() {
                    Some(Mode::Active) => rng.word(&["主动", "主动公开"]),
                    _ => rng.word(&["依申请公开", "依申请"]),
                }),
                Col::LevelsText => tr(&item
                    .levels
                    .iter()
                    .map(pool::level_name)
                    .collect::<Vec<_>>()
                    .join(*rng.pick(&["、", "，", " "]))),
                Col::Level(l) => {
                    if item.levels.contains(l) {
                        set(&mut rng)
                    } else {
                        unset(&mut rng)
                    }
                }
                Col::Remarks => tr(&item.remarks),
                Col::Extra => tr("办公室"),
            };
            row[c] = cell;
        }
        if new_group {
            last_category = item.category.clone();
        }
        rows.push(row);
        if let Some(label) = &extra_label {
            let base = item_facts
                .strip_suffix(item.remarks.as_str())
                .unwrap_or(&item_facts)
                .to_string();
            let extra = format!("{label}：办公室");
            item_facts = if item.remarks.is_empty() {
                format!("{base}{extra}")
            } else {
                format!("{base}{}；{extra}", item.remarks)
            };
        }
        expected.push((domain.to_string(), item_facts));
    }
    let end = rows.len() - 1;
    close(&mut category_start, end, cat_col, &mut merges);
    close(&mut seq_start, end, seq_col, &mut merges);
    close(&mut domain_start, end, dom_col, &mut merges);
    // Below the table: blank separators, a notes block, numbered notes, a signature row.
    let notes_in_para = format.is_document() && rng.chance(50);
    let mut below: Vec<(Vec<String>, bool)> = Vec::new();
    if rng.chance(40) {
        below.push((vec![String::new(); width], false));
    }
    if rng.chance(50) {
        let head = *rng.pick(&["注：", "注释：", "说明：", "备注："]);
        let text = format!("{head}1.公开主体是指制作或获取信息的行政机关；2.政府网站为第一平台；3.公开时限默认为信息形成或变更之日起20个工作日内。");
        let mut row = vec![String::new(); width];
        let spread = rng.chance(60);
        row[0] = tr(&text);
        below.push((row, spread));
        desc.push("notes block".into());
    }
    if rng.chance(30) {
        for (n, t) in ["公开渠道可多选。", "特定群众应写明对象。"]
            .iter()
            .enumerate()
        {
            let mut row = vec![String::new(); width];
            row[rng.below(2)] = tr(&format!("{}.{t}", n + 1));
            below.push((row, false));
        }
        desc.push("numbered notes".into());
    }
    if rng.chance(50) {
        let mut row = vec![String::new(); width];
        let parts = [
            "填报单位（盖章）：",
            "填报人：张三",
            "联系电话：0715-6321234",
            "审核人：李四",
            "负责人：王五",
        ];
        let n = 2 + rng.below(parts.len() - 1);
        for (j, p) in parts.iter().take(n).enumerate() {
            let c = (j * width / n).min(width - 1);
            row[c] = tr(p);
        }
        below.push((row, false));
        if rng.chance(50) {
            let mut row = vec![String::new(); width];
            row[width - 2] = tr("填报日期：2020年12月1日");
            below.push((row, false));
        }
        desc.push("signature row".into());
    }
    for (row, spread) in below {
        if notes_in_para {
            let text: Vec<&str> = row
                .iter()
                .map(String::as_str)
                .filter(|c| !c.is_empty())
                .collect();
            if !text.is_empty() {
                draft.notes_para.push(text.join("  "));
            }
            continue;
        }
        if spread {
            merges.push((rows.len(), 0, rows.len(), width - 1));
        }
        rows.push(row);
    }
    let main_name = sheet_name.clone();
    let main = Sheet {
        name: sheet_name,
        rows,
        merges,
        ..Default::default()
    };
    if split_tables && !section_rows.is_empty() {
        desc.push("a table per domain".into());
        let header = Sheet {
            rows: header_rows.clone(),
            merges: if two_rows {
                header_merges.clone()
            } else {
                Vec::new()
            },
            ..Default::default()
        };
        draft
            .sheets
            .extend(split(&main, &section_rows, &header, &mut planted));
    } else if format == Format::Docx && page_break.is_none() && rng.chance(25) {
        // Word breaks a long table over pages; the part after the break has no header (a
        // header written again after the break starts a new table, which the page-break
        // variation covers).
        let body = (header_len + usize::from(title_in_table) + 1)..main.rows.len();
        let free: Vec<usize> = body
            .filter(|&s| !main.merges.iter().any(|m| m.0 < s && s <= m.2))
            .collect();
        if free.is_empty() {
            draft.sheets.push(main);
        } else {
            let at = free[rng.below(free.len())];
            desc.push(format!(
                "table continued after a page break at row {}",
                at + 1
            ));
            let first = Sheet {
                rows: main.rows[..at].to_vec(),
                merges: main.merges.iter().copied().filter(|m| m.2 < at).collect(),
                ..Default::default()
            };
            let second = Sheet {
                rows: main.rows[at..].to_vec(),
                merges: main
                    .merges
                    .iter()
                    .filter(|m| m.0 >= at)
                    .map(|m| (m.0 - at, m.1, m.2 - at, m.3))
                    .collect(),
                continued: true,
                ..Default::default()
            };
            for p in planted.iter_mut() {
                if let Some((sheet, r, _)) = &mut p.at {
                    if *r >= at {
                        *r -= at;
                        *sheet = Some("表2".to_string());
                    }
                }
            }
            draft.sheets.extend([first, second]);
        }
    } else {
        draft.sheets.push(main);
    }
    if format == Format::Xlsx {
        if rng.chance(30) {
            let at = if rng.chance(50) {
                0
            } else {
                draft.sheets.len()
            };
            draft.sheets.insert(
                at,
                Sheet {
                    name: tr("填表说明"),
                    rows: vec![
                        vec![tr("填表说明")],
                        vec![tr("1.一级事项按标准指引填写。")],
                        vec![tr("2.公开渠道在对应栏内打“√”。")],
                    ],
                    ..Default::default()
                },
            );
            desc.push("instruction sheet".into());
        }
        if rng.chance(15) {
            draft.sheets.push(Sheet {
                name: "Sheet2".into(),
                ..Default::default()
            });
            planted.push(Planted {
                code: gkml::rules::EMPTY_SHEET.code,
                at: None,
            });
            desc.push("empty sheet".into());
        }
        if rng.chance(15) {
            draft.sheets.push(Sheet {
                name: "草稿旧版".into(),
                rows: vec![vec!["旧数据".into()]],
                hidden: true,
                ..Default::default()
            });
            planted.push(Planted {
                code: gkml::rules::HIDDEN_SHEET.code,
                at: None,
            });
            desc.push("hidden sheet".into());
        }
    }
    if traditional {
        planted.push(Planted {
            code: gkml::rules::TRADITIONAL_CONVERTED.code,
            at: None,
        });
    }
    // A table that does not start at A1: an empty first column, and in a workbook empty rows
    // above.
    if (format == Format::Xlsx || format.is_csv()) && rng.chance(15) {
        let dr = if format == Format::Xlsx {
            rng.below(3)
        } else {
            0
        };
        let dc = 1;
        if let Some(main) = draft.sheets.iter_mut().find(|s| s.name == main_name) {
            for row in &mut main.rows {
                row.insert(0, String::new());
            }
            for _ in 0..dr {
                main.rows.insert(0, Vec::new());
            }
            for m in &mut main.merges {
                *m = (m.0 + dr, m.1 + dc, m.2 + dr, m.3 + dc);
            }
        }
        for p in &mut planted {
            if let Some((_, r, c)) = &mut p.at {
                *r += dr;
                *c += dc;
            }
        }
        desc.push(format!("table at row {} column {}", dr + 1, dc + 1));
    }
    Case {
        draft,
        format,
        planted,
        expected,
        description: desc.join("; "),
    }
}

/// Split a document's table at its section rows (`cuts`): the rows above the first stay in
/// the first table, each section row becomes the heading above its table, and `header` is
/// repeated on top of each later table. Merges and planted cells follow their rows.
fn split(main: &Sheet, cuts: &[usize], header: &Sheet, planted: &mut [Planted]) -> Vec<Sheet> {
    let mut out: Vec<Sheet> = Vec::new();
    // (body start, body end, first row of the body in the new table) per table.
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    for (i, &cut) in cuts.iter().enumerate() {
        let body_start = cut + 1;
        let body_end = cuts.get(i + 1).copied().unwrap_or(main.rows.len());
        let (mut rows, mut merges) = if i == 0 {
            (
                main.rows[..cut].to_vec(),
                main.merges.iter().copied().filter(|m| m.2 < cut).collect(),
            )
        } else {
            (header.rows.clone(), header.merges.clone())
        };
        let prefix = rows.len();
        rows.extend(main.rows[body_start..body_end].iter().cloned());
        for m in &main.merges {
            if m.0 >= body_start && m.2 < body_end {
                let f = |r: usize| r - body_start + prefix;
                merges.push((f(m.0), m.1, f(m.2), m.3));
            }
        }
        spans.push((body_start, body_end, prefix));
        out.push(Sheet {
            rows,
            merges,
            heading: main.rows[cut].first().cloned(),
            ..Default::default()
        });
    }
    for p in planted.iter_mut() {
        if let Some((sheet, r, _)) = &mut p.at {
            if let Some((t, &(b0, _, prefix))) = spans
                .iter()
                .enumerate()
                .find(|(_, (b0, b1, _))| (*b0..*b1).contains(r))
            {
                *r = prefix + (*r - b0);
                *sheet = Some(format!("表{}", t + 1));
            }
        }
    }
    out
}

/// Write the case, read it back, and say what differs (nothing, when the reader holds).
fn run(seed: u64) -> Result<(), String> {
    let case = style(seed);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = write::write(&case.draft, case.format, dir.path());
    let (cats, diags) = common::read_checked(&path);
    let got: Vec<(String, String)> = cats
        .iter()
        .flat_map(|c| c.sections.iter())
        .flat_map(|s| {
            s.items
                .iter()
                .map(move |i| (s.key.display_name().to_string(), pool::facts(i)))
        })
        .collect();
    let mut problems = Vec::new();
    if got != case.expected {
        let missing: Vec<_> = case.expected.iter().filter(|e| !got.contains(e)).collect();
        let extra: Vec<_> = got.iter().filter(|g| !case.expected.contains(g)).collect();
        problems.push(format!(
            "items differ ({} expected, {} read): missing {missing:?}; extra {extra:?}",
            case.expected.len(),
            got.len()
        ));
    }
    let mut unplanted = Vec::new();
    for d in &diags {
        let ok = case.planted.iter().any(|p| {
            let at = |(sheet, r, c): &(Option<String>, usize, usize)| {
                d.sheet.as_deref() == sheet.as_deref()
                    && d.cell.as_deref() == Some(&format!("{}{}", col_letter(*c), r + 1))
            };
            let same_row = |(sheet, r, _): &(Option<String>, usize, usize)| {
                d.sheet.as_deref() == sheet.as_deref() && d.row == Some(*r as u32 + 1)
            };
            (p.code == d.code && p.at.as_ref().is_none_or(at))
                // Without its basis, a time limit beyond the default is no longer
                // provided for: the 4xx rules may speak on the same row.
                || (p.code == gkml::rules::MISSING_BASIS.code
                    && d.code.starts_with("GK4")
                    && p.at.as_ref().is_some_and(same_row))
        });
        if !ok {
            unplanted.push(format!(
                "{} {}!{} {} ({})",
                d.code,
                d.sheet.as_deref().unwrap_or(""),
                d.cell.as_deref().unwrap_or(""),
                d.message,
                d.hint.as_deref().unwrap_or("")
            ));
        }
    }
    if !unplanted.is_empty() {
        problems.push(format!(
            "diagnostics not planted: {}",
            unplanted.join(" | ")
        ));
    }
    for p in &case.planted {
        let n = diags.iter().filter(|d| d.code == p.code).count();
        if n == 0 {
            problems.push(format!("planted {} {:?} not reported", p.code, p.at));
        } else if p.code == gkml::rules::TRADITIONAL_CONVERTED.code && n != 1 {
            problems.push(format!("{n} notes on Traditional text, one expected"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let keep = std::env::var_os("STYLER_KEEP").is_some();
        let kept = if keep {
            let p = std::env::temp_dir().join(format!("styler-{seed}"));
            let _ = std::fs::create_dir_all(&p);
            let to = p.join(path.file_name().unwrap_or_default());
            let _ = std::fs::copy(&path, &to);
            format!(" (kept at {})", to.display())
        } else {
            String::new()
        };
        Err(format!(
            "seed {seed}: {}{kept}\n{}",
            case.description,
            problems.join("\n")
        ))
    }
}

#[test]
fn the_pool_has_items_of_many_domains() {
    let pool = pool::pool();
    assert!(pool.len() >= 20, "{} domains", pool.len());
    assert!(pool.iter().map(|(_, l)| l.len()).sum::<usize>() >= 200);
    assert!(
        pool.iter()
            .flat_map(|(_, l)| l)
            .filter(|p| p.t_safe)
            .count()
            >= 50
    );
}

/// Three hundred seeds reach every variation the styler knows (a styler that never plants a
/// defect or never writes Traditional would prove nothing).
#[test]
fn the_styler_reaches_every_variation() {
    let mut seen = String::new();
    for k in 0..300u64 {
        let case = style(k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03);
        seen.push_str(&case.description);
        seen.push('\n');
    }
    for tag in [
        "CsvUtf8",
        "CsvBom",
        "CsvGbk",
        "CsvUtf16",
        "Xlsx",
        "Html",
        "HtmlXls",
        "HtmlExcel",
        "Docx",
        "a table per domain",
        "table continued after a page break",
        "繁体",
        "domain by sheet",
        "domain by title",
        "domain by column",
        "domain by section",
        "channel sub-columns",
        "columns shuffled",
        "two-row header",
        "groups 0",
        "groups 1",
        "groups 2",
        "seq-per-row true",
        "empty basis",
        "html residue",
        "pasted checkboxes",
        "stray spaces",
        "unknown column",
        "page-break header",
        "notes block",
        "numbered notes",
        "signature row",
        "filing row above",
        "note above",
        "blank row between groups",
        "category rows",
        "instruction sheet",
        "empty sheet",
        "hidden sheet",
        "table at row",
    ] {
        assert!(seen.contains(tag), "no case has {tag}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_styled_draft_reads_back_to_its_items_and_only_the_planted_diagnostics(seed in any::<u64>()) {
        if let Err(e) = run(seed) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// The long run: many more drafts (`STYLER_CASES=N cargo test --test styler -- --ignored`, 5,000 by
/// default; `.ci/run` runs 10,000). `STYLER_SEED=S` replays one failing seed, `STYLER_KEEP=1`
/// keeps the failing draft in the temporary folder.
#[test]
#[ignore]
fn styler_long_run() {
    let n: u64 = std::env::var("STYLER_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let mut failures = Vec::new();
    let one: Option<u64> = std::env::var("STYLER_SEED")
        .ok()
        .and_then(|v| v.parse().ok());
    for k in 0..n {
        let seed = match one {
            Some(s) if k == 0 => s,
            Some(_) => break,
            None => k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03,
        };
        if let Err(e) = run(seed) {
            failures.push(e);
            if failures.len() >= 5 {
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
