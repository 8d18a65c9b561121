//! GK5xx: structure: duplicates, ids, placeholders, overrides and sections.

use std::collections::hash_map::Entry;

use super::Rule;
use crate::diag::Diagnostic;
use crate::diag::Severity::{Error, Warning};
use crate::model::{Catalogue, Field, Item, Section, Seen, TEXT_FIELDS};

const FORMAT: &str = "gkml 目录格式（catalogues/README.md）";

/// Placeholders a reference catalogue may use; compiling fills them in.
pub const PLACEHOLDERS: [&str; 3] = ["{unit}", "{county}", "{name}"];

pub static DUPLICATE_ITEM: Rule = Rule {
    code: "GK501",
    name: "DuplicateItem",
    severity: Error,
    summary: "同一领域中一级事项和二级事项重复",
    source: "国办发〔2019〕54号：按条目方式逐项细化分类",
    doc: "## What it does
Reports two items with the same 一级事项 and 二级事项 in the same domain of one unit's catalogue.

## Why is this bad?
The public sees two rows promising different things under one name, and the county summary counts the item twice. It is usually a row pasted twice or a page-break artefact.

## Example
    最低生活保障 / 办事指南   (row 5)
    最低生活保障 / 办事指南   (row 12)

Use instead:
    Keep one row, or give the second its own name (最低生活保障 / 审核确认结果).
",
};

pub static NUMBERING: Rule = Rule {
    code: "GK502",
    name: "NumberingBroken",
    severity: Warning,
    summary: "序号重复、跳号或倒退（常见于分页处）",
    source: "国办发〔2019〕54号 附件 格式模板（序号）",
    doc: "## What it does
Reports, in a draft, a 序号 written again with the same number in a later row (typically after a page break, where the clerk repeated the group's number and 一级事项), a number that skips (1, 2, 4) or goes back (3, 2). Rows continuing a group with a blank or merged 序号 are fine.

## Why is this bad?
Page-break artefacts make one group look like two in the published table, and gaps suggest a deleted row.

## Example
    2 | 基本信息 | 乡镇动态
      |          | 政府信息公开指南
    2 | 基本信息 | 政府信息公开年报      (after a page break)

Use instead:
    Leave the 序号 and 一级事项 of continuing rows blank (or merge them); number groups 1, 2, 3 ….
",
};

pub static UNRESOLVED_PLACEHOLDER: Rule = Rule {
    code: "GK503",
    name: "UnresolvedPlaceholder",
    severity: Error,
    summary: "存在未替换的占位符（如 {unit}）",
    source: FORMAT,
    doc: "## What it does
Reports a `{…}` placeholder left in a compiled or draft catalogue: an unknown name (only {unit}, {county} and {name} exist), or {county} in a unit that does not say its county.

## Why is this bad?
The braces would be printed on the notice board and published as they are.

## Example
    subject = \"{county}民政局\"        # in a unit file without county = …

Use instead:
    county = \"嘉鱼县\"                # in the unit file; the subject becomes 嘉鱼县民政局
",
};

pub static UNKNOWN_ITEM_ID: Rule = Rule {
    code: "GK504",
    name: "UnknownItemId",
    severity: Error,
    summary: "单位目录中 drop/change 引用的事项编号在参考目录中不存在",
    source: FORMAT,
    doc: "## What it does
Reports a `drop` or `[[sections.change]]` entry in a unit catalogue whose `id` is not an item of the domain's reference catalogue (at the unit's levels).

## Why is this bad?
The change the clerk meant to make is not made: the item stays, or keeps its old channels.

## Example
    drop = [\"dibao-polcy\"]

Use instead:
    drop = [\"dibao-policy\"]
",
};

pub static DUPLICATE_ITEM_ID: Rule = Rule {
    code: "GK505",
    name: "DuplicateItemId",
    severity: Error,
    summary: "同一领域中事项编号（id）重复",
    source: FORMAT,
    doc: "## What it does
Reports two items of one domain with the same `id`.

## Why is this bad?
Unit catalogues refer to items by id; with two items under one id, `drop` and `change` would hit the wrong one.

## Example
    id = \"dibao-policy\"   # twice

Use instead:
    id = \"dibao-policy\" and id = \"dibao-guide\"
",
};

pub static EMPTY_SECTION: Rule = Rule {
    code: "GK506",
    name: "EmptySection",
    severity: Warning,
    summary: "领域中没有任何事项",
    source: "国办发〔2019〕54号：对照26个试点领域标准指引编制目录",
    doc: "## What it does
Reports a domain section that ends up with no items, for example a town that takes a domain whose reference items are all 县级, or that drops every item.

## Why is this bad?
The section prints as an empty table and the county summary shows the unit as covering the domain with 0 items.

## Example
    [[sections]]
    section = \"本镇栏目\"
    reference = false           # and no [[sections.add]]

Use instead:
    Remove the section, or add the items the unit itself publishes with [[sections.add]].
",
};

pub static INVALID_ITEM_ID: Rule = Rule {
    code: "GK507",
    name: "InvalidItemId",
    severity: Error,
    summary: "参考目录事项缺少编号（id）或编号格式不对",
    source: FORMAT,
    doc: "## What it does
Reports a reference-catalogue item without an `id`, or with one that is not lower-case ASCII letters, digits and single hyphens.

## Why is this bad?
Ids are how unit catalogues refer to reference items across versions; they must be stable and easy to type on any keyboard.

## Example
    id = \"低保 政策\"

Use instead:
    id = \"dibao-policy\"
",
};

pub static MISSING_REFERENCE: Rule = Rule {
    code: "GK508",
    name: "MissingReference",
    severity: Error,
    summary: "该领域没有可用的参考目录",
    source: FORMAT,
    doc: "## What it does
Reports a unit-catalogue section that starts from a reference (the default) when no reference catalogue for that domain is available (see --catalogues).

## Why is this bad?
The section would silently be empty.

## Example
    [[sections]]
    section = \"本地栏目\"

Use instead:
    [[sections]]
    section = \"本地栏目\"
    reference = false
    [[sections.add]]
    …
",
};

/// Section-level checks: duplicates, ids, emptiness.
/// Section-level check of a whole catalogue: a section that ends up empty.
pub(super) fn check_section(cat: &Catalogue, section: &Section, out: &mut Vec<Diagnostic>) {
    if section.items.is_empty() {
        let d = Diagnostic::new(
            &EMPTY_SECTION,
            format!("“{}”中没有任何事项", section.key.display_name()),
        )
        .hint("删除该领域，或用 [[sections.add]] 添加本单位公开的事项")
        .field(Field::Domain);
        out.push(match &section.loc {
            Some(loc) => d.at(Some(loc)),
            None => d.in_file(&cat.file),
        });
    }
}

/// The checks that compare an item with the ones before it: the same item twice (GK501), the
/// same id twice (GK505), 序号 repeats and gaps (GK502). It holds only a hash and a line per
/// item seen, so a province-scale table streams through it in little memory.
#[derive(Debug, Default)]
pub struct CrossCheck {
    /// Keyed by a quality hash of the item's names, and of its id.
    items: FirstSeen,
    ids: FirstSeen,
    /// The last 序号 written, per sheet (file order), and what the row just before wrote: its
    /// 序号 and 一级事项 when written in its own cell, `None` for a blank continuation.
    /// (FxHash: a sheet name's hash costs nothing next to SipHash's, and a map of a few
    /// sheets needs no more.)
    numbering: rustc_hash::FxHashMap<Option<std::sync::Arc<str>>, Numbering>,
    /// The tables (file and sheet) already told they have no 一级事项 column.
    no_category_column:
        std::collections::HashSet<(std::sync::Arc<str>, Option<std::sync::Arc<str>>)>,
}

/// Items seen so far, by the hash of their names (or id), with the row or line each was first
/// seen at. Kept in 64 parts chosen by the hash's top bits, each growing on its own: a single
/// map grows by moving every entry at once — at a million items 34 MB in one go, 30 ms in
/// which the in-order checks stood still and the other thread, soon out of work they had
/// not taken, with them — where a part moves a 64th of them.
#[derive(Debug, Default)]
struct FirstSeen {
    /// (The keys are already well mixed: FxHash suffices.)
    parts: Vec<rustc_hash::FxHashMap<u64, Option<u32>>>,
}

impl FirstSeen {
    /// The number of parts: 2 to the power of the bits of the hash that choose one.
    const BITS: u32 = 6;

    fn entry(&mut self, key: u64) -> Entry<'_, u64, Option<u32>> {
        if self.parts.is_empty() {
            self.parts.resize_with(1 << Self::BITS, Default::default);
        }
        let part = (key >> (u64::BITS - Self::BITS)) as usize;
        // `parts` holds every index the top bits can make: the `min` only spares a panic path.
        let last = self.parts.len() - 1;
        self.parts[part.min(last)].entry(key)
    }
}

#[derive(Debug, Default)]
struct Numbering {
    last: Option<u32>,
    /// The 序号 of the row just before, when written in its own cell, and its 一级事项
    /// (`previous_category`, kept as a buffer: meaningful only while `previous_row` is set).
    previous_row: Option<u32>,
    previous_category: String,
    /// The section and 一级事项 of the row that wrote `last` (meaningful once `last` is set;
    /// buffers reused from row to row).
    last_section: String,
    last_category: String,
}

/// What GK501's map said of an item's names ([`CrossCheck::probe_names`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProbe {
    /// The item has no names to compare (GK101 reports that).
    Unnamed,
    /// First seen here, and noted.
    New,
    /// Seen before, first at this row or line (when known).
    Seen(Option<u32>),
}

/// The 64-bit hash a duplicate is recognised by: foldhash's quality variant (it passes
/// SMHasher3 as SipHash does, at a third of the instructions on these short texts), with a
/// fixed seed. Two different keys share a hash about once in 2^64 pairs, as with SipHash; a
/// weaker hash (FxHash) would report false duplicates. Each part ends with 0xFF (`str`'s
/// `Hash`), so ("ab", "c") and ("a", "bc") differ.
fn key_hash(parts: &[&str]) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::quality::FixedState::with_seed(0x676b_6d6c_5f64_7570).build_hasher();
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

/// The row (cells) or line (TOML) an item starts on.
fn start_of(item: &Item) -> Option<u32> {
    use crate::model::Place;
    match item.loc.as_ref().map(|l| &l.place) {
        Some(Place::Text { line, .. }) => Some(*line),
        Some(Place::Cell { row, .. }) => Some(*row),
        _ => None,
    }
}

fn first_at(at: Option<u32>) -> String {
    at.map(|n| format!("第{n}行"))
        .unwrap_or_else(|| "前面".to_string())
}

/// What the in-order checks recognise an item by: the hashes of its names and of its id
/// (GK501, GK505) and its 序号 as a number (GK502). A pure function of the item and its
/// section, so the streaming path computes it on the worker that checks the row, and the
/// one thread that runs the in-order checks does not hash every row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ItemKeys {
    name: Option<u64>,
    id: Option<u64>,
    seq: Option<u32>,
}

impl ItemKeys {
    /// The 序号 as a number, if the item wrote one in its own cell.
    pub fn seq(self) -> Option<u32> {
        self.seq
    }

    /// The keys of an item of the section named `section`.
    pub fn of(section: &str, item: &Item) -> ItemKeys {
        ItemKeys {
            name: (!item.name.is_empty()).then(|| key_hash(&[section, &item.category, &item.name])),
            id: item.id.as_deref().map(|id| key_hash(&[section, id])),
            seq: seq_number(item),
        }
    }
}

/// The 序号 an item wrote in its own cell, as a number.
fn seq_number(item: &Item) -> Option<u32> {
    crate::text::trim(&item.seq)
        .parse::<u32>()
        .ok()
        .filter(|_| item.seq_explicit)
}

impl CrossCheck {
    /// Compare one item, of the section named `section`, with the ones seen before.
    pub fn item(&mut self, section: &str, item: &Item, out: &mut Vec<Diagnostic>) {
        self.item_keyed(item, ItemKeys::of(section, item), out);
    }

    /// [`CrossCheck::item`] with the item's keys computed already (for its section).
    pub fn item_keyed(&mut self, item: &Item, keys: ItemKeys, out: &mut Vec<Diagnostic>) {
        let probe = self.probe_names(item, keys);
        self.item_probed(item, keys, probe, out);
    }

    /// Note an item's names in GK501's map and say whether, and where, they appeared before.
    /// A province table's map outgrows the cache and each new item costs a miss: probing a
    /// run of items before their other checks (see `check::Stream::probe_names`) lets the
    /// processor overlap those misses instead of waiting out each.
    pub fn probe_names(&mut self, item: &Item, keys: ItemKeys) -> NameProbe {
        let Some(k) = keys.name else {
            return NameProbe::Unnamed;
        };
        // One probe of the map, whether the item is new (nearly always) or a duplicate.
        match self.items.entry(k) {
            Entry::Occupied(first) => NameProbe::Seen(*first.get()),
            Entry::Vacant(slot) => {
                slot.insert(start_of(item));
                NameProbe::New
            }
        }
    }

    /// [`CrossCheck::item_keyed`] with its names probed already ([`CrossCheck::probe_names`]).
    pub fn item_probed(
        &mut self,
        item: &Item,
        keys: ItemKeys,
        probe: NameProbe,
        out: &mut Vec<Diagnostic>,
    ) {
        self.missing_column(item, out);
        if let NameProbe::Seen(first) = probe {
            out.push(
                Diagnostic::new(&DUPLICATE_ITEM, format!("事项“{}”重复出现", item.label()))
                    .on(item, Field::Name)
                    .hint(format!("首次出现于{}；删除重复行或改名", first_at(first))),
            );
        }
        if let (Some(id), Some(k)) = (item.id.as_deref(), keys.id) {
            match self.ids.entry(k) {
                Entry::Occupied(first) => out.push(
                    Diagnostic::new(&DUPLICATE_ITEM_ID, format!("事项编号“{id}”重复"))
                        .on(item, Field::Id)
                        .hint(format!(
                            "首次出现于{}；每个事项使用不同的编号",
                            first_at(*first.get())
                        )),
                ),
                Entry::Vacant(slot) => {
                    slot.insert(start_of(item));
                }
            }
        }
    }

    /// GK109 once per table that has no 一级事项 column, at its first item, instead of a
    /// warning on every row (required::check_item leaves those rows alone).
    fn missing_column(&mut self, item: &Item, out: &mut Vec<Diagnostic>) {
        let Some(note) = item
            .notes
            .iter()
            .find(|n| n.seen == Seen::NoColumn && n.field == Some(Field::Category))
        else {
            return;
        };
        let sheet = match &note.loc.place {
            crate::model::Place::Cell { sheet, .. } => sheet.clone(),
            _ => None,
        };
        if self
            .no_category_column
            .insert((std::sync::Arc::clone(&note.loc.file), sheet))
        {
            let mut d = Diagnostic::new(
                &super::required::MISSING_CATEGORY,
                "表中没有“一级事项”列，各事项都未归入一级事项",
            )
            .at(Some(&note.loc))
            .hint("增加“一级事项”列（同一一级事项的各行可合并单元格）；本提示每张表只报一次");
            d.field = Some(Field::Category);
            out.push(d);
        }
    }

    /// Check a 序号 written in a draft against the previous one of the same sheet, in file
    /// order. Numbering may restart at 1 (per domain); a repeat is a page-break artefact.
    /// Call for every item in row order (continuation rows too: they tell a page-break
    /// repeat from a table that writes its 序号 on every row, as gkml's own CSV does).
    pub fn numbering(&mut self, section: &str, item: &Item, out: &mut Vec<Diagnostic>) {
        self.numbering_keyed(section, item, seq_number(item), out);
    }

    /// [`CrossCheck::numbering`] with the item's 序号 read already ([`ItemKeys`]).
    pub fn numbering_keyed(
        &mut self,
        section: &str,
        item: &Item,
        seq: Option<u32>,
        out: &mut Vec<Diagnostic>,
    ) {
        let sheet = match item.loc.as_ref().map(|l| &l.place) {
            Some(crate::model::Place::Cell { sheet, .. }) => sheet.clone(),
            _ => None,
        };
        let state = self.numbering.entry(sheet).or_default();
        let Some(n) = seq else {
            if !item.seq_explicit {
                state.previous_row = None;
            }
            return;
        };
        // The same 序号 and 一级事项 as the row just above, both written: one group written
        // out on every row, not a number repeated after a page break.
        let same_group_written_out =
            state.previous_row == Some(n) && state.previous_category == item.category;
        // 1 again under another 一级事项 or in another section: numbering restarts, also
        // after rows whose 序号 was merged or left blank.
        let restart = n == 1
            && state.last.is_some()
            && (state.last_category != item.category || state.last_section != section);
        let prev = state.last.replace(n);
        for (buffer, text) in [
            (&mut state.last_section, section),
            (&mut state.last_category, item.category.as_str()),
            (&mut state.previous_category, item.category.as_str()),
        ] {
            buffer.clear();
            buffer.push_str(text);
        }
        state.previous_row = Some(n);
        let problem = match prev {
            Some(p) if n == p && !same_group_written_out && !restart => {
                Some(format!("序号“{n}”重复出现（疑似分页时重复填写）"))
            }
            Some(p) if n > p + 1 => Some(format!("序号从“{p}”跳到“{n}”")),
            Some(p) if n < p && n != 1 => Some(format!("序号从“{p}”倒退到“{n}”")),
            _ => None,
        };
        if let Some(msg) = problem {
            out.push(
                Diagnostic::new(&NUMBERING, msg)
                    .on(item, Field::Seq)
                    .hint("同一一级事项下的后续行序号留空或合并单元格；各组依次编号 1、2、3……"),
            );
        }
    }
}

/// Item-level checks: placeholders everywhere; ids in reference catalogues; rows the table
/// reader saw shifted. The texts of `glanced` fields hold no `{` (see
/// [`crate::model::Glanced`]).
pub(super) fn check_item(
    cat: &Catalogue,
    item: &Item,
    glanced: crate::model::Glanced,
    out: &mut Vec<Diagnostic>,
) {
    for n in &item.notes {
        if let Seen::Shifted { left } = n.seen {
            let msg = if left {
                "该行内容疑似整体向左错位一列（如公开依据写在了“公开内容（要素）”列）"
            } else {
                "该行内容疑似整体向右错位一列（如公开依据写在了“公开时限”列）"
            };
            out.push(Diagnostic::new(&SHIFTED_ROW, msg).at(Some(&n.loc)).hint(
                "对照表头把这一行的单元格移回正确的列；常见原因是一级事项或序号单元格被删除",
            ));
        }
    }
    // Nearly no row holds a brace: the reader's glance ruled it out of most of its texts, a
    // branch-free look at each of the others before the search for placeholders (a memchr
    // call per field of every row).
    let other_channels = || {
        item.channels.iter().filter_map(|c| match c {
            crate::model::Channel::Other(Some(t)) => Some(t.as_str()),
            _ => None,
        })
    };
    if !super::item_texts(item)
        .iter()
        .any(|(f, t)| !glanced.has(*f) && holds_brace(t.as_bytes()))
        && !other_channels().any(|t| holds_brace(t.as_bytes()))
    {
        return check_allows(cat, item, out);
    }
    let channel_texts = item.channels.iter().filter_map(|c| match c {
        crate::model::Channel::Other(Some(t)) => Some((Field::Channels, t.as_str())),
        _ => None,
    });
    let texts = TEXT_FIELDS
        .iter()
        .filter_map(|f| item.text(*f).map(|t| (*f, t)))
        .chain(channel_texts);
    for (field, text) in texts {
        for ph in placeholders(text) {
            let known = PLACEHOLDERS.contains(&ph);
            if cat.is_reference && known {
                continue;
            }
            let hint = if !known {
                "只能使用 {unit}（单位全称）、{county}（县名）、{name}（单位简称）".to_string()
            } else if ph == "{county}" {
                "在单位目录中写明 county = \"…县\"".to_string()
            } else {
                "检查单位目录的 name / full_name".to_string()
            };
            out.push(
                Diagnostic::new(&UNRESOLVED_PLACEHOLDER, format!("占位符“{ph}”未被替换"))
                    .on(item, field)
                    .hint(hint),
            );
        }
    }
    check_allows(cat, item, out);
}

/// The rest of [`check_item`]: the item's `allow` entries and, in a reference catalogue, its
/// id.
fn check_allows(cat: &Catalogue, item: &Item, out: &mut Vec<Diagnostic>) {
    for a in &item.allow {
        if super::find(&a.code).is_none() {
            out.push(
                Diagnostic::new(
                    &UNKNOWN_ALLOWED_RULE,
                    format!("allow 中的规则“{}”不存在", a.code),
                )
                .on(item, Field::Id)
                .at(a.loc.as_ref().or(item.loc.as_ref()))
                .hint("gkml rules 可列出全部规则代码"),
            );
        } else if a.reason.trim().is_empty() {
            out.push(
                Diagnostic::new(
                    &UNKNOWN_ALLOWED_RULE,
                    format!("allow 中的规则“{}”没有写理由", a.code),
                )
                .on(item, Field::Id)
                .at(a.loc.as_ref().or(item.loc.as_ref()))
                .hint("写明为何该事项可以不遵守此规则，如 { GK210 = \"村级公示栏张贴，不上网\" }"),
            );
        }
    }
    if cat.is_reference {
        let ok = item.id.as_deref().is_some_and(is_valid_id);
        if !ok {
            let msg = match &item.id {
                Some(id) => format!("事项编号“{id}”格式不对"),
                None => "参考目录事项缺少编号 id".to_string(),
            };
            out.push(
                Diagnostic::new(&INVALID_ITEM_ID, msg)
                    .on(item, Field::Id)
                    .hint("使用小写字母、数字和连字符，如 id = \"dibao-policy\""),
            );
        }
    }
}

/// `dibao-policy`: lower-case ASCII letters and digits in hyphen-separated words.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Whether a text holds `{`: see [`super::holds_any_byte`].
fn holds_brace(b: &[u8]) -> bool {
    super::holds_any_byte(b, [b'{'])
}

/// Every `{…}` in a text (no nesting; an unclosed brace is not a placeholder).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    // memchr: nearly every text has no brace, and this runs on seven fields of every row.
    while let Some(start) = memchr::memchr(b'{', rest.as_bytes()) {
        let after = &rest[start..];
        match memchr::memchr(b'}', after.as_bytes()) {
            Some(end) => {
                out.push(&after[..=end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

pub static ITEM_NOT_TAKEN: Rule = Rule {
    code: "GK509",
    name: "ItemNotTaken",
    severity: Warning,
    summary: "drop/change 引用的参考事项不属于本单位的层级或类别，不起作用",
    source: FORMAT,
    doc: "## What it does
Reports a `drop` or `[[sections.change]]` entry naming a reference item that this unit does not take anyway: its levels (县级/乡级/村级) or its `kinds` do not match the unit.

## Why is this bad?
The entry does nothing. If the clerk meant to publish the item, it is missing; if they meant to drop it, the line is noise that hides real changes.

## Example
    [[sections]]                      # in a town (乡级、村级)
    domain = \"社会救助\"
    drop = [\"zonghe-funds\"]          # a 县级 item

Use instead:
    Remove the line, or take the item with include = [\"zonghe-funds\"].
",
};

pub static SHIFTED_ROW: Rule = Rule {
    code: "GK511",
    name: "ShiftedRow",
    severity: Error,
    summary: "表格行整体错位一列",
    source: "国办发〔2019〕54号 附件 格式模板",
    doc: "## What it does
Reports a spreadsheet or CSV row whose values sit one column to the left (or right) of their columns: the citation in 公开内容（要素）, the time limit in 公开依据, the subject in 公开时限, the channels in 公开主体. It usually happens when a clerk deletes the 一级事项 or 序号 cell of a row with \"shift cells left\" (seed 000 has such rows).

## Why is this bad?
Every element of the row is published under the wrong heading, and the checks of each column are made on the wrong text.

## Example
    一级事项 = 社会救助, 二级事项 = 困难群众临时救助名单确认；…, 公开内容（要素） = 《中华人民共和国政府信息公开条例》, 公开依据 = 形成或变更之日起20个工作日内

Use instead:
    一级事项 = 重点领域, 二级事项 = 社会救助, 公开内容（要素） = 困难群众临时救助名单确认；…, 公开依据 = 《中华人民共和国政府信息公开条例》
",
};

pub static RETIRED_ITEM_ID: Rule = Rule {
    code: "GK512",
    name: "RetiredItemId",
    severity: Warning,
    summary: "drop/change/include 引用的参考事项已停用，应改用接替事项",
    source: FORMAT,
    doc: "## What it does
Reports a `drop`, `include` or `[[sections.change]]` entry in a unit catalogue naming a reference item that has been retired (listed under `retired` in the reference file, because the law or the ministry's guideline changed), and names the item that replaces it, if any. Retired ids are never given to another item.

## Why is this bad?
The entry does nothing: a change made to the retired item is not carried over to its successor, so the unit publishes the successor unchanged (国办发〔2019〕54号 asks for catalogues kept current, 动态管理).

## Example
    [[sections.change]]               # 扶贫: 建档立卡 identification ended in 2020
    id = \"fp-identify\"
    channels = [\"政府网站\", \"社区/企事业单位/村公示栏（电子屏）\"]

Use instead:
    [[sections.change]]
    id = \"monitor-identify\"         # 防止返贫监测对象识别纳入
    channels = [\"政府网站\", \"社区/企事业单位/村公示栏（电子屏）\"]
",
};

pub static UNKNOWN_RESPONSIBLE_UNIT: Rule = Rule {
    code: "GK703",
    name: "UnknownResponsibleUnit",
    severity: Warning,
    summary: "责任分工表中的单位不是项目中的单位或分组",
    source: FORMAT,
    doc: "## What it does
Reports a name in the responsibility table of county.toml (lead or cooperating) that matches no unit of the project: not a short name, not a full name, not 县X局 for a unit named 嘉鱼县X局, and not a group (各乡镇, 各街办, 县直各部门, or a unit's group).

## Why is this bad?
The domain is then assigned to nobody, and its gaps cannot be found.

## Example
    lead = [\"县民证局\"]

Use instead:
    lead = [\"县民政局\"]
",
};

pub static UNKNOWN_ALLOWED_RULE: Rule = Rule {
    code: "GK510",
    name: "UnjustifiedAllow",
    severity: Warning,
    summary: "allow 中的规则代码不存在或没有写理由",
    source: FORMAT,
    doc: "## What it does
Reports an item's `allow = { CODE = \"reason\" }` entry whose code is not a gkml rule, or whose reason is empty.

## Why is this bad?
A misspelt code silences nothing, and an allow without a reason cannot be reviewed when the catalogue is updated (国办发〔2019〕54号 asks for 动态管理).

## Example
    allow = { GK21 = \"\" }

Use instead:
    allow = { GK210 = \"村级公示栏张贴，不上网\" }
",
};

pub static MISSING_RESPONSIBLE_DOMAIN: Rule = Rule {
    code: "GK701",
    name: "MissingResponsibleDomain",
    severity: Warning,
    summary: "责任分工表要求单位公开的领域，其目录中没有",
    source: "国办发〔2019〕54号：县级政府部门和乡镇按职责分工编制本领域目录",
    doc: "## What it does
Reports a unit that the county's responsibility table (责任分工表, in county.toml) makes lead or co-operating unit for a domain, but whose catalogue has no item in that domain. The county summary shows the cell as 缺.

## Why is this bad?
The county reports coverage upward; a domain the county assigned to a unit but nobody published is exactly the gap the summary exists to find.

## Example
    [[responsibility]]
    domain = \"社会救助\"
    cooperating = [\"各乡镇\"]         # but towns/新街镇.toml has no 社会救助 section

Use instead:
    [[sections]]
    domain = \"社会救助\"              # in towns/新街镇.toml
",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("dibao-policy"));
        assert!(is_valid_id("a1"));
        assert!(!is_valid_id("Dibao"));
        assert!(!is_valid_id("a--b"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id("低保"));
    }

    /// Keys of every part (the top bits from all zeros to all ones) are noted once each and
    /// found again with the row they were first seen at.
    #[test]
    fn first_seen_finds_keys_of_every_part_again() {
        let mut seen = FirstSeen::default();
        let keys: Vec<u64> = (0..=255u64)
            .map(|i| i << 56 | i.wrapping_mul(0x9E37_79B9))
            .chain([0, u64::MAX, 1 << 63, (1 << 58) - 1])
            .collect();
        for (row, &k) in (1..).zip(&keys) {
            if let Entry::Vacant(slot) = seen.entry(k) {
                slot.insert(Some(row));
            }
        }
        for (row, &k) in (1..).zip(&keys) {
            let first = keys.iter().position(|&j| j == k).map(|i| i as u32 + 1);
            match seen.entry(k) {
                Entry::Occupied(e) => assert_eq!(*e.get(), first, "{k:x} at {row}"),
                Entry::Vacant(_) => panic!("{k:x} not found"),
            }
        }
        assert_eq!(seen.parts.len(), 64);
        assert!(seen.parts.iter().all(|p| !p.is_empty()));
    }

    #[test]
    fn holds_brace_finds_a_brace_at_every_position_of_texts_of_every_length() {
        for len in 0..70 {
            let plain = "a".repeat(len);
            assert!(!holds_brace(plain.as_bytes()), "{len}");
            for at in 0..len {
                let mut b = plain.clone().into_bytes();
                b[at] = b'{';
                assert!(holds_brace(&b), "{len} {at}");
                // The bytes next to `{` (z, |) and above 0x80 are not mistaken for it.
                b[at] = [b'z', b'|', 0xFB, 0x7A][at % 4];
                assert!(!holds_brace(&b), "{len} {at}");
            }
        }
        assert!(holds_brace("嘉鱼县{county}民政局".as_bytes()));
        assert!(!holds_brace(
            "《中华人民共和国政府信息公开条例》（国务院令第711号）".as_bytes()
        ));
    }

    #[test]
    fn finds_placeholders() {
        assert_eq!(
            placeholders("{county}民政局、{unit}"),
            vec!["{county}", "{unit}"]
        );
        assert!(placeholders("no { brace").is_empty());
    }

    #[test]
    fn the_duplicate_key_keeps_its_parts_apart_and_many_keys_do_not_collide() {
        assert_eq!(
            key_hash(&["养老服务", "补贴", "名单"]),
            key_hash(&["养老服务", "补贴", "名单"])
        );
        assert_ne!(key_hash(&["ab", "c"]), key_hash(&["a", "bc"]));
        assert_ne!(key_hash(&["a", "", "b"]), key_hash(&["a", "b", ""]));
        // Keys as a province table writes them: a few sections and categories, names that
        // differ by a number. No two of 300,000 share a hash.
        let mut seen = rustc_hash::FxHashSet::default();
        for i in 0..300_000u32 {
            let section = ["社会救助", "养老服务", "重大建设项目"][(i % 3) as usize];
            let category = format!("一级事项{}", i % 97);
            let name = format!("审核信息{i}");
            assert!(seen.insert(key_hash(&[section, &category, &name])), "{i}");
        }
    }
}
