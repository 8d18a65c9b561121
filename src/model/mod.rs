//! The catalogue model: a unit's catalogue, its sections and items, with the fields of
//! docs/CONTRACT.md §1 and, for every value, the place it was read from.
//!
//! Readers build this model from TOML, CSV or spreadsheets; rules check it; renderers write it.
//! Values that could not be understood (an unknown channel, a mode written 主动的) are kept in
//! `Unknown` variants rather than dropped, so that a rule can point at them and nothing is lost.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::domains::SectionKey;

mod channels;
pub use channels::*;

/// The item fields of docs/CONTRACT.md §1, by their ASCII keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Unit,
    Domain,
    Seq,
    Category,
    Name,
    Content,
    Basis,
    Deadline,
    Subject,
    Channels,
    Audience,
    Mode,
    Levels,
    Remarks,
    Id,
}

impl Field {
    /// How many fields there are.
    pub const COUNT: usize = 15;
    /// Every field, in declaration order (`ALL[f as usize] == f`).
    pub const ALL: [Field; Field::COUNT] = [
        Field::Unit,
        Field::Domain,
        Field::Seq,
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
        Field::Id,
    ];

    /// Whether the field's texts repeat across the units of a province (the reference
    /// catalogue's), as opposed to per-item prose: the texts worth judging once per distinct
    /// value (see [`crate::memo`]).
    pub fn repeats(self) -> bool {
        matches!(
            self,
            Field::Category | Field::Basis | Field::Deadline | Field::Subject | Field::Channels
        )
    }
    /// The ASCII key (TOML, JSON, codes).
    pub fn key(self) -> &'static str {
        match self {
            Field::Unit => "unit",
            Field::Domain => "domain",
            Field::Seq => "seq",
            Field::Category => "category",
            Field::Name => "name",
            Field::Content => "content",
            Field::Basis => "basis",
            Field::Deadline => "deadline",
            Field::Subject => "subject",
            Field::Channels => "channels",
            Field::Audience => "audience",
            Field::Mode => "mode",
            Field::Levels => "levels",
            Field::Remarks => "remarks",
            Field::Id => "id",
        }
    }

    /// The Chinese column name used in tables and messages.
    pub fn label(self) -> &'static str {
        match self {
            Field::Unit => "单位",
            Field::Domain => "领域",
            Field::Seq => "序号",
            Field::Category => "一级事项",
            Field::Name => "二级事项",
            Field::Content => "公开内容（要素）",
            Field::Basis => "公开依据",
            Field::Deadline => "公开时限",
            Field::Subject => "公开主体",
            Field::Channels => "公开渠道和载体",
            Field::Audience => "公开对象",
            Field::Mode => "公开方式",
            Field::Levels => "公开层级",
            Field::Remarks => "备注",
            Field::Id => "编号",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The fields of an item whose text the reader's glance at its cell already proved clear of
/// everything the hygiene rules report (no control character, no odd white space, fewer than
/// 11 digits) and of a placeholder's `{`, handed to [`crate::rules::item_diagnostics_glanced`]
/// so that the rules do not glance at the same text again. One bit per field; empty (nothing
/// known) is always right.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Glanced(u16);

impl Glanced {
    pub fn set(&mut self, field: Field) {
        self.0 |= 1 << field as usize;
    }
    pub fn unset(&mut self, field: Field) {
        self.0 &= !(1 << field as usize);
    }
    pub fn has(self, field: Field) -> bool {
        self.0 & (1 << field as usize) != 0
    }
}

/// Where in a file a value was read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Place {
    /// Not known (a value gkml made up, such as a computed 序号).
    #[default]
    None,
    /// A TOML position, 1-based, column counted in characters.
    Text { line: u32, column: u32 },
    /// A spreadsheet cell, or a CSV field (then `sheet` is `None` and `line` is the text line
    /// where the record starts). `row` is as a spreadsheet shows it, `column` 1-based.
    Cell {
        sheet: Option<Arc<str>>,
        row: u32,
        column: u32,
        line: Option<u32>,
    },
}

/// A file and a place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    /// The file as the user named it, or `catalogues/…` for an embedded reference.
    pub file: Arc<str>,
    pub place: Place,
}

impl Loc {
    pub fn new(file: &Arc<str>, place: Place) -> Self {
        Loc {
            file: Arc::clone(file),
            place,
        }
    }

    /// Another cell of the same file and sheet (no sheet when this is not a cell's place).
    pub fn at_cell(&self, row: u32, column: u32, line: Option<u32>) -> Loc {
        let sheet = match &self.place {
            Place::Cell { sheet, .. } => sheet.clone(),
            _ => None,
        };
        Loc::new(
            &self.file,
            Place::Cell {
                sheet,
                row,
                column,
                line,
            },
        )
    }

    /// The same place in another column (a cell of the same row).
    pub fn with_column(&self, column: u32) -> Loc {
        let mut loc = self.clone();
        if let Place::Cell { column: c, .. } = &mut loc.place {
            *c = column;
        }
        loc
    }
}

/// Where one field of an item was read: a column of the item's own row (a table: the row,
/// line, sheet and file are the item's `loc`'s), or any place (TOML, a patch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spot<'a> {
    Column(u32),
    At(&'a Loc),
}

/// Where each field of an item was read, where it differs from the item's `loc` (a later
/// record wins). A table row records a dozen fields on every row, so each field's column is
/// kept in a fixed slot by field: no allocation, no search, nothing to free. Places that are
/// not a column of the row (TOML, patches) are rare and kept in a list, boxed, as are the
/// earlier columns of a field read from more than one (two 公开渠道和载体 columns), which
/// `--fix` rewrites too; a mark group's first column (公开对象, 公开方式, 公开层级), replaced by
/// the marked one, is only a pointer for diagnostics and is not kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    // (The bits of `has` and of `Glanced` are one per field.)
    /// The column of each field, by `Field as usize`, where its bit in `has` is set.
    cols: [u32; Field::COUNT],
    has: u16,
    /// Places other than the latest column: (field, place), oldest first.
    rest: Vec<(Field, Rest)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Rest {
    Column(u32),
    At(Box<Loc>),
}

const _: () = assert!(Field::COUNT <= 16, "a field's bit fits a u16");

impl Places {
    /// The place a field was last recorded at.
    pub fn get(&self, field: Field) -> Option<Spot<'_>> {
        let i = field as usize;
        if self.has & (1 << i) != 0 {
            return Some(Spot::Column(self.cols[i]));
        }
        // A field's column is cleared only by a later place, so the newest entry is it.
        self.rest
            .iter()
            .rev()
            .find(|(f, _)| *f == field)
            .map(|(_, r)| match r {
                Rest::Column(c) => Spot::Column(*c),
                Rest::At(l) => Spot::At(l),
            })
    }

    /// Record that a field came from a column of the item's own row.
    #[inline]
    pub fn set_column(&mut self, field: Field, column: u32) {
        let i = field as usize;
        if self.has & (1 << i) != 0 && self.cols[i] != column {
            self.keep_earlier(field);
        }
        self.cols[i] = column;
        self.has |= 1 << i;
    }

    /// Record that a field came from any place.
    pub fn set_place(&mut self, field: Field, loc: Loc) {
        let i = field as usize;
        if self.has & (1 << i) != 0 {
            self.keep_earlier(field);
            self.has &= !(1 << i);
        }
        self.rest.push((field, Rest::At(Box::new(loc))));
    }

    fn keep_earlier(&mut self, field: Field) {
        if !matches!(field, Field::Audience | Field::Mode | Field::Levels) {
            self.rest
                .push((field, Rest::Column(self.cols[field as usize])));
        }
    }

    /// Every place recorded: each field's latest column (in field order), then the other
    /// places (earlier columns kept, places that are not a column of the row).
    pub fn iter(&self) -> impl Iterator<Item = (Field, Spot<'_>)> {
        let latest = Field::ALL
            .iter()
            .filter(|f| self.has & (1 << **f as usize) != 0)
            .map(|f| (*f, Spot::Column(self.cols[*f as usize])));
        latest.chain(self.rest.iter().map(|(f, r)| {
            (
                *f,
                match r {
                    Rest::Column(c) => Spot::Column(*c),
                    Rest::At(l) => Spot::At(l),
                },
            )
        }))
    }

    /// The recorded places that are not a column of the row, to move them (a document's
    /// continuation tables).
    pub fn locs_mut(&mut self) -> impl Iterator<Item = &mut Loc> {
        self.rest.iter_mut().filter_map(|(_, r)| match r {
            Rest::At(l) => Some(&mut **l),
            Rest::Column(_) => None,
        })
    }
}

/// The kind of a publishing unit (docs/CONTRACT.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum UnitKind {
    #[serde(rename = "县政府")]
    CountyGovernment,
    #[serde(rename = "县直部门")]
    CountyDepartment,
    #[serde(rename = "乡镇")]
    Township,
    #[serde(rename = "街道")]
    Subdistrict,
}

impl UnitKind {
    pub const ALL: [UnitKind; 4] = [
        UnitKind::CountyGovernment,
        UnitKind::CountyDepartment,
        UnitKind::Township,
        UnitKind::Subdistrict,
    ];

    pub fn label(self) -> &'static str {
        match self {
            UnitKind::CountyGovernment => "县政府",
            UnitKind::CountyDepartment => "县直部门",
            UnitKind::Township => "乡镇",
            UnitKind::Subdistrict => "街道",
        }
    }

    /// Read a kind as written (乡镇, 镇, 乡, 街道办, 县直部门, 部门, 縣政府 …).
    pub fn parse(raw: &str) -> Option<UnitKind> {
        let s = crate::domains::to_simplified(raw.trim());
        match &*s {
            "县政府" | "县人民政府" | "区政府" | "区人民政府" | "县级政府" => {
                Some(UnitKind::CountyGovernment)
            }
            "县直部门" | "部门" | "县直单位" | "区直部门" | "县政府部门" => {
                Some(UnitKind::CountyDepartment)
            }
            "乡镇" | "乡" | "镇" | "乡镇政府" => Some(UnitKind::Township),
            "街道" | "街道办" | "街办" | "街道办事处" | "管理处" => {
                Some(UnitKind::Subdistrict)
            }
            _ => None,
        }
    }

    /// The levels a unit of this kind publishes at by default: towns and subdistricts take the
    /// 乡级 items and the 村级 items they post for villages; county bodies take the 县级 items.
    pub fn default_levels(self) -> Vec<Level> {
        match self {
            UnitKind::CountyGovernment | UnitKind::CountyDepartment => vec![Level::County],
            UnitKind::Township | UnitKind::Subdistrict => vec![Level::Town, Level::Village],
        }
    }
}

/// 公开层级.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    County,
    Town,
    Village,
    Unknown(String),
}

impl Level {
    pub const KNOWN: [Level; 3] = [Level::County, Level::Town, Level::Village];

    pub fn label(&self) -> &str {
        match self {
            Level::County => "县级",
            Level::Town => "乡级",
            Level::Village => "村级",
            Level::Unknown(s) => s,
        }
    }

    pub fn parse(raw: &str) -> Level {
        let w = word(raw);
        let s = crate::domains::to_simplified(&w);
        match &*s {
            "县级" | "县" | "县区级" | "区级" | "县（区）级" | "县(区)级" => {
                Level::County
            }
            "乡级" | "乡" | "镇" | "乡镇" | "乡镇级" | "镇级" | "街道" | "乡（镇）级"
            | "乡(镇)级" | "镇街" | "镇街级" | "街镇" | "街镇级" | "镇街乡" | "乡镇街" => {
                Level::Town
            }
            "村级" | "村" | "社区" | "村（居）" | "村(居)" | "村（社区）" | "村(社区)" | "村居" => {
                Level::Village
            }
            // How catalogues name the three levels with their alternatives in brackets:
            // 县（市、区）, 乡（镇）, 乡镇（街道）, 村（社区）级 — ASCII brackets read the same.
            _ => match &*s.replace('(', "（").replace(')', "）") {
                "县（市、区）"
                | "县（市、区）级"
                | "县（市）"
                | "县（市）级"
                | "县（区）"
                | "区县"
                | "区县级"
                | "县区" => Level::County,
                "乡（镇）"
                | "乡（镇、街道）"
                | "乡（镇、街道）级"
                | "乡镇（街道）"
                | "乡镇（街道）级"
                | "镇（街道）"
                | "镇（街道）级"
                | "乡镇街道"
                | "街道级"
                | "乡（街道）" => Level::Town,
                "村（社区）级" | "村（居）级" | "村居级" | "社区级" | "村（居）委会" => {
                    Level::Village
                }
                _ => Level::Unknown(raw.trim().to_string()),
            },
        }
    }

    /// Split a 公开层级 cell ("乡级、村级") into levels; "县乡两级", "县、乡、村三级" and the bare
    /// run "县乡村" name each level by its first character.
    pub fn parse_list(raw: &str) -> Vec<Level> {
        // A checkbox list as WPS and Word templates print it ("☑乡级 □村级", "√县级 √乡级"):
        // the ticked entries, each read as a cell of its own (no mark is left in them).
        if channels::is_checkbox_list(raw) {
            let mut out: Vec<Level> = channels::choices(raw)
                .into_iter()
                .flat_map(Level::parse_list)
                .collect();
            out.dedup();
            return out;
        }
        if let Some(joined) = unwrapped(raw) {
            let whole = Level::parse(&joined);
            if !matches!(whole, Level::Unknown(_)) {
                return vec![whole];
            }
        }
        // One word spaced out (`乡 级`) before a list separated by spaces (`乡级 村级`).
        if raw.trim().contains(char::is_whitespace) {
            let whole = Level::parse(raw);
            if !matches!(whole, Level::Unknown(_)) {
                return vec![whole];
            }
        }
        const SEPARATORS: [char; 9] = ['、', '，', ',', '；', ';', '/', ' ', '\u{3000}', '\n'];
        let compact: String = raw.chars().filter(|c| !SEPARATORS.contains(c)).collect();
        if let Some(head) = ["两级", "二级", "三级"]
            .iter()
            .find_map(|w| compact.strip_suffix(w))
            .or(Some(&compact))
            .filter(|h| h.chars().count() >= 2 && h.chars().all(|c| "县乡镇村".contains(c)))
        {
            let mut out: Vec<Level> = head
                .chars()
                .map(|c| match c {
                    '县' => Level::County,
                    '村' => Level::Village,
                    _ => Level::Town,
                })
                .collect();
            out.dedup();
            return out;
        }
        raw.split(SEPARATORS)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Level::parse)
            .collect()
    }
}

/// 公开方式.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Mode {
    /// 主动公开.
    Active,
    /// 依申请公开.
    OnRequest,
    Unknown(String),
}

impl Mode {
    pub fn label(&self) -> &str {
        match self {
            Mode::Active => "主动",
            Mode::OnRequest => "依申请公开",
            Mode::Unknown(s) => s,
        }
    }

    pub fn parse(raw: &str) -> Mode {
        let w = word(raw);
        let s = crate::domains::to_simplified(&w);
        match &*s {
            // 依职权公开 is the statute's word for 主动公开 (proactive, by the body's own
            // authority), as opposed to 依申请.
            "主动" | "主动公开" | "依职权主动公开" | "依职权公开" | "依职权主动" => {
                Mode::Active
            }
            "依申请公开" | "依申请" | "申请公开" => Mode::OnRequest,
            _ => Mode::Unknown(raw.trim().to_string()),
        }
    }

    /// Read a 公开方式 cell that may name both ("主动公开、依申请公开", "√主动 □依申请").
    /// When a part is not a mode, the whole cell is one unknown value, for the rule to show.
    pub fn parse_list(raw: &str) -> Vec<Mode> {
        parse_choices(raw, Mode::parse, |m| matches!(m, Mode::Unknown(_)))
            .unwrap_or_else(|| vec![Mode::Unknown(raw.trim().to_string())])
    }
}

/// 公开对象.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Audience {
    /// 全社会.
    Public,
    /// 特定群众, with the group when the catalogue names it (项目单位, 申请人 …).
    Specific(Option<String>),
    Unknown(String),
}

impl Audience {
    pub fn label(&self) -> &str {
        match self {
            Audience::Public => "全社会",
            Audience::Specific(_) => "特定群众",
            Audience::Unknown(s) => s,
        }
    }

    /// Read a 公开对象 cell that may name both ("全社会、特定群众", "√全社会 □特定群众").
    /// When a part is not an audience, the whole cell is one unknown value.
    pub fn parse_list(raw: &str) -> Vec<Audience> {
        parse_choices(raw, Audience::parse, |a| matches!(a, Audience::Unknown(_)))
            .unwrap_or_else(|| vec![Audience::Unknown(raw.trim().to_string())])
    }

    /// Read "全社会", "特定群众", "特定群体", or "特定群众（项目单位）".
    pub fn parse(raw: &str) -> Audience {
        let t = raw.trim();
        let w = word(t);
        let s = crate::domains::to_simplified(&w);
        match &*s {
            "全社会"
            | "社会公众"
            | "公众"
            | "不特定对象"
            | "不特定社会公众"
            | "不特定公众"
            | "社会大众"
            | "社会"
            | "社会各界"
            | "全体公民"
            | "全体居民"
            | "群众"
            | "广大群众"
            | "人民群众"
            | "公民、法人和其他组织"
            | "公民、法人或者其他组织"
            | "公民、法人或其他组织"
            | "所有人"
            | "任何人" => return Audience::Public,
            "特定群众" | "特定群体" | "特定对象" => return Audience::Specific(None),
            _ => {}
        }
        if everyone_here(&s) {
            return Audience::Public;
        }
        // "所有公众", "全体社会公众": a word for everyone before a word for the public.
        if let Some(rest) = ["所有", "全体", "全部", "广大"]
            .iter()
            .find_map(|w| s.strip_prefix(w))
            .filter(|r| !r.is_empty() && !r.starts_with(['特', '所', '全']))
        {
            if Audience::parse(rest) == Audience::Public {
                return Audience::Public;
            }
        }
        for prefix in ["特定群众", "特定群体", "特定对象"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                let group = strip_brackets(rest);
                if !group.is_empty() {
                    return Audience::Specific(Some(group.to_string()));
                }
            }
        }
        // A group of people named alone (低保对象, 申请人, 项目单位) is the 特定群众 it is
        // published to, as the template writes it: 特定群众（低保对象）.
        if Audience::names_a_group(&s) {
            let group = s.trim_end_matches(['。', '；', ';']);
            return Audience::Specific(Some(group.to_string()));
        }
        Audience::Unknown(t.to_string())
    }

    /// Whether a 公开对象 that is not an audience names a group of people (申请人, 低保对象,
    /// 参保人员, 困难群众, 项目单位; several joined with 、): the template writes it as
    /// 特定群众（…）, which GK207's hint then says exactly.
    pub fn names_a_group(text: &str) -> bool {
        let s = crate::domains::to_simplified(text.trim());
        let group = s.trim_end_matches(['。', '；', ';']);
        let is_group = |g: &str| {
            (1..=12).contains(&g.chars().count())
                && crate::text::is_han_name(g)
                && !g.contains("特定")
                && !g.contains("全社会")
                && !everyone_here(g)
                && GROUP_ENDINGS.iter().any(|e| g.ends_with(e))
        };
        group.chars().count() <= 30 && group.split(['、', '，', ',', '/']).all(is_group)
    }
}

/// Whether a 公开对象 names everyone of the place the catalogue serves: the residents of a
/// town, village or area (全镇群众, 全体村民, 辖区居民, 本村村民, 全县人民群众), or the residents
/// alone (居民, 村民). A catalogue is published for its place, so these are 全社会.
fn everyone_here(s: &str) -> bool {
    const ALL: &[&str] = &[
        "本辖区内",
        "本辖区",
        "辖区内",
        "辖区",
        "全体",
        "所有",
        "全部",
        "广大",
        "全",
        "本",
    ];
    const PLACES: &[&str] = &[
        "乡镇",
        "社区",
        "街道",
        "村（居）",
        "村(居)",
        "县",
        "乡",
        "镇",
        "村",
        "区",
        "市",
        "居",
    ];
    const RESIDENTS: &[&str] = &[
        "人民群众",
        "群众",
        "居民",
        "村民",
        "村（居）民",
        "村(居)民",
        "公众",
        "社会公众",
        "农民",
    ];
    let residents = |r: &str| RESIDENTS.contains(&r);
    if matches!(s, "居民" | "村民" | "村（居）民" | "村(居)民") {
        return true;
    }
    ALL.iter().filter_map(|a| s.strip_prefix(a)).any(|rest| {
        let rest = rest.strip_prefix('内').unwrap_or(rest);
        residents(rest)
            || PLACES
                .iter()
                .filter_map(|p| rest.strip_prefix(p))
                .any(|r| residents(r.strip_prefix('内').unwrap_or(r)))
    })
}

/// How the name of a group of people ends (申请人, 低保对象, 参保人员, 低保户, 困难家庭,
/// 项目单位, 困难群众): such a 公开对象 names the 特定群众 it is published to.
const GROUP_ENDINGS: &[&str] = &[
    "人", "人员", "对象", "户", "家庭", "单位", "企业", "群众", "群体", "居民", "村民", "学生",
    "家长", "老人", "职工", "组织", "成员",
];

/// A 公开对象, 公开方式 or 公开层级 word without the punctuation a clerk ends a cell with
/// (`全社会。`, `主动公开；`, `乡镇，`): it is not part of the word.
///
/// White space inside the word is not part of it either (`主 动`, `全 社 会`, `乡 级`: a clerk
/// spacing out a short cell to fill its column).
fn word(raw: &str) -> std::borrow::Cow<'_, str> {
    let w = raw
        .trim()
        .trim_end_matches(['。', '．', '.', '；', ';', '，', ',', '、'])
        .trim_end();
    if w.contains(char::is_whitespace) {
        std::borrow::Cow::Owned(w.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        std::borrow::Cow::Borrowed(w)
    }
}

/// A cell's text with its line breaks removed, when it has any: a word a clerk wrapped to fit
/// a narrow column (`主动⏎公开`, `乡⏎级`) is read whole before the lines are read as a list.
fn unwrapped(raw: &str) -> Option<String> {
    raw.contains('\n')
        .then(|| raw.split(['\n', '\r']).map(str::trim).collect::<String>())
}

/// A cell read whole, else as a list of choices each read alone; `None` when some part is
/// not a value (an empty list is `Some(vec![])`: a checkbox list with nothing marked).
fn parse_choices<T: PartialEq>(
    raw: &str,
    parse: impl Fn(&str) -> T,
    unknown: impl Fn(&T) -> bool,
) -> Option<Vec<T>> {
    let whole = parse(raw);
    if !unknown(&whole) {
        return Some(vec![whole]);
    }
    // A word wrapped by a line break in a narrow column ("主动\n公开", "全社\n会").
    if let Some(joined) = unwrapped(raw) {
        let v = parse(&joined);
        if !unknown(&v) {
            return Some(vec![v]);
        }
    }
    let mut out: Vec<T> = Vec::new();
    for part in choices(raw) {
        let v = parse(part);
        if unknown(&v) {
            return None;
        }
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Some(out)
}

/// Why an item does not trip a rule it otherwise would: `allow = { GK210 = "理由" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allow {
    pub code: String,
    pub reason: String,
    /// Where the `allow` table is written.
    #[serde(skip)]
    pub loc: Option<Loc>,
}

/// What the table reader saw in a cell as written, beyond the value it read: raw facts that
/// the rules judge (the reader reports only reading problems).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// The cell held pasted HTML; `text` is what was read once the code was removed. GK601.
    Html { text: String },
    /// The cell had stray spaces or empty lines, as written. GK602.
    Whitespace { raw: String },
    /// A mark column held a text that is not a mark (read as set). GK209.
    UnreadableMark { text: String },
    /// The row's cells look shifted one column left (`true`) or right (`false`). GK511.
    Shifted { left: bool },
    /// The table has no column for this field, so the row could not fill it. GK109 says so
    /// once per table instead of once per row.
    NoColumn,
}

/// A [`Seen`] fact with the cell it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub seen: Seen,
    pub loc: Loc,
    pub field: Option<Field>,
}

/// One row of a catalogue: an 二级事项 and its elements.
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// Stable id within the domain (reference items and overrides); drafts have none.
    pub id: Option<String>,
    /// 序号 as read; computed when compiling.
    pub seq: String,
    /// The 序号 was written in this row's own cell (not blank, not filled from a merge).
    pub seq_explicit: bool,
    pub category: String,
    pub name: String,
    pub content: String,
    pub basis: String,
    pub deadline: String,
    pub subject: String,
    pub channels: Vec<Channel>,
    /// Every audience marked; a valid item has exactly one.
    pub audience: Vec<Audience>,
    /// Every mode marked; a valid item has exactly one.
    pub mode: Vec<Mode>,
    pub levels: Vec<Level>,
    pub remarks: String,
    /// Unit kinds the item is for (empty: every kind). The county government's annual report
    /// is due on 3月31日, the departments' on 1月31日 (Art. 49), so they are separate items.
    pub kinds: Vec<UnitKind>,
    pub allow: Vec<Allow>,
    /// Provenance of a reference item: the guideline table or the published catalogues it
    /// follows (`source = "…"` in TOML). Reference metadata, not a §2 column: it reaches the
    /// JSON output only, never the published tables.
    pub source: Option<String>,
    /// Other names under which published catalogues list this same reference item
    /// (`aliases = ["…"]` in a reference TOML). `gkml import` matches a draft row by them as by
    /// the name; reference metadata, never printed in a table.
    pub aliases: Vec<String>,
    /// Where the item as a whole comes from (its table in TOML, its row in a sheet).
    pub loc: Option<Loc>,
    /// Where each field's value comes from, where it differs from `loc`.
    pub places: Places,
    /// What the table reader saw in the row's cells as written (empty for TOML).
    pub notes: Vec<Note>,
}

impl Item {
    /// `category/name`, the `item` of a diagnostic.
    pub fn label(&self) -> String {
        match (self.category.is_empty(), self.name.is_empty()) {
            (false, false) => format!("{}/{}", self.category, self.name),
            (true, false) => self.name.clone(),
            (false, true) => format!("{}/", self.category),
            (true, true) => self.id.clone().unwrap_or_default(),
        }
    }

    /// Where a field's value was read, falling back to the item's own place.
    pub fn loc_of(&self, field: Field) -> Option<Cow<'_, Loc>> {
        match self.spot(field) {
            Some(Spot::At(l)) => Some(Cow::Borrowed(l)),
            Some(Spot::Column(c)) => self.loc.as_ref().map(|l| Cow::Owned(l.with_column(c))),
            None => self.loc.as_ref().map(Cow::Borrowed),
        }
    }

    /// Whether a field's place is the item's own (`loc_of(field) == loc`), without building it.
    pub fn at_own_place(&self, field: Field) -> bool {
        self.at_place(field, self.loc.as_ref())
    }

    /// [`Item::at_own_place`] of an item whose place is `own` (its `loc` not yet set).
    pub fn at_place(&self, field: Field, own: Option<&Loc>) -> bool {
        match self.spot(field) {
            None => true,
            Some(Spot::At(l)) => own == Some(l),
            Some(Spot::Column(c)) => match own {
                Some(Loc {
                    place: Place::Cell { column, .. },
                    ..
                }) => *column == c,
                Some(_) => true,
                None => false,
            },
        }
    }

    fn spot(&self, field: Field) -> Option<Spot<'_>> {
        self.places.get(field)
    }

    /// Record where a field came from (a later record wins).
    pub fn set_place(&mut self, field: Field, loc: Loc) {
        self.places.set_place(field, loc);
    }

    /// Record that a field came from a column of the item's own row (a later record wins).
    #[inline]
    pub fn set_column(&mut self, field: Field, column: u32) {
        self.places.set_column(field, column);
    }

    /// The text of a free-text field (None for the structured ones).
    pub fn text(&self, field: Field) -> Option<&str> {
        Some(match field {
            Field::Seq => &self.seq,
            Field::Category => &self.category,
            Field::Name => &self.name,
            Field::Content => &self.content,
            Field::Basis => &self.basis,
            Field::Deadline => &self.deadline,
            Field::Subject => &self.subject,
            Field::Remarks => &self.remarks,
            Field::Id => self.id.as_deref().unwrap_or(""),
            _ => return None,
        })
    }

    /// Mutable access to a free-text field.
    pub fn text_mut(&mut self, field: Field) -> Option<&mut String> {
        Some(match field {
            Field::Seq => &mut self.seq,
            Field::Category => &mut self.category,
            Field::Name => &mut self.name,
            Field::Content => &mut self.content,
            Field::Basis => &mut self.basis,
            Field::Deadline => &mut self.deadline,
            Field::Subject => &mut self.subject,
            Field::Remarks => &mut self.remarks,
            _ => return None,
        })
    }

    /// Whether the item deliberately allows a rule code.
    /// Whether the item allows a rule code, with a reason (an allow without one does not
    /// count: GK510 reports it).
    pub fn allows(&self, code: &str) -> bool {
        self.allow
            .iter()
            .any(|a| a.code == code && !a.reason.trim().is_empty())
    }

    /// The 备注 cell of a table: the remarks, then each `allow` as `允许GK210：理由`, joined by
    /// ；. The table reader reads these back into `allow` ([`Item::take_allows_from_remarks`]),
    /// so a compiled workbook edited and sent back keeps the item's exemptions.
    pub fn remarks_cell(&self) -> std::borrow::Cow<'_, str> {
        if self.allow.is_empty() {
            return std::borrow::Cow::Borrowed(&self.remarks);
        }
        let mut parts: Vec<String> = Vec::new();
        if !self.remarks.is_empty() {
            parts.push(self.remarks.clone());
        }
        parts.extend(
            self.allow
                .iter()
                .map(|a| format!("允许{}：{}", a.code, a.reason)),
        );
        std::borrow::Cow::Owned(parts.join("；"))
    }

    /// Move `允许GKnnn：理由` entries of a table's 备注 into `allow` (the form
    /// [`Item::remarks_cell`] writes).
    pub fn take_allows_from_remarks(&mut self, loc: Option<&Loc>) {
        if !self.remarks.contains("允许GK") {
            return;
        }
        let mut kept: Vec<&str> = Vec::new();
        for part in self.remarks.split(['；', ';']) {
            let p = part.trim();
            let parsed = p.strip_prefix("允许").and_then(|rest| {
                let code: String = rest.chars().take(5).collect();
                let valid = code.len() == 5
                    && code.starts_with("GK")
                    && code[2..].chars().all(|c| c.is_ascii_digit());
                let reason = rest.get(5..)?.trim_start_matches(['：', ':']).trim();
                (valid && !reason.is_empty()).then(|| (code, reason.to_string()))
            });
            match parsed {
                Some((code, reason)) => self.allow.push(Allow {
                    code,
                    reason,
                    loc: loc.cloned(),
                }),
                None => kept.push(part),
            }
        }
        self.remarks = kept.join("；").trim().to_string();
    }

    /// The group text of 特定群众, if any.
    pub fn audience_group(&self) -> Option<&str> {
        self.audience.iter().find_map(|a| match a {
            Audience::Specific(Some(g)) => Some(g.as_str()),
            _ => None,
        })
    }
}

/// The free-text fields, in table order.
pub const TEXT_FIELDS: [Field; 7] = [
    Field::Category,
    Field::Name,
    Field::Content,
    Field::Basis,
    Field::Deadline,
    Field::Subject,
    Field::Remarks,
];

/// Add the catalogues read from one more sheet or table to those of the file: a unit met
/// before gets the new sections, a new unit is appended (file order is kept).
pub fn merge_units(units: &mut Vec<Catalogue>, more: Vec<Catalogue>) {
    for c in more {
        match units.iter_mut().find(|x| x.unit.name == c.unit.name) {
            Some(x) => x.sections.extend(c.sections),
            None => units.push(c),
        }
    }
}

/// The buffers of an item's long texts and lists (公开内容, 公开依据, 公开时限, 公开主体, 备注;
/// channels, audience, mode), emptied and kept for the next row's item once the rules have
/// read them. The streaming check converts rows by the hundred thousand on each core and
/// needs these fields only until the row's own rules have run: made anew, they were eight
/// allocations and as many frees a row, over half of all (see BENCHMARKS.md round nine).
#[derive(Debug, Default)]
pub struct Spare {
    texts: [String; 5],
    channels: Vec<Channel>,
    audience: Vec<Audience>,
    mode: Vec<Mode>,
}

impl Spare {
    /// A buffer grown past this many bytes (a cell of 30,000 characters) is freed, not kept
    /// for every row after it.
    const MAX_KEPT: usize = 4096;

    /// An empty item whose long texts and lists are the buffers kept so far.
    pub fn item(&mut self) -> Item {
        let [content, basis, deadline, subject, remarks] = std::mem::take(&mut self.texts);
        Item {
            content,
            basis,
            deadline,
            subject,
            remarks,
            channels: std::mem::take(&mut self.channels),
            audience: std::mem::take(&mut self.audience),
            mode: std::mem::take(&mut self.mode),
            ..Item::default()
        }
    }

    /// Take the item's long texts and lists (they are left empty) and keep their buffers,
    /// emptied, for the next [`Spare::item`].
    pub fn keep(&mut self, item: &mut Item) {
        fn kept<T>(slot: &mut Vec<T>, from: &mut Vec<T>) {
            let mut v = std::mem::take(from);
            if v.capacity() * std::mem::size_of::<T>() <= Spare::MAX_KEPT {
                v.clear();
                *slot = v;
            }
        }
        let fields = [
            &mut item.content,
            &mut item.basis,
            &mut item.deadline,
            &mut item.subject,
            &mut item.remarks,
        ];
        for (slot, from) in self.texts.iter_mut().zip(fields) {
            let mut s = std::mem::take(from);
            if s.capacity() <= Self::MAX_KEPT {
                s.clear();
                *slot = s;
            }
        }
        kept(&mut self.channels, &mut item.channels);
        kept(&mut self.audience, &mut item.audience);
        kept(&mut self.mode, &mut item.mode);
    }
}

/// A domain section (or general section) of a catalogue.
#[derive(Debug, Clone)]
pub struct Section {
    pub key: SectionKey,
    /// The name as written, for messages.
    pub raw: String,
    /// Where the section is named (a TOML table, a 领域 cell or section row).
    pub loc: Option<Loc>,
    pub items: Vec<Item>,
}

/// The unit a catalogue belongs to.
#[derive(Debug, Clone, Default)]
pub struct Unit {
    /// Short name used for file names (乐昌镇, 嘉鱼县民政局).
    pub name: String,
    /// Full name for titles and `{unit}` (曲沃县乐昌镇人民政府).
    pub full_name: Option<String>,
    pub kind: Option<UnitKind>,
    pub county: Option<String>,
    /// The levels this unit publishes at.
    pub levels: Vec<Level>,
}

impl Unit {
    /// The name shown in titles and substituted for `{unit}`.
    pub fn display_name(&self) -> &str {
        self.full_name.as_deref().unwrap_or(&self.name)
    }
}

/// The groups of a section's items under one 一级事项: runs of rows whose category is the
/// same as the row above's. [`Catalogue::number_items`] numbers them; the workbook's sheets
/// merge and number them themselves, from a catalogue not yet numbered (while the rules read
/// the 序号 as drafted).
pub fn category_runs(items: &[Item]) -> impl Iterator<Item = &[Item]> {
    items.chunk_by(same_category)
}

fn same_category(a: &Item, b: &Item) -> bool {
    a.category == b.category
}

/// A unit's catalogue (or a reference catalogue, whose unit is empty).
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub unit: Unit,
    /// The file it was read from.
    pub file: Arc<str>,
    pub sections: Vec<Section>,
    /// Whether this is a reference catalogue (a template with placeholders).
    pub is_reference: bool,
}

impl Catalogue {
    pub fn item_count(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }

    /// Sort sections into output order (general sections first, then domains by id) and merge
    /// sections with the same key, keeping item order. Stable, so equal keys keep file order.
    pub fn normalise_order(&mut self) {
        let mut merged: Vec<Section> = Vec::new();
        for s in std::mem::take(&mut self.sections) {
            if let Some(m) = merged.iter_mut().find(|m| m.key == s.key) {
                m.items.extend(s.items);
            } else {
                merged.push(s);
            }
        }
        merged.sort_by_key(|s| s.key.order());
        self.sections = merged;
    }

    /// Number the 一级事项 groups of each section ([`category_runs`]) 1, 2, 3 … in order.
    pub fn number_items(&mut self) {
        use std::fmt::Write;
        for s in &mut self.sections {
            for (n, run) in (1u32..).zip(s.items.chunk_by_mut(same_category)) {
                for it in run {
                    // Written into the string already there: no allocation per item.
                    it.seq.clear();
                    let _ = write!(it.seq, "{n}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spare_hands_back_its_buffers_emptied_and_frees_the_large_ones() {
        let mut spare = Spare::default();
        let mut item = spare.item();
        item.content = "公开内容".repeat(10);
        item.basis = "依据".repeat(2000);
        item.mode = vec![Mode::Active];
        let content_buf = item.content.as_ptr();
        spare.keep(&mut item);
        assert!(item.content.is_empty() && item.basis.is_empty() && item.mode.is_empty());
        let next = spare.item();
        // The content's buffer is the one kept, empty; the basis's (12,000 bytes) was freed.
        assert_eq!(next.content.as_ptr(), content_buf);
        assert!(next.content.is_empty() && next.content.capacity() >= 40);
        assert_eq!(next.basis.capacity(), 0);
        assert!(next.mode.is_empty() && next.mode.capacity() >= 1);
        assert!(next.name.is_empty() && next.seq.is_empty());
    }

    #[test]
    fn words_ending_in_a_full_stop_are_the_words() {
        assert_eq!(Audience::parse_list("全社会。"), [Audience::Public]);
        assert_eq!(
            Audience::parse("特定群众（低保对象）；"),
            Audience::Specific(Some("低保对象".into()))
        );
        assert_eq!(Audience::parse("所有公众"), Audience::Public);
        assert_eq!(Audience::parse("全体社会公众"), Audience::Public);
        // 所有 before a group is still that group, not the public.
        assert_eq!(
            Audience::parse("所有申请人"),
            Audience::Specific(Some("所有申请人".into()))
        );
        assert_eq!(Mode::parse_list("主动公开。"), [Mode::Active]);
        assert_eq!(Mode::parse_list("依申请公开；"), [Mode::OnRequest]);
        assert_eq!(Level::parse_list("乡镇。"), [Level::Town]);
        assert_eq!(
            Level::parse_list("乡级、村级。"),
            [Level::Town, Level::Village]
        );
        // What is not a word is still kept as written.
        assert_eq!(Mode::parse("公开。"), Mode::Unknown("公开。".into()));
        // A word wrapped by a line break in a narrow column.
        assert_eq!(Mode::parse_list("主动\n公开"), [Mode::Active]);
        assert_eq!(
            Mode::parse_list("主动\n依申请"),
            [Mode::Active, Mode::OnRequest]
        );
        assert_eq!(Audience::parse_list("全社\n会"), [Audience::Public]);
        assert_eq!(Level::parse_list("乡\n级"), [Level::Town]);
        assert_eq!(Level::parse_list("乡镇\n村"), [Level::Town, Level::Village]);
        assert_eq!(
            Level::parse_list("县级\n乡级"),
            [Level::County, Level::Town]
        );
    }

    #[test]
    fn a_field_read_from_a_column_is_placed_in_the_items_row() {
        let file: Arc<str> = Arc::from("t.csv");
        let cell = |column| {
            Loc::new(
                &file,
                Place::Cell {
                    sheet: None,
                    row: 7,
                    column,
                    line: Some(9),
                },
            )
        };
        let mut item = Item {
            loc: Some(cell(1)),
            ..Default::default()
        };
        assert!(item.at_own_place(Field::Basis));
        assert_eq!(item.loc_of(Field::Basis).as_deref(), Some(&cell(1)));
        item.set_column(Field::Basis, 6);
        assert_eq!(item.loc_of(Field::Basis).as_deref(), Some(&cell(6)));
        assert!(!item.at_own_place(Field::Basis));
        // The item's own column, and a later place winning over an earlier one.
        item.set_column(Field::Mode, 1);
        assert!(item.at_own_place(Field::Mode));
        item.set_place(Field::Mode, cell(12));
        assert_eq!(item.loc_of(Field::Mode).as_deref(), Some(&cell(12)));
        assert!(!item.at_own_place(Field::Mode));
    }

    #[test]
    fn field_slots_follow_the_declaration_order() {
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?}");
        }
    }

    #[test]
    fn places_keep_the_latest_and_the_earlier_columns_fix_rewrites() {
        let file: Arc<str> = Arc::from("t.toml");
        let at = |line| Loc::new(&file, Place::Text { line, column: 1 });
        let mut p = Places::default();
        assert_eq!(p.get(Field::Channels), None);
        // Two 公开渠道和载体 columns: the later is the field's place, both are listed.
        p.set_column(Field::Channels, 9);
        p.set_column(Field::Channels, 11);
        assert_eq!(p.get(Field::Channels), Some(Spot::Column(11)));
        // A mark group's first column is only a pointer: replaced, not listed.
        p.set_column(Field::Mode, 12);
        p.set_column(Field::Mode, 13);
        assert_eq!(p.get(Field::Mode), Some(Spot::Column(13)));
        // A place after a column wins, and a column after a place.
        p.set_column(Field::Basis, 6);
        p.set_place(Field::Basis, at(3));
        assert_eq!(p.get(Field::Basis), Some(Spot::At(&at(3))));
        p.set_place(Field::Id, at(4));
        p.set_column(Field::Id, 2);
        assert_eq!(p.get(Field::Id), Some(Spot::Column(2)));
        p.set_place(Field::Id, at(5));
        assert_eq!(p.get(Field::Id), Some(Spot::At(&at(5))));
        let columns: Vec<(Field, u32)> = p
            .iter()
            .filter_map(|(f, s)| match s {
                Spot::Column(c) => Some((f, c)),
                Spot::At(_) => None,
            })
            .collect();
        assert_eq!(
            columns,
            [
                (Field::Channels, 11),
                (Field::Mode, 13),
                (Field::Channels, 9),
                (Field::Basis, 6),
                (Field::Id, 2),
            ]
        );
        for l in p.locs_mut() {
            l.place = Place::None;
        }
        assert_eq!(
            p.get(Field::Id),
            Some(Spot::At(&Loc::new(&file, Place::None)))
        );
    }

    #[test]
    fn audience_with_group() {
        assert_eq!(
            Audience::parse("特定群众（项目单位）"),
            Audience::Specific(Some("项目单位".into()))
        );
        assert_eq!(Audience::parse("特定群體"), Audience::Specific(None));
        assert_eq!(Audience::parse("全社会"), Audience::Public);
        assert_eq!(Audience::parse("大家"), Audience::Unknown("大家".into()));
    }

    /// What one-column tables write for the audience: the public in other words is the
    /// public, and so is everyone of the place (全镇群众, 辖区居民, 全体村民); a group on its
    /// own (申请人) is the 特定群众 it names, as the template writes 特定群众（申请人） (it was
    /// GK207, with that spelling as the hint).
    #[test]
    fn audience_in_the_words_real_catalogues_use() {
        for public in [
            "不特定对象",
            "全体公民",
            "社会各界",
            "公民、法人和其他组织",
            "全镇群众",
            "全体村民",
            "辖区居民",
            "本村村民",
            "全村村民",
            "全县人民群众",
            "辖区内群众",
            "本辖区居民",
            "全乡居民",
            "村民",
            "居民",
            "所有人",
        ] {
            assert_eq!(Audience::parse(public), Audience::Public, "{public}");
        }
        for group in [
            "申请人",
            "低保对象",
            "参保人员",
            "困难群众",
            "项目单位",
            "申请人、利害关系人",
        ] {
            assert_eq!(
                Audience::parse(group),
                Audience::Specific(Some(group.into()))
            );
            assert!(Audience::names_a_group(group), "{group}");
            assert_eq!(
                Audience::parse_list(group),
                vec![Audience::Specific(Some(group.into()))],
                "one group list is one audience"
            );
        }
        for other in [
            "见备注",
            "申请人、见备注",
            "与本事项有直接利害关系的全部申请人",
            "□全社会 ■特定群众",
        ] {
            assert!(!Audience::names_a_group(other), "{other}");
        }
    }

    #[test]
    fn levels_written_as_a_checkbox_list_are_the_ticked_ones() {
        assert_eq!(Level::parse_list("☑乡级 □村级"), [Level::Town]);
        assert_eq!(
            Level::parse_list("√县级 □乡级 √村级"),
            [Level::County, Level::Village]
        );
        assert_eq!(
            Level::parse_list("■县乡两级□村级"),
            [Level::County, Level::Town]
        );
        assert_eq!(Level::parse_list("□县级 □乡级"), []);
    }

    #[test]
    fn levels_with_their_alternatives_in_brackets() {
        for (raw, want) in [
            ("乡（镇）", Level::Town),
            ("乡(镇)", Level::Town),
            ("乡镇（街道）", Level::Town),
            ("县（市、区）", Level::County),
            ("村（社区）级", Level::Village),
        ] {
            assert_eq!(Level::parse(raw), want, "{raw}");
        }
        assert_eq!(Level::parse("省级"), Level::Unknown("省级".into()));
    }

    /// A 公开方式 or 公开对象 cell naming both, in words or as a checkbox list, reads as
    /// both (GK201/GK202 then judge it); a cell with one unknown part stays one unknown value
    /// so GK206/GK207 can quote it whole; brackets keep their separators.
    #[test]
    fn mode_and_audience_cells_naming_several() {
        for both in [
            "主动公开、依申请公开",
            "主动/依申请",
            "主动和依申请公开",
            "√主动 √依申请公开",
        ] {
            assert_eq!(
                Mode::parse_list(both),
                vec![Mode::Active, Mode::OnRequest],
                "{both}"
            );
        }
        assert_eq!(Mode::parse_list("☑主动 ☐依申请公开"), vec![Mode::Active]);
        assert_eq!(Mode::parse_list("主动公开"), vec![Mode::Active]);
        assert_eq!(
            Mode::parse_list("主动、定期"),
            vec![Mode::Unknown("主动、定期".into())]
        );
        assert_eq!(
            Audience::parse_list("全社会、特定群众"),
            vec![Audience::Public, Audience::Specific(None)]
        );
        assert_eq!(
            Audience::parse_list("特定群众（申请人、利害关系人）"),
            vec![Audience::Specific(Some("申请人、利害关系人".into()))]
        );
        assert_eq!(
            Audience::parse_list("□全社会 ■特定群众"),
            vec![Audience::Specific(None)]
        );
        // 村民、居民 was the unknown list here; both are the place's public now.
        assert_eq!(
            Audience::parse_list("内部、外部"),
            vec![Audience::Unknown("内部、外部".into())]
        );
        assert_eq!(Audience::parse_list("村民、居民"), vec![Audience::Public]);
    }

    /// A word spaced out to fill a column is the word; words separated by spaces are still
    /// a list.
    #[test]
    fn spaced_out_words_are_the_words() {
        assert_eq!(Mode::parse_list("主 动"), vec![Mode::Active]);
        assert_eq!(Mode::parse_list("依申请 公开"), vec![Mode::OnRequest]);
        assert_eq!(Audience::parse_list("全 社 会"), vec![Audience::Public]);
        assert_eq!(
            Audience::parse_list("特定群众 （低保对象）"),
            vec![Audience::Specific(Some("低保对象".into()))]
        );
        assert_eq!(Level::parse_list("乡 级"), vec![Level::Town]);
        assert_eq!(Level::parse_list("乡\u{3000}级"), vec![Level::Town]);
        assert_eq!(
            Mode::parse_list("主动 依申请公开"),
            vec![Mode::Active, Mode::OnRequest]
        );
        assert_eq!(
            Audience::parse_list("全社会 特定群众"),
            vec![Audience::Public, Audience::Specific(None)]
        );
        assert_eq!(
            Level::parse_list("乡级 村级"),
            vec![Level::Town, Level::Village]
        );
        assert_eq!(Level::parse_list("县 乡"), vec![Level::County, Level::Town]);
    }

    /// 依职权公开 is the statute's word for 主动公开; 不公开 is no mode at all.
    #[test]
    fn mode_by_authority_is_active_and_not_disclosed_is_unknown() {
        for active in ["依职权主动公开", "依职权公开", "依职权公开。"] {
            assert_eq!(Mode::parse(active), Mode::Active, "{active}");
        }
        assert_eq!(Mode::parse("不公开"), Mode::Unknown("不公开".into()));
        assert_eq!(
            Mode::parse_list("不予公开"),
            vec![Mode::Unknown("不予公开".into())]
        );
    }

    #[test]
    fn levels_and_modes() {
        assert_eq!(
            Level::parse_list("乡级、村级"),
            vec![Level::Town, Level::Village]
        );
        assert_eq!(
            Level::parse_list("县乡两级"),
            vec![Level::County, Level::Town]
        );
        assert_eq!(
            Level::parse_list("县、乡、村三级"),
            vec![Level::County, Level::Town, Level::Village]
        );
        assert_eq!(
            Level::parse_list("乡镇村两级"),
            vec![Level::Town, Level::Village]
        );
        // Not a level shorthand: read as written, for GK208 to show.
        assert_eq!(
            Level::parse_list("市县两级"),
            vec![Level::Unknown("市县两级".into())]
        );
        assert_eq!(
            Level::parse_list("县乡村"),
            vec![Level::County, Level::Town, Level::Village]
        );
        assert_eq!(
            Level::parse_list("镇、村"),
            vec![Level::Town, Level::Village]
        );
        assert_eq!(Level::parse_list("乡镇"), vec![Level::Town]);
        assert_eq!(
            Level::parse_list("县市"),
            vec![Level::Unknown("县市".into())]
        );
        assert_eq!(Audience::parse("不特定社会公众"), Audience::Public);
        assert_eq!(Mode::parse("主动公开"), Mode::Active);
        assert_eq!(Mode::parse("依申請公開"), Mode::OnRequest);
    }

    #[test]
    fn numbering_restarts_per_section_and_follows_category_changes() {
        let mk = |c: &str| Item {
            category: c.into(),
            ..Default::default()
        };
        let mut cat = Catalogue {
            sections: vec![Section {
                key: SectionKey::Domain(5),
                raw: "社会救助".into(),
                loc: None,
                items: vec![mk("低保"), mk("低保"), mk("特困"), mk("低保")],
            }],
            ..Default::default()
        };
        cat.number_items();
        let seqs: Vec<_> = cat.sections[0]
            .items
            .iter()
            .map(|i| i.seq.as_str())
            .collect();
        assert_eq!(seqs, ["1", "1", "2", "3"]);
    }
}
