//! Tables (CSV, TSV, spreadsheets) → catalogues. One reader for every tabular source: find the
//! header (one or two rows, after any title rows), map its cells to fields, then read each row
//! into an item, filling blank continuation cells (序号, 一级事项, 领域, 单位) from the row above
//! and taking section rows ("社会救助领域") as the domain of the rows below.

use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::domains::{self, SectionKey};
use crate::model::{
    Audience, Catalogue, Channel, Field, Item, Level, Loc, Mode, Place, Section, Unit,
};
use crate::rules;

use super::clean::clean_cell;

/// One row as read: its cells' text, its row number as a spreadsheet shows it, and for CSV the
/// text line where it starts.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub cells: Vec<String>,
    pub row: u32,
    pub line: Option<u32>,
    /// 1-based column number of `cells[0]` (spreadsheets whose used range starts right of A).
    pub first_column: u32,
    /// Cells whose value was copied from a merged region's top-left cell (empty: none).
    pub merged: Vec<bool>,
}

/// What a header cell means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Text(Field),
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
    LevelsText,
    Level(u8),
}

/// Normalise a header cell for matching: Simplified, no whitespace, ASCII brackets, lower case.
fn header_key(s: &str) -> String {
    domains::to_simplified(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '*' && *c != '＊')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn classify(cell: &str) -> Option<Col> {
    let k = header_key(cell);
    Some(match k.as_str() {
        "序号" | "编号" | "seq" => Col::Text(Field::Seq),
        "领域" | "试点领域" | "所属领域" | "公开领域" | "domain" => Col::Domain,
        "单位" | "公开单位" | "编制单位" | "unit" => Col::Unit,
        "一级事项" | "category" => Col::Text(Field::Category),
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
        "公开层级" | "层级" | "levels" => Col::LevelsText,
        "县级" => Col::Level(0),
        "乡级" | "乡镇级" | "乡(镇)级" => Col::Level(1),
        "村级" | "村(居)级" | "村(社区)级" => Col::Level(2),
        "备注" | "remarks" => Col::Text(Field::Remarks),
        "id" => Col::Id,
        _ => return None,
    })
}

/// Parent cells of a two-row header: they have children in the row below.
fn is_parent(cell: &str) -> bool {
    matches!(
        header_key(cell).as_str(),
        "公开事项" | "公开对象" | "公开方式" | "公开层级"
    )
}

/// The header columns that the template requires, as (what is needed, satisfied-by).
const REQUIRED: [(&str, &[Col]); 8] = [
    ("二级事项", &[Col::Text(Field::Name)]),
    ("公开内容（要素）", &[Col::Text(Field::Content)]),
    ("公开依据", &[Col::Text(Field::Basis)]),
    ("公开时限", &[Col::Text(Field::Deadline)]),
    ("公开主体", &[Col::Text(Field::Subject)]),
    ("公开渠道和载体", &[Col::Channels]),
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
        &[Col::ModeActive, Col::ModeRequest, Col::ModeText],
    ),
];

struct Header {
    /// Index of the last header row in the buffered rows.
    last: usize,
    cols: Vec<Option<Col>>,
    labels: Vec<String>,
    title: Option<String>,
}

fn combine(top: &RawRow, sub: Option<&RawRow>) -> Vec<String> {
    let n = top.cells.len().max(sub.map(|s| s.cells.len()).unwrap_or(0));
    let mut out = Vec::with_capacity(n);
    let mut parent = String::new();
    for i in 0..n {
        let t = top.cells.get(i).map(|s| s.trim()).unwrap_or("");
        if !t.is_empty() {
            parent = t.to_string();
        }
        let s = sub
            .and_then(|s| s.cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("");
        // A merged parent spans blank cells to its right; its children name the columns.
        let label = if !s.is_empty()
            && (t.is_empty() || is_parent(t))
            && (is_parent(&parent) || t.is_empty())
        {
            s
        } else {
            t
        };
        out.push(label.to_string());
    }
    out
}

fn score(labels: &[String]) -> (usize, bool) {
    let cols: Vec<Col> = labels.iter().filter_map(|l| classify(l)).collect();
    let mut distinct = cols.clone();
    distinct.sort_by_key(|c| format!("{c:?}"));
    distinct.dedup();
    (distinct.len(), cols.contains(&Col::Text(Field::Name)))
}

fn find_header(rows: &[RawRow]) -> Option<Header> {
    for i in 0..rows.len() {
        let single = combine(&rows[i], None);
        let double = rows.get(i + 1).map(|next| combine(&rows[i], Some(next)));
        let (s1, n1) = score(&single);
        // A header's first row names columns itself; a title or "社会救助领域" row above the
        // header does not, even though combining it with the header row below would score.
        if s1 < 2 {
            continue;
        }
        let (s2, n2) = double.as_ref().map(|d| score(d)).unwrap_or((0, false));
        let (labels, last, ok) = if s2 > s1 && n2 {
            (double.unwrap_or_default(), i + 1, s2 >= 4)
        } else {
            (single, i, n1 && s1 >= 4)
        };
        if ok {
            let title = rows[..i]
                .iter()
                .flat_map(|r| r.cells.iter())
                .map(|c| c.trim())
                .find(|c| c.contains("目录") || c.contains("目錄"))
                .map(str::to_string);
            let cols = labels.iter().map(|l| classify(l)).collect();
            return Some(Header {
                last,
                cols,
                labels,
                title,
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

/// The unit named by a title such as "曲沃县乐昌镇人民政府基层政务公开标准目录":
/// (short name 乐昌镇, full name 曲沃县乐昌镇人民政府).
pub fn unit_from_title(title: &str) -> Option<(String, String)> {
    let t = domains::to_simplified(title.trim());
    let cut = [
        "基层政务公开事项标准目录",
        "基层政务公开标准目录",
        "政务公开事项标准目录",
        "政务公开标准目录",
        "标准目录",
        "目录",
    ]
    .iter()
    .find_map(|suf| t.find(suf))?;
    let full = t[..cut].trim().trim_end_matches(['（', '(']).to_string();
    if full.is_empty() {
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

/// Marks: set, unset, or text that is neither.
enum Mark<'a> {
    Set,
    Unset,
    Text(&'a str),
}

fn mark(cell: &str) -> Mark<'_> {
    // U+3000 is white space to `trim`.
    let t = cell.trim();
    match t {
        "" | "□" | "☐" | "×" | "✗" | "✘" | "否" | "N" | "n" | "0" | "无" => Mark::Unset,
        "✓" | "√" | "✔" | "☑" | "■" | "●" | "○" | "✅" | "是" | "Y" | "y" | "1" | "V" | "v" => {
            Mark::Set
        }
        _ => Mark::Text(t),
    }
}

/// Strip leading list numbering from a section row: "一、", "（一）", "1.", "1、".
fn strip_enumeration(s: &str) -> &str {
    let t = s.trim();
    let t = t.trim_start_matches(['（', '(']);
    let digits = t
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .last()
        .map(|(i, c)| i + c.len_utf8());
    match digits {
        Some(end) if end < t.len() => {
            let rest = &t[end..];
            let rest = rest.trim_start_matches(['）', ')', '、', '.', '．', ' ']);
            if rest.len() < t[end..].len() {
                rest
            } else {
                s.trim()
            }
        }
        _ => s.trim(),
    }
}

/// Normalise cell text: trim, unify line breaks.
/// What a cell's text looks like, for spotting rows shifted by one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Looks {
    Citation,
    Deadline,
    Subject,
    Channels,
    Mark,
}

fn looks(v: &str) -> Option<Looks> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    if matches!(mark(v), Mark::Set) {
        return Some(Looks::Mark);
    }
    if v.contains('《') && (v.contains('》') || v.contains("条例") || v.contains("办法")) {
        return Some(Looks::Citation);
    }
    if v.contains('■') || v.contains('□') || v.starts_with("政府网站") {
        return Some(Looks::Channels);
    }
    let short = v.chars().count() <= 60;
    if short
        && [
            "工作日",
            "日内",
            "实时",
            "及时公开",
            "每年",
            "长期公开",
            "日前",
        ]
        .iter()
        .any(|k| v.contains(k))
    {
        return Some(Looks::Deadline);
    }
    let no_list = !v.contains('；') && !v.contains('。');
    if v.chars().count() <= 30
        && no_list
        && ["政府", "局", "委员会", "中心", "办事处", "办公室", "所"]
            .iter()
            .any(|k| v.ends_with(k))
    {
        return Some(Looks::Subject);
    }
    None
}

fn expected(c: &Option<Col>) -> Option<Looks> {
    match c {
        Some(Col::Text(Field::Basis)) => Some(Looks::Citation),
        Some(Col::Text(Field::Deadline)) => Some(Looks::Deadline),
        Some(Col::Text(Field::Subject)) => Some(Looks::Subject),
        Some(Col::Channels) => Some(Looks::Channels),
        Some(Col::AudiencePublic | Col::ModeActive) => Some(Looks::Mark),
        _ => None,
    }
}

enum Shift {
    Left,
    Right,
}

/// A row whose values sit one column left (or right) of their columns: at least three
/// columns find what they expect in their neighbour and at most one in themselves.
fn shifted(cols: &[Option<Col>], cells: &[String]) -> Option<Shift> {
    let at = |j: Option<usize>, want: Looks| {
        j.and_then(|j| cells.get(j))
            .is_some_and(|v| looks(v) == Some(want))
    };
    // A healthy row finds what it expects in its own columns, and is done after two: the
    // mark columns (a ✓ is the cheapest thing to recognise) are looked at first.
    let mut own = 0;
    for marks in [true, false] {
        for (i, c) in cols.iter().enumerate() {
            let Some(want) = expected(c) else { continue };
            if (want == Looks::Mark) == marks && at(Some(i), want) {
                own += 1;
                if own > 1 {
                    return None;
                }
            }
        }
    }
    let (mut left, mut right) = (0, 0);
    for (i, c) in cols.iter().enumerate() {
        let Some(want) = expected(c) else { continue };
        left += usize::from(at(i.checked_sub(1), want));
        right += usize::from(at(Some(i + 1), want));
    }
    if left >= 3 {
        Some(Shift::Left)
    } else if right >= 3 {
        Some(Shift::Right)
    } else {
        None
    }
}

thread_local! {
    static CHANNELS: crate::memo::Cache<Vec<Channel>> = Default::default();
    static PLAIN: crate::memo::Cache<bool> = Default::default();
}

/// A 公开渠道和载体 cell parsed once per distinct text (a province has a few dozen).
fn channels(cell: &str) -> std::rc::Rc<Vec<Channel>> {
    crate::memo::get(&CHANNELS, cell, Channel::parse_list)
}

/// The field a column fills, for diagnostics.
fn col_field(c: Col) -> Option<Field> {
    Some(match c {
        Col::Text(f) => f,
        Col::Domain => Field::Domain,
        Col::Unit => Field::Unit,
        Col::Id => Field::Id,
        Col::Channels => Field::Channels,
        Col::AudiencePublic | Col::AudienceSpecific | Col::AudienceText | Col::AudienceGroup => {
            Field::Audience
        }
        Col::ModeActive | Col::ModeRequest | Col::ModeText => Field::Mode,
        Col::LevelsText | Col::Level(_) => Field::Levels,
    })
}

/// The first 40 characters of a text, for hints.
fn preview(s: &str) -> String {
    let one_line = s.replace('\n', " ");
    let mut p: String = one_line.chars().take(40).collect();
    if one_line.chars().count() > 40 {
        p.push('…');
    }
    p
}

/// One item read from a table, with the unit and section it belongs to.
#[derive(Debug)]
pub struct RowItem {
    pub unit: String,
    /// The full name from the title row, when the unit is named by it.
    pub unit_full: Option<String>,
    pub key: SectionKey,
    /// The section's name as written.
    pub raw: String,
    /// Where the section is named.
    pub sloc: Option<Loc>,
    pub item: Item,
}

/// Read rows into catalogues, one per unit named in a 单位 column (or one for the table).
/// `default_unit` names the unit when neither a 单位 column nor a title does. A sheet named
/// after a domain (as gkml's own workbooks are) gives that domain to rows that name none.
pub fn read_rows(
    file: &Arc<str>,
    sheet: Option<Arc<str>>,
    rows: impl Iterator<Item = Result<RawRow, Diagnostic>>,
    default_unit: &str,
) -> (Vec<Catalogue>, Vec<Diagnostic>) {
    let mut units: Vec<(String, Catalogue)> = Vec::new();
    let diags = read_rows_with(file, sheet, rows, default_unit, &mut |r: RowItem| {
        let cat = match units.iter_mut().position(|(n, _)| *n == r.unit) {
            Some(i) => &mut units[i].1,
            None => {
                units.push((
                    r.unit.clone(),
                    Catalogue {
                        unit: Unit {
                            name: r.unit.clone(),
                            full_name: r.unit_full.clone(),
                            ..Default::default()
                        },
                        file: Arc::clone(file),
                        sections: Vec::new(),
                        is_reference: false,
                    },
                ));
                let last = units.len() - 1;
                &mut units[last].1
            }
        };
        match cat.sections.iter_mut().find(|s| s.key == r.key) {
            Some(s) => s.items.push(r.item),
            None => cat.sections.push(Section {
                key: r.key,
                raw: r.raw,
                loc: r.sloc,
                items: vec![r.item],
            }),
        }
    });
    let cats = units
        .into_iter()
        .map(|(_, mut c)| {
            c.sections.sort_by_key(|s| s.key.order());
            c
        })
        .collect();
    (cats, diags)
}

/// Read rows one item at a time, handing each to `sink`. Returns the diagnostics of reading.
pub fn read_rows_with(
    file: &Arc<str>,
    sheet: Option<Arc<str>>,
    rows: impl Iterator<Item = Result<RawRow, Diagnostic>>,
    default_unit: &str,
    sink: &mut dyn FnMut(RowItem),
) -> Vec<Diagnostic> {
    let mut rows = rows.peekable();
    let (layout, rest, mut diags) = match Layout::start(file, sheet, &mut rows, default_unit) {
        Ok(started) => started,
        Err(diags) => return diags,
    };
    // Rows are placed in order and converted in parallel a batch at a time; items reach
    // `sink` in row order.
    const BATCH: usize = 512;
    let mut order = Order::default();
    let mut batch: Vec<Pending> = Vec::with_capacity(BATCH);
    let mut flush = |batch: &mut Vec<Pending>, diags: &mut Vec<Diagnostic>| {
        use rayon::prelude::*;
        let converted: Vec<(RowItem, Vec<Diagnostic>)> = std::mem::take(batch)
            .into_par_iter()
            .map(|p| layout.convert(p))
            .collect();
        for (row_item, mut found) in converted {
            diags.append(&mut found);
            sink(row_item);
        }
    };
    for r in rest.into_iter().map(Ok).chain(rows) {
        let r = match r {
            Ok(r) => r,
            Err(d) => {
                flush(&mut batch, &mut diags);
                diags.push(d);
                break;
            }
        };
        batch.extend(order.place(&layout, r));
        if batch.len() >= BATCH {
            flush(&mut batch, &mut diags);
        }
    }
    flush(&mut batch, &mut diags);
    diags.extend(layout.end(&order));
    diags
}

/// A table's header and what follows from it: everything a row needs to become an item. It is
/// shared by the threads that convert rows in parallel.
pub struct Layout {
    file: Arc<str>,
    sheet: Option<Arc<str>>,
    first_col: u32,
    cols: Vec<Option<Col>>,
    unknown_cols: Vec<(usize, String)>,
    header_cells: Vec<String>,
    /// The columns the sequential pass reads (the last one wins where several map to one).
    seq_col: Option<usize>,
    category_col: Option<usize>,
    unit_col: Option<usize>,
    domain_col: Option<usize>,
    header_row: u32,
    header_line: Option<u32>,
    has_domain_col: bool,
    title_unit: Option<String>,
    title_full: Option<String>,
    /// The domain of a sheet named after one (gkml's own workbooks).
    sheet_section: Option<SectionKey>,
    default_unit: String,
    max_cell_chars: usize,
}

/// A row that holds an item, with what the rows above it say about it: its unit and section,
/// and the values its blank continuation cells take.
pub struct Pending {
    row: RawRow,
    unit: String,
    unit_full: Option<String>,
    key: SectionKey,
    raw: String,
    sloc: Option<Loc>,
    /// 序号 and 一级事项 from the rows above, for a row whose own cells are blank.
    fill_seq: Option<String>,
    fill_category: Option<String>,
}

/// The sequential pass over a table's rows: skips blank rows, repeated headers and notes,
/// follows section rows, and fills blank continuation cells (序号, 一级事项, 单位, 领域) from
/// the row above (merged cells read as blank). Only the cells it needs are looked at; the work
/// on every cell is in [`Layout::convert`], which runs on many rows at once.
#[derive(Default)]
pub struct Order {
    current_section: Option<(SectionKey, String, Loc)>,
    saw_section_row: bool,
    seq: Option<String>,
    category: Option<String>,
    unit: Option<String>,
    domain: Option<String>,
    /// Province tables repeat the same few domain names a million times.
    last_domain: Option<(String, SectionKey)>,
    any_unplaced: bool,
}

impl Layout {
    /// Find the header among the first 30 rows. Returns the layout, the rows read after the
    /// header, and the header's diagnostics; or, when there is no usable header, the
    /// diagnostics that say so (the table is not read).
    #[allow(clippy::type_complexity)]
    pub fn start(
        file: &Arc<str>,
        sheet: Option<Arc<str>>,
        rows: &mut dyn Iterator<Item = Result<RawRow, Diagnostic>>,
        default_unit: &str,
    ) -> Result<(Layout, Vec<RawRow>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let sheet_section = sheet
            .as_deref()
            .map(domains::lookup)
            .filter(|k| !matches!(k, SectionKey::Unknown(_)));
        let mut diags = Vec::new();
        let mut head: Vec<RawRow> = Vec::new();
        while head.len() < 30 {
            match rows.next() {
                Some(Ok(r)) => head.push(r),
                Some(Err(d)) => {
                    diags.push(d);
                    return Err(diags);
                }
                None => break,
            }
        }
        let loc_of = |row: u32, col: u32, line: Option<u32>| {
            Loc::new(
                file,
                Place::Cell {
                    sheet: sheet.clone(),
                    row,
                    column: col,
                    line,
                },
            )
        };
        let Some(header) = find_header(&head) else {
            let seen: Vec<String> = head
                .iter()
                .take(10)
                .flat_map(|r| r.cells.iter())
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty() && c.chars().count() <= 20)
                .take(20)
                .collect();
            let found: Vec<Col> = seen.iter().filter_map(|c| classify(c)).collect();
            let missing: Vec<&str> = REQUIRED
                .iter()
                .filter(|(_, any)| !any.iter().any(|c| found.contains(c)))
                .map(|(n, _)| *n)
                .collect();
            let msg = if head.is_empty() {
                "表格为空".to_string()
            } else {
                "前30行中找不到目录表头".to_string()
            };
            let mut d = Diagnostic::new(&rules::HEADER_NOT_FOUND, msg)
                .in_file(file)
                .hint(format!(
                    "缺少列：{}；读到的单元格：{}",
                    missing.join("、"),
                    if seen.is_empty() {
                        "（无）".to_string()
                    } else {
                        seen.join("、")
                    }
                ));
            d.sheet = sheet.clone();
            diags.push(d);
            return Err(diags);
        };
        let header_row = head[header.last].clone();
        let first_col = header_row.first_column;
        let header_loc = |i: usize| loc_of(header_row.row, first_col + i as u32, header_row.line);
        // Required columns missing from a header that was otherwise found.
        let present: Vec<Col> = header.cols.iter().flatten().copied().collect();
        let missing: Vec<&str> = REQUIRED
            .iter()
            .filter(|(_, any)| !any.iter().any(|c| present.contains(c)))
            .map(|(n, _)| *n)
            .collect();
        if !missing.is_empty() {
            diags.push(
                Diagnostic::new(
                    &rules::HEADER_NOT_FOUND,
                    format!("表头缺少必需的列：{}", missing.join("、")),
                )
                .at(Some(&header_loc(0)))
                .hint(format!(
                    "读到的列：{}",
                    header
                        .labels
                        .iter()
                        .filter(|l| !l.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("、")
                )),
            );
            return Err(diags);
        }
        let mut unknown_cols: Vec<(usize, String)> = Vec::new();
        for (i, (c, label)) in header.cols.iter().zip(&header.labels).enumerate() {
            if c.is_none() && !label.is_empty() {
                unknown_cols.push((i, label.clone()));
                diags.push(
                    Diagnostic::new(
                        &rules::UNKNOWN_COLUMN,
                        format!("无法识别的列“{label}”，其内容将并入备注"),
                    )
                    .at(Some(&header_loc(i)))
                    .hint("如属模板中的列，请改用模板列名（如“公开内容（要素）”“公开渠道和载体”）"),
                );
            }
        }
        let header_cells: Vec<String> = header_row
            .cells
            .iter()
            .map(|c| c.trim().to_string())
            .collect();
        let has_domain_col = header.cols.contains(&Some(Col::Domain));
        let (title_unit, title_full) = header
            .title
            .as_deref()
            .and_then(unit_from_title)
            .map(|(s, f)| (Some(s), Some(f)))
            .unwrap_or((None, None));
        let rest = head.split_off(header.last + 1);
        Ok((
            Layout {
                file: Arc::clone(file),
                sheet,
                first_col,
                unknown_cols,
                header_cells,
                header_row: header_row.row,
                header_line: header_row.line,
                has_domain_col,
                title_unit,
                title_full,
                sheet_section,
                default_unit: default_unit.to_string(),
                max_cell_chars: crate::limits::get().max_cell_chars,
                seq_col: header
                    .cols
                    .iter()
                    .rposition(|c| *c == Some(Col::Text(Field::Seq))),
                category_col: header
                    .cols
                    .iter()
                    .rposition(|c| *c == Some(Col::Text(Field::Category))),
                unit_col: header.cols.iter().rposition(|c| *c == Some(Col::Unit)),
                domain_col: header.cols.iter().rposition(|c| *c == Some(Col::Domain)),
                cols: header.cols,
            },
            rest,
            diags,
        ))
    }

    /// The value of cell `i` as [`Layout::convert`] reads it (cleaned), without copying a
    /// clean cell.
    fn value<'a>(&self, r: &'a RawRow, i: Option<usize>) -> std::borrow::Cow<'a, str> {
        let raw = i
            .and_then(|i| r.cells.get(i))
            .map(String::as_str)
            .unwrap_or("");
        let raw = match raw.strip_prefix('\'') {
            Some(rest) if crate::render::csv::needs_neutralising(rest) => rest,
            _ => raw,
        };
        if crate::read::clean::is_plain(raw) {
            std::borrow::Cow::Borrowed(raw)
        } else {
            std::borrow::Cow::Owned(clean_cell(raw).text)
        }
    }

    fn loc(&self, row: u32, column: u32, line: Option<u32>) -> Loc {
        Loc::new(
            &self.file,
            Place::Cell {
                sheet: self.sheet.clone(),
                row,
                column,
                line,
            },
        )
    }

    /// Convert one item row: clean and parse every cell. Independent of other rows, so rows
    /// are converted in parallel.
    pub fn convert(&self, p: Pending) -> (RowItem, Vec<Diagnostic>) {
        let mut r = p.row;
        let first_col = self.first_col;
        let unknown_cols = &self.unknown_cols;
        let loc_of = |row: u32, col: u32, line: Option<u32>| self.loc(row, col, line);
        let mut diags = Vec::new();
        let mut item = Item {
            loc: Some(loc_of(r.row, first_col, r.line)),
            places: Vec::with_capacity(self.cols.len()),
            ..Default::default()
        };
        let mut remarks_extra: Vec<String> = Vec::new();
        let mut audience_text: Option<String> = None;
        let mut group_text: Option<String> = None;
        // Looked at before the cells are taken apart below.
        let shift = shifted(&self.cols, &r.cells);
        for (i, col) in self.cols.iter().enumerate() {
            // Each cell is taken, not copied: a clean cell (nearly all) becomes the value as is.
            let raw_cell = r.cells.get_mut(i).map(std::mem::take).unwrap_or_default();
            let raw = raw_cell.as_str();
            let max_chars = self.max_cell_chars;
            if raw.len() > max_chars && raw.chars().count() > max_chars {
                let mut d = Diagnostic::new(
                    &rules::CELL_TOO_LONG,
                    format!(
                        "单元格有 {} 个字符，超过上限 {max_chars}",
                        raw.chars().count()
                    ),
                )
                .at(Some(&loc_of(r.row, first_col + i as u32, r.line)))
                .hint("精简为公开要素的列举；长文请在门户网站发布后链接");
                d.field = col.and_then(col_field);
                diags.push(d);
            }
            // gkml's CSV neutralises formulas with a leading apostrophe; read the value back.
            let raw = match raw.strip_prefix('\'') {
                Some(rest) if crate::render::csv::needs_neutralising(rest) => rest,
                _ => raw,
            };
            // The common case: nothing to clean, the cell becomes the value without a copy.
            let fast = raw.len() == raw_cell.len()
                && match col.and_then(col_field) {
                    // Texts a province repeats are judged once per distinct text.
                    Some(f) if crate::rules::hygiene::repeats(f) => {
                        *crate::memo::get(&PLAIN, raw, crate::read::clean::is_plain)
                    }
                    _ => crate::read::clean::is_plain(raw),
                };
            let cleaned = (!fast).then(|| clean_cell(raw));
            let loc = loc_of(r.row, first_col + i as u32, r.line);
            if let Some(c) = &cleaned {
                if c.had_html {
                    let mut d = Diagnostic::new(
                        &rules::HTML_RESIDUE,
                        "单元格中有网页代码（HTML），已按去除代码后的文字读取",
                    )
                    .at(Some(&loc))
                    .hint(format!("把单元格改为纯文字：{}", preview(&c.text)));
                    d.field = col.and_then(col_field);
                    diags.push(d);
                } else if matches!(col, Some(Col::Text(_))) && c.text != raw {
                    let mut d = Diagnostic::new(
                        &rules::STRAY_WHITESPACE,
                        "单元格中有多余的空格或空行，已去除后读取",
                    )
                    .at(Some(&loc))
                    .underline(
                        &raw.replace('\u{3000}', "□")
                            .replace('\t', "→")
                            .replace('\n', "⏎"),
                        "",
                    )
                    .hint("删除首尾空格、全角空格、连续空格和空行（--fix 可自动修正）");
                    d.field = col.and_then(col_field);
                    diags.push(d);
                }
            }
            let value = match cleaned {
                Some(c) => c.text,
                None => raw_cell,
            };
            let Some(col) = col else {
                if !value.is_empty() {
                    // Sorted by column: a lookup per cell, not a scan (400,000 columns).
                    if let Ok(k) = unknown_cols.binary_search_by_key(&i, |(j, _)| *j) {
                        if let Some((_, label)) = unknown_cols.get(k) {
                            remarks_extra.push(format!("{label}：{value}"));
                        }
                    }
                }
                continue;
            };
            match col {
                Col::Text(f) => {
                    if *f == Field::Seq {
                        item.seq_explicit =
                            !value.is_empty() && !r.merged.get(i).copied().unwrap_or(false);
                    }
                    if let Some(slot) = item.text_mut(*f) {
                        *slot = value;
                    }
                    item.set_place(*f, loc);
                }
                Col::Id => item.id = (!value.is_empty()).then_some(value),
                // Read by the sequential pass (see `Order::place`).
                Col::Unit | Col::Domain => {}
                Col::Channels => {
                    item.channels = Vec::clone(&channels(&value));
                    item.set_place(Field::Channels, loc);
                }
                Col::AudienceText => {
                    item.set_place(Field::Audience, loc);
                    audience_text = (!value.is_empty()).then_some(value);
                }
                Col::AudienceGroup => group_text = (!value.is_empty()).then_some(value),
                Col::AudiencePublic
                | Col::AudienceSpecific
                | Col::ModeActive
                | Col::ModeRequest
                | Col::Level(_) => {
                    let m = mark(&value);
                    let set = match m {
                        Mark::Unset => false,
                        Mark::Set => true,
                        Mark::Text(t) if *col == Col::AudienceSpecific => {
                            let g = t.trim_start_matches(['✓', '√', '✔', '☑', '■', '●']).trim();
                            item.audience
                                .push(Audience::Specific((!g.is_empty()).then(|| g.to_string())));
                            item.set_place(Field::Audience, loc);
                            continue;
                        }
                        Mark::Text(t) => {
                            let field = match col {
                                Col::ModeActive | Col::ModeRequest => Field::Mode,
                                Col::Level(_) => Field::Levels,
                                _ => Field::Audience,
                            };
                            diags.push(
                                Diagnostic::new(
                                    &rules::UNREADABLE_MARK,
                                    format!("标记“{t}”无法识别，按已勾选处理"),
                                )
                                .at(Some(&loc))
                                .field(field)
                                .hint("勾选写“✓”，未勾选留空"),
                            );
                            true
                        }
                    };
                    let (field, loc) = match col {
                        Col::ModeActive | Col::ModeRequest => (Field::Mode, loc),
                        Col::Level(_) => (Field::Levels, loc),
                        _ => (Field::Audience, loc),
                    };
                    if item.loc_of(field) == item.loc.as_ref() {
                        // First mark column of this field: point at it even when unset, so
                        // "no mark" diagnostics name a cell in the group.
                        item.set_place(field, loc.clone());
                    }
                    if set {
                        item.set_place(field, loc);
                        match col {
                            Col::AudiencePublic => item.audience.push(Audience::Public),
                            Col::AudienceSpecific => item.audience.push(Audience::Specific(None)),
                            Col::ModeActive => item.mode.push(Mode::Active),
                            Col::ModeRequest => item.mode.push(Mode::OnRequest),
                            Col::Level(n) => item
                                .levels
                                .push(Level::KNOWN[usize::from(*n).min(2)].clone()),
                            _ => {}
                        }
                    }
                }
                Col::ModeText => {
                    item.set_place(Field::Mode, loc);
                    if !value.is_empty() {
                        item.mode.push(Mode::parse(&value));
                    }
                }
                Col::LevelsText => {
                    item.set_place(Field::Levels, loc);
                    item.levels.extend(Level::parse_list(&value));
                }
            }
        }
        if let Some(dir) = shift {
            let msg = match dir {
                Shift::Left => {
                    "该行内容疑似整体向左错位一列（如公开依据写在了“公开内容（要素）”列）"
                }
                Shift::Right => "该行内容疑似整体向右错位一列（如公开依据写在了“公开时限”列）",
            };
            diags.push(
                Diagnostic::new(&rules::SHIFTED_ROW, msg)
                    .at(Some(&loc_of(r.row, first_col, r.line)))
                    .hint("对照表头把这一行的单元格移回正确的列；常见原因是一级事项或序号单元格被删除"),
            );
        }
        if let Some(a) = audience_text {
            let mut a = Audience::parse(&a);
            if let (Audience::Specific(g @ None), Some(group)) = (&mut a, group_text.take()) {
                *g = Some(group);
            }
            item.audience.push(a);
        } else if let Some(group) = group_text {
            if let Some(Audience::Specific(g @ None)) = item
                .audience
                .iter_mut()
                .find(|a| matches!(a, Audience::Specific(_)))
            {
                *g = Some(group);
            }
        }
        if !remarks_extra.is_empty() {
            let extra = remarks_extra.join("；");
            item.remarks = if item.remarks.is_empty() {
                extra
            } else {
                format!("{}；{extra}", item.remarks)
            };
        }
        if item.seq.is_empty() {
            if let Some(seq) = p.fill_seq {
                item.seq = seq;
            }
        }
        if item.category.is_empty() {
            if let Some(category) = p.fill_category {
                // The cell itself stays the place: it is where a clerk would look.
                item.category = category;
            }
        }
        let row_item = RowItem {
            unit: p.unit,
            unit_full: p.unit_full,
            key: p.key,
            raw: p.raw,
            sloc: p.sloc,
            item,
        };
        (row_item, diags)
    }

    /// What is left to say once every row is read: a table with no domain anywhere.
    pub fn end(&self, order: &Order) -> Option<Diagnostic> {
        if !order.any_unplaced || order.saw_section_row {
            return None;
        }
        let header_loc = self.loc(self.header_row, self.first_col, self.header_line);
        let mut d = Diagnostic::new(&rules::NO_DOMAIN, "表中未注明领域，事项归入“未分领域”")
            .at(Some(&header_loc))
            .hint("增加“领域”列，或在各领域事项上方加一行领域名称（如“社会救助领域”）");
        d.field = Some(Field::Domain);
        Some(d)
    }
}

impl Order {
    /// Place one row: `None` for blank rows, repeated headers, notes and section rows (which
    /// set the section of the rows below).
    pub fn place(&mut self, layout: &Layout, r: RawRow) -> Option<Pending> {
        // The first non-blank cell, and whether every other non-blank cell says the same
        // (a section row, or a note). An item row differs at its second cell, so few cells
        // are looked at.
        let mut cells = r
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.trim()))
            .filter(|(_, c)| !c.is_empty());
        let (first_col, text) = cells.next()?;
        let mut others = 0;
        let all_same = cells.all(|(_, c)| {
            others += 1;
            c == text
        });
        // A header repeated after a page break.
        if r.cells
            .iter()
            .map(|c| c.trim())
            .eq(layout.header_cells.iter().map(String::as_str))
        {
            return None;
        }
        if all_same {
            let key = domains::lookup(strip_enumeration(text));
            if !matches!(key, SectionKey::Unknown(_)) {
                let col = layout.first_col + first_col as u32;
                self.current_section =
                    Some((key, text.to_string(), layout.loc(r.row, col, r.line)));
                self.saw_section_row = true;
                // Continuation cells do not reach across a section row.
                (self.seq, self.category, self.unit, self.domain) = (None, None, None, None);
                return None;
            }
            let n = domains::to_simplified(text);
            if others == 0
                && ["备注", "注：", "注:", "说明", "填表说明", "注释"]
                    .iter()
                    .any(|p| n.starts_with(p))
            {
                return None;
            }
        }
        Some(self.fill(layout, r))
    }

    /// Fill a row's blank continuation cells from the rows above and name its unit and
    /// section.
    fn fill(&mut self, layout: &Layout, r: RawRow) -> Pending {
        let seq = layout.value(&r, layout.seq_col);
        let seq_blank = seq.is_empty();
        let same_group = seq_blank || self.seq.as_deref() == Some(&*seq);
        let fill_seq = if seq_blank {
            self.seq.get_or_insert_with(String::new);
            self.seq.clone().filter(|s| !s.is_empty())
        } else {
            if self.seq.as_deref() != Some(&*seq) {
                self.seq = Some(seq.into_owned());
            }
            None
        };
        let category = layout.value(&r, layout.category_col);
        let fill_category = if category.is_empty() && same_group {
            self.category.clone()
        } else {
            None
        };
        if fill_category.is_none() && self.category.as_deref() != Some(&*category) {
            self.category = Some(category.into_owned());
        }
        let unit_cell = layout.value(&r, layout.unit_col);
        let unit_name = if unit_cell.is_empty() {
            self.unit.clone()
        } else {
            let u = unit_cell.into_owned();
            self.unit = Some(u.clone());
            Some(u)
        };
        let domain_cell = layout.value(&r, layout.domain_col);
        let (key, raw, sloc) = if !domain_cell.is_empty() {
            let text = domain_cell.into_owned();
            let column = layout.first_col + layout.domain_col.unwrap_or(0) as u32;
            let loc = layout.loc(r.row, column, r.line);
            self.domain = Some(text.clone());
            let key = match &self.last_domain {
                Some((t, k)) if *t == text => k.clone(),
                _ => {
                    let k = section_key_of(&text);
                    self.last_domain = Some((text.clone(), k.clone()));
                    k
                }
            };
            (key, text, Some(loc))
        } else {
            match (&self.domain, &self.current_section) {
                (Some(text), _) if layout.has_domain_col => {
                    (section_key_of(text), text.clone(), None)
                }
                (_, Some((k, raw, loc))) => (k.clone(), raw.clone(), Some(loc.clone())),
                _ if layout.sheet_section.is_some() => {
                    let k = layout
                        .sheet_section
                        .clone()
                        .unwrap_or(SectionKey::General("未分领域".into()));
                    let raw = k.display_name().to_string();
                    (k, raw, None)
                }
                _ => (
                    SectionKey::General("未分领域".into()),
                    "未分领域".into(),
                    None,
                ),
            }
        };
        let unit_full = if unit_name.is_none() {
            layout.title_full.clone()
        } else {
            None
        };
        let unit = unit_name
            .or_else(|| layout.title_unit.clone())
            .unwrap_or_else(|| layout.default_unit.clone());
        self.any_unplaced |= matches!(&key, SectionKey::General(g) if g == "未分领域");
        Pending {
            row: r,
            unit,
            unit_full,
            key,
            raw,
            sloc,
            fill_seq,
            fill_category,
        }
    }
}

fn section_key_of(text: &str) -> SectionKey {
    match domains::lookup(text) {
        SectionKey::Unknown(_) => domains::lookup_many(text)
            .into_iter()
            .next()
            .unwrap_or(SectionKey::Unknown(text.to_string())),
        k => k,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn enumerations_are_stripped_from_section_rows() {
        assert_eq!(strip_enumeration("一、社会救助领域"), "社会救助领域");
        assert_eq!(strip_enumeration("（五）养老服务"), "养老服务");
        assert_eq!(strip_enumeration("5.社会救助"), "社会救助");
        assert_eq!(strip_enumeration("社会救助"), "社会救助");
    }
}
