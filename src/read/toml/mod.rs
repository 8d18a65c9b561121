//! TOML catalogues: reference catalogues (`domain` + `[[items]]`), unit catalogues (`name`,
//! `kind`, `[[sections]]`) and county projects (`county`, `[[units]]`). Every value keeps its
//! span, so diagnostics give the line and column (in characters) where it was written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;

mod schema;
pub use schema::schemas;
use serde::Deserialize;
use toml::Spanned;

use super::codes;
use crate::diag::Diagnostic;
use crate::domains::{self, SectionKey};
use crate::model::{
    Allow, Audience, Catalogue, Channel, Field, Item, Level, Loc, Mode, Place, Section, Unit,
    UnitKind,
};

type S = Spanned<String>;

/// One item table, as in a reference catalogue, `[[sections.add]]` or `[[sections.change]]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "事项 item")]
pub struct ItemToml {
    /// 事项编号: stable ASCII id, unique within the domain (a-z, 0-9, single hyphens).
    #[schemars(with = "Option<String>", regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: Option<S>,
    /// 一级事项.
    #[schemars(with = "Option<String>")]
    pub category: Option<S>,
    /// 二级事项: the item's own name, unique within (domain, category).
    #[schemars(with = "Option<String>")]
    pub name: Option<S>,
    /// 公开内容（要素）: the elements disclosed, separated by 、 or ；.
    #[schemars(with = "Option<String>")]
    pub content: Option<S>,
    /// 公开依据: 《title》（文号）, several separated by 、.
    #[schemars(with = "Option<String>")]
    pub basis: Option<S>,
    /// 公开时限, e.g. 信息形成或者变更之日起20个工作日内.
    #[schemars(with = "Option<String>")]
    pub deadline: Option<S>,
    /// 公开主体; may use {unit}, {county}, {name}.
    #[schemars(with = "Option<String>")]
    pub subject: Option<S>,
    /// 公开渠道和载体: canonical channel names; local channels as 其他（…）.
    #[serde(default)]
    #[schemars(schema_with = "schema::channels_schema")]
    pub channels: Option<Spanned<Vec<S>>>,
    /// 公开对象.
    #[serde(default)]
    #[schemars(schema_with = "schema::audience_schema")]
    pub audience: Option<S>,
    /// The group named in the 特定群众 column (项目单位, 申请人 …); implies 特定群众.
    #[schemars(with = "Option<String>")]
    pub audience_group: Option<S>,
    /// 公开方式.
    #[serde(default)]
    #[schemars(schema_with = "schema::mode_schema")]
    pub mode: Option<S>,
    /// 公开层级: which levels publish the item.
    #[serde(default)]
    #[schemars(schema_with = "schema::levels_schema")]
    pub levels: Option<Spanned<Vec<S>>>,
    /// 备注.
    #[schemars(with = "Option<String>")]
    pub remarks: Option<S>,
    /// Only units of these kinds take the item (default: every kind).
    #[serde(default)]
    #[schemars(schema_with = "schema::kinds_schema")]
    pub kinds: Option<Spanned<Vec<S>>>,
    /// Rule codes this item deliberately trips, each with the reason: { GK210 = "…" }.
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub allow: Option<Spanned<BTreeMap<String, String>>>,
    /// Provenance: the guideline and its table, or the published catalogues the item follows
    /// (e.g. 民办函〔2019〕52号 附件 社会救助领域基层政务公开标准目录). Reference metadata: in the
    /// JSON output, not in the published tables.
    pub source: Option<String>,
    /// Reference catalogues only: other names under which real published catalogues list this
    /// same item (a county's 最低生活保障对象认定 for 最低生活保障审核确认). `gkml import` matches a
    /// draft row written under one of them to this item; never printed in a table. Each must
    /// differ from every name and alias in the file.
    #[schemars(with = "Option<Vec<String>>")]
    pub aliases: Option<Spanned<Vec<S>>>,
}

/// A reference catalogue file (`catalogues/NN-<domain>.toml`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gkml 参考目录 reference catalogue")]
pub struct ReferenceToml {
    /// The pilot domain (canonical name); exclusive with `section`.
    #[schemars(with = "Option<String>")]
    pub domain: Option<S>,
    /// A general section (概况信息 …); exclusive with `domain`.
    #[schemars(with = "Option<String>")]
    pub section: Option<S>,
    /// The ministry's standard guideline (标准指引) the items follow.
    pub guideline: Option<String>,
    /// Where the items come from.
    pub sources: Option<Vec<String>>,
    /// The items, in table order.
    #[serde(default)]
    #[schemars(with = "Vec<ItemToml>")]
    pub items: Vec<Spanned<ItemToml>>,
    /// Ids of items that went away: never reused, and a unit's `drop`/`change` of one is told
    /// its successor (GK512) instead of failing as unknown.
    #[serde(default)]
    pub retired: Vec<RetiredToml>,
}

/// One retired reference item id.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetiredToml {
    /// The id, as it was published (never given to another item).
    pub id: String,
    /// The id of the item that replaces it in the same file, if any.
    pub successor: Option<String>,
    /// Why it went away (in Chinese: it is shown to the clerk).
    pub reason: String,
}

/// Just the `retired` list of a reference file, read on its own so that the parsed model
/// need not carry it.
#[derive(Debug, Default, Deserialize)]
struct RetiredOnly {
    #[serde(default)]
    retired: Vec<RetiredToml>,
}

/// The `retired` list of a reference catalogue text (empty when there is none or the text
/// does not parse: parse errors are reported by [`parse`]).
pub fn retired(src: &str) -> Vec<RetiredToml> {
    // Most files have no list; skip the second parse for them.
    if !src.contains("retired") {
        return Vec::new();
    }
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    toml::from_str::<RetiredOnly>(src)
        .map(|r| r.retired)
        .unwrap_or_default()
}

/// One `[[sections]]` of a unit catalogue.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "领域 section")]
pub struct SectionToml {
    /// A pilot domain: canonical name, alias, 领域 suffix or Traditional form; exclusive with `section`.
    #[schemars(with = "Option<String>")]
    pub domain: Option<S>,
    /// A general section (概况信息 …); exclusive with `domain`.
    #[schemars(with = "Option<String>")]
    pub section: Option<S>,
    /// Start from the reference catalogue (default true); false starts empty.
    pub reference: Option<bool>,
    /// Levels taken for this section only (default: the unit's levels).
    #[serde(default)]
    #[schemars(schema_with = "schema::levels_schema")]
    pub levels: Option<Spanned<Vec<S>>>,
    /// Reference item ids taken even though their levels or kinds do not match the unit.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub include: Vec<S>,
    /// Reference item ids this unit does not publish.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub drop: Vec<S>,
    /// Replace fields of reference items (each needs `id`).
    #[serde(default)]
    #[schemars(with = "Vec<ItemToml>")]
    pub change: Vec<Spanned<ItemToml>>,
    /// Local items.
    #[serde(default)]
    #[schemars(with = "Vec<ItemToml>")]
    pub add: Vec<Spanned<ItemToml>>,
}

/// A unit catalogue file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gkml 单位目录 unit catalogue")]
pub struct UnitToml {
    /// Short name (鱼岳镇, 嘉鱼县民政局): output file names and the 单位 column.
    #[schemars(with = "String")]
    pub name: S,
    /// Full name (嘉鱼县鱼岳镇人民政府): titles and {unit}.
    #[schemars(with = "Option<String>")]
    pub full_name: Option<S>,
    /// 单位类别.
    #[schemars(schema_with = "schema::kind_schema")]
    pub kind: S,
    /// The county ({county}); defaults to the project's county.
    #[schemars(with = "Option<String>")]
    pub county: Option<S>,
    /// Levels the unit publishes at (default: 县级 for county bodies, 乡级 and 村级 for towns).
    #[serde(default)]
    #[schemars(schema_with = "schema::levels_schema")]
    pub levels: Option<Spanned<Vec<S>>>,
    /// The domains and general sections the unit covers.
    #[serde(default)]
    #[schemars(with = "Vec<SectionToml>")]
    pub sections: Vec<Spanned<SectionToml>>,
}

/// One `[[units]]` entry of a county project.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitRefToml {
    /// The unit's catalogue (TOML, or a draft spreadsheet/CSV), relative to county.toml.
    #[schemars(with = "String")]
    pub path: S,
    /// A group the unit belongs to besides its kind's (各乡镇, 各街办, 县直各部门 are built in).
    #[schemars(with = "Option<String>")]
    pub group: Option<S>,
}

/// One row of the responsibility table (责任分工表): domains, lead unit(s), co-operating units.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DutyToml {
    /// One pilot domain; or use `domains` for a row naming several (seed 001 row 4).
    #[schemars(with = "Option<String>")]
    pub domain: Option<S>,
    /// Several pilot domains sharing the same units.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub domains: Vec<S>,
    /// Lead unit(s) (牵头单位): unit names, full names, or 县民政局-style names.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub lead: Vec<S>,
    /// Co-operating units (配合单位): unit names or groups (各乡镇, 各街办 …).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub cooperating: Vec<S>,
}

/// A county project file (`county.toml`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gkml 县级项目 county project")]
pub struct ProjectToml {
    /// The county (嘉鱼县).
    #[schemars(with = "String")]
    pub county: S,
    /// The units of the county.
    #[serde(default)]
    #[schemars(with = "Vec<UnitRefToml>")]
    pub units: Vec<Spanned<UnitRefToml>>,
    /// The responsibility table: who publishes which domain. Coverage gaps (缺) are the
    /// domains a unit is given here but does not publish.
    #[serde(default)]
    #[schemars(with = "Vec<DutyToml>")]
    pub responsibility: Vec<Spanned<DutyToml>>,
    /// Rule severities for this county: a code or family prefix = "error", "warning", "info"
    /// or "off" (GK210 = "error", GK6 = "off").
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub rules: Option<Spanned<BTreeMap<String, String>>>,
}

/// An edit of a reference item by a unit: the fields given replace the reference's.
#[derive(Debug, Clone)]
pub struct ItemPatch {
    pub id: String,
    pub loc: Loc,
    pub item: Item,
    pub set: Vec<Field>,
}

/// A unit catalogue section before its reference is applied.
#[derive(Debug, Clone)]
pub struct SectionSpec {
    pub key: SectionKey,
    pub raw: String,
    pub loc: Loc,
    pub reference: bool,
    pub levels: Option<Vec<Level>>,
    pub include: Vec<(String, Loc)>,
    pub drop: Vec<(String, Loc)>,
    pub change: Vec<ItemPatch>,
    pub add: Vec<Item>,
}

/// A unit catalogue before resolution.
#[derive(Debug, Clone)]
pub struct UnitSpec {
    pub unit: Unit,
    pub file: Arc<str>,
    pub sections: Vec<SectionSpec>,
    /// Whether the file said its levels (otherwise they follow the kind).
    pub explicit_levels: bool,
}

/// A unit listed by a project.
#[derive(Debug, Clone)]
pub struct ProjectUnit {
    /// Resolved against the project folder.
    pub path: PathBuf,
    pub group: Option<String>,
    /// Where the unit is listed.
    pub loc: Loc,
}

/// A row of the responsibility table, as written.
#[derive(Debug, Clone)]
pub struct DutySpec {
    /// The domains as written, with where.
    pub domains: Vec<(String, Loc)>,
    pub lead: Vec<(String, Loc)>,
    pub cooperating: Vec<(String, Loc)>,
    pub loc: Loc,
}

/// A project's `[rules]` table as written: code or prefix → level, and where the table is.
#[derive(Debug, Clone, Default)]
pub struct RulesTable {
    pub entries: Vec<(String, String)>,
    pub loc: Option<Loc>,
}

/// A county project before its units are read.
#[derive(Debug, Clone)]
pub struct ProjectSpec {
    pub county: String,
    pub file: Arc<str>,
    pub units: Vec<ProjectUnit>,
    pub duties: Vec<DutySpec>,
    /// The project's `[rules]` table as written.
    pub rules: RulesTable,
}

/// What a TOML file turned out to be.
#[derive(Debug)]
pub enum TomlDoc {
    Reference(Catalogue),
    Unit(UnitSpec),
    Project(ProjectSpec),
}

/// Byte offset → 1-based line and character column.
pub struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { src, starts }
    }

    pub fn place(&self, byte: usize) -> Place {
        let byte = byte.min(self.src.len());
        let line = self.starts.partition_point(|&s| s <= byte).max(1);
        let start = self.starts[line - 1];
        let column = self
            .src
            .get(start..byte)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        Place::Text {
            line: line as u32,
            column: column as u32,
        }
    }
}

struct Ctx<'a> {
    file: Arc<str>,
    lines: LineIndex<'a>,
}

impl Ctx<'_> {
    fn loc(&self, span: std::ops::Range<usize>) -> Loc {
        Loc::new(&self.file, self.lines.place(span.start))
    }
}

/// Parse TOML text. `file` is the name used in diagnostics. Errors in the text are returned as
/// GK0xx diagnostics; `None` means the file could not be read as any gkml format.
pub fn parse(file: &Arc<str>, src: &str, base_dir: &Path) -> (Option<TomlDoc>, Vec<Diagnostic>) {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let ctx = Ctx {
        file: Arc::clone(file),
        lines: LineIndex::new(src),
    };
    let table: toml::Table = match toml::from_str(src) {
        Ok(t) => t,
        Err(e) => return (None, vec![toml_error(&ctx, &codes::TOML_SYNTAX, &e)]),
    };
    let mut diags = Vec::new();
    let doc = if table.contains_key("units")
        || (table.contains_key("county") && !table.contains_key("kind"))
    {
        toml::from_str::<ProjectToml>(src)
            .map_err(|e| toml_error(&ctx, &codes::TOML_STRUCTURE, &e))
            .and_then(|p| project(&ctx, p, base_dir).map(TomlDoc::Project))
    } else if table.contains_key("items")
        || table.contains_key("domain")
        || table.contains_key("section")
    {
        toml::from_str::<ReferenceToml>(src)
            .map_err(|e| toml_error(&ctx, &codes::TOML_STRUCTURE, &e))
            .and_then(|r| reference(&ctx, r).map(TomlDoc::Reference))
    } else if table.contains_key("name")
        || table.contains_key("kind")
        || table.contains_key("sections")
    {
        toml::from_str::<UnitToml>(src)
            .map_err(|e| toml_error(&ctx, &codes::TOML_STRUCTURE, &e))
            .and_then(|u| unit(&ctx, u).map(TomlDoc::Unit))
    } else {
        Err(Diagnostic::new(&codes::NOT_A_CATALOGUE, "无法判断该 TOML 文件的类型")
            .in_file(file)
            .hint("参考目录需有 domain 和 [[items]]；单位目录需有 name、kind 和 [[sections]]；项目文件需有 county 和 [[units]]"))
    };
    match doc {
        Ok(d) => (Some(d), diags),
        Err(d) => {
            diags.push(d);
            (None, diags)
        }
    }
}

fn toml_error(ctx: &Ctx<'_>, rule: &crate::diag::Rule, e: &toml::de::Error) -> Diagnostic {
    let place = e
        .span()
        .map(|s| ctx.lines.place(s.start))
        .unwrap_or_default();
    let message = e.message().trim().to_string();
    let (msg, hint) = explain_toml_message(&message);
    Diagnostic::new(rule, msg)
        .at(Some(&Loc::new(&ctx.file, place)))
        .hint(hint)
}

/// Put serde/toml's English message into a Chinese sentence, keeping the original for detail.
fn explain_toml_message(m: &str) -> (String, String) {
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let key = rest.split(',').next().unwrap_or(rest).trim_matches('`');
        let expected = rest
            .split_once("expected")
            .map(|(_, e)| e.trim())
            .unwrap_or("");
        return (
            format!("未知的键“{key}”"),
            format!(
                "检查拼写；此处可用的键：{}",
                expected.replace("one of ", "").replace('`', "")
            ),
        );
    }
    if let Some(rest) = m.strip_prefix("missing field ") {
        let key = rest.trim_matches('`');
        return (format!("缺少必需的键“{key}”"), format!("添加 {key} = …"));
    }
    if m.starts_with("invalid type") {
        return (
            format!("值的类型不对（{m}）"),
            "文本用双引号，列表用方括号，如 channels = [\"政府网站\"]".into(),
        );
    }
    (
        format!("TOML 格式错误：{m}"),
        "对照 catalogues/README.md 中的格式说明修改".into(),
    )
}

fn text(ctx: &Ctx<'_>, item: &mut Item, field: Field, v: Option<S>) -> bool {
    let Some(v) = v else { return false };
    let loc = ctx.loc(v.span());
    if let Some(slot) = item.text_mut(field) {
        *slot = v.into_inner();
    }
    item.set_place(field, loc);
    true
}

/// Turn an item table into an [`Item`], with the list of fields the table set.
fn item(ctx: &Ctx<'_>, t: Spanned<ItemToml>) -> Result<(Item, Vec<Field>), Diagnostic> {
    let loc = ctx.loc(t.span());
    let t = t.into_inner();
    let mut it = Item {
        loc: Some(loc),
        ..Default::default()
    };
    let mut set = Vec::new();
    if let Some(id) = t.id {
        it.set_place(Field::Id, ctx.loc(id.span()));
        it.id = Some(id.into_inner().trim().to_string());
    }
    for (field, v) in [
        (Field::Category, t.category),
        (Field::Name, t.name),
        (Field::Content, t.content),
        (Field::Basis, t.basis),
        (Field::Deadline, t.deadline),
        (Field::Subject, t.subject),
        (Field::Remarks, t.remarks),
    ] {
        if text(ctx, &mut it, field, v) {
            set.push(field);
        }
    }
    if let Some(ch) = t.channels {
        it.set_place(Field::Channels, ctx.loc(ch.span()));
        it.channels = ch
            .into_inner()
            .iter()
            .map(|c| Channel::parse(c.get_ref()))
            .collect();
        set.push(Field::Channels);
    }
    if let Some(a) = t.audience {
        it.set_place(Field::Audience, ctx.loc(a.span()));
        let mut aud = Audience::parse(a.get_ref());
        if let (Audience::Specific(g), Some(group)) = (&mut aud, t.audience_group.as_ref()) {
            let group = group.get_ref().trim();
            if !group.is_empty() {
                *g = Some(group.to_string());
            }
        }
        it.audience = vec![aud];
        set.push(Field::Audience);
    } else if let Some(group) = t.audience_group {
        // A group with no audience means 特定群众.
        it.set_place(Field::Audience, ctx.loc(group.span()));
        it.audience = vec![Audience::Specific(Some(
            group.into_inner().trim().to_string(),
        ))];
        set.push(Field::Audience);
    }
    if let Some(m) = t.mode {
        it.set_place(Field::Mode, ctx.loc(m.span()));
        it.mode = vec![Mode::parse(m.get_ref())];
        set.push(Field::Mode);
    }
    if let Some(l) = t.levels {
        it.set_place(Field::Levels, ctx.loc(l.span()));
        it.levels = l
            .into_inner()
            .iter()
            .map(|l| Level::parse(l.get_ref()))
            .collect();
        set.push(Field::Levels);
    }
    if let Some(k) = t.kinds {
        for raw in k.get_ref() {
            match UnitKind::parse(raw.get_ref()) {
                Some(kind) => it.kinds.push(kind),
                None => {
                    return Err(Diagnostic::new(
                        &codes::TOML_STRUCTURE,
                        format!("单位类别“{}”无法识别", raw.get_ref()),
                    )
                    .at(Some(&ctx.loc(raw.span())))
                    .hint("kinds 中只能写“县政府”“县直部门”“乡镇”“街道”"))
                }
            }
        }
    }
    it.source = t
        .source
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(a) = t.aliases {
        it.aliases = a
            .into_inner()
            .into_iter()
            .map(|x| x.into_inner().trim().to_string())
            .collect();
    }
    if let Some(a) = t.allow {
        let loc = ctx.loc(a.span());
        it.allow = a
            .into_inner()
            .into_iter()
            .map(|(code, reason)| Allow {
                code: code.trim().to_ascii_uppercase(),
                reason,
                loc: Some(loc.clone()),
            })
            .collect();
    }
    Ok((it, set))
}

fn section_key(raw: &S) -> SectionKey {
    domains::lookup(raw.get_ref())
}

fn reference(ctx: &Ctx<'_>, r: ReferenceToml) -> Result<Catalogue, Diagnostic> {
    let (key, raw, loc) = match (&r.domain, &r.section) {
        (Some(d), None) => (section_key(d), d.get_ref().clone(), ctx.loc(d.span())),
        (None, Some(s)) => (
            general_key(s.get_ref()),
            s.get_ref().clone(),
            ctx.loc(s.span()),
        ),
        _ => {
            return Err(Diagnostic::new(
                &codes::TOML_STRUCTURE,
                "参考目录须且只能写 domain 或 section 之一",
            )
            .in_file(&ctx.file)
            .hint("试点领域写 domain = \"社会救助\"；一般栏目写 section = \"概况信息\""))
        }
    };
    let mut items = Vec::with_capacity(r.items.len());
    let mut alias_locs = Vec::with_capacity(r.items.len());
    for t in r.items {
        alias_locs.push(
            t.get_ref()
                .aliases
                .as_ref()
                .map(|a| a.get_ref().iter().map(|x| ctx.loc(x.span())).collect())
                .unwrap_or_default(),
        );
        items.push(item(ctx, t)?.0);
    }
    check_aliases(&items, &alias_locs)?;
    Ok(Catalogue {
        unit: Unit::default(),
        file: Arc::clone(&ctx.file),
        sections: vec![Section {
            key,
            raw,
            loc: Some(loc),
            items,
        }],
        is_reference: true,
    })
}

/// Every alias must name its item alone: an alias that reads (as `gkml import` compares names)
/// like the item's own name, another item's name, or an alias given before would make a
/// draft row match an item the catalogue's author did not mean. `locs[i]` are the places of
/// `items[i]`'s aliases.
fn check_aliases(items: &[Item], locs: &[Vec<Loc>]) -> Result<(), Diagnostic> {
    let label = |it: &Item| it.id.clone().unwrap_or_else(|| it.name.clone());
    let mut owner: BTreeMap<String, (usize, &'static str)> = BTreeMap::new();
    for (i, it) in items.iter().enumerate() {
        owner
            .entry(domains::name_key(&it.name))
            .or_insert((i, "名称"));
    }
    for (i, it) in items.iter().enumerate() {
        for (k, alias) in it.aliases.iter().enumerate() {
            let at = locs.get(i).and_then(|l| l.get(k)).or(it.loc.as_ref());
            let key = domains::name_key(alias);
            let clash = if key.is_empty() {
                Some("别名为空".to_string())
            } else {
                match owner.get(&key) {
                    Some((j, _)) if *j == i => Some(format!(
                        "别名“{alias}”与事项 {} 自己的名称或别名相同",
                        label(it)
                    )),
                    Some((j, what)) => items
                        .get(*j)
                        .map(|other| format!("别名“{alias}”与事项 {} 的{what}相同", label(other))),
                    None => None,
                }
            };
            if let Some(message) = clash {
                return Err(Diagnostic::new(&codes::TOML_STRUCTURE, message)
                    .at(at)
                    .hint("aliases 只写县乡公开目录实际使用的其他名称，每个名称在同一参考目录中只能指向一个事项"));
            }
            owner.insert(key, (i, "别名"));
        }
    }
    Ok(())
}

/// `section = "…"` always names a general section, whatever its name.
fn general_key(raw: &str) -> SectionKey {
    match domains::lookup(raw) {
        SectionKey::Unknown(_) => SectionKey::General(raw.split_whitespace().collect()),
        known => known,
    }
}

fn levels_of(v: &Spanned<Vec<S>>) -> Vec<Level> {
    v.get_ref()
        .iter()
        .map(|l| Level::parse(l.get_ref()))
        .collect()
}

/// `aliases` belong to the reference catalogues (they tell `gkml import` how counties word an
/// item); in a unit's `add` or `change` they would do nothing, so they are refused there.
fn no_aliases(it: &Item, at: &Loc) -> Result<(), Diagnostic> {
    if it.aliases.is_empty() {
        return Ok(());
    }
    Err(Diagnostic::new(
        &codes::TOML_STRUCTURE,
        "单位目录的事项不能写 aliases（别名只用于参考目录）",
    )
    .at(Some(at))
    .hint("删除 aliases；单位自己的名称写在 name 中"))
}

fn unit(ctx: &Ctx<'_>, u: UnitToml) -> Result<UnitSpec, Diagnostic> {
    let kind = UnitKind::parse(u.kind.get_ref()).ok_or_else(|| {
        Diagnostic::new(
            &codes::TOML_STRUCTURE,
            format!("单位类别“{}”无法识别", u.kind.get_ref()),
        )
        .at(Some(&ctx.loc(u.kind.span())))
        .hint("kind 写“县政府”“县直部门”“乡镇”或“街道”")
    })?;
    if let Some(bad) = u.levels.as_ref().and_then(|l| {
        l.get_ref()
            .iter()
            .find(|x| matches!(Level::parse(x.get_ref()), Level::Unknown(_)))
    }) {
        return Err(Diagnostic::new(
            &codes::TOML_STRUCTURE,
            format!("公开层级“{}”无法识别", bad.get_ref()),
        )
        .at(Some(&ctx.loc(bad.span())))
        .hint("levels 中只能写“县级”“乡级”“村级”"));
    }
    let explicit_levels = u.levels.is_some();
    let levels = u
        .levels
        .as_ref()
        .map(levels_of)
        .unwrap_or_else(|| kind.default_levels());
    let unit = Unit {
        name: u.name.get_ref().trim().to_string(),
        full_name: u
            .full_name
            .map(|f| f.into_inner().trim().to_string())
            .filter(|s| !s.is_empty()),
        kind: Some(kind),
        county: u
            .county
            .map(|c| c.into_inner().trim().to_string())
            .filter(|s| !s.is_empty()),
        levels,
    };
    if unit.name.is_empty() {
        return Err(
            Diagnostic::new(&codes::TOML_STRUCTURE, "单位简称 name 为空")
                .at(Some(&ctx.loc(u.name.span())))
                .hint("写单位简称，如 name = \"鱼岳镇\"；它也是输出文件名"),
        );
    }
    let mut sections = Vec::new();
    for s in u.sections {
        let sloc = ctx.loc(s.span());
        let s = s.into_inner();
        let (key, raw, loc) = match (&s.domain, &s.section) {
            (Some(d), None) => (section_key(d), d.get_ref().clone(), ctx.loc(d.span())),
            (None, Some(g)) => (
                general_key(g.get_ref()),
                g.get_ref().clone(),
                ctx.loc(g.span()),
            ),
            _ => {
                return Err(Diagnostic::new(
                    &codes::TOML_STRUCTURE,
                    "[[sections]] 须且只能写 domain 或 section 之一",
                )
                .at(Some(&sloc))
                .hint("试点领域写 domain = \"社会救助\"；一般栏目写 section = \"概况信息\""))
            }
        };
        let change = s
            .change
            .into_iter()
            .map(|t| {
                let tloc = ctx.loc(t.span());
                let (it, set) = item(ctx, t)?;
                no_aliases(&it, &tloc)?;
                match it.id.clone() {
                    Some(id) => Ok(ItemPatch {
                        id,
                        loc: tloc,
                        item: it,
                        set,
                    }),
                    None => Err(Diagnostic::new(
                        &codes::TOML_STRUCTURE,
                        "[[sections.change]] 缺少 id",
                    )
                    .at(Some(&tloc))
                    .hint("写明要修改的参考目录事项编号，如 id = \"dibao-policy\"")),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        sections.push(SectionSpec {
            key,
            raw,
            loc,
            reference: s.reference.unwrap_or(true),
            levels: s.levels.as_ref().map(levels_of),
            include: s
                .include
                .iter()
                .map(|d| (d.get_ref().trim().to_string(), ctx.loc(d.span())))
                .collect(),
            drop: s
                .drop
                .iter()
                .map(|d| (d.get_ref().trim().to_string(), ctx.loc(d.span())))
                .collect(),
            change,
            add: s
                .add
                .into_iter()
                .map(|t| {
                    let tloc = ctx.loc(t.span());
                    let it = item(ctx, t)?.0;
                    no_aliases(&it, &tloc).map(|()| it)
                })
                .collect::<Result<Vec<_>, _>>()?,
        });
    }
    Ok(UnitSpec {
        unit,
        file: Arc::clone(&ctx.file),
        sections,
        explicit_levels,
    })
}

fn project(ctx: &Ctx<'_>, p: ProjectToml, base_dir: &Path) -> Result<ProjectSpec, Diagnostic> {
    // Parsed into a rule configuration by the rules layer (`RuleConfig::from_table`): the
    // reader only records what the table says and where.
    let rules = RulesTable {
        loc: p.rules.as_ref().map(|t| ctx.loc(t.span())),
        entries: p
            .rules
            .map(|t| t.into_inner().into_iter().collect())
            .unwrap_or_default(),
    };
    let spanned = |v: &[S]| -> Vec<(String, Loc)> {
        v.iter()
            .map(|x| (x.get_ref().trim().to_string(), ctx.loc(x.span())))
            .filter(|(t, _)| !t.is_empty())
            .collect()
    };
    Ok(ProjectSpec {
        rules,
        county: p.county.get_ref().trim().to_string(),
        file: Arc::clone(&ctx.file),
        units: p
            .units
            .into_iter()
            .map(|u| {
                let loc = ctx.loc(u.get_ref().path.span());
                let u = u.into_inner();
                ProjectUnit {
                    path: base_dir.join(u.path.get_ref().trim()),
                    group: u
                        .group
                        .map(|g| g.into_inner().trim().to_string())
                        .filter(|g| !g.is_empty()),
                    loc,
                }
            })
            .collect(),
        duties: p
            .responsibility
            .into_iter()
            .map(|d| {
                let loc = ctx.loc(d.span());
                let d = d.into_inner();
                let mut domains = spanned(&d.domains);
                if let Some(one) = &d.domain {
                    domains.insert(0, (one.get_ref().trim().to_string(), ctx.loc(one.span())));
                }
                DutySpec {
                    domains,
                    lead: spanned(&d.lead),
                    cooperating: spanned(&d.cooperating),
                    loc,
                }
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters_not_bytes() {
        let src = "a = 1\n名称 = \"x\"\n";
        let li = LineIndex::new(src);
        let byte = src
            .find('=')
            .map(|_| src.rfind('=').unwrap_or(0))
            .unwrap_or(0);
        assert_eq!(li.place(byte), Place::Text { line: 2, column: 4 });
        assert_eq!(li.place(0), Place::Text { line: 1, column: 1 });
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let f: Arc<str> = Arc::from("x.toml");
        let (doc, diags) = parse(
            &f,
            "domain = \"社会救助\"\n[[items]]\nname = \"政策\n",
            Path::new("."),
        );
        assert!(doc.is_none());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "GK002");
        assert_eq!(diags[0].line, Some(3));
        assert!(diags[0].column.is_some());
    }

    #[test]
    fn unknown_key_is_a_structure_error_at_the_key() {
        let f: Arc<str> = Arc::from("x.toml");
        let (doc, diags) = parse(
            &f,
            "domain = \"社会救助\"\n[[items]]\nnmae = \"政策\"\n",
            Path::new("."),
        );
        assert!(doc.is_none());
        assert_eq!(diags[0].code, "GK003");
        assert_eq!(diags[0].line, Some(3));
        assert!(diags[0].message.contains("nmae"), "{}", diags[0].message);
    }

    #[test]
    fn aliases_are_read_on_reference_items_and_refused_in_a_units_add() {
        let f: Arc<str> = Arc::from("x.toml");
        let (doc, diags) = parse(
            &f,
            "domain = \"社会救助\"\n[[items]]\nid = \"a\"\nname = \"最低生活保障审核确认\"\naliases = [\" 最低生活保障对象认定 \"]\n",
            Path::new("."),
        );
        assert!(diags.is_empty(), "{diags:?}");
        let Some(TomlDoc::Reference(cat)) = doc else {
            panic!("a reference")
        };
        assert_eq!(cat.sections[0].items[0].aliases, ["最低生活保障对象认定"]);
        let (doc, diags) = parse(
            &f,
            "name = \"乐昌镇\"\nkind = \"乡镇\"\n[[sections]]\ndomain = \"社会救助\"\n[[sections.add]]\nname = \"低保\"\naliases = [\"低保认定\"]\n",
            Path::new("."),
        );
        assert!(doc.is_none());
        assert_eq!(diags[0].code, "GK003");
        assert_eq!(diags[0].line, Some(5));
        assert!(diags[0].message.contains("aliases"), "{}", diags[0].message);
    }
}
